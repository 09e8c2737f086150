"""Aerospike traffic for the benchmark (bench/gen.py): a client pool talking to one node on 3000.

Mix per transaction (one command at a time per connection, as the clients do):
  50 % single-record reads (all bins; 4 % of them "key not found"),
  22 % writes of several bins (string, integer, double, blob, list, map, bool; session records
       carry 0.1-0.6 KB blobs, one in ten 2-6 KB that spans TCP segments),
   6 % operate (increment + read back), 2 % deletes, 2 % touches,
  12 % batch reads of 3-20 keys (v2 rows, REPEAT rows; the answer is a stream of PDUs of 8
       records and a LAST proto in the same segment),
   6 % info polls (node, partition-generation, namespaces, statistics).
Every new connection logs in first (admin LOGIN, answered with a session token). Keys follow a
Zipf law over a fixed key space, so the hot-key statistics have hot keys.

Counts in the manifest: pdus (proto headers = aerospike.size occurrences), requests, responses,
filter_pdus (PDUs with aerospike.set == "carts").
"""
import bisect
import itertools
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
import aerospike_pdus as ap  # noqa: E402
from gen import Exchange  # noqa: E402

VERSION = 1
NS = "test"
SETS = ("users", "sessions", "carts")
KEYS_PER_SET = 20000
EPOCH_NOW = 1700000000


