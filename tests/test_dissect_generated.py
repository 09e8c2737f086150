"""Clean captures from the benchmark's generator (bench/gen.py) decode completely, with no sign of
damage: every PDU the generator wrote is decoded (the manifest's count), and no PDU is reported as
following missing bytes, as a response without its request, or as an answer not captured.

1000 transactions over 10 connections (so each connection carries ~100 transactions, with PDUs
spanning segments, two PDUs in one segment, and a reassembled PDU followed in the same frame by
the start of the next one). That last case is what a regression of 2026-12-03 got wrong: the
dissector's second call for a frame (the rest of the segment after a reassembled PDU) was not
recognised as TCP's, so Trade lost its framing (26 of 2651 PDUs undecoded here, "Bytes before
this segment are missing") and Aerospike matched two responses to no request (10k capture).
"""
import json
import os
import re
import sys
import unittest

import tslib

BENCH = os.path.join(tslib.SOURCE_DIR, "bench")
sys.path.insert(0, BENCH)
import gen  # noqa: E402

# expert messages that mean "the capture is damaged here" (none in a clean capture)
DAMAGE = re.compile(r"missing|without a request|not in the capture|not captured|lost segment|"
                    r"no PDU boundary|capture starts inside", re.I)


class GeneratedCaptures(tslib.PluginTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.protos = tslib.generated_protocols()

    def check(self, proto):
        cap = self.cap_path("%s-1000x10.pcap" % proto)
        gen.generate(proto, 1000, cap, connections=10, seed=1)
        with open(gen.manifest_path(cap)) as f:
            manifest = json.load(f)
        rows = tslib.fields(cap, [manifest["pdu_field"], "_ws.expert.message", "frame.number"])
        pdus = sum(len(r[manifest["pdu_field"]]) for r in rows)
        self.assertEqual(pdus, manifest["counts"]["pdus"], "%s: PDUs decoded / written" % proto)
        damaged = [(r["frame.number"][0], m) for r in rows for m in r["_ws.expert.message"] if DAMAGE.search(m)]
        self.assertEqual(damaged, [], "%s: damage reported in a clean capture" % proto)

    def test_aerospike(self):
        self.need_proto("aerospike")
        self.check("aerospike")

    def test_trade(self):
        self.need_proto("trade")
        self.check("trade")

    def test_hsf2(self):
        self.need_proto("hsf2")
        self.check("hsf2")

    def test_rocketmq(self):
        self.need_proto("rocketmq")
        self.check("rocketmq")

    def need_proto(self, proto):
        if proto not in self.protos:
            self.skipTest("%s is not in this build" % proto)


if __name__ == "__main__":
    unittest.main()
