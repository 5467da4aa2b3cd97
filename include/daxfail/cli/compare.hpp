// `daxfail compare`: run variants over scenarios and compare their outcomes and
// invariants (table, Markdown, CSV or JSON).
#ifndef DAXFAIL_CLI_COMPARE_HPP
#define DAXFAIL_CLI_COMPARE_HPP

#include <daxfail/cli/common.hpp>
#include <daxfail/compare.hpp>
#include <daxfail/report/csv.hpp>
#include <daxfail/report/json.hpp>
#include <daxfail/report/text.hpp>
#include <daxfail/scenarios.hpp>
#include <daxfail/variant_names.hpp>

#include <unistd.h>

#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace daxfail::cli {

/// The compare command's usage; the preset list comes from the registry.
inline std::string usage_compare() {
    return std::string(
    "usage: daxfail compare [--variants LIST|all] [--scenario FILE|DIR...] [--format table|md|csv|json]\n"
    "                       [--only-differences] [--fail-on-invariant] [--max-seconds S]\n"
    "\n"
    "  --variants LIST   presets (") + presets::name_list() + ") and\n"
    "                    policy combinations, comma-separated; axis=value items form one combination on top\n"
    "                    of merged (or base=PRESET), ';' starts another. Default: the presets.\n"
    "                    'all': rmap_source x freeze x thaw x shutdown x collector over merged (216 variants).\n"
    "                    A program built on daxfail::cli::main adds its own named variants.\n"
    "  --scenario F...   scenario files, or directories of *.json files. Default: the built-in catalog.\n"
    "  --format F        table (default; coloured on a terminal), md, csv or json.\n"
    "  --only-differences  only scenarios on which the variants differ.\n"
    "  --fail-on-invariant exit with status 1 when any run fails an invariant.\n"
    "  --max-seconds S   stop any one run after S seconds of wall-clock time; it is reported as\n"
    "                    'limit reached', not as a kernel that does not terminate. Default: no limit.\n";
}

inline int cmd_compare(const std::vector<std::string>& args, const std::vector<variant_spec>& extras = {}) {
    std::string variants_arg, format = "table";
    std::vector<std::string> scenario_paths;
    bool only_differences = false, fail_on_invariant = false;
    run_options opts;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        auto value = [&](const char* flag) -> std::optional<std::string> {
            if (i + 1 >= args.size()) {
                std::cerr << "daxfail compare: " << flag << " needs a value\n";
                return std::nullopt;
            }
            return args[++i];
        };
        if (is_help(a)) {
            std::cout << usage_compare();
            return exit_ok;
        } else if (a == "--variants") {
            auto v = value("--variants");
            if (!v) return exit_bad_input;
            variants_arg += (variants_arg.empty() ? "" : ";") + *v;
        } else if (a == "--format") {
            auto v = value("--format");
            if (!v) return exit_bad_input;
            format = *v;
        } else if (a == "--scenario") {
            bool any = false;
            while (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) {
                scenario_paths.push_back(args[++i]);
                any = true;
            }
            if (!any) {
                std::cerr << "daxfail compare: --scenario needs at least one file\n";
                return exit_bad_input;
            }
        } else if (a == "--only-differences") {
            only_differences = true;
        } else if (a == "--fail-on-invariant") {
            fail_on_invariant = true;
        } else if (a == "--max-seconds") {
            auto v = value("--max-seconds");
            if (!v || !parse_seconds(*v, opts.max_seconds, "compare")) return exit_bad_input;
        } else {
            std::cerr << "daxfail compare: unknown argument '" << a << "'\n" << usage_compare();
            return exit_bad_input;
        }
    }
    if (format != "table" && format != "md" && format != "csv" && format != "json") {
        std::cerr << "daxfail compare: --format must be table, md, csv or json, not '" << format << "'\n";
        return exit_bad_input;
    }
    std::vector<variant_spec> variants;
    if (variants_arg.empty()) {
        variants = preset_specs();
        variants.insert(variants.end(), extras.begin(), extras.end());
    } else if (variants_arg == "all") {
        variants = all_combination_specs();
    } else {
        std::string error;
        auto parsed = parse_variant_list(variants_arg, error, extras);
        if (!parsed) {
            std::cerr << "daxfail compare: --variants: " << error << "\n";
            return exit_bad_input;
        }
        variants = *parsed;
    }
    std::vector<scenario> scens;
    if (scenario_paths.empty()) scens = scenarios::catalog();
    else if (!load_all(expand_paths(scenario_paths), scens, std::cerr)) return exit_bad_input;
    if (scens.empty()) {
        std::cerr << "daxfail compare: no scenario files found\n";
        return exit_bad_input;
    }
    const auto c = compare(std::move(variants), std::move(scens), opts);
    if (format == "json") std::cout << report::to_json(c, only_differences).dump(2) << "\n";
    else if (format == "csv") std::cout << report::to_csv(c, only_differences);
    else if (format == "md") std::cout << report::to_markdown(c, only_differences);
    else std::cout << report::to_table(c, only_differences, isatty(STDOUT_FILENO) != 0);
    return fail_on_invariant && c.any_invariant_failed() ? exit_invariant : exit_ok;
}

}  // namespace daxfail::cli

#endif
