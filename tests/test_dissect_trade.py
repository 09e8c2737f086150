"""Trade multiplexer protocol (TCP 2107): decoding of every PDU form of the spec, framing edge
cases, and the keepalive analysis of the SharkFest'17 talk (Ping/Pong links, the missing Ping, the
zero window that kept it in the sender's buffer, the keepalive-timeout reset)."""
import json
import os
import unittest

import tslib
from capbuilder import Capture
import trade_pdus as T

T0 = 1400662369.0          # 2014-05-21 08:52:49 UTC, the day of the talk's Roundtrip clock
SRV = "192.168.0.1:2107"
CLI = "10.0.0.11:51000"
OURS = ("trade.",)


def by_frame(cap, names, filt=None, two_pass=True, args=()):
    """{frame number: {name: [values]} for the given names (tslib.Row)}"""
    out = {}
    for row in tslib.fields(cap, ["frame.number"] + list(names), filt, two_pass, args):
        out[int(row.pop("frame.number")[0])] = row
    return out


def trade_experts(cap, two_pass=True, args=()):
    """{frame: [(expert abbrev, message)]} for the Trade expert infos only, in tree order."""
    a = ["-T", "json"] + (["-2"] if two_pass else []) + list(args)
    text = tslib.run_tshark(a, cap).stdout
    # tshark repeats keys (several expert items in one tree): keep every pair
    packets = json.loads(text or "[]", object_pairs_hook=lambda pairs: pairs)
    out = {}

    def walk(node, frame):
        if not isinstance(node, list):
            return
        for item in node:
            if not (isinstance(item, tuple) and len(item) == 2):
                walk(item, frame)
                continue
            key, val = item
            if key == "_ws.expert" and isinstance(val, list):
                keys = dict((k, v) for k, v in val if isinstance(k, str))
                ours = [k for k in keys if k.startswith(OURS)]
                if ours:
                    out.setdefault(frame, []).append((ours[0], keys.get("_ws.expert.message")))
            walk(val, frame)

    for pkt in packets:
        layers = dict(dict(pkt)["_source"])["layers"]
        frame = int(dict(dict(layers)["frame"])["frame.number"])
        walk(layers, frame)
    return out


