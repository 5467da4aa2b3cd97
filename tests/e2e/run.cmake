# Runs one daxfail command and checks what it did.
#   -DPROGRAM=<path>      the executable
#   -DARGS=a|b|c          its arguments, separated by '|'
#   -DEXPECT_EXIT=N       required exit status
#   -DEXPECT_REGEX=R      optional: stdout+stderr must match
#   -DREJECT_REGEX=R      optional: stdout must not match
#   -DEXPECT_LINES=N      optional: stdout must have exactly N lines
#   -DMAX_COLUMNS=N       optional: no line of stdout is longer than N characters
#   -DEXPECT_ANSI=ON|OFF  optional: stdout has (ON) or has no (OFF) ANSI escape sequence
#   -DEMPTY_STDOUT=ON     optional: nothing on stdout (errors go to stderr only)
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND "${PROGRAM}" ${args} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status STREQUAL EXPECT_EXIT)
  message(FATAL_ERROR "exit status ${status}, expected ${EXPECT_EXIT}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(DEFINED EXPECT_REGEX AND NOT "${out}${err}" MATCHES "${EXPECT_REGEX}")
  message(FATAL_ERROR "output does not match '${EXPECT_REGEX}':\n${out}${err}")
endif()
if(DEFINED REJECT_REGEX AND "${out}" MATCHES "${REJECT_REGEX}")
  message(FATAL_ERROR "standard output matches '${REJECT_REGEX}', and must not:\n${out}")
endif()
if(DEFINED EXPECT_LINES)
  string(REGEX MATCHALL "\n" newlines "${out}")
  list(LENGTH newlines lines)
  if(NOT lines EQUAL EXPECT_LINES)
    message(FATAL_ERROR "${lines} lines of output, expected ${EXPECT_LINES}")
  endif()
endif()
if(DEFINED MAX_COLUMNS)
  # One line per list element: ';', '[' and ']' would upset the list, and are not what is measured.
  string(REGEX REPLACE "[];[]" "x" flat "${out}")
  string(REPLACE "\n" ";" out_lines "${flat}")
  foreach(line IN LISTS out_lines)
    string(LENGTH "${line}" length)
    if(length GREATER MAX_COLUMNS)
      message(FATAL_ERROR "a line of ${length} columns (at most ${MAX_COLUMNS}):\n${line}")
    endif()
  endforeach()
endif()
if(DEFINED EXPECT_ANSI)
  string(ASCII 27 esc)
  string(FIND "${out}" "${esc}[" at)
  if(EXPECT_ANSI AND at EQUAL -1)
    message(FATAL_ERROR "no ANSI escape sequence in the output:\n${out}")
  elseif(NOT EXPECT_ANSI AND NOT at EQUAL -1)
    message(FATAL_ERROR "an ANSI escape sequence in the output:\n${out}")
  endif()
endif()
if(EMPTY_STDOUT AND NOT out STREQUAL "")
  message(FATAL_ERROR "standard output is not empty:\n${out}")
endif()
