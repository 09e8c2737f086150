/* packet-aerospike.c — Aerospike wire protocol.
 *
 * Framing only for now: the full dissection is tracked by its own issue.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ts-compat.h"
#include "troubleshark.h"

#define AEROSPIKE_TCP_PORTS "3000,3003"

static int proto_aerospike = -1;
static gint ett_aerospike = -1;
static dissector_handle_t aerospike_handle;

static int dissect_aerospike(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "Aerospike");
    col_set_str(pinfo->cinfo, COL_INFO, "Aerospike payload");
    proto_item *ti = proto_tree_add_item(tree, proto_aerospike, tvb, 0, -1, ENC_NA);
    proto_tree *st = proto_item_add_subtree(ti, ett_aerospike);
    (void)st;
    return tvb_captured_length(tvb);
}

void proto_register_aerospike(void)
{
    static gint *ett[] = { &ett_aerospike };
    proto_aerospike = proto_register_protocol("Aerospike wire protocol", "Aerospike", "aerospike");
    proto_register_subtree_array(ett, array_length(ett));
    aerospike_handle = register_dissector("aerospike", dissect_aerospike, proto_aerospike);
}

void proto_reg_handoff_aerospike(void)
{
    dissector_add_uint_range_with_preference("tcp.port", AEROSPIKE_TCP_PORTS, aerospike_handle);
}
