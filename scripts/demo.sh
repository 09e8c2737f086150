#!/bin/sh
# Shows the installed plugin at work on a bundled capture.
set -e
cap=${1:-captures/aerospike-realclient.pcapng}
echo "== tshark -G plugins | grep troubleshark"
tshark -G plugins 2>/dev/null | grep troubleshark || { echo "troubleshark.so is not loaded"; exit 1; }
echo
echo "== tshark -r $cap -Y aerospike (first 15 PDUs)"
tshark -r "$cap" -Y aerospike 2>/dev/null | head -15
if tshark -z help 2>/dev/null | grep -q '^ *aerospike,hotkeys'; then
  echo
  echo "== tshark -r $cap -q -z aerospike,hotkeys (top rows)"
  tshark -r "$cap" -q -z aerospike,hotkeys 2>/dev/null | head -25
fi
