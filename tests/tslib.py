"""tslib — run tshark against the plugin built in the build tree, and assert what it decodes.

Never the installed copy: tshark gets a private HOME holding
.local/lib/wireshark/plugins/<major.minor>/epan/troubleshark.so, and WIRESHARK_PLUGIN_DIR points
at an empty folder so a system-wide copy cannot shadow the fresh build. As root (where tshark
ignores personal plugin folders) tshark runs as uid/gid 65534 through setpriv, and every capture
is read from a world-readable copy.

Environment (set by CTest): TS_PLUGIN (the built .so), TS_SOURCE_DIR, TS_BUILD_DIR, TS_WS_MAJMIN,
TS_SHARED_DIR (../shared), TS_TSHARK (tshark binary, default "tshark").
"""
import atexit
import hashlib
import json as _json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("TS_SOURCE_DIR", os.path.dirname(HERE))
BUILD_DIR = os.environ.get("TS_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))
PLUGIN = os.environ.get("TS_PLUGIN", os.path.join(BUILD_DIR, "troubleshark.so"))
SHARED_DIR = os.environ.get("TS_SHARED_DIR", os.path.join(os.path.dirname(SOURCE_DIR), "shared"))
TSHARK = os.environ.get("TS_TSHARK", "tshark")
CAPTURES = os.path.join(SOURCE_DIR, "captures")
EXTERNAL = os.path.join(SHARED_DIR, "captures", "external")
CLIENTS = os.path.join(SHARED_DIR, "captures", "clients")


def _majmin():
    mm = os.environ.get("TS_WS_MAJMIN")
    if mm:
        return mm
    out = subprocess.run([TSHARK, "--version"], capture_output=True, text=True).stdout
    ver = out.split("(Wireshark) ")[1].split()[0]
    return ".".join(ver.split(".")[:2])


class _Env:
    """The private tshark environment, created once per test process (and once per other plugin
    asked for: env(plugin))."""
    _inst = None
    _others = {}

    @classmethod
    def get(cls, plugin=None):
        if plugin is not None:
            plugin = os.path.abspath(plugin)
            if plugin not in cls._others:
                cls._others[plugin] = cls(plugin)
            return cls._others[plugin]
        if cls._inst is None:
            cls._inst = cls()
        return cls._inst

    def __init__(self, plugin=None):
        """plugin: the .so its plugin folder holds, alone (default: the build tree's PLUGIN)."""
        plugin = plugin or PLUGIN
        if not os.path.exists(plugin):
            raise RuntimeError("plugin not built: %s" % plugin)
        self.root = tempfile.mkdtemp(prefix="ts-home-")
        os.chmod(self.root, 0o755)
        atexit.register(shutil.rmtree, self.root, True)
        self.majmin = _majmin()
        self.plugin_dir = os.path.join(self.root, ".local", "lib", "wireshark", "plugins",
                                       self.majmin, "epan")
        os.makedirs(self.plugin_dir)
        self.plugin = os.path.join(self.plugin_dir, os.path.basename(plugin))
        shutil.copy(plugin, self.plugin)
        self.empty_global = os.path.join(self.root, "no-global-plugins")
        os.makedirs(self.empty_global)
        self.caps = os.path.join(self.root, "captures")
        os.makedirs(self.caps)
        os.makedirs(os.path.join(self.root, ".config", "wireshark"))
        for d, _, files in os.walk(self.root):
            os.chmod(d, 0o755)
            for f in files:
                os.chmod(os.path.join(d, f), 0o644)
        self.prefix = []
        if os.geteuid() == 0:
            self.prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            # the private HOME must be writable by tshark (recent files, profiles)
            subprocess.run(["chown", "-R", "65534:65534", self.root], check=True)
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("XDG_", "WIRESHARK_", "SSLKEYLOG"))}
        self.env.update({"HOME": self.root, "TZ": "UTC", "LC_ALL": "C.UTF-8",
                         "WIRESHARK_PLUGIN_DIR": self.empty_global})
        self._copies = {}

    def readable(self, path):
        """A world-readable copy of a capture (tshark may run as another user)."""
        path = os.path.abspath(path)
        if path not in self._copies:
            h = hashlib.sha1(path.encode()).hexdigest()[:12]
            dst = os.path.join(self.caps, h + "-" + os.path.basename(path))
            shutil.copy(path, dst)
            os.chmod(dst, 0o644)
            self._copies[path] = dst
        return self._copies[path]

    def config_file(self, name, text):
        """Write a file into the private profile (e.g. a UAT or preferences)."""
        p = os.path.join(self.root, ".config", "wireshark", name)
        with open(p, "w") as f:
            f.write(text)
        os.chmod(p, 0o644)
        if os.geteuid() == 0:
            os.chown(p, 65534, 65534)
        return p


