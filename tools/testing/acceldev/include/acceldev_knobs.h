/* SPDX-License-Identifier: GPL-2.0 */
/*
 * acceldev_knobs.h - settings of the bench's QEMU device model, changed
 * at run time by a test.
 *
 * Under tools/vmtest the model's test knobs (cmd-delay-us, queue-size,
 * free-off-by-one, feed-error-every, wedged: tools/qemu/README.md) are
 * QOM properties that the host sets through the monitor; a test asks for
 * that with vmtest-monitor (HMP qom-set). A test that changes one must
 * leave the device as it found it, also when it fails:
 *
 *	acc_knob_set(1, "cmd-delay-us", "40000");	on /dev/acceldev1
 *	acc_knob_set_all("feed-error-every", "29");	on every device
 *	ACC_DEVICE_KNOBS("queue-size=4,cmd-delay-us=50")
 *
 * The last, at file scope, sets the knobs (the syntax of the bench's
 * former "// vmtest: device-opts=" line) on every device before main()
 * runs, so before main()'s first declarations open anything.
 *
 * The first call makes the process a guardian: it forks, the child
 * returns from the call and runs the test, the parent waits for it, puts
 * back every knob changed since (the values qom-get read before the first
 * change of each), and exits with the child's status (or dies of the
 * signal that killed the child). A failed check, a crash or the
 * watchdog: the device is restored either way. So call it early in main,
 * before threads, other children or alarms exist. Later calls (in the
 * child) go through the same table, in shared memory.
 *
 * acc_setting_write(file, value) does the same for a file such as a module
 * parameter (no monitor needed). And a device that is missing when the
 * test ends, but was there at the first setting, is brought back once the
 * knobs are restored: with the monitor command acc_knobs_readd() left, if
 * the test removed it from QEMU (device_del), then a PCI rescan.
 *
 * Each change is also written, as a shell command, to the file named by
 * $VMTEST_RESTORE (the bench's init sets it); the guardian empties it
 * once it has restored everything. Should even the guardian die (the
 * bench's timeout kills with SIGKILL), the init runs what is left.
 *
 * When it takes effect (the model's rules): cmd-delay-us, feed-error-every
 * (counting restarts at the change) and wedged at once; queue-size and
 * free-off-by-one only while the device is stopped with an empty queue.
 * For those two the helper unbinds the device from the driver (whose
 * remove drains and stops it), sets the knob and binds the device again:
 * the driver's probe and its very first command see the new FREE, and the
 * device keeps its number. The same happens when they are restored.
 *
 * A setting is checked after it is made: qom-get must read the new value;
 * a cmd-delay-us of 10 ms to 1 s must also make a RUN on a fresh context
 * that slow (acc_check_device_slow()); acc_device_free() reads FREE from
 * the driver's debugfs, for tests of queue-size.
 *
 * The QEMU id of /dev/acceldevN is found from its PCI address in the
 * monitor's "info pci" (tests may have replaced the bench's acc0/acc1).
 *
 * Without vmtest-monitor (not under tools/vmtest, e.g. on a real device)
 * the test is skipped: "SKIP: ..." and exit 4 (kselftest's KSFT_SKIP).
 */
#ifndef ACCELDEV_KNOBS_H
#define ACCELDEV_KNOBS_H

#include <dirent.h>
#include <stdarg.h>

#include "acceldev_stress.h"

#define ACC_EXIT_KSFT_SKIP 4

#define ACC_KNOBS_MAX 16
#define ACC_DRIVER_DIR "/sys/bus/pci/drivers/" ACCELDEV_NAME

/*
 * One setting changed by this test, and its value before: a knob of one
 * device, or (file[0] set) a file such as a module parameter.
 */
struct acc_knob {
	int dev;
	char bdf[32];
	char qom[64];		/* /machine/peripheral/<id> */
	char name[32];
	char file[128];
	char old[64];
	bool rebind;		/* queue-size, free-off-by-one */
};

