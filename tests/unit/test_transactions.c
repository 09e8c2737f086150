/* test_transactions.c — the nstime-from-milliseconds helpers of transactions.c, whose sign
 * conventions the dissectors rely on (FT_RELATIVE_TIME wants secs and nsecs of one sign,
 * FT_ABSOLUTE_TIME wants 0 <= nsecs < 1 s), and ts_trans_open_add(): the list of open
 * requests stays bounded while every unanswered request stays in it; ts_seq_pos_advance(); the
 * transaction of each PDU (ts_trans_request/response remember it, ts_trans_lookup finds it on any
 * later pass): across the index's chunks, for PDU indexes above its byte, for a PDU met out of
 * frame order, for a PDU recorded twice; the compact request and response times.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include "transactions.h"

#include <epan/epan.h>
#include <epan/frame_data.h>
#include <epan/packet_info.h>
#include <wiretap/wtap.h>
#include <wsutil/privileges.h>

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


/* A fake first pass: frames 1..N with 1, 2 or 3 PDUs each (more than one chunk of links), a
 * request and its response per pair of PDUs; then every PDU is looked up as a later pass would. */
#define LINK_FRAMES 6000u
static void check_links(void)
{
    const int proto = 4242;
    frame_data *fd = g_new0(frame_data, LINK_FRAMES + 2);
    ts_trans_t **want = g_new0(ts_trans_t *, (LINK_FRAMES + 2) * 4);
    ts_trans_table_t *tbl = ts_trans_table_new(proto, TS_TRANS_BY_ID);
    packet_info pinfo;
    guint64 id = 1;
    guint wrong = 0, missing = 0, early = 0;
    ts_trans_t *open = NULL, *t, *late, *big, *twice;

    memset(&pinfo, 0, sizeof(pinfo));
    pinfo.pool = wmem_allocator_new(WMEM_ALLOCATOR_SIMPLE);
    for (guint32 f = 1; f <= LINK_FRAMES; f++) {
        pinfo.fd = &fd[f];
        pinfo.num = fd[f].num = f;
        for (guint i = 0; i < 1 + f % 3; i++) {
            early += ts_trans_lookup(&pinfo, proto, i) != NULL;
            if (!open) {
                open = want[f * 4 + i] = ts_trans_request(&pinfo, tbl, 0, id, i);
            } else {
                want[f * 4 + i] = ts_trans_response(&pinfo, tbl, 0, id++, TRUE, i);
                wrong += want[f * 4 + i] != open;
                open = NULL;
            }
        }
    }
    ok("first pass: no PDU is found before it is recorded", early == 0);
    for (guint32 f = 1; f <= LINK_FRAMES; f++) {
        pinfo.fd = &fd[f];
        pinfo.num = f;
        for (guint i = 0; i < 4; i++) {
            t = ts_trans_lookup(&pinfo, proto, i);
            if (i < 1 + f % 3) {
                missing += t == NULL;
                wrong += t != want[f * 4 + i];
            } else {
                wrong += t != NULL;
            }
        }
    }
    ok("every PDU of 6000 frames finds its transaction, and no other", wrong == 0 && missing == 0);

    /* a PDU index the index's byte cannot hold, then a frame met out of order (earlier number):
     * both are kept apart, and still found */
    pinfo.fd = &fd[LINK_FRAMES + 1];
    pinfo.num = fd[LINK_FRAMES + 1].num = LINK_FRAMES + 1;
    big = ts_trans_request(&pinfo, tbl, 0, 900000, 300);
    pinfo.fd = &fd[5];
    pinfo.num = 5;
    late = ts_trans_request(&pinfo, tbl, 0, 900001, 3);
    pinfo.fd = &fd[LINK_FRAMES + 1];
    pinfo.num = LINK_FRAMES + 1;
    ok("PDU index 300 is found", ts_trans_lookup(&pinfo, proto, 300) == big);
    ok("no PDU 299", ts_trans_lookup(&pinfo, proto, 299) == NULL);
    pinfo.fd = &fd[5];
    pinfo.num = 5;
    ok("a PDU met out of frame order is found", ts_trans_lookup(&pinfo, proto, 3) == late);
    ok("the frame's own PDUs are unchanged", ts_trans_lookup(&pinfo, proto, 0) == want[5 * 4]);

    /* the same PDU recorded twice: the newest transaction wins (as with proto data) */
    pinfo.fd = &fd[LINK_FRAMES + 1];
    pinfo.num = LINK_FRAMES + 1;
    ts_trans_request(&pinfo, tbl, 0, 900002, 0);
    twice = ts_trans_request(&pinfo, tbl, 0, 900003, 0);
    ok("a PDU recorded twice gives the newest transaction", ts_trans_lookup(&pinfo, proto, 0) == twice);

    /* what a dissector keeps of a request follows its transaction: zeroed, 8-byte aligned, and
     * only there when asked for */
    {
        ts_trans_t *wd = ts_trans_request_with_data(&pinfo, tbl, 1, 900004, 1, 24);
        guint64 *d = (guint64 *)ts_trans_req_data(wd);
        ts_trans_t *orphan = ts_trans_new(16), *bare = ts_trans_new(0);
        ok("request data follows the transaction", d == (guint64 *)(wd + 1));
        ok("request data is 8-byte aligned and zeroed",
           d && ((guintptr)d % 8) == 0 && d[0] == 0 && d[1] == 0 && d[2] == 0);
        ok("the data survives the match", (d[2] = 7, ts_trans_response(&pinfo, tbl, 1, 900004, TRUE, 2) == wd) &&
           ts_trans_req_data(wd) == d && d[2] == 7);
        ok("a plain request has no data", ts_trans_req_data(twice) == NULL);
        ok("a transaction in no table can carry data", ts_trans_req_data(orphan) == (void *)(orphan + 1) &&
           orphan->req_frame == 0 && orphan->rsp_frame == 0);
        ok("without data, none", ts_trans_req_data(bare) == NULL && ts_trans_req_data(NULL) == NULL);
    }
    ok("another protocol has no links here", ts_trans_lookup(&pinfo, proto + 1, 0) == NULL);

    for (guint32 f = 0; f < LINK_FRAMES + 2; f++)
        g_slist_free(fd[f].pfd);
    wmem_destroy_allocator(pinfo.pool);
    g_free(want);
    g_free(fd);
}