class Workload:
    PORT = 3000
    PDU_FIELD = "aerospike.size"
    FILTER_FIELD = "aerospike.set"
    FILTER_VALUE = "carts"
    FILTER = 'aerospike.set == "carts"'
    STATS = "aerospike,hotkeys"

    def __init__(self, rnd):
        self.rnd = rnd
        # Zipf(1.0) over KEYS_PER_SET ranks: cumulative weights for bisect
        acc, self.cdf = 0.0, []
        for r in range(1, KEYS_PER_SET + 1):
            acc += 1.0 / r
            self.cdf.append(acc)
        self.total = acc
        self.fields = {}          # (set, key index) -> ns|set|digest|key fields (bounded: key space)
        self.generation = {}      # (set, key index) -> generation
        self.ops_cache = {}       # (set, key index, op) -> encoded ops
        self.ns_field = ap.ns_field(NS)
        self.blob_pool = bytes(rnd.getrandbits(8) for _ in range(8192))
        self.words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
                      "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa"]
        self.token_seq = itertools.count(1)

    # -- keys ----------------------------------------------------------------------------------
    def _key(self):
        r = self.rnd.random() * self.total
        k = bisect.bisect_left(self.cdf, r)
        s = SETS[self.rnd.randrange(len(SETS))] if self.rnd.random() < 0.4 else SETS[k % len(SETS)]
        return s, k

    def _key_fields(self, s, k, send_key=True):
        f = self.fields.get((s, k))
        if f is None:
            user_key = "%s-%d" % (s[:-1], k) if s != "carts" else k
            d = ap.digest(s, user_key)
            f = self.fields[(s, k)] = (
                [self.ns_field, ap.set_field(s), ap.digest_field(d)], ap.key_field(user_key), d)
        return (f[0] + [f[1]]) if send_key else list(f[0])

    def _digest(self, s, k):
        self._key_fields(s, k)
        return self.fields[(s, k)][2]

    # -- bins ----------------------------------------------------------------------------------
    def _blob(self, n):
        o = self.rnd.randrange(len(self.blob_pool) - n) if n < len(self.blob_pool) else 0
        return self.blob_pool[o:o + n]

    def _bins(self, s, k):
        """The record's bins (deterministic per key)."""
        if s == "users":
            return [("name", "user %d %s" % (k, self.words[k % 16])), ("age", 18 + k % 60),
                    ("score", (k % 1000) / 7.0), ("avatar", self._blob(64 + k % 240)),
                    ("tags", [self.words[(k + i) % 16] for i in range(k % 5)]),
                    ("prefs", {"lang": "en", "tz": k % 24, "news": bool(k & 1)}),
                    ("active", bool(k % 3))]
        if s == "sessions":
            h = (k * 2654435761) & 0xFFFFFFFF
            size = 2000 + h % 4000 if h % 10 == 0 else 100 + h % 500
            return [("token", "%032x" % (k * 2654435761)), ("expires", EPOCH_NOW + k),
                    ("data", self._blob(size))]
        items = [{"sku": 1000 + (k + i) % 900, "qty": 1 + i % 3, "price": 9.99 + i}
                 for i in range(1 + k % 6)]
        return [("items", items), ("total", sum(x["price"] * x["qty"] for x in items)),
                ("count", len(items))]

    def _ops(self, s, k, op_type=ap.OP_READ):
        """Encoded ops of every bin, one bytes per bin (cached per key: the key space is fixed)."""
        key = (s, k, op_type)
        o = self.ops_cache.get(key)
        if o is None:
            o = self.ops_cache[key] = [ap.op(op_type, n, v) for n, v in self._bins(s, k)]
        return o

    def _gen(self, s, k, bump=False):
        g = self.generation.get((s, k), 1)
        if bump:
            g += 1
            self.generation[(s, k)] = g
        return g

    # -- exchanges -------------------------------------------------------------------------------
    def open(self, conn, now):
        """A secured cluster: every new connection logs in."""
        user = "app%d" % (conn.index % 8)
        req = ap.login_request(user)
        token = b"%08d" % next(self.token_seq) + bytes(24)
        rsp = ap.admin(ap.ADMIN_LOGIN, fields=[ap.admin_field(ap.ADMIN_SESSION_TOKEN, token),
                                               ap.admin_field(ap.ADMIN_SESSION_TTL, struct.pack("!I", 86400))])
        return Exchange([(True, req), (False, rsp)], {"pdus": 2, "requests": 1, "responses": 1})

    def closed(self, conn):
        pass

    def exchange(self, conn, now):
        x = self.rnd.random()
        if x < 0.50:
            return self._read()
        if x < 0.72:
            return self._write()
        if x < 0.78:
            return self._operate()
        if x < 0.80:
            return self._delete()
        if x < 0.82:
            return self._touch()
        if x < 0.94:
            return self._batch()
        return self._info()

    def _ex(self, s, req, rsps, n_req=1):
        """rsps: list of response PDUs sent together (one step)."""
        counts = {"pdus": n_req + len(rsps), "requests": n_req, "responses": len(rsps),
                  "filter_pdus": n_req if s == "carts" else 0}
        return Exchange([(True, req), (False, b"".join(rsps))], counts)

    def _void_time(self, now, ttl=86400):
        return ap.void_time(now + ttl)

    def _read(self):
        s, k = self._key()
        req = ap.message(ap.as_msg(self._key_fields(s, k, send_key=self.rnd.random() < 0.3),
                                   info1=ap.INFO1_READ | ap.INFO1_GET_ALL, transaction_ttl=1000))
        if self.rnd.random() < 0.04:
            rsp = ap.message(ap.as_msg(result=2))
        else:
            ops = self._ops(s, k)
            rsp = ap.message(ap.as_msg(ops=ops, generation=self._gen(s, k),
                                       record_ttl=self._void_time(EPOCH_NOW)))
        return self._ex(s, req, [rsp])

    def _write(self):
        s, k = self._key()
        ops = self._ops(s, k, ap.OP_WRITE)
        if self.rnd.random() < 0.5:
            ops = ops[:1 + self.rnd.randrange(len(ops))]
        req = ap.message(ap.as_msg(self._key_fields(s, k, send_key=True), ops, info2=ap.INFO2_WRITE,
                                   transaction_ttl=1000, record_ttl=86400))
        rsp = ap.message(ap.as_msg(generation=self._gen(s, k, bump=True),
                                   record_ttl=self._void_time(EPOCH_NOW)))
        return self._ex(s, req, [rsp])

    def _operate(self):
        s, k = self._key()
        ops = [ap.op(ap.OP_INCR, "visits", 1), ap.op(ap.OP_READ, "visits")]
        req = ap.message(ap.as_msg(self._key_fields(s, k), ops, info1=ap.INFO1_READ,
                                   info2=ap.INFO2_WRITE | ap.INFO2_RESPOND_ALL_OPS, transaction_ttl=1000))
        rsp = ap.message(ap.as_msg(ops=[ap.op(ap.OP_READ, "visits", None),
                                        ap.op(ap.OP_READ, "visits", self._gen(s, k, bump=True))],
                                   generation=self._gen(s, k), record_ttl=self._void_time(EPOCH_NOW)))
        return self._ex(s, req, [rsp])

    def _delete(self):
        s, k = self._key()
        req = ap.message(ap.as_msg(self._key_fields(s, k, send_key=False),
                                   info2=ap.INFO2_WRITE | ap.INFO2_DELETE, transaction_ttl=1000))
        rsp = ap.message(ap.as_msg(result=0 if self.rnd.random() < 0.8 else 2))
        return self._ex(s, req, [rsp])

    def _touch(self):
        s, k = self._key()
        req = ap.message(ap.as_msg(self._key_fields(s, k, send_key=False), [ap.op(ap.OP_TOUCH)],
                                   info2=ap.INFO2_WRITE, transaction_ttl=1000, record_ttl=3600))
        rsp = ap.message(ap.as_msg(generation=self._gen(s, k, bump=True),
                                   record_ttl=self._void_time(EPOCH_NOW, 3600)))
        return self._ex(s, req, [rsp])

    def _batch(self):
        rnd = self.rnd
        s = SETS[rnd.randrange(len(SETS))]
        n = 3 + rnd.randrange(18)
        keys = [self._key()[1] for _ in range(n)]
        rows = []
        for i, k in enumerate(keys):
            d = self._digest(s, k)
            if i == 0:
                rows.append(ap.batch_row(i, d, ns=NS, set=s))
            else:
                rows.append(ap.batch_row(i, d, repeat=True))
        req = ap.batch_request(rows)
        recs = []
        for i, k in enumerate(keys):
            if rnd.random() < 0.05:
                recs.append(ap.batch_record(i, result=2, generation=0))
            else:
                ops = self._ops(s, k)[:3]
                recs.append(ap.batch_record(i, generation=self._gen(s, k),
                                            record_ttl=self._void_time(EPOCH_NOW), ops=ops))
        pdus = [ap.message(*recs[j:j + 8]) for j in range(0, len(recs), 8)]
        pdus.append(ap.message(ap.last_msg()))
        return self._ex(s, req, pdus)

    def _info(self):
        x = self.rnd.random()
        if x < 0.6:
            req = ap.info_request("node", "partition-generation")
            rsp = ap.info_response([("node", "BB9020011AC4202"), ("partition-generation", "%d" % 1734)])
        elif x < 0.9:
            req = ap.info_request("namespaces")
            rsp = ap.info_response([("namespaces", "test;bar")])
        else:
            req = ap.info_request("statistics")
            stats = ";".join("%s=%d" % (w, i * 977) for i, w in enumerate(self.words * 6))
            rsp = ap.info_response([("statistics", stats)])
        return self._ex(None, req, [rsp])
