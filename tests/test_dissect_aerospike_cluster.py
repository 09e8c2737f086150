"""Aerospike Cluster (heartbeat and fabric): the real mesh heartbeat capture decoded to the values
of ../shared/specs/aerospike.md §15.10, and capture-builder cases for everything no real capture
has (multicast, compression, IPv6, framing, fabric, arrays, MessagePack, unknown ids/types,
truncation, clock skew, disagreeing succession lists)."""
import unittest

import tslib
from capbuilder import Capture
import aerospike_cluster_pdus as P

T0 = 1700000000.0
T0_MS = int(T0 * 1000)
NODE_A = P.node_id("02:00:00:00:00:0a", 3001)
NODE_B = P.node_id("02:00:00:00:00:0b", 3001)
NODE_C = P.node_id("02:00:00:00:00:0c", 3001)
CK = 0x0000C3AC8147E8F2
AC = "aerospike_cluster."


def ac_experts(path, **kw):
    """Expert messages of the frames carrying aerospike_cluster (not TCP's handshake notes)."""
    return tslib.experts(path, filt="aerospike_cluster", **kw)


def hexid(n):
    """How -T fields prints a BASE_HEX uint64."""
    return "0x%016x" % n


class RealMeshHeartbeat(tslib.PluginTestCase):
    """heartbeat-mesh.pcapng, frame 1: 10.0.0.11:3002 -> 10.0.0.12, one pulse (spec §15.10)."""

    def setUp(self):
        self.cap = self.need(tslib.external("aerospike", "heartbeat-mesh.pcapng"))

    def f(self, name):
        return tslib.values(self.cap, AC + name)

    def test_port_3002_is_aerospike_cluster_not_rsl(self):
        protos = tslib.values(self.cap, "frame.protocols")
        self.assertEqual(protos, ["eth:ethertype:ip:tcp:aerospike_cluster"])
        self.assertEqual(tslib.frames(self.cap, "gsm_ipa or _ws.malformed"), [])

    def test_msg_header_and_field_ids(self):
        self.assertEqual(self.f("size"), ["122"])
        self.assertEqual(self.f("type"), ["5"])
        self.assertEqual(self.f("field.id"), ["0", "1", "2", "4", "5", "9", "10", "11"])
        self.assertEqual(self.f("field.name"), ["ID", "TYPE", "NODE", "HLC_TIMESTAMP", "ENDPOINTS",
                                                "FABRIC_DATA", "HB_DATA", "PAXOS_DATA"])
        self.assertEqual(self.f("field.type"), ["1", "1", "3", "3", "6", "6", "6", "6"])
        self.assertEqual(self.f("field.length"), ["9", "9", "0", "40"])

    def test_protocol_id_type_and_sender_node(self):
        self.assertEqual(self.f("hb.protocol_id"), ["0x00006864"])
        self.assertEqual(self.f("hb.type"), ["0"])
        self.assertEqual(self.f("hb.node"), ["0x0bb92e2d67270008"])
        # node id parts: MAC 08:00:27:67:2d:2e and fabric port 3001, for the sender and the
        # single succession-list node
        self.assertEqual(self.f("node.mac"), ["08:00:27:67:2d:2e"] * 2)
        self.assertEqual(self.f("node.port"), ["3001"] * 2)
        text = tslib.detail(self.cap, "aerospike_cluster")
        self.assertIn("Sender node: BB92E2D67270008 (MAC 08:00:27:67:2d:2e, port 3001)", text)

    def test_hlc_absolute_time_to_the_millisecond(self):
        self.assertEqual(self.f("hb.hlc"), ["Feb  6, 2018 12:51:13.738000000 UTC"])
        self.assertEqual(self.f("hb.hlc.logical"), ["0"])
        # the capture was taken 0.67 ms after the HLC (both to the ms: 12:51:13.738): no skew warning
        self.assertEqual(self.f("hb.hlc.skew"), ["0.000000000"])
        self.assertEqual(tslib.experts(self.cap), [])

    def test_heartbeat_and_fabric_endpoints(self):
        self.assertEqual(self.f("hb.endpoint.count"), ["1", "1"])
        self.assertEqual(self.f("hb.endpoint.addr"), ["10.0.0.11", "10.0.0.11"])
        self.assertEqual(self.f("hb.endpoint.port"), ["3002", "3001"])
        self.assertEqual(self.f("hb.endpoint.tls"), ["0", "0"])
        self.assertEqual(self.f("hb.endpoint.addr_type"), ["1", "1"])
        text = tslib.detail(self.cap, "aerospike_cluster")
        self.assertIn("Heartbeat endpoints: 1 endpoint", text)
        self.assertIn("Endpoint 10.0.0.11:3002", text)
        self.assertIn("Fabric endpoints: 1 endpoint", text)
        self.assertIn("Endpoint 10.0.0.11:3001", text)

    def test_empty_adjacency_list(self):
        self.assertEqual(self.f("hb.adjacent_count"), ["0"])
        self.assertEqual(self.f("hb.adjacent_node"), [])

    def test_clustering_data(self):
        self.assertEqual(self.f("hb.clustering_id"), ["0x0000707c"])
        self.assertEqual(self.f("hb.cluster_key"), [hexid(CK)])
        self.assertEqual(self.f("hb.paxos_sequence"), ["0x01616b2b4b620000"])
        self.assertEqual(self.f("hb.preferred_principal"), ["0x0000000000000000"])
        self.assertEqual(self.f("hb.succession_count"), ["1"])
        self.assertEqual(self.f("hb.succession_node"), ["0x0bb92e2d67270008"])

    def test_info_column(self):
        self.assertEqual(tslib.info_column(self.cap),
                         ["Heartbeat pulse from BB92E2D67270008, cluster key C3AC8147E8F2, "
                          "1 node in succession, 0 adjacent"])

    def test_filters_on_issue_field_names(self):
        for filt in ["aerospike_cluster.hb.node == 0x0BB92E2D67270008",
                     "aerospike_cluster.hb.cluster_key == 0xC3AC8147E8F2",
                     "aerospike_cluster.hb.endpoint.addr == 10.0.0.11 && aerospike_cluster.hb.endpoint.port == 3001",
                     "aerospike_cluster.hb.hlc == \"2018-02-06 12:51:13.738\"",
                     "aerospike_cluster.hb.succession_node == 0x0BB92E2D67270008"]:
            self.assertEqual(tslib.frames(self.cap, filt), [1], filt)


