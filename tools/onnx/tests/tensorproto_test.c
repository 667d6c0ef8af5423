// SPDX-License-Identifier: GPL-2.0
/*
 * tensorproto_test - the TensorProto reader (tensorproto.c) on valid and
 * malformed inputs: each case is a byte string and either the exact
 * tensor it must give or the exact error. Every input is copied into a
 * heap block of exactly its size, so that a read past its end is an
 * AddressSanitizer report (the host group builds this with
 * -fsanitize=address,undefined; see tools/onnx/README.md).
 *
 * Prints "ok"/"FAIL" per case, exits 0 only if every case held.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tensorproto.h"

static int fails, cases;

struct expect {
	const char *error;	/* NULL: the parse must succeed */
	int type;
	size_t rank;
	int64_t dims[4];
	const char *name;
	size_t nbytes;
	const uint8_t *bytes;
};

static void check(const char *what, const uint8_t *in, size_t len, const struct expect *e)
{
	uint8_t *buf = malloc(len ? len : 1);
	struct tensor t;
	char err[256] = "";
	int rc, ok;

	cases++;
	if (!buf) {
		printf("FAIL %s: out of memory\n", what);
		fails++;
		return;
	}
	memcpy(buf, in, len);
	rc = tensor_parse(buf, len, &t, err, sizeof(err));
	free(buf);
	if (e->error) {
		ok = rc != 0 && !strcmp(err, e->error);
		if (ok)
			printf("ok   %s: %s\n", what, err);
		else
			printf("FAIL %s: %s, expected the error '%s'\n", what,
			       rc ? err : "parsed", e->error);
	} else {
		ok = rc == 0 && t.type == e->type && t.rank == e->rank &&
		     !memcmp(t.dims, e->dims, e->rank * sizeof(int64_t)) &&
		     !strcmp(t.name, e->name) && t.count * t.elem_size == e->nbytes &&
		     !memcmp(t.data, e->bytes, e->nbytes);
		if (ok)
			printf("ok   %s: type %d, rank %zu, %zu bytes\n", what, t.type, t.rank,
			       e->nbytes);
		else
			printf("FAIL %s: %s\n", what, rc ? err : "parsed to a different tensor");
	}
	if (!rc)
		tensor_free(&t);
	fails += !ok;
}

#define CASE(what, exp, ...)                                           \
	do {                                                           \
		static const uint8_t in_[] = { __VA_ARGS__ };          \
		check((what), in_, sizeof(in_), (exp));                \
	} while (0)

static const struct expect err_wire = { .error = "not a valid TensorProto (protobuf wire format)" };

/* float32 [2, 3] "x": dims, data_type, name, raw_data (24 bytes) */
static const uint8_t valid_raw[] = {
	0x08, 0x02, 0x08, 0x03, 0x10, 0x01, 0x42, 0x01, 'x', 0x4a, 0x18,
	0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40,
	0, 0, 0x80, 0x40, 0, 0, 0xa0, 0x40, 0, 0, 0xc0, 0x40,
};

