/* stats.c — statistics tables fed by the dissectors' taps (see stats.h).
 *
 * Three kinds of statistics, all reachable from the Qt GUI and from tshark -z:
 *  - generic tables (ts_stats_register_table): a stat_tap_table_ui in the Statistics menu whose
 *    rows the protocol folds itself (ts_table_row / ts_row_*);
 *  - hot-key tables (ts_stats_register_hot_table): a generic table whose fold is done here from
 *    the common tap record (Requests, Responses, Unanswered, Errors, ... per key), with an optional
 *    second table of totals per group (e.g. namespace/set);
 *  - service response time (ts_stats_register_srt): register_srt_table, one row per command kind.
 *
 * How the Wireshark side uses a stat_tap_table_ui (4.0 .. 4.6), and what this file does about it:
 *  - tshark (ui/cli/tap-simple_stattable.c) calls stat_tap_init_cb once, registers the tap with no
 *    reset callback and prints every table in element order at the end. Nothing sorts, so the rows
 *    are kept sorted here while they are updated (sort column, descending; O(log n) per update).
 *  - the Qt dialog (ui/qt/simple_statistics_dialog.cpp) raises ui->refcount while it exists, calls
 *    stat_tap_init_cb on every fill (open, filter applied), resets through stat_tap_reset_table_cb
 *    before every retap, and keeps pointers to the row arrays (table->elements[i]) of the rows it
 *    has shown, adding new tree items only for indices >= its child count. Rows therefore must not
 *    move while a dialog uses them: with refcount > 0 rows are append-only; the rank order is kept
 *    in a separate array and shown in the first column (Rank), by which the dialog sorts.
 *  - Nothing calls us when a table is drawn, so whether a request was answered is decided when
 *    its record is folded, from its transaction (final in the dialog's retap and tshark -2; in a
 *    single pass the request waits for its response record to resolve it).
 *    free_stat_tables() frees the tables (cells through stat_tap_free_table_item_cb) when the last
 *    dialog closes; our per-table state is dropped then, or at the next init.
 *  - All tables of one UI share the UI's column list (tshark prints every table with ui->fields),
 *    so a second table has the same columns as the first.
 *
 * Memory: cell strings are g_strdup()ed (the table API's contract, freed in the free callback);
 * the per-table bookkeeping (row structs, lookup maps) lives in a private wmem allocator per table
 * that is destroyed as a whole on reset/free. Rows per table are bounded (preference
 * troubleshark.hot_table_max_rows); keys beyond that are folded into one "(other keys)" row,
 * always the last, so totals stay exact.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "stats.h"

#include <epan/stat_tap_ui.h>
#include <epan/srt_table.h>
#include <epan/tap.h>

#define TS_STATS_MAX_STR    256       /* longest string shown in a cell (bytes) */
#define TS_FILTER_MAX_STR   2048      /* longest row filter (longer: no filter) */
#define TS_SRT_MAX_KINDS    256
#define TS_OTHER_KEYS       "(other keys)"

/* Internal entry points shared with the C unit test (tests/unit/test_stats.c). */
stat_tap_table_ui *ts_stats_hot_ui_new(ts_hot_table_def_t *def);
stat_tap_table_ui *ts_stats_table_ui_new(ts_table_def_t *def);

/* Rows per table (keys + the "(other keys)" row): preference troubleshark.hot_table_max_rows. */
static guint ts_pref_max_rows = TS_STATS_DEFAULT_MAX_ROWS;

void ts_stats_set_max_rows(guint n)
{
    ts_pref_max_rows = n;
}

static guint max_rows(void)
{
    guint n = ts_pref_max_rows ? ts_pref_max_rows : TS_STATS_DEFAULT_MAX_ROWS;
    return n < 2 ? 2 : n;   /* room for one key and the "(other keys)" row */
}

void ts_stats_register_prefs(module_t *module)
{
    if (!module)
        return;
    prefs_register_uint_preference(module, "hot_table_max_rows", "Statistics: rows per table",
                                   "Most rows of a statistics table (hot keys, services, topics...), "
                                   "including the \"(other keys)\" row that counts every key beyond "
                                   "the limit, so the totals stay exact. 0 = 65536.",
                                   10, &ts_pref_max_rows);
}

void ts_tap_rec_init(ts_tap_rec_t *rec, const char *proto)
{
    memset(rec, 0, sizeof(*rec));
    rec->proto = proto;
    rec->kind = -1;
    rec->lat_class = -1;
}

/* ============================================================================================
 * Generic table core
 * ============================================================================================ */

typedef union {
    guint64 u;
    gint64  i;
    double  f;
} ts_val_t;

struct ts_row {
    ts_table_t *table;
    stat_tap_table_item_type *cells;   /* the row array owned by the stat_tap_table */
    guint     pos;                     /* index in table->st->elements */
    guint     sidx;                    /* index in table->seq (rank - 1); G_MAXUINT: not ranked */
    ts_val_t *vals;                    /* full-width numeric values (cells saturate) */
    void     *scratch;
    gsize     scratch_size;
    /* hot tables */
    const struct ts_rkey *rkey;        /* the row's identity (stored copy) */
    ts_row_t *group;                   /* row of the group table this row counts into */
    gboolean  touched;                 /* counted since the last reset */
    guint64   n_req, n_resp, n_lost;   /* also kept when their columns are hidden */
    gint64    lat_sum_ns[2];           /* per latency class (one class unless class_names), in
                                        * integer ns: exact in any order (exact merging) */
    guint64   lat_n[2];
    double    lat_max[2];
    guint64   n_keys;                  /* group rows: distinct keys */
    guint32   first_frame;             /* export: frame that created the row (stats-export.c) */
    guint32   seq_no;                  /* export: rows of the table created before this one */
};

typedef struct ts_ui ts_ui_t;

struct ts_table {
    ts_ui_t          *owner;
    stat_tap_table   *st;
    wmem_allocator_t *pool;            /* rows, map keys, maps */
    wmem_map_t       *rows;            /* ts_rkey_t (all key columns) -> ts_row_t */
    wmem_map_t       *by_key;          /* hot tables: key only -> latest row with that key */
    wmem_map_t       *strs;            /* one copy of each key column string after the first */
    ts_row_t         *overflow;
    guint             n_rows;          /* rows created (incl. overflow) */
    /* The rank order: rows sorted by the sort column, descending (the overflow row is not in it:
     * it is always last). tshark prints st->elements, so while no dialog shows the table the
     * elements are kept in this order too (physical); a dialog keeps pointers to the row arrays,
     * so then only seq moves and the Rank cells tell the order. */
    ts_row_t        **seq;
    guint             seq_len;
    guint             seq_cap;
    gboolean          physical;
    /* numeric sort column: its value per seq position (order-preserving guint64), kept in step
     * with seq so that repositioning compares a flat array instead of chasing row pointers */
    guint64          *skey;
    /* hot tables: transactions counted as requests whose outcome was not known yet (a one-pass
     * tshark has not seen the response): ts_trans_t * -> GSList of rows */
    wmem_map_t       *pending;
};

/* Identity of a row: its key column strings (NULL = ""), hashed once. Lookups use one on the
 * stack pointing at the caller's strings; stored keys own copies in the table's pool. */
typedef struct ts_rkey {
    guint              hash;
    guint              n;
    const char *const *parts;
} ts_rkey_t;

typedef enum { TS_UI_GENERIC, TS_UI_HOT } ts_ui_kind_t;

/* Metric columns of hot tables, in the order of ts_metric_cols_t. Layout order below. */
#define TS_N_METRICS 11
enum { M_REQ, M_RESP, M_UNANS, M_ERR, M_TMO, M_AVG, M_MAX, M_BYTES, M_CNT0, M_CNT1, M_LOST };
static const char *const ts_metric_titles[TS_N_METRICS] = {
    "Requests", "Responses", "Unanswered", "Errors", "Timeouts", "Avg ms", "Max ms", "Bytes",
    NULL, NULL, "Lost",
};
/* the order of the metric columns in a hot table */
static const int ts_metric_order[TS_N_METRICS] = {
    M_REQ, M_RESP, M_UNANS, M_LOST, M_CNT0, M_CNT1, M_ERR, M_TMO, M_AVG, M_MAX, M_BYTES,
};

