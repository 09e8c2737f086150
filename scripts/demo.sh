#!/bin/sh
# Shows the installed plugin at work on a bundled capture.
set -e
cap=${1:-captures/aerospike-realclient.pcapng}
echo "== tshark -G plugins | grep troubleshark"
tshark -G plugins 2>/dev/null | grep troubleshark || { echo "troubleshark.so is not loaded"; exit 1; }
echo
echo "== tshark -r $cap -Y aerospike (first 15 PDUs)"
tshark -r "$cap" -Y aerospike 2>/dev/null | head -15
echo
echo "== tshark -r $cap -2 -Y aerospike.no_response (requests never answered)"
tshark -r "$cap" -2 -Y aerospike.no_response 2>/dev/null
echo
echo "== tshark -r $cap -q -z aerospike,hotkeys (hot keys: the rows with most requests)"
tshark -r "$cap" -q -z aerospike,hotkeys 2>/dev/null | head -16
