#!/bin/sh
# The ONNX Runtime half of tools/vmtest --demo: a 24 MiB float16
# ConstantOfShape through ONNX Runtime with the Acceldev EP, on each
# device: first as the EP's cost model decides (measured on the device
# when the session starts; its choice and reasons shown), then with the
# node forced onto the device (min_bytes=0), compared with a CPU-only
# session; both timed against CPU only. ORT's own warning that some
# nodes run on its CPU EP is left out (--log-level error).
: <<'VMTEST'
// vmtest: timeout=180
VMTEST
# shellcheck source=tests/testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

m=$ONNX_DATA/models/cos_24m_float16
for dev in 0 1; do
	echo "== a 24 MiB float16 ConstantOfShape on /dev/acceldev$dev, as the cost model decides"
	# shellcheck disable=SC2046
	check "cos_24m_float16 on /dev/acceldev$dev" "$AO_BIN" --device "$dev" --log-level error \
		--explain --bench "$m/model.onnx" $(model_args "$m")
	echo "== the same, the node forced onto the device (min_bytes=0), compared with the CPU EP"
	# shellcheck disable=SC2046
	check "cos_24m_float16 on /dev/acceldev$dev" "$AO" --device "$dev" --log-level error \
		--acceldev cos --compare --bench "$m/model.onnx" $(model_args "$m")
done
finish
