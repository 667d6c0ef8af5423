/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Acceldev: the DRM accel front end's user-space interface,
 * /dev/accel/accelN. The course's /dev/acceldevN interface is in
 * acceldev.h; both reach the same device contexts, buffers and queue.
 *
 * Every struct is padded to a multiple of 8 bytes with explicit fields.
 * Fields named @flags and @pad must be zero. Structs may grow at their
 * end: the DRM core zero-extends a shorter struct from an older program,
 * and a field added later reads 0 as "as before". Pointers are __u64.
 */
#ifndef _UAPI_ACCELDEV_ACCEL_H
#define _UAPI_ACCELDEV_ACCEL_H

#ifdef __KERNEL__
#include <drm/drm.h>
#else
/* The kernel's drm.h; Debian ships it in libdrm-dev (/usr/include/libdrm). */
#include "drm.h"
#endif

#if defined(__cplusplus)
extern "C" {
#endif

/* Bumped when an ioctl or parameter is added. */
#define DRM_ACCELDEV_UAPI_VERSION	1

#define DRM_ACCELDEV_GET_PARAM		0x00
#define DRM_ACCELDEV_BO_CREATE		0x01
#define DRM_ACCELDEV_BO_INFO		0x02
#define DRM_ACCELDEV_SUBMIT		0x03
#define DRM_ACCELDEV_WAIT		0x04

#define DRM_IOCTL_ACCELDEV_GET_PARAM \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_ACCELDEV_GET_PARAM, \
		 struct drm_acceldev_get_param)
#define DRM_IOCTL_ACCELDEV_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_ACCELDEV_BO_CREATE, \
		 struct drm_acceldev_bo_create)
#define DRM_IOCTL_ACCELDEV_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_ACCELDEV_BO_INFO, \
		 struct drm_acceldev_bo_info)
#define DRM_IOCTL_ACCELDEV_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_ACCELDEV_SUBMIT, \
		 struct drm_acceldev_submit)
#define DRM_IOCTL_ACCELDEV_WAIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_ACCELDEV_WAIT, \
		 struct drm_acceldev_wait)

/**
 * enum drm_acceldev_param - what DRM_IOCTL_ACCELDEV_GET_PARAM reads
 * @DRM_ACCELDEV_PARAM_UAPI_VERSION: %DRM_ACCELDEV_UAPI_VERSION.
 * @DRM_ACCELDEV_PARAM_DEVICE_ID: PCI vendor ID << 16 | device ID.
 * @DRM_ACCELDEV_PARAM_NUM_CONTEXTS: device contexts, shared by both
 *	nodes of the function (255).
 * @DRM_ACCELDEV_PARAM_NUM_SLOTS: data-buffer slots per context (16).
 * @DRM_ACCELDEV_PARAM_MAX_BO_SIZE: largest buffer object in bytes (4 MiB).
 * @DRM_ACCELDEV_PARAM_JOB_BACKLOG: jobs one file may have waiting in the
 *	driver before SUBMIT sleeps (module parameter run_backlog).
 * @DRM_ACCELDEV_PARAM_CONTEXT_ID: the device context id of this file.
 * @DRM_ACCELDEV_PARAM_FENCE_COUNTER: user FENCEs the context has executed
 *	(the device's 32-bit counter, as seen by the driver).
 * @DRM_ACCELDEV_PARAM_CONTEXT_ERROR: 1 once the context is in error
 *	(every later SUBMIT fails with EIO), else 0.
 * @DRM_ACCELDEV_PARAM_LAST_JOB: the sequence number of the file's last
 *	SUBMIT, 0 before the first.
 */
enum drm_acceldev_param {
	DRM_ACCELDEV_PARAM_UAPI_VERSION = 0,
	DRM_ACCELDEV_PARAM_DEVICE_ID = 1,
	DRM_ACCELDEV_PARAM_NUM_CONTEXTS = 2,
	DRM_ACCELDEV_PARAM_NUM_SLOTS = 3,
	DRM_ACCELDEV_PARAM_MAX_BO_SIZE = 4,
	DRM_ACCELDEV_PARAM_JOB_BACKLOG = 5,
	DRM_ACCELDEV_PARAM_CONTEXT_ID = 6,
	DRM_ACCELDEV_PARAM_FENCE_COUNTER = 7,
	DRM_ACCELDEV_PARAM_CONTEXT_ERROR = 8,
	DRM_ACCELDEV_PARAM_LAST_JOB = 9,
};

/**
 * struct drm_acceldev_get_param - DRM_IOCTL_ACCELDEV_GET_PARAM
 * @param: in, an &enum drm_acceldev_param; others fail with EINVAL.
 * @pad: in, zero.
 * @value: out.
 */
struct drm_acceldev_get_param {
	__u32 param;
	__u32 pad;
	__u64 value;
};

/* Buffer-object types (the values of the course's BUFFER_TYPE_*). */
#define DRM_ACCELDEV_BO_CODE		0
#define DRM_ACCELDEV_BO_DATA		1

/* @slot of a buffer object bound to no slot. */
#define DRM_ACCELDEV_NO_SLOT		0xffffffffu

