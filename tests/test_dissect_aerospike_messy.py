"""Aerospike on messy captures (issue #19): a generated capture with a known truth (every request
tagged by its key, every response by a unique generation) made messy one way at a time with
tests/messy.py — each response segment dropped in turn, PDUs over several segments (MSS 300)
with one segment lost or out of order, captures starting 1-5 packets into every connection,
frames cut by a snaplen of 96 and 200 bytes — and scored pair by pair against the truth.

A gap costs only the transactions whose bytes it covers (at most 2 per gap); their requests say
"response not in the capture" (aerospike.response_lost), not "no response"; every other pair is
right, and only the truth's unanswered requests say "no response". Plus the label conventions of
issue #16 (items 4, 6, 7, 8) that these captures show.
"""
import os
import re
import unittest

import tslib
import messy
from aerospike_truth import Truth, score_by_frame, FIELDS

CONNS = 8
PER_CONN = 60
REALCLIENT = os.path.join(tslib.SOURCE_DIR, "captures", "aerospike-realclient.pcapng")
TLS_CAP = os.path.join(tslib.SOURCE_DIR, "captures", "aerospike-tls4333.pcapng")
TLS_KEYS = os.path.join(tslib.SOURCE_DIR, "captures", "aerospike-tls4333.keys")
PAIR_FIELDS = ["aerospike.key", "aerospike.msg.generation"]


def hot_key_totals(text):
    """{column title: sum over the rows} of the first table of `-z aerospike,hotkeys`, read by
    column title (the column order is not assumed)."""
    lines = text.splitlines()
    start = next(i for i, l in enumerate(lines) if l.rstrip().endswith("Hot Keys:"))
    header = next(i for i in range(start, len(lines)) if "|" in lines[i])
    cols = [c.strip() for c in lines[header].split("|")]
    totals, rows = {}, 0
    for line in lines[header + 1:]:
        if line.startswith("=====") or ("|" not in line and rows):
            break           # the end, or the title of the next (group) table
        if "|" not in line:
            continue        # the table's own title
        rows += 1
        for col, cell in zip(cols, line.split("|")):
            cell = cell.strip().replace(",", "")
            if col and re.fullmatch(r"\d+", cell):
                totals[col] = totals.get(col, 0) + int(cell)
    return totals


