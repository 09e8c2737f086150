"""trade_pdus — encoders for Trade multiplexer PDUs (../shared/specs/trade.md), used by the Trade
dissection and statistics tests with capbuilder.

Header (5 bytes, big-endian): sender (1) | size (2, whole PDU incl. header) | receiver (2, 0xFFFF =
control). A control body is a NUL-terminated keyword followed by keyword data. Clocks and RTTs are a
length byte followed by a little-endian value; clocks count microseconds since 1901-01-01 UTC.
"""
import datetime
import struct

CONTROL = 0xFFFF
MULTIPLEXER, CARPENTER, TRADESITE, DOCSYS, ZEP, SCRIPTING = 1, 6, 7, 37, 93, 99

EPOCH_1901 = datetime.datetime(1901, 1, 1, tzinfo=datetime.timezone.utc)

# The talk's example byte strings (spec §4)
EXAMPLE_PING = bytes.fromhex("25000affff50696e6700")
EXAMPLE_PONG = bytes.fromhex("01000affff506f6e6700")
EXAMPLE_ROUNDTRIP = bytes.fromhex("010017ffff526f756e64747269700007" "1b88aadb46b60c")
EXAMPLE_ECHO = bytes.fromhex("250017ffff526f756e64747269700007" "1b88aadb46b60c")
EXAMPLE_CLOCK = 3578115169880091          # µs since 1901 = 2014-05-21 08:52:49.880091 UTC


def pdu(sender, receiver, body, size=None):
    """Any PDU; `size` overrides the size field (malformed PDUs)."""
    if size is None:
        size = 5 + len(body)
    return struct.pack(">BHH", sender, size, receiver) + body


def control(sender, keyword, data=b"", size=None):
    kw = keyword.encode() if isinstance(keyword, str) else keyword
    return pdu(sender, CONTROL, kw + b"\0" + data, size=size)


def le_value(value, nbytes):
    """Length byte + little-endian value."""
    return bytes([nbytes]) + value.to_bytes(nbytes, "little")


def clock_us(when):
    """Microseconds since 1901-01-01 UTC of an aware datetime (or a Unix timestamp)."""
    if not isinstance(when, datetime.datetime):
        when = datetime.datetime.fromtimestamp(when, datetime.timezone.utc)
    d = when - EPOCH_1901
    return (d.days * 86400 + d.seconds) * 1000000 + d.microseconds


def ping(sender=DOCSYS, clock=None, nbytes=7):
    return control(sender, "Ping", b"" if clock is None else le_value(clock, nbytes))


def pong(sender=MULTIPLEXER, clock=None, nbytes=7):
    return control(sender, "Pong", b"" if clock is None else le_value(clock, nbytes))


def roundtrip(sender, clock, nbytes=7):
    return control(sender, "Roundtrip", le_value(clock, nbytes))


def roundtrip_for_module(sender, module, rtt_us, nbytes=4):
    return control(sender, "Roundtrip for Module", module.encode() + b"\0" + le_value(rtt_us, nbytes))


def new_connection(sender, conn_id, ip):
    return control(sender, "New Connection", struct.pack(">H", conn_id) + ip.encode() + b"\0")


def close_connection(sender, conn_id):
    return control(sender, "Close Connection", struct.pack(">H", conn_id))


def login(sender, conn_id, user, ip, module=None, trailer=b"read\0"):
    body = b""
    if module is not None:
        body += module.encode() + b"\0"
    body += struct.pack(">H", conn_id) + user.encode() + b"\0" + ip.encode() + b"\0" + trailer
    return control(sender, "Login", body)


def module_and_client_count(sender, modules, clients):
    return control(sender, "ModuleAndClientCount", struct.pack(">HH", modules, clients))


def status(sender, text):
    return control(sender, "Status", text.encode() + b"\0")


def data(sender, receiver, payload):
    return pdu(sender, receiver, payload)


def greeting(sender, text, trailer=b"\x00\x01\x02"):
    """Server greeting (spec §6): sender, 1-byte length g, text + NUL in bytes [2, g), 3 bytes."""
    body = text.encode() + b"\0"
    g = 2 + len(body)
    return bytes([sender, g]) + body + trailer


# ---- scenarios ---------------------------------------------------------------------------------

INCIDENT_T0 = 1401960000.0                       # 2014-06-05 09:20:00 UTC
INCIDENT_PING_OFFSETS = [1.0, 31.0, 60.9, 91.1, 121.1]   # intervals 30.0 29.9 30.2 30.0: median 30.0
INCIDENT_PONG_DELAY = 0.005
INCIDENT_ZERO_WINDOW_AT = 122.0
INCIDENT_ZERO_ACKS_AT = [140.0, 155.0, 170.0, 185.0, 200.0]
INCIDENT_RST_AFTER_PONG = 90.1
INCIDENT_CLIENT = "10.0.0.11:51000"
INCIDENT_SERVER = "192.168.0.1:2107"
INCIDENT_CONN = "10.0.0.11:51000 \u2192 192.168.0.1:2107"


