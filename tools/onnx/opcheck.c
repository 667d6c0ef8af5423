// SPDX-License-Identifier: GPL-2.0
/*
 * opcheck.c - the node-by-node decision of GetCapability, and the fill
 * plans of claimed nodes.
 *
 *   ConstantOfShape: one run over the whole output when the value is one
 *     repeated 32-bit word (1-, 2-, 4-byte types; 8-byte ones with equal
 *     halves).
 *   Expand: a data input of static shape whose trailing axes broadcast:
 *     each input element becomes runs of the output, one FILL each.
 *     1-, 2-, 4-byte types (8-byte values are only known at Run).
 *   EyeLike: zeros, then one FILL per 32-bit word of each diagonal
 *     element (4- and 8-byte output types).
 */
#include "opcheck.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void say(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

size_t op_elem_size(ONNXTensorElementDataType t)
{
	switch (t) {
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8:
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8:
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL:
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FN:
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FNUZ:
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2:
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2FNUZ:
		return 1;
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16:
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16:
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16:
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16:
		return 2;
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT:
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32:
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32:
		return 4;
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64:
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64:
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE:
		return 8;
	default:
		return 0;	/* strings, complex, packed 2-/4-bit types */
	}
}

/* The 32-bit word repeating an element of es bytes; -1 if none does. */
static int elem_word(const uint8_t *v, size_t es, uint32_t *word)
{
	uint32_t w = 0;

	switch (es) {
	case 1:
		w = v[0] * 0x01010101u;
		break;
	case 2:
		memcpy(&w, v, 2);
		w |= w << 16;
		break;
	case 4:
		memcpy(&w, v, 4);
		break;
	case 8: {
		uint32_t hi;

		memcpy(&w, v, 4);
		memcpy(&hi, v + 4, 4);
		if (w != hi)
			return -1;
		break;
	}
	default:
		return -1;
	}
	*word = w;
	return 0;
}

/* Tensor type of a value: element type, rank and dims (-1: unknown). */
static int value_type(const OrtValueInfo *vi, ONNXTensorElementDataType *type,
		      int64_t *dims, size_t *rank)
{
	const OrtTypeInfo *ti = NULL;
	const OrtTensorTypeAndShapeInfo *tsi = NULL;
	OrtStatus *st;

	st = ort->GetValueInfoTypeInfo(vi, &ti);
	if (!st)
		st = ort->CastTypeInfoToTensorInfo(ti, &tsi);
	if (st || !tsi)
		goto fail;
	st = ort->GetTensorElementType(tsi, type);
	if (!st)
		st = ort->GetDimensionsCount(tsi, rank);
	if (!st && *rank > OP_MAX_RANK)
		goto fail;
	if (!st)
		st = ort->GetDimensions(tsi, dims, *rank);
	if (st)
		goto fail;
	return 0;
fail:
	ort_ignore(st);
	return -1;
}

/* Elements of dims: -1 if one is negative or the product exceeds 2^40. */
static int64_t count(const int64_t *dims, size_t rank)
{
	int64_t n = 1;
	size_t i;

	for (i = 0; i < rank; i++) {
		if (dims[i] < 0)
			return -1;
		if (dims[i] && n > (INT64_C(1) << 40) / dims[i])
			return -1;
		n *= dims[i];
	}
	return n;
}

static bool dims_static(const int64_t *dims, size_t rank)
{
	size_t i;

	for (i = 0; i < rank; i++)
		if (dims[i] < 0)
			return false;
	return true;
}

static int node_io(const OrtNode *node, bool input, size_t i, const OrtValueInfo **vi)
{
	const OrtValueInfo *all[8];
	size_t n = 0;
	OrtStatus *st;

	st = input ? ort->Node_GetNumInputs(node, &n) : ort->Node_GetNumOutputs(node, &n);
	if (st || i >= n || n > 8)
		goto fail;
	st = input ? ort->Node_GetInputs(node, all, n) : ort->Node_GetOutputs(node, all, n);
	if (st || !all[i])
		goto fail;
	*vi = all[i];
	return 0;
fail:
	ort_ignore(st);
	return -1;
}

