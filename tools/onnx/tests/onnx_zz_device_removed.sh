#!/bin/sh
# Device removed mid-session (QEMU device_del of acc1 = /dev/acceldev1,
# through the bench's monitor helper): the next Run gets an error status,
# the process exits cleanly (no crash, no hang). Runs last: the
# device is gone afterwards.
: <<'VMTEST'
// vmtest: timeout=120
VMTEST
# shellcheck source=testlib.sh
. "${ONNX_TESTLIB:-/onnx/testlib.sh}"

pci=$(basename "$(readlink /sys/class/acceldev/acceldev1/device)")
cat >remove.sh <<EOS
#!/bin/sh
${VMTEST_MONITOR:-vmtest-monitor} device_del acc1 || exit 1
i=0
while [ -e /sys/bus/pci/devices/$pci ] && [ \$i -lt 200 ]; do sleep 0.1; i=\$((i + 1)); done
[ ! -e /sys/bus/pci/devices/$pci ]
EOS
chmod +x remove.sh
m=$ONNX_DATA/models/cos_4k
# shellcheck disable=SC2046
check "Run after device_del" "$AO" --device 1 --acceldev cos --remove-device ./remove.sh \
	"$m/model.onnx" $(model_args "$m")
CASES=$((CASES + 1))
if grep -q 'Run after the removal: error status' case.out && grep -q 'Acceldev: node' case.out; then
	echo "ok   the error status names the node and the device error"
else
	echo "FAIL no error status after the removal"
	FAILS=$((FAILS + 1))
fi
finish
