/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Acceldev: user-space interface and hardware constants.
 *
 * Names, values and layouts are fixed by the original Acceldev header
 * (see DEVICE.md section 8): programs written against it must build
 * unchanged against this one. This header additionally builds cleanly in
 * the kernel and in C and C++ programs that include nothing else first.
 */
#ifndef _UAPI_ACCELDEV_H
#define _UAPI_ACCELDEV_H

#include <linux/ioctl.h>
#include <linux/types.h>

#ifndef __KERNEL__
#ifndef __cplusplus
#include <stdbool.h>
#endif
/* The device takes 64-bit DMA addresses whatever the CPU's word size. */
typedef __u64 dma_addr_t;
#endif

#define ACCELDEV_NAME "acceldev"

/* Section 1: PCI identity. */
#define ACCELDEV_VENDOR_ID 0x0666
#define ACCELDEV_DEVICE_ID 0x0019

/* Section 2: BAR0 registers (aligned 32-bit accesses only). */
#define ACCELDEV_INTR			0x0000 /* R, write 1 to clear */
#define ACCELDEV_INTR_ENABLE		0x0004 /* R/W */
#define ACCELDEV_ENABLE			0x0008 /* R/W */
#define ACCELDEV_CONTEXTS_CONFIGS	0x000c /* R/W, low word; high at +4 */

#define CMDS_BUFFER_SIZE		255
#define CMD_MANUAL_FEED			0x008c /* W, 5 words; word 4 submits */
#define CMD_MANUAL_FREE			0x008c /* R, whole commands that fit */

#define ACCELDEV_BAR_SIZE		0x1000

#define ACCELDEV_CMD_FENCE_LAST		0x00a0 /* R/W */
#define ACCELDEV_CMD_FENCE_WAIT		0x00a4 /* R/W */

/* Section 3: constants. */
#define ACCELDEV_DEVICE_CMD_WORDS	5
#define ACCELDEV_USER_CMD_WORDS		5
#define ACCELDEV_PAGE_SHIFT		12
#define ACCELDEV_PAGE_SIZE		0x1000
#define ACCELDEV_NUM_BUFFERS		16
#define ACCELDEV_BUFFER_MAX_SIZE	0x400000
#define ACCELDEV_MAX_CONTEXTS		255

/* Interrupt bits, in INTR and INTR_ENABLE. */
#define ACCELDEV_INTR_FENCE_WAIT	0x01
#define ACCELDEV_INTR_FEED_ERROR	0x02
#define ACCELDEV_INTR_CMD_ERROR		0x04
#define ACCELDEV_INTR_MEM_ERROR		0x08
#define ACCELDEV_INTR_SLOT_ERROR	0x10
#define ACCELDEV_INTR_USER_FENCE_WAIT	0x20

/*
 * ioctl request numbers. These are plain integers, not _IO() encodings:
 * the original interface is defined that way and must stay so.
 */
#define ACCELDEV_IOCTL_CREATE_BUFFER	0x0
#define ACCELDEV_IOCTL_RUN		0x1
#define ACCELDEV_IOCTL_WAIT		0x3

/* Device commands (written by the driver to CMD_MANUAL_FEED). */
#define ACCELDEV_DEVICE_CMD_TYPE(cmd)		((cmd) & 0xf)
#define ACCELDEV_DEVICE_CMD_TYPE_NOP		0x0
#define ACCELDEV_DEVICE_CMD_TYPE_RUN		0x1
#define ACCELDEV_DEVICE_CMD_TYPE_BIND_SLOT	0x2
#define ACCELDEV_DEVICE_CMD_TYPE_FENCE		0x3

#define ACCELDEV_DEVICE_CMD_RUN_HEADER(ctx) \
	(ACCELDEV_DEVICE_CMD_TYPE_RUN | (ctx) << 4)
#define ACCELDEV_DEVICE_CMD_RUN_EXTRACT_CONTEXT_ID(header) ((header) >> 4)

