// SPDX-License-Identifier: GPL-2.0
/*
 * Isolation: whatever user commands a context submits, it cannot read or
 * write another context's buffers or memory that is not bound to it. A
 * victim context on device 0 holds 16 data buffers (every slot) filled
 * with a known pattern, and a code buffer. Attackers, each a fresh
 * context on device 0 or 1, try (one attack per context):
 *  - FILL into each slot 0..15 while they have nothing bound there (the
 *    victim has): SLOT_ERROR, WAIT EIO;
 *  - FILL into slots 16, 255 and 0xffffffff: WAIT EIO;
 *  - with a 4 KiB buffer of their own in slot 0: FILL past its end (page
 *    1, offset 4 MiB - 4, offset 0xfffffffc, length 0xfffffffc, a length
 *    wrapping the 32-bit offset): WAIT EIO, their own page 0 untouched;
 *  - FILL of their own slot 0 (positive control: lands only there);
 *  - RUN with the victim's code buffer, the victim's data buffer, their
 *    own data buffer as code, a range past their code buffer: EINVAL.
 * After each attack and at the end, every word of the victim's 16 buffers
 * still holds its pattern, and the victim's own runs still work.
 */
// vmtest: timeout=120
#include "acceldev_stress.h"

#define VBUFS ACCELDEV_NUM_BUFFERS

static int victim, vcode, vdata[VBUFS];
static uint32_t vslot[VBUFS], *vwords[VBUFS], vfences;
static uint64_t words_checked;
static int attacks;

static uint32_t pattern(int b, int i)
{
	return 0x71c70000u ^ (uint32_t)b << 12 ^ (uint32_t)i;
}

static void check_victim(const char *after)
{
	for (int b = 0; b < VBUFS; b++)
		for (int i = 0; i < 1024; i++)
			CHECK_MSG(vwords[b][i] == pattern(b, i), "after %s: "
				  "victim slot %u word %d is %#x", after,
				  vslot[b], i, vwords[b][i]);
	words_checked += VBUFS * 1024;
}

struct attacker {
	int ctx, code, data;
	uint32_t *cmds, *words, slot;
};

static void attacker_open(struct attacker *a, int dev, bool with_data)
{
	a->ctx = acc_open(dev);
	a->code = acc_create_buffer(a->ctx, 4096, BUFFER_TYPE_CODE, NULL);
	a->cmds = acc_map(a->code, 4096);
	a->data = -1;
	if (with_data) {
		a->data = acc_create_buffer(a->ctx, 4096, BUFFER_TYPE_DATA,
					    &a->slot);
		a->words = acc_map(a->data, 4096);
	}
}

static void attacker_close(struct attacker *a)
{
	munmap(a->cmds, 4096);
	if (a->data >= 0) {
		munmap(a->words, 4096);
		close(a->data);
	}
	close(a->code);
	close(a->ctx);
}

/* One hostile FILL (+ FENCE) from a fresh context: WAIT must be EIO. */
static void attack_fill(int dev, bool with_data, uint32_t slot, uint32_t off,
			uint32_t len, const char *what)
{
	struct attacker a;

	attacker_open(&a, dev, with_data);
	acc_put_fence(a.cmds, acc_put_fill(a.cmds, 0, 0xbadbad00, slot, off,
					   len));
	acc_run(a.ctx, a.code, 0, 2 * ACC_CMD_BYTES);
	if (acc_try_wait(a.ctx, 1) == 0)
		FAIL("%s (device %d): the FILL succeeded", what, dev);
	CHECK_MSG(errno == EIO, "%s: WAIT: %s", what, acc_errname(errno));
	if (with_data && off >= 4096)
		for (int i = 0; i < 1024; i++)
			CHECK_MSG(a.words[i] == 0, "%s: own word %d is %#x",
				  what, i, a.words[i]);
	attacker_close(&a);
	check_victim(what);
	attacks++;
}

int main(void)
{
	struct attacker a;
	char what[64];

	acc_require_devices(2);
	victim = acc_open(0);
	vcode = acc_create_buffer(victim, 4096, BUFFER_TYPE_CODE, NULL);
	for (int b = 0; b < VBUFS; b++) {
		vdata[b] = acc_create_buffer(victim, 4096, BUFFER_TYPE_DATA,
					     &vslot[b]);
		vwords[b] = acc_map(vdata[b], 4096);
		for (int i = 0; i < 1024; i++)
			vwords[b][i] = pattern(b, i);
	}
	check_victim("setup");

	for (int dev = 0; dev < 2; dev++) {
		for (uint32_t s = 0; s < VBUFS; s++) {
			snprintf(what, sizeof(what), "FILL of unbound slot %u",
				 s);
			attack_fill(dev, false, s, 0, 4096, what);
		}
		attack_fill(dev, false, 16, 0, 4, "FILL of slot 16");
		attack_fill(dev, false, 255, 0, 4, "FILL of slot 255");
		attack_fill(dev, false, 0xffffffff, 0, 4, "FILL of slot ~0");
		attack_fill(dev, true, 0, 4096, 4, "FILL of own page 1");
		attack_fill(dev, true, 0, 4092, 8, "FILL across own end");
		attack_fill(dev, true, 0, ACCELDEV_BUFFER_MAX_SIZE - 4, 4,
			    "FILL at 4 MiB - 4");
		attack_fill(dev, true, 0, 0xfffffffc, 8,
			    "FILL at offset 0xfffffffc");
		attack_fill(dev, true, 0, 4, 0xfffffffc,
			    "FILL of length 0xfffffffc");
		attack_fill(dev, true, 0, 0x400000, 0xffc00000,
			    "FILL wrapping the 32-bit offset");
	}

	/* Positive control: an attacker's own slot 0 is its own buffer. */
	attacker_open(&a, 0, true);
	acc_put_fence(a.cmds, acc_put_fill(a.cmds, 0, 0x600d, a.slot, 0,
					   4096));
	acc_run(a.ctx, a.code, 0, 2 * ACC_CMD_BYTES);
	acc_wait(a.ctx, 1);
	for (int i = 0; i < 1024; i++)
		CHECK(a.words[i] == 0x600d);
	check_victim("the attacker's own FILL");

	/* RUN with buffers that are not its code: refused by the driver. */
	EXPECT_ERRNO(acc_try_run(a.ctx, vcode, 0, ACC_CMD_BYTES), EINVAL);
	EXPECT_ERRNO(acc_try_run(a.ctx, vdata[0], 0, ACC_CMD_BYTES), EINVAL);
	EXPECT_ERRNO(acc_try_run(a.ctx, a.data, 0, ACC_CMD_BYTES), EINVAL);
	EXPECT_ERRNO(acc_try_run(a.ctx, a.code, 4096, 4), EINVAL);
	EXPECT_ERRNO(acc_try_run(a.ctx, a.code, 4092, 8), EINVAL);
	attacker_close(&a);
	check_victim("RUNs of foreign buffers");
	attacks += 5;

	/* The victim is fine: its own FILL of slot 0's first word works. */
	uint32_t *cmds = acc_map(vcode, 4096);

	acc_put_fence(cmds, acc_put_fill(cmds, 0, pattern(0, 0), vslot[0], 0,
					 4));
	acc_run(victim, vcode, 0, 2 * ACC_CMD_BYTES);
	acc_wait(victim, ++vfences);
	check_victim("the victim's own run");
	printf("isolation_hostile_commands: attacks=%d victim_words_checked="
	       "%llu\n", attacks, (unsigned long long)words_checked);
	return 0;
}
