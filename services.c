/* services.c — the "Troubleshark Services" table (tshark -z troubleshark,services; Statistics ›
 * Troubleshark Services): per conversation and protocol, the server endpoint and how the
 * conversation was found (port, Decode As, heuristic), fed by the dissectors through
 * ts_service_pdu() and, for a conversation a protocol's heuristic recognised,
 * ts_service_heuristic(). Nothing here knows any one protocol.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ts-compat.h"
#include "services.h"
#include "stats.h"

#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <epan/to_str.h>
#include <epan/dissectors/packet-tcp.h>

/* ============================================================================================
 * Per-conversation bookkeeping
 * ============================================================================================ */
typedef struct ts_svc_entry {
    struct ts_svc_entry *next;
    int         proto;
    guint32     id;             /* per-packet key for connection counting */
    guint32     heur_frame;     /* != 0: bound by the protocol's heuristic at this frame */
    gboolean    server_set;
    address     srv_addr;       /* the listening side */
    guint32     srv_port;
    port_type   ptype;
    ts_found_t  found;          /* port / Decode As / other (heuristic is heur_frame) */
    guint32     first_frame;    /* first PDU of this conversation */
} ts_svc_entry_t;

static int proto_ts = -1;
static int proto_tcp_id = -1;
static int ts_services_tap = -1;
static guint32 ts_entry_ids;
static dissector_table_t tcp_port_table, udp_port_table, tls_port_table;

static ts_svc_entry_t *svc_entry(conversation_t *conv, int proto, gboolean create)
{
    ts_svc_entry_t *head = (ts_svc_entry_t *)conversation_get_proto_data(conv, proto_ts);
    for (ts_svc_entry_t *e = head; e; e = e->next)
        if (e->proto == proto)
            return e;
    if (!create)
        return NULL;
    ts_svc_entry_t *e = wmem_new0(wmem_file_scope(), ts_svc_entry_t);
    e->proto = proto;
    e->id = ++ts_entry_ids;
    e->next = head;
    if (head)
        conversation_delete_proto_data(conv, proto_ts);
    conversation_add_proto_data(conv, proto_ts, e);
    return e;
}

/* The handle a port table uses now for `port` belongs to `proto`: by default or by Decode As? */
static ts_found_t table_found(const char *name, dissector_table_t table, guint32 port, int proto)
{
    if (!table || !port)
        return TS_FOUND_OTHER;
    dissector_handle_t cur = dissector_get_uint_handle(table, port);
    if (!cur || dissector_handle_get_protocol_index(cur) != proto)
        return TS_FOUND_OTHER;
    return dissector_get_default_uint_handle(name, port) == cur ? TS_FOUND_PORT : TS_FOUND_DECODE_AS;
}

static void svc_set_server(ts_svc_entry_t *e, conversation_t *conv, packet_info *pinfo, gboolean to_server)
{
    gboolean dst_is_server = to_server;
    if (pinfo->ptype == PT_TCP && proto_tcp_id > 0 && pinfo->srcport != pinfo->destport) {
        struct tcp_analysis *tcpd = (struct tcp_analysis *)conversation_get_proto_data(conv, proto_tcp_id);
        if (tcpd && tcpd->server_port == pinfo->destport)      /* learnt from the SYN */
            dst_is_server = TRUE;
        else if (tcpd && tcpd->server_port == pinfo->srcport)
            dst_is_server = FALSE;
    } else if (pinfo->ptype == PT_UDP && pinfo->dst.type == AT_IPv4 && pinfo->dst.len == 4) {
        const guint8 *a = (const guint8 *)pinfo->dst.data;
        if ((a[0] & 0xf0) == 0xe0 || (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255))
            dst_is_server = TRUE;       /* multicast heartbeats: the group is the service */
    }
    copy_address_wmem(wmem_file_scope(), &e->srv_addr, dst_is_server ? &pinfo->dst : &pinfo->src);
    e->srv_port = dst_is_server ? pinfo->destport : pinfo->srcport;
    e->ptype = pinfo->ptype;
    e->found = TS_FOUND_OTHER;
    if (pinfo->ptype == PT_TCP || pinfo->ptype == PT_UDP) {
        dissector_table_t t = pinfo->ptype == PT_TCP ? tcp_port_table : udp_port_table;
        const char *tn = pinfo->ptype == PT_TCP ? "tcp.port" : "udp.port";
        guint32 cport = dst_is_server ? pinfo->srcport : pinfo->destport;
        e->found = table_found(tn, t, e->srv_port, e->proto);
        if (e->found == TS_FOUND_OTHER && pinfo->ptype == PT_TCP)
            e->found = table_found("tls.port", tls_port_table, e->srv_port, e->proto);
        if (e->found == TS_FOUND_OTHER)
            e->found = table_found(tn, t, cport, e->proto);
    }
    e->server_set = TRUE;
}

