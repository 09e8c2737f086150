/* msgpack.c — bounded MessagePack walker and text form (see msgpack.h).
 *
 * Format bytes (MessagePack specification): 0x00-0x7f positive fixint, 0x80-0x8f fixmap,
 * 0x90-0x9f fixarray, 0xa0-0xbf fixstr, 0xc0 nil, 0xc1 never used, 0xc2/0xc3 false/true,
 * 0xc4-0xc6 bin 8/16/32, 0xc7-0xc9 ext 8/16/32, 0xca/0xcb float 32/64, 0xcc-0xcf uint 8-64,
 * 0xd0-0xd3 int 8-64, 0xd4-0xd8 fixext 1/2/4/8/16, 0xd9-0xdb str 8/16/32, 0xdc/0xdd array 16/32,
 * 0xde/0xdf map 16/32, 0xe0-0xff negative fixint (the byte as a signed 8-bit value, -32..-1).
 * Lengths and numbers are big-endian.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "msgpack.h"

#include <inttypes.h>
#include <stdarg.h>

void msgpack_walker_init(msgpack_walker_t *w, tvbuff_t *tvb, int end)
{
    memset(w, 0, sizeof(*w));
    w->tvb = tvb;
    w->end = end;
    w->max_depth = MSGPACK_DEFAULT_MAX_DEPTH;
    w->ws_ok = TRUE;
}

const char *msgpack_strerror(msgpack_error_t err)
{
    switch (err) {
    case MSGPACK_OK:              return "no error";
    case MSGPACK_ERR_EMPTY:       return "empty MessagePack value";
    case MSGPACK_ERR_TRUNCATED:   return "truncated MessagePack value";
    case MSGPACK_ERR_NEVER_USED:  return "MessagePack type 0xc1 is never used";
    case MSGPACK_ERR_MAP_COUNT:   return "MessagePack map count larger than the data";
    case MSGPACK_ERR_ARRAY_COUNT: return "MessagePack array count larger than the data";
    case MSGPACK_ERR_DEPTH:       return "MessagePack nesting too deep";
    case MSGPACK_ERR_VALUES:      return "too many MessagePack values";
    }
    return "unknown MessagePack error";
}

/* A big-endian length or number of `n` (1, 2, 4) bytes. */
static guint32 read_be(tvbuff_t *tvb, int off, int n)
{
    return n == 1 ? tvb_get_uint8(tvb, off) : n == 2 ? tvb_get_ntohs(tvb, off) : tvb_get_ntohl(tvb, off);
}

