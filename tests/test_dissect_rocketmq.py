"""RocketMQ remoting: framing, both header formats, matching, bodies and hostile input.

Real captures: ../shared/captures/external/rocketmq/* (4.x brokers, JSON headers) and
captures/rocketmq-realclient.pcapng (ali-ons client against scripted servers, see its README).
Edge cases no real capture has are built with capbuilder from the encoders in rocketmq_pdus.py.
"""
import re
import zlib
import unittest

import tslib
from capbuilder import Capture
import rocketmq_pdus as R

REALCLIENT = tslib.os.path.join(tslib.CAPTURES, "rocketmq-realclient.pcapng")
EXT = lambda name: tslib.external("rocketmq", name)  # noqa: E731


def rows(cap, names, filt=None, args=()):
    """tslib.fields(): one Row ({field name: [values]}) per displayed frame."""
    return tslib.fields(cap, names, filt, args=args)


class RealClientCapture(tslib.PluginTestCase):
    """ali-ons producer + push consumer against fake name server / broker."""

    def setUp(self):
        self.cap = self.need(REALCLIENT)

    def test_request_codes_by_flag_not_port(self):
        codes = {}
        for r in rows(self.cap, ["rocketmq.flag.response", "rocketmq.code"]):
            for resp, code in zip(r["rocketmq.flag.response"], r["rocketmq.code"]):
                codes.setdefault((resp, code), 0)
                codes[(resp, code)] += 1
        # requests (flag bit 0 clear) by code, from the PDU list of the capture's README
        self.assertEqual(codes[("0", "310")], 50)     # SEND_MESSAGE_V2
        self.assertEqual(codes[("0", "105")], 9)      # GET_ROUTEINFO_BY_TOPIC
        self.assertEqual(codes[("0", "11")], 27)      # PULL_MESSAGE
        self.assertEqual(codes[("0", "15")], 27)      # UPDATE_CONSUMER_OFFSET (no oneway bit from ali-ons)
        self.assertEqual(codes[("0", "34")], 2)       # HEART_BEAT
        self.assertEqual(codes[("0", "36")], 1)       # CONSUMER_SEND_MSG_BACK
        self.assertEqual(codes[("0", "40")], 1)       # NOTIFY_CONSUMER_IDS_CHANGED (broker -> client)
        self.assertEqual(codes[("0", "35")], 2)       # UNREGISTER_CLIENT
        total = sum(v for (resp, _), v in codes.items())
        self.assertEqual(total, 256)

    def test_broker_initiated_oneway_request_on_client_connection(self):
        r = rows(self.cap, ["tcp.srcport", "rocketmq.code", "rocketmq.opaque", "rocketmq.flag.oneway",
                            "rocketmq.response_in", "rocketmq.no_response"], "rocketmq.code == 40")
        self.assertEqual(len(r), 1)
        self.assertEqual(r[0]["tcp.srcport"], ["10911"])          # sent by the broker
        self.assertEqual(r[0]["rocketmq.opaque"], ["1000"])
        self.assertEqual(r[0]["rocketmq.flag.oneway"], ["1"])
        self.assertEqual(r[0]["rocketmq.response_in"], [])   # one-way: no response expected, none linked
        self.assertEqual(r[0]["rocketmq.no_response"], [])

    def test_every_request_linked_except_oneway_and_pending_long_polls(self):
        unanswered = tslib.frames(self.cap, "rocketmq.flag.response == 0 && rocketmq.flag.oneway == 0 "
                                             "&& !rocketmq.response_in")
        pending = tslib.frames(self.cap, "rocketmq.pending_poll")
        # the last round of long-polling pulls is still held by the broker when the capture ends
        self.assertEqual(pending, [389, 390, 392, 393, 396, 401, 402, 404, 407])
        self.assertEqual(unanswered, pending)
        self.assertEqual(tslib.frames(self.cap, "rocketmq.no_response"), [])
        orphans = tslib.frames(self.cap, "rocketmq.flag.response == 1 && !rocketmq.response_to")
        self.assertEqual(orphans, [])
        self.assertNotIn("Request not answered in the capture", tslib.experts(self.cap))

    def test_response_labelled_with_request_code(self):
        r = rows(self.cap, ["rocketmq.opaque", "rocketmq.code", "rocketmq.request_code", "rocketmq.response_to"],
                 "frame.number == 91")
        self.assertEqual(r[0]["rocketmq.opaque"], ["34"])
        self.assertEqual(r[0]["rocketmq.code"], ["0"])
        self.assertEqual(r[0]["rocketmq.request_code"], ["310"])
        self.assertEqual(r[0]["rocketmq.response_to"], ["89"])

    def test_pull_responses_message_counts(self):
        r = rows(self.cap, ["frame.number", "rocketmq.opaque", "rocketmq.msg_count"], "rocketmq.msg_count")
        got = [(int(x["frame.number"][0]), int(x["rocketmq.opaque"][0]), int(x["rocketmq.msg_count"][0])) for x in r]
        self.assertEqual(got, [(198, 7, 5), (200, 20, 7), (202, 9, 4), (204, 21, 6), (319, 11, 4),
                               (321, 16, 6), (323, 12, 4), (324, 18, 6), (332, 32, 1)])
        # 43 deliveries of 42 keys (order-retry twice)
        self.assertEqual(len(tslib.values(self.cap, "rocketmq.msg.topic")), 43)

    def test_pulled_keys_and_tags(self):
        r = rows(self.cap, ["rocketmq.msg.keys", "rocketmq.msg.tags"], "frame.number == 198")
        self.assertEqual(r[0]["rocketmq.msg.keys"], ["order-0", "order-8", "order-retry", "order-32", "order-48"])
        self.assertEqual(r[0]["rocketmq.msg.tags"], ["TagA", "TagB", "TagA", "TagB", "TagA"])
        keys = tslib.values(self.cap, "rocketmq.msg.keys", "rocketmq.flag.response == 1")
        self.assertEqual(len(keys), 43)
        self.assertEqual(len(set(keys)), 42)
        # TagC was filtered out by the subscription "TagA || TagB"
        self.assertNotIn("TagC", tslib.values(self.cap, "rocketmq.msg.tags", "rocketmq.flag.response == 1"))

    def test_send_keys_tags_queue_from_v2_short_keys(self):
        expect = {"rocketmq.topic": ["TopicA"], "rocketmq.queue_id": ["0"], "rocketmq.group": ["PID_capture"],
                  "rocketmq.msg.keys": ["order-0"], "rocketmq.msg.tags": ["TagA"]}
        r = rows(self.cap, expect, "frame.number == 89")
        self.assertEqual(r[0], expect)
        self.assertIn("b (topic): TopicA", tslib.detail(self.cap, "rocketmq", "frame.number == 89"))

    def test_pulled_msg_ids_match_send_responses(self):
        sent = set(tslib.values(self.cap, "rocketmq.msg_id", "rocketmq.request_code == 310"))
        self.assertEqual(len(sent), 50)
        pulled = tslib.values(self.cap, "rocketmq.msg_id", "rocketmq.request_code == 11")
        self.assertEqual(len(pulled), 43)
        # every message pulled from TopicA/TopicB was sent in this capture, under the same id;
        # the redelivered copy in the retry topic has its own commit-log offset
        original = [m for m in pulled if m in sent]
        self.assertEqual(len(original), 42)
        # the sender of order-0 and its consumer agree on the id
        send0 = tslib.values(self.cap, "rocketmq.msg_id", "frame.number == 91")
        self.assertEqual(send0, ["7F00000100002A9F0000000000000000"])
        self.assertIn(send0[0], tslib.values(self.cap, "rocketmq.msg_id", "frame.number == 198"))

    def test_retry_topic_redelivery(self):
        expect = {"rocketmq.msg.topic": ["%RETRY%GID_capture"], "rocketmq.msg.keys": ["order-retry"],
                  "rocketmq.msg.retry_topic": ["TopicA"], "rocketmq.msg.reconsume_times": ["1"]}
        r = rows(self.cap, expect, "rocketmq.msg.topic == \"%RETRY%GID_capture\"")
        self.assertEqual(len(r), 1)
        self.assertEqual(r[0], expect)
        expect = {"rocketmq.group": ["GID_capture"], "rocketmq.response_in": ["322"]}
        back = rows(self.cap, expect, "rocketmq.code == 36 && rocketmq.flag.response == 0")
        self.assertEqual(back[0], expect)

    def test_compressed_sends_inflated(self):
        # message #10: 8 KiB text, zlib (sysFlag 1); message #20: 100 KiB random, one frame over many segments
        r = rows(self.cap, ["frame.number", "rocketmq.msg.sys_flag.compressed",
                            "rocketmq.uncompressed_length"], "rocketmq.uncompressed_length")
        sizes = sorted(int(x["rocketmq.uncompressed_length"][0]) for x in r)
        self.assertIn(8192, sizes)
        self.assertIn(102400, sizes)

    def test_route_body_with_fastjson_numeric_key(self):
        r = rows(self.cap, ["rocketmq.broker_addr", "rocketmq.broker_name"], "frame.number == 8")
        self.assertEqual(r[0]["rocketmq.broker_addr"], ["127.0.0.1:10911"])
        self.assertEqual(r[0]["rocketmq.broker_name"][0], "broker-a")
        self.assertNotIn("rocketmq.json_error", tslib.values(self.cap, "_ws.expert"))

    def test_no_malformed_items(self):
        self.assertEqual(tslib.malformed_frames(self.cap), [])
        msgs = tslib.experts(self.cap, "rocketmq")
        for bad in ("Malformed", "totalSize", "JSON body", "does not match"):
            self.assertFalse([m for m in msgs if bad in m], bad)

    def test_no_control_characters_in_labels(self):
        # properties (\u0001 / \u0002 separated) read name=value, never raw or escaped separators
        text = tslib.detail(self.cap, "rocketmq")
        bad = [line for line in text.split("\n") if re.search(r"[\x00-\x08\x0b-\x1f\x7f]|\\00[12]", line)]
        self.assertEqual(bad, [])
        self.assertIn("i (properties): TAGS=TagA, KEYS=order-0", text)
        self.assertIn("TAGS\x01TagA\x02KEYS\x01order-0\x02",   # the filterable value keeps them
                      tslib.values(self.cap, "rocketmq.ext.value", "frame.number == 89"))

    def test_info_column(self):
        info = tslib.info_column(self.cap, "frame.number == 89 || frame.number == 91 || frame.number == 198")
        self.assertEqual(info[0], "SEND_MESSAGE_V2 topic=TopicA queue=0 opaque=34")
        # responses end with their response time; a pull answer names its request's topic
        self.assertEqual(info[1], "Response SUCCESS SEND_MESSAGE_V2 opaque=34 msgId=7F00000100002A9F0000000000000000 "
                                  "offset=0 [0.8 ms]")
        self.assertEqual(info[2], "Response SUCCESS PULL_MESSAGE topic=TopicA opaque=7 → FOUND 5 msgs [2312.8 ms]")

    def test_port_registration_beats_smpp_heuristic(self):
        # stock tshark labels some 281-byte PULL_MESSAGE frames SMPP; ours must win (no option needed)
        protos = tslib.values(self.cap, "frame.protocols", "tcp.len == 281")
        self.assertTrue(protos)
        for p in protos:
            self.assertTrue(p.endswith(":rocketmq"), p)
            self.assertNotIn("smpp", p)


