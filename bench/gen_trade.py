"""Trade multiplexer traffic for the benchmark (bench/gen.py): module servers connected to the
Multiplexer (10.1.0.1:2107).

Every connection starts with the Multiplexer's greeting and a ModuleAndClientCount. Transactions
(one exchange each):
  keepalive  a Ping from the module and the Multiplexer's Pong, whenever the connection's last
             Ping is older than 0.5 s of capture time (the real interval is 30 s; the capture
             clock is compressed);
  55 %  data: 1-3 data PDUs from the module to a client id (one segment), answered by 1-2 data
        PDUs of 60-1400 bytes (one in twelve is a 3-9 KB snapshot that spans segments);
  12 %  Roundtrip from the Multiplexer, echoed by the module (same clock bytes);
  12 %  a client login: New Connection (Multiplexer) then Login (module 7 names the target module);
   8 %  Close Connection of a logged-in client id;
  13 %  one-way status: Status, Roundtrip for Module, ModuleAndClientCount.

Counts in the manifest: pdus (trade.length occurrences; greetings apart), greetings,
filter_pdus (PDUs with trade.keyword == "Login").
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
import trade_pdus as tp  # noqa: E402
from gen import Exchange  # noqa: E402

VERSION = 1
MODULES = [tp.DOCSYS, tp.TRADESITE, tp.CARPENTER, tp.ZEP, tp.SCRIPTING]
MODULE_NAMES = ["Trader", "MarketConfiguration", "FinancialModule", "BackOffice"]
PING_INTERVAL = 0.5


class Workload:
    PORT = 2107
    PDU_FIELD = "trade.length"
    FILTER_FIELD = "trade.keyword"
    FILTER_VALUE = "Login"
    FILTER = 'trade.keyword == "Login"'
    STATS = "trade,keepalive"

    def __init__(self, rnd):
        self.rnd = rnd
        self.pool = bytes(rnd.getrandbits(8) for _ in range(16384))
        self.next_id = 2600

    def _payload(self, n):
        o = self.rnd.randrange(len(self.pool) - n)
        return self.pool[o:o + n]

    @staticmethod
    def _clock(now):
        return tp.clock_us(now)

    def open(self, conn, now):
        st = conn.state
        st["module"] = MODULES[conn.index % len(MODULES)]
        st["last_ping"] = now - self.rnd.random() * PING_INTERVAL
        st["clients"] = []
        g = tp.greeting(tp.MULTIPLEXER, "Multiplexer")
        count = tp.module_and_client_count(tp.MULTIPLEXER, 12, 300 + conn.index)
        return Exchange([(False, g), (False, count)], {"pdus": 1, "greetings": 1})

    def closed(self, conn):
        pass

    def exchange(self, conn, now):
        st = conn.state
        rnd = self.rnd
        m = st["module"]
        if now - st["last_ping"] >= PING_INTERVAL:
            st["last_ping"] = now
            return Exchange([(True, tp.ping(m)), (False, tp.pong(tp.MULTIPLEXER))],
                            {"pdus": 2, "pings": 1})
        x = rnd.random()
        if x < 0.55:
            cid = st["clients"][rnd.randrange(len(st["clients"]))] if st["clients"] else 2000
            reqs = [tp.data(m, cid, self._payload(20 + rnd.randrange(300)))
                    for _ in range(1 + rnd.randrange(3))]
            if rnd.random() < 1 / 12.0:
                rsps = [tp.data(tp.MULTIPLEXER, m, self._payload(3000 + rnd.randrange(6000)))]
            else:
                rsps = [tp.data(tp.MULTIPLEXER, m, self._payload(60 + rnd.randrange(1340)))
                        for _ in range(1 + rnd.randrange(2))]
            return Exchange([(True, b"".join(reqs)), (False, b"".join(rsps))],
                            {"pdus": len(reqs) + len(rsps)})
        if x < 0.67:
            clock = self._clock(now)
            rt = tp.roundtrip(tp.MULTIPLEXER, clock)
            echo = tp.roundtrip(m, clock)
            return Exchange([(False, rt), (True, echo)], {"pdus": 2})
        if x < 0.79 or (x < 0.87 and not st["clients"]):
            cid = self.next_id
            self.next_id = 2600 + (self.next_id - 2599) % 60000
            ip = "172.16.%d.%d" % ((cid >> 8) & 255, cid & 255)
            new = tp.new_connection(tp.MULTIPLEXER, cid, ip)
            user = "XXXXXX%04d" % (cid % 10000)
            if m == tp.TRADESITE:
                login = tp.login(m, cid, user, ip, module=MODULE_NAMES[cid % len(MODULE_NAMES)])
            else:
                login = tp.login(m, cid, user, ip)
            if len(st["clients"]) < 64:
                st["clients"].append(cid)
            return Exchange([(False, new), (True, login)], {"pdus": 2, "filter_pdus": 1})
        if x < 0.87:
            cid = st["clients"].pop(rnd.randrange(len(st["clients"])))
            return Exchange([(False, tp.close_connection(tp.MULTIPLEXER, cid))], {"pdus": 1})
        y = rnd.random()
        if y < 0.4:
            pdu = tp.status(tp.MULTIPLEXER, "Market %s open" % MODULE_NAMES[rnd.randrange(4)])
        elif y < 0.8:
            pdu = tp.roundtrip_for_module(tp.MULTIPLEXER, MODULE_NAMES[rnd.randrange(4)],
                                          200 + rnd.randrange(20000))
        else:
            pdu = tp.module_and_client_count(tp.MULTIPLEXER, 12, 300 + rnd.randrange(100))
        return Exchange([(False, pdu)], {"pdus": 1})
