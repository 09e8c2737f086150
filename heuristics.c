/* heuristics.c — finding troubleshark's protocols on any port (issue 12), and the
 * "Troubleshark Services" table.
 *
 * Heuristics: one per protocol and transport ("aerospike_tcp", "aerospike_cluster_tcp",
 * "aerospike_cluster_udp", "trade_tcp", "hsf2_tcp", "rocketmq_tcp"), each a pure check of the
 * first PDU's bytes (several independent facts: version/type values, lengths that agree with each
 * other and with the segment, enumerations in range, text shape, known keywords) followed by a
 * hand-over to the protocol's own dissector (find_dissector). A recognised conversation is bound
 * to that dissector from the recognised frame on (conversation_set_dissector_from_frame_number),
 * so later segments and TCP reassembly go straight to it and earlier frames (a capture that
 * starts in the middle of a PDU) keep their plain-data dissection on every pass.
 *
 * Everything is looked up by name in the handoff: a protocol left out of TS_PROTOCOLS simply has
 * no heuristic. The plugin registers the umbrella protocol first, and epan runs plugin handoffs in
 * reverse registration order, so this handoff runs after every dissector's own registration; a
 * heuristic short name a dissector registered itself is taken over (same entry, our check), never
 * registered twice (a duplicate short name aborts Wireshark).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ts-compat.h"
#include "troubleshark.h"
#include "heuristics.h"
#include "stats.h"

#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <epan/to_str.h>
#include <epan/dissectors/packet-tcp.h>

/* ============================================================================================
 * Byte-level helpers (never throw: every read is bounded by the captured length)
 * ============================================================================================ */

#define AVAIL(tvb) ((guint)tvb_captured_length(tvb))

static inline guint32 be32(tvbuff_t *tvb, guint off) { return tvb_get_ntohl(tvb, (gint)off); }
static inline guint16 be16(tvbuff_t *tvb, guint off) { return tvb_get_ntohs(tvb, (gint)off); }
static inline guint8  b8(tvbuff_t *tvb, guint off)   { return tvb_get_uint8(tvb, (gint)off); }

/* Bytes [off, off+len) (as far as captured) are all zero. */
static gboolean zeros(tvbuff_t *tvb, guint off, guint len, guint avail)
{
    for (guint i = off; i < off + len && i < avail; i++)
        if (b8(tvb, i) != 0)
            return FALSE;
    return TRUE;
}

typedef enum { CH_TEXT, CH_JAVA_NAME, CH_IDENT, CH_SERVICE, CH_IP } ts_charset_t;

static gboolean char_ok(guint8 c, ts_charset_t cs)
{
    switch (cs) {
    case CH_TEXT:       /* printable text, tabs and line ends, UTF-8 bytes */
        return (c >= 0x20 && c != 0x7f) || c == '\t' || c == '\n' || c == '\r';
    case CH_IDENT:      /* Java method name */
        return g_ascii_isalnum(c) || c == '_' || c == '$' || c >= 0x80;
    case CH_JAVA_NAME:  /* class name, array descriptor */
        return g_ascii_isalnum(c) || c == '_' || c == '$' || c == '.' || c == '[' || c == ';' ||
               c == '<' || c == '>' || c == ',' || c >= 0x80;
    case CH_SERVICE:    /* interface:version[:group] */
        return g_ascii_isalnum(c) || c == '_' || c == '$' || c == '.' || c == ':' || c == '-' ||
               c == '/' || c == '@' || c >= 0x80;
    case CH_IP:
        return g_ascii_isxdigit(c) || c == '.' || c == ':' || c == '%';
    }
    return FALSE;
}

/* The first min(len, max) captured bytes at off belong to the character set. */
static gboolean chars_ok(tvbuff_t *tvb, guint off, guint len, guint max, guint avail, ts_charset_t cs)
{
    guint end = off + MIN(len, max);
    for (guint i = off; i < end && i < avail; i++)
        if (!char_ok(b8(tvb, i), cs))
            return FALSE;
    return TRUE;
}

/* A NUL-terminated string of at least `min` characters of `cs` starts at off and ends before
 * `end`; *next is the offset after its NUL. */
static gboolean strz_ok(tvbuff_t *tvb, guint off, guint end, guint min, ts_charset_t cs, guint *next)
{
    guint i;
    for (i = off; i < end; i++) {
        guint8 c = b8(tvb, i);
        if (c == 0)
            break;
        if (!char_ok(c, cs) || c == '\n' || c == '\r' || c == '\t')
            return FALSE;
    }
    if (i >= end || i - off < min)
        return FALSE;
    *next = i + 1;
    return TRUE;
}

/* ============================================================================================
 * Aerospike service protocol (spec aerospike.md §2-§11): 8-byte proto header
 * ============================================================================================ */

#define AS_HDR          8
#define AS_SIZE_MAX     G_GUINT64_CONSTANT(134217728)   /* PROTO_SIZE_MAX */
#define AS_MSG_HDR      22

/* Proto header at off, checked as far as it is captured. */
static gboolean as_header_ok(tvbuff_t *tvb, guint off, guint avail, guint64 *size_out)
{
    guint n = avail - off;
    guint8 v = b8(tvb, off);
    if (v != 2 && v != 0)
        return FALSE;
    if (n < 2)
        return TRUE;
    guint8 t = b8(tvb, off + 1);
    if (t < 1 || t > 4 || (v == 0 && t != 2))   /* version 0 only for security messages */
        return FALSE;
    if (n < AS_HDR) {
        /* size is 48-bit BE and at most 2^27: its two top bytes are zero, the third <= 8 */
        if ((n > 2 && b8(tvb, off + 2)) || (n > 3 && b8(tvb, off + 3)) || (n > 4 && b8(tvb, off + 4) > 8))
            return FALSE;
        return TRUE;
    }
    guint64 size = tvb_get_ntoh48(tvb, (gint)off + 2);
    if (size > AS_SIZE_MAX)
        return FALSE;
    if ((t == 3 && size < AS_MSG_HDR) || (t == 2 && size < 16) || (t == 4 && size < 10))
        return FALSE;
    if (size_out)
        *size_out = size;
    return TRUE;
}

