// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libacceldev - user-mode library for the Acceldev accelerator.
 * The interface and its rules are described in include/libacceldev.h.
 *
 * The command stream of a context is a ring of code buffers. Commands are
 * written at the end of the current buffer; bytes [submitted, used) of it
 * are appended but not yet given to the driver. When the current buffer
 * has no room, the stream submits what it holds and moves to the next
 * buffer of the ring if the device is done with it, or else creates a
 * new buffer, or else (at the maximum) waits for the next one.
 *
 * The device is done with a buffer once a FENCE appended after the
 * buffer's last command is reached: each buffer remembers that fence as
 * free_after. There is always room left for one FENCE in the current
 * buffer, so the stream can append the FENCE it needs to wait for.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "acceldev.h"
#include "acceldev_accel.h"
#include "libacceldev.h"

/* The accel subsystem's fixed character major (include/drm/drm_accel.h). */
#define ACD_ACCEL_MAJOR 261

/*
 * A buffer: on /dev/acceldevN its own file (@fd, mapped at 0); on the
 * accel node a GEM handle of the context's DRM file (@handle, mapped
 * through BO_INFO's offset on that file). Buffers the caller made on an
 * accel context are listed in it (@prev, @next) so that acd_close() can
 * tell them their handle died with the file.
 */
struct acd_buffer {
	struct acd_ctx *ctx;
	enum acd_buffer_type type;
	int fd;			/* chardev: the buffer's file; accel: -1 */
	uint32_t handle;	/* accel: GEM handle, 0 once the file is closed */
	int slot;
	size_t size;
	void *map;
	bool fixed;		/* mapped at the caller's address (acd_buffer_create_at) */
	struct acd_buffer *prev, *next;
};

/* One code buffer of the stream. */
struct acd_code {
	struct acd_buffer buf;
	size_t used;		/* bytes written */
	size_t submitted;	/* bytes given to the driver by RUN */
	acd_fence_t free_after;	/* the device is done with it at this fence */
};

struct acd_ctx {
	pthread_mutex_t lock;	/* everything below but the buffer list */
	int fd;
	char path[64];
	bool accel;		/* a DRM accel node, not /dev/acceldevN */
	uint32_t syncobj;	/* accel: binary syncobj, the last SUBMIT's fence */
	pthread_mutex_t list_lock;	/* users */
	struct acd_buffer users;	/* accel: the caller's buffers (list head) */

	struct acd_code *code;	/* array of max_buffers entries */
	unsigned int nbuf;	/* buffers made so far */
	unsigned int max_buffers;
	unsigned int cur;	/* the one commands go into */
	size_t buffer_size;

	acd_fence_t appended;	/* FENCEs appended */
	acd_fence_t submitted;	/* FENCEs given to the driver */
	acd_fence_t reached;	/* highest fence known to be reached */
	bool last_was_fence;	/* the last command appended is a FENCE */
	bool started;		/* a command was ever appended */
};

/* ---- errors ------------------------------------------------------------ */

static _Thread_local char acd_msg[256];

const char *acd_error(void)
{
	return acd_msg;
}

