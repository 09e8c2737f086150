/* stats.h — the tap record every troubleshark dissector queues, and the statistics module that
 * turns those records into tables (Statistics menu + tshark -z) and service response times.
 *
 * Contract: a dissector registers a tap (register_tap("<proto>")) and queues one ts_tap_rec_t per
 * request PDU and per response PDU (allocated in pinfo->pool), whatever the tree. Responses carry
 * the key of the request they answer (taken from the matched transaction). A multi-record answer
 * sets `first_response` only on the record that first answers the request, so it is counted once.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TS_STATS_H
#define TS_STATS_H

#include "ts-compat.h"
#include "transactions.h"

#define TS_TAP_MAX_COLS 4

typedef struct ts_tap_rec {
    const char *proto;                  /* filter name of the protocol ("aerospike") */
    const char *key;                    /* the hot key (digest hex, service#method, topic…); NULL: not keyed */
    const char *cols[TS_TAP_MAX_COLS];  /* extra key columns (namespace, set, user key…); NULL = "" */
    gboolean is_request;
    /* request records: the request's transaction (file scope), or NULL. Its outcome is final by
     * the time a table is drawn (rsp_frame, rsp_lost), even when a display filter kept the
     * response records away from the table. Response records may carry their matched
     * transaction too: a request counted before its answer was known is then resolved. */
    const ts_trans_t *trans;
    gboolean first_response;  /* response: the first (or only) record answering a known request */
    gboolean answered;        /* response: matched to a request in the capture */
    gboolean has_latency;     /* latency_ms is valid (responses with a request) */
    double   latency_ms;
    guint32  status;          /* protocol status / result code */
    gboolean is_error;        /* status is an error */
    gboolean is_timeout;      /* answered after the request's own timeout (HSF2) */
    guint32  bytes;           /* PDU size on the wire */
    guint64  counter[2];      /* protocol-defined sums (e.g. RocketMQ messages sent / pulled) */
    int      kind;            /* service-response-time row (command kind), -1 = none */
    const char *kind_name;    /* display name of that row */
    const char *table;        /* only for tables whose def->only_table matches; NULL = all */
    int      lat_class;       /* hot tables with class_names: 0 or 1 (e.g. send / pull) for the
                               * latency and error columns; -1 = in neither */
} ts_tap_rec_t;

/* Initialise a record with neutral values (kind = -1, lat_class = -1). */
void ts_tap_rec_init(ts_tap_rec_t *rec, const char *proto);

/* Metric columns a hot table may show. Layout of a hot table: Rank (1 = most requests, the
 * order tshark prints), Requests, the key, the other metric columns, the other key columns, then
 * "Filter" (the
 * display filter selecting the row's transactions). Requests/Responses/Unanswered/Lost and the
 * latency describe the transactions of the request records that passed the display filter
 * (answered or not is taken from the request's transaction, so a filter that drops the
 * responses does not make them unanswered); Errors, Timeouts, Bytes and the counters count the
 * records that passed it. */
typedef enum {
    TS_COL_REQUESTS   = 1 << 0,  /* request records */
    TS_COL_RESPONSES  = 1 << 1,  /* of those, answered in the capture */
    TS_COL_UNANSWERED = 1 << 2,  /* of those, no response in the capture (not lost) */
    TS_COL_ERRORS     = 1 << 3,  /* records with is_error */
    TS_COL_TIMEOUTS   = 1 << 4,  /* records with is_timeout */
    TS_COL_AVG_MS     = 1 << 5,  /* mean response time of the answered requests */
    TS_COL_MAX_MS     = 1 << 6,
    TS_COL_BYTES      = 1 << 7,  /* sum of bytes of requests and responses */
    TS_COL_COUNTER0   = 1 << 8,  /* sum of counter[0], titled counter_titles[0] */
    TS_COL_COUNTER1   = 1 << 9,
    TS_COL_LOST       = 1 << 10, /* of the requests, response lost in a capture gap (rsp_lost) */
} ts_metric_cols_t;

/* How a key column's value is written in the row's display filter. */
typedef enum {
    TS_FILTER_NONE = 0,   /* not part of the filter */
    TS_FILTER_STRING,     /* field == "value" */
    TS_FILTER_BYTES,      /* value is hex text: field == 01:02:... */
    TS_FILTER_NUMBER,     /* value is a number: field == value */
} ts_filter_kind_t;

typedef struct ts_key_filter {
    const char      *field;    /* display filter field, e.g. "aerospike.digest" */
    ts_filter_kind_t kind;
    const char      *absent;   /* this value means "field not present": !field (NULL: none) */
} ts_key_filter_t;

