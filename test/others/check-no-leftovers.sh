#!/bin/bash
# Probing the kernel leaves nothing behind: no process, no mount, no file
# but the cache.  Run in fresh pid and mount namespaces so that whatever
# else runs on the host does not count.
set -u
T=${ZDTM_TMP:?}
command -v unshare >/dev/null || { echo "SKIP: no unshare"; exit 77; }

mkdir -p "$T/kdat"
out=$(CRIU_KDAT_CACHE=$T/kdat/criu.kdat unshare --fork --pid --mount --mount-proc --propagation private \
	bash -c '
	before=$(wc -l </proc/self/mountinfo)
	"$0" check --all >/dev/null 2>&1 || echo "check failed"
	after=$(wc -l </proc/self/mountinfo)
	[ "$before" = "$after" ] || echo "mounts: $before before, $after after"
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = 1 ] || [ "${p#/proc/}" = $$ ] && continue
		comm=$(cat "$p/comm" 2>/dev/null) || continue
		case $comm in ps|cat|bash) ;; *) echo "left behind: ${p#/proc/} $comm" ;; esac
	done
	' "$CRIU" 2>&1)
[ -z "$out" ] || { echo "FAIL: $out"; exit 1; }

left=$(ls -A "$T/kdat")
[ "$left" = "criu.kdat" ] || { echo "FAIL: cache dir holds: $left"; exit 1; }
exit 0
