/* packet-trade.c — the "Trade" multiplexer protocol of a trading platform (TCP 2107), as shown in
 * Sake Blok's SharkFest'17 EU talk "Custom LUA dissectors to the rescue in root cause analysis",
 * plus the analysis the talk did by hand: Ping/Pong matching, the missing Ping, the zero window
 * that kept it in the sender's buffer, and the keepalive-timeout reset 90 s after the last Pong.
 *
 * Sources: the talk's slides and Lua files (http://www.SYN-bit.nl/files/sf17eu-lua.zip).
 * Wire format (big-endian header, little-endian clocks):
 *   sender (1) | size (2, total PDU length incl. header) | receiver (2, 0xFFFF = control) | body
 *   control body: keyword NUL-terminated, then keyword-specific data.
 *
 * How the analysis sees TCP segments without payload (zero-window ACKs, FIN, RST): TCP never hands
 * them to a payload dissector, so a postdissector (dissect_trade_post) looks at every frame of a
 * Trade conversation. It reads the advertised window and the flags from the frame's own TCP header
 * (located by its port pair, anchored on the IP destination address right before it) instead of
 * asking for tcp.* fields: a postdissector that wants fields makes tshark build a protocol tree for
 * every packet of every capture, the TCP tap does not run on tshark's first pass (-2), and TCP's
 * conversation data tracks the window only with sequence analysis on and keeps no RST flag.
 * All state is built on the first pass; what a frame shows is stored per frame / per PDU.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ts-compat.h"
#include "troubleshark.h"
#include "services.h"
#include "ts-bytes.h"
#include "transactions.h"
#include "stats.h"

#include <string.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <epan/to_str.h>
#include <epan/uat.h>
#include <epan/dissectors/packet-tcp.h>
#include <wsutil/utf8_entities.h>

#define TRADE_TCP_PORTS        "2107"
#define TRADE_HDR_LEN          5
#define TRADE_CONTROL          0xFFFF
#define TRADE_MODULE_MUX       1
#define TRADE_MODULE_LOGIN_MOD 7        /* Login from this sender carries the target module name */
#define TRADE_EPOCH_OFFSET     G_GINT64_CONSTANT(2177452800)   /* 1901-01-01 -> 1970-01-01, s */
#define TRADE_MAX_VALUE_LEN    8        /* clock / RTT values we can hold (bytes) */
#define TRADE_LEARN_MIN        3        /* intervals needed before a learned interval is used */
#define TRADE_LEARN_MAX        5        /* first intervals the median is taken over */
#define TRADE_OVERDUE_FACTOR   1.5
#define TRADE_RTT_EXCESS_MS    10.0     /* reported RTT > 2 x wire and by more than this: note */
#define TRADE_TCP_SCAN_MAX     512      /* bytes of a frame searched for its TCP header */

#define TRADE_C2S 0   /* client (module) -> server (Multiplexer) */
#define TRADE_S2C 1

void proto_register_trade(void);
void proto_reg_handoff_trade(void);

static int proto_trade = -1;
static int trade_tap = -1;
static dissector_handle_t trade_handle;
static dissector_handle_t trade_post_handle;

/* ---- fields ---------------------------------------------------------------------------------- */
static int hf_trade_sender = -1;
static int hf_trade_sender_name = -1;
static int hf_trade_length = -1;
static int hf_trade_receiver = -1;
static int hf_trade_keyword = -1;
static int hf_trade_data = -1;
static int hf_trade_trailing = -1;
static int hf_trade_clock_len = -1;
static int hf_trade_clock = -1;
static int hf_trade_clock_time = -1;
static int hf_trade_clock_offset = -1;
static int hf_trade_module = -1;
static int hf_trade_rtt_len = -1;
static int hf_trade_rtt = -1;
static int hf_trade_rtt_time = -1;
static int hf_trade_rtt_wire = -1;
static int hf_trade_rtt_wire_frame = -1;
static int hf_trade_rtt_excess = -1;
static int hf_trade_conn_id = -1;
static int hf_trade_client_ip = -1;
static int hf_trade_username = -1;
static int hf_trade_login_trailer = -1;
static int hf_trade_module_count = -1;
static int hf_trade_client_count = -1;
static int hf_trade_status = -1;
static int hf_trade_greeting = -1;
static int hf_trade_greeting_len = -1;
static int hf_trade_greeting_trailer = -1;
static int hf_trade_conn_new_in = -1;
static int hf_trade_conn_client_ip = -1;
static int hf_trade_conn_user = -1;
static int hf_trade_ping_pong_in = -1;
static int hf_trade_pong_ping_in = -1;
static int hf_trade_pong_delay = -1;
static int hf_trade_ping_no_pong = -1;
static int hf_trade_ping_interval = -1;
static int hf_trade_ping_expected = -1;
static int hf_trade_ping_prev_unanswered = -1;
static int hf_trade_rt_echo_in = -1;
static int hf_trade_rt_request_in = -1;
static int hf_trade_rt_wire_rtt = -1;
static int hf_trade_rt_no_echo = -1;
static int hf_trade_analysis = -1;
static int hf_trade_ping_gap = -1;
static int hf_trade_ping_gap_last = -1;
static int hf_trade_ping_gap_expected = -1;
static int hf_trade_zw_since = -1;
static int hf_trade_zw_duration = -1;
static int hf_trade_zw_reopened_after = -1;
static int hf_trade_zw_advertised_by = -1;
static int hf_trade_td_since_pong = -1;
static int hf_trade_td_last_pong = -1;
static int hf_trade_td_since_ping = -1;

static gint ett_trade = -1;
static gint ett_trade_analysis = -1;

static expert_field ei_trade_size_too_small = EI_INIT;
static expert_field ei_trade_missing_nul = EI_INIT;
static expert_field ei_trade_no_keyword = EI_INIT;
static expert_field ei_trade_unknown_keyword = EI_INIT;
static expert_field ei_trade_trailing_data = EI_INIT;
static expert_field ei_trade_truncated = EI_INIT;
static expert_field ei_trade_value_too_long = EI_INIT;
static expert_field ei_trade_ping_no_pong = EI_INIT;
static expert_field ei_trade_ping_prev_unanswered = EI_INIT;
static expert_field ei_trade_pong_no_ping = EI_INIT;
static expert_field ei_trade_ping_overdue = EI_INIT;
static expert_field ei_trade_peer_zero_window = EI_INIT;
static expert_field ei_trade_keepalive_timeout = EI_INIT;
static expert_field ei_trade_teardown = EI_INIT;
static expert_field ei_trade_rt_no_echo = EI_INIT;
static expert_field ei_trade_rtt_reported_high = EI_INIT;
static expert_field ei_trade_conn_unknown = EI_INIT;

/* ---- preferences ------------------------------------------------------------------------------ */
static ts_bool trade_desegment = TRUE;
static ts_bool trade_detect_greeting = TRUE;
static guint trade_ping_interval = 0;        /* s; 0 = learn */
static guint trade_keepalive_timeout = 90;   /* s */
static range_t *trade_tcp_ports = NULL;

/* ---- module names: built-in table of the spec + a user table (UAT) that overrides it ---------- */
static const value_string trade_module_vals[] = {
    { 1,  "Multiplexer" },
    { 6,  "CarpenterUpdate" },
    { 7,  "Tradesite" },
    { 37, "DocumentSystem" },
    { 93, "Zep" },
    { 99, "Scripting" },
    { 0, NULL }
};

/* ---- control keywords (spec trade.md §3): the dissector and the heuristic read this one table -- */
enum {
    TRADE_KW_UNKNOWN = 0, TRADE_KW_PING, TRADE_KW_PONG, TRADE_KW_ROUNDTRIP, TRADE_KW_RT_FOR_MODULE,
    TRADE_KW_NEW_CONNECTION, TRADE_KW_CLOSE_CONNECTION, TRADE_KW_LOGIN, TRADE_KW_COUNTS, TRADE_KW_STATUS
};
static const value_string trade_keyword_vals[] = {
    { TRADE_KW_PING,             "Ping" },
    { TRADE_KW_PONG,             "Pong" },
    { TRADE_KW_ROUNDTRIP,        "Roundtrip" },
    { TRADE_KW_RT_FOR_MODULE,    "Roundtrip for Module" },
    { TRADE_KW_NEW_CONNECTION,   "New Connection" },
    { TRADE_KW_CLOSE_CONNECTION, "Close Connection" },
    { TRADE_KW_LOGIN,            "Login" },
    { TRADE_KW_COUNTS,           "ModuleAndClientCount" },
    { TRADE_KW_STATUS,           "Status" },
    { 0, NULL }
};

typedef struct {
    guint32 id;
    char   *name;
} trade_module_uat_t;

static trade_module_uat_t *trade_modules_uat = NULL;
static guint trade_modules_uat_num = 0;
static const char *trade_uat_names[256];   /* rebuilt from the UAT after every change */

UAT_DEC_CB_DEF(trade_modules, id, trade_module_uat_t)
UAT_CSTRING_CB_DEF(trade_modules, name, trade_module_uat_t)

static void *trade_module_copy_cb(void *dst, const void *src, size_t len _U_)
{
    const trade_module_uat_t *s = (const trade_module_uat_t *)src;
    trade_module_uat_t *d = (trade_module_uat_t *)dst;
    d->id = s->id;
    d->name = g_strdup(s->name);
    return d;
}

static ts_uat_update_ret trade_module_update_cb(void *r, char **err)
{
    trade_module_uat_t *rec = (trade_module_uat_t *)r;
    if (rec->id > 255) {
        *err = g_strdup("Module id must be between 0 and 255");
        return FALSE;
    }
    if (!rec->name || !rec->name[0]) {
        *err = g_strdup("Module name must not be empty");
        return FALSE;
    }
    return TRUE;
}

static void trade_module_free_cb(void *r)
{
    trade_module_uat_t *rec = (trade_module_uat_t *)r;
    g_free(rec->name);
    rec->name = NULL;
}

static void trade_module_post_update_cb(void)
{
    memset(trade_uat_names, 0, sizeof(trade_uat_names));
    for (guint i = 0; i < trade_modules_uat_num; i++) {
        if (trade_modules_uat[i].id <= 255 && trade_modules_uat[i].name)
            trade_uat_names[trade_modules_uat[i].id] = trade_modules_uat[i].name;
    }
}

static void trade_module_reset_cb(void)
{
    memset(trade_uat_names, 0, sizeof(trade_uat_names));
}

/* Name of a module id, or NULL when neither the user table nor the built-in one knows it. */
static const char *trade_module_name(guint32 id)
{
    if (id <= 255 && trade_uat_names[id])
        return trade_uat_names[id];
    return try_val_to_str(id, trade_module_vals);
}

static const char *trade_module_label(wmem_allocator_t *scope, guint32 id)
{
    const char *n = trade_module_name(id);
    return n ? n : wmem_strdup_printf(scope, "Unknown (%u)", id);
}

static const char *trade_receiver_label(wmem_allocator_t *scope, guint32 rcv)
{
    if (rcv == TRADE_CONTROL)
        return "Control";
    if (rcv <= 255) {
        const char *n = trade_module_name(rcv);
        if (n)
            return n;
    }
    return wmem_strdup_printf(scope, "%u", rcv);
}

static void trade_add_sender(proto_tree *tree, tvbuff_t *tvb, guint32 sender, const char *label)
{
    if (trade_module_name(sender))
        proto_tree_add_uint_format_value(tree, hf_trade_sender, tvb, 0, 1, sender, "%s (%u)", label, sender);
    else
        proto_tree_add_uint_format_value(tree, hf_trade_sender, tvb, 0, 1, sender, "%s", label);
}

/* ---- state ------------------------------------------------------------------------------------ */

/* One zero-window episode advertised by one side. */
typedef struct {
    guint32  frame;        /* frame that advertised the zero window */
    nstime_t start;
    nstime_t end;
    gboolean ended;
} trade_zw_t;

