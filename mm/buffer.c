// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev buffers: pages, device page tables, slots, mmap.
 *
 * A buffer is up to 4 MiB of coherent DMA memory, allocated page by page
 * (never one large contiguous block); one more coherent page holds its
 * device page table. Coherent, not streaming: user space writes the pages
 * through mmap at any time, with no system call at which a dma_sync_*()
 * could run, so only memory the DMA API keeps coherent is the same memory
 * for both sides wherever bounce buffering or an IOMMU is in effect. Data
 * buffers are bound to a slot of their context with a BIND_SLOT command,
 * queued like any other device command so that it takes effect in order
 * with the context's runs.
 *
 * User space reaches a buffer through its own file: mmap (shared), which
 * maps all its pages at once, and close, which unbinds and then waits for
 * the context's earlier runs before freeing.
 */

#include <linux/anon_inodes.h>
#include <linux/compat.h>
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
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
 * @buf: the buffer; @buf->mapped is set.
 * @n: how many data pages were allocated.
 *
 * The pages themselves stay while the buffer holds its own references on
 * them (see acceldev_buffer_put_pages()): user mappings, and the fault
 * handler, keep working after a device removal.
 *
 * SAFETY: the device can no longer reach this memory: either nothing the
 * device was given ever named it (an error path before the buffer was
 * bound or run), or every RUN of the context that was fed before the
 * buffer's unbind has completed (acceldev_buffer_release()), or the
 * device is stopped with bus mastering off (device removal).
 *
 * Context: process.
 */
static void acceldev_buffer_free_dma(struct acceldev_buffer *buf,
				     unsigned int n)
{
	struct device *dev = &buf->ctx->adev->pdev->dev;
	unsigned int i;

	for (i = 0; i < n; i++)
		dma_free_coherent(dev, PAGE_SIZE, buf->vaddr[i], buf->dma[i]);
	if (buf->pt)
		dma_free_coherent(dev, PAGE_SIZE, buf->pt, buf->pt_dma);
	buf->mapped = false;
}

/* Drop the buffer's own references on pages [0, @n) and free the arrays. */
static void acceldev_buffer_put_pages(struct acceldev_buffer *buf,
				      unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		put_page(buf->pages[i]);
	kvfree(buf->pages);
	kvfree(buf->vaddr);
	kvfree(buf->dma);
}

/**
 * acceldev_buffer_unmap_locked() - take a buffer's memory from the device
 * @buf: a buffer whose coherent memory is still allocated.
 *
 * Used by device removal once the device is stopped: the coherent
 * allocations go back to the DMA API while the device can still be named,
 * the pages stay (the buffer's own references) for user mappings.
 *
 * Context: process; caller holds &acceldev_device.lock.
 */