struct acc_knob_table {
	int n;
	int devices;		/* /dev/acceldevN nodes at the start */
	char readd[160];	/* acc_knobs_readd() */
	struct acc_knob k[ACC_KNOBS_MAX];
};

static struct acc_knob_table *acc_knobs;

/* True when the bench's monitor helper can be used (looked up once). */
static inline bool acc_have_monitor(void)
{
	static int have = -1;

	if (have < 0)
		have = getenv("VMTEST_MONITOR") &&
		       system("command -v vmtest-monitor >/dev/null 2>&1") == 0;
	return have;
}

/* Skip the test (exit 4) unless vmtest-monitor is there. */
static inline void acc_require_monitor(const char *why)
{
	if (acc_have_monitor())
		return;
	fprintf(stderr, "SKIP: no vmtest-monitor (not running under "
		"tools/vmtest): cannot %s\n", why);
	exit(ACC_EXIT_KSFT_SKIP);
}

/*
 * Run one HMP command through vmtest-monitor; its output (trailing white
 * space cut) goes to @out when non-NULL. Returns the helper's exit status
 * (0: QEMU accepted the command).
 */
static inline int acc_monitor(char *out, size_t len, const char *fmt, ...)
{
	char cmd[512], line[256];
	size_t used = 0;
	va_list ap;
	FILE *f;
	int st, n;

	n = snprintf(cmd, sizeof(cmd), "vmtest-monitor ");
	va_start(ap, fmt);
	vsnprintf(cmd + n, sizeof(cmd) - n, fmt, ap);
	va_end(ap);
	fflush(NULL);
	f = popen(cmd, "r");
	CHECK_MSG(f, "popen %s: %s", cmd, acc_errname(errno));
	if (out && len)
		out[0] = 0;
	while (fgets(line, sizeof(line), f)) {
		if (out && used + 1 < len) {
			snprintf(out + used, len - used, "%s", line);
			used = strlen(out);
		}
	}
	st = pclose(f);
	while (out && used && (out[used - 1] == '\n' || out[used - 1] == '\r' ||
			       out[used - 1] == ' '))
		out[--used] = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* One PCI function as QEMU's monitor lists it ("info pci"). */
struct acc_qemu_fn {
	unsigned int bus, slot;
	unsigned int secondary;	/* a bridge's bus behind it, else 0 */
	char id[32];		/* "" for a function created without one */
};

#define ACC_QEMU_FNS 64

/* The functions of the VM, bus by bus, from acc_monitor_pci(). */
struct acc_qemu_pci {
	int n;
	struct acc_qemu_fn fn[ACC_QEMU_FNS];
};

/*
 * Read the VM's PCI functions from the monitor's "info pci": a "Bus B,
 * device D, function 0:" line, then, for a bridge, a "secondary bus N."
 * line and, for a function created with an id, an 'id "NAME"' line.
 * Only function 0 of each slot is kept: Acceldev has one function.
 */
static inline void acc_monitor_pci(struct acc_qemu_pci *p)
{
	struct acc_qemu_fn *cur = NULL;
	unsigned int bus, slot, func, sec;
	char line[256], id[32];
	FILE *f;

	memset(p, 0, sizeof(*p));
	fflush(NULL);
	f = popen("vmtest-monitor info pci", "r");
	CHECK(f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " Bus %u, device %u, function %u:", &bus, &slot,
			   &func) == 3) {
			cur = NULL;
			if (func == 0 && p->n < ACC_QEMU_FNS) {
				cur = &p->fn[p->n++];
				cur->bus = bus;
				cur->slot = slot;
			}
		} else if (cur && sscanf(line, " secondary bus %u", &sec) == 1) {
			cur->secondary = sec;
		} else if (cur && sscanf(line, " id \"%31[^\"]\"", id) == 1) {
			snprintf(cur->id, sizeof(cur->id), "%s", id);
		}
	}
	CHECK_MSG(pclose(f) == 0, "vmtest-monitor info pci failed");
}