typedef struct {
    guint32  first_frame;       /* first frame with payload in this direction (greeting) */
    guint32  sender;            /* last sender id seen in this direction */
    gboolean has_sender;
    /* Pings sent in this direction */
    guint32  n_pings;
    guint32  ping_sender;
    guint32  last_ping_frame;
    nstime_t last_ping_time;
    double   intervals[TRADE_LEARN_MAX];
    guint    n_intervals;
    guint32  overdue_for;       /* last_ping_frame for which the gap was reported */
    ts_trans_t *open_ping;      /* the newest Ping (unanswered while rsp_frame == 0) */
    /* Pongs received by the sender of this direction (sent in the other direction) */
    gboolean has_pong;
    guint32  last_pong_frame;
    nstime_t last_pong_time;
    /* window advertised by the sender of this direction */
    trade_zw_t *zw;             /* current episode (NULL or ended: window open) */
    gboolean closed;            /* FIN or RST seen from this side */
} trade_dir_t;

typedef struct {
    guint32     new_frame;
    const char *client_ip;
    const char *user;
} trade_conn_t;

typedef struct {
    trade_dir_t dir[2];
    address     srv_addr;
    guint32     srv_port;
    const char *label;               /* "client:port → server:port" */
    ts_trans_table_t *pings;         /* FIFO, space = direction of the Ping */
    ts_trans_table_t *roundtrips;    /* by clock value, space = direction of the Roundtrip */
    wmem_map_t *rt_open[2];          /* clock -> open Roundtrip, per direction */
    wmem_map_t *conns;               /* connection id -> trade_conn_t */
    guint32     pre_frame;           /* last frame the per-frame analysis ran for (first pass) */
    nstime_t    last_time;           /* time of the last frame seen (first pass) */
    gboolean    has_wire_rtt;
    double      wire_rtt_ms;
    guint32     wire_rtt_frame;
    gboolean    reset;               /* RST seen: no more gap analysis */
} trade_conv_t;

/* Per PDU, what later passes must show (first pass result). */
typedef struct {
    gboolean has_interval;
    nstime_t interval;
    double   expected;               /* s, 0 = not known */
    guint32  prev_unanswered;        /* Ping: an older Ping still unanswered (frame) */
    gboolean has_wire;               /* Roundtrip for Module */
    double   wire_ms;
    guint32  wire_frame;
    guint32  conn_new_frame;         /* Login / Close Connection */
    const char *conn_ip;
    const char *conn_user;
    gboolean conn_unknown;
} trade_pdu_info_t;

typedef struct {
    const char *module;              /* name of the pinging module */
    trade_zw_t *zw;                  /* the peer's zero window while the Ping was open */
} trade_ping_data_t;

typedef struct {
    double   wire_ms;
    guint32  frame;
} trade_wire_rtt_t;

#define TRADE_MAX_ZW_EVENTS 3
typedef struct {
    gboolean start;                  /* TRUE: window went to zero; FALSE: reopened / closed */
    guint8   side;                   /* direction whose sender advertised the window */
    double   duration;               /* s (end events) */
    const char *blocked_module;      /* module of the direction that was blocked */
    const char *advertiser;          /* module of the side that advertised the window */
} trade_zw_event_t;

/* Per frame (first pass result): gap analysis, zero-window episodes, teardown. */
typedef struct {
    gboolean od;
    guint8   od_dir;
    double   od_gap;
    double   od_expected;
    guint32  od_last_ping;
    const char *od_module;
    const char *od_peer;
    trade_zw_t *od_zw;
    double   od_zw_for;
    guint    n_zw;
    trade_zw_event_t zw[TRADE_MAX_ZW_EVENTS];
    gboolean td;
    gboolean td_rst;
    guint8   td_dir;
    const char *td_module;
    const char *td_row_module;       /* statistics row: the pinging module of the connection */
    gboolean td_has_pong;
    double   td_since_pong;
    guint32  td_last_pong;
    gboolean td_has_ping;
    double   td_since_ping;
    gboolean td_timeout;
    trade_zw_t *td_zw;
    double   td_zw_for;
} trade_frame_info_t;

/* Per packet, every pass (pinfo->pool): the Info column being built. */
typedef struct {
    guint calls;                     /* top-level calls of the dissector in this frame */
    guint n;                         /* PDUs (and greetings) shown */
    wmem_strbuf_t *info;
} trade_pkt_t;

static guint trade_conv_count = 0;   /* Trade conversations in this file (postdissector fast exit) */
static wmem_map_t *trade_wire_rtts;  /* module name -> latest trade_wire_rtt_t (file scope) */

/* ---- tap record ------------------------------------------------------------------------------ */
typedef enum {
    TRADE_EV_PING,
    TRADE_EV_PONG,
    TRADE_EV_ROUNDTRIP,
    TRADE_EV_ECHO,
    TRADE_EV_ZW_START,
    TRADE_EV_ZW_END,
    TRADE_EV_END,
} trade_ev_t;

typedef struct {
    ts_tap_rec_t base;       /* generic record first: consumers of ts_tap_rec_t still work */
    trade_ev_t   ev;
    const char  *conn;       /* connection label */
    const char  *module;     /* pinging (or blocked / closing) module */
    double       delay_ms;   /* PONG: Ping -> Pong; ECHO: wire RTT */
    double       gap_s;      /* PING: interval; END: time since the last Ping (0 = none) */
    double       zw_s;       /* ZW_END: episode duration */
    const char  *end;        /* END: how the connection ended */
} trade_tap_rec_t;

static trade_tap_rec_t *trade_tap_rec(packet_info *pinfo, trade_ev_t ev, const char *conn,
                                      const char *module)
{
    trade_tap_rec_t *r = wmem_new0(pinfo->pool, trade_tap_rec_t);
    ts_tap_rec_init(&r->base, "trade");
    r->ev = ev;
    r->conn = conn;
    r->module = module;
    r->base.key = module;
    return r;
}

/* ---- small helpers ----------------------------------------------------------------------------- */

static double trade_secs_between(const nstime_t *later, const nstime_t *earlier)
{
    nstime_t d;
    nstime_delta(&d, later, earlier);
    return nstime_to_sec(&d);
}

/* The answer part of a Pong / Roundtrip-echo tap record: matched or not, and the delay. */
static void trade_tap_answer(trade_tap_rec_t *r, gboolean answered, const nstime_t *delta, guint32 bytes)
{
    r->base.answered = answered;
    r->base.first_response = answered;
    r->base.bytes = bytes;
    if (answered) {
        r->base.has_latency = TRUE;
        r->base.latency_ms = nstime_to_sec(delta) * 1000.0;
        r->delay_ms = r->base.latency_ms;
    }
}

static void trade_secs_to_nstime(double s, nstime_t *t)
{
    double whole = s >= 0 ? (double)(gint64)s : -(double)(gint64)(-s);
    t->secs = (time_t)whole;
    t->nsecs = (int)((s - whole) * 1e9);
}

static void trade_clock_to_nstime(guint64 us, nstime_t *t)
{
    t->secs = (time_t)((gint64)(us / 1000000) - TRADE_EPOCH_OFFSET);
    t->nsecs = (int)(us % 1000000) * 1000;
}

static trade_pkt_t *trade_pkt_get(packet_info *pinfo)
{
    trade_pkt_t *pk = (trade_pkt_t *)ts_packet_data_get(pinfo, proto_trade);
    if (!pk) {
        pk = wmem_new0(pinfo->pool, trade_pkt_t);
        pk->info = wmem_strbuf_new(pinfo->pool, "");
        ts_packet_data_set(pinfo, proto_trade, pk);
    }
    return pk;
}

static void trade_pkt_add_summary(packet_info *pinfo, const char *s)
{
    trade_pkt_t *pk = trade_pkt_get(pinfo);
    if (pk->n)
        wmem_strbuf_append(pk->info, ", ");
    wmem_strbuf_append(pk->info, s);
    pk->n++;
}

/* The Info column is owned by this dissector once a frame holds a whole PDU: one summary per
 * PDU, prefixed "N Trade PDUs: " when several (the talk's Lua did the same). Rebuilt after every
 * top-level call because TCP may call us twice in one frame (a reassembled PDU, then the rest). */
static void trade_pkt_set_info(packet_info *pinfo)
{
    trade_pkt_t *pk = trade_pkt_get(pinfo);
    if (!pk->n)
        return;
    col_clear_fence(pinfo->cinfo, COL_INFO);
    col_clear(pinfo->cinfo, COL_INFO);
    if (pk->n == 1)
        col_add_str(pinfo->cinfo, COL_INFO, wmem_strbuf_get_str(pk->info));
    else
        col_add_fstr(pinfo->cinfo, COL_INFO, "%u Trade PDUs: %s", pk->n, wmem_strbuf_get_str(pk->info));
    col_set_fence(pinfo->cinfo, COL_INFO);
}

static trade_pdu_info_t *trade_pdu_info(packet_info *pinfo, guint idx, gboolean create)
{
    trade_pdu_info_t *pi = (trade_pdu_info_t *)ts_pdu_data_get(pinfo, proto_trade, TS_PDU_SLOT_0, idx);
    if (!pi && create) {
        pi = wmem_new0(wmem_file_scope(), trade_pdu_info_t);
        ts_pdu_data_set(pinfo, proto_trade, TS_PDU_SLOT_0, idx, pi);
    }
    return pi;
}

static trade_frame_info_t *trade_frame_info(packet_info *pinfo, gboolean create)
{
    trade_frame_info_t *fi = (trade_frame_info_t *)ts_frame_data_get(pinfo, proto_trade);
    if (!fi && create) {
        fi = wmem_new0(wmem_file_scope(), trade_frame_info_t);
        ts_frame_data_set(pinfo, proto_trade, fi);
    }
    return fi;
}

static gboolean trade_port_is_server(guint32 port)
{
    return trade_tcp_ports && value_is_in_range(trade_tcp_ports, port);
}

static trade_conv_t *trade_conv_new(packet_info *pinfo)
{
    trade_conv_t *st = wmem_new0(wmem_file_scope(), trade_conv_t);
    gboolean dst_is_server;
    if (trade_port_is_server(pinfo->destport) != trade_port_is_server(pinfo->srcport))
        dst_is_server = trade_port_is_server(pinfo->destport);
    else    /* Decode As on other ports, or both in the range: the lower port is the server */
        dst_is_server = pinfo->destport <= pinfo->srcport;
    const address *srv = dst_is_server ? &pinfo->dst : &pinfo->src;
    const address *cli = dst_is_server ? &pinfo->src : &pinfo->dst;
    guint32 sport = dst_is_server ? pinfo->destport : pinfo->srcport;
    guint32 cport = dst_is_server ? pinfo->srcport : pinfo->destport;
    copy_address_wmem(wmem_file_scope(), &st->srv_addr, srv);
    st->srv_port = sport;
    st->label = wmem_strdup_printf(wmem_file_scope(), "%s:%u " UTF8_RIGHTWARDS_ARROW " %s:%u",
                                   address_to_str(pinfo->pool, cli), cport,
                                   address_to_str(pinfo->pool, srv), sport);
    st->pings = ts_trans_table_new(proto_trade, TS_TRANS_FIFO);
    st->roundtrips = ts_trans_table_new(proto_trade, TS_TRANS_BY_ID);
    for (int d = 0; d < 2; d++)
        st->rt_open[d] = wmem_map_new(wmem_file_scope(), wmem_int64_hash, g_int64_equal);
    st->conns = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    return st;
}

static trade_conv_t *trade_conv_get(packet_info *pinfo)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    trade_conv_t *st = (trade_conv_t *)conversation_get_proto_data(conv, proto_trade);
    if (!st) {
        st = trade_conv_new(pinfo);
        conversation_add_proto_data(conv, proto_trade, st);
        trade_conv_count++;
    }
    return st;
}

static int trade_dir(const trade_conv_t *st, const packet_info *pinfo)
{
    return (pinfo->destport == st->srv_port && addresses_equal(&pinfo->dst, &st->srv_addr))
           ? TRADE_C2S : TRADE_S2C;
}

