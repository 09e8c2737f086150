"""Heuristic detection of troubleshark's protocols on any port (issue 12).

Positive: real and generated captures moved to random high ports are dissected exactly as on the
default ports (per frame: protocol stack, Info column, expert infos), including PDUs split across
segments, several PDUs per segment, and conversations whose first captured segment is the middle of
a PDU (left alone; the conversation is recognised at its first whole PDU).
Negative: the 134 captures of other protocols in ../shared/captures/external/other/ — zero frames
claimed by our protocols (asserted per capture), and nothing else changes when our heuristics are
on (per frame: protocol stack and Info column against a run with our heuristics off), also when TCP
and UDP try heuristics before ports (every payload then reaches our checks).
Also: each heuristic is registered under its short name and can be toggled; Decode As works for
every protocol (TCP, and UDP for the Aerospike heartbeat).
"""
import collections
import glob
import os
import random
import re
import unittest

import tslib
from capbuilder import Capture
import heuristics_helpers as hh

OURS = ("aerospike", "aerospike_cluster", "trade", "hsf2", "rocketmq")
# short name -> (heuristic list, protocol filter name)
HEURISTICS = {
    "aerospike_tcp": ("tcp", "aerospike"),
    "aerospike_cluster_tcp": ("tcp", "aerospike_cluster"),
    "aerospike_cluster_udp": ("udp", "aerospike_cluster"),
    "trade_tcp": ("tcp", "trade"),
    "hsf2_tcp": ("tcp", "hsf2"),
    "rocketmq_tcp": ("tcp", "rocketmq"),
}
FIELDS = ["frame.protocols", "_ws.col.Info", "_ws.expert.message"]

_memo = {}


def built_protocols():
    """Our protocols present in this build (TS_PROTOCOLS may be a subset)."""
    if "built" not in _memo:
        out = tslib.run_tshark(["-G", "protocols"]).stdout
        names = {l.split("\t")[2] for l in out.splitlines() if l.count("\t") >= 2}
        _memo["built"] = tuple(p for p in OURS if p in names)
    return _memo["built"]


def heuristic_args(enable=True, names=None):
    a = []
    for h, (_, proto) in HEURISTICS.items():
        if proto in built_protocols() and (names is None or h in names):
            a += ["--enable-heuristic" if enable else "--disable-heuristic", h]
    return a


def free_ports(n, seed):
    """n distinct random ports in 20000-29999 that no dissector registers for TCP or UDP."""
    if "taken" not in _memo:
        out = tslib.run_tshark(["-G", "decodes"]).stdout
        _memo["taken"] = {int(c[1]) for c in (l.split("\t") for l in out.splitlines())
                          if len(c) >= 3 and c[0] in ("tcp.port", "udp.port") and c[1].isdigit()}
    rnd = random.Random(seed)
    ports = []
    while len(ports) < n:
        p = rnd.randrange(20000, 30000)
        if p not in _memo["taken"] and p not in ports:
            ports.append(p)
    return ports


def protos_of(row):
    return row["frame.protocols"][0].split(":") if row["frame.protocols"] else []


def normalise(row, back):
    """Port numbers of the rewritten capture back to the originals (they show in Info/experts)."""
    def n(v):
        return re.sub(r"\b(\d+)\b", lambda m: back.get(m.group(1), m.group(1)), v)
    return {name: [n(v) for v in col] for name, col in row.items()}


