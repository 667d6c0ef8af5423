#!/usr/bin/python3
"""Host side of one test-VM boot for tools/vmtest.

Starts QEMU, records the serial console, answers monitor requests from the
guest (second serial port), enforces host-side timeouts, and turns the
console log into one verdict per test (see tools/vm/README.md).

  runner.py run   --qemu Q --kernel K --initrd I --rundir D --tests LIST ...
  runner.py shell --qemu Q --kernel K --initrd I --rundir D ...
  runner.py parse --log console.log --tests LIST      (re-parse a log)

Results go to stdout (or --results FILE), one line per test:
  PASS name | FAIL name (reason) | SKIP name
Standard library only.
"""

import argparse
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time

MARK_RE = re.compile(r"\[\s*\d+\.\d+\]\s?(?:\[\s*[CT]\d+\]\s?)?@@VMTEST-(\S+)(?: (.*))?$")
KLINE_RE = re.compile(r"\[\s*\d+\.\d+\]\s?(?:\[\s*[CT]\d+\]\s?)?(.*)$")

# Kernel messages that fail the test during which they appear.
SPLAT_RES = [re.compile(p) for p in (
    r"^(?:\S+: )?BUG:",                      # BUG: KASAN / sleeping function / soft lockup / NULL deref ...
    r"^WARNING:",                            # WARN_ON, lockdep (circular locking, inconsistent state, ...)
    r"^kernel BUG at",
    r"^BUG \S+ \(",                          # slub_debug: "BUG acceldev_cmd (Tainted: ...): Slab has 0 allocated objects but 1 are to be freed"
    r"^Oops",
    r"general protection fault",
    r"^Kernel panic",
    r"^(?:rcu: )?INFO: ",                    # hung task, RCU stall, lockdep "INFO: trying to register non-static key"
    r"blocked for more than \d+ seconds",
    r"possible circular locking|inconsistent lock state|possible recursive locking",
    r"suspicious RCU usage|bad unlock balance|lock held when returning|held lock freed",
    r"sleeping function called from invalid context|scheduling while atomic",
    r"hard LOCKUP|soft lockup",
    r"^DMA-API:",
    r"list_(?:add|del) corruption|list corruption",
    r"^kmemleak: \d+ new suspected memory leak",
    r"^UBSAN:",
    r"^ODEBUG:",
    r"^refcount_t:",
    r"^Unable to handle kernel",
)]
# Harmless lines that would otherwise match.
IGNORE_RES = [re.compile(p) for p in (
    r"^DMA-API: preallocated \d+ debug entries",    # boot info of DMA_API_DEBUG
    r"^DMA-API: debugging enabled by kernel config",
    r"^DMA-API: dma_debug_entry pool grown to \d+",  # many live mappings: info
)]

PSEUDO = ("kmods", "insmod", "rmmod", "kmemleak", "devices")


KCSAN_RE = re.compile(r"^BUG: KCSAN: (.*)$")


def kcsan_reports(text, module):
    """The KCSAN reports in a console log: [(line index of the BUG line,
    title, involves_module)]. A report runs from its "BUG: KCSAN:" line to
    the "=====" line that ends it; it involves MODULE when a frame of its
    stacks is in the module ("func+0x../0x.. [MODULE]")."""
    lines = text.splitlines()
    out = []
    tag = "[%s]" % module
    for i, raw in enumerate(lines):
        k = KLINE_RE.search(raw.replace("\r", ""))
        if not k:
            continue
        m = KCSAN_RE.match(k.group(1).strip())
        if not m:
            continue
        mine = False
        for j in range(i + 1, min(i + 200, len(lines))):
            kj = KLINE_RE.search(lines[j].replace("\r", ""))
            body = kj.group(1).strip() if kj else lines[j]
            if body.startswith("=========="):
                break
            if tag in body:
                mine = True
        out.append((i, m.group(1), mine))
    return out


def is_splat(msg):
    if any(r.search(msg) for r in IGNORE_RES):
        return False
    return any(r.search(msg) for r in SPLAT_RES)


def read_tests(path):
    tests = []
    if path:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if parts:
                    tests.append((parts[0], int(parts[1]) if len(parts) > 1 else 60))
    return tests


# ---------------------------------------------------------------- parsing

