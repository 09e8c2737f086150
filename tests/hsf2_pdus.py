"""hsf2_pdus — byte builders for HSF2 tests: a small Hessian 2 encoder and the HSF2 frames
(heartbeat 0x0C, HSF remoting 0x0E request/response, TB Remoting 0x0D, Dubbo 0xDABB).

Layouts follow ../shared/specs/hsf2.md (§3 heartbeat, §4 HSF remoting, §8 TB Remoting, §9 Dubbo,
§10 Hessian). Everything big-endian.
"""
import struct


# ---- Hessian 2 encoder ------------------------------------------------------------------------

class Long(int):
    """Force the Hessian long encodings."""


class Double(float):
    """Force the Hessian double encodings (also for integral values)."""


class Ref:
    """Q n: reference to the n-th list/map/object of the stream."""
    def __init__(self, n):
        self.n = n


class Raw:
    """Bytes inserted as they are."""
    def __init__(self, data):
        self.data = bytes(data)


class Obj:
    """An object instance of class `cls` with ordered fields [(name, value), ...]."""
    def __init__(self, cls, fields):
        self.cls = cls
        self.fields = list(fields)


class TypedList:
    def __init__(self, type_name, items):
        self.type = type_name
        self.items = list(items)


class TypedMap:
    def __init__(self, type_name, entries):
        self.type = type_name
        self.entries = list(entries)


def h_int(n):
    if -16 <= n <= 47:
        return bytes([0x90 + n])
    if -2048 <= n <= 2047:
        return bytes([0xC8 + (n >> 8), n & 0xFF])
    if -262144 <= n <= 262143:
        return bytes([0xD4 + (n >> 16), (n >> 8) & 0xFF, n & 0xFF])
    return b"I" + struct.pack(">i", n)


def h_long(n):
    if -8 <= n <= 15:
        return bytes([0xE0 + n])
    if -2048 <= n <= 2047:
        return bytes([0xF8 + (n >> 8), n & 0xFF])
    if -262144 <= n <= 262143:
        return bytes([0x3C + (n >> 16), (n >> 8) & 0xFF, n & 0xFF])
    if -2 ** 31 <= n < 2 ** 31:
        return b"Y" + struct.pack(">i", n)
    return b"L" + struct.pack(">q", n)


def h_double(d):
    if d == 0.0:
        return b"\x5b"
    if d == 1.0:
        return b"\x5c"
    if d == int(d) and -128 <= d <= 127:
        return b"\x5d" + struct.pack(">b", int(d))
    if d == int(d) and -32768 <= d <= 32767:
        return b"\x5e" + struct.pack(">h", int(d))
    mills = round(d * 1000)
    if mills / 1000.0 == d and -2 ** 31 <= mills < 2 ** 31:
        return b"\x5f" + struct.pack(">i", mills)
    return b"D" + struct.pack(">d", d)


def _utf16_len(s):
    return len(s.encode("utf-16-be")) // 2


def _cesu8(s):
    """Java's modified UTF-8 without the NUL special case: surrogates as two 3-byte sequences."""
    out = bytearray()
    for ch in s:
        cp = ord(ch)
        if cp >= 0x10000:
            cp -= 0x10000
            for unit in (0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF)):
                out += bytes([0xE0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3F), 0x80 | (unit & 0x3F)])
        else:
            out += ch.encode("utf-8")
    return bytes(out)


def h_string(s):
    out = bytearray()
    while _utf16_len(s) > 0x8000:
        # one 'R' chunk of 0x8000 UTF-16 units (test strings are BMP-only when this long)
        chunk, s = s[:0x8000], s[0x8000:]
        out += b"R" + struct.pack(">H", 0x8000) + _cesu8(chunk)
    n = _utf16_len(s)
    data = _cesu8(s)
    if n <= 31:
        out += bytes([n]) + data
    elif n <= 1023:
        out += bytes([0x30 + (n >> 8), n & 0xFF]) + data
    else:
        out += b"S" + struct.pack(">H", n) + data
    return bytes(out)


def h_binary(b):
    b = bytes(b)
    if len(b) <= 15:
        return bytes([0x20 + len(b)]) + b
    if len(b) <= 1023:
        return bytes([0x34 + (len(b) >> 8), len(b) & 0xFF]) + b
    return b"B" + struct.pack(">H", len(b)) + b