/* The function at @bus:@slot, or NULL. */
static inline struct acc_qemu_fn *acc_qemu_fn_at(struct acc_qemu_pci *p,
						 unsigned int bus,
						 unsigned int slot)
{
	for (int i = 0; i < p->n; i++)
		if (p->fn[i].bus == bus && p->fn[i].slot == slot)
			return &p->fn[i];
	return NULL;
}

/*
 * device_add's words for a new function at @bus:@slot: "addr=0x5" on the
 * root bus, "bus=rp1,addr=0x0" behind a bridge (q35's root ports) that
 * has an id. False if there is no such bridge.
 */
static inline bool acc_qemu_place(const struct acc_qemu_pci *p,
				  unsigned int bus, unsigned int slot,
				  char *out, size_t len)
{
	if (bus == 0) {
		snprintf(out, len, "addr=%#x", slot);
		return true;
	}
	for (int i = 0; i < p->n; i++)
		if (p->fn[i].secondary == bus && p->fn[i].id[0]) {
			snprintf(out, len, "bus=%s,addr=%#x", p->fn[i].id, slot);
			return true;
		}
	return false;
}

/* The bus and slot of a PCI address "dddd:bb:ss.f". */
static inline void acc_bdf_split(const char *bdf, unsigned int *bus,
				 unsigned int *slot)
{
	CHECK_MSG(sscanf(bdf, "%*x:%x:%x", bus, slot) == 2 && *bus < 256 &&
		  *slot < 32, "bad PCI address %s", bdf);
}

/*
 * True when the guest kernel has a hot-plug slot (acpiphp, pciehp) at the
 * PCI address @bdf: its /sys/bus/pci/slots entry has that "dddd:bb:ss".
 * Not so on q35's root bus, nor without a hot-plug driver.
 */
static inline bool acc_pci_hotpluggable(const char *bdf)
{
	DIR *d = opendir("/sys/bus/pci/slots");
	char path[PATH_MAX], addr[32], want[32];
	struct dirent *e;
	bool found = false;
	FILE *f;

	snprintf(want, sizeof(want), "%.*s", (int)(strcspn(bdf, ".")), bdf);
	while (d && !found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/slots/%s/address",
			 e->d_name);
		f = fopen(path, "r");
		if (f && fscanf(f, "%31s", addr) == 1)
			found = !strcmp(addr, want);
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return found;
}

/*
 * /dev/acceldevN's QEMU device: its PCI address, its QEMU id and QOM
 * path, and device_add's words to put a new one in its place (see
 * acc_qemu_place(); "" if there is none). The monitor is asked once per
 * process: call it before hot-plugging.
 */
struct acc_qemu_dev {
	char bdf[32];
	char id[32];
	char qom[64];		/* /machine/peripheral/<id> */
	char place[64];		/* "addr=0x5", "bus=rp1,addr=0x0" or "" */
};

static inline void acc_dev_qemu(int dev, struct acc_qemu_dev *q)
{
	static struct acc_qemu_pci pci;
	static bool have_pci;
	struct acc_qemu_fn *fn;
	unsigned int bus, slot;

	CHECK_MSG(acc_dev_bdf(dev, q->bdf, sizeof(q->bdf)), "/dev/acceldev%d: "
		  "no PCI device behind it", dev);
	acc_bdf_split(q->bdf, &bus, &slot);
	if (!have_pci)
		acc_monitor_pci(&pci);
	have_pci = true;
	fn = acc_qemu_fn_at(&pci, bus, slot);
	CHECK_MSG(fn && fn->id[0], "no QEMU id for the device at %s", q->bdf);
	snprintf(q->id, sizeof(q->id), "%s", fn->id);
	snprintf(q->qom, sizeof(q->qom), "/machine/peripheral/%s", fn->id);
	if (!acc_qemu_place(&pci, bus, slot, q->place, sizeof(q->place)))
		q->place[0] = 0;
}

