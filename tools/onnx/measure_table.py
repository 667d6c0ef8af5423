#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn measure.sh's output into tools/onnx/README.md's tables.

Usage: measure_table.py LOG

LOG holds measure.sh's "M MODEL WAY I: ..." lines (the onnx_measure
test's log, or the VM's console log). Prints, in Markdown: the device's
figures (acceldev-bench), then per model and way the medians and ranges
of the whole model's time per run (EP session, CPU-only session), the
node's time (the EP's Compute, the CPU EP's kernel), where ORT put the
node, and for outputs of 16 MiB and more the bound bytes / FILL
bandwidth + one round trip and the node's time over it.
"""
import re
import statistics
import sys
from collections import defaultdict

BYTES = {  # output bytes of each model (make_models.py)
    "cos_4k": 4096,
    "cos_4m_plus_4": 4 * 1048576 + 4,
    "cos_24m_float16": 24 * 1048576,
    "cos_100m": 100 * 1048576,
    "expand_big": 32 * 1048576,
    "eye_double_big": 1024 * 1536 * 8,
}
WAYS = [("cost", "cost model"), ("device", "device memory (min_bytes=0)"),
        ("staging", "staging copy (min_bytes=0, device_memory=0)")]
LINE = re.compile(r"M (\S+) (\S+) (\d+): (.*)$")


def med(v):
    return statistics.median(v) if v else None


def cell(v, fmt="%.3g"):
    if not v:
        return "-"
    return (fmt + " (" + fmt + "–" + fmt + ")") % (med(v), min(v), max(v))


def main():
    d = defaultdict(lambda: defaultdict(list))
    rtt, fill = [], []
    for line in open(sys.argv[1], errors="replace"):
        m = LINE.search(line)
        if not m:
            continue
        model, way, _, text = m.groups()
        if model == "bench":
            nums = re.findall(r"[\d.]+", text.rsplit(")", 1)[-1])
            if text.startswith("(b)") and nums:
                rtt.append(float(nums[0]))
            elif text.startswith("(c)") and nums:
                fill.append(float(nums[0]))
            continue
        k = d[(model, way)]
        b = re.search(r"whole model ([\d.]+) ms/run with Acceldev, ([\d.]+) ms/run CPU only", text)
        if b:
            k["ep"].append(float(b.group(1)))
            k["cpu"].append(float(b.group(2)))
        n = re.search(r"bench node \S+ \(\S+\): Acceldev ([\d.]+) us/run.*; CPU EP ([\d.]+) us/run",
                      text)
        if n:
            k["node_ep"].append(float(n.group(1)) / 1e3)
            k["node_cpu"].append(float(n.group(2)) / 1e3)
        p = re.match(r"node \S+ \((\w+)\): (\S+)$", text)
        if p and p.group(1) in ("ConstantOfShape", "Expand", "EyeLike"):
            k["on"].append("Acceldev" if p.group(2) == "Acceldev" else "CPU EP")
        c = re.search(r"the device may win from (\d+) output bytes on", text)
        if c:
            k["min"].append(int(c.group(1)))
        if "the device is never faster" in text and "cost model of" in text:
            k["min"].append(None)
        if "FAILED" in text:
            k["failed"].append(1)
    r, f = med(rtt), med(fill)
    print("acceldev-bench on /dev/acceldev0, %d runs: RUN+FENCE->WAIT median %s us, "
          "FILL 4 MiB %s MB/s" % (len(rtt), cell(rtt, "%.0f"), cell(fill, "%.0f")))
    print()
    print("| model | way | node placed on | whole model, EP session (ms) | whole model, CPU only (ms) "
          "| the node: EP (ms) | the node: CPU EP (ms) | bound (ms) | EP node / bound |")
    print("|---|---|---|---|---|---|---|---|---|")
    for model in BYTES:
        for way, label in WAYS:
            k = d.get((model, way))
            if not k:
                continue
            on = k["on"]
            where = ", ".join("%s %d/%d" % (w, on.count(w), len(on)) for w in sorted(set(on)))
            if way == "cost" and k["min"]:
                mins = [x for x in k["min"] if x is not None]
                where += "; threshold %s" % (
                    "never" if not mins else "%.0f KiB (median)" % (med(mins) / 1024))
            bound = ratio = "-"
            if r and f and BYTES[model] >= 16 * 1048576:
                bnd = BYTES[model] / f / 1e3 + r / 1e3
                bound = "%.3g" % bnd
                if k["node_ep"] and way != "cost" or (way == "cost" and "Acceldev" in on):
                    ratio = "%.2f" % (med(k["node_ep"]) / bnd) if k["node_ep"] else "-"
            print("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                model, label, where + (" (%d failed)" % len(k["failed"]) if k["failed"] else ""),
                cell(k["ep"]), cell(k["cpu"]), cell(k["node_ep"]), cell(k["node_cpu"]),
                bound, ratio))


if __name__ == "__main__":
    main()
