"""troubleshark-parallel (tools/troubleshark-parallel, tools/ts-shard.c, stats-export.c): the
merged statistics of a capture split by flow into shards equal tshark's single-process output.

Captures: the benchmark generator's traffic of every protocol with tables (Aerospike, Trade, HSF2,
RocketMQ) with heavy connection churn (a few thousand connections in all), given to the sharder as
four files; the single-process reference reads the same files concatenated (mergecap -a).

Checked: every table row for row (rows whose sort value ties are compared as a set, since
tshark leaves their order open; the merged output must still be sorted and ranked), a small row
cap (the same keys get a row, "(other keys)" last), SRT tables exactly,
-Y mode (the same lines, original frame numbers and times), that no shard splits a TCP
connection (tshark's conversation list of every shard), the tables and the connections with both
ways of placing flows (balanced by a first pass, the default; --hash-only), that the balanced
shards are even on a capture of a few big and many small flows where the hash alone is not, the
multi-host path through GNU parallel's --sshlogin/--ssh with an ssh stand-in that runs the
command here, and the errors for a missing tshark or plugin.
"""
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import unittest

import tslib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(tslib.SOURCE_DIR, "bench"))
DRIVER = os.path.join(tslib.SOURCE_DIR, "tools", "troubleshark-parallel")
SHARD = os.path.join(tslib.BUILD_DIR, "ts-shard")
PROTOCOLS = ("aerospike", "trade", "hsf2", "rocketmq")
TABLES = ["aerospike,hotkeys", "aerospike,srt", "hsf2,hotservices", "hsf2,srt",
          "rocketmq,hottopics", "rocketmq,srt", "trade,keepalive", "troubleshark,services"]
TRANSACTIONS = 1500
OTHER_KEYS = "(other keys)"
CHURN = 0.3
MODES = ([], ["--hash-only"])      # how ts-shard places flows: balanced (default), hash only

FAKE_SSH = r"""#!/bin/sh
# ssh stand-in for GNU parallel: skip ssh options and the host name, run the command here in a
# folder per "host" (so --transferfile/--return really copy files).
while [ $# -gt 0 ]; do
  case "$1" in
    -[lpoiFSOJcmbeDELRWw]) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
host="$1"; shift
[ "$1" = "--" ] && shift
mkdir -p "%(root)s/$host" && cd "%(root)s/$host" || exit 255
exec sh -c "$*"
"""


def _write_tcp_pcap(path, packets):
    """A pcap of Ethernet/IPv4/TCP frames; packets: [((addr a, port a, addr b, port b), 0 for
    a to b, 1 for b to a)], each frame with a 20-byte payload."""
    def ip(a):
        return bytes(int(x) for x in a.split("."))
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for n, ((sa, sp, da, dp), back) in enumerate(packets):
            if back:
                sa, sp, da, dp = da, dp, sa, sp
            tcp = struct.pack(">HHIIBBHHH", sp, dp, n, 0, 0x50, 0x18, 65535, 0, 0) + b"x" * 20
            iph = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), n & 0xffff, 0, 64, 6, 0,
                              ip(sa), ip(da))
            frame = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00" + iph + tcp
            f.write(struct.pack("<IIII", 1700000000 + n // 1000, (n % 1000) * 1000, len(frame),
                                len(frame)) + frame)


def _script(path, text):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o755)
    return path


def _sections(text):
    """[(title, header, [rows])] of every table / SRT block of tshark -q -z output."""
    out = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("====") and i + 1 < len(lines) and lines[i + 1].endswith(":"):
            title = lines[i + 1][:-1]
            j = i + 2
            body = []
            while j < len(lines) and not lines[j].startswith("===="):
                body.append(lines[j])
                j += 1
            out.append((title, body))
            i = j + 1
        else:
            i += 1
    return out


def _sort_value(text):
    """The number a sort column cell shows (Trade durations: "3.0 ms", "35.3 s" in seconds)."""
    text = text.strip()
    if text.endswith(" ms"):
        return float(text[:-3]) / 1000.0
    if text.endswith(" s"):
        return float(text[:-2])
    return float(text)


SORT_COLUMNS = {"Troubleshark · Services": "Bytes", "Troubleshark · Trade Keepalive": "Max Ping gap"}


