"""Trade on messy captures (issue #19): a generated known-truth keepalive capture
(trade_pdus.build_keepalive_truth: every Ping carries a unique clock, its Pong echoes it) made
messy one way at a time with messy.py, scored Ping by Ping against the truth.

- a lost or late (out-of-order) module -> Multiplexer segment holding a PDU start costs only the
  Pings whose bytes it holds; every other pair is right;
- a capture that starts 1-5 packets into each connection finds every Ping it holds whole;
- snaplen 96 and 200: every Ping captured whole is paired, no Ping is called unanswered, and each
  cut frame carries one "cut" note.
One capture holds one mutation per connection, so each case is one tshark run."""
import collections
import unittest

import messy
import tslib
from capbuilder import Capture
import trade_pdus as T

N_CONNS = 24
N_PINGS = 10
FIELDS = ["trade.keyword", "trade.clock", "trade.ping.pong_in", "trade.ping.no_pong", "trade.response_lost"]


def build():
    cap = Capture(t0=T.TRUTH_T0)
    truth = {}
    for k in range(N_CONNS):
        truth.update(T.build_keepalive_truth(cap, k, N_PINGS))
    pkts = messy.from_capture(cap)
    pkts.sort(key=lambda p: p.ts_ns)
    return pkts, truth


def client_stream(pkts, stream_no):
    """The module -> Multiplexer bytes of a stream and its segments [(packet index, offset, length)]."""
    segs = messy.segments(pkts, stream_no, True)
    lay, off = [], 0
    for i in segs:
        lay.append((i, off, pkts[i].tcp.payload_len))
        off += pkts[i].tcp.payload_len
    return b"".join(pkts[i].payload for i in segs), lay


def pdu_spans(data):
    """[(offset, size, clock of a Ping or None)] of the PDUs of a module's stream."""
    out, o = [], 0
    while o + 5 <= len(data):
        size = int.from_bytes(data[o + 1:o + 3], "big")
        clock = None
        if data[o + 3:o + 5] == b"\xff\xff" and data[o + 5:o + 10] == b"Ping\0":
            clock = int.from_bytes(data[o + 11:o + size], "little")
        out.append((o, size, clock))
        o += size
    return out


def head_segments(pkts, stream_no):
    """Client segments holding the start of a PDU (a head, or a segment a PDU boundary straddles)."""
    data, lay = client_stream(pkts, stream_no)
    starts = [o for o, _, _ in pdu_spans(data)]
    return [i for i, off, n in lay if any(off <= s < off + n for s in starts)]


def pings_touching(pkts, dropped=(), caplen=None):
    """Clocks of the Pings whose bytes are (partly) in the dropped packets or, with a snaplen, not
    captured whole in one frame: the transactions a mutation may cost."""
    out = set()
    dropped = set(dropped)
    for s in messy.streams(pkts):
        data, lay = client_stream(pkts, s.number)
        for o, size, clock in pdu_spans(data):
            if clock is None:
                continue
            for i, off, n in lay:
                if off < o + size and o < off + n:
                    if i in dropped:
                        out.add(clock)
                    if caplen is not None:
                        cap_payload = max(0, caplen - pkts[i].tcp.payload_off)
                        if o < off or o + size > off + min(n, cap_payload):
                            out.add(clock)
    return out


