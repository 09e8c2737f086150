/* msgpack.h — bounded MessagePack walker (https://github.com/msgpack/msgpack/blob/master/spec.md).
 *
 * One walker for every MessagePack value the plugin meets. It reads from a tvb without throwing
 * and without allocating: every length is checked against the bytes left before it is used, a
 * container may not announce more elements than bytes left (each element takes at least one),
 * nesting is limited (max_depth) and, optionally, the number of values (max_values).
 *
 * Users see the values through callbacks (enter/leave a container, before each element, every
 * other value), so one walk can validate, render a tree or build a text. On top of it:
 *  - msgpack_text(): a one-line text form (`{k: v}`, `[a, b]`, `'str'`, `bin(n)`, `ext(t,n)`,
 *    `nil`, `true`, numbers), with a hook through which a protocol renders its own conventions
 *    for strings and extension values;
 *  - msgpack_read_header() / msgpack_read_int() / msgpack_read_array_header(): one value's header,
 *    for users that pick single values out of a payload;
 *  - ws_ok: whether Wireshark's own msgpack dissector shows the data walked correctly.
 *
 * Nothing here knows any protocol.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TS_MSGPACK_H
#define TS_MSGPACK_H

#include "ts-compat.h"

#define MSGPACK_DEFAULT_MAX_DEPTH 32

typedef enum {
    MSGPACK_NIL,
    MSGPACK_BOOL,       /* b */
    MSGPACK_UINT,       /* u: positive fixint 0x00-0x7f, uint 8/16/32/64 */
    MSGPACK_INT,        /* i: negative fixint 0xe0-0xff (-32..-1), int 8/16/32/64 */
    MSGPACK_FLOAT,      /* f: float 32/64 */
    MSGPACK_STR,        /* data_offset/data_len: the bytes (not NUL-terminated, any encoding) */
    MSGPACK_BIN,        /* data_offset/data_len */
    MSGPACK_EXT,        /* ext_type, data_offset/data_len: fixext 1-16, ext 8/16/32 */
    MSGPACK_ARRAY,      /* count elements follow */
    MSGPACK_MAP,        /* count key/value pairs follow */
} msgpack_kind_t;

typedef enum {
    MSGPACK_OK = 0,
    MSGPACK_ERR_EMPTY,        /* no bytes at all (msgpack_text) */
    MSGPACK_ERR_TRUNCATED,    /* the data ends inside a value */
    MSGPACK_ERR_NEVER_USED,   /* format byte 0xc1 */
    MSGPACK_ERR_MAP_COUNT,    /* a map announces more pairs than bytes left */
    MSGPACK_ERR_ARRAY_COUNT,  /* an array announces more elements than bytes left */
    MSGPACK_ERR_DEPTH,        /* nesting deeper than max_depth */
    MSGPACK_ERR_VALUES,       /* more than max_values values */
} msgpack_error_t;

/* One value's header, as read at `offset`. */
typedef struct msgpack_item {
    msgpack_kind_t kind;
    guint8   code;          /* the format byte */
    int      offset;        /* of the format byte */
    int      hdr_len;       /* bytes before the data (format byte, length, ext type) */
    int      length;        /* bytes of the whole value; containers: the header only */
    int      data_offset;   /* STR/BIN/EXT data, numbers: their bytes after the format byte */
    guint32  data_len;
    guint32  count;         /* ARRAY: elements, MAP: pairs */
    gint8    ext_type;      /* EXT */
    gboolean b;
    guint64  u;
    gint64   i;
    double   f;
    guint    depth;         /* msgpack_walk: nesting level (the root has the depth it was given) */
} msgpack_item_t;

typedef struct msgpack_walker msgpack_walker_t;

