// SPDX-License-Identifier: GPL-2.0
/* tensorproto.c - a small reader of ONNX TensorProto files (tensorproto.h) */
#include "tensorproto.h"

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* TensorProto field numbers (onnx.proto) */
enum {
	F_DIMS = 1, F_DATA_TYPE = 2, F_FLOAT_DATA = 4, F_INT32_DATA = 5,
	F_INT64_DATA = 7, F_NAME = 8, F_RAW_DATA = 9, F_DOUBLE_DATA = 10,
	F_UINT64_DATA = 11,
};

/* wire types */
enum { W_VARINT = 0, W_FIXED64 = 1, W_LEN = 2, W_FIXED32 = 5 };

struct reader {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t varint(struct reader *r)
{
	uint64_t v = 0;
	int shift = 0;

	while (r->p < r->end && shift < 64) {
		uint8_t b = *r->p++;

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
		shift += 7;
	}
	r->bad = true;
	return 0;
}

static uint64_t fixed(struct reader *r, int bytes)
{
	uint64_t v = 0;

	if (r->end - r->p < bytes) {
		r->bad = true;
		return 0;
	}
	memcpy(&v, r->p, bytes);	/* little-endian host */
	r->p += bytes;
	return v;
}

size_t tensor_elem_size(int type)
{
	static const unsigned char sizes[] = {
		[1] = 4, [2] = 1, [3] = 1, [4] = 2, [5] = 2, [6] = 4, [7] = 8,
		[9] = 1, [10] = 2, [11] = 8, [12] = 4, [13] = 8, [16] = 2,
		[17] = 1, [18] = 1, [19] = 1, [20] = 1,
	};

	return type > 0 && (size_t)type < sizeof(sizes) ? sizes[type] : 0;
}

const char *tensor_type_name(int type)
{
	static const char *const names[] = {
		[1] = "float32", [2] = "uint8", [3] = "int8", [4] = "uint16",
		[5] = "int16", [6] = "int32", [7] = "int64", [8] = "string",
		[9] = "bool", [10] = "float16", [11] = "float64", [12] = "uint32",
		[13] = "uint64", [14] = "complex64", [15] = "complex128",
		[16] = "bfloat16", [17] = "float8e4m3fn", [18] = "float8e4m3fnuz",
		[19] = "float8e5m2", [20] = "float8e5m2fnuz",
	};

	return type > 0 && (size_t)type < sizeof(names) / sizeof(names[0]) && names[type] ?
		names[type] : "unknown";
}

/* values of a repeated numeric field, packed (W_LEN) or one (scalar) */
struct values {
	uint8_t *buf;
	size_t n, cap;	/* 64-bit values */
};

static int push(struct values *v, uint64_t x)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		uint8_t *b = realloc(v->buf, cap * 8);

		if (!b)
			return -1;
		v->buf = b;
		v->cap = cap;
	}
	memcpy(v->buf + v->n++ * 8, &x, 8);
	return 0;
}

/*
 * One value (wire == elem_wire) or a packed run of them (W_LEN) of a
 * repeated numeric field; any other wire type is an error.
 */
static int repeated(struct reader *r, int wire, int elem_wire, struct values *v)
{
	struct reader sub = *r;
	uint64_t len;

	if (wire != W_LEN) {	/* one unpacked value */
		if (wire != elem_wire)
			return -1;
		return push(v, elem_wire == W_VARINT ? varint(r) :
			       fixed(r, elem_wire == W_FIXED32 ? 4 : 8));
	}
	len = varint(r);
	if (r->bad || len > (uint64_t)(r->end - r->p))
		return -1;
	sub.p = r->p;
	sub.end = r->p + len;
	r->p += len;
	while (sub.p < sub.end && !sub.bad)
		if (push(v, elem_wire == W_VARINT ? varint(&sub) :
			    fixed(&sub, elem_wire == W_FIXED32 ? 4 : 8)))
			return -1;
	return sub.bad ? -1 : 0;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* The fields read, their names and the wire type each needs. */
static const struct field {
	int number;
	const char *name;
	int elem_wire;		/* a repeated field's element: packed (W_LEN) too */
	bool repeated;
} fields[] = {
	{ F_DIMS, "dims", W_VARINT, true },
	{ F_DATA_TYPE, "data_type", W_VARINT, false },
	{ F_FLOAT_DATA, "float_data", W_FIXED32, true },
	{ F_INT32_DATA, "int32_data", W_VARINT, true },
	{ F_INT64_DATA, "int64_data", W_VARINT, true },
	{ F_NAME, "name", W_LEN, false },
	{ F_RAW_DATA, "raw_data", W_LEN, false },
	{ F_DOUBLE_DATA, "double_data", W_FIXED64, true },
	{ F_UINT64_DATA, "uint64_data", W_VARINT, true },
};

static const struct field *find_field(int number)
{
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].number == number)
			return &fields[i];
	return NULL;
}

/* skip a field we do not read; -1 for wire types 3, 4 (groups), 6, 7 */
static int skip(struct reader *r, int wire)
{
	uint64_t len;

	switch (wire) {
	case W_VARINT:
		varint(r);
		return 0;
	case W_FIXED64:
		fixed(r, 8);
		return 0;
	case W_FIXED32:
		fixed(r, 4);
		return 0;
	case W_LEN:
		len = varint(r);
		if (r->bad || len > (uint64_t)(r->end - r->p))
			return -1;
		r->p += len;
		return 0;
	default:
		return -1;
	}
}