struct ts_ui {
    stat_tap_table_ui   ui;            /* first member: Wireshark hands us &ui */
    ts_ui_kind_t        kind;
    stat_tap_table_item fields[TS_TABLE_MAX_COLS];
    tap_param           params[1];
    char                formats[TS_TABLE_MAX_COLS][16];
    guint               n_cols;
    ts_cell_type_t      types[TS_TABLE_MAX_COLS];
    guint               n_key_cols;
    int                 key_col[TS_TABLE_MAX_COLS];  /* column of each key part */
    int                 rank_col;                    /* -1: no Rank column */
    int                 filter_col;                  /* hot: the Filter column, -1: none */
    guint               col_off;                     /* generic: protocol column c is c + col_off */
    int                 sort_col;
    const char         *table_titles[2];
    guint               n_tables;
    ts_table_t         *tables[2];
    ts_table_def_t     *gdef;
    ts_hot_table_def_t *hdef;
    int                 metric_col[TS_N_METRICS];   /* column of each metric, -1 = not shown */
    int                 class_col[3][2];            /* split: [avg, max, errors][class] */
    guint               n_id_cols;                   /* hot: rec->cols that identify a row */
    ts_ui_t            *next;
};

static ts_ui_t *ts_uis;   /* every UI created, for the reset callback's lookup */
static guint32 ts_cur_frame;   /* export: frame being folded (rows remember their first) */

static inline ts_row_t *row_at(const ts_table_t *t, guint pos)
{
    return (ts_row_t *)t->st->elements[pos][0].user_data.ptr_value;
}

/* > 0 when a sorts before b (a's sort value is greater), 0 when equal. */
static int row_cmp(const ts_table_t *t, const ts_row_t *a, const ts_row_t *b)
{
    int c = t->owner->sort_col;
    switch (t->owner->types[c]) {
    case TS_CELL_UINT:
        return a->vals[c].u > b->vals[c].u ? 1 : (a->vals[c].u < b->vals[c].u ? -1 : 0);
    case TS_CELL_INT:
        return a->vals[c].i > b->vals[c].i ? 1 : (a->vals[c].i < b->vals[c].i ? -1 : 0);
    case TS_CELL_FLOAT:
    case TS_CELL_DURATION:
        return a->vals[c].f > b->vals[c].f ? 1 : (a->vals[c].f < b->vals[c].f ? -1 : 0);
    case TS_CELL_STRING:
    default:
        return -g_strcmp0(a->cells[c].value.string_value, b->cells[c].value.string_value);
    }
}

/* The sort value of a row as an unsigned integer with the same order (numeric columns only). */
static guint64 row_sort_key(const ts_table_t *t, const ts_row_t *row)
{
    int c = t->owner->sort_col;
    switch (t->owner->types[c]) {
    case TS_CELL_UINT:
        return row->vals[c].u;
    case TS_CELL_INT:
        return (guint64)row->vals[c].i ^ G_GUINT64_CONSTANT(0x8000000000000000);
    case TS_CELL_FLOAT:
    case TS_CELL_DURATION: {
        double f = row->vals[c].f;
        guint64 b;
        if (f == 0.0 || f != f)     /* -0 sorts with +0; NaN compares equal to 0 */
            f = 0.0;
        memcpy(&b, &f, sizeof(b));
        return (b & G_GUINT64_CONSTANT(0x8000000000000000)) ? ~b : b | G_GUINT64_CONSTANT(0x8000000000000000);
    }
    case TS_CELL_STRING:
    default:
        return 0;
    }
}

/* > 0 when the row at rank position i sorts before the row at position j, 0 when equal. */
static inline int pos_cmp(const ts_table_t *t, guint i, guint j)
{
    if (t->skey)
        return t->skey[i] > t->skey[j] ? 1 : (t->skey[i] < t->skey[j] ? -1 : 0);
    return row_cmp(t, t->seq[i], t->seq[j]);
}

static inline void row_set_rank(ts_row_t *row, guint rank)
{
    int rc = row->table->owner->rank_col;
    if (rc >= 0) {
        row->vals[rc].u = rank;
        row->cells[rc].value.uint_value = rank;
    }
}

static void row_swap(ts_table_t *t, guint i, guint j)
{
    ts_row_t *a = t->seq[i], *b = t->seq[j];
    t->seq[i] = b;
    t->seq[j] = a;
    b->sidx = i;
    a->sidx = j;
    row_set_rank(b, i + 1);
    row_set_rank(a, j + 1);
    if (t->physical) {          /* elements[k] is seq[k]: move the row arrays alike */
        stat_tap_table_item_type *tmp = t->st->elements[i];
        t->st->elements[i] = t->st->elements[j];
        t->st->elements[j] = tmp;
        b->pos = i;
        a->pos = j;
    }
    if (t->skey) {
        guint64 k = t->skey[i];
        t->skey[i] = t->skey[j];
        t->skey[j] = k;
    }
}

/* Keep the rank order by the sort column, descending, after `row`'s value changed. The rest of
 * the order is sorted, so the row crosses whole runs of equal values: one binary search and one
 * swap per distinct value crossed (one for a +1 increment). */
