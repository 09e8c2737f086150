"""Statistics › Trade Keepalive (tshark -q -z trade,keepalive): one row per connection and pinging
module with Pings, Pongs, unanswered Pings, Ping->Pong delays, the longest Ping gap, zero-window
episodes and time, and how the connection ended. Built on the shared statistics module (stats.c)."""
import os
import unittest

import tslib
from capbuilder import Capture
import trade_pdus as T
import stats_helpers as sh

TITLE = "Trade Keepalive"
# issue 16: rank (worst first: the longest Ping gap), numbers, then the text columns; durations are
# text with a unit and one decimal ("3.0 ms", "90.1 s")
COLS = ["Rank", "Pings", "Pongs", "Unanswered", "Lost", "Min delay", "Avg delay", "Max delay", "Max Ping gap",
        "Zero windows", "Zero-window time", "End", "Module", "Connection"]


def seconds(cell):
    """A duration cell ("3.0 ms", "90.1 s") in seconds."""
    num, unit = cell.split()
    return float(num) / 1000.0 if unit == "ms" else float(num) if unit == "s" else None
CONN2 = "10.0.0.12:52000 \u2192 192.168.0.1:2107"


def keepalive_table(cap, z="trade,keepalive", two_pass=False):
    """Rows (dicts by column title) of the Trade Keepalive table, in printed order."""
    text = tslib.stats(cap, z, two_pass=two_pass)
    lines = text.splitlines()
    start = sh.stat_table_start(lines, TITLE)
    cols = [c.strip() for c in lines[start + 2].split("|")[:-1]]
    rows = []
    for line in lines[start + 3:]:
        if line.startswith("====="):
            break
        if "|" not in line:
            continue        # a table title line
        cells = [c.strip() for c in line.split("|")[:-1]]
        rows.append(dict(zip(cols, cells)))
    return cols, rows


class TradeKeepaliveTable(tslib.PluginTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cap = Capture(t0=T.INCIDENT_T0)
        cls.fr = T.build_incident(cap)
        # a second, healthy-looking connection: Zep pings every 10 s, the third Ping is not answered,
        # then Zep closes with FIN (and the Multiplexer answers with its own FIN)
        t = T.INCIDENT_T0 + 300
        c = cap.tcp("10.0.0.12:52000", "192.168.0.1:2107", t=t)
        c.c2s(T.ping(T.ZEP), t=t + 1)
        c.s2c(T.pong(T.MULTIPLEXER), dt=0.002)
        c.c2s(T.ping(T.ZEP), t=t + 11)
        c.s2c(T.pong(T.MULTIPLEXER), dt=0.004)
        c.c2s(T.ping(T.ZEP), t=t + 21)
        c.fin(True, t=t + 11.004 + 15.0)
        c.fin(False, dt=0.001)
        cls.cap = cap.write(os.path.join(cls.tmp, "keepalive.pcap"))

    def check_incident_row(self, row):
        self.assertEqual(row["Connection"], T.INCIDENT_CONN)
        self.assertEqual(row["Module"], "DocumentSystem")
        self.assertEqual([int(row[c]) for c in ("Pings", "Pongs", "Unanswered", "Lost", "Zero windows")], [5, 5, 0, 0, 1])
        for c in ("Min delay", "Avg delay", "Max delay"):
            self.assertEqual(row[c], "5.0 ms")
        # the gap that never closed: last Ping (121.1 s) to the RST (211.205 s)
        self.assertEqual(row["Max Ping gap"], "90.1 s")
        self.assertAlmostEqual(seconds(row["Max Ping gap"]), 90.105, delta=0.05)
        # zero window from 122.0 s until the RST
        self.assertEqual(row["Zero-window time"], "89.2 s")
        self.assertEqual(row["End"], "RST by DocumentSystem, 90.1 s after last Pong")

    def test_columns(self):
        cols, _ = keepalive_table(self.cap)
        self.assertEqual(cols, COLS)

    def test_incident_row(self):
        _, rows = keepalive_table(self.cap)
        # worst first: the incident's 90 s without a Ping before Zep's 10 s
        self.assertEqual([(r["Rank"], r["Connection"], r["Module"]) for r in rows],
                         [("1", T.INCIDENT_CONN, "DocumentSystem"), ("2", CONN2, "Zep")])
        self.check_incident_row(rows[0])

    def test_unanswered_ping_and_fin_row(self):
        _, rows = keepalive_table(self.cap)
        row = rows[1]
        self.assertEqual([int(row[c]) for c in ("Pings", "Pongs", "Unanswered", "Lost", "Zero windows")], [3, 2, 1, 0, 0])
        self.assertEqual([row[c] for c in ("Min delay", "Avg delay", "Max delay",
                                           "Max Ping gap", "Zero-window time")],
                         ["2.0 ms", "3.0 ms", "4.0 ms", "10.0 s", "0.0 ms"])
        # the module's FIN came first; the Multiplexer's FIN does not overwrite it
        self.assertEqual(row["End"], "FIN by Zep, 15.0 s after last Pong")

    def test_two_pass_gives_the_same_table(self):
        self.assertEqual(keepalive_table(self.cap, two_pass=True), keepalive_table(self.cap))

    def test_display_filter_limits_rows(self):
        _, rows = keepalive_table(self.cap, z="trade,keepalive,tcp.stream == 0")
        self.assertEqual(len(rows), 1)
        self.check_incident_row(rows[0])


if __name__ == "__main__":
    unittest.main()
