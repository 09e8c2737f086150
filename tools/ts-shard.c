/* ts-shard.c — split captures into N shards by flow, for tools/troubleshark-parallel.
 *
 *   ts-shard -n N -o DIR capture [capture ...]
 *
 * One streaming pass with Wireshark's wiretap library (every format tshark reads). Both directions
 * of a TCP connection or UDP flow go to the same shard: the shard is a hash of the protocol and of
 * the two (address, port) endpoints in a fixed order (IPv4, IPv6 with extension headers,
 * Ethernet with up to 4 VLAN/QinQ tags, Linux cooked v1/v2, BSD loopback, raw IP). Packets
 * without ports (ICMP, IP fragments after the first...) hash on the addresses only; packets that
 * are not IP go to shard 0. A capture whose link type cannot be hashed goes whole to shard 0.
 *
 * Output, in DIR: shard-NNN.pcapng (the interfaces and timestamps of the input, kept by
 * wiretap), shard-NNN.idx (for each frame of the shard, its frame number in the input: 32-bit
 * little endian; frame numbers continue across several inputs) and shards.meta (text: first
 * timestamp of the input, frames per shard). Memory does not grow with the capture.
 *
 * Several inputs must share their link type (they are written as one capture: frames in input
 * order, interfaces of the first file).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <wireshark.h>
#include <wiretap/wtap.h>
#include <wsutil/buffer.h>
#include <wsutil/wslog.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- wiretap API differences (4.0 .. 4.6) ----------------------------------------------------
 * 4.0-4.4: wtap_read(wth, rec, buf, ...) fills a separate Buffer, wtap_rec_init(rec).
 * 4.6:     the record owns its data (rec->data), wtap_rec_init(rec, size), wtap_read(wth, rec, ...),
 *          wtap_dump(pdh, rec, ...) without a data pointer.
 * wtap_dump_close()'s needs_reload is a bool from 4.3 on (gboolean before). */
#define TS_SHARD_WS_AT_LEAST(maj, min) \
    (WIRESHARK_VERSION_MAJOR > (maj) || \
     (WIRESHARK_VERSION_MAJOR == (maj) && WIRESHARK_VERSION_MINOR >= (min)))
#if TS_SHARD_WS_AT_LEAST(4, 5)
#define TS_REC_INIT(rec, buf)             wtap_rec_init((rec), 2048)
#define TS_READ(wth, rec, buf, e, ei, o)  wtap_read((wth), (rec), (e), (ei), (o))
#define TS_REC_DATA(rec, buf)             ws_buffer_start_ptr(&(rec)->data)
#define TS_BUF_INIT(buf)                  ((void)(buf))
#define TS_BUF_FREE(buf)                  ((void)(buf))
#define TS_DUMP(pdh, rec, pd, e, ei)      ((void)(pd), wtap_dump((pdh), (rec), (e), (ei)))
#else
#define TS_REC_INIT(rec, buf)             wtap_rec_init(rec)
#define TS_READ(wth, rec, buf, e, ei, o)  wtap_read((wth), (rec), (buf), (e), (ei), (o))
#define TS_REC_DATA(rec, buf)             ws_buffer_start_ptr(buf)
#define TS_BUF_INIT(buf)                  ws_buffer_init((buf), 2048)
#define TS_BUF_FREE(buf)                  ws_buffer_free(buf)
#define TS_DUMP(pdh, rec, pd, e, ei)      wtap_dump((pdh), (rec), (pd), (e), (ei))
#endif
#if TS_SHARD_WS_AT_LEAST(4, 3)
typedef bool ts_shard_bool;
#else
typedef gboolean ts_shard_bool;
#endif
/* ws_log_init() lost its program name argument in 4.5 (g_set_prgname() names the program). */
#if TS_SHARD_WS_AT_LEAST(4, 5)
#define TS_LOG_INIT(name)                 (g_set_prgname(name), ws_log_init(NULL))
#else
#define TS_LOG_INIT(name)                 ws_log_init((name), NULL)
#endif