/* The compact times of a transaction: request time, first response as an offset from it. */
static void check_trans_times(void)
{
    ts_trans_t t;
    nstime_t req = { 10, 900000000 }, rsp = { 11, 100000000 }, back = { 9, 950000000 };
    nstime_t far = { (time_t)G_MAXINT64, 0 }, before = { (time_t)G_MININT64, 0 };
    memset(&t, 0, sizeof(t));
    ts_trans_set_req_time(&t, &req);
    check("request time", ts_trans_req_time(&t), 10, 900000000);
    ts_trans_set_rsp_time(&t, &rsp);
    check("response delta", ts_trans_rsp_delta(&t), 0, 200000000);
    ts_trans_set_rsp_time(&t, &back);    /* timestamps going backwards */
    check("negative delta", ts_trans_rsp_delta(&t), 0, -950000000);
    ts_trans_set_rsp_time(&t, &far);     /* hostile: clamped, no overflow */
    ok("huge delta clamped", ts_trans_rsp_delta(&t).secs == G_MAXINT64 / 1000000000 - 2);
    ts_trans_set_rsp_time(&t, &before);
    ok("huge negative delta clamped", ts_trans_rsp_delta(&t).secs == -(G_MAXINT64 / 1000000000 - 2));
    ok("a transaction is 40 bytes", sizeof(ts_trans_t) == 40);
}

int main(void)
{
    struct packet_provider_funcs funcs;
    epan_t *session;

    /* a file scope, as when tshark reads a file (plugins not loaded: only transactions.c) */
    memset(&funcs, 0, sizeof(funcs));
    init_process_policies();
    wmem_init();
    wtap_init(FALSE);
    if (!epan_init(NULL, NULL, FALSE)) {
        fprintf(stderr, "FAIL epan_init\n");
        return 1;
    }
    session = epan_new(NULL, &funcs);
    check_links();
    epan_free(session);
    epan_cleanup();
    check_open_add();
    check_seq_pos();
    check_trans_times();
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
