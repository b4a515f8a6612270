#!/bin/bash
# For the scripts around realprog/big-data.py (sourced after lib.bash):
# start_big starts it and sets R1 to its first report; ask_big asks for a
# report and sets REPORT ("SHA256 COUNTER").
cp "$(dirname "${BASH_SOURCE[0]}")/big-data.py" "$W/big.py"

big_reports() { if [ -e "$W/report" ]; then wc -l <"$W/report"; else echo 0; fi; }
big_more_reports() { [ "$(big_reports)" -gt "$1" ]; }

ask_big() {
	local n
	n=$(big_reports)
	kill -USR1 "$PID" || fail "can't signal $PID"
	wait_for 300 big_more_reports "$n" || fail "no report from the program"
	REPORT=$(tail -n 1 "$W/report")
}

start_big() {
	rm -f "$W/ready" "$W/report"
	start_prog "$W/out" "$W/err" /dev/null python3 big.py
	wait_for 600 test -s "$W/ready" || fail "python did not get ready: $(cat "$W/err")"
	ask_big
	R1=$REPORT
}
