// SPDX-License-Identifier: GPL-2.0
/*
 * libacceldev: opening reports errors with errno and a message.
 * acd_open() of a missing device is ENOENT naming the node; a node that
 * is not an Acceldev (/dev/null) opens but making the stream's code
 * buffer fails with ENOTTY; a good device opens and acd_error() of a
 * thread that never failed is "". On the accel node: a missing device
 * is ENOENT naming /dev/acceldev99, whose accel node was looked for;
 * acd_open_path() of an accel node opens it as one.
 */
#include <pthread.h>

#include "lib_test.h"

static void *fresh_thread(void *arg)
{
	(void)arg;
	CHECK_MSG(strcmp(acd_error(), "") == 0, "new thread sees '%s'",
		  acd_error());
	return NULL;
}

int main(void)
{
	struct acd_ctx *ctx;
	pthread_t t;

	lib_require_devices(2);

	EXPECT_NULL_ERRNO(lib_open(99), ENOENT);
	CHECK_MSG(strstr(acd_error(), "/dev/acceldev99") &&
		  strstr(acd_error(), strerror(ENOENT)),
		  "message: '%s'", acd_error());

	EXPECT_NULL_ERRNO(acd_open_path("/dev/null"), ENOTTY);
	CHECK_MSG(strstr(acd_error(), "CREATE_BUFFER"), "message: '%s'",
		  acd_error());

	/* the message is per thread */
	CHECK(pthread_create(&t, NULL, fresh_thread, NULL) == 0);
	CHECK(pthread_join(t, NULL) == 0);

	for (int dev = 0; dev < 2; dev++) {
		ctx = lib_open(dev);
		CHECK_MSG(ctx, "lib_open(%d): %s", dev, acd_error());
		CHECK(acd_ctx_fd(ctx) >= 0);
		CHECK(acd_stream_buffers(ctx) == 1);
		CHECK(acd_fence_last(ctx) == 0);
		CHECK(acd_close(ctx) == 0);
	}
	ctx = acd_open_path(lib_path(1));
	CHECK_MSG(ctx, "acd_open_path(%s): %s", lib_path(1), acd_error());
	CHECK(acd_ctx_node(ctx) == LIB_NODE);
	CHECK(acd_close(ctx) == 0);
	CHECK(acd_close(NULL) == 0);
	return 0;
}
