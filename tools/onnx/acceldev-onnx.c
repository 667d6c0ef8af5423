// SPDX-License-Identifier: GPL-2.0
/*
 * acceldev-onnx - run an ONNX model with the Acceldev EP (the CPU EP for
 * the rest); see README.md.
 *
 *   acceldev-onnx --list-devices [--simulate] [--ep LIB]
 *   acceldev-onnx [--device N | --simulate] [--compare] [--bench] [--ep LIB]
 *                 [--option KEY=VALUE]... [--log-level LEVEL] [--explain] [--compile FILE]
 *                 [--expect NAME=FILE.pb]... [--acceldev NODE]... [--cpu NODE]...
 *                 [--threads T] [--runs R] [--device2 M] [--remove-device CMD]
 *                 [--fail-then CMD] MODEL [--input NAME=FILE.pb ...]
 *
 * Exit status: 0 when everything asked for held, 1 when a check failed
 * or ORT reported an error, 2 on usage errors.
 */
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <onnxruntime_c_api.h>

#include "acceldev_ep_stats.h"
#include "tensorproto.h"

#define EP_NAME "Acceldev"
#define MAX_IO 32
#define MAX_LIST 64

static const OrtApi *ort;

struct opts {
	int device;
	bool simulate;		/* the EP's virtual device (allow_virtual_devices) */
	bool compare, bench;
	bool profile;		/* --profile: ORT's profiler on the Acceldev session */
	bool list;		/* --list-devices: ORT's hardware devices and the EP's */
	const char *ep_keys[MAX_LIST], *ep_vals[MAX_LIST];	/* --option */
	int nep_opts;
	OrtLoggingLevel log_level;
	const char *compile;	/* --compile: the EPContext model to write */
	const char *fail_then;	/* --fail-then CMD */
	const char *ep_lib, *model;
	const char *inputs[MAX_IO], *expects[MAX_IO];	/* NAME=FILE (or FILE) */
	int ninputs, nexpects;
	const char *on_acc[MAX_LIST], *on_cpu[MAX_LIST];
	int non_acc, non_cpu;
	int threads, runs;
	int device2;		/* >= 0: a second session, on this device */
	const char *remove_cmd;
	char *named[2 * MAX_IO];	/* "NAME=FILE" strings made by name_files */
	int nnamed;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: acceldev-onnx --list-devices [--simulate] [--ep LIB]\n"
		"       acceldev-onnx [--device N | --simulate] [--compare] [--bench] [--profile]\n"
		"                     [--ep LIB]\n"
		"                     [--option KEY=VALUE]... [--log-level LEVEL] [--explain]\n"
		"                     [--compile FILE]\n"
		"                     [--expect NAME=FILE.pb]... [--acceldev NODE]... [--cpu NODE]...\n"
		"                     [--threads T] [--runs R] [--device2 M] [--remove-device CMD]\n"
		"                     [--fail-then CMD] MODEL [--input NAME=FILE.pb ...]\n");
	exit(2);
}

/* ORT status: print it, return true if it was an error */
static bool failed(OrtStatus *st, const char *what)
{
	if (!st)
		return false;
	fprintf(stderr, "acceldev-onnx: %s: %s\n", what, ort->GetErrorMessage(st));
	ort->ReleaseStatus(st);
	return true;
}

static void ort_ignore(OrtStatus *st)
{
	if (st)
		ort->ReleaseStatus(st);
}

#define CHECK(call, what)                          \
	do {                                       \
		if (failed((call), (what)))        \
			exit(1);                   \
	} while (0)

/*
 * ONNX Runtime's messages, one plain line each on stderr: its default
 * sink colours warnings with terminal escape codes.
 */
static bool explain;	/* --explain: of the messages below WARNING, only the EP's */

static void ORT_API_CALL log_line(void *param, OrtLoggingLevel severity, const char *category,
				  const char *logid, const char *where, const char *message)
{
	static const char levels[] = "VIWEF";

	(void)param;
	(void)category;
	(void)logid;
	if (explain && severity < ORT_LOGGING_LEVEL_WARNING) {
		if (!strncmp(message, "Acceldev: ", 10))
			printf("%s\n", message);
		return;
	}
	fprintf(stderr, "onnxruntime %c: %s (%s)\n",
		severity >= 0 && severity <= ORT_LOGGING_LEVEL_FATAL ? levels[severity] : '?',
		message, where);
}

