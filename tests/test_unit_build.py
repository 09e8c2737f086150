"""The built module exports only the plugin symbols, and install/uninstall put exactly the plugin
and the Troubleshark profile where Wireshark looks for them (DESTDIR and --prefix honoured)."""
import os
import subprocess
import tempfile
import unittest

import tslib

PROFILE_FILES = sorted(os.listdir(os.path.join(tslib.SOURCE_DIR, "profile", "Troubleshark")))


class BuiltModule(unittest.TestCase):

    def test_exports_only_plugin_symbols(self):
        out = subprocess.run(["nm", "-D", "--defined-only", tslib.PLUGIN], capture_output=True,
                             text=True, check=True).stdout
        syms = sorted(l.split()[-1] for l in out.splitlines() if l.strip())
        expected = ["plugin_register", "plugin_version", "plugin_want_major", "plugin_want_minor"]
        mm = [int(x) for x in tslib.env().majmin.split(".")]
        if mm >= [4, 3]:
            expected.append("plugin_describe")
        self.assertEqual(syms, sorted(expected))

    def test_file_name_has_no_lib_prefix(self):
        self.assertEqual(os.path.basename(tslib.PLUGIN), "troubleshark.so")

    def _install(self, *args, destdir=None):
        e = dict(os.environ)
        if destdir:
            e["DESTDIR"] = destdir
        return subprocess.run(["cmake", "--install", tslib.BUILD_DIR] + list(args), env=e,
                              capture_output=True, text=True, check=True).stdout

    def _split(self, d):
        """(the one plugin file, [the profile's files]) installed under d; nothing else."""
        found = sorted(os.path.join(r, f) for r, _, fs in os.walk(d) for f in fs)
        plugin = [f for f in found if f.endswith(".so")]
        profile = [f for f in found if "/wireshark/profiles/Troubleshark/" in f]
        self.assertEqual(len(plugin), 1, found)
        self.assertEqual(sorted(map(os.path.basename, profile)), PROFILE_FILES, found)
        self.assertEqual(len(found), 1 + len(PROFILE_FILES), found)
        return plugin[0], profile

    def test_install_prefix_and_uninstall(self):
        with tempfile.TemporaryDirectory() as d:
            self._install("--prefix", d)
            found = self._split(d)
            mm = tslib.env().majmin
            self.assertTrue(found[0].endswith("/plugins/%s/epan/troubleshark.so" % mm), found[0])
            # a prefix other than the personal one: <prefix>/share/wireshark/profiles
            self.assertEqual(os.path.dirname(found[1][0]),
                             os.path.join(d, "share", "wireshark", "profiles", "Troubleshark"))

    def test_destdir_install_then_uninstall_removes_it(self):
        with tempfile.TemporaryDirectory() as d:
            self._install(destdir=d)
            found = self._split(d)
            self.assertIn("/plugins/%s/epan/troubleshark.so" % tslib.env().majmin, found[0])
            e = dict(os.environ, DESTDIR=d)
            subprocess.run(["cmake", "--build", tslib.BUILD_DIR, "--target", "uninstall"], env=e,
                           capture_output=True, check=True)
            self.assertFalse(os.path.exists(found[0]))
            self.assertEqual([f for f in found[1] if os.path.exists(f)], [])


if __name__ == "__main__":
    unittest.main()