static int64_t attr_int(const OrtNode *node, const char *name, int64_t dflt)
{
	const OrtOpAttr *attr = NULL;
	OrtStatus *st;
	int64_t v = dflt;
	size_t got;

	st = ort->Node_GetAttributeByName(node, name, &attr);
	if (!st && attr)
		st = ort->ReadOpAttr(attr, ORT_OP_ATTR_INT, &v, sizeof(v), &got);
	if (st) {
		ort->ReleaseStatus(st);
		v = dflt;
	}
	return v;
}

/* element type of a node's input or output, and its size (op->es) */
static enum op_verdict io_elem(const OrtNode *node, bool input, struct op_info *op,
			       int64_t *dims, size_t *rank, char *why, size_t len)
{
	const OrtValueInfo *vi;
	ONNXTensorElementDataType type;

	if (node_io(node, input, 0, &vi) || value_type(vi, &type, dims, rank)) {
		say(why, len, "%s type unknown", input ? "input" : "output");
		return OP_DECLINE;
	}
	op->es = op_elem_size(type);
	if (!op->es) {
		say(why, len, "element type %d has no 32-bit FILL form", (int)type);
		return OP_DECLINE;
	}
	return OP_CLAIM;
}

static enum op_verdict check_constant_of_shape(const OrtNode *node, struct op_info *op,
					       char *why, size_t len)
{
	const OrtOpAttr *attr = NULL;
	OrtValue *val = NULL;
	ONNXTensorElementDataType vtype;
	int64_t dims[OP_MAX_RANK];
	size_t rank, es;
	const int64_t *shape;
	const void *data;
	OrtStatus *st;
	enum op_verdict v = OP_DECLINE;

	if (io_elem(node, false, op, dims, &rank, why, len) != OP_CLAIM)
		return OP_DECLINE;
	st = ort->Node_GetAttributeByName(node, "value", &attr);
	if (st) {
		ort->ReleaseStatus(st);
		attr = NULL;
	}
	if (!attr) {	/* default: float 0 */
		op->word = 0;
		say(why, len, "default value 0");
		return OP_CLAIM;
	}
	st = ort->OpAttr_GetTensorAttributeAsOrtValue(attr, &val);
	if (!st && val)
		st = ort->GetTensorElementTypeAndShapeDataReference(val, &vtype, &shape, &rank);
	if (!st && val)
		st = ort->GetTensorData(val, &data);
	if (st || !val) {
		say(why, len, "cannot read the 'value' attribute");
		goto out;
	}
	es = op_elem_size(vtype);
	if (rank > OP_MAX_RANK || count(shape, rank) != 1 || es != op->es) {
		say(why, len, "'value' is not one element of the output type");
		goto out;
	}
	if (elem_word(data, op->es, &op->word)) {
		uint64_t v;

		memcpy(&v, data, sizeof(v));	/* no alignment is promised */
		say(why, len, "8-byte value 0x%016" PRIx64 " has unequal 32-bit halves", v);
		goto out;
	}
	say(why, len, "word 0x%08x repeated (%zu-byte elements)", op->word, op->es);
	v = OP_CLAIM;
out:
	if (st)
		ort->ReleaseStatus(st);
	if (val)
		ort->ReleaseValue(val);
	return v;
}

/*
 * When the output's shape is static, the bytes of one run: the output
 * axes where the (right-aligned) input is 1, times the element size. A
 * run shorter than a 32-bit word would be all CPU work: declined.
 */
