/* hessian2.c — bounded Hessian 2 / Hessian 1 value decoder (see hessian2.h).
 *
 * Grammar: Hessian 2.0 serialization (final spec, the one HSF/Dubbo use; 0x5F = int32 "mills"
 * as every real encoder writes it), Hessian 1.0 for HSF codec 1 / TB Remoting.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "hessian2.h"
#include "transactions.h"

#include <math.h>

/* ---- decoder ---------------------------------------------------------------------------- */

struct hessian_ctx {
    wmem_allocator_t *scope;
    tvbuff_t      *tvb;
    const guint8  *buf;        /* the stream's captured bytes */
    guint          len;
    int            base;       /* tvb offset of buf[0] */
    guint          pos;
    hessian_version_t ver;
    hessian_opts_t opts;
    wmem_array_t  *refs;       /* hessian_value_t * */
    wmem_array_t  *classes;    /* hessian_classdef_t * */
    wmem_array_t  *types;      /* const char * */
    guint          nodes;
    gboolean       capped;
    hessian_error_t err;
    guint          err_pos;
    const char    *err_msg;
};

void hessian_opts_default(hessian_opts_t *o)
{
    o->max_depth = 32;
    o->max_nodes = 2000;
    o->max_items_shown = 256;
    o->max_string_chars = 256;
    o->max_binary_bytes = 64;
    o->max_classes = 256;
    o->max_fields = 256;
    o->max_types = 256;
}

hessian_ctx_t *hessian_ctx_new(wmem_allocator_t *scope, tvbuff_t *tvb, int offset, int len,
                               hessian_version_t version, const hessian_opts_t *opts)
{
    hessian_ctx_t *c = wmem_new0(scope, hessian_ctx_t);
    int avail = tvb_captured_length_remaining(tvb, offset);
    if (avail < 0)
        avail = 0;
    if (len < 0 || len > avail)
        len = avail;   /* a shorter capture: decode what is there, truncation is reported */
    c->scope = scope;
    c->tvb = tvb;
    c->base = offset;
    c->len = (guint)len;
    c->buf = len > 0 ? tvb_get_ptr(tvb, offset, len) : NULL;
    c->ver = version;
    if (opts)
        c->opts = *opts;
    else
        hessian_opts_default(&c->opts);
    c->refs = wmem_array_new(scope, sizeof(hessian_value_t *));
    c->classes = wmem_array_new(scope, sizeof(hessian_classdef_t *));
    c->types = wmem_array_new(scope, sizeof(const char *));
    return c;
}

static gboolean fail(hessian_ctx_t *c, hessian_error_t e, guint pos, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

static gboolean fail(hessian_ctx_t *c, hessian_error_t e, guint pos, const char *fmt, ...)
{
    if (c->err == HESSIAN_OK) {
        va_list ap;
        va_start(ap, fmt);
        c->err = e;
        c->err_pos = pos;
        c->err_msg = wmem_strdup_vprintf(c->scope, fmt, ap);
        va_end(ap);
    }
    return FALSE;
}

static gboolean need(hessian_ctx_t *c, guint n)
{
    if (c->len - c->pos < n)
        return fail(c, HESSIAN_ERR_TRUNCATED, c->pos, "Hessian value truncated (%u more bytes needed, %u left)",
                    n, c->len - c->pos);
    return TRUE;
}

static guint32 be16(const guint8 *p) { return ((guint32)p[0] << 8) | p[1]; }
static guint32 be32(const guint8 *p)
{
    return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8) | p[3];
}
static guint64 be64(const guint8 *p) { return ((guint64)be32(p) << 32) | be32(p + 4); }

static hessian_value_t *new_value(hessian_ctx_t *c, hessian_kind_t kind, guint start)
{
    hessian_value_t *v = wmem_new0(c->scope, hessian_value_t);
    v->kind = kind;
    v->offset = c->base + (int)start;
    v->declared_len = -1;
    return v;
}

static void finish(hessian_ctx_t *c, hessian_value_t *v)
{
    v->length = c->base + (int)c->pos - v->offset;
}

static void add_child(hessian_value_t *parent, hessian_value_t *child)
{
    child->next = NULL;
    if (parent->last_child)
        parent->last_child->next = child;
    else
        parent->first_child = child;
    parent->last_child = child;
}

/* Append `n` characters (UTF-16 units as counted by Hessian) from the stream to `sb` (only the
 * first `room` characters are kept, *room is decremented). Java writes CESU-8 (surrogates as two
 * 3-byte sequences): they are joined into proper UTF-8. A 4-byte sequence counts as 2 chars. */
static gboolean read_chars(hessian_ctx_t *c, guint32 n, wmem_strbuf_t *sb, guint *room, guint32 *count)
{
    guint32 done = 0;
    while (done < n) {
        guint8 b;
        guint seq;
        gunichar cp;
        if (!need(c, 1))
            return FALSE;
        b = c->buf[c->pos];
        if (b < 0x80) {
            seq = 1; cp = b;
        } else if (b >= 0xC0 && b < 0xE0) {
            seq = 2; cp = b & 0x1F;
        } else if (b >= 0xE0 && b < 0xF0) {
            seq = 3; cp = b & 0x0F;
        } else if (b >= 0xF0 && b < 0xF8) {
            seq = 4; cp = b & 0x07;
        } else {
            seq = 1; cp = 0xFFFD;   /* stray continuation / invalid lead byte */
        }
        if (!need(c, seq))
            return FALSE;
        for (guint k = 1; k < seq; k++) {
            guint8 cb = c->buf[c->pos + k];
            if ((cb & 0xC0) != 0x80) {
                seq = k; cp = 0xFFFD;
                break;
            }
            cp = (cp << 6) | (cb & 0x3F);
        }
        c->pos += seq;
        done += (seq == 4) ? 2 : 1;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            /* high surrogate: join with a following CESU-8 low surrogate of the same string */
            if (done < n && c->len - c->pos >= 3 && c->buf[c->pos] == 0xED &&
                (c->buf[c->pos + 1] & 0xF0) == 0xB0 && (c->buf[c->pos + 2] & 0xC0) == 0x80) {
                gunichar lo = 0xD000 | ((gunichar)(c->buf[c->pos + 1] & 0x3F) << 6) | (c->buf[c->pos + 2] & 0x3F);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                c->pos += 3;
                done++;
                if (*room > 0)
                    (*room)--;   /* the pair takes two char slots of the display budget */
            } else {
                cp = 0xFFFD;
            }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            cp = 0xFFFD;
        }
        if (*room > 0) {
            char tmp[8];
            gint l = g_unichar_to_utf8(cp, tmp);
            wmem_strbuf_append_len(sb, tmp, l);
            (*room)--;
        }
    }
    *count += done;
    return TRUE;
}

static gboolean is_v2_string_start(guint8 b)
{
    return b <= 0x1F || (b >= 0x30 && b <= 0x33) || b == 'R' || b == 'S';
}

