// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev dispatcher, accel jobs: one RUN of the accel front end and the
 * dma_fence that reports its end. Jobs go on the same pending list as
 * the chardev's RUNs; the work signals their fences, in order, when the
 * device FENCE behind them retires. Documentation/acceldev.rst, "The
 * accel front end", has the lifetimes and the signalling rules.
 */

#include <linux/dma-fence.h>
#include <linux/dma-fence-chain.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_syncobj.h>

#include "../uapi/acceldev_accel.h"
#include "../core/accel.h"
#include "dispatch.h"

/**
 * struct acceldev_job - one SUBMIT
 * @base: its fence; first, so that dma_fence_free() frees the job.
 * @lock: @base's lock (the fence may outlive the context).
 * @link: in &acceldev_context.held (ctx->lock) until queued, then in
 *        &acceldev_device.jobs and &acceldev_device.jobs_done (queue_lock),
 *        with its RUN's seq.
 * @ctx: the context (counted until the job is reaped).
 * @code: the code buffer object (counted until the job is reaped).
 * @cmd: the RUN, owned until queued.
 * @user_cmds: user commands in the RUN: the most FENCEs it can execute;
 *             counted in &acceldev_context.cmds_submitted from SUBMIT on,
 *             and taken out again if the job fails unrun.
 * @in: in-fences (counted); those before @in_next signalled.
 * @in_count: entries of @in.
 * @in_next: the in-fence waited for.
 * @in_cb: on @in[@in_next] while the job waits for it.
 * @in_error: the first error an in-fence signalled with.
 *
 * Owner: its fence's references: the submitter's until SUBMIT returns,
 * one for each list it is on, one for each syncobj it was given to.
 * Every job holds an entry of its context's RUN backlog until its RUN is
 * fed or the job fails unqueued. A fence holds the module (its ops).
 */
struct acceldev_job {
	struct dma_fence base;
	spinlock_t lock; /* the fence's */
	struct acceldev_job_link link;
	struct acceldev_context *ctx;
	struct drm_gem_object *code;
	struct acceldev_cmd *cmd;
	u32 user_cmds;
	struct dma_fence **in;
	unsigned int in_count;
	unsigned int in_next;
	struct dma_fence_cb in_cb;
	int in_error;
};

static const char *acceldev_job_driver_name(struct dma_fence *fence)
{
	return ACCELDEV_NAME;
}

static const char *acceldev_job_timeline_name(struct dma_fence *fence)
{
	return "acceldev-context";
}

/*
 * The last fence reference went: free the job (after an RCU grace period,
 * as dma_fence_free() does) and let go of the module. Nothing of this
 * module runs after module_put(), which is the last call.
 */
static void acceldev_job_release(struct dma_fence *fence)
{
	dma_fence_free(fence);
	module_put(THIS_MODULE);
}

static const struct dma_fence_ops acceldev_job_fence_ops = {
	.get_driver_name = acceldev_job_driver_name,
	.get_timeline_name = acceldev_job_timeline_name,
	.release = acceldev_job_release,
};

static void acceldev_held_work(struct work_struct *work);

/**
 * acceldev_job_context_init() - set up a new context's job state
 * @ctx: the context, not yet visible.
 *
 * Context: any.
 */
void acceldev_job_context_init(struct acceldev_context *ctx)
{
	ctx->fence_context = dma_fence_context_alloc(1);
	INIT_WORK(&ctx->held_work, acceldev_held_work);
}

/*
 * Drop what a job holds: in-fences, its RUN if never queued, the code
 * object, the context, and one fence reference (of the list it was taken
 * off, or the submitter's). Context: process, no locks held.
 */
static void acceldev_job_put_refs(struct acceldev_job *job)
{
	unsigned int i;

	for (i = job->in_next; i < job->in_count; i++)
		dma_fence_put(job->in[i]);
	kfree(job->in);
	job->in = NULL;
	job->in_count = 0;
	acceldev_cmd_free(job->cmd);
	job->cmd = NULL;
	drm_gem_object_put(job->code);
	acceldev_context_put(job->ctx);
	dma_fence_put(&job->base);
}

/*
 * Signal the jobs of @list, which nobody else can reach, with @err unless
 * they carry an error already, then drop their references.
 *
 * Context: process, no locks held.
 */
