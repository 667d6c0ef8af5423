// SPDX-License-Identifier: GPL-2.0
/*
 * ep.c - libacceldev_ep.so: an ONNX Runtime plugin execution provider
 * that computes ConstantOfShape, Expand and EyeLike with the device's
 * FILL command (see README.md).
 *
 * The factory offers one NPU device per /dev/acceldevN. An OrtEp is one
 * context on its device; GetCapability claims, node by node, what FILL
 * can produce (opcheck.c decides); each claimed node is compiled alone
 * into a fused node whose Compute builds a fill plan and runs it
 * (fillplan.c).
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libacceldev.h>

#include "ep.h"
#include "fillplan.h"
#include "opcheck.h"

const OrtApi *ort;
static const OrtEpApi *ep_api;

#define MAX_DEVICES 8

struct acc_factory {
	OrtEpFactory base;
	const OrtLogger *logger;
	bool sim;
	size_t ndev;
	OrtHardwareDevice *hw[MAX_DEVICES];
	int index[MAX_DEVICES];
};

struct acc_ep {
	OrtEp base;
	struct acc_factory *factory;
	const OrtLogger *logger;
	int index;
	struct staging st;
};

/* One compiled node: what Compute needs, copied out of the graph. */
struct acc_node {
	OrtNodeComputeInfo base;
	struct acc_ep *ep;
	struct op_info op;
	char name[128];
};

void ep_log(const OrtLogger *logger, OrtLoggingLevel level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	OrtStatus *st;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!logger)
		return;
	st = ort->Logger_LogMessage(logger, level, msg, __FILE__, __LINE__, "acceldev_ep");
	if (st)
		ort->ReleaseStatus(st);
}

static OrtStatus *ep_status(OrtErrorCode code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ort->CreateStatus(code, msg);
}

/* ---- the EP ------------------------------------------------------------ */

static const char *ORT_API_CALL ep_get_name(const OrtEp *this_ptr)
{
	(void)this_ptr;
	return ACCELDEV_EP_NAME;
}

static OrtStatus *ORT_API_CALL ep_get_capability(OrtEp *this_ptr, const OrtGraph *graph,
						 OrtEpGraphSupportInfo *info)
{
	struct acc_ep *ep = (struct acc_ep *)this_ptr;
	const OrtNode **nodes = NULL;
	size_t n, i;
	OrtStatus *st;

	st = ort->Graph_GetNumNodes(graph, &n);
	if (st || n == 0)
		return st;
	nodes = calloc(n, sizeof(*nodes));
	if (!nodes)
		return ep_status(ORT_FAIL, "Acceldev: out of memory");
	st = ort->Graph_GetNodes(graph, nodes, n);
	for (i = 0; !st && i < n; i++) {
		struct op_info op;
		char why[256];
		const char *name = "", *type = "";

		ort_ignore(ort->Node_GetName(nodes[i], &name));
		ort_ignore(ort->Node_GetOperatorType(nodes[i], &type));
		switch (op_check(nodes[i], &op, why, sizeof(why))) {
		case OP_CLAIM:
			ep_log(ep->logger, ORT_LOGGING_LEVEL_INFO,
			       "Acceldev: node '%s' (%s) runs on %s: %s", name, type, ep->st.name, why);
			/* one fused node per claimed node: per-node compute */
			st = ep_api->EpGraphSupportInfo_AddNodesToFuse(info, &nodes[i], 1, NULL);
			break;
		case OP_DECLINE:
			ep_log(ep->logger, ORT_LOGGING_LEVEL_WARNING,
			       "Acceldev: node '%s' (%s) stays on the CPU EP: %s", name, type, why);
			break;
		case OP_OTHER:
			ep_log(ep->logger, ORT_LOGGING_LEVEL_INFO,
			       "Acceldev: node '%s' (%s) stays on the CPU EP: %s", name, type, why);
			break;
		}
	}
	free(nodes);
	return st;
}

static OrtStatus *ORT_API_CALL node_create_state(OrtNodeComputeInfo *this_ptr,
						 OrtNodeComputeContext *ctx, void **state)
{
	(void)ctx;
	*state = this_ptr;
	return NULL;
}

