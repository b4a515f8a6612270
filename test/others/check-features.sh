#!/bin/bash
# `criu check` verdicts and feature names: plain check passes on this host,
# every listed feature gives a clear yes or no, unknown names are refused
# before anything is probed.
set -u
fails=0
T=${ZDTM_TMP:?}
export CRIU_KDAT_CACHE=$T/criu.kdat

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

expect() {
	local rc=$1 pat=$2 out got
	shift 2
	out=$("$CRIU" "$@" 2>&1)
	got=$?
	[ "$got" -eq "$rc" ] || fail "criu $*: exit $got, want $rc; output: $out"
	echo "$out" | grep -Eq -- "$pat" || fail "criu $*: output lacks /$pat/: $out"
}

# Unknown names: a clear error, exit 1, and no probing (no cache written).
expect 1 'Unknown feature no_such_feature; `criu check --feature list` names them' \
	check --feature no_such_feature
[ -e "$CRIU_KDAT_CACHE" ] && fail "an unknown feature name made criu probe"
expect 1 'Unknown feature bogus' check --feature pagemap-scan --feature bogus

expect 0 '^Looks good\.$' check
expect 0 '^Looks good\.$' check --extra

list=$("$CRIU" check --feature list 2>&1) || fail "--feature list failed: $list"
for name in mem_dirty_track uffd uffd-noncoop tcp_half_closed timens clone3_set_tid \
	pidfd_store ns_pid kcmp_epoll seccomp_suspend can_map_vdso get_rseq_conf \
	uffd-wp uffd-wp-async uffd-minor pagemap-scan soft-dirty rseq memfd kcmp \
	ptrace-seize suspend-seccomp ns_last_pid tcp-repair sock-diag-unix \
	sock-diag-inet sock-diag-netlink sock-diag-packet cgroup2 vdso \
	cap-checkpoint-restore time-ns; do
	echo "$list" | grep -qx -- "$name" || fail "--feature list lacks $name"
done

# Every name answers "is supported" (exit 0) or "is missing" with a cost (exit 1).
for name in $list; do
	out=$("$CRIU" check --feature "$name" 2>&1)
	rc=$?
	case $rc in
	0) echo "$out" | grep -q "^$name is supported" || fail "$name: exit 0 but: $out" ;;
	1) echo "$out" | grep -Eq "$name is missing.*: .+" || fail "$name: exit 1 but: $out" ;;
	*) fail "$name: exit $rc: $out" ;;
	esac
done

# What this host has, besides the memory trackers.
for name in ptrace-seize suspend-seccomp clone3_set_tid ns_last_pid kcmp kcmp_epoll memfd \
	rseq get_rseq_conf time-ns timens tcp-repair sock-diag-unix sock-diag-inet \
	sock-diag-netlink cgroup2 cap-checkpoint-restore can_map_vdso; do
	expect 0 "^$name is supported" check --feature "$name"
done
expect 0 '^vdso is supported \(vdso 0x[0-9a-f]+ bytes, vvar 0x[0-9a-f]+ bytes at [-+][0-9]+\)' \
	check --feature vdso
grep -Eq '^vdso\.sym\.clock_gettime 0x[0-9a-f]+$' "$CRIU_KDAT_CACHE" ||
	fail "cache: no clock_gettime offset in the vDSO layout"

[ "$fails" -eq 0 ] || exit 1
exit 0
