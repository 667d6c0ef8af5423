/* SPDX-License-Identifier: GPL-2.0 */
/*
 * opcheck.h - which nodes FILL can compute (GetCapability), and the fill
 * plan of a claimed node for its actual inputs (Compute).
 */
#ifndef ACCELDEV_OPCHECK_H
#define ACCELDEV_OPCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ep.h"
#include "fillplan.h"

enum op_kind { OPK_CONSTANT_OF_SHAPE, OPK_EXPAND, OPK_EYELIKE };

/* What a claimed node needs at Compute time (no graph pointers). */
struct op_info {
	enum op_kind kind;
	const char *type;		/* static string: "Expand", ... */
	size_t es;			/* output element size in bytes */
	uint32_t word;			/* ConstantOfShape: the value's word */
	int64_t k;			/* EyeLike: diagonal */
	uint32_t one_lo, one_hi;	/* EyeLike: the value 1, low/high word */
	int64_t out_bytes;		/* the output's size if its shape is static, else -1 */
	int64_t out_runs;		/* then its runs beyond the first (fill_plan_runs), else -1 */
	bool from_context;		/* an EPContext node of ours (op_format) */
};

enum op_verdict {
	OP_CLAIM,	/* FILL computes it */
	OP_DECLINE,	/* an operator we know, in a case FILL cannot do */
	OP_OTHER,	/* not one of ours */
};

/* Does the CPU EP copy the output from an input (Expand), rather than fill it? */
static inline bool op_copies(const struct op_info *op)
{
	return op->kind == OPK_EXPAND;
}

/* Decide about a node; why gets the reason either way. */
enum op_verdict op_check(const OrtNode *node, struct op_info *op, char *why, size_t len);

/*
 * op_format() - a claimed node's op_info as the text of an EPContext
 * node's ep_cache_context; op_check() reads it back from such a node.
 */
void op_format(const struct op_info *op, char *buf, size_t len);

#define OP_CONTEXT_SOURCE ACCELDEV_EP_NAME	/* EPContext "source" of ours */

#define OP_MAX_RANK 16

/* A node's plan for one Compute call. plan must stay the first member. */
struct op_plan {
	struct fill_plan plan;
	OrtValue *output;
	/* Expand */
	const uint8_t *in;
	size_t es, axes;		/* axes: leading output axes a run index spans */
	int64_t out_dims[OP_MAX_RANK];
	int64_t in_strides[OP_MAX_RANK];	/* elements; 0 on broadcast axes */
	/* EyeLike */
	int64_t row0, cols, k;
	uint32_t one_lo, one_hi;
};

/*
 * op_prepare() - read the inputs, allocate the output, fill in p->plan
 * Return: NULL or an ORT error status (bad input shapes, ...).
 */
OrtStatus *op_prepare(const struct op_info *op, OrtKernelContext *kctx, struct op_plan *p);

/* element size of an ONNX tensor type that FILL can write, else 0 */
size_t op_elem_size(ONNXTensorElementDataType t);

#endif
