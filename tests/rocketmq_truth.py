"""rocketmq_truth — a generated RocketMQ capture with a known truth, and the messy variants of it.

Every connection is a producer (route lookup, SEND_MESSAGE_V2 sends, some pipelined and answered
out of order, a heartbeat) or a consumer (PULL_MESSAGE long polls answered FOUND with 1-6 stored
messages spread over several segments, or PULL_NOT_FOUND; two pulls outstanding at once; a
one-way UPDATE_CONSUMER_OFFSET). The truth lists every request by (connection, opaque): its code,
topic, queue, the keys it sent, the messages its answer carried. Message keys and opaque ids are
the tags a test compares by.

Mutations work on the packets of one connection at a time (data segments only, in capture
order): start the connection k data packets in, drop data segment i, swap segments i and i+1;
truncate(frames, snaplen) cuts every frame like `editcap -s`.
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
        self.tags = {}
        self.all_tags = None   # every PDU tag of the clean connection
        self.disordered = frozenset()   # PDUs whose segments were swapped

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
        conn.all_tags = _tag_counts(conn)
        conns.append(conn)
    return conns


def _tag_counts(conn):
    n = {}
    for p in conn.packets:
        for t in p[3]:
            n[t] = n.get(t, 0) + 1
    return n


def complete(conn):
    """Tags (opaque, 0 request / 1 response) of the PDUs whose bytes are all in the capture, in order."""
    now = _tag_counts(conn)
    return {t for t, n in conn.all_tags.items() if now.get(t) == n and t not in conn.disordered}


# ---- mutations of one connection's packet list ------------------------------------------------
def data_indexes(conn):
    return [i for i, p in enumerate(conn.packets) if p[2]]


def start_late(conn, k):
    """The capture starts k data packets into the connection (handshake not seen either)."""
    di = data_indexes(conn)
    conn.packets = conn.packets[di[k]:] if k < len(di) else []
    return conn


def drop_segment(conn, i):
    """Data segment i (in capture order) is lost."""
    j = data_indexes(conn)[i]
    del conn.packets[j]
    return conn


def swap_segments(conn, i):
    """Data segments i and i+1 arrive in swapped order (timestamps stay in capture order)."""
    di = data_indexes(conn)
    a, b = di[i], di[i + 1]
    (ta, fa, da, ga), (tb, fb, db, gb) = conn.packets[a], conn.packets[b]
    conn.packets[a], conn.packets[b] = (ta, fb, db, gb), (tb, fa, da, ga)
    conn.disordered |= ga | gb
    return conn


def to_pcap(conns, path, snaplen=None):
    """Write the connections' packets merged by time; snaplen cuts every frame like editcap -s."""
    pk = sorted((p for c in conns for p in c.packets), key=lambda p: p[0])
    out = [struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, 1)]
    for ts, fr, _, _ in pk:
        sec = int(ts)
        nsec = int(round((ts - sec) * 1e9))
        if nsec >= 1000000000:
            sec, nsec = sec + 1, nsec - 1000000000
        cut = fr if snaplen is None else fr[:snaplen]
        out.append(struct.pack("<IIII", sec, nsec, len(cut), len(fr)))
        out.append(cut)
    with open(path, "wb") as f:
        f.write(b"".join(out))
    return path


# ---- reading tshark's answer back -----------------------------------------------------------
FIELDS = ["tcp.srcport", "tcp.dstport", "rocketmq.opaque", "rocketmq.flag.response", "rocketmq.code",
          "rocketmq.request_code", "rocketmq.response_in", "rocketmq.response_to", "rocketmq.msg_count",
          "rocketmq.no_response", "frame.number"]


def _layers(ek_line):
    import json
    d = json.loads(ek_line)
    lay = d.get("layers", {})
    r = lay.get("rocketmq")
    if r is None:
        return None, []
    tcp = lay.get("tcp", {})
    return tcp, (r if isinstance(r, list) else [r])


