#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# crit decodes hand-made images byte-exact to CRIU's format: the bytes below
# are written from the wire format (magics, u32 size prefix, protobuf), not
# by our own writer, so a drift in either shows up here.
set -u

CRIT=${CRIT:-crit/crit}
TMP=${ZDTM_TMP:-$(mktemp -d)}
[ -x "$CRIT" ] || { echo "no crit binary at $CRIT"; exit 77; }

fail() { echo "FAIL: $*"; exit 1; }

# pstree.img: common magic, pstree magic, one entry {pid 1, ppid 0, pgid 1,
# sid 1, threads [1]}.
printf '\x19\x43\x56\x54\x30\x30\x27\x50\x0a\x00\x00\x00\x08\x01\x10\x00\x18\x01\x20\x01\x28\x01' \
	>"$TMP/pstree.img"
out=$("$CRIT" decode -i "$TMP/pstree.img") || fail "pstree decode: $out"
echo "$out"
echo "$out" | grep -q '"magic": "PSTREE"' || fail "pstree: no magic"
echo "$out" | grep -q '"pid": 1' || fail "pstree: no pid"
echo "$out" | grep -q '"threads": \[1\]' || fail "pstree: no threads"
if command -v python3 >/dev/null; then
	echo "$out" | python3 -c 'import json, sys; json.load(sys.stdin)' || fail "not JSON"
	"$CRIT" show "$TMP/pstree.img" | python3 -c 'import json, sys; json.load(sys.stdin)' ||
		fail "show: not JSON"
fi
info=$("$CRIT" info "$TMP/pstree.img") || fail "info"
echo "$info" | grep -q '^kind: pstree$' || fail "info: kind"
echo "$info" | grep -q '^messages: 1$' || fail "info: count"

# inventory.img: its own magic only (no common head), {img_version 2}.
printf '\x16\x31\x31\x58\x02\x00\x00\x00\x08\x02' >"$TMP/inventory.img"
out=$("$CRIT" decode -i "$TMP/inventory.img" --pretty) || fail "inventory decode"
echo "$out" | grep -q '"img_version": 2' || fail "inventory: img_version"

# stats-dump.img: service head magic; {dump {all required fields 1}}.
printf '\x40\x59\x10\x55\x06\x33\x09\x57\x14\x00\x00\x00\x0a\x12\x08\x01\x10\x01\x18\x01\x20\x01\x28\x01\x30\x01\x38\x01\x48\x01\x50\x07' \
	>"$TMP/stats-dump.img"
out=$("$CRIT" decode -i "$TMP/stats-dump.img") || fail "stats decode: $out"
echo "$out" | grep -q '"page_pipes": 7' || fail "stats: page_pipes"

# pipes-data.img: entry {pipe_id 5, bytes 3} then 3 raw bytes.
printf '\x19\x43\x56\x54\x09\x37\x45\x56\x04\x00\x00\x00\x08\x05\x10\x03abc' >"$TMP/pipes-data.img"
out=$("$CRIT" decode -i "$TMP/pipes-data.img") || fail "pipes-data decode"
echo "$out" | grep -q '"extra_bytes": 3' || fail "pipes-data: payload"

# pages-1.img is raw: known from its name only.
printf 'xxxxxxxx' >"$TMP/pages-1.img"
"$CRIT" decode -i "$TMP/pages-1.img" | grep -q '"raw_bytes": 8' || fail "pages"

echo PASS
exit 0
