/* plugin.c — the symbols Wireshark's plugin loader looks for, and the registration of every
 * protocol of troubleshark. Nothing else lives here.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <epan/proto.h>
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 3)
#include <wsutil/plugins.h>
#endif

#include "troubleshark.h"

#ifndef PLUGIN_VERSION
#error "PLUGIN_VERSION must be defined by the build"
#endif

WS_DLL_PUBLIC_DEF const char plugin_version[] = PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

#ifdef WS_PLUGIN_DESC_DISSECTOR
WS_DLL_PUBLIC uint32_t plugin_describe(void);
uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif

void plugin_register(void)
{
    /* epan keeps these pointers: static storage. One entry per protocol. */
    static proto_plugin plugins[] = {
        { proto_register_troubleshark,      proto_reg_handoff_troubleshark },
#ifdef TS_WITH_AEROSPIKE
        { proto_register_aerospike,         proto_reg_handoff_aerospike },
#endif
#ifdef TS_WITH_AEROSPIKE_CLUSTER
        { proto_register_aerospike_cluster, proto_reg_handoff_aerospike_cluster },
#endif
#ifdef TS_WITH_TRADE
        { proto_register_trade,             proto_reg_handoff_trade },
#endif
#ifdef TS_WITH_HSF2
        { proto_register_hsf2,              proto_reg_handoff_hsf2 },
#endif
#ifdef TS_WITH_ROCKETMQ
        { proto_register_rocketmq,          proto_reg_handoff_rocketmq },
#endif
    };
    for (size_t i = 0; i < G_N_ELEMENTS(plugins); i++)
        proto_register_plugin(&plugins[i]);
}