/* The QOM path of /dev/acceldevN's QEMU device, and its PCI address. */
static inline void acc_dev_qom(int dev, char *qom, size_t qlen, char *bdf,
			       size_t blen)
{
	struct acc_qemu_dev q;

	acc_dev_qemu(dev, &q);
	snprintf(qom, qlen, "%s", q.qom);
	snprintf(bdf, blen, "%s", q.bdf);
}

/* Write @text to @path; false (errno set) on failure. */
static inline bool acc_try_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok;
}

/* How many of /dev/acceldev0, 1, ... exist (up to the first missing). */
static inline int acc_count_devices(void)
{
	char path[64];
	int n = 0;

	for (;; n++) {
		acc_dev_path(path, sizeof(path), n);
		if (access(path, F_OK) != 0)
			return n;
	}
}

/*
 * Set one knob, unbinding the device from the driver around it when
 * k->rebind (the model takes those only from a stopped, empty device).
 * Returns NULL, or what went wrong.
 */
static inline const char *acc_knob_apply(const struct acc_knob *k,
					 const char *value)
{
	static char err[600];
	char out[256], path[64];
	int st;

	if (k->file[0]) {
		if (acc_try_write_file(k->file, value))
			return NULL;
		snprintf(err, sizeof(err), "write %s to %s: %s", value,
			 k->file, acc_errname(errno));
		return err;
	}
	if (k->rebind && !acc_try_write_file(ACC_DRIVER_DIR "/unbind", k->bdf)) {
		snprintf(err, sizeof(err), "unbind %s: %s", k->bdf,
			 acc_errname(errno));
		return err;
	}
	st = acc_monitor(out, sizeof(out), "qom-set %s %s %s", k->qom,
			 k->name, value);
	if (k->rebind) {
		if (!acc_try_write_file(ACC_DRIVER_DIR "/bind", k->bdf)) {
			snprintf(err, sizeof(err), "bind %s: %s", k->bdf,
				 acc_errname(errno));
			return err;
		}
		acc_dev_path(path, sizeof(path), k->dev);
		if (!acc_wait_for_path(path, true, 20)) {
			snprintf(err, sizeof(err), "%s did not come back after "
				 "bind", path);
			return err;
		}
	}
	if (st != 0) {
		snprintf(err, sizeof(err), "qom-set %s %s %s: %s", k->qom,
			 k->name, value, out);
		return err;
	}
	st = acc_monitor(out, sizeof(out), "qom-get %s %s", k->qom, k->name);
	if (st != 0 || strcmp(out, value) != 0) {
		snprintf(err, sizeof(err), "%s %s reads \"%s\" after qom-set "
			 "%s", k->qom, k->name, out, value);
		return err;
	}
	return NULL;
}

/* The shell command that puts @k back, for $VMTEST_RESTORE. */
static inline void acc_knob_note_restore(const struct acc_knob *k)
{
	const char *file = getenv("VMTEST_RESTORE");
	FILE *f;

	if (!file || !*file || !(f = fopen(file, "a")))
		return;
	if (k->file[0]) {
		fprintf(f, "echo %s >%s\n", k->old, k->file);
		fclose(f);
		return;
	}
	if (k->rebind)
		fprintf(f, "echo %s >%s/unbind\n", k->bdf, ACC_DRIVER_DIR);
	fprintf(f, "vmtest-monitor qom-set %s %s %s\n", k->qom, k->name,
		k->old);
	if (k->rebind)
		fprintf(f, "echo %s >%s/bind\n", k->bdf, ACC_DRIVER_DIR);
	fclose(f);
}

