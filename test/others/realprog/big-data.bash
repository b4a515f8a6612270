#!/bin/bash
# For the scripts around realprog/big-data.py (sourced after lib.bash):
# start_big starts it and sets R1 to its first report; ask_big asks for a
# report and sets REPORT ("SHA256 COUNTER"), see ask_report in lib.bash.
cp "$(dirname "${BASH_SOURCE[0]}")/big-data.py" "$W/big.py"

# hashing 768 MiB takes a while
ask_big() { ask_report 300; }

start_big() {
	rm -f "$W/ready" "$W/report"
	start_prog "$W/out" "$W/err" /dev/null python3 big.py
	wait_for 600 test -s "$W/ready" || fail "python did not get ready: $(cat "$W/err")"
	ask_big
	R1=$REPORT
}
