# kubecensus_add_plugin(<target> SOURCES ... [LIBRARIES ...] [OUTPUT_DIR dir])
# Builds a plugin as a MODULE library against the SDK (kubecensus::core), with hidden
# visibility (only the descriptor symbol is exported) and an RPATH that finds the core
# library from lib/kubecensus/plugins/. The output is made non-writable for group/others,
# because the loader refuses such files whatever the umask of the build was.
# The same file serves the project's own plugins and, installed with the SDK
# (find_package(kubecensus)), plugins built out of tree: there OUTPUT_DIR defaults to
# <build>/plugins, a directory to give the agent with --plugin-dir, and
# `install(TARGETS <target> LIBRARY DESTINATION lib/kubecensus/plugins)` is the plugin's own.
function(kubecensus_add_plugin target)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_OUTPUT_DIR AND KUBECENSUS_PLUGIN_OUTPUT_DIR)
    set(ARG_OUTPUT_DIR ${KUBECENSUS_PLUGIN_OUTPUT_DIR})
  elseif(NOT ARG_OUTPUT_DIR)
    set(ARG_OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR}/plugins)
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE kubecensus::core ${ARG_LIBRARIES})
  target_compile_features(${target} PRIVATE cxx_std_20)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${target}
    LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIR}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    BUILD_RPATH "$ORIGIN/../.."
    INSTALL_RPATH "$ORIGIN/../..")
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND chmod go-w $<TARGET_FILE:${target}> $<TARGET_FILE_DIR:${target}>
    VERBATIM)
  if(KUBECENSUS_INSTALL_PLUGINDIR)  # the project's own plugins: storage goes with the collector
    set(component agent)
    if(target MATCHES "^storage-")
      set(component collector)
    endif()
    install(TARGETS ${target} LIBRARY DESTINATION ${KUBECENSUS_INSTALL_PLUGINDIR} COMPONENT ${component})
  endif()
endfunction()
