# 768 MiB of data (BIG_MIB in the environment: another size) and a counter;
# on SIGUSR1 it appends to ./report the sha256 of the data and the counter
# (used by dump-sigterm, restore-sigterm, dump-memcg).
import hashlib, os, signal, time

buf = bytearray(os.urandom(1 << 20)) * int(os.environ.get("BIG_MIB", "768"))
for i in range(0, len(buf), 4096 * 97):
    buf[i] = i % 251
counter = 0


def report(signo, frame):
    with open("report", "a") as f:
        f.write("%s %d\n" % (hashlib.sha256(buf).hexdigest(), counter))


signal.signal(signal.SIGUSR1, report)
with open("ready", "w") as f:
    f.write("%d\n" % os.getpid())
while True:
    counter += 1
    time.sleep(0.01)
