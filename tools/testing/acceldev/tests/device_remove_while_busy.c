// SPDX-License-Identifier: GPL-2.0
/*
 * Removing a device while it is in use. /dev/acceldev1's PCI function
 * (found through /sys/dev/char/MAJ:MIN/device) is removed through sysfs
 * while this process holds a context with code and data buffers, both
 * mapped, and a long backlog of slow runs, and a thread sleeps in WAIT:
 *  - the sleeping WAIT ends with EIO or ENODEV;
 *  - new ioctls on the old fds (CREATE_BUFFER, RUN, WAIT) fail with
 *    ENODEV or EIO;
 *  - the existing mappings stay readable and writable;
 *  - closing everything works, and the node is gone.
 * Then a PCI rescan brings the device back as /dev/acceldev1 (its number
 * is reused) and it works normally; /dev/acceldev0 was never disturbed.
 */
// vmtest: timeout=120
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <sys/sysmacros.h>

#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("cmd-delay-us=50000")

/* Enough slow work (>= 20 s) that removal always comes first. */
#define RUNS 400

static int ctx;
static int wait_ret, wait_errno;

static void *waiter(void *arg)
{
	(void)arg;
	wait_ret = acc_try_wait(ctx, RUNS);
	wait_errno = errno;
	return NULL;
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	CHECK_MSG(fd >= 0, "open %s: %s", path, acc_errname(errno));
	CHECK_MSG(write(fd, text, strlen(text)) == (ssize_t)strlen(text),
		  "write %s: %s", path, acc_errname(errno));
	close(fd);
}

int main(void)
{
	struct stat st;
	char link[PATH_MAX], target[PATH_MAX], path[PATH_MAX];
	ssize_t n;
	pthread_t th;

	acc_require_devices(2);
	CHECK(stat("/dev/acceldev1", &st) == 0);
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	n = readlink(link, target, sizeof(target) - 1);
	CHECK_MSG(n > 0, "readlink %s: %s", link, acc_errname(errno));
	target[n] = 0;
	const char *bdf = basename(target);

	printf("/dev/acceldev1 is PCI device %s\n", bdf);

	ctx = acc_open(1);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t slot;
	int data = acc_create_buffer(ctx, 8192, BUFFER_TYPE_DATA, &slot);
	uint32_t *cmds = acc_map(code, 4096);
	uint32_t *d = acc_map(data, 8192);

	acc_put_fence(cmds, acc_put_fill(cmds, 0, 0x1234, slot, 0, 8192));
	for (int i = 0; i < RUNS; i++)
		acc_run(ctx, code, 0, 40);

	CHECK(pthread_create(&th, NULL, waiter, NULL) == 0);
	usleep(300 * 1000);

	acc_watchdog(90, "device removal");
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", bdf);
	write_file(path, "1");
	pthread_join(th, NULL);
	CHECK_MSG(wait_ret != 0, "all %d runs finished before the removal took"
		  " effect: make the backlog longer", RUNS);
	CHECK_MSG(wait_ret == -1 && (wait_errno == EIO || wait_errno == ENODEV),
		  "pending WAIT returned %d, errno %s; want EIO or ENODEV",
		  wait_ret, acc_errname(wait_errno));

	EXPECT_ERRNO2(acc_try_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL),
		      ENODEV, EIO);
	EXPECT_ERRNO2(acc_try_run(ctx, code, 0, 40), ENODEV, EIO);
	EXPECT_ERRNO2(acc_try_wait(ctx, RUNS), ENODEV, EIO);

	/* The mappings are still memory we may use. */
	d[5] = 0xabcd;
	cmds[5] = 0x4321;
	CHECK(d[5] == 0xabcd && cmds[5] == 0x4321);
	(void)d[2047];

	munmap(cmds, 4096);
	munmap(d, 8192);
	CHECK(close(code) == 0);
	CHECK(close(data) == 0);
	CHECK(close(ctx) == 0);
	CHECK_MSG(acc_wait_for_path("/dev/acceldev1", false, 10),
		  "/dev/acceldev1 still exists after removal and close");
	acc_check_device_works(0);

	acc_rescan_expect(1);
	acc_watchdog(0, "");
	acc_check_device_works(1);
	acc_check_device_works(0);
	return 0;
}
