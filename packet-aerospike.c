/* packet-aerospike.c — Aerospike service protocol (client <-> server, TCP 3000/3003, TLS 4333).
 *
 * Every proto type of the service port: info (1), admin/security (2), message (3, one or more
 * as_msg records) and compressed message (4, zlib-inflated and dissected like a type 3 PDU).
 * Framing through tcp_dissect_pdus (8-byte header, 48-bit body size); requests and responses are
 * matched per TCP connection (one command at a time: in order, or after a capture gap the newest
 * open request; multi-record answers end with an INFO3_LAST record); frames cut by a snaplen are
 * decoded as far as they go; one tap record per request PDU (per batch row) and per response
 * record.
 *
 * Sources: the Aerospike server and clients, github.com/aerospike/aerospike-server
 * (as/include/base/{proto,security}.h, as/src/base/{proto,batch,thr_info}.c), aerospike-client-c
 * (as_proto.h, as_command.h, as_admin.c) and aerospike-client-java (Command.java, AdminCommand.java).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ts-compat.h"
#include "troubleshark.h"
#include "transactions.h"
#include "stats.h"
#include "services.h"
#include "ts-bytes.h"
#include "inflate.h"
#include "msgpack.h"

#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <epan/exceptions.h>
#include <epan/show_exception.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/dissectors/packet-tls.h>
#include <wsutil/wsgcrypt.h>
#include <wsutil/strtoi.h>
#include <wsutil/to_str.h>

#define AEROSPIKE_TCP_PORTS   "3000,3003"
#define AEROSPIKE_TLS_PORT    4333

#define AS_COL_PROTOCOL       "Aero"                  /* the Protocol column: short, unlike "AeroClu" */
#define AS_PROTO_HDR_LEN      8
#define AS_PROTO_SIZE_MAX     (128u * 1024u * 1024u)   /* PROTO_SIZE_MAX of server and clients */
#define AS_MSG_HDR_LEN        22
#define AS_SEC_HDR_LEN        16
#define AS_DIGEST_LEN         20
#define AS_VOID_TIME_EPOCH    1262304000              /* 2010-01-01 00:00:00 UTC */
#define AS_MP_MAX_DEPTH       32                      /* MessagePack nesting we decode */
#define AS_MP_STOCK_DEPTH     16                      /* ... and hand to Wireshark's msgpack */
#define AS_MP_TEXT_MAX        240                     /* length of the text rendering */
#define AS_INFO_COL_ITEMS     6                       /* info commands listed in the Info column */

/* proto types */
#define AS_TYPE_INFO          1
#define AS_TYPE_ADMIN         2
#define AS_TYPE_MSG           3
#define AS_TYPE_COMPRESSED    4
#define AS_TYPE_INTERNAL_XDR  5

/* info bits */
#define AS_INFO1_READ         0x01
#define AS_INFO1_GET_ALL      0x02
#define AS_INFO1_BATCH        0x08
#define AS_INFO1_NOBINDATA    0x20
#define AS_INFO2_WRITE        0x01
#define AS_INFO2_DELETE       0x02
#define AS_INFO3_LAST         0x01
#define AS_INFO3_PARTITION_DONE 0x04

/* field types */
#define AS_FIELD_NAMESPACE    0
#define AS_FIELD_SET          1
#define AS_FIELD_KEY          2
#define AS_FIELD_RECORD_VERSION 3
#define AS_FIELD_DIGEST       4
#define AS_FIELD_MRT_ID       5
#define AS_FIELD_MRT_DEADLINE 6
#define AS_FIELD_TRID         7
#define AS_FIELD_SCAN_OPTIONS 8
#define AS_FIELD_SOCKET_TIMEOUT 9
#define AS_FIELD_RPS          10
#define AS_FIELD_PID_ARRAY    11
#define AS_FIELD_DIGEST_ARRAY 12
#define AS_FIELD_MAX_RECORDS  13
#define AS_FIELD_LUT          14
#define AS_FIELD_BVAL_ARRAY   15
#define AS_FIELD_INDEX_NAME   21
#define AS_FIELD_INDEX_RANGE  22
#define AS_FIELD_INDEX_CONTEXT 23
#define AS_FIELD_INDEX_EXPRESSION 24
#define AS_FIELD_INDEX_TYPE   26
#define AS_FIELD_UDF_FILENAME 30
#define AS_FIELD_UDF_FUNCTION 31
#define AS_FIELD_UDF_ARGLIST  32
#define AS_FIELD_UDF_OP       33
#define AS_FIELD_QUERY_BINLIST 40
#define AS_FIELD_BATCH        41
#define AS_FIELD_BATCH_WITH_SET 42
#define AS_FIELD_FILTER_EXP   43
#define AS_FIELD_ERROR_DETAILS 45

/* particle types */
#define AS_PT_NULL     0
#define AS_PT_INTEGER  1
#define AS_PT_FLOAT    2
#define AS_PT_STRING   3
#define AS_PT_BLOB     4
#define AS_PT_VECTOR   16
#define AS_PT_BOOL     17
#define AS_PT_HLL      18
#define AS_PT_MAP      19
#define AS_PT_LIST     20
#define AS_PT_GEOJSON  23

/* batch row flags */
#define AS_BATCH_REPEAT 0x01
#define AS_BATCH_INFO   0x02
#define AS_BATCH_GEN    0x04
#define AS_BATCH_TTL    0x08
#define AS_BATCH_INFO4  0x10

/* command kinds (service response time rows) */
enum {
    AS_KIND_READ = 0, AS_KIND_WRITE, AS_KIND_DELETE, AS_KIND_OPERATE, AS_KIND_BATCH, AS_KIND_SCAN,
    AS_KIND_QUERY, AS_KIND_UDF, AS_KIND_INFO, AS_KIND_ADMIN
};

void proto_register_aerospike(void);
void proto_reg_handoff_aerospike(void);

static int proto_aerospike = -1;
static int aerospike_tap = -1;
static dissector_handle_t aerospike_handle;
static dissector_handle_t msgpack_handle;

static ts_bool aerospike_desegment = TRUE;
static ts_bool aerospike_inflate = TRUE;
static ts_bool aerospike_use_msgpack = FALSE;  /* its strings show the particle-type byte as a box */
static range_t *aerospike_tcp_ports;     /* the "tcp.port" preference, read in as_prefs_apply */
static wmem_map_t *as_names;             /* file scope: one copy of each namespace / set name */
static wmem_map_t *as_pairs;             /* file scope: one as_names_t per namespace + set pair */

/* ---- header fields ------------------------------------------------------------------------ */
static int hf_aerospike_version = -1;
static int hf_aerospike_type = -1;
static int hf_aerospike_size = -1;
static int hf_aerospike_body = -1;
static int hf_aerospike_response_in = -1;
static int hf_aerospike_response_to = -1;
static int hf_aerospike_time = -1;
static int hf_aerospike_no_response = -1;
static int hf_aerospike_response_lost = -1;
static int hf_aerospike_kind = -1;
static int hf_aerospike_cut = -1;
static int hf_aerospike_continuation = -1;

/* info */
static int hf_aerospike_info_command = -1;
static int hf_aerospike_info_name = -1;
static int hf_aerospike_info_value = -1;
static int hf_aerospike_info_line = -1;
static int hf_aerospike_info_param_key = -1;
static int hf_aerospike_info_param_value = -1;
static int hf_aerospike_info_param_item = -1;
static int hf_aerospike_info_error_code = -1;
static int hf_aerospike_info_error_message = -1;

/* as_msg */
static int hf_aerospike_msg = -1;
static int hf_aerospike_msg_header_sz = -1;
static int hf_aerospike_msg_info1 = -1;
static int hf_aerospike_msg_info1_read = -1;
static int hf_aerospike_msg_info1_get_all = -1;
static int hf_aerospike_msg_info1_short_query = -1;
static int hf_aerospike_msg_info1_batch = -1;
static int hf_aerospike_msg_info1_xdr = -1;
static int hf_aerospike_msg_info1_get_no_bins = -1;
static int hf_aerospike_msg_info1_read_mode_ap_all = -1;
static int hf_aerospike_msg_info1_compress_response = -1;
static int hf_aerospike_msg_info2 = -1;
static int hf_aerospike_msg_info2_write = -1;
static int hf_aerospike_msg_info2_delete = -1;
static int hf_aerospike_msg_info2_generation = -1;
static int hf_aerospike_msg_info2_generation_gt = -1;
static int hf_aerospike_msg_info2_durable_delete = -1;
static int hf_aerospike_msg_info2_create_only = -1;
static int hf_aerospike_msg_info2_relax_ap_long_query = -1;
static int hf_aerospike_msg_info2_respond_all_ops = -1;
static int hf_aerospike_msg_info3 = -1;
static int hf_aerospike_msg_info3_last = -1;
static int hf_aerospike_msg_info3_commit_master = -1;
static int hf_aerospike_msg_info3_partition_done = -1;
static int hf_aerospike_msg_info3_update_only = -1;
static int hf_aerospike_msg_info3_create_or_replace = -1;
static int hf_aerospike_msg_info3_replace_only = -1;
static int hf_aerospike_msg_info3_sc_read_type = -1;
static int hf_aerospike_msg_info3_sc_read_relax = -1;
static int hf_aerospike_msg_info4 = -1;
static int hf_aerospike_msg_info4_mrt_verify_read = -1;
static int hf_aerospike_msg_info4_mrt_roll_forward = -1;
static int hf_aerospike_msg_info4_mrt_roll_back = -1;
static int hf_aerospike_msg_info4_mrt_monitor_driven = -1;
static int hf_aerospike_msg_info4_mrt_on_locking_only = -1;
static int hf_aerospike_msg_info4_error_verbosity = -1;
static int hf_aerospike_msg_result_code = -1;
static int hf_aerospike_msg_generation = -1;
static int hf_aerospike_msg_record_ttl = -1;
static int hf_aerospike_msg_void_time = -1;
static int hf_aerospike_msg_transaction_ttl = -1;
static int hf_aerospike_msg_n_fields = -1;
static int hf_aerospike_msg_n_ops = -1;
static int hf_aerospike_msg_partition_id = -1;

/* fields */
static int hf_aerospike_field = -1;
static int hf_aerospike_field_size = -1;
static int hf_aerospike_field_type = -1;
static int hf_aerospike_field_data = -1;
static int hf_aerospike_namespace = -1;
static int hf_aerospike_set = -1;
static int hf_aerospike_digest = -1;
static int hf_aerospike_digest_computed = -1;
static int hf_aerospike_digest_partition = -1;
static int hf_aerospike_key = -1;
static int hf_aerospike_key_particle_type = -1;
static int hf_aerospike_key_int = -1;
static int hf_aerospike_key_double = -1;
static int hf_aerospike_key_bytes = -1;
static int hf_aerospike_record_version_lut = -1;
static int hf_aerospike_record_version_gen = -1;
static int hf_aerospike_mrt_id = -1;
static int hf_aerospike_mrt_deadline = -1;
static int hf_aerospike_task_id = -1;
static int hf_aerospike_scan_priority = -1;
static int hf_aerospike_scan_fail_on_cluster_change = -1;
static int hf_aerospike_scan_include_ldt = -1;
static int hf_aerospike_scan_percent = -1;
static int hf_aerospike_socket_timeout = -1;
static int hf_aerospike_rps = -1;
static int hf_aerospike_pid_count = -1;
static int hf_aerospike_pid = -1;
static int hf_aerospike_digest_array_digest = -1;
static int hf_aerospike_max_records = -1;
static int hf_aerospike_lut = -1;
static int hf_aerospike_bval = -1;
static int hf_aerospike_index_name = -1;
static int hf_aerospike_index_range_count = -1;
static int hf_aerospike_index_range_bin = -1;
static int hf_aerospike_index_range_type = -1;
static int hf_aerospike_index_range_begin = -1;
static int hf_aerospike_index_range_end = -1;
static int hf_aerospike_index_type = -1;
static int hf_aerospike_udf_package = -1;
static int hf_aerospike_udf_function = -1;
static int hf_aerospike_udf_op = -1;
static int hf_aerospike_query_bin = -1;
static int hf_aerospike_msgpack_text = -1;
static int hf_aerospike_exp_op = -1;

/* batch */
static int hf_aerospike_batch_count = -1;
static int hf_aerospike_batch_flags = -1;
static int hf_aerospike_batch_flags_inline_mem = -1;
static int hf_aerospike_batch_flags_inline_ssd = -1;
static int hf_aerospike_batch_flags_report_all = -1;
static int hf_aerospike_batch_flags_report_rec = -1;
static int hf_aerospike_batch_row = -1;
static int hf_aerospike_batch_index = -1;
static int hf_aerospike_batch_digest = -1;
static int hf_aerospike_batch_row_flags = -1;
static int hf_aerospike_batch_row_flags_repeat = -1;
static int hf_aerospike_batch_row_flags_info = -1;
static int hf_aerospike_batch_row_flags_gen = -1;
static int hf_aerospike_batch_row_flags_ttl = -1;
static int hf_aerospike_batch_row_flags_info4 = -1;
static int hf_aerospike_batch_repeat_of = -1;
static int hf_aerospike_batch_generation = -1;
static int hf_aerospike_batch_rows_present = -1;

/* ops */
static int hf_aerospike_op = -1;
static int hf_aerospike_op_size = -1;
static int hf_aerospike_op_type = -1;
static int hf_aerospike_op_particle_type = -1;
static int hf_aerospike_op_flags = -1;
static int hf_aerospike_op_name_len = -1;
static int hf_aerospike_op_bin_name = -1;
static int hf_aerospike_op_lut = -1;
static int hf_aerospike_op_value = -1;
static int hf_aerospike_op_value_int = -1;
static int hf_aerospike_op_value_double = -1;
static int hf_aerospike_op_value_string = -1;
static int hf_aerospike_op_value_bytes = -1;
static int hf_aerospike_op_value_bool = -1;
static int hf_aerospike_op_value_msgpack = -1;
static int hf_aerospike_op_geo_flags = -1;
static int hf_aerospike_op_geo_ncells = -1;
static int hf_aerospike_op_geo_cell = -1;
static int hf_aerospike_op_geo_json = -1;
static int hf_aerospike_op_cdt_op = -1;
static int hf_aerospike_op_cdt_context = -1;
static int hf_aerospike_op_bit_op = -1;
static int hf_aerospike_op_hll_op = -1;
static int hf_aerospike_op_string_op = -1;
static int hf_aerospike_op_exp_flags = -1;

/* compressed */
static int hf_aerospike_uncompressed_size = -1;
static int hf_aerospike_compressed_data = -1;
static int hf_aerospike_inflated_size = -1;

/* admin */
static int hf_aerospike_admin = -1;
static int hf_aerospike_admin_scheme = -1;
static int hf_aerospike_admin_result = -1;
static int hf_aerospike_admin_command = -1;
static int hf_aerospike_admin_n_fields = -1;
static int hf_aerospike_admin_unused = -1;
static int hf_aerospike_admin_field = -1;
static int hf_aerospike_admin_field_size = -1;
static int hf_aerospike_admin_field_id = -1;
static int hf_aerospike_admin_user = -1;
static int hf_aerospike_admin_password = -1;
static int hf_aerospike_admin_old_password = -1;
static int hf_aerospike_admin_credential = -1;
static int hf_aerospike_admin_clear_password = -1;
static int hf_aerospike_admin_session_token = -1;
static int hf_aerospike_admin_session_ttl = -1;
static int hf_aerospike_admin_role = -1;
static int hf_aerospike_admin_privilege = -1;
static int hf_aerospike_admin_privilege_ns = -1;
static int hf_aerospike_admin_privilege_set = -1;
static int hf_aerospike_admin_whitelist = -1;
static int hf_aerospike_admin_quota = -1;
static int hf_aerospike_admin_info_value = -1;
static int hf_aerospike_admin_connections = -1;
static int hf_aerospike_admin_data = -1;

static gint ett_aerospike = -1;
static gint ett_aerospike_info_line = -1;
static gint ett_aerospike_info_params = -1;
static gint ett_aerospike_msg = -1;
static gint ett_aerospike_info1 = -1;
static gint ett_aerospike_info2 = -1;
static gint ett_aerospike_info3 = -1;
static gint ett_aerospike_info4 = -1;
static gint ett_aerospike_field = -1;
static gint ett_aerospike_key = -1;
static gint ett_aerospike_op = -1;
static gint ett_aerospike_value = -1;
static gint ett_aerospike_msgpack = -1;
static gint ett_aerospike_batch = -1;
static gint ett_aerospike_batch_flags = -1;
static gint ett_aerospike_batch_row = -1;
static gint ett_aerospike_batch_row_flags = -1;
static gint ett_aerospike_array = -1;
static gint ett_aerospike_index_range = -1;
static gint ett_aerospike_compressed = -1;
static gint ett_aerospike_admin = -1;
static gint ett_aerospike_admin_field = -1;

static expert_field ei_aerospike_version = EI_INIT;
static expert_field ei_aerospike_type = EI_INIT;
static expert_field ei_aerospike_size = EI_INIT;
static expert_field ei_aerospike_truncated = EI_INIT;
static expert_field ei_aerospike_header_sz = EI_INIT;
static expert_field ei_aerospike_field_size = EI_INIT;
static expert_field ei_aerospike_field_len = EI_INIT;
static expert_field ei_aerospike_field_unknown = EI_INIT;
static expert_field ei_aerospike_op_size = EI_INIT;
static expert_field ei_aerospike_op_unknown = EI_INIT;
static expert_field ei_aerospike_particle_unknown = EI_INIT;
static expert_field ei_aerospike_value_len = EI_INIT;
static expert_field ei_aerospike_trailing = EI_INIT;
static expert_field ei_aerospike_result_note = EI_INIT;
static expert_field ei_aerospike_result_warn = EI_INIT;
static expert_field ei_aerospike_result_error = EI_INIT;
static expert_field ei_aerospike_info_error = EI_INIT;
static expert_field ei_aerospike_info_unterminated = EI_INIT;
static expert_field ei_aerospike_info_empty = EI_INIT;
static expert_field ei_aerospike_batch_count = EI_INIT;
static expert_field ei_aerospike_batch_repeat_first = EI_INIT;
static expert_field ei_aerospike_batch_flags = EI_INIT;
static expert_field ei_aerospike_compressed_corrupt = EI_INIT;
static expert_field ei_aerospike_compressed_size = EI_INIT;
static expert_field ei_aerospike_compressed_inner = EI_INIT;
static expert_field ei_aerospike_compressed_skipped = EI_INIT;
static expert_field ei_aerospike_digest_mismatch = EI_INIT;
static expert_field ei_aerospike_credentials = EI_INIT;
static expert_field ei_aerospike_clear_password = EI_INIT;
static expert_field ei_aerospike_no_response = EI_INIT;
static expert_field ei_aerospike_no_request = EI_INIT;
static expert_field ei_aerospike_response_lost = EI_INIT;
static expert_field ei_aerospike_cut = EI_INIT;
static expert_field ei_aerospike_msgpack = EI_INIT;
static expert_field ei_aerospike_admin_result = EI_INIT;

/* ---- value strings ---------------------------------------------------------------------- */
static const value_string aerospike_type_vals[] = {
    { 1, "Info" },
    { 2, "Admin/Security" },
    { 3, "Message" },
    { 4, "Compressed message" },
    { 5, "Internal XDR" },
    { 0, NULL }
};

static const value_string aerospike_kind_vals[] = {
    { AS_KIND_READ,    "Read" },
    { AS_KIND_WRITE,   "Write" },
    { AS_KIND_DELETE,  "Delete" },
    { AS_KIND_OPERATE, "Operate" },
    { AS_KIND_BATCH,   "Batch" },
    { AS_KIND_SCAN,    "Scan" },
    { AS_KIND_QUERY,   "Query" },
    { AS_KIND_UDF,     "UDF" },
    { AS_KIND_INFO,    "Info" },
    { AS_KIND_ADMIN,   "Admin" },
    { 0, NULL }
};

static const value_string aerospike_result_vals[] = {
    { 0, "OK" },
    { 1, "SERVER_ERROR" },
    { 2, "NOT_FOUND" },
    { 3, "GENERATION_ERROR" },
    { 4, "PARAMETER_ERROR" },
    { 5, "RECORD_EXISTS" },
    { 6, "BIN_EXISTS" },
    { 7, "CLUSTER_KEY_MISMATCH" },
    { 8, "OUT_OF_SPACE" },
    { 9, "TIMEOUT" },
    { 10, "ALWAYS_FORBIDDEN" },
    { 11, "PARTITION_UNAVAILABLE" },
    { 12, "BIN_INCOMPATIBLE_TYPE" },
    { 13, "RECORD_TOO_BIG" },
    { 14, "KEY_BUSY" },
    { 15, "SCAN_ABORTED" },
    { 16, "UNSUPPORTED_FEATURE" },
    { 17, "BIN_NOT_FOUND" },
    { 18, "DEVICE_OVERLOAD" },
    { 19, "KEY_MISMATCH" },
    { 20, "INVALID_NAMESPACE" },
    { 21, "BIN_NAME_TOO_LONG" },
    { 22, "FAIL_FORBIDDEN" },
    { 23, "ELEMENT_NOT_FOUND" },
    { 24, "ELEMENT_EXISTS" },
    { 25, "ENTERPRISE_ONLY" },
    { 26, "OP_NOT_APPLICABLE" },
    { 27, "FILTERED_OUT" },
    { 28, "LOST_CONFLICT" },
    { 29, "INVALID_ENCODING" },
    { 32, "XDR_KEY_BUSY" },
    { 50, "QUERY_END" },
    { 51, "SECURITY_NOT_SUPPORTED" },
    { 52, "SECURITY_NOT_ENABLED" },
    { 53, "SECURITY_SCHEME_NOT_SUPPORTED" },
    { 54, "INVALID_COMMAND" },
    { 55, "INVALID_FIELD" },
    { 56, "ILLEGAL_STATE" },
    { 60, "INVALID_USER" },
    { 61, "USER_ALREADY_EXISTS" },
    { 62, "INVALID_PASSWORD" },
    { 63, "EXPIRED_PASSWORD" },
    { 64, "FORBIDDEN_PASSWORD" },
    { 65, "INVALID_CREDENTIAL" },
    { 66, "EXPIRED_SESSION" },
    { 70, "INVALID_ROLE" },
    { 71, "ROLE_ALREADY_EXISTS" },
    { 72, "INVALID_PRIVILEGE" },
    { 73, "INVALID_WHITELIST" },
    { 74, "QUOTAS_NOT_ENABLED" },
    { 75, "INVALID_QUOTA" },
    { 80, "NOT_AUTHENTICATED" },
    { 81, "ROLE_VIOLATION" },
    { 82, "NOT_WHITELISTED" },
    { 83, "QUOTA_EXCEEDED" },
    { 90, "LDAP_NOT_CONFIGURED" },
    { 91, "LDAP_SETUP" },
    { 92, "LDAP_TLS_SETUP" },
    { 93, "LDAP_AUTHENTICATION" },
    { 94, "LDAP_QUERY" },
    { 100, "UDF_EXECUTION" },
    { 120, "MRT_BLOCKED" },
    { 121, "MRT_VERSION_MISMATCH" },
    { 122, "MRT_EXPIRED" },
    { 123, "MRT_TOO_MANY_WRITES" },
    { 124, "MRT_COMMITTED" },
    { 125, "MRT_ABORTED" },
    { 126, "MRT_ALREADY_LOCKED" },
    { 127, "MRT_MONITOR_EXISTS" },
    { 150, "BATCH_DISABLED" },
    { 151, "BATCH_MAX_REQUESTS" },
    { 152, "BATCH_QUEUES_FULL" },
    { 160, "GEO_INVALID_GEOJSON" },
    { 200, "INDEX_FOUND" },
    { 201, "INDEX_NOT_FOUND" },
    { 202, "INDEX_OOM" },
    { 203, "INDEX_NOT_READABLE" },
    { 204, "INDEX_GENERIC" },
    { 205, "INDEX_NAME_MAXLEN" },
    { 206, "INDEX_MAXCOUNT" },
    { 210, "QUERY_ABORTED" },
    { 211, "QUERY_QUEUE_FULL" },
    { 212, "QUERY_TIMEOUT" },
    { 213, "QUERY_GENERIC" },
    { 0, NULL }
};
static value_string_ext aerospike_result_vals_ext = VALUE_STRING_EXT_INIT(aerospike_result_vals);

static const value_string aerospike_field_type_vals[] = {
    { 0, "NAMESPACE" },
    { 1, "SET" },
    { 2, "KEY" },
    { 3, "RECORD_VERSION" },
    { 4, "DIGEST_RIPE" },
    { 5, "MRT_ID" },
    { 6, "MRT_DEADLINE" },
    { 7, "TRID (task id)" },
    { 8, "SCAN_OPTIONS (legacy)" },
    { 9, "SOCKET_TIMEOUT" },
    { 10, "RECORDS_PER_SECOND" },
    { 11, "PID_ARRAY" },
    { 12, "DIGEST_ARRAY" },
    { 13, "MAX_RECORDS" },
    { 14, "LUT" },
    { 15, "BVAL_ARRAY" },
    { 21, "INDEX_NAME" },
    { 22, "INDEX_RANGE" },
    { 23, "INDEX_CONTEXT" },
    { 24, "INDEX_EXPRESSION" },
    { 25, "INDEX_ORDER (legacy)" },
    { 26, "INDEX_TYPE" },
    { 30, "UDF_PACKAGE_NAME" },
    { 31, "UDF_FUNCTION" },
    { 32, "UDF_ARGLIST" },
    { 33, "UDF_OP" },
    { 40, "QUERY_BINLIST" },
    { 41, "BATCH_INDEX" },
    { 42, "BATCH_INDEX_WITH_SET" },
    { 43, "FILTER_EXP" },
    { 45, "ERROR_DETAILS" },
    { 0, NULL }
};

static const value_string aerospike_op_type_vals[] = {
    { 1, "READ" },
    { 2, "WRITE" },
    { 3, "CDT_READ" },
    { 4, "CDT_MODIFY" },
    { 5, "INCR" },
    { 7, "EXP_READ" },
    { 8, "EXP_MODIFY" },
    { 9, "APPEND" },
    { 10, "PREPEND" },
    { 11, "TOUCH" },
    { 12, "BIT_READ" },
    { 13, "BIT_MODIFY" },
    { 14, "DELETE" },
    { 15, "HLL_READ" },
    { 16, "HLL_MODIFY" },
    { 17, "STRING_READ" },
    { 18, "STRING_MODIFY" },
    { 19, "TO_STRING" },
    { 129, "MC_INCR (obsolete)" },
    { 130, "MC_APPEND (obsolete)" },
    { 131, "MC_PREPEND (obsolete)" },
    { 132, "MC_TOUCH (obsolete)" },
    { 0, NULL }
};

static const value_string aerospike_particle_vals[] = {
    { 0, "NULL" },
    { 1, "INTEGER" },
    { 2, "FLOAT" },
    { 3, "STRING" },
    { 4, "BLOB" },
    { 5, "TIMESTAMP (obsolete)" },
    { 7, "JAVA_BLOB" },
    { 8, "CSHARP_BLOB" },
    { 9, "PYTHON_BLOB" },
    { 10, "RUBY_BLOB" },
    { 11, "PHP_BLOB" },
    { 12, "ERLANG_BLOB" },
    { 16, "VECTOR" },
    { 17, "BOOL" },
    { 18, "HLL" },
    { 19, "MAP" },
    { 20, "LIST" },
    { 21, "LDT (obsolete)" },
    { 23, "GEOJSON" },
    { 0, NULL }
};

