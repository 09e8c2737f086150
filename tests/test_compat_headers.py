"""Every plugin source compiles with -fsyntax-only and the project's own flags (-Wall -Wextra
-Werror ...) against the Wireshark 4.4 (Debian trixie) and 4.6 (Debian sid) headers; every shim
of include/ts-compat.h compiles against 4.0 (the host), 4.4 and 4.6; and no source but the
compat header (and plugin.c) switches on the Wireshark version.

The headers come from the suites' -dev packages, downloaded with a private apt configuration
from the machine's own Debian source and unpacked under <build>/compat-headers/<suite> (cached).
The source list, flags and definitions are the build's own (<build>/compat/build-info.json,
written by cmake/compat.cmake). Skips only when the package source cannot be reached, and says
why (the host-only checks still run then; a failure there is never reported as a skip).
"""
import json
import os
import re
import shlex
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "compat"))
import compatlib  # noqa: E402

BUILD_DIR = os.environ.get("TS_BUILD_DIR", os.path.join(os.path.dirname(HERE), "build"))
INFO_PATH = os.path.join(BUILD_DIR, "compat", "build-info.json")
PROBE = os.path.join(HERE, "compat", "compat_probe.c")
VERSION_SWITCH = re.compile(r"^\s*#\s*(?:el)?if.*\b(WIRESHARK_VERSION_\w+|VERSION_MAJOR|"
                            r"VERSION_MINOR|TS_WS_AT_LEAST)\b")


def _load_info():
    with open(INFO_PATH) as f:
        return json.load(f)


def _glib_cflags():
    out = subprocess.run(["pkg-config", "--cflags", "glib-2.0"], capture_output=True, text=True,
                         check=True).stdout
    return shlex.split(out)


def _compile(info, inc, src):
    cmd = [info["c_compiler"], "-fsyntax-only", "-std=" + info["c_std"],
           '-DPLUGIN_VERSION="%s"' % info["plugin_version"]]
    cmd += ["-D" + d for d in info["definitions"]]
    cmd += ["-I" + d for d in info["include_dirs"]]
    cmd += ["-I" + inc] + _glib_cflags() + info["warning_flags"] + [src]
    return subprocess.run(cmd, capture_output=True, text=True), cmd


def host_probe_problem(info):
    """None when the compat probe compiles cleanly against the host's Wireshark headers."""
    p, cmd = _compile(info, info["host_include_dir"], PROBE)
    if p.returncode == 0 and not p.stderr.strip():
        return None
    return "%s\n%s" % (" ".join(cmd), p.stderr[-4000:])


def version_switches(info):
    """'file:line: text' of every Wireshark version test outside ts-compat.h and plugin.c."""
    files = [s for s in info["sources"] if s not in info["registration_sources"]]
    for d in info["include_dirs"]:
        files += [os.path.join(d, f) for f in sorted(os.listdir(d))
                  if f.endswith(".h") and f != "ts-compat.h"]
    found = []
    for path in files:
        with open(path, errors="replace") as f:
            for n, line in enumerate(f, 1):
                if VERSION_SWITCH.search(line):
                    found.append("%s:%d: %s" % (os.path.relpath(path, info["source_dir"]), n,
                                                line.strip()))
    return found


def _prepare():
    """{suite: include dir or Unavailable}. When no suite is available and the host-only checks
    pass, prints SKIPPED-ALL first (CTest's SKIP_REGULAR_EXPRESSION is anchored there)."""
    found = {}
    for suite in ("trixie", "sid"):
        try:
            found[suite] = compatlib.headers(BUILD_DIR, suite)
        except compatlib.Unavailable as e:
            found[suite] = e
    if all(isinstance(v, compatlib.Unavailable) for v in found.values()):
        try:
            info = _load_info()
            host_ok = host_probe_problem(info) is None and not version_switches(info)
        except (OSError, ValueError):
            host_ok = False
        if host_ok:
            print("SKIPPED-ALL: Wireshark 4.4/4.6 headers unavailable: "
                  + "; ".join(str(v) for v in found.values()), flush=True)
    return found


