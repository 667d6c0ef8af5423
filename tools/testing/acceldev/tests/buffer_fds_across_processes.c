// SPDX-License-Identifier: GPL-2.0
/*
 * Context and buffer fds in other processes. DRIVER.md: a context is an
 * open file of /dev/acceldevN, a buffer is its own file, supporting mmap
 * and close; a buffer lives until its last reference is closed and only
 * RUNs on the context it was created on. So an fd passed on is the same
 * object, wherever it goes:
 *  - over a unix socket (SCM_RIGHTS), to a process forked before they
 *    existed: the received data buffer maps the same memory (sees the
 *    sender's bytes, the sender sees its writes); a RUN on the received
 *    context with the received code buffer works and FILLs the buffer
 *    both see; the receiver's own context on device 0 or 1 refuses the
 *    received code buffer (EINVAL), and the received context refuses a
 *    data buffer as code (EINVAL);
 *  - after the sender has closed and unmapped everything, the receiver's
 *    fds still work (last reference): RUN, WAIT, mapping;
 *  - inherited by fork: parent and child share the context (fence numbers
 *    count over both: the child's run is fence 2 after the parent's 1)
 *    and the MAP_SHARED mapping; buffer fds are close-on-exec (the
 *    documented choice);
 *  - a code buffer of device 0 on a context of device 1: EINVAL.
 */
// vmtest: timeout=60
#include <sys/socket.h>

#include "acceldev_stress.h"

static void send_fds(int sock, const int *fds, int n)
{
	char c = 'F', ctrl[CMSG_SPACE(4 * sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctrl,
			    .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);

	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(h), fds, n * sizeof(int));
	CHECK_MSG(sendmsg(sock, &m, 0) == 1, "sendmsg: %s",
		  acc_errname(errno));
}

