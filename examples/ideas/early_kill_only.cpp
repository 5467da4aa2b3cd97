// An idea file: "on pre-remove collect the early-kill tasks plus current" (what v12 replaced), as merged's
// collector. `daxfail compare --idea examples/ideas/early_kill_only.cpp --variants merged,early_kill_only`
#include <daxfail/idea.hpp>

struct early_kill_plus_current {
    using axis = daxfail::axis::collector;
    static constexpr std::string_view name = "early_kill_plus_current";
    static constexpr daxfail::task_pick pick(const daxfail::collector_input& t) {
        if (t.is_current) return daxfail::task_pick::current;
        return t.has_early_kill ? daxfail::task_pick::early_kill_thread : daxfail::task_pick::none;
    }
};

struct early_kill_only : daxfail::presets::merged::with<early_kill_plus_current> {
    static constexpr std::string_view name = "early_kill_only";
};

DAXFAIL_IDEAS(early_kill_only)
