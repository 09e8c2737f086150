/* test_hsf2_hessian.c — the Hessian decoder (hessian2.c) against the vectors encoded by a real
 * Hessian library (../shared/captures/clients/hessian2-vectors.txt, values in the .json), plus the
 * decoder's limits and summaries. No protocol tree is needed: values are decoded from a plain tvb.
 *
 * Every vector line (description, hex) is decoded; the value model is compared with the JSON
 * "input" of the .json entry with the same description. Rules of that comparison (the vectors'
 * own conventions): {"$class": "long"|"int"|"double"|…, "$": x} is the plain value x;
 * {"$class": C, "$": v} matches an object/typed list/typed map of class C or, where the encoder
 * drops the type (java.util.ArrayList, java.util.HashMap), an untyped one; {"$binary": hex},
 * {"$date": iso}, {"$map": [[k, v]…]}; "[Circular/shared ref]" is a reference; long values that
 * were shortened in the file ("…(truncated)", "…(N bytes)") are compared on their prefix and full
 * length. Vectors whose description says "quirk" are encoder quirks and are skipped (reported).
 *
 * GLib gtest: one test case per vector (/hessian2/vectors/NNN_<description>) and per behaviour
 * (/hessian2/summary/..., /hessian2/limits/..., /hessian2/malformed/..., /hessian1/...); a failed
 * assertion aborts the binary, so CTest sees a non-zero exit. Run one case with -p <path>.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "hessian2.h"
#include <epan/except.h>

/* ---- a minimal JSON reader (test code) ---------------------------------------------------- */

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype_t;
typedef struct jv {
    jtype_t t;
    int b;
    double num;
    char *text;        /* J_NUM: literal; J_STR: UTF-8 (may contain NUL) */
    size_t len;        /* J_STR bytes */
    struct jv **items;
    char **keys;
    size_t n;
} jv;

static const char *jp;

static void jws(void) { while (*jp == ' ' || *jp == '\n' || *jp == '\r' || *jp == '\t') jp++; }

static void put_utf8(char **o, unsigned cp)
{
    char tmp[8];
    int l = g_unichar_to_utf8(cp, tmp);
    memcpy(*o, tmp, (size_t)l);
    *o += l;
}

static char *jstring(size_t *len)
{
    char *out = malloc(strlen(jp) + 1), *o = out;
    jp++;   /* " */
    while (*jp && *jp != '"') {
        if (*jp == '\\') {
            jp++;
            switch (*jp) {
            case 'n': *o++ = '\n'; jp++; break;
            case 't': *o++ = '\t'; jp++; break;
            case 'r': *o++ = '\r'; jp++; break;
            case 'b': *o++ = '\b'; jp++; break;
            case 'f': *o++ = '\f'; jp++; break;
            case 'u': {
                unsigned cp = (unsigned)strtoul((char[5]){ jp[1], jp[2], jp[3], jp[4], 0 }, NULL, 16);
                jp += 5;
                if (cp >= 0xD800 && cp <= 0xDBFF && jp[0] == '\\' && jp[1] == 'u') {
                    unsigned lo = (unsigned)strtoul((char[5]){ jp[2], jp[3], jp[4], jp[5], 0 }, NULL, 16);
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    jp += 6;
                }
                put_utf8(&o, cp);
                break;
            }
            default: *o++ = *jp++; break;
            }
        } else {
            *o++ = *jp++;
        }
    }
    if (*jp == '"')
        jp++;
    *o = 0;
    *len = (size_t)(o - out);
    return out;
}

static jv *jparse(void)
{
    jv *v = calloc(1, sizeof(*v));
    jws();
    if (*jp == '{' || *jp == '[') {
        int obj = *jp == '{';
        v->t = obj ? J_OBJ : J_ARR;
        jp++;
        jws();
        while (*jp && *jp != (obj ? '}' : ']')) {
            v->items = realloc(v->items, (v->n + 1) * sizeof(jv *));
            v->keys = realloc(v->keys, (v->n + 1) * sizeof(char *));
            v->keys[v->n] = NULL;
            if (obj) {
                size_t l;
                v->keys[v->n] = jstring(&l);
                jws();
                jp++;   /* : */
            }
            v->items[v->n++] = jparse();
            jws();
            if (*jp == ',')
                jp++;
            jws();
        }
        if (*jp)
            jp++;
    } else if (*jp == '"') {
        v->t = J_STR;
        v->text = jstring(&v->len);
    } else if (!strncmp(jp, "null", 4)) {
        v->t = J_NULL; jp += 4;
    } else if (!strncmp(jp, "true", 4)) {
        v->t = J_BOOL; v->b = 1; jp += 4;
    } else if (!strncmp(jp, "false", 5)) {
        v->t = J_BOOL; jp += 5;
    } else {
        const char *s = jp;
        v->t = J_NUM;
        while (*jp && strchr("+-0123456789.eE", *jp))
            jp++;
        v->text = g_strndup(s, (gsize)(jp - s));
        v->num = g_ascii_strtod(v->text, NULL);
    }
    return v;
}

