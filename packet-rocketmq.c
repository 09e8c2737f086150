/* packet-rocketmq.c — Apache RocketMQ remoting (TCP 9876 name server, 10911 broker, 10909 VIP).
 *
 * One frame = int32 length | serialize type (1 byte) + header length (24 bits) | header | body.
 * The header is fastjson JSON (type 0) or the ROCKETMQ binary layout (type 1), chosen per frame.
 * Requests and responses are told apart by flag bit 0 (never by port) and matched by `opaque`
 * in the id space of the side that sent the request (shared transactions.c). Bodies are decoded
 * by (request code, direction, response code): store-format message records, batch encodings,
 * raw message payloads (zlib inflated), fastjson bodies through a tolerant tokenizer (bare
 * numeric and object map keys are accepted), properties text.
 *
 * Hostile input: every length is checked against what is left before it is used; the JSON
 * tokenizer is bounded in depth and node count; record loops stop at the first bad record.
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
#include "fastjson.h"

#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <epan/crc32-tvb.h>
#include <epan/dissectors/packet-tcp.h>
#include <wsutil/strtoi.h>
#include <wsutil/wsjson.h>
#include <wsutil/str_util.h>
#include <epan/strutil.h>
#include <epan/to_str.h>

#define ROCKETMQ_TCP_PORTS "9876,10909,10911"

#define RMQ_MAX_FRAME        16777212u   /* NettyDecoder default frameMaxLength - 4 */
#define RMQ_MIN_FRAME        4u          /* the header-length word */
#define RMQ_MAX_EXT          4096        /* extFields entries shown per header */
#define RMQ_MAX_RECORDS      100000      /* store records per body */
#define RMQ_JSON_MAX_DEPTH   32
#define RMQ_JSON_MAX_NODES   50000
#define RMQ_MAX_PROPS        1024
#define RMQ_LABEL_MAX        120

#define RMQ_MAGIC_V1     0xDAA320A7u
#define RMQ_MAGIC_V2     0xDAA320ABu
#define RMQ_MAGIC_BLANK  0xCBD43194u

#define RMQ_SYSFLAG_COMPRESSED  0x001u
#define RMQ_SYSFLAG_BORN_V6     0x010u
/* Largest inflated body, MiB (preference; the broker refuses messages above 4 MiB by default). */
static guint rmq_inflate_max_mib = 16;
#define RMQ_INFLATE_MAX (rmq_inflate_max_mib * 1024u * 1024u)
#define RMQ_SYSFLAG_STORE_V6    0x020u
#define RMQ_SYSFLAG_INNER_BATCH 0x080u


void proto_register_rocketmq(void);
void proto_reg_handoff_rocketmq(void);

static int proto_rocketmq = -1;
static int rocketmq_tap = -1;
static dissector_handle_t rocketmq_handle;
static dissector_handle_t json_handle;

/* preferences */
static ts_bool rmq_desegment = TRUE;
static ts_bool rmq_inflate = TRUE;
static ts_bool rmq_json_dissector = FALSE;

/* ---- header fields ------------------------------------------------------------------------ */
static int hf_rocketmq_length = -1;
static int hf_rocketmq_serialize_type = -1;
static int hf_rocketmq_header_length = -1;
static int hf_rocketmq_header = -1;
static int hf_rocketmq_code_req = -1;
static int hf_rocketmq_code_rsp = -1;
static int hf_rocketmq_request_code = -1;
static int hf_rocketmq_srt_index = -1;
static int hf_rocketmq_language = -1;
static int hf_rocketmq_language_code = -1;
static int hf_rocketmq_version = -1;
static int hf_rocketmq_opaque = -1;
static int hf_rocketmq_flag = -1;
static int hf_rocketmq_flag_response = -1;
static int hf_rocketmq_flag_oneway = -1;
static int hf_rocketmq_remark = -1;
static int hf_rocketmq_remark_length = -1;
static int hf_rocketmq_ser_type_rpc = -1;
static int hf_rocketmq_ext_length = -1;
static int hf_rocketmq_ext_key = -1;
static int hf_rocketmq_ext_value = -1;
static int hf_rocketmq_ext_key_length = -1;
static int hf_rocketmq_ext_value_length = -1;
static int hf_rocketmq_json_member = -1;
/* typed extFields */
static int hf_rocketmq_topic = -1;
static int hf_rocketmq_queue_id = -1;
static int hf_rocketmq_queue_offset = -1;
static int hf_rocketmq_group = -1;
static int hf_rocketmq_msg_id = -1;
static int hf_rocketmq_commit_offset = -1;
static int hf_rocketmq_next_begin_offset = -1;
static int hf_rocketmq_min_offset = -1;
static int hf_rocketmq_max_offset = -1;
static int hf_rocketmq_offset = -1;
static int hf_rocketmq_sys_flag = -1;
static int hf_rocketmq_pull_sys_flag = -1;
static int hf_rocketmq_pull_flag_commit = -1;
static int hf_rocketmq_pull_flag_suspend = -1;
static int hf_rocketmq_pull_flag_subscription = -1;
static int hf_rocketmq_pull_flag_class_filter = -1;
static int hf_rocketmq_pull_flag_lite = -1;
static int hf_rocketmq_born_timestamp = -1;
static int hf_rocketmq_max_msg_nums = -1;
static int hf_rocketmq_suspend_timeout = -1;
static int hf_rocketmq_subscription = -1;
static int hf_rocketmq_broker_name = -1;
static int hf_rocketmq_broker_addr = -1;
static int hf_rocketmq_cluster = -1;
static int hf_rocketmq_client_id = -1;
static int hf_rocketmq_transaction_id = -1;
static int hf_rocketmq_query_key = -1;
static int hf_rocketmq_reconsume_times = -1;
static int hf_rocketmq_default_topic = -1;
static int hf_rocketmq_origin_msg_id = -1;
static int hf_rocketmq_delay_level = -1;
/* links */
static int hf_rocketmq_response_in = -1;
static int hf_rocketmq_response_to = -1;
static int hf_rocketmq_time = -1;
static int hf_rocketmq_no_response = -1;
static int hf_rocketmq_pending_poll = -1;
static int hf_rocketmq_response_lost = -1;
/* body */
static int hf_rocketmq_body = -1;
static int hf_rocketmq_body_text = -1;
static int hf_rocketmq_body_uncompressed_length = -1;
static int hf_rocketmq_msg_count = -1;
/* message (store record / batch entry / send payload) */
static int hf_rocketmq_msg_total_size = -1;
static int hf_rocketmq_msg_magic = -1;
static int hf_rocketmq_msg_body_crc = -1;
static int hf_rocketmq_msg_body_crc_status = -1;
static int hf_rocketmq_msg_queue_id = -1;
static int hf_rocketmq_msg_flag = -1;
static int hf_rocketmq_msg_queue_offset = -1;
static int hf_rocketmq_msg_physic_offset = -1;
static int hf_rocketmq_msg_sys_flag = -1;
static int hf_rocketmq_msg_sf_compressed = -1;
static int hf_rocketmq_msg_sf_multi_tags = -1;
static int hf_rocketmq_msg_sf_transaction = -1;
static int hf_rocketmq_msg_sf_born_v6 = -1;
static int hf_rocketmq_msg_sf_store_v6 = -1;
static int hf_rocketmq_msg_sf_need_unwrap = -1;
static int hf_rocketmq_msg_sf_inner_batch = -1;
static int hf_rocketmq_msg_sf_compression = -1;
static int hf_rocketmq_msg_born_timestamp = -1;
static int hf_rocketmq_msg_born_host = -1;
static int hf_rocketmq_msg_born_ip = -1;
static int hf_rocketmq_msg_born_ipv6 = -1;
static int hf_rocketmq_msg_born_port = -1;
static int hf_rocketmq_msg_store_timestamp = -1;
static int hf_rocketmq_msg_store_host = -1;
static int hf_rocketmq_msg_store_ip = -1;
static int hf_rocketmq_msg_store_ipv6 = -1;
static int hf_rocketmq_msg_store_port = -1;
static int hf_rocketmq_msg_reconsume_times = -1;
static int hf_rocketmq_msg_prepared_offset = -1;
static int hf_rocketmq_msg_body_length = -1;
static int hf_rocketmq_msg_body = -1;
static int hf_rocketmq_msg_body_text = -1;
static int hf_rocketmq_msg_topic_length = -1;
static int hf_rocketmq_msg_topic = -1;
static int hf_rocketmq_msg_properties_length = -1;
static int hf_rocketmq_msg_property_key = -1;
static int hf_rocketmq_msg_property_value = -1;
static int hf_rocketmq_msg_keys = -1;
static int hf_rocketmq_msg_tags = -1;
static int hf_rocketmq_msg_uniq_key = -1;
static int hf_rocketmq_msg_retry_topic = -1;
static int hf_rocketmq_msg_origin_msg_id = -1;
static int hf_rocketmq_msg_traceparent = -1;
static int hf_rocketmq_msg_index = -1;

static gint ett_rocketmq = -1;
static gint ett_rocketmq_header = -1;
static gint ett_rocketmq_flag = -1;
static gint ett_rocketmq_ext = -1;
static gint ett_rocketmq_ext_entry = -1;
static gint ett_rocketmq_sys_flag = -1;
static gint ett_rocketmq_body = -1;
static gint ett_rocketmq_json = -1;
static gint ett_rocketmq_msg = -1;
static gint ett_rocketmq_msg_sys_flag = -1;
static gint ett_rocketmq_props = -1;
static gint ett_rocketmq_prop = -1;

static expert_field ei_rocketmq_bad_length = EI_INIT;
static expert_field ei_rocketmq_bad_serialize_type = EI_INIT;
static expert_field ei_rocketmq_bad_header = EI_INIT;
static expert_field ei_rocketmq_header_size = EI_INIT;
static expert_field ei_rocketmq_json = EI_INIT;
static expert_field ei_rocketmq_too_many = EI_INIT;
static expert_field ei_rocketmq_rsp_error = EI_INIT;
static expert_field ei_rocketmq_rsp_warn = EI_INIT;
static expert_field ei_rocketmq_rsp_note = EI_INIT;
static expert_field ei_rocketmq_no_response = EI_INIT;
static expert_field ei_rocketmq_no_request = EI_INIT;
static expert_field ei_rocketmq_bad_record = EI_INIT;
static expert_field ei_rocketmq_crc = EI_INIT;
static expert_field ei_rocketmq_compressed = EI_INIT;
static expert_field ei_rocketmq_inflate = EI_INIT;
static expert_field ei_rocketmq_truncated_pop = EI_INIT;
static expert_field ei_rocketmq_bad_value = EI_INIT;
static expert_field ei_rocketmq_response_lost = EI_INIT;
static expert_field ei_rocketmq_resync = EI_INIT;
static expert_field ei_rocketmq_snaplen = EI_INIT;

/* ---- value tables ------------------------------------------------------------------------- */
static const value_string rocketmq_serialize_type_vals[] = {
    { 0, "JSON" },
    { 1, "ROCKETMQ" },
    { 0, NULL }
};

static const value_string rocketmq_language_vals[] = {
    { 0, "JAVA" }, { 1, "CPP" }, { 2, "DOTNET" }, { 3, "PYTHON" }, { 4, "DELPHI" },
    { 5, "ERLANG" }, { 6, "RUBY" }, { 7, "OTHER" }, { 8, "HTTP" }, { 9, "GO" },
    { 10, "PHP" }, { 11, "OMS" }, { 12, "RUST" }, { 13, "NODE_JS" },
    { 0, NULL }
};

/* Request codes (RequestCode.java of apache/rocketmq, union of the 3.x..5.x names), ascending. */
enum {
    RMQ_REQ_START_TLS                                = 1,
    RMQ_REQ_SEND_MESSAGE                             = 10,
    RMQ_REQ_PULL_MESSAGE                             = 11,
    RMQ_REQ_QUERY_MESSAGE                            = 12,
    RMQ_REQ_QUERY_BROKER_OFFSET                      = 13,
    RMQ_REQ_QUERY_CONSUMER_OFFSET                    = 14,
    RMQ_REQ_UPDATE_CONSUMER_OFFSET                   = 15,
    RMQ_REQ_UPDATE_AND_CREATE_TOPIC                  = 17,
    RMQ_REQ_UPDATE_AND_CREATE_TOPIC_LIST             = 18,
    RMQ_REQ_GET_ALL_TOPIC_CONFIG                     = 21,
    RMQ_REQ_GET_TOPIC_CONFIG_LIST                    = 22,
    RMQ_REQ_GET_TOPIC_NAME_LIST                      = 23,
    RMQ_REQ_UPDATE_BROKER_CONFIG                     = 25,
    RMQ_REQ_GET_BROKER_CONFIG                        = 26,
    RMQ_REQ_TRIGGER_DELETE_FILES                     = 27,
    RMQ_REQ_GET_BROKER_RUNTIME_INFO                  = 28,
    RMQ_REQ_SEARCH_OFFSET_BY_TIMESTAMP               = 29,
    RMQ_REQ_GET_MAX_OFFSET                           = 30,
    RMQ_REQ_GET_MIN_OFFSET                           = 31,
    RMQ_REQ_GET_EARLIEST_MSG_STORETIME               = 32,
    RMQ_REQ_VIEW_MESSAGE_BY_ID                       = 33,
    RMQ_REQ_HEART_BEAT                               = 34,
    RMQ_REQ_UNREGISTER_CLIENT                        = 35,
    RMQ_REQ_CONSUMER_SEND_MSG_BACK                   = 36,
    RMQ_REQ_END_TRANSACTION                          = 37,
    RMQ_REQ_GET_CONSUMER_LIST_BY_GROUP               = 38,
    RMQ_REQ_CHECK_TRANSACTION_STATE                  = 39,
    RMQ_REQ_NOTIFY_CONSUMER_IDS_CHANGED              = 40,
    RMQ_REQ_LOCK_BATCH_MQ                            = 41,
    RMQ_REQ_UNLOCK_BATCH_MQ                          = 42,
    RMQ_REQ_GET_ALL_CONSUMER_OFFSET                  = 43,
    RMQ_REQ_GET_ALL_DELAY_OFFSET                     = 45,
    RMQ_REQ_CHECK_CLIENT_CONFIG                      = 46,
    RMQ_REQ_GET_CLIENT_CONFIG                        = 47,
    RMQ_REQ_UPDATE_AND_CREATE_ACL_CONFIG             = 50,
    RMQ_REQ_DELETE_ACL_CONFIG                        = 51,
    RMQ_REQ_GET_BROKER_CLUSTER_ACL_INFO              = 52,
    RMQ_REQ_UPDATE_GLOBAL_WHITE_ADDRS_CONFIG         = 53,
    RMQ_REQ_GET_BROKER_CLUSTER_ACL_CONFIG            = 54,
    RMQ_REQ_GET_TIMER_CHECK_POINT                    = 60,
    RMQ_REQ_GET_TIMER_METRICS                        = 61,
    RMQ_REQ_PUT_KV_CONFIG                            = 100,
    RMQ_REQ_GET_KV_CONFIG                            = 101,
    RMQ_REQ_DELETE_KV_CONFIG                         = 102,
    RMQ_REQ_REGISTER_BROKER                          = 103,
    RMQ_REQ_UNREGISTER_BROKER                        = 104,
    RMQ_REQ_GET_ROUTEINFO_BY_TOPIC                   = 105,
    RMQ_REQ_GET_BROKER_CLUSTER_INFO                  = 106,
    RMQ_REQ_UPDATE_AND_CREATE_SUBSCRIPTIONGROUP      = 200,
    RMQ_REQ_GET_ALL_SUBSCRIPTIONGROUP_CONFIG         = 201,
    RMQ_REQ_GET_TOPIC_STATS_INFO                     = 202,
    RMQ_REQ_GET_CONSUMER_CONNECTION_LIST             = 203,
    RMQ_REQ_GET_PRODUCER_CONNECTION_LIST             = 204,
    RMQ_REQ_WIPE_WRITE_PERM_OF_BROKER                = 205,
    RMQ_REQ_GET_ALL_TOPIC_LIST_FROM_NAMESERVER       = 206,
    RMQ_REQ_DELETE_SUBSCRIPTIONGROUP                 = 207,
    RMQ_REQ_GET_CONSUME_STATS                        = 208,
    RMQ_REQ_SUSPEND_CONSUMER                         = 209,
    RMQ_REQ_RESUME_CONSUMER                          = 210,
    RMQ_REQ_RESET_CONSUMER_OFFSET_IN_CONSUMER        = 211,
    RMQ_REQ_RESET_CONSUMER_OFFSET_IN_BROKER          = 212,
    RMQ_REQ_ADJUST_CONSUMER_THREAD_POOL              = 213,
    RMQ_REQ_WHO_CONSUME_THE_MESSAGE                  = 214,
    RMQ_REQ_DELETE_TOPIC_IN_BROKER                   = 215,
    RMQ_REQ_DELETE_TOPIC_IN_NAMESRV                  = 216,
    RMQ_REQ_REGISTER_TOPIC_IN_NAMESRV                = 217,
    RMQ_REQ_DELETE_KV_CONFIG_BY_VALUE                = 218,
    RMQ_REQ_GET_KVLIST_BY_NAMESPACE                  = 219,
    RMQ_REQ_RESET_CONSUMER_CLIENT_OFFSET             = 220,
    RMQ_REQ_GET_CONSUMER_STATUS_FROM_CLIENT          = 221,
    RMQ_REQ_INVOKE_BROKER_TO_RESET_OFFSET            = 222,
    RMQ_REQ_INVOKE_BROKER_TO_GET_CONSUMER_STATUS     = 223,
    RMQ_REQ_GET_TOPICS_BY_CLUSTER                    = 224,
    RMQ_REQ_UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST = 225,
    RMQ_REQ_QUERY_TOPIC_CONSUME_BY_WHO               = 300,
    RMQ_REQ_REGISTER_FILTER_SERVER                   = 301,
    RMQ_REQ_REGISTER_MESSAGE_FILTER_CLASS            = 302,
    RMQ_REQ_QUERY_CONSUME_TIME_SPAN                  = 303,
    RMQ_REQ_GET_SYSTEM_TOPIC_LIST_FROM_NS            = 304,
    RMQ_REQ_GET_SYSTEM_TOPIC_LIST_FROM_BROKER        = 305,
    RMQ_REQ_CLEAN_EXPIRED_CONSUMEQUEUE               = 306,
    RMQ_REQ_GET_CONSUMER_RUNNING_INFO                = 307,
    RMQ_REQ_QUERY_CORRECTION_OFFSET                  = 308,
    RMQ_REQ_CONSUME_MESSAGE_DIRECTLY                 = 309,
    RMQ_REQ_SEND_MESSAGE_V2                          = 310,
    RMQ_REQ_GET_UNIT_TOPIC_LIST                      = 311,
    RMQ_REQ_GET_HAS_UNIT_SUB_TOPIC_LIST              = 312,
    RMQ_REQ_GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST       = 313,
    RMQ_REQ_CLONE_GROUP_OFFSET                       = 314,
    RMQ_REQ_VIEW_BROKER_STATS_DATA                   = 315,
    RMQ_REQ_CLEAN_UNUSED_TOPIC                       = 316,
    RMQ_REQ_GET_BROKER_CONSUME_STATS                 = 317,
    RMQ_REQ_UPDATE_NAMESRV_CONFIG                    = 318,
    RMQ_REQ_GET_NAMESRV_CONFIG                       = 319,
    RMQ_REQ_SEND_BATCH_MESSAGE                       = 320,
    RMQ_REQ_QUERY_CONSUME_QUEUE                      = 321,
    RMQ_REQ_QUERY_DATA_VERSION                       = 322,
    RMQ_REQ_RESUME_CHECK_HALF_MESSAGE                = 323,
    RMQ_REQ_SEND_REPLY_MESSAGE                       = 324,
    RMQ_REQ_SEND_REPLY_MESSAGE_V2                    = 325,
    RMQ_REQ_PUSH_REPLY_MESSAGE_TO_CLIENT             = 326,
    RMQ_REQ_ADD_WRITE_PERM_OF_BROKER                 = 327,
    RMQ_REQ_GET_ALL_PRODUCER_INFO                    = 328,
    RMQ_REQ_DELETE_EXPIRED_COMMITLOG                 = 329,
    RMQ_REQ_QUERY_TOPICS_BY_CONSUMER                 = 343,
    RMQ_REQ_QUERY_SUBSCRIPTION_BY_CONSUMER           = 345,
    RMQ_REQ_GET_TOPIC_CONFIG                         = 351,
    RMQ_REQ_GET_SUBSCRIPTIONGROUP_CONFIG             = 352,
    RMQ_REQ_UPDATE_AND_GET_GROUP_FORBIDDEN           = 353,
    RMQ_REQ_CHECK_ROCKSDB_CQ_WRITE_PROGRESS          = 354,
    RMQ_REQ_EXPORT_ROCKSDB_CONFIG_TO_JSON            = 355,
    RMQ_REQ_LITE_PULL_MESSAGE                        = 361,
    RMQ_REQ_RECALL_MESSAGE                           = 370,
    RMQ_REQ_QUERY_ASSIGNMENT                         = 400,
    RMQ_REQ_SET_MESSAGE_REQUEST_MODE                 = 401,
    RMQ_REQ_GET_ALL_MESSAGE_REQUEST_MODE             = 402,
    RMQ_REQ_UPDATE_AND_CREATE_STATIC_TOPIC           = 513,
    RMQ_REQ_GET_BROKER_MEMBER_GROUP                  = 901,
    RMQ_REQ_ADD_BROKER                               = 902,
    RMQ_REQ_REMOVE_BROKER                            = 903,
    RMQ_REQ_BROKER_HEARTBEAT                         = 904,
    RMQ_REQ_NOTIFY_MIN_BROKER_ID_CHANGE              = 905,
    RMQ_REQ_EXCHANGE_BROKER_HA_INFO                  = 906,
    RMQ_REQ_GET_BROKER_HA_STATUS                     = 907,
    RMQ_REQ_RESET_MASTER_FLUSH_OFFSET                = 908,
    RMQ_REQ_CONTROLLER_ALTER_SYNC_STATE_SET          = 1001,
    RMQ_REQ_CONTROLLER_ELECT_MASTER                  = 1002,
    RMQ_REQ_CONTROLLER_REGISTER_BROKER               = 1003,
    RMQ_REQ_CONTROLLER_GET_REPLICA_INFO              = 1004,
    RMQ_REQ_CONTROLLER_GET_METADATA_INFO             = 1005,
    RMQ_REQ_CONTROLLER_GET_SYNC_STATE_DATA           = 1006,
    RMQ_REQ_GET_BROKER_EPOCH_CACHE                   = 1007,
    RMQ_REQ_NOTIFY_BROKER_ROLE_CHANGED               = 1008,
    RMQ_REQ_UPDATE_CONTROLLER_CONFIG                 = 1009,
    RMQ_REQ_GET_CONTROLLER_CONFIG                    = 1010,
    RMQ_REQ_CLEAN_BROKER_DATA                        = 1011,
    RMQ_REQ_CONTROLLER_GET_NEXT_BROKER_ID            = 1012,
    RMQ_REQ_CONTROLLER_APPLY_BROKER_ID               = 1013,
    RMQ_REQ_BROKER_CLOSE_CHANNEL_REQUEST             = 1014,
    RMQ_REQ_CHECK_NOT_ACTIVE_BROKER_REQUEST          = 1015,
    RMQ_REQ_GET_BROKER_LIVE_INFO_REQUEST             = 1016,
    RMQ_REQ_GET_SYNC_STATE_DATA_REQUEST              = 1017,
    RMQ_REQ_RAFT_BROKER_HEART_BEAT_EVENT_REQUEST     = 1018,
    RMQ_REQ_UPDATE_COLD_DATA_FLOW_CTR_CONFIG         = 2001,
    RMQ_REQ_REMOVE_COLD_DATA_FLOW_CTR_CONFIG         = 2002,
    RMQ_REQ_GET_COLD_DATA_FLOW_CTR_INFO              = 2003,
    RMQ_REQ_SET_COMMITLOG_READ_MODE                  = 2004,
    RMQ_REQ_AUTH_CREATE_USER                         = 3001,
    RMQ_REQ_AUTH_UPDATE_USER                         = 3002,
    RMQ_REQ_AUTH_DELETE_USER                         = 3003,
    RMQ_REQ_AUTH_GET_USER                            = 3004,
    RMQ_REQ_AUTH_LIST_USER                           = 3005,
    RMQ_REQ_AUTH_CREATE_ACL                          = 3006,
    RMQ_REQ_AUTH_UPDATE_ACL                          = 3007,
    RMQ_REQ_AUTH_DELETE_ACL                          = 3008,
    RMQ_REQ_AUTH_GET_ACL                             = 3009,
    RMQ_REQ_AUTH_LIST_ACL                            = 3010,
    RMQ_REQ_SWITCH_TIMER_ENGINE                      = 5001,
    RMQ_REQ_DELETE_TOPIC_IN_BROKER_LIST              = 5002,
    RMQ_REQ_DELETE_SUBSCRIPTION_GROUP_LIST           = 5003,
    RMQ_REQ_POP_MESSAGE                              = 200050,
    RMQ_REQ_ACK_MESSAGE                              = 200051,
    RMQ_REQ_PEEK_MESSAGE                             = 200052,
    RMQ_REQ_CHANGE_MESSAGE_INVISIBLETIME             = 200053,
    RMQ_REQ_NOTIFICATION                             = 200054,
    RMQ_REQ_POLLING_INFO                             = 200055,
    RMQ_REQ_POP_ROLLBACK                             = 200056,
    RMQ_REQ_POP_LITE_MESSAGE                         = 200070,
    RMQ_REQ_LITE_SUBSCRIPTION_CTL                    = 200071,
    RMQ_REQ_ACK_LITE_MESSAGE                         = 200072,
    RMQ_REQ_NOTIFY_UNSUBSCRIBE_LITE                  = 200073,
    RMQ_REQ_GET_BROKER_LITE_INFO                     = 200074,
    RMQ_REQ_GET_PARENT_TOPIC_INFO                    = 200075,
    RMQ_REQ_GET_LITE_TOPIC_INFO                      = 200076,
    RMQ_REQ_GET_LITE_CLIENT_INFO                     = 200077,
    RMQ_REQ_GET_LITE_GROUP_INFO                      = 200078,
    RMQ_REQ_TRIGGER_LITE_DISPATCH                    = 200079,
    RMQ_REQ_BATCH_ACK_MESSAGE                        = 200151,
};

