/* heuristics.h — finding troubleshark's protocols on any port (heuristic dissectors), and the
 * "Troubleshark Services" table (one row per server endpoint: protocol, how it was found, PDUs,
 * bytes, connections, first/last seen).
 *
 * Dissectors call ts_service_pdu() once per PDU (every pass, whatever the tree). It costs one
 * conversation lookup on the first pass and nothing more unless the services table is open.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TS_HEURISTICS_H
#define TS_HEURISTICS_H

#include "ts-compat.h"

/* How a conversation came to be dissected by one of our protocols. */
typedef enum {
    TS_FOUND_OTHER = 0,       /* none of the below (e.g. called by another dissector, TLS) */
    TS_FOUND_PORT,            /* the protocol's registered (default or preference) port */
    TS_FOUND_DECODE_AS,       /* the user's Decode As on that port */
    TS_FOUND_HEURISTIC,       /* one of the heuristics below recognised the conversation */
} ts_found_t;

/* One PDU of protocol `proto` (its proto id) was dissected in this frame.
 *   to_server: the PDU travels from the client towards the listening side (requests); used to
 *              tell the server endpoint when the capture has no SYN;
 *   bytes:     the PDU's size on the wire. */
void ts_service_pdu(packet_info *pinfo, int proto, gboolean to_server, guint32 bytes);

/* How the current conversation was found for `proto` (TS_FOUND_OTHER when no PDU was seen yet). */
ts_found_t ts_service_found(packet_info *pinfo, int proto);

/* ---- Byte checks behind the heuristics (pure functions of the bytes; exported for tests) ----
 * Each returns TRUE when the start of `tvb` is the start of a PDU of that protocol: several
 * independent facts must hold (see doc/heuristics.md). They never throw. */
gboolean ts_heur_check_aerospike(tvbuff_t *tvb);
gboolean ts_heur_check_aerospike_cluster_tcp(tvbuff_t *tvb);
gboolean ts_heur_check_aerospike_cluster_udp(tvbuff_t *tvb);
gboolean ts_heur_check_trade(tvbuff_t *tvb);
gboolean ts_heur_check_hsf2(tvbuff_t *tvb);
gboolean ts_heur_check_rocketmq(tvbuff_t *tvb);

/* Called by packet-troubleshark.c. */
void ts_heuristics_register(int proto_troubleshark);
void ts_heuristics_handoff(void);

#endif /* TS_HEURISTICS_H */
