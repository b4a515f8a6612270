#!/bin/bash
# python3 holding computed state: a dict of 100000 entries built from a
# seeded random generator, the generator's state, and a counter it keeps
# incrementing.  On SIGUSR1 it appends to a report file a digest of the
# dict, a digest of the generator state, the next number the generator
# would draw (from a copy) and the counter.  After restore the digests and
# the next number must be what they were before the dump, and the counter
# must not have gone back and must keep growing.
. "$(dirname "$0")/lib.bash"
need setsid python3

cat >"$W/state.py" <<'PY'
import hashlib, os, random, signal, sys, time

rng = random.Random(20261122)
d = {}
for i in range(100000):
    d["k%06d" % i] = rng.random() * i
# and a generator state no fresh start would reproduce
for i in range(int(time.time() * 1000) % 997):
    rng.random()
counter = 0


def report(signo, frame):
    h = hashlib.sha256(repr(sorted(d.items())).encode()).hexdigest()
    s = hashlib.sha256(repr(rng.getstate()).encode()).hexdigest()
    peek = random.Random()
    peek.setstate(rng.getstate())
    with open("report", "a") as f:
        f.write("dict=%s rng=%s next=%r counter=%d\n" % (h, s, peek.random(), counter))


signal.signal(signal.SIGUSR1, report)
with open("ready", "w") as f:
    f.write("%d\n" % os.getpid())
while True:
    counter += 1
    time.sleep(0.01)
PY

ask() { ask_report; }
counter_of() { sed -n 's/.* counter=\([0-9]*\)$/\1/p' <<<"$1"; }
state_of() { sed 's/ counter=.*//' <<<"$1"; }

start_prog "$W/out" "$W/err" /dev/null python3 state.py
wait_for 600 test -s "$W/ready" || fail "python did not get ready: $(cat "$W/err")"
# let it count for a while: a fresh start would show a smaller counter
c1=0
while [ "$c1" -lt 200 ]; do
	sleep 0.5
	ask
	r1=$REPORT
	c1=$(counter_of "$r1")
done
say "before: $r1"

criu_dump "$W/dump"
check_gone
criu_restore "$W/dump"

ask
r2=$REPORT
say "after:  $r2"
[ "$(state_of "$r2")" = "$(state_of "$r1")" ] || fail "the state changed: '$r1' -> '$r2'"
c2=$(counter_of "$r2")
[ -n "$c1" ] && [ -n "$c2" ] && [ "$c2" -ge "$c1" ] || fail "the counter went from $c1 to $c2"
sleep 0.5
ask
r3=$REPORT
c3=$(counter_of "$r3")
[ "$c3" -gt "$c2" ] || fail "the counter does not grow: $c2 -> $c3"
[ "$(state_of "$r3")" = "$(state_of "$r1")" ] || fail "the state changed later: '$r3'"
grep -q . "$W/err" && fail "python wrote errors: $(cat "$W/err")"
exit 0
