#!/bin/sh
# Device errors while a session runs in 4 threads: invalid device
# commands injected through debugfs raise CMD_ERRORs that no context
# explains; the driver counts them (debugfs device_errors) and harms
# nobody. Every Run must give the right data (exit 0), the device is not
# restarted, and a new process computes correctly afterwards. (The
# error-status path itself is what onnx_device_hang and
# onnx_zz_device_removed check.)
: <<'VMTEST'
// vmtest: timeout=180
VMTEST
# shellcheck source=testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

inject=/sys/kernel/debug/acceldev/acceldev0/inject_bad_command
[ -w "$inject" ] || { echo "no $inject"; exit 77; }
m=$ONNX_DATA/models/cos_4m_plus_4
queue=/sys/kernel/debug/acceldev/acceldev0/queue
r0=$(cat /sys/class/acceldev/acceldev0/device_restarts)
e0=$(sed -n 's/^device_errors: //p' "$queue")
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
e1=$(sed -n 's/^device_errors: //p' "$queue")
CASES=$((CASES + 1))
if [ "$rc" -eq 0 ]; then
	echo "ok   the process ended with $rc after $i injections (device_restarts $r0 -> $r1)"
else
	echo "FAIL exit $rc after $i injections (device_restarts $r0 -> $r1)"
	FAILS=$((FAILS + 1))
fi
grep -c "Run failed" run.out | sed 's/^/     | Runs failed with an error status: /'
grep -m 2 "Run failed" run.out | sed 's/^/     | /'
grep -E "threads:|RESULT" run.out | sed 's/^/     | /'
CASES=$((CASES + 1))
if [ "$r1" -eq "$r0" ] && [ "${e1:-0}" -gt "${e0:-0}" ]; then
	echo "ok   device errors counted ($e0 -> $e1), no restart"
else
	echo "FAIL device_errors $e0 -> $e1, device_restarts $r0 -> $r1"
	FAILS=$((FAILS + 1))
fi
run_model cos_4m_plus_4 --device 0 --acceldev cos
finish
