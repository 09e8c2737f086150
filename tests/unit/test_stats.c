/* test_stats.c — the statistics module's (stats.c) folding logic, without tshark: records go through the
 * same callbacks tshark and the Qt dialog call (init, packet, reset, free), and the resulting
 * stat_tap_table cells are checked.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <glib.h>

#include "stats.h"
#include <epan/wmem_scopes.h>
#include <epan/stat_tap_ui.h>

/* internal entry points of stats.c */
stat_tap_table_ui *ts_stats_hot_ui_new(ts_hot_table_def_t *def);
stat_tap_table_ui *ts_stats_table_ui_new(ts_table_def_t *def);
void ts_stats_set_max_rows(guint n);

/* A compound condition with a message saying what was checked (the values involved). */
#define CHECK(cond, ...) do { \
        if (!(cond)) \
            g_test_message(__VA_ARGS__); \
        g_assert_true(cond); \
    } while (0)

/* Column indices of the Aerospike layout: rank, numbers, key columns (no Filter: no key_filters) */
enum { C_RANK, C_REQ, C_KEY, C_RESP, C_UNANS, C_ERR, C_AVG, C_MAX, C_BYTES, C_NS, C_SET, C_UKEY, C_N };

static ts_hot_table_def_t aero_def = {
    .title = "Aerospike Hot Keys",
    .cli = "aerospike,hotkeys",
    .tap = "aerospike",
    .filter_prefix = "aerospike.",
    .n_key_cols = 4,
    .key_titles = { "Key", "Namespace", "Set", "User key" },
    .metrics = TS_COL_REQUESTS | TS_COL_RESPONSES | TS_COL_UNANSWERED | TS_COL_ERRORS |
               TS_COL_AVG_MS | TS_COL_MAX_MS | TS_COL_BYTES,
    .group_title = "Namespace/Set totals",
    .n_group_cols = 2,
};

typedef struct {
    stat_tap_table_ui *ui;
    stat_data_t sd;
    packet_info pinfo;
} harness_t;

static void h_open(harness_t *h, stat_tap_table_ui *ui)
{
    memset(h, 0, sizeof(*h));
    h->ui = ui;
    h->sd.stat_tap_data = ui;
    ui->stat_tap_init_cb(ui);
}

static void feed(harness_t *h, const ts_tap_rec_t *rec)
{
    h->ui->packet_func(&h->sd, &h->pinfo, NULL, rec, 0);
}

static stat_tap_table *tab(harness_t *h, guint i)
{
    return g_array_index(h->ui->tables, stat_tap_table *, i);
}

static int find_row(stat_tap_table *t, guint col, const char *s)
{
    for (guint r = 0; r < t->num_elements; r++) {
        if (g_strcmp0(t->elements[r][col].value.string_value, s) == 0)
            return (int)r;
    }
    return -1;
}

static guint u_at(stat_tap_table *t, int r, guint c)
{
    return r < 0 ? 99999999 : t->elements[r][c].value.uint_value;
}

static double f_at(stat_tap_table *t, int r, guint c)
{
    return r < 0 ? -1 : t->elements[r][c].value.float_value;
}

static void req(harness_t *h, const char *key, const char *ns, const char *set, const char *ukey,
                guint32 bytes)
{
    ts_tap_rec_t r;
    ts_tap_rec_init(&r, "aerospike");
    r.key = key;
    r.cols[0] = ns;
    r.cols[1] = set;
    r.cols[2] = ukey;
    r.is_request = TRUE;
    r.bytes = bytes;
    feed(h, &r);
}

static void resp(harness_t *h, const char *key, const char *ns, const char *set, double ms,
                 guint32 status, guint32 bytes)
{
    ts_tap_rec_t r;
    ts_tap_rec_init(&r, "aerospike");
    r.key = key;
    r.cols[0] = ns;
    r.cols[1] = set;
    r.first_response = TRUE;
    r.answered = TRUE;
    r.has_latency = TRUE;
    r.latency_ms = ms;
    r.status = status;
    r.is_error = status != 0;
    r.bytes = bytes;
    r.kind = 0;
    feed(h, &r);
}

