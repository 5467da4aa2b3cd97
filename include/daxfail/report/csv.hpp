// CSV report: one row per run (RFC 4180 quoting; variant names contain commas).
// Columns: variant, scenario, return_code, then the CSV column of every observable that has one
// (outcome/observables.hpp: terminated, signals, unmapped, poisoned_pages, cache_entries_left, shutdown,
// freeze_holders_after), then one column per invariant of a single run.
#ifndef DAXFAIL_REPORT_CSV_HPP
#define DAXFAIL_REPORT_CSV_HPP

#include <daxfail/report/summary.hpp>

#include <string>

namespace daxfail::report {

inline std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return q + "\"";
}

inline std::string to_csv(const comparison& c, bool only_differences = false) {
    std::string out = "variant,scenario,return_code";
    for_each_observable([&](auto entry) {
        if constexpr (requires { entry.csv_column; }) out += "," + std::string(entry.csv_column);
    });
    for (const auto& i : run_invariants) out += "," + std::string(i.name);
    out += "\n";
    for (auto s : reported_scenarios(c, only_differences))
        for (std::size_t v = 0; v < c.variants.size(); ++v) {
            const auto& r = c.at(v, s);
            const auto rc = return_code(c.scenarios[s], r.out);
            out += csv_field(c.variants[v].name) + "," + csv_field(c.scenarios[s].name) + "," +
                   (rc ? std::to_string(*rc) : std::string());
            for_each_observable([&](auto entry) {
                if constexpr (requires { entry.csv(r.out); }) out += "," + entry.csv(r.out);
            });
            for (const auto& i : r.invariants) out += "," + verdict_name(i.result);
            out += "\n";
        }
    return out;
}

}  // namespace daxfail::report

#endif
