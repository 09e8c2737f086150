"""heuristics_helpers — capture rewriting for the heuristics tests (Python standard library only).

    frames = read_capture(path)                      # pcap or pcapng -> [Frame]
    rewrite_ports(frames, {3000: 23456})             # TCP/UDP ports, checksums recomputed
    cut_before(frames, first_index)                  # drop frames (a capture joined mid-stream)
    write_pcap(path, frames)                         # classic pcap, nanosecond timestamps
    merge_unique(paths, out) -> [(path, first, last)]  # one file, each input on its own addresses

Link types understood: Ethernet (with VLAN tags), Linux cooked (SLL, SLL2), BSD loopback
(NULL/LOOP) and raw IP; anything else is copied unchanged.
"""
import ipaddress
import struct

from capbuilder import _csum   # the Internet checksum, shared with the capture builder

LT_NULL, LT_ETHER, LT_RAW, LT_LOOP, LT_SLL, LT_SLL2 = 0, 1, 101, 108, 113, 276


class Frame:
    __slots__ = ("linktype", "ts_ns", "data", "orig_len")

    def __init__(self, linktype, ts_ns, data, orig_len=None):
        self.linktype = linktype
        self.ts_ns = ts_ns
        self.data = bytearray(data)
        self.orig_len = len(data) if orig_len is None else orig_len


# ---- reading ----------------------------------------------------------------------------------

