#!/usr/bin/env python3
"""bench/gen.py — large realistic captures per protocol, streamed to disk in constant memory.

    python3 bench/gen.py aerospike 100000 /tmp/aerospike-100k.pcap [--connections 100] [--seed 1]

Packets are built with the test suite's capture builder (tests/capbuilder.py: Ethernet/IPv4/TCP
with correct checksums, sequence and acknowledgement numbers) and PDUs with the protocols' encoders
(tests/<proto>_pdus.py); each protocol's traffic mix lives in bench/gen_<proto>.py (a `Workload`).

What every capture has:
* many concurrent connections (default 100), interleaved packet by packet: a random connection
  moves one step at a time (a request goes out, later its response comes back), so responses
  arrive while other connections' requests are in flight;
* connection churn: now and then an idle connection is closed (FIN) and a new one (new client port,
  handshake, the protocol's opening exchange such as a login) replaces it;
* MSS segmentation (1460 bytes): large PDUs span several segments; one send in eight carries two
  transactions (two PDUs in one segment, and their answers together);
* a JSON manifest next to the capture (`<capture>.json`): transactions, PDUs per protocol, packets,
  bytes — what the smoke test checks tshark against.

Memory is constant: every packet is written as soon as it is built; the state kept is one entry
per open connection and the workloads' fixed key spaces.
"""
import argparse
import importlib
import json
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
from capbuilder import Capture  # noqa: E402

GENERATOR_VERSION = 2          # bump when the traffic or the manifest changes: cached captures are regenerated
PROTOCOLS = ("aerospike", "trade", "hsf2", "rocketmq")


def workload_module(proto):
    return importlib.import_module("gen_" + proto)


def available(proto):
    """(True, "") when the protocol's workload and encoders import; else (False, reason)."""
    try:
        workload_module(proto)
        return True, ""
    except Exception as e:  # an encoder being written by someone else may not import yet
        return False, "%s: %s" % (type(e).__name__, e)


class StreamCapture(Capture):
    """A capbuilder Capture that writes each packet at once (classic pcap, ns timestamps)."""

    def __init__(self, path, t0=1700000000.0):
        super().__init__(t0=t0, dt=0.00004)
        self.f = open(path, "wb", buffering=1 << 20)
        self.f.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, 1))
        self.n_packets = 0
        self.n_bytes = 0

    def raw(self, frame, t=None, dt=None):
        ts = self._stamp(t, dt)
        sec = int(ts)
        nsec = int((ts - sec) * 1e9)
        if nsec > 999999999:
            nsec = 999999999
        self.f.write(struct.pack("<IIII", sec, nsec, len(frame), len(frame)))
        self.f.write(frame)
        self.n_packets += 1
        self.n_bytes += len(frame)

    def close(self):
        self.f.close()


class Exchange:
    """One transaction: steps [(from_client, bytes)] sent in order (one step per turn of the
    connection); `counts` says how many PDUs of each kind the steps carry (manifest)."""
    __slots__ = ("steps", "counts")

    def __init__(self, steps, counts):
        self.steps = list(steps)
        self.counts = counts


class Conn:
    """A connection of the simulation: the TCP connection, its pending steps, workload state."""
    __slots__ = ("tcp", "pending", "state", "index", "client")

    def __init__(self, tcp, index, client):
        self.tcp = tcp
        self.pending = []
        self.state = {}
        self.index = index
        self.client = client


def _merge(a, b):
    """Two exchanges with the same direction pattern as one (both PDUs in the same segments)."""
    if len(a.steps) != len(b.steps) or any(x[0] != y[0] for x, y in zip(a.steps, b.steps)):
        return None
    return Exchange([(x[0], x[1] + y[1]) for x, y in zip(a.steps, b.steps)], {})


