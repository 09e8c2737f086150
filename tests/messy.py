"""messy — make a clean generated capture messy, one way at a time, and score what the dissector
recovers against the generator's known truth (issue #19). Python standard library only.

Packets (classic pcap, micro- or nanosecond, either byte order; Ethernet with optional VLAN/QinQ
tags, IPv4 or IPv6, TCP):

    pkts = messy.read(path)                    # [Packet]: .ts (float), .ts_ns, .data, .orig_len
    messy.write(path, pkts, snaplen=262144)    # nanosecond pcap; timestamps kept exactly
    p.tcp                                      # Tcp(src, dst, seq, ack, flags, payload_len, key)
                                               # or None; payload_len from the IP length, so it
                                               # is right on snaplen-cut frames too
    messy.streams(pkts)                        # [Stream] in order of first packet: .key (symmetric
                                               # 5-tuple), .client (SYN sender, else first sender),
                                               # .server, .indices (packet indices, capture order)
    messy.segments(pkts, s, from_client=True)  # indices of stream s's payload-carrying packets in
                                               # one direction (s: a Stream or its number)
    messy.all_segments(pkts)                   # [(stream number, from_client, [indices])]
    messy.from_capture(cap)                    # the packets of a capbuilder.Capture, no file

Mutators (each returns a NEW list; the input is left alone; indices are into the input list):

    messy.drop(pkts, i)          # drop packet i (or an iterable of indices): a lost segment
    messy.swap(pkts, i, j)       # packets i and j change places; timestamps stay where they were,
                                 # so the capture stays in time order: out-of-order delivery
    messy.out_of_order(pkts, i)  # swap segment i with the next payload segment of its stream and
                                 # direction (the usual "one segment late" case)
    messy.start_late(pkts, n)    # drop the first n packets of every TCP connection (both
                                 # directions, handshake included): a capture started mid-stream
    messy.snaplen(pkts, n)       # cut every frame to n captured bytes, keeping the original
                                 # length (what `editcap -s n` does); write with snaplen=n

    for i in messy.segments(pkts, 0, from_client=False):   # each response segment in turn
        messy.write(path, messy.drop(pkts, i))

Truth (generic; the test knows its generator's tags, e.g. an Aerospike key name in each request
and a generation number in each response):

    rows = tslib.fields(cap, ["aerospike.key", "aerospike.msg.generation"], "aerospike.response_to")
    observed = messy.pairs_from_rows(rows, "aerospike.key", "aerospike.msg.generation", unaligned=[])
        # rows: tslib.fields() rows (filter to responses when requests carry the response-tag
        # field too); each row's request-tag and response-tag values are zipped in order
        # (responses carry their request's identity as generated fields); a row whose two lists
        # differ in length goes to the `unaligned` list (ValueError without one), never guessed
    pdus = messy.pdus(cap, "aerospike", names, filt=None)
        # one dict per PDU tree {"frame.number": [n], name: [values]}, from -T json: exact even
        # when one frame carries several PDUs
    observed = messy.pairs_from_pdus(pdus, "aerospike.key", "aerospike.msg.generation",
                                     marker="aerospike.response_to")
    observed = messy.pairs_by_frame(pdus, "aerospike.key", "aerospike.msg.generation",
                                    "aerospike.response_to", unaligned=[])
        # when responses name their request only by frame number (one request tag per frame)
    res = messy.score(truth, observed, excused=(), unaligned=())
        # truth: {request tag: response tag, or None for "no response in the truth"}
        # res.correct / .wrong [(req, truth rsp, got rsp)] / .missing [(req, truth rsp)] /
        # .extra [(req, rsp) not in the truth] / .duplicated (a request paired twice) /
        # .unaligned (as passed in) / .excused (tags allowed to differ,
        # e.g. the <= 2 transactions whose bytes a gap covers); res.ok; res.diff() is readable;
        # str(res) is a one-line summary
    messy.assert_pairs(testcase, truth, observed, excused=(), max_wrong=0, max_missing=0,
                       unaligned=(), msg="")   # fails with res.diff(); returns res
"""
import collections
import ipaddress
import json
import struct

import capbuilder

