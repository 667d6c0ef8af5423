#!/bin/sh
# The ONNX Runtime half of tools/vmtest --demo: one model that runs partly
# on Acceldev (the EP claims what FILL can compute) and partly on the CPU
# EP, on each device in turn, each time compared with a CPU-only session.
: <<'VMTEST'
// vmtest: timeout=120
VMTEST
# shellcheck source=tests/testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

for dev in 0 1; do
	echo "== mixed_expand_matmul on /dev/acceldev$dev: two Expands feed a MatMul"
	run_model mixed_expand_matmul --device "$dev" --acceldev expand_rows \
		--cpu expand_cols --cpu matmul --compare --bench
done
finish
