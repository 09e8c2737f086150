"""aerospike_pdus — encoders of Aerospike service-protocol PDUs (port 3000) for capture-builder tests.

Everything returns bytes, big-endian as on the wire (spec ../shared/specs/aerospike.md §2-§11).

    import aerospike_pdus as ap
    req = ap.message(ap.as_msg(fields=[ap.ns_field("test"), ap.set_field("demo"),
                                       ap.digest_field(ap.digest("demo", "user1")),
                                       ap.key_field("user1")],
                               ops=[ap.op(ap.OP_WRITE, "name", "Ann"), ap.op(ap.OP_WRITE, "age", 37)],
                               info2=ap.INFO2_WRITE, transaction_ttl=1000))
    rsp = ap.message(ap.as_msg(generation=1, record_ttl=ap.void_time(1700003600)))
    ap.info_request("build", "node")           ap.info_response([("build", "7.2.0.3")])
    ap.batch_request([ap.batch_row(0, d0, ns="test", set="demo"), ap.batch_row(1, d1, repeat=True)])
    ap.compressed(req)                          ap.admin(ap.ADMIN_LOGIN, fields=[...])

Lower-level pieces (proto header, field, op, as_msg, batch field, msgpack) are exposed too, with
knobs to build malformed PDUs (wrong sizes, counts, versions).
"""
import hashlib
import struct
import zlib

# proto header -------------------------------------------------------------------------------
PROTO_VERSION = 2
TYPE_INFO = 1
TYPE_ADMIN = 2
TYPE_MSG = 3
TYPE_COMPRESSED = 4

# as_msg info bits
INFO1_READ = 0x01
INFO1_GET_ALL = 0x02
INFO1_SHORT_QUERY = 0x04
INFO1_BATCH = 0x08
INFO1_XDR = 0x10
INFO1_GET_NO_BINS = 0x20
INFO1_READ_MODE_AP_ALL = 0x40
INFO1_COMPRESS_RESPONSE = 0x80
INFO2_WRITE = 0x01
INFO2_DELETE = 0x02
INFO2_GENERATION = 0x04
INFO2_GENERATION_GT = 0x08
INFO2_DURABLE_DELETE = 0x10
INFO2_CREATE_ONLY = 0x20
INFO2_RESPOND_ALL_OPS = 0x80
INFO3_LAST = 0x01
INFO3_COMMIT_MASTER = 0x02
INFO3_PARTITION_DONE = 0x04
INFO3_UPDATE_ONLY = 0x08

# field types
FIELD_NAMESPACE = 0
FIELD_SET = 1
FIELD_KEY = 2
FIELD_RECORD_VERSION = 3
FIELD_DIGEST = 4
FIELD_MRT_ID = 5
FIELD_MRT_DEADLINE = 6
FIELD_TRID = 7
FIELD_SCAN_OPTIONS = 8
FIELD_SOCKET_TIMEOUT = 9
FIELD_RPS = 10
FIELD_PID_ARRAY = 11
FIELD_DIGEST_ARRAY = 12
FIELD_MAX_RECORDS = 13
FIELD_INDEX_NAME = 21
FIELD_INDEX_RANGE = 22
FIELD_UDF_PACKAGE = 30
FIELD_UDF_FUNCTION = 31
FIELD_UDF_ARGLIST = 32
FIELD_UDF_OP = 33
FIELD_BATCH = 41
FIELD_BATCH_WITH_SET = 42
FIELD_FILTER_EXP = 43

# particle types
PT_NULL = 0
PT_INTEGER = 1
PT_FLOAT = 2
PT_STRING = 3
PT_BLOB = 4
PT_BOOL = 17
PT_HLL = 18
PT_MAP = 19
PT_LIST = 20
PT_GEOJSON = 23

# op types
OP_READ = 1
OP_WRITE = 2
OP_CDT_READ = 3
OP_CDT_MODIFY = 4
OP_INCR = 5
OP_EXP_READ = 7
OP_EXP_MODIFY = 8
OP_APPEND = 9
OP_PREPEND = 10
OP_TOUCH = 11
OP_BIT_READ = 12
OP_BIT_MODIFY = 13
OP_DELETE = 14
OP_HLL_READ = 15
OP_HLL_MODIFY = 16

# batch
BATCH_REPEAT = 0x01
BATCH_INFO = 0x02
BATCH_GEN = 0x04
BATCH_TTL = 0x08
BATCH_INFO4 = 0x10