static const char *default_ep_lib(void)
{
	static char path[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return "libacceldev_ep.so";
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (slash)
		*slash = 0;
	snprintf(path, sizeof(path), "%.*s/../lib/libacceldev_ep.so", PATH_MAX - 32, exe);
	return path;
}

/* "FILE.pb" without "NAME=": the name is the TensorProto's own */
static void name_files(struct opts *o, const char **list, int n)
{
	char err[512];
	int i;

	for (i = 0; i < n; i++) {
		struct tensor t;
		char *s;

		if (strchr(list[i], '=') || !strstr(list[i], ".pb"))
			continue;
		if (tensor_read(list[i], &t, err, sizeof(err))) {
			fprintf(stderr, "acceldev-onnx: %s\n", err);
			exit(1);
		}
		s = malloc(strlen(t.name) + strlen(list[i]) + 2);
		if (!s)
			exit(1);
		sprintf(s, "%s=%s", t.name, list[i]);
		list[i] = s;
		o->named[o->nnamed++] = s;
		tensor_free(&t);
	}
}

/* "KEY=VALUE" of --option (KEY without ep.acceldev.: ORT adds it) */
static void add_ep_option(struct opts *o, char *kv)
{
	char *eq = strchr(kv, '=');
	int i;

	if (!eq || eq == kv || o->nep_opts >= MAX_LIST)
		usage();
	*eq = 0;
	for (i = 0; i < o->nep_opts; i++) {	/* the last one given wins */
		if (!strcmp(o->ep_keys[i], kv)) {
			o->ep_vals[i] = eq + 1;
			return;
		}
	}
	o->ep_keys[o->nep_opts] = kv;
	o->ep_vals[o->nep_opts++] = eq + 1;
}

static OrtLoggingLevel log_level(const char *name)
{
	static const char *const names[] = { "verbose", "info", "warning", "error", "fatal" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return (OrtLoggingLevel)i;
	usage();
	return ORT_LOGGING_LEVEL_WARNING;
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->threads = 1;
	o->runs = 1;
	o->device2 = -1;
	o->log_level = ORT_LOGGING_LEVEL_WARNING;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;

		if (!strcmp(a, "--device") && more)
			o->device = atoi(argv[++i]);
		else if (!strcmp(a, "--simulate"))
			o->simulate = true;
		else if (!strcmp(a, "--option") && more)
			add_ep_option(o, argv[++i]);
		else if (!strcmp(a, "--log-level") && more)
			o->log_level = log_level(argv[++i]);
		else if (!strcmp(a, "--explain"))
			explain = true;
		else if (!strcmp(a, "--compile") && more)
			o->compile = argv[++i];
		else if (!strcmp(a, "--fail-then") && more)
			o->fail_then = argv[++i];
		else if (!strcmp(a, "--compare"))
			o->compare = true;
		else if (!strcmp(a, "--profile"))
			o->profile = true;
		else if (!strcmp(a, "--bench"))
			o->bench = true;
		else if (!strcmp(a, "--list-devices"))
			o->list = true;
		else if (!strcmp(a, "--ep") && more)
			o->ep_lib = argv[++i];
		else if (!strcmp(a, "--input") && more && o->ninputs < MAX_IO)
			o->inputs[o->ninputs++] = argv[++i];
		else if (!strcmp(a, "--expect") && more && o->nexpects < MAX_IO)
			o->expects[o->nexpects++] = argv[++i];
		else if (!strcmp(a, "--acceldev") && more && o->non_acc < MAX_LIST)
			o->on_acc[o->non_acc++] = argv[++i];
		else if (!strcmp(a, "--cpu") && more && o->non_cpu < MAX_LIST)
			o->on_cpu[o->non_cpu++] = argv[++i];
		else if (!strcmp(a, "--threads") && more)
			o->threads = atoi(argv[++i]);
		else if (!strcmp(a, "--runs") && more)
			o->runs = atoi(argv[++i]);
		else if (!strcmp(a, "--device2") && more)
			o->device2 = atoi(argv[++i]);
		else if (!strcmp(a, "--remove-device") && more)
			o->remove_cmd = argv[++i];
		else if (a[0] == '-' || o->model)
			usage();
		else
			o->model = a;
	}
	if (!o->model == !o->list || o->threads < 1 || o->runs < 1 || o->threads > 256)
		usage();
	name_files(o, o->inputs, o->ninputs);
	name_files(o, o->expects, o->nexpects);
	if (!o->ep_lib)
		o->ep_lib = getenv("ACCELDEV_EP_LIB");
	if (!o->ep_lib)
		o->ep_lib = default_ep_lib();
}

/* "NAME=FILE" of list whose NAME is name, or NULL */
static const char *find_file(const char *const *list, int n, const char *name)
{
	size_t len = strlen(name);
	int i;

	for (i = 0; i < n; i++)
		if (!strncmp(list[i], name, len) && list[i][len] == '=')
			return list[i] + len + 1;
	return NULL;
}

/* the EP device of /dev/acceldevN (index N), or the virtual one (-1) */
static const OrtEpDevice *find_ep_device(OrtEnv *env, int index)
{
	const OrtEpDevice *const *devs;
	size_t n, i;
	char want[16];

	if (index < 0)
		snprintf(want, sizeof(want), "virtual");
	else
		snprintf(want, sizeof(want), "%d", index);
	CHECK(ort->GetEpDevices(env, &devs, &n), "GetEpDevices");
	for (i = 0; i < n; i++) {
		const char *idx;

		if (strcmp(ort->EpDevice_EpName(devs[i]), EP_NAME))
			continue;
		idx = ort->GetKeyValue(ort->EpDevice_EpMetadata(devs[i]), "acceldev.index");
		if (idx && !strcmp(idx, want)) {
			const OrtKeyValuePairs *hw =
				ort->HardwareDevice_Metadata(ort->EpDevice_Device(devs[i]));
			const char *pci = ort->GetKeyValue(hw, "pci_bus_id");
			const char *from = ort->GetKeyValue(ort->EpDevice_EpMetadata(devs[i]),
							    "acceldev.hardware_device");

			printf("device: %s%s (NPU %04x:%04x, PCI %s, hardware device %s)\n",
			       index < 0 ? "" : "/dev/acceldev", want,
			       ort->HardwareDevice_VendorId(ort->EpDevice_Device(devs[i])),
			       ort->HardwareDevice_DeviceId(ort->EpDevice_Device(devs[i])),
			       pci ? pci : "?", from && !strcmp(from, "ort") ? "ORT's" : "the EP's");
			return devs[i];
		}
	}
	return NULL;
}

static const char *device_type(const OrtHardwareDevice *hw)
{
	switch (ort->HardwareDevice_Type(hw)) {
	case OrtHardwareDeviceType_CPU:
		return "CPU";
	case OrtHardwareDeviceType_GPU:
		return "GPU";
	case OrtHardwareDeviceType_NPU:
		return "NPU";
	}
	return "?";
}

/* " key=value" for each pair, sorted by key (ORT's order is a hash's) */
static void print_pairs(const OrtKeyValuePairs *kv)
{
	const char *const *keys, *const *values;
	size_t n = 0, i, j;
	size_t order[64];

	if (kv)
		ort->GetKeyValuePairs(kv, &keys, &values, &n);
	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = 1; i < n; i++)	/* insertion sort of a handful */
		for (j = i; j > 0 && strcmp(keys[order[j - 1]], keys[order[j]]) > 0; j--) {
			size_t t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (i = 0; i < n; i++)
		printf(" %s=%s", keys[order[i]], values[order[i]]);
	printf("\n");
}

/*
 * --list-devices: what ORT's discovery found (GetHardwareDevices), one
 * line each, then every Acceldev EP device and whose hardware device it
 * is ("ort #K": the same object as ORT's K-th; "made up": not ORT's).
 */
static int list_devices(OrtEnv *env)
{
	const OrtHardwareDevice *hws[64];
	const OrtEpDevice *const *devs;
	size_t nhw = 0, n, i, k;

	CHECK(ort->GetNumHardwareDevices(env, &nhw), "GetNumHardwareDevices");
	if (nhw > 64)
		nhw = 64;
	CHECK(ort->GetHardwareDevices(env, hws, nhw), "GetHardwareDevices");
	printf("ORT hardware devices: %zu\n", nhw);
	for (i = 0; i < nhw; i++) {
		printf("ort #%zu: %s vendor_id=0x%04x device_id=0x%04x vendor=\"%s\" metadata:", i,
		       device_type(hws[i]), ort->HardwareDevice_VendorId(hws[i]),
		       ort->HardwareDevice_DeviceId(hws[i]), ort->HardwareDevice_Vendor(hws[i]));
		print_pairs(ort->HardwareDevice_Metadata(hws[i]));
	}
	CHECK(ort->GetEpDevices(env, &devs, &n), "GetEpDevices");
	for (i = 0; i < n; i++) {
		const OrtHardwareDevice *hw = ort->EpDevice_Device(devs[i]);

		if (strcmp(ort->EpDevice_EpName(devs[i]), EP_NAME))
			continue;
		for (k = 0; k < nhw && hws[k] != hw; k++)
			;
		printf("ep device: hardware ");
		if (k < nhw)
			printf("ort #%zu", k);
		else
			printf("made up");
		printf(" %s vendor_id=0x%04x device_id=0x%04x ep_metadata:", device_type(hw),
		       ort->HardwareDevice_VendorId(hw), ort->HardwareDevice_DeviceId(hw));
		print_pairs(ort->EpDevice_EpMetadata(devs[i]));
		printf("    hardware metadata:");
		print_pairs(ort->HardwareDevice_Metadata(hw));
	}
	return 0;
}

/*
 * A session on o->model (or model): with the Acceldev EP on dev and the
 * --option values, or CPU only (dev NULL); compile: also write the
 * EPContext model there (ep.context_enable).
 */
static OrtSession *make_session(OrtEnv *env, const struct opts *o, const OrtEpDevice *dev,
				bool profile, const char *prefix, const char *model,
				const char *compile)
{
	OrtSessionOptions *so;
	OrtSession *s = NULL;
	OrtStatus *st;

	CHECK(ort->CreateSessionOptions(&so), "CreateSessionOptions");
	CHECK(ort->AddSessionConfigEntry(so, "session.record_ep_graph_assignment_info", "1"),
	      "session options");
	if (compile) {
		CHECK(ort->AddSessionConfigEntry(so, "ep.context_enable", "1"), "session options");
		CHECK(ort->AddSessionConfigEntry(so, "ep.context_file_path", compile),
		      "session options");
		CHECK(ort->AddSessionConfigEntry(so, "ep.context_embed_mode", "1"),
		      "session options");
	}
	if (profile)
		CHECK(ort->EnableProfiling(so, prefix), "EnableProfiling");
	if (dev)
		CHECK(ort->SessionOptionsAppendExecutionProvider_V2(so, env, &dev, 1, o->ep_keys,
								    o->ep_vals,
								    (size_t)o->nep_opts),
		      "adding the Acceldev EP");
	st = ort->CreateSession(env, model ? model : o->model, so, &s);
	ort->ReleaseSessionOptions(so);
	if (failed(st, "cannot create the session"))
		exit(1);
	return s;
}

/* calls fn for every node ORT assigned, with its EP's name */
static void for_each_assigned(OrtSession *s,
			      void (*fn)(void *arg, const char *ep, const char *name,
					 const char *type),
			      void *arg)
{
	const OrtEpAssignedSubgraph *const *subs;
	size_t nsubs, i, j;

	CHECK(ort->Session_GetEpGraphAssignmentInfo(s, &subs, &nsubs), "assignment info");
	for (i = 0; i < nsubs; i++) {
		const OrtEpAssignedNode *const *nodes;
		const char *ep, *name, *type;
		size_t nn;

		CHECK(ort->EpAssignedSubgraph_GetEpName(subs[i], &ep), "assignment info");
		CHECK(ort->EpAssignedSubgraph_GetNodes(subs[i], &nodes, &nn), "assignment info");
		for (j = 0; j < nn; j++) {
			CHECK(ort->EpAssignedNode_GetName(nodes[j], &name), "assignment info");
			CHECK(ort->EpAssignedNode_GetOperatorType(nodes[j], &type), "assignment info");
			fn(arg, ep, name, type);
		}
	}
}

/* "NAME" and "op:TYPE" of the nodes on Acceldev */
struct on_acc {
	char names[MAX_LIST * 2][128];
	int n;
};

static void show_node(void *arg, const char *ep, const char *name, const char *type)
{
	struct on_acc *acc = arg;
	bool on = !strcmp(ep, EP_NAME);

	printf("node %s (%s): %s\n", name, type, on ? "Acceldev" : ep);
	if (on && acc->n + 2 <= (int)(sizeof(acc->names) / sizeof(acc->names[0]))) {
		snprintf(acc->names[acc->n++], sizeof(acc->names[0]), "%s", name);
		snprintf(acc->names[acc->n++], sizeof(acc->names[0]), "op:%s", type);
	}
}

static bool is_on_acc(const struct on_acc *acc, const char *name)
{
	int m;

	for (m = 0; m < acc->n; m++)
		if (!strcmp(acc->names[m], name))
			return true;
	return false;
}

/* prints the assignment; checks --acceldev/--cpu; returns failures */
static int show_assignment(OrtSession *s, const struct opts *o)
{
	struct on_acc acc = { .n = 0 };
	int fails = 0, k;

	for_each_assigned(s, show_node, &acc);
	for (k = 0; k < o->non_acc; k++) {
		if (!is_on_acc(&acc, o->on_acc[k])) {
			printf("CHECK FAILED: node %s is not on Acceldev\n", o->on_acc[k]);
			fails++;
		}
	}
	for (k = 0; k < o->non_cpu; k++) {
		if (is_on_acc(&acc, o->on_cpu[k])) {
			printf("CHECK FAILED: node %s is on Acceldev, not the CPU EP\n", o->on_cpu[k]);
			fails++;
		}
	}
	return fails;
}

struct io {
	size_t nin, nout;
	char *in_names[MAX_IO], *out_names[MAX_IO];
	OrtValue *in[MAX_IO];
	struct tensor in_t[MAX_IO];
};

static void load_inputs(OrtSession *s, const struct opts *o, struct io *io)
{
	OrtAllocator *alloc;
	OrtMemoryInfo *mi;
	size_t i;
	char err[512];

	CHECK(ort->GetAllocatorWithDefaultOptions(&alloc), "allocator");
	CHECK(ort->CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &mi), "memory info");
	CHECK(ort->SessionGetInputCount(s, &io->nin), "inputs");
	CHECK(ort->SessionGetOutputCount(s, &io->nout), "outputs");
	if (io->nin > MAX_IO || io->nout > MAX_IO) {
		fprintf(stderr, "acceldev-onnx: too many inputs or outputs\n");
		exit(1);
	}
	for (i = 0; i < io->nout; i++)
		CHECK(ort->SessionGetOutputName(s, i, alloc, &io->out_names[i]), "outputs");
	for (i = 0; i < io->nin; i++) {
		const char *file;
		struct tensor *t = &io->in_t[i];

		CHECK(ort->SessionGetInputName(s, i, alloc, &io->in_names[i]), "inputs");
		file = find_file(o->inputs, o->ninputs, io->in_names[i]);
		if (!file) {
			fprintf(stderr, "acceldev-onnx: no --input %s=FILE.pb\n", io->in_names[i]);
			exit(2);
		}
		if (tensor_read(file, t, err, sizeof(err))) {
			fprintf(stderr, "acceldev-onnx: %s\n", err);
			exit(1);
		}
		CHECK(ort->CreateTensorWithDataAsOrtValue(mi, t->data, t->count * t->elem_size,
							  t->dims, t->rank, t->type, &io->in[i]),
		      "input tensor");
	}
	ort->ReleaseMemoryInfo(mi);
}

