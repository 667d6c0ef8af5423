// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev buffers: pages, device page tables, slots, mmap.
 *
 * A buffer is up to 4 MiB of pages allocated one by one (never one large
 * contiguous block) and mapped for DMA page by page. A single page holds
 * its device page table. Data buffers are bound to a slot of their
 * context with a BIND_SLOT command, queued like any other device command
 * so that it takes effect in order with the context's runs.
 *
 * User space reaches a buffer through its own file: mmap (shared), which
 * maps all its pages at once, and close, which waits for the
 * context's earlier runs before unbinding and freeing.
 */

#include <linux/anon_inodes.h>
#include <linux/compat.h>
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/mm.h>
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
 * acceldev_buffer_free_pages() - unmap and free pages [0, @n)
 *
 * Context: process. The DMA mappings must still be live if @buf->mapped.
 */
static void acceldev_buffer_free_pages(struct acceldev_buffer *buf,
				       unsigned int n)
{
	struct device *dev = &buf->ctx->adev->pdev->dev;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (buf->mapped)
			dma_unmap_page(dev, buf->dma[i], PAGE_SIZE,
				       DMA_BIDIRECTIONAL);
		__free_page(buf->pages[i]);
	}
	kvfree(buf->dma);
	kvfree(buf->pages);
}

/**
 * acceldev_buffer_unmap_locked() - tear down a buffer's DMA mappings
 * @buf: a mapped buffer.
 *
 * Used by device removal: the pages stay (user mappings may still use
 * them) but the device can no longer reach them.
 *
 * Context: process; caller holds &acceldev_device.lock.
 */
void acceldev_buffer_unmap_locked(struct acceldev_buffer *buf)
{
	struct acceldev_device *adev = buf->ctx->adev;
	struct device *dev = &adev->pdev->dev;
	unsigned int i;

	lockdep_assert_held(&adev->lock);

	for (i = 0; i < buf->npages; i++)
		dma_unmap_page(dev, buf->dma[i], PAGE_SIZE, DMA_BIDIRECTIONAL);
	dma_unmap_page(dev, buf->pt_dma, PAGE_SIZE, DMA_TO_DEVICE);
	buf->mapped = false;
	list_del_init(&buf->node);
}

/*
 * acceldev_buffer_alloc() - allocate, zero and DMA-map a buffer
 *
 * On success the buffer holds a reference on @ctx and is on the device's
 * buffer list.
 *
 * Context: process, may sleep.
 * Return: the buffer, or an ERR_PTR (-ENOMEM, -ENODEV).
 */
static struct acceldev_buffer *
acceldev_buffer_alloc(struct acceldev_context *ctx,
		      enum acceldev_buffer_type type, size_t size)
{
	struct acceldev_device *adev = ctx->adev;
	struct device *dev = &adev->pdev->dev;
	struct acceldev_buffer *buf;
	unsigned int i = 0;
	__le32 *ptes;
	int ret = -ENOMEM;

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
	buf->dma = kvcalloc(buf->npages, sizeof(*buf->dma),
			    GFP_KERNEL_ACCOUNT);
	if (!buf->pages || !buf->dma)
		goto err_pages;

	for (i = 0; i < buf->npages; i++) {
		/*
		 * Up to 1024 pages at a user's request: when memory runs
		 * out, fail with ENOMEM rather than wake the OOM killer.
		 */
		buf->pages[i] = alloc_page(GFP_HIGHUSER | __GFP_ZERO |
					   __GFP_ACCOUNT | __GFP_RETRY_MAYFAIL |
					   __GFP_NOWARN);
		if (!buf->pages[i])
			goto err_pages;
		buf->dma[i] = dma_map_page(dev, buf->pages[i], 0, PAGE_SIZE,
					   DMA_BIDIRECTIONAL);
		if (dma_mapping_error(dev, buf->dma[i])) {
			__free_page(buf->pages[i]);
			goto err_pages;
		}
	}

	/* Likewise: the last page may be the one that does not fit. */
	buf->pt = alloc_page(GFP_KERNEL | __GFP_ZERO | __GFP_ACCOUNT |
			     __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
	if (!buf->pt)
		goto err_pages;
	ptes = page_address(buf->pt);
	for (i = 0; i < buf->npages; i++)
		ptes[i] = cpu_to_le32(acceldev_pte(buf->dma[i]));
	/* Written before mapping: the mapping hands the PTEs to the device. */
	buf->pt_dma = dma_map_page(dev, buf->pt, 0, PAGE_SIZE, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, buf->pt_dma))
		goto err_pt;

