"""stats_helpers — minimal Aerospike PDU encoders for the statistics tests, and a parser for the
tshark output of a stat_tap_table (`-z <cli>[,filter]`) and of an SRT table (`-z <proto>,srt`).

Encoders follow ../shared/specs/aerospike.md (§2 proto header, §4 as_msg, §5 fields, §7 digest,
§8 batch). Only what the statistics captures need.
"""
import hashlib
import struct

AS_MSG_TYPE = 3
INFO1_READ, INFO1_GET_ALL, INFO1_BATCH = 0x01, 0x02, 0x08
INFO2_WRITE = 0x01
INFO3_LAST = 0x01
FIELD_NAMESPACE, FIELD_SET, FIELD_KEY, FIELD_DIGEST, FIELD_BATCH = 0, 1, 2, 4, 41
PARTICLE_INTEGER, PARTICLE_STRING = 1, 3


def digest(set_name, key):
    """RIPEMD-160 key digest (spec §7): set name + key particle type + key bytes."""
    if isinstance(key, int):
        kb = bytes([PARTICLE_INTEGER]) + struct.pack(">q", key)
    else:
        kb = bytes([PARTICLE_STRING]) + key.encode()
    return hashlib.new("ripemd160", set_name.encode() + kb).digest()


def proto(body, ptype=AS_MSG_TYPE):
    """8-byte proto header (version 2, type, 48-bit size) + body."""
    return struct.pack(">BB", 2, ptype) + len(body).to_bytes(6, "big") + body


def field(ftype, data):
    return struct.pack(">IB", len(data) + 1, ftype) + data


def as_msg(info1=0, info2=0, info3=0, result=0, generation=0, ttl=0, txn_ttl=0, fields=(), ops=()):
    hdr = struct.pack(">BBBBBBIIIHH", 22, info1, info2, info3, 0, result, generation, ttl, txn_ttl,
                      len(fields), len(ops))
    return hdr + b"".join(fields) + b"".join(ops)


def key_fields(ns, set_name, user_key=None):
    f = [field(FIELD_NAMESPACE, ns.encode()), field(FIELD_SET, set_name.encode()),
         field(FIELD_DIGEST, digest(set_name, user_key))]
    return f


def read_request(ns, set_name, user_key, send_key=True, timeout_ms=1000):
    """Single-record get of all bins; the user key field only when the policy sends it."""
    f = key_fields(ns, set_name, user_key)
    if send_key:
        f.append(field(FIELD_KEY, bytes([PARTICLE_STRING]) + user_key.encode()))
    return proto(as_msg(info1=INFO1_READ | INFO1_GET_ALL, txn_ttl=timeout_ms, fields=f))


def write_request(ns, set_name, user_key, timeout_ms=1000):
    f = key_fields(ns, set_name, user_key)
    return proto(as_msg(info2=INFO2_WRITE, txn_ttl=timeout_ms, fields=f))


def response(result=0, generation=1):
    """A single-record answer: header only (no fields, no bins)."""
    return proto(as_msg(result=result, generation=generation))


def batch_request(ns, set_name, user_keys, timeout_ms=1000):
    """Batch v2 read of all bins: one row per key (flags INFO|TTL), later rows REPEAT the first."""
    rows = []
    for i, k in enumerate(user_keys):
        d = digest(set_name, k)
        if i == 0:
            meta = bytes([0x0A, INFO1_READ | INFO1_GET_ALL, 0, 0]) + struct.pack(">I", 0)
            body = struct.pack(">HH", 2, 0) + field(FIELD_NAMESPACE, ns.encode()) + \
                field(FIELD_SET, set_name.encode())
            rows.append(struct.pack(">I", i) + d + meta + body)
        else:
            rows.append(struct.pack(">I", i) + d + bytes([0x01]))
    data = struct.pack(">IB", len(user_keys), 0x08) + b"".join(rows)
    return proto(as_msg(info1=INFO1_BATCH, txn_ttl=timeout_ms, fields=[field(FIELD_BATCH, data)]))


def batch_response(n_rows, results=None):
    """One proto with a record per row (transaction_ttl = row index), then the LAST record in its
    own proto (as servers send it)."""
    results = results or [0] * n_rows
    recs = b"".join(as_msg(result=results[i], generation=1, txn_ttl=i) for i in range(n_rows))
    return proto(recs) + proto(as_msg(info3=INFO3_LAST))


# ---- tshark statistics output -----------------------------------------------------------------

MENU_PREFIX = "Troubleshark \u00b7 "   # the plugin's entries sit together in the Statistics menu


def stat_table_start(lines, title):
    """Index of the header line of the table statistic `title` (printed with the menu title,
    "Troubleshark · <title>:")."""
    return lines.index(MENU_PREFIX + title.replace("Troubleshark ", "", 1) + ":")


def parse_stat_table(text, title):
    """Parse `tshark -q -z <cli>` output of a stat_tap_table UI titled `title`.
    Returns (filter, columns, {table title: [row dicts in printed order]})."""
    lines = text.splitlines()
    start = stat_table_start(lines, title)
    filt = lines[start + 1].split("Filter for statistics:", 1)[1].strip()
    columns = [c.strip() for c in lines[start + 2].split("|")[:-1]]
    tables, cur = {}, None
    for line in lines[start + 3:]:
        if line.startswith("====="):
            break
        if "|" not in line:
            cur = line.strip()
            tables[cur] = []
            continue
        cells = [c.strip() for c in line.split("|")[:-1]]
        row = {}
        for col, cell in zip(columns, cells):
            row[col] = cell
        tables[cur].append(row)
    return filt, columns, tables


def parse_srt(text):
    """Parse `tshark -q -z <proto>,srt`: {procedure name: (calls, min, max, avg, sum)} (seconds)."""
    out = {}
    in_table = False
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("Index"):
            in_table = True
            continue
        if in_table:
            if not s or s.startswith("="):
                if out:
                    break
                continue
            parts = s.split()
            # Index Procedure... Calls Min Max Avg Sum (procedure names may contain spaces)
            nums = parts[-5:]
            name = " ".join(parts[1:-5])
            out[name] = (int(nums[0]),) + tuple(float(x) for x in nums[1:])
    return out
