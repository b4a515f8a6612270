#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Damaged files make crit fail cleanly: exit 1, and a message naming the file
# and the offset of the damage.  Never a crash, never success.
set -u

CRIT=${CRIT:-crit/crit}
TMP=${ZDTM_TMP:-$(mktemp -d)}
[ -x "$CRIT" ] || { echo "no crit binary at $CRIT"; exit 77; }

fail() { echo "FAIL: $*"; exit 1; }

# expect_error FILE WHAT: crit exits 1 and names FILE and an offset.
expect_error() {
	local f=$1 what=$2 cmd rc err
	for cmd in decode info; do
		err=$("$CRIT" $cmd -i "$f" 2>&1 >/dev/null)
		rc=$?
		[ $rc -eq 1 ] || fail "$what ($cmd): exit $rc, want 1"
		echo "$err" | grep -qF "$f" || fail "$what ($cmd): file not named: $err"
		echo "$err" | grep -q 'offset [0-9]' || fail "$what ($cmd): no offset: $err"
	done
	echo "ok: $what: $err"
}

MAGIC='\x19\x43\x56\x54\x30\x30\x27\x50'
ENTRY='\x0a\x00\x00\x00\x08\x01\x10\x00\x18\x01\x20\x01\x28\x01'
printf "$MAGIC$ENTRY$ENTRY" >"$TMP/pstree.img"
"$CRIT" decode -i "$TMP/pstree.img" >/dev/null || fail "valid file rejected"
size=$(stat -c %s "$TMP/pstree.img")

# Every truncation but the message boundaries (8, 22, 36) is an error.
for ((len = 0; len < size; len++)); do
	head -c $len "$TMP/pstree.img" >"$TMP/cut.img"
	case $len in
	8 | 22)
		"$CRIT" decode -i "$TMP/cut.img" >/dev/null || fail "cut at boundary $len rejected"
		;;
	*)
		expect_error "$TMP/cut.img" "truncated to $len bytes"
		;;
	esac
done

: >"$TMP/empty.img"
expect_error "$TMP/empty.img" "empty file"

printf '\x19\x43\x56\x54\x31\x30\x27\x50' >"$TMP/badmagic.img"
expect_error "$TMP/badmagic.img" "unknown kind magic"

printf '\x7fELF\x02\x01\x01\x00\x00\x00' >"$TMP/foreign.img"
expect_error "$TMP/foreign.img" "foreign file"
head -c 4096 "$CRIT" >"$TMP/binary.img"
expect_error "$TMP/binary.img" "executable"

printf "$MAGIC"'\xff\xff\xff\xff' >"$TMP/huge.img"
expect_error "$TMP/huge.img" "4 GiB size prefix"
printf "$MAGIC"'\x01\x00\x00\x04' >"$TMP/big.img"
expect_error "$TMP/big.img" "64 MiB + 1 size prefix"
printf "$MAGIC"'\x00\x00\x00\x04' >"$TMP/nobody.img"
expect_error "$TMP/nobody.img" "64 MiB size prefix, no body"

printf "$MAGIC"'\x04\x00\x00\x00\xff\xff\xff\xff' >"$TMP/garbage.img"
expect_error "$TMP/garbage.img" "undecodable message"
printf "$MAGIC"'\x02\x00\x00\x00\x08\x01' >"$TMP/missing.img"
expect_error "$TMP/missing.img" "required fields missing"

# pipes-data whose payload is shorter than announced.
printf '\x19\x43\x56\x54\x09\x37\x45\x56\x04\x00\x00\x00\x08\x05\x10\x09abc' >"$TMP/pipes-data.img"
expect_error "$TMP/pipes-data.img" "short payload"

"$CRIT" decode -i "$TMP/does-not-exist.img" >/dev/null 2>&1
[ $? -eq 1 ] || fail "missing file: wrong exit code"

echo PASS
exit 0
