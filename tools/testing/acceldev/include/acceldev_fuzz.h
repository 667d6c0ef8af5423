/* SPDX-License-Identifier: GPL-2.0 */
/*
 * acceldev_fuzz.h - the ioctl fuzzer, built twice: tests/ioctl_fuzz.c
 * (64-bit) and tests/ioctl_fuzz_32bit.c (-m32: the compat ioctl path).
 *
 * Phase 1, one thread, every result predicted: ioctls on context fds,
 * buffer fds (as if they were contexts), a closed fd, /dev/null and a
 * pipe; request numbers CREATE_BUFFER/RUN/WAIT, near-valid ones (same
 * type and number, other direction or size bits) and random ones (never
 * one the VFS answers itself); argument pointers NULL, unmapped, read-only,
 * kernel, straddling into a PROT_NONE page, or valid with random or
 * nearly valid contents (random sizes, types, offsets, fds of every kind,
 * result pointers of every class). The expected errno is computed from
 * DRIVER.md and the documented choices (Documentation/acceldev.rst);
 * a failed CREATE_BUFFER must not leak an fd nor write the result, a
 * CODE buffer's result is not written, a DATA buffer's slot is valid.
 * Context 3's code buffer holds random words (so its runs may break it:
 * EIO allowed there); the others hold NOPs, so a WAIT they cannot reach
 * sleeps until a ticker thread's signal (EINTR, the only call that may
 * see it, with a WAIT they cannot reach that waits for their runs).
 *
 * Phase 2, several threads: the same calls on a shared pool of fds while
 * threads close and re-create pool entries; each result must be in the
 * accepted set of its request (below) — EBADF included, as the fd may
 * just have been closed.
 *
 * Afterwards: no fd leaked, 255 contexts open on device 0, both devices
 * work. ACCELDEV_FUZZ_SEED replays a seed (phase 1 exactly); the seed and
 * the figures are printed. The kernel must not complain (the bench fails
 * the test on any WARNING, BUG, KASAN or lockdep report).
 */
#ifndef ACCELDEV_FUZZ_H
#define ACCELDEV_FUZZ_H

#include <linux/ioctl.h>

#include "acceldev_stress.h"

#define FZ_POOL 10
#define FZ_CODE_BYTES 8192

/* Errno bit sets; bit 0 stands for success. */
#define FZ_OK 1ull
#define FZ_E(e) (1ull << (e))

/* Accepted results per request whatever the fd and argument (phase 2). */
#define FZ_ANY_CREATE (FZ_OK | FZ_E(EFAULT) | FZ_E(EINVAL) | FZ_E(ENOSPC) | \
		       FZ_E(EBADF) | FZ_E(ENOTTY))
#define FZ_ANY_RUN (FZ_OK | FZ_E(EFAULT) | FZ_E(EINVAL) | FZ_E(EBADF) | \
		    FZ_E(EIO) | FZ_E(ENOTTY))
#define FZ_ANY_WAIT (FZ_OK | FZ_E(EFAULT) | FZ_E(EINVAL) | FZ_E(EIO) | \
		     FZ_E(EINTR) | FZ_E(EBADF) | FZ_E(ENOTTY))
#define FZ_ANY_OTHER (FZ_E(ENOTTY) | FZ_E(EBADF))

enum fz_kind { FZ_CTX, FZ_CODE, FZ_DATA, FZ_CLOSED, FZ_NULLDEV, FZ_PIPE };

struct fz_fd {
	int fd;
	enum fz_kind kind;
	int ctx;		/* buffers: index of their context */
	int dev;
	uint32_t size;		/* buffers: bytes */
};

struct fz_stats {
	uint64_t calls, create, run, wait, other, ok, eintr;
	uint64_t err[64];
	uint64_t closes;	/* phase 2: pool entries closed and re-made */
};

static struct fz_stats fz_st;
static uint8_t *fz_mem;		/* 6 pages, see fz_setup_memory() */
static volatile int fz_done;
static int fz_exited;		/* phase 2 threads that returned */
static uint64_t fz_seed;