static void ORT_API_CALL node_release_state(OrtNodeComputeInfo *this_ptr, void *state)
{
	(void)this_ptr;
	(void)state;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static OrtStatus *ORT_API_CALL node_compute(OrtNodeComputeInfo *this_ptr, void *state,
					    OrtKernelContext *kctx)
{
	struct acc_node *node = (struct acc_node *)this_ptr;
	struct acc_ep *ep = node->ep;
	struct op_plan p;
	struct fill_stats stats;
	char err[512];
	OrtStatus *st;
	void *out;
	uint64_t t0 = now_ns();

	(void)state;
	st = op_prepare(&node->op, kctx, &p);
	if (st)
		return st;
	if (p.plan.total == 0)
		return NULL;
	st = ort->GetTensorMutableData(p.output, &out);
	if (st)
		return st;
	if (fill_plan_execute(&ep->st, &p.plan, out, &stats, err, sizeof(err)))
		return ep_status(ORT_EP_FAIL, "Acceldev: node '%s' (%s): %s", node->name,
				 node->op.type, err);
	ep_stats_add(node->name, now_ns() - t0, &stats);
	return NULL;
}

static OrtStatus *ORT_API_CALL ep_compile(OrtEp *this_ptr, const OrtGraph **graphs,
					  const OrtNode **fused, size_t count,
					  OrtNodeComputeInfo **infos, OrtNode **ep_ctx_nodes)
{
	struct acc_ep *ep = (struct acc_ep *)this_ptr;
	size_t i, n;
	OrtStatus *st = NULL;

	(void)fused;
	(void)ep_ctx_nodes;
	for (i = 0; i < count; i++)
		infos[i] = NULL;
	for (i = 0; i < count; i++) {
		const OrtNode *orig;
		struct acc_node *node;
		const char *name = "";
		char why[256];

		st = ort->Graph_GetNumNodes(graphs[i], &n);
		if (st)
			break;
		if (n != 1) {
			st = ep_status(ORT_EP_FAIL, "Acceldev: asked to compile %zu nodes as one", n);
			break;
		}
		st = ort->Graph_GetNodes(graphs[i], &orig, 1);
		if (st)
			break;
		node = calloc(1, sizeof(*node));
		if (!node) {
			st = ep_status(ORT_FAIL, "Acceldev: out of memory");
			break;
		}
		if (op_check(orig, &node->op, why, sizeof(why)) != OP_CLAIM) {
			free(node);
			st = ep_status(ORT_EP_FAIL, "Acceldev: node no longer supported: %s", why);
			break;
		}
		ort_ignore(ort->Node_GetName(orig, &name));
		snprintf(node->name, sizeof(node->name), "%s", name);
		node->base.ort_version_supported = ORT_API_VERSION;
		node->base.CreateState = node_create_state;
		node->base.Compute = node_compute;
		node->base.ReleaseState = node_release_state;
		node->ep = ep;
		infos[i] = &node->base;
	}
	if (st) {
		for (i = 0; i < count; i++) {
			free(infos[i]);
			infos[i] = NULL;
		}
	}
	return st;
}

static void ORT_API_CALL ep_release_infos(OrtEp *this_ptr, OrtNodeComputeInfo **infos,
					  size_t n)
{
	size_t i;

	(void)this_ptr;
	for (i = 0; i < n; i++)
		free(infos[i]);
}

static OrtStatus *ORT_API_CALL ep_concurrent_run(OrtEp *this_ptr, bool *ok)
{
	(void)this_ptr;
	*ok = true;	/* libacceldev and the staging pool are thread-safe */
	return NULL;
}

/* ---- the factory ------------------------------------------------------- */

static const char *ORT_API_CALL f_get_name(const OrtEpFactory *this_ptr)
{
	(void)this_ptr;
	return ACCELDEV_EP_NAME;
}

static const char *ORT_API_CALL f_get_vendor(const OrtEpFactory *this_ptr)
{
	(void)this_ptr;
	return "Acceldev";
}

static uint32_t ORT_API_CALL f_get_vendor_id(const OrtEpFactory *this_ptr)
{
	(void)this_ptr;
	return ACCELDEV_VENDOR_ID;
}

static const char *ORT_API_CALL f_get_version(const OrtEpFactory *this_ptr)
{
	(void)this_ptr;
	return ACCELDEV_EP_VERSION;
}

/* PCI address of /dev/acceldevN from sysfs ("" if unknown) */
static void pci_address(int index, char *buf, size_t len)
{
	char path[128], target[PATH_MAX];
	ssize_t n;
	const char *base;

	snprintf(path, sizeof(path), "/sys/class/acceldev/acceldev%d/device", index);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		snprintf(buf, len, "%s", "");
		return;
	}
	target[n] = 0;
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		base = "";
	memcpy(buf, base, strlen(base) + 1);
}