msgpack_error_t msgpack_read_header(tvbuff_t *tvb, int off, int end, msgpack_item_t *it)
{
    memset(it, 0, sizeof(*it));
    it->offset = off;
    if (off < 0 || off >= end)
        return MSGPACK_ERR_TRUNCATED;
    guint64 avail = (guint64)(end - off);
    guint8 t = tvb_get_uint8(tvb, off);
    int lb = 0;                 /* bytes of a length field */
    gboolean sized = FALSE;     /* STR/BIN/EXT: data_len bytes of data follow the header */

    it->code = t;
    it->hdr_len = 1;
    if (t <= 0x7f) {
        it->kind = MSGPACK_UINT;
        it->u = t;
    } else if (t >= 0xe0) {
        it->kind = MSGPACK_INT;
        it->i = (gint8)t;
    } else if (t <= 0x8f) {
        it->kind = MSGPACK_MAP;
        it->count = t & 0x0f;
    } else if (t <= 0x9f) {
        it->kind = MSGPACK_ARRAY;
        it->count = t & 0x0f;
    } else if (t <= 0xbf) {
        it->kind = MSGPACK_STR;
        it->data_len = t & 0x1f;
        sized = TRUE;
    } else {
        switch (t) {
        case 0xc0:
            it->kind = MSGPACK_NIL;
            break;
        case 0xc1:
            return MSGPACK_ERR_NEVER_USED;
        case 0xc2: case 0xc3:
            it->kind = MSGPACK_BOOL;
            it->b = (t == 0xc3);
            break;
        case 0xc4: case 0xc5: case 0xc6:
        case 0xd9: case 0xda: case 0xdb:
            it->kind = (t <= 0xc6) ? MSGPACK_BIN : MSGPACK_STR;
            lb = (t == 0xc4 || t == 0xd9) ? 1 : (t == 0xc5 || t == 0xda) ? 2 : 4;
            if (avail < (guint64)(1 + lb))
                return MSGPACK_ERR_TRUNCATED;
            it->data_len = read_be(tvb, off + 1, lb);
            it->hdr_len = 1 + lb;
            sized = TRUE;
            break;
        case 0xc7: case 0xc8: case 0xc9:
            it->kind = MSGPACK_EXT;
            lb = t == 0xc7 ? 1 : t == 0xc8 ? 2 : 4;
            if (avail < (guint64)(2 + lb))
                return MSGPACK_ERR_TRUNCATED;
            it->data_len = read_be(tvb, off + 1, lb);
            it->ext_type = (gint8)tvb_get_uint8(tvb, off + 1 + lb);
            it->hdr_len = 2 + lb;
            sized = TRUE;
            break;
        case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
            it->kind = MSGPACK_EXT;
            it->data_len = 1u << (t - 0xd4);
            if (avail < 2 + (guint64)it->data_len)
                return MSGPACK_ERR_TRUNCATED;
            it->ext_type = (gint8)tvb_get_uint8(tvb, off + 1);
            it->hdr_len = 2;
            sized = TRUE;
            break;
        case 0xca:
            if (avail < 5)
                return MSGPACK_ERR_TRUNCATED;
            it->kind = MSGPACK_FLOAT;
            it->f = (double)tvb_get_ntohieee_float(tvb, off + 1);
            it->data_len = 4;
            break;
        case 0xcb:
            if (avail < 9)
                return MSGPACK_ERR_TRUNCATED;
            it->kind = MSGPACK_FLOAT;
            it->f = tvb_get_ntohieee_double(tvb, off + 1);
            it->data_len = 8;
            break;
        case 0xcc: case 0xcd: case 0xce: case 0xcf:
        case 0xd0: case 0xd1: case 0xd2: case 0xd3: {
            guint n = 1u << ((t - 0xcc) & 3);
            if (avail < 1 + (guint64)n)
                return MSGPACK_ERR_TRUNCATED;
            guint64 raw = n == 8 ? tvb_get_ntoh64(tvb, off + 1) : read_be(tvb, off + 1, (int)n);
            it->data_len = n;
            if (t <= 0xcf) {
                it->kind = MSGPACK_UINT;
                it->u = raw;
            } else {
                it->kind = MSGPACK_INT;
                it->i = n == 1 ? (gint8)raw : n == 2 ? (gint16)raw : n == 4 ? (gint32)raw : (gint64)raw;
            }
            break;
        }
        case 0xdc: case 0xdd: case 0xde: case 0xdf:
            it->kind = (t <= 0xdd) ? MSGPACK_ARRAY : MSGPACK_MAP;
            lb = (t == 0xdc || t == 0xde) ? 2 : 4;
            if (avail < (guint64)(1 + lb))
                return MSGPACK_ERR_TRUNCATED;
            it->count = read_be(tvb, off + 1, lb);
            it->hdr_len = 1 + lb;
            break;
        default:
            return MSGPACK_ERR_NEVER_USED;   /* not reached: every byte is covered above */
        }
    }
    if (sized) {
        if ((guint64)it->hdr_len + it->data_len > avail)
            return MSGPACK_ERR_TRUNCATED;
        it->length = it->hdr_len + (int)it->data_len;   /* <= avail: fits an int */
    } else if (it->kind == MSGPACK_ARRAY || it->kind == MSGPACK_MAP) {
        it->length = it->hdr_len;
    } else {
        it->length = 1 + (int)it->data_len;             /* numbers: the bytes were checked */
    }
    it->data_offset = off + it->hdr_len;
    return MSGPACK_OK;
}

