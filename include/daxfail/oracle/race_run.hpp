// Races on real kernels: a counterexample of `daxfail explore` made into a plan
// (oracle/race_plan.hpp), run N times on a kernel under qemu with two vCPUs
// (multi-threaded TCG), each run a boot of its own (an unbind ends a boot), two
// boots side by side; then, per invariant, how many runs showed it violated
// (oracle/confirmation.hpp). Used by `daxfail explore --confirm KERNEL` and by
// `daxfail oracle` on concurrent scenario files.
#ifndef DAXFAIL_ORACLE_RACE_RUN_HPP
#define DAXFAIL_ORACLE_RACE_RUN_HPP

#include <daxfail/explore/explorer.hpp>
#include <daxfail/oracle/boot.hpp>
#include <daxfail/oracle/confirmation.hpp>
#include <daxfail/oracle/plan.hpp>
#include <daxfail/oracle/race_plan.hpp>

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace daxfail::oracle {

/// Runs per race when not told: with two boots side by side (about 40 s a pair under TCG), `explore --confirm all`
/// over the concurrent catalog's 13 counterexamples takes about 20 minutes.
inline constexpr std::size_t default_race_runs = 4;

/// The runs of one race on one kernel.
struct race_runs {
    race_plan design;
    std::vector<nlohmann::json> plans, reports;  ///< per run that produced a report
    std::vector<long> delays;                    ///< per such run: the swept steps' delay (µs)
    std::vector<std::string> errors;             ///< runs that produced none, and why
    double seconds = 0;
};

namespace detail {
/// A report as a recording keeps it (the run's own .reports.jsonl keeps it whole): runs of consecutive present
/// pages as [page, pfn, address, count], the first two signals per task and phase, the first and last 20 lines of
/// the kernel's log. Everything observe() and the model read is kept.
inline nlohmann::json recorded(const nlohmann::json& plan, nlohmann::json report) {
    for (std::size_t i = 0; i < report["tasks"].size() && i < plan["tasks"].size(); ++i)
        if (plan["tasks"][i].value("widening", false) && report["tasks"][i].contains("present_after")) {
            auto& t = report["tasks"][i];
            t["present_after_count"] = t["present_after"].size();  // nobody reads the busy task's pages after
            t.erase("present_after");
            t.erase("faulting_pages_after");
        }
    for (auto& t : report["tasks"]) {
        if (!t.contains("pfns_before") || !t["pfns_before"].is_array()) continue;
        nlohmann::json runs = nlohmann::json::array();
        for (const auto& e : t["pfns_before"]) {
            if (e.size() == 3 && !runs.empty()) {
                auto& last = runs.back();
                const u64 n = last.size() > 3 ? last[3].get<u64>() : 1;
                if (e[0].get<u64>() == last[0].get<u64>() + n && e[1].get<u64>() == last[1].get<u64>() + n &&
                    e[2].get<u64>() == last[2].get<u64>() + n * page_size) {
                    if (last.size() > 3) last[3] = n + 1;
                    else last.push_back(2);
                    continue;
                }
            }
            runs.push_back(e);
        }
        t["pfns_before"] = runs;
    }
    if (report.contains("deliveries")) {
        std::map<std::pair<int, std::string>, int> kept;
        nlohmann::json out = nlohmann::json::array();
        for (const auto& d : report["deliveries"])
            if (++kept[{d.value("pid", 0), d.value("phase", "")}] <= 2) out.push_back(d);
        report["deliveries_recorded"] = std::to_string(out.size()) + " of " + std::to_string(report["deliveries"].size());
        report["deliveries"] = out;
    }
    if (report.contains("kernel_log") && report["kernel_log"].size() > 40) {
        const auto& log = report["kernel_log"];
        nlohmann::json out = nlohmann::json::array();
        for (std::size_t i = 0; i < 20; ++i) out.push_back(log[i]);
        out.push_back("(daxfail: " + std::to_string(log.size() - 40) + " lines left out of this recording)");
        for (std::size_t i = log.size() - 20; i < log.size(); ++i) out.push_back(log[i]);
        report["kernel_log"] = out;
    }
    return report;
}
}  // namespace detail

/// What the caller hears of boots that take minutes: `stop` is asked while they run (true: end them now);
/// `waiting` every 100 ms with what runs (", NAME on KERNEL run N"); `ran` after each pair with how many ended.
struct race_hooks {
    std::function<bool()> stop = [] { return false; };
    std::function<void(const std::string& what)> waiting = [](const std::string&) {};
    std::function<void(std::size_t runs)> ran = [](std::size_t) {};
};

namespace detail {

/// Sets an environment variable while it lives (boot.sh reads them), then puts back what was there.
class scoped_env {
  public:
    /// `keep`: a value the user set stays.
    scoped_env(const char* name, const char* value, bool keep = false) : name_(name) {
        const char* before = std::getenv(name);
        had_ = before != nullptr;
        if (had_) before_ = before;
        if (!(keep && had_)) setenv(name, value, 1);
    }
    ~scoped_env() {
        if (had_) setenv(name_, before_.c_str(), 1);
        else unsetenv(name_);
    }
    scoped_env(const scoped_env&) = delete;
    scoped_env& operator=(const scoped_env&) = delete;

  private:
    const char* name_;
    bool had_ = false;
    std::string before_;
};

/// One run of a race booted: which run, the swept steps' delay, its plan and where its files go.
struct race_boot {
    std::size_t run;
    long delay;
    nlohmann::ordered_json plan;
    std::string base;
};

/// Each boot's report into `out` (or why there is none); the longest event a run measured, 0 if none.
inline long collect_race_reports(const std::vector<race_boot>& boots, race_runs& out) {
    long measured = 0;
    for (const auto& b : boots) {
        std::ifstream in(b.base + ".reports.jsonl");
        std::string line;
        nlohmann::json report;
        try {
            if (std::getline(in, line)) report = nlohmann::json::parse(line);
        } catch (const std::exception&) {  // a line cut short by a dying guest
        }
        if (!report.is_object()) {
            out.errors.push_back("run " + std::to_string(b.run + 1) + ": no report from the guest; see " + b.base + ".console.txt");
            continue;
        }
        if (report.value("event_us", 0L) > 0) measured = std::max(measured, report.value("event_us", 0L));
        out.plans.push_back(nlohmann::json::parse(b.plan.dump()));
        out.reports.push_back(std::move(report));
        out.delays.push_back(b.delay);
    }
    return measured;
}

/// The recording of a race's runs (race-KERNEL-SCENARIO-INVARIANT.json).
inline nlohmann::ordered_json race_recording(const kernel_spec& k, const std::string& name, const std::string& invariant,
                                             const race_runs& out) {
    nlohmann::ordered_json rec = {{"scenario", name},     {"invariant", invariant}, {"kernel", k.label},
                                  {"release", k.release}, {"preset", k.preset},     {"windows", out.design.windows},
                                  {"widening", out.design.widening}, {"seconds", out.seconds}, {"errors", out.errors}};
    std::size_t reproduced = 0;
    for (std::size_t i = 0; i < out.reports.size(); ++i)
        for (const auto& o : observe(out.plans[i], out.reports[i]))
            reproduced += o.invariant == invariant && o.status == "violated";
    rec["reproduced"] = reproduced;
    rec["runs"] = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < out.reports.size(); ++i)
        rec["runs"].push_back({{"delay_us", out.delays[i]}, {"plan", out.plans[i]}, {"report", recorded(out.plans[i], out.reports[i])}});
    return rec;
}

}  // namespace detail