/* What the dissector knows about a request code beyond its name. */
#define RMQ_API_SEND           0x01u   /* produces messages: counted in the tap, its answer timed */
#define RMQ_API_V2_HEADER      0x02u   /* SendMessageRequestHeaderV2: one-letter extFields keys */
#define RMQ_API_PULL           0x04u   /* pull: sysFlag is PullSysFlag, queueOffset in the Info column */
#define RMQ_API_LONG_POLL      0x08u   /* the broker may hold it (suspendTimeoutMillis / pollTime) */
#define RMQ_API_FROM_BROKER    0x10u   /* sent by the broker to its client on the client's connection */
#define RMQ_API_RECORDS_ANSWER 0x20u   /* a SUCCESS answer's body is a list of store-format records */

/* How the body of a request is decoded. */
typedef enum {
    RMQ_BODY_BY_CONTENT = 0,   /* fastjson JSON or text, recognised by its content */
    RMQ_BODY_MESSAGE,          /* one message payload (compressed per sysFlag) */
    RMQ_BODY_BATCH,            /* MessageBatch encoding: several messages */
    RMQ_BODY_RECORDS,          /* store-format message records */
    RMQ_BODY_BROKER_DATA,      /* REGISTER_BROKER: zlib-compressed when extFields compressed=true */
} rmq_body_t;

typedef struct {
    gint32      code;
    const char *name;
    guint       flags;   /* RMQ_API_* */
    rmq_body_t  body;
} rmq_api_t;

/* Every request code, ascending: rocketmq_request_code_vals (names, looked up through its _ext)
 * and the SRT kinds are built from it at registration, in the same order (an index is a kind). */
