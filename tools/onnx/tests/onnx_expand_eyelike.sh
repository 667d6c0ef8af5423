#!/bin/sh
# Expand and EyeLike cases: claimed ones on Acceldev with exact data,
# the cases FILL cannot express on the CPU EP.
: <<'VMTEST'
// vmtest: timeout=240 host=sim
VMTEST
# shellcheck source=testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

for c in expand_scalar expand_rows_int16 expand_uint8_odd expand_middle expand_float16 \
	expand_bool expand_int8 expand_uint32; do
	run_model "$c" --acceldev expand
done
run_model expand_big --acceldev expand --compare --bench
run_model expand_static_ok --acceldev expand
run_model expand_static_short --cpu expand	# runs of 2 bytes
run_model expand_last_axis --cpu expand
run_model expand_int64 --cpu expand
for c in eye_float_k_minus2 eye_int64_k3 eye_uint64 eye_float_no_dtype eye_k_outside; do
	run_model "$c" --acceldev eye
done
for c in eye_k_int64_min eye_k_int64_max; do
	run_model "$c" --acceldev eye --compare
done
run_model eye_double_big --acceldev eye --compare --bench
finish