class ExternalCaptures(tslib.PluginTestCase):
    """Public 4.x captures (JSON headers)."""

    def test_producer_1000_sends_all_answered(self):
        cap = self.need(EXT("producer.pcap"))
        codes = tslib.values(cap, "rocketmq.code", "rocketmq.flag.response == 0")
        self.assertEqual(codes.count("310"), 1000)
        self.assertEqual(sorted(set(codes)), ["103", "105", "310", "34", "35"])
        self.assertEqual(tslib.frames(cap, "rocketmq.flag.response == 0 && !rocketmq.response_in"), [])
        self.assertEqual(len(tslib.frames(cap, "rocketmq.request_code == 310 && rocketmq.code == 0")), 1000)
        self.assertEqual(tslib.malformed_frames(cap), [])
        # first send: queue offset and the broker's offset msgId
        r = rows(cap, ["rocketmq.msg_id", "rocketmq.queue_offset"], "rocketmq.request_code == 310")
        self.assertEqual(len(r), 1000)
        self.assertTrue(all(len(x["rocketmq.msg_id"][0]) == 32 for x in r))

    def test_producer_register_broker_body(self):
        cap = self.need(EXT("producer.pcap"))
        r = rows(cap, ["rocketmq.broker_name", "rocketmq.cluster", "rocketmq.topic"],
                 "rocketmq.code == 103 && rocketmq.flag.response == 0")
        self.assertEqual(len(r), 2)
        self.assertIn("N-20N3PF1Y8N5G", r[0]["rocketmq.broker_name"])
        self.assertIn("DefaultCluster", r[0]["rocketmq.cluster"])
        self.assertIn("SCHEDULE_TOPIC_XXXX", r[0]["rocketmq.topic"])
        self.assertNotIn("rocketmq.json_error", tslib.values(cap, "_ws.expert"))

    def test_pull_message_found_record(self):
        cap = self.need(EXT("pull-message.pcap"))
        r = rows(cap, ["rocketmq.msg.topic", "rocketmq.msg.queue_id", "rocketmq.msg.queue_offset",
                       "rocketmq.msg.body_text", "rocketmq.msg.tags", "rocketmq.msg.store_host",
                       "rocketmq.msg.body_crc.status", "rocketmq.msg_id"], "frame.number == 8")
        self.assertEqual(r[0]["rocketmq.msg.topic"], ["TopicTest"])
        self.assertEqual(r[0]["rocketmq.msg.queue_id"], ["1"])
        self.assertEqual(r[0]["rocketmq.msg.queue_offset"], ["1154"])
        self.assertEqual(r[0]["rocketmq.msg.body_text"], ["Hello RocketMQ 0"])
        self.assertEqual(r[0]["rocketmq.msg.tags"], ["TagA"])
        self.assertEqual(r[0]["rocketmq.msg.store_host"], ["192.169.0.4:10911"])
        self.assertEqual(r[0]["rocketmq.msg.body_crc.status"], ["1"])
        self.assertEqual(r[0]["rocketmq.msg_id"], ["C0A9000400002A9F00000000000CAC2E"])
        expect = {"rocketmq.code": ["19"], "rocketmq.remark": ["OFFSET_OVERFLOW_ONE"], "rocketmq.request_code": ["11"]}
        nf = rows(cap, expect, "frame.number == 4")
        self.assertEqual(nf[0], expect)

    def test_send_message_v2(self):
        cap = self.need(EXT("send-message-v2.pcap"))
        r = rows(cap, ["rocketmq.topic", "rocketmq.queue_id", "rocketmq.msg.body_text", "rocketmq.version",
                       "rocketmq.msg.uniq_key"], "frame.number == 1")
        self.assertEqual(r[0]["rocketmq.topic"], ["TopicTest"])
        self.assertEqual(r[0]["rocketmq.queue_id"], ["0"])
        self.assertEqual(r[0]["rocketmq.msg.body_text"], ["Hello RocketMQ 0"])
        self.assertEqual(r[0]["rocketmq.version"], ["293"])
        self.assertIn("Version: V4_4_0 (293)", tslib.detail(cap, "rocketmq", "frame.number == 1"))
        expect = {"rocketmq.msg_id": ["0A0000B400002A9F00000000002EAF62"], "rocketmq.queue_offset": ["4249"],
                  "rocketmq.response_to": ["1"]}
        rsp = rows(cap, expect, "frame.number == 2")
        self.assertEqual(rsp[0], expect)

    def test_route_info_numeric_keys(self):
        cap = self.need(EXT("get-routeinfo-by-topic.pcap"))
        self.assertEqual(tslib.values(cap, "rocketmq.topic", "rocketmq.flag.response == 0"),
                         ["%RETRY%please_rename_unique_group_name_4", "TopicTest", "TBW102"])
        addrs = tslib.values(cap, "rocketmq.broker_addr", "rocketmq.flag.response == 1")
        self.assertEqual(len(addrs), 3)
        self.assertEqual(tslib.frames(cap, "rocketmq.flag.response == 1 && rocketmq.response_to"), [2, 4, 6])

    def test_heartbeat_and_consumer_list(self):
        cap = self.need(EXT("heartbeat.pcap"))
        r = rows(cap, ["rocketmq.client_id", "rocketmq.group", "rocketmq.response_in"], "frame.number == 1")
        self.assertTrue(r[0]["rocketmq.client_id"])
        self.assertTrue(r[0]["rocketmq.group"])
        self.assertEqual(r[0]["rocketmq.response_in"], ["2"])
        cap = self.need(EXT("get-consumer-list-by-group.pcap"))
        self.assertEqual(tslib.values(cap, "rocketmq.request_code"), ["38"])

    def test_update_consumer_offset_oneway(self):
        cap = self.need(EXT("update-consumer-offset.pcap"))
        r = rows(cap, ["rocketmq.code", "rocketmq.flag.oneway", "rocketmq.commit_offset", "rocketmq.topic"],
                 "rocketmq")
        self.assertEqual([x["rocketmq.code"] for x in r], [["15"], ["15"], ["15"]])
        self.assertEqual([x["rocketmq.flag.oneway"] for x in r], [["1"], ["1"], ["1"]])
        self.assertEqual(tslib.frames(cap, "rocketmq.no_response"), [])

    def test_otel_and_skywalking_properties(self):
        cap = self.need(EXT("producer-otel.pcap"))
        self.assertEqual(tslib.values(cap, "rocketmq.msg.traceparent", "frame.number == 1"),
                         ["00-7240bb0a67d82172a5527edbe80a4823-08c57e1e4bc4f7d0-01"])
        cap = self.need(EXT("consumer-otel.pcap"))
        self.assertEqual(tslib.values(cap, "rocketmq.msg.traceparent", "frame.number == 2"),
                         ["00-5919385fb530c81cda5f9e6645011343-62ed127cb7329ace-01"])
        cap = self.need(EXT("producer-skywalking.pcap"))
        keys = tslib.values(cap, "rocketmq.msg.property.key", "frame.number == 1")
        self.assertEqual(keys, ["UNIQ_KEY", "WAIT", "TAGS", "sw8", "sw8-x"])

    def test_no_malformed_in_any_external_capture(self):
        for name in ("consumer-otel.pcap", "get-consumer-list-by-group.pcap", "get-routeinfo-by-topic.pcap",
                     "heartbeat.pcap", "producer-otel.pcap", "producer-skywalking.pcap", "pull-message.pcap",
                     "send-message-v2.pcap", "update-consumer-offset.pcap"):
            cap = self.need(EXT(name))
            self.assertEqual(tslib.malformed_frames(cap), [], name)
            self.assertTrue(tslib.frames(cap, "rocketmq"), name)
            for m in tslib.experts(cap, "rocketmq"):
                self.assertNotIn("Malformed", m, name)
                self.assertNotIn("JSON body", m, name)


