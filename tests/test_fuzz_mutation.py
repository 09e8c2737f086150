"""Mutation fuzzing under AddressSanitizer + UndefinedBehaviorSanitizer (bounded CTest run).

The sanitizer build of the plugin ($TS_BUILD_DIR/asan, -DSANITIZE=address,undefined) is loaded by
the distro tshark with the sanitizer runtimes preloaded, WIRESHARK_DEBUG_WMEM_OVERRIDE=strict and
WIRESHARK_ABORT_ON_DISSECTOR_BUG=1. Every capture the tests know (captures/, the generated seeds of
tests/fuzz/protocols.py, the regression captures, ../shared/captures/*) is mutated in its TCP/UDP
payload only; each round writes 16 mutated copies (own client ports each; a fifth moved to a
fresh port decoded as another of our protocols) and runs `tshark -nVx` and `tshark -2 -n` on it.
A failing round is narrowed to the one copy that fails alone, kept as a capture under
$TS_BUILD_DIR/fuzz-failures/ and printed with the command that replays it exactly.

Rounds: TS_FUZZ_SCALE multiplies them, TS_FUZZ_SEED moves the seeds. Long runs: tests/fuzz/longrun.py
(`cmake --build <build> --target fuzz-long`).
"""
import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fuzz"))

import fuzzlib as F  # noqa: E402
import tslib  # noqa: E402

# rounds x copies per protocol pool in the bounded run
ROUNDS = {"aerospike": 4, "aerospike_cluster": 3, "trade": 3, "hsf2": 3, "rocketmq": 4, "other": 2}
VARIANTS = 16


def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


