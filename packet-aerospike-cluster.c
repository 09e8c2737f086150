/* packet-aerospike-cluster.c — Aerospike Cluster (heartbeat and fabric).
 *
 * The node-to-node "msg" protocol of Aerospike servers: mesh heartbeats on TCP 3002, multicast
 * heartbeats on UDP 9918 and the fabric (replica writes, proxies, migration, clustering,
 * exchange, info, SMD) on TCP 3001. Sources: the Aerospike server, github.com/aerospike/aerospike-server
 * (cf/include/msg.h, cf/src/msg.c, as/src/fabric/{hb,fabric,clustering,endpoint,hlc}.c).
 *
 *   msg   := size(BE32, excludes the 6-byte header) type(BE16) field*
 *   field := id(BE16) ftype(1) value      (uint32/uint64 fixed, every other type BE32 length + data)
 *
 * Values inside heartbeat plugin buffers (node ids, endpoint ports, clustering data) are in the
 * sender's host order (little-endian on x86).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ts-compat.h"
#include "troubleshark.h"
#include "services.h"
#include "inflate.h"
#include "msgpack.h"
#include "transactions.h"

#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/exceptions.h>
#include <epan/show_exception.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/to_str.h>
#include <wsutil/str_util.h>

#include <math.h>
#include <string.h>

#define AEROSPIKE_CLUSTER_TCP_PORTS "3001-3002"
#define AEROSPIKE_CLUSTER_UDP_PORTS "9918"

#define MSG_HEADER_LEN        6
#define MSG_TYPE_LIMIT        18          /* M_TYPE_MAX: first invalid type */
#define MSG_DEFAULT_MAX_SIZE  (128u * 1024u * 1024u)   /* the server's validation limit */
#define HB_PROTOCOL_ID        0x00006864u /* "hd" */
#define CLUSTERING_PROTOCOL_ID 0x0000707Cu
#define COMPRESSED_MAX_INPUT  (16u * 1024u) /* larger compressed payloads are not inflated: 4.0 inflates
                                             * at ~200 ns per output byte (16 KiB of zlib -> 16 MiB) */
#define INFLATED_MAX          (1024u * 1024u) /* larger inflated msgs are not dissected */
#define MAX_FIELDS_PER_MSG    1024        /* real templates have at most 30 ids */
#define MAX_MSGS_PER_DATAGRAM 64
#define FABRIC_MAX_SIZE       4096        /* a FABRIC handshake is 18 bytes */
#define MAX_LIST_ITEMS        4096        /* array / node-list elements shown per field */
#define MP_MAX_DEPTH          16          /* MessagePack nesting accepted */
#define MP_MAX_ELEMENTS       20000       /* MessagePack elements accepted per field */
#define MAX_TRACKED_NODES     1024        /* succession-list tracking per capture */
#define CITRUSLEAF_EPOCH      1262304000  /* 2010-01-01T00:00:00Z, Aerospike's record clock */

/* msg types (M_TYPE_*) */
enum {
    M_TYPE_FABRIC = 0, M_TYPE_HEARTBEAT_V2 = 1, M_TYPE_PAXOS = 2, M_TYPE_MIGRATE = 3,
    M_TYPE_PROXY = 4, M_TYPE_HEARTBEAT = 5, M_TYPE_CLUSTERING = 6, M_TYPE_RW = 7, M_TYPE_INFO = 8,
    M_TYPE_EXCHANGE = 9, M_TYPE_APPEAL = 10, M_TYPE_OLD_XDR = 11, M_TYPE_XDR = 12, M_TYPE_SMD = 15
};

/* field types (M_FT_*) */
enum {
    M_FT_UINT32 = 1, M_FT_UNUSED_2 = 2, M_FT_UINT64 = 3, M_FT_UNUSED_4 = 4, M_FT_STR = 5,
    M_FT_BUF = 6, M_FT_ARRAY_UINT32 = 7, M_FT_ARRAY_UINT64 = 8, M_FT_ARRAY_BUF = 9,
    M_FT_ARRAY_STR = 10, M_FT_MSGPACK = 11
};

static const value_string aerospike_cluster_msg_type_vals[] = {
    { 0, "FABRIC" }, { 1, "HEARTBEAT_V2" }, { 2, "PAXOS" }, { 3, "MIGRATE" }, { 4, "PROXY" },
    { 5, "HEARTBEAT" }, { 6, "CLUSTERING" }, { 7, "RW" }, { 8, "INFO" }, { 9, "EXCHANGE" },
    { 10, "APPEAL" }, { 11, "OLD_XDR" }, { 12, "XDR" }, { 13, "UNUSED_13" }, { 14, "UNUSED_14" },
    { 15, "SMD" }, { 16, "UNUSED_16" }, { 17, "UNUSED_17" }, { 18, "MAX" },
    { 0, NULL }
};

static const value_string aerospike_cluster_ftype_vals[] = {
    { 1, "uint32" }, { 2, "unused-2" }, { 3, "uint64" }, { 4, "unused-4" }, { 5, "string" },
    { 6, "buffer" }, { 7, "uint32 array" }, { 8, "uint64 array" }, { 9, "buffer array" },
    { 10, "string array" }, { 11, "MessagePack" },
    { 0, NULL }
};

static const value_string aerospike_cluster_hb_type_vals[] = {
    { 0, "pulse" }, { 1, "info request" }, { 2, "info reply" }, { 3, "compressed" },
    { 0, NULL }
};

static const value_string aerospike_cluster_addr_type_vals[] = {
    { 0, "undefined" }, { 1, "IPv4" }, { 2, "IPv6" },
    { 0, NULL }
};

static const value_string aerospike_cluster_channel_vals[] = {
    { 0, "RW" }, { 1, "CTRL" }, { 2, "BULK" }, { 3, "META" },
    { 0, NULL }
};

static const value_string aerospike_cluster_rw_op_vals[] = {
    { 1, "write (old)" }, { 2, "write ack" }, { 3, "dup" }, { 4, "dup ack" },
    { 5, "repl confirm" }, { 6, "repl ping" }, { 7, "repl ping ack" }, { 8, "repl write" },
    { 0, NULL }
};

static const value_string aerospike_cluster_proxy_op_vals[] = {
    { 1, "request" }, { 2, "response" }, { 3, "return to sender" },
    { 0, NULL }
};

/* ---------------------------------------------------------------------------------------------
 * Field templates: what each id of each msg type means.
 */
typedef enum {
    SEM_NONE = 0,
    /* heartbeat */
    SEM_HB_ID, SEM_HB_TYPE, SEM_HB_NODE, SEM_HB_CLUSTER_NAME, SEM_HB_HLC, SEM_HB_ENDPOINTS,
    SEM_HB_COMPRESSED, SEM_HB_INFO_REQUEST, SEM_HB_INFO_REPLY, SEM_HB_FABRIC_DATA, SEM_HB_ADJACENCY,
    SEM_HB_PAXOS, SEM_HB_SKEW,
    /* fabric */
    SEM_FAB_NODE, SEM_FAB_CHANNEL, SEM_NAMESPACE, SEM_DIGEST, SEM_CLUSTER_KEY, SEM_HLC,
    SEM_SUCCESSION, SEM_PRINCIPAL, SEM_REDIRECT, SEM_AS_PROTO, SEM_USERNAME, SEM_LUT,
    /* summary-only: value shown generically, remembered for the Info column */
    SEM_OP, SEM_TID, SEM_TYPE, SEM_PARTITION, SEM_MODULE, SEM_GEN
} field_sem_t;

typedef struct {
    const char *name;   /* NULL: unused/unknown id */
    guint8 ftype;
    guint8 sem;
} field_def_t;

static const field_def_t tmpl_fabric[] = {
    { "NODE", M_FT_UINT64, SEM_FAB_NODE },
    { NULL, 0, 0 }, { NULL, 0, 0 }, { NULL, 0, 0 }, { NULL, 0, 0 },
    { "CHANNEL", M_FT_UINT32, SEM_FAB_CHANNEL },
};

static const field_def_t tmpl_heartbeat[] = {
    { "ID", M_FT_UINT32, SEM_HB_ID },
    { "TYPE", M_FT_UINT32, SEM_HB_TYPE },
    { "NODE", M_FT_UINT64, SEM_HB_NODE },
    { "CLUSTER_NAME", M_FT_STR, SEM_HB_CLUSTER_NAME },
    { "HLC_TIMESTAMP", M_FT_UINT64, SEM_HB_HLC },
    { "ENDPOINTS", M_FT_BUF, SEM_HB_ENDPOINTS },
    { "COMPRESSED_PAYLOAD", M_FT_BUF, SEM_HB_COMPRESSED },
    { "INFO_REQUEST", M_FT_BUF, SEM_HB_INFO_REQUEST },
    { "INFO_REPLY", M_FT_BUF, SEM_HB_INFO_REPLY },
    { "FABRIC_DATA", M_FT_BUF, SEM_HB_FABRIC_DATA },
    { "HB_DATA", M_FT_BUF, SEM_HB_ADJACENCY },
    { "PAXOS_DATA", M_FT_BUF, SEM_HB_PAXOS },
    { "SKEW_MONITOR_DATA", M_FT_UINT64, SEM_HB_SKEW },
};

static const field_def_t tmpl_rw[] = {
    { "OP", M_FT_UINT32, SEM_OP },
    { "RESULT", M_FT_UINT32, SEM_NONE },
    { "NAMESPACE", M_FT_BUF, SEM_NAMESPACE },
    { "NS_IX", M_FT_UINT32, SEM_NONE },
    { "GENERATION", M_FT_UINT32, SEM_NONE },
    { "DIGEST", M_FT_BUF, SEM_DIGEST },
    { "RECORD", M_FT_BUF, SEM_NONE },
    { "ORIG_RECORD", M_FT_BUF, SEM_NONE },
    { NULL, 0, 0 }, { NULL, 0, 0 },
    { "TID", M_FT_UINT32, SEM_TID },
    { NULL, 0, 0 },
    { "INFO", M_FT_UINT32, SEM_NONE },
    { NULL, 0, 0 }, { NULL, 0, 0 }, { NULL, 0, 0 },
    { "LAST_UPDATE_TIME", M_FT_UINT64, SEM_LUT },
    { NULL, 0, 0 }, { NULL, 0, 0 },
    { "REGIME", M_FT_UINT32, SEM_NONE },
};

static const field_def_t tmpl_proxy[] = {
    { "OP", M_FT_UINT32, SEM_OP },
    { "TID", M_FT_UINT32, SEM_TID },
    { "DIGEST", M_FT_BUF, SEM_DIGEST },
    { "REDIRECT", M_FT_UINT64, SEM_REDIRECT },
    { "AS_PROTO", M_FT_BUF, SEM_AS_PROTO },
    { NULL, 0, 0 }, { NULL, 0, 0 }, { NULL, 0, 0 },
    { "USERNAME", M_FT_BUF, SEM_USERNAME },
};

static const field_def_t tmpl_migrate[] = {
    { "OP", M_FT_UINT32, SEM_OP },
    { NULL, 0, 0 },
    { "EMIG_ID", M_FT_UINT32, SEM_NONE },
    { "NAMESPACE", M_FT_BUF, SEM_NAMESPACE },
    { "PARTITION", M_FT_UINT32, SEM_PARTITION },
    { NULL, 0, 0 }, { NULL, 0, 0 },
    { "RECORD", M_FT_BUF, SEM_NONE },
    { "CLUSTER_KEY", M_FT_UINT64, SEM_CLUSTER_KEY },
    { "ORIG_RECORD", M_FT_BUF, SEM_NONE },
    { NULL, 0, 0 }, { NULL, 0, 0 }, { NULL, 0, 0 },
    { "INFO", M_FT_UINT32, SEM_NONE },
    { NULL, 0, 0 }, { NULL, 0, 0 }, { NULL, 0, 0 }, { NULL, 0, 0 }, { NULL, 0, 0 },
    { NULL, 0, 0 },
    { "FEATURES", M_FT_UINT32, SEM_NONE },
    { NULL, 0, 0 },
    { "META_RECORDS", M_FT_BUF, SEM_NONE },
    { "META_SEQUENCE", M_FT_UINT32, SEM_NONE },
    { "META_SEQUENCE_FINAL", M_FT_UINT32, SEM_NONE },
    { "PARTITION_SIZE", M_FT_UINT64, SEM_NONE },
    { NULL, 0, 0 }, { NULL, 0, 0 }, { NULL, 0, 0 },
    { "EMIG_INSERT_ID", M_FT_UINT64, SEM_NONE },
};

static const field_def_t tmpl_clustering[] = {
    { "ID", M_FT_UINT32, SEM_NONE },
    { "TYPE", M_FT_UINT32, SEM_TYPE },
    { "HLC_TIMESTAMP", M_FT_UINT64, SEM_HLC },
    { "SEQUENCE_NUMBER", M_FT_UINT64, SEM_NONE },
    { "CLUSTER_KEY", M_FT_UINT64, SEM_CLUSTER_KEY },
    { "SUCCESSION_LIST", M_FT_BUF, SEM_SUCCESSION },
    { "PROPOSED_PRINCIPAL", M_FT_UINT64, SEM_PRINCIPAL },
};

