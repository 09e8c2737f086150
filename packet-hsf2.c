/* packet-hsf2.c — Taobao HSF2 RPC.
 *
 * Framing only for now: the full dissection is tracked by its own issue.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ts-compat.h"
#include "troubleshark.h"

#define HSF2_TCP_PORTS "12200"

static int proto_hsf2 = -1;
static gint ett_hsf2 = -1;
static dissector_handle_t hsf2_handle;

static int dissect_hsf2(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "HSF2");
    col_set_str(pinfo->cinfo, COL_INFO, "HSF2 payload");
    proto_item *ti = proto_tree_add_item(tree, proto_hsf2, tvb, 0, -1, ENC_NA);
    proto_tree *st = proto_item_add_subtree(ti, ett_hsf2);
    (void)st;
    return tvb_captured_length(tvb);
}

void proto_register_hsf2(void)
{
    static gint *ett[] = { &ett_hsf2 };
    proto_hsf2 = proto_register_protocol("Taobao HSF2 RPC", "HSF2", "hsf2");
    proto_register_subtree_array(ett, array_length(ett));
    hsf2_handle = register_dissector("hsf2", dissect_hsf2, proto_hsf2);
}

void proto_reg_handoff_hsf2(void)
{
    dissector_add_uint_range_with_preference("tcp.port", HSF2_TCP_PORTS, hsf2_handle);
}
