"""rocketmq_pdus — small encoders of RocketMQ remoting frames for capbuilder test cases.

Everything follows ../shared/specs/rocketmq.md: a frame is int32 length | type byte + 24-bit header
length | header | body; JSON headers are written the way fastjson does (keys sorted, no spaces),
binary (ROCKETMQ) headers per spec §5, store-format message records per §9.2, batch bodies per §9.6.
"""
import json
import struct
import zlib
import ipaddress

MAGIC_V1 = 0xDAA320A7
MAGIC_V2 = 0xDAA320AB
MAGIC_BLANK = 0xCBD43194

LANG = {"JAVA": 0, "CPP": 1, "GO": 9}


def _jstr(s):
    # fastjson escapes control characters as \\uXXXX, writes non-ASCII raw
    out = []
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif o < 0x20:
            out.append("\\u%04X" % o)
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def json_header(code, opaque, flag=0, ext=None, remark=None, version=373, language="JAVA",
                rpc_type=True):
    """A fastjson-style JSON header (bytes). ext: list of (key, value) pairs or a dict."""
    parts = ['"code":%d' % code]
    if ext is not None:
        items = ext.items() if isinstance(ext, dict) else ext
        parts.append('"extFields":{' + ",".join(
            "%s:%s" % (_jstr(k), _jstr(v) if isinstance(v, str) else json.dumps(v)) for k, v in items) + "}")
    parts.append('"flag":%d' % flag)
    parts.append('"language":%s' % _jstr(language))
    parts.append('"opaque":%d' % opaque)
    if remark is not None:
        parts.append('"remark":%s' % _jstr(remark))
    if rpc_type:
        parts.append('"serializeTypeCurrentRPC":"JSON"')
    parts.append('"version":%d' % version)
    return ("{" + ",".join(parts) + "}").encode("utf-8")


def binary_header(code, opaque, flag=0, ext=(), remark=b"", version=479, language=0,
                  remark_len=None, ext_len=None, raw_ext=None):
    """A ROCKETMQ binary header. remark_len / ext_len override the written lengths (hostile
    input); raw_ext replaces the encoded ext area."""
    if isinstance(remark, str):
        remark = remark.encode()
    if raw_ext is None:
        e = b""
        for k, v in (ext.items() if isinstance(ext, dict) else ext):
            k = k.encode() if isinstance(k, str) else k
            v = v.encode() if isinstance(v, str) else v
            e += struct.pack(">h", len(k)) + k + struct.pack(">i", len(v)) + v
    else:
        e = raw_ext
    h = struct.pack(">HBHiI", code & 0xFFFF, language, version, opaque, flag)
    h += struct.pack(">I", (len(remark) if remark_len is None else remark_len) & 0xFFFFFFFF) + remark
    h += struct.pack(">I", (len(e) if ext_len is None else ext_len) & 0xFFFFFFFF) + e
    return h


def frame(header, body=b"", stype=0, length=None):
    """One remoting frame. length overrides the length field (hostile input)."""
    word = (stype << 24) | (len(header) & 0xFFFFFF)
    n = 4 + len(header) + len(body) if length is None else length
    return struct.pack(">II", n & 0xFFFFFFFF, word) + header + body


def request(code, opaque, ext=None, body=b"", flag=0, **kw):
    return frame(json_header(code, opaque, flag=flag, ext=ext, **kw), body)


def response(code, opaque, ext=None, body=b"", remark=None, **kw):
    return frame(json_header(code, opaque, flag=1, ext=ext, remark=remark, **kw), body)


def props(d):
    """Message properties: name \\x01 value \\x02 ..."""
    items = d.items() if isinstance(d, dict) else d
    return "".join("%s\x01%s\x02" % (k, v) for k, v in items)


def _host(spec):
    host, port = spec.rsplit(":", 1)
    host = host.strip("[]")
    ip = ipaddress.ip_address(host)
    return ip.packed, int(port)


