// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev accel buffer objects: GEM objects over the same buffers as
 * /dev/acceldevN's (mm/buffer.c), their mmap, PRIME export of DATA
 * objects and import of other drivers' dma-bufs as DATA objects.
 */

#include <linux/anon_inodes.h>
#include <linux/dma-buf.h>
#include <linux/file.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_prime.h>

#include "../core/acceldev.h"
#include "../core/accel.h"

/**
 * struct acceldev_bo - an accel buffer object
 * @base: the GEM object; its references are the object's.
 * @buf: the buffer, owned: released (or handed to the reaper) when the
 *       object is freed. NULL for an import until a file opens it.
 * @attach: an import's attachment, owned until @buf takes it over.
 * @sgt: @attach mapped.
 * @map_file: a file of its own inode that user mappings of the object
 *            (through the DRM file or an exported dma-buf) are made on,
 *            so that removal zaps them by &acceldev_buffer.inode; owned.
 *            NULL for an import (its exporter maps it).
 */
struct acceldev_bo {
	struct drm_gem_object base;
	struct acceldev_buffer *buf;
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
	struct file *map_file;
};

static inline struct acceldev_bo *to_acceldev_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct acceldev_bo, base);
}

static const struct drm_gem_object_funcs acceldev_bo_funcs;

/**
 * acceldev_bo_buffer() - the buffer behind one of our objects
 * @obj: a GEM object of an Acceldev accel device.
 *
 * Context: any.
 * Return: the buffer, valid while @obj is held; NULL if @obj is not ours
 * or is an import no file opened.
 */
struct acceldev_buffer *acceldev_bo_buffer(struct drm_gem_object *obj)
{
	if (obj->funcs != &acceldev_bo_funcs)
		return NULL;
	return to_acceldev_bo(obj)->buf;
}

/*
 * The last reference went: no handle, mapping, dma-buf or job uses it.
 * Context: process, may sleep; no locks held (callers put objects only
 * outside the driver's locks).
 */
static void acceldev_bo_free(struct drm_gem_object *obj)
{
	struct acceldev_bo *bo = to_acceldev_bo(obj);

	if (bo->map_file)
		fput(bo->map_file);
	if (bo->buf) {
		acceldev_buffer_release(bo->buf);
	} else if (bo->attach) {
		struct dma_buf *dmabuf = bo->attach->dmabuf;

		dma_buf_unmap_attachment_unlocked(bo->attach, bo->sgt,
						  DMA_BIDIRECTIONAL);
		dma_buf_detach(dmabuf, bo->attach);
		dma_buf_put(dmabuf);
	}
	drm_gem_object_release(obj);
	kfree(bo);
}

/*
 * acceldev_bo_open() - a file got a handle to the object
 *
 * An import is bound to a slot of the first file that opens it (the
 * importer's); no other file can name an object then, nor any object
 * made by another file's BO_CREATE.
 *
 * Context: process, may sleep.
 * Return: 0; -EINVAL for an object of another file's context; -ENOSPC,
 * -ENOMEM or -ENODEV from an import's bind.
 */
static int acceldev_bo_open(struct drm_gem_object *obj, struct drm_file *file)
{
	struct acceldev_context *ctx = acceldev_accel_file_context(file);
	struct acceldev_bo *bo = to_acceldev_bo(obj);
	struct acceldev_buffer *buf;
	int ret;

	/* An object belongs to one context: its own file only. */
	if (bo->buf)
		return bo->buf->ctx == ctx ? 0 : -EINVAL;
	/* An import whose bind failed gave its attachment away. */
	if (!bo->attach)
		return -EINVAL;

	buf = acceldev_buffer_import(ctx, bo->attach, bo->sgt);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	/* The buffer owns the attachment now, whatever comes. */
	bo->attach = NULL;
	ret = acceldev_buffer_publish(buf);
	if (ret) {
		acceldev_buffer_discard(buf);
		return ret;
	}
	bo->buf = buf;
	return 0;
}

/* Mapping past the end is refused at mmap; pages come in here. */
static vm_fault_t acceldev_bo_fault(struct vm_fault *vmf)
{
	struct drm_gem_object *obj = vmf->vma->vm_private_data;

	return acceldev_buffer_fault_page(to_acceldev_bo(obj)->buf, vmf);
}

static const struct vm_operations_struct acceldev_bo_vm_ops = {
	.fault = acceldev_bo_fault,
	.open = drm_gem_vm_open,
	.close = drm_gem_vm_close,
};

/*
 * acceldev_bo_mmap() - map an object's pages (they come in at the first
 * touch: acceldev_buffer_fault_page())
 *
 * drm_gem_mmap() or drm_gem_prime_mmap() has checked the size and taken
 * an object reference, which drm_gem_vm_close() drops. An import is
 * mapped by its exporter (dma_buf_mmap()); the mapping then holds the
 * dma-buf, not the object.
 *
 * Context: process, mmap_lock held for writing.
 * Return: 0; -EINVAL for a private mapping; or the exporter's error.
 */
