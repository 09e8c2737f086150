"""The plugin loads from the build tree, registers its protocols on their ports, and its fields
follow the naming rules (no duplicate abbreviations, every field under its protocol's prefix)."""
import json
import struct
import unittest

import tslib
from capbuilder import Capture

PROTOCOLS = {
    # filter name: (default TCP ports)
    "aerospike": [3000, 3003],
    "aerospike_cluster": [3001, 3002],
    "trade": [2107],
    "hsf2": [12200],
    "rocketmq": [9876, 10909, 10911],
}


def _rocketmq_frame():
    hdr = json.dumps({"code": 105, "flag": 0, "language": "JAVA", "opaque": 1,
                      "serializeTypeCurrentRPC": "JSON", "version": 395}).encode()
    return struct.pack(">II", 4 + len(hdr), len(hdr)) + hdr


# One minimal valid PDU per protocol (each spec's own smallest message).
SAMPLE_PDU = {
    "aerospike": b"\x02\x01" + b"\x00" * 6,                       # empty info request
    "aerospike_cluster": struct.pack(">IH", 0, 5),                  # empty heartbeat msg
    "trade": bytes.fromhex("25000affff50696e6700"),                 # the talk's keepalive Ping
    "hsf2": bytes.fromhex("0c000100000000000000000000070000 0bb8".replace(" ", "")),  # heartbeat id 7
    "rocketmq": _rocketmq_frame(),                                  # GET_ROUTEINFO_BY_TOPIC request
}


class PluginLoads(tslib.PluginTestCase):

    def test_plugin_listed_from_build_tree_as_dissector(self):
        ok, line = tslib.plugin_status()
        self.assertTrue(ok, line)
        self.assertIn(tslib.env().root, line)

    def test_all_protocols_registered(self):
        out = tslib.run_tshark(["-G", "protocols"]).stdout
        names = {l.split("\t")[2] for l in out.splitlines() if l.count("\t") >= 2}
        for p in PROTOCOLS:
            self.assertIn(p, names)

    def test_default_ports_in_decode_table(self):
        out = tslib.run_tshark(["-G", "decodes"]).stdout
        rows = {tuple(l.split("\t")) for l in out.splitlines()}
        for p, ports in PROTOCOLS.items():
            for port in ports:
                self.assertIn(("tcp.port", str(port), p), rows, "%s on %d" % (p, port))

    def test_field_abbrevs_unique_and_prefixed(self):
        out = tslib.run_tshark(["-G", "fields"]).stdout
        ours, seen, dups = [], {}, []
        for l in out.splitlines():
            c = l.split("\t")
            if c[0] == "F" and len(c) > 4 and c[4] in PROTOCOLS.keys() | {"troubleshark"}:
                ours.append((c[2], c[4], c[3]))
        for abbrev, proto, ftype in ours:
            self.assertTrue(abbrev.startswith(proto + "."), abbrev)
            if abbrev in seen and seen[abbrev] != ftype:
                dups.append(abbrev)
            seen[abbrev] = ftype
        self.assertEqual(dups, [])

    def _one_packet_capture(self, port, proto="aerospike"):
        cap = Capture()
        c = cap.tcp("10.0.0.1:40000", "10.0.0.2:%d" % port)
        c.c2s(SAMPLE_PDU[proto])
        return cap.write(self.cap_path("%s-port%d.pcap" % (proto, port)))

    def test_default_ports_dissect(self):
        for p, ports in PROTOCOLS.items():
            path = self._one_packet_capture(ports[0], p)
            protos = tslib.values(path, "frame.protocols", filt="tcp.len > 0")
            self.assertEqual(len(protos), 1)
            self.assertIn(":" + p, protos[0])

    def test_port_preference_moves_aerospike(self):
        path = self._one_packet_capture(4000)
        self.assertEqual(tslib.frames(path, "aerospike"), [])
        self.assertEqual(len(tslib.frames(path, "aerospike", args=["-o", "aerospike.tcp.port:4000"])), 1)

    def test_decode_as_every_protocol(self):
        for p in PROTOCOLS:
            path = self._one_packet_capture(5555, p)
            self.assertEqual(len(tslib.frames(path, p, args=["-d", "tcp.port==5555,%s" % p])), 1, p)


if __name__ == "__main__":
    unittest.main()
