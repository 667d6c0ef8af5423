#!/bin/sh
# Bad input: a corrupt model gives ONNX Runtime's error (exit 1, no
# crash); a missing input file and a bad .pb are errors too.
: <<'VMTEST'
// vmtest: timeout=60 host=sim
VMTEST
# shellcheck source=testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

m=$ONNX_DATA/models/cos_float
head -c 40 "$m/model.onnx" >corrupt.onnx
printf 'garbage' >>corrupt.onnx
check_fails "corrupt model" "$AO" corrupt.onnx --input "shape=$m/input_shape.pb"
CASES=$((CASES + 1))
if grep -q 'cannot create the session' case.out; then
	echo "ok   ORT's error is shown"
else
	echo "FAIL no session error message"
	FAILS=$((FAILS + 1))
fi
printf '\377\377\377' >bad.pb
check_fails "corrupt .pb" "$AO" "$m/model.onnx" --input shape=bad.pb
check_fails "missing model" "$AO" /nonexistent.onnx
finish