static enum op_verdict expand_run_bytes(const OrtNode *node, struct op_info *op,
					const int64_t *in, size_t in_rank, size_t n, char *why,
					size_t len)
{
	struct op_info out_op;
	int64_t dims[OP_MAX_RANK];
	size_t rank, i, run = op->es;
	char tmp[8];

	if (io_elem(node, false, &out_op, dims, &rank, tmp, sizeof(tmp)) != OP_CLAIM ||
	    !dims_static(dims, rank) || rank < in_rank) {
		say(why, len, "each of the %zu input element(s) becomes runs of the output "
		    "(their length is known at Run)", n);
		return OP_CLAIM;
	}
	if (count(dims, rank) < 0) {
		say(why, len, "the output has more than 2^40 elements");
		return OP_DECLINE;
	}
	for (i = rank; i-- > 0;) {
		if (n > 1 && i >= rank - in_rank && in[i - (rank - in_rank)] != 1)
			break;
		run *= (size_t)dims[i];
	}
	if (run < 4) {
		say(why, len, "runs of %zu byte(s), shorter than one 32-bit FILL word", run);
		return OP_DECLINE;
	}
	op->out_runs = count(dims, rank) * (int64_t)op->es / (int64_t)run - 1;
	say(why, len, "each of the %zu input element(s) becomes runs of %zu bytes", n, run);
	return OP_CLAIM;
}

static enum op_verdict check_expand(const OrtNode *node, struct op_info *op, char *why,
				    size_t len)
{
	int64_t dims[OP_MAX_RANK], n;
	size_t rank;

	if (io_elem(node, true, op, dims, &rank, why, len) != OP_CLAIM)
		return OP_DECLINE;
	if (op->es == 8) {
		say(why, len, "8-byte elements: their values are only known at Run, and FILL needs equal 32-bit halves");
		return OP_DECLINE;
	}
	if (!dims_static(dims, rank)) {
		say(why, len, "the input's shape is not static");
		return OP_DECLINE;
	}
	n = count(dims, rank);
	if (n < 0) {
		say(why, len, "the input has more than 2^40 elements");
		return OP_DECLINE;
	}
	if (rank > 0 && n > 1 && dims[rank - 1] != 1) {
		say(why, len, "the last input axis (%" PRId64 ") does not broadcast: one FILL per element",
		    dims[rank - 1]);
		return OP_DECLINE;
	}
	return expand_run_bytes(node, op, dims, rank, (size_t)n, why, len);
}

/*
 * The rows [*first, *end) of a rows x cols EyeLike that hold a diagonal
 * element; none when k is outside (-rows, cols), which also keeps -k and
 * cols - k from overflowing (k may be INT64_MIN or INT64_MAX).
 */
static void eyelike_rows(int64_t rows, int64_t cols, int64_t k, int64_t *first, int64_t *end)
{
	if (k >= cols || k <= -rows) {
		*first = *end = 0;
	} else if (k < 0) {
		*first = -k;
		*end = rows - *first < cols ? rows : *first + cols;
	} else {
		*first = 0;
		*end = cols - k < rows ? cols - k : rows;
	}
}

static enum op_verdict check_eyelike(const OrtNode *node, struct op_info *op, char *why,
				     size_t len)
{
	const OrtValueInfo *in, *out;
	ONNXTensorElementDataType type, otype;
	int64_t dims[OP_MAX_RANK], odims[OP_MAX_RANK];
	size_t rank, orank;

	if (node_io(node, true, 0, &in) || value_type(in, &type, dims, &rank) ||
	    node_io(node, false, 0, &out) || value_type(out, &otype, odims, &orank)) {
		say(why, len, "input or output type unknown");
		return OP_DECLINE;
	}
	if (rank != 2) {
		say(why, len, "the input is not 2-D");
		return OP_DECLINE;
	}
	op->k = attr_int(node, "k", 0);
	op->es = op_elem_size(otype);
	switch (otype) {
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT:
		op->one_lo = 0x3f800000u;
		break;
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE:
		op->one_lo = 0;
		op->one_hi = 0x3ff00000u;
		break;
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32:
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32:
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64:
	case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64:
		op->one_lo = 1;
		break;
	default:
		say(why, len, "output type %d: a diagonal element is not whole 32-bit words",
		    (int)otype);
		return OP_DECLINE;
	}
	say(why, len, "zeros, then %s word(s) per diagonal element (k=%" PRId64 ")",
	    op->es == 8 ? "2" : "1", op->k);
	return OP_CLAIM;
}

