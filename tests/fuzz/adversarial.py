"""Adversarial cases per protocol, valid up to the hostile part (built from ../shared/specs/*.md
with tests/fuzz/protocols.py and written with capbuilder).

Each case is one TCP conversation (its own client port) to the protocol's default port; the
cases of one protocol share one capture, except the zlib bombs, which get a capture each so the
memory bound means something. `expect`:
  "expert" — the spec says the value is invalid: the PDU must be shown with an expert info;
  "seen"   — the PDU is legal or merely unusual: it must be shown (no waiting for 2^31 bytes);
  None     — only bounded time/memory and a clean run are required (e.g. a PDU that legally
             announces more bytes than the capture holds).
"""
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import protocols as P  # noqa: E402
from capbuilder import Capture  # noqa: E402

DEEP = 10000
BOMB_BYTES = 512 * 1024 * 1024  # inflates to 512 MiB
SMALL_BOMB_BYTES = 60 * 1024 * 1024  # ~60 KiB of zlib: under a 64 KiB input cap, 60 MiB inflated
_bomb = {}


def zlib_bomb(n=BOMB_BYTES):
    """A zlib stream of n zero bytes (~n/1000 bytes long)."""
    if n not in _bomb:
        c = zlib.compressobj(9)
        chunk = bytes(1 << 20)
        parts = [c.compress(chunk) for _ in range(n >> 20)]
        parts.append(c.flush())
        _bomb[n] = b"".join(parts)
    return _bomb[n]


class Case:
    def __init__(self, protocol, name, c2s, s2c=(), expect="expert", bomb=False, port=None, udp=False):
        self.protocol, self.name = protocol, name
        self.c2s, self.s2c = list(c2s), list(s2c)
        self.expect, self.bomb, self.port, self.udp = expect, bomb, port, udp

    def __repr__(self):
        return "%s/%s" % (self.protocol, self.name)


def _u32(v):
    return struct.pack(">I", v & 0xFFFFFFFF)


