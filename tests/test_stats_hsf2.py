"""HSF2 statistics on the 50-request conversation: `-z hsf2,hotservices` (one row per service and
method: requests, responses, unanswered, errors, timeouts, avg/max ms) and `-z hsf2,srt` (one row
per method in order of first appearance, row 0 = heartbeats). Every number is computed from the
capture's own description (hsf2_pdus.build_conversation) and also pinned for the busiest rows."""
import unittest

import tslib
from capbuilder import Capture
import hsf2_pdus as P
import stats_helpers as sh

TITLE = "HSF2 Hot Services"
COLS = ["Rank", "Requests", "Service", "Responses", "Unanswered", "Lost", "Errors", "Timeouts", "Avg ms",
        "Max ms", "Method", "Filter"]


def hot_table(out):
    """Rows of the hot table in printed order (dicts by column title)."""
    _, cols, tables = sh.parse_stat_table(out, TITLE)
    assert cols == COLS, cols
    return tables[TITLE]


def parse_hot(out):
    """Rows of the hot table: {(service, method): [requests, responses, unanswered, errors,
    timeouts, avg_ms, max_ms]}."""
    rows = {}
    for r in hot_table(out):
        rows[(r["Service"], r["Method"])] = [int(r[c]) for c in ("Requests", "Responses", "Unanswered",
                                                                 "Errors", "Timeouts")] + \
            [float(r["Avg ms"]), float(r["Max ms"])]
        assert r["Lost"] == "0", r
    return rows


def parse_srt(out):
    rows = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 7 and parts[0].isdigit():
            idx = int(parts[0])
            nums = parts[-5:]
            rows[idx] = (" ".join(parts[1:-5]), int(nums[0]), float(nums[1]), float(nums[2]), float(nums[3]))
    return rows


