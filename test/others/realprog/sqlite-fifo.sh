#!/bin/bash
# The sqlite3 shell reading commands from a FIFO, with an in-memory
# database filled before the dump (random blobs in it: a fresh start could
# not rebuild it) and its output going to a file.  After restore the same
# SELECTs must return the same rows (and the same SHA3 of the whole table), the shell must go on executing new
# commands, and its output must continue at the right offset of the file.
. "$(dirname "$0")/lib.bash"
need setsid sqlite3

N=5000
mkfifo "$W/cmds" || fail "mkfifo"
# our end of the FIFO stays open: sqlite3 never sees EOF until we close it
exec 3<>"$W/cmds"

sql() { printf '%s\n' "$@" >&3 || fail "can't write to the FIFO"; }
has_line() { grep -qx -- "$1" "$W/out"; }
# the output between the lines BEGIN$1 and END$1
section() { sed -n "/^BEGIN$1\$/,/^END$1\$/p" "$W/out" | sed '1d;$d'; }
query() {
	sql "SELECT 'BEGIN$1';" \
		"SELECT a, b, c FROM t WHERE a % 250 = 0 ORDER BY a;" \
		"SELECT count(*), sum(a), total(length(b)), hex(sum(c)) FROM t;" \
		"SELECT hex(sha3_query('SELECT * FROM t ORDER BY a'));" \
		"SELECT 'END$1';"
	wait_for 300 has_line "END$1" || fail "no END$1 from sqlite3: $(tail -3 "$W/err")"
}

start_prog "$W/out" "$W/err" "$W/cmds" sqlite3 :memory:
sql "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c REAL);" \
	"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $N)" \
	"INSERT INTO t SELECT i, hex(randomblob(16)), i * 0.5 FROM s;"
query 1
r1=$(section 1)
[ "$(wc -l <<<"$r1")" -eq $((N / 250 + 2)) ] || fail "unexpected result: $r1"
size1=$(stat -c %s "$W/out")

criu_dump "$W/dump"
check_gone
criu_restore "$W/dump"

query 2
r2=$(section 2)
[ "$r2" = "$r1" ] || fail "the rows changed: $(diff <(echo "$r1") <(echo "$r2") | head -5)"
sql "INSERT INTO t(b, c) VALUES ('after', 1.5);" "SELECT 'COUNT', count(*) FROM t;"
wait_for 300 has_line "COUNT|$((N + 1))" || fail "sqlite3 does not go on: $(tail -2 "$W/out")"
# the output went on at the right offset: everything intact, no hole
[ "$(head -c "$size1" "$W/out" | tail -n 1)" = END1 ] || fail "the first output was overwritten"
tr -d '\000' <"$W/out" | cmp -s - "$W/out" || fail "NUL bytes in the output file"
[ "$(grep -c '^END' "$W/out")" -eq 2 ] || fail "the output is not what it should be"
[ -s "$W/err" ] && fail "sqlite3 wrote errors: $(cat "$W/err")"
# EOF on the FIFO: sqlite3 exits
exec 3>&-
wait_for 100 gone "$PID" || fail "sqlite3 did not exit at EOF"
exit 0
