/* hessian2.h — bounded Hessian 2 / Hessian 1 value decoder (HSF2, Dubbo, TB Remoting).
 *
 * The decoder works in two steps so that it can be used (and unit-tested) without a protocol tree:
 *
 *   1. decode: hessian_ctx_new() + hessian_read() turn the bytes of one Hessian stream into a small
 *      value model (hessian_value_t, allocated in the given wmem scope). Every read is
 *      bounds-checked against the stream's own range, so a malformed stream never throws; the first
 *      error stops the stream and is kept in the context (kind, offset, message). Limits (nesting
 *      depth, number of values, class/type table sizes, displayed elements, displayed string
 *      length) come from hessian_opts_t.
 *   2. render: hessian_summary() gives a one-line summary of a value
 *      (`com.example.User { name: "Tom", age: 18 }`); hessian_tree_add_value() adds a value as a
 *      subtree of `hessian.*` items, hessian_tree_add_status() the expert infos of the context.
 *
 * Reference tables (values, class definitions, types) live in the context: one context = one
 * Hessian stream (HSF2 serializes every argument separately: one context per argument).
 *
 * The `hessian.*` fields belong to their own protocol ("Hessian", filter `hessian`), registered by
 * hessian_register() (idempotent; called from the proto_register function of every user).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TS_HESSIAN2_H
#define TS_HESSIAN2_H

#include "ts-compat.h"

typedef enum {
    HESSIAN_V1 = 1,     /* Hessian 1.0 (HSF codec 1, TB Remoting serialize 1) */
    HESSIAN_V2 = 2,     /* Hessian 2.0 (HSF codec 4, Dubbo serialization 2) */
} hessian_version_t;

typedef enum {
    HESSIAN_NULL,
    HESSIAN_BOOL,       /* i = 0/1 */
    HESSIAN_INT,        /* i (32-bit) */
    HESSIAN_LONG,       /* i (64-bit) */
    HESSIAN_DOUBLE,     /* d */
    HESSIAN_DATE,       /* i = milliseconds since 1970-01-01 UTC */
    HESSIAN_STRING,     /* str/str_len (UTF-8, possibly capped), nchars = UTF-16 units on the wire */
    HESSIAN_BINARY,     /* bytes/nbytes (possibly capped), nchars = full byte length */
    HESSIAN_XML,        /* Hessian 1 xml: like STRING */
    HESSIAN_LIST,       /* type (NULL: untyped), declared_len (-1: variable), children */
    HESSIAN_MAP,        /* type (NULL: untyped), children = key, value, key, value… */
    HESSIAN_OBJECT,     /* cls (class definition), children = field values in definition order */
    HESSIAN_REF,        /* i = index into the value-reference table, target = the referenced value */
    HESSIAN_REMOTE,     /* Hessian 1 remote: type + str (url) */
} hessian_kind_t;

typedef enum {
    HESSIAN_OK = 0,
    HESSIAN_ERR_TRUNCATED,   /* the stream ends inside a value */
    HESSIAN_ERR_RESERVED,    /* a reserved / unexpected byte code */
    HESSIAN_ERR_BAD_REF,     /* reference to an undefined value, class or type */
    HESSIAN_ERR_DEPTH,       /* nesting deeper than opts.max_depth */
    HESSIAN_ERR_NODES,       /* more than opts.max_nodes values in one stream */
    HESSIAN_ERR_TABLE,       /* class/type table or field count above its cap */
    HESSIAN_ERR_MALFORMED,   /* anything else (negative length, wrong type in a slot…) */
} hessian_error_t;

typedef struct hessian_opts {
    guint max_depth;         /* nesting of lists/maps/objects (default 32) */
    guint max_nodes;         /* values per stream (default 2000) */
    guint max_items_shown;   /* elements/entries/fields kept per container (default 256) */
    guint max_string_chars;  /* characters kept per string (default 256) */
    guint max_binary_bytes;  /* bytes kept per binary (default 64) */
    guint max_classes;       /* class definitions per stream (default 256) */
    guint max_fields;        /* fields per class definition (default 256) */
    guint max_types;         /* type names per stream (default 256) */
} hessian_opts_t;

