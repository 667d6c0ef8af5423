// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev buffers: coherent DMA pages, device page tables, slots, mmap.
 * Why coherent memory, page by page, and what user mappings become at
 * removal: Documentation/acceldev.rst, "Choices where the specification
 * is silent" and "Supported platforms".
 */

#include <linux/anon_inodes.h>
#include <linux/compat.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "../core/acceldev.h"

static_assert(PAGE_SIZE == ACCELDEV_PAGE_SIZE);

#define ACCELDEV_PTE_PRESENT	BIT(0)

/**
 * struct acceldev_compat_create_buffer - 32-bit layout of
 * &struct acceldev_ioctl_create_buffer
 * @size: as the native struct.
 * @type: as the native struct.
 * @result: 32-bit user pointer.
 */
struct acceldev_compat_create_buffer {
	s32 size;
	u32 type;
	compat_uptr_t result;
};

static const struct file_operations acceldev_buffer_fops;

/* A device PTE: bits 12..39 of the page's bus address in bits 4..31. */
static u32 acceldev_pte(dma_addr_t addr)
{
	return lower_32_bits(addr >> ACCELDEV_PAGE_SHIFT) << 4 |
	       ACCELDEV_PTE_PRESENT;
}

/*
 * acceldev_buffer_page() - the page behind one coherent allocation
 *
 * dma_alloc_coherent() gives a CPU address, which need not be in the
 * linear map (an IOMMU's allocator remaps); dma_get_sgtable() is the DMA
 * API's way to name the page behind it, for user mappings.
 *
 * Return: the page, or NULL.
 */
static struct page *acceldev_buffer_page(struct device *dev, void *vaddr,
					 dma_addr_t dma)
{
	struct page *page = NULL;
	struct sg_table sgt;

	if (dma_get_sgtable(dev, &sgt, vaddr, dma, PAGE_SIZE))
		return NULL;
	if (sgt.orig_nents == 1 && sgt.sgl->length == PAGE_SIZE &&
	    !sgt.sgl->offset)
		page = sg_page(sgt.sgl);
	sg_free_table(&sgt);
	return page;
}

/*
 * acceldev_buffer_free_dma() - give the coherent memory back to the DMA API
 * @buf: the buffer, taken off &acceldev_device.buffers by the caller.
 * @n: how many data pages were allocated.
 *
 * The pages stay while the buffer holds its references on them: until it
 * is freed, or at removal until acceldev_buffer_evacuate() replaces them.
 *
 * SAFETY: the device can no longer reach this memory: nothing it was
 * given named it, or every command that could is done, or the device is
 * stopped with bus mastering off (removal).
 *
 * Context: process, may sleep; no device lock held.
 */
static void acceldev_buffer_free_dma(struct acceldev_buffer *buf,
				     unsigned int n)
{
	struct device *dev = &buf->ctx->adev->pdev->dev;
	unsigned int i;

	for (i = 0; i < n && buf->vaddr; i++) {
		dma_free_coherent(dev, PAGE_SIZE, buf->vaddr[i], buf->dma[i]);
		cond_resched();
	}
	if (buf->pt)
		dma_free_coherent(dev, PAGE_SIZE, buf->pt, buf->pt_dma);
}

/* Drop the references on pages [0, @n) of @pages (NULLs skipped); free it. */
static void acceldev_put_page_array(struct page **pages, unsigned int n)
{
	unsigned int i;

	for (i = 0; pages && i < n; i++)
		if (pages[i])
			put_page(pages[i]);
	kvfree(pages);
}

/* Drop the buffer's own references on pages [0, @n) and free the arrays. */
static void acceldev_buffer_put_pages(struct acceldev_buffer *buf,
				      unsigned int n)
{
	acceldev_put_page_array(buf->pages, n);
	acceldev_put_page_array(buf->kept, n);
	kvfree(buf->vaddr);
	kvfree(buf->dma);
}

/*
 * acceldev_buffer_evacuate() - move user mappings off coherent memory
 * @buf: a buffer with its own DMA memory, on a stopped device.
 *
 * The coherent allocations go back to the DMA API at removal, but user
 * mappings may stay: each page is copied into an ordinary page, which
 * replaces it in @buf->pages, and every user mapping is zapped, so that
 * the next touch faults the copy in. A page no copy could be made of
 * raises SIGBUS from then on. An exported buffer keeps its references on
 * the coherent pages (@buf->kept): an importing device may still reach
 * them through the tables it mapped, until it detaches.
 *
 * Context: process, may sleep; caller holds &acceldev_device.remove_sem
 * for writing (no mmap or fault sees the pages meanwhile).
 */
