// `daxfail oracle` on scenarios without actors: which of them a real machine
// can express, and which of those a part of the run takes (plan_run); then, per
// kernel, boots of the guest, two side by side, until every plan has a report
// from both, each judged against the model (run_on_kernel; oracle/verdict.hpp).
// Races (scenarios with actors) are oracle/race_run.hpp's.
#ifndef DAXFAIL_ORACLE_RUN_HPP
#define DAXFAIL_ORACLE_RUN_HPP

#include <daxfail/oracle/boot.hpp>
#include <daxfail/oracle/plan.hpp>
#include <daxfail/oracle/report.hpp>
#include <daxfail/oracle/verdict.hpp>
#include <daxfail/scenario.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <exception>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace daxfail::oracle {

/// A scenario's plan for the guest.
struct planned_scenario {
    std::string name;
    nlohmann::json plan;
    std::string text;  ///< the plan as written for the guest (keys in plan order)
    std::string file;  ///< per kernel, in the cache
    bool unbind() const { return plan.at("event").at("kind") == "unbind"; }
};

/// The K-th of N parts of a run (CI rotates them over its runs).
struct part {
    std::size_t k = 1, n = 1;
};

/// What a run (or a part of one) boots.
struct run_plan {
    std::vector<planned_scenario> plans;  ///< this part's, in catalog (or command-line) order
    std::vector<not_expressible> skipped;  ///< what no real machine can express, and why
    std::size_t expressible = 0;           ///< in every part
    std::size_t boots_per_kernel = 0;      ///< memory failures and the first unbind share one; each further unbind its own
    std::string part_text;                 ///< "part K of N: ..." (empty for the whole run)

    /// Measured here (2 cores, TCG): about 8 s per boot and 4 s per plan, both boots side by side.
    double estimated_seconds(std::size_t kernels) const {
        return (8.0 * static_cast<double>(boots_per_kernel) + 4.0 * static_cast<double>(plans.size())) *
               static_cast<double>(kernels);
    }
};

/// The plans of part `p`: the unbinds (a boot each) dealt round-robin in catalog order, then the other plans (which
/// share one boot) from where the unbinds stopped, so that the parts take about as many boots.
inline run_plan plan_run(const std::vector<scenario>& scens, part p = {}) {
    run_plan out;
    std::size_t unbinds_seen = 0;
    std::vector<planned_scenario> others;
    for (const auto& s : scens) {
        std::string why;
        if (const auto plan = plan_from_scenario(s, why)) {
            ++out.expressible;
            planned_scenario t{s.name, nlohmann::json::parse(plan->dump()), plan->dump(1), ""};
            if (!t.unbind()) others.push_back(std::move(t));
            else if (unbinds_seen++ % p.n == p.k - 1) out.plans.push_back(std::move(t));
        } else {
            out.skipped.push_back({s.name, why});
        }
    }
    for (std::size_t i = 0; i < others.size(); ++i)
        if ((unbinds_seen + i) % p.n == p.k - 1) out.plans.push_back(std::move(others[i]));
    // Back to catalog (or command-line) order.
    auto order = [&](const std::string& name) {
        std::size_t i = 0;
        while (i < scens.size() && scens[i].name != name) ++i;
        return i;
    };
    std::stable_sort(out.plans.begin(), out.plans.end(),
                     [&](const planned_scenario& a, const planned_scenario& b) { return order(a.name) < order(b.name); });
    if (p.n != 1)
        out.part_text = "part " + std::to_string(p.k) + " of " + std::to_string(p.n) + ": " +
                        std::to_string(out.plans.size()) + " of the " + std::to_string(out.expressible) +
                        " expressible scenarios";
    std::size_t unbinds = 0;
    for (const auto& t : out.plans) unbinds += t.unbind();
    out.boots_per_kernel = out.plans.empty() ? 0 : std::max<std::size_t>(1, unbinds);
    return out;
}

/// What the caller hears of boots that take minutes: `stop` is asked while they run (true: end them now);
/// `waiting` every 100 ms with the plans this kernel has done and the boot that runs.
struct run_hooks {
    std::function<bool()> stop = [] { return false; };
    std::function<void(std::size_t plans_done, int boot)> waiting = [](std::size_t, int) {};
};

namespace detail {

/// The plans kernel `k` runs, written into the cache, memory failures first (they leave the kernel reusable; an
/// unbind ends its boot). A plan that needs a newer mkfs.xfs than Debian 12's (realtime groups) runs only where the
/// guest has one, with a kernel of a newer suite (fetch_kernel.sh brought its xfsprogs); `skipped` gets the others.
inline std::vector<planned_scenario> plans_on(const kernel_spec& k, const std::vector<planned_scenario>& plans,
                                              const std::string& cache, std::vector<not_expressible>& skipped) {
    std::vector<planned_scenario> todo;
    for (const auto& t : plans) {
        if (!t.plan.contains("mkfs") || !k.suite.empty()) todo.push_back(t);
        else
            skipped.push_back({t.name, "on " + k.label + ": needs a newer mkfs.xfs than Debian 12's (realtime "
                                       "groups: xfsprogs 6.14), which the guest has only with the sid kernel"});
    }
    for (auto& t : todo) {
        t.file = cache + "/" + k.label + "-" + t.name + ".plan.json";
        std::ofstream(t.file) << t.text;
    }
    std::stable_partition(todo.begin(), todo.end(), [](const planned_scenario& t) { return !t.unbind(); });
    return todo;
}

/// The reports of one boot by scenario name; a line cut short by a dying guest is no report.
inline std::map<std::string, nlohmann::json> boot_reports(const std::string& file) {
    std::map<std::string, nlohmann::json> by_name;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
        try {
            auto r = nlohmann::json::parse(line);
            const std::string name = r.value("name", std::string());
            by_name.emplace(name, std::move(r));
        } catch (const std::exception&) {
        }
    }
    return by_name;
}