class Step:
    def __init__(self, name):
        self.name = name
        self.begun = False
        self.ended = False
        self.rc = None
        self.timeout = False
        self.secs = None
        self.splats = []      # first lines of kernel reports
        self.lines = []       # console lines while the step ran


def parse_log(text, tests, vm_end_reason=None, with_kmemleak=False, label="",
              kcsan_module=None, after_poweroff=None):
    """Return (results, details): results = [(verdict, name, reason)].
    With KCSAN_MODULE, a KCSAN report fails a test only when it involves
    that module (the rest of the kernel's data races are not ours).
    With AFTER_POWEROFF (an AfterPoweroff, or a placeholder that never
    ran, e.g. when re-parsing a log), the tests power the guest off
    themselves: one that is still running when the guest stops gets the
    host's check as its verdict; one that exits 0 fails."""
    steps = {}
    order = []
    current = None
    booted = False
    outside = Step("boot")
    foreign = set()
    if kcsan_module:
        foreign = {i for i, _, mine in kcsan_reports(text, kcsan_module) if not mine}
    for idx, raw in enumerate(text.splitlines()):
        line = raw.replace("\r", "")
        m = MARK_RE.search(line)
        if m:
            kind, rest = m.group(1), (m.group(2) or "")
            if kind == "BOOTED":
                booted = True
            elif kind == "BEGIN":
                name = rest.strip()
                st = steps.get(name) or Step(name)
                steps[name] = st
                st.begun = True
                order.append(name)
                current = st
            elif kind == "END":
                parts = rest.split()
                name = parts[0] if parts else ""
                st = steps.get(name) or Step(name)
                steps[name] = st
                st.ended = True
                kv = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
                try:
                    st.rc = int(kv.get("rc", "1"))
                except ValueError:
                    st.rc = 1
                st.timeout = kv.get("timeout") == "1"
                st.secs = kv.get("secs")
                current = None
            continue
        target = current if current is not None else outside
        target.lines.append(line)
        k = KLINE_RE.search(line)
        if k and is_splat(k.group(1).strip()) and idx not in foreign:
            target.splats.append(k.group(1).strip())

    results = []
    details = {}

    def pname(n):
        return "%s@%s" % (n, label) if label else n

    def kernel_reason(st):
        s = st.splats[0]
        more = " (+%d more)" % (len(st.splats) - 1) if len(st.splats) > 1 else ""
        return "kernel: %s%s" % (s[:120], more)

    # Kernel reports outside any step (boot, between tests)
    if outside.splats:
        results.append(("FAIL", pname("kernel"), kernel_reason(outside) + " outside any test"))
        details[pname("kernel")] = outside.lines
    if not booted:
        results.append(("FAIL", pname("boot"), "VM did not boot to the test init" +
                        (": %s" % vm_end_reason if vm_end_reason else "")))
        details[pname("boot")] = outside.lines[-60:]

    # Pseudo steps (module load/unload, demo device check)
    for ps in ("kmods", "insmod", "devices"):
        st = steps.get(ps)
        if st is None:
            continue
        if st.splats:
            results.append(("FAIL", pname(ps), kernel_reason(st)))
        elif not st.ended:
            results.append(("FAIL", pname(ps), "did not finish: %s" % (vm_end_reason or "VM stopped")))
        elif st.rc != 0:
            # kmods: the init's first "vmtest: ..." complaint says which
            why = [ln.strip() for ln in st.lines if ln.startswith("vmtest: ") and
                   not ln.startswith("vmtest: kernel modules loaded:")]
            results.append(("FAIL", pname(ps), "exit %d%s" % (
                st.rc, ": " + why[0][len("vmtest: "):][:120] if why else "")))
        elif ps == "devices":
            results.append(("PASS", pname(ps), ""))
        else:
            continue
        details[pname(ps)] = st.lines

    if vm_end_reason and "hung in poweroff" in vm_end_reason:
        results.append(("FAIL", pname("poweroff"), vm_end_reason))
        details[pname("poweroff")] = outside.lines[-60:]

    vm_dead = False
    for name, to in tests:
        st = steps.get(name)
        if vm_dead or st is None or not st.begun:
            results.append(("FAIL", name, "not run: %s" % (vm_end_reason or "VM stopped before it")))
            continue
        details[name] = st.lines
        if after_poweroff is not None and not st.ended:
            vm_dead = True
            ap = after_poweroff
            if st.splats:
                results.append(("FAIL", name, kernel_reason(st)))
            elif not ap.ran:
                results.append(("FAIL", name, "did not finish: %s" % (vm_end_reason or "VM stopped")))
            elif ap.shutdown_reason != "guest-shutdown":
                results.append(("FAIL", name, "the guest stopped without powering off (QEMU: %s)" %
                                ap.shutdown_reason))
            elif ap.ok:
                results.append(("PASS", name, ""))
            else:
                results.append(("FAIL", name, ap.reason))
            continue
        if after_poweroff is not None and st.rc == 0 and not st.splats and not st.timeout:
            results.append(("FAIL", name, "exit 0 without powering the guest off"))
            continue
        if not st.ended:
            vm_dead = True
            why = vm_end_reason or "VM stopped during the test"
            if st.splats:
                results.append(("FAIL", name, "%s; %s" % (kernel_reason(st), why)))
            else:
                results.append(("FAIL", name, "did not finish: %s" % why))
            continue
        if st.splats:
            results.append(("FAIL", name, kernel_reason(st)))
        elif st.timeout:
            results.append(("FAIL", name, "timeout after %s s" % to))
        elif st.rc == 0:
            results.append(("PASS", name, ""))
        elif st.rc in (77, 4):
            # 77: automake's skip; 4: kselftest's KSFT_SKIP. The reason:
            # the test's "SKIP: ..." line (acceldev_test.h), if any
            why = [ln.split("SKIP:", 1)[1].strip() for ln in st.lines
                   if ln.lstrip().startswith("SKIP:")]
            results.append(("SKIP", name, why[0] if why else ""))
        elif st.rc > 128:
            sig = st.rc - 128
            try:
                sname = signal.Signals(sig).name
            except ValueError:
                sname = str(sig)
            results.append(("FAIL", name, "killed by %s" % sname))
        else:
            results.append(("FAIL", name, "exit %d" % st.rc))

    for ps in ("demo",):
        st = steps.get(ps)
        if st is None:
            continue
        details[ps] = st.lines
        if st.splats:
            results.append(("FAIL", ps, kernel_reason(st)))
        elif not st.ended:
            results.append(("FAIL", ps, "did not finish: %s" % (vm_end_reason or "VM stopped")))
        elif st.timeout:
            results.append(("FAIL", ps, "timeout"))
        elif st.rc != 0:
            results.append(("FAIL", ps, "exit %d" % st.rc))
        else:
            results.append(("PASS", ps, ""))

    st = steps.get("rmmod")
    if st is not None and (st.splats or not st.ended or st.rc != 0):
        details[pname("rmmod")] = st.lines
        if st.splats:
            results.append(("FAIL", pname("rmmod"), kernel_reason(st)))
        elif not st.ended:
            results.append(("FAIL", pname("rmmod"), "did not finish: %s" % (vm_end_reason or "VM stopped")))
        else:
            results.append(("FAIL", pname("rmmod"), "exit %d" % st.rc))

    if with_kmemleak:
        st = steps.get("kmemleak")
        details[pname("kmemleak")] = st.lines if st else []
        if st is None or not st.ended:
            if not vm_dead:
                results.append(("FAIL", pname("kmemleak"), "scan did not run: %s" %
                                (vm_end_reason or "VM stopped")))
            else:
                results.append(("FAIL", pname("kmemleak"), "not run: VM stopped"))
        elif st.rc != 0:
            first = ""
            for i, l in enumerate(st.lines):
                if l.startswith("unreferenced object 0x"):
                    first = l.strip().rstrip(":")
                    if i + 1 < len(st.lines) and "comm " in st.lines[i + 1]:
                        first += ", " + st.lines[i + 1].strip().split(",")[0]
                    break
            results.append(("FAIL", pname("kmemleak"), "%d leak(s) after rmmod; first: %s" % (
                st.rc, first[:100])))
        elif st.splats:
            results.append(("FAIL", pname("kmemleak"), kernel_reason(st)))
        else:
            results.append(("PASS", pname("kmemleak"), ""))
    return results, details


