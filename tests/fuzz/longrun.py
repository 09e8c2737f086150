#!/usr/bin/env python3
"""Long fuzz runs (hours) and exact replays, with the sanitizer build of the plugin.

  longrun.py --duration 7200 --summary build/fuzz-long/summary.md
      mutation rounds over every pool (each protocol, its large captures, the foreign-protocol
      corpus, with --harvest also the captures other test runs left in /tmp/ts-caps-*) until the
      time is up, then the adversarial cases and (with --valgrind) memcheck over the whole capture
      set; writes <summary>.md and <summary>.json (rewritten after every cycle, so an interrupted
      run still leaves its figures). Exit status 1 when anything failed in the plugin.

  longrun.py --replay --protocol rocketmq --batch-seed 1000004 --variants 16 [--variant 7]
  longrun.py --replay --capture gen/hsf2 --vseed 215445214921821 [--decode-as trade]
      rebuilds exactly that batch (or that one copy of it; the second form needs only the seed
      capture's name and the copy's mutation seed, both printed with every failure), runs
      `tshark -nVx` and `tshark -2 -n` with the sanitizer plugin and prints the verdict and the
      capture path.

Environment as for the tests (TS_BUILD_DIR, TS_PLUGIN, TS_SOURCE_DIR, TS_SHARED_DIR; see fuzzlib).
`cmake --build <build> --target fuzz-long` runs it with TS_FUZZ_LONG_SECONDS (default 7200).
"""
import argparse
import json
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import fuzzlib as F  # noqa: E402


def log(msg):
    sys.stderr.write(time.strftime("%H:%M:%S ") + msg + "\n")
    sys.stderr.flush()


def replay_one(args):
    runner = F.Runner("asan")
    camp = F.Campaign(runner, log=log, attribute=False)
    seeds = [s for s in F.known_seeds(runner.path("seeds"), include_other=True, harvest=args.harvest)
             if s.name == args.capture]
    if not seeds:
        sys.exit("no seed capture named %s" % args.capture)
    out = os.path.abspath(args.out or "replay-%d.pcap" % args.vseed)
    path = runner.path("replay.pcap")
    dargs = F.build_single(seeds[0], args.vseed, path, args.decode_as)
    shutil.copy(path, out)
    return run_replay(runner, camp, path, out, dargs)


def run_replay(runner, camp, path, out, dargs):
    bad = False
    for mode in F.FUZZ_MODES:
        a = F.mode_args(mode, dargs, camp.heur)
        r = runner.run(a, capture=path)
        pr = F.problems(r, camp.short)
        print("%s: %s (%.1f s)" % (mode, "; ".join(pr) or "clean", r.seconds))
        if pr:
            bad = True
            print(F.excerpt(r))
    print("capture: %s\ntshark arguments: %s" % (out, " ".join(F.mode_args("nVx", dargs, camp.heur))))
    sys.exit(1 if bad else 0)


def replay(args):
    if args.capture:
        return replay_one(args)
    runner = F.Runner("asan")
    camp = F.Campaign(runner, log=log, attribute=False)
    seeds = F.pool_seeds(args.protocol, runner.path("seeds"), args.harvest)
    if not seeds:
        sys.exit("no seeds in pool %s" % args.protocol)
    only = None if args.variant is None else [args.variant]
    cross = 0.0 if "-large" in args.protocol else 0.2
    out = os.path.abspath(args.out or "replay-%s-%d%s.pcap" % (
        args.protocol.replace("#", "_"), args.batch_seed, "" if args.variant is None else "-v%d" % args.variant))
    path = runner.path("replay.pcap")
    variants, dargs = F.build_batch(seeds, args.batch_seed, args.variants, camp.protocols, path, cross, only=only)
    shutil.copy(path, out)
    for i, v in enumerate(variants):
        if v is not None:
            print("copy %d: %r" % (i, v))
    return run_replay(runner, camp, path, out, dargs)


