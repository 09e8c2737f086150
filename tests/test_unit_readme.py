"""The README is the user's manual: its generated sections match doc/*.md, and it names every
display filter field, every statistics (-z) name and every preference the plugin registers."""
import os
import re
import subprocess
import sys
import unittest

import tslib

OURS = {"aerospike", "aerospike_cluster", "trade", "hsf2", "rocketmq", "hessian", "troubleshark"}


class Readme(tslib.PluginTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with open(os.path.join(tslib.SOURCE_DIR, "README.md")) as f:
            cls.text = f.read()

    def test_generated_sections_match_doc(self):
        p = subprocess.run([sys.executable, os.path.join(tslib.SOURCE_DIR, "scripts", "build-readme.py"),
                            "--check"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_every_field_documented(self):
        out = tslib.run_tshark(["-G", "fields"]).stdout
        missing = []
        for line in out.splitlines():
            c = line.split("\t")
            if c[0] == "F" and len(c) > 4 and c[4] in OURS:
                if not re.search(r"(?<![\w.])%s(?![\w])" % re.escape(c[2]), self.text):
                    missing.append(c[2])
        self.assertEqual(missing, [])

    def test_every_statistics_name_documented(self):
        p = tslib.run_tshark(["-z", "help"], check=False)
        out = p.stdout + p.stderr
        names = [l.strip() for l in out.splitlines()
                 if re.match(r"\s*(%s),\w+" % "|".join(OURS), l.strip())]
        self.assertTrue(names)
        for n in names:
            self.assertIn("`%s" % n, self.text, n)

    def test_every_preference_documented(self):
        out = tslib.run_tshark(["-G", "defaultprefs"]).stdout
        prefs = set(re.findall(r"^#?\s*((?:%s)\.[\w.]+):" % "|".join(OURS), out, re.M))
        self.assertTrue(prefs)
        missing = [p for p in sorted(prefs) if p.split(".", 1)[1] not in self.text]
        self.assertEqual(missing, [])


if __name__ == "__main__":
    unittest.main()
