"""aerospike_truth — a generated Aerospike capture with a known truth, and the ways to make it messy.

    from aerospike_truth import Truth
    t = Truth(conns=8, per_conn=100, mss=1460, big_every=0)
    t.drop_response_segment(conn=2, trans=17, seg=0)    # lose one response segment
    t.swap_response_segments(conn=3, trans=40, a=0, b=1)  # two segments out of order
    t.start_late(conn=1, packets=4)                      # the capture starts 4 packets into conn 1
    t.write(path, snaplen=96)                            # frames cut at 96 bytes

Every transaction carries a unique tag in both directions: the request's user key is
"c<conn>-k<n>" and its response has generation conn * 1000 + n + 1 (one response PDU per
request). The last request of each connection stays unanswered. `pairs` lists the truth:
(conn, n, request packet index, response packet index or None). big_every: every
big_every-th transaction carries a big_size-byte value (reads: in the response, writes: in the
request); big_first: so does the first one of each connection (a write: a request spanning
several segments at a small MSS, for captures that start inside it).
"""
import struct

from capbuilder import Capture
import aerospike_pdus as asp

T0 = 1700000000.0


class Truth:
    def __init__(self, conns=8, per_conn=100, mss=1460, big_every=0, big_size=900, big_first=False):
        self.cap = Capture(t0=T0)
        self.conns = conns
        self.per_conn = per_conn
        self.trans = []          # dicts: conn, n, key, gen, req_pkts, rsp_pkts, answered
        self.conn_pkts = {c: [] for c in range(conns)}
        self.dropped = set()
        tcp = [self.cap.tcp("10.1.0.%d:%d" % (c + 1, 40000 + c), "10.2.0.1:3000") for c in range(conns)]
        for c in range(conns):
            self.conn_pkts[c].extend(range(3 * c, 3 * c + 3))     # its handshake
        for n in range(per_conn):
            for c in range(conns):
                key = "c%d-k%d" % (c, n)
                gen = c * 1000 + n + 1
                big = (big_every and n % big_every == 1) or (big_first and n == 0)
                value = ("v" * big_size) if big else "x"
                if n % 3 == 0:   # a write
                    req = asp.key_request("test", "s%d" % c, key, ops=[asp.op(asp.OP_WRITE, "b", value)],
                                          info2=asp.INFO2_WRITE)
                    rsp = asp.message(asp.as_msg(result=0, generation=gen, record_ttl=500000000))
                else:            # a read answered with the bin
                    req = asp.key_request("test", "s%d" % c, key, info1=asp.INFO1_READ | asp.INFO1_GET_ALL)
                    rsp = asp.message(asp.as_msg(ops=[asp.op(asp.OP_READ, "b", value)], result=0,
                                                 generation=gen, record_ttl=500000000))
                t = {"conn": c, "n": n, "key": key, "gen": gen, "answered": n < per_conn - 1}
                t["req_pkts"] = self._send(tcp[c], c, True, req, mss, dt=0.0005)
                t["rsp_pkts"] = self._send(tcp[c], c, False, rsp, mss, dt=0.0003) if t["answered"] else []
                self.trans.append(t)
        for c in range(conns):
            before = len(self.cap.packets)
            tcp[c].close()
            self.conn_pkts[c].extend(range(before, len(self.cap.packets)))

    def _send(self, conn, c, from_client, data, mss, dt):
        before = len(self.cap.packets)
        conn.send(from_client, data, mss=mss, dt=dt)
        idx = list(range(before, len(self.cap.packets)))
        self.conn_pkts[c].extend(idx)
        return idx

    # -- mutations -----------------------------------------------------------------------------
    def find(self, conn, n):
        return self.trans[n * self.conns + conn]

    def drop_response_segment(self, conn, trans, seg=0):
        self.dropped.add(self.find(conn, trans)["rsp_pkts"][seg])

    def drop_request_segment(self, conn, trans, seg=0):
        self.dropped.add(self.find(conn, trans)["req_pkts"][seg])

    def swap_response_segments(self, conn, trans, a=0, b=1):
        p = self.find(conn, trans)["rsp_pkts"]
        pk = self.cap.packets
        (ta, fa), (tb, fb) = pk[p[a]], pk[p[b]]
        pk[p[a]], pk[p[b]] = (ta, fb), (tb, fa)

    def start_late(self, conn, packets):
        self.dropped.update(self.conn_pkts[conn][:packets])

    # -- truth after the mutations ---------------------------------------------------------------
    def visible(self, pkts):
        """Every packet of the PDU is captured."""
        return bool(pkts) and not any(p in self.dropped for p in pkts)

    def frame_numbers(self):
        """packet index -> frame number in the written capture"""
        out, f = {}, 0
        for i in range(len(self.cap.packets)):
            if i not in self.dropped:
                f += 1
                out[i] = f
        return out

    def write(self, path, snaplen=None):
        out = [struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, snaplen or 262144, 1)]
        for i, (ts, frame) in enumerate(self.cap.packets):
            if i in self.dropped:
                continue
            sec = int(ts)
            nsec = int(round((ts - sec) * 1e9))
            cut = frame[:snaplen] if snaplen else frame
            out.append(struct.pack("<IIII", sec, nsec, len(cut), len(frame)))
            out.append(cut)
        with open(path, "wb") as f:
            f.write(b"".join(out))
        return path