static void acceldev_buffer_evacuate(struct acceldev_buffer *buf)
{
	struct page **copies;
	unsigned int i;

	lockdep_assert_held_write(&buf->ctx->adev->remove_sem);

	copies = kvcalloc(buf->npages, sizeof(*copies), GFP_KERNEL);
	for (i = 0; copies && i < buf->npages; i++) {
		copies[i] = alloc_page(GFP_KERNEL | __GFP_RETRY_MAYFAIL |
				       __GFP_NOWARN);
		if (copies[i])
			copy_page(page_address(copies[i]), buf->vaddr[i]);
		cond_resched();
	}
	if (READ_ONCE(buf->exported))
		swap(buf->kept, buf->pages);
	else
		acceldev_put_page_array(buf->pages, buf->npages);
	buf->pages = copies;
	if (buf->inode)
		unmap_mapping_range(buf->inode->i_mapping, 0, 0, 1);
}

/*
 * acceldev_buffer_take_dma_locked() - claim a buffer's DMA memory for freeing
 *
 * Context: caller holds &acceldev_device.lock.
 * Return: true if the caller must free it (and nobody else will).
 */
static bool acceldev_buffer_take_dma_locked(struct acceldev_buffer *buf)
{
	lockdep_assert_held(&buf->ctx->adev->lock);

	if (!buf->mapped)
		return false;
	buf->mapped = false;
	list_del_init(&buf->node);
	return true;
}

/**
 * acceldev_buffers_release_dma() - give back every buffer's DMA memory
 * @adev: a removed device, stopped with bus mastering off.
 *
 * User mappings are moved to copies first (acceldev_buffer_evacuate()).
 * remove_sem is held for writing throughout: a buffer destruction in
 * progress (it holds the semaphore for reading) finishes first, and one
 * that comes later finds its buffer done with, so none frees a buffer
 * this walk still holds.
 *
 * Context: process, may sleep; no locks held.
 */
void acceldev_buffers_release_dma(struct acceldev_device *adev)
{
	struct acceldev_buffer *buf, *tmp;
	LIST_HEAD(list);

	down_write(&adev->remove_sem);
	mutex_lock(&adev->lock);
	list_for_each_entry_safe(buf, tmp, &adev->buffers, node) {
		buf->mapped = false;
		list_move_tail(&buf->node, &list);
	}
	mutex_unlock(&adev->lock);

	list_for_each_entry_safe(buf, tmp, &list, node) {
		list_del_init(&buf->node);
		if (buf->vaddr)
			acceldev_buffer_evacuate(buf);
		acceldev_buffer_free_dma(buf, buf->npages);
	}
	up_write(&adev->remove_sem);
}

/*
 * acceldev_buffer_alloc() - allocate a buffer in coherent DMA memory
 *
 * Every page, and the page table, is its own dma_alloc_coherent()
 * allocation (zeroed by the DMA API): never one large contiguous block,
 * and never a streaming mapping, so that the memory user space maps is
 * the memory the device reads and writes on every platform (bounce
 * buffering with swiotlb=force, an IOMMU) without any sync.
 *
 * On success the buffer holds a reference on @ctx and is on the device's
 * buffer list.
 *
 * Context: process, may sleep; caller holds &acceldev_device.remove_sem
 * for reading and has checked that the device is not gone.
 * Return: the buffer, or an ERR_PTR (-ENOMEM).
 */
static struct acceldev_buffer *
acceldev_buffer_alloc(struct acceldev_context *ctx,
		      enum acceldev_buffer_type type, size_t size)
{
	/*
	 * Up to 1024 pages at a user's request: when memory runs out, fail
	 * with ENOMEM rather than wake the OOM killer, and charge the
	 * caller's memory cgroup.
	 */
	const gfp_t gfp = GFP_KERNEL | __GFP_ACCOUNT | __GFP_RETRY_MAYFAIL |
			  __GFP_NOWARN;
	struct acceldev_device *adev = ctx->adev;
	struct device *dev = &adev->pdev->dev;
	struct acceldev_buffer *buf;
	unsigned int i = 0;

