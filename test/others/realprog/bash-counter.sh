#!/bin/bash
# A bash loop that increments a counter every 0.1 s, writes it to a file
# (rewritten each time) and appends it to a log.  After the dump the files
# stop changing; after restore the counter continues from where it was:
# it never goes back, never resets to 0, and the log stays the sequence
# 1, 2, 3, ... with no gap and no repeat.
. "$(dirname "$0")/lib.bash"
need setsid bash

cat >"$W/counter.sh" <<'SCRIPT'
n=0
while :; do
	n=$((n + 1))
	echo "$n" >counter.tmp
	mv counter.tmp counter
	echo "$n" >>counter.log
	sleep 0.1
done
SCRIPT

counter() { cat "$W/counter" 2>/dev/null; }
# the log is 1..N, one per line, nothing else
log_ok() {
	awk 'BEGIN { e = 1 } $0 != e { bad = 1; exit } { e++ } END { exit bad }' "$W/counter.log"
}
at_least() { local c; c=$(counter); [ -n "$c" ] && [ "$c" -ge "$1" ]; }

start_prog "$W/out" "$W/err" /dev/null bash counter.sh
wait_for 100 at_least 10 || fail "the counter does not count: '$(counter)'"

criu_dump "$W/dump"
check_gone
c1=$(counter)
say "counter at the dump: $c1"
if [ "$NOCR" != 1 ]; then
	# nothing counts any more
	sleep 0.5
	[ "$(counter)" = "$c1" ] || fail "the counter moved after the dump: $c1 -> $(counter)"
fi
criu_restore "$W/dump"

wait_for 100 at_least $((c1 + 10)) || fail "the counter does not go on: $c1 -> '$(counter)'"
log_ok || fail "the log is not 1..N: $(tr '\n' ' ' <"$W/counter.log" | tail -c 300)"
c2=$(counter)
[ "$c2" -gt "$c1" ] || fail "the counter went from $c1 to $c2"
say "counter after restore: $c2, log of $(wc -l <"$W/counter.log") lines"
exit 0
