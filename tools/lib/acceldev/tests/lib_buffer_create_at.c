// SPDX-License-Identifier: GPL-2.0
/*
 * libacceldev: acd_buffer_create_at() maps buffers side by side in a
 * range the caller reserved: a 4 MiB and a 1-page data buffer at its
 * start and 4 MiB on read back one FILL each, contiguous; a destroyed
 * one leaves an inaccessible mapping (PROT_NONE) in its place, which
 * the next buffer can take again; NULL and unaligned addresses are
 * EINVAL before any ioctl.
 */
#include <setjmp.h>
#include <signal.h>

#include "lib_test.h"

#define MIB4 ((size_t)ACD_BUFFER_MAX_SIZE)

static sigjmp_buf fault;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(fault, 1);
}

/* does reading p fault? */
static bool read_faults(const volatile uint8_t *p)
{
	struct sigaction sa = { .sa_handler = on_segv }, old;
	bool faulted;

	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(fault, 1)) {
		faulted = true;
	} else {
		(void)*p;
		faulted = false;
	}
	sigaction(SIGSEGV, &old, NULL);
	return faulted;
}

int main(void)
{
	struct acd_buffer *a, *b;
	struct acd_ctx *ctx;
	acd_fence_t f;
	uint8_t *base;
	uint32_t *w;

	lib_require_devices(1);
	ctx = lib_open(0);
	LIB_OK(ctx);
	base = mmap(NULL, 2 * MIB4, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		    -1, 0);
	CHECK(base != MAP_FAILED);

	a = acd_buffer_create_at(ctx, ACD_BUFFER_DATA, MIB4, base);
	LIB_OK(a);
	b = acd_buffer_create_at(ctx, ACD_BUFFER_DATA, 4096, base + MIB4);
	LIB_OK(b);
	CHECK(acd_buffer_map(a) == base);
	CHECK(acd_buffer_map(b) == base + MIB4);
	CHECK(acd_buffer_size(b) == 4096);
	LIB_OK(acd_fill(ctx, a, 0xa1a2a3a4, 0, MIB4) == 0);
	LIB_OK(acd_fill(ctx, b, 0xb1b2b3b4, 0, 4096) == 0);
	LIB_OK(acd_fence(ctx, &f) == 0);
	LIB_OK(acd_wait(ctx, f) == 0);
	w = (uint32_t *)base;
	for (size_t i = 0; i < (MIB4 + 4096) / 4; i++)
		CHECK_MSG(w[i] == (i < MIB4 / 4 ? 0xa1a2a3a4u : 0xb1b2b3b4u),
			  "word %zu is %#x", i, w[i]);
	CHECK(!read_faults(base + MIB4 + 4095));
	CHECK(read_faults(base + MIB4 + 4096));	/* past b: still the reservation */

	acd_buffer_destroy(b);
	CHECK(read_faults(base + MIB4));	/* PROT_NONE, not a hole */
	b = acd_buffer_create_at(ctx, ACD_BUFFER_DATA, 8192, base + MIB4);
	LIB_OK(b);
	CHECK(((uint32_t *)(base + MIB4))[0] == 0);	/* a new buffer starts zeroed */

	EXPECT_NULL_ERRNO(acd_buffer_create_at(ctx, ACD_BUFFER_DATA, 4096, NULL), EINVAL);
	EXPECT_NULL_ERRNO(acd_buffer_create_at(ctx, ACD_BUFFER_DATA, 4096, base + 100),
			  EINVAL);

	acd_buffer_destroy(a);
	acd_buffer_destroy(b);
	CHECK(read_faults(base));
	CHECK(munmap(base, 2 * MIB4) == 0);
	CHECK(acd_close(ctx) == 0);
	return 0;
}
