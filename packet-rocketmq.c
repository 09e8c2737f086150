/* packet-rocketmq.c — Apache RocketMQ remoting.
 *
 * Framing only for now: the full dissection is tracked by its own issue.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ts-compat.h"
#include "troubleshark.h"

#define ROCKETMQ_TCP_PORTS "9876,10909,10911"

static int proto_rocketmq = -1;
static gint ett_rocketmq = -1;
static dissector_handle_t rocketmq_handle;

static int dissect_rocketmq(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "RocketMQ");
    col_set_str(pinfo->cinfo, COL_INFO, "RocketMQ payload");
    proto_item *ti = proto_tree_add_item(tree, proto_rocketmq, tvb, 0, -1, ENC_NA);
    proto_tree *st = proto_item_add_subtree(ti, ett_rocketmq);
    (void)st;
    return tvb_captured_length(tvb);
}

void proto_register_rocketmq(void)
{
    static gint *ett[] = { &ett_rocketmq };
    proto_rocketmq = proto_register_protocol("Apache RocketMQ remoting", "RocketMQ", "rocketmq");
    proto_register_subtree_array(ett, array_length(ett));
    rocketmq_handle = register_dissector("rocketmq", dissect_rocketmq, proto_rocketmq);
}

void proto_reg_handoff_rocketmq(void)
{
    dissector_add_uint_range_with_preference("tcp.port", ROCKETMQ_TCP_PORTS, rocketmq_handle);
}
