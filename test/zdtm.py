#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Test runner: unit tests, scripted tests (test/others/*.sh) and the zdtm suite.

    python3 test/zdtm.py run --all --build-dir .build/x86_64
    python3 test/zdtm.py run --zdtm --mode h --mode pre -t env00
    python3 test/zdtm.py list --all

Every test prints one line (PASS/FAIL/SKIP ...); the last line of a run is
"N passed, N failed, N skipped" and the exit code is 1 if anything failed.
See test/zdtm/README.md for how a zdtm test talks to this runner.
"""

import argparse
import atexit
import ast
import ctypes
import json
import os
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODES = ("h", "hp", "nocr", "snap", "pre", "ps", "lazy", "rlazy", "ns")
# Credentials of unprivileged tests (those without the 'suid' flag); the
# numbers are the ones CRIU's own test suite uses.
TEST_UID = 18943
TEST_GID = 58467
TEST_GROUPS = "27495 48244"
EXIT_SKIP = 77
PR_SET_CHILD_SUBREAPER = 36
MNT_DETACH = 2


class Interrupted(Exception):
    pass


class TestFailed(Exception):
    """A step failed: reason for the FAIL line, and a log worth showing."""

    def __init__(self, reason, log=None, more=()):
        super().__init__(reason)
        self.reason = reason
        self.log = log
        self.more = list(more)


class TestSkipped(Exception):
    pass


def out(msg=""):
    print(msg, flush=True)


def tail(path, lines=40):
    try:
        with open(path, errors="replace") as f:
            data = f.read().splitlines()
    except OSError:
        return []
    return data[-lines:]


# ----------------------------------------------------------------- processes

_libc = ctypes.CDLL(None, use_errno=True)


def set_subreaper():
    global SUBREAPER
    if _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        err = ctypes.get_errno()
        out("WARNING: can't become a child subreaper: %s" % os.strerror(err))
        return False
    SUBREAPER = True
    return True


class Reaper:
    """Reaps every child of the runner: its own and the orphans it inherits
    as a subreaper.  Statuses are kept until someone asks for them."""

    def __init__(self):
        self.status = {}

    def reap(self):
        while True:
            try:
                pid, st = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.status[pid] = st

    def take(self, pid):
        self.reap()
        return self.status.pop(pid, None)


reaper = Reaper()
# The Reaper owns every wait status: keep subprocess from polling pids of
# forgotten Popen objects, which could steal the status of a new process
# that got the same pid (a restored test, say).
subprocess._active = None
SUBREAPER = False


def proc_table():
    """pid -> (ppid, sid, state) of every process we can see."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        # state ppid pgrp session ...
        table[int(name)] = (int(fields[1]), int(fields[3]), fields[0])
    return table


def descendants(root, table=None):
    table = table if table is not None else proc_table()
    children = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    res, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        res.append(pid)
        todo.extend(children.get(pid, []))
    return res


def task_alive(path):
    try:
        with open(path) as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2:].split()[0] not in ("Z", "X")


def pid_alive(pid):
    """True if pid exists and is not a zombie.  A process whose main thread
    exited (a zombie leader) lives on as long as one of its threads does."""
    if task_alive("/proc/%d/stat" % pid):
        return True
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return False
    return any(task_alive("/proc/%d/task/%s/stat" % (pid, t)) for t in tids)