	lockdep_assert_held_read(&adev->remove_sem);

	buf = kzalloc(sizeof(*buf), GFP_KERNEL_ACCOUNT);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	buf->ctx = ctx;
	buf->type = type;
	buf->npages = DIV_ROUND_UP(size, PAGE_SIZE);
	buf->size = (size_t)buf->npages * PAGE_SIZE;
	buf->slot = -1;
	buf->mapped = true;
	INIT_LIST_HEAD(&buf->node);

	buf->pages = kvcalloc(buf->npages, sizeof(*buf->pages),
			      GFP_KERNEL_ACCOUNT);
	buf->vaddr = kvcalloc(buf->npages, sizeof(*buf->vaddr),
			      GFP_KERNEL_ACCOUNT);
	buf->dma = kvcalloc(buf->npages, sizeof(*buf->dma),
			    GFP_KERNEL_ACCOUNT);
	if (!buf->pages || !buf->vaddr || !buf->dma)
		goto err_pages;

	/* The page table first: the PTEs are written as pages arrive. */
	buf->pt = dma_alloc_coherent(dev, PAGE_SIZE, &buf->pt_dma, gfp);
	if (!buf->pt)
		goto err_pages;

	for (i = 0; i < buf->npages; i++) {
		buf->vaddr[i] = dma_alloc_coherent(dev, PAGE_SIZE,
						   &buf->dma[i], gfp);
		if (!buf->vaddr[i])
			goto err_pages;
		buf->pages[i] = acceldev_buffer_page(dev, buf->vaddr[i],
						     buf->dma[i]);
		if (!buf->pages[i]) {
			dma_free_coherent(dev, PAGE_SIZE, buf->vaddr[i],
					  buf->dma[i]);
			goto err_pages;
		}
		/* Held until freed, or until removal swaps in a copy. */
		get_page(buf->pages[i]);
		buf->pt[i] = cpu_to_le32(acceldev_pte(buf->dma[i]));
	}

	mutex_lock(&adev->lock);
	list_add(&buf->node, &adev->buffers);
	mutex_unlock(&adev->lock);

	acceldev_context_get(ctx);
	return buf;

err_pages:
	acceldev_buffer_free_dma(buf, i);
	acceldev_buffer_put_pages(buf, i);
	kfree(buf);
	return ERR_PTR(-ENOMEM);
}

/**
 * acceldev_buffer_destroy() - free a buffer the device no longer reaches
 * @buf: the buffer; its file is gone (or was never installed).
 *
 * Drops the buffer's context reference. The DMA memory is freed outside
 * the device lock, with &acceldev_device.remove_sem held for reading so
 * that removal waits for it.
 *
 * SAFETY: see acceldev_buffer_free_dma(); the callers say why.
 *
 * Context: process, may sleep; no locks held.
 */
void acceldev_buffer_destroy(struct acceldev_buffer *buf)
{
	struct acceldev_context *ctx = buf->ctx;
	struct acceldev_device *adev = ctx->adev;
	bool mine;

	down_read(&adev->remove_sem);
	mutex_lock(&adev->lock);
	mine = acceldev_buffer_take_dma_locked(buf);
	mutex_unlock(&adev->lock);
	if (mine)
		acceldev_buffer_free_dma(buf, buf->npages);
	up_read(&adev->remove_sem);

	acceldev_cmd_free(buf->bind);
	acceldev_cmd_free(buf->unbind);
	if (IS_ENABLED(CONFIG_DRM_ACCEL) && buf->attach) {
		dma_buf_unmap_attachment_unlocked(buf->attach, buf->sgt,
						  DMA_BIDIRECTIONAL);
		dma_buf_detach(buf->attach->dmabuf, buf->attach);
		dma_buf_put(buf->dmabuf);
	} else {
		acceldev_buffer_put_pages(buf, buf->npages);
	}
	iput(buf->inode);
	acceldev_context_put(ctx);
	kfree(buf);
}

/* A BIND_SLOT of @slot of @ctx to page table @pt (0: unbind). */
static void acceldev_slot_cmd(struct acceldev_cmd *cmd,
			      struct acceldev_context *ctx, unsigned int slot,
			      dma_addr_t pt)
{
	cmd->words[0] = ACCELDEV_DEVICE_CMD_BIND_SLOT_HEADER(ctx->id);
	cmd->words[1] = slot;
	cmd->words[2] = lower_32_bits(pt);
	cmd->words[3] = upper_32_bits(pt);
	cmd->words[4] = 0;
}