static const jv *jget(const jv *o, const char *key)
{
    if (!o || o->t != J_OBJ)
        return NULL;
    for (size_t k = 0; k < o->n; k++)
        if (!strcmp(o->keys[k], key))
            return o->items[k];
    return NULL;
}

/* ---- comparison of a decoded value with the expected JSON ---------------------------------- */

static wmem_allocator_t *pool;
static char why[512];

static gboolean mismatch(const char *fmt, const char *a, const char *b)
{
    snprintf(why, sizeof(why), fmt, a ? a : "(null)", b ? b : "(null)");
    return FALSE;
}

static gboolean is_integral_text(const char *t)
{
    return t && !strpbrk(t, ".eE");
}

static gboolean match(const hessian_value_t *v, const jv *j, const char *desc);

static gboolean match_num(const hessian_value_t *v, const jv *j)
{
    if (v->kind == HESSIAN_INT || v->kind == HESSIAN_LONG) {
        if (is_integral_text(j->text))
            return g_ascii_strtoll(j->text, NULL, 10) == v->i ? TRUE :
                   mismatch("integer %s != expected %s", hessian_summary(pool, v, 100), j->text);
        return (double)v->i == j->num ? TRUE : mismatch("integer %s != %s", hessian_summary(pool, v, 100), j->text);
    }
    if (v->kind == HESSIAN_DOUBLE) {
        double tol = fabs(j->num) * 1e-12;
        return fabs(v->d - j->num) <= tol ? TRUE :
               mismatch("double %s != expected %s", hessian_summary(pool, v, 100), j->text);
    }
    return mismatch("a number was expected (%s), decoded %s", j->text, hessian_kind_name(v));
}

static const char *TRUNC = "...(truncated)";

static gboolean match_str(const hessian_value_t *v, const jv *j, const char *desc)
{
    if (v->kind == HESSIAN_REF && !strcmp(j->text, "[Circular/shared ref]"))
        return TRUE;
    if (v->kind == HESSIAN_DOUBLE) {
        if (!strcmp(j->text, "Infinity"))
            return isinf(v->d) && v->d > 0 ? TRUE : mismatch("%s: expected %s", hessian_summary(pool, v, 50), j->text);
        if (!strcmp(j->text, "-Infinity"))
            return isinf(v->d) && v->d < 0 ? TRUE : mismatch("%s: expected %s", hessian_summary(pool, v, 50), j->text);
        if (!strcmp(j->text, "NaN"))
            return isnan(v->d) ? TRUE : mismatch("%s: expected %s", hessian_summary(pool, v, 50), j->text);
    }
    if (v->kind == HESSIAN_LONG || v->kind == HESSIAN_INT)   /* longs written from decimal strings */
        return g_ascii_strtoll(j->text, NULL, 10) == v->i ? TRUE :
               mismatch("long %s != expected %s", hessian_summary(pool, v, 50), j->text);
    if (v->kind != HESSIAN_STRING)
        return mismatch("a string was expected (%s), decoded %s", j->text, hessian_kind_name(v));
    if (j->len > strlen(TRUNC) + 1 && j->text[0] == '"' && g_str_has_suffix(j->text, TRUNC)) {
        /* the file shows only the start of a long string: "<prefix>...(truncated) ; the description
         * says how many chars the string has */
        size_t plen = j->len - 1 - strlen(TRUNC);
        const char *chars = strstr(desc, " chars");
        const char *num = chars;
        while (num && num > desc && g_ascii_isdigit(num[-1]))
            num--;
        if (v->str_len < plen || memcmp(v->str, j->text + 1, plen) != 0)
            return mismatch("string prefix differs: %.40s vs %.40s", v->str, j->text + 1);
        if (num && num < chars && (guint32)atoi(num) != v->nchars)
            return mismatch("string length %s != description %s", hessian_summary(pool, v, 60), desc);
        return TRUE;
    }
    if (v->str_len != j->len || memcmp(v->str, j->text, j->len) != 0)
        return mismatch("string %s != expected %s", hessian_summary(pool, v, 100), j->text);
    return TRUE;
}

