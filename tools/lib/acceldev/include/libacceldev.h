/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libacceldev.h - user-mode library for the Acceldev accelerator.
 *
 * A context (struct acd_ctx) is one open of a device node: the course's
 * /dev/acceldevN, or the same function's DRM accel node /dev/accel/accelM
 * (acd_open_node(), or acd_open_path() of either). Both reach the same
 * device; every function below works the same on both. On it you
 * create buffers, which come back already mapped, and append user
 * commands (NOP, FILL, FENCE) to the context's command stream. The
 * stream writes the commands into code buffers it owns and submits them
 * with the driver's RUN ioctl; when a code buffer is full it submits what
 * it holds and carries on in the next one.
 *
 * Fences: acd_fence() appends a FENCE and returns a 64-bit handle, the
 * number of FENCEs appended on the context so far (1, 2, 3, ...). Wait
 * for it with acd_wait(). The device counts fences in 32 bits; the
 * library keeps the 64-bit count and gives the driver the low 32 bits.
 *
 * The accel node: buffers are buffer objects (GEM handles of the
 * context's DRM file, mapped through it), the stream submits with the
 * node's SUBMIT ioctl and waits with its WAIT (on the same user-FENCE
 * counter). Each SUBMIT also signals a syncobj of the context with the
 * job's fence; acd_submit_sync_file() hands it out as a sync_file, a
 * file descriptor that poll() reports readable once the work is done.
 *
 * Errors: functions return -1 (or NULL) and set errno; acd_error()
 * returns a message about the last failure in the calling thread, e.g.
 * "RUN on /dev/acceldev0: Input/output error (the context is in error)".
 *
 * Threads: every function may be called from several threads on the same
 * context. Appending and submitting take the context's mutex, so each
 * call is atomic: commands of different threads interleave call by call,
 * never inside a command. acd_wait() sleeps in the driver without the
 * mutex, so other threads keep submitting meanwhile. A FENCE waits for
 * every earlier command of the context, so a thread that appends its
 * FILL and then its FENCE may wait for that fence and read its data
 * whatever other threads appended in between.
 *
 * Allocation: acd_open() makes the first code buffer. Appending commands
 * allocates nothing, except when every code buffer is full or still in
 * use by the device: then the stream creates another one (up to the
 * maximum set by acd_stream_setup()), or, at the maximum, waits for the
 * oldest one to be finished (appending a FENCE for it if needed). No
 * function busy-waits: waiting is the driver's WAIT ioctl.
 */
#ifndef LIBACCELDEV_H
#define LIBACCELDEV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** struct acd_ctx - a context: one open of a device node (opaque). */
struct acd_ctx;

/** struct acd_buffer - a buffer created on a context, mapped (opaque). */
struct acd_buffer;

/**
 * typedef acd_fence_t - handle of a FENCE appended on a context: the
 * number of FENCEs appended on that context up to and including it.
 * 0 is "no fence" and is always reached.
 */
typedef uint64_t acd_fence_t;

/**
 * enum acd_buffer_type - kind of buffer
 * @ACD_BUFFER_CODE: holds user commands (the stream makes its own; a
 *                   caller rarely needs one).
 * @ACD_BUFFER_DATA: bound to one of the context's 16 slots, written by
 *                   FILL.
 */
enum acd_buffer_type {
	ACD_BUFFER_CODE = 0,
	ACD_BUFFER_DATA = 1,
};

/**
 * enum acd_node - which device node of a function a context opens
 * @ACD_NODE_CHARDEV: /dev/acceldevN, the course's interface.
 * @ACD_NODE_ACCEL: /dev/accel/accelM, the same function's DRM accel node
 *                  (where the kernel has CONFIG_DRM_ACCEL).
 */
enum acd_node {
	ACD_NODE_CHARDEV = 0,
	ACD_NODE_ACCEL = 1,
};

/* Largest buffer the device accepts (4 MiB). */
#define ACD_BUFFER_MAX_SIZE 0x400000

/* Size of one user command in a code buffer (five 32-bit words). */
#define ACD_CMD_BYTES 20

/* Defaults of the command stream (see acd_stream_setup()). */
#define ACD_STREAM_DEFAULT_BUFFER_SIZE (64 * 1024)
#define ACD_STREAM_DEFAULT_MAX_BUFFERS 8

/**
 * acd_open() - open a new context on /dev/acceldev<index>
 * @index: device number, 0 for /dev/acceldev0.
 *
 * Return: the context, or NULL with errno set (ENOENT: no such device;
 * EBUSY: all 255 contexts of the device are in use).
 */
struct acd_ctx *acd_open(int index);

/**
 * acd_open_path() - open a new context on a device node
 * @path: e.g. "/dev/acceldev1" or "/dev/accel/accel0".
 *
 * A node of the accel subsystem's major (261) is used as an accel node
 * (ENODEV if its DRM driver is not acceldev); any other as /dev/acceldevN.
 *
 * Return: the context, or NULL with errno set.
 */
