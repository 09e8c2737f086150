/* fastjson.c — tolerant fastjson-style JSON tokenizer (see fastjson.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fastjson.h"

#include <string.h>

static void fj_fail(fastjson_parser_t *p, const char *msg)
{
    if (!p->err) {
        p->err = msg;
        p->err_pos = p->pos;
    }
}

static void fj_ws(fastjson_parser_t *p)
{
    while (p->pos < p->len) {
        guint8 c = p->buf[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        p->pos++;
    }
}

static fastjson_node_t *fj_new(fastjson_parser_t *p, fastjson_type_t type)
{
    if (p->nodes >= p->max_nodes) {
        fj_fail(p, "too many JSON nodes (display limit)");
        return NULL;
    }
    p->nodes++;
    fastjson_node_t *n = wmem_new0(p->pool, fastjson_node_t);
    n->type = type;
    n->start = p->pos;
    n->end = p->pos;
    return n;
}

static void fj_append(fastjson_node_t *parent, fastjson_node_t *child)
{
    if (parent->last)
        parent->last->next = child;
    else
        parent->first = child;
    parent->last = child;
    parent->n++;
}

static gboolean fj_is_word_char(guint8 c)
{
    return g_ascii_isalnum(c) || c == '_' || c == '$' || c == '.' || c == '-' || c == '+';
}

/* Recursion is bounded by p->max_depth. */
static fastjson_node_t *fj_value(fastjson_parser_t *p, int depth);

