// `daxfail explain`: the kernel steps of one run, in words and optionally as
// Graphviz DOT.
#ifndef DAXFAIL_CLI_EXPLAIN_HPP
#define DAXFAIL_CLI_EXPLAIN_HPP

#include <daxfail/cli/common.hpp>
#include <daxfail/cli/idea.hpp>
#include <daxfail/compare.hpp>
#include <daxfail/report/dot.hpp>
#include <daxfail/report/text.hpp>
#include <daxfail/scenarios.hpp>
#include <daxfail/sources.hpp>
#include <daxfail/variant_names.hpp>

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace daxfail::cli {

inline detail::command explain_command() {
    using detail::completes;
    using detail::takes;
    return {.name = "explain",
            .summary = "show the kernel steps of one run, in words and optionally as Graphviz DOT",
            .operands = "FILE|NAME",
            .min_operands = 1,
            .max_operands = 1,
            .operand_completion = completes::scenarios,
            .description = "Prints the kernel steps of one run of the scenario (a file, or the name of a built-in "
                           "catalog scenario) under one variant, where the variant and each of its policies come "
                           "from (release, commit, the message that argued for it), the outcome and the verdict of "
                           "every invariant.",
            .options = {{.name = "--variant",
                         .arg = takes::one,
                         .metavar = "NAME",
                         .help = "the variant: a preset or a policy combination, as for compare --variants (required).",
                         .default_text = "none",
                         .completion = completes::variants},
                        idea_option(),
                        dot_option("OUT",
                                   "write the step trace as Graphviz DOT to the file OUT; with '-' only the DOT goes "
                                   "to standard output, instead of the text.",
                                   completes::files),
                        max_seconds_option("the run")}};
}

inline int cmd_explain(const std::vector<std::string>& args, const std::vector<variant_spec>& extras = {}) {
    int status = exit_ok;
    const auto p = parse_or_exit(explain_command(), args, status);
    if (!p) return status;
    if (!p->has("--variant")) {
        std::cerr << "daxfail explain: --variant is required (see 'daxfail explain --help')\n";
        return exit_bad_input;
    }
    run_options opts;
    opts.max_seconds = seconds_value(*p, opts.max_seconds);
    const auto sc = scenario_named(p->operands.front(), {scenarios::catalog()}, "explain");
    if (!sc) return exit_bad_input;
    const auto known = with_ideas(*p, extras, "explain");
    if (!known) return exit_bad_input;
    std::string error;
    auto v = parse_variant(p->value("--variant"), error, *known);
    if (!v) {
        std::cerr << "daxfail explain: --variant: " << error << "\n";
        return exit_bad_input;
    }
    const auto c = compare({*v}, {*sc}, opts);
    const auto& r = c.at(0, 0);
    const std::string dot_out = p->value("--dot");
    if (!dot_out.empty()) {
        const auto dot = report::to_dot(*sc, v->name, r.out);
        if (dot_out == "-") {  // the DOT alone: `daxfail explain X --variant V --dot - | dot -Tsvg`
            std::cout << dot;
            return exit_ok;
        }
        if (!(std::ofstream(dot_out) << dot)) {
            std::cerr << "daxfail explain: cannot write " << dot_out << "\n";
            return exit_bad_input;
        }
    }
    std::cout << "scenario: " << sc->name << "\n";
    if (!sc->description.empty()) std::cout << sc->description << "\n";
    std::cout << "variant:  " << v->name << "\n";
    if (const auto s = presets::source_of(v->name)) std::cout << "source:   " << source_line(*s) << "\n";
    std::cout << "policies and where they come from:\n";
    for (const auto& line : policy_source_lines(v->cfg)) std::cout << "  " << line << "\n";
    std::cout << "\nkernel steps:\n";
    for (std::size_t i = 0; i < r.out.trace.size(); ++i)
        std::cout << "  " << i + 1 << ". " << r.out.trace[i].function
                  << (r.out.trace[i].detail.empty() ? "" : ": " + r.out.trace[i].detail) << "\n";
    if (r.out.cost.trace_dropped)
        std::cout << "  ... " << r.out.cost.trace_dropped << " more steps (the trace keeps the first "
                  << opts.trace_limit << ")\n";
    std::cout << "\ncost: " << r.out.cost.steps << " steps, " << r.out.cost.rmap_records_examined
              << " rmap records examined, " << r.out.cost.indices_walked << " indices walked, "
              << r.out.cost.page_task_visits << " (page, task) visits\n";
    std::cout << "\noutcome:\n" << to_string(r.out) << "\ninvariants:\n";
    for (const auto& i : r.invariants) std::cout << "  " << i.name << ": " << verdict_name(i.result) << " (" << i.reason << ")\n";
    return exit_ok;
}

}  // namespace daxfail::cli

#endif
