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
#define TRADE_RESYNC_SCAN_MAX  4096     /* bytes searched for the next PDU boundary after a gap */
#define TRADE_MAX_CALLS        8        /* top-level calls per frame whose framing is remembered */

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
static int hf_trade_unsynced = -1;
static int hf_trade_cut = -1;
static int hf_trade_response_lost = -1;
static int hf_trade_ping_outstanding = -1;

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
static expert_field ei_trade_unsynced = EI_INIT;
static expert_field ei_trade_cut = EI_INIT;
static expert_field ei_trade_response_lost = EI_INIT;
static expert_field ei_trade_pong_outstanding = EI_INIT;
static expert_field ei_trade_pong_ping_lost = EI_INIT;

/* ---- preferences ------------------------------------------------------------------------------ */
static ts_bool trade_desegment = TRUE;
static ts_bool trade_detect_greeting = TRUE;
static guint trade_ping_interval = 0;        /* s; 0 = learn */
static guint trade_keepalive_timeout = 90;   /* s */
static guint trade_ping_interval_min = 1;    /* s; floor of a learned Ping interval */
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
    /* framing (first pass): where the next PDU of this direction starts, as a TCP sequence number */
    gboolean started;           /* payload of this direction seen */
    gboolean seq_known;         /* next_seq is a PDU boundary */
    guint32  next_seq;
    gboolean has_pend;          /* a PDU starting at pend_seq is being reassembled by TCP */
    guint32  pend_seq;
    gboolean has_hole;          /* bytes from hole_seq (a boundary) on were missing: a late */
    guint32  hole_seq;          /* (out-of-order) segment starting there is decoded */
    guint32  missing_frame;     /* last frame where bytes of this direction were missing or cut */
    wmem_list_t *forgotten;     /* unanswered FIFO Pings of this direction given up since the other
                                 * direction's last payload: their Pong may be in a gap there */
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
    ts_trans_table_t *pings;         /* FIFO, space = direction of the Ping (Pings without a clock) */
    ts_trans_table_t *pings_clk;     /* by echoed clock, space = direction of the Ping */
    wmem_map_t *ping_open[2];        /* clock -> open Ping with that clock, per direction */
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
    guint32  ping_lost;              /* Pong without Ping: bytes of the Ping side missing (frame; G_MAXUINT32:
                                      * that side not seen yet) */
} trade_pdu_info_t;

typedef struct {
    const char *module;              /* name of the pinging module */
    trade_zw_t *zw;                  /* the peer's zero window while the Ping was open */
    gboolean    by_clock;            /* matched by its clock (else FIFO) */
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
    proto_item *cut_item;            /* first PDU of the frame cut by the snaplen */
    guint cut_bytes;                 /* Trade bytes of the frame not captured */
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
    st->pings_clk = ts_trans_table_new(proto_trade, TS_TRANS_BY_ID);
    for (int d = 0; d < 2; d++) {
        st->dir[d].forgotten = wmem_list_new(wmem_file_scope());
        st->rt_open[d] = wmem_map_new(wmem_file_scope(), wmem_int64_hash, g_int64_equal);
        st->ping_open[d] = wmem_map_new(wmem_file_scope(), wmem_int64_hash, g_int64_equal);
    }
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
    double median = (n % 2) ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    /* Pings a few ms apart (a burst, a pipelining module) must not make every pause "overdue" */
    return median < (double)trade_ping_interval_min ? (double)trade_ping_interval_min : median;
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
            trade_ping_data_t *opd = op && !op->rsp_frame ? (trade_ping_data_t *)ts_trans_req_data(op) : NULL;
            if (opd && !opd->zw)
                opd->zw = zw;
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
    int          end;            /* end of the captured part of the PDU */
    int          rep_end;        /* end of the PDU on the wire (> end: cut by the snaplen) */
} trade_ctx_t;

/* Bytes of the PDU that the snaplen cut off: shown once per PDU, one expert note per frame. */
static void trade_mark_cut(trade_ctx_t *c)
{
    trade_pkt_t *pk = trade_pkt_get(c->pinfo);
    proto_item *it = proto_tree_add_uint(c->tree, hf_trade_cut, c->tvb, 0, 0, (guint32)(c->rep_end - c->end));
    proto_item_set_generated(it);
    if (!pk->cut_item)
        pk->cut_item = it ? it : c->pdu_item;
    pk->cut_bytes += (guint)(c->rep_end - c->end);
    c->off = c->end;
    c->rep_end = c->end;
}

/* TRUE when n more bytes are inside the PDU; otherwise marks the rest as truncated (or cut by the
 * snaplen when the PDU is longer than what was captured). */
