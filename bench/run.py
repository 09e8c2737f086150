#!/usr/bin/env python3
"""bench/run.py — dissection cost of troubleshark against plain tshark, per protocol.

For each generated capture (bench/gen.py) it measures wall time, CPU time (user + system) and
peak RSS — the median of --runs runs, the enabled and the disabled run alternating so machine load
hits both alike — of
  summary : tshark -r cap                                  (stdout to /dev/null)
  filter  : tshark -r cap -Y '<proto>.<field> == <value>'
  full    : tshark -r cap -V                               (stdout to /dev/null)
  stats   : tshark -r cap -q -z <proto statistics>
each with the plugin's protocol enabled and with `--disable-protocol <proto>` (the physical limit:
the same tshark reading the same capture without our dissection), and reports the ratios against
the targets, the scaling of the time per transaction over the sizes, and (--profile) where the
time goes (perf, or callgrind when perf cannot sample).

The ref variant (--ref, summary mode by default) loads the reference dissector tsref.so
(bench/ref-dissector.c, `cmake --build build --target tsref`) instead of troubleshark.so: the same
PDUs framed by tcp_dissect_pdus and nothing else. on − ref is what the plugin costs beyond what
Wireshark's TCP layer costs any dissector that frames these PDUs.

    python3 bench/run.py                                       # all protocols, 10k,100k,1M, 3 runs
    python3 bench/run.py --protocols aerospike,trade --sizes 10k,100k --runs 3 --profile
    python3 bench/run.py --tiny --out /tmp/tiny.md             # seconds; what the test suite runs
    cmake --build build --target bench                         # the full benchmark (cmake/bench.cmake)

The plugin comes from the build tree (--build-dir, default $TS_BUILD_DIR or ./build), loaded as in
the tests (tests/tslib.py: private HOME, unprivileged user when root). Captures are cached in
--workdir (default <build>/bench) and regenerated when the generator changes. Results go to
bench/RESULTS.md (--out); --json writes the raw numbers too.
"""
import argparse
import collections
import json
import os
import platform
import re
import shutil
import statistics
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests"))

MODES = ("summary", "filter", "full", "stats")
TARGETS = {"summary": 1.15, "filter": 1.15, "full": None, "stats": 1.30}
RSS_TARGET = 1.20
SCALING_TARGET = 1.15
ANALYSIS_MARKER = "<!-- analysis: kept when bench/run.py rewrites this file -->"


def parse_size(s):
    s = s.strip().lower()
    mult = 1
    if s.endswith("k"):
        mult, s = 1000, s[:-1]
    elif s.endswith("m"):
        mult, s = 1000000, s[:-1]
    return int(float(s) * mult)


