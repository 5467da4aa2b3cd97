// The JSON report (stable contract):
// { "variants": [name...], "scenarios": [name...],
//   "results": [ { "variant", "scenario", "return_code" (negative errno, null if the path never
//                  returned), "terminated", "signals": [{"pid","signo","si_code","address",...,"pages"}]
//                  (runs: "pages" signals from "address", 2^addr_lsb apart), "signal_count",
//                  "unmapped", "poisoned_pages", "cache_entries_left" (page counts), "shutdown",
//                  "freeze_holders_after": ["kernel"|"userspace"...], "invariants": {name: "pass"|"fail"|"n/a"},
//                  plus details: "end_state", "notify_returns", "entry_returns", "shutdown_reason",
//                  "live_mappings" (pages), "invariant_reasons", "log" (runs), "log_lines", "cost" } ... ],
//   "classes": [ { "scenario", "classes": [[variant...]...], "differences": [{"a","b","observables"}] } ] }
#ifndef DAXFAIL_REPORT_JSON_HPP
#define DAXFAIL_REPORT_JSON_HPP

#include <daxfail/report/summary.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace daxfail::report {

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
        for (std::size_t v = 0; v < c.variants.size(); ++v) {
            const auto& r = c.at(v, s);
            const auto& o = r.out;
            json j;
            j["variant"] = c.variants[v].name;
            j["scenario"] = c.scenarios[s].name;
            const auto rc = return_code(c.scenarios[s], o);
            j["return_code"] = rc ? json(*rc) : json(nullptr);
            j[std::string(observable_names::terminated)] = o.terminated();
            j[std::string(observable_names::signals)] = json::array();
            for (const auto& sig : o.signals)
                j[std::string(observable_names::signals)].push_back({{"pid", sig.pid},
                                        {"signo", sig.signo},
                                        {"si_code", si_code::name(sig.si_code)},
                                        {"address", sig.addr},
                                        {"addr_lsb", sig.addr_lsb},
                                        {"comm", sig.comm},
                                        {"pages", sig.pages}});
            j["signal_count"] = o.signal_count();
            j[std::string(observable_names::unmapped)] = o.unmapped_pages();
            j["poisoned_pages"] = o.poisoned.pages();
            j[std::string(observable_names::cache_entries_left)] = o.cache_pages_left();
            j[std::string(observable_names::shutdown)] = shutdown_name(o.shutdown_flags);
            j[std::string(observable_names::freeze_holders_after)] = json::array();
            for (const auto& h : o.freeze_holders_after) j[std::string(observable_names::freeze_holders_after)].push_back(holder_name(h.holder));
            j["invariants"] = json::object();
            j["invariant_reasons"] = json::object();
            for (const auto& i : r.invariants) {
                j["invariants"][i.name] = verdict_name(i.result);
                j["invariant_reasons"][i.name] = i.reason;
            }
            j["end_state"] = end_state_name(o.end) + (o.end_detail.empty() ? "" : ": " + o.end_detail);
            j[std::string(observable_names::notify_returns)] = o.notify_returns;
            j[std::string(observable_names::entry_returns)] = o.entry_returns;
            j["shutdown_reason"] = o.shutdown_reason;
            j[std::string(observable_names::live_mappings)] = o.live_pages();
            j[std::string(observable_names::log)] = json::array();
            for (const auto& l : o.log) j[std::string(observable_names::log)].push_back(to_string(l));
            j["log_lines"] = o.log_lines();
            j["cost"] = {{"steps", o.cost.steps},
                         {"rmap_records_examined", o.cost.rmap_records_examined},
                         {"indices_walked", o.cost.indices_walked},
                         {"page_task_visits", o.cost.page_task_visits}};
            doc["results"].push_back(std::move(j));
        }
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
