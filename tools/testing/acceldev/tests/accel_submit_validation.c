// SPDX-License-Identifier: GPL-2.0
/*
 * DRM_IOCTL_ACCELDEV_SUBMIT refuses bad arguments (uapi/acceldev_accel.h,
 * struct drm_acceldev_submit, and DRIVER.md's RUN rules): a DATA object
 * as code, offset == size, a range past the end (also wrapping 32 bits),
 * an offset or size not a multiple of 4 and size 0 are EINVAL; a handle
 * this file does not have (0, never given, closed) is ENOENT; non-zero
 * flags are EINVAL; in_count or out_count above DRM_ACCELDEV_MAX_SYNCOBJS
 * are EINVAL; an unreadable syncobj array is EFAULT; a syncobj entry with
 * non-zero flags is EINVAL; a syncobj handle that does not exist, and an
 * in-syncobj without a fence, are ENOENT. None of them makes a job: the
 * next valid SUBMIT is job 1 and the context is not in error.
 */
// vmtest: timeout=30 tiers=debian
#include "acceldev_accel_test.h"

#define MAX DRM_ACCELDEV_MAX_SYNCOBJS

static int fd;
static uint32_t code;

static int submit_sync(const struct drm_acceldev_syncobj *in, uint32_t nin,
		       const struct drm_acceldev_syncobj *out, uint32_t nout)
{
	struct acc_submit s = {
		.code = code, .offset = 0, .size = ACC_CMD_BYTES,
		.in = in, .in_count = nin, .out = out, .out_count = nout,
	};

	return acc_accel_try_submit_args(fd, &s);
}