static const field_def_t tmpl_exchange[] = {
    { "ID", M_FT_UINT32, SEM_NONE },
    { "TYPE", M_FT_UINT32, SEM_TYPE },
    { "CLUSTER_KEY", M_FT_UINT64, SEM_CLUSTER_KEY },
    { "NAMESPACES", M_FT_MSGPACK, SEM_NONE },
    { "NS_PARTITION_VERSIONS", M_FT_MSGPACK, SEM_NONE },
    { "NS_RACK_IDS", M_FT_MSGPACK, SEM_NONE },
    { "NS_ROSTER_GENERATIONS", M_FT_MSGPACK, SEM_NONE },
    { "NS_ROSTERS", M_FT_MSGPACK, SEM_NONE },
    { "NS_ROSTERS_RACK_IDS", M_FT_MSGPACK, SEM_NONE },
    { "NS_EVENTUAL_REGIMES", M_FT_MSGPACK, SEM_NONE },
    { "NS_REBALANCE_REGIMES", M_FT_MSGPACK, SEM_NONE },
    { "NS_REBALANCE_FLAGS", M_FT_MSGPACK, SEM_NONE },
    { "COMPATIBILITY_ID", M_FT_UINT32, SEM_NONE },
    { "NS_REPLICATION_FACTORS", M_FT_MSGPACK, SEM_NONE },
    { "NS_ACTIVE_RACKS", M_FT_MSGPACK, SEM_NONE },
    { "NS_ROSTER_ACTIVE_RACKS", M_FT_MSGPACK, SEM_NONE },
};

static const field_def_t tmpl_info[] = {
    { "OP", M_FT_UINT32, SEM_OP },
    { "GEN", M_FT_UINT32, SEM_GEN },
    { "SERV", M_FT_STR, SEM_NONE },
    { "SERV_ALT", M_FT_STR, SEM_NONE },
    { "CLEAR_STD", M_FT_STR, SEM_NONE },
    { "TLS_STD", M_FT_STR, SEM_NONE },
    { "CLEAR_ALT", M_FT_STR, SEM_NONE },
    { "TLS_ALT", M_FT_STR, SEM_NONE },
    { "TLS_NAME", M_FT_STR, SEM_NONE },
};

static const field_def_t tmpl_smd[] = {
    { "TID", M_FT_UINT64, SEM_NONE },
    { "VERSION", M_FT_UINT32, SEM_NONE },
    { "CLUSTER_KEY", M_FT_UINT64, SEM_CLUSTER_KEY },
    { "OP", M_FT_UINT32, SEM_OP },
    { "MODULE_ID", M_FT_UINT32, SEM_MODULE },
    { NULL, 0, 0 }, { NULL, 0, 0 }, { NULL, 0, 0 }, { NULL, 0, 0 }, { NULL, 0, 0 },
    { "TS_ARRAY", M_FT_ARRAY_UINT64, SEM_NONE },
    { NULL, 0, 0 }, { NULL, 0, 0 },
    { "VERSION_LIST", M_FT_MSGPACK, SEM_NONE },
    { NULL, 0, 0 },
    { "KEY_LIST", M_FT_MSGPACK, SEM_NONE },
    { "VALUE_LIST", M_FT_MSGPACK, SEM_NONE },
    { "GEN_LIST", M_FT_MSGPACK, SEM_NONE },
    { "SINGLE_KEY", M_FT_STR, SEM_NONE },
    { "SINGLE_VALUE", M_FT_STR, SEM_NONE },
    { "SINGLE_GENERATION", M_FT_UINT32, SEM_NONE },
    { "SINGLE_TIMESTAMP", M_FT_UINT64, SEM_NONE },
    { "COMMITTED_CL_KEY", M_FT_UINT64, SEM_NONE },
};

typedef struct {
    const field_def_t *defs;
    guint n;
} msg_template_t;

static msg_template_t get_template(guint type)
{
    msg_template_t t = { NULL, 0 };
#define TMPL(a) do { t.defs = (a); t.n = array_length(a); } while (0)
    switch (type) {
    case M_TYPE_FABRIC:     TMPL(tmpl_fabric); break;
    case M_TYPE_HEARTBEAT:  TMPL(tmpl_heartbeat); break;
    case M_TYPE_RW:         TMPL(tmpl_rw); break;
    case M_TYPE_PROXY:      TMPL(tmpl_proxy); break;
    case M_TYPE_MIGRATE:    TMPL(tmpl_migrate); break;
    case M_TYPE_CLUSTERING: TMPL(tmpl_clustering); break;
    case M_TYPE_EXCHANGE:   TMPL(tmpl_exchange); break;
    case M_TYPE_INFO:       TMPL(tmpl_info); break;
    case M_TYPE_SMD:        TMPL(tmpl_smd); break;
    default: break;
    }
#undef TMPL
    return t;
}

/* ---------------------------------------------------------------------------------------------
 * Protocol, fields, subtrees, expert infos, preferences
 */
static int proto_aerospike_cluster = -1;

static int hf_ac_size = -1;
static int hf_ac_type = -1;
static int hf_ac_field_id = -1;
static int hf_ac_field_name = -1;
static int hf_ac_field_type = -1;
static int hf_ac_field_length = -1;
static int hf_ac_field_uint32 = -1;
static int hf_ac_field_uint64 = -1;
static int hf_ac_field_string = -1;
static int hf_ac_field_bytes = -1;
static int hf_ac_field_array_count = -1;
static int hf_ac_field_array_uint32 = -1;
static int hf_ac_field_array_uint64 = -1;
static int hf_ac_field_msgpack = -1;
static int hf_ac_mp_uint = -1;
static int hf_ac_mp_int = -1;
static int hf_ac_mp_str = -1;
static int hf_ac_mp_bin = -1;
static int hf_ac_mp_nil = -1;
static int hf_ac_mp_bool = -1;
static int hf_ac_mp_float = -1;
static int hf_ac_mp_array = -1;
static int hf_ac_mp_map = -1;
static int hf_ac_mp_ext = -1;
static int hf_ac_node_mac = -1;
static int hf_ac_node_port = -1;
static int hf_ac_hb_protocol_id = -1;
static int hf_ac_hb_type = -1;
static int hf_ac_hb_node = -1;
static int hf_ac_hb_cluster_name = -1;
static int hf_ac_hb_hlc = -1;
static int hf_ac_hb_hlc_logical = -1;
static int hf_ac_hb_hlc_skew = -1;
static int hf_ac_hb_endpoint_count = -1;
static int hf_ac_hb_endpoint_caps = -1;
static int hf_ac_hb_endpoint_tls = -1;
static int hf_ac_hb_endpoint_addr_type = -1;
static int hf_ac_hb_endpoint_addr = -1;
static int hf_ac_hb_endpoint_addr6 = -1;
static int hf_ac_hb_endpoint_port = -1;
static int hf_ac_hb_info_request_node = -1;
static int hf_ac_hb_info_reply_node = -1;
static int hf_ac_hb_adjacent_count = -1;
static int hf_ac_hb_adjacent_node = -1;
static int hf_ac_hb_clustering_id = -1;
static int hf_ac_hb_cluster_key = -1;
static int hf_ac_hb_paxos_sequence = -1;
static int hf_ac_hb_preferred_principal = -1;
static int hf_ac_hb_succession_count = -1;
static int hf_ac_hb_succession_node = -1;
static int hf_ac_hb_succession_differs = -1;
static int hf_ac_hb_skew_clock = -1;
static int hf_ac_hb_inflated_length = -1;
static int hf_ac_fabric_node = -1;
static int hf_ac_fabric_channel = -1;
static int hf_ac_fabric_handshake_in = -1;
static int hf_ac_fabric_namespace = -1;
static int hf_ac_fabric_digest = -1;
static int hf_ac_fabric_cluster_key = -1;
static int hf_ac_fabric_hlc = -1;
static int hf_ac_fabric_hlc_logical = -1;
static int hf_ac_fabric_succession_node = -1;
static int hf_ac_fabric_principal = -1;
static int hf_ac_fabric_redirect = -1;
static int hf_ac_fabric_username = -1;
static int hf_ac_fabric_last_update_time = -1;
static int hf_ac_fabric_rw_op = -1;
static int hf_ac_fabric_proxy_op = -1;

static gint ett_aerospike_cluster = -1;
static gint ett_ac_field = -1;
static gint ett_ac_node = -1;
static gint ett_ac_endpoints = -1;
static gint ett_ac_endpoint = -1;
static gint ett_ac_nodes = -1;
static gint ett_ac_paxos = -1;
static gint ett_ac_inner = -1;
static gint ett_ac_array = -1;
static gint ett_ac_msgpack = -1;

static expert_field ei_ac_bad_header = EI_INIT;
static expert_field ei_ac_truncated = EI_INIT;
static expert_field ei_ac_unknown_field = EI_INIT;
static expert_field ei_ac_unknown_ftype = EI_INIT;
static expert_field ei_ac_ftype_mismatch = EI_INIT;
static expert_field ei_ac_unknown_msg_type = EI_INIT;
static expert_field ei_ac_hb_bad_protocol_id = EI_INIT;
static expert_field ei_ac_clustering_bad_id = EI_INIT;
static expert_field ei_ac_hlc_skew = EI_INIT;
static expert_field ei_ac_succession_differs = EI_INIT;
static expert_field ei_ac_bad_endpoint = EI_INIT;
static expert_field ei_ac_trailing = EI_INIT;
static expert_field ei_ac_inflate_failed = EI_INIT;
static expert_field ei_ac_nested_compressed = EI_INIT;
static expert_field ei_ac_compressed_too_large = EI_INIT;
static expert_field ei_ac_inner_not_heartbeat = EI_INIT;
static expert_field ei_ac_string_no_nul = EI_INIT;
static expert_field ei_ac_array_length = EI_INIT;
static expert_field ei_ac_list_cut = EI_INIT;
static expert_field ei_ac_msgpack_bad = EI_INIT;
static expert_field ei_ac_no_service_dissector = EI_INIT;
static expert_field ei_ac_bad_length = EI_INIT;

static ts_bool pref_desegment = TRUE;
static guint pref_hlc_skew_s = 5;
static guint pref_succession_window_ms = 1000;
static guint pref_max_msg_size = MSG_DEFAULT_MAX_SIZE;

static dissector_handle_t aerospike_cluster_tcp_handle;
static dissector_handle_t aerospike_cluster_udp_handle;
static dissector_handle_t msgpack_handle;
static dissector_handle_t aerospike_service_handle;

/* ---------------------------------------------------------------------------------------------
 * Per-capture and per-PDU state
 */

/* The latest succession list each node announced (first pass only). */
typedef struct {
    guint64 node;
    nstime_t ts;
    guint32 frame;
    guint32 n;
    guint64 *list;     /* file scope */
} node_succession_t;

/* What the first pass concluded about one heartbeat's succession list. */
typedef struct {
    gboolean differs;
    guint64 other_node;
    guint32 other_frame;
    guint32 other_n;
    guint32 this_n;
} succession_result_t;

/* The FABRIC handshake of a fabric connection. */
typedef struct {
    guint64 node;
    guint32 channel;
    guint32 frame;
    gboolean has_channel;
} fabric_conv_t;

static wmem_map_t *succession_by_node;   /* guint64* -> node_succession_t* (autoreset) */

/* Per-msg results of the first pass (transactions.c storage, keyed by the msg's index in the
 * frame): the succession check of a heartbeat, the fabric handshake a msg belongs to. */
#define SLOT_SUCCESSION   TS_PDU_SLOT_0
#define SLOT_FABRIC_CONV  TS_PDU_SLOT_1

/* Facts of one msg collected for the Info column. */
typedef struct {
    guint type;
    guint depth;
    guint32 pdu_index;
    gboolean has_hb_type;   guint32 hb_type;
    gboolean has_node;      guint64 node;
    gboolean has_ck;        guint64 cluster_key;
    gboolean has_succ;      guint32 succ_n;
    guint64 *succ_list;     /* pinfo->pool */
    gboolean has_channel;   guint32 channel;
    gboolean has_op;        guint32 op;
    gboolean has_tid;       guint32 tid;
    gboolean has_type2;     guint32 type2;
    gboolean has_part;      guint32 partition;
    gboolean has_module;    guint32 module;
    gboolean has_gen;       guint32 gen;
    gboolean has_hlc;       guint64 hlc_ms;
    gboolean has_adj;       guint32 adj_n;
    gboolean has_info_req;  guint32 info_req_n;
    gboolean has_info_rep;  guint32 info_rep_n;
    const char *cluster_name;
    const char *ns;
    const char *inner_summary;   /* compressed heartbeat: what it contained */
    guint32 inflated_len;
    /* PROXY: the client proto to hand over after the field loop */
    tvbuff_t *as_proto_tvb;
    proto_tree *as_proto_tree;
} msg_info_t;

/* ---------------------------------------------------------------------------------------------
 * Helpers
 */

static const char *node_str(packet_info *pinfo, guint64 node)
{
    return wmem_strdup_printf(pinfo->pool, "%" PRIX64, node);
}

/* A node id: value in the way Aerospike logs print it, with its MAC and port parts below.
 * little_endian: the id sits in host (LE) order inside a plugin buffer; else a BE uint64 field. */
