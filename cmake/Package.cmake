# `make package`: Debian packages with CPack, one per component:
#   kubecensus-common     the core library
#   kubecensus-agent      the agent, its source and sink plugins, /etc/kubecensus/agent.yaml,
#                         a hardened systemd unit
#   kubecensus-collector  the collector, its storage plugins, /etc/kubecensus/collector.yaml,
#                         a hardened systemd unit
#   kubecensus-dev        the SDK: headers and the CMake package
# Both services run as the system user `kubecensus` (made by postinst) with state in
# /var/lib/kubecensus. tests/integration/debian_package_test.cpp installs, runs and purges them.
set(pkg ${PROJECT_SOURCE_DIR}/packaging)

# What only a system installation has (configuration in /etc, the systemd unit) is in the
# <name>-system components, so `cmake --install --component agent` into a prefix stays there.
# EXCLUDE_FROM_ALL: a plain `cmake --install` never writes to /etc; CPack installs by component.
set(agent_state_files "salt cluster-id outbox.db outbox.db-wal outbox.db-shm status.json")
set(collector_state_files "kubecensus.db kubecensus.db-wal kubecensus.db-shm accounts.db accounts.db-wal accounts.db-shm")
foreach(component agent collector)
  install(FILES ${pkg}/debian/${component}.yaml DESTINATION /etc/kubecensus COMPONENT ${component}-system
    EXCLUDE_FROM_ALL)
  install(FILES ${pkg}/systemd/kubecensus-${component}.service DESTINATION lib/systemd/system
    COMPONENT ${component}-system EXCLUDE_FROM_ALL)
  install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/configuration.md
    ${PROJECT_SOURCE_DIR}/docs/privacy.md DESTINATION share/doc/kubecensus-${component}
    COMPONENT ${component}-system EXCLUDE_FROM_ALL)
  set(UNIT kubecensus-${component})
  set(STATE_FILES ${${component}_state_files})
  foreach(script prerm postinst postrm)
    configure_file(${pkg}/debian/${script}.in ${PROJECT_BINARY_DIR}/debian/${component}/${script} @ONLY
      FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  endforeach()
  file(WRITE ${PROJECT_BINARY_DIR}/debian/${component}/conffiles "/etc/kubecensus/${component}.yaml\n")
  string(TOUPPER ${component} C)
  set(CPACK_DEBIAN_${C}_PACKAGE_CONTROL_EXTRA
    ${PROJECT_BINARY_DIR}/debian/${component}/conffiles ${PROJECT_BINARY_DIR}/debian/${component}/postinst
    ${PROJECT_BINARY_DIR}/debian/${component}/prerm ${PROJECT_BINARY_DIR}/debian/${component}/postrm)
  set(CPACK_DEBIAN_${C}_PACKAGE_DEPENDS "kubecensus-common (= ${PROJECT_VERSION}), passwd")
endforeach()
install(FILES ${pkg}/../README.md DESTINATION share/doc/kubecensus-common COMPONENT core)

# One package per group.
foreach(group common dev agent collector)
  string(TOUPPER ${group} G)
  set(CPACK_COMPONENT_GROUP_${G}_DESCRIPTION "")
endforeach()
set(CPACK_COMPONENT_CORE_GROUP common)
set(CPACK_COMPONENT_SDK_GROUP dev)
set(CPACK_COMPONENT_AGENT_GROUP agent)
set(CPACK_COMPONENT_AGENT-SYSTEM_GROUP agent)
set(CPACK_COMPONENT_COLLECTOR_GROUP collector)
set(CPACK_COMPONENT_COLLECTOR-SYSTEM_GROUP collector)

# The shared libraries the binaries link (the same list the container images install).
file(STRINGS ${pkg}/runtime-packages runtime_packages REGEX "^[a-z]")
string(REPLACE ";" ", " runtime_depends "${runtime_packages}")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kubecensus)
set(CPACK_PACKAGE_VENDOR "kubecensus")
set(CPACK_PACKAGE_CONTACT "kubecensus maintainers <maintainers@kubecensus.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "anonymized usage statistics of Kubernetes clusters")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL core sdk agent agent-system collector collector-system)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_COMMON_PACKAGE_NAME kubecensus-common)
set(CPACK_DEBIAN_COMMON_PACKAGE_DEPENDS "${runtime_depends}")
set(CPACK_DEBIAN_AGENT_PACKAGE_NAME kubecensus-agent)
set(CPACK_DEBIAN_COLLECTOR_PACKAGE_NAME kubecensus-collector)
set(CPACK_DEBIAN_DEV_PACKAGE_NAME kubecensus-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "kubecensus-common (= ${PROJECT_VERSION}), nlohmann-json3-dev, cmake")
set(CPACK_DEBIAN_COMMON_DESCRIPTION "kubecensus core library\n The library the agent, the collector and their plugins share.")
set(CPACK_DEBIAN_AGENT_DESCRIPTION "kubecensus agent\n Reports anonymized usage of a Kubernetes cluster or host to a collector.")
set(CPACK_DEBIAN_COLLECTOR_DESCRIPTION "kubecensus collector\n Stores usage reports (native, Spartakus, tectonic) and answers statistics.")
set(CPACK_DEBIAN_DEV_DESCRIPTION "kubecensus plugin SDK\n Headers and CMake package to build kubecensus plugins.")
include(CPack)
