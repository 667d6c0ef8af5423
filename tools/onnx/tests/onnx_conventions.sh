#!/bin/sh
# ONNX Runtime's conventions: EPContext models (ep.context_enable=1)
# are written and run; session options ep.acceldev.*; declined nodes
# logged at INFO, not at ORT's default WARNING; the device context
# opened only when a node is claimed; statistics of unnamed nodes kept
# apart; node names in ORT's profiler (nodes run by the EP's kernels
# keep their ONNX names; a compiled model's node is its EPContext node).
: <<'VMTEST'
// vmtest: timeout=120 host=sim
VMTEST
# shellcheck source=testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

# EPContext: session creation with ep.context_enable=1 writes a model of
# EPContext nodes; that model runs on Acceldev with the same data
rm -f ctx.onnx ctx2.onnx
run_model cos_float --compile ctx.onnx --acceldev op:EPContext
grep -q 'ep_cache_context' ctx.onnx && grep -q 'acceldev-op 1' ctx.onnx
verdict $? "ctx.onnx holds an EPContext node of ours"
run_model eye_int64_k3 --compile ctx2.onnx --acceldev op:EPContext --profile
expect_in "profile: Acceldev_[0-9A-Za-z_]* (EPContext) on Acceldev" "the EPContext node, in the profiler, run by the EP"

# ORT's profiler (enable_profiling): the nodes by their ONNX names
run_model mixed_shape_cos_add --acceldev cos --cpu add --profile
expect_in "profile: cos (ConstantOfShape) on Acceldev" "ConstantOfShape 'cos' under its name, on Acceldev"
expect_in "profile: add (Add) on CPUExecutionProvider" "Add 'add' under its name, on the CPU EP"
expect_not_in "profile: Acceldev_" "no node named by ORT's fusion"
run_model mixed_expand_matmul --acceldev expand_rows --profile
expect_in "profile: expand_rows (Expand) on Acceldev" "Expand 'expand_rows' under its name"

# a declined node: silent at ORT's default level, its reason at INFO
run_model cos_double_one --cpu cos
expect_not_in "stays on the CPU EP" "declined node not logged at WARNING"
run_model cos_double_one --cpu cos --log-level info
expect_in "node 'cos' (ConstantOfShape) stays on the CPU EP: 8-byte value 0x3ff0000000000000 has unequal 32-bit halves" \
	"declined node and its reason at INFO"
expect_not_in "context opened" "no claimed node: no device context"
run_model cos_float --acceldev cos --log-level info
expect_in "context opened on" "a claimed node opens the device context"

# ep.acceldev.min_bytes: a static output below it is declined; a dynamic
# one (84 bytes here) is claimed and filled by the CPU at Run
run_model expand_static_ok --option min_bytes=49 --cpu expand --log-level info
expect_in "48 output bytes, fewer than min_bytes 49" "the reason names min_bytes"
run_model expand_static_ok --option min_bytes=48 --acceldev expand
run_model cos_float --option min_bytes=85 --acceldev cos --bench --runs 3
expect_in "1.0 CPU-only runs" "a dynamic output below min_bytes is filled by the CPU"
run_model cos_float --option min_bytes=84 --acceldev cos --bench --runs 3
expect_in "0.0 CPU-only runs" "a dynamic output of min_bytes goes to the device"
m=$ONNX_DATA/models/cos_float
# shellcheck disable=SC2046
check_fails "ep.acceldev.min_bytes=abc" "$AO" --option min_bytes=abc "$m/model.onnx" $(model_args "$m")
expect_in "ep.acceldev.min_bytes must be a number of bytes" "the error names the option"

# two unnamed nodes: two entries in the EP's statistics
run_model two_unnamed --acceldev op:ConstantOfShape --bench --runs 2
expect_in "bench node <unnamed ConstantOfShape node 0> (ConstantOfShape): Acceldev [0-9.]* us/run (2 runs" \
	"the first unnamed node counted alone"
expect_in "bench node <unnamed ConstantOfShape node 1> (ConstantOfShape): Acceldev [0-9.]* us/run (2 runs" \
	"the second unnamed node counted alone"
finish
