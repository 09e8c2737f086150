/* packet-hsf2.c — Taobao/Alibaba HSF2 RPC (TCP 12200): heartbeat (0x0C), HSF remoting (0x0E),
 * TB Remoting (0x0D, the HSF1 transport) and Dubbo frames (0xDABB) on the same port.
 *
 * Arguments, results and request properties are rendered by the bounded Hessian decoder
 * (hessian2.c). Requests and responses are matched by (connection, request id) through the shared
 * transaction tracking; every request/response PDU queues a ts_tap_rec_t for the statistics
 * ("HSF2 Hot Services" table and the HSF2 service response time).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ts-compat.h"
#include "troubleshark.h"
#include "services.h"
#include "ts-bytes.h"
#include "transactions.h"
#include "stats.h"
#include "hessian2.h"

#include <epan/conversation.h>
#include <epan/exceptions.h>
#include <epan/tap.h>
#include <epan/dissectors/packet-tcp.h>
#include <wsutil/str_util.h>
#include <epan/strutil.h>

#define HSF2_TCP_PORTS "12200"

#define HSF2_TYPE_HEARTBEAT 0x0C
#define HSF2_TYPE_TB        0x0D
#define HSF2_TYPE_HSF       0x0E
#define HSF2_TYPE_HANDSHAKE 0x0F
#define HSF2_DUBBO_MAGIC    0xDABB

#define HSF2_HB_LEN         18
#define HSF2_REQ_FIXED      35    /* + 8 * argument count */
#define HSF2_RSP_HDR        20
#define HSF2_TB_HDR         14
#define HSF2_DUBBO_HDR      16

#define HSF2_MAX_ARGS       255                  /* the JVM's parameter limit */
#define HSF2_MAX_FIELD      (16u * 1024 * 1024)  /* any single length field */
#define HSF2_MAX_PDU        (64u * 1024 * 1024)

#define HSF2_STATUS_OK             20
#define HSF2_STATUS_SERVER_CLOSING 88

/* SRT rows: 0 heartbeats, 1..HSF2_SRT_METHODS methods in order of first appearance in the
 * capture, then one row for every further method. */
#define HSF2_SRT_METHODS    62
#define HSF2_SRT_HEARTBEAT  0
#define HSF2_SRT_OTHER      (HSF2_SRT_METHODS + 1)

enum { HSF2_KIND_RPC, HSF2_KIND_HEARTBEAT, HSF2_KIND_TB, HSF2_KIND_DUBBO };

static int proto_hsf2 = -1;
static int hsf2_tap = -1;
static dissector_handle_t hsf2_handle;
static dissector_handle_t json_handle;
static ts_bool hsf2_desegment = TRUE;

static int hf_hsf2_type = -1;
static int hf_hsf2_version = -1;
static int hf_hsf2_op = -1;
static int hf_hsf2_codec = -1;
static int hf_hsf2_reserved = -1;
static int hf_hsf2_req_id = -1;
static int hf_hsf2_timeout = -1;
static int hf_hsf2_hb_pad = -1;
static int hf_hsf2_service_len = -1;
static int hf_hsf2_method_len = -1;
static int hf_hsf2_arg_count = -1;
static int hf_hsf2_arg_type_len = -1;
static int hf_hsf2_arg_obj_len = -1;
static int hf_hsf2_props_len = -1;
static int hf_hsf2_service = -1;
static int hf_hsf2_method = -1;
static int hf_hsf2_arg = -1;
static int hf_hsf2_arg_type = -1;
static int hf_hsf2_arg_obj = -1;
static int hf_hsf2_arg_value = -1;
static int hf_hsf2_generic_method = -1;
static int hf_hsf2_props = -1;
static int hf_hsf2_status = -1;
static int hf_hsf2_body_len = -1;
static int hf_hsf2_body = -1;
static int hf_hsf2_result = -1;
static int hf_hsf2_exception = -1;
static int hf_hsf2_exception_msg = -1;
static int hf_hsf2_error_msg = -1;
static int hf_hsf2_response_in = -1;
static int hf_hsf2_response_to = -1;
static int hf_hsf2_time = -1;
static int hf_hsf2_no_response = -1;
static int hf_hsf2_over_timeout = -1;
static int hf_hsf2_response_lost = -1;
static int hf_hsf2_srt_index = -1;
static int hf_hsf2_cut = -1;
static int hf_hsf2_continuation = -1;
static int hf_hsf2_tr_request_flag = -1;
static int hf_hsf2_tr_direction = -1;
static int hf_hsf2_tr_conn_len = -1;
static int hf_hsf2_tr_class_len = -1;
static int hf_hsf2_tr_app_len = -1;
static int hf_hsf2_tr_conn = -1;
static int hf_hsf2_tr_app_class = -1;
static int hf_hsf2_tr_app = -1;
static int hf_hsf2_tr_result = -1;
static int hf_hsf2_tr_heartbeat = -1;
static int hf_hsf2_dubbo_magic = -1;
static int hf_hsf2_dubbo_flags = -1;
static int hf_hsf2_dubbo_request = -1;
static int hf_hsf2_dubbo_two_way = -1;
static int hf_hsf2_dubbo_event = -1;
static int hf_hsf2_dubbo_serialization = -1;
static int hf_hsf2_dubbo_status = -1;
static int hf_hsf2_dubbo_version = -1;
static int hf_hsf2_dubbo_param_types = -1;
static int hf_hsf2_dubbo_result_flag = -1;
static int hf_hsf2_dubbo_attachments = -1;

static gint ett_hsf2 = -1;
static gint ett_hsf2_lengths = -1;
static gint ett_hsf2_arg = -1;
static gint ett_hsf2_obj = -1;
static gint ett_hsf2_flags = -1;

static expert_field ei_hsf2_status = EI_INIT;
static expert_field ei_hsf2_late = EI_INIT;
static expert_field ei_hsf2_no_response = EI_INIT;
static expert_field ei_hsf2_no_request = EI_INIT;
static expert_field ei_hsf2_closing = EI_INIT;
static expert_field ei_hsf2_bad_frame = EI_INIT;
static expert_field ei_hsf2_bad_length = EI_INIT;
static expert_field ei_hsf2_exception = EI_INIT;
static expert_field ei_hsf2_trailing = EI_INIT;
static expert_field ei_hsf2_empty_name = EI_INIT;
static expert_field ei_hsf2_response_lost = EI_INIT;
static expert_field ei_hsf2_cut = EI_INIT;

static const value_string hsf2_type_vals[] = {
    { HSF2_TYPE_HEARTBEAT, "Heartbeat" },
    { HSF2_TYPE_TB,        "TB Remoting (HSF1)" },
    { HSF2_TYPE_HSF,       "HSF Remoting" },
    { HSF2_TYPE_HANDSHAKE, "Handshake" },
    { 0xDA,                "Dubbo" },
    { 0, NULL }
};

static const value_string hsf2_op_vals[] = {
    { 0, "Request" },
    { 1, "Response" },
    { 0, NULL }
};

static const value_string hsf2_version_vals[] = {
    { 1, "HSF2" },
    { 0, NULL }
};

static const value_string hsf2_codec_vals[] = {
    { 1, "HESSIAN (Hessian 1)" },
    { 2, "JAVA" },
    { 3, "TOP" },
    { 4, "HESSIAN2" },
    { 5, "KRYO" },
    { 6, "JSON" },
    { 7, "CUSTOMIZED" },
    { 0, NULL }
};

static const value_string hsf2_status_vals[] = {
    { 10, "SERVER_GET_CODER" },
    { 20, "OK" },
    { 30, "CLIENT_TIMEOUT" },
    { 31, "SERVER_TIMEOUT" },
    { 40, "BAD_REQUEST" },
    { 50, "BAD_RESPONSE" },
    { 60, "SERVICE_NOT_FOUND" },
    { 70, "SERVICE_ERROR" },
    { 80, "SERVER_ERROR" },
    { 81, "THREAD_POOL_BUSY" },
    { 82, "COMM_ERROR" },
    { 83, "UNKNOWN_CODE" },
    { 88, "SERVER_CLOSING" },
    { 90, "CLIENT_ERROR" },
    { 91, "UNKNOWN_ERROR" },
    { 0, NULL }
};

static const value_string hsf2_status_text[] = {
    { 10, "server send coders" },
    { 20, "OK" },
    { 30, "client timeout" },
    { 31, "server timeout" },
    { 40, "bad request" },
    { 50, "bad response" },
    { 60, "service not found" },
    { 70, "service error" },
    { 80, "server error" },
    { 81, "thread pool is busy" },
    { 82, "communication error" },
    { 83, "unknown code" },
    { 88, "server will close soon" },
    { 90, "client error" },
    { 91, "unknown error" },
    { 0, NULL }
};

static const value_string hsf2_tr_direction_vals[] = {
    { 0, "None (response)" },
    { 1, "One-way" },
    { 2, "Two-way" },
    { 0, NULL }
};

static const value_string hsf2_dubbo_serialization_vals[] = {
    { 2, "hessian2" }, { 3, "java" }, { 4, "compactedjava" }, { 6, "fastjson" },
    { 7, "nativejava" }, { 8, "kryo" }, { 9, "fst" }, { 10, "native-hessian" }, { 11, "avro" },
    { 12, "protostuff" }, { 16, "gson" }, { 18, "jackson" }, { 21, "protobuf-json" },
    { 22, "protobuf" }, { 23, "fastjson2" }, { 25, "kryo2" }, { 27, "msgpack" }, { 28, "fury" },
    { 31, "custom-msgpack" },
    { 0, NULL }
};

static const value_string hsf2_dubbo_status_vals[] = {
    { 20, "OK" },
    { 30, "CLIENT_TIMEOUT" },
    { 31, "SERVER_TIMEOUT" },
    { 40, "BAD_REQUEST" },
    { 50, "BAD_RESPONSE" },
    { 60, "SERVICE_NOT_FOUND" },
    { 70, "SERVICE_ERROR" },
    { 80, "SERVER_ERROR" },
    { 90, "CLIENT_ERROR" },
    { 100, "SERVER_THREADPOOL_EXHAUSTED_ERROR" },
    { 0, NULL }
};

static const value_string hsf2_dubbo_result_vals[] = {
    { 0, "Exception" },
    { 1, "Value" },
    { 2, "Null value" },
    { 3, "Exception with attachments" },
    { 4, "Value with attachments" },
    { 5, "Null value with attachments" },
    { 0, NULL }
};

/* SRT row names (placeholders; each record also carries the method's real name in kind_name) */
static value_string hsf2_srt_vals[HSF2_SRT_OTHER + 2];

static ts_hot_table_def_t hsf2_hot_table = {
    .title = "HSF2 Hot Services",
    .cli = "hsf2,hotservices",
    .tap = "hsf2",
    .filter_prefix = "hsf2.",
    .only_table = NULL,
    .n_key_cols = 2,
    .key_titles = { "Service", "Method" },
    .metrics = TS_COL_REQUESTS | TS_COL_RESPONSES | TS_COL_UNANSWERED | TS_COL_LOST | TS_COL_ERRORS |
               TS_COL_TIMEOUTS | TS_COL_AVG_MS | TS_COL_MAX_MS,
    .counter_titles = { NULL, NULL },
    .group_title = NULL,
    .n_group_cols = 0,
    /* the row's filter: responses carry the same fields (generated) */
    .key_filters = { { "hsf2.service", TS_FILTER_STRING, NULL }, { "hsf2.method", TS_FILTER_STRING, NULL } },
};

/* ---- conversation state ------------------------------------------------------------------ */

/* Where one direction of the connection is, for captures that miss bytes (first pass). */
typedef struct {
    gboolean started;      /* a segment of this direction was seen */
    guint32  next_seq;     /* TCP sequence number after the last segment seen */
    gboolean lost_pos;     /* the position in the stream is unknown (capture starts mid-stream, a
                            * segment is missing, a PDU of unknown length was cut by the snaplen):
                            * a segment starts a PDU only if it looks like one */
    gboolean cont;         /* the bytes before cont_end continue a PDU cut by the snaplen */
    guint32  cont_end;
    gboolean pend;         /* a PDU TCP is reassembling starts in an earlier segment, ends at */
    gboolean pend_known;   /* pend_end (when known) */
    guint32  pend_end;
} hsf2_flow_t;

typedef struct {
    ts_trans_table_t *tables[4];   /* per HSF2_KIND_* */
    address           addr0;       /* source of the first segment seen: direction 0 */
    guint32           port0;
    hsf2_flow_t       flow[2];
    wmem_list_t      *open[2];     /* two-way requests sent in each direction, for
                                    * hsf2_mark_lost(); answered ones are skipped there and
                                    * swept out when the list doubles (hsf2_open_add()) */
    guint             open_limit[2];
} hsf2_conv_t;

/* What the requests of one call share (file scope, one per distinct service, method and kind;
 * hsf2_call()): the names and the Service Response Time row. */
typedef struct {
    const char *service;      /* NULL: not in the capture (cut by the snaplen) */
    const char *method;
    int         srt_kind;
    const char *srt_name;
} hsf2_call_t;

/* what a response needs from its request (file scope; one per request, so kept small) */
typedef struct {
    const hsf2_call_t *call;
    gint32      timeout;      /* ms, <= 0: none */
    guint8      kind;         /* HSF2_KIND_* (HEARTBEAT for heartbeats of any transport) */
    guint8      table;        /* the HSF2_KIND_* table the transaction lives in */
    guint8      lost_cut;     /* rsp_lost because the snaplen cut PDUs (not a lost segment) */
} hsf2_req_t;

static wmem_map_t *hsf2_method_index;   /* "service\x1fmethod" -> hsf2_row_t (file scope contents) */
static wmem_map_t *hsf2_call_index;     /* kind, service and method -> hsf2_call_t (file scope contents) */

static hsf2_conv_t *hsf2_conv(packet_info *pinfo)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    hsf2_conv_t *cv = (hsf2_conv_t *)conversation_get_proto_data(conv, proto_hsf2);
    if (!cv) {
        cv = wmem_new0(wmem_file_scope(), hsf2_conv_t);
        for (int k = 0; k < 4; k++)
            cv->tables[k] = ts_trans_table_new(proto_hsf2, TS_TRANS_BY_ID);
        copy_address_wmem(wmem_file_scope(), &cv->addr0, &pinfo->src);
        cv->port0 = pinfo->srcport;
        cv->open[0] = wmem_list_new(wmem_file_scope());
        cv->open[1] = wmem_list_new(wmem_file_scope());
        conversation_add_proto_data(conv, proto_hsf2, cv);
    }
    return cv;
}

static ts_trans_table_t *hsf2_table(packet_info *pinfo, int kind)
{
    return hsf2_conv(pinfo)->tables[kind];
}