static fastjson_node_t *fj_container(fastjson_parser_t *p, int depth, gboolean is_object)
{
    fastjson_node_t *n = fj_new(p, is_object ? FASTJSON_OBJECT : FASTJSON_ARRAY);
    guint8 close = is_object ? '}' : ']';
    if (!n)
        return NULL;
    p->pos++;   /* { or [ */
    for (;;) {
        fj_ws(p);
        if (p->pos >= p->len) {
            fj_fail(p, is_object ? "unterminated object" : "unterminated array");
            break;
        }
        if (p->buf[p->pos] == close) {
            p->pos++;
            n->complete = TRUE;
            break;
        }
        fastjson_node_t *key = NULL;
        if (is_object) {
            key = fj_value(p, depth + 1);   /* fastjson: any value can be a key */
            if (!key || p->err)
                break;
            fj_ws(p);
            if (p->pos >= p->len || p->buf[p->pos] != ':') {
                fj_fail(p, "expected ':' after an object key");
                break;
            }
            p->pos++;
        }
        fastjson_node_t *v = fj_value(p, depth + 1);
        if (!v)
            break;
        v->key = key;
        fj_append(n, v);
        if (p->err)
            break;
        fj_ws(p);
        if (p->pos < p->len && p->buf[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->buf[p->pos] == close) {
            p->pos++;
            n->complete = TRUE;
            break;
        }
        fj_fail(p, is_object ? "expected ',' or '}'" : "expected ',' or ']'");
        break;
    }
    n->end = p->pos;
    return n;
}

static fastjson_node_t *fj_value(fastjson_parser_t *p, int depth)
{
    fj_ws(p);
    if (p->pos >= p->len) {
        fj_fail(p, "unexpected end of JSON text");
        return NULL;
    }
    if ((guint)depth > p->max_depth) {
        fj_fail(p, "JSON nesting too deep");
        return NULL;
    }
    guint8 c = p->buf[p->pos];
    fastjson_node_t *n;
    if (c == '{' || c == '[')
        return fj_container(p, depth, c == '{');
    if (c == '"' || c == '\'') {
        n = fj_new(p, FASTJSON_STRING);
        if (!n)
            return NULL;
        p->pos++;
        while (p->pos < p->len && p->buf[p->pos] != c) {
            if (p->buf[p->pos] == '\\')
                p->pos++;
            p->pos++;
        }
        if (p->pos >= p->len) {
            p->pos = p->len;
            n->end = p->len;
            fj_fail(p, "unterminated string");
            return n;
        }
        p->pos++;
        n->end = p->pos;
        n->complete = TRUE;
        return n;
    }
    if (c == '-' || c == '+' || g_ascii_isdigit(c)) {
        n = fj_new(p, FASTJSON_NUMBER);
        if (!n)
            return NULL;
        while (p->pos < p->len && (g_ascii_isdigit(p->buf[p->pos]) || p->buf[p->pos] == '-' ||
               p->buf[p->pos] == '+' || p->buf[p->pos] == '.' || p->buf[p->pos] == 'e' ||
               p->buf[p->pos] == 'E' || p->buf[p->pos] == 'L'))
            p->pos++;
        n->end = p->pos;
        n->complete = p->pos < p->len;
        return n;
    }
    if (g_ascii_isalpha(c) || c == '_' || c == '$') {
        n = fj_new(p, FASTJSON_BARE);
        if (!n)
            return NULL;
        while (p->pos < p->len && fj_is_word_char(p->buf[p->pos]))
            p->pos++;
        n->end = p->pos;
        n->complete = p->pos < p->len;
        int l = n->end - n->start;
        const char *w = (const char *)p->buf + n->start;
        if (l == 4 && memcmp(w, "true", 4) == 0)
            n->type = FASTJSON_TRUE;
        else if (l == 5 && memcmp(w, "false", 5) == 0)
            n->type = FASTJSON_FALSE;
        else if (l == 4 && memcmp(w, "null", 4) == 0)
            n->type = FASTJSON_NULL;
        return n;
    }
    fj_fail(p, "unexpected character in JSON text");
    return NULL;
}

fastjson_node_t *fastjson_parse(fastjson_parser_t *p, wmem_allocator_t *pool, const guint8 *buf, int len,
                                guint max_depth, guint max_nodes)
{
    memset(p, 0, sizeof(*p));
    p->buf = buf;
    p->len = len > 0 ? len : 0;
    p->pool = pool;
    p->max_depth = max_depth;
    p->max_nodes = max_nodes;
    fastjson_node_t *root = fj_value(p, 0);
    if (root && !p->err) {
        fj_ws(p);
        if (p->pos < p->len && p->buf[p->pos] != '\0')
            fj_fail(p, "text after the JSON value");
    }
    return root;
}

static void fj_put_utf8(wmem_strbuf_t *sb, gunichar cp)
{
    char u[8];
    int n = g_unichar_to_utf8(cp, u);
    wmem_strbuf_append_len(sb, u, n);
}

static int fj_hex4(const guint8 *s, int avail, guint32 *out)
{
    guint32 v = 0;
    if (avail < 4)
        return 0;
    for (int i = 0; i < 4; i++) {
        int d = g_ascii_xdigit_value(s[i]);
        if (d < 0)
            return 0;
        v = (v << 4) | (guint32)d;
    }
    *out = v;
    return 4;
}

/* The text of a node: unescaped contents for strings, the raw text otherwise. Control
 * characters from \u escapes are kept (RocketMQ property separators \u0001 / \u0002). */
char *fastjson_text(wmem_allocator_t *pool, const fastjson_parser_t *p, const fastjson_node_t *n)
{
    if (!n)
        return wmem_strdup(pool, "");
    if (n->type != FASTJSON_STRING)
        return wmem_strndup(pool, (const char *)p->buf + n->start, (size_t)(n->end - n->start));
    int s = n->start + 1;
    int e = n->end;
    if (e > s && e <= p->len && (p->buf[e - 1] == p->buf[n->start]))
        e--;
    /* the common case, nothing to unescape: one copy */
    {
        int i = s;
        while (i < e && p->buf[i] != '\\' && p->buf[i] != 0)
            i++;
        if (i >= e)
            return wmem_strndup(pool, (const char *)p->buf + s, (size_t)(e > s ? e - s : 0));
    }
    wmem_strbuf_t *sb = wmem_strbuf_new(pool, "");
    for (int i = s; i < e; i++) {
        guint8 c = p->buf[i];
        if (c != '\\' || i + 1 >= e) {
            if (c != 0)
                wmem_strbuf_append_c(sb, (char)c);
            continue;
        }
        c = p->buf[++i];
        switch (c) {
        case 'n': wmem_strbuf_append_c(sb, '\n'); break;
        case 't': wmem_strbuf_append_c(sb, '\t'); break;
        case 'r': wmem_strbuf_append_c(sb, '\r'); break;
        case 'b': wmem_strbuf_append_c(sb, '\b'); break;
        case 'f': wmem_strbuf_append_c(sb, '\f'); break;
        case 'u': {
            guint32 cp;
            if (fj_hex4(p->buf + i + 1, e - i - 1, &cp)) {
                i += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < e && p->buf[i + 1] == '\\' &&
                    p->buf[i + 2] == 'u') {
                    guint32 lo;
                    if (fj_hex4(p->buf + i + 3, e - i - 3, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        i += 6;
                    }
                }
                if (cp == 0)
                    break;
                if (cp >= 0xD800 && cp <= 0xDFFF)
                    cp = 0xFFFD;
                fj_put_utf8(sb, cp);
            } else {
                wmem_strbuf_append_c(sb, 'u');
            }
            break;
        }
        default:
            wmem_strbuf_append_c(sb, (char)c);
            break;
        }
    }
    return (char *)wmem_strbuf_get_str(sb);
}

