#!/bin/sh
# Installs what building and testing troubleshark needs on Debian 12 (bookworm) or newer.
#   scripts/install-deps.sh          build + test dependencies
#   scripts/install-deps.sh --build  only what building the plugin needs
# As root it runs apt-get directly; as a user through sudo (and says what to do when there is no
# sudo). Packages already present are skipped quickly.
set -e
BUILD_PKGS="wireshark-dev tshark libglib2.0-dev libgcrypt20-dev zlib1g-dev cmake make gcc libc6-dev pkg-config"
TEST_PKGS="python3 git valgrind debootstrap xvfb xauth xdotool imagemagick wireshark-qt util-linux binutils parallel rsync time"
pkgs="$BUILD_PKGS"
[ "$1" = "--build" ] || pkgs="$pkgs $TEST_PKGS"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "Installing:$missing"
if [ "$(id -u)" = 0 ]; then
  as_root() { "$@"; }
elif command -v sudo >/dev/null 2>&1; then
  as_root() { sudo "$@"; }
else
  echo "These packages are missing and there is no sudo to install them:$missing" >&2
  echo "Install them as root (apt-get install -y$missing), or install sudo and add yourself to the sudo group, then run this again." >&2
  exit 1
fi
# tshark asks whether non-root users may capture; answer "no" without a prompt
echo "wireshark-common wireshark-common/install-setuid boolean false" | as_root debconf-set-selections
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