/* Record "<what>: <strerror(err)>" for acd_error(), set errno, return -1. */
__attribute__((format(printf, 2, 3)))
static int fail(int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(acd_msg, sizeof(acd_msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(acd_msg))
		snprintf(acd_msg + n, sizeof(acd_msg) - n, ": %s%s",
			 strerror(err),
			 err == EIO ? " (the context is in error)" : "");
	errno = err;
	return -1;
}

/* ---- buffers ----------------------------------------------------------- */

/* CREATE_BUFFER and mmap into *buf (/dev/acceldevN). */
static int chardev_buffer_init(struct acd_ctx *ctx, struct acd_buffer *buf,
			       enum acd_buffer_type type, size_t size,
			       const char *name)
{
	struct acceldev_ioctl_create_buffer_result res = { .buffer_slot = ~0u };
	struct acceldev_ioctl_create_buffer arg = {
		.size = (int)size,
		.type = (enum acceldev_buffer_type)type,
		.result = &res,
	};
	int err;

	buf->fd = ioctl(ctx->fd, ACCELDEV_IOCTL_CREATE_BUFFER, &arg);
	if (buf->fd < 0)
		return fail(errno, "%s: CREATE_BUFFER (%s, %zu bytes)",
			    ctx->path, name, size);
	buf->slot = type == ACD_BUFFER_DATA ? (int)res.buffer_slot : -1;
	buf->map = mmap(buf->map, buf->size, PROT_READ | PROT_WRITE,
			MAP_SHARED | (buf->fixed ? MAP_FIXED : 0), buf->fd, 0);
	if (buf->map == MAP_FAILED) {
		err = errno;
		close(buf->fd);
		return fail(err, "%s: mmap of a %zu-byte %s buffer", ctx->path,
			    buf->size, name);
	}
	return 0;
}

static void gem_close(struct acd_ctx *ctx, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	ioctl(ctx->fd, DRM_IOCTL_GEM_CLOSE, &c);
}

/* BO_CREATE, BO_INFO and mmap into *buf (the accel node). */
static int accel_buffer_init(struct acd_ctx *ctx, struct acd_buffer *buf,
			     enum acd_buffer_type type, size_t size,
			     const char *name)
{
	struct drm_acceldev_bo_create c = {
		.size = size,
		.type = type == ACD_BUFFER_DATA ? DRM_ACCELDEV_BO_DATA :
						  DRM_ACCELDEV_BO_CODE,
	};
	struct drm_acceldev_bo_info info = { 0 };
	int err;

	if (ioctl(ctx->fd, DRM_IOCTL_ACCELDEV_BO_CREATE, &c) < 0)
		return fail(errno, "%s: BO_CREATE (%s, %zu bytes)", ctx->path,
			    name, size);
	buf->fd = -1;
	buf->handle = c.handle;
	buf->slot = type == ACD_BUFFER_DATA ? (int)c.slot : -1;
	info.handle = c.handle;
	if (ioctl(ctx->fd, DRM_IOCTL_ACCELDEV_BO_INFO, &info) < 0) {
		err = errno;
		gem_close(ctx, c.handle);
		return fail(err, "%s: BO_INFO of a %s buffer object",
			    ctx->path, name);
	}
	buf->map = mmap(buf->map, buf->size, PROT_READ | PROT_WRITE,
			MAP_SHARED | (buf->fixed ? MAP_FIXED : 0), ctx->fd,
			(off_t)info.mmap_offset);
	if (buf->map == MAP_FAILED) {
		err = errno;
		gem_close(ctx, c.handle);
		return fail(err, "%s: mmap of a %zu-byte %s buffer object",
			    ctx->path, buf->size, name);
	}
	return 0;
}

/* Make the buffer and map it into *buf. */
static int buffer_init(struct acd_ctx *ctx, struct acd_buffer *buf,
		       enum acd_buffer_type type, size_t size)
{
	const char *name = type == ACD_BUFFER_DATA ? "data" : "code";

	if (size == 0 || size > ACD_BUFFER_MAX_SIZE ||
	    (type != ACD_BUFFER_CODE && type != ACD_BUFFER_DATA))
		return fail(EINVAL, "%s: %s buffer of %zu bytes", ctx->path,
			    name, size);
	buf->ctx = ctx;
	buf->type = type;
	buf->handle = 0;
	buf->prev = buf->next = NULL;
	buf->size = (size + ACCELDEV_PAGE_SIZE - 1) &
		    ~(size_t)(ACCELDEV_PAGE_SIZE - 1);
	if (ctx->accel)
		return accel_buffer_init(ctx, buf, type, size, name);
	return chardev_buffer_init(ctx, buf, type, size, name);
}

/*
 * Unmap first: the mapping holds a reference to a buffer object, and
 * its slot is free once the handle, the last one, is closed. A buffer
 * mapped at the caller's address leaves an inaccessible reservation
 * there, so that no other mapping can land inside the caller's range.
 */
static void buffer_fini(struct acd_buffer *buf)
{
	if (!buf->fixed ||
	    mmap(buf->map, buf->size, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1,
		 0) == MAP_FAILED)
		munmap(buf->map, buf->size);
	if (buf->fd >= 0)
		close(buf->fd);
	else if (buf->handle)
		gem_close(buf->ctx, buf->handle);
}

static struct acd_buffer *buffer_create(struct acd_ctx *ctx,
					enum acd_buffer_type type, size_t size,
					void *addr)
{
	struct acd_buffer *buf = malloc(sizeof(*buf));

	if (!buf) {
		fail(ENOMEM, "%s: buffer", ctx->path);
		return NULL;
	}
	buf->map = addr;
	buf->fixed = addr != NULL;
	if (buffer_init(ctx, buf, type, size)) {
		int err = errno;

		free(buf);
		errno = err;
		return NULL;
	}
	if (ctx->accel) {
		pthread_mutex_lock(&ctx->list_lock);
		buf->prev = &ctx->users;
		buf->next = ctx->users.next;
		buf->next->prev = buf;
		ctx->users.next = buf;
		pthread_mutex_unlock(&ctx->list_lock);
	}
	return buf;
}

struct acd_buffer *acd_buffer_create(struct acd_ctx *ctx,
				     enum acd_buffer_type type, size_t size)
{
	return buffer_create(ctx, type, size, NULL);
}

struct acd_buffer *acd_buffer_create_at(struct acd_ctx *ctx,
					enum acd_buffer_type type, size_t size,
					void *addr)
{
	if (!addr || ((uintptr_t)addr & (ACCELDEV_PAGE_SIZE - 1))) {
		fail(EINVAL, "%s: buffer at %p", ctx->path, addr);
		return NULL;
	}
	return buffer_create(ctx, type, size, addr);
}

void acd_buffer_destroy(struct acd_buffer *buf)
{
	struct acd_ctx *ctx;

	if (!buf)
		return;
	ctx = buf->ctx;
	if (buf->prev) {
		/* an accel buffer whose context is still open */
		pthread_mutex_lock(&ctx->list_lock);
		buf->prev->next = buf->next;
		buf->next->prev = buf->prev;
		pthread_mutex_unlock(&ctx->list_lock);
	}
	buffer_fini(buf);
	free(buf);
}

void *acd_buffer_map(const struct acd_buffer *buf)
{
	return buf->map;
}

size_t acd_buffer_size(const struct acd_buffer *buf)
{
	return buf->size;
}

int acd_buffer_slot(const struct acd_buffer *buf)
{
	return buf->slot;
}

int acd_buffer_fd(const struct acd_buffer *buf)
{
	if (buf->fd < 0)
		return fail(EOPNOTSUPP, "%s: a buffer object has no file of its own (acd_buffer_handle())",
			    buf->ctx ? buf->ctx->path : "accel node");
	return buf->fd;
}

uint32_t acd_buffer_handle(const struct acd_buffer *buf)
{
	return buf->handle;
}

/* ---- contexts ---------------------------------------------------------- */

/* Free the stream's code buffers; make nbuf fresh ones (locked or new ctx). */
static int stream_reset(struct acd_ctx *ctx, size_t buffer_size,
			unsigned int max_buffers)
{
	struct acd_code *code;

	for (unsigned int i = 0; i < ctx->nbuf; i++)
		buffer_fini(&ctx->code[i].buf);
	free(ctx->code);
	ctx->code = NULL;
	ctx->nbuf = 0;
	ctx->cur = 0;

	code = calloc(max_buffers, sizeof(*code));
	if (!code)
		return fail(ENOMEM, "%s: command stream", ctx->path);
	ctx->code = code;
	ctx->max_buffers = max_buffers;
	ctx->buffer_size = buffer_size;
	if (buffer_init(ctx, &code[0].buf, ACD_BUFFER_CODE, buffer_size))
		return -1;
	ctx->nbuf = 1;
	return 0;
}

int acd_node_path(int index, enum acd_node node, char *buf, size_t len)
{
	char dir[96];
	struct dirent *e;
	DIR *d;
	int n = -1;

	if (node == ACD_NODE_CHARDEV) {
		snprintf(buf, len, "/dev/acceldev%d", index);
		return 0;
	}
	if (node != ACD_NODE_ACCEL)
		return fail(EINVAL, "node kind %d of device %d", (int)node,
			    index);
	/* the PCI function's DRM accel minor: device/accel/accelM */
	snprintf(dir, sizeof(dir), "/sys/class/acceldev/acceldev%d/device/accel",
		 index);
	d = opendir(dir);
	if (!d)
		return fail(errno == ENOTDIR ? ENOENT : errno,
			    "accel node of /dev/acceldev%d (%s)", index, dir);
	while (n < 0 && (e = readdir(d)))
		if (sscanf(e->d_name, "accel%d", &n) != 1)
			n = -1;
	closedir(d);
	if (n < 0)
		return fail(ENOENT, "accel node of /dev/acceldev%d (%s)",
			    index, dir);
	snprintf(buf, len, "/dev/accel/accel%d", n);
	return 0;
}

/*
 * An open accel node: is it Acceldev's? Then make the syncobj every
 * SUBMIT signals (created signalled: a context that never submitted is
 * done).
 */
static int accel_init(struct acd_ctx *ctx)
{
	struct drm_syncobj_create sc = { .flags = DRM_SYNCOBJ_CREATE_SIGNALED };
	char name[16] = "";
	struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };

	if (ioctl(ctx->fd, DRM_IOCTL_VERSION, &v) < 0)
		return fail(errno, "%s: DRM_IOCTL_VERSION", ctx->path);
	if (strcmp(name, "acceldev") != 0)
		return fail(ENODEV, "%s: accel driver \"%s\", not acceldev",
			    ctx->path, name);
	if (ioctl(ctx->fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc) < 0)
		return fail(errno, "%s: SYNCOBJ_CREATE", ctx->path);
	ctx->syncobj = sc.handle;
	return 0;
}