class HeuristicsRegistered(tslib.PluginTestCase):

    def test_every_heuristic_listed_and_enabled_by_default(self):
        # 4.0 lists table/protocol/enabled; 4.4+ adds the short name (tslib.heuristics reads both)
        rows = tslib.heuristics()
        for h, (lst, proto) in HEURISTICS.items():
            if proto not in built_protocols():
                continue
            with self.subTest(heuristic=h):
                mine = [r for r in rows if r[0] == lst and r[1] == proto]
                self.assertEqual(len(mine), 1, rows)
                self.assertTrue(mine[0][2], "%s is not enabled by default" % h)
                if mine[0][3] is not None:
                    self.assertEqual(mine[0][3], h)

    def test_short_names_toggle_each_heuristic(self):
        """--disable-heuristic <short name> turns exactly that protocol's detection off."""
        port = free_ports(1, 11)[0]
        ports = {k: port + i for i, k in enumerate(hh.DEFAULT_PORTS)}
        cap = Capture()
        convs = hh.build_mix(cap, ports, built_protocols())
        path = cap.write(self.cap_path("toggle.pcap"))

        def found(args):
            got = collections.defaultdict(list)
            for r in tslib.fields(path, ["frame.number", "frame.protocols"], args=args):
                stack = r["frame.protocols"][0].split(":")
                for h, (lst, proto) in HEURISTICS.items():
                    if proto in stack and lst in stack:
                        got[h].append(int(r["frame.number"][0]))
            return got

        expect = {}
        for h, (lst, proto) in HEURISTICS.items():
            if proto in built_protocols():
                keys = [k for k in convs if hh.PORT_PROTO[k] == proto and k.endswith(".udp") == (lst == "udp")]
                expect[h] = sorted(f for k in keys for cv in convs[k] for f in cv.pdu_frames)
        all_on = found([])
        for h in expect:
            with self.subTest(heuristic=h):
                self.assertEqual(all_on[h], expect[h])
                self.assertTrue(expect[h])
                one_off = found(["--disable-heuristic", h])
                self.assertEqual(one_off[h], [])
                for other in expect:
                    if other != h:
                        self.assertEqual(one_off[other], expect[other], other)


class RealCapturesOnOtherPorts(tslib.PluginTestCase):
    """Every real capture of our protocols, moved to random high ports, dissects as on its ports.
    Captures with one link type are merged (each on its own addresses) to save tshark runs."""

    SOURCES = [("aerospike", tslib.external("aerospike", "*.pcapng")),
               ("aerospike", tslib.client_capture("aerospike-realclient.pcapng")),
               ("rocketmq", tslib.external("rocketmq", "*.pcap")),
               ("rocketmq", tslib.client_capture("rocketmq-realclient.pcapng"))]
    PORTS = (3000, 3001, 3002, 9876, 10909, 10911)

    def test_real_captures_identical_on_random_high_ports(self):
        paths = []
        for proto, pattern in self.SOURCES:
            for p in sorted(glob.glob(pattern)):
                # the mesh heartbeat capture is the cluster protocol's
                owner = "aerospike_cluster" if os.path.basename(p).startswith("heartbeat") else proto
                if owner in built_protocols():
                    paths.append(p)
        if not paths:
            self.skipTest("no real captures of the built protocols in ../shared/captures")
        mapping = dict(zip(self.PORTS, free_ports(len(self.PORTS), 12)))
        back = {str(v): str(k) for k, v in mapping.items()}
        groups = collections.defaultdict(list)
        for p in paths:
            groups[hh.read_capture(p)[0].linktype].append(p)
        checked = collections.Counter()
        for lt, group in sorted(groups.items()):
            orig = self.cap_path("orig-%d.pcap" % lt)
            moved = self.cap_path("moved-%d.pcap" % lt)
            ranges = hh.merge_unique(group, orig)
            frames = hh.read_capture(orig)
            hh.rewrite_ports(frames, mapping)
            hh.write_pcap(moved, frames)
            a = tslib.fields(orig, FIELDS)
            b = tslib.fields(moved, FIELDS)
            self.assertEqual(len(a), len(b))
            for path, first, last in ranges:
                name = os.path.basename(path)
                with self.subTest(capture=name):
                    ours = [i for i in range(first - 1, last) if set(protos_of(a[i])) & set(OURS)]
                    self.assertTrue(ours, "%s: nothing of ours on the default ports" % name)
                    moved_ours = [i for i in range(first - 1, last) if set(protos_of(b[i])) & set(OURS)]
                    self.assertEqual(moved_ours, ours)
                    for i in ours:
                        self.assertEqual(normalise(b[i], back), a[i], "%s frame %d" % (name, i - first + 2))
                    checked[name] = len(ours)
        # all of them, e.g. the 2016 RocketMQ frames of producer.pcap
        self.assertEqual(len(checked), len(paths))
        if "rocketmq" in built_protocols() and os.path.exists(tslib.external("rocketmq", "producer.pcap")):
            self.assertEqual(checked["producer.pcap"], 2016)