static gboolean match_binary(const hessian_value_t *v, const jv *hex)
{
    const char *t = hex->text;
    const char *dots = strstr(t, "...(");
    size_t nhex = dots ? (size_t)(dots - t) : strlen(t);
    guint32 expect_len = (guint32)(nhex / 2);
    if (v->kind != HESSIAN_BINARY)
        return mismatch("binary expected (%s), decoded %s", t, hessian_kind_name(v));
    if (dots)
        expect_len = (guint32)atoi(dots + 4);
    if (v->nchars != expect_len)
        return mismatch("binary length %s != expected %s", hessian_summary(pool, v, 60), t);
    for (size_t k = 0; k < nhex / 2 && k < v->nbytes; k++) {
        unsigned b;
        sscanf(t + 2 * k, "%2x", &b);
        if (v->bytes[k] != b)
            return mismatch("binary bytes differ: %s vs %s", hessian_summary(pool, v, 60), t);
    }
    return TRUE;
}

static const hessian_value_t *resolve(const hessian_value_t *v)
{
    return (v && v->kind == HESSIAN_REF && v->target) ? v->target : v;
}

static gboolean match_list(const hessian_value_t *v, const jv *arr, const char *desc)
{
    const hessian_value_t *ch = v->first_child;
    if (v->kind != HESSIAN_LIST)
        return mismatch("list expected, decoded %s%s", hessian_kind_name(v), "");
    if (v->n_items != arr->n)
        return mismatch("list %s has another length than expected (%s)", hessian_summary(pool, v, 80), desc);
    for (size_t k = 0; k < arr->n; k++, ch = ch->next)
        if (!ch || !match(ch, arr->items[k], desc))
            return FALSE;
    return TRUE;
}

/* plain JSON object: map entries (string/number keys) or object fields, in order */
static gboolean match_fields(const hessian_value_t *v, const jv *o, const char *desc)
{
    const hessian_value_t *ch = v->first_child;
    if (v->kind == HESSIAN_OBJECT) {
        if (v->n_items != o->n)
            return mismatch("object %s has another field count (%s)", hessian_summary(pool, v, 80), desc);
        for (size_t k = 0; k < o->n; k++, ch = ch->next) {
            if (strcmp(v->cls->fields[k], o->keys[k]))
                return mismatch("field %s != expected %s", v->cls->fields[k], o->keys[k]);
            if (!match(ch, o->items[k], desc))
                return FALSE;
        }
        return TRUE;
    }
    if (v->kind != HESSIAN_MAP)
        return mismatch("map/object expected, decoded %s%s", hessian_kind_name(v), "");
    if (v->n_items != o->n)
        return mismatch("map %s has another entry count (%s)", hessian_summary(pool, v, 80), desc);
    for (size_t k = 0; k < o->n; k++, ch = ch->next->next) {
        jv key;
        memset(&key, 0, sizeof(key));
        if (ch->kind == HESSIAN_STRING) {
            key.t = J_STR; key.text = o->keys[k]; key.len = strlen(o->keys[k]);
        } else {   /* JSON object keys are strings: "123" for a numeric key */
            key.t = J_NUM; key.text = o->keys[k]; key.num = g_ascii_strtod(o->keys[k], NULL);
        }
        if (!match(ch, &key, desc) || !match(ch->next, o->items[k], desc))
            return FALSE;
    }
    return TRUE;
}

static const char *const PRIMITIVE_CLASSES[] = {
    "int", "long", "double", "boolean", "short", "byte", "float",
    "java.lang.Integer", "java.lang.Long", "java.lang.Double", "java.lang.Boolean", NULL
};
/* classes hessian.js writes untyped */
static const char *const UNTYPED_CLASSES[] = { "java.util.ArrayList", "java.util.HashMap", NULL };

static gboolean in_list(const char *s, const char *const *l)
{
    for (; *l; l++)
        if (!strcmp(s, *l))
            return TRUE;
    return FALSE;
}

