#!/bin/bash
# Two dumps with --leave-running (-R) in a row while the program keeps
# running, then a restore from the second one (the original killed first).
# The program is python3 with a dict of 100000 entries, a random generator
# and a counter it keeps incrementing; it reports them on SIGUSR1.  It
# must survive both dumps and keep counting in between; the restored one
# must have the same dict and generator, and a counter from the time of
# the second dump: not below what was reported just before it (so not the
# first dump's), not above what was reported just after it.
. "$(dirname "$0")/lib.bash"
need setsid python3

cat >"$W/state.py" <<'PY'
import hashlib, os, random, signal, time

rng = random.Random(7)
d = {"k%06d" % i: rng.random() * i for i in range(100000)}
for i in range(int(time.time() * 1000) % 997):
    rng.random()
counter = 0


def report(signo, frame):
    h = hashlib.sha256(repr(sorted(d.items())).encode()).hexdigest()
    s = hashlib.sha256(repr(rng.getstate()).encode()).hexdigest()
    with open("report", "a") as f:
        f.write("dict=%s rng=%s counter=%d\n" % (h, s, counter))


signal.signal(signal.SIGUSR1, report)
with open("ready", "w") as f:
    f.write("%d\n" % os.getpid())
while True:
    counter += 1
    time.sleep(0.01)
PY

ask() {
	ask_report
	COUNTER=$(sed -n 's/.* counter=\([0-9]*\)$/\1/p' <<<"$REPORT")
	STATE=${REPORT% counter=*}
}

start_prog "$W/out" "$W/err" /dev/null python3 state.py
wait_for 600 test -s "$W/ready" || fail "python did not get ready: $(cat "$W/err")"
ask
state0=$STATE

criu_dump "$W/dump1" -R
check_alive
ask
c1=$COUNTER
sleep 1
ask
[ "$COUNTER" -gt "$c1" ] || fail "not counting after the first dump: $c1 -> $COUNTER"
before2=$COUNTER
criu_dump "$W/dump2" -R
check_alive
ask
after2=$COUNTER
[ "$STATE" = "$state0" ] || fail "the state changed while running: $STATE"
say "counter before/after the second dump: $before2 / $after2"
# let it count further (3 s: far more than a restore takes), so that a
# restore from the wrong point, or a program that kept running, shows
sleep 3
ask
killed=$COUNTER

if [ "$NOCR" != 1 ]; then
	kill -KILL "$PID"
	wait "$PID" 2>/dev/null
	wait_gone "$PID" 100 || fail "the original did not die"
fi
criu_restore "$W/dump2"

ask
say "counter after restore: $COUNTER (was $killed when killed)"
[ "$STATE" = "$state0" ] || fail "the state changed: '$STATE', expected '$state0'"
if [ "$NOCR" != 1 ]; then
	[ "$COUNTER" -ge "$before2" ] && [ "$COUNTER" -lt "$killed" ] ||
		fail "counter $COUNTER: not from the second dump ($before2..$after2)"
fi
c=$COUNTER
sleep 0.5
ask
[ "$COUNTER" -gt "$c" ] || fail "the restored program does not count: $c -> $COUNTER"
[ -s "$W/err" ] && fail "python wrote errors: $(cat "$W/err")"
exit 0
