"""Aerospike service protocol (issue 3): every message decoded, reassembled and matched.

Real captures: ../shared/captures/external/aerospike/*.pcapng (skipped when absent) and
captures/aerospike-realclient.pcapng (Node.js client aerospike@6.7.1 against a scripted server).
Edge cases come from the capture builder with PDUs encoded by aerospike_pdus.

The stock TCP heuristics are not disabled anywhere: the Aerospike port registration wins on port
3000, so the frames the README warns about (lbmsrs_tcp / smpp_tcp) decode as Aerospike.
"""
import os
import struct
import unittest

import aerospike_pdus as ap
import tslib
from capbuilder import Capture

REALCLIENT = os.path.join(tslib.CAPTURES, "aerospike-realclient.pcapng")
PDUS_TXT = tslib.client_capture("aerospike-realclient.pdus.txt")


def ext(name):
    return tslib.external("aerospike", name)


def ints(vals):
    return [int(v, 0) for v in vals]


class ExternalCaptures(tslib.PluginTestCase):
    """The captures of the Lua plugin's test suite."""

    def test_write_request_namespace_set_digest_and_bins(self):
        cap = self.need(ext("msg-write-request.pcapng"))
        expect = {"aerospike.version": ["2"],
                  "aerospike.type": ["3"],
                  "aerospike.size": ["106"],
                  "aerospike.namespace": ["test"],
                  "aerospike.set": ["testset"],
                  "aerospike.digest": ["f59124986e96ad175b374c9487945bbcad537b74"],
                  "aerospike.op.bin_name": ["name", "age"],
                  "aerospike.op.value_string": ["Shakthi"],
                  "aerospike.op.value_int": ["37"],
                  "aerospike.msg.transaction_ttl": ["1000"],
                  "aerospike.msg.info2": ["0x01"],
                  "aerospike.kind": ["1"],   # Write
                  "aerospike.digest.partition": ["501"]}
        row = tslib.fields(cap, expect, "aerospike")[0]
        self.assertEqual(row, expect)
        self.assertEqual(tslib.info_column(cap), ["Write test/testset digest=f5912498\u2026 bins=name,age [no response]"])

    def test_write_response_generation_and_void_time(self):
        cap = self.need(ext("msg-write-response.pcapng"))
        expect = {"aerospike.msg.result_code": ["0"],
                  "aerospike.msg.generation": ["1"],
                  "aerospike.msg.record_ttl": ["252324642"],
                  "aerospike.msg.void_time": ["Dec 30, 2017 10:10:42.000000000 UTC"]}
        row = tslib.fields(cap, expect, "aerospike")[0]
        self.assertEqual(row, expect)

    def test_34621_byte_write_reassembled_from_two_segments(self):
        cap = self.need(ext("payload-request-greater-than-1500.pcapng"))
        rows = tslib.fields(cap, ["frame.number", "aerospike.size", "aerospike.set", "aerospike.digest",
                                  "aerospike.op.bin_name", "aerospike.op.size", "aerospike.msg.record_ttl"])
        self.assertEqual([r["aerospike.size"] for r in rows], [[], ["34613"]])
        self.assertEqual(rows[1]["aerospike.set"], ["characters"])
        self.assertEqual(rows[1]["aerospike.digest"], ["faf89eda19115ae83874429fb974962933b17aee"])
        self.assertEqual(rows[1]["aerospike.op.bin_name"], ["license"])
        self.assertEqual(rows[1]["aerospike.op.size"], ["34538"])
        self.assertEqual(rows[1]["aerospike.msg.record_ttl"], ["3600"])
        self.assertEqual(tslib.malformed_frames(cap), [])

    def test_legacy_scan_request_fields(self):
        cap = self.need(ext("msg-read-request.pcapng"))
        expect = {"aerospike.field.type": ["0", "1", "8", "9", "7"],
                  "aerospike.scan.priority": ["2"],
                  "aerospike.scan.percent": ["100"],
                  "aerospike.scan.fail_on_cluster_change": ["1"],
                  "aerospike.socket_timeout": ["10000"],
                  "aerospike.task_id": [str(0x4238c131a256785c)],
                  "aerospike.kind": ["5"]}   # Scan
        row = tslib.fields(cap, expect, "aerospike")[0]
        self.assertEqual(row, expect)
        self.assertEqual(tslib.info_column(cap), ["Scan test/testset [no response]"])

    def test_scan_record_response_bins(self):
        cap = self.need(ext("msg-read-response.pcapng"))
        row = tslib.fields(cap, ["aerospike.digest", "aerospike.namespace", "aerospike.set",
                                 "aerospike.op.value_string", "aerospike.op.value_int", "aerospike.op.type"],
                           "aerospike")[0]
        self.assertEqual(row["aerospike.digest"], ["f59124986e96ad175b374c9487945bbcad537b74"])
        self.assertEqual([row["aerospike.namespace"], row["aerospike.set"]], [["test"], ["testset"]])
        self.assertEqual(row["aerospike.op.value_string"], ["Shakthi"])
        self.assertEqual(row["aerospike.op.value_int"], ["37"])
        self.assertEqual(row["aerospike.op.type"], ["1", "1"])

    def test_info_request_commands(self):
        cap = self.need(ext("info-request.pcapng"))
        self.assertEqual(tslib.values(cap, "aerospike.info.command"),
                         ["node", "peers-generation", "partition-generation"])
        self.assertEqual(tslib.info_column(cap), ["Info request: node, peers-generation, partition-generation [no response]"])


