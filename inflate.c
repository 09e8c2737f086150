/* inflate.c — bounded zlib inflation (see inflate.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "inflate.h"

#include <zlib.h>

/* zlib's allocator hooks on the packet pool: nothing outlives the packet, nothing leaks on an
 * exception thrown while the stream is open. */
static voidpf ts_zalloc(voidpf opaque, uInt items, uInt size)
{
    return wmem_alloc((wmem_allocator_t *)opaque, (size_t)items * size);
}

static void ts_zfree(voidpf opaque, voidpf address)
{
    wmem_free((wmem_allocator_t *)opaque, address);
}

tvbuff_t *ts_inflate(tvbuff_t *tvb, packet_info *pinfo, int offset, int len, guint max_out,
                     ts_inflate_status_t *status)
{
    z_stream zs;
    guint8 *out;
    guint cap, used = 0;
    int rc;
    tvbuff_t *child;

    *status = TS_INFLATE_CORRUPT;
    if (len <= 0 || max_out == 0)
        return NULL;
    memset(&zs, 0, sizeof(zs));
    zs.zalloc = ts_zalloc;
    zs.zfree = ts_zfree;
    zs.opaque = pinfo->pool;
    zs.next_in = (Bytef *)tvb_memdup(pinfo->pool, tvb, offset, len);
    zs.avail_in = (uInt)len;
    if (inflateInit(&zs) != Z_OK)
        return NULL;

    /* grow geometrically from a guess, never beyond max_out (+1 to detect "more than max_out") */
    cap = (guint)MIN((guint64)max_out + 1, MAX((guint64)len * 4, 4096));
    out = (guint8 *)wmem_alloc(pinfo->pool, cap);
    for (;;) {
        zs.next_out = out + used;
        zs.avail_out = cap - used;
        rc = inflate(&zs, Z_NO_FLUSH);
        used = cap - zs.avail_out;
        if (rc == Z_STREAM_END)
            break;
        if (used > max_out) {
            inflateEnd(&zs);
            *status = TS_INFLATE_TOO_BIG;
            return NULL;
        }
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) {      /* input exhausted inside the stream */
            inflateEnd(&zs);
            if (used == 0)
                return NULL;
            *status = TS_INFLATE_TRUNCATED;
            goto done;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            inflateEnd(&zs);
            return NULL;
        }
        if (zs.avail_out == 0) {
            guint ncap = (guint)MIN((guint64)max_out + 1, (guint64)cap * 2);
            out = (guint8 *)wmem_realloc(pinfo->pool, out, ncap);
            cap = ncap;
        }
    }
    inflateEnd(&zs);
    if (used > max_out) {
        *status = TS_INFLATE_TOO_BIG;
        return NULL;
    }
    *status = TS_INFLATE_OK;
done:
    child = tvb_new_child_real_data(tvb, out, used, used);
    return child;
}

const char *ts_inflate_status_str(ts_inflate_status_t status)
{
    switch (status) {
    case TS_INFLATE_OK:        return "inflated";
    case TS_INFLATE_CORRUPT:   return "not a valid zlib stream";
    case TS_INFLATE_TOO_BIG:   return "inflates beyond its limit (zlib bomb or a wrong size): not inflated";
    case TS_INFLATE_TRUNCATED: return "zlib stream cut short: partly inflated";
    case TS_INFLATE_DISABLED:  return "not inflated";
    }
    return "?";
}
