#!/bin/sh
# Device errors while a session runs in 4 threads: invalid device
# commands injected through debugfs make the driver restart the device
# (it fails only contexts whose runs the restart lost). Every Run must
# then either give the right data or an ORT error status naming the node;
# the process ends by itself (no crash, no hang), and a new process
# computes correctly afterwards. (So far every run survived the restarts:
# the error-status path itself is what onnx_device_hang and
# onnx_zz_device_removed check.)
: <<'VMTEST'
// vmtest: timeout=180
VMTEST
# shellcheck source=testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

inject=/sys/kernel/debug/acceldev/acceldev0/inject_bad_command
[ -w "$inject" ] || { echo "no $inject"; exit 77; }
m=$ONNX_DATA/models/cos_4m_plus_4
r0=$(cat /sys/class/acceldev/acceldev0/device_restarts)
# shellcheck disable=SC2046
"$AO" --device 0 --threads 4 --runs 150 "$m/model.onnx" $(model_args "$m") >run.out 2>&1 &
pid=$!
i=0
while [ $i -lt 10 ] && kill -0 $pid 2>/dev/null; do
	sleep 0.3
	echo 2 >"$inject"
	i=$((i + 1))
done
wait $pid
rc=$?
r1=$(cat /sys/class/acceldev/acceldev0/device_restarts)
CASES=$((CASES + 1))
if [ "$rc" -eq 0 ] || { [ "$rc" -eq 1 ] && grep -q "Acceldev: node 'cos' (ConstantOfShape)" run.out; }; then
	echo "ok   the process ended with $rc after $i injections (device_restarts $r0 -> $r1)"
else
	echo "FAIL exit $rc after $i injections (device_restarts $r0 -> $r1)"
	FAILS=$((FAILS + 1))
fi
grep -c "Run failed" run.out | sed 's/^/     | Runs failed with an error status: /'
grep -m 2 "Run failed" run.out | sed 's/^/     | /'
grep -E "threads:|RESULT" run.out | sed 's/^/     | /'
CASES=$((CASES + 1))
if [ "$r1" -gt "$r0" ]; then
	echo "ok   the driver restarted the device"
else
	echo "FAIL no device restart seen"
	FAILS=$((FAILS + 1))
fi
run_model cos_4m_plus_4 --device 0 --acceldev cos
finish