def fmt_size(n):
    if n >= 1000000 and n % 1000000 == 0:
        return "%dM" % (n // 1000000)
    if n >= 1000 and n % 1000 == 0:
        return "%dk" % (n // 1000)
    return str(n)


# -------------------------------------------------------------------------------------------------
class Runner:
    """tshark runs in the tests' private environment; `ref` (a .so path): the ref variant runs in a
    second one whose plugin folder holds only that plugin."""

    def __init__(self, tslib, ref=None):
        self.tslib = tslib
        self.e = tslib.env()
        self.ref_e = tslib.env(ref) if ref else None
        self._paths = {}

    def path(self, capture):
        """The capture as tshark may read it: the file itself when tshark's user can read it
        (no copy of a 1 GB capture), else the tests' world-readable copy."""
        if capture not in self._paths:
            p = os.path.abspath(capture)
            ok = not self.e.prefix or self._world_readable(p)
            self._paths[capture] = p if ok else self.e.readable(p)
        return self._paths[capture]

    @staticmethod
    def _world_readable(p):
        if not os.stat(p).st_mode & 0o004:
            return False
        d = os.path.dirname(p)
        while d and d != "/":
            if not os.stat(d).st_mode & 0o001:
                return False
            d = os.path.dirname(d)
        return True

    def cmd(self, capture, args):
        return self.e.prefix + [self.tslib.TSHARK, "-r", self.path(capture)] + list(args)

    def once(self, capture, args, stdout=subprocess.DEVNULL, e=None):
        """(wall s, cpu s, peak RSS MiB) of one tshark run (in environment e, default the plugin's)."""
        e = e or self.e
        cmd = self.cmd(capture, args)
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, env=e.env, cwd=e.root)
        err = p.stderr.read()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.stderr.close()
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            raise RuntimeError("tshark failed (%d): %s\n%s" % (p.returncode, " ".join(cmd),
                                                               err.decode(errors="replace")[-2000:]))
        return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0

    def output(self, capture, args, e=None):
        e = e or self.e
        return subprocess.run(self.cmd(capture, args), capture_output=True, text=True, errors="replace",
                              env=e.env, cwd=e.root, check=True).stdout

    def variants(self, capture, args, proto, port, runs, floor=True, ref=False):
        """Runs of the enabled protocol (on), the disabled one (off), when `floor` the disabled one
        with the port decoded as plain data (floor: no heuristic dissector tries the payload
        either) and, when `ref`, the same arguments as on with tsref.so loaded instead of the
        plugin (ref), round-robin; returns {variant: (median wall, median cpu, median rss, [runs])}."""
        v = {"on": list(args), "off": list(args) + ["--disable-protocol", proto]}
        if floor:
            v["floor"] = list(args) + ["--disable-protocol", proto, "-d", "tcp.port==%d,data" % port]
        if ref and self.ref_e:
            v["ref"] = list(args)
        got = {k: [] for k in v}
        for _ in range(runs):
            for k, a in v.items():
                got[k].append(self.once(capture, a, e=self.ref_e if k == "ref" else None))
        return {k: tuple(statistics.median(r[i] for r in rs) for i in range(3)) + (rs,)
                for k, rs in got.items()}


def mode_args(mode, man):
    return {"summary": [], "filter": ["-Y", man["filter"]], "full": ["-V"],
            "stats": ["-q", "-z", man["stats"]]}[mode]


# -------------------------------------------------------------------------------------------------
def machine(tslib):
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    ver = subprocess.run([tslib.TSHARK, "--version"], capture_output=True, text=True).stdout
    ver = ver.splitlines()[0] if ver else "tshark ?"
    osname = platform.platform()
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    osname = line.split("=", 1)[1].strip().strip('"') + ", Linux " + platform.release()
    except OSError:
        pass
    return "%s, %d logical CPUs, %.0f GiB RAM; %s; %s" % (cpu, os.cpu_count(), mem, osname, ver)


def build_type(build_dir):
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith("CMAKE_BUILD_TYPE:"):
                    return line.split("=", 1)[1].strip() or "(none)"
    except OSError:
        pass
    return "unknown"


def plugin_protocols(runner):
    out = runner.tslib.run_tshark(["-G", "protocols"]).stdout
    return {line.split("\t")[2] for line in out.splitlines() if line.count("\t") >= 2}


# -------------------------------------------------------------------------------------------------
# The field that marks a response PDU, for protocols whose responses repeat the filter field
# (their request's identity, generated); Trade's filter field (keyword) is never repeated.
RESPONSE_LINK = {"aerospike": "aerospike.response_to", "hsf2": "hsf2.response_to",
                 "rocketmq": "rocketmq.response_to"}


def verify(runner, cap, man):
    """Did the plugin dissect the capture as generated? PDU and filter-field counts, a stats table.
    Returns a dict of (expected, got) pairs and the stats output's first table line."""
    c = man["counts"]
    pf, ff = man["pdu_field"], man["filter_field"]
    out = runner.output(cap, ["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=\x1f",
                              "-E", "separator=\x1e", "-e", pf, "-e", ff])
    n_pdu, n_filter = 0, 0
    for line in out.split("\n"):
        if not line:
            continue
        cols = line.split("\x1e")
        n_pdu += len(cols[0].split("\x1f")) if cols[0] else 0
    # the filter value is counted on requests: responses repeat their request's identity as
    # generated fields, and the generators count the requests (a frame holds PDUs of one direction)
    link = RESPONSE_LINK.get(pf.split(".")[0])
    req = runner.output(cap, (["-Y", "!" + link] if link else []) +
                        ["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=\x1f", "-e", ff])
    for line in req.split("\n"):
        if line:
            n_filter += sum(1 for v in line.split("\x1f") if v == man["filter_value"])
    frames = runner.output(cap, ["-Y", man["filter"], "-T", "fields", "-e", "frame.number"]).split()
    st = runner.output(cap, ["-q", "-z", man["stats"]])
    rows = [l for l in st.splitlines() if "|" in l]
    v = {"pdus": (c.get("pdus", 0), n_pdu), "filter_pdus": (c.get("filter_pdus", 0), n_filter),
         "filter_frames": len(frames), "stats_rows": max(0, len(rows) - 1),
         "stats_head": (st.strip().splitlines() or [""])[0:3]}
    if runner.ref_e:
        v["ref_pdus"] = ref_pdus(runner, cap, man["protocol"])
    return v


def ref_pdus(runner, cap, proto):
    """PDUs the reference dissector framed in the capture (tsref_<proto>.len occurrences)."""
    out = runner.output(cap, ["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
                              "-e", "tsref_%s.len" % proto], e=runner.ref_e)
    return sum(len(line.split(",")) for line in out.split("\n") if line)


# -------------------------------------------------------------------------------------------------
def _perf_samples(perf, data):
    """[(leaf symbol, leaf dso, [(symbol, dso) from leaf to root])] of a perf.data file."""
    out = subprocess.run([perf, "script", "-i", data], capture_output=True, text=True, errors="replace").stdout
    samples = []
    for block in out.split("\n\n"):
        frames = []
        inlined = []
        for line in block.strip().split("\n")[1:]:
            m = re.match(r"^\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$", line)
            if not m:
                continue
            sym, dso = m.group(1).split("+0x")[0], os.path.basename(m.group(2))
            if dso == "inlined":           # an inlined frame belongs to the next real frame's library
                inlined.append(sym)
                continue
            frames += [(x, dso) for x in inlined] + [(sym, dso)]
            inlined = []
        if frames:
            samples.append(frames)
    return samples


def _callgrind(runner, cap, args, workdir, tag):
    out = os.path.join(workdir, "callgrind-%s.out" % tag)
    cmd = runner.e.prefix + ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
                             runner.tslib.TSHARK, "-r", runner.path(cap)] + args
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=runner.e.env, cwd=runner.e.root)
    ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", out], capture_output=True, text=True).stdout
    return ["callgrind (instructions, inclusive), `tshark %s` with the plugin:" % " ".join(args), "", "```"] + \
        ann.splitlines()[:45] + ["```"]


