/* transactions.h — request/response tracking shared by every dissector of troubleshark.
 *
 * A table lives in the TCP (or UDP) conversation, one per protocol. Requests and responses are
 * matched on the FIRST pass only (!PINFO_FD_VISITED); the result is stored per PDU (frame number +
 * the PDU's index in that frame) so every later pass, the GUI and taps see the same links.
 *
 * Two matching modes:
 *   - by id  (HSF2 request id, RocketMQ opaque): the newest request with that id in that "space"
 *     (e.g. which side sent the request) is matched; a reused id simply starts a new transaction.
 *   - FIFO   (Aerospike, Trade Ping/Pong): responses answer the oldest open request of the space;
 *     a multi-record answer keeps the request open until its last record.
 *
 * Usage in a dissector, once per PDU:
 *     guint idx = ts_pdu_index(pinfo, proto_x);            // every pass, same value
 *     ts_trans_t *t = ts_trans_lookup(pinfo, proto_x, idx); // already matched on an earlier pass?
 *     if (!t && !PINFO_FD_VISITED(pinfo)) {
 *         ts_trans_table_t *tbl = ts_trans_table(pinfo, proto_x, TS_TRANS_BY_ID);
 *         t = is_request ? ts_trans_request(pinfo, tbl, space, id, idx)
 *                        : ts_trans_response(pinfo, tbl, space, id, last, idx);
 *     }
 *     ts_trans_add_links(tree, tvb, pinfo, t, is_request, &hf_links);
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TS_TRANSACTIONS_H
#define TS_TRANSACTIONS_H

#include "ts-compat.h"

typedef enum {
    TS_TRANS_BY_ID = 0,
    TS_TRANS_FIFO  = 1,
} ts_trans_mode_t;

#define TS_TRANS_SPACES 2   /* id spaces per conversation: e.g. 0 = client requests, 1 = server requests */

typedef struct ts_trans {
    guint64  id;             /* request id / opaque (0 in FIFO mode) */
    gint64   req_secs;       /* time of the request: ts_trans_req_time() */
    gint64   rsp_delta_ns;   /* time of the first response minus req time: ts_trans_rsp_delta() */
    guint32  req_frame;      /* 0: response without request */
    guint32  rsp_frame;      /* first response frame, 0: unanswered (so far) */
    guint32  req_nsecs;
    guint32  n_responses : 22;   /* response PDUs matched to it (stops at TS_TRANS_MAX_RESPONSES) */
    guint32  space    : 7;   /* < TS_TRANS_SPACES */
    guint32  has_data : 1;   /* a dissector's request record follows: ts_trans_req_data() */
    guint32  complete : 1;   /* the last response record was seen */
    guint32  rsp_lost : 1;   /* unanswered because a gap in the capture (lost segment) hides the
                              * response: "response not in the capture", not "no response" */
    /* one per transaction for the whole file: keep it at 40 bytes (issue 18) */
} ts_trans_t;

/* What a dissector keeps of the request (file scope, allocated with the transaction by
 * ts_trans_request_with_data() or ts_trans_new()), e.g. its key; NULL: nothing. */
static inline void *ts_trans_req_data(const ts_trans_t *t)
{
    return (t && t->has_data) ? (void *)(t + 1) : NULL;
}

#define TS_TRANS_MAX_RESPONSES 0x3fffffu

/* Times of a transaction (kept compactly: a request time and the response's offset from it). */
static inline nstime_t ts_trans_req_time(const ts_trans_t *t)
{
    nstime_t n;
    n.secs = (time_t)t->req_secs;
    n.nsecs = (int)t->req_nsecs;
    return n;
}

static inline void ts_trans_set_req_time(ts_trans_t *t, const nstime_t *n)
{
    t->req_secs = (gint64)n->secs;
    t->req_nsecs = (guint32)(n->nsecs < 0 ? 0 : n->nsecs);
}

/* The first response's time minus the request's (secs and nsecs of one sign, as nstime_delta());
 * meaningful once rsp_frame is set. */
nstime_t ts_trans_rsp_delta(const ts_trans_t *t);
void ts_trans_set_rsp_time(ts_trans_t *t, const nstime_t *n);

typedef struct ts_trans_table ts_trans_table_t;

/* Index of the current PDU within this frame for protocol `proto`: 0 for the first PDU,
 * 1 for the next... Call exactly once per PDU; stable across passes. */
guint ts_pdu_index(packet_info *pinfo, int proto);

