// SPDX-License-Identifier: GPL-2.0
/*
 * devmem.c - ONNX Runtime's allocator for the EP's outputs, made of the
 * device's data buffers, and FILL straight into them (see devmem.h).
 */
#include "devmem.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define CHUNK ((size_t)ACD_BUFFER_MAX_SIZE)
#define SLOTS 16		/* data buffers a context may have */
#define HOST_ALIGN 64
#define DEVMEM_KEEP ((size_t)128 << 20)	/* freed blocks kept for reuse, at most */

struct dm_ctx {
	struct acd_ctx *ctx;	/* NULL: not open */
	unsigned int used;	/* slots held by blocks */
	bool full;		/* CREATE_BUFFER said no slot: use no more of it */
	bool broken;		/* EIO/ENODEV: no new blocks; closed when unused */
};

struct dm_chunk {
	struct dm_ctx *c;
	struct acd_buffer *buf;
};

struct dm_block {
	struct dm_block *next;
	struct devmem *dm;
	uint8_t *base;
	size_t size;		/* bytes the block holds (what was asked, for reuse) */
	size_t span;		/* bytes reserved: n * CHUNK */
	unsigned int n;
	bool in_use;		/* ORT holds it; else kept for reuse */
	struct dm_chunk chunk[];
};

/* host memory given to ORT, kept for reuse too (a fresh one page-faults every Run) */
struct host_mem {
	struct host_mem *next;
	void *p;
	size_t size;
	bool in_use;
};

struct devmem {
	OrtAllocator base;	/* first: ORT's pointer is ours */
	struct devmem *next;	/* in dm_all */
	const OrtMemoryInfo *info;
	int index;
	enum acd_node node;
	bool sim, host_only, released, broke;
	uint64_t min_bytes;
	unsigned long live;	/* blocks and host allocations ORT holds */
	unsigned long reopens;	/* contexts opened after one broke, not yet reported */
	struct dm_ctx ctx[DEVMEM_MAX_CTX];
	struct dm_block *blocks;
	struct host_mem *host;
};

/* one lock for every allocator: blocks are few and short-lived calls */
static pthread_mutex_t dm_lock = PTHREAD_MUTEX_INITIALIZER;
static struct devmem *dm_all;

/* dm_lock held: close a broken context no block uses any more */
static void ctx_put(struct dm_ctx *c)
{
	if (c->used || !c->broken)
		return;
	acd_close(c->ctx);
	memset(c, 0, sizeof(*c));
}

static void block_destroy(struct dm_block *blk)
{
	struct devmem *dm = blk->dm;
	struct dm_block **pp;
	unsigned int k;

	for (pp = &dm->blocks; *pp; pp = &(*pp)->next) {
		if (*pp == blk) {
			*pp = blk->next;
			break;
		}
	}
	if (dm->sim) {
		free(blk->base);
	} else {
		for (k = 0; k < blk->n; k++) {
			if (!blk->chunk[k].buf)
				continue;
			acd_buffer_destroy(blk->chunk[k].buf);
			blk->chunk[k].c->used--;
			blk->chunk[k].c->full = false;
			ctx_put(blk->chunk[k].c);
		}
		munmap(blk->base, blk->span);
	}
	free(blk);
}

/* dm_lock held: free kept host memory (all of it, or beyond DEVMEM_KEEP but keep) */
static void host_trim(struct devmem *dm, bool all, const struct host_mem *keep)
{
	struct host_mem **pp = &dm->host, *h;
	size_t kept = 0;

	for (h = dm->host; h; h = h->next)
		kept += h->in_use ? 0 : h->size;
	while ((h = *pp)) {
		if (!h->in_use && h != keep && (all || kept > DEVMEM_KEEP)) {
			kept -= h->size;
			*pp = h->next;
			free(h->p);
			free(h);
		} else {
			pp = &h->next;
		}
	}
}

