// Markdown and terminal-table reports: per variant the invariant failures,
// for a few variants the scenario x variant matrix, then per scenario the
// classes of variants with identical outcomes, what tells the classes apart,
// and the invariants each variant fails there.
#ifndef DAXFAIL_REPORT_TEXT_HPP
#define DAXFAIL_REPORT_TEXT_HPP

#include <daxfail/report/summary.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace daxfail::report {

struct text_style {
    bool markdown = true;
    bool color = false;  ///< ANSI colours (terminal table only)
};

namespace detail {

inline std::string paint(const text_style& st, const std::string& s, const char* code) {
    return st.color ? std::string("\x1b[") + code + "m" + s + "\x1b[0m" : s;
}

/// Rows of cells: Markdown pipes, or space-padded columns.
inline std::string table(const text_style& st, const std::vector<std::vector<std::string>>& rows) {
    if (rows.empty()) return {};
    std::string out;
    if (st.markdown) {
        for (std::size_t r = 0; r < rows.size(); ++r) {
            out += "|";
            for (const auto& cell : rows[r]) {
                std::string esc;
                for (char ch : cell) esc += ch == '|' ? std::string("\\|") : std::string(1, ch);
                out += " " + esc + " |";
            }
            out += "\n";
            if (r == 0) {
                out += "|";
                for (std::size_t k = 0; k < rows[0].size(); ++k) out += "---|";
                out += "\n";
            }
        }
        return out;
    }
    std::vector<std::size_t> width(rows[0].size(), 0);
    for (const auto& row : rows)
        for (std::size_t k = 0; k < row.size() && k < width.size(); ++k) width[k] = std::max(width[k], row[k].size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
        std::string line;
        for (std::size_t k = 0; k < rows[r].size(); ++k) {
            std::string cell = rows[r][k];
            if (k + 1 < rows[r].size()) cell += std::string(width[k] - rows[r][k].size() + 2, ' ');
            line += cell;
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += (r == 0 ? paint(st, line, "1") : line) + "\n";
    }
    return out;
}

}  // namespace detail

inline std::string to_text(const comparison& c, bool only_differences, const text_style& st) {
    const auto shown = reported_scenarios(c, only_differences);
    const std::string h1 = st.markdown ? "# " : "", h2 = st.markdown ? "## " : "", h3 = st.markdown ? "### " : "";
    std::string out = h1 + "daxfail comparison: " + std::to_string(c.variants.size()) + " variant(s) x " +
                      std::to_string(shown.size()) + " scenario(s)" +
                      (only_differences ? " (only scenarios where variants differ)" : "") + "\n\n";

    out += h2 + "Invariants failed, per variant (number of scenarios)\n\n";
    std::vector<std::vector<std::string>> inv_rows;
    inv_rows.push_back({"variant"});
    for (const auto& inv : run_invariants) inv_rows[0].push_back(std::string(inv.name));
    for (std::size_t v = 0; v < c.variants.size(); ++v) {
        std::vector<std::string> row{c.variants[v].name};
        for (const auto& inv : run_invariants) {
            std::size_t fails = 0, passes = 0;
            for (auto s : shown) {
                const auto r = result_of(c.at(v, s).invariants, inv.id).result;
                fails += r == verdict::fail;
                passes += r == verdict::pass;
            }
            row.push_back(fails ? detail::paint(st, std::to_string(fails) + " fail", "31")
                                : (passes ? "pass" : "n/a"));
        }
        inv_rows.push_back(std::move(row));
    }
    out += detail::table(st, inv_rows) + "\n";

    if (c.variants.size() <= 12) {  // one column per variant: the presets fit, the 216 combinations do not
        out += h2 + "Outcomes\n\n";
        std::vector<std::vector<std::string>> rows;
        rows.push_back({"scenario"});
        for (const auto& v : c.variants) rows[0].push_back(v.name);
        for (auto s : shown) {
            std::vector<std::string> row{c.scenarios[s].name};
            for (std::size_t v = 0; v < c.variants.size(); ++v) row.push_back(one_line(c.scenarios[s], c.at(v, s).out));
            rows.push_back(std::move(row));
        }
        out += detail::table(st, rows) + "\n";
    }

    out += h2 + "Scenarios\n";
    for (auto s : shown) {
        const auto& sc = c.scenarios[s];
        const auto& k = c.classes[s];
        out += "\n" + h3 + sc.name + "\n\n";
        if (!sc.description.empty()) out += (st.markdown ? "> " : "") + sc.description + "\n\n";
        std::vector<std::vector<std::string>> rows{{"class", "variants", "outcome"}};
        for (std::size_t i = 0; i < k.classes.size(); ++i) {
            std::string names;
            for (auto v : k.classes[i]) names += (names.empty() ? "" : ", ") + c.variants[v].name;
            rows.push_back({std::to_string(i + 1), names, one_line(sc, c.at(k.classes[i].front(), s).out)});
        }
        out += detail::table(st, rows);
        for (const auto& d : k.differences) {
            std::string obs;
            for (const auto& x : d.differences) obs += (obs.empty() ? "" : ", ") + x.observable;
            out += (st.markdown ? "\n- " : "\n  ") + std::string("class ") + std::to_string(d.a + 1) + " vs class " +
                   std::to_string(d.b + 1) + " differ in: " + obs;
        }
        if (!k.differences.empty()) out += "\n";
        bool header = false;
        for (std::size_t v = 0; v < c.variants.size(); ++v)
            for (const auto& i : c.at(v, s).invariants)
                if (i.result == verdict::fail) {
                    if (!header) out += "\n" + std::string(st.markdown ? "Invariant failures:\n\n" : "  invariant failures:\n");
                    header = true;
                    out += (st.markdown ? "- " : "    ") + c.variants[v].name + ": " +
                           detail::paint(st, i.name, "31") + " (" + i.reason + ")\n";
                }
    }
    return out;
}

inline std::string to_markdown(const comparison& c, bool only_differences = false) {
    return to_text(c, only_differences, {true, false});
}

inline std::string to_table(const comparison& c, bool only_differences = false, bool color = false) {
    return to_text(c, only_differences, {false, color});
}

}  // namespace daxfail::report

#endif
