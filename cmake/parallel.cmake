# parallel.cmake — troubleshark-parallel: the flow sharder (tools/ts-shard.c, linked to wiretap),
# the driver (tools/troubleshark-parallel) and the machine-readable statistics export
# (stats-export.c, tshark -z troubleshark,export) it merges. See doc/parallel.md.
#
# Included from CMakeLists.txt before the compat/reliability pieces so that they see
# stats-export.c as one of the plugin's shared sources.

list(APPEND TS_SHARED_SOURCES stats-export.c)
target_sources(ts_objects PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/stats-export.c)

# The sharder: wiretap/wsutil are imported targets of find_package(Wireshark).
if(TARGET wiretap)
  add_executable(ts-shard ${CMAKE_CURRENT_SOURCE_DIR}/tools/ts-shard.c)
  target_compile_options(ts-shard PRIVATE ${TS_WARNING_FLAGS})
  # 4.0 puts the include directories on epan only
  target_include_directories(ts-shard PRIVATE ${Wireshark_INCLUDE_DIR})
  find_package(PkgConfig QUIET)
  target_link_libraries(ts-shard PRIVATE wiretap wsutil)
  if(PkgConfig_FOUND)
    pkg_check_modules(TS_GLIB QUIET glib-2.0)
    target_include_directories(ts-shard SYSTEM PRIVATE ${TS_GLIB_INCLUDE_DIRS})
    target_link_libraries(ts-shard PRIVATE ${TS_GLIB_LINK_LIBRARIES})
  endif()
  install(TARGETS ts-shard RUNTIME DESTINATION bin)
else()
  message(WARNING "Wireshark's CMake package has no wiretap target: ts-shard is not built")
endif()

# The driver runs from the source tree too (it finds ts-shard next to itself, in the build
# tree, or on PATH).
install(PROGRAMS ${CMAKE_CURRENT_SOURCE_DIR}/tools/troubleshark-parallel DESTINATION bin)