def profile(runner, cap, man, proto, mode, workdir):
    """Where the time goes in one enabled run. perf sampling (cpu-clock, DWARF call stacks) when
    perf can record, else callgrind. Returns markdown lines."""
    args = mode_args(mode, man)
    perf = shutil.which("perf")
    tag = "%s-%s" % (proto, mode)
    data = os.path.join(workdir, "perf-%s.data" % tag)
    if not perf:
        return _callgrind(runner, cap, args, workdir, tag) if shutil.which("valgrind") else ["(no profiler)"]
    cmd = [perf, "record", "-q", "-e", "cpu-clock", "-F", "499", "--call-graph", "dwarf,12288", "-o", data, "--"] + \
        runner.cmd(cap, args)
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=runner.e.env, cwd=runner.e.root)
    if p.returncode != 0 or not os.path.exists(data):
        return _callgrind(runner, cap, args, workdir, tag) if shutil.which("valgrind") else ["(perf failed)"]
    samples = _perf_samples(perf, data)
    try:
        os.unlink(data)
    except OSError:
        pass
    tot = len(samples) or 1
    by_dso = collections.Counter(f[0][1] for f in samples)
    plugin = [f for f in samples if any(d == "troubleshark.so" for _, d in f)]
    incl = collections.Counter()
    leaf = collections.Counter()
    for f in plugin:
        seen = set()
        for sym, d in f:
            if d == "troubleshark.so" and sym not in seen:
                seen.add(sym)
                incl[sym] += 1
        leaf["%s (%s)" % f[0]] += 1
    tcp = collections.Counter()
    for f in samples:
        names = [x for x, _ in f]
        if "tcp_dissect_pdus" in names:
            tcp["under tcp_dissect_pdus (reassembly + the PDU dissector)"] += 1
            if not any(d == "troubleshark.so" for _, d in f):
                tcp["tcp_dissect_pdus itself, outside the plugin (reassembly, PDU framing)"] += 1
    L = ["perf, cpu-clock sampling at 499 Hz with DWARF call stacks: `tshark -r <%s> %s` with the plugin, "
         "%d samples. Self time by library:" % (os.path.basename(cap), " ".join(args), len(samples)), "", "```"]
    L += ["%6.1f%%  %s" % (100.0 * v / tot, k) for k, v in by_dso.most_common(8)]
    L += ["```", "", "Samples with a troubleshark.so frame on the stack (the plugin and what it calls): "
          "**%.1f%%**. Plugin functions, inclusive (%% of all samples):" % (100.0 * len(plugin) / tot), "", "```"]
    L += ["%6.1f%%  %s" % (100.0 * v / tot, k) for k, v in incl.most_common(18)]
    L += ["```", "", "Leaf functions of those samples (where the plugin's time is spent, % of all samples):", "", "```"]
    L += ["%6.1f%%  %s" % (100.0 * v / tot, k) for k, v in leaf.most_common(18)]
    L += ["```"]
    if tcp:
        L += ["", "TCP: " + "; ".join("%s %.1f%%" % (k, 100.0 * v / tot) for k, v in tcp.items()) + "."]
    return L