struct acd_ctx *acd_open_path(const char *path)
{
	struct acd_ctx *ctx = calloc(1, sizeof(*ctx));
	struct stat st;
	int err;

	if (!ctx) {
		fail(ENOMEM, "%s", path);
		return NULL;
	}
	snprintf(ctx->path, sizeof(ctx->path), "%s", path);
	pthread_mutex_init(&ctx->lock, NULL);
	pthread_mutex_init(&ctx->list_lock, NULL);
	ctx->users.next = ctx->users.prev = &ctx->users;
	ctx->fd = open(path, O_RDWR | O_CLOEXEC);
	if (ctx->fd < 0) {
		err = errno;
		fail(err, "open %s", path);
		goto out_free;
	}
	/* the accel node by its major; anything else is tried as /dev/acceldevN */
	ctx->accel = fstat(ctx->fd, &st) == 0 && S_ISCHR(st.st_mode) &&
		     major(st.st_rdev) == ACD_ACCEL_MAJOR;
	if ((ctx->accel && accel_init(ctx)) ||
	    stream_reset(ctx, ACD_STREAM_DEFAULT_BUFFER_SIZE,
			 ACD_STREAM_DEFAULT_MAX_BUFFERS)) {
		err = errno;
		close(ctx->fd);
		goto out_free;
	}
	return ctx;

out_free:
	free(ctx->code);
	pthread_mutex_destroy(&ctx->list_lock);
	pthread_mutex_destroy(&ctx->lock);
	free(ctx);
	errno = err;
	return NULL;
}

