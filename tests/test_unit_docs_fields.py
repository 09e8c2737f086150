"""The display filter field reference (doc/fields/*.md) is generated from the registrations and
up to date: every field the plugin registers has its row, no row names a field that is gone."""
import importlib.util
import os
import tempfile
import unittest

import tslib

_spec = importlib.util.spec_from_file_location(
    "gen_field_docs", os.path.join(tslib.SOURCE_DIR, "scripts", "gen-field-docs.py"))
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

DOC = os.path.join(tslib.SOURCE_DIR, "doc", "fields")


class FieldReference(tslib.PluginTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fields_out = tslib.run_tshark(["-G", "fields"]).stdout
        cls.majmin = tslib.env().majmin
        cls.pages = gen.generate(cls.fields_out, tslib.run_tshark(["-G", "values"]).stdout, cls.majmin)
        cls.registered = {}
        for line in cls.fields_out.splitlines():
            c = line.split("\t")
            if c[0] == "F" and len(c) > 4 and c[4] in gen.PROTOCOL_NAMES:
                cls.registered.setdefault(c[4], set()).add(c[2])
        # a build with -DTS_PROTOCOLS=<subset> registers only some protocols: compare those
        cls.built = set(cls.registered)

    def committed(self, proto):
        path = os.path.join(DOC, proto + ".md")
        self.assertTrue(os.path.exists(path), "%s missing: run scripts/gen-field-docs.py" % path)
        with open(path) as f:
            return f.read()

    def test_every_registered_field_has_a_row(self):
        self.assertTrue(self.registered.get("aerospike") or self.registered.get("trade")
                        or self.registered.get("hsf2") or self.registered.get("rocketmq"))
        for proto in sorted(self.built):
            with self.subTest(proto=proto):
                rows = gen.field_names(self.committed(proto))
                missing = sorted(self.registered[proto] - set(rows))
                extra = sorted(set(rows) - self.registered[proto])
                self.assertEqual((missing, extra), ([], []),
                                 "doc/fields/%s.md: undocumented fields %s, fields no longer "
                                 "registered %s; run scripts/gen-field-docs.py" % (proto, missing, extra))

    def test_generated_pages_are_up_to_date(self):
        # regenerate into a temp dir with the script itself, then compare with the committed files;
        # the text (value names, types) is that of one Wireshark version: under another one (the
        # compat roots run this test too) only the rows are compared, by the test above
        with open(os.path.join(DOC, gen.INDEX)) as f:
            made_with = gen.generated_with(f.read())
        if made_with != self.majmin:
            self.skipTest("doc/fields was generated with Wireshark %s, this is %s"
                          % (made_with, self.majmin))
        with tempfile.TemporaryDirectory() as tmp:
            for name, text in self.pages.items():
                with open(os.path.join(tmp, name), "w") as f:
                    f.write(text)
            for name in sorted(self.pages):
                proto = name[:-3]
                if name != gen.INDEX and proto not in self.built:
                    continue
                if name == gen.INDEX and self.built | {"troubleshark"} != set(gen.PROTOCOL_NAMES):
                    continue   # the index of a subset build lists fewer protocols
                with self.subTest(page=name):
                    with open(os.path.join(tmp, name)) as f:
                        want = f.read()
                    with open(os.path.join(DOC, name)) as f:
                        have = f.read()
                    self.assertEqual(have, want,
                                     "doc/fields/%s is out of date: run scripts/gen-field-docs.py" % name)

    def test_no_page_for_an_unknown_protocol(self):
        stray = [n for n in os.listdir(DOC) if n.endswith(".md") and n != gen.INDEX
                 and n[:-3] not in gen.PROTOCOL_NAMES]
        self.assertEqual(stray, [])

    def test_generator_names_missing_and_extra_fields(self):
        # the --check report names the fields, not just "differs"
        page = next(n for n in sorted(self.pages) if n != gen.INDEX)
        with tempfile.TemporaryDirectory() as tmp:
            lines = self.pages[page].splitlines(True)
            row = next(i for i, l in enumerate(lines) if gen.ROW.match(l))
            dropped = gen.field_names(lines[row])[0]
            with open(os.path.join(tmp, page), "w") as f:   # one row dropped, one stray row
                f.write("".join(lines[:row] + ["| `gone.field` | FT_NONE | x |  |  |\n"]
                                + lines[row + 1:]))
            problems = [p for p in gen.differences(self.pages, tmp) if page in p]
            self.assertEqual(len(problems), 1, problems)
            self.assertIn("undocumented fields: " + dropped, problems[0])
            self.assertIn("fields no longer registered: gone.field", problems[0])

    def test_every_protocol_prose_page_links_its_reference(self):
        for proto in sorted(self.built):
            prose = dict(gen.PROTOCOLS)[proto].split("#")[0]
            with open(os.path.normpath(os.path.join(DOC, prose))) as f:
                self.assertIn("fields/%s.md" % proto, f.read(), prose)


if __name__ == "__main__":
    unittest.main()
