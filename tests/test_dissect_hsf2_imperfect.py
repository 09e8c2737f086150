"""HSF2 on imperfect captures (issue #19): a generated capture with a known truth (hsf2_truth:
2000 calls over 20 connections, request ids as tags, 74 error statuses, pipelined calls, PDUs
spanning segments) dissected as it is, cut by a snaplen of 96 and 200 bytes, with each data
segment of one connection dropped in turn, and starting 1-5 packets into every connection.
Every request and response the capture still shows is checked pair by pair against the truth
(request id linking), and the counts (requests, answered, unanswered, errors) against what the
truth says is visible."""
import json
import os
import sys
import unittest

import tslib
import hsf2_truth as T

HDR_RSP_ID = 16         # a response's request id ends at byte 16; its status is byte 3
HDR_REQ_ID = 15         # a request's id ends at byte 15
HDR_HB_ID = 14


def _as_list(x):
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


def dissect(path, args=()):
    """Per PDU (frame order): dict(frame, op, type, id, status, response_in, response_to,
    no_response, response_lost, service, method, cut)."""
    out = tslib.run_tshark(["-T", "json", "-j", "frame hsf2", "--no-duplicate-keys", "-2", "-Y", "hsf2"] +
                           list(args), path).stdout
    pdus = []
    for pkt in json.loads(out or "[]"):
        layers = pkt["_source"]["layers"]
        frame = int(layers["frame"]["frame.number"])
        for h in _as_list(layers.get("hsf2")):
            if not isinstance(h, dict):
                continue

            def one(name, h=h):
                v = h.get(name)
                return v[0] if isinstance(v, list) else v
            pdus.append({"frame": frame, "type": one("hsf2.type"), "op": one("hsf2.op"),
                         "id": None if one("hsf2.req_id") is None else int(one("hsf2.req_id")),
                         "status": None if one("hsf2.status") is None else int(one("hsf2.status")),
                         "response_in": one("hsf2.response_in"), "response_to": one("hsf2.response_to"),
                         "no_response": one("hsf2.no_response"), "response_lost": one("hsf2.response_lost"),
                         "service": one("hsf2.service"), "method": one("hsf2.method"),
                         "cut": one("hsf2.cut")})
    return pdus


def score(truth, pdus, frame_of, visible_req, visible_rsp):
    """Compare the dissection with the truth. visible_req/visible_rsp(pdu) say whether the truth
    PDU's request id can be read in the mutated capture. Returns a dict of numbers and the list
    of problems (empty when everything is right)."""
    problems = []
    reqs = {p["id"]: p for p in pdus if p["type"] == "0x0e" and p["op"] == "0" and p["id"] is not None}
    rsps = {p["id"]: p for p in pdus if p["type"] == "0x0e" and p["op"] == "1" and p["id"] is not None}
    n = {"requests": 0, "responses": 0, "pairs": 0, "wrong_pairs": 0, "false_unanswered": 0,
         "errors": 0, "missed_requests": 0, "unanswered": 0}
    for c in truth.calls:
        rq_vis, rs_vis = visible_req(c.req), visible_rsp(c.rsp)
        q, r = reqs.get(c.req_id), rsps.get(c.req_id)
        if rq_vis:
            if not q:
                n["missed_requests"] += 1
                problems.append("request %d (packet %s) not found" % (c.req_id, c.req.packet))
                continue
            n["requests"] += 1
            if q["frame"] != frame_of[c.req]:
                problems.append("request %d in frame %d, truth %d" % (c.req_id, q["frame"], frame_of[c.req]))
            if rs_vis:
                want = str(frame_of[c.rsp])
                if q["response_in"] != want:
                    n["wrong_pairs"] += 1
                    problems.append("request %d: response_in %s, truth %s" % (c.req_id, q["response_in"], want))
                else:
                    n["pairs"] += 1
            elif q["response_in"] is not None:
                n["wrong_pairs"] += 1
                problems.append("request %d linked to %s, its response is not visible" % (c.req_id, q["response_in"]))
            if q["no_response"] is not None:
                n["unanswered"] += 1
                n["false_unanswered"] += 1
                problems.append("request %d claimed unanswered" % c.req_id)
        elif q:
            problems.append("request %d found, the truth says its id is not captured" % c.req_id)
        if rs_vis:
            if not r:
                problems.append("response %d (packet %s) not found" % (c.req_id, c.rsp.packet))
                continue
            n["responses"] += 1
            if r["status"] != c.status:
                problems.append("response %d status %s, truth %d" % (c.req_id, r["status"], c.status))
            n["errors"] += (r["status"] or 20) != 20
            want = str(frame_of[c.req]) if rq_vis else None
            if r["response_to"] != want:
                problems.append("response %d: response_to %s, truth %s" % (c.req_id, r["response_to"], want))
            if rq_vis and r["service"] != (c.service if q["service"] else None):
                problems.append("response %d: service %s, request's %s" % (c.req_id, r["service"], q["service"]))
    return n, problems