def markdown(summary):
    lines = ["# troubleshark long fuzz run", "",
             "Started %s, %.0f s of mutation rounds, base seed %d, sanitizer plugin `%s`." % (
                 summary["started"], summary["mutation_seconds"], summary["base_seed"], summary["plugin"]),
             "", "| pool | rounds | mutated captures | distinct seed captures | tshark runs | failures | longest run (s) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for pool, st in sorted(summary["mutation"]["pools"].items()):
        lines.append("| %s | %d | %d | %d | %d | %d | %.1f |" % (pool, st["rounds"], st["variants"], st["captures"],
                                                              st["tshark_runs"], st["failures"], st["max_seconds"]))
    m = summary["mutation"]
    lines += ["", "Longest single tshark run: %.1f s (%s)." % (m["longest_run_seconds"], m["longest_run"]),
              "Failures in the plugin: %d; failures of Wireshark itself (same bytes fail without the plugin): %d." % (
                  len(m["failures"]), len(m["wireshark_bugs"]))]
    for f in m["failures"] + m["wireshark_bugs"]:
        lines += ["", "- **%s** %s — %s" % (f["owner"], f["variant"], "; ".join(f["problems"])),
                  "  replay: `%s`" % f["replay"], "  capture: `%s`" % f["capture"]]
    if summary.get("adversarial"):
        a = summary["adversarial"]
        lines += ["", "Adversarial cases: %d cases, %d tshark runs, %d failing cases, longest run %.1f s, max RSS %.0f MiB." % (
            a["cases"], a["runs"], len(a["failing"]), a["max_seconds"], a["max_rss_mib"])]
        for c in a["failing"]:
            lines.append("- %s: %s" % (c["case"], "; ".join(c["problems"])))
    if summary.get("valgrind"):
        v = summary["valgrind"]
        lines += ["", "valgrind memcheck: %d captures, %d frames, %.0f s; errors with the plugin on the stack: %d; "
                      "other unsuppressed errors: %d; frames tshark printed: %s." % (
                      v["captures"], v["frames"], v["seconds"], v["plugin_errors"], v["other_errors"],
                      v.get("frames_shown"))]
        for e in v.get("plugin_error_texts", []):
            lines += ["", "```", e, "```"]
    return "\n".join(lines) + "\n"


def adversarial_all(runner, camp):
    import adversarial as ADV
    res = {"cases": 0, "runs": 0, "failing": [], "max_seconds": 0.0, "max_rss_mib": 0.0}
    for proto, build in ADV.ALL.items():
        if proto not in camp.names:
            continue
        for case in build():
            p = runner.path("adv.pcap")
            ADV.write_cases(p, [case])
            res["cases"] += 1
            for mode in F.FUZZ_MODES:
                r = runner.run(list(F.FUZZ_MODES[mode]), capture=p, timeout=60)
                res["runs"] += 1
                res["max_seconds"] = max(res["max_seconds"], round(r.seconds, 2))
                res["max_rss_mib"] = max(res["max_rss_mib"], round(r.maxrss_kib / 1024.0, 1))
                pr = F.problems(r, camp.short)
                if r.seconds > 30:
                    pr.append("took %.1f s" % r.seconds)
                if pr:
                    res["failing"].append({"case": repr(case), "mode": mode, "problems": pr})
                    log("adversarial %r %s: %s" % (case, mode, "; ".join(pr)))
                    break
    return res


def valgrind_all(runner_unused):
    sys.path.insert(0, os.path.dirname(HERE))
    import test_fuzz_valgrind as TV
    vr = F.Runner("valgrind")
    seeds, path = TV.capture_set(vr, max_frames=0)
    _, frames = F.read_pcap(path)
    xml = vr.path("memcheck.xml")
    supp = vr.path("valgrind.supp")
    shutil.copy(TV.SUPP, supp)
    os.chmod(supp, 0o644)
    wrapper = ["valgrind", "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=definite",
               "--errors-for-leak-kinds=definite", "--num-callers=40", "--suppressions=" + supp,
               "--xml=yes", "--xml-file=" + xml, "--keep-debuginfo=yes"]
    r = vr.run(["-2", "-V"], capture=path, wrapper=wrapper, timeout=6 * 3600)
    errors = TV.parse_memcheck_xml(xml)
    plugin = [e for e in errors if TV.ours(e)]
    import re
    return {"captures": len(seeds), "frames": len(frames), "seconds": round(r.seconds, 1),
            "frames_shown": len(re.findall(r"(?m)^Frame \d+: ", r.stdout)), "exit": r.rc,
            "plugin_errors": len(plugin), "other_errors": len(errors) - len(plugin),
            "plugin_error_texts": [TV.fmt(e) for e in plugin]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=float, default=float(os.environ.get("TS_FUZZ_LONG_SECONDS", "7200")))
    ap.add_argument("--summary", default=os.path.join(F.BUILD_DIR, "fuzz-long", "summary.md"))
    ap.add_argument("--seed", type=int, default=F.base_seed())
    ap.add_argument("--variants", type=int, default=16)
    ap.add_argument("--harvest", nargs="?", const=True, default=False,
                    help="also fuzz the captures other test runs left in /tmp/ts-caps-* (copied into "
                         "<summary folder>/harvested first); with a folder: the captures there")
    ap.add_argument("--valgrind", action="store_true", help="memcheck over the whole capture set at the end")
    ap.add_argument("--no-adversarial", action="store_true")
    ap.add_argument("--replay", action="store_true")
    ap.add_argument("--protocol", help="pool to replay (e.g. rocketmq, hsf2-large#0, other)")
    ap.add_argument("--batch-seed", type=int)
    ap.add_argument("--variant", type=int)
    ap.add_argument("--out", help="where the replayed capture is written")
    ap.add_argument("--capture", help="replay one copy: the seed capture's name (as printed)")
    ap.add_argument("--vseed", type=int, help="with --capture: the copy's mutation seed")
    ap.add_argument("--decode-as", help="with --capture: the protocol a cross copy was decoded as")
    args = ap.parse_args()
    if args.replay:
        if not args.capture and (args.protocol is None or args.batch_seed is None):
            ap.error("--replay needs --protocol and --batch-seed, or --capture and --vseed")
        return replay(args)

    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    runner = F.Runner("asan")
    ok, line = runner.plugin_loaded()
    if not ok:
        sys.exit("sanitizer plugin not loaded:\n" + line)
    camp = F.Campaign(runner, log=log, failures_dir=os.path.join(os.path.dirname(os.path.abspath(args.summary)),
                                                                  "failures"))
    seed_dir = runner.path("seeds")
    os.makedirs(os.path.dirname(os.path.abspath(args.summary)), exist_ok=True)
    if args.harvest is True:
        # a snapshot: other test runs delete their folders while we fuzz
        import glob
        snap = os.path.join(os.path.dirname(os.path.abspath(args.summary)), "harvested")
        os.makedirs(snap, exist_ok=True)
        for p in glob.glob("/tmp/ts-caps-*/*.pcap*"):
            try:
                shutil.copy(p, os.path.join(snap, os.path.basename(os.path.dirname(p)) + "-" + os.path.basename(p)))
            except OSError:
                pass
        args.harvest = snap
        camp.replay_extra = " --harvest %s" % snap
        log("harvested %d captures into %s (replay with --harvest %s)" % (len(os.listdir(snap)), snap, snap))
    pools = []
    for proto in camp.protocols + ["other"] + (["harvested"] if args.harvest else []):
        small = F.pool_seeds(proto, seed_dir, args.harvest)
        if small:
            pools.append((proto, small, args.variants, 0.2))
        for i, s in enumerate(F.pool_seeds(proto + "-large", seed_dir, args.harvest)):
            pools.append(("%s-large#%d" % (proto, i), [s], 1, 0.0))
    summary = {"started": started, "base_seed": args.seed, "plugin": runner.so, "mutation_seconds": 0.0}
    t0 = time.monotonic()
    cycle = 0

    frozen = {}

    def write():
        summary["mutation"] = camp.summary()
        summary["mutation_seconds"] = frozen.get("s", round(time.monotonic() - t0, 1))
        base = os.path.splitext(args.summary)[0]
        with open(base + ".json", "w") as f:
            json.dump(summary, f, indent=1, default=str)
        with open(args.summary, "w") as f:
            f.write(markdown(summary))

    while time.monotonic() - t0 < args.duration:
        for pool, seeds, nv, cross in pools:
            if time.monotonic() - t0 >= args.duration:
                break
            bs = args.seed * 1000003 + cycle
            camp.round(pool, seeds, bs, nv, cross)
        cycle += 1
        write()
        log("cycle %d done: %s" % (cycle, ", ".join("%s %d" % (p, s["variants"]) for p, s in camp.stats.items())))
    frozen["s"] = round(time.monotonic() - t0, 1)
    write()
    if not args.no_adversarial:
        summary["adversarial"] = adversarial_all(runner, camp)
    if args.valgrind:
        summary["valgrind"] = valgrind_all(runner)
    write()
    log("summary: %s" % args.summary)
    bad = camp.failures or (summary.get("adversarial") or {}).get("failing") or \
        (summary.get("valgrind") or {}).get("plugin_errors")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
