/* inflate.h — bounded zlib inflation for every dissector of troubleshark.
 *
 * Wireshark's tvb_child_uncompress() has no output limit: a small "zlib bomb" inflates to
 * gigabytes before a dissector can look at the size (seen by the reliability harness: 520 kB
 * inflating to 512 MiB). ts_inflate() stops at `max_out` bytes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TS_INFLATE_H
#define TS_INFLATE_H

#include "ts-compat.h"

typedef enum {
    TS_INFLATE_OK = 0,       /* a complete zlib stream */
    TS_INFLATE_CORRUPT,      /* not zlib, or a corrupt stream: nothing usable */
    TS_INFLATE_TOO_BIG,      /* the output would exceed max_out: stopped, nothing returned */
    TS_INFLATE_TRUNCATED,    /* the input ended inside the stream: what was inflated is returned */
    TS_INFLATE_DISABLED,     /* never returned by ts_inflate(): the caller's preference said not to */
} ts_inflate_status_t;

/* Inflate the zlib stream in tvb[offset, offset+len) into at most max_out bytes. On success (and
 * TS_INFLATE_TRUNCATED with some output) returns a child tvb of `tvb` (its memory in pinfo->pool),
 * not yet added as a data source; otherwise NULL. *status (never NULL) says which. */
tvbuff_t *ts_inflate(tvbuff_t *tvb, packet_info *pinfo, int offset, int len, guint max_out,
                     ts_inflate_status_t *status);

/* A short English description of a status, for expert info. */
const char *ts_inflate_status_str(ts_inflate_status_t status);

#endif /* TS_INFLATE_H */
