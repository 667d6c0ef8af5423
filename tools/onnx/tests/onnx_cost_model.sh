#!/bin/sh
# The cost model: measured when the device context opens (round trip,
# FILL, copy out of the staging buffers, the CPU's own fill), or given
# by ep.acceldev.latency_us, fill_mbps, copy_mbps, cpu_mbps. Outputs
# below its threshold stay on the CPU: declined when their shape is
# static, filled by the CPU at Run otherwise (in host memory, not in the
# device's buffers); a device that is never faster gets no node. These cases call the tool without testlib's
# min_bytes=0, and check decisions, never times.
: <<'VMTEST'
// vmtest: timeout=120 host=sim
VMTEST
# shellcheck source=testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

# model CASE OPTION...: the tool, its cost model's messages shown
model() {
	_c=$1
	shift
	# shellcheck disable=SC2046,SC2086
	check "$_c $*" "$AO_BIN" $AO_SIM --explain "$@" "$ONNX_DATA/models/$_c/model.onnx" \
		$(model_args "$ONNX_DATA/models/$_c")
}

# never faster: 1/cpu > 1.25/fill does not hold
never="--option latency_us=100 --option fill_mbps=1000 --option copy_mbps=1000 --option cpu_mbps=2000"
# shellcheck disable=SC2086
model cos_4m_plus_4 $never --cpu cos
expect_in "round trip 100 us, FILL 1000 MB/s, copy 1000 MB/s, CPU 2000 MB/s: the device is never faster" \
	"the given cost model"
expect_in "node 'cos' (ConstantOfShape) stays on the CPU EP: the device is never faster than the CPU (cost model)" \
	"a dynamic output declined when the device is never faster"

# faster by the margin of 1.25 from 1.25 * 64 us / (1/1024 - 1.25/8192)
# = 97090.4 bytes on: 97091 (FILL into the output); through the staging
# buffers (an output outside device memory) from 1.25 * 64 us /
# (1/1024 - 1.25 * 2/8192) = 119156.4 bytes on: 119157
faster="--option latency_us=64 --option fill_mbps=8192 --option copy_mbps=8192 --option cpu_mbps=1024"
# shellcheck disable=SC2086
model expand_static_ok $faster --cpu expand
expect_in "outputs of 97091 bytes or more go to the device (outside device memory: 119157 bytes)" "the thresholds"
expect_in "node 'expand' (Expand) stays on the CPU EP: 48 output bytes: 64 us on the device, 0 us on the CPU (cost model)" \
	"a static output below it declined, with both costs"
# shellcheck disable=SC2086
model cos_4k $faster --acceldev cos --bench --runs 2
expect_in "per run 0.0 FILLs, 0.0 FENCEs, 0.0 chunks, 4096.0 CPU bytes, 1.0 CPU-only runs, 0.0 outputs in device memory" \
	"a dynamic 4 KiB output filled by the CPU at Run, in host memory"
# shellcheck disable=SC2086
model cos_4m_plus_4 $faster --acceldev cos --bench --runs 2
expect_in "per run 2.0 FILLs, [01].0 FENCEs, 0.0 chunks, 0.0 CPU bytes, 0.0 CPU-only runs, 1.0 outputs in device memory, 0 bytes copied" \
	"a dynamic 4 MiB + 4 output filled by the device in its own memory (no FENCE on the virtual one)"

# measured: the decision agrees with the threshold it reports
model expand_static_ok
expect_in "Acceldev: cost model of .*: round trip [0-9]* us, FILL [0-9]* MB/s, copy [0-9]* MB/s, CPU [0-9]* MB/s: " \
	"the measured cost model is reported"
min=$(sed -n 's/.*: outputs of \([0-9]*\) bytes or more go to the device .*/\1/p' case.out)
if [ -n "$min" ] && [ "$min" -le 48 ]; then
	expect_in "node expand (Expand): Acceldev" "48 bytes >= the measured $min: on the device"
else
	expect_in "node expand (Expand): CPUExecutionProvider" "48 bytes below the measured threshold (${min:-never}): on the CPU"
fi

m=$ONNX_DATA/models/cos_4k
# shellcheck disable=SC2046,SC2086
check_fails "fill_mbps=0" "$AO_BIN" $AO_SIM --option fill_mbps=0 "$m/model.onnx" $(model_args "$m")
expect_in "latency_us, fill_mbps, copy_mbps and cpu_mbps must be positive numbers" "the error names the options"
finish