struct acd_ctx *acd_open_path(const char *path);

/**
 * acd_open_node() - open a new context on one node of device @index
 * @index: device number, 0 for the function of /dev/acceldev0.
 * @node: ACD_NODE_CHARDEV (as acd_open()) or ACD_NODE_ACCEL.
 *
 * Return: the context, or NULL with errno set (ENOENT: no such device, or
 * it has no accel node; EBUSY: all 255 contexts of the device are in use,
 * counting both nodes).
 */
struct acd_ctx *acd_open_node(int index, enum acd_node node);

/**
 * acd_node_path() - the path of one node of device @index
 * @index: device number.
 * @node: ACD_NODE_CHARDEV or ACD_NODE_ACCEL.
 * @buf: where the path goes ("/dev/acceldev0", "/dev/accel/accel0").
 * @len: size of @buf.
 *
 * The accel node is found in sysfs, as
 * /sys/class/acceldev/acceldev<index>/device/accel/accel<M>; the device
 * node itself is not checked.
 *
 * Return: 0, or -1 with errno (ENOENT: no such device or no accel node;
 * EINVAL: bad @node).
 */
int acd_node_path(int index, enum acd_node node, char *buf, size_t len);

/** acd_ctx_node() - the kind of node the context is open on. */
enum acd_node acd_ctx_node(const struct acd_ctx *ctx);

/**
 * acd_close() - submit what is still appended, close the context
 * @ctx: context, or NULL (then nothing happens).
 *
 * Frees the stream's code buffers and closes the context's file. The
 * driver lets runs already submitted finish first. Buffers created by
 * the caller stay valid until acd_buffer_destroy() (the driver allows a
 * buffer to outlive its context), but no more commands can use them.
 *
 * Return: 0, or -1 with errno set when the last submission failed (the
 * context is closed anyway).
 */
int acd_close(struct acd_ctx *ctx);

/**
 * acd_ctx_fd() - the context's file descriptor (for poll-free raw use):
 * the /dev/acceldevN file, or the DRM file of the accel node.
 */
int acd_ctx_fd(const struct acd_ctx *ctx);

/**
 * acd_stream_setup() - size the context's command stream
 * @ctx: context on which nothing was appended yet.
 * @buffer_size: bytes per code buffer, at least ACD_CMD_BYTES * 2 and at
 *               most ACD_BUFFER_MAX_SIZE; 0 keeps the current size.
 * @max_buffers: most code buffers the stream may own, at least 1.
 *
 * Replaces the stream's code buffers by one new buffer of @buffer_size.
 * If that fails, the context has no stream (appending fails with ENOMEM)
 * until a later acd_stream_setup() succeeds.
 *
 * Return: 0, or -1 with errno: EINVAL (bad size or count), EBUSY
 * (commands were appended already), or the CREATE_BUFFER error.
 */
int acd_stream_setup(struct acd_ctx *ctx, size_t buffer_size,
		     unsigned int max_buffers);

/**
 * acd_stream_buffers() - code buffers the stream owns now (>= 1)
 * @ctx: context.
 */
unsigned int acd_stream_buffers(struct acd_ctx *ctx);

/**
 * acd_buffer_create() - create a buffer and map it
 * @ctx: context.
 * @type: ACD_BUFFER_CODE or ACD_BUFFER_DATA.
 * @size: 1..ACD_BUFFER_MAX_SIZE bytes; the driver rounds it up to whole
 *        4 KiB pages and the whole rounded size is mapped.
 *
 * The buffer starts zeroed. A data buffer is bound to a free slot of the
 * context (acd_buffer_slot()).
 *
 * Return: the buffer, or NULL with errno: EINVAL (size or type),
 * ENOSPC/EBUSY (all 16 slots used), ENOMEM.
 */
struct acd_buffer *acd_buffer_create(struct acd_ctx *ctx,
				     enum acd_buffer_type type, size_t size);

/**
 * acd_buffer_create_at() - create a buffer and map it at a given address
 * @ctx: context.
 * @type: ACD_BUFFER_CODE or ACD_BUFFER_DATA.
 * @size: as for acd_buffer_create().
 * @addr: page-aligned address; the mapping replaces whatever the
 *        caller had there (MAP_FIXED), normally part of a range it
 *        reserved with mmap(PROT_NONE).
 *
 * As acd_buffer_create(), mapped at @addr, so that a caller can place
 * several buffers side by side in one range. acd_buffer_destroy() leaves
 * an inaccessible anonymous mapping (PROT_NONE) in its place rather than
 * a hole; the caller unmaps its range.
 *
 * Return: the buffer, or NULL with errno as for acd_buffer_create(), or
 * EINVAL for a NULL or unaligned @addr.
 */
struct acd_buffer *acd_buffer_create_at(struct acd_ctx *ctx,
					enum acd_buffer_type type, size_t size,
					void *addr);

