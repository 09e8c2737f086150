/* transactions.c — request/response tracking shared by every dissector (see transactions.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "transactions.h"

#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/dissectors/packet-tcp.h>

/* The p_add_proto_data keys of a protocol, all allocated here.
 * pinfo->pool (this pass): the PDU counter and the dissector's per-packet record.
 * File scope: per PDU, TS_KEY_PDU(area, idx) with the area in the top byte: the ts_trans_t of
 * the PDU, then the dissector's slots; and the dissector's per-frame record. PDU indexes are
 * below 2^24 (a frame holds far fewer PDUs), so no two keys collide. */
#define TS_KEY_PDU_COUNTER   0x7fff0000u
#define TS_KEY_PACKET        0x7fff0001u
#define TS_KEY_FRAME         0x7fff0002u
#define TS_KEY_AREA_TRANS    1u
#define TS_KEY_AREA_SLOT0    2u            /* + ts_pdu_slot_t */
#define TS_KEY_PDU(area, idx) (((guint)(area) << 24) | ((guint)(idx) & 0xffffffu))

G_STATIC_ASSERT(sizeof(ts_trans_t) <= 48);

struct ts_trans_table {
    int             proto;                    /* owner: per-PDU results are stored under it */
    ts_trans_mode_t mode;
    wmem_map_t     *by_id[TS_TRANS_SPACES];   /* guint64 id -> newest ts_trans_t */
    wmem_list_t    *fifo[TS_TRANS_SPACES];    /* open requests, oldest first */
};

guint ts_pdu_index(packet_info *pinfo, int proto)
{
    guint *counter = (guint *)p_get_proto_data(pinfo->pool, pinfo, proto, TS_KEY_PDU_COUNTER);
    if (!counter) {
        counter = wmem_new0(pinfo->pool, guint);
        p_add_proto_data(pinfo->pool, pinfo, proto, TS_KEY_PDU_COUNTER, counter);
    }
    return (*counter)++;
}

void *ts_frame_data_get(packet_info *pinfo, int proto)
{
    return p_get_proto_data(wmem_file_scope(), pinfo, proto, TS_KEY_FRAME);
}

void ts_frame_data_set(packet_info *pinfo, int proto, void *data)
{
    p_add_proto_data(wmem_file_scope(), pinfo, proto, TS_KEY_FRAME, data);
}

void *ts_packet_data_get(packet_info *pinfo, int proto)
{
    return p_get_proto_data(pinfo->pool, pinfo, proto, TS_KEY_PACKET);
}

void ts_packet_data_set(packet_info *pinfo, int proto, void *data)
{
    p_add_proto_data(pinfo->pool, pinfo, proto, TS_KEY_PACKET, data);
}

nstime_t ts_nstime_from_ms(guint64 ms)
{
    nstime_t t;
    t.secs = (time_t)(ms / 1000);
    t.nsecs = (int)((ms % 1000) * 1000000);
    return t;
}

nstime_t ts_nstime_from_signed_ms(gint64 ms)
{
    nstime_t t;
    if (ms >= 0)
        return ts_nstime_from_ms((guint64)ms);
    t = ts_nstime_from_ms(-(guint64)ms);
    t.secs = -t.secs;
    t.nsecs = -t.nsecs;
    return t;
}

nstime_t ts_nstime_from_epoch_ms(gint64 ms)
{
    nstime_t t = ts_nstime_from_signed_ms(ms);
    if (t.nsecs < 0) {
        t.secs--;
        t.nsecs += 1000000000;
    }
    return t;
}

ts_trans_table_t *ts_trans_table_new(int proto, ts_trans_mode_t mode)
{
    ts_trans_table_t *tbl = wmem_new0(wmem_file_scope(), ts_trans_table_t);
    tbl->proto = proto;
    tbl->mode = mode;
    for (int s = 0; s < TS_TRANS_SPACES; s++) {
        tbl->by_id[s] = wmem_map_new(wmem_file_scope(), wmem_int64_hash, g_int64_equal);
        tbl->fifo[s] = wmem_list_new(wmem_file_scope());
    }
    return tbl;
}