typedef struct hessian_classdef {
    guint32      class_index;    /* position in the class table (what 'O n' / 0x60+n refer to) */
    const char  *name;
    guint32      n_fields;
    const char **fields;
    int          offset, length; /* of the 'C' definition in the tvb */
    struct hessian_classdef *next;   /* next definition that preceded the same value */
} hessian_classdef_t;

typedef struct hessian_value hessian_value_t;
struct hessian_value {
    hessian_kind_t kind;
    int          offset, length;  /* the value's bytes in the tvb (absolute offsets) */
    gint64       i;
    double       d;
    const char  *str;             /* STRING/XML/REMOTE url: UTF-8 (NUL-terminated; may contain NULs) */
    guint32      str_len;         /* bytes in str */
    guint32      nchars;          /* STRING/XML: full length in chars; BINARY: full length in bytes */
    gboolean     capped;          /* str / bytes / children hold only the first part */
    const guint8 *bytes;          /* BINARY: the first min(nchars, max_binary_bytes) bytes */
    guint32      nbytes;
    const char  *type;            /* LIST/MAP type name, OBJECT class name, REMOTE type */
    gint64       declared_len;    /* LIST: declared element count, -1 when variable */
    guint32      n_items;         /* LIST: elements, MAP: entries, OBJECT: fields (all decoded) */
    guint32      n_stored;        /* children kept (MAP: entries kept; 2 children each) */
    guint32      ref_index;       /* LIST/MAP/OBJECT: its own index in the value-reference table */
    const hessian_classdef_t *cls;  /* OBJECT */
    const hessian_value_t *target;  /* REF */
    hessian_value_t *first_child, *last_child, *next;
    hessian_classdef_t *defs;     /* class definitions that appeared right before this value */
};

typedef struct hessian_ctx hessian_ctx_t;

void hessian_opts_default(hessian_opts_t *opts);

/* A decoding context for the Hessian stream in tvb[offset, offset+len) (len -1: to the end).
 * opts NULL: defaults. Everything is allocated in `scope` (pinfo->pool in dissectors). */
hessian_ctx_t *hessian_ctx_new(wmem_allocator_t *scope, tvbuff_t *tvb, int offset, int len,
                               hessian_version_t version, const hessian_opts_t *opts);
/* The next value of the stream; NULL at the end of the stream or after an error. */
hessian_value_t *hessian_read(hessian_ctx_t *ctx);
/* TRUE when every byte of the stream was consumed without error. */
gboolean hessian_at_end(const hessian_ctx_t *ctx);
/* Absolute tvb offset of the next unread byte. */
int hessian_offset(const hessian_ctx_t *ctx);
/* The error that stopped the stream (HESSIAN_OK: none); offset and message when non-NULL. */
hessian_error_t hessian_error(const hessian_ctx_t *ctx, int *offset, const char **msg);
/* TRUE when a display cap (elements, string or binary length) was applied somewhere. */
gboolean hessian_capped(const hessian_ctx_t *ctx);

/* One-line rendering of a value, at most about max_len bytes ("…" when cut). */
char *hessian_summary(wmem_allocator_t *scope, const hessian_value_t *v, guint max_len);
/* Short type name of a value ("int", "string", "com.example.User", "list"…). */
const char *hessian_kind_name(const hessian_value_t *v);
/* Field `name` of an object, or the value of the string key `name` of a map; NULL if absent. */
const hessian_value_t *hessian_member(const hessian_value_t *v, const char *name);

/* Add one value (and the class definitions preceding it) under `tree`. `prefix` starts the item
 * label (e.g. "Argument 1: "), may be NULL. Returns the value's item. */
proto_item *hessian_tree_add_value(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb,
                                   const hessian_value_t *v, const char *prefix);
/* Expert infos for the context: the error that stopped it (with the undecoded rest as bytes),
 * a note when a display cap was applied, unread bytes after the last value when `expect_end`. */
void hessian_tree_add_status(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, hessian_ctx_t *ctx);

/* Convenience: decode ONE value from its own stream tvb[offset, offset+len), add it (prefix as
 * above) and the status experts, and return its summary (pinfo->pool; "" when nothing decoded).
 * *out (optional) receives the value. */
const char *hessian_dissect_value(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int offset,
                                  int len, hessian_version_t version, const char *prefix,
                                  const hessian_value_t **out);

/* Register the "Hessian" protocol and its hessian.* fields and experts. Safe to call repeatedly. */
void hessian_register(void);

#endif /* TS_HESSIAN2_H */
