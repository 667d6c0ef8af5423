// SPDX-License-Identifier: GPL-2.0
/*
 * A DATA object stays bound to its slot until its last reference goes
 * (uapi/acceldev_accel.h, struct drm_acceldev_bo_create: handle, mapping,
 * dma-buf, job), and commands submitted after that find the slot empty:
 *  - with 16 DATA objects, one's handle closed (GEM_CLOSE) while it is
 *    mapped: a new DATA object is still ENOSPC, a FILL through its slot
 *    lands in the mapping;
 *  - the same with its dma-buf fd the last reference: the FILL is seen
 *    through the dma-buf's mapping;
 *  - once the mapping and the dma-buf are gone too, both slots are free:
 *    a new DATA object gets one of them, and a FILL into the other one
 *    fails its job (WAIT EIO: SLOT_ERROR).
 */
// vmtest: timeout=60
#include "acceldev_accel_test.h"

#define N ACCELDEV_NUM_BUFFERS

/* FILL @value into @slot + FENCE on @a at word @w; the WAIT's result. */
static int fill_slot(struct acc_actx *a, size_t w, uint32_t slot,
		     uint32_t value, uint32_t fence)
{
	size_t end = acc_put_fence(a->cmds, acc_put_fill(a->cmds, w, value,
							 slot, 0, 4096));

	acc_accel_submit(a->fd, a->code, (uint32_t)(w * 4),
			 (uint32_t)((end - w) * 4), 0);
	return acc_accel_try_wait(a->fd, fence, acc_deadline(30));
}

int main(void)
{
	struct acc_actx a;
	uint32_t h[N], slots[N], h2, s2;
	uint32_t *m, *viabuf;
	int dmabuf;

	acc_actx_open(&a, 0, 4096, 4096);
	acc_watchdog(50, "slots held by the last reference");
	h[0] = a.data;
	slots[0] = a.slot;
	for (int i = 1; i < N; i++)
		h[i] = acc_accel_bo_create(a.fd, 4096, DRM_ACCELDEV_BO_DATA,
					   &slots[i]);

	/* The mapping is the last reference. */
	m = acc_accel_map(a.fd, h[5], 4096);
	acc_gem_close(a.fd, h[5]);
	EXPECT_ERRNO(acc_accel_try_bo_create(a.fd, 4096, DRM_ACCELDEV_BO_DATA,
					     0, &h2, &s2), ENOSPC);
	EXPECT_OK(fill_slot(&a, 0, slots[5], 0x1a57, 1));
	for (int i = 0; i < 1024; i++)
		CHECK_MSG(m[i] == 0x1a57, "mapping after GEM_CLOSE: word %d "
			  "is %#x", i, m[i]);

	/* The dma-buf is the last reference. */
	dmabuf = acc_prime_export(a.fd, h[6]);
	acc_gem_close(a.fd, h[6]);
	EXPECT_ERRNO(acc_accel_try_bo_create(a.fd, 4096, DRM_ACCELDEV_BO_DATA,
					     0, &h2, &s2), ENOSPC);
	EXPECT_OK(fill_slot(&a, 10, slots[6], 0xd8bf, 2));
	viabuf = mmap(NULL, 4096, PROT_READ, MAP_SHARED, dmabuf, 0);
	CHECK_MSG(viabuf != MAP_FAILED, "mmap of the dma-buf: %s",
		  acc_errname(errno));
	for (int i = 0; i < 1024; i++)
		CHECK_MSG(viabuf[i] == 0xd8bf, "dma-buf after GEM_CLOSE: word "
			  "%d is %#x", i, viabuf[i]);
	munmap(viabuf, 4096);

	/* Both go: the slots are free, a FILL into one fails. */
	munmap(m, 4096);
	CHECK(close(dmabuf) == 0);
	h2 = acc_accel_bo_create(a.fd, 4096, DRM_ACCELDEV_BO_DATA, &s2);
	CHECK_MSG(s2 == slots[5] || s2 == slots[6], "new DATA BO got slot %u,"
		  " the freed ones are %u and %u", s2, slots[5], slots[6]);
	s2 = s2 == slots[5] ? slots[6] : slots[5];
	EXPECT_ERRNO(fill_slot(&a, 20, s2, 0xdead, 3), EIO);
	acc_watchdog(0, "");
	acc_actx_close(&a);
	acc_accel_check_device_works(0);
	return 0;
}