# ---------------------------------------------------------------- after a power-off

class AfterPoweroff:
    """The host's check of a VM whose test powers the guest off
    (--after-poweroff CHECK): QEMU pauses at the guest's power-off
    (-action shutdown=pause), the runner reads the device model's state
    through QMP, then quits QEMU. The verdict of that VM's test."""

    def __init__(self, check):
        self.check = check
        self.ran = False
        self.ok = False
        self.reason = ""
        self.shutdown_reason = None   # QEMU's SHUTDOWN event: "guest-shutdown", ...
        self.lines = []


STATE_PROPS = ("state-enable", "state-queued", "state-executing", "state-bus-master")


def check_devices_stopped(qmp, devices, res):
    """Check devices-stopped: every Acceldev function (acc0..) is stopped
    with an empty queue and masters no bus cycle, as the model's read-only
    state-* properties (tools/qemu/acceldev.c) say: ENABLE 0, nothing
    queued or executing, Bus Master Enable clear."""
    bad = []
    for i in range(devices):
        path = "/machine/peripheral/acc%d" % i
        st = {}
        for prop in STATE_PROPS:
            r = qmp.command("qom-get", path=path, property=prop)
            if "error" in r:
                res.reason = "qom-get %s %s: %s" % (path, prop, r["error"].get("desc", r["error"]))
                return
            st[prop] = r["return"]
        desc = "acc%d: ENABLE=%d, %d queued, %s, bus master %s" % (
            i, st["state-enable"], st["state-queued"],
            "executing" if st["state-executing"] else "idle",
            "on" if st["state-bus-master"] else "off")
        res.lines.append(desc)
        if any(st[p] for p in STATE_PROPS):
            bad.append(desc)
    res.ok = not bad
    res.reason = "after poweroff: " + "; ".join(bad) if bad else ""


