"""aerospike_truth — a generated Aerospike capture with a known truth (issue #19 tests).

    from aerospike_truth import Truth
    t = Truth(conns=8, per_conn=60, mss=300, big_every=2, big_first=True)
    pkts = messy.from_capture(t.cap)           # make it messy with tests/messy.py
    t.truth                                    # {request key: response generation, or None}
    t.trans[i]                                 # conn, n, key, gen, answered, req_pkts, rsp_pkts

Every transaction carries a unique tag in both directions: the request's user key is
"c<conn>-k<n>" and its one response PDU has generation conn * 1000 + n + 1 (responses also carry
their request's key as a generated field, so a response names its own pair). The last request of
each connection stays unanswered. Reads (n % 3 != 0) are answered with the bin, writes without.
big_every: every big_every-th transaction carries a big_size-byte value (reads: in the response,
writes: in the request); big_first: so does the first one of each connection (a write: a request
spanning several segments at a small MSS, for captures that start inside it).
"""
from capbuilder import Capture
import aerospike_pdus as asp

T0 = 1700000000.0


class Truth:
    def __init__(self, conns=8, per_conn=60, mss=1460, big_every=0, big_size=900, big_first=False):
        self.cap = Capture(t0=T0)
        self.conns = conns
        self.trans = []
        tcp = [self.cap.tcp("10.1.0.%d:%d" % (c + 1, 40000 + c), "10.2.0.1:3000") for c in range(conns)]
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
                t["req_pkts"] = self._send(tcp[c], True, req, mss, dt=0.0005)
                t["rsp_pkts"] = self._send(tcp[c], False, rsp, mss, dt=0.0003) if t["answered"] else []
                self.trans.append(t)
        for c in range(conns):
            tcp[c].close()
        self.truth = {t["key"]: str(t["gen"]) if t["answered"] else None for t in self.trans}

    def _send(self, conn, from_client, data, mss, dt):
        before = len(self.cap.packets)
        conn.send(from_client, data, mss=mss, dt=dt)
        return list(range(before, len(self.cap.packets)))

    def find(self, conn, n):
        return self.trans[n * self.conns + conn]


def score_by_frame(truth, rows):
    """For captures whose frames are the generator's packets one for one (e.g. cut by a snaplen,
    where a request's key may not be captured): compare tshark -T fields rows (FIELDS) with the
    truth by frame numbers. Returns a dict: requests (request PDUs seen), responses (response
    PDUs seen), pairs_right, pairs_wrong (a response linked to another request, or to none while
    its request is captured), unanswered ('no response' claims), rsp_lost, wrong (list)."""
    req_of, rsp_of = {}, {}
    for t in truth.trans:
        for p in t["req_pkts"]:
            req_of[p + 1] = t
        for p in t["rsp_pkts"]:
            rsp_of[p + 1] = t
    res = {"requests": 0, "responses": 0, "pairs_right": 0, "pairs_wrong": 0, "unanswered": 0,
           "rsp_lost": 0, "wrong": []}
    for r in rows:
        frame = int(r["frame.number"][0])
        if not r["aerospike.type"]:
            continue
        res["unanswered"] += len(r["aerospike.no_response"])
        res["rsp_lost"] += len(r["aerospike.response_lost"])
        if frame in req_of:
            res["requests"] += len(r["aerospike.response_in"]) + len(r["aerospike.no_response"]) + \
                len(r["aerospike.response_lost"])
        if frame in rsp_of and (r["aerospike.msg.generation"] or r["aerospike.response_to"]):
            t = rsp_of[frame]
            res["responses"] += 1
            tos = [int(x) for x in r["aerospike.response_to"]]
            got = req_of.get(tos[0]) if tos else None
            if got is t:
                res["pairs_right"] += 1
            else:
                res["pairs_wrong"] += 1
                res["wrong"].append((t["key"], frame, got["key"] if got else None))
    return res


FIELDS = ["frame.number", "aerospike.type", "aerospike.msg.generation", "aerospike.response_to",
          "aerospike.response_in", "aerospike.no_response", "aerospike.response_lost"]