/* Per-PDU, per-frame and per-packet records of a protocol. transactions.c owns every
 * p_add_proto_data() key of a protocol that uses it (no dissector picks raw keys), so the
 * records of the dissector and the ts_trans_t of each PDU never collide.
 *   - per PDU   (file scope): keyed by the PDU's index in the frame (ts_pdu_index()) and a slot,
 *                            for results of the first pass that later passes show (kept in one
 *                            compact array per protocol and slot, not as a proto-data entry);
 *   - per frame (file scope): one record per frame;
 *   - per packet (pinfo->pool): one record for the current pass over the frame only.
 * The *_set calls store a pointer whose memory the caller allocated in the matching scope. */
typedef enum {
    TS_PDU_SLOT_0 = 0,   /* a dissector's (first) per-PDU record */
    TS_PDU_SLOT_1,       /* a second per-PDU record of the same PDU */
    TS_PDU_SLOTS
} ts_pdu_slot_t;

void *ts_pdu_data_get(packet_info *pinfo, int proto, ts_pdu_slot_t slot, guint pdu_index);
void  ts_pdu_data_set(packet_info *pinfo, int proto, ts_pdu_slot_t slot, guint pdu_index, void *data);
void *ts_frame_data_get(packet_info *pinfo, int proto);
void  ts_frame_data_set(packet_info *pinfo, int proto, void *data);
void *ts_packet_data_get(packet_info *pinfo, int proto);
void  ts_packet_data_set(packet_info *pinfo, int proto, void *data);

/* The TCP layer's description of the segment being dissected (struct tcpinfo, the `data` TCP
 * hands its subdissectors directly, through a heuristic or through tcp_dissect_pdus()), or NULL
 * when the caller is not TCP: `data` is then something else (e.g. TLS's), never to be read as a
 * tcpinfo. Every dissector that follows TCP sequence numbers asks here first. */
struct tcpinfo;
const struct tcpinfo *ts_tcpinfo(packet_info *pinfo, void *data);

/* How far one direction of a TCP connection has been handed to a dissector (first pass): the
 * sequence number after the furthest byte seen. ts_seq_pos_advance() takes the segment
 * [start, end): TRUE when it starts beyond that point (bytes of the direction are missing from
 * the capture: lost, or coming later out of order); the point then moves to `end` when that is
 * further. Sequence numbers compare modulo 2^32. */
typedef struct {
    guint32  end;
    gboolean known;
} ts_seq_pos_t;

gboolean ts_seq_pos_advance(ts_seq_pos_t *pos, guint32 start, guint32 end);

/* nstime_t from milliseconds:
 *   ts_nstime_from_ms        an unsigned time since the Unix epoch or duration;
 *   ts_nstime_from_signed_ms a signed duration: a negative one has secs and nsecs both <= 0
 *                            (what nstime_delta() gives, what FT_RELATIVE_TIME expects);
 *   ts_nstime_from_epoch_ms  a signed time since the Unix epoch: before 1970 secs < 0 and
 *                            0 <= nsecs < 1 s (what FT_ABSOLUTE_TIME expects). */
nstime_t ts_nstime_from_ms(guint64 ms);
nstime_t ts_nstime_from_signed_ms(gint64 ms);
nstime_t ts_nstime_from_epoch_ms(gint64 ms);

/* A new table (file scope) owned by `proto`: keep it in your own conversation state. */
ts_trans_table_t *ts_trans_table_new(int proto, ts_trans_mode_t mode);
/* Convenience for dissectors that keep no other conversation data: the table is the
 * conversation's proto data of `proto` (created on first use). Do NOT use it if you attach your
 * own struct with conversation_add_proto_data(conv, proto, ...): use ts_trans_table_new(). */
ts_trans_table_t *ts_trans_table(packet_info *pinfo, int proto, ts_trans_mode_t mode);

/* First pass only. Record a request; returns the new transaction (also remembered for this PDU). */
ts_trans_t *ts_trans_request(packet_info *pinfo, ts_trans_table_t *tbl, guint32 space, guint64 id,
                             guint pdu_index);
/* The same, with `data_size` zeroed bytes allocated with the transaction for what the dissector
 * keeps of the request (ts_trans_req_data(); one allocation instead of two). */
ts_trans_t *ts_trans_request_with_data(packet_info *pinfo, ts_trans_table_t *tbl, guint32 space, guint64 id,
                                       guint pdu_index, gsize data_size);
