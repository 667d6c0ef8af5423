// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl fuzzer (as include/acceldev_fuzz.h for /dev/acceldevN) on the
 * accel node, seeded (ACCELDEV_FUZZ_SEED replays phase 1).
 *
 * Three files on device 0, each with a CODE object (files 0 and 1: NOPs
 * only; file 2: random words, so its jobs may break it: EIO allowed
 * there), two DATA objects, a signalled and an empty syncobj. Requests:
 * the five driver ioctls with random and near-valid arguments, and driver
 * numbers the driver lacks (EINVAL). Argument pointers NULL, unmapped,
 * PROT_NONE, kernel or straddling into PROT_NONE: EFAULT (the DRM core
 * copies the argument in first). Phase 1, one thread: every result is
 * predicted from uapi/acceldev_accel.h; where an argument breaks several
 * rules, any of their errnos is accepted (the uAPI does not order them).
 * Phase 2: threads make the same calls while one closes and reopens the
 * files; each result must be in the accepted set (EBADF and ENOTTY
 * included: the number may be closed, or briefly another file). Afterwards: no fd leaked, 255 accel files open on device 0,
 * the device works. 5 s per phase; ACCELDEV_LONG=1: 60 s.
 */
// vmtest: timeout=240 tiers=debian,debug
#include <pthread.h>

#include "acceldev_stress.h"
#include "acceldev_accel_test.h"

#define FILES 3
#define CODE_BYTES 8192
#define THREADS 4

#define OK_BIT 1ull
#define E(e) (1ull << (e))

struct afz_file {
	int fd;
	uint32_t code, data[2];
	uint32_t sig, empty;	/* in-syncobjs: signalled, no fence */
	uint32_t out;		/* out-syncobjs */
};

static struct afz_file files[FILES];
/* Each thread's pages: scratch, PROT_NONE, unmapped, scratch. */
static __thread uint8_t *mem;
static volatile int done;
static uint64_t calls, faults_seen;

static void setup_mem(void)
{
	mem = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(mem != MAP_FAILED);
	CHECK(mprotect(mem + 4096, 4096, PROT_NONE) == 0);
	CHECK(munmap(mem + 2 * 4096, 4096) == 0);
}

static void *bad_ptr(struct acc_rng *r, size_t len)
{
	switch (acc_rng_below(r, 5)) {
	case 0:
		return NULL;
	case 1:
		return mem + 2 * 4096;			/* unmapped */
	case 2:
		return mem + 4096;			/* PROT_NONE */
	case 3:
		return (void *)0xffff888000000000ull;	/* kernel */
	default:
		return mem + 4096 - len / 2;		/* straddles */
	}
}

static void file_open(struct afz_file *f, int idx, struct acc_rng *r)
{
	uint32_t *c;

	f->fd = acc_accel_open(0);
	f->code = acc_accel_bo_create(f->fd, CODE_BYTES, DRM_ACCELDEV_BO_CODE,
				      NULL);
	c = acc_accel_map(f->fd, f->code, CODE_BYTES);
	for (size_t w = 0; w + 5 <= CODE_BYTES / 4; w += 5)
		acc_put_nop(c, w);
	if (idx == 2)
		for (size_t w = 0; w < CODE_BYTES / 4; w++)
			c[w] = (uint32_t)acc_rng_next(r) & 0xf000000f;
	munmap(c, CODE_BYTES);
	for (int i = 0; i < 2; i++)
		f->data[i] = acc_accel_bo_create(f->fd, 4096,
						 DRM_ACCELDEV_BO_DATA, NULL);
	f->sig = acc_syncobj_create(f->fd, DRM_SYNCOBJ_CREATE_SIGNALED);
	f->empty = acc_syncobj_create(f->fd, 0);
	f->out = acc_syncobj_create(f->fd, 0);
}

