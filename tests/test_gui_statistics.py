"""The hot-key report in the Qt GUI, under Xvfb, as an unprivileged user with the plugin in a
private HOME (the same environment tslib gives tshark).

What is proved:
  * `wireshark -r <capture> -z aerospike,hotkeys` opens a window whose title names the table
    (`xdotool search --name`), and a screenshot of the screen is saved under the build tree;
  * the numbers the dialog shows are the tshark numbers: the dialog's own "Save as…" writes its
    table as text, which is parsed and compared with `tshark -z aerospike,hotkeys`;
  * pressing Apply again (a refill + retap) and reopening the dialog from the menu give the same
    numbers (no double counting);
  * the Statistics menu has the entry: the menu is driven with the keyboard (Alt+S, Down × k,
    Return) for k = 0, 1, 2, … until the window "… Aerospike Hot Keys …" opens; other dialogs
    opened on the way are closed with Escape. The same for Statistics › Service Response Time ›
    Aerospike.
Screenshots of every step are kept in <build>/gui-screenshots/.
"""
import os
import shutil
import subprocess
import tempfile
import time
import unittest

import tslib
import stats_helpers as sh
import test_stats_aerospike as known
import trade_pdus
from capbuilder import Capture

TOOLS = ["Xvfb", "xdotool", "import", "wireshark"]
SHOTS = os.path.join(tslib.BUILD_DIR, "gui-screenshots")
DOC_IMAGES = os.path.join(tslib.SOURCE_DIR, "doc", "images")


def _missing_tools():
    return [t for t in TOOLS if not shutil.which(t)]


if _missing_tools():
    # CTest marks the test "skipped" on this line (SKIP_REGULAR_EXPRESSION in tests/CMakeLists.txt)
    print("SKIPPED-ALL: GUI test needs %s (missing: %s)"
          % (", ".join(TOOLS), ", ".join(_missing_tools())), flush=True)


class Display:
    """A private Xvfb server; the number comes from -displayfd (never clashes)."""

    def __init__(self):
        r, w = os.pipe()
        self.proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x1024x24",
                                      "-nolisten", "tcp"], pass_fds=(w,),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(w)
        num = b""
        deadline = time.time() + 20
        while not num.endswith(b"\n") and time.time() < deadline:
            chunk = os.read(r, 16)
            if not chunk:
                break
            num += chunk
        os.close(r)
        if not num.strip():
            self.proc.kill()
            raise RuntimeError("Xvfb did not start")
        self.name = ":" + num.decode().strip()
        self.env = dict(os.environ, DISPLAY=self.name)

    def xdo(self, *args, check=False):
        p = subprocess.run(["xdotool"] + [str(a) for a in args], capture_output=True, text=True,
                           env=self.env, timeout=30)
        if check and p.returncode != 0:
            raise AssertionError("xdotool %s: %s" % (" ".join(map(str, args)), p.stderr))
        return p.stdout

    def windows(self, pattern="."):
        out = self.xdo("search", "--name", pattern)
        wins = {}
        for w in out.split():
            wins[w] = self.xdo("getwindowname", w).strip()
        return wins

    def wait_window(self, pattern, timeout=60, exclude=()):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for w, name in self.windows(pattern).items():
                if w not in exclude:
                    return w, name
            time.sleep(0.3)
        return None, None

    def geometry(self, win):
        g = {}
        for line in self.xdo("getwindowgeometry", "--shell", win).split():
            k, v = line.split("=")
            g[k] = int(v)
        return g

    def click(self, x, y):
        self.xdo("mousemove", x, y, "click", 1)

    def key(self, *keys):
        self.xdo("key", "--delay", 60, *keys)

    def screenshot(self, name):
        os.makedirs(SHOTS, exist_ok=True)
        path = os.path.join(SHOTS, name)
        subprocess.run(["import", "-window", "root", path], env=self.env, check=True, timeout=60,
                       capture_output=True)
        return path

    def window_shot(self, win, name, doc_name=None):
        """A screenshot of one window; with doc_name also copied to doc/images/ (the README's
        pictures are what the code draws)."""
        path = os.path.join(SHOTS, name)
        os.makedirs(SHOTS, exist_ok=True)
        subprocess.run(["import", "-window", str(win), path], env=self.env, check=True, timeout=60,
                       capture_output=True)
        if doc_name:
            os.makedirs(DOC_IMAGES, exist_ok=True)
            shutil.copyfile(path, os.path.join(DOC_IMAGES, doc_name))
        return path

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


NUMBERS = ("Requests", "Responses", "Unanswered", "Errors", "Avg ms", "Max ms", "Bytes")


