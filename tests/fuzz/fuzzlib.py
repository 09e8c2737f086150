"""fuzzlib — the reliability harness of troubleshark (sanitizer build, seeds, payload mutation,
tshark runs under ASan/UBSan or valgrind, and the verdict on every run).

Used by tests/test_fuzz_*.py (bounded CTest runs) and tests/fuzz/longrun.py (hours).

Environment (set by CTest like for every test; see tests/tslib.py): TS_PLUGIN, TS_SOURCE_DIR,
TS_BUILD_DIR, TS_SHARED_DIR, TS_TSHARK. Extra knobs:
  TS_ASAN_BUILD_DIR   where the sanitizer build tree lives (default $TS_BUILD_DIR/asan)
  TS_ASAN_PLUGIN      use this already-built sanitizer .so instead of building one
  TS_FUZZ_SEED        base seed of the mutation rounds (default 1)
  TS_FUZZ_SCALE       multiply the number of rounds of the bounded tests (default 1)
"""
import fcntl
import hashlib
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

import tslib  # noqa: E402
from capbuilder import Capture  # noqa: E402

SOURCE_DIR = tslib.SOURCE_DIR
BUILD_DIR = tslib.BUILD_DIR
TSHARK = tslib.TSHARK
SHARED_CAPTURES = os.path.join(tslib.SHARED_DIR, "captures")
REGRESSIONS = os.path.join(HERE, "regressions")

# Our protocols: filter name -> default TCP ports (the first is used for generated seeds).
PROTO_PORTS = {
    "aerospike": [3000, 3003],
    "aerospike_cluster": [3002, 3001],
    "trade": [2107],
    "hsf2": [12200],
    "rocketmq": [10911, 9876, 10909],
}
SERVER_PORTS = {p for ports in PROTO_PORTS.values() for p in ports} | {9918}
PROTOCOLS = list(PROTO_PORTS)

FUZZ_ENV = {
    # what Wireshark's tools/fuzz-test.sh exports
    "WIRESHARK_DEBUG_WMEM_OVERRIDE": "strict",
    "WIRESHARK_ABORT_ON_DISSECTOR_BUG": "1",
    "WIRESHARK_ABORT_ON_TOO_MANY_ITEMS": "1",
    "G_SLICE": "always-malloc",
    "MALLOC_CHECK_": "3",
}
ASAN_OPTIONS = ("detect_leaks=0:abort_on_error=1:halt_on_error=1:handle_abort=1:"
                "detect_stack_use_after_return=0:strict_string_checks=0:print_summary=1:quarantine_size_mb=64")
UBSAN_OPTIONS = "halt_on_error=1:abort_on_error=1:print_stacktrace=1:report_error_type=1"
RUN_TIMEOUT = float(os.environ.get("TS_FUZZ_RUN_TIMEOUT", "120"))


def scale():
    try:
        return max(0.05, float(os.environ.get("TS_FUZZ_SCALE", "1")))
    except ValueError:
        return 1.0


def base_seed():
    return int(os.environ.get("TS_FUZZ_SEED", "1"))


# ============================================================================================
# pcap reading, frame layout, writing
LINK_ETHERNET, LINK_NULL, LINK_RAW, LINK_LOOP, LINK_SLL, LINK_SLL2 = 1, 0, 101, 108, 113, 276


class Frame:
    """One packet: bytes plus where its transport payload is (None when not TCP/UDP)."""
    __slots__ = ("ts", "data", "l3", "ethertype", "proto", "l4", "sport", "dport", "pay", "pay_end")

    def __init__(self, ts, data):
        self.ts, self.data = ts, bytearray(data)
        self.l3 = self.ethertype = self.proto = self.l4 = None
        self.sport = self.dport = self.pay = self.pay_end = None

    def payload(self):
        return bytes(self.data[self.pay:self.pay_end]) if self.pay is not None else b""

    def copy(self):
        f = Frame(self.ts, self.data)
        for k in Frame.__slots__[2:]:
            setattr(f, k, getattr(self, k))
        return f


def read_pcap(path):
    """(linktype, [Frame]) of a pcap or pcapng (pcapng through `editcap -F pcap`)."""
    with open(path, "rb") as f:
        head = f.read(4)
    if head not in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d"):
        tmp = tempfile.NamedTemporaryFile(suffix=".pcap", delete=False)
        tmp.close()
        try:
            r = subprocess.run(["editcap", "-F", "pcap", path, tmp.name], capture_output=True, text=True)
            if r.returncode != 0:
                raise ValueError("editcap cannot convert %s: %s" % (path, r.stderr.strip()))
            return read_pcap(tmp.name)
        finally:
            os.unlink(tmp.name)
    with open(path, "rb") as f:
        raw = f.read()
    magic = raw[:4]
    end = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(end + "I", raw[20:24])[0] & 0x0FFFFFFF
    frames, off = [], 24
    while off + 16 <= len(raw):
        sec, frac, incl, _orig = struct.unpack(end + "IIII", raw[off:off + 16])
        off += 16
        data = raw[off:off + incl]
        off += incl
        fr = Frame(sec + frac / (1e9 if nano else 1e6), data)
        locate(linktype, fr)
        frames.append(fr)
    return linktype, frames


