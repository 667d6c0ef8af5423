// SPDX-License-Identifier: GPL-2.0
/*
 * Where the time goes: the profiling run behind tools/acceldev/README.md
 * ("Finding where the time goes"). Run it in the bench's VM:
 *
 *   tools/vmtest [--module PATH.ko] --tests tools/acceldev/bench-vm \
 *       --only trace_vm --keep-log LOG
 *
 * and read LOG. It prints, on /dev/acceldev0 (and /dev/acceldev1, which
 * it unbinds from the driver at the end for the MMIO costs):
 *
 *  @@COST lines   untraced costs: one RUN ioctl (in bursts of 256), a
 *                 null ioctl, open+close of the node and of /dev/null,
 *                 one MMIO read and one MMIO write of the device;
 *  @@TRACE events scheduler, interrupt, workqueue and system-call events
 *                 (ftrace) around 100 RUN+FENCE->WAIT round trips and 4
 *                 batches of 256 RUNs: who runs where, and when;
 *  @@TRACE graph  function_graph of the RUN ioctl and of open/release,
 *                 with every kernel function they call (the tracer's own
 *                 cost, about 0.7 us a call under TCG, inflates them).
 *
 * A measuring tool, not a test: it judges nothing and exits 0 unless it
 * could not set up.
 */
// vmtest: timeout=600 devices=2
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../../../uapi/acceldev.h"

#define TRACEFS "/sys/kernel/tracing/"
#define CMD_BYTES (ACCELDEV_USER_CMD_WORDS * 4)
#define NULL_IOCTL 0x7f

static int ctx, code;

static void tracefs_write(const char *file, const char *val, int append)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), TRACEFS "%s", file);
	fd = open(path, O_WRONLY | (append ? O_APPEND : O_TRUNC));
	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		fprintf(stderr, "trace_vm: %s = %s: %s\n", path, val,
			strerror(errno));
	if (fd >= 0)
		close(fd);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void run(uint32_t addr)
{
	struct acceldev_ioctl_run a = {
		.cfd = code, .addr = addr, .size = CMD_BYTES,
	};

	if (ioctl(ctx, ACCELDEV_IOCTL_RUN, &a))
		perror("trace_vm: RUN");
}

static void wait_fence(uint32_t fence)
{
	struct acceldev_ioctl_wait a = { .fence_wait = fence };

	while (ioctl(ctx, ACCELDEV_IOCTL_WAIT, &a))
		if (errno != EINTR) {
			perror("trace_vm: WAIT");
			return;
		}
}

static void dump(const char *tag)
{
	static char buf[65536];
	ssize_t n;
	int fd = open(TRACEFS "trace", O_RDONLY);

	printf("@@TRACE-BEGIN %s\n", tag);
	fflush(stdout);
	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	fflush(stdout);
	printf("@@TRACE-END %s\n", tag);
	fflush(stdout);
	if (fd >= 0)
		close(fd);
	tracefs_write("trace", "", 0);
}

static double open_close_rate(const char *path)
{
	double t0 = now();
	long n = 0;

	do {
		int fd = open(path, O_RDWR);

		if (fd >= 0)
			close(fd);
		n++;
	} while (now() - t0 < 0.5);
	return n / (now() - t0);
}

static void untraced_costs(uint32_t *fence)
{
	for (int rep = 0; rep < 3; rep++) {
		double t0 = now(), in_run = 0;
		long runs = 0, n = 0;

		do {
			double t1 = now();

			for (int i = 0; i < 256; i++)
				run(0);
			in_run += now() - t1;
			runs += 256;
			run(CMD_BYTES);
			wait_fence(++*fence);
		} while (now() - t0 < 0.5);
		printf("@@COST RUN ioctl %.2f us\n", in_run / runs * 1e6);
		t0 = now();
		do {
			ioctl(ctx, NULL_IOCTL, NULL);
			n++;
		} while (now() - t0 < 0.5);
		printf("@@COST null ioctl %.2f us\n", (now() - t0) / n * 1e6);
		printf("@@COST open+close acceldev1 %.2f us\n",
		       1e6 / open_close_rate("/dev/acceldev1"));
		printf("@@COST open+close /dev/null %.2f us\n",
		       1e6 / open_close_rate("/dev/null"));
	}
	fflush(stdout);
}