/* A handle: one of the file's objects, or one it does not have. */
static uint32_t any_handle(struct acc_rng *r, const struct afz_file *f,
			   bool *exists)
{
	static const uint32_t odd[] = { 0, 77, 4096, 0x7fffffff, ~0u };

	*exists = true;
	switch (acc_rng_below(r, 4)) {
	case 0:
		return f->code;
	case 1:
		return f->data[acc_rng_below(r, 2)];
	case 2:
		return acc_rng_pct(r, 50) ? f->sig : f->empty;
	default:
		*exists = false;
		return odd[acc_rng_below(r, 5)];
	}
}

static uint32_t maybe_nonzero(struct acc_rng *r, uint64_t *want, int err)
{
	uint32_t v = acc_rng_pct(r, 85) ? 0 : 1u << acc_rng_below(r, 32);

	if (v)
		*want |= E(err);
	return v;
}

/* One random request on file @i: its result as a bit; *want the predicted set. */
static uint64_t one_call(struct acc_rng *r, int i, uint64_t *want)
{
	const struct afz_file *f = &files[i];
	union {
		struct drm_acceldev_get_param gp;
		struct drm_acceldev_bo_create bc;
		struct drm_acceldev_bo_info bi;
		struct drm_acceldev_submit sb;
		struct drm_acceldev_wait wt;
		uint8_t raw[64];
	} *a = (void *)mem, *arg = a;
	static __thread struct drm_acceldev_syncobj sync[2][80];
	unsigned long req;
	bool exists;
	int ret;

	memset(a, 0, sizeof(*a));
	*want = 0;
	switch (acc_rng_below(r, 6)) {
	case 0:
		req = DRM_IOCTL_ACCELDEV_GET_PARAM;
		a->gp.param = acc_rng_pct(r, 80) ? acc_rng_below(r, 12) :
			      (uint32_t)acc_rng_next(r);
		if (a->gp.param > DRM_ACCELDEV_PARAM_LAST_JOB)
			*want |= E(EINVAL);
		a->gp.pad = maybe_nonzero(r, want, EINVAL);
		break;
	case 1: {
		static const uint64_t sizes[] = {
			0, 1, 4096, 4097, 4 * ACC_MIB, 4 * ACC_MIB + 1,
			1ull << 32, ~0ull,
		};

		req = DRM_IOCTL_ACCELDEV_BO_CREATE;
		a->bc.size = sizes[acc_rng_below(r, 8)];
		if (!a->bc.size || a->bc.size > 4 * ACC_MIB)
			*want |= E(EINVAL);
		a->bc.type = acc_rng_pct(r, 90) ? acc_rng_below(r, 2) :
			     (uint32_t)acc_rng_next(r);
		if (a->bc.type > DRM_ACCELDEV_BO_DATA)
			*want |= E(EINVAL);
		a->bc.flags = maybe_nonzero(r, want, EINVAL);
		break;
	}
	case 2:
		req = DRM_IOCTL_ACCELDEV_BO_INFO;
		a->bi.handle = any_handle(r, f, &exists);
		/* A syncobj handle is no GEM handle (separate idr). */
		if (!exists || (a->bi.handle != f->code &&
				a->bi.handle != f->data[0] &&
				a->bi.handle != f->data[1]))
			*want |= E(ENOENT);
		a->bi.flags = maybe_nonzero(r, want, EINVAL);
		break;
	case 3: {
		uint32_t size_cls = acc_rng_below(r, 4);

		req = DRM_IOCTL_ACCELDEV_SUBMIT;
		a->sb.code_handle = acc_rng_pct(r, 80) ? f->code :
				    any_handle(r, f, &exists);
		if (a->sb.code_handle != f->code) {
			bool data = a->sb.code_handle == f->data[0] ||
				    a->sb.code_handle == f->data[1];

			*want |= data ? E(EINVAL) : E(ENOENT);
		}
		a->sb.flags = maybe_nonzero(r, want, EINVAL);
		a->sb.offset = 20 * acc_rng_below(r, CODE_BYTES / 20);
		a->sb.size = size_cls == 0 ? 0 : size_cls == 1 ?
			     acc_rng_below(r, 200) : 20 * (1 + acc_rng_below(r, 8));
		if (acc_rng_pct(r, 5))
			a->sb.offset = (uint32_t)acc_rng_next(r);
		if (!a->sb.size || a->sb.size % 4 || a->sb.offset % 4 ||
		    (uint64_t)a->sb.offset + a->sb.size > CODE_BYTES)
			*want |= E(EINVAL);
		for (int k = 0; k < 2; k++) {
			uint32_t n = acc_rng_pct(r, 70) ? acc_rng_below(r, 3) :
				     acc_rng_below(r, 80);
			struct drm_acceldev_syncobj *s = sync[k];

			if (n > DRM_ACCELDEV_MAX_SYNCOBJS)
				*want |= E(EINVAL);
			for (uint32_t j = 0; j < n; j++) {
				bool sig = acc_rng_pct(r, 70);

				s[j] = (struct drm_acceldev_syncobj){
					.handle = k ? f->out : sig ? f->sig :
						  f->empty,
				};
				if (acc_rng_pct(r, 5)) {
					s[j].handle = 999;
					*want |= E(ENOENT);
				} else if (k == 0 && !sig) {
					*want |= E(ENOENT);
				}
				s[j].flags = maybe_nonzero(r, want, EINVAL);
				if (acc_rng_pct(r, 3)) {
					s[j].point = 1 + acc_rng_below(r, 9);
					*want |= k == 0 ? E(ENOENT) : 0;
				}
			}
			if (n && n <= DRM_ACCELDEV_MAX_SYNCOBJS &&
			    acc_rng_pct(r, 10)) {
				s = bad_ptr(r, n * sizeof(*s));
				*want |= E(EFAULT);
			}
			if (k == 0) {
				a->sb.in_syncobjs = (uintptr_t)s;
				a->sb.in_count = n;
			} else {
				a->sb.out_syncobjs = (uintptr_t)s;
				a->sb.out_count = n;
			}
		}
		if (i == 2)
			*want |= E(EIO);
		break;
	}
	case 4:
		req = DRM_IOCTL_ACCELDEV_WAIT;
		a->wt.fence = acc_rng_pct(r, 30) ? 0 : (uint32_t)acc_rng_next(r) >>
			      acc_rng_below(r, 32);
		a->wt.flags = maybe_nonzero(r, want, EINVAL);
		a->wt.timeout_ns = acc_rng_pct(r, 50) ? 0 : acc_deadline(0.001);
		if (a->wt.fence)
			*want |= E(EINVAL) | E(ETIME);
		if (i == 2)
			*want |= E(EIO) | E(EINVAL) | E(ETIME);
		break;
	default:
		req = _IOC(acc_rng_below(r, 4), DRM_IOCTL_BASE,
			   DRM_COMMAND_BASE + 5 + acc_rng_below(r, 0x5b),
			   acc_rng_below(r, 64));
		*want = E(EINVAL);
		return ioctl(f->fd, req, mem) == 0 ? OK_BIT : E(errno);
	}
	if (!*want)
		*want = OK_BIT;
	if (i == 2 && req == DRM_IOCTL_ACCELDEV_SUBMIT && *want == E(EIO))
		*want |= OK_BIT;
	if (i == 2 && req == DRM_IOCTL_ACCELDEV_WAIT)
		*want |= OK_BIT;
	if (req == DRM_IOCTL_ACCELDEV_WAIT && !a->wt.flags && !a->wt.fence)
		*want = OK_BIT;
	if (acc_rng_pct(r, 8)) {
		arg = bad_ptr(r, _IOC_SIZE(req));
		*want = E(EFAULT);
	}
	ret = ioctl(f->fd, req, arg);
	/* Keep the files as they were: no object left behind. */
	if (ret == 0 && req == DRM_IOCTL_ACCELDEV_BO_CREATE)
		acc_gem_try_close(f->fd, a->bc.handle);
	return ret == 0 ? OK_BIT : E(errno);
}