static void row_reposition(ts_row_t *row)
{
    ts_table_t *t = row->table;
    if (t->owner->sort_col < 0 || row->sidx == G_MAXUINT)
        return;
    if (t->owner->ui.refcount > 0)
        t->physical = FALSE;    /* a dialog holds the row arrays: they must not move */
    guint p = row->sidx;
    guint n = t->seq_len;
    while (p > 0 && pos_cmp(t, p - 1, p) < 0) {
        guint w = p - 1;
        /* first index in [0, w] whose value is not greater than the value at w */
        guint lo = 0, hi = w;
        while (lo < hi) {
            guint mid = lo + (hi - lo) / 2;
            if (pos_cmp(t, mid, w) > 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        row_swap(t, lo, p);
        p = lo;
    }
    while (p + 1 < n && pos_cmp(t, p + 1, p) > 0) {
        guint w = p + 1;
        /* last index in [w, n-1] whose value is not smaller than the value at w */
        guint lo = w, hi = n - 1;
        while (lo < hi) {
            guint mid = hi - (hi - lo) / 2;
            if (pos_cmp(t, mid, w) < 0)
                hi = mid - 1;
            else
                lo = mid;
        }
        row_swap(t, p, lo);
        p = lo;
    }
}

/* A displayable copy: valid UTF-8, no control characters, at most max bytes. */
static char *cell_strndup(const char *s, gsize max)
{
    if (!s)
        return g_strdup("");
    gsize len = strlen(s);
    if (len > max)
        len = max;
    char *raw = g_strndup(s, len);
    char *out;
    if (g_utf8_validate(raw, -1, NULL)) {
        out = raw;
    } else {
        GString *v = g_string_sized_new(len + 8);
        const char *p = raw;
        while (*p) {
            const char *end;
            if (g_utf8_validate(p, -1, &end))
                end = p + strlen(p);
            g_string_append_len(v, p, end - p);
            if (*end) {
                g_string_append(v, "\357\277\275");   /* U+FFFD */
                end++;
            }
            p = end;
        }
        g_free(raw);
        out = g_string_free(v, FALSE);
    }
    for (char *c = out; *c; c++) {
        if ((guchar)*c < 0x20 || *c == 0x7f)
            *c = '.';
    }
    return out;
}

static char *cell_strdup(const char *s)
{
    return cell_strndup(s, TS_STATS_MAX_STR);
}

static guint rkey_hash(gconstpointer k)
{
    return ((const ts_rkey_t *)k)->hash;
}

static gboolean rkey_equal(gconstpointer a, gconstpointer b)
{
    const ts_rkey_t *x = (const ts_rkey_t *)a, *y = (const ts_rkey_t *)b;
    if (x->hash != y->hash || x->n != y->n)
        return FALSE;
    for (guint i = 0; i < x->n; i++) {
        const char *p = x->parts[i] ? x->parts[i] : "";
        const char *q = y->parts[i] ? y->parts[i] : "";
        if (p != q && strcmp(p, q) != 0)
            return FALSE;
    }
    return TRUE;
}

/* FNV-1a over the parts, each followed by a separator byte (NULL and "" hash alike). */
static void rkey_init(ts_rkey_t *k, const char *const *keys, guint n)
{
    guint32 h = 2166136261u;
    for (guint i = 0; i < n; i++) {
        const char *p = keys[i];
        if (p) {
            for (; *p; p++)
                h = (h ^ (guchar)*p) * 16777619u;
        }
        h = (h ^ 0xffu) * 16777619u;
    }
    k->hash = h;
    k->n = n;
    k->parts = keys;
}

/* A stored copy of a lookup key (strings owned by the table's pool; the columns after the first
 * — namespace, set… — repeat across rows and are kept once). */
static ts_rkey_t *rkey_copy(ts_table_t *t, const ts_rkey_t *k)
{
    wmem_allocator_t *pool = t->pool;
    ts_rkey_t *c = wmem_new(pool, ts_rkey_t);
    const char **parts = wmem_alloc_array(pool, const char *, k->n ? k->n : 1);
    for (guint i = 0; i < k->n; i++) {
        const char *p = k->parts[i];
        if (!p || !*p) {
            parts[i] = "";
        } else if (i == 0) {
            parts[i] = wmem_strdup(pool, p);
        } else {
            char *q = (char *)wmem_map_lookup(t->strs, p);
            if (!q) {
                q = wmem_strdup(pool, p);
                wmem_map_insert(t->strs, q, q);
            }
            parts[i] = q;
        }
    }
    c->hash = k->hash;
    c->n = k->n;
    c->parts = parts;
    return c;
}

static void table_state_new(ts_table_t *t)
{
    t->pool = wmem_allocator_new(WMEM_ALLOCATOR_BLOCK);
    t->rows = wmem_map_new(t->pool, rkey_hash, rkey_equal);
    t->by_key = wmem_map_new(t->pool, g_str_hash, g_str_equal);
    t->strs = wmem_map_new(t->pool, g_str_hash, g_str_equal);
    t->pending = wmem_map_new(t->pool, g_direct_hash, g_direct_equal);
    t->overflow = NULL;
    t->n_rows = 0;
    t->seq = NULL;
    t->seq_len = t->seq_cap = 0;
    t->physical = t->st && t->st->num_elements == 0 && t->owner->ui.refcount == 0;
    t->skey = NULL;
}

static void table_state_destroy(ts_table_t *t)
{
    if (t->pool)
        wmem_destroy_allocator(t->pool);
    t->pool = NULL;
    t->rows = NULL;
    t->by_key = NULL;
    t->strs = NULL;
    t->pending = NULL;
    t->overflow = NULL;
    t->n_rows = 0;
    g_free(t->seq);
    t->seq = NULL;
    t->seq_len = t->seq_cap = 0;
    g_free(t->skey);
    t->skey = NULL;
}

/* Is the sort column numeric (sort keys kept in t->skey)? */
static inline gboolean table_numeric_sort(const ts_table_t *t)
{
    int c = t->owner->sort_col;
    return c >= 0 && t->owner->types[c] != TS_CELL_STRING;
}

static void cell_update(ts_row_t *row, guint col);

static ts_row_t *row_create(ts_table_t *t, const char *const *keys, const ts_rkey_t *mapkey,
                            gboolean overflow)
{
    ts_ui_t *u = t->owner;
    stat_tap_table_item_type items[TS_TABLE_MAX_COLS];
    memset(items, 0, sizeof(items));
    for (guint c = 0; c < u->n_cols; c++) {
        switch (u->types[c]) {
        case TS_CELL_UINT:
            items[c].type = TABLE_ITEM_UINT;
            break;
        case TS_CELL_INT:
            items[c].type = TABLE_ITEM_INT;
            break;
        case TS_CELL_FLOAT:
            items[c].type = TABLE_ITEM_FLOAT;
            break;
        case TS_CELL_DURATION:
        case TS_CELL_STRING:
        default:
            items[c].type = TABLE_ITEM_STRING;
            items[c].value.string_value = NULL;
            break;
        }
    }
    for (guint k = 0; k < u->n_key_cols; k++)
        items[u->key_col[k]].value.string_value = cell_strdup(keys ? keys[k] : "");
    for (guint c = 0; c < u->n_cols; c++) {
        if (items[c].type == TABLE_ITEM_STRING && !items[c].value.string_value)
            items[c].value.string_value = g_strdup("");
    }
    ts_row_t *row = wmem_new0(t->pool, ts_row_t);
    row->table = t;
    row->rkey = mapkey;
    row->vals = wmem_alloc0_array(t->pool, ts_val_t, u->n_cols);
    row->pos = t->st->num_elements;
    row->first_frame = ts_cur_frame;
    row->seq_no = t->n_rows;
    row->sidx = G_MAXUINT;
    items[0].user_data.ptr_value = row;
    stat_tap_init_table_row(t->st, row->pos, u->n_cols, items);
    row->cells = t->st->elements[row->pos];
    wmem_map_insert(t->rows, mapkey, row);
    t->n_rows++;
    for (guint c = 0; c < u->n_cols; c++) {
        if (u->types[c] == TS_CELL_DURATION)
            cell_update(row, c);
    }
    if (overflow || u->sort_col < 0) {
        /* not ranked: the overflow row comes after every key (no row is made after it); without
         * a sort column rows keep their insertion order */
        row_set_rank(row, row->pos + 1);
        if (overflow)
            row_set_rank(row, t->seq_len + 1);
        return row;
    }
    if (t->seq_len >= t->seq_cap) {
        guint cap = t->seq_cap ? t->seq_cap * 2 : 64;
        t->seq = g_renew(ts_row_t *, t->seq, cap);
        if (table_numeric_sort(t))
            t->skey = g_renew(guint64, t->skey, cap);
        t->seq_cap = cap;
    }
    if (t->physical && row->pos != t->seq_len)
        t->physical = FALSE;
    row->sidx = t->seq_len++;
    t->seq[row->sidx] = row;
    if (t->skey)
        t->skey[row->sidx] = row_sort_key(t, row);
    row_set_rank(row, row->sidx + 1);
    row_reposition(row);
    return row;
}

static ts_row_t *table_row(ts_table_t *t, const char *const *keys)
{
    if (!t || !t->pool)
        return NULL;
    guint nk = t->owner->n_key_cols;
    ts_rkey_t look;
    rkey_init(&look, keys, nk);
    ts_row_t *row = (ts_row_t *)wmem_map_lookup(t->rows, &look);
    if (row)
        return row;
    if (t->n_rows + 1 >= max_rows()) {
        if (!t->overflow) {
            const char *ok[TS_TABLE_MAX_COLS] = { TS_OTHER_KEYS };
            ts_rkey_t olook;
            rkey_init(&olook, ok, nk);
            t->overflow = row_create(t, ok, rkey_copy(t, &olook), TRUE);
        }
        return t->overflow;
    }
    return row_create(t, keys, rkey_copy(t, &look), FALSE);
}

ts_row_t *ts_table_row(ts_table_t *table, const char *const *keys)
{
    return table_row(table, keys);
}

static void cell_update(ts_row_t *row, guint col)
{
    ts_ui_t *u = row->table->owner;
    stat_tap_table_item_type *cell = &row->cells[col];
    switch (u->types[col]) {
    case TS_CELL_UINT:
        cell->value.uint_value = row->vals[col].u > G_MAXUINT ? G_MAXUINT : (guint)row->vals[col].u;
        break;
    case TS_CELL_INT:
        cell->value.int_value = row->vals[col].i > G_MAXINT ? G_MAXINT :
                                (row->vals[col].i < G_MININT ? G_MININT : (gint)row->vals[col].i);
        break;
    case TS_CELL_FLOAT:
        cell->value.float_value = row->vals[col].f;
        break;
    case TS_CELL_DURATION: {
        /* seconds, shown the way a person reads them: 3.0 ms, 35.3 s */
        double v = row->vals[col].f;
        char buf[48];
        if (v != v)
            v = 0.0;
        if (v < 1.0 && v > -1.0)
            snprintf(buf, sizeof(buf), "%.1f ms", v * 1000.0);
        else
            snprintf(buf, sizeof(buf), "%.1f s", v);
        g_free((char *)cell->value.string_value);
        cell->value.string_value = g_strdup(buf);
        break;
    }
    case TS_CELL_STRING:
    default:
        break;
    }
    if ((int)col == u->sort_col) {
        ts_table_t *t = row->table;
        if (t->skey && row->sidx < t->seq_len)
            t->skey[row->sidx] = row_sort_key(t, row);
        row_reposition(row);
    }
}

/* Is internal column col of this type? (FLOAT operations also take DURATION columns.) */
static gboolean col_ok(ts_row_t *row, guint col, ts_cell_type_t type)
{
    if (!row || col >= row->table->owner->n_cols)
        return FALSE;
    ts_cell_type_t t = row->table->owner->types[col];
    return t == type || (type == TS_CELL_FLOAT && t == TS_CELL_DURATION);
}

/* Internal column of a protocol's column number (generic tables may have a Rank column first). */
static inline guint pcol(const ts_row_t *row, guint col)
{
    return row ? col + row->table->owner->col_off : col;
}

static void row_add_uint(ts_row_t *row, guint col, guint64 v)
{
    if (!col_ok(row, col, TS_CELL_UINT))
        return;
    guint64 *x = &row->vals[col].u;
    *x = (*x > G_MAXUINT64 - v) ? G_MAXUINT64 : *x + v;
    cell_update(row, col);
}

static void row_add_int(ts_row_t *row, guint col, gint64 v)
{
    if (!col_ok(row, col, TS_CELL_INT))
        return;
    gint64 *x = &row->vals[col].i;
    if (v > 0 && *x > G_MAXINT64 - v)
        *x = G_MAXINT64;
    else if (v < 0 && *x < G_MININT64 - v)
        *x = G_MININT64;
    else
        *x += v;
    cell_update(row, col);
}

static void row_set_uint(ts_row_t *row, guint col, guint64 v)
{
    if (!col_ok(row, col, TS_CELL_UINT))
        return;
    row->vals[col].u = v;
    cell_update(row, col);
}

static void row_set_float(ts_row_t *row, guint col, double v)
{
    if (!col_ok(row, col, TS_CELL_FLOAT))
        return;
    row->vals[col].f = v;
    cell_update(row, col);
}

static void row_set_string_n(ts_row_t *row, guint col, const char *v, gsize max)
{
    if (!col_ok(row, col, TS_CELL_STRING))
        return;
    stat_tap_table_item_type *cell = &row->cells[col];
    g_free((char *)cell->value.string_value);
    cell->value.string_value = cell_strndup(v, max);
    if ((int)col == row->table->owner->sort_col)
        row_reposition(row);
}

static void row_set_string(ts_row_t *row, guint col, const char *v)
{
    row_set_string_n(row, col, v, TS_STATS_MAX_STR);
}

void ts_row_add_uint(ts_row_t *row, guint col, guint64 v)
{
    row_add_uint(row, pcol(row, col), v);
}

void ts_row_add_int(ts_row_t *row, guint col, gint64 v)
{
    row_add_int(row, pcol(row, col), v);
}

void ts_row_set_uint(ts_row_t *row, guint col, guint64 v)
{
    row_set_uint(row, pcol(row, col), v);
}

void ts_row_set_float(ts_row_t *row, guint col, double v)
{
    row_set_float(row, pcol(row, col), v);
}

void ts_row_set_string(ts_row_t *row, guint col, const char *v)
{
    row_set_string(row, pcol(row, col), v);
}

guint64 ts_row_get_uint(ts_row_t *row, guint col)
{
    col = pcol(row, col);
    return col_ok(row, col, TS_CELL_UINT) ? row->vals[col].u : 0;
}

double ts_row_get_float(ts_row_t *row, guint col)
{
    col = pcol(row, col);
    return col_ok(row, col, TS_CELL_FLOAT) ? row->vals[col].f : 0.0;
}

void *ts_row_scratch(ts_row_t *row, gsize size)
{
    if (!row || size == 0)
        return NULL;
    if (!row->scratch || row->scratch_size < size) {
        void *n = wmem_alloc0(row->table->pool, size);
        if (row->scratch)
            memcpy(n, row->scratch, row->scratch_size);
        row->scratch = n;
        row->scratch_size = size;
    }
    return row->scratch;
}

/* ---- stat_tap_table_ui callbacks ------------------------------------------------------------- */

static ts_ui_t *ui_of(stat_tap_table_ui *stu)
{
    return (ts_ui_t *)stu;   /* ui is the first member */
}

/* The ts_table_t behind a live stat_tap_table (NULL when it is not one of ours). */
static ts_table_t *table_of(const stat_tap_table *st)
{
    for (ts_ui_t *u = ts_uis; u; u = u->next) {
        GArray *arr = u->ui.tables;
        for (guint i = 0; i < u->n_tables; i++) {
            if (u->tables[i] && u->tables[i]->st == st && arr && i < arr->len &&
                g_array_index(arr, stat_tap_table *, i) == st)
                return u->tables[i];
        }
    }
    return NULL;
}

static void ui_forget_tables(ts_ui_t *u)
{
    for (guint i = 0; i < u->n_tables; i++) {
        if (u->tables[i]) {
            table_state_destroy(u->tables[i]);
            g_free(u->tables[i]);
            u->tables[i] = NULL;
        }
    }
}

static gboolean ui_tables_live(ts_ui_t *u)
{
    GArray *arr = u->ui.tables;
    if (!arr || arr->len != u->n_tables)
        return FALSE;
    for (guint i = 0; i < u->n_tables; i++) {
        if (!u->tables[i] || g_array_index(arr, stat_tap_table *, i) != u->tables[i]->st)
            return FALSE;
    }
    return TRUE;
}

/* Group rows show how many distinct keys they total in their first (Key) column. */
static void row_set_key_count(ts_row_t *grow)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%" G_GUINT64_FORMAT " key%s", grow->n_keys,
             grow->n_keys == 1 ? "" : "s");
    row_set_string(grow, (guint)grow->table->owner->key_col[0], buf);
}