ts_trans_table_t *ts_trans_table(packet_info *pinfo, int proto, ts_trans_mode_t mode)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    ts_trans_table_t *tbl = (ts_trans_table_t *)conversation_get_proto_data(conv, proto);
    if (!tbl) {
        tbl = ts_trans_table_new(proto, mode);
        conversation_add_proto_data(conv, proto, tbl);
    }
    return tbl;
}

/* ---- per-PDU records: the transaction of each PDU, the dissectors' slots (issue 18) ---------
 * The first pass meets PDUs in order of (frame number, PDU index), so the records of one area
 * (a protocol's transactions, or one of its slots) are appended to one array, in chunks, 13
 * bytes a PDU: no per-PDU allocation, no proto-data entry (which costs a wmem chunk and a list
 * node per PDU, and which a one-pass tshark never reads again). Later passes find a PDU by binary
 * search. A PDU out of that order (not seen in practice) or with an index the byte cannot hold
 * is kept as frame proto data instead, under TS_KEY_PDU(area, index). */
#define TS_PDUREC_CHUNK   4096u
#define TS_PDUREC_IDX_MAX 0xffu

typedef struct {
    guint32 frame[TS_PDUREC_CHUNK];
    void   *data[TS_PDUREC_CHUNK];
    guint8  idx[TS_PDUREC_CHUNK];
} ts_pdurec_chunk_t;

typedef struct {
    ts_pdurec_chunk_t **chunks;
    guint               n_chunks;   /* allocated */
    guint               cap_chunks; /* of the chunks array */
    guint               n;          /* records */
} ts_pdurecs_t;

static wmem_map_t *ts_pdurecs;   /* (proto, area) -> ts_pdurecs_t (file scope) */

static ts_pdurecs_t *pdurecs_of(int proto, guint area, gboolean create)
{
    ts_pdurecs_t *l;
    gpointer key = GUINT_TO_POINTER(((guint)proto << 3) | area);
    if (!ts_pdurecs) {
        if (!create)
            return NULL;
        ts_pdurecs = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
    }
    l = (ts_pdurecs_t *)wmem_map_lookup(ts_pdurecs, key);
    if (!l && create) {
        l = wmem_new0(wmem_file_scope(), ts_pdurecs_t);
        wmem_map_insert(ts_pdurecs, key, l);
    }
    return l;
}

#define REC_FRAME(l, i) ((l)->chunks[(i) / TS_PDUREC_CHUNK]->frame[(i) % TS_PDUREC_CHUNK])
#define REC_IDX(l, i)   ((l)->chunks[(i) / TS_PDUREC_CHUNK]->idx[(i) % TS_PDUREC_CHUNK])
#define REC_DATA(l, i)  ((l)->chunks[(i) / TS_PDUREC_CHUNK]->data[(i) % TS_PDUREC_CHUNK])

/* <0, 0, >0: record i against (frame, idx) */
static int rec_cmp(const ts_pdurecs_t *l, guint i, guint32 frame, guint idx)
{
    guint32 f = REC_FRAME(l, i);
    if (f != frame)
        return f < frame ? -1 : 1;
    return REC_IDX(l, i) < idx ? -1 : REC_IDX(l, i) > idx ? 1 : 0;
}

