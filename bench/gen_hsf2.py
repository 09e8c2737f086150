"""HSF2 traffic for the benchmark (bench/gen.py): consumers calling one provider on 12200.

HSF remoting with Hessian 2 (codec 4); requests are multiplexed by 64-bit request id, so a
connection may have several calls in flight and answers come back in any order:
  75 %  one call: request (service, method, 1-3 typed arguments: String, long, a User object,
        a Map, a List of order lines; 1 in 5 with eagleeye request properties), its response
        (a result value; 1 in 10 a 20-80 item list that spans segments; 3 % an error status
        with a text body);
  15 %  2-4 pipelined calls in one segment, answered in a shuffled order in one segment;
  10 %  a heartbeat and its answer.
Counts in the manifest: pdus (hsf2.type occurrences), requests, responses,
filter_pdus (frames with hsf2.method == "queryOrder").
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
import hsf2_pdus as hp  # noqa: E402
from gen import Exchange  # noqa: E402

VERSION = 1
SERVICES = [
    ("com.taobao.item.ItemService:1.0.0", "getItem", 0.25),
    ("com.taobao.order.OrderService:2.0.0", "queryOrder", 0.20),
    ("com.taobao.order.OrderService:2.0.0", "createOrder", 0.10),
    ("com.taobao.user.UserService:1.0.0", "findUser", 0.20),
    ("com.taobao.user.UserService:1.0.0", "save", 0.05),
    ("com.taobao.cart.CartService:1.1.0", "listCart", 0.15),
    ("com.taobao.promo.PromoService:1.0.0", "sayHello", 0.05),
]
ERRORS = {60: "HSFServiceAddressNotFoundException: no provider for %s",
          70: "java.lang.IllegalStateException: order store unavailable (%s)",
          81: "HSFThreadPoolFullException: provider thread pool full (%s)"}


class Workload:
    PORT = 12200
    PDU_FIELD = "hsf2.type"
    FILTER_FIELD = "hsf2.method"
    FILTER_VALUE = "queryOrder"
    FILTER = 'hsf2.method == "queryOrder"'
    STATS = "hsf2,hotservices"

    def __init__(self, rnd):
        self.rnd = rnd
        acc, self.cdf = 0.0, []
        for s in SERVICES:
            acc += s[2]
            self.cdf.append(acc)
        self.hb = 1 << 40

    def open(self, conn, now):
        conn.state["id"] = 1
        return None

    def closed(self, conn):
        pass

    def _pick(self):
        x = self.rnd.random() * self.cdf[-1]
        for i, c in enumerate(self.cdf):
            if x <= c:
                return SERVICES[i]
        return SERVICES[-1]

    def _user(self, k):
        return hp.Obj("com.taobao.user.User", [("id", hp.Long(k)), ("name", "user%d" % k),
                                                ("age", 18 + k % 50), ("vip", bool(k & 1))])

    def _args(self, method, k):
        if method == "getItem":
            return [("long", hp.hessian(hp.Long(500000 + k)))]
        if method == "queryOrder":
            return [("long", hp.hessian(hp.Long(900000000 + k))), ("java.lang.String", hp.hessian("buyer%d" % k))]
        if method == "createOrder":
            lines = [{"item": 500000 + (k + i) % 1000, "qty": 1 + i % 3, "price": hp.Double(9.9 + i)}
                     for i in range(1 + k % 4)]
            return [("com.taobao.user.User", hp.hessian(self._user(k))),
                    ("java.util.List", hp.hessian(lines)),
                    ("java.util.Map", hp.hessian({"channel": "app", "coupon": "C%d" % (k % 97)}))]
        if method == "findUser":
            return [("long", hp.hessian(hp.Long(k)))]
        if method == "save":
            return [("com.taobao.user.User", hp.hessian(self._user(k)))]
        if method == "listCart":
            return [("long", hp.hessian(hp.Long(k))), ("int", hp.hessian(20))]
        return [("java.lang.String", hp.hessian("hello %d" % k))]

    def _result(self, method, k):
        rnd = self.rnd
        if method == "getItem":
            return hp.hessian({"id": hp.Long(500000 + k), "title": "item %d" % k, "price": hp.Double(19.9),
                               "stock": k % 300})
        if method in ("queryOrder", "listCart"):
            n = 20 + rnd.randrange(60) if rnd.random() < 0.1 else 1 + rnd.randrange(4)
            return hp.hessian([{"order": hp.Long(900000000 + k + i), "item": 500000 + i, "qty": 1 + i % 3,
                                "status": "PAID" if i % 4 else "SHIPPED"} for i in range(n)])
        if method == "createOrder":
            return hp.hessian(hp.Long(900000000 + k))
        if method == "findUser":
            return hp.hessian(self._user(k))
        if method == "save":
            return hp.hessian(True)
        return hp.hessian("Hi, hello %d" % k)

    def _call(self, conn):
        """(request, response, is_filter) of one call."""
        rnd = self.rnd
        service, method, _ = self._pick()
        rid = conn.state["id"]
        conn.state["id"] += 1
        k = rnd.randrange(100000)
        props = b""
        if rnd.random() < 0.2:
            props = hp.hessian({"eagleeye.traceid": "0b%014x" % rnd.getrandbits(56), "eagleeye.rpcid": "0.1"})
        req = hp.request(service, method, self._args(method, k), req_id=rid, timeout=3000, props=props)
        if rnd.random() < 0.03:
            st = (60, 70, 81)[rnd.randrange(3)]
            rsp = hp.response(rid, (ERRORS[st] % service).encode(), status=st)
        else:
            rsp = hp.response(rid, self._result(method, k))
        return req, rsp, method == "queryOrder"

    def exchange(self, conn, now):
        rnd = self.rnd
        x = rnd.random()
        if x < 0.10:
            self.hb += 1
            return Exchange([(True, hp.heartbeat(self.hb)), (False, hp.heartbeat(self.hb, response=True))],
                            {"pdus": 2, "requests": 1, "responses": 1})
        calls = [self._call(conn) for _ in range(1 if x < 0.85 else 2 + rnd.randrange(3))]
        rsps = [c[1] for c in calls]
        rnd.shuffle(rsps)
        n = len(calls)
        return Exchange([(True, b"".join(c[0] for c in calls)), (False, b"".join(rsps))],
                        {"pdus": 2 * n, "requests": n, "responses": n,
                         "filter_pdus": sum(1 for c in calls if c[2])})