static void phase1(uint64_t seed, double secs)
{
	struct acc_rng r = { seed };
	double end = acc_now() + secs;

	while (acc_now() < end) {
		int i = (int)acc_rng_below(&r, FILES);
		uint64_t want, got = one_call(&r, i, &want);

		calls++;
		if (got == E(EFAULT))
			faults_seen++;
		if (!(got & want)) {
			fprintf(stderr, "call %llu (seed %#llx) on file %d: got "
				"%s, accepted mask %#llx\n",
				(unsigned long long)calls,
				(unsigned long long)seed, i,
				got == OK_BIT ? "success" :
				acc_errname(__builtin_ctzll(got)),
				(unsigned long long)want);
			FAIL("unexpected result in phase 1");
		}
	}
}

static void *phase2_thread(void *arg)
{
	struct acc_rng r = { (uint64_t)(uintptr_t)arg };
	/*
	 * EBADF: the file was just closed; ENOTTY: its number is, for a
	 * moment, another kind of file (reopening reads sysfs folders).
	 */
	const uint64_t accepted = OK_BIT | E(EINVAL) | E(ENOENT) | E(ENOSPC) |
				  E(EFAULT) | E(EIO) | E(ETIME) | E(EBADF) |
				  E(EINTR) | E(ENOTTY);

	setup_mem();
	while (!done) {
		uint64_t want, got;

		got = one_call(&r, (int)acc_rng_below(&r, FILES), &want);
		__atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);
		CHECK_MSG(got & accepted, "phase 2: %s",
			  acc_errname(__builtin_ctzll(got)));
	}
	return NULL;
}