static void check_all_cells_typed(stat_tap_table *t, const char *what)
{
    int bad = 0;
    for (guint r = 0; r < t->num_elements; r++)
        for (guint c = 0; c < t->num_fields; c++)
            if (t->elements[r][c].type == TABLE_ITEM_NONE ||
                (t->elements[r][c].type == TABLE_ITEM_STRING && !t->elements[r][c].value.string_value))
                bad++;
    CHECK(bad == 0, "%s: %d untyped/NULL cells", what, bad);
}

static void check_sorted_desc(stat_tap_table *t, guint col, const char *what)
{
    int bad = 0;
    for (guint r = 1; r < t->num_elements; r++)
        if (t->elements[r - 1][col].value.uint_value < t->elements[r][col].value.uint_value)
            bad++;
    CHECK(bad == 0, "%s: %d rows out of order", what, bad);
}

/* The scenario: A 200x answered, B 5x never, C 3x result 2, a batch of 5 with a repeat. */
static void feed_scenario(harness_t *h)
{
    for (int i = 0; i < 200; i++) {
        req(h, "aaaa", "test", "demo", "ka", 100);
        /* responses carry no columns: they join the key's row */
        resp(h, "aaaa", NULL, NULL, 1.0 + (i % 4), 0, 30);
    }
    for (int i = 0; i < 5; i++)
        req(h, "bbbb", "test", "demo", NULL, 50);
    for (int i = 0; i < 3; i++) {
        req(h, "cccc", "test", "other", NULL, 40);
        resp(h, "cccc", "test", "other", 10.0, 2, 20);
    }
    const char *batch[5] = { "d1", "d2", "d3", "d2", "d4" };
    for (int i = 0; i < 5; i++)
        req(h, batch[i], "bar", "b", NULL, 10);
}