static void devmem_destroy(struct devmem *dm)
{
	struct devmem **pp;
	unsigned int i;

	host_trim(dm, true, NULL);
	while (dm->blocks)
		block_destroy(dm->blocks);
	for (i = 0; i < DEVMEM_MAX_CTX; i++)
		acd_close(dm->ctx[i].ctx);
	for (pp = &dm_all; *pp; pp = &(*pp)->next) {
		if (*pp == dm) {
			*pp = dm->next;
			break;
		}
	}
	free(dm);
}

/* is one of the block's contexts broken? */
static bool block_broken(const struct dm_block *blk)
{
	unsigned int k;

	for (k = 0; k < blk->n && !blk->dm->sim; k++)
		if (blk->chunk[k].c->broken)
			return true;
	return false;
}

/* slots that new blocks may still take (contexts not open count 16) */
static unsigned int free_slots(const struct devmem *dm)
{
	unsigned int i, n = 0;

	for (i = 0; i < DEVMEM_MAX_CTX; i++) {
		const struct dm_ctx *c = &dm->ctx[i];

		if (!c->ctx)
			n += c->broken ? 0 : SLOTS;
		else if (!c->broken && !c->full)
			n += SLOTS - c->used;
	}
	return n;
}

/*
 * The context for the next buffers of a block that still needs want of
 * them, opened if need be, and how many to take there (*take); NULL:
 * none. The open context that fits them all with the fewest free slots;
 * else a new one (16 slots) when no open context has as many free; else
 * the open one with the most. So a block spans as few contexts (FENCEs)
 * as it can.
 */
static struct dm_ctx *ctx_get(struct devmem *dm, unsigned int want, unsigned int *take)
{
	struct dm_ctx *fit = NULL, *most = NULL, *closed = NULL;
	unsigned int i, full = want < SLOTS ? want : SLOTS;

	for (i = 0; i < DEVMEM_MAX_CTX; i++) {
		struct dm_ctx *c = &dm->ctx[i];
		unsigned int room = SLOTS - c->used;

		if (!c->ctx) {
			if (!c->broken && !closed)
				closed = c;
			continue;
		}
		if (c->broken || c->full || !room)
			continue;
		if (room >= want && (!fit || room < SLOTS - fit->used))
			fit = c;
		if (!most || room > SLOTS - most->used)
			most = c;
	}
	if (fit) {
		*take = want;
		return fit;
	}
	if (closed && (!most || SLOTS - most->used < full)) {
		closed->ctx = acd_open_node(dm->index, dm->node);
		if (closed->ctx) {
			if (dm->broke) {
				dm->reopens++;
				dm->broke = false;
			}
			*take = full;
			return closed;
		}
	}
	if (most)
		*take = SLOTS - most->used;
	return most;
}

/* a new block of size bytes (dm_lock held); NULL: use host memory */
static struct dm_block *block_create(struct devmem *dm, size_t size)
{
	unsigned int n = (unsigned int)((size + CHUNK - 1) / CHUNK), k;
	struct dm_block *blk;

	blk = calloc(1, sizeof(*blk) + n * sizeof(blk->chunk[0]));
	if (!blk)
		return NULL;
	blk->dm = dm;
	blk->size = size;
	blk->n = n;
	blk->span = (size_t)n * CHUNK;
	if (dm->sim) {
		blk->base = aligned_alloc(4096, (size + 4095) & ~(size_t)4095);
		if (!blk->base) {
			free(blk);
			return NULL;
		}
		goto done;
	}
	blk->base = mmap(NULL, blk->span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			 -1, 0);
	if (blk->base == MAP_FAILED) {
		free(blk);
		return NULL;
	}
	for (k = 0; k < n;) {
		unsigned int take = 0;
		struct dm_ctx *c = ctx_get(dm, n - k, &take);

		if (!c)
			goto fail;
		for (; take && k < n; take--, k++) {
			struct dm_chunk *ch = &blk->chunk[k];

			ch->c = c;
			ch->buf = acd_buffer_create_at(c->ctx, ACD_BUFFER_DATA,
						       min_sz(CHUNK, size - (size_t)k * CHUNK),
						       blk->base + (size_t)k * CHUNK);
			if (!ch->buf)
				break;
			c->used++;
		}
		if (!take || k == n)
			continue;
		if (errno == ENOSPC || errno == EBUSY) {
			c->full = true;	/* slots held elsewhere: another context */
			continue;
		}
		if (errno == EIO || errno == ENODEV) {
			c->broken = dm->broke = true;
			ctx_put(c);
		}
		goto fail;
	}
done:
	blk->next = dm->blocks;
	dm->blocks = blk;
	return blk;
fail:
	block_destroy(blk);	/* not listed yet: nothing to unlink */
	return NULL;
}