static void valid_cases(void)
{
	static const uint8_t i64[] = { 5, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
				       0xff, 0xff, 0xff, 0xff };
	static const uint8_t i32[] = { 7, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff };
	static const uint8_t f32[] = { 0, 0, 0xc0, 0x3f };
	static const uint8_t f64[] = { 0, 0, 0, 0, 0, 0, 0xf0, 0x3f };
	struct expect e = { .type = 1, .rank = 2, .dims = { 2, 3 }, .name = "x", .nbytes = 24,
			    .bytes = valid_raw + 11 };

	check("raw_data float32 [2, 3]", valid_raw, sizeof(valid_raw), &e);
	/* int64_data packed: 5, -1 (a 10-byte varint) */
	e = (struct expect){ .type = 7, .rank = 1, .dims = { 2 }, .name = "", .nbytes = 16,
			     .bytes = i64 };
	CASE("int64_data packed", &e, 0x08, 0x02, 0x10, 0x07, 0x3a, 0x0b, 0x05,
	     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
	/* int32_data unpacked: 7, -2 (negative int32: 10-byte varints) */
	e = (struct expect){ .type = 6, .rank = 1, .dims = { 2 }, .name = "", .nbytes = 8,
			     .bytes = i32 };
	CASE("int32_data unpacked", &e, 0x08, 0x02, 0x10, 0x06, 0x28, 0x07,
	     0x28, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
	/* float_data packed, a scalar (no dims) */
	e = (struct expect){ .type = 1, .rank = 0, .name = "", .nbytes = 4, .bytes = f32 };
	CASE("float_data scalar", &e, 0x10, 0x01, 0x22, 0x04, 0, 0, 0xc0, 0x3f);
	/* double_data unpacked (fixed64) */
	e = (struct expect){ .type = 11, .rank = 1, .dims = { 1 }, .name = "", .nbytes = 8,
			     .bytes = f64 };
	CASE("double_data unpacked", &e, 0x08, 0x01, 0x10, 0x0b, 0x51, 0, 0, 0, 0, 0, 0,
	     0xf0, 0x3f);
	/* a field the reader does not know (doc_string, 12) is skipped */
	e = (struct expect){ .type = 2, .rank = 1, .dims = { 1 }, .name = "", .nbytes = 1,
			     .bytes = (const uint8_t *)"\x09" };
	CASE("unknown field skipped", &e, 0x62, 0x02, 'h', 'i', 0x08, 0x01, 0x10, 0x02,
	     0x4a, 0x01, 0x09);
	/* an empty tensor: a zero dim, no data */
	e = (struct expect){ .type = 1, .rank = 2, .dims = { 3, 0 }, .name = "", .nbytes = 0,
			     .bytes = (const uint8_t *)"" };
	CASE("empty tensor", &e, 0x08, 0x03, 0x08, 0x00, 0x10, 0x01);
}

static void truncated_cases(void)
{
	size_t n;

	/* every strict prefix of the valid file is rejected, none read past it */
	for (n = 0; n < sizeof(valid_raw); n++) {
		char what[64];
		uint8_t *cut = malloc(n ? n : 1);
		struct tensor t;
		char err[256] = "";
		int rc;

		snprintf(what, sizeof(what), "first %zu of %zu bytes", n, sizeof(valid_raw));
		memcpy(cut, valid_raw, n);
		rc = tensor_parse(cut, n, &t, err, sizeof(err));
		free(cut);
		cases++;
		if (rc) {
			printf("ok   %s: %s\n", what, err);
		} else {
			printf("FAIL %s: parsed\n", what);
			tensor_free(&t);
			fails++;
		}
	}
	CASE("varint without its last byte", &err_wire, 0x08, 0x80);
	CASE("varint of 11 bytes", &err_wire, 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	     0x80, 0x80, 0x80, 0x01);
	CASE("raw_data longer than the file", &err_wire, 0x08, 0x01, 0x10, 0x01, 0x4a, 0x08,
	     0, 0, 0, 0);
	CASE("packed int64_data longer than the file", &err_wire, 0x10, 0x07, 0x3a, 0x05, 0x01);
	CASE("fixed32 value cut", &err_wire, 0x10, 0x01, 0x25, 0x00, 0x00);
	CASE("packed float_data of 3 bytes", &err_wire, 0x10, 0x01, 0x22, 0x03, 0, 0, 0);
	CASE("length of 2^64 - 1", &err_wire, 0x4a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	     0xff, 0xff, 0x01);
}

static void wire_type_cases(void)
{
	static const struct expect type_fixed32 = {
		.error = "field 2 (data_type) has wire type 5, expected 0" };
	static const struct expect type_len = {
		.error = "field 2 (data_type) has wire type 2, expected 0" };
	static const struct expect dims_fixed64 = {
		.error = "field 1 (dims) has wire type 1, expected 0 or 2" };
	static const struct expect name_varint = {
		.error = "field 8 (name) has wire type 0, expected 2" };
	static const struct expect raw_fixed32 = {
		.error = "field 9 (raw_data) has wire type 5, expected 2" };
	static const struct expect float_varint = {
		.error = "field 4 (float_data) has wire type 0, expected 5 or 2" };
	static const struct expect int64_fixed64 = {
		.error = "field 7 (int64_data) has wire type 1, expected 0 or 2" };

	CASE("data_type as fixed32", &type_fixed32, 0x15, 0x01, 0, 0, 0);
	CASE("data_type as bytes", &type_len, 0x12, 0x01, 0x01);
	CASE("dims as fixed64", &dims_fixed64, 0x09, 2, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x01);
	CASE("name as a varint", &name_varint, 0x40, 0x05, 0x10, 0x01);
	CASE("raw_data as fixed32", &raw_fixed32, 0x4d, 1, 2, 3, 4);
	CASE("float_data as a varint", &float_varint, 0x10, 0x01, 0x20, 0x05);
	CASE("int64_data as fixed64", &int64_fixed64, 0x10, 0x07, 0x39, 1, 0, 0, 0, 0, 0, 0, 0);
	/* in a field the reader skips (doc_string, 12) */
	CASE("wire type 3 (group start)", &err_wire, 0x63, 0x10, 0x01);
	CASE("wire type 4 (group end)", &err_wire, 0x64);
	CASE("wire type 6", &err_wire, 0x66, 0x00);
	CASE("wire type 7", &err_wire, 0x67, 0x00);
	CASE("field number 0", &err_wire, 0x00, 0x01);
	CASE("field number above 2^29 - 1", &err_wire, 0x80, 0x80, 0x80, 0x80, 0x10, 0x01);
}

static void dims_cases(void)
{
	static const struct expect overflow = {
		.error = "the dims' product overflows (more than SIZE_MAX bytes)" };
	static const struct expect neg = { .error = "negative dim" };
	static const struct expect many = { .error = "more than 16 dims" };
	static const struct expect big_raw = {
		.error = "raw_data has 0 bytes, the shape needs 17179869184" };
	static const struct expect big_typed = {
		.error = "0 typed values, the shape needs 2147483648" };
	static const struct expect type_huge = {
		.error = "data type 1099511627776 (unknown) is not supported" };
	static const struct expect type_string = {
		.error = "data type 8 (string) is not supported" };

	/* dims 2^62, 4, float: 2^66 bytes */
	CASE("dims 2^62 x 4", &overflow, 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	     0x40, 0x08, 0x04, 0x10, 0x01, 0x4a, 0x00);
	/* dims 2^40, 2^40 (elements overflow) */
	CASE("dims 2^40 x 2^40", &overflow, 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20,
	     0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x10, 0x02);
	/* dims 2^31 x 2, float: 16 GiB that the file does not hold */
	CASE("dims 2^31 x 2, empty raw_data", &big_raw, 0x08, 0x80, 0x80, 0x80, 0x80, 0x08,
	     0x08, 0x02, 0x10, 0x01, 0x4a, 0x00);
	CASE("dims 2^31, no data", &big_typed, 0x08, 0x80, 0x80, 0x80, 0x80, 0x08, 0x10, 0x02);
	CASE("dim -1", &neg, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
	     0x10, 0x01);
	CASE("17 dims", &many, 0x0a, 0x11, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	     0x10, 0x01);
	CASE("data_type 2^40", &type_huge, 0x10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20);
	CASE("data_type string", &type_string, 0x10, 0x08);
}

int main(void)
{
	valid_cases();
	truncated_cases();
	wire_type_cases();
	dims_cases();
	printf("%d of %d cases passed\n", cases - fails, cases);
	return fails ? 1 : 0;
}