/* Name of the module sending in direction d: the Pinging one if any, else the last sender seen. */
static const char *trade_dir_module(const trade_conv_t *st, int d)
{
    const trade_dir_t *dd = &st->dir[d];
    if (dd->n_pings)
        return trade_module_label(wmem_file_scope(), dd->ping_sender);
    if (dd->has_sender)
        return trade_module_label(wmem_file_scope(), dd->sender);
    return d == TRADE_S2C ? "(server side)" : "(client side)";
}

/* Expected Ping interval of a direction, s (0 = not known yet). */
static double trade_expected_interval(const trade_dir_t *dd)
{
    if (trade_ping_interval)
        return (double)trade_ping_interval;
    if (dd->n_intervals < TRADE_LEARN_MIN)
        return 0;
    double v[TRADE_LEARN_MAX];
    guint n = dd->n_intervals;
    memcpy(v, dd->intervals, n * sizeof(double));
    for (guint i = 1; i < n; i++) {          /* insertion sort, n <= 5 */
        double x = v[i];
        guint j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
    return (n % 2) ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* ---- per-frame analysis (first pass) ----------------------------------------------------------
 * Runs once per frame of a Trade conversation, before the frame's PDUs are processed (so a late
 * Ping is itself the "first frame after the gap"). */
static void trade_frame_pre(trade_conv_t *st, packet_info *pinfo)
{
    if (st->pre_frame == pinfo->num)
        return;
    st->pre_frame = pinfo->num;
    st->last_time = pinfo->abs_ts;
    if (st->reset)
        return;
    for (int d = 0; d < 2; d++) {
        trade_dir_t *dd = &st->dir[d];
        if (!dd->n_pings || dd->closed || dd->overdue_for == dd->last_ping_frame)
            continue;
        double expected = trade_expected_interval(dd);
        if (expected <= 0)
            continue;
        double gap = trade_secs_between(&pinfo->abs_ts, &dd->last_ping_time);
        if (gap <= TRADE_OVERDUE_FACTOR * expected)
            continue;
        dd->overdue_for = dd->last_ping_frame;
        trade_frame_info_t *fi = trade_frame_info(pinfo, TRUE);
        fi->od = TRUE;
        fi->od_dir = (guint8)d;
        fi->od_gap = gap;
        fi->od_expected = expected;
        fi->od_last_ping = dd->last_ping_frame;
        fi->od_module = trade_dir_module(st, d);
        fi->od_peer = trade_dir_module(st, !d);
        /* the receiving side's zero window: open now, or open when the Ping was due */
        trade_zw_t *zw = st->dir[!d].zw;
        if (zw && !zw->ended) {
            fi->od_zw = zw;
            fi->od_zw_for = trade_secs_between(&pinfo->abs_ts, &zw->start);
        } else if (zw) {
            nstime_t due = dd->last_ping_time;
            nstime_t e;
            trade_secs_to_nstime(expected, &e);
            nstime_add(&due, &e);
            if (nstime_cmp(&zw->end, &due) > 0) {
                fi->od_zw = zw;
                fi->od_zw_for = trade_secs_between(&zw->end, &zw->start);
            }
        }
    }
}

/* The TCP header of this frame: window (raw, unscaled — only zero/non-zero matters here) and
 * flags. Searched by the port pair; a candidate right after the IP destination address wins. */
static gboolean trade_tcp_header(tvbuff_t *tvb, packet_info *pinfo, guint32 *win, guint16 *flags)
{
    guint len = tvb_captured_length(tvb);
    if (len < 20)
        return FALSE;
    if (len > TRADE_TCP_SCAN_MAX)
        len = TRADE_TCP_SCAN_MAX;
    const guint8 *p = tvb_get_ptr(tvb, 0, len);
    const guint8 sp0 = (guint8)(pinfo->srcport >> 8), sp1 = (guint8)pinfo->srcport;
    const guint8 dp0 = (guint8)(pinfo->destport >> 8), dp1 = (guint8)pinfo->destport;
    guint alen = 0;
    if (pinfo->dst.type == AT_IPv4 && pinfo->dst.len == 4)
        alen = 4;
    else if (pinfo->dst.type == AT_IPv6 && pinfo->dst.len == 16)
        alen = 16;
    int found = -1, fallback = -1;
    for (guint i = 0; i + 20 <= len; i++) {
        if (p[i] != sp0 || p[i + 1] != sp1 || p[i + 2] != dp0 || p[i + 3] != dp1)
            continue;
        guint hlen = (guint)(p[i + 12] >> 4) * 4;
        if (hlen < 20 || i + hlen > tvb_captured_length(tvb))
            continue;
        if (alen && i >= alen && memcmp(p + i - alen, pinfo->dst.data, alen) == 0) {
            found = (int)i;
            break;
        }
        if (fallback < 0)
            fallback = (int)i;
    }
    if (found < 0)
        found = fallback;
    if (found < 0)
        return FALSE;
    *flags = (guint16)(((p[found + 12] & 0x0f) << 8) | p[found + 13]);
    *win = ((guint32)p[found + 14] << 8) | p[found + 15];
    return TRUE;
}

static void trade_zw_event(trade_conv_t *st, trade_frame_info_t *fi, gboolean start, int side,
                           double duration)
{
    if (fi->n_zw >= TRADE_MAX_ZW_EVENTS)
        return;
    trade_zw_event_t *e = &fi->zw[fi->n_zw++];
    e->start = start;
    e->side = (guint8)side;
    e->duration = duration;
    e->blocked_module = trade_dir_module(st, !side);
    e->advertiser = trade_dir_module(st, side);
}

/* First pass: the window and the flags of this frame's TCP header. */
static void trade_frame_tcp(trade_conv_t *st, tvbuff_t *tvb, packet_info *pinfo)
{
    guint32 win;
    guint16 flags;
    if (!trade_tcp_header(tvb, pinfo, &win, &flags))
        return;
    int d = trade_dir(st, pinfo);
    trade_dir_t *me = &st->dir[d];

    /* windows of SYN, FIN and RST segments are not advertisements (as TCP's own analysis) */
    if (!(flags & (TH_SYN | TH_FIN | TH_RST))) {
        if (win == 0 && (!me->zw || me->zw->ended)) {
            trade_zw_t *zw = wmem_new0(wmem_file_scope(), trade_zw_t);
            zw->frame = pinfo->num;
            zw->start = pinfo->abs_ts;
            me->zw = zw;
            trade_zw_event(st, trade_frame_info(pinfo, TRUE), TRUE, d, 0);
            /* a Ping of the other side still waiting for its Pong is now probably stuck */
            ts_trans_t *op = st->dir[!d].open_ping;
            if (op && !op->rsp_frame && op->req_data && !((trade_ping_data_t *)op->req_data)->zw)
                ((trade_ping_data_t *)op->req_data)->zw = zw;
        } else if (win != 0 && me->zw && !me->zw->ended) {
            me->zw->ended = TRUE;
            me->zw->end = pinfo->abs_ts;
            trade_zw_event(st, trade_frame_info(pinfo, TRUE), FALSE, d,
                           trade_secs_between(&pinfo->abs_ts, &me->zw->start));
        }
    }

    if ((flags & (TH_FIN | TH_RST)) && !me->closed) {
        me->closed = TRUE;
        trade_frame_info_t *fi = trade_frame_info(pinfo, TRUE);
        fi->td = TRUE;
        fi->td_rst = (flags & TH_RST) != 0;
        fi->td_dir = (guint8)d;
        fi->td_module = trade_dir_module(st, d);
        fi->td_row_module = (!me->n_pings && st->dir[!d].n_pings) ? trade_dir_module(st, !d) : fi->td_module;
        if (me->has_pong) {
            fi->td_has_pong = TRUE;
            fi->td_since_pong = trade_secs_between(&pinfo->abs_ts, &me->last_pong_time);
            fi->td_last_pong = me->last_pong_frame;
            fi->td_timeout = fi->td_since_pong >= (double)trade_keepalive_timeout - 1.0;
        }
        if (me->n_pings) {
            fi->td_has_ping = TRUE;
            fi->td_since_ping = trade_secs_between(&pinfo->abs_ts, &me->last_ping_time);
        }
        trade_zw_t *pzw = st->dir[!d].zw;
        if (pzw && !pzw->ended) {
            fi->td_zw = pzw;
            fi->td_zw_for = trade_secs_between(&pinfo->abs_ts, &pzw->start);
        }
        if (fi->td_rst) {
            st->reset = TRUE;
            st->dir[!d].closed = TRUE;
        }
        /* the connection is going away: zero-window episodes end here */
        for (int s = 0; s < 2; s++) {
            if (!fi->td_rst && s == d)
                continue;
            trade_zw_t *zw = st->dir[s].zw;
            if (zw && !zw->ended) {
                zw->ended = TRUE;
                zw->end = pinfo->abs_ts;
                trade_zw_event(st, fi, FALSE, s, trade_secs_between(&pinfo->abs_ts, &zw->start));
            }
        }
    }
}

/* ---- PDU body parsing --------------------------------------------------------------------------- */

typedef struct {
    tvbuff_t    *tvb;
    packet_info *pinfo;
    proto_tree  *tree;
    proto_item  *pdu_item;
    int          off;
    int          end;
} trade_ctx_t;

/* TRUE when n more bytes are inside the PDU; otherwise marks the rest as truncated. */
static gboolean trade_need(trade_ctx_t *c, int n)
{
    if (c->off + n <= c->end)
        return TRUE;
    proto_item *pi = NULL;
    if (c->off < c->end)
        pi = proto_tree_add_item(c->tree, hf_trade_data, c->tvb, c->off, c->end - c->off, ENC_NA);
    expert_add_info_format(c->pinfo, pi ? pi : c->pdu_item, &ei_trade_truncated,
                           "PDU ends inside a field: %d more byte(s) needed", c->off + n - c->end);
    c->off = c->end;
    return FALSE;
}

static gboolean trade_u16(trade_ctx_t *c, int hf, guint32 *v)
{
    if (!trade_need(c, 2))
        return FALSE;
    proto_tree_add_item_ret_uint(c->tree, hf, c->tvb, c->off, 2, ENC_BIG_ENDIAN, v);
    c->off += 2;
    return TRUE;
}

/* A NUL-terminated string bounded by the PDU. *s is display-safe (pinfo->pool). */
static gboolean trade_strz(trade_ctx_t *c, int hf, char **s)
{
    if (!trade_need(c, 1)) {
        *s = wmem_strdup(c->pinfo->pool, "");
        return FALSE;
    }
    int nul = tvb_find_uint8(c->tvb, c->off, c->end - c->off, 0);
    if (nul < 0) {
        proto_item *pi = proto_tree_add_item_ret_display_string(c->tree, hf, c->tvb, c->off, c->end - c->off,
                                                                ENC_ASCII, c->pinfo->pool, s);
        expert_add_info(c->pinfo, pi ? pi : c->pdu_item, &ei_trade_missing_nul);
        c->off = c->end;
        return FALSE;
    }
    proto_tree_add_item_ret_display_string(c->tree, hf, c->tvb, c->off, nul - c->off + 1, ENC_ASCII,
                                           c->pinfo->pool, s);
    c->off = nul + 1;
    return TRUE;
}

/* length byte + little-endian value (clock, RTT). *has: a value was read. */
static gboolean trade_le_value(trade_ctx_t *c, int hf_len, int hf_val, gboolean *has, guint64 *val,
                               int *voff, int *vlen)
{
    *has = FALSE;
    if (!trade_need(c, 1))
        return FALSE;
    guint32 n;
    proto_tree_add_item_ret_uint(c->tree, hf_len, c->tvb, c->off, 1, ENC_NA, &n);
    c->off++;
    if (n == 0)
        return TRUE;
    if (!trade_need(c, (int)n))
        return FALSE;
    if (n > TRADE_MAX_VALUE_LEN) {
        proto_item *pi = proto_tree_add_item(c->tree, hf_trade_data, c->tvb, c->off, n, ENC_NA);
        expert_add_info_format(c->pinfo, pi, &ei_trade_value_too_long,
                               "Value of %u bytes: at most %d supported", n, TRADE_MAX_VALUE_LEN);
        c->off += n;
        return TRUE;
    }
    guint64 v = 0;
    for (guint i = 0; i < n; i++)
        v |= (guint64)tvb_get_uint8(c->tvb, c->off + i) << (8 * i);
    proto_tree_add_uint64(c->tree, hf_val, c->tvb, c->off, n, v);
    *voff = c->off;
    *vlen = (int)n;
    c->off += n;
    *has = TRUE;
    *val = v;
    return TRUE;
}

/* Optional (Ping/Pong) or required (Roundtrip) clock: raw value, absolute time, capture offset. */
static gboolean trade_clock(trade_ctx_t *c, gboolean optional, gboolean *has, guint64 *val)
{
    *has = FALSE;
    if (optional && c->off >= c->end)
        return TRUE;
    int voff = 0, vlen = 0;
    if (!trade_le_value(c, hf_trade_clock_len, hf_trade_clock, has, val, &voff, &vlen) || !*has)
        return FALSE;
    nstime_t ts, d;
    trade_clock_to_nstime(*val, &ts);
    proto_tree_add_time(c->tree, hf_trade_clock_time, c->tvb, voff, vlen, &ts);
    nstime_delta(&d, &ts, &c->pinfo->abs_ts);
    proto_item *pi = proto_tree_add_time(c->tree, hf_trade_clock_offset, c->tvb, voff, vlen, &d);
    proto_item_set_generated(pi);
    return TRUE;
}

static const ts_trans_hf_t trade_ping_hf = {
    &hf_trade_ping_pong_in, &hf_trade_pong_ping_in, &hf_trade_pong_delay, &hf_trade_ping_no_pong,
    &ei_trade_ping_no_pong, &ei_trade_pong_no_ping
};
static const ts_trans_hf_t trade_rt_hf = {
    &hf_trade_rt_echo_in, &hf_trade_rt_request_in, &hf_trade_rt_wire_rtt, &hf_trade_rt_no_echo,
    &ei_trade_rt_no_echo, NULL
};

static void trade_analyse_ping(trade_ctx_t *c, trade_conv_t *st, int d, guint idx, guint32 sender)
{
    packet_info *pinfo = c->pinfo;
    trade_dir_t *dd = &st->dir[d];
    if (!PINFO_FD_VISITED(pinfo)) {
        trade_pdu_info_t *pi = trade_pdu_info(pinfo, idx, TRUE);
        ts_trans_t *prev = dd->open_ping;
        if (prev && !prev->rsp_frame) {
            /* an older Ping still waits: keepalives are not pipelined, it will not be answered */
            ts_trans_forget(st->pings, prev);
            pi->prev_unanswered = prev->req_frame;
        }
        ts_trans_t *t = ts_trans_request(pinfo, st->pings, (guint32)d, 0, idx);
        trade_ping_data_t *pd = wmem_new0(wmem_file_scope(), trade_ping_data_t);
        pd->module = wmem_strdup(wmem_file_scope(), trade_module_label(pinfo->pool, sender));
        trade_zw_t *zw = st->dir[!d].zw;
        if (zw && !zw->ended)
            pd->zw = zw;
        t->req_data = pd;
        if (dd->n_pings) {
            nstime_delta(&pi->interval, &pinfo->abs_ts, &dd->last_ping_time);
            pi->has_interval = TRUE;
            if (dd->n_intervals < TRADE_LEARN_MAX)
                dd->intervals[dd->n_intervals++] = nstime_to_sec(&pi->interval);
        }
        pi->expected = trade_expected_interval(dd);
        dd->n_pings++;
        dd->ping_sender = sender;
        dd->last_ping_frame = pinfo->num;
        dd->last_ping_time = pinfo->abs_ts;
        dd->open_ping = t;
    }
    ts_trans_t *t = ts_trans_lookup(pinfo, proto_trade, idx);
    ts_trans_add_links(c->tree, c->tvb, pinfo, t, TRUE, &trade_ping_hf, NULL);
    trade_pdu_info_t *pi = trade_pdu_info(pinfo, idx, FALSE);
    trade_ping_data_t *pd = t ? (trade_ping_data_t *)t->req_data : NULL;
    if (t && !t->rsp_frame && PINFO_FD_VISITED(pinfo) && pd && pd->zw) {
        double dur = pd->zw->ended ? trade_secs_between(&pd->zw->end, &pd->zw->start)
                                   : trade_secs_between(&st->last_time, &pd->zw->start);
        proto_item *zi = proto_tree_add_uint(c->tree, hf_trade_zw_since, c->tvb, 0, 0, pd->zw->frame);
        proto_item_set_generated(zi);
        expert_add_info_format(pinfo, zi, &ei_trade_peer_zero_window,
                               "%s advertised a zero window since frame %u (%.1f s): the Ping is "
                               "probably stuck in the sender's TCP buffer",
                               trade_dir_module(st, !d), pd->zw->frame, dur);
    }
    if (pi) {
        proto_item *it;
        if (pi->has_interval) {
            it = proto_tree_add_time(c->tree, hf_trade_ping_interval, c->tvb, 0, 0, &pi->interval);
            proto_item_set_generated(it);
        }
        if (pi->expected > 0) {
            nstime_t e;
            trade_secs_to_nstime(pi->expected, &e);
            it = proto_tree_add_time(c->tree, hf_trade_ping_expected, c->tvb, 0, 0, &e);
            proto_item_set_generated(it);
        }
        if (pi->prev_unanswered) {
            it = proto_tree_add_uint(c->tree, hf_trade_ping_prev_unanswered, c->tvb, 0, 0, pi->prev_unanswered);
            proto_item_set_generated(it);
            expert_add_info_format(pinfo, it, &ei_trade_ping_prev_unanswered,
                                   "The previous Ping (frame %u) is still unanswered", pi->prev_unanswered);
        }
    }
    trade_tap_rec_t *r = trade_tap_rec(pinfo, TRADE_EV_PING, st->label,
                                       pd ? pd->module : trade_module_label(pinfo->pool, sender));
    r->base.is_request = TRUE;
    r->base.bytes = (guint32)c->end;
    if (pi && pi->has_interval)
        r->gap_s = nstime_to_sec(&pi->interval);
    tap_queue_packet(trade_tap, pinfo, r);
}

static void trade_analyse_pong(trade_ctx_t *c, trade_conv_t *st, int d, guint idx)
{
    packet_info *pinfo = c->pinfo;
    if (!PINFO_FD_VISITED(pinfo)) {
        ts_trans_response(pinfo, st->pings, (guint32)!d, 0, TRUE, idx);
        trade_dir_t *pinger = &st->dir[!d];
        pinger->has_pong = TRUE;
        pinger->last_pong_frame = pinfo->num;
        pinger->last_pong_time = pinfo->abs_ts;
    }
    ts_trans_t *t = ts_trans_lookup(pinfo, proto_trade, idx);
    nstime_t delta = NSTIME_INIT_ZERO;
    gboolean answered = ts_trans_add_links(c->tree, c->tvb, pinfo, t, FALSE, &trade_ping_hf, &delta);
    trade_ping_data_t *pd = (t && t->req_frame) ? (trade_ping_data_t *)t->req_data : NULL;
    trade_tap_rec_t *r = trade_tap_rec(pinfo, TRADE_EV_PONG, st->label,
                                       pd ? pd->module : trade_dir_module(st, !d));
    trade_tap_answer(r, answered, &delta, (guint32)c->end);
    tap_queue_packet(trade_tap, pinfo, r);
}

/* Roundtrip: a request when no open Roundtrip of the other direction carries the same clock. */
static gboolean trade_analyse_roundtrip(trade_ctx_t *c, trade_conv_t *st, int d, guint idx,
                                        guint32 sender, gboolean has_clock, guint64 clock)
{
    packet_info *pinfo = c->pinfo;
    if (!PINFO_FD_VISITED(pinfo) && has_clock) {
        if (wmem_map_lookup(st->rt_open[!d], &clock)) {
            wmem_map_remove(st->rt_open[!d], &clock);
            ts_trans_t *t = ts_trans_response(pinfo, st->roundtrips, (guint32)!d, clock, TRUE, idx);
            if (t->req_frame) {
                double ms = trade_secs_between(&pinfo->abs_ts, &t->req_time) * 1000.0;
                st->has_wire_rtt = TRUE;
                st->wire_rtt_ms = ms;
                st->wire_rtt_frame = pinfo->num;
                trade_wire_rtt_t *w = wmem_new0(wmem_file_scope(), trade_wire_rtt_t);
                w->wire_ms = ms;
                w->frame = pinfo->num;
                wmem_map_insert(trade_wire_rtts,
                                wmem_strdup(wmem_file_scope(), trade_module_label(pinfo->pool, sender)), w);
            }
        } else {
            ts_trans_request(pinfo, st->roundtrips, (guint32)d, clock, idx);
            guint64 *key = wmem_new(wmem_file_scope(), guint64);
            *key = clock;
            wmem_map_insert(st->rt_open[d], key, GUINT_TO_POINTER(1));
        }
    }
    ts_trans_t *t = ts_trans_lookup(pinfo, proto_trade, idx);
    if (!t)
        return FALSE;
    gboolean is_request = t->req_frame == pinfo->num;
    nstime_t delta = NSTIME_INIT_ZERO;
    gboolean answered = ts_trans_add_links(c->tree, c->tvb, pinfo, t, is_request, &trade_rt_hf, &delta);
    trade_tap_rec_t *r = trade_tap_rec(pinfo, is_request ? TRADE_EV_ROUNDTRIP : TRADE_EV_ECHO, NULL,
                                       trade_module_label(pinfo->pool, sender));
    r->base.is_request = is_request;
    trade_tap_answer(r, answered, &delta, (guint32)c->end);
    tap_queue_packet(trade_tap, pinfo, r);
    return !is_request;
}

static void trade_analyse_rfm(trade_ctx_t *c, trade_conv_t *st, guint idx, const char *module,
                              gboolean has_rtt, double rtt_ms, proto_item *rtt_item)
{
    packet_info *pinfo = c->pinfo;
    if (!PINFO_FD_VISITED(pinfo)) {
        trade_wire_rtt_t *w = module ? (trade_wire_rtt_t *)wmem_map_lookup(trade_wire_rtts, module) : NULL;
        if (w || st->has_wire_rtt) {
            trade_pdu_info_t *pi = trade_pdu_info(pinfo, idx, TRUE);
            pi->has_wire = TRUE;
            pi->wire_ms = w ? w->wire_ms : st->wire_rtt_ms;
            pi->wire_frame = w ? w->frame : st->wire_rtt_frame;
        }
    }
    trade_pdu_info_t *pi = trade_pdu_info(pinfo, idx, FALSE);
    if (!pi || !pi->has_wire || !has_rtt)
        return;
    proto_item *it = proto_tree_add_double(c->tree, hf_trade_rtt_wire, c->tvb, 0, 0, pi->wire_ms);
    proto_item_set_generated(it);
    it = proto_tree_add_uint(c->tree, hf_trade_rtt_wire_frame, c->tvb, 0, 0, pi->wire_frame);
    proto_item_set_generated(it);
    double excess = rtt_ms - pi->wire_ms;
    it = proto_tree_add_double(c->tree, hf_trade_rtt_excess, c->tvb, 0, 0, excess);
    proto_item_set_generated(it);
    if (excess > TRADE_RTT_EXCESS_MS && rtt_ms > 2.0 * pi->wire_ms)
        expert_add_info_format(pinfo, rtt_item ? rtt_item : it, &ei_trade_rtt_reported_high,
                               "Reported RTT %.3f ms exceeds the wire RTT %.3f ms (frame %u) by %.3f ms: "
                               "application/queueing delay", rtt_ms, pi->wire_ms, pi->wire_frame, excess);
}

static void trade_conn_links(trade_ctx_t *c, guint idx)
{
    trade_pdu_info_t *pi = trade_pdu_info(c->pinfo, idx, FALSE);
    if (!pi)
        return;
    proto_item *it;
    if (pi->conn_new_frame) {
        it = proto_tree_add_uint(c->tree, hf_trade_conn_new_in, c->tvb, 0, 0, pi->conn_new_frame);
        proto_item_set_generated(it);
    }
    if (pi->conn_ip) {
        it = proto_tree_add_string(c->tree, hf_trade_conn_client_ip, c->tvb, 0, 0, pi->conn_ip);
        proto_item_set_generated(it);
    }
    if (pi->conn_user) {
        it = proto_tree_add_string(c->tree, hf_trade_conn_user, c->tvb, 0, 0, pi->conn_user);
        proto_item_set_generated(it);
    }
    if (pi->conn_unknown)
        expert_add_info(c->pinfo, c->pdu_item, &ei_trade_conn_unknown);
}

/* Control PDU body; returns the keyword summary for the Info column. */
static const char *trade_dissect_control(trade_ctx_t *c, trade_conv_t *st, int d, guint idx, guint32 sender)
{
    packet_info *pinfo = c->pinfo;
    wmem_allocator_t *pool = pinfo->pool;
    const char *summary;
    char *kw;

    if (c->off >= c->end) {
        expert_add_info(pinfo, c->pdu_item, &ei_trade_no_keyword);
        return "(no keyword)";
    }
    if (tvb_get_uint8(c->tvb, c->off) == 0) {
        proto_item *pi = proto_tree_add_item(c->tree, hf_trade_keyword, c->tvb, c->off, 1, ENC_ASCII);
        expert_add_info(pinfo, pi, &ei_trade_no_keyword);
        c->off++;
        if (c->off < c->end) {
            proto_tree_add_item(c->tree, hf_trade_data, c->tvb, c->off, c->end - c->off, ENC_NA);
            c->off = c->end;
        }
        return "(no keyword)";
    }
    if (!trade_strz(c, hf_trade_keyword, &kw))
        return wmem_strdup_printf(pool, "%s (truncated)", kw);

    int k = str_to_val(kw, trade_keyword_vals, TRADE_KW_UNKNOWN);
    if (k == TRADE_KW_PING || k == TRADE_KW_PONG) {
        gboolean has;
        guint64 clock;
        trade_clock(c, TRUE, &has, &clock);
        if (k == TRADE_KW_PING)
            trade_analyse_ping(c, st, d, idx, sender);
        else
            trade_analyse_pong(c, st, d, idx);
        summary = kw;
    } else if (k == TRADE_KW_ROUNDTRIP) {
        gboolean has = FALSE;
        guint64 clock = 0;
        trade_clock(c, FALSE, &has, &clock);
        gboolean echo = trade_analyse_roundtrip(c, st, d, idx, sender, has, clock);
        summary = echo ? "Roundtrip (echo)" : "Roundtrip";
    } else if (k == TRADE_KW_RT_FOR_MODULE) {
        char *module;
        gboolean has = FALSE;
        guint64 us = 0;
        int voff = 0, vlen = 0;
        double ms = 0;
        proto_item *rtt_item = NULL;
        if (trade_strz(c, hf_trade_module, &module) &&
            trade_le_value(c, hf_trade_rtt_len, hf_trade_rtt, &has, &us, &voff, &vlen) && has) {
            ms = (double)us / 1000.0;
            rtt_item = proto_tree_add_double(c->tree, hf_trade_rtt_time, c->tvb, voff, vlen, ms);
        }
        trade_analyse_rfm(c, st, idx, module, has, ms, rtt_item);
        summary = has ? wmem_strdup_printf(pool, "Roundtrip for Module %s is %.3f ms", module, ms)
                      : wmem_strdup_printf(pool, "Roundtrip for Module %s", module);
    } else if (k == TRADE_KW_NEW_CONNECTION) {
        guint32 id = 0;
        char *ip = NULL;
        if (trade_u16(c, hf_trade_conn_id, &id) && trade_strz(c, hf_trade_client_ip, &ip)) {
            if (!PINFO_FD_VISITED(pinfo)) {
                trade_conn_t *cn = wmem_new0(wmem_file_scope(), trade_conn_t);
                cn->new_frame = pinfo->num;
                cn->client_ip = wmem_strdup(wmem_file_scope(), ip);
                wmem_map_insert(st->conns, GUINT_TO_POINTER(id + 1), cn);
            }
        }
        summary = wmem_strdup_printf(pool, "New Connection from %s (id=%u)", ip ? ip : "?", id);
    } else if (k == TRADE_KW_CLOSE_CONNECTION) {
        guint32 id = 0;
        gboolean ok = trade_u16(c, hf_trade_conn_id, &id);
        if (ok && !PINFO_FD_VISITED(pinfo)) {
            trade_conn_t *cn = (trade_conn_t *)wmem_map_lookup(st->conns, GUINT_TO_POINTER(id + 1));
            trade_pdu_info_t *pi = trade_pdu_info(pinfo, idx, TRUE);
            if (cn) {
                pi->conn_new_frame = cn->new_frame;
                pi->conn_ip = cn->client_ip;
                pi->conn_user = cn->user;
            } else {
                pi->conn_unknown = TRUE;
            }
        }
        trade_conn_links(c, idx);
        summary = wmem_strdup_printf(pool, "Connection closed (id=%u)", id);
    } else if (k == TRADE_KW_LOGIN) {
        char *module = NULL, *user = NULL, *ip = NULL;
        guint32 id = 0;
        gboolean ok = TRUE;
        if (sender == TRADE_MODULE_LOGIN_MOD)
            ok = trade_strz(c, hf_trade_module, &module);
        ok = ok && trade_u16(c, hf_trade_conn_id, &id);
        ok = ok && trade_strz(c, hf_trade_username, &user);
        ok = ok && trade_strz(c, hf_trade_client_ip, &ip);
        if (ok && c->off < c->end) {
            proto_tree_add_item(c->tree, hf_trade_login_trailer, c->tvb, c->off, c->end - c->off, ENC_NA);
            c->off = c->end;
        }
        if (ok && !PINFO_FD_VISITED(pinfo)) {
            trade_conn_t *cn = (trade_conn_t *)wmem_map_lookup(st->conns, GUINT_TO_POINTER(id + 1));
            if (cn) {
                cn->user = wmem_strdup(wmem_file_scope(), user);
                trade_pdu_info_t *pi = trade_pdu_info(pinfo, idx, TRUE);
                pi->conn_new_frame = cn->new_frame;
            }
        }
        trade_conn_links(c, idx);
        if (module)
            summary = wmem_strdup_printf(pool, "User %s logged in from %s to %s (id=%u)",
                                         user ? user : "?", ip ? ip : "?", module, id);
        else
            summary = wmem_strdup_printf(pool, "User %s logged in from %s (id=%u)",
                                         user ? user : "?", ip ? ip : "?", id);
    } else if (k == TRADE_KW_COUNTS) {
        guint32 m = 0, n = 0;
        if (trade_u16(c, hf_trade_module_count, &m))
            trade_u16(c, hf_trade_client_count, &n);
        summary = wmem_strdup_printf(pool, "ModuleAndClientCount, Modules: %u, Clients: %u", m, n);
    } else if (k == TRADE_KW_STATUS) {
        char *text;
        trade_strz(c, hf_trade_status, &text);
        summary = wmem_strdup_printf(pool, "Status: %s", text);
    } else {
        expert_add_info_format(pinfo, c->pdu_item, &ei_trade_unknown_keyword, "Unknown keyword \"%s\"", kw);
        if (c->off < c->end) {
            proto_tree_add_item(c->tree, hf_trade_data, c->tvb, c->off, c->end - c->off, ENC_NA);
            c->off = c->end;
        }
        summary = wmem_strdup_printf(pool, "%s (Unknown keyword)", kw);
    }
    return summary;
}

static guint get_trade_pdu_len(packet_info *pinfo _U_, tvbuff_t *tvb, int offset, void *data _U_)
{
    guint size = tvb_get_uint16(tvb, offset + 1, ENC_BIG_ENDIAN);
    if (size < TRADE_HDR_LEN)   /* malformed: take what this segment holds and stop there */
        return (guint)tvb_reported_length_remaining(tvb, offset);
    return size;
}

static int dissect_trade_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    trade_conv_t *st = trade_conv_get(pinfo);
    int d = trade_dir(st, pinfo);
    guint idx = ts_pdu_index(pinfo, proto_trade);
    int len = (int)tvb_reported_length(tvb);
    ts_service_pdu(pinfo, proto_trade, d == TRADE_C2S, (guint32)len);
    wmem_allocator_t *pool = pinfo->pool;
    const char *summary;

    proto_item *ti = proto_tree_add_item(tree, proto_trade, tvb, 0, -1, ENC_NA);
    proto_tree *pt = proto_item_add_subtree(ti, ett_trade);

    guint32 sender = tvb_get_uint8(tvb, 0);
    const char *sname = trade_module_label(pool, sender);
    trade_add_sender(pt, tvb, sender, sname);
    proto_item *it = proto_tree_add_string(pt, hf_trade_sender_name, tvb, 0, 1, sname);
    proto_item_set_generated(it);
    guint32 size;
    proto_item *len_item = proto_tree_add_item_ret_uint(pt, hf_trade_length, tvb, 1, 2, ENC_BIG_ENDIAN, &size);

    if (size < TRADE_HDR_LEN) {
        expert_add_info_format(pinfo, len_item, &ei_trade_size_too_small,
                               "PDU size %u is below the %d-byte header: the rest of this segment is not "
                               "dissected", size, TRADE_HDR_LEN);
        if (len > 3)
            proto_tree_add_item(pt, hf_trade_data, tvb, 3, len - 3, ENC_NA);
        summary = wmem_strdup_printf(pool, "%s: invalid size %u", sname, size);
        proto_item_append_text(ti, ", %s", summary);
        trade_pkt_add_summary(pinfo, summary);
        return len;
    }

    guint32 receiver = tvb_get_uint16(tvb, 3, ENC_BIG_ENDIAN);
    const char *rname = trade_receiver_label(pool, receiver);
    if (receiver == TRADE_CONTROL)
        proto_tree_add_uint_format_value(pt, hf_trade_receiver, tvb, 3, 2, receiver, "Control (0x%04x)", receiver);
    else
        proto_tree_add_uint(pt, hf_trade_receiver, tvb, 3, 2, receiver);

    if (!PINFO_FD_VISITED(pinfo)) {
        st->dir[d].sender = sender;
        st->dir[d].has_sender = TRUE;
    }

    trade_ctx_t c = { tvb, pinfo, pt, ti, TRADE_HDR_LEN, len };
    const char *what;
    if (receiver == TRADE_CONTROL) {
        what = trade_dissect_control(&c, st, d, idx, sender);
    } else {
        if (c.off < c.end)
            proto_tree_add_item(pt, hf_trade_data, tvb, c.off, c.end - c.off, ENC_NA);
        what = wmem_strdup_printf(pool, "Data (%d bytes)", c.end - c.off);
        c.off = c.end;
    }
    if (c.off < c.end) {
        proto_item *tr = proto_tree_add_item(pt, hf_trade_trailing, tvb, c.off, c.end - c.off, ENC_NA);
        expert_add_info_format(pinfo, tr, &ei_trade_trailing_data, "%d byte(s) of trailing data", c.end - c.off);
    }
    summary = wmem_strdup_printf(pool, "%s " UTF8_RIGHTWARDS_ARROW " %s: %s", sname, rname, what);
    proto_item_append_text(ti, ", %s", summary);
    trade_pkt_add_summary(pinfo, summary);
    return len;
}