class TradeMessy(tslib.PluginTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pkts, cls.truth = build()

    def observe(self, pkts, name, snaplen=messy.DEFAULT_SNAPLEN):
        """(pairs [(Ping clock, clock of the Pong it links to)], unanswered Ping clocks, PDUs)"""
        path = messy.write(self.cap_path(name), pkts, snaplen=snaplen)
        pdus = messy.pdus(path, "trade", FIELDS)
        pongs = collections.defaultdict(list)
        for d in pdus:
            if d["trade.keyword"] == ["Pong"]:
                pongs[d["frame.number"][0]].append(d)
        pairs, unanswered = [], []
        for d in pdus:
            if d["trade.keyword"] != ["Ping"] or not d["trade.clock"]:
                continue
            clock = int(d["trade.clock"][0])
            if d["trade.ping.pong_in"]:
                linked = pongs.get(d["trade.ping.pong_in"][0], [])
                self.assertEqual(len(linked), 1, d)
                pairs.append((clock, int(linked[0]["trade.clock"][0]) if linked[0]["trade.clock"] else None))
            elif d["trade.ping.no_pong"]:
                unanswered.append(clock)
        return pairs, unanswered, path

    def check(self, pkts, name, excused, per_gap=None, snaplen=messy.DEFAULT_SNAPLEN):
        pairs, unanswered, path = self.observe(pkts, name, snaplen)
        res = messy.assert_pairs(self, self.truth, pairs, excused=excused, msg=name)
        # a Ping the capture holds whole is answered: none may be called unanswered
        self.assertEqual([c for c in unanswered if c not in excused], [], name)
        if per_gap is not None:
            self.assertLessEqual(len(excused), 2 * per_gap, name)
        return res, path

    def one_per_connection(self, how, shift):
        """Connection j loses (or receives late) its head segment number j + shift (mod count)."""
        out, gone = list(self.pkts), []
        for s in messy.streams(self.pkts):
            heads = head_segments(self.pkts, s.number)
            if how != "drop":       # the last segment has no next one to come after
                heads = [i for i in heads if i != messy.segments(self.pkts, s.number, True)[-1]]
            k = heads[(s.number + shift) % len(heads)]
            if how == "drop":
                gone.append(k)
            else:
                out = messy.out_of_order(out, k)
                gone.append(k)
        return (messy.drop(out, gone) if how == "drop" else out), gone

    def test_truth_capture_is_right_when_clean(self):
        res, _ = self.check(self.pkts, "clean.pcap", excused=())
        self.assertEqual(len(res.correct), N_CONNS * N_PINGS)

    def test_lost_head_segment_costs_only_its_pings(self):
        for shift in (0, 12):
            mutated, gone = self.one_per_connection("drop", shift)
            excused = pings_touching(self.pkts, gone)
            res, _ = self.check(mutated, "drop%d.pcap" % shift, excused, per_gap=len(gone))
            self.assertGreaterEqual(len(res.correct), N_CONNS * N_PINGS - len(excused))

    def test_out_of_order_head_segment_costs_only_its_pings(self):
        for shift in (0, 12):
            mutated, late = self.one_per_connection("swap", shift)
            # the late segment's Pings arrive after their Pongs (messy.swap keeps the time order)
            excused = pings_touching(self.pkts, late)
            res, _ = self.check(mutated, "swap%d.pcap" % shift, excused, per_gap=len(late))
            self.assertGreaterEqual(len(res.correct), N_CONNS * N_PINGS - len(excused))

    def test_keepalive_table_counts_pongs_lost_in_a_gap_as_lost(self):
        """Statistics › Trade Keepalive: a Ping whose Pong was in a lost segment (Multiplexer ->
        module) is "Lost", not "Unanswered" (tshark -2: known once the file is read)."""
        gone = []
        for s in messy.streams(self.pkts):
            segs = messy.segments(self.pkts, s.number, False)
            gone.append(segs[len(segs) // 2])
        path = messy.write(self.cap_path("pong-lost.pcap"), messy.drop(self.pkts, gone))
        lost = tslib.frames(path, "trade.response_lost")
        self.assertEqual(len(lost), len(gone))
        out = tslib.stats(path, "trade,keepalive", two_pass=True)
        lines = out.splitlines()
        cols = [c.strip() for c in next(l for l in lines if l.startswith("Rank |")).split("|")[:-1]]
        self.assertEqual(cols[1:5], ["Pings", "Pongs", "Unanswered", "Lost"])
        rows = [dict(zip(cols, [c.strip() for c in l.split("|")[:-1]])) for l in lines
                if "|" in l and l.split("|")[0].strip().isdigit()]
        self.assertEqual(len(rows), N_CONNS)
        for r in rows:
            # one Pong per connection lost with its segment: 10 Pings, 9 Pongs, 1 Lost, 0 Unanswered
            self.assertEqual([int(r[c]) for c in ("Pings", "Pongs", "Unanswered", "Lost")],
                             [N_PINGS, N_PINGS - 1, 0, 1], r)

    def test_capture_starting_inside_each_connection(self):
        for n in range(1, 6):
            dropped = set()
            for s in messy.streams(self.pkts):
                dropped.update(s.indices[:n])
            excused = pings_touching(self.pkts, dropped)
            res, path = self.check(messy.start_late(self.pkts, n), "start%d.pcap" % n, excused)
            self.assertEqual(len(res.correct), N_CONNS * N_PINGS - len(excused), n)
        # 4 packets in, each connection starts inside a PDU: said once, as a note
        notes = tslib.values(path, "trade.unsynced")
        self.assertTrue(notes)

    def test_snaplen_cut_frames(self):
        for snap in (96, 200):
            excused = pings_touching(self.pkts, caplen=snap)
            res, path = self.check(messy.snaplen(self.pkts, snap), "snap%d.pcap" % snap, excused, snaplen=snap)
            self.assertEqual(len(res.correct), N_CONNS * N_PINGS - len(excused), snap)
            self.assertGreater(len(res.correct), 0, snap)
            # one "cut" note per frame, never a malformed PDU
            self.assertTrue(tslib.frames(path, "trade.cut"))
            self.assertEqual(tslib.malformed_frames(path), [])
            per_frame = tslib.fields(path, ["frame.number", "_ws.expert.message"], "trade.cut")
            for row in per_frame:
                self.assertEqual(sum("cut by the snaplen" in m for m in row["_ws.expert.message"]), 1, row)


if __name__ == "__main__":
    unittest.main()