def locate(linktype, fr):
    """Fill in the layer offsets of a frame (IPv4/IPv6 + TCP/UDP only)."""
    d = fr.data
    et, l3 = None, None
    try:
        if linktype == LINK_ETHERNET:
            et, l3 = struct.unpack(">H", d[12:14])[0], 14
            while et in (0x8100, 0x88A8) and len(d) >= l3 + 4:
                et, l3 = struct.unpack(">H", d[l3 + 2:l3 + 4])[0], l3 + 4
        elif linktype == LINK_SLL:
            et, l3 = struct.unpack(">H", d[14:16])[0], 16
        elif linktype == LINK_SLL2:
            et, l3 = struct.unpack(">H", d[0:2])[0], 20
        elif linktype in (LINK_NULL, LINK_LOOP):
            fam = struct.unpack("<I", d[0:4])[0]
            if fam > 0xFFFF:
                fam = struct.unpack(">I", d[0:4])[0]
            et, l3 = (0x0800 if fam == 2 else 0x86DD if fam in (10, 24, 28, 30) else None), 4
        elif linktype in (LINK_RAW, 12, 14, 228, 229):
            v = d[0] >> 4
            et, l3 = (0x0800 if v == 4 else 0x86DD if v == 6 else None), 0
    except (struct.error, IndexError):
        return
    fr.ethertype, fr.l3 = et, l3
    if et == 0x0800 and len(d) >= l3 + 20:
        ihl = (d[l3] & 0x0F) * 4
        total = struct.unpack(">H", d[l3 + 2:l3 + 4])[0]
        if struct.unpack(">H", d[l3 + 6:l3 + 8])[0] & 0x1FFF:
            return  # non-first fragment
        proto, l4, ip_end = d[l3 + 9], l3 + ihl, min(len(d), l3 + max(total, ihl))
    elif et == 0x86DD and len(d) >= l3 + 40:
        proto, l4 = d[l3 + 6], l3 + 40
        ip_end = min(len(d), l4 + struct.unpack(">H", d[l3 + 4:l3 + 6])[0])
    else:
        return
    if proto == 6 and len(d) >= l4 + 20:
        fr.proto, fr.l4 = 6, l4
        fr.sport, fr.dport = struct.unpack(">HH", d[l4:l4 + 4])
        fr.pay = min(l4 + (d[l4 + 12] >> 4) * 4, ip_end)
        fr.pay_end = ip_end
    elif proto == 17 and len(d) >= l4 + 8:
        fr.proto, fr.l4 = 17, l4
        fr.sport, fr.dport = struct.unpack(">HH", d[l4:l4 + 4])
        fr.pay, fr.pay_end = l4 + 8, ip_end


def to_ethernet(fr):
    """The same packet with an Ethernet link header (to merge captures of any link type)."""
    if fr.l3 is None or fr.ethertype is None:
        return None
    g = fr.copy()
    eth = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01" + struct.pack(">H", fr.ethertype)
    shift = 14 - fr.l3
    g.data = bytearray(eth) + fr.data[fr.l3:]
    for k in ("l3", "l4", "pay", "pay_end"):
        v = getattr(fr, k)
        setattr(g, k, None if v is None else v + shift)
    return g


def set_ports(fr, sport, dport):
    struct.pack_into(">HH", fr.data, fr.l4, sport, dport)
    fr.sport, fr.dport = sport, dport


def write_pcap(path, frames, linktype=LINK_ETHERNET):
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype)]
    for fr in frames:
        sec = int(fr.ts)
        usec = int(round((fr.ts - sec) * 1e6))
        if usec >= 1000000:
            sec, usec = sec + 1, usec - 1000000
        out.append(struct.pack("<IIII", sec, usec, len(fr.data), len(fr.data)))
        out.append(bytes(fr.data))
    with open(path, "wb") as f:
        f.write(b"".join(out))
    os.chmod(path, 0o644)
    return path


# ============================================================================================
# Seeds: every capture the tests know
class Seed:
    """A capture to mutate. `decode` maps a TCP server port to one of our protocols when the
    capture does not use that protocol's default port."""

    def __init__(self, name, path, protocol, decode=None):
        self.name, self.path, self.protocol = name, path, protocol
        self.decode = dict(decode or {})
        self._frames = None

    def frames(self):
        """Ethernet-normalised frames (cached)."""
        if self._frames is None:
            _, frs = read_pcap(self.path)
            self._frames = [g for g in (to_ethernet(f) for f in frs) if g is not None]
        return self._frames

    def payload_bytes(self):
        return sum(f.pay_end - f.pay for f in self.frames() if f.pay is not None)

    def __repr__(self):
        return "Seed(%s)" % self.name


def _session(cap, client, server, items, dt=0.002):
    c = cap.tcp(client, server)
    for from_client, data in items:
        c.send(from_client, data, dt=dt)
    return c


