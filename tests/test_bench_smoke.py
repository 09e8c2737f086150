"""The benchmark keeps working: a tiny run (200 transactions per protocol, one run per cell) of the
generator (bench/gen.py) and the runner (bench/run.py --tiny).

Nothing about time is asserted. What is: every protocol of this build that has a workload
(bench/gen_<proto>.py) is generated and measured in all four modes with both the enabled and the
disabled protocol; the report has those rows; and the plugin decoded the generated captures
exactly as generated — the number of PDUs and of PDUs carrying the filter value equal the
generator's manifest, the filter mode matches frames, and the statistics table has rows.

The reference dissector (bench/ref-dissector.c, tsref.so: run.py's ref variant) is built here and
must frame a generated capture exactly as the plugin does: the same number of PDUs and the same
reassembled PDUs (tcp.reassembled.length), so a change of either framing fails the test.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import tslib

BENCH = os.path.join(tslib.SOURCE_DIR, "bench")
sys.path.insert(0, BENCH)
import gen  # noqa: E402

MODES = ("summary", "filter", "full", "stats")
_TSREF = {}


def build_tsref():
    """Path of a fresh <build>/bench/tsref.so (cmake --build <build> --target tsref); SkipTest when
    this build has no such target (an older cmake/bench.cmake)."""
    if "path" not in _TSREF:
        p = subprocess.run(["cmake", "--build", tslib.BUILD_DIR, "--target", "tsref"], capture_output=True,
                           text=True, timeout=300)
        out = p.stdout + p.stderr
        if p.returncode != 0 and ("No rule to make target" in out or "unknown target" in out):
            _TSREF["path"] = None
        elif p.returncode != 0:
            raise AssertionError("cmake --build --target tsref failed:\n" + out[-3000:])
        else:
            _TSREF["path"] = os.path.join(tslib.BUILD_DIR, "bench", "tsref.so")
    if not _TSREF["path"]:
        raise unittest.SkipTest("this build has no tsref target (cmake/bench.cmake)")
    return _TSREF["path"]


def protocols_of_build():
    return tslib.generated_protocols()


class BenchSmoke(tslib.PluginTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.protos = protocols_of_build()
        cls.work = tempfile.mkdtemp(prefix="ts-bench-")
        os.chmod(cls.work, 0o755)
        cls.addClassCleanup(shutil.rmtree, cls.work, True)
        cls.out = os.path.join(cls.work, "RESULTS-tiny.md")
        cls.json = os.path.join(cls.work, "results.json")
        try:
            cls.ref = build_tsref()
        except unittest.SkipTest:
            cls.ref = None
        cmd = [sys.executable, os.path.join(BENCH, "run.py"), "--tiny", "--protocols", ",".join(cls.protos),
               "--workdir", cls.work, "--out", cls.out, "--json", cls.json, "--build-dir", tslib.BUILD_DIR]
        if cls.ref:
            cmd += ["--ref", cls.ref]
        cls.proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if cls.proc.returncode != 0:
            raise AssertionError("bench/run.py --tiny failed:\n%s\n%s" % (cls.proc.stdout[-3000:],
                                                                        cls.proc.stderr[-3000:]))
        with open(cls.json) as f:
            cls.raw = json.load(f)
        with open(cls.out) as f:
            cls.report = f.read()

    def test_every_protocol_of_the_build_measured_in_all_modes(self):
        self.assertEqual(self.raw["skipped"], [])
        got = sorted((r["protocol"], r["mode"]) for r in self.raw["results"])
        self.assertEqual(got, sorted((p, m) for p in self.protos for m in MODES))
        for r in self.raw["results"]:
            self.assertEqual(r["n"], 200)
            self.assertEqual(len(r["runs_on"]), 1)
            self.assertEqual(len(r["runs_off"]), 1)
            # the floor (port decoded as data) is measured in every mode but the full tree
            self.assertEqual(len(r.get("runs_floor", [])), 0 if r["mode"] == "full" else 1)
            # the reference dissector: summary mode only (the default --ref-modes)
            self.assertEqual(len(r.get("runs_ref", [])), 1 if self.ref and r["mode"] == "summary" else 0)
            self.assertGreater(r["on_cpu"], 0)
            self.assertGreater(r["off_rss"], 0)

    def test_generated_pdus_all_decoded(self):
        checked = {p: v for p, n, v in self.raw["verified"]}
        self.assertEqual(sorted(checked), sorted(self.protos))
        for p, v in checked.items():
            with self.subTest(protocol=p):
                expected, decoded = v["pdus"]
                self.assertGreater(expected, 200)          # at least one request and one response per tx
                self.assertEqual(decoded, expected)
                expected, decoded = v["filter_pdus"]
                self.assertGreater(expected, 0)
                self.assertEqual(decoded, expected)
                self.assertGreater(v["filter_frames"], 0)
                self.assertGreater(v["stats_rows"], 0)
                if self.ref:
                    self.assertEqual(v["ref_pdus"], v["pdus"][0])    # the ref variant framed them all

    def test_captures_have_the_manifest_counts(self):
        for p in self.protos:
            with self.subTest(protocol=p):
                cap = os.path.join(self.work, "%s-200.pcap" % p)
                with open(gen.manifest_path(cap)) as f:
                    man = json.load(f)
                c = man["counts"]
                self.assertEqual(c["transactions"], 200)
                self.assertGreaterEqual(c["connections"], 20)
                # pcap: 24-byte header, then 16 bytes per packet record plus the frame
                self.assertEqual(os.path.getsize(cap), 24 + 16 * c["packets"] + c["bytes"])
                self.assertEqual(len(tslib.frames(cap, "frame", two_pass=False)), c["packets"])

    def test_report_has_a_row_per_cell_and_the_command(self):
        self.assertIn("python3 bench/run.py --tiny", self.report)
        self.assertIn("Machine: ", self.report)
        for p in self.protos:
            for m in MODES:
                self.assertRegex(self.report, r"\n\| %s \| 200 \| [0-9.]+ \| [0-9]+ \| %s \| [0-9.]+ \| [0-9.]+ \|" % (p, m))
        self.assertIn("## Scaling", self.report)
        self.assertIn("## Dissection check", self.report)


class RefFraming(tslib.PluginTestCase):
    """tsref.so frames a generated capture (200 transactions, every benchmarked protocol of the
    build) as the plugin does: per frame, the same number of PDUs, and the same reassembled PDUs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.protos = protocols_of_build()
        cls.ref = build_tsref()
        ok, line = tslib.plugin_status(cls.ref)
        if not ok:
            raise AssertionError("tsref.so from the build tree is not loaded by tshark:\n" + line)

    @staticmethod
    def framing(cap, pdu_field, plugin=None):
        """{frame number: (PDUs, reassembled lengths)} of frames with a PDU or a reassembly."""
        out = tslib.run_tshark(["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,", "-e", "frame.number",
                                "-e", pdu_field, "-e", "tcp.reassembled.length"], capture=cap, plugin=plugin).stdout
        got = {}
        for line in out.splitlines():
            num, pdus, reasm = line.split("\t")
            if pdus or reasm:
                got[int(num)] = (len(pdus.split(",")) if pdus else 0, reasm)
        return got

    def test_same_pdus_and_reassembly_as_the_plugin(self):
        for p in self.protos:
            with self.subTest(protocol=p):
                cap = os.path.join(self.tmp, "%s-200.pcap" % p)
                man = gen.cached(p, 200, cap, connections=20)
                ours = self.framing(cap, man["pdu_field"])
                ref = self.framing(cap, "tsref_%s.len" % p, plugin=self.ref)
                self.assertEqual(sum(n for n, _ in ours.values()), man["counts"]["pdus"])
                self.assertGreater(sum(1 for _, r in ours.values() if r), 0)    # PDUs across segments
                self.assertEqual(ref, ours)


if __name__ == "__main__":
    unittest.main()
