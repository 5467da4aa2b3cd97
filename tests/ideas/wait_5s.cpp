// The README's idea file, verbatim (tests/custom_policies.cpp checks that it is; tests/e2e/idea.cmake runs it).
#include <daxfail/idea.hpp>

// "freeze; if another holder has it, wait at most 5 s, then proceed unfrozen"
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

struct wait_5s : daxfail::presets::merged::with<wait_5s_then_proceed> {
    static constexpr std::string_view name = "wait_5s";
};

DAXFAIL_IDEAS(wait_5s)