/* Hessian 2 string production (compact, medium, 'R' chunks then a final chunk) */
static gboolean read_string2(hessian_ctx_t *c, hessian_value_t *v)
{
    wmem_strbuf_t *sb = wmem_strbuf_new(c->scope, "");
    guint room = c->opts.max_string_chars;
    guint32 count = 0;
    for (guint chunk = 0; ; chunk++) {
        guint8 b;
        guint32 n;
        gboolean final = TRUE;
        if (!need(c, 1))
            return FALSE;
        b = c->buf[c->pos];
        if (b <= 0x1F) {
            n = b; c->pos += 1;
        } else if (b >= 0x30 && b <= 0x33) {
            if (!need(c, 2))
                return FALSE;
            n = ((guint32)(b - 0x30) << 8) | c->buf[c->pos + 1];
            c->pos += 2;
        } else if (b == 'S' || b == 'R') {
            if (!need(c, 3))
                return FALSE;
            n = be16(c->buf + c->pos + 1);
            c->pos += 3;
            final = (b == 'S');
        } else {
            return fail(c, chunk ? HESSIAN_ERR_MALFORMED : HESSIAN_ERR_RESERVED, c->pos,
                        "Expected a string chunk, found 0x%02x", b);
        }
        if (!read_chars(c, n, sb, &room, &count))
            return FALSE;
        if (final)
            break;
    }
    v->str = wmem_strbuf_get_str(sb);
    v->str_len = (guint32)wmem_strbuf_get_len(sb);
    v->nchars = count;
    if (room == 0 && count > c->opts.max_string_chars) {
        v->capped = TRUE;
        c->capped = TRUE;
    }
    return TRUE;
}

/* Hessian 1 string / xml: ('s'|'x' u16 data)* ('S'|'X' u16 data) */
static gboolean read_string1(hessian_ctx_t *c, hessian_value_t *v, char chunk_code, char final_code)
{
    wmem_strbuf_t *sb = wmem_strbuf_new(c->scope, "");
    guint room = c->opts.max_string_chars;
    guint32 count = 0;
    for (;;) {
        guint8 b;
        guint32 n;
        if (!need(c, 3))
            return FALSE;
        b = c->buf[c->pos];
        if (b != (guint8)chunk_code && b != (guint8)final_code)
            return fail(c, HESSIAN_ERR_MALFORMED, c->pos, "Expected a '%c' chunk, found 0x%02x", final_code, b);
        n = be16(c->buf + c->pos + 1);
        c->pos += 3;
        if (!read_chars(c, n, sb, &room, &count))
            return FALSE;
        if (b == (guint8)final_code)
            break;
    }
    v->str = wmem_strbuf_get_str(sb);
    v->str_len = (guint32)wmem_strbuf_get_len(sb);
    v->nchars = count;
    if (room == 0 && count > c->opts.max_string_chars) {
        v->capped = TRUE;
        c->capped = TRUE;
    }
    return TRUE;
}

static void keep_bytes(hessian_ctx_t *c, hessian_value_t *v, wmem_strbuf_t *sb, guint32 n)
{
    guint32 keep = 0;
    if (wmem_strbuf_get_len(sb) < c->opts.max_binary_bytes)
        keep = MIN(n, (guint32)(c->opts.max_binary_bytes - wmem_strbuf_get_len(sb)));
    if (keep)
        wmem_strbuf_append_len(sb, (const char *)c->buf + c->pos, keep);
    v->nchars += n;
}

static void set_bytes(hessian_ctx_t *c, hessian_value_t *v, wmem_strbuf_t *sb)
{
    v->bytes = (const guint8 *)wmem_strbuf_get_str(sb);
    v->nbytes = (guint32)wmem_strbuf_get_len(sb);
    if (v->nbytes < v->nchars) {
        v->capped = TRUE;
        c->capped = TRUE;
    }
}

/* Hessian 2 binary production */
static gboolean read_binary2(hessian_ctx_t *c, hessian_value_t *v)
{
    wmem_strbuf_t *sb = wmem_strbuf_new(c->scope, "");
    for (guint chunk = 0; ; chunk++) {
        guint8 b;
        guint32 n;
        gboolean final = TRUE;
        if (!need(c, 1))
            return FALSE;
        b = c->buf[c->pos];
        if (b >= 0x20 && b <= 0x2F) {
            n = b - 0x20u; c->pos += 1;
        } else if (b >= 0x34 && b <= 0x37) {
            if (!need(c, 2))
                return FALSE;
            n = ((guint32)(b - 0x34) << 8) | c->buf[c->pos + 1];
            c->pos += 2;
        } else if (b == 'A' || b == 'B') {
            if (!need(c, 3))
                return FALSE;
            n = be16(c->buf + c->pos + 1);
            c->pos += 3;
            final = (b == 'B');
        } else {
            return fail(c, chunk ? HESSIAN_ERR_MALFORMED : HESSIAN_ERR_RESERVED, c->pos,
                        "Expected a binary chunk, found 0x%02x", b);
        }
        if (!need(c, n))
            return FALSE;
        keep_bytes(c, v, sb, n);
        c->pos += n;
        if (final)
            break;
    }
    set_bytes(c, v, sb);
    return TRUE;
}

static gboolean read_binary1(hessian_ctx_t *c, hessian_value_t *v)
{
    wmem_strbuf_t *sb = wmem_strbuf_new(c->scope, "");
    for (;;) {
        guint8 b;
        guint32 n;
        if (!need(c, 3))
            return FALSE;
        b = c->buf[c->pos];
        if (b != 'b' && b != 'B')
            return fail(c, HESSIAN_ERR_MALFORMED, c->pos, "Expected a 'B' chunk, found 0x%02x", b);
        n = be16(c->buf + c->pos + 1);
        c->pos += 3;
        if (!need(c, n))
            return FALSE;
        keep_bytes(c, v, sb, n);
        c->pos += n;
        if (b == 'B')
            break;
    }
    set_bytes(c, v, sb);
    return TRUE;
}

/* An integer in an int slot (length, reference, class-ref, type-ref): any int (or long) form. */
static gboolean read_int2(hessian_ctx_t *c, gint64 *out)
{
    guint8 b;
    if (!need(c, 1))
        return FALSE;
    b = c->buf[c->pos];
    if (b >= 0x80 && b <= 0xBF) {
        *out = (gint64)b - 0x90; c->pos += 1;
    } else if (b >= 0xC0 && b <= 0xCF) {
        if (!need(c, 2)) return FALSE;
        *out = (((gint64)b - 0xC8) * 256) + c->buf[c->pos + 1]; c->pos += 2;
    } else if (b >= 0xD0 && b <= 0xD7) {
        if (!need(c, 3)) return FALSE;
        *out = (((gint64)b - 0xD4) * 65536) + ((gint64)c->buf[c->pos + 1] << 8) + c->buf[c->pos + 2];
        c->pos += 3;
    } else if (b == 'I' || b == 'Y') {
        if (!need(c, 5)) return FALSE;
        *out = (gint32)be32(c->buf + c->pos + 1); c->pos += 5;
    } else if (b >= 0xD8 && b <= 0xEF) {
        *out = (gint64)b - 0xE0; c->pos += 1;
    } else if (b >= 0xF0) {
        if (!need(c, 2)) return FALSE;
        *out = (((gint64)b - 0xF8) * 256) + c->buf[c->pos + 1]; c->pos += 2;
    } else if (b >= 0x38 && b <= 0x3F) {
        if (!need(c, 3)) return FALSE;
        *out = (((gint64)b - 0x3C) * 65536) + ((gint64)c->buf[c->pos + 1] << 8) + c->buf[c->pos + 2];
        c->pos += 3;
    } else if (b == 'L') {
        if (!need(c, 9)) return FALSE;
        *out = (gint64)be64(c->buf + c->pos + 1); c->pos += 9;
    } else {
        return fail(c, HESSIAN_ERR_MALFORMED, c->pos, "Expected an int, found 0x%02x", b);
    }
    return TRUE;
}

