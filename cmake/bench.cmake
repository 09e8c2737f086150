# bench.cmake — the benchmark (bench/): dissection cost of the plugin against plain tshark.
#
#   cmake --build <build> --target bench        full run: every protocol of this build,
#                                               10k/100k/1M transactions, 3 runs, profiles;
#                                               writes bench/RESULTS.md (captures cached in <build>/bench)
#   cmake --build <build> --target bench-quick  10k and 100k only (a few minutes)
#   cmake --build <build> --target tsref        the reference dissector <build>/bench/tsref.so
#                                               (bench/ref-dissector.c: the same PDUs framed by
#                                               tcp_dissect_pdus and nothing else; run.py's "ref"
#                                               variant). Not built by default, never installed.
#
# Options: -DTS_BENCH_ARGS="--runs 5 --sizes 10k,100k" replaces the full run's arguments.
# The smoke run (tests/test_bench_smoke.py, label bench) keeps generator and runner working.
add_library(tsref MODULE EXCLUDE_FROM_ALL ${CMAKE_CURRENT_SOURCE_DIR}/bench/ref-dissector.c)
set_target_properties(tsref PROPERTIES PREFIX "" OUTPUT_NAME tsref DEFINE_SYMBOL ""
                      LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
target_compile_definitions(tsref PRIVATE PLUGIN_VERSION="${PROJECT_VERSION}")
target_compile_options(tsref PRIVATE ${TS_WARNING_FLAGS})
target_link_libraries(tsref PRIVATE epan)
target_link_options(tsref PRIVATE -Wl,--no-undefined)

find_program(TS_BENCH_PYTHON NAMES python3)
if(TS_BENCH_PYTHON)
  string(REPLACE ";" "," _ts_bench_protocols "${TS_PROTOCOLS}")
  set(TS_BENCH_ARGS "--protocols;${_ts_bench_protocols};--sizes;10k,100k,1M;--runs;3;--profile"
      CACHE STRING "Arguments of bench/run.py for the bench target (a CMake list)")
  add_custom_target(bench
    COMMAND ${TS_BENCH_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/bench/run.py
            --build-dir ${CMAKE_BINARY_DIR} ${TS_BENCH_ARGS}
    DEPENDS troubleshark tsref
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    USES_TERMINAL
    COMMENT "Benchmark: troubleshark against tshark with the protocol disabled (bench/RESULTS.md)")
  add_custom_target(bench-quick
    COMMAND ${TS_BENCH_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/bench/run.py
            --build-dir ${CMAKE_BINARY_DIR} --protocols ${_ts_bench_protocols} --sizes 10k,100k --runs 3
            --out ${CMAKE_BINARY_DIR}/bench/RESULTS-quick.md
    DEPENDS troubleshark tsref
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    USES_TERMINAL
    COMMENT "Quick benchmark (10k, 100k) into ${CMAKE_BINARY_DIR}/bench/RESULTS-quick.md")
endif()