class Heartbeats(tslib.PluginTestCase):

    def test_multicast_pulse_with_two_fabric_endpoints_and_adjacency(self):
        cap = Capture(t0=T0)
        cap.udp("10.0.0.10:9918", "239.1.99.2:9918", P.heartbeat(
            NODE_A, hlc_ms=T0_MS + 1, logical=7, cluster_name="prod",
            fabric=[("10.0.0.10", 3001, False), ("192.168.1.10", 3101, True)],
            adjacency=[NODE_B, NODE_C], paxos=P.paxos_data(0xABCDEF12, 5, NODE_C, [NODE_C, NODE_B, NODE_A])))
        path = cap.write(self.cap_path("mcast.pcap"))
        expect = {AC + "hb.node": [hexid(NODE_A)],
                  AC + "hb.cluster_name": ["prod"],
                  AC + "hb.hlc.logical": ["7"],
                  AC + "hb.endpoint.addr": ["10.0.0.10", "192.168.1.10"],
                  AC + "hb.endpoint.port": ["3001", "3101"],
                  AC + "hb.endpoint.tls": ["0", "1"],
                  AC + "hb.adjacent_node": [hexid(NODE_B), hexid(NODE_C)],
                  AC + "hb.adjacent_count": ["2"],
                  AC + "hb.cluster_key": ["0x00000000abcdef12"],
                  AC + "hb.preferred_principal": [hexid(NODE_C)],
                  AC + "hb.succession_node": [hexid(NODE_C), hexid(NODE_B), hexid(NODE_A)],
                  "frame.protocols": ["eth:ethertype:ip:udp:aerospike_cluster"]}
        row = tslib.fields(path, expect)[0]
        self.assertEqual(row, expect)
        self.assertEqual(tslib.info_column(path), [
            "Heartbeat pulse from BB90A0000000002, cluster prod, cluster key ABCDEF12, "
            "3 nodes in succession, 2 adjacent"])

    def test_compressed_heartbeat_is_inflated_and_dissected(self):
        inner = P.heartbeat(NODE_B, hlc_ms=T0_MS, endpoints=[("10.0.0.11", 3002, False)],
                            paxos=P.paxos_data(0x42, 1, 0, [NODE_B]))
        cap = Capture(t0=T0)
        cap.udp("10.0.0.11:9918", "239.1.99.2:9918", P.compressed_heartbeat(inner))
        path = cap.write(self.cap_path("compressed.pcap"))
        row = tslib.fields(path, [AC + "hb.inflated_length", AC + "hb.node", AC + "hb.endpoint.port",
                                  AC + "type", AC + "field.name"])[0]
        self.assertEqual(row[AC + "hb.inflated_length"], [str(len(inner))])
        self.assertEqual(row[AC + "hb.node"], [hexid(NODE_B)])
        self.assertEqual(row[AC + "hb.endpoint.port"], ["3002"])
        self.assertEqual(row[AC + "type"], ["5", "5"])      # outer and inflated msg
        self.assertEqual(row[AC + "field.name"][0], "COMPRESSED_PAYLOAD")
        self.assertEqual(tslib.info_column(path), [
            "Compressed heartbeat (%d bytes inflated): Heartbeat pulse from BB90B0000000002, "
            "cluster key 42, 1 node in succession" % len(inner)])
        self.assertEqual(tslib.experts(path), [])

    def test_nested_compression_stops_at_one_level(self):
        innermost = P.heartbeat(NODE_C, hlc_ms=T0_MS)
        middle = P.compressed_heartbeat(innermost)
        cap = Capture(t0=T0)
        cap.udp("10.0.0.11:9918", "239.1.99.2:9918", P.compressed_heartbeat(middle))
        path = cap.write(self.cap_path("nested.pcap"))
        self.assertEqual(tslib.values(path, AC + "hb.inflated_length"), [str(len(middle))])
        self.assertEqual(tslib.values(path, AC + "hb.node"), [])
        self.assertEqual(tslib.experts(path), [
            "Compressed payload inside a compressed heartbeat is not inflated (depth limit 1)"])

    def test_inflated_msg_that_is_not_a_heartbeat_is_flagged(self):
        cap = Capture(t0=T0)
        cap.udp("10.0.0.11:9918", "239.1.99.2:9918", P.compressed_heartbeat(P.fabric_handshake(NODE_A, 1)))
        path = cap.write(self.cap_path("innerfabric.pcap"))
        self.assertEqual(tslib.values(path, AC + "type"), ["5", "0"])
        self.assertEqual(tslib.experts(path), ["The inflated msg is of type 0, not a heartbeat"])

    def test_compression_limits(self):
        import os
        import zlib
        cap = Capture(t0=T0)
        cap.udp("10.0.0.11:9918", "239.1.99.2:9918", P.compressed_heartbeat(b"", compressed=os.urandom(16385)))
        cap.udp("10.0.0.11:9918", "239.1.99.2:9918",           # 2 MiB of zeros in ~2 KiB of zlib
                P.compressed_heartbeat(b"", compressed=zlib.compress(b"\0" * (2 << 20), 9)))
        path = cap.write(self.cap_path("complimits.pcap"))
        self.assertEqual(tslib.experts(path), [
            "Compressed payload of 16385 bytes is larger than 16384 bytes: not inflated",
            "Inflated payload is larger than 1048576 bytes: not dissected"])
        # inflation stops at the limit, so the real inflated size is never computed (nor allocated)
        self.assertEqual(tslib.values(path, AC + "hb.inflated_length"), [])

    def test_corrupt_compressed_payload_is_reported(self):
        cap = Capture(t0=T0)
        cap.udp("10.0.0.11:9918", "239.1.99.2:9918", P.compressed_heartbeat(b"", compressed=b"\x78\x9cnot zlib"))
        path = cap.write(self.cap_path("badzlib.pcap"))
        self.assertEqual(tslib.experts(path), ["Compressed payload could not be inflated (zlib)"])

    def test_ipv6_tls_endpoint(self):
        cap = Capture(t0=T0)
        c = cap.tcp("[2001:db8::c]:45000", "[2001:db8::b]:3002")
        c.s2c(P.heartbeat(NODE_B, hlc_ms=T0_MS, endpoints=[("2001:db8::b", 3002, True),
                                                              ("10.1.1.1", 3002, False)]))
        path = cap.write(self.cap_path("ipv6.pcap"))
        expect = {AC + "hb.endpoint.addr6": ["2001:db8::b"], AC + "hb.endpoint.addr": ["10.1.1.1"],
                  AC + "hb.endpoint.tls": ["1", "0"], AC + "hb.endpoint.addr_type": ["2", "1"],
                  AC + "hb.endpoint.port": ["3002", "3002"]}
        row = tslib.fields(path, expect, filt="aerospike_cluster")[0]
        self.assertEqual(row, expect)
        self.assertIn("Endpoint [2001:db8::b]:3002 (TLS)", tslib.detail(path, "aerospike_cluster"))

    def test_info_request_and_reply(self):
        cap = Capture(t0=T0)
        c = cap.tcp("10.0.0.12:45000", "10.0.0.11:3002")
        c.s2c(P.heartbeat(NODE_B, hb_type=1, hlc_ms=T0_MS, info_request=[NODE_A, NODE_C]))
        c.c2s(P.heartbeat(NODE_A, hb_type=2, hlc_ms=T0_MS, info_reply=[
            (NODE_A, [("10.0.0.10", 3002, False)]), (NODE_C, [("10.0.0.12", 3002, False)])]))
        path = cap.write(self.cap_path("info.pcap"))
        self.assertEqual(tslib.values(path, AC + "hb.info_request_node"), [hexid(NODE_A), hexid(NODE_C)])
        self.assertEqual(tslib.values(path, AC + "hb.info_reply_node"), [hexid(NODE_A), hexid(NODE_C)])
        self.assertEqual(tslib.values(path, AC + "hb.endpoint.addr"), ["10.0.0.10", "10.0.0.12"])
        self.assertEqual(tslib.info_column(path, filt="aerospike_cluster"), [
            "Heartbeat info request from BB90B0000000002, asks about 2 nodes",
            "Heartbeat info reply from BB90A0000000002, endpoints of 2 nodes"])

    def test_skew_monitor_clock(self):
        cap = Capture(t0=T0)
        cap.udp("10.0.0.10:9918", "239.1.99.2:9918", P.heartbeat(NODE_A, hlc_ms=T0_MS, skew_ms=T0_MS + 250))
        path = cap.write(self.cap_path("skewmon.pcap"))
        self.assertEqual(tslib.values(path, AC + "hb.skew_monitor_clock"),
                         ["Nov 14, 2023 22:13:20.250000000 UTC"])

    def test_hlc_skew_beyond_preference_is_a_warning(self):
        cap = Capture(t0=T0)
        cap.udp("10.0.0.10:9918", "239.1.99.2:9918", P.heartbeat(NODE_A, hlc_ms=T0_MS + 12345))
        cap.udp("10.0.0.11:9918", "239.1.99.2:9918", P.heartbeat(NODE_B, hlc_ms=T0_MS - 6000), t=T0)
        cap.udp("10.0.0.12:9918", "239.1.99.2:9918", P.heartbeat(NODE_C, hlc_ms=T0_MS + 4000), t=T0)
        path = cap.write(self.cap_path("skew.pcap"))
        self.assertEqual(tslib.values(path, AC + "hb.hlc.skew"), ["12.345000000", "-6.000000000", "4.000000000"])
        self.assertEqual(tslib.experts(path), [
            "HLC of the sender runs 12.345 s ahead of the capture time (threshold 5 s)",
            "HLC of the sender runs 6.000 s behind the capture time (threshold 5 s)"])
        self.assertEqual(tslib.experts(path, args=["-o", "aerospike_cluster.hlc_skew_threshold:20"]), [])
        self.assertEqual(len(tslib.experts(path, args=["-o", "aerospike_cluster.hlc_skew_threshold:3"])), 3)

    def test_succession_lists_that_differ_at_the_same_time_are_noted(self):
        cap = Capture(t0=T0)
        ck = 0x1111
        both = [NODE_B, NODE_A]
        cap.udp("10.0.0.10:9918", "239.1.99.2:9918",
                P.heartbeat(NODE_A, hlc_ms=T0_MS, paxos=P.paxos_data(ck, 1, 0, both)), t=T0)
        cap.udp("10.0.0.11:9918", "239.1.99.2:9918",          # agrees with A: no note
                P.heartbeat(NODE_B, hlc_ms=T0_MS, paxos=P.paxos_data(ck, 1, 0, both)), t=T0 + 0.1)
        cap.udp("10.0.0.12:9918", "239.1.99.2:9918",          # C sees only itself
                P.heartbeat(NODE_C, hlc_ms=T0_MS, paxos=P.paxos_data(0x2222, 1, 0, [NODE_C])), t=T0 + 0.2)
        cap.udp("10.0.0.10:9918", "239.1.99.2:9918",          # 5 s later: C is out of the window
                P.heartbeat(NODE_A, hlc_ms=T0_MS + 5200, paxos=P.paxos_data(ck, 1, 0, both)), t=T0 + 5.2)
        path = cap.write(self.cap_path("succession.pcap"))
        for two_pass in (True, False):
            self.assertEqual(tslib.frames(path, AC + "hb.succession_differs_from", two_pass=two_pass), [3])
            self.assertEqual(tslib.values(path, AC + "hb.succession_differs_from", two_pass=two_pass),
                             [hexid(NODE_B)])
            self.assertEqual(tslib.experts(path, two_pass=two_pass), [
                "Succession list of BB90C0000000002 (1 nodes) differs from that of BB90B0000000002 "
                "(2 nodes, frame 2)"])
        # a window of 50 ms: frame 3 is 100 ms after frame 2
        self.assertEqual(tslib.experts(path, args=["-o", "aerospike_cluster.succession_window:50"]), [])

    def test_wrong_protocol_identifiers_are_warnings(self):
        cap = Capture(t0=T0)
        cap.udp("10.0.0.10:9918", "239.1.99.2:9918", P.heartbeat(
            NODE_A, hlc_ms=T0_MS, protocol_id=0x1234, paxos=P.paxos_data(1, 1, 0, [], ident=0x9999)))
        path = cap.write(self.cap_path("badids.pcap"))
        self.assertEqual(tslib.experts(path), [
            "Heartbeat protocol identifier 0x00001234, expected 0x00006864 (v3)",
            "Clustering protocol identifier 0x00009999, expected 0x0000707c"])