def _one(v):
    if isinstance(v, list):
        return v[0] if v else None
    return v


def decode(run_tshark, path, args=()):
    """Every RocketMQ PDU tshark decodes: list of dicts (frame, client port, is_response, opaque,
    code, request_code, response_in, response_to, msg_count, no_response, keys)."""
    out = run_tshark(["-T", "ek", "-2"] + list(args), path).stdout
    pdus = []
    for line in out.split("\n"):
        if not line.startswith('{"timestamp'):
            continue
        tcp, layers = _layers(line)
        if not layers:
            continue
        sp, dp = int(_one(tcp["tcp_tcp_srcport"])), int(_one(tcp["tcp_tcp_dstport"]))
        frame = int(_one(tcp.get("tcp_tcp_stream")) or 0)  # placeholder, frame number set below
        del frame
        for L in layers:
            def g(name):
                return _one(L.get("rocketmq_rocketmq_" + name))
            resp = g("flag_response")
            keys = L.get("rocketmq_rocketmq_msg_keys") or []
            pdus.append(dict(
                client=max(sp, dp), from_client=sp > dp,
                is_response=None if resp is None else bool(resp),
                opaque=None if g("opaque") is None else int(g("opaque")),
                code=None if g("code") is None else int(g("code")),
                request_code=None if g("request_code") is None else int(g("request_code")),
                response_in=None if g("response_in") is None else int(g("response_in")),
                response_to=None if g("response_to") is None else int(g("response_to")),
                msg_count=int(g("msg_count") or 0),
                no_response=L.get("rocketmq_rocketmq_no_response") is not None,
                response_lost=L.get("rocketmq_rocketmq_response_lost") is not None,
                keys=keys if isinstance(keys, list) else [keys]))
    return pdus


def score(conns, pdus):
    """Compare decoded PDUs with the truth. Returns a dict of counts."""
    truth = {(c.client_port, o): r for c in conns for o, r in c.requests.items()}
    req_seen, rsp_seen = {}, {}
    for p in pdus:
        key = (p["client"], p["opaque"])
        if p["is_response"]:
            rsp_seen.setdefault(key, []).append(p)
        elif p["is_response"] is False:
            req_seen.setdefault(key, []).append(p)
    s = dict(requests_truth=0, requests=0, pairs_truth=0, pairs=0, wrong_pairs=0, false_unanswered=0,
             pulled_truth=0, pulled=0, pull_pairs_truth=0, pull_pairs=0, unknown_requests=0, missed_pairs=[])
    for c in conns:
        done = complete(c)
        for o, r in c.requests.items():
            if (o, 0) in done:
                s["requests_truth"] += 1
            if (o, 1) in done:
                s["pulled_truth"] += r["pulled"]
            if r["oneway"] or (o, 0) not in done or (o, 1) not in done:
                continue
            s["pairs_truth"] += 1
            if r["code"] == PULL:
                s["pull_pairs_truth"] += 1
    for key, reqs in req_seen.items():
        if key not in truth:
            s["unknown_requests"] += len(reqs)
            continue
        s["requests"] += 1
        r = truth[key]
        for q in reqs:
            if q["no_response"] and r["answered"] and key in rsp_seen:
                s["false_unanswered"] += 1
    paired = set()
    for key, rsps in rsp_seen.items():
        for p in rsps:
            s["pulled"] += p["msg_count"]
            if p["response_to"] is None:
                continue
            r = truth.get(key)
            if r is None or p["request_code"] != r["code"]:
                s["wrong_pairs"] += 1
                continue
            s["pairs"] += 1
            paired.add(key)
            if r["code"] == PULL:
                s["pull_pairs"] += 1
    for c in conns:
        done = complete(c)
        for o, r in c.requests.items():
            if not r["oneway"] and (o, 0) in done and (o, 1) in done and (c.client_port, o) not in paired:
                s["missed_pairs"].append((c.client_port, o))
    return s
