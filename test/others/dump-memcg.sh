#!/bin/bash
# A task's pages must not be charged to its memory cgroup by its own dump:
# the image's tmpfs pages are charged to whoever writes them, and a
# container near its limit must not pay for its checkpoint.  A python3
# program with 96 MiB of data is put into a memory cgroup of its own (v1
# hierarchy or v2, whichever has the controller; mounted here if none is)
# and dumped with -R into a tmpfs: by default (the parasite copies, criu
# writes) its cgroup must not grow by the image.  With the task writing its
# pages itself (CRIU_PAGES_VIA=parasite-write) it must, which proves the
# measure sees the charge.  A last dump and a restore bring the data back.
. "$(dirname "$0")/realprog/lib.bash"
need setsid python3 mount umount

export BIG_MIB=96
. "$(dirname "$0")/realprog/big-data.bash"

[ "$NOCR" = 1 ] && skip "needs criu"

# mount_hier TYPE OPTIONS: mounts a cgroup hierarchy under $W, prints its path
mount_hier() {
	local dir=$W/cg-$1
	mkdir -p "$dir"
	mount -t "$1" ${2:+-o "$2"} none "$dir" 2>/dev/null || return 1
	at_cleanup umount "$dir"
	echo "$dir"
}

# sets CG (a new memory cgroup) and USAGE (its usage file)
make_memcg() {
	local root
	root=$(awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ { print $2; exit }' /proc/mounts)
	[ -n "$root" ] || root=$(mount_hier cgroup memory) || root=
	if [ -n "$root" ]; then
		USAGE=memory.usage_in_bytes
	else
		root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
		[ -n "$root" ] || root=$(mount_hier cgroup2 "") || skip "no cgroup hierarchy"
		grep -qw memory "$root/cgroup.controllers" || skip "no memory controller"
		echo +memory >"$root/cgroup.subtree_control" || skip "can't enable memory in $root"
		USAGE=memory.current
	fi
	CG=$root/criu-test-memcg-$$
	mkdir "$CG" || fail "can't create $CG"
	at_cleanup rmdir "$CG"
	say "memory cgroup $CG"
}

make_memcg
mkdir -p "$W/img"
mount -t tmpfs -o size=512m none "$W/img" || fail "can't mount a tmpfs"
at_cleanup umount "$W/img"

start_big
echo "$PID" >"$CG/cgroup.procs" || fail "can't move $PID into $CG"

# dump_grows NAME: dumps with -R into $W/img/NAME; GROWTH gets the cgroup's growth in MiB
dump_grows() {
	local before after
	before=$(cat "$CG/$USAGE")
	criu_dump "$W/img/$1" -R
	after=$(cat "$CG/$USAGE")
	GROWTH=$(((after - before) >> 20))
	IMG=$(($(du -sm "$W/img/$1" | cut -f1)))
	check_alive
}

dump_grows auto
grep -q "Task $PID copies out its pages" "$W/img/auto/dump.log" ||
	fail "the parasite did not copy: $(grep "parasite:" "$W/img/auto/dump.log" | tail -3)"
[ "$GROWTH" -lt $((IMG / 4)) ] || fail "the cgroup grew by $GROWTH MiB for a $IMG MiB image"
say "copied: the cgroup grew by $GROWTH MiB for a $IMG MiB image"

CRIU_PAGES_VIA=parasite-write dump_grows write
grep -q "Task $PID writes its pages" "$W/img/write/dump.log" || fail "the parasite did not write"
[ "$GROWTH" -ge $((IMG / 2)) ] || fail "written by the task: $GROWTH MiB, image $IMG MiB"
say "written by the task: the cgroup grew by $GROWTH MiB (the measure works)"
rm -rf "$W/img/auto" "$W/img/write"

ask_big
r1=$REPORT
criu_dump "$W/img/last"
check_gone
criu_restore "$W/img/last"
ask_big
[ "${REPORT% *}" = "${r1% *}" ] || fail "the data changed: '$r1' -> '$REPORT'"
say "restored with its data: ${REPORT% *}"