static const char *const kind_names[] = {
	[OPK_CONSTANT_OF_SHAPE] = "ConstantOfShape",
	[OPK_EXPAND] = "Expand",
	[OPK_EYELIKE] = "EyeLike",
};

#define CONTEXT_FORMAT "acceldev-op 1 %d %zu %" SCNu32 " %" SCNd64 " %" SCNu32 " %" SCNu32 " %" SCNd64

void op_format(const struct op_info *op, char *buf, size_t len)
{
	snprintf(buf, len, "acceldev-op 1 %d %zu %" PRIu32 " %" PRId64 " %" PRIu32 " %" PRIu32
		 " %" PRId64, (int)op->kind, op->es, op->word, op->k, op->one_lo, op->one_hi,
		 op->out_bytes);
}

/* a string attribute into buf ("" if absent); -1 if it does not fit */
static int attr_string(const OrtNode *node, const char *name, char *buf, size_t len)
{
	const OrtOpAttr *attr = NULL;
	OrtStatus *st;
	size_t got = 0;

	buf[0] = 0;
	st = ort->Node_GetAttributeByName(node, name, &attr);
	if (!st && attr)
		st = ort->ReadOpAttr(attr, ORT_OP_ATTR_STRING, buf, len - 1, &got);
	if (st) {
		ort->ReleaseStatus(st);
		buf[0] = 0;
		return attr ? -1 : 0;
	}
	buf[got < len ? got : len - 1] = 0;
	return 0;
}

/* an EPContext node: ours (source) if its ep_cache_context reads back */
static enum op_verdict check_context(const OrtNode *node, struct op_info *op, char *why,
				     size_t len)
{
	char source[64], text[160];
	int kind, n;

	if (attr_string(node, "source", source, sizeof(source)) ||
	    strcmp(source, OP_CONTEXT_SOURCE)) {
		say(why, len, "an EPContext node of another EP ('%s')", source);
		return OP_OTHER;
	}
	if (attr_string(node, "ep_cache_context", text, sizeof(text)) ||
	    sscanf(text, CONTEXT_FORMAT "%n", &kind, &op->es, &op->word, &op->k, &op->one_lo,
		   &op->one_hi, &op->out_bytes, &n) != 7 || text[n] ||
	    kind < OPK_CONSTANT_OF_SHAPE || kind > OPK_EYELIKE || !op->es || op->es > 8 ||
	    (op->es & (op->es - 1))) {
		say(why, len, "EPContext node with an ep_cache_context this EP cannot read");
		return OP_DECLINE;
	}
	op->kind = (enum op_kind)kind;
	op->type = kind_names[kind];
	op->from_context = true;
	say(why, len, "EPContext node of a %s", op->type);
	return OP_CLAIM;
}

/*
 * op->out_bytes and op->out_runs when the output's shape is static
 * (Expand's runs are counted by expand_run_bytes())
 */
static void static_output(const OrtNode *node, struct op_info *op)
{
	const OrtValueInfo *vi;
	ONNXTensorElementDataType type;
	int64_t dims[OP_MAX_RANK], n, first, end;
	size_t rank;

	op->out_bytes = -1;
	if (node_io(node, false, 0, &vi) || value_type(vi, &type, dims, &rank) ||
	    !dims_static(dims, rank))
		return;
	n = count(dims, rank);
	if (n < 0)
		return;
	op->out_bytes = n * (int64_t)op->es;
	if (op->kind == OPK_CONSTANT_OF_SHAPE) {
		op->out_runs = 0;
	} else if (op->kind == OPK_EYELIKE && rank == 2) {
		eyelike_rows(dims[0], dims[1], op->k, &first, &end);
		op->out_runs = (end - first) * (int64_t)(op->es / 4);
	}
}

