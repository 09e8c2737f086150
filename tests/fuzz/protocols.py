"""Small PDU encoders for the five protocols of troubleshark, written from ../shared/specs/*.md,
used to build fuzz seeds (valid traffic) and adversarial cases (valid up to the hostile part).

Only the Python standard library; every function returns bytes.
"""
import json
import struct
import zlib

# --------------------------------------------------------------------------------------------
# Aerospike service protocol (aerospike.md §2-§11), TCP 3000
AS_INFO, AS_ADMIN, AS_MSG, AS_MSG_COMPRESSED = 1, 2, 3, 4


def as_proto(ptype, body, version=2, size=None):
    """8-byte proto header: version, type, 48-bit BE size of the body."""
    n = len(body) if size is None else size
    return struct.pack(">BB", version, ptype) + (n & 0xFFFFFFFFFFFF).to_bytes(6, "big") + body


def as_field(ftype, data, size=None):
    """field: BE32 size (type byte + data), type, data."""
    return struct.pack(">IB", len(data) + 1 if size is None else size, ftype) + data


def as_op(op, ptype, name, value, flags=0, size=None, name_len=None):
    """op: BE32 op_sz (4 + name + value), op, particle type, flags, name_len, name, value."""
    sz = 4 + len(name) + len(value) if size is None else size
    nl = len(name) if name_len is None else name_len
    return struct.pack(">IBBBB", sz, op, ptype, flags, nl) + name + value


def as_msg(fields=(), ops=(), info1=0, info2=0, info3=0, info4=0, result=0, generation=0,
           ttl=0, txn_ttl=0, n_fields=None, n_ops=None, header_sz=22):
    """as_msg: 22-byte header + fields + ops (counts default to the real ones)."""
    nf = len(fields) if n_fields is None else n_fields
    no = len(ops) if n_ops is None else n_ops
    hdr = struct.pack(">BBBBBBIIIHH", header_sz, info1, info2, info3, info4, result,
                      generation, ttl, txn_ttl, nf, no)
    return hdr + b"".join(fields) + b"".join(ops)


def as_key_fields(ns=b"test", set_=b"demo", digest=bytes(range(20))):
    return [as_field(0, ns), as_field(1, set_), as_field(4, digest)]


def as_compressed(inner_pdu, claimed=None, stream=None):
    """type 4: BE64 uncompressed size + zlib stream of a complete type-3 PDU."""
    z = zlib.compress(inner_pdu, 1) if stream is None else stream
    n = len(inner_pdu) if claimed is None else claimed
    return as_proto(AS_MSG_COMPRESSED, struct.pack(">Q", n) + z)


def mp_str_typed(s, ptype=3):
    """Aerospike msgpack string: str family with the particle type as first payload byte."""
    b = bytes([ptype]) + s
    if len(b) < 32:
        return bytes([0xA0 | len(b)]) + b
    if len(b) < 256:
        return b"\xd9" + bytes([len(b)]) + b
    return b"\xda" + struct.pack(">H", len(b)) + b


def aerospike_conversation_pdus():
    """(client->server, server->client) PDU pairs of a typical session."""
    pairs = []
    pairs.append((as_proto(AS_INFO, b"node\npeers-generation\npartition-generation\n"),
                  as_proto(AS_INFO, b"node\tBB9020011AC4202\npeers-generation\t1\n"
                                    b"partition-generation\t7\n")))
    # write: key fields + a string bin, an integer bin and a list bin
    ops = [as_op(2, 3, b"name", b"Alice"), as_op(2, 1, b"age", struct.pack(">q", 42)),
           as_op(2, 20, b"tags", b"\x93" + mp_str_typed(b"a") + b"\x01\xc3")]
    pairs.append((as_proto(AS_MSG, as_msg(as_key_fields(), ops, info2=0x01, ttl=3600, txn_ttl=1000)),
                  as_proto(AS_MSG, as_msg(result=0, generation=1, ttl=500000000))))
    # read all bins; response returns them
    rops = [as_op(1, 3, b"name", b"Alice"), as_op(1, 19, b"m", b"\x82\xa2\x03k\x01\x01\x02")]
    pairs.append((as_proto(AS_MSG, as_msg(as_key_fields(), info1=0x03, txn_ttl=1000)),
                  as_proto(AS_MSG, as_msg(ops=rops, generation=1, ttl=500000000))))
    # batch (field 41): 2 rows, second a REPEAT row; response: 2 records + LAST
    rows = (struct.pack(">I", 0) + bytes(20) + b"\x00" + b"\x01" + struct.pack(">HH", 1, 0) +
            as_field(0, b"test") +
            struct.pack(">I", 1) + bytes(range(1, 21)) + b"\x01")
    batch = struct.pack(">IB", 2, 0x08) + rows
    pairs.append((as_proto(AS_MSG, as_msg([as_field(41, batch)], info1=0x09, txn_ttl=1000)),
                  as_proto(AS_MSG, as_msg(ops=[as_op(1, 1, b"age", struct.pack(">q", 1))], txn_ttl=0) +
                           as_msg(result=2, txn_ttl=1)) +
                  as_proto(AS_MSG, as_msg(info3=0x01))))
    # compressed request (type 4) and an admin login
    inner = as_proto(AS_MSG, as_msg(as_key_fields(), [as_op(2, 3, b"s", b"x" * 200)], info2=1))
    pairs.append((as_compressed(inner), as_proto(AS_MSG, as_msg(generation=2))))
    login = (bytes([0, 0, 20, 2]) + bytes(12) + as_field(0, b"admin") +
             as_field(3, b"$2a$10$7EqJtq98hPqEX7fNZaFWoO" + b"x" * 31))
    pairs.append((as_proto(AS_ADMIN, login),
                  as_proto(AS_ADMIN, bytes([0, 0, 0, 2]) + bytes(12) + as_field(5, b"tok" * 10) +
                           as_field(6, struct.pack(">I", 86400)))))
    return pairs