def run_case(tc, truth, name, snaplen=None, drop=(), start=0):
    path = tc.cap_path(name)
    kept = T.write(truth.cap, path, snaplen=snaplen, drop=drop, start=start)
    pdus = dissect(path)
    frame_of = T.pdu_frames(truth, kept, snaplen)

    def vis(need):
        def f(p):
            if p not in frame_of:
                return False
            return snaplen is None or T.header_visible(p, snaplen, need)
        return f
    return score(truth, pdus, frame_of, vis(HDR_REQ_ID), vis(HDR_RSP_ID)), pdus, frame_of


class Imperfect(tslib.PluginTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.truth = T.build()
        # a smaller capture for the runs that drop segments: 8 connections of 30 calls
        cls.small = T.build(n_conns=8, per_conn=30, seed=7)

    def check(self, truth, name, snaplen=None, drop=()):
        (n, problems), pdus, frame_of = run_case(self, truth, name, snaplen, drop)
        self.assertEqual(problems[:20], [], "%s: %s" % (name, n))
        return n, pdus

    def test_clean_capture(self):
        n, pdus = self.check(self.truth, "clean.pcap")
        self.assertEqual(n["requests"], 2000)
        self.assertEqual(n["pairs"], 2000)
        self.assertEqual(n["errors"], 74)
        self.assertFalse([p for p in pdus if p["cut"] or p["response_lost"] or p["no_response"]])

    def _snaplen(self, snaplen, requests, pairs, errors):
        """Every request and response whose id is captured is found and paired; a request whose
        response the snaplen hid is 'response not in the capture', never 'no response'."""
        n, pdus = self.check(self.truth, "snap%d.pcap" % snaplen, snaplen=snaplen)
        self.assertEqual((n["requests"], n["pairs"], n["errors"]), (requests, pairs, errors))
        lost = [p for p in pdus if p["response_lost"]]
        self.assertEqual(len(lost), requests - pairs)
        self.assertTrue(all(p["cut"] == "1" for p in pdus if p["frame"] in {q["frame"] for q in pdus if q["cut"]}
                            and p["cut"]))
        return n, pdus

    def test_snaplen_96(self):
        n, pdus = self._snaplen(96, 1242, 1004, 52)
        # 42 bytes of payload: no request's names are captured, so they are unknown, on the
        # request and on its response
        self.assertFalse([p for p in pdus if p["service"] is not None])

    def test_snaplen_200(self):
        n, pdus = self._snaplen(200, 1606, 1564, 71)
        by_id = {}
        for p in pdus:
            by_id.setdefault(p["id"], []).append(p)
        named = [c for c in self.truth.calls if c.req_id in by_id and by_id[c.req_id][0]["service"]]
        self.assertGreater(len(named), 1000)
        for c in named:   # the names decoded are the truth's, on the response too
            self.assertEqual({p["service"] for p in by_id[c.req_id]}, {c.service}, c.req_id)

    def test_snaplen_one_expert_per_frame(self):
        path = self.cap_path("snap200.pcap")
        T.write(self.truth.cap, path, snaplen=200)
        rows = tslib.fields(path, ["frame.number", "hsf2.cut", "_ws.expert.message"], "hsf2.cut")
        self.assertGreater(len(rows), 500)
        for r in rows:
            cut_notes = [m for m in r["_ws.expert.message"] if m.startswith("Frame cut by the snaplen")]
            self.assertEqual(len(cut_notes), 1, r)

    def test_snaplen_tables(self):
        """The hot table counts what the capture shows: requests whose names were cut under
        (unknown), their responses with them."""
        path = self.cap_path("snap96t.pcap")
        T.write(self.truth.cap, path, snaplen=96)
        out = tslib.stats(path, "hsf2,hotservices", two_pass=True)
        # columns: Rank, Requests, Service, Responses, ..., Method, Filter (the ranked layout)
        rows = [[c.strip() for c in l.split("|")] for l in out.splitlines() if l.count("|") >= 9]
        unknown = [r for r in rows if r[2] == "(unknown)"]
        self.assertEqual(len(unknown), 1, out)
        self.assertEqual(unknown[0][10], "(unknown)")
        self.assertEqual((int(unknown[0][1]), int(unknown[0][3])), (1242, 1004))

    def _small_runs(self):
        """Runs over the small capture: each drops, in every connection, its r-th and
        (r+R)-th data segment (never the last one of a direction: a lost final answer with no
        later traffic cannot be told from no answer)."""
        t = self.small
        droppable = {}
        for k, pk in t.data_packets.items():
            last = {}
            for i in pk:
                last[t.cap.packets[i][1][26:30]] = i     # by source address
            droppable[k] = [i for i in pk if i not in last.values()]
        R = (max(len(v) for v in droppable.values()) + 1) // 2
        for r in range(R):
            drop = set()
            for v in droppable.values():
                for j in (r, r + R):
                    if j < len(v):
                        drop.add(v[j])
            yield r, drop

    def test_drop_each_segment(self):
        """A lost segment costs only the PDUs it holds: every other pair is right, no request is
        claimed unanswered (the ones whose response was lost say so)."""
        worst = 0
        for r, drop in self._small_runs():
            (n, problems), pdus, _ = run_case(self, self.small, "drop%d.pcap" % r, drop=drop)
            self.assertEqual(problems[:10], [], "run %d: %s" % (r, n))
            worst = max(worst, 240 - n["pairs"])
        self.assertLess(worst, 8 * 2 * 4 + 1)   # two gaps in each of 8 connections, <= 4 calls each

    def test_start_mid_stream(self):
        """Each connection starts 1-5 packets in: what is left is decoded and paired."""
        t = self.small
        for k in range(1, 6):
            (n, problems), pdus, _ = run_case(self, t, "mid%d.pcap" % k, start=k)
            self.assertEqual(problems[:10], [], "start %d packets in: %s" % (k, n))
            self.assertGreaterEqual(n["pairs"], 240 - 8 * 2, k)


class CutInsideReassembly(tslib.PluginTestCase):
    """A PDU TCP started to reassemble (its first segment is whole) whose next segment the
    snaplen cut: TCP gives up on it; HSF2 takes the cut segment as the continuation it is (no
    malformed frame, no false request) and goes on with the next PDU."""

    def test_split_request_then_cut_segment(self):
        import hsf2_pdus as P
        from capbuilder import Capture
        cap = Capture()
        c = cap.tcp("10.0.0.1:40000", "10.0.0.2:12200")                              # 1-3
        c.c2s(P.request("com.example.S:1", "m", [("java.lang.String", P.hessian("x" * 200))], req_id=1),
              segs=[20])                                                               # 4 (whole), 5 (cut)
        c.s2c(P.response(1, P.hessian("ok")))                                          # 6
        c.c2s(P.heartbeat(2))                                                          # 7
        c.s2c(P.heartbeat(2, response=True))                                           # 8
        path = self.cap_path("split-cut.pcap")
        T.write(cap, path, snaplen=96)
        rows = tslib.fields(path, ["frame.number", "hsf2.req_id", "hsf2.continuation", "hsf2.response_to",
                                   "hsf2.no_response"], "hsf2")
        got = {r["frame.number"][0]: (r["hsf2.req_id"], r["hsf2.continuation"], r["hsf2.response_to"],
                                      r["hsf2.no_response"]) for r in rows}
        self.assertEqual(got["5"], ([], ["257"], [], []))
        self.assertEqual(got["6"], (["1"], [], [], []))       # its request was never dissected
        self.assertEqual(got["8"], (["2"], [], ["7"], []))
        self.assertEqual(tslib.malformed_frames(path), [])


if __name__ == "__main__":
    unittest.main()