struct acd_ctx *acd_open_node(int index, enum acd_node node)
{
	char path[64];

	if (acd_node_path(index, node, path, sizeof(path)))
		return NULL;
	return acd_open_path(path);
}

struct acd_ctx *acd_open(int index)
{
	return acd_open_node(index, ACD_NODE_CHARDEV);
}

int acd_ctx_fd(const struct acd_ctx *ctx)
{
	return ctx->fd;
}

enum acd_node acd_ctx_node(const struct acd_ctx *ctx)
{
	return ctx->accel ? ACD_NODE_ACCEL : ACD_NODE_CHARDEV;
}

/* ---- the command stream (all with ctx->lock held) ---------------------- */

/* SUBMIT [@offset, @offset + @size) of a code buffer object (accel). */
static int accel_submit(struct acd_ctx *ctx, const struct acd_buffer *code,
			uint32_t offset, uint32_t size)
{
	struct drm_acceldev_syncobj out = { .handle = ctx->syncobj };
	struct drm_acceldev_submit arg = {
		.code_handle = code->handle,
		.offset = offset,
		.size = size,
		.out_syncobjs = (uintptr_t)&out,
		.out_count = 1,
	};

	if (ioctl(ctx->fd, DRM_IOCTL_ACCELDEV_SUBMIT, &arg) < 0)
		return fail(errno, "SUBMIT on %s (bytes %u..%u of a code buffer)",
			    ctx->path, offset, offset + size);
	return 0;
}

