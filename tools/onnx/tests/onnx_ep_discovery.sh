#!/bin/sh
# ORT's own hardware discovery and the EP's devices (issue 20). ORT 1.30
# on Linux lists an NPU per /sys/class/accel/accelM (vendor_id and
# device_id of its PCI function, metadata accel_idx=M and pci_bus_id):
# `acceldev-onnx --list-devices` prints ORT's hardware devices
# (GetHardwareDevices) and the EP's devices. For each /dev/acceldevN:
# - with an accel node that ORT lists, the EP device is on ORT's
#   hardware device (the same object), an NPU 0x0666:0x0019 whose
#   pci_bus_id is the function's and accel_idx its M, with EP metadata
#   acceldev.hardware_device=ort, acceldev.node=/dev/acceldevN and
#   acceldev.accel_node=/dev/accel/accelM;
# - otherwise (no accel node, or ORT does not list it: said as a NOTE)
#   a made-up one, acceldev.hardware_device=ep.
# ORT must list the function of every accel node (what 1.30 does, see
# README.md); then models run with the right data on both nodes of both
# devices, and the tool says whose hardware device it used.
: <<'VMTEST'
// vmtest: timeout=200
VMTEST
# shellcheck source=testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

check "--list-devices" "$AO_BIN" --list-devices
cp case.out list.out
grep -q '^ort #' list.out
verdict $? "ORT reports its hardware devices"
grep -q '^ort #[0-9]*: CPU ' list.out
verdict $? "ORT's list holds the CPU"

# "ort #K: NPU vendor_id=0x0666 device_id=0x0019 ... pci_bus_id=P ..." of P
ort_npu_of() {
	grep "^ort #[0-9]*: NPU vendor_id=0x0666 device_id=0x0019 .* pci_bus_id=$1\( \|\$\)" list.out
}

n=0
for d in /sys/class/acceldev/acceldev*; do
	[ -e "$d" ] || continue
	idx=${d##*/acceldev}
	pci=$(basename "$(readlink "$d/device")")
	accel=
	for a in "$d"/device/accel/accel*; do
		[ -e "$a" ] && accel=${a##*/}
	done
	n=$((n + 1))
	ep=$(grep "^ep device: .* acceldev.index=$idx " list.out)
	[ -n "$ep" ]
	verdict $? "an EP device for /dev/acceldev$idx (PCI $pci${accel:+, $accel})"
	echo "$ep" | grep -q " acceldev.node=/dev/acceldev$idx\( \|\$\)"
	verdict $? "/dev/acceldev$idx: acceldev.node=/dev/acceldev$idx"
	ort_line=$(ort_npu_of "$pci")
	if [ -n "$accel" ]; then
		[ -n "$ort_line" ]
		verdict $? "ORT lists $accel's function $pci: ${ort_line:-no NPU 0666:0019 with that pci_bus_id}"
	elif [ -z "$ort_line" ]; then
		echo "NOTE: /dev/acceldev$idx has no accel node, and ORT lists no NPU at $pci"
	fi
	if [ -n "$ort_line" ]; then
		k=${ort_line#ort #}
		k=${k%%:*}
		echo "$ort_line" | grep -q " accel_idx=${accel#accel}\( \|\$\)"
		verdict $? "ORT's NPU #$k: accel_idx=${accel#accel}"
		echo "$ep" | grep -q "^ep device: hardware ort #$k NPU vendor_id=0x0666 device_id=0x0019 "
		verdict $? "/dev/acceldev$idx's EP device is on ORT's hardware device #$k"
		echo "$ep" | grep -q " acceldev.hardware_device=ort\( \|\$\)"
		verdict $? "/dev/acceldev$idx: acceldev.hardware_device=ort"
		echo "$ep" | grep -q " acceldev.accel_node=/dev/accel/$accel\( \|\$\)"
		verdict $? "/dev/acceldev$idx: acceldev.accel_node=/dev/accel/$accel"
	else
		[ -z "$accel" ] || echo "NOTE: ORT does not list $accel (PCI $pci)"
		echo "$ep" | grep -q "^ep device: hardware made up NPU vendor_id=0x0666 device_id=0x0019 .* acceldev.hardware_device=ep\( \|\$\)"
		verdict $? "/dev/acceldev$idx's EP device is made up (acceldev.hardware_device=ep)"
	fi
done
[ "$n" -gt 0 ]
verdict $? "$n Acceldev functions"
# no EP device is on a hardware device ORT lists as something else
! grep '^ep device: hardware ort' list.out | grep -qv ' NPU vendor_id=0x0666 device_id=0x0019 '
verdict $? "the EP takes only ORT's NPUs 0666:0019"
[ "$(grep -c '^ep device: .* acceldev.index=[0-9]' list.out)" -eq "$n" ]
verdict $? "one EP device per function"

# the results, on ORT's hardware devices, through either node
for idx in 0 1; do
	[ -e /dev/acceldev$idx ] || continue
	from="the EP's"
	grep -q "^ep device: hardware ort .* acceldev.index=$idx " list.out && from="ORT's"
	run_model cos_4m_plus_4 --device $idx --explain --acceldev cos
	expect_in "hardware device $from" "/dev/acceldev$idx runs on $from hardware device"
	expect_in "context opened on /dev/acceldev$idx" "the default node of device $idx"
	if acc=$(grep "^ep device: .* acceldev.index=$idx " list.out | grep -o 'acceldev.accel_node=[^ ]*'); then
		run_model expand_middle --device $idx --option node=accel --explain --acceldev expand
		expect_in "context opened on ${acc#acceldev.accel_node=}" "node=accel of device $idx"
	fi
done
# the virtual device stays as it was
check "--list-devices --simulate" "$AO_BIN" --list-devices --simulate
expect_in "^ep device: hardware made up NPU .* acceldev.hardware_device=ep acceldev.index=virtual " \
	"the virtual device is the EP's own"
finish