/* Greeting (spec §6): sender, 1-byte length g, text NUL-terminated in [2, g), 3 trailer bytes.
 * Returns its length (g + 3) or 0 when the bytes do not look like one. */
static int trade_greeting_len(tvbuff_t *tvb)
{
    int len = (int)tvb_captured_length(tvb);
    if (len < 6)
        return 0;
    int g = tvb_get_uint8(tvb, 1);
    if (g < 4 || len < g + 3)
        return 0;
    int nul = tvb_find_uint8(tvb, 2, g - 2, 0);
    if (nul < 3)
        return 0;
    for (int i = 2; i < nul; i++) {
        guint8 ch = tvb_get_uint8(tvb, i);
        if (ch < 0x20 || ch > 0x7e)
            return 0;
    }
    return g + 3;
}

static void trade_dissect_greeting(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int glen)
{
    int g = glen - 3;
    proto_item *ti = proto_tree_add_item(tree, proto_trade, tvb, 0, glen, ENC_NA);
    proto_tree *pt = proto_item_add_subtree(ti, ett_trade);
    guint32 sender = tvb_get_uint8(tvb, 0);
    const char *sname = trade_module_label(pinfo->pool, sender);
    trade_add_sender(pt, tvb, sender, sname);
    proto_item *it = proto_tree_add_string(pt, hf_trade_sender_name, tvb, 0, 1, sname);
    proto_item_set_generated(it);
    proto_tree_add_item(pt, hf_trade_greeting_len, tvb, 1, 1, ENC_NA);
    int nul = tvb_find_uint8(tvb, 2, g - 2, 0);
    char *text;
    proto_tree_add_item_ret_display_string(pt, hf_trade_greeting, tvb, 2, nul - 2 + 1, ENC_ASCII, pinfo->pool, &text);
    if (nul + 1 < g)
        proto_tree_add_item(pt, hf_trade_trailing, tvb, nul + 1, g - nul - 1, ENC_NA);
    proto_tree_add_item(pt, hf_trade_greeting_trailer, tvb, g, 3, ENC_NA);
    const char *summary = wmem_strdup_printf(pinfo->pool, "%s: Setting up connection to %s", sname, text);
    proto_item_append_text(ti, ", Greeting, %s", summary);
    trade_pkt_add_summary(pinfo, summary);
}

