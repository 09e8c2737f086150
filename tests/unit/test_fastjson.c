/* test_fastjson.c — the tolerant fastjson tokenizer (fastjson.c): what fastjson writes and RFC 8259
 * rejects (bare and numeric keys, object keys, single quotes, trailing commas, `L` numbers),
 * string unescaping, nesting, truncated input at every byte, the depth and node limits.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "fastjson.h"

static wmem_allocator_t *pool;

typedef struct {
    fastjson_parser_t p;
    fastjson_node_t *root;
} doc_t;

static void parse(doc_t *d, const char *text, guint max_depth, guint max_nodes)
{
    d->root = fastjson_parse(&d->p, pool, (const guint8 *)text, (int)strlen(text), max_depth, max_nodes);
}

static const char *text_of(const doc_t *d, const fastjson_node_t *n)
{
    return fastjson_text(pool, &d->p, n);
}

/* Member `i` of an object or element `i` of an array. */
static const fastjson_node_t *child(const fastjson_node_t *n, guint i)
{
    const fastjson_node_t *c = n->first;
    while (c && i--)
        c = c->next;
    g_assert_nonnull(c);
    return c;
}

static void test_bare_keys(void)
{
    doc_t d;
    parse(&d, "{code:10, language:JAVA, $ref:\"x\", _k.a-b:1}", 32, 1000);
    g_assert_null(d.p.err);
    g_assert_nonnull(d.root);
    g_assert_cmpint(d.root->type, ==, FASTJSON_OBJECT);
    g_assert_cmpuint(d.root->n, ==, 4);
    const fastjson_node_t *m = child(d.root, 0);
    g_assert_cmpint(m->key->type, ==, FASTJSON_BARE);
    g_assert_cmpstr(text_of(&d, m->key), ==, "code");
    g_assert_cmpint(m->type, ==, FASTJSON_NUMBER);
    g_assert_cmpstr(text_of(&d, m), ==, "10");
    m = child(d.root, 1);
    g_assert_cmpint(m->type, ==, FASTJSON_BARE);
    g_assert_cmpstr(text_of(&d, m), ==, "JAVA");
    g_assert_cmpstr(text_of(&d, child(d.root, 2)->key), ==, "$ref");
    g_assert_cmpstr(text_of(&d, child(d.root, 3)->key), ==, "_k.a-b");
}

static void test_numeric_keys(void)
{
    doc_t d;
    parse(&d, "{0:\"a\",1:'b',-2:3L,+4:1.5e3}", 32, 1000);
    g_assert_null(d.p.err);
    g_assert_cmpuint(d.root->n, ==, 4);
    const fastjson_node_t *m = child(d.root, 0);
    g_assert_cmpint(m->key->type, ==, FASTJSON_NUMBER);
    g_assert_cmpstr(text_of(&d, m->key), ==, "0");
    g_assert_cmpint(m->type, ==, FASTJSON_STRING);
    g_assert_cmpstr(text_of(&d, m), ==, "a");
    g_assert_cmpstr(text_of(&d, child(d.root, 1)), ==, "b");                 /* single quotes */
    g_assert_cmpstr(text_of(&d, child(d.root, 2)->key), ==, "-2");
    g_assert_cmpstr(text_of(&d, child(d.root, 2)), ==, "3L");
    g_assert_cmpstr(text_of(&d, child(d.root, 3)->key), ==, "+4");
    g_assert_cmpstr(text_of(&d, child(d.root, 3)), ==, "1.5e3");
    /* node offsets: quotes included */
    g_assert_cmpint(m->start, ==, 3);
    g_assert_cmpint(m->end, ==, 6);
}

static void test_literals_and_trailing_commas(void)
{
    static const char lit[] = " [true, false, null, nullx, [1,2,], {a:1,},] \0\0";   /* NULs after: fine */
    doc_t d;
    d.root = fastjson_parse(&d.p, pool, (const guint8 *)lit, (int)sizeof(lit) - 1, 32, 1000);
    g_assert_null(d.p.err);
    g_assert_cmpint(d.root->type, ==, FASTJSON_ARRAY);
    g_assert_cmpuint(d.root->n, ==, 6);
    g_assert_cmpint(child(d.root, 0)->type, ==, FASTJSON_TRUE);
    g_assert_cmpint(child(d.root, 1)->type, ==, FASTJSON_FALSE);
    g_assert_cmpint(child(d.root, 2)->type, ==, FASTJSON_NULL);
    g_assert_cmpint(child(d.root, 3)->type, ==, FASTJSON_BARE);
    g_assert_cmpuint(child(d.root, 4)->n, ==, 2);
    g_assert_cmpuint(child(d.root, 5)->n, ==, 1);
    g_assert_cmpstr(text_of(&d, child(d.root, 4)), ==, "[1,2,]");   /* raw text of a container */
    g_assert_cmpstr(fastjson_text(pool, &d.p, NULL), ==, "");
}