/* Phase 1 state: 4 contexts, their buffers, the other fds. */
static struct fz_fd fz_fds[16];
static int fz_nfds;
static uint32_t fz_submitted[4];	/* user commands RUN on ctx 0..3 */

static void fz_tick(int sig)
{
	(void)sig;	/* only interrupts a sleeping WAIT */
}

/* Kernel-space and otherwise invalid addresses for this ABI. */
static uintptr_t fz_kernel_ptr(struct acc_rng *r)
{
#if UINTPTR_MAX > 0xffffffffu
	static const uintptr_t k[] = {
		0xffff888000000000ull, 0xffffffff81000000ull,
		0xffffffffff600000ull, 0x8000000000000000ull,
		0xfffffffffffff000ull,
	};
#else
	static const uintptr_t k[] = { 0xffffe000u, 0xfffff000u, 0xffffff00u };
#endif
	return k[acc_rng_below(r, sizeof(k) / sizeof(k[0]))];
}

/*
 * Pages: 0 scratch (RW), 1 guard (none), 2 read-only, 3 unmapped,
 * 4 result page (RW), 5 guard (none).
 */
static void fz_setup_memory(struct acc_rng *r)
{
	fz_mem = mmap(NULL, 6 * 4096, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(fz_mem != MAP_FAILED);
	for (int i = 0; i < 4096; i++)
		fz_mem[2 * 4096 + i] = (uint8_t)acc_rng_next(r);
	/*
	 * Arguments on this page sit at multiples of 16; a CREATE_BUFFER's
	 * result pointer (offset 8) there must be a bad one: a random value
	 * could point into our own memory and have the slot written there.
	 */
	for (int off = 8; off < 4096; off += 16) {
		uintptr_t bad = acc_rng_pct(r, 50) ? fz_kernel_ptr(r) :
				(uintptr_t)(fz_mem + 3 * 4096);

		memcpy(fz_mem + 2 * 4096 + off, &bad, sizeof(bad));
	}
	CHECK(mprotect(fz_mem + 4096, 4096, PROT_NONE) == 0);
	CHECK(mprotect(fz_mem + 2 * 4096, 4096, PROT_READ) == 0);
	CHECK(munmap(fz_mem + 3 * 4096, 4096) == 0);
	CHECK(mprotect(fz_mem + 5 * 4096, 4096, PROT_NONE) == 0);
}

/* Is this a request the VFS answers before the driver sees it? */
static bool fz_vfs_cmd(uint32_t cmd)
{
	uint32_t type = _IOC_TYPE(cmd);

	return cmd == 2 /* FIGETBSZ */ || type == 'T' /* FIO*, FIONREAD */ ||
	       type == 'X' /* FIFREEZE, FITHAW, fsxattr */ ||
	       type == 'f' /* FS_IOC_*FLAGS, FIEMAP (also compat) */ ||
	       type == 0x94 /* FICLONE, FIDEDUPERANGE */ ||
	       type == 0x15 /* FS_IOC_GETFSUUID, GETFSSYSFSPATH */;
}

/* A request number that is none of ours: near-valid or random. */
static uint32_t fz_other_cmd(struct acc_rng *r)
{
	static const uint32_t nrs[] = { 0, 1, 3 };
	uint32_t cmd;

	do {
		switch (acc_rng_below(r, 3)) {
		case 0:
			cmd = _IOC(acc_rng_below(r, 4), 0,
				   nrs[acc_rng_below(r, 3)],
				   acc_rng_below(r, 1 << 14));
			break;
		case 1:
			cmd = acc_rng_below(r, 0x100);
			break;
		default:
			cmd = (uint32_t)acc_rng_next(r);
			break;
		}
	} while (cmd == ACCELDEV_IOCTL_CREATE_BUFFER ||
		 cmd == ACCELDEV_IOCTL_RUN || cmd == ACCELDEV_IOCTL_WAIT ||
		 fz_vfs_cmd(cmd));
	return cmd;
}

/* An fd number for a RUN's cfd or an ioctl target, of any kind. */
static int fz_any_fd(struct acc_rng *r)
{
	static const int odd[] = { -1, -100, 0, 1, 2, 1023, INT_MAX, INT_MIN };

	if (acc_rng_pct(r, 15))
		return odd[acc_rng_below(r, sizeof(odd) / sizeof(odd[0]))];
	return fz_fds[acc_rng_below(r, (uint32_t)fz_nfds)].fd;
}

/* A result pointer of some class; *bad says whether put_user fails. */
static void *fz_result_ptr(struct acc_rng *r, bool *bad)
{
	*bad = true;
	switch (acc_rng_below(r, 6)) {
	case 0:
		return NULL;
	case 1:
		return fz_mem + 3 * 4096;
	case 2:
		return fz_mem + 2 * 4096 + 4 * acc_rng_below(r, 1024);
	case 3:
		return (void *)fz_kernel_ptr(r);
	case 4:
		return fz_mem + 5 * 4096 - 1 - acc_rng_below(r, 3);
	default:
		*bad = false;
		return fz_mem + 4 * 4096 + 4 * acc_rng_below(r, 1000);
	}
}

static int fz_random_size(struct acc_rng *r)
{
	static const int odd[] = { 0, -1, -4096, INT_MIN, INT_MAX,
		ACCELDEV_BUFFER_MAX_SIZE + 1, ACCELDEV_BUFFER_MAX_SIZE + 3,
		ACCELDEV_BUFFER_MAX_SIZE, 1, 4095, 4096, 4097 };

	if (acc_rng_pct(r, 40))
		return odd[acc_rng_below(r, sizeof(odd) / sizeof(odd[0]))];
	if (acc_rng_pct(r, 50))
		return 1 + (int)acc_rng_below(r, 65536);
	return (int)acc_rng_next(r);
}

static uint32_t fz_random_u32(struct acc_rng *r, uint32_t near)
{
	switch (acc_rng_below(r, 5)) {
	case 0:
		return (uint32_t)acc_rng_next(r);
	case 1:
		return near + acc_rng_below(r, 9) - 4;
	case 2:
		return near;
	case 3:
		return 4 * acc_rng_below(r, near / 4 + 2);
	default:
		return 0xffffffffu - acc_rng_below(r, 8);
	}
}

struct fz_call {
	int fd;
	uint32_t cmd;
	void *arg;
	const char *what;	/* pointer class, for messages */
	bool arg_bad;		/* copy_from_user must fail */
	void *result;		/* CREATE_BUFFER's result pointer */
	bool result_bad;
	int cr_size, cr_type;
	struct acceldev_ioctl_run run;
	uint32_t fence;
};

/* Where to put an argument of @len bytes; copies @src there if it can. */
static void fz_place_arg(struct acc_rng *r, struct fz_call *c, const void *src,
			 size_t len)
{
	uint8_t *scratch = fz_mem + 8 * acc_rng_below(r, 32);

	c->arg_bad = true;
	switch (acc_rng_below(r, 12)) {
	case 0:
		c->arg = NULL, c->what = "NULL";
		break;
	case 1:
		c->arg = fz_mem + 3 * 4096, c->what = "unmapped";
		break;
	case 2:
		c->arg = (void *)fz_kernel_ptr(r), c->what = "kernel";
		break;
	case 3:
		c->arg = fz_mem + 2 * 4096 - 1 - acc_rng_below(r, len - 1);
		c->what = "straddling a PROT_NONE page";
		break;
	case 4:
		/* Read-only page: the random bytes there are the argument. */
		c->arg = fz_mem + 2 * 4096 + 16 * acc_rng_below(r, 255);
		c->what = "read-only page";
		c->arg_bad = false;
		return;
	default:
		memcpy(scratch, src, len);
		c->arg = scratch, c->what = "valid";
		c->arg_bad = false;
		return;
	}
}

/* CREATE_BUFFER on context @ci (or on another fd): fill @c. */
static void fz_make_create(struct acc_rng *r, struct fz_call *c)
{
	struct acceldev_ioctl_create_buffer a;

	c->cr_size = acc_rng_pct(r, 30) ? fz_random_size(r) :
		     1 + (int)acc_rng_below(r, 16384);
	c->cr_type = acc_rng_pct(r, 80) ? (int)acc_rng_below(r, 2) :
		     (int)fz_random_u32(r, 2);
	c->result = fz_result_ptr(r, &c->result_bad);
	a.size = c->cr_size;
	a.type = (enum acceldev_buffer_type)c->cr_type;
	a.result = c->result;
	fz_place_arg(r, c, &a, sizeof(a));
	if (!c->arg_bad && c->arg != NULL &&
	    (uint8_t *)c->arg >= fz_mem + 2 * 4096 &&
	    (uint8_t *)c->arg < fz_mem + 3 * 4096) {
		/* Read-only contents: decode what the driver will see. */
		memcpy(&a, c->arg, sizeof(a));
		c->cr_size = a.size;
		c->cr_type = (int)a.type;
		c->result = a.result;
		c->result_bad = true;	/* see fz_setup_memory() */
	}
}

static void fz_make_run(struct acc_rng *r, struct fz_call *c)
{
	c->run.cfd = fz_any_fd(r);
	c->run.addr = acc_rng_pct(r, 50) ? 0 : fz_random_u32(r, FZ_CODE_BYTES);
	c->run.size = acc_rng_pct(r, 30) ? 4 * (1 + acc_rng_below(r, 64)) :
		      fz_random_u32(r, FZ_CODE_BYTES);
	fz_place_arg(r, c, &c->run, sizeof(c->run));
	if (!c->arg_bad)
		memcpy(&c->run, c->arg, sizeof(c->run));
}

static void fz_make_wait(struct acc_rng *r, struct fz_call *c)
{
	struct acceldev_ioctl_wait a;

	switch (acc_rng_below(r, 4)) {
	case 0:
		c->fence = 0;
		break;
	case 1:
		c->fence = acc_rng_below(r, 64);
		break;
	default:
		c->fence = (uint32_t)acc_rng_next(r);
		break;
	}
	a.fence_wait = c->fence;
	fz_place_arg(r, c, &a, sizeof(a));
	if (!c->arg_bad)
		memcpy(&c->fence, c->arg, sizeof(c->fence));
}

static const struct fz_fd *fz_lookup(int fd)
{
	for (int i = 0; i < fz_nfds; i++)
		if (fz_fds[i].fd == fd && fz_fds[i].kind != FZ_CLOSED)
			return &fz_fds[i];
	return NULL;
}

/* Phase 1: the set of results DRIVER.md and the design allow. */
static uint64_t fz_expect(const struct fz_fd *t, struct fz_call *c)
{
	const struct fz_fd *cf;
	int ci;

	if (t->kind == FZ_CLOSED)
		return FZ_E(EBADF);
	if (t->kind != FZ_CTX)
		return FZ_E(ENOTTY);	/* buffers, /dev/null, pipes */
	ci = t->ctx;
	switch (c->cmd) {
	case ACCELDEV_IOCTL_CREATE_BUFFER:
		if (c->arg_bad)
			return FZ_E(EFAULT);
		if (c->cr_size <= 0 || c->cr_size > ACCELDEV_BUFFER_MAX_SIZE ||
		    (c->cr_type != BUFFER_TYPE_CODE &&
		     c->cr_type != BUFFER_TYPE_DATA))
			return FZ_E(EINVAL);
		if (c->cr_type == BUFFER_TYPE_CODE)
			return FZ_OK;
		if (ci == 2)		/* all 16 slots taken */
			return FZ_E(ENOSPC);
		return c->result_bad ? FZ_E(EFAULT) : FZ_OK;
	case ACCELDEV_IOCTL_RUN:
		if (c->arg_bad)
			return FZ_E(EFAULT);
		if (!c->run.size || c->run.addr % 4 || c->run.size % 4)
			return FZ_E(EINVAL);
		if (fcntl(c->run.cfd, F_GETFD) < 0)
			return FZ_E(EBADF);
		cf = fz_lookup(c->run.cfd);
		if (!cf || cf->kind != FZ_CODE || cf->ctx != ci)
			return FZ_E(EINVAL);
		if (c->run.addr > cf->size || c->run.size > cf->size - c->run.addr)
			return FZ_E(EINVAL);
		return ci == 3 ? FZ_OK | FZ_E(EIO) : FZ_OK;
	case ACCELDEV_IOCTL_WAIT:
		if (c->arg_bad)
			return FZ_E(EFAULT);
		if (c->fence == 0)
			return FZ_OK;
		if (ci == 3)
			return FZ_OK | FZ_E(EINVAL) | FZ_E(EIO) | FZ_E(EINTR);
		/*
		 * NOPs only: no FENCE ever executes, the counter stays 0. A
		 * fence beyond what was submitted fails with EINVAL once the
		 * context's runs have finished, which a tick may interrupt.
		 */
		return c->fence > fz_submitted[ci] ? FZ_E(EINVAL) | FZ_E(EINTR) :
						     FZ_E(EINTR);
	default:
		return FZ_E(ENOTTY);
	}
}

static const char *fz_kind_name(enum fz_kind k)
{
	static const char *const n[] = { "context", "code buffer",
		"data buffer", "closed fd", "/dev/null", "pipe" };

	return n[k];
}

static void fz_count(uint32_t cmd, long ret, int err)
{
	acc_add(&fz_st.calls, 1);
	if (cmd == ACCELDEV_IOCTL_CREATE_BUFFER)
		acc_add(&fz_st.create, 1);
	else if (cmd == ACCELDEV_IOCTL_RUN)
		acc_add(&fz_st.run, 1);
	else if (cmd == ACCELDEV_IOCTL_WAIT)
		acc_add(&fz_st.wait, 1);
	else
		acc_add(&fz_st.other, 1);
	if (ret >= 0)
		acc_add(&fz_st.ok, 1);
	else if (err > 0 && err < 64)
		acc_add(&fz_st.err[err], 1);
}

static void fz_print_set(uint64_t set)
{
	if (set & FZ_OK)
		fprintf(stderr, " success");
	for (int e = 1; e < 64; e++)
		if (set & FZ_E(e))
			fprintf(stderr, " %s", acc_errname(e));
	fputc('\n', stderr);
}

static void fz_fail(uint64_t seed, uint64_t n, const struct fz_fd *t,
		    struct fz_call *c, uint64_t want, long ret, int err)
{
	fprintf(stderr, "FAIL: seed %#llx call %llu: ioctl(%s fd %d, %#x, "
		"arg %s %p)", (unsigned long long)seed, (unsigned long long)n,
		fz_kind_name(t->kind), c->fd, c->cmd, c->what, c->arg);
	if (c->cmd == ACCELDEV_IOCTL_CREATE_BUFFER)
		fprintf(stderr, " size %d type %d result %p", c->cr_size,
			c->cr_type, c->result);
	else if (c->cmd == ACCELDEV_IOCTL_RUN)
		fprintf(stderr, " cfd %d addr %#x size %#x", c->run.cfd,
			c->run.addr, c->run.size);
	else if (c->cmd == ACCELDEV_IOCTL_WAIT)
		fprintf(stderr, " fence %u", c->fence);
	fprintf(stderr, "\n  got: %ld (%s)\n  accepted:", ret,
		ret >= 0 ? "success" : acc_errname(err));
	fz_print_set(want);
	exit(1);
}

/* Open the phase-1 fds: contexts 0, 1 (device 0), 2 (full), 3 (random
 * code) and their buffers, a closed number, /dev/null, a pipe. */
static void fz_setup_fds(struct acc_rng *r)
{
	int pipefd[2];

	for (int ci = 0; ci < 4; ci++) {
		int dev = ci == 1 ? 1 : 0, ctx = acc_open(dev), code;
		uint32_t *m;

		fz_fds[fz_nfds++] = (struct fz_fd){ ctx, FZ_CTX, ci, dev, 0 };
		code = acc_create_buffer(ctx, FZ_CODE_BYTES, BUFFER_TYPE_CODE,
					 NULL);
		fz_fds[fz_nfds++] = (struct fz_fd){ code, FZ_CODE, ci, dev,
						    FZ_CODE_BYTES };
		if (ci == 3) {
			m = acc_map(code, FZ_CODE_BYTES);
			for (int i = 0; i < FZ_CODE_BYTES / 4; i++)
				m[i] = (uint32_t)acc_rng_next(r);
			munmap(m, FZ_CODE_BYTES);
		}
		for (int i = 0; i < (ci == 2 ? 16 : 1); i++) {
			int d = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA,
						  NULL);

			if (i == 0)
				fz_fds[fz_nfds++] = (struct fz_fd){ d, FZ_DATA,
							ci, dev, 4096 };
		}
	}
	fz_fds[fz_nfds].fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	fz_fds[fz_nfds++].kind = FZ_NULLDEV;
	CHECK(pipe(pipefd) == 0);
	fz_fds[fz_nfds].fd = pipefd[0];
	fz_fds[fz_nfds++].kind = FZ_PIPE;
	fz_fds[fz_nfds].fd = pipefd[1];
	fz_fds[fz_nfds++].kind = FZ_PIPE;
	fz_fds[fz_nfds].fd = dup(0);
	CHECK(fz_fds[fz_nfds].fd >= 0 && close(fz_fds[fz_nfds].fd) == 0);
	fz_fds[fz_nfds++].kind = FZ_CLOSED;
}