AFTER_POWEROFF_CHECKS = {"devices-stopped": check_devices_stopped}


def after_poweroff_run(qmp, a, res):
    """The guest powered off (QEMU paused): run the check, then quit."""
    res.ran = True
    for ev in qmp.events:
        if ev.get("event") == "SHUTDOWN":
            res.shutdown_reason = ev.get("data", {}).get("reason")
    try:
        AFTER_POWEROFF_CHECKS[a.after_poweroff](qmp, a.devices, res)
    except Exception as e:  # noqa: BLE001
        res.ok = False
        res.reason = "after-poweroff check failed: %s" % e
    with open(os.path.join(a.rundir, "after-poweroff.txt"), "w") as f:
        f.write("check %s; QEMU shutdown reason %s\n" % (a.after_poweroff, res.shutdown_reason))
        for ln in res.lines:
            f.write(ln + "\n")
        f.write(("PASS" if res.ok else "FAIL %s" % res.reason) + "\n")
    if a.verbose:
        sys.stderr.write("[vmtest] after poweroff: %s\n" % "; ".join(res.lines + [res.reason]))
    try:
        qmp.command("quit")
    except Exception:  # noqa: BLE001
        pass   # QEMU gone already: the loop sees it exit


# ---------------------------------------------------------------- QEMU

def connect_unix(path, deadline, proc):
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if proc.poll() is not None:
                raise RuntimeError("QEMU exited (status %s) before %s existed" % (proc.returncode, path))
            if time.time() > deadline:
                raise RuntimeError("timed out connecting to %s" % path)
            time.sleep(0.05)


class Qmp:
    def __init__(self, path, proc):
        self.path = path
        self.proc = proc
        self.sock = None
        self.buf = b""
        self.events = []      # asynchronous events seen so far (dicts)

    def _recv_obj(self, timeout=30):
        end = time.time() + timeout
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                if line.strip():
                    obj = json.loads(line)
                    if "event" not in obj:
                        return obj
                    self.events.append(obj)
            r, _, _ = select.select([self.sock], [], [], max(0.0, end - time.time()))
            if not r:
                raise RuntimeError("QMP: no answer")
            data = self.sock.recv(65536)
            if not data:
                raise RuntimeError("QMP: connection closed")
            self.buf += data

    def _connect(self):
        if self.sock is None:
            self.sock = connect_unix(self.path, time.time() + 10, self.proc)
            self._recv_obj()  # greeting
            self.command("qmp_capabilities")

    def command(self, name, **args):
        self._connect()
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        return self._recv_obj()

    def status(self):
        """QEMU's run state ("running", "suspended", ...), or None."""
        try:
            return self.command("query-status").get("return", {}).get("status")
        except Exception:  # noqa: BLE001
            return None

    def hmp(self, cmdline):
        """Run an HMP command; return (status, output)."""
        try:
            r = self.command("human-monitor-command", **{"command-line": cmdline})
        except Exception as e:  # noqa: BLE001
            return 1, "vmtest: monitor unreachable: %s" % e
        if "error" in r:
            return 1, r["error"].get("desc", str(r["error"]))
        out = r.get("return", "")
        status = 1 if re.search(r"^Error", out, re.M) else 0
        return status, out


