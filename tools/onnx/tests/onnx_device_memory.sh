#!/bin/sh
# Outputs in device memory (devmem.c): ORT allocates the EP's outputs
# from the EP's allocator, whose blocks are the device's data buffers
# mapped side by side, and FILL writes the output tensor itself: no
# staging buffer, no copy. 4 MiB + 4 (two buffers, one context), 24 MiB
# float16 (six), 100 MiB (25 buffers: two contexts, a FENCE each), a
# 32 MiB Expand; a CPU node reading an output in device memory; threads
# with their own outputs; device_memory=0 (host memory, the staging
# path) for comparison, and a bad value.
: <<'VMTEST'
// vmtest: timeout=300 host=sim
VMTEST
# shellcheck source=testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

# direct CASE NODE FILLS FENCES OPTION...: on Acceldev, output written in
# device memory with FILLS FILLs and FENCES FENCEs a run (none on the
# virtual device), nothing copied, equal to the CPU EP's
direct() {
	_c=$1 _n=$2 _f=$3 _k=$4
	shift 4
	[ "${ONNX_SIMULATE:-0}" = 1 ] && _k=0
	run_model "$_c" --acceldev "$_n" --compare --bench --runs 2 "$@"
	expect_in "per run $_f.0 FILLs, $_k.0 FENCEs, 0.0 chunks, 0.0 CPU bytes, 0.0 CPU-only runs, 1.0 outputs in device memory, 0 bytes copied" \
		"$_c: FILLs into the output itself"
}

direct cos_4m_plus_4 cos 2 1
direct cos_24m_float16 cos 6 1
direct cos_100m cos 25 2
direct expand_big expand 8 1
run_model mixed_shape_cos_add --acceldev cos --cpu add --compare --bench --runs 2
expect_in "1.0 outputs in device memory, 0 bytes copied" "Add on the CPU EP reads ConstantOfShape's output in device memory"
run_model cos_24m_float16 --acceldev cos --threads 4 --runs 5
expect_in "threads: 4 x 5 runs" "4 threads, each run its own output, all equal"

run_model cos_24m_float16 --acceldev cos --compare --bench --runs 2 --option device_memory=0
expect_in "6.0 chunks, 0.0 CPU bytes, 0.0 CPU-only runs, 0.0 outputs in device memory, 25165824 bytes copied" \
	"device_memory=0: host memory, filled through the staging buffers and copied"
m=$ONNX_DATA/models/cos_4k
# shellcheck disable=SC2046
check_fails "device_memory=2" "$AO" --option device_memory=2 "$m/model.onnx" $(model_args "$m")
expect_in "ep.acceldev.device_memory must be 0 or 1" "the error names the option"
finish