class MessyCaptures(tslib.PluginTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.small = Truth(CONNS, PER_CONN)                                      # 1 PDU per segment
        cls.big = Truth(CONNS, PER_CONN, mss=300, big_every=2, big_first=True)  # PDUs over segments
        cls.n = 0

    def _write(self, pkts, snaplen=messy.DEFAULT_SNAPLEN):
        MessyCaptures.n += 1
        return messy.write(self.cap_path("m%d.pcap" % MessyCaptures.n), pkts, snaplen=snaplen)

    def _check(self, gen, pkts, excused, gaps, what):
        """Pairs right except the excused transactions (at most 2 per gap); the truth's unanswered
        requests, and only they, say 'no response'; every request the gap cost says 'response
        lost'. Returns the rows."""
        path = self._write(pkts)
        rows = tslib.fields(path, ["frame.number", "aerospike.key", "aerospike.msg.generation",
                                   "aerospike.response_to", "aerospike.no_response",
                                   "aerospike.response_lost"], "aerospike")
        observed = messy.pairs_from_rows([r for r in rows if r["aerospike.response_to"]], *PAIR_FIELDS)
        res = messy.assert_pairs(self, gen.truth, observed, excused=excused, msg=what)
        affected = [e for e in res.excused if not e[1].startswith("paired with %r (truth %r)"
                                                                    % ((gen.truth[e[0]],) * 2))]
        self.assertLessEqual(len(affected), 2 * gaps, "%s: %s" % (what, affected))
        unanswered = [k for r in rows if r["aerospike.no_response"] for k in r["aerospike.key"]]
        want_unanswered = [k for k, v in gen.truth.items() if v is None and k not in excused]
        self.assertEqual(sorted(unanswered), sorted(want_unanswered), what)
        lost = [k for r in rows if r["aerospike.response_lost"] for k in r["aerospike.key"]]
        self.assertTrue(set(lost) <= set(excused), "%s: lost %s" % (what, lost))
        return rows, lost

    # -- a clean capture ---------------------------------------------------------------------
    def test_clean_capture_pairs_exactly(self):
        for gen in (self.small, self.big):
            pkts = messy.from_capture(gen.cap)
            self._check(gen, pkts, (), 0, "clean")

    # -- lost segments -------------------------------------------------------------------------
    def test_each_response_segment_dropped_in_turn(self):
        """Every response segment is dropped once: 6 captures, each losing the response of every
        6th transaction of each connection (gaps apart are independent)."""
        gen = self.small
        pkts = messy.from_capture(gen.cap)
        for off in range(6):
            hit = [t for t in gen.trans if t["answered"] and t["n"] % 6 == off]
            gone = [i for t in hit for i in t["rsp_pkts"]]
            excused = [t["key"] for t in hit]
            rows, lost = self._check(gen, messy.drop(pkts, gone), excused, len(hit),
                                     "responses dropped: n %% 6 == %d" % off)
            # the request whose answer is in the gap says so, and its successor is paired right
            self.assertEqual(sorted(lost), sorted(excused))

    def test_request_segment_dropped(self):
        gen = self.small
        pkts = messy.from_capture(gen.cap)
        hit = [gen.find(c, 5 + 7 * c) for c in range(CONNS)]
        self._check(gen, messy.drop(pkts, [t["req_pkts"][0] for t in hit]), [t["key"] for t in hit],
                    len(hit), "request segments dropped")

    def test_mss300_one_segment_of_a_response_lost_or_late(self):
        """Responses over 4 segments (900-byte bins at MSS 300): one segment lost (first, middle,
        last) or swapped with the next one, for a spread of transactions of every connection."""
        gen = self.big
        pkts = messy.from_capture(gen.cap)
        cases = [("drop", seg, 1) for seg in (0, 1, 3)] + [("late", seg, 5) for seg in (0, 1, 2)]
        for how, seg, r in cases:
            hit = [t for t in gen.trans if t["answered"] and t["n"] % 12 == r and len(t["rsp_pkts"]) == 4]
            self.assertTrue(hit)
            idx = [t["rsp_pkts"][seg] for t in hit]
            mutated = pkts
            if how == "drop":
                mutated = messy.drop(pkts, idx)
            else:
                for i in idx:
                    mutated = messy.out_of_order(mutated, i)
            self._check(gen, mutated, [t["key"] for t in hit], len(hit),
                        "MSS 300, segment %d %s for n %% 12 == %d" % (seg, how, r))

    def test_mss300_late_segments_put_back_by_tcp(self):
        """With TCP's "reassemble out-of-order segments" on, a late segment costs nothing."""
        gen = self.big
        mutated = messy.from_capture(gen.cap)
        for t in gen.trans:
            if t["answered"] and t["n"] % 12 == 5 and len(t["rsp_pkts"]) == 4:
                mutated = messy.out_of_order(mutated, t["rsp_pkts"][1])
        path = self._write(mutated)
        rows = tslib.fields(path, ["aerospike.key", "aerospike.msg.generation", "aerospike.response_to",
                                   "aerospike.response_lost"], "aerospike",
                            args=["-o", "tcp.reassemble_out_of_order:TRUE"])
        observed = messy.pairs_from_rows([r for r in rows if r["aerospike.response_to"]], *PAIR_FIELDS)
        messy.assert_pairs(self, gen.truth, observed)
        self.assertEqual([r for r in rows if r["aerospike.response_lost"]], [])

    # -- captures that start mid-stream ---------------------------------------------------------
    def test_capture_starts_1_to_5_packets_into_each_connection(self):
        """With big_first the first request spans 4 segments: 4 and 5 packets in, the capture
        starts inside it."""
        gen = self.big
        pkts = messy.from_capture(gen.cap)
        for n in range(1, 6):
            gone = set()
            for c in range(CONNS):      # the connection's packets: its handshake, then its PDUs
                idx = [3 * c, 3 * c + 1, 3 * c + 2] + sorted(
                    i for t in gen.trans if t["conn"] == c for i in t["req_pkts"] + t["rsp_pkts"])
                gone.update(idx[:n])
            excused = [t["key"] for t in gen.trans if gone & set(t["req_pkts"] + t["rsp_pkts"])]
            rows, _ = self._check(gen, messy.start_late(pkts, n), excused, CONNS,
                                  "capture starts %d packets in" % n)

    # -- snaplen ---------------------------------------------------------------------------------
    def _snap(self, gen, snaplen, expect_cut=True):
        path = self._write(messy.snaplen(messy.from_capture(gen.cap), snaplen), snaplen=snaplen)
        res = score_by_frame(gen, tslib.fields(path, FIELDS))
        answered = sum(1 for t in gen.trans if t["answered"])
        what = "snaplen %d: %r" % (snaplen, res["wrong"][:5])
        self.assertEqual(res["requests"], len(gen.trans), what)
        self.assertEqual(res["responses"], answered, what)
        self.assertEqual(res["pairs_right"], answered, what)
        self.assertEqual(res["pairs_wrong"], 0, what)
        self.assertEqual(res["unanswered"], CONNS, what)
        self.assertEqual(res["rsp_lost"], 0, what)
        # one note per cut frame, not one per field; no other expert on the cut PDUs
        rows = tslib.fields(path, ["frame.number", "_ws.expert.message", "aerospike.cut"], "aerospike.cut")
        self.assertEqual(bool(rows), expect_cut)
        for r in rows:
            cut_notes = [m for m in r["_ws.expert.message"] if "not in the capture, what is there" in m]
            self.assertEqual(len(cut_notes), 1, r)
            self.assertEqual([m for m in r["_ws.expert.message"] if "truncated" in m], [], r)
        # the header of every request is decoded, and the statistics count every request
        self.assertEqual(len(tslib.values(path, "aerospike.msg.info1", "tcp.dstport == 3000")), len(gen.trans))
        totals = hot_key_totals(tslib.stats(path, "aerospike,hotkeys", two_pass=True))
        self.assertEqual(totals.get("Requests"), len(gen.trans), totals)
        self.assertEqual(totals.get("Responses"), answered, totals)
        return path

    def test_snaplen_96(self):
        path = self._snap(self.small, 96)
        # the key is cut: the statistics show it as (unknown), as HSF2 and RocketMQ do
        out = tslib.stats(path, "aerospike,hotkeys", two_pass=True)
        self.assertIn("(unknown)", out)
        info = tslib.info_column(path, "aerospike && tcp.dstport == 3000")
        self.assertTrue(all(i.startswith(("Write test/", "Read test/")) and "[cut]" in i for i in info), info[:3])

    def test_snaplen_200(self):
        self._snap(self.small, 200, expect_cut=False)      # small PDUs fit in 200 bytes
        path = self._snap(self.big, 200)
        # the segments after a cut PDU's first one are its continuation, not PDUs
        cont = tslib.fields(path, ["frame.number", "aerospike.continuation", "aerospike.type"],
                            "aerospike.continuation")
        self.assertTrue(cont)
        for r in cont:
            self.assertLess(int(r["aerospike.continuation"][0]), int(r["frame.number"][0]))
            self.assertEqual(r["aerospike.type"], [])

    def test_snaplen_96_every_proto_type(self):
        """Info, admin, compressed and batch PDUs cut at 96 bytes: paired, one note per frame,
        no error or warning about the missing bytes."""
        import aerospike_pdus as ap
        from capbuilder import Capture
        cap = Capture()
        c = cap.tcp("10.0.0.1:40000", "10.0.0.2:3000")
        long_value = ";".join("stat%d=%d" % (i, i) for i in range(40))
        write = ap.key_request("test", "demo", "k" * 40, ops=[ap.op(ap.OP_WRITE, "b", "z" * 400)],
                               info2=ap.INFO2_WRITE)
        rows = [ap.batch_row(i, ap.digest("demo", "b%d" % i), ns="test", set="demo") for i in range(6)]
        exchanges = [
            (ap.info_request("statistics", "namespace/test", "build", "sets/test/demo", "bins/test"),
             ap.info_response([("statistics", long_value), ("build", "8.1.0.0")])),
            (ap.login_request("alice"), ap.admin(result=0, fields=[ap.admin_field(5, "t" * 120)])),
            (ap.compressed(write), ap.compressed(ap.message(ap.as_msg(generation=7, ops=[ap.op(ap.OP_READ, "b", "q" * 300)])))),
            (ap.batch_request(rows), ap.message(*[ap.batch_record(i, generation=i + 1) for i in range(6)], ap.last_msg())),
        ]
        for req, rsp in exchanges:
            c.c2s(req)
            c.s2c(rsp)
        path = self._write(messy.snaplen(messy.from_capture(cap), 96), snaplen=96)
        pdus = tslib.fields(path, ["frame.number", "aerospike.response_to", "aerospike.response_in",
                                   "_ws.expert.message", "_ws.expert.severity", "aerospike.cut"], "aerospike")
        self.assertEqual(len(pdus), 2 * len(exchanges))
        for q, r in zip(pdus[0::2], pdus[1::2]):
            self.assertEqual(r["aerospike.response_to"], q["frame.number"])
            self.assertEqual(q["aerospike.response_in"], r["frame.number"])
        for r in pdus:
            self.assertEqual(len(r["aerospike.cut"]), 1, r)
            self.assertEqual(len([m for m in r["_ws.expert.message"] if "not in the capture" in m]), 1, r)
            self.assertEqual([v for v in r["_ws.expert.severity"] if int(v) >= 6291456], [], r)

    # -- hot keys after a gap --------------------------------------------------------------------
    def test_hot_key_totals_after_gaps(self):
        gen = self.small
        hit = [gen.find(c, 20 + c) for c in range(CONNS)]
        path = self._write(messy.drop(messy.from_capture(gen.cap), [i for t in hit for i in t["rsp_pkts"]]))
        totals = hot_key_totals(tslib.stats(path, "aerospike,hotkeys", two_pass=True))
        answered = sum(1 for t in gen.trans if t["answered"])
        self.assertEqual(totals.get("Requests"), len(gen.trans), totals)
        self.assertEqual(totals.get("Responses"), answered - len(hit), totals)
        self.assertEqual(totals.get("Errors"), 0, totals)
        # the lost ones: a note, not a warning, and the Info column says which
        rows = tslib.fields(path, ["aerospike.key", "_ws.expert.message", "_ws.expert.severity", "_ws.col.Info"],
                            "aerospike.response_lost")
        self.assertEqual(sorted(r["aerospike.key"][0] for r in rows), sorted(t["key"] for t in hit))
        for r in rows:
            self.assertIn("Response not in the capture (lost segment)", r["_ws.expert.message"])
            self.assertTrue(r["_ws.col.Info"][0].endswith(" [response lost]"), r)
            self.assertNotIn("No response seen to this request", r["_ws.expert.message"])


class Conventions(tslib.PluginTestCase):
    """Issue #16 items 4, 6, 7, 8 on the generated and the bundled captures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gen = Truth(2, 4)
        cls.path = messy.write(os.path.join(cls.tmp, "small.pcap"), messy.from_capture(cls.gen.cap))

    def test_responses_carry_the_request_identity(self):
        rows = tslib.fields(self.path, ["frame.number", "tcp.srcport", "aerospike.namespace", "aerospike.set",
                                        "aerospike.key", "aerospike.digest", "aerospike.kind"],
                            'aerospike.set == "s1"')
        reqs = [r for r in rows if r["tcp.srcport"] != ["3000"]]
        rsps = [r for r in rows if r["tcp.srcport"] == ["3000"]]
        self.assertEqual(len(reqs), 4)
        self.assertEqual(len(rsps), 3)
        by_key = {r["aerospike.key"][0]: r for r in reqs}
        for r in rsps:
            q = by_key[r["aerospike.key"][0]]
            for f in ("aerospike.namespace", "aerospike.set", "aerospike.digest", "aerospike.kind"):
                self.assertEqual(r[f], q[f], f)

    def test_links_first_and_info_conventions(self):
        text = tslib.detail(self.path, "aerospike", "tcp.srcport == 3000 && aerospike.key == \"c0-k1\"")
        lines = [l.strip() for l in text.splitlines()]
        top = lines.index(next(l for l in lines if l.startswith("Aerospike wire protocol")))
        self.assertTrue(lines[top + 1].startswith("[Request in:"), lines[top:top + 4])
        self.assertTrue(lines[top + 2].startswith("[Time:"), lines[top:top + 4])
        info = tslib.info_column(self.path)
        rsp = [i for i in info if i.startswith("Response OK")]
        self.assertTrue(rsp and all(re.search(r" \[\d+\.\d ms\]$", i) for i in rsp), rsp[:3])
        self.assertEqual(sum(1 for i in info if i.endswith(" [no response]")), 2)
        # the void time of a response, as the Info column's ttl
        ttl = [l for l in lines if l.startswith("Record TTL:")]
        self.assertTrue(ttl and "void time; ttl=" in ttl[0], ttl)

    def test_protocol_column_short_and_distinct(self):
        self.assertEqual(set(tslib.values(self.path, "_ws.col.Protocol", "aerospike")), {"Aero"})
        hb = os.path.join(tslib.SHARED_DIR, "captures", "external", "aerospike", "heartbeat-mesh.pcapng")
        if os.path.exists(hb):
            self.assertEqual(set(tslib.values(hb, "_ws.col.Protocol", "aerospike_cluster")), {"AeroClu"})

    def test_no_control_characters_in_labels(self):
        caps = [self.path, REALCLIENT]
        ext = os.path.join(tslib.SHARED_DIR, "captures", "external", "aerospike")
        if os.path.isdir(ext):
            caps += [os.path.join(ext, f) for f in sorted(os.listdir(ext)) if f.endswith("cap") or f.endswith("capng")]
        for cap in caps:
            out = tslib.run_tshark(["-V", "-2"], cap).stdout
            bad = [l for l in out.splitlines() if re.search(r"[\x00-\x09\x0b-\x1f\x7f]", l)]
            self.assertEqual(bad[:5], [], cap)
        # an info answer: name and value shown apart, and "Info response" said once
        out = tslib.detail(REALCLIENT, "aerospike", "aerospike.info.name")
        self.assertNotIn("Info response: Info response", out)
        self.assertRegex(out, r"Answer: \S+ = ")


if __name__ == "__main__":
    unittest.main()
