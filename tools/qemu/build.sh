#!/bin/sh
# Build QEMU (x86_64 system emulator) with the Acceldev device model, and
# the Acceldev qtest.
#
# Usage: build.sh CACHE_DIR
#
# Expects CACHE_DIR/downloads/qemu_*.orig.tar.xz (fetched by the caller).
# Extracts it once into CACHE_DIR/qemu/src, adds our files
# (add-to-qemu.sh), configures once into CACHE_DIR/qemu/build, then builds
# qemu-system-x86_64 and tests/qtest/acceldev-test with ninja. Safe to run
# again: later runs only rebuild what changed. Installs nothing; firmware
# at run time comes from Debian's seabios and qemu-system-data packages
# (symlinked into the build tree's data directory if present).
# Output goes to CACHE_DIR/qemu/build.log; its tail is shown on failure.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 CACHE_DIR" >&2
	exit 2
fi
cache=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$cache/qemu
src=$top/src
build=$top/build
log=$top/build.log
python=/usr/bin/python3

mkdir -p "$top"
: >"$log"

fail() {
	echo "build.sh: $*" >&2
	if [ -s "$log" ]; then
		echo "---- last lines of $log ----" >&2
		tail -n 40 "$log" >&2
	fi
	exit 1
}

# run STEP CMD...: run a command with its output in the log.
run() {
	step=$1
	shift
	echo "==== $step: $*" >>"$log"
	"$@" >>"$log" 2>&1 || fail "$step failed"
}

# 1. Extract the tarball once.
if [ ! -f "$src/.acceldev-extracted" ]; then
	tarball=
	for t in "$cache"/downloads/qemu_*.orig.tar.xz; do
		[ -f "$t" ] && tarball=$t
	done
	[ -n "$tarball" ] ||
		fail "no $cache/downloads/qemu_*.orig.tar.xz"
	echo "build.sh: extracting $(basename "$tarball")"
	rm -rf "$src" "$build"
	mkdir -p "$src"
	run extract tar -xJf "$tarball" -C "$src" --strip-components=1
	# The +ds tarball has no firmware blobs, but meson wants the EDK2
	# images (as .bz2) whenever bzip2 is found: give it valid, empty ones.
	for name in $(sed -n "s/^ *'\(edk2-[^']*\.fd\)',\$/\1/p" \
			"$src/pc-bios/meson.build"); do
		[ -f "$src/pc-bios/$name.bz2" ] ||
			bzip2 -c </dev/null >"$src/pc-bios/$name.bz2"
	done
	touch "$src/.acceldev-extracted"
fi

# 2. Add (or refresh) our device model and test.
run add-to-qemu "$here/add-to-qemu.sh" "$src"

# 3. Configure once.
if [ ! -f "$build/build.ninja" ]; then
	echo "build.sh: configuring QEMU"
	rm -rf "$build"
	mkdir -p "$build"
	(cd "$build" && "$src/configure" \
		--target-list=x86_64-softmmu \
		--without-default-features \
		--enable-tcg --enable-kvm \
		--disable-docs --disable-werror \
		--disable-install-blobs \
		--python="$python") >>"$log" 2>&1 || {
		rm -f "$build/build.ninja"
		fail "configure failed"
	}
fi

# 4. Build (ninja re-runs meson by itself if a meson.build changed).
echo "build.sh: building (log: $log)"
run ninja ninja -C "$build" qemu-system-x86_64 tests/qtest/acceldev-test

# 5. The +ds source has no firmware. Let the build tree's data directory
# (qemu-bundle, searched by a binary run from the build tree) point at
# Debian's (packages seabios, qemu-system-data), so that the binary and
# the qtests run without -L. Explicit -L options still take precedence.
datadir=$build/qemu-bundle/usr/local/share/qemu
mkdir -p "$datadir"
for dir in /usr/share/seabios /usr/share/qemu; do
	for f in "$dir"/*.bin "$dir"/*.rom; do
		[ -f "$f" ] || continue
		name=$(basename "$f")
		[ -e "$datadir/$name" ] || ln -sf "$f" "$datadir/$name"
	done
done
[ -e "$datadir/bios-256k.bin" ] ||
	echo "build.sh: warning: no bios-256k.bin (package seabios);" \
		"run QEMU with -L" >&2

echo "build.sh: ok: $build/qemu-system-x86_64"
