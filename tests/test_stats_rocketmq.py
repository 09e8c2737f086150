"""RocketMQ statistics: `-z rocketmq,hottopics` (Statistics › RocketMQ Hot Topics) and
`-z rocketmq,srt` (Service Response Time › RocketMQ), fed by the dissector's tap.

Columns of the hot table (per topic and queue; queue "*" = topic-level requests such as route
lookups), after the Rank: Requests (request PDUs naming the topic/queue), Messages sent
(messages in SEND requests, batch entries counted one by one), Messages pulled (records in
PULL/POP/QUERY/VIEW responses), Send errors (send responses other than SUCCESS), Send avg/max ms
(response time of sends), Pull avg/max ms (of pulls and other record-answering requests: long
polls), Bytes (request + response PDUs), then Topic, Queue and the row's Filter.
"""
import unittest

import tslib
from capbuilder import Capture
import rocketmq_pdus as R

REALCLIENT = tslib.os.path.join(tslib.CAPTURES, "rocketmq-realclient.pcapng")
COLS = ["Rank", "Requests", "Topic", "Messages sent", "Messages pulled", "Send errors", "Send avg ms",
        "Pull avg ms", "Send max ms", "Pull max ms", "Bytes", "Queue", "Filter"]


def hot_rows(out):
    """{(topic, queue): {column: value}} from the tshark table output."""
    lines = out.splitlines()
    hdr = [i for i, l in enumerate(lines) if l.startswith("Rank |")]
    assert hdr, out
    cols = [c.strip() for c in lines[hdr[0]].split("|") if c.strip()]
    assert cols == COLS, cols
    res = {}
    for l in lines[hdr[0] + 1:]:
        if "|" not in l:
            continue
        cells = [c.strip() for c in l.split("|")][:len(cols)]
        row = dict(zip(cols, cells))
        for k in cols[:-2]:
            if k != "Topic":
                row[k] = float(row[k]) if "ms" in k else int(row[k])
        res[(row["Topic"], row["Queue"])] = row
    return res


def srt_rows(out):
    """{command: (calls, min, max, avg)} from the SRT output."""
    res = {}
    for l in out.splitlines():
        parts = l.split()
        if len(parts) == 7 and parts[0].isdigit():
            res[parts[1]] = (int(parts[2]), float(parts[3]), float(parts[4]), float(parts[5]))
    return res