static int dissect_trade(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    trade_conv_t *st = trade_conv_get(pinfo);
    trade_pkt_t *pk = trade_pkt_get(pinfo);
    int d = trade_dir(st, pinfo);

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "Trade");
    if (!PINFO_FD_VISITED(pinfo)) {
        trade_frame_pre(st, pinfo);
        if (!st->dir[d].first_frame)
            st->dir[d].first_frame = pinfo->num;
    }
    pk->calls++;

    int off = 0;
    if (trade_detect_greeting && pk->calls == 1 && st->dir[d].first_frame == pinfo->num) {
        int glen = trade_greeting_len(tvb);
        if (glen > 0) {
            trade_dissect_greeting(tvb, pinfo, tree, glen);
            off = glen;
        }
    }
    if (off == 0) {
        tcp_dissect_pdus(tvb, pinfo, tree, trade_desegment, 3, get_trade_pdu_len, dissect_trade_pdu, data);
    } else if ((guint)off < tvb_reported_length(tvb)) {
        tvbuff_t *rest = tvb_new_subset_remaining(tvb, off);
        tcp_dissect_pdus(rest, pinfo, tree, trade_desegment, 3, get_trade_pdu_len, dissect_trade_pdu, data);
        if (pinfo->desegment_len)
            pinfo->desegment_offset += off;
    }
    trade_pkt_set_info(pinfo);
    return (int)tvb_captured_length(tvb);
}