def env(plugin=None):
    """The private environment of the build tree's plugin; env(path): another one whose plugin
    folder holds only that .so (e.g. the benchmark's reference dissector, bench/ref-dissector.c)."""
    return _Env.get(plugin)


def run_tshark(args, capture=None, timeout=300, check=True, extra_env=None, plugin=None):
    """Run tshark with the private environment (of `plugin`: see env()); returns CompletedProcess (text)."""
    e = env(plugin)
    cmd = e.prefix + [TSHARK]
    if capture is not None:
        cmd += ["-r", e.readable(capture)]
    cmd += list(args)
    environ = dict(e.env)
    if extra_env:
        environ.update(extra_env)
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", env=environ,
                       timeout=timeout, cwd=e.root)
    if check and p.returncode != 0:
        raise AssertionError("tshark failed (%d): %s\n%s" % (p.returncode, " ".join(cmd),
                                                              p.stderr[-4000:]))
    return p


def plugin_status(plugin=None):
    """(loaded, line) — whether `tshark -G plugins` lists our build tree's copy (or that of
    `plugin`, see env()) as a dissector."""
    out = run_tshark(["-G", "plugins"], plugin=plugin).stdout
    name = os.path.basename(env(plugin).plugin)
    for line in out.splitlines():
        cols = [c.strip() for c in line.split("\t")]
        if cols and cols[0] == name:
            return (len(cols) >= 4 and cols[2] == "dissector" and
                    os.path.realpath(cols[3]).startswith(os.path.realpath(env(plugin).root))), line
    return False, out


_FIELD_TYPES = None
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_ISO_TIME = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d:\d\d:\d\d(?:\.\d+)?)(?:Z|\+0000)$")


def field_types():
    """{abbrev: "FT_..."} of every registered field (tshark -G fields), once per process."""
    global _FIELD_TYPES
    if _FIELD_TYPES is None:
        _FIELD_TYPES = {}
        for line in run_tshark(["-G", "fields"]).stdout.splitlines():
            c = line.split("\t")
            if len(c) > 3 and c[0] == "F":
                _FIELD_TYPES[c[2]] = c[3]
    return _FIELD_TYPES


def _as_40(ftype, value):
    """A -T fields value in the text Wireshark 4.0 prints, whatever tshark runs: 4.4+ prints
    booleans as True/False (4.0: 1/0); 4.6 prints absolute times in ISO 8601
    (4.0/4.4: "Nov 14, 2023 22:13:20.250000000 UTC"; tshark runs with TZ=UTC)."""
    if ftype == "FT_BOOLEAN":
        return {"True": "1", "False": "0"}.get(value, value)
    if ftype == "FT_ABSOLUTE_TIME":
        m = _ISO_TIME.match(value)
        if m:
            y, mo, d, t = m.groups()
            return "%s %2d, %s %s UTC" % (_MONTHS[int(mo) - 1], int(d), y, t)
    return value


def protocol_names():
    """Filter names of every registered protocol (-G protocols has 3 columns on 4.0, 6 on 4.4+:
    never search its text for "\\tname\\n")."""
    return {c[2] for c in (l.split("\t") for l in run_tshark(["-G", "protocols"]).stdout.splitlines())
            if len(c) >= 3}


def generated_protocols():
    """The protocols of this build that bench/gen.py can generate captures of (a workload
    bench/gen_<proto>.py exists); SkipTest when there are none."""
    import sys
    bench = os.path.join(SOURCE_DIR, "bench")
    if bench not in sys.path:
        sys.path.insert(0, bench)
    import gen
    names = protocol_names()
    protos = [p for p in gen.PROTOCOLS
              if p in names and os.path.exists(os.path.join(bench, "gen_%s.py" % p))]
    if not protos:
        raise unittest.SkipTest("no protocol of this build has a generator (bench/gen_<proto>.py)")
    return protos


def heuristics():
    """(table, protocol, enabled, short_name or None) of every heuristic dissector.
    -G heuristic-decodes prints table/protocol/enabled on 4.0; 4.4+ adds enabled-by-default,
    the short name (what --enable/--disable-heuristic take) and the display name."""
    out = []
    for line in run_tshark(["-G", "heuristic-decodes"]).stdout.splitlines():
        c = line.split("\t")
        if len(c) >= 3:
            out.append((c[0], c[1], c[2] == "T", c[4] if len(c) >= 5 else None))
    return out


