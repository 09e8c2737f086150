"""The README's Quick start works as written on a minimal Debian 12, as root and as a user with
sudo, and the Debian package installs, loads and uninstalls there.

A pristine `debootstrap --variant=minbase bookworm` root (what a new server or container is) is
made once and kept as a tarball in the cache directory (TS_FRESH_CACHE, default
/var/cache/troubleshark-tests), with the .deb files apt downloads (bind-mounted at
/var/cache/apt/archives, so each run installs the packages but downloads them once). Each
scenario unpacks its own copy of the pristine root, so both really install everything.

The commands are read from README.md's "Quick start (Debian 12)" section, never copied here:
the preparation line for root (or for a user with sudo, after the parenthesised line that gives a
user sudo), then every line of the second block up to `make demo`. The only substitution is the
repository URL of `git clone`: it clones a bundle of the committed state of this source tree
(HEAD). The user scenario gets a NOPASSWD sudoers entry because no terminal is there to type the
password.

Needs root, debootstrap and the Debian package source; prints SKIPPED-ALL otherwise, except in CI
(CI=true), where it must run and fails instead.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "compat"))
import compatlib  # noqa: E402

SOURCE_DIR = os.path.abspath(os.environ.get("TS_SOURCE_DIR", os.path.dirname(HERE)))
BUILD_DIR = os.path.abspath(os.environ.get("TS_BUILD_DIR", os.path.join(SOURCE_DIR, "build")))
CACHE = os.path.abspath(os.environ.get("TS_FRESH_CACHE") or "/var/cache/troubleshark-tests")
SUITE = "bookworm"
FORMAT = 1
USER = "tester"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SYSTEM_PLUGIN = "/usr/lib/x86_64-linux-gnu/wireshark/plugins/4.0/epan/troubleshark.so"
PERSONAL_PLUGIN = "/home/%s/.local/lib/wireshark/plugins/4.0/epan/troubleshark.so" % USER
DUP_WARNING = "found in multiple directories"


def log(msg):
    print("[fresh %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def _git(*args):
    # safe.directory: a CI checkout may belong to another user than root
    return subprocess.run(["git", "-c", "safe.directory=*", "-C", SOURCE_DIR] + list(args),
                          capture_output=True, text=True)


def _availability():
    try:
        compatlib.check_debootstrap()
        compatlib.check_source(SUITE)
    except compatlib.Unavailable as e:
        return str(e)
    if not shutil.which("git"):
        return "git is not installed (apt-get install git)"
    if _git("rev-parse", "HEAD").returncode != 0:
        return "%s is not a git checkout (the test clones its committed state)" % SOURCE_DIR
    return None


UNAVAILABLE = _availability()
if UNAVAILABLE and not IN_CI:
    print("SKIPPED-ALL: fresh Debian 12 Quick start not checked: " + UNAVAILABLE, flush=True)


# ------------------------------------------------------------------------------------------------
# The README's lines

def quickstart():
    """{'root_prep', 'user_prep', 'give_sudo', 'clone_url', 'demo_lines'} from README.md."""
    with open(os.path.join(SOURCE_DIR, "README.md")) as f:
        text = f.read()
    m = re.search(r"^## Quick start \(Debian 12\)\n(.*?)(?=^##)", text, re.M | re.S)
    if not m:
        raise AssertionError("README.md has no '## Quick start (Debian 12)' section")
    sec = m.group(1)
    blocks = re.findall(r"^```sh\n(.*?)^```", sec, re.M | re.S)
    if len(blocks) < 2:
        raise AssertionError("Quick start: expected two sh blocks, found %d" % len(blocks))
    prep = [l for l in blocks[0].splitlines() if l.strip()]
    root_prep = [l for l in prep if l.rstrip().endswith("# as root")]
    user_prep = [l for l in prep if l.startswith("sudo ")]
    give = re.findall(r"`([^`]*usermod -aG sudo <user>[^`]*)`", sec)
    lines = blocks[1].splitlines()
    demo_at = [i for i, l in enumerate(lines) if l.startswith("make demo")]
    clone = [l for l in lines if l.startswith("git clone ")]
    if len(root_prep) != 1 or len(user_prep) != 1 or len(give) != 1 or not demo_at or len(clone) != 1:
        raise AssertionError("Quick start section not in the expected shape (a root line ending "
                             "'# as root', a line starting 'sudo ', one `...usermod -aG sudo <user>...`, "
                             "a 'git clone' and a 'make demo' line):\n" + sec)
    url = clone[0].split()[2]
    return {"root_prep": root_prep[0], "user_prep": user_prep[0],
            "give_sudo": give[0].replace("<user>", USER), "clone_url": url,
            "demo_lines": lines[:demo_at[0] + 1]}


# ------------------------------------------------------------------------------------------------
# Roots

def remove_tree(path):
    """compatlib.remove_tree (never through a mount), with rm: much faster on a 1.5 GB root."""
    if os.path.lexists(path):
        compatlib.unmount_all(path)
        subprocess.run(["rm", "-rf", "--one-file-system", path], check=True)


def pristine_tarball():
    """<CACHE>/bookworm-minbase.tar: a minbase bookworm root, made once."""
    tarball = os.path.join(CACHE, "%s-minbase.tar" % SUITE)
    stamp = tarball + ".json"
    want = {"format": FORMAT, "suite": SUITE, "mirror": compatlib.mirror()}
    with compatlib.locked(tarball + ".lock"):
        if compatlib._load_json(stamp) == want and os.path.isfile(tarball):
            log("reusing %s" % tarball)
            return tarball
        tmp = tarball + ".d"
        remove_tree(tmp)
        t0 = time.time()
        log("debootstrap --variant=minbase %s (log: %s.log)" % (SUITE, tarball))
        with open(tarball + ".log", "w") as logf:
            rc = subprocess.run(["debootstrap", "--variant=minbase", "--components=main", SUITE,
                                 tmp, compatlib.mirror()], stdout=logf, stderr=subprocess.STDOUT,
                                timeout=1800).returncode
        if rc != 0 or not os.path.exists(os.path.join(tmp, "usr", "bin", "apt-get")):
            raise RuntimeError("debootstrap failed (rc %d):\n%s"
                               % (rc, open(tarball + ".log", errors="replace").read()[-3000:]))
        # As in Debian's container images: dpkg without fsync. And a snapshot mirror serves
        # Release files past their Valid-Until date.
        with open(os.path.join(tmp, "etc", "dpkg", "dpkg.cfg.d", "unsafe-io"), "w") as f:
            f.write("force-unsafe-io\n")
        with open(os.path.join(tmp, "etc", "apt", "apt.conf.d", "99ts-fresh"), "w") as f:
            f.write('Acquire::Check-Valid-Until "false";\n')
        for d in ("var/cache/apt/archives", "var/lib/apt/lists"):
            for e in os.listdir(os.path.join(tmp, d)):
                p = os.path.join(tmp, d, e)
                if os.path.isfile(p) and (e.endswith(".deb") or d.endswith("lists")):
                    os.unlink(p)
        subprocess.run(["tar", "-C", tmp, "--numeric-owner", "-cf", tarball + ".tmp", "."], check=True)
        os.replace(tarball + ".tmp", tarball)
        remove_tree(tmp)
        with open(stamp, "w") as f:
            json.dump(want, f)
        log("pristine root ready after %.0f s" % (time.time() - t0))
    return tarball


class FreshRoot:
    """A copy of the pristine root with the repository bundle at /tmp/clone-src/<name>.bundle."""

    def __init__(self, name, url):
        self.path = os.path.join(BUILD_DIR, "fresh-roots", name)
        self.archives = os.path.join(CACHE, "apt-archives")
        os.makedirs(self.archives, exist_ok=True)
        tarball = pristine_tarball()
        remove_tree(self.path)
        os.makedirs(self.path)
        subprocess.run(["tar", "-C", self.path, "--numeric-owner", "-xpf", tarball], check=True)
        # the committed state of the source tree, as a bundle named like the README's URL
        src = os.path.join(self.path, "tmp", "clone-src")
        os.makedirs(src)
        bare = os.path.join(src, "bare.git")
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", bare], check=True)
        head = _git("rev-parse", "HEAD").stdout.strip()
        p = _git("push", "-q", bare, "%s:refs/heads/main" % head)
        if p.returncode != 0:
            raise RuntimeError("git push to %s failed: %s" % (bare, p.stderr))
        # git names the clone of x.bundle "x", as it names the clone of .../x.git
        # the README names the folder of the clone; a placeholder URL has no usable basename
        name = re.sub(r"\.git$", "", os.path.basename(url.rstrip("/")))
        if not re.fullmatch(r"[A-Za-z0-9._-]+", name):
            name = "troubleshark"
        self.bundle = "/tmp/clone-src/%s.bundle" % name
        subprocess.run(["git", "-C", bare, "bundle", "create", "-q", self.path + self.bundle,
                        "HEAD", "main"], check=True)
        shutil.rmtree(bare)
        for d in (src, self.path + self.bundle):
            os.chmod(d, 0o755)

    def run(self, script, user=None, timeout=1500):
        """bash script as root, or through a login shell of `user`; CompletedProcess, output merged."""
        if user:
            cmd = ["runuser", "-l", user, "-c", "set -e\n" + script]
        else:
            cmd = ["bash", "-c", "set -e\ncd\n" + script]
        t0 = time.time()
        p = compatlib.run_in_root(self.path, cmd, rw_binds=[(self.archives, "/var/cache/apt/archives")],
                                  dev=True, timeout=timeout, env={"HOME": "/root"})
        log("%s (%.0f s, rc %d): %s" % (user or "root", time.time() - t0, p.returncode,
                                         script.strip().splitlines()[-1][:100]))
        return p

    def remove(self):
        remove_tree(self.path)


def tail(text, n=60):
    return "\n".join(text.splitlines()[-n:])


def ends_with_hotkey_report(test, out):
    lines = [l for l in out.splitlines() if l.strip()]
    heads = [i for i, l in enumerate(lines) if l.startswith("== ")]
    test.assertTrue(heads, tail(out))
    test.assertIn("-z aerospike,hotkeys", lines[heads[-1]], tail(out))
    report = lines[heads[-1]:]
    test.assertIn("Aerospike Hot Keys", report, tail(out))
    # rank 1: the key the client read 201 times; the totals row: 22 keys, 265 requests
    test.assertTrue(any(re.match(r"^\s*1 \|\s*201 \|eab003ecda2477798e455076eb1adbf77ec7b37d \|", l)
                        for l in report), tail(out))
    test.assertTrue(lines[-1].startswith("====="), tail(out))
    test.assertRegex(lines[-2], r"^\s*1 \|\s*265 \|22 keys\s+\|", tail(out))
    test.assertNotIn(DUP_WARNING, out)


class _Scenario:
    root = None
    user = None

    @classmethod
    def setUpClass(cls):
        if UNAVAILABLE:
            if IN_CI:
                raise RuntimeError("CI must run the fresh Debian 12 check, but: " + UNAVAILABLE)
            raise unittest.SkipTest(UNAVAILABLE)
        cls.qs = quickstart()
        cls.t0 = time.time()
        cls.root = FreshRoot(cls.name, cls.qs["clone_url"])
        cls.prepare()
        demo = "\n".join(cls.qs["demo_lines"]).replace(cls.qs["clone_url"], cls.root.bundle)
        cls.demo = cls.root.run(demo, user=cls.user)
        log("%s: Quick start done after %.0f s; its last lines:\n%s"
            % (cls.name, time.time() - cls.t0, tail(cls.demo.stdout, 40)))

    @classmethod
    def tearDownClass(cls):
        if cls.root and not os.environ.get("TS_FRESH_KEEP"):
            cls.root.remove()

    def sh(self, script, user=None, rc=0):
        p = self.root.run(script, user=user)
        if rc is not None:
            self.assertEqual(p.returncode, rc, tail(p.stdout))
        return p.stdout

    def loaded_copies(self, user=None):
        """Paths of troubleshark.so in `tshark -G plugins`, and the whole output (stderr too)."""
        out = self.sh("tshark -G plugins 2>&1", user=user)
        paths = [l.split("\t")[-1].strip() for l in out.splitlines() if l.startswith("troubleshark.so")]
        return paths, out

    def test_quickstart_ends_with_the_hotkey_report(self):
        out = self.demo.stdout
        self.assertEqual(self.demo.returncode, 0, tail(out, 120))
        self.assertNotIn("-E: not found", out)
        self.assertNotIn("sudo: not found", out)
        self.assertIn("Installing:", out, "make demo installed nothing: the root was not fresh")
        self.assertIn("troubleshark.so", out)
        ends_with_hotkey_report(self, out)


class AsRoot(_Scenario, unittest.TestCase):
    name = "root"

    @classmethod
    def prepare(cls):
        p = cls.root.run(cls.qs["root_prep"])
        if p.returncode != 0:
            raise AssertionError("README's root preparation line failed:\n" + tail(p.stdout))

    def test_a_user_without_sudo_one_clear_sentence(self):
        """make demo by a user on a minimal system (no sudo): what to install, never a shell error."""
        self.sh("useradd -m -s /bin/bash nosudo && cp -a troubleshark /home/nosudo/ && "
                "chown -R nosudo: /home/nosudo/troubleshark && apt-get remove -y -qq wireshark-dev")
        out = self.sh("cd troubleshark && make demo", user="nosudo", rc=None)
        log("make demo without sudo:\n" + tail(out, 5))
        self.assertIn("there is no sudo to install them: wireshark-dev", out)
        self.assertIn("Install them as root (apt-get install -y wireshark-dev)", out)
        self.assertNotIn("not found", out)
        self.sh("apt-get install -y -qq wireshark-dev && userdel -r nosudo")

    def test_debian_package_installs_loads_and_uninstalls(self):
        self.assertEqual(self.demo.returncode, 0, "make demo failed")
        out = self.sh("cd troubleshark && make deb && make uninstall && ls build/*.deb")
        debs = [l for l in out.splitlines() if l.endswith(".deb")]
        self.assertEqual([os.path.basename(d) for d in debs], ["troubleshark_0.1.0_amd64.deb"], tail(out))
        info = self.sh("dpkg-deb -f troubleshark/%s Depends && dpkg-deb -c troubleshark/%s && "
                       "dpkg-query -W -f='${Version}' libwireshark16" % (debs[0], debs[0]))
        ver = info.splitlines()[-1].strip()
        self.assertIn("libwireshark16 (= %s)" % ver, info)
        self.assertIn("." + SYSTEM_PLUGIN, info)
        self.assertEqual(self.loaded_copies()[0], [], "make uninstall left the demo's copy")
        out = self.sh("apt-get install -y ./troubleshark/%s" % debs[0])
        paths, gout = self.loaded_copies()
        self.assertEqual(paths, [SYSTEM_PLUGIN], gout)
        self.assertNotIn(DUP_WARNING, gout)
        self.assertIn("troubleshark: " + SYSTEM_PLUGIN, self.sh("dpkg-query -S %s" % SYSTEM_PLUGIN))
        self.sh("apt-get remove -y troubleshark")
        self.assertFalse(os.path.exists(self.root.path + SYSTEM_PLUGIN))
        self.assertEqual(self.loaded_copies()[0], [])

    def test_zz_ci_dependencies_install_as_root(self):
        """.ci/run's install step on a fresh machine (as root, no sudo): every package `make test`
        needs; a second run finds nothing missing."""
        self.assertEqual(self.demo.returncode, 0, "make demo failed")
        out = self.sh("cd troubleshark && apt-get update -qq && scripts/install-deps.sh", rc=None)
        self.assertNotIn("-E: not found", out)
        self.assertIn("Installing:", out)
        again = self.sh("cd troubleshark && scripts/install-deps.sh && echo all-present")
        self.assertEqual(again.strip(), "all-present", tail(out))


class AsUserWithSudo(_Scenario, unittest.TestCase):
    name = "user"
    user = USER

    @classmethod
    def prepare(cls):
        # the user exists on a real machine; the README's line gives it sudo; no terminal here to
        # type the password, hence NOPASSWD
        p = cls.root.run("useradd -m -s /bin/bash %s\n%s\n"
                         "echo '%s ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/%s\n"
                         "chmod 440 /etc/sudoers.d/%s" % (USER, cls.qs["give_sudo"], USER, USER, USER))
        if p.returncode != 0:
            raise AssertionError("README's line giving a user sudo failed:\n" + tail(p.stdout))
        p = cls.root.run(cls.qs["user_prep"], user=USER)
        if p.returncode != 0:
            raise AssertionError("README's user preparation line failed:\n" + tail(p.stdout))

    def test_b_one_copy_of_the_plugin(self):
        self.assertEqual(self.demo.returncode, 0, "make demo failed")
        self.assertEqual(self.loaded_copies(USER)[0], [PERSONAL_PLUGIN])
        # the .deb while the user has a personal copy: postinst names it
        out = self.sh("cd troubleshark && make deb", user=USER)
        out = self.sh("apt-get install -y /home/%s/troubleshark/build/troubleshark_0.1.0_amd64.deb" % USER)
        self.assertIn("rm " + PERSONAL_PLUGIN, out)
        paths, gout = self.loaded_copies(USER)      # tshark lists one, warns about the other
        self.assertIn(DUP_WARNING, gout)
        # the user's make install: same build system-wide -> the personal copy goes
        out = self.sh("cd troubleshark && make install", user=USER)
        self.assertIn("Removed your personal copy", out)
        paths, gout = self.loaded_copies(USER)
        self.assertEqual(paths, [SYSTEM_PLUGIN], gout)
        self.assertNotIn(DUP_WARNING, gout)
        # another build system-wide: make install stops and says what to do
        self.sh("printf x >> %s" % SYSTEM_PLUGIN)
        out = self.sh("cd troubleshark && make install", user=USER, rc=None)
        self.assertIn("A different troubleshark.so is installed system-wide", out)
        self.assertIn("sudo apt remove troubleshark", out)
        self.assertFalse(os.path.exists(self.root.path + PERSONAL_PLUGIN))
        # root installing while a user has a personal copy: stops and lists it
        self.sh("cd troubleshark && cmake --install build", user=USER)
        out = self.sh("cd /home/%s/troubleshark && scripts/install-plugin.sh build" % USER, rc=None)
        self.assertIn("Users have a personal copy", out)
        self.assertIn(PERSONAL_PLUGIN, out)
        self.sh("apt-get remove -y troubleshark")
        self.assertFalse(os.path.exists(self.root.path + SYSTEM_PLUGIN))


if __name__ == "__main__":
    unittest.main()