static gboolean count_node(hessian_ctx_t *c)
{
    if (++c->nodes > c->opts.max_nodes)
        return fail(c, HESSIAN_ERR_NODES, c->pos, "Hessian value limit reached (%u values)", c->opts.max_nodes);
    return TRUE;
}

/* type ::= string (added to the type table) | int (type-ref) */
static gboolean read_type2(hessian_ctx_t *c, const char **type)
{
    guint start = c->pos;
    if (!need(c, 1))
        return FALSE;
    if (is_v2_string_start(c->buf[c->pos])) {
        hessian_value_t tmp;
        memset(&tmp, 0, sizeof(tmp));
        if (!read_string2(c, &tmp))
            return FALSE;
        if (wmem_array_get_count(c->types) >= c->opts.max_types)
            return fail(c, HESSIAN_ERR_TABLE, start, "Hessian type table full (%u types)", c->opts.max_types);
        wmem_array_append_one(c->types, tmp.str);
        *type = tmp.str;
        return TRUE;
    } else {
        gint64 idx;
        if (!read_int2(c, &idx))
            return FALSE;
        if (idx < 0 || idx >= (gint64)wmem_array_get_count(c->types))
            return fail(c, HESSIAN_ERR_BAD_REF, start, "Reference to undefined type #%" PRId64, idx);
        *type = *(const char **)wmem_array_index(c->types, (guint)idx);
        return TRUE;
    }
}

static void register_ref(hessian_ctx_t *c, hessian_value_t *v)
{
    v->ref_index = wmem_array_get_count(c->refs);
    wmem_array_append_one(c->refs, v);
}

static gboolean resolve_ref(hessian_ctx_t *c, hessian_value_t *v, gint64 idx, guint start)
{
    if (idx < 0 || idx >= (gint64)wmem_array_get_count(c->refs))
        return fail(c, HESSIAN_ERR_BAD_REF, start, "Reference to undefined value #%" PRId64, idx);
    v->i = idx;
    v->target = *(hessian_value_t **)wmem_array_index(c->refs, (guint)idx);
    return TRUE;
}

static hessian_value_t *decode(hessian_ctx_t *c, guint depth);

/* Store a decoded child (or only count it once the display cap is reached). */
static void keep_child(hessian_ctx_t *c, hessian_value_t *parent, hessian_value_t *child, guint per_item)
{
    if (parent->n_stored < c->opts.max_items_shown) {
        add_child(parent, child);
        if (per_item == 1)
            parent->n_stored++;
    } else {
        parent->capped = TRUE;
        c->capped = TRUE;
    }
}

/* `count` values (count < 0: until the end marker `end`) as children of `parent` */
static gboolean read_elements(hessian_ctx_t *c, hessian_value_t *parent, gint64 count, guint8 end, guint depth)
{
    for (gint64 k = 0; count < 0 || k < count; k++) {
        hessian_value_t *e;
        if (count < 0) {
            if (!need(c, 1))
                return FALSE;
            if (c->buf[c->pos] == end) {
                c->pos++;
                return TRUE;
            }
        }
        e = decode(c, depth + 1);
        if (!e)
            return FALSE;
        parent->n_items++;
        keep_child(c, parent, e, 1);
    }
    return TRUE;
}

static gboolean read_entries(hessian_ctx_t *c, hessian_value_t *m, guint8 end, guint depth)
{
    for (;;) {
        hessian_value_t *k, *val;
        if (!need(c, 1))
            return FALSE;
        if (c->buf[c->pos] == end) {
            c->pos++;
            return TRUE;
        }
        k = decode(c, depth + 1);
        if (!k)
            return FALSE;
        val = decode(c, depth + 1);
        if (!val)
            return FALSE;
        m->n_items++;
        if (m->n_stored < c->opts.max_items_shown) {
            add_child(m, k);
            add_child(m, val);
            m->n_stored++;
        } else {
            m->capped = TRUE;
            c->capped = TRUE;
        }
    }
}

static gboolean read_object_fields(hessian_ctx_t *c, hessian_value_t *o, gint64 cref, guint start, guint depth)
{
    const hessian_classdef_t *cls;
    if (cref < 0 || cref >= (gint64)wmem_array_get_count(c->classes))
        return fail(c, HESSIAN_ERR_BAD_REF, start, "Reference to undefined class #%" PRId64, cref);
    cls = *(hessian_classdef_t **)wmem_array_index(c->classes, (guint)cref);
    o->cls = cls;
    o->type = cls->name;
    register_ref(c, o);
    for (guint32 f = 0; f < cls->n_fields; f++) {
        hessian_value_t *e = decode(c, depth + 1);
        if (!e)
            return FALSE;
        o->n_items++;
        keep_child(c, o, e, 1);
    }
    return TRUE;
}

static gboolean read_classdef(hessian_ctx_t *c, hessian_value_t *pending_holder)
{
    guint start = c->pos;
    hessian_value_t tmp;
    gint64 n;
    hessian_classdef_t *def;
    c->pos++;  /* 'C' */
    memset(&tmp, 0, sizeof(tmp));
    if (!read_string2(c, &tmp))
        return FALSE;
    if (!read_int2(c, &n))
        return FALSE;
    if (n < 0 || n > (gint64)c->opts.max_fields)
        return fail(c, n < 0 ? HESSIAN_ERR_MALFORMED : HESSIAN_ERR_TABLE, start,
                    "Class definition with %" PRId64 " fields", n);
    if (wmem_array_get_count(c->classes) >= c->opts.max_classes)
        return fail(c, HESSIAN_ERR_TABLE, start, "Hessian class table full (%u classes)", c->opts.max_classes);
    def = wmem_new0(c->scope, hessian_classdef_t);
    def->name = tmp.str;
    def->n_fields = (guint32)n;
    def->fields = wmem_alloc0_array(c->scope, const char *, (gsize)n + 1);
    for (gint64 k = 0; k < n; k++) {
        hessian_value_t f;
        memset(&f, 0, sizeof(f));
        if (!read_string2(c, &f))
            return FALSE;
        def->fields[k] = f.str;
    }
    def->class_index = wmem_array_get_count(c->classes);
    def->offset = c->base + (int)start;
    def->length = (int)(c->pos - start);
    wmem_array_append_one(c->classes, def);
    /* remember it on the value that follows (linked in order) */
    if (!pending_holder->defs) {
        pending_holder->defs = def;
    } else {
        hessian_classdef_t *d = pending_holder->defs;
        while (d->next)
            d = d->next;
        d->next = def;
    }
    return TRUE;
}

