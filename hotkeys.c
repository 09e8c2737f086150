/* hotkeys.c — statistics tables fed by the dissectors' taps (see hotkeys.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "hotkeys.h"

void ts_tap_rec_init(ts_tap_rec_t *rec, const char *proto)
{
    memset(rec, 0, sizeof(*rec));
    rec->proto = proto;
    rec->kind = -1;
}

void ts_stats_register_hot_table(ts_hot_table_def_t *def)
{
    (void)def; /* implemented with issue 5 */
}

void ts_stats_register_srt(int proto_id, const char *tap, const value_string *kinds)
{
    (void)proto_id; (void)tap; (void)kinds; /* implemented with issue 5 */
}

/* Generic tables: stubs until issue 5's implementation lands. */
void ts_stats_register_table(ts_table_def_t *def) { (void)def; }
ts_row_t *ts_table_row(ts_table_t *table, const char *const *keys) { (void)table; (void)keys; return NULL; }
void ts_row_add_uint(ts_row_t *row, guint col, guint64 v) { (void)row; (void)col; (void)v; }
void ts_row_add_int(ts_row_t *row, guint col, gint64 v) { (void)row; (void)col; (void)v; }
void ts_row_set_uint(ts_row_t *row, guint col, guint64 v) { (void)row; (void)col; (void)v; }
void ts_row_set_int(ts_row_t *row, guint col, gint64 v) { (void)row; (void)col; (void)v; }
void ts_row_set_float(ts_row_t *row, guint col, double v) { (void)row; (void)col; (void)v; }
void ts_row_set_string(ts_row_t *row, guint col, const char *v) { (void)row; (void)col; (void)v; }
guint64 ts_row_get_uint(ts_row_t *row, guint col) { (void)row; (void)col; return 0; }
gint64 ts_row_get_int(ts_row_t *row, guint col) { (void)row; (void)col; return 0; }
double ts_row_get_float(ts_row_t *row, guint col) { (void)row; (void)col; return 0; }
void *ts_row_scratch(ts_row_t *row, gsize size) { (void)row; (void)size; return NULL; }
