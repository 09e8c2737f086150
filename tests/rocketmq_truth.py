"""rocketmq_truth — a generated RocketMQ capture with a known truth, and the messy variants of it.

Every connection is a producer (route lookup, SEND_MESSAGE_V2 sends, some pipelined and answered
out of order, a heartbeat) or a consumer (PULL_MESSAGE long polls answered FOUND with 1-6 stored
messages spread over several segments, or PULL_NOT_FOUND; two pulls outstanding at once; a
one-way UPDATE_CONSUMER_OFFSET). The truth lists every request by (connection, opaque): its code,
topic, queue, the keys it sent, the messages its answer carried. Message keys and opaque ids are
the tags a test compares by.

packets() gives the capture as messy.Packet (tests/messy.py mutates it) with, per packet, the PDUs
it carries bytes of, so a test knows which transactions a mutation touches.
"""
import random
import struct

from capbuilder import Capture
import rocketmq_pdus as R

SEND, PULL, ROUTE, HEARTBEAT, UPDATE_OFFSET = 310, 11, 105, 34, 15
FOUND, NOT_FOUND = 0, 19


class Conn:
    """The packets (ts, frame, is_data) of one connection, and its truth."""

    def __init__(self, idx, kind):
        self.idx = idx
        self.kind = kind
        self.client = "10.1.%d.%d:%d" % (idx // 200, idx % 200 + 10, 40000 + idx)
        self.server = "10.2.0.1:10911"
        self.packets = []
        self.requests = {}     # opaque -> dict(code, topic, queue, keys, pulled, oneway, answered)
        self.tags = {}         # packet index in the builder's capture -> PDU tags
        self.starts = {}       # PDU tag -> offset of its first byte in its first segment

    @property
    def client_port(self):
        return 40000 + self.idx


def _record_packets(cap, conn, fn):
    """Run fn() and keep the packets it emitted for conn: (ts, frame, is_data, PDU tags)."""
    start = len(cap.packets)
    conn.tags = {}
    fn()
    for i, (ts, fr) in enumerate(cap.packets[start:]):
        conn.packets.append((ts, fr, _payload_len(fr) > 0, conn.tags.get(start + i, frozenset())))


def send(cap, conn, c, from_client, pdus, dt):
    """Send PDUs [(tag, bytes)] back to back as one stream write (several PDUs per segment, PDUs
    straddling segments); remember which PDUs each segment carries bytes of."""
    data = b"".join(b for _, b in pdus)
    first = len(cap.packets)
    pieces = c.send(from_client, data, dt=dt)
    off = 0
    bounds, o = [], 0
    for tag, b in pdus:
        bounds.append((o, o + len(b), tag))
        o += len(b)
    for i, p in enumerate(pieces):
        lo, hi = off, off + len(p)
        conn.tags[first + i] = frozenset(t for a, b, t in bounds if a < hi and b > lo)
        for a, b, t in bounds:
            if lo <= a < hi:
                conn.starts[t] = a - lo     # where the PDU starts in its first segment
        off = hi


def _payload_len(frame):
    ihl = (frame[14] & 0x0F) * 4
    tot = struct.unpack("!H", frame[16:18])[0]
    doff = (frame[14 + ihl + 12] >> 4) * 4
    return tot - ihl - doff


def producer(cap, conn, rng, n_sends=24):
    c = cap.tcp(conn.client, conn.server)
    opaque = conn.idx * 1000
    topic = "Topic%d" % (conn.idx % 3)

    def req(code, ext, body=b"", **truth):
        nonlocal opaque
        opaque += 1
        conn.requests[opaque] = dict(code=code, topic=truth.get("topic"), queue=truth.get("queue"),
                                     keys=truth.get("keys", []), pulled=0, oneway=False, answered=True)
        return opaque, R.request(code, opaque, ext=ext, body=body)

    o, f = req(ROUTE, [("topic", topic)], topic=topic)
    send(cap, conn, c, True, [((o, 0), f)], 0.001)
    send(cap, conn, c, False, [((o, 1), R.response(
        0, o, body=b'{"brokerDatas":[{"brokerAddrs":{0:"10.2.0.1:10911"},"brokerName":"b"}]}'))], 0.0005)
    n = 0
    while n < n_sends:
        group = rng.choice([1, 1, 2, 3])
        sent, frames = [], []
        for _ in range(group):
            n += 1
            queue = rng.randrange(4)
            key = "K-%d-%d" % (conn.idx, n)
            size = rng.choice([40, 200, 900, 2500, 4200])
            props = R.props([("KEYS", key), ("TAGS", "TagA"), ("UNIQ_KEY", "%032X" % (conn.idx * 100000 + n)),
                             ("WAIT", "true")])
            o, f = req(SEND, R.send_v2_ext(topic, queue, properties=props), body=bytes([0x41 + n % 26]) * size,
                       topic=topic, queue=str(queue), keys=[key])
            frames.append(((o, 0), f))
            sent.append((o, queue, n))
        send(cap, conn, c, True, frames, 0.002)
        rng.shuffle(sent)
        send(cap, conn, c, False, [((o, 1), R.response(0, o, ext=R.send_response_ext(
            "0A0200010000%020X" % (k * 97), queue, k))) for o, queue, k in sent], 0.0004)
    o, f = req(HEARTBEAT, None, body=b'{"clientID":"10.1.0.1@%d","producerDataSet":[{"groupName":"PG"}]}' % conn.idx)
    send(cap, conn, c, True, [((o, 0), f)], 0.01)
    send(cap, conn, c, False, [((o, 1), R.response(0, o))], 0.0003)


def consumer(cap, conn, rng, n_pulls=16):
    c = cap.tcp(conn.client, conn.server)
    opaque = conn.idx * 1000
    topic = "Topic%d" % (conn.idx % 3)
    msg_no = 0
    n = 0
    while n < n_pulls:
        group = rng.choice([1, 1, 2])
        outstanding, frames = [], []
        for _ in range(group):
            n += 1
            opaque += 1
            queue = rng.randrange(4)
            conn.requests[opaque] = dict(code=PULL, topic=topic, queue=str(queue), keys=[], pulled=0,
                                         oneway=False, answered=True)
            frames.append(((opaque, 0), R.request(PULL, opaque, ext=R.pull_ext("CG", topic, queue, n * 10))))
            outstanding.append((opaque, queue))
        send(cap, conn, c, True, frames, 0.001)
        rng.shuffle(outstanding)
        for o, queue in outstanding:
            if rng.random() < 0.2:
                send(cap, conn, c, False, [((o, 1), R.response(NOT_FOUND, o, ext=R.pull_found_ext(n * 10),
                                                                 remark="OFFSET_FOUND_NULL"))], 0.05)
                continue
            recs, keys = [], []
            for _ in range(rng.randint(1, 6)):
                msg_no += 1
                key = "P-%d-%d" % (conn.idx, msg_no)
                keys.append(key)
                recs.append(R.store_record(topic, bytes([0x61 + msg_no % 26]) * rng.choice([30, 300, 1200]),
                                           queue_id=queue, queue_offset=msg_no, phys_offset=msg_no * 4096,
                                           properties=[("KEYS", key), ("TAGS", "TagB"),
                                                       ("UNIQ_KEY", "%032X" % (conn.idx * 100000 + msg_no))]))
            conn.requests[o]["pulled"] = len(recs)
            conn.requests[o]["keys"] = keys
            send(cap, conn, c, False, [((o, 1), R.response(FOUND, o, ext=R.pull_found_ext(n * 10 + len(recs)),
                                                           remark="FOUND", body=b"".join(recs)))], 0.03)
    opaque += 1
    conn.requests[opaque] = dict(code=UPDATE_OFFSET, topic=topic, queue="0", keys=[], pulled=0, oneway=True,
                                 answered=False)
    send(cap, conn, c, True, [((opaque, 0), R.request(
        UPDATE_OFFSET, opaque, flag=2,
        ext=[("consumerGroup", "CG"), ("topic", topic), ("queueId", "0"), ("commitOffset", "5")]))], 0.002)


def build(n_producers=3, n_consumers=3, seed=19, first_idx=1):
    """The connections (packets and truth) of one clean capture."""
    rng = random.Random(seed)
    conns = []
    t0 = 1700000000.0
    for i in range(n_producers + n_consumers):
        idx = first_idx + i
        kind = "producer" if i < n_producers else "consumer"
        conn = Conn(idx, kind)
        cap = Capture(t0=t0 + i * 0.0003)
        _record_packets(cap, conn, lambda: (producer if kind == "producer" else consumer)(cap, conn, rng))
        conns.append(conn)
    return conns


# ---- as messy.Packet lists ------------------------------------------------------------------
def packets(conns):
    """(pkts, tags): the connections' packets merged in time order as messy.Packet, and for each
    packet the set of PDU tags (opaque, 0 request / 1 response) it carries bytes of."""
    import messy
    merged = sorted((p for c in conns for p in c.packets), key=lambda p: p[0])
    pkts = [messy.Packet(int(round(ts * 1e9)), fr) for ts, fr, _, _ in merged]
    return pkts, [tg for _, _, _, tg in merged]


def truth(conns):
    """{request opaque: response opaque, None for a one-way request} (opaques are unique per capture)."""
    return {o: (None if r["oneway"] else o) for c in conns for o, r in c.requests.items()}


def pulled_keys(conns, excused=()):
    """Message keys the pull answers carry (those of excused requests left out)."""
    return {k for c in conns for o, r in c.requests.items() if r["code"] == PULL and o not in excused
            for k in r["keys"]}


def observed_pairs(pdu_list):
    """(request opaque, response opaque) for every response that names its request frame: the
    request of that frame with the response's opaque, else the frame's first request (a wrong
    pair)."""
    by_frame = {}
    for d in pdu_list:
        if d["rocketmq.opaque"] and not d["rocketmq.response_to"] and d["rocketmq.flag.response"] != ["1"]:
            by_frame.setdefault(d["frame.number"][0], []).append(d["rocketmq.opaque"][0])
    out = []
    for d in pdu_list:
        if not d["rocketmq.response_to"] or not d["rocketmq.opaque"]:
            continue
        reqs = by_frame.get(d["rocketmq.response_to"][0], [])
        o = d["rocketmq.opaque"][0]
        out.append((int(o) if o in reqs else (int(reqs[0]) if reqs else None), int(o)))
    return out