/// Boots `runs` runs of the race (two at a time) on a fetched kernel. Files go to the cache, named after the kernel,
/// the scenario and the invariant whose counterexample it is: race-KERNEL-SCENARIO-INVARIANT-runI.{plan.json,
/// reports.jsonl,console.txt,boot.log}, and race-KERNEL-SCENARIO-INVARIANT.json with every run's plan and report
/// (the recording tests/oracle/races/ keeps).
inline race_runs run_race(const kernel_spec& k, const std::string& name, const std::string& invariant,
                          const race_plan& design, std::size_t runs, const boot_paths& at, const race_hooks& hooks = {}) {
    race_runs out;
    out.design = design;
    const auto start = std::chrono::steady_clock::now();
    long longest_event = expected_event_us(design), measured = 0;  // then the longest a run measured
    // Two vCPUs on multi-threaded TCG: the actors and the event run at the same time (boot.sh reads it). A run
    // takes longer than a catalog plan (the busy file, a walk of seconds, actors waited for): boot.sh's limit.
    const detail::scoped_env smp("DAXFAIL_ORACLE_SMP", "2"), timeout("DAXFAIL_ORACLE_TIMEOUT", "300", true);
    for (std::size_t first = 0; first < runs && !hooks.stop(); first += 2) {
        std::vector<detail::race_boot> boots;
        std::vector<pid_t> pids;
        for (std::size_t i = first; i < runs && i < first + 2; ++i) {
            detail::race_boot b{i, sweep_delay(i, runs, longest_event), {}, {}};
            b.plan = run_with_delay(design, b.delay);
            b.base = at.cache + "/race-" + k.label + "-" + name + "-" + invariant + "-run" + std::to_string(i + 1);
            std::ofstream(b.base + ".plan.json") << b.plan.dump(1);
            pids.push_back(detail::start_group({at.dir + "/boot.sh", k.kdir, k.release, at.guest, b.base + ".reports.jsonl",
                                                b.base + ".console.txt", b.base + ".plan.json"},
                                               b.base + ".boot.log"));
            boots.push_back(std::move(b));
        }
        const std::string what = ", " + name + " on " + k.label + " run " + std::to_string(first + 1);
        if (!detail::wait_for_groups(pids, hooks.stop, [&] { hooks.waiting(what); }) || hooks.stop()) break;
        measured = std::max(measured, detail::collect_race_reports(boots, out));
        if (measured > 0) longest_event = measured;
        hooks.ran(boots.size());
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::ofstream(at.cache + "/race-" + k.label + "-" + name + "-" + invariant + ".json")
        << detail::race_recording(k, name, invariant, out).dump() << "\n";
    return out;
}

/// The confirmations of one explored result from the runs of its race: one per invariant the model says is
/// violated or some run showed violated. `model` is the explorer's verdict on the world the first run built.
inline std::vector<confirmation> confirmations_of(const explore::result& r, const kernel_spec& k, const race_runs& rr,
                                                          const std::vector<std::string>& invariants) {
    std::vector<std::vector<observed>> seen;
    for (std::size_t i = 0; i < rr.reports.size(); ++i) seen.push_back(observe(rr.plans[i], rr.reports[i]));
    std::map<std::string, std::string> model;
    if (!rr.reports.empty()) {
        try {
            const auto s = race_scenario_from_report(rr.plans[0], rr.reports[0]);
            explore::options o;
            o.walk_patience = guest_run_options(rr.reports[0]).walk_patience;
            o.state_hashing = true;
            const auto on_guest = explore::explore(k.cfg, k.preset, s, o);
            for (const auto& i : on_guest.invariants) model[i.name] = i.verdict;
        } catch (const std::exception& e) {
            for (const auto& name : explore::invariant_names) model[std::string(name)] = std::string("not judged: ") + e.what();
        }
    }
    std::vector<confirmation> out;
    for (const auto& name : invariants) {
        confirmation c;
        c.invariant = name;
        c.kernel = k.label;
        c.preset = k.preset;
        c.model = model.count(name) ? model[name] : "";
        c.runs = rr.reports.size();
        c.widening = rr.design.widening;
        c.seconds = rr.seconds;
        for (std::size_t i = 0; i < seen.size(); ++i)
            for (const auto& o : seen[i]) {
                if (o.invariant != name) continue;
                c.reproduced += o.status == "violated";
                c.held += o.status == "holds";
                c.evidence.push_back("run " + std::to_string(i + 1) + " (delay " + std::to_string(rr.delays[i]) + " us): " +
                                     o.status + (o.evidence.empty() ? "" : ": " + o.evidence) + " [" +
                                     run_timeline(rr.plans[i], rr.reports[i]) + "]");
            }
        for (const auto& e : rr.errors) c.evidence.push_back(e);
        bool violated_in_model = false;
        for (const auto& i : r.invariants) violated_in_model = violated_in_model || (i.name == name && i.verdict == "violated");
        if (violated_in_model && c.reproduced == 0) {
            std::string w;
            for (const auto& x : rr.design.windows) w += (w.empty() ? "" : "; ") + x;
            c.window = "the schedule needs " + w;
        }
        out.push_back(std::move(c));
    }
    return out;
}

/// The invariants worth a confirmation line: violated in the model, or shown violated by some run.
inline std::vector<std::string> invariants_to_confirm(const explore::result& r, const race_runs& rr) {
    std::vector<std::string> out;
    for (const auto& i : r.invariants) {
        bool shown = false;
        for (std::size_t n = 0; n < rr.reports.size(); ++n)
            for (const auto& o : observe(rr.plans[n], rr.reports[n]))
                shown = shown || (o.invariant == i.name && o.status == "violated");
        if (i.verdict == "violated" || shown) out.push_back(i.name);
    }
    return out;
}

/// Tries every violated invariant of `r` (explored under the kernel's preset) on the kernel: one race per
/// distinct counterexample. Results go into r.invariants[].confirmations; false (with `why`) when the guest
/// cannot express the scenario.
inline bool confirm_result(explore::result& r, const scenario& s, const kernel_spec& k, std::size_t runs,
                           const boot_paths& at, std::string& why, const race_hooks& hooks = {}) {
    const auto plan = plan_from_scenario(s, why);
    if (!plan) return false;
    std::vector<std::vector<explore::schedule_step>> raced;
    for (auto& inv : r.invariants) {
        if (inv.verdict != "violated" || hooks.stop()) continue;
        bool already = false;
        for (const auto& c : raced) already = already || c == inv.counterexample;
        if (already) continue;
        raced.push_back(inv.counterexample);
        const auto design = design_race(k.cfg, s, *plan, inv.counterexample, inv.name);
        const auto rr = run_race(k, s.name, inv.name, design, runs, at, hooks);
        for (auto& c : confirmations_of(r, k, rr, invariants_to_confirm(r, rr)))
            for (auto& target : r.invariants)
                if (target.name == c.invariant && (target.counterexample == inv.counterexample || target.confirmations.empty())) {
                    target.confirmations.clear();
                    target.confirmations.push_back(c);
                }
    }
    return true;
}

}  // namespace daxfail::oracle

#endif