static void free_io(struct io *io)
{
	OrtAllocator *alloc;
	size_t i;

	CHECK(ort->GetAllocatorWithDefaultOptions(&alloc), "allocator");
	for (i = 0; i < io->nin; i++) {
		ort->ReleaseValue(io->in[i]);
		tensor_free(&io->in_t[i]);
		ort_ignore(ort->AllocatorFree(alloc, io->in_names[i]));
	}
	for (i = 0; i < io->nout; i++)
		ort_ignore(ort->AllocatorFree(alloc, io->out_names[i]));
}

/* run once; outputs into out[] (NULL first). Returns 0 or -1 (printed). */
static int run_once(OrtSession *s, struct io *io, OrtValue **out)
{
	OrtStatus *st;
	size_t i;

	for (i = 0; i < io->nout; i++)
		out[i] = NULL;
	st = ort->Run(s, NULL, (const char *const *)io->in_names, (const OrtValue *const *)io->in,
		      io->nin, (const char *const *)io->out_names, io->nout, out);
	return failed(st, "Run failed") ? -1 : 0;
}

static void release_outputs(struct io *io, OrtValue **out)
{
	size_t i;

	for (i = 0; i < io->nout; i++)
		if (out[i])
			ort->ReleaseValue(out[i]);
}

/* type, shape and bytes of an output */
static void out_info(OrtValue *v, ONNXTensorElementDataType *type, const int64_t **shape,
		     size_t *rank, const uint8_t **data, size_t *bytes)
{
	const void *d;

	CHECK(ort->GetTensorElementTypeAndShapeDataReference(v, type, shape, rank), "output");
	CHECK(ort->GetTensorData(v, &d), "output");
	*data = d;
	*bytes = tensor_elem_size(*type);
	for (size_t i = 0; i < *rank; i++)
		*bytes *= (size_t)(*shape)[i];
}

