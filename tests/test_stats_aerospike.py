"""Aerospike hot-key report and service response time, through tshark -z.

The known-answer capture (built below) holds, on four TCP connections to port 3000:
  A  key "hot-a"     200 gets, each answered (result 0) after 1, 2, 3, 4, 1, 2, ... ms
  B  key "never-b"     5 gets, never answered (all on one connection, which gets no reply)
  C  key "missing-c"   3 gets, each answered with result 2 (not found) after 5, 6, 7 ms
  a batch read of 5 rows (keys b1, b2, b3, b2, b4: b2 twice), answered after 8 ms
so every cell of the hot-key table is known in advance.
"""
import unittest

import tslib
from capbuilder import Capture
import stats_helpers as sh

NS, SET, BSET = "test", "demo", "batchset"
T0 = 1000.0   # small epoch: timestamps stay exact to the nanosecond in a double

REQ_A = sh.read_request(NS, SET, "hot-a", send_key=True)
REQ_B = sh.read_request(NS, SET, "never-b", send_key=False)
REQ_C = sh.read_request(NS, SET, "missing-c", send_key=True)
RESP_OK = sh.response(0)
RESP_NOT_FOUND = sh.response(2)
BATCH_KEYS = ["b1", "b2", "b3", "b2", "b4"]
REQ_BATCH = sh.batch_request(NS, BSET, BATCH_KEYS)
RESP_BATCH = sh.batch_response(len(BATCH_KEYS))

A_LAT = [1.0 + (i % 4) for i in range(200)]
C_LAT = [5.0, 6.0, 7.0]
BATCH_LAT = 8.0

TITLE = "Aerospike Hot Keys"
GROUP_TITLE = "Namespace/Set totals"
# issue 16: a rank first (1 = most requests, the printed order), the numbers, then the text
# columns and the display filter of the row
COLUMNS = ["Rank", "Requests", "Key", "Responses", "Unanswered", "Lost", "Errors", "Avg ms", "Max ms",
           "Bytes", "Namespace", "Set", "User key", "Filter"]


def hexd(set_name, key):
    return sh.digest(set_name, key).hex()


def build_known_answers(path):
    cap = Capture(t0=T0)
    build_known_answers_into(cap)
    return cap.write(path)


def build_known_answers_into(cap):
    a = cap.tcp("10.0.0.1:40001", "10.0.0.2:3000")
    for lat in A_LAT:
        a.c2s(REQ_A, dt=0.010)
        a.s2c(RESP_OK, dt=lat / 1000.0)
    b = cap.tcp("10.0.0.1:40002", "10.0.0.2:3000")
    for _ in range(5):
        b.c2s(REQ_B, dt=0.020)
    c = cap.tcp("10.0.0.1:40003", "10.0.0.2:3000")
    for lat in C_LAT:
        c.c2s(REQ_C, dt=0.010)
        c.s2c(RESP_NOT_FOUND, dt=lat / 1000.0)
    d = cap.tcp("10.0.0.1:40004", "10.0.0.2:3000")
    d.c2s(REQ_BATCH, dt=0.010)
    d.s2c(RESP_BATCH, dt=BATCH_LAT / 1000.0)


def expected_rows():
    """Key rows of the known-answer capture, as tshark prints them (batch rows checked apart)."""
    return {
        hexd(SET, "hot-a"): {
            "Namespace": NS, "Set": SET, "User key": "hot-a", "Requests": "200", "Responses": "200",
            "Unanswered": "0", "Errors": "0", "Avg ms": "2.500", "Max ms": "4.000",
            "Bytes": str(200 * (len(REQ_A) + len(RESP_OK)))},
        hexd(SET, "never-b"): {
            "Namespace": NS, "Set": SET, "User key": "", "Requests": "5", "Responses": "0",
            "Unanswered": "5", "Errors": "0", "Avg ms": "0.000", "Max ms": "0.000",
            "Bytes": str(5 * len(REQ_B))},
        hexd(SET, "missing-c"): {
            "Namespace": NS, "Set": SET, "User key": "missing-c", "Requests": "3",
            "Responses": "3", "Unanswered": "0", "Errors": "3", "Avg ms": "6.000",
            "Max ms": "7.000", "Bytes": str(3 * (len(REQ_C) + len(RESP_NOT_FOUND)))},
    }


