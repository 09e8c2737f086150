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
