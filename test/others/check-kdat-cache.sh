#!/bin/bash
# The kerndat cache: created on first use, reused (not rewritten) while boot
# and kernel match, re-probed when boot_id, kernel release or version differ
# or the file is not ours, and replaced atomically.
set -u
fails=0
T=${ZDTM_TMP:?}
C=$T/kdat/criu.kdat
export CRIU_KDAT_CACHE=$C
mkdir -p "$T/kdat"

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

check() { "$CRIU" check --feature soft-dirty >/dev/null 2>&1; }
ino() { stat -c %i "$C"; }

# Forge a cache for the running boot that claims soft-dirty works: if criu
# believes it, the cache was used instead of probing.
forge() {
	sed -i 's/^has_soft_dirty 0$/has_soft_dirty 1/' "$C"
}

check
[ -f "$C" ] || { echo "FAIL: no cache at $C"; exit 1; }
head -n1 "$C" | grep -q '^criu-kdat [0-9]' || fail "cache header: $(head -n1 "$C")"
grep -qx "boot_id $(cat /proc/sys/kernel/random/boot_id)" "$C" || fail "cache lacks boot_id"
grep -qx "release $(uname -r)" "$C" || fail "cache lacks the kernel release"
grep -qx "version $(uname -v)" "$C" || fail "cache lacks the kernel version"

# Reused: same inode afterwards, and a forged answer is believed.
i1=$(ino)
check
[ "$(ino)" = "$i1" ] || fail "cache rewritten although it matched"
forge
i1=$(ino)
check || fail "forged cache (soft-dirty 1) was not used"
[ "$(ino)" = "$i1" ] || fail "matching cache rewritten"

# Invalidated: each identity line, once wrong, makes criu probe again.
for key in boot_id release version; do
	forge
	sed -i "s/^$key .*/$key not-this-one/" "$C"
	check && fail "stale $key: forged cache still used"
	grep -qx 'has_soft_dirty 0' "$C" || fail "stale $key: cache not re-probed"
	grep -q "^$key not-this-one" "$C" && fail "stale $key: cache not rewritten"
done

# Files that are not a cache of ours are replaced, never trusted.
for junk in "" "garbage" "criu-kdat 999"; do
	printf '%s\n' "$junk" >"$C"
	check && fail "junk cache '$junk' trusted"
	head -n1 "$C" | grep -q '^criu-kdat 1$' || fail "junk cache '$junk' not replaced"
done
forge
echo "has_warp_drive 1" >>"$C"
check && fail "cache with an unknown key trusted"

# Atomic replacement leaves no temporary file behind.
n=$(find "$T/kdat" -mindepth 1 | wc -l)
[ "$n" -eq 1 ] || fail "cache dir holds $n entries: $(ls -A "$T/kdat")"

# An unwritable cache location costs a warning, not the check.
out=$(CRIU_KDAT_CACHE=$T/no/such/dir/kdat "$CRIU" check 2>&1)
[ $? -eq 0 ] || fail "unwritable cache made check fail: $out"
echo "$out" | grep -q "Can't save kernel features" || fail "no warning about the cache: $out"

[ "$fails" -eq 0 ] || exit 1
exit 0