static void check_scenario(harness_t *h, const char *what)
{
    stat_tap_table *t = tab(h, 0);
    g_assert_cmpuint(t->num_elements, ==, 7);
    int a = find_row(t, C_KEY, "aaaa"), b = find_row(t, C_KEY, "bbbb"), c = find_row(t, C_KEY, "cccc");
    int d2 = find_row(t, C_KEY, "d2"), d1 = find_row(t, C_KEY, "d1");
    CHECK(a >= 0 && b >= 0 && c >= 0 && d1 >= 0 && d2 >= 0, "%s: rows missing", what);
    CHECK(u_at(t, a, C_REQ) == 200 && u_at(t, a, C_RESP) == 200 && u_at(t, a, C_UNANS) == 0 &&
          u_at(t, a, C_ERR) == 0 && u_at(t, a, C_BYTES) == 200 * 130, "%s: A counts", what);
    CHECK(fabs(f_at(t, a, C_AVG) - 2.5) < 1e-9 && fabs(f_at(t, a, C_MAX) - 4.0) < 1e-9,
          "%s: A latency avg %f max %f", what, f_at(t, a, C_AVG), f_at(t, a, C_MAX));
    g_assert_cmpstr(t->elements[a][C_UKEY].value.string_value, ==, "ka");
    g_assert_cmpstr(t->elements[a][C_NS].value.string_value, ==, "test");
    g_assert_cmpstr(t->elements[a][C_SET].value.string_value, ==, "demo");
    CHECK(u_at(t, b, C_REQ) == 5 && u_at(t, b, C_RESP) == 0 && u_at(t, b, C_UNANS) == 5 &&
          f_at(t, b, C_AVG) == 0.0 && f_at(t, b, C_MAX) == 0.0 && u_at(t, b, C_BYTES) == 250,
          "%s: B counts", what);
    CHECK(u_at(t, c, C_REQ) == 3 && u_at(t, c, C_RESP) == 3 && u_at(t, c, C_UNANS) == 0 &&
          u_at(t, c, C_ERR) == 3 && fabs(f_at(t, c, C_AVG) - 10.0) < 1e-9, "%s: C counts", what);
    CHECK(u_at(t, d2, C_REQ) == 2 && u_at(t, d2, C_UNANS) == 2 && u_at(t, d1, C_REQ) == 1,
          "%s: batch rows", what);
    if (h->ui->refcount == 0) {
        CHECK(a == 0 && b == 1 && c == 2 && d2 == 3, "%s: order a=%d b=%d c=%d d2=%d", what, a, b, c, d2);
        check_sorted_desc(t, C_REQ, what);
    }
    check_all_cells_typed(t, what);

    stat_tap_table *g = tab(h, 1);
    g_assert_cmpuint(g->num_elements, ==, 3);
    int td = -1, to = -1, bb = -1;
    for (guint r = 0; r < g->num_elements; r++) {
        const char *ns = g->elements[r][C_NS].value.string_value;
        const char *set = g->elements[r][C_SET].value.string_value;
        if (!g_strcmp0(ns, "test") && !g_strcmp0(set, "demo")) td = (int)r;
        if (!g_strcmp0(ns, "test") && !g_strcmp0(set, "other")) to = (int)r;
        if (!g_strcmp0(ns, "bar") && !g_strcmp0(set, "b")) bb = (int)r;
    }
    CHECK(u_at(g, td, C_REQ) == 205 && u_at(g, td, C_RESP) == 200 && u_at(g, td, C_UNANS) == 5 &&
          u_at(g, td, C_BYTES) == 26000 + 250, "%s: test/demo totals", what);
    CHECK(td >= 0 && g_strcmp0(g->elements[td][C_KEY].value.string_value, "2 keys") == 0,
          "%s: test/demo key count '%s'", what, td >= 0 ? g->elements[td][C_KEY].value.string_value : "");
    CHECK(u_at(g, to, C_ERR) == 3 && u_at(g, to, C_REQ) == 3, "%s: test/other totals", what);
    CHECK(u_at(g, bb, C_REQ) == 5 && u_at(g, bb, C_UNANS) == 5 && bb >= 0 &&
          g_strcmp0(g->elements[bb][C_KEY].value.string_value, "4 keys") == 0, "%s: bar/b totals", what);
    check_all_cells_typed(g, what);
}

static void test_hot_scenario_and_reset(void)
{
    stat_tap_table_ui *ui = ts_stats_hot_ui_new(&aero_def);
    g_assert_nonnull(ui);
    g_assert_cmpuint(ui->nfields, ==, C_N);
    g_assert_cmpuint(ui->group, ==, REGISTER_PACKET_STAT_GROUP_UNSORTED);
    CHECK(strcmp(ui->fields[C_UNANS].column_name, "Unanswered") == 0 &&
          strcmp(ui->fields[C_AVG].column_name, "Avg ms") == 0 &&
          strcmp(ui->fields[C_BYTES].column_name, "Bytes") == 0, "titles");
    CHECK(ui->fields[C_AVG].type == TABLE_ITEM_FLOAT && ui->fields[C_UNANS].type == TABLE_ITEM_UINT &&
          ui->fields[C_UKEY].type == TABLE_ITEM_STRING, "types");
    CHECK(ui->nparams == 1 && ui->params[0].type == PARAM_FILTER, "filter param");

    harness_t h;
    h_open(&h, ui);
    CHECK(ui->tables && ui->tables->len == 2, "two tables");
    feed_scenario(&h);
    check_scenario(&h, "first pass");

    /* a retap (tshark -2 would not, the GUI does): reset, then the same records again */
    reset_stat_table(ui);
    CHECK(tab(&h, 0)->num_elements == 0 && tab(&h, 1)->num_elements == 0, "reset empties");
    feed_scenario(&h);
    check_scenario(&h, "after reset");

    /* the dialog is filled again (init on live tables resets them) */
    ui->stat_tap_init_cb(ui);
    feed_scenario(&h);
    check_scenario(&h, "after re-init");

    /* dialog closed: Wireshark frees the tables; reopened: new tables, exact counts */
    free_stat_tables(ui);
    h_open(&h, ui);
    feed_scenario(&h);
    check_scenario(&h, "after free + reopen");
    free_stat_tables(ui);
}