/* ---- heuristic (any port; doc/heuristics.md) --------------------------------------------------- */

static gboolean trade_char_ip(guint8 c)
{
    return g_ascii_isxdigit(c) || c == '.' || c == ':' || c == '%';
}

/* A NUL-terminated string of at least `min` characters of `cls` (no tabs or line ends) starts at
 * off and ends before `end`; *next is the offset after its NUL. */
static gboolean trade_heur_strz(tvbuff_t *tvb, guint off, guint end, guint min, ts_char_class_t cls, guint *next)
{
    guint i;
    for (i = off; i < end; i++) {
        guint8 c = tvb_get_uint8(tvb, (gint)i);
        if (c == 0)
            break;
        if (!cls(c) || c == '\n' || c == '\r' || c == '\t')
            return FALSE;
    }
    if (i >= end || i - off < min)
        return FALSE;
    *next = i + 1;
    return TRUE;
}

/* The keyword of the control PDU at off is one of trade_keyword_vals and its data fills [.., end)
 * exactly in the layout the dissector reads. */
static gboolean trade_heur_control(tvbuff_t *tvb, guint sender, guint off, guint end)
{
    char kw[32];
    guint kw_end, next;
    if (!trade_heur_strz(tvb, off, end, 1, ts_char_text, &kw_end) || kw_end - off > sizeof kw)
        return FALSE;
    tvb_memcpy(tvb, kw, (gint)off, kw_end - off);       /* with its NUL */
    guint d = kw_end, rest = end - kw_end;
    switch (str_to_val(kw, trade_keyword_vals, TRADE_KW_UNKNOWN)) {
    case TRADE_KW_PING: case TRADE_KW_PONG: case TRADE_KW_ROUNDTRIP:
        /* nothing, or clock length + clock bytes */
        return rest == 0 || (tvb_get_uint8(tvb, d) >= 1 && tvb_get_uint8(tvb, d) <= TRADE_MAX_VALUE_LEN &&
                             rest == 1u + tvb_get_uint8(tvb, d));
    case TRADE_KW_RT_FOR_MODULE:        /* module name, RTT length (at most 4, spec) + RTT */
        if (!trade_heur_strz(tvb, d, end, 1, ts_char_text, &next) || next >= end)
            return FALSE;
        return tvb_get_uint8(tvb, next) >= 1 && tvb_get_uint8(tvb, next) <= 4 &&
               end - next == 1u + tvb_get_uint8(tvb, next);
    case TRADE_KW_NEW_CONNECTION:       /* connection id, client IP */
        return rest > 3 && trade_heur_strz(tvb, d + 2, end, 2, trade_char_ip, &next) && next == end;
    case TRADE_KW_CLOSE_CONNECTION:     /* connection id */
        return rest == 2;
    case TRADE_KW_LOGIN:                /* [module,] connection id, user, client IP, optional trailer */
        if (sender == TRADE_MODULE_LOGIN_MOD && !trade_heur_strz(tvb, d, end, 1, ts_char_text, &d))
            return FALSE;
        if (d + 2 >= end || !trade_heur_strz(tvb, d + 2, end, 1, ts_char_text, &next))
            return FALSE;
        return trade_heur_strz(tvb, next, end, 2, trade_char_ip, &next);
    case TRADE_KW_COUNTS:               /* module count, client count */
        return rest == 4;
    case TRADE_KW_STATUS:               /* status text */
        return trade_heur_strz(tvb, d, end, 0, ts_char_text, &next) && next == end;
    default:
        return FALSE;                   /* unknown keyword */
    }
}

/* The segment starts with a whole control PDU with a known keyword whose data fills it exactly;
 * the PDUs that follow have at least a header, control ones a text keyword. Never throws. */
gboolean trade_heur_check(tvbuff_t *tvb)
{
    guint avail = tvb_captured_length(tvb);
    if (avail < TRADE_HDR_LEN + 5)
        return FALSE;
    guint size = tvb_get_ntohs(tvb, 1);
    if (tvb_get_ntohs(tvb, 3) != TRADE_CONTROL || size < TRADE_HDR_LEN + 5 || size > avail ||
        !trade_heur_control(tvb, tvb_get_uint8(tvb, 0), TRADE_HDR_LEN, size))
        return FALSE;
    guint off = size;
    for (guint i = 0; i < 256 && off < avail; i++) {
        if (off + 3 > avail)
            break;
        guint sz = tvb_get_ntohs(tvb, off + 1);
        if (sz < TRADE_HDR_LEN)
            return FALSE;
        if (off + sz <= avail && tvb_get_ntohs(tvb, off + 3) == TRADE_CONTROL) {
            guint next;
            if (!trade_heur_strz(tvb, off + TRADE_HDR_LEN, off + sz, 1, ts_char_text, &next))
                return FALSE;
        }
        off += sz;
    }
    return TRUE;
}

/* A recognised conversation is dissected like one on the port, from this frame on (data PDUs
 * carry no signature: a conversation is recognised at its first control PDU). */
static ts_heur_ret dissect_trade_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (!trade_heur_check(tvb))
        return FALSE;
    ts_service_heuristic(pinfo, proto_trade, trade_handle);
    dissect_trade(tvb, pinfo, tree, data);
    return TRUE;
}

/* ---- postdissector: every frame of a Trade conversation, with or without payload ---------------- */

static const char *trade_end_text(wmem_allocator_t *scope, const trade_frame_info_t *fi)
{
    if (fi->td_has_pong)
        return wmem_strdup_printf(scope, "%s by %s, %.1f s after last Pong", fi->td_rst ? "RST" : "FIN",
                                  fi->td_module, fi->td_since_pong);
    return wmem_strdup_printf(scope, "%s by %s", fi->td_rst ? "RST" : "FIN", fi->td_module);
}

