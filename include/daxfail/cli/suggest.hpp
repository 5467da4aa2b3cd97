// `daxfail suggest`: the variants near a preset that break no invariant on
// the scenarios (suggest.hpp), each as its line of C++ and its command-line
// name.
#ifndef DAXFAIL_CLI_SUGGEST_HPP
#define DAXFAIL_CLI_SUGGEST_HPP

#include <daxfail/cli/common.hpp>
#include <daxfail/concurrent_scenarios.hpp>
#include <daxfail/detail/wrap.hpp>
#include <daxfail/report/ranking.hpp>
#include <daxfail/scenarios.hpp>
#include <daxfail/suggest.hpp>

#include <iostream>
#include <string>
#include <vector>

namespace daxfail::cli {

inline detail::command suggest_command() {
    std::vector<std::string> bases(presets::names.begin(), presets::names.end());
    return {.name = "suggest",
            .summary = "search the policy space near a preset for variants that break no invariant",
            .description =
                "Tries the preset with one axis changed, then two, ... (every value of every axis; from two axes on, "
                "only changes that matter on a scenario the preset breaks; docs/ranking.md) and prints the "
                "variants that break no invariant on the scenarios, fewest axes first, then fewest scenarios whose "
                "outcome differs from the preset's, each as a line of C++ and as a name for --variants. When none "
                "does, it prints the closest by compare's score. The output depends only on the arguments, unless "
                "the time limit stops the search, which it then says.",
            .options = {{.name = "--base",
                         .arg = detail::takes::one,
                         .metavar = "PRESET",
                         .help = "the preset to start from.",
                         .default_text = "merged",
                         .choices = bases},
                        scenario_names_option("the built-in catalog"),
                        {.name = "--explore",
                         .help = "a suggestion must also break no invariant in any explored schedule (explore's "
                                 "default bounds) of the concurrent catalog, or of the scenarios given that have "
                                 "actors."},
                        number_option("--max-axes", "the most axes a suggestion changes (1 to 18).", "3",
                                      detail::whole_number_from<1, 18>),
                        time_limit_option("stop the search after S seconds of wall-clock time and print what it "
                                          "found, marked as stopped."),
                        progress_option()}};
}

namespace detail {

inline std::string axes_words(std::size_t k) { return std::to_string(k) + (k == 1 ? " axis" : " axes"); }

/// One suggestion: its number, its axes and outcome, its C++ and its name.
inline std::string suggestion_text(std::size_t number, const suggestion& s, const std::string& base, bool closest) {
    using daxfail::detail::wrap;
    std::string head = std::to_string(number);
    head = std::string(head.size() < 4 ? 4 - head.size() : 0, ' ') + head + "  ";
    const std::string indent(head.size(), ' ');
    std::string what = axes_words(s.changes.size()) + "; outcome differs from " + base + "'s on " +
                       std::to_string(s.differing) + " scenario(s)";
    if (closest)
        what += "; score " + std::to_string(s.breakage.score()) + ", breaks " + report::detail::broken_text(s.breakage);
    return wrap(what, 120, head, indent + "  ") + wrap(s.cpp, 120, indent + "C++   ", indent + "      ") +
           wrap(s.command_line, 120, indent + "name  ", indent + "      ");
}

inline std::string suggest_text(const suggest_request& q, const suggest_result& r) {
    using daxfail::detail::wrap;
    std::string out = "daxfail suggest: around " + q.base + ", on " + std::to_string(q.scenarios.size()) +
                      " scenario(s)" +
                      (q.explored.empty() ? "" : " and every explored schedule of " + std::to_string(q.explored.size())) +
                      "\n";
    if (r.base.breakage.breaks_nothing()) return out + q.base + " breaks no invariant here: nothing to fix\n";
    out += wrap(q.base + " breaks " + report::detail::broken_text(r.base.breakage) + " (score " +
                    std::to_string(r.base.breakage.score()) + ")",
                120, "", "  ");
    std::string searched;
    for (std::size_t k = 0; k < r.tried.size(); ++k)
        searched += (k ? ", " : "") + std::to_string(r.tried[k]) + " with " + axes_words(k + 1);
    out += wrap("searched: " + searched + "; " + std::to_string(r.rejected) + " combination(s) parse_variant refuses",
                120, "", "  ");
    if (r.stopped)
        out += "stopped at the time limit in the search with " + axes_words(r.tried.size()) +
               ": what follows is what it had found\n";
    out += "\n";
    if (!r.found.empty()) {
        out += std::to_string(r.found.size()) + " variant(s) break no invariant, nearest first:\n";
        for (std::size_t i = 0; i < r.found.size(); ++i) out += suggestion_text(i + 1, r.found[i], q.base, false);
        return out;
    }
    out += "no variant within " + axes_words(q.max_axes) + " breaks no invariant here";
    if (r.closest.empty()) return out + "; none breaks less than " + q.base + "\n";
    out += "; the closest:\n";
    for (std::size_t i = 0; i < r.closest.size(); ++i) out += suggestion_text(i + 1, r.closest[i], q.base, true);
    return out;
}

}  // namespace detail

inline int cmd_suggest(const std::vector<std::string>& args, const std::vector<variant_spec>& = {}) {
    detail::sigint_scope sigint;
    int status = exit_ok;
    const auto p = parse_or_exit(suggest_command(), args, status);
    if (!p) return status;
    suggest_request q;
    q.base = p->value("--base", "merged");
    if (p->has("--max-axes")) q.max_axes = std::stoul(p->value("--max-axes"));
    q.max_seconds = seconds_value(*p, 0);
    q.scenarios = scenarios::catalog();
    if (p->has("--scenario")) {
        auto named = scenarios_named(p->values("--scenario"), {scenarios::catalog(), scenarios::concurrent()}, "suggest");
        if (!named) return exit_bad_input;
        q.scenarios = std::move(*named);
    }
    if (p->has("--explore")) {
        if (!p->has("--scenario")) q.explored = scenarios::concurrent();
        for (const auto& s : q.scenarios)
            if (!s.actors.empty()) q.explored.push_back(s);
    }
    detail::progress bar("suggest", "variants", p->has("--progress"));
    suggest_hooks hooks;
    hooks.stop = [] { return detail::interrupted != 0; };
    hooks.progress = [&](std::size_t level, std::size_t done, std::size_t total, std::size_t found) {
        bar.update(done, total, -1, ", " + detail::axes_words(level) + ", " + std::to_string(found) + " found");
    };
    const auto r = suggest(q, hooks);
    bar.finish();
    std::cout << detail::suggest_text(q, r);
    return detail::interrupted ? detail::exit_interrupted : exit_ok;
}

}  // namespace daxfail::cli

#endif