static gboolean as_field_type_ok(guint8 t)
{
    return t <= 15 || (t >= 21 && t <= 26) || (t >= 30 && t <= 33) || (t >= 40 && t <= 43) || t == 45;
}

static gboolean as_op_ok(guint8 op)
{
    return (op >= 1 && op <= 19 && op != 6) || (op >= 129 && op <= 132);
}

static gboolean as_particle_ok(guint8 p)
{
    return p <= 4 || (p >= 7 && p <= 12) || (p >= 16 && p <= 20) || p == 23;
}

/* The first as_msg of a type-3 body at off (the body ends at end, which may lie beyond avail). */
static gboolean as_msg_ok(tvbuff_t *tvb, guint off, guint64 end, guint avail)
{
    if (off + AS_MSG_HDR > avail)
        return FALSE;                       /* we want to see the whole as_msg header */
    if (b8(tvb, off) != AS_MSG_HDR)         /* header_sz */
        return FALSE;
    if (b8(tvb, off + 4) & 0x80)            /* info4 bit 7 is unused */
        return FALSE;
    guint nf = be16(tvb, off + 18);
    guint nops = be16(tvb, off + 20);
    if (nf > 64)                            /* every field type at most once */
        return FALSE;
    guint64 p = off + AS_MSG_HDR;
    for (guint i = 0; i < nf; i++) {
        if (p + 5 > avail)
            return TRUE;                    /* nothing more to see in this segment */
        guint32 sz = be32(tvb, (guint)p);
        if (sz < 1 || p + 4 + sz > end || !as_field_type_ok(b8(tvb, (guint)p + 4)))
            return FALSE;
        p += 4 + (guint64)sz;
    }
    for (guint i = 0; i < nops; i++) {
        if (p + 8 > avail)
            return TRUE;
        guint32 sz = be32(tvb, (guint)p);
        guint8 flags = b8(tvb, (guint)p + 6);
        guint8 nlen = b8(tvb, (guint)p + 7);
        if (sz < 4 || p + 4 + sz > end || !as_op_ok(b8(tvb, (guint)p + 4)) ||
            !as_particle_ok(b8(tvb, (guint)p + 5)) || flags > 1 || nlen > 15 ||
            4u + nlen + ((flags & 1) ? 8u : 0u) > sz)
            return FALSE;
        p += 4 + (guint64)sz;
    }
    /* another as_msg may follow in the same body (batch, scan answers) */
    if (p < end && p < avail && b8(tvb, (guint)p) != AS_MSG_HDR)
        return FALSE;
    return TRUE;
}

gboolean ts_heur_check_aerospike(tvbuff_t *tvb)
{
    guint avail = AVAIL(tvb);
    guint64 size = 0;
    if (avail < AS_HDR + 1)
        return FALSE;                       /* header plus body bytes to check (an empty info
                                             * request, 8 bytes mostly zero, is too little evidence) */
    if (!as_header_ok(tvb, 0, avail, &size))
        return FALSE;
    guint8 type = b8(tvb, 1);
    guint have = avail - AS_HDR;
    guint64 end = AS_HDR + size;            /* end of this PDU */
    guint vis = (guint)MIN(end, (guint64)avail);

    switch (type) {
    case 1:     /* info: text lines; a complete one ends with a line feed */
        if (size == 0)
            return FALSE;
        {
            guint8 c0 = b8(tvb, AS_HDR);
            if (!g_ascii_isalnum(c0) || !chars_ok(tvb, AS_HDR, vis - AS_HDR, 1024, avail, CH_TEXT))
                return FALSE;
            if (end <= avail && b8(tvb, (guint)end - 1) != '\n')
                return FALSE;
        }
        break;
    case 2:     /* security: scheme 0, 12 unused bytes zero */
        if (have < 16 || b8(tvb, AS_HDR) != 0 || !zeros(tvb, AS_HDR + 4, 12, avail) ||
            b8(tvb, AS_HDR + 2) > 20 || b8(tvb, AS_HDR + 3) > 32)
            return FALSE;
        break;
    case 3:
        if (!as_msg_ok(tvb, AS_HDR, end, avail))
            return FALSE;
        break;
    case 4: {   /* compressed: uncompressed size, then a zlib stream header */
        if (have < 10)
            return FALSE;
        guint64 usize = tvb_get_ntoh64(tvb, AS_HDR);
        guint8 cmf = b8(tvb, AS_HDR + 8), flg = b8(tvb, AS_HDR + 9);
        if (usize < AS_HDR + AS_MSG_HDR || usize > AS_SIZE_MAX + AS_HDR ||
            (cmf & 0x0f) != 8 || (cmf >> 4) > 7 || ((guint)cmf * 256u + flg) % 31u != 0)
            return FALSE;
        break;
    }
    default:
        return FALSE;
    }
    /* the PDUs that follow in this segment must be proto headers too */
    for (guint i = 0; i < 64 && end < avail; i++) {
        guint64 next = 0;
        if (!as_header_ok(tvb, (guint)end, avail, &next))
            return FALSE;
        if (end + AS_HDR > avail)
            break;
        end += AS_HDR + next;
    }
    return TRUE;
}

/* ============================================================================================
 * Aerospike cluster "msg" (spec aerospike.md §12): size(4) type(2) then fields id(2) ftype(1) value
 * ============================================================================================ */

#define MSG_HDR         6
#define MSG_SIZE_MAX    (128u * 1024u * 1024u)
#define MSG_MAX_ID      64
#define MSG_HB_ID       0x00006864u     /* heartbeat v3 protocol identifier */

static gboolean msg_type_ok(guint t)
{
    switch (t) {
    case 0: case 3: case 4: case 5: case 6: case 7: case 8: case 9: case 10: case 12: case 15:
        return TRUE;
    default:
        return FALSE;
    }
}

static gboolean msg_header_ok(tvbuff_t *tvb, guint off, guint avail)
{
    guint n = avail - off;
    if (n >= 4) {
        guint32 size = be32(tvb, off);
        if (size < 3 || size > MSG_SIZE_MAX)
            return FALSE;
    } else {
        return b8(tvb, off) == 0;   /* size < 2^27 */
    }
    if (n >= MSG_HDR && !msg_type_ok(be16(tvb, off + 4)))
        return FALSE;
    return TRUE;
}