static guint64 add_node(proto_tree *tree, int hf, tvbuff_t *tvb, int off, gboolean little_endian)
{
    guint64 v = little_endian ? tvb_get_letoh64(tvb, off) : tvb_get_ntoh64(tvb, off);
    proto_item *ti = proto_tree_add_uint64_format_value(tree, hf, tvb, off, 8, v, "%" PRIX64, v);
    proto_tree *st = proto_item_add_subtree(ti, ett_ac_node);
    guint8 mac[6];
    for (int i = 0; i < 6; i++)
        mac[i] = (guint8)(v >> (8 * i));
    guint16 port = (guint16)(v >> 48);
    proto_tree_add_ether(st, hf_ac_node_mac, tvb, little_endian ? off : off + 2, 6, mac);
    proto_tree_add_uint(st, hf_ac_node_port, tvb, little_endian ? off + 6 : off, 2, port);
    proto_item_append_text(ti, " (MAC %02x:%02x:%02x:%02x:%02x:%02x, port %u)",
                           mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], port);
    return v;
}

/* HLC: upper 48 bits milliseconds since the Unix epoch, lower 16 bits a logical counter. */
static void add_hlc(proto_tree *tree, int hf_time, int hf_logical, tvbuff_t *tvb, int off, guint64 v)
{
    guint64 ms = v >> 16;
    nstime_t t = ts_nstime_from_ms(ms);
    proto_item *ti = proto_tree_add_time(tree, hf_time, tvb, off, 6, &t);
    proto_item_append_text(ti, " (logical %u)", (guint)(v & 0xFFFF));
    proto_tree_add_uint(tree, hf_logical, tvb, off + 6, 2, (guint32)(v & 0xFFFF));
}

/* A list of node ids in host order. Returns how many were there. */
static guint32 add_node_list(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int len,
                             int hf, const char *what, guint64 **out_list)
{
    guint32 n = (guint32)(len / 8);
    proto_tree *st = proto_tree_add_subtree_format(tree, tvb, off, len, ett_ac_nodes, NULL,
                                                   "%s: %u node%s", what, n, plurality(n, "", "s"));
    if (len % 8)
        expert_add_info_format(pinfo, st ? proto_tree_get_parent(st) : NULL, &ei_ac_bad_length,
                               "%s length %d is not a multiple of 8", what, len);
    if (out_list)
        *out_list = n ? wmem_alloc_array(pinfo->pool, guint64, MIN(n, MAX_LIST_ITEMS)) : NULL;
    for (guint32 i = 0; i < n; i++) {
        if (i == MAX_LIST_ITEMS) {
            expert_add_info_format(pinfo, proto_tree_get_parent(st), &ei_ac_list_cut,
                                   "Only the first %u of %u node ids are shown", MAX_LIST_ITEMS, n);
            break;
        }
        guint64 v = add_node(st, hf, tvb, off + 8 * (int)i, TRUE);
        if (out_list)
            (*out_list)[i] = v;
    }
    return n;
}

/* Endpoint list (as_endpoint_list). Returns the offset after it, or -1 when it cannot be parsed
 * further. first_out: the first endpoint as "addr:port" (pinfo->pool) when wanted. */
static int add_endpoint_list(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int end,
                             const char *what)
{
    if (end - off < 1) {
        proto_tree_add_expert_format(tree, pinfo, &ei_ac_bad_endpoint, tvb, off, end - off,
                                     "%s: empty buffer (no endpoint count)", what);
        return -1;
    }
    guint32 n = tvb_get_uint8(tvb, off);
    proto_item *lti;
    proto_tree *lt = proto_tree_add_subtree_format(tree, tvb, off, 1, ett_ac_endpoints, &lti,
                                                   "%s: %u endpoint%s", what, n, plurality(n, "", "s"));
    proto_tree_add_item(lt, hf_ac_hb_endpoint_count, tvb, off, 1, ENC_NA);
    int p = off + 1;
    for (guint32 i = 0; i < n; i++) {
        if (end - p < 4) {
            proto_tree_add_expert_format(lt, pinfo, &ei_ac_bad_endpoint, tvb, p, end - p,
                                         "Endpoint %u of %u truncated (%d bytes left)", i + 1, n, end - p);
            proto_item_set_len(lti, end - off);
            return -1;
        }
        guint8 atype = tvb_get_uint8(tvb, p + 1);
        int alen = atype == 1 ? 4 : atype == 2 ? 16 : -1;
        if (alen < 0) {
            proto_tree_add_expert_format(lt, pinfo, &ei_ac_bad_endpoint, tvb, p + 1, 1,
                                         "Endpoint %u: unknown address type %u, rest of the list not decoded",
                                         i + 1, atype);
            proto_item_set_len(lti, end - off);
            return -1;
        }
        if (end - p < 4 + alen) {
            proto_tree_add_expert_format(lt, pinfo, &ei_ac_bad_endpoint, tvb, p, end - p,
                                         "Endpoint %u of %u truncated (%d bytes left, %d needed)",
                                         i + 1, n, end - p, 4 + alen);
            proto_item_set_len(lti, end - off);
            return -1;
        }
        guint16 port = tvb_get_letohs(tvb, p + 2);
        proto_item *eti;
        proto_tree *et = proto_tree_add_subtree(lt, tvb, p, 4 + alen, ett_ac_endpoint, &eti, "Endpoint");
        proto_tree_add_item(et, hf_ac_hb_endpoint_caps, tvb, p, 1, ENC_NA);
        proto_tree_add_item(et, hf_ac_hb_endpoint_tls, tvb, p, 1, ENC_NA);
        proto_tree_add_item(et, hf_ac_hb_endpoint_addr_type, tvb, p + 1, 1, ENC_NA);
        proto_tree_add_item(et, hf_ac_hb_endpoint_port, tvb, p + 2, 2, ENC_LITTLE_ENDIAN);
        if (alen == 4) {
            proto_tree_add_item(et, hf_ac_hb_endpoint_addr, tvb, p + 4, 4, ENC_BIG_ENDIAN);
            proto_item_append_text(eti, " %s:%u", tvb_ip_to_str(pinfo->pool, tvb, p + 4), port);
        } else {
            proto_tree_add_item(et, hf_ac_hb_endpoint_addr6, tvb, p + 4, 16, ENC_NA);
            proto_item_append_text(eti, " [%s]:%u", tvb_ip6_to_str(pinfo->pool, tvb, p + 4), port);
        }
        if (tvb_get_uint8(tvb, p) & 0x01)
            proto_item_append_text(eti, " (TLS)");
        p += 4 + alen;
    }
    proto_item_set_len(lti, p - off);
    return p;
}

/* ---------------------------------------------------------------------------------------------
 * MessagePack: validated with the shared bounded walker (msgpack.c), then shown through
 * Wireshark's msgpack dissector when it shows every value used correctly (the 4.0 one lacks
 * uint8-32, int8-32, bin, ext8-32, array16/32, map16/32 and shows negative fixints unsigned),
 * otherwise by a small renderer of our own (the walker's callbacks below).
 */
static void *mp_render_enter(msgpack_walker_t *w, const msgpack_item_t *it, void *parent)
{
    proto_item *ti = proto_tree_add_uint((proto_tree *)parent, it->kind == MSGPACK_MAP ? hf_ac_mp_map : hf_ac_mp_array,
                                         w->tvb, it->offset, it->hdr_len, it->count);
    return proto_item_add_subtree(ti, ett_ac_msgpack);
}

static void mp_render_leave(msgpack_walker_t *w _U_, const msgpack_item_t *it, int end, void *ctx)
{
    proto_item_set_len(proto_tree_get_parent((proto_tree *)ctx), end - it->offset);
}

static void mp_render_value(msgpack_walker_t *w, const msgpack_item_t *it, void *parent)
{
    proto_tree *tree = (proto_tree *)parent;
    tvbuff_t *tvb = w->tvb;
    packet_info *pinfo = (packet_info *)w->user;
    switch (it->kind) {
    case MSGPACK_UINT:
        proto_tree_add_uint64(tree, hf_ac_mp_uint, tvb, it->offset, it->length, it->u);
        break;
    case MSGPACK_INT:
        proto_tree_add_int64(tree, hf_ac_mp_int, tvb, it->offset, it->length, it->i);
        break;
    case MSGPACK_STR: {
        const char *s = (const char *)tvb_get_string_enc(pinfo->pool, tvb, it->data_offset, (gint)it->data_len, ENC_UTF_8);
        proto_tree_add_string(tree, hf_ac_mp_str, tvb, it->offset, it->length, s);
        break;
    }
    case MSGPACK_NIL:
        proto_tree_add_item(tree, hf_ac_mp_nil, tvb, it->offset, 1, ENC_NA);
        break;
    case MSGPACK_BOOL:
        proto_tree_add_boolean(tree, hf_ac_mp_bool, tvb, it->offset, 1, it->b);
        break;
    case MSGPACK_BIN:
        proto_tree_add_item(tree, hf_ac_mp_bin, tvb, it->data_offset, (gint)it->data_len, ENC_NA);
        break;
    case MSGPACK_EXT:
        proto_tree_add_item(tree, hf_ac_mp_ext, tvb, it->data_offset, (gint)it->data_len, ENC_NA);
        break;
    case MSGPACK_FLOAT:
        proto_tree_add_double(tree, hf_ac_mp_float, tvb, it->offset, it->length, it->f);
        break;
    case MSGPACK_ARRAY:
    case MSGPACK_MAP:
        break;
    }
}

static void dissect_msgpack_value(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int len,
                                  const char *label)
{
    if (len == 0)
        return;
    proto_item *ti = proto_tree_add_item(tree, hf_ac_field_msgpack, tvb, off, len, ENC_NA);
    proto_tree *st = proto_item_add_subtree(ti, ett_ac_msgpack);
    int end = off + len;
    /* Validate every object of the value first (an Aerospike MSGPACK field holds one list). */
    msgpack_walker_t scan;
    msgpack_walker_init(&scan, tvb, end);
    scan.max_depth = MP_MAX_DEPTH;
    scan.max_values = MP_MAX_ELEMENTS;
    int p = off;
    guint objects = 0;
    while (p < end) {
        p = msgpack_walk(&scan, p, 0, NULL);
        if (p < 0)
            break;
        objects++;
    }
    if (p < 0) {
        expert_add_info_format(pinfo, ti, &ei_ac_msgpack_bad,
                               "MessagePack value is malformed, nested deeper than %u or has more than %u elements",
                               MP_MAX_DEPTH, MP_MAX_ELEMENTS);
        return;
    }
    p = off;
    if (scan.ws_ok && msgpack_handle) {
        for (guint i = 0; i < objects && p < end; i++) {
            tvbuff_t *sub = tvb_new_subset_length(tvb, p, end - p);
            int used = call_dissector_with_data(msgpack_handle, sub, pinfo, st, (void *)label);
            if (used <= 0)
                break;
            p += used;
        }
        if (p >= end)
            return;
        /* the msgpack dissector stopped early: show the rest ourselves */
    }
    msgpack_walker_t render;
    msgpack_walker_init(&render, tvb, end);
    render.max_depth = MP_MAX_DEPTH;
    render.enter = mp_render_enter;
    render.leave = mp_render_leave;
    render.value = mp_render_value;
    render.user = pinfo;
    while (p >= 0 && p < end)
        p = msgpack_walk(&render, p, 0, st);
}

/* ---------------------------------------------------------------------------------------------
 * Heartbeat plugin data
 */

static void dissect_paxos_data(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int len,
                               msg_info_t *mi)
{
    int end = off + len;
    proto_tree *pt = proto_tree_add_subtree(tree, tvb, off, len, ett_ac_paxos, NULL, "Clustering data");
    if (len == 0)
        return;
    if (len < 4 + 8 + 8 + 8 + 4) {
        proto_tree_add_expert_format(pt, pinfo, &ei_ac_truncated, tvb, off, len,
                                     "Clustering data truncated: %d bytes, at least 32 needed", len);
        return;
    }
    guint32 id;
    proto_item *iti = proto_tree_add_item_ret_uint(pt, hf_ac_hb_clustering_id, tvb, off, 4, ENC_LITTLE_ENDIAN, &id);
    if (id != CLUSTERING_PROTOCOL_ID)
        expert_add_info_format(pinfo, iti, &ei_ac_clustering_bad_id,
                               "Clustering protocol identifier 0x%08x, expected 0x%08x", id, CLUSTERING_PROTOCOL_ID);
    guint64 ck = tvb_get_letoh64(tvb, off + 4);
    proto_tree_add_uint64_format_value(pt, hf_ac_hb_cluster_key, tvb, off + 4, 8, ck, "%" PRIX64, ck);
    mi->has_ck = TRUE;
    mi->cluster_key = ck;
    proto_tree_add_item(pt, hf_ac_hb_paxos_sequence, tvb, off + 12, 8, ENC_LITTLE_ENDIAN);
    guint64 pp = tvb_get_letoh64(tvb, off + 20);
    if (pp)
        add_node(pt, hf_ac_hb_preferred_principal, tvb, off + 20, TRUE);
    else
        proto_tree_add_uint64_format_value(pt, hf_ac_hb_preferred_principal, tvb, off + 20, 8, 0, "none (0)");
    guint32 n;
    proto_item *nti = proto_tree_add_item_ret_uint(pt, hf_ac_hb_succession_count, tvb, off + 28, 4, ENC_LITTLE_ENDIAN, &n);
    int p = off + 32;
    guint32 avail = (guint32)((end - p) / 8);
    if (n > avail) {
        expert_add_info_format(pinfo, nti, &ei_ac_truncated,
                               "Succession list of %u nodes, only %u fit in the buffer", n, avail);
        n = avail;
    }
    guint64 *list = NULL;
    add_node_list(tvb, pinfo, pt, p, (int)n * 8, hf_ac_hb_succession_node, "Succession list", &list);
    mi->has_succ = TRUE;
    mi->succ_n = n;
    mi->succ_list = list;
    p += (int)n * 8;
    if (p < end)
        proto_tree_add_expert_format(pt, pinfo, &ei_ac_trailing, tvb, p, end - p,
                                     "%d bytes after the succession list", end - p);
}

