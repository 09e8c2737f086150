"""Every relative link in README.md and doc/**/*.md points to a file that exists and, when it
names an anchor (#...), to a heading of that file."""
import glob
import os
import re
import unittest

TOP = os.environ.get("TS_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LINK = re.compile(r"(?<!\\)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^(```|~~~).*?^\1\s*$", re.M | re.S)
CODE = re.compile(r"(`+).+?\1", re.S)


def pages():
    return [os.path.join(TOP, "README.md")] + sorted(
        glob.glob(os.path.join(TOP, "doc", "**", "*.md"), recursive=True))


def prose(text):
    """The text without fenced blocks and inline code (links there are not links)."""
    return CODE.sub("", FENCE.sub("", text))


def slug(heading):
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def anchors(path):
    with open(path) as f:
        text = FENCE.sub("", f.read())
    seen, out = {}, set()
    for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.M):
        s = slug(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", m.group(1)))
        n = seen.get(s, 0)
        seen[s] = n + 1
        out.add(s if n == 0 else "%s-%d" % (s, n))
    out.update(re.findall(r"<a\s+(?:name|id)=\"([^\"]+)\"", text))
    return out


def broken_links(path):
    with open(path) as f:
        text = prose(f.read())
    bad = []
    for target in LINK.findall(text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I):   # http:, https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
        if not os.path.exists(dest):
            bad.append("%s: no such file" % target)
        elif anchor and dest.endswith(".md") and anchor not in anchors(dest):
            bad.append("%s: no heading with anchor #%s in %s" % (target, anchor,
                                                                 os.path.relpath(dest, TOP)))
    return bad


class Links(unittest.TestCase):

    def test_relative_links_resolve(self):
        checked = 0
        for path in pages():
            with self.subTest(page=os.path.relpath(path, TOP)):
                self.assertEqual(broken_links(path), [])
            checked += 1
        self.assertGreater(checked, 5)

    def test_checker_catches_a_broken_link(self):
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            p = os.path.join(tmp, "a.md")
            with open(p, "w") as f:
                f.write("# Title — `x.y`\n\n## Same\n\n## Same\n\n[ok](a.md#title--xy) [ok](#same-1) "
                        "[bad](b.md) [bad](#nothing) `[code](c.md)`\n\n```\n[fence](d.md)\n```\n")
            self.assertEqual(broken_links(p), ["b.md: no such file",
                                               "#nothing: no heading with anchor #nothing in "
                                               + os.path.relpath(p, TOP)])


if __name__ == "__main__":
    unittest.main()
