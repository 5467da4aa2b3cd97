// An idea file: "on pre-remove signal every mapping process, through the thread that asked for early kill where
// there is one", on merged and on v12 (two variants from one file).
// `daxfail compare --idea examples/ideas/early_thread.cpp --variants merged,early_thread,v12,v12_early_thread`
#include <daxfail/idea.hpp>

struct leaders_or_early_thread {
    using axis = daxfail::axis::collector;
    static constexpr std::string_view name = "leaders_or_early_thread";
    static constexpr daxfail::task_pick pick(const daxfail::collector_input& t) {
        if (!t.pre_remove) return daxfail::task_early_kill_pick(t);
        return t.has_early_kill ? daxfail::task_pick::early_kill_thread : daxfail::task_pick::leader;
    }
};

struct early_thread : daxfail::presets::merged::with<leaders_or_early_thread> {
    static constexpr std::string_view name = "early_thread";
};
struct v12_early_thread : daxfail::presets::v12::with<leaders_or_early_thread> {
    static constexpr std::string_view name = "v12_early_thread";
};

DAXFAIL_IDEAS(early_thread, v12_early_thread)