# -------------------------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--protocols", default="aerospike,trade,hsf2,rocketmq")
    ap.add_argument("--sizes", default="10k,100k,1M", help="transactions per capture (k/M suffixes)")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--large-modes", default="summary,stats",
                    help="modes measured at sizes above --large-from (the full tree of 1M "
                         "transactions takes many minutes per run)")
    ap.add_argument("--large-from", default="100k")
    ap.add_argument("--large-runs", type=int, default=None, help="runs per cell above --large-from (default --runs)")
    ap.add_argument("--large-protocols", default=None,
                    help="protocols measured at sizes above --large-from (default: all)")
    ap.add_argument("--connections", type=int, default=100)
    ap.add_argument("--floor-modes", default="summary,filter,stats",
                    help="modes also measured against the floor: protocol disabled and its port "
                         "decoded as data (no heuristic dissectors either)")
    ap.add_argument("--ref", default=None,
                    help="the reference dissector tsref.so (bench/ref-dissector.c) for the ref variant "
                         "(default <build>/bench/tsref.so when it exists, else no ref variant)")
    ap.add_argument("--ref-modes", default="summary",
                    help="modes also measured with tsref.so loaded instead of the plugin (summary, full: "
                         "the other modes use the plugin's fields)")
    ap.add_argument("--build-dir", default=os.environ.get("TS_BUILD_DIR", os.path.join(SOURCE_DIR, "build")))
    ap.add_argument("--workdir", default=None, help="captures (default <build>/bench)")
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    ap.add_argument("--json", default=None, help="also write the raw numbers here")
    ap.add_argument("--profile", action="store_true",
                    help="profile (perf/callgrind) the largest capture of each protocol when a target is missed")
    ap.add_argument("--no-verify", action="store_true", help="skip the dissection check of the smallest capture")
    ap.add_argument("--tiny", action="store_true",
                    help="200 transactions on 20 connections, 1 run, every mode (seconds): the test "
                         "suite's smoke run")
    a = ap.parse_args()

    build = os.path.abspath(a.build_dir)
    os.environ["TS_BUILD_DIR"] = build
    os.environ.setdefault("TS_PLUGIN", os.path.join(build, "troubleshark.so"))
    os.environ.setdefault("TS_SOURCE_DIR", SOURCE_DIR)
    import tslib  # after TS_BUILD_DIR/TS_PLUGIN are set
    import gen

    if a.tiny:
        a.sizes, a.runs, a.large_from, a.connections = "200", 1, "1M", 20
    workdir = os.path.abspath(a.workdir or os.path.join(build, "bench"))
    os.makedirs(workdir, exist_ok=True)
    os.chmod(workdir, 0o755)
    sizes = sorted(parse_size(s) for s in a.sizes.split(",") if s.strip())
    large_from = parse_size(a.large_from)
    modes = [m for m in a.modes.split(",") if m]
    large_modes = [m for m in a.large_modes.split(",") if m in modes]
    floor_modes = [m for m in a.floor_modes.split(",") if m]
    ref_modes = [m for m in a.ref_modes.split(",") if m]
    for m in [m for m in ref_modes if m not in ("summary", "full")]:
        print("ref variant: mode %s needs the plugin's fields, not measured with tsref.so" % m, flush=True)
    ref_modes = [m for m in ref_modes if m in ("summary", "full")]
    asked = [p for p in a.protocols.split(",") if p]

    ok, line = tslib.plugin_status()
    if not ok:
        sys.exit("plugin not loaded from the build tree: " + line)
    ref = os.path.abspath(a.ref) if a.ref else os.path.join(build, "bench", "tsref.so")
    a.ref_why = None
    if not os.path.exists(ref):
        if a.ref:
            sys.exit("no reference dissector at %s" % ref)
        print("no ref variant: %s not built (cmake --build %s --target tsref)" % (ref, build), flush=True)
        a.ref_why = "`%s` not built (`cmake --build <build> --target tsref`)" % os.path.relpath(ref, SOURCE_DIR)
        ref = None
    elif not ref_modes:
        ref = None
        a.ref_why = "no ref mode asked for (--ref-modes)"
    else:
        ok, line = tslib.plugin_status(ref)
        if not ok:
            sys.exit("reference dissector not loaded: " + line)
    a.ref_path = ref
    runner = Runner(tslib, ref)
    have = plugin_protocols(runner)
    protos, skipped = [], []
    for p in asked:
        avail, why = gen.available(p)
        if not os.path.exists(os.path.join(HERE, "gen_%s.py" % p)):
            skipped.append((p, "no benchmark workload (bench/gen_%s.py)" % p))
        elif p not in have:
            skipped.append((p, "not in this build of the plugin (TS_PROTOCOLS)"))
        elif not avail:
            skipped.append((p, "generator unavailable: " + why))
        else:
            protos.append(p)
    for p, why in skipped:
        print("skipping %s: %s" % (p, why), flush=True)

    load0 = os.getloadavg()
    t_start = time.time()
    empty = os.path.join(workdir, "empty.pcap")
    with open(empty, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, 1))
    os.chmod(empty, 0o644)
    startup = runner.once(empty, [])
    for _ in range(2):
        startup = min(startup, runner.once(empty, []))

    results = []      # dicts
    verified = []
    profiles = {}
    for proto in protos:
        for n in sizes:
            if n > large_from and a.large_protocols is not None and proto not in a.large_protocols.split(","):
                continue
            cap = os.path.join(workdir, "%s-%s.pcap" % (proto, fmt_size(n)))
            t0 = time.monotonic()
            man = gen.cached(proto, n, cap, connections=a.connections)
            gen_s = time.monotonic() - t0
            os.chmod(cap, 0o644)
            print("%s %s: %.1f MiB, %d packets (ready in %.0f s)" % (
                proto, fmt_size(n), os.path.getsize(cap) / 2**20, man["counts"]["packets"], gen_s), flush=True)
            if not a.no_verify and n == sizes[0]:
                v = verify(runner, cap, man)
                verified.append((proto, n, v))
                print("  verify: %s" % json.dumps({k: v[k] for k in ("pdus", "filter_pdus", "filter_frames",
                                                                       "stats_rows", "ref_pdus") if k in v}),
                      flush=True)
            for mode in (large_modes if n > large_from else modes):
                runs = a.large_runs if (n > large_from and a.large_runs) else a.runs
                v = runner.variants(cap, mode_args(mode, man), proto, man["port"], runs,
                                    floor=mode in floor_modes, ref=mode in ref_modes)
                r = {"protocol": proto, "n": n, "mib": os.path.getsize(cap) / 2**20,
                     "packets": man["counts"]["packets"], "pdus": man["counts"].get("pdus", 0), "mode": mode}
                for k, (wall, cpu, rss, runs) in v.items():
                    r.update({k + "_wall": wall, k + "_cpu": cpu, k + "_rss": rss, "runs_" + k: runs})
                results.append(r)
                fl = ("  floor cpu %.3f rss %.0f (on/floor cpu %.2f)" % (r["floor_cpu"], r["floor_rss"],
                                                                     r["on_cpu"] / r["floor_cpu"])
                      if "floor_cpu" in r else "")
                if "ref_cpu" in r:
                    fl += "  ref cpu %.3f rss %.0f (on/ref cpu %.2f rss %.2f)" % (
                        r["ref_cpu"], r["ref_rss"], r["on_cpu"] / r["ref_cpu"], r["on_rss"] / r["ref_rss"])
                print("  %-7s wall %.3f / %.3f = %.2f  cpu %.3f / %.3f = %.2f  rss %.0f / %.0f = %.2f%s" % (
                    mode, r["on_wall"], r["off_wall"], r["on_wall"] / r["off_wall"], r["on_cpu"], r["off_cpu"],
                    r["on_cpu"] / r["off_cpu"], r["on_rss"], r["off_rss"], r["on_rss"] / r["off_rss"], fl),
                    flush=True)
        if a.profile:
            # the largest capture measured in every mode (profiling 1M adds little but minutes)
            full_sizes = [n for n in sizes if n <= large_from] or sizes[:1]
            pn = max(full_sizes)
            cap = os.path.join(workdir, "%s-%s.pcap" % (proto, fmt_size(pn)))
            with open(gen.manifest_path(cap)) as f:
                man = json.load(f)
            for mode in [m for m in ("summary", "stats") if m in modes]:
                print("  profiling %s %s %s ..." % (proto, fmt_size(pn), mode), flush=True)
                profiles[(proto, fmt_size(pn), mode)] = profile(runner, cap, man, proto, mode, workdir)
    load1 = os.getloadavg()
    elapsed = time.time() - t_start

    write_report(a, tslib, build, sizes, large_from, large_modes, protos, skipped, results, verified,
                 profiles, startup, load0, load1, elapsed)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"results": results, "verified": [(p, n, v) for p, n, v in verified],
                       "startup": startup, "skipped": skipped, "ref": a.ref_path}, f, indent=1)
    print("written", a.out)