static void dissect_info_reply(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int len,
                               msg_info_t *mi)
{
    int end = off + len;
    int p = off;
    guint32 n = 0;
    proto_tree *rt = proto_tree_add_subtree(tree, tvb, off, len, ett_ac_nodes, NULL, "Info reply");
    while (p < end) {
        if (n == MAX_LIST_ITEMS) {
            proto_tree_add_expert_format(rt, pinfo, &ei_ac_list_cut, tvb, p, end - p,
                                         "Only the first %u info reply entries are shown", MAX_LIST_ITEMS);
            break;
        }
        if (end - p < 8) {
            proto_tree_add_expert_format(rt, pinfo, &ei_ac_truncated, tvb, p, end - p,
                                         "Info reply entry truncated (%d bytes left)", end - p);
            break;
        }
        add_node(rt, hf_ac_hb_info_reply_node, tvb, p, TRUE);
        n++;
        p = add_endpoint_list(tvb, pinfo, rt, p + 8, end, "Endpoints of the node");
        if (p < 0)
            break;
    }
    mi->has_info_rep = TRUE;
    mi->info_rep_n = n;
}

/* ---------------------------------------------------------------------------------------------
 * Succession list tracking (expert note when nodes disagree)
 */

typedef struct {
    msg_info_t *mi;
    packet_info *pinfo;
    succession_result_t *res;
    double best;
    guint32 shown;
} succession_walk_ctx_t;

static void succession_walk(gpointer key _U_, gpointer value, gpointer user_data)
{
    succession_walk_ctx_t *c = (succession_walk_ctx_t *)user_data;
    node_succession_t *o = (node_succession_t *)value;
    if (o->node == c->mi->node)
        return;
    nstime_t d;
    nstime_delta(&d, &c->pinfo->abs_ts, &o->ts);
    double age = fabs(nstime_to_sec(&d));
    if (age * 1000.0 > (double)pref_succession_window_ms)
        return;
    gboolean same = (o->n == c->shown) &&
                    (c->shown == 0 || memcmp(o->list, c->mi->succ_list, c->shown * sizeof(guint64)) == 0);
    if (same)
        return;
    if (c->best < 0 || age < c->best) {
        c->best = age;
        c->res->differs = TRUE;
        c->res->other_node = o->node;
        c->res->other_frame = o->frame;
        c->res->other_n = o->n;
    }
}

/* First pass: compare this node's succession list with the latest list of every other node heard
 * within the window, then remember it. Later passes: the stored result. */
static succession_result_t *check_succession(packet_info *pinfo, msg_info_t *mi)
{
    if (PINFO_FD_VISITED(pinfo))
        return (succession_result_t *)ts_pdu_data_get(pinfo, proto_aerospike_cluster, SLOT_SUCCESSION, mi->pdu_index);

    succession_result_t *res = wmem_new0(wmem_file_scope(), succession_result_t);
    guint32 shown = MIN(mi->succ_n, MAX_LIST_ITEMS);
    res->this_n = mi->succ_n;
    succession_walk_ctx_t ctx = { mi, pinfo, res, -1.0, shown };
    wmem_map_foreach(succession_by_node, succession_walk, &ctx);

    node_succession_t *mine = (node_succession_t *)wmem_map_lookup(succession_by_node, &mi->node);
    if (!mine && wmem_map_size(succession_by_node) < MAX_TRACKED_NODES) {
        mine = wmem_new0(wmem_file_scope(), node_succession_t);
        mine->node = mi->node;
        guint64 *k = wmem_new(wmem_file_scope(), guint64);
        *k = mi->node;
        wmem_map_insert(succession_by_node, k, mine);
    }
    if (mine) {
        mine->ts = pinfo->abs_ts;
        mine->frame = pinfo->num;
        mine->n = shown;
        mine->list = shown ? (guint64 *)wmem_memdup(wmem_file_scope(), mi->succ_list, shown * sizeof(guint64)) : NULL;
    }
    ts_pdu_data_set(pinfo, proto_aerospike_cluster, SLOT_SUCCESSION, mi->pdu_index, res);
    return res;
}

/* ---------------------------------------------------------------------------------------------
 * The msg dissector
 */

/* Strict header check: a known, used msg type and a plausible size. A FABRIC handshake carries
 * a node id and a channel (18 bytes); more than FABRIC_MAX_SIZE is not a handshake. */
static gboolean msg_type_size_valid(guint32 type, guint32 size)
{
    if (type >= MSG_TYPE_LIMIT || size > pref_max_msg_size)
        return FALSE;
    if (type == 13 || type == 14 || type == 16 || type == 17)     /* UNUSED_* */
        return FALSE;
    if (type == M_TYPE_FABRIC && size > FABRIC_MAX_SIZE)
        return FALSE;
    return TRUE;
}

static gboolean msg_header_valid(tvbuff_t *tvb, int off)
{
    if (tvb_captured_length_remaining(tvb, off) < MSG_HEADER_LEN)
        return TRUE;    /* cannot tell yet */
    return msg_type_size_valid(tvb_get_ntohs(tvb, off + 4), tvb_get_ntohl(tvb, off));
}

static int dissect_msg(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, guint depth,
                       const char **summary_out);

/* The semantic part of one field whose wire type matches its template. */
static void dissect_field_semantics(tvbuff_t *tvb, packet_info *pinfo, proto_tree *ft, proto_item *fti,
                                    const field_def_t *def, int voff, int vlen,
                                    msg_info_t *mi)
{
    switch (def->sem) {
    case SEM_HB_ID: {
        guint32 v;
        proto_item *ti = proto_tree_add_item_ret_uint(ft, hf_ac_hb_protocol_id, tvb, voff, 4, ENC_BIG_ENDIAN, &v);
        if (v != HB_PROTOCOL_ID)
            expert_add_info_format(pinfo, ti, &ei_ac_hb_bad_protocol_id,
                                   "Heartbeat protocol identifier 0x%08x, expected 0x%08x (v3)", v, HB_PROTOCOL_ID);
        break;
    }
    case SEM_HB_TYPE:
        proto_tree_add_item_ret_uint(ft, hf_ac_hb_type, tvb, voff, 4, ENC_BIG_ENDIAN, &mi->hb_type);
        mi->has_hb_type = TRUE;
        proto_item_append_text(fti, " = %s", ts_val_to_str(pinfo->pool, mi->hb_type, aerospike_cluster_hb_type_vals, "unknown (%u)"));
        break;
    case SEM_HB_NODE:
    case SEM_FAB_NODE:
        mi->node = add_node(ft, def->sem == SEM_HB_NODE ? hf_ac_hb_node : hf_ac_fabric_node, tvb, voff, FALSE);
        mi->has_node = TRUE;
        proto_item_append_text(fti, " = %s", node_str(pinfo, mi->node));
        break;
    case SEM_HB_CLUSTER_NAME:
        mi->cluster_name = (const char *)tvb_get_string_enc(pinfo->pool, tvb, voff,
                                                            vlen > 0 && tvb_get_uint8(tvb, voff + vlen - 1) == 0 ? vlen - 1 : vlen,
                                                            ENC_UTF_8);
        proto_tree_add_string(ft, hf_ac_hb_cluster_name, tvb, voff, vlen, mi->cluster_name);
        break;
    case SEM_HB_HLC:
    case SEM_HLC: {
        guint64 v = tvb_get_ntoh64(tvb, voff);
        gboolean hb = def->sem == SEM_HB_HLC;
        add_hlc(ft, hb ? hf_ac_hb_hlc : hf_ac_fabric_hlc, hb ? hf_ac_hb_hlc_logical : hf_ac_fabric_hlc_logical,
                tvb, voff, v);
        mi->has_hlc = TRUE;
        mi->hlc_ms = v >> 16;
        if (hb) {
            /* skew against the capture time */
            gint64 cap_ms = (gint64)pinfo->abs_ts.secs * 1000 + pinfo->abs_ts.nsecs / 1000000;
            gint64 delta = (gint64)mi->hlc_ms - cap_ms;
            nstime_t d = ts_nstime_from_signed_ms(delta);
            proto_item *sti = proto_tree_add_time(ft, hf_ac_hb_hlc_skew, tvb, voff, 8, &d);
            proto_item_set_generated(sti);
            gint64 adelta = delta < 0 ? -delta : delta;
            if (pref_hlc_skew_s && adelta > (gint64)pref_hlc_skew_s * 1000)
                expert_add_info_format(pinfo, sti, &ei_ac_hlc_skew,
                                       "HLC of the sender runs %" PRId64 ".%03" PRId64 " s %s the capture time (threshold %u s)",
                                       adelta / 1000, adelta % 1000, delta < 0 ? "behind" : "ahead of", pref_hlc_skew_s);
        }
        break;
    }
    case SEM_HB_ENDPOINTS:
    case SEM_HB_FABRIC_DATA: {
        int e = add_endpoint_list(tvb, pinfo, ft, voff, voff + vlen,
                                  def->sem == SEM_HB_ENDPOINTS ? "Heartbeat endpoints" : "Fabric endpoints");
        if (e >= 0 && e < voff + vlen)
            proto_tree_add_expert_format(ft, pinfo, &ei_ac_trailing, tvb, e, voff + vlen - e,
                                         "%d bytes after the endpoint list", voff + vlen - e);
        break;
    }
    case SEM_HB_INFO_REQUEST:
        mi->info_req_n = add_node_list(tvb, pinfo, ft, voff, vlen, hf_ac_hb_info_request_node, "Info request", NULL);
        mi->has_info_req = TRUE;
        break;
    case SEM_HB_INFO_REPLY:
        dissect_info_reply(tvb, pinfo, ft, voff, vlen, mi);
        break;
    case SEM_HB_ADJACENCY: {
        mi->adj_n = add_node_list(tvb, pinfo, ft, voff, vlen, hf_ac_hb_adjacent_node, "Adjacency list", NULL);
        mi->has_adj = TRUE;
        proto_item *ti = proto_tree_add_uint(ft, hf_ac_hb_adjacent_count, tvb, voff, vlen, mi->adj_n);
        proto_item_set_generated(ti);
        break;
    }
    case SEM_HB_PAXOS:
        dissect_paxos_data(tvb, pinfo, ft, voff, vlen, mi);
        break;
    case SEM_FAB_CHANNEL:
        proto_tree_add_item_ret_uint(ft, hf_ac_fabric_channel, tvb, voff, 4, ENC_BIG_ENDIAN, &mi->channel);
        mi->has_channel = TRUE;
        proto_item_append_text(fti, " = %s", ts_val_to_str(pinfo->pool, mi->channel, aerospike_cluster_channel_vals, "unknown (%u)"));
        break;
    case SEM_NAMESPACE:
        mi->ns = (const char *)tvb_get_string_enc(pinfo->pool, tvb, voff,
                                                  vlen > 0 && tvb_get_uint8(tvb, voff + vlen - 1) == 0 ? vlen - 1 : vlen,
                                                  ENC_UTF_8);
        proto_tree_add_string(ft, hf_ac_fabric_namespace, tvb, voff, vlen, mi->ns);
        proto_item_append_text(fti, " = %s", mi->ns);
        break;
    case SEM_USERNAME: {
        const char *u = (const char *)tvb_get_string_enc(pinfo->pool, tvb, voff, vlen, ENC_UTF_8);
        proto_tree_add_string(ft, hf_ac_fabric_username, tvb, voff, vlen, u);
        proto_item_append_text(fti, " = %s", u);
        break;
    }
    case SEM_DIGEST:
        if (vlen > 0)
            proto_tree_add_item(ft, hf_ac_fabric_digest, tvb, voff, vlen, ENC_NA);
        break;
    case SEM_CLUSTER_KEY: {
        guint64 ck = tvb_get_ntoh64(tvb, voff);
        proto_tree_add_uint64_format_value(ft, hf_ac_fabric_cluster_key, tvb, voff, 8, ck, "%" PRIX64, ck);
        proto_item_append_text(fti, " = %" PRIX64, ck);
        mi->has_ck = TRUE;
        mi->cluster_key = ck;
        break;
    }
    case SEM_SUCCESSION: {
        guint64 *list = NULL;
        mi->succ_n = add_node_list(tvb, pinfo, ft, voff, vlen, hf_ac_fabric_succession_node, "Succession list", &list);
        mi->succ_list = list;
        mi->has_succ = TRUE;
        break;
    }
    case SEM_PRINCIPAL:
        add_node(ft, hf_ac_fabric_principal, tvb, voff, FALSE);
        break;
    case SEM_REDIRECT:
        add_node(ft, hf_ac_fabric_redirect, tvb, voff, FALSE);
        break;
    case SEM_LUT: {
        guint64 ms = tvb_get_ntoh64(tvb, voff);
        nstime_t t = ts_nstime_from_ms(ms);
        t.secs += CITRUSLEAF_EPOCH;
        proto_tree_add_time(ft, hf_ac_fabric_last_update_time, tvb, voff, 8, &t);
        break;
    }
    case SEM_AS_PROTO:
        if (vlen > 0) {
            mi->as_proto_tvb = tvb_new_subset_length(tvb, voff, vlen);
            mi->as_proto_tree = ft;
        }
        break;
    case SEM_OP:
        mi->op = tvb_get_ntohl(tvb, voff);
        mi->has_op = TRUE;
        if (mi->type == M_TYPE_RW) {
            proto_tree_add_item(ft, hf_ac_fabric_rw_op, tvb, voff, 4, ENC_BIG_ENDIAN);
            proto_item_append_text(fti, " = %s", ts_val_to_str(pinfo->pool, mi->op, aerospike_cluster_rw_op_vals, "unknown (%u)"));
        } else if (mi->type == M_TYPE_PROXY) {
            proto_tree_add_item(ft, hf_ac_fabric_proxy_op, tvb, voff, 4, ENC_BIG_ENDIAN);
            proto_item_append_text(fti, " = %s", ts_val_to_str(pinfo->pool, mi->op, aerospike_cluster_proxy_op_vals, "unknown (%u)"));
        }
        break;
    case SEM_TID:       mi->tid = tvb_get_ntohl(tvb, voff); mi->has_tid = TRUE; break;
    case SEM_TYPE:      mi->type2 = tvb_get_ntohl(tvb, voff); mi->has_type2 = TRUE; break;
    case SEM_PARTITION: mi->partition = tvb_get_ntohl(tvb, voff); mi->has_part = TRUE; break;
    case SEM_MODULE:    mi->module = tvb_get_ntohl(tvb, voff); mi->has_module = TRUE; break;
    case SEM_GEN:       mi->gen = tvb_get_ntohl(tvb, voff); mi->has_gen = TRUE; break;
    case SEM_HB_SKEW: {
        guint64 ms = tvb_get_ntoh64(tvb, voff);
        nstime_t t = ts_nstime_from_ms(ms);
        proto_tree_add_time(ft, hf_ac_hb_skew_clock, tvb, voff, 8, &t);
        break;
    }
    default:
        break;
    }
}