static const value_string aerospike_cdt_op_vals[] = {
    { 0, "list SET_TYPE" }, { 1, "list APPEND" }, { 2, "list APPEND_ITEMS" }, { 3, "list INSERT" },
    { 4, "list INSERT_ITEMS" }, { 5, "list POP" }, { 6, "list POP_RANGE" }, { 7, "list REMOVE" },
    { 8, "list REMOVE_RANGE" }, { 9, "list SET" }, { 10, "list TRIM" }, { 11, "list CLEAR" },
    { 12, "list INCREMENT" }, { 13, "list SORT" }, { 16, "list SIZE" }, { 17, "list GET" },
    { 18, "list GET_RANGE" }, { 19, "list GET_BY_INDEX" }, { 20, "list GET_BY_VALUE" },
    { 21, "list GET_BY_RANK" }, { 22, "list GET_ALL_BY_VALUE" }, { 23, "list GET_ALL_BY_VALUE_LIST" },
    { 24, "list GET_BY_INDEX_RANGE" }, { 25, "list GET_BY_VALUE_INTERVAL" },
    { 26, "list GET_BY_RANK_RANGE" }, { 27, "list GET_BY_VALUE_REL_RANK_RANGE" },
    { 32, "list REMOVE_BY_INDEX" }, { 33, "list REMOVE_BY_VALUE" }, { 34, "list REMOVE_BY_RANK" },
    { 35, "list REMOVE_ALL_BY_VALUE" }, { 36, "list REMOVE_ALL_BY_VALUE_LIST" },
    { 37, "list REMOVE_BY_INDEX_RANGE" }, { 38, "list REMOVE_BY_VALUE_INTERVAL" },
    { 39, "list REMOVE_BY_RANK_RANGE" }, { 40, "list REMOVE_BY_VALUE_REL_RANK_RANGE" },
    { 64, "map SET_TYPE" }, { 65, "map ADD" }, { 66, "map ADD_ITEMS" }, { 67, "map PUT" },
    { 68, "map PUT_ITEMS" }, { 69, "map REPLACE" }, { 70, "map REPLACE_ITEMS" },
    { 73, "map INCREMENT" }, { 74, "map DECREMENT" }, { 75, "map CLEAR" },
    { 76, "map REMOVE_BY_KEY" }, { 77, "map REMOVE_BY_INDEX" }, { 78, "map REMOVE_BY_VALUE" },
    { 79, "map REMOVE_BY_RANK" }, { 81, "map REMOVE_BY_KEY_LIST" }, { 82, "map REMOVE_ALL_BY_VALUE" },
    { 83, "map REMOVE_BY_VALUE_LIST" }, { 84, "map REMOVE_BY_KEY_INTERVAL" },
    { 85, "map REMOVE_BY_INDEX_RANGE" }, { 86, "map REMOVE_BY_VALUE_INTERVAL" },
    { 87, "map REMOVE_BY_RANK_RANGE" }, { 88, "map REMOVE_BY_KEY_REL_INDEX_RANGE" },
    { 89, "map REMOVE_BY_VALUE_REL_RANK_RANGE" }, { 96, "map SIZE" }, { 97, "map GET_BY_KEY" },
    { 98, "map GET_BY_INDEX" }, { 99, "map GET_BY_VALUE" }, { 100, "map GET_BY_RANK" },
    { 102, "map GET_ALL_BY_VALUE" }, { 103, "map GET_BY_KEY_INTERVAL" },
    { 104, "map GET_BY_INDEX_RANGE" }, { 105, "map GET_BY_VALUE_INTERVAL" },
    { 106, "map GET_BY_RANK_RANGE" }, { 107, "map GET_BY_KEY_LIST" }, { 108, "map GET_BY_VALUE_LIST" },
    { 109, "map GET_BY_KEY_REL_INDEX_RANGE" }, { 110, "map GET_BY_VALUE_REL_RANK_RANGE" },
    { 254, "SELECT" }, { 255, "CONTEXT_EVAL" },
    { 0, NULL }
};

static const value_string aerospike_bit_op_vals[] = {
    { 0, "RESIZE" }, { 1, "INSERT" }, { 2, "REMOVE" }, { 3, "SET" }, { 4, "OR" }, { 5, "XOR" },
    { 6, "AND" }, { 7, "NOT" }, { 8, "LSHIFT" }, { 9, "RSHIFT" }, { 10, "ADD" }, { 11, "SUBTRACT" },
    { 12, "SET_INT" }, { 50, "GET" }, { 51, "COUNT" }, { 52, "LSCAN" }, { 53, "RSCAN" },
    { 54, "GET_INT" },
    { 0, NULL }
};

static const value_string aerospike_hll_op_vals[] = {
    { 0, "INIT" }, { 1, "ADD" }, { 2, "UNION" }, { 3, "UPDATE_COUNT" }, { 4, "FOLD" },
    { 50, "COUNT" }, { 51, "GET_UNION" }, { 52, "UNION_COUNT" }, { 53, "INTERSECT_COUNT" },
    { 54, "SIMILARITY" }, { 55, "DESCRIBE" }, { 56, "MAY_CONTAIN" },
    { 0, NULL }
};

static const value_string aerospike_string_op_vals[] = {
    { 0, "STRLEN" }, { 1, "SUBSTR" }, { 2, "CHAR_AT" }, { 3, "FIND" }, { 4, "CONTAINS" },
    { 5, "STARTS_WITH" }, { 6, "ENDS_WITH" }, { 7, "TO_INTEGER" }, { 8, "TO_DOUBLE" },
    { 9, "BYTE_LENGTH" }, { 10, "IS_NUMERIC" }, { 11, "IS_UPPER" }, { 12, "IS_LOWER" },
    { 13, "TO_BLOB" }, { 14, "SPLIT" }, { 15, "B64_DECODE" }, { 16, "REGEX_COMPARE" },
    { 50, "INSERT" }, { 51, "OVERWRITE" }, { 52, "CONCAT" }, { 53, "SNIP" }, { 54, "REPLACE" },
    { 55, "REPLACE_ALL" }, { 56, "UPPER" }, { 57, "LOWER" }, { 58, "CASE_FOLD" },
    { 59, "NORMALIZE_NFC" }, { 60, "TRIM_START" }, { 61, "TRIM_END" }, { 62, "TRIM" },
    { 63, "PAD_START" }, { 64, "PAD_END" }, { 65, "REPEAT" }, { 66, "REGEX_REPLACE" },
    { 67, "APPEND" }, { 68, "PREPEND" },
    { 0, NULL }
};

static const value_string aerospike_exp_op_vals[] = {
    { 0, "UNKNOWN" }, { 1, "EQ" }, { 2, "NE" }, { 3, "GT" }, { 4, "GE" }, { 5, "LT" }, { 6, "LE" },
    { 7, "REGEX" }, { 8, "GEO" }, { 9, "IN_LIST" }, { 16, "AND" }, { 17, "OR" }, { 18, "NOT" },
    { 19, "EXCLUSIVE" }, { 20, "ADD" }, { 21, "SUB" }, { 22, "MUL" }, { 23, "DIV" }, { 24, "POW" },
    { 25, "LOG" }, { 26, "MOD" }, { 27, "ABS" }, { 28, "FLOOR" }, { 29, "CEIL" }, { 30, "TO_INT" },
    { 31, "TO_FLOAT" }, { 32, "INT_AND" }, { 33, "INT_OR" }, { 34, "INT_XOR" }, { 35, "INT_NOT" },
    { 36, "INT_LSHIFT" }, { 37, "INT_RSHIFT" }, { 38, "INT_ARSHIFT" }, { 39, "INT_COUNT" },
    { 40, "INT_LSCAN" }, { 41, "INT_RSCAN" }, { 50, "MIN" }, { 51, "MAX" },
    { 64, "DIGEST_MODULO" }, { 65, "DEVICE_SIZE" }, { 66, "LAST_UPDATE" }, { 67, "SINCE_UPDATE" },
    { 68, "VOID_TIME" }, { 69, "TTL" }, { 70, "SET_NAME" }, { 71, "KEY_EXISTS" },
    { 72, "IS_TOMBSTONE" }, { 73, "MEMORY_SIZE" }, { 74, "RECORD_SIZE" }, { 80, "KEY" },
    { 81, "BIN" }, { 82, "BIN_TYPE" }, { 100, "RESULT_REMOVE" }, { 101, "MAP_KEYS" },
    { 102, "MAP_VALUES" }, { 122, "VAR_BUILTIN" }, { 123, "COND" }, { 124, "VAR" }, { 125, "LET" },
    { 126, "QUOTED" }, { 127, "CALL" },
    { 0, NULL }
};

static const value_string aerospike_udf_op_vals[] = {
    { 0, "KVS (record UDF)" },
    { 1, "AGGREGATE" },
    { 2, "BACKGROUND" },
    { 0, NULL }
};

static const value_string aerospike_index_type_vals[] = {
    { 0, "DEFAULT" },
    { 1, "LIST" },
    { 2, "MAPKEYS" },
    { 3, "MAPVALUES" },
    { 0, NULL }
};

static const value_string aerospike_scan_priority_vals[] = {
    { 0, "AUTO" },
    { 1, "LOW" },
    { 2, "MEDIUM" },
    { 3, "HIGH" },
    { 0, NULL }
};

static const value_string aerospike_admin_command_vals[] = {
    { 0, "AUTHENTICATE" },
    { 1, "CREATE_USER" },
    { 2, "DROP_USER" },
    { 3, "SET_PASSWORD" },
    { 4, "CHANGE_PASSWORD" },
    { 5, "GRANT_ROLES" },
    { 6, "REVOKE_ROLES" },
    { 9, "QUERY_USERS" },
    { 10, "CREATE_ROLE" },
    { 11, "DROP_ROLE" },
    { 12, "GRANT_PRIVILEGES" },
    { 13, "REVOKE_PRIVILEGES" },
    { 14, "SET_WHITELIST" },
    { 15, "SET_QUOTAS" },
    { 16, "QUERY_ROLES" },
    { 20, "LOGIN" },
    { 0, NULL }
};

static const value_string aerospike_admin_field_vals[] = {
    { 0, "USER" },
    { 1, "PASSWORD" },
    { 2, "OLD_PASSWORD" },
    { 3, "CREDENTIAL" },
    { 4, "CLEAR_PASSWORD" },
    { 5, "SESSION_TOKEN" },
    { 6, "SESSION_TTL" },
    { 10, "ROLES" },
    { 11, "ROLE" },
    { 12, "PRIVILEGES" },
    { 13, "WHITELIST" },
    { 14, "READ_QUOTA" },
    { 15, "WRITE_QUOTA" },
    { 16, "READ_INFO" },
    { 17, "WRITE_INFO" },
    { 18, "CONNECTIONS" },
    { 0, NULL }
};

static const value_string aerospike_privilege_vals[] = {
    { 0, "user-admin" },
    { 1, "sys-admin" },
    { 2, "data-admin" },
    { 3, "udf-admin" },
    { 4, "sindex-admin" },
    { 10, "read" },
    { 11, "read-write" },
    { 12, "read-write-udf" },
    { 13, "write" },
    { 14, "truncate" },
    { 0, NULL }
};


/* ---- request / transaction state ------------------------------------------------------------
 * Built while a request is dissected: in wmem_file_scope() on the first pass (kept as the
 * transaction's data, ts_trans_req_data(): responses take their key from it), in pinfo->pool on later passes. */
/* A namespace and set: one shared record per distinct pair on the first pass (as_pairs), a
 * pinfo->pool one on later passes. Kept by pointer in every request and batch row (issue 18:
 * the first pass keeps one of these records per transaction, so they stay small). */
typedef struct {
    const char *ns;             /* interned (as_names) */
    const char *set;
} as_names_t;

#define AS_NS(n)  ((n) ? (n)->ns : NULL)
#define AS_SET(n) ((n) ? (n)->set : NULL)

/* PDU indexes kept in 16 bits (a frame of more PDUs of one answer compares saturated). */
#define AS_PDU16(i) ((guint16)MIN((guint)(i), (guint)G_MAXUINT16))

/* A batch row as its answers need it (one per row of every batch request for the whole file:
 * 32 bytes; its namespace, set and user key are in the batch, usually shared). */
typedef struct {
    guint8      digest[AS_DIGEST_LEN];
    guint32     first_frame;    /* first response record answering this row (frame, pdu, record) */
    guint32     first_rec;
    guint16     first_pdu;      /* AS_PDU16() */
} as_row_t;

typedef struct {
    wmem_map_t *row_by_index;   /* batch index -> first as_row_t with it; NULL when row i has index i */
    const as_names_t *names0;   /* namespace and set of every row ... */
    const as_names_t **names;   /* ... unless rows differ: then one per row (NULL: all names0) */
    const char **userkeys;      /* user key of each row, NULL: no row sent one */
    guint32     n_rows;
    guint32     max_rows;       /* room in rows[] and in the arrays above */
    as_row_t    rows[];         /* room for the rows the field can hold */
} as_batch_t;

/* On the first pass it follows its transaction (ts_trans_request_with_data): the first response
 * of the transaction is in frame trans->rsp_frame, PDU first_pdu. */
typedef struct {
    const as_names_t *names;    /* NULL: none */
    const char *userkey;
    as_batch_t *batch;          /* rows of a BATCH field, NULL: none */
    guint16     first_pdu;      /* AS_PDU16() of the transaction's first response PDU */
    guint8      admin_cmd;
    gint8       kind : 5;       /* AS_KIND_*, -1: unknown */
    guint8      multi : 1;      /* answer is a stream ending with INFO3_LAST / QUERY_END */
    guint8      has_digest : 1; /* single-key commands: digest is the key */
    guint8      cut : 1;        /* the request is cut short in the capture (snaplen, missing
                                 * segment): its kind is guessed from the header, its key may be
                                 * unknown */
    guint8      digest[AS_DIGEST_LEN];
} as_req_t;
G_STATIC_ASSERT(sizeof(as_req_t) == 48);
G_STATIC_ASSERT(sizeof(as_row_t) == 32);
G_STATIC_ASSERT(AS_KIND_ADMIN < 16);    /* fits as_req_t.kind */

/* A batch request whose rows are known (responses are read row by row) */
#define AS_REQ_BATCH(r) ((r)->kind == AS_KIND_BATCH && (r)->batch != NULL)


/* What one as_msg told us (filled by dissect_as_msg). */
typedef struct {
    guint8      info1, info2, info3, info4;
    guint8      result;
    guint32     generation;
    guint32     record_ttl;
    guint32     transaction_ttl;
    guint16     n_fields, n_ops;
    gboolean    has_digest;
    guint8      digest[AS_DIGEST_LEN];
    const char *ns;
    const char *set;
    const char *userkey;
    gboolean    has_key;
    int         key_off, key_len;   /* KEY field data (particle type + value) in the tvb */
    gboolean    has_batch;
    gboolean    has_udf;
    gboolean    has_index;          /* secondary-index query */
    gboolean    has_scan_fields;    /* pid array, task id, socket timeout, scan options... */
    const char *udf_package;
    const char *udf_function;
    const char *index_bin;
    guint       n_read_ops, n_write_ops, n_other_ops;
    const char *bins;               /* first bin names, for the Info column */
    guint32     batch_count;
    guint32     batch_rows;
    guint       size;               /* bytes of this as_msg */
    gboolean    cut;                /* the as_msg runs past the captured bytes */
} as_msg_info_t;

/* Dissection context of one PDU. */
typedef struct {
    packet_info  *pinfo;
    proto_item   *pdu_item;
    gboolean      is_request;
    gboolean      embedded;         /* carried inside another protocol: no matching, no taps */
    gboolean      first_pass;
    wmem_allocator_t *scope;        /* where request data goes (file scope on the first pass) */
    guint         pdu_index;
    guint32       pdu_bytes;        /* bytes on the wire (8 + size) */
    ts_trans_t   *trans;
    as_req_t     *req;              /* request of this PDU (requests) or of the transaction (responses) */
    nstime_t      delta;
    gboolean      has_delta;
    gboolean      compressed;
    gboolean      cut;              /* the PDU runs past the captured bytes (snaplen, or a segment
                                     * TCP did not reassemble): decode what is there, quietly */
    gboolean      cut_shown;        /* the "not captured" item of this PDU was added */
    guint32       missing;          /* bytes of the PDU not captured */
    wmem_strbuf_t *info;            /* Info column text of this PDU */
    guint         rec_index;        /* as_msg index within the PDU */
    guint         tap_bytes_left;   /* bytes still to hand out to tap records of this PDU */
    guint32      *row_bytes;        /* request: tap bytes of each batch row (pinfo->pool) */
} as_ctx_t;

/* Per TCP connection (first pass): the transactions, and what the byte stream of each direction
 * (AS_DIR_REQ: to the server, AS_DIR_RSP: to the client) told us. */
#define AS_DIR_REQ 0
#define AS_DIR_RSP 1
#define AS_TCP_FLAG_ACK 0x010
typedef struct {
    ts_trans_table_t *tbl;
    ts_seq_pos_t pos[2];        /* end of the bytes of the direction handed to us so far */
    gboolean gap[2];            /* bytes were missing since the last response PDU was matched */
    gboolean rsp_unseen;        /* the client acknowledged server bytes that are not in the capture */
    guint32  cut_end[2];        /* a PDU cut short in the capture runs up to this sequence number */
    guint32  cut_frame[2];      /* ... and starts in this frame */
    gboolean cut_known[2];
} as_conv_t;

/* Per frame (file scope): the first `skip` bytes of the segment continue the PDU of `frame`, which
 * was cut short in the capture. */
typedef struct {
    guint32 seq;        /* of the segment's first byte */
    guint32 frame;
    guint32 skip;
} as_cont_t;

/* ---- small helpers ------------------------------------------------------------------------- */
#define AS_HEX_MAX 64

/* The first AS_HEX_MAX bytes of a value in hex, lowercase without separators ("" for none):
 * tvb_bytes_to_str() would stop at 36 bytes, bytes_to_str_maxlen() logs an error on 0 bytes. */
static const char *
as_value_hex(wmem_allocator_t *scope, tvbuff_t *tvb, int off, int len)
{
    len = MIN(len, AS_HEX_MAX);
    return len > 0 ? bytes_to_str_maxlen(scope, tvb_get_ptr(tvb, off, len), len, 0) : "";
}

/* The text of a string item, shortened for the Info column. */
static const char *
as_short(wmem_allocator_t *scope, const char *s, guint max)
{
    if (!s)
        return "";
    if (strlen(s) <= max)
        return s;
    return wmem_strdup_printf(scope, "%.*s\xe2\x80\xa6", (int)max, s);
}

/* A string kept with the request: the packet's copy on later passes, else a file-scope copy
 * (names are interned: a capture has a handful of namespaces and sets). */
static const char *
as_keep(as_ctx_t *ctx, const char *s, gboolean intern)
{
    const char *k;
    if (!s || ctx->scope != wmem_file_scope())
        return s;
    if (!intern || !as_names)
        return wmem_strdup(ctx->scope, s);
    k = (const char *)wmem_map_lookup(as_names, s);
    if (!k) {
        k = wmem_strdup(wmem_file_scope(), s);
        wmem_map_insert(as_names, (void *)k, (void *)k);
    }
    return k;
}

static guint
as_pair_hash(gconstpointer k)
{
    const as_names_t *n = (const as_names_t *)k;
    return g_direct_hash(n->ns) * 31u + g_direct_hash(n->set);
}

static gboolean
as_pair_equal(gconstpointer a, gconstpointer b)
{
    const as_names_t *x = (const as_names_t *)a, *y = (const as_names_t *)b;
    return x->ns == y->ns && x->set == y->set;
}

/* The namespace and set kept with a request or batch row (NULL when neither is known): on the
 * first pass one shared record per distinct pair, whose strings are interned; later passes
 * build a pinfo->pool one (the packet's strings live as long). */
static const as_names_t *
as_keep_names(as_ctx_t *ctx, const char *ns, const char *set)
{
    as_names_t key, *n;
    if (!ns && !set)
        return NULL;
    if (ctx->scope != wmem_file_scope() || !as_pairs) {
        n = wmem_new(ctx->scope, as_names_t);
        n->ns = ns;
        n->set = set;
        return n;
    }
    key.ns = as_keep(ctx, ns, TRUE);
    key.set = as_keep(ctx, set, TRUE);
    n = (as_names_t *)wmem_map_lookup(as_pairs, &key);
    if (!n) {
        n = wmem_new(wmem_file_scope(), as_names_t);
        *n = key;
        wmem_map_insert(as_pairs, n, n);
    }
    return n;
}

/* Batch row of a request by its batch index (the first row carrying it). */
static as_row_t *
as_row_lookup(const as_req_t *req, guint32 batch_index)
{
    as_batch_t *b = req->batch;
    if (!b)
        return NULL;
    if (b->row_by_index)
        return (as_row_t *)wmem_map_lookup(b->row_by_index, GUINT_TO_POINTER(batch_index));
    return batch_index < b->n_rows ? &b->rows[batch_index] : NULL;
}

/* Namespace / set and user key of a row of `b`. */
static const as_names_t *
as_row_names(const as_batch_t *b, const as_row_t *row)
{
    return b->names ? b->names[row - b->rows] : b->names0;
}

static const char *
as_row_userkey(const as_batch_t *b, const as_row_t *row)
{
    return b->userkeys ? b->userkeys[row - b->rows] : NULL;
}

static gboolean
as_names_same(const as_names_t *a, const as_names_t *b)
{
    return a == b || (a && b && g_strcmp0(a->ns, b->ns) == 0 && g_strcmp0(a->set, b->set) == 0);
}

/* Appends a row to the batch being built (room checked by the caller). */
static void
as_batch_add_row(as_ctx_t *ctx, as_batch_t *b, const guint8 *digest, const char *ns, const char *set,
                 const char *userkey)
{
    guint32 i = b->n_rows++;
    const as_names_t *names = as_keep_names(ctx, ns, set);
    memcpy(b->rows[i].digest, digest, AS_DIGEST_LEN);
    if (i == 0)
        b->names0 = names;
    if (!b->names && !as_names_same(names, b->names0)) {
        b->names = wmem_alloc_array(ctx->scope, const as_names_t *, b->max_rows);
        for (guint32 q = 0; q < i; q++)
            b->names[q] = b->names0;
    }
    if (b->names)
        b->names[i] = names;
    if (userkey && !b->userkeys)
        b->userkeys = wmem_alloc0_array(ctx->scope, const char *, b->max_rows);
    if (b->userkeys)
        b->userkeys[i] = as_keep(ctx, userkey, FALSE);
}

static as_conv_t *
as_conv(packet_info *pinfo)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    as_conv_t *cv = (as_conv_t *)conversation_get_proto_data(conv, proto_aerospike);
    if (!cv) {
        cv = wmem_new0(wmem_file_scope(), as_conv_t);
        cv->tbl = ts_trans_table_new(proto_aerospike, TS_TRANS_FIFO);
        conversation_add_proto_data(conv, proto_aerospike, cv);
    }
    return cv;
}

static void
as_prefs_apply(void)
{
    aerospike_tcp_ports = prefs_get_range_value("aerospike", "tcp.port");
}

static gboolean
as_is_request(packet_info *pinfo)
{
    range_t *r = aerospike_tcp_ports;
    gboolean d = (r && value_is_in_range(r, pinfo->destport)) || pinfo->destport == AEROSPIKE_TLS_PORT;
    gboolean s = (r && value_is_in_range(r, pinfo->srcport)) || pinfo->srcport == AEROSPIKE_TLS_PORT;
    if (d != s)
        return d;
    /* Decode As on another port, or both ports in the range: the port we were called for */
    if (pinfo->match_uint == pinfo->destport && pinfo->match_uint != pinfo->srcport)
        return TRUE;
    if (pinfo->match_uint == pinfo->srcport && pinfo->match_uint != pinfo->destport)
        return FALSE;
    return pinfo->destport < pinfo->srcport;
}

static void
as_add_result_expert(packet_info *pinfo, proto_item *pi, guint32 rc, gboolean admin)
{
    const char *name = val_to_str_ext_const(rc, &aerospike_result_vals_ext, "unknown");
    expert_field *ei;
    if (rc == 0 || (admin && rc == 50))
        return;
    switch (rc) {
    case 2: case 3: case 5: case 17: case 23: case 24: case 26: case 27: case 50: case 52:
        ei = &ei_aerospike_result_note;
        break;
    case 1: case 8: case 11: case 18: case 100: case 151: case 152: case 203: case 204:
        ei = &ei_aerospike_result_error;
        break;
    default:
        ei = admin ? &ei_aerospike_admin_result : &ei_aerospike_result_warn;
        break;
    }
    expert_add_info_format(pinfo, pi, ei, "%s result: %s (%u)", admin ? "Admin" : "Server", name, rc);
}

/* The rest of a PDU cut short in the capture, from `off` on: one item per PDU, one expert note
 * per frame (not one per field). */
static void
as_add_cut(tvbuff_t *tvb, as_ctx_t *ctx, proto_tree *tree, int off)
{
    packet_info *pinfo = ctx->pinfo;
    int captured = (int)tvb_captured_length(tvb);
    guint32 missing = ctx->missing;
    proto_item *pi;
    if (ctx->cut_shown)
        return;
    ctx->cut_shown = TRUE;
    if (off > captured)
        off = captured;
    pi = proto_tree_add_uint(tree, hf_aerospike_cut, tvb, off, captured - off, missing);
    proto_item_set_generated(pi);
    if (ts_packet_data_get(pinfo, proto_aerospike))
        return;
    ts_packet_data_set(pinfo, proto_aerospike, GUINT_TO_POINTER(1));
    if (pinfo->fd->cap_len < pinfo->fd->pkt_len)
        expert_add_info_format(pinfo, pi, &ei_aerospike_cut,
                               "Frame cut by the snaplen: %u bytes of this PDU are not in the capture, "
                               "what is there is decoded", missing);
    else
        expert_add_info_format(pinfo, pi, &ei_aerospike_cut,
                               "%u bytes of this PDU are not here (TCP reassembly off or a segment missing), "
                               "what is there is decoded", missing);
}

/* In a PDU cut short: does the element (32-bit size, then that many bytes, at least min_len in
 * all) at off lie wholly in the captured bytes before end? When not, the rest is shown as not
 * captured and TRUE returned: stop decoding, quietly. Never TRUE in a whole PDU. */
static gboolean
as_cut_stops(tvbuff_t *tvb, as_ctx_t *ctx, proto_tree *tree, int off, int end, int min_len)
{
    if (!ctx->cut)
        return FALSE;
    if (end - off >= min_len && end - off >= 4 && 4 + (guint64)tvb_get_ntohl(tvb, off) <= (guint64)(end - off))
        return FALSE;
    as_add_cut(tvb, ctx, tree, off);
    return TRUE;
}

/* ---- MessagePack -----------------------------------------------------------------------------
 * Payloads go through the shared bounded walker (msgpack.c), which validates them (lengths,
 * nesting), renders a short text form and tells whether Wireshark's own msgpack dissector can be
 * trusted with them (the 4.0 one mis-reads several types and has no depth limit). The Aerospike
 * conventions of that text come from as_mp_text_hook: particle-typed strings, order flags,
 * wildcard/infinity. */

/* Strings start with their particle type; an empty ext 8 carries the order flags in its type
 * byte; fixext 1 of type -1 is the wildcard (0) or infinity (1). */
static gboolean
as_mp_text_hook(wmem_allocator_t *scope, wmem_strbuf_t *sb, tvbuff_t *tvb, const msgpack_item_t *it,
                void *data _U_)
{
    guint32 n = it->data_len;
    if (it->kind == MSGPACK_STR) {
        guint8 pt = n ? tvb_get_uint8(tvb, it->data_offset) : 0;
        guint show = n > 64 ? 64 : n;
        if (n && (pt == AS_PT_STRING || pt == AS_PT_GEOJSON)) {
            char *s = (char *)tvb_get_string_enc(scope, tvb, it->data_offset + 1, show > 0 ? show - 1 : 0,
                                                 ENC_UTF_8);
            wmem_strbuf_append_printf(sb, "%s\"%s%s\"", pt == AS_PT_GEOJSON ? "geo" : "", s,
                                      n > show ? "\xe2\x80\xa6" : "");
            return TRUE;
        }
        if (n && pt == AS_PT_BLOB) {
            wmem_strbuf_append_printf(sb, "blob(%u)", n - 1);
            return TRUE;
        }
        return FALSE;
    }
    if (it->code == 0xd4 && it->ext_type == -1) {
        guint8 v = tvb_get_uint8(tvb, it->data_offset);
        wmem_strbuf_append(sb, v == 0 ? "*" : v == 1 ? "INF" : "ext(-1)");
        return TRUE;
    }
    if (it->code >= 0xc7 && it->code <= 0xc9 && n == 0) {
        wmem_strbuf_append_printf(sb, "<flags 0x%02x>", (guint8)it->ext_type);
        return TRUE;
    }
    return FALSE;
}

