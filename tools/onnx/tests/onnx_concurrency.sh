#!/bin/sh
# Two sessions on two devices at once (in one process, and in two), and
# many threads running one session: every run's outputs equal the first
# run's, and both devices' run counters grew.
: <<'VMTEST'
// vmtest: timeout=300
VMTEST
# shellcheck source=testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

m=$ONNX_DATA/models/cos_4m_plus_4
# shellcheck disable=SC2046
"$AO" --device 0 --acceldev cos --runs 20 "$m/model.onnx" $(model_args "$m") >dev0.out 2>&1 &
p0=$!
# shellcheck disable=SC2046
"$AO" --device 1 --acceldev cos --runs 20 "$m/model.onnx" $(model_args "$m") >dev1.out 2>&1 &
p1=$!
wait $p0
r0=$?
wait $p1
r1=$?
CASES=$((CASES + 1))
if [ "$r0" -eq 0 ] && [ "$r1" -eq 0 ] && grep -q 'acceldev0' dev0.out && grep -q 'acceldev1' dev1.out; then
	echo "ok   two devices at once"
else
	echo "FAIL two devices at once (exit $r0, $r1)"
	FAILS=$((FAILS + 1))
fi
sed 's/^/     | /' dev0.out dev1.out
runs() { cat /sys/class/acceldev/acceldev"$1"/runs_submitted; }
a0=$(runs 0) a1=$(runs 1)
run_model cos_4m_plus_4 --device 0 --device2 1 --acceldev cos --threads 4 --runs 10
b0=$(runs 0) b1=$(runs 1)
CASES=$((CASES + 1))
if [ "$b0" -gt "$a0" ] && [ "$b1" -gt "$a1" ]; then
	echo "ok   runs_submitted: acceldev0 $a0 -> $b0, acceldev1 $a1 -> $b1"
else
	echo "FAIL runs_submitted did not grow on both: acceldev0 $a0 -> $b0, acceldev1 $a1 -> $b1"
	FAILS=$((FAILS + 1))
fi
# ep.acceldev.device: the EP device of acceldev0, told to use acceldev1
a0=$(runs 0) a1=$(runs 1)
run_model cos_4m_plus_4 --device 0 --option device=1 --acceldev cos
b0=$(runs 0) b1=$(runs 1)
[ "$b0" -eq "$a0" ] && [ "$b1" -gt "$a1" ]
verdict $? "ep.acceldev.device=1: runs_submitted of acceldev0 $a0 -> $b0, acceldev1 $a1 -> $b1"
run_model expand_middle --acceldev expand --threads 8 --runs 25
run_model eye_double_big --acceldev eye --threads 6 --runs 4
finish
