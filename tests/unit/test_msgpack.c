/* test_msgpack.c — the shared MessagePack walker (msgpack.c) against the MessagePack
 * specification (https://github.com/msgpack/msgpack/blob/master/spec.md): every type family,
 * truncation at every byte, the nesting and value limits, hostile lengths, the text form and its
 * hook, and which data Wireshark's own msgpack dissector shows correctly (ws_ok).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include <math.h>

#include <glib.h>

#include "msgpack.h"
#include <epan/except.h>

static wmem_allocator_t *pool;

typedef struct {
    tvbuff_t *tvb;
    msgpack_walker_t w;
    int next;
    const char *text;
} run_t;

/* Walks (text form) the bytes b[0, len). */
static void run_text(run_t *r, const guint8 *b, int len, const msgpack_text_opts_t *opts)
{
    r->tvb = tvb_new_real_data(b, (guint)len, len);
    r->next = msgpack_text(pool, r->tvb, 0, len, opts, &r->text, &r->w);
}

static void run_done(run_t *r)
{
    tvb_free(r->tvb);
}

/* The one value in b, read as a header. */
static msgpack_item_t header_of(const guint8 *b, int len)
{
    msgpack_item_t it;
    tvbuff_t *tvb = tvb_new_real_data(b, (guint)len, len);
    g_assert_cmpint(msgpack_read_header(tvb, 0, len, &it), ==, MSGPACK_OK);
    g_assert_cmpint(it.length, ==, len);
    tvb_free(tvb);
    return it;
}

#define TEXT_IS(bytes, expect) do { \
        static const guint8 b_[] = bytes; \
        run_t r_; \
        run_text(&r_, b_, (int)sizeof(b_), NULL); \
        g_assert_cmpint(r_.w.error, ==, MSGPACK_OK); \
        g_assert_cmpint(r_.next, ==, (int)sizeof(b_)); \
        g_assert_cmpstr(r_.text, ==, expect); \
        run_done(&r_); \
    } while (0)

#define B(...) { __VA_ARGS__ }

/* ---- type families ---------------------------------------------------------------------------- */

static void test_positive_fixint(void)
{
    for (int v = 0; v <= 0x7f; v++) {
        guint8 b[1] = { (guint8)v };
        msgpack_item_t it = header_of(b, 1);
        g_assert_cmpint(it.kind, ==, MSGPACK_UINT);
        g_assert_cmpuint(it.u, ==, (guint64)v);
    }
    TEXT_IS(B(0x00), "0");
    TEXT_IS(B(0x7f), "127");
}

static void test_negative_fixint(void)
{
    /* 0xe0-0xff: the byte as a signed 8-bit integer, -32..-1 */
    for (int v = 0xe0; v <= 0xff; v++) {
        guint8 b[1] = { (guint8)v };
        msgpack_item_t it = header_of(b, 1);
        g_assert_cmpint(it.kind, ==, MSGPACK_INT);
        g_assert_cmpint(it.i, ==, v - 256);
    }
    TEXT_IS(B(0xe0), "-32");
    TEXT_IS(B(0xe1), "-31");
    TEXT_IS(B(0xff), "-1");
    TEXT_IS(B(0x93, 0xe0, 0xe1, 0xff), "[-32, -31, -1]");
}

static void test_uint_int_8_to_64(void)
{
    TEXT_IS(B(0xcc, 0xff), "255");
    TEXT_IS(B(0xcd, 0xff, 0xfe), "65534");
    TEXT_IS(B(0xce, 0xff, 0xff, 0xff, 0xfd), "4294967293");
    TEXT_IS(B(0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), "18446744073709551615");
    TEXT_IS(B(0xd0, 0x80), "-128");
    TEXT_IS(B(0xd0, 0x7f), "127");
    TEXT_IS(B(0xd1, 0x80, 0x00), "-32768");
    TEXT_IS(B(0xd2, 0x80, 0x00, 0x00, 0x00), "-2147483648");
    TEXT_IS(B(0xd3, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00), "-9223372036854775808");
    TEXT_IS(B(0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe), "-2");

    static const guint8 u64[] = { 0xcf, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x02 };
    msgpack_item_t it = header_of(u64, sizeof(u64));
    g_assert_cmpint(it.kind, ==, MSGPACK_UINT);
    g_assert_cmpuint(it.u, ==, G_GUINT64_CONSTANT(0x0000010000000002));
    g_assert_cmpuint(it.data_len, ==, 8);
    static const guint8 i16[] = { 0xd1, 0xfe, 0xd4 };
    it = header_of(i16, sizeof(i16));
    g_assert_cmpint(it.kind, ==, MSGPACK_INT);
    g_assert_cmpint(it.i, ==, -300);
}