int main(void)
{
	uint64_t seed = acc_seed("ACCELDEV_FUZZ_SEED");
	double secs = ACC_SETTING(5, 60);
	struct acc_rng r = { seed };
	int fds[ACCELDEV_MAX_CONTEXTS], low, n;
	pthread_t th[THREADS];
	double end;

	acc_accel_require(1);
	printf("accel_ioctl_fuzz: seed=%#llx\n", (unsigned long long)seed);
	low = acc_lowest_free_fd();
	setup_mem();
	for (int i = 0; i < FILES; i++)
		file_open(&files[i], i, &r);
	acc_watchdog((unsigned int)(4 * secs + 60), "the accel ioctl fuzzer");

	phase1(seed, secs);
	printf("accel_ioctl_fuzz: phase1 calls=%llu efault=%llu\n",
	       (unsigned long long)calls, (unsigned long long)faults_seen);

	/* Phase 2: calls from threads while files are closed and reopened. */
	for (uintptr_t t = 0; t < THREADS; t++)
		CHECK(pthread_create(&th[t], NULL, phase2_thread,
				     (void *)(seed + 1 + t)) == 0);
	end = acc_now() + secs;
	while (acc_now() < end) {
		int i = (int)acc_rng_below(&r, FILES);

		usleep(20 * 1000);
		/* Threads may still use the number: EBADF, or the new file. */
		CHECK(close(files[i].fd) == 0);
		file_open(&files[i], i, &r);
	}
	done = 1;
	for (int t = 0; t < THREADS; t++)
		CHECK(pthread_join(th[t], NULL) == 0);
	printf("accel_ioctl_fuzz: calls=%llu\n", (unsigned long long)calls);

	for (int i = 0; i < FILES; i++)
		CHECK(close(files[i].fd) == 0);
	CHECK_MSG(acc_lowest_free_fd() == low, "fd %d left open",
		  acc_lowest_free_fd() - 1);
	/* File 2's jobs may still run: its context comes back after them. */
	for (int tries = 0;; tries++) {
		for (n = 0; n < ACCELDEV_MAX_CONTEXTS; n++)
			if ((fds[n] = acc_accel_try_open(0)) < 0)
				break;
		for (int i = 0; i < n; i++)
			close(fds[i]);
		if (n == ACCELDEV_MAX_CONTEXTS)
			break;
		CHECK_MSG(tries < 100, "only %d accel files open after the "
			  "fuzzer", n);
		usleep(100 * 1000);
	}
	acc_accel_check_device_works(0);
	acc_watchdog(0, "");
	return 0;
}
