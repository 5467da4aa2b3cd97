// The JSON report (stable contract):
// { "variants": [name...], "scenarios": [name...],
//   "results": [ { "variant", "scenario", "return_code" (negative errno, null if the path never
//                  returned), "terminated", "signals": [{"pid","signo","si_code","address",...,"pages"}]
//                  (runs: "pages" signals from "address", 2^addr_lsb apart), "signal_count",
//                  "unmapped", "poisoned_pages", "cache_entries_left" (page counts), "shutdown",
//                  "freeze_holders_after": ["kernel"|"userspace"...], "invariants": {name: "pass"|"fail"|"n/a"},
//                  "invariant_reasons", plus details: "end_state", "notify_returns", "entry_returns",
//                  "shutdown_reason", "live_mappings" (pages), "log" (runs), "log_lines", "cost" } ... ],
//   "classes": [ { "scenario", "classes": [[variant...]...], "differences": [{"a","b","observables"}] } ] }
// The observables' fields come from their entries in outcome/observables.hpp.
#ifndef DAXFAIL_REPORT_JSON_HPP
#define DAXFAIL_REPORT_JSON_HPP

#include <daxfail/report/summary.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace daxfail::report {

namespace detail {
/// The detail fields in the order the report has always given them (the observables' JSON writers give them in
/// table order); a field not named here follows them in table order.
inline constexpr std::string_view detail_field_order[] = {"end_state",       "notify_returns", "entry_returns",
                                                          "shutdown_reason", "live_mappings",  "log",
                                                          "log_lines"};

/// One run: which, its return code, every observable's summary fields, the invariants, the details, the cost.
inline nlohmann::ordered_json result_to_json(const comparison& c, std::size_t v, std::size_t s) {
    using json = nlohmann::ordered_json;
    const auto& r = c.at(v, s);
    const auto& o = r.out;
    json j, details;
    j["variant"] = c.variants[v].name;
    j["scenario"] = c.scenarios[s].name;
    const auto rc = return_code(c.scenarios[s], o);
    j["return_code"] = rc ? json(*rc) : json(nullptr);
    for_each_observable([&](auto entry) {
        if constexpr (requires { entry.json(o, j, details); }) entry.json(o, j, details);
    });
    j["invariants"] = json::object();
    j["invariant_reasons"] = json::object();
    for (const auto& i : r.invariants) {
        j["invariants"][i.name] = verdict_name(i.result);
        j["invariant_reasons"][i.name] = i.reason;
    }
    for (auto key : detail_field_order) {
        const auto it = details.find(std::string(key));
        if (it == details.end()) continue;
        j[std::string(key)] = std::move(*it);
        details.erase(it);
    }
    for (auto& [key, value] : details.items()) j[key] = std::move(value);
    j["cost"] = {{"steps", o.cost.steps},
                 {"rmap_records_examined", o.cost.rmap_records_examined},
                 {"indices_walked", o.cost.indices_walked},
                 {"page_task_visits", o.cost.page_task_visits}};
    return j;
}
}  // namespace detail

inline nlohmann::ordered_json to_json(const comparison& c, bool only_differences = false) {
    using json = nlohmann::ordered_json;
    const auto shown = reported_scenarios(c, only_differences);
    json doc;
    doc["variants"] = json::array();
    for (const auto& v : c.variants) doc["variants"].push_back(v.name);
    doc["scenarios"] = json::array();
    for (auto s : shown) doc["scenarios"].push_back(c.scenarios[s].name);
    doc["results"] = json::array();
    for (auto s : shown)
        for (std::size_t v = 0; v < c.variants.size(); ++v) doc["results"].push_back(detail::result_to_json(c, v, s));
    doc["classes"] = json::array();
    for (auto s : shown) {
        json k;
        k["scenario"] = c.scenarios[s].name;
        k["classes"] = json::array();
        for (const auto& cls : c.classes[s].classes) {
            json names = json::array();
            for (auto v : cls) names.push_back(c.variants[v].name);
            k["classes"].push_back(names);
        }
        k["differences"] = json::array();
        for (const auto& d : c.classes[s].differences) {
            json obs = json::array();
            for (const auto& x : d.differences) obs.push_back(x.observable);
            k["differences"].push_back({{"a", d.a}, {"b", d.b}, {"observables", obs}});
        }
        doc["classes"].push_back(std::move(k));
    }
    return doc;
}

}  // namespace daxfail::report

#endif