static void test_string_escapes(void)
{
    doc_t d;
    parse(&d, "[\"a\\nb\\tc\\r\\b\\f\", \"\\u0041\\u00e9\\ud83d\\ude00\", \"q\\\"\\\\\\/x\", "
              "\"nul\\u0000gone\", \"lone\\ud800!\", \"sep\\u0001\\u0002\", 'it\\'s', \"bad\\uzz\", \"plain\"]",
          32, 1000);
    g_assert_null(d.p.err);
    g_assert_cmpuint(d.root->n, ==, 9);
    g_assert_cmpstr(text_of(&d, child(d.root, 0)), ==, "a\nb\tc\r\b\f");
    g_assert_cmpstr(text_of(&d, child(d.root, 1)), ==, "A\xc3\xa9\xf0\x9f\x98\x80");   /* é, U+1F600 */
    g_assert_cmpstr(text_of(&d, child(d.root, 2)), ==, "q\"\\/x");
    g_assert_cmpstr(text_of(&d, child(d.root, 3)), ==, "nulgone");                    /* NUL dropped */
    g_assert_cmpstr(text_of(&d, child(d.root, 4)), ==, "lone\xef\xbf\xbd!");          /* U+FFFD */
    g_assert_cmpstr(text_of(&d, child(d.root, 5)), ==, "sep\x01\x02");                /* kept */
    g_assert_cmpstr(text_of(&d, child(d.root, 6)), ==, "it's");
    g_assert_cmpstr(text_of(&d, child(d.root, 7)), ==, "baduzz");
    g_assert_cmpstr(text_of(&d, child(d.root, 8)), ==, "plain");
}

static void test_nested_objects_and_object_keys(void)
{
    doc_t d;
    parse(&d, "{\"offsetTable\":{{\"brokerName\":\"b\",\"queueId\":0,\"topic\":\"T\"}:{\"offset\":42}},"
              "\"list\":[{\"a\":[1,{\"c\":null}]}]}", 32, 1000);
    g_assert_null(d.p.err);
    g_assert_cmpuint(d.root->n, ==, 2);
    const fastjson_node_t *tbl = child(d.root, 0);
    g_assert_cmpstr(text_of(&d, tbl->key), ==, "offsetTable");
    const fastjson_node_t *e = child(tbl, 0);
    g_assert_cmpint(e->key->type, ==, FASTJSON_OBJECT);                 /* Map<MessageQueue, …> */
    g_assert_cmpuint(e->key->n, ==, 3);
    g_assert_cmpstr(text_of(&d, child(e->key, 2)), ==, "T");
    g_assert_cmpstr(text_of(&d, child(e, 0)), ==, "42");
    const fastjson_node_t *c = child(child(child(child(d.root, 1), 0), 0), 1);
    g_assert_cmpstr(text_of(&d, c->first->key), ==, "c");
    g_assert_cmpint(c->first->type, ==, FASTJSON_NULL);
}

/* Every node lies within [0, len) and its children within it. */
static void check_ranges(const fastjson_node_t *n, int lo, int hi, guint depth)
{
    g_assert_cmpuint(depth, <, 64);
    g_assert_cmpint(n->start, >=, lo);
    g_assert_cmpint(n->end, <=, hi);
    g_assert_cmpint(n->start, <=, n->end);
    guint count = 0;
    for (const fastjson_node_t *c = n->first; c; c = c->next, count++) {
        check_ranges(c, n->start, n->end, depth + 1);
        if (c->key)
            check_ranges(c->key, n->start, n->end, depth + 1);
    }
    g_assert_cmpuint(count, ==, n->n);
}

static void test_truncated_at_every_byte(void)
{
    static const char doc[] = "{\"code\":310,extFields:{0:'a\\u00e9',\"k\":[1,2.5,true,null,{x:\"y\\\"\"}]},"
                              "\"flag\":0,\"language\":\"JAVA\"}";
    const int full = (int)strlen(doc);
    doc_t d;
    parse(&d, doc, 32, 1000);
    g_assert_null(d.p.err);
    g_assert_cmpuint(d.root->n, ==, 4);
    for (int len = 0; len < full; len++) {
        /* exactly len bytes: a read past them shows under valgrind/ASan */
        guint8 *copy = (guint8 *)g_memdup2(doc, len ? (guint)len : 1);
        d.root = fastjson_parse(&d.p, pool, copy, len, 32, 1000);
        g_assert_nonnull(d.p.err);                   /* the closing brace is missing at least */
        g_assert_cmpint(d.p.err_pos, >=, 0);
        g_assert_cmpint(d.p.err_pos, <=, len);
        if (d.root) {
            check_ranges(d.root, 0, len, 0);
            (void)fastjson_text(pool, &d.p, d.root);
        }
        g_free(copy);
    }
}

/* A cut header (snaplen): only members whose value ended inside the buffer are complete; the
 * number cut at the end ("1001" captured as "10") is not. */