static void test_gui_rows_stable_and_zero_reset(void)
{
    static ts_hot_table_def_t def;
    def = aero_def;
    def.cli = "aerospike,hotkeys-gui";
    stat_tap_table_ui *ui = ts_stats_hot_ui_new(&def);
    harness_t h;
    ui->refcount = 1;   /* a dialog shows the table */
    h_open(&h, ui);
    req(&h, "k1", "n", "s", NULL, 1);
    req(&h, "k2", "n", "s", NULL, 1);
    stat_tap_table_item_type *row1 = tab(&h, 0)->elements[1];
    for (int i = 0; i < 5; i++)
        req(&h, "k2", "n", "s", NULL, 1);
    g_assert_true(tab(&h, 0)->elements[1] == row1);   /* rows must not move while a dialog shows them */
    g_assert_cmpstr(tab(&h, 0)->elements[1][C_KEY].value.string_value, ==, "k2");
    g_assert_cmpuint(u_at(tab(&h, 0), 1, C_REQ), ==, 6);
    /* ...but their Rank cells tell the order the GUI shows (it sorts by the first column) */
    CHECK(u_at(tab(&h, 0), 1, C_RANK) == 1 && u_at(tab(&h, 0), 0, C_RANK) == 2, "ranks in a dialog");

    /* two dialogs on the same table: a reset zeroes in place and keeps the row arrays */
    ui->refcount = 2;
    reset_stat_table(ui);
    CHECK(tab(&h, 0)->num_elements == 2 && tab(&h, 0)->elements[1] == row1, "zero reset keeps rows");
    CHECK(u_at(tab(&h, 0), 1, C_REQ) == 0 && u_at(tab(&h, 1), 0, C_REQ) == 0, "zeroed");
    g_assert_cmpstr(tab(&h, 1)->elements[0][C_KEY].value.string_value, ==, "0 keys");
    req(&h, "k2", "n", "s", NULL, 1);
    CHECK(u_at(tab(&h, 0), 1, C_REQ) == 1 && u_at(tab(&h, 1), 0, C_REQ) == 1, "recounted");
    g_assert_cmpstr(tab(&h, 1)->elements[0][C_KEY].value.string_value, ==, "1 key");
    free_stat_tables(ui);
}

/* Many keys with random increments: always sorted, counts exact, positions consistent. */
static void test_sorting_invariant(void)
{
    static ts_hot_table_def_t def;
    def = aero_def;
    def.cli = "aerospike,hotkeys-sort";
    def.group_title = NULL;
    def.n_group_cols = 0;
    stat_tap_table_ui *ui = ts_stats_hot_ui_new(&def);
    harness_t h;
    h_open(&h, ui);
    enum { NK = 500, NOPS = 20000 };
    static guint expect[NK];
    memset(expect, 0, sizeof(expect));
    GRand *rnd = g_rand_new_with_seed(42);
    char key[16];
    for (int i = 0; i < NOPS; i++) {
        /* skewed: low keys are hot */
        int k = g_rand_int_range(rnd, 0, g_rand_int_range(rnd, 1, NK + 1));
        snprintf(key, sizeof(key), "k%03d", k);
        if (g_rand_int_range(rnd, 0, 10) == 0) {
            resp(&h, key, NULL, NULL, 1.0, 0, 1);   /* response-only rows have 0 requests */
        } else {
            req(&h, key, "n", "s", NULL, 1);
            expect[k]++;
        }
    }
    g_rand_free(rnd);
    stat_tap_table *t = tab(&h, 0);
    check_sorted_desc(t, C_REQ, "random");
    /* a response seen before any request of its key makes a row without namespace/set (and
     * no requests); requests then count in the key's row with namespace/set */
    static guint got[NK];
    memset(got, 0, sizeof(got));
    for (guint r = 0; r < t->num_elements; r++) {
        int k = atoi(t->elements[r][C_KEY].value.string_value + 1);
        got[k] += t->elements[r][C_REQ].value.uint_value;
    }
    int wrong = 0;
    for (int k = 0; k < NK; k++)
        if (got[k] != expect[k])
            wrong++;
    g_assert_cmpuint(wrong, ==, 0);
    check_all_cells_typed(t, "random");
    free_stat_tables(ui);
}

