// SPDX-License-Identifier: GPL-2.0
/*
 * acceldev-info - list the Acceldev devices and the driver's counters.
 *
 * Reads sysfs only: /sys/class/acceldev/acceldevN (the device's class
 * folder), its "device" link (the PCI function) and "device/driver" link,
 * the function's DRM accel node (device/accel/accelM, through
 * libacceldev's acd_node_path(): /dev/accel/accelM, the second node of
 * the same function), and the counter attributes, one decimal number
 * each. An attribute the
 * running driver does not have is shown as "-" (null in JSON), so the
 * tool works with any acceldev.ko.
 *
 *   acceldev-info [--json]
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libacceldev.h"
#include "tool.h"

#define CLASS_DIR "/sys/class/acceldev"
#define MAX_DEVICES 64

static const char *const counters[] = {
	"contexts",		/* contexts open now */
	"runs_submitted",	/* RUNs accepted since the device appeared */
	"runs_backlogged",	/* RUNs waiting in the driver for queue room */
	"queue_depth",		/* commands in the device queue now */
	"fences_signalled",	/* user FENCEs seen completed */
	"context_errors",	/* contexts that went into error */
	"device_restarts",	/* device restarts after device-level errors */
};
#define NR_COUNTERS (sizeof(counters) / sizeof(counters[0]))

struct info {
	char name[NAME_MAX + 1];	/* acceldevN */
	int index;
	char node[PATH_MAX];		/* /dev/acceldevN, "" if missing */
	char accel[PATH_MAX];		/* /dev/accel/accelM, "" if none */
	char pci[64];			/* PCI address, "" if unknown */
	char driver[64];		/* bound driver, "" if none */
	bool has[NR_COUNTERS];
	uint64_t value[NR_COUNTERS];
};

/* Basename of a symlink's target, or "" when it is not a link. */
static void link_name(const char *path, char *out, size_t len)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);

	out[0] = '\0';
	if (n <= 0)
		return;
	target[n] = '\0';
	snprintf(out, len, "%s", basename(target));
}

/* One decimal number from a sysfs file; false if missing or not one. */
static bool read_number(const char *path, uint64_t *out)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return ok && tool_parse_u64(buf, out);
}

static void read_info(struct info *d)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "/dev/%s", d->name);
	if (stat(path, &st) == 0 && S_ISCHR(st.st_mode))
		snprintf(d->node, sizeof(d->node), "%s", path);
	if (acd_node_path(d->index, ACD_NODE_ACCEL, path, sizeof(path)) == 0 &&
	    stat(path, &st) == 0 && S_ISCHR(st.st_mode))
		snprintf(d->accel, sizeof(d->accel), "%s", path);
	snprintf(path, sizeof(path), CLASS_DIR "/%s/device", d->name);
	link_name(path, d->pci, sizeof(d->pci));
	snprintf(path, sizeof(path), CLASS_DIR "/%s/device/driver", d->name);
	link_name(path, d->driver, sizeof(d->driver));
	for (size_t i = 0; i < NR_COUNTERS; i++) {
		snprintf(path, sizeof(path), CLASS_DIR "/%s/%s", d->name,
			 counters[i]);
		d->has[i] = read_number(path, &d->value[i]);
	}
}

static int by_index(const void *a, const void *b)
{
	const struct info *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

/* Fill devs[] from the class folder, sorted by number; returns how many. */
static int find_devices(struct info *devs, int max)
{
	DIR *dir = opendir(CLASS_DIR);
	struct dirent *e;
	int n = 0, idx;

	if (!dir)
		return 0;
	while ((e = readdir(dir)) && n < max) {
		if (sscanf(e->d_name, "acceldev%d", &idx) != 1)
			continue;
		memset(&devs[n], 0, sizeof(devs[n]));
		snprintf(devs[n].name, sizeof(devs[n].name), "%s", e->d_name);
		devs[n].index = idx;
		read_info(&devs[n]);
		n++;
	}
	closedir(dir);
	qsort(devs, n, sizeof(devs[0]), by_index);
	return n;
}

static const char *or_dash(const char *s)
{
	return *s ? s : "-";
}

static void print_text(const struct info *devs, int n)
{
	if (n == 0) {
		printf("no Acceldev devices (%s is empty or missing;"
		       " is acceldev.ko loaded?)\n", CLASS_DIR);
		return;
	}
	for (int i = 0; i < n; i++) {
		const struct info *d = &devs[i];

		printf("%s\n", d->name);
		printf("  %-17s %s\n", "node", or_dash(d->node));
		printf("  %-17s %s\n", "accel", or_dash(d->accel));
		printf("  %-17s %s\n", "pci", or_dash(d->pci));
		printf("  %-17s %s\n", "driver", or_dash(d->driver));
		for (size_t c = 0; c < NR_COUNTERS; c++) {
			if (d->has[c])
				printf("  %-17s %" PRIu64 "\n", counters[c],
				       d->value[c]);
			else
				printf("  %-17s -\n", counters[c]);
		}
	}
}

static void json_str_or_null(const char *s)
{
	if (*s)
		tool_json_str(stdout, s);
	else
		fputs("null", stdout);
}

static void print_json(const struct info *devs, int n)
{
	printf("{\"devices\": [");
	for (int i = 0; i < n; i++) {
		const struct info *d = &devs[i];

		printf("%s\n  {\"name\": ", i ? "," : "");
		tool_json_str(stdout, d->name);
		printf(", \"index\": %d, \"node\": ", d->index);
		json_str_or_null(d->node);
		printf(", \"accel\": ");
		json_str_or_null(d->accel);
		printf(", \"pci\": ");
		json_str_or_null(d->pci);
		printf(", \"driver\": ");
		json_str_or_null(d->driver);
		printf(",\n   \"counters\": {");
		for (size_t c = 0; c < NR_COUNTERS; c++) {
			printf("%s\"%s\": ", c ? ", " : "", counters[c]);
			if (d->has[c])
				printf("%" PRIu64, d->value[c]);
			else
				printf("null");
		}
		printf("}}");
	}
	printf("%s]}\n", n ? "\n" : "");
}

static void usage(FILE *f)
{
	fprintf(f, "usage: acceldev-info [--json]\n"
		"Lists the Acceldev devices: device node, the same function's\n"
		"accel node (/dev/accel/accelM), PCI address, bound driver and\n"
		"the driver's counters (\"-\" or null when the driver does not\n"
		"provide one).\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static struct info devs[MAX_DEVICES];
	bool json = false;
	int c, n;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			tool_usage_exit(usage, 0);
			break;
		default:
			tool_usage_exit(usage, 2);
		}
	}
	if (optind < argc)
		tool_usage_exit(usage, 2);
	n = find_devices(devs, MAX_DEVICES);
	if (json)
		print_json(devs, n);
	else
		print_text(devs, n);
	return 0;
}
