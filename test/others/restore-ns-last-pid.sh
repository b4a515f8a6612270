#!/bin/bash
# Restore on a kernel without clone3 set_tid: tasks get their pids through
# /proc/sys/kernel/ns_last_pid (forced here with CRIU_FORCE_NS_LAST_PID).
# The tree has dead session and group leaders, so CLONE_PARENT forks take
# that path too; the restored tree passes its own checks.  It all runs in
# a new pid namespace: its ns_last_pid is ours alone, where on the host any
# other fork between our write and our fork would take the pid.
set -u
if [ "${1:-}" != inner ]; then
	command -v unshare >/dev/null || { echo "SKIP: no unshare"; exit 77; }
	exec unshare --pid --fork --mount-proc "$0" inner
fi
T=${ZDTM_TMP:?}
BIN=$BUILD_DIR/test/zdtm/static/zombie_leaders
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

[ -x "$BIN" ] || { echo "no $BIN: run make test"; exit 1; }
[ -w /proc/sys/kernel/ns_last_pid ] || { echo "SKIP: no writable ns_last_pid"; exit 77; }
mkdir -p "$T/test" "$T/img"
cd "$T/test" || exit 1

"$BIN" --pidfile="$T/test/pid" --outfile="$T/test/out" || { echo "test did not start"; exit 1; }
ROOT=$(cat "$T/test/pid")

"$CRIU" dump -t "$ROOT" -D "$T/img" -o dump.log -v4 || { echo "dump failed"; exit 1; }
for i in $(seq 100); do [ -e "/proc/$ROOT" ] || break; sleep 0.1; done

CRIU_FORCE_NS_LAST_PID=1 "$CRIU" restore -D "$T/img" -d -o rst.log -v4 ||
	fail "restore failed: $(grep Error "$T/img/rst.log")"
grep -q "pids with /proc/sys/kernel/ns_last_pid" "$T/img/rst.log" ||
	fail "restore did not use ns_last_pid"

kill -TERM "$ROOT"
for i in $(seq 200); do grep -q "PASS\|FAIL" "$T/test/out" 2>/dev/null && break; sleep 0.1; done
grep -q PASS "$T/test/out" || fail "restored tree did not pass: $(cat "$T/test/out")"
[ "$fails" -eq 0 ] || exit 1
echo "restore-ns-last-pid: all checks passed"