def wait_gone(pid, timeout):
    """Wait until pid is gone.  Returns (gone, wait status or None when the
    process was not ours to reap)."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        st = reaper.take(pid)
        if st is not None:
            return True, st
        if not pid_alive(pid):
            # A zombie of ours is reaped now.  One not reported yet (or
            # somebody else's) still holds the pid, which a restore needs:
            # wait until it is gone from /proc.
            st = reaper.take(pid)
            if st is not None or not os.path.exists("/proc/%d" % pid):
                return True, st
        if time.monotonic() > deadline:
            return False, None
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def describe_status(st):
    if st is None:
        return "unknown status"
    if os.WIFEXITED(st):
        return "exit code %d" % os.WEXITSTATUS(st)
    if os.WIFSIGNALED(st):
        return "killed by signal %d" % os.WTERMSIG(st)
    return "status 0x%x" % st


def kill_leftovers(sessions=()):
    """Kill and reap every descendant of the runner.  As a subreaper the
    runner inherits every process its tests leave behind; if it could not
    become one, it also kills the processes of the tests' sessions.
    Returns the pids that were still alive."""
    me = os.getpid()
    if SUBREAPER:
        sessions = ()
    killed = set()
    deadline = time.monotonic() + 30
    while True:
        table = proc_table()
        victims = set(descendants(me, table))
        victims |= {p for p, (_, sid, _) in table.items() if sid in sessions and p != me}
        live = [p for p in victims if table[p][2] not in ("Z", "X")]
        for pid in live:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            except OSError:
                pass
        reaper.reap()
        if not victims or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    reaper.status.clear()
    return sorted(killed)


def spawn(argv, cwd=None, env=None, log=None, pass_fds=()):
    """Start a process with its output in the file log (or /dev/null)."""
    out_f = open(log, "ab") if log else subprocess.DEVNULL
    try:
        p = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out_f,
                             stderr=subprocess.STDOUT, pass_fds=pass_fds)
    finally:
        if log:
            out_f.close()
    return p


def run_wait(p, timeout):
    """Wait for a process started by spawn(); returns its wait status, or
    None on timeout (the process is killed then)."""
    gone, st = wait_gone(p.pid, timeout)
    if not gone:
        try:
            os.kill(p.pid, signal.SIGKILL)
        except OSError:
            pass
        wait_gone(p.pid, 10)
        p.returncode = -9
        return None
    p.returncode = os.waitstatus_to_exitcode(st) if st is not None else 0
    return st


def exit_code(st):
    if st is None:
        return None
    return os.waitstatus_to_exitcode(st)


def umount_under(path):
    """Detach whatever a test left mounted in its directory."""
    path = os.path.realpath(path)
    try:
        with open("/proc/self/mountinfo") as f:
            mounts = [line.split()[4] for line in f]
    except OSError:
        return
    for mnt in sorted(mounts, key=len, reverse=True):
        mnt = mnt.encode().decode("unicode_escape")
        if mnt == path or mnt.startswith(path + "/"):
            _libc.umount2(mnt.encode(), MNT_DETACH)


def remove_tree(path):
    if not path or not os.path.isdir(path):
        return
    umount_under(path)
    shutil.rmtree(path, ignore_errors=True)
    if os.path.exists(path):
        out("WARNING: can't remove %s" % path)


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


# --------------------------------------------------------------- descriptions

def split_words(val):
    if val is None:
        return []
    if isinstance(val, (list, tuple)):
        res = []
        for v in val:
            res.extend(split_words(v))
        return res
    return str(val).replace(",", " ").split()


def parse_desc(path):
    """A NAME.desc file: a JSON object, a Python dict literal (as CRIU's
    descriptions are) or key=value lines (# starts a comment)."""
    with open(path) as f:
        text = f.read()
    stripped = text.strip()
    if not stripped:
        return {}
    if stripped.startswith("{"):
        try:
            d = json.loads(stripped)
        except ValueError:
            d = ast.literal_eval(stripped)
        if not isinstance(d, dict):
            raise ValueError("%s: not a dictionary" % path)
        return d
    d = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise ValueError("%s:%d: expected key=value" % (path, n))
        k, v = line.split("=", 1)
        d[k.strip()] = v.strip()
    return d


DESC_KEYS = {"flags", "modes", "opts", "dopts", "ropts", "targs", "timeout", "iters", "skip",
             "arch", "feature", "doc", "criu_env"}


class Desc:
    def __init__(self, raw, path=None):
        unknown = set(raw) - DESC_KEYS
        if unknown:
            out("WARNING: %s: unknown keys %s" % (path, ", ".join(sorted(unknown))))
        self.flags = set(split_words(raw.get("flags")))
        self.modes = split_words(raw.get("modes")) or list(MODES)
        self.opts = shlex.split(raw["opts"]) if isinstance(raw.get("opts"), str) \
            else list(raw.get("opts", []))
        self.dopts = shlex.split(raw["dopts"]) if isinstance(raw.get("dopts"), str) \
            else list(raw.get("dopts", []))
        self.ropts = shlex.split(raw["ropts"]) if isinstance(raw.get("ropts"), str) \
            else list(raw.get("ropts", []))
        self.targs = shlex.split(raw["targs"]) if isinstance(raw.get("targs"), str) \
            else list(raw.get("targs", []))
        self.timeout = float(raw["timeout"]) if raw.get("timeout") else None
        self.iters = int(raw["iters"]) if raw.get("iters") else None
        self.skip = raw.get("skip")
        self.arch = split_words(raw.get("arch"))
        self.feature = split_words(raw.get("feature"))
        env = raw.get("criu_env") or {}
        if isinstance(env, str):
            env = dict(w.split("=", 1) for w in shlex.split(env))
        self.criu_env = {str(k): str(v) for k, v in env.items()}


# --------------------------------------------------------------------- tests

class Test:
    kind = None

    def __init__(self, name, path):
        self.name = name
        self.path = path
        self.noauto = False

    def matches(self, pattern):
        if pattern == self.name or self.name.endswith("/" + pattern):
            return True
        return os.path.basename(self.name) == pattern


class ExecTest(Test):
    """A unit or compel test binary: exit 0 passes, 77 skips."""
    kind = "unit"


class ScriptTest(Test):
    """test/others/NAME.sh: exit 0 passes, 77 skips."""
    kind = "others"


class ZdtmTest(Test):
    kind = "zdtm"

    def __init__(self, name, path, src, desc):
        super().__init__(name, path)
        self.src = src
        self.desc = desc
        self.desc_error = None
        self.noauto = "noauto" in desc.flags


def find_exec_tests(build_dir, sub):
    d = os.path.join(build_dir, "test", sub)
    res = []
    if not os.path.isdir(d):
        return d, res
    for f in sorted(os.listdir(d)):
        p = os.path.join(d, f)
        if "." in f or not os.path.isfile(p) or not os.access(p, os.X_OK):
            continue
        res.append(ExecTest("%s/%s" % (sub, f), p))
    return d, res


def find_script_tests(others_dir=None):
    d = os.path.abspath(others_dir or os.path.join(REPO, "test", "others"))
    # test/others/NAME -> others/NAME, test/others/pending/NAME -> others/pending/NAME
    rel = os.path.relpath(d, os.path.join(REPO, "test"))
    prefix = rel if not rel.startswith("..") else "others/" + os.path.basename(d)
    res = []
    if os.path.isdir(d):
        for f in sorted(os.listdir(d)):
            if f.endswith(".sh") and os.path.isfile(os.path.join(d, f)):
                res.append(ScriptTest("%s/%s" % (prefix, f[:-3]), os.path.join(d, f)))
    return d, res


def find_zdtm_tests(build_dir, zdtm_dir):
    src_dir = os.path.abspath(zdtm_dir)
    rel = os.path.relpath(src_dir, REPO)
    if rel.startswith(".."):
        prefix = "zdtm/" + os.path.basename(src_dir)
        bin_dir = os.path.join(build_dir, "zdtm", os.path.basename(src_dir))
    else:
        prefix = os.path.relpath(src_dir, os.path.join(REPO, "test"))
        bin_dir = os.path.join(build_dir, rel)
    res = []
    if not os.path.isdir(src_dir):
        return src_dir, res
    for f in sorted(os.listdir(src_dir)):
        if not f.endswith(".c"):
            continue
        name = f[:-2]
        binp = os.path.join(bin_dir, name)
        if not os.path.exists(binp) and os.path.exists(os.path.join(src_dir, name)):
            binp = os.path.join(src_dir, name)
        dpath = os.path.join(src_dir, name + ".desc")
        error = None
        try:
            desc = Desc(parse_desc(dpath) if os.path.exists(dpath) else {}, dpath)
        except (OSError, ValueError, SyntaxError, TypeError) as e:
            desc, error = Desc({}), "bad %s: %s" % (os.path.basename(dpath), e)
        t = ZdtmTest("%s/%s" % (prefix, name), binp, os.path.join(src_dir, f), desc)
        t.desc_error = error
        res.append(t)
    return src_dir, res


# -------------------------------------------------------------------- runner

class Runner:
    def __init__(self, opts):
        self.opts = opts
        self.build_dir = os.path.abspath(opts.build_dir)
        self.criu_bin = os.path.abspath(opts.criu or os.path.join(REPO, "criu", "criu"))
        self.crit = os.path.abspath(opts.crit or os.path.join(REPO, "crit", "crit"))
        self.log_dir = os.path.abspath(opts.log_dir)
        self.passed = self.failed = self.skipped = 0
        self.failures = []
        self.cur_dir = None
        self.sessions = set()
        self.features = {}
        self.criu_env = {}

    # ---------------------------------------------------------- reporting
    def report(self, verdict, test, mode=None, reason=None, lines=None):
        label = test.name + (" [%s]" % mode if mode else "")
        if verdict == "PASS":
            self.passed += 1
            out("PASS %s" % label)
        elif verdict == "SKIP":
            self.skipped += 1
            out("SKIP %s %s" % (label, reason or ""))
        else:
            self.failed += 1
            self.failures.append(label)
            out("FAIL %s %s" % (label, reason or ""))
            for line in lines or []:
                out("    | " + line)

    def keep_logs(self, test, mode, tdir):
        if not tdir or not os.path.isdir(tdir):
            return None
        label = test.name.replace("/", "_") + ("-" + mode if mode else "")
        dest = os.path.join(self.log_dir, label)
        remove_tree(dest)

        def ignore(d, names):
            if self.opts.keep_img:
                return []
            return [n for n in names if n.endswith(".img") or (d == tdir and n == "bin")]

        try:
            shutil.copytree(tdir, dest, ignore=ignore, symlinks=True,
                            ignore_dangling_symlinks=True)
        except (OSError, shutil.Error):
            pass
        return dest

    # ------------------------------------------------------ common bits
    def env(self, extra=None):
        env = dict(os.environ)
        env.update({
            "CRIU": self.criu_bin,
            "CRIT": self.crit,
            "BUILD_DIR": self.build_dir,
            "PYTHON": sys.executable,
            "ZDTM_PY": os.path.abspath(__file__),
        })
        env.update(extra or {})
        return env

    def make_tmp(self, label):
        d = tempfile.mkdtemp(prefix="zdtm-%s-" % label.replace("/", "_"), dir=self.opts.tmp_root)
        self.cur_dir = d
        return d

    def cleanup(self, test, mode=None, warn=True):
        """Kill and reap whatever the test left behind (a warning if it passed
        and still left something), and remove its directory."""
        killed = kill_leftovers(self.sessions)
        self.sessions = set()
        if killed and warn:
            out("WARN %s%s: killed and reaped leftover processes: %s" %
                (test.name, " [%s]" % mode if mode else "", " ".join(map(str, killed))))
        if self.cur_dir and not self.opts.keep_tmp:
            remove_tree(self.cur_dir)
        self.cur_dir = None

    # -------------------------------------------------- unit and scripts
    def run_exec(self, test, argv, timeout, env):
        tdir = self.make_tmp(test.name)
        log = os.path.join(tdir, "output.log")
        nfailed = self.failed
        done = False
        try:
            try:
                p = spawn(argv, cwd=REPO, env=env, log=log)
            except OSError as e:
                self.report("FAIL", test, reason="can't run %s: %s" % (argv[0], e))
                return
            st = run_wait(p, timeout)
            if st is None:
                self.report("FAIL", test, reason="timed out after %ds" % timeout,
                            lines=tail(log))
            elif exit_code(st) == 0:
                self.report("PASS", test)
            elif exit_code(st) == EXIT_SKIP:
                reason = " ".join(tail(log, 1)) or "exit code 77"
                self.report("SKIP", test, reason=reason)
            else:
                self.report("FAIL", test, reason=describe_status(st), lines=tail(log))
                self.keep_logs(test, None, tdir)
            done = True
        finally:
            self.cleanup(test, warn=done and self.failed == nfailed)

    def run_unit(self, test):
        self.run_exec(test, [test.path], self.opts.unit_timeout, self.env())

    def run_script(self, test):
        ztmp = tempfile.mkdtemp(prefix="zdtm-tmp-", dir=self.opts.tmp_root)
        try:
            self.run_exec(test, ["bash", test.path], self.opts.script_timeout,
                          self.env({"ZDTM_TMP": ztmp}))
        finally:
            remove_tree(ztmp)

    # --------------------------------------------------------------- zdtm
    def criu_run(self, args, log, timeout, what, pass_fds=()):
        argv = [self.criu_bin] + args + ["-o", log, "-v4"]
        if self.opts.verbose:
            out("  $ " + " ".join(shlex.quote(a) for a in argv))
        p = spawn(argv, cwd=os.path.dirname(log), env=self.env(self.criu_env),
                  log=log + ".out", pass_fds=pass_fds)
        return p, argv

    def run_criu(self, args, log, timeout, what):
        p, _ = self.criu_run(args, log, timeout, what)
        st = run_wait(p, timeout)
        if st is None:
            raise TestFailed("%s timed out after %ds" % (what, timeout), log)
        if exit_code(st) != 0:
            raise TestFailed("%s failed (%s)" % (what, describe_status(st)), log)

    def criu_daemon(self, args, log, timeout, what):
        """criu ... -d --pidfile: returns the daemon's pid once it is ready."""
        pidfile = log + ".pid"
        self.run_criu(args + ["-d", "--pidfile", pidfile], log, timeout, what)
        try:
            with open(pidfile) as f:
                return int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            raise TestFailed("%s wrote no pid file" % what, log)

    def wait_daemon(self, pid, log, timeout, what):
        gone, st = wait_gone(pid, timeout)
        if not gone:
            raise TestFailed("%s did not finish in %ds" % (what, timeout), log)
        if st is not None and exit_code(st) != 0:
            raise TestFailed("%s failed (%s)" % (what, describe_status(st)), log)

    def feature_ok(self, feature):
        if feature not in self.features:
            p = spawn([self.criu_bin, "check", "--feature", feature], env=self.env())
            st = run_wait(p, self.opts.timeout)
            self.features[feature] = st is not None and exit_code(st) == 0
        return self.features[feature]

    def skip_reason(self, test, mode):
        d = test.desc
        if d.skip:
            return str(d.skip)
        if mode not in d.modes:
            return "mode %s not supported by the test" % mode
        if d.arch and os.uname().machine not in d.arch:
            return "needs arch %s" % " ".join(d.arch)
        if not os.path.exists(test.path):
            return None
        if mode != "nocr" and not os.access(self.criu_bin, os.X_OK):
            return "no criu binary at %s" % self.criu_bin
        for f in d.feature:
            if mode != "nocr" and not self.feature_ok(f):
                return "criu lacks feature %s" % f
        return None

    def run_zdtm(self, test, mode):
        shown = mode + (",ns" if self.opts.ns and mode != "ns" else "")
        if test.desc_error:
            self.report("FAIL", test, shown, test.desc_error)
            return
        reason = self.skip_reason(test, mode)
        if reason:
            self.report("SKIP", test, shown, reason)
            return
        if not os.path.exists(test.path):
            self.report("FAIL", test, shown, "not built: %s (run make)" % test.path)
            return
        for attempt in range(1 + self.opts.retries):
            if self.run_zdtm_once(test, mode, shown, last=attempt == self.opts.retries):
                return

    def run_zdtm_once(self, test, mode, shown, last):
        """One attempt; False when it failed and another attempt is allowed
        (the failure is then shown as FLAKY, not counted)."""
        tdir = self.make_tmp("%s-%s" % (test.name, shown))
        nfailed = self.failed
        done = retrying = False
        try:
            ZdtmRun(self, test, mode, tdir).run()
            self.report("PASS", test, shown)
        except TestSkipped as e:
            self.report("SKIP", test, shown, str(e))
        except OSError as e:
            self.report("FAIL", test, shown, "runner error: %s" % e)
        except TestFailed as e:
            lines = []
            for log in [e.log] + e.more:
                if not log:
                    continue
                if tail(log, 1):
                    lines += ["%s:" % os.path.basename(log)] + tail(log, self.opts.tail)
                elif tail(log + ".out", 1):
                    lines += ["%s.out:" % os.path.basename(log)] + tail(log + ".out", 10)
            kept = self.keep_logs(test, shown, tdir)
            if kept:
                lines.append("logs kept in %s" % kept)
            if not last:
                out("FLAKY %s [%s] first attempt: %s (trying again)" % (test.name, shown, e.reason))
                for line in lines:
                    out("    | " + line)
                retrying = True
            else:
                self.report("FAIL", test, shown, e.reason, lines)
        else:
            done = True
        finally:
            self.cleanup(test, shown, warn=done and self.failed == nfailed)
        return not retrying


class ZdtmRun:
    """One zdtm test in one mode, in its own directory:
    TDIR/test (the test's cwd: pid and out files), TDIR/dump/N (images and
    criu logs of iteration N)."""

    def __init__(self, runner, test, mode, tdir):
        self.r = runner
        self.opts = runner.opts
        self.test = test
        self.desc = test.desc
        self.mode = mode
        self.tdir = tdir
        self.cwd = os.path.join(tdir, "test")
        self.short = os.path.basename(test.name)
        self.outfile = os.path.join(self.cwd, self.short + ".out")
        self.pidfile = os.path.join(self.cwd, self.short + ".pid")
        self.timeout = self.desc.timeout or self.opts.timeout
        self.pid = None
        self.iter = 0
        self.suid = "suid" in self.desc.flags or os.geteuid() != 0

    # ------------------------------------------------------------- start
    def start(self):
        os.mkdir(self.cwd)
        os.mkdir(os.path.join(self.tdir, "bin"))
        os.chmod(os.path.join(self.tdir, "bin"), 0o755)
        binp = os.path.join(self.tdir, "bin", self.short)
        shutil.copy2(self.test.path, binp)
        os.chmod(binp, 0o755)
        extra = {}
        if not self.suid:
            extra = {"ZDTM_UID": str(TEST_UID), "ZDTM_GID": str(TEST_GID),
                     "ZDTM_GROUPS": TEST_GROUPS}
            os.chown(self.cwd, TEST_UID, TEST_GID)
        os.chmod(self.tdir, 0o755)
        if self.mode == "ns" or self.opts.ns:
            extra["ZDTM_NEWNS"] = "1"
        if "crlib" in self.desc.flags:
            libdirs = [os.path.join(self.r.build_dir, "lib"), os.path.join(REPO, "lib", "c")]
            old = os.environ.get("LD_LIBRARY_PATH")
            extra["LD_LIBRARY_PATH"] = ":".join(libdirs + ([old] if old else []))
        argv = [binp, "--pidfile=" + self.pidfile, "--outfile=" + self.outfile] + \
            self.desc.targs
        log = os.path.join(self.tdir, "start.log")
        if self.opts.verbose:
            out("  $ " + " ".join(shlex.quote(a) for a in argv))
        p = spawn(argv, cwd=self.cwd, env=self.r.env(extra), log=log)
        st = run_wait(p, self.timeout)
        if st is None:
            raise TestFailed("test not ready in %ds" % self.timeout, self.outfile, [log])
        if exit_code(st) == EXIT_SKIP:
            raise TestSkipped(self.skip_line() or "test skipped itself")
        if exit_code(st) != 0:
            raise TestFailed("test start failed (%s)" % describe_status(st), self.outfile,
                             [log])
        try:
            with open(self.pidfile) as f:
                self.pid = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            raise TestFailed("test wrote no pid file", log)
        self.r.sessions.add(self.pid)

    def skip_line(self):
        for line in tail(self.outfile, 50):
            if line.startswith("SKIP"):
                return line
        return None

    # ------------------------------------------------------------- criu
    def imgdir(self, n):
        d = os.path.join(self.tdir, "dump", str(n))
        os.makedirs(d, exist_ok=True)
        return d

    def common_opts(self):
        return self.desc.opts + self.opts.criu_opt

    def dump(self, action="dump", extra=(), ps=False):
        # Every process of the tree holds a pid the restore needs back.
        self.tree = descendants(self.pid)  # the pids below the test
        self.iter += 1
        d = self.imgdir(self.iter)
        log = os.path.join(d, "%s.log" % action)
        args = [action, "-t", str(self.pid), "-D", d] + list(extra)
        if self.iter > 1:
            args += ["--prev-images-dir", "../%d" % (self.iter - 1)]
        args += self.common_opts() + self.desc.dopts
        ps_pid = None
        if ps:
            port = free_port()
            ps_log = os.path.join(d, "page-server.log")
            ps_pid = self.r.criu_daemon(["page-server", "-D", d, "--address", "127.0.0.1",
                                         "--port", str(port)] + self.common_opts(),
                                        ps_log, self.timeout, "page-server")
            args += ["--page-server", "--address", "127.0.0.1", "--port", str(port)]
        self.r.run_criu(args, log, self.timeout, "%s #%d" % (action, self.iter))
        if ps_pid:
            self.r.wait_daemon(ps_pid, os.path.join(d, "page-server.log"), self.timeout,
                               "page-server")
        return d, log

    def check_gone(self, log):
        gone, _ = wait_gone(self.pid, self.timeout)
        if not gone:
            raise TestFailed("the test is still alive after dump", log)
        for pid in getattr(self, "tree", ()):
            if not wait_gone(pid, self.timeout)[0]:
                raise TestFailed("process %d of the test is still alive after dump" % pid, log)

    def check_alive(self, log):
        if not pid_alive(self.pid):
            raise TestFailed("the test died during a dump that should leave it running",
                             self.outfile if os.path.exists(self.outfile) else log)

    def restore(self, d, extra=()):
        log = os.path.join(d, "restore.log")
        pidfile = os.path.join(d, "restore.pid")
        args = ["restore", "-D", d, "-d", "--pidfile", pidfile] + list(extra) + \
            self.common_opts() + self.desc.ropts
        # a status left from the dumped test must not pass for the restored one's
        reaper.take(self.pid)
        self.r.run_criu(args, log, self.timeout, "restore")
        try:
            with open(pidfile) as f:
                pid = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            raise TestFailed("restore wrote no pid file", log)
        if pid != self.pid:
            self.r.sessions.add(pid)
            raise TestFailed("restored with pid %d instead of %d" % (pid, self.pid), log)
        if not pid_alive(self.pid):
            raise TestFailed("the restored test is not running",
                             self.outfile if os.path.exists(self.outfile) else log)
        return log

    # ---------------------------------------------------------- verdict
    def verdict(self, log=None):
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        gone, st = wait_gone(self.pid, self.timeout)
        if not gone:
            raise TestFailed("the test did not finish in %ds after SIGTERM" % self.timeout,
                             self.outfile)
        lines = tail(self.outfile, 10000)
        bad = [line for line in lines if line.startswith(("FAIL", "ERR"))]
        if bad:
            raise TestFailed(bad[0], self.outfile)
        if st is not None and exit_code(st) == EXIT_SKIP and self.skip_line():
            raise TestSkipped(self.skip_line())
        if "PASS" not in (line.strip() for line in lines):
            raise TestFailed("no PASS from the test (%s)" % describe_status(st), self.outfile)
        if st is not None and exit_code(st) != 0:
            raise TestFailed("the test passed but ended with %s" % describe_status(st),
                             self.outfile)

    # ------------------------------------------------------------- modes
    def run(self):
        self.r.criu_env = dict(self.desc.criu_env)
        if self.mode == "hp":
            # Every readable page through the dump parasite, whatever the size.
            self.r.criu_env.setdefault("CRIU_PAGES_VIA", "parasite")
        try:
            self.start()
            if "crfail" in self.desc.flags and self.mode != "nocr":
                self.expect_dump_failure()
            else:
                getattr(self, "mode_" + self.mode)()
        finally:
            self.r.criu_env = {}

    def expect_dump_failure(self):
        """crfail: the dump must fail and leave the test running untouched."""
        try:
            if self.mode == "pre":
                _, log = self.dump("pre-dump", extra=["--track-mem"])
            else:
                _, log = self.dump(ps=self.mode == "ps")
        except TestFailed as e:
            log = e.log
        else:
            raise TestFailed("the dump succeeded but the test expects it to fail", log)
        if not pid_alive(self.pid):
            raise TestFailed("the failed dump did not leave the test running", log)
        self.verdict()

    def mode_nocr(self):
        self.verdict()

    def mode_h(self):
        d, log = self.dump()
        self.check_gone(log)
        self.verdict(self.restore(d))

    def mode_hp(self):
        """As h, with criu's dump parasite taking every page it can (see
        CRIU_PAGES_VIA in criu.8): it must leave no trace in the test."""
        self.mode_h()

    def mode_ns(self):
        """As h, with the test as init of its own pid, mount, net, ipc and uts
        namespaces (see ZDTM_NEWNS in the library)."""
        self.mode_h()

    def mode_ps(self):
        d, log = self.dump(ps=True)
        self.check_gone(log)
        self.verdict(self.restore(d))

    def iterations(self):
        return self.desc.iters or self.opts.iters

    def mode_snap(self):
        for _ in range(self.iterations()):
            _, log = self.dump(extra=["--leave-running", "--track-mem"])
            self.check_alive(log)
        d, log = self.dump(extra=["--track-mem"])
        self.check_gone(log)
        self.verdict(self.restore(d))

    def mode_pre(self):
        for _ in range(self.iterations()):
            _, log = self.dump("pre-dump", extra=["--track-mem"])
            self.check_alive(log)
        d, log = self.dump(extra=["--track-mem"])
        self.check_gone(log)
        self.verdict(self.restore(d))

    def mode_lazy(self):
        d, log = self.dump()
        self.check_gone(log)
        lp_log = os.path.join(d, "lazy-pages.log")
        lp = self.r.criu_daemon(["lazy-pages", "-D", d] + self.common_opts(), lp_log,
                                self.timeout, "lazy-pages")
        self.verdict(self.restore(d, ["--lazy-pages"]))
        self.r.wait_daemon(lp, lp_log, self.timeout, "lazy-pages")

    def mode_rlazy(self):
        """Post-copy: the dump serves the pages, lazy-pages fetches them."""
        self.iter += 1
        d = self.imgdir(self.iter)
        log = os.path.join(d, "dump.log")
        port = free_port()
        rfd, wfd = os.pipe()
        try:
            args = ["dump", "-t", str(self.pid), "-D", d, "--lazy-pages", "--address",
                    "127.0.0.1", "--port", str(port), "--status-fd", str(wfd)] + \
                self.common_opts() + self.desc.dopts
            p, _ = self.r.criu_run(args, log, self.timeout, "dump", pass_fds=(wfd,))
            os.close(wfd)
            wfd = -1
            if not wait_readable(rfd, self.timeout) or not os.read(rfd, 1):
                st = run_wait(p, 1)
                raise TestFailed("lazy dump not ready (%s)" % describe_status(st), log)
        finally:
            os.close(rfd)
            if wfd >= 0:
                os.close(wfd)
        self.check_gone(log)
        lp_log = os.path.join(d, "lazy-pages.log")
        lp = self.r.criu_daemon(["lazy-pages", "-D", d, "--page-server", "--address",
                                 "127.0.0.1", "--port", str(port)] + self.common_opts(),
                                lp_log, self.timeout, "lazy-pages")
        rlog = self.restore(d, ["--lazy-pages"])
        self.verdict(rlog)
        self.r.wait_daemon(lp, lp_log, self.timeout, "lazy-pages")
        st = run_wait(p, self.timeout)
        if st is None or exit_code(st) != 0:
            raise TestFailed("lazy dump failed (%s)" % describe_status(st), log)


def wait_readable(fd, timeout):
    r, _, _ = select.select([fd], [], [], timeout)
    return bool(r)


# ---------------------------------------------------------------- main


def select_tests(opts):
    cats = set()
    if opts.all:
        cats = {"unit", "others", "zdtm"}
    if opts.unit:
        cats.add("unit")
    if opts.others:
        cats.add("others")
    if opts.zdtm:
        cats.add("zdtm")
    if not cats:
        cats = {"unit", "others", "zdtm"}

    build_dir = os.path.abspath(opts.build_dir)
    groups = []
    if "unit" in cats:
        for sub in ("unit", "compel"):
            d, tests = find_exec_tests(build_dir, sub)
            groups.append(("%s tests" % sub, d, tests))
    if "others" in cats:
        for od in opts.others_dir or [None]:
            d, tests = find_script_tests(od)
            groups.append(("scripted tests", d, tests))
    if "zdtm" in cats:
        for zd in opts.zdtm_dir or [os.path.join(REPO, "test", "zdtm", "static")]:
            d, tests = find_zdtm_tests(build_dir, zd)
            groups.append(("zdtm tests", d, tests))

    selected = []
    for label, d, tests in groups:
        chosen = []
        for t in tests:
            if opts.tests and not any(t.matches(p) for p in opts.tests):
                continue
            if any(t.matches(p) for p in opts.exclude):
                continue
            if t.noauto and not opts.tests:
                continue
            chosen.append(t)
        if not tests:
            out("no %s found in %s" % (label, os.path.relpath(d, REPO)))
        selected.extend(chosen)
    if opts.tests:
        for p in opts.tests:
            if not any(t.matches(p) for t in selected):
                out("no test matches %s" % p)
    return selected


def parse_modes(values):
    modes = []
    for v in values or ["h"]:
        for m in v.replace(",", " ").split():
            if m not in MODES:
                raise SystemExit("unknown mode %s (known: %s)" % (m, " ".join(MODES)))
            if m not in modes:
                modes.append(m)
    return modes


def on_signal(signo, frame):
    raise Interrupted("signal %d" % signo)


PID_MAX = "/proc/sys/kernel/pid_max"
PID_MAX_WANTED = 4194304


def widen_pid_space():
    """Restored tasks need their old pids back.  With the default pid_max of
    32768 a long run wraps around and a new process can take a pid between a
    dump and its restore; widen the pid space for the run and put the old
    limit back at exit."""
    try:
        with open(PID_MAX) as f:
            old = int(f.read())
        if old >= PID_MAX_WANTED:
            return
        with open(PID_MAX, "w") as f:
            f.write(str(PID_MAX_WANTED))
    except (OSError, ValueError):
        return

    def restore():
        try:
            with open(PID_MAX, "w") as f:
                f.write(str(old))
        except OSError:
            pass
    atexit.register(restore)


def cmd_run(opts):
    modes = parse_modes(opts.mode)
    set_subreaper()
    widen_pid_space()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    os.makedirs(opts.tmp_root, exist_ok=True)
    runner = Runner(opts)
    tests = select_tests(opts)
    interrupted = False
    cur = None
    try:
        for t in tests:
            cur = t
            if isinstance(t, ExecTest):
                runner.run_unit(t)
            elif isinstance(t, ScriptTest):
                runner.run_script(t)
            else:
                for m in modes:
                    runner.run_zdtm(t, m)
            if runner.failed and opts.fail_fast:
                out("stopping at the first failure (--fail-fast)")
                break
        cur = None
    except (KeyboardInterrupt, Interrupted):
        interrupted = True
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        out()
        out("INTERRUPTED%s" % (" during %s" % cur.name if cur else ""))
        kill_leftovers(runner.sessions)
        if runner.cur_dir and not opts.keep_tmp:
            remove_tree(runner.cur_dir)
    kill_leftovers()
    if runner.failures:
        out("failed: %s" % " ".join(runner.failures))
    out("%d passed, %d failed, %d skipped" % (runner.passed, runner.failed, runner.skipped))
    if interrupted:
        return 130
    return 1 if runner.failed else 0


def cmd_list(opts):
    for t in select_tests(opts):
        extra = ""
        if isinstance(t, ZdtmTest) and t.desc.flags:
            extra = "  (%s)" % " ".join(sorted(t.desc.flags))
        out(t.name + extra)
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description="Run the unit, scripted and zdtm tests.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("run", "list"):
        p = sub.add_parser(name)
        p.add_argument("--all", action="store_true", help="all categories (the default)")
        p.add_argument("--unit", action="store_true",
                       help="BUILD_DIR/test/unit/* and BUILD_DIR/test/compel/*")
        p.add_argument("--others", action="store_true", help="test/others/*.sh")
        p.add_argument("--zdtm", action="store_true", help="zdtm test programs")
        p.add_argument("-t", "--test", dest="tests", action="extend", nargs="+", default=[],
                       metavar="NAME", help="only these tests (noauto ones included)")
        p.add_argument("-x", "--exclude", action="append", default=[], metavar="NAME")
        p.add_argument("--build-dir", default=os.path.join(REPO, ".build", "x86_64"))
        p.add_argument("--zdtm-dir", action="append", metavar="DIR",
                       help="directory of zdtm test sources (default test/zdtm/static)")
        p.add_argument("--retries", type=int, default=1, metavar="N",
                       help="run a failed zdtm test up to N more times; a pass after a failure "
                       "is reported as FLAKY then PASS (default 1)")
        p.add_argument("--others-dir", action="append", metavar="DIR",
                       help="directory of scripted tests (default test/others)")
    run = sub.choices["run"]
    run.add_argument("--mode", action="append", metavar="MODE",
                     help="%s; repeat or comma-separate for several (default h)" %
                     ", ".join(MODES))
    run.add_argument("--ns", action="store_true",
                     help="run the tests of every mode in new namespaces (as mode ns does)")
    run.add_argument("--criu", help="criu binary (default criu/criu)")
    run.add_argument("--crit", help="crit binary (default crit/crit)")
    run.add_argument("--criu-opt", action="append", default=[], metavar="OPT",
                     help="extra option for every criu dump/restore")
    run.add_argument("--timeout", type=float, default=120,
                     help="seconds per step of a zdtm test (default 120)")
    run.add_argument("--unit-timeout", type=float, default=300)
    run.add_argument("--script-timeout", type=float, default=1200)
    run.add_argument("--iters", type=int, default=2,
                     help="snapshots or pre-dumps before the final dump (default 2)")
    run.add_argument("--keep-going", dest="fail_fast", action="store_false", default=False,
                     help="run every test even after a failure (the default)")
    run.add_argument("--fail-fast", dest="fail_fast", action="store_true")
    run.add_argument("--tmp-root", default=os.environ.get("ZDTM_TMPDIR", "/tmp"),
                     help="where test directories are made (default /tmp)")
    run.add_argument("--keep-tmp", action="store_true", help="leave test directories behind")
    run.add_argument("--keep-img", action="store_true", help="keep images with failure logs")
    run.add_argument("--log-dir", default=os.path.join(REPO, "test", "zdtm", "logs"),
                     help="where logs of failed tests are copied")
    run.add_argument("--tail", type=int, default=30, help="log lines shown on failure")
    run.add_argument("-v", "--verbose", action="store_true", help="show the commands run")
    opts = ap.parse_args(argv)
    if opts.cmd == "list":
        return cmd_list(opts)
    return cmd_run(opts)


if __name__ == "__main__":
    sys.exit(main())
