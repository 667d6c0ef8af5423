#!/bin/sh
# Add the Acceldev device model and its qtest to an extracted QEMU tree.
#
# Usage: add-to-qemu.sh SRC_DIR
#
# Idempotent: files are copied only when their contents differ (so ninja
# rebuilds only what changed), and each build-file edit is made once.
set -eu

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 QEMU_SRC_DIR" >&2
	exit 2
fi
src=$1
here=$(cd "$(dirname "$0")" && pwd)

for f in hw/misc/meson.build hw/misc/Kconfig tests/qtest/meson.build; do
	if [ ! -f "$src/$f" ]; then
		echo "$0: $src/$f not found: not a QEMU source tree?" >&2
		exit 1
	fi
done

# copy_if_changed FROM TO
copy_if_changed() {
	if ! cmp -s "$1" "$2"; then
		cp "$1" "$2"
	fi
}

copy_if_changed "$here/acceldev.c" "$src/hw/misc/acceldev.c"
copy_if_changed "$here/acceldev-test.c" "$src/tests/qtest/acceldev-test.c"

# hw/misc/meson.build: build the model when CONFIG_ACCELDEV is set.
if ! grep -q "CONFIG_ACCELDEV" "$src/hw/misc/meson.build"; then
	printf '%s\n' \
		"system_ss.add(when: 'CONFIG_ACCELDEV', if_true: files('acceldev.c'))" \
		>>"$src/hw/misc/meson.build"
fi

# hw/misc/Kconfig: on by default wherever PCI devices are.
if ! grep -q "^config ACCELDEV$" "$src/hw/misc/Kconfig"; then
	printf '\n%s\n%s\n%s\n%s\n' \
		"config ACCELDEV" \
		"    bool" \
		"    default y if PCI_DEVICES" \
		"    depends on PCI" \
		>>"$src/hw/misc/Kconfig"
fi

# tests/qtest/meson.build: an x86_64 qtest, when the device is built.
qm=$src/tests/qtest/meson.build
if ! grep -q "acceldev-test" "$qm"; then
	if ! grep -q "^qtests_x86_64 = qtests_i386$" "$qm"; then
		echo "$0: cannot find the x86_64 qtest list in $qm" >&2
		exit 1
	fi
	tmp=$qm.acceldev.tmp
	awk '{ print }
	     /^qtests_x86_64 = qtests_i386$/ {
		print "qtests_x86_64 += \\"
		print "  (config_all_devices.has_key('"'"'CONFIG_ACCELDEV'"'"') ? ['"'"'acceldev-test'"'"'] : [])"
	     }' "$qm" >"$tmp"
	mv "$tmp" "$qm"
fi
