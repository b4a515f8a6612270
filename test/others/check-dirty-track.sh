#!/bin/bash
# `criu check` on this kernel (6.18 without CONFIG_MEM_SOFT_DIRTY): soft-dirty
# is reported missing, the userfaultfd WP_ASYNC + PAGEMAP_SCAN tracker is
# found working, so mem_dirty_track succeeds and names that backend.
set -u
fails=0
T=${ZDTM_TMP:?}
export CRIU_KDAT_CACHE=$T/criu.kdat

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect RC PATTERN ARGS...: exit code and combined output must match.
expect() {
	local rc=$1 pat=$2 out got
	shift 2
	out=$("$CRIU" "$@" 2>&1)
	got=$?
	[ "$got" -eq "$rc" ] || fail "criu $*: exit $got, want $rc; output: $out"
	echo "$out" | grep -Eq -- "$pat" || fail "criu $*: output lacks /$pat/: $out"
}

expect 1 'soft-dirty is missing.*CONFIG_MEM_SOFT_DIRTY' check --feature soft-dirty
expect 1 'soft-dirty is missing.*: memory changes can be tracked only' check --feature soft-dirty
expect 0 '^uffd-wp-async is supported' check --feature uffd-wp-async
expect 0 '^uffd-wp is supported' check --feature uffd-wp
expect 0 '^pagemap-scan is supported' check --feature pagemap-scan
expect 0 '^uffd is supported' check --feature uffd
expect 0 '^uffd-noncoop is supported' check --feature uffd-noncoop
expect 0 '^mem_dirty_track is supported \(backend uffd-wp: userfaultfd WP_ASYNC \+ PAGEMAP_SCAN' \
	check --feature mem_dirty_track
# Several features at once: all must be present.
expect 0 'pagemap-scan is supported' check --feature uffd-wp-async --feature pagemap-scan
expect 1 'soft-dirty is missing' check --feature pagemap-scan --feature soft-dirty

# The whole report says both: soft-dirty missing, the uffd tracker in use.
expect 0 'soft-dirty is missing.*userfaultfd write-protect tracker is available' check --all
expect 0 '^Memory dirty tracking: uffd-wp: userfaultfd WP_ASYNC \+ PAGEMAP_SCAN; soft-dirty is not available' \
	check --all
expect 0 '^Looks good\.$' check --all
expect 0 '^Memory dirty tracking: uffd-wp' check --extra

# The cache agrees with what was reported.
grep -qx 'has_soft_dirty 0' "$CRIU_KDAT_CACHE" || fail "cache: has_soft_dirty is not 0"
grep -qx 'dirty_track uffd-wp' "$CRIU_KDAT_CACHE" || fail "cache: dirty_track is not uffd-wp"

[ "$fails" -eq 0 ] || exit 1
exit 0