/* The generic part of one field: its value by field type. */
static void dissect_field_value(tvbuff_t *tvb, packet_info *pinfo, proto_tree *ft, proto_item *fti,
                                guint8 ftype, int voff, int vlen, const char *label)
{
    switch (ftype) {
    case M_FT_UINT32: {
        guint32 v;
        proto_tree_add_item_ret_uint(ft, hf_ac_field_uint32, tvb, voff, 4, ENC_BIG_ENDIAN, &v);
        proto_item_append_text(fti, " = %u", v);
        break;
    }
    case M_FT_UINT64: {
        guint64 v;
        proto_tree_add_item_ret_uint64(ft, hf_ac_field_uint64, tvb, voff, 8, ENC_BIG_ENDIAN, &v);
        proto_item_append_text(fti, " = %" PRIu64, v);
        break;
    }
    case M_FT_STR: {
        gboolean nul = vlen > 0 && tvb_get_uint8(tvb, voff + vlen - 1) == 0;
        const char *str = (const char *)tvb_get_string_enc(pinfo->pool, tvb, voff, nul ? vlen - 1 : vlen, ENC_UTF_8);
        proto_item *ti = proto_tree_add_string(ft, hf_ac_field_string, tvb, voff, vlen, str);
        proto_item_append_text(fti, " = \"%s\"", str);
        if (!nul)
            expert_add_info(pinfo, ti, &ei_ac_string_no_nul);
        break;
    }
    case M_FT_ARRAY_UINT32:
    case M_FT_ARRAY_UINT64: {
        int esz = ftype == M_FT_ARRAY_UINT32 ? 4 : 8;
        guint32 n = (guint32)(vlen / esz);
        proto_item *cti = proto_tree_add_uint(ft, hf_ac_field_array_count, tvb, voff, vlen, n);
        proto_item_set_generated(cti);
        proto_item_append_text(fti, " = [%u element%s]", n, plurality(n, "", "s"));
        if (vlen % esz)
            expert_add_info_format(pinfo, cti, &ei_ac_array_length,
                                   "Array length %d is not a multiple of %d", vlen, esz);
        proto_tree *at = proto_item_add_subtree(cti, ett_ac_array);
        for (guint32 i = 0; i < n; i++) {
            if (i == MAX_LIST_ITEMS) {
                expert_add_info_format(pinfo, cti, &ei_ac_list_cut, "Only the first %u of %u elements are shown",
                                       MAX_LIST_ITEMS, n);
                break;
            }
            proto_tree_add_item(at, esz == 4 ? hf_ac_field_array_uint32 : hf_ac_field_array_uint64,
                                tvb, voff + (int)i * esz, esz, ENC_BIG_ENDIAN);
        }
        break;
    }
    case M_FT_MSGPACK:
        dissect_msgpack_value(tvb, pinfo, ft, voff, vlen, label);
        break;
    default:    /* buffers, legacy arrays, unknown types */
        if (vlen > 0)
            proto_tree_add_item(ft, hf_ac_field_bytes, tvb, voff, vlen, ENC_NA);
        else
            proto_tree_add_bytes_format_value(ft, hf_ac_field_bytes, tvb, voff, 0, NULL, "(empty)");
        break;
    }
}

static void inflate_heartbeat(tvbuff_t *tvb, packet_info *pinfo, proto_tree *ft, proto_item *fti,
                              int voff, int vlen, guint depth, msg_info_t *mi)
{
    if (depth > 0) {
        expert_add_info_format(pinfo, fti, &ei_ac_nested_compressed,
                               "Compressed payload inside a compressed heartbeat is not inflated (depth limit 1)");
        return;
    }
    if ((guint)vlen > COMPRESSED_MAX_INPUT) {
        expert_add_info_format(pinfo, fti, &ei_ac_compressed_too_large,
                               "Compressed payload of %d bytes is larger than %u bytes: not inflated",
                               vlen, COMPRESSED_MAX_INPUT);
        return;
    }
    if (vlen == 0) {
        expert_add_info_format(pinfo, fti, &ei_ac_inflate_failed, "Empty compressed payload");
        return;
    }
    ts_inflate_status_t st;
    tvbuff_t *inf = ts_inflate(tvb, pinfo, voff, vlen, INFLATED_MAX, &st);
    if (st == TS_INFLATE_TOO_BIG) {
        expert_add_info_format(pinfo, fti, &ei_ac_compressed_too_large,
                               "Inflated payload is larger than %u bytes: not dissected", INFLATED_MAX);
        return;
    }
    if (!inf || st != TS_INFLATE_OK) {
        expert_add_info_format(pinfo, fti, &ei_ac_inflate_failed, "Compressed payload could not be inflated (zlib)");
        return;
    }
    guint ilen = tvb_reported_length(inf);
    proto_item *lti = proto_tree_add_uint(ft, hf_ac_hb_inflated_length, tvb, voff, vlen, ilen);
    proto_item_set_generated(lti);
    mi->inflated_len = ilen;
    if (ilen > INFLATED_MAX) {
        expert_add_info_format(pinfo, lti, &ei_ac_compressed_too_large,
                               "Inflated payload of %u bytes is larger than %u bytes: not dissected",
                               ilen, INFLATED_MAX);
        return;
    }
    add_new_data_source(pinfo, inf, "Inflated heartbeat");
    const char *inner = NULL;
    proto_item *iti;
    proto_tree *it = proto_tree_add_subtree(ft, inf, 0, -1, ett_ac_inner, &iti, "Inflated heartbeat msg");
    if (ilen >= MSG_HEADER_LEN && tvb_get_ntohs(inf, 4) != M_TYPE_HEARTBEAT)
        expert_add_info_format(pinfo, iti, &ei_ac_inner_not_heartbeat,
                               "The inflated msg is of type %u, not a heartbeat", tvb_get_ntohs(inf, 4));
    int used = dissect_msg(inf, pinfo, it, 0, depth + 1, &inner);
    if (inner)
        mi->inner_summary = inner;
    if (used > 0 && (guint)used < ilen)
        proto_tree_add_expert_format(it, pinfo, &ei_ac_trailing, inf, used, ilen - used,
                                     "%u bytes after the inflated msg", ilen - used);
}

/* Hand the embedded client proto of a PROXY msg to the service-protocol dissector. */
static void dissect_as_proto(packet_info *pinfo, msg_info_t *mi)
{
    if (!aerospike_service_handle) {
        proto_tree_add_expert(mi->as_proto_tree, pinfo, &ei_ac_no_service_dissector, mi->as_proto_tvb, 0, -1);
        return;
    }
    gboolean proto_writable = col_get_writable(pinfo->cinfo, COL_PROTOCOL);
    col_set_writable(pinfo->cinfo, COL_PROTOCOL, FALSE);
    col_set_fence(pinfo->cinfo, COL_INFO);
    TRY {
        /* PROXY op 2 carries the answer; requests (1) and returns to sender (3) carry a request */
        ts_aerospike_embedded_t emb = { !(mi->has_op && mi->op == 2) };
        call_dissector_with_data(aerospike_service_handle, mi->as_proto_tvb, pinfo, mi->as_proto_tree, &emb);
    }
    CATCH_NONFATAL_ERRORS {
        show_exception(mi->as_proto_tvb, pinfo, mi->as_proto_tree, EXCEPT_CODE, GET_MESSAGE);
    }
    ENDTRY;
    col_set_writable(pinfo->cinfo, COL_PROTOCOL, proto_writable);
    col_set_fence(pinfo->cinfo, COL_INFO);
}

/* The Info-column text of one msg. */
static const char *msg_summary(packet_info *pinfo, msg_info_t *mi)
{
    wmem_strbuf_t *sb = wmem_strbuf_new(pinfo->pool, "");
    const char *tname = ts_val_to_str(pinfo->pool, mi->type, aerospike_cluster_msg_type_vals, "Unknown msg type %u");
    switch (mi->type) {
    case M_TYPE_HEARTBEAT:
        if (mi->inner_summary) {
            wmem_strbuf_append_printf(sb, "Compressed heartbeat (%u bytes inflated): %s", mi->inflated_len,
                                      mi->inner_summary);
            break;
        }
        wmem_strbuf_append(sb, "Heartbeat");
        if (mi->has_hb_type)
            wmem_strbuf_append_printf(sb, " %s", ts_val_to_str(pinfo->pool, mi->hb_type, aerospike_cluster_hb_type_vals, "type %u"));
        else if (mi->inflated_len == 0 && !mi->has_node)
            wmem_strbuf_append(sb, " (no type)");
        if (mi->has_node)
            wmem_strbuf_append_printf(sb, " from %" PRIX64, mi->node);
        if (mi->cluster_name)
            wmem_strbuf_append_printf(sb, ", cluster %s", mi->cluster_name);
        if (mi->has_ck)
            wmem_strbuf_append_printf(sb, ", cluster key %" PRIX64, mi->cluster_key);
        if (mi->has_succ)
            wmem_strbuf_append_printf(sb, ", %u node%s in succession", mi->succ_n, plurality(mi->succ_n, "", "s"));
        if (mi->has_adj)
            wmem_strbuf_append_printf(sb, ", %u adjacent", mi->adj_n);
        if (mi->has_info_req)
            wmem_strbuf_append_printf(sb, ", asks about %u node%s", mi->info_req_n, plurality(mi->info_req_n, "", "s"));
        if (mi->has_info_rep)
            wmem_strbuf_append_printf(sb, ", endpoints of %u node%s", mi->info_rep_n, plurality(mi->info_rep_n, "", "s"));
        break;
    case M_TYPE_FABRIC:
        wmem_strbuf_append(sb, "Fabric handshake");
        if (mi->has_node)
            wmem_strbuf_append_printf(sb, " from node %" PRIX64, mi->node);
        if (mi->has_channel)
            wmem_strbuf_append_printf(sb, ", channel %s", ts_val_to_str(pinfo->pool, mi->channel, aerospike_cluster_channel_vals, "%u"));
        break;
    case M_TYPE_RW:
        wmem_strbuf_append(sb, "RW");
        if (mi->has_op)
            wmem_strbuf_append_printf(sb, " %s", ts_val_to_str(pinfo->pool, mi->op, aerospike_cluster_rw_op_vals, "op %u"));
        break;
    case M_TYPE_PROXY:
        wmem_strbuf_append(sb, "PROXY");
        if (mi->has_op)
            wmem_strbuf_append_printf(sb, " %s", ts_val_to_str(pinfo->pool, mi->op, aerospike_cluster_proxy_op_vals, "op %u"));
        break;
    default:
        wmem_strbuf_append(sb, tname);
        if (mi->has_op)
            wmem_strbuf_append_printf(sb, " op %u", mi->op);
        if (mi->has_type2)
            wmem_strbuf_append_printf(sb, " type %u", mi->type2);
        break;
    }
    if (mi->type != M_TYPE_HEARTBEAT) {
        if (mi->has_tid)
            wmem_strbuf_append_printf(sb, " tid %u", mi->tid);
        if (mi->ns)
            wmem_strbuf_append_printf(sb, ", ns %s", mi->ns);
        if (mi->has_part)
            wmem_strbuf_append_printf(sb, ", partition %u", mi->partition);
        if (mi->has_module)
            wmem_strbuf_append_printf(sb, ", module %u", mi->module);
        if (mi->has_gen)
            wmem_strbuf_append_printf(sb, ", gen %u", mi->gen);
        if (mi->has_ck)
            wmem_strbuf_append_printf(sb, ", cluster key %" PRIX64, mi->cluster_key);
        if (mi->type == M_TYPE_CLUSTERING && mi->has_succ)
            wmem_strbuf_append_printf(sb, ", %u node%s in succession", mi->succ_n, plurality(mi->succ_n, "", "s"));
    }
    return wmem_strbuf_get_str(sb);
}

