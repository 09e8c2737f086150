/* packet-aerospike-cluster.c — Aerospike Cluster (heartbeat and fabric).
 *
 * Framing only for now: the full dissection is tracked by its own issue.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ts-compat.h"
#include "troubleshark.h"

#define AEROSPIKE_CLUSTER_TCP_PORTS "3001-3002"

static int proto_aerospike_cluster = -1;
static gint ett_aerospike_cluster = -1;
static dissector_handle_t aerospike_cluster_handle;

static int dissect_aerospike_cluster(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "Aerospike Cluster");
    col_set_str(pinfo->cinfo, COL_INFO, "Aerospike Cluster payload");
    proto_item *ti = proto_tree_add_item(tree, proto_aerospike_cluster, tvb, 0, -1, ENC_NA);
    proto_tree *st = proto_item_add_subtree(ti, ett_aerospike_cluster);
    (void)st;
    return tvb_captured_length(tvb);
}

void proto_register_aerospike_cluster(void)
{
    static gint *ett[] = { &ett_aerospike_cluster };
    proto_aerospike_cluster = proto_register_protocol("Aerospike Cluster (heartbeat and fabric)", "Aerospike Cluster", "aerospike_cluster");
    proto_register_subtree_array(ett, array_length(ett));
    aerospike_cluster_handle = register_dissector("aerospike_cluster", dissect_aerospike_cluster, proto_aerospike_cluster);
}

void proto_reg_handoff_aerospike_cluster(void)
{
    dissector_add_uint_range_with_preference("tcp.port", AEROSPIKE_CLUSTER_TCP_PORTS, aerospike_cluster_handle);
}