static OrtStatus *add_device(struct acc_factory *f, int index)
{
	OrtKeyValuePairs *meta = NULL;
	OrtStatus *st;
	char pci[64], path[64];

	if (f->ndev >= MAX_DEVICES)
		return NULL;
	pci_address(index, pci, sizeof(pci));
	snprintf(path, sizeof(path), "/dev/acceldev%d", index);
	ort->CreateKeyValuePairs(&meta);
	ort->AddKeyValuePair(meta, "pci_bus_id", f->sim ? "simulated" : pci);
	ort->AddKeyValuePair(meta, "device_path", path);
	if (f->sim)
		ort->AddKeyValuePair(meta, "is_virtual", "1");
	st = ep_api->CreateHardwareDevice(OrtHardwareDeviceType_NPU, ACCELDEV_VENDOR_ID,
					  ACCELDEV_DEVICE_ID, "Acceldev", meta, &f->hw[f->ndev]);
	ort->ReleaseKeyValuePairs(meta);
	if (st)
		return st;
	f->index[f->ndev++] = index;
	return NULL;
}

/* the /dev/acceldevN that exist, in index order */
static OrtStatus *find_devices(struct acc_factory *f)
{
	const char *sim = getenv("ACCELDEV_EP_SIMULATE");
	int index;

	f->sim = sim && *sim && strcmp(sim, "0") != 0;
	if (f->sim)
		return add_device(f, 0);
	for (index = 0; index < 64 && f->ndev < MAX_DEVICES; index++) {
		char path[64];
		OrtStatus *st;

		snprintf(path, sizeof(path), "/dev/acceldev%d", index);
		if (access(path, F_OK) != 0)
			continue;
		st = add_device(f, index);
		if (st)
			return st;
	}
	return NULL;
}

static OrtStatus *ORT_API_CALL f_get_supported(OrtEpFactory *this_ptr,
					       const OrtHardwareDevice *const *devices,
					       size_t ndevices, OrtEpDevice **ep_devices,
					       size_t max, size_t *count)
{
	struct acc_factory *f = (struct acc_factory *)this_ptr;
	size_t i;

	(void)devices;
	(void)ndevices;	/* ORT's own list: ours are not PCI devices it knows */
	*count = 0;
	for (i = 0; i < f->ndev && *count < max; i++) {
		OrtKeyValuePairs *meta = NULL;
		OrtStatus *st;
		char idx[16];

		snprintf(idx, sizeof(idx), "%d", f->index[i]);
		ort->CreateKeyValuePairs(&meta);
		ort->AddKeyValuePair(meta, "acceldev.index", idx);
		st = ep_api->CreateEpDevice(this_ptr, f->hw[i], meta, NULL, &ep_devices[*count]);
		ort->ReleaseKeyValuePairs(meta);
		if (st)
			return st;
		(*count)++;
	}
	return NULL;
}

static OrtStatus *ORT_API_CALL f_create_ep(OrtEpFactory *this_ptr,
					   const OrtHardwareDevice *const *devices,
					   const OrtKeyValuePairs *const *metas, size_t ndevices,
					   const OrtSessionOptions *options,
					   const OrtLogger *logger, OrtEp **out)
{
	struct acc_factory *f = (struct acc_factory *)this_ptr;
	struct acc_ep *ep;
	const char *idx;

	(void)devices;
	(void)options;
	if (ndevices != 1)
		return ep_status(ORT_INVALID_ARGUMENT,
				 "Acceldev: an EP instance uses one device, %zu were selected",
				 ndevices);
	idx = ort->GetKeyValue(metas[0], "acceldev.index");
	if (!idx)
		return ep_status(ORT_INVALID_ARGUMENT, "Acceldev: EP device without an index");
	ep = calloc(1, sizeof(*ep));
	if (!ep)
		return ep_status(ORT_FAIL, "Acceldev: out of memory");
	ep->factory = f;
	ep->logger = logger;
	ep->index = atoi(idx);
	if (staging_init(&ep->st, ep->index, f->sim)) {
		OrtStatus *st = ep_status(ORT_EP_FAIL, "Acceldev: cannot open a context: %s",
					  acd_error());

		free(ep);
		return st;
	}
	ep->base.ort_version_supported = ORT_API_VERSION;
	ep->base.GetName = ep_get_name;
	ep->base.GetCapability = ep_get_capability;
	ep->base.Compile = ep_compile;
	ep->base.ReleaseNodeComputeInfos = ep_release_infos;
	ep->base.IsConcurrentRunSupported = ep_concurrent_run;
	ep_log(logger, ORT_LOGGING_LEVEL_INFO, "Acceldev: EP instance on %s", ep->st.name);
	*out = &ep->base;
	return NULL;
}

static void ORT_API_CALL f_release_ep(OrtEpFactory *this_ptr, OrtEp *e)
{
	struct acc_ep *ep = (struct acc_ep *)e;

	(void)this_ptr;
	if (!ep)
		return;
	staging_fini(&ep->st);
	free(ep);
}

