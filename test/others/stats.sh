#!/bin/bash
# dump and restore write stats-dump.img / stats-restore.img (CRIU's shape)
# and --display-stats prints them.
set -u
T=${ZDTM_TMP:?}
BIN=$BUILD_DIR/test/zdtm/static/mem_anon_holes
[ -x "$BIN" ] || { echo "no $BIN: run make test"; exit 1; }
mkdir -p "$T/test" "$T/img" && cd "$T/test" || exit 1
"$BIN" --pidfile="$T/test/pid" --outfile="$T/test/out" || exit 1
PID=$(cat "$T/test/pid")
trap 'kill -9 $PID 2>/dev/null' EXIT

# The vDSO's pages are written but restored only when it is rebuilt as a proxy.
range=$(grep '\[vdso\]' /proc/$PID/maps | cut -d' ' -f1)
vdso_pages=$(( (0x${range#*-} - 0x${range%-*}) / 4096 ))
out=$("$CRIU" dump -t "$PID" -D "$T/img" -o dump.log --display-stats) || { echo "dump failed"; exit 1; }
for k in "Freezing time" "Frozen time" "Memory dump time" "Memory pages scanned" "Memory pages written"; do
	echo "$out" | grep -q "^$k: [0-9]" || { echo "dump stats lack $k: $out"; exit 1; }
done
for i in $(seq 100); do [ -e /proc/$PID ] || break; sleep 0.1; done
out=$("$CRIU" restore -D "$T/img" -d -o restore.log --display-stats) || { echo "restore failed"; exit 1; }
for k in "Forking time" "Restore time" "Pages restored"; do
	echo "$out" | grep -q "^$k: [0-9]" || { echo "restore stats lack $k: $out"; exit 1; }
done
"$CRIT" decode -i "$T/img/stats-dump.img" | grep -q '"pages_written"' || { echo "bad stats-dump.img"; exit 1; }
"$CRIT" decode -i "$T/img/stats-restore.img" | grep -q '"restore_time"' || { echo "bad stats-restore.img"; exit 1; }
written=$("$CRIT" decode -i "$T/img/stats-dump.img" | python3 -c 'import json,sys; print(json.load(sys.stdin)["entries"][0]["dump"]["pages_written"])')
restored=$("$CRIT" decode -i "$T/img/stats-restore.img" | python3 -c 'import json,sys; print(json.load(sys.stdin)["entries"][0]["restore"]["pages_restored"])')
[ "$written" = "$((restored + vdso_pages))" ] ||
	{ echo "pages written $written, restored $restored, vdso $vdso_pages"; exit 1; }
kill -TERM "$PID"
for i in $(seq 100); do grep -q PASS "$T/test/out" 2>/dev/null && break; sleep 0.1; done
grep -q PASS "$T/test/out" || { echo "restored test: $(cat "$T/test/out")"; exit 1; }
echo "stats ok: $written pages"