/* 0: the direction of the first segment seen, 1: the other one */
static int hsf2_dir(packet_info *pinfo, const hsf2_conv_t *cv)
{
    return (pinfo->srcport == cv->port0 && addresses_equal(&pinfo->src, &cv->addr0)) ? 0 : 1;
}

/* First pass: PDUs sent in direction `dir` are missing from the capture (a lost segment, or PDUs
 * the snaplen cut before their request id). The responses among them answer requests sent the
 * other way: every request of that direction still open is marked "response not in the capture"
 * (a response seen later still answers it). Each request is marked at most once. */
static void hsf2_mark_lost(packet_info *pinfo, hsf2_conv_t *cv, int dir, gboolean by_snaplen)
{
    wmem_list_t *open = cv->open[1 - dir];
    wmem_list_frame_t *f;
    if (PINFO_FD_VISITED(pinfo))
        return;
    while ((f = wmem_list_head(open)) != NULL) {
        ts_trans_t *t = (ts_trans_t *)wmem_list_frame_data(f);
        if (!t->rsp_frame && !t->rsp_lost) {
            t->rsp_lost = TRUE;
            ((hsf2_req_t *)ts_trans_req_data(t))->lost_cut = (guint8)by_snaplen;
        }
        wmem_list_remove_frame(open, f);
    }
}

/* Remember an open request of direction `dir`; answered ones are swept out each time the list
 * has doubled since the last sweep (amortised constant time, memory bounded by twice the number
 * of open requests). */
static void hsf2_open_add(hsf2_conv_t *cv, int dir, ts_trans_t *t)
{
    ts_trans_open_add(cv->open[dir], &cv->open_limit[dir], t);
}

typedef struct {
    int         row;
    const char *name;   /* "method (service)" (epan scope once the row is named) */
} hsf2_row_t;

static int hsf2_srt_row(packet_info *pinfo, const char *service, const char *method, const char **name)
{
    const char *s = service ? service : "", *m = method ? method : "";
    char *key = wmem_strconcat(pinfo->pool, s, "\x1f", m, NULL);
    hsf2_row_t *r = (hsf2_row_t *)wmem_map_lookup(hsf2_method_index, key);
    guint row;
    if (!r) {
        r = wmem_new(wmem_file_scope(), hsf2_row_t);
        row = wmem_map_size(hsf2_method_index) + 1;
        if (row > HSF2_SRT_METHODS) {
            r->row = HSF2_SRT_OTHER;
            r->name = "(other methods)";
        } else {
            r->row = (int)row;
            /* both names unknown: a request cut by the snaplen before them */
            r->name = (service || method) ? wmem_strconcat(wmem_file_scope(), m, " (", s, ")", NULL)
                                          : "(unknown method)";
            /* SRT tables created after this point (e.g. the GUI dialog opened once the file is
             * loaded) take their row names from this table */
            hsf2_srt_vals[row].strptr = wmem_strdup(wmem_epan_scope(), r->name);
        }
        wmem_map_insert(hsf2_method_index, wmem_strdup(wmem_file_scope(), key), r);
    }
    *name = r->name;
    return r->row;
}

/* The shared record of a call (first pass): heartbeat or not, service and method, each NULL when
 * not in the capture. A call seen first names its SRT row (heartbeats share one). */
static const hsf2_call_t *hsf2_call(packet_info *pinfo, gboolean heartbeat, const char *service,
                                    const char *method)
{
    /* NULL and "" differ here (they share an SRT row): a leading 0/1 tells them apart */
    char *key = wmem_strdup_printf(pinfo->pool, "%c%c%s\x1f%c%s", heartbeat ? 'h' : 'c', service ? '1' : '0',
                                   service ? service : "", method ? '1' : '0', method ? method : "");
    hsf2_call_t *c = (hsf2_call_t *)wmem_map_lookup(hsf2_call_index, key);
    if (!c) {
        c = wmem_new(wmem_file_scope(), hsf2_call_t);
        c->service = ts_intern(service);
        c->method = ts_intern(method);
        if (heartbeat) {
            c->srt_kind = HSF2_SRT_HEARTBEAT;
            c->srt_name = "Heartbeat";
        } else {
            c->srt_kind = hsf2_srt_row(pinfo, c->service, c->method, &c->srt_name);
        }
        wmem_map_insert(hsf2_call_index, wmem_strdup(wmem_file_scope(), key), c);
    }
    return c;
}

static const ts_trans_hf_t hsf2_links = {
    &hf_hsf2_response_in, &hf_hsf2_response_to, &hf_hsf2_time, &hf_hsf2_no_response,
    &ei_hsf2_no_response, &ei_hsf2_no_request,
};


/* ---- tracking and tap records ------------------------------------------------------------- */

/* Record (first pass) or look up the transaction of this PDU. `table` is an HSF2_KIND_*.
 * service and method NULL: not in the capture (cut by the snaplen). */
static ts_trans_t *hsf2_track(packet_info *pinfo, guint idx, int table, gboolean heartbeat,
                              gboolean is_request, gint64 id, const char *service, const char *method,
                              gint32 timeout, gboolean one_way)
{
    ts_trans_t *t = ts_trans_lookup(pinfo, proto_hsf2, idx);
    if (t || PINFO_FD_VISITED(pinfo))
        return t;
    if (is_request) {
        hsf2_req_t *rq;
        t = ts_trans_request_with_data(pinfo, hsf2_table(pinfo, table), 0, (guint64)id, idx, sizeof(hsf2_req_t));
        rq = (hsf2_req_t *)ts_trans_req_data(t);
        rq->kind = (guint8)(heartbeat ? HSF2_KIND_HEARTBEAT : table);
        rq->table = (guint8)table;
        rq->call = hsf2_call(pinfo, heartbeat, service, method);
        rq->timeout = timeout;
        if (!one_way)
            hsf2_open_add(hsf2_conv(pinfo), hsf2_dir(pinfo, hsf2_conv(pinfo)), t);
    } else {
        t = ts_trans_response(pinfo, hsf2_table(pinfo, table), 0, (guint64)id, TRUE, idx);
    }
    return t;
}

static void hsf2_fill_key(ts_tap_rec_t *rec, const hsf2_req_t *rq)
{
    if (!rq)
        return;
    rec->key = rq->kind == HSF2_KIND_HEARTBEAT ? "(heartbeat)" : (rq->call->service ? rq->call->service : "(unknown)");
    rec->cols[0] = rq->call->method ? rq->call->method : (rq->kind == HSF2_KIND_HEARTBEAT ? "" : "(unknown)");
    rec->kind = rq->call->srt_kind;
    rec->kind_name = rq->call->srt_name;
}

/* Tap record of a request PDU. One-way requests expect no answer. */
static void hsf2_request_done(tvbuff_t *tvb, packet_info *pinfo, ts_trans_t *t, gboolean one_way)
{
    ts_tap_rec_t *rec = wmem_new(pinfo->pool, ts_tap_rec_t);
    if (t && one_way && !PINFO_FD_VISITED(pinfo))
        ts_trans_forget(hsf2_table(pinfo, ((hsf2_req_t *)ts_trans_req_data(t))->table), t);
    ts_tap_rec_init(rec, "hsf2");
    rec->is_request = TRUE;
    rec->trans = t;     /* outcome of the request, even when a filter drops its answer */
    if (t)
        hsf2_fill_key(rec, (const hsf2_req_t *)ts_trans_req_data(t));
    rec->kind = -1;   /* the SRT row is counted on the response */
    rec->bytes = tvb_reported_length(tvb);
    tap_queue_packet(hsf2_tap, pinfo, rec);
}

/* Timeout check and tap record of a response PDU (its links are at the top of the tree, see
 * hsf2_add_links()). Returns the response time (ms) or -1. */
static double hsf2_response_done(tvbuff_t *tvb, packet_info *pinfo, proto_tree *pt, ts_trans_t *t,
                                 guint32 status, gboolean is_error)
{
    nstime_t delta;
    gboolean has = FALSE;
    double ms = -1.0;
    gboolean over = FALSE;
    const hsf2_req_t *rq = (t && t->req_frame) ? (const hsf2_req_t *)ts_trans_req_data(t) : NULL;
    ts_tap_rec_t *rec = wmem_new(pinfo->pool, ts_tap_rec_t);

    if (t && t->req_frame) {
        nstime_t req = ts_trans_req_time(t);
        nstime_delta(&delta, &pinfo->abs_ts, &req);
        has = TRUE;
    }
    if (has) {
        ms = nstime_to_msec(&delta);
        if (rq && rq->timeout > 0 && ms > (double)rq->timeout) {
            proto_item *pi = proto_tree_add_boolean(pt, hf_hsf2_over_timeout, tvb, 0, 0, TRUE);
            proto_item_set_generated(pi);
            over = TRUE;
            expert_add_info_format(pinfo, pi, &ei_hsf2_late,
                                   "Response after %.3f ms, above the request's timeout of %d ms",
                                   ms, rq->timeout);
        }
    }
    ts_tap_rec_init(rec, "hsf2");
    rec->is_request = FALSE;
    rec->answered = rq != NULL;
    rec->first_response = rq != NULL;
    rec->has_latency = has && rq != NULL;
    rec->latency_ms = has ? ms : 0.0;
    rec->status = status;
    rec->is_error = is_error;
    rec->is_timeout = over;
    rec->bytes = tvb_reported_length(tvb);
    rec->trans = rq ? t : NULL;     /* resolves its request if it was counted before the answer */
    if (rq)
        hsf2_fill_key(rec, rq);
    else if (is_error)      /* its request is not in the capture (e.g. cut by the snaplen): still an error */
        rec->key = rec->cols[0] = "(unknown)";
    tap_queue_packet(hsf2_tap, pinfo, rec);
    return ms;
}

/* value name or "status N" (val_to_str's signature differs between 4.0 and 4.6) */
static const char *hsf2_val(packet_info *pinfo, guint32 v, const value_string *vs)
{
    const char *s = try_val_to_str(v, vs);
    return s ? s : wmem_strdup_printf(pinfo->pool, "status %u", v);
}

/* A decoded string for an expert or Info text: control characters escaped */
static const char *hsf2_text(packet_info *pinfo, const char *str)
{
    return format_text(pinfo->pool, (const void *)str, strlen(str));
}

static const char *hsf2_ms_suffix(packet_info *pinfo, double ms)
{
    return ms >= 0 ? wmem_strdup_printf(pinfo->pool, " [%.1f ms]", ms) : "";
}

/* ---- serialized blobs ---------------------------------------------------------------------- */

static gboolean hsf2_hessian_version(guint codec, tvbuff_t *tvb, int off, int len, gboolean guess,
                                     hessian_version_t *ver)
{
    if (codec == 4) {
        *ver = HESSIAN_V2;
        return TRUE;
    }
    if (codec == 1) {
        *ver = HESSIAN_V1;
        return TRUE;
    }
    if (!guess || len < 1)
        return FALSE;
    /* request props of other codecs: Hessian 1 map ('M' 't'), then Hessian 2 ('H' / 'M') */
    if (len >= 2 && tvb_get_uint8(tvb, off) == 'M' && tvb_get_uint8(tvb, off + 1) == 't') {
        *ver = HESSIAN_V1;
        return TRUE;
    }
    if (tvb_get_uint8(tvb, off) == 'H' || tvb_get_uint8(tvb, off) == 'M') {
        *ver = HESSIAN_V2;
        return TRUE;
    }
    return FALSE;
}

/* Whether a text summary of a value is wanted: the tree is shown, or a filter / -e references the
 * string field that holds it. Without a tree nothing is wanted. */
static gboolean hsf2_want(proto_tree *tree, int hf)
{
    return tree && proto_field_is_referenced(tree, hf);
}

static gboolean hsf2_visible(proto_tree *tree)
{
    return tree && PTREE_DATA(tree) && PTREE_DATA(tree)->visible;
}

/* Without a tree a result is decoded only when it can be an exception: a Hessian object (its
 * stream starts with the class definition 'C') or a typed map ('M'). */
static gboolean hsf2_may_be_exception(tvbuff_t *tvb, int off, int len, guint codec)
{
    guint8 b;
    if (len <= 0 || (codec != 1 && codec != 4))
        return FALSE;
    b = tvb_get_uint8(tvb, off);
    return b == 'M' || (codec == 4 && b == 'C');
}

/* Decode one serialized value of `codec` found at tvb[off, off+len) and add it under `tree`
 * (NULL: decode only, for *out). Returns a summary (pinfo->pool) when `want_sum`, or NULL when
 * it is not wanted or the codec is not decoded. */
static const char *hsf2_decode_blob(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int len,
                                    guint codec, gboolean guess, gboolean want_sum,
                                    const hessian_value_t **out)
{
    hessian_version_t ver;
    if (out)
        *out = NULL;
    if (len <= 0)
        return NULL;
    if (hsf2_hessian_version(codec, tvb, off, len, guess, &ver)) {
        hessian_ctx_t *ctx = hessian_ctx_new(pinfo->pool, tvb, off, len, ver, NULL);
        hessian_value_t *v = hessian_read(ctx);
        if (v)
            hessian_tree_add_value(tree, pinfo, tvb, v, NULL);
        hessian_tree_add_status(tree, pinfo, tvb, ctx);
        if (v && hessian_error(ctx, NULL, NULL) == HESSIAN_OK && !hessian_at_end(ctx))
            proto_tree_add_expert_format(tree, pinfo, &ei_hsf2_trailing, tvb, hessian_offset(ctx),
                                         off + len - hessian_offset(ctx),
                                         "%d bytes after the serialized value", off + len - hessian_offset(ctx));
        if (out)
            *out = v;
        return (v && want_sum) ? hessian_summary(pinfo->pool, v, 200) : NULL;
    }
    if (codec == 6 && json_handle && tree) {
        tvbuff_t *sub = tvb_new_subset_length(tvb, off, len);
        col_set_writable(pinfo->cinfo, -1, FALSE);
        call_dissector_only(json_handle, sub, pinfo, tree, NULL);
        col_set_writable(pinfo->cinfo, -1, TRUE);
        return want_sum ? (const char *)tvb_format_text(pinfo->pool, tvb, off, MIN(len, 200)) : NULL;
    }
    return NULL;
}

/* An object that looks like a Java Throwable: its class and message (NULL when it does not). */
static gboolean hsf2_exception(const hessian_value_t *v, const char **cls, const char **msg)
{
    const hessian_value_t *m;
    if (!v || (v->kind != HESSIAN_OBJECT && v->kind != HESSIAN_MAP) || !v->type)
        return FALSE;
    m = hessian_member(v, "detailMessage");
    if (!m && !g_str_has_suffix(v->type, "Exception") && !g_str_has_suffix(v->type, "Error") &&
        !g_str_has_suffix(v->type, "Throwable"))
        return FALSE;
    *cls = v->type;
    *msg = (m && m->kind == HESSIAN_STRING) ? m->str : NULL;
    return TRUE;
}

