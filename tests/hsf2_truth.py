"""hsf2_truth — a generated HSF2 capture with a known truth, and the imperfect copies of it that
the imperfect-capture tests dissect (issue #19: snaplen, lost segments, captures that start
mid-stream).

The truth: every RPC request and its response, each tagged by its request id (unique in the whole
capture: connection * 1000 + n), its service and method, its status, and for every PDU the TCP
segment (packet index) where it starts and its offset in that segment's payload. Connections mix
one call per segment, pipelined calls (several requests in one segment, the responses in one
segment in another order), arguments and results that span several segments, heartbeats and
error statuses.

Mutations are tests/messy.py's, applied to the packets of the capbuilder.Capture (no re-encoding):
a snaplen cuts the recorded bytes of every packet; a drop removes packets; start_late drops the
first packets of every connection. The frame number of packet index i in a mutated capture is its
position in the kept list + 1.
"""
import random

import messy

from capbuilder import Capture
import hsf2_pdus as P

ETH_IP_TCP = 14 + 20 + 20       # header bytes before the TCP payload (IPv4, no options)
SERVICES = [
    ("com.example.HelloService:1.0.0", "sayHello"),
    ("com.example.UserService:1.0.0", "save"),
    ("com.example.UserService:1.0.0", "find"),
    ("com.example.OrderService:2.0.0", "create"),
    ("com.example.OrderService:2.0.0", "query"),
    ("com.example.CartService:1.1.0", "list"),
]
ERROR_STATUSES = (60, 70, 81, 31, 80)


class Pdu:
    """One HSF2 PDU on the wire: where it starts (packet index, payload offset) and what it is."""

    def __init__(self, conn, req_id, is_request, kind="rpc"):
        self.conn, self.req_id, self.is_request, self.kind = conn, req_id, is_request, kind
        self.packet = None      # index in Capture.packets of the segment holding the first byte
        self.offset = None      # offset of the first byte in that segment's payload
        self.length = None
        self.packets = []       # every packet index holding a byte of it


class Call:
    def __init__(self, conn, req_id, service, method, status):
        self.conn, self.req_id, self.service, self.method, self.status = conn, req_id, service, method, status
        self.req = Pdu(conn, req_id, True)
        self.rsp = Pdu(conn, req_id, False)


class Truth:
    """build() result: the capture and its truth."""

    def __init__(self):
        self.cap = None
        self.calls = []         # Call, in request order
        self.heartbeats = []    # (request Pdu, response Pdu)
        self.data_packets = {}  # conn -> [packet index of every data segment, in order]
        self.conn_packets = {}  # conn -> [every packet index of the connection]
        self.payload = {}       # packet index -> TCP payload length

    def pdus(self):
        for c in self.calls:
            yield c.req
            yield c.rsp
        for q, r in self.heartbeats:
            yield q
            yield r


class _Writer:
    """Sends PDUs on one connection and records where each one lands."""

    def __init__(self, truth, cap, conn, k):
        self.t, self.cap, self.c, self.k = truth, cap, conn, k

    def send(self, client, items, **kw):
        """items: [(Pdu, bytes)] sent back to back as one write (cut by MSS or segs=)."""
        data = b"".join(b for _, b in items)
        first = len(self.cap.packets)
        pieces = self.c.send(client, data, **kw)
        idx = list(range(first, first + len(pieces)))
        self.t.data_packets.setdefault(self.k, []).extend(idx)
        starts, o = [], 0
        for p in pieces:
            starts.append(o)
            o += len(p)
        for i, p in zip(idx, pieces):
            self.t.payload[i] = len(p)
        pos = 0
        for pdu, b in items:
            pdu.length = len(b)
            for i, s, p in zip(idx, starts, pieces):
                if s <= pos < s + len(p):
                    pdu.packet, pdu.offset = i, pos - s
                if s < pos + len(b) and pos < s + len(p):
                    pdu.packets.append(i)
            pos += len(b)


def _args(method, n, big):
    if method == "sayHello":
        return [("java.lang.String", P.hessian("hello %d" % n + ("x" * 2500 if big else "")))]
    if method == "save":
        return [("com.example.User", P.hessian(P.Obj("com.example.User", [("name", "u%d" % n), ("age", n % 90)])))]
    if method == "find":
        return [("long", P.hessian(P.Long(n)))]
    if method == "create":
        return [("java.util.Map", P.hessian({"item": "book", "qty": n})), ("boolean", P.hessian(True))]
    if method == "query":
        return [("long", P.hessian(P.Long(n))), ("java.lang.String", P.hessian("buyer%d" % n))]
    return [("long", P.hessian(P.Long(n))), ("int", P.hessian(20))]


