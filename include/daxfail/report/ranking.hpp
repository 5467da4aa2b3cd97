// The ranking that ends `daxfail compare` (ranking.hpp): per variant, by
// place, its score and the invariants it breaks, as terminal text, Markdown
// and JSON. Text and Markdown say the weights in one line, so the score can
// be checked by hand.
#ifndef DAXFAIL_REPORT_RANKING_HPP
#define DAXFAIL_REPORT_RANKING_HPP

#include <daxfail/detail/wrap.hpp>
#include <daxfail/ranking.hpp>
#include <daxfail/report/text.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace daxfail::report {

/// What a ranking was counted on.
struct ranking_basis {
    std::size_t scenarios = 0;  ///< single runs per variant
    std::size_t explored = 0;   ///< explored scenarios per variant (0: no exploration)
};

namespace detail {

/// "terminates 7, no_live_mapping_after_pre_remove 4 +3 unjudged, not_left_frozen 2 unjudged" for one kind of count (runs or schedules).
template <class Count, class Unjudged>
std::string broken_list(const variant_breakage& b, Count count, Unjudged unjudged) {
    std::string out;
    for (const auto& inv : invariant_registry) {
        const auto& n = b.of(inv.id);
        if (count(n) + unjudged(n) == 0) continue;
        out += (out.empty() ? "" : ", ") + std::string(inv.name) + " ";
        if (count(n)) out += std::to_string(count(n)) + (unjudged(n) ? " +" : "");
        if (unjudged(n)) out += std::to_string(unjudged(n)) + " unjudged";
    }
    return out;
}

/// What a variant breaks on runs, then "explored: ..." on schedules; "nothing" when it breaks nothing.
inline std::string broken_text(const variant_breakage& b) {
    const auto runs = broken_list(b, [](const breakage_count& n) { return n.runs; },
                                  [](const breakage_count& n) { return n.runs_unjudged; });
    const auto explored = broken_list(b, [](const breakage_count& n) { return n.schedules; },
                                      [](const breakage_count& n) { return n.schedules_unjudged; });
    if (runs.empty() && explored.empty()) return "nothing";
    return runs + (explored.empty() ? "" : (runs.empty() ? "" : "; ") + ("explored: " + explored));
}

inline std::string weights_text() {
    std::string out;
    for (const auto& i : invariant_registry)
        out += (out.empty() ? "" : ", ") + std::string(i.name) + " " + std::to_string(i.severity);
    return out;
}

inline std::string basis_text(const ranking_basis& basis) {
    return "on " + std::to_string(basis.scenarios) + " scenario(s)" +
           (basis.explored ? " and every explored schedule of " + std::to_string(basis.explored) : "");
}

inline bool any_unjudged(const std::vector<variant_breakage>& b) {
    for (const auto& x : b)
        for (const auto& n : x.per_invariant)
            if (n.runs_unjudged + n.schedules_unjudged) return true;
    return false;
}

inline constexpr const char* unjudged_note =
    "+N unjudged: a path that did not terminate could not be judged on it, and counts as breaking it";

}  // namespace detail

/// The ranking for a terminal: `labels[v]` names variant v (the overview's "#k" for long names), wrapped at
/// `width` columns (0: as long as the lines are).
inline std::string ranking_to_text(const std::vector<variant_breakage>& b, const std::vector<std::string>& labels,
                                   const ranking_basis& basis, const text_style& st = {false, false},
                                   std::size_t width = 120) {
    using daxfail::detail::wrap;
    const std::size_t w = width ? width : std::string::npos;
    std::string out = detail::paint(st, "ranking: invariants broken x severity, " + detail::basis_text(basis) +
                                            " (lower is better)", "1") + "\n";
    out += wrap("weights: " + detail::weights_text(), w, "  ", "    ");
    if (detail::any_unjudged(b)) out += wrap(detail::unjudged_note, w, "  ", "    ");
    const auto order = rank(b);
    std::size_t column = 0, score_column = 0;
    for (const auto& r : order) {
        column = std::max(column, labels[r.index].size());
        score_column = std::max(score_column, std::to_string(b[r.index].score()).size());
    }
    for (const auto& r : order) {
        std::string head = std::to_string(r.place);
        head = std::string(std::to_string(b.size()).size() + 2 - head.size(), ' ') + head + "  " + labels[r.index];
        head.resize(head.size() + column - labels[r.index].size() + 2, ' ');
        const std::string score = std::to_string(b[r.index].score());
        head += std::string(score_column - score.size(), ' ') + score + "  ";
        out += wrap(detail::broken_text(b[r.index]), w, head, std::string(head.size(), ' '));
    }
    return out;
}

/// The ranking as a Markdown section.
inline std::string ranking_to_markdown(const std::vector<variant_breakage>& b, const ranking_basis& basis) {
    std::string out = "## Ranking\n\nInvariants broken x severity, " + detail::basis_text(basis) +
                      "; lower is better. Weights: " + detail::weights_text() + ".";
    if (detail::any_unjudged(b)) out += std::string(" ") + detail::unjudged_note + ".";
    std::vector<std::vector<std::string>> rows{{"place", "variant", "score", "breaks"}};
    for (const auto& r : rank(b))
        rows.push_back({std::to_string(r.place), b[r.index].variant, std::to_string(b[r.index].score()),
                        detail::broken_text(b[r.index])});
    return out + "\n\n" + detail::table({true, false}, rows);
}

/// The ranking as JSON: {"weights": {name: severity}, "scenarios", "explored_scenarios", "variants": [{"place",
/// "variant", "score", "broken": {name: {"runs", "runs_unjudged", "schedules", "schedules_unjudged"}}}]}, by place.
inline nlohmann::ordered_json ranking_to_json(const std::vector<variant_breakage>& b, const ranking_basis& basis) {
    using json = nlohmann::ordered_json;
    json j;
    j["weights"] = json::object();
    for (const auto& i : invariant_registry) j["weights"][std::string(i.name)] = i.severity;
    j["scenarios"] = basis.scenarios;
    j["explored_scenarios"] = basis.explored;
    j["variants"] = json::array();
    for (const auto& r : rank(b)) {
        const auto& x = b[r.index];
        json broken = json::object();
        for (const auto& i : invariant_registry) {
            const auto& n = x.of(i.id);
            if (n.total() == 0) continue;
            broken[std::string(i.name)] = {{"runs", n.runs},
                                           {"runs_unjudged", n.runs_unjudged},
                                           {"schedules", n.schedules},
                                           {"schedules_unjudged", n.schedules_unjudged}};
        }
        j["variants"].push_back({{"place", r.place}, {"variant", x.variant}, {"score", x.score()}, {"broken", broken}});
    }
    return j;
}

}  // namespace daxfail::report

#endif
