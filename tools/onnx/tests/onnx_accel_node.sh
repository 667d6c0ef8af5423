#!/bin/sh
# The EP on the accel node (ep.acceldev.node=accel): a 4 MiB + 4
# ConstantOfShape and an Expand run on acceldev0's /dev/accel/accelM with
# the expected data; the EP says it opened that node, and the function's
# run counter grew (the accel node's SUBMITs are the same device's runs);
# the output is in device memory there too (buffer objects mapped side
# by side, acd_buffer_create_at).
# node=chardev stays on /dev/acceldev0; node=bogus fails session creation
# naming the option.
: <<'VMTEST'
// vmtest: timeout=200
VMTEST
# shellcheck source=testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

accel=
for d in /sys/class/acceldev/acceldev0/device/accel/accel*; do
	[ -e "$d" ] && accel=/dev/accel/${d##*/}
done
if [ -z "$accel" ]; then
	echo "SKIP: acceldev0 has no accel node"
	exit 4
fi
runs() { cat /sys/class/acceldev/acceldev0/runs_submitted; }

a=$(runs)
run_model cos_4m_plus_4 --device 0 --option node=accel --explain --acceldev cos --bench --runs 2
expect_in "context opened on $accel" "ep.acceldev.node=accel opens $accel"
expect_in "per run 2.0 FILLs, 1.0 FENCEs, 0.0 chunks, 0.0 CPU bytes, 0.0 CPU-only runs, 1.0 outputs in device memory, 0 bytes copied" \
	"the output in buffer objects of $accel, filled there"
b=$(runs)
[ "$b" -gt "$a" ]
verdict $? "runs_submitted of acceldev0 $a -> $b"
run_model expand_middle --device 0 --option node=accel --explain --acceldev expand
expect_in "context opened on $accel" "the Expand on $accel"
run_model cos_4m_plus_4 --device 0 --option node=chardev --explain --acceldev cos
expect_in "context opened on /dev/acceldev0" "ep.acceldev.node=chardev opens /dev/acceldev0"
# shellcheck disable=SC2046
check_fails "node=bogus" "$AO" --device 0 --option node=bogus \
	"$ONNX_DATA/models/cos_4m_plus_4/model.onnx" \
	$(model_args "$ONNX_DATA/models/cos_4m_plus_4")
expect_in "ep.acceldev.node" "the error names the option"
finish