int main(void)
{
	struct drm_acceldev_syncobj many[MAX + 1], one;
	struct drm_acceldev_submit raw;
	uint32_t data, gone, signalled, empty;
	uint8_t *unmapped;
	struct acc_actx a;

	acc_actx_open(&a, 0, 4096, 4096);
	fd = a.fd;
	code = a.code;
	data = a.data;
	for (int i = 0; i < 4096 / ACC_CMD_BYTES; i++)
		acc_put_nop(a.cmds, (size_t)i * ACCELDEV_USER_CMD_WORDS);
	gone = acc_accel_bo_create(fd, 4096, DRM_ACCELDEV_BO_CODE, NULL);
	acc_gem_close(fd, gone);
	signalled = acc_syncobj_create(fd, DRM_SYNCOBJ_CREATE_SIGNALED);
	empty = acc_syncobj_create(fd, 0);
	unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	CHECK(unmapped != MAP_FAILED && munmap(unmapped, 4096) == 0);

	/* The code range. */
	EXPECT_ERRNO(acc_accel_try_submit(fd, data, 0, ACC_CMD_BYTES), EINVAL);
	EXPECT_ERRNO(acc_accel_try_submit(fd, code, 4096, 20), EINVAL);
	EXPECT_ERRNO(acc_accel_try_submit(fd, code, 4096, 4), EINVAL);
	EXPECT_ERRNO(acc_accel_try_submit(fd, code, 4080, 20), EINVAL);
	EXPECT_ERRNO(acc_accel_try_submit(fd, code, 0, 4100), EINVAL);
	EXPECT_ERRNO(acc_accel_try_submit(fd, code, 0xfffffffcu, 8), EINVAL);
	EXPECT_ERRNO(acc_accel_try_submit(fd, code, 8, 0xfffffffcu), EINVAL);
	EXPECT_ERRNO(acc_accel_try_submit(fd, code, 41, 20), EINVAL);
	EXPECT_ERRNO(acc_accel_try_submit(fd, code, 2, 20), EINVAL);
	EXPECT_ERRNO(acc_accel_try_submit(fd, code, 0, 21), EINVAL);
	EXPECT_ERRNO(acc_accel_try_submit(fd, code, 0, 6), EINVAL);
	EXPECT_ERRNO(acc_accel_try_submit(fd, code, 0, 0), EINVAL);
	EXPECT_ERRNO(acc_accel_try_submit(fd, code, 4096, 0), EINVAL);

	/* Handles this file does not have. */
	EXPECT_ERRNO(acc_accel_try_submit(fd, 0, 0, 20), ENOENT);
	EXPECT_ERRNO(acc_accel_try_submit(fd, gone, 0, 20), ENOENT);
	EXPECT_ERRNO(acc_accel_try_submit(fd, 12345, 0, 20), ENOENT);

	/* Flags. */
	memset(&raw, 0, sizeof(raw));
	raw.code_handle = code;
	raw.size = ACC_CMD_BYTES;
	raw.flags = 1;
	EXPECT_ERRNO(ioctl(fd, DRM_IOCTL_ACCELDEV_SUBMIT, &raw), EINVAL);
	raw.flags = 0x80000000u;
	EXPECT_ERRNO(ioctl(fd, DRM_IOCTL_ACCELDEV_SUBMIT, &raw), EINVAL);

	/* Counts: MAX + 1 entries of a valid signalled syncobj. */
	for (int i = 0; i <= MAX; i++)
		many[i] = (struct drm_acceldev_syncobj){ .handle = signalled };
	EXPECT_ERRNO(submit_sync(many, MAX + 1, NULL, 0), EINVAL);
	EXPECT_ERRNO(submit_sync(NULL, 0, many, MAX + 1), EINVAL);
	EXPECT_ERRNO(submit_sync(many, ~0u, NULL, 0), EINVAL);
	EXPECT_ERRNO(submit_sync(NULL, 0, many, 0x80000000u), EINVAL);

	/* Unreadable arrays. */
	EXPECT_ERRNO(submit_sync(NULL, 1, NULL, 0), EFAULT);
	EXPECT_ERRNO(submit_sync(NULL, 0, NULL, 1), EFAULT);
	EXPECT_ERRNO(submit_sync((void *)unmapped, 1, NULL, 0), EFAULT);
	EXPECT_ERRNO(submit_sync(NULL, 0, (void *)unmapped, 1), EFAULT);
	EXPECT_ERRNO(submit_sync((void *)0xffff888000000000ull, 1, NULL, 0),
		     EFAULT);

	/* Entries: flags, handles, an in-syncobj with no fence. */
	one = (struct drm_acceldev_syncobj){ .handle = signalled, .flags = 1 };
	EXPECT_ERRNO(submit_sync(&one, 1, NULL, 0), EINVAL);
	EXPECT_ERRNO(submit_sync(NULL, 0, &one, 1), EINVAL);
	one = (struct drm_acceldev_syncobj){ .handle = 999 };
	EXPECT_ERRNO(submit_sync(&one, 1, NULL, 0), ENOENT);
	EXPECT_ERRNO(submit_sync(NULL, 0, &one, 1), ENOENT);
	one = (struct drm_acceldev_syncobj){ .handle = 0 };
	EXPECT_ERRNO(submit_sync(&one, 1, NULL, 0), ENOENT);
	EXPECT_ERRNO(submit_sync(NULL, 0, &one, 1), ENOENT);
	one = (struct drm_acceldev_syncobj){ .handle = empty };
	EXPECT_ERRNO(submit_sync(&one, 1, NULL, 0), ENOENT);
	one = (struct drm_acceldev_syncobj){ .handle = signalled, .point = 3 };
	EXPECT_ERRNO(submit_sync(&one, 1, NULL, 0), ENOENT);
	/* A bad entry after good ones. */
	many[MAX - 1].flags = 2;
	EXPECT_ERRNO(submit_sync(many, MAX, NULL, 0), EINVAL);
	many[MAX - 1] = (struct drm_acceldev_syncobj){ .handle = 777 };
	EXPECT_ERRNO(submit_sync(many, MAX, NULL, 0), ENOENT);

	CHECK(acc_accel_param(fd, DRM_ACCELDEV_PARAM_LAST_JOB) == 0);
	CHECK(acc_accel_param(fd, DRM_ACCELDEV_PARAM_CONTEXT_ERROR) == 0);

	/* The limits themselves are accepted. */
	many[MAX - 1] = (struct drm_acceldev_syncobj){ .handle = signalled };
	CHECK(submit_sync(many, MAX, NULL, 0) == 0);
	for (int i = 0; i < MAX; i++)
		many[i] = (struct drm_acceldev_syncobj){ .handle = empty };
	CHECK(submit_sync(NULL, 0, many, MAX) == 0);
	CHECK(acc_accel_param(fd, DRM_ACCELDEV_PARAM_LAST_JOB) == 2);
	acc_syncobj_wait(fd, empty, 30);
	CHECK(acc_accel_submit(fd, code, 4096 - 20, 20, 0) == 3);
	acc_actx_fill_fence(&a, 0x600d, 0);
	acc_accel_wait(fd, 1);
	acc_actx_check(&a, 0x600d);
	CHECK(acc_accel_param(fd, DRM_ACCELDEV_PARAM_CONTEXT_ERROR) == 0);
	acc_actx_close(&a);
	return 0;
}
