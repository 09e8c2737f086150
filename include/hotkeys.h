/* hotkeys.h — the tap record every troubleshark dissector queues, and the statistics module that
 * turns those records into tables (Statistics menu + tshark -z) and service response times.
 *
 * Contract: a dissector registers a tap (register_tap("<proto>")) and queues one ts_tap_rec_t per
 * request PDU and per response PDU (allocated in pinfo->pool), whatever the tree. Responses carry
 * the key of the request they answer (taken from the matched transaction). A multi-record answer
 * sets `first_response` only on the record that first answers the request, so it is counted once.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TS_HOTKEYS_H
#define TS_HOTKEYS_H

#include "ts-compat.h"

#define TS_TAP_MAX_COLS 4

typedef struct ts_tap_rec {
    const char *proto;                  /* filter name of the protocol ("aerospike") */
    const char *key;                    /* the hot key (digest hex, service#method, topic…); NULL: not keyed */
    const char *cols[TS_TAP_MAX_COLS];  /* extra key columns (namespace, set, user key…); NULL = "" */
    gboolean is_request;
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
} ts_tap_rec_t;

/* Initialise a record with neutral values (kind = -1). */
void ts_tap_rec_init(ts_tap_rec_t *rec, const char *proto);

/* Metric columns a hot table may show, in this order after its key columns. */
typedef enum {
    TS_COL_REQUESTS   = 1 << 0,  /* request records */
    TS_COL_RESPONSES  = 1 << 1,  /* requests answered (first_response records) */
    TS_COL_UNANSWERED = 1 << 2,  /* requests - answered */
    TS_COL_ERRORS     = 1 << 3,  /* records with is_error */
    TS_COL_TIMEOUTS   = 1 << 4,  /* records with is_timeout */
    TS_COL_AVG_MS     = 1 << 5,  /* mean latency of first_response records with has_latency */
    TS_COL_MAX_MS     = 1 << 6,
    TS_COL_BYTES      = 1 << 7,  /* sum of bytes of requests and responses */
    TS_COL_COUNTER0   = 1 << 8,  /* sum of counter[0], titled counter_titles[0] */
    TS_COL_COUNTER1   = 1 << 9,
} ts_metric_cols_t;

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
} ts_hot_table_def_t;

/* Register a table (call from proto_register_*; def must have static storage). Rows are keyed by
 * (key, cols…) and sorted by Requests, descending, in tshark output. */
void ts_stats_register_hot_table(ts_hot_table_def_t *def);

/* Service response time (Statistics › Service Response Time › <proto>, tshark -z <proto>,srt):
 * rows by rec->kind, names from `kinds` (value_string indexed by kind). Call from proto_register. */
void ts_stats_register_srt(int proto_id, const char *tap, const value_string *kinds);

#endif /* TS_HOTKEYS_H */
