// The default terminal report of `daxfail compare`, at most 120 columns wide:
// per scenario the classes of variants with identical outcomes
// (`1 {pre_patch, debian_6_1} / 2 {v12} / ...`), each class's one-line outcome
// or, when that line is the same as an earlier class's, the observables that
// separate them ("same summary as 1; differs in log"), and the invariants the
// class fails; then the invariants each variant fails. The full matrix is
// to_table (--wide) and the other formats.
#ifndef DAXFAIL_REPORT_OVERVIEW_HPP
#define DAXFAIL_REPORT_OVERVIEW_HPP

#include <daxfail/detail/join.hpp>
#include <daxfail/detail/wrap.hpp>
#include <daxfail/report/summary.hpp>
#include <daxfail/report/text.hpp>

#include <algorithm>
#include <cstddef>
#include <set>
#include <string>
#include <vector>

namespace daxfail::report {

/// The overview's width in columns.
inline constexpr std::size_t overview_width = 120;

namespace detail {

/// A variant's label in the overview: its name when short, else "#k" (k counts the long names), with a legend.
struct variant_labels {
    static constexpr std::size_t max_name = 24;
    std::vector<std::string> label;
    std::vector<long> number;  ///< k of "#k", or -1 for a variant shown by its name
    std::string legend;

    variant_labels(const comparison& c, const text_style& st) {
        // The comma-separated items (axis=value) every long name shares are said once.
        std::vector<std::vector<std::string>> items(c.variants.size());
        std::vector<std::string> common;
        bool first = true;
        long count = 0;
        for (std::size_t v = 0; v < c.variants.size(); ++v) {
            const auto& name = c.variants[v].name;
            if (name.size() <= max_name) {
                label.push_back(name);
                number.push_back(-1);
                continue;
            }
            number.push_back(++count);
            label.push_back("#" + std::to_string(count));
            for (std::size_t i = 0; i <= name.size();) {
                const std::size_t comma = std::min(name.find(',', i), name.size());
                items[v].push_back(name.substr(i, comma - i));
                i = comma + 1;
            }
            if (first) common = items[v];
            else
                std::erase_if(common, [&](const std::string& x) { return std::find(items[v].begin(), items[v].end(), x) == items[v].end(); });
            first = false;
        }
        if (count == 0) return;
        legend = paint(st, "variants", "1") + "\n";
        if (!common.empty() && count > 1)
            legend += daxfail::detail::wrap("#1-#" + std::to_string(count) + " all have " + daxfail::detail::join(common, ", "), overview_width, "  ", "    ");
        for (std::size_t v = 0; v < c.variants.size(); ++v) {
            if (number[v] < 0) continue;
            std::vector<std::string> own;
            for (const auto& x : items[v])
                if (count == 1 || std::find(common.begin(), common.end(), x) == common.end()) own.push_back(x);
            std::string head = "  " + label[v];
            head.resize(std::max<std::size_t>(head.size() + 2, 8), ' ');
            legend += daxfail::detail::wrap(daxfail::detail::join(own, ", "), overview_width, head, std::string(head.size(), ' '));
        }
        legend += "\n";
    }

