"""capbuilder — write pcap files from short readable descriptions (Python standard library only).

    from capbuilder import Capture
    cap = Capture(t0=1700000000.0)
    c = cap.tcp("10.0.0.1:40000", "10.0.0.2:3000")     # handshake included
    c.c2s(request)                                      # one segment (split by MSS when larger)
    c.s2c(response, dt=0.0123)                          # 12.3 ms later
    c.c2s(pdu, segs=[3, 5])                             # split after 3 and after 8 bytes (3 segments)
    c.c2s(b"".join(forty_pdus))                         # many PDUs in one segment
    c.window(False, 0)                                  # server advertises a zero window (pure ACK)
    c.retransmit(True)                                  # the client's last segment again
    c.rst(True)
    cap.udp("10.0.0.5:9918", "239.1.99.222:9918", payload)
    cap.write(path)

Every packet is Ethernet + IPv4 (or IPv6 when an address contains ':') + TCP/UDP, with correct
lengths, checksums and per-direction sequence/acknowledgement numbers, so Wireshark's TCP
reassembly works exactly as on real traffic. Timestamps: each packet advances the clock by `dt`
(default 1 ms, given per call) or is placed at an absolute time with `t=`.
"""
import ipaddress
import struct

LINKTYPE_ETHERNET = 1
MSS = 1460


def _csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def _endpoint(spec):
    """'10.0.0.1:3000' or '[2001:db8::1]:3000' -> (ip_address, port)"""
    if spec.startswith("["):
        host, port = spec[1:].split("]:")
    else:
        host, port = spec.rsplit(":", 1)
    return ipaddress.ip_address(host), int(port)


def split_at(data, sizes):
    """Split data into pieces of the given sizes; the rest (if any) is the last piece."""
    out, off = [], 0
    for n in sizes:
        out.append(data[off:off + n])
        off += n
    if off < len(data):
        out.append(data[off:])
    return [p for p in out if p]


class Capture:
    def __init__(self, t0=1700000000.0, dt=0.001):
        self.t = float(t0)
        self.dt = dt
        self.packets = []  # (ts, bytes)
        self._mac = {}

    # -- time ---------------------------------------------------------------------------------
    def _stamp(self, t=None, dt=None):
        if t is not None:
            self.t = float(t)
        else:
            self.t += self.dt if dt is None else dt
        return self.t

    def tick(self, dt):
        self.t += dt

    # -- link and network layers -----------------------------------------------------------------
    def _mac_of(self, ip):
        if ip not in self._mac:
            n = len(self._mac) + 1
            self._mac[ip] = bytes([0x02, 0, 0, 0, (n >> 8) & 0xFF, n & 0xFF])
        return self._mac[ip]

    def _ip(self, src, dst, proto, l4):
        if src.version == 4:
            hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0, 0x4000, 64, proto, 0,
                              src.packed, dst.packed)
            hdr = hdr[:10] + struct.pack("!H", _csum(hdr)) + hdr[12:]
            ethertype = 0x0800
        else:
            hdr = struct.pack("!IHBB16s16s", 0x60000000, len(l4), proto, 64, src.packed, dst.packed)
            ethertype = 0x86DD
        eth = self._mac_of(dst) + self._mac_of(src) + struct.pack("!H", ethertype)
        return eth + hdr + l4

    @staticmethod
    def _pseudo(src, dst, proto, length):
        if src.version == 4:
            return src.packed + dst.packed + struct.pack("!BBH", 0, proto, length)
        return src.packed + dst.packed + struct.pack("!IxxxB", length, proto)

    def raw(self, frame, t=None, dt=None):
        self.packets.append((self._stamp(t, dt), bytes(frame)))

    def udp(self, src, dst, payload, t=None, dt=None):
        (sip, sport), (dip, dport) = _endpoint(src), _endpoint(dst)
        l4 = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
        c = _csum(self._pseudo(sip, dip, 17, len(l4)) + l4) or 0xFFFF
        l4 = l4[:6] + struct.pack("!H", c) + l4[8:]
        self.raw(self._ip(sip, dip, 17, l4), t, dt)

    def tcp(self, client, server, handshake=True, isn_client=1000, isn_server=5000, win=65535,
            t=None, dt=None):
        conn = TcpConn(self, _endpoint(client), _endpoint(server), isn_client, isn_server, win)
        if handshake:
            conn.handshake(t=t, dt=dt)
        return conn

    # -- output -------------------------------------------------------------------------------
    def to_bytes(self):
        out = [struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, LINKTYPE_ETHERNET)]
        for ts, frame in self.packets:
            sec = int(ts)
            nsec = int(round((ts - sec) * 1e9))
            if nsec >= 1000000000:
                sec, nsec = sec + 1, nsec - 1000000000
            out.append(struct.pack("<IIII", sec, nsec, len(frame), len(frame)))
            out.append(frame)
        return b"".join(out)

    def write(self, path):
        with open(path, "wb") as f:
            f.write(self.to_bytes())
        return path


