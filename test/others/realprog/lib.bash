#!/bin/bash
# Helpers for the parked scripted tests of test/others/pending/: real
# programs, started in their own session, dumped and restored by criu.
#
# Environment (as for test/others/*.sh): CRIU, ZDTM_TMP (a fresh directory),
# and NOCR=1 to skip the dump and restore steps (to check a script itself
# while `criu dump`/`restore` do not exist yet), with NOCR_DAMAGE=CODE
# evaluated in place of the restore to check that the script fails when
# the state is damaged:
#
#   NOCR=1 bash test/others/pending/bash-counter.sh
#   NOCR=1 NOCR_DAMAGE='echo 1 >$W/counter.log' bash test/others/pending/bash-counter.sh
#
# KEEP_W=1 keeps the work directory ($ZDTM_TMP/NAME: images, logs, output).
#
# (This file is not named *.sh so that the runner never takes it for a
# test once the scripts move to test/others/.)
#
# A script sources this file, sets up its program with start_prog, and
# uses criu_dump / check_gone / criu_restore; everything started is killed
# and the work directory removed on exit, whatever happens.
set -u

# Be a child subreaper (through python3, which bash can't do itself): the
# orphans of the program, and the tree criu restores with -d, come to this
# shell, which reaps them; otherwise zombies could keep pids that the
# restore needs.  The runner is a subreaper too, but not every caller is.
if [ -z "${PENDING_SUBREAPER:-}" ] && command -v python3 >/dev/null; then
	export PENDING_SUBREAPER=1
	exec python3 -c 'import ctypes, os, sys
if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0):
    sys.exit("prctl(PR_SET_CHILD_SUBREAPER): %s" % os.strerror(ctypes.get_errno()))
os.execvp("bash", ["bash"] + sys.argv[1:])' "$0" "$@"
fi

T=${ZDTM_TMP:-}
OWN_T=0
if [ -z "$T" ]; then
	T=$(mktemp -d)
	OWN_T=1
fi
W=$T/$(basename "$0" .sh)
rm -rf "$W"
mkdir -p "$W"
CRIU=${CRIU:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/criu/criu}
NOCR=${NOCR:-0}
PID=
KILL_PIDS=()
# commands cleanup runs last, once every process above is gone (at_cleanup)
CLEANUP_CMDS=()
at_cleanup() { CLEANUP_CMDS+=("$*"); }

say() { echo "  $*"; }
fail() {
	echo "FAIL: $*"
	exit 1
}
skip() {
	echo "SKIP: $*"
	exit 77
}
need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip "no $c"
	done
}

# gone PID: true if there is no such process, or only its zombie
gone() {
	local st
	[ -e "/proc/$1" ] || return 0
	st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ] || [ "$st" = X ]
}

# wait_gone PID [TENTHS]: wait until gone (default 10 s)
wait_gone() {
	local i n=${2:-100}
	for ((i = 0; i < n; i++)); do
		gone "$1" && return 0
		sleep 0.1
	done
	return 1
}

