"""The plugin builds without warnings and passes the same dissection, statistics and unit tests
under Wireshark 4.4 (Debian trixie) and 4.6 (Debian sid) as under the host's Wireshark.

For each suite a minimal debootstrap root (tshark, wireshark-dev, cmake, gcc, python3,
util-linux) is created once and cached in <build>/compat-roots/<suite>. The current source tree
and ../shared are bind-mounted read-only at their own absolute paths inside it (so the test files
run are the host's files, not copies, and ../shared/captures is found at the same relative path);
the plugin is configured and built from scratch in /ts-build inside the root with the host's
TS_PROTOCOLS, and `ctest -L 'dissect|stats|unit'` runs there. The set of tests run inside must be
the set the host build defines for those labels.

Needs root (debootstrap, chroot, mount). Skips only when debootstrap, root privileges or the
package source are unavailable, and says why. TS_COMPAT_SUITES (e.g. "trixie") limits the suites.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "compat"))
import compatlib  # noqa: E402

BUILD_DIR = os.path.abspath(os.environ.get("TS_BUILD_DIR", os.path.join(os.path.dirname(HERE), "build")))
INFO_PATH = os.path.join(BUILD_DIR, "compat", "build-info.json")
LABELS = "^(dissect|stats|unit)$"
ROOT_BUILD = "/ts-build"
JOBS = os.environ.get("TS_COMPAT_JOBS", "2")
SUITES = [s for s in os.environ.get("TS_COMPAT_SUITES", "trixie sid").split() if s in compatlib.SUITES]


def _availability():
    """None when roots can be made, else the reason (printed first, for CTest's skip regex)."""
    try:
        compatlib.check_debootstrap()
        for s in SUITES:
            compatlib.check_source(s)
    except compatlib.Unavailable as e:
        return str(e)
    return None


UNAVAILABLE = _availability()
if UNAVAILABLE:
    print("SKIPPED-ALL: Wireshark 4.4/4.6 roots unavailable: " + UNAVAILABLE, flush=True)


class _Roots:
    """Creates the roots of all suites concurrently (debootstrap is mostly download and unpack)."""
    lock = threading.Lock()
    done = None

    @classmethod
    def get(cls, suite):
        with cls.lock:
            if cls.done is None:
                cls.done = {}
                t0 = time.time()

                def make(s):
                    try:
                        cls.done[s] = compatlib.ensure_root(BUILD_DIR, s)
                    except Exception as e:  # reported by the suite's tests
                        cls.done[s] = e
                threads = [threading.Thread(target=make, args=(s,)) for s in SUITES]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                compatlib.log("roots ready in %.0f s" % (time.time() - t0))
        r = cls.done[suite]
        if isinstance(r, compatlib.Unavailable):
            raise unittest.SkipTest(str(r))
        if isinstance(r, Exception):
            raise r
        return r


def _host_tests():
    """Names of the tests the host build defines for LABELS."""
    out = subprocess.run(["ctest", "-N", "-L", LABELS], cwd=BUILD_DIR, capture_output=True,
                         text=True, check=True).stdout
    return sorted(re.findall(r"Test\s+#\d+:\s+(\S+)", out))


def _junit(path):
    """{test name: (status, output)} from a ctest --output-junit file; status is one of
    passed, failed, skipped."""
    res = {}
    for tc in ET.parse(path).getroot().iter("testcase"):
        st = tc.get("status", "")
        if tc.find("failure") is not None or tc.find("error") is not None or st == "fail":
            st = "failed"
        elif tc.find("skipped") is not None or st in ("notrun", "disabled"):
            st = "skipped"
        elif st == "run":
            st = "passed"
        res[tc.get("name")] = (st, tc.findtext("system-out") or "")
    return res


def _digest(output, lines=80, width=400):
    """The end of a test's output, long lines shortened (tshark -G dumps make huge ones)."""
    out = [l if len(l) <= width else l[:width] + " [...%d chars]" % (len(l) - width)
           for l in output.splitlines()]
    return "\n".join(out[-lines:])


class _InRoot:
    suite = None

    @classmethod
    def setUpClass(cls):
        if UNAVAILABLE:
            raise unittest.SkipTest(UNAVAILABLE)
        if cls.suite not in SUITES:
            raise unittest.SkipTest("suite %s not selected by TS_COMPAT_SUITES" % cls.suite)
        with open(INFO_PATH) as f:
            cls.info = json.load(f)
        cls.root = _Roots.get(cls.suite)
        src = cls.info["source_dir"]
        shared = os.environ.get("TS_SHARED_DIR", os.path.join(os.path.dirname(src), "shared"))
        cls.binds = [src] + ([os.path.abspath(shared)] if os.path.isdir(shared) else [])
        # tslib's private homes and generated captures of earlier runs
        tmp = os.path.join(cls.root, "tmp")
        for d in os.listdir(tmp):
            if d.startswith(("ts-", "tmp")):
                shutil.rmtree(os.path.join(tmp, d), ignore_errors=True)

        cls.tshark_version = cls._sh("tshark --version 2>/dev/null | head -n 1").stdout.strip()

        t0 = time.time()
        build = os.path.join(cls.root, ROOT_BUILD.lstrip("/"))
        configure = ("cmake -S {src} -B {b} -DBUILD_TESTING=ON -DCMAKE_BUILD_TYPE=Release "
                     "'-DTS_PROTOCOLS={protos}'").format(
                         src=src, b=ROOT_BUILD, protos=";".join(cls.info["protocols"]))
        # a fresh build tree every time: compiler warnings show up (and fail) on every run
        cls.build_out = cls._sh("rm -rf %s && %s && cmake --build %s -j%s"
                                % (ROOT_BUILD, configure, ROOT_BUILD, JOBS), timeout=1200)
        cls.build_time = time.time() - t0
        compatlib.log("%s: built in %.0f s (rc %d)" % (cls.suite, cls.build_time,
                                                         cls.build_out.returncode))
        cls.test_out = None
        cls.results = {}
        if cls.build_out.returncode == 0:
            t0 = time.time()
            junit = os.path.join(build, "compat-junit.xml")
            if os.path.exists(junit):
                os.unlink(junit)
            cls.test_out = cls._sh("cd %s && ctest -L '%s' --output-on-failure -j%s --timeout 900 "
                                   "--output-junit compat-junit.xml" % (ROOT_BUILD, LABELS, JOBS),
                                   timeout=1500)
            cls.test_time = time.time() - t0
            if os.path.exists(junit):
                cls.results = _junit(junit)
            compatlib.log("%s: ctest %s in %.0f s (rc %d)" % (
                cls.suite, LABELS, cls.test_time, cls.test_out.returncode))

    @classmethod
    def _sh(cls, script, timeout=300):
        return compatlib.run_in_root(cls.root, ["sh", "-c", script], binds=cls.binds,
                                     timeout=timeout)

    def test_tshark_is_the_suites_wireshark(self):
        m = re.search(r"(\d+\.\d+\.\d+)", self.tshark_version)
        self.assertIsNotNone(m, self.tshark_version)
        print("%s: %s" % (self.suite, self.tshark_version), file=sys.stderr)
        self.assertIsNone(compatlib.expect_version(self.suite, m.group(1)))

    def test_plugin_builds_without_warnings(self):
        out = self.build_out.stdout
        self.assertEqual(self.build_out.returncode, 0, _digest(out))
        self.assertRegex(out, r"Building troubleshark [\d.]+ for Wireshark %s"
                         % re.escape(re.search(r"(\d+\.\d+\.\d+)", self.tshark_version).group(1)))
        self.assertIn("Linking C shared module troubleshark.so", out)
        warnings = [l for l in out.splitlines() if re.search(r"\bwarning\b", l, re.I)]
        self.assertEqual(warnings, [], _digest(out))

    def test_same_dissect_stats_unit_tests_pass_as_on_host(self):
        self.assertEqual(self.build_out.returncode, 0, "build failed, tests not run")
        out = self.test_out.stdout
        host = _host_tests()
        self.assertTrue(any(t.startswith("dissect_") for t in host), host)
        self.assertEqual(sorted(self.results), host,
                         "tests run in the %s root differ from the host's\n%s" % (self.suite, _digest(out)))
        failed = sorted(t for t, (st, _) in self.results.items() if st == "failed")
        report = "\n\n".join("----- %s under %s -----\n%s" % (t, self.tshark_version,
                                                               _digest(self.results[t][1]))
                              for t in failed)
        self.assertEqual(failed, [], "failing under %s (%s); they must pass as on the host "
                         "build:\n%s" % (self.suite, self.tshark_version, report))
        self.assertEqual(self.test_out.returncode, 0, _digest(out))
        skipped = sorted(t for t, (st, _) in self.results.items() if st == "skipped")
        if skipped:
            print("%s: skipped inside the root: %s" % (self.suite, " ".join(skipped)),
                  file=sys.stderr)


class Wireshark44Trixie(_InRoot, unittest.TestCase):
    suite = "trixie"


class Wireshark46Sid(_InRoot, unittest.TestCase):
    suite = "sid"


if __name__ == "__main__":
    unittest.main()
