// SPDX-License-Identifier: GPL-2.0
/*
 * Memory: 255 contexts on one device, each with a code buffer and 16
 * small data buffers, all held at once (4335 fds). Each data buffer of a
 * context gets a distinct slot in 0..15; a 256th open is EBUSY and a 17th
 * data buffer ENOSPC. Every context then FILLs all of its 16 buffers with
 * values of its own and FENCEs; every word of all 4080 buffers is
 * checked. After everything is closed the device works (and, on the
 * debug kernel, kmemleak finds nothing).
 */
// vmtest: timeout=180 tiers=debian,swiotlb,iommu
#include "acceldev_stress.h"

#define CTXS ACCELDEV_MAX_CONTEXTS
#define BUFS ACCELDEV_NUM_BUFFERS

static int ctx[CTXS], code[CTXS], data[CTXS][BUFS];
static uint32_t slot[CTXS][BUFS];

static uint32_t value_of(int c, uint32_t s)
{
	return 0xc0000000u | (uint32_t)c << 8 | s;
}

int main(void)
{
	struct rlimit rl = { 8192, 8192 };
	uint64_t words = 0;
	double t0 = acc_now(), t_create, t_run, t_check, t_close;

	acc_require_devices(1);
	CHECK_MSG(setrlimit(RLIMIT_NOFILE, &rl) == 0, "RLIMIT_NOFILE: %s",
		  acc_errname(errno));
	for (int c = 0; c < CTXS; c++) {
		uint16_t seen = 0;

		ctx[c] = acc_open(0);
		code[c] = acc_create_buffer(ctx[c], 4096, BUFFER_TYPE_CODE, NULL);
		for (int b = 0; b < BUFS; b++) {
			data[c][b] = acc_create_buffer(ctx[c], 4096,
						       BUFFER_TYPE_DATA,
						       &slot[c][b]);
			CHECK_MSG(!(seen & 1u << slot[c][b]), "context %d: "
				  "slot %u given twice", c, slot[c][b]);
			seen |= 1u << slot[c][b];
		}
	}
	t_create = acc_now() - t0;
	EXPECT_ERRNO(acc_try_open(0), EBUSY);
	EXPECT_ERRNO2(acc_try_create_buffer(ctx[0], 4096, BUFFER_TYPE_DATA,
					    NULL), ENOSPC, EBUSY);

	for (int c = 0; c < CTXS; c++) {
		uint32_t *cmds = acc_map(code[c], 4096);
		size_t w = 0;

		for (int b = 0; b < BUFS; b++)
			w = acc_put_fill(cmds, w, value_of(c, slot[c][b]),
					 slot[c][b], 0, 4096);
		w = acc_put_fence(cmds, w);
		acc_run(ctx[c], code[c], 0, (uint32_t)w * 4);
		munmap(cmds, 4096);
	}
	t_run = acc_now();
	for (int c = 0; c < CTXS; c++)
		acc_wait(ctx[c], 1);
	t_run = acc_now() - t_run;
	t_check = acc_now();
	for (int c = 0; c < CTXS; c++) {
		for (int b = 0; b < BUFS; b++) {
			uint32_t *d = acc_map(data[c][b], 4096);

			for (int i = 0; i < 1024; i++)
				CHECK_MSG(d[i] == value_of(c, slot[c][b]),
					  "context %d slot %u word %d: %#x", c,
					  slot[c][b], i, d[i]);
			words += 1024;
			munmap(d, 4096);
		}
	}
	t_check = acc_now() - t_check;
	t_close = acc_now();
	/* Contexts first: one unbind sync each rather than one per buffer;
	 * the buffers outlive them. */
	for (int c = 0; c < CTXS; c++) {
		CHECK(close(code[c]) == 0);
		CHECK(close(ctx[c]) == 0);
	}
	for (int c = 0; c < CTXS; c++)
		for (int b = 0; b < BUFS; b++)
			CHECK(close(data[c][b]) == 0);
	t_close = acc_now() - t_close;
	acc_check_device_works(0);
	printf("contexts_255_x_16_buffers: contexts=%d data_buffers=%d "
	       "words_checked=%llu create_s=%.1f run_wait_s=%.1f check_s=%.1f "
	       "close_s=%.1f wall_s=%.1f\n", CTXS, CTXS * BUFS,
	       (unsigned long long)words, t_create, t_run, t_check, t_close,
	       acc_now() - t0);
	return 0;
}
