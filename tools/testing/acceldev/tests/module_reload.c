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
		acc_check_device_works(0);
		acc_check_device_works(1);
	}
	return 0;
}