static int dissect_trade_post(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    if (!trade_conv_count || pinfo->ptype != PT_TCP)
        return 0;
    conversation_t *conv = find_conversation_pinfo(pinfo, 0);
    if (!conv)
        return 0;
    trade_conv_t *st = (trade_conv_t *)conversation_get_proto_data(conv, proto_trade);
    if (!st)
        return 0;
    if (!PINFO_FD_VISITED(pinfo)) {
        trade_frame_pre(st, pinfo);
        if (!proto_is_frame_protocol(pinfo->layers, "icmp") && !proto_is_frame_protocol(pinfo->layers, "icmpv6"))
            trade_frame_tcp(st, tvb, pinfo);
    }
    trade_frame_info_t *fi = trade_frame_info(pinfo, FALSE);
    if (!fi)
        return 0;

    /* a protocol item, so "-O trade" and the "trade" filter include frames without Trade payload
     * that carry the analysis (zero-window ACKs, FIN, RST) */
    proto_item *ti = proto_tree_add_protocol_format(tree, proto_trade, tvb, 0, 0, "Trade keepalive analysis");
    proto_item_set_generated(ti);
    proto_tree *at = proto_item_add_subtree(ti, ett_trade_analysis);
    proto_item *it = proto_tree_add_item(at, hf_trade_analysis, tvb, 0, 0, ENC_NA);
    proto_item_set_hidden(it);
    nstime_t t;

    if (fi->od) {
        trade_secs_to_nstime(fi->od_gap, &t);
        proto_item *gi = proto_tree_add_time(at, hf_trade_ping_gap, tvb, 0, 0, &t);
        proto_item_set_generated(gi);
        it = proto_tree_add_uint(at, hf_trade_ping_gap_last, tvb, 0, 0, fi->od_last_ping);
        proto_item_set_generated(it);
        trade_secs_to_nstime(fi->od_expected, &t);
        it = proto_tree_add_time(at, hf_trade_ping_gap_expected, tvb, 0, 0, &t);
        proto_item_set_generated(it);
        expert_add_info_format(pinfo, gi, &ei_trade_ping_overdue, "No Ping from %s for %.1f s, expected every %.1f s",
                               fi->od_module, fi->od_gap, fi->od_expected);
        if (fi->od_zw) {
            proto_item *zi = proto_tree_add_uint(at, hf_trade_zw_since, tvb, 0, 0, fi->od_zw->frame);
            proto_item_set_generated(zi);
            trade_secs_to_nstime(fi->od_zw_for, &t);
            it = proto_tree_add_time(at, hf_trade_zw_duration, tvb, 0, 0, &t);
            proto_item_set_generated(it);
            expert_add_info_format(pinfo, zi, &ei_trade_peer_zero_window,
                                   "%s advertised a zero window since frame %u (%.1f s): the Ping is probably "
                                   "stuck in the sender's TCP buffer", fi->od_peer, fi->od_zw->frame, fi->od_zw_for);
        }
        col_append_fstr(pinfo->cinfo, COL_INFO, " [Trade: no Ping from %s for %.1f s]", fi->od_module, fi->od_gap);
    }

    for (guint i = 0; i < fi->n_zw; i++) {
        const trade_zw_event_t *e = &fi->zw[i];
        trade_tap_rec_t *r = trade_tap_rec(pinfo, e->start ? TRADE_EV_ZW_START : TRADE_EV_ZW_END, st->label,
                                           e->blocked_module);
        if (e->start) {
            it = proto_tree_add_string_format_value(at, hf_trade_zw_advertised_by, tvb, 0, 0, e->advertiser,
                                                    "%s (blocks %s)", e->advertiser, e->blocked_module);
            proto_item_set_generated(it);
        } else {
            r->zw_s = e->duration;
            trade_secs_to_nstime(e->duration, &t);
            it = proto_tree_add_time(at, hf_trade_zw_reopened_after, tvb, 0, 0, &t);
            proto_item_set_generated(it);
        }
        tap_queue_packet(trade_tap, pinfo, r);
    }

    if (fi->td) {
        const char *how = fi->td_rst ? "reset" : "closed";
        proto_item *ki = NULL;
        if (fi->td_has_pong) {
            trade_secs_to_nstime(fi->td_since_pong, &t);
            ki = proto_tree_add_time(at, hf_trade_td_since_pong, tvb, 0, 0, &t);
            proto_item_set_generated(ki);
            it = proto_tree_add_uint(at, hf_trade_td_last_pong, tvb, 0, 0, fi->td_last_pong);
            proto_item_set_generated(it);
        }
        if (fi->td_has_ping) {
            trade_secs_to_nstime(fi->td_since_ping, &t);
            it = proto_tree_add_time(at, hf_trade_td_since_ping, tvb, 0, 0, &t);
            proto_item_set_generated(it);
        }
        if (fi->td_zw) {
            it = proto_tree_add_uint(at, hf_trade_zw_since, tvb, 0, 0, fi->td_zw->frame);
            proto_item_set_generated(it);
            trade_secs_to_nstime(fi->td_zw_for, &t);
            it = proto_tree_add_time(at, hf_trade_zw_duration, tvb, 0, 0, &t);
            proto_item_set_generated(it);
        }
        if (fi->td_has_pong && fi->td_timeout) {
            expert_add_info_format(pinfo, ki, &ei_trade_keepalive_timeout,
                                   "Connection %s by %s %.1f s after the last Pong it received (frame %u): "
                                   "keepalive timeout (%u s)", how, fi->td_module, fi->td_since_pong,
                                   fi->td_last_pong, trade_keepalive_timeout);
            col_append_fstr(pinfo->cinfo, COL_INFO, " [Trade: keepalive timeout, %.1f s after last Pong]",
                            fi->td_since_pong);
        } else if (fi->td_has_pong) {
            expert_add_info_format(pinfo, ki, &ei_trade_teardown,
                                   "Connection %s by %s %.1f s after the last Pong it received (frame %u)",
                                   how, fi->td_module, fi->td_since_pong, fi->td_last_pong);
        } else {
            expert_add_info_format(pinfo, ti, &ei_trade_teardown, "Connection %s by %s", how, fi->td_module);
        }
        trade_tap_rec_t *r = trade_tap_rec(pinfo, TRADE_EV_END, st->label, fi->td_row_module);
        r->end = trade_end_text(pinfo->pool, fi);
        r->gap_s = fi->td_has_ping ? fi->td_since_ping : 0;
        tap_queue_packet(trade_tap, pinfo, r);
    }
    return 0;
}

/* ---- statistics: Trade Keepalive (per connection and pinging module) --------------------------- */

/* numbers first (after the Rank column), the long text columns last */
enum {
    TK_COL_PINGS, TK_COL_PONGS, TK_COL_UNANSWERED, TK_COL_MIN, TK_COL_AVG, TK_COL_MAX, TK_COL_GAP,
    TK_COL_ZW, TK_COL_ZW_TIME, TK_COL_END, TK_COL_MODULE, TK_COL_CONN, TK_N_COLS
};

typedef struct {
    double   sum_ms;
    guint64  n;
    double   min_ms;
    double   max_ms;
    double   gap_max;
    gboolean ended;
} trade_keepalive_row_t;

static gboolean trade_keepalive_packet(ts_table_t *tables[2], packet_info *pinfo _U_, const void *data)
{
    const trade_tap_rec_t *r = (const trade_tap_rec_t *)data;
    if (!r || !r->conn || !r->module)
        return FALSE;
    if (r->ev == TRADE_EV_ROUNDTRIP || r->ev == TRADE_EV_ECHO)
        return FALSE;
    const char *keys[2] = { r->module, r->conn };   /* key columns in column order */
    ts_row_t *row = ts_table_row(tables[0], keys);
    if (!row)
        return FALSE;
    trade_keepalive_row_t *s = (trade_keepalive_row_t *)ts_row_scratch(row, sizeof(trade_keepalive_row_t));
    if (!s)
        return FALSE;
    switch (r->ev) {
    case TRADE_EV_PING:
        ts_row_add_uint(row, TK_COL_PINGS, 1);
        if (r->gap_s > s->gap_max)
            s->gap_max = r->gap_s;
        break;
    case TRADE_EV_PONG:
        if (!r->base.answered)
            break;
        ts_row_add_uint(row, TK_COL_PONGS, 1);
        if (!s->n || r->delay_ms < s->min_ms)
            s->min_ms = r->delay_ms;
        if (!s->n || r->delay_ms > s->max_ms)
            s->max_ms = r->delay_ms;
        s->sum_ms += r->delay_ms;
        s->n++;
        break;
    case TRADE_EV_ZW_START:
        ts_row_add_uint(row, TK_COL_ZW, 1);
        break;
    case TRADE_EV_ZW_END:
        ts_row_set_float(row, TK_COL_ZW_TIME, ts_row_get_float(row, TK_COL_ZW_TIME) + r->zw_s);
        break;
    case TRADE_EV_END:
        if (r->gap_s > s->gap_max)
            s->gap_max = r->gap_s;
        if (!s->ended)      /* the first FIN/RST tells how the connection ended */
            ts_row_set_string(row, TK_COL_END, r->end ? r->end : "closed");
        s->ended = TRUE;
        break;
    default:
        return FALSE;
    }
    guint64 pings = ts_row_get_uint(row, TK_COL_PINGS), pongs = ts_row_get_uint(row, TK_COL_PONGS);
    ts_row_set_uint(row, TK_COL_UNANSWERED, pings > pongs ? pings - pongs : 0);
    /* duration cells take seconds */
    ts_row_set_float(row, TK_COL_MIN, s->n ? s->min_ms / 1000.0 : 0);
    ts_row_set_float(row, TK_COL_AVG, s->n ? s->sum_ms / (double)s->n / 1000.0 : 0);
    ts_row_set_float(row, TK_COL_MAX, s->n ? s->max_ms / 1000.0 : 0);
    ts_row_set_float(row, TK_COL_GAP, s->gap_max);
    if (!s->ended)
        ts_row_set_string(row, TK_COL_END, "open");
    return TRUE;
}

static ts_table_def_t trade_keepalive_def = {
    .title = "Trade Keepalive",
    .cli = "trade,keepalive",
    .tap = "trade",
    .filter_prefix = "trade.",
    .n_cols = TK_N_COLS,
    .cols = {
        { "Pings", TS_CELL_UINT },
        { "Pongs", TS_CELL_UINT },
        { "Unanswered", TS_CELL_UINT },
        { "Min delay", TS_CELL_DURATION },          /* Ping -> Pong */
        { "Avg delay", TS_CELL_DURATION },
        { "Max delay", TS_CELL_DURATION },
        { "Max Ping gap", TS_CELL_DURATION },       /* incl. the gap open at the end */
        { "Zero windows", TS_CELL_UINT },
        { "Zero-window time", TS_CELL_DURATION },
        { "End", TS_CELL_STRING },                  /* before the long names: never cut */
        { "Module", TS_CELL_STRING },
        { "Connection", TS_CELL_STRING },
    },
    .n_key_cols = 2,
    .key_mask = (1u << TK_COL_MODULE) | (1u << TK_COL_CONN),
    .sort_col = TK_COL_GAP,     /* worst first: the longest time a module went without a Ping */
    .ranked = TRUE,
    .extra_table_title = NULL,
    .packet = trade_keepalive_packet,
};

/* ---- registration --------------------------------------------------------------------------------- */

static void trade_init(void)
{
    trade_conv_count = 0;
}

static void trade_prefs_apply(void)
{
    trade_tcp_ports = prefs_get_range_value("trade", "tcp.port");
}