class RealClientCapture(tslib.PluginTestCase):
    """captures/aerospike-realclient.pcapng and its PDU list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not os.path.exists(REALCLIENT):
            raise unittest.SkipTest("capture not present: %s" % REALCLIENT)
        cls.rows = tslib.fields(REALCLIENT, ["frame.number", "aerospike.size", "aerospike.response_in",
                                             "aerospike.response_to", "aerospike.no_response",
                                             "aerospike.compressed.inflated_size"], "aerospike")
        cls.by_frame = {int(r["frame.number"][0]): r for r in cls.rows}

    def expected_pdus(self):
        if not os.path.exists(PDUS_TXT):
            self.skipTest("capture not present: %s" % PDUS_TXT)
        out = []
        for line in open(PDUS_TXT):
            if line.startswith("#"):
                continue
            c = line.split("\t")
            out.append((int(c[0].split("-")[-1]), int(c[3].rstrip("B")), c[4].strip()))
        return out

    def test_all_568_pdus_dissected_with_their_sizes(self):
        exp = self.expected_pdus()
        self.assertEqual(len(exp), 568)
        got = []
        for r in self.rows:
            sizes = [int(s) + 8 for s in r["aerospike.size"]]
            if r["aerospike.compressed.inflated_size"]:   # compressed: the inner header's size is listed too
                sizes = sizes[:1]
            got.extend((int(r["frame.number"][0]), s) for s in sizes)
        self.assertEqual(got, [(f, s) for f, s, _ in exp])

    def test_no_malformed_items_and_no_unexpected_errors(self):
        self.assertEqual(tslib.malformed_frames(REALCLIENT), [])
        errs = tslib.fields(REALCLIENT, ["frame.number", "_ws.expert.message"],
                            "_ws.expert.severity == error && aerospike")
        self.assertEqual([(r["frame.number"][0], r["_ws.expert.message"]) for r in errs],
                         [("191", ["Server result: UDF_EXECUTION (100)"])])

    def test_put_with_every_bin_type(self):
        row = tslib.fields(REALCLIENT, ["aerospike.op.particle_type", "aerospike.op.bin_name",
                                        "aerospike.op.value_string", "aerospike.op.value_int",
                                        "aerospike.op.value_double", "aerospike.op.value_bytes",
                                        "aerospike.op.value_msgpack", "aerospike.op.value_bool", "aerospike.key",
                                        "aerospike.digest", "aerospike.digest.computed"],
                           "frame.number == 48")[0]
        self.assertEqual(row["aerospike.op.particle_type"], ["3", "1", "2", "4", "20", "19", "17"])
        self.assertEqual(row["aerospike.op.bin_name"], ["name", "i", "f", "b", "l", "m", "ok"])
        self.assertEqual(row["aerospike.op.value_string"], ["user-1"])
        self.assertEqual(row["aerospike.op.value_int"], ["1"])
        self.assertEqual(row["aerospike.op.value_double"], ["1.5"])
        self.assertEqual(row["aerospike.op.value_bytes"], ["deadbeef01"])
        self.assertEqual(row["aerospike.op.value_msgpack"][0], '[1, "two", 3.5, blob(1)]')
        self.assertIn('"city": "Z\u00fcrich"', row["aerospike.op.value_msgpack"][1])
        self.assertEqual(row["aerospike.op.value_bool"], ["0"])
        self.assertEqual(row["aerospike.key"], ["user1"])
        self.assertEqual(row["aerospike.digest"], [ap.digest("demo", "user1").hex()])
        # RIPEMD-160 recomputed from set + key
        self.assertEqual(row["aerospike.digest.computed"], row["aerospike.digest"])

    def test_batch_rows_repeat_rows_and_indexed_answers(self):
        req = tslib.fields(REALCLIENT, ["aerospike.batch.count", "aerospike.batch.index",
                                        "aerospike.batch.repeat_of", "aerospike.batch.row_flags"],
                           "frame.number == 113")[0]
        self.assertEqual(req["aerospike.batch.count"], ["6"])
        self.assertEqual(req["aerospike.batch.index"], ["0", "1", "2", "3", "4", "5"])
        self.assertEqual(req["aerospike.batch.repeat_of"], ["3", "3"])
        self.assertEqual(req["aerospike.batch.row_flags"], ["0x0a", "0x0a", "0x0a", "0x0a", "0x01", "0x01"])
        rsp = tslib.fields(REALCLIENT, ["aerospike.batch.index", "aerospike.msg.result_code",
                                        "aerospike.msg.info3", "aerospike.response_to", "aerospike.batch.digest"],
                           "frame.number == 114")[0]
        self.assertEqual(rsp["aerospike.batch.index"], ["0", "1", "2", "3", "4", "5"])
        self.assertEqual(rsp["aerospike.msg.result_code"], ["0", "0", "0", "0", "2", "0", "0"])
        self.assertEqual(rsp["aerospike.msg.info3"][-1], "0x01")   # LAST
        self.assertEqual(rsp["aerospike.response_to"], ["113"])
        d = tslib.values(REALCLIENT, "aerospike.batch.digest", "frame.number == 113")
        self.assertEqual(rsp["aerospike.batch.digest"], d)
        self.assertEqual(tslib.info_column(REALCLIENT, "frame.number == 114"),
                         ["Batch response: 6 records: 5 OK, 1 NOT_FOUND (end) [0.9 ms]"])

    def test_compressed_request_and_response_inflated(self):
        rows = tslib.fields(REALCLIENT, ["frame.number", "aerospike.type", "aerospike.compressed.inflated_size",
                                         "aerospike.op.bin_name", "aerospike.response_to", "_ws.col.Info"],
                            "aerospike.type == 4")
        self.assertEqual([r["frame.number"][0] for r in rows], ["863", "867"])
        self.assertEqual(rows[0]["aerospike.type"], ["4", "3"])
        self.assertEqual(rows[0]["aerospike.compressed.inflated_size"], ["20102"])
        self.assertEqual(rows[1]["aerospike.compressed.inflated_size"], ["20059"])
        self.assertEqual(rows[0]["aerospike.op.bin_name"], ["text", "n"])
        self.assertEqual(rows[1]["aerospike.op.bin_name"], ["text", "n"])
        self.assertEqual(rows[1]["aerospike.response_to"], ["866"])
        self.assertTrue(rows[0]["_ws.col.Info"][0].startswith("Compressed (280\u219220102 B): Write test/demo"))

    def test_udf_error_response(self):
        row = tslib.fields(REALCLIENT, ["aerospike.msg.result_code", "aerospike.op.bin_name",
                                        "aerospike.op.value_string", "aerospike.response_to"],
                           "frame.number == 191")[0]
        self.assertEqual(row["aerospike.msg.result_code"], ["100"])
        self.assertEqual(row["aerospike.op.bin_name"], ["FAILURE"])
        self.assertIn("nosuch", row["aerospike.op.value_string"][0])
        self.assertEqual(row["aerospike.response_to"], ["190"])
        req = tslib.fields(REALCLIENT, ["aerospike.udf.package", "aerospike.udf.function", "aerospike.kind"],
                           "frame.number == 190")[0]
        self.assertEqual(req, {"aerospike.udf.package": ["example"], "aerospike.udf.function": ["nosuch"],
                               "aerospike.kind": ["7"]})

    def test_no_reply_key_requests_flagged_unanswered(self):
        self.assertEqual(tslib.frames(REALCLIENT, "aerospike.no_response"), [655, 657, 662])
        self.assertEqual(tslib.values(REALCLIENT, "aerospike.digest", "aerospike.no_response"),
                         [ap.digest("demo", "no-reply-key").hex()] * 3)
        msgs = tslib.values(REALCLIENT, "_ws.expert.message", "frame.number == 655")
        self.assertIn("No response seen to this request", msgs)
        sev = tslib.values(REALCLIENT, "_ws.expert.severity", "frame.number == 655 && aerospike.no_response")
        self.assertIn("6291456", sev)     # PI_WARN

    def test_170k_put_and_its_answer_reassembled(self):
        self.assertEqual(self.by_frame[676]["aerospike.size"], ["174169"])
        self.assertEqual(self.by_frame[676]["aerospike.response_in"], ["678"])
        self.assertEqual(self.by_frame[678]["aerospike.response_to"], ["676"])
        self.assertEqual(self.by_frame[861]["aerospike.size"], ["174126"])
        self.assertEqual(self.by_frame[861]["aerospike.response_to"], ["680"])
        self.assertNotIn(670, self.by_frame)
        sizes = tslib.values(REALCLIENT, "aerospike.op.size", "frame.number == 676")
        self.assertEqual(sizes, [str(4 + 4 + 102400), str(4 + 4 + 71680)])

    def test_every_answered_request_linked_both_ways(self):
        requests, responses = {}, {}
        for r in self.rows:
            f = int(r["frame.number"][0])
            for x in r["aerospike.response_in"]:
                requests.setdefault(f, []).append(int(x))
            for x in r["aerospike.response_to"]:
                responses.setdefault(f, []).append(int(x))
        self.assertGreater(len(requests), 270)
        for req, rsps in requests.items():
            for rsp in rsps:
                self.assertIn(req, responses.get(rsp, []), "request %d -> %d" % (req, rsp))
        # every response PDU points at a request that points back at its first answer
        for rsp, reqs in responses.items():
            for req in reqs:
                self.assertIn(req, requests)
        unanswered = sum(len(r["aerospike.no_response"]) for r in self.rows)
        self.assertEqual(unanswered, 3)
        self.assertEqual(tslib.frames(REALCLIENT, "_ws.expert.message == \"Response without a request in the capture\""), [])

    def test_scan_stream_all_pdus_point_to_the_request(self):
        self.assertEqual(tslib.values(REALCLIENT, "aerospike.response_to",
                                      "frame.number >= 131 && frame.number <= 139 && aerospike"),
                         ["130"] * 6)
        self.assertEqual(tslib.info_column(REALCLIENT, "frame.number == 139"),
                         ["Scan response: 0 records, 480 partition-done (end) [13.3 ms]"])
        pids = tslib.values(REALCLIENT, "aerospike.pid_count", "frame.number == 130")
        self.assertEqual(pids, ["4096"])


class BuiltCaptures(tslib.PluginTestCase):
    """Edge cases from the capture builder."""

    def _cap(self, name, build):
        cap = Capture()
        build(cap)
        return cap.write(self.cap_path(name))

    def test_header_split_at_every_offset(self):
        def build(cap):
            for k in range(1, 8):
                c = cap.tcp("10.0.0.1:%d" % (41000 + k), "10.0.0.2:3000")
                c.c2s(ap.key_request("test", "demo", "split%d" % k, info1=ap.INFO1_READ | ap.INFO1_GET_ALL),
                      segs=[k])
                c.s2c(ap.message(ap.as_msg(generation=k)), segs=[k])
        path = self._cap("split.pcap", build)
        rows = tslib.fields(path, ["frame.number", "aerospike.key", "aerospike.msg.generation",
                                   "aerospike.response_to", "tcp.srcport"], "aerospike")
        reqs = [r for r in rows if r["tcp.srcport"] != ["3000"]]
        rsps = [r for r in rows if r["tcp.srcport"] == ["3000"]]
        self.assertEqual([r["aerospike.key"] for r in reqs], [["split%d" % k] for k in range(1, 8)])
        self.assertEqual([r["aerospike.msg.generation"] for r in rsps], [[str(k)] for k in range(1, 8)])
        for q, s in zip(reqs, rsps):
            self.assertEqual(s["aerospike.response_to"], q["frame.number"])
        self.assertEqual(tslib.malformed_frames(path), [])

    def test_forty_pdus_in_one_segment(self):
        keys = ["key%d" % i for i in range(40)]

        def build(cap):
            c = cap.tcp("10.0.0.1:40000", "10.0.0.2:3000")
            c.c2s(b"".join(ap.key_request("test", "demo", k, info1=ap.INFO1_READ, send_key=False) for k in keys), mss=65000)
            c.s2c(b"".join(ap.message(ap.as_msg(generation=i + 1)) for i in range(40)), dt=0.002)
        path = self._cap("forty.pcap", build)
        rows = tslib.fields(path, ["frame.number", "aerospike.digest", "aerospike.msg.generation",
                                   "aerospike.response_to", "aerospike.response_in", "_ws.col.Info"], "aerospike")
        self.assertEqual(len(rows), 2)
        req, rsp = rows
        self.assertEqual(req["aerospike.digest"], [ap.digest("demo", k).hex() for k in keys])
        self.assertEqual(req["aerospike.response_in"], [rsp["frame.number"][0]] * 40)
        self.assertEqual(rsp["aerospike.msg.generation"], [str(i + 1) for i in range(40)])
        self.assertEqual(rsp["aerospike.response_to"], [req["frame.number"][0]] * 40)
        parts = req["_ws.col.Info"][0].split(" | ")
        self.assertEqual(len(parts), 40)
        self.assertTrue(all(p.startswith("Read test/demo digest=") for p in parts), parts[:2])
        self.assertEqual(rsp["_ws.col.Info"][0].split(" | ")[1], "Response OK gen=2 ttl=never [2.0 ms]")

    def test_version_1_is_unsupported(self):
        def build(cap):
            c = cap.tcp("10.0.0.1:40000", "10.0.0.2:3000")
            c.c2s(ap.info_request("build", version=1))
            c.c2s(ap.info_request("node"))
        path = self._cap("v1.pcap", build)
        rows = tslib.fields(path, ["aerospike.version", "_ws.expert.message", "_ws.col.Info"], "aerospike")
        self.assertEqual(rows[0]["aerospike.version"], ["1"])
        self.assertIn("unsupported proto version 1 (only 2 is valid; 0 only for admin messages)",
                      rows[0]["_ws.expert.message"])
        self.assertEqual(rows[0]["_ws.col.Info"], ["Invalid PDU: unsupported proto version 1"])
        self.assertEqual(rows[1]["_ws.col.Info"], ["Info request: node [no response]"])

    def test_size_2_pow_47_not_allocated_and_stream_continues(self):
        def build(cap):
            c = cap.tcp("10.0.0.1:40000", "10.0.0.2:3000")
            c.c2s(ap.proto(b"\x16" + bytes(40), ap.TYPE_MSG, size=2 ** 47))
            c.c2s(ap.info_request("build"))
        path = self._cap("huge.pcap", build)
        rows = tslib.fields(path, ["aerospike.size", "_ws.expert.message", "_ws.col.Info"], "aerospike")
        self.assertEqual(rows[0]["aerospike.size"], [str(2 ** 47)])
        self.assertIn("Proto size 140737488355328 is above the 128 MiB limit (PROTO_SIZE_MAX): not decoded",
                      rows[0]["_ws.expert.message"])
        self.assertEqual(rows[0]["_ws.col.Info"], ["Invalid PDU: size 140737488355328 above 128 MiB"])
        self.assertEqual(rows[1]["_ws.col.Info"], ["Info request: build [no response]"])

    def test_unknown_field_op_and_particle_types(self):
        def build(cap):
            c = cap.tcp("10.0.0.1:40000", "10.0.0.2:3000")
            c.c2s(ap.message(ap.as_msg(
                fields=[ap.ns_field("test"), ap.field(99, b"\x01\x02\x03"), ap.set_field("demo")],
                ops=[ap.op(99, "odd", 7), ap.op(ap.OP_WRITE, "weird", raw=b"\xaa\xbb", particle=99),
                     ap.op(ap.OP_WRITE, "after", "ok")],
                info2=ap.INFO2_WRITE)))
        path = self._cap("unknown.pcap", build)
        row = tslib.fields(path, ["aerospike.set", "aerospike.field.data", "aerospike.op.type",
                                  "aerospike.op.value_bytes", "aerospike.op.value_string", "_ws.expert.message",
                                  "_ws.expert.severity"], "aerospike")[0]
        self.assertEqual(row["aerospike.set"], ["demo"])
        self.assertEqual(row["aerospike.field.data"], ["010203"])
        self.assertEqual(row["aerospike.op.type"], ["99", "2", "2"])
        self.assertEqual(row["aerospike.op.value_bytes"], ["aabb"])
        self.assertEqual(row["aerospike.op.value_string"], ["ok"])
        self.assertIn("Unknown field type 99 (3 bytes), shown as bytes", row["_ws.expert.message"])
        self.assertIn("Unknown operation type 99", row["_ws.expert.message"])
        self.assertIn("Unknown particle type 99, value shown as bytes", row["_ws.expert.message"])
        self.assertNotIn(str(0x800000), row["_ws.expert.severity"])   # no error-level expert
        self.assertEqual(tslib.malformed_frames(path), [])

    def test_batch_count_larger_than_rows(self):
        d0, d1 = ap.digest("demo", "a"), ap.digest("demo", "b")

        def build(cap):
            c = cap.tcp("10.0.0.1:40000", "10.0.0.2:3000")
            c.c2s(ap.batch_request([ap.batch_row(0, d0, ns="test", set="demo"), ap.batch_row(1, d1, repeat=True)],
                                   count=5))
            c.s2c(ap.message(ap.batch_record(1, result=2, generation=0), ap.batch_record(0), ap.last_msg()))
        path = self._cap("batchcount.pcap", build)
        req = tslib.fields(path, ["aerospike.batch.count", "aerospike.batch.rows_present", "aerospike.batch.digest",
                                  "_ws.expert.message", "_ws.col.Info"], "aerospike.batch.count")[0]
        self.assertEqual(req["aerospike.batch.count"], ["5"])
        self.assertEqual(req["aerospike.batch.rows_present"], ["2"])
        self.assertEqual(req["aerospike.batch.digest"], [d0.hex(), d1.hex()])
        self.assertIn("Batch count is 5 but only 2 row(s) are present", req["_ws.expert.message"])
        self.assertEqual(req["_ws.col.Info"], ["Batch 2 rows test/demo"])
        rsp = tslib.fields(path, ["aerospike.batch.index", "aerospike.batch.digest", "_ws.col.Info"],
                           "aerospike.response_to")[0]
        self.assertEqual(rsp["aerospike.batch.index"], ["1", "0"])
        self.assertEqual(rsp["aerospike.batch.digest"], [d1.hex(), d0.hex()])
        self.assertEqual(rsp["_ws.col.Info"], ["Batch response: 2 records: 1 NOT_FOUND, 1 OK (end) [1.0 ms]"])

    def test_batch_rows_of_several_sets_and_user_keys(self):
        # rows of one batch in two sets, two of them with a user key, answered out of order: each
        # answer record carries its own row's digest and key, and the hot keys its row's set
        da, db, dc, dd = (ap.digest("demo", "alice"), ap.digest("demo", "bob"), ap.digest("other", "carol"),
                          ap.digest("demo", 42))

        def build(cap):
            c = cap.tcp("10.0.0.1:40000", "10.0.0.2:3000")
            c.c2s(ap.batch_request([ap.batch_row(0, da, ns="test", set="demo", fields=[ap.key_field("alice")]),
                                    ap.batch_row(1, db, repeat=True),
                                    ap.batch_row(2, dc, ns="test", set="other"),
                                    ap.batch_row(3, dd, ns="test", set="demo", fields=[ap.key_field(42)])]))
            c.s2c(ap.message(ap.batch_record(2), ap.batch_record(0), ap.batch_record(3, result=2, generation=0),
                             ap.batch_record(1), ap.last_msg()))
        path = self._cap("batchsets.pcap", build)
        for two_pass in (False, True):
            rsp = tslib.fields(path, ["aerospike.batch.index", "aerospike.batch.digest", "aerospike.key"],
                               "aerospike.response_to", two_pass=two_pass)[0]
            self.assertEqual(rsp["aerospike.batch.index"], ["2", "0", "3", "1"])
            self.assertEqual(rsp["aerospike.batch.digest"], [dc.hex(), da.hex(), dd.hex(), db.hex()])
            self.assertEqual(rsp["aerospike.key"], ["alice", "42"])
            keys = {}
            for line in tslib.stats(path, "aerospike,hotkeys", two_pass=two_pass).splitlines():
                for d in (da, db, dc, dd):
                    if d.hex() in line:
                        keys[d.hex()] = [cell.strip() for cell in line.split("|")]
            self.assertEqual(len(keys), 4, keys)
            self.assertIn("other", keys[dc.hex()])
            for d in (da, db, dd):
                self.assertIn("demo", keys[d.hex()])
                self.assertNotIn("other", keys[d.hex()])
            self.assertIn("alice", keys[da.hex()])
            self.assertIn("42", keys[dd.hex()])
            self.assertNotIn("alice", keys[db.hex()])

    def test_empty_info_request(self):
        def build(cap):
            c = cap.tcp("10.0.0.1:40000", "10.0.0.2:3000")
            c.c2s(ap.info_request())
            c.s2c(ap.info_response([("node", "BB9"), ("build", "8.1.2.0")]))
        path = self._cap("emptyinfo.pcap", build)
        rows = tslib.fields(path, ["aerospike.size", "aerospike.info.name", "_ws.expert.message", "_ws.col.Info",
                                   "aerospike.response_to"], "aerospike")
        self.assertEqual(rows[0]["aerospike.size"], ["0"])
        self.assertEqual(rows[0]["_ws.col.Info"], ["Info request: (empty: summary)"])
        self.assertIn("Empty info request: the server answers with its summary", rows[0]["_ws.expert.message"])
        self.assertEqual(rows[1]["aerospike.info.name"], ["node", "build"])
        self.assertEqual(rows[1]["_ws.col.Info"], ["Info response: node=BB9, build=8.1.2.0 [1.0 ms]"])
        self.assertEqual(len(rows[1]["aerospike.response_to"]), 1)

    def test_compressed_body_that_is_not_zlib(self):
        def build(cap):
            c = cap.tcp("10.0.0.1:40000", "10.0.0.2:3000")
            c.c2s(ap.compressed(ap.info_request("x"), data=b"this is not zlib at all"))
            c.c2s(ap.compressed(ap.key_request("test", "demo", 1, ops=[ap.op(ap.OP_WRITE, "v", "x" * 200)],
                                               info2=ap.INFO2_WRITE)))
        path = self._cap("notzlib.pcap", build)
        rows = tslib.fields(path, ["aerospike.type", "_ws.expert.message", "_ws.col.Info", "aerospike.key",
                                   "aerospike.compressed.inflated_size"], "aerospike")
        self.assertEqual(rows[0]["aerospike.type"], ["4"])
        self.assertIn("Compressed message: not a valid zlib stream", rows[0]["_ws.expert.message"])
        self.assertEqual(rows[0]["_ws.col.Info"], ["Compressed message (39 bytes, not a valid zlib stream) [no response]"])
        self.assertEqual(rows[1]["aerospike.key"], ["1"])
        self.assertEqual(rows[1]["aerospike.compressed.inflated_size"], ["296"])
        # the corrupt stream is flagged (expert group Malformed) in its own frame only; no exception
        self.assertEqual(tslib.malformed_frames(path), [4])
        self.assertEqual(tslib.frames(path, "_ws.malformed && !_ws.expert"), [])

    def test_info_response_error_and_parameters(self):
        def build(cap):
            c = cap.tcp("10.0.0.1:40000", "10.0.0.2:3000")
            c.c2s(ap.info_request("bogus", "statistics"))
            c.s2c(ap.info_response([("bogus", "ERROR:4:unrecognized command"),
                                    ("statistics", "cluster_size=1;uptime=42")]))
        path = self._cap("infoerr.pcap", build)
        row = tslib.fields(path, ["aerospike.info.error_code", "aerospike.info.error_message",
                                  "aerospike.info.param.key", "aerospike.info.param.value", "_ws.expert.message"],
                           "aerospike.response_to")[0]
        self.assertEqual(row["aerospike.info.error_code"], ["4"])
        self.assertEqual(row["aerospike.info.error_message"], ["unrecognized command"])
        self.assertEqual(row["aerospike.info.param.key"], ["cluster_size", "uptime"])
        self.assertEqual(row["aerospike.info.param.value"], ["1", "42"])
        self.assertIn("Info error: ERROR:4:unrecognized command", row["_ws.expert.message"])

    def test_digest_mismatch_flagged(self):
        def build(cap):
            c = cap.tcp("10.0.0.1:40000", "10.0.0.2:3000")
            c.c2s(ap.message(ap.as_msg([ap.ns_field("test"), ap.set_field("demo"),
                                        ap.digest_field(ap.digest("demo", "other")), ap.key_field(7)],
                                       info1=ap.INFO1_READ)))
        path = self._cap("mismatch.pcap", build)
        row = tslib.fields(path, ["aerospike.digest.computed", "aerospike.key.int", "_ws.expert.message"],
                           "aerospike")[0]
        self.assertEqual(row["aerospike.digest.computed"], [ap.digest("demo", 7).hex()])
        self.assertEqual(row["aerospike.key.int"], ["7"])
        self.assertIn("DIGEST field %s does not match RIPEMD-160(set, key) %s"
                      % (ap.digest("demo", "other").hex(), ap.digest("demo", 7).hex()), row["_ws.expert.message"])

    def test_admin_login_credentials_and_result(self):
        def build(cap):
            c = cap.tcp("10.0.0.1:40000", "10.0.0.2:3000")
            c.c2s(ap.login_request("alice"))
            c.s2c(ap.admin(result=0, fields=[ap.admin_field(ap.ADMIN_SESSION_TOKEN, b"\x01\x02\x03"),
                                             ap.admin_field(ap.ADMIN_SESSION_TTL, struct.pack("!I", 86400))]))
            c2 = cap.tcp("10.0.0.1:40001", "10.0.0.2:3000")
            c2.c2s(ap.login_request("bob"))
            c2.s2c(ap.admin(result=65))
        path = self._cap("admin.pcap", build)
        rows = tslib.fields(path, ["aerospike.admin.command", "aerospike.admin.user", "aerospike.admin.credential",
                                   "aerospike.admin.session_ttl", "aerospike.admin.result", "_ws.expert.message",
                                   "_ws.col.Info", "aerospike.kind"], "aerospike")
        self.assertEqual(rows[0]["aerospike.admin.command"], ["20"])
        self.assertEqual(rows[0]["aerospike.admin.user"], ["alice"])
        self.assertTrue(rows[0]["aerospike.admin.credential"][0].startswith("$2a$10$"))
        self.assertIn("CREDENTIAL (bcrypt hash) travels in clear: it authenticates like the password itself",
                      rows[0]["_ws.expert.message"])
        self.assertEqual(rows[0]["_ws.col.Info"], ["Admin LOGIN user=alice"])
        self.assertEqual(rows[0]["aerospike.kind"], ["9"])
        self.assertEqual(rows[1]["aerospike.admin.session_ttl"], ["86400"])
        self.assertEqual(rows[1]["_ws.col.Info"], ["Admin response OK [1.0 ms]"])
        self.assertEqual(rows[3]["aerospike.admin.result"], ["65"])
        self.assertIn("Admin result: INVALID_CREDENTIAL (65)", rows[3]["_ws.expert.message"])

    def test_cdt_operation_names_and_msgpack(self):
        def build(cap):
            c = cap.tcp("10.0.0.1:40000", "10.0.0.2:3000")
            c.c2s(ap.key_request("test", "demo", "k", info1=ap.INFO1_READ, info2=ap.INFO2_WRITE, ops=[
                ap.cdt_op(ap.OP_CDT_MODIFY, "l", 1, "x"),            # list APPEND
                ap.cdt_op(ap.OP_CDT_READ, "m", 97, 7, "city"),       # map GET_BY_KEY
                ap.cdt_op(ap.OP_BIT_READ, "b", 51, 0, 8),            # bit COUNT
                ap.cdt_op(ap.OP_HLL_MODIFY, "h", 1, ["a"], 8, 0),    # HLL ADD
                ap.op(ap.OP_CDT_MODIFY, "l", raw=ap.msgpack([0xff, [0x10, 0], [1, 5]]))]))
        path = self._cap("cdt.pcap", build)
        row = tslib.fields(path, ["aerospike.op.cdt_op", "aerospike.op.bit_op", "aerospike.op.hll_op",
                                  "aerospike.op.cdt_context", "aerospike.op.value_msgpack", "_ws.col.Info"],
                           "aerospike")[0]
        self.assertEqual(row["aerospike.op.cdt_op"], ["1", "97", "1"])
        self.assertEqual(row["aerospike.op.bit_op"], ["51"])
        self.assertEqual(row["aerospike.op.hll_op"], ["1"])
        self.assertEqual(row["aerospike.op.cdt_context"], ["1"])
        self.assertEqual(row["aerospike.op.value_msgpack"][0], '[1, "x"]')
        self.assertEqual(row["aerospike.op.value_msgpack"][1], '[97, 7, "city"]')
        self.assertEqual(row["_ws.col.Info"],
                         ["Operate test/demo key=k digest=%s\u2026 bins=l,m,b,h,l [no response]" % ap.digest("demo", "k").hex()[:8]])

    def test_tls_port_4333_hands_to_aerospike(self):
        out = tslib.run_tshark(["-G", "decodes"]).stdout
        self.assertIn(("tls.port", "4333", "aerospike"), {tuple(l.split("\t")) for l in out.splitlines()})

    def test_tls_4333_with_key_log_shows_aerospike(self):
        """captures/aerospike-tls4333.pcapng: openssl s_client/s_server (TLS 1.3) on 127.0.0.1:4333
        carrying an info request and its answer; the key log is captures/aerospike-tls4333.keys."""
        cap = os.path.join(tslib.CAPTURES, "aerospike-tls4333.pcapng")
        keys = tslib.env().readable(os.path.join(tslib.CAPTURES, "aerospike-tls4333.keys"))
        self.assertEqual(tslib.values(cap, "aerospike.info.command"), [])       # no keys: only TLS
        args = ["-o", "tls.keylog_file:" + keys]
        self.assertEqual(tslib.values(cap, "aerospike.info.command", args=args), ["build", "node"])
        self.assertEqual(tslib.values(cap, "aerospike.info.value", args=args), ["7.2.0.3", "BB9020011AC4202"])
        self.assertEqual(tslib.values(cap, "aerospike.response_in", args=args), ["13"])
        self.assertEqual(tslib.values(cap, "aerospike.response_to", args=args), ["9"])


if __name__ == "__main__":
    unittest.main()