/* Walk the fields of the msg at off: ascending ids below 64, known field types, values inside
 * the msg. *complete: the whole msg was captured and its fields fill it exactly. */
static gboolean msg_walk(tvbuff_t *tvb, guint off, guint avail, guint *n_fields, gboolean *complete)
{
    *n_fields = 0;
    *complete = FALSE;
    if (off + MSG_HDR + 3 > avail || !msg_header_ok(tvb, off, avail))
        return FALSE;
    guint32 size = be32(tvb, off);
    guint type = be16(tvb, off + 4);
    guint64 end = (guint64)off + MSG_HDR + size;
    guint64 p = off + MSG_HDR;
    int last_id = -1;
    while (p < end) {
        if (p + 3 > end)
            return FALSE;                   /* a field header must fit in the msg */
        if (p + 3 > avail)
            return TRUE;
        guint id = be16(tvb, (guint)p);
        guint8 ft = b8(tvb, (guint)p + 2);
        guint64 vlen;
        if (id >= MSG_MAX_ID || (int)id <= last_id)
            return FALSE;
        switch (ft) {
        case 1: vlen = 4; break;
        case 3: vlen = 8; break;
        case 5: case 6: case 7: case 8: case 9: case 10: case 11:
            if (p + 7 > end)
                return FALSE;
            if (p + 7 > avail)
                return TRUE;
            vlen = 4 + (guint64)be32(tvb, (guint)p + 3);
            break;
        default:
            return FALSE;
        }
        if (p + 3 + vlen > end)
            return FALSE;
        if ((ft == 7 && (vlen - 4) % 4) || (ft == 8 && (vlen - 4) % 8))
            return FALSE;
        if (p + 3 + vlen > avail)
            return TRUE;                    /* this field runs past the segment */
        if (ft == 5 && (vlen < 5 || b8(tvb, (guint)(p + 3 + vlen - 1)) != 0))
            return FALSE;                   /* strings carry their NUL */
        /* field-level facts of the first field */
        if (*n_fields == 0) {
            if (type == 5 && !((id == 0 && ft == 1 && be32(tvb, (guint)p + 3) == MSG_HB_ID) ||
                               (id == 6 && ft == 6)))
                return FALSE;               /* heartbeat: protocol id, or only the compressed payload */
            if (type == 0 && !(id == 0 && ft == 3))
                return FALSE;               /* fabric handshake: the node id */
        }
        last_id = (int)id;
        (*n_fields)++;
        p += 3 + vlen;
    }
    *complete = TRUE;
    return TRUE;
}

gboolean ts_heur_check_aerospike_cluster_tcp(tvbuff_t *tvb)
{
    guint avail = AVAIL(tvb);
    guint nf;
    gboolean complete;
    if (!msg_walk(tvb, 0, avail, &nf, &complete))
        return FALSE;
    if (!complete && nf < 2)
        return FALSE;                       /* a complete msg, or two verified fields */
    if (complete) {
        guint64 end = MSG_HDR + (guint64)be32(tvb, 0);
        for (guint i = 0; i < 64 && end < avail; i++) {
            if (!msg_header_ok(tvb, (guint)end, avail))
                return FALSE;
            if (end + 4 > avail)
                break;
            end += MSG_HDR + (guint64)be32(tvb, (guint)end);
        }
    }
    return TRUE;
}

gboolean ts_heur_check_aerospike_cluster_udp(tvbuff_t *tvb)
{
    guint avail = AVAIL(tvb);
    guint off = 0;
    if (avail < MSG_HDR + 3 || avail != tvb_reported_length(tvb))
        return FALSE;                       /* empty, or sliced: cannot check the sizes */
    for (guint i = 0; i < 8 && off < avail; i++) {
        guint nf;
        gboolean complete;
        if (!msg_walk(tvb, off, avail, &nf, &complete) || !complete || be16(tvb, off + 4) != 5)
            return FALSE;                   /* heartbeats only, each complete */
        off += MSG_HDR + be32(tvb, off);
    }
    return off == avail;                    /* the msgs fill the datagram exactly */
}

/* ============================================================================================
 * Trade (spec trade.md §2-§3): sender(1) size(2, incl. header) receiver(2); control = 0xFFFF
 * ============================================================================================ */

#define TRADE_HDR       5
#define TRADE_CONTROL   0xFFFF

/* Keyword-specific data of a control PDU fills [off, end) exactly. */
static gboolean trade_control_ok(tvbuff_t *tvb, guint sender, guint off, guint end)
{
    static const char *const kws[] = { "Ping", "Pong", "Roundtrip", "Roundtrip for Module",
                                       "New Connection", "Close Connection", "Login",
                                       "ModuleAndClientCount", "Status" };
    guint kw_end;
    int k = -1;
    if (!strz_ok(tvb, off, end, 1, CH_TEXT, &kw_end))
        return FALSE;
    for (guint i = 0; i < G_N_ELEMENTS(kws); i++) {
        guint l = (guint)strlen(kws[i]);
        if (kw_end - off - 1 == l && tvb_memeql(tvb, (gint)off, (const guint8 *)kws[i], l) == 0) {
            k = (int)i;
            break;
        }
    }
    guint d = kw_end, rest = end - kw_end, next;
    switch (k) {
    case 0: case 1: case 2:     /* Ping, Pong, Roundtrip: nothing, or clen + clen clock bytes */
        return rest == 0 || (b8(tvb, d) >= 1 && b8(tvb, d) <= 8 && rest == 1u + b8(tvb, d));
    case 3:                     /* module name, rtt length (<= 4) + rtt */
        if (!strz_ok(tvb, d, end, 1, CH_TEXT, &next) || next >= end)
            return FALSE;
        return b8(tvb, next) >= 1 && b8(tvb, next) <= 4 && end - next == 1u + b8(tvb, next);
    case 4:                     /* connection id, client IP */
        return rest > 3 && strz_ok(tvb, d + 2, end, 2, CH_IP, &next) && next == end;
    case 5:                     /* connection id */
        return rest == 2;
    case 6:                     /* [module,] connection id, user, client IP, optional trailer */
        if (sender == 7) {
            if (!strz_ok(tvb, d, end, 1, CH_TEXT, &d))
                return FALSE;
        }
        if (d + 2 >= end || !strz_ok(tvb, d + 2, end, 1, CH_TEXT, &next))
            return FALSE;
        return strz_ok(tvb, next, end, 2, CH_IP, &next);
    case 7:                     /* module count, client count */
        return rest == 4;
    case 8:                     /* status text */
        return strz_ok(tvb, d, end, 0, CH_TEXT, &next) && next == end;
    default:
        return FALSE;           /* unknown keyword */
    }
}

