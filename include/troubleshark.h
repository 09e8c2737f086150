/* troubleshark.h — registration entry points of every protocol in the plugin (plugin.c calls
 * them), and small facts shared by all dissectors.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TROUBLESHARK_H
#define TROUBLESHARK_H

void proto_register_troubleshark(void);
void proto_reg_handoff_troubleshark(void);
void proto_register_aerospike(void);
void proto_reg_handoff_aerospike(void);
void proto_register_aerospike_cluster(void);
void proto_reg_handoff_aerospike_cluster(void);
void proto_register_trade(void);
void proto_reg_handoff_trade(void);
void proto_register_hsf2(void);
void proto_reg_handoff_hsf2(void);
void proto_register_rocketmq(void);
void proto_reg_handoff_rocketmq(void);

#endif /* TROUBLESHARK_H */
