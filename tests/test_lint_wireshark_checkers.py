"""Wireshark's own source checkers find nothing in the plugin: checkAPIs.pl, checkhf.pl,
checkfiltername.pl, check_typed_item_calls.py and check_tfs.py, taken from the Wireshark source of
the INSTALLED version (the Debian source package of libwireshark-dev, e.g. 4.0.17-0+deb12u3, with the
Debian patches to these files applied).

The scripts are fetched once with a private apt configuration (deb-src twins of the machine's own
sources, `apt-get source --download-only`, tar extracts only the scripts and epan/tfs.c) and cached
under <build>/ws-source/ (tests/compat/compatlib.py, source_files). TS_WIRESHARK_SOURCE=<dir> uses
a Wireshark source tree instead (it must hold the same files). When the package source does not
answer and CI is not "true", every test skips (SKIPPED-ALL); in CI an unavailable source fails.

How each checker is run (Wireshark's own usage, adapted to an out-of-tree plugin):
* checkAPIs.pl: every .c and include/*.h with the groups of Wireshark's in-tree plugins
  (CHECKAPI(... --group dissectors-prohibited --group dissectors-restricted) in
  plugins/epan/*/CMakeLists.txt) plus abort and termoutput, which tools/pre-commit adds (-p) for
  packet-*.c files (they apply to every file of a dissector plugin). The default groups
  (prohibited, deprecated, soft-deprecated), the hf checks and the shadow-variable warning stay on.
* checkhf.pl: every .c (tools/pre-commit runs it on each changed .c).
* checkfiltername.pl: the packet-*.c files (it ignores other names: it derives the protocol
  abbreviation from packet-<abbrev>.c).
* check_typed_item_calls.py: every .c with Wireshark CI's flags (--consecutive --label --mask,
  .gitlab-ci.yml "Code Checks") plus --missing-items (items used but never registered).
* check_tfs.py: every .c. Both Python checkers only take files as epan/dissectors/<name> relative
  to the working directory and check_tfs.py reads epan/tfs.c, so they run in a scratch directory
  whose epan/dissectors is a symlink to the plugin's source directory and whose epan/tfs.c is the
  fetched one (not under plugins/epan/: check_tfs.py skips its comparison for paths there, because
  in-tree plugins may not import data from libwireshark on Windows; this plugin is built for Linux
  only and already uses tfs_* strings from libwireshark).

Findings are every line a checker prints besides its headers and summaries, and any non-zero exit
status. check_typed_item_calls.py misreads one-line hf entries whose blurb is NULL (it takes the
blurb for the mask), so such entries with a mask must be written on two lines (MASK_HIDDEN). One finding is expected and allowed (TFS_ALLOWED): its reason is stated there, and the
test fails when it is no longer reported (a stale exception). Deliberately bad code proves that each
checker reports what it should (CheckersCanFail).
"""
import glob
import os
import re
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "compat"))
import compatlib  # noqa: E402

SOURCE_DIR = os.environ.get("TS_SOURCE_DIR", os.path.dirname(HERE))
BUILD_DIR = os.environ.get("TS_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))
CI = os.environ.get("CI", "").lower() == "true"

TOOLS = ["tools/checkAPIs.pl", "tools/checkhf.pl", "tools/checkfiltername.pl",
         "tools/check_typed_item_calls.py", "tools/check_tfs.py"]
MEMBERS = TOOLS + ["epan/tfs.c"]          # check_tfs.py compares against epan/tfs.c

CHECKAPIS_GROUPS = ["--group", "dissectors-prohibited", "--group", "dissectors-restricted",
                    "--group", "abort", "--group", "termoutput"]
TYPED_FLAGS = ["--consecutive", "--label", "--mask", "--missing-items"]

# (file, check_tfs.py line fragment): findings that are right for the plugin.
TFS_ALLOWED = {
    # include/ts-compat.h: tfs_true_false is in 4.0's epan/tfs.c (what this checker compares
    # with) but was removed in Wireshark 4.4, and the plugin must build against 4.4 and 4.6 too.
    ("packet-troubleshark.c", "ts_tfs_true_false - could have used tfs_true_false from tfs.c"),
}


def _prepare():
    """(tools root, description) or the reason they are unavailable (an exception)."""
    given = os.environ.get("TS_WIRESHARK_SOURCE")
    if given:
        missing = [m for m in MEMBERS if not os.path.isfile(os.path.join(given, m))]
        if missing:
            return RuntimeError("TS_WIRESHARK_SOURCE=%s lacks %s" % (given, " ".join(missing)))
        return given, "TS_WIRESHARK_SOURCE=%s" % given
    try:
        tree, info = compatlib.source_files(BUILD_DIR, MEMBERS)
    except compatlib.Unavailable as e:
        if CI:
            return RuntimeError("Wireshark source unavailable and CI=true requires this test: %s" % e)
        print("SKIPPED-ALL: Wireshark source unavailable (offline, not CI): %s" % e, flush=True)
        return unittest.SkipTest(str(e))
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        return RuntimeError("cannot get the checkers from the Wireshark source: %s" % e)
    return tree, "Debian source %s %s (%s; Debian patches applied to them: %s)" % (
        info["source"], info["version"], info.get("orig", "?"), ", ".join(info.get("patches", [])) or "none")


PREPARED = _prepare()


def plugin_sources():
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(SOURCE_DIR, "*.c")))