static void test_cut_buffer_marks_complete_members(void)
{
    static const char doc[] = "{\"code\":0,\"extFields\":{\"a\":\"x\",\"b\":\"yy\"},\"flag\":1,\"opaque\":1001}";
    doc_t d;
    parse(&d, doc, 32, 1000);
    g_assert_true(d.root->complete);
    g_assert_true(child(d.root, 3)->complete);
    /* cut inside the opaque's digits */
    d.root = fastjson_parse(&d.p, pool, (const guint8 *)doc, (int)strlen(doc) - 3, 32, 1000);
    g_assert_false(d.root->complete);
    g_assert_cmpuint(d.root->n, ==, 4);
    g_assert_true(child(d.root, 0)->complete);          /* code 0 is followed by ',' */
    g_assert_true(child(d.root, 1)->complete);          /* extFields closed */
    g_assert_true(child(d.root, 2)->complete);          /* flag */
    g_assert_false(child(d.root, 3)->complete);         /* "10": the rest is cut */
    g_assert_cmpstr(text_of(&d, child(d.root, 3)), ==, "10");
    /* cut inside extFields: the closed string member is complete, the open one and the object not */
    d.root = fastjson_parse(&d.p, pool, (const guint8 *)doc, 37, 32, 1000);   /* ..."b":"y */
    g_assert_cmpuint(d.root->n, ==, 2);
    g_assert_false(child(d.root, 1)->complete);
    g_assert_true(child(child(d.root, 1), 0)->complete);
    g_assert_false(child(child(d.root, 1), 1)->complete);
}

static void test_errors(void)
{
    static const struct { const char *text; const char *err; int pos; } v[] = {
        { "", "unexpected end of JSON text", 0 },
        { "{\"a\" 1}", "expected ':' after an object key", 5 },
        { "[1 2]", "expected ',' or ']'", 3 },
        { "{a:1 b:2}", "expected ',' or '}'", 5 },
        { "[1,", "unterminated array", 3 },
        { "{a:1", "expected ',' or '}'", 4 },
        { "{a:1,", "unterminated object", 5 },
        { "\"abc", "unterminated string", 4 },
        { "\"abc\\", "unterminated string", 5 },
        { "[#]", "unexpected character in JSON text", 1 },
        { "{} x", "text after the JSON value", 3 },
    };
    for (guint i = 0; i < G_N_ELEMENTS(v); i++) {
        doc_t d;
        parse(&d, v[i].text, 32, 1000);
        g_assert_cmpstr(d.p.err, ==, v[i].err);
        g_assert_cmpint(d.p.err_pos, ==, v[i].pos);
    }
}

static void test_depth_limit(void)
{
    enum { N = 100000 };
    char *deep = (char *)g_malloc(2 * N + 2);
    memset(deep, '[', N);
    deep[N] = '1';
    memset(deep + N + 1, ']', N);
    deep[2 * N + 1] = '\0';
    doc_t d;
    /* max_depth levels below the root are fine, one more is not */
    d.root = fastjson_parse(&d.p, pool, (const guint8 *)deep + N - 4, 9, 4, 1000);
    g_assert_null(d.p.err);
    d.root = fastjson_parse(&d.p, pool, (const guint8 *)deep + N - 5, 11, 4, 1000);
    g_assert_cmpstr(d.p.err, ==, "JSON nesting too deep");
    g_assert_cmpint(d.p.err_pos, ==, 5);
    /* 100000 levels stop at the limit */
    d.root = fastjson_parse(&d.p, pool, (const guint8 *)deep, 2 * N + 1, 32, 1000000);
    g_assert_cmpstr(d.p.err, ==, "JSON nesting too deep");
    g_assert_cmpuint(d.p.nodes, ==, 33);
    g_assert_nonnull(d.root);
    g_free(deep);
}

static void test_node_limit(void)
{
    doc_t d;
    parse(&d, "[1,2,3]", 32, 4);
    g_assert_null(d.p.err);
    g_assert_cmpuint(d.p.nodes, ==, 4);
    parse(&d, "[1,2,3]", 32, 3);
    g_assert_cmpstr(d.p.err, ==, "too many JSON nodes (display limit)");
    g_assert_cmpuint(d.root->n, ==, 2);   /* what was built before the limit is kept */
    g_assert_cmpint(d.p.err_pos, ==, 5);
}

int main(int argc, char **argv)
{
    int rc;
    g_test_init(&argc, &argv, NULL);
    wmem_init();
    pool = wmem_allocator_new(WMEM_ALLOCATOR_STRICT);

    g_test_add_func("/fastjson/bare_keys", test_bare_keys);
    g_test_add_func("/fastjson/numeric_keys", test_numeric_keys);
    g_test_add_func("/fastjson/literals_and_trailing_commas", test_literals_and_trailing_commas);
    g_test_add_func("/fastjson/string_escapes", test_string_escapes);
    g_test_add_func("/fastjson/nested_objects_and_object_keys", test_nested_objects_and_object_keys);
    g_test_add_func("/fastjson/truncated_at_every_byte", test_truncated_at_every_byte);
    g_test_add_func("/fastjson/cut_buffer_marks_complete_members", test_cut_buffer_marks_complete_members);
    g_test_add_func("/fastjson/errors", test_errors);
    g_test_add_func("/fastjson/depth_limit", test_depth_limit);
    g_test_add_func("/fastjson/node_limit", test_node_limit);
    rc = g_test_run();

    wmem_destroy_allocator(pool);
    wmem_cleanup();
    return rc;
}
