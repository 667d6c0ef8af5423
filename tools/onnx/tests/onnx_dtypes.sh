#!/bin/sh
# ConstantOfShape of every element type: on Acceldev with the exact
# expected data; 8-byte values with unequal halves stay on the CPU EP.
: <<'VMTEST'
// vmtest: timeout=120 host=sim
VMTEST
# shellcheck source=testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

for c in default float double_zero int8 uint8 int16 uint16 int32 uint32 int64_minus_one \
	uint64_zero bool float16; do
	run_model "cos_$c" --acceldev cos --compare
done
run_model cos_bfloat16 --acceldev cos --compare	# the CPU EP's as reference
for c in double_minus_zero double_one int64_seven; do
	run_model "cos_$c" --cpu cos
done
finish