/* Build one random call on target @t into @c. */
static void fz_make_call(struct acc_rng *r, const struct fz_fd *t,
			 struct fz_call *c)
{
	uint32_t pick = acc_rng_below(r, 10);

	memset(c, 0, sizeof(*c));
	c->fd = t->fd;
	c->what = "-";
	if (pick < 3) {
		c->cmd = ACCELDEV_IOCTL_CREATE_BUFFER;
		fz_make_create(r, c);
	} else if (pick < 6) {
		c->cmd = ACCELDEV_IOCTL_RUN;
		fz_make_run(r, c);
	} else if (pick < 8) {
		c->cmd = ACCELDEV_IOCTL_WAIT;
		fz_make_wait(r, c);
	} else {
		/* Argument: any class, random contents. */
		c->cmd = fz_other_cmd(r);
		fz_make_run(r, c);
	}
	/* /dev/null and pipes: only our request numbers (others would fuzz
	 * other drivers). */
	if ((t->kind == FZ_NULLDEV || t->kind == FZ_PIPE) &&
	    c->cmd > ACCELDEV_IOCTL_WAIT)
		c->cmd = ACCELDEV_IOCTL_RUN;
}

/* Phase 1: one thread, every result predicted. */
static void fz_phase1(double seconds)
{
	uint64_t seed = fz_seed;
	struct acc_rng r = { seed };
	double end = acc_now() + seconds;
	uint32_t *res = (uint32_t *)(fz_mem + 4 * 4096);

	for (uint64_t n = 0; acc_now() < end; n++) {
		/* Half the calls on a context (fz_fds[3 * ci]). */
		const struct fz_fd *t = acc_rng_pct(&r, 50) ?
			&fz_fds[3 * acc_rng_below(&r, 4)] :
			&fz_fds[acc_rng_below(&r, (uint32_t)fz_nfds)];
		struct fz_call c;
		uint64_t want, got;
		int low = acc_lowest_free_fd(), err;
		long ret;

		fz_make_call(&r, t, &c);
		want = fz_expect(t, &c);
		for (int i = 0; i < 1024; i++)
			res[i] = 0xdeadbeef;
		errno = 0;
		ret = ioctl(c.fd, c.cmd, c.arg);
		err = errno;
		fz_count(c.cmd, ret, err);
		got = ret >= 0 ? FZ_OK : err > 0 && err < 64 ? FZ_E(err) : 0;
		if (!(got & want))
			fz_fail(seed, n, t, &c, want, ret, err);
		if (ret < 0 && err == EINTR)
			acc_add(&fz_st.eintr, 1);
		if (c.cmd == ACCELDEV_IOCTL_CREATE_BUFFER && t->kind == FZ_CTX) {
			uint32_t *rp = c.result_bad ? NULL : c.result;

			if (ret < 0) {
				CHECK_MSG(acc_lowest_free_fd() == low,
					  "seed %#llx call %llu: failed "
					  "CREATE_BUFFER leaked an fd",
					  (unsigned long long)seed,
					  (unsigned long long)n);
				if (rp)
					CHECK_MSG(*rp == 0xdeadbeef, "failed "
						  "CREATE_BUFFER wrote result");
			} else if (c.cr_type == BUFFER_TYPE_CODE && rp) {
				CHECK_MSG(*rp == 0xdeadbeef, "CODE buffer: "
					  "result written (%#x)", *rp);
			} else if (rp) {
				/* Context ci's own buffer holds one slot. */
				CHECK_MSG(*rp < 16, "DATA buffer slot %u", *rp);
			}
			if (ret >= 0)
				close((int)ret);
		}
		if (c.cmd == ACCELDEV_IOCTL_RUN && ret == 0)
			fz_submitted[t->ctx] += c.run.size / ACC_CMD_BYTES;
	}
}