/* The position of (frame, idx), or -1 */
static gint64 rec_find(const ts_pdurecs_t *l, guint32 frame, guint idx)
{
    guint lo = 0, hi;
    if (!l || !l->n || idx > TS_PDUREC_IDX_MAX || rec_cmp(l, l->n - 1, frame, idx) < 0)
        return -1;    /* the first pass's usual case: beyond the last record, O(1) */
    hi = l->n;
    while (lo < hi) {   /* first record >= (frame, idx) */
        guint mid = lo + (hi - lo) / 2;
        if (rec_cmp(l, mid, frame, idx) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (lo < l->n && rec_cmp(l, lo, frame, idx) == 0) ? (gint64)lo : -1;
}

static void pdurec_set(packet_info *pinfo, int proto, guint area, guint pdu_index, void *data)
{
    ts_pdurecs_t *l = pdurecs_of(proto, area, TRUE);
    gint64 at = rec_find(l, pinfo->num, pdu_index);
    guint i;
    if (at >= 0) {                  /* the same PDU again: the newest record wins */
        REC_DATA(l, (guint)at) = data;
        return;
    }
    if (pdu_index > TS_PDUREC_IDX_MAX || (l->n && rec_cmp(l, l->n - 1, pinfo->num, pdu_index) > 0)) {
        p_add_proto_data(wmem_file_scope(), pinfo, proto, TS_KEY_PDU(area, pdu_index), data);
        return;
    }
    if (l->n == l->n_chunks * TS_PDUREC_CHUNK) {
        if (l->n_chunks == l->cap_chunks) {
            l->cap_chunks = l->cap_chunks ? 2 * l->cap_chunks : 16;
            l->chunks = (ts_pdurec_chunk_t **)wmem_realloc(wmem_file_scope(), l->chunks,
                                                            l->cap_chunks * sizeof(ts_pdurec_chunk_t *));
        }
        l->chunks[l->n_chunks++] = wmem_new(wmem_file_scope(), ts_pdurec_chunk_t);
    }
    i = l->n++;
    REC_FRAME(l, i) = pinfo->num;
    REC_IDX(l, i) = (guint8)pdu_index;
    REC_DATA(l, i) = data;
}

static void *pdurec_get(packet_info *pinfo, int proto, guint area, guint pdu_index)
{
    const ts_pdurecs_t *l = pdurecs_of(proto, area, FALSE);
    gint64 at = rec_find(l, pinfo->num, pdu_index);
    if (at >= 0)
        return REC_DATA(l, (guint)at);
    return p_get_proto_data(wmem_file_scope(), pinfo, proto, TS_KEY_PDU(area, pdu_index));
}

static void remember(packet_info *pinfo, int proto, guint pdu_index, ts_trans_t *t)
{
    pdurec_set(pinfo, proto, TS_KEY_AREA_TRANS, pdu_index, t);
}

void *ts_pdu_data_get(packet_info *pinfo, int proto, ts_pdu_slot_t slot, guint pdu_index)
{
    return pdurec_get(pinfo, proto, TS_KEY_AREA_SLOT0 + (guint)slot, pdu_index);
}

void ts_pdu_data_set(packet_info *pinfo, int proto, ts_pdu_slot_t slot, guint pdu_index, void *data)
{
    pdurec_set(pinfo, proto, TS_KEY_AREA_SLOT0 + (guint)slot, pdu_index, data);
}

/* The response's offset from the request is kept in ns: ±292 years, clamped beyond (hostile
 * timestamps): no undefined overflow, whatever the capture says. */
#define TS_NS_PER_S      G_GINT64_CONSTANT(1000000000)
#define TS_DELTA_MAX_S   (G_MAXINT64 / TS_NS_PER_S - 2)

nstime_t ts_trans_rsp_delta(const ts_trans_t *t)
{
    nstime_t d;
    d.secs = (time_t)(t->rsp_delta_ns / TS_NS_PER_S);
    d.nsecs = (int)(t->rsp_delta_ns % TS_NS_PER_S);
    return d;
}

void ts_trans_set_rsp_time(ts_trans_t *t, const nstime_t *n)
{
    gint64 ds;
    gint64 dns = (gint64)n->nsecs - (gint64)t->req_nsecs;
    if (__builtin_sub_overflow((gint64)n->secs, t->req_secs, &ds))
        ds = (gint64)n->secs >= 0 ? G_MAXINT64 : G_MININT64;
    if (ds > TS_DELTA_MAX_S)
        t->rsp_delta_ns = TS_DELTA_MAX_S * TS_NS_PER_S;
    else if (ds < -TS_DELTA_MAX_S)
        t->rsp_delta_ns = -TS_DELTA_MAX_S * TS_NS_PER_S;
    else
        t->rsp_delta_ns = ds * TS_NS_PER_S + dns;
}

ts_trans_t *ts_trans_new(gsize data_size)
{
    /* what follows the transaction must be as aligned as a pointer or a 64-bit value */
    G_STATIC_ASSERT(sizeof(ts_trans_t) % 8 == 0);
    G_STATIC_ASSERT(sizeof(ts_trans_t) == 40);
    ts_trans_t *t = (ts_trans_t *)wmem_alloc0(wmem_file_scope(), sizeof(ts_trans_t) + data_size);
    t->has_data = data_size != 0;
    return t;
}

static ts_trans_t *trans_request(packet_info *pinfo, ts_trans_table_t *tbl, guint32 space, guint64 id,
                                 guint pdu_index, gsize data_size)
{
    space %= TS_TRANS_SPACES;
    ts_trans_t *t = ts_trans_new(data_size);
    t->id = id;
    t->space = space;
    t->req_frame = pinfo->num;
    ts_trans_set_req_time(t, &pinfo->abs_ts);
    if (tbl->mode == TS_TRANS_FIFO) {
        wmem_list_append(tbl->fifo[space], t);
    } else {
        /* the key is the transaction's own id: no copy per request (a replaced entry keeps the
         * key of the older transaction, which holds the same id and lives as long) */
        wmem_map_insert(tbl->by_id[space], &t->id, t);
    }
    remember(pinfo, tbl->proto, pdu_index, t);
    return t;
}

ts_trans_t *ts_trans_request(packet_info *pinfo, ts_trans_table_t *tbl, guint32 space, guint64 id,
                             guint pdu_index)
{
    return trans_request(pinfo, tbl, space, id, pdu_index, 0);
}

ts_trans_t *ts_trans_request_with_data(packet_info *pinfo, ts_trans_table_t *tbl, guint32 space, guint64 id,
                                       guint pdu_index, gsize data_size)
{
    return trans_request(pinfo, tbl, space, id, pdu_index, data_size);
}

ts_trans_t *ts_trans_response(packet_info *pinfo, ts_trans_table_t *tbl, guint32 space, guint64 id,
                              gboolean last, guint pdu_index)
{
    space %= TS_TRANS_SPACES;
    ts_trans_t *t = NULL;
    if (tbl->mode == TS_TRANS_FIFO) {
        wmem_list_frame_t *head = wmem_list_head(tbl->fifo[space]);
        if (head) {
            t = (ts_trans_t *)wmem_list_frame_data(head);
            if (last)
                wmem_list_remove_frame(tbl->fifo[space], head);
        }
    } else {
        t = (ts_trans_t *)wmem_map_lookup(tbl->by_id[space], &id);
        /* an id answered completely before is not answered again: that is a response without
         * (a known) request, e.g. a duplicate */
        if (t && t->complete)
            t = NULL;
        if (t && last)
            wmem_map_remove(tbl->by_id[space], &id);
    }
    if (!t) {
        t = ts_trans_new(0);
        t->id = id;
        t->space = space;
    }
    if (!t->rsp_frame) {
        t->rsp_frame = pinfo->num;
        ts_trans_set_rsp_time(t, &pinfo->abs_ts);
    }
    if (t->n_responses < TS_TRANS_MAX_RESPONSES)
        t->n_responses++;
    if (last)
        t->complete = TRUE;
    remember(pinfo, tbl->proto, pdu_index, t);
    return t;
}

ts_trans_t *ts_trans_fifo_head(ts_trans_table_t *tbl, guint32 space)
{
    wmem_list_frame_t *head;
    if (!tbl || tbl->mode != TS_TRANS_FIFO)
        return NULL;
    head = wmem_list_head(tbl->fifo[space % TS_TRANS_SPACES]);
    return head ? (ts_trans_t *)wmem_list_frame_data(head) : NULL;
}

void ts_trans_forget(ts_trans_table_t *tbl, ts_trans_t *t)
{
    if (!tbl || !t)
        return;
    if (tbl->mode == TS_TRANS_FIFO) {
        wmem_list_remove(tbl->fifo[t->space], t);
    } else {
        ts_trans_t *cur = (ts_trans_t *)wmem_map_lookup(tbl->by_id[t->space], &t->id);
        if (cur == t)
            wmem_map_remove(tbl->by_id[t->space], &t->id);
    }
}

ts_trans_t *ts_trans_fifo_tail(ts_trans_table_t *tbl, guint32 space)
{
    wmem_list_frame_t *tail;
    if (!tbl || tbl->mode != TS_TRANS_FIFO)
        return NULL;
    tail = wmem_list_tail(tbl->fifo[space % TS_TRANS_SPACES]);
    return tail ? (ts_trans_t *)wmem_list_frame_data(tail) : NULL;
}

guint ts_trans_fifo_count(ts_trans_table_t *tbl, guint32 space)
{
    if (!tbl || tbl->mode != TS_TRANS_FIFO)
        return 0;
    return wmem_list_count(tbl->fifo[space % TS_TRANS_SPACES]);
}

ts_trans_t *ts_trans_response_newest(packet_info *pinfo, ts_trans_table_t *tbl, guint32 space,
                                     gboolean last, guint pdu_index)
{
    wmem_list_t *open;
    wmem_list_frame_t *head;
    guint guard = 0;
    space %= TS_TRANS_SPACES;
    if (tbl->mode != TS_TRANS_FIFO)
        return ts_trans_response(pinfo, tbl, space, 0, last, pdu_index);
    open = tbl->fifo[space];
    /* close every open request but the newest (bounded by the list itself) */
    while ((head = wmem_list_head(open)) != NULL && head != wmem_list_tail(open) && guard++ < 1000000) {
        ts_trans_t *old = (ts_trans_t *)wmem_list_frame_data(head);
        if (!old->rsp_frame)
            old->rsp_lost = TRUE;
        wmem_list_remove_frame(open, head);
    }
    return ts_trans_response(pinfo, tbl, space, 0, last, pdu_index);
}

void ts_trans_open_add(wmem_list_t *open, guint *limit, ts_trans_t *t)
{
    wmem_list_append(open, t);
    if (wmem_list_count(open) <= MAX(*limit, 64))
        return;
    for (wmem_list_frame_t *f = wmem_list_head(open), *next; f; f = next) {
        next = wmem_list_frame_next(f);
        if (((ts_trans_t *)wmem_list_frame_data(f))->rsp_frame)
            wmem_list_remove_frame(open, f);
    }
    *limit = 2 * wmem_list_count(open);
}

/* file scope: string -> its one copy; created on first use, emptied with the file scope */
static wmem_map_t *ts_interned;

const char *ts_intern(const char *s)
{
    const char *k;
    if (!s)
        return NULL;
    if (!ts_interned)
        ts_interned = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
    k = (const char *)wmem_map_lookup(ts_interned, s);
    if (k)
        return k;
    k = wmem_strdup(wmem_file_scope(), s);
    /* hostile input may make every value distinct: past the bound, plain copies */
    if (wmem_map_size(ts_interned) < TS_INTERN_MAX)
        wmem_map_insert(ts_interned, (void *)k, (void *)k);
    return k;
}

ts_trans_t *ts_trans_lookup(packet_info *pinfo, int proto, guint pdu_index)
{
    return (ts_trans_t *)pdurec_get(pinfo, proto, TS_KEY_AREA_TRANS, pdu_index);
}

gboolean ts_trans_add_links(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, ts_trans_t *t,
                            gboolean is_request, const ts_trans_hf_t *hf, nstime_t *delta)
{
    return ts_trans_add_links_lost(tree, tvb, pinfo, t, is_request, hf, NULL, delta);
}

gboolean ts_trans_add_links_lost(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, ts_trans_t *t,
                                 gboolean is_request, const ts_trans_hf_t *hf, const ts_trans_lost_hf_t *lost,
                                 nstime_t *delta)
{
    proto_item *pi;
    if (!t || !hf)
        return FALSE;
    if (is_request) {
        if (t->rsp_frame) {
            if (hf->response_in) {
                pi = proto_tree_add_uint(tree, *hf->response_in, tvb, 0, 0, t->rsp_frame);
                proto_item_set_generated(pi);
            }
        } else if (PINFO_FD_VISITED(pinfo) && t->rsp_lost && lost && lost->response_lost) {
            pi = proto_tree_add_boolean(tree, *lost->response_lost, tvb, 0, 0, TRUE);
            proto_item_set_generated(pi);
            if (lost->ei_response_lost)
                expert_add_info(pinfo, pi, lost->ei_response_lost);
        } else if (PINFO_FD_VISITED(pinfo)) {
            pi = NULL;
            if (hf->no_response) {
                header_field_info *hfi = proto_registrar_get_nth(*hf->no_response);
                if (hfi && hfi->type == FT_BOOLEAN)
                    pi = proto_tree_add_boolean(tree, *hf->no_response, tvb, 0, 0, TRUE);
                else
                    pi = proto_tree_add_item(tree, *hf->no_response, tvb, 0, 0, ENC_NA);
                proto_item_set_generated(pi);
            }
            if (hf->ei_no_response)
                expert_add_info(pinfo, pi ? pi : proto_tree_get_parent(tree), hf->ei_no_response);
        }
        return FALSE;
    }
    if (t->req_frame) {
        nstime_t d;
        if (hf->response_to) {
            pi = proto_tree_add_uint(tree, *hf->response_to, tvb, 0, 0, t->req_frame);
            proto_item_set_generated(pi);
        }
        nstime_t req = ts_trans_req_time(t);
        nstime_delta(&d, &pinfo->abs_ts, &req);
        if (hf->time) {
            pi = proto_tree_add_time(tree, *hf->time, tvb, 0, 0, &d);
            proto_item_set_generated(pi);
        }
        if (delta)
            *delta = d;
        return TRUE;
    }
    if (hf->ei_no_request)
        expert_add_info(pinfo, proto_tree_get_parent(tree), hf->ei_no_request);
    return FALSE;
}

gboolean ts_seq_pos_advance(ts_seq_pos_t *pos, guint32 start, guint32 end)
{
    gboolean gap = pos->known && (gint32)(start - pos->end) > 0;
    if (!pos->known || (gint32)(end - pos->end) > 0) {
        pos->end = end;
        pos->known = TRUE;
    }
    return gap;
}

const struct tcpinfo *ts_tcpinfo(packet_info *pinfo, void *data)
{
    static int proto_tcp = -1;
    wmem_list_frame_t *f, *above = NULL;
    if (proto_tcp <= 0)
        proto_tcp = proto_get_id_by_filter_name("tcp");
    if (!data || pinfo->ptype != PT_TCP || proto_tcp <= 0 || !pinfo->layers)
        return NULL;
    /* The layer just above the frame's last TCP layer must be the calling dissector's own
     * protocol (the tail). Not "the layer below the tail": TCP hands a frame's data to its
     * dissector in several calls (a reassembled PDU, then the rest of the segment), and the
     * layers of the earlier calls (the protocol itself, what it called) stay in the list. */
    for (f = wmem_list_tail(pinfo->layers); f; above = f, f = wmem_list_frame_prev(f)) {
        if (GPOINTER_TO_INT(wmem_list_frame_data(f)) == proto_tcp)
            break;
    }
    if (!f || !above || wmem_list_frame_data(above) != wmem_list_frame_data(wmem_list_tail(pinfo->layers)))
        return NULL;
    return (const struct tcpinfo *)data;
}
