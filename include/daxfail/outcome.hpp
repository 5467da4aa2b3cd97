// Everything observable about one run, recorded as the model executes, plus
// the step trace: the records (outcome/records.hpp), the log as runs
// (outcome/log.hpp), the table of observables by which outcomes compare and
// print (outcome/observables.hpp) and their diff (outcome/diff.hpp).
#ifndef DAXFAIL_OUTCOME_HPP
#define DAXFAIL_OUTCOME_HPP

#include <daxfail/outcome/diff.hpp>
#include <daxfail/outcome/log.hpp>
#include <daxfail/outcome/observables.hpp>
#include <daxfail/outcome/records.hpp>

#endif
