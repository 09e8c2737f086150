/* packet-troubleshark.c — the plugin's umbrella protocol: things that belong to no single
 * protocol (the heuristics and the services table of issue 12, shared strings).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ts-compat.h"
#include "troubleshark.h"
#include "heuristics.h"

const true_false_string ts_tfs_true_false = { "True", "False" };

static int proto_troubleshark = -1;

void proto_register_troubleshark(void)
{
    proto_troubleshark = proto_register_protocol("Troubleshark plugin", "Troubleshark", "troubleshark");
    ts_heuristics_register(proto_troubleshark);
}

void proto_reg_handoff_troubleshark(void)
{
    /* Runs after every protocol of the plugin is registered (see heuristics.c). */
    ts_heuristics_handoff();
}