# --------------------------------------------------------------------------------------------
# Aerospike cluster "msg" (aerospike.md §12), TCP 3001/3002, UDP 9918
def cl_field(fid, ftype, value):
    """msg field: BE16 id, ftype, value (fixed 4/8 for types 1/3, else BE32 length + bytes)."""
    if ftype in (1, 3):
        return struct.pack(">HB", fid, ftype) + value
    return struct.pack(">HBI", fid, ftype, len(value)) + value


def cl_field_raw(fid, ftype, length, value):
    return struct.pack(">HBI", fid, ftype, length) + value


def cl_msg(mtype, fields, size=None):
    body = b"".join(fields)
    return struct.pack(">IH", len(body) if size is None else size, mtype) + body


def cl_endpoints(n=1):
    eps = b"".join(b"\x00\x01" + struct.pack("<H", 3002) + bytes([10, 0, 0, 11 + i]) for i in range(n))
    return bytes([n]) + eps


def cl_heartbeat(node=0x0BB92E2D67270008, extra=()):
    paxos = (struct.pack("<I", 0x707C) + struct.pack("<QQQ", 0x1234, 7, node) +
             struct.pack("<I", 1) + struct.pack("<Q", node))
    fields = [cl_field(0, 1, struct.pack(">I", 0x6864)), cl_field(1, 1, struct.pack(">I", 0)),
              cl_field(2, 3, struct.pack(">Q", node)), cl_field(3, 5, b"mycluster\x00"),
              cl_field(4, 3, struct.pack(">Q", (1700000000000 << 16) | 3)),
              cl_field(5, 6, cl_endpoints(2)), cl_field(9, 6, cl_endpoints(1)),
              cl_field(10, 6, struct.pack("<Q", node + 1)), cl_field(11, 6, paxos),
              cl_field(12, 3, struct.pack(">Q", 1700000000123))] + list(extra)
    return cl_msg(5, fields)


def cl_heartbeat_compressed():
    inner = cl_heartbeat()
    return cl_msg(5, [cl_field(6, 6, zlib.compress(inner, 9))])


def cl_fabric_hello(node=0x0BB92E2D67270008):
    return cl_msg(0, [cl_field(0, 3, struct.pack(">Q", node)), cl_field(5, 1, struct.pack(">I", 1))])


# --------------------------------------------------------------------------------------------
# Trade (trade.md), TCP 2107: sender u8, size BE16 (total incl. 5-byte header), receiver BE16
def trade_pdu(sender, body, receiver=0xFFFF, size=None):
    return struct.pack(">BHH", sender, 5 + len(body) if size is None else size, receiver) + body


def trade_clock(us):
    return bytes([7]) + us.to_bytes(8, "little")[:7]


