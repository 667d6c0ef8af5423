// SPDX-License-Identifier: GPL-2.0
/*
 * Example 13: 255 opens of /dev/acceldev0 succeed; the 256th fails with
 * EBUSY. Closing one context lets one more open succeed, and the new
 * context works.
 */
// vmtest: tiers=debian,debug
#include <sys/resource.h>

#include "acceldev_test.h"

int main(void)
{
	struct rlimit rl = { 4096, 4096 };
	int fds[ACCELDEV_MAX_CONTEXTS];

	setrlimit(RLIMIT_NOFILE, &rl);
	acc_require_devices(1);
	for (int i = 0; i < ACCELDEV_MAX_CONTEXTS; i++) {
		fds[i] = acc_try_open(0);
		CHECK_MSG(fds[i] >= 0, "open number %d failed: %s", i + 1,
			  acc_errname(errno));
	}
	EXPECT_ERRNO(acc_try_open(0), EBUSY);

	close(fds[100]);
	fds[100] = EXPECT_OK(acc_try_open(0));
	EXPECT_ERRNO(acc_try_open(0), EBUSY);

	int code = acc_create_buffer(fds[100], 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, 4096);

	acc_put_fence(cmds, 0);
	acc_run(fds[100], code, 0, ACC_CMD_BYTES);
	acc_wait(fds[100], 1);
	return 0;
}