class Generator:
    def __init__(self, proto, path, connections=100, seed=1, churn=1.0 / 3000, coalesce=1.0 / 8):
        self.mod = workload_module(proto)
        self.rnd = random.Random(seed)
        self.cap = StreamCapture(path)
        self.wl = self.mod.Workload(self.rnd)
        self.n_conns = connections
        self.churn = churn
        self.coalesce = coalesce
        self.counts = {}
        self.next_client = 0
        self.conns = []
        self.server = "10.1.0.1:%d" % self.wl.PORT

    def _count(self, counts):
        for k, v in counts.items():
            self.counts[k] = self.counts.get(k, 0) + v

    def _send(self, conn, from_client, data):
        # a little think time before each send; the clock moves ~40 µs per packet on average
        conn.tcp.send(from_client, data, dt=self.rnd.expovariate(25000.0))

    def _open(self, index):
        k = self.next_client
        self.next_client += 1
        client = "10.2.%d.%d:%d" % ((k // 250) % 250, k % 250 + 1, 20000 + (k * 7) % 40000)
        tcp = self.cap.tcp(client, self.server, dt=self.rnd.expovariate(25000.0))
        conn = Conn(tcp, index, client)
        ex = self.wl.open(conn, self.cap.t)
        if ex is not None:
            self._count(ex.counts)
            conn.pending = list(ex.steps)
        self._count({"connections": 1})
        return conn

    def _close(self, conn):
        conn.tcp.close(dt=self.rnd.expovariate(25000.0))
        self.wl.closed(conn)

    def run(self, n):
        self.conns = [self._open(i) for i in range(self.n_conns)]
        started = 0
        rnd = self.rnd
        while started < n or any(c.pending for c in self.conns):
            conn = self.conns[rnd.randrange(len(self.conns))]
            if conn.pending:
                from_client, data = conn.pending.pop(0)
                self._send(conn, from_client, data)
                continue
            if started >= n:
                continue
            if rnd.random() < self.churn:
                self._close(conn)
                conn = self.conns[conn.index] = self._open(conn.index)
                continue
            ex = self.wl.exchange(conn, self.cap.t)
            started += 1
            steps = list(ex.steps)
            self._count(ex.counts)
            if started < n and rnd.random() < self.coalesce:
                ex2 = self.wl.exchange(conn, self.cap.t)
                started += 1
                self._count(ex2.counts)
                m = _merge(ex, ex2)
                # same direction pattern: both PDUs share every segment; otherwise one after the other
                steps = list(m.steps) if m is not None else steps + list(ex2.steps)
            from_client, data = steps.pop(0)
            conn.pending = steps
            self._send(conn, from_client, data)
        for c in self.conns:
            self._close(c)
        self.cap.close()
        self.counts["transactions"] = started
        self.counts["packets"] = self.cap.n_packets
        self.counts["bytes"] = self.cap.n_bytes
        return self.counts


def manifest_path(path):
    return path + ".json"


def generate(proto, n, path, connections=100, seed=1):
    """Write the capture and its manifest; returns the manifest (a dict)."""
    tmp = path + ".part"
    g = Generator(proto, tmp, connections=connections, seed=seed)
    counts = g.run(n)
    man = {"protocol": proto, "requested": n, "connections": connections, "seed": seed,
           "generator_version": GENERATOR_VERSION, "workload_version": getattr(g.mod, "VERSION", 1),
           "pdu_field": g.wl.PDU_FIELD, "filter": g.wl.FILTER, "filter_field": g.wl.FILTER_FIELD,
           "filter_value": g.wl.FILTER_VALUE, "stats": g.wl.STATS, "port": g.wl.PORT,
           "counts": counts}
    os.replace(tmp, path)
    with open(manifest_path(path), "w") as f:
        json.dump(man, f, indent=1, sort_keys=True)
    return man


def cached(proto, n, path, connections=100, seed=1):
    """The manifest of an up-to-date capture at `path`, generating it when missing or stale."""
    try:
        with open(manifest_path(path)) as f:
            man = json.load(f)
        if (os.path.exists(path) and man.get("requested") == n and man.get("seed") == seed and
                man.get("connections") == connections and
                man.get("generator_version") == GENERATOR_VERSION and
                man.get("workload_version") == getattr(workload_module(proto), "VERSION", 1)):
            return man
    except (OSError, ValueError):
        pass
    return generate(proto, n, path, connections, seed)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("protocol", choices=PROTOCOLS)
    ap.add_argument("transactions", type=int)
    ap.add_argument("path")
    ap.add_argument("--connections", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    man = generate(a.protocol, a.transactions, a.path, a.connections, a.seed)
    print(json.dumps(man["counts"], sort_keys=True))


if __name__ == "__main__":
    main()