class TradeExampleBytes(tslib.PluginTestCase):
    """The talk's example byte strings decoded to the values of spec §4."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cap = Capture(t0=T0)
        c = cap.tcp(CLI, SRV, t=T0)
        c.c2s(T.EXAMPLE_PING, dt=0.5)            # 4
        c.s2c(T.EXAMPLE_PONG, dt=0.0042)         # 5
        c.s2c(T.EXAMPLE_ROUNDTRIP, dt=0.3)       # 6
        c.c2s(T.EXAMPLE_ECHO, dt=0.0021)         # 7
        cls.cap = cap.write(os.path.join(cls.tmp, "examples.pcap"))

    def test_keepalive_from_documentsystem(self):
        expect = {"trade.sender": ["37"], "trade.sender_name": ["DocumentSystem"], "trade.length": ["10"],
                  "trade.receiver": ["65535"], "trade.keyword": ["Ping"], "trade.clock_len": []}
        self.assertEqual(by_frame(self.cap, expect)[4], expect)

    def test_pong_from_multiplexer_keeps_control_receiver(self):
        expect = {"trade.sender": ["1"], "trade.sender_name": ["Multiplexer"], "trade.length": ["10"],
                  "trade.receiver": ["65535"], "trade.keyword": ["Pong"]}
        self.assertEqual(by_frame(self.cap, expect)[5], expect)

    def test_roundtrip_clock_is_microseconds_since_1901(self):
        f = by_frame(self.cap, ["trade.length", "trade.keyword", "trade.clock_len", "trade.clock",
                                "trade.clock_time"])[6]
        self.assertEqual(f["trade.length"], ["23"])
        self.assertEqual(f["trade.keyword"], ["Roundtrip"])
        self.assertEqual(f["trade.clock_len"], ["7"])
        self.assertEqual(f["trade.clock"], [str(T.EXAMPLE_CLOCK)])
        self.assertEqual(f["trade.clock_time"], ["May 21, 2014 08:52:49.880091000 UTC"])

    def test_clock_offset_is_clock_minus_capture_time(self):
        # frame 6 is captured at T0 + 0.0002 (handshake) + 0.5 + 0.0042 + 0.3
        off = float(by_frame(self.cap, ["trade.clock_offset"])[6]["trade.clock_offset"][0])
        self.assertAlmostEqual(off, 0.880091 - (0.0002 + 0.5 + 0.0042 + 0.3), places=5)

    def test_echo_identical_except_sender_and_linked_to_roundtrip(self):
        f = by_frame(self.cap, ["trade.sender", "trade.clock", "trade.roundtrip.request_in",
                                "trade.roundtrip.wire_rtt", "trade.roundtrip.echo_in"])
        self.assertEqual(f[7]["trade.sender"], ["37"])
        self.assertEqual(f[7]["trade.clock"], [str(T.EXAMPLE_CLOCK)])
        self.assertEqual(f[7]["trade.roundtrip.request_in"], ["6"])
        self.assertAlmostEqual(float(f[7]["trade.roundtrip.wire_rtt"][0]), 0.0021, places=6)
        self.assertEqual(f[6]["trade.roundtrip.echo_in"], ["7"])

    def test_ping_and_pong_link_each_other(self):
        f = by_frame(self.cap, ["trade.ping.pong_in", "trade.pong.ping_in", "trade.pong.delay"])
        self.assertEqual(f[4]["trade.ping.pong_in"], ["5"])
        self.assertEqual(f[5]["trade.pong.ping_in"], ["4"])
        self.assertAlmostEqual(float(f[5]["trade.pong.delay"][0]), 0.0042, places=6)

    def test_info_column_sender_to_receiver_summary(self):
        info = tslib.info_column(self.cap, filt="trade")
        # responses show their response time as every protocol of the plugin does (issue #16 item 8)
        self.assertEqual(info, ["DocumentSystem \u2192 Control: Ping", "Multiplexer \u2192 Control: Pong [4.2 ms]",
                                "Multiplexer \u2192 Control: Roundtrip",
                                "DocumentSystem \u2192 Control: Roundtrip (echo) [2.1 ms]"])

    def test_examples_raise_no_trade_expert(self):
        self.assertEqual(trade_experts(self.cap), {})


class TradeKeywords(tslib.PluginTestCase):
    """Every keyword of spec §3, unknown modules and keywords."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cap = Capture(t0=T0)
        c = cap.tcp(CLI, SRV, t=T0)
        fr = {}

        def s2c(pdu, name, dt=0.1):
            c.s2c(pdu, dt=dt)
            fr[name] = len(cap.packets)

        def c2s(pdu, name, dt=0.1):
            c.c2s(pdu, dt=dt)
            fr[name] = len(cap.packets)

        s2c(T.new_connection(1, 2678, "172.16.5.9"), "new")
        s2c(T.login(7, 2678, "XXXXXX0009", "172.16.5.9", module="MarketConfiguration"), "login7")
        s2c(T.login(1, 2679, "trader2", "172.16.5.10", trailer=b""), "login1")
        s2c(T.module_and_client_count(1, 12, 345), "count")
        s2c(T.status(1, "Disabling client logins on port: '443'"), "status")
        s2c(T.close_connection(1, 2678), "close")
        s2c(T.close_connection(1, 4242), "close_unknown")
        s2c(T.roundtrip(1, 3578115169880091), "rt")
        c2s(T.roundtrip(37, 3578115169880091), "echo", dt=0.0021)
        s2c(T.roundtrip_for_module(1, "DocumentSystem", 188409), "rfm")
        c2s(T.ping(37, clock=T.clock_us(T0 + 2.0)), "ping_clock")
        s2c(T.pong(1, clock=T.clock_us(T0 + 2.0)), "pong_clock", dt=0.004)
        c2s(T.control(200, "Foo", b"\x01\x02\x03"), "unknown")
        c2s(T.control(37, b"", b"\x09\x09"), "empty_kw")
        c2s(T.data(37, 2654, b"hello"), "data")
        cls.fr = fr
        cls.cap = cap.write(os.path.join(cls.tmp, "keywords.pcap"))

    def row(self, name, fields):
        return by_frame(self.cap, fields, filt="frame.number == %d" % self.fr[name])[self.fr[name]]

    def test_new_connection_id_and_client_ip(self):
        expect = {"trade.keyword": ["New Connection"], "trade.conn_id": ["2678"], "trade.client_ip": ["172.16.5.9"]}
        self.assertEqual(self.row("new", expect), expect)

    def test_login_from_module_7_carries_module_name(self):
        expect = {"trade.module": ["MarketConfiguration"], "trade.conn_id": ["2678"], "trade.username": ["XXXXXX0009"],
                  "trade.client_ip": ["172.16.5.9"], "trade.login.trailer": ["7265616400"],
                  "trade.conn.new_in": [str(self.fr["new"])]}
        self.assertEqual(self.row("login7", expect), expect)

    def test_login_from_other_sender_has_no_module_name(self):
        expect = {"trade.module": [], "trade.conn_id": ["2679"], "trade.username": ["trader2"],
                  "trade.client_ip": ["172.16.5.10"], "trade.login.trailer": []}
        self.assertEqual(self.row("login1", expect), expect)

    def test_module_and_client_count(self):
        expect = {"trade.module_count": ["12"], "trade.client_count": ["345"]}
        self.assertEqual(self.row("count", expect), expect)

    def test_status_text(self):
        expect = {"trade.status": ["Disabling client logins on port: '443'"]}
        self.assertEqual(self.row("status", expect), expect)

    def test_close_connection_recalls_new_connection_and_login(self):
        expect = {"trade.conn_id": ["2678"], "trade.conn.new_in": [str(self.fr["new"])],
                  "trade.conn.client_ip": ["172.16.5.9"], "trade.conn.user": ["XXXXXX0009"]}
        self.assertEqual(self.row("close", expect), expect)

    def test_close_of_unannounced_connection_is_a_note(self):
        ex = trade_experts(self.cap)
        self.assertEqual(ex.get(self.fr["close_unknown"]),
                         [("trade.conn_unknown", "Close Connection for a connection id not announced in this capture")])

    def test_roundtrip_for_module_rtt_in_ms_against_wire_rtt(self):
        r = self.row("rfm", ["trade.module", "trade.rtt_len", "trade.rtt", "trade.rtt_time", "trade.rtt_wire",
                             "trade.rtt_wire_frame", "trade.rtt_excess"])
        self.assertEqual(r["trade.module"], ["DocumentSystem"])
        self.assertEqual(r["trade.rtt_len"], ["4"])
        self.assertEqual(r["trade.rtt"], ["188409"])
        self.assertAlmostEqual(float(r["trade.rtt_time"][0]), 188.409, places=6)
        self.assertAlmostEqual(float(r["trade.rtt_wire"][0]), 2.1, places=3)
        self.assertEqual(r["trade.rtt_wire_frame"], [str(self.fr["echo"])])
        self.assertAlmostEqual(float(r["trade.rtt_excess"][0]), 186.309, places=3)
        ex = trade_experts(self.cap)[self.fr["rfm"]]
        self.assertEqual(len(ex), 1)
        self.assertEqual(ex[0][0], "trade.rtt_reported_high")
        self.assertIn("Reported RTT 188.409 ms exceeds the wire RTT 2.100 ms", ex[0][1])

    def test_ping_and_pong_with_clock(self):
        r = by_frame(self.cap, ["trade.clock_len", "trade.clock", "trade.clock_time", "trade.ping.pong_in"])
        self.assertEqual(r[self.fr["ping_clock"]]["trade.clock_len"], ["7"])
        self.assertEqual(r[self.fr["ping_clock"]]["trade.clock"], [str(T.clock_us(T0 + 2.0))])
        self.assertEqual(r[self.fr["ping_clock"]]["trade.clock_time"], ["May 21, 2014 08:52:51.000000000 UTC"])
        self.assertEqual(r[self.fr["ping_clock"]]["trade.ping.pong_in"], [str(self.fr["pong_clock"])])

    def test_unknown_module_shown_as_number_and_unknown_keyword_with_data(self):
        expect = {"trade.sender": ["200"], "trade.sender_name": ["Unknown (200)"], "trade.keyword": ["Foo"],
                  "trade.data": ["010203"]}
        self.assertEqual(self.row("unknown", expect), expect)
        self.assertEqual(trade_experts(self.cap)[self.fr["unknown"]],
                         [("trade.unknown_keyword", 'Unknown keyword "Foo"')])
        info = tslib.info_column(self.cap, filt="frame.number == %d" % self.fr["unknown"])
        self.assertEqual(info, ["Unknown (200) \u2192 Control: Foo (Unknown keyword)"])

    def test_empty_keyword_is_an_error(self):
        expect = {"trade.keyword": [], "trade.data": ["0909"]}
        self.assertEqual(self.row("empty_kw", expect), expect)
        self.assertEqual(tslib.frames(self.cap, 'trade.keyword == ""'), [self.fr["empty_kw"]])
        self.assertEqual([a for a, _ in trade_experts(self.cap)[self.fr["empty_kw"]]], ["trade.no_keyword"])

    def test_data_pdu_receiver_and_payload(self):
        expect = {"trade.receiver": ["2654"], "trade.keyword": [], "trade.data": ["68656c6c6f"]}
        self.assertEqual(self.row("data", expect), expect)

    def test_info_column_summaries_of_the_seed(self):
        info = tslib.info_column(self.cap, filt="trade")
        for s in ["Multiplexer \u2192 Control: New Connection from 172.16.5.9 (id=2678)",
                  "Tradesite \u2192 Control: User XXXXXX0009 logged in from 172.16.5.9 to MarketConfiguration (id=2678)",
                  "Multiplexer \u2192 Control: User trader2 logged in from 172.16.5.10 (id=2679)",
                  "Multiplexer \u2192 Control: ModuleAndClientCount, Modules: 12, Clients: 345",
                  "Multiplexer \u2192 Control: Connection closed (id=2678)",
                  "Multiplexer \u2192 Control: Roundtrip for Module DocumentSystem is 188.409 ms",
                  "DocumentSystem \u2192 2654: Data (5 bytes)"]:
            self.assertIn(s, info)

    def test_module_table_uat_overrides_builtin_names(self):
        uat = ['-o', 'uat:trade_modules:"37","Trader"', '-o', 'uat:trade_modules:"200","BackOffice"']
        r = by_frame(self.cap, ["trade.sender_name"], filt="trade.sender == 37 || trade.sender == 200", args=uat)
        self.assertEqual(r[self.fr["unknown"]], {"trade.sender_name": ["BackOffice"]})
        self.assertEqual(r[self.fr["echo"]], {"trade.sender_name": ["Trader"]})
        # ids the user table does not list keep their built-in names
        r = by_frame(self.cap, ["trade.sender_name"], filt="trade.sender == 1", args=uat)
        self.assertEqual(set(v["trade.sender_name"][0] for v in r.values()), {"Multiplexer"})