gboolean ts_heur_check_trade(tvbuff_t *tvb)
{
    guint avail = AVAIL(tvb);
    if (avail < TRADE_HDR + 5)
        return FALSE;
    guint size = be16(tvb, 1);
    /* the first PDU: a whole control PDU with a known keyword whose data fills it exactly */
    if (be16(tvb, 3) != TRADE_CONTROL || size < TRADE_HDR + 5 || size > avail ||
        !trade_control_ok(tvb, b8(tvb, 0), TRADE_HDR, size))
        return FALSE;
    /* the rest of the segment: PDUs of at least a header, control ones with a text keyword */
    guint off = size;
    for (guint i = 0; i < 256 && off < avail; i++) {
        if (off + 3 > avail)
            break;
        guint sz = be16(tvb, off + 1);
        if (sz < TRADE_HDR)
            return FALSE;
        if (off + sz <= avail && be16(tvb, off + 3) == TRADE_CONTROL) {
            guint dummy;
            if (!strz_ok(tvb, off + TRADE_HDR, off + sz, 1, CH_TEXT, &dummy))
                return FALSE;
        }
        off += sz;
    }
    return TRUE;
}

/* ============================================================================================
 * HSF2 (spec hsf2.md §3, §4, §8, §11): first byte 0x0C heartbeat, 0x0D TB Remoting, 0x0E HSF
 * ============================================================================================ */

#define HSF_HB          0x0C
#define HSF_TB          0x0D
#define HSF_RPC         0x0E
#define HSF_MAX_FIELD   (16u * 1024u * 1024u)
#define HSF_MAX_NAME    65536u
#define HSF_MAX_TIMEOUT 86400000u       /* a day, in ms */

static gboolean hsf_status_ok(guint8 s)
{
    switch (s) {
    case 10: case 20: case 30: case 31: case 40: case 50: case 60: case 70: case 80: case 81:
    case 82: case 83: case 88: case 90: case 91:
        return TRUE;
    default:
        return FALSE;
    }
}

/* Checks one HSF PDU at off; *len is its length when it could be computed (0 otherwise).
 * full: check everything (first PDU); otherwise only the header facts. */
static gboolean hsf_pdu_ok(tvbuff_t *tvb, guint off, guint avail, gboolean full, guint64 *len)
{
    guint n = avail - off;
    guint8 t = b8(tvb, off);
    *len = 0;
    if (t == HSF_HB) {
        if (n < 18)
            return !full && (n < 2 || b8(tvb, off + 1) <= 1) && (n < 3 || b8(tvb, off + 2) == 1) &&
                   zeros(tvb, off + 3, 3, avail);
        guint8 op = b8(tvb, off + 1);
        guint32 last = be32(tvb, off + 14);
        if (op > 1 || b8(tvb, off + 2) != 1 || !zeros(tvb, off + 3, 3, avail))
            return FALSE;
        if ((op == 0 && (last == 0 || last > HSF_MAX_TIMEOUT)) || (op == 1 && last != 0))
            return FALSE;               /* request: its timeout; response: zero padding */
        *len = 18;
        return TRUE;
    }
    if (t == HSF_RPC) {
        if (n < 3)
            return !full && (n < 2 || b8(tvb, off + 1) == 1);
        guint8 op = b8(tvb, off + 2);
        if (b8(tvb, off + 1) != 1 || op > 1)
            return FALSE;
        if (op == 1) {                  /* response */
            if (n < 20)
                return !full && (n < 4 || hsf_status_ok(b8(tvb, off + 3))) &&
                       (n < 5 || (b8(tvb, off + 4) >= 1 && b8(tvb, off + 4) <= 7)) &&
                       zeros(tvb, off + 5, 3, avail);
            guint8 codec = b8(tvb, off + 4);
            guint32 blen = be32(tvb, off + 16);
            if (!hsf_status_ok(b8(tvb, off + 3)) || codec < 1 || codec > 7 ||
                !zeros(tvb, off + 5, 3, avail) || blen > HSF_MAX_FIELD)
                return FALSE;
            *len = 20 + (guint64)blen;
            return TRUE;
        }
        /* request */
        if (n < 31)
            return !full && (n < 4 || (b8(tvb, off + 3) >= 1 && b8(tvb, off + 3) <= 7)) &&
                   zeros(tvb, off + 4, 3, avail);
        guint8 codec = b8(tvb, off + 3);
        guint32 timeout = be32(tvb, off + 15);
        guint32 ls = be32(tvb, off + 19), lm = be32(tvb, off + 23), na = be32(tvb, off + 27);
        if (codec < 1 || codec > 7 || !zeros(tvb, off + 4, 3, avail) || timeout > HSF_MAX_TIMEOUT ||
            ls < 1 || ls > HSF_MAX_NAME || lm < 1 || lm > HSF_MAX_NAME || na > 255)
            return FALSE;
        guint hdr = 35 + 8 * na;
        if (n < hdr)
            return !full;               /* the first PDU must show its whole length table */
        guint64 total = (guint64)hdr + ls + lm;
        guint32 props = be32(tvb, off + 31 + 8 * na);
        if (props > HSF_MAX_FIELD)
            return FALSE;
        for (guint i = 0; i < na; i++) {
            guint32 tl = be32(tvb, off + 31 + 4 * i), ol = be32(tvb, off + 31 + 4 * (na + i));
            if (tl < 1 || tl > HSF_MAX_NAME || ol > HSF_MAX_FIELD)
                return FALSE;
            total += (guint64)tl + ol;
        }
        total += props;
        if (full) {
            guint s = off + hdr, m = s + ls;
            if (s >= avail)
                return FALSE;           /* want to see at least the service name's start */
            if (!chars_ok(tvb, s, ls, 128, avail, CH_SERVICE) ||
                !chars_ok(tvb, m, lm, 64, avail, CH_IDENT))
                return FALSE;
            if (na > 0 && !chars_ok(tvb, m + lm, be32(tvb, off + 31), 64, avail, CH_JAVA_NAME))
                return FALSE;
        }
        *len = total;
        return TRUE;
    }
    if (t == HSF_TB) {
        if (n < 14)
            return !full && (n < 2 || b8(tvb, off + 1) <= 1) &&
                   (n < 3 || (b8(tvb, off + 2) >= 1 && b8(tvb, off + 2) <= 4)) &&
                   (n < 4 || b8(tvb, off + 3) <= 2) && (n < 5 || b8(tvb, off + 4) == 0);
        guint8 flag = b8(tvb, off + 1), ser = b8(tvb, off + 2), dir = b8(tvb, off + 3);
        guint32 c = be32(tvb, off + 5), d = be32(tvb, off + 10);
        guint8 cn = b8(tvb, off + 9);
        if (flag > 1 || ser < 1 || ser > 4 || dir > 2 || (flag == 0 && dir == 0) ||
            b8(tvb, off + 4) != 0 || c < 2 || c > HSF_MAX_FIELD || cn < 3 || d > HSF_MAX_FIELD)
            return FALSE;
        if (full) {                     /* a Hessian map ('M' 't' or Hessian 2 'H'/'M') and a class name */
            guint8 m = off + 14 < avail ? b8(tvb, off + 14) : 0;
            if (off + 14 >= avail || (m != 'M' && m != 'H' && m != 'C' && m != 'O'))
                return FALSE;
            if (!chars_ok(tvb, off + 14 + c, cn, 64, avail, CH_JAVA_NAME))
                return FALSE;
        }
        *len = 14 + (guint64)c + cn + d;
        return TRUE;
    }
    return FALSE;
}