/* The guardian: wait for the test, restore every knob, pass its status. */
static inline void acc_knobs_guard(pid_t child)
{
	const char *file = getenv("VMTEST_RESTORE");
	int st, code, failed = 0;

	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	while (waitpid(child, &st, 0) < 0)
		if (errno != EINTR)
			FAIL("waitpid: %s", acc_errname(errno));
	code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	for (int i = acc_knobs->n - 1; i >= 0; i--) {
		const struct acc_knob *k = &acc_knobs->k[i];
		const char *err = acc_knob_apply(k, k->old);

		if (err && k->file[0]) {
			fprintf(stderr, "FAIL: restoring %s to %s: %s\n",
				k->file, k->old, err);
			failed = 1;
		} else if (err) {
			fprintf(stderr, "FAIL: restoring %s of /dev/acceldev%d "
				"to %s: %s\n", k->name, k->dev, k->old, err);
			failed = 1;
		}
	}
	/* A device the test removed comes back (once it is fast again). */
	if (acc_count_devices() < acc_knobs->devices) {
		/* QEMU frees the id once the guest has ejected the old one. */
		for (int i = 0; acc_knobs->readd[0] && i < 60; i++) {
			if (acc_monitor(NULL, 0, "%s", acc_knobs->readd) == 0)
				break;
			usleep(500 * 1000);
		}
		acc_try_write_file("/sys/bus/pci/rescan", "1");
		for (int i = 0; i < 200 &&
		     acc_count_devices() < acc_knobs->devices; i++)
			usleep(100 * 1000);
		if (acc_count_devices() < acc_knobs->devices) {
			fprintf(stderr, "FAIL: %d of the %d devices there after "
				"a PCI rescan\n", acc_count_devices(),
				acc_knobs->devices);
			failed = 1;
		}
	}
	if (!failed && file && *file)
		unlink(file);
	fflush(NULL);
	if (WIFSIGNALED(st)) {
		/* Die the same way, so that the verdict names the signal. */
		signal(WTERMSIG(st), SIG_DFL);
		raise(WTERMSIG(st));
	}
	exit(code ? code : failed);
}

/*
 * CMD_MANUAL_FREE of /dev/acceldevN once it has stayed the same for 0.2 s
 * (the device idle), from the driver's debugfs "queue" file; -1 if there
 * is no such file or line.
 */
static inline long acc_device_free(int dev)
{
	char path[96], line[128];
	long room = -1, last = -2;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/acceldev/acceldev%d/"
		 "queue", dev);
	for (int i = 0; i < 50 && room != last; i++) {
		last = room;
		room = -1;
		f = fopen(path, "r");
		if (!f)
			return -1;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "CMD_MANUAL_FREE: %ld", &room) == 1)
				break;
		fclose(f);
		if (room < 0)
			return -1;
		usleep(200 * 1000);
	}
	return room;
}

/*
 * The driver's view of a slowed device: a RUN of one NOP and a user FENCE
 * on a fresh context takes at least @us (one device command's delay).
 * Fails the test when it comes back sooner: the setting is not in effect.
 */
static inline void acc_check_device_slow(int dev, unsigned long us)
{
	int ctx = acc_open(dev);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, 4096);
	double t0, dt;

	acc_put_fence(cmds, acc_put_nop(cmds, 0));
	t0 = acc_now();
	acc_run(ctx, code, 0, 2 * ACC_CMD_BYTES);
	acc_wait(ctx, 1);
	dt = acc_now() - t0;
	CHECK_MSG(dt >= us / 1e6, "/dev/acceldev%d should be slowed by %lu us "
		  "a command, but a RUN took only %.3f s", dev, us, dt);
	munmap(cmds, 4096);
	close(code);
	close(ctx);
}