class TradeFraming(tslib.PluginTestCase):
    """Several PDUs per segment, PDUs over several segments, the greeting, malformed sizes."""

    def build(self, name, fn):
        cap = Capture(t0=T0)
        c = cap.tcp(CLI, SRV, t=T0)
        fr = fn(cap, c) or {}
        return cap.write(self.cap_path(name)), fr

    def test_three_pdus_in_one_segment_all_shown(self):
        def fn(cap, c):
            c.c2s(T.ping(37) + T.status(37, "ok") + T.data(37, 5, b"xyz"))
        cap, _ = self.build("multi.pcap", fn)
        r = by_frame(cap, ["trade.keyword", "trade.length", "trade.receiver"], filt="trade")
        self.assertEqual(r, {4: {"trade.keyword": ["Ping", "Status"], "trade.length": ["10", "15", "8"],
                                 "trade.receiver": ["65535", "65535", "5"]}})
        self.assertEqual(tslib.info_column(cap, filt="trade"),
                         ["3 Trade PDUs: DocumentSystem \u2192 Control: Ping [no response], DocumentSystem "
                          "\u2192 Control: Status: ok, DocumentSystem \u2192 5: Data (3 bytes)"])

    def test_forty_pdus_in_one_segment(self):
        def fn(cap, c):
            c.c2s(b"".join(T.status(37, "s%02d" % i) for i in range(40)))
        cap, _ = self.build("forty.pcap", fn)
        self.assertEqual(tslib.values(cap, "trade.status"), ["s%02d" % i for i in range(40)])

    def test_pdu_over_three_segments(self):
        def fn(cap, c):
            c.c2s(T.ping(37))
            c.c2s(T.roundtrip(37, T.EXAMPLE_CLOCK), segs=[2, 9])   # header split inside the size field
            c.c2s(T.ping(37))
        cap, _ = self.build("three.pcap", fn)
        r = by_frame(cap, ["trade.keyword", "trade.clock"], filt="tcp.len > 0")
        self.assertEqual(r[4], {"trade.keyword": ["Ping"], "trade.clock": []})
        self.assertEqual(r[5], {"trade.keyword": [], "trade.clock": []})
        self.assertEqual(r[6], {"trade.keyword": [], "trade.clock": []})
        self.assertEqual(r[7], {"trade.keyword": ["Roundtrip"], "trade.clock": [str(T.EXAMPLE_CLOCK)]})
        self.assertEqual(r[8], {"trade.keyword": ["Ping"], "trade.clock": []})
        self.assertEqual(tslib.malformed_frames(cap), [])

    def test_pdu_end_and_next_pdus_in_one_segment(self):
        def fn(cap, c):
            whole = T.roundtrip(37, 1234) + T.ping(37) + T.status(37, "x")
            c.c2s(whole, segs=[10])
        cap, _ = self.build("tail.pcap", fn)
        r = by_frame(cap, ["trade.keyword"], filt="trade")
        self.assertEqual(r, {5: {"trade.keyword": ["Roundtrip", "Ping", "Status"]}})
        self.assertTrue(tslib.info_column(cap, filt="trade")[0].startswith("3 Trade PDUs: "))

    def test_greeting_then_normal_pdus(self):
        def fn(cap, c):
            c.s2c(T.greeting(1, "APPSERVER1"))
            c.c2s(T.ping(37))
            c.s2c(T.pong(1))
        cap, _ = self.build("greeting.pcap", fn)
        r = by_frame(cap, ["trade.sender", "trade.greeting.length", "trade.greeting", "trade.greeting.trailer",
                           "trade.keyword"], filt="trade")
        self.assertEqual(r[4], {"trade.sender": ["1"], "trade.greeting.length": ["13"],
                                "trade.greeting": ["APPSERVER1"], "trade.greeting.trailer": ["000102"],
                                "trade.keyword": []})
        self.assertEqual(r[5]["trade.keyword"], ["Ping"])
        self.assertEqual(r[6]["trade.keyword"], ["Pong"])
        self.assertEqual(tslib.info_column(cap, filt="frame.number == 4"),
                         ["Multiplexer: Setting up connection to APPSERVER1"])

    def test_greeting_and_pdu_in_the_same_segment(self):
        def fn(cap, c):
            c.s2c(T.greeting(1, "APPSERVER1") + T.status(1, "up") + T.ping(1)[:4])
            c.s2c(T.ping(1)[4:])
        cap, _ = self.build("greeting2.pcap", fn)
        r = by_frame(cap, ["trade.greeting", "trade.keyword"], filt="trade")
        self.assertEqual(r, {4: {"trade.greeting": ["APPSERVER1"], "trade.keyword": ["Status"]},
                             5: {"trade.greeting": [], "trade.keyword": ["Ping"]}})

    def test_greeting_only_at_start_of_a_direction(self):
        def fn(cap, c):
            c.s2c(T.pong(1))
            c.s2c(T.greeting(1, "APPSERVER1"))   # not the first payload: a (bogus) normal PDU
        cap, _ = self.build("nogreeting.pcap", fn)
        self.assertEqual(tslib.values(cap, "trade.greeting"), [])
        self.assertEqual(tslib.values(cap, "trade.keyword"), ["Pong"])
        off = tslib.values(cap, "trade.greeting", args=["-o", "trade.detect_greeting:FALSE"])
        self.assertEqual(off, [])

    def test_greeting_detection_can_be_disabled(self):
        def fn(cap, c):
            c.s2c(T.greeting(1, "APPSERVER1"))
        cap, _ = self.build("greeting3.pcap", fn)
        self.assertEqual(tslib.values(cap, "trade.greeting"), ["APPSERVER1"])
        self.assertEqual(tslib.values(cap, "trade.greeting", args=["-o", "trade.detect_greeting:FALSE"]), [])

    def test_truncated_clock_inside_pdu(self):
        def fn(cap, c):
            c.c2s(T.control(37, "Roundtrip", b"\x07\x01\x02\x03"))       # 7-byte clock, 3 bytes left
            c.c2s(T.ping(37))
        cap, _ = self.build("trunc.pcap", fn)
        r = by_frame(cap, ["trade.clock_len", "trade.clock", "trade.data"], filt="trade")
        self.assertEqual(r[4], {"trade.clock_len": ["7"], "trade.clock": [], "trade.data": ["010203"]})
        ex = trade_experts(cap)
        self.assertEqual(ex[4], [("trade.truncated", "PDU ends inside a field: 4 more byte(s) needed")])
        self.assertEqual(tslib.values(cap, "trade.keyword"), ["Roundtrip", "Ping"])

    def test_string_without_nul_and_trailing_bytes(self):
        def fn(cap, c):
            c.c2s(T.control(37, "Status", b"no-terminator"))   # the text lacks its NUL
            c.c2s(T.module_and_client_count(37, 1, 2) + b"")
            c.c2s(T.pdu(37, 0xFFFF, b"ModuleAndClientCount\0\0\1\0\2\0\0\0"))
        cap, _ = self.build("nul.pcap", fn)
        self.assertEqual(tslib.values(cap, "trade.status"), ["no-terminator"])
        ex = trade_experts(cap)
        self.assertEqual([a for a, _ in ex[4]], ["trade.missing_nul"])
        self.assertNotIn(5, ex)
        # the counts, then 3 bytes nobody explains
        self.assertEqual(ex[6], [("trade.trailing_data", "3 byte(s) of trailing data")])
        self.assertEqual(tslib.values(cap, "trade.trailing"), ["000000"])

    def test_size_below_header_stops_the_segment(self):
        def fn(cap, c):
            c.c2s(T.status(37, "a") + T.pdu(37, 0xFFFF, b"", size=2) + T.status(37, "b"))
        cap, _ = self.build("small.pcap", fn)
        r = by_frame(cap, ["trade.length", "trade.keyword", "trade.data"], filt="trade")
        self.assertEqual(r[4], {"trade.length": ["14", "2"], "trade.keyword": ["Status"],
                                "trade.data": ["ffff" + T.status(37, "b").hex()]})
        self.assertEqual([a for a, _ in trade_experts(cap)[4]], ["trade.size_too_small"])

    def test_oversize_pdu_waits_for_data_that_never_comes(self):
        def fn(cap, c):
            c.c2s(T.ping(37))
            c.c2s(T.pdu(37, 0xFFFF, b"Status\0" + bytes(100), size=60000))
            c.c2s(bytes(1000))
            c.fin(True)
        cap, _ = self.build("oversize.pcap", fn)
        self.assertEqual(tslib.values(cap, "trade.keyword"), ["Ping"])
        self.assertEqual(tslib.malformed_frames(cap), [])
        self.assertEqual(tslib.frames(cap, "tcp.len > 0 && !trade"), [5, 6])

    def test_long_clock_value_is_flagged(self):
        def fn(cap, c):
            c.c2s(T.control(37, "Roundtrip", b"\x09" + bytes(9)))
        cap, _ = self.build("longclock.pcap", fn)
        self.assertEqual([a for a, _ in trade_experts(cap)[4]], ["trade.value_too_long"])
        self.assertEqual(tslib.values(cap, "trade.clock"), [])

    def test_port_preference_and_decode_as(self):
        cap = Capture(t0=T0)
        c = cap.tcp("10.0.0.1:40000", "10.0.0.2:3107", t=T0)
        c.c2s(T.ping(37))
        c.s2c(T.pong(1))
        path = cap.write(self.cap_path("port.pcap"))
        no_heur = ["--disable-heuristic", "trade_tcp"]
        self.assertEqual(tslib.values(path, "trade.keyword", args=no_heur), [])
        self.assertEqual(tslib.values(path, "trade.keyword", args=no_heur + ["-o", "trade.tcp.port:3107"]),
                         ["Ping", "Pong"])
        self.assertEqual(tslib.values(path, "trade.ping.pong_in", args=no_heur + ["-d", "tcp.port==3107,trade"]),
                         ["5"])


