// `daxfail diff A B`: two variants side by side on one screen: the policies
// that differ, the scenarios on which their outcomes differ and how, the
// invariants one breaks where the other does not, and both scores
// (ranking.hpp).
#ifndef DAXFAIL_DIFF_HPP
#define DAXFAIL_DIFF_HPP

#include <daxfail/compare.hpp>
#include <daxfail/detail/join.hpp>
#include <daxfail/detail/wrap.hpp>
#include <daxfail/ranking.hpp>
#include <daxfail/report/summary.hpp>
#include <daxfail/sources.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace daxfail {

/// One axis on which the two variants differ.
struct policy_difference {
    std::string axis, a, b;
};

/// One scenario on which their outcomes differ.
struct outcome_difference {
    std::string scenario;
    std::string a, b;                      ///< the one-line summaries
    std::vector<std::string> observables;  ///< those that differ
};

/// One invariant, and the scenarios on which only A, or only B, breaks it (a hang's unjudged counted).
struct invariant_difference {
    std::string invariant;
    std::vector<std::string> only_a, only_b;
};

struct variant_diff {
    variant_spec a, b;
    std::size_t scenarios = 0;
    std::vector<policy_difference> policies;
    std::vector<outcome_difference> outcomes;
    std::vector<invariant_difference> invariants;
    variant_breakage breakage_a, breakage_b;
};

/// A and B on every scenario (valid ones; see validate()).
inline variant_diff diff_variants(const variant_spec& a, const variant_spec& b, std::vector<scenario> scens,
                                  const run_options& opts = {}) {
    variant_diff d{a, b, scens.size(), {}, {}, {}, {}, {}};
    std::vector<std::string> axes_a, axes_b;
    for_each_axis(a.cfg, [&](std::string_view, std::string_view v) { axes_a.emplace_back(v); });
    std::size_t k = 0;
    for_each_axis(b.cfg, [&](std::string_view axis, std::string_view v) {
        if (axes_a[k] != v) d.policies.push_back({std::string(axis), axes_a[k], std::string(v)});
        ++k;
    });
    const auto c = compare({a, b}, std::move(scens), opts);
    const auto rank = breakage_of(c);
    d.breakage_a = rank[0];
    d.breakage_b = rank[1];
    for (const auto& inv : run_invariants) d.invariants.push_back({std::string(inv.name), {}, {}});
    for (std::size_t s = 0; s < c.scenarios.size(); ++s) {
        const auto& sc = c.scenarios[s];
        const auto &ra = c.at(0, s), &rb = c.at(1, s);
        if (!(ra.out == rb.out)) {
            outcome_difference o{sc.name, report::one_line(sc, ra.out), report::one_line(sc, rb.out), {}};
            for (const auto& x : diff(ra.out, rb.out)) o.observables.push_back(x.observable);
            d.outcomes.push_back(std::move(o));
        }
        const auto ba = run_breaches(sc, ra.out, ra.invariants), bb = run_breaches(sc, rb.out, rb.invariants);
        for (auto& inv : d.invariants) {
            const auto i = static_cast<std::size_t>(invariant_index(inv.invariant));
            const bool in_a = ba[i] != breach::none, in_b = bb[i] != breach::none;
            if (in_a && !in_b) inv.only_a.push_back(sc.name + (ba[i] == breach::unjudged ? " (unjudged)" : ""));
            if (in_b && !in_a) inv.only_b.push_back(sc.name + (bb[i] == breach::unjudged ? " (unjudged)" : ""));
        }
    }
    std::erase_if(d.invariants, [](const invariant_difference& i) { return i.only_a.empty() && i.only_b.empty(); });
    return d;
}

namespace detail {
/// Where each of the two values comes from, briefly (release and commit; `daxfail explain` prints the whole
/// source_line with the message that argued for it): one line, so the diff stays one screen.
inline std::string policy_details(const policy_difference& p) {
    const auto brief = [&](const std::string& value) {
        const auto s = source_of(p.axis, value);
        if (!s) return std::string("no source (not a built-in value)");
        std::string out(s->version);
        if (!s->commit.empty()) out.append(" ").append(s->commit);
        return out;
    };
    return "from: A " + brief(p.a) + ", B " + brief(p.b);
}
}  // namespace detail

/// The diff in at most `width` columns: "A: name" and "B: name", the policies, the outcomes, the invariants,
/// the scores.
inline std::string diff_to_text(const variant_diff& d, std::size_t width = 120) {
    using detail::join;
    using detail::wrap;
    std::string out = wrap("A: " + d.a.name, width, "", "   ") + wrap("B: " + d.b.name, width, "", "   ");
    out += "\npolicies that differ (" + std::to_string(d.policies.size()) + ")\n";
    if (d.policies.empty()) out += "  none: the same config\n";
    std::size_t column = 0;
    for (const auto& p : d.policies) column = std::max(column, p.axis.size());
    for (const auto& p : d.policies) {
        std::string head = "  " + p.axis;
        head.resize(column + 4, ' ');
        out += wrap("A " + p.a + "  B " + p.b, width, head, std::string(column + 4, ' '));
        if (auto more = detail::policy_details(p); !more.empty())
            out += wrap(more, width, std::string(column + 4, ' '), std::string(column + 6, ' '));
    }
    out += "\noutcomes that differ (" + std::to_string(d.outcomes.size()) + " of " + std::to_string(d.scenarios) +
           " scenarios)\n";
    // Scenarios whose one-line summaries agree are listed together by what differs (often the log alone).
    std::vector<std::pair<std::string, std::vector<std::string>>> alike;
    for (const auto& o : d.outcomes) {
        const std::string what = join(o.observables, ", ");
        if (o.a == o.b) {
            auto it = std::find_if(alike.begin(), alike.end(), [&](const auto& x) { return x.first == what; });
            if (it == alike.end()) alike.push_back({what, {o.scenario}});
            else it->second.push_back(o.scenario);
            continue;
        }
        out += wrap(o.scenario + ": differs in " + what, width, "  ", "      ");
        out += wrap(o.a, width, "    A  ", "       ") + wrap(o.b, width, "    B  ", "       ");
    }
    for (const auto& [what, names] : alike)
        out += wrap("same summary, differs in " + what + ": " + join(names, ", "), width, "  ", "      ");
    out += "\ninvariants one breaks and the other does not\n";
    if (d.invariants.empty()) out += "  none\n";
    for (const auto& i : d.invariants) {
        if (!i.only_a.empty())
            out += wrap(i.invariant + ": A only, on " + join(i.only_a, ", "), width, "  ", "      ");
        if (!i.only_b.empty())
            out += wrap(i.invariant + ": B only, on " + join(i.only_b, ", "), width, "  ", "      ");
    }
    out += "\nscore (invariants broken x severity; lower is better): A " + std::to_string(d.breakage_a.score()) +
           ", B " + std::to_string(d.breakage_b.score()) + "\n";
    return out;
}

}  // namespace daxfail

#endif
