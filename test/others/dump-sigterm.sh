#!/bin/bash
# A dump stopped by SIGTERM (a runtime giving up on criu) must undo itself:
# the program, 768 MiB of data and a counter in python3, is released as it
# was and runs on; criu then dies of the signal, and the images are marked
# incomplete (no inventory.img).  The signal is sent at growing delays
# until it lands inside the dump.
. "$(dirname "$0")/realprog/lib.bash"
need setsid python3

. "$(dirname "$0")/realprog/big-data.bash"

[ "$NOCR" = 1 ] && skip "needs criu"
start_big
delay=0.02
for attempt in 1 2 3 4 5 6 7 8; do
	d=$W/dump.$attempt
	mkdir -p "$d"
	"$CRIU" dump -t "$PID" -D "$d" -o dump.log -v4 &
	cpid=$!
	sleep "$delay"
	kill -TERM "$cpid" 2>/dev/null
	wait "$cpid"
	rc=$?
	if grep -q "Interrupted by signal 15" "$d/dump.log" 2>/dev/null; then
		[ "$rc" = 143 ] || fail "criu ended with $rc, not killed by its SIGTERM"
		[ ! -e "$d/inventory.img" ] || fail "an interrupted dump left inventory.img"
		gone "$PID" && fail "the program died with the interrupted dump"
		ask_big
		r2=$REPORT
		[ "${r2% *}" = "${R1% *}" ] || fail "the data changed: '$R1' -> '$r2'"
		sleep 0.3
		ask_big
		[ "${REPORT#* }" -gt "${r2#* }" ] || fail "the program does not run on: $REPORT"
		say "interrupted after ${delay}s (attempt $attempt): released, data intact, counting"
		exit 0
	fi
	if [ "$rc" = 0 ]; then
		# done before the signal: the program was dumped and killed
		wait_gone "$PID" 100 || fail "pid $PID alive after a finished dump"
		start_big
		delay=$(python3 -c "print($delay / 2)")
	else
		# killed before it caught signals: nothing was done to the program
		gone "$PID" && fail "the program died (criu ended with $rc)"
		delay=$(python3 -c "print($delay * 2)")
	fi
done
fail "the signal never landed inside a dump"