gboolean msgpack_read_int(tvbuff_t *tvb, int off, int end, gint64 *v)
{
    msgpack_item_t it;
    if (msgpack_read_header(tvb, off, end, &it) != MSGPACK_OK)
        return FALSE;
    if (it.kind == MSGPACK_UINT)
        *v = (gint64)it.u;
    else if (it.kind == MSGPACK_INT)
        *v = it.i;
    else
        return FALSE;
    return TRUE;
}

gboolean msgpack_read_array_header(tvbuff_t *tvb, int off, int end, guint32 *count, int *first)
{
    msgpack_item_t it;
    if (msgpack_read_header(tvb, off, end, &it) != MSGPACK_OK || it.kind != MSGPACK_ARRAY)
        return FALSE;
    *count = it.count;
    *first = it.data_offset;
    return TRUE;
}

/* Does Wireshark's own msgpack dissector show this value correctly? See ws_ok in msgpack.h. */
static gboolean ws_shows(const msgpack_item_t *it)
{
    guint8 t = it->code;
    if (t == 0x7f || t >= 0xe0)
        return FALSE;
    if (t >= 0xcc && t <= 0xd2)
        return FALSE;
    if (it->kind == MSGPACK_BIN || (t >= 0xc7 && t <= 0xc9) || (t >= 0xdc && t <= 0xdf))
        return FALSE;
    return TRUE;
}

static int walk_fail(msgpack_walker_t *w, msgpack_error_t err, int off)
{
    if (w->error == MSGPACK_OK) {
        w->error = err;
        w->error_offset = off;
    }
    return -1;
}

/* Recursion is bounded by w->max_depth. */
int msgpack_walk(msgpack_walker_t *w, int off, guint depth, void *parent)
{
    msgpack_item_t it;
    msgpack_error_t err;

    if (depth > w->max_depth)
        return walk_fail(w, MSGPACK_ERR_DEPTH, off);
    if (depth > w->deepest)
        w->deepest = depth;
    w->values++;
    if (w->max_values && w->values > w->max_values)
        return walk_fail(w, MSGPACK_ERR_VALUES, off);
    err = msgpack_read_header(w->tvb, off, w->end, &it);
    if (err != MSGPACK_OK)
        return walk_fail(w, err, off);
    it.depth = depth;
    if (!ws_shows(&it))
        w->ws_ok = FALSE;
    if (it.kind != MSGPACK_ARRAY && it.kind != MSGPACK_MAP) {
        if (w->value)
            w->value(w, &it, parent);
        return off + it.length;
    }

    gboolean is_map = (it.kind == MSGPACK_MAP);
    guint64 n = is_map ? 2 * (guint64)it.count : it.count;
    int p = it.data_offset;
    if (n > (guint64)(w->end - p))   /* every element takes at least one byte */
        return walk_fail(w, is_map ? MSGPACK_ERR_MAP_COUNT : MSGPACK_ERR_ARRAY_COUNT, off);
    void *ctx = w->enter ? w->enter(w, &it, parent) : parent;
    for (guint64 i = 0; i < n; i++) {
        if (w->child)
            w->child(w, &it, i, ctx);
        p = msgpack_walk(w, p, depth + 1, ctx);
        if (p < 0)
            return -1;
    }
    if (w->leave)
        w->leave(w, &it, p, ctx);
    return p;
}

/* ---- text form ------------------------------------------------------------------------------ */

typedef struct {
    wmem_allocator_t *scope;
    wmem_strbuf_t *sb;
    const msgpack_text_opts_t *o;
    guint max_len, max_str;
} text_state_t;

/* Every piece is appended whole while the text is shorter than max_len. */
static gboolean text_room(const text_state_t *st)
{
    return wmem_strbuf_get_len(st->sb) < st->max_len;
}

static void text_add(text_state_t *st, const char *s)
{
    if (text_room(st))
        wmem_strbuf_append(st->sb, s);
}