    /// "{pre_patch, debian_6_1}", with runs of three or more numbered variants as "#4-#9".
    std::string set(const std::vector<std::size_t>& variants) const {
        std::string out;
        for (std::size_t i = 0; i < variants.size();) {
            std::size_t j = i + 1;
            while (number[variants[i]] >= 0 && j < variants.size() &&
                   number[variants[j]] == number[variants[i]] + static_cast<long>(j - i))
                ++j;
            out += (out.empty() ? "" : ", ") + label[variants[i]];
            if (j - i >= 3) {
                out += "-" + label[variants[j - 1]];
                i = j;
            } else {
                ++i;
            }
        }
        return "{" + out + "}";
    }
};

/// Wrapped lines painted from their first letter on (the indentation stays plain).
inline std::string paint_lines(const text_style& st, const std::string& lines, const char* code) {
    if (!st.color) return lines;
    std::string out;
    for (std::size_t at = 0; at < lines.size();) {
        const std::size_t end = std::min(lines.find('\n', at), lines.size());
        const std::size_t text = std::min(lines.find_first_not_of(' ', at), end);
        out += lines.substr(at, text - at) + paint(st, lines.substr(text, end - text), code) + "\n";
        at = end + 1;
    }
    return out;
}

/// Observables of a pair of classes, joined.
inline std::string differing(const scenario_classes& k, std::size_t a, std::size_t b) {
    for (const auto& d : k.differences)
        if ((d.a == a && d.b == b) || (d.a == b && d.b == a)) {
            std::string obs;
            for (const auto& x : d.differences) obs += (obs.empty() ? "" : ", ") + x.observable;
            return obs;
        }
    return {};
}

inline std::size_t count_differing(const scenario_classes& k, std::size_t a, std::size_t b) {
    for (const auto& d : k.differences)
        if ((d.a == a && d.b == b) || (d.a == b && d.b == a)) return d.differences.size();
    return 0;
}

}  // namespace detail

inline std::string to_overview(const comparison& c, bool only_differences = false, const text_style& st = {false, false}) {
    using daxfail::detail::wrap;
    const std::size_t width = overview_width;
    const auto shown = reported_scenarios(c, only_differences);
    const detail::variant_labels labels(c, st);
    std::string out = detail::paint(st, "daxfail compare: " + std::to_string(c.variants.size()) + " variant(s) x " +
                                            std::to_string(shown.size()) + " scenario(s)" +
                                            (only_differences ? " (only scenarios where variants differ)" : ""),
                                    "1") +
                      "\n\n" + labels.legend;

    for (auto s : shown) {
        const auto& sc = c.scenarios[s];
        const auto& k = c.classes[s];
        if (k.classes.size() == 1) {
            out += detail::paint(st, sc.name, "1") + ": all " + std::to_string(c.variants.size()) + " variant(s) agree\n";
        } else {
            std::string sets;
            for (std::size_t i = 0; i < k.classes.size(); ++i)
                sets += (i ? " / " : "") + std::to_string(i + 1) + " " + labels.set(k.classes[i]);
            // The name alone is painted: wrap the plain line, then paint its first word.
            std::string head = wrap(sc.name + ": " + sets, width, "", "    ");
            out += detail::paint(st, sc.name, "1") + head.substr(sc.name.size());
        }
        std::vector<std::string> summaries;
        for (const auto& cls : k.classes) summaries.push_back(one_line(sc, c.at(cls.front(), s).out));
        for (std::size_t i = 0; i < k.classes.size(); ++i) {
            std::string number = std::to_string(i + 1);  // right-aligned under the widest class number
            number = k.classes.size() == 1 ? "  "
                                           : "  " + std::string(std::to_string(k.classes.size()).size() - number.size(), ' ') +
                                                 number + "  ";
            const std::string indent(number.size(), ' ');
            const auto same = std::find(summaries.begin(), summaries.begin() + static_cast<std::ptrdiff_t>(i), summaries[i]);
            if (same != summaries.begin() + static_cast<std::ptrdiff_t>(i)) {
                const auto j = static_cast<std::size_t>(same - summaries.begin());
                out += wrap("same summary as " + std::to_string(j + 1) + "; differs in " + detail::differing(k, j, i), width,
                            number, indent + "  ");
            } else {
                out += wrap(summaries[i], width, number, indent);
                if (i > 0) {  // what separates it from the closest earlier class
                    std::size_t best = 0;
                    for (std::size_t j = 1; j < i; ++j)
                        if (detail::count_differing(k, j, i) < detail::count_differing(k, best, i)) best = j;
                    out += wrap("differs from " + std::to_string(best + 1) + " in " + detail::differing(k, best, i), width,
                                indent, indent + "  ");
                }
            }
            // The invariants this class fails; "(v12 only)" when not every variant of the class fails it.
            std::string fails;
            for (const auto& inv : run_invariants) {
                std::vector<std::size_t> failing;
                for (auto v : k.classes[i])
                    if (result_of(c.at(v, s).invariants, inv.id).result == verdict::fail) failing.push_back(v);
                if (failing.empty()) continue;
                fails += (fails.empty() ? "" : ", ") + std::string(inv.name);
                if (failing.size() < k.classes[i].size()) fails += " (" + labels.set(failing) + " only)";
            }
            if (!fails.empty()) out += detail::paint_lines(st, wrap("fails " + fails, width, indent, indent + "  "), "31");
        }
        out += "\n";
    }

    // Per variant, the invariants it fails and on how many of the scenarios shown.
    out += detail::paint(st, "invariants failed, per variant (number of scenarios)", "1") + "\n";
    std::size_t column = 0;
    for (const auto& l : labels.label) column = std::max(column, l.size());
    column += 4;
    std::set<invariant_id> ever_failed;
    for (std::size_t v = 0; v < c.variants.size(); ++v) {
        std::string fails;
        for (const auto& inv : run_invariants) {
            std::size_t n = 0;
            for (auto s : shown) n += result_of(c.at(v, s).invariants, inv.id).result == verdict::fail;
            if (n == 0) continue;
            ever_failed.insert(inv.id);
            fails += (fails.empty() ? "" : ", ") + std::string(inv.name) + " " + std::to_string(n);
        }
        std::string head = "  " + labels.label[v];
        head.resize(column, ' ');
        out += wrap(fails.empty() ? "none" : fails, width, head, std::string(column, ' '));
    }
    std::string never;
    for (const auto& inv : run_invariants)
        if (!ever_failed.count(inv.id)) never += (never.empty() ? "" : ", ") + std::string(inv.name);
    if (!never.empty()) out += wrap("no variant fails " + never, width, "  ", "    ");
    return out;
}

}  // namespace daxfail::report

#endif
