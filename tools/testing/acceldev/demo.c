// SPDX-License-Identifier: GPL-2.0
/*
 * demo - a short tour of the Acceldev driver, for the README.
 *
 * On each of /dev/acceldev0 and /dev/acceldev1: open a context, create a
 * code buffer and a data buffer, write two user commands (FILL the data
 * buffer with a value, then FENCE), RUN them, WAIT for the fence, and
 * check the data through the buffer's mapping. Two lines a device.
 *
 * Then the user-space tools the bench installs in the guest's /usr/bin:
 * acceldev-fill on both devices (a FILL verified word by word),
 * acceldev-bench --quick (measurements of both devices) and
 * acceldev-info (devices, PCI addresses, driver, counters). Each tool's
 * whole output goes to the kernel log, hence to the console log the
 * bench keeps; the terminal gets the lines named below. Any failure
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

	w = acc_put_fill(cmds, w, value, slot, 0, DATA_SIZE);
	w = acc_put_fence(cmds, w);
	printf("/dev/acceldev%d: a context, a 4 KiB code buffer holding FILL %#x + FENCE,"
	       " a %d KiB data buffer (slot %u)\n", dev, value, DATA_SIZE / 1024, slot);
	acc_run(ctx, code, 0, w * 4);
	acc_wait(ctx, 1);
	for (size_t i = 0; i < DATA_SIZE / 4; i++)
		bad += d[i] != value;
	printf("/dev/acceldev%d: RUN, WAIT for fence 1: %s of %d words hold %#x\n", dev,
	       bad ? "NOT all" : "all", DATA_SIZE / 4, value);

	munmap(cmds, 4096);
	munmap(d, DATA_SIZE);
	close(code);
	close(data);
	close(ctx);
	if (bad)
		exit(1);
}

/* does line start with one of the prefixes (NULL-terminated)? */
static bool shown(const char *line, const char *const *show)
{
	for (; *show; show++)
		if (!strncmp(line, *show, strlen(*show)))
			return true;
	return false;
}

/*
 * Run a tool, showing the command: every line of its output goes to the
 * kernel log (the console log), the lines starting with one of show to
 * the terminal too. False if it did not exit 0.
 */
static bool tool(const char *cmd, const char *note, const char *const *show)
{
	char full[512], line[1024];
	FILE *p;
	int kmsg = open("/dev/kmsg", O_WRONLY), status;

	printf("$ %s%s\n", cmd, note);
	fflush(stdout);
	snprintf(full, sizeof(full), "%s 2>&1", cmd);
	p = popen(full, "r");
	if (!p) {
		printf("(cannot run %s)\n", cmd);
		return false;
	}
	while (fgets(line, sizeof(line), p)) {
		if (kmsg >= 0)
			dprintf(kmsg, "demo: %s", line);
		if (shown(line, show))
			fputs(line, stdout);
	}
	status = pclose(p);
	if (kmsg >= 0)
		close(kmsg);
	if (status == 0)
		return true;
	printf("(%s: %s %d; its output is in the console log)\n", cmd,
	       WIFEXITED(status) ? "exit status" : "status",
	       WIFEXITED(status) ? WEXITSTATUS(status) : status);
	return false;
}

int main(void)
{
	static const char *const fill[] = { "acceldev0: verified", "acceldev1: verified", NULL };
	static const char *const bench[] = { "measurement", "(a) RUN rate, 1 context",
					     "(b) RUN+FENCE->WAIT median", "(c) FILL", NULL };
	static const char *const info[] = { "acceldev", "  runs_submitted", NULL };
	bool ok = true;

	acc_require_devices(2);
	demo(0, 0xacce1000);
	demo(1, 0xacce1001);

	printf("\nThe same through the tools (tools/acceldev; their whole output is in the"
	       " console log):\n");
	ok &= tool("acceldev-fill --device 0", "", fill);
	ok &= tool("acceldev-fill --device 1 --value 0xacce1001 --size 4194304", "", fill);
	ok &= tool("acceldev-bench --quick", "    (3 of its rows)", bench);
	ok &= tool("acceldev-info", "    (1 of each device's counters)", info);
	printf("%s\n", ok ? "the tools worked on both devices." :
	       "a tool FAILED (see above).");
	return ok ? 0 : 1;
}
