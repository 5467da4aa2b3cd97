# The installed daxfail command: installs the build tree into a fresh prefix, then runs from there
# bin/daxfail compare (on the installed catalog too), oracle --help (which names the guest files it found next
# to the binary: they must be the installed ones) and --version, compare --idea IDEA (compiled against the
# installed headers), and checks the bash completion is installed.
#   -DBUILD_DIR=<build tree> -DPREFIX=<fresh prefix> -DIDEA=<tests/ideas/wait_5s.cpp> [-DCONFIG=<config>]
file(REMOVE_RECURSE "${PREFIX}")
set(config_args "")
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" ${config_args}
                OUTPUT_QUIET COMMAND_ERROR_IS_FATAL ANY)

function(run expect_regex)
  execute_process(COMMAND "${PREFIX}/bin/daxfail" ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0 OR NOT "${out}" MATCHES "${expect_regex}")
    message(FATAL_ERROR "${PREFIX}/bin/daxfail ${ARGN}: exit status ${status}, expected 0 and output matching "
                        "'${expect_regex}'\nstdout:\n${out}\nstderr:\n${err}")
  endif()
endfunction()

run("^daxfail compare: 10 variant\\(s\\) x 38 scenario\\(s\\)" compare)
run("^daxfail compare: 10 variant\\(s\\) x 38 scenario\\(s\\)" compare --scenario "${PREFIX}/share/daxfail/scenarios")
# (The help is wrapped: any one character between the words.)
run("^usage: daxfail oracle .*${PREFIX}/share/daxfail/oracle.and.${PREFIX}/libexec/daxfail/oracle-guest" oracle --help)
run("^daxfail [0-9]" --version)
# An idea file, compiled with the installed headers (the compiler's command line heads its log in the cache).
set(ENV{XDG_CACHE_HOME} "${PREFIX}/cache")
unset(ENV{DAXFAIL_INCLUDE})
run("kernel_holder_thaws_later: 1 {merged} / 2 {wait_5s}" compare --idea "${IDEA}" --variants merged,wait_5s
    --only-differences)
file(GLOB logs "${PREFIX}/cache/daxfail/ideas/*.log")
file(STRINGS "${logs}" command LIMIT_COUNT 1)
if(NOT command MATCHES " -I${PREFIX}/include ")
  message(FATAL_ERROR "the idea was not compiled with the installed headers (${PREFIX}/include): ${command}")
endif()
foreach(file bin/daxfail share/bash-completion/completions/daxfail share/daxfail/oracle/boot.sh
             share/daxfail/oracle/fetch_kernel.sh share/daxfail/oracle/guest.cpp share/daxfail/oracle/init.sh
             share/daxfail/oracle/mkinitramfs.sh share/daxfail/oracle/plans libexec/daxfail/oracle-guest
             share/daxfail/scenarios/unbind_mapped_files.json share/daxfail/scenarios/concurrent)
  if(NOT EXISTS "${PREFIX}/${file}")
    message(FATAL_ERROR "not installed: ${PREFIX}/${file}")
  endif()
endforeach()
file(READ "${PREFIX}/share/bash-completion/completions/daxfail" completion)
if(NOT completion MATCHES "complete -o filenames -F _daxfail daxfail")
  message(FATAL_ERROR "the installed bash completion is not daxfail's:\n${completion}")
endif()
execute_process(COMMAND test -x "${PREFIX}/share/daxfail/oracle/boot.sh" RESULT_VARIABLE not_executable)
if(not_executable)
  message(FATAL_ERROR "boot.sh was installed without its execute permission")
endif()