class GeneratedOnOtherPorts(tslib.PluginTestCase):
    """One capture mixing every protocol, written on the default ports and on random high ports."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.protos = built_protocols()
        cls.ports = dict(zip(hh.DEFAULT_PORTS, free_ports(len(hh.DEFAULT_PORTS), 13)))
        cls.back = {str(cls.ports[k]): str(v) for k, v in hh.DEFAULT_PORTS.items()}
        cap = Capture()
        cls.convs_default = hh.build_mix(cap, hh.DEFAULT_PORTS, cls.protos)
        cls.default = cap.write(os.path.join(cls.tmp, "mix-default.pcap"))
        cap = Capture()
        cls.convs = hh.build_mix(cap, cls.ports, cls.protos)
        cls.moved = cap.write(os.path.join(cls.tmp, "mix-moved.pcap"))
        cls.a = tslib.fields(cls.default, FIELDS)
        cls.b = tslib.fields(cls.moved, FIELDS)

    def _each(self):
        for key, convs in sorted(self.convs.items()):
            for n, cv in enumerate(convs):
                yield key, n, cv

    def test_regular_conversations_dissect_identically(self):
        for key, n, cv in self._each():
            if cv.garbage:
                continue
            with self.subTest(conversation="%s #%d" % (key, n)):
                for f in cv.frames:
                    self.assertEqual(normalise(self.b[f - 1], self.back), self.a[f - 1], "frame %d" % f)

    def test_every_pdu_dissected_on_high_ports(self):
        """PDU count per conversation: one header field per PDU, split and coalesced ones included,
        each in the frame where the PDU completes."""
        count_field = {"aerospike": "aerospike.type", "aerospike_cluster": "aerospike_cluster.type",
                       "trade": "trade.length", "hsf2": "hsf2.type", "rocketmq": "rocketmq.length"}
        names = [count_field[p] for p in self.protos]
        rows = {int(r["frame.number"][0]): r for r in tslib.fields(self.moved, ["frame.number"] + names)}
        for key, n, cv in self._each():
            field = count_field[hh.PORT_PROTO[key]]
            with self.subTest(conversation="%s #%d" % (key, n)):
                per_frame = {f: len(rows[f][field]) for f in cv.frames if rows[f][field]}
                self.assertEqual(sorted(per_frame), cv.pdu_frames)
                self.assertEqual(sum(per_frame.values()), cv.pdus + cv.inner_headers)

    def test_mid_pdu_start_not_bound_until_first_whole_pdu(self):
        """The tail of a PDU (and Trade data PDUs, which carry no signature) stays plain data,
        on both passes; the conversation is recognised at its first whole PDU."""
        seen = 0
        for key, n, cv in self._each():
            if not cv.garbage:
                continue
            seen += 1
            proto = hh.PORT_PROTO[key]
            with self.subTest(conversation="%s #%d" % (key, n)):
                for f in cv.garbage:
                    self.assertEqual(protos_of(self.b[f - 1]), ["eth", "ethertype", "ip", "tcp", "data"],
                                     "frame %d" % f)
                self.assertEqual(cv.pdu_frames[0], cv.bound_from)
                self.assertTrue(all(f < cv.bound_from for f in cv.garbage))
                for f in cv.pdu_frames:
                    self.assertEqual(protos_of(self.b[f - 1])[-1], proto, "frame %d" % f)
                # decoded cleanly (the first one may only note that its request is missing)
                bad = "frame.number in {%s} && (_ws.malformed || _ws.expert.severity >= 0x00800000)" % (
                    ",".join(str(f) for f in cv.pdu_frames))
                self.assertEqual(tslib.frames(self.moved, bad), [])
                # same result in a single pass
                one = tslib.fields(self.moved, ["frame.protocols"], "frame.number in {%s}" %
                                   ",".join(str(f) for f in cv.frames), two_pass=False)
                self.assertEqual([protos_of(r)[-1] for r in one],
                                 ["data" if f in cv.garbage else (proto if f in cv.pdu_frames else "tcp")
                                  for f in cv.frames])
        self.assertEqual(seen, sum(1 for p in self.protos if p in ("aerospike", "trade", "hsf2", "rocketmq")) +
                         (1 if "aerospike_cluster" in self.protos else 0))

    def test_conversation_bound_only_from_the_recognised_frame(self):
        """Frames before the recognised PDU keep their dissection: the binding starts at that frame
        (a whole-conversation binding would hand the tail to the dissector on the second pass)."""
        for key, n, cv in self._each():
            if not cv.garbage:
                continue
            proto = hh.PORT_PROTO[key]
            with self.subTest(conversation="%s #%d" % (key, n)):
                filt = "frame.number in {%s} && %s" % (",".join(str(f) for f in cv.garbage), proto)
                self.assertEqual(tslib.frames(self.moved, filt), [])


class NegativeCorpus(tslib.PluginTestCase):
    """../shared/captures/external/other: no frame is ours, nothing changes with our heuristics on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.paths = sorted(glob.glob(tslib.external("other", "*.pcap*")))
        if not cls.paths:
            return
        cls.merged = os.path.join(cls.tmp, "negative.pcap")
        cls.ranges = hh.merge_unique(cls.paths, cls.merged)

    def setUp(self):
        if not self.paths:
            self.skipTest("negative corpus not present: %s" % tslib.external("other"))

    def _compare(self, extra):
        on = tslib.fields(self.merged, ["frame.protocols", "_ws.col.Info"],
                          args=extra + heuristic_args(True))
        off = tslib.fields(self.merged, ["frame.protocols", "_ws.col.Info"],
                           args=extra + heuristic_args(False))
        self.assertEqual(len(on), self.ranges[-1][2])
        self.assertEqual(len(off), len(on))
        for path, first, last in self.ranges:
            name = os.path.basename(path)
            with self.subTest(capture=name):
                claimed = [i - first + 2 for i in range(first - 1, last)
                           if set(protos_of(on[i])) & set(OURS)]
                self.assertEqual(claimed, [], "%s: frames claimed by our protocols" % name)
                changed = [i - first + 2 for i in range(first - 1, last) if on[i] != off[i]]
                self.assertEqual(changed, [], "%s: frames that change with our heuristics on" % name)

    def test_corpus_complete(self):
        self.assertEqual(len(self.paths), 134)

    def test_no_frame_claimed_and_nothing_changes(self):
        self._compare([])

    def test_no_frame_claimed_when_heuristics_run_before_ports(self):
        """With try_heuristic_first every TCP/UDP payload reaches our checks first."""
        self._compare(["-o", "tcp.try_heuristic_first:TRUE", "-o", "udp.try_heuristic_first:TRUE"])