def _normalise(title, body):
    """Rows of a table block with ties of the sort column put in a fixed order (tshark leaves
    their order open: the Rank numbers of a tie stay in place, the rows behind them are sorted);
    also returns whether the block was sorted descending by that column with Rank numbering the
    rows 1, 2, ... of each table and the "(other keys)" row last."""
    head = next((l for l in body if l.startswith("Rank |")), None)
    if head is None:
        return body, True
    titles = [c.strip() for c in head.split("|")[:-1]]
    col = titles.index(SORT_COLUMNS.get(title, "Requests"))
    res, ok, run = [], True, []

    def flush():
        ranks = [r.split("|", 1)[0] for r in run]
        rest = sorted(r.split("|", 1)[1] for r in run)
        res.extend("%s|%s" % x for x in zip(ranks, rest))
        run.clear()

    prev = prev_text = None
    n = 0
    for l in body:
        cells = l.split("|")
        if l is head or len(cells) <= col + 1:
            flush()
            res.append(l)
            prev = prev_text = None
            n = 0
            continue
        n += 1
        if int(cells[0]) != n:
            ok = False
        if OTHER_KEYS in l:
            flush()
            res.append(l)
            prev = float("-inf")
            continue
        v = _sort_value(cells[col])
        if prev is not None and v > prev:
            ok = False
        if cells[col] != prev_text:
            flush()
        prev, prev_text = v, cells[col]
        run.append(l)
    flush()
    return res, ok