def generated_seeds(outdir):
    """Seed captures built from the specs (tests/fuzz/protocols.py): every protocol, several
    PDUs per segment, a PDU split over segments, both directions."""
    import protocols as P
    os.makedirs(outdir, exist_ok=True)
    seeds = []

    def add(name, proto, build):
        cap = Capture(t0=1700000000.0)
        build(cap)
        path = cap.write(os.path.join(outdir, name + ".pcap"))
        os.chmod(path, 0o644)
        seeds.append(Seed("gen/" + name, path, proto))

    def aero(cap):
        pairs = P.aerospike_conversation_pdus()
        c = cap.tcp("10.0.0.1:40000", "10.0.0.2:3000")
        for req, resp in pairs:
            c.c2s(req)
            c.s2c(resp)
        c2 = cap.tcp("10.0.0.1:40001", "10.0.0.2:3000")
        req, resp = pairs[1]
        c2.c2s(req + pairs[2][0], segs=[3, 11, 40])  # header split, two PDUs
        c2.s2c(resp + pairs[2][1])
    add("aerospike", "aerospike", aero)

    def cluster(cap):
        c = cap.tcp("10.0.0.11:34828", "10.0.0.12:3002")
        c.c2s(P.cl_heartbeat())
        c.s2c(P.cl_heartbeat(node=0x0BB92E2D67270009) + P.cl_heartbeat_compressed())
        c.c2s(P.cl_heartbeat(), segs=[4, 30])
        f = cap.tcp("10.0.0.11:40010", "10.0.0.12:3001")
        f.c2s(P.cl_fabric_hello() + P.cl_msg(8, [P.cl_field(0, 1, b"\0\0\0\1"),
                                                  P.cl_field(2, 5, b"10.0.0.11:3000\x00")]))
        cap.udp("10.0.0.11:9918", "239.1.99.2:9918", P.cl_heartbeat())
    add("aerospike_cluster", "aerospike_cluster", cluster)

    def trade(cap):
        c = cap.tcp("192.168.0.37:50123", "192.168.0.1:2107")
        items = P.trade_conversation()
        for fc, data in items:
            c.send(fc, data)
        c.c2s(b"".join(d for fc, d in items if fc), segs=[2, 7])
    add("trade", "trade", trade)

    def hsf(cap):
        items = P.hsf_conversation()
        _session(cap, "10.0.0.5:51000", "10.0.0.6:12200", items)
        c = cap.tcp("10.0.0.5:51001", "10.0.0.6:12200")
        c.c2s(b"".join(d for fc, d in items if fc), segs=[1, 30, 40])
        c.s2c(b"".join(d for fc, d in items if not fc))
    add("hsf2", "hsf2", hsf)

    def rmq(cap):
        items = P.rmq_conversation()
        _session(cap, "10.0.0.7:52000", "10.0.0.8:10911", items)
        c = cap.tcp("10.0.0.7:52001", "10.0.0.8:9876")
        c.c2s(items[0][1] + items[0][1], segs=[6])
        c.s2c(items[1][1])
    add("rocketmq", "rocketmq", rmq)
    return seeds


def _protocol_of_shared(path):
    low = path.lower()
    for p in ("aerospike", "rocketmq", "hsf", "trade"):
        if "/%s" % p in low or os.path.basename(low).startswith(p):
            if p == "hsf":
                return "hsf2"
            if p == "aerospike" and "heartbeat" in low:
                return "aerospike_cluster"
            return p
    return "other"


def known_seeds(outdir, include_other=False, harvest=False):
    """Every capture the tests know: generated seeds, captures/, ../shared/captures/{clients,external}
    (when present) and, with harvest=True, the captures other test runs left in /tmp/ts-caps-* .
    (The regression captures are run as they are by test_fuzz_mutation.)"""
    seeds = generated_seeds(os.path.join(outdir, "generated"))
    paths = []
    for d in (tslib.CAPTURES,):
        if os.path.isdir(d):
            paths += [os.path.join(d, f) for f in sorted(os.listdir(d))]
    for sub in ("clients", "external/aerospike", "external/rocketmq", "external/hsf2",
                "external/trade", "external/other"):
        d = os.path.join(SHARED_CAPTURES, sub)
        if os.path.isdir(d):
            paths += [os.path.join(d, f) for f in sorted(os.listdir(d))]
    if harvest:
        import glob
        hdir = harvest if isinstance(harvest, str) else None
        paths += sorted(glob.glob(os.path.join(hdir, "*.pcap*")) if hdir else glob.glob("/tmp/ts-caps-*/*.pcap*"))
    seen = set()
    for p in paths:
        if not re.search(r"\.(pcap|pcapng|cap)$", p):
            continue
        try:
            with open(p, "rb") as fh:
                h = hashlib.sha1(fh.read()).hexdigest()
        except OSError:
            continue
        if h in seen:
            continue
        seen.add(h)
        proto = _protocol_of_shared(p)
        if proto == "other" and not include_other:
            continue
        rel = os.path.relpath(p, os.path.dirname(SOURCE_DIR)) if p.startswith(os.path.dirname(SOURCE_DIR)) else p
        if proto == "other" and ("/ts-caps-" in p or (isinstance(harvest, str) and p.startswith(harvest))):
            proto = "harvested"
        seeds.append(Seed(rel, p, proto))
    return seeds


# ============================================================================================
# Mutation: payload bytes only, length-preserving, fully determined by a seed
INTERESTING = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
               2**48 - 1, 2**63 - 1, 2**64 - 1, 0x16, 10000]


def _put_int(buf, pos, value, width, big):
    value &= (1 << (8 * width)) - 1
    b = value.to_bytes(width, "big" if big else "little")
    n = min(width, len(buf) - pos)
    buf[pos:pos + n] = b[:n]