static void acceldev_jobs_fail(struct list_head *list, int err)
{
	struct acceldev_job *job, *tmp;
	bool cookie;

	cookie = dma_fence_begin_signalling();
	list_for_each_entry(job, list, link.node) {
		if (!job->base.error)
			dma_fence_set_error(&job->base, err);
		dma_fence_signal(&job->base);
	}
	dma_fence_end_signalling(cookie);
	list_for_each_entry_safe(job, tmp, list, link.node) {
		list_del(&job->link.node);
		acceldev_job_put_refs(job);
	}
}

/*
 * acceldev_job_queue_locked() - put a job's RUN on the pending list
 *
 * Context: any; caller holds ctx->lock.
 * Return: 0 with the RUN the dispatcher's and the list's reference taken
 * over by &acceldev_device.jobs; -EIO or -ENODEV, nothing changed.
 */
static int acceldev_job_queue_locked(struct acceldev_job *job)
{
	struct acceldev_context *ctx = job->ctx;
	struct acceldev_cmd *cmd = job->cmd;
	int ret;

	lockdep_assert_held(&ctx->lock);

	if (ctx->broken)
		return -EIO;
	/*
	 * Given up before it is listed: once queue_lock is dropped the work
	 * may feed and free the RUN, and the reaper put the job's refs,
	 * while we still hold ctx->lock.
	 */
	job->cmd = NULL;
	ret = acceldev_queue_job_locked(ctx, cmd, &job->link);
	if (ret)
		job->cmd = cmd;
	return ret;
}

/* An in-fence signalled: let the context's held work look. Any context. */
static void acceldev_job_in_signalled(struct dma_fence *fence,
				      struct dma_fence_cb *cb)
{
	struct acceldev_job *job = container_of(cb, struct acceldev_job, in_cb);

	/* SAFETY: a held job holds its context, the context its device. */
	queue_work(job->ctx->adev->wq, &job->ctx->held_work);
}

/*
 * acceldev_job_inputs_signalled_locked() - have all in-fences signalled?
 *
 * Drops the signalled ones; on the first that has not, arms @in_cb.
 *
 * Context: any; caller holds ctx->lock.
 * Return: true if none is left.
 */
static bool acceldev_job_inputs_signalled_locked(struct acceldev_job *job)
{
	struct dma_fence *fence;

	lockdep_assert_held(&job->ctx->lock);

	for (; job->in_next < job->in_count; job->in_next++) {
		fence = job->in[job->in_next];
		if (!dma_fence_add_callback(fence, &job->in_cb,
					    acceldev_job_in_signalled))
			return false;
		if (fence->error && !job->in_error)
			job->in_error = fence->error;
		dma_fence_put(fence);
	}
	return true;
}

/*
 * acceldev_job_unrun_locked() - a held job that will not run
 *
 * Its fence still signals in order, with @err: it is listed after every
 * command queued so far (the context's earlier RUNs among them) and
 * signalled when they are done. Its FENCEs will not come: WAITs for them
 * may now be unreachable.
 *
 * Context: any; caller holds ctx->lock; takes queue_lock.
 * Return: true; false after removal (the job stays held: removal fails
 * it once the device is stopped).
 */
static bool acceldev_job_unrun_locked(struct acceldev_job *job, int err)
{
	struct acceldev_context *ctx = job->ctx;
	struct acceldev_device *adev = ctx->adev;

	lockdep_assert_held(&ctx->lock);

	spin_lock(&adev->queue_lock);
	if (adev->gone) {
		spin_unlock(&adev->queue_lock);
		return false;
	}
	dma_fence_set_error(&job->base, err);
	job->link.seq = adev->queued_seq;
	list_move_tail(&job->link.node, &adev->jobs);
	adev->fence_want = max(adev->fence_want, job->link.seq);
	spin_unlock(&adev->queue_lock);

	acceldev_run_unreserve_locked(ctx);
	if (job->in_next < job->in_count)
		dma_fence_remove_callback(job->in[job->in_next], &job->in_cb);
	ctx->cmds_submitted -= job->user_cmds;
	acceldev_context_recheck_waiters_locked(ctx);
	return true;
}

/*
 * Signal the unrun jobs whose turn has come (everything queued before
 * them may already be done), and have the work look for the others.
 * Context: process, no locks held; takes adev->lock.
 */