class Framing(tslib.PluginTestCase):

    def test_two_msgs_in_one_tcp_segment(self):
        cap = Capture(t0=T0)
        c = cap.tcp("10.0.0.12:45000", "10.0.0.11:3002")
        c.s2c(P.heartbeat(NODE_A, hlc_ms=T0_MS) + P.heartbeat(NODE_B, hlc_ms=T0_MS))
        path = cap.write(self.cap_path("two.pcap"))
        self.assertEqual(tslib.frames(path, "aerospike_cluster"), [4])
        self.assertEqual(tslib.values(path, AC + "hb.node"), [hexid(NODE_A), hexid(NODE_B)])
        self.assertEqual(tslib.info_column(path, filt="aerospike_cluster"), [
            "Heartbeat pulse from BB90A0000000002 | Heartbeat pulse from BB90B0000000002"])

    def test_one_msg_over_three_segments(self):
        hb = P.heartbeat(NODE_A, hlc_ms=T0_MS, endpoints=[("10.0.0.10", 3002, False)],
                         paxos=P.paxos_data(CK, 1, 0, [NODE_A]))
        cap = Capture(t0=T0)
        c = cap.tcp("10.0.0.12:45000", "10.0.0.11:3002")
        c.s2c(hb, segs=[3, 20])               # header itself split
        path = cap.write(self.cap_path("split.pcap"))
        self.assertEqual(tslib.frames(path, "aerospike_cluster"), [6])
        self.assertEqual(tslib.values(path, AC + "size"), [str(len(hb) - 6)])
        self.assertEqual(tslib.values(path, AC + "hb.succession_node"), [hexid(NODE_A)])
        self.assertEqual(tslib.values(path, "tcp.reassembled_in"), ["6", "6"])

    def test_default_ports_and_preferences(self):
        out = tslib.run_tshark(["-G", "decodes"]).stdout
        rows = {tuple(l.split("\t")) for l in out.splitlines()}
        for row in [("tcp.port", "3001", "aerospike_cluster"), ("tcp.port", "3002", "aerospike_cluster"),
                    ("udp.port", "9918", "aerospike_cluster")]:
            self.assertIn(row, rows)
        cap = Capture(t0=T0)
        cap.udp("10.0.0.10:7777", "239.1.99.2:7777", P.heartbeat(NODE_A, hlc_ms=T0_MS))
        c = cap.tcp("10.0.0.12:45000", "10.0.0.11:3999")
        c.s2c(P.heartbeat(NODE_B, hlc_ms=T0_MS))
        path = cap.write(self.cap_path("prefs.pcap"))
        # the plugin's heuristics (if built) would find these msgs on any port: off for this check
        no_heur = []
        for table, proto, _, short in tslib.heuristics():
            if proto == "aerospike_cluster":       # registered as aerospike_cluster_<table>
                no_heur += ["--disable-heuristic", short or "aerospike_cluster_" + table]
        self.assertEqual(tslib.frames(path, "aerospike_cluster", args=no_heur), [])
        self.assertEqual(tslib.frames(path, "aerospike_cluster", args=no_heur + [
            "-o", "aerospike_cluster.udp.port:7777", "-o", "aerospike_cluster.tcp.port:3999"]), [1, 5])

    def test_garbage_on_the_port_is_not_a_msg(self):
        cap = Capture(t0=T0)
        c = cap.tcp("10.0.0.12:45000", "10.0.0.11:3001")
        c.s2c(b"\x02\x01\x00\x00\x00\x00\x00\x00")          # a service-protocol header on 3001
        c2 = cap.tcp("10.0.0.12:45001", "10.0.0.11:3002")
        c2.s2c(b"\x00\x00\x00\x02\x01\x2c\xff\xff")          # msg type 300
        path = cap.write(self.cap_path("garbage.pcap"))
        self.assertEqual(tslib.frames(path, "aerospike_cluster"), [4, 8])
        self.assertEqual(ac_experts(path), [
            "Not an Aerospike cluster msg header (type 0, size 33619968): rest of the data not decoded",
            "Not an Aerospike cluster msg header (type 300, size 2): rest of the data not decoded"])


