#!/usr/bin/env python3
"""compatlib — Wireshark 4.4 / 4.6 environments for the compat tests, cached under the build tree.

Two kinds of environment, both from the machine's own Debian package source:

* headers(build_dir, suite): the -dev packages of a suite (libwireshark-dev, libwsutil-dev,
  libwiretap-dev) downloaded with a private apt configuration and unpacked (never installed),
  for -fsyntax-only checks with the host compiler (API notes §1.5).
* source_files(build_dir, members): files of the installed Wireshark's own Debian source package
  (e.g. the tools/check*.pl/.py checkers for the lint test), fetched with deb-src twins of the
  machine's sources into a private apt configuration; only the members are kept.
* ensure_root(build_dir, suite): a minimal debootstrap root with tshark, wireshark-dev, cmake,
  gcc, python3 and util-linux, in which the plugin is built and tested (run_in_root).

run_in_root() executes a command chrooted into a root with /proc mounted and the source tree (and
../shared) bind-mounted READ-ONLY at the same absolute paths. The mounts are made inside a private
mount namespace (unshare), so they vanish with the process even if it is killed; they are never
visible on the host, so `rm -rf build` cannot reach through them. Without unshare the mounts are
made on the host and always unmounted in a finally block (and stale ones are removed first).

Command line (also used by doc/compat.md):
  compatlib.py root    BUILD_DIR SUITE        create or reuse the root, print its path
  compatlib.py headers BUILD_DIR SUITE        download the -dev headers, print the include dir
  compatlib.py shell   BUILD_DIR SUITE [CMD]  run CMD (default: bash) in the root with the mounts
  compatlib.py clean   BUILD_DIR              unmount leftovers, delete roots, headers, sources
"""
import contextlib
import fcntl
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))

# suite -> Wireshark major.minor it is expected to ship (sid moves on; see expect_version()).
SUITES = {"trixie": "4.4", "sid": "4.6"}
# Build dependencies of the plugin (as in scripts/install-deps.sh; libgcrypt20-dev because
# <wsutil/wsgcrypt.h> includes <gcrypt.h> and no Wireshark -dev package depends on it), plus what
# the tests use: python3, setpriv (util-linux), nm (binutils).
ROOT_PACKAGES = ["tshark", "wireshark-dev", "libgcrypt20-dev", "zlib1g-dev", "cmake", "gcc", "libc6-dev", "make",
                 "pkg-config", "python3", "util-linux", "binutils"]
HEADER_PACKAGES = ["libwireshark-dev", "libwsutil-dev", "libwiretap-dev"]
ROOT_FORMAT = 1
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
ROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class Unavailable(Exception):
    """The package source (or debootstrap, or the privileges it needs) is not available."""