gboolean ts_heur_check_hsf2(tvbuff_t *tvb)
{
    guint avail = AVAIL(tvb);
    guint64 len;
    if (avail < 18 || !hsf_pdu_ok(tvb, 0, avail, TRUE, &len) || len == 0)
        return FALSE;
    guint64 off = len;
    for (guint i = 0; i < 64 && off < avail; i++) {
        if (!hsf_pdu_ok(tvb, (guint)off, avail, FALSE, &len))
            return FALSE;
        if (len == 0)
            break;
        off += len;
    }
    return TRUE;
}

/* ============================================================================================
 * RocketMQ remoting (spec rocketmq.md §2, §4, §5, §16.3): length(4) type(1) header_len(3) header
 * ============================================================================================ */

#define RMQ_MAX_LEN     16777212u

static gboolean rmq_frame_header_ok(tvbuff_t *tvb, guint off, guint avail, guint32 *len_out)
{
    guint n = avail - off;
    if (n < 8) {
        if (n >= 1 && b8(tvb, off) != 0)
            return FALSE;               /* length < 2^24 */
        return n < 5 || b8(tvb, off + 4) <= 1;
    }
    guint32 len = be32(tvb, off);
    guint8 st = b8(tvb, off + 4);
    guint32 hl = tvb_get_ntoh24(tvb, (gint)off + 5);
    if (len < 6 || len > RMQ_MAX_LEN || st > 1 || hl > len - 4 || hl < (st == 0 ? 9u : 21u))
        return FALSE;
    *len_out = len;
    return TRUE;
}

/* The needle occurs in the captured part of [off, end). */
static gboolean tvb_contains(tvbuff_t *tvb, guint off, guint end, const char *needle)
{
    guint nl = (guint)strlen(needle);
    for (guint i = off; i + nl <= end; i++)
        if (tvb_memeql(tvb, (gint)i, (const guint8 *)needle, nl) == 0)
            return TRUE;
    return FALSE;
}

gboolean ts_heur_check_rocketmq(tvbuff_t *tvb)
{
    guint avail = AVAIL(tvb);
    guint32 len = 0;
    if (avail < 8 + 9 || !rmq_frame_header_ok(tvb, 0, avail, &len))
        return FALSE;
    guint8 st = b8(tvb, 4);
    guint32 hl = tvb_get_ntoh24(tvb, 5);
    guint hend = 8 + hl;                            /* header end (may be past avail) */
    guint vis = MIN(hend, avail);
    if (st == 0) {
        /* JSON: every known encoder writes "code" first; then a number */
        guint8 c;
        if (tvb_memeql(tvb, 8, (const guint8 *)"{\"code\":", 8) != 0)
            return FALSE;
        c = b8(tvb, 16);
        if (!g_ascii_isdigit(c) && c != '-')
            return FALSE;
        if (!chars_ok(tvb, 8, vis - 8, 4096, avail, CH_TEXT))
            return FALSE;
        if (hend <= avail) {
            guint last = hend - 1;
            while (last > 8 && g_ascii_isspace(b8(tvb, last)))
                last--;
            if (b8(tvb, last) != '}' || !tvb_contains(tvb, 8, hend, "\"opaque\":") ||
                !tvb_contains(tvb, 8, hend, "\"flag\":"))
                return FALSE;
        }
    } else {
        /* binary: code(2) language(1) version(2) opaque(4) flag(4) remark_len(4) remark ext_len(4) */
        if (avail < 8 + 21)
            return FALSE;
        guint8 lang = b8(tvb, 10);
        guint16 version = be16(tvb, 11);
        guint32 flag = be32(tvb, 17);
        guint32 rl = be32(tvb, 21);
        if (lang > 13 || version > 4096 || flag > 3 || rl > hl - 21)
            return FALSE;
        if (8u + 17u + rl + 4u <= avail) {             /* ext_len follows the remark */
            guint32 el = be32(tvb, 8 + 17 + rl);
            if ((guint64)hl != 21u + (guint64)rl + el)
                return FALSE;
        }
    }
    /* the frames that follow in this segment */
    guint64 off = 4 + (guint64)len;
    for (guint i = 0; i < 64 && off < avail; i++) {
        guint32 l2 = 0;
        if (!rmq_frame_header_ok(tvb, (guint)off, avail, &l2))
            return FALSE;
        if (off + 8 > avail)
            break;
        off += 4 + (guint64)l2;
    }
    return TRUE;
}

