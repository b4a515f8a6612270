#!/bin/bash
# For the file-descriptor milestone: a python3 asyncio server listening on
# a unix socket path, with three idle clients connected (its own children,
# so in the dumped tree) and a log file it writes with a sequence number
# per line (opened with "w": the offset matters).  After restore a new
# client must connect and get served, each idle client must get answers on
# its old connection, and the log must go on at the right offset: lines
# 1, 2, 3, ... with no gap, no repeat, no hole.
. "$(dirname "$0")/lib.bash"
need setsid python3

cat >"$W/server.py" <<'PY'
import asyncio, os, signal, socket, sys

PATH = "srv.sock"
NCLIENTS = 3


def client(i):
    """An idle client: hello once, then a ping on each SIGUSR1."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    sk = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sk.connect(PATH)
    f = sk.makefile("rw")
    out = open("client-%d.out" % i, "w")
    n = 0
    msg = "hello %d" % i
    while True:
        f.write(msg + "\n")
        f.flush()
        out.write(f.readline())
        out.flush()
        signal.sigwait({signal.SIGUSR1})
        n += 1
        msg = "ping %d %d" % (i, n)


lsk = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
lsk.bind(PATH)
lsk.listen(16)
pids = []
for i in range(NCLIENTS):
    pid = os.fork()
    if pid == 0:
        lsk.close()
        try:
            client(i)
        finally:
            os._exit(1)
    pids.append(pid)

log = open("server.log", "w")
seq = 0


def logline(what):
    global seq
    seq += 1
    log.write("%06d %s\n" % (seq, what))
    log.flush()


async def handle(reader, writer):
    while True:
        line = await reader.readline()
        if not line:
            break
        req = line.decode().strip()
        logline("req " + req)
        writer.write(("re: %s\n" % req).encode())
        await writer.drain()
    writer.close()


async def ticker():
    while True:
        logline("tick")
        await asyncio.sleep(0.1)


async def main():
    await asyncio.start_unix_server(handle, sock=lsk)
    with open("clients.tmp", "w") as f:
        f.write(" ".join(map(str, pids)) + "\n")
    os.rename("clients.tmp", "clients")
    await ticker()


asyncio.run(main())
PY

LOG=$W/server.log
# the log is 1, 2, 3, ... one well-formed line each, nothing else
log_ok() {
	awk 'BEGIN { e = 1 } !/^[0-9][0-9][0-9][0-9][0-9][0-9] (tick|req .*)$/ || $1 + 0 != e { bad = 1; exit }
	     { e++ } END { exit bad }' "$LOG"
}
log_len() { if [ -e "$LOG" ]; then wc -l <"$LOG"; else echo 0; fi; }
log_longer() { [ "$(log_len)" -gt "$1" ]; }
answered() { grep -qx "re: $2" "$W/client-$1.out" 2>/dev/null; }
all_hello() { local i; for i in 0 1 2; do answered "$i" "hello $i" || return 1; done; }
# new_client MSG: a client from outside, after the fact
new_client() {
	(cd "$W" && timeout 30 python3 -c '
import socket, sys
sk = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sk.connect("srv.sock")
f = sk.makefile("rw")
f.write(sys.argv[1] + "\n")
f.flush()
print(f.readline().strip())' "$1")
}

start_prog "$W/out" "$W/err" /dev/null python3 server.py
wait_for 300 test -s "$W/clients" || fail "the server did not start: $(cat "$W/err")"
read -r -a CLIENTS <"$W/clients"
[ "${#CLIENTS[@]}" -eq 3 ] || fail "clients: ${CLIENTS[*]}"
wait_for 100 all_hello || fail "the clients were not served"
[ "$(new_client before)" = "re: before" ] || fail "a new client was not served before the dump"
wait_for 100 log_longer 10 || fail "the log does not grow"

criu_dump "$W/dump"
check_gone
for c in "${CLIENTS[@]}"; do
	[ "$NOCR" = 1 ] || wait_gone "$c" 50 || fail "client $c is alive after the dump"
done
n1=$(log_len)
say "log at the dump: $n1 lines"
criu_restore "$W/dump"

for c in "${CLIENTS[@]}"; do
	gone "$c" && fail "client $c is not running"
done
[ "$(new_client after)" = "re: after" ] || fail "a new client is not served after restore"
for i in 0 1 2; do
	kill -USR1 "${CLIENTS[$i]}"
	wait_for 100 answered "$i" "ping $i 1" ||
		fail "idle client $i got no answer: $(cat "$W/client-$i.out")"
done
wait_for 100 log_longer $((n1 + 10)) || fail "the log does not grow after restore"
log_ok || fail "the log is broken: $(awk 'NR > 1 && $1 + 0 != p + 1 { print p " -> " $0 } { p = $1 + 0 }' "$LOG" | head -3)"
tr -d '\000' <"$LOG" | cmp -s - "$LOG" || fail "NUL bytes in the log"
grep -qx '[0-9]* req after' "$LOG" && grep -qx '[0-9]* req ping 2 1' "$LOG" ||
	fail "the requests after restore are not in the log"
[ -s "$W/err" ] && fail "the server wrote errors: $(cat "$W/err")"
say "log after restore: $(log_len) lines"
exit 0