/* First pass only: a transaction in no table (e.g. a request whose id the capture cut), file
 * scope, zeroed, followed by `data_size` zeroed bytes for ts_trans_req_data() when not 0. */
ts_trans_t *ts_trans_new(gsize data_size);

/* First pass only. Match a response (last = final record of the answer); returns the matched
 * transaction, or a transaction with req_frame == 0 when no request is known. Remembered. */
ts_trans_t *ts_trans_response(packet_info *pinfo, ts_trans_table_t *tbl, guint32 space, guint64 id,
                              gboolean last, guint pdu_index);
/* First pass only, FIFO mode: the oldest open request of `space` — the one the next response
 * answers — or NULL. Lets a dissector decide how to read a response from its request. */
ts_trans_t *ts_trans_fifo_head(ts_trans_table_t *tbl, guint32 space);

/* First pass only: forget an open request that expects no answer (one-way). */
void ts_trans_forget(ts_trans_table_t *tbl, ts_trans_t *t);

/* First pass only, FIFO mode, for protocols without a request id whose peers keep one command in
 * flight per connection (Aerospike): after a gap in the capture hid responses, a response answers
 * the NEWEST open request of `space` (the one sent last before it), not the oldest. Every older
 * open request is closed: one that got no response at all is marked rsp_lost ("response not in
 * the capture"); one whose multi-record answer had started is just closed. Otherwise like
 * ts_trans_response() (last = final record of the answer; no open request: req_frame == 0). */
ts_trans_t *ts_trans_response_newest(packet_info *pinfo, ts_trans_table_t *tbl, guint32 space,
                                     gboolean last, guint pdu_index);
/* First pass only, FIFO mode: the newest open request of `space`, or NULL; and how many are open. */
ts_trans_t *ts_trans_fifo_tail(ts_trans_table_t *tbl, guint32 space);
guint ts_trans_fifo_count(ts_trans_table_t *tbl, guint32 space);

/* First pass: remember open request `t` in `open` (a file-scope list of requests a dissector may
 * have to mark rsp_lost later). Answered requests are swept out each time the list has doubled
 * since the last sweep (amortised constant time; *limit, 0 at first, is the list's state), so the
 * list holds about twice the requests still open, not every request of the file. */
void ts_trans_open_add(wmem_list_t *open, guint *limit, ts_trans_t *t);

/* First pass: one file-scope copy of each distinct string (service, method, topic... names a
 * capture repeats for every request), NULL for NULL. Never modify the result. After
 * TS_INTERN_MAX distinct strings, further ones are plain copies (bounded map). */
#define TS_INTERN_MAX 65536
const char *ts_intern(const char *s);

/* Any pass: the transaction recorded for this PDU on the first pass, or NULL. */
ts_trans_t *ts_trans_lookup(packet_info *pinfo, int proto, guint pdu_index);

/* Generated link fields of one protocol. Any hf may be NULL (not shown). */
typedef struct ts_trans_hf {
    int *response_in;   /* FT_FRAMENUM, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE) */
    int *response_to;   /* FT_FRAMENUM, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST) */
    int *time;          /* FT_RELATIVE_TIME */
    int *no_response;   /* FT_BOOLEAN (BASE_NONE) or FT_NONE */
    expert_field *ei_no_response;   /* expert on unanswered requests (second pass only) */
    expert_field *ei_no_request;    /* expert on responses without a request */
} ts_trans_hf_t;

/* What a request marked rsp_lost (its response hidden by a capture gap) shows instead of
 * no_response / ei_no_response (later passes only). */
typedef struct ts_trans_lost_hf {
    int *response_lost;             /* FT_BOOLEAN (BASE_NONE) */
    expert_field *ei_response_lost;
} ts_trans_lost_hf_t;

/* Adds response_in / no_response on a request PDU, response_to / time on a response PDU.
 * "no_response" is only claimed on a later pass (a single-pass tshark has not seen the future).
 * Returns the time between request and this response in *delta when non-NULL and known. */
gboolean ts_trans_add_links(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, ts_trans_t *t,
                            gboolean is_request, const ts_trans_hf_t *hf, nstime_t *delta);
/* The same; a request marked rsp_lost shows `lost` (when not NULL) instead of no_response. */
gboolean ts_trans_add_links_lost(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, ts_trans_t *t,
                                 gboolean is_request, const ts_trans_hf_t *hf, const ts_trans_lost_hf_t *lost,
                                 nstime_t *delta);

#endif /* TS_TRANSACTIONS_H */
