/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tool.h - small helpers shared by the acceldev-* tools (not the library):
 * number parsing for options, a clock, JSON strings.
 */
#ifndef ACCELDEV_TOOL_H
#define ACCELDEV_TOOL_H

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Parse an unsigned number (decimal, 0x hex, 0 octal); false if invalid. */
static inline bool tool_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

/* A number option in [min, max]; exit 2 with a message if it is not. */
static inline uint64_t tool_number(const char *prog, const char *opt,
				   const char *arg, uint64_t min, uint64_t max)
{
	uint64_t v;

	if (!tool_parse_u64(arg, &v) || v < min || v > max) {
		fprintf(stderr, "%s: --%s: want %" PRIu64 "..%" PRIu64
			", not '%s'\n", prog, opt, min, max, arg);
		exit(2);
	}
	return v;
}

/* --help: usage on stdout, exit 0; a bad command line: stderr, exit 2. */
static inline void tool_usage_exit(void (*usage)(FILE *f), int status)
{
	usage(status ? stderr : stdout);
	exit(status);
}

/* Monotonic time in seconds. */
static inline double tool_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Print a JSON string literal (quotes and escapes). */
static inline void tool_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

#endif /* ACCELDEV_TOOL_H */
