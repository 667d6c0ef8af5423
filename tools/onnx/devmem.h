/* SPDX-License-Identifier: GPL-2.0 */
/*
 * devmem.h - the allocator ONNX Runtime uses for the outputs of the EP's
 * nodes: blocks of the device's data buffers mapped side by side, so
 * that FILL writes the output tensor itself (no staging copy).
 *
 * A block of B bytes is ceil(B / 4 MiB) data buffers (the last one
 * smaller), mapped at consecutive addresses of one reserved range
 * (acd_buffer_create_at). A context has 16 slots, so a block takes
 * buffers from up to DEVMEM_MAX_CTX contexts of its own allocator
 * (16 x 4 MiB = 64 MiB each, 512 MiB in all). Freed blocks are kept
 * (up to 128 MiB) and given again for the same size; when slots run
 * short, kept blocks are destroyed first. Allocations smaller than min_bytes, larger than the
 * contexts can hold, or made while the device cannot give buffers, come
 * from host memory instead, and the node then writes them through the
 * staging path (fillplan.c) or with the CPU.
 */
#ifndef ACCELDEV_DEVMEM_H
#define ACCELDEV_DEVMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libacceldev.h>
#include <onnxruntime_c_api.h>

#include "fillplan.h"

#define DEVMEM_MAX_CTX 8

struct devmem;
struct dm_block;

/*
 * devmem_create() - an allocator for /dev/acceldevN (or its accel node),
 * or, with sim, the EP's virtual device (blocks are host memory that
 * the CPU fills as the device would); host_only: every allocation from
 * host memory (ORT's environment-wide allocator, which knows no device).
 * info stays the caller's and must outlive the allocator. Return: the
 * allocator, or NULL (out of memory).
 */
struct devmem *devmem_create(const OrtMemoryInfo *info, int index, enum acd_node node,
			     bool sim, bool host_only);
OrtAllocator *devmem_allocator(struct devmem *dm);
/*
 * devmem_release() - ORT is done with the allocator: kept blocks are
 * destroyed at once, the rest (and the contexts) once the tensors in
 * them are freed.
 */
void devmem_release(OrtAllocator *a);
/* outputs smaller than this come from host memory */
void devmem_set_min_bytes(struct devmem *dm, uint64_t min_bytes);

/*
 * devmem_find() - the block holding [p, p + len) of an allocator of
 * this library, with *delta the offset of p in it; NULL if p is host
 * memory or not 4-byte aligned in the block. The block stays valid while
 * ORT holds the tensor.
 */
struct dm_block *devmem_find(const void *p, size_t len, size_t *delta);

/*
 * devmem_fill() - produce the plan into out, which is at offset delta
 * of blk: FILLs into the block's buffers, a FENCE per context used,
 * WAITs, then the unaligned bytes with the CPU. Return: 0, or -1 with a
 * message in err.
 */
int devmem_fill(struct dm_block *blk, size_t delta, const struct fill_plan *plan, void *out,
		struct fill_stats *stats, char *err, size_t errlen);

#endif
