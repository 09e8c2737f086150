#!/usr/bin/env python3
"""bench/gen.py — large realistic captures per protocol, written with the test suite's capture
builder and the protocols' PDU encoders (tests/*_pdus.py), streamed to disk.

    python3 bench/gen.py aerospike 100000 /tmp/aerospike-100k.pcap

Many concurrent connections, a realistic mix of requests and responses, MSS segmentation with
PDUs spanning segments and several PDUs in one segment.
"""
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
from capbuilder import Capture  # noqa: E402


class StreamCapture(Capture):
    """A Capture that writes every packet to the file at once (constant memory)."""

    def __init__(self, path, t0=1700000000.0):
        super().__init__(t0=t0, dt=0.0002)
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, 1))

    def raw(self, frame, t=None, dt=None):
        ts = self._stamp(t, dt)
        sec = int(ts)
        nsec = min(int(round((ts - sec) * 1e9)), 999999999)
        self.f.write(struct.pack("<IIII", sec, nsec, len(frame), len(frame)))
        self.f.write(frame)

    def close(self):
        self.f.close()


def _connections(cap, n, server_port, server="10.1.0.1"):
    return [cap.tcp("10.2.%d.%d:%d" % (i // 250, i % 250 + 1, 30000 + i), "%s:%d" % (server, server_port))
            for i in range(n)]


def _drive(cap, conns, n, make_exchange, rnd):
    """n transactions spread over the connections; every 8th request batched with the next
    (several PDUs per segment); large PDUs are cut at the MSS by the capture builder."""
    pending = {}
    i = 0
    while i < n:
        c = rnd.choice(conns)
        req, rsp = make_exchange(i, rnd)
        if i % 8 == 0 and i + 1 < n:
            req2, rsp2 = make_exchange(i + 1, rnd)
            c.c2s(req + req2, dt=0.0001)
            c.s2c(rsp + rsp2, dt=0.0005)
            i += 2
        else:
            c.c2s(req, dt=0.0001)
            c.s2c(rsp, dt=0.0005)
            i += 1
    return pending


# -- per-protocol generators: each returns (request bytes, response bytes) for transaction i ---------

def _aerospike(i, rnd):
    import aerospike_pdus as ap
    return ap.bench_exchange(i, rnd)


def _trade(i, rnd):
    import trade_pdus as tp
    return tp.bench_exchange(i, rnd)


def _hsf2(i, rnd):
    import hsf2_pdus as hp
    return hp.bench_exchange(i, rnd)


def _rocketmq(i, rnd):
    import rocketmq_pdus as rp
    return rp.bench_exchange(i, rnd)


PROTOCOLS = {
    # name: port, exchange generator, a display filter matching some PDUs, the -z statistics
    "aerospike": {"port": 3000, "exchange": _aerospike, "filter": "aerospike.namespace == \"test\"",
                  "stats": "aerospike,hotkeys"},
    "trade": {"port": 2107, "exchange": _trade, "filter": "trade.sender == 7",
              "stats": "trade,keepalive"},
    "hsf2": {"port": 12200, "exchange": _hsf2, "filter": "hsf2.method == \"sayHello\"",
             "stats": "hsf2,hotservices"},
    "rocketmq": {"port": 10911, "exchange": _rocketmq, "filter": "rocketmq.topic == \"TopicTest\"",
                 "stats": "rocketmq,hottopics"},
}


def generate(proto, n, path, connections=64, seed=1):
    spec = PROTOCOLS[proto]
    rnd = random.Random(seed)
    cap = StreamCapture(path)
    conns = _connections(cap, min(connections, max(1, n // 10)), spec["port"])
    _drive(cap, conns, n, spec["exchange"], rnd)
    for c in conns:
        c.close(dt=0.0001)
    cap.close()
    return path


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    generate(sys.argv[1], int(sys.argv[2]), sys.argv[3])
