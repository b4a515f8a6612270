#!/bin/bash
# The RPC wire format as another protobuf implementation sees it: requests
# encoded and responses decoded by protoc (C++ libprotobuf) from
# images/rpc.proto, the way Go and Python clients build theirs, sent to
# `criu swrk` over a SOCK_SEQPACKET socketpair.
set -u
command -v protoc >/dev/null || { echo "no protoc (protobuf-compiler)"; exit 77; }

export CRIU_KDAT_CACHE=${ZDTM_TMP:?}/criu.kdat
exec "$PYTHON" - "$CRIU" "$PWD/images" <<'EOF'
import socket
import subprocess
import sys

criu, protos = sys.argv[1], sys.argv[2]
fails = 0


def protoc(mode, msg, data):
    p = subprocess.run(["protoc", "--proto_path=" + protos, "--%s=%s" % (mode, msg), "rpc.proto"],
                       input=data, capture_output=True, check=True)
    return p.stdout


def fail(why):
    global fails
    fails += 1
    print("FAIL:", why)


def session(requests):
    """Send each request in text format; return the decoded answers and the exit code."""
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    p = subprocess.Popen([criu, "swrk", str(b.fileno())], pass_fds=[b.fileno()])
    b.close()
    answers = []
    for text in requests:
        a.send(protoc("encode", "criu_req", text.encode()))
        answers.append(protoc("decode", "criu_resp", a.recv(65536)).decode())
    a.close()
    return answers, p.wait(timeout=60)


def expect(answer, *lines):
    for line in lines:
        if line not in answer.splitlines():
            fail("answer lacks %r:\n%s" % (line, answer))


answers, rc = session([
    "type: VERSION keep_open: true",
    "type: FEATURE_CHECK keep_open: true features { mem_track: true }",
    "type: CHECK",
])
expect(answers[0], "type: VERSION", "success: true", "  major_number: 4", "  sublevel: 0")
expect(answers[1], "type: FEATURE_CHECK", "success: true", "  mem_track: true",
       "  lazy_pages: false", "  pidfd_store: false")
expect(answers[2], "type: CHECK", "success: true")
if rc != 0:
    fail("version, feature check, check: exit %d" % rc)

# Options as a client fills them, for a task that does not exist: the dump
# must fail cleanly, naming it.
answers, rc = session([
    "type: DUMP opts { images_dir_fd: -1 images_dir: \"/tmp\" pid: 4194303 leave_running: true "
    "tcp_established: true manage_cgroups_mode: SOFT network_lock: NFTABLES "
    "external: \"mnt[/a]:a\" log_file: \"rpc-wire.log\" }",
])
expect(answers[0], "type: DUMP", "success: false")
if "/proc/4194303" not in answers[0]:
    fail("the error does not name the task:\n%s" % answers[0])
if rc != 1:
    fail("dump: exit %d, want 1" % rc)

sys.exit(1 if fails else 0)
EOF
