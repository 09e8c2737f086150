/* test_transactions.c — the nstime-from-milliseconds helpers of transactions.c, whose sign
 * conventions the dissectors rely on (FT_RELATIVE_TIME wants secs and nsecs of one sign,
 * FT_ABSOLUTE_TIME wants 0 <= nsecs < 1 s), and ts_trans_open_add(): the list of open
 * requests stays bounded while every unanswered request stays in it; ts_seq_pos_advance().
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include "transactions.h"

static int passed, failed;

static void check(const char *what, nstime_t got, time_t secs, int nsecs)
{
    if (got.secs == secs && got.nsecs == nsecs) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL %s: got {%lld, %d}, want {%lld, %d}\n", what, (long long)got.secs, got.nsecs,
                (long long)secs, nsecs);
    }
}

static void ok(const char *what, gboolean cond)
{
    if (cond) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL %s\n", what);
    }
}

/* 10000 requests, all but every 100th answered before the next one: the list keeps the 100
 * unanswered ones (in order) and never grows past a few hundred nodes. */
static void check_open_add(void)
{
    wmem_allocator_t *a = wmem_allocator_new(WMEM_ALLOCATOR_SIMPLE);
    wmem_list_t *open = wmem_list_new(a);
    guint limit = 0, most = 0, unanswered = 0, in_order = 1;
    ts_trans_t *t = wmem_alloc0_array(a, ts_trans_t, 10000);
    for (guint i = 0; i < 10000; i++) {
        t[i].req_frame = i + 1;
        ts_trans_open_add(open, &limit, &t[i]);
        if (i % 100 != 0)
            t[i].rsp_frame = i + 2;
        most = MAX(most, wmem_list_count(open));
    }
    for (wmem_list_frame_t *f = wmem_list_head(open); f; f = wmem_list_frame_next(f)) {
        ts_trans_t *x = (ts_trans_t *)wmem_list_frame_data(f);
        if (!x->rsp_frame)
            in_order &= x->req_frame == 100 * unanswered++ + 1;
    }
    ok("open list keeps every unanswered request", unanswered == 100 && in_order);
    ok("open list stays bounded", most <= 512);
    wmem_destroy_allocator(a);
}

/* ts_seq_pos_advance(): in order, a gap, a retransmission behind the point, a wrap of the 32-bit
 * sequence space. */
static void check_seq_pos(void)
{
    ts_seq_pos_t p = { 0, FALSE };
    ok("first segment is no gap", !ts_seq_pos_advance(&p, 1000, 1100) && p.known && p.end == 1100);
    ok("next segment in order", !ts_seq_pos_advance(&p, 1100, 1200) && p.end == 1200);
    ok("segment after missing bytes is a gap", ts_seq_pos_advance(&p, 1300, 1400) && p.end == 1400);
    ok("late segment behind the point: no gap, point stays", !ts_seq_pos_advance(&p, 1200, 1300) && p.end == 1400);
    p.end = 0xFFFFFF00u;
    ok("wrap: in order across 2^32", !ts_seq_pos_advance(&p, 0xFFFFFF00u, 0x100u) && p.end == 0x100u);
    ok("wrap: gap after 2^32", ts_seq_pos_advance(&p, 0x200u, 0x300u) && p.end == 0x300u);
}

int main(void)
{
    wmem_init();
    check_open_add();
    check_seq_pos();
    check("unsigned 0", ts_nstime_from_ms(0), 0, 0);
    check("unsigned 1999", ts_nstime_from_ms(1999), 1, 999000000);
    check("unsigned HLC-sized", ts_nstime_from_ms(G_GUINT64_CONSTANT(1700000000123)), 1700000000, 123000000);
    check("unsigned above 2^63", ts_nstime_from_ms(G_GUINT64_CONSTANT(0xFFFFFFFFFFFFFFFF)),
          (time_t)(G_GUINT64_CONSTANT(0xFFFFFFFFFFFFFFFF) / 1000), 615000000);

    check("duration +1500", ts_nstime_from_signed_ms(1500), 1, 500000000);
    check("duration -1500", ts_nstime_from_signed_ms(-1500), -1, -500000000);
    check("duration -500", ts_nstime_from_signed_ms(-500), 0, -500000000);
    check("duration min", ts_nstime_from_signed_ms(G_MININT64), G_MININT64 / 1000, (int)(G_MININT64 % 1000) * 1000000);

    check("time +1500", ts_nstime_from_epoch_ms(1500), 1, 500000000);
    check("time -1500", ts_nstime_from_epoch_ms(-1500), -2, 500000000);
    check("time -1000", ts_nstime_from_epoch_ms(-1000), -1, 0);

    wmem_cleanup();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