static void print_shape(const char *name, OrtValue *v)
{
	ONNXTensorElementDataType type;
	const int64_t *shape;
	const uint8_t *data;
	size_t rank, bytes, i;

	out_info(v, &type, &shape, &rank, &data, &bytes);
	printf("output %s: %s [", name, tensor_type_name(type));
	for (i = 0; i < rank; i++)
		printf("%s%" PRId64, i ? ", " : "", shape[i]);
	printf("] (%zu bytes)\n", bytes);
}

/* element-wise, exact: returns 0 if equal */
static int compare(const char *what, const char *name, OrtValue *v, int etype,
		   const int64_t *eshape, size_t erank, const uint8_t *edata)
{
	ONNXTensorElementDataType type;
	const int64_t *shape;
	const uint8_t *data;
	size_t rank, bytes, es, i, n;

	out_info(v, &type, &shape, &rank, &data, &bytes);
	if ((int)type != etype || rank != erank ||
	    (rank && memcmp(shape, eshape, rank * sizeof(*shape)))) {
		printf("%s %s: DIFFERENT type or shape\n", what, name);
		return 1;
	}
	es = tensor_elem_size(type);
	n = es ? bytes / es : 0;
	for (i = 0; i < n; i++) {
		if (memcmp(data + i * es, edata + i * es, es)) {
			uint64_t a = 0, b = 0;

			memcpy(&a, data + i * es, es);
			memcpy(&b, edata + i * es, es);
			printf("%s %s: DIFFERENT at element %zu of %zu: 0x%" PRIx64 " != 0x%" PRIx64
			       "\n", what, name, i, n, a, b);
			return 1;
		}
	}
	printf("%s %s: %zu elements equal\n", what, name, n);
	return 0;
}