/*
 * acceldev_buffer_reserve_slot() - take a free slot of the context for a
 * data buffer; nothing reaches the device yet
 *
 * The BIND_SLOT and its unbind are allocated now, so that neither the
 * commit nor close can fail for memory.
 *
 * Context: process, may sleep; takes ctx->lock.
 * Return: the slot, -ENOSPC if all are taken, or -ENOMEM.
 */
static int acceldev_buffer_reserve_slot(struct acceldev_buffer *buf)
{
	struct acceldev_context *ctx = buf->ctx;
	unsigned int slot;

	buf->bind = acceldev_cmd_alloc(GFP_KERNEL_ACCOUNT);
	buf->unbind = acceldev_cmd_alloc(GFP_KERNEL_ACCOUNT);
	if (!buf->bind || !buf->unbind)
		return -ENOMEM;	/* freed with the buffer */

	spin_lock(&ctx->lock);
	slot = find_first_zero_bit(&ctx->slots, ACCELDEV_NUM_BUFFERS);
	if (slot < ACCELDEV_NUM_BUFFERS) {
		__set_bit(slot, &ctx->slots);
		ctx->slot_buf[slot] = buf;
		buf->slot = slot;
	}
	spin_unlock(&ctx->lock);
	if (slot >= ACCELDEV_NUM_BUFFERS)
		return -ENOSPC;
	acceldev_slot_cmd(buf->bind, ctx, slot, buf->pt_dma);
	acceldev_slot_cmd(buf->unbind, ctx, slot, 0);
	return slot;
}

/* Give a slot reserved and never bound back. Context: takes ctx->lock. */
static void acceldev_buffer_unreserve_slot(struct acceldev_buffer *buf)
{
	struct acceldev_context *ctx = buf->ctx;

	spin_lock(&ctx->lock);
	if (ctx->slot_buf[buf->slot] == buf) {
		ctx->slot_buf[buf->slot] = NULL;
		__clear_bit(buf->slot, &ctx->slots);
	}
	spin_unlock(&ctx->lock);
	buf->slot = -1;
}

/*
 * acceldev_buffer_bind() - queue the BIND_SLOT of a reserved slot
 *
 * Context: any; takes ctx->lock.
 * Return: 0, or -ENODEV after removal.
 */
static int acceldev_buffer_bind(struct acceldev_buffer *buf)
{
	struct acceldev_context *ctx = buf->ctx;
	struct acceldev_cmd *cmd = buf->bind;
	int ret;

	/* The dispatcher's once listed, as in acceldev_job_queue_locked(). */
	buf->bind = NULL;
	spin_lock(&ctx->lock);
	ret = acceldev_queue_locked(ctx, cmd);
	spin_unlock(&ctx->lock);
	if (ret)
		buf->bind = cmd;
	return ret;
}

/**
 * acceldev_buffer_unbind_locked() - queue the unbind of a buffer's slot
 * @buf: a data buffer bound at its slot (ctx->slot_buf[@buf->slot] is it).
 *
 * Clears the slot in the context's table and hands @buf->unbind to the
 * dispatcher (or frees it, if the device is gone: nothing needs unbinding
 * then). Later RUNs of the context cannot reach the buffer: they come
 * after the unbind in the FIFO.
 *
 * Context: any; caller holds ctx->lock.
 */
void acceldev_buffer_unbind_locked(struct acceldev_buffer *buf)
{
	struct acceldev_context *ctx = buf->ctx;
	struct acceldev_cmd *cmd = buf->unbind;

	lockdep_assert_held(&ctx->lock);

	ctx->slot_buf[buf->slot] = NULL;
	__clear_bit(buf->slot, &ctx->slots);
	buf->unbind = NULL;
	if (acceldev_queue_locked(ctx, cmd))
		acceldev_cmd_free(cmd);
}

/**
 * acceldev_buffer_from_file() - the buffer behind a file
 * @file: a file the caller holds a reference on (fdget).
 *
 * Context: any.
 * Return: the buffer, valid while @file is held, or NULL if @file is not
 * an Acceldev buffer file.
 */