static void recv_fds(int sock, int *fds, int n)
{
	char c, ctrl[CMSG_SPACE(4 * sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctrl, .msg_controllen = sizeof(ctrl) };
	struct cmsghdr *h;

	CHECK_MSG(recvmsg(sock, &m, 0) == 1, "recvmsg: %s",
		  acc_errname(errno));
	h = CMSG_FIRSTHDR(&m);
	CHECK(h && h->cmsg_type == SCM_RIGHTS &&
	      h->cmsg_len == CMSG_LEN(n * sizeof(int)));
	memcpy(fds, CMSG_DATA(h), n * sizeof(int));
}

static void sync_byte(int sock, char send_c)
{
	char c;

	if (send_c)
		CHECK(write(sock, &send_c, 1) == 1);
	else
		CHECK(read(sock, &c, 1) == 1);
}

/* FILL bytes 8..4095 of the slot with @value, FENCE, WAIT(@fence). */
static void fill_and_wait(int ctx, int code, uint32_t slot, uint32_t value,
			  uint32_t fence)
{
	uint32_t *cmds = acc_map(code, 4096);

	acc_put_fence(cmds, acc_put_fill(cmds, 0, value, slot, 8, 4088));
	munmap(cmds, 4096);
	acc_run(ctx, code, 0, 2 * ACC_CMD_BYTES);
	acc_wait(ctx, fence);
}

static int sock[2];

static void receiver(void *arg)
{
	int fds[3], own0, own1, own_code;
	uint32_t *d, slot;

	(void)arg;
	close(sock[0]);
	recv_fds(sock[1], fds, 3);	/* context, code, data */
	CHECK(read(sock[1], &slot, sizeof(slot)) == sizeof(slot));
	d = acc_map(fds[2], 4096);
	for (int i = 0; i < 1024; i++)
		CHECK_MSG(d[i] == 0x5e4d0000u + (uint32_t)i, "received buffer"
			  " word %d is %#x: not the sender's memory", i, d[i]);
	d[0] = 0x12345678;		/* the sender checks it */
	fill_and_wait(fds[0], fds[1], slot, 0xabc00001, 1);
	CHECK(d[0] == 0x12345678 && d[2] == 0xabc00001);
	for (int dev = 0; dev < 2; dev++) {
		own0 = acc_open(dev);
		EXPECT_ERRNO(acc_try_run(own0, fds[1], 0, ACC_CMD_BYTES),
			     EINVAL);
		close(own0);
	}
	EXPECT_ERRNO(acc_try_run(fds[0], fds[2], 0, ACC_CMD_BYTES), EINVAL);
	own1 = acc_open(1);
	own_code = acc_create_buffer(own1, 4096, BUFFER_TYPE_CODE, NULL);
	EXPECT_ERRNO(acc_try_run(fds[0], own_code, 0, ACC_CMD_BYTES), EINVAL);
	close(own_code);
	close(own1);
	sync_byte(sock[1], 'R');

	/* The sender closes everything; ours are the last references. */
	sync_byte(sock[1], 0);
	fill_and_wait(fds[0], fds[1], slot, 0xabc00002, 2);
	for (int i = 2; i < 1024; i++)
		CHECK(d[i] == 0xabc00002);
	munmap(d, 4096);
	for (int i = 0; i < 3; i++)
		CHECK(close(fds[i]) == 0);
}

int main(void)
{
	int ctx, code, data, fds[3];
	uint32_t slot, *d;
	pid_t pid;

	acc_require_devices(2);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sock) == 0);
	pid = acc_fork(receiver, NULL);	/* before the fds exist */
	close(sock[1]);

	ctx = acc_open(0);
	code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	data = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &slot);
	d = acc_map(data, 4096);
	for (int i = 0; i < 1024; i++)
		d[i] = 0x5e4d0000u + (uint32_t)i;
	fds[0] = ctx, fds[1] = code, fds[2] = data;
	send_fds(sock[0], fds, 3);
	CHECK(write(sock[0], &slot, sizeof(slot)) == sizeof(slot));
	sync_byte(sock[0], 0);
	CHECK_MSG(d[0] == 0x12345678, "the receiver's write is not in our "
		  "mapping (%#x)", d[0]);
	CHECK_MSG(d[2] == 0xabc00001, "the receiver's FILL is not in our "
		  "mapping (%#x)", d[2]);
	munmap(d, 4096);
	close(code);
	close(data);
	close(ctx);
	sync_byte(sock[0], 'C');
	acc_reap(pid, "the fd receiver");
	close(sock[0]);

	/* fork: the child shares the context and the mapping. */
	ctx = acc_open(0);
	code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	data = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &slot);
	d = acc_map(data, 4096);
	CHECK_MSG(fcntl(code, F_GETFD) & FD_CLOEXEC, "code buffer fd is not "
		  "close-on-exec");
	CHECK_MSG(fcntl(data, F_GETFD) & FD_CLOEXEC, "data buffer fd is not "
		  "close-on-exec");
	fill_and_wait(ctx, code, slot, 0xf0000001, 1);
	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK(d[5] == 0xf0000001);
		fill_and_wait(ctx, code, slot, 0xf0000002, 2);
		d[7] = 0x77;	/* through the inherited mapping */
		_exit(0);
	}
	acc_reap(pid, "the forked child");
	acc_wait(ctx, 2);	/* the child's run was fence 2 */
	CHECK_MSG(d[2] == 0xf0000002 && d[7] == 0x77, "the child's FILL or "
		  "write is not in the parent's mapping: %#x %#x", d[2], d[7]);

	/* Device 0's code buffer on a context of device 1. */
	int other = acc_open(1);

	EXPECT_ERRNO(acc_try_run(other, code, 0, ACC_CMD_BYTES), EINVAL);
	close(other);
	munmap(d, 4096);
	close(code);
	close(data);
	close(ctx);
	printf("buffer_fds_across_processes: passed_fds=3 checks=ok\n");
	return 0;
}