class MutationHarness(unittest.TestCase):
    """The pieces the verdicts rest on."""

    def test_mutation_touches_only_payload_and_replays_exactly(self):
        seeds = F.generated_seeds(os.path.join(tslib.env().root, "gen"))
        self.assertEqual(sorted(s.protocol for s in seeds), sorted(F.PROTOCOLS))
        for s in seeds:
            frames = s.frames()
            a, strat_a = F.mutate_payloads(frames, 12345)
            b, strat_b = F.mutate_payloads(frames, 12345)
            self.assertEqual([bytes(f.data) for f in a], [bytes(f.data) for f in b], s.name)
            self.assertEqual(strat_a, strat_b)
            changed = 0
            for f0, f1 in zip(frames, a):
                self.assertEqual(len(f0.data), len(f1.data))
                if f0.pay is None:
                    self.assertEqual(f0.data, f1.data)
                    continue
                self.assertEqual(f0.data[:f0.pay], f1.data[:f1.pay], "header bytes changed in " + s.name)
                changed += f0.data[f0.pay:] != f1.data[f1.pay:]
            self.assertGreaterEqual(changed, 1, s.name)
            c, _ = F.mutate_payloads(frames, 54321)
            self.assertNotEqual([bytes(f.data) for f in a], [bytes(f.data) for f in c])

    def test_batch_gives_each_copy_its_own_conversation(self):
        seeds = F.generated_seeds(os.path.join(tslib.env().root, "gen2"))
        path = os.path.join(tslib.env().root, "batch.pcap")
        variants, dargs = F.build_batch(seeds, 7, 12, F.PROTOCOLS, path, cross_rate=0.5)
        self.assertEqual(len(variants), 12)
        _, frames = F.read_pcap(path)
        clients = {}
        for f in frames:
            if f.proto == 6:
                cli = f.sport if f.sport >= 20000 else f.dport
                clients.setdefault(cli, set()).add(f.ts // 100)
        # a client port never appears in two copies
        self.assertTrue(all(len(v) == 1 for v in clients.values()))
        crossed = [v for v in variants if v.cross]
        self.assertTrue(crossed)
        self.assertEqual(len([a for a in dargs if a == "-d"]), len({a for a in dargs if a.startswith(("tcp.", "udp."))}))

    def test_verdict_separates_bugs_from_normal_malformed(self):
        R = F.Result
        ok = R(["tshark"], 0, "Aerospike\n[Malformed Packet: Aerospike]\n[Unreassembled Packet: X]\n"
               "[Reassembly error, protocol TCP: New fragment overlaps old data]", "", 1.0, 1, False, 60)
        self.assertEqual(F.problems(ok, {"Aerospike"}), [])
        cases = [
            (R(["t"], -6, "", "", 1, 1, False, 60), "exit status -6"),
            (R(["t"], 0, "", "==1==ERROR: AddressSanitizer: heap-buffer-overflow", 1, 1, False, 60), "sanitizer"),
            (R(["t"], 0, "", "packet-hsf2.c:10:5: runtime error: shift exponent 64", 1, 1, False, 60), "sanitizer"),
            (R(["t"], 0, "[Dissector bug, protocol HSF2: proto.c:1: failed assertion]", "", 1, 1, False, 60),
             "dissector bug"),
            (R(["t"], 0, "[Reassembly error, protocol RocketMQ: bad]", "", 1, 1, False, 60), "reassembly error"),
            (R(["t"], 0, "", "** (tshark:1) WARNING **: something", 1, 1, False, 60), "stderr"),
            (R(["t"], -9, "", "", 61, 1, True, 60), "timeout"),
        ]
        for res, word in cases:
            self.assertTrue(any(word in p for p in F.problems(res, {"RocketMQ", "HSF2"})), word)


class HarnessCatchesKnownBugs(unittest.TestCase):
    """A deliberately broken plugin (tests/fuzz/canary.c, built here with the sanitizers) is run
    through the same runner and verdict: each planted defect must be reported, the bounds
    exception must not."""

    @classmethod
    def setUpClass(cls):
        import subprocess
        out = os.path.join(F.asan_build_dir() + "-canary")
        os.makedirs(out, exist_ok=True)
        cls.so = os.path.join(out, "tscanary.so")
        glib = subprocess.run(["pkg-config", "--cflags", "--libs", "glib-2.0"], capture_output=True,
                              text=True, check=True).stdout.split()
        inc = subprocess.run(["pkg-config", "--cflags", "wireshark"], capture_output=True, text=True).stdout.split() \
            or ["-I/usr/include/wireshark"]
        r = subprocess.run(["gcc", "-shared", "-fPIC", "-g", "-O1", "-fsanitize=address,undefined",
                            "-fno-omit-frame-pointer", "-o", cls.so, os.path.join(HERE, "fuzz", "canary.c")] +
                           inc + glib + ["-lwireshark", "-lwsutil"], capture_output=True, text=True)
        if r.returncode != 0:
            raise AssertionError("building the canary plugin failed:\n" + r.stderr[-3000:])
        cls.runner = F.Runner("asan", plugin=cls.so)

    def _verdict(self, first_byte):
        from capbuilder import Capture
        cap = Capture()
        c = cap.tcp("10.9.0.1:40000", "10.9.0.2:4999")
        c.c2s(first_byte + b"payload")
        path = cap.write(self.runner.path("canary-%02x.pcap" % first_byte[0]))
        os.chmod(path, 0o644)
        res = self.runner.run(["-n", "-V", "-x", "-d", "tcp.port==4999,tscanary"], capture=path)
        return F.problems(res, {"TSCANARY"}), res

    def test_heap_overflow_reported(self):
        pr, res = self._verdict(b"A")
        self.assertIn("sanitizer report", pr, F.excerpt(res))
        # UBSan's object-size check may see it before ASan does; either report names the line
        self.assertRegex(res.stderr, r"heap-buffer-overflow|insufficient space for an object")
        self.assertIn("canary.c:", res.stderr)

    def test_dissector_bug_aborts_and_is_reported(self):
        pr, res = self._verdict(b"B")
        self.assertTrue(any(p.startswith("exit status") for p in pr), F.excerpt(res))

    def test_undefined_behaviour_reported(self):
        pr, res = self._verdict(b"C")
        self.assertIn("sanitizer report", pr, F.excerpt(res))
        self.assertIn("left shift of negative value", res.stderr)

    def test_wmem_use_after_free_reported(self):
        pr, res = self._verdict(b"D")
        self.assertIn("sanitizer report", pr, F.excerpt(res))
        self.assertIn("use-after-free", res.stderr)

    def test_bounds_exception_is_normal(self):
        pr, res = self._verdict(b"Z")
        self.assertIn("Fuzz harness canary", res.stdout)
        self.assertIn("[Malformed Packet: TSCANARY]", res.stdout)
        self.assertEqual(pr, [], F.excerpt(res))


class MutationFuzz(unittest.TestCase):
    """Mutated captures of every protocol dissect without crash, sanitizer report, dissector bug
    or hang under the sanitizer build."""

    @classmethod
    def setUpClass(cls):
        cls.runner = F.Runner("asan").require_plugin()
        cls.campaign = F.Campaign(cls.runner, log=log)
        cls.seed_dir = cls.runner.path("seeds")
        log("sanitizer plugin %s; protocols %s; heuristics enabled %s; base seed %d" % (
            cls.runner.so, cls.campaign.protocols, cls.campaign.heur, F.base_seed()))

    @classmethod
    def tearDownClass(cls):
        out = os.path.join(F.BUILD_DIR, "fuzz-summary")
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "mutation.json"), "w") as f:
            json.dump(cls.campaign.summary(), f, indent=1, default=str)

    def test_sanitizer_runtime_is_active_in_tshark(self):
        libs = F.sanitizer_runtimes(self.runner.so)
        self.assertTrue(any("libasan" in l for l in libs), libs)
        self.assertTrue(any("libubsan" in l for l in libs), libs)
        # help=1 makes the ASan runtime print its flags at start-up: proof it runs inside tshark
        r = self.runner.run(["-v"], extra_env={"ASAN_OPTIONS": "help=1"})
        self.assertIn("Available flags for AddressSanitizer", r.stderr)
        self.assertEqual(self.runner.base_env["WIRESHARK_DEBUG_WMEM_OVERRIDE"], "strict")
        self.assertEqual(self.runner.base_env["WIRESHARK_ABORT_ON_DISSECTOR_BUG"], "1")

    def _fuzz_pool(self, pool):
        small = F.pool_seeds(pool, self.seed_dir)
        large = F.pool_seeds(pool + "-large", self.seed_dir)
        if not small and not large:
            self.skipTest("no seed captures for %s" % pool)
        rounds = max(1, int(round(ROUNDS[pool] * F.scale())))
        found = []
        for r in range(rounds):
            bs = F.base_seed() * 1000003 + r
            if small:
                log("%s: round %d batch seed %d (%d copies of %d captures)" % (pool, r, bs, VARIANTS, len(small)))
                found += self.campaign.round(pool, small, bs, VARIANTS)
        for i, s in enumerate(large):
            bs = F.base_seed() * 1000003 + i
            log("%s-large#%d: batch seed %d (one mutated copy of %s)" % (pool, i, bs, s.name))
            found += self.campaign.round("%s-large#%d" % (pool, i), [s], bs, 1, cross_rate=0.0)
        plugin = [f for f in found if f["owner"] == "plugin"]
        if plugin:
            first = [f for f in plugin if not f.get("repeat")]
            self.fail("%d failing run(s) in %s, %d distinct:\n\n%s" % (len(plugin), pool, len(first), "\n\n".join(
                "%s\nreplay: %s\nreplay this copy: %s\ncapture: %s\n%s" % (
                    "; ".join(f["problems"]), f["replay"], f.get("replay_one"), f["capture"], f["excerpt"][:4000])
                for f in first)))
        runs = sum(v["tshark_runs"] for p, v in self.campaign.stats.items() if p == pool or p.startswith(pool + "-"))
        self.assertGreaterEqual(runs, 2)

    def test_aerospike_mutations(self):
        self._fuzz_pool("aerospike")

    def test_aerospike_cluster_mutations(self):
        self._fuzz_pool("aerospike_cluster")

    def test_trade_mutations(self):
        self._fuzz_pool("trade")

    def test_hsf2_mutations(self):
        self._fuzz_pool("hsf2")

    def test_rocketmq_mutations(self):
        self._fuzz_pool("rocketmq")

    def test_foreign_protocol_mutations(self):
        """The negative corpus (MySQL, Kafka, Dubbo, HTTP/2 …), mutated, with our heuristics on and
        a fifth of the copies decoded as one of our protocols."""
        self._fuzz_pool("other")

    def test_regression_captures(self):
        """Every capture that once failed (tests/fuzz/regressions) dissects cleanly in both modes."""
        caps = sorted(f for f in os.listdir(F.REGRESSIONS) if f.endswith((".pcap", ".pcapng"))) \
            if os.path.isdir(F.REGRESSIONS) else []
        if not caps:
            self.skipTest("no regression captures yet in " + F.REGRESSIONS)
        for name in caps:
            meta = os.path.join(F.REGRESSIONS, name.rsplit(".", 1)[0] + ".args")
            extra = open(meta).read().split() if os.path.exists(meta) else []
            for mode in F.FUZZ_MODES:
                with self.subTest(capture=name, mode=mode):
                    r = self.runner.run(F.mode_args(mode, extra, self.campaign.heur),
                                        capture=os.path.join(F.REGRESSIONS, name))
                    self.assertEqual(F.problems(r, self.campaign.short), [], F.excerpt(r))


if __name__ == "__main__":
    unittest.main()