def _read_pcap(buf):
    magic = buf[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\x34\xcd\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d", b"\xa1\xb2\xcd\x34"):
        e = ">"
    else:
        raise ValueError("not a pcap file")
    extra = 8 if magic in (b"\x34\xcd\xb2\xa1", b"\xa1\xb2\xcd\x34") else 0   # "modified" pcap
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(e + "I", buf[20:24])[0] & 0x0FFFFFFF
    off, out = 24, []
    while off + 16 <= len(buf):
        sec, frac, incl, orig = struct.unpack(e + "IIII", buf[off:off + 16])
        data = buf[off + 16 + extra:off + 16 + extra + incl]
        out.append(Frame(linktype, sec * 10**9 + (frac if nano else frac * 1000), data, orig))
        off += 16 + extra + incl
    return out


def _read_pcapng(buf):
    out, ifaces, off, e = [], [], 0, "<"
    while off + 12 <= len(buf):
        btype = struct.unpack(e + "I", buf[off:off + 4])[0]
        if btype == 0x0A0D0D0A:     # section header: byte order magic decides
            e = "<" if buf[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            ifaces = []
        blen = struct.unpack(e + "I", buf[off + 4:off + 8])[0]
        body = buf[off + 8:off + blen - 4]
        if btype == 1:              # interface description
            linktype = struct.unpack(e + "H", body[:2])[0]
            tsres = 6
            opt = 8
            while opt + 4 <= len(body):
                code, olen = struct.unpack(e + "HH", body[opt:opt + 4])
                if code == 0:
                    break
                if code == 9:
                    tsres = body[opt + 4]
                opt += 4 + ((olen + 3) & ~3)
            ifaces.append((linktype, tsres))
        elif btype == 6:            # enhanced packet
            iface, hi, lo, incl, orig = struct.unpack(e + "IIIII", body[:20])
            linktype, tsres = ifaces[iface]
            ts = (hi << 32) | lo
            if tsres & 0x80:
                ns = ts * 10**9 // (2 ** (tsres & 0x7F))
            else:
                ns = ts * 10**9 // (10 ** tsres)
            out.append(Frame(linktype, ns, body[20:20 + incl], orig))
        elif btype == 3:            # simple packet
            orig = struct.unpack(e + "I", body[:4])[0]
            out.append(Frame(ifaces[0][0], 0, body[4:4 + orig], orig))
        off += blen
    return out


def read_capture(path):
    with open(path, "rb") as f:
        buf = f.read()
    if buf[:4] == b"\x0a\x0d\x0d\x0a":
        return _read_pcapng(buf)
    return _read_pcap(buf)


def write_pcap(path, frames):
    """All frames must share one link type."""
    lts = {fr.linktype for fr in frames}
    if len(lts) > 1:
        raise ValueError("mixed link types: %s" % lts)
    lt = lts.pop() if lts else LT_ETHER
    out = [struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, lt)]
    for fr in frames:
        sec, ns = divmod(fr.ts_ns, 10**9)
        out.append(struct.pack("<IIII", sec, ns, len(fr.data), max(fr.orig_len, len(fr.data))))
        out.append(bytes(fr.data))
    with open(path, "wb") as f:
        f.write(b"".join(out))
    return path


# ---- layers -----------------------------------------------------------------------------------

def ip_offset(fr):
    """(offset of the IP header, version) or (None, None)."""
    d, lt = fr.data, fr.linktype
    if lt == LT_ETHER:
        off = 12
        while off + 2 <= len(d):
            et = struct.unpack("!H", d[off:off + 2])[0]
            if et in (0x8100, 0x88A8, 0x9100):
                off += 4
                continue
            off += 2
            return (off, 4) if et == 0x0800 else ((off, 6) if et == 0x86DD else (None, None))
        return None, None
    if lt == LT_SLL and len(d) >= 16:
        et = struct.unpack("!H", d[14:16])[0]
        return (16, 4) if et == 0x0800 else ((16, 6) if et == 0x86DD else (None, None))
    if lt == LT_SLL2 and len(d) >= 20:
        et = struct.unpack("!H", d[0:2])[0]
        return (20, 4) if et == 0x0800 else ((20, 6) if et == 0x86DD else (None, None))
    if lt in (LT_NULL, LT_LOOP) and len(d) >= 4:
        fam = struct.unpack("<I" if lt == LT_NULL else "!I", d[:4])[0]
        if fam > 0xFFFF:
            fam = struct.unpack(">I" if lt == LT_NULL else "<I", d[:4])[0]
        return (4, 4) if fam == 2 else ((4, 6) if fam in (10, 24, 28, 30) else (None, None))
    if lt == LT_RAW and d:
        v = d[0] >> 4
        return (0, v) if v in (4, 6) else (None, None)
    return None, None


def _l4(fr):
    """(ip_off, version, l4_off, proto, src, dst, l4_len) for an unfragmented TCP/UDP packet."""
    off, v = ip_offset(fr)
    d = fr.data
    if off is None:
        return None
    if v == 4 and len(d) >= off + 20:
        ihl = (d[off] & 0x0F) * 4
        total = struct.unpack("!H", d[off + 2:off + 4])[0]
        frag = struct.unpack("!H", d[off + 6:off + 8])[0]
        if frag & 0x3FFF:
            return None
        return (off, 4, off + ihl, d[off + 9], bytes(d[off + 12:off + 16]), bytes(d[off + 16:off + 20]),
                total - ihl)
    if v == 6 and len(d) >= off + 40:
        plen = struct.unpack("!H", d[off + 4:off + 6])[0]
        return (off, 6, off + 40, d[off + 6], bytes(d[off + 8:off + 24]), bytes(d[off + 24:off + 40]), plen)
    return None


def _fix_l4_checksum(fr, info):
    ip_off, v, l4, proto, src, dst, l4len = info
    d = fr.data
    if len(d) < l4 + l4len:
        return      # sliced capture: leave the checksum alone
    seg = bytearray(d[l4:l4 + l4len])
    pos = 16 if proto == 6 else 6
    seg[pos:pos + 2] = b"\0\0"
    if v == 4:
        pseudo = src + dst + struct.pack("!BBH", 0, proto, l4len)
    else:
        pseudo = src + dst + struct.pack("!IxxxB", l4len, proto)
    c = _csum(pseudo + bytes(seg))
    if proto == 17 and c == 0:
        c = 0xFFFF
    d[l4 + pos:l4 + pos + 2] = struct.pack("!H", c)


def rewrite_ports(frames, mapping):
    """Replace TCP/UDP source and destination ports per `mapping` (old -> new)."""
    for fr in frames:
        info = _l4(fr)
        if not info or info[3] not in (6, 17):
            continue
        l4 = info[2]
        d = fr.data
        if len(d) < l4 + 4:
            continue
        sp, dp = struct.unpack("!HH", d[l4:l4 + 4])
        d[l4:l4 + 4] = struct.pack("!HH", mapping.get(sp, sp), mapping.get(dp, dp))
        _fix_l4_checksum(fr, info)
    return frames


def rewrite_addresses(frames, index):
    """Give every IPv4/IPv6 address of these frames a new one unique to capture `index`
    (10.<index>.x.y / fd00::<index>:x), consistently; header checksums recomputed."""
    m4, m6 = {}, {}
    for fr in frames:
        off, v = ip_offset(fr)
        d = fr.data
        if off is None:
            continue
        if v == 4 and len(d) >= off + 20:
            for a in (off + 12, off + 16):
                old = bytes(d[a:a + 4])
                if old not in m4:
                    n = len(m4) + 1
                    m4[old] = bytes([10, index & 0xFF, (n >> 8) & 0xFF, n & 0xFF])
                d[a:a + 4] = m4[old]
            ihl = (d[off] & 0x0F) * 4
            d[off + 10:off + 12] = b"\0\0"
            d[off + 10:off + 12] = struct.pack("!H", _csum(bytes(d[off:off + ihl])))
        elif v == 6 and len(d) >= off + 40:
            for a in (off + 8, off + 24):
                old = bytes(d[a:a + 16])
                if old not in m6:
                    n = len(m6) + 1
                    m6[old] = ipaddress.IPv6Address("fd00::%x:%x" % (index, n)).packed
                d[a:a + 16] = m6[old]
        info = _l4(fr)
        if info and info[3] in (6, 17):
            _fix_l4_checksum(fr, info)
    return frames


def merge_unique(paths, out):
    """Concatenate captures (Ethernet only) into `out`, each on its own addresses, so no
    conversation of one capture can meet another's. Returns [(path, first_frame, last_frame)]."""
    allf, ranges = [], []
    for i, p in enumerate(paths):
        fr = read_capture(p)
        rewrite_addresses(fr, i + 1)
        first = len(allf) + 1
        allf.extend(fr)
        ranges.append((p, first, len(allf)))
    write_pcap(out, allf)
    return ranges


def tcp_payload_frames(frames):
    """Indices of frames that carry TCP payload."""
    out = []
    for i, fr in enumerate(frames):
        info = _l4(fr)
        if not info or info[3] != 6:
            continue
        l4 = info[2]
        if len(fr.data) < l4 + 13:
            continue
        hl = (fr.data[l4 + 12] >> 4) * 4
        if info[6] - hl > 0:
            out.append(i)
    return out


# ---- a capture mixing the five protocols -----------------------------------------------------------

DEFAULT_PORTS = {"aerospike": 3000, "aerospike_cluster.mesh": 3002, "aerospike_cluster.fabric": 3001,
                 "aerospike_cluster.udp": 9918, "trade": 2107, "hsf2": 12200, "rocketmq": 10911}

# the protocol (filter name) each port key belongs to
PORT_PROTO = {"aerospike": "aerospike", "aerospike_cluster.mesh": "aerospike_cluster",
              "aerospike_cluster.fabric": "aerospike_cluster", "aerospike_cluster.udp": "aerospike_cluster",
              "trade": "trade", "hsf2": "hsf2", "rocketmq": "rocketmq"}

SERVER_IP = {"aerospike": "10.12.0.100", "aerospike_cluster.mesh": "10.13.0.100",
             "aerospike_cluster.fabric": "10.13.0.101", "aerospike_cluster.udp": "239.1.99.2",
             "trade": "10.14.0.100", "hsf2": "10.15.0.100", "rocketmq": "10.16.0.100"}


class Conv:
    """What a scenario wrote for one conversation (frame numbers are 1-based)."""

    def __init__(self, key, server):
        self.key = key
        self.server = server          # "ip:port" of the listening side
        self.frames = []              # every frame of the conversation
        self.pdus = 0                 # PDUs of the protocol the dissector must show
        self.bytes = 0                # their size on the wire
        self.pdu_frames = []          # frames where those PDUs complete
        self.garbage = []             # frames the heuristics must leave alone (mid-PDU start...)
        self.bound_from = None        # first frame the heuristic must recognise
        self.inner_headers = 0        # extra protocol headers shown inside PDUs (compressed)


def build_mix(cap, ports, protos, midstream=True):
    """Write conversations of every protocol in `protos` (filter names) into `cap`, servers on
    `ports` (keys of DEFAULT_PORTS). Returns {key: [Conv, ...]}: for each protocol a regular
    conversation (handshake, PDUs split across segments, several PDUs per segment) and, where it
    applies (midstream=True), one captured from the middle of a PDU (no handshake)."""
    out = {}

    def track(cv, fn, payload, pdus=1, counted=True, **kw):
        """Send `payload` (holding `pdus` PDUs) with fn; returns the frames written."""
        before = len(cap.packets)
        fn(payload, **kw)
        frames = list(range(before + 1, len(cap.packets) + 1))
        cv.frames.extend(frames)
        if counted:
            cv.pdus += pdus
            cv.bytes += len(payload)
            cv.pdu_frames.append(frames[-1])
        return frames

    def tcp_pair(key, client, handshake=True):
        server = "%s:%d" % (SERVER_IP[key], ports[key])
        cv = Conv(key, server)
        before = len(cap.packets)
        c = cap.tcp(client, server, handshake=handshake)
        cv.frames.extend(range(before + 1, len(cap.packets) + 1))
        out.setdefault(key, []).append(cv)
        return c, cv

    if "aerospike" in protos:
        import aerospike_pdus as ap
        c, cv = tcp_pair("aerospike", "10.12.0.1:45001")
        big = ap.key_request("test", "demo", "big", ops=[ap.op(ap.OP_WRITE, "blob", bytes(range(256)) * 24)],
                             info2=ap.INFO2_WRITE)
        track(cv, c.c2s, ap.info_request("build", "node"))
        track(cv, c.s2c, ap.info_response([("build", "7.2.0.3"), ("node", "BB9000000000001")]))
        track(cv, c.c2s, ap.key_request("test", "demo", "user1", ops=[ap.op(ap.OP_WRITE, "name", "Ann")],
                                        info2=ap.INFO2_WRITE))
        track(cv, c.s2c, ap.message(ap.as_msg(generation=1)))
        track(cv, c.c2s, big, segs=[100, 1400, 1400])           # header + 92 bytes, then the rest
        track(cv, c.s2c, ap.message(ap.as_msg(generation=2)))
        track(cv, c.c2s, ap.batch_request([ap.batch_row(0, ap.digest("demo", "a"), ns="test", set="demo"),
                                           ap.batch_row(1, ap.digest("demo", "b"), repeat=True)]))
        track(cv, c.s2c, ap.message(ap.batch_record(0, ops=[ap.op(ap.OP_READ, "name", "Ann")])) +
              ap.message(ap.batch_record(1)) + ap.message(ap.last_msg()), pdus=3)   # one segment
        c, cv = tcp_pair("aerospike", "10.12.0.4:45004")           # starts with a login (security)
        track(cv, c.c2s, ap.login_request("admin"))
        track(cv, c.s2c, ap.admin(result=52))
        c, cv = tcp_pair("aerospike", "10.12.0.5:45005")           # starts with a compressed message
        track(cv, c.c2s, ap.compressed(big))
        cv.inner_headers = 1                                      # the inflated PDU's own header
        track(cv, c.s2c, ap.message(ap.as_msg(generation=2)))
        c, cv = tcp_pair("aerospike", "10.12.0.3:45003")           # first PDU split: reassembled
        track(cv, c.c2s, big, segs=[1000])
        track(cv, c.s2c, ap.message(ap.as_msg(generation=2)))
        if midstream:
            c, cv = tcp_pair("aerospike", "10.12.0.2:45002", handshake=False)
            cv.garbage = track(cv, c.c2s, big[-700:], counted=False)   # the tail of a write: mid-PDU start
            cv.bound_from = track(cv, c.s2c, ap.message(ap.as_msg(generation=3)))[0]
            track(cv, c.c2s, ap.info_request("node"))
            track(cv, c.s2c, ap.info_response([("node", "BB9000000000001")]))

    if "aerospike_cluster" in protos:
        import aerospike_cluster_pdus as acp
        node_a, node_b = acp.node_id("08:00:27:00:00:01", 3001), acp.node_id("08:00:27:00:00:02", 3001)
        t_ms = int(cap.t * 1000)
        c, cv = tcp_pair("aerospike_cluster.mesh", "10.13.0.1:45101")
        track(cv, c.c2s, acp.heartbeat(node_a, hlc_ms=t_ms, endpoints=[("10.13.0.1", 3002, False)]))
        track(cv, c.s2c, acp.heartbeat(node_b, hlc_ms=t_ms + 1, endpoints=[("10.13.0.100", 3002, False)]))
        track(cv, c.c2s, acp.heartbeat(node_a, hlc_ms=t_ms + 150) + acp.heartbeat(node_a, hlc_ms=t_ms + 300),
              pdus=2)
        c, cv = tcp_pair("aerospike_cluster.fabric", "10.13.0.1:45102")
        rec = acp.rw(1, 7, "test", bytes(range(20)), generation=1, record=bytes(range(256)) * 12)
        track(cv, c.c2s, acp.fabric_handshake(node_a, acp.CH_RW))
        track(cv, c.c2s, rec, segs=[60, 1400])
        track(cv, c.s2c, acp.rw(2, 7, "test", bytes(range(20))))
        c, cv = tcp_pair("aerospike_cluster.fabric", "10.13.0.1:45104")
        track(cv, c.c2s, rec, segs=[60])
        track(cv, c.s2c, acp.rw(2, 7, "test", bytes(range(20))))
        if midstream:
            c, cv = tcp_pair("aerospike_cluster.fabric", "10.13.0.1:45103", handshake=False)
            cv.garbage = track(cv, c.c2s, rec[-500:], counted=False)
            cv.bound_from = track(cv, c.s2c, acp.rw(2, 8, "test", bytes(range(20))))[0]
            track(cv, c.c2s, acp.rw(1, 9, "test", bytes(range(20)), generation=2, record=b"abc"))
        server = "%s:%d" % (SERVER_IP["aerospike_cluster.udp"], ports["aerospike_cluster.udp"])
        for i, src in enumerate(("10.13.0.1", "10.13.0.2")):
            cv = Conv("aerospike_cluster.udp", server)
            out.setdefault("aerospike_cluster.udp", []).append(cv)
            for k in range(2):
                track(cv, lambda p: cap.udp("%s:%d" % (src, ports["aerospike_cluster.udp"]), server, p),
                      acp.heartbeat(node_a if i == 0 else node_b, hlc_ms=t_ms + i + 150 * k, cluster_name="prod"))

    if "trade" in protos:
        import trade_pdus as tp
        c, cv = tcp_pair("trade", "10.14.0.1:45201")
        track(cv, c.c2s, tp.ping(tp.DOCSYS))
        track(cv, c.s2c, tp.pong(tp.MULTIPLEXER))
        track(cv, c.s2c, tp.roundtrip(tp.MULTIPLEXER, tp.EXAMPLE_CLOCK))
        track(cv, c.c2s, tp.roundtrip(tp.DOCSYS, tp.EXAMPLE_CLOCK))
        track(cv, c.s2c, tp.new_connection(tp.MULTIPLEXER, 2654, "10.0.0.99") +
              tp.login(tp.MULTIPLEXER, 2654, "user1", "10.0.0.99"), pdus=2)      # one segment
        track(cv, c.c2s, tp.data(tp.DOCSYS, 2654, bytes(range(256)) * 12), segs=[100])
        track(cv, c.s2c, tp.status(tp.MULTIPLEXER, "OK"))
        if midstream:
            c, cv = tcp_pair("trade", "10.14.0.2:45202", handshake=False)
            cv.garbage = track(cv, c.c2s, tp.data(tp.DOCSYS, 2654, bytes(range(256)) * 4)[-300:], counted=False)
            cv.garbage += track(cv, c.c2s, tp.data(tp.DOCSYS, 2654, b"data PDUs carry no signature"), counted=False)
            cv.bound_from = track(cv, c.c2s, tp.ping(tp.DOCSYS))[0]
            track(cv, c.s2c, tp.pong(tp.MULTIPLEXER))
            track(cv, c.c2s, tp.data(tp.DOCSYS, 2654, b"after the ping"))

    if "hsf2" in protos:
        import hsf2_pdus as hp
        c, cv = tcp_pair("hsf2", "10.15.0.1:45301")
        svc = "com.example.HelloService:1.0.0"
        args = [("java.lang.String", hp.hessian("hello"))]
        track(cv, c.c2s, hp.heartbeat(7))
        track(cv, c.s2c, hp.heartbeat(7, response=True))
        track(cv, c.c2s, hp.request(svc, "sayHello", args, req_id=1))
        track(cv, c.s2c, hp.response(1, hp.hessian("Hi, hello")))
        track(cv, c.c2s, hp.request(svc, "sayHello", args, req_id=2), segs=[41])
        track(cv, c.c2s, hp.request(svc, "sayHello", args, req_id=3) + hp.request(svc, "sayHello", args, req_id=4),
              pdus=2)
        track(cv, c.s2c, hp.response(2, hp.hessian("a")) + hp.response(3, hp.hessian("b")) +
              hp.response(4, b"service not found", status=60), pdus=3)
        c, cv = tcp_pair("hsf2", "10.15.0.3:45303")
        track(cv, c.c2s, hp.request(svc, "sayHello", args, req_id=9), segs=[60])
        track(cv, c.s2c, hp.response(9, hp.hessian("split")))
        if midstream:
            c, cv = tcp_pair("hsf2", "10.15.0.2:45302", handshake=False)
            cv.garbage = track(cv, c.c2s, hp.request(svc, "sayHello", args, req_id=5)[-40:], counted=False)
            cv.bound_from = track(cv, c.s2c, hp.response(5, hp.hessian("late")))[0]
            track(cv, c.c2s, hp.heartbeat(8))
            track(cv, c.s2c, hp.heartbeat(8, response=True))

    if "rocketmq" in protos:
        import rocketmq_pdus as rp
        c, cv = tcp_pair("rocketmq", "10.16.0.1:45401")
        send = rp.request(310, 3, ext={"a": "PG", "b": "TopicTest", "e": "0"}, body=b"hello rocketmq " * 300)
        track(cv, c.c2s, rp.request(105, 1, ext={"topic": "TopicTest"}))
        track(cv, c.s2c, rp.response(0, 1, body=b'{"brokerDatas":[]}'))
        track(cv, c.c2s, rp.frame(rp.binary_header(105, 2, ext={"topic": "TopicTest"}), stype=1))
        track(cv, c.s2c, rp.frame(rp.binary_header(0, 2, flag=1), stype=1))
        track(cv, c.c2s, send, segs=[200, 1400])
        track(cv, c.c2s, rp.request(34, 4, ext={"consumerGroup": "CG"}) + rp.request(34, 5, ext={"consumerGroup": "CG"}),
              pdus=2)
        track(cv, c.s2c, rp.response(0, 3, ext={"msgId": "0A"}) + rp.response(0, 4) + rp.response(0, 5), pdus=3)
        c, cv = tcp_pair("rocketmq", "10.16.0.4:45404")            # starts with a binary header
        track(cv, c.c2s, rp.frame(rp.binary_header(105, 7, ext={"topic": "TopicTest"}), stype=1))
        track(cv, c.s2c, rp.frame(rp.binary_header(0, 7, flag=1, remark="OK"), stype=1))
        c, cv = tcp_pair("rocketmq", "10.16.0.3:45403")
        track(cv, c.c2s, send, segs=[200, 1400])
        track(cv, c.s2c, rp.response(0, 3, ext={"msgId": "0C"}))
        if midstream:
            c, cv = tcp_pair("rocketmq", "10.16.0.2:45402", handshake=False)
            cv.garbage = track(cv, c.c2s, send[-900:], counted=False)
            cv.bound_from = track(cv, c.s2c, rp.response(0, 9, ext={"msgId": "0B"}))[0]
            track(cv, c.c2s, rp.request(105, 10, ext={"topic": "TopicTest"}))
    return out
