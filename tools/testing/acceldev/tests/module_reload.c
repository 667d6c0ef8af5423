// SPDX-License-Identifier: GPL-2.0
/*
 * Module unload and reload. While a buffer fd is open (its context fd
 * already closed) the module cannot be unloaded: rmmod fails and the
 * devices stay. With every fd closed, rmmod acceldev succeeds and the
 * device nodes go away; insmod /acceldev.ko brings /dev/acceldev0 and
 * /dev/acceldev1 back, and a FILL works on both. Done twice.
 */
// vmtest: timeout=120
#include <sys/wait.h>

#include "acceldev_test.h"

static int sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void check_fill(int dev)
{
	int c = acc_open(dev);
	int code = acc_create_buffer(c, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t slot, *cmds = acc_map(code, 4096);
	int data = acc_create_buffer(c, 4096, BUFFER_TYPE_DATA, &slot);
	uint32_t *d = acc_map(data, 4096);

	acc_put_fence(cmds, acc_put_fill(cmds, 0, 0xc0ffee, slot, 0, 4096));
	acc_run(c, code, 0, 40);
	acc_wait(c, 1);
	CHECK(d[0] == 0xc0ffee && d[1023] == 0xc0ffee);
	munmap(cmds, 4096);
	munmap(d, 4096);
	close(code);
	close(data);
	close(c);
}

int main(void)
{
	acc_require_devices(2);
	if (access("/acceldev.ko", R_OK) != 0)
		SKIP("/acceldev.ko not found");

	int ctx = acc_open(0);
	int buf = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, NULL);

	close(ctx);
	CHECK_MSG(sh("rmmod acceldev 2>/dev/null") != 0,
		  "rmmod succeeded while a buffer fd was open");
	CHECK(access("/dev/acceldev0", F_OK) == 0);
	close(buf);

	for (int round = 0; round < 2; round++) {
		CHECK_MSG(sh("rmmod acceldev") == 0, "rmmod acceldev failed");
		CHECK_MSG(acc_wait_for_path("/dev/acceldev0", false, 10),
			  "/dev/acceldev0 still there after rmmod");
		CHECK_MSG(sh("insmod /acceldev.ko") == 0,
			  "insmod /acceldev.ko failed");
		CHECK_MSG(acc_wait_for_path("/dev/acceldev0", true, 10) &&
			  acc_wait_for_path("/dev/acceldev1", true, 10),
			  "devices did not come back after insmod");
		check_fill(0);
		check_fill(1);
	}
	return 0;
}
