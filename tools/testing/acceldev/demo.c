// SPDX-License-Identifier: GPL-2.0
/*
 * demo - a short tour of the Acceldev driver, for the README.
 *
 * On each of /dev/acceldev0 and /dev/acceldev1: open a context, create a
 * code buffer and a data buffer, write two user commands (FILL the data
 * buffer with a value, then FENCE), RUN them, WAIT for the fence, and
 * check the data through the buffer's mapping. Says what it does.
 *
 * Then the user-space tools the bench installs in the guest's /usr/bin:
 * acceldev-fill on both devices (a FILL verified word by word),
 * acceldev-bench --quick (a table of measurements for both devices) and
 * acceldev-info (devices, PCI addresses, driver, counters). Any failure
 * makes the demo fail.
 */
#include <sys/wait.h>

#include "acceldev_test.h"

#define DATA_SIZE (64 * 1024)

static void demo(int dev, uint32_t value)
{
	uint32_t slot;
	int ctx = acc_open(dev);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	int data = acc_create_buffer(ctx, DATA_SIZE, BUFFER_TYPE_DATA, &slot);
	uint32_t *cmds = acc_map(code, 4096);
	uint32_t *d = acc_map(data, DATA_SIZE);
	size_t w = 0, bad = 0;

	printf("/dev/acceldev%d: opened a context; made a 4 KiB code buffer"
	       " and a %d KiB data buffer (bound to slot %u)\n",
	       dev, DATA_SIZE / 1024, slot);

	w = acc_put_fill(cmds, w, value, slot, 0, DATA_SIZE);
	w = acc_put_fence(cmds, w);
	printf("/dev/acceldev%d: wrote 2 commands: FILL slot %u with %#x,"
	       " then FENCE\n", dev, slot, value);

	acc_run(ctx, code, 0, w * 4);
	printf("/dev/acceldev%d: submitted them with RUN; waiting for"
	       " fence 1...\n", dev);
	acc_wait(ctx, 1);

	for (size_t i = 0; i < DATA_SIZE / 4; i++)
		bad += d[i] != value;
	printf("/dev/acceldev%d: fence 1 reached; the data buffer holds"
	       " %#x in all %d words: %s\n", dev, value, DATA_SIZE / 4,
	       bad ? "NO" : "yes");

	munmap(cmds, 4096);
	munmap(d, DATA_SIZE);
	close(code);
	close(data);
	close(ctx);
	if (bad)
		exit(1);
}

/* Run a shell command, showing it; false if it did not exit 0. */
static bool shell(const char *cmd)
{
	int status;

	printf("\n$ %s\n", cmd);
	fflush(stdout);
	status = system(cmd);
	if (status == 0)
		return true;
	printf("(%s: %s %d)\n", cmd, WIFEXITED(status) ? "exit status" :
	       "status", WIFEXITED(status) ? WEXITSTATUS(status) : status);
	return false;
}

int main(void)
{
	bool ok = true;

	acc_require_devices(2);
	demo(0, 0xacce1000);
	demo(1, 0xacce1001);
	printf("both devices did their work.\n");

	printf("\nThe same through the tools (tools/acceldev):\n");
	ok &= shell("acceldev-fill --device 0");
	ok &= shell("acceldev-fill --device 1 --value 0xacce1001 --size 4194304");
	ok &= shell("acceldev-bench --quick");
	ok &= shell("acceldev-info");
	printf("\n%s\n", ok ? "the tools worked on both devices." :
	       "a tool FAILED (see above).");
	return ok ? 0 : 1;
}