class Encoder:
    """One Hessian 2 stream (its own class-definition table)."""

    def __init__(self):
        self.classes = []

    def encode(self, v):
        if isinstance(v, Raw):
            return v.data
        if v is None:
            return b"N"
        if isinstance(v, bool):
            return b"T" if v else b"F"
        if isinstance(v, Long):
            return h_long(int(v))
        if isinstance(v, Double):
            return h_double(float(v))
        if isinstance(v, int):
            return h_int(v) if -2 ** 31 <= v < 2 ** 31 else h_long(v)
        if isinstance(v, float):
            return h_double(v)
        if isinstance(v, str):
            return h_string(v)
        if isinstance(v, (bytes, bytearray)):
            return h_binary(v)
        if isinstance(v, Ref):
            return b"Q" + h_int(v.n)
        if isinstance(v, TypedList):
            n = len(v.items)
            head = (bytes([0x70 + n]) if n <= 7 else b"V") + h_string(v.type)
            if n > 7:
                head += h_int(n)
            return head + b"".join(self.encode(x) for x in v.items)
        if isinstance(v, (list, tuple)):
            n = len(v)
            head = bytes([0x78 + n]) if n <= 7 else b"X" + h_int(n)
            return head + b"".join(self.encode(x) for x in v)
        if isinstance(v, TypedMap):
            return (b"M" + h_string(v.type) +
                    b"".join(self.encode(k) + self.encode(x) for k, x in v.entries) + b"Z")
        if isinstance(v, dict):
            return b"H" + b"".join(self.encode(k) + self.encode(x) for k, x in v.items()) + b"Z"
        if isinstance(v, Obj):
            names = tuple(f for f, _ in v.fields)
            key = (v.cls, names)
            out = b""
            if key not in self.classes:
                self.classes.append(key)
                out += b"C" + h_string(v.cls) + h_int(len(names)) + b"".join(h_string(f) for f in names)
            idx = self.classes.index(key)
            out += bytes([0x60 + idx]) if idx <= 15 else b"O" + h_int(idx)
            return out + b"".join(self.encode(x) for _, x in v.fields)
        raise TypeError(repr(v))


def hessian(v):
    """A value as its own Hessian 2 stream."""
    return Encoder().encode(v)


# ---- HSF2 frames ------------------------------------------------------------------------------

def heartbeat(req_id, response=False, timeout=3000):
    op = 1 if response else 0
    return struct.pack(">BBB3sqI", 0x0C, op, 1, b"\0\0\0", req_id, 0 if response else timeout)


def request(service, method, args=(), req_id=1, timeout=3000, codec=4, props=b"", version=1):
    """args: [(type_name, serialized_blob)]"""
    types = [t.encode() for t, _ in args]
    objs = [bytes(o) for _, o in args]
    svc, mth = service.encode(), method.encode()
    head = struct.pack(">BBBB3sqiiii", 0x0E, version, 0, codec, b"\0\0\0", req_id, timeout,
                       len(svc), len(mth), len(args))
    head += b"".join(struct.pack(">i", len(t)) for t in types)
    head += b"".join(struct.pack(">i", len(o)) for o in objs)
    head += struct.pack(">i", len(props))
    return head + svc + mth + b"".join(types) + b"".join(objs) + bytes(props)


def response(req_id, body=b"", status=20, codec=4, version=1):
    return struct.pack(">BBBBB3sqi", 0x0E, version, 1, status, codec, b"\0\0\0", req_id, len(body)) + bytes(body)


def dubbo(req_id, body=b"", request=True, two_way=True, event=False, serialization=2, status=20):
    flags = serialization | (0x80 if request else 0) | (0x40 if two_way else 0) | (0x20 if event else 0)
    return struct.pack(">HBBqi", 0xDABB, flags, 0 if request else status, req_id, len(body)) + bytes(body)


def dubbo_request_body(service, method, desc, args, version="1.0.0", attachments=None):
    e = Encoder()
    out = e.encode("2.0.2") + e.encode(service) + e.encode(version) + e.encode(method) + e.encode(desc)
    out += b"".join(e.encode(a) for a in args)
    return out + e.encode(attachments or {})


# ---- the spec's worked examples ----------------------------------------------------------------

# §5.1 request sayHello("hello"), codec 4, id 1, timeout 3000: 103 bytes
SPEC_5_1 = bytes.fromhex(
    "0e010004000000000000000000000100"
    "000bb80000001e000000080000000100"
    "000010000000060000000063 6f6d2e65"
    "78616d706c652e48656c6c6f53657276"
    "6963653a312e302e307361794865 6c6c"
    "6f6a6176612e6c616e672e537472696e"
    "670568656c6c6f".replace(" ", ""))