#define MAX_FIELD ((1u << 29) - 1)	/* protobuf's largest field number */

/* dims and data: the element count and byte size, checked for overflow */
static int check_shape(struct tensor *t, const struct values *dims, char *err, size_t errlen)
{
	size_t i;

	if (dims->n > TP_MAX_RANK) {
		set_err(err, errlen, "more than %d dims", TP_MAX_RANK);
		return -1;
	}
	t->rank = dims->n;
	t->count = 1;
	for (i = 0; i < dims->n; i++) {
		memcpy(&t->dims[i], dims->buf + i * 8, 8);
		if (t->dims[i] < 0) {
			set_err(err, errlen, "negative dim");
			return -1;
		}
	}
	for (i = 0; i < dims->n; i++) {
		if (__builtin_mul_overflow(t->count, (uint64_t)t->dims[i], &t->count))
			goto overflow;
	}
	if (__builtin_mul_overflow(t->count, t->elem_size, &i))
		goto overflow;
	return 0;
overflow:
	set_err(err, errlen, "the dims' product overflows (more than SIZE_MAX bytes)");
	return -1;
}

int tensor_parse(const uint8_t *buf, size_t size, struct tensor *t, char *err, size_t errlen)
{
	struct reader r = { buf, buf + size, false };
	struct values dims = { 0 }, typed = { 0 };
	const uint8_t *raw = NULL;
	size_t raw_len = 0, i, bytes;
	uint64_t type = 0;
	int ret = -1;

	memset(t, 0, sizeof(*t));
	while (r.p < r.end && !r.bad) {
		uint64_t key = varint(&r), len;
		int wire = (int)(key & 7), number;
		const struct field *f;

		if (r.bad || key >> 3 == 0 || key >> 3 > MAX_FIELD)
			goto bad;
		number = (int)(key >> 3);
		f = find_field(number);
		if (!f) {
			if (skip(&r, wire))
				goto bad;
			continue;
		}
		if (f->repeated ? wire != f->elem_wire && wire != W_LEN : wire != f->elem_wire) {
			if (f->repeated)
				set_err(err, errlen, "field %d (%s) has wire type %d, expected %d or 2",
					number, f->name, wire, f->elem_wire);
			else
				set_err(err, errlen, "field %d (%s) has wire type %d, expected %d",
					number, f->name, wire, f->elem_wire);
			goto out;
		}
		switch (number) {
		case F_DIMS:
			if (repeated(&r, wire, W_VARINT, &dims))
				goto bad;
			continue;
		case F_DATA_TYPE:
			type = varint(&r);
			continue;
		case F_NAME:
		case F_RAW_DATA:
			len = varint(&r);
			if (r.bad || len > (uint64_t)(r.end - r.p))
				goto bad;
			if (number == F_NAME) {
				size_t n = len < sizeof(t->name) - 1 ? len : sizeof(t->name) - 1;

				memcpy(t->name, r.p, n);
				t->name[n] = 0;
			} else {
				raw = r.p;
				raw_len = len;
			}
			r.p += len;
			continue;
		default:	/* the typed *_data arrays */
			if (repeated(&r, wire, f->elem_wire, &typed))
				goto bad;
			continue;
		}
	}
	if (r.bad)
		goto bad;
	t->type = type <= INT_MAX ? (int)type : -1;
	t->elem_size = tensor_elem_size(t->type);
	if (!t->elem_size) {
		set_err(err, errlen, "data type %" PRIu64 " (%s) is not supported", type,
			tensor_type_name(t->type));
		goto out;
	}
	if (check_shape(t, &dims, err, errlen))
		goto out;
	bytes = t->count * t->elem_size;
	/* the data must be there before anything of its size is allocated */
	if (raw && raw_len != bytes) {
		set_err(err, errlen, "raw_data has %zu bytes, the shape needs %zu", raw_len, bytes);
		goto out;
	}
	if (!raw && typed.n != t->count) {
		set_err(err, errlen, "%zu typed values, the shape needs %zu", typed.n, t->count);
		goto out;
	}
	t->data = malloc(bytes + 1);
	if (!t->data) {
		set_err(err, errlen, "out of memory");
		goto out;
	}
	if (raw) {
		memcpy(t->data, raw, raw_len);
	} else {
		/* each value's low elem_size bytes (float_data: the 4 bytes) */
		for (i = 0; i < t->count; i++)
			memcpy(t->data + i * t->elem_size, typed.buf + i * 8, t->elem_size);
	}
	ret = 0;
	goto out;
bad:
	set_err(err, errlen, "not a valid TensorProto (protobuf wire format)");
out:
	free(dims.buf);
	free(typed.buf);
	if (ret)
		tensor_free(t);
	return ret;
}

int tensor_read(const char *path, struct tensor *t, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long size;
	int ret;

	memset(t, 0, sizeof(*t));
	if (!f) {
		set_err(err, errlen, "%s: cannot open", path);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(buf = malloc((size_t)size + 1)) ||
	    fread(buf, 1, (size_t)size, f) != (size_t)size) {
		set_err(err, errlen, "%s: cannot read", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	ret = tensor_parse(buf, (size_t)size, t, err, errlen);
	free(buf);
	if (ret) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", err);
		set_err(err, errlen, "%s: %s", path, msg);
	}
	return ret;
}

void tensor_free(struct tensor *t)
{
	free(t->data);
	t->data = NULL;
}
