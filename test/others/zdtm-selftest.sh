#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-test of the test runner and the zdtm library: with the programs of
# test/zdtm/selftest (built by `make test`, no checkpoint involved), check
# that a passing test passes, a failing, crashing or hanging one is reported
# failed with a non-zero exit, a test that skips itself is skipped, and a
# process a test leaves behind is killed and reaped by the runner.
#
# Run by test/zdtm.py with CRIU, BUILD_DIR and ZDTM_TMP set.

set -u

: "${BUILD_DIR:?}" "${ZDTM_TMP:?}"
PYTHON=${PYTHON:-python3}
SELF=$BUILD_DIR/test/zdtm/selftest

for t in pass fail hang orphan skip crash; do
	if [ ! -x "$SELF/$t" ]; then
		echo "$SELF/$t is not built (make test builds it)"
		exit 77
	fi
done

# Unprivileged tests need to reach their directories.
chmod 755 "$ZDTM_TMP"
mkdir -m 755 "$ZDTM_TMP/t"

nfail=0
fail() {
	echo "SELFTEST FAIL: $*"
	nfail=$((nfail + 1))
}

# zdtm NAME... -- run the runner on selftest programs; output in $ZDTM_TMP/out
zdtm() {
	"$PYTHON" test/zdtm.py run --zdtm --zdtm-dir test/zdtm/selftest --mode nocr \
		--build-dir "$BUILD_DIR" --tmp-root "$ZDTM_TMP/t" \
		--log-dir "$ZDTM_TMP/logs" "$@" >"$ZDTM_TMP/out" 2>&1
	rc=$?
	sed 's/^/    /' "$ZDTM_TMP/out"
}

expect_line() {
	grep -qE "$1" "$ZDTM_TMP/out" || fail "no line matching '$1'"
}

expect_last() {
	last=$(tail -n 1 "$ZDTM_TMP/out")
	[ "$last" = "$1" ] || fail "last line is '$last', expected '$1'"
}

expect_rc() {
	[ "$rc" -eq "$1" ] || fail "runner exited with $rc, expected $1"
}

# Nothing of ours may survive a run: no process runs a test binary from the
# runner's temp root, and the test directories are gone.
expect_clean() {
	local p exe
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		case "$exe" in
		"$ZDTM_TMP/t/"*)
			fail "process ${p#/proc/} ($exe) survived the runner"
			kill -9 "${p#/proc/}" 2>/dev/null
			;;
		esac
	done
	if [ -n "$(ls -A "$ZDTM_TMP/t")" ]; then
		fail "test directories left behind: $(ls "$ZDTM_TMP/t")"
		rm -rf "${ZDTM_TMP:?}/t/"*
	fi
}

echo "== a passing test passes"
zdtm -t pass
expect_rc 0
expect_line '^PASS zdtm/selftest/pass \[nocr\]$'
expect_last "1 passed, 0 failed, 0 skipped"
expect_clean

echo "== a failing test fails, and so does the runner"
zdtm -t fail
expect_rc 1
expect_line '^FAIL zdtm/selftest/fail \[nocr\] FAIL: .*fails on purpose'
expect_last "0 passed, 1 failed, 0 skipped"
[ -d "$ZDTM_TMP/logs/zdtm_selftest_fail-nocr" ] || fail "logs of the failure not kept"
expect_clean

echo "== a test that dies of a signal fails"
zdtm -t crash
expect_rc 1
expect_line '^FAIL zdtm/selftest/crash \[nocr\] .*signal 11'
expect_last "0 passed, 1 failed, 0 skipped"
expect_clean

echo "== a test that skips itself is skipped"
zdtm -t skip
expect_rc 0
expect_line '^SKIP zdtm/selftest/skip \[nocr\] .*always skips'
expect_last "0 passed, 0 failed, 1 skipped"
expect_clean

echo "== an orphan left by a test is killed and reaped"
rm -f "$ZDTM_TMP/orphan.pid"
ZDTM_ORPHAN_PIDFILE=$ZDTM_TMP/orphan.pid zdtm -t orphan
expect_rc 0
expect_line '^PASS zdtm/selftest/orphan \[nocr\]$'
if [ -s "$ZDTM_TMP/orphan.pid" ]; then
	orphan=$(cat "$ZDTM_TMP/orphan.pid")
	expect_line "^WARN zdtm/selftest/orphan \[nocr\]: killed and reaped leftover \
processes:.* $orphan( |\$)"
	if [ -e "/proc/$orphan" ]; then
		fail "orphan $orphan is still there"
		kill -9 "$orphan" 2>/dev/null
	fi
else
	fail "the orphan recorded no pid"
fi
expect_last "1 passed, 0 failed, 0 skipped"
expect_clean

echo "== everything at once, with a test that hangs: it is timed out, killed and"
echo "   failed, and the summary adds up"
start=$(date +%s)
zdtm
expect_rc 1
expect_line '^FAIL zdtm/selftest/hang \[nocr\] .*did not finish in 10s'
expect_last "2 passed, 3 failed, 1 skipped"
[ $(($(date +%s) - start)) -lt 100 ] || fail "the hanging test was not cut short"
expect_clean

echo "== in new namespaces a passing test passes and a failing one fails"
if unshare --pid --fork --mount --net --ipc --uts true 2>/dev/null; then
	zdtm --ns -t pass fail
	expect_rc 1
	expect_line '^PASS zdtm/selftest/pass \[nocr,ns\]$'
	expect_line '^FAIL zdtm/selftest/fail \[nocr,ns\] FAIL: '
	expect_last "1 passed, 1 failed, 0 skipped"
	expect_clean
else
	echo "    (no namespaces here: skipped)"
fi

echo "== an unknown test name is no failure"
zdtm -t no-such-test
expect_rc 0
expect_line '^no test matches no-such-test$'
expect_last "0 passed, 0 failed, 0 skipped"

echo "== a mode the test does not support is skipped"
mkdir -p "$ZDTM_TMP/d"
cp test/zdtm/selftest/pass.c "$ZDTM_TMP/d/"
cp "$SELF/pass" "$ZDTM_TMP/d/"
echo '{"modes": ["h"]}' >"$ZDTM_TMP/d/pass.desc"
"$PYTHON" test/zdtm.py run --zdtm --zdtm-dir "$ZDTM_TMP/d" --mode nocr \
	--build-dir "$BUILD_DIR" --tmp-root "$ZDTM_TMP/t" >"$ZDTM_TMP/out" 2>&1
rc=$?
sed 's/^/    /' "$ZDTM_TMP/out"
expect_rc 0
expect_line '^SKIP zdtm/d/pass \[nocr\] mode nocr not supported'
expect_last "0 passed, 0 failed, 1 skipped"

if [ "$nfail" -ne 0 ]; then
	echo "$nfail selftest check(s) failed"
	exit 1
fi
echo "all selftest checks passed"
exit 0
