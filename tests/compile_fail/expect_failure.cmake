# Compiles one translation unit that must not compile, and checks the compiler says why.
#   -DCXX=<compiler> -DINCLUDE=<include dir> -DSOURCE=<file.cpp> -DEXPECT=regex1|regex2|...
#   [-DREJECT=regex] [-DMAX_LINES=N]
# Every regex must match the compiler's output (so the order of diagnostics does not matter); REJECT must not
# (a follow-up error), and the output has at most MAX_LINES lines.
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
if(DEFINED REJECT AND "${out}${err}" MATCHES "${REJECT}")
  message(FATAL_ERROR "the compiler's message matches '${REJECT}', and must not:\n${out}${err}")
endif()
string(REGEX REPLACE "[^\n]" "" newlines "${out}${err}")
string(LENGTH "${newlines}" lines)
if(DEFINED MAX_LINES AND lines GREATER MAX_LINES)
  message(FATAL_ERROR "${lines} lines from the compiler, at most ${MAX_LINES} expected:\n${out}${err}")
endif()