/* dm_lock held: destroy kept blocks until want slots are free */
static void evict(struct devmem *dm, unsigned int want)
{
	struct dm_block *blk, *next;

	for (blk = dm->blocks; blk && free_slots(dm) < want; blk = next) {
		next = blk->next;
		if (!blk->in_use)
			block_destroy(blk);
	}
}

/* dm_lock held: destroy kept blocks but keep until at most DEVMEM_KEEP bytes are kept */
static void trim(struct devmem *dm, struct dm_block *keep)
{
	struct dm_block *blk, *next;
	size_t kept = 0;

	for (blk = dm->blocks; blk; blk = blk->next)
		kept += blk->in_use ? 0 : blk->span;
	for (blk = dm->blocks; blk && kept > DEVMEM_KEEP; blk = next) {
		next = blk->next;
		if (blk->in_use || blk == keep)
			continue;
		kept -= blk->span;
		block_destroy(blk);
	}
}

static void *host_alloc(struct devmem *dm, size_t size)
{
	struct host_mem *h;

	for (h = dm->host; h && (h->in_use || h->size != size); h = h->next)
		;
	if (!h) {
		h = calloc(1, sizeof(*h));
		if (!h || posix_memalign(&h->p, HOST_ALIGN, size ? size : 1)) {
			free(h);
			return NULL;
		}
		h->size = size;
		h->next = dm->host;
		dm->host = h;
	}
	h->in_use = true;
	dm->live++;
	return h->p;
}

static void *ORT_API_CALL dm_alloc(OrtAllocator *a, size_t size)
{
	struct devmem *dm = (struct devmem *)a;
	unsigned int n = (unsigned int)((size + CHUNK - 1) / CHUNK);
	struct dm_block *blk, *next;
	void *p;

	pthread_mutex_lock(&dm_lock);
	if (dm->host_only || size == 0 || size < dm->min_bytes || n > DEVMEM_MAX_CTX * SLOTS) {
		p = host_alloc(dm, size);
		goto out;
	}
	for (blk = dm->blocks; blk; blk = next) {
		next = blk->next;
		if (blk->in_use)
			continue;
		if (block_broken(blk))
			block_destroy(blk);	/* its context failed since it was freed */
		else if (blk->size == size)
			break;
	}
	if (!blk && !dm->sim) {
		evict(dm, n);
		blk = free_slots(dm) >= n ? block_create(dm, size) : NULL;
	} else if (!blk) {
		blk = block_create(dm, size);
	}
	if (!blk) {
		p = host_alloc(dm, size);
		goto out;
	}
	blk->in_use = true;
	dm->live++;
	p = blk->base;
out:
	pthread_mutex_unlock(&dm_lock);
	return p;
}

static struct dm_block *find_locked(const void *p, size_t len, size_t *delta)
{
	const uint8_t *q = p;
	struct devmem *dm;
	struct dm_block *blk;

	for (dm = dm_all; dm; dm = dm->next) {
		for (blk = dm->blocks; blk; blk = blk->next) {
			if (blk->in_use && q >= blk->base && q - blk->base <= (ptrdiff_t)blk->size &&
			    len <= blk->size - (size_t)(q - blk->base)) {
				*delta = (size_t)(q - blk->base);
				return blk;
			}
		}
	}
	return NULL;
}