static void hsf2_add_exception(tvbuff_t *tvb, packet_info *pinfo, proto_tree *pt, const hessian_value_t *v,
                               gboolean *is_error)
{
    const char *cls, *msg;
    proto_item *pi;
    if (!hsf2_exception(v, &cls, &msg))
        return;
    pi = proto_tree_add_string(pt, hf_hsf2_exception, tvb, v->offset, v->length, cls);
    proto_item_set_generated(pi);
    if (msg)
        proto_item_set_generated(proto_tree_add_string(pt, hf_hsf2_exception_msg, tvb, v->offset, v->length, msg));
    expert_add_info_format(pinfo, pi, &ei_hsf2_exception, "Exception %s%s%s", hsf2_text(pinfo, cls),
                           msg ? ": " : "", msg ? hsf2_text(pinfo, msg) : "");
    *is_error = TRUE;
}

/* ---- 0x0C heartbeat ------------------------------------------------------------------------- */

static const char *dissect_hsf2_heartbeat(tvbuff_t *tvb, packet_info *pinfo, proto_tree *pt, ts_trans_t *t)
{
    guint32 op, timeout = 0;
    gint64 id;

    proto_tree_add_item_ret_uint(pt, hf_hsf2_op, tvb, 1, 1, ENC_NA, &op);
    proto_tree_add_item(pt, hf_hsf2_version, tvb, 2, 1, ENC_NA);
    proto_tree_add_item(pt, hf_hsf2_reserved, tvb, 3, 3, ENC_NA);
    proto_tree_add_item_ret_int64(pt, hf_hsf2_req_id, tvb, 6, 8, ENC_BIG_ENDIAN, &id);
    if (op == 0) {
        proto_tree_add_item_ret_uint(pt, hf_hsf2_timeout, tvb, 14, 4, ENC_BIG_ENDIAN, &timeout);
        hsf2_request_done(tvb, pinfo, t, FALSE);
        return wmem_strdup_printf(pinfo->pool, "Heartbeat request id=%" PRId64, id);
    }
    proto_tree_add_item(pt, hf_hsf2_hb_pad, tvb, 14, 4, ENC_BIG_ENDIAN);
    if (op != 1)
        proto_tree_add_expert_format(pt, pinfo, &ei_hsf2_bad_frame, tvb, 1, 1, "Unknown heartbeat op %u", op);
    return wmem_strdup_printf(pinfo->pool, "Heartbeat response id=%" PRId64 "%s", id,
                              hsf2_ms_suffix(pinfo, hsf2_response_done(tvb, pinfo, pt, t, 0, FALSE)));
}

/* ---- 0x0E HSF remoting ------------------------------------------------------------------------ */