void acceldev_buffer_unmap_locked(struct acceldev_buffer *buf)
{
	lockdep_assert_held(&buf->ctx->adev->lock);

	acceldev_buffer_free_dma(buf, buf->npages);
	list_del_init(&buf->node);
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
		/* Ours until release, whatever removal does meanwhile. */
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
 * Drops the buffer's context reference.
 *
 * SAFETY: see acceldev_buffer_free_dma(); the callers say why.
 *
 * Context: process; takes &acceldev_device.lock.
 */
void acceldev_buffer_destroy(struct acceldev_buffer *buf)
{
	struct acceldev_context *ctx = buf->ctx;
	struct acceldev_device *adev = ctx->adev;

	/* Removal may have taken the coherent memory back already. */
	mutex_lock(&adev->lock);
	if (buf->mapped)
		acceldev_buffer_unmap_locked(buf);
	mutex_unlock(&adev->lock);

	acceldev_cmd_free(buf->unbind);	/* never queued: bind failed, or CODE */
	acceldev_buffer_put_pages(buf, buf->npages);
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
 * acceldev_buffer_bind() - bind a data buffer to a free slot of its context
 *
 * The slot is taken and the BIND_SLOT queued in one critical section, so
 * the slot table and the FIFO agree on the order of binds and unbinds.
 * The unbind is allocated now too, so that close never fails for memory:
 * the buffer owns it (@buf->unbind) until it is queued.
 *
 * Context: process, may sleep; takes ctx->lock.
 * Return: the slot, -ENOSPC if all are taken, -ENOMEM, -ENODEV after
 * removal.
 */
static int acceldev_buffer_bind(struct acceldev_buffer *buf)
{
	struct acceldev_context *ctx = buf->ctx;
	struct acceldev_cmd *bind;
	unsigned int slot;
	int ret;

	bind = acceldev_cmd_alloc(GFP_KERNEL_ACCOUNT);
	buf->unbind = acceldev_cmd_alloc(GFP_KERNEL_ACCOUNT);
	if (!bind || !buf->unbind) {
		acceldev_cmd_free(bind);
		return -ENOMEM;	/* buf->unbind goes with the buffer */
	}

	spin_lock(&ctx->lock);
	slot = find_first_zero_bit(&ctx->slots, ACCELDEV_NUM_BUFFERS);
	if (slot >= ACCELDEV_NUM_BUFFERS) {
		ret = -ENOSPC;
		goto out;
	}
	acceldev_slot_cmd(bind, ctx, slot, buf->pt_dma);
	acceldev_slot_cmd(buf->unbind, ctx, slot, 0);
	ret = acceldev_queue_locked(ctx, bind);
	if (ret)
		goto out;
	bind = NULL;	/* the dispatcher's now */
	__set_bit(slot, &ctx->slots);
	ctx->slot_buf[slot] = buf;
	buf->slot = slot;
	ret = slot;
out:
	spin_unlock(&ctx->lock);
	acceldev_cmd_free(bind);
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

	lockdep_assert_held(&ctx->lock);

	ctx->slot_buf[buf->slot] = NULL;
	__clear_bit(buf->slot, &ctx->slots);
	if (acceldev_queue_locked(ctx, buf->unbind))
		acceldev_cmd_free(buf->unbind);
	buf->unbind = NULL;
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
	struct file *file;
	int fd, slot;

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

	/*
	 * Against removal: no coherent memory is allocated for a device
	 * that is gone, and removal waits for allocations in progress
	 * before it frees what the buffers list holds.
	 */
	down_read(&ctx->adev->remove_sem);
	if (READ_ONCE(ctx->adev->gone))
		buf = ERR_PTR(-ENODEV);
	else
		buf = acceldev_buffer_alloc(ctx, args.type, args.size);
	up_read(&ctx->adev->remove_sem);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		goto err_buf;

	file = anon_inode_getfile("[acceldev_buffer]", &acceldev_buffer_fops,
				  buf, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		fd = PTR_ERR(file);
		goto err_buf;
	}
	/* From here on the file owns the buffer: fput() frees it. */

	if (args.type == BUFFER_TYPE_DATA) {
		slot = acceldev_buffer_bind(buf);
		if (slot < 0 || put_user(slot, &result->buffer_slot)) {
			fput(file);
			put_unused_fd(fd);
			return slot < 0 ? slot : -EFAULT;
		}
	}

	fd_install(fd, file);
	return fd;

err_buf:
	/* SAFETY: never bound nor named by a RUN: the device never saw it. */
	acceldev_buffer_destroy(buf);
	return fd;
}

/*
 * acceldev_buffer_fault() - supply a page that is not mapped
 *
 * mmap maps every page of the buffer at once; this serves the part of a
 * mapping past the buffer's end (SIGBUS) and pages whose entries were
 * zapped since (MADV_DONTNEED).
 *
 * Context: process, mmap_lock held for reading (page fault).
 */
static vm_fault_t acceldev_buffer_fault(struct vm_fault *vmf)
{
	struct acceldev_buffer *buf = vmf->vma->vm_file->private_data;
	struct page *page;

	/* Mapping past the end is allowed; touching it is not. */
	if (vmf->pgoff >= buf->npages)
		return VM_FAULT_SIGBUS;

	page = buf->pages[vmf->pgoff];
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct acceldev_buffer_vm_ops = {
	.fault = acceldev_buffer_fault,
};

/*
 * acceldev_buffer_mmap() - map a buffer's pages into user space
 *
 * The pages exist for the buffer's whole life, so all of them that fall
 * inside the mapping are entered now, in one call, instead of one fault
 * per page (nearly half the time of a 1 MiB buffer's life cycle in
 * acceldev-bench). The mapping may reach past the buffer's end; that
 * part is left to the fault handler, which refuses it.
 *
 * Context: process, mmap_lock held for writing.
 * Return: 0, -EINVAL for a private mapping, or -ENOMEM.
 */
static int acceldev_buffer_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct acceldev_buffer *buf = file->private_data;
	unsigned long num;

	/* Private (copy-on-write) mappings would not share with the device. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	/* VM_MIXEDMAP: ordinary pages entered by vm_insert_pages(). */
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP | VM_MIXEDMAP);
	vma->vm_ops = &acceldev_buffer_vm_ops;

	if (vma->vm_pgoff >= buf->npages)
		return 0;
	num = min(vma_pages(vma), buf->npages - vma->vm_pgoff);
	/*
	 * SAFETY: the buffer holds a reference on each of buf->pages[] until
	 * the buffer file's release, which cannot run while this mapping
	 * holds the file (vm_file); each page entered takes its own
	 * reference too. Removal returning the coherent memory to the DMA
	 * API does not free the pages.
	 */
	return vm_insert_pages(vma, vma->vm_start, buf->pages + vma->vm_pgoff,
			       &num);
}

/*
 * acceldev_buffer_release() - the buffer file's last reference went
 *
 * Queues the unbind of its slot, then waits until every RUN queued for the
 * context so far has completed (only those can reach the buffer: later
 * RUNs come after the unbind; a context with none in flight closes at
 * once), then frees the memory. The wait is killable: a fatal signal
 * hands the buffer to the dispatcher, which frees it once those RUNs are
 * done (acceldev_defer_buffer()), and so does a device declared hung.
 * Removal may have taken the coherent memory back already.
 *
 * Context: process, may sleep (killably).
 */
static int acceldev_buffer_release(struct inode *inode, struct file *file)
{
	struct acceldev_buffer *buf = file->private_data;
	struct acceldev_context *ctx = buf->ctx;
	u64 seq;
	int ret;

	spin_lock(&ctx->lock);
	if (buf->slot >= 0 && ctx->slot_buf[buf->slot] == buf)
		acceldev_buffer_unbind_locked(buf);
	seq = ctx->last_run_seq;
	spin_unlock(&ctx->lock);

	/*
	 * SAFETY: acceldev_sync_killable() returns 0 once every command up
	 * to @seq completed, or -ENODEV once removal has stopped the device
	 * and turned bus mastering off: either way the device can no longer
	 * reach this buffer. Killed first, or woken by a device declared
	 * hung (-ETIMEDOUT), the dispatcher frees it later.
	 */
	ret = acceldev_sync_killable(ctx->adev, seq);
	if ((ret == -ERESTARTSYS || ret == -ETIMEDOUT) &&
	    acceldev_defer_buffer(buf, seq))
		return 0;
	acceldev_buffer_destroy(buf);
	return 0;
}

static const struct file_operations acceldev_buffer_fops = {
	.owner = THIS_MODULE,
	.mmap = acceldev_buffer_mmap,
	.release = acceldev_buffer_release,
};
