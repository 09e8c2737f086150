"""Every command the README shows on a bundled capture works as written, and no tshark command
of a code block starts a live capture.

The lines are taken from README.md: the code-block lines starting with `tshark ` (or `$ tshark `)
and the inline `tshark ...` commands that name a file under captures/. Each runs through sh,
exactly as written, in a folder holding the bundled captures, with the build tree's plugin (tslib's
private environment); it must exit 0, print something and warn nothing on stderr.
"""
import os
import re
import shutil
import subprocess
import unittest

import tslib


def readme_commands():
    with open(os.path.join(tslib.SOURCE_DIR, "README.md")) as f:
        text = f.read()
    block_lines = []
    for block in re.findall(r"^```[a-z]*\n(.*?)^```", text, re.M | re.S):
        for line in block.splitlines():
            line = re.sub(r"^\$ ", "", line)
            if line.startswith("tshark "):
                block_lines.append(line)
    inline = re.findall(r"`(tshark [^`]+)`", text)
    on_captures = []
    for c in block_lines + inline:
        if re.search(r"(?<![\w/.])captures/", c) and c not in on_captures:
            on_captures.append(c)
    return block_lines, on_captures


class ReadmeCommands(tslib.PluginTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.block_lines, cls.commands = readme_commands()
        e = tslib.env()
        # cwd of tslib's tshark runs is its private HOME; captures/<name> resolves there
        for name in os.listdir(tslib.CAPTURES):
            dst = os.path.join(e.caps, name)
            shutil.copy(os.path.join(tslib.CAPTURES, name), dst)
            os.chmod(dst, 0o644)

    def test_commands_on_bundled_captures_work_as_written(self):
        self.assertGreaterEqual(len(self.commands), 3, self.commands)
        e = tslib.env()
        tshark_dir = os.path.dirname(shutil.which(tslib.TSHARK) or "/usr/bin/tshark")
        environ = dict(e.env)
        environ["PATH"] = tshark_dir + ":/usr/bin:/bin"
        for cmd in self.commands:
            with self.subTest(cmd=cmd):
                p = subprocess.run(e.prefix + ["sh", "-c", cmd], capture_output=True, text=True,
                                   errors="replace", env=environ, cwd=e.root, timeout=300)
                self.assertEqual(p.returncode, 0, p.stderr[-2000:])
                self.assertEqual(p.stderr, "", "tshark warned")
                self.assertGreater(len(p.stdout.strip().splitlines()), 1, p.stdout)

    def test_no_code_block_command_starts_a_live_capture(self):
        self.assertTrue(self.block_lines)
        live = [l for l in self.block_lines
                if not re.search(r"\s-r\s", l) and not re.search(r"\s-G\b|--version|\s-h\b", l)]
        self.assertEqual(live, [], "tshark without -r captures live traffic")


if __name__ == "__main__":
    unittest.main()
