#!/bin/bash
# A restore that fails at any stage, or on a damaged image, exits 1 naming
# what failed and leaves no process of the tree behind; the same images then
# restore fine and the tree passes its own checks.
set -u
T=${ZDTM_TMP:?}
BIN=$BUILD_DIR/test/zdtm/static/pstree_big
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

[ -x "$BIN" ] || { echo "no $BIN: run make test"; exit 1; }
mkdir -p "$T/test" "$T/img"
cd "$T/test" || exit 1
cleanup() { [ -n "${PIDS:-}" ] && kill -9 $PIDS 2>/dev/null; }
trap cleanup EXIT

"$BIN" --pidfile="$T/test/pid" --outfile="$T/test/out" || { echo "test did not start"; exit 1; }
ROOT=$(cat "$T/test/pid")
PIDS=$(ps -o pid= --ppid "$ROOT"; ps -o pid= -g "$(ps -o sid= -p "$ROOT")" 2>/dev/null)
PIDS=$(echo $ROOT $PIDS | tr ' ' '\n' | sort -u)

"$CRIU" dump -t "$ROOT" -D "$T/img" -o dump.log -v4 || { echo "dump failed"; exit 1; }
gone() { local p; for p in $PIDS; do [ -e "/proc/$p" ] && return 1; done; return 0; }
wait_gone() { local i; for i in $(seq 100); do gone && return 0; sleep 0.1; done; return 1; }
wait_gone || { echo "dumped tree still there"; exit 1; }

for stage in read-images restore-area fork-tree fork-tree:after wait-tasks finalize; do
	out=$(CRIU_FAIL_STAGE=$stage "$CRIU" restore -D "$T/img" -d -o "rst-$stage.log" -v4 2>&1)
	rc=$?
	[ $rc -eq 1 ] || fail "restore with $stage failing: exit $rc"
	echo "$out" | grep -q "Stage ${stage%:after} failed" || fail "$stage: no error naming the stage: $out"
	wait_gone || fail "$stage: processes of the tree left behind"
done

# A damaged image: the error names the file; nothing is created.
core=$(ls "$T/img"/core-*.img | head -1)
cp "$core" "$T/core.bak"
truncate -s 30 "$core"
out=$("$CRIU" restore -D "$T/img" -d -o rst-bad.log 2>&1)
[ $? -eq 1 ] || fail "restore of a truncated core image did not fail"
echo "$out" | grep -q "$(basename "$core")" || fail "no error naming $(basename "$core"): $out"
wait_gone || fail "processes left after a bad image"
cp "$T/core.bak" "$core"

# A pid taken by someone else is a clear error.
"$CRIU" restore -D "$T/img" -d -o rst-ok.log -v4 --pidfile "$T/rpid" || fail "good restore failed"
out=$("$CRIU" restore -D "$T/img" -d -o rst-busy.log 2>&1)
[ $? -eq 1 ] && echo "$out" | grep -q "already in use" || fail "second restore: $out"

kill -TERM "$ROOT"
for i in $(seq 200); do grep -q PASS "$T/test/out" 2>/dev/null && break; grep -q FAIL "$T/test/out" 2>/dev/null && break; sleep 0.1; done
grep -q PASS "$T/test/out" || fail "restored tree did not pass: $(cat "$T/test/out")"
wait_gone
[ "$fails" -eq 0 ] || exit 1
echo "restore-fail: all checks passed"
