"""Adversarial captures per protocol (tests/fuzz/adversarial.py: lengths 0, 1, 2^31, 2^48-1, counts
larger than the data, nesting 10 000 deep, zlib bombs, strings without terminators, every field at
its maximum) under the sanitizer build: each capture dissects in bounded time and memory, with no
crash, sanitizer report or dissector bug, in `tshark -nVx` and `tshark -2 -n`; every PDU is shown,
and the ones the specs call invalid carry an expert info.
"""
import json
import os
import re
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fuzz"))

import adversarial as ADV  # noqa: E402
import fuzzlib as F  # noqa: E402

TIME_BOUND = 30.0              # seconds per tshark run under ASan
MEMORY_MARGIN = 448 * 1024     # KiB above an empty-capture run (a 512 MiB inflate cannot fit)


def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def frames_by_client(vtext, ports):
    """-V text -> {client port: [frame text, ...]}"""
    out = {}
    for block in re.split(r"(?m)^(?=Frame \d+: )", vtext):
        m = re.search(r"(?m)^Transmission Control Protocol, Src Port: (\d+), Dst Port: (\d+)", block)
        if not m:
            continue
        for p in (int(m.group(1)), int(m.group(2))):
            if p in ports:
                out.setdefault(p, []).append(block)
    return out


def our_blocks(frame_text, long_name):
    """The top-level tree blocks of one protocol in one frame (+ '[Malformed Packet' blocks)."""
    blocks, cur = [], None
    for line in frame_text.splitlines():
        if line and not line[0].isspace():
            cur = None
            if line.startswith(long_name) or line.startswith("[Malformed Packet"):
                cur = []
                blocks.append((line, cur))
        elif cur is not None:
            cur.append(line)
    return blocks


class Adversarial(unittest.TestCase):
    summary = {}

    @classmethod
    def setUpClass(cls):
        cls.runner = F.Runner("asan").require_plugin()
        cls.names = cls.runner.protocol_names()
        cls.short = {v[1] for v in cls.names.values()}
        empty = cls.runner.path("empty.pcap")
        F.write_pcap(empty, [])
        cls.baseline_kib = max(cls.runner.run(list(F.FUZZ_MODES[m]), capture=empty).maxrss_kib for m in F.FUZZ_MODES)
        log("ASan tshark baseline max RSS %d KiB; bound %d KiB" % (cls.baseline_kib, cls.baseline_kib + MEMORY_MARGIN))

    @classmethod
    def tearDownClass(cls):
        out = os.path.join(F.BUILD_DIR, "fuzz-summary")
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "adversarial.json"), "w") as f:
            json.dump(cls.summary, f, indent=1)

    def _run_group(self, protocol, tag, cases):
        path = self.runner.path("adv-%s-%s.pcap" % (protocol, tag))
        ports = ADV.write_cases(path, cases)
        long_name = self.names[protocol][0]
        st = self.summary.setdefault(protocol, {"cases": 0, "tshark_runs": 0, "max_seconds": 0.0,
                                                "max_rss_mib": 0.0, "failures": []})
        st["cases"] += len(cases)
        vtext = None
        for mode in F.FUZZ_MODES:
            r = self.runner.run(list(F.FUZZ_MODES[mode]), capture=path, timeout=TIME_BOUND + 10)
            st["tshark_runs"] += 1
            st["max_seconds"] = round(max(st["max_seconds"], r.seconds), 2)
            st["max_rss_mib"] = round(max(st["max_rss_mib"], r.maxrss_kib / 1024.0), 1)
            log("%s/%s %s: %.1f s, max RSS %d KiB" % (protocol, tag, mode, r.seconds, r.maxrss_kib))
            pr = F.problems(r, self.short)
            if r.seconds > TIME_BOUND:
                pr.append("took %.1f s (bound %.0f s)" % (r.seconds, TIME_BOUND))
            if r.maxrss_kib > self.baseline_kib + MEMORY_MARGIN:
                pr.append("max RSS %d KiB (bound %d KiB)" % (r.maxrss_kib, self.baseline_kib + MEMORY_MARGIN))
            if pr:
                culprits = self._isolate(protocol, cases, mode) if len(cases) > 1 else [cases[0].name]
                st["failures"].append({"mode": mode, "problems": pr, "cases": culprits})
                self.fail("%s %s (%s): %s\nfailing cases alone: %s\ncapture: %s\n%s" % (
                    protocol, tag, mode, "; ".join(pr), culprits, path, F.excerpt(r)))
            if mode == "nVx":
                vtext = r.stdout
        frames = frames_by_client(vtext, ports)
        for port, case in ports.items():
            if case.expect is None:
                continue
            with self.subTest(case=case.name):
                blocks = [b for fr in frames.get(port, []) for b in our_blocks(fr, long_name)]
                shown = [b for b in blocks if b[0].startswith(long_name)]
                self.assertTrue(shown, "%s: no %s tree in any frame of the case (client port %d)" % (
                    case, long_name, port))
                if case.expect == "expert":
                    experts = [l for head, lines in blocks for l in [head] + lines
                               if "[Expert Info (" in l or l.startswith("[Malformed Packet")]
                    self.assertTrue(experts, "%s: shown without any expert info:\n%s" % (
                        case, "\n".join(shown[0][1][:40])))

    def _isolate(self, protocol, cases, mode):
        bad = []
        for i, case in enumerate(cases):
            p = self.runner.path("adv-one-%s-%d.pcap" % (protocol, i))
            ADV.write_cases(p, [case])
            r = self.runner.run(list(F.FUZZ_MODES[mode]), capture=p, timeout=TIME_BOUND + 10)
            if F.problems(r, self.short) or r.seconds > TIME_BOUND or \
                    r.maxrss_kib > self.baseline_kib + MEMORY_MARGIN:
                bad.append(case.name)
                log("FAILING CASE %s/%s (%s): %s" % (protocol, case.name, mode, F.excerpt(r, 3000)))
        return bad

    def _protocol(self, protocol):
        if protocol not in self.names:
            self.skipTest("%s is not built in this tree" % protocol)
        cases = ADV.ALL[protocol]()
        self.assertGreaterEqual(len(cases), 15)
        normal = [c for c in cases if not c.bomb]
        self._run_group(protocol, "cases", normal)
        for c in cases:
            if c.bomb:
                self._run_group(protocol, c.name, [c])

    def test_aerospike_hostile_pdus(self):
        self._protocol("aerospike")

    def test_aerospike_cluster_hostile_msgs(self):
        self._protocol("aerospike_cluster")

    def test_trade_hostile_pdus(self):
        self._protocol("trade")

    def test_hsf2_hostile_frames(self):
        self._protocol("hsf2")

    def test_rocketmq_hostile_frames(self):
        self._protocol("rocketmq")


if __name__ == "__main__":
    unittest.main()
