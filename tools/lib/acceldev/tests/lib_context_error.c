// SPDX-License-Identifier: GPL-2.0
/*
 * libacceldev: a context in error is reported clearly. A garbage command
 * submitted on the context's fd (behind the library's back) breaks it:
 * acd_wait() of the next fence is EIO (from its WAIT, or from the RUN
 * it submits first if the driver saw the error already) with a message
 * saying the context is in error; later submissions are EIO; another
 * context still works.
 */
#include "lib_test.h"

int main(void)
{
	struct acd_ctx *bad, *good;
	struct acd_buffer *code, *data;
	acd_fence_t f;
	uint32_t *cmds;

	acc_require_devices(1);
	bad = acd_open(0);
	good = acd_open(0);
	LIB_OK(bad && good);
	code = acd_buffer_create(bad, ACD_BUFFER_CODE, 4096);
	LIB_OK(code);
	cmds = acd_buffer_map(code);
	acc_put_cmd(cmds, 0, 0xf, 0, 0, 0, 0);	/* no such user command */
	acc_run(acd_ctx_fd(bad), acd_buffer_fd(code), 0, ACC_CMD_BYTES);

	LIB_OK(acd_fence(bad, &f) == 0);
	EXPECT_ERRNO(acd_wait(bad, f), EIO);
	CHECK_MSG(strstr(acd_error(), " on /dev/acceldev0") &&
		  strstr(acd_error(), "the context is in error"),
		  "message: '%s'", acd_error());
	LIB_OK(acd_nop(bad) == 0);
	EXPECT_ERRNO(acd_submit(bad), EIO);
	CHECK_MSG(strstr(acd_error(), "RUN on /dev/acceldev0"),
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