static void acceldev_jobs_unrun_retire(struct acceldev_device *adev)
{
	bool cookie;

	cookie = dma_fence_begin_signalling();
	mutex_lock(&adev->lock);
	acceldev_jobs_retire(adev);
	mutex_unlock(&adev->lock);
	dma_fence_end_signalling(cookie);
	acceldev_dispatch_kick(adev);
}

/*
 * acceldev_held_work() - queue the held jobs whose in-fences signalled,
 * in submission order
 *
 * A job whose in-fence failed, or whose context is in error, is not run:
 * it fails in order (acceldev_job_unrun_locked()). After removal the jobs
 * stay held for removal to fail.
 *
 * Context: process (the device's workqueue); takes ctx->lock and
 * adev->lock. The context's file is open: closing it cancels this work
 * before it drops its reference.
 */
static void acceldev_held_work(struct work_struct *work)
{
	struct acceldev_context *ctx =
		container_of(work, struct acceldev_context, held_work);
	struct acceldev_job *job;
	bool unrun = false;
	int err;

	spin_lock(&ctx->lock);
	while (!list_empty(&ctx->held)) {
		job = list_first_entry(&ctx->held, struct acceldev_job,
				       link.node);
		if (!acceldev_job_inputs_signalled_locked(job))
			break;
		err = job->in_error ?: ctx->broken ? -EIO : 0;
		if (err) {
			if (!acceldev_job_unrun_locked(job, err))
				break;
			unrun = true;
			continue;
		}
		list_del(&job->link.node);
		if (acceldev_job_queue_locked(job)) {
			/* Removed meanwhile: removal fails it. */
			list_add(&job->link.node, &ctx->held);
			break;
		}
	}
	spin_unlock(&ctx->lock);
	if (unrun)
		acceldev_jobs_unrun_retire(ctx->adev);
}

/**
 * acceldev_jobs_cancel_held() - a closing file's held jobs will not run
 * @ctx: the context; its file is closing.
 *
 * They fail with -ECANCELED, in order; after removal (no list to order
 * them on, and the file leaves the device's context table, where removal
 * would look for them) with -ENODEV at once: they never reached the
 * device. Afterwards no held job of @ctx is left, and no held work of
 * @ctx is queued or running.
 *
 * Context: process, may sleep; no locks held.
 */
void acceldev_jobs_cancel_held(struct acceldev_context *ctx)
{
	struct acceldev_job *job, *tmp;
	bool unrun = false;
	LIST_HEAD(removed);

	spin_lock(&ctx->lock);
	list_for_each_entry_safe(job, tmp, &ctx->held, link.node) {
		if (!acceldev_job_unrun_locked(job, -ECANCELED)) {
			acceldev_jobs_take_held_locked(ctx, &removed);
			break;
		}
		unrun = true;
	}
	spin_unlock(&ctx->lock);
	/*
	 * A callback already off its fence has returned (it runs under the
	 * fence's lock, which dma_fence_remove_callback() took); the work it
	 * queued finds nothing held.
	 */
	cancel_work_sync(&ctx->held_work);
	acceldev_jobs_fail_held(&removed);
	if (unrun)
		acceldev_jobs_unrun_retire(ctx->adev);
}

/**
 * acceldev_jobs_take_held_locked() - take a context's held jobs
 * @ctx: the context; the device is gone.
 * @list: receives them in order, with their references; their backlog
 *        entries go back now. Fail them with acceldev_jobs_fail_held().
 *
 * Context: any; caller holds ctx->lock.
 */
void acceldev_jobs_take_held_locked(struct acceldev_context *ctx,
				    struct list_head *list)
{
	struct acceldev_job *job;

	lockdep_assert_held(&ctx->lock);

	list_for_each_entry(job, &ctx->held, link.node) {
		acceldev_run_unreserve_locked(ctx);
		if (job->in_next < job->in_count)
			dma_fence_remove_callback(job->in[job->in_next],
						  &job->in_cb);
	}
	list_splice_tail_init(&ctx->held, list);
}

/**
 * acceldev_jobs_fail_held() - fail the held jobs of a removed device
 * @list: from acceldev_jobs_take_held_locked(); empty on return.
 *
 * With -ENODEV. Removal calls it after failing every queued job
 * (acceldev_jobs_stopped()): held jobs come after them in their
 * contexts' order.
 *
 * Context: process, may sleep; no locks held.
 */