struct worker {
	pthread_t tid;
	OrtSession *s;
	struct io *io;
	int runs, failures;
	OrtValue *ref[MAX_IO];	/* compare every run with this */
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	OrtValue *out[MAX_IO];
	int r;
	size_t i;

	for (r = 0; r < w->runs; r++) {
		if (run_once(w->s, w->io, out)) {
			w->failures++;
			continue;
		}
		for (i = 0; i < w->io->nout; i++) {
			ONNXTensorElementDataType t;
			const int64_t *sh;
			const uint8_t *d, *rd;
			size_t rank, bytes, rbytes;

			out_info(out[i], &t, &sh, &rank, &d, &bytes);
			out_info(w->ref[i], &t, &sh, &rank, &rd, &rbytes);
			if (bytes != rbytes || memcmp(d, rd, bytes))
				w->failures++;
		}
		release_outputs(w->io, out);
	}
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* a whole file, NUL-terminated (NULL if it cannot be read) */
static char *slurp(const char *file, long *size)
{
	FILE *f = fopen(file, "r");
	char *buf;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*size = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = *size >= 0 ? calloc(1, (size_t)*size + 1) : NULL;
	if (buf && fread(buf, 1, (size_t)*size, f) != (size_t)*size) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/*
 * CPU EP per-node kernel times from ORT's profile (JSON): the "Node"
 * events are "NAME_kernel_time" with a "dur" in microseconds. The first
 * one (the warm-up run) is not counted.
 */
static void cpu_profile_times(const char *file, const char *node, double *us, int *calls)
{
	char *buf, *p;
	long size;
	char want[300];
	int seen = 0;

	*us = 0;
	*calls = 0;
	buf = slurp(file, &size);
	if (!buf)
		return;
	snprintf(want, sizeof(want), "\"%s_kernel_time\"", node);
	for (p = strstr(buf, want); p; p = strstr(p + 1, want)) {
		char *obj = p, *dur;

		while (obj > buf && *obj != '{')	/* the event's start */
			obj--;
		dur = strstr(obj, "\"dur\"");
		if (dur && dur < p) {
			dur = strchr(dur, ':');
			if (dur && seen++) {
				*us += strtod(dur + 1, NULL);
				(*calls)++;
			}
		}
	}
	free(buf);
}

/* a JSON string field "KEY" : "VALUE" of the event at [p, end) into out */
static void event_field(const char *p, const char *end, const char *key, char *out, size_t len)
{
	char want[64];
	const char *v, *q;

	snprintf(out, len, "?");
	snprintf(want, sizeof(want), "\"%s\"", key);
	v = strstr(p, want);
	if (!v || v > end)
		return;
	v += strlen(want);
	v += strspn(v, " :");
	if (*v++ != '"')
		return;
	q = strchr(v, '"');
	if (q && (size_t)(q - v) < len)
		snprintf(out, len, "%.*s", (int)(q - v), v);
}

/*
 * --profile: the node events of ORT's profile of the Acceldev session,
 * once per node: "profile: NAME (OP_NAME) on PROVIDER" (ORT names the
 * events NAME_kernel_time after the node it ran).
 */
static void print_profile(const char *file)
{
	char *buf, *p, seen[MAX_LIST][128];
	int nseen = 0, i;
	long size;

	buf = slurp(file, &size);
	if (!buf)
		return;
	for (p = strstr(buf, "_kernel_time\""); p; p = strstr(p + 1, "_kernel_time\"")) {
		char *start = p, *end = strstr(p, "\"cat\"");	/* the next event */
		char name[128], op[64], provider[64];

		while (start > buf && *start != '"')
			start--;
		snprintf(name, sizeof(name), "%.*s", (int)(p - start - 1), start + 1);
		for (i = 0; i < nseen && strcmp(seen[i], name); i++)
			;
		if (i < nseen || nseen == MAX_LIST)
			continue;
		if (!end)
			end = buf + size;
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
		event_field(p, end, "op_name", op, sizeof(op));
		event_field(p, end, "provider", provider, sizeof(provider));
		printf("profile: %s (%s) on %s\n", name, op, provider);
	}
	free(buf);
}

/* seconds for runs Runs, or -1 if one failed */
static double timed_runs(OrtSession *s, struct io *io, int runs)
{
	OrtValue *out[MAX_IO];
	double t0 = now_s();
	int r;

	for (r = 0; r < runs; r++) {
		if (run_once(s, io, out))
			return -1;
		release_outputs(io, out);
	}
	return now_s() - t0;
}

/* the EP's per-node counters (acceldev_ep_node_stats_at), all nodes */
struct node_snap {
	int n;
	const char *node[MAX_LIST], *type[MAX_LIST];
	struct acceldev_ep_node_stats s[MAX_LIST];
};

static void snapshot(acceldev_ep_node_stats_at_fn at, struct node_snap *snap)
{
	for (snap->n = 0; snap->n < MAX_LIST; snap->n++)
		if (at((size_t)snap->n, &snap->node[snap->n], &snap->type[snap->n],
		       &snap->s[snap->n]))
			break;
}

/*
 * Per node the EP ran during the timed runs: its Compute time and
 * counts, and the CPU EP's kernel time for the same node (named ones:
 * ORT's profiler knows nodes by name).
 */
static void bench_report(const struct node_snap *a, const struct node_snap *b,
			 const char *prof)
{
	int i, j, cpu_calls;
	double us;

	for (i = 0; i < b->n; i++) {
		struct acceldev_ep_node_stats d = b->s[i], z = { 0 };
		const struct acceldev_ep_node_stats *o = &z;

		for (j = 0; j < a->n; j++)
			if (!strcmp(a->node[j], b->node[i]))
				o = &a->s[j];
		d.calls -= o->calls;
		if (!d.calls)
			continue;
		us = 0;
		cpu_calls = 0;
		if (b->node[i][0] != '<')
			cpu_profile_times(prof, b->node[i], &us, &cpu_calls);
		printf("bench node %s (%s): Acceldev %.1f us/run (%" PRIu64 " runs; per run %.1f "
		       "FILLs, %.1f FENCEs, %.1f chunks, %.1f CPU bytes, %.1f CPU-only runs, "
		       "%.1f outputs in device memory, %.0f bytes copied); ",
		       b->node[i], b->type[i], (d.ns - o->ns) / 1e3 / d.calls, d.calls,
		       (double)(d.fills - o->fills) / d.calls, (double)(d.fences - o->fences) / d.calls,
		       (double)(d.chunks - o->chunks) / d.calls,
		       (double)(d.cpu_bytes - o->cpu_bytes) / d.calls,
		       (double)(d.cpu_runs - o->cpu_runs) / d.calls,
		       (double)(d.direct_runs - o->direct_runs) / d.calls,
		       (double)(d.copy_bytes - o->copy_bytes) / d.calls);
		if (cpu_calls)
			printf("CPU EP %.1f us/run (%d runs)\n", us / cpu_calls, cpu_calls);
		else
			printf("CPU EP time unknown (unnamed node)\n");
	}
}

/*
 * Times runs of the model with Acceldev and CPU only, each after one
 * untimed warm-up run. (The Acceldev session's first run, done already,
 * does not serve: timed right after it, with its output still held, a
 * 24 MiB output took 7 ms a run against 0.6 ms after a warm-up.)
 */
static int bench(OrtEnv *env, const struct opts *o, OrtSession *acc, struct io *io,
		 void *eplib)
{
	acceldev_ep_node_stats_at_fn at =
		(acceldev_ep_node_stats_at_fn)(uintptr_t)dlsym(eplib,
							      ACCELDEV_EP_NODE_STATS_AT_SYMBOL);
	struct node_snap *before, *after;
	OrtSession *cpu;
	OrtAllocator *alloc;
	char *prof;
	int runs = o->runs > 1 ? o->runs : 10;
	double t_acc, t_cpu;

	if (!at) {
		fprintf(stderr, "acceldev-onnx: %s has no %s\n", o->ep_lib,
			ACCELDEV_EP_NODE_STATS_AT_SYMBOL);
		return 1;
	}
	before = calloc(2, sizeof(*before));
	if (!before)
		return 1;
	after = before + 1;
	cpu = make_session(env, o, NULL, true, "acceldev-onnx-cpu", NULL, NULL);
	if (timed_runs(acc, io, 1) < 0)
		return 1;
	snapshot(at, before);
	t_acc = timed_runs(acc, io, runs);
	snapshot(at, after);
	if (timed_runs(cpu, io, 1) < 0)
		return 1;
	t_cpu = timed_runs(cpu, io, runs);
	if (t_acc < 0 || t_cpu < 0)
		return 1;
	CHECK(ort->GetAllocatorWithDefaultOptions(&alloc), "allocator");
	CHECK(ort->SessionEndProfiling(cpu, alloc, &prof), "profiling");
	printf("bench: %d runs: whole model %.3f ms/run with Acceldev, %.3f ms/run CPU only\n",
	       runs, t_acc * 1e3 / runs, t_cpu * 1e3 / runs);
	bench_report(before, after, prof);
	remove(prof);
	ort_ignore(ort->AllocatorFree(alloc, prof));
	free(before);
	ort->ReleaseSession(cpu);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	OrtEnv *env;
	const OrtEpDevice *dev;
	OrtSession *s, *s2 = NULL;
	struct io io;
	OrtValue *out[MAX_IO];
	void *eplib;
	int fails = 0, i;
	size_t k;
	char err[512];

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_args(argc, argv, &o);
	ort = OrtGetApiBase()->GetApi(ORT_API_VERSION);
	if (!ort) {
		fprintf(stderr, "acceldev-onnx: this ONNX Runtime lacks API version %d\n",
			ORT_API_VERSION);
		return 1;
	}
	if (explain && o.log_level > ORT_LOGGING_LEVEL_INFO)
		o.log_level = ORT_LOGGING_LEVEL_INFO;
	CHECK(ort->CreateEnvWithCustomLogger(log_line, NULL, o.log_level, "acceldev-onnx", &env),
	      "CreateEnv");
	ort_ignore(ort->DisableTelemetryEvents(env));	/* no uploads from a test tool */
	/* ORT's convention: a registration name ending in ".virtual" sets
	 * allow_virtual_devices=1, and the EP then offers its simulated device */
	CHECK(ort->RegisterExecutionProviderLibrary(env, o.simulate ? "acceldev.virtual" : "acceldev",
						    o.ep_lib),
	      "loading the Acceldev EP");
	/* the same handle ORT loaded, for the EP's counters */
	eplib = dlopen(o.ep_lib, RTLD_NOW | RTLD_NOLOAD);
	if (o.list)
		return list_devices(env);
	dev = find_ep_device(env, o.simulate ? -1 : o.device);
	if (!dev) {
		if (o.simulate)
			fprintf(stderr, "acceldev-onnx: the EP offers no virtual device\n");
		else
			fprintf(stderr, "acceldev-onnx: no Acceldev EP device %d\n", o.device);
		return 1;
	}
	if (o.compile) {	/* write the EPContext model, then run it */
		s = make_session(env, &o, dev, false, NULL, NULL, o.compile);
		ort->ReleaseSession(s);
		printf("compiled: %s\n", o.compile);
	}
	s = make_session(env, &o, dev, o.profile, "acceldev-onnx-ep", o.compile, NULL);
	fails += show_assignment(s, &o);
	memset(&io, 0, sizeof(io));
	load_inputs(s, &o, &io);
	if (o.fail_then) {	/* this Run must fail; after CMD, the next must not */
		if (run_once(s, &io, out) == 0) {
			printf("CHECK FAILED: the first Run succeeded\n");
			release_outputs(&io, out);
			fails++;
		} else {
			printf("first Run: error status (above); running: %s\n", o.fail_then);
		}
		if (system(o.fail_then) != 0)
			printf("(the command failed)\n");
	}
	if (run_once(s, &io, out))
		return 1;
	for (k = 0; k < io.nout; k++) {
		const char *file = find_file(o.expects, o.nexpects, io.out_names[k]);
		struct tensor t;

		print_shape(io.out_names[k], out[k]);
		if (!file)
			continue;
		if (tensor_read(file, &t, err, sizeof(err))) {
			fprintf(stderr, "acceldev-onnx: %s\n", err);
			return 1;
		}
		fails += compare("expect", io.out_names[k], out[k], t.type, t.dims, t.rank, t.data);
		tensor_free(&t);
	}
	if (o.compare) {
		OrtSession *cpu = make_session(env, &o, NULL, false, NULL, NULL, NULL);
		OrtValue *cout[MAX_IO];

		if (run_once(cpu, &io, cout))
			return 1;
		for (k = 0; k < io.nout; k++) {
			ONNXTensorElementDataType t;
			const int64_t *sh;
			const uint8_t *d;
			size_t rank, bytes;

			out_info(cout[k], &t, &sh, &rank, &d, &bytes);
			fails += compare("compare", io.out_names[k], out[k], t, sh, rank, d);
		}
		release_outputs(&io, cout);
		ort->ReleaseSession(cpu);
	}
	if (o.device2 >= 0) {	/* odd threads use a session on the other device */
		const OrtEpDevice *dev2 = find_ep_device(env, o.device2);

		if (!dev2) {
			fprintf(stderr, "acceldev-onnx: no Acceldev EP device %d\n", o.device2);
			return 1;
		}
		s2 = make_session(env, &o, dev2, false, NULL, NULL, NULL);
		fails += show_assignment(s2, &o);
	}
	if (o.threads > 1 || o.runs > 1) {
		struct worker *w = calloc((size_t)o.threads, sizeof(*w));
		int bad = 0;
		double t0 = now_s();

		for (i = 0; i < o.threads; i++) {
			w[i].s = s2 && (i & 1) ? s2 : s;
			w[i].io = &io;
			w[i].runs = o.runs;
			memcpy(w[i].ref, out, sizeof(out));
			pthread_create(&w[i].tid, NULL, worker_main, &w[i]);
		}
		for (i = 0; i < o.threads; i++) {
			pthread_join(w[i].tid, NULL);
			bad += w[i].failures;
		}
		printf("threads: %d x %d runs%s in %.2f s: %d failure(s)\n", o.threads, o.runs,
		       s2 ? " (on two sessions, two devices)" : "", now_s() - t0, bad);
		fails += bad != 0;
		free(w);
	}
	if (o.remove_cmd) {
		OrtValue *rout[MAX_IO];

		printf("removing the device: %s\n", o.remove_cmd);
		if (system(o.remove_cmd) != 0)
			printf("(the command failed)\n");
		if (run_once(s, &io, rout) == 0) {
			printf("CHECK FAILED: Run after the removal succeeded\n");
			release_outputs(&io, rout);
			fails++;
		} else {
			printf("Run after the removal: error status (above)\n");
		}
	}
	if (o.bench && eplib)
		fails += bench(env, &o, s, &io, eplib);
	if (o.profile) {
		OrtAllocator *alloc;
		char *prof;

		CHECK(ort->GetAllocatorWithDefaultOptions(&alloc), "allocator");
		CHECK(ort->SessionEndProfiling(s, alloc, &prof), "profiling");
		print_profile(prof);
		remove(prof);
		ort_ignore(ort->AllocatorFree(alloc, prof));
	}
	release_outputs(&io, out);
	free_io(&io);
	if (s2)
		ort->ReleaseSession(s2);
	ort->ReleaseSession(s);
	ort->ReleaseEnv(env);
	for (i = 0; i < o.nnamed; i++)
		free(o.named[i]);
	printf("%s\n", fails ? "RESULT: FAILED" : "RESULT: OK");
	return fails ? 1 : 0;
}
