// SPDX-License-Identifier: GPL-2.0
/*
 * ep.c - libacceldev_ep.so: an ONNX Runtime plugin execution provider
 * that computes ConstantOfShape, Expand and EyeLike with the device's
 * FILL command (see README.md).
 *
 * The factory offers one NPU device per /dev/acceldevN: ORT's own
 * hardware device where ORT's discovery lists the function (Linux: an
 * accel NPU 0x0666:0x0019), else one made up with CreateHardwareDevice;
 * and a virtual one when the application allows virtual devices. An
 * OrtEp is one context on its device, opened when GetCapability first
 * claims a node (opcheck.c decides, node by node, what FILL can
 * produce); each claimed node runs as a kernel of the EP's registry (so
 * it keeps its name; our EPContext nodes too), or, when ORT is writing
 * an EPContext model, is compiled alone into a fused node. Either way
 * Compute builds a fill plan and runs it: FILLs into the output itself
 * when ORT took it from the EP's allocator (devmem.c: the device's data
 * buffers), else through staging buffers and a copy (fillplan.c).
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <libacceldev.h>

#include "devmem.h"
#include "ep.h"
#include "fillplan.h"
#include "opcheck.h"

const OrtApi *ort;
static const OrtEpApi *ep_api;

#define MAX_DEVICES 8

/* the hardware device of the virtual (simulated) one: no /dev node */
#define VIRTUAL_INDEX -1

struct acc_factory {
	OrtEpFactory base;
	const OrtLogger *logger;
	size_t ndev;
	OrtHardwareDevice *hw[MAX_DEVICES];	/* made up: used where ORT lists none */
	int index[MAX_DEVICES];		/* N of /dev/acceldevN, or VIRTUAL_INDEX */
	char pci[MAX_DEVICES][64];	/* its PCI address ("" if unknown) */
	OrtMemoryInfo *mem;		/* the outputs' memory (devmem.c), every EP device's */
};

/* Session options "ep.acceldev.KEY" (README.md) and ORT's own. */
struct acc_config {
	int index;		/* device: /dev/acceldevN, or VIRTUAL_INDEX */
	enum acd_node node;	/* ep.acceldev.node: chardev (default) or accel */
	bool min_bytes_set;	/* min_bytes given: no cost model */
	struct cost_model cost;	/* latency_us, fill_mbps, copy_mbps, cpu_mbps (0: measure),
				 * and min_bytes: smaller outputs are the CPU's */
	bool context_enable;	/* ep.context_enable=1: Compile gives EPContext nodes */
	bool device_memory;	/* outputs in the device's buffers (devmem.c); 0: host memory */
};

struct acc_ep {
	OrtEp base;
	struct acc_factory *factory;
	const OrtLogger *logger;
	struct acc_config cfg;
	struct staging st;
	bool opened;		/* GetCapability opened st's context */
	struct devmem *dm;	/* the last allocator ORT asked this EP for */
	OrtKernelRegistry *kernels;
	pthread_mutex_t claims_lock;
	struct claim *claims;	/* nodes given to ORT for our kernels */
};

/* What running one node needs, copied out of the graph. */
struct node_run {
	struct acc_ep *ep;
	struct op_info op;
	char name[128];		/* for messages */
	char id[160];		/* for statistics: the name, or type and node id if unnamed */
};

/* A node compiled into a fused node of its own (ep.context_enable=1: for its EPContext node) */
struct acc_node {
	OrtNodeComputeInfo base;
	struct node_run run;
};

/*
 * A node run by a kernel of the EP's registry (every other one), so that
 * ORT keeps the node itself, with its name (in the profiler too).
 * GetCapability notes each such node by its first output's name, which
 * the kernel's creation reads back.
 */
struct acc_kernel {
	OrtKernelImpl base;
	struct node_run run;
};

struct claim {
	struct claim *next;
	struct node_run run;
	char output[];		/* the node's first output */
};

static OrtStatus *claim_node(struct acc_ep *ep, const OrtNode *node, const struct op_info *op);

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

/*
 * Does an output of bytes in runs (staged: outside device memory) go to
 * the device? A given min_bytes decides alone; else the cost model.
 */
static bool device_wins(const struct acc_ep *ep, const struct op_info *op, uint64_t bytes,
			uint64_t runs, bool staged)
{
	if (ep->cfg.min_bytes_set)
		return bytes >= ep->cfg.cost.min_bytes;
	return cost_device_wins(&ep->cfg.cost, bytes, runs, staged, op_copies(op));
}

/*
 * A node op_check() claims: does the cost model give it to the device?
 * Only an output shape known now can be judged here; others are judged
 * at Compute (run_node).
 */
