// A verdict on an invariant: it holds, it is violated, or it does not apply.
// One type for a single run (compare), every explored schedule (explore) and
// a kernel's runs (the oracle's confirmations); each prints it in its own
// words, defined here once.
#ifndef DAXFAIL_VERDICT_HPP
#define DAXFAIL_VERDICT_HPP

#include <string>
#include <string_view>

namespace daxfail {

enum class verdict { pass, fail, not_applicable };

/// The words a report prints for each verdict.
struct verdict_words {
    std::string_view pass, fail, not_applicable;
    std::string operator()(verdict v) const {
        return std::string(v == verdict::pass ? pass : v == verdict::fail ? fail : not_applicable);
    }
};

/// A single run's words: pass | fail | n/a (compare's reports, explain, an explored schedule's sequential run).
inline constexpr verdict_words run_verdict_words{"pass", "fail", "n/a"};
/// The words over many runs: holds | violated | n/a (explore over its schedules, the oracle over a kernel's runs).
inline constexpr verdict_words over_runs_verdict_words{"holds", "violated", "n/a"};

inline std::string verdict_name(verdict v) { return run_verdict_words(v); }
inline std::string verdict_over_runs_name(verdict v) { return over_runs_verdict_words(v); }

}  // namespace daxfail

#endif