static int acceldev_bo_mmap(struct drm_gem_object *obj,
			    struct vm_area_struct *vma)
{
	int ret;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	/* The fake offset named the object; the pages count from 0. */
	vma->vm_pgoff -= drm_vma_node_start(&obj->vma_node);
	if (obj->import_attach) {
		/* The exporter maps it; the mapping holds its dma-buf. */
		vma->vm_ops = NULL;
		vma->vm_private_data = NULL;
		ret = dma_buf_mmap(obj->import_attach->dmabuf, vma,
				   vma->vm_pgoff);
		if (ret)
			return ret;
		vm_flags_set(vma, VM_DONTEXPAND);
		drm_gem_object_put(obj);
		return 0;
	}

	/* Ours: on the object's map file, whichever file mmap came by. */
	vma_set_file(vma, to_acceldev_bo(obj)->map_file);
	acceldev_buffer_mmap_prepare(vma);
	return 0;
}

/*
 * The pages of a DATA object for another device to map (PRIME export).
 * Context: process; takes &acceldev_device.remove_sem for reading.
 * Return: a new table the caller frees, or an ERR_PTR (-ENODEV once the
 * device is removed: its pages are going back).
 */
static struct sg_table *acceldev_bo_get_sg_table(struct drm_gem_object *obj)
{
	struct acceldev_buffer *buf = to_acceldev_bo(obj)->buf;
	struct rw_semaphore *sem = &buf->ctx->adev->remove_sem;
	struct sg_table *sgt;
	int ret = -ENODEV;

	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	down_read(sem);
	if (buf->mapped)
		ret = sg_alloc_table_from_pages(sgt, buf->pages, buf->npages,
						0, buf->size, GFP_KERNEL);
	up_read(sem);
	if (ret) {
		kfree(sgt);
		return ERR_PTR(ret);
	}
	return sgt;
}

/*
 * An importer's mapping of our pages, kept in the attachment (@priv) so
 * that CPU access can be synced with it: under bounce buffering the
 * importing device writes a copy.
 */
static struct sg_table *acceldev_dmabuf_map(struct dma_buf_attachment *attach,
					    enum dma_data_direction dir)
{
	struct sg_table *sgt = drm_gem_map_dma_buf(attach, dir);

	if (!IS_ERR(sgt))
		attach->priv = sgt;
	return sgt;
}

static void acceldev_dmabuf_unmap(struct dma_buf_attachment *attach,
				  struct sg_table *sgt,
				  enum dma_data_direction dir)
{
	attach->priv = NULL;
	drm_gem_unmap_dma_buf(attach, sgt, dir);
}

/*
 * DMA_BUF_IOCTL_SYNC: make what importing devices wrote visible to the
 * CPU (@begin), or what the CPU wrote visible to them. Our own device
 * uses coherent memory and needs nothing.
 * Context: process; takes the dma-buf's reservation lock.
 */
static int acceldev_dmabuf_sync(struct dma_buf *dmabuf,
				enum dma_data_direction dir, bool begin)
{
	struct dma_buf_attachment *attach;
	int ret;

	ret = dma_resv_lock_interruptible(dmabuf->resv, NULL);
	if (ret)
		return ret;
	list_for_each_entry(attach, &dmabuf->attachments, node) {
		if (!attach->priv)
			continue;
		if (begin)
			dma_sync_sgtable_for_cpu(attach->dev, attach->priv, dir);
		else
			dma_sync_sgtable_for_device(attach->dev, attach->priv,
						    dir);
	}
	dma_resv_unlock(dmabuf->resv);
	return 0;
}

static int acceldev_dmabuf_begin_cpu(struct dma_buf *dmabuf,
				     enum dma_data_direction dir)
{
	return acceldev_dmabuf_sync(dmabuf, dir, true);
}

static int acceldev_dmabuf_end_cpu(struct dma_buf *dmabuf,
				   enum dma_data_direction dir)
{
	return acceldev_dmabuf_sync(dmabuf, dir, false);
}

/* DRM's PRIME helpers, with CPU access synced with importers. */
static const struct dma_buf_ops acceldev_dmabuf_ops = {
	.attach = drm_gem_map_attach,
	.detach = drm_gem_map_detach,
	.map_dma_buf = acceldev_dmabuf_map,
	.unmap_dma_buf = acceldev_dmabuf_unmap,
	.release = drm_gem_dmabuf_release,
	.begin_cpu_access = acceldev_dmabuf_begin_cpu,
	.end_cpu_access = acceldev_dmabuf_end_cpu,
	.mmap = drm_gem_dmabuf_mmap,
	.vmap = drm_gem_dmabuf_vmap,
	.vunmap = drm_gem_dmabuf_vunmap,
};

