# SPDX-License-Identifier: GPL-2.0
"""A python3 interpreter that has imported a few modules and built some
state; after restore it recomputes the state and compares.  Same protocol as
the C workloads (see bench-wl.h): READY, SIGUSR2 -> ALIVE, SIGUSR1 -> OK/FAIL."""
import collections
import decimal
import hashlib
import json
import os
import re
import signal
import sys


def build():
    words = re.findall(r"\w+", json.dumps({"k%d" % i: [i, str(i) * 3] for i in range(5000)}))
    counts = collections.Counter(w[-1] for w in words)
    decimal.getcontext().prec = 50
    root2 = decimal.Decimal(2).sqrt()
    blob = hashlib.sha256(json.dumps(sorted(counts.items())).encode()).hexdigest()
    return {"words": len(words), "root2": str(root2), "digest": blob}


def say(msg):
    os.write(1, (msg + "\n").encode())


def main():
    os.setsid()
    state = build()
    pid = os.getpid()
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1, signal.SIGUSR2})
    say("READY")
    while True:
        info = signal.sigtimedwait({signal.SIGUSR1, signal.SIGUSR2}, 0.2)
        if info is None:
            continue
        if info.si_signo == signal.SIGUSR2:
            say("ALIVE")
            continue
        break
    again = build()
    if again != state or os.getpid() != pid:
        say("FAIL state differs: %r != %r" % (again, state))
        sys.exit(1)
    say("OK python %s, %d modules" % (sys.version.split()[0], len(sys.modules)))


if __name__ == "__main__":
    main()