/* RUN (or SUBMIT) the appended, unsubmitted bytes of the current buffer. */
static int stream_submit(struct acd_ctx *ctx)
{
	struct acd_code *c = &ctx->code[ctx->cur];
	struct acceldev_ioctl_run run = {
		.cfd = c->buf.fd,
		.addr = (uint32_t)c->submitted,
		.size = (uint32_t)(c->used - c->submitted),
	};

	if (run.size == 0)
		return 0;
	if (ctx->accel) {
		if (accel_submit(ctx, &c->buf, run.addr, run.size))
			return -1;
	} else if (ioctl(ctx->fd, ACCELDEV_IOCTL_RUN, &run) < 0) {
		return fail(errno, "RUN on %s (bytes %u..%u of a code buffer)",
			    ctx->path, run.addr, run.addr + run.size);
	}
	c->submitted = c->used;
	ctx->submitted = ctx->appended;
	return 0;
}

/*
 * WAIT for a submitted fence; the device compares the low 32 bits. The
 * accel node's WAIT has the same meaning, with an absolute timeout: none.
 */
static int wait_ioctl(struct acd_ctx *ctx, acd_fence_t fence)
{
	struct acceldev_ioctl_wait arg = { .fence_wait = (uint32_t)fence };
	struct drm_acceldev_wait aw = {
		.fence = (uint32_t)fence,
		.timeout_ns = INT64_MAX,
	};
	int ret;

	if (ctx->accel)
		ret = ioctl(ctx->fd, DRM_IOCTL_ACCELDEV_WAIT, &aw);
	else
		ret = ioctl(ctx->fd, ACCELDEV_IOCTL_WAIT, &arg);
	if (ret < 0)
		return fail(errno, "WAIT for fence %llu on %s",
			    (unsigned long long)fence, ctx->path);
	return 0;
}

static void note_reached(struct acd_ctx *ctx, acd_fence_t fence)
{
	if (fence > ctx->reached)
		ctx->reached = fence;
}

/* Write one command at the end of the current buffer (room checked). */
static void put(struct acd_ctx *ctx, uint32_t type, uint32_t w1, uint32_t w2,
		uint32_t w3, uint32_t w4)
{
	struct acd_code *c = &ctx->code[ctx->cur];
	uint32_t *w = (uint32_t *)((char *)c->buf.map + c->used);

	w[0] = type;
	w[1] = w1;
	w[2] = w2;
	w[3] = w3;
	w[4] = w4;
	c->used += ACD_CMD_BYTES;
	ctx->started = true;
	ctx->last_was_fence = type == ACCELDEV_USER_CMD_TYPE_FENCE;
	if (ctx->last_was_fence)
		ctx->appended++;
}

/* Make a new code buffer the current one, right after the current one. */
static int stream_grow(struct acd_ctx *ctx)
{
	unsigned int at = ctx->cur + 1;
	struct acd_code fresh = { 0 };

	if (buffer_init(ctx, &fresh.buf, ACD_BUFFER_CODE, ctx->buffer_size))
		return -1;
	memmove(&ctx->code[at + 1], &ctx->code[at],
		(ctx->nbuf - at) * sizeof(ctx->code[0]));
	ctx->code[at] = fresh;
	ctx->nbuf++;
	ctx->cur = at;
	return 0;
}