def _result(call, big):
    if call.status != 20:
        return P.response(call.req_id, ("error %d for %d" % (call.status, call.req_id)).encode(),
                          status=call.status)
    body = P.hessian(["line %d of %d" % (i, call.req_id) for i in range(200)] if big else "result-%d" % call.req_id)
    return P.response(call.req_id, body)


def build(n_conns=20, per_conn=100, seed=19, t0=1700000000.0):
    """n_conns connections of per_conn calls each. Request ids: conn * 1000 + n (n = 1..per_conn).
    Errors: every call whose global index % 27 == 13 (74 of 2000)."""
    rnd = random.Random(seed)
    truth = Truth()
    cap = Capture(t0=t0)
    truth.cap = cap
    g = 0
    for k in range(1, n_conns + 1):
        first = len(cap.packets)
        conn = cap.tcp("10.9.0.1:%d" % (41000 + k), "10.9.0.2:12200", t=t0 + k * 0.5)
        w = _Writer(truth, cap, conn, k)
        n = 1
        while n <= per_conn:
            pattern = rnd.random()
            batch = 1 if pattern < 0.7 or n + 3 > per_conn else rnd.randrange(2, 5)
            calls = []
            for _ in range(batch):
                service, method = SERVICES[rnd.randrange(len(SERVICES))]
                status = ERROR_STATUSES[g % len(ERROR_STATUSES)] if g % 27 == 13 else 20
                calls.append(Call(k, k * 1000 + n, service, method, status))
                n += 1
                g += 1
            reqs = []
            for c in calls:
                big = rnd.random() < 0.04 and c.method == "sayHello"
                reqs.append((c.req, P.request(c.service, c.method, _args(c.method, c.req_id, big),
                                              req_id=c.req_id, timeout=3000)))
            w.send(True, reqs, dt=0.001)
            order = list(calls)
            rnd.shuffle(order)
            rsps = [(c.rsp, _result(c, rnd.random() < 0.05)) for c in order]
            w.send(False, rsps, dt=0.0005 + rnd.random() * 0.004)
            truth.calls.extend(calls)
            if n % 25 == 1:
                hid = (1 << 40) + k * 1000 + n
                q, r = Pdu(k, hid, True, "heartbeat"), Pdu(k, hid, False, "heartbeat")
                w.send(True, [(q, P.heartbeat(hid))], dt=0.001)
                w.send(False, [(r, P.heartbeat(hid, response=True))], dt=0.0003)
                truth.heartbeats.append((q, r))
        conn.close(dt=0.001)
        truth.conn_packets[k] = list(range(first, len(cap.packets)))
    return truth


# ---- mutations ---------------------------------------------------------------------------------

def write(cap, path, snaplen=None, drop=(), start=0):
    """Write cap's packets made messy with tests/messy.py: without the packet indices in `drop`,
    each TCP connection starting `start` packets in (messy.start_late), every frame cut to
    `snaplen` bytes (messy.snaplen; the original length stays the wire length). Returns
    {packet index: frame number} of the packets kept."""
    pkts = messy.from_capture(cap)
    gone = set(drop)
    if start:
        for st in messy.streams(pkts):
            gone.update(st.indices[:start])
    out = messy.drop(pkts, sorted(set(drop))) if drop else pkts
    if start:
        assert not drop, "one mutation at a time"
        out = messy.start_late(pkts, start)
    if snaplen:
        messy.write(path, messy.snaplen(out, snaplen), snaplen=snaplen)
    else:
        messy.write(path, out)
    kept = [i for i in range(len(pkts)) if i not in gone]
    assert len(kept) == len(out)
    return {i: n + 1 for n, i in enumerate(kept)}


def header_visible(pdu, snaplen, need):
    """Whether the first `need` bytes of the PDU are recorded with this snaplen (the PDU's first
    segment is the only one that can hold them when they fit)."""
    cap_payload = snaplen - ETH_IP_TCP
    return pdu.offset + need <= cap_payload


def pdu_frames(truth, kept, snaplen=None):
    """{Pdu: frame number where the dissector shows it} for a capture written with write():
    TCP reassembles a PDU spanning segments and shows it in its last segment; a segment the
    snaplen cut is not reassembled, so a PDU starting in one is shown there. A PDU whose first
    segment is missing is absent."""
    out = {}
    for p in truth.pdus():
        if p.packet not in kept:
            continue
        first_cut = snaplen is not None and truth.payload[p.packet] > snaplen - ETH_IP_TCP
        if len(p.packets) == 1 or first_cut:
            out[p] = kept[p.packet]
        elif all(i in kept for i in p.packets):
            out[p] = kept[p.packets[-1]]
    return out