struct acceldev_buffer *acceldev_buffer_from_file(struct file *file)
{
	if (file->f_op != &acceldev_buffer_fops)
		return NULL;
	return file->private_data;
}

/**
 * acceldev_buffer_new() - a buffer, with a slot reserved if it is DATA
 * @ctx: the context; the buffer holds a reference on it.
 * @type: %BUFFER_TYPE_CODE or %BUFFER_TYPE_DATA.
 * @size: 1..%ACCELDEV_BUFFER_MAX_SIZE bytes, checked by the caller.
 *
 * Nothing reaches the device until acceldev_buffer_publish().
 *
 * Context: process, may sleep.
 * Return: the buffer, which the caller owns; ERR_PTR(-ENOMEM), -ENOSPC
 * with every slot taken, or -ENODEV after removal.
 */
struct acceldev_buffer *acceldev_buffer_new(struct acceldev_context *ctx,
					    enum acceldev_buffer_type type,
					    size_t size)
{
	struct acceldev_buffer *buf;
	int ret;

	/* Against removal: no DMA memory for a device that is gone. */
	down_read(&ctx->adev->remove_sem);
	if (READ_ONCE(ctx->adev->gone))
		buf = ERR_PTR(-ENODEV);
	else
		buf = acceldev_buffer_alloc(ctx, type, size);
	up_read(&ctx->adev->remove_sem);
	if (IS_ERR(buf) || type != BUFFER_TYPE_DATA)
		return buf;

	ret = acceldev_buffer_reserve_slot(buf);
	if (ret < 0) {
		acceldev_buffer_discard(buf);
		return ERR_PTR(ret);
	}
	return buf;
}

#if IS_ENABLED(CONFIG_DRM_ACCEL)
MODULE_IMPORT_NS(DMA_BUF);

/**
 * acceldev_buffer_import() - a DATA buffer over another driver's memory
 * @ctx: the context; the buffer holds a reference on it.
 * @attach: the dma-buf attached to our device; on success the buffer
 *          takes over the attachment, @sgt and the caller's reference on
 *          the dma-buf.
 * @sgt: @attach mapped for our device.
 *
 * The device page table points at @sgt's bus addresses, 4 KiB at a time.
 *
 * Context: process, may sleep.
 * Return: the buffer with a slot reserved, which the caller owns;
 * ERR_PTR(-EINVAL) if the device cannot address the memory (not in
 * whole 4 KiB pages, beyond 40 bits, or over 4 MiB), -ENOSPC, -ENOMEM
 * or -ENODEV; then nothing was taken over.
 */
struct acceldev_buffer *acceldev_buffer_import(struct acceldev_context *ctx,
					       struct dma_buf_attachment *attach,
					       struct sg_table *sgt)
{
	struct device *dev = &ctx->adev->pdev->dev;
	struct acceldev_buffer *buf;
	struct scatterlist *sg;
	unsigned int i, n = 0;
	dma_addr_t addr, end;
	int ret = -ENOMEM;

	buf = kzalloc(sizeof(*buf), GFP_KERNEL_ACCOUNT);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	buf->ctx = ctx;
	buf->type = BUFFER_TYPE_DATA;
	buf->slot = -1;
	INIT_LIST_HEAD(&buf->node);

	down_read(&ctx->adev->remove_sem);
	if (READ_ONCE(ctx->adev->gone)) {
		ret = -ENODEV;
		goto err_free;
	}
	buf->pt = dma_alloc_coherent(dev, PAGE_SIZE, &buf->pt_dma,
				     GFP_KERNEL | __GFP_ACCOUNT);
	if (!buf->pt)
		goto err_free;
	ret = -EINVAL;
	for_each_sgtable_dma_sg(sgt, sg, i) {
		addr = sg_dma_address(sg);
		end = addr + sg_dma_len(sg);
		if (!IS_ALIGNED(addr | end, ACCELDEV_PAGE_SIZE) ||
		    end - 1 > DMA_BIT_MASK(40))
			goto err_free;
		for (; addr < end; addr += ACCELDEV_PAGE_SIZE) {
			if (n == ACCELDEV_BUFFER_MAX_SIZE / ACCELDEV_PAGE_SIZE)
				goto err_free;
			buf->pt[n++] = cpu_to_le32(acceldev_pte(addr));
		}
	}
	if (!n)
		goto err_free;
	buf->npages = n;
	buf->size = (size_t)n * PAGE_SIZE;
	buf->mapped = true;
	mutex_lock(&ctx->adev->lock);
	list_add(&buf->node, &ctx->adev->buffers);
	mutex_unlock(&ctx->adev->lock);
	up_read(&ctx->adev->remove_sem);
	acceldev_context_get(ctx);