# wait_for TENTHS COMMAND...: retry a command until it succeeds
wait_for() {
	local i n=$1
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

cleanup() {
	local p
	trap - EXIT
	for p in ${PID:+"$PID"} "${KILL_PIDS[@]}"; do
		# the whole session's process group, then the process itself
		kill -KILL -- "-$p" 2>/dev/null
		kill -KILL "$p" 2>/dev/null
	done
	for p in ${PID:+"$PID"} "${KILL_PIDS[@]}"; do
		wait "$p" 2>/dev/null
		wait_gone "$p" 50 || echo "WARN: process $p survived the cleanup"
	done
	for ((p = ${#CLEANUP_CMDS[@]} - 1; p >= 0; p--)); do
		eval "${CLEANUP_CMDS[p]}" || echo "WARN: cleanup failed: ${CLEANUP_CMDS[p]}"
	done
	[ -n "${KEEP_W:-}" ] || rm -rf "$W"
	[ "$OWN_T" = 1 ] && rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_prog OUT ERR IN COMMAND...: COMMAND in its own session, in $W, with
# stdin from IN and stdout/stderr to files (no tty anywhere), without the
# script's fds 3 to 9; sets PID.
start_prog() {
	local out=$1 err=$2 in=$3 sid
	shift 3
	# not a process group leader (no job control here): setsid execs in place
	(cd "$W" && exec setsid "$@" <"$in" >"$out" 2>"$err" 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-) &
	PID=$!
	# no "Killed" notice from the shell when the dump kills it
	disown "$PID"
	# the subshell execs setsid which execs the program: same pid
	wait_for 50 test -n "$(session_of "$PID")" || fail "the program did not start"
	wait_for 50 is_leader "$PID" || fail "the program is not a session leader"
	sid=$(session_of "$PID")
	say "started $* as pid $PID (session $sid)"
}

session_of() {
	# field 6 of /proc/PID/stat, after the parenthesised command name
	sed -n 's/^.*) [A-Za-z] [0-9-]* [0-9-]* \([0-9-]*\) .*/\1/p' "/proc/$1/stat" 2>/dev/null
}

# the pids of the processes of session $1
session_members() {
	cat /proc/[0-9]*/stat 2>/dev/null |
		sed -n 's/^\([0-9]*\) .*) [A-Za-z] [0-9-]* [0-9-]* \([0-9-]*\) .*/\1 \2/p' |
		awk -v s="$1" '$2 == s { print $1 }'
}

session_gone() { [ -z "$(session_members "$1")" ]; }

is_leader() {
	[ "$(session_of "$1")" = "$1" ]
}

# criu_dump DIR [OPTIONS...]: dump $PID into DIR
criu_dump() {
	local d=$1
	shift
	mkdir -p "$d"
	if [ "$NOCR" = 1 ]; then
		say "NOCR: no dump into $d"
		return 0
	fi
	[ -x "$CRIU" ] || fail "no criu at $CRIU"
	"$CRIU" dump -t "$PID" -D "$d" -o dump.log -v4 "$@" ||
		fail "dump failed: $(tail -5 "$d/dump.log" 2>/dev/null)"
}

# check_gone: after a dump (without -R) the tree is gone, all of it
check_gone() {
	[ "$NOCR" = 1 ] && return 0
	wait "$PID" 2>/dev/null
	wait_gone "$PID" 100 || fail "pid $PID is still alive after the dump"
	wait_for 100 session_gone "$PID" ||
		fail "processes of the session are left after the dump: $(session_members "$PID")"
}

# check_alive: after a dump with -R the program still runs
check_alive() {
	gone "$PID" && fail "pid $PID died"
	return 0
}

# criu_restore DIR: restore from DIR, detached; the pid must be $PID again
criu_restore() {
	local d=$1 rp
	if [ "$NOCR" = 1 ]; then
		say "NOCR: no restore from $d"
		# to check that a script notices a bad restore: NOCR_DAMAGE is
		# evaluated here, e.g. NOCR_DAMAGE='kill -STOP $PID'
		if [ -n "${NOCR_DAMAGE:-}" ]; then
			say "NOCR: damage: $NOCR_DAMAGE"
			eval "$NOCR_DAMAGE"
		fi
		return 0
	fi
	"$CRIU" restore -D "$d" -d -o restore.log -v4 --pidfile "$d/restore.pid" ||
		fail "restore failed: $(tail -5 "$d/restore.log" 2>/dev/null)"
	rp=$(cat "$d/restore.pid" 2>/dev/null)
	[ "$rp" = "$PID" ] || fail "restored as pid '$rp', expected $PID"
	gone "$PID" && fail "the restored program is not running"
	return 0
}

# ask_report [TENTHS]: SIGUSR1 to $PID, whose handler appends a line to
# $W/report; REPORT gets that line (waits up to TENTHS, default 100)
report_lines() { if [ -e "$W/report" ]; then wc -l <"$W/report"; else echo 0; fi; }
more_report_lines() { [ "$(report_lines)" -gt "$1" ]; }
ask_report() {
	local n
	n=$(report_lines)
	kill -USR1 "$PID" || fail "can't signal $PID"
	wait_for "${1:-100}" more_report_lines "$n" || fail "no report from the program"
	REPORT=$(tail -n 1 "$W/report")
}
