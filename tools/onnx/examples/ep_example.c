// SPDX-License-Identifier: GPL-2.0
/*
 * ep_example.c - loading the Acceldev EP from C, as tools/onnx/README.md
 * shows it: register the library with the environment, then either pick
 * its EP device and append it (SessionOptionsAppendExecutionProvider_V2,
 * with an option) or let ORT choose by the PREFER_NPU selection policy
 * (options then as session config entries "ep.acceldev.KEY").
 *
 *   acceldev-ep-example [--policy] [--simulate] EP_LIB MODEL
 *
 * MODEL: one input "shape" (int64, 2 values) and one float output, a
 * ConstantOfShape (tests/make_models.py's cos_float). Runs it for shape
 * [3, 7] and prints the output's element count and value.
 */
#include <stdio.h>
#include <string.h>

#include <onnxruntime_c_api.h>

static const OrtApi *ort;

static int ok(OrtStatus *st, const char *what)
{
	if (!st)
		return 1;
	fprintf(stderr, "%s: %s\n", what, ort->GetErrorMessage(st));
	ort->ReleaseStatus(st);
	return 0;
}

/* the first EP device of the Acceldev EP */
static const OrtEpDevice *acceldev_device(OrtEnv *env)
{
	const OrtEpDevice *const *devs;
	size_t n, i;

	if (!ok(ort->GetEpDevices(env, &devs, &n), "GetEpDevices"))
		return NULL;
	for (i = 0; i < n; i++)
		if (!strcmp(ort->EpDevice_EpName(devs[i]), "Acceldev"))
			return devs[i];
	return NULL;
}

/* where ORT put each node (session.record_ep_graph_assignment_info) */
static void show_assignment(OrtSession *s)
{
	const OrtEpAssignedSubgraph *const *subs;
	const OrtEpAssignedNode *const *nodes;
	const char *ep, *name;
	size_t nsubs, nn, i, j;

	if (!ok(ort->Session_GetEpGraphAssignmentInfo(s, &subs, &nsubs), "assignment"))
		return;
	for (i = 0; i < nsubs; i++) {
		if (!ok(ort->EpAssignedSubgraph_GetEpName(subs[i], &ep), "assignment") ||
		    !ok(ort->EpAssignedSubgraph_GetNodes(subs[i], &nodes, &nn), "assignment"))
			return;
		for (j = 0; j < nn; j++)
			if (ok(ort->EpAssignedNode_GetName(nodes[j], &name), "assignment"))
				printf("node %s: %s\n", name, ep);
	}
}

static int run(OrtSession *s)
{
	const int64_t shape[2] = { 3, 7 }, dims[1] = { 2 };
	const char *in_names[] = { "shape" }, *out_names[] = { "y" };
	OrtMemoryInfo *mi = NULL;
	OrtValue *in = NULL, *out = NULL;
	OrtTensorTypeAndShapeInfo *info = NULL;
	const float *y;
	size_t n = 0, i, same = 0;
	int ret = 0;

	if (ok(ort->CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &mi), "memory info") &&
	    ok(ort->CreateTensorWithDataAsOrtValue(mi, (void *)shape, sizeof(shape), dims, 1,
						   ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, &in),
	       "input") &&
	    ok(ort->Run(s, NULL, in_names, (const OrtValue *const *)&in, 1, out_names, 1, &out),
	       "Run") &&
	    ok(ort->GetTensorTypeAndShape(out, &info), "output") &&
	    ok(ort->GetTensorShapeElementCount(info, &n), "output") &&
	    ok(ort->GetTensorData(out, (const void **)&y), "output")) {
		for (i = 0; i < n; i++)
			same += y[i] == y[0];
		printf("y: %zu elements, %zu equal to %g\n", n, same, n ? y[0] : 0.0);
		ret = 1;
	}
	if (info)
		ort->ReleaseTensorTypeAndShapeInfo(info);
	if (out)
		ort->ReleaseValue(out);
	if (in)
		ort->ReleaseValue(in);
	if (mi)
		ort->ReleaseMemoryInfo(mi);
	return ret;
}

int main(int argc, char **argv)
{
	int policy = 0, simulate = 0, a = 1, good = 0;
	const char *keys[] = { "min_bytes" }, *vals[] = { "0" };
	OrtEnv *env = NULL;
	OrtSessionOptions *so = NULL;
	OrtSession *s = NULL;
	const OrtEpDevice *dev;

	for (; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--policy"))
			policy = 1;
		else if (!strcmp(argv[a], "--simulate"))
			simulate = 1;
	}
	if (argc - a != 2) {
		fprintf(stderr, "usage: acceldev-ep-example [--policy] [--simulate] EP_LIB MODEL\n");
		return 2;
	}
	ort = OrtGetApiBase()->GetApi(ORT_API_VERSION);
	if (!ort || !ok(ort->CreateEnv(ORT_LOGGING_LEVEL_ERROR, "example", &env), "CreateEnv"))
		return 1;
	/* a name ending in ".virtual" also allows the EP's virtual device */
	if (!ok(ort->RegisterExecutionProviderLibrary(env, simulate ? "acceldev.virtual" : "acceldev",
						      argv[a]),
		"RegisterExecutionProviderLibrary") ||
	    !ok(ort->CreateSessionOptions(&so), "CreateSessionOptions") ||
	    !ok(ort->AddSessionConfigEntry(so, "session.record_ep_graph_assignment_info", "1"),
		"option"))
		goto out;
	if (policy) {
		/* ORT picks the EP devices: ours are NPUs */
		if (!ok(ort->SessionOptionsSetEpSelectionPolicy(so,
				OrtExecutionProviderDevicePolicy_PREFER_NPU), "selection policy") ||
		    !ok(ort->AddSessionConfigEntry(so, "ep.acceldev.min_bytes", "0"), "option"))
			goto out;
	} else {
		dev = acceldev_device(env);
		if (!dev) {
			fprintf(stderr, "no Acceldev EP device\n");
			goto out;
		}
		if (!ok(ort->SessionOptionsAppendExecutionProvider_V2(so, env, &dev, 1, keys, vals, 1),
			"AppendExecutionProvider_V2"))
			goto out;
	}
	if (!ok(ort->CreateSession(env, argv[a + 1], so, &s), "CreateSession"))
		goto out;
	show_assignment(s);
	good = run(s);
out:
	if (s)
		ort->ReleaseSession(s);
	if (so)
		ort->ReleaseSessionOptions(so);
	if (env)
		ort->ReleaseEnv(env);
	printf("%s\n", good ? "EXAMPLE OK" : "EXAMPLE FAILED");
	return good ? 0 : 1;
}
