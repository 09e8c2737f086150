"""README.md is the landing page and README.md + doc/*.md the user's manual: the README stays
short and indexes the documentation; every statistics (-z) name and every preference the plugin
registers is documented. (The field reference is checked by test_unit_docs_fields.py, the links
by test_unit_docs_links.py.)"""
import glob
import os
import re
import unittest

import tslib

OURS = {"aerospike", "aerospike_cluster", "trade", "hsf2", "rocketmq", "hessian", "troubleshark"}
README = os.path.join(tslib.SOURCE_DIR, "README.md")
MANUAL = [README] + sorted(glob.glob(os.path.join(tslib.SOURCE_DIR, "doc", "*.md")))
MAX_README_LINES = 300


class Readme(tslib.PluginTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pages = {}
        for path in MANUAL:
            with open(path) as f:
                cls.pages[os.path.relpath(path, tslib.SOURCE_DIR)] = f.read()
        cls.text = "\n".join(cls.pages.values())
        cls.readme = cls.pages["README.md"]

    def test_readme_is_a_landing_page(self):
        self.assertLessEqual(len(self.readme.splitlines()), MAX_README_LINES)
        self.assertNotIn("<!-- BEGIN doc/", self.readme)   # no copies of doc pages

    def test_readme_indexes_the_documentation(self):
        for page in ["aerospike.md", "aerospike_cluster.md", "trade.md", "hsf2.md", "rocketmq.md",
                     "statistics.md", "heuristics.md", "reliability.md", "compat.md", "bench.md",
                     "HACKING.md", "design.md", "fields/README.md"]:
            self.assertIn("(doc/%s" % page, self.readme, page)

    def test_every_statistics_name_documented(self):
        p = tslib.run_tshark(["-z", "help"], check=False)
        out = p.stdout + p.stderr
        names = [l.strip() for l in out.splitlines()
                 if re.match(r"\s*(%s),\w+" % "|".join(OURS), l.strip())]
        self.assertTrue(names)
        missing = [n for n in names if "`%s" % n not in self.text]
        self.assertEqual(missing, [], "statistics names not in README.md or doc/*.md")

    def test_every_preference_documented(self):
        out = tslib.run_tshark(["-G", "defaultprefs"]).stdout
        prefs = set(re.findall(r"^#?\s*((?:%s)\.[\w.]+):" % "|".join(OURS), out, re.M))
        self.assertTrue(prefs)
        # the full name (`-o trade.keepalive_timeout:90`), or the short name in backticks on a
        # page whose preference table names the protocol
        missing = [p for p in sorted(prefs)
                   if p not in self.text and "`%s`" % p.split(".", 1)[1] not in self.text]
        self.assertEqual(missing, [], "preferences not in README.md or doc/*.md")


if __name__ == "__main__":
    unittest.main()