static void traced_events(uint32_t *fence)
{
	static const char *const events[] = {
		"irq/irq_handler_entry", "irq/irq_handler_exit",
		"workqueue/workqueue_queue_work",
		"workqueue/workqueue_execute_start",
		"workqueue/workqueue_execute_end",
		"sched/sched_wakeup", "sched/sched_switch",
		"raw_syscalls/sys_enter", "raw_syscalls/sys_exit",
		"irq_vectors/call_function_single_entry",
		"irq_vectors/reschedule_entry",
	};
	char path[128];

	tracefs_write("buffer_size_kb", "8192", 0);
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		snprintf(path, sizeof(path), "events/%s/enable", events[i]);
		tracefs_write(path, "1", 0);
	}
	tracefs_write("tracing_on", "1", 0);
	for (int i = 0; i < 100; i++) {
		run(CMD_BYTES);
		wait_fence(++*fence);
	}
	tracefs_write("tracing_on", "0", 0);
	dump("events round trips");
	tracefs_write("tracing_on", "1", 0);
	for (int b = 0; b < 4; b++) {
		for (int i = 0; i < 256; i++)
			run(0);
		run(CMD_BYTES);
		if (b)
			wait_fence(*fence);
		++*fence;
	}
	wait_fence(*fence);
	tracefs_write("tracing_on", "0", 0);
	dump("events batches");
	tracefs_write("events/enable", "0", 0);
}

static void traced_graphs(uint32_t *fence)
{
	tracefs_write("set_graph_function", "acceldev_ioctl_run", 0);
	tracefs_write("current_tracer", "function_graph", 0);
	tracefs_write("tracing_on", "1", 0);
	for (int i = 0; i < 40; i++)
		run(0);
	tracefs_write("tracing_on", "0", 0);
	run(CMD_BYTES);
	wait_fence(++*fence);
	dump("graph RUN");
	tracefs_write("current_tracer", "nop", 0);
	tracefs_write("set_graph_function", "acceldev_open", 0);
	tracefs_write("set_graph_function", "acceldev_release", 1);
	tracefs_write("current_tracer", "function_graph", 0);
	tracefs_write("tracing_on", "1", 0);
	for (int i = 0; i < 10; i++)
		close(open("/dev/acceldev1", O_RDWR));
	tracefs_write("tracing_on", "0", 0);
	dump("graph open+close");
	tracefs_write("current_tracer", "nop", 0);
}

/* MMIO costs on acceldev1, unbound first (nothing else may touch it). */
static void mmio_costs(void)
{
	char link[256], cmd[400];
	ssize_t n = readlink("/sys/class/acceldev/acceldev1/device", link,
			     sizeof(link) - 1);
	volatile uint32_t *regs;
	const char *bdf;
	uint32_t sum = 0;
	double t0;
	int fd;

	if (n < 0)
		return;
	link[n] = 0;
	bdf = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
	snprintf(cmd, sizeof(cmd),
		 "echo %s > /sys/bus/pci/drivers/acceldev/unbind", bdf);
	if (system(cmd))
		return;
	snprintf(cmd, sizeof(cmd), "/sys/bus/pci/devices/%s/resource0", bdf);
	fd = open(cmd, O_RDWR | O_SYNC);
	if (fd < 0)
		return;
	regs = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (regs == MAP_FAILED)
		return;
	t0 = now();
	for (int i = 0; i < 200000; i++)
		sum += regs[0x8c / 4];		/* CMD_MANUAL_FREE */
	printf("@@COST MMIO read %.3f us (FREE reads %u)\n",
	       (now() - t0) / 200000 * 1e6, sum / 200000);
	t0 = now();
	for (int i = 0; i < 200000; i++)
		regs[0xa4 / 4] = i;		/* CMD_FENCE_WAIT */
	printf("@@COST MMIO write %.3f us\n", (now() - t0) / 200000 * 1e6);
	fflush(stdout);
	munmap((void *)regs, 4096);
}

int main(void)
{
	struct acceldev_ioctl_create_buffer_result res = { 0 };
	struct acceldev_ioctl_create_buffer cb = {
		.size = 4096, .type = BUFFER_TYPE_CODE, .result = &res,
	};
	uint32_t fence = 0, *cmds;

	if (system("mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null"))
		fprintf(stderr, "trace_vm: tracefs was mounted already\n");
	ctx = open("/dev/acceldev0", O_RDWR);
	code = ctx < 0 ? -1 : ioctl(ctx, ACCELDEV_IOCTL_CREATE_BUFFER, &cb);
	if (code < 0) {
		perror("trace_vm: set-up");
		return 1;
	}
	cmds = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, code, 0);
	if (cmds == MAP_FAILED) {
		perror("trace_vm: mmap");
		return 1;
	}
	memset(cmds, 0, 4096);
	cmds[0] = ACCELDEV_USER_CMD_TYPE_NOP;
	cmds[ACCELDEV_USER_CMD_WORDS] = ACCELDEV_USER_CMD_TYPE_FENCE;

	untraced_costs(&fence);
	traced_events(&fence);
	traced_graphs(&fence);
	mmio_costs();
	return 0;
}