/* Phase 2: a pool of fds shared by threads that close and re-make them. */
struct fz_slot {
	pthread_mutex_t lock;
	int fd;			/* read without the lock, on purpose */
	enum fz_kind kind;
};

static struct fz_slot fz_pool[FZ_POOL];

static void fz_slot_make(struct fz_slot *s, int i)
{
	int ctx;

	switch (i % 3) {
	case 0:
		s->fd = acc_open(i % 2);
		s->kind = FZ_CTX;
		break;
	default:
		/* A buffer of pool context 0 or 3 (if open right now). */
		ctx = acc_open(i % 2);
		s->fd = acc_create_buffer(ctx, 4096, i % 3 == 1 ?
					  BUFFER_TYPE_CODE : BUFFER_TYPE_DATA,
					  NULL);
		s->kind = i % 3 == 1 ? FZ_CODE : FZ_DATA;
		close(ctx);
		break;
	}
}

static void *fz_phase2_thread(void *arg)
{
	struct acc_rng r = { (uint64_t)(uintptr_t)arg };

	while (!fz_done) {
		struct fz_slot *s = &fz_pool[acc_rng_below(&r, FZ_POOL)];
		struct fz_fd t = { .fd = s->fd, .kind = FZ_CTX };
		struct fz_call c;
		uint64_t want, got;
		long ret;
		int err;

		if (acc_rng_pct(&r, 5)) {
			pthread_mutex_lock(&s->lock);
			CHECK(close(s->fd) == 0);
			fz_slot_make(s, (int)(s - fz_pool));
			pthread_mutex_unlock(&s->lock);
			acc_add(&fz_st.closes, 1);
			continue;
		}
		fz_make_call(&r, &t, &c);
		if (acc_rng_pct(&r, 50) && c.cmd == ACCELDEV_IOCTL_RUN &&
		    (uint8_t *)c.arg >= fz_mem &&
		    (uint8_t *)c.arg < fz_mem + 4096) {
			/* A pool fd as cfd, racing with its close. */
			((struct acceldev_ioctl_run *)c.arg)->cfd =
				fz_pool[acc_rng_below(&r, FZ_POOL)].fd;
		}
		ret = ioctl(c.fd, c.cmd, c.arg);
		err = errno;
		fz_count(c.cmd, ret, err);
		if (ret < 0 && err == EINTR)
			acc_add(&fz_st.eintr, 1);
		want = c.cmd == ACCELDEV_IOCTL_CREATE_BUFFER ? FZ_ANY_CREATE :
		       c.cmd == ACCELDEV_IOCTL_RUN ? FZ_ANY_RUN :
		       c.cmd == ACCELDEV_IOCTL_WAIT ? FZ_ANY_WAIT : FZ_ANY_OTHER;
		got = ret >= 0 ? FZ_OK : err > 0 && err < 64 ? FZ_E(err) : 0;
		if (!(got & want))
			fz_fail(fz_seed, 0, &t, &c, want, ret, err);
		if (c.cmd == ACCELDEV_IOCTL_CREATE_BUFFER && ret >= 0)
			close((int)ret);
	}
	acc_add(&fz_exited, 1);
	return NULL;
}

