/* test_heuristics_checks.c — the byte checks behind troubleshark's heuristics (each protocol's
 * <proto>_heur_check() in its packet-*.c), without tshark: PDUs from the specs are accepted, each
 * broken in one fact is rejected, no protocol's PDU is taken for another's, every truncation and
 * 400 000 random or half-valid buffers are judged without a single exception (a check must never
 * read past the captured data) and random bytes are never accepted.
 *
 * GLib test framework (g_test_*). It links whatever TS_PROTOCOLS built: the checks are weak
 * references, and the vectors of a protocol that was not built are skipped.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "ts-compat.h"
#include "troubleshark.h"
#include <epan/exceptions.h>

#pragma weak aerospike_heur_check
#pragma weak aerospike_cluster_tcp_heur_check
#pragma weak aerospike_cluster_udp_heur_check
#pragma weak trade_heur_check
#pragma weak hsf2_heur_check
#pragma weak rocketmq_heur_check

typedef gboolean (*check_fn)(tvbuff_t *);

enum { P_AS, P_ASC_TCP, P_ASC_UDP, P_TRADE, P_HSF2, P_RMQ, P_N };
static const char *const names[P_N] = { "aerospike", "aerospike_cluster_tcp", "aerospike_cluster_udp",
                                        "trade", "hsf2", "rocketmq" };
static check_fn checks[P_N];    /* NULL: protocol not built */

/* Run one check on a copy of the bytes; -1 when it threw. */
static int run(int p, const guint8 *data, guint len)
{
    volatile int r = -1;
    guint8 *copy = (guint8 *)g_memdup2(data, len ? len : 1);
    tvbuff_t *tvb = tvb_new_real_data(copy, len, (gint)len);
    TRY {
        r = checks[p](tvb) ? 1 : 0;
    }
    CATCH_ALL {
        r = -1;
    }
    ENDTRY;
    tvb_free(tvb);
    g_free(copy);
    return r;
}

static GByteArray *hex(const char *h)
{
    GByteArray *b = g_byte_array_new();
    for (const char *p = h; p[0] && p[1];) {
        if (*p == ' ') {
            p++;
            continue;
        }
        char t[3] = { p[0], p[1], 0 };
        guint8 v = (guint8)strtoul(t, NULL, 16);
        g_byte_array_append(b, &v, 1);
        p += 2;
    }
    return b;
}

typedef struct {
    int proto;
    const char *what;
    const char *bytes;
} vec_t;

/* Whole PDUs, from the specs' examples or built by their layout. */
static const vec_t good[] = {
    /* aerospike.md §15.1: info request "node\npeers-generation\npartition-generation\n" */
    { P_AS, "info request", "020100000000002b 6e6f64650a70656572732d67656e65726174696f6e0a706172746974696f6e2d67656e65726174696f6e0a" },
    /* §15.4: write response, 30 bytes */
    { P_AS, "write response", "0203000000000016 160000000000000000010f0a2b220000000000000000" },
    /* §15.6 header + as_msg + first fields: scan request (ns "test", set "testset") */
    { P_AS, "scan request", "0203000000000048 160100000000 00000000 00000000 000003e8 0005 0000 0000000500 74657374 0000000801 74657374736574" },
    /* §9: compressed write request */
    { P_AS, "compressed", "0204000000000067 0000000000000072 7801636266008" "12c3106463003" },
    /* a 24-byte admin answer (scheme 0, result 52, 12 zero bytes) */
    { P_AS, "admin answer", "0202000000000010 00340000000000000000000000000000" },
    /* §12 heartbeat: id 0x6864, type 0, node id — complete msg */
    { P_ASC_TCP, "mesh heartbeat", "00000019 0005 0000 01 00006864 0001 01 00000000 0002 03 0bb92e2d67270008" },
    { P_ASC_UDP, "multicast heartbeat", "00000019 0005 0000 01 00006864 0001 01 00000000 0002 03 0bb92e2d67270008" },
    /* fabric handshake: node id (u64) + channel (u32) */
    { P_ASC_TCP, "fabric handshake", "00000012 0000 0000 03 0bb92e2d67270008 0005 01 00000001" },
    /* trade.md §4.1-4.4 */
    { P_TRADE, "ping", "25000affff50696e6700" },
    { P_TRADE, "pong", "01000affff506f6e6700" },
    { P_TRADE, "roundtrip", "010017ffff526f756e64747269700007 1b88aadb46b60c" },
    { P_TRADE, "ping then data", "25000affff50696e6700 2500080a5e414243" },
    /* hsf2.md §3 */
    { P_HSF2, "heartbeat request", "0c0001000000 0000000000000007 00000bb8" },
    { P_HSF2, "heartbeat response", "0c0101000000 0000000000000007 00000000" },
    /* response OK, Hessian2 string "Hi" */
    { P_HSF2, "response", "0e01011404000000 0000000000000001 00000003 024869" },
    /* request: service "a.B:1", method "m", no argument, no props */
    { P_HSF2, "request", "0e010004000000 0000000000000001 00000bb8 00000005 00000001 00000000 00000000 612e423a31 6d" },
    /* rocketmq.md §2: binary GET_ROUTEINFO_BY_TOPIC */
    { P_RMQ, "binary header", "0000002d01000029 00690001df0000000100000000 00000000 00000014 0005746f706963000000095" "46f70696354657374" },
    /* §4: a JSON response header, no body */
    { P_RMQ, "json header", "0000004b00000047 7b22636f6465223a302c22666c6167223a312c226c616e6775616765223a224a415641222c226f7061717565223a322c2276657273696f6e223a3337337d" },
};

