"""A Debug build with the tests configures, compiles without warnings and links.

At -O0 calls such as floor() are not inlined as in Release, so a library missing from the link
(libm) only shows in a Debug build. Built in <build>/debug-build (incremental between runs; a
changed source or CMake file is rebuilt and relinked), with the host build's protocols.
"""
import os
import re
import subprocess
import unittest

SOURCE_DIR = os.path.abspath(os.environ.get("TS_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD_DIR = os.path.abspath(os.environ.get("TS_BUILD_DIR", os.path.join(SOURCE_DIR, "build")))
DEBUG_DIR = os.path.join(BUILD_DIR, "debug-build")


def _cached(var):
    try:
        with open(os.path.join(BUILD_DIR, "CMakeCache.txt")) as f:
            m = re.search(r"^%s:\w+=(.*)$" % re.escape(var), f.read(), re.M)
            return m.group(1) if m else None
    except OSError:
        return None


class DebugBuild(unittest.TestCase):

    def test_debug_build_with_tests_links(self):
        args = ["cmake", "-S", SOURCE_DIR, "-B", DEBUG_DIR, "-DCMAKE_BUILD_TYPE=Debug",
                "-DBUILD_TESTING=ON"]
        protos = _cached("TS_PROTOCOLS")
        if protos:
            args.append("-DTS_PROTOCOLS=" + protos)
        p = subprocess.run(args, capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-3000:])
        p = subprocess.run(["cmake", "--build", DEBUG_DIR, "-j", os.environ.get("TS_JOBS", "2")],
                           capture_output=True, text=True, timeout=1200)
        self.assertEqual(p.returncode, 0, p.stdout[-4000:] + p.stderr[-4000:])
        self.assertNotRegex(p.stdout + p.stderr, r"undefined reference|\bwarning\b")
        self.assertTrue(os.path.isfile(os.path.join(DEBUG_DIR, "troubleshark.so")))
        # the C unit tests were built too
        tests = subprocess.run(["ctest", "-N", "-L", "^unit$"], cwd=DEBUG_DIR, capture_output=True,
                               text=True, check=True).stdout
        defined = set(re.findall(r"Test\s+#\d+:\s+(unit_\S+)", tests))
        c_tests = [f[:-2] for f in os.listdir(os.path.join(SOURCE_DIR, "tests", "unit"))
                   if f.startswith("test_") and f.endswith(".c")]
        built = [t for t in c_tests if "unit_" + t[len("test_"):] in defined]
        self.assertTrue(built, tests)
        for t in built:
            self.assertTrue(os.path.isfile(os.path.join(DEBUG_DIR, "tests", t)), t)


if __name__ == "__main__":
    unittest.main()