static const char *dissect_hsf2_request(tvbuff_t *tvb, packet_info *pinfo, proto_tree *pt, ts_trans_t *t)
{
    guint32 codec, timeout, ls, lm, nargs, lp;
    gint64 id;
    const guint8 *service = NULL, *method = NULL;
    const char *generic = NULL;
    proto_tree *lt;
    int off, types_off, objs_off;
    gboolean is_invoke, want_arg, vis;

    proto_tree_add_item_ret_uint(pt, hf_hsf2_codec, tvb, 3, 1, ENC_NA, &codec);
    proto_tree_add_item(pt, hf_hsf2_reserved, tvb, 4, 3, ENC_NA);
    proto_tree_add_item_ret_int64(pt, hf_hsf2_req_id, tvb, 7, 8, ENC_BIG_ENDIAN, &id);
    proto_tree_add_item_ret_uint(pt, hf_hsf2_timeout, tvb, 15, 4, ENC_BIG_ENDIAN, &timeout);
    proto_tree_add_item_ret_uint(pt, hf_hsf2_service_len, tvb, 19, 4, ENC_BIG_ENDIAN, &ls);
    proto_tree_add_item_ret_uint(pt, hf_hsf2_method_len, tvb, 23, 4, ENC_BIG_ENDIAN, &lm);
    proto_tree_add_item_ret_uint(pt, hf_hsf2_arg_count, tvb, 27, 4, ENC_BIG_ENDIAN, &nargs);
    /* the framing checked nargs <= 255 and every length, and the PDU holds all of them */
    lt = proto_tree_add_subtree_format(pt, tvb, 31, 8 * (int)nargs, ett_hsf2_lengths, NULL,
                                       "Argument lengths (%u arguments)", nargs);
    for (guint32 i = 0; i < nargs; i++)
        proto_tree_add_item(lt, hf_hsf2_arg_type_len, tvb, 31 + 4 * (int)i, 4, ENC_BIG_ENDIAN);
    for (guint32 i = 0; i < nargs; i++)
        proto_tree_add_item(lt, hf_hsf2_arg_obj_len, tvb, 31 + 4 * (int)(nargs + i), 4, ENC_BIG_ENDIAN);
    proto_tree_add_item_ret_uint(pt, hf_hsf2_props_len, tvb, 31 + 8 * (int)nargs, 4, ENC_BIG_ENDIAN, &lp);

    off = HSF2_REQ_FIXED + 8 * (int)nargs;
    proto_item *sni = proto_tree_add_item_ret_string(pt, hf_hsf2_service, tvb, off, (int)ls, ENC_UTF_8,
                                                     pinfo->pool, &service);
    if (ls == 0)
        expert_add_info_format(pinfo, sni, &ei_hsf2_empty_name, "Empty service name: no provider can serve this request");
    off += (int)ls;
    proto_item *mni = proto_tree_add_item_ret_string(pt, hf_hsf2_method, tvb, off, (int)lm, ENC_UTF_8,
                                                     pinfo->pool, &method);
    if (lm == 0)
        expert_add_info_format(pinfo, mni, &ei_hsf2_empty_name, "Empty method name: no provider can serve this request");
    off += (int)lm;

    types_off = off;
    objs_off = off;
    for (guint32 i = 0; i < nargs; i++)
        objs_off += (int)tvb_get_uint32(tvb, 31 + 4 * (int)i, ENC_BIG_ENDIAN);
    off = objs_off;
    is_invoke = method && strcmp((const char *)method, "$invoke") == 0;
    if (!pt) {
        /* no tree: only $invoke's first argument (the real method, for the Info column) */
        if (is_invoke && nargs > 0) {
            const hessian_value_t *v = NULL;
            hsf2_decode_blob(tvb, pinfo, NULL, off, (int)tvb_get_uint32(tvb, 31 + 4 * (int)nargs, ENC_BIG_ENDIAN),
                             codec, FALSE, FALSE, &v);
            if (v && v->kind == HESSIAN_STRING)
                generic = v->str;
        }
        nargs = 0;   /* skip the argument items and the request properties */
        lp = 0;
    }
    want_arg = hsf2_want(pt, hf_hsf2_arg_value);
    vis = hsf2_visible(pt);
    for (guint32 i = 0; i < nargs; i++) {
        int tl = (int)tvb_get_uint32(tvb, 31 + 4 * (int)i, ENC_BIG_ENDIAN);
        int ol = (int)tvb_get_uint32(tvb, 31 + 4 * (int)(nargs + i), ENC_BIG_ENDIAN);
        const guint8 *type = NULL;
        const char *sum;
        const hessian_value_t *v = NULL;
        proto_item *ai, *oi;
        proto_tree *at, *ot;

        ai = proto_tree_add_uint(pt, hf_hsf2_arg, tvb, off, ol, i + 1);
        at = proto_item_add_subtree(ai, ett_hsf2_arg);
        proto_tree_add_item(at, hf_hsf2_arg_type_len, tvb, 31 + 4 * (int)i, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(at, hf_hsf2_arg_obj_len, tvb, 31 + 4 * (int)(nargs + i), 4, ENC_BIG_ENDIAN);
        proto_tree_add_item_ret_string(at, hf_hsf2_arg_type, tvb, types_off, tl, ENC_UTF_8, pinfo->pool, &type);
        oi = proto_tree_add_item(at, hf_hsf2_arg_obj, tvb, off, ol, ENC_NA);
        ot = proto_item_add_subtree(oi, ett_hsf2_obj);
        sum = hsf2_decode_blob(tvb, pinfo, ot, off, ol, codec, FALSE, want_arg, &v);
        if (sum)
            proto_item_set_generated(proto_tree_add_string(at, hf_hsf2_arg_value, tvb, off, ol, sum));
        if (vis)
            proto_item_set_text(ai, "Argument %u: %s%s%s", i + 1, type, sum ? " = " : "", sum ? sum : "");
        if (i == 0 && is_invoke && v && v->kind == HESSIAN_STRING) {
            generic = v->str;
            proto_item_set_generated(proto_tree_add_string(pt, hf_hsf2_generic_method, tvb, off, ol, generic));
        }
        types_off += tl;
        off += ol;
    }
    if (lp > 0) {
        proto_item *pi = proto_tree_add_item(pt, hf_hsf2_props, tvb, off, (int)lp, ENC_NA);
        proto_tree *ptree = proto_item_add_subtree(pi, ett_hsf2_obj);
        const char *sum = hsf2_decode_blob(tvb, pinfo, ptree, off, (int)lp, codec, TRUE, vis, NULL);
        if (sum)
            proto_item_append_text(pi, " %s", sum);
    }

    hsf2_request_done(tvb, pinfo, t, FALSE);
    return wmem_strdup_printf(pinfo->pool, "Request %s%s%s%s (%s) id=%" PRId64, method,
                              generic ? " [" : "", generic ? generic : "", generic ? "]" : "", service, id);
}

/* The error message of a non-OK response: UTF-8 text (spec), or one Hessian string filling the
 * body (providers that serialize the message with the response codec: decoding it as text would
 * show its length byte). Added as hsf2.error_msg; returns it without control characters. */
static const char *hsf2_error_msg(tvbuff_t *tvb, packet_info *pinfo, proto_tree *pt, int blen, guint codec)
{
    hessian_version_t ver;
    const guint8 *raw = NULL;
    if ((codec == 1 || codec == 4) && hsf2_hessian_version(codec, tvb, HSF2_RSP_HDR, blen, FALSE, &ver)) {
        hessian_ctx_t *ctx = hessian_ctx_new(pinfo->pool, tvb, HSF2_RSP_HDR, blen, ver, NULL);
        hessian_value_t *v = hessian_read(ctx);
        if (v && v->kind == HESSIAN_STRING && hessian_at_end(ctx) &&
            v->length == blen && v->str_len > 0) {
            proto_item_set_generated(proto_tree_add_string(pt, hf_hsf2_error_msg, tvb, HSF2_RSP_HDR, blen, v->str));
            return format_text(pinfo->pool, (const void *)v->str, v->str_len);
        }
    }
    proto_tree_add_item_ret_string(pt, hf_hsf2_error_msg, tvb, HSF2_RSP_HDR, blen, ENC_UTF_8, pinfo->pool, &raw);
    return raw ? format_text(pinfo->pool, (const void *)raw, strlen((const char *)raw)) : NULL;
}

static const char *dissect_hsf2_response(tvbuff_t *tvb, packet_info *pinfo, proto_tree *pt, ts_trans_t *t)
{
    guint32 status, codec, blen;
    gint64 id;
    proto_item *si;
    gboolean is_error;
    const char *extra = "";
    double ms;

    si = proto_tree_add_item_ret_uint(pt, hf_hsf2_status, tvb, 3, 1, ENC_NA, &status);
    proto_tree_add_item_ret_uint(pt, hf_hsf2_codec, tvb, 4, 1, ENC_NA, &codec);
    proto_tree_add_item(pt, hf_hsf2_reserved, tvb, 5, 3, ENC_NA);
    proto_tree_add_item_ret_int64(pt, hf_hsf2_req_id, tvb, 8, 8, ENC_BIG_ENDIAN, &id);
    proto_tree_add_item_ret_uint(pt, hf_hsf2_body_len, tvb, 16, 4, ENC_BIG_ENDIAN, &blen);
    is_error = status != HSF2_STATUS_OK;

    if (status == HSF2_STATUS_SERVER_CLOSING) {
        if (blen)
            proto_tree_add_item(pt, hf_hsf2_body, tvb, HSF2_RSP_HDR, (int)blen, ENC_NA);
        expert_add_info_format(pinfo, si, &ei_hsf2_closing, "Provider is closing (SERVER_CLOSING, id %" PRId64 ")", id);
        if (id == -1) {
            /* a broadcast, not the answer to a request */
            ts_tap_rec_t *rec = wmem_new(pinfo->pool, ts_tap_rec_t);
            ts_tap_rec_init(rec, "hsf2");
            rec->status = status;
            rec->bytes = tvb_reported_length(tvb);
            tap_queue_packet(hsf2_tap, pinfo, rec);
            return wmem_strdup_printf(pinfo->pool, "Response SERVER_CLOSING id=%" PRId64 " (provider closing)", id);
        }
    } else if (status == HSF2_STATUS_OK) {
        if (blen && (pt || hsf2_may_be_exception(tvb, HSF2_RSP_HDR, (int)blen, codec))) {
            proto_item *bi = proto_tree_add_item(pt, hf_hsf2_body, tvb, HSF2_RSP_HDR, (int)blen, ENC_NA);
            proto_tree *bt = proto_item_add_subtree(bi, ett_hsf2_obj);
            const hessian_value_t *v = NULL;
            const char *sum = hsf2_decode_blob(tvb, pinfo, bt, HSF2_RSP_HDR, (int)blen, codec, FALSE,
                                               hsf2_want(pt, hf_hsf2_result), &v);
            if (sum)
                proto_item_set_generated(proto_tree_add_string(pt, hf_hsf2_result, tvb, HSF2_RSP_HDR, (int)blen, sum));
            hsf2_add_exception(tvb, pinfo, pt, v, &is_error);
            if (is_error)
                extra = wmem_strdup_printf(pinfo->pool, " (exception %s)", hsf2_text(pinfo, v->type));
        }
    } else {
        const char *msg = blen ? hsf2_error_msg(tvb, pinfo, pt, (int)blen, codec) : NULL;
        const char *text = val_to_str_const(status, hsf2_status_text, "unknown status");
        gboolean show_msg = msg && *msg && strcmp((const char *)msg, text) != 0;
        expert_add_info_format(pinfo, si, &ei_hsf2_status, "Status %s (%u): %s%s%s",
                               val_to_str_const(status, hsf2_status_vals, "UNKNOWN"), status, text,
                               show_msg ? " - " : "", show_msg ? (const char *)msg : "");
    }
    ms = hsf2_response_done(tvb, pinfo, pt, t, status, is_error);
    return wmem_strdup_printf(pinfo->pool, "Response %s id=%" PRId64 "%s%s",
                              hsf2_val(pinfo, status, hsf2_status_vals), id, hsf2_ms_suffix(pinfo, ms), extra);
}

/* ---- 0x0D TB Remoting ------------------------------------------------------------------------- */

#define HSF2_TB_HEARTBEAT_CLASS "com.taobao.remoting.impl.ConnectionHeartBeat"

static const char *dissect_hsf2_tb(tvbuff_t *tvb, packet_info *pinfo, proto_tree *pt, ts_trans_t *t)
{
    guint32 flag, codec, dir, clen, nlen, dlen;
    const guint8 *app_class = NULL;
    const hessian_value_t *conn = NULL, *ctx, *idv, *res;
    gboolean have_id = FALSE, heartbeat, is_error = FALSE;
    gint64 id = 0;
    int off = HSF2_TB_HDR;
    proto_item *ci;

    proto_tree_add_item_ret_uint(pt, hf_hsf2_tr_request_flag, tvb, 1, 1, ENC_NA, &flag);
    proto_tree_add_item_ret_uint(pt, hf_hsf2_codec, tvb, 2, 1, ENC_NA, &codec);
    proto_tree_add_item_ret_uint(pt, hf_hsf2_tr_direction, tvb, 3, 1, ENC_NA, &dir);
    proto_tree_add_item(pt, hf_hsf2_reserved, tvb, 4, 1, ENC_NA);
    proto_tree_add_item_ret_uint(pt, hf_hsf2_tr_conn_len, tvb, 5, 4, ENC_BIG_ENDIAN, &clen);
    proto_tree_add_item_ret_uint(pt, hf_hsf2_tr_class_len, tvb, 9, 1, ENC_NA, &nlen);
    proto_tree_add_item_ret_uint(pt, hf_hsf2_tr_app_len, tvb, 10, 4, ENC_BIG_ENDIAN, &dlen);

    ci = proto_tree_add_item(pt, hf_hsf2_tr_conn, tvb, off, (int)clen, ENC_NA);
    hsf2_decode_blob(tvb, pinfo, proto_item_add_subtree(ci, ett_hsf2_obj), off, (int)clen, codec, FALSE, FALSE,
                     &conn);
    off += (int)clen;
    proto_tree_add_item_ret_string(pt, hf_hsf2_tr_app_class, tvb, off, (int)nlen, ENC_ASCII, pinfo->pool, &app_class);
    off += (int)nlen;
    if (dlen && pt) {
        proto_item *ai = proto_tree_add_item(pt, hf_hsf2_tr_app, tvb, off, (int)dlen, ENC_NA);
        const char *sum = hsf2_decode_blob(tvb, pinfo, proto_item_add_subtree(ai, ett_hsf2_obj), off, (int)dlen,
                                           codec, FALSE, hsf2_visible(pt), NULL);
        if (sum)
            proto_item_append_text(ai, " %s", sum);
    }
    heartbeat = app_class && strcmp((const char *)app_class, HSF2_TB_HEARTBEAT_CLASS) == 0;
    if (heartbeat)
        proto_item_set_generated(proto_tree_add_boolean(pt, hf_hsf2_tr_heartbeat, tvb, 9, 1, TRUE));

    /* the request id lives in the connection object: ctx.id */
    ctx = hessian_member(conn, "ctx");
    idv = hessian_member(ctx, "id");
    if (idv && (idv->kind == HESSIAN_LONG || idv->kind == HESSIAN_INT)) {
        id = idv->i;
        have_id = TRUE;
        proto_item_set_generated(proto_tree_add_int64(pt, hf_hsf2_req_id, tvb, idv->offset, idv->length, id));
    }
    if (flag == 0) {
        hsf2_request_done(tvb, pinfo, t, dir == 1 || !have_id);
        return wmem_strdup_printf(pinfo->pool, "TB %srequest %s id=%" PRId64, heartbeat ? "heartbeat " : "",
                                  heartbeat ? "" : (const char *)app_class, id);
    }
    res = hessian_member(conn, "result");
    if (res && res->kind == HESSIAN_INT) {
        proto_item_set_generated(proto_tree_add_int(pt, hf_hsf2_tr_result, tvb, res->offset, res->length, (gint32)res->i));
        is_error = res->i != 0;
    }
    res = hessian_member(conn, "errorMsg");
    if (res && res->kind == HESSIAN_STRING) {
        proto_item *ei = proto_tree_add_string(pt, hf_hsf2_error_msg, tvb, res->offset, res->length, res->str);
        proto_item_set_generated(ei);
        expert_add_info_format(pinfo, ei, &ei_hsf2_status, "TB Remoting error: %s", hsf2_text(pinfo, res->str));
        is_error = TRUE;
    }
    return wmem_strdup_printf(pinfo->pool, "TB %sresponse id=%" PRId64 "%s", heartbeat ? "heartbeat " : "", id,
                              hsf2_ms_suffix(pinfo, hsf2_response_done(tvb, pinfo, pt, t, 0, is_error)));
}

/* ---- 0xDABB Dubbo ----------------------------------------------------------------------------- */

/* number of parameters in a JVM method descriptor ("Ljava/lang/String;I[J") */
static guint hsf2_desc_count(const char *d)
{
    guint n = 0;
    while (d && *d && n < HSF2_MAX_ARGS) {
        while (*d == '[')
            d++;
        if (*d == 'L') {
            const char *e = strchr(d, ';');
            if (!e)
                return n + 1;
            d = e + 1;
        } else if (*d) {
            d++;
        }
        n++;
    }
    return n;
}

static const char *dissect_hsf2_dubbo(tvbuff_t *tvb, packet_info *pinfo, proto_tree *pt, ts_trans_t *t)
{
    static int *const flag_bits[] = {
        &hf_hsf2_dubbo_request, &hf_hsf2_dubbo_two_way, &hf_hsf2_dubbo_event, &hf_hsf2_dubbo_serialization, NULL
    };
    guint8 flags = tvb_get_uint8(tvb, 2);
    gboolean is_req = (flags & 0x80) != 0, event = (flags & 0x20) != 0;
    guint32 ser = flags & 0x1F, status = 0, blen;
    gint64 id;
    proto_item *si = NULL;
    const char *service = NULL, *method = NULL;
    gint32 timeout = 0;
    gboolean is_error = FALSE;

    proto_tree_add_item(pt, hf_hsf2_dubbo_magic, tvb, 0, 2, ENC_BIG_ENDIAN);
    proto_tree_add_bitmask(pt, tvb, 2, hf_hsf2_dubbo_flags, ett_hsf2_flags, flag_bits, ENC_NA);
    if (!is_req)
        si = proto_tree_add_item_ret_uint(pt, hf_hsf2_dubbo_status, tvb, 3, 1, ENC_NA, &status);
    proto_tree_add_item_ret_int64(pt, hf_hsf2_req_id, tvb, 4, 8, ENC_BIG_ENDIAN, &id);
    proto_tree_add_item_ret_uint(pt, hf_hsf2_body_len, tvb, 12, 4, ENC_BIG_ENDIAN, &blen);

    if (blen && (pt || !event)) {   /* without a tree, event bodies hold nothing the Info/tap need */
        proto_item *bi = proto_tree_add_item(pt, hf_hsf2_body, tvb, HSF2_DUBBO_HDR, (int)blen, ENC_NA);
        proto_tree *bt = proto_item_add_subtree(bi, ett_hsf2_obj);
        if (ser == 2 && !is_req && status != 20 && !event) {
            /* error responses carry a Hessian string with the message (only shown in the tree) */
            const hessian_value_t *v = NULL;
            if (pt)
                hsf2_decode_blob(tvb, pinfo, bt, HSF2_DUBBO_HDR, (int)blen, 4, FALSE, FALSE, &v);
            if (v && v->kind == HESSIAN_STRING)
                proto_item_set_generated(proto_tree_add_string(pt, hf_hsf2_error_msg, tvb, v->offset, v->length, v->str));
        } else if (ser == 2) {
            hessian_ctx_t *ctx = hessian_ctx_new(pinfo->pool, tvb, HSF2_DUBBO_HDR, (int)blen, HESSIAN_V2, NULL);
            hessian_value_t *v;
            guint k = 0, nargs = 0, result_flag = 0;
            gboolean vis = hsf2_visible(pt), want_arg = hsf2_want(pt, hf_hsf2_arg_value);
            gboolean want_result = hsf2_want(pt, hf_hsf2_result);
            for (v = hessian_read(ctx); v && k < 300; v = hessian_read(ctx), k++) {
                const char *label = NULL;
                if (is_req && !event) {
                    if (k == 0) {
                        label = "Dubbo version: ";
                        if (v->kind == HESSIAN_STRING)
                            proto_tree_add_string(pt, hf_hsf2_dubbo_version, tvb, v->offset, v->length, v->str);
                    } else if (k == 1) {
                        label = "Service: ";
                        if (v->kind == HESSIAN_STRING) {
                            service = v->str;
                            proto_tree_add_string(pt, hf_hsf2_service, tvb, v->offset, v->length, v->str);
                        }
                    } else if (k == 2) {
                        label = "Service version: ";
                    } else if (k == 3) {
                        label = "Method: ";
                        if (v->kind == HESSIAN_STRING) {
                            method = v->str;
                            proto_tree_add_string(pt, hf_hsf2_method, tvb, v->offset, v->length, v->str);
                        }
                    } else if (k == 4) {
                        label = "Parameter types: ";
                        if (v->kind == HESSIAN_STRING) {
                            nargs = hsf2_desc_count(v->str);
                            proto_tree_add_string(pt, hf_hsf2_dubbo_param_types, tvb, v->offset, v->length, v->str);
                            proto_tree_add_uint(pt, hf_hsf2_arg_count, tvb, v->offset, v->length, nargs);
                        }
                    } else if (k < 5 + nargs) {
                        if (vis)
                            label = wmem_strdup_printf(pinfo->pool, "Argument %u: ", k - 4);
                        if (want_arg)
                            proto_item_set_generated(proto_tree_add_string(pt, hf_hsf2_arg_value, tvb, v->offset,
                                                                           v->length, hessian_summary(pinfo->pool, v, 200)));
                    } else {
                        const hessian_value_t *to = hessian_member(v, "timeout");
                        label = "Attachments: ";
                        proto_tree_add_uint(pt, hf_hsf2_dubbo_attachments, tvb, v->offset, v->length, v->n_items);
                        if (to && to->kind == HESSIAN_STRING)
                            timeout = (gint32)g_ascii_strtoll(to->str, NULL, 10);
                        else if (to && (to->kind == HESSIAN_INT || to->kind == HESSIAN_LONG))
                            timeout = (gint32)to->i;
                    }
                } else if (!is_req && !event) {
                    if (k == 0 && v->kind == HESSIAN_INT) {
                        result_flag = (guint)v->i;
                        proto_tree_add_uint(pt, hf_hsf2_dubbo_result_flag, tvb, v->offset, v->length, result_flag);
                        label = "Result flag: ";
                    } else if (k == 1 && result_flag <= 5 && result_flag != 2 && result_flag != 5) {
                        label = (result_flag == 0 || result_flag == 3) ? "Exception: " : "Value: ";
                        if (want_result)
                            proto_item_set_generated(proto_tree_add_string(pt, hf_hsf2_result, tvb, v->offset,
                                                                           v->length, hessian_summary(pinfo->pool, v, 200)));
                        if (result_flag == 0 || result_flag == 3) {
                            is_error = TRUE;
                            hsf2_add_exception(tvb, pinfo, pt, v, &is_error);
                        }
                    } else {
                        label = "Attachments: ";
                    }
                }
                hessian_tree_add_value(bt, pinfo, tvb, v, label);
                /* without a tree a response needs only its flag and an exception (Info, tap) */
                if (!pt && !is_req && (k >= 1 || (result_flag != 0 && result_flag != 3)))
                    break;
            }
            hessian_tree_add_status(bt, pinfo, tvb, ctx);
        }
    }
    if (!is_req && status != 20) {
        is_error = TRUE;
        expert_add_info_format(pinfo, si, &ei_hsf2_status, "Dubbo status %s (%u)",
                               val_to_str_const(status, hsf2_dubbo_status_vals, "UNKNOWN"), status);
    }
    if (is_req) {
        gboolean one_way = (flags & 0x40) == 0;
        /* the timeout comes from the attachments, after the arguments */
        hsf2_req_t *rq = (hsf2_req_t *)ts_trans_req_data(t);
        if (rq && !PINFO_FD_VISITED(pinfo))
            rq->timeout = timeout;
        hsf2_request_done(tvb, pinfo, t, one_way);
        if (event)
            return wmem_strdup_printf(pinfo->pool, "Dubbo heartbeat request id=%" PRId64, id);
        return wmem_strdup_printf(pinfo->pool, "Dubbo request %s (%s) id=%" PRId64, method ? method : "?",
                                  service ? service : "?", id);
    }
    return wmem_strdup_printf(pinfo->pool, "Dubbo %sresponse %s id=%" PRId64 "%s", event ? "heartbeat " : "",
                              hsf2_val(pinfo, status, hsf2_dubbo_status_vals), id,
                              hsf2_ms_suffix(pinfo, hsf2_response_done(tvb, pinfo, pt, t, status, is_error)));
}

/* ---- framing ---------------------------------------------------------------------------------- */

typedef enum { HSF2_LEN_OK, HSF2_LEN_MORE, HSF2_LEN_BAD } hsf2_len_t;

/* *why for the port path; the heuristic has no pinfo and only needs the verdict. */
static const char *hsf2_why(packet_info *pinfo, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static const char *hsf2_why(packet_info *pinfo, const char *fmt, ...)
{
    va_list ap;
    char *s;
    if (!pinfo)
        return NULL;
    va_start(ap, fmt);
    s = wmem_strdup_vprintf(pinfo->pool, fmt, ap);
    va_end(ap);
    return s;
}

/* Length of the PDU at `offset`, reading only bytes that are there: the framing rule of the port
 * path and of the heuristic. On HSF2_LEN_BAD, *why says what is wrong (NULL without pinfo) and
 * *bad_off, *bad_len where. */
static hsf2_len_t hsf2_pdu_len(tvbuff_t *tvb, packet_info *pinfo, int offset, guint *plen, const char **why,
                               int *bad_off, int *bad_len)
{
    guint avail = (guint)tvb_captured_length_remaining(tvb, offset);
    guint8 b0;
    guint64 total;

    *bad_off = offset;
    *bad_len = 1;
    if (avail < 1)
        return HSF2_LEN_MORE;
    b0 = tvb_get_uint8(tvb, offset);
    switch (b0) {
    case HSF2_TYPE_HEARTBEAT:
        *plen = HSF2_HB_LEN;
        return HSF2_LEN_OK;
    case HSF2_TYPE_TB: {
        guint32 c, d;
        if (avail < HSF2_TB_HDR)
            return HSF2_LEN_MORE;
        c = tvb_get_uint32(tvb, offset + 5, ENC_BIG_ENDIAN);
        d = tvb_get_uint32(tvb, offset + 10, ENC_BIG_ENDIAN);
        if (c > HSF2_MAX_FIELD || d > HSF2_MAX_FIELD) {
            *why = hsf2_why(pinfo, "TB Remoting object length %u exceeds %u", MAX(c, d), HSF2_MAX_FIELD);
            *bad_off = offset + (c > HSF2_MAX_FIELD ? 5 : 10);
            *bad_len = 4;
            return HSF2_LEN_BAD;
        }
        *plen = HSF2_TB_HDR + c + tvb_get_uint8(tvb, offset + 9) + d;
        return HSF2_LEN_OK;
    }
    case HSF2_TYPE_HSF: {
        guint8 op;
        if (avail < 3)
            return HSF2_LEN_MORE;
        op = tvb_get_uint8(tvb, offset + 2);
        if (op == 0) {
            guint32 nargs;
            if (avail < 31)
                return HSF2_LEN_MORE;
            nargs = tvb_get_uint32(tvb, offset + 27, ENC_BIG_ENDIAN);
            if (nargs > HSF2_MAX_ARGS) {
                *why = hsf2_why(pinfo, "Argument count %u exceeds %u", nargs, HSF2_MAX_ARGS);
                *bad_off = offset + 27;
                *bad_len = 4;
                return HSF2_LEN_BAD;
            }
            if (avail < HSF2_REQ_FIXED + 8 * nargs)
                return HSF2_LEN_MORE;
            total = HSF2_REQ_FIXED + 8 * (guint64)nargs;
            /* service, method, the 2·A argument lengths and the props length */
            for (guint k = 0; k < 3 + 2 * nargs; k++) {
                int at = k == 0 ? 19 : k == 1 ? 23 : k == 2 + 2 * nargs ? (int)(31 + 8 * nargs) : (int)(31 + 4 * (k - 2));
                guint32 l = tvb_get_uint32(tvb, offset + at, ENC_BIG_ENDIAN);
                if (l > HSF2_MAX_FIELD) {
                    *why = hsf2_why(pinfo, "Length %d at offset %d is %s", (gint32)l, at,
                                              (gint32)l < 0 ? "negative" : "above 16 MiB");
                    *bad_off = offset + at;
                    *bad_len = 4;
                    return HSF2_LEN_BAD;
                }
                total += l;
            }
            if (total > HSF2_MAX_PDU) {
                *why = hsf2_why(pinfo, "Request length %" PRIu64 " exceeds %u", total, HSF2_MAX_PDU);
                *bad_off = offset + 19;
                *bad_len = 12;
                return HSF2_LEN_BAD;
            }
            *plen = (guint)total;
            return HSF2_LEN_OK;
        } else if (op == 1) {
            guint32 b;
            if (avail < HSF2_RSP_HDR)
                return HSF2_LEN_MORE;
            b = tvb_get_uint32(tvb, offset + 16, ENC_BIG_ENDIAN);
            if (b > HSF2_MAX_FIELD) {
                *why = hsf2_why(pinfo, "Body length %d is %s", (gint32)b,
                                          (gint32)b < 0 ? "negative" : "above 16 MiB");
                *bad_off = offset + 16;
                *bad_len = 4;
                return HSF2_LEN_BAD;
            }
            *plen = HSF2_RSP_HDR + b;
            return HSF2_LEN_OK;
        }
        *why = hsf2_why(pinfo, "Unknown HSF op %u", op);
        *bad_off = offset + 2;
        return HSF2_LEN_BAD;
    }
    case 0xDA: {
        guint32 b;
        if (avail < 2)
            return HSF2_LEN_MORE;
        if (tvb_get_uint8(tvb, offset + 1) != 0xBB) {
            *why = "0xDA not followed by 0xBB (Dubbo magic)";
            return HSF2_LEN_BAD;
        }
        if (avail < HSF2_DUBBO_HDR)
            return HSF2_LEN_MORE;
        b = tvb_get_uint32(tvb, offset + 12, ENC_BIG_ENDIAN);
        if (b > HSF2_MAX_FIELD) {
            *why = hsf2_why(pinfo, "Dubbo body length %u exceeds %u", b, HSF2_MAX_FIELD);
            *bad_off = offset + 12;
            *bad_len = 4;
            return HSF2_LEN_BAD;
        }
        *plen = HSF2_DUBBO_HDR + b;
        return HSF2_LEN_OK;
    }
    case HSF2_TYPE_HANDSHAKE:
        *why = "Handshake frame (0x0F): layout unknown, the rest of the segment is not decoded";
        return HSF2_LEN_BAD;
    default:
        *why = hsf2_why(pinfo, "Unknown frame type 0x%02x", b0);
        return HSF2_LEN_BAD;
    }
}

/* ---- what a PDU says about its transaction (captured bytes only) ------------------------------ */

/* The early look at a PDU: everything tracking needs, read without throwing, so that a PDU cut by
 * the snaplen is still counted and paired, and the links can be the first items of its tree. */
typedef struct {
    gboolean    have_op;      /* request or response is known */
    gboolean    is_request;
    gboolean    heartbeat;
    gboolean    one_way;
    gboolean    broadcast;    /* HSF SERVER_CLOSING with id -1: answers nothing */
    gboolean    have_id;
    gint64      id;
    int         table;        /* HSF2_KIND_* */
    guint32     status;       /* responses: HSF / Dubbo status (0: none) */
    gboolean    is_error;
    const char *service;      /* NULL: not captured */
    const char *method;
    gint32      timeout;
} hsf2_peek_t;

/* Decode up to `want` values of the Hessian stream at tvb[off, off+len) (captured bytes only).
 * Returns the number of values in v[]. */
static guint hsf2_peek_values(tvbuff_t *tvb, packet_info *pinfo, int off, int len, hessian_version_t ver,
                              const hessian_value_t **v, guint want)
{
    hessian_ctx_t *ctx;
    guint n = 0;
    if (len <= 0 || tvb_captured_length_remaining(tvb, off) <= 0)
        return 0;
    ctx = hessian_ctx_new(pinfo->pool, tvb, off, len, ver, NULL);
    while (n < want && (v[n] = hessian_read(ctx)) != NULL)
        n++;
    return n;
}

static const char *hsf2_peek_string(tvbuff_t *tvb, packet_info *pinfo, guint off, guint32 len, guint enc)
{
    if (len > HSF2_MAX_FIELD || off + (guint64)len > tvb_captured_length(tvb))
        return NULL;
    return (const char *)tvb_get_string_enc(pinfo->pool, tvb, (int)off, (int)len, enc);
}

/* names: also read the service and method of RPC requests (the first pass keeps them in the
 * request record; later passes need them only for the Info text of a PDU whose decoding was cut
 * short). TB's class name is always read: it tells a heartbeat. */
static void hsf2_peek(tvbuff_t *tvb, packet_info *pinfo, hsf2_peek_t *pk, gboolean names)
{
    guint cap = tvb_captured_length(tvb);
    guint8 type = tvb_get_uint8(tvb, 0);
    const hessian_value_t *v[4];
    hessian_version_t ver;

    memset(pk, 0, sizeof(*pk));
    switch (type) {
    case HSF2_TYPE_HEARTBEAT:
        pk->table = HSF2_KIND_HEARTBEAT;
        pk->heartbeat = TRUE;
        pk->have_op = cap >= 2;
        pk->is_request = pk->have_op && tvb_get_uint8(tvb, 1) == 0;
        if ((pk->have_id = cap >= 14))
            pk->id = tvb_get_int64(tvb, 6, ENC_BIG_ENDIAN);
        if (pk->is_request && cap >= 18)
            pk->timeout = (gint32)tvb_get_ntohl(tvb, 14);
        break;
    case HSF2_TYPE_HSF:
        pk->table = HSF2_KIND_RPC;
        pk->have_op = cap >= 3;
        pk->is_request = pk->have_op && tvb_get_uint8(tvb, 2) == 0;
        if (pk->is_request) {
            if ((pk->have_id = cap >= 15))
                pk->id = tvb_get_int64(tvb, 7, ENC_BIG_ENDIAN);
            if (cap >= 19)
                pk->timeout = (gint32)tvb_get_ntohl(tvb, 15);
            if (names && cap >= 31 && tvb_get_ntohl(tvb, 27) <= HSF2_MAX_ARGS) {
                guint names = HSF2_REQ_FIXED + 8 * tvb_get_ntohl(tvb, 27);
                guint32 ls = tvb_get_ntohl(tvb, 19), lm = tvb_get_ntohl(tvb, 23);
                pk->service = hsf2_peek_string(tvb, pinfo, names, ls, ENC_UTF_8);
                if (pk->service)
                    pk->method = hsf2_peek_string(tvb, pinfo, names + ls, lm, ENC_UTF_8);
            }
        } else if (pk->have_op) {
            if (cap >= 4) {
                pk->status = tvb_get_uint8(tvb, 3);
                pk->is_error = pk->status != HSF2_STATUS_OK;
            }
            if ((pk->have_id = cap >= 16))
                pk->id = tvb_get_int64(tvb, 8, ENC_BIG_ENDIAN);
            pk->broadcast = pk->status == HSF2_STATUS_SERVER_CLOSING && pk->id == -1;
        }
        break;
    case HSF2_TYPE_TB: {
        guint32 clen = cap >= HSF2_TB_HDR ? tvb_get_ntohl(tvb, 5) : 0;
        pk->table = HSF2_KIND_TB;
        pk->have_op = cap >= 2;
        pk->is_request = pk->have_op && tvb_get_uint8(tvb, 1) == 0;
        pk->one_way = cap < 4 || tvb_get_uint8(tvb, 3) == 1;
        if (cap < HSF2_TB_HDR || clen > HSF2_MAX_FIELD ||
            !hsf2_hessian_version(tvb_get_uint8(tvb, 2), tvb, HSF2_TB_HDR, (int)clen, FALSE, &ver))
            break;
        /* the request id lives in the connection object: ctx.id */
        if (hsf2_peek_values(tvb, pinfo, HSF2_TB_HDR, (int)clen, ver, v, 1) == 1) {
            const hessian_value_t *idv = hessian_member(hessian_member(v[0], "ctx"), "id");
            if (idv && (idv->kind == HESSIAN_LONG || idv->kind == HESSIAN_INT)) {
                pk->have_id = TRUE;
                pk->id = idv->i;
            }
        }
        pk->service = hsf2_peek_string(tvb, pinfo, HSF2_TB_HDR + clen, tvb_get_uint8(tvb, 9), ENC_ASCII);
        pk->method = "";
        pk->heartbeat = pk->service && strcmp(pk->service, HSF2_TB_HEARTBEAT_CLASS) == 0;
        pk->one_way = pk->one_way || !pk->have_id;
        break;
    }
    default: {                  /* Dubbo (the framing checked the magic) */
        guint8 flags = cap >= 3 ? tvb_get_uint8(tvb, 2) : 0;
        pk->table = HSF2_KIND_DUBBO;
        pk->have_op = cap >= 3;
        pk->is_request = (flags & 0x80) != 0;
        pk->heartbeat = (flags & 0x20) != 0;
        pk->one_way = (flags & 0x40) == 0;
        if (!pk->is_request && cap >= 4) {
            pk->status = tvb_get_uint8(tvb, 3);
            pk->is_error = pk->status != 20;
        }
        if ((pk->have_id = cap >= 12))
            pk->id = tvb_get_int64(tvb, 4, ENC_BIG_ENDIAN);
        /* request body: dubbo version, service, service version, method… */
        if (names && pk->is_request && !pk->heartbeat && (flags & 0x1F) == 2 && cap >= HSF2_DUBBO_HDR &&
            hsf2_peek_values(tvb, pinfo, HSF2_DUBBO_HDR, (int)MIN(tvb_get_ntohl(tvb, 12), HSF2_MAX_FIELD),
                             HESSIAN_V2, v, 4) == 4) {
            pk->service = v[1]->kind == HESSIAN_STRING ? v[1]->str : NULL;
            pk->method = v[3]->kind == HESSIAN_STRING ? v[3]->str : NULL;
        }
        break;
    }
    }
    if (!pk->is_request)
        pk->one_way = FALSE;
}

/* The generated links, first in the PDU's tree: [Response in] / [Request in] + [Time], or why
 * there is none; on a response, the identity of its request (same field names as on requests).
 * Returns what the Info column says about it (" [no response]"…). */
/* The transaction's Service Response Time row (methods are numbered in order of appearance):
 * "Apply as Filter" there gives hsf2.srt_index==N, which selects its requests and responses. */
static void hsf2_add_srt_index(tvbuff_t *tvb, proto_tree *pt, const hsf2_req_t *rq)
{
    if (rq && rq->call->srt_kind >= 0)
        proto_item_set_generated(proto_tree_add_uint(pt, hf_hsf2_srt_index, tvb, 0, 0, (guint32)rq->call->srt_kind));
}

static const char *hsf2_add_links(tvbuff_t *tvb, packet_info *pinfo, proto_tree *pt, ts_trans_t *t,
                                  const hsf2_peek_t *pk)
{
    const hsf2_req_t *rq;
    if (!t)
        return "";
    if (pk->is_request) {
        if (pk->one_way)
            return "";
        if (!t->rsp_frame && t->rsp_lost) {
            if (PINFO_FD_VISITED(pinfo)) {
                proto_item *pi = proto_tree_add_boolean(pt, hf_hsf2_response_lost, tvb, 0, 0, TRUE);
                proto_item_set_generated(pi);
                expert_add_info_format(pinfo, pi, &ei_hsf2_response_lost, "Response not in the capture (%s)",
                                       ((const hsf2_req_t *)ts_trans_req_data(t))->lost_cut ? "cut by the snaplen"
                                                                                   : "lost segment");
                return " [response not captured]";
            }
            return "";
        }
        ts_trans_add_links(pt, tvb, pinfo, t, TRUE, &hsf2_links, NULL);
        hsf2_add_srt_index(tvb, pt, (const hsf2_req_t *)ts_trans_req_data(t));
        return (!t->rsp_frame && PINFO_FD_VISITED(pinfo)) ? " [no response]" : "";
    }
    ts_trans_add_links(pt, tvb, pinfo, t, FALSE, &hsf2_links, NULL);
    rq = t->req_frame ? (const hsf2_req_t *)ts_trans_req_data(t) : NULL;
    if (rq)
        hsf2_add_srt_index(tvb, pt, rq);
    if (rq && rq->kind != HSF2_KIND_HEARTBEAT) {
        if (rq->call->service)
            proto_item_set_generated(proto_tree_add_string(pt, hf_hsf2_service, tvb, 0, 0, rq->call->service));
        if (rq->call->method && *rq->call->method)
            proto_item_set_generated(proto_tree_add_string(pt, hf_hsf2_method, tvb, 0, 0, rq->call->method));
    }
    return "";
}

/* Tap record and Info text of a PDU the snaplen cut before its dissector got to the end. */
static const char *hsf2_cut_done(tvbuff_t *tvb, packet_info *pinfo, proto_tree *pt, ts_trans_t *t,
                                 const hsf2_peek_t *pk, guint8 type)
{
    static const char *const prefix[] = { "", "Heartbeat ", "TB ", "Dubbo " };
    const char *p = type == HSF2_TYPE_HSF ? prefix[0] : type == HSF2_TYPE_HEARTBEAT ? prefix[1]
                  : type == HSF2_TYPE_TB ? prefix[2] : prefix[3];
    const char *id = pk->have_id ? wmem_strdup_printf(pinfo->pool, " id=%" PRId64, pk->id) : "";

    if (!pk->have_op)
        return wmem_strdup_printf(pinfo->pool, "%sframe", p);
    if (pk->is_request) {
        hsf2_request_done(tvb, pinfo, t, pk->one_way);
        if (pk->service && pk->method && *pk->method)
            return wmem_strdup_printf(pinfo->pool, "%s%s %s (%s)%s", p, *p ? "request" : "Request",
                                      hsf2_text(pinfo, pk->method), hsf2_text(pinfo, pk->service), id);
        return wmem_strdup_printf(pinfo->pool, "%s%s%s", p, *p ? "request" : "Request", id);
    }
    return wmem_strdup_printf(pinfo->pool, "%s%s%s%s%s%s", p, *p ? "response" : "Response",
                              pk->status ? " " : "", pk->status ? hsf2_val(pinfo, pk->status, hsf2_status_vals) : "",
                              id, hsf2_ms_suffix(pinfo, hsf2_response_done(tvb, pinfo, pt, t, pk->status, pk->is_error)));
}

/* A PDU (or the continuation of one) that the snaplen cut: one expert note per frame. */
static void hsf2_note_cut(tvbuff_t *tvb, packet_info *pinfo, proto_tree *pt)
{
    proto_item *pi = proto_tree_add_boolean(pt, hf_hsf2_cut, tvb, 0, 0, TRUE);
    proto_item_set_generated(pi);
    if (ts_packet_data_get(pinfo, proto_hsf2))
        return;
    ts_packet_data_set(pinfo, proto_hsf2, GUINT_TO_POINTER(1));
    expert_add_info_format(pinfo, pi, &ei_hsf2_cut,
                           "Frame cut by the snaplen: %u of the %u bytes from this HSF2 PDU's start on are captured, "
                           "the rest is not decoded", tvb_captured_length(tvb), tvb_reported_length(tvb));
}

static void dissect_hsf2_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    guint idx = ts_pdu_index(pinfo, proto_hsf2);
    proto_item *ti = proto_tree_add_item(tree, proto_hsf2, tvb, 0, -1, ENC_NA);
    proto_tree *pt = proto_item_add_subtree(ti, ett_hsf2);
    guint8 type = tvb_get_uint8(tvb, 0);
    const char *volatile info = NULL;
    volatile gboolean cut = tvb_captured_length(tvb) < tvb_reported_length(tvb);
    const char *links;
    hsf2_peek_t pk;
    ts_trans_t *t = NULL;

    ts_service_pdu(pinfo, proto_hsf2, tvb_captured_length(tvb) > 2 && tvb_get_uint8(tvb, type == HSF2_TYPE_HSF ? 2 : 1) == 0, tvb_reported_length(tvb));

    if (idx == 0)
        col_clear(pinfo->cinfo, COL_INFO);
    hsf2_peek(tvb, pinfo, &pk, !PINFO_FD_VISITED(pinfo));
    if (pk.have_op && pk.have_id && !pk.broadcast)
        t = hsf2_track(pinfo, idx, pk.table, pk.heartbeat, pk.is_request, pk.id, pk.service, pk.method,
                       pk.timeout, pk.one_way);
    links = hsf2_add_links(tvb, pinfo, pt, t, &pk);
    proto_tree_add_item(pt, hf_hsf2_type, tvb, 0, 1, ENC_NA);
    /* a PDU the snaplen cut ends its decoding where the capture ends (BoundsError), or where its
     * segment ends when it goes on in later ones (FragmentBoundsError: TCP does not reassemble a
     * cut segment); anything malformed still goes to tcp_dissect_pdus() */
    TRY {
        switch (type) {
        case HSF2_TYPE_HEARTBEAT:
            info = dissect_hsf2_heartbeat(tvb, pinfo, pt, t);
            break;
        case HSF2_TYPE_TB:
            info = dissect_hsf2_tb(tvb, pinfo, pt, t);
            break;
        case HSF2_TYPE_HSF: {
            guint32 op;
            proto_tree_add_item(pt, hf_hsf2_version, tvb, 1, 1, ENC_NA);
            proto_tree_add_item_ret_uint(pt, hf_hsf2_op, tvb, 2, 1, ENC_NA, &op);
            info = op == 0 ? dissect_hsf2_request(tvb, pinfo, pt, t) : dissect_hsf2_response(tvb, pinfo, pt, t);
            break;
        }
        default:
            info = dissect_hsf2_dubbo(tvb, pinfo, pt, t);
            break;
        }
    }
    CATCH2(BoundsError, FragmentBoundsError) {
        if (!cut && EXCEPT_CODE == FragmentBoundsError)
            RETHROW;
        cut = TRUE;
        info = NULL;
    }
    ENDTRY;
    if (!info) {
        if (PINFO_FD_VISITED(pinfo))        /* its Info text names the service and method */
            hsf2_peek(tvb, pinfo, &pk, TRUE);
        info = hsf2_cut_done(tvb, pinfo, pt, t, &pk, type);
    }
    if (cut)
        hsf2_note_cut(tvb, pinfo, pt);
    info = wmem_strconcat(pinfo->pool, info, links, cut ? " [cut by snaplen]" : "", NULL);
    proto_item_append_text(ti, ", %s", info);
    col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", info);
    col_set_fence(pinfo->cinfo, COL_INFO);
}

/* ---- imperfect captures: snaplen, lost segments, mid-stream starts --------------------------- */

/* TCP hands a segment the snaplen cut to its subdissector as it is: the captured bytes, with the
 * segment's full length as the reported length, and it does not reassemble it (can_desegment is
 * 0). tcp_dissect_pdus() then gives each PDU whose start is captured its captured part; it does
 * not know where the next PDU starts when that is in a later segment. So HSF2 keeps, per
 * direction, where the next PDU starts (the cut PDU's length field, when captured) or that it
 * does not know (the length was cut too, a segment is missing, the capture starts mid-stream):
 * then a segment starts a PDU only if it looks like one (the heuristic's header check). The
 * decision is taken on the first pass and kept per frame. */

typedef struct hsf2_skip {
    guint32 seq;               /* TCP sequence number of the data handed over */
    guint32 skip;              /* bytes at its start that continue a PDU not dissected here */
    struct hsf2_skip *next;
} hsf2_skip_t;

static gboolean hsf2_heur_pdu(tvbuff_t *tvb, guint off, guint avail, gboolean full, guint64 *len);

/* The bytes at `off` (up to the captured end) look like a PDU start: a valid header, and so are
 * the PDUs that follow it as far as they are captured (at most 8). */
static gboolean hsf2_looks_like_start(tvbuff_t *tvb, guint off)
{
    guint avail = tvb_captured_length(tvb);
    for (guint i = 0; i < 8 && off < avail; i++) {
        guint64 len = 0;
        if (tvb_get_uint8(tvb, off) == 0xDA) {    /* Dubbo: magic, serialization, body length */
            const char *why;
            int bo, bl;
            guint plen;
            if (off + 1 >= avail || tvb_get_uint8(tvb, off + 1) != 0xBB ||
                (off + 2 < avail && !try_val_to_str(tvb_get_uint8(tvb, off + 2) & 0x1F, hsf2_dubbo_serialization_vals)))
                return FALSE;
            if (hsf2_pdu_len(tvb, NULL, (int)off, &plen, &why, &bo, &bl) == HSF2_LEN_BAD)
                return FALSE;
            if (off + HSF2_DUBBO_HDR <= avail)
                len = plen;
        } else if (!hsf2_heur_pdu(tvb, off, avail, FALSE, &len)) {
            return FALSE;
        }
        if (len == 0)
            break;
        off += (guint)MIN(len, G_MAXUINT32);
    }
    return TRUE;
}

/* Where the first PDU of a segment starts when the position in the stream is unknown: at its
 * start if that looks like a PDU; else, in a segment captured whole, at the first offset from
 * which PDUs with valid headers fill the segment exactly (bounded scan); else nowhere (returns
 * the segment's length). */
static guint32 hsf2_find_start(tvbuff_t *tvb)
{
    guint rep = tvb_reported_length(tvb), cap = tvb_captured_length(tvb);
    if (hsf2_looks_like_start(tvb, 0))
        return 0;
    if (cap < rep)
        return rep;
    for (guint off = 1; off + HSF2_HB_LEN <= cap && off < 4096; off++) {
        guint8 b = tvb_get_uint8(tvb, off);
        guint at = off;
        guint n;
        if (b != HSF2_TYPE_HEARTBEAT && b != HSF2_TYPE_TB && b != HSF2_TYPE_HSF && b != 0xDA)
            continue;
        /* every PDU from here has a valid header and the last one ends with the segment */
        for (n = 0; n < 64 && at < cap; n++) {
            guint64 len = 0;
            if (!hsf2_heur_pdu(tvb, at, cap, FALSE, &len) || len == 0 || at + len > cap)
                break;
            at += (guint)len;
        }
        if (n > 0 && at == cap)
            return off;
    }
    return rep;
}

/* Decide (first pass) or recall how many bytes at the start of this data continue a PDU that is
 * not dissected here. `ti`: TCP's description of the segment (ts_tcpinfo()), NULL: not TCP. */
static guint32 hsf2_stream_position(tvbuff_t *tvb, packet_info *pinfo, const struct tcpinfo *ti,
                                    hsf2_flow_t **flowp, guint32 *seqp)
{
    guint32 rep = tvb_reported_length(tvb), seq, skip = 0;
    hsf2_skip_t *rec;
    hsf2_conv_t *cv;
    hsf2_flow_t *fl;
    int dir;

    *flowp = NULL;
    if (pinfo->ptype != PT_TCP || !ti || rep == 0)
        return 0;
    seq = ti->nxtseq - rep;
    if (PINFO_FD_VISITED(pinfo)) {
        for (rec = (hsf2_skip_t *)ts_frame_data_get(pinfo, proto_hsf2); rec; rec = rec->next)
            if (rec->seq == seq)
                return rec->skip;
        return 0;
    }
    cv = hsf2_conv(pinfo);
    dir = hsf2_dir(pinfo, cv);
    fl = &cv->flow[dir];
    *flowp = fl;
    if (ti->is_reassembled) {       /* whole segments, in order: the position is known */
        fl->pend = fl->lost_pos = fl->cont = FALSE;
        fl->next_seq = ti->nxtseq;
        fl->started = TRUE;
        return 0;                   /* *seqp stays unknown (0) */
    }
    *seqp = seq;
    /* the peer acknowledges bytes of its own direction that were not handed over here (and that
     * TCP is not reassembling): they are missing from the capture */
    if ((ti->flags & 0x010) && cv->flow[1 - dir].started && !cv->flow[1 - dir].pend &&
        (gint32)(ti->lastackseq - cv->flow[1 - dir].next_seq) > 0) {
        hsf2_mark_lost(pinfo, cv, 1 - dir, FALSE);
        cv->flow[1 - dir].lost_pos = TRUE;
        cv->flow[1 - dir].cont = FALSE;
        cv->flow[1 - dir].next_seq = ti->lastackseq;
    }
    if (!fl->started) {
        /* without the handshake, the first segment may start inside a PDU */
        struct tcp_analysis *tcpd = get_tcp_conversation_data(find_or_create_conversation(pinfo), pinfo);
        fl->lost_pos = !tcpd || !(tcpd->conversation_completeness & 0x01);   /* SYN seen */
        if (!fl->lost_pos && seq == 1 && !cv->flow[1 - dir].started) {
            /* relative sequence numbers after a handshake: the peer's data starts at 1 too */
            cv->flow[1 - dir].started = TRUE;
            cv->flow[1 - dir].next_seq = 1;
        }
    } else {
        gint32 gap = (gint32)(seq - fl->next_seq);
        if (gap < 0)                /* retransmission, out of order: as it comes */
            return 0;
        if (gap > 0) {              /* bytes of this direction are not in the capture */
            hsf2_mark_lost(pinfo, cv, dir, FALSE);
            fl->lost_pos = TRUE;
            fl->cont = fl->pend = FALSE;
        }
    }
    if (fl->pend) {                 /* TCP gave up reassembling (this segment was cut) */
        fl->pend = FALSE;
        hsf2_mark_lost(pinfo, cv, dir, TRUE);
        if (fl->pend_known && (gint32)(fl->pend_end - seq) > 0) {
            fl->cont = TRUE;
            fl->cont_end = fl->pend_end;
        } else if (!fl->pend_known) {
            fl->lost_pos = TRUE;
        }
    }
    if (fl->cont) {
        gint32 left = (gint32)(fl->cont_end - seq);
        if (left > 0)
            skip = MIN((guint32)left, rep);
        fl->cont = left > (gint32)rep;
        if (skip < rep && skip >= tvb_captured_length(tvb)) {
            /* the next PDU starts here, in bytes the snaplen cut */
            hsf2_mark_lost(pinfo, cv, dir, TRUE);
            fl->lost_pos = TRUE;
            skip = rep;
        }
    } else if (fl->lost_pos) {
        skip = hsf2_find_start(tvb);
        fl->lost_pos = skip == rep;
    }
    fl->started = TRUE;
    fl->next_seq = ti->nxtseq;
    if (skip) {
        rec = wmem_new(wmem_file_scope(), hsf2_skip_t);
        rec->seq = seq;
        rec->skip = skip;
        rec->next = (hsf2_skip_t *)ts_frame_data_get(pinfo, proto_hsf2);
        ts_frame_data_set(pinfo, proto_hsf2, rec);
    }
    return skip;
}

/* ---- framing ---------------------------------------------------------------------------------- */

/* What get_hsf2_pdu_len() found out about the frame at hand, for dissect_hsf2_frame():
 * tcp_dissect_pdus() calls the length function, then the PDU dissector, frame after frame, both
 * with this as their data. */
typedef struct {
    gboolean    bad;       /* no frame boundary found: the rest is handed over as one frame */
    const char *why;
    int         bad_off;   /* relative to the start of the frame */
    int         bad_len;
    guint32     skip;      /* bytes at the start continuing a PDU dissected elsewhere (or not at all) */
    gboolean    in_skip;   /* the frame at hand is those bytes */
    guint       cut_len;   /* a PDU the snaplen cut: its length (0: unknown), when the frame at
                            * hand was stretched to the end of the segment */
    hsf2_flow_t *flow;     /* first pass, a segment (not reassembled data): its direction */
    guint32     seq;       /* TCP sequence number of the tvb's first byte (when seq_known) */
    gboolean    seq_known;
    packet_info *pinfo;
} hsf2_framing_t;

/* First pass, a segment the snaplen cut: the PDU at `offset` is the last one whose start is
 * captured. Where does the next one start? */
static void hsf2_cut_framing(hsf2_framing_t *fr, tvbuff_t *tvb, int offset, hsf2_len_t r, guint plen)
{
    hsf2_flow_t *fl = fr->flow;
    guint rest = (guint)tvb_reported_length_remaining(tvb, offset);
    hsf2_conv_t *cv;
    hsf2_peek_t pk;
    gboolean hidden;

    if (!fl)
        return;
    if (r == HSF2_LEN_OK && plen > rest) {          /* it goes on in later segments */
        fl->cont = TRUE;
        fl->cont_end = fr->seq + (guint32)offset + plen;
    } else if (r != HSF2_LEN_OK || plen < rest) {   /* further PDUs, or bytes of unknown meaning */
        fl->lost_pos = TRUE;
    }
    /* PDU starts the snaplen hid, or this PDU's id cut: their requests get no visible answer */
    hsf2_peek(tvb_new_subset_remaining(tvb, offset), fr->pinfo, &pk, FALSE);
    hidden = r != HSF2_LEN_OK || plen < rest || !pk.have_id;
    if (hidden) {
        cv = hsf2_conv(fr->pinfo);
        hsf2_mark_lost(fr->pinfo, cv, hsf2_dir(fr->pinfo, cv), TRUE);
    }
}

/* Length of the frame at `offset` for tcp_dissect_pdus(). The frame type decides how many header
 * bytes the length needs (up to the argument lengths of a request): while they are not all there,
 * 0 asks TCP for one more segment. A frame whose length cannot be known (unknown type, a length
 * out of range) has no boundary after it and HSF2 has no marker to resynchronise on: the rest of
 * the segment is taken as that one (malformed) frame.
 * Without reassembly a frame cut short is decoded as far as it goes, and handed over with the
 * segment's remaining length as its own: tcp_dissect_pdus() would mark a frame longer than the
 * segment as a fragment, and reading past the segment would be an "unreassembled packet" instead
 * of the malformed frame it is.
 * In a segment the snaplen cut, the last PDU whose start is captured is stretched to the end of
 * the segment (tcp_dissect_pdus() would otherwise look for a next PDU in bytes that are not
 * there, and throw); dissect_hsf2_frame() cuts it back to its own length. */
static guint get_hsf2_pdu_len(packet_info *pinfo, tvbuff_t *tvb, int offset, void *data)
{
    hsf2_framing_t *fr = (hsf2_framing_t *)data;
    gboolean reassembling = hsf2_desegment && pinfo->can_desegment;
    guint rest = (guint)tvb_reported_length_remaining(tvb, offset);
    guint avail = (guint)tvb_captured_length_remaining(tvb, offset);
    guint plen = 0;
    hsf2_len_t r;

    fr->in_skip = offset == 0 && fr->skip > 0;
    fr->cut_len = 0;
    if (fr->in_skip)
        return fr->skip;
    r = hsf2_pdu_len(tvb, pinfo, offset, &plen, &fr->why, &fr->bad_off, &fr->bad_len);
    fr->bad = r == HSF2_LEN_BAD;
    fr->bad_off -= offset;
    if (avail < rest && (r != HSF2_LEN_OK || plen >= avail)) {
        /* the snaplen cut this segment: no later PDU start of it is captured */
        if (!PINFO_FD_VISITED(pinfo) && !fr->bad)
            hsf2_cut_framing(fr, tvb, offset, r, plen);
        fr->cut_len = r == HSF2_LEN_OK ? plen : 0;
        return rest;
    }
    if (reassembling && fr->flow && !PINFO_FD_VISITED(pinfo) &&
        (r == HSF2_LEN_MORE || (r == HSF2_LEN_OK && plen > rest))) {
        /* TCP reassembles it; should a later segment of it be cut, TCP gives up */
        fr->flow->pend = TRUE;
        fr->flow->pend_known = r == HSF2_LEN_OK && fr->seq_known;
        fr->flow->pend_end = fr->seq + (guint32)offset + plen;
    }
    if (r == HSF2_LEN_OK)
        return (plen > rest && !reassembling) ? rest : plen;
    if (r == HSF2_LEN_MORE && reassembling)
        return 0;
    return (guint)tvb_captured_length_remaining(tvb, offset);
}

static int dissect_hsf2_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    const hsf2_framing_t *fr = (const hsf2_framing_t *)data;

    if (fr->in_skip) {
        proto_item *ti = proto_tree_add_item(tree, proto_hsf2, tvb, 0, -1, ENC_NA);
        proto_tree *pt = proto_item_add_subtree(ti, ett_hsf2);
        proto_item_set_generated(proto_tree_add_uint(pt, hf_hsf2_continuation, tvb, 0, 0, tvb_reported_length(tvb)));
        proto_item_append_text(ti, ", Continuation of a PDU not decoded here (%u bytes)", tvb_reported_length(tvb));
        if (tvb_captured_length(tvb) < tvb_reported_length(tvb))
            hsf2_note_cut(tvb, pinfo, pt);
        if (ts_pdu_index(pinfo, proto_hsf2) == 0)
            col_clear(pinfo->cinfo, COL_INFO);
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "[Continuation]");
        col_set_fence(pinfo->cinfo, COL_INFO);
        return (int)tvb_captured_length(tvb);
    }
    if (fr->bad) {
        proto_item *ti = proto_tree_add_item(tree, proto_hsf2, tvb, 0, -1, ENC_NA);
        proto_tree *pt = proto_item_add_subtree(ti, ett_hsf2);
        proto_tree_add_item(pt, hf_hsf2_type, tvb, 0, 1, ENC_NA);
        proto_tree_add_expert_format(pt, pinfo, (fr->bad_len == 4 || fr->bad_len == 12) ? &ei_hsf2_bad_length
                                                                                        : &ei_hsf2_bad_frame,
                                     tvb, fr->bad_off, fr->bad_len, "%s", fr->why);
        proto_tree_add_item(pt, hf_hsf2_body, tvb, 0, -1, ENC_NA);
        if (ts_pdu_index(pinfo, proto_hsf2) == 0)
            col_clear(pinfo->cinfo, COL_INFO);
        col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "[Malformed: %s]", fr->why);
        col_set_fence(pinfo->cinfo, COL_INFO);
        return (int)tvb_captured_length(tvb);
    }
    if (fr->cut_len && fr->cut_len < tvb_reported_length(tvb))
        tvb = tvb_new_subset_length(tvb, 0, (gint)fr->cut_len);
    dissect_hsf2_pdu(tvb, pinfo, tree);
    return (int)tvb_captured_length(tvb);
}