# ------------------------------------------------------------------------------------------------
def aerospike_cases():
    C = []
    key = P.as_key_fields()
    A = lambda name, pdus, expect="expert", **kw: C.append(Case("aerospike", name, pdus, expect=expect, **kw))
    # lengths
    A("proto_size_0_msg", [P.as_proto(P.AS_MSG, b"")])
    A("proto_size_0_info", [P.as_proto(P.AS_INFO, b"")], expect="seen")  # legal: summary request
    A("proto_size_1_msg", [P.as_proto(P.AS_MSG, b"\x16")])
    A("proto_size_2p31", [P.as_proto(P.AS_MSG, P.as_msg(key), size=2**31)])
    A("proto_size_2p48m1", [P.as_proto(P.AS_MSG, P.as_msg(key), size=2**48 - 1)])
    A("proto_size_2p48m1_info", [P.as_proto(P.AS_INFO, b"node\n", size=2**48 - 1)])
    A("bad_version_and_type", [P.as_proto(3, b"x" * 16, version=0xFF), P.as_proto(0xFF, b"y" * 8)])
    A("field_size_0", [P.as_proto(P.AS_MSG, P.as_msg([P.as_field(0, b"test", size=0)] + key))])
    A("field_size_1_digest", [P.as_proto(P.AS_MSG, P.as_msg([P.as_field(4, b"", size=1)]))])
    A("field_size_2p31", [P.as_proto(P.AS_MSG, P.as_msg([P.as_field(0, b"test", size=2**31)]))])
    A("field_size_max", [P.as_proto(P.AS_MSG, P.as_msg([P.as_field(1, b"demo", size=0xFFFFFFFF)]))])
    A("op_size_0", [P.as_proto(P.AS_MSG, P.as_msg(key, [P.as_op(2, 3, b"bin", b"v", size=0)]))])
    A("op_size_1", [P.as_proto(P.AS_MSG, P.as_msg(key, [P.as_op(2, 3, b"bin", b"v", size=1)]))])
    A("op_size_2p31", [P.as_proto(P.AS_MSG, P.as_msg(key, [P.as_op(2, 3, b"bin", b"v", size=2**31)]))])
    A("op_name_len_past_op", [P.as_proto(P.AS_MSG, P.as_msg(key, [P.as_op(2, 3, b"b", b"v", name_len=255)]))])
    A("header_sz_not_22", [P.as_proto(P.AS_MSG, P.as_msg(key, header_sz=0xFF))])
    # counts larger than the data
    A("n_fields_n_ops_65535", [P.as_proto(P.AS_MSG, P.as_msg(n_fields=0xFFFF, n_ops=0xFFFF))])
    A("n_fields_65535_one_field", [P.as_proto(P.AS_MSG, P.as_msg(key[:1], n_fields=0xFFFF))])
    batch = struct.pack(">IB", 0xFFFFFFFF, 0x08) + struct.pack(">I", 0) + bytes(20) + b"\x00\x01" + \
        struct.pack(">HH", 1, 0) + P.as_field(0, b"test")
    A("batch_count_max_one_row", [P.as_proto(P.AS_MSG, P.as_msg([P.as_field(41, batch)], info1=0x09))])
    rep = struct.pack(">IB", 3, 0) + struct.pack(">I", 0) + bytes(20) + b"\x01"  # repeat as first row
    A("batch_repeat_first_row", [P.as_proto(P.AS_MSG, P.as_msg([P.as_field(41, rep)], info1=0x09))])
    A("msgpack_array32_count_max", [P.as_proto(P.AS_MSG, P.as_msg(key, [P.as_op(2, 20, b"l", b"\xdd\xff\xff\xff\xff\x01")]))])
    A("msgpack_map32_count_max", [P.as_proto(P.AS_MSG, P.as_msg(key, [P.as_op(2, 19, b"m", b"\xdf\xff\xff\xff\xff\x01")]))])
    A("msgpack_str32_len_max", [P.as_proto(P.AS_MSG, P.as_msg(key, [P.as_op(2, 20, b"l", b"\x91\xdb\xff\xff\xff\xff\x03ab")]))])
    A("msgpack_bin32_ext32_len_2p31", [P.as_proto(P.AS_MSG, P.as_msg(key, [P.as_op(2, 20, b"l", b"\x92\xc6\x80\x00\x00\x00\x01\xc9\x80\x00\x00\x00\x05")]))])
    A("binlist_count_255_empty", [P.as_proto(P.AS_MSG, P.as_msg(key + [P.as_field(40, b"\xff")]))], expect="seen")
    A("admin_n_fields_255", [P.as_proto(P.AS_ADMIN, bytes([0, 0, 20, 255]) + bytes(12) + P.as_field(0, b"u"))])
    A("admin_privileges_count_255", [P.as_proto(P.AS_ADMIN, bytes([0, 0, 10, 2]) + bytes(12) + P.as_field(11, b"r") +
                                                P.as_field(12, b"\xff\x0b\x04test"))], expect="seen")
    A("index_range_lengths_max", [P.as_proto(P.AS_MSG, P.as_msg(key + [P.as_field(22, b"\x01\x03bin\x01" + _u32(0xFFFFFFFF) + b"x")]))])
    # nesting 10 000 deep (MessagePack in list/map bins, CDT op, UDF arguments, filter expression)
    A("msgpack_list_nesting_10000", [P.as_proto(P.AS_MSG, P.as_msg(key, [P.as_op(2, 20, b"l", b"\x91" * DEEP + b"\xc0")]))])
    A("msgpack_map_nesting_10000", [P.as_proto(P.AS_MSG, P.as_msg(key, [P.as_op(2, 19, b"m", b"\x81\x01" * DEEP + b"\xc0")]))])
    A("cdt_op_nesting_10000", [P.as_proto(P.AS_MSG, P.as_msg(key, [P.as_op(3, 4, b"l", b"\x92\x01" + b"\x91" * DEEP + b"\x01")]))])
    A("udf_args_nesting_10000", [P.as_proto(P.AS_MSG, P.as_msg(key + [P.as_field(30, b"m"), P.as_field(31, b"f"),
                                                                      P.as_field(32, b"\x91" * DEEP + b"\xc0")], info2=1))])
    A("filter_exp_nesting_10000", [P.as_proto(P.AS_MSG, P.as_msg(key + [P.as_field(43, b"\x92\x10" * DEEP + b"\x01")]))])
    A("msgpack_nesting_10000_response", [], s2c=[P.as_proto(P.AS_MSG, P.as_msg(ops=[P.as_op(1, 20, b"l", b"\x91" * DEEP + b"\x01")]))])
    # strings without terminators
    A("info_100k_without_newline", [P.as_proto(P.AS_INFO, b"n" * 100000)], expect="seen")
    A("info_response_without_tab_or_newline", [P.as_proto(P.AS_INFO, b"node\n")],
      s2c=[P.as_proto(P.AS_INFO, b"\x00\xff" * 5000)], expect="seen")
    A("namespace_field_60k", [P.as_proto(P.AS_MSG, P.as_msg([P.as_field(0, b"\xff" * 60000)] + key[1:]))], expect="seen")
    # every field at its maximum
    A("all_header_fields_max", [P.as_proto(P.AS_MSG, P.as_msg(info1=0xFF, info2=0xFF, info3=0xFF, info4=0xFF, result=0xFF,
                                                              generation=0xFFFFFFFF, ttl=0xFFFFFFFF, txn_ttl=0xFFFFFFFF))],
      s2c=[P.as_proto(P.AS_MSG, P.as_msg(result=0xFF, generation=0xFFFFFFFF, ttl=0xFFFFFFFF, txn_ttl=0xFFFFFFFF))],
      expect="seen")
    A("all_particle_types_and_ops", [P.as_proto(P.AS_MSG, P.as_msg(key, [P.as_op(op, pt, b"b", b"\xff" * 9)
                                                                         for op in (1, 2, 5, 9, 255) for pt in (1, 2, 17, 23, 255)]))],
      expect="seen")
    # compressed: claimed sizes and broken streams
    inner = P.as_proto(P.AS_MSG, P.as_msg(key))
    A("compressed_claims_2p48m1", [P.as_compressed(inner, claimed=2**48 - 1)])
    A("compressed_claims_2p64m1", [P.as_compressed(inner, claimed=2**64 - 1)])
    A("compressed_claims_0", [P.as_compressed(inner, claimed=0)])
    A("compressed_garbage_stream", [P.as_compressed(inner, stream=b"\x78\x01" + b"\xff" * 64)])
    A("compressed_inner_is_compressed", [P.as_compressed(P.as_compressed(P.as_compressed(inner)))])
    # zlib bomb: 512 MiB of zeros, declared as 100 bytes and as the real size
    C.append(Case("aerospike", "zlib_bomb_declared_small", [P.as_compressed(inner, claimed=100, stream=zlib_bomb())], bomb=True))
    C.append(Case("aerospike", "zlib_bomb_declared_true", [P.as_compressed(inner, claimed=BOMB_BYTES, stream=zlib_bomb())], bomb=True))
    C.append(Case("aerospike", "zlib_bomb_60mib_declared_true", [P.as_compressed(
        inner, claimed=SMALL_BOMB_BYTES, stream=zlib_bomb(SMALL_BOMB_BYTES))], bomb=True))
    return C


