/* ref-dissector.c — tsref.so, the benchmark's reference dissector (bench/run.py, variant "ref").
 *
 * A separate Wireshark plugin, never installed: four protocols that frame the PDUs of Aerospike,
 * Trade, HSF2 and RocketMQ through tcp_dissect_pdus() exactly as troubleshark does on a
 * well-formed stream, and do nothing else. Each PDU gets one protocol item and one length item;
 * no conversations, no per-frame data, no transactions, no taps. What tshark spends with tsref.so
 * loaded is therefore what Wireshark's TCP layer (reassembly, the per-flow multisegment-PDU
 * trees, the reassembled PDUs kept for the file) costs any dissector that frames these PDUs;
 * troubleshark's cost beyond that is its own.
 *
 * Framing kept in step with the length functions of packet-aerospike.c, packet-trade.c,
 * packet-hsf2.c and packet-rocketmq.c (tests/test_bench_smoke.py compares the PDU counts). What
 * those do on damaged streams (resynchronisation, snaplen cuts, gaps) is left out: anything that
 * is not a valid header takes the rest of the segment.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/dissectors/packet-tcp.h>
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 3)
#include <wsutil/plugins.h>
#else
#define tvb_get_uint8  tvb_get_guint8
#define tvb_find_uint8 tvb_find_guint8
#endif

#ifndef PLUGIN_VERSION
#define PLUGIN_VERSION "0.0.0"
#endif

WS_DLL_PUBLIC_DEF const char plugin_version[] = PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

#ifdef WS_PLUGIN_DESC_DISSECTOR
WS_DLL_PUBLIC uint32_t plugin_describe(void);
uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif

/* ---- one reference protocol ------------------------------------------------------------------ */

typedef guint (*tsref_len_fn)(packet_info *, tvbuff_t *, int, void *);

typedef struct {
    const char  *name;        /* protocol name (unique among all protocols) */
    const char  *short_name;  /* also COL_PROTOCOL */
    const char  *filter;      /* tsref_<p> */
    const char  *len_filter;  /* tsref_<p>.len */
    const char  *ports;       /* the "tcp.port" preference's default */
    const char  *info;        /* constant Info text */
    guint        fixed_len;   /* tcp_dissect_pdus() fixed_len: as troubleshark's */
    tsref_len_fn get_len;
    int          proto;       /* the ids: set at registration */
    int          hf_len;
    gint         ett;
    hf_register_info hf[1];   /* epan keeps pointers into it: static storage */
} tsref_proto_t;

static guint tsref_rest(tvbuff_t *tvb, int offset)
{
    return (guint)tvb_reported_length_remaining(tvb, offset);
}

/* Aerospike (packet-aerospike.c, get_aerospike_pdu_len): 8-byte proto header, version 2 (or 0 for
 * admin), type 1..5, 48-bit body size up to 128 MiB. */
static guint tsref_aerospike_len(packet_info *pinfo _U_, tvbuff_t *tvb, int offset, void *data _U_)
{
    guint8 version = tvb_get_uint8(tvb, offset);
    guint8 type = tvb_get_uint8(tvb, offset + 1);
    guint64 size = tvb_get_ntoh48(tvb, offset + 2);
    if ((version != 2 && !(version == 0 && type == 2)) || type < 1 || type > 5 || size > 128u * 1024u * 1024u)
        return tsref_rest(tvb, offset);
    return (guint)size + 8;
}

/* Trade (packet-trade.c, get_trade_pdu_len): sender (1), 16-bit size of the whole PDU (>= the
 * 5-byte header). */
static guint tsref_trade_len(packet_info *pinfo _U_, tvbuff_t *tvb, int offset, void *data _U_)
{
    guint size = tvb_get_ntohs(tvb, offset + 1);
    return size < 5 ? tsref_rest(tvb, offset) : size;
}

/* RocketMQ (packet-rocketmq.c, get_rocketmq_pdu_len, in step with the stream): a 4-byte length
 * word (4 .. 16777212) and that many bytes; fewer than 4 bytes: one more segment. */
static guint tsref_rocketmq_len(packet_info *pinfo, tvbuff_t *tvb, int offset, void *data _U_)
{
    guint cap = (guint)tvb_captured_length_remaining(tvb, offset);
    guint32 l;
    if (cap < 4)
        return (pinfo->can_desegment && cap == tsref_rest(tvb, offset)) ? 0 : tsref_rest(tvb, offset);
    l = tvb_get_ntohl(tvb, offset);
    if (l < 4 || l > 16777212u)
        return tsref_rest(tvb, offset);
    return l + 4;
}

/* HSF2 (packet-hsf2.c, hsf2_pdu_len): the frame type decides which header bytes give the length;
 * a request's length needs its service, method, argument-type, argument and props lengths. While
 * they are not all captured: 0 (one more segment). Every length field <= 16 MiB, a request
 * <= 64 MiB, at most 255 arguments. */
