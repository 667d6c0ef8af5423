// SPDX-License-Identifier: GPL-2.0
/*
 * Every ioctl given a bad argument pointer fails with EFAULT: NULL, an
 * address in a PROT_NONE page, a kernel address, and an argument that
 * starts in a good page and runs into an unreadable one. The context is
 * not harmed: afterwards a RUN and WAIT work.
 * (Bad result pointers of CREATE_BUFFER: create_buffer_bad_pointers.)
 */
// vmtest: tiers=debian,debug
#include "acceldev_test.h"

int main(void)
{
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, 4096);
	static const unsigned long reqs[] = {
		ACCELDEV_IOCTL_CREATE_BUFFER, ACCELDEV_IOCTL_RUN,
		ACCELDEV_IOCTL_WAIT,
	};
	/* Two pages: a readable one followed by an inaccessible one. */
	uint8_t *pages = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(pages != MAP_FAILED);
	CHECK(mprotect(pages + 4096, 4096, PROT_NONE) == 0);
	memset(pages, 0, 4096);

	for (size_t i = 0; i < 3; i++) {
		unsigned long r = reqs[i];

		EXPECT_ERRNO(ioctl(ctx, r, NULL), EFAULT);
		EXPECT_ERRNO(ioctl(ctx, r, pages + 4096), EFAULT);
		EXPECT_ERRNO(ioctl(ctx, r, (void *)0xffffffff81000000ul),
			     EFAULT);
		/* Struct straddling into the PROT_NONE page (the wait
		 * argument is 4 bytes: 2 bytes left is too short). */
		EXPECT_ERRNO(ioctl(ctx, r, pages + 4096 - 2), EFAULT);
	}

	acc_put_fence(cmds, 0);
	acc_run(ctx, code, 0, 20);
	acc_wait(ctx, 1);
	return 0;
}