def mutate_payloads(frames, seed):
    """Mutate the TCP/UDP payload bytes of a copy of `frames` (headers untouched).
    Returns (frames, strategy). The same seed always gives the same bytes."""
    rng = random.Random(seed)
    out = [f.copy() for f in frames]
    idx = [i for i, f in enumerate(out) if f.pay is not None and f.pay_end > f.pay]
    if not idx:
        return out, "none"
    strategy = rng.choice(["bytes", "bytes", "bits", "ints", "ints", "splice", "zero", "ones"])
    # mutate a few frames (or all, sometimes)
    chosen = idx if rng.random() < 0.25 else rng.sample(idx, min(len(idx), rng.randint(1, 3)))
    for i in chosen:
        f = out[i]
        pay = bytearray(f.data[f.pay:f.pay_end])
        n = len(pay)
        if strategy == "bytes":  # editcap -E style: each byte with probability p
            p = rng.choice([0.005, 0.02, 0.05, 0.2])
            for k in range(n):
                if rng.random() < p:
                    pay[k] = rng.randrange(256)
            if n and pay == f.data[f.pay:f.pay_end]:
                pay[rng.randrange(n)] ^= 0xFF
        elif strategy == "bits":
            for _ in range(rng.randint(1, 8)):
                k = rng.randrange(n)
                pay[k] ^= 1 << rng.randrange(8)
        elif strategy == "ints":  # length/count fields at hostile values
            for _ in range(rng.randint(1, 4)):
                _put_int(pay, rng.randrange(n), rng.choice(INTERESTING), rng.choice([1, 2, 2, 4, 4, 4, 8]),
                         rng.random() < 0.8)
        elif strategy == "splice":
            a, b = rng.randrange(n), rng.randrange(n)
            ln = rng.randint(1, max(1, min(64, n - max(a, b))))
            pay[b:b + ln] = pay[a:a + ln]
            del pay[n:]
        elif strategy in ("zero", "ones"):
            a = rng.randrange(n)
            ln = rng.randint(1, min(16, n - a))
            pay[a:a + ln] = (b"\0" if strategy == "zero" else b"\xff") * ln
        f.data[f.pay:f.pay_end] = pay
    return out, strategy


class Variant:
    """One mutated copy of one seed inside a batch file."""

    def __init__(self, seed_obj, vseed, strategy, target, cross):
        self.seed, self.vseed, self.strategy = seed_obj, vseed, strategy
        self.target, self.cross = target, cross  # protocol that decodes it; True if foreign

    def __repr__(self):
        return "%s vseed=%d %s->%s" % (self.seed.name, self.vseed, self.strategy, self.target)


def variant_seed(batch_seed, i):
    return int(hashlib.sha256(b"%d/%d" % (batch_seed, i)).hexdigest()[:12], 16)


def build_batch(seeds, batch_seed, n_variants, protocols, path, cross_rate=0.2, only=None, plain=False):
    """Write `n_variants` mutated copies of seeds into one pcap. Each copy gets its own client
    ports (so its TCP conversations are separate); a `cross_rate` share of the copies is moved to
    a fresh server port decoded as another of our protocols (-d), so every dissector also sees
    the other protocols' bytes. Returns (variants, tshark decode-as args).
    `only`: the list of variant indexes to write (replaying one variant of a batch).
    `plain`: no mutation, every seed once in order (n_variants = len(seeds); the valgrind set)."""
    rng = random.Random(batch_seed)
    frames, variants, decode = [], [], {}
    next_client, next_server = 20000, 30000
    t = 1700000000.0
    if plain:
        n_variants, cross_rate = len(seeds), 0.0
    for i in range(n_variants):
        s = seeds[i] if plain else rng.choice(seeds)
        vs = variant_seed(batch_seed, i)
        cross = bool(protocols) and rng.random() < cross_rate
        target = rng.choice(protocols) if cross else s.protocol
        if only is not None and i not in only:
            # keep the rng stream identical to the full batch
            variants.append(None)
            continue
        if plain:
            mutated, strategy = [f.copy() for f in s.frames()], "none"
        else:
            mutated, strategy = mutate_payloads(s.frames(), vs)
        cmap, smap = {}, {}
        for f in mutated:
            if f.proto not in (6, 17):
                continue
            srv_is_d = f.dport in SERVER_PORTS or f.dport in s.decode or \
                (f.sport not in SERVER_PORTS and f.sport not in s.decode and f.dport < f.sport)
            srv, cli = (f.dport, f.sport) if srv_is_d else (f.sport, f.dport)
            key = (f.proto, cli)
            if key not in cmap:
                cmap[key] = next_client
                next_client += 1
            nsrv = srv
            if cross and f.proto == 6:  # Decode As on udp.port is not offered by every protocol
                skey = (f.proto, srv)
                if skey not in smap:
                    smap[skey] = next_server
                    next_server += 1
                    decode[("tcp" if f.proto == 6 else "udp", smap[skey])] = target
                nsrv = smap[skey]
            elif srv in s.decode:
                decode[("tcp" if f.proto == 6 else "udp", srv)] = s.decode[srv]
            if srv_is_d:
                set_ports(f, cmap[key], nsrv)
            else:
                set_ports(f, nsrv, cmap[key])
        base = mutated[0].ts if mutated else 0
        for f in mutated:
            f.ts = t + (f.ts - base)
        t += 100.0
        frames += mutated
        variants.append(Variant(s, vs, strategy, target, cross))
    write_pcap(path, frames)
    args = []
    for (table, port), proto in sorted(decode.items()):
        args += ["-d", "%s.port==%d,%s" % (table, port, proto)]
    return variants, args