/* ============================================================================================
 * Conversation bookkeeping shared by the heuristics and the services table
 * ============================================================================================ */

typedef struct ts_svc_entry {
    struct ts_svc_entry *next;
    int         proto;
    guint32     id;             /* per-packet key for connection counting */
    guint32     heur_frame;     /* != 0: bound by our heuristic at this frame */
    gboolean    server_set;
    address     srv_addr;       /* the listening side */
    guint32     srv_port;
    port_type   ptype;
    ts_found_t  found;          /* port / Decode As / other (heuristic is heur_frame) */
    guint32     first_frame;    /* first PDU of this conversation */
} ts_svc_entry_t;

static int proto_ts = -1;
static int proto_tcp_id = -1;
static int ts_services_tap = -1;
static guint32 ts_entry_ids;
static dissector_table_t tcp_port_table, udp_port_table, tls_port_table;

static ts_svc_entry_t *svc_entry(conversation_t *conv, int proto, gboolean create)
{
    ts_svc_entry_t *head = (ts_svc_entry_t *)conversation_get_proto_data(conv, proto_ts);
    for (ts_svc_entry_t *e = head; e; e = e->next)
        if (e->proto == proto)
            return e;
    if (!create)
        return NULL;
    ts_svc_entry_t *e = wmem_new0(wmem_file_scope(), ts_svc_entry_t);
    e->proto = proto;
    e->id = ++ts_entry_ids;
    e->next = head;
    if (head)
        conversation_delete_proto_data(conv, proto_ts);
    conversation_add_proto_data(conv, proto_ts, e);
    return e;
}

/* The handle a port table uses now for `port` belongs to `proto`: by default or by Decode As? */
static ts_found_t table_found(const char *name, dissector_table_t table, guint32 port, int proto)
{
    if (!table || !port)
        return TS_FOUND_OTHER;
    dissector_handle_t cur = dissector_get_uint_handle(table, port);
    if (!cur || dissector_handle_get_protocol_index(cur) != proto)
        return TS_FOUND_OTHER;
    return dissector_get_default_uint_handle(name, port) == cur ? TS_FOUND_PORT : TS_FOUND_DECODE_AS;
}

static void svc_set_server(ts_svc_entry_t *e, conversation_t *conv, packet_info *pinfo, gboolean to_server)
{
    gboolean dst_is_server = to_server;
    if (pinfo->ptype == PT_TCP && proto_tcp_id > 0 && pinfo->srcport != pinfo->destport) {
        struct tcp_analysis *tcpd = (struct tcp_analysis *)conversation_get_proto_data(conv, proto_tcp_id);
        if (tcpd && tcpd->server_port == pinfo->destport)      /* learnt from the SYN */
            dst_is_server = TRUE;
        else if (tcpd && tcpd->server_port == pinfo->srcport)
            dst_is_server = FALSE;
    } else if (pinfo->ptype == PT_UDP && pinfo->dst.type == AT_IPv4 && pinfo->dst.len == 4) {
        const guint8 *a = (const guint8 *)pinfo->dst.data;
        if ((a[0] & 0xf0) == 0xe0 || (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255))
            dst_is_server = TRUE;       /* multicast heartbeats: the group is the service */
    }
    copy_address_wmem(wmem_file_scope(), &e->srv_addr, dst_is_server ? &pinfo->dst : &pinfo->src);
    e->srv_port = dst_is_server ? pinfo->destport : pinfo->srcport;
    e->ptype = pinfo->ptype;
    e->found = TS_FOUND_OTHER;
    if (pinfo->ptype == PT_TCP || pinfo->ptype == PT_UDP) {
        dissector_table_t t = pinfo->ptype == PT_TCP ? tcp_port_table : udp_port_table;
        const char *tn = pinfo->ptype == PT_TCP ? "tcp.port" : "udp.port";
        guint32 cport = dst_is_server ? pinfo->srcport : pinfo->destport;
        e->found = table_found(tn, t, e->srv_port, e->proto);
        if (e->found == TS_FOUND_OTHER && pinfo->ptype == PT_TCP)
            e->found = table_found("tls.port", tls_port_table, e->srv_port, e->proto);
        if (e->found == TS_FOUND_OTHER)
            e->found = table_found(tn, t, cport, e->proto);
    }
    e->server_set = TRUE;
}

typedef struct {
    const ts_svc_entry_t *e;
    guint32  bytes;
    gboolean to_server;
    gboolean new_conn;
} ts_svc_rec_t;

void ts_service_pdu(packet_info *pinfo, int proto, gboolean to_server, guint32 bytes)
{
    gboolean listen = ts_services_tap >= 0 && have_tap_listener(ts_services_tap);
    if (proto_ts < 0 || (PINFO_FD_VISITED(pinfo) && !listen))
        return;
    conversation_t *conv = find_or_create_conversation(pinfo);
    ts_svc_entry_t *e = svc_entry(conv, proto, TRUE);
    if (!e->server_set) {
        svc_set_server(e, conv, pinfo, to_server);
        e->first_frame = pinfo->num;
    }
    if (!listen)
        return;
    ts_svc_rec_t *r = wmem_new0(pinfo->pool, ts_svc_rec_t);
    r->e = e;
    r->bytes = bytes;
    r->to_server = to_server;
    if (pinfo->num == e->first_frame && !p_get_proto_data(pinfo->pool, pinfo, proto_ts, e->id)) {
        p_add_proto_data(pinfo->pool, pinfo, proto_ts, e->id, GUINT_TO_POINTER(1));
        r->new_conn = TRUE;                 /* the conversation's first PDU */
    }
    tap_queue_packet(ts_services_tap, pinfo, r);
}

static ts_found_t entry_found(const ts_svc_entry_t *e)
{
    return e->heur_frame ? TS_FOUND_HEURISTIC : e->found;
}