def sock_dir(rundir):
    # sun_path is limited to 108 bytes
    if len(os.path.join(os.path.abspath(rundir), "monitor.sock")) < 100:
        return os.path.abspath(rundir)
    return tempfile.mkdtemp(prefix="vmtest-")


def qemu_cmd(a, sdir, interactive):
    append, machine, platform_devs = a.append, "pc", []
    if a.append_extra:
        append += " " + a.append_extra
    if a.platform == "swiotlb":
        # every streaming DMA mapping bounces through the swiotlb pool
        append += " swiotlb=force"
    elif a.platform == "iommu":
        # an emulated Intel IOMMU in strict mode (no lazy IOTLB flush);
        # it must come before the devices it translates for. DMA
        # remapping only: with interrupt remapping, a TCG guest on a
        # busy host sometimes panics in its IO-APIC timer check
        machine = "q35"
        platform_devs = ["-device", "intel-iommu,intremap=off"]
        append += " intel_iommu=on iommu.strict=1"
    cmd = [a.qemu, "-nodefaults", "-nographic", "-no-reboot",
           "-machine", machine, "-smp", str(a.smp), "-m", a.mem,
           "-L", "/usr/share/seabios", "-L", "/usr/share/qemu",
           "-kernel", a.kernel, "-initrd", a.initrd, "-append", append]
    if a.after_poweroff:
        # QEMU stays, paused, once the guest powered off: the devices
        # keep the state the guest's shutdown left them in, for the check
        cmd += ["-action", "shutdown=pause"]
    cmd += platform_devs
    # Named threads ("CPU 0/TCG", "acceldev", ...), for host-side tools
    # (top -H, perf, /proc/PID/task/*/comm) while a VM runs.
    cmd += ["-name", "acceldev-vm,debug-threads=on"]
    if a.kvm:
        cmd += ["-accel", "kvm", "-cpu", "host"]
    else:
        cmd += ["-accel", "tcg"]
    if interactive:
        cmd += ["-chardev", "stdio,id=con0,signal=off"]
    else:
        cmd += ["-chardev", "socket,id=con0,path=%s/console.sock,server=on,wait=on" % sdir]
    cmd += ["-serial", "chardev:con0",
            "-chardev", "socket,id=req0,path=%s/request.sock,server=on,wait=on" % sdir,
            "-serial", "chardev:req0",
            "-monitor", "unix:%s/monitor.sock,server=on,wait=off" % sdir,
            "-qmp", "unix:%s/qmp.sock,server=on,wait=off" % sdir]
    for i in range(a.devices):
        dev = "acceldev,id=acc%d" % i
        if machine == "q35":
            # As on real PCIe machines, each function sits behind a root
            # port of its own: q35's root bus cannot hot-plug, a root
            # port can (ACPI hot-plug, QEMU's default on q35), so
            # device_del / device_add work on this platform too.
            # x-speed: a link QEMU reports up (Data Link Layer Link
            # Active), or the kernel's recovery from a fatal PCIe error
            # waits for it in vain after the secondary bus reset.
            cmd += ["-device", "pcie-root-port,id=rp%d,chassis=%d,bus=pcie.0,"
                    "x-speed=2_5" % (i, i + 1)]
            dev += ",bus=rp%d" % i
        if a.device_opts:
            dev += "," + a.device_opts
        cmd += ["-device", dev]
    cmd += a.extra
    return cmd


def queue_on_suspend(text, pending, mlog):
    """A request "@@VMTEST-MONITOR-ON-SUSPEND DELAY HMP-COMMAND": run the
    command DELAY seconds after QEMU next reports the guest suspended (S3),
    e.g. system_wakeup; given up 120 s after the request if the guest
    never suspends. Returns (status, answer) for the guest at once."""
    parts = text.split(None, 2)
    try:
        delay = float(parts[1])
        cmdline = parts[2].strip()
    except (IndexError, ValueError):
        return 1, "vmtest: usage: vmtest-monitor --on-suspend SECONDS HMP-COMMAND"
    pending.append([cmdline, delay, None, time.time() + 120])
    mlog.write("> (on suspend, after %g s) %s\n< queued\n" % (delay, cmdline))
    mlog.flush()
    return 0, "vmtest: %s queued: it runs %g s after the guest suspends" % (cmdline, delay)