/* Fabric connection: remember the handshake (first pass), link later msgs to it. */
static void fabric_conversation(packet_info *pinfo, proto_tree *tree, tvbuff_t *tvb, int off, msg_info_t *mi)
{
    if (pinfo->ptype != PT_TCP)
        return;
    fabric_conv_t *fc;
    if (!PINFO_FD_VISITED(pinfo)) {
        conversation_t *conv = find_or_create_conversation(pinfo);
        fc = (fabric_conv_t *)conversation_get_proto_data(conv, proto_aerospike_cluster);
        if (mi->type == M_TYPE_FABRIC && mi->has_node) {
            fc = wmem_new0(wmem_file_scope(), fabric_conv_t);
            fc->node = mi->node;
            fc->channel = mi->channel;
            fc->has_channel = mi->has_channel;
            fc->frame = pinfo->num;
            conversation_add_proto_data(conv, proto_aerospike_cluster, fc);
        }
        if (fc)
            ts_pdu_data_set(pinfo, proto_aerospike_cluster, SLOT_FABRIC_CONV, mi->pdu_index, fc);
    } else {
        fc = (fabric_conv_t *)ts_pdu_data_get(pinfo, proto_aerospike_cluster, SLOT_FABRIC_CONV, mi->pdu_index);
    }
    if (!fc || mi->type == M_TYPE_FABRIC)
        return;
    proto_item *ti = proto_tree_add_uint(tree, hf_ac_fabric_handshake_in, tvb, off, 0, fc->frame);
    proto_item_set_generated(ti);
    ti = proto_tree_add_uint64_format_value(tree, hf_ac_fabric_node, tvb, off, 0, fc->node, "%" PRIX64, fc->node);
    proto_item_set_generated(ti);
    if (fc->has_channel) {
        ti = proto_tree_add_uint(tree, hf_ac_fabric_channel, tvb, off, 0, fc->channel);
        proto_item_set_generated(ti);
    }
}

/* One msg at off. Returns the bytes it used (header + fields present in the tvb).
 * depth 0: a msg on the wire; 1: the inflated content of a compressed heartbeat. summary_out
 * (depth 1) receives the Info text instead of writing the column. */
static int dissect_msg(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, guint depth,
                       const char **summary_out)
{
    int remaining = tvb_captured_length_remaining(tvb, off);
    if (remaining < MSG_HEADER_LEN) {
        proto_tree_add_expert_format(tree, pinfo, &ei_ac_truncated, tvb, off, remaining,
                                     "Msg header truncated: %d of 6 bytes", remaining);
        return remaining;
    }
    guint32 size = tvb_get_ntohl(tvb, off);
    guint32 type = tvb_get_ntohs(tvb, off + 4);
    guint64 total = (guint64)size + MSG_HEADER_LEN;
    int avail = (int)MIN((guint64)remaining, total);

    proto_item *mti;
    proto_tree *mt;
    if (depth == 0) {
        mti = proto_tree_add_item(tree, proto_aerospike_cluster, tvb, off, avail, ENC_NA);
        mt = proto_item_add_subtree(mti, ett_aerospike_cluster);
    } else {
        mt = tree;
        mti = proto_tree_get_parent(tree);
    }
    proto_item *sti = proto_tree_add_item(mt, hf_ac_size, tvb, off, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(mt, hf_ac_type, tvb, off + 4, 2, ENC_BIG_ENDIAN);
    proto_item_append_text(mti, ", %s", ts_val_to_str(pinfo->pool, type, aerospike_cluster_msg_type_vals, "type %u"));

    if (!msg_type_size_valid(type, size)) {
        expert_add_info_format(pinfo, sti, &ei_ac_bad_header,
                               "Not an Aerospike cluster msg header (type %u, size %u): rest of the data not decoded",
                               type, size);
        if (depth == 0) {
            col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", "Not an Aerospike cluster msg");
            col_set_fence(pinfo->cinfo, COL_INFO);
        }
        proto_item_set_len(mti, remaining);
        return remaining;
    }
    if (total > (guint64)remaining)
        expert_add_info_format(pinfo, sti, &ei_ac_truncated,
                               "Msg of %" PRIu64 " bytes, only %d present", total, remaining);

    msg_info_t mi;
    memset(&mi, 0, sizeof mi);
    mi.type = type;
    mi.depth = depth;
    mi.pdu_index = ts_pdu_index(pinfo, proto_aerospike_cluster);

    msg_template_t tmpl = get_template(type);
    if (!tmpl.defs)
        expert_add_info_format(pinfo, mti, &ei_ac_unknown_msg_type,
                               "No field template known for msg type %u (%s): fields decoded by type only",
                               type, val_to_str_const(type, aerospike_cluster_msg_type_vals, "unknown"));

    int end = off + avail;
    int p = off + MSG_HEADER_LEN;
    guint nfields = 0;
    while (p < end) {
        if (++nfields > MAX_FIELDS_PER_MSG) {
            proto_tree_add_expert_format(mt, pinfo, &ei_ac_list_cut, tvb, p, end - p,
                                         "More than %u fields: the rest of the msg (%d bytes) is not decoded",
                                         MAX_FIELDS_PER_MSG, end - p);
            break;
        }
        if (end - p < 3) {
            proto_tree_add_expert_format(mt, pinfo, &ei_ac_truncated, tvb, p, end - p,
                                         "Field header truncated: %d of 3 bytes", end - p);
            break;
        }
        guint16 id = tvb_get_ntohs(tvb, p);
        guint8 ftype = tvb_get_uint8(tvb, p + 1 + 1);
        const field_def_t *def = (tmpl.defs && id < tmpl.n && tmpl.defs[id].name) ? &tmpl.defs[id] : NULL;
        int hlen, vlen;
        gboolean fixed = (ftype == M_FT_UINT32 || ftype == M_FT_UINT64);
        if (fixed) {
            hlen = 3;
            vlen = ftype == M_FT_UINT32 ? 4 : 8;
        } else {
            if (end - p < 7) {
                proto_tree_add_expert_format(mt, pinfo, &ei_ac_truncated, tvb, p, end - p,
                                             "Field %u: length truncated (%d bytes left)", id, end - p);
                break;
            }
            hlen = 7;
            guint32 l = tvb_get_ntohl(tvb, p + 3);
            vlen = l > (guint32)G_MAXINT ? G_MAXINT : (int)l;
        }
        const char *fname = def ? def->name : "unknown";
        gboolean cut = (gint64)vlen > (gint64)(end - p - hlen);
        int shown = cut ? end - p - hlen : vlen;
        proto_item *fti;
        proto_tree *ft = proto_tree_add_subtree_format(mt, tvb, p, hlen + shown, ett_ac_field, &fti,
                                                       "Field %u: %s (%s)", id, fname,
                                                       ts_val_to_str(pinfo->pool, ftype, aerospike_cluster_ftype_vals, "type %u"));
        proto_item *iti = proto_tree_add_uint_format_value(ft, hf_ac_field_id, tvb, p, 2, id, "%s (%u)", fname, id);
        proto_item *nti = proto_tree_add_string(ft, hf_ac_field_name, tvb, p, 2, fname);
        proto_item_set_generated(nti);
        proto_item *tti = proto_tree_add_item(ft, hf_ac_field_type, tvb, p + 2, 1, ENC_NA);
        if (!fixed) {
            proto_item *lti = proto_tree_add_item(ft, hf_ac_field_length, tvb, p + 3, 4, ENC_BIG_ENDIAN);
            if (cut)
                expert_add_info_format(pinfo, lti, &ei_ac_truncated,
                                       "Field %u value of %d bytes, only %d left in the msg", id, vlen, shown);
        } else if (cut) {
            expert_add_info_format(pinfo, fti, &ei_ac_truncated,
                                   "Field %u value of %d bytes, only %d left in the msg", id, vlen, shown);
        }
        if (!def)
            expert_add_info_format(pinfo, iti, &ei_ac_unknown_field,
                                   "Unknown field id %u for %s msg: skipped by its length",
                                   id, ts_val_to_str(pinfo->pool, type, aerospike_cluster_msg_type_vals, "type %u"));
        gboolean known_ftype = ftype >= M_FT_UINT32 && ftype <= M_FT_MSGPACK && ftype != M_FT_UNUSED_2 &&
                               ftype != M_FT_UNUSED_4;
        if (!known_ftype)
            expert_add_info_format(pinfo, tti, &ei_ac_unknown_ftype,
                                   "Unknown field type %u: value skipped by its 4-byte length", ftype);
        if (cut) {
            if (shown > 0)
                proto_tree_add_item(ft, hf_ac_field_bytes, tvb, p + hlen, shown, ENC_NA);
            break;
        }
        int voff = p + hlen;
        dissect_field_value(tvb, pinfo, ft, fti, known_ftype ? ftype : 0, voff, vlen, fname);
        if (def && def->ftype != ftype) {
            expert_add_info_format(pinfo, tti, &ei_ac_ftype_mismatch,
                                   "Field %s is %s in the template, %s on the wire: value decoded by its wire type",
                                   def->name, ts_val_to_str(pinfo->pool, def->ftype, aerospike_cluster_ftype_vals, "type %u"),
                                   ts_val_to_str(pinfo->pool, ftype, aerospike_cluster_ftype_vals, "type %u"));
        } else if (def) {
            if (def->sem == SEM_HB_COMPRESSED)
                inflate_heartbeat(tvb, pinfo, ft, fti, voff, vlen, depth, &mi);
            else
                dissect_field_semantics(tvb, pinfo, ft, fti, def, voff, vlen, &mi);
        }
        p += hlen + vlen;
    }

    /* heartbeat: succession list against the other nodes' */
    if (type == M_TYPE_HEARTBEAT && mi.has_succ && mi.has_node) {
        succession_result_t *res = check_succession(pinfo, &mi);
        if (res && res->differs) {
            proto_item *dti = proto_tree_add_uint64_format_value(mt, hf_ac_hb_succession_differs, tvb, off, 0,
                                                                 res->other_node, "%" PRIX64 " (frame %u)",
                                                                 res->other_node, res->other_frame);
            proto_item_set_generated(dti);
            expert_add_info_format(pinfo, dti, &ei_ac_succession_differs,
                                   "Succession list of %" PRIX64 " (%u nodes) differs from that of %" PRIX64
                                   " (%u nodes, frame %u)",
                                   mi.node, res->this_n, res->other_node, res->other_n, res->other_frame);
        }
    }
    if (depth == 0 && type != M_TYPE_HEARTBEAT)
        fabric_conversation(pinfo, mt, tvb, off, &mi);

    const char *summary = msg_summary(pinfo, &mi);
    proto_item_append_text(mti, ": %s", summary);
    if (summary_out) {
        *summary_out = summary;
    } else {
        col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", summary);
        col_set_fence(pinfo->cinfo, COL_INFO);
    }
    if (mi.as_proto_tvb) {
        if (!summary_out && aerospike_service_handle)
            col_append_str(pinfo->cinfo, COL_INFO, ": ");
        dissect_as_proto(pinfo, &mi);
    }
    return avail;
}

/* ---------------------------------------------------------------------------------------------
 * Transports
 */

static guint get_msg_pdu_len(packet_info *pinfo _U_, tvbuff_t *tvb, int offset, void *data _U_)
{
    if (!msg_header_valid(tvb, offset))     /* not a msg: take the rest, the PDU dissector says why */
        return (guint)tvb_reported_length_remaining(tvb, offset);
    return tvb_get_ntohl(tvb, offset) + MSG_HEADER_LEN;
}

static int dissect_msg_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    dissect_msg(tvb, pinfo, tree, 0, 0, NULL);
    ts_service_pdu(pinfo, proto_aerospike_cluster, pinfo->destport <= pinfo->srcport, tvb_reported_length(tvb));
    return tvb_captured_length(tvb);
}

static int dissect_aerospike_cluster_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "AeroClu");
    col_clear(pinfo->cinfo, COL_INFO);
    tcp_dissect_pdus(tvb, pinfo, tree, pref_desegment, MSG_HEADER_LEN, get_msg_pdu_len, dissect_msg_pdu, data);
    return tvb_captured_length(tvb);
}

static int dissect_aerospike_cluster_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "AeroClu");
    col_clear(pinfo->cinfo, COL_INFO);
    int off = 0;
    int len = (int)tvb_captured_length(tvb);
    for (int i = 0; i < MAX_MSGS_PER_DATAGRAM && off < len; i++) {
        int used = dissect_msg(tvb, pinfo, tree, off, 0, NULL);
        if (used <= 0)
            break;
        ts_service_pdu(pinfo, proto_aerospike_cluster, TRUE, (guint32)used);
        off += used;
    }
    return len;
}

/* ---------------------------------------------------------------------------------------------
 * Heuristics (any port; doc/heuristics.md)
 */

/* The header of a msg at off as far as it is captured (avail): msg_type_size_valid() on what is
 * there (missing size bytes read as zeros, a missing type as a heartbeat), and room for at least
 * one field header. */
