// What kill_dax() passes as mf_flags when it tells the holder that the whole
// device is going away (A1). v6.0-v6.7 and Debian 6.1 pass 0, so the filesystem
// sees the unbind as a memory failure of every byte; v12 and v6.8+
// (fa422b353d21) pass MF_MEM_PRE_REMOVE.
#ifndef DAXFAIL_POLICY_KILL_DAX_FLAGS_HPP
#define DAXFAIL_POLICY_KILL_DAX_FLAGS_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

enum class kill_dax_notify { none, pre_remove };

constexpr std::string_view value_name(kill_dax_notify v) noexcept {
    switch (v) {
        case kill_dax_notify::none: return "none";
        case kill_dax_notify::pre_remove: return "pre_remove";
    }
    return "?";
}

constexpr std::string_view axis_name(kill_dax_notify) noexcept { return "kill_dax_flags"; }

namespace kill_dax_flags {
/// flags 0: unbind looks like poison of the whole device (v6.0-v6.7, Debian 6.1)
struct none : detail::policy_tag<axis::kill_dax_flags, kill_dax_notify::none> {};
/// MF_MEM_PRE_REMOVE (v12, v6.8+)
struct pre_remove : detail::policy_tag<axis::kill_dax_flags, kill_dax_notify::pre_remove> {};
}  // namespace kill_dax_flags

/// Satisfied by the kill_dax_flags:: policies.
template <class P>
concept kill_dax_flags_policy = detail::policy_on<P, axis::kill_dax_flags>;

}  // namespace daxfail

#endif
