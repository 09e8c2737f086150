"""valgrind memcheck over the capture set, with the plugin of the tree under test.

The set: every seed capture of our protocols (generated seeds, captures/, ../shared/captures; the
captures longer than 120 frames cut to their first 120 frames in this bounded run — the long run
takes them whole) plus the adversarial cases of every protocol (the zlib bombs excepted), merged
into one capture (each conversation on its own client port) and read with `tshark -2 -V` under
memcheck with WIRESHARK_DEBUG_WMEM_OVERRIDE=simple (every wmem allocation a real malloc).

Asserted: no invalid read/write, use of uninitialised memory, bad free or definitely-lost block
with troubleshark.so on its stack; the suppression file tests/fuzz/valgrind.supp (distro noise
only) has a comment for every entry.
"""
import json
import os
import re
import sys
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fuzz"))

import adversarial as ADV  # noqa: E402
import fuzzlib as F  # noqa: E402

SUPP = os.path.join(HERE, "fuzz", "valgrind.supp")
MAX_FRAMES = 120
MAX_CASE_BYTES = 20000  # adversarial cases bigger than this (10 000 PDUs …) only in the long run
VALGRIND_TIMEOUT = 1200


def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def capture_set(runner, max_frames=MAX_FRAMES):
    seeds = []
    for proto in F.PROTOCOLS:
        for s in F.seed_pool(proto, runner.path("seeds")):
            if max_frames and len(s.frames()) > max_frames:
                cut = F.Seed(s.name + "[:%d]" % max_frames, s.path, s.protocol, s.decode)
                cut._frames = s.frames()[:max_frames]
                s = cut
            seeds.append(s)
        if proto in runner.protocol_names():
            p = runner.path("adv-%s.pcap" % proto)
            ADV.write_cases(p, [c for c in ADV.ALL[proto]() if not c.bomb and
                                (not max_frames or sum(map(len, c.c2s + c.s2c)) <= MAX_CASE_BYTES)])
            seeds.append(F.Seed("adversarial/" + proto, p, proto))
    path = runner.path("valgrind-set.pcap")
    F.build_batch(seeds, 0, len(seeds), [], path, plain=True)
    return seeds, path


def parse_memcheck_xml(path):
    """[{kind, what, frames: [(obj, fn, file, line)]}]"""
    errors = []
    root = ET.parse(path).getroot()
    for e in root.findall("error"):
        what = e.findtext("what") or e.findtext("xwhat/text") or ""
        frames = []
        for st in e.findall("stack"):
            for fr in st.findall("frame"):
                frames.append((fr.findtext("obj") or "", fr.findtext("fn") or "", fr.findtext("file") or "",
                               fr.findtext("line") or ""))
        errors.append({"kind": e.findtext("kind"), "what": what, "frames": frames})
    return errors


def ours(err):
    """An error with the plugin on its stack (by object, or by source file when the symbols came
    from the sanitizer/debug build)."""
    return any("troubleshark" in obj or os.path.basename(fi).startswith(("packet-", "hessian2", "transactions",
                                                                         "hotkeys", "plugin.c"))
               for obj, _, fi, _ in err["frames"])


def fmt(err):
    lines = ["%s: %s" % (err["kind"], err["what"])]
    for obj, fn, fi, ln in err["frames"][:16]:
        lines.append("    %s %s%s" % (fn or "???", ("(%s:%s)" % (fi, ln)) if fi else "", "" if fi else " in " + obj))
    return "\n".join(lines)


class SuppressionFile(unittest.TestCase):

    def test_every_suppression_has_a_comment_and_spares_the_plugin(self):
        with open(SUPP) as f:
            text = f.read()
        entries = list(re.finditer(r"(?ms)^\{\n(.*?)^\}", text))
        self.assertGreaterEqual(len(entries), 1)
        for m in entries:
            before = text[:m.start()].rstrip("\n").splitlines()
            self.assertTrue(before and before[-1].startswith("#"),
                            "suppression without a comment: %s" % m.group(1).splitlines()[0])
            self.assertNotIn("troubleshark", m.group(1))
            self.assertNotRegex(m.group(1), r"(?m)^\s*obj:\*\s*$")


class Memcheck(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        import shutil
        if not shutil.which("valgrind"):
            print("SKIPPED-ALL: valgrind is not installed (scripts/install-deps.sh installs it)")
            raise unittest.SkipTest("valgrind is not installed")
        cls.runner = F.Runner("valgrind").require_plugin()

    def test_memcheck_clean_over_capture_set(self):
        seeds, path = capture_set(self.runner)
        _, frames = F.read_pcap(path)
        xml = self.runner.path("memcheck.xml")
        supp = self.runner.path("valgrind.supp")
        with open(SUPP) as src, open(supp, "w") as dst:
            dst.write(src.read())
        os.chmod(supp, 0o644)
        wrapper = ["valgrind", "--tool=memcheck", "--error-exitcode=99", "--leak-check=full",
                   "--show-leak-kinds=definite", "--errors-for-leak-kinds=definite",
                   "--num-callers=40", "--suppressions=" + supp, "--xml=yes", "--xml-file=" + xml,
                   "--child-silent-after-fork=yes",
                   # the plugin is unloaded before the leak check: keep its symbols for the stacks
                   "--keep-debuginfo=yes"]
        log("valgrind over %d captures, %d frames" % (len(seeds), len(frames)))
        r = self.runner.run(["-2", "-V"], capture=path, wrapper=wrapper, timeout=VALGRIND_TIMEOUT)
        log("valgrind run: %.1f s, exit %d" % (r.seconds, r.rc))
        self.assertFalse(r.timed_out, "valgrind run did not finish in %d s" % VALGRIND_TIMEOUT)
        shown = len(re.findall(r"(?m)^Frame \d+: ", r.stdout))
        self.assertEqual(shown, len(frames), "tshark did not get through the capture set:\n" + r.stderr[-3000:])
        errors = parse_memcheck_xml(xml)
        plugin = [e for e in errors if ours(e)]
        other = [e for e in errors if not ours(e)]
        summary = {"captures": len(seeds), "frames": len(frames), "seconds": round(r.seconds, 1),
                   "plugin_errors": len(plugin), "other_unsuppressed_errors": len(other),
                   "kinds": sorted({e["kind"] for e in errors})}
        out = os.path.join(F.BUILD_DIR, "fuzz-summary")
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "valgrind.json"), "w") as f:
            json.dump(summary, f, indent=1)
        for e in other:
            log("not attributed to the plugin (distro noise? consider tests/fuzz/valgrind.supp):\n" + fmt(e))
        self.assertEqual(plugin, [], "memcheck errors in the plugin:\n\n" + "\n\n".join(fmt(e) for e in plugin))
        if r.rc not in (0, 99):
            self.fail("tshark under valgrind exited %d:\n%s" % (r.rc, r.stderr[-3000:]))


if __name__ == "__main__":
    unittest.main()