def build_incident(cap):
    """The talk's "case of the missing Ping" on one connection of `cap` (a capbuilder Capture):
    DocumentSystem pings the Multiplexer every ~30 s and gets Pongs; after the 5th Ping it sends
    bulk data; the Multiplexer advertises a zero window (a pure ACK) and keeps it closed (more
    zero-window ACKs, nothing else): the next Ping never reaches the wire; 90.1 s after the last
    Pong the module resets the connection. Returns {name: frame number}."""
    t0 = INCIDENT_T0
    fr = {}
    c = cap.tcp(INCIDENT_CLIENT, INCIDENT_SERVER, t=t0)
    for i, off in enumerate(INCIDENT_PING_OFFSETS):
        c.c2s(ping(DOCSYS), t=t0 + off)
        fr["ping%d" % i] = len(cap.packets)
        c.s2c(pong(MULTIPLEXER), dt=INCIDENT_PONG_DELAY)
        fr["pong%d" % i] = len(cap.packets)
    c.c2s(b"".join(data(DOCSYS, 2654, bytes(1995)) for _ in range(8)), t=t0 + 121.5)
    fr["bulk_last"] = len(cap.packets)
    c.window(False, 0, t=t0 + INCIDENT_ZERO_WINDOW_AT)
    fr["zero_window"] = len(cap.packets)
    for k, off in enumerate(INCIDENT_ZERO_ACKS_AT):
        c.window(False, 0, t=t0 + off)
        fr["zero_ack%d" % k] = len(cap.packets)
    c.rst(True, t=t0 + INCIDENT_PING_OFFSETS[-1] + INCIDENT_PONG_DELAY + INCIDENT_RST_AFTER_PONG)
    fr["rst"] = len(cap.packets)
    return fr


# ---- known-truth keepalive traffic (issue #19 tests) ---------------------------------------------

TRUTH_T0 = 1401960000.0
TRUTH_SERVER = "192.168.0.1:2107"
TRUTH_MSS = 536
TRUTH_MODULES = [DOCSYS, CARPENTER, TRADESITE, ZEP, SCRIPTING]


def truth_clock(conn, i):
    """The unique clock of Ping i of connection conn: the tag of the pair (µs since 1901)."""
    return clock_us(TRUTH_T0) + conn * 100000 + i * 1000 + 7


def build_keepalive_truth(cap, conn, n_pings=10, seed=None, t0=None, mss=TRUTH_MSS):
    """One module connection on `cap` whose module -> Multiplexer side is a continuous stream of
    data PDUs (10..1200 byte payloads, random bytes) with a Ping carrying a unique clock after
    every 1..4 of them, cut into `mss`-byte segments 20 ms apart: PDUs and Pings straddle
    segments (a segment ends early rather than carry the ends of two Pings: one Ping in flight at
    a time). 2 ms after the segment holding a Ping's last byte the Multiplexer answers with a Pong
    echoing the clock (one Pong per segment). Returns the truth {Ping clock: Pong clock}."""
    import random
    rng = random.Random(conn if seed is None else seed)
    sender = TRUTH_MODULES[conn % len(TRUTH_MODULES)]
    t = (TRUTH_T0 + conn * 0.0013) if t0 is None else t0
    c = cap.tcp("10.1.%d.%d:%d" % (conn // 200, conn % 200 + 10, 40000 + conn), TRUTH_SERVER, t=t)
    stream, ping_ends = b"", []
    for i in range(n_pings):
        for _ in range(rng.randint(1, 4)):
            stream += data(sender, rng.randint(2000, 2999), rng.randbytes(rng.randint(10, 1200)))
        clock = truth_clock(conn, i)
        stream += ping(sender, clock)
        ping_ends.append((len(stream), clock))
    stream += data(sender, 2000, rng.randbytes(300))
    off, pending = 0, list(ping_ends)
    while off < len(stream):
        end = min(off + mss, len(stream))
        if len(pending) > 1 and pending[1][0] <= end:     # one Ping in flight at a time
            end = pending[0][0]
        piece = stream[off:end]
        t += 0.02
        c.c2s(piece, t=t)
        off += len(piece)
        while pending and pending[0][0] <= off:
            c.s2c(pong(MULTIPLEXER, pending.pop(0)[1]), dt=0.002)
    return {clock: clock for _, clock in ping_ends}
