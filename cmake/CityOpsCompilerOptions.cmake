# Compiler settings shared by every CityOps target. Applied per target through
# cityops_target_defaults(), never directory-wide.

function(cityops_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align -Woverloaded-virtual
                                           -Wno-missing-field-initializers)
  # GCC 12 reports false -Wrestrict positives inside libstdc++'s std::string operator+ at -O2/-O3
  # (GCC bug 105651); the warning stays on for other compilers.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(CITYOPS_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(CITYOPS_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    # Sanitizer instrumentation makes GCC's flow analysis report uninitialised values inside
    # libstdc++ (<regex>, std::function) that are not; the plain Release build keeps the warning.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
endfunction()

# Qt targets additionally get the strict Qt defines of STYLE.md.
function(cityops_qt_defaults target)
  cityops_target_defaults(${target})
  target_compile_definitions(${target} PRIVATE QT_NO_CONTEXTLESS_CONNECT
                                               QT_DISABLE_DEPRECATED_UP_TO=0x060400
                                               QT_NO_CAST_FROM_ASCII QT_NO_URL_CAST_FROM_STRING)
endfunction()
