/* troubleshark.h — registration entry points of every protocol in the plugin (plugin.c calls
 * them), and small facts shared by all dissectors.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TROUBLESHARK_H
#define TROUBLESHARK_H

void proto_register_troubleshark(void);
void proto_reg_handoff_troubleshark(void);
void proto_register_aerospike(void);
void proto_reg_handoff_aerospike(void);
void proto_register_aerospike_cluster(void);
void proto_reg_handoff_aerospike_cluster(void);
void proto_register_trade(void);
void proto_reg_handoff_trade(void);
void proto_register_hsf2(void);
void proto_reg_handoff_hsf2(void);
void proto_register_rocketmq(void);
void proto_reg_handoff_rocketmq(void);

/* A client proto carried inside another protocol (the fabric PROXY msg of aerospike_cluster) is
 * handed to the "aerospike.embedded" dissector with this as data: the PDU is decoded as usual, but
 * it takes no part in request/response matching, statistics or the services table (the client's
 * own connection already counts it). */
typedef struct ts_aerospike_embedded {
    gboolean is_request;
} ts_aerospike_embedded_t;

/* The byte checks behind each protocol's heuristic (defined in its packet-*.c, which registers
 * the heuristic in its own handoff; exported for tests/unit/test_heuristics_checks.c). Each
 * returns TRUE when the start of `tvb` is the start of a PDU of that protocol: several independent
 * facts must hold (doc/heuristics.md). Pure functions of the bytes; they never throw. */
gboolean aerospike_heur_check(tvbuff_t *tvb);
gboolean aerospike_cluster_tcp_heur_check(tvbuff_t *tvb);
gboolean aerospike_cluster_udp_heur_check(tvbuff_t *tvb);
gboolean trade_heur_check(tvbuff_t *tvb);
gboolean hsf2_heur_check(tvbuff_t *tvb);
gboolean rocketmq_heur_check(tvbuff_t *tvb);

#endif /* TROUBLESHARK_H */