void acceldev_jobs_fail_held(struct list_head *list)
{
	acceldev_jobs_fail(list, -ENODEV);
}

/*
 * Signal the jobs of @list, taken off the jobs list in order, with the
 * error they carry, else @err, else -EIO for a context in error; the
 * reaper drops their references.
 * Context: caller holds adev->lock (a signalling path); takes queue_lock.
 */
static void acceldev_jobs_signal_locked(struct acceldev_device *adev,
					struct list_head *list, int err)
{
	struct acceldev_job *job;

	lockdep_assert_held(&adev->lock);

	if (list_empty(list))
		return;
	list_for_each_entry(job, list, link.node) {
		if (!job->base.error && (err || READ_ONCE(job->ctx->broken)))
			dma_fence_set_error(&job->base, err ?: -EIO);
		dma_fence_signal(&job->base);
	}
	spin_lock(&adev->queue_lock);
	list_splice_tail(list, &adev->jobs_done);
	spin_unlock(&adev->queue_lock);
	queue_work(adev->wq, &adev->reap_work);
}

/**
 * acceldev_jobs_retire() - signal the jobs whose RUNs are done
 * @adev: the device; done_seq just moved.
 *
 * In order: the jobs list is in seq order, and done_seq covers a prefix.
 * The error of a job of a context in error is -EIO: the device reports
 * errors per context, not per RUN. The reaper drops their references.
 *
 * Context: the work, the watchdog or a life-cycle callback, with
 * adev->lock held (a signalling path); takes queue_lock.
 */
void acceldev_jobs_retire(struct acceldev_device *adev)
{
	struct acceldev_job *job, *tmp;
	LIST_HEAD(done);

	lockdep_assert_held(&adev->lock);

	spin_lock(&adev->queue_lock);
	list_for_each_entry_safe(job, tmp, &adev->jobs, link.node) {
		if (job->link.seq > adev->done_seq)
			break;
		list_move_tail(&job->link.node, &done);
	}
	spin_unlock(&adev->queue_lock);
	acceldev_jobs_signal_locked(adev, &done, 0);
}

/**
 * acceldev_jobs_lost() - signal the jobs the recovery path gave up on
 * @adev: the device; contexts whose commands may have been lost are
 *        marked &acceldev_context.lost.
 * @last_fed: the last seq fed before the fault.
 *
 * Their RUNs may never complete (a wedged device): the fences signal now
 * with -EIO, in order (the context's later jobs are still on the pending
 * list and signal after them). The memory they name stays until the
 * device is known to be done with it: buffers are freed only once
 * done_seq covers them, or the device is stopped.
 *
 * Context: the recovery path, with adev->lock held (a signalling path);
 * takes queue_lock.
 */
void acceldev_jobs_lost(struct acceldev_device *adev, u64 last_fed)
{
	struct acceldev_job *job, *tmp;
	LIST_HEAD(lost);

	lockdep_assert_held(&adev->lock);

	spin_lock(&adev->queue_lock);
	list_for_each_entry_safe(job, tmp, &adev->jobs, link.node) {
		if (job->link.seq > last_fed)
			break;
		if (READ_ONCE(job->ctx->lost))
			list_move_tail(&job->link.node, &lost);
	}
	spin_unlock(&adev->queue_lock);
	acceldev_jobs_signal_locked(adev, &lost, -EIO);
}

/**
 * acceldev_jobs_stopped() - the removed device reaches no memory now
 * @adev: the device, stopped, its work cancelled.
 *
 * Signals every queued job with -ENODEV and drops their references.
 *
 * Context: process (removal), no locks held.
 */
void acceldev_jobs_stopped(struct acceldev_device *adev)
{
	LIST_HEAD(list);

	spin_lock(&adev->queue_lock);
	list_splice_init(&adev->jobs, &list);
	spin_unlock(&adev->queue_lock);
	acceldev_jobs_fail(&list, -ENODEV);
	acceldev_jobs_reap(adev);
}

/**
 * acceldev_jobs_reap() - drop the references of signalled jobs
 * @adev: the device.
 *
 * Never drops the last device reference (see acceldev_reap_deferred()).
 *
 * Context: process, may sleep; no locks held.
 */