class ParallelStats(tslib.PluginTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not shutil.which("parallel"):
            raise unittest.SkipTest("GNU parallel is not installed (apt install parallel)")
        if not os.path.exists(SHARD):
            raise unittest.SkipTest("ts-shard not built (%s)" % SHARD)
        import gen
        cls.caps = []
        for p in PROTOCOLS:
            ok, why = gen.available(p)
            if not ok:
                raise unittest.SkipTest("generator for %s: %s" % (p, why))
            path = os.path.join(cls.tmp, "%s.pcap" % p)
            gen.Generator(p, path, connections=100, seed=7, churn=CHURN).run(TRANSACTIONS)
            cls.caps.append(path)
        cls.whole = os.path.join(cls.tmp, "all.pcap")
        subprocess.run(["mergecap", "-a", "-F", "nsecpcap", "-w", cls.whole] + cls.caps, check=True)
        e = tslib.env()
        envs = " ".join("%s=%s" % (k, e.env[k]) for k in ("HOME", "TZ", "LC_ALL",
                                                            "WIRESHARK_PLUGIN_DIR"))
        cls.tshark = _script(os.path.join(cls.tmp, "tshark-plugin"),
                             "#!/bin/sh\nexec %s env %s %s \"$@\"\n" % (
                                 " ".join(e.prefix), envs, tslib.TSHARK))
        # a tshark that does not load the plugin: an empty personal folder, no global plugins
        bare = tempfile.mkdtemp(prefix="bare-home-", dir=cls.tmp)
        os.chmod(bare, 0o777)
        cls.bare_tshark = _script(os.path.join(cls.tmp, "tshark-bare"),
                                  "#!/bin/sh\nexec %s env HOME=%s WIRESHARK_PLUGIN_DIR=%s %s \"$@\"\n"
                                  % (" ".join(e.prefix), bare, bare, tslib.TSHARK))
        cls.remote = os.path.join(cls.tmp, "remote")
        os.makedirs(cls.remote)
        cls.ssh = _script(os.path.join(cls.tmp, "fake-ssh"), FAKE_SSH % {"root": cls.remote})
        for d, _, files in os.walk(cls.tmp):
            os.chmod(d, os.stat(d).st_mode | 0o755)
            for f in files:
                p = os.path.join(d, f)
                os.chmod(p, os.stat(p).st_mode | stat.S_IROTH)

    # -----------------------------------------------------------------------------------------
    def driver(self, args, caps=None, check=True, shell=None):
        cmd = [sys.executable, DRIVER, "--tshark", self.tshark] + list(args) + \
              list(caps or self.caps)
        env = dict(os.environ, TS_SHARD=SHARD)
        if shell is not None:
            env.pop("SHELL", None)
            if shell:
                env["SHELL"] = shell
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
        if check and p.returncode != 0:
            raise AssertionError("driver failed (%d): %s\n%s" % (p.returncode, " ".join(cmd),
                                                                  p.stderr[-3000:]))
        return p

    def single(self, args):
        return tslib.run_tshark(args, self.whole).stdout

    def assert_same_tables(self, single, merged):
        a, b = _sections(single), _sections(merged)
        self.assertEqual([t for t, _ in a], [t for t, _ in b], "tables / order")
        for (title, body_a), (_, body_b) in zip(a, b):
            na, _ = _normalise(title, body_a)
            nb, sorted_b = _normalise(title, body_b)
            self.assertTrue(sorted_b, "%s: merged rows not sorted / ranked" % title)
            self.assertEqual(len(na), len(nb), "%s: row count" % title)
            for i, (x, y) in enumerate(zip(na, nb)):
                self.assertEqual(x, y, "%s: row %d" % (title, i))

    # -----------------------------------------------------------------------------------------
    def test_merged_tables_equal_single_process(self):
        zargs = [x for t in TABLES for x in ("-z", t)]
        single = self.single(["-q"] + zargs)
        # every table has rows (Trade keepalive: one per connection, hundreds of them)
        self.assertGreater(len(re.findall(r"\|10\.2\.\S+ → 10\.1\.0\.1:\d+ \|$", single, re.M)), 300)
        for mode in MODES:
            with self.subTest(mode=mode or "balanced"):
                merged = self.driver(["-q", "-j", "2", "-n", "4"] + mode + zargs).stdout
                for t in ("Aerospike Hot Keys", "HSF2 SRT Statistics", "Trade Keepalive",
                          "RocketMQ SRT Statistics", "Troubleshark Services"):
                    self.assertIn(t, merged)
                self.assert_same_tables(single, merged)

    def test_filter_argument(self):
        z = ["-z", "aerospike,hotkeys,tcp.port == 3000", "-z", "rocketmq,hottopics,tcp"]
        self.assert_same_tables(self.single(["-q"] + z), self.driver(["-q", "-n", "3"] + z).stdout)

    def test_row_cap_other_keys_row(self):
        """With a small row cap the merge applies the cap itself (the shards keep every key):
        the same keys get a row, the "(other keys)" row totals the rest and comes last."""
        z = ["-o", "troubleshark.hot_table_max_rows:20", "-z", "aerospike,hotkeys",
             "-z", "hsf2,hotservices,hsf2", "-z", "rocketmq,hottopics"]
        single = self.single(z[:2] + ["-q"] + z[2:])
        merged = self.driver(["-q", "-n", "4"] + z).stdout
        self.assert_same_tables(single, merged)
        for title in ("Aerospike Hot Keys", "Namespace/Set totals", "RocketMQ Hot Topics"):
            rows = re.search(r"^%s\n((?:\s+\d+ \|.*\n)+)" % re.escape(title), merged, re.M)
            self.assertIsNotNone(rows, title)
            rows = rows.group(1).splitlines()
            if title != "Namespace/Set totals":
                self.assertEqual(len(rows), 20, title)
                self.assertIn("|(other keys) ", rows[-1], title)
                self.assertEqual(int(rows[-1].split("|")[0]), 20, title)
            self.assertEqual(sum(OTHER_KEYS in r for r in rows[:-1]), 0, title)

    def test_display_filter_mode_keeps_frame_numbers_and_times(self):
        f = "aerospike.msg.result_code != 0 || hsf2.status != 20 || trade || rocketmq.code != 0"
        single = self.single(["-Y", f])
        merged = self.driver(["-q", "-n", "3", "-Y", f]).stdout
        self.assertGreater(len(single.splitlines()), 100)
        self.assertEqual(single.splitlines(), merged.splitlines())

    def test_two_pass_display_filter(self):
        f = "aerospike.response_in && aerospike.msg.result_code == 2 || hsf2.time > 0.008"
        single = self.single(["-2", "-Y", f])
        self.assertGreater(len(single.splitlines()), 20)
        self.assertEqual(single.splitlines(),
                         self.driver(["-q", "-n", "2", "-2", "-Y", f]).stdout.splitlines())

    def test_no_shard_splits_a_connection(self):
        conv = re.compile(r"^(\S+:\d+)\s+<->\s+(\S+:\d+)\s")

        def convs(path):
            out = tslib.run_tshark(["-q", "-z", "conv,tcp"], path).stdout
            return {tuple(sorted(m.groups())) for m in map(conv.match, out.splitlines()) if m}

        whole = convs(self.whole)
        self.assertGreater(len(whole), 2000, "a few thousand connections")
        for mode in MODES:
            with self.subTest(mode=mode or "balanced"):
                work = os.path.join(self.tmp, "keep" + "".join(mode))
                self.driver(["-q", "-n", "4", "--workdir", work, "-z", "aerospike,srt"] + mode)
                with open(os.path.join(work, "shards.meta")) as f:
                    self.assertIn("mode\t%s\t" % ("hash" if mode else "balanced"), f.read())
                seen = {}
                for s in range(4):
                    for c in convs(os.path.join(work, "shard-%03d.pcapng" % s)):
                        self.assertNotIn(c, seen, "connection %s in shards %s and %d" % (
                            c, seen.get(c), s))
                        seen[c] = s
                self.assertEqual(set(seen), whole)
                self.assertGreater(len(set(seen.values())), 1, "traffic spread over several shards")

    # -----------------------------------------------------------------------------------------
    def _skewed_capture(self):
        """A capture of 3 big TCP connections (3000 frames each, both directions) that the hash
        alone puts in the same shard of 2 (found by asking ts-shard --hash-only about 16
        candidates), and 300 small ones (10 frames each): {frame number: connection}."""
        probe = os.path.join(self.tmp, "probe.pcap")
        cands = [("10.9.0.%d" % (i + 1), 40000 + i, "10.9.1.1", 3000) for i in range(16)]
        _write_tcp_pcap(probe, [(c, i % 2) for i, c in enumerate(cands)])
        out = os.path.join(self.tmp, "probe-shards")
        os.makedirs(out)
        subprocess.run([SHARD, "-n", "2", "--hash-only", "-o", out, probe], check=True,
                       capture_output=True)
        with open(os.path.join(out, "shard-000.idx"), "rb") as f:
            in0 = struct.unpack("<%dI" % (os.path.getsize(f.name) // 4), f.read())
        big = [cands[i - 1] for i in in0][:3]
        self.assertEqual(len(big), 3, "3 of 16 candidate flows hashed to shard 0")
        small = [("10.8.%d.%d" % (i // 200, i % 200 + 1), 30000 + i, "10.9.1.1", 3000)
                 for i in range(300)]
        pkts = []
        for i in range(3000):                  # the big flows interleaved, both directions
            for c in big:
                pkts.append((c, i % 2))
            if i % 10 == 0:
                for c in small[i // 10:i // 10 + 1]:
                    pkts += [(c, k % 2) for k in range(10)]
        path = os.path.join(self.tmp, "skewed.pcap")
        _write_tcp_pcap(path, pkts)
        return path, {n: c for n, (c, _) in enumerate(pkts, 1)}

    def test_balanced_shards_on_few_big_flows(self):
        path, flows = self._skewed_capture()
        total = len(flows)
        shares = {}
        # a flow table of 2 flows: the other flows are placed by hash (and still never split)
        capped = ["--max-flows", "2"]
        for mode in MODES + (capped,):
            out = os.path.join(self.tmp, "skewed" + "".join(mode))
            os.makedirs(out)
            p = subprocess.run([SHARD, "-n", "2", "-o", out] + mode + [path], capture_output=True,
                               text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            where, count = {}, 0
            for s in range(2):
                with open(os.path.join(out, "shard-%03d.idx" % s), "rb") as f:
                    frames = struct.unpack("<%dI" % (os.path.getsize(f.name) // 4), f.read())
                shares[tuple(mode)] = shares.get(tuple(mode), []) + [len(frames) / total]
                count += len(frames)
                for n in frames:
                    # both directions of every connection in one shard
                    self.assertEqual(where.setdefault(flows[n], s), s, "%s split" % (flows[n],))
            self.assertEqual(count, total)
            if mode == capped:
                self.assertIn("more than 2 flows", p.stderr)
        hashed, balanced = max(shares[("--hash-only",)]), max(shares[()])
        self.assertGreaterEqual(hashed, 0.75, "the hash alone puts the big flows together")
        self.assertLessEqual(balanced, 0.55, "balanced shards: %s" % shares[()])
        # the driver says how even the shards are
        p = self.driver(["-n", "2", "-z", "aerospike,srt"], caps=[path])
        self.assertRegex(p.stderr, r"flows balanced by frames: frames per shard [45]\d\.\d % / "
                                   r"[45]\d\.\d %")
        p = self.driver(["-n", "2", "--hash-only", "-z", "aerospike,srt"], caps=[path])
        self.assertRegex(p.stderr, r"flows by hash: frames per shard [789]\d\.\d % / ")

    def test_writer_processes_make_the_same_shards(self):
        """ts-shard's writing pass in 1 or 3 processes: the same shard files, index and meta."""
        files = {}
        for w in ("1", "3"):
            out = tempfile.mkdtemp(prefix="writers-", dir=self.tmp)
            p = subprocess.run([SHARD, "-n", "4", "--writers", w, "-o", out] + self.caps,
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            files[w] = {}
            for f in sorted(os.listdir(out)):
                with open(os.path.join(out, f), "rb") as fh:
                    files[w][f] = fh.read()
        self.assertEqual(sorted(files["1"]), sorted(files["3"]))
        self.assertEqual(len(files["1"]), 9)            # 4 shards, 4 indexes, meta
        for f in files["1"]:
            self.assertEqual(files["1"][f], files["3"][f], f)
        self.assertGreater(min(len(v) for f, v in files["1"].items() if f.endswith(".idx")), 0)

    def test_pipe_input_is_sharded_by_hash(self):
        """An input that cannot be read twice (stdin) is placed by hash, like --hash-only."""
        outs = []
        for args, stdin in ((["--hash-only", self.caps[0]], None), (["-"], self.caps[0])):
            out = tempfile.mkdtemp(prefix="pipe-", dir=self.tmp)
            with open(stdin or os.devnull, "rb") as f:
                p = subprocess.run([SHARD, "-n", "3", "-o", out] + args, stdin=f,
                                   capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(os.path.join(out, "shards.meta")) as f:
                outs.append(f.read())
        self.assertIn("cannot be read twice", p.stderr)
        self.assertIn("mode\thash\t", outs[1])
        self.assertEqual(outs[0], outs[1])

    def test_several_hosts_through_sshlogin(self):
        z = ["-z", "hsf2,hotservices", "-z", "hsf2,srt", "-z", "aerospike,srt"]
        single = self.single(["-q"] + z)
        # with $SHELL set, and without it (cron, CI runners): GNU parallel runs remote jobs
        # through $SHELL and, without it, runs nothing and reports success
        for shell in ("/bin/sh", ""):
            with self.subTest(SHELL=shell or "(unset)"):
                p = self.driver(["-j", "1", "-S", "1/hostA", "-S", "1/hostB", "--ssh", self.ssh]
                                + z, shell=shell)
                self.assert_same_tables(single, p.stdout)
                # both "hosts" ran shards (GNU parallel copied them there and cleaned up)
                self.assertLessEqual({"hostA", "hostB"}, set(os.listdir(self.remote)))
                self.assertIn("shards 2/2 done", p.stderr)

    def test_missing_plugin_is_a_clear_error(self):
        cmd = [sys.executable, DRIVER, "--tshark", self.bare_tshark, "-q", "-z", "aerospike,srt",
               self.caps[0]]
        p = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, TS_SHARD=SHARD))
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("troubleshark plugin is not loaded", p.stderr)

    def test_missing_tshark_on_a_host_is_a_clear_error(self):
        cmd = [sys.executable, DRIVER, "--tshark", "/nonexistent/tshark", "-q", "-j", "1",
               "-S", "1/hostC", "--ssh", self.ssh, "-z", "aerospike,srt", self.caps[0]]
        env = dict(os.environ, TS_SHARD=SHARD)
        env.pop("SHELL", None)
        p = subprocess.run(cmd, capture_output=True, text=True, env=env)
        self.assertNotEqual(p.returncode, 0)
        self.assertRegex(p.stderr, r"tshark is missing on hostC")

    def test_unhashable_link_type_goes_to_shard_0(self):
        path = os.path.join(self.tmp, "user0.pcap")
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 147))   # USER0
            for i in range(5):
                f.write(struct.pack("<IIII", 1700000000 + i, 0, 4, 4) + b"abcd")
        out = os.path.join(self.tmp, "user0-shards")
        os.makedirs(out)
        p = subprocess.run([SHARD, "-n", "3", "-o", out, path], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("cannot be hashed", p.stderr)
        with open(os.path.join(out, "shards.meta")) as f:
            meta = f.read()
        self.assertIn("shard\t0\t5\t", meta)
        self.assertIn("shard\t1\t0\t", meta)
        self.assertEqual(os.path.getsize(os.path.join(out, "shard-000.idx")), 20)

    def test_sharder_compiles_against_other_wireshark_versions(self):
        """ts-shard.c against the 4.4 (trixie) and 4.6 (sid) headers that the compat_headers
        test downloads into <build>/compat-headers (skipped when it has not run)."""
        done = 0
        for suite in ("trixie", "sid"):
            root = os.path.join(tslib.BUILD_DIR, "compat-headers", suite, "root")
            inc = [r for r, ds, _ in os.walk(root) if r.endswith("include/wireshark")] \
                if os.path.isdir(root) else []
            if not inc:
                continue
            glib = subprocess.run(["pkg-config", "--cflags", "glib-2.0"], capture_output=True,
                                  text=True, check=True).stdout.split()
            p = subprocess.run(["cc", "-fsyntax-only", "-std=c11", "-Wall", "-Wextra", "-Werror",
                                "-I" + inc[0]] + glib +
                               [os.path.join(tslib.SOURCE_DIR, "tools", "ts-shard.c")],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, "%s:\n%s" % (suite, p.stderr[-3000:]))
            done += 1
        if not done:
            self.skipTest("no 4.4/4.6 headers in <build>/compat-headers (run ctest -R compat_headers)")


if __name__ == "__main__":
    unittest.main()
