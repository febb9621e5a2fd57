# cmake -DROOT=<source dir> -P CheckNoQtIncludes.cmake
# Fails when a source file of a Qt-free folder (engine/, simulation/) includes a Qt header.
foreach(dir engine simulation)
  file(GLOB_RECURSE files "${ROOT}/${dir}/*.h" "${ROOT}/${dir}/*.hpp" "${ROOT}/${dir}/*.cpp")
  foreach(f IN LISTS files)
    file(STRINGS "${f}" hits REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"](Q[A-Za-z]+|qt[a-z]*/)")
    if(hits)
      message(FATAL_ERROR "${f} must stay Qt-free but includes: ${hits}")
    endif()
  endforeach()
endforeach()
message(STATUS "engine/ and simulation/ include no Qt headers")
