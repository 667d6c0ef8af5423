#!/bin/sh
# Measurements for tools/onnx/README.md ("Measured"), not a test: run by
# `tools/vmtest --onnx --only onnx_measure` (the default --onnx leaves it
# out). First acceldev-bench's FILL bandwidth and RUN+FENCE->WAIT round
# trip on /dev/acceldev0, then each model N times (ONNX_MEASURE_N, 3) in
# three ways: as the cost model decides, forced onto the device with its
# output in device memory (min_bytes=0), and forced onto the device
# through the staging buffers (min_bytes=0, device_memory=0). Each
# invocation times 10 runs after an untimed first (--bench). Every line
# that matters starts with "M MODEL WAY I:"; README.md's table is their
# medians and ranges.
: <<'VMTEST'
// vmtest: timeout=3000
VMTEST
# shellcheck source=tests/testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

n=${ONNX_MEASURE_N:-3}
for i in $(seq 1 "$n"); do
	acceldev-bench --device 0 --quick 2>&1 | grep -E '^\(b\) RUN\+FENCE->WAIT median|^\(c\)' |
		sed "s/^/M bench - $i: /"
done
for c in cos_4k cos_4m_plus_4 cos_24m_float16 cos_100m expand_big eye_double_big; do
	m=$ONNX_DATA/models/$c
	for i in $(seq 1 "$n"); do
		for way in cost device staging; do
			case $way in
			cost) opts="--explain" ;;
			device) opts="--option min_bytes=0" ;;
			staging) opts="--option min_bytes=0 --option device_memory=0" ;;
			esac
			# shellcheck disable=SC2046,SC2086
			"$AO_BIN" --device 0 --log-level error --bench --runs 10 $opts \
				"$m/model.onnx" $(model_args "$m") >case.out 2>&1 ||
				echo "M $c $way $i: FAILED"
			grep -E '^(bench|node [^ ]* \(|Acceldev: cost model|Acceldev: node)' case.out |
				sed "s/^/M $c $way $i: /"
		done
	done
done
echo "measured"
