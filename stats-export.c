/* stats-export.c — machine-readable statistics: tshark -z troubleshark,export[,filter]
 *
 * Prints, at the end of a tshark run, every troubleshark table the other -z options of the same
 * run filled (hot keys, hot services, hot topics, Trade keepalive, services) and the service
 * response times of every protocol, as tab-separated lines carrying what an exact merge of
 * several runs needs: full-width counters, latency sums and counts (not only averages), maxima,
 * the frame that created each row, and SRT sums in nanoseconds. tools/troubleshark-parallel
 * merges the dumps of its shards with it; the format is documented in doc/statistics.md.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "stats.h"

#include <stdio.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>

#define TS_EXPORT_VERSION 2
#define TS_EXPORT_MAX_SRT 8          /* protocols with an SRT table */
#define TS_EXPORT_MAX_KINDS 256
#define TS_EXPORT_MAX_NAMES 4096       /* first-seen names kept per protocol */

typedef struct {
    guint64 calls, sum_ns, min_ns, max_ns;
    char   *name;                   /* dynamic name from the records (HSF2 methods), else NULL */
    guint32 name_frame;
} ts_export_kind_t;

typedef struct {
    const char         *tap;        /* the protocol's filter name (= its tap name) */
    const char         *name;       /* "<Proto> Commands" */
    const char         *filter_field;   /* tshark prints it as the table's "Filter:" */
    const value_string *kinds;
    int                 n_procs;
    ts_export_kind_t   *k;          /* n_procs entries */
    GHashTable         *first_seen; /* record kind_name -> first frame (rows numbered by the
                                     * dissector in order of appearance, e.g. HSF2 methods) */
    guint32             cur_frame;  /* frame of the last record, and the records seen in it: */
    guint32             cur_pos;    /* the order of names first seen in the same frame */
} ts_export_srt_t;

typedef struct {
    char            *filter;
    ts_export_srt_t  srt[TS_EXPORT_MAX_SRT];
    guint            n_srt;
} ts_export_t;

