"""HSF2 dissection: the spec's worked examples (§3 heartbeat, §5 HSF remoting, §8 TB Remoting, §9
Dubbo) field by field, the 50-request conversation (links, timeouts, unanswered requests, split
header, 20 frames in one segment), reassembly at every header split point, and malformed input."""
import unittest

import tslib
from capbuilder import Capture
import hsf2_pdus as P

CLIENT, SERVER = "10.0.0.1:40000", "10.0.0.2:12200"


def one(capture, field, filt):
    vals = tslib.values(capture, field, filt)
    assert len(vals) == 1, (field, filt, vals)
    return vals[0]


class SpecExamples(tslib.PluginTestCase):
    """§3 and §5 examples in one connection: request/response pairs with known timing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cap = Capture(t0=1700000000.0)
        c = cap.tcp(CLIENT, SERVER)                             # frames 1-3
        c.c2s(P.SPEC_5_1)                                       # 4
        c.s2c(P.SPEC_5_2, dt=0.0123)                            # 5
        c.c2s(P.request("com.example.UserService:1.0.0", "save",
                        [("com.example.User", P.SPEC_5_4_ARG)], req_id=2))   # 6
        c.s2c(P.SPEC_5_3, dt=0.004)                             # 7
        c.c2s(bytes.fromhex("0c000100000000000000000000070000 0bb8".replace(" ", "")))  # 8 (§3 request)
        c.s2c(bytes.fromhex("0c010100000000000000000000070000 0000".replace(" ", "")), dt=0.0005)  # 9
        c.s2c(P.response(-1, b"\x01", status=88))               # 10 provider closing broadcast
        cls.path = cap.write(cls.tmp + "/spec.pcap")

    def test_5_4_request_is_126_bytes(self):
        self.assertEqual(len(P.request("com.example.UserService:1.0.0", "save",
                                       [("com.example.User", P.SPEC_5_4_ARG)], req_id=2)), 126)

    def test_5_1_request_every_field(self):
        names = ["hsf2.type", "hsf2.version", "hsf2.op", "hsf2.codec", "hsf2.reserved", "hsf2.req_id",
                 "hsf2.timeout", "hsf2.service_len", "hsf2.method_len", "hsf2.arg.count", "hsf2.arg.type_len",
                 "hsf2.arg.obj_len", "hsf2.props_len", "hsf2.service", "hsf2.method", "hsf2.arg", "hsf2.arg.type",
                 "hsf2.arg.obj", "hsf2.arg.value", "hessian.string", "hsf2.response_in", "frame.len"]
        got = tslib.fields(self.path, names, "frame.number == 4")[0]
        self.assertEqual(got["hsf2.type"], ["0x0e"])
        self.assertEqual(got["hsf2.version"], ["1"])
        self.assertEqual(got["hsf2.op"], ["0"])
        self.assertEqual(got["hsf2.codec"], ["4"])
        self.assertEqual(got["hsf2.reserved"], ["000000"])
        self.assertEqual(got["hsf2.req_id"], ["1"])
        self.assertEqual(got["hsf2.timeout"], ["3000"])
        self.assertEqual(got["hsf2.service_len"], ["30"])
        self.assertEqual(got["hsf2.method_len"], ["8"])
        self.assertEqual(got["hsf2.arg.count"], ["1"])
        # the lengths appear in the header list and again under the argument
        self.assertEqual(got["hsf2.arg.type_len"], ["16", "16"])
        self.assertEqual(got["hsf2.arg.obj_len"], ["6", "6"])
        self.assertEqual(got["hsf2.props_len"], ["0"])
        self.assertEqual(got["hsf2.service"], ["com.example.HelloService:1.0.0"])
        self.assertEqual(got["hsf2.method"], ["sayHello"])
        self.assertEqual(got["hsf2.arg"], ["1"])
        self.assertEqual(got["hsf2.arg.type"], ["java.lang.String"])
        self.assertEqual(got["hsf2.arg.obj"], ["0568656c6c6f"])
        self.assertEqual(got["hsf2.arg.value"], ['"hello"'])
        self.assertEqual(got["hessian.string"], ["hello"])
        self.assertEqual(got["hsf2.response_in"], ["5"])
        self.assertEqual(got["frame.len"], [str(54 + 103)])

    def test_5_2_response_every_field(self):
        names = ["hsf2.type", "hsf2.version", "hsf2.op", "hsf2.status", "hsf2.codec", "hsf2.reserved",
                 "hsf2.req_id", "hsf2.body_len", "hsf2.body", "hsf2.result", "hessian.string",
                 "hsf2.response_to", "hsf2.time"]
        got = tslib.fields(self.path, names, "frame.number == 5")[0]
        self.assertEqual(got["hsf2.type"], ["0x0e"])
        self.assertEqual(got["hsf2.version"], ["1"])
        self.assertEqual(got["hsf2.op"], ["1"])
        self.assertEqual(got["hsf2.status"], ["20"])
        self.assertEqual(got["hsf2.codec"], ["4"])
        self.assertEqual(got["hsf2.reserved"], ["000000"])
        self.assertEqual(got["hsf2.req_id"], ["1"])
        self.assertEqual(got["hsf2.body_len"], ["10"])
        self.assertEqual(got["hsf2.body"], ["0948692c2068656c6c6f"])
        self.assertEqual(got["hsf2.result"], ['"Hi, hello"'])
        self.assertEqual(got["hessian.string"], ["Hi, hello"])
        self.assertEqual(got["hsf2.response_to"], ["4"])
        self.assertAlmostEqual(float(got["hsf2.time"][0]), 0.0123, places=6)

    def test_5_3_error_response_fields_and_expert(self):
        names = ["hsf2.status", "hsf2.req_id", "hsf2.body_len", "hsf2.error_msg", "hsf2.response_to"]
        got = tslib.fields(self.path, names, "frame.number == 7")[0]
        self.assertEqual(got, {"hsf2.status": ["60"], "hsf2.req_id": ["2"], "hsf2.body_len": ["17"],
                               "hsf2.error_msg": ["service not found"], "hsf2.response_to": ["6"]})
        self.assertEqual(tslib.experts(self.path, "frame.number == 7"),
                         ["Status SERVICE_NOT_FOUND (60): service not found"])

    def test_5_4_object_argument_rendered(self):
        names = ["hsf2.arg.type", "hsf2.arg.obj_len", "hsf2.arg.value", "hessian.classdef",
                 "hessian.classdef.field", "hessian.class", "hessian.field", "hessian.string", "hessian.int"]
        got = tslib.fields(self.path, names, "frame.number == 6")[0]
        self.assertEqual(got["hsf2.arg.type"], ["com.example.User"])
        self.assertEqual(got["hsf2.arg.obj_len"], ["34", "34"])
        self.assertEqual(got["hsf2.arg.value"], ['com.example.User { name: "Tom", age: 18 }'])
        self.assertEqual(got["hessian.classdef"], ["com.example.User"])
        self.assertEqual(got["hessian.classdef.field"], ["name", "age"])
        self.assertEqual(got["hessian.class"], ["com.example.User"])
        self.assertEqual(got["hessian.field"], ["name", "age"])
        self.assertEqual(got["hessian.string"], ["Tom"])
        self.assertEqual(got["hessian.int"], ["18"])
        self.assertIn('com.example.User { name: "Tom", age: 18 }', tslib.detail(self.path, "hsf2", "frame.number == 6"))

    def test_3_heartbeat_request_and_response_fields(self):
        names = ["hsf2.type", "hsf2.op", "hsf2.version", "hsf2.reserved", "hsf2.req_id", "hsf2.timeout",
                 "hsf2.hb.pad", "hsf2.response_in", "hsf2.response_to"]
        req = tslib.fields(self.path, names, "frame.number == 8")[0]
        self.assertEqual(req, {"hsf2.type": ["0x0c"], "hsf2.op": ["0"], "hsf2.version": ["1"],
                               "hsf2.reserved": ["000000"], "hsf2.req_id": ["7"], "hsf2.timeout": ["3000"],
                               "hsf2.hb.pad": [], "hsf2.response_in": ["9"], "hsf2.response_to": []})
        rsp = tslib.fields(self.path, names, "frame.number == 9")[0]
        self.assertEqual(rsp, {"hsf2.type": ["0x0c"], "hsf2.op": ["1"], "hsf2.version": ["1"],
                               "hsf2.reserved": ["000000"], "hsf2.req_id": ["7"], "hsf2.timeout": [],
                               "hsf2.hb.pad": ["0x00000000"], "hsf2.response_in": [], "hsf2.response_to": ["8"]})

    def test_info_column(self):
        self.assertEqual(tslib.info_column(self.path, "hsf2"), [
            "Request sayHello (com.example.HelloService:1.0.0) id=1",
            "Response OK id=1 [12.3 ms]",
            "Request save (com.example.UserService:1.0.0) id=2",
            "Response SERVICE_NOT_FOUND id=2 [4.0 ms]",
            "Heartbeat request id=7",
            "Heartbeat response id=7 [0.5 ms]",
            "Response SERVER_CLOSING id=-1 (provider closing)",
        ])

    def test_provider_closing_broadcast(self):
        self.assertEqual(one(self.path, "hsf2.status", "frame.number == 10"), "88")
        self.assertEqual(one(self.path, "hsf2.req_id", "frame.number == 10"), "-1")
        self.assertEqual(tslib.experts(self.path, "frame.number == 10"),
                         ["Provider is closing (SERVER_CLOSING, id -1)"])

    def test_no_spurious_experts(self):
        self.assertEqual(tslib.experts(self.path, "frame.number in {4, 5, 6, 8, 9}"), [])


class TbRemotingExamples(tslib.PluginTestCase):
    """§8: the two TB Remoting (0x0D) example frames, Hessian 1 objects."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cap = Capture()
        c = cap.tcp(CLIENT, SERVER)
        c.c2s(P.TB_REQUEST)                  # 4
        c.s2c(P.TB_RESPONSE, dt=0.002)       # 5
        cls.path = cap.write(cls.tmp + "/tb.pcap")

    NAMES = ["hsf2.type", "hsf2.tr.request_flag", "hsf2.codec", "hsf2.tr.direction", "hsf2.reserved",
             "hsf2.tr.conn_len", "hsf2.tr.class_len", "hsf2.tr.app_len", "hsf2.tr.app_class", "hsf2.req_id",
             "hsf2.tr.result", "hsf2.response_in", "hsf2.response_to", "hessian.type", "hessian.string",
             "hessian.long", "hessian.int", "hessian.ref", "hessian.null"]

    def test_request_every_field(self):
        got = tslib.fields(self.path, self.NAMES, "frame.number == 4")[0]
        self.assertEqual(got["hsf2.type"], ["0x0d"])
        self.assertEqual(got["hsf2.tr.request_flag"], ["0"])
        self.assertEqual(got["hsf2.codec"], ["1"])
        self.assertEqual(got["hsf2.tr.direction"], ["2"])
        self.assertEqual(got["hsf2.reserved"], ["00"])
        self.assertEqual(got["hsf2.tr.conn_len"], ["143"])
        self.assertEqual(got["hsf2.tr.class_len"], ["45"])
        self.assertEqual(got["hsf2.tr.app_len"], ["87"])
        self.assertEqual(got["hsf2.tr.app_class"], ["com.alipay.remoting.rpc.tr.util.ClientRequest"])
        self.assertEqual(got["hsf2.req_id"], ["1"])
        self.assertEqual(got["hsf2.tr.result"], [])
        self.assertEqual(got["hsf2.response_in"], ["5"])
        self.assertEqual(got["hessian.type"], ["com.taobao.remoting.impl.ConnectionRequest",
                                               "com.taobao.remoting.impl.ConnectionRequest$RequestContext",
                                               "com.alipay.remoting.rpc.tr.util.ClientRequest"])
        self.assertEqual(got["hessian.string"], ["ctx", "id", "this$0", "id", "msg", "from client, tsui."])
        self.assertEqual(got["hessian.long"], ["1"])
        self.assertEqual(got["hessian.int"], ["1"])
        self.assertEqual(got["hessian.ref"], ["0"])

    def test_response_every_field(self):
        got = tslib.fields(self.path, self.NAMES, "frame.number == 5")[0]
        self.assertEqual(got["hsf2.tr.request_flag"], ["1"])
        self.assertEqual(got["hsf2.codec"], ["1"])
        self.assertEqual(got["hsf2.tr.direction"], ["0"])
        self.assertEqual(got["hsf2.tr.conn_len"], ["211"])
        self.assertEqual(got["hsf2.tr.class_len"], ["46"])
        self.assertEqual(got["hsf2.tr.app_len"], ["98"])
        self.assertEqual(got["hsf2.tr.app_class"], ["com.alipay.remoting.rpc.tr.util.ClientResponse"])
        self.assertEqual(got["hsf2.req_id"], ["1"])
        self.assertEqual(got["hsf2.tr.result"], ["0"])
        self.assertEqual(got["hsf2.response_to"], ["4"])
        self.assertEqual(got["hessian.null"], ["1", "1"])   # FT_NONE items print as 1
        self.assertIn("127.0.0.1:57428", got["hessian.string"])
        self.assertIn("response: from client, tsui.", got["hessian.string"])
        self.assertEqual(got["hessian.int"], ["0", "99"])

    def test_info(self):
        self.assertEqual(tslib.info_column(self.path, "hsf2"), [
            "TB request com.alipay.remoting.rpc.tr.util.ClientRequest id=1",
            "TB response id=1 [2.0 ms]"])
        self.assertEqual(tslib.experts(self.path, "hsf2"), [])