static void test_float_32_64(void)
{
    static const guint8 f32[] = { 0xca, 0x3f, 0xc0, 0x00, 0x00 };
    static const guint8 f64[] = { 0xcb, 0xc0, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18 };
    msgpack_item_t it = header_of(f32, sizeof(f32));
    g_assert_cmpint(it.kind, ==, MSGPACK_FLOAT);
    g_assert_cmpfloat(it.f, ==, 1.5);
    it = header_of(f64, sizeof(f64));
    g_assert_cmpfloat_with_epsilon(it.f, -3.141592653589793, 1e-15);
    TEXT_IS(B(0xca, 0x3f, 0xc0, 0x00, 0x00), "1.5");
    TEXT_IS(B(0xcb, 0x40, 0x59, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00), "100");
}

static void test_str_bin(void)
{
    TEXT_IS(B(0xa0), "''");
    TEXT_IS(B(0xa3, 'a', 'b', 'c'), "'abc'");
    TEXT_IS(B(0xd9, 0x03, 'a', 'b', 'c'), "'abc'");
    TEXT_IS(B(0xda, 0x00, 0x03, 'a', 'b', 'c'), "'abc'");
    TEXT_IS(B(0xdb, 0x00, 0x00, 0x00, 0x03, 'a', 'b', 'c'), "'abc'");
    TEXT_IS(B(0xc4, 0x02, 0x00, 0xff), "bin(2)");
    TEXT_IS(B(0xc5, 0x00, 0x01, 0x00), "bin(1)");
    TEXT_IS(B(0xc6, 0x00, 0x00, 0x00, 0x00), "bin(0)");

    static const guint8 s16[] = { 0xda, 0x00, 0x02, 'h', 'i' };
    msgpack_item_t it = header_of(s16, sizeof(s16));
    g_assert_cmpint(it.kind, ==, MSGPACK_STR);
    g_assert_cmpint(it.hdr_len, ==, 3);
    g_assert_cmpint(it.data_offset, ==, 3);
    g_assert_cmpuint(it.data_len, ==, 2);

    /* a string longer than max_str is cut, with an ellipsis */
    static const guint8 longs[] = { 0xa5, 'h', 'e', 'l', 'l', 'o' };
    msgpack_text_opts_t opts = { 0, 3, 0, NULL, NULL };
    run_t r;
    run_text(&r, longs, sizeof(longs), &opts);
    g_assert_cmpstr(r.text, ==, "'hel\xe2\x80\xa6'");
    run_done(&r);
}

