#!/bin/sh
# Output sizes: 4 KiB, 4 MiB + 4 (a second buffer), 100 MiB (25 buffers:
# in device memory two contexts' worth; through the staging path, with
# device_memory=0, 25 chunks in 8 staging buffers reused round after
# round), unaligned byte counts (the CPU writes the tail), an empty
# output.
: <<'VMTEST'
// vmtest: timeout=300 host=sim
VMTEST
# shellcheck source=testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

run_model cos_4k --acceldev cos --bench
run_model cos_4m_plus_4 --acceldev cos --bench
run_model cos_100m --acceldev cos --compare --bench --runs 2
run_model cos_100m --acceldev cos --compare --bench --runs 2 --option device_memory=0
expect_in "per run 25.0 FILLs, [0-9.]* FENCEs, 25.0 chunks, 0.0 CPU bytes, 0.0 CPU-only runs, 0.0 outputs in device memory, 104857600 bytes copied" \
	"100 MiB through the staging buffers"
run_model cos_int8_odd --acceldev cos
run_model cos_empty --acceldev cos
finish