def run_on_suspend(qmp, pending, mlog, verbose):
    """Run the --on-suspend requests that are due (see queue_on_suspend)."""
    now = time.time()
    asleep = any(p[2] is None for p in pending) and qmp.status() == "suspended"
    for p in list(pending):
        cmdline, delay, seen, give_up = p
        if seen is None and asleep:
            p[2] = seen = now
        if seen is not None and now >= seen + delay:
            status, out = qmp.hmp(cmdline)
            mlog.write("> (on suspend, %.1f s after it) %s\n%s\n< status %d\n" % (
                now - seen, cmdline, out.rstrip(), status))
        elif seen is None and now >= give_up:
            mlog.write("> (on suspend) %s\n< dropped: the guest did not suspend within 120 s\n"
                       % cmdline)
        else:
            continue
        mlog.flush()
        if verbose:
            sys.stderr.write("[vmtest] on-suspend request: %s done\n" % cmdline)
        pending.remove(p)


def serve(a, interactive):
    os.makedirs(a.rundir, exist_ok=True)
    sdir = sock_dir(a.rundir)
    for n in ("console.sock", "request.sock", "monitor.sock", "qmp.sock"):
        try:
            os.unlink(os.path.join(sdir, n))
        except FileNotFoundError:
            pass
    cmd = qemu_cmd(a, sdir, interactive)
    with open(os.path.join(a.rundir, "qemu-cmdline"), "w") as f:
        f.write(" ".join("'%s'" % c if " " in c else c for c in cmd) + "\n")
    qerr = open(os.path.join(a.rundir, "qemu-stderr.log"), "wb")
    logf = open(os.path.join(a.rundir, "console.log"), "wb")
    mlog = open(os.path.join(a.rundir, "monitor-requests.log"), "w")
    if interactive:
        proc = subprocess.Popen(cmd, stderr=qerr)
    else:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=qerr, stderr=qerr)
    t0 = time.time()
    end_reason = None
    qmp = Qmp(os.path.join(sdir, "qmp.sock"), proc)
    con = req = None
    try:
        if not interactive:
            con = connect_unix(os.path.join(sdir, "console.sock"), t0 + 30, proc)
        req = connect_unix(os.path.join(sdir, "request.sock"), t0 + 30, proc)
    except RuntimeError as e:
        proc.kill()
        proc.wait()
        qerr.close()
        err = open(os.path.join(a.rundir, "qemu-stderr.log"), errors="replace").read().strip()
        sys.stderr.write("[vmtest] ERROR: %s\n%s\n" % (e, err[-2000:]))
        return None, "QEMU failed to start: %s" % (err.splitlines()[-1] if err else e), None

    timeouts = dict(read_tests(a.tests))
    overall = t0 + a.timeout
    boot_deadline = t0 + a.boot_timeout
    booted = False
    step_deadline = None
    step_name = None
    linebuf = b""
    reqbuf = b""
    socks = [s for s in (con, req) if s is not None]
    live = a.verbose or interactive
    # --on-suspend requests: [HMP command, delay, time asleep seen, give-up time]
    on_suspend = []
    ap = AfterPoweroff(a.after_poweroff) if a.after_poweroff else None
    next_status = 0.0

    while True:
        if proc.poll() is not None and not socks:
            break
        now = time.time()
        dl = overall
        if not booted:
            dl = min(dl, boot_deadline)
        if step_deadline:
            dl = min(dl, step_deadline)
        if now >= dl and not interactive:
            if not booted and now >= boot_deadline:
                end_reason = "no boot marker within %d s, VM killed" % a.boot_timeout
            elif step_deadline and now >= step_deadline:
                end_reason = "VM hung in %s (no end %d s after its timeout), VM killed" % (
                    step_name, a.step_slack)
            else:
                end_reason = "overall VM timeout (%d s), VM killed" % a.timeout
            sys.stderr.write("[vmtest] %s\n" % end_reason)
            proc.kill()
            break
        if ap and booted and not ap.ran and now >= next_status:
            # paused at the guest's power-off: check, then quit
            next_status = now + 0.5
            try:
                r = qmp.command("query-status")
            except Exception:  # noqa: BLE001
                r = {}
            if r.get("return", {}).get("status") == "shutdown":
                after_poweroff_run(qmp, a, ap)
        if not socks:
            try:
                proc.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                pass
            continue
        if on_suspend:
            run_on_suspend(qmp, on_suspend, mlog, a.verbose)
        wait = 0.2 if interactive or on_suspend else max(0.05, min(1.0, dl - now))
        r, _, _ = select.select(socks, [], [], wait)
        for s in r:
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if not data:
                socks.remove(s)
                continue
            if s is con:
                logf.write(data)
                logf.flush()
                if live and not a.quiet_boot:
                    sys.stdout.buffer.write(data)
                    sys.stdout.flush()
                linebuf += data
                while b"\n" in linebuf:
                    line, linebuf = linebuf.split(b"\n", 1)
                    text = line.decode("utf-8", "replace").replace("\r", "")
                    m = MARK_RE.search(text)
                    if live and a.quiet_boot and booted and not m:
                        # demo: the guest's own output, and kernel lines
                        # only when they are a report (the rest, the
                        # driver's too, stays in the console log)
                        k = KLINE_RE.match(text)
                        if not k or is_splat(k.group(1)):
                            sys.stdout.write(text + "\n")
                            sys.stdout.flush()
                    if not m:
                        continue
                    kind, rest = m.group(1), (m.group(2) or "")
                    if kind == "BOOTED":
                        booted = True
                    elif kind == "BEGIN":
                        step_name = rest.strip()
                        to = timeouts.get(step_name, 120)
                        step_deadline = time.time() + to * a.slow + a.step_slack
                        if not live and step_name in timeouts:
                            sys.stderr.write("[vmtest]   running %s\n" % step_name)
                    elif kind == "END":
                        step_deadline = None
                        step_name = None
                    elif kind == "POWEROFF":
                        # a kernel stuck in device_shutdown() or the like
                        step_name = "poweroff"
                        step_deadline = time.time() + a.step_slack * 2
            else:
                reqbuf += data
                while b"\n" in reqbuf:
                    line, reqbuf = reqbuf.split(b"\n", 1)
                    text = line.decode("utf-8", "replace").strip("\r\n\0 ")
                    if text.startswith("@@VMTEST-MONITOR-ON-SUSPEND "):
                        status, out = queue_on_suspend(text, on_suspend, mlog)
                        try:
                            req.sendall(("%s\n@@VMTEST-MONITOR-DONE %d\n" % (out, status)).encode())
                        except OSError:
                            pass
                        continue
                    if not text.startswith("@@VMTEST-MONITOR "):
                        continue
                    cmdline = text[len("@@VMTEST-MONITOR "):].strip()
                    status, out = qmp.hmp(cmdline)
                    mlog.write("> %s\n%s\n< status %d\n" % (cmdline, out.rstrip(), status))
                    mlog.flush()
                    if a.verbose:
                        sys.stderr.write("[vmtest] monitor request: %s -> %d %s\n" % (
                            cmdline, status, out.strip()))
                    reply = ""
                    for ol in out.replace("\r", "").splitlines():
                        reply += ol + "\n"
                    reply += "@@VMTEST-MONITOR-DONE %d\n" % status
                    try:
                        req.sendall(reply.encode())
                    except OSError:
                        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    logf.close()
    mlog.close()
    qerr.close()
    if end_reason is None and proc.returncode not in (0, None) and not interactive:
        err = open(os.path.join(a.rundir, "qemu-stderr.log"), errors="replace").read().strip()
        end_reason = "QEMU exited with status %d%s" % (
            proc.returncode, (": " + err.splitlines()[-1]) if err else "")
    if end_reason is None and ap and ap.ran:
        end_reason = "the guest stopped (QEMU: %s)" % ap.shutdown_reason
    if end_reason is None:
        end_reason = "VM powered off early (crash or panic?)"
    with open(os.path.join(a.rundir, "wall-seconds"), "w") as f:
        f.write("%.1f\n" % (time.time() - t0))
    return os.path.join(a.rundir, "console.log"), end_reason, ap


