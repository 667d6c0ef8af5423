// SPDX-License-Identifier: GPL-2.0
/*
 * acceldev-info lists both devices, in text and in JSON: device node,
 * PCI address (0000:...), driver "acceldev", and every counter key
 * (a number or null); exit 0; a bad option is exit 2. Each device's
 * accel node: where the kernel has the accel class, the tool names a
 * /dev/accel/accelM per device, distinct, a character device of the
 * accel major whose sysfs device is the same PCI function as the
 * acceldevN's and whose DRM driver is "acceldev", in the text too;
 * without the class, null.
 */
#include <limits.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>

#include "tool_test.h"
#include "acceldev_accel.h"

/* The "accel" string of device @name in the JSON into @buf; "" if null. */
static void json_accel(const char *json, const char *name, char *buf,
		       size_t len)
{
	char pat[64];
	const char *p;
	size_t n;

	snprintf(pat, sizeof(pat), "\"name\": \"%s\"", name);
	p = strstr(json, pat);
	CHECK_MSG(p, "no device %s", name);
	p = strstr(p, "\"accel\": ");
	CHECK_MSG(p, "%s: no key accel", name);
	p += strlen("\"accel\": ");
	buf[0] = '\0';
	if (strncmp(p, "null", 4) == 0)
		return;
	CHECK(*p++ == '"');
	n = strcspn(p, "\"");
	CHECK(n < len);
	memcpy(buf, p, n);
	buf[n] = '\0';
}

/* @path is the accel node of /dev/acceldev@dev's PCI function. */
static void check_accel_node(int dev, const char *path)
{
	char a[PATH_MAX], b[PATH_MAX], link[128], name[32] = "";
	struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
	struct stat st;
	int fd;

	CHECK_MSG(strncmp(path, "/dev/accel/accel", 16) == 0, "accel %s",
		  path);
	CHECK_MSG(stat(path, &st) == 0 && S_ISCHR(st.st_mode) &&
		  major(st.st_rdev) == 261, "%s: not an accel node", path);
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	CHECK(realpath(link, a));
	snprintf(link, sizeof(link), "/sys/class/acceldev/acceldev%d/device",
		 dev);
	CHECK(realpath(link, b));
	CHECK_MSG(strcmp(a, b) == 0, "%s is %s, acceldev%d is %s", path, a,
		  dev, b);
	fd = open(path, O_RDWR | O_CLOEXEC);
	CHECK_MSG(fd >= 0, "open %s: %s", path, strerror(errno));
	EXPECT_OK(ioctl(fd, DRM_IOCTL_VERSION, &v));
	CHECK_MSG(strcmp(name, "acceldev") == 0, "%s: driver %s", path, name);
	close(fd);
}

static const char *const keys[] = {
	"contexts", "runs_submitted", "runs_backlogged", "queue_depth",
	"fences_signalled", "context_errors", "device_restarts",
};

int main(void)
{
	static char out[TOOL_OUT_MAX];
	char *text[] = { "acceldev-info", NULL };
	char *json[] = { "acceldev-info", "--json", NULL };
	char *bad[] = { "acceldev-info", "--no-such-option", NULL };
	char accel[2][64], line[160];
	bool accel_class = access("/sys/class/accel", F_OK) == 0;
	int depth = 0;

	acc_require_devices(2);
	CHECK(tool_run(text, out, sizeof(out)) == 0);
	EXPECT_OUTPUT(out, "acceldev0\n");
	EXPECT_OUTPUT(out, "acceldev1\n");
	EXPECT_OUTPUT(out, "/dev/acceldev1\n");
	EXPECT_OUTPUT(out, "pci               0000:");
	EXPECT_OUTPUT(out, "driver            acceldev\n");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		EXPECT_OUTPUT(out, keys[i]);

	CHECK(tool_run(json, out, sizeof(out)) == 0);
	CHECK(strncmp(out, "{\"devices\": [", 13) == 0);
	for (const char *p = out; *p; p++) {
		depth += (*p == '{' || *p == '[') - (*p == '}' || *p == ']');
		CHECK(depth >= 0);
	}
	CHECK_MSG(depth == 0, "unbalanced JSON");
	EXPECT_OUTPUT(out, "\"node\": \"/dev/acceldev0\"");
	EXPECT_OUTPUT(out, "\"driver\": \"acceldev\"");
	EXPECT_OUTPUT(out, "\"pci\": \"0000:");
	for (int d = 0; d < 2; d++) {
		const char *name = d ? "acceldev1" : "acceldev0";

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			CHECK_MSG(tool_json_counter(out, name, keys[i]) >= -1,
				  "%s: no key %s", name, keys[i]);
	}

	for (int d = 0; d < 2; d++) {
		json_accel(out, d ? "acceldev1" : "acceldev0", accel[d],
			   sizeof(accel[d]));
		if (!accel_class) {
			CHECK_MSG(!accel[d][0], "accel %s without the class",
				  accel[d]);
			continue;
		}
		CHECK_MSG(accel[d][0], "acceldev%d: accel null", d);
		check_accel_node(d, accel[d]);
	}
	if (accel_class)
		CHECK(strcmp(accel[0], accel[1]) != 0);

	CHECK(tool_run(text, out, sizeof(out)) == 0);
	for (int d = 0; d < 2; d++) {
		snprintf(line, sizeof(line), "  accel             %s\n",
			 accel[d][0] ? accel[d] : "-");
		EXPECT_OUTPUT(out, line);
	}

	CHECK(tool_run(bad, out, sizeof(out)) == 2);
	return 0;
}
