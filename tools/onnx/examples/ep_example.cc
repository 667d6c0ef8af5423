// SPDX-License-Identifier: GPL-2.0
/*
 * ep_example.cc - loading the Acceldev EP from C++ (ONNX Runtime's
 * onnxruntime_cxx_api.h): Ort::Env::RegisterExecutionProviderLibrary,
 * then SessionOptions::AppendExecutionProvider_V2 with the EP's device
 * and an option, or the PREFER_NPU selection policy. The same program as
 * ep_example.c:
 *
 *   acceldev-ep-example-cxx [--policy] [--simulate] EP_LIB MODEL
 */
#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include <onnxruntime_cxx_api.h>

int main(int argc, char **argv)
{
	bool policy = false, simulate = false;
	int a = 1;

	for (; a < argc && argv[a][0] == '-'; a++) {
		policy |= !std::strcmp(argv[a], "--policy");
		simulate |= !std::strcmp(argv[a], "--simulate");
	}
	if (argc - a != 2) {
		std::fprintf(stderr, "usage: acceldev-ep-example-cxx [--policy] [--simulate] EP_LIB MODEL\n");
		return 2;
	}
	try {
		Ort::Env env(ORT_LOGGING_LEVEL_ERROR, "example");
		// a name ending in ".virtual" also allows the EP's virtual device
		env.RegisterExecutionProviderLibrary(simulate ? "acceldev.virtual" : "acceldev", argv[a]);
		Ort::SessionOptions so;
		so.AddConfigEntry("session.record_ep_graph_assignment_info", "1");
		if (policy) {
			// ORT picks the EP devices: ours are NPUs
			so.SetEpSelectionPolicy(OrtExecutionProviderDevicePolicy_PREFER_NPU);
			so.AddConfigEntry("ep.acceldev.min_bytes", "0");
		} else {
			std::vector<Ort::ConstEpDevice> mine;
			for (const auto &d : env.GetEpDevices())
				if (!std::strcmp(d.EpName(), "Acceldev") && mine.empty())
					mine.push_back(d);
			if (mine.empty()) {
				std::fprintf(stderr, "no Acceldev EP device\n");
				return 1;
			}
			std::unordered_map<std::string, std::string> opts{ { "min_bytes", "0" } };
			so.AppendExecutionProvider_V2(env, mine, opts);
		}
		Ort::Session s(env, argv[a + 1], so);
		for (const auto &sub : s.GetEpGraphAssignmentInfo())
			for (const auto &n : sub.GetNodes())
				std::printf("node %s: %s\n", n.GetName().c_str(), sub.GetEpName().c_str());

		int64_t shape[2] = { 3, 7 }, dims[1] = { 2 };
		auto mi = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
		Ort::Value in = Ort::Value::CreateTensor<int64_t>(mi, shape, 2, dims, 1);
		const char *in_names[] = { "shape" }, *out_names[] = { "y" };
		auto out = s.Run(Ort::RunOptions{ nullptr }, in_names, &in, 1, out_names, 1);
		const float *y = out[0].GetTensorData<float>();
		size_t n = out[0].GetTensorTypeAndShapeInfo().GetElementCount(), same = 0;

		for (size_t i = 0; i < n; i++)
			same += y[i] == y[0];
		std::printf("y: %zu elements, %zu equal to %g\n", n, same, n ? y[0] : 0.0);
	} catch (const Ort::Exception &e) {
		std::fprintf(stderr, "%s\nEXAMPLE FAILED\n", e.what());
		return 1;
	}
	std::printf("EXAMPLE OK\n");
	return 0;
}