class TradeIncident(tslib.PluginTestCase):
    """The talk's incident rebuilt with capbuilder (see trade_pdus.build_incident)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cap = Capture(t0=T.INCIDENT_T0)
        cls.fr = T.build_incident(cap)
        cls.cap = cap.write(os.path.join(cls.tmp, "incident.pcap"))

    def test_three_experts_on_the_right_frames(self):
        fr = self.fr
        for two_pass in (True, False):   # the GUI, -2 and a single pass show the same analysis
            ex = trade_experts(self.cap, two_pass=two_pass)
            self.assertEqual(sorted(ex), [fr["zero_ack2"], fr["rst"]], two_pass)
            self.assertEqual(ex[fr["zero_ack2"]], [
                ("trade.ping_overdue", "No Ping from DocumentSystem for 48.9 s, expected every 30.0 s"),
                ("trade.peer_zero_window", "Multiplexer advertised a zero window since frame %d (48.0 s): the Ping "
                 "is probably stuck in the sender's TCP buffer" % fr["zero_window"])])
            self.assertEqual(ex[fr["rst"]], [
                ("trade.keepalive_timeout", "Connection reset by DocumentSystem 90.1 s after the last Pong it "
                 "received (frame %d): keepalive timeout (90 s)" % fr["pong4"])])

    def test_overdue_frame_is_a_bare_tcp_segment(self):
        r = by_frame(self.cap, ["tcp.len", "tcp.window_size_value", "trade.keyword", "trade.ping_gap",
                                "trade.ping_gap.last_ping", "trade.peer_zero_window_since"],
                     filt="frame.number == %d" % self.fr["zero_ack2"])[self.fr["zero_ack2"]]
        self.assertEqual(r["tcp.len"], ["0"])
        self.assertEqual(r["tcp.window_size_value"], ["0"])
        self.assertEqual(r["trade.keyword"], [])
        self.assertAlmostEqual(float(r["trade.ping_gap"][0]), 48.9, places=5)
        self.assertEqual(r["trade.ping_gap.last_ping"], [str(self.fr["ping4"])])
        self.assertEqual(r["trade.peer_zero_window_since"], [str(self.fr["zero_window"])])

    def test_learned_ping_interval_is_median_of_first_intervals(self):
        r = by_frame(self.cap, ["trade.ping.interval", "trade.ping.expected_interval"], filt="trade.keyword == \"Ping\"")
        pings = [self.fr["ping%d" % i] for i in range(5)]
        self.assertEqual(sorted(r), pings)
        intervals = [float(r[f]["trade.ping.interval"][0]) if r[f]["trade.ping.interval"] else None for f in pings]
        for got, want in zip(intervals, [None, 30.0, 29.9, 30.2, 30.0]):
            if want is None:
                self.assertIsNone(got)
            else:
                self.assertAlmostEqual(got, want, places=5)
        # learned once three intervals are known (4th Ping), median 30.0
        expected = [float(r[f]["trade.ping.expected_interval"][0]) if r[f]["trade.ping.expected_interval"] else None
                    for f in pings]
        self.assertEqual(expected[:3], [None, None, None])
        self.assertAlmostEqual(expected[3], 30.0, places=5)
        self.assertAlmostEqual(expected[4], 30.0, places=5)

    def test_every_ping_answered(self):
        r = by_frame(self.cap, ["trade.ping.pong_in", "trade.ping.no_pong"], filt="trade.keyword == \"Ping\"")
        self.assertEqual([r[self.fr["ping%d" % i]] for i in range(5)],
                         [{"trade.ping.pong_in": [str(self.fr["pong%d" % i])], "trade.ping.no_pong": []}
                          for i in range(5)])

    def test_teardown_fields(self):
        r = by_frame(self.cap, ["trade.teardown.since_last_pong", "trade.teardown.last_pong",
                                "trade.teardown.since_last_ping", "trade.peer_zero_window_since"],
                     filt="frame.number == %d" % self.fr["rst"])[self.fr["rst"]]
        self.assertAlmostEqual(float(r["trade.teardown.since_last_pong"][0]), 90.1, places=5)
        self.assertEqual(r["trade.teardown.last_pong"], [str(self.fr["pong4"])])
        self.assertAlmostEqual(float(r["trade.teardown.since_last_ping"][0]), 90.105, places=5)
        self.assertEqual(r["trade.peer_zero_window_since"], [str(self.fr["zero_window"])])

    def test_zero_window_start_names_both_sides(self):
        r = tslib.values(self.cap, "trade.zero_window.advertised_by")
        self.assertEqual(r, ["Multiplexer"])
        self.assertEqual(tslib.frames(self.cap, "trade.zero_window.advertised_by"), [self.fr["zero_window"]])

    def test_trade_filter_includes_analysed_bare_segments(self):
        got = tslib.frames(self.cap, "trade && tcp.len == 0")
        self.assertEqual(got, [self.fr["zero_window"], self.fr["zero_ack2"], self.fr["rst"]])

    def test_expected_interval_preference(self):
        # 20 s expected: gap threshold 30 s; the first frame later than 121.1 + 30 is the ACK at 155 s
        ex = trade_experts(self.cap, args=["-o", "trade.ping_interval:20"])
        self.assertIn(("trade.ping_overdue", "No Ping from DocumentSystem for 33.9 s, expected every 20.0 s"),
                      ex[self.fr["zero_ack1"]])

    def test_keepalive_timeout_preference(self):
        ex = trade_experts(self.cap, args=["-o", "trade.keepalive_timeout:120"])
        self.assertEqual([a for a, _ in ex[self.fr["rst"]]], ["trade.teardown"])


class TradeUnansweredPing(tslib.PluginTestCase):
    """A Ping on the wire that is never answered while the peer's window is closed."""

    def test_no_pong_with_peer_zero_window(self):
        cap = Capture(t0=T0)
        c = cap.tcp(CLI, SRV, t=T0)
        c.c2s(T.ping(37), t=T0 + 1)                # 4
        c.s2c(T.pong(1), dt=0.003)                 # 5
        c.window(False, 0, t=T0 + 20)              # 6: Multiplexer zero window
        c.c2s(T.ping(37), t=T0 + 31)               # 7: no Pong ever
        c.window(False, 0, t=T0 + 40)              # 8
        c.c2s(T.ping(37), t=T0 + 61)               # 9: while 7 is still open
        c.window(False, 9000, t=T0 + 70)           # 10: window reopens
        path = cap.write(self.cap_path("nopong.pcap"))
        r = by_frame(path, ["trade.ping.no_pong", "trade.ping.prev_unanswered"], filt="trade.keyword == \"Ping\"")
        self.assertEqual(r, {4: {"trade.ping.no_pong": [], "trade.ping.prev_unanswered": []},
                             7: {"trade.ping.no_pong": ["1"], "trade.ping.prev_unanswered": []},
                             9: {"trade.ping.no_pong": ["1"], "trade.ping.prev_unanswered": ["7"]}})
        ex = trade_experts(path)
        self.assertEqual(ex[7], [("trade.ping_no_pong", "No Pong seen for this Ping"),
                                 ("trade.peer_zero_window", "Multiplexer advertised a zero window since frame 6 "
                                  "(50.0 s): the Ping is probably stuck in the sender's TCP buffer")])
        self.assertEqual([a for a, _ in ex[9]], ["trade.ping_no_pong", "trade.peer_zero_window",
                                                 "trade.ping_prev_unanswered"])
        # a single pass cannot know the future: no "no Pong" claims there
        ex1 = trade_experts(path, two_pass=False)
        self.assertNotIn(7, ex1)
        self.assertEqual(tslib.values(path, "trade.zero_window.duration"), ["50.000000000"])