/* Become the guardian at the first setting; later calls: nothing. */
static inline void acc_knobs_start(void)
{
	const char *file = getenv("VMTEST_RESTORE");
	pid_t pid;

	if (acc_knobs)
		return;
	acc_knobs = acc_shared(sizeof(*acc_knobs));
	acc_knobs->devices = acc_count_devices();
	if (file && *file)
		unlink(file);	/* nothing is left to restore yet */
	fflush(NULL);
	pid = fork();
	CHECK_MSG(pid >= 0, "fork: %s", acc_errname(errno));
	if (pid > 0)
		acc_knobs_guard(pid);
}

/* The table's entry for (@dev, @name) or file @file, NULL if none yet. */
static inline struct acc_knob *acc_knob_find(int dev, const char *name,
					     const char *file)
{
	for (int i = 0; i < acc_knobs->n; i++) {
		struct acc_knob *k = &acc_knobs->k[i];

		if (file ? !strcmp(k->file, file) :
		    !k->file[0] && k->dev == dev && !strcmp(k->name, name))
			return k;
	}
	return NULL;
}

/* A new entry; acc_knob_commit() once its old value is known. */
static inline struct acc_knob *acc_knob_new(void)
{
	struct acc_knob *k;

	CHECK_MSG(acc_knobs->n < ACC_KNOBS_MAX, "more than %d settings",
		  ACC_KNOBS_MAX);
	k = &acc_knobs->k[acc_knobs->n];
	memset(k, 0, sizeof(*k));
	return k;
}

static inline void acc_knob_commit(struct acc_knob *k)
{
	acc_knob_note_restore(k);
	acc_knobs->n++;		/* the guardian restores it from now on */
}

/*
 * Set knob @name of /dev/acceldev@dev to @value (as HMP qom-set takes
 * it: a number, or true/false) and check that it is in effect; it is
 * restored when the test ends (see the top). Skips the test without the
 * bench's monitor.
 */
static inline void acc_knob_set(int dev, const char *name, const char *value)
{
	struct acc_knob *k;
	const char *err;
	char out[64];

	acc_require_monitor("change the device model's settings");
	acc_knobs_start();
	k = acc_knob_find(dev, name, NULL);
	if (!k) {
		k = acc_knob_new();
		k->dev = dev;
		snprintf(k->name, sizeof(k->name), "%s", name);
		k->rebind = !strcmp(name, "queue-size") ||
			    !strcmp(name, "free-off-by-one");
		acc_dev_qom(dev, k->qom, sizeof(k->qom), k->bdf,
			    sizeof(k->bdf));
		CHECK_MSG(acc_monitor(out, sizeof(out), "qom-get %s %s", k->qom,
				      name) == 0, "qom-get %s %s: %s", k->qom,
			  name, out);
		snprintf(k->old, sizeof(k->old), "%s", out);
		acc_knob_commit(k);
	}
	err = acc_knob_apply(k, value);
	CHECK_MSG(!err, "setting %s of /dev/acceldev%d to %s: %s", name, dev,
		  value, err);
	printf("device model: /dev/acceldev%d (%s) %s=%s (was %s)\n", dev,
	       k->qom, name, value, k->old);
	/* Seen from the driver too (long delays would cost too much). */
	if (!strcmp(name, "cmd-delay-us") && strtoul(value, NULL, 0) >= 10000 &&
	    strtoul(value, NULL, 0) <= 1000000)
		acc_check_device_slow(dev, strtoul(value, NULL, 0));
}

/*
 * @hmp, e.g. "device_add acceldev,id=acc1,addr=0x5", puts back the QEMU
 * device of /dev/acceldev@dev, which the test is about to remove from the
 * VM: if a device is missing when the test ends, the guardian runs it
 * (retrying for 30 s) before its PCI rescan.
 */
static inline void acc_knobs_readd(int dev, const char *hmp)
{
	const char *file = getenv("VMTEST_RESTORE");
	FILE *f;

	acc_knobs_start();
	snprintf(acc_knobs->readd, sizeof(acc_knobs->readd), "%s", hmp);
	if (file && *file && (f = fopen(file, "a"))) {
		fprintf(f, "[ -e /dev/acceldev%d ] || vmtest-monitor %s\n", dev,
			hmp);
		fclose(f);
	}
}

