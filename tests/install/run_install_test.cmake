# ctest's install_consumer: installs the build tree into a fresh prefix,
# checks what was installed, builds and runs another project against it
# with find_package (CMakeLists.txt, consumer.cc here) and compiles a C
# program with pkg-config's flags (consumer_c.c). No network.
#
#   cmake -DBA_BUILD_DIR=... -DBA_SOURCE_DIR=... [-DBA_SANITIZE=ON]
#         -DBA_CXX_COMPILER=... -DBA_C_COMPILER=... -DBA_GENERATOR=...
#         -P run_install_test.cmake
cmake_minimum_required(VERSION 3.22)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    string(JOIN " " cmd ${ARGN})
    message(FATAL_ERROR "failed (${rc}): ${cmd}\n${out}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

# Everything goes under one directory of the build tree that this test
# owns (made afresh each run).
set(root ${BA_BUILD_DIR}/install-test)
file(REMOVE_RECURSE ${root})
set(prefix ${root}/prefix)
file(MAKE_DIRECTORY ${root}/work-cmake ${root}/work-pkgconfig)

run(${CMAKE_COMMAND} --install ${BA_BUILD_DIR} --prefix ${prefix})

# What was installed: the library, the public headers, the package files;
# no internal header, and the public ones include only the standard library
# and each other.
file(GLOB_RECURSE libs ${prefix}/lib*/libbudget_audit.so)
if(NOT libs)
  message(FATAL_ERROR "no libbudget_audit.so under ${prefix}")
endif()
list(GET libs 0 lib)
get_filename_component(libdir ${lib} DIRECTORY)
foreach(f ${libdir}/cmake/budget_audit/budget_audit-config.cmake
          ${libdir}/cmake/budget_audit/budget_audit-targets.cmake
          ${libdir}/pkgconfig/budget_audit.pc
          ${prefix}/include/budget_audit/c.h
          ${prefix}/include/budget_audit/audit_log.h)
  if(NOT EXISTS ${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
file(GLOB_RECURSE headers RELATIVE ${prefix}/include ${prefix}/include/*)
foreach(h ${headers})
  if(NOT h MATCHES "^budget_audit/[a-z_0-9]+\\.h$")
    message(FATAL_ERROR "installed outside include/budget_audit/: ${h}")
  endif()
  file(STRINGS ${prefix}/include/${h} includes REGEX "^#include")
  foreach(inc ${includes})
    if(NOT inc MATCHES "^#include <[a-z_]+(\\.h)?>$" AND NOT inc MATCHES "^#include \"budget_audit/")
      message(FATAL_ERROR "${h} includes a non-public header: ${inc}")
    endif()
  endforeach()
endforeach()

# A sanitized library needs its runtimes linked into the program first.
set(san_flags "")
if(BA_SANITIZE)
  set(san_flags "-fsanitize=address,undefined")
endif()

# 1. CMake: find_package(budget_audit CONFIG).
run(${CMAKE_COMMAND} -S ${BA_SOURCE_DIR}/tests/install -B ${root}/build -G ${BA_GENERATOR}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${BA_CXX_COMPILER}
    -DCMAKE_C_COMPILER=${BA_C_COMPILER} -DCMAKE_BUILD_TYPE=Debug
    "-DCMAKE_CXX_FLAGS=-Wall -Wextra -Werror ${san_flags}"
    "-DCMAKE_EXE_LINKER_FLAGS=${san_flags}")
run(${CMAKE_COMMAND} --build ${root}/build)
run(${root}/build/consumer ${root}/work-cmake)
message(STATUS "${run_output}")

# 2. pkg-config, from C11.
find_program(PKG_CONFIG pkg-config REQUIRED)
set(ENV{PKG_CONFIG_PATH} ${libdir}/pkgconfig)
run(${PKG_CONFIG} --cflags --libs budget_audit)
string(STRIP "${run_output}" pc_flags)
separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
separate_arguments(san_list UNIX_COMMAND "${san_flags}")
run(${BA_C_COMPILER} -std=c11 -Wall -Wextra -Werror ${san_list}
    ${BA_SOURCE_DIR}/tests/install/consumer_c.c ${pc_flags} -Wl,-rpath,${libdir}
    -o ${root}/consumer_c)
run(${root}/consumer_c ${root}/work-pkgconfig)
message(STATUS "${run_output}")
