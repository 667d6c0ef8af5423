#!/bin/sh
# A context error while a session runs: the model's "wedged" knob stops
# acc0 (through the bench's monitor helper), the driver declares the
# device hung after hang_timeout_ms (1.5 s here) and fails the EP's
# context. The Run must end with an ORT error status naming the node, the
# process must exit by itself, and once the device moves again a new
# process computes correctly. Then the same in one session: after the
# failed Run the device moves again, and the session's next Run (the EP
# reopens its context) computes correctly.
: <<'VMTEST'
// vmtest: timeout=120
VMTEST
# shellcheck source=testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

param=/sys/module/acceldev/parameters/hang_timeout_ms
mon=${VMTEST_MONITOR:-vmtest-monitor}
[ -w "$param" ] || { echo "no $param"; exit 1; }
command -v "$mon" >/dev/null || { echo "SKIP: no $mon"; exit 77; }
saved=$(cat "$param")
echo 1500 >"$param"
# whatever happens, leave the device as it was for the tests after this one
trap '"$mon" qom-set /machine/peripheral/acc0 wedged false >/dev/null; echo "$saved" >"$param"' EXIT
"$mon" qom-set /machine/peripheral/acc0 wedged true >/dev/null || exit 1
m=$ONNX_DATA/models/cos_4k
# shellcheck disable=SC2046
check_fails "Run on a hung device" "$AO" --device 0 --acceldev cos \
	"$m/model.onnx" $(model_args "$m")
CASES=$((CASES + 1))
if grep -q "Acceldev: node 'cos'" case.out; then
	echo "ok   the error status names the node"
else
	echo "FAIL no error status naming the node"
	FAILS=$((FAILS + 1))
fi
"$mon" qom-set /machine/peripheral/acc0 wedged false >/dev/null || exit 1
echo "$saved" >"$param"
run_model cos_4k --device 0 --acceldev cos

cat >unwedge.sh <<EOS
#!/bin/sh
$mon qom-set /machine/peripheral/acc0 wedged false >/dev/null
EOS
chmod +x unwedge.sh
echo 1500 >"$param"
"$mon" qom-set /machine/peripheral/acc0 wedged true >/dev/null || exit 1
run_model cos_4k --device 0 --acceldev cos --fail-then ./unwedge.sh --log-level warning
expect_in "first Run: error status" "the first Run failed"
expect_in "a new context after the last one failed" "the next Run reopened the context"
echo "$saved" >"$param"
finish