/* Skips one value at `off` (nested at `depth`); returns the offset after it or -1. */
static int
as_mp_skip(tvbuff_t *tvb, int off, int end, guint depth)
{
    msgpack_walker_t w;
    msgpack_walker_init(&w, tvb, end);
    w.max_depth = AS_MP_MAX_DEPTH;
    return msgpack_walk(&w, off, depth, NULL);
}

/* Adds a MessagePack payload: the text rendering (hf_text) with Wireshark's msgpack tree below
 * it when that dissector can be trusted with it. Returns the item (or NULL without a tree) and
 * whether the payload is valid in *valid. */
static proto_item *
as_add_msgpack(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int len, int hf_text,
               const char *label, gboolean *valid, const char **text)
{
    static const msgpack_text_opts_t opts = { AS_MP_TEXT_MAX, 64, AS_MP_MAX_DEPTH, as_mp_text_hook, NULL };
    msgpack_walker_t w;
    const char *str;
    proto_item *pi;
    int next;

    next = msgpack_text(pinfo->pool, tvb, off, off + len, &opts, &str, &w);
    pi = proto_tree_add_string(tree, hf_text, tvb, off, len, str);
    if (text)
        *text = str;
    if (valid)
        *valid = (next >= 0);
    if (next < 0) {
        expert_add_info_format(pinfo, pi, &ei_aerospike_msgpack, "%s: %s", label, msgpack_strerror(w.error));
        return pi;
    }
    if (next < off + len)
        expert_add_info_format(pinfo, pi, &ei_aerospike_msgpack, "%s: %d bytes after the MessagePack value",
                               label, off + len - next);
    if (tree && msgpack_handle && aerospike_use_msgpack && w.ws_ok && w.deepest <= AS_MP_STOCK_DEPTH) {
        proto_tree *st = proto_item_add_subtree(pi, ett_aerospike_msgpack);
        tvbuff_t *sub = tvb_new_subset_length(tvb, off, next - off);
        TRY {
            call_dissector_with_data(msgpack_handle, sub, pinfo, st, (void *)label);
        }
        CATCH_NONFATAL_ERRORS {
            show_exception(sub, pinfo, st, EXCEPT_CODE, GET_MESSAGE);
        }
        ENDTRY;
    }
    return pi;
}

/* ---- fields ----------------------------------------------------------------------------------- */
static int dissect_as_batch(tvbuff_t *tvb, as_ctx_t *ctx, proto_tree *tree, proto_item *fi, int off,
                            int end, as_msg_info_t *mi);

/* The text form of a KEY field's value (also used as the tap's "User key" column). */
static const char *
as_key_text(tvbuff_t *tvb, wmem_allocator_t *scope, guint8 pt, int off, int len)
{
    switch (pt) {
    case AS_PT_NULL:
        return "nil";
    case AS_PT_INTEGER:
        if (len == 8)
            return wmem_strdup_printf(scope, "%" PRId64, (gint64)tvb_get_ntoh64(tvb, off));
        break;
    case AS_PT_FLOAT:
        if (len == 8)
            return wmem_strdup_printf(scope, "%g", tvb_get_ntohieee_double(tvb, off));
        break;
    case AS_PT_STRING:
        return (const char *)tvb_get_string_enc(scope, tvb, off, len, ENC_UTF_8);
    default:
        break;
    }
    return as_value_hex(scope, tvb, off, len);
}

static void
as_field_len_expert(packet_info *pinfo, proto_item *pi, guint8 type, int len, const char *want)
{
    expert_add_info_format(pinfo, pi, &ei_aerospike_field_len, "%s field with %d data bytes (expected %s)",
                           val_to_str_const(type, aerospike_field_type_vals, "unknown"), len, want);
}

static void
dissect_as_index_range(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree _U_, proto_item *fi, int off,
                       int end, as_msg_info_t *mi)
{
    proto_tree *rt = proto_item_add_subtree(fi, ett_aerospike_index_range);
    guint8 nfilters, binlen, pt;
    guint32 blen;
    if (off + 2 > end)
        goto bad;
    nfilters = tvb_get_uint8(tvb, off);
    proto_tree_add_item(rt, hf_aerospike_index_range_count, tvb, off, 1, ENC_NA);
    off++;
    for (guint i = 0; i < nfilters && off < end; i++) {
        binlen = tvb_get_uint8(tvb, off);
        if (off + 1 + binlen + 1 > end)
            goto bad;
        proto_tree_add_item_ret_string(rt, hf_aerospike_index_range_bin, tvb, off + 1, binlen, ENC_UTF_8,
                                       pinfo->pool, (const guint8 **)&mi->index_bin);
        off += 1 + binlen;
        pt = tvb_get_uint8(tvb, off);
        proto_tree_add_item(rt, hf_aerospike_index_range_type, tvb, off, 1, ENC_NA);
        off++;
        for (int e = 0; e < 2; e++) {
            int hf = e == 0 ? hf_aerospike_index_range_begin : hf_aerospike_index_range_end;
            proto_item *vi;
            if (off + 4 > end)
                goto bad;
            blen = tvb_get_ntohl(tvb, off);
            if (blen > (guint32)(end - off - 4))
                goto bad;
            off += 4;
            if (pt == AS_PT_INTEGER && blen == 8)
                vi = proto_tree_add_string(rt, hf, tvb, off - 4, 4 + blen,
                        wmem_strdup_printf(pinfo->pool, "%" PRId64, (gint64)tvb_get_ntoh64(tvb, off)));
            else if (pt == AS_PT_STRING || pt == AS_PT_GEOJSON)
                vi = proto_tree_add_string(rt, hf, tvb, off - 4, 4 + blen,
                        (const char *)tvb_get_string_enc(pinfo->pool, tvb, off, blen, ENC_UTF_8));
            else
                vi = proto_tree_add_string(rt, hf, tvb, off - 4, 4 + blen,
                        as_value_hex(pinfo->pool, tvb, off, (int)MIN(blen, AS_HEX_MAX)));
            (void)vi;
            off += blen;
        }
    }
    return;
bad:
    expert_add_info_format(pinfo, fi, &ei_aerospike_field_len, "INDEX_RANGE field is truncated");
}

/* One field at `off` (within [off, end)). Returns the offset after it, or -1 when the size is
 * unusable (the rest of the as_msg cannot be parsed). */
