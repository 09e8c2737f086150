/* packet-troubleshark.c — the plugin's umbrella protocol: things that belong to no single
 * protocol (the services table of issue 12, shared strings). Each protocol registers its own
 * heuristic in its own handoff.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ts-compat.h"
#include "troubleshark.h"
#include "services.h"
#include "stats.h"

const true_false_string ts_tfs_true_false = { "True", "False" };

static int proto_troubleshark = -1;

void proto_register_troubleshark(void)
{
    proto_troubleshark = proto_register_protocol("Troubleshark plugin", "Troubleshark", "troubleshark");
    ts_services_register(proto_troubleshark);
    /* statistics preferences (troubleshark.hot_table_max_rows) */
    ts_stats_register_prefs(prefs_register_protocol(proto_troubleshark, NULL));
}

void proto_reg_handoff_troubleshark(void)
{
    /* Only the port tables the Services table reads. Each protocol registers its heuristic (same
     * short names as ever: aerospike_tcp, aerospike_cluster_tcp/_udp, trade_tcp, hsf2_tcp,
     * rocketmq_tcp) in its own handoff, so nothing here depends on this handoff running after
     * theirs (epan runs plugin handoffs in reverse registration order), and no short name is
     * registered twice (a duplicate aborts Wireshark). */
    ts_services_handoff();
}