static int dissect_hsf2(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    hsf2_framing_t framing;

    memset(&framing, 0, sizeof(framing));
    framing.bad_len = 1;
    framing.pinfo = pinfo;
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "HSF2");
    const struct tcpinfo *ti = ts_tcpinfo(pinfo, data);
    framing.skip = hsf2_stream_position(tvb, pinfo, ti, &framing.flow, &framing.seq);
    framing.seq_known = framing.flow && !ti->is_reassembled;
    tcp_dissect_pdus(tvb, pinfo, tree, hsf2_desegment, 1, get_hsf2_pdu_len, dissect_hsf2_frame, &framing);
    return (int)tvb_captured_length(tvb);
}

/* ---- heuristic (any port; doc/heuristics.md) --------------------------------------------------- */

#define HSF2_HEUR_MAX_NAME    65536u        /* service, method and type names */
#define HSF2_HEUR_MAX_TIMEOUT 86400000u     /* a day, in ms */
#define HSF2_HEUR_TB_MAX_SER  4             /* TB Remoting serializes with the first four codecs */

static gboolean hsf2_char_ident(guint8 c)       /* Java method name */
{
    return g_ascii_isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static gboolean hsf2_char_java_name(guint8 c)   /* class name, array descriptor */
{
    return hsf2_char_ident(c) || c == '.' || c == '[' || c == ';' || c == '<' || c == '>' || c == ',';
}

static gboolean hsf2_char_service(guint8 c)     /* interface:version[:group] */
{
    return hsf2_char_ident(c) || c == '.' || c == ':' || c == '-' || c == '/' || c == '@';
}

/* The byte at `at` is not captured, or one of the table's values. */
static gboolean hsf2_heur_in(tvbuff_t *tvb, guint at, guint avail, const value_string *vs)
{
    return at >= avail || try_val_to_str(tvb_get_uint8(tvb, (gint)at), vs) != NULL;
}

/* One PDU at off: the framing rule (hsf2_pdu_len) and the header facts as far as captured; full
 * (the first PDU): the whole header and the visible names too. *len: the PDU's length when
 * known, 0 otherwise. */
static gboolean hsf2_heur_pdu(tvbuff_t *tvb, guint off, guint avail, gboolean full, guint64 *len)
{
    guint n = avail - off, plen = 0;
    const char *why;
    int bad_off, bad_len;
    hsf2_len_t r = hsf2_pdu_len(tvb, NULL, (int)off, &plen, &why, &bad_off, &bad_len);
    guint8 t = tvb_get_uint8(tvb, off);

    *len = 0;
    if (r == HSF2_LEN_BAD || (full && r != HSF2_LEN_OK))
        return FALSE;
    if (r == HSF2_LEN_OK)
        *len = plen;
    switch (t) {
    case HSF2_TYPE_HEARTBEAT:   /* op, version, 3 reserved zero bytes; a request's timeout, a response's padding */
        if (!hsf2_heur_in(tvb, off + 1, avail, hsf2_op_vals) || !hsf2_heur_in(tvb, off + 2, avail, hsf2_version_vals) ||
            !ts_bytes_zero(tvb, off + 3, 3))
            return FALSE;
        if (n >= HSF2_HB_LEN) {
            guint32 last = tvb_get_ntohl(tvb, off + 14);
            if (tvb_get_uint8(tvb, off + 1) == 0 ? (last == 0 || last > HSF2_HEUR_MAX_TIMEOUT) : last != 0)
                return FALSE;
        }
        return TRUE;
    case HSF2_TYPE_HSF:         /* version; the op is checked by the framing */
        if (!hsf2_heur_in(tvb, off + 1, avail, hsf2_version_vals))
            return FALSE;
        if (n < 3)
            return TRUE;
        if (tvb_get_uint8(tvb, off + 2) == 1)       /* response: status, codec, reserved */
            return hsf2_heur_in(tvb, off + 3, avail, hsf2_status_vals) &&
                   hsf2_heur_in(tvb, off + 4, avail, hsf2_codec_vals) && ts_bytes_zero(tvb, off + 5, 3);
        /* request: codec, reserved, timeout, name lengths */
        if (!hsf2_heur_in(tvb, off + 3, avail, hsf2_codec_vals) || !ts_bytes_zero(tvb, off + 4, 3))
            return FALSE;
        if (n < 31)
            return TRUE;
        {
            guint32 timeout = tvb_get_ntohl(tvb, off + 15);
            guint32 ls = tvb_get_ntohl(tvb, off + 19), lm = tvb_get_ntohl(tvb, off + 23);
            guint32 na = tvb_get_ntohl(tvb, off + 27);  /* <= HSF2_MAX_ARGS (framing) */
            guint hdr = HSF2_REQ_FIXED + 8 * na;
            if (timeout > HSF2_HEUR_MAX_TIMEOUT || ls < 1 || ls > HSF2_HEUR_MAX_NAME || lm < 1 ||
                lm > HSF2_HEUR_MAX_NAME)
                return FALSE;
            if (n < hdr)
                return TRUE;
            for (guint i = 0; i < na; i++) {
                guint32 tl = tvb_get_ntohl(tvb, off + 31 + 4 * i);
                if (tl < 1 || tl > HSF2_HEUR_MAX_NAME)
                    return FALSE;
            }
            if (full) {                 /* the visible service, method and first type names */
                guint s = off + hdr, m = s + ls;
                if (s >= avail)
                    return FALSE;       /* want to see at least the service name's start */
                if (!ts_bytes_in_class(tvb, s, ls, 128, hsf2_char_service) ||
                    !ts_bytes_in_class(tvb, m, lm, 64, hsf2_char_ident))
                    return FALSE;
                if (na > 0 && !ts_bytes_in_class(tvb, m + lm, tvb_get_ntohl(tvb, off + 31), 64, hsf2_char_java_name))
                    return FALSE;
            }
        }
        return TRUE;
    case HSF2_TYPE_TB: {        /* request flag, serializer, direction (non-zero in requests), reserved */
        if ((n > 1 && tvb_get_uint8(tvb, off + 1) > 1) || !hsf2_heur_in(tvb, off + 2, avail, hsf2_codec_vals) ||
            (n > 2 && tvb_get_uint8(tvb, off + 2) > HSF2_HEUR_TB_MAX_SER) ||
            !hsf2_heur_in(tvb, off + 3, avail, hsf2_tr_direction_vals) || !ts_bytes_zero(tvb, off + 4, 1))
            return FALSE;
        if (n < HSF2_TB_HDR)
            return TRUE;
        guint32 c = tvb_get_ntohl(tvb, off + 5);
        guint8 cn = tvb_get_uint8(tvb, off + 9);
        if ((tvb_get_uint8(tvb, off + 1) == 0 && tvb_get_uint8(tvb, off + 3) == 0) || c < 2 || cn < 3)
            return FALSE;
        if (full) {                     /* a Hessian map ('M' 't' or Hessian 2 'H'/'M'/'C'/'O') and a class name */
            guint8 m = off + HSF2_TB_HDR < avail ? tvb_get_uint8(tvb, off + HSF2_TB_HDR) : 0;
            if (m != 'M' && m != 'H' && m != 'C' && m != 'O')
                return FALSE;
            if (!ts_bytes_in_class(tvb, off + HSF2_TB_HDR + c, cn, 64, hsf2_char_java_name))
                return FALSE;
        }
        return TRUE;
    }
    default:                    /* Dubbo, handshake: not the evidence */
        return FALSE;
    }
}

/* The segment starts with a whole HSF2 header (heartbeat, HSF request/response, TB Remoting)
 * whose facts all hold; the PDUs that follow have valid headers. Never throws. */
gboolean hsf2_heur_check(tvbuff_t *tvb)
{
    guint avail = tvb_captured_length(tvb);
    guint64 len;
    if (avail < HSF2_HB_LEN || !hsf2_heur_pdu(tvb, 0, avail, TRUE, &len) || len == 0)
        return FALSE;
    guint64 off = len;
    for (guint i = 0; i < 64 && off < avail; i++) {
        if (!hsf2_heur_pdu(tvb, (guint)off, avail, FALSE, &len))
            return FALSE;
        if (len == 0)
            break;
        off += len;
    }
    return TRUE;
}

/* A recognised conversation is dissected like one on the port, from this frame on. */
static ts_heur_ret dissect_hsf2_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (!hsf2_heur_check(tvb))
        return FALSE;
    ts_service_heuristic(pinfo, proto_hsf2, hsf2_handle);
    dissect_hsf2(tvb, pinfo, tree, data);
    return TRUE;
}

