// The agreement table of `daxfail oracle`: scenario x kernel, agree or the
// observables that differ (model value vs kernel value), as a terminal table,
// Markdown, or JSON. The JSON fields are a contract:
//   kernels[]: kernel ("6.1"/"6.12"/"sid"), uname_r (the release booted, uname -r), package, boots, seconds (wall
//              time of the boots), preset (the preset that judged it), and for a kernel of a moving suite
//              preset_note (why that preset: its mainline version's, or the nearest older one)
//   results[]: scenario, kernel, preset, agree, differences[{observable, model_observable, model, kernel}],
//              not_visible[], nondeterministic, unrepeatable[], seconds (the scenario's own time in the
//              guest), setup_differs and setup_differences[] (the world built is not the one planned:
//              the model ran on what was built; never a disagreement, never hidden), and boot_error when a
//              boot gave no report for it
//   not_expressible[]: scenario, why
#ifndef DAXFAIL_ORACLE_REPORT_HPP
#define DAXFAIL_ORACLE_REPORT_HPP

#include <daxfail/detail/join.hpp>
#include <daxfail/oracle/verdict.hpp>
#include <daxfail/report/text.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace daxfail::oracle {

struct booted_kernel {
    std::string kernel, uname_r, package;
    int boots = 0;            ///< qemu boots (each run twice, side by side)
    double seconds = 0;       ///< wall time of all of them
    std::string preset{};       ///< the preset that judged it
    std::string preset_note{};  ///< why that preset (kernels of a moving suite: oracle/kernel_preset.hpp), or empty
};

struct not_expressible {
    std::string scenario, why;
};

struct agreement {
    std::vector<booted_kernel> kernels;
    std::vector<agreement_row> results;
    std::vector<not_expressible> skipped;

    bool all_agree() const {
        for (const auto& r : results)
            if (!r.agree) return false;
        return true;
    }
};

namespace detail {
using daxfail::detail::join;
inline std::string seconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", s);
    return buf;
}
}  // namespace detail

inline nlohmann::ordered_json to_json(const agreement& a) {
    using oj = nlohmann::ordered_json;
    oj doc;
    doc["kernels"] = oj::array();
    for (const auto& k : a.kernels) {
        doc["kernels"].push_back({{"kernel", k.kernel}, {"uname_r", k.uname_r}, {"package", k.package}, {"boots", k.boots},
                                  {"seconds", k.seconds}, {"preset", k.preset}});
        if (!k.preset_note.empty()) doc["kernels"].back()["preset_note"] = k.preset_note;
    }
    doc["results"] = oj::array();
    for (const auto& r : a.results) {
        oj j = {{"scenario", r.scenario}, {"kernel", r.kernel}, {"preset", r.preset}, {"agree", r.agree}};
        j["differences"] = oj::array();
        for (const auto& d : r.differences)
            j["differences"].push_back({{"observable", d.observable},
                                        {"model_observable", std::string(observable_of_row(d.observable))},
                                        {"model", d.model},
                                        {"kernel", d.kernel}});
        j["not_visible"] = r.not_visible;
        j["nondeterministic"] = r.nondeterministic;
        j["unrepeatable"] = r.unrepeatable;
        j["seconds"] = r.seconds;
        j["setup_differs"] = !r.setup_differences.empty();
        j["setup_differences"] = r.setup_differences;
        if (!r.boot_error.empty()) j["boot_error"] = r.boot_error;
        doc["results"].push_back(j);
    }
    doc["not_expressible"] = oj::array();
    for (const auto& n : a.skipped) doc["not_expressible"].push_back({{"scenario", n.scenario}, {"why", n.why}});
    return doc;
}

/// The table, then each difference spelled out (model value vs kernel value).
inline std::string to_text(const agreement& a, const report::text_style& st) {
    std::string out = st.markdown ? "# daxfail oracle: the model vs real kernels\n\n" : "daxfail oracle: the model vs real kernels\n\n";
    for (const auto& k : a.kernels)
        out += (st.markdown ? "- " : "  ") + k.kernel + ": " + k.uname_r + " (" + k.package + "), " +
               std::to_string(k.boots) + " boot(s) x 2 side by side, " + detail::seconds(k.seconds) + " s" +
               (k.preset.empty() ? "" : ", judged by " + k.preset) + "\n" +
               (k.preset_note.empty() ? "" : (st.markdown ? "  " : "    ") + k.preset_note + "\n");
    out += "\n";
    std::vector<std::vector<std::string>> rows{{"scenario", "kernel", "preset", "agree", "differences", "seconds"}};
    for (const auto& r : a.results) {
        std::vector<std::string> names;
        for (const auto& d : r.differences) names.push_back(d.observable);
        std::string what = !r.boot_error.empty() ? "boot failed"
                           : r.nondeterministic  ? "nondeterministic: " + detail::join(r.unrepeatable, ", ")
                           : names.empty()       ? "-"
                                                 : detail::join(names, ", ");
        const std::string agree = std::string(r.agree ? "yes" : "no") + (r.setup_differences.empty() ? "" : ", setup_differs");
        rows.push_back({r.scenario, r.kernel, r.preset, agree, what, detail::seconds(r.seconds)});
    }
    out += report::detail::table(st, rows);
    for (const auto& r : a.results) {
        if (!r.boot_error.empty()) out += "\n" + r.scenario + " on " + r.kernel + ": " + r.boot_error + "\n";
        if (!r.setup_differences.empty())
            out += "\n" + r.scenario + " on " + r.kernel + ", setup differs (the model ran on what the guest built):\n  " +
                   detail::join(r.setup_differences, "\n  ") + "\n";
        for (const auto& d : r.differences)
            out += "\n" + r.scenario + " on " + r.kernel + ", " + d.observable + ":\n  model:  " +
                   detail::join(d.model, "\n          ") + "\n  kernel: " + detail::join(d.kernel, "\n          ") + "\n";
    }
    std::vector<std::string> hidden;
    for (const auto& r : a.results)
        for (const auto& h : r.not_visible)
            if (std::find(hidden.begin(), hidden.end(), h) == hidden.end()) hidden.push_back(h);
    if (!hidden.empty())
        out += "\nnot visible in the guest (shown, never counted as agreement): " + detail::join(hidden, ", ") + "\n";
    if (!a.skipped.empty()) {
        out += "\nnot expressible on a real machine yet:\n";
        for (const auto& n : a.skipped) out += (st.markdown ? "- " : "  ") + n.scenario + ": " + n.why + "\n";
    }
    return out;
}

}  // namespace daxfail::oracle

#endif