void proto_register_trade(void)
{
    static hf_register_info hf[] = {
        { &hf_trade_sender, { "Sender", "trade.sender", FT_UINT8, BASE_DEC, NULL, 0x0,
            "Sending module id (names from the module table)", HFILL } },
        { &hf_trade_sender_name, { "Sender name", "trade.sender_name", FT_STRING, BASE_NONE, NULL, 0x0,
            "Name of the sending module, or Unknown (id)", HFILL } },
        { &hf_trade_length, { "Size", "trade.length", FT_UINT16, BASE_DEC, NULL, 0x0,
            "Total PDU length including the 5-byte header", HFILL } },
        { &hf_trade_receiver, { "Receiver", "trade.receiver", FT_UINT16, BASE_DEC, NULL, 0x0,
            "Receiver; 0xFFFF = control PDU", HFILL } },
        { &hf_trade_keyword, { "Keyword", "trade.keyword", FT_STRINGZ, BASE_NONE, NULL, 0x0,
            "Control keyword", HFILL } },
        { &hf_trade_data, { "Data", "trade.data", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Payload of a data PDU, data of an unknown keyword, or undecoded bytes", HFILL } },
        { &hf_trade_trailing, { "Trailing data", "trade.trailing", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Bytes left in the PDU after its known fields", HFILL } },
        { &hf_trade_clock_len, { "Clock length", "trade.clock_len", FT_UINT8, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_trade_clock, { "Clock", "trade.clock", FT_UINT64, BASE_DEC, NULL, 0x0,
            "Raw clock value: microseconds since 1901-01-01 00:00:00 UTC (little-endian)", HFILL } },
        { &hf_trade_clock_time, { "Clock time", "trade.clock_time", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0,
            "The instant the clock value encodes", HFILL } },
        { &hf_trade_clock_offset, { "Clock offset", "trade.clock_offset", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Clock time minus the frame's capture time", HFILL } },
        { &hf_trade_module, { "Module", "trade.module", FT_STRINGZ, BASE_NONE, NULL, 0x0,
            "Module name", HFILL } },
        { &hf_trade_rtt_len, { "RTT length", "trade.rtt_len", FT_UINT8, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_trade_rtt, { "RTT (raw)", "trade.rtt", FT_UINT64, BASE_DEC, NULL, 0x0,
            "Round trip time reported by the application, microseconds (little-endian)", HFILL } },
        { &hf_trade_rtt_time, { "RTT (ms)", "trade.rtt_time", FT_DOUBLE, BASE_NONE,
            NULL, 0x0, "Round trip time reported by the application", HFILL } },
        { &hf_trade_rtt_wire, { "Wire RTT (ms)", "trade.rtt_wire", FT_DOUBLE, BASE_NONE,
            NULL, 0x0, "Latest Roundtrip -> echo time seen on the wire for that module", HFILL } },
        { &hf_trade_rtt_wire_frame, { "Wire RTT measured in", "trade.rtt_wire_frame", FT_FRAMENUM, BASE_NONE,
            NULL, 0x0, "Frame of the Roundtrip echo the wire RTT comes from", HFILL } },
        { &hf_trade_rtt_excess, { "RTT excess over wire (ms)", "trade.rtt_excess", FT_DOUBLE,
            BASE_NONE, NULL, 0x0,
            "Reported RTT minus the wire RTT (application and queueing delay)", HFILL } },
        { &hf_trade_conn_id, { "Connection id", "trade.conn_id", FT_UINT16, BASE_DEC, NULL, 0x0,
            "Client connection id", HFILL } },
        { &hf_trade_client_ip, { "Client IP", "trade.client_ip", FT_STRINGZ, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_trade_username, { "User name", "trade.username", FT_STRINGZ, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_trade_login_trailer, { "Login trailer", "trade.login.trailer", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Bytes after the client IP of a Login (\"read\" and a NUL in the seed)", HFILL } },
        { &hf_trade_module_count, { "Module count", "trade.module_count", FT_UINT16, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_trade_client_count, { "Client count", "trade.client_count", FT_UINT16, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_trade_status, { "Status", "trade.status", FT_STRINGZ, BASE_NONE, NULL, 0x0,
            "Status text", HFILL } },
        { &hf_trade_greeting, { "Greeting", "trade.greeting", FT_STRINGZ, BASE_NONE, NULL, 0x0,
            "Server greeting at the start of a direction: the name of the connection's peer", HFILL } },
        { &hf_trade_greeting_len, { "Greeting length", "trade.greeting.length", FT_UINT8, BASE_DEC, NULL, 0x0,
            "One-byte length of the greeting (without its 3 trailer bytes)", HFILL } },
        { &hf_trade_greeting_trailer, { "Greeting trailer", "trade.greeting.trailer", FT_BYTES, BASE_NONE,
            NULL, 0x0, "The 3 unexplained bytes after the greeting", HFILL } },
        { &hf_trade_conn_new_in, { "Connection announced in", "trade.conn.new_in", FT_FRAMENUM, BASE_NONE,
            NULL, 0x0, "Frame of the New Connection for this connection id", HFILL } },
        { &hf_trade_conn_client_ip, { "Connection client IP", "trade.conn.client_ip", FT_STRING, BASE_NONE,
            NULL, 0x0, "Client IP from the New Connection of this connection id", HFILL } },
        { &hf_trade_conn_user, { "Connection user", "trade.conn.user", FT_STRING, BASE_NONE, NULL, 0x0,
            "User name from the Login of this connection id", HFILL } },
        { &hf_trade_ping_pong_in, { "Pong in", "trade.ping.pong_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, "The Pong answering this Ping", HFILL } },
        { &hf_trade_pong_ping_in, { "Ping in", "trade.pong.ping_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "The Ping this Pong answers", HFILL } },
        { &hf_trade_pong_delay, { "Pong delay", "trade.pong.delay", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time between the Ping and this Pong", HFILL } },
        { &hf_trade_ping_no_pong, { "No Pong", "trade.ping.no_pong", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "No Pong answered this Ping in the capture", HFILL } },
        { &hf_trade_ping_interval, { "Ping interval", "trade.ping.interval", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time since the previous Ping in this direction", HFILL } },
        { &hf_trade_ping_expected, { "Expected Ping interval", "trade.ping.expected_interval", FT_RELATIVE_TIME,
            BASE_NONE, NULL, 0x0, "Preference, or the median of the first intervals seen", HFILL } },
        { &hf_trade_ping_prev_unanswered, { "Previous Ping unanswered", "trade.ping.prev_unanswered", FT_FRAMENUM,
            BASE_NONE, NULL, 0x0, "An older Ping still had no Pong when this one was sent", HFILL } },
        { &hf_trade_rt_echo_in, { "Echo in", "trade.roundtrip.echo_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, "The echo of this Roundtrip", HFILL } },
        { &hf_trade_rt_request_in, { "Roundtrip in", "trade.roundtrip.request_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "The Roundtrip this PDU echoes", HFILL } },
        { &hf_trade_rt_wire_rtt, { "Wire RTT", "trade.roundtrip.wire_rtt", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Roundtrip -> echo time at the capture point", HFILL } },
        { &hf_trade_rt_no_echo, { "No echo", "trade.roundtrip.no_echo", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "No echo of this Roundtrip in the capture", HFILL } },
        { &hf_trade_analysis, { "Trade keepalive analysis", "trade.analysis", FT_NONE, BASE_NONE, NULL, 0x0,
            "Analysis of this frame of a Trade connection (also on frames without payload)", HFILL } },
        { &hf_trade_ping_gap, { "No Ping for", "trade.ping_gap", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time since the last Ping of that direction", HFILL } },
        { &hf_trade_ping_gap_last, { "Last Ping in", "trade.ping_gap.last_ping", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_trade_ping_gap_expected, { "Expected every", "trade.ping_gap.expected", FT_RELATIVE_TIME, BASE_NONE,
            NULL, 0x0, NULL, HFILL } },
        { &hf_trade_zw_since, { "Peer zero window since", "trade.peer_zero_window_since", FT_FRAMENUM, BASE_NONE,
            NULL, 0x0, "Frame where the receiving side advertised a zero window", HFILL } },
        { &hf_trade_zw_duration, { "Peer zero window for", "trade.peer_zero_window_duration", FT_RELATIVE_TIME,
            BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_trade_zw_reopened_after, { "Zero window ended after", "trade.zero_window.duration", FT_RELATIVE_TIME,
            BASE_NONE, NULL, 0x0, "The window of this side reopened (or the connection ended) after this long",
            HFILL } },
        { &hf_trade_zw_advertised_by, { "Zero window advertised by", "trade.zero_window.advertised_by", FT_STRING,
            BASE_NONE, NULL, 0x0, "This frame starts a zero-window episode of that side", HFILL } },
        { &hf_trade_td_since_pong, { "Time since last Pong", "trade.teardown.since_last_pong", FT_RELATIVE_TIME,
            BASE_NONE, NULL, 0x0, "FIN/RST: time since the closing side received its last Pong", HFILL } },
        { &hf_trade_td_last_pong, { "Last Pong in", "trade.teardown.last_pong", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_trade_td_since_ping, { "Time since last Ping", "trade.teardown.since_last_ping", FT_RELATIVE_TIME,
            BASE_NONE, NULL, 0x0, "FIN/RST: time since the closing side's last Ping on the wire", HFILL } },
    };
    static gint *ett[] = { &ett_trade, &ett_trade_analysis };
    static ei_register_info ei[] = {
        { &ei_trade_size_too_small, { "trade.size_too_small", PI_MALFORMED, PI_ERROR,
            "PDU size below the 5-byte header", EXPFILL } },
        { &ei_trade_missing_nul, { "trade.missing_nul", PI_MALFORMED, PI_ERROR,
            "String not NUL-terminated within the PDU", EXPFILL } },
        { &ei_trade_no_keyword, { "trade.no_keyword", PI_MALFORMED, PI_ERROR,
            "No keyword in this control PDU", EXPFILL } },
        { &ei_trade_unknown_keyword, { "trade.unknown_keyword", PI_UNDECODED, PI_WARN,
            "Unknown keyword", EXPFILL } },
        { &ei_trade_trailing_data, { "trade.trailing_data", PI_UNDECODED, PI_WARN,
            "Trailing data after the known fields", EXPFILL } },
        { &ei_trade_truncated, { "trade.truncated", PI_MALFORMED, PI_ERROR,
            "PDU ends inside a field", EXPFILL } },
        { &ei_trade_value_too_long, { "trade.value_too_long", PI_MALFORMED, PI_WARN,
            "Clock/RTT value longer than 8 bytes", EXPFILL } },
        { &ei_trade_ping_no_pong, { "trade.ping_no_pong", PI_SEQUENCE, PI_WARN,
            "No Pong seen for this Ping", EXPFILL } },
        { &ei_trade_ping_prev_unanswered, { "trade.ping_prev_unanswered", PI_SEQUENCE, PI_NOTE,
            "The previous Ping is still unanswered", EXPFILL } },
        { &ei_trade_pong_no_ping, { "trade.pong_no_ping", PI_SEQUENCE, PI_WARN,
            "Pong without a Ping", EXPFILL } },
        { &ei_trade_ping_overdue, { "trade.ping_overdue", PI_SEQUENCE, PI_WARN,
            "Ping overdue", EXPFILL } },
        { &ei_trade_peer_zero_window, { "trade.peer_zero_window", PI_SEQUENCE, PI_WARN,
            "Peer advertised a zero window: the Ping is probably stuck in the sender's TCP buffer", EXPFILL } },
        { &ei_trade_keepalive_timeout, { "trade.keepalive_timeout", PI_SEQUENCE, PI_WARN,
            "Connection closed after the application keepalive timeout", EXPFILL } },
        { &ei_trade_teardown, { "trade.teardown", PI_SEQUENCE, PI_CHAT,
            "Connection closed", EXPFILL } },
        { &ei_trade_rt_no_echo, { "trade.roundtrip_no_echo", PI_SEQUENCE, PI_WARN,
            "No echo seen for this Roundtrip", EXPFILL } },
        { &ei_trade_rtt_reported_high, { "trade.rtt_reported_high", PI_SEQUENCE, PI_NOTE,
            "Reported RTT much higher than the wire RTT", EXPFILL } },
        { &ei_trade_conn_unknown, { "trade.conn_unknown", PI_SEQUENCE, PI_NOTE,
            "Close Connection for a connection id not announced in this capture", EXPFILL } },
    };
    static uat_field_t module_fields[] = {
        UAT_FLD_DEC(trade_modules, id, "Id", "Module id (0-255) as sent in the sender byte"),
        UAT_FLD_CSTRING(trade_modules, name, "Name", "Module name"),
        UAT_END_FIELDS
    };

    proto_trade = proto_register_protocol("Trade multiplexer protocol", "Trade", "trade");
    proto_register_field_array(proto_trade, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *em = expert_register_protocol(proto_trade);
    expert_register_field_array(em, ei, array_length(ei));

    module_t *m = prefs_register_protocol(proto_trade, trade_prefs_apply);
    prefs_register_bool_preference(m, "desegment", "Reassemble PDUs spanning TCP segments",
                                   "Whether the Trade dissector reassembles PDUs spanning several TCP segments "
                                   "(TCP's \"Allow subdissectors to reassemble TCP streams\" must be on too)",
                                   &trade_desegment);
    prefs_register_bool_preference(m, "detect_greeting", "Detect the server greeting",
                                   "Decode the first payload of a direction as the greeting when it has the "
                                   "greeting layout (sender, 1-byte length, NUL-terminated text, 3 bytes)",
                                   &trade_detect_greeting);
    prefs_register_uint_preference(m, "ping_interval", "Expected Ping interval (s)",
                                   "Seconds between keepalive Pings; 0 = learn it per direction as the median "
                                   "of the first intervals. A gap over 1.5 times this is reported",
                                   10, &trade_ping_interval);
    prefs_register_uint_preference(m, "keepalive_timeout", "Application keepalive timeout (s)",
                                   "Seconds without a Pong after which a module gives up the connection "
                                   "(\"No response from multiplexer within 1 minutes 30 seconds\")",
                                   10, &trade_keepalive_timeout);
    uat_t *u = uat_new("Trade modules", sizeof(trade_module_uat_t), "trade_modules", TRUE,
                       &trade_modules_uat, &trade_modules_uat_num, UAT_AFFECTS_DISSECTION, NULL,
                       trade_module_copy_cb, trade_module_update_cb, trade_module_free_cb,
                       trade_module_post_update_cb, trade_module_reset_cb, module_fields);
    prefs_register_uat_preference(m, "modules", "Module names",
                                  "Module ids and names; they override the built-in names "
                                  "(1 Multiplexer, 6 CarpenterUpdate, 7 Tradesite, 37 DocumentSystem, 93 Zep, "
                                  "99 Scripting)", u);

    trade_handle = register_dissector("trade", dissect_trade, proto_trade);
    trade_post_handle = create_dissector_handle(dissect_trade_post, proto_trade);
    register_postdissector(trade_post_handle);
    trade_tap = register_tap("trade");
    trade_wire_rtts = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
    register_init_routine(trade_init);
    ts_stats_register_table(&trade_keepalive_def);
}

void proto_reg_handoff_trade(void)
{
    dissector_add_uint_range_with_preference("tcp.port", TRADE_TCP_PORTS, trade_handle);
    heur_dissector_add("tcp", dissect_trade_heur, "Trade multiplexer over TCP (any port)", "trade_tcp",
                       proto_trade, HEURISTIC_ENABLE);
    trade_prefs_apply();
}