class TcpConn:
    """One TCP connection. Direction: from_client=True is client -> server."""

    def __init__(self, cap, client, server, isn_c, isn_s, win):
        self.cap = cap
        self.ep = {True: client, False: server}
        self.next_seq = {True: isn_c, False: isn_s}
        self.win = {True: win, False: win}
        self.last = {True: None, False: None}  # last data segment (seq, payload, flags) per side

    def _emit(self, from_client, seq, flags, payload=b"", win=None, t=None, dt=None, ack=True):
        (sip, sport), (dip, dport) = self.ep[from_client], self.ep[not from_client]
        ackno = self.next_seq[not from_client] if ack else 0
        fl = 0
        for ch, bit in (("F", 1), ("S", 2), ("R", 4), ("P", 8), ("A", 16)):
            if ch in flags:
                fl |= bit
        if ack:
            fl |= 16
        w = self.win[from_client] if win is None else win
        hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ackno & 0xFFFFFFFF,
                          5 << 4, fl, min(w, 0xFFFF), 0, 0)
        seg = hdr + payload
        c = _csum(Capture._pseudo(sip, dip, 6, len(seg)) + seg)
        seg = seg[:16] + struct.pack("!H", c) + seg[18:]
        self.cap.raw(self.cap._ip(sip, dip, 6, seg), t, dt)

    def handshake(self, t=None, dt=None):
        self._emit(True, self.next_seq[True], "S", t=t, dt=dt, ack=False)
        self.next_seq[True] += 1
        self._emit(False, self.next_seq[False], "SA", dt=0.0001)
        self.next_seq[False] += 1
        self._emit(True, self.next_seq[True], "A", dt=0.0001)

    def send(self, from_client, data, segs=None, mss=MSS, t=None, dt=None, seg_dt=0.00001, win=None):
        """Send data as one or more segments. segs: list of piece sizes (the rest goes in a last
        piece); default: pieces of at most `mss` bytes. Returns the list of pieces sent."""
        data = bytes(data)
        if segs is not None:
            pieces = split_at(data, segs)
        else:
            pieces = [data[i:i + mss] for i in range(0, len(data), mss)] or [b""]
        for i, p in enumerate(pieces):
            seq = self.next_seq[from_client]
            self._emit(from_client, seq, "PA", p, win=win,
                       t=t if i == 0 else None, dt=dt if i == 0 else seg_dt)
            self.last[from_client] = (seq, p)
            self.next_seq[from_client] += len(p)
        return pieces

    def c2s(self, data, **kw):
        return self.send(True, data, **kw)

    def s2c(self, data, **kw):
        return self.send(False, data, **kw)

    def segment(self, from_client, payload, seq=None, flags="PA", win=None, t=None, dt=None,
                advance=True):
        """One raw segment at an explicit sequence number (out-of-order delivery, overlaps)."""
        s = self.next_seq[from_client] if seq is None else seq
        self._emit(from_client, s, flags, payload, win=win, t=t, dt=dt)
        if advance and seq is None:
            self.next_seq[from_client] += len(payload)

    def out_of_order(self, from_client, data, order, sizes, t=None, dt=None):
        """Send `data` cut into `sizes` pieces, emitted in `order` (indices), e.g. [1, 0]."""
        pieces = split_at(data, sizes)
        base = self.next_seq[from_client]
        offs, o = [], 0
        for p in pieces:
            offs.append(o)
            o += len(p)
        first = True
        for i in order:
            self._emit(from_client, base + offs[i], "PA", pieces[i], t=t if first else None,
                       dt=dt if first else 0.00001)
            first = False
        self.next_seq[from_client] = base + len(data)

    def retransmit(self, from_client, t=None, dt=None):
        seq, p = self.last[from_client]
        self._emit(from_client, seq, "PA", p, t=t, dt=dt)

    def ack(self, from_client, win=None, t=None, dt=None):
        if win is not None:
            self.win[from_client] = win
        self._emit(from_client, self.next_seq[from_client], "A", t=t, dt=dt)

    def window(self, from_client, win, t=None, dt=None):
        """A pure ACK advertising `win` (0 = zero window); later segments keep that window."""
        self.ack(from_client, win=win, t=t, dt=dt)

    def fin(self, from_client, t=None, dt=None):
        self._emit(from_client, self.next_seq[from_client], "FA", t=t, dt=dt)
        self.next_seq[from_client] += 1

    def rst(self, from_client, t=None, dt=None):
        self._emit(from_client, self.next_seq[from_client], "RA", t=t, dt=dt)

    def close(self, dt=None):
        self.fin(True, dt=dt)
        self.fin(False, dt=0.0001)
        self.ack(True, dt=0.0001)