class HotServices(tslib.PluginTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cap = Capture(t0=1700000100.0)
        cls.f = P.build_conversation(cap)
        cls.path = cap.write(cls.tmp + "/conversation.pcap")

    def expected(self, ids=range(1, 51)):
        f = self.f
        exp = {}
        for i in ids:
            key = f["method"][i]
            e = exp.setdefault(key, {"req": 0, "rsp": 0, "err": 0, "late": 0, "lat": []})
            e["req"] += 1
            if i in f["rsp_frame"]:
                e["rsp"] += 1
                e["lat"].append(f["latency_ms"][i])
                e["err"] += i in P.ERRORS
                e["late"] += i in P.LATE_IDS
        return {k: [e["req"], e["rsp"], e["req"] - e["rsp"], e["err"], e["late"],
                    sum(e["lat"]) / len(e["lat"]), max(e["lat"])] for k, e in exp.items()}

    def assertRows(self, got, exp):
        self.assertEqual(sorted(got), sorted(exp))
        for k in exp:
            self.assertEqual(got[k][:5], exp[k][:5], k)
            self.assertAlmostEqual(got[k][5], exp[k][5], delta=0.0011, msg=k)
            self.assertAlmostEqual(got[k][6], exp[k][6], delta=0.0011, msg=k)

    def test_hot_services_every_row(self):
        out = tslib.stats(self.path, "hsf2,hotservices")
        self.assertIn("HSF2 Hot Services", out)
        got = parse_hot(out)
        exp = self.expected()
        exp[("(heartbeat)", "")] = [2, 2, 0, 0, 0, 0.5, 0.5]
        self.assertRows(got, exp)
        # pinned: the numbers the conversation is designed to produce
        self.assertEqual(got[("com.example.UserService:1.0.0", "save")][:5], [13, 12, 1, 3, 1])
        self.assertEqual(got[("com.example.UserService:1.0.0", "find")][:5], [13, 12, 1, 0, 1])
        self.assertEqual(got[("com.example.OrderService:2.0.0", "create")][:5], [12, 12, 0, 0, 1])
        self.assertEqual(got[("com.example.HelloService:1.0.0", "sayHello")][:5], [11, 11, 0, 0, 0])
        self.assertEqual(got[("com.example.UserService:1.0.0", "update")][:5], [1, 1, 0, 0, 0])
        self.assertEqual(sum(r[0] for r in got.values()), 52)      # 50 requests + 2 heartbeats
        self.assertEqual(sum(r[2] for r in got.values()), 2)       # ids 49 and 50
        self.assertEqual(sum(r[4] for r in got.values()), 3)       # ids 41, 42, 43

    def test_rows_ranked_by_requests(self):
        rows = hot_table(tslib.stats(self.path, "hsf2,hotservices"))
        order = [r["Service"] + "#" + r["Method"] for r in rows]
        self.assertEqual(order[:2], ["com.example.UserService:1.0.0#save", "com.example.UserService:1.0.0#find"])
        self.assertEqual(order[-1], "com.example.UserService:1.0.0#update")
        self.assertEqual([int(r["Rank"]) for r in rows], list(range(1, len(rows) + 1)))
        by = {r["Service"] + "#" + r["Method"]: r for r in rows}
        self.assertEqual(by["com.example.UserService:1.0.0#save"]["Filter"],
                         'hsf2.service == "com.example.UserService:1.0.0" && hsf2.method == "save"')
        self.assertEqual(by["(heartbeat)#"]["Filter"], "")    # not a service: no filter
        # the filter selects the requests of its row (responses: once they carry the fields)
        sel = set(tslib.frames(self.path, by["com.example.UserService:1.0.0#save"]["Filter"]))
        reqs = set(tslib.frames(self.path, 'hsf2.method == "save" && !hsf2.method == "find"'))
        self.assertTrue(reqs and reqs <= sel, (reqs, sel))

    def test_display_filter_limits_the_table(self):
        # frames up to the last response of phase A hold requests and responses 1..10 only
        last = max(self.f["rsp_frame"][i] for i in range(1, 11))
        got = parse_hot(tslib.stats(self.path, "hsf2,hotservices,frame.number <= %d" % last))
        self.assertRows(got, self.expected(range(1, 11)))

    def test_two_pass_counts_once(self):
        self.assertEqual(parse_hot(tslib.stats(self.path, "hsf2,hotservices", two_pass=True)),
                         parse_hot(tslib.stats(self.path, "hsf2,hotservices")))


class ServiceResponseTime(tslib.PluginTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cap = Capture(t0=1700000100.0)
        cls.f = P.build_conversation(cap)
        cls.path = cap.write(cls.tmp + "/conversation-srt.pcap")
        cls.rows = parse_srt(tslib.stats(cls.path, "hsf2,srt"))

    # rows by first appearance: id 1 save, 2 find, 3 create, 4 sayHello, 12 update
    ROWS = {1: ("com.example.UserService:1.0.0", "save"), 2: ("com.example.UserService:1.0.0", "find"),
            3: ("com.example.OrderService:2.0.0", "create"), 4: ("com.example.HelloService:1.0.0", "sayHello"),
            5: ("com.example.UserService:1.0.0", "update")}

    def test_srt_calls_min_max_avg_per_method(self):
        f = self.f
        self.assertEqual(sorted(self.rows), [0, 1, 2, 3, 4, 5])
        name, calls, mn, mx, avg = self.rows[0]
        self.assertEqual((name, calls), ("Heartbeat", 2))
        self.assertAlmostEqual(mx, 0.0005, places=6)
        for idx, key in self.ROWS.items():
            lat = [f["latency_ms"][i] / 1000.0 for i in f["rsp_frame"] if f["method"][i] == key]
            name, calls, mn, mx, avg = self.rows[idx]
            self.assertEqual(calls, len(lat), key)
            self.assertAlmostEqual(mn, min(lat), places=5)
            self.assertAlmostEqual(mx, max(lat), places=5)
            self.assertAlmostEqual(avg, sum(lat) / len(lat), places=5)
        self.assertEqual([self.rows[i][1] for i in range(1, 6)], [12, 12, 12, 11, 1])

    def test_srt_filter_field_selects_row_requests_and_responses(self):
        # "Apply as Filter" on SRT row N builds "hsf2.srt_index==N" (the table's filter field)
        out = tslib.stats(self.path, "hsf2,srt")
        self.assertIn("Filter: hsf2.srt_index\n", out)
        f = self.f
        for idx, key in self.ROWS.items():
            ids = [i for i in f["method"] if f["method"][i] == key]
            want = {f["req_frame"][i] for i in ids} | {f["rsp_frame"][i] for i in ids if i in f["rsp_frame"]}
            got = set(tslib.frames(self.path, "hsf2.srt_index==%d" % idx))
            self.assertEqual(got, want, key)
        hb = set(f["hb_req"].values()) | set(f["hb_rsp"].values())
        self.assertEqual(set(tslib.frames(self.path, "hsf2.srt_index==0")), hb)

    def test_srt_rows_named_after_methods(self):
        names = {i: self.rows[i][0] for i in self.ROWS}
        for i, (service, method) in self.ROWS.items():
            self.assertEqual(names[i], "%s (%s)" % (method, service))


if __name__ == "__main__":
    unittest.main()