/* Remove every row (strings freed), or zero the numbers in place while another dialog still
 * shows these rows (its tree items point at the row arrays). */
static void table_reset(ts_table_t *t)
{
    ts_ui_t *u = t->owner;
    stat_tap_table *st = t->st;
    if (u->ui.refcount <= 1) {
        for (guint r = 0; r < st->num_elements; r++) {
            for (guint c = 0; c < st->num_fields; c++) {
                if (st->elements[r][c].type == TABLE_ITEM_STRING)
                    g_free((char *)st->elements[r][c].value.string_value);
            }
            g_free(st->elements[r]);
        }
        g_free(st->elements);
        st->elements = NULL;
        st->num_elements = 0;
        table_state_destroy(t);
        table_state_new(t);
        return;
    }
    for (guint r = 0; r < st->num_elements; r++) {
        ts_row_t *row = row_at(t, r);
        for (guint c = 0; c < u->n_cols; c++) {
            if ((int)c == u->rank_col)
                continue;           /* the order is kept: every value is 0 now */
            if (u->types[c] == TS_CELL_DURATION) {
                memset(&row->vals[c], 0, sizeof(row->vals[c]));
                cell_update(row, c);
            } else if (u->types[c] != TS_CELL_STRING) {
                memset(&row->vals[c], 0, sizeof(row->vals[c]));
                memset(&row->cells[c].value, 0, sizeof(row->cells[c].value));
            }
        }
        if (row->scratch)
            memset(row->scratch, 0, row->scratch_size);
        memset(row->lat_sum_ns, 0, sizeof(row->lat_sum_ns));
        memset(row->lat_max, 0, sizeof(row->lat_max));
        memset(row->lat_n, 0, sizeof(row->lat_n));
        row->n_req = row->n_resp = row->n_lost = 0;
        row->n_keys = 0;
        row->touched = FALSE;
        if (t->skey && row->sidx < t->seq_len)
            t->skey[row->sidx] = row_sort_key(t, row);
        if (u->kind == TS_UI_HOT && u->n_tables > 1 && t == u->tables[1])
            row_set_key_count(row);
    }
    t->pending = wmem_map_new(t->pool, g_direct_hash, g_direct_equal);
}