typedef struct ts_hot_table_def {
    const char *title;          /* dialog + menu title, e.g. "Aerospike Hot Keys" */
    const char *cli;            /* tshark -z name, e.g. "aerospike,hotkeys" */
    const char *tap;            /* tap name the dissector queues to */
    const char *filter_prefix;  /* e.g. "aerospike." */
    const char *only_table;     /* count only records whose rec->table equals this (NULL: any) */
    guint       n_key_cols;     /* 1 (key) + extra cols used */
    const char *key_titles[1 + TS_TAP_MAX_COLS];   /* "Key", "Namespace", "Set", "User key" */
    guint32     metrics;        /* ts_metric_cols_t bits */
    const char *counter_titles[2];
    /* optional second table in the same dialog: totals grouped by cols[0..n_group_cols-1] */
    const char *group_title;    /* e.g. "Namespace/Set totals"; NULL = none */
    guint       n_group_cols;
    /* the row's "Filter" cell: one term per key column (key first), joined with && */
    ts_key_filter_t key_filters[1 + TS_TAP_MAX_COLS];
    /* non-NULL: the latency and error columns are split in two, per rec->lat_class, and titled
     * "<name> avg ms", "<name> max ms", "<name> errors" (e.g. "Send", "Pull") */
    const char *class_names[2];
} ts_hot_table_def_t;

/* Register a table (call from proto_register_*; def must have static storage). Rows are keyed by
 * (key, cols…), ranked by Requests, descending, and printed in rank order by tshark. Keys beyond
 * the row limit (preference troubleshark.hot_table_max_rows) are counted in one "(other keys)"
 * row, always the last one. */
void ts_stats_register_hot_table(ts_hot_table_def_t *def);

/* Service response time (Statistics › Service Response Time › <proto>, tshark -z <proto>,srt):
 * rows by rec->kind, names from `kinds` (value_string indexed by kind). filter_field: the field
 * whose value is the row index (the dialog's Apply/Prepare as Filter writes filter_field==index),
 * NULL when there is none. Call from proto_register. */
void ts_stats_register_srt(int proto_id, const char *tap, const value_string *kinds,
                           const char *filter_field);

/* Row limit of the tables (preference troubleshark.hot_table_max_rows; 0 = default). */
#define TS_STATS_DEFAULT_MAX_ROWS 65536u
void ts_stats_set_max_rows(guint n);
/* Register the statistics preferences in the troubleshark module (from its proto_register). */
void ts_stats_register_prefs(module_t *module);

/* ---- Generic tables (for statistics that are not "hot keys", e.g. Trade keepalive) ----------
 * The module owns the stat_tap_table_ui plumbing (menu entry, -z name, filter parameter, reset on
 * retap, string cells freed, rows found by key, tshark output sorted by sort_col descending).
 * The protocol supplies the columns and a callback that folds one tap record into its row(s). */
/* TS_CELL_DURATION: seconds (set with ts_row_set_float, sorted as a number), shown as text with
 * a unit and one decimal: "3.0 ms" below one second, "35.3 s" from one second on. */
typedef enum { TS_CELL_UINT, TS_CELL_INT, TS_CELL_FLOAT, TS_CELL_STRING, TS_CELL_DURATION } ts_cell_type_t;

typedef struct ts_col_def {
    const char    *title;
    ts_cell_type_t type;
} ts_col_def_t;

#define TS_TABLE_MAX_COLS 20

typedef struct ts_table ts_table_t;        /* one table of a dialog */
typedef struct ts_row ts_row_t;            /* one row */

typedef struct ts_table_def {
    const char *title;          /* dialog/menu title; also the title of the first table */
    const char *cli;            /* tshark -z name */
    const char *tap;            /* tap name */
    const char *filter_prefix;
    guint       n_cols;
    ts_col_def_t cols[TS_TABLE_MAX_COLS];
    guint       n_key_cols;     /* the first n_key_cols columns (strings) identify a row */
    int         sort_col;       /* tshark output sorted by this column, descending; -1 = insertion order */
    const char *extra_table_title;   /* optional second table in the same dialog (NULL = none) */
    /* Fold one record into the table(s): find rows with ts_table_row(tables[0 or 1], keys) and
     * update cells. Return TRUE when something changed. */
    gboolean  (*packet)(ts_table_t *tables[2], packet_info *pinfo, const void *rec);
    /* TRUE: a "Rank" column (1 = first in sort_col order, as tshark prints) is shown first. The
     * protocol's column numbers (cols[], ts_row_*) do not count it. */
    gboolean    ranked;
    /* non-zero: the key columns are these (bit c = cols[c]) instead of the first n_key_cols;
     * ts_table_row() takes their values in column order */
    guint32     key_mask;
} ts_table_def_t;

void ts_stats_register_table(ts_table_def_t *def);

/* Row of `table` identified by keys[0..n_key_cols-1] (NULL = ""), created when missing with all
 * numeric cells 0. */