static gboolean match(const hessian_value_t *v, const jv *j, const char *desc)
{
    const jv *cls, *val, *x;
    if (!v)
        return mismatch("nothing decoded%s%s", "", "");
    if (j->t == J_STR)
        return match_str(v, j, desc);
    v = resolve(v);   /* shared values: compare what the reference points to */
    switch (j->t) {
    case J_NULL:
        return v->kind == HESSIAN_NULL ? TRUE : mismatch("null expected, decoded %s%s", hessian_kind_name(v), "");
    case J_BOOL:
        return (v->kind == HESSIAN_BOOL && v->i == j->b) ? TRUE :
               mismatch("boolean expected, decoded %s%s", hessian_summary(pool, v, 50), "");
    case J_NUM:
        return match_num(v, j);
    case J_ARR:
        return match_list(v, j, desc);
    case J_OBJ:
        cls = jget(j, "$class");
        val = jget(j, "$");
        if (cls && val) {
            if (in_list(cls->text, PRIMITIVE_CLASSES))
                return match(v, val, desc);
            if (v->kind == HESSIAN_OBJECT || v->type) {
                if (!v->type || strcmp(v->type, cls->text))
                    return mismatch("class %s != expected %s", v->type, cls->text);
            } else if (!in_list(cls->text, UNTYPED_CLASSES)) {
                return mismatch("untyped %s where class %s was expected", hessian_kind_name(v), cls->text);
            }
            return val->t == J_ARR ? match_list(v, val, desc) : match_fields(v, val, desc);
        }
        if ((x = jget(j, "$binary")) != NULL)
            return match_binary(v, x);
        if ((x = jget(j, "$date")) != NULL) {
            const char *s = hessian_summary(pool, v, 100);
            return (v->kind == HESSIAN_DATE && !strcmp(s, x->text)) ? TRUE : mismatch("date %s != expected %s", s, x->text);
        }
        if ((x = jget(j, "$map")) != NULL) {
            const hessian_value_t *ch = v->first_child;
            if (v->kind != HESSIAN_MAP || v->n_items != x->n)
                return mismatch("map of %s entries expected (%s)", "$map", desc);
            for (size_t k = 0; k < x->n; k++, ch = ch->next->next)
                if (!match(ch, x->items[k]->items[0], desc) || !match(ch->next, x->items[k]->items[1], desc))
                    return FALSE;
            return TRUE;
        }
        return match_fields(v, j, desc);
    default:
        return FALSE;
    }
}

/* ---- helpers ------------------------------------------------------------------------------- */

static guint8 *unhex(const char *h, guint *len)
{
    size_t n = strlen(h) / 2;
    guint8 *b = g_malloc(n + 1);
    for (size_t k = 0; k < n; k++) {
        unsigned x;
        sscanf(h + 2 * k, "%2x", &x);
        b[k] = (guint8)x;
    }
    *len = (guint)n;
    return b;
}

typedef struct {
    tvbuff_t *tvb;
    hessian_ctx_t *ctx;
    hessian_value_t *v;
} decoded_t;

static decoded_t decode_bytes(const guint8 *b, guint len, hessian_version_t ver, const hessian_opts_t *o)
{
    decoded_t d;
    d.tvb = tvb_new_real_data(b, len, (gint)len);
    d.ctx = hessian_ctx_new(pool, d.tvb, 0, -1, ver, o);
    d.v = hessian_read(d.ctx);
    return d;
}

static char *read_file(const char *path)
{
    gchar *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    return text;
}

/* A failed check with a message built at run time (what g_assert_* print, plus the context). */
static void fail_with(const char *func, int line, char *msg)
{
    g_assertion_message(G_LOG_DOMAIN, __FILE__, line, func, msg);
    g_free(msg);
}

