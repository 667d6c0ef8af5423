#!/bin/sh
# The README's examples of loading the EP, from C (examples/ep_example.c)
# and from C++ (examples/ep_example.cc), each both ways: the EP's device
# appended with AppendExecutionProvider_V2 (option min_bytes=0), and the
# PREFER_NPU selection policy (ep.acceldev.min_bytes=0 as a session
# config entry). Each must put the ConstantOfShape on Acceldev and
# compute 21 elements of 1.5.
: <<'VMTEST'
// vmtest: timeout=120 host=sim
VMTEST
# shellcheck source=testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

bindir=
case $AO_BIN in */*) bindir=${AO_BIN%/*}/ ;; esac
lib=${ACCELDEV_EP_LIB:-/usr/lib/libacceldev_ep.so}
m=$ONNX_DATA/models/cos_float/model.onnx
for prog in acceldev-ep-example acceldev-ep-example-cxx; do
	for how in "" --policy; do
		# shellcheck disable=SC2086
		check "$prog $how" "$bindir$prog" $how $AO_SIM "$lib" "$m"
		expect_in "^node cos: Acceldev$" "$prog $how: the node on Acceldev"
		expect_in "^y: 21 elements, 21 equal to 1.5$" "$prog $how: the data"
	done
done
finish
