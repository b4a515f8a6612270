#!/bin/bash
# make install puts criu, crit, the compel tool, library and headers and the
# man page under PREFIX; a program builds against the installed compel alone
# and freezes and releases a child with it.
set -u
T=${ZDTM_TMP:?}
unset MAKEFLAGS MAKELEVEL MFLAGS
# The flavour under test: an ASan build installs instrumented code.
case "$BUILD_DIR" in
*-asan) FLAVOUR="ASAN=1"; SAN="-fsanitize=address,undefined" ;;
*) FLAVOUR=""; SAN="" ;;
esac
make install $FLAVOUR DESTDIR="$T/root" PREFIX=/usr/local >"$T/install.log" 2>&1 ||
	{ tail -20 "$T/install.log"; exit 1; }
R=$T/root/usr/local
for f in sbin/criu bin/crit bin/compel lib/libcompel.a include/compel/compel.h \
	include/compel/asm/regs.h share/man/man8/criu.8; do
	[ -e "$R/$f" ] || { echo "missing $f"; exit 1; }
done
"$R/sbin/criu" --version | grep -q '^Version:' || { echo "installed criu does not run"; exit 1; }
cat > "$T/use.c" <<'C'
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <compel/compel.h>
int main(void)
{
	pid_t pid = fork();
	struct compel_task *t;
	long ret = 0;

	if (pid == 0) {
		for (;;)
			pause();
	}
	usleep(100000);
	t = compel_freeze(pid, 0);
	if (!t || compel_syscall(t, SYS_getpid, &ret, 0, 0, 0, 0, 0, 0) || ret != pid)
		return 1;
	if (compel_unfreeze(t))
		return 1;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	printf("remote getpid: %ld\n", ret);
	return 0;
}
C
cc $SAN -I"$R/include" -o "$T/use" "$T/use.c" "$R/lib/libcompel.a" -lpthread ||
	{ echo "can't build against the installed compel"; exit 1; }
"$T/use" || { echo "program using the installed compel failed"; exit 1; }
