# The Troubleshark configuration profile (profile/Troubleshark: colouring rules, filter buttons,
# columns, TCP preferences; see doc/profile.md), installed where Wireshark lists profiles:
#   * user install with the default prefix (~/.local): the personal profiles folder,
#     ~/.wireshark/profiles when that legacy folder exists, else
#     $XDG_CONFIG_HOME/wireshark/profiles (default ~/.config/wireshark/profiles);
#   * system install, or any other prefix: <prefix>/share/wireshark/profiles, which is Wireshark's
#     global profiles folder when the prefix is Wireshark's (`tshark -G folders`, "Global
#     configuration" + /profiles; /usr/share/wireshark/profiles on Debian).
# The choice is made at install time, so `cmake --install --prefix` and DESTDIR are honoured, and
# the files are recorded in install_manifest.txt (the uninstall target removes them).
if(EXISTS "$ENV{HOME}/.wireshark")
  set(TS_PERSONAL_PROFILES "$ENV{HOME}/.wireshark/profiles")
elseif(NOT "$ENV{XDG_CONFIG_HOME}" STREQUAL "")
  set(TS_PERSONAL_PROFILES "$ENV{XDG_CONFIG_HOME}/wireshark/profiles")
else()
  set(TS_PERSONAL_PROFILES "$ENV{HOME}/.config/wireshark/profiles")
endif()
set(TS_GLOBAL_PROFILES "share/wireshark/profiles")
set(_ts_personal_prefix "")
if(_scope STREQUAL "user")
  set(_ts_personal_prefix "${CMAKE_INSTALL_PREFIX}")
  message(STATUS "Install: profile Troubleshark in ${TS_PERSONAL_PROFILES} "
                 "(with another --prefix: <prefix>/${TS_GLOBAL_PROFILES})")
else()
  message(STATUS "Install: profile Troubleshark in ${CMAKE_INSTALL_PREFIX}/${TS_GLOBAL_PROFILES}")
endif()
install(CODE "
  if(NOT \"${_ts_personal_prefix}\" STREQUAL \"\" AND
     \"\${CMAKE_INSTALL_PREFIX}\" STREQUAL \"${_ts_personal_prefix}\")
    set(_ts_profiles \"${TS_PERSONAL_PROFILES}\")
  else()
    set(_ts_profiles \"\${CMAKE_INSTALL_PREFIX}/${TS_GLOBAL_PROFILES}\")
  endif()
  file(INSTALL DESTINATION \"\${_ts_profiles}\" TYPE DIRECTORY
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
       FILES \"${CMAKE_CURRENT_SOURCE_DIR}/profile/Troubleshark\")
")

# The Debian package (cmake/deb.cmake, `make deb`) installs its own component "deb", never
# installed by `cmake --install`: the profile goes into Wireshark's global profiles folder there.
install(DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}/profile/Troubleshark"
        DESTINATION "${TS_GLOBAL_PROFILES}" COMPONENT deb EXCLUDE_FROM_ALL
        FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
