// `daxfail diff A B`: two variants on one screen (diff.hpp): the policies
// that differ, the scenarios where their outcomes differ and how, and the
// invariants one breaks and the other does not.
#ifndef DAXFAIL_CLI_DIFF_HPP
#define DAXFAIL_CLI_DIFF_HPP

#include <daxfail/cli/common.hpp>
#include <daxfail/concurrent_scenarios.hpp>
#include <daxfail/diff.hpp>
#include <daxfail/scenarios.hpp>
#include <daxfail/variant_names.hpp>

#include <iostream>
#include <string>
#include <vector>

namespace daxfail::cli {

inline detail::command diff_command() {
    return {.name = "diff",
            .summary = "two variants on one screen: the policies, outcomes and invariants that differ",
            .operands = "A B",
            .min_operands = 2,
            .max_operands = 2,
            .operand_completion = detail::completes::variants,
            .description = "Runs variants A and B (presets or policy combinations, as for compare --variants) on "
                           "the scenarios and prints the axes on which they differ, the scenarios on which their "
                           "outcomes differ (the observables, and both one-line summaries), the invariants one "
                           "breaks where the other does not, and both scores of compare's ranking.",
            .options = {scenario_names_option("the built-in catalog"), max_seconds_option("any one run")}};
}

inline int cmd_diff(const std::vector<std::string>& args, const std::vector<variant_spec>& extras = {}) {
    int status = exit_ok;
    const auto p = parse_or_exit(diff_command(), args, status);
    if (!p) return status;
    std::vector<variant_spec> variants;
    for (const auto& name : p->operands) {
        std::string error;
        auto v = parse_variant(name, error, extras);
        if (!v) {
            std::cerr << "daxfail diff: " << (variants.empty() ? "A" : "B") << ": " << error << "\n";
            return exit_bad_input;
        }
        variants.push_back(std::move(*v));
    }
    std::vector<scenario> scens = scenarios::catalog();
    if (p->has("--scenario")) {
        auto named = scenarios_named(p->values("--scenario"), {scenarios::catalog(), scenarios::concurrent()}, "diff");
        if (!named) return exit_bad_input;
        scens = std::move(*named);
    }
    run_options opts;
    opts.max_seconds = seconds_value(*p, opts.max_seconds);
    std::cout << diff_to_text(diff_variants(variants[0], variants[1], std::move(scens), opts));
    return exit_ok;
}

}  // namespace daxfail::cli

#endif
