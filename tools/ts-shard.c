/* ts-shard.c — split captures into N shards by flow, for tools/troubleshark-parallel.
 *
 *   ts-shard -n N -o DIR [--hash-only] [--weight frames|bytes] [--max-flows M] [--writers W]
 *            capture [...]
 *
 * Reads the captures with Wireshark's wiretap library (every format tshark reads). Both directions
 * of a TCP connection or UDP flow go to the same shard: a flow is the protocol and the two
 * (address, port) endpoints in a fixed order (IPv4, IPv6 with extension headers, Ethernet with up
 * to 4 VLAN/QinQ tags, Linux cooked v1/v2, BSD loopback, raw IP). Packets without ports (ICMP, IP
 * fragments after the first...) are a flow of their two addresses; packets that are not IP go to
 * shard 0. A capture whose link type cannot be hashed goes whole to shard 0.
 *
 * Balanced (default, when every input is a regular file): a first pass counts the frames and
 * bytes of every flow (a 64-bit hash of the flow; at most M flows, 4M by default, bounded memory:
 * 24 bytes a flow); the flows are then given to the shards largest first, each to the shard with
 * the least weight so far (LPT scheduling), the weight being the flow's frames (default; tshark's
 * CPU time follows the frames) or bytes. Frames that no flow holds (not IP) count for shard 0,
 * flows beyond M are placed by hash and count evenly. The second pass writes the shards.
 * --hash-only, or an input that cannot be read twice (a pipe): one pass, the shard is a hash of
 * the flow modulo N (the same for all runs, but a few big flows can make the shards uneven).
 *
 * The writing pass runs in W processes (default: one per online CPU, at most N; regular files
 * only): each reads the whole input and writes its own shards (s % W). The shards are the same
 * whatever W is.
 *
 * Output, in DIR: shard-NNN.pcapng (the interfaces and timestamps of the input, kept by
 * wiretap), shard-NNN.idx (for each frame of the shard, its frame number in the input: 32-bit
 * little endian; frame numbers continue across several inputs) and shards.meta (text: how the
 * flows were placed, first timestamp of the input, frames and bytes per shard). Memory does not
 * grow with the capture beyond the flow table.
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
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

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
#define TS_DEFAULT_MAX_FLOWS (4u << 20)
#define TS_MAX_MAX_FLOWS     (64u << 20)

typedef struct {
    wtap_dumper *pdh;
    FILE        *idx;
    guint64      frames;
    guint64      bytes;
    gboolean     has_ts;
    nstime_t     first_ts;
} shard_t;

/* A flow: two hashes of the same ordered (proto, endpoints): the 32-bit one places the flow in
 * hash mode, the 64-bit one names it in the flow table. */
typedef struct {
    guint32 h32;
    guint64 h64;
} flow_t;

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

static inline guint64 fnv64(guint64 h, const guint8 *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * G_GUINT64_CONSTANT(1099511628211);
    return h;
}

/* The flow of (proto, endpoint a, endpoint b), the same whichever endpoint is the source. */
static void flow_of(guint8 proto, const guint8 *sa, const guint8 *da, size_t alen,
                    guint16 sp, guint16 dp, flow_t *f)
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
    f->h32 = h;
    guint8 al = (guint8)alen;       /* an IPv4 and an IPv6 flow never share their bytes */
    guint64 k = fnv64(G_GUINT64_CONSTANT(14695981039346656037), &proto, 1);
    k = fnv64(k, &al, 1);
    k = fnv64(k, sa, alen);
    k = fnv64(k, da, alen);
    k = fnv64(k, ports, 4);
    /* splitmix64's finaliser: every bit of the table index depends on every input byte */
    k ^= k >> 30;
    k *= G_GUINT64_CONSTANT(0xbf58476d1ce4e5b9);
    k ^= k >> 27;
    k *= G_GUINT64_CONSTANT(0x94d049bb133111eb);
    k ^= k >> 31;
    f->h64 = k ? k : 1;             /* 0 marks an empty slot of the flow table */
}

static gboolean l4_ports(guint8 proto, const guint8 *p, size_t len, guint16 *sp, guint16 *dp)
{
    if ((proto != 6 && proto != 17 && proto != 132) || len < 4)
        return FALSE;
    *sp = (guint16)(p[0] << 8 | p[1]);
    *dp = (guint16)(p[2] << 8 | p[3]);
    return TRUE;
}