static void test_overflow_row(void)
{
    static ts_hot_table_def_t def;
    def = aero_def;
    def.cli = "aerospike,hotkeys-overflow";
    stat_tap_table_ui *ui = ts_stats_hot_ui_new(&def);
    harness_t h;
    ts_stats_set_max_rows(4);
    h_open(&h, ui);
    char key[16];
    for (int k = 0; k < 10; k++) {
        snprintf(key, sizeof(key), "k%d", k);
        for (int i = 0; i <= k; i++)
            req(&h, key, "n", "s", NULL, 1);
    }
    stat_tap_table *t = tab(&h, 0);
    g_assert_cmpuint(t->num_elements, ==, 4);
    int o = find_row(t, C_KEY, "(other keys)");
    /* the overflow row is always the last one, whatever it holds */
    CHECK(o == 3 && u_at(t, o, C_REQ) == 4 + 5 + 6 + 7 + 8 + 9 + 10 && u_at(t, o, C_RANK) == 4,
          "overflow row %d holds %u", o, u_at(t, o, C_REQ));
    CHECK(u_at(t, 0, C_RANK) == 1 && u_at(t, 0, C_REQ) == 3 && u_at(t, 2, C_REQ) == 1, "ranked keys");
    g_assert_cmpuint(u_at(tab(&h, 1), 0, C_REQ), ==, 55);   /* group totals exact */
    ts_stats_set_max_rows(0);
    free_stat_tables(ui);
}

/* Answered or not comes from the request's transaction: a filter that drops the responses does
 * not make requests unanswered; a response lost in a capture gap is "Lost", not "Unanswered". */
