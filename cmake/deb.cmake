# The Debian package: `make deb` (cpack -G DEB in the build tree) writes
# troubleshark_<version>_<arch>.deb. It installs troubleshark.so into the system plugin folder of
# the Wireshark it was built against and depends on exactly that libwireshark package version
# (a plugin is only loaded by the major.minor it was built for).
#
# The package has its own install component ("deb", never installed by `cmake --install`), so it
# always holds the system path, whatever TS_INSTALL_SCOPE the build tree uses.
if(NOT UNIX OR SANITIZE)
  return()
endif()
find_program(TS_DPKG_QUERY dpkg-query)
find_program(TS_DPKG dpkg)
if(NOT TS_DPKG_QUERY OR NOT TS_DPKG)
  return()
endif()

# the package that ships the libwireshark we link, and its exact version
get_target_property(_ts_epan_lib epan IMPORTED_LOCATION_RELEASE)
if(NOT _ts_epan_lib)
  get_target_property(_ts_epan_lib epan IMPORTED_LOCATION_NONE)
endif()
if(NOT _ts_epan_lib)
  get_target_property(_ts_epan_lib epan IMPORTED_LOCATION)
endif()
if(NOT _ts_epan_lib)
  get_target_property(_ts_cfgs epan IMPORTED_CONFIGURATIONS)
  list(GET _ts_cfgs 0 _ts_cfg)
  get_target_property(_ts_epan_lib epan IMPORTED_LOCATION_${_ts_cfg})
endif()
get_filename_component(_ts_epan_real "${_ts_epan_lib}" REALPATH)
execute_process(COMMAND ${TS_DPKG_QUERY} -S "${_ts_epan_real}"
                OUTPUT_VARIABLE _ts_owner ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
string(REGEX REPLACE "^([^:, ]+).*$" "\\1" _ts_libws_pkg "${_ts_owner}")
if(NOT _ts_libws_pkg)
  message(STATUS "make deb: ${_ts_epan_real} belongs to no Debian package; no .deb")
  return()
endif()
execute_process(COMMAND ${TS_DPKG_QUERY} -W -f=\${Version} ${_ts_libws_pkg}
                OUTPUT_VARIABLE _ts_libws_ver OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${TS_DPKG} --print-architecture
                OUTPUT_VARIABLE _ts_deb_arch OUTPUT_STRIP_TRAILING_WHITESPACE)

# Wireshark_PLUGIN_LIBDIR is relative to the Wireshark prefix (/usr): lib/<triplet>/wireshark/plugins/<mm>
install(TARGETS troubleshark LIBRARY DESTINATION "${Wireshark_PLUGIN_LIBDIR}/epan"
        COMPONENT deb EXCLUDE_FROM_ALL NAMELINK_SKIP)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME troubleshark)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "troubleshark maintainers <maintainers@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Wireshark plugin: Aerospike, Trade, HSF2 and RocketMQ dissectors and statistics")
set(CPACK_PACKAGE_DESCRIPTION
    "One native plugin for Wireshark ${Wireshark_VERSION} (tshark and the GUI) that decodes the
Aerospike service and cluster protocols, a Trade multiplexer protocol, Taobao HSF2 and Apache
RocketMQ, links responses to requests and adds hot-key, hot-service and hot-topic statistics.")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL deb)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "${_ts_deb_arch}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${_ts_libws_pkg} (= ${_ts_libws_ver}), libgcrypt20, zlib1g, libc6")
set(CPACK_DEBIAN_PACKAGE_ENHANCES "tshark, wireshark-qt")
set(CPACK_PACKAGE_DIRECTORY "${CMAKE_BINARY_DIR}")
# postinst: warn about personal copies that would now load twice
configure_file(${CMAKE_CURRENT_LIST_DIR}/deb-postinst.in ${CMAKE_BINARY_DIR}/deb/postinst @ONLY)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_BINARY_DIR}/deb/postinst)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
message(STATUS "make deb: ${CPACK_PACKAGE_NAME}_${PROJECT_VERSION}_${_ts_deb_arch}.deb, "
               "depends on ${_ts_libws_pkg} (= ${_ts_libws_ver})")