/* Flow of an IP packet; FALSE when it is not IPv4/IPv6 or too short. */
static gboolean ip_flow(const guint8 *p, size_t len, flow_t *f)
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
        flow_of(fragment ? 0 : proto, p + 12, p + 16, 4, sp, dp, f);
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
        flow_of(fragment ? 0 : nh, p + 8, p + 24, 16, sp, dp, f);
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

/* Flow of one packet; FALSE when it is not an IP packet we can read (it goes to shard 0). */
static gboolean packet_flow(int encap, const guint8 *p, size_t len, flow_t *f)
{
    size_t ip = 0;
    switch (encap) {
    case WTAP_ENCAP_ETHERNET:
        if (!ether_ip(p, len, 12, &ip))
            return FALSE;
        break;
    case WTAP_ENCAP_SLL:
        if (!ether_ip(p, len, 14, &ip))
            return FALSE;
        break;
    case WTAP_ENCAP_SLL2:
        if (!ether_ip(p, len, 0, &ip))
            return FALSE;
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
    return ip <= len && ip_flow(p + ip, len - ip, f);
}

/* Flow of a record: FALSE for what is not a hashable IP packet. */
static gboolean record_flow(const wtap_rec *rec, const guint8 *pd, flow_t *f)
{
    if (rec->rec_type != REC_TYPE_PACKET)
        return FALSE;
    int pe = rec->rec_header.packet_header.pkt_encap;
    return encap_hashable(pe) && packet_flow(pe, pd, rec->rec_header.packet_header.caplen, f);
}

/* ---- the flow table (balanced mode): open addressing on the 64-bit flow hash --------------- */
typedef struct {
    guint64 key;        /* flow_t.h64; 0: empty */
    guint64 bytes;
    guint32 frames;
    guint32 shard;
} flow_entry_t;

typedef struct {
    flow_entry_t *e;
    size_t        mask;     /* capacity - 1 (a power of two) */
    size_t        used;
    size_t        max_used; /* the cap: later flows are not tracked */
    guint64       untracked_frames, untracked_bytes;
    gboolean      full;
} flow_table_t;

static void ft_init(flow_table_t *t, size_t max_flows)
{
    memset(t, 0, sizeof(*t));
    t->mask = (1u << 16) - 1;
    t->e = g_new0(flow_entry_t, t->mask + 1);
    t->max_used = max_flows;
}

static flow_entry_t *ft_find(const flow_table_t *t, guint64 key)
{
    for (size_t i = (size_t)key & t->mask;; i = (i + 1) & t->mask) {
        if (t->e[i].key == key)
            return &t->e[i];
        if (!t->e[i].key)
            return NULL;
    }
}

static void ft_grow(flow_table_t *t)
{
    size_t ncap = (t->mask + 1) * 2;
    flow_entry_t *ne = g_new0(flow_entry_t, ncap);
    for (size_t i = 0; i <= t->mask; i++) {
        if (!t->e[i].key)
            continue;
        size_t j = (size_t)t->e[i].key & (ncap - 1);
        while (ne[j].key)
            j = (j + 1) & (ncap - 1);
        ne[j] = t->e[i];
    }
    g_free(t->e);
    t->e = ne;
    t->mask = ncap - 1;
}

/* Count one frame of a flow; flows beyond the cap count as untracked. */
static void ft_count(flow_table_t *t, guint64 key, guint32 len)
{
    size_t i = (size_t)key & t->mask;
    for (; t->e[i].key; i = (i + 1) & t->mask) {
        if (t->e[i].key == key) {
            t->e[i].frames++;
            t->e[i].bytes += len;
            return;
        }
    }
    if (t->used >= t->max_used) {
        t->full = TRUE;
        t->untracked_frames++;
        t->untracked_bytes += len;
        return;
    }
    t->e[i].key = key;
    t->e[i].frames = 1;
    t->e[i].bytes = len;
    t->used++;
    if (t->used * 2 > t->mask + 1)      /* load factor at most 1/2 */
        ft_grow(t);
}

static gboolean weight_bytes;

static guint64 weight(const flow_entry_t *e)
{
    return weight_bytes ? e->bytes : e->frames;
}

static int by_weight_desc(const void *a, const void *b)
{
    const flow_entry_t *x = *(const flow_entry_t *const *)a, *y = *(const flow_entry_t *const *)b;
    guint64 wx = weight(x), wy = weight(y);
    if (wx != wy)
        return wx > wy ? -1 : 1;
    return x->key < y->key ? -1 : x->key > y->key;      /* the same order on every run */
}

/* LPT: the flows, largest first, each to the shard with the least weight so far (a binary heap
 * of the shards by weight, ties to the lower shard number). load[]: the weight every shard
 * already has (frames outside any flow, untracked flows). */
static void ft_assign(flow_table_t *t, guint n, guint64 *load)
{
    flow_entry_t **v = g_new(flow_entry_t *, t->used ? t->used : 1);
    size_t k = 0;
    for (size_t i = 0; i <= t->mask; i++)
        if (t->e[i].key)
            v[k++] = &t->e[i];
    qsort(v, k, sizeof(*v), by_weight_desc);
    guint heap[TS_MAX_SHARDS];
#define TS_LESS(a, b) (load[a] < load[b] || (load[a] == load[b] && (a) < (b)))
    for (guint s = 0; s < n; s++) {             /* sift up */
        guint i = s;
        heap[i] = s;
        while (i > 0 && TS_LESS(heap[i], heap[(i - 1) / 2])) {
            guint p = (i - 1) / 2, tmp = heap[i];
            heap[i] = heap[p];
            heap[p] = tmp;
            i = p;
        }
    }
    for (size_t j = 0; j < k; j++) {
        guint s = heap[0];
        v[j]->shard = s;
        load[s] += weight(v[j]);
        for (guint i = 0;;) {                   /* sift down */
            guint l = 2 * i + 1, r = l + 1, m = i;
            if (l < n && TS_LESS(heap[l], heap[m]))
                m = l;
            if (r < n && TS_LESS(heap[r], heap[m]))
                m = r;
            if (m == i)
                break;
            guint tmp = heap[i];
            heap[i] = heap[m];
            heap[m] = tmp;
            i = m;
        }
    }
#undef TS_LESS
    g_free(v);
}

/* ---- reading ---------------------------------------------------------------------------------- */
typedef struct {
    guint          n;
    const char    *outdir;
    shard_t       *sh;
    flow_table_t  *ft;          /* balanced mode: the flows' shards */
    guint64        frame;
    nstime_t       first_ts;
    gboolean       have_first;
    guint64        nonflow_frames, nonflow_bytes;   /* first pass: what goes to shard 0 */
    guint          writers, writer;     /* writing pass: this process writes shards s with
                                           s % writers == writer */
} ctx_t;

static gboolean mine(const ctx_t *c, guint s)
{
    return s % c->writers == c->writer;
}

static void open_shards(ctx_t *c, wtap *wth)
{
    int err = 0;
    gchar *err_info = NULL;
    for (guint s = 0; s < c->n; s++) {
        if (!mine(c, s))
            continue;
        wtap_dump_params params;
        wtap_dump_params_init(&params, wth);
        char *path = g_strdup_printf("%s/shard-%03u.pcapng", c->outdir, s);
        c->sh[s].pdh = wtap_dump_open(path, wtap_pcapng_file_type_subtype(),
                                      WTAP_UNCOMPRESSED, &params, &err, &err_info);
        if (!c->sh[s].pdh)
            die("%s: %s%s%s", path, wtap_strerror(err), err_info ? ": " : "",
                err_info ? err_info : "");
        g_free(path);
        path = g_strdup_printf("%s/shard-%03u.idx", c->outdir, s);
        c->sh[s].idx = fopen(path, "wb");
        if (!c->sh[s].idx)
            die("%s: %s", path, g_strerror(errno));
        setvbuf(c->sh[s].idx, NULL, _IOFBF, 1 << 16);
        g_free(path);
    }
}

/* First pass: count the frames and bytes of every flow. */
static void count_record(ctx_t *c, const wtap_rec *rec, const guint8 *pd)
{
    flow_t f;
    guint32 len = rec->rec_type == REC_TYPE_PACKET ? rec->rec_header.packet_header.caplen : 0;
    if (record_flow(rec, pd, &f)) {
        ft_count(c->ft, f.h64, len);
    } else {
        c->nonflow_frames++;
        c->nonflow_bytes += len;
    }
}

/* Second (or only) pass: write the record to its shard. */
static void write_record(ctx_t *c, wtap_rec *rec, const guint8 *pd)
{
    flow_t f;
    guint s = 0;
    if (record_flow(rec, pd, &f)) {
        const flow_entry_t *e = c->ft ? ft_find(c->ft, f.h64) : NULL;
        s = e ? e->shard : f.h32 % c->n;
    }
    shard_t *sh = &c->sh[s];
    if ((rec->presence_flags & WTAP_HAS_TS) && !c->have_first) {
        c->first_ts = rec->ts;
        c->have_first = TRUE;
    }
    if (!mine(c, s))
        return;
    if ((rec->presence_flags & WTAP_HAS_TS) && !sh->has_ts) {
        sh->first_ts = rec->ts;
        sh->has_ts = TRUE;
    }
    int err = 0;
    gchar *err_info = NULL;
    if (!TS_DUMP(sh->pdh, rec, pd, &err, &err_info))
        die("shard %u: frame %" G_GUINT64_FORMAT ": %s%s%s", s, c->frame,
            wtap_strerror(err), err_info ? ": " : "", err_info ? err_info : "");
    guint32 v = (guint32)c->frame;
    guint8 le[4] = { (guint8)v, (guint8)(v >> 8), (guint8)(v >> 16), (guint8)(v >> 24) };
    if (fwrite(le, 1, 4, sh->idx) != 4)
        die("shard %u: index: %s", s, g_strerror(errno));
    sh->frames++;
    if (rec->rec_type == REC_TYPE_PACKET)
        sh->bytes += rec->rec_header.packet_header.caplen;
}

/* Read every capture in order; counting: the first pass, else the writing pass. */
static void read_all(ctx_t *c, char **files, int nfiles, gboolean counting, gboolean say)
{
    wtap_rec rec;
    Buffer buf;
    TS_REC_INIT(&rec, &buf);
    TS_BUF_INIT(&buf);
    int first_encap = -1;
    c->frame = 0;
    for (int f = 0; f < nfiles; f++) {
        int err = 0;
        gchar *err_info = NULL;
        wtap *wth = wtap_open_offline(files[f], WTAP_TYPE_AUTO, &err, &err_info, FALSE);
        if (!wth)
            die("%s: %s%s%s", files[f], wtap_strerror(err), err_info ? ": " : "",
                err_info ? err_info : "");
        int encap = wtap_file_encap(wth);
        if (f == 0) {
            first_encap = encap;
            if (say && !encap_hashable(encap) && encap != WTAP_ENCAP_PER_PACKET) {
                fprintf(stderr, "ts-shard: %s: link type %s cannot be hashed by flow: the whole "
                        "capture goes to shard 0\n", files[f], wtap_encap_description(encap));
            }
            if (!counting)
                open_shards(c, wth);
        } else if (encap != first_encap) {
            die("%s: link type differs from %s (sharding several captures needs one link type)",
                files[f], files[0]);
        }
        gint64 offset;
        while (TS_READ(wth, &rec, &buf, &err, &err_info, &offset)) {
            c->frame++;
            if (c->frame > G_MAXUINT32)
                die("more than %u frames", G_MAXUINT32);
            const guint8 *pd = TS_REC_DATA(&rec, &buf);
            if (counting)
                count_record(c, &rec, pd);
            else
                write_record(c, &rec, pd);
            wtap_rec_reset(&rec);
        }
        if (err != 0)
            die("%s: %s%s%s", files[f], wtap_strerror(err), err_info ? ": " : "",
                err_info ? err_info : "");
        wtap_close(wth);
    }
    wtap_rec_cleanup(&rec);
    TS_BUF_FREE(&buf);
}

/* Whether every input can be read twice (a regular file, not a pipe or "-"). */
static gboolean all_regular(char **files, int nfiles)
{
    for (int f = 0; f < nfiles; f++) {
        struct stat st;
        if (!strcmp(files[f], "-") || stat(files[f], &st) != 0 || !S_ISREG(st.st_mode))
            return FALSE;
    }
    return TRUE;
}

/* A whole write (writing) or read of n bytes on a pipe. */
static gboolean pipe_io(int fd, void *p, size_t n, gboolean writing)
{
    char *b = p;
    while (n > 0) {
        ssize_t k = writing ? write(fd, b, n) : read(fd, b, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return FALSE;
        b += k;
        n -= (size_t)k;
    }
    return TRUE;
}

#define put(fd, p, n) pipe_io((fd), (p), (n), TRUE)
#define get(fd, p, n) pipe_io((fd), (p), (n), FALSE)

/* Close the shards this process wrote. */
static void close_shards(ctx_t *c)
{
    for (guint s = 0; s < c->n; s++) {
        if (!mine(c, s))
            continue;
        int err = 0;
        gchar *err_info = NULL;
        ts_shard_bool needs_reload = FALSE;
        if (!wtap_dump_close(c->sh[s].pdh, &needs_reload, &err, &err_info))
            die("shard %u: %s", s, wtap_strerror(err));
        if (fclose(c->sh[s].idx) != 0)
            die("shard %u: index: %s", s, g_strerror(errno));
    }
}

/* The writing pass. With several writers (regular files only: each writer reads the input
 * again), one child process per group of shards (s % writers): a child reads every frame but
 * writes only its shards, then hands their counts back through a pipe; the flow table is the
 * parent's, shared copy-on-write. Writing the shard files is most of the sharding time. */
static void write_shards(ctx_t *c, char **files, int nfiles, guint writers)
{
    writers = MIN(writers, c->n);
    if (writers < 2 || !all_regular(files, nfiles)) {
        c->writers = 1;
        c->writer = 0;
        read_all(c, files, nfiles, FALSE, c->ft == NULL);
        close_shards(c);
        return;
    }
    fflush(NULL);
    pid_t *pid = g_new(pid_t, writers);
    int *fd = g_new(int, writers);
    for (guint w = 0; w < writers; w++) {
        int p[2];
        if (pipe(p) != 0)
            die("pipe: %s", g_strerror(errno));
        pid[w] = fork();
        if (pid[w] < 0)
            die("fork: %s", g_strerror(errno));
        if (pid[w] == 0) {
            close(p[0]);
            c->writers = writers;
            c->writer = w;
            read_all(c, files, nfiles, FALSE, c->ft == NULL && w == 0);
            close_shards(c);
            /* back to the parent: frames, first timestamp, then the counts of our shards */
            gboolean ok = put(p[1], &c->frame, sizeof(c->frame)) &&
                          put(p[1], &c->have_first, sizeof(c->have_first)) &&
                          put(p[1], &c->first_ts, sizeof(c->first_ts));
            for (guint s = w; ok && s < c->n; s += writers)
                ok = put(p[1], &c->sh[s], sizeof(c->sh[s]));
            if (!ok || close(p[1]) != 0)
                die("writer %u: pipe: %s", w, g_strerror(errno));
            _exit(0);
        }
        close(p[1]);
        fd[w] = p[0];
    }
    gboolean failed = FALSE;
    for (guint w = 0; w < writers; w++) {
        gboolean ok = get(fd[w], &c->frame, sizeof(c->frame)) &&
                      get(fd[w], &c->have_first, sizeof(c->have_first)) &&
                      get(fd[w], &c->first_ts, sizeof(c->first_ts));
        for (guint s = w; ok && s < c->n; s += writers) {
            ok = get(fd[w], &c->sh[s], sizeof(c->sh[s]));
            c->sh[s].pdh = NULL;        /* the child's, closed there */
            c->sh[s].idx = NULL;
        }
        close(fd[w]);
        int status = 0;
        if (waitpid(pid[w], &status, 0) != pid[w] || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0 || !ok)
            failed = TRUE;
    }
    g_free(pid);
    g_free(fd);
    if (failed)
        die("a writer process failed");
}

static void usage(void)
{
    fputs("usage: ts-shard -n SHARDS -o DIR [--hash-only] [--weight frames|bytes] "
          "[--max-flows N] [--writers W] capture [capture ...]\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    guint n = 0;
    const char *outdir = NULL;
    gboolean hash_only = FALSE;
    size_t max_flows = TS_DEFAULT_MAX_FLOWS;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    guint writers = ncpu > 1 ? (guint)MIN(ncpu, 64) : 1;
    int a = 1;
    for (; a < argc; a++) {
        if (!strcmp(argv[a], "-n") && a + 1 < argc) {
            n = (guint)strtoul(argv[++a], NULL, 10);
        } else if (!strcmp(argv[a], "-o") && a + 1 < argc) {
            outdir = argv[++a];
        } else if (!strcmp(argv[a], "--hash-only")) {
            hash_only = TRUE;
        } else if (!strcmp(argv[a], "--weight") && a + 1 < argc) {
            a++;
            if (!strcmp(argv[a], "bytes"))
                weight_bytes = TRUE;
            else if (strcmp(argv[a], "frames"))
                usage();
        } else if (!strcmp(argv[a], "--writers") && a + 1 < argc) {
            writers = (guint)strtoul(argv[++a], NULL, 10);
            if (writers < 1)
                usage();
        } else if (!strcmp(argv[a], "--max-flows") && a + 1 < argc) {
            unsigned long v = strtoul(argv[++a], NULL, 10);
            if (v < 1 || v > TS_MAX_MAX_FLOWS)
                die("--max-flows: 1 to %u", TS_MAX_MAX_FLOWS);
            max_flows = (size_t)v;
        } else if (argv[a][0] == '-' && argv[a][1]) {
            usage();
        } else {
            break;
        }
    }
    if (n < 1 || n > TS_MAX_SHARDS || !outdir || a >= argc)
        usage();
    char **files = argv + a;
    int nfiles = argc - a;

    TS_LOG_INIT("ts-shard");
    wtap_init(FALSE);

    ctx_t c;
    memset(&c, 0, sizeof(c));
    c.n = n;
    c.outdir = outdir;
    c.sh = g_new0(shard_t, n);
    flow_table_t ft;
    memset(&ft, 0, sizeof(ft));
    const char *mode = "hash";
    if (!hash_only && n > 1 && !all_regular(files, nfiles)) {
        fputs("ts-shard: an input is not a regular file (a pipe?): it cannot be read twice, the "
              "flows are placed by hash only\n", stderr);
    } else if (!hash_only && n > 1) {
        mode = "balanced";
        ft_init(&ft, max_flows);
        c.ft = &ft;
        read_all(&c, files, nfiles, TRUE, TRUE);
        guint64 load[TS_MAX_SHARDS] = { 0 };
        load[0] = weight_bytes ? c.nonflow_bytes : c.nonflow_frames;
        if (ft.full) {
            fprintf(stderr, "ts-shard: more than %zu flows: the flows after the first %zu are "
                    "placed by hash\n", max_flows, max_flows);
            for (guint s = 0; s < n; s++)
                load[s] += (weight_bytes ? ft.untracked_bytes : ft.untracked_frames) / n;
        }
        ft_assign(&ft, n, load);
    }
    write_shards(&c, files, nfiles, writers);

    char *mpath = g_strdup_printf("%s/shards.meta", outdir);
    FILE *meta = fopen(mpath, "w");
    if (!meta)
        die("%s: %s", mpath, g_strerror(errno));
    fprintf(meta, "shards\t%u\nframes\t%" G_GUINT64_FORMAT "\nfirst_ts\t%" G_GINT64_FORMAT "\t%d\n",
            n, c.frame, (gint64)c.first_ts.secs, c.first_ts.nsecs);
    fprintf(meta, "mode\t%s\t%s\t%zu\n", mode, weight_bytes ? "bytes" : "frames",
            c.ft ? ft.used : (size_t)0);
    for (guint s = 0; s < n; s++)
        fprintf(meta, "shard\t%u\t%" G_GUINT64_FORMAT "\t%" G_GINT64_FORMAT "\t%d\t%" G_GUINT64_FORMAT
                "\n", s, c.sh[s].frames, (gint64)c.sh[s].first_ts.secs, c.sh[s].first_ts.nsecs,
                c.sh[s].bytes);
    if (fclose(meta) != 0)
        die("%s: %s", mpath, g_strerror(errno));
    g_free(mpath);
    if (c.ft)
        g_free(ft.e);
    g_free(c.sh);
    wtap_cleanup();
    return 0;
}