class DubboFrames(tslib.PluginTestCase):
    """§9: Dubbo frames on the HSF port, Hessian 2 bodies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cap = Capture()
        c = cap.tcp(CLIENT, SERVER)
        body = P.dubbo_request_body("com.example.HelloService", "sayHello", "Ljava/lang/String;I", ["x", 7],
                                    attachments={"timeout": "50", "path": "com.example.HelloService"})
        c.c2s(P.dubbo(5, body))                                                        # 4
        c.s2c(P.dubbo(5, P.hessian(1) + P.hessian("hi"), request=False), dt=0.08)      # 5: late (50 ms)
        c.c2s(P.dubbo(6, P.hessian(None), event=True))                                 # 6 heartbeat
        c.s2c(P.dubbo(6, P.hessian(None), request=False, event=True))                  # 7
        c.c2s(P.dubbo(8, body))                                                        # 8
        c.s2c(P.dubbo(8, P.hessian("boom"), request=False, status=70))                 # 9
        cls.path = cap.write(cls.tmp + "/dubbo.pcap")

    def test_request_fields(self):
        names = ["hsf2.type", "hsf2.dubbo.magic", "hsf2.dubbo.flags", "hsf2.dubbo.request", "hsf2.dubbo.two_way",
                 "hsf2.dubbo.event", "hsf2.dubbo.serialization", "hsf2.req_id", "hsf2.body_len",
                 "hsf2.dubbo.version", "hsf2.service", "hsf2.method", "hsf2.dubbo.param_types", "hsf2.arg.count",
                 "hsf2.arg.value", "hsf2.dubbo.attachments", "hsf2.response_in"]
        got = tslib.fields(self.path, names, "frame.number == 4")[0]
        self.assertEqual(got["hsf2.type"], ["0xda"])
        self.assertEqual(got["hsf2.dubbo.magic"], ["0xdabb"])
        self.assertEqual(got["hsf2.dubbo.flags"], ["0xc2"])
        self.assertEqual(got["hsf2.dubbo.request"], ["1"])
        self.assertEqual(got["hsf2.dubbo.two_way"], ["1"])
        self.assertEqual(got["hsf2.dubbo.event"], ["0"])
        self.assertEqual(got["hsf2.dubbo.serialization"], ["2"])
        self.assertEqual(got["hsf2.req_id"], ["5"])
        self.assertEqual(got["hsf2.dubbo.version"], ["2.0.2"])
        self.assertEqual(got["hsf2.service"], ["com.example.HelloService"])
        self.assertEqual(got["hsf2.method"], ["sayHello"])
        self.assertEqual(got["hsf2.dubbo.param_types"], ["Ljava/lang/String;I"])
        self.assertEqual(got["hsf2.arg.count"], ["2"])
        self.assertEqual(got["hsf2.arg.value"], ['"x"', "7"])
        self.assertEqual(got["hsf2.dubbo.attachments"], ["2"])
        self.assertEqual(got["hsf2.response_in"], ["5"])

    def test_response_late_against_attachment_timeout(self):
        names = ["hsf2.dubbo.status", "hsf2.dubbo.result_flag", "hsf2.result", "hsf2.response_to",
                 "hsf2.over_timeout"]
        got = tslib.fields(self.path, names, "frame.number == 5")[0]
        self.assertEqual(got, {"hsf2.dubbo.status": ["20"], "hsf2.dubbo.result_flag": ["1"],
                               "hsf2.result": ['"hi"'], "hsf2.response_to": ["4"], "hsf2.over_timeout": ["1"]})
        self.assertEqual(tslib.experts(self.path, "frame.number == 5"),
                         ["Response after 80.000 ms, above the request's timeout of 50 ms"])

    def test_heartbeat_event_and_error_status(self):
        self.assertEqual(tslib.values(self.path, "hsf2.response_to", "frame.number == 7"), ["6"])
        self.assertEqual(tslib.values(self.path, "hsf2.error_msg", "frame.number == 9"), ["boom"])
        self.assertEqual(tslib.experts(self.path, "frame.number == 9"), ["Dubbo status SERVICE_ERROR (70)"])
        self.assertEqual(tslib.info_column(self.path, "hsf2"), [
            "Dubbo request sayHello (com.example.HelloService) id=5",
            "Dubbo response OK id=5 [80.0 ms]",
            "Dubbo heartbeat request id=6",
            "Dubbo heartbeat response OK id=6 [1.0 ms]",
            "Dubbo request sayHello (com.example.HelloService) id=8",
            "Dubbo response SERVICE_ERROR id=8 [1.0 ms]"])


class Conversation(tslib.PluginTestCase):
    """50 requests on one connection: out-of-order answers, 3 late, 2 unanswered, heartbeats, a
    request cut inside its argument-length array, 20 responses in one segment, one orphan."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cap = Capture(t0=1700000100.0)
        cls.f = P.build_conversation(cap)
        cls.path = cap.write(cls.tmp + "/conversation.pcap")
        rows = tslib.fields(cls.path, ["frame.number", "hsf2.type", "hsf2.op", "hsf2.req_id",
                                       "hsf2.response_in", "hsf2.response_to", "hsf2.over_timeout"], "hsf2")
        cls.pdus = []   # (frame, type, op, id, response_in, response_to, over_timeout) per PDU
        for r in rows:
            frame = int(r["frame.number"][0])
            n = len(r["hsf2.req_id"])
            for k in range(n):
                cls.pdus.append((frame, r["hsf2.type"][k], r["hsf2.op"][k], int(r["hsf2.req_id"][k])))
        cls.rows = rows

    def test_every_pdu_decoded_once_in_its_frame(self):
        f = self.f
        reqs = [(fr, int(i)) for fr, t, op, i in self.pdus if t == "0x0e" and op == "0"]
        rsps = [(fr, int(i)) for fr, t, op, i in self.pdus if t == "0x0e" and op == "1"]
        self.assertEqual(sorted(reqs), sorted((f["req_frame"][i], i) for i in range(1, 51)))
        expect_rsp = [(f["rsp_frame"][i], i) for i in f["rsp_frame"]] + [(f["orphan_frame"], P.ORPHAN_ID)]
        self.assertEqual(sorted(rsps), sorted(expect_rsp))
        self.assertEqual(len(reqs), 50)
        self.assertEqual(len(rsps), 49)

    def test_every_request_links_to_its_response(self):
        f = self.f
        for i in range(1, 51):
            got = tslib.values(self.path, "hsf2.response_in", "hsf2.op == 0 && hsf2.type == 0x0e && hsf2.req_id == %d" % i)
            want = [str(f["rsp_frame"][i])] if i in f["rsp_frame"] else []
            self.assertEqual(got, want, "request %d" % i)

    def test_every_response_links_to_its_request_with_time(self):
        f = self.f
        rows = tslib.fields(self.path, ["hsf2.req_id", "hsf2.response_to", "hsf2.time"],
                            "hsf2.op == 1 && hsf2.type == 0x0e")
        seen = 0
        for r in rows:
            ids, to, times = r["hsf2.req_id"], r["hsf2.response_to"], r["hsf2.time"]
            if [int(x) for x in ids] == [P.ORPHAN_ID]:
                self.assertEqual(to, [])
                continue
            self.assertEqual(len(ids), len(to))
            for k, i in enumerate(ids):
                i = int(i)
                self.assertEqual(int(to[k]), f["req_frame"][i], "response %d" % i)
                self.assertAlmostEqual(float(times[k]) * 1000, f["latency_ms"][i], places=3)
                seen += 1
        self.assertEqual(seen, 48)

    def test_twenty_responses_in_one_segment_in_order(self):
        f = self.f
        row = tslib.fields(self.path, ["hsf2.req_id", "hsf2.response_to"], "frame.number == %d" % f["batch_frame"])[0]
        self.assertEqual([int(x) for x in row["hsf2.req_id"]], f["batch_order"])
        self.assertEqual([int(x) for x in row["hsf2.response_to"]], [f["req_frame"][i] for i in f["batch_order"]])
        info = tslib.info_column(self.path, "frame.number == %d" % f["batch_frame"])[0]
        self.assertEqual(info.count("Response "), 20)
        self.assertTrue(info.startswith("Response OK id=%d [" % f["batch_order"][0]), info)

    def test_request_split_inside_argument_lengths(self):
        first, last = self.f["split_frames"]
        self.assertEqual(tslib.values(self.path, "hsf2.req_id", "frame.number == %d" % first), [])
        names = ["hsf2.req_id", "hsf2.method", "hsf2.arg.count", "hsf2.arg.type", "hsf2.arg.value", "tcp.segment"]
        got = tslib.fields(self.path, names, "frame.number == %d" % last)[0]
        self.assertEqual(got["hsf2.req_id"], [str(P.SPLIT_ID)])
        self.assertEqual(got["hsf2.method"], ["update"])
        self.assertEqual(got["hsf2.arg.count"], ["2"])
        self.assertEqual(got["hsf2.arg.type"], ["com.example.User", "boolean"])
        self.assertEqual(got["hsf2.arg.value"], ['com.example.User { name: "u12", age: 12 }', "true"])
        self.assertEqual(got["tcp.segment"], [str(first), str(last)])

    def test_late_responses_flagged_with_expert(self):
        f = self.f
        late = tslib.values(self.path, "hsf2.req_id", "hsf2.over_timeout")
        self.assertEqual([int(x) for x in late], list(P.LATE_IDS))
        msgs = tslib.experts(self.path, "hsf2.over_timeout")
        self.assertEqual(msgs, ["Response after %.3f ms, above the request's timeout of 100 ms" % f["latency_ms"][i]
                                for i in P.LATE_IDS])

    def test_unanswered_requests(self):
        ids = tslib.values(self.path, "hsf2.req_id", "hsf2.no_response")
        self.assertEqual([int(x) for x in ids], list(P.UNANSWERED_IDS))
        frames = tslib.frames(self.path, "hsf2.no_response")
        self.assertEqual(frames, [self.f["req_frame"][i] for i in P.UNANSWERED_IDS])
        # single pass: the future is unknown, nothing is claimed
        self.assertEqual(tslib.frames(self.path, "hsf2.no_response", two_pass=False), [])

    def test_heartbeats_matched(self):
        f = self.f
        for hid in P.HEARTBEAT_IDS:
            self.assertEqual(tslib.values(self.path, "hsf2.response_in", "frame.number == %d" % f["hb_req"][hid]),
                             [str(f["hb_rsp"][hid])])
            self.assertEqual(tslib.values(self.path, "hsf2.response_to", "frame.number == %d" % f["hb_rsp"][hid]),
                             [str(f["hb_req"][hid])])

    def test_all_experts_of_the_capture(self):
        f = self.f
        msgs = tslib.experts(self.path, "hsf2")
        status = {70: "SERVICE_ERROR (70): service error", 81: "THREAD_POOL_BUSY (81): thread pool is busy",
                  60: "SERVICE_NOT_FOUND (60): service not found"}
        expected = {}
        for i, st in P.ERRORS.items():
            expected.setdefault("Status %s - error for %d" % (status[st], i), 0)
            expected["Status %s - error for %d" % (status[st], i)] += 1
        expected["No response seen to this request"] = 2
        expected["Response to a request not in this capture"] = 1
        for i in P.LATE_IDS:
            expected["Response after %.3f ms, above the request's timeout of 100 ms" % f["latency_ms"][i]] = 1
        got = {}
        for m in msgs:
            got[m] = got.get(m, 0) + 1
        self.assertEqual(got, expected)

    def test_orphan_response(self):
        f = self.f
        self.assertEqual(tslib.experts(self.path, "frame.number == %d" % f["orphan_frame"]),
                         ["Response to a request not in this capture"])
        self.assertEqual(tslib.info_column(self.path, "frame.number == %d" % f["orphan_frame"]),
                         ["Response OK id=999"])

    def test_request_properties_decoded(self):
        props = P.hessian({"eagleeye.traceid": "0b0000000a", "eagleeye.rpcid": "0.10"})
        got = tslib.fields(self.path, ["hsf2.props_len", "hsf2.props", "hessian.string"],
                           "hsf2.req_id == 10 && hsf2.op == 0")[0]
        self.assertEqual(got["hsf2.props_len"], [str(len(props))])
        self.assertEqual(got["hsf2.props"], [props.hex()])
        self.assertEqual(got["hessian.string"][-4:], ["eagleeye.traceid", "0b0000000a", "eagleeye.rpcid", "0.10"])