# admin
ADMIN_AUTHENTICATE = 0
ADMIN_CREATE_USER = 1
ADMIN_QUERY_USERS = 9
ADMIN_LOGIN = 20
ADMIN_USER = 0
ADMIN_PASSWORD = 1
ADMIN_CREDENTIAL = 3
ADMIN_CLEAR_PASSWORD = 4
ADMIN_SESSION_TOKEN = 5
ADMIN_SESSION_TTL = 6
ADMIN_ROLES = 10

VOID_TIME_EPOCH = 1262304000  # 2010-01-01 00:00:00 UTC


# ---- proto header ----------------------------------------------------------------------------
def proto_header(size, type=TYPE_MSG, version=PROTO_VERSION):
    """The 8-byte header: version, type, 48-bit size."""
    return struct.pack("!BB", version, type) + struct.pack("!Q", size)[2:]


def proto(body, type=TYPE_MSG, version=PROTO_VERSION, size=None):
    """A complete PDU; `size` overrides the header's size (malformed PDUs)."""
    return proto_header(len(body) if size is None else size, type, version) + body


# ---- info (type 1) ---------------------------------------------------------------------------
def info_request(*commands, terminate=True, version=PROTO_VERSION):
    """Commands one per line; terminate=False leaves the last one without its newline."""
    text = "\n".join(commands)
    if commands and terminate:
        text += "\n"
    return proto(text.encode(), TYPE_INFO, version)


def info_response(pairs, version=PROTO_VERSION):
    """pairs: [(name, value)] -> 'name\\tvalue\\n'...; a pair (None, value) writes the value alone."""
    text = "".join(("%s\t%s\n" % (n, v)) if n is not None else "%s\n" % v for n, v in pairs)
    return proto(text.encode(), TYPE_INFO, version)


# ---- key digest --------------------------------------------------------------------------------
def key_particle(key):
    """(particle type, value bytes) of a Python user key."""
    if isinstance(key, bool):
        raise TypeError("bool keys are not allowed")
    if isinstance(key, int):
        return PT_INTEGER, struct.pack("!q", key)
    if isinstance(key, float):
        return PT_FLOAT, struct.pack("!d", key)
    if isinstance(key, str):
        return PT_STRING, key.encode()
    return PT_BLOB, bytes(key)


def digest(set_name, key):
    """RIPEMD-160(set || particle type || key value) (spec §7)."""
    pt, val = key_particle(key)
    h = hashlib.new("ripemd160")
    h.update((set_name or "").encode() + bytes([pt]) + val)
    return h.digest()


def void_time(unix_seconds):
    """A response record_ttl (void time) for an absolute Unix time."""
    return int(unix_seconds) - VOID_TIME_EPOCH


# ---- fields ---------------------------------------------------------------------------------
def field(ftype, data, size=None):
    """field_sz (type + data, or `size`) | type | data."""
    data = bytes(data)
    return struct.pack("!IB", len(data) + 1 if size is None else size, ftype) + data


def ns_field(ns):
    return field(FIELD_NAMESPACE, ns.encode())


def set_field(s):
    return field(FIELD_SET, s.encode())


def digest_field(d):
    return field(FIELD_DIGEST, d)


def key_field(key):
    pt, val = key_particle(key)
    return field(FIELD_KEY, bytes([pt]) + val)


def u32_field(ftype, v):
    return field(ftype, struct.pack("!I", v))


def u64_field(ftype, v):
    return field(ftype, struct.pack("!Q", v))


def pid_array_field(pids):
    return field(FIELD_PID_ARRAY, b"".join(struct.pack("<H", p) for p in pids))


def index_range_field(bin_name, begin, end):
    """One equality/range filter on an integer or string bin."""
    pt, b = key_particle(begin)
    _, e = key_particle(end)
    n = bin_name.encode()
    data = bytes([1, len(n)]) + n + bytes([pt]) + struct.pack("!I", len(b)) + b + struct.pack("!I", len(e)) + e
    return field(22, data)


# ---- MessagePack (Aerospike conventions) -------------------------------------------------------
class Particle:
    """A string/blob/geojson inside msgpack: str family with the particle type as first byte."""

    def __init__(self, ptype, data):
        self.ptype = ptype
        self.data = data.encode() if isinstance(data, str) else bytes(data)