HEADERS = _prepare()


class _HeadersCheck:
    suite = None

    @classmethod
    def setUpClass(cls):
        inc = HEADERS[cls.suite]
        if isinstance(inc, compatlib.Unavailable):
            raise unittest.SkipTest(str(inc))
        cls.info = _load_info()
        cls.inc = inc
        cls.version = compatlib.header_version(inc)

    def _compile(self, src):
        return _compile(self.info, self.inc, src)

    def test_headers_are_the_expected_wireshark_version(self):
        print("%s headers: Wireshark %s (%s)" % (self.suite, self.version, self.inc),
              file=sys.stderr)
        self.assertIsNone(compatlib.expect_version(self.suite, self.version))

    def test_every_plugin_source_compiles_without_warnings(self):
        info = self.info
        self.assertIn(os.path.join(info["source_dir"], "plugin.c"), info["sources"])
        self.assertIn("-Werror", info["warning_flags"])
        failures = []
        for src in info["sources"]:
            p, cmd = self._compile(src)
            if p.returncode != 0 or p.stderr.strip():
                failures.append("%s (Wireshark %s):\n%s\n%s" % (
                    os.path.basename(src), self.version, " ".join(cmd), p.stderr[-3000:]))
        if failures:
            self.fail("%d of %d sources do not compile against Wireshark %s:\n\n%s" % (
                len(failures), len(info["sources"]), self.version, "\n\n".join(failures)))

    def test_every_compat_shim_compiles(self):
        """tests/compat/compat_probe.c uses each shim of ts-compat.h like a dissector would."""
        p, cmd = self._compile(PROBE)
        self.assertEqual((p.returncode, p.stderr), (0, ""), " ".join(cmd))

    def test_check_rejects_an_api_the_headers_lack(self):
        """The check itself can fail: a call to a function these headers do not declare is an
        error under the project's flags (so a clean result above means something)."""
        probe = os.path.join(BUILD_DIR, "compat", "probe-%s.c" % self.suite)
        with open(probe, "w") as f:
            f.write('#include "ts-compat.h"\n'
                    "int ts_probe(tvbuff_t *tvb) { return ts_no_such_function(tvb); }\n")
        p, _ = self._compile(probe)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("implicit declaration", p.stderr)


class HostWireshark(unittest.TestCase):
    """The host's own Wireshark (4.0 on Debian 12): the shims, and where version switches live."""

    @classmethod
    def setUpClass(cls):
        cls.info = _load_info()

    def test_every_compat_shim_compiles_on_host_wireshark(self):
        problem = host_probe_problem(self.info)
        self.assertIsNone(problem, problem)

    def test_no_version_switch_outside_the_compat_header(self):
        """Dissectors and shared code carry no version-specific code: every
        WIRESHARK_VERSION_* / TS_WS_AT_LEAST test belongs in include/ts-compat.h (plugin.c, which
        exports the version the plugin was built for, is the one exception)."""
        found = version_switches(self.info)
        if found:
            self.fail("move these version switches into include/ts-compat.h:\n" + "\n".join(found))

    def test_version_switch_rule_sees_a_guard(self):
        """The rule's pattern matches the guards it must catch (and not plain uses)."""
        self.assertTrue(VERSION_SWITCH.search("#if TS_WS_AT_LEAST(4, 5)"))
        self.assertTrue(VERSION_SWITCH.search("  # elif WIRESHARK_VERSION_MINOR >= 4"))
        self.assertFalse(VERSION_SWITCH.search("const int x = WIRESHARK_VERSION_MAJOR;"))


class Wireshark44Trixie(_HeadersCheck, unittest.TestCase):
    suite = "trixie"


class Wireshark46Sid(_HeadersCheck, unittest.TestCase):
    suite = "sid"


if __name__ == "__main__":
    unittest.main()