static void test_answered_from_transaction(void)
{
    static ts_hot_table_def_t def;
    def = aero_def;
    def.cli = "aerospike,hotkeys-trans";
    def.metrics |= TS_COL_LOST;
    def.group_title = NULL;
    def.n_group_cols = 0;
    stat_tap_table_ui *ui = ts_stats_hot_ui_new(&def);
    /* layout with Lost: rank, req, key, resp, unans, lost, err, avg, max, bytes... */
    enum { R_REQ = 1, R_KEY, R_RESP, R_UNANS, R_LOST, R_ERR, R_AVG, R_MAX, R_BYTES };
    harness_t h;
    h_open(&h, ui);
    static ts_trans_t done, lost, open_, later;
    memset(&done, 0, sizeof(done));
    done.req_frame = 1;
    done.rsp_frame = 2;
    done.req_secs = 10;
    done.rsp_delta_ns = 3000000;     /* answered after 3 ms */
    lost = open_ = later = done;
    lost.rsp_frame = 0;
    lost.rsp_lost = TRUE;
    open_.rsp_frame = 0;
    later.rsp_frame = 0;             /* answered after the request was counted (single pass) */
    ts_tap_rec_t r;
    const ts_trans_t *ts[4] = { &done, &lost, &open_, &later };
    for (int i = 0; i < 4; i++) {
        ts_tap_rec_init(&r, "aerospike");
        r.key = "k";
        r.cols[0] = "n";
        r.is_request = TRUE;
        r.trans = ts[i];
        feed(&h, &r);
    }
    stat_tap_table *t = tab(&h, 0);
    CHECK(u_at(t, 0, R_REQ) == 4 && u_at(t, 0, R_RESP) == 1 && u_at(t, 0, R_LOST) == 1 &&
          u_at(t, 0, R_UNANS) == 2 && fabs(f_at(t, 0, R_AVG) - 3.0) < 1e-9,
          "before the answer: req %u resp %u lost %u unans %u", u_at(t, 0, R_REQ), u_at(t, 0, R_RESP),
          u_at(t, 0, R_LOST), u_at(t, 0, R_UNANS));
    /* the answer of `later` arrives (its record carries the transaction): resolved once */
    later.rsp_frame = 5;
    for (int i = 0; i < 2; i++) {
        ts_tap_rec_init(&r, "aerospike");
        r.key = "k";
        r.first_response = i == 0;
        r.answered = TRUE;
        r.has_latency = TRUE;
        r.latency_ms = 5.0;
        r.trans = &later;
        feed(&h, &r);
    }
    /* the answer of `done` (already counted as answered): not counted again */
    ts_tap_rec_init(&r, "aerospike");
    r.key = "k";
    r.first_response = TRUE;
    r.answered = TRUE;
    r.has_latency = TRUE;
    r.latency_ms = 3.0;
    r.is_error = TRUE;
    r.trans = &done;
    feed(&h, &r);
    CHECK(u_at(t, 0, R_REQ) == 4 && u_at(t, 0, R_RESP) == 2 && u_at(t, 0, R_LOST) == 1 &&
          u_at(t, 0, R_UNANS) == 1 && u_at(t, 0, R_ERR) == 1 && fabs(f_at(t, 0, R_AVG) - 4.0) < 1e-9 &&
          fabs(f_at(t, 0, R_MAX) - 5.0) < 1e-9, "after: resp %u unans %u avg %f", u_at(t, 0, R_RESP),
          u_at(t, 0, R_UNANS), f_at(t, 0, R_AVG));
    free_stat_tables(ui);
}

static void test_only_table_and_null_key(void)
{
    static ts_hot_table_def_t def;
    def = aero_def;
    def.cli = "aerospike,hotkeys-only";
    def.only_table = "topics";
    stat_tap_table_ui *ui = ts_stats_hot_ui_new(&def);
    static ts_hot_table_def_t def2;
    def2 = aero_def;
    def2.cli = "aerospike,hotkeys-untagged";
    stat_tap_table_ui *ui2 = ts_stats_hot_ui_new(&def2);
    harness_t h, h2;
    h_open(&h, ui);
    h_open(&h2, ui2);
    ts_tap_rec_t r;
    ts_tap_rec_init(&r, "x");
    r.key = "t1";
    r.is_request = TRUE;
    r.table = "topics";
    feed(&h, &r);
    feed(&h2, &r);
    r.table = "groups";
    feed(&h, &r);
    feed(&h2, &r);
    r.table = NULL;
    feed(&h, &r);
    feed(&h2, &r);
    r.key = NULL;   /* not keyed: ignored by hot tables */
    feed(&h2, &r);
    CHECK(tab(&h, 0)->num_elements == 1 && u_at(tab(&h, 0), 0, C_REQ) == 1, "only_table counts its own");
    CHECK(tab(&h2, 0)->num_elements == 1 && u_at(tab(&h2, 0), 0, C_REQ) == 1, "untagged table counts untagged");
    free_stat_tables(ui);
    free_stat_tables(ui2);
}