class Fabric(tslib.PluginTestCase):

    def _capture(self):
        digest = bytes(range(20))
        cap = Capture(t0=T0)
        c = cap.tcp("10.0.0.10:45000", "10.0.0.11:3001")
        c.c2s(P.fabric_handshake(NODE_A, P.CH_RW))
        c.c2s(P.rw(8, 77, "test", digest, generation=3, last_update_ms=400000000000))
        c.c2s(P.proxy(1, 5, digest, P.service_info_request("build\n"), username="admin"))
        c.c2s(P.proxy(3, 5, redirect=NODE_C))
        return cap.write(self.cap_path("fabric.pcap"))

    def test_handshake_node_and_channel(self):
        path = self._capture()
        expect = {AC + "fabric.node": [hexid(NODE_A)], AC + "fabric.channel": ["0"], AC + "type": ["0"]}
        row = tslib.fields(path, expect, filt="frame.number == 4")[0]
        self.assertEqual(row, expect)
        self.assertEqual(tslib.info_column(path, filt="frame.number == 4"),
                         ["Fabric handshake from node BB90A0000000002, channel RW"])

    def test_later_msgs_link_to_the_handshake(self):
        path = self._capture()
        for two_pass in (True, False):
            self.assertEqual(tslib.values(path, AC + "fabric.handshake_in", two_pass=two_pass), ["4", "4", "4"])
        self.assertEqual(tslib.frames(path, "aerospike_cluster.fabric.node == 0x%x" % NODE_A), [4, 5, 6, 7])

    def test_rw_fields(self):
        path = self._capture()
        row = tslib.fields(path, [AC + "fabric.rw_op", AC + "fabric.namespace", AC + "fabric.digest",
                                  AC + "fabric.last_update_time", AC + "field.name", AC + "field.uint32"],
                           filt="frame.number == 5")[0]
        self.assertEqual(row[AC + "fabric.rw_op"], ["8"])
        self.assertEqual(row[AC + "fabric.namespace"], ["test"])
        self.assertEqual(row[AC + "fabric.digest"], ["000102030405060708090a0b0c0d0e0f10111213"])
        # 2010-01-01 + 400000000 s
        self.assertEqual(row[AC + "fabric.last_update_time"], ["Sep  4, 2022 15:06:40.000000000 UTC"])
        self.assertEqual(row[AC + "field.name"],
                         ["OP", "NAMESPACE", "DIGEST", "TID", "GENERATION", "LAST_UPDATE_TIME"])
        self.assertEqual(row[AC + "field.uint32"], ["8", "77", "3"])
        self.assertEqual(tslib.info_column(path, filt="frame.number == 5"), ["RW repl write tid 77, ns test"])

    def test_proxy_request_hands_client_proto_to_service_dissector(self):
        path = self._capture()
        row = tslib.fields(path, [AC + "fabric.proxy_op", AC + "fabric.username", "frame.protocols"],
                           filt="frame.number == 6")[0]
        self.assertEqual(row[AC + "fabric.proxy_op"], ["1"])
        self.assertEqual(row[AC + "fabric.username"], ["admin"])
        if "aerospike" in tslib.protocol_names():
            protocols = row["frame.protocols"]
            self.assertTrue(protocols[0].endswith(":aerospike_cluster:aerospike"), protocols)
            self.assertTrue(tslib.info_column(path, filt="frame.number == 6")[0].startswith("PROXY request tid 5: "))
            self.assertEqual(tslib.values(path, "aerospike.info.command", filt="frame.number == 6"), ["build"])
            # the proxied request is the client's, already counted on its own connection: it is
            # not matched, flagged unanswered, tapped or listed as a service
            self.assertEqual(tslib.values(path, "aerospike.no_response"), [])
            services = tslib.stats(path, "troubleshark,services")
            self.assertIn("|Aerospike Cluster |", services)
            self.assertNotRegex(services, r"\|Aerospike +\|")
            self.assertNotIn("|", tslib.stats(path, "aerospike,srt").split("Sum SRT")[-1])
        else:
            self.assertEqual(tslib.experts(path, filt="frame.number == 6"),
                             ["The Aerospike service protocol dissector is not available"])
            self.assertEqual(tslib.info_column(path, filt="frame.number == 6"), ["PROXY request tid 5"])

    def test_proxy_return_to_sender_redirect(self):
        path = self._capture()
        self.assertEqual(tslib.values(path, AC + "fabric.redirect_node", filt="frame.number == 7"), [hexid(NODE_C)])
        self.assertEqual(tslib.info_column(path, filt="frame.number == 7"), ["PROXY return to sender tid 5"])

    def test_migrate_msg_summary(self):
        cap = Capture(t0=T0)
        c = cap.tcp("10.0.0.10:45000", "10.0.0.11:3001")
        c.c2s(P.msg(P.M_MIGRATE, [P.u32(0, 1), P.u32(2, 9), P.buf(3, b"test"), P.u32(4, 501), P.u64(8, CK),
                                   P.u64(25, 1 << 33)]))
        path = cap.write(self.cap_path("migrate.pcap"))
        self.assertEqual(tslib.info_column(path, filt="aerospike_cluster"),
                         ["MIGRATE op 1, ns test, partition 501, cluster key C3AC8147E8F2"])
        self.assertEqual(tslib.values(path, AC + "field.name"),
                         ["OP", "EMIG_ID", "NAMESPACE", "PARTITION", "CLUSTER_KEY", "PARTITION_SIZE"])
        self.assertEqual(tslib.values(path, AC + "field.uint64"), [str(CK), str(1 << 33)])
        self.assertEqual(ac_experts(path), [])

    def test_clustering_msg(self):
        cap = Capture(t0=T0)
        c = cap.tcp("10.0.0.10:45000", "10.0.0.11:3001")
        c.c2s(P.msg(P.M_CLUSTERING, [P.u32(0, 0x707C), P.u32(1, 2), P.u64(2, P.hlc(T0_MS, 3)), P.u64(3, 9),
                                      P.u64(4, CK), P.buf(5, P.node_le(NODE_A) + P.node_le(NODE_B)),
                                      P.u64(6, NODE_A)]))
        path = cap.write(self.cap_path("clustering.pcap"))
        expect = {AC + "fabric.hlc": ["Nov 14, 2023 22:13:20.000000000 UTC"], AC + "fabric.hlc.logical": ["3"],
                  AC + "fabric.cluster_key": [hexid(CK)], AC + "fabric.succession_node": [hexid(NODE_A), hexid(NODE_B)],
                  AC + "fabric.principal": [hexid(NODE_A)]}
        row = tslib.fields(path, expect, filt="aerospike_cluster")[0]
        self.assertEqual(row, expect)
        self.assertEqual(tslib.info_column(path, filt="aerospike_cluster"),
                         ["CLUSTERING type 2, cluster key C3AC8147E8F2, 2 nodes in succession"])