def build_single(seed_obj, vseed, path, decode_as=None):
    """One mutated copy of one seed, as the batch had it (client ports renumbered; with decode_as
    the server port moved to 30000 and decoded as that protocol). Returns tshark -d arguments."""
    frames, _ = mutate_payloads(seed_obj.frames(), vseed)
    args, nxt, srvmap = [], 20000, {}
    cmap = {}
    for f in frames:
        if f.proto not in (6, 17):
            continue
        srv_is_d = f.dport in SERVER_PORTS or (f.sport not in SERVER_PORTS and f.dport < f.sport)
        srv, cli = (f.dport, f.sport) if srv_is_d else (f.sport, f.dport)
        if (f.proto, cli) not in cmap:
            cmap[(f.proto, cli)] = nxt
            nxt += 1
        nsrv = srv
        if decode_as and f.proto == 6:
            if srv not in srvmap:
                srvmap[srv] = 30000 + len(srvmap)
                args += ["-d", "tcp.port==%d,%s" % (srvmap[srv], decode_as)]
            nsrv = srvmap[srv]
        if srv_is_d:
            set_ports(f, cmap[(f.proto, cli)], nsrv)
        else:
            set_ports(f, nsrv, cmap[(f.proto, cli)])
    write_pcap(path, frames)
    return args