static bool worth_it(const struct acc_ep *ep, const struct op_info *op, char *why,
		     size_t len)
{
	const struct cost_model *cm = &ep->cfg.cost;
	uint64_t bytes = (uint64_t)op->out_bytes, runs = op->out_runs < 0 ? 0 : op->out_runs;

	if (cm->min_bytes == UINT64_MAX) {
		snprintf(why, len, "the device is never faster than the CPU (%s)",
			 ep->cfg.min_bytes_set ? "min_bytes" : "cost model");
		return false;
	}
	if (op->out_bytes < 0 || device_wins(ep, op, bytes, runs, false))
		return true;
	if (ep->cfg.min_bytes_set)
		snprintf(why, len, "%" PRIu64 " output bytes, fewer than min_bytes %" PRIu64,
			 bytes, cm->min_bytes);
	else
		snprintf(why, len, "%" PRIu64 " output bytes in %" PRIu64 " more FILL(s): %.0f us "
			 "on the device, %.0f us on the CPU (cost model)", bytes, runs,
			 cost_device_us(cm, bytes, runs, false),
			 cost_cpu_us(cm, bytes, op_copies(op)));
	return false;
}

/*
 * The device context, opened for the first node claimed, and the cost
 * model measured on it unless min_bytes was given. -1: neither works,
 * no node goes to the device (said at WARNING).
 */
static int ep_ready(struct acc_ep *ep)
{
	struct cost_model *cm = &ep->cfg.cost;
	char err[256], staged[32];

	if (ep->opened)
		return 0;
	if (!ep->cfg.min_bytes_set && cm->latency_us && cm->fill_mbps && cm->cmd_us &&
	    cm->copy_mbps && cm->cpu_mbps)
		cost_min_bytes(cm);	/* all given: nothing to measure */
	if (staging_open(&ep->st, err, sizeof(err)) ||
	    (!ep->cfg.min_bytes_set && !cm->min_bytes &&
	     cost_calibrate(&ep->st, cm, err, sizeof(err)))) {
		ep_log(ep->logger, ORT_LOGGING_LEVEL_WARNING,
		       "Acceldev: %s; every node stays on the CPU EP", err);
		return -1;
	}
	ep->opened = true;
	ep_log(ep->logger, ORT_LOGGING_LEVEL_INFO, "Acceldev: context opened on %s", ep->st.name);
	if (ep->cfg.min_bytes_set)
		cm->min_bytes_staged = cm->min_bytes;
	if (ep->dm)
		devmem_set_min_bytes(ep->dm, cm->min_bytes);
	if (ep->cfg.min_bytes_set)
		return 0;
	if (cm->min_bytes_staged == UINT64_MAX)
		snprintf(staged, sizeof(staged), "never");
	else
		snprintf(staged, sizeof(staged), "%" PRIu64 " bytes", cm->min_bytes_staged);
	if (cm->min_bytes == UINT64_MAX)
		ep_log(ep->logger, ORT_LOGGING_LEVEL_INFO,
		       "Acceldev: cost model of %s: round trip %.0f us, FILL %.0f MB/s + %.1f us per "
		       "command, copy %.0f MB/s, CPU fill %.0f MB/s: the device is never faster",
		       ep->st.name, cm->latency_us, cm->fill_mbps, cm->cmd_us, cm->copy_mbps,
		       cm->cpu_mbps);
	else
		ep_log(ep->logger, ORT_LOGGING_LEVEL_INFO,
		       "Acceldev: cost model of %s: round trip %.0f us, FILL %.0f MB/s + %.1f us per "
		       "command, copy %.0f MB/s, CPU fill %.0f MB/s: the device may win from %" PRIu64
		       " output bytes on (outside device memory: %s)", ep->st.name,
		       cm->latency_us, cm->fill_mbps, cm->cmd_us, cm->copy_mbps, cm->cpu_mbps,
		       cm->min_bytes, staged);
	return 0;
}