def store_record(topic, body, queue_id=0, queue_offset=0, phys_offset=0, sysflag=0,
                 born="10.0.0.1:50000", store="10.0.0.2:10911", properties=None, magic=MAGIC_V1,
                 born_ts=1700000000123, store_ts=1700000000125, reconsume=0, flag=0, crc=None,
                 total_size=None, body_len=None, topic_len=None, props_len=None, prepared=0):
    """A store-format (commit-log) message record. Address sizes follow sysflag bits 0x10/0x20
    (IPv6 when set); the *_len / total_size arguments override what is written."""
    if isinstance(topic, str):
        topic = topic.encode()
    if isinstance(body, str):
        body = body.encode()
    p = props(properties or {}).encode() if not isinstance(properties, bytes) else properties
    bip, bport = _host(born)
    sip, sport = _host(store)
    if sysflag & 0x10:
        assert len(bip) == 16
    if sysflag & 0x20:
        assert len(sip) == 16
    crc = (zlib.crc32(body) & 0x7FFFFFFF) if crc is None else crc
    r = struct.pack(">iIIii", 0, magic, crc, queue_id, flag)
    r += struct.pack(">qqI", queue_offset, phys_offset, sysflag)
    r += struct.pack(">q", born_ts) + bip + struct.pack(">i", bport)
    r += struct.pack(">q", store_ts) + sip + struct.pack(">i", sport)
    r += struct.pack(">iq", reconsume, prepared)
    r += struct.pack(">i", len(body) if body_len is None else body_len) + body
    tl = len(topic) if topic_len is None else topic_len
    r += (struct.pack(">h", tl) if magic == MAGIC_V2 else struct.pack(">b", tl)) + topic
    r += struct.pack(">h", len(p) if props_len is None else props_len) + p
    n = len(r) if total_size is None else total_size
    return struct.pack(">i", n) + r[4:]


def offset_msg_id(store, phys_offset):
    ip, port = _host(store)
    return (ip + struct.pack(">iq", port, phys_offset)).hex().upper()


def batch_entry(body, properties=None, flag=0, total_size=None, body_len=None):
    if isinstance(body, str):
        body = body.encode()
    p = props(properties or {}).encode()
    r = struct.pack(">IIIi", 0, 0, 0, flag)
    r += struct.pack(">i", len(body) if body_len is None else body_len) + body
    r += struct.pack(">h", len(p)) + p
    n = len(r) if total_size is None else total_size
    return struct.pack(">i", n) + r[4:]


def send_v2_ext(topic, queue_id, group="PG", sysflag=0, properties="", batch=False, born=1700000000000):
    return [("a", group), ("b", topic), ("c", "TBW102"), ("d", "4"), ("e", str(queue_id)),
            ("f", str(sysflag)), ("g", str(born)), ("h", "0"), ("i", properties), ("j", "0"),
            ("k", "false"), ("m", "true" if batch else "false")]


def send_response_ext(msg_id, queue_id, queue_offset):
    return [("msgId", msg_id), ("queueId", str(queue_id)), ("queueOffset", str(queue_offset)),
            ("MSG_REGION", "DefaultRegion"), ("TRACE_ON", "true")]


def pull_ext(group, topic, queue_id, queue_offset, suspend=15000, max_nums=32):
    return [("consumerGroup", group), ("topic", topic), ("queueId", str(queue_id)),
            ("queueOffset", str(queue_offset)), ("maxMsgNums", str(max_nums)), ("sysFlag", "2"),
            ("commitOffset", "0"), ("suspendTimeoutMillis", str(suspend)), ("subscription", "*"),
            ("subVersion", "1700000000000"), ("expressionType", "TAG")]


def pull_found_ext(next_begin, min_off=0, max_off=100):
    return [("suggestWhichBrokerId", "0"), ("nextBeginOffset", str(next_begin)),
            ("minOffset", str(min_off)), ("maxOffset", str(max_off))]