	ret = acceldev_buffer_reserve_slot(buf);
	if (ret < 0) {
		acceldev_buffer_discard(buf);
		return ERR_PTR(ret);
	}
	buf->attach = attach;
	buf->sgt = sgt;
	buf->dmabuf = attach->dmabuf;
	return buf;

err_free:
	if (buf->pt)
		dma_free_coherent(dev, PAGE_SIZE, buf->pt, buf->pt_dma);
	up_read(&ctx->adev->remove_sem);
	kfree(buf);
	return ERR_PTR(ret);
}
#endif

/**
 * acceldev_buffer_publish() - let the device and user space have it
 * @buf: a buffer from acceldev_buffer_new() or acceldev_buffer_import().
 *
 * Queues the BIND_SLOT of a DATA buffer's reserved slot.
 *
 * Context: any; takes ctx->lock.
 * Return: 0, or -ENODEV after removal (then discard it).
 */
int acceldev_buffer_publish(struct acceldev_buffer *buf)
{
	int ret = 0;

	if (buf->slot >= 0)
		ret = acceldev_buffer_bind(buf);
	if (!ret)
		buf->published = true;
	return ret;
}

/**
 * acceldev_buffer_discard() - free a buffer the device never saw
 * @buf: a buffer never published.
 *
 * Context: process, may sleep; no locks held.
 */
void acceldev_buffer_discard(struct acceldev_buffer *buf)
{
	if (buf->slot >= 0)
		acceldev_buffer_unreserve_slot(buf);
	/* SAFETY: never bound nor named by a RUN: the device never saw it. */
	acceldev_buffer_destroy(buf);
}

/**
 * acceldev_buffer_release() - its owner is done with a buffer
 * @buf: the buffer; no file, mapping or job uses it any more.
 *
 * Queues the unbind of its slot; frees it now if every RUN queued for the
 * context so far is done (later RUNs come after the unbind), else hands it
 * to the reaper. Never waits.
 *
 * Context: process, may sleep; no locks held.
 */
void acceldev_buffer_release(struct acceldev_buffer *buf)
{
	struct acceldev_context *ctx = buf->ctx;
	u64 seq;

	if (!buf->published) {
		acceldev_buffer_discard(buf);
		return;
	}
	spin_lock(&ctx->lock);
	if (buf->slot >= 0 && ctx->slot_buf[buf->slot] == buf)
		acceldev_buffer_unbind_locked(buf);
	seq = ctx->last_run_seq;
	spin_unlock(&ctx->lock);

	/* SAFETY: as in acceldev_buffer_file_release(). */
	if (!acceldev_defer_buffer(buf, seq))
		acceldev_buffer_destroy(buf);
}

/**
 * acceldev_ioctl_create_buffer() - ACCELDEV_IOCTL_CREATE_BUFFER
 * @ctx: the context (its file is held by the caller).
 * @uarg: user pointer to the argument.
 * @compat: @uarg has the 32-bit layout.
 *
 * Context: process, may sleep.
 * Return: the new buffer's file descriptor; -EFAULT; -EINVAL for a bad
 * size or type; -ENOSPC with all 16 slots taken; -ENOMEM; -ENODEV after
 * removal; -EMFILE; or what anon_inode_getfile() returns (-ENFILE).
 */
