# The installed CMake package: find_package(kubecensus) gives kubecensus::core and
# kubecensus_add_plugin() (cmake/KubecensusPlugin.cmake), so a plugin builds against an
# installation alone (examples/custom-source, tests/sdk).
include(CMakePackageConfigHelpers)
install(EXPORT kubecensusTargets NAMESPACE kubecensus:: DESTINATION ${KUBECENSUS_INSTALL_CMAKEDIR} COMPONENT sdk)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/kubecensusConfig.cmake.in
  ${PROJECT_BINARY_DIR}/generated/kubecensusConfig.cmake
  INSTALL_DESTINATION ${KUBECENSUS_INSTALL_CMAKEDIR})
# Whether a plugin loads is decided by the plugin ABI and the build fingerprint at load time;
# for CMake, any 0.1.x satisfies find_package(kubecensus 0.1).
write_basic_package_version_file(${PROJECT_BINARY_DIR}/generated/kubecensusConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/generated/kubecensusConfig.cmake
  ${PROJECT_BINARY_DIR}/generated/kubecensusConfigVersion.cmake
  ${CMAKE_CURRENT_LIST_DIR}/KubecensusPlugin.cmake
  DESTINATION ${KUBECENSUS_INSTALL_CMAKEDIR} COMPONENT sdk)