# §5.2 response OK "Hi, hello": 30 bytes
SPEC_5_2 = bytes.fromhex("0e010114040000000000000000000001" "0000000a0948692c2068656c6c6f")
# §5.3 response SERVICE_NOT_FOUND with a text body: 37 bytes
SPEC_5_3 = bytes.fromhex("0e01013c040000000000000000000002" "0000001173657276696365206e6f7420" "666f756e64")
# §5.4 save(User{name="Tom", age=18}): the 34-byte argument blob (the request is 126 bytes)
SPEC_5_4_ARG = bytes.fromhex("4310636f6d2e6578616d706c652e5573657292046e616d65036167656003546f6da2")

# §8 TB Remoting examples (MOSN trcodec_test.go): request 289 bytes, response 369 bytes, Hessian 1
TB_REQUEST = bytes.fromhex(
    "0d0001020000 00008f2d00000057".replace(" ", "") +
    "4d74002a636f6d2e74616f62616f2e72656d6f74696e672e696d706c2e436f6e6e656374696f6e52657175657374"
    "53000363747"
    "84d740039636f6d2e74616f62616f2e72656d6f74696e672e696d706c2e436f6e6e656374696f6e52657175657374"
    "24526571756573744"
    "36f6e74657874530002696"
    "44c0000000000000001530006746869732430520000000 07a7a".replace(" ", "") +
    "636f6d2e616c697061792e72656d6f74696e672e7270632e74722e7574696c2e436c69656e7452657175657374"
    "4d74002d636f6d2e616c697061792e72656d6f74696e672e7270632e74722e7574696c2e436c69656e74526571756573"
    "74530002696449000000015300036d7367530012"
    "66726f6d20636c69656e742c20747375692e7a")
TB_RESPONSE = bytes.fromhex(
    "0d01010000000000d32e00000062"
    "4d74002b636f6d2e74616f62616f2e72656d6f74696e672e696d706c2e436f6e6e656374696f6e526573706f6e7365"
    "530004686f737453000f3132372e302e302e313a3537343238"
    "530006726573756c744900000000"
    "5300086572726f724d73674e"
    "53000a6572726f72537461636b4e"
    "53000363747"
    "84d74003b636f6d2e74616f62616f2e72656d6f74696e672e696d706c2e436f6e6e656374696f6e526573706f6e7365"
    "24526573706f6e7365436f6e74657874"
    "5300026964 4c0000000000000001".replace(" ", "") +
    "5300067468697324305200000000 7a7a".replace(" ", "") +
    "636f6d2e616c697061792e72656d6f74696e672e7270632e74722e7574696c2e436c69656e74526573706f6e7365"
    "4d74002e636f6d2e616c697061792e72656d6f74696e672e7270632e74722e7574696c2e436c69656e74526573706f6e7365"
    "5300026964490000006353000"
    "36d736753001c726573706f6e73653a2066726f6d20636c69656e742c20747375692e7a")

assert len(SPEC_5_1) == 103, len(SPEC_5_1)
assert len(SPEC_5_2) == 30
assert len(SPEC_5_3) == 37
assert len(SPEC_5_4_ARG) == 34
assert len(TB_REQUEST) == 289, len(TB_REQUEST)
assert len(TB_RESPONSE) == 369, len(TB_RESPONSE)
assert SPEC_5_1 == request("com.example.HelloService:1.0.0", "sayHello",
                           [("java.lang.String", hessian("hello"))], req_id=1)
assert SPEC_5_2 == response(1, hessian("Hi, hello"))
assert SPEC_5_4_ARG == hessian(Obj("com.example.User", [("name", "Tom"), ("age", 18)]))


# ---- the 50-request conversation used by the dissection and statistics tests -------------------

SERVICES = [
    ("com.example.HelloService:1.0.0", "sayHello"),
    ("com.example.UserService:1.0.0", "save"),
    ("com.example.UserService:1.0.0", "find"),
    ("com.example.OrderService:2.0.0", "create"),
]
SPLIT_ID = 12            # sent in two segments cut in the middle of its argument-length array
LATE_IDS = (41, 42, 43)  # timeout 100 ms, answered 250 ms later
UNANSWERED_IDS = (49, 50)
ERRORS = {5: 70, 17: 81, 33: 60}   # request id -> non-OK status
ORPHAN_ID = 999          # a response whose request is not in the capture
BATCH_IDS = list(range(11, 31))    # their 20 responses travel in one TCP segment
HEARTBEAT_IDS = (1000, 1001)


def _method_of(i):
    if i == SPLIT_ID:
        return "com.example.UserService:1.0.0", "update"
    return SERVICES[i % 4]


