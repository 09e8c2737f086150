"""tests/messy.py itself: pcap in/out keeps every byte and timestamp, the stream/segment view is
right, and each mutator makes the capture the issue #19 case it names (tshark reads the result
and its TCP analysis sees the lost segment / out-of-order segment / cut frames); the truth
scoring counts correct, wrong, missing and extra pairs."""
import os
import shutil
import struct
import tempfile
import unittest

import aerospike_pdus as A
import messy
import tslib
from capbuilder import Capture

T0 = 1700000000.0


def build():
    """Two TCP connections (IPv4 with handshake, IPv6 without) and one UDP datagram."""
    cap = Capture(t0=T0)
    a = cap.tcp("10.0.0.1:40000", "10.0.0.2:3000")                # packets 0-2: handshake
    for i in range(4):                                            # 3..10
        a.c2s(b"REQ%d" % i + b"x" * 20)
        a.s2c(b"RSP%d" % i + b"y" * 30, dt=0.002)
    b = cap.tcp("[2001:db8::1]:40001", "[2001:db8::2]:3000", handshake=False)
    b.c2s(b"Q" * 3000, mss=1000)                                  # 11, 12, 13
    b.s2c(b"R" * 10)                                              # 14
    cap.udp("10.0.0.5:9918", "239.1.99.222:9918", b"hello")        # 15
    a.s2c(b"RSP4" + b"z" * 500)                                   # 16
    a.close()                                                     # 17, 18, 19
    return cap


