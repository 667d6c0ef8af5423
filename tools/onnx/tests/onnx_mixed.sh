#!/bin/sh
# Mixed graphs: node by node assignment, results equal to the CPU EP's
# (and to numpy's, computed when the models were built).
: <<'VMTEST'
// vmtest: timeout=120 host=sim
VMTEST
# shellcheck source=testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

run_model mixed_shape_cos_add --acceldev cos --cpu shape --cpu add --compare
run_model mixed_expand_matmul --acceldev expand_rows --cpu expand_cols --cpu matmul --compare
finish