static gboolean msg_heur_header(tvbuff_t *tvb, guint off, guint avail)
{
    guint32 size = 0;
    for (guint i = 0; i < 4; i++)
        size = (size << 8) | (off + i < avail ? tvb_get_uint8(tvb, off + i) : 0);
    guint type = off + MSG_HEADER_LEN <= avail ? tvb_get_ntohs(tvb, off + 4) : M_TYPE_HEARTBEAT;
    return msg_type_size_valid(type, size) && (off + 4 > avail || size >= 3);
}

/* Walk the fields of the msg at off: a msg type whose fields the dissector knows (it has a field
 * template), ascending ids below 64, known field types, values inside the msg. *complete: the
 * whole msg was captured and its fields fill it exactly. */
static gboolean msg_heur_walk(tvbuff_t *tvb, guint off, guint avail, guint *n_fields, gboolean *complete)
{
    *n_fields = 0;
    *complete = FALSE;
    if (off + MSG_HEADER_LEN + 3 > avail || !msg_heur_header(tvb, off, avail))
        return FALSE;
    guint32 size = tvb_get_ntohl(tvb, off);
    guint type = tvb_get_ntohs(tvb, off + 4);
    if (!get_template(type).defs)
        return FALSE;
    guint64 end = (guint64)off + MSG_HEADER_LEN + size;
    guint64 p = off + MSG_HEADER_LEN;
    int last_id = -1;
    while (p < end) {
        if (p + 3 > end)
            return FALSE;                   /* a field header must fit in the msg */
        if (p + 3 > avail)
            return TRUE;
        guint id = tvb_get_ntohs(tvb, (gint)p);
        guint8 ft = tvb_get_uint8(tvb, (gint)p + 2);
        guint64 vlen;
        if (id >= 64 || (int)id <= last_id || !try_val_to_str(ft, aerospike_cluster_ftype_vals) ||
            ft == M_FT_UNUSED_2 || ft == M_FT_UNUSED_4)
            return FALSE;
        if (ft == M_FT_UINT32 || ft == M_FT_UINT64) {
            vlen = ft == M_FT_UINT32 ? 4 : 8;
        } else {
            if (p + 7 > end)
                return FALSE;
            if (p + 7 > avail)
                return TRUE;
            vlen = 4 + (guint64)tvb_get_ntohl(tvb, (gint)p + 3);
        }
        if (p + 3 + vlen > end)
            return FALSE;
        if ((ft == M_FT_ARRAY_UINT32 && (vlen - 4) % 4) || (ft == M_FT_ARRAY_UINT64 && (vlen - 4) % 8))
            return FALSE;
        if (p + 3 + vlen > avail)
            return TRUE;                    /* this field runs past the segment */
        if (ft == M_FT_STR && (vlen < 5 || tvb_get_uint8(tvb, (gint)(p + 3 + vlen - 1)) != 0))
            return FALSE;                   /* strings carry their NUL */
        /* field-level facts of the first field */
        if (*n_fields == 0) {
            if (type == M_TYPE_HEARTBEAT &&
                !((id == 0 && ft == M_FT_UINT32 && tvb_get_ntohl(tvb, (gint)p + 3) == HB_PROTOCOL_ID) ||
                  (id == 6 && ft == M_FT_BUF)))
                return FALSE;               /* heartbeat: protocol id, or only the compressed payload */
            if (type == M_TYPE_FABRIC && !(id == 0 && ft == M_FT_UINT64))
                return FALSE;               /* fabric handshake: the node id */
        }
        last_id = (int)id;
        (*n_fields)++;
        p += 3 + vlen;
    }
    *complete = TRUE;
    return TRUE;
}

/* TCP (fabric, mesh heartbeat): a complete first msg, or two verified fields of it; the msgs that
 * follow in the segment have valid headers. Never throws. */
gboolean aerospike_cluster_tcp_heur_check(tvbuff_t *tvb)
{
    guint avail = tvb_captured_length(tvb);
    guint nf;
    gboolean complete;
    if (!msg_heur_walk(tvb, 0, avail, &nf, &complete))
        return FALSE;
    if (!complete && nf < 2)
        return FALSE;                       /* a complete msg, or two verified fields */
    if (complete) {
        guint64 end = MSG_HEADER_LEN + (guint64)tvb_get_ntohl(tvb, 0);
        for (guint i = 0; i < 64 && end < avail; i++) {
            if (!msg_heur_header(tvb, (guint)end, avail))
                return FALSE;
            if (end + 4 > avail)
                break;
            end += MSG_HEADER_LEN + (guint64)tvb_get_ntohl(tvb, (gint)end);
        }
    }
    return TRUE;
}

/* UDP (multicast heartbeat): complete heartbeats only, filling the datagram exactly. */
gboolean aerospike_cluster_udp_heur_check(tvbuff_t *tvb)
{
    guint avail = tvb_captured_length(tvb);
    guint off = 0;
    if (avail < MSG_HEADER_LEN + 3 || avail != tvb_reported_length(tvb))
        return FALSE;                       /* empty, or sliced: cannot check the sizes */
    for (guint i = 0; i < 8 && off < avail; i++) {
        guint nf;
        gboolean complete;
        if (!msg_heur_walk(tvb, off, avail, &nf, &complete) || !complete ||
            tvb_get_ntohs(tvb, off + 4) != M_TYPE_HEARTBEAT)
            return FALSE;                   /* heartbeats only, each complete */
        off += MSG_HEADER_LEN + tvb_get_ntohl(tvb, off);
    }
    return off == avail;                    /* the msgs fill the datagram exactly */
}

/* A recognised conversation is dissected like one on the port, from this frame on. */
static ts_heur_ret dissect_aerospike_cluster_tcp_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (!aerospike_cluster_tcp_heur_check(tvb))
        return FALSE;
    ts_service_heuristic(pinfo, proto_aerospike_cluster, aerospike_cluster_tcp_handle);
    dissect_aerospike_cluster_tcp(tvb, pinfo, tree, data);
    return TRUE;
}

static ts_heur_ret dissect_aerospike_cluster_udp_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (!aerospike_cluster_udp_heur_check(tvb))
        return FALSE;
    ts_service_heuristic(pinfo, proto_aerospike_cluster, aerospike_cluster_udp_handle);
    dissect_aerospike_cluster_udp(tvb, pinfo, tree, data);
    return TRUE;
}

/* ---------------------------------------------------------------------------------------------
 * Registration
 */

