// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev debugfs: /sys/kernel/debug/acceldev/acceldevN/.
 *
 *   queue               the dispatcher's state and the queue registers
 *   contexts            one line per context
 *   profile             the dispatcher's counters for profiling
 *                       (&struct acceldev_profile), one "name value" a line
 *   inject_bad_command  write n: feed n invalid device commands, so that
 *                       the device raises CMD_ERROR and the driver must
 *                       restart it (fault injection for the tests)
 *
 * Debugging aids, not ABI: the format may change.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kstrtox.h>
#include <linux/seq_file.h>

#include "acceldev.h"
#include "regs.h"

/* Most invalid commands one write may inject. */
#define ACCELDEV_INJECT_MAX	64

static struct dentry *acceldev_debugfs_root;

/*
 * SAFETY (for every file below): the file's private data is the device.
 * Remove calls acceldev_debugfs_remove() first, and debugfs_remove()
 * waits for file operations in progress, so the device is valid in them.
 */

static int acceldev_queue_show(struct seq_file *m, void *unused)
{
	struct acceldev_device *adev = m->private;

	mutex_lock(&adev->lock);
	seq_printf(m, "gone: %d\n", adev->gone);
	if (!adev->gone) {
		seq_printf(m, "INTR: %#x\n", acceldev_read(adev, ACCELDEV_INTR));
		seq_printf(m, "CMD_MANUAL_FREE: %u\n",
			   acceldev_read(adev, CMD_MANUAL_FREE));
		seq_printf(m, "CMD_FENCE_LAST: %u\n",
			   acceldev_read(adev, ACCELDEV_CMD_FENCE_LAST));
	}
	seq_printf(m, "intr_pending: %#x\n", atomic_read(&adev->intr_pending));
	seq_printf(m, "credit: %u\n", adev->feed.credit);
	seq_printf(m, "fence_val: %u\n", adev->feed.fence_val);
	seq_printf(m, "fence_armed: %u\n", adev->feed.fence_armed);
	seq_printf(m, "run_boundary: %d\n", adev->feed.run_boundary);
	seq_printf(m, "fences_in_flight: %u\n", adev->feed.ring_len);
	seq_printf(m, "tail_is_fence: %d\n", adev->feed.tail_is_fence);
	seq_printf(m, "fed_seq: %llu\n", adev->feed.fed_seq);
	seq_printf(m, "fenced_seq: %llu\n", adev->feed.fenced_seq);
	spin_lock(&adev->queue_lock);
	seq_printf(m, "queued_seq: %llu\n", adev->queued_seq);
	seq_printf(m, "done_seq: %llu\n", adev->done_seq);
	seq_printf(m, "fence_want: %llu\n", adev->fence_want);
	spin_unlock(&adev->queue_lock);
	seq_printf(m, "runs_pending: %ld\n",
		   atomic_long_read(&adev->stats.runs_pending));
	seq_printf(m, "ctx_errors: %ld\n",
		   atomic_long_read(&adev->stats.ctx_errors));
	seq_printf(m, "restarts: %ld\n",
		   atomic_long_read(&adev->stats.restarts));
	seq_printf(m, "device_errors: %ld\n",
		   atomic_long_read(&adev->stats.device_errors));
	mutex_unlock(&adev->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(acceldev_queue);

/*
 * The profiling counters (&struct acceldev_profile), each read under its
 * own lock, one after the other: not a snapshot, which a tool taking
 * differences over a run does not need.
 */
static int acceldev_profile_show(struct seq_file *m, void *unused)
{
	struct acceldev_device *adev = m->private;
	struct acceldev_profile p;

	mutex_lock(&adev->lock);
	p.passes = adev->prof.passes;
	p.fed = adev->prof.fed;
	p.feed_ns = adev->prof.feed_ns;
	p.free_reads = adev->prof.free_reads;
	mutex_unlock(&adev->lock);
	spin_lock(&adev->queue_lock);
	p.run_kicks = adev->prof.run_kicks;
	spin_unlock(&adev->queue_lock);
	spin_lock_irq(&adev->intr_lock);
	p.irqs = adev->prof.irqs;
	spin_unlock_irq(&adev->intr_lock);

	seq_printf(m, "passes %llu\n", p.passes);
	seq_printf(m, "fed %llu\n", p.fed);
	seq_printf(m, "feed_ns %llu\n", p.feed_ns);
	seq_printf(m, "free_reads %llu\n", p.free_reads);
	seq_printf(m, "run_kicks %llu\n", p.run_kicks);
	seq_printf(m, "irqs %llu\n", p.irqs);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(acceldev_profile);

static int acceldev_contexts_show(struct seq_file *m, void *unused)
{
	struct acceldev_device *adev = m->private;
	struct acceldev_context *ctx;
	unsigned int id;

	seq_puts(m, "id broken detached counter fences_seen cmds_submitted last_seq slots runs_queued\n");
	mutex_lock(&adev->lock);
	for (id = 0; (ctx = acceldev_next_context(adev, &id)); id++) {
		spin_lock(&ctx->lock);
		seq_printf(m, "%u %d %d %u %llu %llu %llu %#06lx %d\n", ctx->id,
			   ctx->broken, ctx->detached, ctx->counter,
			   ctx->fences_seen, ctx->cmds_submitted,
			   ctx->last_seq, ctx->slots,
			   atomic_read(&ctx->runs_queued));
		spin_unlock(&ctx->lock);
	}
	mutex_unlock(&adev->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(acceldev_contexts);

static ssize_t acceldev_inject_write(struct file *file, const char __user *ubuf,
				     size_t len, loff_t *ppos)
{
	struct acceldev_device *adev = file->private_data;
	unsigned int n;
	int ret;

	ret = kstrtouint_from_user(ubuf, len, 0, &n);
	if (ret)
		return ret;
	if (!n || n > ACCELDEV_INJECT_MAX)
		return -EINVAL;
	ret = acceldev_dispatch_inject_bad(adev, n);
	return ret ? ret : len;
}

static const struct file_operations acceldev_inject_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = acceldev_inject_write,
	.llseek = noop_llseek,
};

/**
 * acceldev_debugfs_init() - create /sys/kernel/debug/acceldev
 *
 * Context: module init. Failures are ignored, as debugfs wants.
 */
void acceldev_debugfs_init(void)
{
	acceldev_debugfs_root = debugfs_create_dir(ACCELDEV_NAME, NULL);
}

/**
 * acceldev_debugfs_exit() - remove /sys/kernel/debug/acceldev
 *
 * Context: module exit, after every device was removed.
 */
void acceldev_debugfs_exit(void)
{
	debugfs_remove(acceldev_debugfs_root);
}

static const char *const acceldev_debugfs_names[] = {
	"queue", "contexts", "profile", "inject_bad_command",
};

/**
 * acceldev_debugfs_files() - create a device's files in a folder
 * @adev: the device; the files' owner keeps it alive while they exist.
 * @dir: /sys/kernel/debug/acceldev/acceldevN or accel/<PCI name>.
 *
 * Context: process.
 */
void acceldev_debugfs_files(struct acceldev_device *adev, struct dentry *dir)
{
	debugfs_create_file("queue", 0400, dir, adev, &acceldev_queue_fops);
	debugfs_create_file("contexts", 0400, dir, adev,
			    &acceldev_contexts_fops);
	debugfs_create_file("profile", 0400, dir, adev,
			    &acceldev_profile_fops);
	debugfs_create_file("inject_bad_command", 0200, dir, adev,
			    &acceldev_inject_fops);
}

/**
 * acceldev_debugfs_files_remove() - remove what acceldev_debugfs_files()
 * created, waiting for their operations in progress
 * @dir: the folder.
 *
 * Context: process, may sleep; no device locks held.
 */
void acceldev_debugfs_files_remove(struct dentry *dir)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(acceldev_debugfs_names); i++)
		debugfs_lookup_and_remove(acceldev_debugfs_names[i], dir);
}

/**
 * acceldev_debugfs_add() - create a probed device's folder
 * @adev: the device, with its minor number assigned.
 *
 * Context: process (probe).
 */
void acceldev_debugfs_add(struct acceldev_device *adev)
{
	adev->debugfs = debugfs_create_dir(dev_name(adev->chardev),
					   acceldev_debugfs_root);
	acceldev_debugfs_files(adev, adev->debugfs);
}

/**
 * acceldev_debugfs_remove() - remove a device's folder
 * @adev: the device being removed.
 *
 * Waits for the folder's file operations in progress.
 *
 * Context: process (remove), may sleep; no device locks held.
 */
void acceldev_debugfs_remove(struct acceldev_device *adev)
{
	debugfs_remove(adev->debugfs);
	adev->debugfs = NULL;
}
