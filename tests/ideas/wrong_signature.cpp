// An idea file with a mistake: after_attempt takes its attempt by non-const reference, so the freeze axis
// cannot call it. The command must say so in a few lines, the policy and the member first.
#include <daxfail/idea.hpp>

struct wait_5s_then_proceed {
    using axis = daxfail::axis::freeze;
    static constexpr std::string_view name = "wait_5s_then_proceed";
    static constexpr bool freezes = true;
    static constexpr daxfail::freeze_decision after_attempt(daxfail::freeze_attempt& a) {
        return a.rc == 0 ? daxfail::freeze_decision::proceed() : daxfail::freeze_decision::retry(100);
    }
};

struct wait_5s : daxfail::presets::merged::with<wait_5s_then_proceed> {
    static constexpr std::string_view name = "wait_5s";
};

DAXFAIL_IDEAS(wait_5s)