LINKTYPE_ETHERNET = capbuilder.LINKTYPE_ETHERNET
DEFAULT_SNAPLEN = 262144
_MAGIC_US, _MAGIC_NS = 0xA1B2C3D4, 0xA1B23C4D
_VLAN_TYPES = (0x8100, 0x88A8, 0x9100)
TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK = 0x01, 0x02, 0x04, 0x08, 0x10

Tcp = collections.namedtuple("Tcp", "src dst seq ack flags payload_len payload_off key")
Tcp.__doc__ = """src/dst: (ip string, port); flags: TCP flag bits; payload_len: bytes of TCP
payload on the wire (from the IP length); payload_off: where the payload starts in the frame;
key: the symmetric 5-tuple (6, lower endpoint, higher endpoint)."""


class Packet:
    """One captured frame: ts_ns (integer nanoseconds since the epoch), data (captured bytes),
    orig_len (length on the wire), linktype."""
    __slots__ = ("ts_ns", "data", "orig_len", "linktype", "_tcp")

    def __init__(self, ts_ns, data, orig_len=None, linktype=LINKTYPE_ETHERNET):
        self.ts_ns = int(ts_ns)
        self.data = bytes(data)
        self.orig_len = len(self.data) if orig_len is None else int(orig_len)
        self.linktype = linktype
        self._tcp = False

    @property
    def ts(self):
        return self.ts_ns / 1e9

    def replace(self, **kw):
        args = {"ts_ns": self.ts_ns, "data": self.data, "orig_len": self.orig_len,
                "linktype": self.linktype}
        args.update(kw)
        return Packet(**args)

    @property
    def tcp(self):
        if self._tcp is False:
            self._tcp = _parse_tcp(self.data) if self.linktype == LINKTYPE_ETHERNET else None
        return self._tcp

    @property
    def payload(self):
        """The captured part of the TCP payload (b"" for non-TCP)."""
        t = self.tcp
        return self.data[t.payload_off:t.payload_off + t.payload_len] if t else b""

    def __repr__(self):
        t = self.tcp
        what = ("%s:%d > %s:%d seq=%d len=%d" % (t.src + t.dst + (t.seq, t.payload_len))
                if t else "non-TCP")
        return "Packet(%.9f, %s, caplen=%d, len=%d)" % (self.ts, what, len(self.data), self.orig_len)


# -- pcap in and out ---------------------------------------------------------------------------

