// SPDX-License-Identifier: GPL-2.0
/*
 * Closing a context waits for its runs, then frees its device context at
 * once. On a slow device, 255 contexts are opened; each of 10 of them
 * submits 10 slow runs; every buffer is closed (that waits), then every
 * context. Right after, 255 new contexts must all open (none is still
 * held by a deferred release), and they start clean: a FILL into a slot
 * on them goes to their own buffer and the fence count starts at 1.
 * A second round closes contexts with runs still pending but their
 * buffers kept open until after the context close.
 */
// vmtest: timeout=180 tiers=debian
#include <sys/resource.h>

#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("cmd-delay-us=50000")

#define BUSY 10
#define RUNS 10

static int fds[ACCELDEV_MAX_CONTEXTS];

static void open_all(void)
{
	for (int i = 0; i < ACCELDEV_MAX_CONTEXTS; i++) {
		fds[i] = acc_try_open(0);
		CHECK_MSG(fds[i] >= 0, "open %d: %s", i + 1,
			  acc_errname(errno));
	}
}

/* Submit RUNS runs of FILL + FENCE on ctx; return the buffer fds. */
static void make_busy(int ctx, int *code, int *data)
{
	uint32_t slot, *c;

	*code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	*data = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &slot);
	c = acc_map(*code, 4096);
	acc_put_fence(c, acc_put_fill(c, 0, 3, slot, 0, 4096));
	munmap(c, 4096);
	for (int r = 0; r < RUNS; r++)
		acc_run(ctx, *code, 0, 40);
}

int main(void)
{
	struct rlimit rl = { 4096, 4096 };
	int code[BUSY], data[BUSY];

	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	acc_require_devices(1);

	for (int round = 0; round < 2; round++) {
		open_all();
		for (int i = 0; i < BUSY; i++)
			make_busy(fds[i * 20], &code[i], &data[i]);
		if (round == 0) {
			for (int i = 0; i < BUSY; i++) {
				close(code[i]);
				close(data[i]);
			}
		}
		for (int i = 0; i < ACCELDEV_MAX_CONTEXTS; i++)
			CHECK(close(fds[i]) == 0);
		if (round == 1) {
			for (int i = 0; i < BUSY; i++) {
				close(code[i]);
				close(data[i]);
			}
		}
	}

	/* All 255 come back at once, each starting clean. */
	open_all();
	for (int i = 0; i < BUSY; i++) {
		int ctx = fds[i * 20];
		int cb = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
		uint32_t slot, *c = acc_map(cb, 4096);
		int db = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &slot);
		uint32_t *d = acc_map(db, 4096);

		CHECK(d[0] == 0);
		EXPECT_ERRNO(acc_try_wait(ctx, 1), EINVAL);
		acc_put_fence(c, acc_put_fill(c, 0, 9, slot, 0, 4));
		acc_run(ctx, cb, 0, 40);
		acc_wait(ctx, 1);
		CHECK(d[0] == 9 && d[1] == 0);
	}
	return 0;
}
