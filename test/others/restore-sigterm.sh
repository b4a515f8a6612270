#!/bin/bash
# A restore stopped by SIGTERM must leave nothing behind: no process of the
# tree (768 MiB of data and a counter in python3), and criu dies of the
# signal.  The images are untouched, so a restore without the signal then
# brings the program back with its data.  The signal is sent at growing
# delays until it lands inside the restore.
. "$(dirname "$0")/realprog/lib.bash"
need setsid python3
. "$(dirname "$0")/realprog/big-data.bash"

[ "$NOCR" = 1 ] && skip "needs criu"
start_big
criu_dump "$W/dump"
check_gone
delay=0.02
for attempt in 1 2 3 4 5 6 7 8; do
	log=restore.$attempt.log
	"$CRIU" restore -D "$W/dump" -d -o "$log" -v4 --pidfile "$W/dump/restore.pid" &
	cpid=$!
	sleep "$delay"
	kill -TERM "$cpid" 2>/dev/null
	wait "$cpid"
	rc=$?
	if grep -q "Interrupted by signal 15" "$W/dump/$log" 2>/dev/null; then
		[ "$rc" = 143 ] || fail "criu ended with $rc, not killed by its SIGTERM"
		wait_gone "$PID" 100 || fail "pid $PID is left after the interrupted restore"
		wait_for 100 session_gone "$PID" ||
			fail "processes are left after the interrupted restore: $(session_members "$PID")"
		say "interrupted after ${delay}s (attempt $attempt): nothing left"
		# the pid must be free again for the real restore
		wait_for 100 test ! -e "/proc/$PID" || fail "pid $PID is still taken"
		criu_restore "$W/dump"
		ask_big
		[ "${REPORT% *}" = "${R1% *}" ] || fail "the data changed: '$R1' -> '$REPORT'"
		say "restored afterwards with its data"
		exit 0
	fi
	if [ "$rc" = 0 ]; then
		# done before the signal: kill the restored program, try sooner
		kill -KILL "$PID"
		wait_gone "$PID" 100 || fail "pid $PID survived SIGKILL"
		wait_for 100 test ! -e "/proc/$PID" || fail "pid $PID is still taken"
		delay=$(python3 -c "print($delay / 2)")
	else
		gone "$PID" || fail "criu ended with $rc and left pid $PID"
		delay=$(python3 -c "print($delay * 2)")
	fi
done
fail "the signal never landed inside a restore"