static OrtStatus *ORT_API_CALL ep_get_capability(OrtEp *this_ptr, const OrtGraph *graph,
						 OrtEpGraphSupportInfo *info)
{
	struct acc_ep *ep = (struct acc_ep *)this_ptr;
	const OrtNode **nodes = NULL;
	size_t n, i;
	OrtStatus *st;
	bool no_device = false;

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
		if (op_check(nodes[i], &op, why, sizeof(why)) != OP_CLAIM) {
			ep_log(ep->logger, ORT_LOGGING_LEVEL_INFO,
			       "Acceldev: node '%s' (%s) stays on the CPU EP: %s", name, type, why);
			continue;
		}
		no_device = no_device || ep_ready(ep);
		if (no_device)
			continue;
		if (!worth_it(ep, &op, why, sizeof(why))) {
			ep_log(ep->logger, ORT_LOGGING_LEVEL_INFO,
			       "Acceldev: node '%s' (%s) stays on the CPU EP: %s", name, type, why);
			continue;
		}
		ep_log(ep->logger, ORT_LOGGING_LEVEL_INFO,
		       "Acceldev: node '%s' (%s) runs on %s: %s", name, type, ep->st.name, why);
		if (ep->cfg.context_enable) {
			/* compiled: one fused node each, whose EPContext node ORT writes */
			st = ep_api->EpGraphSupportInfo_AddNodesToFuse(info, &nodes[i], 1, NULL);
		} else {
			st = claim_node(ep, nodes[i], &op);
			if (!st)
				st = ep_api->EpGraphSupportInfo_AddSingleNode(info, nodes[i]);
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

static OrtStatus *run_node(const struct node_run *node, OrtKernelContext *kctx)
{
	struct acc_ep *ep = node->ep;
	struct op_plan p;
	struct fill_stats stats;
	struct dm_block *blk;
	size_t delta = 0;
	char err[512];
	OrtStatus *st;
	void *out;
	uint64_t t0 = now_ns();

	st = op_prepare(&node->op, kctx, &p);
	if (st)
		return st;
	if (p.plan.total == 0)
		return NULL;
	st = ort->GetTensorMutableData(p.output, &out);
	if (st)
		return st;
	/* in device memory (devmem.c): FILL writes it; else through staging buffers */
	blk = devmem_find(out, p.plan.total, &delta);
	if (!device_wins(ep, &node->op, p.plan.total, fill_plan_runs(&p.plan), !blk)) {
		/* a shape known only now, too small (or too many runs) for the device */
		fill_plan_cpu(&p.plan, out, &stats);
	} else if (blk ? devmem_fill(blk, delta, &p.plan, out, &stats, err, sizeof(err)) :
		   fill_plan_execute(&ep->st, &p.plan, out, &stats, err, sizeof(err))) {
		return ep_status(ORT_EP_FAIL, "Acceldev: node '%s' (%s): %s", node->name,
				 node->op.type, err);
	}
	if (stats.reopens)
		ep_log(ep->logger, ORT_LOGGING_LEVEL_WARNING,
		       "Acceldev: %s: a new context after the last one failed", ep->st.name);
	ep_stats_add(node->id, node->op.type, now_ns() - t0, &stats);
	return NULL;
}

static OrtStatus *ORT_API_CALL node_compute(OrtNodeComputeInfo *this_ptr, void *state,
					    OrtKernelContext *kctx)
{
	(void)state;
	return run_node(&((struct acc_node *)this_ptr)->run, kctx);
}

static OrtStatus *ORT_API_CALL kernel_compute(OrtKernelImpl *this_ptr, OrtKernelContext *kctx)
{
	return run_node(&((struct acc_kernel *)this_ptr)->run, kctx);
}

static void ORT_API_CALL kernel_release(OrtKernelImpl *this_ptr)
{
	free(this_ptr);
}

/* name and statistics identity of a node; unnamed ones (ONNX's backend tests) stay apart */
static void node_identity(const OrtNode *orig, const struct op_info *op, struct node_run *run)
{
	const char *name = "";
	size_t id = 0;

	ort_ignore(ort->Node_GetName(orig, &name));
	ort_ignore(ort->Node_GetId(orig, &id));
	snprintf(run->name, sizeof(run->name), "%s", name);
	if (*name)
		snprintf(run->id, sizeof(run->id), "%s", name);
	else
		snprintf(run->id, sizeof(run->id), "<unnamed %s node %zu>", op->type, id);
}

/* GetCapability: note a node for our kernel (by its first output's name) */
static OrtStatus *claim_node(struct acc_ep *ep, const OrtNode *node, const struct op_info *op)
{
	const OrtValueInfo *out[1];
	const char *oname = NULL;
	struct claim *c;
	OrtStatus *st;

	st = ort->Node_GetOutputs(node, out, 1);
	if (!st)
		st = ort->GetValueInfoName(out[0], &oname);
	if (st)
		return st;
	c = calloc(1, sizeof(*c) + strlen(oname) + 1);
	if (!c)
		return ep_status(ORT_FAIL, "Acceldev: out of memory");
	strcpy(c->output, oname);
	c->run.ep = ep;
	c->run.op = *op;
	node_identity(node, op, &c->run);
	pthread_mutex_lock(&ep->claims_lock);
	c->next = ep->claims;
	ep->claims = c;		/* a later claim of the same output wins */
	pthread_mutex_unlock(&ep->claims_lock);
	return NULL;
}

/* ORT creates the kernel of a node GetCapability gave us with AddSingleNode */
static OrtStatus *ORT_API_CALL kernel_create(void *state, const OrtKernelInfo *info,
					     OrtKernelImpl **out)
{
	const OrtEp *oep = NULL;
	struct acc_ep *ep;
	struct acc_kernel *k;
	struct claim *c;
	char oname[256];
	size_t len = sizeof(oname);
	OrtStatus *st;

	(void)state;
	*out = NULL;
	st = ep_api->KernelInfo_GetEp(info, &oep);
	if (!st)
		st = ort->KernelInfo_GetOutputName(info, 0, oname, &len);
	if (st)
		return st;
	ep = (struct acc_ep *)oep;
	pthread_mutex_lock(&ep->claims_lock);
	for (c = ep->claims; c && strcmp(c->output, oname); c = c->next)
		;
	k = c ? calloc(1, sizeof(*k)) : NULL;
	if (k)
		k->run = c->run;
	pthread_mutex_unlock(&ep->claims_lock);
	if (!c)
		return ep_status(ORT_EP_FAIL, "Acceldev: no claimed node has the output '%s'", oname);
	if (!k)
		return ep_status(ORT_FAIL, "Acceldev: out of memory");
	k->base.ort_version_supported = ORT_API_VERSION;
	k->base.Compute = kernel_compute;
	k->base.Release = kernel_release;
	*out = &k->base;
	return NULL;
}

/*
 * One kernel per operator, any type and opset: GetCapability has checked
 * the node. (ORT matches an open end, INT_MAX, only to a node of the
 * first version exactly: hence a finite one.)
 */
static OrtStatus *make_kernel_registry(OrtKernelRegistry **reg)
{
	static const char *const ops[][2] = {
		{ "ConstantOfShape", "" }, { "Expand", "" }, { "EyeLike", "" },
		{ "EPContext", "com.microsoft" },	/* ours, in a compiled model */
	};
	OrtStatus *st;
	size_t i;

	st = ep_api->CreateKernelRegistry(reg);
	for (i = 0; !st && i < sizeof(ops) / sizeof(ops[0]); i++) {
		OrtKernelDefBuilder *b = NULL;
		OrtKernelDef *def = NULL;

		st = ep_api->CreateKernelDefBuilder(&b);
		if (!st)
			st = ep_api->KernelDefBuilder_SetOperatorType(b, ops[i][0]);
		if (!st)
			st = ep_api->KernelDefBuilder_SetDomain(b, ops[i][1]);
		if (!st)
			st = ep_api->KernelDefBuilder_SetSinceVersion(b, 1, 1000);
		if (!st)
			st = ep_api->KernelDefBuilder_SetExecutionProvider(b, ACCELDEV_EP_NAME);
		if (!st)
			st = ep_api->KernelDefBuilder_Build(b, &def);
		if (!st)
			st = ep_api->KernelRegistry_AddKernel(*reg, def, kernel_create, NULL);
		if (def)
			ep_api->ReleaseKernelDef(def);
		if (b)
			ep_api->ReleaseKernelDefBuilder(b);
	}
	return st;
}

static OrtStatus *ORT_API_CALL ep_get_kernel_registry(OrtEp *this_ptr,
						      const OrtKernelRegistry **reg)
{
	*reg = ((struct acc_ep *)this_ptr)->kernels;
	return NULL;
}

/* names of a node's inputs or outputs ("" for a missing optional one) */
static OrtStatus *io_names(const OrtNode *node, bool input, const char **names, size_t max,
			   size_t *n)
{
	const OrtValueInfo *vi[8];
	OrtStatus *st;
	size_t i;

	st = input ? ort->Node_GetNumInputs(node, n) : ort->Node_GetNumOutputs(node, n);
	if (!st && *n > max)
		return ep_status(ORT_EP_FAIL, "Acceldev: a node with %zu %s", *n,
				 input ? "inputs" : "outputs");
	if (!st)
		st = input ? ort->Node_GetInputs(node, vi, *n) : ort->Node_GetOutputs(node, vi, *n);
	for (i = 0; !st && i < *n; i++) {
		names[i] = "";
		if (vi[i])
			st = ort->GetValueInfoName(vi[i], &names[i]);
	}
	return st;
}

/*
 * The EPContext node standing for a fused node in a compiled model
 * (ep.context_enable=1): the fused node's name (ORT's EPContext writer
 * finds it by that name), inputs and outputs; ep_cache_context is the
 * op_info as text (op_format), embedded.
 */
static OrtStatus *context_node(const OrtNode *fused, const struct op_info *op, OrtNode **out)
{
	const OrtModelEditorApi *ed = ort->GetModelEditorApi();
	const char *in[8], *outs[8], *name = "";
	size_t nin = 0, nout = 0, i, nattr = 0;
	OrtOpAttr *attrs[4] = { NULL };
	char text[160];
	int64_t one = 1;
	OrtStatus *st;

	if (!ed)
		return ep_status(ORT_NOT_IMPLEMENTED, "Acceldev: this ONNX Runtime has no model editor API");
	op_format(op, text, sizeof(text));
	st = ort->Node_GetName(fused, &name);
	if (!st)
		st = io_names(fused, true, in, 8, &nin);
	if (!st)
		st = io_names(fused, false, outs, 8, &nout);
	if (!st)
		st = ort->CreateOpAttr("main_context", &one, 1, ORT_OP_ATTR_INT, &attrs[nattr++]);
	if (!st)
		st = ort->CreateOpAttr("embed_mode", &one, 1, ORT_OP_ATTR_INT, &attrs[nattr++]);
	if (!st)
		st = ort->CreateOpAttr("ep_cache_context", text, (int)strlen(text),
				       ORT_OP_ATTR_STRING, &attrs[nattr++]);
	if (!st)
		st = ort->CreateOpAttr("source", OP_CONTEXT_SOURCE, (int)strlen(OP_CONTEXT_SOURCE),
				       ORT_OP_ATTR_STRING, &attrs[nattr++]);
	if (!st)
		st = ed->CreateNode("EPContext", "com.microsoft", name, in, nin, outs, nout, attrs,
				    nattr, out);
	for (i = 0; i < nattr; i++)
		if (attrs[i])
			ort->ReleaseOpAttr(attrs[i]);
	return st;
}

static OrtStatus *compile_one(struct acc_ep *ep, const OrtGraph *graph, const OrtNode *fused,
			      OrtNodeComputeInfo **info, OrtNode **ctx_node)
{
	const OrtNode *orig;
	struct acc_node *node;
	char why[256];
	size_t n;
	OrtStatus *st;

	st = ort->Graph_GetNumNodes(graph, &n);
	if (!st && n != 1)
		st = ep_status(ORT_EP_FAIL, "Acceldev: asked to compile %zu nodes as one", n);
	if (!st)
		st = ort->Graph_GetNodes(graph, &orig, 1);
	if (st)
		return st;
	node = calloc(1, sizeof(*node));
	if (!node)
		return ep_status(ORT_FAIL, "Acceldev: out of memory");
	if (op_check(orig, &node->run.op, why, sizeof(why)) != OP_CLAIM) {
		free(node);
		return ep_status(ORT_EP_FAIL, "Acceldev: node no longer supported: %s", why);
	}
	node_identity(orig, &node->run.op, &node->run);
	if (ep->cfg.context_enable && !node->run.op.from_context) {
		st = context_node(fused, &node->run.op, ctx_node);
		if (st) {
			free(node);
			return st;
		}
	}
	node->base.ort_version_supported = ORT_API_VERSION;
	node->base.CreateState = node_create_state;
	node->base.Compute = node_compute;
	node->base.ReleaseState = node_release_state;
	node->run.ep = ep;
	*info = &node->base;
	return NULL;
}

static OrtStatus *ORT_API_CALL ep_compile(OrtEp *this_ptr, const OrtGraph **graphs,
					  const OrtNode **fused, size_t count,
					  OrtNodeComputeInfo **infos, OrtNode **ep_ctx_nodes)
{
	struct acc_ep *ep = (struct acc_ep *)this_ptr;
	OrtStatus *st = NULL;
	size_t i;

	for (i = 0; i < count; i++) {
		infos[i] = NULL;
		if (ep->cfg.context_enable)
			ep_ctx_nodes[i] = NULL;
	}
	for (i = 0; !st && i < count; i++)
		st = compile_one(ep, graphs[i], fused[i], &infos[i],
				 ep->cfg.context_enable ? &ep_ctx_nodes[i] : NULL);
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

/*
 * The allocator of the session's outputs of our nodes (the memory info
 * every EP device carries): blocks of this EP's device's data buffers.
 */
static OrtStatus *ORT_API_CALL ep_create_allocator(OrtEp *this_ptr, const OrtMemoryInfo *mi,
						   OrtAllocator **alloc)
{
	struct acc_ep *ep = (struct acc_ep *)this_ptr;
	struct devmem *dm;

	*alloc = NULL;
	if (!mi)
		return NULL;
	dm = devmem_create(mi, ep->cfg.index, ep->cfg.node, ep->st.sim, !ep->cfg.device_memory);
	if (!dm)
		return ep_status(ORT_FAIL, "Acceldev: out of memory");
	devmem_set_min_bytes(dm, ep->opened || ep->cfg.min_bytes_set ? ep->cfg.cost.min_bytes :
			     UINT64_MAX);
	ep->dm = dm;
	*alloc = devmem_allocator(dm);
	return NULL;
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
	bool virt = index == VIRTUAL_INDEX;

	if (f->ndev >= MAX_DEVICES)
		return NULL;
	pci_address(index, pci, sizeof(pci));
	memcpy(f->pci[f->ndev], pci, sizeof(pci));
	snprintf(path, sizeof(path), "/dev/acceldev%d", index);
	ort->CreateKeyValuePairs(&meta);
	ort->AddKeyValuePair(meta, "pci_bus_id", virt ? "virtual" : pci);
	if (virt)
		ort->AddKeyValuePair(meta, "is_virtual", "1");
	else
		ort->AddKeyValuePair(meta, "device_path", path);
	st = ep_api->CreateHardwareDevice(OrtHardwareDeviceType_NPU, ACCELDEV_VENDOR_ID,
					  ACCELDEV_DEVICE_ID, "Acceldev", meta, &f->hw[f->ndev]);
	ort->ReleaseKeyValuePairs(meta);
	if (st)
		return st;
	f->index[f->ndev++] = index;
	return NULL;
}

/* ORT's environment option allow_virtual_devices=1 (kOrtEnvAllowVirtualDevices) */
static bool virtual_devices_allowed(void)
{
	OrtKeyValuePairs *env = NULL;
	const char *v;
	bool yes;

	if (ep_api->GetEnvConfigEntries(&env) != NULL || !env)
		return false;
	v = ort->GetKeyValue(env, "allow_virtual_devices");
	yes = v && !strcmp(v, "1");
	ort->ReleaseKeyValuePairs(env);
	return yes;
}

/*
 * The /dev/acceldevN that exist, in index order; then, if the
 * application allows virtual devices, the simulated one.
 */
static OrtStatus *find_devices(struct acc_factory *f)
{
	int index;

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
	return virtual_devices_allowed() ? add_device(f, VIRTUAL_INDEX) : NULL;
}

/* ORT's own hardware device for our function: an NPU 0x0666:0x0019 */
static bool ort_lists_ours(const OrtHardwareDevice *hw)
{
	return ort->HardwareDevice_Type(hw) == OrtHardwareDeviceType_NPU &&
	       ort->HardwareDevice_VendorId(hw) == ACCELDEV_VENDOR_ID &&
	       ort->HardwareDevice_DeviceId(hw) == ACCELDEV_DEVICE_ID;
}

/* PCI address of /dev/accel/accelN's function from sysfs ("" if unknown) */
static void accel_pci_address(const char *idx, char *buf, size_t len)
{
	char path[128], target[PATH_MAX], *end;
	const char *base;
	ssize_t n;
	long v;

	snprintf(buf, len, "%s", "");
	v = strtol(idx, &end, 10);
	if (!*idx || *end || v < 0 || v > 1000000)
		return;
	snprintf(path, sizeof(path), "/sys/class/accel/accel%ld/device", v);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return;
	target[n] = 0;
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) < len)
		memcpy(buf, base, strlen(base) + 1);
}

/*
 * Which of ORT's hardware devices is function i's (hw_of[i], NULL: none):
 * ORT's metadata pci_bus_id names the function, else its accel_idx
 * (/sys/class/accel/accelN/device), else the order (the k-th of ORT's
 * unmatched devices goes to the k-th unmatched function).
 */
static void match_ort_devices(struct acc_factory *f, const OrtHardwareDevice *const *devices,
			      size_t ndevices, const OrtHardwareDevice **hw_of)
{
	const OrtHardwareDevice *rest[MAX_DEVICES];
	size_t nrest = 0, i, j, k = 0;

	for (i = 0; i < f->ndev; i++)
		hw_of[i] = NULL;
	for (j = 0; j < ndevices; j++) {
		const OrtKeyValuePairs *meta;
		const char *bus, *idx;
		char pci[64] = "";
		bool matched = false;

		if (!devices[j] || !ort_lists_ours(devices[j]))
			continue;
		meta = ort->HardwareDevice_Metadata(devices[j]);
		bus = meta ? ort->GetKeyValue(meta, "pci_bus_id") : NULL;
		idx = meta ? ort->GetKeyValue(meta, "accel_idx") : NULL;
		if (bus && *bus)
			snprintf(pci, sizeof(pci), "%s", bus);
		else if (idx)
			accel_pci_address(idx, pci, sizeof(pci));
		for (i = 0; *pci && i < f->ndev && !matched; i++) {
			if (f->index[i] == VIRTUAL_INDEX || hw_of[i] || strcasecmp(f->pci[i], pci))
				continue;
			hw_of[i] = devices[j];
			matched = true;
		}
		if (!matched && !*pci && nrest < MAX_DEVICES)
			rest[nrest++] = devices[j];
		else if (!matched)
			ep_log(f->logger, ORT_LOGGING_LEVEL_INFO,
			       "Acceldev: ORT's NPU at %s is no /dev/acceldevN", pci);
	}
	for (i = 0; i < f->ndev && k < nrest; i++)
		if (f->index[i] != VIRTUAL_INDEX && !hw_of[i])
			hw_of[i] = rest[k++];
}

/*
 * One EP device per function: on ORT's hardware device where ORT lists
 * it, else on ours. Its metadata says which (acceldev.hardware_device
 * "ort" or "ep") and the nodes: acceldev.node, the one an EP instance
 * opens by default (ep.acceldev.node=accel: acceldev.accel_node).
 */
static OrtStatus *ORT_API_CALL f_get_supported(OrtEpFactory *this_ptr,
					       const OrtHardwareDevice *const *devices,
					       size_t ndevices, OrtEpDevice **ep_devices,
					       size_t max, size_t *count)
{
	struct acc_factory *f = (struct acc_factory *)this_ptr;
	const OrtHardwareDevice *hw_of[MAX_DEVICES];
	size_t i;

	match_ort_devices(f, devices, ndevices, hw_of);
	*count = 0;
	for (i = 0; i < f->ndev && *count < max; i++) {
		OrtKeyValuePairs *meta = NULL;
		OrtStatus *st;
		char idx[16], node[64], accel[64];
		bool virt = f->index[i] == VIRTUAL_INDEX;

		ort->CreateKeyValuePairs(&meta);
		if (virt) {
			ort->AddKeyValuePair(meta, "acceldev.index", "virtual");
			ort->AddKeyValuePair(meta, "acceldev.node", "simulated");
		} else {
			snprintf(idx, sizeof(idx), "%d", f->index[i]);
			ort->AddKeyValuePair(meta, "acceldev.index", idx);
			acd_node_path(f->index[i], ACD_NODE_CHARDEV, node, sizeof(node));
			ort->AddKeyValuePair(meta, "acceldev.node", node);
			if (!acd_node_path(f->index[i], ACD_NODE_ACCEL, accel, sizeof(accel)))
				ort->AddKeyValuePair(meta, "acceldev.accel_node", accel);
		}
		ort->AddKeyValuePair(meta, "acceldev.hardware_device", hw_of[i] ? "ort" : "ep");
		if (hw_of[i])
			ep_log(f->logger, ORT_LOGGING_LEVEL_INFO,
			       "Acceldev: /dev/acceldev%d on ORT's hardware device (NPU, PCI %s)",
			       f->index[i], f->pci[i]);
		st = ep_api->CreateEpDevice(this_ptr, hw_of[i] ? hw_of[i] : f->hw[i], meta, NULL,
					    &ep_devices[*count]);
		ort->ReleaseKeyValuePairs(meta);
		if (!st)
			st = ep_api->EpDevice_AddAllocatorInfo(ep_devices[*count], f->mem);
		if (st)
			return st;
		(*count)++;
	}
	return NULL;
}

/* a session option's value into buf, or NULL if it is not set */
static const char *option(const OrtSessionOptions *so, const char *key, char *buf, size_t len)
{
	int has = 0;
	size_t size = len;

	if (!so)
		return NULL;
	ort_ignore(ort->HasSessionConfigEntry(so, key, &has));
	if (!has)
		return NULL;
	if (ort->GetSessionConfigEntry(so, key, buf, &size) != NULL)
		return NULL;
	return buf;
}

/* a positive number option: 0, or -1 if it is not one (value kept) */
static int option_positive(const OrtSessionOptions *so, const char *key, double *value)
{
	char buf[64], *end;
	const char *v = option(so, key, buf, sizeof(buf));
	double x;

	if (!v)
		return 0;
	x = strtod(v, &end);
	if (!*v || *end || !(x > 0) || x > 1e12)
		return -1;
	*value = x;
	return 0;
}

/* an unsigned decimal option: 0, or -1 if it is not one (value kept) */
static int option_u64(const OrtSessionOptions *so, const char *key, uint64_t max,
		      uint64_t *value)
{
	char buf[64], *end;
	const char *v = option(so, key, buf, sizeof(buf));
	unsigned long long x;

	if (!v)
		return 0;
	errno = 0;
	x = strtoull(v, &end, 10);
	if (!*v || *end || errno || x > max || *v == '-')
		return -1;
	*value = x;
	return 0;
}

static OrtStatus *read_config(const OrtSessionOptions *so, const char *idx,
			      struct acc_config *cfg)
{
	uint64_t dev;
	char buf[64];
	const char *v;

	if (!strcmp(idx, "virtual")) {
		cfg->index = VIRTUAL_INDEX;
	} else {
		dev = (uint64_t)atoi(idx);
		if (option_u64(so, "ep.acceldev.device", 63, &dev))
			return ep_status(ORT_INVALID_ARGUMENT,
					 "Acceldev: ep.acceldev.device must be a device number 0..63");
		cfg->index = (int)dev;
	}
	v = option(so, "ep.acceldev.node", buf, sizeof(buf));
	if (!v || !strcmp(v, "chardev"))
		cfg->node = ACD_NODE_CHARDEV;
	else if (!strcmp(v, "accel"))
		cfg->node = ACD_NODE_ACCEL;
	else
		return ep_status(ORT_INVALID_ARGUMENT,
				 "Acceldev: ep.acceldev.node must be chardev or accel");
	cfg->min_bytes_set = option(so, "ep.acceldev.min_bytes", buf, sizeof(buf)) != NULL;
	if (option_u64(so, "ep.acceldev.min_bytes", UINT64_MAX, &cfg->cost.min_bytes))
		return ep_status(ORT_INVALID_ARGUMENT,
				 "Acceldev: ep.acceldev.min_bytes must be a number of bytes");
	if (option_positive(so, "ep.acceldev.latency_us", &cfg->cost.latency_us) ||
	    option_positive(so, "ep.acceldev.fill_mbps", &cfg->cost.fill_mbps) ||
	    option_positive(so, "ep.acceldev.cmd_us", &cfg->cost.cmd_us) ||
	    option_positive(so, "ep.acceldev.copy_mbps", &cfg->cost.copy_mbps) ||
	    option_positive(so, "ep.acceldev.cpu_mbps", &cfg->cost.cpu_mbps))
		return ep_status(ORT_INVALID_ARGUMENT,
				 "Acceldev: ep.acceldev.latency_us, fill_mbps, cmd_us, copy_mbps and "
				 "cpu_mbps must be positive numbers");
	v = option(so, "ep.acceldev.device_memory", buf, sizeof(buf));
	if (v && strcmp(v, "0") && strcmp(v, "1"))
		return ep_status(ORT_INVALID_ARGUMENT, "Acceldev: ep.acceldev.device_memory must be 0 or 1");
	cfg->device_memory = !v || !strcmp(v, "1");
	v = option(so, "ep.context_enable", buf, sizeof(buf));
	cfg->context_enable = v && !strcmp(v, "1");
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
	OrtStatus *st;

	(void)devices;
	if (ndevices < 1)
		return ep_status(ORT_INVALID_ARGUMENT, "Acceldev: no device selected");
	/* a selection policy (PREFER_NPU) may give all our devices: the first */
	if (ndevices > 1)
		ep_log(logger, ORT_LOGGING_LEVEL_INFO,
		       "Acceldev: %zu devices selected, an EP instance uses the first", ndevices);
	idx = ort->GetKeyValue(metas[0], "acceldev.index");
	if (!idx)
		return ep_status(ORT_INVALID_ARGUMENT, "Acceldev: EP device without an index");
	ep = calloc(1, sizeof(*ep));
	if (!ep)
		return ep_status(ORT_FAIL, "Acceldev: out of memory");
	st = read_config(options, idx, &ep->cfg);
	if (st) {
		free(ep);
		return st;
	}
	st = make_kernel_registry(&ep->kernels);
	if (st) {
		if (ep->kernels)
			ep_api->ReleaseKernelRegistry(ep->kernels);
		free(ep);
		return st;
	}
	pthread_mutex_init(&ep->claims_lock, NULL);
	ep->factory = f;
	ep->logger = logger;
	/* no context yet: GetCapability opens it when it claims a node */
	staging_init(&ep->st, ep->cfg.index, ep->cfg.node, ep->cfg.index == VIRTUAL_INDEX);
	ep->base.ort_version_supported = ORT_API_VERSION;
	ep->base.GetName = ep_get_name;
	ep->base.GetCapability = ep_get_capability;
	ep->base.Compile = ep_compile;
	ep->base.ReleaseNodeComputeInfos = ep_release_infos;
	ep->base.IsConcurrentRunSupported = ep_concurrent_run;
	ep->base.CreateAllocator = ep_create_allocator;
	ep->base.GetKernelRegistry = ep_get_kernel_registry;
	if (ep->cfg.min_bytes_set)
		ep_log(logger, ORT_LOGGING_LEVEL_INFO,
		       "Acceldev: EP instance on %s (min_bytes %" PRIu64 "%s)", ep->st.name,
		       ep->cfg.cost.min_bytes, ep->cfg.context_enable ? ", EPContext nodes" : "");
	else
		ep_log(logger, ORT_LOGGING_LEVEL_INFO, "Acceldev: EP instance on %s (cost model%s)",
		       ep->st.name, ep->cfg.context_enable ? ", EPContext nodes" : "");
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
	while (ep->claims) {
		struct claim *c = ep->claims;

		ep->claims = c->next;
		free(c);
	}
	pthread_mutex_destroy(&ep->claims_lock);
	ep_api->ReleaseKernelRegistry(ep->kernels);
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

/*
 * The environment's allocator for our memory info (shared by sessions,
 * so bound to no device): host memory. A session's outputs come from
 * the EP's own (ep_create_allocator).
 */
static OrtStatus *ORT_API_CALL f_create_allocator(OrtEpFactory *this_ptr,
						  const OrtMemoryInfo *mi,
						  const OrtKeyValuePairs *opts,
						  OrtAllocator **alloc)
{
	struct devmem *dm;

	(void)this_ptr;
	(void)opts;
	*alloc = NULL;
	if (!mi)
		return NULL;
	dm = devmem_create(mi, VIRTUAL_INDEX, ACD_NODE_CHARDEV, false, true);
	if (!dm)
		return ep_status(ORT_FAIL, "Acceldev: out of memory");
	*alloc = devmem_allocator(dm);
	return NULL;
}

static void ORT_API_CALL f_release_allocator(OrtEpFactory *this_ptr, OrtAllocator *a)
{
	(void)this_ptr;
	devmem_release(a);
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
	/*
	 * The outputs' memory: the device's data buffers are host RAM the
	 * CPU reads and writes, and ORT 1.30 inserts no copy for memory of
	 * device type CPU (README.md, "Outputs in device memory"). One
	 * object for every EP device: ORT wants the same memory info on all
	 * the devices of one EP instance.
	 */
	st = ort->CreateMemoryInfo_V2("Acceldev", OrtMemoryInfoDeviceType_CPU, ACCELDEV_VENDOR_ID, 0,
				      OrtDeviceMemoryType_DEFAULT, 64, OrtDeviceAllocator, &f->mem);
	if (!st)
		st = find_devices(f);
	if (st) {
		if (f->mem)
			ort->ReleaseMemoryInfo(f->mem);
		free(f);
		return st;
	}
	ep_log(logger, ORT_LOGGING_LEVEL_INFO, "Acceldev: %zu device(s)", f->ndev);
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
	ort->ReleaseMemoryInfo(f->mem);
	free(f);
	return NULL;
}
