#!/usr/bin/env python3
"""bench/heap_owners.py — who owns tshark's heap at its peak: the plugin or Wireshark (issue 18).

Input: heaptrack's peak-cost stack files of two runs on the same capture, the plugin's protocol
enabled (on) and disabled (off), both with Wireshark's simple wmem allocator so that every wmem
allocation is its own malloc and is charged to its real caller (the block allocator charges a
whole 8 MB block to whichever call happened to need a new one):

    WIRESHARK_DEBUG_WMEM_OVERRIDE=simple heaptrack -o on tshark -r cap.pcap
    heaptrack_print -f on.zst --flamegraph-cost-type peak -F on.fg -p 0 -a 0 -T 0
    (the same with --disable-protocol <proto> -> off.fg)
    python3 bench/heap_owners.py on.fg off.fg <transactions> [<plugin rows>]

A stack is the plugin's when one of its frames is in the plugin's sources (the plugin needs debug
information: a RelWithDebInfo build); else it is Wireshark's, split by the exported functions the
stack goes through (Wireshark's own static functions have no symbols in Debian's packages). The
simple allocator's pointer array (g_realloc'd as it doubles) is shown apart: it does not exist
with the normal allocator. Bytes are requested sizes (no malloc/wmem chunk overhead).
"""
import collections
import re
import sys

PLUGIN_SRC = re.compile(r'\((packet-[a-z0-9-]+\.c|transactions\.c|stats\.c|services\.c|msgpack\.c|'
                        r'hessian2\.c|fastjson\.c|inflate\.c|stats-export\.c)\)')


def owner_of(frames):
    if frames and frames[-1] == 'g_realloc' and len(frames) > 2 and frames[-2].startswith('0x') and \
            not any(('wmem_realloc' in f or 'wmem_array' in f or 'wmem_strbuf' in f) for f in frames):
        return '(simple allocator: its pointer array)', None
    for i in range(len(frames) - 1, -1, -1):
        if PLUGIN_SRC.search(frames[i]):
            callee = frames[i + 1].split(' ')[0] if i + 1 < len(frames) else ''
            return 'plugin', '%s -> %s' % (frames[i].split(' ')[0], callee)
    s = ';'.join(frames)
    if 'fragment_' in s or 'reassembl' in s or 'tvb_clone' in s:
        return 'ws: TCP reassembly (fragment_add*)', None
    if 'p_add_proto_data' in s:
        return 'ws: proto_data', None
    if 'conversation' in s:
        return 'ws: conversations', None
    if 'epan_dissect_run' in s or 'call_dissector' in s:
        return 'ws: other dissection (tcp, ip, frame)', None
    return 'ws: start-up, file, frame_data', None


def load(path):
    tot, det = collections.Counter(), collections.Counter()
    with open(path) as f:
        for line in f:
            line = line.rstrip()
            if not line:
                continue
            stack, _, n = line.rpartition(' ')
            owner, detail = owner_of([x for x in stack.split(';') if x])
            tot[owner] += int(n)
            if detail:
                det[detail] += int(n)
    return tot, det


def main():
    on, det = load(sys.argv[1])
    off, _ = load(sys.argv[2])
    ntx = float(sys.argv[3])
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else 12
    print("peak heap on %.2f MiB, off %.2f MiB: %+.0f B per transaction"
          % (sum(on.values()) / 2**20, sum(off.values()) / 2**20, (sum(on.values()) - sum(off.values())) / ntx))
    for k in sorted(set(on) | set(off), key=lambda k: -(on[k] - off[k])):
        print("  %-42s on %7.2f MiB  off %7.2f MiB  %+6.0f B/tx" % (k, on[k] / 2**20, off[k] / 2**20,
                                                                     (on[k] - off[k]) / ntx))
    print("plugin, by allocation site (B/tx):")
    for k, v in det.most_common(rows):
        print("  %6.1f  %s" % (v / ntx, k))


if __name__ == "__main__":
    main()