int acceldev_ioctl_create_buffer(struct acceldev_context *ctx,
				 void __user *uarg, bool compat)
{
	struct acceldev_ioctl_create_buffer_result __user *result;
	struct acceldev_ioctl_create_buffer args;
	struct acceldev_buffer *buf;
	int fd, ret;
	struct file *file;

	if (compat) {
		struct acceldev_compat_create_buffer cargs;

		if (copy_from_user(&cargs, uarg, sizeof(cargs)))
			return -EFAULT;
		args.size = cargs.size;
		args.type = cargs.type;
		result = compat_ptr(cargs.result);
	} else {
		if (copy_from_user(&args, uarg, sizeof(args)))
			return -EFAULT;
		result = (void __user *)args.result;
	}
	if (args.size <= 0 || args.size > ACCELDEV_BUFFER_MAX_SIZE)
		return -EINVAL;
	if (args.type != BUFFER_TYPE_CODE && args.type != BUFFER_TYPE_DATA)
		return -EINVAL;

	buf = acceldev_buffer_new(ctx, args.type, args.size);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	/* Until published, nothing the device was given names it. */
	ret = get_unused_fd_flags(O_CLOEXEC);
	if (ret < 0)
		goto err_buf;
	fd = ret;
	if (args.type == BUFFER_TYPE_DATA) {
		ret = put_user(buf->slot, &result->buffer_slot);
		if (ret)
			goto err_fd;
	}
	/* An inode of its own: removal zaps the buffer's mappings by it. */
	file = anon_inode_create_getfile("[acceldev_buffer]",
					 &acceldev_buffer_fops, buf, O_RDWR,
					 NULL);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_fd;
	}
	acceldev_buffer_set_inode(buf, file);
	ret = acceldev_buffer_publish(buf);
	if (ret) {
		/* The file owns the buffer; unpublished, it frees at once. */
		fput(file);
		put_unused_fd(fd);
		return ret;
	}
	fd_install(fd, file);
	return fd;

err_fd:
	put_unused_fd(fd);
err_buf:
	acceldev_buffer_discard(buf);
	return ret;
}

/**
 * acceldev_buffer_set_inode() - name the inode that holds the buffer's
 * user mappings
 * @buf: a buffer of its own memory, not yet published.
 * @file: the buffer's file, or its accel object's map file; a file of
 *        its own inode (anon_inode_create_getfile()), so that removal
 *        zaps this buffer's mappings and nobody else's.
 *
 * The buffer takes a reference on the inode, dropped when it is freed.
 *
 * Context: any.
 */
void acceldev_buffer_set_inode(struct acceldev_buffer *buf, struct file *file)
{
	buf->inode = file_inode(file);
	ihold(buf->inode);
}

/*
 * acceldev_buffer_insert_range() - enter pages [@first, @end) of @buf into
 * @vma, skipping those present; stop at any other error (the faults of
 * those pages will try again).
 *
 * Context: process, mmap_lock held for reading (a page fault); caller
 * holds &acceldev_device.remove_sem for reading.
 */
static void acceldev_buffer_insert_range(struct acceldev_buffer *buf,
					 struct vm_area_struct *vma,
					 pgoff_t first, pgoff_t end)
{
	unsigned long addr, num, done;
	int ret;

	lockdep_assert_held_read(&buf->ctx->adev->remove_sem);

	while (first < end) {
		addr = vma->vm_start + ((first - vma->vm_pgoff) << PAGE_SHIFT);
		num = end - first;
		ret = vm_insert_pages(vma, addr, buf->pages + first, &num);
		done = end - first - num;
		first += done;
		if (ret != -EBUSY)
			return;
		first++;	/* present already */
	}
}

/**
 * acceldev_buffer_fault_page() - supply a page of a buffer's mapping
 * @buf: the buffer; the mapping holds its owner (file or object).
 * @vmf: the fault; @vmf->pgoff counts from the buffer's first page.
 *
 * While the buffer has its coherent pages, the first touch of a mapping
 * enters every page of the buffer that the mapping covers, in batches,
 * instead of one fault per page (nearly half the time of a 1 MiB
 * buffer's life cycle in acceldev-bench); later faults come from zapped
 * entries (MADV_DONTNEED). Not at mmap time: a mapping joins its inode's
 * tree only after ->mmap returns, and removal finds mappings there to
 * zap, so entries must come from faults, which only a linked mapping
 * gets. After removal the fault gives the copy of the page
 * (acceldev_buffer_evacuate()), or SIGBUS where there is none; past the
 * buffer's end it always gives SIGBUS.
 *
 * The pages are coherent DMA memory entered with the mapping's own
 * protection: what dma_mmap_coherent() gives on the platforms the driver
 * runs on (Documentation/acceldev.rst, "Supported platforms").
 *
 * Context: process, mmap_lock held for reading; takes
 * &acceldev_device.remove_sem for reading.
 * Return: 0 with @vmf->page set and referenced, or VM_FAULT_SIGBUS.
 */
