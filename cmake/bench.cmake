# bench.cmake — the benchmark (bench/): dissection cost of the plugin against plain tshark.
#
#   cmake --build <build> --target bench        full run: every protocol of this build,
#                                               10k/100k/1M transactions, 3 runs, profiles;
#                                               writes bench/RESULTS.md (captures cached in <build>/bench)
#   cmake --build <build> --target bench-quick  10k and 100k only (a few minutes)
#
# Options: -DTS_BENCH_ARGS="--runs 5 --sizes 10k,100k" replaces the full run's arguments.
# The smoke run (tests/test_bench_smoke.py, label bench) keeps generator and runner working.
find_program(TS_BENCH_PYTHON NAMES python3)
if(TS_BENCH_PYTHON)
  string(REPLACE ";" "," _ts_bench_protocols "${TS_PROTOCOLS}")
  set(TS_BENCH_ARGS "--protocols;${_ts_bench_protocols};--sizes;10k,100k,1M;--runs;3;--profile"
      CACHE STRING "Arguments of bench/run.py for the bench target (a CMake list)")
  add_custom_target(bench
    COMMAND ${TS_BENCH_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/bench/run.py
            --build-dir ${CMAKE_BINARY_DIR} ${TS_BENCH_ARGS}
    DEPENDS troubleshark
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    USES_TERMINAL
    COMMENT "Benchmark: troubleshark against tshark with the protocol disabled (bench/RESULTS.md)")
  add_custom_target(bench-quick
    COMMAND ${TS_BENCH_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/bench/run.py
            --build-dir ${CMAKE_BINARY_DIR} --protocols ${_ts_bench_protocols} --sizes 10k,100k --runs 3
            --out ${CMAKE_BINARY_DIR}/bench/RESULTS-quick.md
    DEPENDS troubleshark
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    USES_TERMINAL
    COMMENT "Quick benchmark (10k, 100k) into ${CMAKE_BINARY_DIR}/bench/RESULTS-quick.md")
endif()