#define TS_MAX_SHARDS   256
#define TS_MAX_VLAN     4
#define TS_MAX_V6_EXT   8

typedef struct {
    wtap_dumper *pdh;
    FILE        *idx;
    guint64      frames;
    gboolean     has_ts;
    nstime_t     first_ts;
} shard_t;

static void die(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ts-shard: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static inline guint32 fnv(guint32 h, const guint8 *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* Hash of (proto, endpoint a, endpoint b), the same whichever endpoint is the source. */
static guint32 flow_hash(guint8 proto, const guint8 *sa, const guint8 *da, size_t alen,
                         guint16 sp, guint16 dp)
{
    int c = memcmp(sa, da, alen);
    if (c > 0 || (c == 0 && sp > dp)) {
        const guint8 *t = sa;
        sa = da;
        da = t;
        guint16 tp = sp;
        sp = dp;
        dp = tp;
    }
    guint8 ports[4] = { (guint8)(sp >> 8), (guint8)sp, (guint8)(dp >> 8), (guint8)dp };
    guint32 h = fnv(2166136261u, &proto, 1);
    h = fnv(h, sa, alen);
    h = fnv(h, da, alen);
    h = fnv(h, ports, 4);
    /* final mix so that the low bits (modulo N) depend on every input byte */
    h ^= h >> 16;
    h *= 0x7feb352du;
    h ^= h >> 15;
    return h;
}

static gboolean l4_ports(guint8 proto, const guint8 *p, size_t len, guint16 *sp, guint16 *dp)
{
    if ((proto != 6 && proto != 17 && proto != 132) || len < 4)
        return FALSE;
    *sp = (guint16)(p[0] << 8 | p[1]);
    *dp = (guint16)(p[2] << 8 | p[3]);
    return TRUE;
}

/* Hash of an IP packet; FALSE when it is not IPv4/IPv6 or too short. */
static gboolean ip_hash(const guint8 *p, size_t len, guint32 *h)
{
    guint16 sp = 0, dp = 0;
    if (len < 1)
        return FALSE;
    if ((p[0] >> 4) == 4) {
        size_t ihl = (size_t)(p[0] & 0x0f) * 4;
        if (ihl < 20 || len < ihl)
            return FALSE;
        guint8 proto = p[9];
        guint16 frag = (guint16)(p[6] << 8 | p[7]);
        gboolean fragment = (frag & 0x3fff) != 0;   /* MF or an offset */
        if (fragment || !l4_ports(proto, p + ihl, len - ihl, &sp, &dp))
            sp = dp = 0;
        *h = flow_hash(fragment ? 0 : proto, p + 12, p + 16, 4, sp, dp);
        return TRUE;
    }
    if ((p[0] >> 4) == 6) {
        if (len < 40)
            return FALSE;
        guint8 nh = p[6];
        size_t off = 40;
        gboolean fragment = FALSE;
        for (int i = 0; i < TS_MAX_V6_EXT; i++) {
            if (nh == 0 || nh == 43 || nh == 60) {          /* hop-by-hop, routing, dest opts */
                if (len < off + 8)
                    break;
                guint8 next = p[off];
                off += ((size_t)p[off + 1] + 1) * 8;
                nh = next;
            } else if (nh == 44) {                          /* fragment header */
                if (len < off + 8)
                    break;
                fragment = TRUE;
                nh = p[off];
                off += 8;
            } else {
                break;
            }
        }
        if (fragment || off > len || !l4_ports(nh, p + off, len - off, &sp, &dp))
            sp = dp = 0;
        *h = flow_hash(fragment ? 0 : nh, p + 8, p + 24, 16, sp, dp);
        return TRUE;
    }
    return FALSE;
}

/* Offset of the IP header for an ethertype chain starting at p[off] (the type field). */
static gboolean ether_ip(const guint8 *p, size_t len, size_t off, size_t *ip)
{
    for (int i = 0; i <= TS_MAX_VLAN; i++) {
        if (len < off + 2)
            return FALSE;
        guint16 et = (guint16)(p[off] << 8 | p[off + 1]);
        if (et == 0x8100 || et == 0x88a8 || et == 0x9100) {
            off += 4;
            continue;
        }
        if (et != 0x0800 && et != 0x86dd)
            return FALSE;
        *ip = off + 2;
        return TRUE;
    }
    return FALSE;
}

static gboolean encap_hashable(int encap)
{
    switch (encap) {
    case WTAP_ENCAP_ETHERNET:
    case WTAP_ENCAP_RAW_IP:
    case WTAP_ENCAP_RAW_IP4:
    case WTAP_ENCAP_RAW_IP6:
    case WTAP_ENCAP_SLL:
    case WTAP_ENCAP_SLL2:
    case WTAP_ENCAP_NULL:
    case WTAP_ENCAP_LOOP:
        return TRUE;
    default:
        return FALSE;
    }
}

/* Shard of one packet: hash % n, or 0 when it is not an IP packet we can read. */
static guint packet_shard(int encap, const guint8 *p, size_t len, guint n)
{
    size_t ip = 0;
    guint32 h;
    switch (encap) {
    case WTAP_ENCAP_ETHERNET:
        if (!ether_ip(p, len, 12, &ip))
            return 0;
        break;
    case WTAP_ENCAP_SLL:
        if (!ether_ip(p, len, 14, &ip))
            return 0;
        break;
    case WTAP_ENCAP_SLL2:
        if (!ether_ip(p, len, 0, &ip))
            return 0;
        ip = 20;
        break;
    case WTAP_ENCAP_NULL:
    case WTAP_ENCAP_LOOP:
        ip = 4;
        break;
    default:
        ip = 0;
        break;
    }
    if (ip > len || !ip_hash(p + ip, len - ip, &h))
        return 0;
    return h % n;
}

static void usage(void)
{
    fputs("usage: ts-shard -n SHARDS -o DIR capture [capture ...]\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    guint n = 0;
    const char *outdir = NULL;
    int a = 1;
    for (; a < argc; a++) {
        if (!strcmp(argv[a], "-n") && a + 1 < argc)
            n = (guint)strtoul(argv[++a], NULL, 10);
        else if (!strcmp(argv[a], "-o") && a + 1 < argc)
            outdir = argv[++a];
        else if (argv[a][0] == '-')
            usage();
        else
            break;
    }
    if (n < 1 || n > TS_MAX_SHARDS || !outdir || a >= argc)
        usage();

    TS_LOG_INIT("ts-shard");
    wtap_init(FALSE);

    shard_t *sh = g_new0(shard_t, n);
    wtap_rec rec;
    Buffer buf;
    TS_REC_INIT(&rec, &buf);
    TS_BUF_INIT(&buf);
    guint64 frame = 0;
    int first_encap = -1;
    nstime_t first_ts = { 0, 0 };
    gboolean have_first = FALSE;

    for (int f = a; f < argc; f++) {
        int err = 0;
        gchar *err_info = NULL;
        wtap *wth = wtap_open_offline(argv[f], WTAP_TYPE_AUTO, &err, &err_info, FALSE);
        if (!wth)
            die("%s: %s%s%s", argv[f], wtap_strerror(err), err_info ? ": " : "",
                err_info ? err_info : "");
        int encap = wtap_file_encap(wth);
        if (f == a) {
            first_encap = encap;
            if (!encap_hashable(encap) && encap != WTAP_ENCAP_PER_PACKET) {
                fprintf(stderr, "ts-shard: %s: link type %s cannot be hashed by flow: the whole "
                        "capture goes to shard 0\n", argv[f], wtap_encap_description(encap));
            }
            for (guint s = 0; s < n; s++) {
                wtap_dump_params params;
                wtap_dump_params_init(&params, wth);
                char *path = g_strdup_printf("%s/shard-%03u.pcapng", outdir, s);
                sh[s].pdh = wtap_dump_open(path, wtap_pcapng_file_type_subtype(),
                                           WTAP_UNCOMPRESSED, &params, &err, &err_info);
                if (!sh[s].pdh)
                    die("%s: %s%s%s", path, wtap_strerror(err), err_info ? ": " : "",
                        err_info ? err_info : "");
                g_free(path);
                path = g_strdup_printf("%s/shard-%03u.idx", outdir, s);
                sh[s].idx = fopen(path, "wb");
                if (!sh[s].idx)
                    die("%s: %s", path, g_strerror(errno));
                setvbuf(sh[s].idx, NULL, _IOFBF, 1 << 16);
                g_free(path);
            }
        } else if (encap != first_encap) {
            die("%s: link type differs from %s (sharding several captures needs one link type)",
                argv[f], argv[a]);
        }
        gint64 offset;
        while (TS_READ(wth, &rec, &buf, &err, &err_info, &offset)) {
            frame++;
            if (frame > G_MAXUINT32)
                die("more than %u frames", G_MAXUINT32);
            const guint8 *pd = TS_REC_DATA(&rec, &buf);
            guint s = 0;
            if (rec.rec_type == REC_TYPE_PACKET) {
                int pe = rec.rec_header.packet_header.pkt_encap;
                if (encap_hashable(pe))
                    s = packet_shard(pe, pd, rec.rec_header.packet_header.caplen, n);
            }
            if ((rec.presence_flags & WTAP_HAS_TS) && !have_first) {
                first_ts = rec.ts;
                have_first = TRUE;
            }
            if ((rec.presence_flags & WTAP_HAS_TS) && !sh[s].has_ts) {
                sh[s].first_ts = rec.ts;
                sh[s].has_ts = TRUE;
            }
            if (!TS_DUMP(sh[s].pdh, &rec, pd, &err, &err_info))
                die("shard %u: frame %" G_GUINT64_FORMAT ": %s%s%s", s, frame,
                    wtap_strerror(err), err_info ? ": " : "", err_info ? err_info : "");
            guint32 v = (guint32)frame;
            guint8 le[4] = { (guint8)v, (guint8)(v >> 8), (guint8)(v >> 16), (guint8)(v >> 24) };
            if (fwrite(le, 1, 4, sh[s].idx) != 4)
                die("shard %u: index: %s", s, g_strerror(errno));
            sh[s].frames++;
            wtap_rec_reset(&rec);
        }
        if (err != 0)
            die("%s: %s%s%s", argv[f], wtap_strerror(err), err_info ? ": " : "",
                err_info ? err_info : "");
        wtap_close(wth);
    }

    char *mpath = g_strdup_printf("%s/shards.meta", outdir);
    FILE *meta = fopen(mpath, "w");
    if (!meta)
        die("%s: %s", mpath, g_strerror(errno));
    fprintf(meta, "shards\t%u\nframes\t%" G_GUINT64_FORMAT "\nfirst_ts\t%" G_GINT64_FORMAT "\t%d\n",
            n, frame, (gint64)first_ts.secs, first_ts.nsecs);
    for (guint s = 0; s < n; s++) {
        int err = 0;
        gchar *err_info = NULL;
        ts_shard_bool needs_reload = FALSE;
        if (!wtap_dump_close(sh[s].pdh, &needs_reload, &err, &err_info))
            die("shard %u: %s", s, wtap_strerror(err));
        if (fclose(sh[s].idx) != 0)
            die("shard %u: index: %s", s, g_strerror(errno));
        fprintf(meta, "shard\t%u\t%" G_GUINT64_FORMAT "\t%" G_GINT64_FORMAT "\t%d\n", s,
                sh[s].frames, (gint64)sh[s].first_ts.secs, sh[s].first_ts.nsecs);
    }
    if (fclose(meta) != 0)
        die("%s: %s", mpath, g_strerror(errno));
    g_free(mpath);
    wtap_rec_cleanup(&rec);
    TS_BUF_FREE(&buf);
    g_free(sh);
    wtap_cleanup();
    return 0;
}