static void text_addf(text_state_t *st, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void text_addf(text_state_t *st, const char *fmt, ...)
{
    va_list ap;
    if (!text_room(st))
        return;
    va_start(ap, fmt);
    wmem_strbuf_append_vprintf(st->sb, fmt, ap);
    va_end(ap);
}

static void *text_enter(msgpack_walker_t *w, const msgpack_item_t *it, void *parent)
{
    text_add((text_state_t *)w->user, it->kind == MSGPACK_MAP ? "{" : "[");
    return parent;
}

static void text_child(msgpack_walker_t *w, const msgpack_item_t *container, guint64 elem, void *ctx _U_)
{
    if (elem == 0)
        return;
    text_add((text_state_t *)w->user, container->kind == MSGPACK_MAP && (elem & 1) ? ": " : ", ");
}

static void text_leave(msgpack_walker_t *w, const msgpack_item_t *it, int end _U_, void *ctx _U_)
{
    text_add((text_state_t *)w->user, it->kind == MSGPACK_MAP ? "}" : "]");
}

static void text_value(msgpack_walker_t *w, const msgpack_item_t *it, void *parent _U_)
{
    text_state_t *st = (text_state_t *)w->user;
    switch (it->kind) {
    case MSGPACK_NIL:
        text_add(st, "nil");
        break;
    case MSGPACK_BOOL:
        text_add(st, it->b ? "true" : "false");
        break;
    case MSGPACK_UINT:
        text_addf(st, "%" PRIu64, it->u);
        break;
    case MSGPACK_INT:
        text_addf(st, "%" PRId64, it->i);
        break;
    case MSGPACK_FLOAT:
        text_addf(st, "%g", it->f);
        break;
    case MSGPACK_BIN:
        text_addf(st, "bin(%u)", it->data_len);
        break;
    case MSGPACK_STR:
    case MSGPACK_EXT:
        if (!text_room(st))
            break;
        if (st->o->hook && st->o->hook(st->scope, st->sb, w->tvb, it, st->o->hook_data))
            break;
        if (it->kind == MSGPACK_EXT) {
            text_addf(st, "ext(%d,%u)", it->ext_type, it->data_len);
        } else {
            guint show = it->data_len > st->max_str ? st->max_str : it->data_len;
            const char *s = (const char *)tvb_get_string_enc(st->scope, w->tvb, it->data_offset,
                                                             (gint)show, ENC_UTF_8);
            text_addf(st, "'%s%s'", s, it->data_len > show ? "\xe2\x80\xa6" : "");
        }
        break;
    case MSGPACK_ARRAY:
    case MSGPACK_MAP:
        break;   /* through enter/child/leave */
    }
}

int msgpack_text(wmem_allocator_t *scope, tvbuff_t *tvb, int off, int end,
                 const msgpack_text_opts_t *opts, const char **text, msgpack_walker_t *walker)
{
    static const msgpack_text_opts_t defaults = { 0, 0, 0, NULL, NULL };
    msgpack_walker_t local;
    msgpack_walker_t *w = walker ? walker : &local;
    text_state_t st;
    int next;

    if (!opts)
        opts = &defaults;
    st.scope = scope;
    st.sb = wmem_strbuf_new(scope, "");
    st.o = opts;
    st.max_len = opts->max_len ? opts->max_len : G_MAXUINT;
    st.max_str = opts->max_str ? opts->max_str : G_MAXUINT32;
    msgpack_walker_init(w, tvb, end);
    if (opts->max_depth)
        w->max_depth = opts->max_depth;
    w->enter = text_enter;
    w->child = text_child;
    w->leave = text_leave;
    w->value = text_value;
    w->user = &st;
    if (end <= off) {
        w->error = MSGPACK_ERR_EMPTY;
        w->error_offset = off;
        next = -1;
    } else {
        next = msgpack_walk(w, off, 0, NULL);
    }
    if (wmem_strbuf_get_len(st.sb) >= st.max_len)
        wmem_strbuf_append(st.sb, "\xe2\x80\xa6");
    /* the caller keeps the results, not our stack state */
    w->enter = NULL;
    w->child = NULL;
    w->leave = NULL;
    w->value = NULL;
    w->user = NULL;
    if (text)
        *text = wmem_strbuf_get_str(st.sb);
    return next;
}
