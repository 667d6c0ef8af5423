// SPDX-License-Identifier: GPL-2.0
/*
 * Removal while closes sleep for their contexts' runs and the device
 * queue is full, ending in a FENCE. Context A runs one long RUN (FILLs of
 * a 4 MiB buffer), and a thread closes A's code buffer, which sleeps
 * until that RUN is done: the driver has the device interrupt for the
 * FENCE right behind A's RUN. Context B then queues NOP runs until the
 * device queue is nearly full (the driver's debugfs "queue" shows FREE),
 * and a second thread closes B's code buffer: the FENCE fed for that
 * close is the last command in a full queue, while the interrupt stays
 * armed for A's older FENCE. /dev/acceldev1 is then removed through
 * sysfs. The removal drains the queue (the long RUN ends at its next
 * FILL, as the drain takes the slots away; each command waits 2 ms on
 * this slowed device), and it must be done soon after the device is, not
 * wait out the hang timeout (set to 30 s here) for an interrupt that
 * CMD_FENCE_WAIT, still naming A's FENCE, cannot raise for the last one.
 * The closes end, the device comes back with a rescan and works.
 */
// vmtest: timeout=180
#include <pthread.h>

#include "acceldev_knobs.h"

/* Slow enough that the queue's last FENCE executes well after A's. */
ACC_DEVICE_KNOBS("cmd-delay-us=2000")

#define BIG (4u << 20)
#define CODE_SIZE (256u << 10)
#define B_RUNS_MAX 400

struct closer {
	int fd;
	int ret, err;
	double secs;
};

static void *closer(void *arg)
{
	struct closer *c = arg;
	double t0 = acc_now();

	c->ret = close(c->fd);
	c->err = errno;
	c->secs = acc_now() - t0;
	return NULL;
}

/*
 * A line "NAME: N" of /dev/acceldev1's debugfs "queue" file, or -1 if the
 * driver has no such line.
 */
static long queue_value(const char *name)
{
	FILE *f = fopen("/sys/kernel/debug/acceldev/acceldev1/queue", "r");
	char line[128];
	size_t len = strlen(name);
	long v = -1;

	CHECK_MSG(f, "no debugfs queue file: %s", acc_errname(errno));
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ':')
			v = strtol(line + len + 1, NULL, 0);
	fclose(f);
	return v;
}

/* A code buffer of @fills FILLs of all of @slot's 4 MiB, then a FENCE. */
static int long_run_code(int ctx, uint32_t slot, unsigned int fills,
			 uint32_t *bytes)
{
	int code = acc_create_buffer(ctx, CODE_SIZE, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, CODE_SIZE);
	size_t w = 0;

	for (unsigned int i = 0; i < fills; i++)
		w = acc_put_fill(cmds, w, i, slot, 0, BIG);
	w = acc_put_fence(cmds, w);
	munmap(cmds, CODE_SIZE);
	*bytes = w * 4;
	return code;
}

int main(void)
{
	const unsigned int fills = CODE_SIZE / ACC_CMD_BYTES - 1;
	char bdf[64], path[PATH_MAX];
	struct closer ca, cb;
	uint32_t slot, bytes;
	double t_run, t_rm;
	pthread_t tha, thb;
	int runs = 0;

	acc_require_devices(2);
	if (access("/sys/kernel/debug/acceldev/acceldev1/queue", R_OK))
		SKIP("no debugfs queue file for /dev/acceldev1: cannot tell when the device queue is full");
	acc_setting_write("/sys/module/acceldev/parameters/hang_timeout_ms",
			  "30000");
	CHECK(acc_dev_bdf(1, bdf, sizeof(bdf)));

	/* How long A's RUN takes on its own. */
	int a = acc_open(1);
	int data = acc_create_buffer(a, BIG, BUFFER_TYPE_DATA, &slot);
	int code = long_run_code(a, slot, fills, &bytes);
	double t0 = acc_now();

	acc_run(a, code, 0, bytes);
	acc_wait(a, 1);
	t_run = acc_now() - t0;
	printf("removal_while_close_syncs: one RUN of %u 4 MiB FILLs: %.2f s\n",
	       fills, t_run);

	/* B's NOP runs, ready to go. */
	int b = acc_open(1);
	int nop = acc_create_buffer(b, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *n = acc_map(nop, 4096);

	acc_put_nop(n, 0);
	munmap(n, 4096);

	acc_watchdog(150, "removal while closes sync");
	acc_run(a, code, 0, bytes);
	ca = (struct closer){ .fd = code };
	CHECK(pthread_create(&tha, NULL, closer, &ca) == 0);
	usleep(50 * 1000);
	/* Fill the device queue, up to room for one more FENCE. */
	while (queue_value("CMD_MANUAL_FREE") > 2 && runs < B_RUNS_MAX) {
		acc_run(b, nop, 0, ACC_CMD_BYTES);
		runs++;
		usleep(1000);
	}
	CHECK_MSG(runs < B_RUNS_MAX, "the device queue did not fill up");
	cb = (struct closer){ .fd = nop };
	CHECK(pthread_create(&thb, NULL, closer, &cb) == 0);
	usleep(100 * 1000);
	long room = queue_value("CMD_MANUAL_FREE");
	long tail = queue_value("tail_is_fence");
	long val = queue_value("fence_val"), armed = queue_value("fence_armed");

	printf("removal_while_close_syncs: %d runs of B; FREE %ld, "
	       "tail_is_fence %ld, fence_val %ld, fence_armed %ld\n", runs,
	       room, tail, val, armed);
	CHECK_MSG(room <= 2, "FREE is %ld: the queue is not full", room);
	/* Our driver shows its state: make sure this is the case tested. */
	CHECK_MSG(tail != 0 && (val < 0 || val != armed),
		  "not the case this test is for (a FENCE last in a full queue, "
		  "an older one armed): tail_is_fence %ld, fence_val %ld, "
		  "fence_armed %ld", tail, val, armed);

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", bdf);
	t0 = acc_now();
	acc_write_file(path, "1");
	t_rm = acc_now() - t0;
	pthread_join(tha, NULL);
	pthread_join(thb, NULL);
	printf("removal_while_close_syncs: removal %.2f s; A's close %.2f s, "
	       "B's %.2f s\n", t_rm, ca.secs, cb.secs);
	CHECK_MSG(t_rm < t_run + 10,
		  "the removal took %.1f s, the long RUN alone %.1f s: it waited "
		  "for an interrupt that never came", t_rm, t_run);
	CHECK_MSG(ca.ret == 0 && cb.ret == 0, "a close failed: %s",
		  acc_errname(ca.ret ? ca.err : cb.err));

	CHECK(close(b) == 0);
	CHECK(close(data) == 0 && close(a) == 0);
	CHECK_MSG(acc_wait_for_path("/dev/acceldev1", false, 10),
		  "/dev/acceldev1 still exists after removal and close");
	acc_rescan_expect(1);
	acc_watchdog(0, "");
	acc_check_device_works(1);
	acc_check_device_works(0);
	return 0;
}
