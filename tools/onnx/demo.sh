#!/bin/sh
# The ONNX Runtime half of tools/vmtest --demo: a 32 MiB Expand (8
# float32 values broadcast over 1 Mi columns, a node worth offloading:
# the CPU EP copies it element by element) through ONNX Runtime with the
# Acceldev EP, on each device, as the EP's cost model decides (measured
# on the device when the session starts), compared element by element
# with a CPU-only session and timed against it. The terminal gets the cost model's
# figures and choice, where ORT put the node, the comparison and both
# timings; the tool's whole output goes to the kernel log (the console
# log). ORT's own warning that some nodes run on its CPU EP is left out
# (--log-level error).
: <<'VMTEST'
// vmtest: timeout=180
VMTEST
# shellcheck source=tests/testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

m=$ONNX_DATA/models/expand_big
for dev in 0 1; do
	echo "== a 32 MiB float32 Expand on /dev/acceldev$dev, placed by the cost model"
	# shellcheck disable=SC2046
	check "expand_big on /dev/acceldev$dev" "$AO_BIN" --device "$dev" --log-level error \
		--explain --compare --bench "$m/model.onnx" $(model_args "$m") >demo.out
	while IFS= read -r l; do
		echo "demo: $l" >/dev/kmsg
	done <demo.out 2>/dev/null
	grep -E '^(ok|FAIL) |cost model of|node .expand. \(Expand\) (runs|stays)|compare y|bench:' demo.out |
		sed -e 's/^ *| //' -e 's/^Acceldev: //'
done
finish
