# Instrumented builds (docs/fuzzing.md). Both options apply to every target of the tree
# (libraries, plugins, tests), so that a plugin's build tag and instrumentation match the
# host's; use a build folder of their own.
#
#   -DHNN_SANITIZE=ON   AddressSanitizer + UndefinedBehaviorSanitizer, any undefined
#                       behaviour is fatal (-fno-sanitize-recover=undefined). gcc or clang.
#   -DHNN_FUZZ=ON       also the libFuzzer targets of fuzz/ (implies HNN_SANITIZE; clang
#                       with libclang-rt, e.g. CMAKE_CXX_COMPILER=clang++-14): every target
#                       is compiled with the coverage instrumentation libFuzzer needs.
option(HNN_SANITIZE "Build everything with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(HNN_FUZZ "Build the libFuzzer targets of fuzz/ (clang; implies HNN_SANITIZE)" OFF)

if(HNN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "HNN_FUZZ needs clang with libFuzzer (e.g. -DCMAKE_CXX_COMPILER=clang++-14 "
                        "with libclang-rt-14-dev), not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  set(HNN_SANITIZE ON CACHE BOOL "" FORCE)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(HNN_SANITIZE)
  set(hnn_sanitizer_flags -fsanitize=address,undefined -fno-sanitize-recover=undefined
                          -fno-omit-frame-pointer)
  add_compile_options(${hnn_sanitizer_flags})
  add_link_options(${hnn_sanitizer_flags})
endif()
