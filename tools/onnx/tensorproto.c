// SPDX-License-Identifier: GPL-2.0
/* tensorproto.c - a small reader of ONNX TensorProto files (tensorproto.h) */
#include "tensorproto.h"

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

static int parse(const uint8_t *buf, size_t size, struct tensor *t, char *err, size_t errlen)
{
	struct reader r = { buf, buf + size, false };
	struct values dims = { 0 }, typed = { 0 };
	const uint8_t *raw = NULL;
	size_t raw_len = 0, i;
	int ret = -1;

	while (r.p < r.end && !r.bad) {
		uint64_t key = varint(&r), len;
		int field = (int)(key >> 3), wire = (int)(key & 7);

		switch (field) {
		case F_DIMS:
			if (repeated(&r, wire, W_VARINT, &dims))
				goto bad;
			continue;
		case F_DATA_TYPE:
			t->type = (int)varint(&r);
			continue;
		case F_FLOAT_DATA:
			if (repeated(&r, wire, W_FIXED32, &typed))
				goto bad;
			continue;
		case F_INT32_DATA:
		case F_INT64_DATA:
		case F_UINT64_DATA:
			if (repeated(&r, wire, W_VARINT, &typed))
				goto bad;
			continue;
		case F_DOUBLE_DATA:
			if (repeated(&r, wire, W_FIXED64, &typed))
				goto bad;
			continue;
		}
		switch (wire) {	/* name, raw_data, or a field we skip */
		case W_VARINT:
			varint(&r);
			break;
		case W_FIXED64:
			fixed(&r, 8);
			break;
		case W_FIXED32:
			fixed(&r, 4);
			break;
		case W_LEN:
			len = varint(&r);
			if (r.bad || len > (uint64_t)(r.end - r.p))
				goto bad;
			if (field == F_NAME) {
				size_t n = len < sizeof(t->name) - 1 ? len : sizeof(t->name) - 1;

				memcpy(t->name, r.p, n);
				t->name[n] = 0;
			} else if (field == F_RAW_DATA) {
				raw = r.p;
				raw_len = len;
			}
			r.p += len;
			break;
		default:
			goto bad;
		}
	}
	if (r.bad)
		goto bad;
	t->elem_size = tensor_elem_size(t->type);
	if (!t->elem_size) {
		set_err(err, errlen, "data type %d (%s) is not supported", t->type,
			tensor_type_name(t->type));
		goto out;
	}
	if (dims.n > TP_MAX_RANK) {
		set_err(err, errlen, "more than %d dims", TP_MAX_RANK);
		goto out;
	}
	t->rank = dims.n;
	t->count = 1;
	for (i = 0; i < dims.n; i++) {
		memcpy(&t->dims[i], dims.buf + i * 8, 8);
		if (t->dims[i] < 0) {
			set_err(err, errlen, "negative dim");
			goto out;
		}
		t->count *= (size_t)t->dims[i];
	}
	t->data = malloc(t->count * t->elem_size + 1);
	if (!t->data) {
		set_err(err, errlen, "out of memory");
		goto out;
	}
	if (raw) {
		if (raw_len != t->count * t->elem_size) {
			set_err(err, errlen, "raw_data has %zu bytes, the shape needs %zu", raw_len,
				t->count * t->elem_size);
			goto out;
		}
		memcpy(t->data, raw, raw_len);
	} else {
		if (typed.n != t->count) {
			set_err(err, errlen, "%zu typed values, the shape needs %zu", typed.n,
				t->count);
			goto out;
		}
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
	ret = parse(buf, (size_t)size, t, err, errlen);
	free(buf);
	if (ret) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", err);
		set_err(err, errlen, "%s: %s", path, msg);
		tensor_free(t);
	}
	return ret;
}

void tensor_free(struct tensor *t)
{
	free(t->data);
	t->data = NULL;
}