def read(path):
    """Every record of a classic pcap file, as [Packet]."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 24:
        raise ValueError("%s: not a pcap file (too short)" % path)
    for endian in "<>":
        magic = struct.unpack(endian + "I", raw[:4])[0]
        if magic in (_MAGIC_US, _MAGIC_NS):
            break
    else:
        raise ValueError("%s: not a classic pcap file (pcapng? convert with editcap -F pcap)" % path)
    scale = 1 if magic == _MAGIC_NS else 1000
    linktype = struct.unpack(endian + "I", raw[20:24])[0] & 0x0FFFFFFF
    out, off = [], 24
    while off + 16 <= len(raw):
        sec, frac, caplen, origlen = struct.unpack(endian + "IIII", raw[off:off + 16])
        off += 16
        if off + caplen > len(raw):
            raise ValueError("%s: record at offset %d is cut short" % (path, off - 16))
        out.append(Packet(sec * 1000000000 + frac * scale, raw[off:off + caplen], origlen, linktype))
        off += caplen
    return out


def to_bytes(pkts, snaplen=DEFAULT_SNAPLEN, linktype=None):
    """A nanosecond classic pcap image of the packets (the header layout capbuilder writes)."""
    if linktype is None:
        linktype = pkts[0].linktype if pkts else LINKTYPE_ETHERNET
    out = [struct.pack("<IHHiIII", _MAGIC_NS, 2, 4, 0, 0, snaplen, linktype)]
    for p in pkts:
        sec, nsec = divmod(p.ts_ns, 1000000000)
        out.append(struct.pack("<IIII", sec, nsec, len(p.data), max(p.orig_len, len(p.data))))
        out.append(p.data)
    return b"".join(out)


def write(path, pkts, snaplen=DEFAULT_SNAPLEN, linktype=None):
    with open(path, "wb") as f:
        f.write(to_bytes(pkts, snaplen, linktype))
    return path


def from_capture(cap):
    """The packets of a capbuilder.Capture, without a file in between."""
    out = []
    for ts, frame in cap.packets:
        sec = int(ts)
        out.append(Packet(sec * 1000000000 + int(round((ts - sec) * 1e9)), frame))
    return out


# -- Ethernet / IP / TCP ----------------------------------------------------------------------

def _parse_tcp(d):
    if len(d) < 14:
        return None
    off = 12
    etype = struct.unpack("!H", d[off:off + 2])[0]
    for _ in range(4):                       # VLAN / QinQ tags, bounded
        if etype not in _VLAN_TYPES or len(d) < off + 6:
            break
        off += 4
        etype = struct.unpack("!H", d[off:off + 2])[0]
    off += 2
    if etype == 0x0800 and len(d) >= off + 20:
        ihl = (d[off] & 0x0F) * 4
        total = struct.unpack("!H", d[off + 2:off + 4])[0]
        if d[off + 9] != 6 or ihl < 20:
            return None
        src, dst = ipaddress.IPv4Address(d[off + 12:off + 16]), ipaddress.IPv4Address(d[off + 16:off + 20])
        l4, l4len = off + ihl, total - ihl
    elif etype == 0x86DD and len(d) >= off + 40:
        plen = struct.unpack("!H", d[off + 4:off + 6])[0]
        if d[off + 6] != 6:                  # extension headers are not followed
            return None
        src, dst = ipaddress.IPv6Address(d[off + 8:off + 24]), ipaddress.IPv6Address(d[off + 24:off + 40])
        l4, l4len = off + 40, plen
    else:
        return None
    if len(d) < l4 + 14:
        return None
    sport, dport, seq, ack, doff, flags = struct.unpack("!HHIIBB", d[l4:l4 + 14])
    hlen = (doff >> 4) * 4
    a, b = (str(src), sport), (str(dst), dport)
    key = (6,) + tuple(sorted([a, b], key=lambda e: (ipaddress.ip_address(e[0]).packed, e[1])))
    return Tcp(a, b, seq, ack, flags, max(0, l4len - hlen), l4 + hlen, key)


class Stream:
    """One TCP connection of a packet list."""

    def __init__(self, number, key):
        self.number, self.key = number, key
        self.client = self.server = None
        self.indices = []

    def from_client(self, pkt):
        return pkt.tcp.src == self.client

    def __repr__(self):
        return "Stream(%d, client=%s:%d, server=%s:%d, %d packets)" % (
            (self.number,) + self.client + self.server + (len(self.indices),))


def streams(pkts):
    """[Stream] in order of each connection's first packet. The client is the sender of a SYN
    without ACK, otherwise the sender of the connection's first packet."""
    by_key, out = {}, []
    for i, p in enumerate(pkts):
        t = p.tcp
        if t is None:
            continue
        s = by_key.get(t.key)
        if s is None:
            s = by_key[t.key] = Stream(len(out), t.key)
            out.append(s)
            s.client, s.server = t.src, t.dst
        if t.flags & (TCP_SYN | TCP_ACK) == TCP_SYN:
            s.client, s.server = t.src, t.dst
        s.indices.append(i)
    return out


def _stream(pkts, s):
    if isinstance(s, Stream):
        return s
    return streams(pkts)[s]


def segments(pkts, stream, from_client=True):
    """Indices of the payload-carrying packets of one stream (a Stream or its number, in
    streams() order) in one direction, in capture order."""
    s = _stream(pkts, stream)
    return [i for i in s.indices if pkts[i].tcp.payload_len > 0
            and (pkts[i].tcp.src == s.client) == bool(from_client)]


def all_segments(pkts):
    """(stream number, from_client, [indices]) for every stream and direction that carries data."""
    out = []
    for s in streams(pkts):
        for fc in (True, False):
            idx = segments(pkts, s, fc)
            if idx:
                out.append((s.number, fc, idx))
    return out


# -- mutators ---------------------------------------------------------------------------------

def drop(pkts, index):
    """Without packet `index` (an int, or an iterable of ints)."""
    gone = {index} if isinstance(index, int) else set(index)
    for i in gone:
        if not 0 <= i < len(pkts):
            raise IndexError("packet %d of %d" % (i, len(pkts)))
    return [p for i, p in enumerate(pkts) if i not in gone]


