/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tensorproto.h - read an ONNX TensorProto (.pb) file: the protobuf wire
 * format's varints, fixed32/64 and length-delimited fields, for the
 * fields a numeric tensor uses (dims, data_type, name, raw_data and the
 * typed *_data arrays). Data comes out as little-endian raw bytes.
 */
#ifndef ACCELDEV_TENSORPROTO_H
#define ACCELDEV_TENSORPROTO_H

#include <stddef.h>
#include <stdint.h>

#define TP_MAX_RANK 16

struct tensor {
	char name[256];
	int type;		/* ONNX TensorProto.DataType */
	size_t rank;
	int64_t dims[TP_MAX_RANK];
	size_t count;		/* elements */
	size_t elem_size;
	uint8_t *data;		/* count * elem_size bytes, malloc'ed */
};

/*
 * Return 0, or -1 with a message in err (and nothing to free). Malformed
 * input (truncated, wrong wire types, dims whose product overflows or
 * that the data does not fill) is an error, never a read outside buf.
 */
int tensor_read(const char *path, struct tensor *t, char *err, size_t errlen);
int tensor_parse(const uint8_t *buf, size_t size, struct tensor *t, char *err, size_t errlen);
void tensor_free(struct tensor *t);
size_t tensor_elem_size(int type);	/* 0: not a numeric type we read */
const char *tensor_type_name(int type);

#endif
