#!/bin/sh
# Installs what building and testing troubleshark needs on Debian 12 (bookworm) or newer.
#   scripts/install-deps.sh          build + test dependencies
#   scripts/install-deps.sh --build  only what building the plugin needs
# Runs apt-get through sudo when not root. Packages already present are skipped quickly.
set -e
BUILD_PKGS="wireshark-dev tshark libglib2.0-dev libgcrypt20-dev zlib1g-dev cmake make gcc pkg-config"
TEST_PKGS="python3 valgrind debootstrap xvfb xauth xdotool imagemagick wireshark-qt util-linux binutils"
pkgs="$BUILD_PKGS"
[ "$1" = "--build" ] || pkgs="$pkgs $TEST_PKGS"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "Installing:$missing"
# tshark asks whether non-root users may capture; answer "no" without a prompt
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO -E apt-get install -y -qq --no-install-recommends $missing
