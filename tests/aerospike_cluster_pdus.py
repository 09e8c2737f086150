"""Encoders for Aerospike cluster msgs (heartbeat v3 and fabric), written from
../shared/specs/aerospike.md §12, for capbuilder test cases.

    msg   := size(BE32, excludes the 6-byte header) type(BE16) field*
    field := id(BE16) ftype(1) value    (uint32/uint64 fixed; every other type BE32 length + data)

Inside heartbeat plugin buffers node ids, ports and clustering integers are little-endian (x86
host order).
"""
import ipaddress
import struct
import zlib

# msg types
M_FABRIC, M_HEARTBEAT_V2, M_PAXOS, M_MIGRATE, M_PROXY, M_HEARTBEAT = 0, 1, 2, 3, 4, 5
M_CLUSTERING, M_RW, M_INFO, M_EXCHANGE, M_SMD = 6, 7, 8, 9, 15

# field types
FT_U32, FT_U64, FT_STR, FT_BUF, FT_AU32, FT_AU64, FT_ABUF, FT_ASTR, FT_MSGPACK = 1, 3, 5, 6, 7, 8, 9, 10, 11

# heartbeat field ids
HB_ID, HB_TYPE, HB_NODE, HB_CLUSTER_NAME, HB_HLC, HB_ENDPOINTS, HB_COMPRESSED = 0, 1, 2, 3, 4, 5, 6
HB_INFO_REQUEST, HB_INFO_REPLY, HB_FABRIC_DATA, HB_HB_DATA, HB_PAXOS_DATA, HB_SKEW = 7, 8, 9, 10, 11, 12
HB_PROTOCOL_ID = 0x6864
CLUSTERING_ID = 0x707C


def u32(fid, v):
    return struct.pack(">HBI", fid, FT_U32, v)


def u64(fid, v):
    return struct.pack(">HBQ", fid, FT_U64, v)


def lv(fid, ftype, data, length=None):
    """A length-prefixed field; `length` overrides the length written (lies for truncation tests)."""
    return struct.pack(">HBI", fid, ftype, len(data) if length is None else length) + data


def string(fid, s, nul=True):
    b = s.encode() + (b"\0" if nul else b"")
    return lv(fid, FT_STR, b)


def buf(fid, data):
    return lv(fid, FT_BUF, data)


def array_u32(fid, values):
    return lv(fid, FT_AU32, b"".join(struct.pack(">I", v) for v in values))


def array_u64(fid, values):
    return lv(fid, FT_AU64, b"".join(struct.pack(">Q", v) for v in values))


def msgpack_field(fid, data):
    return lv(fid, FT_MSGPACK, data)


def msg(mtype, fields, size=None):
    body = b"".join(fields)
    return struct.pack(">IH", len(body) if size is None else size, mtype) + body


# -- node ids, endpoints, clustering data --------------------------------------------------------

def node_id(mac, port):
    """cf_node as printed by Aerospike: port << 48 | MAC read little-endian."""
    m = bytes(int(x, 16) for x in mac.split(":"))
    return (port << 48) | int.from_bytes(m, "little")


def node_name(n):
    return "%X" % n


def node_le(n):
    return struct.pack("<Q", n)


def endpoint_list(endpoints):
    """endpoints: [(address, port, tls)]; address IPv4 or IPv6 text, or (addr_type, raw_bytes)."""
    out = bytes([len(endpoints)])
    for addr, port, tls in endpoints:
        if isinstance(addr, tuple):
            atype, raw = addr
        else:
            ip = ipaddress.ip_address(addr)
            atype, raw = (1 if ip.version == 4 else 2), ip.packed
        out += bytes([1 if tls else 0, atype]) + struct.pack("<H", port) + raw
    return out


def paxos_data(cluster_key, sequence, principal, succession, ident=CLUSTERING_ID, count=None):
    return (struct.pack("<IQQQI", ident, cluster_key, sequence, principal,
                        len(succession) if count is None else count)
            + b"".join(node_le(n) for n in succession))


def hlc(ms, logical=0):
    return (ms << 16) | logical