def mp_str(raw):
    n = len(raw)
    if n < 32:
        return bytes([0xA0 | n]) + raw
    if n < 256:
        return b"\xd9" + bytes([n]) + raw
    if n < 65536:
        return b"\xda" + struct.pack("!H", n) + raw
    return b"\xdb" + struct.pack("!I", n) + raw


def msgpack(obj):
    """Pack: None, bool, int, float, str (particle STRING), bytes (particle BLOB), Particle,
    list, tuple, dict."""
    if obj is None:
        return b"\xc0"
    if obj is True:
        return b"\xc3"
    if obj is False:
        return b"\xc2"
    if isinstance(obj, int):
        if 0 <= obj < 128:
            return bytes([obj])
        if -32 <= obj < 0:
            return struct.pack("!b", obj)
        if 0 <= obj < 256:
            return b"\xcc" + bytes([obj])
        if 0 <= obj < 65536:
            return b"\xcd" + struct.pack("!H", obj)
        if 0 <= obj < 2 ** 32:
            return b"\xce" + struct.pack("!I", obj)
        return b"\xd3" + struct.pack("!q", obj)
    if isinstance(obj, float):
        return b"\xcb" + struct.pack("!d", obj)
    if isinstance(obj, str):
        return mp_str(bytes([PT_STRING]) + obj.encode())
    if isinstance(obj, (bytes, bytearray)):
        return mp_str(bytes([PT_BLOB]) + bytes(obj))
    if isinstance(obj, Particle):
        return mp_str(bytes([obj.ptype]) + obj.data)
    if isinstance(obj, (list, tuple)):
        n = len(obj)
        hdr = bytes([0x90 | n]) if n < 16 else b"\xdc" + struct.pack("!H", n)
        return hdr + b"".join(msgpack(x) for x in obj)
    if isinstance(obj, dict):
        n = len(obj)
        hdr = bytes([0x80 | n]) if n < 16 else b"\xde" + struct.pack("!H", n)
        return hdr + b"".join(msgpack(k) + msgpack(v) for k, v in obj.items())
    raise TypeError(type(obj))


# ---- operations ----------------------------------------------------------------------------------
def value_particle(value):
    """(particle type, bytes) of a bin value."""
    if value is None:
        return PT_NULL, b""
    if isinstance(value, bool):
        return PT_BOOL, bytes([1 if value else 0])
    if isinstance(value, int):
        return PT_INTEGER, struct.pack("!q", value)
    if isinstance(value, float):
        return PT_FLOAT, struct.pack("!d", value)
    if isinstance(value, str):
        return PT_STRING, value.encode()
    if isinstance(value, (bytes, bytearray)):
        return PT_BLOB, bytes(value)
    if isinstance(value, dict):
        return PT_MAP, msgpack(value)
    if isinstance(value, (list, tuple)):
        return PT_LIST, msgpack(list(value))
    raise TypeError(type(value))


def op(op_type, bin_name="", value=None, particle=None, raw=None, flags=0, size=None):
    """op_sz | op | particle type | flags | name_len | name | value.
    `raw` gives the value bytes directly (with `particle`), e.g. a CDT payload."""
    if raw is None:
        pt, data = value_particle(value)
    else:
        pt, data = PT_BLOB, bytes(raw)
    if particle is not None:
        pt = particle
    name = bin_name.encode()
    body = struct.pack("!BBBB", op_type, pt, flags, len(name)) + name + data
    return struct.pack("!I", len(body) if size is None else size) + body


def cdt_op(op_type, bin_name, cdt_code, *args):
    """A CDT/bit/HLL op whose value is msgpack [code, args...]."""
    return op(op_type, bin_name, raw=msgpack([cdt_code] + list(args)), particle=PT_BLOB)


# ---- as_msg ------------------------------------------------------------------------------------
def as_msg(fields=(), ops=(), info1=0, info2=0, info3=0, info4=0, result=0, generation=0, record_ttl=0,
           transaction_ttl=0, n_fields=None, n_ops=None, header_sz=22):
    """The 22-byte header followed by fields and ops. n_fields/n_ops override the counts."""
    fields, ops = list(fields), list(ops)
    hdr = struct.pack("!BBBBBBIIIHH", header_sz, info1, info2, info3, info4, result, generation,
                      record_ttl & 0xFFFFFFFF, transaction_ttl, len(fields) if n_fields is None else n_fields,
                      len(ops) if n_ops is None else n_ops)
    return hdr + b"".join(fields) + b"".join(ops)


def message(*msgs, version=PROTO_VERSION):
    """A type 3 PDU holding one or more as_msg."""
    return proto(b"".join(msgs), TYPE_MSG, version)


