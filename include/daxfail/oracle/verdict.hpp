// The oracle's judgement of one scenario on one kernel: the model run on the
// layout the guest reported, compared observable by observable with two boots
// of the same plan. The boots must agree with each other (nondeterminism is
// reported, never hidden) and with the model.
#ifndef DAXFAIL_ORACLE_VERDICT_HPP
#define DAXFAIL_ORACLE_VERDICT_HPP

#include <daxfail/oracle/agreement.hpp>
#include <daxfail/run.hpp>

#include <algorithm>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace daxfail::oracle {

/// One row of the agreement table: whether the model and a kernel agree on a scenario. (Not an invariant's
/// verdict: that is daxfail::verdict.)
struct agreement_row {
    agreement_row() = default;
    agreement_row(std::string scenario_name, std::string kernel_label, std::string preset_name)
        : scenario(std::move(scenario_name)), kernel(std::move(kernel_label)), preset(std::move(preset_name)) {}

    std::string scenario, kernel, preset;
    bool agree = false;
    std::vector<observation> differences;  ///< visible observables where the model and the kernel differ
    std::vector<std::string> not_visible;  ///< observables the guest cannot see: never counted as agreement
    bool nondeterministic = false;         ///< the two boots of the plan disagree with each other
    std::vector<std::string> unrepeatable; ///< which observables, when nondeterministic
    std::vector<std::string> setup_differences;  ///< where the world built differs from the plan (setup_differs)
    std::string boot_error;                ///< non-empty when a boot produced no report
    double seconds = 0;                    ///< wall time per boot
};

namespace detail {
/// The kernel's side of each row with every planned task's pid replaced by its place in the plan: kernel
/// threads take pids in a different order from one boot to the next, so pids alone do not make a difference.
inline std::vector<std::vector<std::string>> kernel_side(const std::vector<observation>& rows, const json& report) {
    std::vector<std::pair<std::regex, std::string>> pids;
    const auto& tasks = report.at("tasks");
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        pids.emplace_back(std::regex("\\b" + std::to_string(tasks[i].at("pid").get<int>()) + "\\b"),
                          "task" + std::to_string(i));
        if (tasks[i].contains("tids"))
            for (std::size_t n = 0; n < tasks[i].at("tids").size(); ++n)
                pids.emplace_back(std::regex("\\b" + std::to_string(tasks[i].at("tids")[n].get<int>()) + "\\b"),
                                  "task" + std::to_string(i) + ".thread" + std::to_string(n + 1));
    }
    std::vector<std::vector<std::string>> out;
    for (const auto& r : rows) {
        std::vector<std::string> k;
        for (std::string v : r.kernel) {
            for (const auto& [re, name] : pids) v = std::regex_replace(v, re, name);
            k.push_back(v);
        }
        std::sort(k.begin(), k.end());
        out.push_back(std::move(k));
    }
    return out;
}
}  // namespace detail

/// The model's patience with a walk, as the guest's: it waits `event_wait_seconds` for an event that does not come
/// back (15 s for one running in the kernel; 30 s in guests that do not say), on qemu's TCG. The walk rate there is an estimate (1e6 empty indices per second, some 40 times
/// below a native core); the prediction is the same for any rate that walks fewer indices in that time than the
/// first extent's 2^32 - start block, i.e. any rate below about 1.4e8 indices/s.
inline run_options guest_run_options(const json& report) {
    run_options o;
    o.index_rate = 1e6;
    o.walk_patience = report.value("event_wait_seconds", 30.0);
    return o;
}

/// Judges two guest reports of one plan against the model under `cfg`.
inline agreement_row judge(const std::string& scenario_name, const std::string& kernel, const std::string& preset,
                     const config& cfg, const json& plan, const json& report1, const json& report2) {
    agreement_row v(scenario_name, kernel, preset);
    const auto real1 = scenario_from_report(plan, report1);
    const auto real2 = scenario_from_report(plan, report2);
    const auto rows1 = compare(run(cfg, real1.world, real1.event, guest_run_options(report1)), report1);
    const auto rows2 = compare(run(cfg, real2.world, real2.event, guest_run_options(report2)), report2);
    const auto k1 = detail::kernel_side(rows1, report1), k2 = detail::kernel_side(rows2, report2);
    for (std::size_t i = 0; i < rows1.size(); ++i)
        if (k1[i] != k2[i]) v.unrepeatable.push_back(rows1[i].observable);
    v.nondeterministic = !v.unrepeatable.empty();
    // The model ran on what the guest built; where that is not what the plan asked for, say so (both boots).
    v.setup_differences = setup_differences(plan, report1);
    for (const auto& d : setup_differences(plan, report2))
        if (std::find(v.setup_differences.begin(), v.setup_differences.end(), d) == v.setup_differences.end())
            v.setup_differences.push_back(d);
    v.agree = !v.nondeterministic;
    for (const auto& r : rows1) {
        if (!r.visible) v.not_visible.push_back(r.observable);
        else if (!r.agree) {
            v.agree = false;
            v.differences.push_back(r);
        }
    }
    return v;
}

}  // namespace daxfail::oracle

#endif
