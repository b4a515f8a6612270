#!/bin/bash
# The arm64 side keeps compiling: cross-build what can be built without arm64
# libraries (compel, its parasite runtime and tests, the arch code).
set -u
command -v aarch64-linux-gnu-gcc >/dev/null || { echo "no aarch64 cross compiler"; exit 77; }
# A plain build: what is checked is that arm64 compiles, not the sanitizers
# of an ASAN=1 run (whose objects would go to another directory).
unset MAKEFLAGS MAKELEVEL MFLAGS ASAN
log=${ZDTM_TMP:?}/build.log
if ! make ARCH=aarch64 -j2 >"$log" 2>&1; then
	tail -30 "$log"
	exit 1
fi
# The objects must really be arm64 code.
obj=$(find .build/aarch64 -name '*.o' | head -1)
[ -n "$obj" ] || { echo "no objects built"; exit 1; }
file "$obj" | grep -q "ARM aarch64" || readelf -h "$obj" | grep -q AArch64 ||
	{ echo "$obj is not arm64: $(readelf -h "$obj" | grep Machine)"; exit 1; }
echo "arm64 cross-build ok"
