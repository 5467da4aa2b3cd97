// The invariants, each once: a stable id, the name every report prints, where
// it is judged (a single run, an explored schedule, or both) and what it
// says (docs/invariants.md has the same sentence; a test holds them equal).
// Results are found by id or name, never by position.
//
// Adding an invariant: an entry here, its judgement in invariants.hpp (a
// single run) or explore/invariants.hpp (a schedule), a row in
// docs/invariants.md.
#ifndef DAXFAIL_INVARIANT_REGISTRY_HPP
#define DAXFAIL_INVARIANT_REGISTRY_HPP

#include <daxfail/verdict.hpp>

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace daxfail {

enum class invariant_id {
    no_live_mapping_after_pre_remove,
    mapped_tasks_signaled,
    no_bystander_signaled,
    no_foreign_freeze_dropped,
    not_left_frozen,
    terminates,
    metadata_failure_shuts_down_corrupt,
    poison_path_unregressed,
    pre_remove_completes,
    freezer_thaw_succeeds,
};

/// Where an invariant is judged.
enum class invariant_scope {
    run,       ///< only on a single run (compare): poison_path_unregressed compares with pre_patch on the same run
    schedule,  ///< only at the end of an explored schedule: it needs actors
    both,
};

struct invariant_info {
    invariant_id id;
    std::string_view name;
    invariant_scope scope;
    std::string_view property;  ///< what it says, as docs/invariants.md says it
    /// Its weight when variants are ranked (ranking.hpp): what breaking it once costs. docs/invariants.md gives
    /// the weights and why; a test holds them equal.
    int severity = 0;

    constexpr bool judged_on_a_run() const noexcept { return scope != invariant_scope::schedule; }
    constexpr bool judged_on_a_schedule() const noexcept { return scope != invariant_scope::run; }
};

/// Every invariant; reports list them in this order.
inline constexpr std::array<invariant_info, 10> invariant_registry = {{
    {invariant_id::no_live_mapping_after_pre_remove, "no_live_mapping_after_pre_remove", invariant_scope::both,
     "after an unbind completes, no task maps a page of the removed device", 60},
    {invariant_id::mapped_tasks_signaled, "mapped_tasks_signaled", invariant_scope::both,
     "every live mapping of a failed page is signalled (SIGBUS at that address) or unmapped", 40},
    {invariant_id::no_bystander_signaled, "no_bystander_signaled", invariant_scope::both,
     "every signal is for a page its task mapped in the failed range", 10},
    {invariant_id::no_foreign_freeze_dropped, "no_foreign_freeze_dropped", invariant_scope::both,
     "no freeze is released by anyone but the freezer that took it", 20},
    {invariant_id::not_left_frozen, "not_left_frozen", invariant_scope::both,
     "after an unbind, no freeze remains (freezers that thaw by themselves later excepted)", 15},
    {invariant_id::terminates, "terminates", invariant_scope::both,
     "the path returns: no loop without progress, no wait nothing ends, no walk that outlasts the model's patience "
     "(`spins`, see [json-report.md](json-report.md)), no oops (`n/a` when a user limit stopped the run)", 100},
    {invariant_id::metadata_failure_shuts_down_corrupt, "metadata_failure_shuts_down_corrupt", invariant_scope::both,
     "a memory failure in metadata shuts the filesystem down as corrupt", 10},
    {invariant_id::poison_path_unregressed, "poison_path_unregressed", invariant_scope::run,
     "a plain memory failure has exactly the outcome `pre_patch` has", 5},
    {invariant_id::pre_remove_completes, "pre_remove_completes", invariant_scope::schedule,
     "liveness: every unbind returns, whatever the other actors do", 100},
    {invariant_id::freezer_thaw_succeeds, "freezer_thaw_succeeds", invariant_scope::schedule,
     "a freezer's own FITHAW, or a kernel holder's thaw of the freeze it holds, returns 0", 10},
}};

constexpr const invariant_info& invariant(invariant_id id) {
    for (const auto& i : invariant_registry)
        if (i.id == id) return i;
    throw std::logic_error("an invariant_id without a registry entry");
}

namespace detail {
template <bool (invariant_info::*Judged)() const noexcept>
constexpr auto invariants_where() {
    constexpr std::size_t n = [] {
        std::size_t k = 0;
        for (const auto& i : invariant_registry) k += (i.*Judged)();
        return k;
    }();
    std::array<invariant_info, n> out{};
    std::size_t k = 0;
    for (const auto& i : invariant_registry)
        if ((i.*Judged)()) out[k++] = i;
    return out;
}
template <std::size_t N>
constexpr auto names_of(const std::array<invariant_info, N>& list) {
    std::array<std::string_view, N> out{};
    for (std::size_t k = 0; k < N; ++k) out[k] = list[k].name;
    return out;
}
}  // namespace detail

/// The invariants judged on a single run, and on an explored schedule, in registry order.
inline constexpr auto run_invariants = detail::invariants_where<&invariant_info::judged_on_a_run>();
inline constexpr auto schedule_invariants = detail::invariants_where<&invariant_info::judged_on_a_schedule>();

/// Their names (kept for code that lists them by name).
inline constexpr auto invariant_names = detail::names_of(run_invariants);

/// One invariant's verdict on one run or schedule, with a one-line reason.
struct invariant_result {
    std::string name;
    verdict result = verdict::not_applicable;
    std::string reason;
    friend bool operator==(const invariant_result&, const invariant_result&) = default;
};

/// The result for `id` in `results`; throws std::out_of_range when it was not judged there.
template <class Results>
auto& result_of(Results& results, invariant_id id) {
    for (auto& r : results)
        if (r.name == invariant(id).name) return r;
    throw std::out_of_range("no result for " + std::string(invariant(id).name));
}

}  // namespace daxfail

#endif
