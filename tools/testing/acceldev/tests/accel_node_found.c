// SPDX-License-Identifier: GPL-2.0
/*
 * The accel node of a function (DRIVER.md, "The accel node"): the PCI
 * function of /dev/acceldevN has an accel/accelM folder in sysfs; its
 * /dev/accel/accelM is a character device of the accel major (261) whose
 * sysfs device is that same PCI function; DRM_IOCTL_VERSION names the
 * driver "acceldev"; the two devices have two distinct nodes.
 */
// vmtest: timeout=30 tiers=debian,debug
#include <limits.h>
#include <sys/sysmacros.h>

#include "acceldev_accel_test.h"

#define ACCEL_MAJOR 261

/* The real path of a sysfs link, into @out. */
static void real(const char *link, char *out)
{
	CHECK_MSG(realpath(link, out), "%s: %s", link, acc_errname(errno));
}

int main(void)
{
	int devs = access("/dev/acceldev1", F_OK) == 0 ? 2 : 1;
	char node[2][64];

	acc_accel_require(devs);
	for (int dev = 0; dev < devs; dev++) {
		char fn[PATH_MAX], link[PATH_MAX], via[PATH_MAX], name[64];
		const char *m;
		struct stat st;
		int fd;

		CHECK(acc_accel_path(dev, node[dev], sizeof(node[dev])));
		printf("/dev/acceldev%d: %s\n", dev, node[dev]);
		CHECK_MSG(stat(node[dev], &st) == 0, "%s: %s", node[dev],
			  acc_errname(errno));
		CHECK_MSG(S_ISCHR(st.st_mode), "%s is not a character device",
			  node[dev]);
		CHECK_MSG(major(st.st_rdev) == ACCEL_MAJOR, "%s: major %u, not "
			  "the accel major %d", node[dev], major(st.st_rdev),
			  ACCEL_MAJOR);

		/* /sys/class/accel/accelM/device is the same PCI function. */
		snprintf(link, sizeof(link), "/sys/class/acceldev/acceldev%d/"
			 "device", dev);
		real(link, fn);
		m = strrchr(node[dev], '/') + 1;
		snprintf(link, sizeof(link), "/sys/class/accel/%s/device", m);
		real(link, via);
		CHECK_MSG(!strcmp(fn, via), "%s's device is %s, /dev/acceldev%d's"
			  " is %s", m, via, dev, fn);
		snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/device",
			 major(st.st_rdev), minor(st.st_rdev));
		real(link, via);
		CHECK_MSG(!strcmp(fn, via), "%s: device %s, want %s", link, via,
			  fn);

		fd = acc_accel_open(dev);
		EXPECT_OK(acc_drm_try_name(fd, name, sizeof(name)));
		CHECK_MSG(!strcmp(name, "acceldev"), "%s: DRM driver name \"%s\"",
			  node[dev], name);
		CHECK(close(fd) == 0);
	}
	if (devs == 2)
		CHECK_MSG(strcmp(node[0], node[1]) != 0, "both devices have %s",
			  node[0]);
	return 0;
}