struct msgpack_walker {
    /* input (msgpack_walker_init sets defaults) */
    tvbuff_t *tvb;
    int       end;              /* the data ends here (exclusive tvb offset) */
    guint     max_depth;        /* deepest nesting level accepted (default MSGPACK_DEFAULT_MAX_DEPTH) */
    guint     max_values;       /* values per walker, all walks together; 0 = no limit */
    /* callbacks, each optional. `parent` is what enter() returned for the enclosing container
     * (or what msgpack_walk was given for the root). */
    void  *(*enter)(msgpack_walker_t *w, const msgpack_item_t *it, void *parent);
    /* before element `elem` of a container (maps: keys at even, values at odd indexes) */
    void   (*child)(msgpack_walker_t *w, const msgpack_item_t *container, guint64 elem, void *ctx);
    void   (*leave)(msgpack_walker_t *w, const msgpack_item_t *it, int end, void *ctx);
    void   (*value)(msgpack_walker_t *w, const msgpack_item_t *it, void *parent);
    void     *user;
    /* results */
    msgpack_error_t error;      /* the first error (MSGPACK_OK: none) */
    int       error_offset;
    guint     values;           /* values walked */
    guint     deepest;          /* deepest nesting level reached */
    /* Wireshark's own msgpack dissector shows every value walked correctly. It does not for
     * negative fixints 0xe1-0xff (4.0 and later show them as 225..255, not -31..-1), and 4.0 does
     * not decode 0x7f, 0xe0, uint 8-64, int 8-32, bin, ext 8/16/32, array/map 16/32. */
    gboolean  ws_ok;
};

void msgpack_walker_init(msgpack_walker_t *w, tvbuff_t *tvb, int end);

/* Walks one value at `off` (nesting level `depth`); returns the offset after it, or -1 with
 * w->error set. Callbacks already made stay made. */
int msgpack_walk(msgpack_walker_t *w, int off, guint depth, void *parent);

/* Message of an error ("truncated MessagePack value", ...). */
const char *msgpack_strerror(msgpack_error_t err);

/* Reads the header of the value at `off` into *it: for containers the count, for every other value
 * also its data, all within [off, end). Returns MSGPACK_OK or the error (nothing is walked). */
msgpack_error_t msgpack_read_header(tvbuff_t *tvb, int off, int end, msgpack_item_t *it);

/* An integer (any of the uint/int families) at `off`; a uint64 above G_MAXINT64 wraps negative. */
gboolean msgpack_read_int(tvbuff_t *tvb, int off, int end, gint64 *v);

/* An array header at `off`: its element count and the offset of its first element (the elements
 * themselves are not checked). */
gboolean msgpack_read_array_header(tvbuff_t *tvb, int off, int end, guint32 *count, int *first);

/* ---- text form ------------------------------------------------------------------------------ */

typedef struct msgpack_text_opts {
    guint max_len;       /* nothing more is appended once the text is this long; "…" ends it then */
    guint max_str;       /* bytes of a string shown ("…" after) */
    guint max_depth;     /* walker's max_depth */
    /* Protocol conventions: called for every STR and EXT value (while the text is shorter than
     * max_len); appends the value's text and returns TRUE, or returns FALSE for the default
     * (`'text'`, `ext(type,len)`). */
    gboolean (*hook)(wmem_allocator_t *scope, wmem_strbuf_t *sb, tvbuff_t *tvb,
                     const msgpack_item_t *it, void *data);
    void *hook_data;
} msgpack_text_opts_t;

/* The text form of the value at tvb[off, end): numbers in decimal (floats %g), strings 'quoted'
 * (UTF-8), `bin(n)`, `ext(type,n)`, `nil`, `true`/`false`, `[a, b]`, `{k: v}`. On a malformed value
 * the text of what was read before the error. Returns the offset after the value or -1; *text
 * (scope) receives the text, *walker (optional) the results (error, ws_ok, deepest). */
int msgpack_text(wmem_allocator_t *scope, tvbuff_t *tvb, int off, int end,
                 const msgpack_text_opts_t *opts, const char **text, msgpack_walker_t *walker);

#endif /* TS_MSGPACK_H */