static hessian_value_t *decode2(hessian_ctx_t *c, guint depth, hessian_classdef_t *defs)
{
    guint start = c->pos;
    guint8 b = c->buf[c->pos];
    hessian_value_t *v;
    gint64 n;

    if (is_v2_string_start(b)) {
        v = new_value(c, HESSIAN_STRING, start);
        if (!read_string2(c, v))
            return NULL;
    } else if ((b >= 0x20 && b <= 0x2F) || (b >= 0x34 && b <= 0x37) || b == 'A' || b == 'B') {
        v = new_value(c, HESSIAN_BINARY, start);
        if (!read_binary2(c, v))
            return NULL;
    } else if ((b >= 0x80 && b <= 0xD7) || b == 'I') {
        v = new_value(c, HESSIAN_INT, start);
        if (!read_int2(c, &v->i))
            return NULL;
    } else if ((b >= 0xD8) || (b >= 0x38 && b <= 0x3F) || b == 'L' || b == 'Y') {
        v = new_value(c, HESSIAN_LONG, start);
        if (!read_int2(c, &v->i))
            return NULL;
    } else {
        switch (b) {
        case 'N':
            v = new_value(c, HESSIAN_NULL, start); c->pos++;
            break;
        case 'T': case 'F':
            v = new_value(c, HESSIAN_BOOL, start); v->i = (b == 'T'); c->pos++;
            break;
        case 'D':
            if (!need(c, 9)) return NULL;
            v = new_value(c, HESSIAN_DOUBLE, start);
            {
                guint64 bits = be64(c->buf + c->pos + 1);
                memcpy(&v->d, &bits, sizeof(v->d));
            }
            c->pos += 9;
            break;
        case 0x5B: case 0x5C:
            v = new_value(c, HESSIAN_DOUBLE, start); v->d = (b == 0x5C) ? 1.0 : 0.0; c->pos++;
            break;
        case 0x5D:
            if (!need(c, 2)) return NULL;
            v = new_value(c, HESSIAN_DOUBLE, start); v->d = (gint8)c->buf[c->pos + 1]; c->pos += 2;
            break;
        case 0x5E:
            if (!need(c, 3)) return NULL;
            v = new_value(c, HESSIAN_DOUBLE, start); v->d = (gint16)be16(c->buf + c->pos + 1); c->pos += 3;
            break;
        case 0x5F:
            /* int32 "mills" (what Caucho-derived Java, hessian-lite and hessian.js write) */
            if (!need(c, 5)) return NULL;
            v = new_value(c, HESSIAN_DOUBLE, start);
            v->d = (double)(gint32)be32(c->buf + c->pos + 1) / 1000.0;
            c->pos += 5;
            break;
        case 0x4A:
            if (!need(c, 9)) return NULL;
            v = new_value(c, HESSIAN_DATE, start); v->i = (gint64)be64(c->buf + c->pos + 1); c->pos += 9;
            break;
        case 0x4B:
            if (!need(c, 5)) return NULL;
            v = new_value(c, HESSIAN_DATE, start);
            v->i = (gint64)(gint32)be32(c->buf + c->pos + 1) * 60000;
            c->pos += 5;
            break;
        case 'H': case 'M':
            v = new_value(c, HESSIAN_MAP, start);
            c->pos++;
            register_ref(c, v);
            if (b == 'M' && !read_type2(c, &v->type))
                return NULL;
            if (!read_entries(c, v, 'Z', depth))
                return NULL;
            break;
        case 'U': case 'V': case 'W': case 'X':
            v = new_value(c, HESSIAN_LIST, start);
            c->pos++;
            register_ref(c, v);
            if ((b == 'U' || b == 'V') && !read_type2(c, &v->type))
                return NULL;
            if (b == 'V' || b == 'X') {
                guint lpos = c->pos;
                if (!read_int2(c, &n))
                    return NULL;
                if (n < 0) {
                    fail(c, HESSIAN_ERR_MALFORMED, lpos, "Negative list length %" PRId64, n);
                    return NULL;
                }
                v->declared_len = n;
                if (!read_elements(c, v, n, 0, depth))
                    return NULL;
            } else if (!read_elements(c, v, -1, 'Z', depth)) {
                return NULL;
            }
            break;
        case 'O':
            c->pos++;
            if (!read_int2(c, &n))
                return NULL;
            v = new_value(c, HESSIAN_OBJECT, start);
            if (!read_object_fields(c, v, n, start, depth))
                return NULL;
            break;
        case 'Q':
            c->pos++;
            if (!read_int2(c, &n))
                return NULL;
            v = new_value(c, HESSIAN_REF, start);
            if (!resolve_ref(c, v, n, start))
                return NULL;
            break;
        default:
            if (b >= 0x60 && b <= 0x6F) {
                c->pos++;
                v = new_value(c, HESSIAN_OBJECT, start);
                if (!read_object_fields(c, v, b - 0x60, start, depth))
                    return NULL;
            } else if (b >= 0x70 && b <= 0x7F) {
                v = new_value(c, HESSIAN_LIST, start);
                c->pos++;
                register_ref(c, v);
                if (b <= 0x77 && !read_type2(c, &v->type))
                    return NULL;
                v->declared_len = (b <= 0x77) ? b - 0x70 : b - 0x78;
                if (!read_elements(c, v, v->declared_len, 0, depth))
                    return NULL;
            } else if (b == 'Z') {
                fail(c, HESSIAN_ERR_MALFORMED, start, "Unexpected end marker 'Z'");
                return NULL;
            } else {
                fail(c, HESSIAN_ERR_RESERVED, start, "Reserved Hessian 2 code 0x%02x", b);
                return NULL;
            }
        }
    }
    v->defs = defs;
    finish(c, v);
    return v;
}

/* Hessian 1: optional 't' type */
static gboolean read_type1(hessian_ctx_t *c, const char **type)
{
    if (c->len - c->pos >= 1 && c->buf[c->pos] == 't') {
        guint32 n, cnt = 0;
        guint room = c->opts.max_string_chars;
        wmem_strbuf_t *sb = wmem_strbuf_new(c->scope, "");
        if (!need(c, 3))
            return FALSE;
        n = be16(c->buf + c->pos + 1);
        c->pos += 3;
        if (!read_chars(c, n, sb, &room, &cnt))
            return FALSE;
        *type = wmem_strbuf_get_str(sb);
        if (**type == '\0')
            *type = NULL;
    }
    return TRUE;
}

static hessian_value_t *decode1(hessian_ctx_t *c, guint depth)
{
    guint start = c->pos;
    guint8 b = c->buf[c->pos];
    hessian_value_t *v;

    switch (b) {
    case 'N':
        v = new_value(c, HESSIAN_NULL, start); c->pos++;
        break;
    case 'T': case 'F':
        v = new_value(c, HESSIAN_BOOL, start); v->i = (b == 'T'); c->pos++;
        break;
    case 'I':
        if (!need(c, 5)) return NULL;
        v = new_value(c, HESSIAN_INT, start); v->i = (gint32)be32(c->buf + c->pos + 1); c->pos += 5;
        break;
    case 'L':
        if (!need(c, 9)) return NULL;
        v = new_value(c, HESSIAN_LONG, start); v->i = (gint64)be64(c->buf + c->pos + 1); c->pos += 9;
        break;
    case 'd':
        if (!need(c, 9)) return NULL;
        v = new_value(c, HESSIAN_DATE, start); v->i = (gint64)be64(c->buf + c->pos + 1); c->pos += 9;
        break;
    case 'D':
        if (!need(c, 9)) return NULL;
        v = new_value(c, HESSIAN_DOUBLE, start);
        {
            guint64 bits = be64(c->buf + c->pos + 1);
            memcpy(&v->d, &bits, sizeof(v->d));
        }
        c->pos += 9;
        break;
    case 's': case 'S':
        v = new_value(c, HESSIAN_STRING, start);
        if (!read_string1(c, v, 's', 'S'))
            return NULL;
        break;
    case 'x': case 'X':
        v = new_value(c, HESSIAN_XML, start);
        if (!read_string1(c, v, 'x', 'X'))
            return NULL;
        break;
    case 'b': case 'B':
        v = new_value(c, HESSIAN_BINARY, start);
        if (!read_binary1(c, v))
            return NULL;
        break;
    case 'V':
        v = new_value(c, HESSIAN_LIST, start);
        c->pos++;
        register_ref(c, v);
        if (!read_type1(c, &v->type))
            return NULL;
        if (c->len - c->pos >= 1 && c->buf[c->pos] == 'l') {
            if (!need(c, 5)) return NULL;
            v->declared_len = (gint32)be32(c->buf + c->pos + 1);
            c->pos += 5;
        }
        if (!read_elements(c, v, -1, 'z', depth))
            return NULL;
        break;
    case 'M':
        v = new_value(c, HESSIAN_MAP, start);
        c->pos++;
        register_ref(c, v);
        if (!read_type1(c, &v->type))
            return NULL;
        if (!read_entries(c, v, 'z', depth))
            return NULL;
        break;
    case 'R':
        if (!need(c, 5)) return NULL;
        v = new_value(c, HESSIAN_REF, start);
        c->pos += 5;
        if (!resolve_ref(c, v, (gint32)be32(c->buf + start + 1), start))
            return NULL;
        break;
    case 'r':
        v = new_value(c, HESSIAN_REMOTE, start);
        c->pos++;
        if (!read_type1(c, &v->type))
            return NULL;
        if (!need(c, 1)) return NULL;
        if (!read_string1(c, v, 's', 'S'))
            return NULL;
        break;
    default:
        fail(c, HESSIAN_ERR_RESERVED, start, "Unexpected Hessian 1 code 0x%02x", b);
        return NULL;
    }
    finish(c, v);
    return v;
}