def heartbeat(node, hb_type=0, hlc_ms=None, logical=0, endpoints=None, fabric=None, adjacency=None,
              paxos=None, cluster_name=None, info_request=None, info_reply=None, skew_ms=None,
              protocol_id=HB_PROTOCOL_ID, extra=()):
    """A heartbeat v3 msg (type 5). endpoints/fabric: lists for endpoint_list(); adjacency,
    info_request: node ids; info_reply: [(node, endpoints)]; paxos: bytes from paxos_data()."""
    f = [u32(HB_ID, protocol_id), u32(HB_TYPE, hb_type), u64(HB_NODE, node)]
    if cluster_name is not None:
        f.append(string(HB_CLUSTER_NAME, cluster_name))
    if hlc_ms is not None:
        f.append(u64(HB_HLC, hlc(hlc_ms, logical)))
    if endpoints is not None:
        f.append(buf(HB_ENDPOINTS, endpoint_list(endpoints)))
    if info_request is not None:
        f.append(buf(HB_INFO_REQUEST, b"".join(node_le(n) for n in info_request)))
    if info_reply is not None:
        f.append(buf(HB_INFO_REPLY, b"".join(node_le(n) + endpoint_list(e) for n, e in info_reply)))
    if fabric is not None:
        f.append(buf(HB_FABRIC_DATA, endpoint_list(fabric)))
    if adjacency is not None:
        f.append(buf(HB_HB_DATA, b"".join(node_le(n) for n in adjacency)))
    if paxos is not None:
        f.append(buf(HB_PAXOS_DATA, paxos))
    if skew_ms is not None:
        f.append(u64(HB_SKEW, skew_ms))
    f.extend(extra)
    return msg(M_HEARTBEAT, f)


def compressed_heartbeat(inner, compressed=None):
    """The outer heartbeat carrying only COMPRESSED_PAYLOAD (zlib of a complete msg)."""
    data = zlib.compress(inner, 9) if compressed is None else compressed
    return msg(M_HEARTBEAT, [buf(HB_COMPRESSED, data)])


# -- fabric ----------------------------------------------------------------------------------------

CH_RW, CH_CTRL, CH_BULK, CH_META = 0, 1, 2, 3


def fabric_handshake(node, channel):
    return msg(M_FABRIC, [u64(0, node), u32(5, channel)])


def rw(op, tid, ns, digest, generation=None, last_update_ms=None, record=None):
    f = [u32(0, op), buf(2, ns.encode()), buf(5, digest), u32(10, tid)]
    if generation is not None:
        f.append(u32(4, generation))
    if record is not None:
        f.append(buf(6, record))
    if last_update_ms is not None:
        f.append(u64(16, last_update_ms))
    return msg(M_RW, f)


def proxy(op, tid, digest=None, as_proto=None, redirect=None, username=None):
    f = [u32(0, op), u32(1, tid)]
    if digest is not None:
        f.append(buf(2, digest))
    if redirect is not None:
        f.append(u64(3, redirect))
    if as_proto is not None:
        f.append(buf(4, as_proto))
    if username is not None:
        f.append(buf(8, username.encode()))
    return msg(M_PROXY, f)


def service_info_request(text):
    """A client proto (version 2, type 1 info) as embedded in PROXY AS_PROTO."""
    body = text.encode()
    return struct.pack(">BB", 2, 1) + len(body).to_bytes(6, "big") + body


# -- MessagePack (the few encodings the tests need) -------------------------------------------------

def mp_str(s):
    b = s.encode()
    assert len(b) < 32
    return bytes([0xA0 | len(b)]) + b


def mp_fixarray(items):
    assert len(items) < 16
    return bytes([0x90 | len(items)]) + b"".join(items)


def mp_array16(items):
    return b"\xdc" + struct.pack(">H", len(items)) + b"".join(items)


def mp_uint(v):
    if v < 0x80:
        return bytes([v])
    if v < 0x100:
        return b"\xcc" + bytes([v])
    if v < 0x10000:
        return b"\xcd" + struct.pack(">H", v)
    if v < 0x100000000:
        return b"\xce" + struct.pack(">I", v)
    return b"\xcf" + struct.pack(">Q", v)