static void test_ext_fixext(void)
{
    static const struct { guint8 b[24]; int len; int data_len; const char *text; } v[] = {
        { { 0xd4, 0x05, 0xaa }, 3, 1, "ext(5,1)" },
        { { 0xd5, 0xfe, 1, 2 }, 4, 2, "ext(-2,2)" },
        { { 0xd6, 0x01, 1, 2, 3, 4 }, 6, 4, "ext(1,4)" },
        { { 0xd7, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8 }, 10, 8, "ext(127,8)" },
        { { 0xd8, 0x80, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }, 18, 16, "ext(-128,16)" },
        { { 0xc7, 0x03, 0x07, 'a', 'b', 'c' }, 6, 3, "ext(7,3)" },
        { { 0xc7, 0x00, 0x01 }, 3, 0, "ext(1,0)" },
        { { 0xc8, 0x00, 0x01, 0xff, 'x' }, 5, 1, "ext(-1,1)" },
        { { 0xc9, 0x00, 0x00, 0x00, 0x02, 0x10, 'x', 'y' }, 8, 2, "ext(16,2)" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(v); i++) {
        msgpack_item_t it = header_of(v[i].b, v[i].len);
        g_assert_cmpint(it.kind, ==, MSGPACK_EXT);
        g_assert_cmpuint(it.data_len, ==, (guint)v[i].data_len);
        g_assert_cmpint(it.data_offset + (int)it.data_len, ==, v[i].len);
        run_t r;
        run_text(&r, v[i].b, v[i].len, NULL);
        g_assert_cmpstr(r.text, ==, v[i].text);
        run_done(&r);
    }
}

static void test_array_map_16_32(void)
{
    TEXT_IS(B(0x90), "[]");
    TEXT_IS(B(0x80), "{}");
    TEXT_IS(B(0x92, 0x01, 0x02), "[1, 2]");
    TEXT_IS(B(0xdc, 0x00, 0x02, 0x01, 0x02), "[1, 2]");
    TEXT_IS(B(0xdd, 0x00, 0x00, 0x00, 0x02, 0x01, 0x02), "[1, 2]");
    TEXT_IS(B(0x82, 0xa1, 'k', 0x01, 0x02, 0x90), "{'k': 1, 2: []}");
    TEXT_IS(B(0xde, 0x00, 0x01, 0xa1, 'k', 0xc0), "{'k': nil}");
    TEXT_IS(B(0xdf, 0x00, 0x00, 0x00, 0x01, 0xa1, 'k', 0x91, 0x80), "{'k': [{}]}");

    static const guint8 m32[] = { 0xdf, 0x00, 0x01, 0x00, 0x00 };
    tvbuff_t *tvb = tvb_new_real_data(m32, sizeof(m32), sizeof(m32));
    msgpack_item_t it;
    g_assert_cmpint(msgpack_read_header(tvb, 0, sizeof(m32), &it), ==, MSGPACK_OK);
    g_assert_cmpint(it.kind, ==, MSGPACK_MAP);
    g_assert_cmpuint(it.count, ==, 0x10000);
    g_assert_cmpint(it.hdr_len, ==, 5);
    tvb_free(tvb);
}

static void test_nil_bool_never_used(void)
{
    TEXT_IS(B(0xc0), "nil");
    TEXT_IS(B(0xc2), "false");
    TEXT_IS(B(0xc3), "true");
    TEXT_IS(B(0x93, 0xc0, 0xc2, 0xc3), "[nil, false, true]");
    static const guint8 c1[] = { 0x91, 0xc1 };
    run_t r;
    run_text(&r, c1, sizeof(c1), NULL);
    g_assert_cmpint(r.next, ==, -1);
    g_assert_cmpint(r.w.error, ==, MSGPACK_ERR_NEVER_USED);
    g_assert_cmpint(r.w.error_offset, ==, 1);
    g_assert_cmpstr(msgpack_strerror(r.w.error), ==, "MessagePack type 0xc1 is never used");
    run_done(&r);
}

/* ---- Wireshark's own dissector -------------------------------------------------------------- */

static gboolean ws_ok_of(const guint8 *b, int len)
{
    run_t r;
    run_text(&r, b, len, NULL);
    g_assert_cmpint(r.next, ==, len);
    gboolean ok = r.w.ws_ok;
    run_done(&r);
    return ok;
}

static void test_ws_ok(void)
{
    static const guint8 fine[] = { 0x96, 0x00, 0x7e, 0xa1, 'x', 0xc0, 0xc3,
                                   0xca, 0x3f, 0xc0, 0x00, 0x00 };
    g_assert_true(ws_ok_of(fine, sizeof(fine)));
    static const guint8 fine2[] = { 0x81, 0xd4, 0x01, 0x02, 0xd3, 0, 0, 0, 0, 0, 0, 0, 1 };
    g_assert_true(ws_ok_of(fine2, sizeof(fine2)));
    /* every negative fixint: Wireshark shows 0xe0 not at all and 0xe1-0xff as 225..255 */
    for (int v = 0xe0; v <= 0xff; v++) {
        guint8 b[2] = { 0x91, (guint8)v };
        g_assert_false(ws_ok_of(b, 2));
    }
    static const guint8 x7f[] = { 0x7f };
    g_assert_false(ws_ok_of(x7f, 1));
    static const guint8 u8[] = { 0xcc, 0x01 }, i32[] = { 0xd2, 0, 0, 0, 1 }, bin[] = { 0xc4, 0x00 },
                        ext8[] = { 0xc7, 0x00, 0x01 }, a16[] = { 0xdc, 0x00, 0x00 }, m16[] = { 0xde, 0x00, 0x00 };
    g_assert_false(ws_ok_of(u8, sizeof(u8)));
    g_assert_false(ws_ok_of(i32, sizeof(i32)));
    g_assert_false(ws_ok_of(bin, sizeof(bin)));
    g_assert_false(ws_ok_of(ext8, sizeof(ext8)));
    g_assert_false(ws_ok_of(a16, sizeof(a16)));
    g_assert_false(ws_ok_of(m16, sizeof(m16)));
}

/* ---- hostile input ---------------------------------------------------------------------------- */

/* One value of every family, nested. */
static const guint8 every[] = {
    0xdf, 0x00, 0x00, 0x00, 0x03,                       /* map 32, 3 pairs */
      0xa1, 'a',                                        /* fixstr */
      0xdc, 0x00, 0x0d,                                 /* array 16, 13 elements */
        0x05, 0xe1, 0xcc, 0x80, 0xcd, 0x01, 0x00, 0xd0, 0xfe, 0xd3, 0, 0, 0, 0, 0, 0, 0, 1,
        0xca, 0x3f, 0x80, 0x00, 0x00,
        0xcb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0,
        0xc0, 0xc2,
        0xd9, 0x02, 'h', 'i',
        0xc5, 0x00, 0x01, 0x00,
        0xdd, 0x00, 0x00, 0x00, 0x01, 0x90,
      0xd4, 0x01, 0x00,                                 /* fixext 1 as a key */
      0xc8, 0x00, 0x02, 0x03, 0xaa, 0xbb,               /* ext 16 */
      0xde, 0x00, 0x01, 0x80, 0xc3,                     /* map 16 as a key */
      0xdb, 0x00, 0x00, 0x00, 0x01, 'z',
};

static void test_truncation_at_every_byte(void)
{
    run_t r;
    run_text(&r, every, sizeof(every), NULL);
    g_assert_cmpint(r.w.error, ==, MSGPACK_OK);
    g_assert_cmpint(r.next, ==, (int)sizeof(every));
    g_assert_cmpstr(r.text, ==, "{'a': [5, -31, 128, 256, -2, 1, 1, 1, nil, false, 'hi', bin(1), [[]]], "
                                "ext(1,1): ext(3,2), {{}: true}: 'z'}");
    run_done(&r);
    g_assert_cmpuint(sizeof(every), >, 60);

    for (int len = 0; len < (int)sizeof(every); len++) {
        /* a copy of exactly len bytes: any read past it would throw */
        guint8 *copy = (guint8 *)g_memdup2(every, len ? (guint)len : 1);
        run_text(&r, copy, len, NULL);
        g_assert_cmpint(r.next, ==, -1);
        g_assert_true(r.w.error == (len == 0 ? MSGPACK_ERR_EMPTY : MSGPACK_ERR_TRUNCATED) ||
                      r.w.error == MSGPACK_ERR_MAP_COUNT || r.w.error == MSGPACK_ERR_ARRAY_COUNT);
        g_assert_cmpint(r.w.error_offset, <=, len);
        run_done(&r);
        g_free(copy);
    }
}

static void test_hostile_lengths(void)
{
    static const struct { guint8 b[8]; int len; msgpack_error_t err; } v[] = {
        { { 0xdb, 0xff, 0xff, 0xff, 0xff, 'a' }, 6, MSGPACK_ERR_TRUNCATED },         /* str 32: 2^32-1 */
        { { 0xc6, 0xff, 0xff, 0xff, 0xff, 'a' }, 6, MSGPACK_ERR_TRUNCATED },         /* bin 32 */
        { { 0xc9, 0xff, 0xff, 0xff, 0xff, 0x01, 'a' }, 7, MSGPACK_ERR_TRUNCATED },   /* ext 32 */
        { { 0xdd, 0xff, 0xff, 0xff, 0xff, 0x01 }, 6, MSGPACK_ERR_ARRAY_COUNT },     /* array 32 */
        { { 0xdf, 0xff, 0xff, 0xff, 0xff, 0x01, 0x01 }, 7, MSGPACK_ERR_MAP_COUNT },  /* map 32 */
        { { 0xdf, 0x80, 0x00, 0x00, 0x00, 0x01, 0x01 }, 7, MSGPACK_ERR_MAP_COUNT },  /* 2 * count > 2^32 */
        { { 0xdc, 0xff, 0xff, 0x01 }, 4, MSGPACK_ERR_ARRAY_COUNT },                 /* array 16 */
        { { 0x9f, 0x01 }, 2, MSGPACK_ERR_ARRAY_COUNT },                             /* fixarray 15 */
        { { 0x82, 0x01, 0x01, 0x01 }, 4, MSGPACK_ERR_MAP_COUNT },                   /* 2 pairs, 3 bytes */
    };
    for (guint i = 0; i < G_N_ELEMENTS(v); i++) {
        run_t r;
        run_text(&r, v[i].b, v[i].len, NULL);
        g_assert_cmpint(r.next, ==, -1);
        g_assert_cmpint(r.w.error, ==, v[i].err);
        g_assert_cmpint(r.w.values, ==, 1);   /* refused at the header, nothing walked inside */
        run_done(&r);
    }
}

static void test_depth_limit(void)
{
    enum { N = 100000 };
    guint8 *deep = (guint8 *)g_malloc(N + 1);
    memset(deep, 0x91, N);
    deep[N] = 0x01;
    tvbuff_t *tvb = tvb_new_real_data(deep, N + 1, N + 1);
    msgpack_walker_t w;

    /* max_depth levels below the root are fine, one more is not */
    msgpack_walker_init(&w, tvb, N + 1);
    w.max_depth = 16;
    g_assert_cmpint(msgpack_walk(&w, N - 16, 0, NULL), ==, N + 1);
    g_assert_cmpuint(w.deepest, ==, 16);
    msgpack_walker_init(&w, tvb, N + 1);
    w.max_depth = 16;
    g_assert_cmpint(msgpack_walk(&w, N - 17, 0, NULL), ==, -1);
    g_assert_cmpint(w.error, ==, MSGPACK_ERR_DEPTH);
    g_assert_cmpint(w.error_offset, ==, N - 17 + 17);

    /* the default limit stops a 100000-deep value early */
    msgpack_walker_init(&w, tvb, N + 1);
    g_assert_cmpint(msgpack_walk(&w, 0, 0, NULL), ==, -1);
    g_assert_cmpint(w.error, ==, MSGPACK_ERR_DEPTH);
    g_assert_cmpuint(w.values, ==, MSGPACK_DEFAULT_MAX_DEPTH + 1);

    /* the depth a walk starts at counts */
    msgpack_walker_init(&w, tvb, N + 1);
    w.max_depth = 16;
    g_assert_cmpint(msgpack_walk(&w, N - 16, 1, NULL), ==, -1);

    /* text form: what was read before the error */
    msgpack_text_opts_t opts = { 0, 0, 3, NULL, NULL };
    const char *text;
    g_assert_cmpint(msgpack_text(pool, tvb, N - 4, N + 1, &opts, &text, &w), ==, -1);
    g_assert_cmpint(w.error, ==, MSGPACK_ERR_DEPTH);
    g_assert_cmpstr(text, ==, "[[[[");
    tvb_free(tvb);
    g_free(deep);
}

static void test_value_limit(void)
{
    static const guint8 b[] = { 0x93, 0x01, 0x02, 0x03, 0x04 };
    tvbuff_t *tvb = tvb_new_real_data(b, sizeof(b), sizeof(b));
    msgpack_walker_t w;
    msgpack_walker_init(&w, tvb, sizeof(b));
    w.max_values = 4;
    g_assert_cmpint(msgpack_walk(&w, 0, 0, NULL), ==, 4);
    /* the limit is per walker: the next value is one too many */
    g_assert_cmpint(msgpack_walk(&w, 4, 0, NULL), ==, -1);
    g_assert_cmpint(w.error, ==, MSGPACK_ERR_VALUES);
    msgpack_walker_init(&w, tvb, sizeof(b));
    w.max_values = 3;
    g_assert_cmpint(msgpack_walk(&w, 0, 0, NULL), ==, -1);
    g_assert_cmpint(w.error, ==, MSGPACK_ERR_VALUES);
    tvb_free(tvb);
}

/* ---- text form, hook, callbacks, single reads ------------------------------------------------- */

static void test_partial_text_and_cap(void)
{
    static const guint8 b[] = { 0x92, 0x01, 0xcd, 0x00 };
    run_t r;
    run_text(&r, b, sizeof(b), NULL);
    g_assert_cmpint(r.next, ==, -1);
    g_assert_cmpint(r.w.error, ==, MSGPACK_ERR_TRUNCATED);
    g_assert_cmpint(r.w.error_offset, ==, 2);
    g_assert_cmpstr(r.text, ==, "[1, ");
    run_done(&r);

    /* text capped at max_len: pieces are appended whole while shorter, then "…" */
    static const guint8 many[] = { 0x95, 0xcd, 0x30, 0x39, 0xcd, 0x30, 0x39, 0xcd, 0x30, 0x39,
                                   0xcd, 0x30, 0x39, 0xcd, 0x30, 0x39 };
    msgpack_text_opts_t opts = { 8, 0, 0, NULL, NULL };
    run_text(&r, many, sizeof(many), &opts);
    g_assert_cmpint(r.next, ==, (int)sizeof(many));
    g_assert_cmpstr(r.text, ==, "[12345, \xe2\x80\xa6");
    run_done(&r);

    /* empty */
    run_text(&r, many, 0, NULL);
    g_assert_cmpint(r.next, ==, -1);
    g_assert_cmpint(r.w.error, ==, MSGPACK_ERR_EMPTY);
    g_assert_cmpstr(r.text, ==, "");
    run_done(&r);
}

static gboolean upper_hook(wmem_allocator_t *scope, wmem_strbuf_t *sb, tvbuff_t *tvb,
                           const msgpack_item_t *it, void *data)
{
    int *calls = (int *)data;
    (*calls)++;
    if (it->kind == MSGPACK_EXT)
        return FALSE;   /* default */
    (void)scope;
    for (guint32 i = 0; i < it->data_len; i++)
        wmem_strbuf_append_c(sb, g_ascii_toupper((char)tvb_get_uint8(tvb, it->data_offset + (int)i)));
    return TRUE;
}

static void test_text_hook(void)
{
    static const guint8 b[] = { 0x93, 0xa2, 'a', 'b', 0xd4, 0x02, 0x00, 0xc4, 0x01, 'x' };
    int calls = 0;
    msgpack_text_opts_t opts = { 0, 0, 0, upper_hook, &calls };
    run_t r;
    run_text(&r, b, sizeof(b), &opts);
    g_assert_cmpstr(r.text, ==, "[AB, ext(2,1), bin(1)]");
    g_assert_cmpint(calls, ==, 2);   /* STR and EXT only */
    run_done(&r);
}

typedef struct {
    GString *log;
} trace_t;

static void *trace_enter(msgpack_walker_t *w, const msgpack_item_t *it, void *parent)
{
    trace_t *t = (trace_t *)w->user;
    g_string_append_printf(t->log, "enter%s%u@%u ", it->kind == MSGPACK_MAP ? "M" : "A", it->count, it->depth);
    return GINT_TO_POINTER(GPOINTER_TO_INT(parent) + 1);
}

static void trace_child(msgpack_walker_t *w, const msgpack_item_t *c _U_, guint64 index, void *ctx)
{
    g_string_append_printf(((trace_t *)w->user)->log, "c%" G_GUINT64_FORMAT "/%d ", index, GPOINTER_TO_INT(ctx));
}

static void trace_leave(msgpack_walker_t *w, const msgpack_item_t *it, int end, void *ctx)
{
    g_string_append_printf(((trace_t *)w->user)->log, "leave%d-%d/%d ", it->offset, end, GPOINTER_TO_INT(ctx));
}

static void trace_value(msgpack_walker_t *w, const msgpack_item_t *it, void *parent)
{
    g_string_append_printf(((trace_t *)w->user)->log, "v%d@%u/%d ", it->offset, it->depth, GPOINTER_TO_INT(parent));
}

static void test_callbacks(void)
{
    static const guint8 b[] = { 0x81, 0x01, 0x92, 0x02, 0x03 };
    tvbuff_t *tvb = tvb_new_real_data(b, sizeof(b), sizeof(b));
    trace_t t = { g_string_new("") };
    msgpack_walker_t w;
    msgpack_walker_init(&w, tvb, sizeof(b));
    w.enter = trace_enter;
    w.child = trace_child;
    w.leave = trace_leave;
    w.value = trace_value;
    w.user = &t;
    g_assert_cmpint(msgpack_walk(&w, 0, 0, GINT_TO_POINTER(10)), ==, 5);
    g_assert_cmpstr(t.log->str, ==, "enterM1@0 c0/11 v1@1/11 c1/11 enterA2@1 c0/12 v3@2/12 c1/12 v4@2/12 "
                                    "leave2-5/12 leave0-5/11 ");
    g_assert_cmpuint(w.values, ==, 5);
    g_assert_cmpuint(w.deepest, ==, 2);
    g_string_free(t.log, TRUE);
    tvb_free(tvb);
}

static void test_read_int_and_array_header(void)
{
    static const guint8 b[] = { 0x93, 0xff, 0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xa1, 'x',
                                0xdc, 0x00, 0x05 };
    tvbuff_t *tvb = tvb_new_real_data(b, sizeof(b), sizeof(b));
    guint32 count;
    int first;
    gint64 v;
    g_assert_true(msgpack_read_array_header(tvb, 0, sizeof(b), &count, &first));
    g_assert_cmpuint(count, ==, 3);
    g_assert_cmpint(first, ==, 1);
    g_assert_true(msgpack_read_int(tvb, 1, sizeof(b), &v));
    g_assert_cmpint(v, ==, -1);
    g_assert_true(msgpack_read_int(tvb, 2, sizeof(b), &v));
    g_assert_cmpint(v, ==, -1);                                   /* uint64 max wraps */
    g_assert_false(msgpack_read_int(tvb, 2, 10, &v));             /* truncated */
    g_assert_false(msgpack_read_int(tvb, 11, sizeof(b), &v));     /* a string */
    g_assert_false(msgpack_read_array_header(tvb, 11, sizeof(b), &count, &first));
    /* the header only: the 5 elements are not checked */
    g_assert_true(msgpack_read_array_header(tvb, 13, sizeof(b), &count, &first));
    g_assert_cmpuint(count, ==, 5);
    g_assert_cmpint(first, ==, 16);
    g_assert_false(msgpack_read_array_header(tvb, 13, 15, &count, &first));
    g_assert_false(msgpack_read_int(tvb, sizeof(b), sizeof(b), &v));
    tvb_free(tvb);
}

int main(int argc, char **argv)
{
    int rc;
    g_test_init(&argc, &argv, NULL);
    wmem_init();
    except_init();
    pool = wmem_allocator_new(WMEM_ALLOCATOR_STRICT);

    g_test_add_func("/msgpack/type/positive_fixint", test_positive_fixint);
    g_test_add_func("/msgpack/type/negative_fixint", test_negative_fixint);
    g_test_add_func("/msgpack/type/uint_int_8_to_64", test_uint_int_8_to_64);
    g_test_add_func("/msgpack/type/float_32_64", test_float_32_64);
    g_test_add_func("/msgpack/type/str_bin", test_str_bin);
    g_test_add_func("/msgpack/type/ext_fixext", test_ext_fixext);
    g_test_add_func("/msgpack/type/array_map_16_32", test_array_map_16_32);
    g_test_add_func("/msgpack/type/nil_bool_never_used", test_nil_bool_never_used);
    g_test_add_func("/msgpack/ws_ok", test_ws_ok);
    g_test_add_func("/msgpack/hostile/truncation_at_every_byte", test_truncation_at_every_byte);
    g_test_add_func("/msgpack/hostile/lengths", test_hostile_lengths);
    g_test_add_func("/msgpack/hostile/depth_limit", test_depth_limit);
    g_test_add_func("/msgpack/hostile/value_limit", test_value_limit);
    g_test_add_func("/msgpack/text/partial_and_cap", test_partial_text_and_cap);
    g_test_add_func("/msgpack/text/hook", test_text_hook);
    g_test_add_func("/msgpack/walk/callbacks", test_callbacks);
    g_test_add_func("/msgpack/read/int_and_array_header", test_read_int_and_array_header);
    rc = g_test_run();

    wmem_destroy_allocator(pool);
    except_deinit();
    wmem_cleanup();
    return rc;
}