void acceldev_jobs_reap(struct acceldev_device *adev)
{
	struct acceldev_job *job, *tmp;
	LIST_HEAD(list);

	spin_lock(&adev->queue_lock);
	list_splice_init(&adev->jobs_done, &list);
	spin_unlock(&adev->queue_lock);
	list_for_each_entry_safe(job, tmp, &list, link.node) {
		list_del(&job->link.node);
		acceldev_job_put_refs(job);
		cond_resched();
	}
}

/**
 * struct acceldev_job_out - an out-syncobj of a SUBMIT
 * @syncobj: counted.
 * @chain: the timeline point's chain node, or NULL for a binary syncobj.
 * @point: the point.
 */
struct acceldev_job_out {
	struct drm_syncobj *syncobj;
	struct dma_fence_chain *chain;
	u64 point;
};

/*
 * Look up @n out-syncobjs and allocate their chain nodes: nothing can fail
 * once the job is queued. Return: 0, -ENOENT or -ENOMEM.
 */
static int acceldev_job_get_outs(struct drm_file *file,
				 const struct drm_acceldev_syncobj *in,
				 struct acceldev_job_out *out, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		out[i].syncobj = drm_syncobj_find(file, in[i].handle);
		if (!out[i].syncobj)
			return -ENOENT;
		out[i].point = in[i].point;
		if (in[i].point) {
			out[i].chain = dma_fence_chain_alloc();
			if (!out[i].chain)
				return -ENOMEM;
		}
	}
	return 0;
}

/* Give @fence to the out-syncobjs; drop what acceldev_job_get_outs() took. */
static void acceldev_job_put_outs(struct acceldev_job_out *out, unsigned int n,
				  struct dma_fence *fence)
{
	unsigned int i;

	for (i = 0; i < n && out[i].syncobj; i++) {
		if (fence && out[i].chain)
			drm_syncobj_add_point(out[i].syncobj, out[i].chain,
					      fence, out[i].point);
		else if (fence)
			drm_syncobj_replace_fence(out[i].syncobj, fence);
		else
			dma_fence_chain_free(out[i].chain);
		drm_syncobj_put(out[i].syncobj);
	}
}

/* Copy an array of @n syncobj entries in, once. Return: it or an ERR_PTR. */
static struct drm_acceldev_syncobj *acceldev_job_copy_syncobjs(u64 uptr,
							       u32 n)
{
	struct drm_acceldev_syncobj *a;
	u32 i;

	if (!n)
		return NULL;
	a = memdup_array_user(u64_to_user_ptr(uptr), n, sizeof(*a));
	if (IS_ERR(a))
		return a;
	for (i = 0; i < n; i++) {
		if (a[i].flags) {
			kfree(a);
			return ERR_PTR(-EINVAL);
		}
	}
	return a;
}

/**
 * acceldev_job_submit() - DRM_IOCTL_ACCELDEV_SUBMIT
 * @ctx: the file's context.
 * @file: the DRM file, for its handles.
 * @args: the argument, copied in; @args->job is set on success.
 * @code: the code buffer object, looked up and checked by the caller
 *        (a CODE object of @ctx, the range within it); the reference
 *        passes to the job, which drops it when it fails or is reaped.
 *
 * Context: process, may sleep (interruptibly while the backlog is full).
 * Return: 0; -EINVAL, -EFAULT, -ENOENT for a bad syncobj; -EIO if the
 * context is in error; -ENODEV after removal; -ERESTARTSYS; -ENOMEM.
 */
int acceldev_job_submit(struct acceldev_context *ctx, struct drm_file *file,
			struct drm_acceldev_submit *args,
			struct drm_gem_object *code)
{
	struct drm_acceldev_syncobj *ins = NULL, *outs = NULL;
	struct acceldev_job_out *out = NULL;
	struct acceldev_job *job;
	dma_addr_t pt_dma;
	unsigned int i;
	int ret;

	job = kzalloc(sizeof(*job), GFP_KERNEL_ACCOUNT);
	if (!job) {
		drm_gem_object_put(code);
		return -ENOMEM;
	}
	job->code = code;
	spin_lock_init(&job->lock);
	INIT_LIST_HEAD(&job->link.node);
	INIT_LIST_HEAD(&job->in_cb.node);
	job->user_cmds = args->size / ACCELDEV_USER_CMD_BYTES;
	job->cmd = acceldev_cmd_alloc(GFP_KERNEL_ACCOUNT);
	if (!job->cmd) {
		ret = -ENOMEM;
		goto err_job;
	}