class DecodeAs(tslib.PluginTestCase):
    """Decode As (tshark -d) for every protocol on a port nothing registers, heuristics off."""

    def test_decode_as_every_protocol(self):
        ports = dict(zip(hh.DEFAULT_PORTS, free_ports(len(hh.DEFAULT_PORTS), 14)))
        cap = Capture()
        convs = hh.build_mix(cap, ports, built_protocols())
        path = cap.write(self.cap_path("decode-as.pcap"))
        d_args = []
        for key in convs:
            table = "udp.port" if key.endswith(".udp") else "tcp.port"
            d_args += ["-d", "%s==%d,%s" % (table, ports[key], hh.PORT_PROTO[key])]
        plain = tslib.fields(path, ["frame.protocols"], args=heuristic_args(False))
        decoded = tslib.fields(path, ["frame.protocols"], args=heuristic_args(False) + d_args)
        for key, cv_list in sorted(convs.items()):
            proto = hh.PORT_PROTO[key]
            with self.subTest(protocol=key):
                for cv in cv_list:
                    if cv.garbage:
                        continue        # Decode As frames from the first byte: the tail is its PDU
                    for f in cv.pdu_frames:
                        self.assertNotIn(proto, protos_of(plain[f - 1]), "frame %d without -d" % f)
                        self.assertEqual(protos_of(decoded[f - 1])[-1], proto, "frame %d with -d" % f)
                        self.assertIn("udp" if key.endswith(".udp") else "tcp", protos_of(decoded[f - 1]))


if __name__ == "__main__":
    unittest.main()
