#!/bin/bash
# `criu swrk FD`: an FD that is not a number, not open, not a socket, or a
# socket without message boundaries is refused with exit 1 and a message
# naming it.  The protocol itself is tested by test/unit/rpc_client.c.
set -u
fails=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

expect() {
	local rc=$1 pat=$2 out got
	shift 2
	out=$("$@" 2>&1)
	got=$?
	[ "$got" -eq "$rc" ] || fail "$*: exit $got, want $rc; output: $out"
	echo "$out" | grep -Eq -- "$pat" || fail "$*: output lacks /$pat/: $out"
}

expect 1 'usage: criu swrk FD' "$CRIU" swrk
expect 1 "swrk: \`abc' is not a file descriptor number" "$CRIU" swrk abc
expect 1 "swrk: \`-1' is not a file descriptor number" "$CRIU" swrk -- -1
expect 1 "swrk: \`3x' is not a file descriptor number" "$CRIU" swrk 3x
expect 1 'swrk: fd 99 is not open' "$CRIU" swrk 99
expect 1 'swrk: one argument expected' "$CRIU" swrk 3 4
expect 1 'swrk: fd 0 is not a socket' "$CRIU" swrk 0 </dev/null
expect 1 'swrk: fd 5 is not a socket' "$CRIU" swrk 5 5<"$0"

# A stream socket would lose the message boundaries the protocol relies on.
out=$("$PYTHON" - "$CRIU" 2>&1 <<'EOF'
import socket, subprocess, sys
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
p = subprocess.run([sys.argv[1], "swrk", str(b.fileno())], pass_fds=[b.fileno()],
                   stderr=subprocess.PIPE, text=True)
print(p.stderr, end="")
sys.exit(p.returncode)
EOF
)
rc=$?
[ "$rc" -eq 1 ] || fail "stream socket: exit $rc, want 1: $out"
echo "$out" | grep -q 'is not a unix SOCK_SEQPACKET socket' || fail "stream socket: $out"

# A seqpacket socket whose peer is gone at once: EOF before any request, exit 0.
out=$("$PYTHON" - "$CRIU" 2>&1 <<'EOF'
import socket, subprocess, sys
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
a.close()
p = subprocess.run([sys.argv[1], "swrk", str(b.fileno())], pass_fds=[b.fileno()],
                   stderr=subprocess.PIPE, text=True, timeout=60)
print(p.stderr, end="")
sys.exit(p.returncode)
EOF
)
rc=$?
[ "$rc" -eq 0 ] || fail "closed peer: exit $rc, want 0: $out"

[ "$fails" -eq 0 ] || exit 1
exit 0
