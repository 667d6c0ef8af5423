#!/bin/sh
# The cost model: measured when the device context opens (round trip,
# FILL bandwidth, one more FILL command, copy out of the staging
# buffers, the CPU's own fill), or given by ep.acceldev.latency_us,
# fill_mbps, cmd_us, copy_mbps, cpu_mbps. Outputs below its threshold,
# or whose many runs cost more FILL commands than the CPU's time, stay
# on the CPU: declined when their shape is static, filled by the CPU at
# Run otherwise (in host memory, not in the device's buffers); a device
# that is never faster gets no node. These cases call the tool without
# testlib's min_bytes=0, and check decisions, never times.
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

# never faster: 1/min(cpu, copy) > 1.25/fill does not hold
never="--option latency_us=100 --option fill_mbps=1000 --option cmd_us=1 --option copy_mbps=1000 --option cpu_mbps=2000"
# shellcheck disable=SC2086
model cos_4m_plus_4 $never --cpu cos
expect_in "round trip 100 us, FILL 1000 MB/s + 1.0 us per command, copy 1000 MB/s, CPU fill 2000 MB/s: the device is never faster" \
	"the given cost model"
expect_in "node 'cos' (ConstantOfShape) stays on the CPU EP: the device is never faster than the CPU (cost model)" \
	"a dynamic output declined when the device is never faster"

# faster by the margin of 1.25 from 1.25 * 64 us / (1/1024 - 1.25/8192)
# = 97090.4 bytes on: 97091 (FILL into the output); through the staging
# buffers (an output outside device memory) from 1.25 * 64 us /
# (1/1024 - 1.25 * 2/8192) = 119156.4 bytes on: 119157
faster="--option latency_us=64 --option fill_mbps=8192 --option copy_mbps=8192 --option cpu_mbps=1024"
cheap="$faster --option cmd_us=2"
# shellcheck disable=SC2086
model expand_static_ok $cheap --cpu expand
expect_in "the device may win from 97091 output bytes on (outside device memory: 119157 bytes)" "the thresholds"
expect_in "node 'expand' (Expand) stays on the CPU EP: 48 output bytes in 5 more FILL(s): 74 us on the device, 0 us on the CPU (cost model)" \
	"a static output below it declined, with both costs"
# shellcheck disable=SC2086
model cos_4k $cheap --acceldev cos --bench --runs 2
expect_in "per run 0.0 FILLs, 0.0 FENCEs, 0.0 chunks, 4096.0 CPU bytes, 1.0 CPU-only runs, 0.0 outputs in device memory" \
	"a dynamic 4 KiB output filled by the CPU at Run, in host memory"
# shellcheck disable=SC2086
model cos_4m_plus_4 $cheap --acceldev cos --bench --runs 2
expect_in "per run 2.0 FILLs, [01].0 FENCEs, 0.0 chunks, 0.0 CPU bytes, 0.0 CPU-only runs, 1.0 outputs in device memory, 0 bytes copied" \
	"a dynamic 4 MiB + 4 output filled by the device in its own memory (no FENCE on the virtual one)"

# FILL commands priced: a static 1024 x 1536 double EyeLike (12 MiB,
# 2048 4-byte runs on zeros) takes 64 + 12582912/8192 + 2048 * 2 =
# 5696 us at 2 us per command, 1.25 x that below the CPU's 12288 us: on
# the device; at 5 us per command 11840 us is not
# shellcheck disable=SC2086
model eye_double_big $cheap --acceldev eye
expect_in "node eye (EyeLike): Acceldev" "EyeLike at 2 us per FILL command: on the device"
# shellcheck disable=SC2086
model eye_double_big $faster --option cmd_us=5 --cpu eye
expect_in "node 'eye' (EyeLike) stays on the CPU EP: 12582912 output bytes in 2048 more FILL(s): 11840 us on the device, 12288 us on the CPU (cost model)" \
	"EyeLike at 5 us per FILL command: declined, with both costs"
# measured: the decision agrees with the threshold it reports
model expand_static_ok
expect_in "Acceldev: cost model of .*: round trip [0-9]* us, FILL [0-9]* MB/s + [0-9.]* us per command, copy [0-9]* MB/s, CPU fill [0-9]* MB/s: " \
	"the measured cost model is reported"
min=$(sed -n 's/.*: the device may win from \([0-9]*\) output bytes on .*/\1/p' case.out)
if [ -n "$min" ] && [ "$min" -le 48 ]; then
	expect_in "node expand (Expand): Acceldev" "48 bytes >= the measured $min: on the device"
else
	expect_in "node expand (Expand): CPUExecutionProvider" "48 bytes below the measured threshold (${min:-never}): on the CPU"
fi

m=$ONNX_DATA/models/cos_4k
# shellcheck disable=SC2046,SC2086
check_fails "fill_mbps=0" "$AO_BIN" $AO_SIM --option fill_mbps=0 "$m/model.onnx" $(model_args "$m")
expect_in "latency_us, fill_mbps, cmd_us, copy_mbps and cpu_mbps must be positive numbers" "the error names the options"
finish