typedef struct {
    const ts_svc_entry_t *e;
    guint32  bytes;
    gboolean to_server;
    gboolean new_conn;
} ts_svc_rec_t;

void ts_service_pdu(packet_info *pinfo, int proto, gboolean to_server, guint32 bytes)
{
    gboolean listen = ts_services_tap >= 0 && have_tap_listener(ts_services_tap);
    if (proto_ts < 0 || (PINFO_FD_VISITED(pinfo) && !listen))
        return;
    conversation_t *conv = find_or_create_conversation(pinfo);
    ts_svc_entry_t *e = svc_entry(conv, proto, TRUE);
    if (!e->server_set) {
        svc_set_server(e, conv, pinfo, to_server);
        e->first_frame = pinfo->num;
    }
    if (!listen)
        return;
    ts_svc_rec_t *r = wmem_new0(pinfo->pool, ts_svc_rec_t);
    r->e = e;
    r->bytes = bytes;
    r->to_server = to_server;
    if (pinfo->num == e->first_frame && !p_get_proto_data(pinfo->pool, pinfo, proto_ts, e->id)) {
        p_add_proto_data(pinfo->pool, pinfo, proto_ts, e->id, GUINT_TO_POINTER(1));
        r->new_conn = TRUE;                 /* the conversation's first PDU */
    }
    tap_queue_packet(ts_services_tap, pinfo, r);
}

static ts_found_t entry_found(const ts_svc_entry_t *e)
{
    return e->heur_frame ? TS_FOUND_HEURISTIC : e->found;
}

void ts_service_heuristic(packet_info *pinfo, int proto, dissector_handle_t handle)
{
    if (proto_ts < 0 || PINFO_FD_VISITED(pinfo))
        return;
    conversation_t *conv = find_or_create_conversation(pinfo);
    ts_svc_entry_t *e = svc_entry(conv, proto, TRUE);
    if (!e->heur_frame)
        e->heur_frame = pinfo->num;         /* before the dissector reports its first PDU */
    conversation_set_dissector_from_frame_number(conv, pinfo->num, handle);
}

/* ============================================================================================
 * Services table (tshark -z troubleshark,services; Statistics › Troubleshark Services)
 * ============================================================================================ */

/* numbers first, then the long text columns (after the Rank column stats.c adds) */
enum { SC_PDUS, SC_BYTES, SC_CONNS, SC_FIRST, SC_LAST, SC_SERVER, SC_TRANSPORT, SC_PROTOCOL,
       SC_FOUND, SC_COUNT };

static const char *found_name(ts_found_t f)
{
    switch (f) {
    case TS_FOUND_PORT:       return "port";
    case TS_FOUND_DECODE_AS:  return "Decode As";
    case TS_FOUND_HEURISTIC:  return "heuristic";
    case TS_FOUND_OTHER:
    default:                  return "other";
    }
}