static void ts_ui_reset_cb(stat_tap_table *st)
{
    ts_table_t *t = table_of(st);
    if (t && t->pool)
        table_reset(t);
}

static void ts_ui_free_item_cb(stat_tap_table *st, guint row, guint col,
                               stat_tap_table_item_type *field)
{
    if (field->type == TABLE_ITEM_STRING) {
        g_free((char *)field->value.string_value);
        field->value.string_value = NULL;
    }
    /* The last cell of the table: free_stat_tables() frees the table right after. */
    if (row + 1 == st->num_elements && col + 1 == st->num_fields) {
        ts_table_t *t = table_of(st);
        if (t)
            table_state_destroy(t);
    }
}

static void ts_ui_init_cb(stat_tap_table_ui *stu)
{
    ts_ui_t *u = ui_of(stu);
    if (ui_tables_live(u)) {
        /* refilled (dialog reopened on the same tables, filter applied): start from zero */
        for (guint i = 0; i < u->n_tables; i++) {
            if (u->tables[i]->pool)
                table_reset(u->tables[i]);
            else
                table_state_new(u->tables[i]);
        }
        return;
    }
    /* The tables were freed by free_stat_tables() (or never made): drop what we remember. */
    ui_forget_tables(u);
    for (guint i = 0; i < u->n_tables; i++) {
        ts_table_t *t = g_new0(ts_table_t, 1);
        t->owner = u;
        t->st = stat_tap_init_table(u->table_titles[i], u->n_cols, 0,
                                    u->hdef ? u->hdef->filter_prefix : u->gdef->filter_prefix);
        stat_tap_add_table(stu, t->st);
        table_state_new(t);
        u->tables[i] = t;
    }
}

static gboolean hot_fold(ts_ui_t *u, packet_info *pinfo, const ts_tap_rec_t *rec);

static tap_packet_status ts_ui_packet_cb(void *tapdata, packet_info *pinfo,
                                         epan_dissect_t *edt _U_, const void *data,
                                         tap_flags_t flags _U_)
{
    stat_data_t *sd = (stat_data_t *)tapdata;
    if (!sd || !data)
        return TAP_PACKET_DONT_REDRAW;
    ts_ui_t *u = ui_of(sd->stat_tap_data);
    if (!ui_tables_live(u))
        return TAP_PACKET_DONT_REDRAW;
    for (guint i = 0; i < u->n_tables; i++) {
        if (!u->tables[i]->pool)
            table_state_new(u->tables[i]);
    }
    gboolean changed;
    ts_cur_frame = pinfo->num;
    if (u->kind == TS_UI_HOT) {
        changed = hot_fold(u, pinfo, (const ts_tap_rec_t *)data);
    } else {
        ts_table_t *tabs[2] = { u->tables[0], u->n_tables > 1 ? u->tables[1] : NULL };
        changed = u->gdef->packet ? u->gdef->packet(tabs, pinfo, data) : FALSE;
    }
    return changed ? TAP_PACKET_REDRAW : TAP_PACKET_DONT_REDRAW;
}

static void ui_set_fields(ts_ui_t *u)
{
    for (guint c = 0; c < u->n_cols; c++) {
        stat_tap_table_item *f = &u->fields[c];
        const char *fmt;
        switch (u->types[c]) {
        case TS_CELL_UINT:
            f->type = TABLE_ITEM_UINT;
            fmt = "%8u";
            break;
        case TS_CELL_INT:
            f->type = TABLE_ITEM_INT;
            fmt = "%8d";
            break;
        case TS_CELL_FLOAT:
            f->type = TABLE_ITEM_FLOAT;
            fmt = "%8.3f";
            break;
        case TS_CELL_DURATION:
            f->type = TABLE_ITEM_STRING;
            fmt = "%10s";
            break;
        case TS_CELL_STRING:
        default:
            f->type = TABLE_ITEM_STRING;
            fmt = (u->kind == TS_UI_HOT && (int)c == u->key_col[0]) ? "%-40s" : "%-12s";
            break;
        }
        f->align = u->types[c] == TS_CELL_STRING ? TAP_ALIGN_LEFT : TAP_ALIGN_RIGHT;
        g_strlcpy(u->formats[c], fmt, sizeof(u->formats[c]));
        f->field_format = u->formats[c];
    }
}

/* The menu (and dialog) title: "Troubleshark · <title>", so that the plugin's tables sit together
 * in the Statistics menu. Wireshark 4.0 does not make a submenu of "Troubleshark/<title>" for a
 * table statistic (the '/' is shown as is; only Tools and stats_tree entries get submenus). */
static const char *menu_title(const char *title)
{
    static const char prefix[] = "Troubleshark ";
    if (g_str_has_prefix(title, prefix))
        title += sizeof(prefix) - 1;
    return wmem_strdup_printf(wmem_epan_scope(), "Troubleshark \u00b7 %s", title);
}

static void ui_init_common(ts_ui_t *u, const char *title, const char *tap, const char *cli)
{
    u->ui.group = REGISTER_PACKET_STAT_GROUP_UNSORTED;
    u->ui.title = menu_title(title);
    u->ui.tap_name = tap;
    u->ui.cli_string = cli;
    u->ui.stat_tap_init_cb = ts_ui_init_cb;
    u->ui.packet_func = ts_ui_packet_cb;
    u->ui.stat_tap_reset_table_cb = ts_ui_reset_cb;
    u->ui.stat_tap_free_table_item_cb = ts_ui_free_item_cb;
    u->ui.stat_filter_check_cb = NULL;   /* tshark validates the filter itself */
    u->ui.nfields = u->n_cols;
    u->ui.fields = u->fields;
    u->params[0].type = PARAM_FILTER;
    u->params[0].name = "filter";
    u->params[0].title = "Filter";
    u->params[0].enum_vals = NULL;
    u->params[0].optional = TRUE;
    u->ui.nparams = 1;
    u->ui.params = u->params;
    u->ui.tables = NULL;
    u->ui.refcount = 0;
    ui_set_fields(u);
    u->next = ts_uis;
    ts_uis = u;
}

stat_tap_table_ui *ts_stats_table_ui_new(ts_table_def_t *def)
{
    if (!def || !def->title || !def->cli || !def->tap || def->n_cols == 0 ||
        def->n_cols > TS_TABLE_MAX_COLS || def->n_key_cols > def->n_cols)
        return NULL;
    guint off = def->ranked ? 1 : 0;
    if (def->n_cols + off > TS_TABLE_MAX_COLS)
        return NULL;
    ts_ui_t *u = wmem_new0(wmem_epan_scope(), ts_ui_t);   /* lives as long as the registration */
    u->kind = TS_UI_GENERIC;
    u->gdef = def;
    u->col_off = off;
    u->rank_col = def->ranked ? 0 : -1;
    u->filter_col = -1;
    u->n_cols = def->n_cols + off;
    if (def->ranked) {
        u->types[0] = TS_CELL_UINT;
        u->fields[0].column_name = "Rank";
    }
    for (guint c = 0; c < def->n_cols; c++) {
        u->types[c + off] = def->cols[c].type;
        u->fields[c + off].column_name = def->cols[c].title;
    }
    u->n_key_cols = 0;
    for (guint c = 0; c < def->n_cols; c++) {
        if (def->key_mask ? (def->key_mask & (1u << c)) != 0 : c < def->n_key_cols)
            u->key_col[u->n_key_cols++] = (int)(c + off);
    }
    u->sort_col = (def->sort_col >= 0 && (guint)def->sort_col < def->n_cols) ?
                  def->sort_col + (int)off : -1;
    u->table_titles[0] = def->title;
    u->n_tables = 1;
    if (def->extra_table_title) {
        u->table_titles[1] = def->extra_table_title;
        u->n_tables = 2;
    }
    ui_init_common(u, def->title, def->tap, def->cli);
    return &u->ui;
}

void ts_stats_register_table(ts_table_def_t *def)
{
    ts_stats_export_register();   /* export: registers -z troubleshark,export once */
    stat_tap_table_ui *stu = ts_stats_table_ui_new(def);
    if (stu)
        register_stat_tap_table_ui(stu);
}

