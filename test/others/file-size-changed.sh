#!/bin/bash
# A regular file whose size changed between dump and restore: restore fails
# naming it, and succeeds with --skip-file-size-check.
set -u
T=${ZDTM_TMP:?}
F=$T/data
mkdir -p "$T/img"
echo "some data" > "$F"
# Not a group leader in a script, so setsid execs in place: $! is the program.
setsid bash -c 'exec 3<"$1"; exec sleep 1000' bash "$F" </dev/null >/dev/null 2>&1 &
P=$!
for i in $(seq 50); do [ "$(readlink /proc/$P/exe)" = "$(command -v sleep)" ] && break; sleep 0.1; done
[ -e "/proc/$P/fd/3" ] || { echo "test program did not start"; exit 1; }
trap 'kill -9 $P 2>/dev/null' EXIT
"$CRIU" dump -t "$P" -D "$T/img" -o dump.log -v4 || { echo "dump failed"; exit 1; }
for i in $(seq 100); do [ -e /proc/$P ] || break; sleep 0.1; done

echo "more" >> "$F"
out=$("$CRIU" restore -D "$T/img" -d -o rst1.log 2>&1)
[ $? -eq 1 ] || { echo "restore of a grown file did not fail"; exit 1; }
echo "$out" | grep -q "$F" || { echo "error does not name $F: $out"; exit 1; }
[ -e /proc/$P ] && { echo "a process is left after the failed restore"; exit 1; }

"$CRIU" restore -D "$T/img" -d -o rst2.log --skip-file-size-check ||
	{ echo "restore with --skip-file-size-check failed"; exit 1; }
[ "$(readlink /proc/$P/fd/3)" = "$F" ] || { echo "fd 3 is not $F after restore"; exit 1; }
echo "file-size-changed: ok"
