#!/usr/bin/env python3
"""bench/run.py — dissection cost of troubleshark against plain tshark, per protocol.

For each generated capture it measures wall time and peak RSS (median of --runs runs) of
  summary : tshark -r cap                       (> /dev/null)
  filter  : tshark -r cap -Y '<proto field == value>'
  full    : tshark -r cap -V                    (> /dev/null)
  stats   : tshark -r cap -q -z <proto stats>
each with the plugin's protocol enabled and with --disable-protocol <proto> (the physical limit:
the same tshark reading the same capture without our dissection), and reports the ratios.

    python3 bench/run.py --sizes 10000,100000 --protocols aerospike,trade --runs 3
    python3 bench/run.py --tiny            # seconds; used by the test suite (asserts nothing on time)

The plugin comes from the build tree (TS_PLUGIN or build/troubleshark.so), loaded the same way as
in the tests (private HOME, unprivileged user when root). Results: bench/RESULTS.md (or --out).
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
import tslib  # noqa: E402
import gen  # noqa: E402  (bench/gen.py)


def measure(args, capture, runs):
    """Median wall seconds and median peak RSS (MiB) of `tshark -r capture args`."""
    e = tslib.env()
    cmd = e.prefix + [tslib.TSHARK, "-r", e.readable(capture)] + list(args)
    walls, rss = [], []
    for _ in range(runs):
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=e.env,
                             cwd=e.root)
        _, status, ru = os.wait4(p.pid, 0)
        walls.append(time.monotonic() - t0)
        err = p.stderr.read().decode(errors="replace")
        p.stderr.close()
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError("tshark failed: %s\n%s" % (" ".join(cmd), err[-2000:]))
        rss.append(ru.ru_maxrss / 1024.0)
    return statistics.median(walls), statistics.median(rss)


def machine():
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
    return "%s, %d cores, %.0f GiB RAM, %s, %s" % (cpu, os.cpu_count(), mem, platform.platform(), ver)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--protocols", default=",".join(gen.PROTOCOLS))
    ap.add_argument("--sizes", default="10000,100000,1000000", help="transactions per capture")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workdir", default=os.path.join(tslib.BUILD_DIR, "bench"))
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    ap.add_argument("--tiny", action="store_true", help="100 transactions, 1 run, no RESULTS.md unless --out")
    a = ap.parse_args()
    if a.tiny:
        a.sizes, a.runs = "100", 1
        if a.out == os.path.join(HERE, "RESULTS.md"):
            a.out = os.path.join(a.workdir, "RESULTS-tiny.md")
    os.makedirs(a.workdir, exist_ok=True)
    sizes = [int(s) for s in a.sizes.split(",")]
    protos = [p for p in a.protocols.split(",") if p]
    ok, line = tslib.plugin_status()
    if not ok:
        sys.exit("plugin not loaded: " + line)

    lines = ["# troubleshark benchmark", "",
             "Machine: " + machine(), "",
             "Command: `python3 bench/run.py --protocols %s --sizes %s --runs %d`" % (
                 ",".join(protos), a.sizes, a.runs), "",
             "Each cell: median wall time over %d runs (s) with the protocol enabled / with "
             "`--disable-protocol`, the ratio, and peak RSS (MiB) enabled / disabled." % a.runs, "",
             "| protocol | transactions | capture MiB | mode | enabled s | disabled s | ratio | RSS MiB | RSS disabled | RSS ratio |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    per_tx = {}
    for proto in protos:
        spec = gen.PROTOCOLS[proto]
        for n in sizes:
            cap = os.path.join(a.workdir, "%s-%d.pcap" % (proto, n))
            if not os.path.exists(cap):
                gen.generate(proto, n, cap)
            mib = os.path.getsize(cap) / 2**20
            modes = [("summary", []), ("filter", ["-Y", spec["filter"]]), ("full", ["-V"]),
                     ("stats", ["-q", "-z", spec["stats"]] if spec.get("stats") else None)]
            for mode, args in modes:
                if args is None:
                    continue
                on = measure(args, cap, a.runs)
                off = measure(args + ["--disable-protocol", proto], cap, a.runs)
                ratio = on[0] / off[0] if off[0] else float("nan")
                lines.append("| %s | %d | %.1f | %s | %.3f | %.3f | %.2f | %.0f | %.0f | %.2f |" % (
                    proto, n, mib, mode, on[0], off[0], ratio, on[1], off[1], on[1] / off[1]))
                if mode == "summary":
                    per_tx[(proto, n)] = on[0] / n
                print(lines[-1], flush=True)
    lines += ["", "## Scaling (summary mode, time per transaction)", "",
              "| protocol | " + " | ".join("µs/tx at %d" % n for n in sizes) + " | largest/smallest |",
              "|---|" + "---|" * (len(sizes) + 1)]
    for proto in protos:
        vals = [per_tx[(proto, n)] * 1e6 for n in sizes]
        lines.append("| %s | %s | %.2f |" % (proto, " | ".join("%.2f" % v for v in vals),
                                             vals[-1] / vals[0] if vals[0] else float("nan")))
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("written", a.out)


if __name__ == "__main__":
    main()