def report(results, details, out, show_details):
    for verdict, name, reason in results:
        out.write("%s %s%s\n" % (verdict, name, " (%s)" % reason if reason else ""))
        if verdict == "FAIL" and show_details and details.get(name):
            lines = details[name]
            if len(lines) > 80:
                lines = lines[:30] + ["    [... %d lines ...]" % (len(lines) - 60)] + lines[-30:]
            sys.stderr.write("[vmtest] ---- console during %s ----\n" % name)
            for l in lines:
                sys.stderr.write("    | %s\n" % l)
            sys.stderr.write("[vmtest] ---- end of %s ----\n" % name)


def kcsan_summary(log, module):
    """Mode kcsan: one line per distinct report title of LOG, with its
    count and whether it involves MODULE ("mine" / "other"), then
    "total N mine M other O" (reports, not titles)."""
    text = open(log, "rb").read().decode("utf-8", "replace")
    seen = {}
    for _, title, mine in kcsan_reports(text, module):
        key = (title, mine)
        seen[key] = seen.get(key, 0) + 1
    n_mine = sum(c for (t, m), c in seen.items() if m)
    n_other = sum(c for (t, m), c in seen.items() if not m)
    for (title, mine), c in sorted(seen.items(), key=lambda kv: (not kv[0][1], -kv[1])):
        print("%s %d %s" % ("mine" if mine else "other", c, title))
    print("total %d mine %d other %d" % (n_mine + n_other, n_mine, n_other))
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=("run", "shell", "parse", "kcsan"))
    p.add_argument("--qemu")
    p.add_argument("--kernel")
    p.add_argument("--initrd")
    p.add_argument("--append", default="console=ttyS0 ignore_loglevel printk.time=1 panic=-1 rdinit=/init")
    p.add_argument("--append-extra", default="", help="more kernel command-line arguments")
    p.add_argument("--kcsan-module", default=None,
                   help="KCSAN reports fail a test only when a stack frame is in this module;"
                   " mode kcsan: summarise the reports of --log")
    p.add_argument("--rundir", default=".")
    p.add_argument("--tests", help="file with 'name timeout' lines")
    p.add_argument("--devices", type=int, default=2)
    p.add_argument("--device-opts", default="")
    p.add_argument("--platform", choices=("pc", "swiotlb", "iommu"), default="pc",
                   help="DMA platform: plain pc, pc with swiotlb=force, q35 with a strict Intel IOMMU")
    p.add_argument("--smp", type=int, default=2)
    p.add_argument("--mem", default="2G")
    p.add_argument("--kvm", action="store_true")
    p.add_argument("--timeout", type=int, default=600, help="overall VM timeout (s)")
    p.add_argument("--boot-timeout", type=int, default=120)
    p.add_argument("--step-slack", type=int, default=60)
    p.add_argument("--slow", type=float, default=1.0, help="factor on test timeouts (host side)")
    p.add_argument("--kmemleak", action="store_true")
    p.add_argument("--after-poweroff", choices=sorted(AFTER_POWEROFF_CHECKS), default=None,
                   help="the VM's test powers the guest off: QEMU pauses there, this check"
                   " of the device model's state (QMP) gives the test's verdict")
    p.add_argument("--label", default="")
    p.add_argument("--results")
    p.add_argument("--log", help="parse: console log")
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--quiet-boot", action="store_true",
                   help="with --verbose: show nothing before the init, then only the guest's"
                   " output and kernel reports (splats)")
    p.add_argument("--details", action="store_true", help="print console excerpts of failures")
    p.add_argument("extra", nargs="*", help="extra QEMU arguments (after --)")
    a = p.parse_args()

    tests = read_tests(a.tests)
    if a.mode == "kcsan":
        return kcsan_summary(a.log, a.kcsan_module or "acceldev")
    if a.mode == "shell":
        serve(a, True)
        return 0
    ap = None
    if a.mode == "parse":
        log, reason = a.log, "VM stopped"
    else:
        log, reason, ap = serve(a, False)
    text = ""
    if log and os.path.exists(log):
        text = open(log, "rb").read().decode("utf-8", "replace")
    results, details = parse_log(text, tests, reason, a.kmemleak, a.label, a.kcsan_module,
                                 (ap or AfterPoweroff(a.after_poweroff)) if a.after_poweroff else None)
    out = open(a.results, "w") if a.results else sys.stdout
    report(results, details, out, a.details)
    if a.results:
        out.close()
    return 1 if any(v == "FAIL" for v, _, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main())