static void ORT_API_CALL dm_free(OrtAllocator *a, void *p)
{
	struct devmem *dm = (struct devmem *)a;
	struct dm_block *blk;
	size_t delta;

	if (!p)
		return;
	pthread_mutex_lock(&dm_lock);
	blk = find_locked(p, 0, &delta);
	if (blk && delta == 0 && blk->dm == dm) {
		blk->in_use = false;
		if (block_broken(blk) || dm->released)
			block_destroy(blk);
		else
			trim(dm, blk);
	} else if (!blk) {
		struct host_mem *h;

		for (h = dm->host; h && h->p != p; h = h->next)
			;
		if (h) {
			h->in_use = false;
			host_trim(dm, dm->released, h);
		}
	}
	dm->live--;
	if (dm->released && !dm->live)
		devmem_destroy(dm);
	pthread_mutex_unlock(&dm_lock);
}

static const OrtMemoryInfo *ORT_API_CALL dm_info(const OrtAllocator *a)
{
	return ((const struct devmem *)a)->info;
}

static void *ORT_API_CALL dm_reserve(OrtAllocator *a, size_t size)
{
	return dm_alloc(a, size);
}

struct devmem *devmem_create(const OrtMemoryInfo *info, int index, enum acd_node node,
			     bool sim, bool host_only)
{
	struct devmem *dm = calloc(1, sizeof(*dm));

	if (!dm)
		return NULL;
	dm->base.version = ORT_API_VERSION;
	dm->base.Alloc = dm_alloc;
	dm->base.Free = dm_free;
	dm->base.Info = dm_info;
	dm->base.Reserve = dm_reserve;
	dm->info = info;
	dm->index = index;
	dm->node = node;
	dm->sim = sim;
	dm->host_only = host_only;
	pthread_mutex_lock(&dm_lock);
	dm->next = dm_all;
	dm_all = dm;
	pthread_mutex_unlock(&dm_lock);
	return dm;
}

OrtAllocator *devmem_allocator(struct devmem *dm)
{
	return &dm->base;
}

void devmem_release(OrtAllocator *a)
{
	struct devmem *dm = (struct devmem *)a;
	struct dm_block *blk, *next;

	if (!dm)
		return;
	pthread_mutex_lock(&dm_lock);
	dm->released = true;
	host_trim(dm, true, NULL);
	for (blk = dm->blocks; blk; blk = next) {
		next = blk->next;
		if (!blk->in_use)
			block_destroy(blk);
	}
	if (!dm->live)
		devmem_destroy(dm);
	pthread_mutex_unlock(&dm_lock);
}

void devmem_set_min_bytes(struct devmem *dm, uint64_t min_bytes)
{
	pthread_mutex_lock(&dm_lock);
	dm->min_bytes = min_bytes;
	pthread_mutex_unlock(&dm_lock);
}

struct dm_block *devmem_find(const void *p, size_t len, size_t *delta)
{
	struct dm_block *blk;

	pthread_mutex_lock(&dm_lock);
	blk = find_locked(p, len, delta);
	pthread_mutex_unlock(&dm_lock);
	return blk && !(*delta & 3) ? blk : NULL;
}

/* after a failed call on a context: EIO and ENODEV break it */
static void note_failure(struct devmem *dm, struct dm_ctx *c, int err)
{
	if (err != EIO && err != ENODEV)
		return;
	pthread_mutex_lock(&dm_lock);
	c->broken = dm->broke = true;
	pthread_mutex_unlock(&dm_lock);
}

/* One devmem_fill call: its block, the contexts it used (bit i: ctx[i]). */
struct dfill {
	struct dm_block *blk;
	size_t delta;
	unsigned int used;
	struct fill_stats *stats;
	char *err;
	size_t errlen;
};