class BuiltCaptures(tslib.PluginTestCase):
    """Edge cases from capbuilder."""

    def conn(self, cap, client="10.0.0.1:40000", server="10.0.0.2:10911"):
        return cap.tcp(client, server)

    def test_binary_header_request_and_response(self):
        cap = Capture()
        c = self.conn(cap, server="10.0.0.2:9876")
        req = R.frame(R.binary_header(105, 1, ext=[("topic", "TopicTest")], version=479, language=9), stype=1)
        # the worked example of the spec: length 45, header 41
        self.assertEqual(len(req), 49)
        c.c2s(req)
        body = b'{"brokerDatas":[{"brokerAddrs":{0:"10.0.0.2:10911"},"brokerName":"b1","cluster":"C"}],' \
               b'"queueDatas":[{"brokerName":"b1","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}'
        c.s2c(R.frame(R.binary_header(0, 1, flag=1, remark="OK", version=479), body, stype=1), dt=0.002)
        p = cap.write(self.cap_path("binary.pcap"))
        expect = {"rocketmq.serialize_type": ["1"], "rocketmq.code": ["105"], "rocketmq.language": ["GO"],
                  "rocketmq.version": ["479"], "rocketmq.opaque": ["1"], "rocketmq.topic": ["TopicTest"],
                  "rocketmq.header_length": ["41"], "rocketmq.response_in": ["5"]}
        r = rows(p, expect, "rocketmq.flag.response == 0")
        self.assertEqual(r[0], expect)
        expect = {"rocketmq.serialize_type": ["1"], "rocketmq.code": ["0"], "rocketmq.remark": ["OK"],
                  "rocketmq.request_code": ["105"], "rocketmq.response_to": ["4"],
                  "rocketmq.broker_addr": ["10.0.0.2:10911"]}
        r = rows(p, expect, "rocketmq.flag.response == 1")
        self.assertEqual(r[0], expect)
        self.assertIn("Version: V5_3_3 (479)", tslib.detail(p, "rocketmq"))
        self.assertEqual(tslib.malformed_frames(p), [])
        self.assertEqual(tslib.experts(p, "rocketmq"), [])

    def test_decode_as_other_port(self):
        cap = Capture()
        c = self.conn(cap, server="10.0.0.2:4444")
        c.c2s(R.request(105, 1, ext=[("topic", "DecodeAsJ")]))
        c.s2c(R.response(0, 1))
        c.c2s(R.frame(R.binary_header(105, 2, ext=[("topic", "DecodeAsB")]), stype=1))
        p = cap.write(self.cap_path("decodeas.pcap"))
        args = ["-d", "tcp.port==4444,rocketmq"]
        # the response carries its request's topic (generated)
        self.assertEqual(tslib.values(p, "rocketmq.topic", args=args), ["DecodeAsJ", "DecodeAsJ", "DecodeAsB"])
        self.assertEqual(tslib.values(p, "rocketmq.response_to", args=args), ["4"])

    def test_json_request_binary_response_mixed_per_frame(self):
        cap = Capture()
        c = self.conn(cap)
        c.c2s(R.request(30, 7, ext=[("topic", "T"), ("queueId", "1")]))
        c.s2c(R.frame(R.binary_header(0, 7, flag=1, ext=[("offset", "42")]), stype=1))
        p = cap.write(self.cap_path("mixed.pcap"))
        self.assertEqual(tslib.values(p, "rocketmq.serialize_type"), ["0", "1"])
        self.assertEqual(tslib.values(p, "rocketmq.offset"), ["42"])
        self.assertEqual(tslib.values(p, "rocketmq.response_to"), ["4"])

    def _pull_capture(self, name, records, ext=None):
        cap = Capture()
        c = self.conn(cap)
        c.c2s(R.request(11, 3, ext=R.pull_ext("CG", "T", 0, 0)))
        c.s2c(R.response(0, 3, ext=ext or R.pull_found_ext(len(records)), body=b"".join(records), remark="FOUND"),
              dt=0.01)
        return cap.write(self.cap_path(name))

    def test_ipv6_born_and_store_hosts(self):
        rec = R.store_record("T", "hello v6", sysflag=0x30, born="[2001:db8::1]:50001",
                             store="[2001:db8::2]:10911", phys_offset=4096, properties={"KEYS": "k6"})
        p = self._pull_capture("ipv6.pcap", [rec])
        r = rows(p, ["rocketmq.msg.born_host", "rocketmq.msg.store_host", "rocketmq.msg.born_ipv6",
                     "rocketmq.msg.store_port", "rocketmq.msg_id", "rocketmq.msg.body_text", "rocketmq.msg.keys"],
                 "rocketmq.flag.response == 1")
        self.assertEqual(r[0]["rocketmq.msg.born_host"], ["[2001:db8::1]:50001"])
        self.assertEqual(r[0]["rocketmq.msg.store_host"], ["[2001:db8::2]:10911"])
        self.assertEqual(r[0]["rocketmq.msg.born_ipv6"], ["2001:db8::1"])
        self.assertEqual(r[0]["rocketmq.msg.store_port"], ["10911"])
        self.assertEqual(r[0]["rocketmq.msg_id"], [R.offset_msg_id("[2001:db8::2]:10911", 4096)])
        self.assertEqual(len(r[0]["rocketmq.msg_id"][0]), 56)
        self.assertEqual(r[0]["rocketmq.msg.body_text"], ["hello v6"])
        self.assertEqual(r[0]["rocketmq.msg.keys"], ["k6"])
        self.assertEqual(tslib.experts(p, "rocketmq"), [])

    def test_v2_magic_record_with_300_byte_topic(self):
        topic = "T" * 290 + "-long-name"
        self.assertEqual(len(topic), 300)
        recs = [R.store_record(topic, "v2 body", magic=R.MAGIC_V2, properties={"TAGS": "t2"}),
                R.store_record("short", "v1 body", queue_offset=1)]
        p = self._pull_capture("v2.pcap", recs)
        r = rows(p, ["rocketmq.msg.magic", "rocketmq.msg.topic_length", "rocketmq.msg.topic",
                     "rocketmq.msg.body_text", "rocketmq.msg_count"], "rocketmq.flag.response == 1")
        self.assertEqual(r[0]["rocketmq.msg.magic"], ["0xdaa320ab", "0xdaa320a7"])
        self.assertEqual(r[0]["rocketmq.msg.topic_length"], ["300", "5"])
        self.assertEqual(r[0]["rocketmq.msg.topic"], [topic, "short"])
        self.assertEqual(r[0]["rocketmq.msg.body_text"], ["v2 body", "v1 body"])
        self.assertEqual(r[0]["rocketmq.msg_count"], ["2"])
        self.assertEqual(tslib.experts(p, "rocketmq"), [])

    def test_zlib_compressed_send_and_stored_bodies(self):
        text = ("compressible line of text %d\n" * 300) % tuple(range(300))
        z = zlib.compress(text.encode(), 5)
        cap = Capture()
        c = self.conn(cap)
        c.c2s(R.request(310, 9, ext=R.send_v2_ext("TZ", 1, sysflag=1, properties=R.props({"KEYS": "kz"})), body=z))
        c.s2c(R.response(0, 9, ext=R.send_response_ext(R.offset_msg_id("10.0.0.2:10911", 0), 1, 0)))
        c.c2s(R.request(11, 10, ext=R.pull_ext("CG", "TZ", 1, 0)))
        c.s2c(R.response(0, 10, ext=R.pull_found_ext(1), remark="FOUND",
                         body=R.store_record("TZ", z, sysflag=1, queue_id=1, properties={"KEYS": "kz"})))
        p = cap.write(self.cap_path("zlib.pcap"))
        self.assertEqual(tslib.values(p, "rocketmq.uncompressed_length"), [str(len(text))] * 2)
        bodies = tslib.values(p, "rocketmq.msg.body_text")
        self.assertEqual(len(bodies), 2)
        self.assertTrue(all(b.startswith("compressible line of text 0") for b in bodies))
        self.assertEqual(tslib.values(p, "rocketmq.msg.body_crc.status"), ["1"])
        self.assertEqual(tslib.values(p, "rocketmq.msg.sys_flag.compressed"),
                         ["1", "1"])

    def test_lz4_body_shown_compressed_with_note(self):
        cap = Capture()
        c = self.conn(cap)
        body = b"\x04\x22\x4d\x18" + b"\x00" * 20
        c.c2s(R.request(310, 9, ext=R.send_v2_ext("T", 0, sysflag=0x101), body=body))
        p = cap.write(self.cap_path("lz4.pcap"))
        self.assertEqual(tslib.values(p, "rocketmq.msg.body"), [body.hex()])
        self.assertTrue([m for m in tslib.experts(p, "rocketmq") if "LZ4" in m])

    def test_batch_send_of_10(self):
        entries = [R.batch_entry("batch body %d" % i, {"KEYS": "bk-%d" % i, "UNIQ_KEY": "U%02d" % i})
                   for i in range(10)]
        cap = Capture()
        c = self.conn(cap)
        c.c2s(R.request(320, 11, ext=R.send_v2_ext("TB", 2, batch=True), body=b"".join(entries)))
        ids = ",".join(R.offset_msg_id("10.0.0.2:10911", 100 * i) for i in range(10))
        c.s2c(R.response(0, 11, ext=R.send_response_ext(ids, 2, 0)))
        p = cap.write(self.cap_path("batch.pcap"))
        r = rows(p, ["rocketmq.msg_count", "rocketmq.msg.keys", "rocketmq.msg.body_text", "rocketmq.msg.uniq_key"],
                 "rocketmq.flag.response == 0")
        self.assertEqual(r[0]["rocketmq.msg_count"], ["10"])
        self.assertEqual(r[0]["rocketmq.msg.keys"], ["bk-%d" % i for i in range(10)])
        self.assertEqual(r[0]["rocketmq.msg.body_text"][9], "batch body 9")
        self.assertEqual(len(r[0]["rocketmq.msg.uniq_key"]), 10)
        self.assertEqual(len(tslib.values(p, "rocketmq.msg_id", "rocketmq.flag.response == 1")), 10)
        self.assertIn("SEND_BATCH_MESSAGE topic=TB queue=2 opaque=11 (10 msgs)", tslib.info_column(p, "rocketmq.flag.response == 0")[0])

    def test_30_frames_in_one_segment(self):
        cap = Capture()
        c = self.conn(cap)
        c.c2s(b"".join(R.request(14, 100 + i, ext=[("consumerGroup", "G"), ("topic", "T%d" % i), ("queueId", "0")])
                       for i in range(30)), mss=9000)
        c.s2c(b"".join(R.response(0, 100 + i, ext=[("offset", str(i))]) for i in reversed(range(30))), mss=9000)
        p = cap.write(self.cap_path("thirty.pcap"))
        r = rows(p, ["frame.number", "rocketmq.opaque", "rocketmq.response_in"], "rocketmq.flag.response == 0")
        self.assertEqual(len(r), 1)
        self.assertEqual(r[0]["rocketmq.opaque"], [str(100 + i) for i in range(30)])
        self.assertEqual(r[0]["rocketmq.response_in"], ["5"] * 30)
        rsp = rows(p, ["rocketmq.opaque", "rocketmq.offset", "rocketmq.response_to"], "rocketmq.flag.response == 1")
        self.assertEqual(rsp[0]["rocketmq.opaque"], [str(100 + i) for i in reversed(range(30))])
        self.assertEqual(rsp[0]["rocketmq.offset"], [str(i) for i in reversed(range(30))])
        self.assertEqual(rsp[0]["rocketmq.response_to"], ["4"] * 30)
        info = tslib.info_column(p, "frame.number == 4")[0]
        self.assertEqual(info.count("QUERY_CONSUMER_OFFSET"), 30)

    def test_5mb_frame_over_many_segments(self):
        body = bytes(range(256)) * (5 * 1024 * 1024 // 256)
        cap = Capture()
        c = self.conn(cap)
        c.c2s(R.request(310, 21, ext=R.send_v2_ext("BIG", 3), body=body))
        c.s2c(R.response(0, 21, ext=R.send_response_ext(R.offset_msg_id("10.0.0.2:10911", 77), 3, 5)), dt=0.05)
        p = cap.write(self.cap_path("big.pcap"))
        r = rows(p, ["frame.number", "rocketmq.length", "rocketmq.topic", "rocketmq.response_in"],
                 "rocketmq.flag.response == 0")
        self.assertEqual(len(r), 1)
        last_seg = int(r[0]["frame.number"][0])
        self.assertGreater(last_seg, 3500)   # 5 MiB in 1460-byte segments
        self.assertEqual(int(r[0]["rocketmq.length"][0]),
                         4 + len(R.json_header(310, 21, ext=R.send_v2_ext("BIG", 3))) + len(body))
        self.assertEqual(r[0]["rocketmq.topic"], ["BIG"])
        self.assertEqual(r[0]["rocketmq.response_in"], [str(last_seg + 1)])
        self.assertEqual(tslib.values(p, "rocketmq.response_to"), [str(last_seg)])

    def test_fastjson_route_numeric_keys_and_stats_object_keys(self):
        route = (b'{"brokerDatas":[{"brokerAddrs":{0:"10.0.0.1:10911",1:"10.0.0.9:10911"},"brokerName":"broker-a",'
                 b'"cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a",'
                 b'"perm":6,"readQueueNums":4,"topicSynFlag":0,"writeQueueNums":4}]}')
        stats = (b'{"consumeTps":1.5,"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"TopicS"}:'
                 b'{"brokerOffset":10,"consumerOffset":8,"lastTimestamp":1700000000000},'
                 b'{"brokerName":"broker-a","queueId":1,"topic":"TopicS"}:{"brokerOffset":5,"consumerOffset":5}}}')
        cap = Capture()
        c = self.conn(cap, server="10.0.0.2:9876")
        c.c2s(R.request(105, 1, ext=[("topic", "TopicS")]))
        c.s2c(R.response(0, 1, body=route))
        c.c2s(R.request(208, 2, ext=[("consumerGroup", "CG"), ("topic", "TopicS")]))
        c.s2c(R.response(0, 2, body=stats))
        p = cap.write(self.cap_path("fastjson.pcap"))
        self.assertEqual(tslib.values(p, "rocketmq.broker_addr"), ["10.0.0.1:10911", "10.0.0.9:10911"])
        self.assertEqual(tslib.values(p, "rocketmq.cluster"), ["DefaultCluster"])
        # the MessageQueue object keys are rendered as trees: their topics become typed fields
        # (and the response first carries its request's topic, generated)
        self.assertEqual(tslib.values(p, "rocketmq.topic", "frame.number == 7"), ["TopicS", "TopicS", "TopicS"])
        self.assertIn("consumerOffset: 8", tslib.detail(p, "rocketmq", "frame.number == 7"))
        self.assertEqual(tslib.experts(p, "rocketmq"), [])

    def test_broken_json_body_reported_not_fatal(self):
        cap = Capture()
        c = self.conn(cap, server="10.0.0.2:9876")
        c.c2s(R.request(105, 1, ext=[("topic", "T")]))
        c.s2c(R.response(0, 1, body=b'{"brokerDatas":[{"brokerAddrs":{0:"10.0.0.1:10911"' + b"[" * 100))
        c.c2s(R.request(105, 2, ext=[("topic", "U")]))
        p = cap.write(self.cap_path("badjson.pcap"))
        self.assertEqual(tslib.values(p, "rocketmq.request_code"), ["105"])
        self.assertEqual(tslib.values(p, "rocketmq.broker_addr"), ["10.0.0.1:10911"])
        self.assertTrue([m for m in tslib.experts(p, "rocketmq") if m.startswith("JSON body:")])
        self.assertEqual(tslib.values(p, "rocketmq.topic"), ["T", "T", "U"])   # the response: its request's
        self.assertEqual(tslib.malformed_frames(p), [])

    def test_oneway_requests_expect_nothing(self):
        cap = Capture()
        c = self.conn(cap)
        for i in range(3):
            c.c2s(R.request(15, 50 + i, flag=2, ext=[("consumerGroup", "G"), ("topic", "T"), ("queueId", str(i)),
                                                   ("commitOffset", str(10 * i))]))
        c.c2s(R.request(15, 60, ext=[("consumerGroup", "G"), ("topic", "T"), ("queueId", "0"), ("commitOffset", "1")]))
        p = cap.write(self.cap_path("oneway.pcap"))
        r = rows(p, ["rocketmq.flag.oneway", "rocketmq.commit_offset", "rocketmq.no_response"],
                 "rocketmq.flag.oneway == 1")
        self.assertEqual([x["rocketmq.commit_offset"] for x in r], [["0"], ["10"], ["20"]])
        self.assertEqual([x["rocketmq.no_response"] for x in r], [[], [], []])
        # the normal request at the end really is unanswered and says so
        self.assertEqual(tslib.frames(p, "rocketmq.no_response"), [7])
        self.assertEqual(tslib.experts(p, "rocketmq"), ["No response seen to this request"])
        self.assertEqual(tslib.info_column(p, "frame.number == 7"),
                         ["UPDATE_CONSUMER_OFFSET topic=T queue=0 opaque=60 [no response]"])

    def test_broker_request_reuses_client_opaque(self):
        cap = Capture()
        c = self.conn(cap)
        c.c2s(R.request(38, 5, ext=[("consumerGroup", "G")]))                        # 4: client request 5
        c.s2c(R.request(307, 5, ext=[("consumerGroup", "G"), ("clientId", "me")]))   # 5: broker request 5
        c.c2s(R.response(0, 5, body=b'{"properties":{"consumeType":"CONSUME_PASSIVELY"}}'))  # 6: answers 5
        c.s2c(R.response(0, 5, body=b'{"consumerIdList":["me"]}'))                  # 7: answers 4
        p = cap.write(self.cap_path("reuse.pcap"))
        r = rows(p, ["frame.number", "rocketmq.code", "rocketmq.response_in", "rocketmq.response_to",
                     "rocketmq.request_code"])
        got = {int(x["frame.number"][0]): x for x in r}
        for frame, code, response_in, response_to, request_code in [(4, ["38"], ["7"], [], []),
                                                                    (5, ["307"], ["6"], [], []),
                                                                    (6, ["0"], [], ["5"], ["307"]),
                                                                    (7, ["0"], [], ["4"], ["38"])]:
            with self.subTest(frame=frame):
                self.assertEqual(got[frame]["rocketmq.code"], code)
                self.assertEqual(got[frame]["rocketmq.response_in"], response_in)
                self.assertEqual(got[frame]["rocketmq.response_to"], response_to)
                self.assertEqual(got[frame]["rocketmq.request_code"], request_code)

    def test_long_poll_within_suspend_timeout_not_flagged_but_expired_is(self):
        cap = Capture()
        c = self.conn(cap)
        c.c2s(R.request(11, 1, ext=R.pull_ext("CG", "T", 0, 0, suspend=1000)))       # 4: expires
        c.c2s(R.request(11, 2, ext=R.pull_ext("CG", "T", 1, 0, suspend=30000)), dt=2.0)  # 5: pending
        c.c2s(R.request(14, 3, ext=[("consumerGroup", "CG"), ("topic", "T"), ("queueId", "0")]), dt=0.5)
        p = cap.write(self.cap_path("longpoll.pcap"))
        self.assertEqual(tslib.frames(p, "rocketmq.pending_poll"), [5])
        self.assertEqual(tslib.frames(p, "rocketmq.no_response"), [4, 6])

    def test_error_responses_experts_by_severity(self):
        cap = Capture()
        c = self.conn(cap)
        for i, code in enumerate((2, 10, 17, 19)):
            c.c2s(R.request(310, i, ext=R.send_v2_ext("T", 0), body=b"x"))
            c.s2c(R.response(code, i, remark="r%d" % code))
        p = cap.write(self.cap_path("errors.pcap"))
        r = rows(p, ["_ws.expert.severity", "_ws.expert.message"], "rocketmq.flag.response == 1")
        got = [(x["_ws.expert.severity"][0], x["_ws.expert.message"][0]) for x in r]
        # severities: 4194304 warn, 8388608 error, 2097152 note
        self.assertEqual(got, [("6291456", "Response SYSTEM_BUSY (2): r2"),
                               ("6291456", "Response FLUSH_DISK_TIMEOUT (10): r10"),
                               ("8388608", "Response TOPIC_NOT_EXIST (17): r17"),
                               ("4194304", "Response PULL_NOT_FOUND (19): r19")])

    def test_malformed_inputs_are_reported_and_dissection_goes_on(self):
        cap = Capture()
        c = self.conn(cap)
        # 4: pull + response whose 2nd record has a bad totalSize, 3rd never reached
        good = R.store_record("T", "ok", queue_offset=0)
        c.c2s(R.request(11, 1, ext=R.pull_ext("CG", "T", 0, 0)))
        c.s2c(R.response(0, 1, ext=R.pull_found_ext(3), remark="FOUND",
                         body=good + R.store_record("T", "bad", total_size=5000) + good))
        # 6/7: negative bodyLength in a record; negative topic length
        c.c2s(R.request(11, 2, ext=R.pull_ext("CG", "T", 0, 1)))
        c.s2c(R.response(0, 2, ext=R.pull_found_ext(3), remark="FOUND",
                         body=R.store_record("T", "neg", body_len=-1) + R.store_record("T", "t", topic_len=-3)))
        # 8: binary header with a negative remark length
        c.c2s(R.frame(R.binary_header(34, 3, remark="xx", remark_len=-5), stype=1))
        # 9: binary header with a 2^31 ext length and 10: SEND_MESSAGE_V2 whose properties ("i")
        # value announces 2^31 bytes
        c.c2s(R.frame(R.binary_header(34, 4, ext=[("k", "v")], ext_len=0x80000000), stype=1))
        raw = b"\x00\x01i" + b"\x80\x00\x00\x00" + b"TAGS\x01a\x02"
        c.c2s(R.frame(R.binary_header(310, 5, raw_ext=raw), stype=1))
        # 11: properties of a batch entry announcing 2^31-ish (negative int16) bytes
        c.c2s(R.request(320, 6, ext=R.send_v2_ext("T", 0, batch=True),
                        body=R.batch_entry("b", total_size=0x7FFFFFFF)))
        # 12: unknown serialize type; 13: frame length 0xFFFFFFF0 (garbage), then 14: a normal request
        c.c2s(R.frame(b"{}", stype=7))
        c.c2s(b"\xff\xff\xff\xf0" + b"\x00" * 12)
        c.c2s(R.request(105, 9, ext=[("topic", "after-garbage")]))
        p = cap.write(self.cap_path("malformed.pcap"))
        ex = tslib.fields(p, ["frame.number", "_ws.expert.message"], "rocketmq")
        msgs = {int(x["frame.number"][0]): x["_ws.expert.message"] for x in ex}
        # the bad record is 95 bytes, the good one after it 94: 189 bytes from the bad record on
        self.assertIn("Record totalSize 5000 is invalid (189 bytes left in the body)", msgs[5])
        self.assertEqual(tslib.values(p, "rocketmq.msg_count", "frame.number == 5"), ["1"])
        self.assertIn("bodyLength -1 exceeds the record (7 bytes left)", msgs[7])
        self.assertIn("topicLength -3 exceeds the record (3 bytes left)", msgs[7])
        self.assertEqual(tslib.values(p, "rocketmq.msg_count", "frame.number == 7"), ["2"])
        self.assertIn("Header: remark length exceeds the header (byte 21)", msgs[8])
        self.assertIn("Header: ext fields length exceeds the header (byte 25)", msgs[9])
        self.assertIn("Header: ext value length exceeds the ext fields (byte 32)", msgs[10])
        self.assertEqual(tslib.values(p, "rocketmq.code", "frame.number == 10"), ["310"])
        self.assertIn("Batch entry totalSize 2147483647 is invalid (23 bytes left)", msgs[11])
        self.assertIn("Unknown serialize type 7", msgs[12])
        self.assertIn("Frame length 4294967280 is outside 4..16777212: not a RocketMQ frame "
                      "(rest of segment skipped)", msgs[13])
        self.assertEqual(tslib.values(p, "rocketmq.topic", "frame.number == 14"), ["after-garbage"])
        # every problem is an expert item of ours; no dissector exception
        self.assertEqual(tslib.malformed_frames(p), [5, 7, 8, 9, 10, 11, 12, 13])
        for f, m in msgs.items():
            self.assertFalse([x for x in m if "Malformed Packet" in x or "Dissector bug" in x], f)


if __name__ == "__main__":
    unittest.main()