class HotKeysKnownAnswers(tslib.PluginTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cap = build_known_answers(cls.tmp + "/hotkeys-known.pcap")

    def table(self, z="aerospike,hotkeys", two_pass=False):
        out = tslib.stats(self.cap, z, two_pass=two_pass)
        filt, cols, tables = sh.parse_stat_table(out, TITLE)
        self.assertEqual(cols, COLUMNS)
        self.assertEqual(list(tables), [TITLE, GROUP_TITLE])
        return filt, tables

    def assert_key_rows(self, rows, expect):
        by_key = {r["Key"]: r for r in rows}
        for key, cells in expect.items():
            self.assertIn(key, by_key, "row for %s" % key)
            got = {k: by_key[key][k] for k in cells}
            self.assertEqual(got, cells, key)

    def assert_sorted_by_requests(self, rows):
        reqs = [int(r["Requests"]) for r in rows]
        self.assertEqual(reqs, sorted(reqs, reverse=True))
        # the rank is the printed order: what the GUI shows first (it sorts by the first column)
        self.assertEqual([int(r["Rank"]) for r in rows], list(range(1, len(rows) + 1)))

    def check_full_table(self, tables):
        rows = tables[TITLE]
        self.assertEqual(len(rows), 3 + 4, [r["Key"] for r in rows])
        self.assert_key_rows(rows, expected_rows())
        self.assert_sorted_by_requests(rows)
        # the three single keys come first, in Requests order
        self.assertEqual([r["Key"] for r in rows[:4]],
                         [hexd(SET, "hot-a"), hexd(SET, "never-b"), hexd(SET, "missing-c"),
                          hexd(BSET, "b2")])
        # batch rows count per digest: b2 was asked twice in the one batch
        batch = {r["Key"]: r for r in rows if r["Set"] == BSET}
        self.assertEqual({k: (v["Requests"], v["Responses"], v["Unanswered"], v["Avg ms"],
                              v["Max ms"], v["Namespace"]) for k, v in batch.items()},
                         {hexd(BSET, "b1"): ("1", "1", "0", "8.000", "8.000", NS),
                          hexd(BSET, "b2"): ("2", "2", "0", "8.000", "8.000", NS),
                          hexd(BSET, "b3"): ("1", "1", "0", "8.000", "8.000", NS),
                          hexd(BSET, "b4"): ("1", "1", "0", "8.000", "8.000", NS)})
        self.assertEqual({r["Lost"] for r in rows}, {"0"})
        # the row's filter names its digest and namespace (and set)
        self.assertEqual(rows[0]["Filter"], 'aerospike.digest == %s && aerospike.namespace == "%s" && '
                         'aerospike.set == "%s"' % (":".join("%02x" % b for b in sh.digest(SET, "hot-a")),
                                                    NS, SET))
        groups = {(r["Namespace"], r["Set"]): r for r in tables[GROUP_TITLE]}
        self.assertEqual(set(groups), {(NS, SET), (NS, BSET)})
        self.assertEqual(groups[(NS, BSET)]["Filter"],
                         'aerospike.namespace == "%s" && aerospike.set == "%s"' % (NS, BSET))
        g = groups[(NS, SET)]
        self.assertEqual((g["Key"], g["Requests"], g["Responses"], g["Unanswered"], g["Errors"],
                          g["Max ms"], g["Bytes"]),
                         ("3 keys", "208", "203", "5", "3", "7.000",
                          str(200 * (len(REQ_A) + len(RESP_OK)) + 5 * len(REQ_B) +
                              3 * (len(REQ_C) + len(RESP_NOT_FOUND)))))
        # mean over the 203 answered gets: (200 * 2.5 + 5 + 6 + 7) / 203
        self.assertEqual(g["Avg ms"], "%.3f" % ((200 * 2.5 + 18) / 203))
        gb = groups[(NS, BSET)]
        self.assertEqual((gb["Key"], gb["Requests"], gb["Responses"], gb["Unanswered"]),
                         ("4 keys", "5", "5", "0"))
        self.assertEqual([r["Namespace"] + "/" + r["Set"] for r in tables[GROUP_TITLE]],
                         [NS + "/" + SET, NS + "/" + BSET])

    def test_hotkeys_every_cell_of_known_capture(self):
        filt, tables = self.table()
        self.assertEqual(filt, "")
        self.check_full_table(tables)

    def test_hotkeys_two_pass_counts_the_same(self):
        _, one = self.table(two_pass=False)
        _, two = self.table(two_pass=True)
        self.check_full_table(two)
        key = lambda rows: sorted(tuple(sorted(r.items())) for r in rows)
        self.assertEqual(key(one[TITLE]), key(two[TITLE]))
        self.assertEqual(key(one[GROUP_TITLE]), key(two[GROUP_TITLE]))

    def test_hotkeys_filter_argument_limits_rows(self):
        filt, tables = self.table("aerospike,hotkeys,tcp.port==40003")
        self.assertEqual(filt, "tcp.port==40003")
        rows = tables[TITLE]
        self.assertEqual(len(rows), 1)
        self.assert_key_rows(rows, {hexd(SET, "missing-c"): expected_rows()[hexd(SET, "missing-c")]})
        self.assertEqual([(r["Namespace"], r["Set"], r["Requests"], r["Errors"])
                          for r in tables[GROUP_TITLE]], [(NS, SET, "3", "3")])

    def test_hotkeys_filter_with_two_connections(self):
        _, tables = self.table("aerospike,hotkeys,tcp.port==40001 || tcp.port==40002",
                               two_pass=True)
        exp = expected_rows()
        del exp[hexd(SET, "missing-c")]
        self.assertEqual([r["Key"] for r in tables[TITLE]], [hexd(SET, "hot-a"), hexd(SET, "never-b")])
        self.assert_key_rows(tables[TITLE], exp)

    def test_filter_dropping_responses_does_not_make_requests_unanswered(self):
        """Issue 16 item 4: only the requests pass the filter; whether each was answered is taken
        from its transaction (two passes: the GUI's retap sees the same)."""
        _, tables = self.table("aerospike,hotkeys,tcp.dstport==3000", two_pass=True)
        exp = expected_rows()
        for cells in exp.values():
            del cells["Errors"], cells["Bytes"]     # counted on the records the filter keeps
        self.assert_key_rows(tables[TITLE], exp)
        g = {(r["Namespace"], r["Set"]): r for r in tables[GROUP_TITLE]}[(NS, SET)]
        self.assertEqual((g["Requests"], g["Responses"], g["Unanswered"], g["Errors"]),
                         ("208", "203", "5", "0"))

    def test_row_filter_selects_the_requests_of_the_row(self):
        """The Filter cell of a row, used as a display filter, selects that key's requests."""
        _, tables = self.table()
        row = tables[TITLE][0]
        frames = tslib.frames(self.cap, row["Filter"])
        reqs = tslib.frames(self.cap, "tcp.dstport == 3000 && tcp.srcport == 40001 && aerospike")
        self.assertEqual(len(reqs), 200)
        self.assertTrue(set(reqs) <= set(frames), "requests of hot-a not selected by %s" % row["Filter"])
        self.assertFalse(set(frames) & set(tslib.frames(self.cap, "tcp.srcport == 40002 || tcp.srcport == 40003")))

    def test_row_filter_selects_the_responses_of_the_row(self):
        """Issue 16 item 3: the Filter cell selects requests AND responses of the row. Needs the
        responses to carry the request's identity as generated fields (aerospike.digest, .namespace,
        .set on responses: the Aerospike dissector's part of issue 16 item 4)."""
        _, tables = self.table()
        frames = set(tslib.frames(self.cap, tables[TITLE][0]["Filter"]))
        rsps = tslib.frames(self.cap, "tcp.srcport == 3000 && tcp.dstport == 40001 && aerospike")
        self.assertEqual(len(rsps), 200)
        self.assertEqual(set(rsps) - frames, set(), "responses of hot-a not selected")

    def test_row_limit_preference_other_keys_row_and_totals(self):
        """Issue 19 item 4: troubleshark.hot_table_max_rows caps the rows; every key beyond the cap
        is counted in one "(other keys)" row, printed last; the totals add up."""
        out = tslib.stats(self.cap, "aerospike,hotkeys", args=["-o", "troubleshark.hot_table_max_rows:4"])
        _, _, tables = sh.parse_stat_table(out, TITLE)
        rows = tables[TITLE]
        self.assertEqual(len(rows), 4)
        self.assertEqual([r["Key"] for r in rows[:3]],
                         [hexd(SET, "hot-a"), hexd(SET, "never-b"), hexd(SET, "missing-c")])
        other = rows[3]
        self.assertEqual((other["Rank"], other["Key"], other["Requests"], other["Responses"],
                          other["Unanswered"], other["Filter"]), ("4", "(other keys)", "5", "5", "0", ""))
        full = sh.parse_stat_table(tslib.stats(self.cap, "aerospike,hotkeys"), TITLE)[2]
        for col in ("Requests", "Responses", "Unanswered", "Errors", "Bytes"):
            self.assertEqual(sum(int(r[col]) for r in rows), sum(int(r[col]) for r in full[TITLE]), col)
            self.assertEqual(sum(int(r[col]) for r in rows),
                             sum(int(r[col]) for r in tables[GROUP_TITLE]), col)

    def test_srt_rows_by_command_kind(self):
        out = tslib.stats(self.cap, "aerospike,srt")
        srt = sh.parse_srt(out)
        self.assertIn("Read", srt, out)
        calls, mn, mx, avg, total = srt["Read"]
        self.assertEqual(calls, 203)
        self.assertAlmostEqual(mn, 0.001, places=6)
        self.assertAlmostEqual(mx, 0.007, places=6)
        self.assertAlmostEqual(total, (sum(A_LAT) + sum(C_LAT)) / 1000.0, places=5)
        self.assertEqual(srt["Batch"][0], 1)
        self.assertAlmostEqual(srt["Batch"][2], BATCH_LAT / 1000.0, places=6)
        self.assertEqual(set(srt), {"Read", "Batch"})

    def test_srt_filter_field_is_the_command_kind(self):
        """Issue 16 item 3: the SRT table names its filter field (Apply/Prepare as Filter)."""
        out = tslib.stats(self.cap, "aerospike,srt")
        self.assertIn("Filter: aerospike.kind", out)
        batch_req = tslib.frames(self.cap, "tcp.srcport == 40004 && aerospike")
        self.assertEqual(len(batch_req), 1)
        self.assertTrue(set(batch_req) <= set(tslib.frames(self.cap, "aerospike.kind == 4")))   # row 4: Batch

    def test_srt_two_pass_same_numbers(self):
        self.assertEqual(sh.parse_srt(tslib.stats(self.cap, "aerospike,srt", two_pass=True)),
                         sh.parse_srt(tslib.stats(self.cap, "aerospike,srt")))


class HotKeysMessy(tslib.PluginTestCase):
    """Issue 19: a lost response segment costs only the transaction it covers, in the table too.
    The known-answer capture with one response segment of key A's connection dropped (first,
    middle, last): key A shows 200 requests, 199 answered, and the one left is Unanswered or Lost
    (Lost when the dissector knows a gap hid it); every other row and the totals stay exact."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import messy
        cls.messy = messy
        cap = Capture(t0=T0)
        build_known_answers_into(cap)
        cls.pkts = messy.from_capture(cap)
        cls.rsp_segs = messy.segments(cls.pkts, 0, from_client=False)
        cls.full = sh.parse_stat_table(tslib.stats(cap.write(cls.tmp + "/messy-full.pcap"),
                                                   "aerospike,hotkeys", two_pass=True), TITLE)[2]

    def test_one_lost_response_segment(self):
        self.assertEqual(len(self.rsp_segs), 200)
        for n, i in enumerate((self.rsp_segs[0], self.rsp_segs[100], self.rsp_segs[-1])):
            with self.subTest(dropped=i):
                path = self.messy.write(self.cap_path("messy-drop-%d.pcap" % n), self.messy.drop(self.pkts, i))
                _, _, tables = sh.parse_stat_table(tslib.stats(path, "aerospike,hotkeys", two_pass=True), TITLE)
                rows = {r["Key"]: r for r in tables[TITLE]}
                a = rows[hexd(SET, "hot-a")]
                self.assertEqual((a["Requests"], a["Responses"]), ("200", "199"))
                self.assertEqual(int(a["Unanswered"]) + int(a["Lost"]), 1)
                full = {r["Key"]: r for r in self.full[TITLE]}
                for k, r in rows.items():
                    if k != hexd(SET, "hot-a"):
                        self.assertEqual(r, full[k], k)
                g = {(r["Namespace"], r["Set"]): r for r in tables[GROUP_TITLE]}[(NS, SET)]
                self.assertEqual((g["Requests"], g["Responses"]), ("208", "202"))
                self.assertEqual(int(g["Unanswered"]) + int(g["Lost"]), 6)


class HotKeysRealClient(tslib.PluginTestCase):
    """The real Node.js client capture: requests for "no-reply-key" were never answered."""

    CAP = tslib.os.path.join(tslib.CAPTURES, "aerospike-realclient.pcapng")
    NO_REPLY = sh.digest("demo", "no-reply-key").hex()

    def test_no_reply_key_requests_unanswered(self):
        self.assertEqual(self.NO_REPLY, "b9aab185da85e6c4b93aef91fed7d39e2ffb3604")
        out = tslib.stats(self.need(self.CAP), "aerospike,hotkeys", two_pass=True)
        _, _, tables = sh.parse_stat_table(out, TITLE)
        rows = {r["Key"]: r for r in tables[TITLE]}
        self.assertIn(self.NO_REPLY, rows)
        r = rows[self.NO_REPLY]
        # its digest is in frames 655 (get), 657 (the get retried on another connection) and 662
        # (a write on a third one); none of them is answered before the capture ends
        self.assertEqual((r["Namespace"], r["Set"], r["Requests"], r["Responses"], r["Unanswered"],
                          r["Avg ms"], r["Max ms"]), ("test", "demo", "3", "0", "3", "0.000", "0.000"))
        # every other key of the capture was answered
        others = [k for k, v in rows.items() if v["Unanswered"] != "0"]
        self.assertEqual(others, [self.NO_REPLY])

    def test_real_capture_table_is_consistent(self):
        out = tslib.stats(self.need(self.CAP), "aerospike,hotkeys")
        _, _, tables = sh.parse_stat_table(out, TITLE)
        keys, groups = tables[TITLE], tables[GROUP_TITLE]
        self.assertGreater(len(keys), 10)
        reqs = [int(r["Requests"]) for r in keys]
        self.assertEqual(reqs, sorted(reqs, reverse=True))
        for r in keys + groups:
            self.assertEqual(int(r["Unanswered"]),
                             max(0, int(r["Requests"]) - int(r["Responses"])), r)
            self.assertLessEqual(float(r["Avg ms"]), float(r["Max ms"]), r)
        for col in ("Requests", "Responses", "Errors", "Bytes"):
            self.assertEqual(sum(int(r[col]) for r in keys), sum(int(r[col]) for r in groups), col)
        # every digest is 40 lowercase hex characters
        self.assertEqual([r["Key"] for r in keys if len(r["Key"]) != 40 or
                          r["Key"].strip("0123456789abcdef")], [])
        self.assertEqual(sum(int(g["Key"].split()[0]) for g in groups), len(keys))


if __name__ == "__main__":
    unittest.main()