/**
 * struct drm_acceldev_bo_create - DRM_IOCTL_ACCELDEV_BO_CREATE
 * @size: in, bytes, 1..%DRM_ACCELDEV_PARAM_MAX_BO_SIZE; rounded up to
 *	whole 4 KiB pages.
 * @type: in, %DRM_ACCELDEV_BO_CODE or %DRM_ACCELDEV_BO_DATA.
 * @flags: in, zero.
 * @handle: out, the GEM handle in this file.
 * @slot: out, the slot of this file's context a DATA object is bound
 *	to (0..15; ENOSPC when all are taken), or %DRM_ACCELDEV_NO_SLOT.
 *
 * Memory is zeroed, coherent with the device and mappable (BO_INFO's
 * @mmap_offset; shared mappings only, and no larger than the object:
 * EINVAL). A DATA object stays bound until its last reference
 * goes (handle, mapping, dma-buf, job); commands submitted after that
 * find the slot empty.
 */
struct drm_acceldev_bo_create {
	__u64 size;
	__u32 type;
	__u32 flags;
	__u32 handle;
	__u32 slot;
};

/**
 * struct drm_acceldev_bo_info - DRM_IOCTL_ACCELDEV_BO_INFO
 * @handle: in, a GEM handle of this file (ENOENT otherwise).
 * @flags: in, zero.
 * @size: out, bytes (whole pages).
 * @mmap_offset: out, the offset to pass to mmap() on this file.
 * @type: out, %DRM_ACCELDEV_BO_CODE or %DRM_ACCELDEV_BO_DATA.
 * @slot: out, as in &struct drm_acceldev_bo_create.
 */
struct drm_acceldev_bo_info {
	__u32 handle;
	__u32 flags;
	__u64 size;
	__u64 mmap_offset;
	__u32 type;
	__u32 slot;
};

/* Most entries in each of SUBMIT's syncobj arrays. */
#define DRM_ACCELDEV_MAX_SYNCOBJS	64

/**
 * struct drm_acceldev_syncobj - one entry of SUBMIT's syncobj arrays
 * @handle: a syncobj handle of this file.
 * @flags: zero.
 * @point: 0 for a binary syncobj; else a timeline point.
 *
 * In-syncobjs must hold a fence (at @point) when SUBMIT is called:
 * ENOENT otherwise. An out-syncobj's fence is replaced (binary) or the
 * point is added (timeline) once the job is accepted.
 */
struct drm_acceldev_syncobj {
	__u32 handle;
	__u32 flags;
	__u64 point;
};

/**
 * struct drm_acceldev_submit - DRM_IOCTL_ACCELDEV_SUBMIT: one RUN
 * @code_handle: in, a CODE buffer object created on this file.
 * @flags: in, zero.
 * @offset: in, byte offset of the first user command, 4-aligned.
 * @size: in, bytes of user commands, non-zero, 4-aligned, within the
 *	object (EINVAL otherwise, as RUN).
 * @in_syncobjs: in, pointer to @in_count &struct drm_acceldev_syncobj:
 *	the job is queued to the device once all of their fences signal.
 *	Later jobs of this file queue after it.
 * @out_syncobjs: in, pointer to @out_count &struct drm_acceldev_syncobj,
 *	given the job's fence.
 * @in_count: in, 0..%DRM_ACCELDEV_MAX_SYNCOBJS.
 * @out_count: in, 0..%DRM_ACCELDEV_MAX_SYNCOBJS.
 * @job: out, the job's sequence number in this file, from 1; also the
 *	seqno of its fence.
 *
 * The job's fence signals when the RUN is done, in submission order,
 * with error 0, -EIO (the context went into error, or the device lost
 * the RUN in a reset), -ECANCELED (the file was closed before the job
 * was queued), -ENODEV (the device was removed), or an in-fence's error
 * (the job is not run). SUBMIT fails with
 * EIO once the context is in error, and sleeps (interruptibly) while
 * %DRM_ACCELDEV_PARAM_JOB_BACKLOG jobs of the file wait in the driver.
 */
struct drm_acceldev_submit {
	__u32 code_handle;
	__u32 flags;
	__u32 offset;
	__u32 size;
	__u64 in_syncobjs;
	__u64 out_syncobjs;
	__u32 in_count;
	__u32 out_count;
	__u64 job;
};

/**
 * struct drm_acceldev_wait - DRM_IOCTL_ACCELDEV_WAIT: the course's WAIT
 * on this file's user-FENCE counter
 * @fence: in, the user FENCE number to wait for; 0 returns at once.
 * @flags: in, zero.
 * @timeout_ns: in, absolute CLOCK_MONOTONIC time to give up at (ETIME),
 *	as drm_syncobj_wait; 0 checks without sleeping.
 *
 * Returns 0 once the counter reached @fence, EIO if the context is in
 * error first, EINVAL if @fence exceeds the user commands ever submitted
 * (after the jobs before it are done), ETIME, or EINTR.
 */
struct drm_acceldev_wait {
	__u32 fence;
	__u32 flags;
	__s64 timeout_ns;
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_ACCELDEV_ACCEL_H */