static enum op_verdict check_onnx(const OrtNode *node, const char *type, struct op_info *op,
				  char *why, size_t len)
{
	if (!strcmp(type, "ConstantOfShape")) {
		op->kind = OPK_CONSTANT_OF_SHAPE;
		op->type = "ConstantOfShape";
		return check_constant_of_shape(node, op, why, len);
	}
	if (!strcmp(type, "Expand")) {
		op->kind = OPK_EXPAND;
		op->type = "Expand";
		return check_expand(node, op, why, len);
	}
	if (!strcmp(type, "EyeLike")) {
		op->kind = OPK_EYELIKE;
		op->type = "EyeLike";
		return check_eyelike(node, op, why, len);
	}
	say(why, len, "not an operator FILL computes (ConstantOfShape, Expand, EyeLike)");
	return OP_OTHER;
}

enum op_verdict op_check(const OrtNode *node, struct op_info *op, char *why, size_t len)
{
	const char *type = "", *domain = "";
	enum op_verdict v;
	OrtStatus *st;

	memset(op, 0, sizeof(*op));
	op->out_runs = -1;
	st = ort->Node_GetOperatorType(node, &type);
	if (!st)
		st = ort->Node_GetDomain(node, &domain);
	if (st) {
		ort->ReleaseStatus(st);
		say(why, len, "cannot read the node");
		return OP_OTHER;
	}
	if (!strcmp(domain, "com.microsoft") && !strcmp(type, "EPContext"))
		return check_context(node, op, why, len);
	if (*domain && strcmp(domain, "ai.onnx")) {
		say(why, len, "domain '%s' is not ONNX's", domain);
		return OP_OTHER;
	}
	v = check_onnx(node, type, op, why, len);
	if (v == OP_CLAIM)
		static_output(node, op);
	return v;
}

/* ---- plans --------------------------------------------------------------- */

static OrtStatus *bad(const struct op_info *op, const char *what)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "Acceldev %s: %s", op->type, what);
	return ort->CreateStatus(ORT_INVALID_ARGUMENT, msg);
}

/* input i: element type, shape, data */
static OrtStatus *input(OrtKernelContext *kctx, size_t i, ONNXTensorElementDataType *type,
			const int64_t **shape, size_t *rank, const void **data)
{
	const OrtValue *v = NULL;
	OrtStatus *st;

	st = ort->KernelContext_GetInput(kctx, i, &v);
	if (!st)
		st = ort->GetTensorElementTypeAndShapeDataReference(v, type, shape, rank);
	if (!st)
		st = ort->GetTensorData(v, data);
	return st;
}

static void expand_run(const struct fill_plan *plan, size_t i, struct fill_run *run)
{
	const struct op_plan *p = (const struct op_plan *)plan;
	size_t rem = i, a, idx = 0;

	for (a = p->axes; a-- > 0;) {
		size_t d = (size_t)p->out_dims[a];

		idx += (rem % d) * (size_t)p->in_strides[a];
		rem /= d;
	}
	run->offset = i * plan->stride;
	run->len = plan->stride;
	elem_word(p->in + idx * p->es, p->es, &run->word);
}

static void eyelike_run(const struct fill_plan *plan, size_t i, struct fill_run *run)
{
	const struct op_plan *p = (const struct op_plan *)plan;
	size_t words = p->es / 4, j = i / words, half = i % words;
	int64_t row = p->row0 + (int64_t)j, col = row + p->k;

	run->offset = (size_t)(row * p->cols + col) * p->es + half * 4;
	run->len = 4;
	run->word = half ? p->one_hi : p->one_lo;
}

static OrtStatus *prepare_expand(const struct op_info *op, OrtKernelContext *kctx,
				 struct op_plan *p, int64_t *odims, size_t *orank)
{
	ONNXTensorElementDataType t0, t1;
	const int64_t *s0, *s1, *shape;
	const void *d0, *d1;
	size_t r0, r1, n1, i, rank, last;
	int64_t in_aligned[OP_MAX_RANK], stride = 1, run = 1, nruns = 1;
	OrtStatus *st;

