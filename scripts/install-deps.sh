#!/bin/sh
# Install the Debian packages needed to build and test the engine, then build.
# Safe to run again: apt-get skips what is already installed.
set -eu

PKGS="build-essential make pkg-config git \
	protobuf-c-compiler libprotobuf-c-dev libprotobuf-dev protobuf-compiler \
	libcap-dev libnl-3-dev libnl-route-3-dev libbsd-dev libaio-dev \
	clang libclang-rt-14-dev \
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross \
	iproute2 procps python3 sqlite3 util-linux asciidoctor"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done

if [ -n "$missing" ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -q
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -q --no-install-recommends $missing
fi