/* The current buffer is full: submit it and go on in another one. */
static int stream_advance(struct acd_ctx *ctx)
{
	struct acd_code *c = &ctx->code[ctx->cur];
	unsigned int next = (ctx->cur + 1) % ctx->nbuf;
	acd_fence_t need;

	/* the first FENCE after this buffer's last command */
	c->free_after = ctx->last_was_fence ? ctx->appended : ctx->appended + 1;
	need = ctx->code[next].free_after;

	if (need > ctx->reached && ctx->nbuf < ctx->max_buffers) {
		if (stream_submit(ctx))
			return -1;
		return stream_grow(ctx);
	}

	if (need > ctx->reached) {
		/*
		 * At the maximum: wait for the next buffer to be finished,
		 * appending the FENCE that covers it if there is none yet.
		 * There is room for it: if the last command is a FENCE, it
		 * covers every buffer left before, so none is needed;
		 * otherwise append() kept room for one.
		 */
		if (need > ctx->appended) {
			put(ctx, ACCELDEV_USER_CMD_TYPE_FENCE, 0, 0, 0, 0);
			c->free_after = ctx->appended;
		}
		if (stream_submit(ctx) || wait_ioctl(ctx, need))
			return -1;
		note_reached(ctx, need);
	} else if (stream_submit(ctx)) {
		return -1;
	}
	ctx->code[next].used = 0;
	ctx->code[next].submitted = 0;
	ctx->cur = next;
	return 0;
}

/* Append one command, moving to another buffer first if needed. */
static int append(struct acd_ctx *ctx, uint32_t type, uint32_t w1,
		  uint32_t w2, uint32_t w3, uint32_t w4)
{
	struct acd_code *c = &ctx->code[ctx->cur];
	size_t room = c->buf.size - c->used;
	/* keep room for a FENCE the stream may have to add */
	size_t need = type == ACCELDEV_USER_CMD_TYPE_FENCE ?
		      ACD_CMD_BYTES : 2 * ACD_CMD_BYTES;

	if (room < need && stream_advance(ctx))
		return -1;
	put(ctx, type, w1, w2, w3, w4);
	return 0;
}

int acd_stream_setup(struct acd_ctx *ctx, size_t buffer_size,
		     unsigned int max_buffers)
{
	int ret;

	if (buffer_size == 0)
		buffer_size = ctx->buffer_size;
	if (buffer_size < 2 * ACD_CMD_BYTES ||
	    buffer_size > ACD_BUFFER_MAX_SIZE || max_buffers == 0)
		return fail(EINVAL, "%s: stream of %u buffers of %zu bytes",
			    ctx->path, max_buffers, buffer_size);
	pthread_mutex_lock(&ctx->lock);
	if (ctx->started)
		ret = fail(EBUSY, "%s: stream setup after commands",
			   ctx->path);
	else
		ret = stream_reset(ctx, buffer_size, max_buffers);
	pthread_mutex_unlock(&ctx->lock);
	return ret;
}

unsigned int acd_stream_buffers(struct acd_ctx *ctx)
{
	unsigned int n;

	pthread_mutex_lock(&ctx->lock);
	n = ctx->nbuf;
	pthread_mutex_unlock(&ctx->lock);
	return n;
}

/* Append under the lock; a context whose stream setup failed has none. */
static int append_locked(struct acd_ctx *ctx, uint32_t type, uint32_t w1,
			 uint32_t w2, uint32_t w3, uint32_t w4,
			 acd_fence_t *fence)
{
	int ret;

	pthread_mutex_lock(&ctx->lock);
	if (ctx->nbuf == 0)
		ret = fail(ENOMEM, "%s: no command stream", ctx->path);
	else
		ret = append(ctx, type, w1, w2, w3, w4);
	if (ret == 0 && fence)
		*fence = ctx->appended;
	pthread_mutex_unlock(&ctx->lock);
	return ret;
}

int acd_nop(struct acd_ctx *ctx)
{
	return append_locked(ctx, ACCELDEV_USER_CMD_TYPE_NOP, 0, 0, 0, 0, NULL);
}

int acd_fill(struct acd_ctx *ctx, const struct acd_buffer *buf,
	     uint32_t value, uint32_t offset, uint32_t len)
{
	if (!buf || buf->ctx != ctx || buf->type != ACD_BUFFER_DATA)
		return fail(EINVAL, "FILL on %s: not a data buffer of this context",
			    ctx->path);
	if (offset % 4 || len % 4 || (uint64_t)offset + len > buf->size)
		return fail(EINVAL, "FILL on %s: bytes %u+%u of a %zu-byte buffer",
			    ctx->path, offset, len, buf->size);
	return append_locked(ctx, ACCELDEV_USER_CMD_TYPE_FILL, value,
			     (uint32_t)buf->slot, offset, len, NULL);
}