static void export_srt_add(void *ud, int proto_id, const char *name, const value_string *kinds,
                           int n_procs, const char *filter_field)
{
    ts_export_t *x = (ts_export_t *)ud;
    if (x->n_srt >= TS_EXPORT_MAX_SRT || n_procs <= 0 || n_procs > TS_EXPORT_MAX_KINDS)
        return;
    ts_export_srt_t *s = &x->srt[x->n_srt++];
    s->tap = proto_get_protocol_filter_name(proto_id);
    s->name = name;
    s->filter_field = filter_field;
    s->kinds = kinds;
    s->n_procs = n_procs;
    s->k = g_new0(ts_export_kind_t, n_procs);
    s->first_seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

/* One SRT sample per answered record, the same as the SRT table of the statistics module: the
 * latency rounded to nanoseconds exactly as it rebuilds the request time. */
static tap_packet_status export_srt_packet(void *tapdata, packet_info *pinfo,
                                           epan_dissect_t *edt _U_, const void *data,
                                           tap_flags_t flags _U_)
{
    ts_export_srt_t *s = (ts_export_srt_t *)tapdata;
    const ts_tap_rec_t *rec = (const ts_tap_rec_t *)data;
    if (!s || !rec)
        return TAP_PACKET_DONT_REDRAW;
    if (pinfo->num != s->cur_frame) {
        s->cur_frame = pinfo->num;
        s->cur_pos = 0;
    }
    s->cur_pos++;
    if (rec->kind_name && g_hash_table_size(s->first_seen) < TS_EXPORT_MAX_NAMES &&
        !g_hash_table_contains(s->first_seen, rec->kind_name)) {
        guint64 *at = g_new(guint64, 1);
        *at = (guint64)pinfo->num << 32 | s->cur_pos;
        g_hash_table_insert(s->first_seen, g_strndup(rec->kind_name, 256), at);
    }
    if (rec->is_request || !rec->first_response || !rec->has_latency ||
        rec->kind < 0 || rec->kind >= s->n_procs)
        return TAP_PACKET_DONT_REDRAW;
    ts_export_kind_t *k = &s->k[rec->kind];
    double ms = rec->latency_ms < 0 ? 0 : rec->latency_ms;
    guint64 ns = (guint64)(gint64)(ms * 1e6 + 0.5);
    if (k->calls == 0 || ns < k->min_ns)
        k->min_ns = ns;
    if (k->calls == 0 || ns > k->max_ns)
        k->max_ns = ns;
    k->calls++;
    k->sum_ns += ns;
    if (rec->kind_name && g_strcmp0(k->name, rec->kind_name) != 0) {
        g_free(k->name);
        k->name = g_strndup(rec->kind_name, 256);
        k->name_frame = pinfo->num;
    }
    return TAP_PACKET_DONT_REDRAW;
}

/* Strings never contain tabs or newlines (cells are sanitised), but names from records might. */
static void put_str(const char *s)
{
    for (; s && *s; s++)
        putchar(((guchar)*s < 0x20 || *s == 0x7f) ? '.' : *s);
}

static char type_char(ts_cell_type_t t)
{
    switch (t) {
    case TS_CELL_UINT:   return 'u';
    case TS_CELL_INT:    return 'i';
    case TS_CELL_FLOAT:  return 'f';
    case TS_CELL_DURATION: return 'd';
    case TS_CELL_STRING:
    default:             return 's';
    }
}

/* The name of a column's merge role in the T line (doc/statistics.md). */
static const char *role_name(ts_export_role_t r, guint cls)
{
    switch (r) {
    case TS_EXPORT_RANK:     return "rank";
    case TS_EXPORT_KEY:      return "key";
    case TS_EXPORT_ATTR:     return "attr";
    case TS_EXPORT_KEYCOUNT: return "keys";
    case TS_EXPORT_FILTER:   return "filter";
    case TS_EXPORT_SUM:      return "sum";
    case TS_EXPORT_RESP:     return "resp";
    case TS_EXPORT_UNANS:    return "unans";
    case TS_EXPORT_LOST:     return "lost";
    case TS_EXPORT_AVG:      return cls ? "avg1" : "avg0";
    case TS_EXPORT_MAX:      return cls ? "max1" : "max0";
    case TS_EXPORT_VALUE:
    default:                 return "value";
    }
}

static void export_table_cb(void *ud _U_, const ts_export_table_t *t, const ts_export_row_t *row)
{
    if (!row) {
        printf("T\t%s\t%u\t", t->cli, t->table_index);
        put_str(t->title);
        printf("\t%d\t%d\t%u\t", t->hot ? 1 : 0, t->sort_col, t->max_rows);
        put_str(t->heading);
        for (guint c = 0; c < t->n_cols; c++) {
            printf("\t%c:%s:", type_char(t->types[c]), role_name(t->roles[c], t->role_class[c]));
            put_str(t->col_formats[c]);
            putchar(':');
            put_str(t->col_titles[c]);
        }
        putchar('\n');
        return;
    }
    printf("R\t%u\t%u", row->first_frame, row->seq_no);
    for (guint c = 0; c < t->n_cols; c++) {
        putchar('\t');
        switch (t->types[c]) {
        case TS_CELL_UINT:
            printf("%" G_GUINT64_FORMAT, row->u[c]);
            break;
        case TS_CELL_INT:
            printf("%" G_GINT64_FORMAT, (gint64)row->u[c]);
            break;
        case TS_CELL_FLOAT:
        case TS_CELL_DURATION: {    /* duration: seconds; the text is made from them */
            double f;
            memcpy(&f, &row->u[c], sizeof(f));
            printf("%.17g", f);
            break;
        }
        case TS_CELL_STRING:
        default:
            put_str(row->strs[c]);
            break;
        }
    }
    if (t->hot) {
        printf("\t%" G_GUINT64_FORMAT "\t%" G_GUINT64_FORMAT "\t%" G_GUINT64_FORMAT,
               row->n_req, row->n_resp, row->n_lost);
        for (guint k = 0; k < 2; k++)
            printf("\t%" G_GINT64_FORMAT "\t%" G_GUINT64_FORMAT "\t%.17g", row->lat_sum_ns[k],
                   row->lat_n[k], row->lat_max[k]);
        printf("\t%" G_GUINT64_FORMAT, row->n_keys);
    }
    putchar('\n');
}

static void export_draw(void *tapdata)
{
    ts_export_t *x = (ts_export_t *)tapdata;
    printf("#troubleshark-export %d\n", TS_EXPORT_VERSION);
    if (x->filter) {
        printf("F\t");
        put_str(x->filter);
        putchar('\n');
    }
    ts_stats_export_foreach_table(export_table_cb, NULL);
    for (guint i = 0; i < x->n_srt; i++) {
        ts_export_srt_t *s = &x->srt[i];
        printf("P\t%s\t", s->tap);
        put_str(s->name);
        putchar('\t');
        put_str(s->filter_field);
        putchar('\n');
        for (int k = 0; k < s->n_procs; k++) {
            const ts_export_kind_t *e = &s->k[k];
            if (!e->calls)
                continue;
            const char *name = e->name ? e->name : try_val_to_str((guint32)k, s->kinds);
            printf("S\t%s\t%d\t", s->tap, k);
            if (name)
                put_str(name);
            else
                printf("Kind %d", k);
            printf("\t%" G_GUINT64_FORMAT "\t%" G_GUINT64_FORMAT "\t%" G_GUINT64_FORMAT "\t%"
                   G_GUINT64_FORMAT "\t%u\n", e->calls, e->min_ns, e->max_ns, e->sum_ns,
                   e->name_frame);
        }
        GHashTableIter it;
        gpointer name, frame;
        g_hash_table_iter_init(&it, s->first_seen);
        while (g_hash_table_iter_next(&it, &name, &frame)) {
            printf("N\t%s\t", s->tap);
            put_str((const char *)name);
            guint64 at = *(const guint64 *)frame;
            printf("\t%u\t%u\n", (guint32)(at >> 32), (guint32)at);
        }
    }
    printf("#end\n");
    fflush(stdout);
}

static tap_packet_status export_frame_packet(void *tapdata _U_, packet_info *pinfo _U_,
                                             epan_dissect_t *edt _U_, const void *data _U_,
                                             tap_flags_t flags _U_)
{
    return TAP_PACKET_DONT_REDRAW;
}

static TS_STAT_TAP_INIT_RET export_init(const char *opt_arg, void *userdata _U_)
{
    static const char prefix[] = "troubleshark,export";
    ts_export_t *x = g_new0(ts_export_t, 1);
    const char *filter = NULL;
    if (opt_arg && strncmp(opt_arg, prefix, sizeof(prefix) - 1) == 0 &&
        opt_arg[sizeof(prefix) - 1] == ',' && opt_arg[sizeof(prefix)] != '\0')
        filter = opt_arg + sizeof(prefix);
    x->filter = g_strdup(filter);
    ts_stats_export_foreach_srt(export_srt_add, x);
    for (guint i = 0; i < x->n_srt; i++) {
        GString *err = register_tap_listener(x->srt[i].tap, &x->srt[i], x->filter, 0, NULL,
                                             export_srt_packet, NULL, NULL);
        if (err) {
            fprintf(stderr, "tshark: -z troubleshark,export: %s\n", err->str);
            g_string_free(err, TRUE);
            TS_STAT_TAP_INIT_RETURN(FALSE);
        }
    }
    /* the dump itself: drawn once at the end, after every table is complete */
    GString *err = register_tap_listener("frame", x, NULL, TL_REQUIRES_NOTHING, NULL,
                                         export_frame_packet, export_draw, NULL);
    if (err) {
        fprintf(stderr, "tshark: -z troubleshark,export: %s\n", err->str);
        g_string_free(err, TRUE);
        TS_STAT_TAP_INIT_RETURN(FALSE);
    }
    TS_STAT_TAP_INIT_RETURN(TRUE);
}

void ts_stats_export_register(void)
{
    static gboolean done;
    static stat_tap_ui ui = {
        REGISTER_STAT_GROUP_GENERIC, NULL, "troubleshark,export", export_init, 0, NULL
    };
    if (done)
        return;
    done = TRUE;
    register_stat_tap_ui(&ui, NULL);
}