def swap(pkts, i, j):
    """Packets i and j change places; each position keeps its timestamp (capture order and time
    order stay the same)."""
    out = list(pkts)
    out[i] = pkts[j].replace(ts_ns=pkts[i].ts_ns)
    out[j] = pkts[i].replace(ts_ns=pkts[j].ts_ns)
    return out


def out_of_order(pkts, index):
    """swap() packet `index` with the next payload segment of the same stream and direction."""
    t = pkts[index].tcp
    if t is None or t.payload_len == 0:
        raise ValueError("packet %d carries no TCP payload" % index)
    for j in range(index + 1, len(pkts)):
        u = pkts[j].tcp
        if u is not None and u.src == t.src and u.dst == t.dst and u.payload_len > 0:
            return swap(pkts, index, j)
    raise ValueError("packet %d is the last segment of its direction" % index)


def start_late(pkts, n):
    """Without the first n packets of every TCP connection (non-TCP packets are kept)."""
    gone = set()
    for s in streams(pkts):
        gone.update(s.indices[:n])
    return [p for i, p in enumerate(pkts) if i not in gone]


def snaplen(pkts, n):
    """Every frame cut to at most n captured bytes, the original length kept."""
    return [p.replace(data=p.data[:n], orig_len=p.orig_len) for p in pkts]


# -- known truth ------------------------------------------------------------------------------

def pairs_from_rows(rows, request_field, response_field, unaligned=None):
    """[(request tag, response tag)] from tslib.fields() rows, zipping each row's values of the
    two fields in order. Rows with no response-tag value are skipped; a row whose lists differ in
    length cannot be paired by position: it is appended to `unaligned` (a list) if given, else
    ValueError."""
    out = []
    for row in rows:
        req, rsp = row[request_field], row[response_field]
        if not rsp:
            continue
        if len(req) != len(rsp):
            if unaligned is None:
                raise ValueError("cannot pair %s=%r with %s=%r by position"
                                 % (request_field, req, response_field, rsp))
            unaligned.append(dict(row.items()))
            continue
        out.extend(zip(req, rsp))
    return out


def pdus(capture, proto, names, filt=None, two_pass=True, args=()):
    """One dict per PDU tree of `proto` (every occurrence in every frame, in order):
    {"frame.number": [n], name: [values found anywhere in that PDU's tree]}. From -T json with
    repeated keys kept, so it is exact when a frame carries several PDUs."""
    import tslib
    a = ["-T", "json", "-J", "frame " + proto] + (["-2"] if two_pass else [])
    if filt:
        a += ["-Y", filt]
    text = tslib.run_tshark(a + list(args), capture).stdout
    packets = json.loads(text or "[]", object_pairs_hook=lambda kv: kv)
    wanted = set(names)
    out = []

    def walk(node, acc):
        if isinstance(node, list):
            for item in node:
                if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
                    k, v = item
                    if k in wanted:
                        acc[k].extend(v if isinstance(v, list) and all(isinstance(x, str) for x in v)
                                      else [v] if isinstance(v, str) else [])
                    walk(v, acc)
                else:
                    walk(item, acc)

    for pkt in packets:
        layers = dict(dict(pkt)["_source"])["layers"]      # (key, value) pairs, repeats kept
        frame = dict(dict(layers).get("frame") or []).get("frame.number")
        for k, v in layers:
            if k != proto:
                continue
            acc = {n: [] for n in names}
            walk(v, acc)
            acc["frame.number"] = [frame] if frame else []
            out.append(acc)
    return out


def pairs_from_pdus(pdu_list, request_field, response_field, marker=None):
    """[(request tag, response tag)] from pdus() dicts: every response PDU gives one pair
    (request tag None when it names no request). A response is a PDU with a value of `marker`
    (e.g. "aerospike.response_to", needed when requests carry the response-tag field too, as
    Aerospike requests carry a generation), by default of `response_field`."""
    out = []
    for d in pdu_list:
        if d.get(response_field) and d.get(marker or response_field):
            req = d.get(request_field) or [None]
            out.append((req[0], d[response_field][0]))
    return out