/* FILL the 4-byte aligned part of output bytes [o, e) with word */
static int dfill_range(struct dfill *f, uint8_t *out, size_t o, size_t e, uint32_t word)
{
	struct dm_block *blk = f->blk;
	size_t s = up4(o), end = down4(e);

	while (s < end) {
		size_t q = f->delta + s;
		size_t k = q / CHUNK, off = q % CHUNK;
		size_t len = min_sz(end - s, CHUNK - off);
		struct dm_chunk *ch = &blk->chunk[k];

		if (blk->dm->sim) {
			uint32_t *w = (uint32_t *)(out + s);
			size_t i;

			for (i = 0; i < len / 4; i++)
				w[i] = word;
		} else if (acd_fill(ch->c->ctx, ch->buf, word, (uint32_t)off, (uint32_t)len)) {
			note_failure(blk->dm, ch->c, errno);
			set_err(f->err, f->errlen, "FILL on %s failed: %s", "a device-memory block",
				acd_error());
			return -1;
		} else {
			f->used |= 1u << (ch->c - blk->dm->ctx);
		}
		f->stats->fills++;
		s += len;
	}
	return 0;
}

/* the CPU's part of [o, e): its unaligned head and tail bytes */
static void cpu_bytes(struct fill_stats *stats, uint8_t *out, size_t o, size_t e, uint32_t word)
{
	const uint8_t *w = (const uint8_t *)&word;
	size_t head_end = min_sz(up4(o), e), tail = max_sz(down4(e), head_end), p;

	for (p = o; p < head_end; p++, stats->cpu_bytes++)
		out[p] = w[p & 3];
	for (p = tail; p < e; p++, stats->cpu_bytes++)
		out[p] = w[p & 3];
}

int devmem_fill(struct dm_block *blk, size_t delta, const struct fill_plan *plan, void *out,
		struct fill_stats *stats, char *err, size_t errlen)
{
	struct dfill f = { .blk = blk, .delta = delta, .stats = stats, .err = err,
			   .errlen = errlen };
	struct devmem *dm = blk->dm;
	acd_fence_t fence[DEVMEM_MAX_CTX] = { 0 };
	struct fill_run run;
	unsigned int i;
	size_t r;
	int ret = 0;

	memset(stats, 0, sizeof(*stats));
	pthread_mutex_lock(&dm_lock);
	stats->reopens = dm->reopens;
	dm->reopens = 0;
	pthread_mutex_unlock(&dm_lock);
	if (plan->has_base)
		ret = dfill_range(&f, out, 0, plan->total, plan->base_word);
	for (r = 0; !ret && r < plan->nruns; r++) {
		plan->get_run(plan, r, &run);
		ret = dfill_range(&f, out, run.offset, run.offset + run.len, run.word);
	}
	for (i = 0; !ret && i < DEVMEM_MAX_CTX; i++) {
		struct dm_ctx *c = &dm->ctx[i];

		if (!(f.used & (1u << i)))
			continue;
		if (acd_fence(c->ctx, &fence[i]) || acd_submit(c->ctx)) {
			note_failure(dm, c, errno);
			set_err(err, errlen, "FENCE on a device-memory block failed: %s", acd_error());
			ret = -1;
		}
		stats->fences++;
	}
	/* wait for every FENCE appended, even after a failure: the buffers stay ORT's */
	for (i = 0; i < DEVMEM_MAX_CTX; i++) {
		if (!fence[i] || !acd_wait(dm->ctx[i].ctx, fence[i]))
			continue;
		note_failure(dm, &dm->ctx[i], errno);
		if (!ret)
			set_err(err, errlen, "WAIT on a device-memory block failed: %s", acd_error());
		ret = -1;
	}
	if (ret)
		return ret;
	if (plan->has_base)
		cpu_bytes(stats, out, 0, plan->total, plan->base_word);
	for (r = 0; r < plan->nruns; r++) {
		plan->get_run(plan, r, &run);
		cpu_bytes(stats, out, run.offset, run.offset + run.len, run.word);
	}
	stats->direct = 1;
	return 0;
}