ts_found_t ts_service_found(packet_info *pinfo, int proto)
{
    conversation_t *conv = find_conversation_pinfo(pinfo, 0);
    ts_svc_entry_t *e = conv ? svc_entry(conv, proto, FALSE) : NULL;
    if (!e)
        return TS_FOUND_OTHER;
    if (!e->server_set && !e->heur_frame)
        return TS_FOUND_OTHER;
    return entry_found(e);
}

/* ============================================================================================
 * Heuristic dissectors
 * ============================================================================================ */

typedef struct {
    const char *filter;         /* protocol filter name */
    const char *handle_name;    /* register_dissector name of the protocol's dissector */
    const char *list;           /* "tcp" or "udp" */
    const char *short_name;     /* --enable-heuristic / --disable-heuristic name */
    const char *display;
    gboolean    enabled;        /* default */
    gboolean  (*check)(tvbuff_t *tvb);
    heur_dissector_t fn;
    int         proto;
    dissector_handle_t handle;
} ts_heur_t;

enum { H_AS, H_ASC_TCP, H_ASC_UDP, H_TRADE, H_HSF2, H_RMQ, H_COUNT };

static ts_heur_ret heur_as(tvbuff_t *, packet_info *, proto_tree *, void *);
static ts_heur_ret heur_asc_tcp(tvbuff_t *, packet_info *, proto_tree *, void *);
static ts_heur_ret heur_asc_udp(tvbuff_t *, packet_info *, proto_tree *, void *);
static ts_heur_ret heur_trade(tvbuff_t *, packet_info *, proto_tree *, void *);
static ts_heur_ret heur_hsf2(tvbuff_t *, packet_info *, proto_tree *, void *);
static ts_heur_ret heur_rmq(tvbuff_t *, packet_info *, proto_tree *, void *);

static ts_heur_t ts_heurs[H_COUNT] = {
    { "aerospike", "aerospike", "tcp", "aerospike_tcp", "Aerospike over TCP (any port)", TRUE,
      ts_heur_check_aerospike, heur_as, -1, NULL },
    { "aerospike_cluster", "aerospike_cluster", "tcp", "aerospike_cluster_tcp",
      "Aerospike fabric/mesh heartbeat over TCP (any port)", TRUE,
      ts_heur_check_aerospike_cluster_tcp, heur_asc_tcp, -1, NULL },
    { "aerospike_cluster", "aerospike_cluster.udp", "udp", "aerospike_cluster_udp",
      "Aerospike multicast heartbeat over UDP (any port)", TRUE,
      ts_heur_check_aerospike_cluster_udp, heur_asc_udp, -1, NULL },
    { "trade", "trade", "tcp", "trade_tcp", "Trade multiplexer over TCP (any port)", TRUE,
      ts_heur_check_trade, heur_trade, -1, NULL },
    { "hsf2", "hsf2", "tcp", "hsf2_tcp", "HSF2 over TCP (any port)", TRUE,
      ts_heur_check_hsf2, heur_hsf2, -1, NULL },
    { "rocketmq", "rocketmq", "tcp", "rocketmq_tcp", "RocketMQ remoting over TCP (any port)", TRUE,
      ts_heur_check_rocketmq, heur_rmq, -1, NULL },
};

/* dissector_try_heuristic() has already put the heuristic's protocol on the frame's layer list;
 * the handle we call adds it again ("tcp:aerospike:aerospike"). Take the first one off, as
 * packet.c's own remove_last_layer() would. (If we then fail, dissector_try_heuristic() trims
 * the list by count, so nothing is removed twice.) */
static void pop_heur_layer(packet_info *pinfo, int proto)
{
    wmem_list_frame_t *tail = pinfo->layers ? wmem_list_tail(pinfo->layers) : NULL;
    if (!tail || GPOINTER_TO_INT(wmem_list_frame_data(tail)) != proto)
        return;
    wmem_list_remove_frame(pinfo->layers, tail);
    if (pinfo->curr_layer_num)
        pinfo->curr_layer_num--;
    if (pinfo->proto_layers) {
        int *n = (int *)wmem_map_lookup(pinfo->proto_layers, GINT_TO_POINTER(proto));
        if (n && *n > 0)
            (*n)--;
        pinfo->curr_proto_layer_num = n ? (guint8)*n : 0;
    }
}

static ts_heur_ret ts_heur_run(ts_heur_t *h, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (!h->handle || !h->check(tvb))
        return FALSE;
    pop_heur_layer(pinfo, h->proto);
    conversation_t *conv = find_or_create_conversation(pinfo);
    ts_svc_entry_t *e = svc_entry(conv, h->proto, TRUE);
    guint32 before = e->heur_frame;
    if (!PINFO_FD_VISITED(pinfo) && !e->heur_frame)
        e->heur_frame = pinfo->num;         /* before the dissector reports its first PDU */
    /* dissector_try_heuristic() already took one level of can_desegment for this layer and
     * call_dissector_only() takes another: without this the dissector could not ask TCP for
     * the rest of a PDU that starts in the recognised segment. */
    guint16 can_desegment = pinfo->can_desegment;
    pinfo->can_desegment = pinfo->saved_can_desegment;
    int ret = call_dissector_only(h->handle, tvb, pinfo, tree, data);
    pinfo->can_desegment = can_desegment;
    if (ret <= 0) {
        e->heur_frame = before;
        return FALSE;
    }
    if (!PINFO_FD_VISITED(pinfo))
        conversation_set_dissector_from_frame_number(conv, pinfo->num, h->handle);
    return TRUE;
}