static gboolean services_packet(ts_table_t *tables[2], packet_info *pinfo, const void *data)
{
    const ts_svc_rec_t *r = (const ts_svc_rec_t *)data;
    const ts_svc_entry_t *e = r->e;
    if (!e || !e->server_set)
        return FALSE;
    const char *addr = address_to_str(pinfo->pool, &e->srv_addr);
    const char *server = e->srv_addr.type == AT_IPv6
        ? wmem_strdup_printf(pinfo->pool, "[%s]:%u", addr, e->srv_port)
        : wmem_strdup_printf(pinfo->pool, "%s:%u", addr, e->srv_port);
    protocol_t *p = find_protocol_by_id(e->proto);
    const char *keys[3] = { server, e->ptype == PT_UDP ? "UDP" : (e->ptype == PT_TCP ? "TCP" : "other"),
                            p ? proto_get_protocol_short_name(p) : "?" };
    ts_row_t *row = ts_table_row(tables[0], keys);
    double t = nstime_to_sec(&pinfo->rel_ts);
    guint32 *found_mask = (guint32 *)ts_row_scratch(row, sizeof(guint32));
    guint32 bit = 1u << entry_found(e);

    if (ts_row_get_uint(row, SC_PDUS) == 0)
        ts_row_set_float(row, SC_FIRST, t);
    ts_row_set_float(row, SC_LAST, t);
    ts_row_add_uint(row, SC_PDUS, 1);
    ts_row_add_uint(row, SC_BYTES, r->bytes);
    if (r->new_conn)
        ts_row_add_uint(row, SC_CONNS, 1);
    if (!(*found_mask & bit)) {
        /* rare: connections to one server found in different ways ("heuristic, port") */
        wmem_strbuf_t *sb = wmem_strbuf_new(pinfo->pool, "");
        *found_mask |= bit;
        for (int f = TS_FOUND_PORT; f <= TS_FOUND_HEURISTIC + 1; f++) {
            ts_found_t ff = f > TS_FOUND_HEURISTIC ? TS_FOUND_OTHER : (ts_found_t)f;
            if (*found_mask & (1u << ff)) {
                if (wmem_strbuf_get_len(sb))
                    wmem_strbuf_append(sb, ", ");
                wmem_strbuf_append(sb, found_name(ff));
            }
        }
        ts_row_set_string(row, SC_FOUND, wmem_strbuf_get_str(sb));
    }
    return TRUE;
}

static ts_table_def_t services_def = {
    "Troubleshark Services",            /* title */
    "troubleshark,services",            /* cli */
    "troubleshark",                     /* tap */
    NULL,                               /* filter_prefix */
    SC_COUNT,
    {
        { "PDUs", TS_CELL_UINT },
        { "Bytes", TS_CELL_UINT },
        { "Connections", TS_CELL_UINT },
        { "First seen (s)", TS_CELL_FLOAT },
        { "Last seen (s)", TS_CELL_FLOAT },
        { "Server", TS_CELL_STRING },
        { "Transport", TS_CELL_STRING },
        { "Protocol", TS_CELL_STRING },
        { "Found by", TS_CELL_STRING },
    },
    3,                                  /* key columns: server, transport, protocol */
    SC_BYTES,                           /* busiest first */
    NULL,
    services_packet,
    TRUE,                               /* ranked */
    (1u << SC_SERVER) | (1u << SC_TRANSPORT) | (1u << SC_PROTOCOL),
};

/* ============================================================================================
 * Registration
 * ============================================================================================ */

void ts_services_register(int proto_troubleshark)
{
    proto_ts = proto_troubleshark;
    ts_services_tap = register_tap("troubleshark");
    ts_stats_register_table(&services_def);
}

void ts_services_handoff(void)
{
    proto_tcp_id = proto_get_id_by_filter_name("tcp");
    tcp_port_table = find_dissector_table("tcp.port");
    udp_port_table = find_dissector_table("udp.port");
    tls_port_table = find_dissector_table("tls.port");
}