class FieldTypes(tslib.PluginTestCase):

    def test_array_fields_are_lists_of_numbers(self):
        cap = Capture(t0=T0)
        c = cap.tcp("10.0.0.10:45000", "10.0.0.11:3001")
        c.c2s(P.msg(P.M_SMD, [P.u64(0, 1), P.u32(3, 2), P.u32(4, 6),
                               P.array_u64(10, [1, 2 ** 40, 2 ** 64 - 1]),
                               P.array_u32(11, [7, 8])]))           # id 11 unused in SMD
        path = cap.write(self.cap_path("arrays.pcap"))
        self.assertEqual(tslib.values(path, AC + "field.array.uint64"), ["1", str(2 ** 40), str(2 ** 64 - 1)])
        self.assertEqual(tslib.values(path, AC + "field.array.uint32"), ["7", "8"])
        self.assertEqual(tslib.values(path, AC + "field.array.count"), ["3", "2"])
        self.assertEqual(ac_experts(path), ["Unknown field id 11 for SMD msg: skipped by its length"])
        self.assertEqual(tslib.info_column(path, filt="aerospike_cluster"), ["SMD op 2, module 6"])

    def test_array_length_not_multiple_of_element_size(self):
        cap = Capture(t0=T0)
        c = cap.tcp("10.0.0.10:45000", "10.0.0.11:3001")
        c.c2s(P.msg(P.M_SMD, [P.lv(10, P.FT_AU64, b"\0" * 8 + b"\1\2\3"), P.u32(3, 1)]))
        path = cap.write(self.cap_path("badarray.pcap"))
        self.assertEqual(tslib.values(path, AC + "field.array.count"), ["1"])
        self.assertEqual(tslib.values(path, AC + "field.uint32"), ["1"])    # the next field still decoded
        self.assertEqual(ac_experts(path), ["Array length 11 is not a multiple of 8"])

    def test_strings_lose_their_trailing_nul(self):
        cap = Capture(t0=T0)
        c = cap.tcp("10.0.0.10:45000", "10.0.0.11:3001")
        c.c2s(P.msg(P.M_INFO, [P.u32(0, 1), P.u32(1, 4), P.string(2, "10.0.0.10:3000"),
                                P.string(8, "tlsname", nul=False)]))
        path = cap.write(self.cap_path("strings.pcap"))
        self.assertEqual(tslib.values(path, AC + "field.string"), ["10.0.0.10:3000", "tlsname"])
        self.assertEqual(ac_experts(path), ["String value without its trailing NUL"])
        self.assertEqual(tslib.info_column(path, filt="aerospike_cluster"), ["INFO op 1, gen 4"])

    def test_msgpack_through_wireshark_dissector_and_own_renderer(self):
        cap = Capture(t0=T0)
        c = cap.tcp("10.0.0.10:45000", "10.0.0.11:3001")
        c.c2s(P.msg(P.M_EXCHANGE, [
            P.u32(0, 1), P.u32(1, 2), P.u64(2, CK),
            P.msgpack_field(3, P.mp_fixarray([P.mp_str("test"), P.mp_str("bar")])),   # msgpack dissector
            P.msgpack_field(4, P.mp_array16([P.mp_uint(300), P.mp_uint(5), b"\xc0"])),  # types it lacks
        ]))
        path = cap.write(self.cap_path("msgpack.pcap"))
        self.assertIn(":aerospike_cluster:msgpack", tslib.values(path, "frame.protocols", filt="aerospike_cluster")[0])
        strings = tslib.values(path, "msgpack.string")
        self.assertEqual([x for x in strings if x in ("test", "bar")], ["test", "test", "bar", "bar"])
        self.assertEqual(tslib.values(path, AC + "msgpack.array"), ["3"])
        self.assertEqual(tslib.values(path, AC + "msgpack.uint"), ["300", "5"])
        self.assertEqual(len(tslib.frames(path, AC + "msgpack.nil")), 1)
        self.assertEqual(ac_experts(path), [])

    def test_malformed_and_deep_msgpack_is_not_handed_on(self):
        cap = Capture(t0=T0)
        c = cap.tcp("10.0.0.10:45000", "10.0.0.11:3001")
        c.c2s(P.msg(P.M_EXCHANGE, [
            P.msgpack_field(3, b"\x91" * 5000 + b"\x01"),          # 5000 levels deep
            P.msgpack_field(4, b"\xdc\xff\xff\x01"),              # 65535 elements announced, 1 present
            P.u32(12, 99)]))
        path = cap.write(self.cap_path("badmsgpack.pcap"))
        msg = "MessagePack value is malformed, nested deeper than 16 or has more than 20000 elements"
        self.assertEqual(ac_experts(path), [msg, msg])
        self.assertEqual(tslib.values(path, AC + "field.uint32"), ["99"])
        self.assertNotIn("msgpack", tslib.values(path, "frame.protocols", filt="aerospike_cluster")[0].split(":"))

    def test_negative_fixints_are_signed_and_not_handed_to_the_msgpack_dissector(self):
        # MessagePack negative fixint 0xe0-0xff is the byte as int8 (-32..-1); Wireshark's msgpack
        # dissector shows 0xe1-0xff as 225..255, so such values are rendered by the plugin.
        cap = Capture(t0=T0)
        c = cap.tcp("10.0.0.10:45000", "10.0.0.11:3001")
        c.c2s(P.msg(P.M_EXCHANGE, [P.u32(0, 1), P.msgpack_field(3, P.mp_fixarray([b"\xff", b"\xe1", b"\xe0", b"\x05"]))]))
        path = cap.write(self.cap_path("negfixint.pcap"))
        self.assertEqual(tslib.values(path, AC + "msgpack.int"), ["-1", "-31", "-32"])
        self.assertEqual(tslib.values(path, AC + "msgpack.uint"), ["5"])
        self.assertEqual(tslib.values(path, "msgpack.integer.8"), [])
        self.assertEqual(ac_experts(path), [])