	ins = acceldev_job_copy_syncobjs(args->in_syncobjs, args->in_count);
	outs = acceldev_job_copy_syncobjs(args->out_syncobjs, args->out_count);
	if (IS_ERR(ins) || IS_ERR(outs)) {
		ret = IS_ERR(ins) ? PTR_ERR(ins) : PTR_ERR(outs);
		goto err_arrays;
	}
	if (args->in_count) {
		job->in = kcalloc(args->in_count, sizeof(*job->in),
				  GFP_KERNEL_ACCOUNT);
		if (!job->in) {
			ret = -ENOMEM;
			goto err_arrays;
		}
	}
	for (i = 0; i < args->in_count; i++) {
		ret = drm_syncobj_find_fence(file, ins[i].handle, ins[i].point,
					     0, &job->in[i]);
		/* -EINVAL: no fence (at that point) yet. */
		if (ret == -EINVAL)
			ret = -ENOENT;
		if (ret)
			goto err_arrays;
		job->in_count++;
	}
	if (args->out_count) {
		out = kcalloc(args->out_count, sizeof(*out), GFP_KERNEL_ACCOUNT);
		if (!out) {
			ret = -ENOMEM;
			goto err_arrays;
		}
		ret = acceldev_job_get_outs(file, outs, out, args->out_count);
		if (ret)
			goto err_outs;
	}

	ret = acceldev_run_reserve(ctx);
	if (ret)
		goto err_outs;

	pt_dma = acceldev_bo_buffer(code)->pt_dma;
	job->cmd->words[0] = ACCELDEV_DEVICE_CMD_RUN_HEADER(ctx->id);
	job->cmd->words[1] = lower_32_bits(pt_dma);
	job->cmd->words[2] = upper_32_bits(pt_dma);
	job->cmd->words[3] = args->offset;
	job->cmd->words[4] = args->size;
	job->ctx = acceldev_context_get(ctx);

	spin_lock(&ctx->lock);
	if (ctx->broken || READ_ONCE(ctx->adev->gone)) {
		ret = ctx->broken ? -EIO : -ENODEV;
		acceldev_run_unreserve_locked(ctx);
		spin_unlock(&ctx->lock);
		acceldev_context_put(ctx);
		goto err_outs;
	}
	/* The fence and the list each hold a reference. */
	__module_get(THIS_MODULE);
	dma_fence_init(&job->base, &acceldev_job_fence_ops, &job->lock,
		       ctx->fence_context, ++ctx->jobs_submitted);
	dma_fence_get(&job->base);
	args->job = ctx->jobs_submitted;
	if (job->in_count || !list_empty(&ctx->held)) {
		if (list_empty(&ctx->held))
			queue_work(ctx->adev->wq, &ctx->held_work);
		list_add_tail(&job->link.node, &ctx->held);
		ctx->cmds_submitted += job->user_cmds;
		ret = 0;
	} else {
		ret = acceldev_job_queue_locked(job);
		if (!ret)
			ctx->cmds_submitted += job->user_cmds;
		if (ret) {
			/* gone between the check and now: fail the job */
			acceldev_run_unreserve_locked(ctx);
			dma_fence_set_error(&job->base, ret);
			dma_fence_signal(&job->base);
			dma_fence_put(&job->base);
		}
	}
	spin_unlock(&ctx->lock);

	acceldev_job_put_outs(out, args->out_count, ret ? NULL : &job->base);
	kfree(out);
	kfree(ins);
	kfree(outs);
	if (ret) {
		/* The job never ran: its references go now. */
		acceldev_job_put_refs(job);
		return ret;
	}
	atomic_long_inc(&ctx->adev->stats.runs_submitted);
	dma_fence_put(&job->base);
	return 0;

err_outs:
	acceldev_job_put_outs(out, args->out_count, NULL);
err_arrays:
	kfree(out);
	for (i = 0; i < job->in_count; i++)
		dma_fence_put(job->in[i]);
	kfree(job->in);
	if (!IS_ERR(ins))
		kfree(ins);
	if (!IS_ERR(outs))
		kfree(outs);
	acceldev_cmd_free(job->cmd);
err_job:
	drm_gem_object_put(code);
	kfree(job);
	return ret;
}