def score(truth, rows):
    """Compare tshark -T fields rows (tslib.fields with FIELDS) with the truth, by frame numbers.

    Returns a dict: requests (request PDUs with a link, 'no response' or 'response lost'),
    responses (response PDUs of the truth seen), pairs_right, pairs_wrong (a response linked to
    another transaction's request or to none), unanswered ('no response' claims), rsp_lost,
    `affected`: keys of transactions whose request and response are both captured but which are
    not paired right, and `lost_as_unanswered`: requests whose response is not captured but which
    are claimed 'no response' instead of 'response lost'."""
    fn = truth.frame_numbers()
    req_of, rsp_of = {}, {}
    for t in truth.trans:
        for p in t["req_pkts"]:
            if p in fn:
                req_of[fn[p]] = t
        for p in t["rsp_pkts"]:
            if p in fn:
                rsp_of[fn[p]] = t
    res = {"requests": 0, "responses": 0, "pairs_right": 0, "pairs_wrong": 0, "unanswered": 0,
           "rsp_lost": 0, "wrong": [], "affected": [], "lost_as_unanswered": []}
    right = set()
    no_rsp = set()
    for r in rows:
        frame = int(r["frame.number"][0])
        if not r["aerospike.type"]:
            continue
        res["unanswered"] += len(r["aerospike.no_response"])
        res["rsp_lost"] += len(r["aerospike.response_lost"])
        if frame in req_of:
            res["requests"] += len(r["aerospike.response_in"]) + len(r["aerospike.no_response"]) + \
                len(r["aerospike.response_lost"])
            if r["aerospike.no_response"]:
                no_rsp.add(req_of[frame]["key"])
        if frame in rsp_of and (r["aerospike.msg.generation"] or r["aerospike.response_to"]):
            t = rsp_of[frame]
            res["responses"] += 1
            tos = [int(x) for x in r["aerospike.response_to"]]
            got = req_of.get(tos[0]) if tos else None
            if got is None and not truth.visible(t["req_pkts"]):
                continue            # its request is not in the capture: rightly unpaired
            if got is t:
                res["pairs_right"] += 1
                right.add(t["key"])
            else:
                res["pairs_wrong"] += 1
                res["wrong"].append((t["key"], frame, got["key"] if got else None))
    for t in truth.trans:
        if t["answered"] and truth.visible(t["req_pkts"]) and truth.visible(t["rsp_pkts"]):
            if t["key"] not in right:
                res["affected"].append(t["key"])
        elif t["answered"] and truth.visible(t["req_pkts"]) and t["key"] in no_rsp:
            res["lost_as_unanswered"].append(t["key"])
    return res


FIELDS = ["frame.number", "aerospike.type", "aerospike.msg.generation", "aerospike.response_to", "aerospike.response_in", "aerospike.no_response",
          "aerospike.response_lost"]