	mutex_lock(&adev->lock);
	if (adev->gone) {
		mutex_unlock(&adev->lock);
		ret = -ENODEV;
		goto err_pt_map;
	}
	list_add(&buf->node, &adev->buffers);
	mutex_unlock(&adev->lock);

	acceldev_context_get(ctx);
	return buf;

err_pt_map:
	dma_unmap_page(dev, buf->pt_dma, PAGE_SIZE, DMA_TO_DEVICE);
err_pt:
	__free_page(buf->pt);
	i = buf->npages;
err_pages:
	acceldev_buffer_free_pages(buf, i);
	kfree(buf);
	return ERR_PTR(ret);
}

/*
 * acceldev_buffer_bind() - bind a data buffer to a free slot of its context
 *
 * The slot is taken and the BIND_SLOT queued in one critical section, so
 * the slot table and the FIFO agree on the order of binds and unbinds.
 *
 * Context: process or atomic; takes ctx->lock.
 * Return: the slot, -ENOSPC if all are taken, -ENODEV after removal.
 */
static int acceldev_buffer_bind(struct acceldev_buffer *buf)
{
	struct acceldev_context *ctx = buf->ctx;
	unsigned int slot;
	int ret;

	spin_lock(&ctx->lock);
	slot = find_first_zero_bit(&ctx->slots, ACCELDEV_NUM_BUFFERS);
	if (slot >= ACCELDEV_NUM_BUFFERS) {
		ret = -ENOSPC;
		goto out;
	}

	buf->bind.kind = ACCELDEV_CMD_EMBEDDED;
	buf->bind.words[0] = ACCELDEV_DEVICE_CMD_BIND_SLOT_HEADER(ctx->id);
	buf->bind.words[1] = slot;
	buf->bind.words[2] = lower_32_bits(buf->pt_dma);
	buf->bind.words[3] = upper_32_bits(buf->pt_dma);
	buf->bind.words[4] = 0;
	buf->unbind = buf->bind;
	buf->unbind.words[2] = 0;
	buf->unbind.words[3] = 0;

	ret = acceldev_queue_locked(ctx, &buf->bind);
	if (ret)
		goto out;
	__set_bit(slot, &ctx->slots);
	ctx->slot_buf[slot] = buf;
	buf->slot = slot;
	ret = slot;
out:
	spin_unlock(&ctx->lock);
	return ret;
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
 * removal; -EMFILE.
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

	buf = acceldev_buffer_alloc(ctx, args.type, args.size);
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
	mutex_lock(&ctx->adev->lock);
	if (buf->mapped)
		acceldev_buffer_unmap_locked(buf);
	mutex_unlock(&ctx->adev->lock);
	acceldev_buffer_free_pages(buf, buf->npages);
	__free_page(buf->pt);
	acceldev_context_put(ctx);
	kfree(buf);
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
	 * SAFETY: buf->pages[] stays allocated until the buffer file's
	 * release, which cannot run while this mapping holds the file
	 * (vm_file); each page entered takes its own reference.
	 */
	return vm_insert_pages(vma, vma->vm_start, buf->pages + vma->vm_pgoff,
			       &num);
}

/*
 * acceldev_buffer_release() - the buffer file's last reference went
 *
 * Waits until every run queued earlier on the context finished and the
 * slot is unbound, then frees the memory. Removal may have unmapped it
 * already.
 *
 * Context: process, may sleep (uninterruptibly, bounded by the device).
 */
static int acceldev_buffer_release(struct inode *inode, struct file *file)
{
	struct acceldev_buffer *buf = file->private_data;
	struct acceldev_context *ctx = buf->ctx;
	struct acceldev_device *adev = ctx->adev;

	spin_lock(&ctx->lock);
	if (buf->slot >= 0 && ctx->slot_buf[buf->slot] == buf) {
		ctx->slot_buf[buf->slot] = NULL;
		__clear_bit(buf->slot, &ctx->slots);
		/* -ENODEV: removed, and nothing needs unbinding any more. */
		acceldev_queue_locked(ctx, &buf->unbind);
	}
	spin_unlock(&ctx->lock);

	acceldev_context_sync(ctx);

	mutex_lock(&adev->lock);
	if (buf->mapped)
		acceldev_buffer_unmap_locked(buf);
	mutex_unlock(&adev->lock);

	acceldev_buffer_free_pages(buf, buf->npages);
	__free_page(buf->pt);
	acceldev_context_put(ctx);
	kfree(buf);
	return 0;
}

static const struct file_operations acceldev_buffer_fops = {
	.owner = THIS_MODULE,
	.mmap = acceldev_buffer_mmap,
	.release = acceldev_buffer_release,
};