/* ============================================================================================
 * Hot-key tables
 * ============================================================================================ */

stat_tap_table_ui *ts_stats_hot_ui_new(ts_hot_table_def_t *def)
{
    if (!def || !def->title || !def->cli || !def->tap || def->n_key_cols == 0 ||
        def->n_key_cols > 1 + TS_TAP_MAX_COLS)
        return NULL;
    ts_ui_t *u = wmem_new0(wmem_epan_scope(), ts_ui_t);   /* lives as long as the registration */
    wmem_allocator_t *scope = wmem_epan_scope();
    gboolean split = def->class_names[0] && def->class_names[1];
    u->kind = TS_UI_HOT;
    u->hdef = def;
    u->rank_col = 0;
    u->types[0] = TS_CELL_UINT;
    u->fields[0].column_name = "Rank";
    guint c = 1;
    u->sort_col = -1;
    memset(u->class_col, -1, sizeof(u->class_col));
    for (guint i = 0; i < TS_N_METRICS; i++) {
        int m = ts_metric_order[i];
        u->metric_col[m] = -1;
        if (!(def->metrics & (1u << m)))
            continue;
        const char *title = ts_metric_titles[m];
        if (m == M_CNT0 || m == M_CNT1)
            title = def->counter_titles[m - M_CNT0] ? def->counter_titles[m - M_CNT0] : "Counter";
        if (split && m == M_ERR)
            title = wmem_strdup_printf(scope, "%s errors", def->class_names[0]);
        guint ncls = (split && (m == M_AVG || m == M_MAX)) ? 2 : 1;
        for (guint k = 0; k < ncls && c < TS_TABLE_MAX_COLS; k++, c++) {
            if (ncls == 2)
                title = wmem_strdup_printf(scope, "%s %s", def->class_names[k],
                                           m == M_AVG ? "avg ms" : "max ms");
            if (k == 0)
                u->metric_col[m] = (int)c;
            if (m == M_AVG || m == M_MAX)
                u->class_col[m == M_AVG ? 0 : 1][k] = (int)c;
            u->fields[c].column_name = title;
            u->types[c] = (m == M_AVG || m == M_MAX) ? TS_CELL_FLOAT : TS_CELL_UINT;
            if (m == M_REQ)
                u->sort_col = (int)c;
        }
        if (m == M_REQ && c < TS_TABLE_MAX_COLS) {
            /* Rank, Requests, Key: what a dialog of default size shows of the top row */
            u->key_col[0] = (int)c;
            u->types[c] = TS_CELL_STRING;
            u->fields[c].column_name = def->key_titles[0] ? def->key_titles[0] : "";
            c++;
        }
    }
    if (c + def->n_key_cols + 1 > TS_TABLE_MAX_COLS || u->sort_col < 0)
        return NULL;
    for (guint k = 1; k < def->n_key_cols; k++, c++) {
        u->key_col[k] = (int)c;
        u->types[c] = TS_CELL_STRING;
        u->fields[c].column_name = def->key_titles[k] ? def->key_titles[k] : "";
    }
    u->n_key_cols = def->n_key_cols;
    u->filter_col = -1;
    for (guint k = 0; k < def->n_key_cols; k++) {
        if (def->key_filters[k].field && def->key_filters[k].kind != TS_FILTER_NONE)
            u->filter_col = (int)c;
    }
    if (u->filter_col >= 0) {
        u->types[c] = TS_CELL_STRING;
        u->fields[c].column_name = "Filter";
        c++;
    }
    u->n_cols = c;
    u->n_id_cols = def->n_key_cols - 1;
    u->table_titles[0] = def->title;
    u->n_tables = 1;
    if (def->group_title && def->n_group_cols > 0 && def->n_group_cols < def->n_key_cols) {
        u->table_titles[1] = def->group_title;
        u->n_tables = 2;
        u->n_id_cols = def->n_group_cols;
    }
    ui_init_common(u, def->title, def->tap, def->cli);
    return &u->ui;
}

void ts_stats_register_hot_table(ts_hot_table_def_t *def)
{
    stat_tap_table_ui *stu = ts_stats_hot_ui_new(def);
    if (stu)
        register_stat_tap_table_ui(stu);
}

/* A latency in ms as whole nanoseconds (sums of these are exact whatever the order, so tables
 * merged from several runs give the same averages; |ms| is bounded by the capture's span). */
static inline gint64 ts_ms_to_ns(double ms)
{
    double ns = ms * 1e6;
    if (!(ns > -9e15 && ns < 9e15))
        return 0;
    return (gint64)(ns < 0 ? ns - 0.5 : ns + 0.5);
}

static inline gboolean str_empty(const char *s)
{
    return !s || !*s;
}

/* The display filter selecting the transactions of a row whose key columns first..n-1 are
 * parts[first..n-1] (a term per column with a filter field, joined with &&). "" when a value
 * cannot be written as a filter (a placeholder such as "(other keys)", bad hex) or it is too long. */
static char *hot_filter(const ts_hot_table_def_t *def, const char *const *parts, guint first, guint n)
{
    GString *f = g_string_new("");
    gboolean ok = TRUE;
    for (guint k = first; k < n && ok; k++) {
        const ts_key_filter_t *kf = &def->key_filters[k];
        const char *v = parts[k] ? parts[k] : "";
        if (!kf->field || kf->kind == TS_FILTER_NONE)
            continue;
        if (v[0] == '(') {          /* "(other keys)", "(heartbeat)": not a field value */
            ok = FALSE;
            break;
        }
        if (kf->absent && strcmp(v, kf->absent) == 0) {
            g_string_append_printf(f, "%s!%s", f->len ? " && " : "", kf->field);
            continue;
        }
        if (!*v)
            continue;               /* unknown here: the other columns select the row */
        g_string_append_printf(f, "%s%s == ", f->len ? " && " : "", kf->field);
        switch (kf->kind) {
        case TS_FILTER_BYTES: {
            gsize len = strlen(v);
            if (len % 2 || len == 0) {
                ok = FALSE;
                break;
            }
            for (gsize i = 0; i < len && ok; i += 2) {
                if (!g_ascii_isxdigit(v[i]) || !g_ascii_isxdigit(v[i + 1]))
                    ok = FALSE;
                g_string_append_printf(f, "%s%c%c", i ? ":" : "", g_ascii_tolower(v[i]),
                                       g_ascii_tolower(v[i + 1]));
            }
            break;
        }
        case TS_FILTER_NUMBER:
            for (const char *p = v; *p && ok; p++) {
                if (!g_ascii_isdigit(*p) && !(p == v && *p == '-'))
                    ok = FALSE;
            }
            g_string_append(f, v);
            break;
        case TS_FILTER_STRING:
        default:
            g_string_append_c(f, '"');
            for (const guchar *p = (const guchar *)v; *p; p++) {
                if (*p == '"' || *p == '\\')
                    g_string_append_printf(f, "\\%c", *p);
                else if (*p < 0x20 || *p == 0x7f)
                    g_string_append_printf(f, "\\x%02x", *p);
                else
                    g_string_append_c(f, (char)*p);
            }
            g_string_append_c(f, '"');
            break;
        }
    }
    if (!ok || f->len > TS_FILTER_MAX_STR)
        g_string_truncate(f, 0);
    return g_string_free(f, FALSE);
}

static void hot_set_filter(ts_ui_t *u, ts_row_t *row, guint first, guint n)
{
    if (u->filter_col < 0 || !row->rkey)
        return;
    char *f = hot_filter(u->hdef, row->rkey->parts, first, n);
    row_set_string_n(row, (guint)u->filter_col, f, TS_FILTER_MAX_STR);
    g_free(f);
}