#define TSREF_HSF2_MAX_FIELD (16u * 1024 * 1024)
static guint tsref_hsf2_len(packet_info *pinfo, tvbuff_t *tvb, int offset, void *data _U_)
{
    guint avail = (guint)tvb_captured_length_remaining(tvb, offset);
    guint more = pinfo->can_desegment ? 0 : avail;     /* header bytes missing */
    guint bad = avail;                                  /* no length: the rest of the segment */
    guint64 total;
    guint32 a, b;

    switch (tvb_get_uint8(tvb, offset)) {
    case 0x0C:                                          /* heartbeat */
        total = 18;
        break;
    case 0x0D:                                          /* TB Remoting */
        if (avail < 14)
            return more;
        a = tvb_get_ntohl(tvb, offset + 5);
        b = tvb_get_ntohl(tvb, offset + 10);
        if (a > TSREF_HSF2_MAX_FIELD || b > TSREF_HSF2_MAX_FIELD)
            return bad;
        total = 14 + (guint64)a + tvb_get_uint8(tvb, offset + 9) + b;
        break;
    case 0x0E:                                          /* HSF */
        if (avail < 3)
            return more;
        if (tvb_get_uint8(tvb, offset + 2) == 1) {      /* response */
            if (avail < 20)
                return more;
            b = tvb_get_ntohl(tvb, offset + 16);
            if (b > TSREF_HSF2_MAX_FIELD)
                return bad;
            total = 20 + (guint64)b;
            break;
        }
        if (tvb_get_uint8(tvb, offset + 2) != 0)
            return bad;
        if (avail < 31)                                 /* request */
            return more;
        a = tvb_get_ntohl(tvb, offset + 27);           /* argument count */
        if (a > 255)
            return bad;
        if (avail < 35 + 8 * a)
            return more;
        total = 35 + 8 * (guint64)a;
        /* service (19), method (23), 2·a argument lengths (31 + 4k), props (31 + 8a) */
        for (guint k = 0; k < 3 + 2 * a; k++) {
            int at = k == 0 ? 19 : k == 1 ? 23 : k == 2 + 2 * a ? (int)(31 + 8 * a) : (int)(31 + 4 * (k - 2));
            b = tvb_get_ntohl(tvb, offset + at);
            if (b > TSREF_HSF2_MAX_FIELD)
                return bad;
            total += b;
        }
        if (total > 64u * 1024 * 1024)
            return bad;
        break;
    case 0xDA:                                          /* Dubbo */
        if (avail < 2)
            return more;
        if (tvb_get_uint8(tvb, offset + 1) != 0xBB)
            return bad;
        if (avail < 16)
            return more;
        b = tvb_get_ntohl(tvb, offset + 12);
        if (b > TSREF_HSF2_MAX_FIELD)
            return bad;
        total = 16 + (guint64)b;
        break;
    default:                                            /* handshake (0x0F), unknown */
        return bad;
    }
    if (!pinfo->can_desegment && total > tsref_rest(tvb, offset))
        return tsref_rest(tvb, offset);
    return (guint)total;
}

static tsref_proto_t tsref_protos[] = {
    { .name = "Troubleshark reference framing: Aerospike", .short_name = "TSREF-Aerospike",
      .filter = "tsref_aerospike", .len_filter = "tsref_aerospike.len", .ports = "3000",
      .info = "Aerospike PDU (reference framing)", .fixed_len = 8, .get_len = tsref_aerospike_len },
    { .name = "Troubleshark reference framing: Trade", .short_name = "TSREF-Trade",
      .filter = "tsref_trade", .len_filter = "tsref_trade.len", .ports = "2107",
      .info = "Trade PDU (reference framing)", .fixed_len = 3, .get_len = tsref_trade_len },
    { .name = "Troubleshark reference framing: HSF2", .short_name = "TSREF-HSF2",
      .filter = "tsref_hsf2", .len_filter = "tsref_hsf2.len", .ports = "12200",
      .info = "HSF2 PDU (reference framing)", .fixed_len = 1, .get_len = tsref_hsf2_len },
    { .name = "Troubleshark reference framing: RocketMQ", .short_name = "TSREF-RocketMQ",
      .filter = "tsref_rocketmq", .len_filter = "tsref_rocketmq.len", .ports = "9876,10909,10911",
      .info = "RocketMQ PDU (reference framing)", .fixed_len = 1, .get_len = tsref_rocketmq_len },
};
enum { TSREF_AEROSPIKE, TSREF_TRADE, TSREF_HSF2, TSREF_ROCKETMQ };

