/* services.h — the "Troubleshark Services" table (tshark -z troubleshark,services; Statistics ›
 * Troubleshark Services): one row per server endpoint with its protocol, how the conversation was
 * found (port, Decode As, heuristic), PDUs, bytes, connections, first/last seen.
 *
 * Dissectors feed it: ts_service_pdu() once per PDU (every pass, whatever the tree; it costs one
 * conversation lookup on the first pass and nothing more unless the table is open), and a
 * protocol's heuristic calls ts_service_heuristic() when it recognises a conversation. The module
 * knows nothing of any one protocol.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TS_SERVICES_H
#define TS_SERVICES_H

#include "ts-compat.h"

/* How a conversation came to be dissected by one of our protocols. */
typedef enum {
    TS_FOUND_OTHER = 0,       /* none of the below (e.g. called by another dissector, TLS) */
    TS_FOUND_PORT,            /* the protocol's registered (default or preference) port */
    TS_FOUND_DECODE_AS,       /* the user's Decode As on that port */
    TS_FOUND_HEURISTIC,       /* the protocol's heuristic recognised the conversation */
} ts_found_t;

/* One PDU of protocol `proto` (its proto id) was dissected in this frame.
 *   to_server: the PDU travels from the client towards the listening side (requests); used to
 *              tell the server endpoint when the capture has no SYN;
 *   bytes:     the PDU's size on the wire. */
void ts_service_pdu(packet_info *pinfo, int proto, gboolean to_server, guint32 bytes);

/* The heuristic of `proto` recognised the current conversation in this frame: from this frame on
 * the conversation is dissected by `handle` (conversation_set_dissector_from_frame_number, so
 * later segments, TCP reassembly and every later pass go straight to it, and earlier frames keep
 * their plain dissection), and the Services table says "heuristic". Call it before dissecting the
 * recognised PDUs (their ts_service_pdu() then already sees the heuristic). First pass only; a
 * no-op afterwards.
 *
 * The heuristic then runs its dissector function itself, not call_dissector() on the handle:
 * dissector_try_heuristic() has already put the protocol on the frame's layer list and used one
 * level of can_desegment for it, exactly as a port dissector gets it, so a PDU that starts in the
 * recognised segment reassembles. Going through the handle would add the layer a second time
 * ("tcp:aerospike:aerospike") and use up can_desegment. */
void ts_service_heuristic(packet_info *pinfo, int proto, dissector_handle_t handle);

/* Called by packet-troubleshark.c (the umbrella protocol owns the table's tap and per-conversation
 * data). */
void ts_services_register(int proto_troubleshark);
void ts_services_handoff(void);

#endif /* TS_SERVICES_H */