def log(msg):
    print("[compat %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------
# Package source

def mirror():
    """The machine's own Debian mirror (first non-security URI), TS_COMPAT_MIRROR overrides."""
    env = os.environ.get("TS_COMPAT_MIRROR")
    if env:
        return env.rstrip("/")
    uris = []
    for f in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        try:
            with open(f) as fh:
                text = fh.read()
        except OSError:
            continue
        for stanza in re.split(r"\n\s*\n", text):
            m = re.search(r"^URIs:\s*(\S+)", stanza, re.M)
            if m:
                uris.append(m.group(1))
    for f in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
        try:
            with open(f) as fh:
                for line in fh:
                    m = re.match(r"\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+", line)
                    if m:
                        uris.append(m.group(1))
        except OSError:
            continue
    for u in uris:
        if "security" not in u and u.startswith(("http://", "https://", "file:/")):
            return u.rstrip("/")
    return "http://deb.debian.org/debian"


def check_source(suite, timeout=20):
    """Raise Unavailable unless <mirror>/dists/<suite>/Release can be fetched."""
    url = "%s/dists/%s/Release" % (mirror(), suite)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            head = r.read(4096).decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as e:
        raise Unavailable("package source not reachable: %s (%s)" % (url, e))
    if "Suite:" not in head and "Codename:" not in head:
        raise Unavailable("package source answered without a Release file: %s" % url)


def check_debootstrap():
    """Raise Unavailable unless debootstrap and chroot can be used here."""
    if os.geteuid() != 0:
        raise Unavailable("debootstrap and chroot need root (running as uid %d); "
                          "run the compat tests as root, e.g. in CI" % os.geteuid())
    if not shutil.which("debootstrap"):
        raise Unavailable("debootstrap is not installed (apt-get install debootstrap)")
    for tool in ("chroot", "mount", "umount"):
        if not shutil.which(tool):
            raise Unavailable("%s is not installed" % tool)
    if not _have_unshare() and not _can_bind_mount():
        raise Unavailable("cannot mount here (no CAP_SYS_ADMIN, e.g. an unprivileged container)")


def _can_bind_mount():
    import tempfile
    d = tempfile.mkdtemp(prefix="ts-compat-mnt-")
    try:
        if subprocess.run(["mount", "--bind", d, d], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode != 0:
            return False
        subprocess.run(["umount", d], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return True
    finally:
        os.rmdir(d)


@contextlib.contextmanager
def locked(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _run(cmd, logf=None, timeout=None, check=True, **kw):
    out = subprocess.run(cmd, stdout=logf or subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, errors="replace", timeout=timeout, **kw)
    if check and out.returncode != 0:
        raise RuntimeError("command failed (%d): %s\n%s" % (
            out.returncode, " ".join(cmd), (out.stdout or "")[-4000:]))
    return out


# ------------------------------------------------------------------------------------------------
# Headers only (no root needed): apt-get download with a private configuration

def _private_apt(base, sources):
    """apt-get options for a private configuration under base (lists, cache, downloads in debs/)
    reading only `sources` ({file name in base/src: deb822 or one-line text})."""
    for d in ("lists/partial", "cache/archives/partial", "src", "debs"):
        os.makedirs(os.path.join(base, d), exist_ok=True)
    for name, text in sources.items():
        with open(os.path.join(base, "src", name), "w") as f:
            f.write(text)
    return ["-o", "Dir::Etc::SourceList=/dev/null",
            "-o", "Dir::Etc::SourceParts=" + os.path.join(base, "src"),
            "-o", "Dir::State::Lists=" + os.path.join(base, "lists"),
            "-o", "Dir::Cache=" + os.path.join(base, "cache"),
            "-o", "Debug::NoLocking=1",
            "-o", "Acquire::Check-Valid-Until=false",
            "-o", "APT::Sandbox::User=root"]


def headers(build_dir, suite):
    """Include directory of the suite's Wireshark headers (downloaded once, then cached)."""
    base = os.path.join(build_dir, "compat-headers", suite)
    stamp = os.path.join(base, "ready.json")
    want = {"packages": HEADER_PACKAGES, "mirror": mirror(), "suite": suite}
    inc = os.path.join(base, "root", "usr", "include", "wireshark")
    with locked(base + ".lock"):
        if _load_json(stamp) == want and os.path.isfile(os.path.join(inc, "ws_version.h")):
            return inc
        check_source(suite)
        if not shutil.which("apt-get") or not shutil.which("dpkg"):
            raise Unavailable("apt-get/dpkg not available to download the %s headers" % suite)
        shutil.rmtree(base, ignore_errors=True)
        os.makedirs(os.path.join(base, "root"))
        opts = _private_apt(base, {suite + ".sources": "Types: deb\nURIs: %s\nSuites: %s\nComponents: main\n"
                                   "Signed-By: %s\n" % (mirror(), suite, KEYRING)})
        upd = _run(["apt-get"] + opts + ["update"], timeout=600, check=False)
        if upd.returncode != 0 or re.search(r"^(E:|Err:)", upd.stdout, re.M):
            raise Unavailable("apt-get update for %s failed:\n%s" % (suite, upd.stdout[-2000:]))
        _run(["apt-get"] + opts + ["download"] + HEADER_PACKAGES, timeout=600,
             cwd=os.path.join(base, "debs"))
        for deb in glob.glob(os.path.join(base, "debs", "*.deb")):
            _run(["dpkg-deb", "-x", deb, os.path.join(base, "root")])
        if not os.path.isfile(os.path.join(inc, "ws_version.h")):
            raise RuntimeError("no ws_version.h in the %s -dev packages" % suite)
        for d in ("lists", "cache", "debs"):      # the package lists are large; keep the headers
            shutil.rmtree(os.path.join(base, d), ignore_errors=True)
        with open(stamp, "w") as f:
            json.dump(want, f)
    return inc


def header_version(inc):
    """'4.4.18' from an include dir's ws_version.h."""
    text = open(os.path.join(inc, "ws_version.h")).read()
    parts = [re.search(r"#define\s+WIRESHARK_VERSION_%s\s+(\d+)" % k, text).group(1)
             for k in ("MAJOR", "MINOR", "MICRO")]
    return ".".join(parts)


def expect_version(suite, version):
    """None when `version` (x.y.z) is what `suite` should ship, else a message. sid is unstable:
    it must ship at least 4.6 (a newer Wireshark there is a new target, not a test failure)."""
    mm = tuple(int(x) for x in version.split(".")[:2])
    want = tuple(int(x) for x in SUITES[suite].split("."))
    if (mm == want) if suite != "sid" else (mm >= want):
        return None
    return "%s ships Wireshark %s, expected %s%s" % (
        suite, version, SUITES[suite], "" if suite != "sid" else " or newer")


# ------------------------------------------------------------------------------------------------
# Files of the installed Wireshark's Debian source package (no root needed): apt-get source
# --download-only with a private configuration holding deb-src twins of the machine's own sources

SOURCE_OF = "libwireshark-dev"      # the package the plugin is compiled against


def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def installed_source(binary=SOURCE_OF):
    """('wireshark', '4.0.17-0+deb12u3'): source package and version of an installed package."""
    p = subprocess.run(["dpkg-query", "-W", "-f=${source:Package} ${source:Version} ${Status}", binary],
                       capture_output=True, text=True)
    parts = p.stdout.split()
    if p.returncode != 0 or len(parts) < 3 or not p.stdout.endswith(" installed"):
        raise RuntimeError("%s is not installed (dpkg-query: %s)" % (binary, (p.stderr or p.stdout).strip()))
    return parts[0], parts[1]


def deb_src_sources():
    """{file name: text}: every enabled 'deb' entry of the machine's APT sources, as 'deb-src'."""
    found = {}
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        stanzas = []
        for stanza in re.split(r"\n\s*\n", _read(path)):
            types = re.search(r"^Types:[ \t]*(.*)$", stanza, re.M | re.I)
            if (not types or "deb" not in types.group(1).split()
                    or re.search(r"^Enabled:\s*no\s*$", stanza, re.M | re.I)):
                continue
            stanzas.append((stanza[:types.start()] + "Types: deb-src" + stanza[types.end():]).strip("\n"))
        if stanzas:
            found["ts-" + os.path.basename(path)] = "\n\n".join(stanzas) + "\n"
    lines = [re.sub(r"^\s*deb\s", "deb-src ", line, count=1)
             for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list"))
             for line in _read(path).splitlines() if re.match(r"\s*deb\s", line)]
    if lines:
        found["ts-sources.list"] = "\n".join(lines) + "\n"
    return found


def _probe(sources):
    """Raise Unavailable when the first HTTP source does not answer at all (offline)."""
    m = re.search(r"^URIs:[ \t]*(\S+)|^deb-src\s+(?:\[[^\]]*\]\s+)?(\S+)", "\n".join(sources.values()),
                  re.M | re.I)
    url = (m.group(1) or m.group(2)) if m else ""
    if not url.startswith(("http://", "https://")):
        return
    try:
        urllib.request.urlopen(url.rstrip("/") + "/", timeout=20).close()
    except urllib.error.HTTPError:
        return                                  # it answered: online
    except (urllib.error.URLError, OSError) as e:
        raise Unavailable("package source not reachable: %s (%s)" % (url, e))


def patch_sections(diff, members):
    """The file sections of a unified diff (-p1 paths) that change one of `members`."""
    keep, cur = [], False
    lines = diff.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            cur = lines[i + 1][4:].split("\t")[0].strip().split("/", 1)[-1] in members
        elif line.startswith(("diff ", "Index: ")):
            cur = False
        if cur:
            keep.append(line)
    return "".join(keep)


def _apply_debian_patches(debian_tar, tree, members, work):
    """Apply, in series order, the parts of debian/patches/* that change `members`; their names."""
    _run(["tar", "-xf", debian_tar, "-C", work, "--wildcards", "debian/patches/*"], check=False)
    pdir = os.path.join(work, "debian", "patches")
    applied = []
    for line in _read(os.path.join(pdir, "series")).splitlines():
        name = line.split("#", 1)[0].split()
        if not name:
            continue
        part = patch_sections(_read(os.path.join(pdir, name[0])), members)
        if part:
            p = subprocess.run(["patch", "-p1", "--batch", "--forward", "-d", tree], input=part,
                               capture_output=True, text=True)
            if p.returncode != 0:
                raise RuntimeError("Debian patch %s does not apply to %s:\n%s" % (name[0], tree, p.stdout + p.stderr))
            applied.append(name[0])
    return applied


def source_files(build_dir, members, binary=SOURCE_OF):
    """(directory, info): `members` (paths in the upstream tree, e.g. 'tools/checkhf.pl') from the
    Debian source of the installed `binary`'s version with the Debian patches to them applied.
    Downloaded once (deb-src twins of the machine's sources, apt-get source --download-only, tar
    extracts the members only), then cached under <build>/ws-source/<source>_<version>.
    Raises Unavailable when the package source does not answer (offline), RuntimeError otherwise."""
    src, version = installed_source(binary)
    base = os.path.join(os.path.abspath(build_dir), "ws-source", "%s_%s" % (src, version))
    tree = os.path.join(base, "tree")
    stamp = os.path.join(base, "ready.json")
    want = {"source": src, "version": version, "members": sorted(members)}
    with locked(base + ".lock"):
        have = _load_json(stamp)
        if (have and {k: have.get(k) for k in want} == want
                and all(os.path.isfile(os.path.join(tree, m)) for m in members)):
            return tree, have
        for tool in ("apt-get", "tar", "patch"):
            if not shutil.which(tool):
                raise RuntimeError("%s is needed to fetch the %s source" % (tool, src))
        sources = deb_src_sources()
        if not sources:
            raise RuntimeError("no 'deb' entry in /etc/apt/sources.list(.d) to derive a deb-src one from")
        _probe(sources)
        shutil.rmtree(base, ignore_errors=True)
        opts = _private_apt(base, sources)
        upd = _run(["apt-get"] + opts + ["update"], timeout=600, check=False)
        if upd.returncode != 0 or re.search(r"^(E:|Err:)", upd.stdout, re.M):
            raise RuntimeError("apt-get update with deb-src entries failed:\n%s" % upd.stdout[-2000:])
        debs = os.path.join(base, "debs")
        got = _run(["apt-get"] + opts + ["source", "--download-only", "%s=%s" % (src, version)],
                   timeout=900, check=False, cwd=debs)
        if got.returncode != 0:
            raise RuntimeError("apt-get source %s=%s failed (the package source may have moved past the "
                               "installed version: upgrade %s):\n%s" % (src, version, binary, got.stdout[-2000:]))
        orig = [f for f in glob.glob(os.path.join(debs, "*.orig.tar.*")) if not f.endswith(".asc")]
        debian = glob.glob(os.path.join(debs, "*.debian.tar.*"))
        if len(orig) != 1 or len(debian) != 1:
            raise RuntimeError("expected a 3.0 (quilt) source (one .orig.tar, one .debian.tar), got: %s"
                               % " ".join(sorted(os.listdir(debs))))
        os.makedirs(tree)
        _run(["tar", "-xf", orig[0], "-C", tree, "--strip-components=1", "--wildcards"]
             + ["*/" + m for m in members], timeout=600)
        missing = [m for m in members if not os.path.isfile(os.path.join(tree, m))]
        if missing:
            raise RuntimeError("not in %s: %s" % (os.path.basename(orig[0]), " ".join(missing)))
        info = dict(want, orig=os.path.basename(orig[0]),
                    patches=_apply_debian_patches(debian[0], tree, members, base))
        for d in ("lists", "cache", "debs", "debian", "src"):    # keep only the extracted files
            shutil.rmtree(os.path.join(base, d), ignore_errors=True)
        with open(stamp, "w") as f:
            json.dump(info, f)
    return tree, info


# ------------------------------------------------------------------------------------------------
# debootstrap roots

def _load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _mounts_under(path):
    """Mount points at or below path (deepest first), from this namespace's mountinfo."""
    path = os.path.realpath(path)
    found = []
    try:
        with open("/proc/self/mountinfo") as fh:
            for line in fh:
                mp = line.split()[4].replace("\\040", " ")
                if mp == path or mp.startswith(path + "/"):
                    found.append(mp)
    except OSError:
        pass
    return sorted(found, key=len, reverse=True)


def unmount_all(path):
    for mp in _mounts_under(path):
        subprocess.run(["umount", "-l", mp], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    left = _mounts_under(path)
    if left:
        raise RuntimeError("cannot unmount %s" % ", ".join(left))


def remove_tree(path):
    """rm -rf, after making sure nothing is mounted below (never delete through a mount)."""
    if os.path.lexists(path):
        unmount_all(path)
        shutil.rmtree(path)


def root_dir(build_dir, suite):
    return os.path.join(os.path.abspath(build_dir), "compat-roots", suite)


def _installed(root, packages):
    """Packages of `packages` that are not 'install ok installed' in root."""
    fmt = "${Package} ${Status}\\n"
    out = subprocess.run(["chroot", root, "dpkg-query", "-W", "-f=" + fmt] + packages,
                         capture_output=True, text=True, env={"PATH": ROOT_PATH})
    ok = {l.split()[0] for l in out.stdout.splitlines() if l.endswith("install ok installed")}
    return [p for p in packages if p not in ok]


def _unconfigured(root):
    out = subprocess.run(["chroot", root, "dpkg-query", "-W", "-f=${Package} ${Status}\\n"],
                         capture_output=True, text=True, env={"PATH": ROOT_PATH})
    return [l.split()[0] for l in out.stdout.splitlines()
            if l.strip() and not l.endswith((" installed", " not-installed", " config-files"))]


def ensure_root(build_dir, suite, progress=log):
    """Create (or reuse) <build>/compat-roots/<suite>; returns its path.

    Raises Unavailable when debootstrap, root privileges or the package source are missing."""
    root = root_dir(build_dir, suite)
    stamp = os.path.join(root, ".ts-compat-ready")
    want = {"format": ROOT_FORMAT, "suite": suite, "mirror": mirror(), "packages": ROOT_PACKAGES}
    check_debootstrap()
    with locked(root + ".lock"):
        unmount_all(root)        # leftovers of a killed run without unshare
        have = _load_json(stamp)
        if have == want and not _installed(root, ["tshark", "wireshark-dev"]):
            progress("reusing %s root %s" % (suite, root))
            return root
        check_source(suite)
        if have and all(have.get(k) == want[k] for k in ("format", "suite", "mirror")):
            # Same root, package list changed: install what is new instead of starting over.
            missing = _installed(root, ROOT_PACKAGES)
            progress("%s root: installing %s" % (suite, " ".join(missing) or "nothing"))
            with open(root + ".log", "a") as logf:
                r = run_in_root(root, ["sh", "-c", "apt-get update && apt-get -y install "
                                       + " ".join(ROOT_PACKAGES) + " && apt-get clean"],
                                stdout=logf, timeout=1200)
            if r.returncode == 0 and not _installed(root, ROOT_PACKAGES):
                with open(stamp, "w") as f:
                    json.dump(want, f)
                return root
            progress("%s root: update failed, recreating it" % suite)
        remove_tree(root)
        logpath = root + ".log"
        progress("creating %s root with debootstrap (log: %s)" % (suite, logpath))
        t0 = time.time()
        with open(logpath, "w") as logf:
            rc = _run(["debootstrap", "--variant=minbase", "--components=main",
                       "--include=" + ",".join(ROOT_PACKAGES), suite, root, mirror()],
                      logf=logf, timeout=1800, check=False).returncode
        progress("debootstrap %s exited %d after %.0f s" % (suite, rc, time.time() - t0))
        if not os.path.exists(os.path.join(root, "usr", "bin", "apt-get")):
            tail = open(logpath, errors="replace").read()[-3000:]
            raise RuntimeError("debootstrap %s failed (rc %d), no usable root:\n%s" % (suite, rc, tail))
        # A snapshot mirror serves Release files past their Valid-Until date.
        with open(os.path.join(root, "etc", "apt", "apt.conf.d", "99ts-compat"), "w") as f:
            f.write('Acquire::Check-Valid-Until "false";\nAPT::Install-Recommends "false";\n')
        missing = _installed(root, ROOT_PACKAGES)
        if rc != 0 or missing or _unconfigured(root):
            # debootstrap resolves dependencies without virtual packages; on sid a library
            # depending on a virtual package (libfalcosecurity0.23 -> libre2-11-absl...) stays
            # unconfigured and with it tshark/wireshark-dev. apt resolves it.
            progress("%s: repairing unconfigured packages with apt-get -f install (%s)"
                     % (suite, " ".join(missing or _unconfigured(root))))
            with open(logpath, "a") as logf:
                script = ("apt-get update && apt-get -y -f install && dpkg --configure -a && "
                          "apt-get -y install " + " ".join(ROOT_PACKAGES))
                r = run_in_root(root, ["sh", "-c", script], binds=(), stdout=logf, timeout=1200)
            missing = _installed(root, ROOT_PACKAGES)
            if r.returncode != 0 or missing:
                tail = open(logpath, errors="replace").read()[-3000:]
                raise RuntimeError("%s root: packages not installed after repair: %s\n%s"
                                   % (suite, " ".join(missing), tail))
        subprocess.run(["chroot", root, "apt-get", "clean"], env={"PATH": ROOT_PATH},
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(stamp, "w") as f:
            json.dump(want, f)
        progress("%s root ready after %.0f s" % (suite, time.time() - t0))
    return root


def _have_unshare():
    if not shutil.which("unshare"):
        return False
    r = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return r.returncode == 0


def run_in_root(root, cmd, binds=(), env=None, stdout=None, timeout=None, cwd="/",
                rw_binds=(), dev=False):
    """Run cmd chrooted into root; every directory of `binds` is bind-mounted read-only at the
    same absolute path inside, every (host_dir, dir_in_root) of `rw_binds` writable, and /dev
    when `dev` is true. Returns CompletedProcess (text; stdout+stderr merged unless a file is
    given)."""
    spec = {"root": os.path.abspath(root), "binds": [os.path.abspath(b) for b in binds],
            "env": env or {}, "cmd": list(cmd), "cwd": cwd,
            "rw_binds": [[os.path.abspath(h), r] for h, r in rw_binds], "dev": bool(dev)}
    inner = [sys.executable, os.path.abspath(__file__), "_exec", json.dumps(spec)]
    if _have_unshare():
        inner = ["unshare", "--mount", "--propagation", "private"] + inner
    return subprocess.run(inner, stdout=stdout or subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, errors="replace", timeout=timeout)


def _exec(spec):
    """Child side of run_in_root: mount, chroot, run, unmount (always)."""
    root = spec["root"]
    mounted = []
    try:
        unmount_all(root)     # only our own namespace's view (or host leftovers without unshare)
        for b in spec["binds"]:
            target = root + b
            os.makedirs(target, exist_ok=True)
            subprocess.run(["mount", "--bind", b, target], check=True)
            mounted.append(target)
            subprocess.run(["mount", "-o", "remount,bind,ro", target], check=True)
        for host, inside in spec.get("rw_binds", []):
            target = root + inside
            os.makedirs(target, exist_ok=True)
            subprocess.run(["mount", "--bind", host, target], check=True)
            mounted.append(target)
        if spec.get("dev"):
            subprocess.run(["mount", "--bind", "/dev", os.path.join(root, "dev")], check=True)
            mounted.append(os.path.join(root, "dev"))
        subprocess.run(["mount", "-t", "proc", "proc", os.path.join(root, "proc")], check=True)
        mounted.append(os.path.join(root, "proc"))
        environ = {"PATH": ROOT_PATH, "HOME": "/root", "LC_ALL": "C.UTF-8", "TZ": "UTC",
                   "DEBIAN_FRONTEND": "noninteractive"}
        environ.update(spec["env"])
        sys.stdout.flush()
        p = subprocess.run(["chroot", root, "sh", "-c", 'cd "$0" && exec "$@"', spec["cwd"]]
                           + spec["cmd"], env=environ)
        return p.returncode
    finally:
        for m in reversed(mounted):
            subprocess.run(["umount", "-l", m], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)


def clean(build_dir):
    for d in ("compat-roots", "compat-headers", "ws-source"):
        p = os.path.join(os.path.abspath(build_dir), d)
        if os.path.exists(p):
            remove_tree(p)
            log("removed %s" % p)


def main(argv):
    if len(argv) >= 2 and argv[0] == "_exec":
        return _exec(json.loads(argv[1]))
    if len(argv) >= 2 and argv[0] == "clean":
        clean(argv[1])
        return 0
    if len(argv) < 3 or argv[0] not in ("root", "headers", "shell") or argv[2] not in SUITES:
        print(__doc__, file=sys.stderr)
        return 2
    what, build_dir, suite = argv[:3]
    try:
        if what == "headers":
            print(headers(build_dir, suite))
            return 0
        root = ensure_root(build_dir, suite)
        if what == "root":
            print(root)
            return 0
        src = os.path.dirname(os.path.dirname(HERE))
        binds = [src] + [d for d in [os.path.join(os.path.dirname(src), "shared")] if os.path.isdir(d)]
        cmd = argv[3:] or ["bash"]
        return subprocess.run(
            ([ "unshare", "--mount", "--propagation", "private"] if _have_unshare() else [])
            + [sys.executable, os.path.abspath(__file__), "_exec",
               json.dumps({"root": root, "binds": binds, "env": {"TERM": os.environ.get("TERM", "dumb")},
                           "cmd": cmd, "cwd": "/"})]).returncode
    except Unavailable as e:
        print("unavailable: %s" % e, file=sys.stderr)
        return 77


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