def plugin_headers():
    return sorted(os.path.relpath(p, SOURCE_DIR) for p in glob.glob(os.path.join(SOURCE_DIR, "include", "*.h")))


def run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace", timeout=600,
                       env=dict(os.environ, LC_ALL="C"))
    return p.returncode, p.stdout, p.stderr


# Files that are tshark's command-line output of a tap (like Wireshark's ui/cli/tap-*.c), not
# dissector code: printing to stdout is their job, so the dissector groups (dissectors-restricted,
# termoutput) do not apply; they are checked with checkAPIs.pl's default groups.
TAP_OUTPUT_SOURCES = {"stats-export.c"}


def checkapis(tools, files, cwd, groups=None):
    """Findings of checkAPIs.pl (stderr 'Error:'/'Warning:' lines with their 'Args:' detail; any other
    stderr output is a finding too) and its exit status (the error count)."""
    groups = CHECKAPIS_GROUPS if groups is None else groups
    rc, out, err = run(["perl", os.path.join(tools, "tools", "checkAPIs.pl")] + groups + files, cwd)
    findings = []
    for line in (err + out).splitlines():
        if line.startswith("\t") and findings:
            findings[-1] += " |" + line.strip()
        elif line.strip():
            findings.append(line.strip())
    return rc, findings


def lines_of(text, skip=()):
    return [l.strip() for l in text.splitlines() if l.strip() and not any(re.match(s, l.strip()) for s in skip)]


def checkhf(tools, files, cwd):
    rc, out, err = run(["perl", os.path.join(tools, "tools", "checkhf.pl")] + files, cwd)
    return rc, lines_of(out + err)


def checkfiltername(tools, files, cwd):
    rc, out, err = run(["perl", os.path.join(tools, "tools", "checkfiltername.pl")] + files, cwd)
    return rc, lines_of(out + err)


class _Scratch:
    """A directory where epan/dissectors is `src_dir` and epan/tfs.c the fetched one."""

    def __init__(self, tools, src_dir):
        self.tmp = tempfile.TemporaryDirectory(prefix="ts-lint-")
        self.dir = self.tmp.name
        os.makedirs(os.path.join(self.dir, "epan"))
        os.symlink(os.path.abspath(src_dir), os.path.join(self.dir, "epan", "dissectors"))
        os.symlink(os.path.join(os.path.abspath(tools), "epan", "tfs.c"), os.path.join(self.dir, "epan", "tfs.c"))

    def close(self):
        self.tmp.cleanup()


def python_checker(tools, script, flags, files, src_dir, summary):
    """Findings of check_typed_item_calls.py / check_tfs.py: every line but the 'Examining:' header,
    the file list and the summary (whose counts must be zero: any other count is a finding)."""
    scratch = _Scratch(tools, src_dir)
    try:
        args = [a for f in files for a in ("--file", f)]
        rc, out, err = run([sys.executable, os.path.join(tools, "tools", script)] + flags + args, scratch.dir)
    finally:
        scratch.close()
    findings = []
    for line in lines_of(out + err, skip=[r"^Examining:$", r"^(epan/dissectors/\S+\s*)+$"]):
        m = re.match(r"^(\d+) (warnings|errors)%s$" % summary, line)
        if m:
            if m.group(1) != "0":
                findings.append(line)
            continue
        findings.append(line.replace("epan/dissectors/", ""))
    return rc, findings


def typed_item_calls(tools, files, src_dir):
    return python_checker(tools, "check_typed_item_calls.py", TYPED_FLAGS, files, src_dir, "")


def check_tfs(tools, files, src_dir):
    return python_checker(tools, "check_tfs.py", [], files, src_dir, " found")