void proto_register_aerospike_cluster(void)
{
    static hf_register_info hf[] = {
        { &hf_ac_size, { "Size", "aerospike_cluster.size", FT_UINT32, BASE_DEC, NULL, 0,
            "Length of the fields after the 6-byte msg header", HFILL } },
        { &hf_ac_type, { "Msg type", "aerospike_cluster.type", FT_UINT16, BASE_DEC,
            VALS(aerospike_cluster_msg_type_vals), 0, NULL, HFILL } },
        { &hf_ac_field_id, { "Field id", "aerospike_cluster.field.id", FT_UINT16, BASE_DEC, NULL, 0,
            "Field id, named from the template of the msg type", HFILL } },
        { &hf_ac_field_name, { "Field name", "aerospike_cluster.field.name", FT_STRING, BASE_NONE, NULL, 0,
            "Template name of the field id (\"unknown\" when the template has none)", HFILL } },
        { &hf_ac_field_type, { "Field type", "aerospike_cluster.field.type", FT_UINT8, BASE_DEC,
            VALS(aerospike_cluster_ftype_vals), 0, NULL, HFILL } },
        { &hf_ac_field_length, { "Value length", "aerospike_cluster.field.length", FT_UINT32, BASE_DEC, NULL, 0,
            NULL, HFILL } },
        { &hf_ac_field_uint32, { "uint32 value", "aerospike_cluster.field.uint32", FT_UINT32, BASE_DEC, NULL, 0,
            NULL, HFILL } },
        { &hf_ac_field_uint64, { "uint64 value", "aerospike_cluster.field.uint64", FT_UINT64, BASE_DEC, NULL, 0,
            NULL, HFILL } },
        { &hf_ac_field_string, { "String value", "aerospike_cluster.field.string", FT_STRING, BASE_NONE, NULL, 0,
            "String value without its trailing NUL", HFILL } },
        { &hf_ac_field_bytes, { "Buffer value", "aerospike_cluster.field.bytes", FT_BYTES, BASE_NONE, NULL, 0,
            NULL, HFILL } },
        { &hf_ac_field_array_count, { "Array elements", "aerospike_cluster.field.array.count", FT_UINT32, BASE_DEC,
            NULL, 0, NULL, HFILL } },
        { &hf_ac_field_array_uint32, { "Element", "aerospike_cluster.field.array.uint32", FT_UINT32, BASE_DEC,
            NULL, 0, NULL, HFILL } },
        { &hf_ac_field_array_uint64, { "Element", "aerospike_cluster.field.array.uint64", FT_UINT64, BASE_DEC,
            NULL, 0, NULL, HFILL } },
        { &hf_ac_field_msgpack, { "MessagePack value", "aerospike_cluster.field.msgpack", FT_BYTES, BASE_NONE,
            NULL, 0, NULL, HFILL } },
        { &hf_ac_mp_uint, { "Unsigned integer", "aerospike_cluster.msgpack.uint", FT_UINT64, BASE_DEC, NULL, 0,
            NULL, HFILL } },
        { &hf_ac_mp_int, { "Integer", "aerospike_cluster.msgpack.int", FT_INT64, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_ac_mp_str, { "String", "aerospike_cluster.msgpack.str", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_ac_mp_bin, { "Binary", "aerospike_cluster.msgpack.bin", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_ac_mp_nil, { "nil", "aerospike_cluster.msgpack.nil", FT_NONE, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_ac_mp_bool, { "Boolean", "aerospike_cluster.msgpack.bool", FT_BOOLEAN, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_ac_mp_float, { "Float", "aerospike_cluster.msgpack.float", FT_DOUBLE, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_ac_mp_array, { "Array", "aerospike_cluster.msgpack.array", FT_UINT32, BASE_DEC, NULL, 0,
            "Array with this many elements", HFILL } },
        { &hf_ac_mp_map, { "Map", "aerospike_cluster.msgpack.map", FT_UINT32, BASE_DEC, NULL, 0,
            "Map with this many pairs", HFILL } },
        { &hf_ac_mp_ext, { "Extension", "aerospike_cluster.msgpack.ext", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_ac_node_mac, { "MAC part", "aerospike_cluster.node.mac", FT_ETHER, BASE_NONE, NULL, 0,
            "Node id bytes 0-5: MAC address of the node's interface", HFILL } },
        { &hf_ac_node_port, { "Port part", "aerospike_cluster.node.port", FT_UINT16, BASE_DEC, NULL, 0,
            "Node id bytes 6-7: the node's fabric port", HFILL } },
        { &hf_ac_hb_protocol_id, { "Protocol identifier", "aerospike_cluster.hb.protocol_id", FT_UINT32, BASE_HEX,
            NULL, 0, "0x6864 for heartbeat v3", HFILL } },
        { &hf_ac_hb_type, { "Heartbeat type", "aerospike_cluster.hb.type", FT_UINT32, BASE_DEC,
            VALS(aerospike_cluster_hb_type_vals), 0, NULL, HFILL } },
        { &hf_ac_hb_node, { "Sender node", "aerospike_cluster.hb.node", FT_UINT64, BASE_HEX, NULL, 0, NULL, HFILL } },
        { &hf_ac_hb_cluster_name, { "Cluster name", "aerospike_cluster.hb.cluster_name", FT_STRING, BASE_NONE,
            NULL, 0, NULL, HFILL } },
        { &hf_ac_hb_hlc, { "HLC timestamp", "aerospike_cluster.hb.hlc", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC,
            NULL, 0, "Hybrid logical clock: physical part (ms since the epoch)", HFILL } },
        { &hf_ac_hb_hlc_logical, { "HLC logical counter", "aerospike_cluster.hb.hlc.logical", FT_UINT16, BASE_DEC,
            NULL, 0, NULL, HFILL } },
        { &hf_ac_hb_hlc_skew, { "HLC minus capture time", "aerospike_cluster.hb.hlc.skew", FT_RELATIVE_TIME,
            BASE_NONE, NULL, 0, "Positive: the sender's clock runs ahead of the capturing host", HFILL } },
        { &hf_ac_hb_endpoint_count, { "Endpoint count", "aerospike_cluster.hb.endpoint.count", FT_UINT8, BASE_DEC,
            NULL, 0, NULL, HFILL } },
        { &hf_ac_hb_endpoint_caps, { "Capabilities", "aerospike_cluster.hb.endpoint.capabilities", FT_UINT8,
            BASE_HEX, NULL, 0, NULL, HFILL } },
        { &hf_ac_hb_endpoint_tls, { "TLS", "aerospike_cluster.hb.endpoint.tls", FT_BOOLEAN, 8,
            TFS(&tfs_yes_no), 0x01, NULL, HFILL } },
        { &hf_ac_hb_endpoint_addr_type, { "Address type", "aerospike_cluster.hb.endpoint.addr_type", FT_UINT8,
            BASE_DEC, VALS(aerospike_cluster_addr_type_vals), 0, NULL, HFILL } },
        { &hf_ac_hb_endpoint_addr, { "Address", "aerospike_cluster.hb.endpoint.addr", FT_IPv4, BASE_NONE, NULL, 0,
            NULL, HFILL } },
        { &hf_ac_hb_endpoint_addr6, { "Address", "aerospike_cluster.hb.endpoint.addr6", FT_IPv6, BASE_NONE, NULL, 0,
            NULL, HFILL } },
        { &hf_ac_hb_endpoint_port, { "Port", "aerospike_cluster.hb.endpoint.port", FT_UINT16, BASE_DEC, NULL, 0,
            "Port (sent in host byte order)", HFILL } },
        { &hf_ac_hb_info_request_node, { "Requested node", "aerospike_cluster.hb.info_request_node", FT_UINT64,
            BASE_HEX, NULL, 0, NULL, HFILL } },
        { &hf_ac_hb_info_reply_node, { "Reply node", "aerospike_cluster.hb.info_reply_node", FT_UINT64, BASE_HEX,
            NULL, 0, NULL, HFILL } },
        { &hf_ac_hb_adjacent_count, { "Adjacent nodes", "aerospike_cluster.hb.adjacent_count", FT_UINT32, BASE_DEC,
            NULL, 0, NULL, HFILL } },
        { &hf_ac_hb_adjacent_node, { "Adjacent node", "aerospike_cluster.hb.adjacent_node", FT_UINT64, BASE_HEX,
            NULL, 0, NULL, HFILL } },
        { &hf_ac_hb_clustering_id, { "Clustering protocol identifier", "aerospike_cluster.hb.clustering_id",
            FT_UINT32, BASE_HEX, NULL, 0, "0x707C", HFILL } },
        { &hf_ac_hb_cluster_key, { "Cluster key", "aerospike_cluster.hb.cluster_key", FT_UINT64, BASE_HEX, NULL, 0,
            "0: not in a cluster", HFILL } },
        { &hf_ac_hb_paxos_sequence, { "Paxos sequence", "aerospike_cluster.hb.paxos_sequence", FT_UINT64, BASE_HEX,
            NULL, 0, NULL, HFILL } },
        { &hf_ac_hb_preferred_principal, { "Preferred principal", "aerospike_cluster.hb.preferred_principal",
            FT_UINT64, BASE_HEX, NULL, 0, "0: none", HFILL } },
        { &hf_ac_hb_succession_count, { "Succession list length", "aerospike_cluster.hb.succession_count",
            FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_ac_hb_succession_node, { "Succession node", "aerospike_cluster.hb.succession_node", FT_UINT64,
            BASE_HEX, NULL, 0, NULL, HFILL } },
        { &hf_ac_hb_succession_differs, { "Succession list differs from node",
            "aerospike_cluster.hb.succession_differs_from", FT_UINT64, BASE_HEX, NULL, 0,
            "Another node announced a different succession list at about the same time", HFILL } },
        { &hf_ac_hb_skew_clock, { "Sender physical clock", "aerospike_cluster.hb.skew_monitor_clock",
            FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0, NULL, HFILL } },
        { &hf_ac_hb_inflated_length, { "Inflated length", "aerospike_cluster.hb.inflated_length", FT_UINT32,
            BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_ac_fabric_node, { "Node", "aerospike_cluster.fabric.node", FT_UINT64, BASE_HEX, NULL, 0,
            "Node that opened the fabric connection", HFILL } },
        { &hf_ac_fabric_channel, { "Channel", "aerospike_cluster.fabric.channel", FT_UINT32, BASE_DEC,
            VALS(aerospike_cluster_channel_vals), 0, NULL, HFILL } },
        { &hf_ac_fabric_handshake_in, { "Fabric handshake in", "aerospike_cluster.fabric.handshake_in",
            FT_FRAMENUM, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_ac_fabric_namespace, { "Namespace", "aerospike_cluster.fabric.namespace", FT_STRING, BASE_NONE,
            NULL, 0, NULL, HFILL } },
        { &hf_ac_fabric_digest, { "Digest", "aerospike_cluster.fabric.digest", FT_BYTES, BASE_NONE, NULL, 0,
            NULL, HFILL } },
        { &hf_ac_fabric_cluster_key, { "Cluster key", "aerospike_cluster.fabric.cluster_key", FT_UINT64, BASE_HEX,
            NULL, 0, NULL, HFILL } },
        { &hf_ac_fabric_hlc, { "HLC timestamp", "aerospike_cluster.fabric.hlc", FT_ABSOLUTE_TIME,
            ABSOLUTE_TIME_UTC, NULL, 0, NULL, HFILL } },
        { &hf_ac_fabric_hlc_logical, { "HLC logical counter", "aerospike_cluster.fabric.hlc.logical", FT_UINT16,
            BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_ac_fabric_succession_node, { "Succession node", "aerospike_cluster.fabric.succession_node",
            FT_UINT64, BASE_HEX, NULL, 0, NULL, HFILL } },
        { &hf_ac_fabric_principal, { "Proposed principal", "aerospike_cluster.fabric.principal", FT_UINT64,
            BASE_HEX, NULL, 0, NULL, HFILL } },
        { &hf_ac_fabric_redirect, { "Redirect node", "aerospike_cluster.fabric.redirect_node", FT_UINT64, BASE_HEX,
            NULL, 0, NULL, HFILL } },
        { &hf_ac_fabric_username, { "User name", "aerospike_cluster.fabric.username", FT_STRING, BASE_NONE, NULL, 0,
            NULL, HFILL } },
        { &hf_ac_fabric_last_update_time, { "Last update time", "aerospike_cluster.fabric.last_update_time",
            FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0, "Record last-update time (ms since 2010-01-01)", HFILL } },
        { &hf_ac_fabric_rw_op, { "RW op", "aerospike_cluster.fabric.rw_op", FT_UINT32, BASE_DEC,
            VALS(aerospike_cluster_rw_op_vals), 0, NULL, HFILL } },
        { &hf_ac_fabric_proxy_op, { "PROXY op", "aerospike_cluster.fabric.proxy_op", FT_UINT32, BASE_DEC,
            VALS(aerospike_cluster_proxy_op_vals), 0, NULL, HFILL } },
    };

    static gint *ett[] = {
        &ett_aerospike_cluster, &ett_ac_field, &ett_ac_node, &ett_ac_endpoints, &ett_ac_endpoint,
        &ett_ac_nodes, &ett_ac_paxos, &ett_ac_inner, &ett_ac_array, &ett_ac_msgpack,
    };

    static ei_register_info ei[] = {
        { &ei_ac_bad_header, { "aerospike_cluster.bad_header", PI_MALFORMED, PI_ERROR,
            "Not an Aerospike cluster msg header", EXPFILL } },
        { &ei_ac_truncated, { "aerospike_cluster.truncated", PI_MALFORMED, PI_ERROR,
            "Truncated msg, field or structure", EXPFILL } },
        { &ei_ac_unknown_field, { "aerospike_cluster.unknown_field", PI_UNDECODED, PI_NOTE,
            "Unknown field id: skipped by its length", EXPFILL } },
        { &ei_ac_unknown_ftype, { "aerospike_cluster.unknown_field_type", PI_UNDECODED, PI_NOTE,
            "Unknown field type: skipped by its length", EXPFILL } },
        { &ei_ac_ftype_mismatch, { "aerospike_cluster.field_type_mismatch", PI_PROTOCOL, PI_WARN,
            "Field type differs from the template", EXPFILL } },
        { &ei_ac_unknown_msg_type, { "aerospike_cluster.unknown_msg_type", PI_UNDECODED, PI_NOTE,
            "No field template for this msg type", EXPFILL } },
        { &ei_ac_hb_bad_protocol_id, { "aerospike_cluster.hb.bad_protocol_id", PI_PROTOCOL, PI_WARN,
            "Heartbeat protocol identifier is not 0x6864", EXPFILL } },
        { &ei_ac_clustering_bad_id, { "aerospike_cluster.hb.bad_clustering_id", PI_PROTOCOL, PI_WARN,
            "Clustering protocol identifier is not 0x707C", EXPFILL } },
        { &ei_ac_hlc_skew, { "aerospike_cluster.hb.hlc_skew", PI_SEQUENCE, PI_WARN,
            "Heartbeat HLC far from the capture time", EXPFILL } },
        { &ei_ac_succession_differs, { "aerospike_cluster.hb.succession_differs", PI_SEQUENCE, PI_NOTE,
            "Succession list differs from another node's", EXPFILL } },
        { &ei_ac_bad_endpoint, { "aerospike_cluster.hb.bad_endpoint", PI_MALFORMED, PI_WARN,
            "Endpoint list cannot be decoded", EXPFILL } },
        { &ei_ac_trailing, { "aerospike_cluster.trailing_bytes", PI_MALFORMED, PI_WARN,
            "Bytes after the end of a structure", EXPFILL } },
        { &ei_ac_inflate_failed, { "aerospike_cluster.hb.inflate_failed", PI_MALFORMED, PI_WARN,
            "Compressed heartbeat could not be inflated", EXPFILL } },
        { &ei_ac_nested_compressed, { "aerospike_cluster.hb.nested_compressed", PI_UNDECODED, PI_NOTE,
            "Nested compressed payload not inflated", EXPFILL } },
        { &ei_ac_compressed_too_large, { "aerospike_cluster.hb.compressed_too_large", PI_UNDECODED, PI_NOTE,
            "Compressed payload too large to inflate", EXPFILL } },
        { &ei_ac_inner_not_heartbeat, { "aerospike_cluster.hb.inner_not_heartbeat", PI_PROTOCOL, PI_WARN,
            "Inflated msg is not a heartbeat", EXPFILL } },
        { &ei_ac_string_no_nul, { "aerospike_cluster.string_without_nul", PI_PROTOCOL, PI_NOTE,
            "String value without its trailing NUL", EXPFILL } },
        { &ei_ac_array_length, { "aerospike_cluster.bad_array_length", PI_MALFORMED, PI_WARN,
            "Array length is not a multiple of the element size", EXPFILL } },
        { &ei_ac_list_cut, { "aerospike_cluster.list_cut", PI_UNDECODED, PI_NOTE,
            "Long list: only the first elements are shown", EXPFILL } },
        { &ei_ac_msgpack_bad, { "aerospike_cluster.bad_msgpack", PI_MALFORMED, PI_WARN,
            "MessagePack value is malformed or too deep", EXPFILL } },
        { &ei_ac_no_service_dissector, { "aerospike_cluster.no_service_dissector", PI_UNDECODED, PI_NOTE,
            "The Aerospike service protocol dissector is not available", EXPFILL } },
        { &ei_ac_bad_length, { "aerospike_cluster.bad_length", PI_MALFORMED, PI_WARN,
            "Length is not a multiple of the element size", EXPFILL } },
    };

    proto_aerospike_cluster = proto_register_protocol("Aerospike Cluster (heartbeat and fabric)",
                                                      "Aerospike Cluster", "aerospike_cluster");
    proto_register_field_array(proto_aerospike_cluster, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *em = expert_register_protocol(proto_aerospike_cluster);
    expert_register_field_array(em, ei, array_length(ei));

    aerospike_cluster_tcp_handle = register_dissector("aerospike_cluster", dissect_aerospike_cluster_tcp,
                                                      proto_aerospike_cluster);
    aerospike_cluster_udp_handle = register_dissector("aerospike_cluster.udp", dissect_aerospike_cluster_udp,
                                                      proto_aerospike_cluster);

    module_t *m = prefs_register_protocol(proto_aerospike_cluster, NULL);
    prefs_register_bool_preference(m, "desegment",
        "Reassemble msgs spanning multiple TCP segments",
        "Whether the dissector should reassemble msgs spanning multiple TCP segments "
        "(\"Allow subdissectors to reassemble TCP streams\" must be on in the TCP preferences)",
        &pref_desegment);
    prefs_register_uint_preference(m, "hlc_skew_threshold", "HLC skew threshold (s)",
        "Expert warning when a heartbeat's HLC differs from the capture time by more than this many "
        "seconds (0: never)", 10, &pref_hlc_skew_s);
    prefs_register_uint_preference(m, "succession_window", "Succession comparison window (ms)",
        "Succession lists of nodes heard within this many milliseconds of each other are compared",
        10, &pref_succession_window_ms);
    prefs_register_uint_preference(m, "max_msg_size", "Largest plausible msg size (bytes)",
        "A msg header announcing more is treated as not a msg (the server's own limit is 128 MiB)",
        10, &pref_max_msg_size);

    succession_by_node = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_int64_hash, g_int64_equal);
}

void proto_reg_handoff_aerospike_cluster(void)
{
    dissector_add_uint_range_with_preference("tcp.port", AEROSPIKE_CLUSTER_TCP_PORTS, aerospike_cluster_tcp_handle);
    dissector_add_uint_range_with_preference("udp.port", AEROSPIKE_CLUSTER_UDP_PORTS, aerospike_cluster_udp_handle);
    heur_dissector_add("tcp", dissect_aerospike_cluster_tcp_heur, "Aerospike fabric/mesh heartbeat over TCP (any port)",
                       "aerospike_cluster_tcp", proto_aerospike_cluster, HEURISTIC_ENABLE);
    heur_dissector_add("udp", dissect_aerospike_cluster_udp_heur, "Aerospike multicast heartbeat over UDP (any port)",
                       "aerospike_cluster_udp", proto_aerospike_cluster, HEURISTIC_ENABLE);
    msgpack_handle = find_dissector("msgpack");
    aerospike_service_handle = find_dissector("aerospike.embedded");
}
