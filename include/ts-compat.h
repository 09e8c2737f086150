/* ts-compat.h — the Wireshark API differences between 4.0, 4.2, 4.4 and 4.6, in one place.
 *
 * Dissectors include this header instead of guarding versions themselves. Everything is chosen
 * by WIRESHARK_VERSION_MAJOR/MINOR from <ws_version.h> (never config.h, which 4.0 lacks).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TS_COMPAT_H
#define TS_COMPAT_H

#include <wireshark.h>
#include <epan/packet.h>
#include <epan/tfs.h>            /* tfs_yes_no & co. are no longer pulled in by packet.h on 4.6 */
#include <epan/unit_strings.h>   /* 4.4's packet.h no longer includes it */
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/uat.h>

#define TS_WS_AT_LEAST(maj, min) \
    (WIRESHARK_VERSION_MAJOR > (maj) || \
     (WIRESHARK_VERSION_MAJOR == (maj) && WIRESHARK_VERSION_MINOR >= (min)))

/* bool vs gboolean: preference variables, proto_tree_add_item_ret_boolean() out-parameters and
 * heuristic dissector return values are gboolean up to 4.2 and bool from 4.3 on. */
#if TS_WS_AT_LEAST(4, 3)
typedef bool ts_bool;
#else
typedef gboolean ts_bool;
#endif
/* The heuristic dissector's return type, taken from the running headers' own typedef. */
typedef __typeof__(((heur_dissector_t)0)(NULL, NULL, NULL, NULL)) ts_heur_ret;

/* A UAT's update callback (uat_update_cb_t) returns gboolean on 4.0 and bool from 4.3 on: the
 * return type is taken from the running headers' own typedef. */
typedef __typeof__(((uat_update_cb_t)0)(NULL, NULL)) ts_uat_update_ret;

/* wmem_foreach_func / wmem_user_cb_t return gboolean on 4.0, bool from 4.1 on. */
#if TS_WS_AT_LEAST(4, 1)
typedef bool ts_wmem_bool;
#else
typedef gboolean ts_wmem_bool;
#endif

/* Plain stat_tap_ui init callback: void up to 4.4, bool (success) from 4.5 on. Write
 *   static TS_STAT_TAP_INIT_RET my_init(const char *opt, void *ud) { ...; TS_STAT_TAP_INIT_RETURN(ok); } */
#if TS_WS_AT_LEAST(4, 5)
#define TS_STAT_TAP_INIT_RET bool
#define TS_STAT_TAP_INIT_RETURN(ok) return (ok)
#else
#define TS_STAT_TAP_INIT_RET void
#define TS_STAT_TAP_INIT_RETURN(ok) do { (void)(ok); return; } while (0)
#endif

/* tvb accessors were renamed guintN -> uintN in 4.3 (the old names are deprecated there, and
 * deprecation is an error under -Werror). Dissectors use the new names; 4.0-4.2 get aliases. */
#if !TS_WS_AT_LEAST(4, 3)
#define tvb_get_uint8   tvb_get_guint8
#define tvb_get_int8    tvb_get_gint8
#define tvb_get_uint16  tvb_get_guint16
#define tvb_get_int16   tvb_get_gint16
#define tvb_get_uint24  tvb_get_guint24
#define tvb_get_uint32  tvb_get_guint32
#define tvb_get_int32   tvb_get_gint32
#define tvb_get_uint40  tvb_get_guint40
#define tvb_get_uint48  tvb_get_guint48
#define tvb_get_uint56  tvb_get_guint56
#define tvb_get_uint64  tvb_get_guint64
#define tvb_get_int64   tvb_get_gint64
#define tvb_find_uint8  tvb_find_guint8
#define tvb_find_uint16 tvb_find_guint16
#define tvb_skip_uint8  tvb_skip_guint8
#endif

/* value_string lookups with a format: 4.6 moved value_string.h to wsutil/ and gave val_to_str()
 * and val_to_str_ext() a scope argument, keeping only the _wmem forms of val64/rval. Use these. */
#if TS_WS_AT_LEAST(4, 5)
#define ts_val_to_str(scope, v, vs, fmt)      val_to_str((scope), (v), (vs), (fmt))
#define ts_val_to_str_ext(scope, v, vse, fmt) val_to_str_ext((scope), (v), (vse), (fmt))
#define ts_val64_to_str(scope, v, vs, fmt)    val64_to_str_wmem((scope), (v), (vs), (fmt))
#define ts_rval_to_str(scope, v, rs, fmt)     rval_to_str_wmem((scope), (v), (rs), (fmt))
#else
#define ts_val_to_str(scope, v, vs, fmt)      val_to_str_wmem((scope), (v), (vs), (fmt))
#define ts_val_to_str_ext(scope, v, vse, fmt) val_to_str_ext_wmem((scope), (v), (vse), (fmt))
#define ts_val64_to_str(scope, v, vs, fmt)    ((void)(scope), val64_to_str((v), (vs), (fmt)))
#define ts_rval_to_str(scope, v, rs, fmt)     ((void)(scope), rval_to_str((v), (rs), (fmt)))
#endif

/* tvb_child_uncompress() / tvb_uncompress() are deprecated from 4.4 on; the _zlib names (same
 * arguments) do not exist before. Dissectors call the _zlib names. */
#if !TS_WS_AT_LEAST(4, 4)
#define tvb_child_uncompress_zlib tvb_child_uncompress
#define tvb_uncompress_zlib       tvb_uncompress
#endif

/* 4.6 renamed the dissector-table calls that pass data on (the old names are deprecated there);
 * same arguments (table, value, tvb, pinfo, tree, add_proto_name, data). */
#if !TS_WS_AT_LEAST(4, 5)
#define dissector_try_uint_with_data    dissector_try_uint_new
#define dissector_try_string_with_data  dissector_try_string_new
#define dissector_try_payload_with_data dissector_try_payload_new
#endif

/* heur_dtbl_entry_t has enabled_by_default from 4.4 on (only enabled before). */
#if TS_WS_AT_LEAST(4, 4)
#define ts_heur_set_enabled_by_default(entry, on) ((entry)->enabled_by_default = (on))
#else
#define ts_heur_set_enabled_by_default(entry, on) ((void)(entry), (void)(on))
#endif

/* UNS() appeared in 4.2/4.4; 4.0 has none. */
#ifndef UNS
#define UNS(x) ((const struct unit_name_string *)(x))
#endif

/* Portable true/false strings present in every supported version (tfs_true_false was removed
 * in 4.4, so we keep our own). */
extern const true_false_string ts_tfs_true_false;

#endif /* TS_COMPAT_H */