def saved_rows(path):
    """The dialog's "Save as… Plain text" output: its data rows in the dialog's order, as dicts
    (Rank, Key, Namespace, Set and the numbers). Columns: Rank, Requests, Key, Responses,
    Unanswered, Lost, Errors, Avg ms, Max ms, Bytes, Namespace, Set, User key, Filter."""
    with open(path) as f:
        lines = f.read().splitlines()
    dashes = [i for i, l in enumerate(lines) if l.startswith("-----")]
    out = []
    for line in lines[dashes[0] + 1:dashes[1]]:
        tok = line.split()
        if len(tok) < 12 or not tok[0].isdigit():
            continue            # a table title line
        if tok[3] in ("key", "keys"):          # group rows: "N keys"
            key, rest = " ".join(tok[2:4]), tok[4:]
        else:
            key, rest = tok[2], tok[3:]
        out.append({"Rank": tok[0], "Requests": tok[1], "Key": key, "Responses": rest[0],
                    "Unanswered": rest[1], "Lost": rest[2], "Errors": rest[3], "Avg ms": rest[4],
                    "Max ms": rest[5], "Bytes": rest[6], "Namespace": rest[7], "Set": rest[8]})
    return out


def parse_saved_text(path):
    """{(key or "N keys", (namespace, set)): the 7 numbers} of the dialog's saved table."""
    return {(r["Key"], (r["Namespace"], r["Set"])): [float(r[c]) for c in NUMBERS]
            for r in saved_rows(path)}


def tshark_numbers(text, title):
    """The same shape from `tshark -z aerospike,hotkeys` output."""
    _, _, tables = sh.parse_stat_table(text, title)
    rows = {}
    for t in tables.values():
        for r in t:
            rows[(r["Key"], (r["Namespace"], r["Set"]))] = [float(r[c]) for c in NUMBERS]
    return rows


@unittest.skipIf(_missing_tools(), "SKIPPED: GUI test needs %s (missing: %s)"
                 % (", ".join(TOOLS), ", ".join(_missing_tools())))
