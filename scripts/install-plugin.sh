#!/bin/sh
# `make install`: installs the built plugin with `cmake --install BUILD`, but never where Wireshark
# would then find two copies ("The plugin 'troubleshark.so' was found in multiple directories"):
#  * as a user, when a system-wide copy exists: the same build -> nothing to install (a personal
#    copy of yours is removed); another build -> stop and say how to replace or remove it;
#  * as root, when users have a personal copy for this Wireshark version: stop and list them.
set -e
build=${1:-build}
so="$build/troubleshark.so"
[ -f "$so" ] || { echo "$so is not built" >&2; exit 1; }
folders=$(tshark -G folders 2>/dev/null)
global=$(printf '%s\n' "$folders" | sed -n 's/^Global Plugins:[[:space:]]*//p')
personal=$(printf '%s\n' "$folders" | sed -n 's/^Personal Plugins:[[:space:]]*//p')
mm=${global##*/}
if [ -z "$global" ] || [ -z "$personal" ]; then
  echo "tshark -G folders did not name the plugin folders; is tshark installed?" >&2
  exit 1
fi
sys_copy="$global/epan/troubleshark.so"
own_copy="$personal/epan/troubleshark.so"

if [ "$(id -u)" != 0 ]; then
  if [ -e "$sys_copy" ]; then
    if cmp -s "$so" "$sys_copy"; then
      if [ -e "$own_copy" ]; then
        rm -f "$own_copy"
        echo "Removed your personal copy $own_copy: the system-wide copy is the same build."
      fi
      echo "troubleshark.so is already installed system-wide ($sys_copy), same build: nothing to install."
      exit 0
    fi
    pkg=$(dpkg-query -S "$sys_copy" 2>/dev/null | cut -d: -f1 || true)
    echo "A different troubleshark.so is installed system-wide: $sys_copy" >&2
    echo "Wireshark would load it and a personal copy both, so nothing was installed. Either:" >&2
    if [ -n "$pkg" ]; then
      echo "  replace it:  make deb && sudo apt install ./$build/troubleshark_*.deb" >&2
      echo "  or remove it: sudo apt remove $pkg   and run make install again" >&2
    else
      echo "  replace it:  sudo cp $so $sys_copy" >&2
      echo "  or remove it: sudo rm $sys_copy   and run make install again" >&2
    fi
    exit 1
  fi
else
  others=""
  root_home=$(getent passwd 0 | cut -d: -f6)
  for home in $(getent passwd | cut -d: -f6 | sort -u); do
    [ "$home" = "$root_home" ] && continue   # root's personal folder: tshark ignores it as root
    f="$home/.local/lib/wireshark/plugins/$mm/epan/troubleshark.so"
    [ -e "$f" ] && others="$others $f"
  done
  if [ -n "$others" ]; then
    echo "Users have a personal copy of troubleshark.so for Wireshark $mm:" >&2
    for f in $others; do echo "  $f" >&2; done
    echo "With a system-wide copy Wireshark would load both for them, so nothing was installed." >&2
    echo "Remove them (rm$others), then run make install again." >&2
    exit 1
  fi
fi
cmake --install "$build"
