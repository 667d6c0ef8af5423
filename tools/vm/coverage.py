#!/usr/bin/python3
"""Coverage helpers for tools/vmtest --deep.

  coverage.py extract --log console.log --under DIR
      writes the .gcda files the guest dumped on its console (tools/vm/init,
      gcov_dump: "@@GCOV-FILE <path> <md5>", base64 lines, "@@GCOV-EOF")
      to <path>, which must lie under DIR (the module's build folder, where
      the .gcno files are); prints "N file(s)"
  coverage.py summary --info FILE --strip PREFIX [--top N]
      line, function and branch coverage per file of an lcov tracefile, the
      totals, then the functions never entered and the longest runs of
      unexecuted lines (the top uncovered areas)

Standard library only.
"""

import argparse
import base64
import hashlib
import os
import re
import sys

FILE_RE = re.compile(r"@@GCOV-FILE (\S+) ([0-9a-f]{32})")


def extract(log, under):
    under = os.path.realpath(under)
    text = open(log, "rb").read().decode("utf-8", "replace")
    n = bad = 0
    path = md5 = None
    chunks = []
    for raw in text.splitlines():
        line = raw.replace("\r", "").strip()
        m = FILE_RE.search(line)
        if m:
            path, md5, chunks = m.group(1), m.group(2), []
            continue
        if path is None:
            continue
        if line.endswith("@@GCOV-EOF"):
            data = base64.b64decode("".join(chunks))
            real = os.path.realpath(path)
            if not real.startswith(under + os.sep):
                sys.stderr.write("coverage: %s is not under %s: skipped\n" % (path, under))
            elif hashlib.md5(data).hexdigest() != md5:
                sys.stderr.write("coverage: %s arrived damaged (md5 differs): skipped\n" % path)
                bad += 1
            else:
                with open(real, "wb") as f:
                    f.write(data)
                n += 1
            path = None
            continue
        # base64 lines only; anything else is a kernel line in between
        if re.fullmatch(r"[A-Za-z0-9+/=]+", line):
            chunks.append(line)
    print("%d file(s)%s" % (n, ", %d damaged" % bad if bad else ""))
    return 0 if n and not bad else 1


def parse_info(path):
    files = {}
    cur = None
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("SF:"):
            cur = {"lines": {}, "fn": {}, "fnline": {}, "br": []}
            files[line[3:]] = cur
        elif cur is None:
            continue
        elif line.startswith("DA:"):
            ln, hits = line[3:].split(",")[:2]
            cur["lines"][int(ln)] = int(hits)
        elif line.startswith("FN:"):
            ln, name = line[3:].split(",", 1)
            cur["fnline"][name] = int(ln)
        elif line.startswith("FNDA:"):
            hits, name = line[5:].split(",", 1)
            cur["fn"][name] = int(hits)
        elif line.startswith("BRDA:"):
            ln, _, _, taken = line[5:].split(",")
            cur["br"].append((int(ln), 0 if taken == "-" else int(taken)))
    return files


def pct(a, b):
    return "%.1f%%" % (100.0 * a / b) if b else "-"


def summary(info, strip, top):
    files = parse_info(info)
    tl = th = tb = tbh = tf = tfh = 0
    print("%-28s %17s %17s %13s" % ("file", "lines", "branches", "functions"))
    for name in sorted(files):
        f = files[name]
        lh = sum(1 for h in f["lines"].values() if h)
        bh = sum(1 for _, t in f["br"] if t)
        fh = sum(1 for h in f["fn"].values() if h)
        tl += len(f["lines"]); th += lh
        tb += len(f["br"]); tbh += bh
        tf += len(f["fn"]); tfh += fh
        short = name[len(strip):].lstrip("/") if name.startswith(strip) else name
        print("%-28s %6s %4d/%-5d %6s %4d/%-5d %6s %d/%d" % (
            short, pct(lh, len(f["lines"])), lh, len(f["lines"]),
            pct(bh, len(f["br"])), bh, len(f["br"]), pct(fh, len(f["fn"])), fh, len(f["fn"])))
    print("%-28s %6s %4d/%-5d %6s %4d/%-5d %6s %d/%d" % (
        "total", pct(th, tl), th, tl, pct(tbh, tb), tbh, tb, pct(tfh, tf), tfh, tf))
    print()
    print("functions never entered:")
    for name in sorted(files):
        f = files[name]
        short = name[len(strip):].lstrip("/") if name.startswith(strip) else name
        dead = sorted((f["fnline"].get(fn, 0), fn) for fn, h in f["fn"].items() if not h)
        for ln, fn in dead:
            print("  %s:%d %s" % (short, ln, fn))
    # runs of unexecuted lines (instrumented lines only; gaps of
    # uninstrumented lines do not end a run)
    runs = []
    for name in files:
        f = files[name]
        short = name[len(strip):].lstrip("/") if name.startswith(strip) else name
        start = prev = None
        count = 0
        for ln in sorted(f["lines"]):
            if f["lines"][ln] == 0:
                if start is None:
                    start, count = ln, 0
                count += 1
                prev = ln
            elif start is not None:
                runs.append((count, short, start, prev))
                start = None
        if start is not None:
            runs.append((count, short, start, prev))
    runs.sort(key=lambda r: (-r[0], r[1], r[2]))
    print()
    print("longest runs of unexecuted lines (lines, place):")
    for count, short, a, b in runs[:top]:
        print("  %3d %s:%d-%d" % (count, short, a, b))
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=("extract", "summary"))
    p.add_argument("--log")
    p.add_argument("--under")
    p.add_argument("--info")
    p.add_argument("--strip", default="")
    p.add_argument("--top", type=int, default=25)
    a = p.parse_args()
    if a.mode == "extract":
        return extract(a.log, a.under)
    return summary(a.info, a.strip, a.top)


if __name__ == "__main__":
    sys.exit(main())
