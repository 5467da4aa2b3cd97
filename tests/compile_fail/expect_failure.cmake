# Compiles one translation unit that must not compile, and checks the compiler says why.
#   -DCXX=<compiler> -DINCLUDE=<include dir> -DSOURCE=<file.cpp> -DEXPECT=regex1|regex2|...
# Every regex must match the compiler's output (so the order of diagnostics does not matter).
execute_process(COMMAND "${CXX}" -std=c++20 -fsyntax-only "-I${INCLUDE}" "${SOURCE}"
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(status EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled; it must not")
endif()
string(REPLACE "|" ";" expected "${EXPECT}")
foreach(re IN LISTS expected)
  if(NOT "${out}${err}" MATCHES "${re}")
    message(FATAL_ERROR "the compiler's message does not match '${re}':\n${out}${err}")
  endif()
endforeach()
