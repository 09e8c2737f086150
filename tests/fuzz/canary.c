/* canary.c — a deliberately broken dissector plugin, built only by tests/test_fuzz_mutation.py to
 * prove that the fuzz harness reports what it must report. Never installed, never part of
 * troubleshark.so.
 *
 * Protocol "tscanary" (Decode As on tcp.port); the first payload byte selects the defect:
 *   'A' heap read past a 4-byte allocation          (AddressSanitizer)
 *   'B' DISSECTOR_ASSERT failure                     (WIRESHARK_ABORT_ON_DISSECTOR_BUG)
 *   'C' left shift of a negative value               (UndefinedBehaviorSanitizer)
 *   'D' wmem use after free of a pinfo->pool block   (strict wmem + AddressSanitizer)
 *   anything else: a normal item, and a bounds exception past the end (normal "Malformed").
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/proto.h>

WS_DLL_PUBLIC_DEF const char plugin_version[] = "0.0.1";
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;
WS_DLL_PUBLIC void plugin_register(void);

static int proto_canary = -1;
static int hf_canary_byte = -1;
static volatile int sink;

static int dissect_canary(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    guint8 sel = tvb_get_guint8(tvb, 0);
    proto_tree_add_item(tree, proto_canary, tvb, 0, -1, ENC_NA);
    proto_tree_add_item(tree, hf_canary_byte, tvb, 0, 1, ENC_NA);
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "TSCANARY");
    if (sel == 'A') {
        guint8 *p = (guint8 *)g_malloc(4);
        volatile int i = 8;
        sink = p[i];
        g_free(p);
    } else if (sel == 'B') {
        DISSECTOR_ASSERT(sel != 'B');
    } else if (sel == 'C') {
        volatile gint64 v = -2;
        sink = (int)(v << 8);
    } else if (sel == 'D') {
        guint8 *p = (guint8 *)wmem_alloc(pinfo->pool, 16);
        wmem_free(pinfo->pool, p);
        sink = p[3];
    } else {
        tvb_get_ntohl(tvb, tvb_reported_length(tvb));
    }
    return tvb_captured_length(tvb);
}

static void proto_register_canary(void)
{
    static hf_register_info hf[] = {
        { &hf_canary_byte, { "Selector", "tscanary.selector", FT_UINT8, BASE_HEX, NULL, 0, NULL, HFILL } },
    };
    proto_canary = proto_register_protocol("Fuzz harness canary", "TSCANARY", "tscanary");
    proto_register_field_array(proto_canary, hf, array_length(hf));
}

static void proto_reg_handoff_canary(void)
{
    dissector_handle_t h = create_dissector_handle(dissect_canary, proto_canary);
    dissector_add_for_decode_as("tcp.port", h);
}

void plugin_register(void)
{
    static proto_plugin p = { proto_register_canary, proto_reg_handoff_canary };
    proto_register_plugin(&p);
}