def pairs_by_frame(pdu_list, request_field, response_field, link_field, unaligned=None):
    """[(request tag, response tag)] from pdus() dicts when responses name their request only by
    frame number (`link_field`, e.g. "aerospike.response_to"; PDUs with it are the responses,
    the others with a request tag the requests): a response linked to a frame holding exactly
    one request tag gives one pair; a link to a frame with several request tags is ambiguous and
    goes to `unaligned` (a list) if given, else ValueError."""
    by_frame = collections.defaultdict(list)
    for d in pdu_list:
        if d.get(request_field) and not d.get(link_field):
            by_frame[d["frame.number"][0]].extend(d[request_field])
    out = []
    for d in pdu_list:
        if not d.get(response_field) or not d.get(link_field):
            continue
        reqs = by_frame.get(d[link_field][0], [])
        if len(reqs) == 1:
            out.append((reqs[0], d[response_field][0]))
        elif unaligned is None:
            raise ValueError("response in frame %s links to frame %s holding %d request tags"
                             % (d["frame.number"], d[link_field][0], len(reqs)))
        else:
            unaligned.append(d)
    return out


class Score:
    """The result of score(): lists of correct/wrong/missing/extra/excused/unaligned."""

    def __init__(self):
        self.correct, self.wrong, self.missing, self.extra = [], [], [], []
        self.excused, self.unaligned, self.duplicated = [], [], []

    @property
    def ok(self):
        return not (self.wrong or self.missing or self.extra or self.unaligned or self.duplicated)

    def __str__(self):
        return ("%d correct, %d wrong, %d missing, %d extra, %d duplicated, %d excused, %d unaligned"
                % (len(self.correct), len(self.wrong), len(self.missing), len(self.extra),
                   len(self.duplicated), len(self.excused), len(self.unaligned)))

    def diff(self, limit=25):
        """A readable account of everything that differs from the truth (first `limit` of each)."""
        lines = [str(self)]
        parts = [("wrong (request: truth -> got)", self.wrong, lambda w: "%r: %r -> %r" % w),
                 ("missing (request: truth response, not paired)", self.missing,
                  lambda m: "%r: %r" % m),
                 ("extra (pair not in the truth)", self.extra, lambda e: "%r -> %r" % e),
                 ("duplicated (request paired more than once)", self.duplicated,
                  lambda d: "%r -> %r" % d),
                 ("unaligned rows", self.unaligned, repr),
                 ("excused (allowed to differ)", self.excused, lambda e: "%r: %s" % e)]
        for title, items, fmt in parts:
            if items:
                lines.append("%s: %d" % (title, len(items)))
                lines.extend("  " + fmt(x) for x in items[:limit])
                if len(items) > limit:
                    lines.append("  ... %d more" % (len(items) - limit))
        return "\n".join(lines)


def score(truth, observed, excused=(), unaligned=()):
    """Compare observed (request tag, response tag) pairs with truth {request tag: response tag
    or None}. A request the truth answers must be paired with exactly its response (else wrong,
    or missing when not paired at all); a request the truth leaves unanswered (None) must not be
    paired (else wrong); a pair whose request tag the truth does not know is extra. Tags in
    `excused` are only listed in .excused (how they came out)."""
    res = Score()
    excused = set(excused)
    seen = {}
    for req, rsp in observed:
        if req not in truth:
            if req in excused:
                continue
            res.extra.append((req, rsp))
        elif req in seen:
            res.duplicated.append((req, rsp))
        else:
            seen[req] = rsp
    for req, want in truth.items():
        got = seen.get(req)
        if req in excused:
            res.excused.append((req, "paired with %r (truth %r)" % (got, want) if req in seen
                                else "not paired (truth %r)" % (want,)))
        elif req not in seen:
            if want is None:
                res.correct.append((req, None))
            else:
                res.missing.append((req, want))
        elif got == want:
            res.correct.append((req, got))
        else:
            res.wrong.append((req, want, got))
    res.unaligned = list(unaligned)
    return res


def assert_pairs(testcase, truth, observed, excused=(), max_wrong=0, max_missing=0, unaligned=(),
                 msg=""):
    """Fail `testcase` with the diff unless the pairs match the truth (within the allowances;
    extra, duplicated and unaligned are never allowed). Returns the Score."""
    res = score(truth, observed, excused, unaligned)
    bad = (len(res.wrong) > max_wrong or len(res.missing) > max_missing or res.extra
           or res.duplicated or res.unaligned)
    if bad:
        testcase.fail("%s%s" % (msg + "\n" if msg else "", res.diff()))
    return res
