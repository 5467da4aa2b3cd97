// Whether pre-remove also drops a userspace (FIFREEZE) freeze "anyway, because
// the device is about to be removed" (A21): v12 and every later version do, so
// that the mount can be unmounted after unbind.
#ifndef DAXFAIL_POLICY_THAW_USERSPACE_HPP
#define DAXFAIL_POLICY_THAW_USERSPACE_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

enum class thaw_userspace_kind { anyway, never };

constexpr std::string_view value_name(thaw_userspace_kind v) noexcept {
    switch (v) {
        case thaw_userspace_kind::anyway: return "anyway";
        case thaw_userspace_kind::never: return "never";
    }
    return "?";
}

constexpr std::string_view axis_name(thaw_userspace_kind) noexcept { return "thaw_userspace"; }

namespace thaw_userspace {
/// thaw_super(USERSPACE) after pre-remove, result ignored (v12+, v6.8+)
struct anyway : detail::policy_tag<axis::thaw_userspace, thaw_userspace_kind::anyway> {};
/// leave a userspace freeze alone (pre-patch)
struct never : detail::policy_tag<axis::thaw_userspace, thaw_userspace_kind::never> {};
}  // namespace thaw_userspace

/// Satisfied by the thaw_userspace:: policies.
template <class P>
concept thaw_userspace_policy = detail::policy_on<P, axis::thaw_userspace>;

}  // namespace daxfail

#endif
