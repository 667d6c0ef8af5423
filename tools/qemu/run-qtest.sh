#!/bin/sh
# Run the Acceldev qtest suite against the QEMU built by build.sh.
#
# Usage: run-qtest.sh CACHE_DIR [test-program arguments...]
#
# The firmware (Debian's seabios) is found through the build tree's data
# directory, where build.sh links it.
set -eu

if [ $# -lt 1 ]; then
	echo "usage: $0 CACHE_DIR [args...]" >&2
	exit 2
fi
build=$1/qemu/build
shift
cd "$build"
QTEST_QEMU_BINARY=./qemu-system-x86_64
export QTEST_QEMU_BINARY
exec ./tests/qtest/acceldev-test --tap "$@"