class TradeMatchingAndConventions(tslib.PluginTestCase):
    """Issue #16 items 4, 8, 9: Ping/Pong by echoed clock, the learned interval's floor, "Pong still
    outstanding", the module on both sides, links first, lost responses."""

    def test_pong_matched_by_echoed_clock_not_by_order(self):
        cap = Capture(t0=T0)
        c = cap.tcp(CLI, SRV, t=T0)
        ca, cb = T.clock_us(T0 + 1), T.clock_us(T0 + 2)
        c.c2s(T.ping(37, clock=ca), t=T0 + 1)          # 4
        c.c2s(T.ping(37, clock=cb), t=T0 + 2)          # 5
        c.s2c(T.pong(1, clock=cb), t=T0 + 2.01)        # 6 answers 5 (FIFO would say 4)
        c.s2c(T.pong(1, clock=ca), t=T0 + 2.02)        # 7 answers 4, late
        c.c2s(T.ping(37), t=T0 + 3)                    # 8 no clock: FIFO
        c.s2c(T.pong(1), t=T0 + 3.004)                 # 9
        path = cap.write(self.cap_path("clock.pcap"))
        r = by_frame(path, ["trade.ping.pong_in", "trade.pong.ping_in"], filt="trade")
        self.assertEqual({f: (v["trade.ping.pong_in"], v["trade.pong.ping_in"]) for f, v in r.items()},
                         {4: (["7"], []), 5: (["6"], []), 6: ([], ["5"]), 7: ([], ["4"]), 8: (["9"], []),
                          9: ([], ["8"])})
        # the older Ping was still open when the newer was sent (spec 9.2 B), answered later all the same
        self.assertEqual(tslib.values(path, "trade.ping.prev_unanswered"), ["4"])
        self.assertEqual(tslib.values(path, "trade.ping.no_pong"), [])

    def test_response_carries_the_pinging_module_and_links_come_first(self):
        cap = Capture(t0=T0)
        c = cap.tcp(CLI, SRV, t=T0)
        c.c2s(T.ping(37, clock=T.clock_us(T0 + 1)), t=T0 + 1)   # 4
        c.s2c(T.pong(1, clock=T.clock_us(T0 + 1)), dt=0.0031)   # 5
        path = cap.write(self.cap_path("identity.pcap"))
        # one filter selects the Ping and its Pong
        self.assertEqual(tslib.frames(path, 'trade.module == "DocumentSystem"'), [4, 5])
        self.assertEqual(by_frame(path, ["trade.sender_name", "trade.module"], filt="frame.number == 5")[5],
                         {"trade.sender_name": ["Multiplexer"], "trade.module": ["DocumentSystem"]})
        # the links are the first items of each PDU's tree
        text = tslib.detail(path, "trade")
        blocks = [b for b in text.split("Trade multiplexer protocol, ")[1:]]
        self.assertTrue(blocks[0].splitlines()[1].strip().startswith("[Pong in: 5]"), blocks[0])
        lines = [ln.strip() for ln in blocks[1].splitlines()[1:4]]
        self.assertEqual(lines[0], "[Ping in: 4]")
        # 3.1 ms: "0.00309… seconds" on 4.0/4.4, "3.09… milliseconds" on 4.6
        self.assertRegex(lines[1], r"^\[Pong delay: (0\.00309\d* seconds|3\.09\d* milliseconds)\]$", lines)
        self.assertEqual(tslib.info_column(path, filt="trade"),
                         ["DocumentSystem \u2192 Control: Ping", "Multiplexer \u2192 Control: Pong [3.1 ms]"])

    def test_learned_interval_has_a_floor(self):
        # a module that pings in bursts 1 ms apart, then pauses 1.2 s: the learned median is 1 ms
        cap = Capture(t0=T0)
        c = cap.tcp(CLI, SRV, t=T0)
        t = T0 + 1
        for burst in range(4):
            for i in range(4):
                c.c2s(T.ping(37), t=t + i * 0.001)
                c.s2c(T.pong(1), dt=0.0002)
            t += 1.2
        c.c2s(T.status(37, "idle"), t=t + 0.2)
        path = cap.write(self.cap_path("burst.pcap"))
        self.assertEqual([a for v in trade_experts(path).values() for a, _ in v if a == "trade.ping_overdue"], [])
        expected = set(tslib.values(path, "trade.ping.expected_interval"))
        self.assertEqual(expected, {"1.000000000"})
        # without the floor every pause is "overdue" (what the issue saw)
        ex = trade_experts(path, args=["-o", "trade.ping_interval_min:0"])
        overdue = [m for v in ex.values() for a, m in v if a == "trade.ping_overdue"]
        self.assertEqual(len(overdue), 4)      # the 3 pauses and the final silence
        self.assertTrue(all("expected every 0.0 s" in m for m in overdue), overdue)

    def test_pong_still_outstanding_after_the_keepalive_timeout(self):
        cap = Capture(t0=T0)
        c = cap.tcp(CLI, SRV, t=T0)
        c.c2s(T.ping(37), t=T0 + 1)                    # 4: answered after 95 s
        c.s2c(T.pong(1), t=T0 + 96)                    # 5
        c.c2s(T.ping(37), t=T0 + 100)                  # 6: never answered, capture goes on 91 s
        c.c2s(T.status(37, "still here"), t=T0 + 191)  # 7
        c.c2s(T.ping(37), t=T0 + 192)                  # 8: never answered, capture ends 1 s later
        c.c2s(T.status(37, "bye"), t=T0 + 193)         # 9
        path = cap.write(self.cap_path("outstanding.pcap"))
        ex = trade_experts(path)
        self.assertIn(("trade.pong_outstanding", "Pong still outstanding after 90.0 s (keepalive timeout 90 s): "
                       "it came after 95.0 s"), ex[4])
        self.assertIn(("trade.pong_outstanding", "Pong still outstanding after 90.0 s (keepalive timeout 90 s): "
                       "none in the capture"), ex[6])
        self.assertEqual([a for a, _ in ex[8]], ["trade.ping_no_pong", "trade.ping_prev_unanswered"])
        self.assertEqual(tslib.frames(path, "trade.ping.outstanding >= 90"), [4, 6])
        info = tslib.info_column(path, filt="frame.number == 6 || frame.number == 8")
        self.assertEqual(info, ["DocumentSystem \u2192 Control: Ping [no response]"] * 2)
        # the timeout preference moves the threshold
        self.assertEqual(tslib.frames(path, "trade.ping.outstanding", args=["-o", "trade.keepalive_timeout:120"]), [])

    def test_pong_lost_in_a_gap_is_not_unanswered(self):
        cap = Capture(t0=T0)
        c = cap.tcp(CLI, SRV, t=T0)
        c.c2s(T.ping(37), t=T0 + 1)                    # 4
        c.s2c(T.pong(1), dt=0.002)                     # 5
        c.c2s(T.ping(37), t=T0 + 31)                   # 6: its Pong is lost
        c.s2c(T.pong(1), dt=0.002)                     # 7 (dropped below)
        c.c2s(T.ping(37), t=T0 + 61)                   # 8
        c.s2c(T.pong(1), dt=0.002)                     # 9 -> 8
        c.c2s(T.ping(37), t=T0 + 91)                   # 10: its Ping side loses bytes before the next
        c.s2c(T.pong(1), dt=0.002)                     # 11
        c.c2s(T.data(37, 5, bytes(100)) + T.ping(37), t=T0 + 121, segs=[60])   # 12 (dropped), 13
        c.s2c(T.pong(1), dt=0.002)                     # 14
        del cap.packets[11]
        del cap.packets[6]
        path = cap.write(self.cap_path("lostpong.pcap"))
        # frames after the deletions: 4 5 6, 7 = Ping (was 8), 8 = Pong (9), 9 = Ping (10), 10 = Pong (11),
        # 11 = the rest of a data PDU and a Ping (13), 12 = Pong (14)
        r = by_frame(path, ["trade.ping.pong_in", "trade.ping.no_pong", "trade.response_lost"],
                     filt='trade.keyword == "Ping"')
        self.assertEqual(r[6], {"trade.ping.pong_in": [], "trade.ping.no_pong": [], "trade.response_lost": ["1"]})
        self.assertEqual(r[7]["trade.ping.pong_in"], ["8"])
        self.assertEqual(r[11]["trade.ping.pong_in"], ["12"])
        ex = trade_experts(path)
        self.assertEqual(ex[6], [("trade.response_lost.expert", "Response not in the capture (lost segment)")])
        self.assertEqual(ex[11], [("trade.unsynced", "Bytes before this segment are missing (lost or out of "
                                                     "order): 45 bytes skipped to the next PDU boundary")])
        self.assertNotIn("[no response]", " ".join(tslib.info_column(path, filt="trade")))


if __name__ == "__main__":
    unittest.main()