class Row(dict):
    """One displayed frame of fields(): {field name: [every value, comma-split]}.

    Read it by name (row["aerospike.digest"]); a name that was not asked for is a KeyError. A row
    cannot be iterated or unpacked: that would hand out the names in request order, which is
    exactly the positional reading this class exists to prevent (use .items() / .keys())."""

    def __missing__(self, key):
        raise KeyError("%r was not among the fields asked for (%s)" % (key, ", ".join(self.keys())))

    def __iter__(self):
        raise TypeError("a fields() row is read by name: row[name], row.items(), row.keys()")


def fields(capture, names, filt=None, two_pass=True, args=()):
    """-T fields rows: a list (one per displayed frame) of Row, each {name: list of values}
    (every occurrence, comma-split; [] when the field is absent)."""
    names = list(names)
    a = ["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=\x1f", "-E", "separator=\x1e"]
    for n in names:
        a += ["-e", n]
    if two_pass:
        a.append("-2")
    if filt:
        a += ["-Y", filt]
    a += list(args)
    out = run_tshark(a, capture).stdout
    types = field_types()
    rows = []
    for line in out.split("\n"):
        if not line:
            continue
        cols = line.split("\x1e")
        if len(cols) != len(names):
            raise AssertionError("tshark printed %d columns for %d fields: %r" % (len(cols), len(names), line))
        rows.append(Row((n, [_as_40(types.get(n), v) for v in c.split("\x1f")] if c else [])
                        for n, c in zip(names, cols)))
    return rows


def values(capture, name, filt=None, two_pass=True, args=()):
    """Every value of one field over the whole capture, in frame order."""
    out = []
    for row in fields(capture, [name], filt, two_pass, args):
        out.extend(row[name])
    return out


def frames(capture, filt, two_pass=True, args=()):
    """Frame numbers matching a display filter."""
    return [int(r["frame.number"][0]) for r in fields(capture, ["frame.number"], filt, two_pass, args)]


def detail(capture, proto, filt=None, two_pass=True, args=()):
    """The -V text of one protocol (-O proto)."""
    a = ["-V", "-O", proto]
    if two_pass:
        a.append("-2")
    if filt:
        a += ["-Y", filt]
    return run_tshark(a + list(args), capture).stdout


def as_json(capture, proto=None, filt=None, two_pass=True, args=()):
    a = ["-T", "json"]
    if proto:
        a += ["-j", proto]
    if two_pass:
        a.append("-2")
    if filt:
        a += ["-Y", filt]
    return _json.loads(run_tshark(a + list(args), capture).stdout or "[]")


def experts(capture, filt=None, two_pass=True, args=()):
    """Every expert info message of the capture, in order."""
    return values(capture, "_ws.expert.message", filt, two_pass, args)


def stats(capture, z, two_pass=False, args=()):
    """Output of tshark -q -z <z>."""
    a = ["-q", "-z", z] + (["-2"] if two_pass else []) + list(args)
    return run_tshark(a, capture).stdout


def info_column(capture, filt=None, two_pass=True, args=()):
    return [(r["_ws.col.Info"] or [""])[0] for r in fields(capture, ["_ws.col.Info"], filt, two_pass, args)]


def malformed_frames(capture, args=()):
    """Frames with a [Malformed Packet] item."""
    return frames(capture, "_ws.malformed", args=args)


def external(*parts):
    return os.path.join(EXTERNAL, *parts)


def client_capture(*parts):
    return os.path.join(CLIENTS, *parts)


class PluginTestCase(unittest.TestCase):
    """Base class: every test class first proves the plugin under test was loaded."""

    @classmethod
    def setUpClass(cls):
        ok, line = plugin_status()
        if not ok:
            raise AssertionError("troubleshark.so from the build tree is not loaded by tshark:\n" + line)
        cls.tmp = tempfile.mkdtemp(prefix="ts-caps-")
        os.chmod(cls.tmp, 0o755)
        atexit.register(shutil.rmtree, cls.tmp, True)

    def _getAssertEqualityFunc(self, first, second):
        # a Row against a plain dict ({name: values}): a per-field diff, as for two dicts
        if isinstance(first, dict) and isinstance(second, dict):
            return self.assertDictEqual
        return super()._getAssertEqualityFunc(first, second)

    def cap_path(self, name):
        return os.path.join(self.tmp, name)

    def need(self, path):
        """Skip (saying so) when a capture from ../shared is absent."""
        if not os.path.exists(path):
            self.skipTest("capture not present: %s" % path)
        return path
