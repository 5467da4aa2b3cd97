// `daxfail compare`: run variants over scenarios and compare their outcomes and
// invariants (an overview that fits 120 columns, the full matrix with --wide,
// Markdown, CSV or JSON).
#ifndef DAXFAIL_CLI_COMPARE_HPP
#define DAXFAIL_CLI_COMPARE_HPP

#include <daxfail/cli/common.hpp>
#include <daxfail/cli/idea.hpp>
#include <daxfail/compare.hpp>
#include <daxfail/concurrent_scenarios.hpp>
#include <daxfail/explore/ranking.hpp>
#include <daxfail/explore/run.hpp>
#include <daxfail/ranking.hpp>
#include <daxfail/report/csv.hpp>
#include <daxfail/report/json.hpp>
#include <daxfail/report/overview.hpp>
#include <daxfail/report/ranking.hpp>
#include <daxfail/report/text.hpp>
#include <daxfail/scenarios.hpp>
#include <daxfail/variant_names.hpp>

#include <iostream>
#include <string>
#include <vector>

namespace daxfail::cli {

/// The compare command's options; the preset list comes from the registry, plus the program's own variants.
inline detail::command compare_command(const std::vector<variant_spec>& extras = {}) {
    return {
        .name = "compare",
        .summary = "run variants over scenarios and compare their outcomes and invariants",
        .description =
            "Runs every variant on every scenario, groups the variants of each scenario into classes of identical "
            "outcomes, names the observables that separate the classes, and judges the invariants of every run.\n\n"
            "The table (the default format) shows, per scenario, the classes and what separates them, then the "
            "invariants each variant fails, in at most 120 columns; --wide adds the scenario x variant matrix and every "
            "pair of classes, as the md format does.\n\n"
            "Every format but CSV ends with a ranking: per variant, the invariants it breaks weighted by their "
            "severity (docs/invariants.md), lowest score first; a run that does not terminate also counts as "
            "breaking the invariants it could not be judged on.",
        .options = {variants_option(extras),
                    idea_option(),
                    scenario_option("the built-in catalog (examples/scenarios/)"),
                    format_option({"table", "md", "csv", "json"}, "table, Markdown, CSV or JSON."),
                    {.name = "--wide",
                     .help = "with the table format: the full matrix (one column per variant), the scenarios' "
                             "descriptions and every pair of classes."},
                    color_option(),
                    {.name = "--only-differences", .help = "only the scenarios on which the variants differ."},
                    fail_on_invariant_option(),
                    max_seconds_option("any one run"),
                    {.name = "--explore",
                     .help = "the ranking also counts every explored schedule (explore's default bounds) of the "
                             "concurrent catalog, or of the scenarios given that have actors."},
                    progress_option()}};
}

namespace detail {

/// compare --explore: explores the concurrent catalog (or the scenarios given that have actors) under the
/// comparison's variants and adds the pairs to `ranking`; returns how many scenarios were explored.
inline std::size_t rank_explored(const parsed& p, const comparison& c, std::vector<variant_breakage>& ranking) {
    explore::run_request q;
    q.variants = c.variants;
    if (!p.has("--scenario")) q.scenarios = scenarios::concurrent();
    else
        for (const auto& s : c.scenarios)
            if (!s.actors.empty()) q.scenarios.push_back(s);
    q.files.assign(q.scenarios.size(), "");
    progress bar("compare --explore", "parts", p.has("--progress"));
    explore::run_hooks hooks;
    hooks.stop = [] { return interrupted != 0; };
    hooks.progress = [&](std::size_t done, std::size_t mine, u64) { bar.update(done, mine); };
    const auto r = explore::explore_all(q, hooks);
    bar.finish();
    explore::add_schedules(ranking, r.results);
    return q.scenarios.size();
}

}  // namespace detail

inline int cmd_compare(const std::vector<std::string>& args, const std::vector<variant_spec>& extras = {}) {
    detail::sigint_scope sigint;  // from the start: a SIGINT while getting ready still ends with the partial report
    int status = exit_ok;
    const auto p = parse_or_exit(compare_command(extras), args, status);
    if (!p) return status;
    const std::string format = p->value("--format", "table");
    const bool only_differences = p->has("--only-differences");
    run_options opts;
    opts.max_seconds = seconds_value(*p, opts.max_seconds);
    const auto known = with_ideas(*p, extras, "compare");
    if (!known) return exit_bad_input;
    auto variants = variants_given(*p, *known, "compare");
    if (!variants) return exit_bad_input;
    std::vector<scenario> scens;
    if (!p->has("--scenario")) scens = scenarios::catalog();
    else if (!load_all(expand_paths(p->values("--scenario")), scens, std::cerr)) return exit_bad_input;
    if (scens.empty()) {
        std::cerr << "daxfail compare: no scenario files found\n";
        return exit_bad_input;
    }

    detail::progress bar("compare", "runs", p->has("--progress"));
    std::size_t done = 0, total = 0;
    const auto c = compare(std::move(*variants), std::move(scens), opts, [&](std::size_t d, std::size_t t) {
        done = d;
        total = t;
        bar.update(d, t);
        return detail::interrupted == 0;
    });
    bar.finish();
    auto ranking = breakage_of(c);
    report::ranking_basis basis{c.scenarios.size(), 0};
    if (p->has("--explore") && detail::interrupted == 0) basis.explored = detail::rank_explored(*p, c, ranking);
    const bool partial = detail::interrupted != 0;
    const std::string mark = "partial: interrupted after " + std::to_string(done) + " of " + std::to_string(total) +
                             " runs; the " + std::to_string(c.scenarios.size()) + " scenario(s) finished are shown";
    if (partial && format != "json") (format == "csv" ? std::cerr : std::cout) << mark << "\n";
    if (format == "json") {
        auto j = report::to_json(c, only_differences);
        j["ranking"] = report::ranking_to_json(ranking, basis);
        if (partial) j["partial"] = mark;
        std::cout << j.dump(2) << "\n";
    } else if (format == "csv") {
        std::cout << report::to_csv(c, only_differences);
    } else if (format == "md") {
        std::cout << report::to_markdown(c, only_differences) << "\n" << report::ranking_to_markdown(ranking, basis);
    } else {
        const report::text_style st{false, use_color(*p)};
        std::vector<std::string> names;  // --wide names every variant; the overview labels long names "#k"
        for (const auto& v : c.variants) names.push_back(v.name);
        if (p->has("--wide")) std::cout << report::to_table(c, only_differences, st.color);
        else std::cout << report::to_overview(c, only_differences, st);
        std::cout << "\n"
                  << report::ranking_to_text(ranking, p->has("--wide") ? names : report::detail::variant_labels(c, st).label,
                                             basis, st, p->has("--wide") ? 0 : report::overview_width);
    }
    if (partial) return detail::exit_interrupted;
    return p->has("--fail-on-invariant") && c.any_invariant_failed() ? exit_invariant : exit_ok;
}

}  // namespace daxfail::cli

#endif