/// Judges the plans both boots of `batch` reported, in order, up to the first missing; returns how many were
/// (at least one: a first plan without a report is a boot error) and sets `uname_r` from the reports.
inline std::size_t judge_boot(const kernel_spec& k, const std::vector<planned_scenario>& todo, const std::string& batch,
                              const std::string& cache, agreement& result, std::string& uname_r) {
    const auto reports1 = boot_reports(batch + ".reports1.jsonl"), reports2 = boot_reports(batch + ".reports2.jsonl");
    std::size_t done = 0;
    for (; done < todo.size(); ++done) {
        const auto& t = todo[done];
        const auto r1 = reports1.find(t.name), r2 = reports2.find(t.name);
        if (r1 == reports1.end() || r2 == reports2.end()) break;
        uname_r = r1->second.value("uname_r", std::string("(unknown)"));
        std::ofstream(cache + "/" + k.label + "-" + t.name + ".report1.json") << r1->second.dump();
        std::ofstream(cache + "/" + k.label + "-" + t.name + ".report2.json") << r2->second.dump();
        try {
            auto v = judge(t.name, k.label, k.preset, k.cfg, t.plan, r1->second, r2->second);
            v.seconds = (r1->second.value("seconds", 0.0) + r2->second.value("seconds", 0.0)) / 2;
            result.results.push_back(v);
        } catch (const std::exception& e) {
            agreement_row v(t.name, k.label, k.preset);
            v.boot_error = std::string("unreadable guest report (") + e.what() + ")";
            result.results.push_back(v);
        }
    }
    if (done == 0) {  // the first plan itself got no report from one of the boots
        agreement_row v(todo[0].name, k.label, k.preset);
        v.boot_error = "no report from the guest; see " + batch + ".console1.txt, .console2.txt and .boot1.log";
        result.results.push_back(v);
        done = 1;
    }
    return done;
}

}  // namespace detail

/// Runs the plans on a fetched kernel: one boot runs the plans left in turn, two boots side by side (a difference
/// between them is nondeterminism); a plan that leaves the kernel unusable ends a boot, and the next boot goes on.
/// Adds a verdict per plan and the kernel's line to `result`; returns the plans done (fewer when stopped).
inline std::size_t run_on_kernel(const kernel_spec& k, const std::vector<planned_scenario>& plans, const boot_paths& at,
                                 agreement& result, const run_hooks& hooks = {}) {
    auto todo = detail::plans_on(k, plans, at.cache, result.skipped);
    std::string uname_r = "(not booted)";
    double boot_seconds = 0;
    int boots = 0;
    std::size_t plans_done = 0;
    while (!todo.empty() && !hooks.stop()) {
        const std::string batch = at.cache + "/" + k.label + "-boot" + std::to_string(++boots);
        // Each boot in a process group of its own, which stopping ends with its qemu.
        std::vector<pid_t> pids;
        for (int n = 1; n <= 2; ++n) {
            const std::string n_s = std::to_string(n);
            std::vector<std::string> argv{at.dir + "/boot.sh", k.kdir, k.release, at.guest,
                                          batch + ".reports" + n_s + ".jsonl", batch + ".console" + n_s + ".txt"};
            for (const auto& t : todo) argv.push_back(t.file);
            pids.push_back(detail::start_group(argv, batch + ".boot" + n_s + ".log"));
        }
        const auto start = std::chrono::steady_clock::now();
        detail::wait_for_groups(pids, hooks.stop, [&] { hooks.waiting(plans_done, boots); });
        boot_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (hooks.stop()) break;
        const std::size_t done = detail::judge_boot(k, todo, batch, at.cache, result, uname_r);
        todo.erase(todo.begin(), todo.begin() + static_cast<std::ptrdiff_t>(done));
        plans_done += done;
    }
    result.kernels.push_back({k.label, uname_r, k.package(), boots, boot_seconds, k.preset, k.preset_note});
    return plans_done;
}

/// The verdicts in the order of `kernels`, then of `scens` (catalog or command-line order).
inline void sort_verdicts(agreement& result, const std::vector<kernel_spec>& kernels, const std::vector<scenario>& scens) {
    auto rank = [&](const agreement_row& v) {
        std::size_t k = 0, i = 0;
        while (k < kernels.size() && kernels[k].label != v.kernel) ++k;
        while (i < scens.size() && scens[i].name != v.scenario) ++i;
        return std::pair{k, i};
    };
    std::stable_sort(result.results.begin(), result.results.end(),
                     [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
}

}  // namespace daxfail::oracle

#endif