class Reassembly(tslib.PluginTestCase):

    def test_header_split_at_every_point_of_a_two_argument_request(self):
        pdu = P.request("com.example.S:1", "m", [("int", P.hessian(1)), ("java.lang.String", P.hessian("ab"))],
                        req_id=0)
        cap = Capture()
        c = cap.tcp(CLIENT, SERVER)
        for cut in range(1, len(pdu)):
            req = P.request("com.example.S:1", "m", [("int", P.hessian(1)), ("java.lang.String", P.hessian("ab"))],
                            req_id=cut)
            c.c2s(req, segs=[cut])
        path = cap.write(self.cap_path("splits.pcap"))
        self.assertEqual([int(x) for x in tslib.values(path, "hsf2.req_id")], list(range(1, len(pdu))))
        self.assertEqual(tslib.values(path, "hsf2.arg.value"), ["1", '"ab"'] * (len(pdu) - 1))
        self.assertEqual(tslib.malformed_frames(path), [])

    def test_one_byte_segments_and_many_frames_per_segment(self):
        cap = Capture()
        c = cap.tcp(CLIENT, SERVER)
        c.c2s(P.SPEC_5_1, segs=[1] * 102)              # 103 one-byte segments
        c.s2c(P.SPEC_5_2 + P.heartbeat(3, response=True) + P.SPEC_5_3[:10], segs=[35])
        c.s2c(P.SPEC_5_3[10:])
        path = cap.write(self.cap_path("bytes.pcap"))
        # the response carries its request's method too (generated, #16 item 4)
        self.assertEqual(tslib.values(path, "hsf2.method"), ["sayHello", "sayHello"])
        self.assertEqual(tslib.values(path, "hsf2.req_id"), ["1", "1", "3", "2"])
        self.assertEqual(tslib.values(path, "hsf2.error_msg"), ["service not found"])

    def test_no_desegmentation_preference(self):
        cap = Capture()
        c = cap.tcp(CLIENT, SERVER)
        c.c2s(P.SPEC_5_1, segs=[50])
        path = cap.write(self.cap_path("nodeseg.pcap"))
        self.assertEqual(tslib.values(path, "hsf2.req_id"), ["1"])
        # without reassembly the first segment is decoded as far as it goes (the rest is missing),
        # and the second one, starting inside the frame, cannot be recognised
        off = ["-o", "hsf2.desegment:FALSE"]
        self.assertEqual(tslib.values(path, "hsf2.req_id", args=off), ["1"])
        self.assertEqual(tslib.malformed_frames(path, args=off), [4, 5])
        self.assertEqual(tslib.experts(path, "frame.number == 5", args=off), ["Unknown frame type 0x6d"])