static const rmq_api_t rmq_apis[] = {
    { RMQ_REQ_START_TLS, "START_TLS", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_SEND_MESSAGE, "SEND_MESSAGE", RMQ_API_SEND, RMQ_BODY_MESSAGE },
    { RMQ_REQ_PULL_MESSAGE, "PULL_MESSAGE", RMQ_API_PULL | RMQ_API_LONG_POLL | RMQ_API_RECORDS_ANSWER, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_QUERY_MESSAGE, "QUERY_MESSAGE", RMQ_API_RECORDS_ANSWER, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_QUERY_BROKER_OFFSET, "QUERY_BROKER_OFFSET", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_QUERY_CONSUMER_OFFSET, "QUERY_CONSUMER_OFFSET", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_UPDATE_CONSUMER_OFFSET, "UPDATE_CONSUMER_OFFSET", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_UPDATE_AND_CREATE_TOPIC, "UPDATE_AND_CREATE_TOPIC", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_UPDATE_AND_CREATE_TOPIC_LIST, "UPDATE_AND_CREATE_TOPIC_LIST", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_ALL_TOPIC_CONFIG, "GET_ALL_TOPIC_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_TOPIC_CONFIG_LIST, "GET_TOPIC_CONFIG_LIST", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_TOPIC_NAME_LIST, "GET_TOPIC_NAME_LIST", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_UPDATE_BROKER_CONFIG, "UPDATE_BROKER_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_BROKER_CONFIG, "GET_BROKER_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_TRIGGER_DELETE_FILES, "TRIGGER_DELETE_FILES", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_BROKER_RUNTIME_INFO, "GET_BROKER_RUNTIME_INFO", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_SEARCH_OFFSET_BY_TIMESTAMP, "SEARCH_OFFSET_BY_TIMESTAMP", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_MAX_OFFSET, "GET_MAX_OFFSET", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_MIN_OFFSET, "GET_MIN_OFFSET", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_EARLIEST_MSG_STORETIME, "GET_EARLIEST_MSG_STORETIME", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_VIEW_MESSAGE_BY_ID, "VIEW_MESSAGE_BY_ID", RMQ_API_RECORDS_ANSWER, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_HEART_BEAT, "HEART_BEAT", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_UNREGISTER_CLIENT, "UNREGISTER_CLIENT", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_CONSUMER_SEND_MSG_BACK, "CONSUMER_SEND_MSG_BACK", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_END_TRANSACTION, "END_TRANSACTION", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_CONSUMER_LIST_BY_GROUP, "GET_CONSUMER_LIST_BY_GROUP", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_CHECK_TRANSACTION_STATE, "CHECK_TRANSACTION_STATE", RMQ_API_FROM_BROKER, RMQ_BODY_RECORDS },
    { RMQ_REQ_NOTIFY_CONSUMER_IDS_CHANGED, "NOTIFY_CONSUMER_IDS_CHANGED", RMQ_API_FROM_BROKER, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_LOCK_BATCH_MQ, "LOCK_BATCH_MQ", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_UNLOCK_BATCH_MQ, "UNLOCK_BATCH_MQ", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_ALL_CONSUMER_OFFSET, "GET_ALL_CONSUMER_OFFSET", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_ALL_DELAY_OFFSET, "GET_ALL_DELAY_OFFSET", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_CHECK_CLIENT_CONFIG, "CHECK_CLIENT_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_CLIENT_CONFIG, "GET_CLIENT_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_UPDATE_AND_CREATE_ACL_CONFIG, "UPDATE_AND_CREATE_ACL_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_DELETE_ACL_CONFIG, "DELETE_ACL_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_BROKER_CLUSTER_ACL_INFO, "GET_BROKER_CLUSTER_ACL_INFO", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_UPDATE_GLOBAL_WHITE_ADDRS_CONFIG, "UPDATE_GLOBAL_WHITE_ADDRS_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_BROKER_CLUSTER_ACL_CONFIG, "GET_BROKER_CLUSTER_ACL_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_TIMER_CHECK_POINT, "GET_TIMER_CHECK_POINT", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_TIMER_METRICS, "GET_TIMER_METRICS", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_PUT_KV_CONFIG, "PUT_KV_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_KV_CONFIG, "GET_KV_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_DELETE_KV_CONFIG, "DELETE_KV_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_REGISTER_BROKER, "REGISTER_BROKER", 0, RMQ_BODY_BROKER_DATA },
    { RMQ_REQ_UNREGISTER_BROKER, "UNREGISTER_BROKER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_ROUTEINFO_BY_TOPIC, "GET_ROUTEINFO_BY_TOPIC", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_BROKER_CLUSTER_INFO, "GET_BROKER_CLUSTER_INFO", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, "UPDATE_AND_CREATE_SUBSCRIPTIONGROUP", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_ALL_SUBSCRIPTIONGROUP_CONFIG, "GET_ALL_SUBSCRIPTIONGROUP_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_TOPIC_STATS_INFO, "GET_TOPIC_STATS_INFO", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_CONSUMER_CONNECTION_LIST, "GET_CONSUMER_CONNECTION_LIST", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_PRODUCER_CONNECTION_LIST, "GET_PRODUCER_CONNECTION_LIST", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_WIPE_WRITE_PERM_OF_BROKER, "WIPE_WRITE_PERM_OF_BROKER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_ALL_TOPIC_LIST_FROM_NAMESERVER, "GET_ALL_TOPIC_LIST_FROM_NAMESERVER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_DELETE_SUBSCRIPTIONGROUP, "DELETE_SUBSCRIPTIONGROUP", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_CONSUME_STATS, "GET_CONSUME_STATS", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_SUSPEND_CONSUMER, "SUSPEND_CONSUMER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_RESUME_CONSUMER, "RESUME_CONSUMER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_RESET_CONSUMER_OFFSET_IN_CONSUMER, "RESET_CONSUMER_OFFSET_IN_CONSUMER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_RESET_CONSUMER_OFFSET_IN_BROKER, "RESET_CONSUMER_OFFSET_IN_BROKER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_ADJUST_CONSUMER_THREAD_POOL, "ADJUST_CONSUMER_THREAD_POOL", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_WHO_CONSUME_THE_MESSAGE, "WHO_CONSUME_THE_MESSAGE", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_DELETE_TOPIC_IN_BROKER, "DELETE_TOPIC_IN_BROKER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_DELETE_TOPIC_IN_NAMESRV, "DELETE_TOPIC_IN_NAMESRV", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_REGISTER_TOPIC_IN_NAMESRV, "REGISTER_TOPIC_IN_NAMESRV", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_DELETE_KV_CONFIG_BY_VALUE, "DELETE_KV_CONFIG_BY_VALUE", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_KVLIST_BY_NAMESPACE, "GET_KVLIST_BY_NAMESPACE", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_RESET_CONSUMER_CLIENT_OFFSET, "RESET_CONSUMER_CLIENT_OFFSET", RMQ_API_FROM_BROKER, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_CONSUMER_STATUS_FROM_CLIENT, "GET_CONSUMER_STATUS_FROM_CLIENT", RMQ_API_FROM_BROKER, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_INVOKE_BROKER_TO_RESET_OFFSET, "INVOKE_BROKER_TO_RESET_OFFSET", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_INVOKE_BROKER_TO_GET_CONSUMER_STATUS, "INVOKE_BROKER_TO_GET_CONSUMER_STATUS", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_TOPICS_BY_CLUSTER, "GET_TOPICS_BY_CLUSTER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST, "UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_QUERY_TOPIC_CONSUME_BY_WHO, "QUERY_TOPIC_CONSUME_BY_WHO", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_REGISTER_FILTER_SERVER, "REGISTER_FILTER_SERVER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_REGISTER_MESSAGE_FILTER_CLASS, "REGISTER_MESSAGE_FILTER_CLASS", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_QUERY_CONSUME_TIME_SPAN, "QUERY_CONSUME_TIME_SPAN", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_SYSTEM_TOPIC_LIST_FROM_NS, "GET_SYSTEM_TOPIC_LIST_FROM_NS", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_SYSTEM_TOPIC_LIST_FROM_BROKER, "GET_SYSTEM_TOPIC_LIST_FROM_BROKER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_CLEAN_EXPIRED_CONSUMEQUEUE, "CLEAN_EXPIRED_CONSUMEQUEUE", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_CONSUMER_RUNNING_INFO, "GET_CONSUMER_RUNNING_INFO", RMQ_API_FROM_BROKER, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_QUERY_CORRECTION_OFFSET, "QUERY_CORRECTION_OFFSET", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_CONSUME_MESSAGE_DIRECTLY, "CONSUME_MESSAGE_DIRECTLY", RMQ_API_FROM_BROKER, RMQ_BODY_RECORDS },
    { RMQ_REQ_SEND_MESSAGE_V2, "SEND_MESSAGE_V2", RMQ_API_SEND | RMQ_API_V2_HEADER, RMQ_BODY_MESSAGE },
    { RMQ_REQ_GET_UNIT_TOPIC_LIST, "GET_UNIT_TOPIC_LIST", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_HAS_UNIT_SUB_TOPIC_LIST, "GET_HAS_UNIT_SUB_TOPIC_LIST", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST, "GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_CLONE_GROUP_OFFSET, "CLONE_GROUP_OFFSET", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_VIEW_BROKER_STATS_DATA, "VIEW_BROKER_STATS_DATA", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_CLEAN_UNUSED_TOPIC, "CLEAN_UNUSED_TOPIC", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_BROKER_CONSUME_STATS, "GET_BROKER_CONSUME_STATS", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_UPDATE_NAMESRV_CONFIG, "UPDATE_NAMESRV_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_NAMESRV_CONFIG, "GET_NAMESRV_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_SEND_BATCH_MESSAGE, "SEND_BATCH_MESSAGE", RMQ_API_SEND | RMQ_API_V2_HEADER, RMQ_BODY_BATCH },
    { RMQ_REQ_QUERY_CONSUME_QUEUE, "QUERY_CONSUME_QUEUE", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_QUERY_DATA_VERSION, "QUERY_DATA_VERSION", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_RESUME_CHECK_HALF_MESSAGE, "RESUME_CHECK_HALF_MESSAGE", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_SEND_REPLY_MESSAGE, "SEND_REPLY_MESSAGE", RMQ_API_SEND, RMQ_BODY_MESSAGE },
    { RMQ_REQ_SEND_REPLY_MESSAGE_V2, "SEND_REPLY_MESSAGE_V2", RMQ_API_SEND | RMQ_API_V2_HEADER, RMQ_BODY_MESSAGE },
    { RMQ_REQ_PUSH_REPLY_MESSAGE_TO_CLIENT, "PUSH_REPLY_MESSAGE_TO_CLIENT", RMQ_API_FROM_BROKER, RMQ_BODY_MESSAGE },
    { RMQ_REQ_ADD_WRITE_PERM_OF_BROKER, "ADD_WRITE_PERM_OF_BROKER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_ALL_PRODUCER_INFO, "GET_ALL_PRODUCER_INFO", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_DELETE_EXPIRED_COMMITLOG, "DELETE_EXPIRED_COMMITLOG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_QUERY_TOPICS_BY_CONSUMER, "QUERY_TOPICS_BY_CONSUMER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_QUERY_SUBSCRIPTION_BY_CONSUMER, "QUERY_SUBSCRIPTION_BY_CONSUMER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_TOPIC_CONFIG, "GET_TOPIC_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_SUBSCRIPTIONGROUP_CONFIG, "GET_SUBSCRIPTIONGROUP_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_UPDATE_AND_GET_GROUP_FORBIDDEN, "UPDATE_AND_GET_GROUP_FORBIDDEN", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_CHECK_ROCKSDB_CQ_WRITE_PROGRESS, "CHECK_ROCKSDB_CQ_WRITE_PROGRESS", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_EXPORT_ROCKSDB_CONFIG_TO_JSON, "EXPORT_ROCKSDB_CONFIG_TO_JSON", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_LITE_PULL_MESSAGE, "LITE_PULL_MESSAGE", RMQ_API_PULL | RMQ_API_LONG_POLL | RMQ_API_RECORDS_ANSWER, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_RECALL_MESSAGE, "RECALL_MESSAGE", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_QUERY_ASSIGNMENT, "QUERY_ASSIGNMENT", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_SET_MESSAGE_REQUEST_MODE, "SET_MESSAGE_REQUEST_MODE", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_ALL_MESSAGE_REQUEST_MODE, "GET_ALL_MESSAGE_REQUEST_MODE", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_UPDATE_AND_CREATE_STATIC_TOPIC, "UPDATE_AND_CREATE_STATIC_TOPIC", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_BROKER_MEMBER_GROUP, "GET_BROKER_MEMBER_GROUP", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_ADD_BROKER, "ADD_BROKER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_REMOVE_BROKER, "REMOVE_BROKER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_BROKER_HEARTBEAT, "BROKER_HEARTBEAT", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_NOTIFY_MIN_BROKER_ID_CHANGE, "NOTIFY_MIN_BROKER_ID_CHANGE", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_EXCHANGE_BROKER_HA_INFO, "EXCHANGE_BROKER_HA_INFO", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_BROKER_HA_STATUS, "GET_BROKER_HA_STATUS", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_RESET_MASTER_FLUSH_OFFSET, "RESET_MASTER_FLUSH_OFFSET", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_CONTROLLER_ALTER_SYNC_STATE_SET, "CONTROLLER_ALTER_SYNC_STATE_SET", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_CONTROLLER_ELECT_MASTER, "CONTROLLER_ELECT_MASTER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_CONTROLLER_REGISTER_BROKER, "CONTROLLER_REGISTER_BROKER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_CONTROLLER_GET_REPLICA_INFO, "CONTROLLER_GET_REPLICA_INFO", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_CONTROLLER_GET_METADATA_INFO, "CONTROLLER_GET_METADATA_INFO", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_CONTROLLER_GET_SYNC_STATE_DATA, "CONTROLLER_GET_SYNC_STATE_DATA", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_BROKER_EPOCH_CACHE, "GET_BROKER_EPOCH_CACHE", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_NOTIFY_BROKER_ROLE_CHANGED, "NOTIFY_BROKER_ROLE_CHANGED", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_UPDATE_CONTROLLER_CONFIG, "UPDATE_CONTROLLER_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_CONTROLLER_CONFIG, "GET_CONTROLLER_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_CLEAN_BROKER_DATA, "CLEAN_BROKER_DATA", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_CONTROLLER_GET_NEXT_BROKER_ID, "CONTROLLER_GET_NEXT_BROKER_ID", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_CONTROLLER_APPLY_BROKER_ID, "CONTROLLER_APPLY_BROKER_ID", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_BROKER_CLOSE_CHANNEL_REQUEST, "BROKER_CLOSE_CHANNEL_REQUEST", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_CHECK_NOT_ACTIVE_BROKER_REQUEST, "CHECK_NOT_ACTIVE_BROKER_REQUEST", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_BROKER_LIVE_INFO_REQUEST, "GET_BROKER_LIVE_INFO_REQUEST", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_SYNC_STATE_DATA_REQUEST, "GET_SYNC_STATE_DATA_REQUEST", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_RAFT_BROKER_HEART_BEAT_EVENT_REQUEST, "RAFT_BROKER_HEART_BEAT_EVENT_REQUEST", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_UPDATE_COLD_DATA_FLOW_CTR_CONFIG, "UPDATE_COLD_DATA_FLOW_CTR_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_REMOVE_COLD_DATA_FLOW_CTR_CONFIG, "REMOVE_COLD_DATA_FLOW_CTR_CONFIG", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_COLD_DATA_FLOW_CTR_INFO, "GET_COLD_DATA_FLOW_CTR_INFO", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_SET_COMMITLOG_READ_MODE, "SET_COMMITLOG_READ_MODE", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_AUTH_CREATE_USER, "AUTH_CREATE_USER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_AUTH_UPDATE_USER, "AUTH_UPDATE_USER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_AUTH_DELETE_USER, "AUTH_DELETE_USER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_AUTH_GET_USER, "AUTH_GET_USER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_AUTH_LIST_USER, "AUTH_LIST_USER", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_AUTH_CREATE_ACL, "AUTH_CREATE_ACL", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_AUTH_UPDATE_ACL, "AUTH_UPDATE_ACL", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_AUTH_DELETE_ACL, "AUTH_DELETE_ACL", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_AUTH_GET_ACL, "AUTH_GET_ACL", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_AUTH_LIST_ACL, "AUTH_LIST_ACL", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_SWITCH_TIMER_ENGINE, "SWITCH_TIMER_ENGINE", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_DELETE_TOPIC_IN_BROKER_LIST, "DELETE_TOPIC_IN_BROKER_LIST", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_DELETE_SUBSCRIPTION_GROUP_LIST, "DELETE_SUBSCRIPTION_GROUP_LIST", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_POP_MESSAGE, "POP_MESSAGE", RMQ_API_LONG_POLL | RMQ_API_RECORDS_ANSWER, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_ACK_MESSAGE, "ACK_MESSAGE", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_PEEK_MESSAGE, "PEEK_MESSAGE", RMQ_API_RECORDS_ANSWER, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_CHANGE_MESSAGE_INVISIBLETIME, "CHANGE_MESSAGE_INVISIBLETIME", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_NOTIFICATION, "NOTIFICATION", RMQ_API_LONG_POLL, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_POLLING_INFO, "POLLING_INFO", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_POP_ROLLBACK, "POP_ROLLBACK", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_POP_LITE_MESSAGE, "POP_LITE_MESSAGE", RMQ_API_LONG_POLL | RMQ_API_RECORDS_ANSWER, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_LITE_SUBSCRIPTION_CTL, "LITE_SUBSCRIPTION_CTL", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_ACK_LITE_MESSAGE, "ACK_LITE_MESSAGE", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_NOTIFY_UNSUBSCRIBE_LITE, "NOTIFY_UNSUBSCRIBE_LITE", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_BROKER_LITE_INFO, "GET_BROKER_LITE_INFO", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_PARENT_TOPIC_INFO, "GET_PARENT_TOPIC_INFO", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_LITE_TOPIC_INFO, "GET_LITE_TOPIC_INFO", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_LITE_CLIENT_INFO, "GET_LITE_CLIENT_INFO", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_GET_LITE_GROUP_INFO, "GET_LITE_GROUP_INFO", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_TRIGGER_LITE_DISPATCH, "TRIGGER_LITE_DISPATCH", 0, RMQ_BODY_BY_CONTENT },
    { RMQ_REQ_BATCH_ACK_MESSAGE, "BATCH_ACK_MESSAGE", 0, RMQ_BODY_BY_CONTENT },
};

static value_string rocketmq_request_code_vals[array_length(rmq_apis) + 1];
static value_string_ext rocketmq_request_code_vals_ext = VALUE_STRING_EXT_INIT(rocketmq_request_code_vals);

#define RMQ_RSP_SUCCESS 0   /* ResponseCode.SUCCESS; every other code reports a problem */

static const value_string rocketmq_response_code_vals[] = {
    { 0, "SUCCESS" },
    { 1, "SYSTEM_ERROR" },
    { 2, "SYSTEM_BUSY" },
    { 3, "REQUEST_CODE_NOT_SUPPORTED" },
    { 4, "TRANSACTION_FAILED" },
    { 10, "FLUSH_DISK_TIMEOUT" },
    { 11, "SLAVE_NOT_AVAILABLE" },
    { 12, "FLUSH_SLAVE_TIMEOUT" },
    { 13, "MESSAGE_ILLEGAL" },
    { 14, "SERVICE_NOT_AVAILABLE" },
    { 15, "VERSION_NOT_SUPPORTED" },
    { 16, "NO_PERMISSION" },
    { 17, "TOPIC_NOT_EXIST" },
    { 18, "TOPIC_EXIST_ALREADY" },
    { 19, "PULL_NOT_FOUND" },
    { 20, "PULL_RETRY_IMMEDIATELY" },
    { 21, "PULL_OFFSET_MOVED" },
    { 22, "QUERY_NOT_FOUND" },
    { 23, "SUBSCRIPTION_PARSE_FAILED" },
    { 24, "SUBSCRIPTION_NOT_EXIST" },
    { 25, "SUBSCRIPTION_NOT_LATEST" },
    { 26, "SUBSCRIPTION_GROUP_NOT_EXIST" },
    { 27, "FILTER_DATA_NOT_EXIST" },
    { 28, "FILTER_DATA_NOT_LATEST" },
    { 29, "INVALID_PARAMETER" },
    { 200, "TRANSACTION_SHOULD_COMMIT" },
    { 201, "TRANSACTION_SHOULD_ROLLBACK" },
    { 202, "TRANSACTION_STATE_UNKNOW" },
    { 203, "TRANSACTION_STATE_GROUP_WRONG" },
    { 204, "NO_BUYER_ID" },
    { 205, "NOT_IN_CURRENT_UNIT" },
    { 206, "CONSUMER_NOT_ONLINE" },
    { 207, "CONSUME_MSG_TIMEOUT" },
    { 208, "NO_MESSAGE" },
    { 209, "POLLING_FULL" },
    { 210, "POLLING_TIMEOUT" },
    { 211, "BROKER_NOT_EXIST" },
    { 212, "BROKER_DISPATCH_NOT_COMPLETE" },
    { 213, "BROADCAST_CONSUMPTION" },
    { 215, "FLOW_CONTROL" },
    { 501, "NOT_LEADER_FOR_QUEUE" },
    { 604, "ILLEGAL_OPERATION" },
    { 1500, "GO_AWAY" },
    { 2000, "CONTROLLER_FENCED_MASTER_EPOCH" },
    { 2001, "CONTROLLER_FENCED_SYNC_STATE_SET_EPOCH" },
    { 2002, "CONTROLLER_INVALID_MASTER" },
    { 2003, "CONTROLLER_INVALID_REPLICAS" },
    { 2004, "CONTROLLER_MASTER_NOT_AVAILABLE" },
    { 2005, "CONTROLLER_INVALID_REQUEST" },
    { 2006, "CONTROLLER_BROKER_NOT_ALIVE" },
    { 2007, "CONTROLLER_NOT_LEADER" },
    { 2008, "CONTROLLER_BROKER_METADATA_NOT_EXIST" },
    { 2009, "CONTROLLER_INVALID_CLEAN_BROKER_METADATA" },
    { 2010, "CONTROLLER_BROKER_NEED_TO_BE_REGISTERED" },
    { 2011, "CONTROLLER_MASTER_STILL_EXIST" },
    { 2012, "CONTROLLER_ELECT_MASTER_FAILED" },
    { 2013, "CONTROLLER_ALTER_SYNC_STATE_SET_FAILED" },
    { 2014, "CONTROLLER_BROKER_ID_INVALID" },
    { 2015, "CONTROLLER_JRAFT_INTERNAL_ERROR" },
    { 2016, "CONTROLLER_BROKER_LIVE_INFO_NOT_EXISTS" },
    { 2017, "LMQ_QUOTA_EXCEEDED" },
    { 2018, "LITE_SUBSCRIPTION_QUOTA_EXCEEDED" },
    { 3001, "USER_NOT_EXIST" },
    { 3002, "POLICY_NOT_EXIST" },
    { 0, NULL }
};

static const value_string rocketmq_magic_vals[] = {
    { RMQ_MAGIC_V1, "MESSAGE_MAGIC_CODE (V1)" },
    { RMQ_MAGIC_V2, "MESSAGE_MAGIC_CODE_V2" },
    { RMQ_MAGIC_BLANK, "BLANK_MAGIC_CODE" },
    { 0, "client batch entry" },
    { 0, NULL }
};

static const value_string rocketmq_transaction_type_vals[] = {
    { 0, "NOT_TYPE" }, { 1, "PREPARED_TYPE" }, { 2, "COMMIT_TYPE" }, { 3, "ROLLBACK_TYPE" },
    { 0, NULL }
};

static const value_string rocketmq_compression_vals[] = {
    { 0, "ZLIB (legacy)" }, { 1, "LZ4" }, { 2, "ZSTD" }, { 3, "ZLIB" },
    { 0, NULL }
};

static const value_string rocketmq_crc_status_vals[] = {
    { 0, "Bad" }, { 1, "Good" },
    { 0, NULL }
};

/* SRT kind per request code: its index in rmq_apis (filled at registration). */
static value_string rocketmq_kind_vals[array_length(rmq_apis) + 1];

static int rmq_kind_of(gint32 code)
{
    gint idx;
    try_val_to_str_idx_ext((guint32)code, &rocketmq_request_code_vals_ext, &idx);
    return idx;
}

/* What is known about a request code, NULL for an unknown one. */
static const rmq_api_t *rmq_api(gint32 code)
{
    int idx = rmq_kind_of(code);
    return idx >= 0 ? &rmq_apis[idx] : NULL;
}

static gboolean rmq_api_has(gint32 code, guint flag)
{
    const rmq_api_t *api = rmq_api(code);
    return api && (api->flags & flag) != 0;
}

static rmq_body_t rmq_api_body(gint32 code)
{
    const rmq_api_t *api = rmq_api(code);
    return api ? api->body : RMQ_BODY_BY_CONTENT;
}

static const char *rmq_req_name(wmem_allocator_t *pool, gint32 code)
{
    const rmq_api_t *api = rmq_api(code);
    return api ? api->name : wmem_strdup_printf(pool, "code %d", code);
}

static const char *rmq_rsp_name(wmem_allocator_t *pool, gint32 code)
{
    const char *s = try_val_to_str((guint32)code, rocketmq_response_code_vals);
    return s ? s : wmem_strdup_printf(pool, "code %d", code);
}

/* MQVersion ordinal -> release name (MQVersion.Version of apache/rocketmq). */
static void rmq_version_name(char *buf, size_t size, guint32 v)
{
    static const char *const early[16] = {
        "V3_0_0_SNAPSHOT", "V3_0_0_ALPHA1", "V3_0_0_BETA1", "V3_0_0_BETA2", "V3_0_0_BETA3",
        "V3_0_0_BETA4", "V3_0_0_BETA5", "V3_0_0_BETA6_SNAPSHOT", "V3_0_0_BETA6",
        "V3_0_0_BETA7_SNAPSHOT", "V3_0_0_BETA7", "V3_0_0_BETA8_SNAPSHOT", "V3_0_0_BETA8",
        "V3_0_0_BETA9_SNAPSHOT", "V3_0_0_BETA9", "V3_0_0_FINAL"
    };
    if (v < 16) {
        snprintf(buf, size, "%s", early[v]);
        return;
    }
    if (v >= 612) {
        snprintf(buf, size, "HIGHER_VERSION");
        return;
    }
    gboolean snap = (v % 2) == 0;
    guint32 r = snap ? v + 1 : v;
    guint32 maj, min, pat;
    if (r <= 45) {
        maj = 3; min = 0; pat = (r - 15) / 2;
    } else if (r <= 85) {
        guint32 o = r - 47;
        maj = 3; min = 1 + o / 20; pat = (o % 20) / 2;
    } else if (r <= 211) {
        guint32 o = r - 87;
        maj = 3; min = 3 + o / 18; pat = 1 + (o % 18) / 2;
    } else {
        guint32 o = r - 213;
        maj = 4 + o / 200; min = (o % 200) / 20; pat = (o % 20) / 2;
    }
    snprintf(buf, size, "V%u_%u_%u%s", maj, min, pat, snap ? "_SNAPSHOT" : "");
}

static void rmq_fmt_version(gchar *buf, guint32 v)
{
    char name[40];
    rmq_version_name(name, sizeof(name), v);
    snprintf(buf, ITEM_LABEL_LENGTH, "%s (%u)", name, v);
}

/* ============================================================================================
 * Per-PDU state
 * ============================================================================================ */
typedef struct {
    const char *key;
    const char *value;
    int koff, klen, voff, vlen;
    int klen_off, vlen_off;      /* binary header: offsets of the length fields, else -1 */
} rmq_ext_t;

typedef struct {
    int      type;               /* serialize type */
    gboolean ok;                 /* the common fields were found */
    gint32   code;   int code_off, code_len;  gboolean has_code;
    guint32  flag;   int flag_off, flag_len;   gboolean has_flag;
    gint32   opaque; int opaque_off, opaque_len; gboolean has_opaque;
    guint32  version; int version_off, version_len; gboolean has_version;
    const char *language; int lang_off, lang_len; int lang_code;
    const char *remark; int remark_off, remark_len;
    int      remark_len_off;
    const char *ser_rpc; int ser_rpc_off, ser_rpc_len;
    int      ext_len_off; guint32 ext_len;
    int      ext_obj_off, ext_obj_len;
    rmq_ext_t *ext; guint n_ext; gboolean ext_truncated;
    const char *err; int err_off;
    gboolean cut;                /* the header is not all captured (snaplen): only what is complete */
} rmq_hdr_t;

/* What a request leaves for its response (file scope). */
typedef struct {
    gint32   code;
    const char *topic;
    const char *queue;
    guint32  suspend_ms;         /* long-polling hold time, 0 = none */
    gboolean topic_cut;          /* no topic: the snaplen cut the header before it */
} rmq_req_t;

typedef struct {
    packet_info *pinfo;
    rmq_hdr_t    h;
    gboolean     is_response;
    gboolean     oneway;
    rmq_req_t   *req;            /* request: own data; response: the matched request's */
    ts_trans_t  *trans;
    wmem_strbuf_t *info;
    guint32      n_msgs;         /* messages in the body (records, batch entries, 1 for a send) */
    guint32      pdu_bytes;
    const char  *topic;          /* of this PDU's ext, if any */
    const char  *queue;
} rmq_pdu_t;

static const char *rmq_ext_get(const rmq_hdr_t *h, const char *key)
{
    for (guint i = 0; i < h->n_ext; i++) {
        if (h->ext[i].key && strcmp(h->ext[i].key, key) == 0)
            return h->ext[i].value;
    }
    return NULL;
}

static gboolean rmq_parse_i64(const char *s, gint64 *v)
{
    if (!s || !*s)
        return FALSE;
    while (*s == ' ')
        s++;
    return ws_strtoi64(s, NULL, v);
}

static gboolean rmq_parse_i32(const char *s, gint32 *v)
{
    gint64 x;
    if (!rmq_parse_i64(s, &x) || x < G_MININT32 || x > G_MAXINT32)
        return FALSE;
    *v = (gint32)x;
    return TRUE;
}

/* A display copy limited to RMQ_LABEL_MAX characters. */
static const char *rmq_short(wmem_allocator_t *pool, const char *s)
{
    if (!s)
        return "";
    size_t l = strlen(s);
    if (l <= RMQ_LABEL_MAX)
        return format_text(pool, (const void *)s, l);
    return wmem_strdup_printf(pool, "%s…", format_text(pool, (const void *)s, RMQ_LABEL_MAX));
}

/* ============================================================================================
 * Header parsing (no tree): JSON and binary into rmq_hdr_t
 * ============================================================================================ */
static void rmq_ext_add(wmem_allocator_t *pool, rmq_hdr_t *h, guint *cap, const rmq_ext_t *e)
{
    if (h->n_ext >= RMQ_MAX_EXT) {
        h->ext_truncated = TRUE;
        return;
    }
    if (h->n_ext == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        h->ext = (rmq_ext_t *)wmem_realloc(pool, h->ext, *cap * sizeof(rmq_ext_t));
    }
    h->ext[h->n_ext++] = *e;
}

static void rmq_parse_json_header(tvbuff_t *tvb, int off, int len, wmem_allocator_t *pool, rmq_hdr_t *h)
{
    fastjson_parser_t p;
    guint cap = 0;
    const guint8 *buf = tvb_get_ptr(tvb, off, len);
    fastjson_node_t *root = fastjson_parse(&p, pool, buf, len, RMQ_JSON_MAX_DEPTH, RMQ_JSON_MAX_NODES);
    if (p.err && !h->cut) {
        h->err = p.err;
        h->err_off = off + p.err_pos;
    }
    if (!root || root->type != FASTJSON_OBJECT) {
        if (!h->err) {
            h->err = "header is not a JSON object";
            h->err_off = off;
        }
        return;
    }
    for (fastjson_node_t *m = root->first; m; m = m->next) {
        /* a cut header: a member counts when its value ended inside the captured bytes (extFields
         * cut short: its complete entries) */
        if (!m->key || (!m->complete && !(m->type == FASTJSON_OBJECT && h->cut)))
            continue;
        char *k = fastjson_text(pool, &p, m->key);
        int voff = off + m->start, vlen = m->end - m->start;
        if (strcmp(k, "code") == 0) {
            h->has_code = rmq_parse_i32(fastjson_text(pool, &p, m), &h->code);
            h->code_off = voff; h->code_len = vlen;
        } else if (strcmp(k, "flag") == 0) {
            gint32 f = 0;
            h->has_flag = rmq_parse_i32(fastjson_text(pool, &p, m), &f);
            h->flag = (guint32)f;
            h->flag_off = voff; h->flag_len = vlen;
        } else if (strcmp(k, "opaque") == 0) {
            h->has_opaque = rmq_parse_i32(fastjson_text(pool, &p, m), &h->opaque);
            h->opaque_off = voff; h->opaque_len = vlen;
        } else if (strcmp(k, "version") == 0) {
            gint32 v = 0;
            h->has_version = rmq_parse_i32(fastjson_text(pool, &p, m), &v) && v >= 0;
            h->version = (guint32)v;
            h->version_off = voff; h->version_len = vlen;
        } else if (strcmp(k, "language") == 0) {
            h->language = fastjson_text(pool, &p, m);
            h->lang_off = voff; h->lang_len = vlen;
        } else if (strcmp(k, "remark") == 0 && m->type != FASTJSON_NULL) {
            h->remark = fastjson_text(pool, &p, m);
            h->remark_off = voff; h->remark_len = vlen;
        } else if (strcmp(k, "serializeTypeCurrentRPC") == 0) {
            h->ser_rpc = fastjson_text(pool, &p, m);
            h->ser_rpc_off = voff; h->ser_rpc_len = vlen;
        } else if (strcmp(k, "extFields") == 0 && m->type == FASTJSON_OBJECT) {
            h->ext_obj_off = voff; h->ext_obj_len = vlen;
            for (fastjson_node_t *e = m->first; e; e = e->next) {
                rmq_ext_t x;
                if (!e->complete)
                    break;
                x.key = e->key ? fastjson_text(pool, &p, e->key) : "";
                x.value = e->type == FASTJSON_NULL ? "" : fastjson_text(pool, &p, e);
                x.koff = e->key ? off + e->key->start : off + e->start;
                x.klen = e->key ? e->key->end - e->key->start : 0;
                x.voff = off + e->start;
                x.vlen = e->end - e->start;
                x.klen_off = x.vlen_off = -1;
                rmq_ext_add(pool, h, &cap, &x);
            }
        }
    }
    h->ok = h->has_code;
    if (!h->has_code && !h->err && !h->cut) {
        h->err = "JSON header without \"code\"";
        h->err_off = off;
    }
}

static void rmq_parse_binary_header(tvbuff_t *tvb, int off, int len, wmem_allocator_t *pool, rmq_hdr_t *h)
{
    int end = off + len;
    guint cap = 0;
    if (len < 21) {
        h->err = "binary header shorter than 21 bytes";
        h->err_off = off;
        return;
    }
    h->code = (gint32)tvb_get_uint16(tvb, off, ENC_BIG_ENDIAN);
    h->has_code = TRUE;
    h->code_off = off; h->code_len = 2;
    h->lang_code = tvb_get_uint8(tvb, off + 2);
    h->language = val_to_str_const((guint32)h->lang_code, rocketmq_language_vals, "UNKNOWN");
    h->lang_off = off + 2; h->lang_len = 1;
    h->version = tvb_get_uint16(tvb, off + 3, ENC_BIG_ENDIAN);
    h->has_version = TRUE;
    h->version_off = off + 3; h->version_len = 2;
    h->opaque = tvb_get_int32(tvb, off + 5, ENC_BIG_ENDIAN);
    h->opaque_off = off + 5; h->opaque_len = 4; h->has_opaque = TRUE;
    h->flag = tvb_get_uint32(tvb, off + 9, ENC_BIG_ENDIAN);
    h->flag_off = off + 9; h->flag_len = 4; h->has_flag = TRUE;
    h->ok = TRUE;
    h->remark_len_off = off + 13;
    gint32 rl = tvb_get_int32(tvb, off + 13, ENC_BIG_ENDIAN);
    int pos = off + 17;
    if (rl < 0 || rl > end - pos) {
        h->err = "remark length exceeds the header";
        h->err_off = off + 13;
        return;
    }
    if (rl > 0) {
        h->remark = (const char *)tvb_get_string_enc(pool, tvb, pos, rl, ENC_UTF_8);
        h->remark_off = pos; h->remark_len = rl;
    }
    pos += rl;
    if (end - pos < 4) {
        h->err = "no room for the ext fields length";
        h->err_off = pos;
        return;
    }
    h->ext_len_off = pos;
    gint32 el = tvb_get_int32(tvb, pos, ENC_BIG_ENDIAN);
    pos += 4;
    if (el < 0 || el > end - pos) {
        h->err = "ext fields length exceeds the header";
        h->err_off = h->ext_len_off;
        return;
    }
    h->ext_len = (guint32)el;
    int ext_end = pos + el;
    while (pos < ext_end) {
        rmq_ext_t x;
        if (ext_end - pos < 2) {
            h->err = "truncated ext key length";
            h->err_off = pos;
            break;
        }
        x.klen_off = pos;
        gint16 kl = tvb_get_int16(tvb, pos, ENC_BIG_ENDIAN);
        pos += 2;
        if (kl < 0 || kl > ext_end - pos) {
            h->err = "ext key length exceeds the ext fields";
            h->err_off = x.klen_off;
            break;
        }
        x.koff = pos; x.klen = kl;
        x.key = (const char *)tvb_get_string_enc(pool, tvb, pos, kl, ENC_UTF_8);
        pos += kl;
        if (ext_end - pos < 4) {
            h->err = "truncated ext value length";
            h->err_off = pos;
            break;
        }
        x.vlen_off = pos;
        gint32 vl = tvb_get_int32(tvb, pos, ENC_BIG_ENDIAN);
        pos += 4;
        if (vl < 0 || vl > ext_end - pos) {
            h->err = "ext value length exceeds the ext fields";
            h->err_off = x.vlen_off;
            break;
        }
        x.voff = pos; x.vlen = vl;
        x.value = (const char *)tvb_get_string_enc(pool, tvb, pos, vl, ENC_UTF_8);
        pos += vl;
        rmq_ext_add(pool, h, &cap, &x);
    }
}

/* ============================================================================================
 * How much a tree wants
 * ============================================================================================ */
/* Wireshark's generic expert fields (_ws.expert...), looked up at hand-off. */
static int rmq_hf_ws_expert = -1, rmq_hf_ws_expert_msg = -1, rmq_hf_ws_expert_sev = -1, rmq_hf_ws_expert_grp = -1;
static int rmq_hf_ws_malformed = -1;   /* "_ws.malformed" also matches malformed-group experts */

/* Everything below a message (store records, batch entries, payloads, properties). */
static const int *const rmq_msg_hfs[] = {
    &hf_rocketmq_msg_total_size, &hf_rocketmq_msg_magic, &hf_rocketmq_msg_body_crc,
    &hf_rocketmq_msg_body_crc_status, &hf_rocketmq_msg_queue_id, &hf_rocketmq_msg_flag,
    &hf_rocketmq_msg_queue_offset, &hf_rocketmq_msg_physic_offset, &hf_rocketmq_msg_sys_flag,
    &hf_rocketmq_msg_sf_compressed, &hf_rocketmq_msg_sf_multi_tags, &hf_rocketmq_msg_sf_transaction,
    &hf_rocketmq_msg_sf_born_v6, &hf_rocketmq_msg_sf_store_v6, &hf_rocketmq_msg_sf_need_unwrap,
    &hf_rocketmq_msg_sf_inner_batch, &hf_rocketmq_msg_sf_compression, &hf_rocketmq_msg_born_timestamp,
    &hf_rocketmq_msg_born_host, &hf_rocketmq_msg_born_ip, &hf_rocketmq_msg_born_ipv6,
    &hf_rocketmq_msg_born_port, &hf_rocketmq_msg_store_timestamp, &hf_rocketmq_msg_store_host,
    &hf_rocketmq_msg_store_ip, &hf_rocketmq_msg_store_ipv6, &hf_rocketmq_msg_store_port,
    &hf_rocketmq_msg_reconsume_times, &hf_rocketmq_msg_prepared_offset, &hf_rocketmq_msg_body_length,
    &hf_rocketmq_msg_body, &hf_rocketmq_msg_body_text, &hf_rocketmq_msg_topic_length,
    &hf_rocketmq_msg_topic, &hf_rocketmq_msg_properties_length, &hf_rocketmq_msg_property_key,
    &hf_rocketmq_msg_property_value, &hf_rocketmq_msg_keys, &hf_rocketmq_msg_tags,
    &hf_rocketmq_msg_uniq_key, &hf_rocketmq_msg_retry_topic, &hf_rocketmq_msg_origin_msg_id,
    &hf_rocketmq_msg_traceparent, &hf_rocketmq_msg_index, &hf_rocketmq_msg_id,
    &hf_rocketmq_body_uncompressed_length,
    &ei_rocketmq_bad_record.hf, &ei_rocketmq_crc.hf, &ei_rocketmq_compressed.hf,
    &ei_rocketmq_inflate.hf, &ei_rocketmq_too_many.hf,
    &rmq_hf_ws_expert, &rmq_hf_ws_expert_msg, &rmq_hf_ws_expert_sev, &rmq_hf_ws_expert_grp,
    &rmq_hf_ws_malformed,
    NULL
};

/* Everything of a JSON body. */
static const int *const rmq_json_hfs[] = {
    &hf_rocketmq_topic, &hf_rocketmq_broker_name, &hf_rocketmq_broker_addr, &hf_rocketmq_cluster,
    &hf_rocketmq_client_id, &hf_rocketmq_group, &hf_rocketmq_json_member, &ei_rocketmq_json.hf,
    &rmq_hf_ws_expert, &rmq_hf_ws_expert_msg, &rmq_hf_ws_expert_sev, &rmq_hf_ws_expert_grp,
    &rmq_hf_ws_malformed,
    NULL
};

/* Does the tree want the items of a nested part? A visible tree (-V, -T fields/pdml/json, the
 * detail pane) does; an invisible one (-Y, custom columns, taps with filters) only when one of
 * the listed fields is referenced. Without a tree nothing is wanted. */
static gboolean rmq_wanted(proto_tree *tree, const int *const *hfs)
{
    static gboolean looked_up;
    if (!tree)
        return FALSE;
    if (!looked_up) {
        /* a filter or -e on the generic expert fields must see the experts of message records;
         * looked up at dissection time: 4.4+ registers them after the plugins' hand-offs */
        rmq_hf_ws_expert = proto_registrar_get_id_byname("_ws.expert");
        rmq_hf_ws_expert_msg = proto_registrar_get_id_byname("_ws.expert.message");
        rmq_hf_ws_expert_sev = proto_registrar_get_id_byname("_ws.expert.severity");
        rmq_hf_ws_expert_grp = proto_registrar_get_id_byname("_ws.expert.group");
        rmq_hf_ws_malformed = proto_registrar_get_id_byname("_ws.malformed");
        looked_up = TRUE;
    }
    if (PTREE_DATA(tree)->visible)
        return TRUE;
    for (; *hfs; hfs++) {
        if (**hfs > 0 && proto_field_is_referenced(tree, **hfs))
            return TRUE;
    }
    return FALSE;
}

/* ============================================================================================
 * Message properties (name \x01 value \x02 ...)
 * ============================================================================================ */
typedef struct {
    const char *keys;
    const char *tags;
    const char *uniq_key;
    const char *retry_topic;
} rmq_props_t;

/* Items cover [off, off+len) of tvb; when exact, each property covers its own bytes (the text is
 * the tvb's bytes), otherwise every item covers the whole span (text came from a JSON escape). */
static void rmq_add_properties(proto_tree *tree, tvbuff_t *tvb, int off, int len, const guint8 *text,
                               int tlen, gboolean exact, packet_info *pinfo, rmq_props_t *out)
{
    proto_item *ti;
    proto_tree *pt = proto_tree_add_subtree(tree, tvb, off, len, ett_rocketmq_props, &ti, "Properties");
    int i = 0, n = 0;
    while (i < tlen) {
        int s = i;
        while (i < tlen && text[i] != 0x02)
            i++;
        int e = i;          /* segment [s, e) */
        i++;                /* skip \x02 */
        if (e - s < 3)
            continue;
        int sep = -1;
        for (int j = s + 1; j < e - 1 + 1; j++) {
            if (text[j] == 0x01) {
                sep = j;
                break;
            }
        }
        if (sep <= s || sep >= e)
            continue;
        if (++n > RMQ_MAX_PROPS) {
            expert_add_info_format(pinfo, ti, &ei_rocketmq_too_many, "More than %d properties: the rest is not shown", RMQ_MAX_PROPS);
            break;
        }
        char *k = (char *)wmem_strndup(pinfo->pool, (const char *)text + s, (size_t)(sep - s));
        char *v = (char *)wmem_strndup(pinfo->pool, (const char *)text + sep + 1, (size_t)(e - sep - 1));
        int io = exact ? off + s : off, il = exact ? e - s : len;
        int ko = exact ? off + s : off, kl = exact ? sep - s : len;
        int vo = exact ? off + sep + 1 : off, vl = exact ? e - sep - 1 : len;
        proto_tree *et = proto_tree_add_subtree_format(pt, tvb, io, il, ett_rocketmq_prop, NULL, "%s=%s",
                                                       rmq_short(pinfo->pool, k), rmq_short(pinfo->pool, v));
        proto_tree_add_string(et, hf_rocketmq_msg_property_key, tvb, ko, kl, k);
        proto_tree_add_string(et, hf_rocketmq_msg_property_value, tvb, vo, vl, v);
        if (strcmp(k, "KEYS") == 0) {
            /* space-separated business keys: one item each, so == matches one key */
            gchar **parts = g_strsplit(v, " ", 64);
            for (int x = 0; parts[x]; x++) {
                if (*parts[x])
                    proto_tree_add_string(et, hf_rocketmq_msg_keys, tvb, vo, vl, parts[x]);
            }
            g_strfreev(parts);
            if (out)
                out->keys = v;
        } else if (strcmp(k, "TAGS") == 0) {
            proto_tree_add_string(et, hf_rocketmq_msg_tags, tvb, vo, vl, v);
            if (out)
                out->tags = v;
        } else if (strcmp(k, "UNIQ_KEY") == 0) {
            proto_tree_add_string(et, hf_rocketmq_msg_uniq_key, tvb, vo, vl, v);
            if (out)
                out->uniq_key = v;
        } else if (strcmp(k, "RETRY_TOPIC") == 0) {
            proto_tree_add_string(et, hf_rocketmq_msg_retry_topic, tvb, vo, vl, v);
            if (out)
                out->retry_topic = v;
        } else if (strcmp(k, "ORIGIN_MESSAGE_ID") == 0) {
            proto_tree_add_string(et, hf_rocketmq_msg_origin_msg_id, tvb, vo, vl, v);
        } else if (strcmp(k, "traceparent") == 0) {
            proto_tree_add_string(et, hf_rocketmq_msg_traceparent, tvb, vo, vl, v);
        }
    }
    proto_item_append_text(ti, ": %d (%d bytes)", n, tlen);
}

/* A properties string (name \x01 value \x02 ...) as display text "name=value, name=value": no
 * control characters in a label. */
static const char *rmq_props_label(wmem_allocator_t *pool, const char *v)
{
    wmem_strbuf_t *sb = wmem_strbuf_new(pool, "");
    gboolean sep = FALSE;
    for (const char *c = v; *c; c++) {
        if (*c == 0x01) {
            wmem_strbuf_append_c(sb, '=');
        } else if (*c == 0x02) {
            sep = TRUE;
        } else {
            if (sep && wmem_strbuf_get_len(sb) > 0)
                wmem_strbuf_append(sb, ", ");
            sep = FALSE;
            wmem_strbuf_append_c(sb, *c);
        }
    }
    return rmq_short(pool, wmem_strbuf_get_str(sb));
}

/* ============================================================================================
 * JSON rendering (bodies)
 * ============================================================================================ */
static int rj_hf_for_key(const char *key, const char *parent_key)
{
    if (parent_key && strcmp(parent_key, "brokerAddrs") == 0)
        return hf_rocketmq_broker_addr;
    if (!key)
        return -1;
    if (strcmp(key, "topic") == 0 || strcmp(key, "topicName") == 0)
        return hf_rocketmq_topic;
    if (strcmp(key, "brokerName") == 0)
        return hf_rocketmq_broker_name;
    if (strcmp(key, "brokerAddr") == 0)
        return hf_rocketmq_broker_addr;
    if (strcmp(key, "cluster") == 0 || strcmp(key, "clusterName") == 0)
        return hf_rocketmq_cluster;
    if (strcmp(key, "clientID") == 0 || strcmp(key, "clientId") == 0)
        return hf_rocketmq_client_id;
    if (strcmp(key, "groupName") == 0 || strcmp(key, "consumerGroup") == 0 ||
        strcmp(key, "producerGroup") == 0 || strcmp(key, "group") == 0)
        return hf_rocketmq_group;
    return -1;
}

typedef struct {
    packet_info *pinfo;
    tvbuff_t *tvb;
    int base;
    const fastjson_parser_t *p;
} rj_render_t;

/* Recursion is bounded by the parse depth (RMQ_JSON_MAX_DEPTH). */
static void rj_render(const rj_render_t *r, proto_tree *tree, const fastjson_node_t *n, const char *label,
                      const char *parent_key, const char *key, int depth)
{
    wmem_allocator_t *pool = r->pinfo->pool;
    int off = r->base + n->start, len = n->end - n->start;
    if (depth > RMQ_JSON_MAX_DEPTH + 1)
        return;
    if (n->type == FASTJSON_OBJECT || n->type == FASTJSON_ARRAY) {
        proto_item *ti;
        proto_tree *st = proto_tree_add_subtree_format(tree, r->tvb, off, len, ett_rocketmq_json, &ti,
            "%s%s%s (%u %s)", label ? label : "", label ? ": " : "",
            n->type == FASTJSON_OBJECT ? "{…}" : "[…]", n->n, n->type == FASTJSON_OBJECT ? "members" : "items");
        guint idx = 0;
        for (const fastjson_node_t *c = n->first; c; c = c->next, idx++) {
            if (n->type == FASTJSON_OBJECT && c->key) {
                const char *ck;
                if (c->key->type == FASTJSON_OBJECT || c->key->type == FASTJSON_ARRAY) {
                    /* fastjson writes Map<MessageQueue,…> keys as objects */
                    ck = rmq_short(pool, fastjson_text(pool, r->p, c->key));
                    rj_render(r, st, c, ck, key, ck, depth + 1);
                    rj_render(r, st, c->key, "(key)", key, NULL, depth + 1);
                } else {
                    ck = fastjson_text(pool, r->p, c->key);
                    rj_render(r, st, c, rmq_short(pool, ck), key, ck, depth + 1);
                }
            } else {
                char il[24];
                snprintf(il, sizeof(il), "[%u]", idx);
                rj_render(r, st, c, il, key, parent_key && key == NULL ? NULL : key, depth + 1);
            }
        }
        return;
    }
    const char *v = fastjson_text(pool, r->p, n);
    int hf = rj_hf_for_key(key, parent_key);
    if (hf < 0)
        hf = hf_rocketmq_json_member;
    proto_tree_add_string_format(tree, hf, r->tvb, off, len, v, "%s%s%s", label ? label : "",
                                 label ? ": " : "", rmq_short(pool, v));
}

static void rmq_json_body(tvbuff_t *tvb, int off, int len, packet_info *pinfo, proto_tree *tree)
{
    fastjson_parser_t p;
    if (!tree)
        return;   /* nothing of a JSON body feeds the Info column or the tap */
    proto_item *ti;
    proto_tree *jt = proto_tree_add_subtree_format(tree, tvb, off, len, ett_rocketmq_json, &ti, "JSON body (%d bytes)", len);
    const guint8 *buf = tvb_get_ptr(tvb, off, len);
    fastjson_node_t *root = fastjson_parse(&p, pinfo->pool, buf, len, RMQ_JSON_MAX_DEPTH, RMQ_JSON_MAX_NODES);
    if (root) {
        rj_render_t r = { pinfo, tvb, off, &p };
        rj_render(&r, jt, root, NULL, NULL, NULL, 0);
    }
    if (p.err)
        expert_add_info_format(pinfo, ti, &ei_rocketmq_json, "JSON body: %s at byte %d", p.err, p.err_pos);
    if (rmq_json_dissector && json_handle && len > 0 && json_validate(buf, (size_t)len))
        call_dissector(json_handle, tvb_new_subset_length(tvb, off, len), pinfo, tree);
}

/* ============================================================================================
 * Message payloads, store-format records, batch encodings
 * ============================================================================================ */
static gboolean rmq_is_text(tvbuff_t *tvb, int off, int len)
{
    if (len <= 0 || len > 4 * 1024 * 1024)
        return FALSE;
    const guint8 *b = tvb_get_ptr(tvb, off, len);
    if (!g_utf8_validate((const char *)b, len, NULL))
        return FALSE;
    for (int i = 0; i < len; i++) {
        if (b[i] < 0x20 && b[i] != '\n' && b[i] != '\r' && b[i] != '\t')
            return FALSE;
        if (b[i] == 0x7f)
            return FALSE;
    }
    return TRUE;
}

static gboolean rmq_looks_json(tvbuff_t *tvb, int off, int len)
{
    int i = 0;
    while (i < len && i < 16) {
        guint8 c = tvb_get_uint8(tvb, off + i);
        if (c == '{' || c == '[')
            return TRUE;
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
            return FALSE;
        i++;
    }
    return FALSE;
}

/* The application payload of one message (stored bytes at off/len of tvb). */
static void rmq_payload(tvbuff_t *tvb, int off, int len, packet_info *pinfo, proto_tree *tree, guint32 sysflag)
{
    proto_item *bi = proto_tree_add_item(tree, hf_rocketmq_msg_body, tvb, off, len, ENC_NA);
    tvbuff_t *ptvb = tvb;
    int poff = off, plen = len;
    if (len <= 0)
        return;
    if (sysflag & RMQ_SYSFLAG_COMPRESSED) {
        guint32 ctype = (sysflag >> 8) & 0x7;
        if (ctype == 0 || ctype == 3) {
            ts_inflate_status_t st = TS_INFLATE_CORRUPT;
            tvbuff_t *ut = rmq_inflate ? ts_inflate(tvb, pinfo, off, len, RMQ_INFLATE_MAX, &st) : NULL;
            if (ut) {
                add_new_data_source(pinfo, ut, "Inflated message body");
                ptvb = ut;
                poff = 0;
                plen = (int)tvb_reported_length(ut);
                proto_item *ui = proto_tree_add_uint(tree, hf_rocketmq_body_uncompressed_length, tvb, off, len, (guint32)plen);
                proto_item_set_generated(ui);
            } else if (rmq_inflate) {
                expert_add_info_format(pinfo, bi, &ei_rocketmq_inflate, "zlib body could not be inflated: %s", ts_inflate_status_str(st));
                return;
            } else {
                return;
            }
        } else {
            expert_add_info_format(pinfo, bi, &ei_rocketmq_compressed,
                                   "Body compressed with %s: shown compressed (no %s support in this build)",
                                   val_to_str_const(ctype, rocketmq_compression_vals, "an unknown algorithm"),
                                   val_to_str_const(ctype, rocketmq_compression_vals, "decompression"));
            return;
        }
    }
    if (rmq_is_text(ptvb, poff, plen)) {
        proto_tree_add_item(tree, hf_rocketmq_msg_body_text, ptvb, poff, plen, ENC_UTF_8);
        if (rmq_json_dissector && json_handle && rmq_looks_json(ptvb, poff, plen) &&
            json_validate(tvb_get_ptr(ptvb, poff, plen), (size_t)plen))
            call_dissector(json_handle, tvb_new_subset_length(ptvb, poff, plen), pinfo, tree);
    }
}

static void rmq_sysflag_items(proto_tree *tree, int hf, tvbuff_t *tvb, int off, int len, guint32 v)
{
    proto_item *fi = proto_tree_add_uint(tree, hf, tvb, off, len, v);
    proto_tree *ft = proto_item_add_subtree(fi, ett_rocketmq_msg_sys_flag);
    proto_tree_add_boolean(ft, hf_rocketmq_msg_sf_compressed, tvb, off, len, v);
    proto_tree_add_boolean(ft, hf_rocketmq_msg_sf_multi_tags, tvb, off, len, v);
    proto_tree_add_uint(ft, hf_rocketmq_msg_sf_transaction, tvb, off, len, v);
    proto_tree_add_boolean(ft, hf_rocketmq_msg_sf_born_v6, tvb, off, len, v);
    proto_tree_add_boolean(ft, hf_rocketmq_msg_sf_store_v6, tvb, off, len, v);
    proto_tree_add_boolean(ft, hf_rocketmq_msg_sf_need_unwrap, tvb, off, len, v);
    proto_tree_add_boolean(ft, hf_rocketmq_msg_sf_inner_batch, tvb, off, len, v);
    proto_tree_add_uint(ft, hf_rocketmq_msg_sf_compression, tvb, off, len, v);
}

static guint rmq_batch(tvbuff_t *tvb, int off, int len, packet_info *pinfo, proto_tree *tree, const char *what);

/* One host (IPv4/IPv6 + int32 port) of a store record; returns its "ip:port" text. */
static const char *rmq_host(proto_tree *tree, tvbuff_t *tvb, int off, gboolean v6, packet_info *pinfo,
                            int hf_str, int hf_ip, int hf_ip6, int hf_port)
{
    int alen = v6 ? 16 : 4;
    gint32 port = tvb_get_int32(tvb, off + alen, ENC_BIG_ENDIAN);
    const char *ip = v6 ? tvb_ip6_to_str(pinfo->pool, tvb, off) : tvb_ip_to_str(pinfo->pool, tvb, off);
    const char *s = v6 ? wmem_strdup_printf(pinfo->pool, "[%s]:%d", ip, port)
                       : wmem_strdup_printf(pinfo->pool, "%s:%d", ip, port);
    proto_item *hi = proto_tree_add_string(tree, hf_str, tvb, off, alen + 4, s);
    proto_tree *ht = proto_item_add_subtree(hi, ett_rocketmq_msg);
    proto_tree_add_item(ht, v6 ? hf_ip6 : hf_ip, tvb, off, alen, ENC_NA);
    proto_tree_add_item(ht, hf_port, tvb, off + alen, 4, ENC_BIG_ENDIAN);
    return s;
}

/* One store-format record at off (avail bytes left). Returns the bytes consumed (its totalSize),
 * or -1 when the record cannot be delimited (the loop stops). *is_msg: not a BLANK filler. */
static int rmq_store_record(tvbuff_t *tvb, int off, int avail, packet_info *pinfo, proto_tree *tree,
                            guint idx, gboolean *is_msg)
{
    proto_item *ri;
    proto_tree *rt;
    *is_msg = FALSE;
    if (avail < 8) {
        proto_tree_add_expert_format(tree, pinfo, &ei_rocketmq_bad_record, tvb, off, avail,
                                     "Truncated message record: %d bytes left", avail);
        return -1;
    }
    gint32 total = tvb_get_int32(tvb, off, ENC_BIG_ENDIAN);
    guint32 magic = tvb_get_uint32(tvb, off + 4, ENC_BIG_ENDIAN);
    if (total < 8 || total > avail) {
        rt = proto_tree_add_subtree_format(tree, tvb, off, avail, ett_rocketmq_msg, &ri, "Message %u", idx);
        proto_item *ti = proto_tree_add_item(rt, hf_rocketmq_msg_total_size, tvb, off, 4, ENC_BIG_ENDIAN);
        expert_add_info_format(pinfo, ti, &ei_rocketmq_bad_record,
                               "Record totalSize %d is invalid (%d bytes left in the body)", total, avail);
        return -1;
    }
    rt = proto_tree_add_subtree_format(tree, tvb, off, total, ett_rocketmq_msg, &ri, "Message %u", idx);
    proto_tree_add_uint(rt, hf_rocketmq_msg_index, tvb, off, 0, idx);
    proto_tree_add_item(rt, hf_rocketmq_msg_total_size, tvb, off, 4, ENC_BIG_ENDIAN);
    proto_item *mi = proto_tree_add_item(rt, hf_rocketmq_msg_magic, tvb, off + 4, 4, ENC_BIG_ENDIAN);
    if (magic == RMQ_MAGIC_BLANK) {
        proto_item_set_text(ri, "Blank filler (%d bytes)", total);
        return total;
    }
    if (magic != RMQ_MAGIC_V1 && magic != RMQ_MAGIC_V2) {
        expert_add_info_format(pinfo, mi, &ei_rocketmq_bad_record, "Unknown record magic 0x%08x", magic);
        return -1;
    }
    *is_msg = TRUE;
    int end = off + total;
    if (total < 40) {
        expert_add_info_format(pinfo, ri, &ei_rocketmq_bad_record, "Record of %d bytes is shorter than its fixed part", total);
        return total;
    }
    guint32 sysflag = tvb_get_uint32(tvb, off + 36, ENC_BIG_ENDIAN);
    gboolean born6 = (sysflag & RMQ_SYSFLAG_BORN_V6) != 0, store6 = (sysflag & RMQ_SYSFLAG_STORE_V6) != 0;
    int blen_a = born6 ? 16 : 4, slen_a = store6 ? 16 : 4;
    int fixed = 80 + blen_a + slen_a;
    if (total < fixed) {
        expert_add_info_format(pinfo, ri, &ei_rocketmq_bad_record,
                               "Record of %d bytes is shorter than its fixed part (%d bytes)", total, fixed);
        return total;
    }
    guint32 crc = tvb_get_uint32(tvb, off + 8, ENC_BIG_ENDIAN);
    proto_item *crci = proto_tree_add_item(rt, hf_rocketmq_msg_body_crc, tvb, off + 8, 4, ENC_BIG_ENDIAN);
    gint32 queue_id = tvb_get_int32(tvb, off + 12, ENC_BIG_ENDIAN);
    proto_tree_add_item(rt, hf_rocketmq_msg_queue_id, tvb, off + 12, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(rt, hf_rocketmq_msg_flag, tvb, off + 16, 4, ENC_BIG_ENDIAN);
    gint64 qoff = tvb_get_int64(tvb, off + 20, ENC_BIG_ENDIAN);
    proto_tree_add_item(rt, hf_rocketmq_msg_queue_offset, tvb, off + 20, 8, ENC_BIG_ENDIAN);
    proto_tree_add_item(rt, hf_rocketmq_msg_physic_offset, tvb, off + 28, 8, ENC_BIG_ENDIAN);
    rmq_sysflag_items(rt, hf_rocketmq_msg_sys_flag, tvb, off + 36, 4, sysflag);
    int p = off + 40;
    proto_tree_add_item(rt, hf_rocketmq_msg_born_timestamp, tvb, p, 8, ENC_TIME_MSECS | ENC_BIG_ENDIAN);
    p += 8;
    rmq_host(rt, tvb, p, born6, pinfo, hf_rocketmq_msg_born_host, hf_rocketmq_msg_born_ip,
             hf_rocketmq_msg_born_ipv6, hf_rocketmq_msg_born_port);
    p += blen_a + 4;
    proto_tree_add_item(rt, hf_rocketmq_msg_store_timestamp, tvb, p, 8, ENC_TIME_MSECS | ENC_BIG_ENDIAN);
    p += 8;
    int store_off = p;
    rmq_host(rt, tvb, p, store6, pinfo, hf_rocketmq_msg_store_host, hf_rocketmq_msg_store_ip,
             hf_rocketmq_msg_store_ipv6, hf_rocketmq_msg_store_port);
    p += slen_a + 4;
    proto_tree_add_item(rt, hf_rocketmq_msg_reconsume_times, tvb, p, 4, ENC_BIG_ENDIAN);
    p += 4;
    proto_tree_add_item(rt, hf_rocketmq_msg_prepared_offset, tvb, p, 8, ENC_BIG_ENDIAN);
    p += 8;

    /* offset msgId = store IP | store port (int32) | commit-log offset, upper-case hex */
    {
        wmem_strbuf_t *sb = wmem_strbuf_new(pinfo->pool, "");
        for (int i = 0; i < slen_a + 4; i++)
            wmem_strbuf_append_printf(sb, "%02X", tvb_get_uint8(tvb, store_off + i));
        for (int i = 0; i < 8; i++)
            wmem_strbuf_append_printf(sb, "%02X", tvb_get_uint8(tvb, off + 28 + i));
        proto_item *ii = proto_tree_add_string(rt, hf_rocketmq_msg_id, tvb, off + 28, 8, wmem_strbuf_get_str(sb));
        proto_item_set_generated(ii);
    }

    proto_item *bli = proto_tree_add_item(rt, hf_rocketmq_msg_body_length, tvb, p, 4, ENC_BIG_ENDIAN);
    gint32 blen = tvb_get_int32(tvb, p, ENC_BIG_ENDIAN);
    p += 4;
    if (blen < 0 || blen > end - p) {
        expert_add_info_format(pinfo, bli, &ei_rocketmq_bad_record,
                               "bodyLength %d exceeds the record (%d bytes left)", blen, end - p);
        return total;
    }
    guint32 calc = crc32_ccitt_tvb_offset(tvb, p, blen) & 0x7FFFFFFFu;
    proto_item *csi = proto_tree_add_uint(rt, hf_rocketmq_msg_body_crc_status, tvb, off + 8, 4, calc == crc);
    proto_item_set_generated(csi);
    if (calc != crc)
        expert_add_info_format(pinfo, crci, &ei_rocketmq_crc, "bodyCRC %u does not match the body (computed %u)", crc, calc);
    if ((sysflag & RMQ_SYSFLAG_INNER_BATCH) && blen > 0) {
        proto_tree_add_item(rt, hf_rocketmq_msg_body, tvb, p, blen, ENC_NA);
        rmq_batch(tvb, p, blen, pinfo, rt, "Inner message");
    } else {
        rmq_payload(tvb, p, blen, pinfo, rt, sysflag);
    }
    p += blen;

    gboolean v2 = magic == RMQ_MAGIC_V2;
    int tl_size = v2 ? 2 : 1;
    if (end - p < tl_size) {
        expert_add_info(pinfo, ri, &ei_rocketmq_bad_record);
        return total;
    }
    gint32 tlen = v2 ? tvb_get_int16(tvb, p, ENC_BIG_ENDIAN) : tvb_get_int8(tvb, p);
    proto_item *tli = proto_tree_add_int(rt, hf_rocketmq_msg_topic_length, tvb, p, tl_size, tlen);
    p += tl_size;
    if (tlen < 0 || tlen > end - p) {
        expert_add_info_format(pinfo, tli, &ei_rocketmq_bad_record, "topicLength %d exceeds the record (%d bytes left)", tlen, end - p);
        return total;
    }
    const char *topic = (const char *)tvb_get_string_enc(pinfo->pool, tvb, p, tlen, ENC_UTF_8);
    proto_tree_add_item(rt, hf_rocketmq_msg_topic, tvb, p, tlen, ENC_UTF_8);
    p += tlen;
    rmq_props_t props = { NULL, NULL, NULL, NULL };
    if (end - p < 2) {
        expert_add_info_format(pinfo, ri, &ei_rocketmq_bad_record, "No room for propertiesLength");
        return total;
    }
    gint16 plen = tvb_get_int16(tvb, p, ENC_BIG_ENDIAN);
    proto_item *pli = proto_tree_add_item(rt, hf_rocketmq_msg_properties_length, tvb, p, 2, ENC_BIG_ENDIAN);
    p += 2;
    if (plen < 0 || plen > end - p) {
        expert_add_info_format(pinfo, pli, &ei_rocketmq_bad_record, "propertiesLength %d exceeds the record (%d bytes left)", plen, end - p);
        return total;
    }
    if (plen > 0)
        rmq_add_properties(rt, tvb, p, plen, tvb_get_ptr(tvb, p, plen), plen, TRUE, pinfo, &props);
    p += plen;
    if (p != end)
        expert_add_info_format(pinfo, ri, &ei_rocketmq_bad_record, "totalSize %d, but the fields end after %d bytes", total, p - off);
    proto_item_append_text(ri, ": topic=%s queue=%d offset=%" PRId64, rmq_short(pinfo->pool, topic), queue_id, qoff);
    if (props.keys)
        proto_item_append_text(ri, " keys=%s", rmq_short(pinfo->pool, props.keys));
    if (props.tags)
        proto_item_append_text(ri, " tags=%s", rmq_short(pinfo->pool, props.tags));
    return total;
}

static guint rmq_records(tvbuff_t *tvb, int off, int len, packet_info *pinfo, proto_tree *tree)
{
    int pos = off, end = off + len;
    guint n = 0, idx = 0;
    while (pos < end) {
        gboolean is_msg;
        if (idx >= RMQ_MAX_RECORDS) {
            proto_tree_add_expert_format(tree, pinfo, &ei_rocketmq_too_many, tvb, pos, end - pos,
                                         "More than %d records: the rest is not decoded", RMQ_MAX_RECORDS);
            break;
        }
        int c = rmq_store_record(tvb, pos, end - pos, pinfo, tree, idx + 1, &is_msg);
        if (c <= 0)
            break;
        idx++;
        if (is_msg)
            n++;
        pos += c;
    }
    proto_item *ci = proto_tree_add_uint(tree, hf_rocketmq_msg_count, tvb, off, len, n);
    proto_item_set_generated(ci);
    return n;
}

/* What rmq_records / rmq_batch count, without decoding anything (no tree wants the messages):
 * the same walk over totalSize and magic, the same limits. */
static guint rmq_records_count(tvbuff_t *tvb, int off, int len, proto_tree *tree)
{
    int pos = off, end = off + len;
    guint n = 0, idx = 0;
    while (pos < end && idx < RMQ_MAX_RECORDS) {
        int avail = end - pos;
        if (avail < 8)
            break;
        gint32 total = tvb_get_int32(tvb, pos, ENC_BIG_ENDIAN);
        if (total < 8 || total > avail)
            break;
        guint32 magic = tvb_get_uint32(tvb, pos + 4, ENC_BIG_ENDIAN);
        if (magic == RMQ_MAGIC_V1 || magic == RMQ_MAGIC_V2)
            n++;
        else if (magic != RMQ_MAGIC_BLANK)
            break;
        idx++;
        pos += total;
    }
    if (tree) {
        proto_item *ci = proto_tree_add_uint(tree, hf_rocketmq_msg_count, tvb, off, len, n);
        proto_item_set_generated(ci);
    }
    return n;
}

static guint rmq_batch_count(tvbuff_t *tvb, int off, int len, proto_tree *tree)
{
    int pos = off, end = off + len;
    guint n = 0;
    while (pos < end && n < RMQ_MAX_RECORDS) {
        int avail = end - pos;
        if (avail < 22)
            break;
        gint32 total = tvb_get_int32(tvb, pos, ENC_BIG_ENDIAN);
        if (total < 22 || total > avail)
            break;
        n++;
        pos += total;
    }
    if (tree) {
        proto_item *ci = proto_tree_add_uint(tree, hf_rocketmq_msg_count, tvb, off, len, n);
        proto_item_set_generated(ci);
    }
    return n;
}

/* Batch encoding (SEND_BATCH_MESSAGE body, inner-batch record bodies). Returns the message count. */
static guint rmq_batch(tvbuff_t *tvb, int off, int len, packet_info *pinfo, proto_tree *tree, const char *what)
{
    int pos = off, end = off + len;
    guint n = 0;
    while (pos < end) {
        int avail = end - pos;
        proto_item *ri;
        if (n >= RMQ_MAX_RECORDS) {
            proto_tree_add_expert_format(tree, pinfo, &ei_rocketmq_too_many, tvb, pos, avail,
                                         "More than %d batch entries: the rest is not decoded", RMQ_MAX_RECORDS);
            break;
        }
        if (avail < 22) {
            proto_tree_add_expert_format(tree, pinfo, &ei_rocketmq_bad_record, tvb, pos, avail,
                                         "Truncated batch entry: %d bytes left", avail);
            break;
        }
        gint32 total = tvb_get_int32(tvb, pos, ENC_BIG_ENDIAN);
        if (total < 22 || total > avail) {
            proto_tree *rt = proto_tree_add_subtree_format(tree, tvb, pos, avail, ett_rocketmq_msg, &ri, "%s %u", what, n + 1);
            proto_item *ti = proto_tree_add_item(rt, hf_rocketmq_msg_total_size, tvb, pos, 4, ENC_BIG_ENDIAN);
            expert_add_info_format(pinfo, ti, &ei_rocketmq_bad_record,
                                   "Batch entry totalSize %d is invalid (%d bytes left)", total, avail);
            break;
        }
        n++;
        int rend = pos + total;
        proto_tree *rt = proto_tree_add_subtree_format(tree, tvb, pos, total, ett_rocketmq_msg, &ri, "%s %u", what, n);
        proto_tree_add_uint(rt, hf_rocketmq_msg_index, tvb, pos, 0, n);
        proto_tree_add_item(rt, hf_rocketmq_msg_total_size, tvb, pos, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(rt, hf_rocketmq_msg_magic, tvb, pos + 4, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(rt, hf_rocketmq_msg_body_crc, tvb, pos + 8, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(rt, hf_rocketmq_msg_flag, tvb, pos + 12, 4, ENC_BIG_ENDIAN);
        proto_item *bli = proto_tree_add_item(rt, hf_rocketmq_msg_body_length, tvb, pos + 16, 4, ENC_BIG_ENDIAN);
        gint32 blen = tvb_get_int32(tvb, pos + 16, ENC_BIG_ENDIAN);
        int p = pos + 20;
        if (blen < 0 || blen > rend - p - 2) {
            expert_add_info_format(pinfo, bli, &ei_rocketmq_bad_record, "bodyLength %d exceeds the entry (%d bytes left)", blen, rend - p);
            pos = rend;
            continue;
        }
        rmq_payload(tvb, p, blen, pinfo, rt, 0);
        p += blen;
        gint16 plen = tvb_get_int16(tvb, p, ENC_BIG_ENDIAN);
        proto_item *pli = proto_tree_add_item(rt, hf_rocketmq_msg_properties_length, tvb, p, 2, ENC_BIG_ENDIAN);
        p += 2;
        if (plen < 0 || plen > rend - p) {
            expert_add_info_format(pinfo, pli, &ei_rocketmq_bad_record, "propertiesLength %d exceeds the entry (%d bytes left)", plen, rend - p);
            pos = rend;
            continue;
        }
        rmq_props_t props = { NULL, NULL, NULL, NULL };
        if (plen > 0)
            rmq_add_properties(rt, tvb, p, plen, tvb_get_ptr(tvb, p, plen), plen, TRUE, pinfo, &props);
        p += plen;
        if (p != rend)
            expert_add_info_format(pinfo, ri, &ei_rocketmq_bad_record, "totalSize %d, but the fields end after %d bytes", total, p - pos);
        if (props.keys)
            proto_item_append_text(ri, ": keys=%s", rmq_short(pinfo->pool, props.keys));
        if (props.tags)
            proto_item_append_text(ri, "%s tags=%s", props.keys ? "" : ":", rmq_short(pinfo->pool, props.tags));
        pos = rend;
    }
    proto_item *ci = proto_tree_add_uint(tree, hf_rocketmq_msg_count, tvb, off, len, n);
    proto_item_set_generated(ci);
    return n;
}

/* ============================================================================================
 * Header items
 * ============================================================================================ */
typedef struct {
    const char *key;
    const char *long_name;
} rmq_v2_key_t;

static const rmq_v2_key_t rmq_v2_keys[] = {
    { "a", "producerGroup" }, { "b", "topic" }, { "c", "defaultTopic" },
    { "d", "defaultTopicQueueNums" }, { "e", "queueId" }, { "f", "sysFlag" },
    { "g", "bornTimestamp" }, { "h", "flag" }, { "i", "properties" }, { "j", "reconsumeTimes" },
    { "k", "unitMode" }, { "l", "maxReconsumeTimes" }, { "m", "batch" }, { "n", "brokerName" },
    { NULL, NULL }
};

static const char *rmq_v2_long(const char *k)
{
    for (const rmq_v2_key_t *v = rmq_v2_keys; v->key; v++) {
        if (strcmp(v->key, k) == 0)
            return v->long_name;
    }
    return NULL;
}

static gboolean rmq_add_int_value(proto_tree *t, int hf, tvbuff_t *tvb, const rmq_ext_t *x,
                                  packet_info *pinfo, gint64 *out)
{
    gint64 v;
    header_field_info *hfi = proto_registrar_get_nth(hf);
    if (!rmq_parse_i64(x->value, &v)) {
        proto_tree_add_expert_format(t, pinfo, &ei_rocketmq_bad_value, tvb, x->voff, x->vlen,
                                     "%s is not a number: \"%s\"", hfi->name, rmq_short(pinfo->pool, x->value));
        return FALSE;
    }
    if (out)
        *out = v;
    switch (hfi->type) {
    case FT_INT64:
        proto_tree_add_int64(t, hf, tvb, x->voff, x->vlen, v);
        break;
    case FT_UINT64:
        proto_tree_add_uint64(t, hf, tvb, x->voff, x->vlen, (guint64)v);
        break;
    case FT_INT32:
        proto_tree_add_int(t, hf, tvb, x->voff, x->vlen, (gint32)v);
        break;
    default:
        proto_tree_add_uint(t, hf, tvb, x->voff, x->vlen, (guint32)v);
        break;
    }
    return TRUE;
}

/* Well-known extFields keys (long names), dispatched through a table built at registration. */
typedef enum {
    RMQ_K_NONE = 0, RMQ_K_TOPIC, RMQ_K_QUEUE_ID, RMQ_K_QUEUE_OFFSET, RMQ_K_GROUP, RMQ_K_MSG_ID,
    RMQ_K_COMMIT_OFFSET, RMQ_K_NEXT_BEGIN_OFFSET, RMQ_K_MIN_OFFSET, RMQ_K_MAX_OFFSET, RMQ_K_OFFSET,
    RMQ_K_SYS_FLAG, RMQ_K_BORN_TIMESTAMP, RMQ_K_MAX_MSG_NUMS, RMQ_K_SUSPEND_TIMEOUT, RMQ_K_SUBSCRIPTION,
    RMQ_K_BROKER_NAME, RMQ_K_BROKER_ADDR, RMQ_K_CLUSTER, RMQ_K_CLIENT_ID, RMQ_K_TRANSACTION_ID, RMQ_K_KEY,
    RMQ_K_RECONSUME_TIMES, RMQ_K_DEFAULT_TOPIC, RMQ_K_ORIGIN_MSG_ID, RMQ_K_DELAY_LEVEL, RMQ_K_PROPERTIES
} rmq_key_id_t;

static const struct { const char *name; rmq_key_id_t id; } rmq_key_names[] = {
    { "topic", RMQ_K_TOPIC }, { "queueId", RMQ_K_QUEUE_ID }, { "queueOffset", RMQ_K_QUEUE_OFFSET },
    { "producerGroup", RMQ_K_GROUP }, { "consumerGroup", RMQ_K_GROUP }, { "group", RMQ_K_GROUP },
    { "msgId", RMQ_K_MSG_ID }, { "commitOffset", RMQ_K_COMMIT_OFFSET },
    { "nextBeginOffset", RMQ_K_NEXT_BEGIN_OFFSET }, { "minOffset", RMQ_K_MIN_OFFSET },
    { "maxOffset", RMQ_K_MAX_OFFSET }, { "offset", RMQ_K_OFFSET }, { "sysFlag", RMQ_K_SYS_FLAG },
    { "bornTimestamp", RMQ_K_BORN_TIMESTAMP }, { "maxMsgNums", RMQ_K_MAX_MSG_NUMS },
    { "suspendTimeoutMillis", RMQ_K_SUSPEND_TIMEOUT }, { "subscription", RMQ_K_SUBSCRIPTION },
    { "brokerName", RMQ_K_BROKER_NAME }, { "bname", RMQ_K_BROKER_NAME },
    { "brokerAddr", RMQ_K_BROKER_ADDR }, { "masterAddr", RMQ_K_BROKER_ADDR },
    { "clusterName", RMQ_K_CLUSTER }, { "clientID", RMQ_K_CLIENT_ID }, { "clientId", RMQ_K_CLIENT_ID },
    { "transactionId", RMQ_K_TRANSACTION_ID }, { "key", RMQ_K_KEY },
    { "reconsumeTimes", RMQ_K_RECONSUME_TIMES }, { "defaultTopic", RMQ_K_DEFAULT_TOPIC },
    { "originMsgId", RMQ_K_ORIGIN_MSG_ID }, { "delayLevel", RMQ_K_DELAY_LEVEL },
    { "properties", RMQ_K_PROPERTIES },
};

static wmem_map_t *rmq_key_table;   /* name -> rmq_key_id_t; built once in proto_register (epan scope) */

static void rmq_key_table_build(void)
{
    rmq_key_table = wmem_map_new(wmem_epan_scope(), g_str_hash, g_str_equal);
    for (size_t i = 0; i < G_N_ELEMENTS(rmq_key_names); i++)
        wmem_map_insert(rmq_key_table, rmq_key_names[i].name, GINT_TO_POINTER(rmq_key_names[i].id));
}

static rmq_key_id_t rmq_key_id(const char *k)
{
    if (!k || !*k || !rmq_key_table)
        return RMQ_K_NONE;
    return (rmq_key_id_t)GPOINTER_TO_INT(wmem_map_lookup(rmq_key_table, k));
}

/* A typed item for a well-known extFields key (long name). */
static void rmq_ext_typed(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo, rmq_pdu_t *pdu,
                          const rmq_ext_t *x, const char *k)
{
    gint64 v;
    gint32 code = pdu->is_response ? (pdu->req ? pdu->req->code : -1) : pdu->h.code;
    switch (rmq_key_id(k)) {
    case RMQ_K_NONE:
        break;
    case RMQ_K_TOPIC:
        proto_tree_add_string(t, hf_rocketmq_topic, tvb, x->voff, x->vlen, x->value);
        pdu->topic = x->value;
        break;
    case RMQ_K_QUEUE_ID:
        if (rmq_add_int_value(t, hf_rocketmq_queue_id, tvb, x, pinfo, NULL))
            pdu->queue = x->value;
        break;
    case RMQ_K_QUEUE_OFFSET:
        rmq_add_int_value(t, hf_rocketmq_queue_offset, tvb, x, pinfo, NULL);
        break;
    case RMQ_K_GROUP:
        proto_tree_add_string(t, hf_rocketmq_group, tvb, x->voff, x->vlen, x->value);
        break;
    case RMQ_K_MSG_ID:
        if (proto_field_is_referenced(t, hf_rocketmq_msg_id)) {
            gchar **ids = g_strsplit(x->value, ",", 1024);
            for (int i = 0; ids[i]; i++) {
                if (*ids[i])
                    proto_tree_add_string(t, hf_rocketmq_msg_id, tvb, x->voff, x->vlen, ids[i]);
            }
            g_strfreev(ids);
        }
        break;
    case RMQ_K_COMMIT_OFFSET:
        rmq_add_int_value(t, hf_rocketmq_commit_offset, tvb, x, pinfo, NULL);
        break;
    case RMQ_K_NEXT_BEGIN_OFFSET:
        rmq_add_int_value(t, hf_rocketmq_next_begin_offset, tvb, x, pinfo, NULL);
        break;
    case RMQ_K_MIN_OFFSET:
        rmq_add_int_value(t, hf_rocketmq_min_offset, tvb, x, pinfo, NULL);
        break;
    case RMQ_K_MAX_OFFSET:
        rmq_add_int_value(t, hf_rocketmq_max_offset, tvb, x, pinfo, NULL);
        break;
    case RMQ_K_OFFSET:
        rmq_add_int_value(t, hf_rocketmq_offset, tvb, x, pinfo, NULL);
        break;
    case RMQ_K_SYS_FLAG:
        if (!rmq_parse_i64(x->value, &v)) {
            rmq_add_int_value(t, hf_rocketmq_sys_flag, tvb, x, pinfo, NULL);
        } else if (rmq_api_has(code, RMQ_API_PULL)) {
            proto_item *fi = proto_tree_add_uint(t, hf_rocketmq_pull_sys_flag, tvb, x->voff, x->vlen, (guint32)v);
            proto_tree *ft = proto_item_add_subtree(fi, ett_rocketmq_sys_flag);
            proto_tree_add_boolean(ft, hf_rocketmq_pull_flag_commit, tvb, x->voff, x->vlen, (guint32)v);
            proto_tree_add_boolean(ft, hf_rocketmq_pull_flag_suspend, tvb, x->voff, x->vlen, (guint32)v);
            proto_tree_add_boolean(ft, hf_rocketmq_pull_flag_subscription, tvb, x->voff, x->vlen, (guint32)v);
            proto_tree_add_boolean(ft, hf_rocketmq_pull_flag_class_filter, tvb, x->voff, x->vlen, (guint32)v);
            proto_tree_add_boolean(ft, hf_rocketmq_pull_flag_lite, tvb, x->voff, x->vlen, (guint32)v);
        } else {
            rmq_sysflag_items(t, hf_rocketmq_sys_flag, tvb, x->voff, x->vlen, (guint32)v);
        }
        break;
    case RMQ_K_BORN_TIMESTAMP:
        if (rmq_parse_i64(x->value, &v)) {
            nstime_t ts = ts_nstime_from_epoch_ms(v);
            proto_tree_add_time(t, hf_rocketmq_born_timestamp, tvb, x->voff, x->vlen, &ts);
        }
        break;
    case RMQ_K_MAX_MSG_NUMS:
        rmq_add_int_value(t, hf_rocketmq_max_msg_nums, tvb, x, pinfo, NULL);
        break;
    case RMQ_K_SUSPEND_TIMEOUT:
        rmq_add_int_value(t, hf_rocketmq_suspend_timeout, tvb, x, pinfo, NULL);
        break;
    case RMQ_K_SUBSCRIPTION:
        proto_tree_add_string(t, hf_rocketmq_subscription, tvb, x->voff, x->vlen, x->value);
        break;
    case RMQ_K_BROKER_NAME:
        proto_tree_add_string(t, hf_rocketmq_broker_name, tvb, x->voff, x->vlen, x->value);
        break;
    case RMQ_K_BROKER_ADDR:
        proto_tree_add_string(t, hf_rocketmq_broker_addr, tvb, x->voff, x->vlen, x->value);
        break;
    case RMQ_K_CLUSTER:
        proto_tree_add_string(t, hf_rocketmq_cluster, tvb, x->voff, x->vlen, x->value);
        break;
    case RMQ_K_CLIENT_ID:
        proto_tree_add_string(t, hf_rocketmq_client_id, tvb, x->voff, x->vlen, x->value);
        break;
    case RMQ_K_TRANSACTION_ID:
        proto_tree_add_string(t, hf_rocketmq_transaction_id, tvb, x->voff, x->vlen, x->value);
        break;
    case RMQ_K_KEY:
        if (code == RMQ_REQ_QUERY_MESSAGE)
            proto_tree_add_string(t, hf_rocketmq_query_key, tvb, x->voff, x->vlen, x->value);
        break;
    case RMQ_K_RECONSUME_TIMES:
        rmq_add_int_value(t, hf_rocketmq_reconsume_times, tvb, x, pinfo, NULL);
        break;
    case RMQ_K_DEFAULT_TOPIC:
        proto_tree_add_string(t, hf_rocketmq_default_topic, tvb, x->voff, x->vlen, x->value);
        break;
    case RMQ_K_ORIGIN_MSG_ID:
        proto_tree_add_string(t, hf_rocketmq_origin_msg_id, tvb, x->voff, x->vlen, x->value);
        break;
    case RMQ_K_DELAY_LEVEL:
        rmq_add_int_value(t, hf_rocketmq_delay_level, tvb, x, pinfo, NULL);
        break;
    case RMQ_K_PROPERTIES:
        if (rmq_wanted(t, rmq_msg_hfs))
            rmq_add_properties(t, tvb, x->voff, x->vlen, (const guint8 *)x->value, (int)strlen(x->value),
                               pdu->h.type == 1, pinfo, NULL);
        break;
    }
}

/* Without a tree: only what the Info column, the tap and the experts need from the extFields
 * (this PDU's topic and queue id), nothing formatted. */
static void rmq_header_notree(tvbuff_t *tvb, packet_info *pinfo, rmq_pdu_t *pdu, int hl)
{
    rmq_hdr_t *h = &pdu->h;
    if (h->has_code && h->type == 1 && !pdu->is_response && h->code >= 3442 && h->code <= 3543)
        expert_add_info(pinfo, NULL, &ei_rocketmq_truncated_pop);
    gboolean v2 = !pdu->is_response && rmq_api_has(h->code, RMQ_API_V2_HEADER);
    for (guint i = 0; i < h->n_ext; i++) {
        const rmq_ext_t *x = &h->ext[i];
        const char *lname = v2 ? rmq_v2_long(x->key) : NULL;
        rmq_key_id_t id = rmq_key_id(lname ? lname : x->key);
        if (id == RMQ_K_TOPIC) {
            pdu->topic = x->value;
        } else if (id == RMQ_K_QUEUE_ID) {
            if (rmq_add_int_value(NULL, hf_rocketmq_queue_id, tvb, x, pinfo, NULL))
                pdu->queue = x->value;
        }
    }
    if (h->n_ext > 0 || h->ext_obj_len > 0) {
        if (h->ext_truncated)
            expert_add_info_format(pinfo, NULL, &ei_rocketmq_too_many, "More than %d extFields: the rest is not shown", RMQ_MAX_EXT);
    }
    if (h->err)
        proto_tree_add_expert_format(NULL, pinfo, &ei_rocketmq_bad_header, tvb, h->err_off, 0,
                                     "Header: %s (byte %d)", h->err, h->err_off);
    if (h->type == 1 && !h->err && !h->cut && (guint32)hl != 21u + (guint32)h->remark_len + h->ext_len)
        expert_add_info_format(pinfo, NULL, &ei_rocketmq_header_size,
                               "Header length %d != 21 + remark %d + ext %u", hl, h->remark_len, h->ext_len);
}

static void rmq_header_items(tvbuff_t *tvb, packet_info *pinfo, proto_tree *rt, rmq_pdu_t *pdu, int hl, int hl_vis)
{
    rmq_hdr_t *h = &pdu->h;
    proto_item *hi;
    if (!rt) {
        rmq_header_notree(tvb, pinfo, pdu, hl);
        (void)hl_vis;
        return;
    }
    gboolean visible = PTREE_DATA(rt)->visible;
    proto_tree *ht = proto_tree_add_subtree_format(rt, tvb, 8, hl_vis, ett_rocketmq_header, &hi, "Header (%s, %d bytes%s)",
                                                   h->type == 0 ? "JSON" : "ROCKETMQ binary", hl,
                                                   h->cut ? ", cut by the snaplen" : "");
    if (h->type == 0 && hl_vis > 0) {
        proto_item *ji = proto_tree_add_item(ht, hf_rocketmq_header, tvb, 8, hl_vis, ENC_UTF_8);
        proto_item_set_hidden(ji);
    }
    if (h->has_code) {
        proto_item *ci = proto_tree_add_int(ht, pdu->is_response ? hf_rocketmq_code_rsp : hf_rocketmq_code_req,
                                            tvb, h->code_off, h->code_len, h->code);
        if (h->type == 1 && !pdu->is_response && h->code >= 3442 && h->code <= 3543)
            expert_add_info(pinfo, ci, &ei_rocketmq_truncated_pop);
    }
    if (h->language) {
        proto_tree_add_string(ht, hf_rocketmq_language, tvb, h->lang_off, h->lang_len, h->language);
        if (h->type == 1)
            proto_tree_add_uint(ht, hf_rocketmq_language_code, tvb, h->lang_off, h->lang_len, (guint32)h->lang_code);
    }
    if (h->has_version)
        proto_tree_add_uint(ht, hf_rocketmq_version, tvb, h->version_off, h->version_len, h->version);
    if (h->opaque_len)
        proto_tree_add_int(ht, hf_rocketmq_opaque, tvb, h->opaque_off, h->opaque_len, h->opaque);
    if (h->flag_len) {
        proto_item *fi = proto_tree_add_uint(ht, hf_rocketmq_flag, tvb, h->flag_off, h->flag_len, h->flag);
        proto_tree *ft = proto_item_add_subtree(fi, ett_rocketmq_flag);
        proto_tree_add_boolean(ft, hf_rocketmq_flag_response, tvb, h->flag_off, h->flag_len, h->flag);
        proto_tree_add_boolean(ft, hf_rocketmq_flag_oneway, tvb, h->flag_off, h->flag_len, h->flag);
    }
    if (h->type == 1 && h->remark_len_off)
        proto_tree_add_item(ht, hf_rocketmq_remark_length, tvb, h->remark_len_off, 4, ENC_BIG_ENDIAN);
    if (h->remark)
        proto_tree_add_string(ht, hf_rocketmq_remark, tvb, h->remark_off, h->remark_len, h->remark);
    if (h->ser_rpc)
        proto_tree_add_string(ht, hf_rocketmq_ser_type_rpc, tvb, h->ser_rpc_off, h->ser_rpc_len, h->ser_rpc);
    if (h->type == 1 && h->ext_len_off)
        proto_tree_add_item(ht, hf_rocketmq_ext_length, tvb, h->ext_len_off, 4, ENC_BIG_ENDIAN);

    if (h->n_ext > 0 || h->ext_obj_len > 0) {
        int eo = h->type == 0 ? h->ext_obj_off : h->ext_len_off + 4;
        int el = h->type == 0 ? h->ext_obj_len : (int)h->ext_len;
        proto_item *ei;
        proto_tree *et = proto_tree_add_subtree_format(ht, tvb, eo, el, ett_rocketmq_ext, &ei,
                                                       "extFields (%u)", h->n_ext);
        gboolean v2 = !pdu->is_response && rmq_api_has(h->code, RMQ_API_V2_HEADER);
        for (guint i = 0; i < h->n_ext; i++) {
            const rmq_ext_t *x = &h->ext[i];
            const char *lname = v2 ? rmq_v2_long(x->key) : NULL;
            gboolean is_props = rmq_key_id(lname ? lname : x->key) == RMQ_K_PROPERTIES;
            const char *shown = is_props ? rmq_props_label(pinfo->pool, x->value) : rmq_short(pinfo->pool, x->value);
            int so = MIN(x->koff, x->voff), se = MAX(x->koff + x->klen, x->voff + x->vlen);
            if (x->klen_off >= 0)
                so = x->klen_off;
            /* the entry's label is display text only: not built for an invisible (filtering) tree */
            proto_tree *xt = !visible ? et : proto_tree_add_subtree_format(et, tvb, so, se - so, ett_rocketmq_ext_entry, NULL,
                "%s%s%s%s: %s", x->key, lname ? " (" : "", lname ? lname : "", lname ? ")" : "", shown);
            if (x->klen_off >= 0)
                proto_tree_add_item(xt, hf_rocketmq_ext_key_length, tvb, x->klen_off, 2, ENC_BIG_ENDIAN);
            proto_tree_add_string(xt, hf_rocketmq_ext_key, tvb, x->koff, x->klen, x->key);
            if (x->vlen_off >= 0)
                proto_tree_add_item(xt, hf_rocketmq_ext_value_length, tvb, x->vlen_off, 4, ENC_BIG_ENDIAN);
            if (is_props)   /* the value keeps its separators for filters; the label shows name=value */
                proto_tree_add_string_format_value(xt, hf_rocketmq_ext_value, tvb, x->voff, x->vlen, x->value, "%s", shown);
            else
                proto_tree_add_string(xt, hf_rocketmq_ext_value, tvb, x->voff, x->vlen, x->value);
            rmq_ext_typed(xt, tvb, pinfo, pdu, x, lname ? lname : x->key);
        }
        if (h->ext_truncated)
            expert_add_info_format(pinfo, ei, &ei_rocketmq_too_many, "More than %d extFields: the rest is not shown", RMQ_MAX_EXT);
    }
    if (h->err)
        proto_tree_add_expert_format(ht, pinfo, &ei_rocketmq_bad_header, tvb, h->err_off, 0,
                                     "Header: %s (byte %d)", h->err, h->err_off);
    if (h->type == 1 && !h->err && !h->cut && (guint32)hl != 21u + (guint32)h->remark_len + h->ext_len)
        expert_add_info_format(pinfo, hi, &ei_rocketmq_header_size,
                               "Header length %d != 21 + remark %d + ext %u", hl, h->remark_len, h->ext_len);
}

/* ============================================================================================
 * Bodies by (code, direction, response code)
 * ============================================================================================ */
static void rmq_body(tvbuff_t *tvb, int off, int len, packet_info *pinfo, proto_tree *rt, rmq_pdu_t *pdu)
{
    proto_item *bi = proto_tree_add_item(rt, hf_rocketmq_body, tvb, off, len, ENC_NA);
    proto_tree *bt = proto_item_add_subtree(bi, ett_rocketmq_body);
    const rmq_hdr_t *h = &pdu->h;
    /* Messages are decoded only for a tree that shows or filters on them; otherwise only counted
     * (the Info column and the tap need the count; topic and queue come from the headers). With
     * the JSON dissector preference on, payloads go to it whatever the tree (as they always did). */
    gboolean deep = rmq_json_dissector || rmq_wanted(bt, rmq_msg_hfs);
    if (!pdu->is_response) {
        gint32 code = h->code;
        rmq_body_t body_kind = rmq_api_body(code);
        if (!deep && body_kind == RMQ_BODY_MESSAGE) {
            pdu->n_msgs = 1;
            return;
        }
        if (!deep && body_kind == RMQ_BODY_BATCH) {
            pdu->n_msgs = rmq_batch_count(tvb, off, len, bt);
            return;
        }
        if (!deep && body_kind == RMQ_BODY_RECORDS) {
            pdu->n_msgs = rmq_records_count(tvb, off, len, bt);
            return;
        }
        if (body_kind == RMQ_BODY_MESSAGE) {
            gint64 sf = 0;
            const char *s = rmq_ext_get(h, rmq_api_has(code, RMQ_API_V2_HEADER) ? "f" : "sysFlag");
            if (s)
                rmq_parse_i64(s, &sf);
            rmq_payload(tvb, off, len, pinfo, bt, (guint32)sf);
            pdu->n_msgs = 1;
            return;
        }
        if (body_kind == RMQ_BODY_BATCH) {
            pdu->n_msgs = rmq_batch(tvb, off, len, pinfo, bt, "Batch message");
            return;
        }
        if (body_kind == RMQ_BODY_RECORDS) {
            pdu->n_msgs = rmq_records(tvb, off, len, pinfo, bt);
            return;
        }
        if (body_kind == RMQ_BODY_BROKER_DATA) {
            const char *c = rmq_ext_get(h, "compressed");
            if (c && g_ascii_strcasecmp(c, "true") == 0) {
                if (!deep)
                    return;
                ts_inflate_status_t st = TS_INFLATE_CORRUPT;
                tvbuff_t *ut = rmq_inflate ? ts_inflate(tvb, pinfo, off, len, RMQ_INFLATE_MAX, &st) : NULL;
                if (ut) {
                    add_new_data_source(pinfo, ut, "Inflated REGISTER_BROKER body");
                    proto_item *ui = proto_tree_add_uint(bt, hf_rocketmq_body_uncompressed_length, tvb, off, len,
                                                         tvb_reported_length(ut));
                    proto_item_set_generated(ui);
                } else if (rmq_inflate) {
                    expert_add_info_format(pinfo, bi, &ei_rocketmq_inflate, "zlib body could not be inflated: %s", ts_inflate_status_str(st));
                }
                return;
            }
        }
    } else {
        const rmq_req_t *rq = pdu->req;
        gboolean records = FALSE;
        if (h->code == RMQ_RSP_SUCCESS) {
            if (rq)
                records = rmq_api_has(rq->code, RMQ_API_RECORDS_ANSWER);
            else if (len >= 8) {
                /* request not in the capture: recognise records by their magic */
                guint32 m = tvb_get_uint32(tvb, off + 4, ENC_BIG_ENDIAN);
                records = (m == RMQ_MAGIC_V1 || m == RMQ_MAGIC_V2);
            }
        }
        if (records) {
            pdu->n_msgs = deep ? rmq_records(tvb, off, len, pinfo, bt) : rmq_records_count(tvb, off, len, bt);
            return;
        }
    }
    if (!bt)
        return;   /* nothing of a JSON or text body feeds the Info column or the tap */
    if (rmq_looks_json(tvb, off, len)) {
        if (rmq_json_dissector || rmq_wanted(bt, rmq_json_hfs))
            rmq_json_body(tvb, off, len, pinfo, bt);
        return;
    }
    if (proto_field_is_referenced(bt, hf_rocketmq_body_text) && rmq_is_text(tvb, off, len))
        proto_tree_add_item(bt, hf_rocketmq_body_text, tvb, off, len, ENC_UTF_8);
}

/* ============================================================================================
 * PDU
 * ============================================================================================ */
static nstime_t rmq_last_ts;   /* latest RocketMQ PDU time seen on the first pass */

static void rmq_init(void)
{
    nstime_set_zero(&rmq_last_ts);
}

/* The id space of a transaction: which side of the connection sent the request. */
static guint32 rmq_space(packet_info *pinfo, gboolean is_request)
{
    int c = cmp_address(&pinfo->src, &pinfo->dst);
    if (c == 0)
        c = pinfo->srcport < pinfo->destport ? -1 : (pinfo->srcport > pinfo->destport ? 1 : 0);
    gboolean src_low = c < 0;
    gboolean requester_low = is_request ? src_low : !src_low;
    return requester_low ? 0 : 1;
}

static void rmq_response_expert(packet_info *pinfo, proto_item *item, gint32 code, const char *name, const char *remark)
{
    expert_field *ei;
    switch (code) {
    case RMQ_RSP_SUCCESS:
        return;
    case 19: case 20: case 22: case 208: case 210:
        ei = &ei_rocketmq_rsp_note;
        break;
    case 2: case 10: case 11: case 12: case 21: case 25: case 28: case 209: case 215: case 1500:
        ei = &ei_rocketmq_rsp_warn;
        break;
    default:
        ei = &ei_rocketmq_rsp_error;
        break;
    }
    expert_add_info_format(pinfo, item, ei, "Response %s (%d)%s%s", name, code, remark ? ": " : "",
                           remark ? rmq_short(pinfo->pool, remark) : "");
}

/* Queue column of topic-level requests (route lookups...): a row of its own, so they are not
 * folded into some queue's row. */
#define RMQ_NO_QUEUE "*"
#define RMQ_CUT_TOPIC "(unknown)"   /* the snaplen cut the header before the topic */

/* Hot Topics latency class of a request code: 0 = send, 1 = pull (records answer), -1 = other. */
static int rmq_lat_class(gint32 code)
{
    if (rmq_api_has(code, RMQ_API_SEND))
        return 0;
    if (rmq_api_has(code, RMQ_API_RECORDS_ANSWER))
        return 1;
    return -1;
}

static void rmq_tap(rmq_pdu_t *pdu)
{
    packet_info *pinfo = pdu->pinfo;
    const rmq_req_t *rq = pdu->req;
    ts_tap_rec_t *r = wmem_new(pinfo->pool, ts_tap_rec_t);
    ts_tap_rec_init(r, "rocketmq");
    r->bytes = pdu->pdu_bytes;
    r->status = (guint32)pdu->h.code;
    if (!pdu->is_response) {
        r->is_request = TRUE;
        r->key = pdu->topic ? pdu->topic : (pdu->h.cut ? RMQ_CUT_TOPIC : NULL);
        r->cols[0] = pdu->queue ? pdu->queue : RMQ_NO_QUEUE;
        r->kind = rmq_kind_of(pdu->h.code);
        r->kind_name = rmq_req_name(pinfo->pool, pdu->h.code);
        r->trans = pdu->trans;      /* outcome of the request, even when a filter drops its answer */
        r->lat_class = rmq_lat_class(pdu->h.code);
        if (rmq_api_has(pdu->h.code, RMQ_API_SEND))
            r->counter[0] = pdu->n_msgs;
        tap_queue_packet(rocketmq_tap, pinfo, r);
        return;
    }
    gboolean answered = pdu->trans && pdu->trans->req_frame != 0;
    double ms = 0.0;
    if (answered) {
        nstime_t d, req = ts_trans_req_time(pdu->trans);
        nstime_delta(&d, &pinfo->abs_ts, &req);
        ms = nstime_to_msec(&d);
    }
    r->answered = answered;
    r->first_response = answered;
    if (rq) {
        r->key = rq->topic ? rq->topic : (rq->topic_cut ? RMQ_CUT_TOPIC : NULL);
        r->cols[0] = rq->queue ? rq->queue : RMQ_NO_QUEUE;
        r->kind = rmq_kind_of(rq->code);
        r->kind_name = rmq_req_name(pinfo->pool, rq->code);
        r->trans = answered ? pdu->trans : NULL;
        r->lat_class = rmq_lat_class(rq->code);
        if (r->lat_class >= 0) {
            r->has_latency = answered;
            r->latency_ms = ms;
        }
        if (rmq_api_has(rq->code, RMQ_API_SEND))
            r->is_error = pdu->h.code != RMQ_RSP_SUCCESS;
        if (rmq_api_has(rq->code, RMQ_API_RECORDS_ANSWER))
            r->counter[1] = pdu->n_msgs;
    }
    tap_queue_packet(rocketmq_tap, pinfo, r);
    if (answered && rq && !r->has_latency && r->kind >= 0) {
        /* response time of a non-send request: for the SRT table only (hot tables with no
         * only_table ignore records that name a table) */
        ts_tap_rec_t *s = wmem_new(pinfo->pool, ts_tap_rec_t);
        *s = *r;
        s->table = "rocketmq-srt";
        s->has_latency = TRUE;
        s->latency_ms = ms;
        s->counter[0] = s->counter[1] = 0;
        s->bytes = 0;
        tap_queue_packet(rocketmq_tap, pinfo, s);
    }
}

/* Conversation state: the transactions, which sides are in step with the frame boundaries, and
 * the requests still open (for marking them when a gap or a cut hides their answers). */
typedef struct {
    ts_trans_table_t *tbl;
    gboolean          synced[2];   /* per direction (rmq_dir): the last frame start was checked */
    ts_seq_pos_t      pos[2];      /* per direction: the TCP sequence number after the last segment */
    wmem_list_t      *open[TS_TRANS_SPACES];
    guint             open_limit[TS_TRANS_SPACES];   /* ts_trans_open_add() state */
} rmq_conv_t;

static rmq_conv_t *rmq_conv(packet_info *pinfo)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    rmq_conv_t *cv = (rmq_conv_t *)conversation_get_proto_data(conv, proto_rocketmq);
    if (!cv) {
        cv = wmem_new0(wmem_file_scope(), rmq_conv_t);
        cv->tbl = ts_trans_table_new(proto_rocketmq, TS_TRANS_BY_ID);
        for (int i = 0; i < TS_TRANS_SPACES; i++)
            cv->open[i] = wmem_list_new(wmem_file_scope());
        conversation_add_proto_data(conv, proto_rocketmq, cv);
    }
    return cv;
}

/* Direction of the current frame: 0 from the lower address/port side. */
static guint rmq_dir(packet_info *pinfo)
{
    return rmq_space(pinfo, TRUE);
}

/* This pass over the frame: the sync state of its direction (taken from the conversation when the
 * frame is first seen, replayed from the frame's record on later passes) and whether the frame
 * already has its snaplen note. */
typedef struct {
    gboolean synced;
    gboolean cut_noted;
} rmq_pass_t;

static rmq_pass_t *rmq_pass(packet_info *pinfo)
{
    rmq_pass_t *ps = (rmq_pass_t *)ts_packet_data_get(pinfo, proto_rocketmq);
    if (ps)
        return ps;
    ps = wmem_new0(pinfo->pool, rmq_pass_t);
    /* the frame's record exists only when it was first seen out of sync (rare): the usual frame
     * costs no file-scope memory, and on later passes no record means "synced" */
    if (ts_frame_data_get(pinfo, proto_rocketmq)) {
        ps->synced = FALSE;
    } else if (PINFO_FD_VISITED(pinfo)) {
        ps->synced = TRUE;
    } else {
        ps->synced = rmq_conv(pinfo)->synced[rmq_dir(pinfo)];
        if (!ps->synced)
            ts_frame_data_set(pinfo, proto_rocketmq, GUINT_TO_POINTER(1));
    }
    ts_packet_data_set(pinfo, proto_rocketmq, ps);
    return ps;
}

static void rmq_set_synced(packet_info *pinfo, gboolean synced)
{
    rmq_pass(pinfo)->synced = synced;
    if (!PINFO_FD_VISITED(pinfo))
        rmq_conv(pinfo)->synced[rmq_dir(pinfo)] = synced;
}

/* First pass: answers travelling in this frame's direction may be hidden (bytes skipped, a cut
 * header without its opaque): the requests still open on the other side are marked "response not
 * in the capture" (a later answer still links them normally). */
static void rmq_answers_hidden(packet_info *pinfo)
{
    if (PINFO_FD_VISITED(pinfo))
        return;
    rmq_conv_t *cv = rmq_conv(pinfo);
    wmem_list_t *l = cv->open[rmq_space(pinfo, FALSE)];
    wmem_list_frame_t *f;
    while ((f = wmem_list_head(l)) != NULL) {
        ts_trans_t *t = (ts_trans_t *)wmem_list_frame_data(f);
        if (!t->rsp_frame)
            t->rsp_lost = TRUE;
        wmem_list_remove_frame(l, f);
    }
}

/* What get_rocketmq_pdu_len tells dissect_rocketmq_pdu about the bytes it hands over. */
typedef struct {
    gboolean skip;        /* not a frame: bytes up to the next frame boundary (or the segment end) */
    gboolean bad_length;  /* ... because the length word was out of range */
    guint32  length;      /* that length word */
    gboolean rest;        /* no boundary found: the rest of the segment */
} rmq_framing_t;

#define RMQ_RESYNC_MAX (1024u * 1024u)   /* bytes searched for the next frame boundary */

static const ts_trans_hf_t rmq_trans_hf = {
    &hf_rocketmq_response_in, &hf_rocketmq_response_to, &hf_rocketmq_time, &hf_rocketmq_no_response,
    &ei_rocketmq_no_response, &ei_rocketmq_no_request
};
/* a long-polling request still inside its suspend timeout at the end of the capture, or a
 * request whose answer a gap or a cut hides: not "no response" */
static const ts_trans_hf_t rmq_trans_hf_pending = {
    &hf_rocketmq_response_in, &hf_rocketmq_response_to, &hf_rocketmq_time, NULL, NULL, &ei_rocketmq_no_request
};

/* Bytes that are not a frame: the capture started inside a frame, bytes are missing before them,
 * or the length word is garbage. */
static int rmq_skipped(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const rmq_framing_t *fr)
{
    int total = (int)tvb_reported_length(tvb);
    proto_item *ti = proto_tree_add_item(tree, proto_rocketmq, tvb, 0, -1, ENC_NA);
    proto_tree *rt = proto_item_add_subtree(ti, ett_rocketmq);
    ts_pdu_index(pinfo, proto_rocketmq);
    if (fr->bad_length) {
        proto_item *li = proto_tree_add_item(rt, hf_rocketmq_length, tvb, 0, 4, ENC_BIG_ENDIAN);
        expert_add_info_format(pinfo, li, &ei_rocketmq_bad_length,
                               "Frame length %u is outside 4..%u: not a RocketMQ frame (%s)", fr->length,
                               RMQ_MAX_FRAME, fr->rest ? "rest of segment skipped" : "skipped to the next frame");
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "Bad frame length");
    } else {
        proto_tree_add_expert_format(rt, pinfo, &ei_rocketmq_resync, tvb, 0, -1,
                                     "Not at a RocketMQ frame boundary (capture started inside a frame, or bytes "
                                     "before are missing): %d bytes skipped%s", total,
                                     fr->rest ? "" : " to the next frame");
        col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "[%d bytes of a frame not in the capture]", total);
    }
    proto_item_append_text(ti, ", %d bytes skipped", total);
    col_set_fence(pinfo->cinfo, COL_INFO);
    rmq_answers_hidden(pinfo);
    ts_service_pdu(pinfo, proto_rocketmq, FALSE, (guint32)total);
    return (int)tvb_captured_length(tvb);
}

/* One expert note per frame for the frame the snaplen (or a segment end without reassembly) cut. */
static void rmq_cut_note(tvbuff_t *tvb, packet_info *pinfo, proto_item *ti)
{
    rmq_pass_t *ps = rmq_pass(pinfo);
    guint cap = tvb_captured_length(tvb), rep = tvb_reported_length(tvb);
    if (ps->cut_noted)
        return;
    ps->cut_noted = TRUE;
    if (pinfo->fd->cap_len < pinfo->fd->pkt_len)
        expert_add_info_format(pinfo, ti, &ei_rocketmq_snaplen,
                               "Frame cut by the snaplen: %u of its %u bytes captured; the rest is not decoded", cap, rep);
    else
        expert_add_info_format(pinfo, ti, &ei_rocketmq_snaplen,
                               "Frame continues beyond this segment (not reassembled): %u of its %u bytes decoded", cap, rep);
}

static int dissect_rocketmq_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    const rmq_framing_t *fr = (const rmq_framing_t *)data;
    rmq_pdu_t pdu;
    if (fr && fr->skip)
        return rmq_skipped(tvb, pinfo, tree, fr);
    memset(&pdu, 0, sizeof(pdu));
    pdu.pinfo = pinfo;
    pdu.info = wmem_strbuf_new(pinfo->pool, "");
    guint idx = ts_pdu_index(pinfo, proto_rocketmq);
    int total = (int)tvb_reported_length(tvb);
    int cap = (int)tvb_captured_length(tvb);
    gboolean cut = cap < total;

    if (!PINFO_FD_VISITED(pinfo) && nstime_cmp(&pinfo->abs_ts, &rmq_last_ts) > 0)
        rmq_last_ts = pinfo->abs_ts;

    proto_item *ti = proto_tree_add_item(tree, proto_rocketmq, tvb, 0, -1, ENC_NA);
    proto_tree *rt = proto_item_add_subtree(ti, ett_rocketmq);
    if (cut) {
        /* the next segment does not start at a frame boundary we know of */
        rmq_set_synced(pinfo, FALSE);
        rmq_cut_note(tvb, pinfo, ti);
    }
    if (cap < 8) {
        if (cap >= 4)
            proto_tree_add_item(rt, hf_rocketmq_length, tvb, 0, 4, ENC_BIG_ENDIAN);
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "[frame header cut]");
        col_set_fence(pinfo->cinfo, COL_INFO);
        ts_service_pdu(pinfo, proto_rocketmq, FALSE, (guint32)total);
        return cap;
    }
    guint32 length = tvb_get_uint32(tvb, 0, ENC_BIG_ENDIAN);
    pdu.pdu_bytes = (guint32)total;
    guint8 stype = tvb_get_uint8(tvb, 4);
    guint32 hl = tvb_get_uint24(tvb, 5, ENC_BIG_ENDIAN);
    gboolean bad_frame = stype > 1 || hl > length - 4;
    int hl_vis = (int)MIN(hl, (guint32)(cap - 8));

    /* the header first: the links go to the top of the tree */
    pdu.h.type = stype;
    pdu.h.cut = hl_vis < (int)hl;
    rmq_hdr_t *h = &pdu.h;
    if (!bad_frame) {
        if (stype == 0)
            rmq_parse_json_header(tvb, 8, hl_vis, pinfo->pool, h);
        else
            rmq_parse_binary_header(tvb, 8, hl_vis, pinfo->pool, h);
        if (h->cut && h->type == 1) {
            h->err = NULL;            /* lengths reaching into the cut part are no error */
            h->ok = h->ok && hl_vis >= 21;
        }
    }
    if (h->has_flag)
        pdu.is_response = (h->flag & 1) != 0;
    else   /* flag cut: a code that is no request code answers; else the server has the lower port */
        pdu.is_response = !rmq_api(h->code) || pinfo->srcport < pinfo->destport;
    pdu.oneway = !pdu.is_response && (h->flag & 2) != 0;

    /* matching: requests recorded in the requester's id space; one-way requests expect nothing */
    ts_trans_t *t = ts_trans_lookup(pinfo, proto_rocketmq, idx);
    if (!t)
        t = (ts_trans_t *)ts_pdu_data_get(pinfo, proto_rocketmq, TS_PDU_SLOT_1, idx);
    if (!t && !PINFO_FD_VISITED(pinfo) && h->ok) {
        rmq_conv_t *cv = rmq_conv(pinfo);
        guint32 space = rmq_space(pinfo, !pdu.is_response);
        if (!pdu.is_response) {
            if (!pdu.oneway) {
                /* what responses need of the request follows its transaction (one allocation) */
                if (h->has_opaque) {
                    t = ts_trans_request_with_data(pinfo, cv->tbl, space, (guint32)h->opaque, idx, sizeof(rmq_req_t));
                    ts_trans_open_add(cv->open[space], &cv->open_limit[space], t);
                } else {
                    /* opaque cut by the snaplen: no answer can be matched to it */
                    t = ts_trans_new(sizeof(rmq_req_t));
                    t->space = space;
                    t->req_frame = pinfo->num;
                    ts_trans_set_req_time(t, &pinfo->abs_ts);
                    t->rsp_lost = TRUE;
                    ts_pdu_data_set(pinfo, proto_rocketmq, TS_PDU_SLOT_1, idx, t);
                }
                rmq_req_t *rq = (rmq_req_t *)ts_trans_req_data(t);
                rq->code = h->code;
                const char *tp = rmq_ext_get(h, rmq_api_has(h->code, RMQ_API_V2_HEADER) ? "b" : "topic");
                const char *qu = rmq_ext_get(h, rmq_api_has(h->code, RMQ_API_V2_HEADER) ? "e" : "queueId");
                rq->topic = ts_intern(tp);
                rq->queue = ts_intern(qu);
                rq->topic_cut = !tp && h->cut;
                gint64 s = 0;
                const char *st = rmq_ext_get(h, rmq_api_has(h->code, RMQ_API_PULL) ? "suspendTimeoutMillis" : "pollTime");
                if (st && rmq_parse_i64(st, &s) && s > 0 && s < G_MAXUINT32 &&
                    rmq_api_has(h->code, RMQ_API_LONG_POLL))
                    rq->suspend_ms = (guint32)s;
            }
        } else if (h->has_opaque) {
            t = ts_trans_response(pinfo, cv->tbl, space, (guint32)h->opaque, TRUE, idx);
        } else {
            rmq_answers_hidden(pinfo);    /* an answer whose opaque the snaplen cut */
        }
    }
    pdu.trans = t;
    pdu.req = t ? (rmq_req_t *)ts_trans_req_data(t) : NULL;

    /* links (and what a response knows of its request) at the top */
    double rsp_ms = -1.0;
    gboolean no_response = FALSE;
    if (!pdu.is_response && pdu.oneway) {
        /* nothing expected */
    } else if (t) {
        const ts_trans_hf_t *lh = &rmq_trans_hf;
        if (!pdu.is_response && !t->rsp_frame && pdu.req && pdu.req->suspend_ms) {
            nstime_t until = ts_trans_req_time(t);
            nstime_t d = ts_nstime_from_ms(pdu.req->suspend_ms);
            nstime_add(&until, &d);
            if (nstime_cmp(&until, &rmq_last_ts) >= 0) {
                lh = &rmq_trans_hf_pending;
                if (PINFO_FD_VISITED(pinfo)) {
                    proto_item *pi = proto_tree_add_boolean(rt, hf_rocketmq_pending_poll, tvb, 0, 0, TRUE);
                    proto_item_set_generated(pi);
                }
            }
        }
        if (!pdu.is_response && !t->rsp_frame && t->rsp_lost && lh == &rmq_trans_hf) {
            lh = &rmq_trans_hf_pending;
            if (PINFO_FD_VISITED(pinfo)) {
                proto_item *pi = proto_tree_add_boolean(rt, hf_rocketmq_response_lost, tvb, 0, 0, TRUE);
                proto_item_set_generated(pi);
                expert_add_info(pinfo, pi, &ei_rocketmq_response_lost);
            }
        }
        no_response = !pdu.is_response && !t->rsp_frame && lh == &rmq_trans_hf && PINFO_FD_VISITED(pinfo);
        nstime_t delta;
        if (ts_trans_add_links(rt, tvb, pinfo, t, !pdu.is_response, lh, &delta))
            rsp_ms = nstime_to_msec(&delta);
    }
    if (pdu.is_response && pdu.req) {
        proto_item *ri = proto_tree_add_int(rt, hf_rocketmq_request_code, tvb, 0, 0, pdu.req->code);
        proto_item_set_generated(ri);
        if (pdu.req->topic && !rmq_ext_get(h, "topic")) {
            ri = proto_tree_add_string(rt, hf_rocketmq_topic, tvb, 0, 0, pdu.req->topic);
            proto_item_set_generated(ri);
        }
        gint32 q;
        if (pdu.req->queue && !rmq_ext_get(h, "queueId") && rmq_parse_i32(pdu.req->queue, &q)) {
            ri = proto_tree_add_int(rt, hf_rocketmq_queue_id, tvb, 0, 0, q);
            proto_item_set_generated(ri);
        }
    }
    /* the transaction's Service Response Time row: "Apply as Filter" there gives rocketmq.srt_index==N */
    int srt_row = pdu.is_response ? (pdu.req ? rmq_kind_of(pdu.req->code) : -1)
                                  : (h->has_code ? rmq_kind_of(h->code) : -1);
    if (srt_row >= 0)
        proto_item_set_generated(proto_tree_add_uint(rt, hf_rocketmq_srt_index, tvb, 0, 0, (guint32)srt_row));

    proto_item *li = proto_tree_add_item(rt, hf_rocketmq_length, tvb, 0, 4, ENC_BIG_ENDIAN);
    if (length < RMQ_MIN_FRAME || length > RMQ_MAX_FRAME || (int)length + 4 != total) {
        expert_add_info_format(pinfo, li, &ei_rocketmq_bad_length,
                               "Frame length %u is outside 4..%u: not a RocketMQ frame (rest of segment skipped)",
                               length, RMQ_MAX_FRAME);
        ts_service_pdu(pinfo, proto_rocketmq, FALSE, (guint32)total);
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "Bad frame length");
        col_set_fence(pinfo->cinfo, COL_INFO);
        return total;
    }
    proto_item *si = proto_tree_add_item(rt, hf_rocketmq_serialize_type, tvb, 4, 1, ENC_BIG_ENDIAN);
    proto_item *hli = proto_tree_add_item(rt, hf_rocketmq_header_length, tvb, 5, 3, ENC_BIG_ENDIAN);
    if (stype > 1) {
        expert_add_info_format(pinfo, si, &ei_rocketmq_bad_serialize_type, "Unknown serialize type %u", stype);
        ts_service_pdu(pinfo, proto_rocketmq, FALSE, (guint32)total);
        col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "Unknown serialize type %u", stype);
        col_set_fence(pinfo->cinfo, COL_INFO);
        return total;
    }
    if (hl > length - 4) {
        expert_add_info_format(pinfo, hli, &ei_rocketmq_header_size, "Header length %u exceeds the frame (%u)", hl, length - 4);
        ts_service_pdu(pinfo, proto_rocketmq, FALSE, (guint32)total);
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "Bad header length");
        col_set_fence(pinfo->cinfo, COL_INFO);
        return total;
    }

    rmq_header_items(tvb, pinfo, rt, &pdu, (int)hl, hl_vis);

    int boff = 8 + (int)hl, blen = (int)length - 4 - (int)hl;
    if (cut) {
        /* only the captured part of the body: complete message records are counted */
        int bvis = cap > boff ? cap - boff : 0;
        if (bvis > 0) {
            proto_item *bi = proto_tree_add_item(rt, hf_rocketmq_body, tvb, boff, bvis, ENC_NA);
            if (pdu.is_response && h->ok && h->code == RMQ_RSP_SUCCESS && pdu.req &&
                rmq_api_has(pdu.req->code, RMQ_API_RECORDS_ANSWER))
                pdu.n_msgs = rmq_records_count(tvb, boff, bvis, proto_item_add_subtree(bi, ett_rocketmq_body));
        }
    } else if (blen > 0 && h->ok) {
        rmq_body(tvb, boff, blen, pinfo, rt, &pdu);
    } else if (blen > 0) {
        proto_tree_add_item(rt, hf_rocketmq_body, tvb, boff, blen, ENC_NA);
    }

    /* Info column and summary */
    if (!h->ok) {
        wmem_strbuf_append(pdu.info, h->cut ? "[header cut]" : "Malformed header");
    } else if (!pdu.is_response) {
        const char *name = rmq_req_name(pinfo->pool, h->code);
        wmem_strbuf_append(pdu.info, name);
        if (pdu.topic)
            wmem_strbuf_append_printf(pdu.info, " topic=%s", rmq_short(pinfo->pool, pdu.topic));
        if (pdu.queue)
            wmem_strbuf_append_printf(pdu.info, " queue=%s", rmq_short(pinfo->pool, pdu.queue));
        const char *qo = rmq_ext_get(h, "queueOffset");
        if (qo && rmq_api_has(h->code, RMQ_API_PULL))
            wmem_strbuf_append_printf(pdu.info, " offset=%s", rmq_short(pinfo->pool, qo));
        if (h->has_opaque)
            wmem_strbuf_append_printf(pdu.info, " opaque=%d", h->opaque);
        if (pdu.oneway)
            wmem_strbuf_append(pdu.info, " oneway");
        if (rmq_api_body(h->code) == RMQ_BODY_BATCH && pdu.n_msgs)
            wmem_strbuf_append_printf(pdu.info, " (%u msgs)", pdu.n_msgs);
        if (no_response)
            wmem_strbuf_append(pdu.info, " [no response]");
        proto_item_append_text(ti, ", %s", name);
    } else {
        const char *name = rmq_rsp_name(pinfo->pool, h->code);
        wmem_strbuf_append_printf(pdu.info, "Response %s", name);
        if (pdu.req)
            wmem_strbuf_append_printf(pdu.info, " %s", rmq_req_name(pinfo->pool, pdu.req->code));
        if (pdu.req && pdu.req->topic && rmq_api_has(pdu.req->code, RMQ_API_RECORDS_ANSWER))
            wmem_strbuf_append_printf(pdu.info, " topic=%s", rmq_short(pinfo->pool, pdu.req->topic));
        if (h->has_opaque)
            wmem_strbuf_append_printf(pdu.info, " opaque=%d", h->opaque);
        const char *mid = rmq_ext_get(h, "msgId");
        const char *qo = rmq_ext_get(h, "queueOffset");
        if (mid)
            wmem_strbuf_append_printf(pdu.info, " msgId=%s", rmq_short(pinfo->pool, mid));
        if (qo)
            wmem_strbuf_append_printf(pdu.info, " offset=%s", rmq_short(pinfo->pool, qo));
        if (pdu.req && rmq_api_has(pdu.req->code, RMQ_API_RECORDS_ANSWER)) {
            wmem_strbuf_append_printf(pdu.info, " → %s", h->remark ? rmq_short(pinfo->pool, h->remark) : name);
            if (h->code == RMQ_RSP_SUCCESS)
                wmem_strbuf_append_printf(pdu.info, " %u msgs", pdu.n_msgs);
        } else if (h->code != RMQ_RSP_SUCCESS && h->remark) {
            wmem_strbuf_append_printf(pdu.info, " (%s)", rmq_short(pinfo->pool, h->remark));
        }
        if (rsp_ms >= 0)
            wmem_strbuf_append_printf(pdu.info, " [%.1f ms]", rsp_ms);
        proto_item_append_text(ti, ", Response %s", name);
        rmq_response_expert(pinfo, ti, h->code, name, h->remark);
    }
    if (cut)
        wmem_strbuf_append(pdu.info, " [cut]");
    if (idx == 0)
        col_append_str(pinfo->cinfo, COL_INFO, wmem_strbuf_get_str(pdu.info));
    else
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", wmem_strbuf_get_str(pdu.info));
    col_set_fence(pinfo->cinfo, COL_INFO);

    if (h->ok)
        rmq_tap(&pdu);
    /* services table: which side listens (requests normally go to the server; broker-initiated
     * requests and their answers the other way) */
    {
        gint32 rc = pdu.is_response ? (pdu.req ? pdu.req->code : -1) : h->code;
        gboolean to_server = h->ok && (pdu.is_response ? (pdu.req && rmq_api_has(rc, RMQ_API_FROM_BROKER))
                                                       : !rmq_api_has(rc, RMQ_API_FROM_BROKER));
        ts_service_pdu(pinfo, proto_rocketmq, to_server, (guint32)total);
    }
    return total;
}

/* The frame length rule of the framing and of the heuristic. */
static gboolean rmq_frame_length_ok(guint32 l)
{
    return l >= RMQ_MIN_FRAME && l <= RMQ_MAX_FRAME;
}

/* ============================================================================================
 * Heuristic (any port; doc/heuristics.md)
 * ============================================================================================ */

/* The frame header at off as far as it is captured: the framing's length rule, a known serialize
 * type, a header length inside the frame and at least the smallest header of its type. *len_out:
 * the frame length when captured. */
static gboolean rmq_heur_frame_header(tvbuff_t *tvb, guint off, guint avail, guint32 *len_out)
{
    guint n = avail - off;
    if (n < 4)
        return tvb_get_uint8(tvb, off) == 0;    /* the length is below 2^24 */
    guint32 len = tvb_get_ntohl(tvb, off);
    if (!rmq_frame_length_ok(len) || (n > 4 && !try_val_to_str(tvb_get_uint8(tvb, off + 4), rocketmq_serialize_type_vals)))
        return FALSE;
    if (n < 8)
        return TRUE;
    guint32 hl = tvb_get_ntoh24(tvb, (gint)off + 5);
    if (hl > len - 4 || hl < (tvb_get_uint8(tvb, off + 4) == 0 ? 9u : 21u))  /* {"code":0} ; binary fixed part */
        return FALSE;
    *len_out = len;
    return TRUE;
}

/* The needle occurs in the captured part of [off, end). */
static gboolean rmq_heur_contains(tvbuff_t *tvb, guint off, guint end, const char *needle)
{
    guint nl = (guint)strlen(needle);
    for (guint i = off; i + nl <= end; i++)
        if (tvb_memeql(tvb, (gint)i, (const guint8 *)needle, nl) == 0)
            return TRUE;
    return FALSE;
}

typedef enum { RMQ_START_NO = 0, RMQ_START_YES, RMQ_START_MORE } rmq_start_t;

/* Does a remoting frame start at off? The heuristic's header check: the framing's length rule,
 * a JSON header starting with "code" (every known encoder writes it first) and ending in the
 * frame with "opaque" and "flag" in it, or a consistent binary header. MORE: the captured bytes
 * end before the check could decide. *len_out: the frame length. Never throws. */
static rmq_start_t rmq_frame_start(tvbuff_t *tvb, guint off, guint32 *len_out)
{
    guint avail = tvb_captured_length(tvb);
    guint32 len = 0;
    if (off >= avail)
        return RMQ_START_MORE;
    if (!rmq_heur_frame_header(tvb, off, avail, &len))
        return RMQ_START_NO;
    if (avail - off < 8 + 9)
        return RMQ_START_MORE;
    guint8 st = tvb_get_uint8(tvb, off + 4);
    guint32 hl = tvb_get_ntoh24(tvb, off + 5);
    guint hs = off + 8;
    guint hend = hs + hl;                           /* header end (may be past avail) */
    guint vis = MIN(hend, avail);
    if (st == 0) {
        /* JSON: "code" first, then a number */
        guint8 c;
        if (tvb_memeql(tvb, hs, (const guint8 *)"{\"code\":", 8) != 0)
            return RMQ_START_NO;
        c = tvb_get_uint8(tvb, hs + 8);
        if (!g_ascii_isdigit(c) && c != '-')
            return RMQ_START_NO;
        if (!ts_bytes_in_class(tvb, hs, vis - hs, 4096, ts_char_text))
            return RMQ_START_NO;
        if (hend <= avail) {
            guint last = hend - 1;
            while (last > hs && g_ascii_isspace(tvb_get_uint8(tvb, last)))
                last--;
            if (tvb_get_uint8(tvb, last) != '}' || !rmq_heur_contains(tvb, hs, hend, "\"opaque\":") ||
                !rmq_heur_contains(tvb, hs, hend, "\"flag\":"))
                return RMQ_START_NO;
        }
    } else {
        /* binary: code(2) language(1) version(2) opaque(4) flag(4) remark_len(4) remark ext_len(4) */
        if (avail - off < 8 + 21)
            return RMQ_START_MORE;
        guint16 version = tvb_get_ntohs(tvb, hs + 3);
        guint32 flag = tvb_get_ntohl(tvb, hs + 9);
        guint32 rl = tvb_get_ntohl(tvb, hs + 13);
        if (!try_val_to_str(tvb_get_uint8(tvb, hs + 2), rocketmq_language_vals) || version > 4096 || flag > 3 ||
            rl > hl - 21)
            return RMQ_START_NO;
        if ((guint64)hs + 17u + rl + 4u <= avail) {     /* ext_len follows the remark */
            guint32 el = tvb_get_ntohl(tvb, hs + 17 + rl);
            if ((guint64)hl != 21u + (guint64)rl + el)
                return RMQ_START_NO;
        }
    }
    *len_out = len;
    return RMQ_START_YES;
}

/* The segment starts with a remoting frame (rmq_frame_start) and the frames that follow have
 * valid headers. Never throws. */
gboolean rocketmq_heur_check(tvbuff_t *tvb)
{
    guint avail = tvb_captured_length(tvb);
    guint32 len = 0;
    if (rmq_frame_start(tvb, 0, &len) != RMQ_START_YES)
        return FALSE;
    /* the frames that follow in this segment */
    guint64 off = 4 + (guint64)len;
    for (guint i = 0; i < 64 && off < avail; i++) {
        guint32 l2 = 0;
        if (!rmq_heur_frame_header(tvb, (guint)off, avail, &l2))
            return FALSE;
        if (off + 8 > avail)
            break;
        off += 4 + (guint64)l2;
    }
    return TRUE;
}

/* ============================================================================================
 * Framing: frame lengths, and the way back to a frame boundary
 * ============================================================================================ */

/* Length of the frame at `offset` for tcp_dissect_pdus(). In step with the stream (the previous
 * frame was whole) the length word is trusted. Otherwise — the first bytes of a direction (the
 * capture may start inside a frame), after a frame cut by the snaplen or a segment end, after a
 * length word out of range — a frame must pass the heuristic's header check; if it does not, the
 * bytes up to the next offset that does (searched within the captured bytes) are handed over as
 * skipped, so decoding goes on at the next frame. */
static guint get_rocketmq_pdu_len(packet_info *pinfo, tvbuff_t *tvb, int offset, void *data)
{
    rmq_framing_t *fr = (rmq_framing_t *)data;
    rmq_pass_t *ps = rmq_pass(pinfo);
    gboolean reassembling = rmq_desegment && pinfo->can_desegment;
    guint cap = (guint)tvb_captured_length_remaining(tvb, offset);
    guint rest = (guint)tvb_reported_length_remaining(tvb, offset);
    guint32 l = 0;
    memset(fr, 0, sizeof(*fr));
    if (cap < 4)                          /* more to come, or the length word is cut (a cut frame) */
        return (reassembling && cap == rest) ? 0 : rest;
    l = tvb_get_uint32(tvb, offset, ENC_BIG_ENDIAN);
    if (ps->synced && rmq_frame_length_ok(l))
        return l + 4;
    rmq_start_t st = rmq_frame_start(tvb, (guint)offset, &l);
    if (st == RMQ_START_YES) {
        rmq_set_synced(pinfo, TRUE);
        return l + 4;
    }
    if (st == RMQ_START_MORE && reassembling && cap == rest)
        return 0;                         /* one more segment decides */
    if (st == RMQ_START_MORE && rmq_frame_length_ok(l) && cap < rest)
        return l + 4;                     /* the snaplen cut the header: decoded as far as it goes */
    /* not a frame start: search the next one */
    fr->skip = TRUE;
    fr->length = tvb_get_uint32(tvb, offset, ENC_BIG_ENDIAN);
    fr->bad_length = ps->synced;          /* in step, the length word itself was wrong */
    guint lim = MIN(cap, RMQ_RESYNC_MAX);
    for (guint d = 1; d < lim; d++) {
        guint32 l2 = 0;
        rmq_start_t s2 = rmq_frame_start(tvb, (guint)offset + d, &l2);
        /* a start the captured bytes cannot confirm yet: only with a length word and header word
         * that pass (the next segment decides) */
        if (s2 == RMQ_START_YES || (s2 == RMQ_START_MORE && reassembling && cap == rest && cap - d >= 8)) {
            rmq_set_synced(pinfo, s2 == RMQ_START_YES);
            return d;
        }
    }
    fr->rest = TRUE;
    rmq_set_synced(pinfo, FALSE);
    return rest;
}

/* First pass, before anything of the frame is decoded: a segment that starts beyond the end of
 * the previous one in its direction follows a gap (a lost segment, or one that comes later out
 * of order): the stream is no longer known to be at a frame boundary, and answers travelling
 * this way may be in the gap. */
static void rmq_check_gap(packet_info *pinfo, const struct tcpinfo *ti)
{
    if (PINFO_FD_VISITED(pinfo) || !ti || pinfo->ptype != PT_TCP)
        return;
    rmq_conv_t *cv = rmq_conv(pinfo);
    guint dir = rmq_dir(pinfo);
    /* (the first data byte after the handshake has relative sequence number 1; a capture that
     * starts mid-stream numbers from 0) */
    gboolean first = !cv->pos[dir].known;
    gboolean gap = ts_seq_pos_advance(&cv->pos[dir], ti->seq, ti->nxtseq);
    if (!ti->is_reassembled && (first ? ti->seq > 1 : gap)) {
        cv->synced[dir] = FALSE;
        rmq_answers_hidden(pinfo);
    }
}

static int dissect_rocketmq(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    rmq_framing_t framing;
    memset(&framing, 0, sizeof(framing));
    rmq_check_gap(pinfo, ts_tcpinfo(pinfo, data));
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "RocketMQ");
    col_clear(pinfo->cinfo, COL_INFO);
    /* fixed length 1: skipped bytes up to the next frame may be fewer than a length word */
    tcp_dissect_pdus(tvb, pinfo, tree, rmq_desegment, 1, get_rocketmq_pdu_len, dissect_rocketmq_pdu, &framing);
    return tvb_captured_length(tvb);
}