class RocketmqStats(tslib.PluginTestCase):

    def test_hot_topics_realclient_sent_and_pulled_per_queue(self):
        cap = self.need(REALCLIENT)
        rows = hot_rows(tslib.stats(cap, "rocketmq,hottopics"))
        sent = {t: sum(r["Messages sent"] for (tt, _), r in rows.items() if tt == t) for t in ("TopicA", "TopicB")}
        pulled = {t: sum(r["Messages pulled"] for (tt, _), r in rows.items() if tt == t)
                  for t in ("TopicA", "TopicB", "%RETRY%GID_capture")}
        self.assertEqual(sent, {"TopicA": 25, "TopicB": 25})
        # 42 delivered keys + the redelivery through the retry topic = 43 pulled messages
        self.assertEqual(pulled, {"TopicA": 17, "TopicB": 25, "%RETRY%GID_capture": 1})
        self.assertEqual(rows[("TopicA", "0")]["Messages pulled"], 5)
        self.assertEqual(rows[("TopicB", "2")]["Messages pulled"], 7)
        # route lookups are topic-level: their own "*" row (4 for TopicA: frames 4, 53, 58, 82)
        self.assertEqual(rows[("TopicA", "*")]["Requests"], 4)
        self.assertEqual(rows[("TopicA", "*")]["Messages sent"], 0)
        self.assertEqual(sum(r["Send errors"] for r in rows.values()), 0)
        # issue 16 item 5: sends and pulls apart: sends answer in well under a millisecond, the
        # long polls are held by the broker for seconds (TopicA queue 0: 0.2 ms vs 2-4 s)
        self.assertGreater(rows[("TopicA", "0")]["Send max ms"], 0.0)
        self.assertLess(rows[("TopicA", "0")]["Send max ms"], 100.0)
        self.assertGreater(rows[("TopicA", "0")]["Pull max ms"], 1000.0)
        self.assertEqual(rows[("%RETRY%GID_capture", "0")]["Send max ms"], 0.0)
        self.assertGreater(rows[("%RETRY%GID_capture", "0")]["Pull max ms"], 1000.0)
        self.assertEqual(rows[("TopicA", "*")]["Filter"], 'rocketmq.topic == "TopicA" && !rocketmq.queue_id')
        self.assertEqual(rows[("TopicB", "2")]["Filter"], 'rocketmq.topic == "TopicB" && rocketmq.queue_id == 2')

    def test_hot_topics_send_failures_latency_bytes(self):
        cap = Capture()
        c = cap.tcp("10.0.0.1:40000", "10.0.0.2:10911")
        reqs, rsps = [], []
        for i, (code, dt) in enumerate(((0, 0.010), (2, 0.020), (0, 0.030))):
            q = R.request(310, i, ext=R.send_v2_ext("TS", 1), body=b"payload")
            r = R.response(code, i, ext=R.send_response_ext(R.offset_msg_id("10.0.0.2:10911", i), 1, i))
            c.c2s(q, dt=0.1)
            c.s2c(r, dt=dt)
            reqs.append(q)
            rsps.append(r)
        entries = [R.batch_entry("b%d" % i, {"KEYS": "k%d" % i}) for i in range(4)]
        q = R.request(320, 9, ext=R.send_v2_ext("TS", 2, batch=True), body=b"".join(entries))
        r = R.response(0, 9, ext=R.send_response_ext("A,B,C,D", 2, 0))
        c.c2s(q, dt=0.1)
        c.s2c(r, dt=0.005)
        c.c2s(R.request(11, 20, ext=R.pull_ext("CG", "TS", 1, 0)), dt=0.1)
        body = b"".join(R.store_record("TS", "m%d" % i, queue_id=1, queue_offset=i) for i in range(3))
        pr = R.response(0, 20, ext=R.pull_found_ext(3), remark="FOUND", body=body)
        c.s2c(pr, dt=2.0)
        p = cap.write(self.cap_path("stats.pcap"))
        rows = hot_rows(tslib.stats(p, "rocketmq,hottopics"))
        q1 = rows[("TS", "1")]
        self.assertEqual(q1["Requests"], 4)           # 3 sends + 1 pull
        self.assertEqual(q1["Send errors"], 1)        # the SYSTEM_BUSY answer
        self.assertEqual(q1["Messages sent"], 3)
        self.assertEqual(q1["Messages pulled"], 3)
        self.assertAlmostEqual(q1["Send avg ms"], 20.0, places=1)   # sends only: the 2 s pull is apart
        self.assertAlmostEqual(q1["Send max ms"], 30.0, places=1)
        self.assertAlmostEqual(q1["Pull avg ms"], 2000.0, places=1)
        self.assertAlmostEqual(q1["Pull max ms"], 2000.0, places=1)
        self.assertEqual(q1["Bytes"], sum(len(x) for x in reqs + rsps) +
                         len(R.request(11, 20, ext=R.pull_ext("CG", "TS", 1, 0))) + len(pr))
        q2 = rows[("TS", "2")]
        self.assertEqual((q2["Requests"], q2["Messages sent"], q2["Send errors"]), (1, 4, 0))
        self.assertAlmostEqual(q2["Send max ms"], 5.0, places=1)
        # the same numbers when a filter keeps only the requests (two passes: answered and the
        # response time come from each request's transaction)
        only_req = hot_rows(tslib.stats(p, "rocketmq,hottopics,tcp.dstport == 10911", two_pass=True))
        for col in ("Requests", "Messages sent", "Send avg ms", "Send max ms", "Pull avg ms"):
            self.assertAlmostEqual(only_req[("TS", "1")][col], q1[col], places=3, msg=col)

        srt = srt_rows(tslib.stats(p, "rocketmq,srt"))
        self.assertEqual(srt["SEND_MESSAGE_V2"][0], 3)
        self.assertAlmostEqual(srt["SEND_MESSAGE_V2"][2], 0.030, places=3)
        self.assertEqual(srt["SEND_BATCH_MESSAGE"][0], 1)
        self.assertEqual(srt["PULL_MESSAGE"][0], 1)
        self.assertAlmostEqual(srt["PULL_MESSAGE"][1], 2.0, places=2)

    def test_hot_topics_filter(self):
        cap = self.need(REALCLIENT)
        rows = hot_rows(tslib.stats(cap, "rocketmq,hottopics,rocketmq.topic == \"TopicB\""))
        self.assertEqual({t for t, _ in rows}, {"TopicB"})

    def test_srt_realclient_per_request_code(self):
        cap = self.need(REALCLIENT)
        srt = srt_rows(tslib.stats(cap, "rocketmq,srt"))
        self.assertEqual(srt["SEND_MESSAGE_V2"][0], 50)
        self.assertEqual(srt["GET_ROUTEINFO_BY_TOPIC"][0], 9)
        self.assertEqual(srt["UPDATE_CONSUMER_OFFSET"][0], 27)
        self.assertEqual(srt["CONSUMER_SEND_MSG_BACK"][0], 1)
        # 27 pulls, 9 still held at the end of the capture
        self.assertEqual(srt["PULL_MESSAGE"][0], 18)
        self.assertNotIn("NOTIFY_CONSUMER_IDS_CHANGED", srt)   # one-way

    def test_srt_filter_field_selects_row_requests_and_responses(self):
        # "Apply as Filter" on SRT row N builds "rocketmq.srt_index==N" (the table's filter field)
        cap = self.need(REALCLIENT)
        out = tslib.stats(cap, "rocketmq,srt")
        self.assertIn("Filter: rocketmq.srt_index\n", out)
        index = {l.split()[1]: int(l.split()[0]) for l in out.splitlines()
                 if len(l.split()) == 7 and l.split()[0].isdigit()}
        send, pull = str(index["SEND_MESSAGE_V2"]), str(index["PULL_MESSAGE"])
        rows = tslib.fields(cap, ["rocketmq.srt_index", "rocketmq.request_code"], "rocketmq.srt_index==" + send)
        n_idx = sum(r["rocketmq.srt_index"].count(send) for r in rows)
        # 50 SEND_MESSAGE_V2 requests (code 310) and their 50 responses (request code 310)
        self.assertEqual(n_idx, 100)
        self.assertEqual(sum(r["rocketmq.request_code"].count("310") for r in rows), 50)
        pulls = tslib.fields(cap, ["rocketmq.srt_index"], "rocketmq.srt_index==" + pull)
        # 27 PULL_MESSAGE requests, 18 answered (the SRT row's calls)
        self.assertEqual(sum(r["rocketmq.srt_index"].count(pull) for r in pulls), 27 + 18)


if __name__ == "__main__":
    unittest.main()