/*
 * A file listing choices, the one in effect in brackets ("[none] core
 * ...", "s2idle [deep]"), is written the chosen word: keep that one.
 */
static inline void acc_setting_chosen(char *old)
{
	char *open = strchr(old, '['), *close = open ? strchr(open, ']') : NULL;

	if (!close)
		return;
	*close = 0;
	memmove(old, open + 1, strlen(open + 1) + 1);
}

/*
 * Write @value to @file (e.g. a module parameter in /sys/module, or a
 * choice such as /sys/power/pm_test); its content before (the bracketed
 * choice) is written back when the test ends, like a knob's.
 */
static inline void acc_setting_write(const char *file, const char *value)
{
	struct acc_knob *k;
	FILE *f;

	acc_knobs_start();
	k = acc_knob_find(0, NULL, file);
	if (!k) {
		k = acc_knob_new();
		snprintf(k->file, sizeof(k->file), "%s", file);
		f = fopen(file, "r");
		CHECK_MSG(f, "open %s: %s", file, acc_errname(errno));
		CHECK_MSG(fgets(k->old, sizeof(k->old), f), "read %s", file);
		fclose(f);
		k->old[strcspn(k->old, "\n")] = 0;
		acc_setting_chosen(k->old);
		acc_knob_commit(k);
	}
	acc_write_file(file, value);
}

/*
 * For a backlog of runs in the driver: /dev/acceldev@dev gets 4 queue
 * entries and @delay_us (a string, as qom-set takes it) per command; the
 * result is a new context on it, and *@code a 4 KiB code buffer of that
 * context holding a NOP and a FENCE (a RUN of one command at 0 is a NOP,
 * of two a NOP and a FENCE).
 */
static inline int acc_backlog_context(int dev, const char *delay_us,
				      int *code)
{
	uint32_t *c;
	int ctx;

	acc_knob_set(dev, "queue-size", "4");
	acc_knob_set(dev, "cmd-delay-us", delay_us);
	ctx = acc_open(dev);
	*code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	c = acc_map(*code, 4096);
	acc_put_fence(c, acc_put_nop(c, 0));
	munmap(c, 4096);
	return ctx;
}

/* The same knob on every device, /dev/acceldev0 up to the first missing. */
static inline void acc_knob_set_all(const char *name, const char *value)
{
	char path[64];

	acc_dev_path(path, sizeof(path), 0);
	if (access(path, F_OK) != 0)
		SKIP("%s does not exist", path);
	for (int dev = 0; dev < 32; dev++) {
		acc_dev_path(path, sizeof(path), dev);
		if (access(path, F_OK) != 0)
			break;
		acc_knob_set(dev, name, value);
	}
}

/* "name=value,name=value" on every device; on/off are true/false. */
static inline void acc_knob_set_spec(const char *spec)
{
	char buf[256], *item, *save = NULL, *eq;
	const char *value;

	snprintf(buf, sizeof(buf), "%s", spec);
	for (item = strtok_r(buf, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		eq = strchr(item, '=');
		CHECK_MSG(eq, "knob setting \"%s\" has no '='", item);
		*eq = 0;
		value = eq + 1;
		if (!strcmp(value, "on") || !strcmp(value, "yes"))
			value = "true";
		else if (!strcmp(value, "off") || !strcmp(value, "no"))
			value = "false";
		acc_knob_set_all(item, value);
	}
}

/* Set knobs (acc_knob_set_spec()) on every device before main() runs. */
#define ACC_DEVICE_KNOBS(spec)						\
	static void __attribute__((constructor)) acc_device_knobs(void)	\
	{								\
		acc_knob_set_spec(spec);				\
	}

#endif /* ACCELDEV_KNOBS_H */
