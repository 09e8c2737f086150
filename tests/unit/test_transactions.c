/* test_transactions.c — the nstime-from-milliseconds helpers of transactions.c, whose sign
 * conventions the dissectors rely on (FT_RELATIVE_TIME wants secs and nsecs of one sign,
 * FT_ABSOLUTE_TIME wants 0 <= nsecs < 1 s).
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

int main(void)
{
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

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
