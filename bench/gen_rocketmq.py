"""RocketMQ traffic for the benchmark (bench/gen.py): producers and consumers on one broker (10911).

JSON remoting headers (fastjson style), opaque per connection; several calls may be in flight:
  45 %  SEND_MESSAGE_V2 (310): a message of 100-1000 bytes (1 in 20: 4-16 KB, spanning segments)
        with KEYS/TAGS/UNIQ_KEY properties; answered with msgId, queue and offset;
   5 %  SEND_BATCH_MESSAGE (320) of 4-10 messages;
  25 %  PULL_MESSAGE (11): 80 % FOUND with 1-8 stored message records, else PULL_NOT_FOUND;
   8 %  QUERY_CONSUMER_OFFSET (14) / its offset;
   7 %  HEART_BEAT (34) with a JSON body;
  10 %  GET_ROUTEINFO_BY_TOPIC (105) and the route body.
Counts in the manifest: pdus (rocketmq.length occurrences), requests, responses,
filter_pdus (requests whose topic — header or heartbeat subscription — is "TopicOrders").
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
import rocketmq_pdus as rp  # noqa: E402
from gen import Exchange  # noqa: E402

VERSION = 1
TOPICS = ["TopicOrders", "TopicPayments", "TopicLogistics", "TopicUserEvents", "TopicInventory"]
STORE = "10.1.0.1:10911"


class Workload:
    PORT = 10911
    PDU_FIELD = "rocketmq.length"
    FILTER_FIELD = "rocketmq.topic"
    FILTER_VALUE = "TopicOrders"
    FILTER = 'rocketmq.topic == "TopicOrders"'
    STATS = "rocketmq,hottopics"

    def __init__(self, rnd):
        self.rnd = rnd
        self.text = ("".join('{"orderId":%d,"buyer":"b%d","amount":%d.%02d,"items":[%d,%d]}\n' % (
            i, i * 7, i % 500, i % 100, 1000 + i, 2000 + i) for i in range(400))).encode()
        self.offsets = {}     # (topic, queue) -> next queue offset
        self.phys = 0

    def open(self, conn, now):
        conn.state["opaque"] = 1
        conn.state["group"] = "CG_%d" % (conn.index % 6)
        return None

    def closed(self, conn):
        pass

    def _topic(self):
        # skewed: the first topics are the busy ones
        r = self.rnd.random()
        return TOPICS[0 if r < 0.35 else 1 if r < 0.6 else 2 if r < 0.8 else 3 if r < 0.92 else 4]

    def _body(self, n):
        o = self.rnd.randrange(len(self.text) - n) if n < len(self.text) else 0
        return self.text[o:o + n]

    def _opaque(self, conn):
        o = conn.state["opaque"]
        conn.state["opaque"] += 1
        return o

    def _props(self, k, topic):
        return {"KEYS": "order-%d" % k, "TAGS": "tag%d" % (k % 4), "UNIQ_KEY": "7F0000010C4018B4AAC2%012X" % k,
                "WAIT": "true", "CLUSTER": "DefaultCluster"}

    def _send(self, conn):
        rnd = self.rnd
        topic, q, op = self._topic(), rnd.randrange(8), self._opaque(conn)
        k = rnd.randrange(1 << 30)
        n = 4000 + rnd.randrange(12000) if rnd.random() < 0.05 else 100 + rnd.randrange(900)
        req = rp.request(310, op, ext=rp.send_v2_ext(topic, q, group="PG_" + topic,
                                                      properties=rp.props(self._props(k, topic))),
                         body=self._body(min(n, len(self.text) - 1)))
        off = self.offsets.get((topic, q), 0)
        self.offsets[(topic, q)] = off + 1
        self.phys += n + 200
        rsp = rp.response(0, op, ext=rp.send_response_ext(rp.offset_msg_id(STORE, self.phys), q, off))
        return req, rsp, topic

    def _batch(self, conn):
        rnd = self.rnd
        topic, q, op = self._topic(), rnd.randrange(8), self._opaque(conn)
        m = 4 + rnd.randrange(7)
        entries = []
        ids = []
        for i in range(m):
            k = rnd.randrange(1 << 30)
            entries.append(rp.batch_entry(self._body(100 + rnd.randrange(400)), self._props(k, topic)))
            self.phys += 400
            ids.append(rp.offset_msg_id(STORE, self.phys))
        req = rp.request(320, op, ext=rp.send_v2_ext(topic, q, group="PG_" + topic, batch=True),
                         body=b"".join(entries))
        off = self.offsets.get((topic, q), 0)
        self.offsets[(topic, q)] = off + m
        rsp = rp.response(0, op, ext=rp.send_response_ext(",".join(ids), q, off))
        return req, rsp, topic

    def _pull(self, conn):
        rnd = self.rnd
        topic, q, op = self._topic(), rnd.randrange(8), self._opaque(conn)
        group = conn.state["group"]
        start = max(0, self.offsets.get((topic, q), 0) - rnd.randrange(32))
        req = rp.request(11, op, ext=rp.pull_ext(group, topic, q, start))
        if rnd.random() < 0.2:
            rsp = rp.response(19, op, ext=rp.pull_found_ext(start, 0, start), remark="No new message")
            return req, rsp, topic
        recs = []
        for i in range(1 + rnd.randrange(8)):
            k = rnd.randrange(1 << 30)
            recs.append(rp.store_record(topic, self._body(80 + rnd.randrange(400)), queue_id=q,
                                        queue_offset=start + i, phys_offset=self.phys - 5000 * i,
                                        born="10.2.0.%d:5%04d" % (1 + k % 200, k % 10000), store=STORE,
                                        properties=self._props(k, topic)))
        rsp = rp.response(0, op, ext=rp.pull_found_ext(start + len(recs), 0, start + len(recs)),
                          body=b"".join(recs), remark="FOUND")
        return req, rsp, topic

    def _query_offset(self, conn):
        topic, q, op = self._topic(), self.rnd.randrange(8), self._opaque(conn)
        req = rp.request(14, op, ext=[("consumerGroup", conn.state["group"]), ("topic", topic), ("queueId", str(q))])
        rsp = rp.response(0, op, ext=[("offset", str(self.offsets.get((topic, q), 0)))])
        return req, rsp, topic

    def _heartbeat(self, conn):
        op, topic = self._opaque(conn), self._topic()
        body = ('{"clientID":"10.2.0.%d@%d","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET",'
                '"consumeType":"CONSUME_PASSIVELY","groupName":"%s","messageModel":"CLUSTERING",'
                '"subscriptionDataSet":[{"classFilterMode":false,"codeSet":[],"expressionType":"TAG",'
                '"subString":"*","subVersion":1700000000000,"tagsSet":[],"topic":"%s"}],"unitMode":false}],'
                '"producerDataSet":[{"groupName":"CLIENT_INNER_PRODUCER"}],"unitMode":false}' % (
                    conn.index % 200, 4000 + conn.index, conn.state["group"], topic)).encode()
        req = rp.request(34, op, body=body)
        rsp = rp.response(0, op)
        return req, rsp, topic            # the subscription's topic is decoded from the body

    def _route(self, conn):
        topic, op = self._topic(), self._opaque(conn)
        req = rp.request(105, op, ext=[("topic", topic)])
        body = ('{"brokerDatas":[{"brokerAddrs":{0:"%s"},"brokerName":"broker-a","cluster":"DefaultCluster"}],'
                '"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":8,'
                '"topicSysFlag":0,"writeQueueNums":8}]}' % STORE).encode()
        rsp = rp.response(0, op, body=body)
        return req, rsp, topic

    def exchange(self, conn, now):
        rnd = self.rnd
        x = rnd.random()
        f = (self._send if x < 0.45 else self._batch if x < 0.50 else self._pull if x < 0.75 else
             self._query_offset if x < 0.83 else self._heartbeat if x < 0.90 else self._route)
        calls = [f(conn)]
        if f == self._send and rnd.random() < 0.2:       # async producer: more sends in flight
            calls += [self._send(conn) for _ in range(1 + rnd.randrange(3))]
        rsps = [c[1] for c in calls]
        if len(rsps) > 1:
            rnd.shuffle(rsps)
        n = len(calls)
        return Exchange([(True, b"".join(c[0] for c in calls)), (False, b"".join(rsps))],
                        {"pdus": 2 * n, "requests": n, "responses": n,
                         "filter_pdus": sum(1 for c in calls if c[2] == "TopicOrders")})