def aerospike_cluster_cases():
    C = []
    A = lambda name, pdus, expect="expert", **kw: C.append(Case("aerospike_cluster", name, pdus, expect=expect, **kw))
    f = P.cl_field
    A("msg_size_0", [P.cl_msg(5, [], size=0)], expect="seen")
    A("msg_size_1", [P.cl_msg(5, [b"\x00"])])
    A("msg_size_2p31", [P.cl_msg(5, [f(0, 1, _u32(0x6864))], size=2**31)])
    A("msg_size_max", [P.cl_msg(5, [f(0, 1, _u32(0x6864))], size=0xFFFFFFFF)])
    A("field_len_2p31", [P.cl_msg(5, [P.cl_field_raw(3, 5, 2**31, b"abc\x00")])])
    A("field_len_max", [P.cl_msg(5, [P.cl_field_raw(5, 6, 0xFFFFFFFF, b"\x01")])])
    A("field_len_0_every_type", [P.cl_msg(5, [P.cl_field_raw(i, t, 0, b"") for i, t in enumerate((5, 6, 7, 8, 9, 10, 11))])])
    A("fixed_field_truncated", [P.cl_msg(5, [b"\x00\x02\x03\x01\x02"])])
    A("unused_ftypes_2_4_255", [P.cl_msg(5, [f(0, 1, _u32(0x6864)), b"\x00\x01\x02", b"\x00\x02\x04", b"\xff\xff\xff"])])
    A("string_without_nul", [P.cl_msg(5, [f(0, 1, _u32(0x6864)), f(3, 5, b"A" * 5000)])])
    A("endpoint_count_255_one_endpoint", [P.cl_heartbeat(extra=[f(5, 6, b"\xff" + P.cl_endpoints(1)[1:])])])
    A("endpoint_bad_address_type", [P.cl_heartbeat(extra=[f(9, 6, b"\x02\x00\x07\xba\x0b\x01\x02\x03\x04")])])
    A("paxos_succession_len_max", [P.cl_heartbeat(extra=[f(11, 6, struct.pack("<I", 0x707C) + bytes(24) + struct.pack("<I", 0xFFFFFFFF) + bytes(8))])])
    A("array_u32_len_not_multiple", [P.cl_msg(9, [P.cl_field_raw(2, 7, 7, b"\x01" * 7), P.cl_field_raw(3, 8, 12, b"\x02" * 12)])])
    A("info_request_odd_length", [P.cl_heartbeat(extra=[f(7, 6, b"\x01" * 13)])])
    A("msgpack_nesting_10000", [P.cl_msg(9, [f(3, 11, b"\x91" * DEEP + b"\xc0")])])
    A("msgpack_array32_count_max", [P.cl_msg(9, [f(3, 11, b"\xdd\xff\xff\xff\xff\xa1a")])])
    A("all_fields_max", [P.cl_msg(0xFFFF, [f(0xFFFF, 1, _u32(0xFFFFFFFF)), f(0xFFFE, 3, b"\xff" * 8)])], expect="seen")
    A("compressed_garbage", [P.cl_msg(5, [f(6, 6, b"\x78\x9c" + b"\xff" * 100)])])
    A("compressed_inside_compressed", [P.cl_msg(5, [f(6, 6, zlib.compress(P.cl_heartbeat_compressed()))])])
    A("many_msgs_one_segment", [P.cl_msg(5, [f(0, 1, _u32(0x6864))]) * 3000], expect="seen")
    inner_hdr = struct.pack(">IH", BOMB_BYTES - 6, 5)
    C.append(Case("aerospike_cluster", "zlib_bomb_heartbeat",
                  [P.cl_msg(5, [f(6, 6, _bomb_with_prefix(inner_hdr))])], bomb=True))
    small_hdr = struct.pack(">IH", SMALL_BOMB_BYTES - 6, 5)
    C.append(Case("aerospike_cluster", "zlib_bomb_60mib_under_input_cap",
                  [P.cl_msg(5, [f(6, 6, _bomb_with_prefix(small_hdr, SMALL_BOMB_BYTES))])], bomb=True))
    return C