def last_msg(result=0):
    """The INFO3_LAST marker that ends a batch/scan/query answer."""
    return as_msg(info3=INFO3_LAST, result=result)


def key_request(ns, set_name, key, ops=(), info1=0, info2=0, send_key=True, transaction_ttl=1000, **kw):
    """A single-record command with namespace, set, digest [and key]."""
    fields = [ns_field(ns), set_field(set_name), digest_field(digest(set_name, key))]
    if send_key:
        fields.append(key_field(key))
    return message(as_msg(fields, ops, info1=info1, info2=info2, transaction_ttl=transaction_ttl, **kw))


# ---- batch (field 41) ------------------------------------------------------------------------------
def batch_row(index, dig, ns=None, set=None, repeat=False, info1=INFO1_READ | INFO1_GET_ALL, info2=0, info3=0,
              ttl=0, gen=None, info4=None, fields=(), ops=(), flags=None):
    """One row: index | digest | flags | meta | n_fields | n_ops | fields | ops.
    Default is a v2 read row (flags INFO|TTL); repeat=True writes a REPEAT row (25 bytes)."""
    if repeat:
        return struct.pack("!I", index) + dig + bytes([BATCH_REPEAT if flags is None else flags])
    if flags is None:
        flags = BATCH_INFO | BATCH_TTL | (BATCH_GEN if gen is not None else 0) | (BATCH_INFO4 if info4 is not None else 0)
    meta = bytes([info1])
    if flags & BATCH_INFO:
        meta += bytes([info2, info3])
    if flags & BATCH_INFO4:
        meta += bytes([info4 or 0])
    if flags & BATCH_GEN:
        meta += struct.pack("!H", gen or 0)
    if flags & BATCH_TTL:
        meta += struct.pack("!I", ttl)
    fl = ([ns_field(ns)] if ns is not None else []) + ([set_field(set)] if set is not None else []) + list(fields)
    ops = list(ops)
    return (struct.pack("!I", index) + dig + bytes([flags]) + meta + struct.pack("!HH", len(fl), len(ops)) +
            b"".join(fl) + b"".join(ops))


def batch_field(rows, count=None, flags=0x08, ftype=FIELD_BATCH):
    """count (default: number of rows) | parent flags | rows."""
    rows = list(rows)
    return field(ftype, struct.pack("!IB", len(rows) if count is None else count, flags) + b"".join(rows))


def batch_request(rows, count=None, transaction_ttl=1000, extra_fields=()):
    return message(as_msg(list(extra_fields) + [batch_field(rows, count)], info1=INFO1_BATCH,
                          transaction_ttl=transaction_ttl))


def batch_record(index, result=0, generation=1, record_ttl=0, ops=()):
    """One record of a batch answer (transaction_ttl = row index)."""
    return as_msg(ops=ops, result=result, generation=generation, record_ttl=record_ttl, transaction_ttl=index)


# ---- compressed (type 4) -------------------------------------------------------------------------
def compressed(inner_pdu, level=1, uncompressed_size=None, data=None, version=PROTO_VERSION):
    """Type 4: 8-byte uncompressed size (the complete inner PDU) + zlib stream (or `data`)."""
    z = zlib.compress(inner_pdu, level) if data is None else bytes(data)
    usize = len(inner_pdu) if uncompressed_size is None else uncompressed_size
    return proto(struct.pack("!Q", usize) + z, TYPE_COMPRESSED, version)


# ---- admin (type 2) --------------------------------------------------------------------------------
def admin_field(fid, data):
    data = data.encode() if isinstance(data, str) else bytes(data)
    return struct.pack("!IB", len(data) + 1, fid) + data


def admin_record(command=0, result=0, fields=(), scheme=0):
    fields = list(fields)
    return struct.pack("!BBBB", scheme, result, command, len(fields)) + bytes(12) + b"".join(fields)


def admin(command=0, result=0, fields=(), version=PROTO_VERSION, records=None):
    """A type 2 PDU with one security record (or the given list of records)."""
    body = b"".join(records) if records is not None else admin_record(command, result, fields)
    return proto(body, TYPE_ADMIN, version)


def login_request(user, credential="$2a$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Q1Ze2mGmVAGr/Ta6b3ekh1Hy"):
    return admin(ADMIN_LOGIN, fields=[admin_field(ADMIN_USER, user), admin_field(ADMIN_CREDENTIAL, credential)])