def _args_of(i):
    service, method = _method_of(i)
    if method == "update":
        return [("com.example.User", hessian(Obj("com.example.User", [("name", "u%d" % i), ("age", i)]))),
                ("boolean", hessian(True))]
    if method == "sayHello":
        return [("java.lang.String", hessian("hello %d" % i))]
    if method == "save":
        return [("com.example.User", hessian(Obj("com.example.User", [("name", "u%d" % i), ("age", i)])))]
    if method == "find":
        return [("long", hessian(Long(i)))]
    return [("java.util.Map", hessian({"item": "book", "qty": i}))]


def build_conversation(cap):
    """Write the conversation into `cap` (a capbuilder.Capture). Returns a dict of facts:
    req_frame[id], rsp_frame[id], latency_ms[id], heartbeat frames, the split frames, the frame
    holding 20 responses, the orphan response frame."""
    c = cap.tcp("10.1.0.1:51000", "10.1.0.2:12200")
    f = {"req_frame": {}, "rsp_frame": {}, "req_time": {}, "rsp_time": {}, "hb_req": {}, "hb_rsp": {},
         "method": {}, "timeout": {}}

    def frame():
        return len(cap.packets)

    def send_req(i, **kw):
        service, method = _method_of(i)
        timeout = 100 if i in LATE_IDS else 3000
        props = hessian({"eagleeye.traceid": "0b%08x" % i, "eagleeye.rpcid": "0.%d" % i}) if i % 5 == 0 else b""
        pdu = request(service, method, _args_of(i), req_id=i, timeout=timeout, props=props)
        pieces = c.c2s(pdu, **kw)
        f["req_frame"][i] = frame()
        f["req_time"][i] = cap.t
        f["method"][i] = (service, method)
        f["timeout"][i] = timeout
        return pdu, pieces

    def rsp_pdu(i):
        if i in ERRORS:
            return response(i, ("error for %d" % i).encode(), status=ERRORS[i])
        return response(i, hessian("result-%d" % i))

    def send_rsp(i, dt=0.002):
        c.s2c(rsp_pdu(i), dt=dt)
        f["rsp_frame"][i] = frame()
        f["rsp_time"][i] = cap.t

    # phase A: 10 requests, answered in reverse order
    for i in range(1, 11):
        send_req(i)
    for i in range(10, 0, -1):
        send_rsp(i)
    # a heartbeat
    c.c2s(heartbeat(HEARTBEAT_IDS[0]))
    f["hb_req"][HEARTBEAT_IDS[0]] = frame()
    c.s2c(heartbeat(HEARTBEAT_IDS[0], response=True), dt=0.0005)
    f["hb_rsp"][HEARTBEAT_IDS[0]] = frame()
    # phase B: 20 requests (one cut inside its argument-length array), 20 responses in ONE segment
    for i in BATCH_IDS:
        if i == SPLIT_ID:
            pdu, pieces = send_req(i, segs=[31 + 8 + 2])   # 2 args: lengths at 31..46, cut at 41
            f["split_frames"] = (frame() - 1, frame())
        else:
            send_req(i)
    order = sorted(BATCH_IDS, key=lambda i: (i * 7) % 20)
    c.s2c(b"".join(rsp_pdu(i) for i in order), dt=0.003)
    f["batch_frame"] = frame()
    f["batch_order"] = order
    for i in order:
        f["rsp_frame"][i] = frame()
        f["rsp_time"][i] = cap.t
    # phase C: requests 31..50, answered out of order, three late, two never
    for i in range(31, 41):
        send_req(i)
    for i in (35, 31, 40, 33, 38, 32, 36, 34, 39, 37):
        send_rsp(i)
    for i in range(41, 51):
        send_req(i)
    for i in (46, 44, 48, 45, 47):
        send_rsp(i)
    cap.tick(0.25)
    for i in LATE_IDS:
        send_rsp(i)
    # a response to a request the capture does not have, and the last heartbeat
    c.s2c(response(ORPHAN_ID, hessian("late answer")))
    f["orphan_frame"] = frame()
    c.c2s(heartbeat(HEARTBEAT_IDS[1]))
    f["hb_req"][HEARTBEAT_IDS[1]] = frame()
    c.s2c(heartbeat(HEARTBEAT_IDS[1], response=True), dt=0.0005)
    f["hb_rsp"][HEARTBEAT_IDS[1]] = frame()
    for i, t in f["rsp_time"].items():
        pass
    f["latency_ms"] = {i: (f["rsp_time"][i] - f["req_time"][i]) * 1000.0 for i in f["rsp_time"]}
    return f