class _Checker(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        if isinstance(PREPARED, Exception):
            raise PREPARED
        cls.tools, cls.origin = PREPARED

    def assertClean(self, name, rc, findings):
        self.assertEqual(findings, [], "%s (%s) reports:\n  %s" % (name, self.origin, "\n  ".join(findings)))
        self.assertEqual(rc, 0, "%s exited %d" % (name, rc))


class PluginSources(_Checker):
    """The checkers look at every source: the plugin's .c files and its headers."""

    def test_sources_found(self):
        srcs = plugin_sources()
        print("checkers from %s\nsources: %s" % (self.origin, " ".join(srcs + plugin_headers())), file=sys.stderr)
        for must in ("packet-aerospike.c", "packet-rocketmq.c", "plugin.c"):
            self.assertIn(must, srcs)
        self.assertTrue(plugin_headers())


class CheckAPIs(_Checker):
    def test_no_prohibited_apis_and_sane_hf_entries(self):
        dissector_code = [f for f in plugin_sources() if f not in TAP_OUTPUT_SOURCES]
        rc, findings = checkapis(self.tools, dissector_code + plugin_headers(), SOURCE_DIR)
        self.assertClean("checkAPIs.pl", rc, findings)
        tap_output = [f for f in plugin_sources() if f in TAP_OUTPUT_SOURCES]
        if tap_output:
            rc, findings = checkapis(self.tools, tap_output, SOURCE_DIR, groups=[])
            self.assertClean("checkAPIs.pl (tap output)", rc, findings)


class CheckHf(_Checker):
    def test_every_hf_and_ei_registered_and_used(self):
        rc, findings = checkhf(self.tools, plugin_sources(), SOURCE_DIR)
        self.assertClean("checkhf.pl", rc, findings)


class CheckFilterName(_Checker):
    def test_filter_names_match_the_protocol(self):
        files = [f for f in plugin_sources() if f.startswith("packet-")]
        rc, findings = checkfiltername(self.tools, files, SOURCE_DIR)
        self.assertClean("checkfiltername.pl", rc, findings)


# An hf entry on one line whose blurb is NULL: check_typed_item_calls.py's entry pattern then takes
# the blurb for the mask (its display field pattern is greedy within a line), so the mask checks
# never see that mask. Such entries are written on two lines, the second starting at 'strings'.
MASK_HIDDEN = re.compile(r"\{\s*&hf_\w+\s*,\s*\{\s*\".*,\s*(0x0*[1-9a-fA-F][0-9a-fA-F]*|0*[1-9]\d*)\s*,"
                         r"\s*NULL\s*,\s*HFILL")


class CheckTypedItemCalls(_Checker):
    def test_calls_match_item_types_and_masks(self):
        rc, findings = typed_item_calls(self.tools, plugin_sources(), SOURCE_DIR)
        self.assertClean("check_typed_item_calls.py", rc, findings)

    def test_every_mask_is_visible_to_the_mask_checks(self):
        hidden = []
        for f in plugin_sources():
            with open(os.path.join(SOURCE_DIR, f), errors="replace") as fh:
                for n, line in enumerate(fh, 1):
                    if MASK_HIDDEN.search(line):
                        hidden.append("%s:%d: %s" % (f, n, line.strip()))
        self.assertEqual(hidden, [], "one-line hf entries with a mask and a NULL blurb (put 'strings, mask, "
                         "blurb, HFILL' on a second line):\n" + "\n".join(hidden))

    def test_mask_pattern(self):
        self.assertTrue(MASK_HIDDEN.search('{ &hf_a, { "A", "p.a", FT_BOOLEAN, 8, NULL, 0x01, NULL, HFILL } },'))
        self.assertFalse(MASK_HIDDEN.search('{ &hf_a, { "A", "p.a", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL } },'))
        self.assertFalse(MASK_HIDDEN.search('{ &hf_a, { "A", "p.a", FT_BOOLEAN, 8,'))


class CheckTfs(_Checker):
    def test_no_private_copy_of_a_wireshark_true_false_string(self):
        rc, findings = check_tfs(self.tools, plugin_sources(), SOURCE_DIR)

        def is_allowed(line, entry):
            return line.startswith(entry[0] + " ") and entry[1] in line

        for entry in TFS_ALLOWED:
            self.assertTrue(any(is_allowed(f, entry) for f in findings),
                            "stale exception in TFS_ALLOWED (no longer reported): %s %s" % entry)
        allowed = [f for f in findings if any(is_allowed(f, e) for e in TFS_ALLOWED)]
        # check_tfs.py counts each allowed duplicate as an error (summary line, exit status 1)
        rest = [f for f in findings if f not in allowed and f != "%d errors found" % len(allowed)]
        self.assertEqual(rest, [], "check_tfs.py (%s) reports:\n  %s" % (self.origin, "\n  ".join(rest)))
        self.assertEqual(rc, 1 if allowed else 0, "check_tfs.py exited %d" % rc)


BAD_DISSECTOR = r"""
#include <epan/packet.h>
static int proto_lintprobe = -1;
static int hf_lintprobe_used = -1;
static int hf_lintprobe_unused = -1;
static int hf_lintprobe_flag = -1;
static int hf_lintprobe_u16 = -1;
static int hf_lintprobe_noarray = -1;
static const true_false_string lintprobe_tfs = { "Yes", "No" };
static int dissect_lintprobe(tvbuff_t *tvb, packet_info *pinfo _U_, proto_tree *tree, void *data _U_)
{
    proto_tree_add_uint(tree, hf_lintprobe_used, tvb, 0, 2, tvb_get_ntohs(tvb, 0));
    proto_tree_add_uint(tree, hf_lintprobe_u16, tvb, 0, 2, 7);
    proto_tree_add_item(tree, hf_lintprobe_flag, tvb, 0, 1, ENC_NA);
    proto_tree_add_item(tree, hf_lintprobe_noarray, tvb, 1, 1, ENC_NA);
    g_assert(tree);
    return 2;
}
void proto_register_lintprobe(void)
{
    static hf_register_info hf[] = {
        { &hf_lintprobe_used, { "Used", "lintprobe.used", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_lintprobe_unused, { "Unused", "otherproto.unused", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_lintprobe_flag, { "Flag", "lintprobe.flag", FT_BOOLEAN, 8,
            TFS(&lintprobe_tfs), 0x001, NULL, HFILL } },
        { &hf_lintprobe_u16, { "U16", "lintprobe.u16", FT_INT64, BASE_DEC, NULL, 0x0, NULL, HFILL } },
    };
    proto_lintprobe = proto_register_protocol("Lint probe", "LINTPROBE", "lintprobe");
    proto_register_field_array(proto_lintprobe, hf, array_length(hf));
    register_dissector("lintprobe", dissect_lintprobe, proto_lintprobe);
}
"""


class CheckersCanFail(_Checker):
    """Each checker, run exactly as above, reports a deliberately bad dissector (so a clean result
    means something, and the output parsing does not hide findings)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.TemporaryDirectory(prefix="ts-lint-bad-")
        cls.dir = cls.tmp.name
        with open(os.path.join(cls.dir, "packet-lintprobe.c"), "w") as f:
            f.write(BAD_DISSECTOR)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def assertReports(self, rc, findings, *fragments):
        text = "\n".join(findings)
        for frag in fragments:
            self.assertIn(frag, text)
        self.assertNotEqual(rc, 0, text)

    def test_checkapis(self):
        rc, findings = checkapis(self.tools, ["packet-lintprobe.c"], self.dir)
        self.assertReports(rc, findings, "uses proto_tree_add_uint with tvb_get_*",
                           "Found dissectors-prohibited APIs in packet-lintprobe.c: g_assert")

    def test_checkhf(self):
        rc, findings = checkhf(self.tools, ["packet-lintprobe.c"], self.dir)
        self.assertReports(rc, findings, "entry: packet-lintprobe.c: hf_lintprobe_unused",
                           "NO ARRAY: packet-lintprobe.c: hf_lintprobe_noarray")

    def test_checkfiltername(self):
        rc, findings = checkfiltername(self.tools, ["packet-lintprobe.c"], self.dir)
        self.assertReports(rc, findings, "otherproto.unused doesn't match PROTOABBREV of lintprobe")

    def test_check_typed_item_calls(self):
        rc, findings = typed_item_calls(self.tools, ["packet-lintprobe.c"], self.dir)
        self.assertReports(rc, findings, "proto_tree_add_uint(.., hf_lintprobe_u16, ...) called at "
                           "packet-lintprobe.c", "mask has odd number of digits 0x001",
                           'called for "hf_lintprobe_noarray"  - but no item found')

    def test_check_tfs(self):
        rc, findings = check_tfs(self.tools, ["packet-lintprobe.c"], self.dir)
        self.assertReports(rc, findings, "packet-lintprobe.c lintprobe_tfs - could have used tfs_yes_no")


class PatchFilter(unittest.TestCase):
    """compatlib.patch_sections keeps exactly the file sections of a Debian patch that change the
    fetched files (the others cannot apply: their files are not extracted)."""

    DIFF = ("Description: x\n--- a/tools/checkhf.pl\n+++ b/tools/checkhf.pl\n@@ -1 +1 @@\n-a\n+b\n"
            "diff --git a/epan/x.c b/epan/x.c\n--- a/epan/x.c\n+++ b/epan/x.c\n@@ -1 +1 @@\n-c\n+d\n")

    def test_sections(self):
        self.assertEqual(compatlib.patch_sections(self.DIFF, ["tools/checkhf.pl"]),
                         "--- a/tools/checkhf.pl\n+++ b/tools/checkhf.pl\n@@ -1 +1 @@\n-a\n+b\n")
        self.assertEqual(compatlib.patch_sections(self.DIFF, ["epan/x.c"]),
                         "--- a/epan/x.c\n+++ b/epan/x.c\n@@ -1 +1 @@\n-c\n+d\n")
        self.assertEqual(compatlib.patch_sections(self.DIFF, ["tools/checkAPIs.pl"]), "")


if __name__ == "__main__":
    unittest.main()