static OrtStatus *ORT_API_CALL f_validate(OrtEpFactory *this_ptr,
					  const OrtHardwareDevice *const *devices, size_t n,
					  const char *info, OrtCompiledModelCompatibility *compat)
{
	(void)this_ptr;
	(void)devices;
	(void)n;
	(void)info;
	*compat = OrtCompiledModelCompatibility_EP_NOT_APPLICABLE;
	return NULL;
}

static OrtStatus *ORT_API_CALL f_create_allocator(OrtEpFactory *this_ptr,
						  const OrtMemoryInfo *mi,
						  const OrtKeyValuePairs *opts,
						  OrtAllocator **alloc)
{
	(void)this_ptr;
	(void)mi;
	(void)opts;
	*alloc = NULL;	/* inputs and outputs are in CPU memory */
	return NULL;
}

static void ORT_API_CALL f_release_allocator(OrtEpFactory *this_ptr, OrtAllocator *a)
{
	(void)this_ptr;
	(void)a;
}

static OrtStatus *ORT_API_CALL f_create_data_transfer(OrtEpFactory *this_ptr,
						      OrtDataTransferImpl **dt)
{
	(void)this_ptr;
	*dt = NULL;
	return NULL;
}

static bool ORT_API_CALL f_is_stream_aware(const OrtEpFactory *this_ptr)
{
	(void)this_ptr;
	return false;
}

static OrtStatus *ORT_API_CALL f_create_stream(OrtEpFactory *this_ptr,
					       const OrtMemoryDevice *md,
					       const OrtKeyValuePairs *opts,
					       OrtSyncStreamImpl **stream)
{
	(void)this_ptr;
	(void)md;
	(void)opts;
	*stream = NULL;
	return NULL;
}

static OrtStatus *ORT_API_CALL f_num_domains(OrtEpFactory *this_ptr, size_t *n)
{
	(void)this_ptr;
	*n = 0;
	return NULL;
}

static OrtStatus *ORT_API_CALL f_domains(OrtEpFactory *this_ptr, OrtCustomOpDomain **d,
					 size_t n)
{
	(void)this_ptr;
	(void)d;
	(void)n;
	return NULL;
}

EXPORT OrtStatus *CreateEpFactories(const char *registered_name, const OrtApiBase *base,
				    const OrtLogger *logger, OrtEpFactory **factories,
				    size_t max, size_t *count)
{
	struct acc_factory *f;
	OrtStatus *st;

	(void)registered_name;
	*count = 0;
	ort = base->GetApi(ORT_API_VERSION);
	if (!ort)
		return NULL;	/* an older runtime: nothing we can offer */
	ep_api = ort->GetEpApi();
	if (max < 1)
		return ep_status(ORT_INVALID_ARGUMENT, "Acceldev: no room for a factory");
	f = calloc(1, sizeof(*f));
	if (!f)
		return ep_status(ORT_FAIL, "Acceldev: out of memory");
	f->logger = logger;
	f->base.ort_version_supported = ORT_API_VERSION;
	f->base.GetName = f_get_name;
	f->base.GetVendor = f_get_vendor;
	f->base.GetSupportedDevices = f_get_supported;
	f->base.CreateEp = f_create_ep;
	f->base.ReleaseEp = f_release_ep;
	f->base.GetVendorId = f_get_vendor_id;
	f->base.GetVersion = f_get_version;
	f->base.ValidateCompiledModelCompatibilityInfo = f_validate;
	f->base.CreateAllocator = f_create_allocator;
	f->base.ReleaseAllocator = f_release_allocator;
	f->base.CreateDataTransfer = f_create_data_transfer;
	f->base.IsStreamAware = f_is_stream_aware;
	f->base.CreateSyncStreamForDevice = f_create_stream;
	f->base.GetNumCustomOpDomains = f_num_domains;
	f->base.GetCustomOpDomains = f_domains;
	st = find_devices(f);
	if (st) {
		free(f);
		return st;
	}
	ep_log(logger, ORT_LOGGING_LEVEL_INFO, "Acceldev: %zu device(s)%s", f->ndev,
	       f->sim ? " (simulated)" : "");
	factories[0] = &f->base;
	*count = 1;
	return NULL;
}

EXPORT OrtStatus *ReleaseEpFactory(OrtEpFactory *factory)
{
	struct acc_factory *f = (struct acc_factory *)factory;
	size_t i;

	for (i = 0; i < f->ndev; i++)
		ep_api->ReleaseHardwareDevice(f->hw[i]);
	free(f);
	return NULL;
}
