#!/usr/bin/env python3
"""Rebuild the generated parts of README.md from doc/*.md.

README.md keeps its hand-written parts; every block between
    <!-- BEGIN doc/NAME.md -->  and  <!-- END doc/NAME.md -->
is replaced by the current text of doc/NAME.md with its headings moved one level down.
    scripts/build-readme.py          rewrite README.md
    scripts/build-readme.py --check  exit 1 when README.md is not up to date (used by the tests)
"""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCK = re.compile(r"(<!-- BEGIN (doc/[\w.-]+\.md) -->\n)(.*?)(<!-- END \2 -->)", re.S)


def demote(text):
    out, fence = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fence = not fence
        if not fence and re.match(r"#+ ", line):
            line = "#" + line
        out.append(line)
    return "\n".join(out).strip() + "\n"


def build(readme):
    def repl(m):
        path = os.path.join(TOP, m.group(2))
        with open(path) as f:
            return m.group(1) + demote(f.read()) + m.group(4)
    return BLOCK.sub(repl, readme)


def main():
    path = os.path.join(TOP, "README.md")
    with open(path) as f:
        cur = f.read()
    new = build(cur)
    if "--check" in sys.argv:
        if new != cur:
            sys.exit("README.md is out of date: run scripts/build-readme.py")
        return
    with open(path, "w") as f:
        f.write(new)


if __name__ == "__main__":
    main()