/* One fact broken. */
static const vec_t bad[] = {
    { P_AS, "version 3", "0303000000000016 160000000000000000010f0a2b220000000000000000" },
    { P_AS, "type 6", "0206000000000016 160000000000000000010f0a2b220000000000000000" },
    { P_AS, "header_sz 21", "0203000000000016 150000000000000000010f0a2b220000000000000000" },
    { P_AS, "size > 128 MiB", "0203000010000016 160000000000000000010f0a2b220000000000000000" },
    { P_AS, "next PDU bad", "0203000000000016 160000000000000000010f0a2b220000000000000000 0909" },
    { P_AS, "info binary", "0201000000000004 6e6f0001" },
    { P_AS, "info without LF", "0201000000000004 6e6f6465" },
    { P_AS, "empty info request", "0201000000000000" },
    { P_AS, "admin unused bytes", "0202000000000010 00340000000000000000000000000001" },
    { P_AS, "field size 0", "020300000000001b 160100000000000000000000000000000000000000010000 00000000 00" },
    { P_ASC_TCP, "type 2", "00000019 0002 0000 01 00006864 0001 01 00000000 0002 03 0bb92e2d67270008" },
    { P_ASC_TCP, "heartbeat id", "00000019 0005 0000 01 00006865 0001 01 00000000 0002 03 0bb92e2d67270008" },
    { P_ASC_TCP, "ids descending", "00000019 0005 0000 01 00006864 0002 03 0bb92e2d67270008 0001 01 00000000" },
    { P_ASC_TCP, "ftype 4", "00000019 0005 0000 01 00006864 0001 04 00000000 0002 03 0bb92e2d67270008" },
    { P_ASC_TCP, "field header past the msg", "0000001a 0005 0000 01 00006864 0001 01 00000000 0002 03 0bb92e2d67270008 00" },
    { P_ASC_UDP, "datagram longer", "00000019 0005 0000 01 00006864 0001 01 00000000 0002 03 0bb92e2d67270008 00" },
    { P_ASC_UDP, "fabric on udp", "00000012 0000 0000 03 0bb92e2d67270008 0005 01 00000001" },
    { P_TRADE, "receiver not control", "25000afffe50696e6700" },
    { P_TRADE, "unknown keyword", "25000affff50696e6b00" },
    { P_TRADE, "size too large", "25000bffff50696e6700" },
    { P_TRADE, "no NUL", "25000affff50696e6720" },
    { P_TRADE, "clock length", "010017ffff526f756e64747269700008 1b88aadb46b60c" },
    { P_TRADE, "data PDU", "2500080a5e414243" },
    { P_HSF2, "heartbeat version 2", "0c0002000000 0000000000000007 00000bb8" },
    { P_HSF2, "heartbeat reserved", "0c0001000001 0000000000000007 00000bb8" },
    { P_HSF2, "response status 21", "0e01011504000000 0000000000000001 00000003 024869" },
    { P_HSF2, "response codec 9", "0e01011409000000 0000000000000001 00000003 024869" },
    { P_HSF2, "request method name", "0e010004000000 0000000000000001 00000bb8 00000005 00000001 00000000 00000000 612e423a31 20" },
    { P_HSF2, "request 300 args", "0e010004000000 0000000000000001 00000bb8 00000005 00000001 0000012c 00000000 612e423a31 6d" },
    { P_HSF2, "dubbo", "dabbc2000000000000000001000000000000" },
    { P_RMQ, "serialize type 2", "0000002d02000029 00690001df0000000100000000 00000000 00000014 0005746f706963000000095" "46f70696354657374" },
    { P_RMQ, "binary ext length", "0000002d01000029 00690001df0000000100000000 00000000 00000013 0005746f706963000000095" "46f70696354657374" },
    { P_RMQ, "binary language 20", "0000002d01000029 0069140" "1df0000000100000000 00000000 00000014 0005746f706963000000095" "46f70696354657374" },
    { P_RMQ, "json not code first", "0000004b00000047 7b22666c6167223a312c22636f6465223a302c226c616e6775616765223a224a415641222c226f7061717565223a322c2276657273696f6e223a3337337d" },
    { P_RMQ, "header_len > length", "0000000c00000047 7b22636f6465223a302c" },
};

static guint32 rnd_state;
static guint32 rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 8;
}