#define ACCELDEV_DEVICE_CMD_BIND_SLOT_HEADER(ctx) \
	(ACCELDEV_DEVICE_CMD_TYPE_BIND_SLOT | (ctx) << 4)
#define ACCELDEV_DEVICE_CMD_BIND_SLOT_EXTRACT_CONTEXT_ID(header) \
	((header) >> 4)

/* User commands (in code buffers, executed by a RUN). */
#define ACCELDEV_USER_CMD_TYPE(cmd)		((cmd) & 0xf)
#define ACCELDEV_USER_CMD_TYPE_NOP		0x0
#define ACCELDEV_USER_CMD_TYPE_FENCE		0x1
#define ACCELDEV_USER_CMD_TYPE_FILL		0x2

#define ACCELDEV_CONTEXT_STATUS_ERROR		0x1

/**
 * enum acceldev_buffer_type - kind of buffer made by CREATE_BUFFER
 * @BUFFER_TYPE_CODE: holds user commands; named by RUN, takes no slot.
 * @BUFFER_TYPE_DATA: bound to one of the context's 16 slots for FILL.
 * @BUFFER_TYPES_COUNT: number of valid types; not a type.
 */
enum acceldev_buffer_type {
	BUFFER_TYPE_CODE = 0,
	BUFFER_TYPE_DATA = 1,
	BUFFER_TYPES_COUNT,
};

/**
 * struct acceldev_ioctl_create_buffer_result - output of CREATE_BUFFER
 * @buffer_slot: slot (0..15) the new DATA buffer is bound to.
 */
struct acceldev_ioctl_create_buffer_result {
	__u32 buffer_slot;
};

/**
 * struct acceldev_ioctl_create_buffer - argument of CREATE_BUFFER
 * @size: requested size in bytes, 1..ACCELDEV_BUFFER_MAX_SIZE; rounded up
 *        to whole pages.
 * @type: an &enum acceldev_buffer_type.
 * @result: user pointer; for a DATA buffer the driver stores the slot
 *          there. For a CODE buffer it is left untouched.
 *
 * The ioctl returns the new buffer's file descriptor. The layout holds a
 * native pointer (16 bytes on 64-bit, 12 on 32-bit): 32-bit callers are
 * served by the driver's compat handler.
 */
struct acceldev_ioctl_create_buffer {
	int size;
	enum acceldev_buffer_type type;
	struct acceldev_ioctl_create_buffer_result *result;
};

/**
 * struct acceldev_ioctl_run - argument of RUN
 * @cfd: file descriptor of a CODE buffer of this context.
 * @addr: byte offset of the first user command; a multiple of 4.
 * @size: byte length of the user commands; non-zero, a multiple of 4,
 *        and @addr + @size within the buffer.
 */
struct acceldev_ioctl_run {
	int cfd;
	__u32 addr;
	__u32 size;
};

/**
 * struct acceldev_ioctl_wait - argument of WAIT
 * @fence_wait: number of the user FENCE to wait for, counted over all runs
 *              of the context from 1, modulo 2^32. 0 returns at once.
 */
struct acceldev_ioctl_wait {
	__u32 fence_wait;
};

/**
 * struct acceldev_context_on_device_config - one entry of the device's
 * context-config array (255 entries, indexed by context id)
 * @buffers_slots_config_ptr: page-table DMA address of the data buffer
 *                            bound at each slot, or 0.
 * @fence_counter: number of user FENCEs executed, written by the device.
 * @status: bit 0 (%ACCELDEV_CONTEXT_STATUS_ERROR) set by the device when
 *          the context fails.
 *
 * Little-endian in memory, 64-byte aligned, 192 bytes in all.
 */
struct acceldev_context_on_device_config {
	dma_addr_t buffers_slots_config_ptr[ACCELDEV_NUM_BUFFERS];
	__u32 fence_counter;
	__u8 status;
} __attribute__((__aligned__(64)));

static inline bool acceldev_context_on_device_config_is_error(__u8 status)
{
	return status & ACCELDEV_CONTEXT_STATUS_ERROR;
}

#endif /* _UAPI_ACCELDEV_H */
