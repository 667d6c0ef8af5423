// SPDX-License-Identifier: GPL-2.0
/*
 * libacceldev on the accel node: acd_submit_sync_file() submits and
 * gives a sync_file of all the work submitted so far. Before any submit
 * it is signalled at once. After 16 FILLs of 4 MiB and a FENCE, poll()
 * says POLLIN only when the work is done: the buffer holds the last
 * FILL's value throughout before acd_wait() was ever called, and the
 * sync_file's status is 1. On a context broken behind the library's back
 * it either fails with EIO (the driver saw the error first) or signals
 * with -EIO. On /dev/acceldevN it is EOPNOTSUPP. A buffer object stays
 * mapped and readable after its context is closed, and is destroyed
 * after it.
 */
#include <linux/sync_file.h>
#include <poll.h>

#define LIB_NODE ACD_NODE_ACCEL
#include "lib_test.h"
#include "acceldev_accel.h"

#define FILLS 16
#define SIZE ACD_BUFFER_MAX_SIZE

static int sync_file_status(int sf)
{
	struct sync_file_info info;

	memset(&info, 0, sizeof(info));
	EXPECT_OK(ioctl(sf, SYNC_IOC_FILE_INFO, &info));
	return info.status;
}

/* @sf must become readable within 60 s. */
static void poll_done(int sf)
{
	struct pollfd p = { .fd = sf, .events = POLLIN };

	CHECK(poll(&p, 1, 60000) == 1 && (p.revents & POLLIN));
}

int main(void)
{
	struct acd_ctx *ctx, *chr;
	struct acd_buffer *data, *code;
	struct drm_acceldev_submit s = { .size = ACC_CMD_BYTES };
	acd_fence_t f;
	uint32_t *d;
	int sf, closed;

	lib_require_devices(1);
	acc_watchdog(120, "sync_file of the accel node");

	chr = acd_open(0);
	LIB_OK(chr);
	EXPECT_ERRNO(acd_submit_sync_file(chr), EOPNOTSUPP);
	CHECK(acd_close(chr) == 0);

	ctx = acd_open_node(0, ACD_NODE_ACCEL);
	LIB_OK(ctx);
	sf = acd_submit_sync_file(ctx);
	LIB_OK(sf >= 0);
	poll_done(sf);
	CHECK(sync_file_status(sf) == 1);
	CHECK(close(sf) == 0);

	data = acd_buffer_create(ctx, ACD_BUFFER_DATA, SIZE);
	LIB_OK(data);
	d = acd_buffer_map(data);
	for (uint32_t i = 0; i < FILLS; i++)
		LIB_OK(acd_fill(ctx, data, 0x51f00000u + i, 0, SIZE) == 0);
	LIB_OK(acd_fence(ctx, &f) == 0);
	sf = acd_submit_sync_file(ctx);
	LIB_OK(sf >= 0);
	poll_done(sf);
	/* done means done: no acd_wait() yet */
	for (size_t i = 0; i < SIZE / 4; i++)
		CHECK_MSG(d[i] == 0x51f00000u + FILLS - 1, "word %zu is %#x",
			  i, d[i]);
	CHECK(sync_file_status(sf) == 1);
	CHECK(close(sf) == 0);
	LIB_OK(acd_wait(ctx, f) == 0);

	/* break the context: a garbage command, submitted raw */
	code = acd_buffer_create(ctx, ACD_BUFFER_CODE, 4096);
	LIB_OK(code);
	acc_put_cmd(acd_buffer_map(code), 0, 0xf, 0, 0, 0, 0);
	s.code_handle = acd_buffer_handle(code);
	EXPECT_OK(ioctl(acd_ctx_fd(ctx), DRM_IOCTL_ACCELDEV_SUBMIT, &s));
	LIB_OK(acd_nop(ctx) == 0);
	sf = acd_submit_sync_file(ctx);
	if (sf < 0) {
		CHECK_MSG(errno == EIO, "acd_submit_sync_file: %s", acd_error());
		closed = EIO;	/* the NOP is still appended */
	} else {
		closed = 0;
		poll_done(sf);
		CHECK_MSG(sync_file_status(sf) == -EIO, "status %d",
			  sync_file_status(sf));
		CHECK(close(sf) == 0);
	}
	acd_buffer_destroy(code);

	/* the buffer object outlives its context */
	d[0] = 0x0badf00d;
	if (closed)
		EXPECT_ERRNO(acd_close(ctx), EIO);
	else
		CHECK(acd_close(ctx) == 0);
	CHECK(acd_buffer_handle(data) == 0);
	CHECK(d[0] == 0x0badf00d && d[SIZE / 4 - 1] == 0x51f00000u + FILLS - 1);
	acd_buffer_destroy(data);
	return 0;
}