static gboolean trade_need(trade_ctx_t *c, int n)
{
    if (c->off + n <= c->end)
        return TRUE;
    if (c->rep_end > c->end && c->off + n <= c->rep_end) {
        if (c->off < c->end)
            proto_tree_add_item(c->tree, hf_trade_data, c->tvb, c->off, c->end - c->off, ENC_NA);
        trade_mark_cut(c);
        return FALSE;
    }
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
    if (nul < 0 && c->rep_end > c->end) {
        proto_tree_add_item_ret_display_string(c->tree, hf, c->tvb, c->off, c->end - c->off, ENC_ASCII,
                                               c->pinfo->pool, s);
        trade_mark_cut(c);
        return FALSE;
    }
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
/* A Ping whose Pong is hidden by missing bytes, a Pong whose Ping is: no "no Pong" / "no Ping" claims */
static const ts_trans_hf_t trade_ping_hf_lost = {
    &hf_trade_ping_pong_in, &hf_trade_pong_ping_in, &hf_trade_pong_delay, NULL, NULL, NULL
};
static const ts_trans_hf_t trade_rt_hf = {
    &hf_trade_rt_echo_in, &hf_trade_rt_request_in, &hf_trade_rt_wire_rtt, &hf_trade_rt_no_echo,
    &ei_trade_rt_no_echo, NULL
};

/* What the matching needs of a control PDU, read before its tree is built (so the links can be
 * the first items of the PDU's tree). Only the captured part of the PDU is looked at. */
typedef struct {
    int      kw;                     /* TRADE_KW_* */
    gboolean has_clock;
    guint64  clock;
} trade_peek_t;

static void trade_peek_control(tvbuff_t *tvb, int end, trade_peek_t *pk)
{
    char kw[32];
    pk->kw = TRADE_KW_UNKNOWN;
    pk->has_clock = FALSE;
    pk->clock = 0;
    if (end <= TRADE_HDR_LEN)
        return;
    int lim = end - TRADE_HDR_LEN < (int)sizeof kw ? end - TRADE_HDR_LEN : (int)sizeof kw;
    int nul = tvb_find_uint8(tvb, TRADE_HDR_LEN, lim, 0);
    if (nul <= TRADE_HDR_LEN)
        return;
    tvb_memcpy(tvb, kw, TRADE_HDR_LEN, (size_t)(nul - TRADE_HDR_LEN + 1));
    pk->kw = str_to_val(kw, trade_keyword_vals, TRADE_KW_UNKNOWN);
    if (pk->kw != TRADE_KW_PING && pk->kw != TRADE_KW_PONG && pk->kw != TRADE_KW_ROUNDTRIP)
        return;
    int voff = nul + 2;
    if (nul + 1 >= end)
        return;
    guint n = tvb_get_uint8(tvb, nul + 1);
    if (n == 0 || n > TRADE_MAX_VALUE_LEN || voff + (int)n > end)
        return;
    for (guint i = 0; i < n; i++)
        pk->clock |= (guint64)tvb_get_uint8(tvb, voff + (int)i) << (8 * i);
    pk->has_clock = TRUE;
}

/* First pass: bytes of direction d are missing (gap, cut by the snaplen, no PDU boundary known).
 * An open Ping of the other side may have been answered in them: "response not in the capture". */
static void trade_mark_rsp_lost(gpointer key _U_, gpointer value, gpointer user_data _U_)
{
    ((ts_trans_t *)value)->rsp_lost = TRUE;
}

static void trade_bytes_missing(trade_conv_t *st, int d, packet_info *pinfo)
{
    st->dir[d].missing_frame = pinfo->num;
    ts_trans_t *op = st->dir[!d].open_ping;
    if (op && !op->rsp_frame)
        op->rsp_lost = TRUE;
    wmem_map_foreach(st->ping_open[!d], trade_mark_rsp_lost, NULL);
    for (wmem_list_frame_t *f = wmem_list_head(st->dir[!d].forgotten); f; f = wmem_list_frame_next(f))
        ((ts_trans_t *)wmem_list_frame_data(f))->rsp_lost = TRUE;
}

/* First pass: the other direction's payload arrived without a gap: Pings given up before it were
 * not answered in missing bytes. */
static void trade_forgotten_clear(trade_conv_t *st, int d)
{
    wmem_list_t *l = st->dir[!d].forgotten;
    while (wmem_list_head(l))
        wmem_list_remove_frame(l, wmem_list_head(l));
}

/* First pass: a Ping is a request; with a clock it is answered by the Pong echoing that clock,
 * without one by the next Pong (FIFO). Keepalives are not pipelined: a FIFO Ping still open when
 * the next one is sent will not be answered. */
static void trade_match_ping(trade_conv_t *st, packet_info *pinfo, int d, guint idx, guint32 sender,
                             const trade_peek_t *pk)
{
    trade_dir_t *dd = &st->dir[d];
    trade_pdu_info_t *pi = trade_pdu_info(pinfo, idx, TRUE);
    ts_trans_t *prev = dd->open_ping;
    if (prev && !prev->rsp_frame) {
        const trade_ping_data_t *ppd = (const trade_ping_data_t *)ts_trans_req_data(prev);
        if (!ppd || !ppd->by_clock) {   /* FIFO: forget it; by clock: a late Pong still finds it */
            ts_trans_forget(st->pings, prev);
            if (wmem_list_count(dd->forgotten) < 64)
                wmem_list_append(dd->forgotten, prev);
        }
        pi->prev_unanswered = prev->req_frame;
    }
    ts_trans_t *t;
    gboolean by_clock = pk->has_clock && !wmem_map_lookup(st->ping_open[d], &pk->clock);
    if (by_clock) {
        t = ts_trans_request_with_data(pinfo, st->pings_clk, (guint32)d, pk->clock, idx, sizeof(trade_ping_data_t));
        guint64 *key = wmem_new(wmem_file_scope(), guint64);
        *key = pk->clock;
        wmem_map_insert(st->ping_open[d], key, t);
    } else {
        t = ts_trans_request_with_data(pinfo, st->pings, (guint32)d, 0, idx, sizeof(trade_ping_data_t));
    }
    /* kept with the transaction; a connection repeats the same few module names */
    trade_ping_data_t *pd = (trade_ping_data_t *)ts_trans_req_data(t);
    pd->module = ts_intern(trade_module_label(pinfo->pool, sender));
    pd->by_clock = by_clock;
    trade_zw_t *zw = st->dir[!d].zw;
    if (zw && !zw->ended)
        pd->zw = zw;
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

/* First pass: a Pong answers the open Ping of the other side echoing its clock, else the oldest
 * open Ping without a clock. */
static void trade_match_pong(trade_conv_t *st, packet_info *pinfo, int d, guint idx, const trade_peek_t *pk)
{
    ts_trans_t *open = pk->has_clock ? (ts_trans_t *)wmem_map_lookup(st->ping_open[!d], &pk->clock) : NULL;
    if (open) {
        wmem_map_remove(st->ping_open[!d], &pk->clock);
        ts_trans_response(pinfo, st->pings_clk, (guint32)!d, pk->clock, TRUE, idx);
    } else if (ts_trans_fifo_head(st->pings, (guint32)!d) || !pk->has_clock) {
        ts_trans_response(pinfo, st->pings, (guint32)!d, 0, TRUE, idx);
    } else {
        ts_trans_response(pinfo, st->pings_clk, (guint32)!d, pk->clock, TRUE, idx);
    }
    trade_dir_t *pinger = &st->dir[!d];
    pinger->has_pong = TRUE;
    pinger->last_pong_frame = pinfo->num;
    pinger->last_pong_time = pinfo->abs_ts;
    ts_trans_t *t = ts_trans_lookup(pinfo, proto_trade, idx);
    if (t && !t->req_frame && (pinger->missing_frame || !pinger->started)) {
        /* its Ping was probably in bytes the capture does not hold */
        trade_pdu_info_t *pi = trade_pdu_info(pinfo, idx, TRUE);
        pi->ping_lost = pinger->missing_frame ? pinger->missing_frame : G_MAXUINT32;
    }
}

/* First pass: a Roundtrip is a request unless an open Roundtrip of the other direction carries the
 * same clock (then it is the echo). */
static void trade_match_roundtrip(trade_conv_t *st, packet_info *pinfo, int d, guint idx, guint32 sender,
                                  const trade_peek_t *pk)
{
    if (!pk->has_clock)
        return;
    guint64 clock = pk->clock;
    if (wmem_map_lookup(st->rt_open[!d], &clock)) {
        wmem_map_remove(st->rt_open[!d], &clock);
        ts_trans_t *t = ts_trans_response(pinfo, st->roundtrips, (guint32)!d, clock, TRUE, idx);
        if (t->req_frame) {
            nstime_t req = ts_trans_req_time(t);
            double ms = trade_secs_between(&pinfo->abs_ts, &req) * 1000.0;
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

/* The request/response links of a Ping, Pong or Roundtrip: the first items of the PDU's tree
 * (after the summary line). Returns the suffix for the Info column: the response time on a
 * response, " [no response]" on an unanswered request (later passes). *delta: request -> response. */
typedef struct {
    ts_trans_t *t;
    gboolean    is_request;
    gboolean    answered;            /* response with its request */
    nstime_t    delta;
} trade_link_t;

static const char *trade_add_links(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, trade_conv_t *st,
                                   guint idx, const trade_peek_t *pk, trade_link_t *lk)
{
    const char *suffix = "";
    ts_trans_t *t = ts_trans_lookup(pinfo, proto_trade, idx);
    memset(lk, 0, sizeof *lk);
    lk->t = t;
    if (!t)
        return suffix;
    if (pk->kw == TRADE_KW_ROUNDTRIP) {
        lk->is_request = t->req_frame == pinfo->num;
        lk->answered = ts_trans_add_links(tree, tvb, pinfo, t, lk->is_request, &trade_rt_hf, &lk->delta);
        if (lk->answered)
            suffix = wmem_strdup_printf(pinfo->pool, " [%.1f ms]", nstime_to_msec(&lk->delta));
        else if (lk->is_request && !t->rsp_frame && PINFO_FD_VISITED(pinfo))
            suffix = " [no response]";
        return suffix;
    }
    lk->is_request = pk->kw == TRADE_KW_PING;
    proto_item *it;
    if (lk->is_request) {
        gboolean lost = !t->rsp_frame && t->rsp_lost;
        ts_trans_add_links(tree, tvb, pinfo, t, TRUE, lost ? &trade_ping_hf_lost : &trade_ping_hf, NULL);
        if (!t->rsp_frame && PINFO_FD_VISITED(pinfo)) {
            if (lost) {
                it = proto_tree_add_boolean(tree, hf_trade_response_lost, tvb, 0, 0, TRUE);
                proto_item_set_generated(it);
                expert_add_info(pinfo, it, &ei_trade_response_lost);
            } else {
                suffix = " [no response]";
            }
        }
        /* spec 9.2 B: the Pong still outstanding after the application's keepalive timeout */
        nstime_t waited;
        gboolean known = TRUE;
        if (t->rsp_frame) {
            waited = ts_trans_rsp_delta(t);
        } else if (PINFO_FD_VISITED(pinfo) && !t->rsp_lost) {
            nstime_t req = ts_trans_req_time(t);
            nstime_delta(&waited, &st->last_time, &req);
        } else
            known = FALSE;
        if (known && trade_keepalive_timeout && nstime_to_sec(&waited) >= (double)trade_keepalive_timeout) {
            it = proto_tree_add_time(tree, hf_trade_ping_outstanding, tvb, 0, 0, &waited);
            proto_item_set_generated(it);
            expert_add_info_format(pinfo, it, &ei_trade_pong_outstanding,
                                   "Pong still outstanding after %.1f s (keepalive timeout %u s)%s",
                                   (double)trade_keepalive_timeout, trade_keepalive_timeout,
                                   t->rsp_frame ? wmem_strdup_printf(pinfo->pool, ": it came after %.1f s",
                                                                     nstime_to_sec(&waited))
                                                : ": none in the capture");
        }
    } else {
        trade_pdu_info_t *pi = trade_pdu_info(pinfo, idx, FALSE);
        gboolean lost = pi && pi->ping_lost && !t->req_frame;
        lk->answered = ts_trans_add_links(tree, tvb, pinfo, t, FALSE, lost ? &trade_ping_hf_lost : &trade_ping_hf,
                                          &lk->delta);
        if (lost) {
            if (pi->ping_lost == G_MAXUINT32)
                expert_add_info_format(pinfo, proto_tree_get_parent(tree), &ei_trade_pong_ping_lost,
                                       "Pong whose Ping is not in the capture (the capture starts after it)");
            else
                expert_add_info_format(pinfo, proto_tree_get_parent(tree), &ei_trade_pong_ping_lost,
                                       "Pong whose Ping is not in the capture (bytes of the other direction are "
                                       "missing, last in frame %u)", pi->ping_lost);
        }
        if (lk->answered)
            suffix = wmem_strdup_printf(pinfo->pool, " [%.1f ms]", nstime_to_msec(&lk->delta));
    }
    /* the identity of the transaction on both sides (issue: one filter selects Ping and Pong) */
    trade_ping_data_t *pd = t->req_frame ? (trade_ping_data_t *)ts_trans_req_data(t) : NULL;
    if (pd && pd->module) {
        it = proto_tree_add_string(tree, hf_trade_module, tvb, 0, 0, pd->module);
        proto_item_set_generated(it);
    }
    return suffix;
}

static void trade_analyse_ping(trade_ctx_t *c, trade_conv_t *st, int d, guint idx, guint32 sender,
                               const trade_link_t *lk)
{
    packet_info *pinfo = c->pinfo;
    ts_trans_t *t = lk->t;
    trade_pdu_info_t *pi = trade_pdu_info(pinfo, idx, FALSE);
    trade_ping_data_t *pd = t ? (trade_ping_data_t *)ts_trans_req_data(t) : NULL;
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
    r->base.trans = t;          /* answered / lost in a gap: known at draw time (include/stats.h) */
    r->base.bytes = (guint32)c->rep_end;
    if (pi && pi->has_interval)
        r->gap_s = nstime_to_sec(&pi->interval);
    tap_queue_packet(trade_tap, pinfo, r);
}

static void trade_analyse_pong(trade_ctx_t *c, trade_conv_t *st, int d, const trade_link_t *lk)
{
    packet_info *pinfo = c->pinfo;
    ts_trans_t *t = lk->t;
    trade_ping_data_t *pd = (t && t->req_frame) ? (trade_ping_data_t *)ts_trans_req_data(t) : NULL;
    trade_tap_rec_t *r = trade_tap_rec(pinfo, TRADE_EV_PONG, st->label,
                                       pd ? pd->module : trade_dir_module(st, !d));
    trade_tap_answer(r, lk->answered, &lk->delta, (guint32)c->rep_end);
    tap_queue_packet(trade_tap, pinfo, r);
}

static void trade_analyse_roundtrip(trade_ctx_t *c, guint32 sender, const trade_link_t *lk)
{
    packet_info *pinfo = c->pinfo;
    if (!lk->t)
        return;
    trade_tap_rec_t *r = trade_tap_rec(pinfo, lk->is_request ? TRADE_EV_ROUNDTRIP : TRADE_EV_ECHO, NULL,
                                       trade_module_label(pinfo->pool, sender));
    r->base.is_request = lk->is_request;
    if (lk->is_request)
        r->base.trans = lk->t;
    trade_tap_answer(r, lk->answered, &lk->delta, (guint32)c->rep_end);
    tap_queue_packet(trade_tap, pinfo, r);
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
static const char *trade_dissect_control(trade_ctx_t *c, trade_conv_t *st, int d, guint idx, guint32 sender,
                                         const trade_link_t *lk)
{
    packet_info *pinfo = c->pinfo;
    wmem_allocator_t *pool = pinfo->pool;
    const char *summary;
    char *kw;

    if (c->off >= c->end && c->rep_end > c->end) {
        trade_mark_cut(c);
        return "(cut by the snaplen)";
    }
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
            trade_analyse_ping(c, st, d, idx, sender, lk);
        else
            trade_analyse_pong(c, st, d, lk);
        summary = kw;
    } else if (k == TRADE_KW_ROUNDTRIP) {
        gboolean has = FALSE;
        guint64 clock = 0;
        trade_clock(c, FALSE, &has, &clock);
        trade_analyse_roundtrip(c, sender, lk);
        summary = (lk->t && !lk->is_request) ? "Roundtrip (echo)" : "Roundtrip";
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
    int cap = (int)tvb_captured_length(tvb);    /* < len: cut by the snaplen */
    ts_service_pdu(pinfo, proto_trade, d == TRADE_C2S, (guint32)len);
    wmem_allocator_t *pool = pinfo->pool;
    const char *summary;

    proto_item *ti = proto_tree_add_item(tree, proto_trade, tvb, 0, -1, ENC_NA);
    proto_tree *pt = proto_item_add_subtree(ti, ett_trade);

    guint32 sender = tvb_get_uint8(tvb, 0);
    const char *sname = trade_module_label(pool, sender);
    guint32 size = tvb_get_uint16(tvb, 1, ENC_BIG_ENDIAN);
    guint32 receiver = cap >= TRADE_HDR_LEN ? tvb_get_uint16(tvb, 3, ENC_BIG_ENDIAN) : 0;

    /* match first, so the links are the first items of the tree */
    trade_peek_t pk = { TRADE_KW_UNKNOWN, FALSE, 0 };
    trade_link_t lk = { NULL, FALSE, FALSE, NSTIME_INIT_ZERO };
    const char *link_info = "";
    if (size >= TRADE_HDR_LEN && cap >= TRADE_HDR_LEN && receiver == TRADE_CONTROL) {
        trade_peek_control(tvb, cap < len ? cap : len, &pk);
        if (!PINFO_FD_VISITED(pinfo)) {
            if (pk.kw == TRADE_KW_PING)
                trade_match_ping(st, pinfo, d, idx, sender, &pk);
            else if (pk.kw == TRADE_KW_PONG)
                trade_match_pong(st, pinfo, d, idx, &pk);
            else if (pk.kw == TRADE_KW_ROUNDTRIP)
                trade_match_roundtrip(st, pinfo, d, idx, sender, &pk);
        }
        if (pk.kw == TRADE_KW_PING || pk.kw == TRADE_KW_PONG || pk.kw == TRADE_KW_ROUNDTRIP)
            link_info = trade_add_links(pt, tvb, pinfo, st, idx, &pk, &lk);
    }

    trade_add_sender(pt, tvb, sender, sname);
    proto_item *it = proto_tree_add_string(pt, hf_trade_sender_name, tvb, 0, 1, sname);
    proto_item_set_generated(it);
    proto_item *len_item = proto_tree_add_item(pt, hf_trade_length, tvb, 1, 2, ENC_BIG_ENDIAN);

    trade_ctx_t c = { tvb, pinfo, pt, ti, TRADE_HDR_LEN, cap < len ? cap : len, len };
    if (size < TRADE_HDR_LEN) {
        expert_add_info_format(pinfo, len_item, &ei_trade_size_too_small,
                               "PDU size %u is below the %d-byte header: the rest of this segment is not "
                               "dissected", size, TRADE_HDR_LEN);
        if (c.end > 3)
            proto_tree_add_item(pt, hf_trade_data, tvb, 3, c.end - 3, ENC_NA);
        if (len > c.end) {
            c.off = c.end;
            trade_mark_cut(&c);
        }
        summary = wmem_strdup_printf(pool, "%s: invalid size %u", sname, size);
        proto_item_append_text(ti, ", %s", summary);
        trade_pkt_add_summary(pinfo, summary);
        return len;
    }
    if (cap < TRADE_HDR_LEN) {
        c.off = c.end = cap;
        trade_mark_cut(&c);
        summary = wmem_strdup_printf(pool, "%s: PDU of %u bytes (cut by the snaplen)", sname, size);
        proto_item_append_text(ti, ", %s", summary);
        trade_pkt_add_summary(pinfo, summary);
        return len;
    }

    const char *rname = trade_receiver_label(pool, receiver);
    if (receiver == TRADE_CONTROL)
        proto_tree_add_uint_format_value(pt, hf_trade_receiver, tvb, 3, 2, receiver, "Control (0x%04x)", receiver);
    else
        proto_tree_add_uint(pt, hf_trade_receiver, tvb, 3, 2, receiver);

    if (!PINFO_FD_VISITED(pinfo)) {
        st->dir[d].sender = sender;
        st->dir[d].has_sender = TRUE;
    }

    const char *what;
    if (receiver == TRADE_CONTROL) {
        what = trade_dissect_control(&c, st, d, idx, sender, &lk);
    } else {
        if (c.off < c.end)
            proto_tree_add_item(pt, hf_trade_data, tvb, c.off, c.end - c.off, ENC_NA);
        what = wmem_strdup_printf(pool, "Data (%d bytes)", len - TRADE_HDR_LEN);
        c.off = c.end;
    }
    if (c.rep_end > c.end)
        trade_mark_cut(&c);
    if (c.off < c.end) {
        proto_item *tr = proto_tree_add_item(pt, hf_trade_trailing, tvb, c.off, c.end - c.off, ENC_NA);
        expert_add_info_format(pinfo, tr, &ei_trade_trailing_data, "%d byte(s) of trailing data", c.end - c.off);
    }
    summary = wmem_strdup_printf(pool, "%s " UTF8_RIGHTWARDS_ARROW " %s: %s%s", sname, rname, what, link_info);
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

/* ---- framing: PDU boundaries across gaps, mid-stream starts and cut frames ----------------------
 * TCP hands the dissector segments (or reassembled PDUs). Normally each starts at a PDU boundary;
 * it does not when a segment is lost or out of order, when the capture starts inside a PDU, or
 * when the snaplen cut a frame (no reassembly then). On the first pass each direction remembers,
 * as a TCP sequence number, where its next PDU starts; a call that does not start there skips to
 * that boundary, or - when bytes before it are missing - searches the next PDU boundary with the
 * heuristic's check (a whole control PDU with a known keyword whose data fills it exactly). Data
 * PDUs have no recognisable shape: the dissector resynchronises on the next control PDU. */

static gboolean trade_heur_control(tvbuff_t *tvb, guint sender, guint off, guint end);

enum { TRADE_SYNC_OK = 0, TRADE_SYNC_START, TRADE_SYNC_GAP, TRADE_SYNC_CONT, TRADE_SYNC_OLD };

/* Per top-level call of a frame (first pass result): bytes skipped before the first PDU. */
typedef struct {
    gint32 skip;                     /* -1: no PDU boundary in this call's data */
    guint8 how;                      /* TRADE_SYNC_* */
} trade_sync_t;

/* A whole control PDU with a known keyword whose data fills it exactly starts at off. */
static gboolean trade_control_at(tvbuff_t *tvb, guint off, guint cap)
{
    if (off + TRADE_HDR_LEN + 5 > cap || tvb_get_ntohs(tvb, off + 3) != TRADE_CONTROL)
        return FALSE;
    guint size = tvb_get_ntohs(tvb, off + 1);
    if (size < TRADE_HDR_LEN + 5 || off + size > cap)
        return FALSE;
    return trade_heur_control(tvb, tvb_get_uint8(tvb, off), off + TRADE_HDR_LEN, off + size);
}

/* The captured bytes [off, cap) are a known keyword with its NUL, or the start of one. */
static gboolean trade_keyword_prefix(tvbuff_t *tvb, guint off, guint cap)
{
    char kw[32];
    guint n = cap - off < sizeof kw - 1 ? cap - off : (guint)sizeof kw - 1;
    if (off >= cap || n == 0)
        return FALSE;
    tvb_memcpy(tvb, kw, (gint)off, n);
    kw[n] = '\0';
    guint klen = (guint)strlen(kw);
    if (klen == 0)
        return FALSE;
    for (const value_string *v = trade_keyword_vals; v->strptr; v++) {
        if (klen < n ? strcmp(kw, v->strptr) == 0 : strncmp(kw, v->strptr, klen) == 0)
            return TRUE;
    }
    return FALSE;
}

/* The first payload of a direction: does it start at a PDU boundary? (The capture may have
 * started inside a PDU.) Yes when it starts with a control PDU as the heuristic wants it, with
 * PDUs that fill it exactly or lead to such a control PDU, or with the start of a control PDU
 * with a known keyword that continues beyond the captured bytes. */
static gboolean trade_start_plausible(tvbuff_t *tvb, guint off)
{
    guint cap = tvb_captured_length(tvb), rep = tvb_reported_length(tvb);
    for (guint i = 0; i < 64; i++) {
        if (i > 0 && off == rep)
            return TRUE;
        if (trade_control_at(tvb, off, cap))
            return TRUE;
        if (off + TRADE_HDR_LEN > cap)
            return FALSE;
        guint size = tvb_get_ntohs(tvb, off + 1);
        if (size < TRADE_HDR_LEN)
            return FALSE;
        if (off + size > cap)
            return tvb_get_ntohs(tvb, off + 3) == TRADE_CONTROL &&
                   trade_keyword_prefix(tvb, off + TRADE_HDR_LEN, cap);
        off += size;
    }
    return FALSE;
}

/* The next PDU boundary at or after `from` (bounded scan), or -1. */
static int trade_resync(tvbuff_t *tvb, guint from)
{
    guint cap = tvb_captured_length(tvb);
    if (from >= cap)
        return -1;
    guint lim = cap - from > TRADE_RESYNC_SCAN_MAX ? from + TRADE_RESYNC_SCAN_MAX : cap;
    for (guint o = from; o + TRADE_HDR_LEN + 5 <= lim; o++) {
        if (trade_control_at(tvb, o, cap))
            return (int)o;
    }
    return -1;
}

/* First pass: after the PDUs of this call from `start`, where does the next one begin? */
static void trade_walk(trade_dir_t *dd, tvbuff_t *tvb, guint start, guint32 seq, gboolean reasm)
{
    guint rep = tvb_reported_length(tvb), cap = tvb_captured_length(tvb), o = start;
    dd->has_pend = FALSE;
    while (o < rep) {                                /* every step advances >= 5 bytes */
        if (o + 3 > cap) {
            if (reasm && cap == rep) {               /* TCP brings the rest of the header */
                dd->seq_known = dd->has_pend = TRUE;
                dd->pend_seq = dd->next_seq = seq + o;
            } else {                                 /* size cut by the snaplen: boundary lost */
                dd->seq_known = FALSE;
            }
            return;
        }
        guint size = tvb_get_ntohs(tvb, o + 1);
        if (size < TRADE_HDR_LEN) {                  /* malformed: no boundary after it */
            dd->seq_known = FALSE;
            return;
        }
        if (o + size > rep && reasm && cap == rep) {
            dd->has_pend = TRUE;
            dd->pend_seq = seq + o;
        }
        o += size;
    }
    dd->seq_known = TRUE;
    dd->next_seq = seq + o;
}

static trade_sync_t *trade_sync(trade_conv_t *st, int d, tvbuff_t *tvb, packet_info *pinfo,
                                const struct tcpinfo *tcpi, guint base, guint call)
{
    trade_sync_t *sy = (trade_sync_t *)ts_pdu_data_get(pinfo, proto_trade, TS_PDU_SLOT_1, call);
    if (sy || PINFO_FD_VISITED(pinfo) || !tcpi || call >= TRADE_MAX_CALLS)
        return sy;
    /* Only calls that are not at a PDU boundary keep a record for later passes (no record there
     * means "in sync"): one per frame would cost ~40 bytes of file memory per frame (issue 18). */
    sy = wmem_new0(pinfo->pool, trade_sync_t);
    trade_dir_t *dd = &st->dir[d];
    guint rep = tvb_reported_length(tvb);
    guint32 s0 = tcpi->seq + base;
    gboolean update = TRUE;
    if (!dd->started) {
        dd->started = TRUE;
        if (base == 0 && !trade_start_plausible(tvb, 0)) {
            int b = trade_resync(tvb, 0);
            sy->how = TRADE_SYNC_START;
            sy->skip = b;
            trade_bytes_missing(st, d, pinfo);
        }
    } else if (dd->seq_known && (s0 == dd->next_seq || (dd->has_pend && s0 == dd->pend_seq))) {
        /* at the boundary */
    } else if (dd->has_hole && s0 == dd->hole_seq) {
        /* the late (out-of-order) segment that fills a hole: decoded, the framing stays ahead */
        dd->has_hole = FALSE;
        update = FALSE;
    } else if (dd->seq_known && (gint32)(s0 - dd->next_seq) < 0) {
        guint32 ahead = dd->next_seq - s0;
        if (ahead < rep - base) {                    /* the rest of a PDU (not reassembled), then one */
            sy->how = TRADE_SYNC_CONT;
            sy->skip = (gint32)ahead;
        } else {                                     /* all before the boundary: seen already */
            sy->how = (trade_desegment && pinfo->can_desegment > 0) ? TRADE_SYNC_OLD : TRADE_SYNC_CONT;
            sy->skip = -1;
            update = FALSE;
        }
    } else {
        /* bytes before this one are missing (lost or out of order), or no boundary is known */
        if (dd->seq_known && !dd->has_hole) {
            dd->has_hole = TRUE;
            dd->hole_seq = dd->next_seq;
        }
        trade_bytes_missing(st, d, pinfo);
        int b = trade_resync(tvb, base);
        sy->how = TRADE_SYNC_GAP;
        sy->skip = b < 0 ? -1 : b - (int)base;
    }
    if (sy->how != TRADE_SYNC_OK || sy->skip != 0)
        ts_pdu_data_set(pinfo, proto_trade, TS_PDU_SLOT_1, call,
                        wmem_memdup(wmem_file_scope(), sy, sizeof *sy));
    if (sy->skip < 0) {
        if (update)
            dd->seq_known = dd->has_pend = FALSE;
        return sy;
    }
    if (update)
        trade_walk(dd, tvb, base + (guint)sy->skip, tcpi->seq, trade_desegment && pinfo->can_desegment > 0);
    return sy;
}

/* PDUs of a frame the snaplen cut (TCP does not reassemble those): walked here, because
 * tcp_dissect_pdus() reads every header it reaches. A PDU's uncaptured part is marked cut. */
static void trade_cut_pdus(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, guint off)
{
    guint rep = tvb_reported_length(tvb), cap = tvb_captured_length(tvb);
    while (off < rep) {                              /* every step advances >= 5 bytes or stops */
        if (off + 3 > cap) {
            trade_pkt_t *pk = trade_pkt_get(pinfo);
            pk->cut_bytes += rep - off;
            if (!pk->cut_item && off < cap)
                pk->cut_item = proto_tree_add_item(tree, proto_trade, tvb, off, cap - off, ENC_NA);
            return;
        }
        guint size = tvb_get_ntohs(tvb, off + 1);
        guint plen = (size < TRADE_HDR_LEN || size > rep - off) ? rep - off : size;
        guint clen = cap - off < plen ? cap - off : plen;
        dissect_trade_pdu(tvb_new_subset_length_caplen(tvb, (gint)off, (gint)clen, (gint)plen), pinfo, tree, NULL);
        if (size < TRADE_HDR_LEN)
            return;
        off += plen;
    }
}

static const char *trade_sync_text(const trade_sync_t *sy)
{
    switch (sy->how) {
    case TRADE_SYNC_START:
        return "The capture starts inside a PDU";
    case TRADE_SYNC_GAP:
        return "Bytes before this segment are missing (lost or out of order)";
    case TRADE_SYNC_OLD:
        return "Data before the current PDU boundary (retransmitted or out of order): not decoded again";
    default:
        return "Rest of a PDU that started in an earlier frame (not reassembled)";
    }
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
    int rep = (int)tvb_reported_length(tvb);
    const trade_sync_t *sy = off < rep ? trade_sync(st, d, tvb, pinfo, ts_tcpinfo(pinfo, data), (guint)off,
                                                    pk->calls - 1) : NULL;
    if (sy && sy->skip != 0) {
        int end = sy->skip < 0 ? rep : off + sy->skip;
        int cap = (int)tvb_captured_length(tvb);
        int shown = (end < cap ? end : cap) - off;       /* the captured part of the skipped bytes */
        if (shown < 0)
            shown = 0;
        proto_item *ti = proto_tree_add_item(tree, proto_trade, tvb, off, shown, ENC_NA);
        proto_tree *pt = proto_item_add_subtree(ti, ett_trade);
        proto_item *it = proto_tree_add_uint(pt, hf_trade_unsynced, tvb, off, shown, (guint32)(end - off));
        const char *what = trade_sync_text(sy);
        proto_item_append_text(ti, ", %s: %d bytes %s", what, end - off,
                               sy->skip < 0 ? "without a PDU boundary" : "before the next PDU");
        if (sy->how != TRADE_SYNC_CONT)
            expert_add_info_format(pinfo, it, &ei_trade_unsynced, "%s: %d bytes %s", what, end - off,
                                   sy->skip < 0 ? "not decoded (no PDU boundary found)"
                                                : "skipped to the next PDU boundary");
        if (sy->skip < 0) {
            if (!pk->n)
                col_add_fstr(pinfo->cinfo, COL_INFO, "[%s]", what);
            trade_pkt_set_info(pinfo);
            return (int)tvb_captured_length(tvb);
        }
        off = end;
    }
    if (off < rep) {
        tvbuff_t *rest = off ? tvb_new_subset_remaining(tvb, off) : tvb;
        if (tvb_captured_length(rest) < tvb_reported_length(rest)) {
            trade_cut_pdus(rest, pinfo, tree, 0);
        } else {
            tcp_dissect_pdus(rest, pinfo, tree, trade_desegment, 3, get_trade_pdu_len, dissect_trade_pdu, data);
            if (pinfo->desegment_len)
                pinfo->desegment_offset += off;
        }
    }
    if (!PINFO_FD_VISITED(pinfo) && sy && sy->how == TRADE_SYNC_OK && !pk->cut_bytes)
        trade_forgotten_clear(st, d);
    if (pk->cut_item && pk->cut_bytes) {
        if (tvb_captured_length(tvb) < tvb_reported_length(tvb))
            expert_add_info_format(pinfo, pk->cut_item, &ei_trade_cut,
                                   "Frame cut by the snaplen: %u bytes of Trade data not captured", pk->cut_bytes);
        else
            expert_add_info_format(pinfo, pk->cut_item, &ei_trade_cut,
                                   "%u bytes of Trade data not in this frame (PDU not reassembled)", pk->cut_bytes);
        if (!PINFO_FD_VISITED(pinfo))
            trade_bytes_missing(st, d, pinfo);
        pk->cut_bytes = 0;
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
    TK_COL_PINGS, TK_COL_PONGS, TK_COL_UNANSWERED, TK_COL_LOST, TK_COL_MIN, TK_COL_AVG, TK_COL_MAX, TK_COL_GAP,
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
        /* the Pong was in bytes a capture gap hid: not "unanswered" (known once the file is read:
         * the GUI's retap, tshark -2) */
        if (r->base.trans && !r->base.trans->rsp_frame && r->base.trans->rsp_lost)
            ts_row_add_uint(row, TK_COL_LOST, 1);
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
    guint64 pings = ts_row_get_uint(row, TK_COL_PINGS);
    guint64 done = ts_row_get_uint(row, TK_COL_PONGS) + ts_row_get_uint(row, TK_COL_LOST);
    ts_row_set_uint(row, TK_COL_UNANSWERED, pings > done ? pings - done : 0);
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
        { "Lost", TS_CELL_UINT },                   /* Pong not in the capture (capture gap) */
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
        { &hf_trade_unsynced, { "Bytes without a known PDU boundary", "trade.unsynced", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Bytes skipped up to the next PDU boundary: the capture starts inside a PDU, bytes before them are "
            "missing, or they are the rest of a PDU not reassembled", HFILL } },
        { &hf_trade_cut, { "Bytes not captured", "trade.cut", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Bytes of this PDU not in the frame: cut by the snaplen (or the PDU continues in a segment that "
            "was not reassembled)", HFILL } },
        { &hf_trade_response_lost, { "Response lost", "trade.response_lost", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "No Pong in the capture, but bytes of the Pong's direction are missing after this Ping (lost "
            "segment, snaplen): the Pong may be among them", HFILL } },
        { &hf_trade_ping_outstanding, { "Pong outstanding for", "trade.ping.outstanding", FT_RELATIVE_TIME,
            BASE_NONE, NULL, 0x0, "Time from this Ping to its Pong (or to the end of the capture without one), "
            "shown when it reaches the keepalive timeout", HFILL } },
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
        { &ei_trade_unsynced, { "trade.unsynced", PI_SEQUENCE, PI_NOTE,
            "Not at a PDU boundary: bytes skipped to the next PDU", EXPFILL } },
        { &ei_trade_cut, { "trade.cut", PI_UNDECODED, PI_NOTE,
            "Frame cut by the snaplen", EXPFILL } },
        { &ei_trade_response_lost, { "trade.response_lost.expert", PI_SEQUENCE, PI_NOTE,
            "Response not in the capture (lost segment)", EXPFILL } },
        { &ei_trade_pong_outstanding, { "trade.pong_outstanding", PI_SEQUENCE, PI_ERROR,
            "Pong still outstanding after the keepalive timeout", EXPFILL } },
        { &ei_trade_pong_ping_lost, { "trade.pong_ping_lost", PI_SEQUENCE, PI_NOTE,
            "Pong whose Ping is not in the capture", EXPFILL } },
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
    prefs_register_uint_preference(m, "ping_interval_min", "Minimum learned Ping interval (s)",
                                   "A Ping interval learned from the traffic is at least this many seconds, so "
                                   "Pings sent in a burst (milliseconds apart) do not make every pause overdue",
                                   10, &trade_ping_interval_min);
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
