// SPDX-License-Identifier: GPL-2.0
/*
 * mmap enters all of a buffer's pages at once; pages whose entries are
 * dropped later come back through the fault handler with their data.
 * MADV_DONTNEED on a shared buffer mapping zaps the entries but not the
 * memory: the bytes written before read back afterwards, the device's
 * writes show through the re-faulted pages, and a child forked after
 * the zap shares the same pages both ways.
 */
#include <sys/wait.h>

#include "acceldev_test.h"

#define PAGES 4
#define SIZE (PAGES * 4096)

int main(void)
{
	int ctx = acc_open(0);
	uint32_t slot;
	int data = acc_create_buffer(ctx, SIZE, BUFFER_TYPE_DATA, &slot);
	volatile uint8_t *m = acc_map(data, SIZE);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, 4096);
	size_t w;
	int status;
	pid_t pid;

	for (int p = 0; p < PAGES; p++)
		m[p * 4096 + 17] = 0x40 + p;

	EXPECT_OK(madvise((void *)m, SIZE, MADV_DONTNEED));
	for (int p = 0; p < PAGES; p++)
		CHECK_MSG(m[p * 4096 + 17] == 0x40 + p,
			  "page %d after MADV_DONTNEED: %#x", p,
			  m[p * 4096 + 17]);

	/* Zap again, then let the device write page 2 before we touch it. */
	EXPECT_OK(madvise((void *)m, SIZE, MADV_DONTNEED));
	w = acc_put_fill(cmds, 0, 0x5a5a5a5a, slot, 2 * 4096, 4096);
	w = acc_put_fence(cmds, w);
	acc_run(ctx, code, 0, w * 4);
	acc_wait(ctx, 1);
	CHECK(m[2 * 4096] == 0x5a && m[2 * 4096 + 4095] == 0x5a);
	CHECK(m[3 * 4096 + 17] == 0x43 && m[3 * 4096] == 0);

	EXPECT_OK(madvise((void *)m, SIZE, MADV_DONTNEED));
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		/* The child sees the parent's bytes and writes its own. */
		if (m[17] != 0x40 || m[2 * 4096] != 0x5a)
			_exit(1);
		m[4096 + 100] = 0xc1;
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "child saw other bytes (status %#x)", status);
	CHECK_MSG(m[4096 + 100] == 0xc1, "child's write not seen: %#x",
		  m[4096 + 100]);
	return 0;
}