/* Signal thread *arg every 20 ms until fz_done. */
static void *fz_ticker(void *arg)
{
	while (!fz_done) {
		pthread_kill(*(pthread_t *)arg, SIGUSR1);
		usleep(20 * 1000);
	}
	return NULL;
}

static int fz_main(const char *name)
{
	uint64_t seed = fz_seed = acc_seed("ACCELDEV_FUZZ_SEED");
	double seconds = ACC_SETTING(5, 60);
	int threads = 4, low;
	pthread_t th[4], ticker, me = pthread_self();
	struct sigaction sa = { .sa_handler = fz_tick };
	struct acc_rng r = { seed ^ 0x5eed };
	double t0 = acc_now();
	int ctxs[255];

	acc_require_devices(2);
	printf("%s: seed=%#llx (ACCELDEV_FUZZ_SEED replays)\n", name,
	       (unsigned long long)seed);
	fflush(stdout);
	/* No SA_RESTART: a WAIT that sleeps for good ends with EINTR. */
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	low = acc_lowest_free_fd();
	fz_setup_memory(&r);
	fz_setup_fds(&r);
	acc_watchdog((unsigned int)(2 * seconds) + 60, "an ioctl");

	/* Phase 1, with a ticker thread signalling this one. */
	fz_done = 0;
	CHECK(pthread_create(&ticker, NULL, fz_ticker, &me) == 0);
	fz_phase1(seconds);
	fz_done = 1;
	pthread_join(ticker, NULL);
	printf("%s: phase1 calls=%llu\n", name,
	       (unsigned long long)fz_st.calls);

	/* Phase 2: threads, closes racing ioctls; this thread ticks. */
	for (int i = 0; i < FZ_POOL; i++) {
		pthread_mutex_init(&fz_pool[i].lock, NULL);
		fz_slot_make(&fz_pool[i], i);
	}
	fz_done = 0;
	for (int i = 0; i < threads; i++)
		CHECK(pthread_create(&th[i], NULL, fz_phase2_thread,
				     (void *)(uintptr_t)(seed + 1 + i)) == 0);
	for (double end = acc_now() + seconds; acc_now() < end;) {
		for (int i = 0; i < threads; i++)
			pthread_kill(th[i], SIGUSR1);
		usleep(20 * 1000);
	}
	fz_done = 1;
	/* Keep ticking until every thread has left its WAIT. */
	while (acc_get(&fz_exited) < threads) {
		for (int i = 0; i < threads; i++)
			pthread_kill(th[i], SIGUSR1);
		usleep(20 * 1000);
	}
	for (int i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	acc_watchdog(0, "");

	for (int i = 0; i < FZ_POOL; i++)
		CHECK(close(fz_pool[i].fd) == 0);
	for (int i = 0; i < fz_nfds; i++)
		if (fz_fds[i].kind != FZ_CLOSED)
			CHECK(close(fz_fds[i].fd) == 0);
	/* ctx 2's other 15 data buffers: every fd above the lowest. */
	for (int fd = low; fd < low + 64; fd++)
		close(fd);
	CHECK_MSG(acc_lowest_free_fd() == low, "an fd leaked");
	for (int i = 0; i < 255; i++) {
		ctxs[i] = acc_try_open(0);
		CHECK_MSG(ctxs[i] >= 0, "context %d of 255 after the fuzz: %s "
			  "(contexts leaked?)", i, acc_errname(errno));
	}
	for (int i = 0; i < 255; i++)
		close(ctxs[i]);
	acc_check_device_works(0);
	acc_check_device_works(1);

	printf("%s: calls=%llu create=%llu run=%llu wait=%llu other=%llu "
	       "ok=%llu eintr=%llu pool_closes=%llu wall_s=%.1f errnos:",
	       name, (unsigned long long)fz_st.calls,
	       (unsigned long long)fz_st.create, (unsigned long long)fz_st.run,
	       (unsigned long long)fz_st.wait, (unsigned long long)fz_st.other,
	       (unsigned long long)fz_st.ok, (unsigned long long)fz_st.eintr,
	       (unsigned long long)fz_st.closes, acc_now() - t0);
	for (int e = 1; e < 64; e++)
		if (fz_st.err[e])
			printf(" %s=%llu", acc_errname(e),
			       (unsigned long long)fz_st.err[e]);
	printf("\n");
	return 0;
}

#endif /* ACCELDEV_FUZZ_H */