/* Each vector's own check gives `expect` (1 accepted, 0 rejected). */
static void check_vectors(const vec_t *v, guint n, int expect)
{
    for (guint i = 0; i < n; i++) {
        if (!checks[v[i].proto])
            continue;
        GByteArray *b = hex(v[i].bytes);
        int r = run(v[i].proto, b->data, b->len);
        if (r != expect)
            g_test_message("%s: %s %s", names[v[i].proto], v[i].what, r == 1 ? "accepted" : "rejected");
        g_assert_cmpint(r, ==, expect);
        g_byte_array_free(b, TRUE);
    }
}

static void test_spec_pdus_accepted(void)
{
    check_vectors(good, G_N_ELEMENTS(good), 1);
}

/* No other protocol takes a good PDU (the UDP and TCP cluster checks share the msg format). */
static void test_no_protocol_takes_another(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
        GByteArray *b = hex(good[i].bytes);
        for (int p = 0; p < P_N; p++) {
            gboolean same = p == good[i].proto ||
                            ((p == P_ASC_TCP || p == P_ASC_UDP) &&
                             (good[i].proto == P_ASC_TCP || good[i].proto == P_ASC_UDP));
            if (same || !checks[p])
                continue;
            int r = run(p, b->data, b->len);
            if (r != 0)
                g_test_message("%s taken by %s", good[i].what, names[p]);
            g_assert_cmpint(r, ==, 0);
        }
        g_byte_array_free(b, TRUE);
    }
}

/* Every truncation of every good PDU is judged by every check without an exception. */
static void test_truncations_never_throw(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
        GByteArray *b = hex(good[i].bytes);
        for (guint n = 0; n <= b->len; n++)
            for (int p = 0; p < P_N; p++)
                if (checks[p]) {
                    int r = run(p, b->data, n);
                    if (r < 0)
                        g_test_message("%s cut at %u: %s threw", good[i].what, n, names[p]);
                    g_assert_cmpint(r, >=, 0);
                }
        g_byte_array_free(b, TRUE);
    }
}

static void test_one_broken_fact_rejected(void)
{
    check_vectors(bad, G_N_ELEMENTS(bad), 0);
}

/* Random buffers: never an exception, never accepted. */
static void test_random_never_accepted(void)
{
    guint8 buf[512];
    int accepted[P_N] = { 0 }, threw = 0;
    rnd_state = 12345;
    for (int k = 0; k < 200000; k++) {
        guint len = rnd() % sizeof(buf);
        for (guint j = 0; j < len; j++)
            buf[j] = (guint8)rnd();
        int p = k % P_N;
        if (!checks[p])
            continue;
        int r = run(p, buf, len);
        if (r < 0)
            threw++;
        else
            accepted[p] += r;
    }
    g_assert_cmpint(threw, ==, 0);
    for (int p = 0; p < P_N; p++) {
        if (accepted[p])
            g_test_message("%s accepted %d random buffers", names[p], accepted[p]);
        g_assert_cmpint(accepted[p], ==, 0);
    }
}

/* Half-valid buffers (a good PDU with random bytes from a random offset on, random length): the
 * deep paths of every check, never an exception. */
static void test_half_valid_never_throw(void)
{
    int threw = 0;
    rnd_state = 54321;
    for (int k = 0; k < 200000; k++) {
        const vec_t *v = &good[rnd() % G_N_ELEMENTS(good)];
        GByteArray *b = hex(v->bytes);
        guint keep = rnd() % (b->len + 1);
        guint extra = rnd() % 64;
        g_byte_array_set_size(b, keep + extra);
        for (guint j = keep; j < keep + extra; j++)
            b->data[j] = (guint8)(rnd() % 5 == 0 ? 0xff : rnd());
        if (checks[v->proto] && run(v->proto, b->data, b->len) < 0)
            threw++;
        g_byte_array_free(b, TRUE);
    }
    g_assert_cmpint(threw, ==, 0);
}

int main(int argc, char **argv)
{
    const check_fn all[P_N] = { aerospike_heur_check, aerospike_cluster_tcp_heur_check,
                                aerospike_cluster_udp_heur_check, trade_heur_check, hsf2_heur_check,
                                rocketmq_heur_check };
    memcpy(checks, all, sizeof checks);
    except_init();
    g_test_init(&argc, &argv, NULL);
    for (int p = 0; p < P_N; p++)
        if (!checks[p])
            g_printerr("# %s not built (TS_PROTOCOLS): its vectors are skipped\n", names[p]);

    g_test_add_func("/heuristics/spec_pdus_accepted", test_spec_pdus_accepted);
    g_test_add_func("/heuristics/no_protocol_takes_another", test_no_protocol_takes_another);
    g_test_add_func("/heuristics/truncations_never_throw", test_truncations_never_throw);
    g_test_add_func("/heuristics/one_broken_fact_rejected", test_one_broken_fact_rejected);
    g_test_add_func("/heuristics/random_never_accepted", test_random_never_accepted);
    g_test_add_func("/heuristics/half_valid_never_throw", test_half_valid_never_throw);
    int rc = g_test_run();
    except_deinit();
    return rc;
}