def _mark(ratio, target):
    if target is None:
        return ""
    return " ✓" if ratio <= target else " ✗"


def write_report(a, tslib, build, sizes, large_from, large_modes, protos, skipped, results, verified,
                 profiles, startup, load0, load1, elapsed):
    cmdline = "python3 bench/run.py " + " ".join(
        x if " " not in x else "'%s'" % x for x in sys.argv[1:])
    L = ["# troubleshark benchmark", "",
         "Generated by `bench/run.py` (the generator is `bench/gen.py` + `bench/gen_<protocol>.py`). "
         "Reproduce with:", "", "```", cmdline.strip(), "```", "",
         "- Machine: " + machine(tslib),
         "- Plugin: %s build of `%s`" % (build_type(build), os.path.relpath(os.path.join(build, "troubleshark.so"),
                                                                             SOURCE_DIR)),
         "- Date: %s; benchmark took %.0f s" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), elapsed),
         "- Load average (1/5/15 min) at start %.2f/%.2f/%.2f, at end %.2f/%.2f/%.2f on %d CPUs%s" % (
             load0 + load1 + (os.cpu_count(), " — **the machine was shared with other jobs**: wall "
                              "times are noisy; CPU time (user+system of tshark) is the steadier measure"
                              if max(load0[0], load1[0]) > 0.5 * os.cpu_count() else "")),
         "- tshark start-up (empty capture, best of 3): wall %.3f s, CPU %.3f s, RSS %.0f MiB" % startup,
         "- Runs per cell: %d (median)%s; the on, off, floor and ref runs of a cell alternate." % (
             a.runs, "; %d above %s" % (a.large_runs, fmt_size(large_from)) if a.large_runs else ""),
         "- Reference dissector (ref): " + (
             "`%s` (bench/ref-dissector.c), %s mode" % (os.path.relpath(a.ref_path, SOURCE_DIR),
                                                          a.ref_modes.replace(",", ", "))
             if a.ref_path else "not measured — " + (a.ref_why or "?")), ""]
    for p, why in skipped:
        L.append("- Not measured: **%s** — %s" % (p, why))
    if skipped:
        L.append("")
    L += ["Each row: `tshark -r <capture> <mode args>` up to four ways, on the same capture, runs interleaved:",
          "",
          "- **on**: the plugin's protocol enabled;",
          "- **off**: `--disable-protocol <proto>` — the issue's reference (\"tshark reading the same capture "
          "with our protocol disabled\"). Beware: TCP then offers every segment to the heuristic dissectors, "
          "which costs tshark more than dissecting the payload does, so **off** is not a floor;",
          "- **floor**: disabled *and* the port decoded as plain data (`-d tcp.port==<port>,data`): no "
          "dissector looks at the payload — the physical limit of reading the capture;",
          "- **ref**: the on run's arguments with the reference dissector `tsref.so` loaded *instead of* the "
          "plugin (bench/ref-dissector.c): the same PDUs framed through `tcp_dissect_pdus` and nothing else. "
          "What ref costs beyond floor is Wireshark's TCP layer (reassembly, multisegment-PDU bookkeeping) "
          "that any such dissector pays; on − ref is the plugin's own cost.",
          "",
          "Ratios use CPU time (user+system of tshark; wall time is in the JSON output and below for on/off). "
          "Target marks ✓/✗ against the issue's reference **off**: summary and filter ≤ 1.15, stats ≤ 1.30, "
          "peak RSS ≤ 1.20; the full tree (`-V`) has no target. Modes at sizes above %s: %s only." % (
              fmt_size(large_from), ", ".join(large_modes)),
          "",
          "| protocol | tx | MiB | packets | mode | on CPU s | off CPU s | floor CPU s | **on/off** | on/floor "
          "| on wall s | off wall s | on RSS MiB | off RSS | floor RSS | **RSS on/off** | RSS on/floor "
          "| ref CPU s | on/ref | ref RSS MiB | RSS on/ref |",
          "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        t = TARGETS.get(r["mode"])
        cr = r["on_cpu"] / r["off_cpu"]
        rr = r["on_rss"] / r["off_rss"]
        has_floor = "floor_cpu" in r
        has_ref = "ref_cpu" in r
        L.append("| %s | %s | %.1f | %d | %s | %.3f | %.3f | %s | %.2f%s | %s | %.3f | %.3f | %.0f | %.0f | %s | %.2f%s | %s "
                 "| %s | %s | %s | %s |" % (
            r["protocol"], fmt_size(r["n"]), r["mib"], r["packets"], r["mode"], r["on_cpu"], r["off_cpu"],
            "%.3f" % r["floor_cpu"] if has_floor else "–", cr, _mark(cr, t),
            "%.2f" % (r["on_cpu"] / r["floor_cpu"]) if has_floor else "–",
            r["on_wall"], r["off_wall"], r["on_rss"], r["off_rss"],
            "%.0f" % r["floor_rss"] if has_floor else "–", rr, _mark(rr, RSS_TARGET),
            "%.2f" % (r["on_rss"] / r["floor_rss"]) if has_floor else "–",
            "%.3f" % r["ref_cpu"] if has_ref else "–", "%.2f" % (r["on_cpu"] / r["ref_cpu"]) if has_ref else "–",
            "%.0f" % r["ref_rss"] if has_ref else "–", "%.2f" % (r["on_rss"] / r["ref_rss"]) if has_ref else "–"))
    L += ["", "## Scaling", "",
          "Summary mode, CPU µs per transaction: gross (whole run / transactions) and net of tshark's "
          "start-up ((run − start-up) / transactions) for on, off, floor and ref; the plugin's own cost per "
          "transaction against the floor ((on − floor) / transactions) and beyond the reference dissector "
          "((on − ref) / transactions). Largest/smallest compares the net "
          "per-transaction time of the largest and the smallest capture (target: within 15 %%, ≤ %.2f)." %
          SCALING_TARGET, "",
          "| protocol | tx | on gross µs/tx | on net µs/tx | off net µs/tx | floor net µs/tx | plugin µs/tx (on − floor) "
          "| ref net µs/tx | plugin beyond ref µs/tx (on − ref) |",
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    scal = []
    su = startup[1]
    for p in protos:
        rows = sorted((r for r in results if r["protocol"] == p and r["mode"] == "summary"), key=lambda r: r["n"])
        for r in rows:
            n = r["n"]
            fl = r.get("floor_cpu")
            rf = r.get("ref_cpu")
            L.append("| %s | %s | %.2f | %.2f | %.2f | %s | %s | %s | %s |" % (
                p, fmt_size(n), r["on_cpu"] / n * 1e6, max(0.0, r["on_cpu"] - su) / n * 1e6,
                max(0.0, r["off_cpu"] - su) / n * 1e6,
                "%.2f" % (max(0.0, fl - su) / n * 1e6) if fl else "–",
                "%.2f" % ((r["on_cpu"] - fl) / n * 1e6) if fl else "–",
                "%.2f" % (max(0.0, rf - su) / n * 1e6) if rf else "–",
                "%.2f" % ((r["on_cpu"] - rf) / n * 1e6) if rf else "–"))
        if len(rows) >= 2:
            a0, a1 = rows[0], rows[-1]

            def net(r, k):
                return max(1e-9, r[k] - su) / r["n"] if k in r else None
            ratios = {k: (net(a1, k) / net(a0, k)) if k in a0 and k in a1 else None
                      for k in ("on_cpu", "off_cpu", "floor_cpu", "ref_cpu")}
            scal.append((p, fmt_size(a0["n"]), fmt_size(a1["n"]), ratios))
    if scal:
        L += ["", "| protocol | sizes | on: net µs/tx largest/smallest | off: same | floor: same | target ≤ %.2f "
              "| ref: same |" % SCALING_TARGET, "|---|---|---:|---:|---:|---|---:|"]
        for p, s0, s1, rt in scal:
            L.append("| %s | %s → %s | %.2f | %.2f | %s |%s | %s |" % (
                p, s0, s1, rt["on_cpu"], rt["off_cpu"], "%.2f" % rt["floor_cpu"] if rt["floor_cpu"] else "–",
                _mark(rt["on_cpu"], SCALING_TARGET), "%.2f" % rt["ref_cpu"] if rt["ref_cpu"] else "–"))
    if verified:
        L += ["", "## Dissection check (smallest capture)", "",
              "The counts the generator wrote in the capture's manifest against what tshark decoded (ref PDUs: "
              "what the reference dissector framed).", "",
              "| protocol | tx | PDUs expected | PDUs decoded | filter PDUs expected | decoded | frames matching the filter "
              "| stats rows | ref PDUs |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for p, n, v in verified:
            L.append("| %s | %s | %d | %d | %d | %d | %d | %d | %s |" % (
                p, fmt_size(n), v["pdus"][0], v["pdus"][1], v["filter_pdus"][0], v["filter_pdus"][1],
                v["filter_frames"], v["stats_rows"], v["ref_pdus"] if "ref_pdus" in v else "–"))
    if profiles:
        L += ["", "## Profiles", ""]
        for (p, size, mode), lines in profiles.items():
            L += ["### %s, %s transactions, %s mode" % (p, size, mode), ""] + lines + [""]
    # the hand-written analysis below the marker survives a re-run
    kept = ""
    try:
        with open(a.out) as f:
            old = f.read()
        if ANALYSIS_MARKER in old:
            kept = old[old.index(ANALYSIS_MARKER):]
    except OSError:
        pass
    with open(a.out, "w") as f:
        f.write("\n".join(L) + "\n")
        if kept:
            f.write("\n" + kept)


if __name__ == "__main__":
    main()