def trade_conversation():
    """(from_module, bytes) list of a module session."""
    clk = 3578115169880091
    return [
        (True, trade_pdu(37, b"Ping\x00")),
        (False, trade_pdu(1, b"Pong\x00")),
        (False, trade_pdu(1, b"Roundtrip\x00" + trade_clock(clk))),
        (True, trade_pdu(37, b"Roundtrip\x00" + trade_clock(clk))),
        (False, trade_pdu(1, b"Roundtrip for Module\x00DocumentSystem\x00" + bytes([3]) +
                          (188409).to_bytes(3, "little"))),
        (False, trade_pdu(1, b"New Connection\x00" + struct.pack(">H", 2654) + b"10.1.2.3\x00")),
        (False, trade_pdu(7, b"Login\x00MarketConfiguration\x00" + struct.pack(">H", 2678) +
                          b"XXXXXX0009\x0010.1.2.3\x00read\x00")),
        (False, trade_pdu(1, b"ModuleAndClientCount\x00" + struct.pack(">HH", 12, 340))),
        (False, trade_pdu(1, b"Status\x00Running\x00")),
        (False, trade_pdu(1, b"Close Connection\x00" + struct.pack(">H", 2654))),
        (True, trade_pdu(37, b"\x01\x02\x03\x04data", receiver=93)),
        (True, trade_pdu(37, b"Ping\x00" + trade_clock(clk + 30000000))),
        (False, trade_pdu(1, b"Pong\x00" + trade_clock(clk + 30000000))),
    ]


# --------------------------------------------------------------------------------------------
# HSF2 (hsf2.md §3-§4), TCP 12200
def hsf_heartbeat(req_id, response=False):
    return struct.pack(">BBB3sqI", 0x0C, 1 if response else 0, 1, b"\0\0\0", req_id,
                       0 if response else 3000)


def hsf_request(req_id, service, method, args, props=b"", codec=4, timeout=3000,
                arg_count=None, type_lens=None, obj_lens=None, props_len=None,
                service_len=None, method_len=None):
    """args: list of (type name bytes, serialized blob bytes)."""
    a = len(args) if arg_count is None else arg_count
    tl = [len(t) for t, _ in args] if type_lens is None else type_lens
    ol = [len(o) for _, o in args] if obj_lens is None else obj_lens
    hdr = struct.pack(">BBBB3sqiIII", 0x0E, 1, 0, codec, b"\0\0\0", req_id, timeout,
                      len(service) if service_len is None else service_len,
                      len(method) if method_len is None else method_len, a & 0xFFFFFFFF)
    hdr += b"".join(struct.pack(">I", x & 0xFFFFFFFF) for x in tl)
    hdr += b"".join(struct.pack(">I", x & 0xFFFFFFFF) for x in ol)
    hdr += struct.pack(">I", (len(props) if props_len is None else props_len) & 0xFFFFFFFF)
    return (hdr + service + method + b"".join(t for t, _ in args) + b"".join(o for _, o in args) +
            props)


def hsf_response(req_id, body, status=20, codec=4, body_len=None):
    return struct.pack(">BBBBB3sqI", 0x0E, 1, 1, status, codec, b"\0\0\0", req_id,
                       (len(body) if body_len is None else body_len) & 0xFFFFFFFF) + body


def h2_str(s):
    """Hessian 2 string (short form up to 31 chars, else 'S' + u16 length)."""
    if len(s) < 32:
        return bytes([len(s)]) + s
    return b"S" + struct.pack(">H", len(s)) + s


HSF_SERVICE = b"com.example.HelloService:1.0.0"
HESSIAN_USER = (b"C" + h2_str(b"com.example.User") + b"\x92" + h2_str(b"name") + h2_str(b"age") +
                b"\x60" + h2_str(b"Tom") + b"\xa2")


def hsf_conversation():
    """(from_client, bytes) list."""
    props = b"H" + h2_str(b"Consumer-AppName") + h2_str(b"demo") + b"Z"
    return [
        (True, hsf_request(1, HSF_SERVICE, b"sayHello", [(b"java.lang.String", h2_str(b"hello"))])),
        (False, hsf_response(1, h2_str(b"Hi, hello"))),
        (True, hsf_request(2, HSF_SERVICE, b"save", [(b"com.example.User", HESSIAN_USER)], props=props)),
        (False, hsf_response(2, b"service not found", status=60)),
        (True, hsf_request(3, HSF_SERVICE, b"list", [(b"java.util.List",
                                                      b"\x79" + b"H" + h2_str(b"k") + b"\x91" + b"Z"),
                                                     (b"int", b"\xd4\x10\x00"), (b"double", b"D" + struct.pack(">d", 1.5))])),
        (False, hsf_response(3, b"\x58\x93" + b"\x91" + b"\x92" + b"N")),
        (True, hsf_heartbeat(7)),
        (False, hsf_heartbeat(7, response=True)),
    ]


# --------------------------------------------------------------------------------------------
# RocketMQ remoting (rocketmq.md §2-§9), TCP 9876/10911/10909
def rmq_frame(header, body=b"", stype=0, length=None, header_len=None):
    hl = len(header) if header_len is None else header_len
    ln = 4 + len(header) + len(body) if length is None else length
    return struct.pack(">I", ln & 0xFFFFFFFF) + bytes([stype]) + (hl & 0xFFFFFF).to_bytes(3, "big") + \
        header + body


