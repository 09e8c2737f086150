/* compat_probe.c — uses every shim of include/ts-compat.h the way a dissector would.
 *
 * tests/test_compat_headers.py compiles this with -fsyntax-only and the project's flags against
 * the Wireshark 4.0 (host), 4.4 and 4.6 headers: a shim that is wrong for one version (a bool
 * where the API wants gboolean, a renamed function, a changed callback type) fails here even
 * when no dissector happens to use it yet. Never built into the plugin.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ts-compat.h"
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>
#include <wsutil/wmem/wmem.h>

void probe_register(int proto, int hf_flag);
int probe_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int hf_flag);
int probe_tables(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, dissector_table_t t,
                 heur_dtbl_entry_t *e);

static ts_bool probe_pref = TRUE;

static const value_string probe_vals[] = { { 1, "one" }, { 0, NULL } };
static value_string_ext probe_vals_ext = VALUE_STRING_EXT_INIT(probe_vals);
static const val64_string probe_vals64[] = { { 1, "one" }, { 0, NULL } };
static const range_string probe_rvals[] = { { 1, 9, "small" }, { 0, 0, NULL } };

static const unit_name_string probe_units = { " unit", " units" };
static int hf_probe_units = -1;
static int hf_probe_yes = -1;
static int hf_probe_true = -1;

static ts_heur_ret
probe_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    (void)pinfo; (void)tree; (void)data;
    return tvb_captured_length(tvb) > 1000000 ? TRUE : FALSE;
}

static ts_wmem_bool
probe_foreach(const void *key, void *value, void *userdata)
{
    (void)key; (void)value; (void)userdata;
    return FALSE;
}

static ts_wmem_bool
probe_wmem_cb(wmem_allocator_t *allocator, wmem_cb_event_t event, void *userdata)
{
    (void)allocator; (void)event; (void)userdata;
    return FALSE;
}

static TS_STAT_TAP_INIT_RET
probe_stat_init(const char *opt_arg, void *userdata)
{
    (void)userdata;
    TS_STAT_TAP_INIT_RETURN(opt_arg != NULL);
}

static stat_tap_ui probe_ui = {
    REGISTER_PACKET_STAT_GROUP_UNSORTED, "Probe", "probe,stat", probe_stat_init, 0, NULL
};

void
probe_register(int proto, int hf_flag)
{
    static hf_register_info hf[] = {
        { &hf_probe_units, { "Units", "probe.units", FT_UINT32, BASE_DEC | BASE_UNIT_STRING,
                             UNS(&probe_units), 0, NULL, HFILL } },
        { &hf_probe_yes, { "Yes", "probe.yes", FT_BOOLEAN, 8, TFS(&tfs_yes_no), 0x01, NULL,
                           HFILL } },
        { &hf_probe_true, { "True", "probe.true", FT_BOOLEAN, 8, TFS(&ts_tfs_true_false), 0x02,
                            NULL, HFILL } },
    };
    module_t *m = prefs_register_protocol(proto, NULL);
    (void)hf_flag;
    proto_register_field_array(proto, hf, G_N_ELEMENTS(hf));
    prefs_register_bool_preference(m, "probe", "Probe", "Probe preference", &probe_pref);
    heur_dissector_add("tcp", probe_heur, "Probe", "probe_tcp", proto, HEURISTIC_DISABLE);
    register_stat_tap_ui(&probe_ui, NULL);
    wmem_register_callback(wmem_file_scope(), probe_wmem_cb, NULL);
}

int
probe_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int hf_flag)
{
    ts_bool flag = FALSE;
    uint64_t sum = 0;
    wmem_tree_t *t = wmem_tree_new(pinfo->pool);

    proto_tree_add_item_ret_boolean(tree, hf_flag, tvb, 0, 1, ENC_NA, &flag);
    sum += tvb_get_uint8(tvb, 0) + (uint64_t)(int64_t)tvb_get_int8(tvb, 0);
    sum += tvb_get_uint16(tvb, 0, ENC_BIG_ENDIAN) + (uint64_t)(int64_t)tvb_get_int16(tvb, 0, ENC_BIG_ENDIAN);
    sum += tvb_get_uint24(tvb, 0, ENC_BIG_ENDIAN);
    sum += tvb_get_uint32(tvb, 0, ENC_BIG_ENDIAN) + (uint64_t)(int64_t)tvb_get_int32(tvb, 0, ENC_BIG_ENDIAN);
    sum += tvb_get_uint40(tvb, 0, ENC_BIG_ENDIAN) + tvb_get_uint48(tvb, 0, ENC_BIG_ENDIAN);
    sum += tvb_get_uint56(tvb, 0, ENC_BIG_ENDIAN) + tvb_get_uint64(tvb, 0, ENC_BIG_ENDIAN);
    sum += (uint64_t)tvb_get_int64(tvb, 0, ENC_LITTLE_ENDIAN);
    sum += (uint64_t)(int64_t)tvb_find_uint8(tvb, 0, -1, 0x7f);
    sum += (uint64_t)(int64_t)tvb_find_uint16(tvb, 0, -1, 0x7f7f);
    sum += (uint64_t)(int64_t)tvb_skip_uint8(tvb, 0, 1, 0x20);
    sum += strlen(ts_val_to_str(pinfo->pool, 2, probe_vals, "Unknown (%u)"));
    sum += strlen(ts_val_to_str_ext(pinfo->pool, 2, &probe_vals_ext, "Unknown (%u)"));
    sum += strlen(ts_val64_to_str(pinfo->pool, 2, probe_vals64, "Unknown (%" PRIu64 ")"));
    sum += strlen(ts_rval_to_str(pinfo->pool, 20, probe_rvals, "Unknown (%u)"));
    wmem_tree_insert32(t, 1, &sum);
    wmem_tree_foreach(t, probe_foreach, NULL);
    return flag && probe_pref ? (int)(sum & 0xff) : 0;
}

/* Shims proposed for ts-compat.h (uncompress, dissector-table calls, heuristic entries); used
 * once the header has them (ts_heur_set_enabled_by_default marks that revision). */
#ifdef ts_heur_set_enabled_by_default
int
probe_tables(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, dissector_table_t t,
             heur_dtbl_entry_t *e)
{
    tvbuff_t *child = tvb_child_uncompress_zlib(tvb, tvb, 0, 4);
    tvbuff_t *plain = tvb_uncompress_zlib(tvb, 0, 4);
    int n = dissector_try_uint_with_data(t, 1, tvb, pinfo, tree, TRUE, NULL);
    n += dissector_try_string_with_data(t, "x", tvb, pinfo, tree, TRUE, NULL);
    n += dissector_try_payload_with_data(t, tvb, pinfo, tree, TRUE, NULL);
    ts_heur_set_enabled_by_default(e, e->enabled);
    if (plain)
        tvb_free(plain);
    return n + (child != NULL);
}
#endif

/* ts_uat_update_ret: the return type of a UAT's update callback. */
uat_update_cb_t probe_uat_update_cb(void);

static ts_uat_update_ret
probe_uat_update(void *rec, char **err)
{
    (void)rec;
    *err = NULL;
    return TRUE;
}

uat_update_cb_t probe_uat_update_cb(void)
{
    return probe_uat_update;
}
