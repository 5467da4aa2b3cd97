# Runs one daxfail command and checks that its stdout is byte-identical to a recorded copy (xz-compressed).
#   -DPROGRAM=<path>  -DARGS=a|b|c  -DRECORDED=<file.xz>  -DWORK=<scratch directory>
# Re-record after a change that is meant to change what the command prints:
#   daxfail ARGS... | xz -9 > RECORDED
string(REPLACE "|" ";" args "${ARGS}")
file(MAKE_DIRECTORY "${WORK}")
execute_process(COMMAND "${PROGRAM}" ${args} OUTPUT_FILE "${WORK}/actual" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "exit status ${status}")
endif()
execute_process(COMMAND xz -dc "${RECORDED}" OUTPUT_FILE "${WORK}/recorded" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "cannot decompress ${RECORDED} (xz-utils installed?)")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${WORK}/actual" "${WORK}/recorded" RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR "output differs from ${RECORDED}; actual output in ${WORK}/actual (diff it with ${WORK}/recorded)")
endif()
