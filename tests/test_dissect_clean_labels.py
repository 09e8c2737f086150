"""No control characters in labels or expert texts (issue #16 item 6).

`tshark -2 -V` over every bundled capture (captures/) and every shared capture
(../shared/captures/**/*.pcap*, skipped when absent), only the plugin's protocols' details
(-O aerospike,aerospike_cluster,trade,hsf2,hessian,rocketmq): no line may hold a control
character (C0 other than the line ends tshark writes, DEL, C1), nor one written as an escape
(`\\t`, `\\001`, `\\x01`: what Wireshark's label formatting makes of a raw control byte, a box in
the GUI). Generated captures add what the shared ones lack (HSF2, Trade, Aerospike list/map bins,
RocketMQ properties), and the scan itself is checked on known-bad lines. A string whose own value
holds a control byte (hostile data) is shown escaped, which is right; the point here is that
protocol structure (separators, length bytes) never leaks into a label.
"""
import glob
import os
import re
from concurrent.futures import ThreadPoolExecutor
import unittest

import tslib
from capbuilder import Capture
import aerospike_pdus as A
import hsf2_truth as H
import rocketmq_pdus as R
import trade_pdus as T

PROTOS = "aerospike,aerospike_cluster,trade,hsf2,hessian,rocketmq"
RAW = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\x80-\x9f]")
ESCAPED = re.compile(r"\\(?:[0-7]{3}|x[0-9a-fA-F]{2}|[tabfv0r])")


def offending_lines(text):
    """Lines of tshark -V output holding a control character, raw or escaped."""
    return [line for line in text.split("\n") if RAW.search(line) or ESCAPED.search(line)]


def scan(path):
    args = ["-2", "-V", "-O", PROTOS]
    keys = re.sub(r"\.pcapng?$", ".keys", path)
    if keys != path and os.path.exists(keys):       # a TLS capture with its key log
        args += ["-o", "tls.keylog_file:" + tslib.env().readable(keys)]
    p = tslib.run_tshark(args, capture=path, check=False, timeout=120)
    return p, offending_lines(p.stdout)


class CleanLabels(tslib.PluginTestCase):

    def check_all(self, paths):
        self.assertTrue(paths)
        with ThreadPoolExecutor(2) as ex:
            results = list(ex.map(scan, paths))
        bad = {}
        for path, (p, lines) in zip(paths, results):
            self.assertEqual(p.returncode, 0, path + ": " + p.stderr[-2000:])
            if lines:
                bad[os.path.relpath(path, os.path.dirname(tslib.SOURCE_DIR))] = lines[:5]
        self.assertEqual(bad, {})
        return [p.stdout for p, _ in results]

    def test_scan_finds_control_characters(self):
        # the check itself: raw and escaped control characters are found, clean text is not
        self.assertEqual(len(offending_lines("a\tb\nInfo: x=1\n    Name: \\001two\nMessage: a\\x02b\n"
                                             "Text: \x07\nC1: \x85\nok: C:\\\\path 100%\n")), 5)
        self.assertEqual(offending_lines("Topic: TopicA\n    Key: \"order-1\"\n"), [])

    def test_bundled_captures(self):
        self.check_all(sorted(glob.glob(os.path.join(tslib.CAPTURES, "*.pcap*"))))

    def test_shared_captures(self):
        root = os.path.join(tslib.SHARED_DIR, "captures")
        paths = sorted(glob.glob(os.path.join(root, "**", "*.pcap*"), recursive=True))
        if not paths:
            self.skipTest("no shared captures in %s" % root)
        self.check_all(paths)

    def test_generated_captures(self):
        # what the shared captures lack: HSF2 (Hessian strings, error messages), the Trade incident,
        # Aerospike list/map bins (Wireshark's msgpack subtree) and tab-separated info answers,
        # RocketMQ properties with their \x01/\x02 separators
        hsf2 = H.build(n_conns=2, per_conn=40)
        paths = [hsf2.cap.write(self.cap_path("hsf2.pcap"))]
        cap = Capture(t0=T.INCIDENT_T0)
        T.build_incident(cap)
        paths.append(cap.write(self.cap_path("trade.pcap")))
        cap = Capture(t0=1700000000.0)
        c = cap.tcp("10.0.0.1:50000", "10.0.0.2:3000")
        c.c2s(A.info_request("statistics", "namespaces"))
        c.s2c(A.info_response([("statistics", "cluster_size=1;uptime=5"), ("namespaces", "test;bar")]))
        c.c2s(A.key_request("test", "demo", "k1", ops=[A.op(A.OP_WRITE, "l", ["one", "two", 3]),
                                                      A.op(A.OP_WRITE, "m", {"a": "two", "b": [1, "x"]})],
                            info2=A.INFO2_WRITE))
        c.s2c(A.message(A.as_msg()))
        m = cap.tcp("10.0.0.1:50001", "10.0.0.3:10911")
        ext = R.send_v2_ext("TopicA", 1, properties=R.props({"KEYS": "k1", "TAGS": "ta", "UNIQ_KEY": "u1"}))
        m.c2s(R.request(310, 7, ext=ext, body=b"hello"))
        m.s2c(R.response(1, 7, remark="broker busy"))
        paths.append(cap.write(self.cap_path("aerospike-rocketmq.pcap")))
        out = "".join(self.check_all(paths))
        # the dissectors did decode these PDUs (the scan is not vacuous)
        for text in ("Taobao HSF2 RPC, Response", "Error message: error ", "Trade", "Ping", "Info response: statistics=",
                     "MessagePack value: [\"one\", \"two\", 3]", "SEND_MESSAGE_V2", "Properties: 3"):
            self.assertTrue(text in out, text)


if __name__ == "__main__":
    unittest.main()