class Malformed(tslib.PluginTestCase):
    """Hostile input: every case gives an expert, no crash, and the next frame still decodes."""

    UNANSWERED = "No response seen to this request"   # the first item of the request's tree (#16 item 8)

    def _run(self, bad, name):
        """`bad`, then a heartbeat in the next segment. Returns the path and the experts of the
        frame where `bad` is dissected (its last segment)."""
        cap = Capture()
        c = cap.tcp(CLIENT, SERVER)
        c.c2s(bad)
        self.bad_frame = len(cap.packets)
        c.c2s(P.heartbeat(99))
        path = cap.write(self.cap_path(name))
        self.assertEqual(tslib.values(path, "hsf2.req_id", "frame.number == %d" % len(cap.packets)), ["99"])
        return path, tslib.experts(path, "frame.number == %d" % self.bad_frame)

    def test_argument_count_2_31(self):
        bad = bytearray(P.SPEC_5_1)
        bad[27:31] = (2 ** 31).to_bytes(4, "big")
        path, msgs = self._run(bytes(bad), "args.pcap")
        self.assertEqual(msgs, ["Argument count 2147483648 exceeds 255"])
        self.assertEqual(tslib.values(path, "hsf2.type", "frame.number == 4"), ["0x0e"])

    def test_service_length_beyond_any_frame(self):
        bad = bytearray(P.SPEC_5_1)
        bad[19:23] = (0x7FFFFFFF).to_bytes(4, "big")
        _, msgs = self._run(bytes(bad), "svclen.pcap")
        self.assertEqual(msgs, ["Length 2147483647 at offset 19 is above 16 MiB"])

    def test_negative_argument_length(self):
        bad = bytearray(P.SPEC_5_1)
        bad[35:39] = (0xFFFFFFF0).to_bytes(4, "big")     # O_1
        _, msgs = self._run(bytes(bad), "neglen.pcap")
        self.assertEqual(msgs, ["Length -16 at offset 35 is negative"])

    def test_body_length_beyond_any_frame(self):
        bad = bytearray(P.SPEC_5_2)
        bad[16:20] = (0x40000000).to_bytes(4, "big")
        _, msgs = self._run(bytes(bad), "bodylen.pcap")
        self.assertEqual(msgs, ["Body length 1073741824 is above 16 MiB"])

    def test_hessian_string_longer_than_its_argument(self):
        pdu = P.request("S", "m", [("java.lang.String", b"\x05ab")])
        _, msgs = self._run(pdu, "hstr.pcap")
        self.assertEqual(msgs, [self.UNANSWERED, "Hessian value truncated (1 more bytes needed, 0 left)"])

    def test_hessian_nesting_10000_deep(self):
        pdu = P.request("S", "m", [("java.util.List", b"\x79" * 10000 + b"\x90")])
        path, msgs = self._run(pdu, "deep.pcap")
        self.assertEqual(msgs, [self.UNANSWERED, "Hessian nesting deeper than 32 levels"])
        self.assertEqual(len(tslib.values(path, "hessian.list", "frame.number == %d" % self.bad_frame)), 0)
        self.assertEqual(tslib.values(path, "hsf2.arg.obj_len", "frame.number == %d" % self.bad_frame),
                         ["10001", "10001"])

    def test_reference_to_undefined_class(self):
        pdu = P.request("S", "m", [("com.example.User", b"\x60\x03Tom\xa2")])
        path, msgs = self._run(pdu, "class.pcap")
        self.assertEqual(msgs, [self.UNANSWERED, "Reference to undefined class #0"])
        self.assertEqual(tslib.values(path, "hessian.undecoded", "frame.number == 4"), ["6003546f6da2"])

    def test_unknown_frame_type(self):
        _, msgs = self._run(b"\x42" * 20, "type.pcap")
        self.assertEqual(msgs, ["Unknown frame type 0x42"])

    def test_trailing_bytes_after_argument(self):
        pdu = P.request("S", "m", [("int", b"\x91\x92")])
        _, msgs = self._run(pdu, "trail.pcap")
        self.assertEqual(msgs, [self.UNANSWERED, "1 bytes after the serialized value"])



