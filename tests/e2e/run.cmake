# Runs one daxfail command and checks what it did.
#   -DPROGRAM=<path>    the executable
#   -DARGS=a|b|c        its arguments, separated by '|'
#   -DEXPECT_EXIT=N     required exit status
#   -DEXPECT_REGEX=R    optional: stdout+stderr must match
#   -DEXPECT_LINES=N    optional: stdout must have exactly N lines
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND "${PROGRAM}" ${args} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status STREQUAL EXPECT_EXIT)
  message(FATAL_ERROR "exit status ${status}, expected ${EXPECT_EXIT}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(DEFINED EXPECT_REGEX AND NOT "${out}${err}" MATCHES "${EXPECT_REGEX}")
  message(FATAL_ERROR "output does not match '${EXPECT_REGEX}':\n${out}${err}")
endif()
if(DEFINED EXPECT_LINES)
  string(REGEX MATCHALL "\n" newlines "${out}")
  list(LENGTH newlines lines)
  if(NOT lines EQUAL EXPECT_LINES)
    message(FATAL_ERROR "${lines} lines of output, expected ${EXPECT_LINES}")
  endif()
endif()
