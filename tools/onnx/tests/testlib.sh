# shellcheck shell=sh
# Helpers of the onnx_*.sh tests (sourced). In the VM: the models are in
# /onnx/models (make_models.py), Debian's backend node tests in
# /onnx/testdata, the tool in /usr/bin. On the host, set ONNX_DATA,
# ACCELDEV_ONNX (the tool) and ACCELDEV_EP_LIB.
ONNX_DATA=${ONNX_DATA:-/onnx}
AO_BIN=${ACCELDEV_ONNX:-acceldev-onnx}
# "$AO" runs the tool with min_bytes=0: every node FILL can compute goes
# to the device whatever the cost model would choose, so that the tests
# check FILL's data (onnx_cost_model calls "$AO_BIN" to see the model).
# ONNX_SIMULATE=1 (the host side of the group, no device): also
# --simulate: the EP is registered as "acceldev.virtual" (ORT's
# allow_virtual_devices) and its virtual device is used.
AO_SIM=
[ "${ONNX_SIMULATE:-0}" = 1 ] && AO_SIM=--simulate
ao() {
	# shellcheck disable=SC2086
	"$AO_BIN" $AO_SIM --option min_bytes=0 "$@"
}
AO=ao
FAILS=0
CASES=0

# expect_rc WANT NAME CMD...: run CMD, which must exit WANT (0 or 1: a
# failure without a crash); show its output indented, count a failure
expect_rc() {
	_want=$1 _name=$2
	shift 2
	CASES=$((CASES + 1))
	"$@" >case.out 2>&1
	_rc=$?
	if [ "$_rc" -eq "$_want" ]; then
		echo "ok   $_name (exit $_rc)"
	else
		echo "FAIL $_name: exit $_rc, expected $_want: $*"
		FAILS=$((FAILS + 1))
	fi
	sed 's/^/     | /' case.out
}

# verdict STATUS WHAT: one more case, passed when STATUS is 0
verdict() {
	CASES=$((CASES + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok   $2"
	else
		echo "FAIL $2"
		FAILS=$((FAILS + 1))
	fi
}

# expect_in PATTERN WHAT, expect_not_in PATTERN WHAT: the last case's
# output (case.out) holds PATTERN (grep), or does not
expect_in() {
	grep -q -- "$1" case.out
	verdict $? "$2 ('$1' in the output)"
}
expect_not_in() {
	! grep -q -- "$1" case.out
	verdict $? "$2 ('$1' not in the output)"
}

check() { expect_rc 0 "$@"; }
check_fails() { expect_rc 1 "$@"; }

# model_args DIR: --input/--expect options of a make_models.py case
model_args() {
	_a=
	for _f in "$1"/input_*.pb; do
		[ -e "$_f" ] || continue
		_n=${_f##*/input_}
		_a="$_a --input ${_n%.pb}=$_f"
	done
	for _f in "$1"/expected_*.pb; do
		[ -e "$_f" ] || continue
		_n=${_f##*/expected_}
		_a="$_a --expect ${_n%.pb}=$_f"
	done
	echo "$_a"
}

# run_model CASE OPTIONS...: one make_models.py case through the tool
run_model() {
	_c=$1
	shift
	# shellcheck disable=SC2046
	check "$_c" "$AO" "$@" "$ONNX_DATA/models/$_c/model.onnx" $(model_args "$ONNX_DATA/models/$_c")
}

finish() {
	echo "$((CASES - FAILS)) of $CASES cases passed"
	[ "$FAILS" -eq 0 ]
}
