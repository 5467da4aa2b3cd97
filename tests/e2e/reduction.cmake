# daxfail explore --reduction sleep-sets keeps every verdict: the same exploration with and without it, on a few
# variants of the concurrent catalog, compared by reduction_verdicts.py (verdicts, sequential results and
# counterexample lengths per variant x scenario x invariant).
#   -DPROGRAM=<daxfail>  -DPYTHON=<python3>  -DWORK=<scratch directory>  -DVARIANTS=<a,b,...>
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
foreach(reduction none sleep-sets)
  execute_process(COMMAND "${PROGRAM}" explore --variants ${VARIANTS} --format json --no-timing --reduction ${reduction}
                  OUTPUT_FILE "${WORK}/${reduction}.json" ERROR_VARIABLE err RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "daxfail explore --reduction ${reduction}: exit status ${status}\n${err}")
  endif()
endforeach()
execute_process(COMMAND "${PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/reduction_verdicts.py" "${WORK}/none.json"
                        "${WORK}/sleep-sets.json"
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status)
message("${out}")
if(NOT status EQUAL 0)
  message(FATAL_ERROR "the reduction changed a verdict:\n${out}${err}")
endif()
# Without --reduction the report is the one it always was: no "reduction" field.
file(READ "${WORK}/none.json" none)
string(FIND "${none}" "\"reduction\"" at)
if(NOT at EQUAL -1)
  message(FATAL_ERROR "--reduction none wrote a reduction field")
endif()
# Shards explored with the reduction merge into the single reduced run's bytes; with shards of a run without it,
# merge refuses.
set(shards "")
foreach(k 1 2)
  execute_process(COMMAND "${PROGRAM}" explore --variants merged --no-timing --reduction sleep-sets --shard ${k}/2
                  OUTPUT_FILE "${WORK}/shard_${k}.json" RESULT_VARIABLE status)
  list(APPEND shards "${WORK}/shard_${k}.json")
endforeach()
execute_process(COMMAND "${PROGRAM}" explore --variants merged --no-timing --reduction sleep-sets --format json
                OUTPUT_FILE "${WORK}/single.json")
execute_process(COMMAND "${PROGRAM}" merge ${shards} --format json OUTPUT_FILE "${WORK}/merged.json" RESULT_VARIABLE status)
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${WORK}/single.json" "${WORK}/merged.json" RESULT_VARIABLE same)
if(NOT status EQUAL 0 OR NOT same EQUAL 0)
  message(FATAL_ERROR "merged reduced shards differ from the single reduced run: diff ${WORK}/single.json ${WORK}/merged.json")
endif()
execute_process(COMMAND "${PROGRAM}" explore --variants merged --no-timing --shard 2/2 OUTPUT_FILE "${WORK}/unreduced_2.json")
execute_process(COMMAND "${PROGRAM}" merge "${WORK}/shard_1.json" "${WORK}/unreduced_2.json" OUTPUT_QUIET ERROR_QUIET
                RESULT_VARIABLE status)
if(NOT status EQUAL 2)
  message(FATAL_ERROR "merge accepted shards explored with and without the reduction (exit status ${status})")
endif()
