// Review ideas nobody wrote into the library, as policies written here, outside
// it, and compared with the presets on the whole catalog:
//   1. "freeze; if another holder has it, wait at most 5 s, then proceed unfrozen"
//   2. "on pre-remove collect the early-kill tasks plus current" (what v12 replaced)
//   3. "on pre-remove signal every mapping process, through the thread that asked
//      for early kill where there is one"
// The output lists, per variant, the scenarios where it differs from merged (and
// in which observables) and its invariant verdicts. Exit status 0 when the
// expectations at the end hold.
#include <daxfail/compare.hpp>
#include <daxfail/daxfail.hpp>
#include <daxfail/variant_names.hpp>

#include <cstdint>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace review {

/// Idea 1: a freeze policy. It never sleeps itself: it asks for a retry and the
/// kernel path sleeps in delay(), where other actors (a scheduled thaw) run.
struct wait_5s_then_proceed {
    using axis = daxfail::axis::freeze;
    static constexpr std::string_view name = "wait_5s_then_proceed";
    static constexpr bool freezes = true;
    static constexpr daxfail::freeze_decision after_attempt(const daxfail::freeze_attempt& a) {
        if (a.rc == 0) return daxfail::freeze_decision::proceed();
        if (a.waited_ms < 5000) return daxfail::freeze_decision::retry(100);
        return daxfail::freeze_decision::proceed(/*log "already frozen by kernel"*/ true);
    }
};
static_assert(daxfail::freeze_policy<wait_5s_then_proceed>);

/// Idea 2: a collector policy: task_early_kill(tsk, 1) on every notification.
struct early_kill_plus_current {
    using axis = daxfail::axis::collector;
    static constexpr std::string_view name = "early_kill_plus_current";
    static constexpr daxfail::task_pick pick(const daxfail::collector_input& t) {
        if (t.is_current) return daxfail::task_pick::current;
        return t.has_early_kill ? daxfail::task_pick::early_kill_thread : daxfail::task_pick::none;
    }
};
static_assert(daxfail::collector_policy<early_kill_plus_current>);

/// Idea 3: every mapping process on pre-remove, through its early-kill thread when it has one.
struct leaders_or_early_thread {
    using axis = daxfail::axis::collector;
    static constexpr std::string_view name = "leaders_or_early_thread";
    static constexpr daxfail::task_pick pick(const daxfail::collector_input& t) {
        if (!t.pre_remove) return daxfail::task_early_kill_pick(t);
        return t.has_early_kill ? daxfail::task_pick::early_kill_thread : daxfail::task_pick::leader;
    }
};

// Named variants: one line each, a preset plus the idea.
struct wait_5s : daxfail::presets::merged::with<wait_5s_then_proceed> {
    static constexpr std::string_view name = "wait_5s";
};
struct early_kill_only : daxfail::presets::merged::with<early_kill_plus_current> {
    static constexpr std::string_view name = "early_kill_only";
};
struct early_thread : daxfail::presets::merged::with<leaders_or_early_thread> {
    static constexpr std::string_view name = "early_thread";
};

}  // namespace review

int main() {
    using namespace daxfail;
    auto variants = preset_specs();
    const auto mine = extra_variants<review::wait_5s, review::early_kill_only, review::early_thread>{}.specs();
    variants.insert(variants.end(), mine.begin(), mine.end());
    const auto c = compare(variants, scenarios::catalog());

    auto index_of = [&](std::string_view name) {
        for (std::size_t i = 0; i < c.variants.size(); ++i)
            if (c.variants[i].name == name) return i;
        return c.variants.size();
    };
    const std::size_t merged = index_of("merged");
    std::map<std::string, std::map<std::string, std::string>> differs;  // variant -> scenario -> observables
    for (const auto& v : mine) {
        const std::size_t vi = index_of(v.name);
        std::vector<std::pair<std::string, std::string>> ours, theirs;
        for_each_axis(v.cfg, [&](std::string_view a, std::string_view p) { ours.emplace_back(a, p); });
        for_each_axis(c.variants[merged].cfg, [&](std::string_view a, std::string_view p) { theirs.emplace_back(a, p); });
        std::string changed;
        for (std::size_t i = 0; i < ours.size(); ++i)
            if (ours[i] != theirs[i]) changed += (changed.empty() ? "" : ",") + ours[i].first + "=" + ours[i].second;
        std::cout << "== " << v.name << " = merged with " << changed << "\n";
        std::map<std::string, std::map<std::string, int>> verdicts;  // invariant -> verdict -> scenarios
        std::map<std::string, std::string> unlike_merged;             // invariant -> "scenario: merged -> this"
        for (std::size_t s = 0; s < c.scenarios.size(); ++s) {
            const auto& r = c.at(vi, s);
            const auto& m = c.at(merged, s);
            for (std::size_t i = 0; i < r.invariants.size(); ++i) {
                const auto& inv = r.invariants[i];
                verdicts[inv.name][std::string(verdict_name(inv.result))]++;
                if (inv.result != m.invariants[i].result)
                    unlike_merged[inv.name] += (unlike_merged[inv.name].empty() ? "" : ", ") + c.scenarios[s].name + " (" +
                                               std::string(verdict_name(m.invariants[i].result)) + " -> " +
                                               std::string(verdict_name(inv.result)) + ")";
            }
            const auto d = diff(m.out, r.out);
            if (d.empty()) continue;
            std::string what;
            for (const auto& x : d) what += (what.empty() ? "" : ", ") + x.observable;
            differs[v.name][c.scenarios[s].name] = what;
            std::cout << "  differs from merged on " << c.scenarios[s].name << ": " << what << "\n";
        }
        for (const auto& [name, counts] : verdicts) {
            std::cout << "  " << name << ":";
            for (const auto& [verdict, n] : counts) std::cout << " " << verdict << " " << n;
            if (unlike_merged.count(name)) std::cout << "; unlike merged on " << unlike_merged[name];
            std::cout << "\n";
        }
    }

    // What the ideas do, checked: a bounded wait outlasts xfs_scrub's 300 ms freeze and freezes; the early-kill
    // collector leaves the mapping tasks of an ordinary unbind alone, as pre-patch kernels did; the early thread
    // changes only which thread of an opted-in process gets the signal.
    bool ok = true;
    auto expect = [&](bool cond, const char* what) {
        if (!cond) std::cout << "UNEXPECTED: " << what << "\n";
        ok = ok && cond;
    };
    expect(differs["wait_5s"].count("kernel_holder_thaws_later") == 1,
           "wait_5s differs from merged where the kernel holder thaws after 300 ms");
    expect(differs["early_kill_only"].count("unbind_mapped_files") == 1,
           "early_kill_only differs from merged on a plain unbind");
    expect(differs["early_thread"].count("unbind_mapped_files") == 0,
           "early_thread is merged where nobody asked for early kill");
    std::cout << (ok ? "expectations hold\n" : "expectations failed\n");
    return ok ? 0 : 1;
}
