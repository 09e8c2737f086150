/* packet-trade.c — Trade multiplexer protocol.
 *
 * Framing only for now: the full dissection is tracked by its own issue.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ts-compat.h"
#include "troubleshark.h"

#define TRADE_TCP_PORTS "2107"

static int proto_trade = -1;
static gint ett_trade = -1;
static dissector_handle_t trade_handle;

static int dissect_trade(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "Trade");
    col_set_str(pinfo->cinfo, COL_INFO, "Trade payload");
    proto_item *ti = proto_tree_add_item(tree, proto_trade, tvb, 0, -1, ENC_NA);
    proto_tree *st = proto_item_add_subtree(ti, ett_trade);
    (void)st;
    return tvb_captured_length(tvb);
}

void proto_register_trade(void)
{
    static gint *ett[] = { &ett_trade };
    proto_trade = proto_register_protocol("Trade multiplexer protocol", "Trade", "trade");
    proto_register_subtree_array(ett, array_length(ett));
    trade_handle = register_dissector("trade", dissect_trade, proto_trade);
}

void proto_reg_handoff_trade(void)
{
    dissector_add_uint_range_with_preference("tcp.port", TRADE_TCP_PORTS, trade_handle);
}