/**
 * acd_buffer_destroy() - unmap and close a buffer
 * @buf: buffer, or NULL.
 *
 * On /dev/acceldevN the driver makes the close wait until the runs
 * submitted earlier on the buffer's context have finished, then frees
 * the slot. On the accel node it returns at once: the slot is free for
 * later buffers and commands at once, while the jobs submitted earlier
 * keep the memory until they are done.
 */
void acd_buffer_destroy(struct acd_buffer *buf);

/** acd_buffer_map() - the buffer's mapping (read/write, shared). */
void *acd_buffer_map(const struct acd_buffer *buf);

/** acd_buffer_size() - the buffer's size: the requested one rounded up. */
size_t acd_buffer_size(const struct acd_buffer *buf);

/** acd_buffer_slot() - slot 0..15 of a data buffer; -1 for a code one. */
int acd_buffer_slot(const struct acd_buffer *buf);

/**
 * acd_buffer_fd() - the buffer's file descriptor (/dev/acceldevN)
 *
 * Return: the fd; -1 with errno EOPNOTSUPP for a buffer object of the
 * accel node, which has none (see acd_buffer_handle()).
 */
int acd_buffer_fd(const struct acd_buffer *buf);

/**
 * acd_buffer_handle() - the GEM handle of a buffer object (accel node)
 *
 * Return: the handle in the context's DRM file (acd_ctx_fd()), for PRIME
 * export or a raw SUBMIT; 0 for a /dev/acceldevN buffer and once the
 * context is closed.
 */
uint32_t acd_buffer_handle(const struct acd_buffer *buf);

/**
 * acd_nop() - append a NOP
 * @ctx: context.
 *
 * Return: 0, or -1 with errno (see acd_fill()).
 */
int acd_nop(struct acd_ctx *ctx);

/**
 * acd_fill() - append a FILL of a data buffer
 * @ctx: context the buffer was created on.
 * @buf: data buffer.
 * @value: 32-bit value written repeatedly.
 * @offset: first byte, a multiple of 4.
 * @len: bytes, a multiple of 4; @offset + @len within the buffer.
 *
 * Return: 0, or -1 with errno: EINVAL (not a data buffer of @ctx, or a
 * bad range), or an error of RUN (EIO: the context is in error) or of
 * growing the stream, when the call had to submit or grow.
 */
int acd_fill(struct acd_ctx *ctx, const struct acd_buffer *buf,
	     uint32_t value, uint32_t offset, uint32_t len);

/**
 * acd_fence() - append a FENCE
 * @ctx: context.
 * @fence: where to store the new fence's handle (may be NULL).
 *
 * Return: 0, or -1 with errno as for acd_fill().
 */
int acd_fence(struct acd_ctx *ctx, acd_fence_t *fence);

/**
 * acd_submit() - submit every command appended so far (RUN)
 * @ctx: context.
 *
 * Nothing appended: returns 0 without a RUN.
 *
 * Return: 0, or -1 with errno from RUN (EIO: the context is in error).
 */
int acd_submit(struct acd_ctx *ctx);

/**
 * acd_wait() - wait until a fence is reached
 * @ctx: context.
 * @fence: handle from acd_fence() on this context; 0 returns at once.
 *
 * Submits first if the fence was appended but not submitted yet. Sleeps
 * in the driver (WAIT ioctl) and returns at once for a fence known to be
 * reached.
 *
 * Return: 0, or -1 with errno: EINVAL (no such fence on this context),
 * EIO (the context went into error before the fence), EINTR (a signal;
 * call again).
 */
int acd_wait(struct acd_ctx *ctx, acd_fence_t fence);

/**
 * acd_submit_sync_file() - submit, and get a sync_file of all submitted work
 * @ctx: context on the accel node.
 *
 * Submits what is appended (as acd_submit()), then exports the fence of
 * the context's last SUBMIT as a sync_file: a new file descriptor
 * (close-on-exec) that poll() reports readable (POLLIN) once every
 * command submitted on the context so far is done (jobs complete in
 * order). SYNC_IOC_FILE_INFO gives its status: 1 done, or the error it
 * was signalled with (-EIO: the context went into error, or the device
 * lost the run; -ENODEV: the device was removed). A context that never
 * submitted gives a signalled one. The caller closes it.
 *
 * Return: the fd, or -1 with errno: EOPNOTSUPP (a /dev/acceldevN
 * context: no fences there), an error of SUBMIT, or of the export.
 */
int acd_submit_sync_file(struct acd_ctx *ctx);

/**
 * acd_fence_last() - handle of the last fence appended (0 if none)
 * @ctx: context.
 */
acd_fence_t acd_fence_last(struct acd_ctx *ctx);

/**
 * acd_error() - message about the last failure in the calling thread
 *
 * Return: a thread-local string, valid until the thread's next failing
 * call; "" if nothing failed yet.
 */
const char *acd_error(void);

#ifdef __cplusplus
}
#endif

#endif /* LIBACCELDEV_H */
