#!/bin/sh
# Output sizes: 4 KiB, 4 MiB + 4 (a second staging chunk), 100 MiB (25
# chunks: more than the 16 slots, reused round after round), unaligned
# byte counts (the CPU writes the tail), an empty output.
: <<'VMTEST'
// vmtest: timeout=300 host=sim
VMTEST
# shellcheck source=testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

run_model cos_4k --acceldev cos --bench
run_model cos_4m_plus_4 --acceldev cos --bench
run_model cos_100m --acceldev cos --compare --bench --runs 2
run_model cos_int8_odd --acceldev cos
run_model cos_empty --acceldev cos
finish