static int
dissect_as_field(tvbuff_t *tvb, as_ctx_t *ctx, proto_tree *tree, int off, int end, as_msg_info_t *mi,
                 gboolean in_batch)
{
    packet_info *pinfo = ctx->pinfo;
    proto_item *fi, *pi;
    proto_tree *ft;
    guint32 fsz;
    guint8 type;
    int d, len;

    if (end - off < 5) {
        pi = proto_tree_add_item(tree, hf_aerospike_field_data, tvb, off, end - off, ENC_NA);
        expert_add_info_format(pinfo, pi, &ei_aerospike_field_size, "Field header truncated (%d bytes left)", end - off);
        return -1;
    }
    fsz = tvb_get_ntohl(tvb, off);
    type = tvb_get_uint8(tvb, off + 4);
    if (fsz == 0 || (guint64)fsz > (guint64)(end - off - 4)) {
        fi = proto_tree_add_item(tree, hf_aerospike_field, tvb, off, end - off, ENC_NA);
        ft = proto_item_add_subtree(fi, ett_aerospike_field);
        pi = proto_tree_add_item(ft, hf_aerospike_field_size, tvb, off, 4, ENC_BIG_ENDIAN);
        expert_add_info_format(pinfo, pi, &ei_aerospike_field_size,
                               "Field size %u does not fit the %d bytes left of the message", fsz, end - off - 4);
        return -1;
    }
    d = off + 5;
    len = (int)fsz - 1;
    fi = proto_tree_add_item(tree, hf_aerospike_field, tvb, off, 4 + fsz, ENC_NA);
    if (tree)
        proto_item_append_text(fi, ": %s", ts_val_to_str(pinfo->pool, type, aerospike_field_type_vals, "Unknown (%u)"));
    ft = proto_item_add_subtree(fi, ett_aerospike_field);
    proto_tree_add_item(ft, hf_aerospike_field_size, tvb, off, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(ft, hf_aerospike_field_type, tvb, off + 4, 1, ENC_NA);

    switch (type) {
    case AS_FIELD_NAMESPACE:
        proto_tree_add_item_ret_string(ft, hf_aerospike_namespace, tvb, d, len, ENC_UTF_8, pinfo->pool,
                                       (const guint8 **)&mi->ns);
        proto_item_append_text(fi, " = %s", mi->ns);
        break;
    case AS_FIELD_SET:
        proto_tree_add_item_ret_string(ft, hf_aerospike_set, tvb, d, len, ENC_UTF_8, pinfo->pool,
                                       (const guint8 **)&mi->set);
        proto_item_append_text(fi, " = %s", mi->set);
        break;
    case AS_FIELD_KEY: {
        proto_tree *kt;
        guint8 pt;
        const char *txt;
        if (len < 1) {
            as_field_len_expert(pinfo, fi, type, len, "at least 1");
            break;
        }
        pt = tvb_get_uint8(tvb, d);
        txt = as_key_text(tvb, pinfo->pool, pt, d + 1, len - 1);
        pi = proto_tree_add_string(ft, hf_aerospike_key, tvb, d, len, txt);
        kt = proto_item_add_subtree(pi, ett_aerospike_key);
        proto_tree_add_item(kt, hf_aerospike_key_particle_type, tvb, d, 1, ENC_NA);
        if (pt == AS_PT_INTEGER && len - 1 == 8)
            proto_tree_add_item(kt, hf_aerospike_key_int, tvb, d + 1, 8, ENC_BIG_ENDIAN);
        else if (pt == AS_PT_FLOAT && len - 1 == 8)
            proto_tree_add_item(kt, hf_aerospike_key_double, tvb, d + 1, 8, ENC_BIG_ENDIAN);
        else if (pt != AS_PT_STRING && pt != AS_PT_NULL)
            proto_tree_add_item(kt, hf_aerospike_key_bytes, tvb, d + 1, len - 1, ENC_NA);
        if ((pt == AS_PT_INTEGER || pt == AS_PT_FLOAT) && len - 1 != 8)
            expert_add_info_format(pinfo, pi, &ei_aerospike_value_len, "%s key with %d bytes (expected 8)",
                                   val_to_str_const(pt, aerospike_particle_vals, "?"), len - 1);
        if (try_val_to_str(pt, aerospike_particle_vals) == NULL)
            expert_add_info_format(pinfo, pi, &ei_aerospike_particle_unknown, "Unknown key particle type %u", pt);
        proto_item_append_text(fi, " = %s", txt);
        mi->userkey = txt;
        mi->has_key = TRUE;
        mi->key_off = d;
        mi->key_len = len;
        break;
    }
    case AS_FIELD_RECORD_VERSION:
        if (len != 7) { as_field_len_expert(pinfo, fi, type, len, "7"); goto raw; }
        proto_tree_add_item(ft, hf_aerospike_record_version_lut, tvb, d, 5, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(ft, hf_aerospike_record_version_gen, tvb, d + 5, 2, ENC_LITTLE_ENDIAN);
        break;
    case AS_FIELD_DIGEST:
        if (len != AS_DIGEST_LEN) { as_field_len_expert(pinfo, fi, type, len, "20"); goto raw; }
        proto_tree_add_item(ft, hf_aerospike_digest, tvb, d, AS_DIGEST_LEN, ENC_NA);
        tvb_memcpy(tvb, mi->digest, d, AS_DIGEST_LEN);
        mi->has_digest = TRUE;
        pi = proto_tree_add_uint(ft, hf_aerospike_digest_partition, tvb, d, 2,
                                 (mi->digest[0] | (mi->digest[1] << 8)) & 0x0fff);
        proto_item_set_generated(pi);
        if (tree)
            proto_item_append_text(fi, " = %s", bytes_to_str(pinfo->pool, mi->digest, AS_DIGEST_LEN));
        break;
    case AS_FIELD_MRT_ID:
        if (len != 8) { as_field_len_expert(pinfo, fi, type, len, "8"); goto raw; }
        proto_tree_add_item(ft, hf_aerospike_mrt_id, tvb, d, 8, ENC_LITTLE_ENDIAN);
        break;
    case AS_FIELD_MRT_DEADLINE:
        if (len == 4) {
            proto_tree_add_item(ft, hf_aerospike_mrt_deadline, tvb, d, 4, ENC_LITTLE_ENDIAN);
        } else if (len > 0 && len % AS_DIGEST_LEN == 0) {   /* legacy DIGEST_RIPE_ARRAY (old batch) */
            for (int i = 0; i < len / AS_DIGEST_LEN; i++)
                proto_tree_add_item(ft, hf_aerospike_digest_array_digest, tvb, d + i * AS_DIGEST_LEN, AS_DIGEST_LEN, ENC_NA);
        } else {
            as_field_len_expert(pinfo, fi, type, len, "4");
            goto raw;
        }
        break;
    case AS_FIELD_TRID:
        if (len != 8) { as_field_len_expert(pinfo, fi, type, len, "8"); goto raw; }
        proto_tree_add_item(ft, hf_aerospike_task_id, tvb, d, 8, ENC_BIG_ENDIAN);
        mi->has_scan_fields = TRUE;
        break;
    case AS_FIELD_SCAN_OPTIONS:
        if (len != 2) { as_field_len_expert(pinfo, fi, type, len, "2"); goto raw; }
        proto_tree_add_item(ft, hf_aerospike_scan_priority, tvb, d, 1, ENC_NA);
        proto_tree_add_item(ft, hf_aerospike_scan_fail_on_cluster_change, tvb, d, 1, ENC_NA);
        proto_tree_add_item(ft, hf_aerospike_scan_include_ldt, tvb, d, 1, ENC_NA);
        proto_tree_add_item(ft, hf_aerospike_scan_percent, tvb, d + 1, 1, ENC_NA);
        mi->has_scan_fields = TRUE;
        break;
    case AS_FIELD_SOCKET_TIMEOUT:
    case AS_FIELD_RPS:
        if (len != 4) { as_field_len_expert(pinfo, fi, type, len, "4"); goto raw; }
        proto_tree_add_item(ft, type == AS_FIELD_RPS ? hf_aerospike_rps : hf_aerospike_socket_timeout,
                            tvb, d, 4, ENC_BIG_ENDIAN);
        mi->has_scan_fields = TRUE;
        break;
    case AS_FIELD_PID_ARRAY: {
        proto_tree *at;
        if (len % 2) { as_field_len_expert(pinfo, fi, type, len, "a multiple of 2"); goto raw; }
        pi = proto_tree_add_uint(ft, hf_aerospike_pid_count, tvb, d, len, len / 2);
        at = proto_item_add_subtree(pi, ett_aerospike_array);
        if (tree) {
            for (int i = 0; i < len / 2; i++)
                proto_tree_add_item(at, hf_aerospike_pid, tvb, d + 2 * i, 2, ENC_LITTLE_ENDIAN);
        }
        mi->has_scan_fields = TRUE;
        proto_item_append_text(fi, " (%d partitions)", len / 2);
        break;
    }
    case AS_FIELD_DIGEST_ARRAY:
        if (len % AS_DIGEST_LEN) { as_field_len_expert(pinfo, fi, type, len, "a multiple of 20"); goto raw; }
        for (int i = 0; i < len / AS_DIGEST_LEN; i++)
            proto_tree_add_item(ft, hf_aerospike_digest_array_digest, tvb, d + i * AS_DIGEST_LEN, AS_DIGEST_LEN, ENC_NA);
        mi->has_scan_fields = TRUE;
        break;
    case AS_FIELD_MAX_RECORDS:
    case AS_FIELD_LUT:
        if (len != 8) { as_field_len_expert(pinfo, fi, type, len, "8"); goto raw; }
        proto_tree_add_item(ft, type == AS_FIELD_LUT ? hf_aerospike_lut : hf_aerospike_max_records,
                            tvb, d, 8, ENC_BIG_ENDIAN);
        if (type == AS_FIELD_MAX_RECORDS)
            mi->has_scan_fields = TRUE;
        break;
    case AS_FIELD_BVAL_ARRAY:
        if (len % 8) { as_field_len_expert(pinfo, fi, type, len, "a multiple of 8"); goto raw; }
        for (int i = 0; i < len / 8; i++)
            proto_tree_add_item(ft, hf_aerospike_bval, tvb, d + 8 * i, 8, ENC_LITTLE_ENDIAN);
        break;
    case AS_FIELD_INDEX_NAME:
        proto_tree_add_item(ft, hf_aerospike_index_name, tvb, d, len, ENC_UTF_8);
        mi->has_index = TRUE;
        break;
    case AS_FIELD_INDEX_RANGE:
        mi->has_index = TRUE;
        dissect_as_index_range(tvb, pinfo, ft, fi, d, d + len, mi);
        break;
    case AS_FIELD_INDEX_CONTEXT:
    case AS_FIELD_INDEX_EXPRESSION:
    case AS_FIELD_UDF_ARGLIST:
    case AS_FIELD_FILTER_EXP:
    case AS_FIELD_ERROR_DETAILS: {
        gboolean valid = FALSE;
        const char *label = val_to_str_const(type, aerospike_field_type_vals, "MessagePack");
        if (type == AS_FIELD_INDEX_CONTEXT || type == AS_FIELD_INDEX_EXPRESSION)
            mi->has_index = TRUE;
        as_add_msgpack(tvb, pinfo, ft, d, len, hf_aerospike_msgpack_text, label, &valid, NULL);
        if (valid && (type == AS_FIELD_FILTER_EXP || type == AS_FIELD_INDEX_EXPRESSION)) {
            guint32 cnt;
            int first;
            gint64 v;
            if (msgpack_read_array_header(tvb, d, d + len, &cnt, &first) && cnt > 0 && msgpack_read_int(tvb, first, d + len, &v)
                && v >= 0 && v <= 255) {
                pi = proto_tree_add_uint(ft, hf_aerospike_exp_op, tvb, first, 1, (guint32)v);
                proto_item_set_generated(pi);
            }
        }
        break;
    }
    case AS_FIELD_INDEX_TYPE:
        if (len != 1) { as_field_len_expert(pinfo, fi, type, len, "1"); goto raw; }
        proto_tree_add_item(ft, hf_aerospike_index_type, tvb, d, 1, ENC_NA);
        break;
    case AS_FIELD_UDF_FILENAME:
        proto_tree_add_item_ret_string(ft, hf_aerospike_udf_package, tvb, d, len, ENC_UTF_8, pinfo->pool,
                                       (const guint8 **)&mi->udf_package);
        proto_item_append_text(fi, " = %s", mi->udf_package);
        mi->has_udf = TRUE;
        break;
    case AS_FIELD_UDF_FUNCTION:
        proto_tree_add_item_ret_string(ft, hf_aerospike_udf_function, tvb, d, len, ENC_UTF_8, pinfo->pool,
                                       (const guint8 **)&mi->udf_function);
        proto_item_append_text(fi, " = %s", mi->udf_function);
        mi->has_udf = TRUE;
        break;
    case AS_FIELD_UDF_OP:
        if (len != 1) { as_field_len_expert(pinfo, fi, type, len, "1"); goto raw; }
        proto_tree_add_item(ft, hf_aerospike_udf_op, tvb, d, 1, ENC_NA);
        break;
    case AS_FIELD_QUERY_BINLIST: {
        int p = d + 1;
        guint8 n;
        if (len < 1) { as_field_len_expert(pinfo, fi, type, len, "at least 1"); break; }
        n = tvb_get_uint8(tvb, d);
        for (guint i = 0; i < n; i++) {
            guint8 bl;
            if (p >= d + len) break;
            bl = tvb_get_uint8(tvb, p);
            if (p + 1 + bl > d + len) {
                expert_add_info_format(pinfo, fi, &ei_aerospike_field_len, "QUERY_BINLIST is truncated");
                break;
            }
            proto_tree_add_item(ft, hf_aerospike_query_bin, tvb, p + 1, bl, ENC_UTF_8);
            p += 1 + bl;
        }
        break;
    }
    case AS_FIELD_BATCH:
    case AS_FIELD_BATCH_WITH_SET:
        if (in_batch) {
            expert_add_info_format(pinfo, fi, &ei_aerospike_field_unknown, "BATCH field inside a batch row");
            goto raw;
        }
        mi->has_batch = TRUE;
        dissect_as_batch(tvb, ctx, ft, fi, d, d + len, mi);
        break;
    default:
        expert_add_info_format(pinfo, fi, &ei_aerospike_field_unknown, "Unknown field type %u (%d bytes), shown as bytes",
                               type, len);
        goto raw;
    }
    return off + 4 + (int)fsz;
raw:
    if (len > 0)
        proto_tree_add_item(ft, hf_aerospike_field_data, tvb, d, len, ENC_NA);
    return off + 4 + (int)fsz;
}

/* RIPEMD-160 of set || key particle type || key value (as_key.c of aerospike-client-c), compared
 * with the DIGEST field. */
static void
as_check_digest(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, as_msg_info_t *mi)
{
    guint8 out[AS_DIGEST_LEN];
    guint8 *buf;
    gsize setlen;
    proto_item *pi;

    if (!mi->has_key || !mi->set || mi->key_len < 1)
        return;
    setlen = strlen(mi->set);
    buf = (guint8 *)wmem_alloc(pinfo->pool, setlen + (gsize)mi->key_len);
    memcpy(buf, mi->set, setlen);
    tvb_memcpy(tvb, buf + setlen, mi->key_off, mi->key_len);
    gcry_md_hash_buffer(GCRY_MD_RMD160, out, buf, setlen + (gsize)mi->key_len);
    pi = proto_tree_add_bytes_with_length(tree, hf_aerospike_digest_computed, tvb, mi->key_off, mi->key_len, out, AS_DIGEST_LEN);
    proto_item_set_generated(pi);
    if (mi->has_digest && memcmp(out, mi->digest, AS_DIGEST_LEN) != 0)
        expert_add_info_format(pinfo, pi, &ei_aerospike_digest_mismatch,
                               "DIGEST field %s does not match RIPEMD-160(set, key) %s",
                               bytes_to_str(pinfo->pool, mi->digest, AS_DIGEST_LEN), bytes_to_str(pinfo->pool, out, AS_DIGEST_LEN));
    if (!mi->has_digest) {
        memcpy(mi->digest, out, AS_DIGEST_LEN);
        mi->has_digest = TRUE;
    }
}

/* ---- operations ------------------------------------------------------------------------------ */
static gboolean
as_op_is_msgpack(guint8 op)
{
    switch (op) {
    case 3: case 4: case 7: case 8: case 12: case 13: case 15: case 16: case 17: case 18:
        return TRUE;
    default:
        return FALSE;
    }
}

/* The sub-operation of a CDT / bit / HLL / string / expression op payload. */
static void
as_add_subop(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_item *opi, guint8 op, int off, int end)
{
    guint32 cnt;
    int first;
    gint64 v;
    proto_item *pi;
    int hf;
    const value_string *vs;

    if (!msgpack_read_array_header(tvb, off, end, &cnt, &first) || cnt == 0)
        return;
    switch (op) {
    case 3: case 4: hf = hf_aerospike_op_cdt_op; vs = aerospike_cdt_op_vals; break;
    case 12: case 13: hf = hf_aerospike_op_bit_op; vs = aerospike_bit_op_vals; break;
    case 15: case 16: hf = hf_aerospike_op_hll_op; vs = aerospike_hll_op_vals; break;
    case 17: case 18: hf = hf_aerospike_op_string_op; vs = aerospike_string_op_vals; break;
    case 7: case 8: {
        /* [expression, flags] */
        int next = as_mp_skip(tvb, first, end, 1);
        if (cnt >= 2 && next > 0 && msgpack_read_int(tvb, next, end, &v)) {
            pi = proto_tree_add_uint(tree, hf_aerospike_op_exp_flags, tvb, next, 1, (guint32)v);
            proto_item_set_generated(pi);
        }
        if (msgpack_read_array_header(tvb, first, end, &cnt, &first) && cnt > 0 && msgpack_read_int(tvb, first, end, &v)
            && v >= 0 && v <= 255) {
            pi = proto_tree_add_uint(tree, hf_aerospike_exp_op, tvb, first, 1, (guint32)v);
            proto_item_set_generated(pi);
        }
        return;
    }
    default:
        return;
    }
    if (!msgpack_read_int(tvb, first, end, &v))
        return;
    if ((op == 3 || op == 4) && v == 0xff && cnt >= 3) {
        /* [CONTEXT_EVAL, [ctx...], [op, args...]] */
        int p;
        pi = proto_tree_add_boolean(tree, hf_aerospike_op_cdt_context, tvb, first, 1, TRUE);
        proto_item_set_generated(pi);
        p = as_mp_skip(tvb, first, end, 1);
        if (p > 0)
            p = as_mp_skip(tvb, p, end, 1);
        if (p > 0 && msgpack_read_array_header(tvb, p, end, &cnt, &first) && cnt > 0 && msgpack_read_int(tvb, first, end, &v)) {
            /* fall through with the inner op */
        } else {
            return;
        }
    }
    if (v < 0 || v > 255)
        return;
    pi = proto_tree_add_uint(tree, hf, tvb, first, 1, (guint32)v);
    proto_item_set_generated(pi);
    proto_item_append_text(opi, " %s", ts_val_to_str(pinfo->pool, (guint32)v, vs, "sub-op %u"));
}

static int
dissect_as_op(tvbuff_t *tvb, as_ctx_t *ctx, proto_tree *tree, int off, int end, as_msg_info_t *mi)
{
    packet_info *pinfo = ctx->pinfo;
    proto_item *oi, *pi, *vi = NULL;
    proto_tree *ot;
    guint32 osz;
    guint8 op, pt, flags, nlen;
    int v, vlen;
    const char *name, *text = NULL;

    if (end - off < 8) {
        pi = proto_tree_add_item(tree, hf_aerospike_field_data, tvb, off, end - off, ENC_NA);
        expert_add_info_format(pinfo, pi, &ei_aerospike_op_size, "Operation header truncated (%d bytes left)", end - off);
        return -1;
    }
    osz = tvb_get_ntohl(tvb, off);
    op = tvb_get_uint8(tvb, off + 4);
    pt = tvb_get_uint8(tvb, off + 5);
    flags = tvb_get_uint8(tvb, off + 6);
    nlen = tvb_get_uint8(tvb, off + 7);
    if (osz < 4 || (guint64)osz > (guint64)(end - off - 4) || (guint32)nlen + ((flags & 1) ? 8 : 0) > osz - 4) {
        oi = proto_tree_add_item(tree, hf_aerospike_op, tvb, off, end - off, ENC_NA);
        ot = proto_item_add_subtree(oi, ett_aerospike_op);
        pi = proto_tree_add_item(ot, hf_aerospike_op_size, tvb, off, 4, ENC_BIG_ENDIAN);
        expert_add_info_format(pinfo, pi, &ei_aerospike_op_size,
                               "Operation size %u does not fit (%d bytes left, bin name %u bytes)", osz,
                               end - off - 4, nlen);
        return -1;
    }
    oi = proto_tree_add_item(tree, hf_aerospike_op, tvb, off, 4 + osz, ENC_NA);
    ot = proto_item_add_subtree(oi, ett_aerospike_op);
    proto_tree_add_item(ot, hf_aerospike_op_size, tvb, off, 4, ENC_BIG_ENDIAN);
    pi = proto_tree_add_item(ot, hf_aerospike_op_type, tvb, off + 4, 1, ENC_NA);
    if (try_val_to_str(op, aerospike_op_type_vals) == NULL)
        expert_add_info_format(pinfo, pi, &ei_aerospike_op_unknown, "Unknown operation type %u", op);
    pi = proto_tree_add_item(ot, hf_aerospike_op_particle_type, tvb, off + 5, 1, ENC_NA);
    if (try_val_to_str(pt, aerospike_particle_vals) == NULL)
        expert_add_info_format(pinfo, pi, &ei_aerospike_particle_unknown, "Unknown particle type %u, value shown as bytes", pt);
    proto_tree_add_item(ot, hf_aerospike_op_flags, tvb, off + 6, 1, ENC_NA);
    proto_tree_add_item(ot, hf_aerospike_op_name_len, tvb, off + 7, 1, ENC_NA);
    proto_tree_add_item_ret_string(ot, hf_aerospike_op_bin_name, tvb, off + 8, nlen, ENC_UTF_8, pinfo->pool,
                                   (const guint8 **)&name);
    v = off + 8 + nlen;
    if (flags & 1) {
        proto_tree_add_item(ot, hf_aerospike_op_lut, tvb, v, 8, ENC_BIG_ENDIAN);
        v += 8;
    }
    vlen = off + 4 + (int)osz - v;
    if (tree)
        proto_item_append_text(oi, ": %s %s", ts_val_to_str(pinfo->pool, op, aerospike_op_type_vals, "op %u"), name);

    if (op == 1 || op == 3 || op == 7 || op == 12 || op == 15 || op == 17)
        mi->n_read_ops++;
    else if (op == 2)
        mi->n_write_ops++;
    else
        mi->n_other_ops++;
    if (nlen && mi->bins == NULL)
        mi->bins = wmem_strdup(pinfo->pool, name);
    else if (nlen && strlen(mi->bins) < 48)
        mi->bins = wmem_strdup_printf(pinfo->pool, "%s,%s", mi->bins, name);

    /* Without a tree nobody sees the value: its text, the MessagePack walk and the value
     * experts only fill the tree (the Info column takes the bin names above). */
    if (vlen == 0 || !tree)
        return off + 4 + (int)osz;

    if (ctx->is_request && as_op_is_msgpack(op)) {
        gboolean valid = FALSE;
        vi = as_add_msgpack(tvb, pinfo, ot, v, vlen, hf_aerospike_op_value_msgpack, "Operation", &valid, &text);
        if (valid)
            as_add_subop(tvb, pinfo, ot, oi, op, v, v + vlen);
    } else {
        switch (pt) {
        case AS_PT_NULL:
            break;
        case AS_PT_INTEGER:
            if (vlen == 8) {
                gint64 iv = (gint64)tvb_get_ntoh64(tvb, v);
                vi = proto_tree_add_item(ot, hf_aerospike_op_value_int, tvb, v, 8, ENC_BIG_ENDIAN);
                text = wmem_strdup_printf(pinfo->pool, "%" PRId64, iv);
            } else if (vlen > 0 && vlen < 8) {
                /* legacy readers accept 1..7 bytes, sign-extended */
                gint64 iv = (gint8)tvb_get_uint8(tvb, v);
                for (int i = 1; i < vlen; i++)
                    iv = (gint64)(((guint64)iv << 8) | tvb_get_uint8(tvb, v + i));
                vi = proto_tree_add_int64(ot, hf_aerospike_op_value_int, tvb, v, vlen, iv);
                text = wmem_strdup_printf(pinfo->pool, "%" PRId64, iv);
                expert_add_info_format(pinfo, vi, &ei_aerospike_value_len, "Integer value of %d bytes (servers send 8)", vlen);
            } else {
                vi = proto_tree_add_item(ot, hf_aerospike_op_value_bytes, tvb, v, vlen, ENC_NA);
                expert_add_info_format(pinfo, vi, &ei_aerospike_value_len, "Integer value of %d bytes", vlen);
            }
            break;
        case AS_PT_FLOAT:
            if (vlen == 8) {
                vi = proto_tree_add_item(ot, hf_aerospike_op_value_double, tvb, v, 8, ENC_BIG_ENDIAN);
                text = wmem_strdup_printf(pinfo->pool, "%g", tvb_get_ntohieee_double(tvb, v));
            } else {
                vi = proto_tree_add_item(ot, hf_aerospike_op_value_bytes, tvb, v, vlen, ENC_NA);
                expert_add_info_format(pinfo, vi, &ei_aerospike_value_len, "Double value of %d bytes (expected 8)", vlen);
            }
            break;
        case AS_PT_STRING:
            vi = proto_tree_add_item_ret_string(ot, hf_aerospike_op_value_string, tvb, v, vlen, ENC_UTF_8,
                                                pinfo->pool, (const guint8 **)&text);
            break;
        case AS_PT_BOOL:
            if (vlen == 1) {
                vi = proto_tree_add_item(ot, hf_aerospike_op_value_bool, tvb, v, 1, ENC_NA);
                text = tvb_get_uint8(tvb, v) ? "true" : "false";
            } else {
                vi = proto_tree_add_item(ot, hf_aerospike_op_value_bytes, tvb, v, vlen, ENC_NA);
                expert_add_info_format(pinfo, vi, &ei_aerospike_value_len, "Boolean value of %d bytes (expected 1)", vlen);
            }
            break;
        case AS_PT_MAP:
        case AS_PT_LIST:
            vi = as_add_msgpack(tvb, pinfo, ot, v, vlen, hf_aerospike_op_value_msgpack,
                                pt == AS_PT_MAP ? "Map" : "List", NULL, &text);
            break;
        case AS_PT_GEOJSON: {
            proto_tree *gt;
            guint16 ncells;
            vi = proto_tree_add_item(ot, hf_aerospike_op_value_bytes, tvb, v, vlen, ENC_NA);
            gt = proto_item_add_subtree(vi, ett_aerospike_value);
            if (vlen < 3) {
                expert_add_info_format(pinfo, vi, &ei_aerospike_value_len, "GeoJSON value of %d bytes", vlen);
                break;
            }
            proto_tree_add_item(gt, hf_aerospike_op_geo_flags, tvb, v, 1, ENC_NA);
            ncells = tvb_get_ntohs(tvb, v + 1);
            proto_tree_add_item(gt, hf_aerospike_op_geo_ncells, tvb, v + 1, 2, ENC_BIG_ENDIAN);
            if (3 + 8 * (int)ncells > vlen) {
                expert_add_info_format(pinfo, vi, &ei_aerospike_value_len, "GeoJSON cell count %u beyond the value", ncells);
                break;
            }
            for (int i = 0; i < ncells; i++)
                proto_tree_add_item(gt, hf_aerospike_op_geo_cell, tvb, v + 3 + 8 * i, 8, ENC_BIG_ENDIAN);
            proto_tree_add_item_ret_string(gt, hf_aerospike_op_geo_json, tvb, v + 3 + 8 * ncells,
                                           vlen - 3 - 8 * ncells, ENC_UTF_8, pinfo->pool, (const guint8 **)&text);
            break;
        }
        default:
            /* BLOB, language blobs, VECTOR, HLL and unknown particle types: bytes */
            vi = proto_tree_add_item(ot, hf_aerospike_op_value_bytes, tvb, v, vlen, ENC_NA);
            text = wmem_strdup_printf(pinfo->pool, "%d bytes", vlen);
            break;
        }
    }
    if (text) {
        pi = proto_tree_add_string(ot, hf_aerospike_op_value, tvb, v, vlen, text);
        proto_item_set_hidden(pi);
        proto_item_append_text(oi, " = %s", as_short(pinfo->pool, text, 40));
    }
    (void)vi;
    return off + 4 + (int)osz;
}

/* ---- batch (field 41 / 42) ------------------------------------------------------------------ */
static int * const aerospike_info1_bits[] = {
    &hf_aerospike_msg_info1_read, &hf_aerospike_msg_info1_get_all, &hf_aerospike_msg_info1_short_query,
    &hf_aerospike_msg_info1_batch, &hf_aerospike_msg_info1_xdr, &hf_aerospike_msg_info1_get_no_bins,
    &hf_aerospike_msg_info1_read_mode_ap_all, &hf_aerospike_msg_info1_compress_response, NULL
};
static int * const aerospike_info2_bits[] = {
    &hf_aerospike_msg_info2_write, &hf_aerospike_msg_info2_delete, &hf_aerospike_msg_info2_generation,
    &hf_aerospike_msg_info2_generation_gt, &hf_aerospike_msg_info2_durable_delete,
    &hf_aerospike_msg_info2_create_only, &hf_aerospike_msg_info2_relax_ap_long_query,
    &hf_aerospike_msg_info2_respond_all_ops, NULL
};
static int * const aerospike_info3_bits[] = {
    &hf_aerospike_msg_info3_last, &hf_aerospike_msg_info3_commit_master, &hf_aerospike_msg_info3_partition_done,
    &hf_aerospike_msg_info3_update_only, &hf_aerospike_msg_info3_create_or_replace,
    &hf_aerospike_msg_info3_replace_only, &hf_aerospike_msg_info3_sc_read_type,
    &hf_aerospike_msg_info3_sc_read_relax, NULL
};
static int * const aerospike_info4_bits[] = {
    &hf_aerospike_msg_info4_mrt_verify_read, &hf_aerospike_msg_info4_mrt_roll_forward,
    &hf_aerospike_msg_info4_mrt_roll_back, &hf_aerospike_msg_info4_mrt_monitor_driven,
    &hf_aerospike_msg_info4_mrt_on_locking_only, &hf_aerospike_msg_info4_error_verbosity, NULL
};
static int * const aerospike_batch_flag_bits[] = {
    &hf_aerospike_batch_flags_inline_mem, &hf_aerospike_batch_flags_inline_ssd,
    &hf_aerospike_batch_flags_report_all, &hf_aerospike_batch_flags_report_rec, NULL
};
static int * const aerospike_row_flag_bits[] = {
    &hf_aerospike_batch_row_flags_repeat, &hf_aerospike_batch_row_flags_info, &hf_aerospike_batch_row_flags_gen,
    &hf_aerospike_batch_row_flags_ttl, &hf_aerospike_batch_row_flags_info4, NULL
};

static int
dissect_as_batch(tvbuff_t *tvb, as_ctx_t *ctx, proto_tree *tree, proto_item *fi, int off, int end,
                 as_msg_info_t *mi)
{
    packet_info *pinfo = ctx->pinfo;
    as_req_t *build = ctx->is_request ? ctx->req : NULL;
    guint32 count, i, prev_index = 0;
    const char *prev_ns = NULL, *prev_set = NULL, *prev_uk = NULL;
    proto_item *ci, *pi;
    gboolean ok = TRUE;
    guint32 max_rows = 0;
    guint32 *row_index = NULL;      /* batch index of each row kept (pinfo->pool) */

    if (end - off < 5) {
        expert_add_info_format(pinfo, fi, &ei_aerospike_field_len, "BATCH field of %d bytes (expected at least 5)", end - off);
        return end;
    }
    ci = proto_tree_add_item_ret_uint(tree, hf_aerospike_batch_count, tvb, off, 4, ENC_BIG_ENDIAN, &count);
    proto_tree_add_bitmask(tree, tvb, off + 4, hf_aerospike_batch_flags, ett_aerospike_batch_flags,
                           aerospike_batch_flag_bits, ENC_NA);
    mi->batch_count = count;
    off += 5;
    if (build) {
        guint32 room = (guint32)((end - off) / 25) + 1;
        max_rows = count < room ? count : room;
        max_rows = max_rows ? max_rows : 1;
        build->batch = (as_batch_t *)wmem_alloc0(ctx->scope, sizeof(as_batch_t) + (gsize)max_rows * sizeof(as_row_t));
        build->batch->max_rows = max_rows;
        row_index = wmem_alloc_array(pinfo->pool, guint32, max_rows);
        ctx->row_bytes = wmem_alloc0_array(pinfo->pool, guint32, max_rows);
    }
    for (i = 0; i < count && off < end && ok; i++) {
        proto_item *ri;
        proto_tree *rt;
        guint32 batch_index;
        guint8 rflags;
        as_msg_info_t rmi;
        int row_start = off;

        memset(&rmi, 0, sizeof(rmi));
        if (end - off < 25) {
            pi = proto_tree_add_item(tree, hf_aerospike_field_data, tvb, off, end - off, ENC_NA);
            expert_add_info_format(pinfo, pi, &ei_aerospike_field_len, "Batch row %u truncated (%d bytes left)", i, end - off);
            break;
        }
        batch_index = tvb_get_ntohl(tvb, off);
        rflags = tvb_get_uint8(tvb, off + 24);
        ri = proto_tree_add_item(tree, hf_aerospike_batch_row, tvb, off, end - off, ENC_NA);
        if (tree)
            proto_item_append_text(ri, " %u: index %u", i, batch_index);
        rt = proto_item_add_subtree(ri, ett_aerospike_batch_row);
        proto_tree_add_item(rt, hf_aerospike_batch_index, tvb, off, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(rt, hf_aerospike_batch_digest, tvb, off + 4, AS_DIGEST_LEN, ENC_NA);
        tvb_memcpy(tvb, rmi.digest, off + 4, AS_DIGEST_LEN);
        rmi.has_digest = TRUE;
        pi = proto_tree_add_bitmask(rt, tvb, off + 24, hf_aerospike_batch_row_flags, ett_aerospike_batch_row_flags,
                                    aerospike_row_flag_bits, ENC_NA);
        if (rflags & 0xe0)
            expert_add_info_format(pinfo, pi, &ei_aerospike_batch_flags, "Unknown batch row flags 0x%02x", rflags & 0xe0);
        if (tree)
            proto_item_append_text(ri, ", digest %s", bytes_to_str(pinfo->pool, rmi.digest, AS_DIGEST_LEN));
        off += 25;
        if (rflags & AS_BATCH_REPEAT) {
            if (i == 0) {
                expert_add_info_format(pinfo, pi, &ei_aerospike_batch_repeat_first,
                                       "The first batch row cannot repeat a previous row");
            } else {
                pi = proto_tree_add_uint(rt, hf_aerospike_batch_repeat_of, tvb, row_start + 24, 1, prev_index);
                proto_item_set_generated(pi);
                proto_item_append_text(ri, " (repeats row with index %u: %s/%s)", prev_index,
                                       prev_ns ? prev_ns : "", prev_set ? prev_set : "");
            }
            rmi.ns = prev_ns;
            rmi.set = prev_set;
            rmi.userkey = NULL;
            (void)prev_uk;
        } else {
            int need = 1 + ((rflags & AS_BATCH_INFO) ? 2 : 0) + ((rflags & AS_BATCH_INFO4) ? 1 : 0) +
                       ((rflags & AS_BATCH_GEN) ? 2 : 0) + ((rflags & AS_BATCH_TTL) ? 4 : 0) + 4;
            guint16 nf, no;
            if (end - off < need) {
                expert_add_info_format(pinfo, ri, &ei_aerospike_field_len, "Batch row %u: %d bytes left, row header needs %d",
                                       i, end - off, need);
                proto_item_set_len(ri, end - row_start);
                break;
            }
            proto_tree_add_bitmask(rt, tvb, off, hf_aerospike_msg_info1, ett_aerospike_info1, aerospike_info1_bits, ENC_NA);
            rmi.info1 = tvb_get_uint8(tvb, off);
            off++;
            if (rflags & AS_BATCH_INFO) {
                proto_tree_add_bitmask(rt, tvb, off, hf_aerospike_msg_info2, ett_aerospike_info2, aerospike_info2_bits, ENC_NA);
                proto_tree_add_bitmask(rt, tvb, off + 1, hf_aerospike_msg_info3, ett_aerospike_info3, aerospike_info3_bits, ENC_NA);
                rmi.info2 = tvb_get_uint8(tvb, off);
                rmi.info3 = tvb_get_uint8(tvb, off + 1);
                off += 2;
            }
            if (rflags & AS_BATCH_INFO4) {
                proto_tree_add_bitmask(rt, tvb, off, hf_aerospike_msg_info4, ett_aerospike_info4, aerospike_info4_bits, ENC_NA);
                off++;
            }
            if (rflags & AS_BATCH_GEN) {
                proto_tree_add_item(rt, hf_aerospike_batch_generation, tvb, off, 2, ENC_BIG_ENDIAN);
                off += 2;
            }
            if (rflags & AS_BATCH_TTL) {
                proto_tree_add_item(rt, hf_aerospike_msg_record_ttl, tvb, off, 4, ENC_BIG_ENDIAN);
                off += 4;
            }
            nf = tvb_get_ntohs(tvb, off);
            no = tvb_get_ntohs(tvb, off + 2);
            proto_tree_add_item(rt, hf_aerospike_msg_n_fields, tvb, off, 2, ENC_BIG_ENDIAN);
            proto_tree_add_item(rt, hf_aerospike_msg_n_ops, tvb, off + 2, 2, ENC_BIG_ENDIAN);
            off += 4;
            for (guint f = 0; f < nf && ok; f++) {
                int n = dissect_as_field(tvb, ctx, rt, off, end, &rmi, TRUE);
                if (n < 0)
                    ok = FALSE;
                else
                    off = n;
            }
            for (guint o = 0; o < no && ok; o++) {
                int n = dissect_as_op(tvb, ctx, rt, off, end, &rmi);
                if (n < 0)
                    ok = FALSE;
                else
                    off = n;
            }
            if (ctx->is_request)
                as_check_digest(tvb, pinfo, rt, &rmi);
            if (tree && rmi.ns)
                proto_item_append_text(ri, " %s/%s", rmi.ns, rmi.set ? rmi.set : "");
            if (tree && rmi.userkey)
                proto_item_append_text(ri, " key=%s", as_short(pinfo->pool, rmi.userkey, 32));
        }
        proto_item_set_len(ri, off - row_start);
        if (build && build->batch->n_rows < max_rows) {
            row_index[build->batch->n_rows] = batch_index;
            ctx->row_bytes[build->batch->n_rows] = (guint32)(off - row_start);
            as_batch_add_row(ctx, build->batch, rmi.digest, rmi.ns, rmi.set, rmi.userkey);
        }
        if (i == 0 && !mi->ns) {
            mi->ns = rmi.ns;
            mi->set = rmi.set;
        }
        if (!(rflags & AS_BATCH_REPEAT)) {
            prev_index = batch_index;
            prev_ns = rmi.ns;
            prev_set = rmi.set;
            prev_uk = rmi.userkey;
        }
        mi->batch_rows++;
    }
    if (build) {
        /* rows are found by position while row i has batch index i (real clients); else by a map */
        as_batch_t *b = build->batch;
        for (guint32 r = 0; r < b->n_rows; r++) {
            if (row_index[r] != r) {
                b->row_by_index = wmem_map_new(ctx->scope, g_direct_hash, g_direct_equal);
                for (guint32 q = 0; q < b->n_rows; q++) {
                    if (!wmem_map_lookup(b->row_by_index, GUINT_TO_POINTER(row_index[q])))
                        wmem_map_insert(b->row_by_index, GUINT_TO_POINTER(row_index[q]), &b->rows[q]);
                }
                break;
            }
        }
    }
    pi = proto_tree_add_uint(tree, hf_aerospike_batch_rows_present, tvb, 0, 0, mi->batch_rows);
    proto_item_set_generated(pi);
    if (mi->batch_rows < count)
        expert_add_info_format(pinfo, ci, &ei_aerospike_batch_count,
                               "Batch count is %u but only %u row(s) are present", count, mi->batch_rows);
    else if (ok && off < end)
        expert_add_info_format(pinfo, ci, &ei_aerospike_trailing, "%d bytes after the last batch row", end - off);
    return end;
}

/* ---- as_msg --------------------------------------------------------------------------------- */
static int
as_classify(const as_msg_info_t *mi)
{
    if ((mi->info1 & AS_INFO1_BATCH) || mi->has_batch)
        return AS_KIND_BATCH;
    if (mi->has_index)
        return AS_KIND_QUERY;
    if (!mi->has_digest && !mi->has_key && mi->ns)
        return AS_KIND_SCAN;
    if (mi->has_udf)
        return AS_KIND_UDF;
    if (mi->info2 & AS_INFO2_DELETE)
        return AS_KIND_DELETE;
    if (mi->info2 & AS_INFO2_WRITE) {
        if (mi->n_read_ops || mi->n_other_ops || (mi->info1 & AS_INFO1_READ))
            return AS_KIND_OPERATE;
        return AS_KIND_WRITE;
    }
    if (mi->n_other_ops)
        return AS_KIND_OPERATE;
    return AS_KIND_READ;
}

/* The kind of a request cut short before the fields that tell it (key, batch, index, UDF): what
 * the header bits say; -1 when they do not say (a scan or query looks like a read). */
static int
as_guess_kind(const as_msg_info_t *mi)
{
    if (mi->info1 & AS_INFO1_BATCH)
        return AS_KIND_BATCH;
    if (mi->info2 & AS_INFO2_DELETE)
        return AS_KIND_DELETE;
    if (mi->info2 & AS_INFO2_WRITE)
        return (mi->info1 & AS_INFO1_READ) ? AS_KIND_OPERATE : AS_KIND_WRITE;
    if (mi->info1 & AS_INFO1_READ)
        return AS_KIND_READ;
    return -1;
}

static const char *as_ttl_text(as_ctx_t *ctx, guint32 void_time);

/* Dissects one as_msg at `off`; returns the offset after it or -1 when the rest cannot be parsed. */
static int
dissect_as_msg(tvbuff_t *tvb, as_ctx_t *ctx, proto_tree *tree, int off, int end, as_msg_info_t *mi)
{
    packet_info *pinfo = ctx->pinfo;
    proto_item *mitem, *pi;
    proto_tree *mt;
    guint8 hsz;
    int start = off;
    gboolean ok = TRUE;
    gboolean batch_rsp = !ctx->is_request && ctx->req && AS_REQ_BATCH(ctx->req);

    memset(mi, 0, sizeof(*mi));
    if (end - off < AS_MSG_HDR_LEN && ctx->cut) {
        as_add_cut(tvb, ctx, tree, off);
        mi->cut = TRUE;
        return -1;
    }
    if (end - off < AS_MSG_HDR_LEN) {
        pi = proto_tree_add_item(tree, hf_aerospike_field_data, tvb, off, end - off, ENC_NA);
        expert_add_info_format(pinfo, pi, &ei_aerospike_truncated, "as_msg header truncated (%d of 22 bytes)", end - off);
        return -1;
    }
    mitem = proto_tree_add_item(tree, hf_aerospike_msg, tvb, off, end - off, ENC_NA);
    mt = proto_item_add_subtree(mitem, ett_aerospike_msg);
    hsz = tvb_get_uint8(tvb, off);
    pi = proto_tree_add_item(mt, hf_aerospike_msg_header_sz, tvb, off, 1, ENC_NA);
    if (hsz != AS_MSG_HDR_LEN)
        expert_add_info_format(pinfo, pi, &ei_aerospike_header_sz, "as_msg header_sz is %u (always 22)", hsz);
    mi->info1 = tvb_get_uint8(tvb, off + 1);
    mi->info2 = tvb_get_uint8(tvb, off + 2);
    mi->info3 = tvb_get_uint8(tvb, off + 3);
    mi->info4 = tvb_get_uint8(tvb, off + 4);
    mi->result = tvb_get_uint8(tvb, off + 5);
    mi->generation = tvb_get_ntohl(tvb, off + 6);
    mi->record_ttl = tvb_get_ntohl(tvb, off + 10);
    mi->transaction_ttl = tvb_get_ntohl(tvb, off + 14);
    mi->n_fields = tvb_get_ntohs(tvb, off + 18);
    mi->n_ops = tvb_get_ntohs(tvb, off + 20);
    proto_tree_add_bitmask(mt, tvb, off + 1, hf_aerospike_msg_info1, ett_aerospike_info1, aerospike_info1_bits, ENC_NA);
    proto_tree_add_bitmask(mt, tvb, off + 2, hf_aerospike_msg_info2, ett_aerospike_info2, aerospike_info2_bits, ENC_NA);
    proto_tree_add_bitmask(mt, tvb, off + 3, hf_aerospike_msg_info3, ett_aerospike_info3, aerospike_info3_bits, ENC_NA);
    proto_tree_add_bitmask(mt, tvb, off + 4, hf_aerospike_msg_info4, ett_aerospike_info4, aerospike_info4_bits, ENC_NA);
    pi = proto_tree_add_item(mt, hf_aerospike_msg_result_code, tvb, off + 5, 1, ENC_NA);
    if (!(ctx->is_request && mi->result == 0))
        as_add_result_expert(pinfo, pi, mi->result, FALSE);
    proto_tree_add_item(mt, hf_aerospike_msg_generation, tvb, off + 6, 4, ENC_BIG_ENDIAN);
    if (!ctx->is_request && (mi->info3 & AS_INFO3_PARTITION_DONE)) {
        pi = proto_tree_add_uint(mt, hf_aerospike_msg_partition_id, tvb, off + 6, 4, mi->generation);
        proto_item_set_generated(pi);
    }
    if (ctx->is_request) {
        const char *what;
        switch (mi->record_ttl) {
        case 0: what = (mi->info2 & AS_INFO2_WRITE) ? "namespace default" : "server default"; break;
        case 0xffffffff: what = (mi->info2 & AS_INFO2_WRITE) ? "never expire" : "do not touch"; break;
        case 0xfffffffe: what = "do not change TTL"; break;
        case 0xfffffffd: what = "client default (not meant for the wire)"; break;
        default: what = (mi->info2 & AS_INFO2_WRITE) ? "seconds" : "read-touch percent"; break;
        }
        proto_tree_add_uint_format_value(mt, hf_aerospike_msg_record_ttl, tvb, off + 10, 4, mi->record_ttl,
                                         "%u (%s)", mi->record_ttl, what);
    } else {
        /* responses carry the void time (seconds since 2010-01-01): say so, with the TTL left at
         * the time of the frame, as the Info column does */
        const char *left = as_ttl_text(ctx, mi->record_ttl);
        if (mi->record_ttl)
            proto_tree_add_uint_format_value(mt, hf_aerospike_msg_record_ttl, tvb, off + 10, 4, mi->record_ttl,
                                             "%u (void time; ttl=%s%s)", mi->record_ttl, left,
                                             g_ascii_isdigit(left[0]) ? " s left" : "");
        else
            proto_tree_add_uint_format_value(mt, hf_aerospike_msg_record_ttl, tvb, off + 10, 4, 0,
                                             "0 (void time; ttl=never)");
        if (mi->record_ttl) {
            nstime_t vt;
            vt.secs = (time_t)AS_VOID_TIME_EPOCH + (time_t)mi->record_ttl;
            vt.nsecs = 0;
            pi = proto_tree_add_time(mt, hf_aerospike_msg_void_time, tvb, off + 10, 4, &vt);
        } else {
            pi = proto_tree_add_time_format_value(mt, hf_aerospike_msg_void_time, tvb, off + 10, 4,
                                                  &(nstime_t){0, 0}, "never expires");
        }
        proto_item_set_generated(pi);
    }
    if (batch_rsp && !(mi->info3 & AS_INFO3_LAST)) {
        as_row_t *row = tree ? as_row_lookup(ctx->req, mi->transaction_ttl) : NULL;
        proto_tree_add_uint_format_value(mt, hf_aerospike_msg_transaction_ttl, tvb, off + 14, 4, mi->transaction_ttl,
                                         "%u (batch index)", mi->transaction_ttl);
        pi = proto_tree_add_uint(mt, hf_aerospike_batch_index, tvb, off + 14, 4, mi->transaction_ttl);
        proto_item_set_generated(pi);
        if (row) {
            pi = proto_tree_add_bytes_with_length(mt, hf_aerospike_batch_digest, tvb, off + 14, 4, row->digest,
                                                  AS_DIGEST_LEN);
            proto_item_set_generated(pi);
            /* the row's identity under the request's field names: aerospike.digest == ... selects
             * the answer too */
            pi = proto_tree_add_bytes_with_length(mt, hf_aerospike_digest, tvb, off + 14, 4, row->digest,
                                                  AS_DIGEST_LEN);
            proto_item_set_generated(pi);
            const char *userkey = as_row_userkey(ctx->req->batch, row);
            if (userkey) {
                pi = proto_tree_add_string(mt, hf_aerospike_key, tvb, off + 14, 4, userkey);
                proto_item_set_generated(pi);
            }
        }
    } else if (ctx->is_request) {
        proto_tree_add_uint_format_value(mt, hf_aerospike_msg_transaction_ttl, tvb, off + 14, 4, mi->transaction_ttl,
                                         "%u ms%s", mi->transaction_ttl, mi->transaction_ttl ? "" : " (no server timeout)");
    } else {
        proto_tree_add_item(mt, hf_aerospike_msg_transaction_ttl, tvb, off + 14, 4, ENC_BIG_ENDIAN);
    }
    proto_tree_add_item(mt, hf_aerospike_msg_n_fields, tvb, off + 18, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(mt, hf_aerospike_msg_n_ops, tvb, off + 20, 2, ENC_BIG_ENDIAN);
    off += AS_MSG_HDR_LEN;

    for (guint i = 0; i < mi->n_fields && ok; i++) {
        int n = as_cut_stops(tvb, ctx, mt, off, end, 5) ? -1 : dissect_as_field(tvb, ctx, mt, off, end, mi, FALSE);
        if (n < 0)
            ok = FALSE;
        else
            off = n;
    }
    for (guint i = 0; i < mi->n_ops && ok; i++) {
        int n = as_cut_stops(tvb, ctx, mt, off, end, 8) ? -1 : dissect_as_op(tvb, ctx, mt, off, end, mi);
        if (n < 0)
            ok = FALSE;
        else
            off = n;
    }
    mi->cut = ctx->cut_shown;
    if (ctx->is_request)
        as_check_digest(tvb, pinfo, mt, mi);
    if (!ok) {
        proto_item_set_len(mitem, end - start);
        mi->size = (guint)(end - start);
        return -1;
    }
    proto_item_set_len(mitem, off - start);
    mi->size = (guint)(off - start);

    /* summary on the record's item */
    if (ctx->is_request) {
        proto_item_append_text(mitem, ": %s", val_to_str_const((guint32)as_classify(mi), aerospike_kind_vals, "?"));
    } else if (mi->info3 & AS_INFO3_LAST) {
        proto_item_append_text(mitem, ": LAST %s", val_to_str_ext_const(mi->result, &aerospike_result_vals_ext, "?"));
    } else if (mi->info3 & AS_INFO3_PARTITION_DONE) {
        proto_item_append_text(mitem, ": partition %u done, %s", mi->generation,
                               val_to_str_ext_const(mi->result, &aerospike_result_vals_ext, "?"));
    } else {
        if (batch_rsp)
            proto_item_append_text(mitem, ": batch index %u", mi->transaction_ttl);
        proto_item_append_text(mitem, "%s%s gen=%u", batch_rsp ? " " : ": ",
                               val_to_str_ext_const(mi->result, &aerospike_result_vals_ext, "?"), mi->generation);
    }
    return off;
}

/* ---- tap ------------------------------------------------------------------------------------ */
/* What one tap record is about (fields left out of an initializer are NULL / FALSE / 0). */
typedef struct {
    const guint8 *digest;          /* the key's digest (AS_DIGEST_LEN bytes), NULL: none */
    const char   *ns;              /* namespace */
    const char   *set;
    const char   *userkey;         /* the user key (or admin user) as text */
    gboolean      first_response;  /* response: the first one of its transaction */
    guint32       status;          /* response: result code */
    guint32       bytes;           /* bytes of the PDU counted for this record */
    int           kind;            /* aerospike_kind_vals, -1: not counted as a kind */
    gboolean      cut;             /* the key was not captured (request cut short): an "unknown" key */
} as_tap_args_t;

#define AS_KEY_NOT_CAPTURED "(unknown)"


static void
as_tap(as_ctx_t *ctx, const as_tap_args_t *a)
{
    if (ctx->embedded || !have_tap_listener(aerospike_tap))
        return;
    ts_tap_rec_t *r = wmem_new(ctx->pinfo->pool, ts_tap_rec_t);
    ts_tap_rec_init(r, "aerospike");
    r->key = a->digest ? bytes_to_str(ctx->pinfo->pool, a->digest, AS_DIGEST_LEN) : a->cut ? AS_KEY_NOT_CAPTURED : NULL;
    r->cols[0] = a->ns;
    r->cols[1] = a->set;
    r->cols[2] = a->userkey;
    r->is_request = ctx->is_request;
    r->trans = ctx->trans;      /* outcome of the request, even when a filter drops its answer */
    if (!ctx->is_request) {
        r->first_response = a->first_response;
        r->answered = ctx->trans && ctx->trans->req_frame != 0;
        r->has_latency = ctx->has_delta;
        r->latency_ms = ctx->has_delta ? nstime_to_msec(&ctx->delta) : 0.0;
        r->status = a->status;
        r->is_error = a->status != 0;
    }
    r->bytes = a->bytes;
    r->kind = a->kind;
    r->kind_name = a->kind >= 0 ? val_to_str_const((guint32)a->kind, aerospike_kind_vals, "?") : NULL;
    tap_queue_packet(aerospike_tap, ctx->pinfo, r);
}

/* Is this PDU the first response of its transaction? */
static gboolean
as_first_rsp_pdu(as_ctx_t *ctx)
{
    return !ctx->is_request && ctx->req && ctx->trans && ctx->trans->req_frame &&
           ctx->trans->rsp_frame == ctx->pinfo->num && ctx->req->first_pdu == AS_PDU16(ctx->pdu_index);
}

/* A response record answering a keyed request (single key or batch row): one tap record. */
static void
as_tap_keyed_record(as_ctx_t *ctx, const as_msg_info_t *mi, guint rec, guint32 bytes)
{
    as_req_t *req = ctx->req;
    gboolean first_of_trans = as_first_rsp_pdu(ctx) && rec == 0;
    int kind = first_of_trans ? req->kind : -1;

    if (AS_REQ_BATCH(req)) {
        as_row_t *row = NULL;
        gboolean first = FALSE;
        if (!(mi->info3 & AS_INFO3_LAST))
            row = as_row_lookup(req, mi->transaction_ttl);
        if (!row) {
            /* the LAST marker (or an unknown index) is not a keyed response */
            as_tap(ctx, &(as_tap_args_t){ .ns = AS_NS(req->names), .set = AS_SET(req->names), .status = mi->result, .bytes = bytes,
                                          .kind = kind });
            return;
        }
        if (ctx->first_pass && row->first_frame == 0) {
            row->first_frame = ctx->pinfo->num;
            row->first_pdu = AS_PDU16(ctx->pdu_index);
            row->first_rec = rec;
        }
        first = row->first_frame == ctx->pinfo->num && row->first_pdu == AS_PDU16(ctx->pdu_index) && row->first_rec == rec;
        const as_names_t *names = as_row_names(req->batch, row);
        as_tap(ctx, &(as_tap_args_t){ .digest = row->digest, .ns = AS_NS(names), .set = AS_SET(names),
                                      .userkey = as_row_userkey(req->batch, row), .first_response = first, .status = mi->result,
                                      .bytes = bytes, .kind = kind });
        return;
    }
    as_tap(ctx, &(as_tap_args_t){ .digest = req->has_digest ? req->digest : NULL, .ns = AS_NS(req->names),
                                  .set = AS_SET(req->names), .userkey = req->userkey, .first_response = first_of_trans,
                                  .status = mi->result, .bytes = bytes, .kind = kind });
}

/* ---- message bodies (type 3, and the inflated type 4) ------------------------------------------ */
static void
as_prescan_msgs(tvbuff_t *tvb, int off, int end, gboolean *has_last)
{
    *has_last = FALSE;
    while (end - off >= AS_MSG_HDR_LEN) {
        guint8 info3 = tvb_get_uint8(tvb, off + 3);
        guint nf = tvb_get_ntohs(tvb, off + 18), no = tvb_get_ntohs(tvb, off + 20);
        int p = off + AS_MSG_HDR_LEN;
        if (info3 & AS_INFO3_LAST)
            *has_last = TRUE;
        for (guint i = 0; i < nf + no; i++) {
            guint32 sz;
            if (end - p < 4)
                return;
            sz = tvb_get_ntohl(tvb, p);
            if (sz == 0 || (guint64)sz > (guint64)(end - p - 4))
                return;
            p += 4 + (int)sz;
        }
        off = p;
    }
}

static const char *
as_ttl_text(as_ctx_t *ctx, guint32 void_time)
{
    gint64 left;
    if (void_time == 0)
        return "never";
    left = (gint64)AS_VOID_TIME_EPOCH + void_time - (gint64)ctx->pinfo->abs_ts.secs;
    if (left <= 0)
        return "expired";
    return wmem_strdup_printf(ctx->pinfo->pool, "%" PRId64, left);
}

static void
as_request_info(as_ctx_t *ctx, const as_msg_info_t *mi, int kind)
{
    wmem_strbuf_t *sb = ctx->info;
    wmem_allocator_t *pool = ctx->pinfo->pool;
    const char *ns = mi->ns ? mi->ns : "";
    const char *set = mi->set ? mi->set : "";

    wmem_strbuf_append_printf(sb, "%s", kind < 0 ? "Command" : val_to_str_const((guint32)kind, aerospike_kind_vals, "?"));
    if (kind == AS_KIND_BATCH) {
        wmem_strbuf_append_printf(sb, " %u row%s %s/%s", mi->batch_rows, mi->batch_rows == 1 ? "" : "s", ns, set);
        return;
    }
    if (kind == AS_KIND_UDF && mi->udf_function)
        wmem_strbuf_append_printf(sb, " %s.%s", mi->udf_package ? mi->udf_package : "", mi->udf_function);
    wmem_strbuf_append_printf(sb, " %s/%s", ns, set);
    if (kind == AS_KIND_QUERY && mi->index_bin)
        wmem_strbuf_append_printf(sb, " bin=%s", mi->index_bin);
    if (mi->userkey)
        wmem_strbuf_append_printf(sb, " key=%s", as_short(pool, mi->userkey, 32));
    if (mi->has_digest && kind != AS_KIND_SCAN && kind != AS_KIND_QUERY)
        wmem_strbuf_append_printf(sb, " digest=%s", bytes_to_str_maxlen(pool, mi->digest, AS_DIGEST_LEN, 4));
    if (mi->bins && (kind == AS_KIND_WRITE || kind == AS_KIND_OPERATE || kind == AS_KIND_READ))
        wmem_strbuf_append_printf(sb, " bins=%s", mi->bins);
}

static void
dissect_as_msgs(tvbuff_t *tvb, as_ctx_t *ctx, proto_tree *tree, int off, int end)
{
    as_msg_info_t mi, first;
    guint n = 0, nrec = 0, npdone = 0;
    gboolean has_last = FALSE, keyed_rsp;
    guint8 last_rc = 0, status = 0;
    guint8 rc_code[8];              /* records by result code, in order of first appearance */
    guint32 rc_n[8];
    guint n_rc = 0;

    memset(&first, 0, sizeof(first));
    keyed_rsp = !ctx->is_request && ctx->req && (AS_REQ_BATCH(ctx->req) || ctx->req->has_digest);
    if (off >= end && ctx->cut) {
        as_add_cut(tvb, ctx, tree, off);
    } else if (off >= end) {
        proto_item *pi = proto_tree_add_item(tree, hf_aerospike_body, tvb, off, 0, ENC_NA);
        expert_add_info_format(ctx->pinfo, pi, &ei_aerospike_truncated, "Message without an as_msg");
    }
    while (off < end) {
        int next = dissect_as_msg(tvb, ctx, tree, off, end, &mi);
        guint32 bytes = ctx->compressed ? (n == 0 ? ctx->pdu_bytes : 0) : mi.size + (n == 0 ? AS_PROTO_HDR_LEN : 0);
        if (n == 0)
            first = mi;
        if (mi.info3 & AS_INFO3_LAST) {
            has_last = TRUE;
            last_rc = mi.result;
        } else if (!ctx->is_request && (mi.info3 & AS_INFO3_PARTITION_DONE)) {
            npdone++;
        } else if (!mi.cut || mi.size || next >= 0) {
            guint k;
            nrec++;
            if (n == 0)
                status = mi.result;
            for (k = 0; k < n_rc && rc_code[k] != mi.result; k++)
                ;
            if (k < n_rc) {
                rc_n[k]++;
            } else if (n_rc < G_N_ELEMENTS(rc_code)) {
                rc_code[n_rc] = mi.result;
                rc_n[n_rc++] = 1;
            }
        }
        if (keyed_rsp)
            as_tap_keyed_record(ctx, &mi, n, bytes);
        n++;
        if (next < 0)
            break;
        off = next;
        if (ctx->is_request && off < end) {
            proto_item *pi = proto_tree_add_item(tree, hf_aerospike_body, tvb, off, end - off, ENC_NA);
            expert_add_info_format(ctx->pinfo, pi, &ei_aerospike_trailing,
                                   "%d bytes after the request's as_msg", end - off);
            break;
        }
    }
    if (has_last)
        status = last_rc;
    if (keyed_rsp && n == 0)
        keyed_rsp = FALSE;      /* an empty body still answers: count it below, not keyed */

    if (ctx->is_request) {
        as_req_t *req = ctx->req;
        int kind = as_classify(&first);
        if (first.cut && !first.has_digest && !first.has_key && !first.has_batch && !first.has_index &&
            !first.has_udf)
            kind = as_guess_kind(&first);
        req->cut = first.cut;
        req->kind = kind;
        req->multi = (kind == AS_KIND_BATCH || kind == AS_KIND_SCAN || kind == AS_KIND_QUERY);
        req->names = as_keep_names(ctx, first.ns, first.set);
        req->userkey = as_keep(ctx, first.userkey, FALSE);
        if (first.has_digest && kind != AS_KIND_BATCH && kind != AS_KIND_SCAN && kind != AS_KIND_QUERY) {
            memcpy(req->digest, first.digest, AS_DIGEST_LEN);
            req->has_digest = TRUE;
        }
        as_request_info(ctx, &first, kind);
        if (first.cut)
            wmem_strbuf_append(ctx->info, " [cut]");
        return;
    }

    /* response */
    if (!keyed_rsp) {
        int kind = (ctx->req && as_first_rsp_pdu(ctx)) ? ctx->req->kind : -1;
        as_tap(ctx, &(as_tap_args_t){ .ns = ctx->req ? AS_NS(ctx->req->names) : NULL,
                                      .set = ctx->req ? AS_SET(ctx->req->names) : NULL,
                                      .first_response = as_first_rsp_pdu(ctx), .status = status,
                                      .bytes = ctx->pdu_bytes, .kind = kind,
                                      .cut = ctx->req && ctx->req->cut && !ctx->req->has_digest });
    }
    if (n == 1 && nrec == 1 && !(ctx->req && ctx->req->multi)) {
        wmem_strbuf_append_printf(ctx->info, "Response %s", val_to_str_ext_const(first.result, &aerospike_result_vals_ext, "?"));
        if (first.result) {
            wmem_strbuf_append_printf(ctx->info, " (%u)", first.result);
        } else {
            wmem_strbuf_append_printf(ctx->info, " gen=%u ttl=%s", first.generation, as_ttl_text(ctx, first.record_ttl));
        }
        if (first.bins)
            wmem_strbuf_append_printf(ctx->info, " bins=%s", first.bins);
        if (ctx->cut_shown)
            wmem_strbuf_append(ctx->info, " [cut]");
        return;
    }
    if (ctx->req && ctx->req->kind == AS_KIND_BATCH)
        wmem_strbuf_append(ctx->info, "Batch response:");
    else if (ctx->req && (ctx->req->kind == AS_KIND_SCAN || ctx->req->kind == AS_KIND_QUERY))
        wmem_strbuf_append_printf(ctx->info, "%s response:", val_to_str_const((guint32)ctx->req->kind, aerospike_kind_vals, "?"));
    else
        wmem_strbuf_append(ctx->info, "Multi-record response:");
    wmem_strbuf_append_printf(ctx->info, " %u record%s", nrec, nrec == 1 ? "" : "s");
    /* what the records say, e.g. "6 records: 5 OK, 1 KEY_NOT_FOUND" */
    for (guint k = 0; k < n_rc; k++)
        wmem_strbuf_append_printf(ctx->info, "%s%u %s", k ? ", " : ": ", rc_n[k],
                                  val_to_str_ext_const(rc_code[k], &aerospike_result_vals_ext, "?"));
    if (npdone)
        wmem_strbuf_append_printf(ctx->info, ", %u partition-done", npdone);
    if (has_last && last_rc == 0)
        wmem_strbuf_append(ctx->info, " (end)");
    else if (has_last)
        wmem_strbuf_append_printf(ctx->info, " (end: %s)", val_to_str_ext_const(last_rc, &aerospike_result_vals_ext, "?"));
    if (ctx->cut_shown)
        wmem_strbuf_append(ctx->info, " [cut]");
}

/* ---- info (type 1) ---------------------------------------------------------------------------- */
static void
as_info_params(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int end)
{
    guint8 sep;
    int semi = tvb_find_uint8(tvb, off, end - off, ';');
    int colon = tvb_find_uint8(tvb, off, end - off, ':');
    proto_tree *pt;
    proto_item *pi;
    guint n = 0;

    if (tvb_find_uint8(tvb, off, end - off, '=') < 0)
        return;
    sep = semi >= 0 ? ';' : (colon >= 0 ? ':' : ';');
    pi = proto_tree_add_item(tree, hf_aerospike_info_value, tvb, off, end - off, ENC_UTF_8);
    proto_item_set_hidden(pi);
    pt = proto_tree_add_subtree(tree, tvb, off, end - off, ett_aerospike_info_params, NULL, "Parameters");
    while (off < end && n < 100000) {
        int e = tvb_find_uint8(tvb, off, end - off, sep);
        int eq;
        if (e < 0)
            e = end;
        eq = tvb_find_uint8(tvb, off, e - off, '=');
        if (eq >= 0) {
            proto_tree_add_item(pt, hf_aerospike_info_param_key, tvb, off, eq - off, ENC_UTF_8);
            proto_tree_add_item(pt, hf_aerospike_info_param_value, tvb, eq + 1, e - eq - 1, ENC_UTF_8);
        } else if (e > off) {
            proto_tree_add_item(pt, hf_aerospike_info_param_item, tvb, off, e - off, ENC_UTF_8);
        }
        off = e + 1;
        n++;
    }
    (void)pinfo;
}

static void
as_info_error(tvbuff_t *tvb, as_ctx_t *ctx, proto_tree *tree, proto_item *li, int off, int end, guint32 *status)
{
    /* ERROR:<code>:<message> or ERROR::<message> */
    const char *v = tvb_format_text(ctx->pinfo->pool, tvb, off, end - off);
    int c1 = tvb_find_uint8(tvb, off + 6, end - off - 6, ':');
    guint32 code = 1;
    if (end - off > 6 && c1 > off + 6) {
        const char *cs = (const char *)tvb_get_string_enc(ctx->pinfo->pool, tvb, off + 6, c1 - off - 6, ENC_ASCII);
        if (!ws_strtou32(cs, NULL, &code))
            code = 1;
        proto_tree_add_uint(tree, hf_aerospike_info_error_code, tvb, off + 6, c1 - off - 6, code);
    }
    if (c1 >= 0 && c1 + 1 <= end)
        proto_tree_add_item(tree, hf_aerospike_info_error_message, tvb, c1 + 1, end - c1 - 1, ENC_UTF_8);
    expert_add_info_format(ctx->pinfo, li, &ei_aerospike_info_error, "Info error: %s", as_short(ctx->pinfo->pool, v, 120));
    if (*status == 0)
        *status = code;
}

static void
dissect_as_info(tvbuff_t *tvb, as_ctx_t *ctx, proto_tree *tree, int off, int end)
{
    packet_info *pinfo = ctx->pinfo;
    guint n = 0;
    guint32 status = 0;
    const char *sep = ctx->is_request ? "Info request: " : "Info response: ";

    wmem_strbuf_append(ctx->info, ctx->is_request ? "Info request:" : "Info response:");
    if (off >= end) {
        proto_item *pi = proto_tree_add_item(tree, hf_aerospike_body, tvb, off, 0, ENC_NA);
        if (ctx->is_request) {
            expert_add_info_format(pinfo, pi, &ei_aerospike_info_empty, "Empty info request: the server answers with its summary");
            wmem_strbuf_append(ctx->info, " (empty: summary)");
        } else {
            wmem_strbuf_append(ctx->info, " (empty)");
        }
    }
    while (off < end) {
        int nl = tvb_find_uint8(tvb, off, end - off, '\n');
        int le = nl >= 0 ? nl : end;
        const char *line = (const char *)tvb_get_string_enc(pinfo->pool, tvb, off, le - off, ENC_UTF_8);
        proto_item *li;

        if (ctx->is_request) {
            li = proto_tree_add_item(tree, hf_aerospike_info_command, tvb, off, le - off, ENC_UTF_8);
            if (nl < 0 && !ctx->cut)
                expert_add_info_format(pinfo, li, &ei_aerospike_info_unterminated,
                                       "Info command not terminated by a newline: the server ignores it");
            if (n < AS_INFO_COL_ITEMS)
                wmem_strbuf_append_printf(ctx->info, "%s%s", n ? ", " : " ", as_short(pinfo->pool, tvb_format_text(pinfo->pool, tvb, off, le - off), 40));
            else if (n == AS_INFO_COL_ITEMS)
                wmem_strbuf_append(ctx->info, ", \xe2\x80\xa6");
        } else {
            int tab = tvb_find_uint8(tvb, off, le - off, '\t');
            proto_tree *lt;
            if (tab >= 0) {
                /* "name<TAB>value": shown as name = value, control characters escaped */
                const char *name = tvb_format_text(pinfo->pool, tvb, off, tab - off);
                const char *value = tvb_format_text(pinfo->pool, tvb, tab + 1, le - tab - 1);
                const char *raw = (const char *)tvb_get_string_enc(pinfo->pool, tvb, tab + 1, le - tab - 1, ENC_UTF_8);
                li = proto_tree_add_string_format_value(tree, hf_aerospike_info_line, tvb, off, le - off, line,
                                                        "%s = %s", name, value);
                lt = proto_item_add_subtree(li, ett_aerospike_info_line);
                proto_tree_add_item(lt, hf_aerospike_info_name, tvb, off, tab - off, ENC_UTF_8);
                proto_tree_add_item(lt, hf_aerospike_info_value, tvb, tab + 1, le - tab - 1, ENC_UTF_8);
                if (g_str_has_prefix(raw, "ERROR:"))
                    as_info_error(tvb, ctx, lt, li, tab + 1, le, &status);
                else
                    as_info_params(tvb, pinfo, lt, tab + 1, le);
                if (n < AS_INFO_COL_ITEMS)
                    wmem_strbuf_append_printf(ctx->info, "%s%s=%s", n ? ", " : " ", as_short(pinfo->pool, name, 32),
                                              as_short(pinfo->pool, value, 32));
                else if (n == AS_INFO_COL_ITEMS)
                    wmem_strbuf_append(ctx->info, ", \xe2\x80\xa6");
            } else {
                li = proto_tree_add_string_format_value(tree, hf_aerospike_info_line, tvb, off, le - off, line,
                                                        "%s", tvb_format_text(pinfo->pool, tvb, off, le - off));
                lt = proto_item_add_subtree(li, ett_aerospike_info_line);
                proto_tree_add_item(lt, hf_aerospike_info_value, tvb, off, le - off, ENC_UTF_8);
                if (g_str_has_prefix(line, "ERROR"))
                    as_info_error(tvb, ctx, lt, li, off, le, &status);
                if (n < AS_INFO_COL_ITEMS)
                    wmem_strbuf_append_printf(ctx->info, "%s%s", n ? ", " : " ", as_short(pinfo->pool, tvb_format_text(pinfo->pool, tvb, off, le - off), 40));
            }
        }
        n++;
        off = le + 1;
    }
    if (ctx->cut) {
        as_add_cut(tvb, ctx, tree, end);
        wmem_strbuf_append(ctx->info, " [cut]");
    }
    (void)sep;
    if (ctx->is_request) {
        ctx->req->kind = AS_KIND_INFO;
        as_tap(ctx, &(as_tap_args_t){ .bytes = ctx->pdu_bytes, .kind = AS_KIND_INFO });
    } else {
        as_tap(ctx, &(as_tap_args_t){ .first_response = as_first_rsp_pdu(ctx), .status = status,
                                      .bytes = ctx->pdu_bytes,
                                      .kind = as_first_rsp_pdu(ctx) ? ctx->req->kind : -1 });
    }
}

/* ---- admin / security (type 2) ---------------------------------------------------------------- */
static int
dissect_as_admin_field(tvbuff_t *tvb, as_ctx_t *ctx, proto_tree *tree, int off, int end, const char **user)
{
    packet_info *pinfo = ctx->pinfo;
    proto_item *fi, *pi;
    proto_tree *ft;
    guint32 sz;
    guint8 id;
    int d, len;

    if (end - off < 5) {
        pi = proto_tree_add_item(tree, hf_aerospike_admin_data, tvb, off, end - off, ENC_NA);
        expert_add_info_format(pinfo, pi, &ei_aerospike_field_size, "Admin field header truncated (%d bytes left)", end - off);
        return -1;
    }
    sz = tvb_get_ntohl(tvb, off);
    id = tvb_get_uint8(tvb, off + 4);
    if (sz == 0 || (guint64)sz > (guint64)(end - off - 4)) {
        pi = proto_tree_add_item(tree, hf_aerospike_admin_field_size, tvb, off, 4, ENC_BIG_ENDIAN);
        expert_add_info_format(pinfo, pi, &ei_aerospike_field_size, "Admin field size %u does not fit the %d bytes left",
                               sz, end - off - 4);
        return -1;
    }
    d = off + 5;
    len = (int)sz - 1;
    fi = proto_tree_add_item(tree, hf_aerospike_admin_field, tvb, off, 4 + sz, ENC_NA);
    proto_item_append_text(fi, ": %s", ts_val_to_str(pinfo->pool, id, aerospike_admin_field_vals, "Unknown (%u)"));
    ft = proto_item_add_subtree(fi, ett_aerospike_admin_field);
    proto_tree_add_item(ft, hf_aerospike_admin_field_size, tvb, off, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(ft, hf_aerospike_admin_field_id, tvb, off + 4, 1, ENC_NA);
    switch (id) {
    case 0:
        proto_tree_add_item_ret_string(ft, hf_aerospike_admin_user, tvb, d, len, ENC_UTF_8, pinfo->pool, (const guint8 **)user);
        proto_item_append_text(fi, " = %s", *user);
        break;
    case 1: case 2: case 3: case 4: {
        static int *const hfs[] = { &hf_aerospike_admin_password, &hf_aerospike_admin_password,
                                    &hf_aerospike_admin_old_password, &hf_aerospike_admin_credential,
                                    &hf_aerospike_admin_clear_password };
        pi = proto_tree_add_item(ft, *hfs[id], tvb, d, len, ENC_UTF_8);
        if (id == 4)
            expert_add_info_format(pinfo, pi, &ei_aerospike_clear_password,
                                   "Clear-text password travels unencrypted (external authentication without TLS)");
        else
            expert_add_info_format(pinfo, pi, &ei_aerospike_credentials,
                                   "%s (bcrypt hash) travels in clear: it authenticates like the password itself",
                                   val_to_str_const(id, aerospike_admin_field_vals, "credential"));
        break;
    }
    case 5:
        pi = proto_tree_add_item(ft, hf_aerospike_admin_session_token, tvb, d, len, ENC_NA);
        expert_add_info_format(pinfo, pi, &ei_aerospike_credentials, "Session token travels in clear");
        break;
    case 6: case 14: case 15: case 18:
        if (len != 4) {
            expert_add_info_format(pinfo, fi, &ei_aerospike_field_len, "%d bytes (expected 4)", len);
            proto_tree_add_item(ft, hf_aerospike_admin_data, tvb, d, len, ENC_NA);
            break;
        }
        proto_tree_add_item(ft, id == 6 ? hf_aerospike_admin_session_ttl :
                                id == 18 ? hf_aerospike_admin_connections : hf_aerospike_admin_quota,
                            tvb, d, 4, ENC_BIG_ENDIAN);
        break;
    case 10: {
        int p = d + 1;
        guint8 cnt = len > 0 ? tvb_get_uint8(tvb, d) : 0;
        for (guint i = 0; i < cnt; i++) {
            guint8 l;
            if (p >= d + len) break;
            l = tvb_get_uint8(tvb, p);
            if (p + 1 + l > d + len) {
                expert_add_info_format(pinfo, fi, &ei_aerospike_field_len, "ROLES list truncated");
                break;
            }
            proto_tree_add_item(ft, hf_aerospike_admin_role, tvb, p + 1, l, ENC_UTF_8);
            p += 1 + l;
        }
        break;
    }
    case 11:
        proto_tree_add_item(ft, hf_aerospike_admin_role, tvb, d, len, ENC_UTF_8);
        break;
    case 12: {
        int p = d + 1;
        guint8 cnt = len > 0 ? tvb_get_uint8(tvb, d) : 0;
        for (guint i = 0; i < cnt; i++) {
            guint8 code;
            if (p >= d + len) break;
            code = tvb_get_uint8(tvb, p);
            proto_tree_add_item(ft, hf_aerospike_admin_privilege, tvb, p, 1, ENC_NA);
            p++;
            if (code >= 10) {
                for (int k = 0; k < 2; k++) {
                    guint8 l;
                    if (p >= d + len) break;
                    l = tvb_get_uint8(tvb, p);
                    if (p + 1 + l > d + len) { p = d + len; break; }
                    proto_tree_add_item(ft, k == 0 ? hf_aerospike_admin_privilege_ns : hf_aerospike_admin_privilege_set,
                                        tvb, p + 1, l, ENC_UTF_8);
                    p += 1 + l;
                }
            }
        }
        break;
    }
    case 13:
        proto_tree_add_item(ft, hf_aerospike_admin_whitelist, tvb, d, len, ENC_UTF_8);
        break;
    case 16: case 17: {
        guint8 cnt = len > 0 ? tvb_get_uint8(tvb, d) : 0;
        for (guint i = 0; i < cnt && d + 1 + 4 * (int)i + 4 <= d + len; i++)
            proto_tree_add_item(ft, hf_aerospike_admin_info_value, tvb, d + 1 + 4 * i, 4, ENC_BIG_ENDIAN);
        break;
    }
    default:
        expert_add_info_format(pinfo, fi, &ei_aerospike_field_unknown, "Unknown admin field %u, shown as bytes", id);
        if (len > 0)
            proto_tree_add_item(ft, hf_aerospike_admin_data, tvb, d, len, ENC_NA);
        break;
    }
    return off + 4 + (int)sz;
}

static void
as_prescan_admin(tvbuff_t *tvb, int off, int end, gboolean *last)
{
    *last = FALSE;
    while (end - off >= AS_SEC_HDR_LEN) {
        guint8 result = tvb_get_uint8(tvb, off + 1);
        guint nf = tvb_get_uint8(tvb, off + 3);
        int p = off + AS_SEC_HDR_LEN;
        if (result != 0)
            *last = TRUE;
        for (guint i = 0; i < nf; i++) {
            guint32 sz;
            if (end - p < 4)
                return;
            sz = tvb_get_ntohl(tvb, p);
            if (sz == 0 || (guint64)sz > (guint64)(end - p - 4))
                return;
            p += 4 + (int)sz;
        }
        off = p;
    }
}

static void
dissect_as_admin(tvbuff_t *tvb, as_ctx_t *ctx, proto_tree *tree, int off, int end)
{
    packet_info *pinfo = ctx->pinfo;
    guint n = 0;
    guint8 first_cmd = 0, first_result = 0, status = 0;
    const char *user = NULL;

    while (off < end) {
        proto_item *ai, *pi;
        proto_tree *at;
        guint8 result, cmd, nf;
        int start = off;
        gboolean ok = TRUE;
        if (end - off < AS_SEC_HDR_LEN && ctx->cut) {
            as_add_cut(tvb, ctx, tree, off);
            break;
        }
        if (end - off < AS_SEC_HDR_LEN) {
            pi = proto_tree_add_item(tree, hf_aerospike_admin_data, tvb, off, end - off, ENC_NA);
            expert_add_info_format(pinfo, pi, &ei_aerospike_truncated, "Security header truncated (%d of 16 bytes)", end - off);
            break;
        }
        result = tvb_get_uint8(tvb, off + 1);
        cmd = tvb_get_uint8(tvb, off + 2);
        nf = tvb_get_uint8(tvb, off + 3);
        ai = proto_tree_add_item(tree, hf_aerospike_admin, tvb, off, end - off, ENC_NA);
        at = proto_item_add_subtree(ai, ett_aerospike_admin);
        proto_tree_add_item(at, hf_aerospike_admin_scheme, tvb, off, 1, ENC_NA);
        pi = proto_tree_add_item(at, hf_aerospike_admin_result, tvb, off + 1, 1, ENC_NA);
        if (!ctx->is_request && result != 0 && !(result == 52 && ctx->req && ctx->req->admin_cmd == 20))
            as_add_result_expert(pinfo, pi, result, TRUE);
        proto_tree_add_item(at, hf_aerospike_admin_command, tvb, off + 2, 1, ENC_NA);
        proto_tree_add_item(at, hf_aerospike_admin_n_fields, tvb, off + 3, 1, ENC_NA);
        proto_tree_add_item(at, hf_aerospike_admin_unused, tvb, off + 4, 12, ENC_NA);
        off += AS_SEC_HDR_LEN;
        for (guint i = 0; i < nf && ok; i++) {
            int next = as_cut_stops(tvb, ctx, at, off, end, 5) ? -1 : dissect_as_admin_field(tvb, ctx, at, off, end, &user);
            if (next < 0)
                ok = FALSE;
            else
                off = next;
        }
        if (ctx->is_request)
            proto_item_append_text(ai, ": %s", ts_val_to_str(pinfo->pool, cmd, aerospike_admin_command_vals, "command %u"));
        else
            proto_item_append_text(ai, ": %s", ts_val_to_str_ext(pinfo->pool, result, &aerospike_result_vals_ext, "result %u"));
        if (n == 0) {
            first_cmd = cmd;
            first_result = result;
        }
        if (status == 0 && result != 0 && result != 50)
            status = result;
        n++;
        if (!ok) {
            proto_item_set_len(ai, end - start);
            break;
        }
        proto_item_set_len(ai, off - start);
        if (ctx->is_request && off < end) {
            pi = proto_tree_add_item(tree, hf_aerospike_admin_data, tvb, off, end - off, ENC_NA);
            expert_add_info_format(pinfo, pi, &ei_aerospike_trailing, "%d bytes after the admin command", end - off);
            break;
        }
    }
    if (ctx->is_request) {
        ctx->req->kind = AS_KIND_ADMIN;
        ctx->req->admin_cmd = first_cmd;
        ctx->req->multi = (first_cmd == 9 || first_cmd == 16);
        wmem_strbuf_append_printf(ctx->info, "Admin %s", ts_val_to_str(pinfo->pool, first_cmd, aerospike_admin_command_vals, "command %u"));
        if (user)
            wmem_strbuf_append_printf(ctx->info, " user=%s", as_short(pinfo->pool, user, 32));
        as_tap(ctx, &(as_tap_args_t){ .userkey = user, .bytes = ctx->pdu_bytes, .kind = AS_KIND_ADMIN });
    } else {
        if (ctx->req && ctx->req->admin_cmd == 20 && first_result == 52)
            status = 0;   /* LOGIN answered "security not enabled": no login needed */
        wmem_strbuf_append_printf(ctx->info, "Admin response %s", ts_val_to_str_ext(pinfo->pool, first_result, &aerospike_result_vals_ext, "result %u"));
        if (n > 1)
            wmem_strbuf_append_printf(ctx->info, " (%u records)", n);
        as_tap(ctx, &(as_tap_args_t){ .first_response = as_first_rsp_pdu(ctx), .status = status,
                                      .bytes = ctx->pdu_bytes,
                                      .kind = as_first_rsp_pdu(ctx) ? ctx->req->kind : -1 });
    }
}

/* ---- PDU ------------------------------------------------------------------------------------- */
static const ts_trans_hf_t aerospike_trans_hf = {
    &hf_aerospike_response_in, &hf_aerospike_response_to, &hf_aerospike_time, &hf_aerospike_no_response,
    &ei_aerospike_no_response, &ei_aerospike_no_request
};
static const ts_trans_lost_hf_t aerospike_lost_hf = { &hf_aerospike_response_lost, &ei_aerospike_response_lost };

/* A response carries its request's identity as generated items, under the request's field names
 * (one display filter selects both). */
static void
as_add_request_identity(tvbuff_t *tvb, as_ctx_t *ctx, proto_tree *tree)
{
    const as_req_t *req = ctx->req;
    proto_item *pi;
    if (req->kind >= 0) {
        pi = proto_tree_add_uint(tree, hf_aerospike_kind, tvb, 0, 0, (guint32)req->kind);
        proto_item_set_generated(pi);
    }
    if (AS_NS(req->names)) {
        pi = proto_tree_add_string(tree, hf_aerospike_namespace, tvb, 0, 0, req->names->ns);
        proto_item_set_generated(pi);
    }
    if (AS_SET(req->names)) {
        pi = proto_tree_add_string(tree, hf_aerospike_set, tvb, 0, 0, req->names->set);
        proto_item_set_generated(pi);
    }
    if (req->has_digest) {
        pi = proto_tree_add_bytes_with_length(tree, hf_aerospike_digest, tvb, 0, 0, req->digest, AS_DIGEST_LEN);
        proto_item_set_generated(pi);
    }
    if (req->userkey) {
        pi = proto_tree_add_string(tree, hf_aerospike_key, tvb, 0, 0, req->userkey);
        proto_item_set_generated(pi);
    }
}

/* The proto header rule, used by the framing (port path), the PDU dissector and the heuristic:
 * version 2 (0 only for admin/security messages), a type the server accepts (spec aerospike.md §2:
 * 1 <= type < 6, so internal XDR, 5, counts as a header although it is not expected on the
 * wire), size <= PROTO_SIZE_MAX. */
static gboolean
as_header_ok(guint8 version, guint8 type, guint64 size)
{
    if (version != 2 && !(version == 0 && type == AS_TYPE_ADMIN))
        return FALSE;
    if (type < AS_TYPE_INFO || type > AS_TYPE_INTERNAL_XDR)
        return FALSE;
    return size <= AS_PROTO_SIZE_MAX;
}

static guint
get_aerospike_pdu_len(packet_info *pinfo _U_, tvbuff_t *tvb, int offset, void *data _U_)
{
    guint8 version = tvb_get_uint8(tvb, offset);
    guint8 type = tvb_get_uint8(tvb, offset + 1);
    guint64 size = tvb_get_ntoh48(tvb, offset + 2);
    /* An unusable header: take the rest of the segment as one undecodable PDU rather than wait
     * for (or allocate) data that may never come. */
    if (!as_header_ok(version, type, size))
        return (guint)tvb_reported_length_remaining(tvb, offset);
    return (guint)(size + AS_PROTO_HDR_LEN);
}

/* Inflates a type 4 body into *inner (NULL when it cannot; partial data with
 * TS_INFLATE_TRUNCATED). Returns how it went; *why says it in words for the Info column and the
 * expert. A body too short for its size word counts as truncated, a declared size above the
 * largest proto as too big. */
static ts_inflate_status_t
as_inflate(tvbuff_t *tvb, packet_info *pinfo, int end, guint64 *declared, tvbuff_t **inner, const char **why)
{
    ts_inflate_status_t st;
    *declared = 0;
    *inner = NULL;
    if (end < 16) {
        *why = "compressed body shorter than its 8-byte size";
        return TS_INFLATE_TRUNCATED;
    }
    *declared = tvb_get_ntoh64(tvb, 8);
    if (!aerospike_inflate) {
        *why = ts_inflate_status_str(TS_INFLATE_DISABLED);
        return TS_INFLATE_DISABLED;
    }
    if (*declared > (guint64)AS_PROTO_SIZE_MAX + AS_PROTO_HDR_LEN) {
        *why = "declared uncompressed size above 128 MiB: not inflated";
        return TS_INFLATE_TOO_BIG;
    }
    /* never more than the size the body declares: a stream that inflates further is a bomb */
    *inner = ts_inflate(tvb, pinfo, 16, end - 16, (guint)*declared, &st);
    *why = ts_inflate_status_str(st);
    return st;
}

static void
as_tap_request_msg(as_ctx_t *ctx)
{
    as_req_t *req = ctx->req;
    if (AS_REQ_BATCH(req) && req->batch->n_rows > 0 && ctx->row_bytes) {
        const as_batch_t *b = req->batch;
        guint32 sum = 0;
        for (guint32 i = 0; i < b->n_rows; i++)
            sum += ctx->row_bytes[i];
        for (guint32 i = 0; i < b->n_rows; i++) {
            const as_row_t *row = &b->rows[i];
            const as_names_t *names = as_row_names(b, row);
            guint32 bytes = ctx->row_bytes[i];
            if (i == 0)
                bytes += ctx->pdu_bytes > sum ? ctx->pdu_bytes - sum : 0;
            if (ctx->compressed)
                bytes = i == 0 ? ctx->pdu_bytes : 0;
            as_tap(ctx, &(as_tap_args_t){ .digest = row->digest, .ns = AS_NS(names), .set = AS_SET(names),
                                          .userkey = as_row_userkey(b, row), .bytes = bytes,
                                          .kind = i == 0 ? req->kind : -1 });
        }
        return;
    }
    as_tap(ctx, &(as_tap_args_t){ .digest = req->has_digest ? req->digest : NULL, .ns = AS_NS(req->names),
                                  .set = AS_SET(req->names), .userkey = req->userkey, .bytes = ctx->pdu_bytes,
                                  .kind = req->kind, .cut = req->cut && !req->has_digest });
}

static void
as_add_proto_header(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, gboolean inner)
{
    guint8 version = tvb_get_uint8(tvb, 0);
    guint8 type = tvb_get_uint8(tvb, 1);
    guint64 size = tvb_get_ntoh48(tvb, 2);
    proto_item *pi;

    pi = proto_tree_add_item(tree, hf_aerospike_version, tvb, 0, 1, ENC_NA);
    if (version != 2 && !(version == 0 && type == AS_TYPE_ADMIN))
        expert_add_info_format(pinfo, pi, inner ? &ei_aerospike_compressed_inner : &ei_aerospike_version,
                               "unsupported proto version %u (only 2 is valid; 0 only for admin messages)", version);
    pi = proto_tree_add_item(tree, hf_aerospike_type, tvb, 1, 1, ENC_NA);
    if (type < AS_TYPE_INFO || type > AS_TYPE_INTERNAL_XDR)
        expert_add_info_format(pinfo, pi, inner ? &ei_aerospike_compressed_inner : &ei_aerospike_type,
                               "Unknown proto type %u: the PDU cannot be framed", type);
    else if (inner && type != AS_TYPE_MSG)
        expert_add_info_format(pinfo, pi, &ei_aerospike_compressed_inner,
                               "Compressed payload of proto type %u (expected 3)", type);
    pi = proto_tree_add_item(tree, hf_aerospike_size, tvb, 2, 6, ENC_BIG_ENDIAN);
    if (size > AS_PROTO_SIZE_MAX)
        expert_add_info_format(pinfo, pi, inner ? &ei_aerospike_compressed_inner : &ei_aerospike_size,
                               "Proto size %" PRIu64 " is above the 128 MiB limit (PROTO_SIZE_MAX): not decoded", size);
}

static int
dissect_aerospike_pdu_common(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                             const ts_aerospike_embedded_t *embedded)
{
    as_ctx_t ctx;
    proto_item *ti, *pi;
    proto_tree *at;
    guint8 version, type;
    guint64 size;
    int captured = (int)tvb_captured_length(tvb);
    int end;
    gboolean content_last = TRUE;
    tvbuff_t *inner = NULL;
    guint64 declared = 0;
    const char *inflate_why = NULL;
    ts_inflate_status_t inflate_status = TS_INFLATE_OK;
    int inner_end = 0;
    const char *text, *what;

    memset(&ctx, 0, sizeof(ctx));
    ctx.pinfo = pinfo;
    ctx.embedded = embedded != NULL;
    ctx.is_request = embedded ? embedded->is_request : as_is_request(pinfo);
    ctx.first_pass = !PINFO_FD_VISITED(pinfo);
    ctx.scope = (ctx.first_pass && ctx.is_request && !ctx.embedded) ? wmem_file_scope() : pinfo->pool;
    ctx.pdu_index = ts_pdu_index(pinfo, proto_aerospike);
    ctx.info = wmem_strbuf_new(pinfo->pool, "");

    col_set_str(pinfo->cinfo, COL_PROTOCOL, AS_COL_PROTOCOL);
    if (ctx.pdu_index == 0)
        col_clear(pinfo->cinfo, COL_INFO);

    version = tvb_get_uint8(tvb, 0);
    type = tvb_get_uint8(tvb, 1);
    size = tvb_get_ntoh48(tvb, 2);

    ti = proto_tree_add_item(tree, proto_aerospike, tvb, 0, -1, ENC_NA);
    at = proto_item_add_subtree(ti, ett_aerospike);
    ctx.pdu_item = ti;
    what = wmem_strdup_printf(pinfo->pool, "%s %s", ts_val_to_str(pinfo->pool, type, aerospike_type_vals, "Type %u"),
                              ctx.is_request ? "request" : "response");

    if (!as_header_ok(version, type, size)) {
        as_add_proto_header(tvb, pinfo, at, FALSE);
        if (captured > AS_PROTO_HDR_LEN) {
            pi = proto_tree_add_item(at, hf_aerospike_body, tvb, AS_PROTO_HDR_LEN, captured - AS_PROTO_HDR_LEN, ENC_NA);
            expert_add_info_format(pinfo, pi, &ei_aerospike_truncated,
                                   "%d bytes not decoded: the header cannot be trusted for framing",
                                   captured - AS_PROTO_HDR_LEN);
        }
        if (version != 2 && !(version == 0 && type == AS_TYPE_ADMIN))
            wmem_strbuf_append_printf(ctx.info, "Invalid PDU: unsupported proto version %u", version);
        else if (size > AS_PROTO_SIZE_MAX)
            wmem_strbuf_append_printf(ctx.info, "Invalid PDU: size %" PRIu64 " above 128 MiB", size);
        else
            wmem_strbuf_append_printf(ctx.info, "Invalid PDU: unknown proto type %u", type);
        goto done;
    }
    ctx.pdu_bytes = (guint32)(size + AS_PROTO_HDR_LEN);
    end = (int)(size + AS_PROTO_HDR_LEN);
    if (end > captured) {
        /* cut by the snaplen (or a segment TCP did not reassemble): the header and whatever is
         * whole in the captured bytes are decoded, the rest is one "not captured" item */
        ctx.cut = TRUE;
        ctx.missing = (guint32)(end - captured);
        end = captured;
    }

    /* what the body says about the end of a multi-record answer */
    if (type == AS_TYPE_COMPRESSED) {
        inflate_status = as_inflate(tvb, pinfo, end, &declared, &inner, &inflate_why);
        if (inner) {
            inner_end = (int)tvb_captured_length(inner);
            if (inner_end >= AS_PROTO_HDR_LEN && tvb_get_uint8(inner, 1) == AS_TYPE_MSG) {
                guint64 isz = tvb_get_ntoh48(inner, 2);
                if (isz + AS_PROTO_HDR_LEN < (guint64)inner_end)
                    inner_end = (int)(isz + AS_PROTO_HDR_LEN);
                as_prescan_msgs(inner, AS_PROTO_HDR_LEN, inner_end, &content_last);
            }
        }
    } else if (type == AS_TYPE_MSG) {
        as_prescan_msgs(tvb, AS_PROTO_HDR_LEN, end, &content_last);
    } else if (type == AS_TYPE_ADMIN) {
        as_prescan_admin(tvb, AS_PROTO_HDR_LEN, end, &content_last);
    }

    /* request/response matching (first pass), links; an embedded proto takes no part */
    if (ctx.embedded) {
        if (ctx.is_request) {
            ctx.req = wmem_new0(pinfo->pool, as_req_t);
            ctx.req->kind = -1;
        }
    } else if (ctx.is_request) {
        if (ctx.first_pass) {
            as_conv_t *cv = as_conv(pinfo);
            ts_trans_table_t *tbl = cv->tbl;
            ts_trans_t *h;
            guint guard = 0;
            /* a new command: an answer stream still open has ended (a client reads an answer to
             * its end before it sends the next command; its end may be cut or lost) */
            while ((h = ts_trans_fifo_head(tbl, 0)) != NULL && h->n_responses > 0 && guard++ < 64)
                ts_trans_forget(tbl, h);
            /* the client acknowledged answers that are not in the capture: the requests still
             * open got theirs there */
            if (cv->rsp_unseen) {
                while ((h = ts_trans_fifo_head(tbl, 0)) != NULL && guard++ < 1000000) {
                    if (!h->rsp_frame)
                        h->rsp_lost = TRUE;
                    ts_trans_forget(tbl, h);
                }
                cv->rsp_unseen = FALSE;
                cv->gap[AS_DIR_RSP] = FALSE;
            }
            /* what responses need of the request follows its transaction (one allocation) */
            ctx.trans = ts_trans_request_with_data(pinfo, tbl, 0, 0, ctx.pdu_index, sizeof(as_req_t));
            ctx.req = (as_req_t *)ts_trans_req_data(ctx.trans);
        } else {
            ctx.trans = ts_trans_lookup(pinfo, proto_aerospike, ctx.pdu_index);
            ctx.req = wmem_new0(ctx.scope, as_req_t);
        }
        ctx.req->kind = -1;
    } else {
        if (ctx.first_pass) {
            /* Clients keep one command in flight per connection: a response answers the open
             * request. Several open requests without a capture gap: the connection pipelines,
             * answers come in order (FIFO). After a gap in the server's bytes, the answers of the
             * older ones may be in it: this response answers the newest (sent last before it),
             * the older ones are marked "response not in the capture". */
            as_conv_t *cv = as_conv(pinfo);
            gboolean gap = cv->gap[AS_DIR_RSP] && ts_trans_fifo_count(cv->tbl, 0) > 1;
            ts_trans_t *ht = gap ? ts_trans_fifo_tail(cv->tbl, 0) : ts_trans_fifo_head(cv->tbl, 0);
            as_req_t *hreq = ht ? (as_req_t *)ts_trans_req_data(ht) : NULL;
            gboolean last = (hreq && hreq->multi) ? content_last : TRUE;
            cv->gap[AS_DIR_RSP] = FALSE;
            ctx.trans = gap ? ts_trans_response_newest(pinfo, cv->tbl, 0, last, ctx.pdu_index)
                            : ts_trans_response(pinfo, cv->tbl, 0, 0, last, ctx.pdu_index);
            /* the first response: its frame is the transaction's rsp_frame, the PDU kept here */
            as_req_t *r = ctx.trans->req_frame ? (as_req_t *)ts_trans_req_data(ctx.trans) : NULL;
            if (r && ctx.trans->n_responses == 1)
                r->first_pdu = AS_PDU16(ctx.pdu_index);
        } else {
            ctx.trans = ts_trans_lookup(pinfo, proto_aerospike, ctx.pdu_index);
        }
        ctx.req = ctx.trans && ctx.trans->req_frame ? (as_req_t *)ts_trans_req_data(ctx.trans) : NULL;
        if (ctx.trans && ctx.trans->req_frame) {
            nstime_t req = ts_trans_req_time(ctx.trans);
            nstime_delta(&ctx.delta, &pinfo->abs_ts, &req);
            ctx.has_delta = TRUE;
        }
    }
    /* the links first, then the request's identity on a response, then the header */
    ts_trans_add_links_lost(at, tvb, pinfo, ctx.trans, ctx.is_request, &aerospike_trans_hf, &aerospike_lost_hf, NULL);
    if (!ctx.is_request && ctx.req)
        as_add_request_identity(tvb, &ctx, at);
    as_add_proto_header(tvb, pinfo, at, FALSE);

    switch (type) {
    case AS_TYPE_INFO:
        dissect_as_info(tvb, &ctx, at, AS_PROTO_HDR_LEN, end);
        break;
    case AS_TYPE_ADMIN:
        dissect_as_admin(tvb, &ctx, at, AS_PROTO_HDR_LEN, end);
        break;
    case AS_TYPE_MSG:
        dissect_as_msgs(tvb, &ctx, at, AS_PROTO_HDR_LEN, end);
        if (ctx.is_request)
            as_tap_request_msg(&ctx);
        break;
    case AS_TYPE_COMPRESSED: {
        proto_tree *ct;
        ctx.compressed = TRUE;
        if (end >= 16)
            proto_tree_add_item(at, hf_aerospike_uncompressed_size, tvb, 8, 8, ENC_BIG_ENDIAN);
        pi = proto_tree_add_item(at, hf_aerospike_compressed_data, tvb, end >= 16 ? 16 : AS_PROTO_HDR_LEN,
                                 end >= 16 ? end - 16 : end - AS_PROTO_HDR_LEN, ENC_NA);
        if (!inner && ctx.cut) {
            /* a zlib stream cut short cannot be inflated: one "not captured" item, no error */
            as_add_cut(tvb, &ctx, at, end);
            wmem_strbuf_append_printf(ctx.info, "Compressed message (%u bytes) [cut]", ctx.pdu_bytes);
        } else if (!inner) {
            if (inflate_status == TS_INFLATE_DISABLED)
                expert_add_info(pinfo, pi, &ei_aerospike_compressed_skipped);
            else
                expert_add_info_format(pinfo, pi, inflate_status == TS_INFLATE_CORRUPT ? &ei_aerospike_compressed_corrupt
                                                                                       : &ei_aerospike_compressed_size,
                                       "Compressed message: %s", inflate_why);
            wmem_strbuf_append_printf(ctx.info, "Compressed message (%u bytes, %s)", ctx.pdu_bytes, inflate_why);
        }
        if (!inner) {
            if (ctx.is_request) {
                ctx.req->cut = ctx.cut;
                as_tap(&ctx, &(as_tap_args_t){ .bytes = ctx.pdu_bytes, .kind = -1, .cut = ctx.cut });
            } else {
                as_tap(&ctx, &(as_tap_args_t){ .first_response = as_first_rsp_pdu(&ctx), .bytes = ctx.pdu_bytes,
                                               .kind = as_first_rsp_pdu(&ctx) ? ctx.req->kind : -1,
                                               .cut = ctx.req && ctx.req->cut && !ctx.req->has_digest });
            }
            break;
        }
        add_new_data_source(pinfo, inner, "Decompressed Aerospike");
        ct = proto_item_add_subtree(pi, ett_aerospike_compressed);
        pi = proto_tree_add_uint(ct, hf_aerospike_inflated_size, inner, 0, 0, tvb_captured_length(inner));
        proto_item_set_generated(pi);
        /* a stream cut short inflates to a part: decoded as a cut PDU, no size complaints */
        if ((guint64)tvb_captured_length(inner) != declared && !ctx.cut)
            expert_add_info_format(pinfo, pi, &ei_aerospike_compressed_size,
                                   "Inflated to %u bytes, the header announced %" PRIu64,
                                   tvb_captured_length(inner), declared);
        if (tvb_captured_length(inner) < AS_PROTO_HDR_LEN && ctx.cut) {
            as_add_cut(tvb, &ctx, at, end);
            wmem_strbuf_append(ctx.info, "Compressed message [cut]");
            break;
        }
        if (tvb_captured_length(inner) < AS_PROTO_HDR_LEN) {
            expert_add_info_format(pinfo, pi, &ei_aerospike_compressed_inner, "Inflated data shorter than a proto header");
            wmem_strbuf_append(ctx.info, "Compressed message (inner PDU truncated)");
            break;
        }
        as_add_proto_header(inner, pinfo, ct, TRUE);
        if (tvb_get_uint8(inner, 0) != 2 || tvb_get_uint8(inner, 1) != AS_TYPE_MSG) {
            wmem_strbuf_append(ctx.info, "Compressed message (unexpected inner header)");
            break;
        }
        if (tvb_get_ntoh48(inner, 2) + AS_PROTO_HDR_LEN != tvb_captured_length(inner) && !ctx.cut)
            expert_add_info_format(pinfo, pi, &ei_aerospike_compressed_inner,
                                   "Inner proto size %" PRIu64 " does not match the inflated length %u",
                                   tvb_get_ntoh48(inner, 2), tvb_captured_length(inner));
        wmem_strbuf_append_printf(ctx.info, "Compressed (%u\xe2\x86\x92%u B): ", ctx.pdu_bytes, inner_end);
        dissect_as_msgs(inner, &ctx, ct, AS_PROTO_HDR_LEN, inner_end);
        if (ctx.is_request)
            as_tap_request_msg(&ctx);
        break;
    }
    default:
        pi = proto_tree_add_item(at, hf_aerospike_body, tvb, AS_PROTO_HDR_LEN, end - AS_PROTO_HDR_LEN, ENC_NA);
        expert_add_info_format(pinfo, pi, &ei_aerospike_type, "Proto type %u (internal XDR) is not expected on the wire", type);
        wmem_strbuf_append_printf(ctx.info, "%s", ts_val_to_str(pinfo->pool, type, aerospike_type_vals, "Type %u"));
        as_tap(&ctx, &(as_tap_args_t){ .bytes = ctx.pdu_bytes, .kind = -1 });
        break;
    }
    if (ctx.is_request && ctx.req->kind >= 0) {
        pi = proto_tree_add_uint(at, hf_aerospike_kind, tvb, 0, 0, (guint32)ctx.req->kind);
        proto_item_set_generated(pi);
    }
    if (ctx.cut && !ctx.cut_shown)          /* e.g. the end of a whole as_msg is what is missing */
        as_add_cut(tvb, &ctx, at, end);

done:
    /* the services table (tshark -z troubleshark,services) */
    if (!ctx.embedded)
        ts_service_pdu(pinfo, proto_aerospike, ctx.is_request, ctx.pdu_bytes ? ctx.pdu_bytes : (guint32)captured);
    /* the Info column: an unanswered request says so (once all responses are known), a
     * response gives its time */
    if (ctx.is_request && ctx.trans && !ctx.trans->rsp_frame && PINFO_FD_VISITED(pinfo))
        wmem_strbuf_append(ctx.info, ctx.trans->rsp_lost ? " [response lost]" : " [no response]");
    else if (!ctx.is_request && ctx.has_delta)
        wmem_strbuf_append_printf(ctx.info, " [%.1f ms]", nstime_to_msec(&ctx.delta));
    text = wmem_strbuf_get_str(ctx.info);
    /* the tree line: "Info response: a=b", "Message request: Read test/demo ..." */
    if (g_str_has_prefix(text, what))
        proto_item_append_text(ti, ", %s", text);
    else
        proto_item_append_text(ti, ", %s: %s", what, text);
    if (ctx.pdu_index == 0)
        col_add_str(pinfo->cinfo, COL_INFO, text);
    else
        col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", text);
    col_set_fence(pinfo->cinfo, COL_INFO);
    return captured;
}

static int
dissect_aerospike_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    return dissect_aerospike_pdu_common(tvb, pinfo, tree, NULL);
}

/* One complete proto carried inside another protocol; data: ts_aerospike_embedded_t (or NULL: a
 * request). No framing, no matching, no taps. */
static int
dissect_aerospike_embedded(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    static const ts_aerospike_embedded_t as_request = { TRUE };
    if (tvb_captured_length(tvb) < AS_PROTO_HDR_LEN)
        return 0;
    return dissect_aerospike_pdu_common(tvb, pinfo, tree,
                                        data ? (const ts_aerospike_embedded_t *)data : &as_request);
}

/* First pass: the bytes of this direction handed to us. A start beyond what we saw means a gap
 * (lost segment, or one out of order that TCP did not put back): the responses in it are not in
 * the capture. Returns how many bytes at the start of the segment continue a PDU that was cut
 * short in an earlier frame (a snaplen-cut frame is not reassembled by TCP). */
static guint
as_stream_track(packet_info *pinfo, const struct tcpinfo *ti, guint len, int d)
{
    as_conv_t *cv = as_conv(pinfo);
    guint32 start = ti->seq, end = ti->seq + len;
    guint skip = 0;

    /* the client's acknowledgement tells where the server's bytes start when none were seen yet:
     * a response lost before the first one captured is a gap too */
    if (d == AS_DIR_REQ && !cv->pos[AS_DIR_RSP].known && (ti->flags & AS_TCP_FLAG_ACK)) {
        cv->pos[AS_DIR_RSP].end = ti->lastackseq;
        cv->pos[AS_DIR_RSP].known = TRUE;
    }
    /* ... and a request that acknowledges server bytes we never saw says the answers of the
     * requests still open were in them: the request PDUs of this segment close them as lost */
    if (d == AS_DIR_REQ && cv->pos[AS_DIR_RSP].known && (ti->flags & AS_TCP_FLAG_ACK) &&
        GT_SEQ(ti->lastackseq, cv->pos[AS_DIR_RSP].end)) {
        cv->pos[AS_DIR_RSP].end = ti->lastackseq;
        cv->rsp_unseen = TRUE;
    }
    if (ts_seq_pos_advance(&cv->pos[d], start, end))
        cv->gap[d] = TRUE;
    if (cv->cut_known[d] && LT_SEQ(start, cv->cut_end[d]) && cv->cut_end[d] - start <= AS_PROTO_SIZE_MAX + AS_PROTO_HDR_LEN) {
        as_cont_t *c = wmem_new(wmem_file_scope(), as_cont_t);
        skip = MIN(cv->cut_end[d] - start, len);
        c->seq = start;
        c->frame = cv->cut_frame[d];
        c->skip = skip;
        ts_frame_data_set(pinfo, proto_aerospike, c);
    }
    if (cv->cut_known[d] && GE_SEQ(end, cv->cut_end[d]))
        cv->cut_known[d] = FALSE;
    return skip;
}

/* First pass, a segment TCP does not reassemble (cut by the snaplen, or reassembly off): when its
 * last PDU runs past the segment, remember where that PDU ends, so that the next segments are
 * shown as its continuation rather than decoded as PDUs. */
static void
as_stream_note_cut(tvbuff_t *tvb, packet_info *pinfo, guint32 seq, int d)
{
    guint captured = tvb_captured_length(tvb), reported = tvb_reported_length(tvb);
    guint off = 0, guard = 0;
    while (off + AS_PROTO_HDR_LEN <= captured && guard++ < 4096) {
        guint64 size = tvb_get_ntoh48(tvb, off + 2);
        guint64 pend = off + AS_PROTO_HDR_LEN + size;
        if (!as_header_ok(tvb_get_uint8(tvb, off), tvb_get_uint8(tvb, off + 1), size))
            return;                 /* framing lost: the next segments resynchronise */
        if (pend > reported) {
            as_conv_t *cv = as_conv(pinfo);
            cv->cut_end[d] = seq + (guint32)pend;
            cv->cut_frame[d] = pinfo->num;
            cv->cut_known[d] = TRUE;
            return;
        }
        off = (guint)pend;
    }
}

static int
dissect_aerospike(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    const struct tcpinfo *ti = ts_tcpinfo(pinfo, data);
    guint len = tvb_reported_length(tvb);
    int d = as_is_request(pinfo) ? AS_DIR_REQ : AS_DIR_RSP;
    guint skip = 0;
    guint32 cont_frame = 0;

    if (ti && !PINFO_FD_VISITED(pinfo)) {
        skip = as_stream_track(pinfo, ti, len, d);
    } else if (ti) {
        as_cont_t *c = (as_cont_t *)ts_frame_data_get(pinfo, proto_aerospike);
        if (c && c->seq == ti->seq)
            skip = c->skip;
    }
    if (skip) {
        as_cont_t *c = (as_cont_t *)ts_frame_data_get(pinfo, proto_aerospike);
        proto_item *it = proto_tree_add_item(tree, proto_aerospike, tvb, 0, (gint)skip, ENC_NA);
        proto_tree *ct = proto_item_add_subtree(it, ett_aerospike);
        proto_item *pi;
        cont_frame = c ? c->frame : 0;
        pi = proto_tree_add_uint(ct, hf_aerospike_continuation, tvb, 0, (gint)skip, cont_frame);
        proto_item_set_generated(pi);
        proto_item_append_text(it, ", continuation of the PDU in frame %u (cut short in the capture)", cont_frame);
        col_set_str(pinfo->cinfo, COL_PROTOCOL, AS_COL_PROTOCOL);
        col_add_fstr(pinfo->cinfo, COL_INFO, "Continuation of the PDU in frame %u", cont_frame);
        if (skip >= len)
            return (int)len;
        tvb = tvb_new_subset_remaining(tvb, (gint)skip);
    }
    tcp_dissect_pdus(tvb, pinfo, tree, aerospike_desegment, AS_PROTO_HDR_LEN, get_aerospike_pdu_len,
                     dissect_aerospike_pdu, data);
    if (ti && !PINFO_FD_VISITED(pinfo) &&
        (tvb_captured_length(tvb) < tvb_reported_length(tvb) || !aerospike_desegment || !pinfo->can_desegment))
        as_stream_note_cut(tvb, pinfo, ti->seq + skip, d);
    return (int)len;
}

/* ---- heuristic (any port; doc/heuristics.md) ------------------------------------------------- */

/* The proto header at off as far as it is captured (avail): as_header_ok() on what is there, a
 * missing type read as the one that allows both versions and missing size bytes as zeros (the
 * smallest size the captured ones allow). A whole header must also announce at least its type's
 * fixed part. *size: the announced size (0 when not all of it is captured). */
static gboolean
as_heur_header(tvbuff_t *tvb, guint off, guint avail, guint64 *size)
{
    guint8 version = tvb_get_uint8(tvb, off);
    guint8 type = off + 1 < avail ? tvb_get_uint8(tvb, off + 1) : AS_TYPE_ADMIN;
    guint64 sz = 0;
    for (guint i = 2; i < AS_PROTO_HDR_LEN; i++)
        sz = (sz << 8) | (off + i < avail ? tvb_get_uint8(tvb, off + i) : 0);
    if (!as_header_ok(version, type, sz))
        return FALSE;
    *size = 0;
    if (off + AS_PROTO_HDR_LEN > avail)
        return TRUE;
    if ((type == AS_TYPE_MSG && sz < AS_MSG_HDR_LEN) || (type == AS_TYPE_ADMIN && sz < AS_SEC_HDR_LEN) ||
        (type == AS_TYPE_COMPRESSED && sz < 8 + 2))     /* uncompressed size + zlib header */
        return FALSE;
    *size = sz;
    return TRUE;
}

/* The first as_msg of a type-3 body at off (the body ends at end, which may lie beyond avail):
 * field, op and particle types the dissector knows, sizes that stay inside the body. */
static gboolean
as_heur_msg(tvbuff_t *tvb, guint off, guint64 end, guint avail)
{
    if (off + AS_MSG_HDR_LEN > avail)
        return FALSE;                       /* we want to see the whole as_msg header */
    if (tvb_get_uint8(tvb, off) != AS_MSG_HDR_LEN)      /* header_sz */
        return FALSE;
    if (tvb_get_uint8(tvb, off + 4) & 0x80)             /* info4 bit 7 is unused */
        return FALSE;
    guint nf = tvb_get_ntohs(tvb, off + 18);
    guint nops = tvb_get_ntohs(tvb, off + 20);
    if (nf > 64)                            /* every field type at most once */
        return FALSE;
    guint64 p = off + AS_MSG_HDR_LEN;
    for (guint i = 0; i < nf; i++) {
        if (p + 5 > avail)
            return TRUE;                    /* nothing more to see in this segment */
        guint32 sz = tvb_get_ntohl(tvb, (gint)p);
        if (sz < 1 || p + 4 + sz > end || !try_val_to_str(tvb_get_uint8(tvb, (gint)p + 4), aerospike_field_type_vals))
            return FALSE;
        p += 4 + (guint64)sz;
    }
    for (guint i = 0; i < nops; i++) {
        if (p + 8 > avail)
            return TRUE;
        guint32 sz = tvb_get_ntohl(tvb, (gint)p);
        guint8 flags = tvb_get_uint8(tvb, (gint)p + 6);
        guint8 nlen = tvb_get_uint8(tvb, (gint)p + 7);
        if (sz < 4 || p + 4 + sz > end || !try_val_to_str(tvb_get_uint8(tvb, (gint)p + 4), aerospike_op_type_vals) ||
            !try_val_to_str(tvb_get_uint8(tvb, (gint)p + 5), aerospike_particle_vals) || flags > 1 || nlen > 15 ||
            4u + nlen + ((flags & 1) ? 8u : 0u) > sz)
            return FALSE;
        p += 4 + (guint64)sz;
    }
    /* another as_msg may follow in the same body (batch, scan answers) */
    if (p < end && p < avail && tvb_get_uint8(tvb, (gint)p) != AS_MSG_HDR_LEN)
        return FALSE;
    return TRUE;
}

/* The segment starts with an Aerospike proto: several independent facts of its header and body,
 * and the PDUs that follow in the segment have valid headers too. Never throws. */
gboolean
aerospike_heur_check(tvbuff_t *tvb)
{
    guint avail = tvb_captured_length(tvb);
    guint64 size = 0;
    if (avail < AS_PROTO_HDR_LEN + 1)
        return FALSE;                       /* header plus body bytes to check (an empty info
                                             * request, 8 bytes mostly zero, is too little evidence) */
    if (!as_heur_header(tvb, 0, avail, &size))
        return FALSE;
    guint8 type = tvb_get_uint8(tvb, 1);
    guint have = avail - AS_PROTO_HDR_LEN;
    guint64 end = AS_PROTO_HDR_LEN + size;  /* end of this PDU */
    guint vis = (guint)MIN(end, (guint64)avail);

    switch (type) {
    case AS_TYPE_INFO:      /* text lines; a complete body ends with a line feed */
        if (size == 0 || !g_ascii_isalnum(tvb_get_uint8(tvb, AS_PROTO_HDR_LEN)) ||
            !ts_bytes_in_class(tvb, AS_PROTO_HDR_LEN, vis - AS_PROTO_HDR_LEN, 1024, ts_char_text))
            return FALSE;
        if (end <= avail && tvb_get_uint8(tvb, (gint)end - 1) != '\n')
            return FALSE;
        break;
    case AS_TYPE_ADMIN:     /* scheme 0, 12 unused bytes zero, command and field count */
        if (have < AS_SEC_HDR_LEN || tvb_get_uint8(tvb, AS_PROTO_HDR_LEN) != 0 ||
            !ts_bytes_zero(tvb, AS_PROTO_HDR_LEN + 4, 12) || tvb_get_uint8(tvb, AS_PROTO_HDR_LEN + 2) > 20 ||
            tvb_get_uint8(tvb, AS_PROTO_HDR_LEN + 3) > 32)
            return FALSE;
        break;
    case AS_TYPE_MSG:
        if (!as_heur_msg(tvb, AS_PROTO_HDR_LEN, end, avail))
            return FALSE;
        break;
    case AS_TYPE_COMPRESSED: {  /* uncompressed size, then a zlib stream header */
        if (have < 8 + 2)
            return FALSE;
        guint64 usize = tvb_get_ntoh64(tvb, AS_PROTO_HDR_LEN);
        guint8 cmf = tvb_get_uint8(tvb, AS_PROTO_HDR_LEN + 8), flg = tvb_get_uint8(tvb, AS_PROTO_HDR_LEN + 9);
        if (usize < AS_PROTO_HDR_LEN + AS_MSG_HDR_LEN || usize > AS_PROTO_SIZE_MAX + AS_PROTO_HDR_LEN ||
            (cmf & 0x0f) != 8 || (cmf >> 4) > 7 || ((guint)cmf * 256u + flg) % 31u != 0)
            return FALSE;
        break;
    }
    default:                /* internal XDR (5): no body to check, never the evidence */
        return FALSE;
    }
    /* the PDUs that follow in this segment must be proto headers too */
    for (guint i = 0; i < 64 && end < avail; i++) {
        guint64 next = 0;
        if (!as_heur_header(tvb, (guint)end, avail, &next))
            return FALSE;
        if (end + AS_PROTO_HDR_LEN > avail)
            break;
        end += AS_PROTO_HDR_LEN + next;
    }
    return TRUE;
}

/* A recognised conversation is dissected like one on the port, from this frame on. */
static ts_heur_ret
dissect_aerospike_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (!aerospike_heur_check(tvb))
        return FALSE;
    ts_service_heuristic(pinfo, proto_aerospike, aerospike_handle);
    dissect_aerospike(tvb, pinfo, tree, data);
    return TRUE;
}

/* ---- registration ---------------------------------------------------------------------------- */
static ts_hot_table_def_t aerospike_hotkeys_def = {
    "Aerospike Hot Keys",               /* title */
    "aerospike,hotkeys",                /* cli */
    "aerospike",                        /* tap */
    "aerospike.",                       /* filter_prefix */
    NULL,                               /* only_table */
    4,                                  /* n_key_cols */
    { "Key", "Namespace", "Set", "User key", NULL },
    TS_COL_REQUESTS | TS_COL_RESPONSES | TS_COL_UNANSWERED | TS_COL_LOST | TS_COL_ERRORS |
        TS_COL_AVG_MS | TS_COL_MAX_MS | TS_COL_BYTES,
    { NULL, NULL },
    "Namespace/Set totals",             /* group_title */
    2,                                  /* n_group_cols */
    {   /* the row's filter: responses carry the same fields (generated) */
        { "aerospike.digest", TS_FILTER_BYTES, NULL },
        { "aerospike.namespace", TS_FILTER_STRING, NULL },
        { "aerospike.set", TS_FILTER_STRING, NULL },
        { NULL, TS_FILTER_NONE, NULL },
        { NULL, TS_FILTER_NONE, NULL },
    },
    { NULL, NULL }                      /* one latency class */
};

void
proto_register_aerospike(void)
{
    static hf_register_info hf[] = {
        { &hf_aerospike_version, { "Version", "aerospike.version", FT_UINT8, BASE_DEC, NULL, 0, "Proto version (2)", HFILL } },
        { &hf_aerospike_type, { "Type", "aerospike.type", FT_UINT8, BASE_DEC, VALS(aerospike_type_vals), 0, "Proto type", HFILL } },
        { &hf_aerospike_size, { "Size", "aerospike.size", FT_UINT48, BASE_DEC, NULL, 0, "Body length after the 8-byte header", HFILL } },
        { &hf_aerospike_body, { "Body", "aerospike.body", FT_BYTES, BASE_NONE, NULL, 0, "Undecoded body bytes", HFILL } },
        { &hf_aerospike_response_in, { "Response in", "aerospike.response_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0, "The first response to this request is in this frame", HFILL } },
        { &hf_aerospike_response_to, { "Request in", "aerospike.response_to", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0, "This is a response to the request in this frame", HFILL } },
        { &hf_aerospike_time, { "Time", "aerospike.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0, "Time since the request", HFILL } },
        { &hf_aerospike_no_response, { "No response seen", "aerospike.no_response", FT_BOOLEAN, BASE_NONE, NULL, 0, "No response to this request in the capture", HFILL } },
        { &hf_aerospike_response_lost, { "Response not in the capture (lost segment)", "aerospike.response_lost", FT_BOOLEAN, BASE_NONE, NULL, 0, "The response to this request was in bytes missing from the capture (a lost or out-of-order segment): not the same as no response", HFILL } },
        { &hf_aerospike_cut, { "Not captured", "aerospike.cut", FT_UINT32, BASE_DEC|BASE_UNIT_STRING, UNS(&units_byte_bytes), 0, "Bytes of this PDU missing from the capture (frame cut by the snaplen, or a segment TCP did not reassemble): decoding stops here", HFILL } },
        { &hf_aerospike_continuation, { "Continuation of the PDU in frame", "aerospike.continuation", FT_FRAMENUM, BASE_NONE, NULL, 0, "These bytes continue a PDU cut short in the capture (e.g. by the snaplen): not decoded", HFILL } },
        { &hf_aerospike_kind, { "Command kind", "aerospike.kind", FT_UINT8, BASE_DEC, VALS(aerospike_kind_vals), 0, "Read, write, batch, scan... (service response time row)", HFILL } },

        { &hf_aerospike_info_command, { "Command", "aerospike.info.command", FT_STRING, BASE_NONE, NULL, 0, "Info request command", HFILL } },
        { &hf_aerospike_info_line, { "Answer", "aerospike.info.line", FT_STRING, BASE_NONE, NULL, 0, "One line of an info response", HFILL } },
        { &hf_aerospike_info_name, { "Name", "aerospike.info.name", FT_STRING, BASE_NONE, NULL, 0, "Echoed command of an info response line", HFILL } },
        { &hf_aerospike_info_value, { "Value", "aerospike.info.value", FT_STRING, BASE_NONE, NULL, 0, "Value of an info response line", HFILL } },
        { &hf_aerospike_info_param_key, { "Parameter", "aerospike.info.param.key", FT_STRING, BASE_NONE, NULL, 0, "Key of a k=v item of an info value", HFILL } },
        { &hf_aerospike_info_param_value, { "Parameter value", "aerospike.info.param.value", FT_STRING, BASE_NONE, NULL, 0, "Value of a k=v item of an info value", HFILL } },
        { &hf_aerospike_info_param_item, { "Item", "aerospike.info.param.item", FT_STRING, BASE_NONE, NULL, 0, "List item of an info value without '='", HFILL } },
        { &hf_aerospike_info_error_code, { "Error code", "aerospike.info.error_code", FT_UINT32, BASE_DEC, NULL, 0, "Code of an ERROR:<code>:<message> value", HFILL } },
        { &hf_aerospike_info_error_message, { "Error message", "aerospike.info.error_message", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },

        { &hf_aerospike_msg, { "Message", "aerospike.msg", FT_NONE, BASE_NONE, NULL, 0, "One as_msg record", HFILL } },
        { &hf_aerospike_msg_header_sz, { "Header size", "aerospike.msg.header_sz", FT_UINT8, BASE_DEC, NULL, 0, "as_msg header size (22)", HFILL } },
        { &hf_aerospike_msg_info1, { "Info1", "aerospike.msg.info1", FT_UINT8, BASE_HEX, NULL, 0, "Read attributes", HFILL } },
        { &hf_aerospike_msg_info1_read, { "READ", "aerospike.msg.info1.read", FT_BOOLEAN, 8,
            NULL, 0x01, NULL, HFILL } },
        { &hf_aerospike_msg_info1_get_all, { "GET_ALL", "aerospike.msg.info1.get_all", FT_BOOLEAN, 8,
            NULL, 0x02, NULL, HFILL } },
        { &hf_aerospike_msg_info1_short_query, { "SHORT_QUERY", "aerospike.msg.info1.short_query", FT_BOOLEAN, 8,
            NULL, 0x04, NULL, HFILL } },
        { &hf_aerospike_msg_info1_batch, { "BATCH", "aerospike.msg.info1.batch", FT_BOOLEAN, 8,
            NULL, 0x08, NULL, HFILL } },
        { &hf_aerospike_msg_info1_xdr, { "XDR", "aerospike.msg.info1.xdr", FT_BOOLEAN, 8,
            NULL, 0x10, NULL, HFILL } },
        { &hf_aerospike_msg_info1_get_no_bins, { "GET_NO_BINS", "aerospike.msg.info1.get_no_bins", FT_BOOLEAN, 8,
            NULL, 0x20, NULL, HFILL } },
        { &hf_aerospike_msg_info1_read_mode_ap_all, { "READ_MODE_AP_ALL", "aerospike.msg.info1.read_mode_ap_all", FT_BOOLEAN, 8,
            NULL, 0x40, NULL, HFILL } },
        { &hf_aerospike_msg_info1_compress_response, { "COMPRESS_RESPONSE", "aerospike.msg.info1.compress_response", FT_BOOLEAN, 8,
            NULL, 0x80, NULL, HFILL } },
        { &hf_aerospike_msg_info2, { "Info2", "aerospike.msg.info2", FT_UINT8, BASE_HEX, NULL, 0, "Write attributes", HFILL } },
        { &hf_aerospike_msg_info2_write, { "WRITE", "aerospike.msg.info2.write", FT_BOOLEAN, 8,
            NULL, 0x01, NULL, HFILL } },
        { &hf_aerospike_msg_info2_delete, { "DELETE", "aerospike.msg.info2.delete", FT_BOOLEAN, 8,
            NULL, 0x02, NULL, HFILL } },
        { &hf_aerospike_msg_info2_generation, { "GENERATION", "aerospike.msg.info2.generation", FT_BOOLEAN, 8,
            NULL, 0x04, NULL, HFILL } },
        { &hf_aerospike_msg_info2_generation_gt, { "GENERATION_GT", "aerospike.msg.info2.generation_gt", FT_BOOLEAN, 8,
            NULL, 0x08, NULL, HFILL } },
        { &hf_aerospike_msg_info2_durable_delete, { "DURABLE_DELETE", "aerospike.msg.info2.durable_delete", FT_BOOLEAN, 8,
            NULL, 0x10, NULL, HFILL } },
        { &hf_aerospike_msg_info2_create_only, { "CREATE_ONLY", "aerospike.msg.info2.create_only", FT_BOOLEAN, 8,
            NULL, 0x20, NULL, HFILL } },
        { &hf_aerospike_msg_info2_relax_ap_long_query, { "RELAX_AP_LONG_QUERY", "aerospike.msg.info2.relax_ap_long_query", FT_BOOLEAN, 8,
            NULL, 0x40, NULL, HFILL } },
        { &hf_aerospike_msg_info2_respond_all_ops, { "RESPOND_ALL_OPS", "aerospike.msg.info2.respond_all_ops", FT_BOOLEAN, 8,
            NULL, 0x80, NULL, HFILL } },
        { &hf_aerospike_msg_info3, { "Info3", "aerospike.msg.info3", FT_UINT8, BASE_HEX, NULL, 0, "Info attributes", HFILL } },
        { &hf_aerospike_msg_info3_last, { "LAST", "aerospike.msg.info3.last", FT_BOOLEAN, 8,
            NULL, 0x01, NULL, HFILL } },
        { &hf_aerospike_msg_info3_commit_master, { "COMMIT_MASTER", "aerospike.msg.info3.commit_master", FT_BOOLEAN, 8,
            NULL, 0x02, NULL, HFILL } },
        { &hf_aerospike_msg_info3_partition_done, { "PARTITION_DONE", "aerospike.msg.info3.partition_done", FT_BOOLEAN, 8,
            NULL, 0x04, NULL, HFILL } },
        { &hf_aerospike_msg_info3_update_only, { "UPDATE_ONLY", "aerospike.msg.info3.update_only", FT_BOOLEAN, 8,
            NULL, 0x08, NULL, HFILL } },
        { &hf_aerospike_msg_info3_create_or_replace, { "CREATE_OR_REPLACE", "aerospike.msg.info3.create_or_replace", FT_BOOLEAN, 8,
            NULL, 0x10, NULL, HFILL } },
        { &hf_aerospike_msg_info3_replace_only, { "REPLACE_ONLY", "aerospike.msg.info3.replace_only", FT_BOOLEAN, 8,
            NULL, 0x20, NULL, HFILL } },
        { &hf_aerospike_msg_info3_sc_read_type, { "SC_READ_TYPE", "aerospike.msg.info3.sc_read_type", FT_BOOLEAN, 8,
            NULL, 0x40, NULL, HFILL } },
        { &hf_aerospike_msg_info3_sc_read_relax, { "SC_READ_RELAX", "aerospike.msg.info3.sc_read_relax", FT_BOOLEAN, 8,
            NULL, 0x80, NULL, HFILL } },
        { &hf_aerospike_msg_info4, { "Info4", "aerospike.msg.info4", FT_UINT8, BASE_HEX, NULL, 0, "Transaction (MRT) attributes", HFILL } },
        { &hf_aerospike_msg_info4_mrt_verify_read, { "MRT_VERIFY_READ", "aerospike.msg.info4.mrt_verify_read", FT_BOOLEAN, 8,
            NULL, 0x01, NULL, HFILL } },
        { &hf_aerospike_msg_info4_mrt_roll_forward, { "MRT_ROLL_FORWARD", "aerospike.msg.info4.mrt_roll_forward", FT_BOOLEAN, 8,
            NULL, 0x02, NULL, HFILL } },
        { &hf_aerospike_msg_info4_mrt_roll_back, { "MRT_ROLL_BACK", "aerospike.msg.info4.mrt_roll_back", FT_BOOLEAN, 8,
            NULL, 0x04, NULL, HFILL } },
        { &hf_aerospike_msg_info4_mrt_monitor_driven, { "MRT_MONITOR_DRIVEN", "aerospike.msg.info4.mrt_monitor_driven", FT_BOOLEAN, 8,
            NULL, 0x08, NULL, HFILL } },
        { &hf_aerospike_msg_info4_mrt_on_locking_only, { "MRT_ON_LOCKING_ONLY", "aerospike.msg.info4.mrt_on_locking_only", FT_BOOLEAN, 8,
            NULL, 0x10, NULL, HFILL } },
        { &hf_aerospike_msg_info4_error_verbosity, { "Error verbosity", "aerospike.msg.info4.error_verbosity", FT_UINT8, BASE_DEC,
            NULL, 0x60, NULL, HFILL } },
        { &hf_aerospike_msg_result_code, { "Result code", "aerospike.msg.result_code", FT_UINT8, BASE_DEC | BASE_EXT_STRING, &aerospike_result_vals_ext, 0, NULL, HFILL } },
        { &hf_aerospike_msg_generation, { "Generation", "aerospike.msg.generation", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_msg_record_ttl, { "Record TTL", "aerospike.msg.record_ttl", FT_UINT32, BASE_DEC, NULL, 0, "Requests: TTL in seconds; responses: void time (seconds since 2010-01-01)", HFILL } },
        { &hf_aerospike_msg_void_time, { "Void time", "aerospike.msg.void_time", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0, "Expiry of the record (response record_ttl, epoch 2010-01-01 UTC)", HFILL } },
        { &hf_aerospike_msg_transaction_ttl, { "Transaction TTL", "aerospike.msg.transaction_ttl", FT_UINT32, BASE_DEC, NULL, 0, "Requests: server timeout in ms; batch responses: row index", HFILL } },
        { &hf_aerospike_msg_n_fields, { "Fields", "aerospike.msg.n_fields", FT_UINT16, BASE_DEC, NULL, 0, "Number of fields", HFILL } },
        { &hf_aerospike_msg_n_ops, { "Operations", "aerospike.msg.n_ops", FT_UINT16, BASE_DEC, NULL, 0, "Number of operations", HFILL } },
        { &hf_aerospike_msg_partition_id, { "Partition done", "aerospike.msg.partition_id", FT_UINT32, BASE_DEC, NULL, 0, "Partition reported by a PARTITION_DONE record (its generation)", HFILL } },

        { &hf_aerospike_field, { "Field", "aerospike.field", FT_NONE, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_field_size, { "Field size", "aerospike.field.size", FT_UINT32, BASE_DEC, NULL, 0, "Type byte + data", HFILL } },
        { &hf_aerospike_field_type, { "Field type", "aerospike.field.type", FT_UINT8, BASE_DEC, VALS(aerospike_field_type_vals), 0, NULL, HFILL } },
        { &hf_aerospike_field_data, { "Data", "aerospike.field.data", FT_BYTES, BASE_NONE, NULL, 0, "Field data not decoded further", HFILL } },
        { &hf_aerospike_namespace, { "Namespace", "aerospike.namespace", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_set, { "Set", "aerospike.set", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_digest, { "Digest", "aerospike.digest", FT_BYTES, BASE_NONE, NULL, 0, "RIPEMD-160 key digest", HFILL } },
        { &hf_aerospike_digest_computed, { "Computed digest", "aerospike.digest.computed", FT_BYTES, BASE_NONE, NULL, 0, "RIPEMD-160(set, key particle type, key)", HFILL } },
        { &hf_aerospike_digest_partition, { "Partition", "aerospike.digest.partition", FT_UINT16, BASE_DEC, NULL, 0, "Partition id of the digest", HFILL } },
        { &hf_aerospike_key, { "Key", "aerospike.key", FT_STRING, BASE_NONE, NULL, 0, "User key (text form)", HFILL } },
        { &hf_aerospike_key_particle_type, { "Key particle type", "aerospike.key.particle_type", FT_UINT8, BASE_DEC, VALS(aerospike_particle_vals), 0, NULL, HFILL } },
        { &hf_aerospike_key_int, { "Integer key", "aerospike.key.int", FT_INT64, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_key_double, { "Double key", "aerospike.key.double", FT_DOUBLE, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_key_bytes, { "Bytes key", "aerospike.key.bytes", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_record_version_lut, { "Record version LUT", "aerospike.record_version.lut", FT_UINT40, BASE_DEC, NULL, 0, "Last-update time (LE, 40 bits)", HFILL } },
        { &hf_aerospike_record_version_gen, { "Record version generation", "aerospike.record_version.generation", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_mrt_id, { "MRT id", "aerospike.mrt_id", FT_UINT64, BASE_HEX, NULL, 0, "Multi-record transaction id (LE)", HFILL } },
        { &hf_aerospike_mrt_deadline, { "MRT deadline", "aerospike.mrt_deadline", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_task_id, { "Task id", "aerospike.task_id", FT_UINT64, BASE_DEC, NULL, 0, "Scan/query id (TRID)", HFILL } },
        { &hf_aerospike_scan_priority, { "Scan priority", "aerospike.scan.priority", FT_UINT8, BASE_DEC,
            VALS(aerospike_scan_priority_vals), 0xf0, NULL, HFILL } },
        { &hf_aerospike_scan_fail_on_cluster_change, { "Fail on cluster change", "aerospike.scan.fail_on_cluster_change", FT_BOOLEAN, 8,
            NULL, 0x08, NULL, HFILL } },
        { &hf_aerospike_scan_include_ldt, { "Include LDT", "aerospike.scan.include_ldt", FT_BOOLEAN, 8,
            NULL, 0x02, NULL, HFILL } },
        { &hf_aerospike_scan_percent, { "Scan percent", "aerospike.scan.percent", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_socket_timeout, { "Socket timeout (ms)", "aerospike.socket_timeout", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_rps, { "Records per second", "aerospike.records_per_second", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_pid_count, { "Partitions", "aerospike.pid_count", FT_UINT32, BASE_DEC, NULL, 0, "Number of partition ids in PID_ARRAY", HFILL } },
        { &hf_aerospike_pid, { "Partition id", "aerospike.pid", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_digest_array_digest, { "Digest", "aerospike.digest_array.digest", FT_BYTES, BASE_NONE, NULL, 0, "Entry of a DIGEST_ARRAY", HFILL } },
        { &hf_aerospike_max_records, { "Max records", "aerospike.max_records", FT_UINT64, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_lut, { "Last update time", "aerospike.lut", FT_UINT64, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_bval, { "BVAL", "aerospike.bval", FT_INT64, BASE_DEC, NULL, 0, "Query resume value (LE)", HFILL } },
        { &hf_aerospike_index_name, { "Index name", "aerospike.index.name", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_index_range_count, { "Filters", "aerospike.index.range.count", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_index_range_bin, { "Bin", "aerospike.index.range.bin", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_index_range_type, { "Particle type", "aerospike.index.range.particle_type", FT_UINT8, BASE_DEC, VALS(aerospike_particle_vals), 0, NULL, HFILL } },
        { &hf_aerospike_index_range_begin, { "Begin", "aerospike.index.range.begin", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_index_range_end, { "End", "aerospike.index.range.end", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_index_type, { "Index type", "aerospike.index.type", FT_UINT8, BASE_DEC, VALS(aerospike_index_type_vals), 0, NULL, HFILL } },
        { &hf_aerospike_udf_package, { "UDF package", "aerospike.udf.package", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_udf_function, { "UDF function", "aerospike.udf.function", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_udf_op, { "UDF op", "aerospike.udf.op", FT_UINT8, BASE_DEC, VALS(aerospike_udf_op_vals), 0, NULL, HFILL } },
        { &hf_aerospike_query_bin, { "Query bin", "aerospike.query.bin", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_msgpack_text, { "MessagePack", "aerospike.msgpack", FT_STRING, BASE_NONE, NULL, 0, "MessagePack payload (text form)", HFILL } },
        { &hf_aerospike_exp_op, { "Expression", "aerospike.exp.op", FT_UINT8, BASE_DEC, VALS(aerospike_exp_op_vals), 0, "Top operation of an expression", HFILL } },

        { &hf_aerospike_batch_count, { "Batch count", "aerospike.batch.count", FT_UINT32, BASE_DEC, NULL, 0, "Number of rows", HFILL } },
        { &hf_aerospike_batch_flags, { "Batch flags", "aerospike.batch.flags", FT_UINT8, BASE_HEX, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_batch_flags_inline_mem, { "INLINE_DATA_IN_MEMORY", "aerospike.batch.flags.inline_memory", FT_BOOLEAN, 8,
            NULL, 0x01, NULL, HFILL } },
        { &hf_aerospike_batch_flags_inline_ssd, { "INLINE_DATA_ON_DEVICE", "aerospike.batch.flags.inline_device", FT_BOOLEAN, 8,
            NULL, 0x02, NULL, HFILL } },
        { &hf_aerospike_batch_flags_report_all, { "REPORT_ALL_ERRORS", "aerospike.batch.flags.report_all_errors", FT_BOOLEAN, 8,
            NULL, 0x04, NULL, HFILL } },
        { &hf_aerospike_batch_flags_report_rec, { "REPORT_ERROR_REC", "aerospike.batch.flags.report_error_rec", FT_BOOLEAN, 8,
            NULL, 0x08, NULL, HFILL } },
        { &hf_aerospike_batch_row, { "Row", "aerospike.batch.row", FT_NONE, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_batch_index, { "Batch index", "aerospike.batch.index", FT_UINT32, BASE_DEC, NULL, 0, "Row index (request) / index of the answered row (response)", HFILL } },
        { &hf_aerospike_batch_digest, { "Row digest", "aerospike.batch.digest", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_batch_row_flags, { "Row flags", "aerospike.batch.row_flags", FT_UINT8, BASE_HEX, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_batch_row_flags_repeat, { "REPEAT", "aerospike.batch.row_flags.repeat", FT_BOOLEAN, 8,
            NULL, 0x01, NULL, HFILL } },
        { &hf_aerospike_batch_row_flags_info, { "INFO (info2+info3)", "aerospike.batch.row_flags.info", FT_BOOLEAN, 8,
            NULL, 0x02, NULL, HFILL } },
        { &hf_aerospike_batch_row_flags_gen, { "GENERATION", "aerospike.batch.row_flags.generation", FT_BOOLEAN, 8,
            NULL, 0x04, NULL, HFILL } },
        { &hf_aerospike_batch_row_flags_ttl, { "RECORD_TTL", "aerospike.batch.row_flags.ttl", FT_BOOLEAN, 8,
            NULL, 0x08, NULL, HFILL } },
        { &hf_aerospike_batch_row_flags_info4, { "INFO4", "aerospike.batch.row_flags.info4", FT_BOOLEAN, 8,
            NULL, 0x10, NULL, HFILL } },
        { &hf_aerospike_batch_repeat_of, { "Repeats row", "aerospike.batch.repeat_of", FT_UINT32, BASE_DEC, NULL, 0, "Index of the last full row, whose namespace, set, ops and attributes this row reuses", HFILL } },
        { &hf_aerospike_batch_generation, { "Row generation", "aerospike.batch.generation", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_batch_rows_present, { "Rows present", "aerospike.batch.rows_present", FT_UINT32, BASE_DEC, NULL, 0, "Rows actually present in the BATCH field", HFILL } },

        { &hf_aerospike_op, { "Operation", "aerospike.op", FT_NONE, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_op_size, { "Operation size", "aerospike.op.size", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_op_type, { "Operation type", "aerospike.op.type", FT_UINT8, BASE_DEC, VALS(aerospike_op_type_vals), 0, NULL, HFILL } },
        { &hf_aerospike_op_particle_type, { "Particle type", "aerospike.op.particle_type", FT_UINT8, BASE_DEC, VALS(aerospike_particle_vals), 0, NULL, HFILL } },
        { &hf_aerospike_op_flags, { "Flags", "aerospike.op.flags", FT_UINT8, BASE_HEX, NULL, 0, "Bit 0: a last-update time follows the bin name", HFILL } },
        { &hf_aerospike_op_name_len, { "Bin name length", "aerospike.op.name_len", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_op_bin_name, { "Bin name", "aerospike.op.bin_name", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_op_lut, { "Last update time", "aerospike.op.lut", FT_UINT64, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_op_value, { "Value", "aerospike.op.value", FT_STRING, BASE_NONE, NULL, 0, "Text form of any bin value (hidden)", HFILL } },
        { &hf_aerospike_op_value_int, { "Integer value", "aerospike.op.value_int", FT_INT64, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_op_value_double, { "Double value", "aerospike.op.value_double", FT_DOUBLE, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_op_value_string, { "String value", "aerospike.op.value_string", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_op_value_bytes, { "Bytes value", "aerospike.op.value_bytes", FT_BYTES, BASE_NONE, NULL, 0, "Blob, HLL, vector, GeoJSON and unknown particle types", HFILL } },
        { &hf_aerospike_op_value_bool, { "Boolean value", "aerospike.op.value_bool", FT_BOOLEAN, 8, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_op_value_msgpack, { "MessagePack value", "aerospike.op.value_msgpack", FT_STRING, BASE_NONE, NULL, 0, "List, map, CDT/bit/HLL/expression operation payload (text form)", HFILL } },
        { &hf_aerospike_op_geo_flags, { "GeoJSON flags", "aerospike.op.geo.flags", FT_UINT8, BASE_HEX, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_op_geo_ncells, { "GeoJSON cells", "aerospike.op.geo.ncells", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_op_geo_cell, { "Cell id", "aerospike.op.geo.cell", FT_UINT64, BASE_HEX, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_op_geo_json, { "GeoJSON", "aerospike.op.geo.json", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_op_cdt_op, { "CDT operation", "aerospike.op.cdt_op", FT_UINT8, BASE_DEC, VALS(aerospike_cdt_op_vals), 0, NULL, HFILL } },
        { &hf_aerospike_op_cdt_context, { "With CDT context", "aerospike.op.cdt_context", FT_BOOLEAN, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_op_bit_op, { "Bit operation", "aerospike.op.bit_op", FT_UINT8, BASE_DEC, VALS(aerospike_bit_op_vals), 0, NULL, HFILL } },
        { &hf_aerospike_op_hll_op, { "HLL operation", "aerospike.op.hll_op", FT_UINT8, BASE_DEC, VALS(aerospike_hll_op_vals), 0, NULL, HFILL } },
        { &hf_aerospike_op_string_op, { "String operation", "aerospike.op.string_op", FT_UINT8, BASE_DEC, VALS(aerospike_string_op_vals), 0, NULL, HFILL } },
        { &hf_aerospike_op_exp_flags, { "Expression flags", "aerospike.op.exp_flags", FT_UINT32, BASE_HEX, NULL, 0, NULL, HFILL } },

        { &hf_aerospike_uncompressed_size, { "Uncompressed size", "aerospike.compressed.uncompressed_size", FT_UINT64, BASE_DEC, NULL, 0, "Length of the original PDU including its header", HFILL } },
        { &hf_aerospike_compressed_data, { "Compressed data", "aerospike.compressed.data", FT_BYTES, BASE_NONE, NULL, 0, "zlib stream", HFILL } },
        { &hf_aerospike_inflated_size, { "Inflated size", "aerospike.compressed.inflated_size", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },

        { &hf_aerospike_admin, { "Admin message", "aerospike.admin", FT_NONE, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_admin_scheme, { "Scheme", "aerospike.admin.scheme", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_admin_result, { "Result", "aerospike.admin.result", FT_UINT8, BASE_DEC | BASE_EXT_STRING, &aerospike_result_vals_ext, 0, NULL, HFILL } },
        { &hf_aerospike_admin_command, { "Command", "aerospike.admin.command", FT_UINT8, BASE_DEC, VALS(aerospike_admin_command_vals), 0, NULL, HFILL } },
        { &hf_aerospike_admin_n_fields, { "Fields", "aerospike.admin.n_fields", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_admin_unused, { "Unused", "aerospike.admin.unused", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_admin_field, { "Field", "aerospike.admin.field", FT_NONE, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_admin_field_size, { "Field size", "aerospike.admin.field.size", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_admin_field_id, { "Field id", "aerospike.admin.field.id", FT_UINT8, BASE_DEC, VALS(aerospike_admin_field_vals), 0, NULL, HFILL } },
        { &hf_aerospike_admin_user, { "User", "aerospike.admin.user", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_admin_password, { "Password (hash)", "aerospike.admin.password", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_admin_old_password, { "Old password (hash)", "aerospike.admin.old_password", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_admin_credential, { "Credential (bcrypt hash)", "aerospike.admin.credential", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_admin_clear_password, { "Clear password", "aerospike.admin.clear_password", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_admin_session_token, { "Session token", "aerospike.admin.session_token", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_admin_session_ttl, { "Session TTL (s)", "aerospike.admin.session_ttl", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_admin_role, { "Role", "aerospike.admin.role", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_admin_privilege, { "Privilege", "aerospike.admin.privilege", FT_UINT8, BASE_DEC, VALS(aerospike_privilege_vals), 0, NULL, HFILL } },
        { &hf_aerospike_admin_privilege_ns, { "Privilege namespace", "aerospike.admin.privilege.namespace", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_admin_privilege_set, { "Privilege set", "aerospike.admin.privilege.set", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_admin_whitelist, { "Whitelist", "aerospike.admin.whitelist", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_admin_quota, { "Quota", "aerospike.admin.quota", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_admin_info_value, { "Info value", "aerospike.admin.info_value", FT_UINT32, BASE_DEC, NULL, 0, "READ_INFO / WRITE_INFO entry", HFILL } },
        { &hf_aerospike_admin_connections, { "Connections", "aerospike.admin.connections", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_aerospike_admin_data, { "Data", "aerospike.admin.data", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL } },
    };
    static gint *ett[] = {
        &ett_aerospike, &ett_aerospike_info_line, &ett_aerospike_info_params, &ett_aerospike_msg,
        &ett_aerospike_info1, &ett_aerospike_info2, &ett_aerospike_info3, &ett_aerospike_info4,
        &ett_aerospike_field, &ett_aerospike_key, &ett_aerospike_op, &ett_aerospike_value,
        &ett_aerospike_msgpack, &ett_aerospike_batch, &ett_aerospike_batch_flags, &ett_aerospike_batch_row,
        &ett_aerospike_batch_row_flags, &ett_aerospike_array, &ett_aerospike_index_range,
        &ett_aerospike_compressed, &ett_aerospike_admin, &ett_aerospike_admin_field,
    };
    static ei_register_info ei[] = {
        { &ei_aerospike_version, { "aerospike.version.unsupported", PI_PROTOCOL, PI_ERROR, "unsupported proto version", EXPFILL } },
        { &ei_aerospike_type, { "aerospike.type.unknown", PI_PROTOCOL, PI_ERROR, "Unknown proto type", EXPFILL } },
        { &ei_aerospike_size, { "aerospike.size.too_big", PI_MALFORMED, PI_ERROR, "Proto size above 128 MiB", EXPFILL } },
        { &ei_aerospike_truncated, { "aerospike.truncated", PI_MALFORMED, PI_ERROR, "PDU truncated or undecodable", EXPFILL } },
        { &ei_aerospike_header_sz, { "aerospike.msg.header_sz.bad", PI_MALFORMED, PI_WARN, "as_msg header_sz is not 22", EXPFILL } },
        { &ei_aerospike_field_size, { "aerospike.field.size.bad", PI_MALFORMED, PI_ERROR, "Field size does not fit the message", EXPFILL } },
        { &ei_aerospike_field_len, { "aerospike.field.length", PI_MALFORMED, PI_WARN, "Field data has an unexpected length", EXPFILL } },
        { &ei_aerospike_field_unknown, { "aerospike.field.unknown", PI_UNDECODED, PI_NOTE, "Unknown field type", EXPFILL } },
        { &ei_aerospike_op_size, { "aerospike.op.size.bad", PI_MALFORMED, PI_ERROR, "Operation size does not fit the message", EXPFILL } },
        { &ei_aerospike_op_unknown, { "aerospike.op.unknown", PI_UNDECODED, PI_NOTE, "Unknown operation type", EXPFILL } },
        { &ei_aerospike_particle_unknown, { "aerospike.particle.unknown", PI_UNDECODED, PI_NOTE, "Unknown particle type", EXPFILL } },
        { &ei_aerospike_value_len, { "aerospike.op.value.length", PI_MALFORMED, PI_WARN, "Value has an unexpected length", EXPFILL } },
        { &ei_aerospike_trailing, { "aerospike.trailing", PI_MALFORMED, PI_WARN, "Bytes after the announced content", EXPFILL } },
        { &ei_aerospike_result_note, { "aerospike.result.note", PI_RESPONSE_CODE, PI_NOTE, "Result code (expected outcome, e.g. not found)", EXPFILL } },
        { &ei_aerospike_result_warn, { "aerospike.result.warn", PI_RESPONSE_CODE, PI_WARN, "Result code (failed command)", EXPFILL } },
        { &ei_aerospike_result_error, { "aerospike.result.error", PI_RESPONSE_CODE, PI_ERROR, "Result code (server-side failure)", EXPFILL } },
        { &ei_aerospike_info_error, { "aerospike.info.error", PI_RESPONSE_CODE, PI_WARN, "Info command answered with an error", EXPFILL } },
        { &ei_aerospike_info_unterminated, { "aerospike.info.unterminated", PI_PROTOCOL, PI_NOTE, "Info command without a newline (ignored by the server)", EXPFILL } },
        { &ei_aerospike_info_empty, { "aerospike.info.empty", PI_SEQUENCE, PI_CHAT, "Empty info request (summary)", EXPFILL } },
        { &ei_aerospike_batch_count, { "aerospike.batch.count.bad", PI_MALFORMED, PI_WARN, "Batch count larger than the rows present", EXPFILL } },
        { &ei_aerospike_batch_repeat_first, { "aerospike.batch.repeat_first", PI_PROTOCOL, PI_WARN, "First batch row marked REPEAT", EXPFILL } },
        { &ei_aerospike_batch_flags, { "aerospike.batch.row_flags.unknown", PI_UNDECODED, PI_NOTE, "Unknown batch row flags", EXPFILL } },
        { &ei_aerospike_compressed_corrupt, { "aerospike.compressed.corrupt", PI_MALFORMED, PI_ERROR, "Compressed body is not a valid zlib stream", EXPFILL } },
        { &ei_aerospike_compressed_size, { "aerospike.compressed.size", PI_PROTOCOL, PI_WARN, "Compressed sizes do not match", EXPFILL } },
        { &ei_aerospike_compressed_inner, { "aerospike.compressed.inner", PI_MALFORMED, PI_ERROR, "Inflated data is not a type 3 proto", EXPFILL } },
        { &ei_aerospike_compressed_skipped, { "aerospike.compressed.skipped", PI_UNDECODED, PI_NOTE, "Compressed message not inflated (preference)", EXPFILL } },
        { &ei_aerospike_digest_mismatch, { "aerospike.digest.mismatch", PI_PROTOCOL, PI_WARN, "DIGEST field does not match the key", EXPFILL } },
        { &ei_aerospike_credentials, { "aerospike.admin.credentials", PI_SECURITY, PI_NOTE, "Credentials travel in clear", EXPFILL } },
        { &ei_aerospike_clear_password, { "aerospike.admin.clear_password.sent", PI_SECURITY, PI_WARN, "Clear-text password", EXPFILL } },
        { &ei_aerospike_no_response, { "aerospike.no_response.expert", PI_SEQUENCE, PI_WARN, "No response seen to this request", EXPFILL } },
        { &ei_aerospike_response_lost, { "aerospike.response_lost.expert", PI_SEQUENCE, PI_NOTE, "Response not in the capture (lost segment)", EXPFILL } },
        { &ei_aerospike_cut, { "aerospike.cut.expert", PI_UNDECODED, PI_NOTE, "PDU cut short in the capture (snaplen): the rest is not decoded", EXPFILL } },
        { &ei_aerospike_no_request, { "aerospike.no_request", PI_SEQUENCE, PI_NOTE, "Response without a request in the capture", EXPFILL } },
        { &ei_aerospike_msgpack, { "aerospike.msgpack.bad", PI_MALFORMED, PI_WARN, "Invalid MessagePack payload", EXPFILL } },
        { &ei_aerospike_admin_result, { "aerospike.admin.result.error", PI_RESPONSE_CODE, PI_WARN, "Admin command failed", EXPFILL } },
    };
    module_t *m;
    expert_module_t *em;

    proto_aerospike = proto_register_protocol("Aerospike wire protocol", "Aerospike", "aerospike");
    proto_register_field_array(proto_aerospike, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    em = expert_register_protocol(proto_aerospike);
    expert_register_field_array(em, ei, array_length(ei));

    m = prefs_register_protocol(proto_aerospike, as_prefs_apply);
    prefs_register_bool_preference(m, "desegment",
        "Reassemble Aerospike messages spanning multiple TCP segments",
        "Whether the Aerospike dissector should reassemble messages spanning multiple TCP segments. "
        "To use this option, you must also enable \"Allow subdissectors to reassemble TCP streams\" in the TCP protocol settings.",
        &aerospike_desegment);
    prefs_register_bool_preference(m, "inflate",
        "Inflate compressed messages (proto type 4)",
        "Inflate zlib-compressed messages and dissect the original message",
        &aerospike_inflate);
    prefs_register_bool_preference(m, "msgpack_tree",
        "Show MessagePack payloads with Wireshark's msgpack dissector",
        "Below the text form of list/map values, CDT operations and expressions, add the tree of "
        "Wireshark's own msgpack dissector (for payloads it can decode). Off by default: that tree "
        "shows the particle-type byte Aerospike puts in front of every string as a control character",
        &aerospike_use_msgpack);

    aerospike_handle = register_dissector("aerospike", dissect_aerospike, proto_aerospike);
    register_dissector("aerospike.embedded", dissect_aerospike_embedded, proto_aerospike);
    aerospike_tap = register_tap("aerospike");
    as_names = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
    as_pairs = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), as_pair_hash, as_pair_equal);
    ts_stats_register_hot_table(&aerospike_hotkeys_def);
    ts_stats_register_srt(proto_aerospike, "aerospike", aerospike_kind_vals, "aerospike.kind");
}

void
proto_reg_handoff_aerospike(void)
{
    dissector_add_uint_range_with_preference("tcp.port", AEROSPIKE_TCP_PORTS, aerospike_handle);
    ssl_dissector_add(AEROSPIKE_TLS_PORT, aerospike_handle);
    heur_dissector_add("tcp", dissect_aerospike_heur, "Aerospike over TCP (any port)", "aerospike_tcp",
                       proto_aerospike, HEURISTIC_ENABLE);
    msgpack_handle = find_dissector_add_dependency("msgpack", proto_aerospike);
    as_prefs_apply();
}
