# Reliability harness (issue 7): the sanitizer build of the plugin, the long fuzz run, replays.
# The bounded runs are the CTest tests labelled `fuzz` (tests/test_fuzz_*.py); they build the
# sanitizer tree themselves (tests/fuzz/fuzzlib.py: ensure_asan_plugin) in ${CMAKE_BINARY_DIR}/asan.
#
#   cmake --build build --target fuzz-asan     # (re)build the sanitizer plugin: build/asan/troubleshark.so
#   cmake --build build --target fuzz-long     # hours: mutation rounds + adversarial + valgrind,
#                                              # summary in build/fuzz-long/summary.md (+ .json)
#   -DTS_FUZZ_LONG_SECONDS=36000               # length of the mutation phase of fuzz-long
#   python3 tests/fuzz/longrun.py --replay --protocol <pool> --batch-seed <n> --variants <n> [--variant <i>]
#
# Sanitizer build by hand: cmake -S . -B build-asan -DSANITIZE=address,undefined; tshark needs
# LD_PRELOAD of the libasan/libubsan the module links (see `ldd build-asan/troubleshark.so`).

set(TS_FUZZ_LONG_SECONDS 7200 CACHE STRING "Seconds of mutation rounds in the fuzz-long target")
set(TS_ASAN_DIR "${CMAKE_BINARY_DIR}/asan")

find_program(TS_REL_PYTHON NAMES python3)
find_program(TS_REL_TSHARK NAMES tshark)
string(REPLACE ";" "$<SEMICOLON>" _ts_rel_protocols "${TS_PROTOCOLS}")
get_filename_component(_ts_rel_shared "${PROJECT_SOURCE_DIR}/../shared" ABSOLUTE)

add_custom_target(fuzz-asan
  COMMAND ${CMAKE_COMMAND} -S ${PROJECT_SOURCE_DIR} -B ${TS_ASAN_DIR}
          -DSANITIZE=address,undefined -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF
          "-DTS_PROTOCOLS=${_ts_rel_protocols}"
  COMMAND ${CMAKE_COMMAND} --build ${TS_ASAN_DIR} -j 2
  COMMENT "Building the AddressSanitizer/UBSan plugin in ${TS_ASAN_DIR}"
  VERBATIM)

if(TS_REL_PYTHON AND TS_REL_TSHARK)
  set(_ts_rel_env
    "TS_PLUGIN=$<TARGET_FILE:troubleshark>"
    "TS_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
    "TS_BUILD_DIR=${CMAKE_BINARY_DIR}"
    "TS_WS_MAJMIN=${TS_WS_MAJMIN}"
    "TS_SHARED_DIR=${_ts_rel_shared}"
    "TS_TSHARK=${TS_REL_TSHARK}"
    "PYTHONDONTWRITEBYTECODE=1")
  add_custom_target(fuzz-long
    COMMAND ${CMAKE_COMMAND} -E env ${_ts_rel_env}
            ${TS_REL_PYTHON} ${PROJECT_SOURCE_DIR}/tests/fuzz/longrun.py
            --duration ${TS_FUZZ_LONG_SECONDS} --harvest --valgrind
            --summary ${CMAKE_BINARY_DIR}/fuzz-long/summary.md
    DEPENDS troubleshark fuzz-asan
    WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
    COMMENT "Long fuzz run (${TS_FUZZ_LONG_SECONDS} s of mutation rounds); summary: ${CMAKE_BINARY_DIR}/fuzz-long/summary.md"
    USES_TERMINAL
    VERBATIM)
endif()