# ============================================================================================
# The sanitizer build and the private tshark environments
def _cache_value(build_dir, name):
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith(name + ":"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return None


def asan_build_dir():
    return os.environ.get("TS_ASAN_BUILD_DIR") or os.path.join(BUILD_DIR, "asan")


def ensure_asan_plugin(log=None):
    """Configure and build the sanitizer tree (-DSANITIZE=address,undefined) of the same sources
    with the same TS_PROTOCOLS as the tree under test; returns the path of its troubleshark.so.
    Serialised with a lock file: several fuzz tests may ask at once."""
    if os.environ.get("TS_ASAN_PLUGIN"):
        return os.environ["TS_ASAN_PLUGIN"]
    if "address" in (_cache_value(BUILD_DIR, "SANITIZE") or ""):
        return tslib.PLUGIN  # the tree under test is itself the sanitizer build
    bdir = asan_build_dir()
    os.makedirs(os.path.dirname(bdir), exist_ok=True)
    protos = _cache_value(BUILD_DIR, "TS_PROTOCOLS") or ";".join(PROTOCOLS)
    with open(bdir + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _cache_value(bdir, "TS_PROTOCOLS") != protos or _cache_value(bdir, "SANITIZE") != "address,undefined":
            r = subprocess.run(["cmake", "-S", SOURCE_DIR, "-B", bdir, "-DSANITIZE=address,undefined",
                                "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DBUILD_TESTING=OFF",
                                "-DTS_PROTOCOLS=" + protos], capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError("configuring the sanitizer build failed:\n" + r.stdout[-3000:] + r.stderr[-3000:])
        r = subprocess.run(["cmake", "--build", bdir, "-j", "2"], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("building the sanitizer plugin failed:\n" + r.stdout[-4000:] + r.stderr[-4000:])
    so = os.path.join(bdir, "troubleshark.so")
    if log:
        log("sanitizer plugin: %s (TS_PROTOCOLS=%s)" % (so, protos))
    return so


def sanitizer_runtimes(so):
    """The libasan/libubsan the sanitizer plugin is linked with (to LD_PRELOAD into tshark)."""
    out = subprocess.run(["ldd", so], capture_output=True, text=True).stdout
    libs = []
    for name in ("libasan", "libubsan"):
        m = re.search(r"^\s*(%s\.so\S*)\s+=>\s+(\S+)" % name, out, re.M)
        if m:
            libs.append(m.group(2))
    return libs


class Runner:
    """tshark with a private HOME holding one plugin build (tslib's environment code path).

    kind: "plain" (the tree under test), "asan" (sanitizer build, runtimes preloaded),
    "valgrind" (the plain plugin under memcheck), "none" (no plugin at all)."""

    def __init__(self, kind, plugin=None):
        self.kind = kind
        so = plugin or (tslib.PLUGIN if kind != "asan" else ensure_asan_plugin())
        old = tslib.PLUGIN
        tslib.PLUGIN = so
        try:
            self.env = tslib._Env()
        finally:
            tslib.PLUGIN = old
        if kind == "none":
            os.unlink(self.env.plugin)
        self.so = so
        base = dict(self.env.env)
        base["WIRESHARK_EXTCAP_DIR"] = self.env.empty_global  # no extcap helpers at startup
        base.update(FUZZ_ENV)
        if kind == "asan":
            libs = sanitizer_runtimes(so)
            if not any("libasan" in l for l in libs):
                raise RuntimeError("%s is not linked with libasan" % so)
            base["LD_PRELOAD"] = " ".join(libs)
            base["ASAN_OPTIONS"] = ASAN_OPTIONS
            base["UBSAN_OPTIONS"] = UBSAN_OPTIONS
        if kind == "valgrind":
            base["WIRESHARK_DEBUG_WMEM_OVERRIDE"] = "simple"
            base.pop("MALLOC_CHECK_", None)
        self.base_env = base
        self.work = os.path.join(self.env.root, "work")
        os.makedirs(self.work, exist_ok=True)
        os.chmod(self.work, 0o777)
        self._names = None
        self._heur = None

    def path(self, name):
        """A path inside the private tree that tshark (maybe uid 65534) can read and write."""
        return os.path.join(self.work, name)

    def run(self, args, capture=None, timeout=RUN_TIMEOUT, wrapper=(), extra_env=None, as_memory_limit=None):
        """Run tshark; returns a Result with rc, stdout, stderr, seconds, max RSS (KiB)."""
        cmd = self.env.prefix + list(wrapper) + [TSHARK]
        if capture is not None:
            cmd += ["-r", capture if capture.startswith(self.env.root) else self.env.readable(capture)]
        cmd += list(args)
        environ = dict(self.base_env)
        if extra_env:
            environ.update(extra_env)
        out = tempfile.TemporaryFile()
        err = tempfile.TemporaryFile()

        def limits():
            os.setsid()
            if as_memory_limit:
                import resource
                resource.setrlimit(resource.RLIMIT_AS, (as_memory_limit, as_memory_limit))
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=environ, cwd=self.work, preexec_fn=limits)
        timed_out, rusage, status = False, None, None
        while True:
            pid, status, rusage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - t0 > timeout:
                timed_out = True
                try:
                    os.killpg(p.pid, 9)
                except ProcessLookupError:
                    pass
                _, status, rusage = os.wait4(p.pid, 0)
                break
            time.sleep(0.01)
        p.returncode = os.waitstatus_to_exitcode(status)
        secs = time.monotonic() - t0
        out.seek(0)
        err.seek(0)
        res = Result(cmd, p.returncode, out.read().decode("utf-8", "replace"),
                     err.read().decode("utf-8", "replace"), secs, rusage.ru_maxrss if rusage else 0,
                     timed_out, timeout)
        out.close()
        err.close()
        return res

    def protocol_names(self):
        """{filter name: (long name, short name)} of our protocols as this tshark registers them."""
        if self._names is None:
            out = self.run(["-G", "protocols"]).stdout
            self._names = {}
            for line in out.splitlines():
                c = line.split("\t")
                if len(c) >= 3 and c[2] in PROTO_PORTS:
                    self._names[c[2]] = (c[0], c[1])
        return self._names

    def heuristics(self):
        """Our heuristic dissectors that are off by default, by the short name --enable-heuristic
        wants (`-G heuristic-decodes` lists only the protocol, so the usual `<proto>_<table>`
        spellings are probed once). They must see the mutated bytes too."""
        if getattr(self, "_heur", None) is not None:
            return self._heur
        out = self.run(["-G", "heuristic-decodes"]).stdout
        self._heur = []
        empty = self.path("empty.pcap")
        write_pcap(empty, [])
        for line in out.splitlines():
            c = line.split("\t")
            # (the third column does not tell whether the heuristic itself is on: enable them all)
            if len(c) < 3 or c[1] not in PROTO_PORTS:
                continue
            for cand in ("%s_%s" % (c[1], c[0]), c[1], "%s_heur" % c[1], "%s_%s_heur" % (c[1], c[0])):
                if self.run(["--enable-heuristic", cand], capture=empty).rc == 0:
                    self._heur.append(cand)
                    break
        self._heur = sorted(set(self._heur))
        return self._heur

    def require_plugin(self):
        """Raise (failing the test class) unless tshark loads the plugin under test."""
        ok, line = self.plugin_loaded()
        if not ok:
            raise AssertionError("the plugin under test (%s build) is not loaded by tshark:\n%s"
                                 % (self.kind, line))
        return self

    def plugin_loaded(self):
        out = self.run(["-G", "plugins"])
        for line in out.stdout.splitlines():
            cols = [c.strip() for c in line.split("\t")]
            if cols and cols[0] == "troubleshark.so" and len(cols) >= 4:
                return cols[2] == "dissector" and os.path.realpath(cols[3]).startswith(
                    os.path.realpath(self.env.root)), line + out.stderr
        return False, out.stdout[-2000:] + out.stderr[-2000:]


# ============================================================================================
# The verdict
class Result:
    def __init__(self, cmd, rc, stdout, stderr, seconds, maxrss_kib, timed_out, timeout):
        self.cmd, self.rc, self.stdout, self.stderr = cmd, rc, stdout, stderr
        self.seconds, self.maxrss_kib, self.timed_out, self.timeout = seconds, maxrss_kib, timed_out, timeout

    def command_line(self):
        return " ".join(self.cmd)


# stderr lines that are not a problem
BENIGN_STDERR = [
    re.compile(r"^\s*$"),
    re.compile(r"appears to have been cut short in the middle of a packet"),
    re.compile(r"^Running as user \"root\""),
]
SANITIZER_RE = re.compile(r"(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|"
                          r"SUMMARY: (Address|UndefinedBehavior)Sanitizer|AddressSanitizer:DEADLYSIGNAL)")


def problems(res, our_short_names=()):
    """Everything wrong with one tshark run. Normal for hostile input (not reported):
    "[Malformed Packet" from ReportedBoundsError/ContainedBoundsError, "[Packet size limited"
    (BoundsError), "[Unreassembled Packet" (FragmentBoundsError), and reassembly errors of
    Wireshark's own protocols (e.g. TCP overlap conflicts of mutated retransmissions).
    Reported: timeouts, any non-zero exit (crash, abort from WIRESHARK_ABORT_ON_DISSECTOR_BUG /
    TOO_MANY_ITEMS / wmem strict / glib), sanitizer reports, "Dissector bug", a reassembly error in
    one of our protocols, and anything else printed on stderr."""
    out = []
    if res.timed_out:
        out.append("timeout: still running after %.0f s" % res.timeout)
    elif res.rc != 0:
        sig = -res.rc if res.rc < 0 else None
        out.append("exit status %d%s" % (res.rc, " (signal %d)" % sig if sig else ""))
    if SANITIZER_RE.search(res.stderr):
        out.append("sanitizer report")
    for m in re.finditer(r"\[Dissector bug, protocol ([^:\]]+)[^\]]*\]", res.stdout):
        out.append("dissector bug: " + m.group(0)[:300])
        break
    for m in re.finditer(r"\[Reassembly error, protocol ([^:\]]+)[^\]]*\]", res.stdout):
        if m.group(1) in our_short_names:
            out.append("reassembly error in our protocol: " + m.group(0)[:300])
            break
    bad = [l for l in res.stderr.splitlines() if not any(b.search(l) for b in BENIGN_STDERR)]
    if bad and not res.timed_out:
        out.append("stderr: " + " | ".join(bad[:3])[:600])
    return out


def signature(res):
    """A short identity of a failure (first sanitizer/assertion line, source positions only), so a
    defect found again is recognised."""
    for pat in (r"(\S+\.c:\d+:\d+: runtime error: [^\n]*)", r"SUMMARY: AddressSanitizer: ([^\n]*)",
                r"(Dissector bug[^\n]*)", r"ERROR: ([^\n]*)"):
        m = re.search(pat, res.stderr + "\n" + res.stdout)
        if m:
            return re.sub(r"0x[0-9a-f]+|\(pc [^)]*\)", "", m.group(1))[:200]
    return None


def excerpt(res, n=6000):
    """The interesting part of a failed run for a test message."""
    err = res.stderr
    m = SANITIZER_RE.search(err)
    if m:
        err = err[max(0, m.start() - 200):]
    return "command: %s\nexit: %s  seconds: %.1f\nstderr:\n%s" % (res.command_line(), res.rc, res.seconds, err[:n])


FUZZ_MODES = {
    # what tools/fuzz-test.sh runs: a one-pass run with the tree and hex, and a two-pass run
    "nVx": ["-n", "-V", "-x"],
    "2n": ["-2", "-n"],
}


def mode_args(mode, decode_args, heuristics):
    a = list(FUZZ_MODES[mode]) + list(decode_args)
    for h in heuristics:
        a += ["--enable-heuristic", h]
    return a


def replay_command(seed_name, batch_seed, variant_index=None, n_variants=None, protocol=None):
    cmd = "TS_BUILD_DIR=%s python3 %s --replay --batch-seed %d" % (
        BUILD_DIR, os.path.join(HERE, "longrun.py"), batch_seed)
    if n_variants is not None:
        cmd += " --variants %d" % n_variants
    if protocol:
        cmd += " --protocol %s" % protocol
    if variant_index is not None:
        cmd += " --variant %d" % variant_index
    return cmd


# ============================================================================================
# Rounds (shared by the bounded CTest runs and the long-run driver)
def seed_pool(protocol, outdir, harvest=False):
    """The seeds of one protocol ("other" = the negative corpus of foreign protocols), in a fixed
    order so a batch seed always rebuilds the same batch."""
    return [s for s in known_seeds(outdir, include_other=True, harvest=harvest) if s.protocol == protocol]


LARGE_FRAMES = 200  # seeds with more frames form the pool "<protocol>-large" (one copy per round)


def pool_seeds(pool, outdir, harvest=False):
    """Seeds of a named pool: "<protocol>" (captures up to LARGE_FRAMES frames) or
    "<protocol>-large", or "<protocol>-large#<i>" (the i-th large one alone); protocol may also be
    "other" or "harvested"."""
    if "#" in pool:
        name, idx = pool.split("#")
        return pool_seeds(name, outdir, harvest)[int(idx):int(idx) + 1]
    large = pool.endswith("-large")
    base = pool[:-len("-large")] if large else pool
    out = []
    for s in seed_pool(base, outdir, harvest):
        try:
            n = len(s.frames())
        except (OSError, ValueError, struct.error, IndexError):
            continue  # unreadable (e.g. a harvested capture cut short)
        if (n > LARGE_FRAMES) == large:
            out.append(s)
    return out


class Campaign:
    """Runs mutation rounds and keeps the figures the README reports."""

    def __init__(self, runner, log=print, failures_dir=None, attribute=True):
        self.runner = runner
        self.log = log
        self.names = runner.protocol_names()
        self.protocols = sorted(self.names)
        self.short = {v[1] for v in self.names.values()}
        self.heur = runner.heuristics()
        self.failures_dir = failures_dir or os.path.join(BUILD_DIR, "fuzz-failures")
        self.attribute = attribute
        self.stats = {}      # pool -> dict
        self.failures = []   # dicts
        self.wireshark_bugs = []
        self.longest = (0.0, None)
        self.signatures = {}
        self.replay_extra = ""  # e.g. " --harvest <folder>" (appended to the replay commands)
        # the harness itself must be sound before any verdict means something
        empty = runner.path("empty.pcap")
        write_pcap(empty, [])
        for mode in FUZZ_MODES:
            r = runner.run(mode_args(mode, [], self.heur), capture=empty)
            if problems(r, self.short):
                raise RuntimeError("tshark fails on an empty capture:\n" + excerpt(r))

    def _stat(self, pool):
        return self.stats.setdefault(pool, {"rounds": 0, "variants": 0, "tshark_runs": 0,
                                            "captures": set(), "failures": 0, "max_seconds": 0.0,
                                            "cross": 0})

    def round(self, pool, seeds, batch_seed, n_variants, cross_rate=0.2):
        st = self._stat(pool)
        path = self.runner.path("batch-%s-%d.pcap" % (pool, batch_seed))
        variants, dargs = build_batch(seeds, batch_seed, n_variants, self.protocols, path, cross_rate)
        st["rounds"] += 1
        st["variants"] += len(variants)
        st["cross"] += sum(1 for v in variants if v.cross)
        st["captures"].update(v.seed.name for v in variants)
        found = []
        for mode in FUZZ_MODES:
            res = self.runner.run(mode_args(mode, dargs, self.heur), capture=path)
            st["tshark_runs"] += 1
            st["max_seconds"] = max(st["max_seconds"], res.seconds)
            if res.seconds > self.longest[0]:
                self.longest = (res.seconds, "%s batch %d (%s, %d captures)" % (pool, batch_seed, mode, len(variants)))
            pr = problems(res, self.short)
            if pr:
                sig = signature(res)
                if sig and sig in self.signatures:
                    # the same defect again: count it, do not spend time isolating it again
                    self.signatures[sig]["repeats"] += 1
                    self.log("same failure again (%s) in %s batch %d %s; first: %s" % (
                        sig, pool, batch_seed, mode, self.signatures[sig]["replay"]))
                    found.append(dict(self.signatures[sig], batch_seed=batch_seed, mode=mode, pool=pool,
                                      repeat=True))
                    continue
                rec = self._isolate(pool, seeds, batch_seed, n_variants, cross_rate, mode, res, pr)
                if sig:
                    rec["repeats"] = 0
                    self.signatures[sig] = rec
                found.append(rec)
        os.unlink(path)
        if found:
            st["failures"] += len(found)
        return found

    def _isolate(self, pool, seeds, batch_seed, n_variants, cross_rate, mode, res, pr):
        """Find the one variant of a failing batch that fails alone; keep it as a capture."""
        os.makedirs(self.failures_dir, exist_ok=True)
        culprit, cidx, cres, cpr, cargs, cpath = None, None, res, pr, None, None
        for i in range(n_variants):
            p = self.runner.path("isolate-%d-%d.pcap" % (batch_seed, i))
            vs, dargs = build_batch(seeds, batch_seed, n_variants, self.protocols, p, cross_rate, only=[i])
            r = self.runner.run(mode_args(mode, dargs, self.heur), capture=p)
            rp = problems(r, self.short)
            if rp:
                culprit, cidx, cres, cpr, cargs = vs[i], i, r, rp, dargs
                cpath = os.path.join(self.failures_dir, "%s-batch%d-variant%d.pcap" % (pool, batch_seed, i))
                shutil.copy(p, cpath)
                os.unlink(p)
                break
            os.unlink(p)
        owner = "plugin"
        if self.attribute and culprit is not None:
            # the same bytes without our plugin: a failure there is Wireshark's own
            nop = Runner("none")
            r2 = nop.run(list(FUZZ_MODES[mode]), capture=cpath)
            if problems(r2, self.short):
                owner = "wireshark"
            shutil.rmtree(nop.env.root, ignore_errors=True)
        rec = {"pool": pool, "batch_seed": batch_seed, "variants": n_variants, "mode": mode,
               "variant": culprit and repr(culprit),
               "variant_index": cidx,
               "problems": cpr, "owner": owner, "capture": cpath,
               "tshark_args": " ".join(mode_args(mode, cargs or [], self.heur)),
               "excerpt": excerpt(cres)}
        rec["replay"] = replay_command(None, batch_seed, rec["variant_index"], n_variants, pool) + self.replay_extra
        if culprit is not None:
            rec["replay_one"] = "TS_BUILD_DIR=%s python3 %s --replay --capture '%s' --vseed %d%s" % (
                BUILD_DIR, os.path.join(HERE, "longrun.py"), culprit.seed.name, culprit.vseed,
                " --decode-as %s" % culprit.target if culprit.cross else "") + self.replay_extra
        self.log("FUZZ FAILURE (%s): %s\n  replay: %s\n  replay (this copy alone): %s\n  capture: %s\n%s" % (
            owner, "; ".join(cpr), rec["replay"], rec.get("replay_one"), cpath, rec["excerpt"][:3000]))
        (self.failures if owner == "plugin" else self.wireshark_bugs).append(rec)
        return rec

    def summary(self):
        out = {}
        for pool, st in self.stats.items():
            d = dict(st)
            d["captures"] = len(st["captures"])
            out[pool] = d
        return {"pools": out, "failures": self.failures, "wireshark_bugs": self.wireshark_bugs,
                "longest_run_seconds": round(self.longest[0], 2), "longest_run": self.longest[1]}
