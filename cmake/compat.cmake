# compat.cmake — what the compatibility tests (label compat) need to know about this build.
#
# tests/test_compat_headers.py compiles every plugin source with -fsyntax-only and the project's
# flags against the Wireshark 4.4 (Debian trixie) and 4.6 (Debian sid) headers;
# tests/test_compat_versions.py builds the plugin inside debootstrap roots of those suites and runs
# the dissect/stats/unit tests there. Both read the build description written here, so the source
# list and the flags have a single definition (the top-level CMakeLists.txt).
#
# Roots and downloaded headers are cached under the build tree:
#   <build>/compat-roots/<suite>     debootstrap roots (reused while their stamp matches)
#   <build>/compat-headers/<suite>   unpacked libwireshark-dev/libwsutil-dev/libwiretap-dev
# `cmake --build <build> --target compat-clean` removes both.

set(_ts_compat_sources ${CMAKE_CURRENT_SOURCE_DIR}/plugin.c)
foreach(_s ${TS_SHARED_SOURCES} ${TS_DISSECTOR_SOURCES})
  list(APPEND _ts_compat_sources ${CMAKE_CURRENT_SOURCE_DIR}/${_s})
endforeach()

if(DEFINED CMAKE_C_EXTENSIONS AND NOT CMAKE_C_EXTENSIONS)
  set(_ts_compat_std "c${CMAKE_C_STANDARD}")
else()
  set(_ts_compat_std "gnu${CMAKE_C_STANDARD}")
endif()

# A tiny JSON writer: every value here is a plain path, flag or word (no quotes, no backslashes).
function(_ts_compat_json_list out)
  set(_items)
  foreach(_v ${ARGN})
    list(APPEND _items "\"${_v}\"")
  endforeach()
  string(JOIN ", " _joined ${_items})
  set(${out} "[${_joined}]" PARENT_SCOPE)
endfunction()

_ts_compat_json_list(_j_sources ${_ts_compat_sources})
_ts_compat_json_list(_j_flags ${TS_WARNING_FLAGS})
_ts_compat_json_list(_j_defs ${TS_PROTOCOL_DEFS})
_ts_compat_json_list(_j_protocols ${TS_PROTOCOLS})
_ts_compat_json_list(_j_includes ${CMAKE_CURRENT_SOURCE_DIR}/include)
_ts_compat_json_list(_j_plugin_sources ${CMAKE_CURRENT_SOURCE_DIR}/plugin.c)

file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/compat)
file(WRITE ${CMAKE_BINARY_DIR}/compat/build-info.json.tmp
"{
  \"source_dir\": \"${CMAKE_CURRENT_SOURCE_DIR}\",
  \"build_dir\": \"${CMAKE_BINARY_DIR}\",
  \"c_compiler\": \"${CMAKE_C_COMPILER}\",
  \"c_std\": \"${_ts_compat_std}\",
  \"plugin_version\": \"${PROJECT_VERSION}\",
  \"host_wireshark\": \"${TS_WS_MAJMIN}\",
  \"host_include_dir\": \"${Wireshark_INCLUDE_DIR}\",
  \"sources\": ${_j_sources},
  \"registration_sources\": ${_j_plugin_sources},
  \"include_dirs\": ${_j_includes},
  \"warning_flags\": ${_j_flags},
  \"definitions\": ${_j_defs},
  \"protocols\": ${_j_protocols}
}
")
# Only touch the file when it changed (keeps timestamps stable across re-configures).
configure_file(${CMAKE_BINARY_DIR}/compat/build-info.json.tmp
               ${CMAKE_BINARY_DIR}/compat/build-info.json COPYONLY)

find_program(TS_COMPAT_PYTHON NAMES python3)
if(TS_COMPAT_PYTHON)
  # unmounts anything a killed run may have left mounted inside a root before deleting it
  add_custom_target(compat-clean
    COMMAND ${TS_COMPAT_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/tests/compat/compatlib.py clean ${CMAKE_BINARY_DIR}
    COMMENT "Removing the cached Wireshark 4.4/4.6 roots and headers of the compat tests")
endif()
