"""The "Troubleshark Services" table (tshark -q -z troubleshark,services; Statistics › Troubleshark
Services): one row per server endpoint with the protocol found there, how it was found (port,
heuristic, Decode As), PDUs, bytes, connections, first and last seen — on a capture mixing every
protocol on non-default ports.

Every dissector reports its PDUs (ts_service_pdu(), see doc/heuristics.md), so every protocol's
row is asserted.
"""
import os
import re
import unittest

import tslib
from capbuilder import Capture
import heuristics_helpers as hh
from test_dissect_heuristics import built_protocols, free_ports, heuristic_args

SHORT = {"aerospike": "Aerospike", "aerospike_cluster": "Aerospike Cluster", "trade": "Trade",
         "hsf2": "HSF2", "rocketmq": "RocketMQ"}
# issue 16: a rank (1 = most bytes, the printed order), the numbers, then the text columns
COLS = ["Rank", "PDUs", "Bytes", "Connections", "First seen (s)", "Last seen (s)", "Server", "Transport",
        "Protocol", "Found by"]


def parse(text):
    """Rows of the table as dicts, in output order (the rank checked and left out)."""
    lines = text.splitlines()
    head = [i for i, l in enumerate(lines) if l.startswith("Rank |")]
    if not head:
        raise AssertionError("no services table in:\n" + text)
    titles = [c.strip() for c in lines[head[0]].split("|")[:-1]]
    if titles != COLS:
        raise AssertionError("columns %s" % titles)
    rows = []
    for l in lines[head[0] + 1:]:
        if l.startswith("=") or "|" not in l:
            continue
        cells = [c.strip() for c in l.split("|")[:-1]]
        row = dict(zip(COLS, cells))
        if int(row.pop("Rank")) != len(rows) + 1:
            raise AssertionError("rank %s printed at row %d" % (cells[0], len(rows) + 1))
        rows.append(row)
    return rows


def expected(convs, cap, key):
    """The row a group of conversations (one server endpoint) must produce."""
    cvs = [cv for cv in convs[key] if cv.pdus]
    t0 = cap.packets[0][0]
    firsts = [cap.packets[cv.pdu_frames[0] - 1][0] - t0 for cv in cvs]
    lasts = [cap.packets[cv.pdu_frames[-1] - 1][0] - t0 for cv in cvs]
    return {"Server": cvs[0].server, "Transport": "UDP" if key.endswith(".udp") else "TCP",
            "Protocol": SHORT[hh.PORT_PROTO[key]],
            "PDUs": str(sum(cv.pdus for cv in cvs)), "Bytes": str(sum(cv.bytes for cv in cvs)),
            "Connections": str(len(cvs)),
            "First seen (s)": "%.3f" % min(firsts), "Last seen (s)": "%.3f" % max(lasts)}


class ServicesTable(tslib.PluginTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.protos = built_protocols()
        cls.ports = dict(zip(hh.DEFAULT_PORTS, free_ports(len(hh.DEFAULT_PORTS), 21)))
        cls.cap = Capture()
        cls.convs = hh.build_mix(cls.cap, cls.ports, cls.protos)
        cls.path = cls.cap.write(os.path.join(cls.tmp, "services-mix.pcap"))
        cls.rows = parse(tslib.stats(cls.path, "troubleshark,services", args=heuristic_args(True)))

    def _row(self, rows, server, proto):
        got = [r for r in rows if r["Server"] == server and r["Protocol"] == SHORT[proto]]
        self.assertEqual(len(got), 1, "%s %s in %s" % (server, proto, rows))
        return got[0]

    def test_one_row_per_server_endpoint_found_by_heuristic(self):
        asserted = 0
        for key in sorted(self.convs):
            proto = hh.PORT_PROTO[key]
            with self.subTest(endpoint=key):
                want = expected(self.convs, self.cap, key)
                row = self._row(self.rows, want["Server"], proto)
                want["Found by"] = "heuristic"
                self.assertEqual(row, want)
                asserted += 1
        self.assertGreater(asserted, 0)

    def test_only_our_endpoints_listed(self):
        servers = {cv.server for convs in self.convs.values() for cv in convs}
        self.assertTrue(self.rows)
        for r in self.rows:
            self.assertIn(r["Server"], servers)
            self.assertEqual(r["Found by"], "heuristic")

    def test_rows_sorted_by_bytes(self):
        b = [int(r["Bytes"]) for r in self.rows]
        self.assertEqual(b, sorted(b, reverse=True))

    def test_filter_parameter_limits_rows(self):
        port = self.ports["aerospike"]
        if "aerospike" not in self.protos:
            self.skipTest("aerospike not built")
        rows = parse(tslib.stats(self.path, "troubleshark,services,tcp.port==%d" % port,
                                 args=heuristic_args(True)))
        self.assertEqual([(r["Server"], r["Protocol"]) for r in rows],
                         [("10.12.0.100:%d" % port, "Aerospike")])

    def test_found_by_port_on_default_ports(self):
        cap = Capture()
        convs = hh.build_mix(cap, hh.DEFAULT_PORTS, self.protos, midstream=False)
        path = cap.write(self.cap_path("services-default.pcap"))
        rows = parse(tslib.stats(path, "troubleshark,services"))
        for key in sorted(convs):
            proto = hh.PORT_PROTO[key]
            with self.subTest(endpoint=key):
                want = expected(convs, cap, key)
                want["Found by"] = "port"
                self.assertEqual(self._row(rows, want["Server"], proto), want)

    def test_found_by_decode_as(self):
        cap = Capture()
        convs = hh.build_mix(cap, self.ports, self.protos, midstream=False)
        path = cap.write(self.cap_path("services-decode-as.pcap"))
        d = []
        for key in convs:
            d += ["-d", "%s==%d,%s" % ("udp.port" if key.endswith(".udp") else "tcp.port",
                                       self.ports[key], hh.PORT_PROTO[key])]
        rows = parse(tslib.stats(path, "troubleshark,services", args=heuristic_args(True) + d))
        for key in sorted(convs):
            proto = hh.PORT_PROTO[key]
            with self.subTest(endpoint=key):
                want = expected(convs, cap, key)
                want["Found by"] = "Decode As"
                self.assertEqual(self._row(rows, want["Server"], proto), want)

    def test_server_side_without_handshake_from_request_direction(self):
        """The mid-stream Aerospike connection has no SYN: its server side comes from the request
        direction the dissector reports, so it joins the same row as the four with a handshake."""
        if "aerospike" not in self.protos:
            self.skipTest("aerospike not built")
        row = self._row(self.rows, "10.12.0.100:%d" % self.ports["aerospike"], "aerospike")
        self.assertEqual(row["Connections"], str(len(self.convs["aerospike"])))
        self.assertEqual(len(self.convs["aerospike"]), 5)


if __name__ == "__main__":
    unittest.main()