/* The derived cells of a row: Unanswered, Lost, Responses, latency. */
static void hot_refresh(ts_ui_t *u, ts_row_t *row)
{
    const int *mc = u->metric_col;
    if (mc[M_RESP] >= 0)
        row_set_uint(row, (guint)mc[M_RESP], row->n_resp);
    if (mc[M_LOST] >= 0)
        row_set_uint(row, (guint)mc[M_LOST], row->n_lost);
    if (mc[M_UNANS] >= 0) {
        guint64 done = row->n_resp + row->n_lost;
        row_set_uint(row, (guint)mc[M_UNANS], row->n_req > done ? row->n_req - done : 0);
    }
    for (guint k = 0; k < 2; k++) {
        if (u->class_col[0][k] >= 0)
            row_set_float(row, (guint)u->class_col[0][k],
                          row->lat_n[k] ? (double)row->lat_sum_ns[k] / (double)row->lat_n[k] / 1e6 : 0.0);
        if (u->class_col[1][k] >= 0)
            row_set_float(row, (guint)u->class_col[1][k], row->lat_n[k] ? row->lat_max[k] : 0.0);
    }
}

/* Latency class of a record: its lat_class when the table splits classes, else 0. */
static int hot_class(const ts_ui_t *u, int lat_class)
{
    if (u->hdef->class_names[0] && u->hdef->class_names[1])
        return (lat_class == 0 || lat_class == 1) ? lat_class : -1;
    return 0;
}

/* One request of `row` (and of its group row) was answered. */
static void hot_answered(ts_ui_t *u, ts_row_t *const rows[2], int cls, gboolean has_lat, double ms)
{
    for (guint i = 0; i < 2; i++) {
        ts_row_t *row = rows[i];
        if (!row)
            continue;
        row->n_resp++;
        if (has_lat && cls >= 0) {
            row->lat_sum_ns[cls] += ts_ms_to_ns(ms);
            row->lat_n[cls]++;
            if (row->lat_n[cls] == 1 || ms > row->lat_max[cls])
                row->lat_max[cls] = ms;
        }
        hot_refresh(u, row);
    }
}

/* A request counted before its outcome was known (tshark's single pass). */
typedef struct ts_pend {
    ts_row_t       *rows[2];
    int             cls;
    struct ts_pend *next;
} ts_pend_t;

/* Fold one record's numbers into a row and its group row. */
static void hot_apply(ts_ui_t *u, ts_table_t *t, ts_row_t *const rows[2], const ts_tap_rec_t *rec)
{
    const int *mc = u->metric_col;
    int cls = hot_class(u, rec->lat_class);
    for (guint i = 0; i < 2; i++) {
        ts_row_t *row = rows[i];
        if (!row)
            continue;
        if (rec->is_request) {
            row->n_req++;
            if (mc[M_REQ] >= 0)
                row_add_uint(row, (guint)mc[M_REQ], 1);
        }
        if (rec->is_error && mc[M_ERR] >= 0)
            row_add_uint(row, (guint)mc[M_ERR], 1);
        if (rec->is_timeout && mc[M_TMO] >= 0)
            row_add_uint(row, (guint)mc[M_TMO], 1);
        if (mc[M_BYTES] >= 0)
            row_add_uint(row, (guint)mc[M_BYTES], rec->bytes);
        if (mc[M_CNT0] >= 0)
            row_add_uint(row, (guint)mc[M_CNT0], rec->counter[0]);
        if (mc[M_CNT1] >= 0)
            row_add_uint(row, (guint)mc[M_CNT1], rec->counter[1]);
    }
    const ts_trans_t *tr = rec->trans;
    if (rec->is_request && tr) {
        /* answered or not is the transaction's, whatever the filter did to its responses */
        if (tr->rsp_frame) {
            nstime_t d = ts_trans_rsp_delta(tr);
            hot_answered(u, rows, cls, TRUE, nstime_to_msec(&d));
        } else if (tr->rsp_lost) {
            for (guint i = 0; i < 2; i++) {
                if (rows[i])
                    rows[i]->n_lost++;
            }
        } else {
            ts_pend_t *p = wmem_new(t->pool, ts_pend_t);
            p->rows[0] = rows[0];
            p->rows[1] = rows[1];
            p->cls = cls;
            p->next = (ts_pend_t *)wmem_map_lookup(t->pending, tr);
            wmem_map_insert(t->pending, tr, p);
        }
    } else if (!rec->is_request && tr) {
        /* resolves the requests counted while their answer was not known yet; a request counted
         * as answered already (or not counted: filtered away) is not counted again */
        ts_pend_t *p = (ts_pend_t *)wmem_map_remove(t->pending, tr);
        for (; p; p = p->next)
            hot_answered(u, p->rows, p->cls, rec->has_latency, rec->latency_ms);
    } else if (!rec->is_request && rec->first_response) {
        /* a record without its transaction: the answer is counted where it is seen */
        hot_answered(u, rows, cls, rec->has_latency, rec->latency_ms);
    }
    for (guint i = 0; i < 2; i++) {
        if (rows[i])
            hot_refresh(u, rows[i]);
    }
}

static ts_row_t *hot_group_row(ts_ui_t *u, const char *const *cols)
{
    ts_table_t *g = u->tables[1];
    const char *keys[TS_TABLE_MAX_COLS] = { NULL };
    keys[0] = "";
    for (guint i = 0; i < u->hdef->n_group_cols; i++)
        keys[1 + i] = cols[i];
    /* the group table is identified by the group columns only: other key cells stay "" */
    guint before = g->n_rows;
    ts_row_t *row = table_row(g, keys);
    if (row && g->n_rows != before && row != g->overflow)
        hot_set_filter(u, row, 1, 1 + u->hdef->n_group_cols);
    return row;
}

static gboolean hot_fold(ts_ui_t *u, packet_info *pinfo _U_, const ts_tap_rec_t *rec)
{
    const ts_hot_table_def_t *def = u->hdef;
    if (str_empty(rec->key))
        return FALSE;
    if (def->only_table ? (!rec->table || strcmp(rec->table, def->only_table) != 0)
                        : rec->table != NULL)
        return FALSE;

    ts_table_t *t = u->tables[0];
    guint n_extra = def->n_key_cols - 1;
    const char *keys[TS_TABLE_MAX_COLS] = { NULL };
    keys[0] = rec->key;
    gboolean id_empty = TRUE;
    for (guint i = 0; i < n_extra; i++) {
        /* identity columns come from the record; attribute columns are filled below */
        keys[1 + i] = i < u->n_id_cols ? rec->cols[i] : NULL;
        if (i < u->n_id_cols && !str_empty(rec->cols[i]))
            id_empty = FALSE;
    }

    ts_row_t *row = NULL;
    if (id_empty && u->n_id_cols > 0)
        row = (ts_row_t *)wmem_map_lookup(t->by_key, rec->key);   /* e.g. a response */
    if (!row) {
        guint before = t->n_rows;
        row = table_row(t, keys);
        if (!row)
            return FALSE;
        if (t->n_rows != before && row != t->overflow) {
            /* a new key: remember its group and make it the key's latest row */
            if (u->n_tables > 1)
                row->group = hot_group_row(u, keys + 1);
            wmem_map_insert(t->by_key, (void *)row->rkey->parts[0], row);   /* == rec->key */
            hot_set_filter(u, row, 0, def->n_key_cols);
        }
    }
    if (!row->touched) {
        row->touched = TRUE;
        if (row->group && row != t->overflow) {
            row->group->n_keys++;
            row_set_key_count(row->group);
        }
    }
    /* attribute columns (e.g. the user key): the first non-empty value seen */
    for (guint i = u->n_id_cols; i < n_extra; i++) {
        guint col = (guint)u->key_col[1 + i];
        if (!str_empty(rec->cols[i]) && row != t->overflow &&
            str_empty(row->cells[col].value.string_value))
            row_set_string(row, col, rec->cols[i]);
    }
    ts_row_t *rows[2] = { row, NULL };
    if (u->n_tables > 1) {
        rows[1] = row->group;
        if (!rows[1])   /* overflow row: count the record into the group its own columns name */
            rows[1] = hot_group_row(u, rec->cols);
    }
    hot_apply(u, t, rows, rec);
    return TRUE;
}

/* ============================================================================================
 * Service response time
 * ============================================================================================ */

typedef struct ts_srt_reg {
    int                 proto_id;
    const value_string *kinds;
    const char         *filter_field;
    int                 n_procs;
    char               *name;
    struct ts_srt_reg  *next;
} ts_srt_reg_t;