/* Generic table: a protocol-defined fold with an INT sort column and a second table. */
static gboolean gen_packet(ts_table_t *tables[2], packet_info *pinfo _U_, const void *data)
{
    const ts_tap_rec_t *rec = (const ts_tap_rec_t *)data;
    const char *keys[1] = { rec->key };
    ts_row_t *row = ts_table_row(tables[0], keys);
    ts_row_add_int(row, 1, rec->is_request ? 1 : -1);
    ts_row_add_uint(row, 2, rec->bytes);
    double *sum = (double *)ts_row_scratch(row, sizeof(double));
    *sum += rec->latency_ms;
    ts_row_set_float(row, 3, *sum);
    ts_row_set_string(row, 4, rec->cols[0]);
    const char *tk[1] = { "total" };
    ts_row_add_uint(ts_table_row(tables[1], tk), 2, rec->bytes);
    return TRUE;
}

static ts_table_def_t gen_def = {
    .title = "Generic", .cli = "x,generic", .tap = "x", .filter_prefix = "x.",
    .n_cols = 5,
    .cols = { { "Name", TS_CELL_STRING }, { "Balance", TS_CELL_INT }, { "Bytes", TS_CELL_UINT },
              { "Sum", TS_CELL_FLOAT }, { "Note", TS_CELL_STRING } },
    .n_key_cols = 1, .sort_col = 1, .extra_table_title = "Totals", .packet = gen_packet,
};

static void test_generic_table(void)
{
    stat_tap_table_ui *ui = ts_stats_table_ui_new(&gen_def);
    harness_t h;
    h_open(&h, ui);
    ts_tap_rec_t r;
    ts_tap_rec_init(&r, "x");
    const char *seq[] = { "p", "q", "q", "r", "r", "r" };
    for (int i = 0; i < 6; i++) {
        r.key = seq[i];
        r.is_request = TRUE;
        r.bytes = 10;
        r.latency_ms = 0.5;
        r.cols[0] = "note\x01with control";
        feed(&h, &r);
    }
    r.key = "p";
    r.is_request = FALSE;
    for (int i = 0; i < 3; i++)
        feed(&h, &r);   /* p goes negative: -2 */
    stat_tap_table *t = tab(&h, 0);
    g_assert_cmpuint(t->num_elements, ==, 3);
    CHECK(!g_strcmp0(t->elements[0][0].value.string_value, "r") && t->elements[0][1].value.int_value == 3 &&
          !g_strcmp0(t->elements[2][0].value.string_value, "p") && t->elements[2][1].value.int_value == -2,
          "sorted by INT desc");
    g_assert_cmpfloat_with_epsilon(t->elements[0][3].value.float_value, 1.5, 1e-9);   /* scratch sum */
    g_assert_cmpstr(t->elements[0][4].value.string_value, ==, "note.with control");
    CHECK(tab(&h, 1)->num_elements == 1 && tab(&h, 1)->elements[0][2].value.uint_value == 90, "second table");
    ts_row_t *row = ts_table_row(NULL, NULL);
    g_assert_null(row);
    ts_row_add_uint(NULL, 0, 1);   /* must not crash */
    check_all_cells_typed(t, "generic");
    free_stat_tables(ui);
}

int main(int argc, char **argv)
{
    int rc;
    g_test_init(&argc, &argv, NULL);
    wmem_init();
    wmem_init_scopes();         /* registrations live in wmem_epan_scope() */
    g_test_add_func("/stats/hot/scenario_and_reset", test_hot_scenario_and_reset);
    g_test_add_func("/stats/hot/gui_rows_stable_and_zero_reset", test_gui_rows_stable_and_zero_reset);
    g_test_add_func("/stats/hot/sorting_invariant", test_sorting_invariant);
    g_test_add_func("/stats/hot/overflow_row", test_overflow_row);
    g_test_add_func("/stats/hot/only_table_and_null_key", test_only_table_and_null_key);
    g_test_add_func("/stats/hot/answered_from_transaction", test_answered_from_transaction);
    g_test_add_func("/stats/generic/table", test_generic_table);
    rc = g_test_run();
    wmem_cleanup_scopes();
    wmem_cleanup();
    return rc;
}
