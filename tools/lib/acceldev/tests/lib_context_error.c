// SPDX-License-Identifier: GPL-2.0
/*
 * libacceldev: a context in error is reported clearly. A garbage command
 * submitted on the context's fd (behind the library's back: RUN, or the
 * accel node's SUBMIT) breaks it:
 * acd_wait() of the next fence is EIO (from its WAIT, or from the RUN
 * it submits first if the driver saw the error already) with a message
 * saying the context is in error; later submissions are EIO; another
 * context still works.
 */
#include "lib_test.h"
#include "acceldev_accel.h"

/* Submit the first command of @code behind the library's back. */
static void submit_raw(struct acd_ctx *ctx, struct acd_buffer *code)
{
	struct drm_acceldev_submit s = {
		.code_handle = acd_buffer_handle(code),
		.size = ACC_CMD_BYTES,
	};

	if (LIB_ACCEL)
		EXPECT_OK(ioctl(acd_ctx_fd(ctx), DRM_IOCTL_ACCELDEV_SUBMIT, &s));
	else
		acc_run(acd_ctx_fd(ctx), acd_buffer_fd(code), 0, ACC_CMD_BYTES);
}

int main(void)
{
	struct acd_ctx *bad, *good;
	struct acd_buffer *code, *data;
	acd_fence_t f;
	uint32_t *cmds;
	char where[80], what[80];

	lib_require_devices(1);
	snprintf(where, sizeof(where), " on %s", lib_path(0));
	snprintf(what, sizeof(what), "%s on %s", LIB_SUBMIT, lib_path(0));
	bad = lib_open(0);
	good = lib_open(0);
	LIB_OK(bad && good);
	code = acd_buffer_create(bad, ACD_BUFFER_CODE, 4096);
	LIB_OK(code);
	cmds = acd_buffer_map(code);
	acc_put_cmd(cmds, 0, 0xf, 0, 0, 0, 0);	/* no such user command */
	submit_raw(bad, code);

	LIB_OK(acd_fence(bad, &f) == 0);
	EXPECT_ERRNO(acd_wait(bad, f), EIO);
	CHECK_MSG(strstr(acd_error(), where) &&
		  strstr(acd_error(), "the context is in error"),
		  "message: '%s'", acd_error());
	LIB_OK(acd_nop(bad) == 0);
	EXPECT_ERRNO(acd_submit(bad), EIO);
	CHECK_MSG(strstr(acd_error(), what),
		  "message: '%s'", acd_error());
	EXPECT_ERRNO(acd_close(bad), EIO);	/* its last submission */

	data = acd_buffer_create(good, ACD_BUFFER_DATA, 4096);
	LIB_OK(data);
	LIB_OK(acd_fill(good, data, 5, 0, 4096) == 0);
	LIB_OK(acd_fence(good, &f) == 0);
	LIB_OK(acd_wait(good, f) == 0);
	CHECK(((uint32_t *)acd_buffer_map(data))[1023] == 5);
	acd_buffer_destroy(data);
	acd_buffer_destroy(code);
	LIB_OK(acd_close(good) == 0);
	return 0;
}
