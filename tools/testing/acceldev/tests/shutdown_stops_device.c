// SPDX-License-Identifier: GPL-2.0
/*
 * Shutdown (DRIVER.md, Life cycle): the guest powers off while long RUNs
 * execute and more wait, on two contexts of each device; the driver's
 * shutdown callback must leave every device stopped, its queue drained,
 * and no longer mastering the bus. The guest can tell nothing after its
 * power-off: the bench pauses QEMU there and reads each device model's
 * state through QMP ("after-poweroff=devices-stopped" below, see
 * tools/vm/README.md); that is this test's verdict. The test itself
 * checks, through vmtest-monitor, that each device is executing a RUN
 * when it powers the guest off.
 */
// vmtest: timeout=60 tiers=debian after-poweroff=devices-stopped
#include <sys/reboot.h>

#include "acceldev_knobs.h"

#define CTXS	2		/* per device */
#define RUNS	2		/* per context */
#define MAX_FILLS (ACCELDEV_BUFFER_MAX_SIZE / ACC_CMD_BYTES - 1)

struct ctx {
	int fd, code, data;
	uint32_t slot;
};

/* Code of @fills FILLs of the whole data buffer, then a FENCE. */
static uint32_t write_code(struct ctx *c, uint32_t fills)
{
	uint32_t bytes = (fills + 1) * ACC_CMD_BYTES;
	size_t len = (bytes + ACCELDEV_PAGE_SIZE - 1) & ~(ACCELDEV_PAGE_SIZE - 1);
	uint32_t *code = acc_map(c->code, len);
	size_t w = 0;

	for (uint32_t i = 0; i < fills; i++)
		w = acc_put_fill(code, w, 0x5d, c->slot, 0,
				 ACCELDEV_BUFFER_MAX_SIZE);
	acc_put_fence(code, w);
	munmap(code, len);
	return bytes;
}

static void open_ctx(struct ctx *c, int dev)
{
	c->fd = acc_open(dev);
	c->code = acc_create_buffer(c->fd, ACCELDEV_BUFFER_MAX_SIZE,
				    BUFFER_TYPE_CODE, NULL);
	c->data = acc_create_buffer(c->fd, ACCELDEV_BUFFER_MAX_SIZE,
				    BUFFER_TYPE_DATA, &c->slot);
}

/* True once qom-get says the model of /dev/acceldev@dev is executing. */
static bool executing(int dev)
{
	char qom[64], bdf[32], out[256];

	acc_dev_qom(dev, qom, sizeof(qom), bdf, sizeof(bdf));
	CHECK_MSG(acc_monitor(out, sizeof(out), "qom-get %s state-executing",
			      qom) == 0, "qom-get %s state-executing: %s", qom,
		  out);
	return !strcmp(out, "true");
}

int main(void)
{
	int devs = acc_count_devices(), kmsg;
	struct ctx c[8][CTXS];
	uint32_t fills, bytes;
	double t0, t_fill;

	acc_require_devices(1);
	acc_require_monitor("read the device model's state");
	CHECK(devs <= 8);
	for (int d = 0; d < devs; d++)
		for (int i = 0; i < CTXS; i++)
			open_ctx(&c[d][i], d);

	/* How long a FILL of 4 MiB takes: 32 of them. */
	bytes = write_code(&c[0][0], 32);
	t0 = acc_now();
	acc_run(c[0][0].fd, c[0][0].code, 0, bytes);
	acc_wait(c[0][0].fd, 1);
	t_fill = (acc_now() - t0) / 32;

	/* RUNs of about 1.5 s each: shutdown drains within seconds. */
	fills = (uint32_t)(1.5 / t_fill);
	fills = fills < 1 ? 1 : fills > MAX_FILLS ? MAX_FILLS : fills;
	for (int d = 0; d < devs; d++)
		for (int i = 0; i < CTXS; i++) {
			bytes = write_code(&c[d][i], fills);
			for (int r = 0; r < RUNS; r++)
				acc_run(c[d][i].fd, c[d][i].code, 0, bytes);
		}
	printf("%d device(s) x %d contexts x %d RUNs of %u FILLs of 4 MiB "
	       "(%.0f us each, %.1f s a RUN)\n", devs, CTXS, RUNS, fills,
	       t_fill * 1e6, fills * t_fill);
	for (int d = 0; d < devs; d++) {
		t0 = acc_now();
		while (!executing(d)) {
			CHECK_MSG(acc_now() - t0 < 5, "/dev/acceldev%d executes "
				  "no RUN", d);
			usleep(20 * 1000);
		}
	}
	printf("every device executing: powering off\n");

	/* The bench's marker (tools/vm/init's poweroff_now does the same). */
	fflush(NULL);
	kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	CHECK_MSG(kmsg >= 0 && write(kmsg, "@@VMTEST-POWEROFF\n", 18) == 18,
		  "/dev/kmsg: %s", acc_errname(errno));
	sync();
	reboot(RB_POWER_OFF);
	FAIL("reboot(RB_POWER_OFF): %s", acc_errname(errno));
}