class Messy(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ts-messy-")
        os.chmod(cls.tmp, 0o755)
        cls.cap = build()
        cls.path = cls.cap.write(os.path.join(cls.tmp, "clean.pcap"))
        cls.pkts = messy.read(cls.path)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def write(self, name, pkts, **kw):
        return messy.write(os.path.join(self.tmp, name), pkts, **kw)

    def tshark_rows(self, path, names, filt=None):
        return tslib.fields(path, names, filt, two_pass=False)

    # -- pcap in and out ------------------------------------------------------------------------
    def test_roundtrip_is_byte_identical(self):
        self.assertEqual(len(self.pkts), 20)
        self.assertEqual(messy.to_bytes(self.pkts), self.cap.to_bytes())
        self.assertEqual(messy.to_bytes(messy.from_capture(self.cap)), self.cap.to_bytes())

    def test_reads_microsecond_big_endian(self):
        frame = self.pkts[3].data
        raw = struct.pack(">IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
        raw += struct.pack(">IIII", 1700000000, 250001, len(frame), len(frame)) + frame
        p = os.path.join(self.tmp, "us-be.pcap")
        with open(p, "wb") as f:
            f.write(raw)
        (pkt,) = messy.read(p)
        self.assertEqual(pkt.ts_ns, 1700000000250001000)
        self.assertEqual(pkt.data, frame)
        self.assertEqual(pkt.payload, b"REQ0" + b"x" * 20)

    def test_rejects_pcapng(self):
        p = os.path.join(self.tmp, "ng.pcapng")
        with open(p, "wb") as f:
            f.write(b"\x0a\x0d\x0d\x0a" + b"\0" * 28)
        with self.assertRaisesRegex(ValueError, "pcapng"):
            messy.read(p)

    # -- parsing ---------------------------------------------------------------------------------
    def test_tcp_fields(self):
        t = self.pkts[3].tcp
        self.assertEqual((t.src, t.dst), (("10.0.0.1", 40000), ("10.0.0.2", 3000)))
        self.assertEqual((t.seq, t.payload_len, t.flags), (1001, 24, messy.TCP_PSH | messy.TCP_ACK))
        self.assertEqual(self.pkts[0].tcp.flags, messy.TCP_SYN)
        self.assertEqual(self.pkts[4].tcp.key, t.key)                    # symmetric
        self.assertEqual(self.pkts[11].tcp.src, ("2001:db8::1", 40001))
        self.assertEqual(self.pkts[11].tcp.payload_len, 1000)
        self.assertIsNone(self.pkts[15].tcp)                             # UDP
        self.assertEqual(self.pkts[15].payload, b"")

    def test_streams_and_segments(self):
        s = messy.streams(self.pkts)
        self.assertEqual(len(s), 2)
        self.assertEqual(s[0].client, ("10.0.0.1", 40000))
        self.assertEqual(s[0].indices, list(range(0, 11)) + [16, 17, 18, 19])
        self.assertEqual(s[1].client, ("2001:db8::1", 40001))            # first sender (no SYN)
        self.assertEqual(messy.segments(self.pkts, 0, True), [3, 5, 7, 9])
        self.assertEqual(messy.segments(self.pkts, s[0], False), [4, 6, 8, 10, 16])
        self.assertEqual(messy.segments(self.pkts, 1, True), [11, 12, 13])
        self.assertEqual(messy.all_segments(self.pkts),
                         [(0, True, [3, 5, 7, 9]), (0, False, [4, 6, 8, 10, 16]),
                          (1, True, [11, 12, 13]), (1, False, [14])])
        self.assertTrue(s[0].from_client(self.pkts[3]))
        self.assertFalse(s[0].from_client(self.pkts[4]))

    # -- mutators --------------------------------------------------------------------------------
    def test_drop(self):
        out = messy.drop(self.pkts, 6)
        self.assertEqual(len(out), 19)
        self.assertEqual(len(self.pkts), 20)                            # input untouched
        self.assertEqual([p.payload[:4] for p in out[3:8]], [b"REQ0", b"RSP0", b"REQ1", b"REQ2", b"RSP2"])
        self.assertEqual(len(messy.drop(self.pkts, [0, 1, 2])), 17)
        with self.assertRaises(IndexError):
            messy.drop(self.pkts, 20)
        path = self.write("drop.pcap", out)
        rows = self.tshark_rows(path, ["frame.number"], "tcp.analysis.lost_segment")
        self.assertEqual([r["frame.number"] for r in rows], [["8"]])   # RSP2 follows the gap

    def test_swap_keeps_time_order(self):
        out = messy.swap(self.pkts, 4, 6)
        self.assertEqual([p.ts_ns for p in out], [p.ts_ns for p in self.pkts])
        self.assertEqual(out[4].payload[:4], b"RSP1")
        self.assertEqual(out[6].payload[:4], b"RSP0")
        self.assertEqual(out[5].data, self.pkts[5].data)
        path = self.write("swap.pcap", out)
        rows = self.tshark_rows(path, ["frame.number"], "tcp.analysis.lost_segment")
        self.assertEqual([r["frame.number"] for r in rows], [["5"]])   # RSP1, early
        # RSP0, 4 ms late: a (spurious) retransmission to Wireshark, which says out-of-order only
        # within 3 ms; REQ1 (frame 6) too, as the early RSP1 acknowledged it before it was seen
        rows = self.tshark_rows(path, ["frame.number"],
                                "tcp.analysis.out_of_order or tcp.analysis.retransmission")
        self.assertEqual([r["frame.number"] for r in rows], [["6"], ["7"]])

    def test_out_of_order_swaps_with_next_segment_same_direction(self):
        out = messy.out_of_order(self.pkts, 11)
        self.assertEqual([p.tcp.seq for p in out[11:14]], [self.pkts[12].tcp.seq,
                                                          self.pkts[11].tcp.seq,
                                                          self.pkts[13].tcp.seq])
        out = messy.out_of_order(self.pkts, 10)                        # RSP3 <-> RSP4 (16)
        self.assertEqual(out[16].payload[:4], b"RSP3")
        with self.assertRaises(ValueError):
            messy.out_of_order(self.pkts, 16)                          # last s2c segment
        with self.assertRaises(ValueError):
            messy.out_of_order(self.pkts, 0)                           # no payload

    def test_start_late(self):
        def kept(out):
            return [[p.data for p in self.pkts].index(q.data) for q in out]
        out = messy.start_late(self.pkts, 4)
        self.assertEqual(kept(out), [4, 5, 6, 7, 8, 9, 10, 15, 16, 17, 18, 19])  # stream 1 gone
        self.assertEqual(out[0].payload[:4], b"RSP0")                  # stream 0 from packet 4
        self.assertEqual([p.ts_ns for p in out], [self.pkts[i].ts_ns for i in kept(out)])
        self.assertEqual(kept(messy.start_late(self.pkts, 2)),
                         [2] + list(range(3, 11)) + [13, 14, 15, 16, 17, 18, 19])
        self.assertEqual(len(messy.start_late(self.pkts, 0)), 20)
        self.assertEqual(kept(messy.start_late(self.pkts, 100)), [15])  # only the UDP datagram
        path = self.write("late.pcap", out)
        rows = self.tshark_rows(path, ["frame.number", "tcp.flags.syn"])
        self.assertEqual(len(rows), 12)
        self.assertFalse(any(r["tcp.flags.syn"] == ["1"] for r in rows))

    def test_snaplen(self):
        out = messy.snaplen(self.pkts, 96)
        self.assertEqual(len(out), 20)
        self.assertEqual([len(p.data) for p in out], [min(96, len(p.data)) for p in self.pkts])
        self.assertEqual([p.orig_len for p in out], [len(p.data) for p in self.pkts])
        self.assertEqual(out[16].tcp.payload_len, 504)                 # from the IP length
        self.assertEqual(len(out[16].payload), 96 - 54)
        path = self.write("snap96.pcap", out, snaplen=96)
        back = messy.read(path)
        self.assertEqual([(p.ts_ns, p.data, p.orig_len) for p in back],
                         [(p.ts_ns, p.data, p.orig_len) for p in out])
        rows = self.tshark_rows(path, ["frame.len", "frame.cap_len"])
        self.assertEqual([(int(r["frame.len"][0]), int(r["frame.cap_len"][0])) for r in rows],
                         [(len(p.data), min(96, len(p.data))) for p in self.pkts])

    # -- truth -----------------------------------------------------------------------------------
    def test_score(self):
        truth = {"k1": "g1", "k2": "g2", "k3": "g3", "k4": None, "k5": "g5", "k6": "g6"}
        observed = [("k1", "g1"), ("k2", "g3"), ("k4", "g9"), ("kx", "g7"), ("k5", "g5"),
                    ("k5", "g5"), ("k6", "g0")]
        res = messy.score(truth, observed, excused=["k6"])
        self.assertEqual(res.correct, [("k1", "g1"), ("k5", "g5")])
        self.assertEqual(res.wrong, [("k2", "g2", "g3"), ("k4", None, "g9")])
        self.assertEqual(res.missing, [("k3", "g3")])
        self.assertEqual(res.extra, [("kx", "g7")])
        self.assertEqual(res.duplicated, [("k5", "g5")])
        self.assertEqual(res.excused, [("k6", "paired with 'g0' (truth 'g6')")])
        self.assertFalse(res.ok)
        self.assertEqual(str(res), "2 correct, 2 wrong, 1 missing, 1 extra, 1 duplicated, "
                                   "1 excused, 0 unaligned")
        d = res.diff()
        self.assertIn("'k2': 'g2' -> 'g3'", d)
        self.assertIn("'k3': 'g3'", d)
        good = messy.score({"a": "1", "b": None}, [("a", "1")])
        self.assertTrue(good.ok)
        self.assertEqual(good.correct, [("a", "1"), ("b", None)])

    def test_assert_pairs_fails_with_the_diff(self):
        truth = {"k%d" % i: "g%d" % i for i in range(40)}
        observed = [("k%d" % i, "g%d" % (i + 1)) for i in range(40)]
        with self.assertRaises(AssertionError) as cm:
            messy.assert_pairs(self, truth, observed, msg="shifted")
        text = str(cm.exception)
        self.assertIn("shifted", text)
        self.assertIn("40 wrong", text)
        self.assertIn("... 15 more", text)
        res = messy.assert_pairs(self, truth, observed[:39], excused=["k39"], max_wrong=39)
        self.assertEqual(len(res.wrong), 39)

    def test_pairs_from_rows_and_pdus(self):
        rows = [tslib.Row({"k": ["a"], "g": []}),
                tslib.Row({"k": ["a", "b"], "g": ["1", "2"]}),
                tslib.Row({"k": ["c"], "g": ["3", "4"]})]
        unaligned = []
        self.assertEqual(messy.pairs_from_rows(rows, "k", "g", unaligned), [("a", "1"), ("b", "2")])
        self.assertEqual(unaligned, [{"k": ["c"], "g": ["3", "4"]}])
        with self.assertRaises(ValueError):
            messy.pairs_from_rows(rows, "k", "g")
        pdus = [{"frame.number": ["4"], "k": ["a"], "g": [], "to": []},
                {"frame.number": ["5"], "k": ["b"], "g": [], "to": []},
                {"frame.number": ["5"], "k": ["c"], "g": [], "to": []},
                {"frame.number": ["6"], "k": [], "g": ["1"], "to": ["4"]},
                {"frame.number": ["7"], "k": [], "g": ["2"], "to": ["5"]},
                {"frame.number": ["8"], "k": ["d"], "g": ["9"], "to": []}]
        amb = []
        self.assertEqual(messy.pairs_by_frame(pdus, "k", "g", "to", amb), [("a", "1")])
        self.assertEqual(len(amb), 1)
        self.assertEqual(messy.pairs_from_pdus(pdus, "k", "g"),
                         [(None, "1"), (None, "2"), ("d", "9")])

    def test_end_to_end_aerospike_truth(self):
        """pdus() + pairs_by_frame()/pairs_from_pdus() + score() on a decoded capture: the clean
        capture scores every pair right; with pairs shuffled, score() catches it."""
        cap = Capture(t0=T0)
        c = cap.tcp("10.0.0.1:40000", "10.0.0.2:3000")
        truth = {}
        for i in range(6):
            c.c2s(A.key_request("test", "demo", "key%d" % i, info1=A.INFO1_READ | A.INFO1_GET_ALL))
            c.s2c(A.message(A.as_msg(generation=100 + i)), dt=0.001)
            truth["key%d" % i] = str(100 + i)
        path = cap.write(os.path.join(self.tmp, "as.pcap"))
        d = messy.pdus(path, "aerospike", ["aerospike.key", "aerospike.msg.generation",
                                           "aerospike.response_to"])
        self.assertEqual(len(d), 12)
        self.assertEqual(d[0]["frame.number"], ["4"])
        self.assertEqual(d[0]["aerospike.key"], ["key0"])
        observed = messy.pairs_by_frame(d, "aerospike.key", "aerospike.msg.generation",
                                        "aerospike.response_to")
        res = messy.assert_pairs(self, truth, observed)
        self.assertEqual(len(res.correct), 6)
        shifted = [(k, str(int(g) + 1)) for k, g in observed]
        self.assertEqual(len(messy.score(truth, shifted).wrong), 6)
        rsp = messy.pairs_from_pdus(d, "aerospike.key", "aerospike.msg.generation",
                                    marker="aerospike.response_to")
        self.assertEqual([g for _, g in rsp], [str(100 + i) for i in range(6)])   # responses only


if __name__ == "__main__":
    unittest.main()
