# hnn_add_plugin(<target> SOURCES <files...> [LINK <libraries...>] [NO_INSTALL]
#                [OUTPUT_DIRECTORY <dir>])
#
# Builds a plugin for hnn-host: a MODULE library, hidden visibility, linked to the hnn SDK
# with the same language standard and Eigen settings as the host (they are part of the
# build tag that the host checks before it touches the plugin). In the hnn source tree the
# plugin lands in the bundled plugin folder; from an installed SDK (find_package(hnn)) it
# lands in the caller's build folder, to be loaded with --plugin-dir, the pipeline's
# `plugins:` list or HNN_PLUGIN_PATH.
function(hnn_add_plugin target)
  cmake_parse_arguments(PLUGIN "NO_INSTALL" "OUTPUT_DIRECTORY" "SOURCES;LINK" ${ARGN})
  add_library(${target} MODULE ${PLUGIN_SOURCES})
  if(TARGET hnn_warnings)  # inside the hnn source tree
    target_link_libraries(${target} PRIVATE hnn hnn_warnings ${PLUGIN_LINK})
  else()  # against an installed SDK
    target_link_libraries(${target} PRIVATE hnn::hnn ${PLUGIN_LINK})
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_compile_features(${target} PRIVATE cxx_std_20)
  if(PLUGIN_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${PLUGIN_OUTPUT_DIRECTORY}")
  elseif(DEFINED HNN_PLUGIN_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${HNN_PLUGIN_OUTPUT_DIRECTORY}")
    set_property(GLOBAL APPEND PROPERTY HNN_BUNDLED_PLUGINS ${target})
    if(NOT PLUGIN_NO_INSTALL)
      install(TARGETS ${target} LIBRARY DESTINATION "${HNN_PLUGIN_INSTALL_DIR}")
    endif()
  endif()
endfunction()