def _bomb_with_prefix(prefix, n=BOMB_BYTES):
    key = ("p", prefix, n)
    if key not in _bomb:
        c = zlib.compressobj(9)
        parts = [c.compress(prefix)]
        chunk = bytes(1 << 20)
        for _ in range((n - len(prefix)) >> 20):
            parts.append(c.compress(chunk))
        parts.append(c.flush())
        _bomb[key] = b"".join(parts)
    return _bomb[key]


def trade_cases():
    C = []
    A = lambda name, pdus, expect="expert", **kw: C.append(Case("trade", name, pdus, expect=expect, **kw))
    T = P.trade_pdu
    A("size_0", [T(37, b"Ping\x00", size=0)])
    A("size_1", [T(37, b"Ping\x00", size=1)])
    A("size_4", [T(37, b"Ping\x00", size=4)])
    A("size_5_control_empty", [T(37, b"", size=5)])
    A("size_max_short_data", [T(37, b"Ping\x00", size=0xFFFF)], expect=None)
    A("keyword_without_nul", [T(37, b"Ping" * 100)])
    A("keyword_empty", [T(37, b"\x00")])
    A("roundtrip_clock_len_255", [T(1, b"Roundtrip\x00\xff" + b"\x01" * 7)])
    A("roundtrip_clock_len_0", [T(1, b"Roundtrip\x00\x00")], expect="seen")
    A("rtt_for_module_len_255", [T(1, b"Roundtrip for Module\x00Doc\x00\xff\x01\x02")])
    A("rtt_for_module_without_nul", [T(1, b"Roundtrip for Module\x00" + b"D" * 300)])
    A("login_strings_without_nul", [T(7, b"Login\x00Market")])
    A("new_connection_truncated", [T(1, b"New Connection\x00\x0a")])
    A("close_connection_empty", [T(1, b"Close Connection\x00")])
    A("module_count_truncated", [T(1, b"ModuleAndClientCount\x00\x00")])
    A("status_without_nul", [T(1, b"Status\x00" + b"s" * 1000)])
    A("unknown_keyword_and_trailing", [T(99, b"Zzz\x00" + b"\xff" * 100), T(1, b"Pong\x00trailing")], expect="seen")
    A("all_fields_max", [T(0xFF, b"\xff" * 100, receiver=0xFFFE), T(0xFF, b"Ping\x00\x08" + b"\xff" * 8)], expect="seen")
    A("greeting_like_first_segment", [b"\x01\x10Setting up xyz\x00\x00\x00\x00"], expect=None)
    A("pdus_10000_in_one_stream", [T(37, b"Ping\x00") * 10000], expect="seen")
    return C


