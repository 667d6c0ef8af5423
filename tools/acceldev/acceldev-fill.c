// SPDX-License-Identifier: GPL-2.0
/*
 * acceldev-fill - run one FILL on a device and verify it word by word.
 *
 * Opens a context with libacceldev, creates a data buffer, appends FILL
 * and FENCE, waits for the fence and checks every word of the buffer
 * through its mapping: the filled range holds the value, the rest is 0
 * (new buffers start zeroed). Says what it did; exit 0 when verified.
 *
 *   acceldev-fill [--device N] [--value V] [--size BYTES] [--offset BYTES]
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <string.h>

#include "libacceldev.h"
#include "tool.h"

#define PROG "acceldev-fill"

static void usage(FILE *f)
{
	fprintf(f, "usage: acceldev-fill [--device N] [--value V] [--size BYTES]"
		" [--offset BYTES]\n"
		"FILLs SIZE bytes (default 1 MiB) at OFFSET (default 0) of a new\n"
		"data buffer on /dev/acceldevN with the 32-bit value V (default\n"
		"0xacce55ed), waits for a FENCE, and checks every word.\n"
		"SIZE and OFFSET are multiples of 4, OFFSET + SIZE <= 4 MiB.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "value", required_argument, NULL, 'v' },
		{ "size", required_argument, NULL, 's' },
		{ "offset", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	uint64_t dev = 0, value = 0xacce55ed, size = 1 << 20, offset = 0;
	struct acd_buffer *buf;
	struct acd_ctx *ctx;
	acd_fence_t fence;
	uint32_t *words;
	size_t nwords, first, end, bad = 0;
	double t0, t1;
	int c;

	while ((c = getopt_long(argc, argv, "d:v:s:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dev = tool_number(PROG, "device", optarg, 0, 1023);
			break;
		case 'v':
			value = tool_number(PROG, "value", optarg, 0,
					    UINT32_MAX);
			break;
		case 's':
			size = tool_number(PROG, "size", optarg, 0,
					   ACD_BUFFER_MAX_SIZE);
			break;
		case 'o':
			offset = tool_number(PROG, "offset", optarg, 0,
					     ACD_BUFFER_MAX_SIZE);
			break;
		case 'h':
			tool_usage_exit(usage, 0);
			break;
		default:
			tool_usage_exit(usage, 2);
		}
	}
	if (optind < argc || size == 0 || size % 4 || offset % 4 ||
	    offset + size > ACD_BUFFER_MAX_SIZE)
		tool_usage_exit(usage, 2);

	ctx = acd_open((int)dev);
	if (!ctx) {
		fprintf(stderr, "acceldev-fill: %s\n", acd_error());
		return 1;
	}
	buf = acd_buffer_create(ctx, ACD_BUFFER_DATA, offset + size);
	if (!buf) {
		fprintf(stderr, "acceldev-fill: %s\n", acd_error());
		acd_close(ctx);
		return 1;
	}
	printf("acceldev%" PRIu64 ": data buffer of %zu bytes in slot %d\n",
	       dev, acd_buffer_size(buf), acd_buffer_slot(buf));

	t0 = tool_now();
	if (acd_fill(ctx, buf, (uint32_t)value, (uint32_t)offset,
		     (uint32_t)size) ||
	    acd_fence(ctx, &fence) || acd_wait(ctx, fence)) {
		fprintf(stderr, "acceldev-fill: %s\n", acd_error());
		acd_buffer_destroy(buf);
		acd_close(ctx);
		return 1;
	}
	t1 = tool_now();
	printf("acceldev%" PRIu64 ": FILL of %" PRIu64 " bytes with %#010" PRIx64
	       " at offset %" PRIu64 ", FENCE %" PRIu64 " reached in %.2f ms\n",
	       dev, size, value, offset, (uint64_t)fence, (t1 - t0) * 1e3);

	words = acd_buffer_map(buf);
	nwords = acd_buffer_size(buf) / 4;
	first = offset / 4;
	end = (offset + size) / 4;
	for (size_t i = 0; i < nwords; i++) {
		uint32_t want = i >= first && i < end ? (uint32_t)value : 0;

		if (words[i] == want)
			continue;
		if (bad++ < 5)
			printf("acceldev%" PRIu64 ": word %zu (byte %zu) is %#010x,"
			       " expected %#010x\n", dev, i, i * 4, words[i],
			       want);
	}
	if (bad)
		printf("acceldev%" PRIu64 ": FAILED: %zu of %zu words wrong\n",
		       dev, bad, nwords);
	else
		printf("acceldev%" PRIu64 ": verified all %zu words (%zu filled,"
		       " %zu still zero): OK\n", dev, nwords, end - first,
		       nwords - (end - first));
	acd_buffer_destroy(buf);
	if (acd_close(ctx)) {
		fprintf(stderr, "acceldev-fill: %s\n", acd_error());
		return 1;
	}
	return bad ? 1 : 0;
}