static ts_srt_reg_t *ts_srts;

static void ts_srt_init_cb(struct register_srt *srt, GArray *srt_array)
{
    int proto_id = get_srt_proto_id(srt);
    ts_srt_reg_t *r = ts_srts;
    while (r && r->proto_id != proto_id)
        r = r->next;
    if (!r)
        return;
    srt_stat_table *t = init_srt_table(r->name, NULL, srt_array, r->n_procs, "Command",
                                       r->filter_field, NULL);
    for (int i = 0; i < r->n_procs; i++) {
        const char *name = try_val_to_str((guint32)i, r->kinds);
        char buf[32];
        if (!name) {
            snprintf(buf, sizeof(buf), "Kind %d", i);
            name = buf;
        }
        init_srt_table_row(t, i, name);
    }
}

static tap_packet_status ts_srt_packet_cb(void *tapdata, packet_info *pinfo,
                                          epan_dissect_t *edt _U_, const void *data,
                                          tap_flags_t flags _U_)
{
    srt_data_t *sd = (srt_data_t *)tapdata;
    const ts_tap_rec_t *rec = (const ts_tap_rec_t *)data;
    if (!sd || !rec || !sd->srt_array || sd->srt_array->len == 0)
        return TAP_PACKET_DONT_REDRAW;
    if (rec->is_request || !rec->first_response || !rec->has_latency || rec->kind < 0)
        return TAP_PACKET_DONT_REDRAW;
    srt_stat_table *t = g_array_index(sd->srt_array, srt_stat_table *, 0);
    if (rec->kind >= t->num_procs)
        return TAP_PACKET_DONT_REDRAW;
    /* protocols with dynamic rows (HSF2 methods) name them from the record */
    if (rec->kind_name && g_strcmp0(t->procedures[rec->kind].procedure, rec->kind_name) != 0) {
        g_free(t->procedures[rec->kind].procedure);
        t->procedures[rec->kind].procedure = g_strdup(rec->kind_name);
    }
    /* add_srt_table_data() measures from a request time: rebuild it from the latency */
    double ms = rec->latency_ms < 0 ? 0 : rec->latency_ms;
    gint64 ns = (gint64)(ms * 1e6 + 0.5);
    nstime_t delta, req_time;
    delta.secs = (time_t)(ns / 1000000000);
    delta.nsecs = (int)(ns % 1000000000);
    nstime_delta(&req_time, &pinfo->abs_ts, &delta);
    add_srt_table_data(t, rec->kind, &req_time, pinfo);
    return TAP_PACKET_REDRAW;
}

void ts_stats_register_srt(int proto_id, const char *tap, const value_string *kinds,
                           const char *filter_field)
{
    if (proto_id < 0 || !kinds)
        return;
    int max = -1;
    for (const value_string *v = kinds; v->strptr; v++) {
        if ((int)v->value > max && v->value < TS_SRT_MAX_KINDS)
            max = (int)v->value;
    }
    if (max < 0)
        return;
    ts_srt_reg_t *r = wmem_new0(wmem_epan_scope(), ts_srt_reg_t);
    r->proto_id = proto_id;
    r->kinds = kinds;
    r->filter_field = filter_field;
    r->n_procs = max + 1;
    r->name = wmem_strdup_printf(wmem_epan_scope(), "%s Commands", proto_get_protocol_short_name(find_protocol_by_id(proto_id)));
    r->next = ts_srts;
    ts_srts = r;
    register_srt_table(proto_id, tap, 1, ts_srt_packet_cb, ts_srt_init_cb, NULL);
}

/* ============================================================================================
 * Export hook: read-only walk over the live tables and the SRT registrations, for the
 * machine-readable dump in stats-export.c (tshark -z troubleshark,export).
 * ============================================================================================ */

/* The merge role of every column of table number `ti` of u (see ts_export_role_t). */
static void export_roles(const ts_ui_t *u, guint ti, ts_export_table_t *et)
{
    for (guint c = 0; c < u->n_cols; c++) {
        et->roles[c] = u->kind == TS_UI_HOT ? TS_EXPORT_SUM : TS_EXPORT_VALUE;
        et->role_class[c] = 0;
    }
    for (guint k = 0; k < u->n_key_cols; k++) {
        ts_export_role_t r = TS_EXPORT_KEY;
        if (u->kind == TS_UI_HOT) {
            if (k == 0 && ti == 1)
                r = TS_EXPORT_KEYCOUNT;       /* totals: identified by the group columns */
            else if (k > u->n_id_cols)
                r = TS_EXPORT_ATTR;
        }
        et->roles[u->key_col[k]] = r;
    }
    if (u->rank_col >= 0)
        et->roles[u->rank_col] = TS_EXPORT_RANK;
    if (u->kind != TS_UI_HOT)
        return;
    if (u->filter_col >= 0)
        et->roles[u->filter_col] = TS_EXPORT_FILTER;
    if (u->metric_col[M_RESP] >= 0)
        et->roles[u->metric_col[M_RESP]] = TS_EXPORT_RESP;
    if (u->metric_col[M_UNANS] >= 0)
        et->roles[u->metric_col[M_UNANS]] = TS_EXPORT_UNANS;
    if (u->metric_col[M_LOST] >= 0)
        et->roles[u->metric_col[M_LOST]] = TS_EXPORT_LOST;
    for (guint k = 0; k < 2; k++) {
        if (u->class_col[0][k] >= 0) {
            et->roles[u->class_col[0][k]] = TS_EXPORT_AVG;
            et->role_class[u->class_col[0][k]] = k;
        }
        if (u->class_col[1][k] >= 0) {
            et->roles[u->class_col[1][k]] = TS_EXPORT_MAX;
            et->role_class[u->class_col[1][k]] = k;
        }
    }
}

void ts_stats_export_foreach_table(ts_export_table_cb cb, void *ud)
{
    for (ts_ui_t *u = ts_uis; u && cb; u = u->next) {
        if (!ui_tables_live(u))
            continue;
        ts_export_table_t et;
        memset(&et, 0, sizeof(et));
        et.cli = u->ui.cli_string;
        et.hot = u->kind == TS_UI_HOT;
        et.n_cols = u->n_cols;
        et.n_key_cols = u->n_key_cols;
        et.n_id_cols = u->n_id_cols;
        et.sort_col = u->sort_col;
        et.heading = u->ui.title;
        et.max_rows = max_rows();
        for (guint c = 0; c < u->n_cols; c++) {
            et.col_titles[c] = u->fields[c].column_name;
            et.col_formats[c] = u->formats[c];
            et.types[c] = u->types[c];
        }
        for (guint i = 0; i < u->n_tables; i++) {
            ts_table_t *t = u->tables[i];
            et.table_index = i;
            et.title = u->table_titles[i];
            export_roles(u, i, &et);
            cb(ud, &et, NULL);
            for (guint r = 0; r < t->st->num_elements; r++) {
                const ts_row_t *row = row_at(t, r);
                ts_export_row_t er;
                memset(&er, 0, sizeof(er));
                er.first_frame = row->first_frame;
                er.seq_no = row->seq_no;
                for (guint c = 0; c < u->n_cols; c++) {
                    if (u->types[c] == TS_CELL_STRING)
                        er.strs[c] = row->cells[c].value.string_value;
                    else
                        er.u[c] = row->vals[c].u;   /* raw 64 bits: u, i or f by type */
                }
                er.n_req = row->n_req;
                er.n_resp = row->n_resp;
                er.n_lost = row->n_lost;
                for (guint k = 0; k < 2; k++) {
                    er.lat_sum_ns[k] = row->lat_sum_ns[k];
                    er.lat_n[k] = row->lat_n[k];
                    er.lat_max[k] = row->lat_max[k];
                }
                er.n_keys = row->n_keys;
                er.scratch = row->scratch;
                er.scratch_size = row->scratch_size;
                cb(ud, &et, &er);
            }
        }
    }
}

void ts_stats_export_foreach_srt(ts_export_srt_cb cb, void *ud)
{
    for (ts_srt_reg_t *r = ts_srts; r && cb; r = r->next)
        cb(ud, r->proto_id, r->name, r->kinds, r->n_procs, r->filter_field);
}
