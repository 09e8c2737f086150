"""RocketMQ on messy captures (issue #19): a generated capture with a known truth (tests/rocketmq_truth.py:
producers sending, consumers pulling; opaque ids and message keys are the tags), made messy one way
at a time with tests/messy.py, and compared pair by pair with the truth.

Only the transactions whose bytes a mutation removes or reorders are excused; every other request
must be paired with exactly its response, every pulled message key found, no request called
unanswered. Each "every segment in turn" case is one capture holding one copy of the connection
per segment index (copy k loses / reorders its k-th data segment), so one tshark run covers all.
"""
import unittest

import tslib
import messy
import rocketmq_truth as T

NAMES = ["rocketmq.opaque", "rocketmq.flag.response", "rocketmq.response_to", "rocketmq.msg.keys",
         "rocketmq.msg_count", "rocketmq.no_response", "rocketmq.response_lost", "rocketmq.code",
         "_ws.expert.message"]


def opaques(tags):
    return {o for tg in tags for o, _ in tg}


class MessyRocketMQ(tslib.PluginTestCase):

    def check(self, name, conns, pkts, excused, snap=None):
        """Write, decode, score: pairs exact except `excused` opaques; pulled keys found; nothing
        called unanswered. Returns (pdus, score)."""
        path = messy.write(self.cap_path(name + ".pcap"), pkts, **({"snaplen": snap} if snap else {}))
        pdus = messy.pdus(path, "rocketmq", NAMES)
        # a response of an excused (moved/lost) request may link to a frame where the request is
        # not shown as such (Wireshark 4.6 hands a late segment over differently from 4.0): its
        # request tag is unknown (None); only such pairs of excused transactions are left out
        observed = [(q, r) for q, r in T.observed_pairs(pdus) if not (q is None and r in excused)]
        res = messy.assert_pairs(self, T.truth(conns), observed, excused=excused, msg=name)
        self.assertEqual(tslib.frames(path, "rocketmq.no_response"), [], name)
        keys = {k for d in pdus for k in d["rocketmq.msg.keys"]}
        want = T.pulled_keys(conns, excused)
        self.assertEqual(want - keys, set(), name + ": pulled messages not found")
        self.assertEqual(keys - T.pulled_keys(conns) - {k for c in conns for r in c.requests.values()
                                                           for k in r["keys"]}, set(), name)
        return pdus, res

    def test_clean_capture_every_pair_and_every_pulled_message(self):
        conns = T.build()
        pkts, _ = T.packets(conns)
        pdus, res = self.check("clean", conns, pkts, ())
        self.assertEqual(len(res.correct), len(T.truth(conns)))
        self.assertEqual(sum(int(c) for d in pdus for c in d["rocketmq.msg_count"]),
                         sum(r["pulled"] for c in conns for r in c.requests.values()))

    def test_capture_starting_1_to_8_packets_into_each_connection(self):
        # (messy.start_late counts the handshake: from 4 packets in, data is missing)
        conns = T.build()
        pkts, tags = T.packets(conns)
        for n in range(1, 9):
            with self.subTest(start=n):
                gone = {i for s in messy.streams(pkts) for i in s.indices[:n]}
                pdus, res = self.check("start%d" % n, conns, messy.start_late(pkts, n),
                                       opaques(tags[i] for i in gone))
                # the requests of the first PDUs are gone, so their answers link to nothing: at
                # most the transactions whose bytes are missing are excused
                self.assertLessEqual(len(res.excused), len(opaques(tags[i] for i in gone)))

    def _copies(self):
        """One producer and one consumer, 60 copies each (distinct ports and opaques)."""
        conns = []
        for k in range(60):
            conns += T.build(1, 0, seed=7, first_idx=1 + k)
            conns += T.build(0, 1, seed=8, first_idx=101 + k)
        return conns

    def _kth_segments(self, pkts):
        """For each stream, its k-th data segment (both directions, capture order), k = copy
        number, with the stream's packet indices."""
        out = []
        for s in messy.streams(pkts):
            segs = sorted(messy.segments(pkts, s, True) + messy.segments(pkts, s, False))
            port = max(s.client[1], s.server[1])
            k = (port - 40001) % 100
            if k < len(segs):
                out.append((segs[k], s.indices))
        return out

    def test_each_segment_of_a_stream_lost_in_turn(self):
        conns = self._copies()
        pkts, tags = T.packets(conns)
        lost = [i for i, _ in self._kth_segments(pkts)]
        excused = opaques(tags[i] for i in lost)
        pdus, res = self.check("drop", conns, messy.drop(pkts, lost), excused)
        # a gap costs only what it covers: at most 2 transactions per lost segment in this traffic
        # (the PDUs of one write share segments), every other pair is right
        self.assertLessEqual(len(res.excused), 4 * len(lost))
        self.assertGreater(len(res.correct), 2000)
        # answers a gap hid are "not in the capture", never "no response" (checked above); the
        # send requests among them say so
        self.assertTrue([d for d in pdus if d["rocketmq.response_lost"]])

    def test_each_segment_of_a_stream_out_of_order_in_turn(self):
        conns = self._copies()
        pkts, tags = T.packets(conns)
        moved = []
        out = pkts
        for i, idx in self._kth_segments(pkts):
            # out of order with its neighbour in the same burst (the next packet of the stream,
            # else the previous one, if it goes the same way and carries data): what a reordering
            # network does; a segment cannot overtake the answer its own ACK acknowledges
            pos = idx.index(i)
            for j in (idx[pos + 1] if pos + 1 < len(idx) else None, idx[pos - 1] if pos else None):
                if j is not None and pkts[j].tcp.src == pkts[i].tcp.src and pkts[j].tcp.payload_len:
                    out = messy.swap(out, min(i, j), max(i, j))
                    moved += [i, j]
                    break
        self.assertGreater(len(moved), 100)
        excused = opaques(tags[i] for i in moved)
        _, res = self.check("swap", conns, out, excused)
        self.assertGreater(len(res.correct), 2000)

    def test_snaplen_96_and_200(self):
        conns = T.build()
        pkts, _ = T.packets(conns)
        for snap in (96, 200):
            with self.subTest(snaplen=snap):
                cut = messy.snaplen(pkts, snap)
                path = messy.write(self.cap_path("snap%d.pcap" % snap), cut, snaplen=snap)
                pdus = messy.pdus(path, "rocketmq", NAMES)
                # every frame whose start is captured (length word, header word and `{"code":N,`)
                # is counted with its code; 54 bytes of Ethernet, IPv4 and TCP headers
                room = snap - 54
                starts = [o for c in conns for o in c.starts.values()]
                coded = [d for d in pdus if d["rocketmq.code"]]
                self.assertGreaterEqual(len(coded), sum(1 for o in starts if o + 20 <= room))
                self.assertLessEqual(len(coded), sum(1 for o in starts if o + 8 < room))
                # pairs only where both opaques are captured, and those exactly right
                pairs = T.observed_pairs(pdus)
                self.assertEqual([p for p in pairs if p[0] != p[1]], [], snap)
                # never "unanswered": the cut hides the answers' opaques
                self.assertEqual(tslib.frames(path, "rocketmq.no_response"), [])
                # one snaplen note per frame
                per_frame = {}
                for d in pdus:
                    n = sum(1 for m in d["_ws.expert.message"] if m.startswith("Frame cut by the snaplen"))
                    per_frame[d["frame.number"][0]] = per_frame.get(d["frame.number"][0], 0) + n
                self.assertLessEqual(max(per_frame.values()), 1)
                self.assertGreater(sum(per_frame.values()), 100)
        # with 200 bytes the small answers (route lookups, heartbeats) keep their opaque: they pair
        self.assertGreaterEqual(len(pairs), 6)
        # the statistics count what the snaplen left: the requests whose topic is captured
        self.assertIn("Topic0", tslib.stats(path, "rocketmq,hottopics"))

    def test_snaplen_hot_topics_count_cut_requests_as_unknown(self):
        """Requests whose header the snaplen cut before the topic are counted under "(unknown)"
        (no filter), so the hot table's Requests add up to every request whose code was captured,
        except complete headers without a topic (heartbeats), which count nowhere, as on the clean
        capture. Snaplen 96 leaves 42 bytes of TCP payload: no request header is whole, every
        request is "(unknown)"; 200 leaves 146: every request whose code is captured has its topic."""
        conns = T.build()
        pkts, _ = T.packets(conns)
        req_codes = {str(r["code"]) for c in conns for r in c.requests.values()}
        topicless = {str(r["code"]) for c in conns for r in c.requests.values() if not r["topic"]}
        self.assertEqual(topicless, {str(T.HEARTBEAT)})
        for snap in (96, 200):
            with self.subTest(snaplen=snap):
                path = messy.write(self.cap_path("hot%d.pcap" % snap), messy.snaplen(pkts, snap), snaplen=snap)
                pdus = messy.pdus(path, "rocketmq", ["rocketmq.code", "rocketmq.topic", "rocketmq.flag.response"])
                reqs = [d for d in pdus if d["rocketmq.code"] and d["rocketmq.code"][0] in req_codes
                        and d["rocketmq.flag.response"] in ([], ["0"])]
                named = [d for d in reqs if d["rocketmq.topic"]]
                hb = [d for d in reqs if d["rocketmq.code"] == [str(T.HEARTBEAT)]]
                self.assertGreater(len(reqs), 80)
                rows = {}
                out = tslib.stats(path, "rocketmq,hottopics")
                for line in out.splitlines():
                    cells = [c.strip() for c in line.split("|")]
                    if len(cells) > 3 and cells[0].isdigit():
                        rows[cells[2]] = rows.get(cells[2], 0) + int(cells[1])
                        if cells[2] == "(unknown)":
                            self.assertEqual(cells[-2], "", line)   # no filter for an unknown topic
                if snap == 96:
                    self.assertEqual(named, [])
                    self.assertEqual(rows, {"(unknown)": len(reqs)}, out)
                else:
                    self.assertEqual(len(named), len(reqs) - len(hb))
                    self.assertNotIn("(unknown)", rows, out)
                    self.assertEqual(sum(rows.values()), len(named), out)


if __name__ == "__main__":
    unittest.main()