int acd_fence(struct acd_ctx *ctx, acd_fence_t *fence)
{
	return append_locked(ctx, ACCELDEV_USER_CMD_TYPE_FENCE, 0, 0, 0, 0,
			     fence);
}

int acd_submit(struct acd_ctx *ctx)
{
	int ret = 0;

	pthread_mutex_lock(&ctx->lock);
	if (ctx->nbuf)
		ret = stream_submit(ctx);
	pthread_mutex_unlock(&ctx->lock);
	return ret;
}

acd_fence_t acd_fence_last(struct acd_ctx *ctx)
{
	acd_fence_t f;

	pthread_mutex_lock(&ctx->lock);
	f = ctx->appended;
	pthread_mutex_unlock(&ctx->lock);
	return f;
}

int acd_wait(struct acd_ctx *ctx, acd_fence_t fence)
{
	acd_fence_t target = fence;
	bool done = false;
	int ret = 0;

	pthread_mutex_lock(&ctx->lock);
	if (fence > ctx->appended)
		ret = fail(EINVAL, "WAIT on %s: fence %llu was never appended (last %llu)",
			   ctx->path, (unsigned long long)fence,
			   (unsigned long long)ctx->appended);
	else if (fence > ctx->submitted)
		ret = stream_submit(ctx);
	/*
	 * The driver compares modulo 2^32: a fence 2^31 or more behind the
	 * last submitted one would look like a future one. Waiting for the
	 * last submitted fence instead is equivalent (fences complete in
	 * order).
	 */
	if (ret == 0 && ctx->submitted - fence >= (1ull << 31))
		target = ctx->submitted;
	done = fence <= ctx->reached;
	pthread_mutex_unlock(&ctx->lock);
	if (ret || done)
		return ret;

	/* sleep in the driver without the lock: others keep submitting */
	if (wait_ioctl(ctx, target))
		return -1;
	pthread_mutex_lock(&ctx->lock);
	note_reached(ctx, target);
	pthread_mutex_unlock(&ctx->lock);
	return 0;
}

int acd_submit_sync_file(struct acd_ctx *ctx)
{
	struct drm_syncobj_handle h = {
		.handle = ctx->syncobj,
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE,
		.fd = -1,
	};
	int ret = 0;

	if (!ctx->accel)
		return fail(EOPNOTSUPP, "%s: sync_file: only the accel node has fences",
			    ctx->path);
	pthread_mutex_lock(&ctx->lock);
	if (ctx->nbuf)
		ret = stream_submit(ctx);
	/* the syncobj holds the last SUBMIT's fence: in order, it implies all */
	if (ret == 0 && ioctl(ctx->fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h) < 0)
		ret = fail(errno, "%s: SYNCOBJ_HANDLE_TO_FD (sync_file)",
			   ctx->path);
	pthread_mutex_unlock(&ctx->lock);
	return ret ? -1 : h.fd;
}

int acd_close(struct acd_ctx *ctx)
{
	int ret = 0, err = 0;

	if (!ctx)
		return 0;
	if (ctx->nbuf && stream_submit(ctx)) {
		ret = -1;
		err = errno;
	}
	for (unsigned int i = 0; i < ctx->nbuf; i++)
		buffer_fini(&ctx->code[i].buf);
	free(ctx->code);
	/*
	 * The caller's buffer objects outlive the DRM file through their
	 * mappings; their handles go with it.
	 */
	pthread_mutex_lock(&ctx->list_lock);
	for (struct acd_buffer *b = ctx->users.next, *n; b != &ctx->users;
	     b = n) {
		n = b->next;
		b->prev = b->next = NULL;
		b->handle = 0;
		b->ctx = NULL;
	}
	pthread_mutex_unlock(&ctx->list_lock);
	close(ctx->fd);
	pthread_mutex_destroy(&ctx->list_lock);
	pthread_mutex_destroy(&ctx->lock);
	free(ctx);
	if (ret)
		errno = err;
	return ret;
}