def rmq_json(code, opaque, flag=0, ext=None, remark=None, version=373):
    d = {"code": code}
    if ext is not None:
        d["extFields"] = ext
    d.update({"flag": flag, "language": "JAVA", "opaque": opaque})
    if remark is not None:
        d["remark"] = remark
    d.update({"serializeTypeCurrentRPC": "JSON", "version": version})
    return json.dumps(d, separators=(",", ":")).encode()


def rmq_binary(code, opaque, flag=0, ext=(), remark=b"", version=479, lang=0):
    e = b"".join(struct.pack(">H", len(k)) + k + struct.pack(">I", len(v)) + v for k, v in ext)
    return (struct.pack(">hBhii", code, lang, version, opaque, flag) + struct.pack(">I", len(remark)) +
            remark + struct.pack(">I", len(e)) + e)


def rmq_store_message(body, topic=b"TopicTest", props=b"UNIQ_KEY\x017F0000010001\x02TAGS\x01TagA\x02",
                      sysflag=0, queue_offset=250, total=None, body_len=None):
    rec = (struct.pack(">I", 0xDAA320A7) + struct.pack(">I", zlib.crc32(body) & 0x7FFFFFFF) +
           struct.pack(">iiqqi", 3, 0, queue_offset, 203292, sysflag) +
           struct.pack(">q", 1624245597021) + bytes([10, 140, 24, 189]) + struct.pack(">i", 64982) +
           struct.pack(">q", 1624245597023) + bytes([10, 140, 24, 189]) + struct.pack(">i", 10911) +
           struct.pack(">iq", 0, 0) + struct.pack(">i", len(body) if body_len is None else body_len) +
           body + bytes([len(topic)]) + topic + struct.pack(">h", len(props)) + props)
    n = 4 + len(rec) if total is None else total
    return struct.pack(">I", n & 0xFFFFFFFF) + rec


def rmq_conversation():
    """(from_client, bytes) list: route query, send v2, pull, heartbeat, binary-header request."""
    send_ext = {"a": "please_rename_unique_group_name", "b": "TopicTest", "c": "TBW102", "d": "4",
                "e": "2", "f": "0", "g": "1624246456683", "h": "0",
                "i": "UNIQ_KEY\u00017F00000154A00D716361697AD16B0000\u0002WAIT\u0001true\u0002TAGS\u0001TagA\u0002",
                "j": "0", "k": "false", "m": "false"}
    pull_body = rmq_store_message(b"Hello RocketMQ 2") + rmq_store_message(b"Hello RocketMQ 3", queue_offset=251)
    hb = json.dumps({"clientID": "10.0.0.1@1234", "consumerDataSet": [], "producerDataSet":
                     [{"groupName": "CLIENT_INNER_PRODUCER"}]}, separators=(",", ":")).encode()
    return [
        (True, rmq_frame(rmq_json(105, 1, ext={"topic": "TopicTest"}))),
        (False, rmq_frame(rmq_json(0, 1, flag=1), b'{"brokerDatas":[],"queueDatas":[]}')),
        (True, rmq_frame(rmq_json(310, 2, ext=send_ext), b"Hello RocketMQ 0")),
        (False, rmq_frame(rmq_json(0, 2, flag=1, ext={"msgId": "0A8C18BD00002A9F0000000000031A1C",
                                                       "queueId": "2", "queueOffset": "250"}))),
        (True, rmq_frame(rmq_json(11, 3, ext={"consumerGroup": "g", "topic": "TopicTest", "queueId": "3",
                                               "queueOffset": "250", "maxMsgNums": "32", "sysFlag": "3",
                                               "commitOffset": "0", "suspendTimeoutMillis": "15000",
                                               "subscription": "*", "subVersion": "0"}))),
        (False, rmq_frame(rmq_json(0, 3, flag=1, remark="FOUND",
                                   ext={"suggestWhichBrokerId": "0", "nextBeginOffset": "252",
                                        "maxOffset": "1250", "minOffset": "0"}), pull_body)),
        (True, rmq_frame(rmq_json(34, 4, ext={}), hb)),
        (False, rmq_frame(rmq_json(0, 4, flag=1))),
        (True, rmq_frame(rmq_binary(105, 5, ext=[(b"topic", b"TopicTest")]), stype=1)),
        (False, rmq_frame(rmq_binary(17, 5, flag=1, remark=b"No topic route info"), stype=1)),
        (True, rmq_frame(rmq_json(40, 8110, flag=2, ext={"consumerGroup": "g4"}))),
    ]