class GuiHotKeys(tslib.PluginTestCase):

    TITLE = known.TITLE
    CLI = "aerospike,hotkeys"
    SRT_TITLE = "Aerospike Service Response Time Statistics"
    CAP_NAME = "gui-known.pcap"
    DIALOG_FILTER = "tcp.port==40003"
    build_capture = staticmethod(known.build_known_answers)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        e = tslib.env()
        cls.cap = e.readable(cls.build_capture(os.path.join(cls.tmp, cls.CAP_NAME)))
        cls.out_dir = os.path.join(e.root, "gui-out")
        cls.runtime = os.path.join(e.root, "xdg-runtime")
        for d in (cls.out_dir, cls.runtime):
            os.makedirs(d, exist_ok=True)
            os.chmod(d, 0o700)
            if os.geteuid() == 0:
                os.chown(d, 65534, 65534)
        cls.expected = tshark_numbers(tslib.stats(cls.cap, cls.CLI), cls.TITLE)
        cls.expected_filtered = tshark_numbers(
            tslib.stats(cls.cap, cls.CLI + "," + cls.DIALOG_FILTER), cls.TITLE)
        cls.display = Display()
        cls.procs = []

    @classmethod
    def tearDownClass(cls):
        for p in cls.procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
        cls.display.close()

    def start_wireshark(self, *args, cap=None):
        e = tslib.env()
        env = dict(e.env, DISPLAY=self.display.name, XDG_RUNTIME_DIR=self.runtime)
        env.pop("QT_QPA_PLATFORM", None)
        with open(os.path.join(self.tmp, "wireshark-%d.log" % len(self.procs)), "w") as log:
            p = subprocess.Popen(e.prefix + ["wireshark", "-r", cap or self.cap] + list(args), env=env,
                                 cwd=e.root, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(p)
        return p

    def stop(self, p):
        p.terminate()
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()

    def main_windows(self):
        """The main window is titled with the capture file name alone."""
        return [w for w, n in self.display.windows().items()
                if n.endswith(self.CAP_NAME) and "\u00b7" not in n]

    def save_dialog_table(self, dlg, name, raw=False):
        """Click the dialog's "Save as…", type a path, return the parsed file."""
        g = self.display.geometry(dlg)
        path = os.path.join(self.out_dir, name)
        before = set(self.display.windows())
        self.display.click(g["X"] + g["WIDTH"] - 143, g["Y"] + g["HEIGHT"] - 24)
        w, _ = self.display.wait_window("Save Statistics As", timeout=20, exclude=before)
        if w is None:
            self.fail("the Save as… dialog did not open (see %s)"
                      % self.display.screenshot("save-failed-%s.png" % name))
        self.display.xdo("windowfocus", "--sync", w)
        self.display.xdo("type", "--delay", 20, path)
        self.display.key("Return")
        deadline = time.time() + 20
        while time.time() < deadline and not (os.path.exists(path) and os.path.getsize(path)):
            time.sleep(0.3)
        if not os.path.exists(path):
            self.fail("dialog table not saved (see %s)"
                      % self.display.screenshot("save-missing-%s.png" % name))
        time.sleep(0.5)
        return saved_rows(path) if raw else parse_saved_text(path)

    def assert_numbers(self, got, what, expected=None):
        expected = self.expected if expected is None else expected
        self.assertEqual(set(got), set(expected), what)
        for k, v in expected.items():
            for a, b in zip(got[k], v):
                self.assertAlmostEqual(a, b, places=3, msg="%s %s: %s != %s" % (what, k, got[k], v))

    def open_from_menu(self, main, title_pattern, submenu_downs=None, max_items=45):
        """Drive Statistics with the keyboard until a window matching title_pattern opens.
        Returns (window, k) or (None, None)."""
        for k in range(max_items):
            before = set(self.display.windows())
            self.display.xdo("windowfocus", "--sync", main)
            self.display.key("alt+s")
            time.sleep(0.4)
            if submenu_downs is not None:
                self.display.key(*(["Down"] * submenu_downs + ["Right"]))
                time.sleep(0.4)
            if k:
                self.display.key(*(["Down"] * k))
            self.display.key("Return")
            time.sleep(1.2)
            w, _ = self.display.wait_window(title_pattern, timeout=2, exclude=before)
            if w:
                return w, k
            # something else opened (or a submenu): close it and try the next item
            for nw in set(self.display.windows()) - before:
                self.display.xdo("windowfocus", "--sync", nw)
                self.display.key("Escape")
            self.display.key("Escape", "Escape")
            time.sleep(0.5)
        return None, None

    def test_hotkeys_dialog_window_numbers_and_menu_entry(self):
        d = self.display
        ws = self.start_wireshark("-z", self.CLI)
        dlg, name = d.wait_window(self.TITLE, timeout=90)
        shot = d.screenshot("aerospike-hotkeys-dialog.png")
        self.assertIsNotNone(dlg, "no window named '%s' (see %s)" % (self.TITLE, shot))
        self.assertIn(self.TITLE, name)
        self.assertGreater(os.path.getsize(shot), 10000)
        time.sleep(1.5)   # the dialog fills itself with a retap after it appears
        # issue 16 item 1: at its default size the dialog's first rows are the hottest (the GUI
        # sorts by the first column, the rank) and its first columns are Rank, Requests, Key
        d.screenshot("aerospike-hotkeys-dialog-default-size.png")
        d.window_shot(dlg, "aerospike-hotkeys-dialog-window.png", "hotkeys-dialog.png")
        top = self.save_dialog_table(dlg, "default-order.txt", raw=True)
        self.assertEqual((top[0]["Rank"], top[0]["Requests"], top[0]["Key"]),
                         ("1", "200", known.hexd(known.SET, "hot-a")))
        self.assertEqual([int(r["Rank"]) for r in top[:7]], list(range(1, 8)))
        d.xdo("windowmove", dlg, 10, 380)      # wide enough to show every column
        d.xdo("windowsize", dlg, 1260, 520)
        time.sleep(1)
        d.screenshot("aerospike-hotkeys-dialog-filled.png")

        # the dialog shows the tshark numbers
        self.assert_numbers(self.save_dialog_table(dlg, "first.txt"), "dialog after -z")

        # a display filter typed into the dialog: the tshark numbers for that filter
        g = d.geometry(dlg)
        d.click(g["X"] + 200, g["Y"] + g["HEIGHT"] - 55)
        d.xdo("type", "--delay", 20, self.DIALOG_FILTER)
        d.key("Return")
        time.sleep(2)
        d.screenshot("aerospike-hotkeys-dialog-filtered.png")
        self.assert_numbers(self.save_dialog_table(dlg, "filtered.txt"), "dialog with a filter",
                            self.expected_filtered)

        # filter removed, Apply (a refill + retap): the full numbers again, nothing counted twice
        d.click(g["X"] + 200, g["Y"] + g["HEIGHT"] - 55)
        d.key("ctrl+a", "BackSpace")
        d.click(g["X"] + g["WIDTH"] - 51, g["Y"] + g["HEIGHT"] - 55)
        time.sleep(2)
        self.assert_numbers(self.save_dialog_table(dlg, "applied.txt"), "dialog after Apply")

        # close the dialog, reopen it from the Statistics menu: same numbers again
        d.click(g["X"] + g["WIDTH"] - 51, g["Y"] + g["HEIGHT"] - 24)
        time.sleep(1)
        self.assertEqual(d.windows(self.TITLE), {}, "dialog did not close")
        mains = self.main_windows()
        self.assertTrue(mains, d.windows())
        dlg2, k = self.open_from_menu(mains[0], self.TITLE)
        d.screenshot("aerospike-hotkeys-from-menu.png")
        self.assertIsNotNone(dlg2, "Statistics menu has no '%s' entry" % self.TITLE)
        time.sleep(1.5)
        self.assert_numbers(self.save_dialog_table(dlg2, "reopened.txt"), "dialog reopened from menu")
        self.stop(ws)

    def test_readme_screenshots(self):
        """The README's pictures (doc/images/) are drawn here: the packet list of the real-client
        Aerospike capture and the expert information of the Trade incident capture."""
        d = self.display
        real = os.path.join(tslib.CAPTURES, "aerospike-realclient.pcapng")
        if not os.path.exists(real):
            self.skipTest("no %s" % real)
        ws = self.start_wireshark("-Y", "aerospike && frame.number >= 640", cap=real)
        main, _ = d.wait_window("aerospike-realclient", timeout=90)
        self.assertIsNotNone(main, "Wireshark's main window did not open")
        time.sleep(1)
        d.xdo("windowmove", main, 0, 0)
        d.xdo("windowsize", main, 1200, 700)
        time.sleep(2)
        shot = d.window_shot(main, "packet-list.png", "packet-list.png")
        self.assertGreater(os.path.getsize(shot), 20000)
        self.stop(ws)

        e = tslib.env()
        cap = Capture(t0=trade_pdus.INCIDENT_T0)
        trade_pdus.build_incident(cap)
        path = e.readable(cap.write(os.path.join(self.tmp, "trade-incident.pcap")))
        ws = self.start_wireshark("-z", "expert", cap=path)
        dlg, name = d.wait_window("Expert Information", timeout=90)
        self.assertIsNotNone(dlg, "no Expert Information window (see %s)" % d.screenshot("expert-missing.png"))
        time.sleep(2)
        d.xdo("windowmove", dlg, 0, 0)
        d.xdo("windowsize", dlg, 1000, 420)
        time.sleep(1.5)
        shot = d.window_shot(dlg, "trade-expert-info.png", "trade-expert-info.png")
        self.assertGreater(os.path.getsize(shot), 10000)
        self.stop(ws)

    def test_menu_entries_together(self):
        """Issue 16 item 2: the plugin's five tables are consecutive items of the Statistics menu,
        each titled "Troubleshark · …" (Wireshark 4.0 makes no submenu for a table statistic)."""
        d = self.display
        ws = self.start_wireshark()
        main, _ = d.wait_window(self.CAP_NAME, timeout=90)
        self.assertIsNotNone(main, "Wireshark's main window did not open")
        time.sleep(1)
        main = self.main_windows()[0]
        first, k0 = self.open_from_menu(main, "Troubleshark \u00b7 Aerospike Hot Keys")
        self.assertIsNotNone(first, "no 'Troubleshark · Aerospike Hot Keys' in the Statistics menu")
        d.xdo("windowfocus", "--sync", first)
        d.key("Escape")
        time.sleep(1)
        d.xdo("windowfocus", "--sync", main)
        d.key("alt+s")
        time.sleep(1)
        d.screenshot("statistics-menu.png")
        d.key("Escape", "Escape")
        time.sleep(0.5)
        for i, title in enumerate(["HSF2 Hot Services", "RocketMQ Hot Topics", "Services", "Trade Keepalive"], 1):
            before = set(d.windows())
            d.xdo("windowfocus", "--sync", main)
            d.key("alt+s")
            time.sleep(0.4)
            d.key(*(["Down"] * (k0 + i) + ["Return"]))
            w, name = d.wait_window("Troubleshark \u00b7 " + title, timeout=15, exclude=before)
            self.assertIsNotNone(w, "item %d after Aerospike Hot Keys is not %s (see %s)"
                                 % (i, title, d.screenshot("menu-item-%d.png" % i)))
            d.xdo("windowfocus", "--sync", w)
            d.key("Escape")
            time.sleep(1)
        self.stop(ws)

    def test_srt_menu_entry(self):
        d = self.display
        ws = self.start_wireshark()
        main, _ = d.wait_window(self.CAP_NAME, timeout=90)
        self.assertIsNotNone(main, "Wireshark's main window did not open")
        time.sleep(1)
        mains = self.main_windows()
        # Statistics › Service Response Time is the 8th item (7 Downs from the first)
        dlg, _ = self.open_from_menu(mains[0], self.SRT_TITLE, submenu_downs=7, max_items=40)
        d.screenshot("aerospike-srt-from-menu.png")
        self.assertIsNotNone(dlg, "Statistics › Service Response Time has no Aerospike entry")
        self.stop(ws)


if __name__ == "__main__":
    unittest.main()