vm_fault_t acceldev_buffer_fault_page(struct acceldev_buffer *buf,
				      struct vm_fault *vmf)
{
	struct rw_semaphore *sem = &buf->ctx->adev->remove_sem;
	struct vm_area_struct *vma = vmf->vma;
	struct page *page = NULL;
	pgoff_t end;

	if (vmf->pgoff >= buf->npages)
		return VM_FAULT_SIGBUS;
	down_read(sem);
	/*
	 * SAFETY: while @mapped, buf->pages[] are the coherent pages, which
	 * the buffer holds until it is destroyed (not while this mapping
	 * holds its owner) or removal takes them, with remove_sem held for
	 * writing, after zapping every mapping of @buf->inode (this one is
	 * linked there: it faults). Each page entered takes a reference.
	 */
	if (buf->mapped) {
		end = min_t(pgoff_t, buf->npages, vma->vm_pgoff + vma_pages(vma));
		acceldev_buffer_insert_range(buf, vma, vma->vm_pgoff,
					     vmf->pgoff);
		acceldev_buffer_insert_range(buf, vma, vmf->pgoff + 1, end);
	}
	if (buf->pages)
		page = buf->pages[vmf->pgoff];
	if (page)
		get_page(page);
	up_read(sem);
	if (!page)
		return VM_FAULT_SIGBUS;
	vmf->page = page;
	return 0;
}

/**
 * acceldev_buffer_mmap_prepare() - set up a mapping of a buffer's pages
 * @vma: a shared mapping whose @vm_pgoff counts from the buffer's first
 *       page, and whose file's inode is &acceldev_buffer.inode.
 *
 * Nothing is entered now: the first touch enters the pages
 * (acceldev_buffer_fault_page()).
 *
 * Context: process, mmap_lock held for writing.
 */
void acceldev_buffer_mmap_prepare(struct vm_area_struct *vma)
{
	/* VM_MIXEDMAP: ordinary pages entered by vm_insert_pages(). */
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP | VM_MIXEDMAP);
}

/* Mapping past the end is allowed; touching it is not. */
static vm_fault_t acceldev_buffer_fault(struct vm_fault *vmf)
{
	return acceldev_buffer_fault_page(vmf->vma->vm_file->private_data,
					  vmf);
}

static const struct vm_operations_struct acceldev_buffer_vm_ops = {
	.fault = acceldev_buffer_fault,
};

/*
 * acceldev_buffer_mmap() - map a buffer's pages into user space
 *
 * The mapping may reach past the buffer's end (the fault handler refuses
 * that part).
 *
 * Context: process, mmap_lock held for writing.
 * Return: 0, or -EINVAL for a private mapping.
 */
static int acceldev_buffer_mmap(struct file *file, struct vm_area_struct *vma)
{
	/* Private (copy-on-write) mappings would not share with the device. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	vma->vm_ops = &acceldev_buffer_vm_ops;
	acceldev_buffer_mmap_prepare(vma);
	return 0;
}

/*
 * acceldev_buffer_file_release() - the buffer file's last reference went
 *
 * Queues the unbind of its slot, waits (killably) until every RUN queued
 * for the context so far is done (later RUNs come after the unbind), then
 * frees; or hands the buffer to the reaper when the wait ends early. A
 * buffer whose fd was never installed was never seen by the device.
 *
 * Context: process, may sleep (killably).
 */
static int acceldev_buffer_file_release(struct inode *inode,
					struct file *file)
{
	struct acceldev_buffer *buf = file->private_data;
	struct acceldev_context *ctx = buf->ctx;
	u64 seq;

	if (!buf->published) {
		acceldev_buffer_discard(buf);
		return 0;
	}

	spin_lock(&ctx->lock);
	if (buf->slot >= 0 && ctx->slot_buf[buf->slot] == buf)
		acceldev_buffer_unbind_locked(buf);
	seq = ctx->last_run_seq;
	spin_unlock(&ctx->lock);

	/*
	 * SAFETY: once @seq is done, or the device is stopped (removal), it
	 * can no longer reach the buffer; until then the reaper owns it.
	 */
	acceldev_sync_killable(ctx->adev, seq);
	if (!acceldev_defer_buffer(buf, seq))
		acceldev_buffer_destroy(buf);
	return 0;
}

static const struct file_operations acceldev_buffer_fops = {
	.owner = THIS_MODULE,
	.mmap = acceldev_buffer_mmap,
	.release = acceldev_buffer_file_release,
};