def hsf2_cases():
    C = []
    A = lambda name, pdus, expect="expert", **kw: C.append(Case("hsf2", name, pdus, expect=expect, **kw))
    S = P.HSF_SERVICE
    arg = [(b"java.lang.String", P.h2_str(b"hello"))]
    A("arg_count_max", [P.hsf_request(1, S, b"m", arg, arg_count=0xFFFFFFFF)])
    A("arg_count_2p31", [P.hsf_request(1, S, b"m", arg, arg_count=2**31)])
    A("arg_count_255_lengths_max", [P.hsf_request(1, S, b"m", arg, arg_count=255, type_lens=[0x7FFFFFFF] * 255,
                                                  obj_lens=[0x7FFFFFFF] * 255)])
    A("lengths_sum_overflow_32bit", [P.hsf_request(1, S, b"m", arg * 2, type_lens=[0xFFFFFFF0, 0x20], obj_lens=[5, 6])])
    A("service_len_2p31", [P.hsf_request(1, S, b"m", arg, service_len=2**31)])
    A("service_len_0_method_len_0", [P.hsf_request(1, b"", b"", arg)])
    A("props_len_max", [P.hsf_request(1, S, b"m", arg, props=b"H", props_len=0xFFFFFFFF)])
    A("body_len_0", [], s2c=[P.hsf_response(1, b"")], expect="seen")
    A("body_len_1", [], s2c=[P.hsf_response(1, b"\x05", body_len=1)], expect="seen")
    A("body_len_2p31", [], s2c=[P.hsf_response(1, b"\x01", body_len=2**31)])
    A("body_len_max", [], s2c=[P.hsf_response(1, b"\x01", body_len=0xFFFFFFFF)])
    A("heartbeat_truncated_then_bad_version", [P.hsf_heartbeat(1)[:10] + P.hsf_heartbeat(2)], expect=None)
    A("unknown_first_bytes", [b"\x0f\x00\x00\x00" + b"\xff" * 40, b"\x0d" + b"\xff" * 40], expect=None)
    # Hessian
    A("hessian_list_nesting_10000", [P.hsf_request(2, S, b"m", [(b"java.util.List", b"\x79" * DEEP + b"N")])])
    A("hessian_map_nesting_10000", [P.hsf_request(3, S, b"m", [(b"java.util.Map", b"H\x90" * DEEP + b"N" + b"Z" * DEEP)])])
    A("hessian_typed_list_nesting_10000", [P.hsf_request(4, S, b"m", [(b"[int", b"V\x04[int\x91" * DEEP + b"N")])])
    A("hessian_object_nesting_10000", [P.hsf_request(5, S, b"m", [(b"N", b"C\x01N\x91\x01n" + b"\x60" * DEEP + b"N")])])
    A("hessian_response_nesting_10000", [], s2c=[P.hsf_response(6, b"\x79" * DEEP + b"N")])
    A("hessian_string_len_max_no_data", [P.hsf_request(7, S, b"m", [(b"java.lang.String", b"S\xff\xff")])])
    A("hessian_string_chunks_without_final", [P.hsf_request(8, S, b"m", [(b"java.lang.String", b"R\x00\x01a" * 2000)])])
    A("hessian_list_count_max", [P.hsf_request(9, S, b"m", [(b"java.util.List", b"X\x49\x7f\xff\xff\xff\x91")])])
    A("hessian_class_fields_max", [P.hsf_request(10, S, b"m", [(b"X", b"C\x01X\x49\x7f\xff\xff\xff\x01a")])])
    A("hessian_bad_refs", [P.hsf_request(11, S, b"m", [(b"X", b"\x6f"), (b"Y", b"Q\x49\x7f\xff\xff\xff"), (b"Z", b"O\x9f")])])
    A("hessian_reserved_bytes", [P.hsf_request(12, S, b"m", [(b"X", b"\x40"), (b"Y", b"\x45"), (b"Z", b"\x47\x50")])])
    A("hessian_binary_chunks_len_max", [P.hsf_request(13, S, b"m", [(b"[B", b"A\xff\xff" + b"\x00" * 10)])])
    A("all_fields_max", [P.hsf_request(0x7FFFFFFFFFFFFFFF, S, b"m", arg, codec=255, timeout=-1)],
      s2c=[P.hsf_response(-1, b"\x00", status=255, codec=255)], expect="seen")
    A("hessian_every_int_encoding", [P.hsf_request(14, S, b"m", [(b"I", bytes([b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))
                                                                 for b in range(0x38, 0x100, 3)])], expect="seen")
    return C


def rocketmq_cases():
    C = []
    A = lambda name, pdus, expect="expert", **kw: C.append(Case("rocketmq", name, pdus, expect=expect, **kw))
    F, J = P.rmq_frame, P.rmq_json
    A("length_0", [struct.pack(">I", 0)])
    A("length_1", [struct.pack(">I", 1) + b"\x00"])
    A("length_2p31", [F(J(105, 1), length=2**31)])
    A("length_max", [F(J(105, 1), length=0xFFFFFFFF)])
    A("header_len_0", [F(b"", b"body", header_len=0)])
    A("header_len_max", [F(J(105, 1), header_len=0xFFFFFF)])
    A("header_len_past_length", [F(J(105, 1), b"", header_len=len(J(105, 1)) + 50)])
    A("serialize_type_255", [F(J(105, 1), stype=255)])
    A("json_nesting_10000_objects", [F(b'{"code":105,"extFields":' + b'{"a":' * DEEP + b'"x"' + b"}" * DEEP +
                                       b',"flag":0,"language":"JAVA","opaque":1,"version":373}')])
    A("json_nesting_10000_arrays", [F(b'{"code":105,"extFields":{"a":' + b"[" * DEEP + b"]" * DEEP + b'},"flag":0,"opaque":2}')])
    A("json_body_nesting_10000", [F(J(34, 3, ext={}), b'{"clientID":' + b"[" * DEEP + b"1" + b"]" * DEEP + b"}")])
    A("json_unterminated_string", [F(b'{"code":105,"remark":"' + b"x" * 3000)])
    A("json_not_json", [F(b"\xff\xfe" * 100)])
    A("binary_remark_len_max", [F(P.rmq_binary(105, 4)[:13] + _u32(0x7FFFFFFF) + b"abc", stype=1)])
    A("binary_ext_len_max", [F(P.rmq_binary(105, 5)[:13] + _u32(0) + _u32(0xFFFFFFFF) + b"\x00\x01a", stype=1)])
    A("binary_key_len_max", [F(P.rmq_binary(105, 6)[:13] + _u32(0) + _u32(8) + b"\xff\xff\x00\x00\x00\x01ab", stype=1)])
    A("binary_value_len_negative", [F(P.rmq_binary(105, 7)[:13] + _u32(0) + _u32(9) + b"\x00\x01k\xff\xff\xff\xffab", stype=1)])
    A("binary_header_short", [F(b"\x00\x69\x00", stype=1)])
    pull_req = F(J(11, 20, ext={"consumerGroup": "g", "topic": "T", "queueId": "0"}))
    store = P.rmq_store_message
    for name, body in (("store_total_size_0", store(b"x", total=0) * 3),
                       ("store_total_size_2p31", store(b"x", total=2**31)),
                       ("store_total_size_4", store(b"x", total=4) * 2),
                       ("store_body_len_negative", store(b"x", body_len=-1)),
                       ("store_body_len_2p31", store(b"x", body_len=2**31 - 1)),
                       ("store_props_len_32767_short", store(b"x")[:-len(b"UNIQ_KEY\x017F0000010001\x02TAGS\x01TagA\x02") - 2] + b"\x7f\xffab"),
                       ("store_props_without_separators", store(b"x", props=b"A" * 30000)),
                       ("store_10000_records", store(b"") * 10000),
                       ("store_inner_batch_garbage", store(b"\xff" * 64, sysflag=0xC0))):
        C.append(Case("rocketmq", name, [pull_req], s2c=[F(J(0, 20, flag=1, remark="FOUND",
                                                              ext={"nextBeginOffset": "1", "minOffset": "0", "maxOffset": "9"}), body)],
                      expect="seen" if name in ("store_10000_records", "store_props_without_separators") else "expert"))
    A("all_fields_max_json", [F(J(2**31 - 1, 2**31 - 1, flag=0xFFFFFFFF, version=2**31 - 1, remark="r" * 1000))], expect="seen")
    A("all_fields_max_binary", [F(P.rmq_binary(32767, -1, flag=-1, version=32767, lang=255, remark=b"r"), stype=1)], expect="seen")
    A("send_compressed_garbage", [F(J(310, 30, ext={"a": "g", "b": "T", "f": "1", "i": ""}), b"\x78\x9c" + b"\xff" * 200)])
    bomb_send = F(J(310, 31, ext={"a": "g", "b": "T", "c": "TBW102", "d": "4", "e": "0", "f": "1", "g": "0", "h": "0", "i": ""}),
                  zlib_bomb())
    C.append(Case("rocketmq", "zlib_bomb_send_body", [bomb_send], bomb=True))
    C.append(Case("rocketmq", "zlib_bomb_60mib_send_body", [F(J(310, 33, ext={"a": "g", "b": "T", "f": "1"}),
                                                              zlib_bomb(SMALL_BOMB_BYTES))], bomb=True))
    bomb_store = F(J(0, 32, flag=1, remark="FOUND", ext={"nextBeginOffset": "1"}), store(zlib_bomb(), sysflag=1))
    C.append(Case("rocketmq", "zlib_bomb_pulled_message", [F(J(11, 32, ext={"topic": "T"}))], s2c=[bomb_store], bomb=True))
    return C


ALL = {
    "aerospike": aerospike_cases,
    "aerospike_cluster": aerospike_cluster_cases,
    "trade": trade_cases,
    "hsf2": hsf2_cases,
    "rocketmq": rocketmq_cases,
}
DEFAULT_PORT = {"aerospike": 3000, "aerospike_cluster": 3002, "trade": 2107, "hsf2": 12200, "rocketmq": 10911}
CLIENT_BASE = 41000


def write_cases(path, cases):
    """One capture: one TCP conversation per case, client port CLIENT_BASE + index.
    Returns {client port: case}."""
    cap = Capture(t0=1700000000.0)
    ports = {}
    for i, case in enumerate(cases):
        port = CLIENT_BASE + i
        ports[port] = case
        srv = case.port or DEFAULT_PORT[case.protocol]
        c = cap.tcp("10.1.0.1:%d" % port, "10.1.0.2:%d" % srv)
        for data in case.c2s:
            c.c2s(data)
        for data in case.s2c:
            c.s2c(data)
        c.close()
    cap.write(path)
    os.chmod(path, 0o644)
    return ports