class CleanLabels(tslib.PluginTestCase):
    """Issue #16: error messages a provider serialized as a Hessian string are decoded (no length
    byte shown as a box), no control character reaches a label or an expert text, the links are
    the first items of a PDU's tree and a response carries its request's service and method."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cap = Capture()
        c = cap.tcp(CLIENT, SERVER)                                                     # 1-3
        c.c2s(P.request("com.example.S:1", "get", [("long", P.hessian(P.Long(1)))], req_id=1))   # 4
        c.s2c(P.response(1, P.hessian("service not found"), status=60))                 # 5: Hessian text
        c.c2s(P.request("com.example.S:1", "put", [("long", P.hessian(P.Long(2)))], req_id=2))   # 6
        c.s2c(P.response(2, P.hessian("no provider\tfor com.example.S:1\n"), status=70))  # 7
        c.c2s(P.request("com.example.S:1", "del", [("long", P.hessian(P.Long(3)))], req_id=3))   # 8
        c.s2c(P.response(3, b"raw\x01text", status=80))                                 # 9: UTF-8 text
        c.c2s(P.request("com.example.S:1", "get", [("long", P.hessian(P.Long(4)))], req_id=4))   # 10
        c.s2c(P.response(4, P.hessian("ok")))                                           # 11
        c.c2s(P.request("com.example.S:1", "get", [("long", P.hessian(P.Long(5)))], req_id=5))   # 12
        cls.path = cap.write(cls.tmp + "/labels.pcap")

    def test_hessian_error_message_decoded(self):
        self.assertEqual(one(self.path, "hsf2.error_msg", "frame.number == 5"), "service not found")
        self.assertEqual(tslib.experts(self.path, "frame.number == 5"),
                         ["Status SERVICE_NOT_FOUND (60): service not found"])

    def test_no_control_characters(self):
        # the texts hold the escapes as text (backslash, letter); -T fields of 4.4/4.6 print a
        # backslash doubled, 4.0 as it is
        def experts(filt):
            return [m.replace("\\\\", "\\") for m in tslib.experts(self.path, filt)]
        self.assertEqual(experts("frame.number == 7"),
                         ["Status SERVICE_ERROR (70): service error - no provider\\tfor com.example.S:1\\n"])
        self.assertEqual(experts("frame.number == 9"),
                         ["Status SERVER_ERROR (80): server error - raw\\001text"])
        out = tslib.detail(self.path, "hsf2")
        bad = [l for l in out.splitlines() if any(ord(ch) < 32 and ch != "\t" for ch in l)]
        self.assertEqual(bad, [])

    def test_links_first_in_the_tree(self):
        out = tslib.detail(self.path, "hsf2", "frame.number in {10, 11, 12}")
        firsts = []
        lines = out.splitlines()
        for i, l in enumerate(lines):
            if l.startswith("Taobao HSF2 RPC"):
                firsts.append(lines[i + 1].strip())
        self.assertEqual(firsts, ["[Response in: 11]", "[Request in: 10]", "[No response: True]"])
        self.assertIn("Request get (com.example.S:1) id=5 [no response]", tslib.info_column(self.path, "frame.number == 12"))
        self.assertEqual(tslib.info_column(self.path, "frame.number == 11")[0][:21], "Response OK id=4 [1.0")

    def test_response_carries_request_identity(self):
        got = tslib.fields(self.path, ["frame.number", "hsf2.service", "hsf2.method"], "hsf2.op == 1")
        self.assertEqual([(r["frame.number"], r["hsf2.service"], r["hsf2.method"]) for r in got],
                         [(["5"], ["com.example.S:1"], ["get"]), (["7"], ["com.example.S:1"], ["put"]),
                          (["9"], ["com.example.S:1"], ["del"]), (["11"], ["com.example.S:1"], ["get"])])
        self.assertEqual(tslib.frames(self.path, 'hsf2.method == "get"'), [4, 5, 10, 11, 12])


class OtherCodecs(tslib.PluginTestCase):
    """JSON arguments go to Wireshark's json dissector, Java/Kryo ones stay bytes, codec 1 is
    decoded as Hessian 1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cap = Capture()
        c = cap.tcp(CLIENT, SERVER)
        c.c2s(P.request("S:1", "j", [("java.lang.String", b'{"name":"Tom","tags":["a"]}')], req_id=1, codec=6))
        c.c2s(P.request("S:1", "k", [("java.lang.String", b"\xac\xed\x00\x05t\x00\x02hi")], req_id=2, codec=2))
        c.c2s(P.request("S:1", "h1", [("int", b"I\x00\x00\x00\x2a")], req_id=3, codec=1))
        c.c2s(P.request("S:1", "$invoke", [("java.lang.String", P.hessian("realMethod")),
                                            ("[Ljava.lang.String;", P.hessian(P.TypedList("[string", ["int"]))),
                                            ("[Ljava.lang.Object;", P.hessian([7]))], req_id=4))
        cls.path = cap.write(cls.tmp + "/codecs.pcap")

    def test_json_argument_uses_json_dissector(self):
        self.assertEqual(tslib.values(self.path, "json.value.string", "hsf2.req_id == 1"), ["Tom", "a"])
        self.assertEqual(tslib.values(self.path, "hsf2.codec", "hsf2.req_id == 1"), ["6"])

    def test_java_argument_stays_bytes(self):
        expect = {"hsf2.arg.obj": ["aced0005740002686"  "9"], "hsf2.arg.value": [], "hessian.string": []}
        got = tslib.fields(self.path, expect, "hsf2.req_id == 2")[0]
        self.assertEqual(got, expect)

    def test_hessian1_codec(self):
        self.assertEqual(tslib.values(self.path, "hsf2.arg.value", "hsf2.req_id == 3"), ["42"])

    def test_generic_invoke_shows_real_method(self):
        self.assertEqual(tslib.values(self.path, "hsf2.generic_method", "hsf2.req_id == 4"), ["realMethod"])
        self.assertEqual(tslib.values(self.path, "hsf2.arg.value", "hsf2.req_id == 4"),
                         ['"realMethod"', "[string [\"int\"]", "[7]"])
        self.assertEqual(tslib.info_column(self.path, "hsf2.req_id == 4"), ["Request $invoke [realMethod] (S:1) id=4 [no response]"])

class Ports(tslib.PluginTestCase):

    def test_heuristic_finds_provider_on_other_port(self):
        cap = Capture()
        c = cap.tcp("10.0.0.1:40000", "10.0.0.2:5555")
        c.c2s(P.SPEC_5_1)
        c.s2c(P.SPEC_5_2)
        path = cap.write(self.cap_path("heur.pcap"))
        no_heur = ["--disable-heuristic", "hsf2_tcp"]
        self.assertEqual(tslib.values(path, "hsf2.req_id", args=no_heur), [])
        self.assertEqual(tslib.values(path, "hsf2.req_id"), ["1", "1"])            # heuristic on by default
        self.assertEqual(tslib.values(path, "hsf2.req_id", args=no_heur + ["-o", "hsf2.tcp.port:5555"]),
                         ["1", "1"])


if __name__ == "__main__":
    unittest.main()
