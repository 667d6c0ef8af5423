/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Acceldev accel front end (/dev/accel/accelN): what core/, dispatch/ and
 * mm/ call. Without CONFIG_DRM_ACCEL the module has only /dev/acceldevN
 * and these are empty.
 */
#ifndef _ACCELDEV_CORE_ACCEL_H
#define _ACCELDEV_CORE_ACCEL_H

#include "acceldev.h"

struct dma_buf;
struct drm_acceldev_submit;
struct drm_device;
struct drm_file;
struct drm_gem_object;

#if IS_ENABLED(CONFIG_DRM_ACCEL)

/* core/accel.c */
int acceldev_accel_register(struct acceldev_device *adev);
void acceldev_accel_unplug(struct acceldev_device *adev);
void acceldev_accel_removed(struct acceldev_device *adev);
struct acceldev_context *acceldev_accel_file_context(struct drm_file *file);
struct acceldev_device *acceldev_accel_kdev_device(struct device *kdev);

/* dispatch/job.c */
void acceldev_job_context_init(struct acceldev_context *ctx);
int acceldev_job_submit(struct acceldev_context *ctx, struct drm_file *file,
			struct drm_acceldev_submit *args,
			struct drm_gem_object *code);
void acceldev_jobs_retire(struct acceldev_device *adev);
void acceldev_jobs_lost(struct acceldev_device *adev, u64 last_fed);
void acceldev_jobs_take_held_locked(struct acceldev_context *ctx,
				    struct list_head *list);
void acceldev_jobs_fail_held(struct list_head *list);
void acceldev_jobs_cancel_held(struct acceldev_context *ctx);
void acceldev_jobs_stopped(struct acceldev_device *adev);
void acceldev_jobs_reap(struct acceldev_device *adev);

/* mm/bo.c */
struct acceldev_buffer *acceldev_bo_buffer(struct drm_gem_object *obj);
struct drm_gem_object *acceldev_bo_create(struct drm_device *drm,
					  struct acceldev_context *ctx,
					  enum acceldev_buffer_type type,
					  size_t size);
struct drm_gem_object *acceldev_gem_prime_import(struct drm_device *drm,
						 struct dma_buf *dmabuf);

#else

static inline int acceldev_accel_register(struct acceldev_device *adev)
{
	return 0;
}

static inline void acceldev_accel_unplug(struct acceldev_device *adev) {}

static inline struct acceldev_device *
acceldev_accel_kdev_device(struct device *kdev)
{
	return NULL;
}

static inline void acceldev_accel_removed(struct acceldev_device *adev) {}
static inline void acceldev_job_context_init(struct acceldev_context *ctx) {}
static inline void acceldev_jobs_retire(struct acceldev_device *adev) {}
static inline void acceldev_jobs_lost(struct acceldev_device *adev,
				      u64 last_fed)
{
}

static inline void acceldev_jobs_reap(struct acceldev_device *adev) {}

#endif

#endif /* _ACCELDEV_CORE_ACCEL_H */