/* One PDU: the protocol item, its length, the columns. data: the tsref_proto_t. */
static int tsref_dissect_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    const tsref_proto_t *p = (const tsref_proto_t *)data;
    guint len = tvb_reported_length(tvb);
    proto_item *ti = proto_tree_add_item(tree, p->proto, tvb, 0, -1, ENC_NA);
    proto_tree *pt = proto_item_add_subtree(ti, p->ett);
    proto_tree_add_uint(pt, p->hf_len, tvb, 0, 0, len);
    col_set_str(pinfo->cinfo, COL_PROTOCOL, p->short_name);
    /* tcp_dissect_pdus() fences the column after each PDU: later ones append */
    col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", p->info);
    return (int)len;
}

static int tsref_dissect(tsref_proto_t *p, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    col_clear(pinfo->cinfo, COL_INFO);
    tcp_dissect_pdus(tvb, pinfo, tree, TRUE, p->fixed_len, p->get_len, tsref_dissect_pdu, p);
    return (int)tvb_captured_length(tvb);
}

static int tsref_dissect_aerospike(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    return tsref_dissect(&tsref_protos[TSREF_AEROSPIKE], tvb, pinfo, tree);
}

/* Trade: the server's greeting (sender, 1-byte length g >= 4, printable text and a NUL within
 * [2, g), 3 more bytes) opens the stream, ahead of the PDUs. troubleshark looks for it in the
 * first frame of a direction; without conversation state the reference looks for it where the
 * direction's data starts (relative sequence number 1 after a handshake, 0 without). */
static int tsref_greeting_len(tvbuff_t *tvb)
{
    int len = (int)tvb_captured_length(tvb), g, nul;
    if (len < 6)
        return 0;
    g = tvb_get_uint8(tvb, 1);
    if (g < 4 || len < g + 3)
        return 0;
    nul = tvb_find_uint8(tvb, 2, g - 2, 0);
    if (nul < 3)
        return 0;
    for (int i = 2; i < nul; i++) {
        guint8 ch = tvb_get_uint8(tvb, i);
        if (ch < 0x20 || ch > 0x7e)
            return 0;
    }
    return g + 3;
}

static int tsref_dissect_trade(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    tsref_proto_t *p = &tsref_protos[TSREF_TRADE];
    const struct tcpinfo *ti = pinfo->ptype == PT_TCP ? (const struct tcpinfo *)data : NULL;
    int glen = ti && !ti->is_reassembled && ti->seq <= 1 ? tsref_greeting_len(tvb) : 0;
    if (glen > 0) {
        proto_tree_add_item(tree, p->proto, tvb, 0, glen, ENC_NA);
        col_set_str(pinfo->cinfo, COL_PROTOCOL, p->short_name);
        col_set_str(pinfo->cinfo, COL_INFO, "Trade greeting (reference framing)");
        if (glen >= (int)tvb_reported_length(tvb))
            return glen;
        tsref_dissect(p, tvb_new_subset_remaining(tvb, glen), pinfo, tree);
        return (int)tvb_captured_length(tvb);
    }
    return tsref_dissect(p, tvb, pinfo, tree);
}

static int tsref_dissect_hsf2(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    return tsref_dissect(&tsref_protos[TSREF_HSF2], tvb, pinfo, tree);
}

static int tsref_dissect_rocketmq(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    return tsref_dissect(&tsref_protos[TSREF_ROCKETMQ], tvb, pinfo, tree);
}

static const dissector_t tsref_dissectors[] = {
    tsref_dissect_aerospike, tsref_dissect_trade, tsref_dissect_hsf2, tsref_dissect_rocketmq
};

/* ---- registration ------------------------------------------------------------------------------ */

static void proto_register_tsref(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(tsref_protos); i++) {
        tsref_proto_t *p = &tsref_protos[i];
        gint *ett[1];
        hf_register_info hf = { &p->hf_len, { "Length", p->len_filter, FT_UINT32, BASE_DEC, NULL, 0x0,
                                              "Length of the PDU as framed", HFILL } };
        p->hf_len = -1;
        p->ett = -1;
        p->hf[0] = hf;
        ett[0] = &p->ett;
        p->proto = proto_register_protocol(p->name, p->short_name, p->filter);
        proto_register_field_array(p->proto, p->hf, 1);
        proto_register_subtree_array(ett, 1);
    }
}

static void proto_reg_handoff_tsref(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(tsref_protos); i++) {
        tsref_proto_t *p = &tsref_protos[i];
        dissector_add_uint_range_with_preference("tcp.port", p->ports,
                                                 create_dissector_handle(tsref_dissectors[i], p->proto));
    }
}

void plugin_register(void)
{
    static proto_plugin plugin = { proto_register_tsref, proto_reg_handoff_tsref };
    proto_register_plugin(&plugin);
}