static hessian_value_t *decode(hessian_ctx_t *c, guint depth)
{
    hessian_value_t holder;
    if (c->err != HESSIAN_OK)
        return NULL;
    if (depth > c->opts.max_depth) {
        fail(c, HESSIAN_ERR_DEPTH, c->pos, "Hessian nesting deeper than %u levels", c->opts.max_depth);
        return NULL;
    }
    if (!count_node(c))
        return NULL;
    memset(&holder, 0, sizeof(holder));
    for (;;) {
        if (!need(c, 1))
            return NULL;
        if (c->ver == HESSIAN_V1)
            return decode1(c, depth);
        if (c->buf[c->pos] != 'C')
            break;
        if (!read_classdef(c, &holder))
            return NULL;
    }
    return decode2(c, depth, holder.defs);
}

hessian_value_t *hessian_read(hessian_ctx_t *ctx)
{
    if (!ctx || ctx->err != HESSIAN_OK || ctx->pos >= ctx->len)
        return NULL;
    return decode(ctx, 0);
}

gboolean hessian_at_end(const hessian_ctx_t *ctx)
{
    return ctx->err == HESSIAN_OK && ctx->pos >= ctx->len;
}

int hessian_offset(const hessian_ctx_t *ctx)
{
    return ctx->base + (int)ctx->pos;
}

hessian_error_t hessian_error(const hessian_ctx_t *ctx, int *offset, const char **msg)
{
    if (offset)
        *offset = ctx->base + (int)ctx->err_pos;
    if (msg)
        *msg = ctx->err_msg;
    return ctx->err;
}

gboolean hessian_capped(const hessian_ctx_t *ctx)
{
    return ctx->capped;
}

const hessian_value_t *hessian_member(const hessian_value_t *v, const char *name)
{
    const hessian_value_t *ch;
    guint32 k = 0;
    if (!v || !name)
        return NULL;
    if (v->kind == HESSIAN_OBJECT && v->cls) {
        for (ch = v->first_child; ch && k < v->cls->n_fields; ch = ch->next, k++)
            if (v->cls->fields[k] && strcmp(v->cls->fields[k], name) == 0)
                return ch;
    } else if (v->kind == HESSIAN_MAP) {
        for (ch = v->first_child; ch && ch->next; ch = ch->next->next)
            if ((ch->kind == HESSIAN_STRING) && ch->str && strcmp(ch->str, name) == 0)
                return ch->next;
    }
    return NULL;
}

/* ---- rendering ---------------------------------------------------------------------------- */

const char *hessian_kind_name(const hessian_value_t *v)
{
    switch (v->kind) {
    case HESSIAN_NULL: return "null";
    case HESSIAN_BOOL: return "boolean";
    case HESSIAN_INT: return "int";
    case HESSIAN_LONG: return "long";
    case HESSIAN_DOUBLE: return "double";
    case HESSIAN_DATE: return "date";
    case HESSIAN_STRING: return "string";
    case HESSIAN_BINARY: return "binary";
    case HESSIAN_XML: return "xml";
    case HESSIAN_LIST: return v->type ? v->type : "list";
    case HESSIAN_MAP: return v->type ? v->type : "map";
    case HESSIAN_OBJECT: return v->type ? v->type : "object";
    case HESSIAN_REF: return "ref";
    case HESSIAN_REMOTE: return "remote";
    }
    return "?";
}

static void fmt_double(wmem_strbuf_t *sb, double d)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    if (isnan(d)) {
        wmem_strbuf_append(sb, "NaN");
    } else if (isinf(d)) {
        wmem_strbuf_append(sb, d > 0 ? "Infinity" : "-Infinity");
    } else if (d == floor(d) && fabs(d) < 1e15) {
        g_ascii_formatd(buf, sizeof(buf), "%.1f", d);
        wmem_strbuf_append(sb, buf);
    } else {
        g_ascii_formatd(buf, sizeof(buf), "%.15g", d);
        if (g_ascii_strtod(buf, NULL) != d)
            g_ascii_formatd(buf, sizeof(buf), "%.17g", d);
        wmem_strbuf_append(sb, buf);
    }
}

