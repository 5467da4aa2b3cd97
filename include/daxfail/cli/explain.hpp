// `daxfail explain`: the kernel steps of one run, in words and optionally as
// Graphviz DOT.
#ifndef DAXFAIL_CLI_EXPLAIN_HPP
#define DAXFAIL_CLI_EXPLAIN_HPP

#include <daxfail/cli/common.hpp>
#include <daxfail/compare.hpp>
#include <daxfail/report/dot.hpp>
#include <daxfail/report/text.hpp>
#include <daxfail/scenarios.hpp>
#include <daxfail/variant_names.hpp>

#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace daxfail::cli {

inline const char* const usage_explain =
    "usage: daxfail explain FILE|NAME --variant NAME [--dot OUT] [--max-seconds S]\n"
    "\n"
    "  FILE|NAME      a scenario file, or the name of a built-in catalog scenario\n"
    "  --variant NAME a preset or policy combination (see 'daxfail compare --help')\n"
    "  --dot OUT      also write the step trace as Graphviz DOT to OUT ('-' for stdout)\n"
    "  --max-seconds S  stop the run after S seconds (reported as 'limit reached')\n";

inline int cmd_explain(const std::vector<std::string>& args, const std::vector<variant_spec>& extras = {}) {
    std::string target, variant, dot_out;
    run_options opts;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (is_help(args[i])) {
            std::cout << usage_explain;
            return exit_ok;
        } else if (args[i] == "--max-seconds" && i + 1 < args.size()) {
            if (!parse_seconds(args[++i], opts.max_seconds, "explain")) return exit_bad_input;
        } else if (args[i] == "--variant" && i + 1 < args.size()) {
            variant = args[++i];
        } else if (args[i] == "--dot" && i + 1 < args.size()) {
            dot_out = args[++i];
        } else if (args[i].rfind("--", 0) != 0 && target.empty()) {
            target = args[i];
        } else {
            std::cerr << "daxfail explain: unexpected argument '" << args[i] << "'\n" << usage_explain;
            return exit_bad_input;
        }
    }
    if (target.empty() || variant.empty()) {
        std::cerr << usage_explain;
        return exit_bad_input;
    }
    std::optional<scenario> sc;
    for (auto& s : scenarios::catalog())
        if (s.name == target) sc = s;
    if (!sc) {
        std::vector<scenario> loaded;
        if (!load_all({target}, loaded, std::cerr)) return exit_bad_input;
        sc = loaded.front();
    }
    std::string error;
    auto v = parse_variant(variant, error, extras);
    if (!v) {
        std::cerr << "daxfail explain: --variant: " << error << "\n";
        return exit_bad_input;
    }
    const auto c = compare({*v}, {*sc}, opts);
    const auto& r = c.at(0, 0);
    std::cout << "scenario: " << sc->name << "\n";
    if (!sc->description.empty()) std::cout << sc->description << "\n";
    std::cout << "variant:  " << v->name << "\n\nkernel steps:\n";
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
    if (!dot_out.empty()) {
        const auto dot = report::to_dot(*sc, v->name, r.out);
        if (dot_out == "-") std::cout << "\n" << dot;
        else if (!(std::ofstream(dot_out) << dot)) {
            std::cerr << "daxfail explain: cannot write " << dot_out << "\n";
            return exit_bad_input;
        }
    }
    return exit_ok;
}

}  // namespace daxfail::cli

#endif
