#!/bin/bash
# Command line: usage errors exit 1 with a clear message, --help/--version
# exit 0, options from config files apply and the command line overrides them.
set -u
fails=0
T=${ZDTM_TMP:?}

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect RC PATTERN ARGS...: run criu, check exit code and that the combined
# output matches PATTERN (extended regex).
expect() {
	local rc=$1 pat=$2 out got
	shift 2
	out=$("$CRIU" "$@" 2>&1)
	got=$?
	[ "$got" -eq "$rc" ] || fail "criu $*: exit $got, want $rc; output: $out"
	echo "$out" | grep -Eq -- "$pat" || fail "criu $*: output lacks /$pat/: $out"
}

expect 0 '^Version: [0-9]+\.[0-9]+' --version
expect 0 '^Version: ' -V
expect 0 'Usage:' --help
expect 0 'criu dump' -h
expect 1 'no command given'
expect 1 "unrecognized option '--no-such-option'" --no-such-option check
expect 1 "requires an argument" dump -t
expect 1 "requires an argument" check --feature
expect 1 "invalid argument for -t/--tree: abc" dump -t abc
expect 1 "invalid argument for -t/--tree: -5" dump -t -5
expect 1 "invalid argument for -t/--tree: 0" dump -t 0
expect 1 "invalid argument for --port: 70000" page-server --port 70000
expect 1 "invalid argument for -v: 9" check -v9
expect 1 "unknown command .frobnicate'" frobnicate
expect 1 "Unknown cgroups mode .bogus'" restore --manage-cgroups=bogus
expect 1 "invalid argument for --pre-dump-mode: mmap" pre-dump --pre-dump-mode mmap -t 1
expect 1 "invalid argument for --ghost-limit" dump --ghost-limit 12X -t 1
expect 1 "inherit-fd" restore --inherit-fd foo
expect 1 "restore-sibling only makes sense" restore -S
expect 1 "mutually exclusive" dump -t 1 --tcp-close --tcp-established
expect 1 "Can't open images directory $T/missing" dump -t 1 -D "$T/missing"
expect 1 "Can't open config file $T/nope.conf" --config "$T/nope.conf" check

# A config file sets options; a bad value in it is reported like one on argv.
cat > "$T/bad.conf" <<CONF
# comment line
tree notanumber
CONF
expect 1 "invalid argument for -t/--tree: notanumber" --config "$T/bad.conf" dump -D "$T"

# -o is relative to the work dir, which defaults to the images dir: the log
# file must appear there (any command that reaches logging will do).
mkdir -p "$T/imgs" "$T/work"
"$CRIU" check -D "$T/imgs" -o my.log -v4 >/dev/null 2>&1
[ -s "$T/imgs/my.log" ] || fail "-o my.log not created in the images dir"
"$CRIU" check -D "$T/imgs" -W "$T/work" -o w.log -v4 >/dev/null 2>&1
[ -s "$T/work/w.log" ] || fail "-o w.log not created in the work dir"

# A relative -D works although the work dir becomes the cwd: an empty
# images dir is reported as missing an inventory, not as missing itself.
mkdir -p "$T/rel/empty"
(cd "$T/rel" && "$CRIU" restore -D empty -o rel.log >/dev/null 2>&1)
grep -q "inventory.img" "$T/rel/empty/rel.log" || fail "relative -D: $(cat "$T/rel/empty/rel.log")"

# Errors reach stderr even when the log goes to a file.
out=$("$CRIU" dump -t 1 -D "$T/imgs" -W "$T/missing-work" -o x.log 2>&1 >/dev/null)
echo "$out" | grep -q "work dir" || fail "work dir error not on stderr: $out"

[ "$fails" -eq 0 ] || exit 1
echo "cli-usage: all checks passed"