#define ASSERT_MSG(cond, ...) do { \
        if (!(cond)) \
            fail_with(G_STRFUNC, __LINE__, g_strdup_printf("assertion failed: (" #cond "): " __VA_ARGS__)); \
    } while (0)

/* ---- the vectors ----------------------------------------------------------------------------- */

typedef struct {
    char *desc;          /* column 1 of the .txt */
    char *hex;           /* column 2 of the .txt */
    const jv *entry;     /* the .json entry with the same description, NULL when there is none */
} vector_t;

static struct {
    char *dir;
    gboolean have_files;
    const jv *all;       /* the parsed .json */
    int lines;           /* vector lines of the .txt */
    int quirks;
} vec;

/* Reads both vector files once (before the tests are registered): one test per .txt line. */
static GPtrArray *load_vectors(void)
{
    char *txt_path = g_build_filename(vec.dir, "hessian2-vectors.txt", NULL);
    char *json_path = g_build_filename(vec.dir, "hessian2-vectors.json", NULL);
    char *txt = read_file(txt_path), *json = read_file(json_path);
    GPtrArray *out = g_ptr_array_new();

    vec.have_files = txt != NULL && json != NULL;
    if (vec.have_files) {
        jp = json;
        vec.all = jparse();
        for (char *line = strtok(txt, "\n"); line; line = strtok(NULL, "\n")) {
            char **cols;
            vector_t *v;
            if (line[0] == '#' || !line[0])
                continue;
            cols = g_strsplit(line, "\t", 3);
            if (!cols[0] || !cols[1]) {
                g_strfreev(cols);
                continue;
            }
            vec.lines++;
            v = g_new0(vector_t, 1);
            v->desc = g_strdup(cols[0]);
            v->hex = g_strdup(cols[1]);
            for (size_t k = 0; vec.all->t == J_ARR && k < vec.all->n; k++) {
                const jv *dsc = jget(vec.all->items[k], "description");
                if (dsc && !strcmp(dsc->text, cols[0]))
                    v->entry = vec.all->items[k];
            }
            if (strstr(v->desc, "quirk"))
                vec.quirks++;
            g_ptr_array_add(out, v);
            g_strfreev(cols);
        }
    }
    g_free(txt);
    g_free(json);   /* the parsed values keep their own copies */
    g_free(txt_path);
    g_free(json_path);
    return out;
}

static void test_vector_files(void)
{
    ASSERT_MSG(vec.have_files, "vector files not found in %s", vec.dir);
    ASSERT_MSG(vec.all->t == J_ARR && vec.all->n > 100, "the .json holds the vector list (%zu)", vec.all->n);
    g_assert_cmpint(vec.lines, ==, (int)vec.all->n);   /* every .json entry has its .txt line */
    g_test_message("%d vectors read, %d skipped as labelled quirks", vec.lines, vec.quirks);
}

static void test_vector(gconstpointer data)
{
    const vector_t *t = data;
    hessian_opts_t big;
    const char *msg = NULL;
    hessian_error_t e;
    guint len;
    guint8 *bytes;
    decoded_t d;

    ASSERT_MSG(t->entry != NULL, "vector '%s' is in the .json", t->desc);
    g_assert_cmpstr(jget(t->entry, "hex")->text, ==, t->hex);   /* same bytes in .txt and .json */
    if (strstr(t->desc, "quirk")) {
        g_test_skip("labelled encoder quirk");
        return;
    }
    /* big enough to keep the whole vectors (40000-char string, 70000-byte binary) */
    hessian_opts_default(&big);
    big.max_string_chars = 100000;
    big.max_binary_bytes = 100000;
    big.max_items_shown = 100000;
    big.max_nodes = 100000;

    bytes = unhex(t->hex, &len);
    d = decode_bytes(bytes, len, HESSIAN_V2, &big);
    e = hessian_error(d.ctx, NULL, &msg);
    ASSERT_MSG(e == HESSIAN_OK, "'%s' decodes without error (%s)", t->desc, msg ? msg : "");
    ASSERT_MSG(hessian_at_end(d.ctx), "'%s': all %u bytes consumed (stopped at %d)", t->desc, len,
               hessian_offset(d.ctx));
    /* the value (with the class definitions written right before it) spans the whole vector */
    g_assert_nonnull(d.v);
    g_assert_cmpint(d.v->defs ? d.v->defs->offset : d.v->offset, ==, 0);
    g_assert_cmpint(d.v->offset + d.v->length, ==, (int)len);
    why[0] = 0;
    ASSERT_MSG(match(d.v, jget(t->entry, "input"), t->desc), "'%s': %s", t->desc, why);
    tvb_free(d.tvb);
    g_free(bytes);
}

/* ---- summaries ------------------------------------------------------------------------------- */

static decoded_t decode_hex(const char *hex, hessian_version_t ver, const hessian_opts_t *o)
{
    guint len;
    guint8 *b = unhex(hex, &len);
    return decode_bytes(b, len, ver, o);   /* bytes and tvb leak into the test process: fine */
}

typedef struct {
    const char *path;
    const char *hex;
    const char *summary;
} summary_case_t;

static const summary_case_t SUMMARIES[] = {
    { "/hessian2/summary/spec_5_4_object", "4310636f6d2e6578616d706c652e5573657292046e616d65036167656003546f6da2",
      "com.example.User { name: \"Tom\", age: 18 }" },
    { "/hessian2/summary/untyped_list", "7b919293", "[1, 2, 3]" },
    { "/hessian2/summary/typed_list", "72146a6176612e7574696c2e4c696e6b65644c6973749192",
      "java.util.LinkedList [1, 2]" },
    { "/hessian2/summary/map", "48016191016201780163545a", "{\"a\": 1, \"b\": \"x\", \"c\": true}" },
    { "/hessian2/summary/double_mills_0x5f", "5f0000044c", "1.1" },
    { "/hessian2/summary/double_short_0x5d", "5d64", "100.0" },
    { "/hessian2/summary/date", "4a0000018bcfe56800", "2023-11-14T22:13:20.000Z" },
    { "/hessian2/summary/cesu8_surrogate_pair_joined", "056f6b20eda0bdedb880", "\"ok \xF0\x9F\x98\x80\"" },
    { "/hessian2/summary/control_characters_escaped", "056100620a63", "\"a\\u0000b\\nc\"" },
    { "/hessian2/summary/reference_not_re_expanded",
      "7a4310636f6d2e6578616d706c652e5573657292046e616d65036167656006736861726564915191",
      "[com.example.User { name: \"shared\", age: 1 }, \xE2\x86\x92 ref #1 (com.example.User)]" },
    { "/hessian2/summary/cycle",
      "4310636f6d2e6578616d706c652e4e6f646592046e616d65046e657874600473656c665190",
      "com.example.Node { name: \"self\", next: \xE2\x86\x92 ref #0 (com.example.Node) }" },
    { "/hessian2/summary/binary", "24deadbeef", "<4 bytes: deadbeef>" },
    { "/hessian2/summary/null", "4e", "null" },
};

static void test_summary(gconstpointer data)
{
    const summary_case_t *c = data;
    decoded_t d = decode_hex(c->hex, HESSIAN_V2, NULL);
    g_assert_cmpstr(d.v ? hessian_summary(pool, d.v, 400) : "(nothing)", ==, c->summary);
}

/* ---- limits ---------------------------------------------------------------------------------- */

static void test_deep_lists(void)
{
    /* 10 000 nested one-element lists: stops at the depth cap, no recursion blow-up */
    guint8 *deep = g_malloc(10001);
    const char *msg = NULL;
    int off = -1;
    decoded_t d;
    memset(deep, 0x79, 10000);
    deep[10000] = 0x90;
    d = decode_bytes(deep, 10001, HESSIAN_V2, NULL);
    g_assert_null(d.v);
    g_assert_cmpint(hessian_error(d.ctx, &off, &msg), ==, HESSIAN_ERR_DEPTH);
    g_assert_cmpint(off, ==, 33);   /* the 34th list */
}

static void test_deep_maps(void)
{
    /* the same with 10 000 maps ('H' key 'H' key ...) */
    guint8 *deep = g_malloc(10000);
    decoded_t d;
    for (int k = 0; k < 10000; k++)
        deep[k] = (k % 2) ? 0x90 : 'H';
    d = decode_bytes(deep, 10000, HESSIAN_V2, NULL);
    g_assert_cmpint(hessian_error(d.ctx, NULL, NULL), ==, HESSIAN_ERR_DEPTH);
}

static void test_huge_list_length(void)
{
    /* a fixed list claiming 2^31 - 1 elements: stops at the end of the bytes */
    decoded_t d = decode_bytes((const guint8 *)"\x58\x49\x7f\xff\xff\xff\x90\x91", 8, HESSIAN_V2, NULL);
    g_assert_cmpint(hessian_error(d.ctx, NULL, NULL), ==, HESSIAN_ERR_TRUNCATED);
}

static void test_node_cap(void)
{
    hessian_opts_t o;
    decoded_t d;
    hessian_opts_default(&o);
    o.max_nodes = 5;
    d = decode_bytes((const guint8 *)"\x7f\x90\x91\x92\x93\x94\x95\x96", 8, HESSIAN_V2, &o);
    g_assert_cmpint(hessian_error(d.ctx, NULL, NULL), ==, HESSIAN_ERR_NODES);
}

static void test_list_display_cap(void)
{
    /* 300 elements keep 256, the value itself is complete */
    guint8 *l = g_malloc(3 + 300);
    decoded_t d;
    l[0] = 'X'; l[1] = 0xC9; l[2] = 0x2C;   /* int 300 */
    memset(l + 3, 0x91, 300);
    d = decode_bytes(l, 303, HESSIAN_V2, NULL);
    g_assert_nonnull(d.v);
    g_assert_cmpuint(d.v->n_items, ==, 300);
    g_assert_cmpuint(d.v->n_stored, ==, 256);
    g_assert_true(hessian_at_end(d.ctx));
    g_assert_true(hessian_capped(d.ctx));
    g_assert_nonnull(strstr(hessian_summary(pool, d.v, 10000), "[44 more]"));
}

static void test_string_display_cap(void)
{
    /* 1000 chars, 256 kept, length known */
    guint8 *s = g_malloc(1002);
    decoded_t d;
    s[0] = 0x33; s[1] = 0xE8;   /* 0x3E8 = 1000 */
    memset(s + 2, 'q', 1000);
    d = decode_bytes(s, 1002, HESSIAN_V2, NULL);
    g_assert_nonnull(d.v);
    g_assert_cmpuint(d.v->nchars, ==, 1000);
    g_assert_cmpuint(d.v->str_len, ==, 256);
    g_assert_true(d.v->capped);
    g_assert_true(hessian_at_end(d.ctx));
}

/* ---- malformed input ------------------------------------------------------------------------- */

static void test_compact_object_of_undefined_class(void)
{
    const char *msg = NULL;
    int off = -1;
    decoded_t d = decode_bytes((const guint8 *)"\x60\x90", 2, HESSIAN_V2, NULL);
    g_assert_null(d.v);
    g_assert_cmpint(hessian_error(d.ctx, &off, &msg), ==, HESSIAN_ERR_BAD_REF);
    g_assert_cmpint(off, ==, 0);
    g_assert_nonnull(msg);
    g_assert_nonnull(strstr(msg, "undefined class #0"));   /* the message names the class ref */
}

static void test_object_of_undefined_class(void)
{
    decoded_t d = decode_bytes((const guint8 *)"O\x95", 2, HESSIAN_V2, NULL);   /* 'O' 5 */
    g_assert_cmpint(hessian_error(d.ctx, NULL, NULL), ==, HESSIAN_ERR_BAD_REF);
}

static void test_value_ref_without_values(void)
{
    decoded_t d = decode_bytes((const guint8 *)"Q\x90", 2, HESSIAN_V2, NULL);   /* Q 0 */
    g_assert_cmpint(hessian_error(d.ctx, NULL, NULL), ==, HESSIAN_ERR_BAD_REF);
}

static void test_type_ref_to_empty_table(void)
{
    decoded_t d = decode_bytes((const guint8 *)"\x71\x93\x90", 3, HESSIAN_V2, NULL);   /* type-ref 3 */
    g_assert_cmpint(hessian_error(d.ctx, NULL, NULL), ==, HESSIAN_ERR_BAD_REF);
}

static void test_string_longer_than_stream(void)
{
    int off = -1;
    decoded_t d = decode_bytes((const guint8 *)"\x05" "ab", 3, HESSIAN_V2, NULL);
    g_assert_null(d.v);
    g_assert_cmpint(hessian_error(d.ctx, &off, NULL), ==, HESSIAN_ERR_TRUNCATED);
    g_assert_cmpint(off, ==, 3);   /* truncated at its end */
}

static void test_reserved_codes(void)
{
    static const guint8 reserved[] = { 0x40, 0x45, 0x47, 0x50 };
    for (size_t k = 0; k < sizeof(reserved); k++) {
        decoded_t d = decode_bytes(&reserved[k], 1, HESSIAN_V2, NULL);
        ASSERT_MSG(hessian_error(d.ctx, NULL, NULL) == HESSIAN_ERR_RESERVED, "0x%02x is reserved", reserved[k]);
    }
}

/* ---- Hessian 1 ------------------------------------------------------------------------------- */

static void test_v1_connection_request(void)
{
    /* the connection object of the spec §8 TB Remoting request (MOSN test vector) */
    const char *hex =
        "4d74002a636f6d2e74616f62616f2e72656d6f74696e672e696d706c2e436f6e6e656374696f6e52657175657374"
        "5300036374784d740039636f6d2e74616f62616f2e72656d6f74696e672e696d706c2e436f6e6e656374696f6e52"
        "657175657374245265717565737443 6f6e74657874530002696 44c0000000000000001530006746869732430"
        "52000000007a7a";
    char *clean = g_strdup(hex);
    char *w = clean;
    guint len;
    guint8 *b;
    decoded_t d;
    const hessian_value_t *ctx, *id, *self;
    for (const char *r = hex; *r; r++)
        if (*r != ' ')
            *w++ = *r;
    *w = 0;
    b = unhex(clean, &len);
    g_assert_cmpuint(len, ==, 143);
    d = decode_bytes(b, len, HESSIAN_V1, NULL);
    g_assert_nonnull(d.v);
    g_assert_true(hessian_at_end(d.ctx));   /* the map is decoded completely */
    g_assert_cmpint(d.v->kind, ==, HESSIAN_MAP);
    g_assert_cmpstr(d.v->type, ==, "com.taobao.remoting.impl.ConnectionRequest");
    ctx = hessian_member(d.v, "ctx");
    id = hessian_member(ctx, "id");
    self = hessian_member(ctx, "this$0");
    g_assert_nonnull(id);
    g_assert_cmpint(id->kind, ==, HESSIAN_LONG);
    g_assert_cmpint(id->i, ==, 1);
    g_assert_nonnull(self);   /* this$0 refers to the outer map (ref 0) */
    g_assert_cmpint(self->kind, ==, HESSIAN_REF);
    g_assert_true(self->target == d.v);
    g_free(clean);
}

static void test_v1_chunked_string(void)
{
    decoded_t d = decode_bytes((const guint8 *)"s\x00\x02" "abS\x00\x01" "c", 9, HESSIAN_V1, NULL);
    g_assert_nonnull(d.v);
    g_assert_cmpint(d.v->kind, ==, HESSIAN_STRING);
    g_assert_cmpstr(d.v->str, ==, "abc");
    g_assert_true(hessian_at_end(d.ctx));
}

static void test_v1_typed_list(void)
{
    decoded_t d = decode_bytes((const guint8 *)"V" "t\x00\x04[int" "l\x00\x00\x00\x02" "I\x00\x00\x00\x07"
                               "I\x00\x00\x00\x08" "z", 27, HESSIAN_V1, NULL);
    g_assert_nonnull(d.v);
    g_assert_cmpint(d.v->kind, ==, HESSIAN_LIST);
    g_assert_cmpuint(d.v->n_items, ==, 2);
    g_assert_cmpstr(hessian_summary(pool, d.v, 100), ==, "[int [7, 8]");
}

static void test_v1_ref_without_values(void)
{
    decoded_t d = decode_bytes((const guint8 *)"R\x00\x00\x00\x00", 5, HESSIAN_V1, NULL);
    g_assert_cmpint(hessian_error(d.ctx, NULL, NULL), ==, HESSIAN_ERR_BAD_REF);
}

/* "/hessian2/vectors/007_map_with_int_keys": the index keeps paths unique, the description is
 * kept readable (characters that are not letters or digits become '_') */
static char *vector_path(guint index, const char *desc)
{
    char *clean = g_strdup(desc);
    char *path;
    for (char *c = clean; *c; c++)
        if (!g_ascii_isalnum(*c))
            *c = '_';
    path = g_strdup_printf("/hessian2/vectors/%03u_%s", index, clean);
    g_free(clean);
    return path;
}

int main(int argc, char **argv)
{
    const char *shared = g_getenv("TS_SHARED_DIR");
    GPtrArray *vectors;
    int rc;

    g_test_init(&argc, &argv, NULL);
    wmem_init();
    except_init();
    pool = wmem_allocator_new(WMEM_ALLOCATOR_SIMPLE);
    vec.dir = shared ? g_build_filename(shared, "captures", "clients", NULL)
                     : g_strdup("../../shared/captures/clients");

    vectors = load_vectors();
    g_test_add_func("/hessian2/vectors/files", test_vector_files);
    for (guint k = 0; k < vectors->len; k++) {
        const vector_t *v = g_ptr_array_index(vectors, k);
        char *path = vector_path(k, v->desc);
        g_test_add_data_func(path, v, test_vector);
        g_free(path);
    }
    for (size_t k = 0; k < G_N_ELEMENTS(SUMMARIES); k++)
        g_test_add_data_func(SUMMARIES[k].path, &SUMMARIES[k], test_summary);
    g_test_add_func("/hessian2/limits/deep_lists", test_deep_lists);
    g_test_add_func("/hessian2/limits/deep_maps", test_deep_maps);
    g_test_add_func("/hessian2/limits/huge_list_length", test_huge_list_length);
    g_test_add_func("/hessian2/limits/node_cap", test_node_cap);
    g_test_add_func("/hessian2/limits/list_display_cap", test_list_display_cap);
    g_test_add_func("/hessian2/limits/string_display_cap", test_string_display_cap);
    g_test_add_func("/hessian2/malformed/compact_object_of_undefined_class", test_compact_object_of_undefined_class);
    g_test_add_func("/hessian2/malformed/object_of_undefined_class", test_object_of_undefined_class);
    g_test_add_func("/hessian2/malformed/value_ref_without_values", test_value_ref_without_values);
    g_test_add_func("/hessian2/malformed/type_ref_to_empty_table", test_type_ref_to_empty_table);
    g_test_add_func("/hessian2/malformed/string_longer_than_stream", test_string_longer_than_stream);
    g_test_add_func("/hessian2/malformed/reserved_codes", test_reserved_codes);
    g_test_add_func("/hessian1/connection_request", test_v1_connection_request);
    g_test_add_func("/hessian1/chunked_string", test_v1_chunked_string);
    g_test_add_func("/hessian1/typed_list", test_v1_typed_list);
    g_test_add_func("/hessian1/ref_without_values", test_v1_ref_without_values);

    rc = g_test_run();
    wmem_destroy_allocator(pool);
    g_free(vec.dir);
    return rc;
}
