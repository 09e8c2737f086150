/* fastjson.h — tolerant tokenizer for the JSON that Alibaba fastjson writes (RocketMQ remoting
 * headers and bodies, any other user).
 *
 * fastjson output is not always RFC 8259 JSON, so a strict parser (wsutil/wsjson.h) rejects it.
 * Accepted besides RFC 8259: bare numeric and bare word map keys (`{0:"a",name:1}`), object or
 * array values used as map keys (Map<MessageQueue, …>), single-quoted strings, trailing commas,
 * numbers with a `L` suffix or a leading `+`.
 *
 * The tokenizer builds a tree of nodes holding offsets into the buffer (nothing is copied or
 * unescaped until fastjson_text() is asked). It is bounded: nesting by max_depth (the root is at
 * depth 0), nodes by max_nodes; every read is within [buf, buf + len). On an error the tree built
 * so far is kept and the first error's message and position are recorded. Nodes say whether they
 * are complete, so a reader of a cut buffer takes only what is complete.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TS_FASTJSON_H
#define TS_FASTJSON_H

#include "ts-compat.h"

typedef enum {
    FASTJSON_OBJECT, FASTJSON_ARRAY, FASTJSON_STRING, FASTJSON_NUMBER, FASTJSON_TRUE, FASTJSON_FALSE,
    FASTJSON_NULL, FASTJSON_BARE    /* a bare word that is not true/false/null */
} fastjson_type_t;

typedef struct fastjson_node {
    fastjson_type_t type;
    int start, end;                  /* [start, end) in the buffer, quotes/brackets included */
    struct fastjson_node *key;       /* object member: its key (any value) */
    struct fastjson_node *first, *last, *next;   /* children (members / elements) in order */
    guint n;                         /* number of children */
    gboolean complete;               /* the value ended inside the buffer: a closed string or
                                      * container, a number or word followed by another byte (a cut
                                      * buffer, e.g. a snaplen-truncated header, leaves the last
                                      * values incomplete: `"opaque":10` may have been 1001) */
} fastjson_node_t;

typedef struct fastjson_parser {
    const guint8 *buf;
    int len;
    int pos;
    guint nodes;
    guint max_depth;
    guint max_nodes;
    wmem_allocator_t *pool;
    const char *err;                 /* the first error (NULL: none) */
    int err_pos;                     /* its offset in the buffer */
} fastjson_parser_t;

/* Tokenizes buf[0, len) (one value, then only whitespace or NUL bytes). Nodes are allocated in
 * `pool`. Returns the root (possibly partial after an error) or NULL; p->err tells about errors. */
fastjson_node_t *fastjson_parse(fastjson_parser_t *p, wmem_allocator_t *pool, const guint8 *buf, int len,
                                guint max_depth, guint max_nodes);

/* The text of a node (pool): a string's unescaped contents (\n \t \r \b \f \uXXXX incl. surrogate
 * pairs, other escaped characters as themselves; NUL characters dropped, lone surrogates U+FFFD;
 * control characters from \u escapes kept), the raw text of anything else. n NULL: "". */
char *fastjson_text(wmem_allocator_t *pool, const fastjson_parser_t *p, const fastjson_node_t *n);

#endif /* TS_FASTJSON_H */