/* A recognised conversation is dissected like one on the port, from this frame on. */
static ts_heur_ret dissect_rocketmq_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (!rocketmq_heur_check(tvb))
        return FALSE;
    ts_service_heuristic(pinfo, proto_rocketmq, rocketmq_handle);
    dissect_rocketmq(tvb, pinfo, tree, data);
    return TRUE;
}

/* ============================================================================================
 * Statistics
 * ============================================================================================ */
static ts_hot_table_def_t rocketmq_hot_def = {
    "RocketMQ Hot Topics",          /* title */
    "rocketmq,hottopics",           /* cli */
    "rocketmq",                     /* tap */
    "rocketmq.",                    /* filter prefix */
    NULL,                           /* only_table */
    2,                              /* Topic, Queue */
    { "Topic", "Queue", NULL, NULL, NULL },
    TS_COL_REQUESTS | TS_COL_COUNTER0 | TS_COL_COUNTER1 | TS_COL_BYTES | TS_COL_ERRORS |
        TS_COL_AVG_MS | TS_COL_MAX_MS,
    { "Messages sent", "Messages pulled" },
    NULL,
    0,
    {   /* the row's filter ("*": topic-level requests, no queue); responses carry the same fields */
        { "rocketmq.topic", TS_FILTER_STRING, NULL },
        { "rocketmq.queue_id", TS_FILTER_NUMBER, RMQ_NO_QUEUE },
        { NULL, TS_FILTER_NONE, NULL },
        { NULL, TS_FILTER_NONE, NULL },
        { NULL, TS_FILTER_NONE, NULL },
    },
    { "Send", "Pull" }                  /* response times of sends and of pulls apart */
};

