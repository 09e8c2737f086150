/* ts-bytes.h — bounded byte-shape checks for the protocols' heuristics (each packet-*.c owns its
 * heuristic; these are the few character/zero checks several of them share). Every read is
 * bounded by the captured length: they never throw.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TS_BYTES_H
#define TS_BYTES_H

#include "ts-compat.h"

/* A character class: TRUE when the byte belongs to it. */
typedef gboolean (*ts_char_class_t)(guint8 c);

/* Printable text, tabs and line ends, and the bytes of UTF-8 sequences. */
static inline gboolean ts_char_text(guint8 c)
{
    return (c >= 0x20 && c != 0x7f) || c == '\t' || c == '\n' || c == '\r';
}

/* The captured part of [off, off+len) is all zero. */
static inline gboolean ts_bytes_zero(tvbuff_t *tvb, guint off, guint len)
{
    guint avail = tvb_captured_length(tvb);
    for (guint i = off; i < off + len && i < avail; i++)
        if (tvb_get_uint8(tvb, (gint)i) != 0)
            return FALSE;
    return TRUE;
}

/* The captured part of the first min(len, max) bytes at off belongs to the class. */
static inline gboolean ts_bytes_in_class(tvbuff_t *tvb, guint off, guint len, guint max, ts_char_class_t cls)
{
    guint avail = tvb_captured_length(tvb);
    guint end = off + MIN(len, max);
    for (guint i = off; i < end && i < avail; i++)
        if (!cls(tvb_get_uint8(tvb, (gint)i)))
            return FALSE;
    return TRUE;
}

#endif /* TS_BYTES_H */
