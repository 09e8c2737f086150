#!/bin/bash
# Shows the installed plugin at work on a bundled capture. tshark's warnings are shown (e.g. a
# plugin found in two folders); only the notice every tshark run as root prints is left out.
set -e
cap=${1:-captures/aerospike-realclient.pcapng}
ts() {
  local rc
  { tshark "$@" 2>&1 1>&3 3>&- |
      { grep -v '^Running as user "root" and group "root"\. This could be dangerous\.$' || true; } >&2
    rc=${PIPESTATUS[0]}; } 3>&1
  return "$rc"
}
echo "== tshark -G plugins | grep troubleshark"
ts -G plugins | grep troubleshark || { echo "troubleshark.so is not loaded"; exit 1; }
echo
echo "== tshark -r $cap -Y aerospike (first 15 PDUs)"
ts -r "$cap" -Y aerospike | head -15 || true
echo
echo "== tshark -r $cap -2 -Y aerospike.no_response (requests never answered)"
ts -r "$cap" -2 -Y aerospike.no_response
echo
echo "== tshark -r $cap -q -z aerospike,hotkeys (hot keys: the rows with most requests)"
ts -r "$cap" -q -z aerospike,hotkeys