ts_row_t *ts_table_row(ts_table_t *table, const char *const *keys);
void     ts_row_add_uint(ts_row_t *row, guint col, guint64 v);
void     ts_row_add_int(ts_row_t *row, guint col, gint64 v);
void     ts_row_set_uint(ts_row_t *row, guint col, guint64 v);
void     ts_row_set_float(ts_row_t *row, guint col, double v);
void     ts_row_set_string(ts_row_t *row, guint col, const char *v);   /* copied */
guint64  ts_row_get_uint(ts_row_t *row, guint col);
double   ts_row_get_float(ts_row_t *row, guint col);
/* Per-row scratch space for the protocol (e.g. latency sums), zeroed, freed with the row. */
void    *ts_row_scratch(ts_row_t *row, gsize size);

/* ---- Export hook (stats-export.c: tshark -z troubleshark,export) ----------------------------
 * A read-only walk over the tables of the current run, with the state exact merging needs. */
/* What a column is to a merge of several runs: identity, a number to fold, or a cell derived
 * from the row state (recomputed after merging). */
typedef enum {
    TS_EXPORT_VALUE = 0,  /* generic tables: the protocol's value */
    TS_EXPORT_RANK,       /* derived: 1 = first in sort order (the order tshark prints) */
    TS_EXPORT_KEY,        /* identifies the row */
    TS_EXPORT_ATTR,       /* hot: key column that does not identify the row (first value seen) */
    TS_EXPORT_KEYCOUNT,   /* hot totals: the key cell, "<n> keys" (distinct keys of the group) */
    TS_EXPORT_FILTER,     /* hot: display filter of the row (a function of its key columns) */
    TS_EXPORT_SUM,        /* hot: a counter, summed */
    TS_EXPORT_RESP,       /* derived: n_resp */
    TS_EXPORT_UNANS,      /* derived: max(n_req - n_resp - n_lost, 0) */
    TS_EXPORT_LOST,       /* derived: n_lost */
    TS_EXPORT_AVG,        /* derived: lat_sum_ns[class] / lat_n[class] / 1e6, 0 without samples */
    TS_EXPORT_MAX,        /* derived: lat_max[class], 0 without samples */
} ts_export_role_t;

typedef struct ts_export_table {
    const char    *cli;          /* -z name of the UI */
    const char    *heading;      /* what tshark prints before the tables ("Troubleshark · ...") */
    const char    *title;        /* title of this table (first or second of the UI) */
    guint          table_index;  /* 0 or 1 */
    gboolean       hot;          /* hot-key table (row state below is meaningful) */
    guint          n_cols, n_key_cols;
    guint          n_id_cols;    /* hot: key columns after the key that identify a row */
    int            sort_col;     /* -1: insertion order */
    guint          max_rows;     /* rows per table, the "(other keys)" row included */
    const char    *col_titles[TS_TABLE_MAX_COLS];
    const char    *col_formats[TS_TABLE_MAX_COLS];   /* printf format tshark prints a cell with */
    ts_cell_type_t types[TS_TABLE_MAX_COLS];
    ts_export_role_t roles[TS_TABLE_MAX_COLS];
    guint          role_class[TS_TABLE_MAX_COLS];   /* TS_EXPORT_AVG/MAX: latency class 0 or 1 */
} ts_export_table_t;

typedef struct ts_export_row {
    guint32     first_frame;                 /* frame that created the row */
    guint32     seq_no;                      /* creation order in its table (ties of first_frame) */
    const char *strs[TS_TABLE_MAX_COLS];     /* string cells */
    guint64     u[TS_TABLE_MAX_COLS];        /* numeric cells, full width: bits of guint64/gint64/double */
    guint64     n_req, n_resp, n_lost, n_keys;
    guint64     lat_n[2];                    /* per latency class (class 1 only when the table
                                              * has class_names, e.g. RocketMQ send / pull) */
    gint64      lat_sum_ns[2];               /* sum of latencies, whole ns */
    double      lat_max[2];
    const void *scratch;                     /* the protocol's per-row scratch (may be NULL) */
    gsize       scratch_size;
} ts_export_row_t;

/* row == NULL: start of a table */
typedef void (*ts_export_table_cb)(void *ud, const ts_export_table_t *t, const ts_export_row_t *row);
typedef void (*ts_export_srt_cb)(void *ud, int proto_id, const char *name, const value_string *kinds,
                                 int n_procs, const char *filter_field);
void ts_stats_export_foreach_table(ts_export_table_cb cb, void *ud);
void ts_stats_export_foreach_srt(ts_export_srt_cb cb, void *ud);
void ts_stats_export_register(void);   /* stats-export.c; idempotent */

#endif /* TS_STATS_H */