class UnknownsAndTruncation(tslib.PluginTestCase):

    def _one(self, name, payload, udp=True):
        cap = Capture(t0=T0)
        if udp:
            cap.udp("10.0.0.10:9918", "239.1.99.2:9918", payload)
        else:
            c = cap.tcp("10.0.0.10:45000", "10.0.0.11:3001")
            c.c2s(payload)
        return cap.write(self.cap_path(name))

    def test_unknown_field_id_in_known_template(self):
        path = self._one("unkid.pcap", P.heartbeat(NODE_A, hlc_ms=T0_MS, extra=[P.u32(40, 5), P.buf(41, b"xyz")]))
        self.assertEqual(tslib.values(path, AC + "field.name")[-2:], ["unknown", "unknown"])
        self.assertEqual(tslib.values(path, AC + "field.bytes"), ["78797a"])
        self.assertEqual(tslib.experts(path), [
            "Unknown field id 40 for HEARTBEAT msg: skipped by its length",
            "Unknown field id 41 for HEARTBEAT msg: skipped by its length"])

    def test_unused_template_slot_is_unknown(self):
        path = self._one("unused.pcap", P.msg(P.M_FABRIC, [P.u64(0, NODE_A), P.u32(2, 1), P.u32(5, 2)]), udp=False)
        self.assertEqual(tslib.values(path, AC + "fabric.channel"), ["2"])
        self.assertEqual(ac_experts(path), ["Unknown field id 2 for FABRIC msg: skipped by its length"])

    def test_unknown_field_type_is_skipped_by_its_length(self):
        path = self._one("unkftype.pcap", P.heartbeat(NODE_A, hlc_ms=T0_MS, extra=[
            P.lv(3, 99, b"\1\2\3\4\5"), P.lv(12, 2, b""), P.u64(12, T0_MS)]))
        self.assertEqual(tslib.values(path, AC + "hb.skew_monitor_clock"), ["Nov 14, 2023 22:13:20.000000000 UTC"])
        self.assertEqual(tslib.experts(path), [
            "Unknown field type 99: value skipped by its 4-byte length",
            "Field CLUSTER_NAME is string in the template, type 99 on the wire: value decoded by its wire type",
            "Unknown field type 2: value skipped by its 4-byte length",
            "Field SKEW_MONITOR_DATA is uint64 in the template, unused-2 on the wire: value decoded by its wire type"])

    def test_field_type_differs_from_template(self):
        path = self._one("mismatch.pcap", P.msg(P.M_HEARTBEAT, [P.u32(P.HB_ID, 0x6864), P.u32(P.HB_NODE, 12)]))
        self.assertEqual(tslib.values(path, AC + "field.uint32"), ["26724", "12"])
        self.assertEqual(tslib.values(path, AC + "hb.node"), [])
        self.assertEqual(tslib.experts(path), [
            "Field NODE is uint64 in the template, uint32 on the wire: value decoded by its wire type"])

    def test_msg_type_without_template(self):
        path = self._one("notmpl.pcap", P.msg(P.M_HEARTBEAT_V2, [P.u32(0, 1), P.string(1, "x")]))
        self.assertEqual(tslib.values(path, AC + "type"), ["1"])
        self.assertEqual(tslib.values(path, AC + "field.string"), ["x"])
        self.assertEqual(tslib.experts(path), [
            "No field template known for msg type 1 (HEARTBEAT_V2): fields decoded by type only",
            "Unknown field id 0 for HEARTBEAT_V2 msg: skipped by its length",
            "Unknown field id 1 for HEARTBEAT_V2 msg: skipped by its length"])
        self.assertEqual(tslib.info_column(path), ["HEARTBEAT_V2"])

    def test_datagram_shorter_than_msg_size(self):
        hb = P.heartbeat(NODE_A, hlc_ms=T0_MS)
        path = self._one("short.pcap", hb[:-3])
        self.assertEqual(tslib.values(path, AC + "hb.node"), [hexid(NODE_A)])
        self.assertEqual(tslib.experts(path), [
            "Msg of %d bytes, only %d present" % (len(hb), len(hb) - 3),
            "Field 4 value of 8 bytes, only 5 left in the msg"])

    def test_field_length_beyond_msg(self):
        path = self._one("longfield.pcap", P.msg(P.M_HEARTBEAT, [P.u64(P.HB_NODE, NODE_A),
                                                                 P.lv(P.HB_ENDPOINTS, P.FT_BUF, b"\1\0", length=1000)]))
        self.assertEqual(tslib.values(path, AC + "field.bytes"), ["0100"])
        self.assertEqual(tslib.experts(path), ["Field 5 value of 1000 bytes, only 2 left in the msg"])

    def test_truncated_field_headers(self):
        path = self._one("fhdr.pcap", P.msg(P.M_HEARTBEAT, [P.u64(P.HB_NODE, NODE_A), b"\x00\x05"]))
        path2 = self._one("flen.pcap", P.msg(P.M_HEARTBEAT, [P.u64(P.HB_NODE, NODE_A), b"\x00\x05\x06\x00"]))
        self.assertEqual(tslib.experts(path), ["Field header truncated: 2 of 3 bytes"])
        self.assertEqual(tslib.experts(path2), ["Field 5: length truncated (4 bytes left)"])

    def test_truncated_clustering_data_and_succession_list(self):
        short = P.heartbeat(NODE_A, hlc_ms=T0_MS, paxos=P.paxos_data(CK, 1, 0, [])[:20])
        lying = P.heartbeat(NODE_B, hlc_ms=T0_MS, paxos=P.paxos_data(CK, 1, 0, [NODE_A], count=1000000))
        cap = Capture(t0=T0)
        cap.udp("10.0.0.10:9918", "239.1.99.2:9918", short)
        cap.udp("10.0.0.11:9918", "239.1.99.2:9918", lying)
        path = cap.write(self.cap_path("paxos.pcap"))
        self.assertEqual(tslib.values(path, AC + "hb.succession_node"), [hexid(NODE_A)])
        self.assertEqual(tslib.experts(path), [
            "Clustering data truncated: 20 bytes, at least 32 needed",
            "Succession list of 1000000 nodes, only 1 fit in the buffer"])

    def test_truncated_and_unknown_endpoints(self):
        full = P.endpoint_list([("10.0.0.1", 3002, False), ("10.0.0.2", 3002, False)])
        path = self._one("ep.pcap", P.msg(P.M_HEARTBEAT, [
            P.u64(P.HB_NODE, NODE_A),
            P.buf(P.HB_ENDPOINTS, full[:-2]),                                             # cut
            P.buf(P.HB_FABRIC_DATA, P.endpoint_list([((7, b""), 3001, False)])),          # type 7
            P.buf(P.HB_INFO_REPLY, P.node_le(NODE_B)[:5]),                                # short
            P.buf(P.HB_HB_DATA, P.node_le(NODE_C) + b"\1\2")]))                           # 10 bytes
        self.assertEqual(tslib.values(path, AC + "hb.endpoint.addr"), ["10.0.0.1"])
        self.assertEqual(tslib.values(path, AC + "hb.adjacent_node"), [hexid(NODE_C)])
        self.assertEqual(tslib.experts(path), [
            "Endpoint 2 of 2 truncated (6 bytes left, 8 needed)",
            "Endpoint 1: unknown address type 7, rest of the list not decoded",
            "Info reply entry truncated (5 bytes left)",
            "Adjacency list length 10 is not a multiple of 8"])

    def test_fields_per_msg_are_bounded(self):
        # 1100 empty fields of an unknown type (7 bytes each): the first 1024 are shown
        path = self._one("manyfields.pcap", P.msg(P.M_SMD, [P.lv(7, 99, b"")] * 1100), udp=False)
        self.assertEqual(len(tslib.values(path, AC + "field.id")), 1024)
        self.assertIn("More than 1024 fields: the rest of the msg (532 bytes) is not decoded", ac_experts(path))

    def test_many_msgs_per_datagram_and_hostile_sizes_stay_bounded(self):
        cap = Capture(t0=T0)
        one = P.msg(P.M_HEARTBEAT, [])
        cap.udp("10.0.0.10:9918", "239.1.99.2:9918", one * 100)
        cap.udp("10.0.0.10:9918", "239.1.99.2:9918", b"\xff\xff\xff\xff\x00\x05")
        path = cap.write(self.cap_path("bounded.pcap"))
        self.assertEqual(len(tslib.values(path, AC + "type", filt="frame.number == 1")), 64)
        self.assertEqual(tslib.experts(path, filt="frame.number == 2"), [
            "Not an Aerospike cluster msg header (type 5, size 4294967295): rest of the data not decoded"])
        text = tslib.detail(path, "aerospike_cluster")
        self.assertNotIn("Dissector bug", text)
        self.assertNotIn("[Malformed Packet", text)


if __name__ == "__main__":
    unittest.main()