/* ============================================================================================
 * Registration
 * ============================================================================================ */
static const true_false_string rmq_tfs_oneway = { "One-way (no response expected)", "Response expected" };

/* The request code names and the SRT kinds (index = position in rmq_apis), from rmq_apis. */
static void rmq_apis_register(void)
{
    for (guint i = 0; i < array_length(rmq_apis); i++) {
        rocketmq_request_code_vals[i].value = (guint32)rmq_apis[i].code;
        rocketmq_request_code_vals[i].strptr = rmq_apis[i].name;
        rocketmq_kind_vals[i].value = i;
        rocketmq_kind_vals[i].strptr = rmq_apis[i].name;
    }
}

void proto_register_rocketmq(void)
{
    rmq_apis_register();
    static hf_register_info hf[] = {
        { &hf_rocketmq_length, { "Length", "rocketmq.length", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Bytes after this field (header-length word + header + body)", HFILL } },
        { &hf_rocketmq_serialize_type, { "Serialize type", "rocketmq.serialize_type", FT_UINT8, BASE_DEC,
            VALS(rocketmq_serialize_type_vals), 0x0, "High byte of the header-length word", HFILL } },
        { &hf_rocketmq_header_length, { "Header length", "rocketmq.header_length", FT_UINT24, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_header, { "JSON header", "rocketmq.header", FT_STRING, BASE_NONE, NULL, 0x0,
            "The JSON header text", HFILL } },
        { &hf_rocketmq_code_req, { "Code", "rocketmq.code", FT_INT32, BASE_DEC,
            VALS(rocketmq_request_code_vals), 0x0, "Request code (requests) or response code (responses)", HFILL } },
        { &hf_rocketmq_code_rsp, { "Code", "rocketmq.code", FT_INT32, BASE_DEC,
            VALS(rocketmq_response_code_vals), 0x0, "Request code (requests) or response code (responses)", HFILL } },
        { &hf_rocketmq_request_code, { "Request code", "rocketmq.request_code", FT_INT32, BASE_DEC,
            VALS(rocketmq_request_code_vals), 0x0, "Code of the request this response answers", HFILL } },
        { &hf_rocketmq_srt_index, { "SRT row", "rocketmq.srt_index", FT_UINT16, BASE_DEC, NULL, 0x0,
            "Row of the request code in Statistics > Service Response Time > RocketMQ (requests and responses)", HFILL } },
        { &hf_rocketmq_language, { "Language", "rocketmq.language", FT_STRING, BASE_NONE, NULL, 0x0,
            "Sender's LanguageCode name", HFILL } },
        { &hf_rocketmq_language_code, { "Language code", "rocketmq.language_code", FT_UINT8, BASE_DEC,
            VALS(rocketmq_language_vals), 0x0, "LanguageCode byte of a binary header", HFILL } },
        { &hf_rocketmq_version, { "Version", "rocketmq.version", FT_UINT32, BASE_CUSTOM,
            CF_FUNC(rmq_fmt_version), 0x0, "Sender's MQVersion ordinal (shown as the release)", HFILL } },
        { &hf_rocketmq_opaque, { "Opaque", "rocketmq.opaque", FT_INT32, BASE_DEC, NULL, 0x0,
            "Request id chosen by the requester, copied into the response", HFILL } },
        { &hf_rocketmq_flag, { "Flag", "rocketmq.flag", FT_UINT32, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_flag_response, { "Response", "rocketmq.flag.response", FT_BOOLEAN, 32,
            TFS(&tfs_response_request), 0x1, "RPC_TYPE bit", HFILL } },
        { &hf_rocketmq_flag_oneway, { "One-way", "rocketmq.flag.oneway", FT_BOOLEAN, 32,
            TFS(&rmq_tfs_oneway), 0x2, "RPC_ONEWAY bit", HFILL } },
        { &hf_rocketmq_remark, { "Remark", "rocketmq.remark", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_remark_length, { "Remark length", "rocketmq.remark_length", FT_INT32, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_ser_type_rpc, { "serializeTypeCurrentRPC", "rocketmq.serialize_type_rpc", FT_STRING, BASE_NONE,
            NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_ext_length, { "extFields length", "rocketmq.ext_length", FT_INT32, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_ext_key, { "Key", "rocketmq.ext.key", FT_STRING, BASE_NONE, NULL, 0x0,
            "extFields key", HFILL } },
        { &hf_rocketmq_ext_value, { "Value", "rocketmq.ext.value", FT_STRING, BASE_NONE, NULL, 0x0,
            "extFields value", HFILL } },
        { &hf_rocketmq_ext_key_length, { "Key length", "rocketmq.ext.key_length", FT_INT16, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_ext_value_length, { "Value length", "rocketmq.ext.value_length", FT_INT32, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_json_member, { "JSON value", "rocketmq.json.value", FT_STRING, BASE_NONE, NULL, 0x0,
            "A scalar of a JSON body", HFILL } },
        { &hf_rocketmq_topic, { "Topic", "rocketmq.topic", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_queue_id, { "Queue id", "rocketmq.queue_id", FT_INT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_queue_offset, { "Queue offset", "rocketmq.queue_offset", FT_INT64, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_group, { "Group", "rocketmq.group", FT_STRING, BASE_NONE, NULL, 0x0,
            "Producer or consumer group", HFILL } },
        { &hf_rocketmq_msg_id, { "Message id", "rocketmq.msg_id", FT_STRING, BASE_NONE, NULL, 0x0,
            "Offset message id (store host, port, commit-log offset)", HFILL } },
        { &hf_rocketmq_commit_offset, { "Commit offset", "rocketmq.commit_offset", FT_INT64, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_next_begin_offset, { "Next begin offset", "rocketmq.next_begin_offset", FT_INT64, BASE_DEC,
            NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_min_offset, { "Min offset", "rocketmq.min_offset", FT_INT64, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_max_offset, { "Max offset", "rocketmq.max_offset", FT_INT64, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_offset, { "Offset", "rocketmq.offset", FT_INT64, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_sys_flag, { "Message sysFlag", "rocketmq.sys_flag", FT_UINT32, BASE_HEX, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_pull_sys_flag, { "Pull sysFlag", "rocketmq.pull_sys_flag", FT_UINT32, BASE_HEX, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_pull_flag_commit, { "Commit offset", "rocketmq.pull_sys_flag.commit_offset", FT_BOOLEAN, 32,
            NULL, 0x01, NULL, HFILL } },
        { &hf_rocketmq_pull_flag_suspend, { "Suspend (long polling)", "rocketmq.pull_sys_flag.suspend", FT_BOOLEAN, 32,
            NULL, 0x02, NULL, HFILL } },
        { &hf_rocketmq_pull_flag_subscription, { "Subscription", "rocketmq.pull_sys_flag.subscription", FT_BOOLEAN, 32,
            NULL, 0x04, NULL, HFILL } },
        { &hf_rocketmq_pull_flag_class_filter, { "Class filter", "rocketmq.pull_sys_flag.class_filter", FT_BOOLEAN, 32,
            NULL, 0x08, NULL, HFILL } },
        { &hf_rocketmq_pull_flag_lite, { "Lite pull", "rocketmq.pull_sys_flag.lite_pull", FT_BOOLEAN, 32,
            NULL, 0x10, NULL, HFILL } },
        { &hf_rocketmq_born_timestamp, { "Born timestamp", "rocketmq.born_timestamp", FT_ABSOLUTE_TIME,
            ABSOLUTE_TIME_UTC, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_max_msg_nums, { "Max messages", "rocketmq.max_msg_nums", FT_UINT32, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_suspend_timeout, { "Suspend timeout (ms)", "rocketmq.suspend_timeout", FT_UINT32, BASE_DEC,
            NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_subscription, { "Subscription", "rocketmq.subscription", FT_STRING, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_broker_name, { "Broker name", "rocketmq.broker_name", FT_STRING, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_broker_addr, { "Broker address", "rocketmq.broker_addr", FT_STRING, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_cluster, { "Cluster", "rocketmq.cluster", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_client_id, { "Client id", "rocketmq.client_id", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_transaction_id, { "Transaction id", "rocketmq.transaction_id", FT_STRING, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_query_key, { "Query key", "rocketmq.query_key", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_reconsume_times, { "Reconsume times", "rocketmq.reconsume_times", FT_INT32, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_default_topic, { "Default topic", "rocketmq.default_topic", FT_STRING, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_origin_msg_id, { "Origin message id", "rocketmq.origin_msg_id", FT_STRING, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_delay_level, { "Delay level", "rocketmq.delay_level", FT_INT32, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_response_in, { "Response in", "rocketmq.response_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, NULL, HFILL } },
        { &hf_rocketmq_response_to, { "Request in", "rocketmq.response_to", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, NULL, HFILL } },
        { &hf_rocketmq_time, { "Response time", "rocketmq.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time between the request and this response", HFILL } },
        { &hf_rocketmq_no_response, { "No response seen", "rocketmq.no_response", FT_NONE, BASE_NONE, NULL, 0x0,
            "The request was not answered in the capture", HFILL } },
        { &hf_rocketmq_pending_poll, { "Long poll still pending", "rocketmq.pending_poll", FT_BOOLEAN, BASE_NONE,
            NULL, 0x0, "Unanswered long-polling request whose suspend timeout had not expired at the end of the capture", HFILL } },
        { &hf_rocketmq_response_lost, { "Response not in the capture", "rocketmq.response_lost", FT_BOOLEAN, BASE_NONE,
            NULL, 0x0, "Unanswered request whose response a gap in the capture (lost segment, bytes skipped) or a "
            "snaplen cut may hide: not counted as unanswered", HFILL } },
        { &hf_rocketmq_body, { "Body", "rocketmq.body", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_body_text, { "Body text", "rocketmq.body_text", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_body_uncompressed_length, { "Uncompressed length", "rocketmq.uncompressed_length", FT_UINT32,
            BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_msg_count, { "Messages", "rocketmq.msg_count", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Messages in the body", HFILL } },
        { &hf_rocketmq_msg_index, { "Message index", "rocketmq.msg.index", FT_UINT32, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_msg_total_size, { "Total size", "rocketmq.msg.total_size", FT_INT32, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_msg_magic, { "Magic code", "rocketmq.msg.magic", FT_UINT32, BASE_HEX,
            VALS(rocketmq_magic_vals), 0x0, NULL, HFILL } },
        { &hf_rocketmq_msg_body_crc, { "Body CRC", "rocketmq.msg.body_crc", FT_UINT32, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_msg_body_crc_status, { "Body CRC status", "rocketmq.msg.body_crc.status", FT_UINT8, BASE_NONE,
            VALS(rocketmq_crc_status_vals), 0x0, NULL, HFILL } },
        { &hf_rocketmq_msg_queue_id, { "Queue id", "rocketmq.msg.queue_id", FT_INT32, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_msg_flag, { "Flag", "rocketmq.msg.flag", FT_INT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_msg_queue_offset, { "Queue offset", "rocketmq.msg.queue_offset", FT_INT64, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_msg_physic_offset, { "Physical offset", "rocketmq.msg.physic_offset", FT_INT64, BASE_DEC, NULL, 0x0,
            "Commit-log offset", HFILL } },
        { &hf_rocketmq_msg_sys_flag, { "sysFlag", "rocketmq.msg.sys_flag", FT_UINT32, BASE_HEX, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_msg_sf_compressed, { "Compressed", "rocketmq.msg.sys_flag.compressed", FT_BOOLEAN, 32,
            NULL, 0x00000001, NULL, HFILL } },
        { &hf_rocketmq_msg_sf_multi_tags, { "Multi tags", "rocketmq.msg.sys_flag.multi_tags", FT_BOOLEAN, 32,
            NULL, 0x00000002, NULL, HFILL } },
        { &hf_rocketmq_msg_sf_transaction, { "Transaction type", "rocketmq.msg.sys_flag.transaction", FT_UINT32, BASE_DEC,
            VALS(rocketmq_transaction_type_vals), 0x0000000C, NULL, HFILL } },
        { &hf_rocketmq_msg_sf_born_v6, { "Born host IPv6", "rocketmq.msg.sys_flag.born_v6", FT_BOOLEAN, 32,
            NULL, 0x00000010, NULL, HFILL } },
        { &hf_rocketmq_msg_sf_store_v6, { "Store host IPv6", "rocketmq.msg.sys_flag.store_v6", FT_BOOLEAN, 32,
            NULL, 0x00000020, NULL, HFILL } },
        { &hf_rocketmq_msg_sf_need_unwrap, { "Need unwrap", "rocketmq.msg.sys_flag.need_unwrap", FT_BOOLEAN, 32,
            NULL, 0x00000040, NULL, HFILL } },
        { &hf_rocketmq_msg_sf_inner_batch, { "Inner batch", "rocketmq.msg.sys_flag.inner_batch", FT_BOOLEAN, 32,
            NULL, 0x00000080, NULL, HFILL } },
        { &hf_rocketmq_msg_sf_compression, { "Compression type", "rocketmq.msg.sys_flag.compression", FT_UINT32, BASE_DEC,
            VALS(rocketmq_compression_vals), 0x00000700, NULL, HFILL } },
        { &hf_rocketmq_msg_born_timestamp, { "Born timestamp", "rocketmq.msg.born_timestamp", FT_ABSOLUTE_TIME,
            ABSOLUTE_TIME_UTC, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_msg_born_host, { "Born host", "rocketmq.msg.born_host", FT_STRING, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_msg_born_ip, { "Born IPv4", "rocketmq.msg.born_ip", FT_IPv4, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_msg_born_ipv6, { "Born IPv6", "rocketmq.msg.born_ipv6", FT_IPv6, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_msg_born_port, { "Born port", "rocketmq.msg.born_port", FT_INT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_msg_store_timestamp, { "Store timestamp", "rocketmq.msg.store_timestamp", FT_ABSOLUTE_TIME,
            ABSOLUTE_TIME_UTC, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_msg_store_host, { "Store host", "rocketmq.msg.store_host", FT_STRING, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_msg_store_ip, { "Store IPv4", "rocketmq.msg.store_ip", FT_IPv4, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_msg_store_ipv6, { "Store IPv6", "rocketmq.msg.store_ipv6", FT_IPv6, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_msg_store_port, { "Store port", "rocketmq.msg.store_port", FT_INT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_msg_reconsume_times, { "Reconsume times", "rocketmq.msg.reconsume_times", FT_INT32, BASE_DEC,
            NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_msg_prepared_offset, { "Prepared transaction offset", "rocketmq.msg.prepared_offset", FT_INT64,
            BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_msg_body_length, { "Body length", "rocketmq.msg.body_length", FT_INT32, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_msg_body, { "Message body", "rocketmq.msg.body", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Message payload as stored/sent (possibly compressed)", HFILL } },
        { &hf_rocketmq_msg_body_text, { "Message text", "rocketmq.msg.body_text", FT_STRING, BASE_NONE, NULL, 0x0,
            "Message payload (inflated) as UTF-8 text", HFILL } },
        { &hf_rocketmq_msg_topic_length, { "Topic length", "rocketmq.msg.topic_length", FT_INT32, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_msg_topic, { "Topic", "rocketmq.msg.topic", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_msg_properties_length, { "Properties length", "rocketmq.msg.properties_length", FT_INT16,
            BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_msg_property_key, { "Property key", "rocketmq.msg.property.key", FT_STRING, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rocketmq_msg_property_value, { "Property value", "rocketmq.msg.property.value", FT_STRING, BASE_NONE,
            NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_msg_keys, { "Key", "rocketmq.msg.keys", FT_STRING, BASE_NONE, NULL, 0x0,
            "One business key of the KEYS property", HFILL } },
        { &hf_rocketmq_msg_tags, { "Tags", "rocketmq.msg.tags", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_rocketmq_msg_uniq_key, { "Unique key", "rocketmq.msg.uniq_key", FT_STRING, BASE_NONE, NULL, 0x0,
            "Client-generated message id (UNIQ_KEY)", HFILL } },
        { &hf_rocketmq_msg_retry_topic, { "Retry topic (original)", "rocketmq.msg.retry_topic", FT_STRING, BASE_NONE,
            NULL, 0x0, "RETRY_TOPIC property: the topic a redelivered message came from", HFILL } },
        { &hf_rocketmq_msg_origin_msg_id, { "Origin message id", "rocketmq.msg.origin_msg_id", FT_STRING, BASE_NONE,
            NULL, 0x0, "ORIGIN_MESSAGE_ID property", HFILL } },
        { &hf_rocketmq_msg_traceparent, { "traceparent", "rocketmq.msg.traceparent", FT_STRING, BASE_NONE, NULL, 0x0,
            "W3C trace context property", HFILL } },
    };
    static gint *ett[] = {
        &ett_rocketmq, &ett_rocketmq_header, &ett_rocketmq_flag, &ett_rocketmq_ext, &ett_rocketmq_ext_entry,
        &ett_rocketmq_sys_flag, &ett_rocketmq_body, &ett_rocketmq_json, &ett_rocketmq_msg,
        &ett_rocketmq_msg_sys_flag, &ett_rocketmq_props, &ett_rocketmq_prop,
    };
    static ei_register_info ei[] = {
        { &ei_rocketmq_bad_length, { "rocketmq.bad_length", PI_MALFORMED, PI_ERROR,
            "Frame length outside the accepted range", EXPFILL } },
        { &ei_rocketmq_bad_serialize_type, { "rocketmq.bad_serialize_type", PI_MALFORMED, PI_ERROR,
            "Unknown serialize type", EXPFILL } },
        { &ei_rocketmq_bad_header, { "rocketmq.bad_header", PI_MALFORMED, PI_ERROR,
            "Header could not be parsed completely", EXPFILL } },
        { &ei_rocketmq_header_size, { "rocketmq.bad_header_length", PI_MALFORMED, PI_ERROR,
            "Header length inconsistent", EXPFILL } },
        { &ei_rocketmq_json, { "rocketmq.json_error", PI_UNDECODED, PI_WARN,
            "JSON body could not be tokenized completely", EXPFILL } },
        { &ei_rocketmq_too_many, { "rocketmq.too_many", PI_UNDECODED, PI_NOTE,
            "Display limit reached", EXPFILL } },
        { &ei_rocketmq_rsp_error, { "rocketmq.response_error", PI_RESPONSE_CODE, PI_ERROR,
            "Error response", EXPFILL } },
        { &ei_rocketmq_rsp_warn, { "rocketmq.response_warning", PI_RESPONSE_CODE, PI_WARN,
            "Warning response (busy, flush/slave timeout, flow control...)", EXPFILL } },
        { &ei_rocketmq_rsp_note, { "rocketmq.response_note", PI_RESPONSE_CODE, PI_NOTE,
            "Non-success response that is part of normal operation (nothing to pull...)", EXPFILL } },
        { &ei_rocketmq_no_response, { "rocketmq.no_response.expert", PI_SEQUENCE, PI_WARN,
            "No response seen to this request", EXPFILL } },
        { &ei_rocketmq_response_lost, { "rocketmq.response_lost.expert", PI_SEQUENCE, PI_NOTE,
            "Response not in the capture (lost segment)", EXPFILL } },
        { &ei_rocketmq_resync, { "rocketmq.resync", PI_SEQUENCE, PI_NOTE,
            "Bytes skipped up to the next frame boundary", EXPFILL } },
        { &ei_rocketmq_snaplen, { "rocketmq.cut", PI_UNDECODED, PI_NOTE,
            "Frame cut by the snaplen: decoded as far as it is captured", EXPFILL } },
        { &ei_rocketmq_no_request, { "rocketmq.no_request", PI_SEQUENCE, PI_NOTE,
            "Response whose request is not in the capture", EXPFILL } },
        { &ei_rocketmq_bad_record, { "rocketmq.bad_record", PI_MALFORMED, PI_ERROR,
            "Malformed message record", EXPFILL } },
        { &ei_rocketmq_crc, { "rocketmq.bad_body_crc", PI_CHECKSUM, PI_WARN,
            "bodyCRC does not match the body", EXPFILL } },
        { &ei_rocketmq_compressed, { "rocketmq.compressed", PI_UNDECODED, PI_NOTE,
            "Compressed body shown as is", EXPFILL } },
        { &ei_rocketmq_inflate, { "rocketmq.inflate_failed", PI_MALFORMED, PI_WARN,
            "zlib body could not be inflated", EXPFILL } },
        { &ei_rocketmq_truncated_pop, { "rocketmq.truncated_pop_code", PI_PROTOCOL, PI_NOTE,
            "Binary header code 3442..3543: possibly a POP code (200050..200151) truncated to 16 bits", EXPFILL } },
        { &ei_rocketmq_bad_value, { "rocketmq.bad_value", PI_PROTOCOL, PI_WARN,
            "extFields value is not of the expected type", EXPFILL } },
    };

    proto_rocketmq = proto_register_protocol("Apache RocketMQ remoting", "RocketMQ", "rocketmq");
    proto_register_field_array(proto_rocketmq, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *em = expert_register_protocol(proto_rocketmq);
    expert_register_field_array(em, ei, array_length(ei));

    module_t *m = prefs_register_protocol(proto_rocketmq, NULL);
    prefs_register_bool_preference(m, "desegment", "Reassemble RocketMQ frames spanning several TCP segments",
        "Whether the RocketMQ dissector should reassemble frames spanning several TCP segments "
        "(TCP's \"Allow subdissectors to reassemble TCP streams\" must be on too)", &rmq_desegment);
    prefs_register_bool_preference(m, "inflate", "Inflate zlib-compressed message bodies",
        "Show zlib-compressed message bodies (sysFlag COMPRESSED) inflated", &rmq_inflate);
    prefs_register_uint_preference(m, "inflate_max_mib", "Largest inflated body (MiB)",
        "A compressed body that inflates beyond this is not inflated (zlib bomb protection)", 10,
        &rmq_inflate_max_mib);
    prefs_register_bool_preference(m, "json_dissector", "Also hand valid JSON to the JSON dissector",
        "Besides the built-in tolerant JSON tree, call Wireshark's JSON dissector on bodies that are strict JSON",
        &rmq_json_dissector);

    rmq_key_table_build();
    rocketmq_handle = register_dissector("rocketmq", dissect_rocketmq, proto_rocketmq);
    register_init_routine(rmq_init);

    rocketmq_tap = register_tap("rocketmq");
    ts_stats_register_hot_table(&rocketmq_hot_def);
    ts_stats_register_srt(proto_rocketmq, "rocketmq", rocketmq_kind_vals, "rocketmq.srt_index");
}

void proto_reg_handoff_rocketmq(void)
{
    dissector_add_uint_range_with_preference("tcp.port", ROCKETMQ_TCP_PORTS, rocketmq_handle);
    heur_dissector_add("tcp", dissect_rocketmq_heur, "RocketMQ remoting over TCP (any port)", "rocketmq_tcp",
                       proto_rocketmq, HEURISTIC_ENABLE);
    json_handle = find_dissector_add_dependency("json", proto_rocketmq);
}
