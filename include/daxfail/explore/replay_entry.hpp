// What `daxfail explore --replay FILE` runs again: one results[] entry of an
// explore JSON report, read back into its variant, its scenario (from the file
// the entry records, else from files given, else the catalog) and the
// schedules to replay: the entry's "schedule", or else the counterexample of
// each violated invariant. Each function returns why it cannot, in words that
// follow "FILE: ".
#ifndef DAXFAIL_EXPLORE_REPLAY_ENTRY_HPP
#define DAXFAIL_EXPLORE_REPLAY_ENTRY_HPP

#include <daxfail/concurrent_scenarios.hpp>
#include <daxfail/explore/report.hpp>
#include <daxfail/explore/schedule.hpp>
#include <daxfail/json/scenario_reader.hpp>
#include <daxfail/scenario.hpp>
#include <daxfail/scenarios.hpp>
#include <daxfail/variant_names.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace daxfail::explore {

/// One schedule to run again: what it is, and the invariant it should violate again ("" for the entry's schedule).
struct replay_job {
    std::string what, expect;
    std::vector<schedule_step> steps;
};

/// The entry in `file`: the document itself, or the only entry of its results[].
inline std::optional<nlohmann::json> read_report_entry(const std::string& file, std::string& error) {
    std::ifstream in(file);
    if (!in) {
        error = "cannot be opened";
        return std::nullopt;
    }
    nlohmann::json entry;
    try {
        entry = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        error = std::string("not valid JSON: ") + e.what();
        return std::nullopt;
    }
    if (entry.is_object() && entry.contains("results") && entry["results"].is_array() && entry["results"].size() == 1)
        entry = entry["results"][0];
    if (!entry.is_object() || !entry.contains("variant") || !entry["variant"].is_string() ||
        !entry.contains("scenario") || !entry["scenario"].is_string()) {
        error = "must be one results[] entry of `daxfail explore --format json` (with \"variant\" and \"scenario\")";
        return std::nullopt;
    }
    return entry;
}

/// The entry's variant: a preset, one of `extras`, or a policy combination.
inline std::optional<variant_spec> entry_variant(const nlohmann::json& entry, const std::vector<variant_spec>& extras,
                                                 std::string& error) {
    auto parsed = parse_variant_list(entry["variant"].get<std::string>(), error, extras);
    if (!parsed || parsed->size() != 1) {
        error = "variant: " + (error.empty() ? std::string("must name one variant") : error);
        return std::nullopt;
    }
    return parsed->front();
}

/// The entry's scenario: from the file the entry records, else from one of `files` (scenario files, in order),
/// else from the catalogs. `source` says which ("scenario NAME from ..."); `none_given`: no file or directory was
/// given (the error says so).
inline std::optional<scenario> entry_scenario(const nlohmann::json& entry, const std::vector<std::string>& files,
                                              bool none_given, std::string& source, std::string& error) {
    const std::string name = entry["scenario"].get<std::string>();
    std::string recorded;
    if (entry.contains("file") && entry["file"].is_string()) recorded = entry["file"].get<std::string>();
    auto named_in = [&](const std::string& path) -> std::optional<scenario> {
        auto r = json::load_scenario_file(path);
        if (r.ok() && r.value->name == name) return r.value;
        return std::nullopt;
    };
    std::error_code ec;
    if (!recorded.empty() && std::filesystem::exists(recorded, ec))
        if (auto s = named_in(recorded)) {
            source = "scenario " + name + " from " + recorded + " (the entry's \"file\")";
            return s;
        }
    for (const auto& path : files)
        if (auto s = named_in(path)) {
            source = "scenario " + name + " from " + path + " (given on the command line)";
            return s;
        }
    for (const auto& cat : {scenarios::concurrent(), scenarios::catalog()})
        for (const auto& s : cat)
            if (s.name == name) {
                source = "scenario " + name + " from the catalog";
                return s;
            }
    error = "scenario '" + name + "' is " +
            (recorded.empty() ? std::string("not recorded with a file")
                              : "not in the entry's file " + recorded +
                                    (std::filesystem::exists(recorded, ec) ? "" : " (which does not exist)")) +
            ", in no file given on the command line" + (none_given ? " (none given)" : "") +
            " and not in the catalog: give its scenario file as an argument";
    return std::nullopt;
}

/// The schedules to replay: the entry's "schedule", or else each violated invariant's counterexample.
inline std::optional<std::vector<replay_job>> replay_jobs(const nlohmann::json& entry, std::string& error) {
    std::vector<replay_job> jobs;
    if (entry.contains("schedule")) {
        auto steps = schedule_from_json(entry["schedule"], "schedule", error);
        if (!steps) return std::nullopt;
        jobs.push_back({"schedule", "", *steps});
    } else if (entry.contains("invariants") && entry["invariants"].is_object()) {
        for (const auto& [name, x] : entry["invariants"].items()) {
            if (!x.is_object() || !x.contains("verdict") || !x["verdict"].is_string() ||
                x["verdict"].get<std::string>() != "violated" || !x.contains("counterexample"))
                continue;
            auto steps = schedule_from_json(x["counterexample"], "invariants." + name + ".counterexample", error);
            if (!steps) return std::nullopt;
            jobs.push_back({name + " counterexample", name, *steps});
        }
    }
    if (jobs.empty()) {
        error = "nothing to replay: no \"schedule\" and no violated invariant with a counterexample";
        return std::nullopt;
    }
    return jobs;
}

}  // namespace daxfail::explore

#endif