/* days since 1970-01-01 -> civil date (proleptic Gregorian) */
static void civil_from_days(gint64 z, gint64 *y, unsigned *m, unsigned *d)
{
    gint64 era, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    yoe = z - era * 146097;
    yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
    doy = (z - era * 146097) - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static void fmt_date(wmem_strbuf_t *sb, gint64 ms)
{
    gint64 days = ms / 86400000, rem = ms % 86400000, y;
    unsigned mo, d;
    if (rem < 0) {
        rem += 86400000;
        days--;
    }
    civil_from_days(days, &y, &mo, &d);
    wmem_strbuf_append_printf(sb, "%04" PRId64 "-%02u-%02uT%02u:%02u:%02u.%03uZ", y, mo, d,
                              (unsigned)(rem / 3600000), (unsigned)(rem / 60000 % 60),
                              (unsigned)(rem / 1000 % 60), (unsigned)(rem % 1000));
}

static void fmt_string(wmem_strbuf_t *sb, const hessian_value_t *v, guint max_len)
{
    wmem_strbuf_append_c(sb, '"');
    for (guint32 k = 0; k < v->str_len; k++) {
        guchar ch = (guchar)v->str[k];
        if (wmem_strbuf_get_len(sb) > max_len)
            break;
        switch (ch) {
        case '"': wmem_strbuf_append(sb, "\\\""); break;
        case '\\': wmem_strbuf_append(sb, "\\\\"); break;
        case '\n': wmem_strbuf_append(sb, "\\n"); break;
        case '\r': wmem_strbuf_append(sb, "\\r"); break;
        case '\t': wmem_strbuf_append(sb, "\\t"); break;
        default:
            if (ch < 0x20 || ch == 0x7F)
                wmem_strbuf_append_printf(sb, "\\u%04x", ch);
            else
                wmem_strbuf_append_c(sb, (char)ch);
        }
    }
    if (v->capped)
        wmem_strbuf_append(sb, "\xE2\x80\xA6");   /* … */
    wmem_strbuf_append_c(sb, '"');
    if (v->capped)
        wmem_strbuf_append_printf(sb, " (%u chars)", v->nchars);
}

/* recursion bounded by the model's depth (<= opts.max_depth) */
static void summary(wmem_strbuf_t *sb, const hessian_value_t *v, guint max_len)
{
    const hessian_value_t *ch;
    guint32 k;

    if (wmem_strbuf_get_len(sb) > max_len)
        return;
    switch (v->kind) {
    case HESSIAN_NULL:
        wmem_strbuf_append(sb, "null");
        break;
    case HESSIAN_BOOL:
        wmem_strbuf_append(sb, v->i ? "true" : "false");
        break;
    case HESSIAN_INT:
    case HESSIAN_LONG:
        wmem_strbuf_append_printf(sb, "%" PRId64, v->i);
        break;
    case HESSIAN_DOUBLE:
        fmt_double(sb, v->d);
        break;
    case HESSIAN_DATE:
        fmt_date(sb, v->i);
        break;
    case HESSIAN_STRING:
        fmt_string(sb, v, max_len);
        break;
    case HESSIAN_XML:
        wmem_strbuf_append(sb, "xml ");
        fmt_string(sb, v, max_len);
        break;
    case HESSIAN_REMOTE:
        wmem_strbuf_append_printf(sb, "remote %s ", v->type ? v->type : "");
        fmt_string(sb, v, max_len);
        break;
    case HESSIAN_BINARY:
        wmem_strbuf_append_printf(sb, "<%u byte%s", v->nchars, v->nchars == 1 ? "" : "s");
        if (v->nbytes) {
            wmem_strbuf_append_c(sb, ':');
            wmem_strbuf_append_c(sb, ' ');
            for (k = 0; k < v->nbytes && k < 16; k++)
                wmem_strbuf_append_printf(sb, "%02x", v->bytes[k]);
            if (v->nchars > k)
                wmem_strbuf_append(sb, "\xE2\x80\xA6");
        }
        wmem_strbuf_append_c(sb, '>');
        break;
    case HESSIAN_REF:
        wmem_strbuf_append_printf(sb, "\xE2\x86\x92 ref #%" PRId64 " (%s)", v->i,
                                  v->target ? hessian_kind_name(v->target) : "?");
        break;
    case HESSIAN_LIST:
        if (v->type) {
            wmem_strbuf_append(sb, v->type);
            wmem_strbuf_append_c(sb, ' ');
        }
        wmem_strbuf_append_c(sb, '[');
        for (ch = v->first_child, k = 0; ch; ch = ch->next, k++) {
            if (k)
                wmem_strbuf_append(sb, ", ");
            if (wmem_strbuf_get_len(sb) > max_len)
                break;
            summary(sb, ch, max_len);
        }
        if (v->n_items > v->n_stored)
            wmem_strbuf_append_printf(sb, ", \xE2\x80\xA6 [%u more]", v->n_items - v->n_stored);
        wmem_strbuf_append_c(sb, ']');
        break;
    case HESSIAN_MAP:
        if (v->type) {
            wmem_strbuf_append(sb, v->type);
            wmem_strbuf_append_c(sb, ' ');
        }
        wmem_strbuf_append_c(sb, '{');
        for (ch = v->first_child, k = 0; ch && ch->next; ch = ch->next->next, k++) {
            if (k)
                wmem_strbuf_append(sb, ", ");
            if (wmem_strbuf_get_len(sb) > max_len)
                break;
            summary(sb, ch, max_len);
            wmem_strbuf_append(sb, ": ");
            summary(sb, ch->next, max_len);
        }
        if (v->n_items > v->n_stored)
            wmem_strbuf_append_printf(sb, ", \xE2\x80\xA6 [%u more]", v->n_items - v->n_stored);
        wmem_strbuf_append_c(sb, '}');
        break;
    case HESSIAN_OBJECT:
        wmem_strbuf_append(sb, v->type ? v->type : "?");
        if (!v->first_child) {
            wmem_strbuf_append(sb, " {}");
            break;
        }
        wmem_strbuf_append(sb, " { ");
        for (ch = v->first_child, k = 0; ch; ch = ch->next, k++) {
            if (k)
                wmem_strbuf_append(sb, ", ");
            if (wmem_strbuf_get_len(sb) > max_len)
                break;
            wmem_strbuf_append_printf(sb, "%s: ", (v->cls && k < v->cls->n_fields) ? v->cls->fields[k] : "?");
            summary(sb, ch, max_len);
        }
        if (v->n_items > v->n_stored)
            wmem_strbuf_append_printf(sb, ", \xE2\x80\xA6 [%u more]", v->n_items - v->n_stored);
        wmem_strbuf_append(sb, " }");
        break;
    }
}

char *hessian_summary(wmem_allocator_t *scope, const hessian_value_t *v, guint max_len)
{
    wmem_strbuf_t *sb = wmem_strbuf_new(scope, "");
    if (!v)
        return (char *)wmem_strbuf_get_str(sb);
    summary(sb, v, max_len);
    if (wmem_strbuf_get_len(sb) > max_len) {
        /* cut at a UTF-8 boundary */
        const char *s = wmem_strbuf_get_str(sb);
        gsize cut = max_len;
        while (cut > 0 && ((guchar)s[cut] & 0xC0) == 0x80)
            cut--;
        wmem_strbuf_truncate(sb, cut);
        wmem_strbuf_append(sb, "\xE2\x80\xA6");
    }
    return (char *)wmem_strbuf_get_str(sb);
}

/* ---- protocol tree ------------------------------------------------------------------------ */

#define HESSIAN_ITEM_SUMMARY_LEN 240

static int proto_hessian = -1;
static int hf_hessian_null = -1;
static int hf_hessian_bool = -1;
static int hf_hessian_int = -1;
static int hf_hessian_long = -1;
static int hf_hessian_double = -1;
static int hf_hessian_date = -1;
static int hf_hessian_string = -1;
static int hf_hessian_binary = -1;
static int hf_hessian_xml = -1;
static int hf_hessian_list = -1;
static int hf_hessian_map = -1;
static int hf_hessian_class = -1;
static int hf_hessian_field = -1;
static int hf_hessian_ref = -1;
static int hf_hessian_remote = -1;
static int hf_hessian_type = -1;
static int hf_hessian_length = -1;
static int hf_hessian_classdef = -1;
static int hf_hessian_classdef_field = -1;
static int hf_hessian_undecoded = -1;

static gint ett_hessian = -1;
static gint ett_hessian_entry = -1;
static gint ett_hessian_classdef = -1;

static expert_field ei_hessian_truncated = EI_INIT;
static expert_field ei_hessian_reserved = EI_INIT;
static expert_field ei_hessian_bad_ref = EI_INIT;
static expert_field ei_hessian_depth = EI_INIT;
static expert_field ei_hessian_nodes = EI_INIT;
static expert_field ei_hessian_table = EI_INIT;
static expert_field ei_hessian_malformed = EI_INIT;
static expert_field ei_hessian_capped = EI_INIT;

/* Labels (item texts) are only seen in a visible tree: a hidden one (-T fields, -Y, taps) keeps
 * the values, the items a filter references and the expert infos, but skips every summary. */
static gboolean tree_visible(proto_tree *tree)
{
    return tree && PTREE_DATA(tree) && PTREE_DATA(tree)->visible;
}

static void add_classdefs(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const hessian_classdef_t *d)
{
    gboolean vis = tree_visible(tree);
    for (; d; d = d->next) {
        proto_item *ti;
        proto_tree *st;
        wmem_strbuf_t *names = wmem_strbuf_new(pinfo->pool, "");
        for (guint32 k = 0; vis && k < d->n_fields; k++) {
            if (k)
                wmem_strbuf_append(names, ", ");
            wmem_strbuf_append(names, d->fields[k] ? d->fields[k] : "");
            if (wmem_strbuf_get_len(names) > HESSIAN_ITEM_SUMMARY_LEN) {
                wmem_strbuf_append(names, "\xE2\x80\xA6");
                break;
            }
        }
        ti = proto_tree_add_string_format(tree, hf_hessian_classdef, tvb, d->offset, d->length, d->name,
                                          "Class definition #%u: %s (%s)", d->class_index, d->name,
                                          wmem_strbuf_get_str(names));
        st = proto_item_add_subtree(ti, ett_hessian_classdef);
        for (guint32 k = 0; k < d->n_fields && k < 256; k++)
            proto_tree_add_string(st, hf_hessian_classdef_field, tvb, d->offset, d->length, d->fields[k]);
    }
}

/* recursion bounded by the model's depth (<= opts.max_depth) */
static proto_item *add_value(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const hessian_value_t *v,
                             const char *prefix)
{
    proto_item *ti = NULL;
    proto_tree *st;
    const hessian_value_t *ch;
    const char *text;
    guint32 k;
    const char *pre = prefix ? prefix : "";
    gboolean vis;

    if (!tree)
        return NULL;   /* nothing to add; the caller's experts do not depend on the items */
    vis = tree_visible(tree);
    add_classdefs(tree, pinfo, tvb, v->defs);
    text = vis ? hessian_summary(pinfo->pool, v, HESSIAN_ITEM_SUMMARY_LEN) : "";
    switch (v->kind) {
    case HESSIAN_NULL:
        ti = proto_tree_add_none_format(tree, hf_hessian_null, tvb, v->offset, v->length, "%snull", pre);
        break;
    case HESSIAN_BOOL:
        ti = proto_tree_add_boolean_format(tree, hf_hessian_bool, tvb, v->offset, v->length, (guint32)v->i,
                                           "%s%s", pre, text);
        break;
    case HESSIAN_INT:
        ti = proto_tree_add_int_format(tree, hf_hessian_int, tvb, v->offset, v->length, (gint32)v->i,
                                       "%s%s", pre, text);
        break;
    case HESSIAN_LONG:
        ti = proto_tree_add_int64_format(tree, hf_hessian_long, tvb, v->offset, v->length, v->i,
                                         "%s%s", pre, text);
        break;
    case HESSIAN_DOUBLE:
        ti = proto_tree_add_double_format(tree, hf_hessian_double, tvb, v->offset, v->length, v->d,
                                          "%s%s", pre, text);
        break;
    case HESSIAN_DATE: {
        nstime_t t = ts_nstime_from_epoch_ms(v->i);
        ti = proto_tree_add_time_format(tree, hf_hessian_date, tvb, v->offset, v->length, &t, "%s%s", pre, text);
        break;
    }
    case HESSIAN_STRING:
        ti = proto_tree_add_string_format(tree, hf_hessian_string, tvb, v->offset, v->length, v->str,
                                          "%s%s", pre, text);
        break;
    case HESSIAN_XML:
        ti = proto_tree_add_string_format(tree, hf_hessian_xml, tvb, v->offset, v->length, v->str,
                                          "%s%s", pre, text);
        break;
    case HESSIAN_REMOTE:
        ti = proto_tree_add_string_format(tree, hf_hessian_remote, tvb, v->offset, v->length, v->str,
                                          "%s%s", pre, text);
        break;
    case HESSIAN_BINARY:
        ti = proto_tree_add_bytes_with_length(tree, hf_hessian_binary, tvb, v->offset, v->length,
                                              v->bytes, (gint)v->nbytes);
        proto_item_set_text(ti, "%s%s", pre, text);
        break;
    case HESSIAN_REF:
        ti = proto_tree_add_uint_format(tree, hf_hessian_ref, tvb, v->offset, v->length, (guint32)v->i,
                                        "%s%s", pre, text);
        break;
    case HESSIAN_LIST:
        ti = proto_tree_add_uint_format(tree, hf_hessian_list, tvb, v->offset, v->length, v->n_items,
                                        "%s%s", pre, text);
        st = proto_item_add_subtree(ti, ett_hessian);
        if (v->type)
            proto_tree_add_string(st, hf_hessian_type, tvb, v->offset, v->length, v->type);
        if (v->declared_len >= 0)
            proto_item_set_generated(proto_tree_add_uint(st, hf_hessian_length, tvb, v->offset, v->length,
                                                         (guint32)v->declared_len));
        for (ch = v->first_child, k = 0; ch; ch = ch->next, k++)
            add_value(st, pinfo, tvb, ch, vis ? wmem_strdup_printf(pinfo->pool, "[%u] ", k) : NULL);
        if (v->n_items > v->n_stored)
            proto_tree_add_expert_format(st, pinfo, &ei_hessian_capped, tvb, v->offset, v->length,
                                         "[%u more elements not shown]", v->n_items - v->n_stored);
        break;
    case HESSIAN_MAP:
        ti = proto_tree_add_uint_format(tree, hf_hessian_map, tvb, v->offset, v->length, v->n_items,
                                        "%s%s", pre, text);
        st = proto_item_add_subtree(ti, ett_hessian);
        if (v->type)
            proto_tree_add_string(st, hf_hessian_type, tvb, v->offset, v->length, v->type);
        for (ch = v->first_child; ch && ch->next; ch = ch->next->next) {
            int end = ch->next->offset + ch->next->length;
            proto_tree *et = vis ? proto_tree_add_subtree_format(st, tvb, ch->offset, end - ch->offset,
                                                                 ett_hessian_entry, NULL, "%s: %s",
                                                                 hessian_summary(pinfo->pool, ch, 80),
                                                                 hessian_summary(pinfo->pool, ch->next,
                                                                                 HESSIAN_ITEM_SUMMARY_LEN))
                                 : proto_tree_add_subtree(st, tvb, ch->offset, end - ch->offset,
                                                          ett_hessian_entry, NULL, "Entry");
            add_value(et, pinfo, tvb, ch, "Key: ");
            add_value(et, pinfo, tvb, ch->next, "Value: ");
        }
        if (v->n_items > v->n_stored)
            proto_tree_add_expert_format(st, pinfo, &ei_hessian_capped, tvb, v->offset, v->length,
                                         "[%u more entries not shown]", v->n_items - v->n_stored);
        break;
    case HESSIAN_OBJECT:
        ti = proto_tree_add_string_format(tree, hf_hessian_class, tvb, v->offset, v->length, v->type,
                                          "%s%s", pre, text);
        st = proto_item_add_subtree(ti, ett_hessian);
        for (ch = v->first_child, k = 0; ch; ch = ch->next, k++) {
            const char *fname = (v->cls && k < v->cls->n_fields) ? v->cls->fields[k] : "?";
            proto_item *fi = proto_tree_add_string_format(st, hf_hessian_field, tvb, ch->offset, ch->length,
                                                          fname, "%s: %s", fname,
                                                          vis ? hessian_summary(pinfo->pool, ch, HESSIAN_ITEM_SUMMARY_LEN)
                                                              : "");
            add_value(proto_item_add_subtree(fi, ett_hessian_entry), pinfo, tvb, ch, NULL);
        }
        if (v->n_items > v->n_stored)
            proto_tree_add_expert_format(st, pinfo, &ei_hessian_capped, tvb, v->offset, v->length,
                                         "[%u more fields not shown]", v->n_items - v->n_stored);
        break;
    }
    return ti;
}

proto_item *hessian_tree_add_value(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb,
                                   const hessian_value_t *v, const char *prefix)
{
    if (!v)
        return NULL;
    return add_value(tree, pinfo, tvb, v, prefix);
}

void hessian_tree_add_status(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, hessian_ctx_t *ctx)
{
    expert_field *ei;
    int end = ctx->base + (int)ctx->len;
    int off;
    if (ctx->err == HESSIAN_OK)
        return;
    switch (ctx->err) {
    case HESSIAN_ERR_TRUNCATED: ei = &ei_hessian_truncated; break;
    case HESSIAN_ERR_RESERVED:  ei = &ei_hessian_reserved; break;
    case HESSIAN_ERR_BAD_REF:   ei = &ei_hessian_bad_ref; break;
    case HESSIAN_ERR_DEPTH:     ei = &ei_hessian_depth; break;
    case HESSIAN_ERR_NODES:     ei = &ei_hessian_nodes; break;
    case HESSIAN_ERR_TABLE:     ei = &ei_hessian_table; break;
    default:                    ei = &ei_hessian_malformed; break;
    }
    off = ctx->base + (int)ctx->err_pos;
    if (off > end)
        off = end;
    proto_tree_add_expert_format(tree, pinfo, ei, tvb, off, end - off, "%s", ctx->err_msg);
    if (end > off)
        proto_tree_add_item(tree, hf_hessian_undecoded, tvb, off, end - off, ENC_NA);
}

const char *hessian_dissect_value(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int offset,
                                  int len, hessian_version_t version, const char *prefix,
                                  const hessian_value_t **out)
{
    hessian_ctx_t *ctx = hessian_ctx_new(pinfo->pool, tvb, offset, len, version, NULL);
    hessian_value_t *v = hessian_read(ctx);
    if (out)
        *out = v;
    if (v)
        hessian_tree_add_value(tree, pinfo, tvb, v, prefix);
    hessian_tree_add_status(tree, pinfo, tvb, ctx);
    return v ? hessian_summary(pinfo->pool, v, HESSIAN_ITEM_SUMMARY_LEN) : "";
}

void hessian_register(void)
{
    static hf_register_info hf[] = {
        { &hf_hessian_null, { "Null", "hessian.null", FT_NONE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hessian_bool, { "Boolean", "hessian.bool", FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hessian_int, { "Int", "hessian.int", FT_INT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hessian_long, { "Long", "hessian.long", FT_INT64, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hessian_double, { "Double", "hessian.double", FT_DOUBLE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hessian_date, { "Date", "hessian.date", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0, NULL, HFILL } },
        { &hf_hessian_string, { "String", "hessian.string", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hessian_binary, { "Binary", "hessian.binary", FT_BYTES, BASE_NONE, NULL, 0x0,
                                "Binary value (only the first bytes are kept)", HFILL } },
        { &hf_hessian_xml, { "XML", "hessian.xml", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hessian_list, { "List", "hessian.list", FT_UINT32, BASE_DEC, NULL, 0x0,
                              "A list; the value is its number of elements", HFILL } },
        { &hf_hessian_map, { "Map", "hessian.map", FT_UINT32, BASE_DEC, NULL, 0x0,
                             "A map; the value is its number of entries", HFILL } },
        { &hf_hessian_class, { "Object", "hessian.class", FT_STRING, BASE_NONE, NULL, 0x0,
                               "An object instance; the value is its class name", HFILL } },
        { &hf_hessian_field, { "Field", "hessian.field", FT_STRING, BASE_NONE, NULL, 0x0,
                               "A field of an object; the value is the field name", HFILL } },
        { &hf_hessian_ref, { "Reference", "hessian.ref", FT_UINT32, BASE_DEC, NULL, 0x0,
                             "Reference to an earlier list, map or object (not re-expanded)", HFILL } },
        { &hf_hessian_remote, { "Remote", "hessian.remote", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hessian_type, { "Type", "hessian.type", FT_STRING, BASE_NONE, NULL, 0x0,
                              "Type name of a typed list or map", HFILL } },
        { &hf_hessian_length, { "Declared length", "hessian.length", FT_UINT32, BASE_DEC, NULL, 0x0,
                                "Element count of a fixed-length list", HFILL } },
        { &hf_hessian_classdef, { "Class definition", "hessian.classdef", FT_STRING, BASE_NONE, NULL, 0x0,
                                  NULL, HFILL } },
        { &hf_hessian_classdef_field, { "Field name", "hessian.classdef.field", FT_STRING, BASE_NONE, NULL,
                                        0x0, NULL, HFILL } },
        { &hf_hessian_undecoded, { "Undecoded", "hessian.undecoded", FT_BYTES, BASE_NONE, NULL, 0x0,
                                   "Bytes after a Hessian decoding error", HFILL } },
    };
    static gint *ett[] = { &ett_hessian, &ett_hessian_entry, &ett_hessian_classdef };
    static ei_register_info ei[] = {
        { &ei_hessian_truncated, { "hessian.truncated", PI_MALFORMED, PI_ERROR,
                                   "Hessian value truncated", EXPFILL } },
        { &ei_hessian_reserved, { "hessian.reserved_code", PI_MALFORMED, PI_ERROR,
                                  "Reserved or unexpected Hessian byte code", EXPFILL } },
        { &ei_hessian_bad_ref, { "hessian.invalid_reference", PI_MALFORMED, PI_ERROR,
                                 "Invalid reference (undefined value, class or type)", EXPFILL } },
        { &ei_hessian_depth, { "hessian.depth_limit", PI_UNDECODED, PI_WARN,
                               "Hessian nesting depth limit reached", EXPFILL } },
        { &ei_hessian_nodes, { "hessian.value_limit", PI_UNDECODED, PI_WARN,
                               "Hessian value count limit reached", EXPFILL } },
        { &ei_hessian_table, { "hessian.table_limit", PI_UNDECODED, PI_WARN,
                               "Hessian class/type table limit reached", EXPFILL } },
        { &ei_hessian_malformed, { "hessian.malformed", PI_MALFORMED, PI_ERROR,
                                   "Malformed Hessian value", EXPFILL } },
        { &ei_hessian_capped, { "hessian.display_limit", PI_UNDECODED, PI_NOTE,
                                "Display limit: not every element is shown", EXPFILL } },
    };
    expert_module_t *em;

    if (proto_hessian != -1)
        return;   /* registered once, whoever calls first */
    proto_hessian = proto_register_protocol("Hessian Serialization", "Hessian", "hessian");
    proto_register_field_array(proto_hessian, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    em = expert_register_protocol(proto_hessian);
    expert_register_field_array(em, ei, array_length(ei));
}