	st = input(kctx, 0, &t0, &s0, &r0, &d0);
	if (!st)
		st = input(kctx, 1, &t1, &s1, &r1, &d1);
	if (st)
		return st;
	if (t1 != ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 || r1 != 1)
		return bad(op, "the shape input is not a 1-D int64 tensor");
	n1 = (size_t)s1[0];
	shape = d1;
	rank = r0 > n1 ? r0 : n1;
	if (rank > OP_MAX_RANK)
		return bad(op, "too many axes");
	/* bidirectional broadcast, aligned on the last axis */
	for (i = 0; i < rank; i++) {
		int64_t a = i + r0 >= rank ? s0[i + r0 - rank] : 1;
		int64_t b = i + n1 >= rank ? shape[i + n1 - rank] : 1;

		if (a != b && a != 1 && b != 1)
			return bad(op, "the input and the shape do not broadcast");
		in_aligned[i] = a;
		odims[i] = a == 1 ? b : a;
	}
	if (count(odims, rank) < 0)
		return bad(op, "negative or too large output shape");
	*orank = rank;
	for (i = rank; i-- > 0;) {	/* element strides of the input */
		p->in_strides[i] = in_aligned[i] == 1 ? 0 : stride;
		stride *= in_aligned[i];
	}
	/* trailing axes where the input is 1: one run per element there */
	for (last = rank; last > 0 && in_aligned[last - 1] == 1; last--)
		run *= odims[last - 1];
	for (i = 0; i < last; i++) {
		nruns *= odims[i];
		p->out_dims[i] = odims[i];
	}
	p->axes = last;
	p->in = d0;
	p->es = op->es;
	p->plan.stride = (size_t)run * op->es;
	p->plan.nruns = (size_t)nruns;
	p->plan.get_run = expand_run;
	if (op_elem_size(t0) != op->es)
		return bad(op, "unexpected input type");
	return NULL;
}

static OrtStatus *prepare_eyelike(const struct op_info *op, OrtKernelContext *kctx,
				  struct op_plan *p, int64_t *odims, size_t *orank)
{
	ONNXTensorElementDataType t;
	const int64_t *s;
	const void *d;
	size_t r;
	int64_t rows, cols, first, end;
	OrtStatus *st;

	st = input(kctx, 0, &t, &s, &r, &d);
	if (st)
		return st;
	if (r != 2)
		return bad(op, "the input is not 2-D");
	rows = odims[0] = s[0];
	cols = odims[1] = s[1];
	*orank = 2;
	eyelike_rows(rows, cols, op->k, &first, &end);
	p->row0 = first;
	p->cols = cols;
	p->k = op->k;
	p->es = op->es;
	p->one_lo = op->one_lo;
	p->one_hi = op->one_hi;
	p->plan.has_base = true;
	p->plan.base_word = 0;
	p->plan.nruns = end > first ? (size_t)(end - first) * (op->es / 4) : 0;
	p->plan.get_run = eyelike_run;
	return NULL;
}

OrtStatus *op_prepare(const struct op_info *op, OrtKernelContext *kctx, struct op_plan *p)
{
	int64_t odims[OP_MAX_RANK], n;
	size_t orank = 0, i;
	OrtStatus *st = NULL;

	memset(p, 0, sizeof(*p));
	switch (op->kind) {
	case OPK_CONSTANT_OF_SHAPE: {
		ONNXTensorElementDataType t;
		const int64_t *s;
		const void *d;
		size_t r;

		st = input(kctx, 0, &t, &s, &r, &d);
		if (st)
			return st;
		if (t != ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 || r != 1 || s[0] > OP_MAX_RANK)
			return bad(op, "the input is not a 1-D int64 shape of at most 16 axes");
		orank = (size_t)s[0];
		for (i = 0; i < orank; i++)
			odims[i] = ((const int64_t *)d)[i];
		p->plan.has_base = true;
		p->plan.base_word = op->word;
		break;
	}
	case OPK_EXPAND:
		st = prepare_expand(op, kctx, p, odims, &orank);
		break;
	case OPK_EYELIKE:
		st = prepare_eyelike(op, kctx, p, odims, &orank);
		break;
	}
	if (st)
		return st;
	n = count(odims, orank);
	if (n < 0)
		return bad(op, "negative or too large output shape");
	p->plan.total = (size_t)n * op->es;
	return ort->KernelContext_GetOutput(kctx, 0, odims, orank, &p->output);
}