/* ---- registration ----------------------------------------------------------------------------- */

void proto_register_hsf2(void)
{
    static hf_register_info hf[] = {
        { &hf_hsf2_type, { "Frame type", "hsf2.type", FT_UINT8, BASE_HEX, VALS(hsf2_type_vals), 0x0,
                           "First byte: 0x0C heartbeat, 0x0D TB Remoting, 0x0E HSF remoting, 0xDA Dubbo", HFILL } },
        { &hf_hsf2_version, { "Version", "hsf2.version", FT_UINT8, BASE_DEC, VALS(hsf2_version_vals), 0x0, NULL, HFILL } },
        { &hf_hsf2_op, { "Op", "hsf2.op", FT_UINT8, BASE_DEC, VALS(hsf2_op_vals), 0x0, NULL, HFILL } },
        { &hf_hsf2_codec, { "Codec", "hsf2.codec", FT_UINT8, BASE_DEC, VALS(hsf2_codec_vals), 0x0,
                            "Serialization of arguments, results and properties", HFILL } },
        { &hf_hsf2_reserved, { "Reserved", "hsf2.reserved", FT_BYTES, BASE_NONE, NULL, 0x0, "Extend bytes", HFILL } },
        { &hf_hsf2_req_id, { "Request id", "hsf2.req_id", FT_INT64, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_timeout, { "Timeout", "hsf2.timeout", FT_UINT32, BASE_DEC | BASE_UNIT_STRING,
                              &units_milliseconds, 0x0, "The consumer's timeout for this request", HFILL } },
        { &hf_hsf2_hb_pad, { "Padding", "hsf2.hb.pad", FT_UINT32, BASE_HEX, NULL, 0x0,
                             "Heartbeat response: zero padding in the place of the request's timeout", HFILL } },
        { &hf_hsf2_service_len, { "Service name length", "hsf2.service_len", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_method_len, { "Method name length", "hsf2.method_len", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_arg_count, { "Argument count", "hsf2.arg.count", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_arg_type_len, { "Argument type length", "hsf2.arg.type_len", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_arg_obj_len, { "Argument object length", "hsf2.arg.obj_len", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_props_len, { "Request properties length", "hsf2.props_len", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_service, { "Service", "hsf2.service", FT_STRING, BASE_NONE, NULL, 0x0,
                              "Service unique name (interface:version)", HFILL } },
        { &hf_hsf2_method, { "Method", "hsf2.method", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_arg, { "Argument", "hsf2.arg", FT_UINT32, BASE_DEC, NULL, 0x0, "Argument number (1-based)", HFILL } },
        { &hf_hsf2_arg_type, { "Argument type", "hsf2.arg.type", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_arg_obj, { "Argument object", "hsf2.arg.obj", FT_BYTES, BASE_NONE, NULL, 0x0,
                              "The serialized argument", HFILL } },
        { &hf_hsf2_arg_value, { "Argument value", "hsf2.arg.value", FT_STRING, BASE_NONE, NULL, 0x0,
                                "One-line rendering of the decoded argument", HFILL } },
        { &hf_hsf2_generic_method, { "Generic call method", "hsf2.generic_method", FT_STRING, BASE_NONE, NULL, 0x0,
                                     "$invoke: the method really called (argument 1)", HFILL } },
        { &hf_hsf2_props, { "Request properties", "hsf2.props", FT_BYTES, BASE_NONE, NULL, 0x0,
                            "Serialized request properties (trace id, rpc id…)", HFILL } },
        { &hf_hsf2_status, { "Status", "hsf2.status", FT_UINT8, BASE_DEC, VALS(hsf2_status_vals), 0x0, NULL, HFILL } },
        { &hf_hsf2_body_len, { "Body length", "hsf2.body_len", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_body, { "Body", "hsf2.body", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_result, { "Result", "hsf2.result", FT_STRING, BASE_NONE, NULL, 0x0,
                             "One-line rendering of the decoded result", HFILL } },
        { &hf_hsf2_exception, { "Exception", "hsf2.exception", FT_STRING, BASE_NONE, NULL, 0x0,
                                "Class of an exception returned as the result", HFILL } },
        { &hf_hsf2_exception_msg, { "Exception message", "hsf2.exception_msg", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_error_msg, { "Error message", "hsf2.error_msg", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_response_in, { "Response in", "hsf2.response_in", FT_FRAMENUM, BASE_NONE,
                                  FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, NULL, HFILL } },
        { &hf_hsf2_response_to, { "Request in", "hsf2.response_to", FT_FRAMENUM, BASE_NONE,
                                  FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, NULL, HFILL } },
        { &hf_hsf2_time, { "Response time", "hsf2.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
                           "Time between the request and this response", HFILL } },
        { &hf_hsf2_no_response, { "No response", "hsf2.no_response", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
                                  "The request is not answered in this capture", HFILL } },
        { &hf_hsf2_srt_index, { "SRT row", "hsf2.srt_index", FT_UINT16, BASE_DEC, NULL, 0x0,
                                "Row of the method in Statistics > Service Response Time > HSF2 (requests and responses)",
                                HFILL } },
        { &hf_hsf2_response_lost, { "Response not in the capture", "hsf2.response_lost", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
                                    "The response was in bytes the capture misses (a lost segment, PDUs cut by the snaplen)",
                                    HFILL } },
        { &hf_hsf2_cut, { "Cut by the snaplen", "hsf2.cut", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
                          "Only the first part of this PDU is in the capture (the frame was cut by the snaplen)", HFILL } },
        { &hf_hsf2_continuation, { "Continuation", "hsf2.continuation", FT_UINT32, BASE_DEC, NULL, 0x0,
                                   "Bytes that continue a PDU not decoded here (cut by the snaplen, or whose start "
                                   "is not in the capture)", HFILL } },
        { &hf_hsf2_over_timeout, { "Answered after the timeout", "hsf2.over_timeout", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
                                   "The response time exceeds the request's own timeout", HFILL } },
        { &hf_hsf2_tr_request_flag, { "Request flag", "hsf2.tr.request_flag", FT_UINT8, BASE_DEC,
                                      VALS(hsf2_op_vals), 0x0, NULL, HFILL } },
        { &hf_hsf2_tr_direction, { "Direction", "hsf2.tr.direction", FT_UINT8, BASE_DEC,
                                   VALS(hsf2_tr_direction_vals), 0x0, NULL, HFILL } },
        { &hf_hsf2_tr_conn_len, { "Connection object length", "hsf2.tr.conn_len", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_tr_class_len, { "Application class name length", "hsf2.tr.class_len", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_tr_app_len, { "Application object length", "hsf2.tr.app_len", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_tr_conn, { "Connection object", "hsf2.tr.conn", FT_BYTES, BASE_NONE, NULL, 0x0,
                              "ConnectionRequest / ConnectionResponse (holds the request id)", HFILL } },
        { &hf_hsf2_tr_app_class, { "Application class", "hsf2.tr.app_class", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_tr_app, { "Application object", "hsf2.tr.app", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_tr_result, { "Result code", "hsf2.tr.result", FT_INT32, BASE_DEC, NULL, 0x0,
                                "ConnectionResponse.result", HFILL } },
        { &hf_hsf2_tr_heartbeat, { "Heartbeat", "hsf2.tr.heartbeat", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
                                   "Application class is ConnectionHeartBeat", HFILL } },
        { &hf_hsf2_dubbo_magic, { "Dubbo magic", "hsf2.dubbo.magic", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_dubbo_flags, { "Dubbo flags", "hsf2.dubbo.flags", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_dubbo_request, { "Request", "hsf2.dubbo.request", FT_BOOLEAN, 8,
            NULL, 0x80, NULL, HFILL } },
        { &hf_hsf2_dubbo_two_way, { "Two-way", "hsf2.dubbo.two_way", FT_BOOLEAN, 8,
            NULL, 0x40, NULL, HFILL } },
        { &hf_hsf2_dubbo_event, { "Event (heartbeat)", "hsf2.dubbo.event", FT_BOOLEAN, 8,
            NULL, 0x20, NULL, HFILL } },
        { &hf_hsf2_dubbo_serialization, { "Serialization", "hsf2.dubbo.serialization", FT_UINT8, BASE_DEC,
                                          VALS(hsf2_dubbo_serialization_vals), 0x1F, NULL, HFILL } },
        { &hf_hsf2_dubbo_status, { "Dubbo status", "hsf2.dubbo.status", FT_UINT8, BASE_DEC,
                                   VALS(hsf2_dubbo_status_vals), 0x0, NULL, HFILL } },
        { &hf_hsf2_dubbo_version, { "Dubbo version", "hsf2.dubbo.version", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hsf2_dubbo_param_types, { "Parameter types", "hsf2.dubbo.param_types", FT_STRING, BASE_NONE, NULL, 0x0,
                                        "JVM method descriptor of the parameters", HFILL } },
        { &hf_hsf2_dubbo_result_flag, { "Result flag", "hsf2.dubbo.result_flag", FT_UINT32, BASE_DEC,
                                        VALS(hsf2_dubbo_result_vals), 0x0, NULL, HFILL } },
        { &hf_hsf2_dubbo_attachments, { "Attachments", "hsf2.dubbo.attachments", FT_UINT32, BASE_DEC, NULL, 0x0,
                                        "Number of attachments", HFILL } },
    };
    static gint *ett[] = { &ett_hsf2, &ett_hsf2_lengths, &ett_hsf2_arg, &ett_hsf2_obj, &ett_hsf2_flags };
    static ei_register_info ei[] = {
        { &ei_hsf2_status, { "hsf2.status.error", PI_RESPONSE_CODE, PI_WARN, "Response status is not OK", EXPFILL } },
        { &ei_hsf2_late, { "hsf2.late", PI_SEQUENCE, PI_WARN,
                           "Response time exceeds the request's timeout", EXPFILL } },
        { &ei_hsf2_no_response, { "hsf2.no_response.expert", PI_SEQUENCE, PI_WARN,
                                  "No response seen to this request", EXPFILL } },
        { &ei_hsf2_response_lost, { "hsf2.response_lost.expert", PI_SEQUENCE, PI_NOTE,
                                    "Response not in the capture (lost segment)", EXPFILL } },
        { &ei_hsf2_cut, { "hsf2.cut.expert", PI_UNDECODED, PI_NOTE,
                          "Frame cut by the snaplen: the rest of the PDU is not decoded", EXPFILL } },
        { &ei_hsf2_no_request, { "hsf2.no_request", PI_SEQUENCE, PI_NOTE,
                                 "Response to a request not in this capture", EXPFILL } },
        { &ei_hsf2_closing, { "hsf2.server_closing", PI_SEQUENCE, PI_WARN,
                              "Provider is closing (SERVER_CLOSING)", EXPFILL } },
        { &ei_hsf2_bad_frame, { "hsf2.bad_frame", PI_MALFORMED, PI_ERROR, "Unknown or malformed frame", EXPFILL } },
        { &ei_hsf2_bad_length, { "hsf2.bad_length", PI_MALFORMED, PI_ERROR, "Invalid length field", EXPFILL } },
        { &ei_hsf2_exception, { "hsf2.exception.expert", PI_RESPONSE_CODE, PI_NOTE,
                                "The result is an exception", EXPFILL } },
        { &ei_hsf2_trailing, { "hsf2.trailing", PI_MALFORMED, PI_WARN,
                               "Bytes after the serialized value", EXPFILL } },
        { &ei_hsf2_empty_name, { "hsf2.empty_name", PI_PROTOCOL, PI_WARN,
                                 "Empty service or method name", EXPFILL } },
    };
    module_t *m;
    expert_module_t *em;

    proto_hsf2 = proto_register_protocol("Taobao HSF2 RPC", "HSF2", "hsf2");
    proto_register_field_array(proto_hsf2, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    em = expert_register_protocol(proto_hsf2);
    expert_register_field_array(em, ei, array_length(ei));
    hessian_register();

    m = prefs_register_protocol(proto_hsf2, NULL);
    prefs_register_bool_preference(m, "desegment", "Reassemble HSF2 frames spanning several TCP segments",
                                   "Whether frames spanning several TCP segments are reassembled "
                                   "(TCP's \"Allow subdissectors to reassemble TCP streams\" must be on too)",
                                   &hsf2_desegment);

    hsf2_handle = register_dissector("hsf2", dissect_hsf2, proto_hsf2);
    hsf2_tap = register_tap("hsf2");
    hsf2_method_index = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
    hsf2_call_index = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);

    hsf2_srt_vals[0].value = HSF2_SRT_HEARTBEAT;
    hsf2_srt_vals[0].strptr = "Heartbeat";
    for (guint k = 1; k <= HSF2_SRT_METHODS; k++) {
        hsf2_srt_vals[k].value = k;
        hsf2_srt_vals[k].strptr = wmem_strdup_printf(wmem_epan_scope(), "Method #%u", k);
    }
    hsf2_srt_vals[HSF2_SRT_OTHER].value = HSF2_SRT_OTHER;
    hsf2_srt_vals[HSF2_SRT_OTHER].strptr = "(other methods)";
    hsf2_srt_vals[HSF2_SRT_OTHER + 1].value = 0;
    hsf2_srt_vals[HSF2_SRT_OTHER + 1].strptr = NULL;

    ts_stats_register_hot_table(&hsf2_hot_table);
    ts_stats_register_srt(proto_hsf2, "hsf2", hsf2_srt_vals, "hsf2.srt_index");
}

void proto_reg_handoff_hsf2(void)
{
    dissector_add_uint_range_with_preference("tcp.port", HSF2_TCP_PORTS, hsf2_handle);
    heur_dissector_add("tcp", dissect_hsf2_heur, "HSF2 over TCP (any port)", "hsf2_tcp", proto_hsf2,
                       HEURISTIC_ENABLE);
    json_handle = find_dissector_add_dependency("json", proto_hsf2);
}
