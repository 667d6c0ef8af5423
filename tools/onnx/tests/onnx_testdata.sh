#!/bin/sh
# Every ONNX 1.12 backend node test (Debian's libonnx-testdata) of the
# operators the EP computes: through ONNX Runtime with the Acceldev EP,
# the node assigned to Acceldev, every output equal to the expected .pb.
: <<'VMTEST'
// vmtest: timeout=120 host=sim
VMTEST
# shellcheck source=testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

n=0
for d in "$ONNX_DATA"/testdata/test_constantofshape_* "$ONNX_DATA"/testdata/test_expand_* \
	"$ONNX_DATA"/testdata/test_eyelike_*; do
	[ -f "$d/model.onnx" ] || continue
	n=$((n + 1))
	case ${d##*/} in
	test_constantofshape_*) op=ConstantOfShape ;;
	test_expand_*) op=Expand ;;
	*) op=EyeLike ;;
	esac
	args=
	for f in "$d"/test_data_set_0/input_*.pb; do args="$args --input $f"; done
	for f in "$d"/test_data_set_0/output_*.pb; do args="$args --expect $f"; done
	# shellcheck disable=SC2086
	check "${d##*/}" "$AO" --acceldev "op:$op" "$d/model.onnx" $args
done
[ "$n" -eq 8 ] || { echo "FAIL: found $n backend node tests, expected 8"; FAILS=$((FAILS + 1)); }
finish