/* Only DATA objects of our own memory are exported. Return: as export. */
static struct dma_buf *acceldev_bo_export(struct drm_gem_object *obj,
					  int flags)
{
	struct acceldev_buffer *buf = to_acceldev_bo(obj)->buf;
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);

	if (!buf || buf->attach || buf->type != BUFFER_TYPE_DATA)
		return ERR_PTR(-EINVAL);
	exp_info.ops = &acceldev_dmabuf_ops;
	exp_info.size = obj->size;
	exp_info.flags = flags;
	exp_info.priv = obj;
	exp_info.resv = obj->resv;
	/* Importers may map the pages: removal keeps them (buffer.c). */
	WRITE_ONCE(buf->exported, true);
	return drm_gem_dmabuf_export(obj->dev, &exp_info);
}

static const struct file_operations acceldev_bo_map_fops = {
	.owner = THIS_MODULE,
};

static const struct drm_gem_object_funcs acceldev_bo_funcs = {
	.free = acceldev_bo_free,
	.open = acceldev_bo_open,
	.export = acceldev_bo_export,
	.get_sg_table = acceldev_bo_get_sg_table,
	.mmap = acceldev_bo_mmap,
	.vm_ops = &acceldev_bo_vm_ops,
};

/* A GEM object of @size bytes with an mmap offset. Return: it or ERR_PTR. */
static struct acceldev_bo *acceldev_bo_alloc(struct drm_device *drm,
					     size_t size)
{
	struct acceldev_bo *bo;
	int ret;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL_ACCOUNT);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->base.funcs = &acceldev_bo_funcs;
	drm_gem_private_object_init(drm, &bo->base, size);
	ret = drm_gem_create_mmap_offset(&bo->base);
	if (ret) {
		drm_gem_object_put(&bo->base);
		return ERR_PTR(ret);
	}
	return bo;
}

/**
 * acceldev_bo_create() - DRM_IOCTL_ACCELDEV_BO_CREATE's object
 * @drm: the accel device.
 * @ctx: the file's context.
 * @type: %BUFFER_TYPE_CODE or %BUFFER_TYPE_DATA.
 * @size: 1..%ACCELDEV_BUFFER_MAX_SIZE, checked by the caller.
 *
 * Context: process, may sleep.
 * Return: the object with one reference for the caller, published (a
 * DATA object bound); or an ERR_PTR (-ENOMEM, -ENOSPC, -ENODEV).
 */
struct drm_gem_object *acceldev_bo_create(struct drm_device *drm,
					  struct acceldev_context *ctx,
					  enum acceldev_buffer_type type,
					  size_t size)
{
	struct acceldev_buffer *buf;
	struct acceldev_bo *bo;
	int ret;

	buf = acceldev_buffer_new(ctx, type, size);
	if (IS_ERR(buf))
		return ERR_CAST(buf);
	bo = acceldev_bo_alloc(drm, buf->size);
	if (IS_ERR(bo)) {
		acceldev_buffer_discard(buf);
		return ERR_CAST(bo);
	}
	/* The object owns the buffer; unpublished, it is discarded. */
	bo->buf = buf;
	bo->map_file = anon_inode_create_getfile("[acceldev_bo]",
						 &acceldev_bo_map_fops, bo,
						 O_RDWR, NULL);
	if (IS_ERR(bo->map_file)) {
		ret = PTR_ERR(bo->map_file);
		bo->map_file = NULL;
		drm_gem_object_put(&bo->base);
		return ERR_PTR(ret);
	}
	acceldev_buffer_set_inode(buf, bo->map_file);
	ret = acceldev_buffer_publish(buf);
	if (ret) {
		drm_gem_object_put(&bo->base);
		return ERR_PTR(ret);
	}
	return &bo->base;
}

/**
 * acceldev_gem_prime_import() - a dma-buf of any exporter as an object
 * @drm: the accel device.
 * @dmabuf: the dma-buf.
 *
 * Attached and mapped for our device now; bound to a slot of the
 * importing file when it gets its handle (acceldev_bo_open()). Our own
 * exports are imported the same way: a DATA object belongs to one
 * context, and another context needs a slot of its own.
 *
 * Context: process, may sleep.
 * Return: the object, or an ERR_PTR.
 */
struct drm_gem_object *acceldev_gem_prime_import(struct drm_device *drm,
						 struct dma_buf *dmabuf)
{
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
	struct acceldev_bo *bo;

	if (!dmabuf->size || dmabuf->size > ACCELDEV_BUFFER_MAX_SIZE ||
	    !IS_ALIGNED(dmabuf->size, ACCELDEV_PAGE_SIZE))
		return ERR_PTR(-EINVAL);

	attach = dma_buf_attach(dmabuf, drm->dev);
	if (IS_ERR(attach))
		return ERR_CAST(attach);
	sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt)) {
		dma_buf_detach(dmabuf, attach);
		return ERR_CAST(sgt);
	}
	bo = acceldev_bo_alloc(drm, dmabuf->size);
	if (IS_ERR(bo)) {
		dma_buf_unmap_attachment_unlocked(attach, sgt,
						  DMA_BIDIRECTIONAL);
		dma_buf_detach(dmabuf, attach);
		return ERR_CAST(bo);
	}
	get_dma_buf(dmabuf);
	bo->attach = attach;
	bo->sgt = sgt;
	bo->base.import_attach = attach;
	return &bo->base;
}