static ts_heur_ret heur_as(tvbuff_t *t, packet_info *p, proto_tree *tr, void *d)
{ return ts_heur_run(&ts_heurs[H_AS], t, p, tr, d); }
static ts_heur_ret heur_asc_tcp(tvbuff_t *t, packet_info *p, proto_tree *tr, void *d)
{ return ts_heur_run(&ts_heurs[H_ASC_TCP], t, p, tr, d); }
static ts_heur_ret heur_asc_udp(tvbuff_t *t, packet_info *p, proto_tree *tr, void *d)
{ return ts_heur_run(&ts_heurs[H_ASC_UDP], t, p, tr, d); }
static ts_heur_ret heur_trade(tvbuff_t *t, packet_info *p, proto_tree *tr, void *d)
{ return ts_heur_run(&ts_heurs[H_TRADE], t, p, tr, d); }
static ts_heur_ret heur_hsf2(tvbuff_t *t, packet_info *p, proto_tree *tr, void *d)
{ return ts_heur_run(&ts_heurs[H_HSF2], t, p, tr, d); }
static ts_heur_ret heur_rmq(tvbuff_t *t, packet_info *p, proto_tree *tr, void *d)
{ return ts_heur_run(&ts_heurs[H_RMQ], t, p, tr, d); }

/* ============================================================================================
 * Services table (tshark -z troubleshark,services; Statistics › Troubleshark Services)
 * ============================================================================================ */

enum { SC_SERVER, SC_TRANSPORT, SC_PROTOCOL, SC_FOUND, SC_PDUS, SC_BYTES, SC_CONNS, SC_FIRST,
       SC_LAST, SC_COUNT };

static const char *found_name(ts_found_t f)
{
    switch (f) {
    case TS_FOUND_PORT:       return "port";
    case TS_FOUND_DECODE_AS:  return "Decode As";
    case TS_FOUND_HEURISTIC:  return "heuristic";
    case TS_FOUND_OTHER:
    default:                  return "other";
    }
}

static gboolean services_packet(ts_table_t *tables[2], packet_info *pinfo, const void *data)
{
    const ts_svc_rec_t *r = (const ts_svc_rec_t *)data;
    const ts_svc_entry_t *e = r->e;
    if (!e || !e->server_set)
        return FALSE;
    const char *addr = address_to_str(pinfo->pool, &e->srv_addr);
    const char *server = e->srv_addr.type == AT_IPv6
        ? wmem_strdup_printf(pinfo->pool, "[%s]:%u", addr, e->srv_port)
        : wmem_strdup_printf(pinfo->pool, "%s:%u", addr, e->srv_port);
    protocol_t *p = find_protocol_by_id(e->proto);
    const char *keys[3] = { server, e->ptype == PT_UDP ? "UDP" : (e->ptype == PT_TCP ? "TCP" : "other"),
                            p ? proto_get_protocol_short_name(p) : "?" };
    ts_row_t *row = ts_table_row(tables[0], keys);
    double t = nstime_to_sec(&pinfo->rel_ts);
    guint32 *found_mask = (guint32 *)ts_row_scratch(row, sizeof(guint32));
    guint32 bit = 1u << entry_found(e);

    if (ts_row_get_uint(row, SC_PDUS) == 0)
        ts_row_set_float(row, SC_FIRST, t);
    ts_row_set_float(row, SC_LAST, t);
    ts_row_add_uint(row, SC_PDUS, 1);
    ts_row_add_uint(row, SC_BYTES, r->bytes);
    if (r->new_conn)
        ts_row_add_uint(row, SC_CONNS, 1);
    if (!(*found_mask & bit)) {
        /* rare: connections to one server found in different ways ("heuristic, port") */
        wmem_strbuf_t *sb = wmem_strbuf_new(pinfo->pool, "");
        *found_mask |= bit;
        for (int f = TS_FOUND_PORT; f <= TS_FOUND_HEURISTIC + 1; f++) {
            ts_found_t ff = f > TS_FOUND_HEURISTIC ? TS_FOUND_OTHER : (ts_found_t)f;
            if (*found_mask & (1u << ff)) {
                if (wmem_strbuf_get_len(sb))
                    wmem_strbuf_append(sb, ", ");
                wmem_strbuf_append(sb, found_name(ff));
            }
        }
        ts_row_set_string(row, SC_FOUND, wmem_strbuf_get_str(sb));
    }
    return TRUE;
}

static ts_table_def_t services_def = {
    "Troubleshark Services",            /* title */
    "troubleshark,services",            /* cli */
    "troubleshark",                     /* tap */
    NULL,                               /* filter_prefix */
    SC_COUNT,
    {
        { "Server", TS_CELL_STRING },
        { "Transport", TS_CELL_STRING },
        { "Protocol", TS_CELL_STRING },
        { "Found by", TS_CELL_STRING },
        { "PDUs", TS_CELL_UINT },
        { "Bytes", TS_CELL_UINT },
        { "Connections", TS_CELL_UINT },
        { "First seen (s)", TS_CELL_FLOAT },
        { "Last seen (s)", TS_CELL_FLOAT },
    },
    3,                                  /* key columns: server, transport, protocol */
    SC_BYTES,                           /* busiest first */
    NULL,
    services_packet,
};

/* ============================================================================================
 * Registration
 * ============================================================================================ */

void ts_heuristics_register(int proto_troubleshark)
{
    proto_ts = proto_troubleshark;
    ts_services_tap = register_tap("troubleshark");
    ts_stats_register_table(&services_def);
}

void ts_heuristics_handoff(void)
{
    proto_tcp_id = proto_get_id_by_filter_name("tcp");
    tcp_port_table = find_dissector_table("tcp.port");
    udp_port_table = find_dissector_table("udp.port");
    tls_port_table = find_dissector_table("tls.port");

    for (guint i = 0; i < H_COUNT; i++) {
        ts_heur_t *h = &ts_heurs[i];
        h->proto = proto_get_id_by_filter_name(h->filter);
        h->handle = h->proto >= 0 ? find_dissector(h->handle_name) : NULL;
        if (h->proto < 0 || !h->handle)
            continue;                   /* protocol not built (TS_PROTOCOLS subset) */
        heur_dtbl_entry_t *old = find_heur_dissector_by_unique_short_name(h->short_name);
        if (old) {
            /* The dissector registered a heuristic of the same name itself: use that entry
             * (a second registration of the name would abort) with our check. */
            old->dissector = h->fn;
            old->display_name = h->display;
            old->enabled = h->enabled;
            continue;
        }
        heur_dissector_add(h->list, h->fn, h->display, h->short_name, h->proto,
                           h->enabled ? HEURISTIC_ENABLE : HEURISTIC_DISABLE);
    }
}
