// Whether mf_dax_kill_procs sets PageHWPoison on a pre-remove (A14). v12 and
// v6.8+ do not: "the memory is still good", access is only being revoked.
#ifndef DAXFAIL_POLICY_PRE_REMOVE_POISON_HPP
#define DAXFAIL_POLICY_PRE_REMOVE_POISON_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

enum class pre_remove_poison_kind { set_hwpoison, leave_clean };

constexpr std::string_view value_name(pre_remove_poison_kind v) noexcept {
    switch (v) {
        case pre_remove_poison_kind::set_hwpoison: return "set_hwpoison";
        case pre_remove_poison_kind::leave_clean: return "leave_clean";
    }
    return "?";
}

constexpr std::string_view axis_name(pre_remove_poison_kind) noexcept { return "pre_remove_poison"; }

namespace pre_remove_poison {
/// poison every page it visits (pre-patch code)
struct set_hwpoison : detail::policy_tag<axis::pre_remove_poison, pre_remove_poison_kind::set_hwpoison> {};
/// no SetPageHWPoison under MF_MEM_PRE_REMOVE (v12, v6.8+)
struct leave_clean : detail::policy_tag<axis::pre_remove_poison, pre_remove_poison_kind::leave_clean> {};
}  // namespace pre_remove_poison

/// Satisfied by the pre_remove_poison:: policies.
template <class P>
concept pre_remove_poison_policy = detail::policy_on<P, axis::pre_remove_poison>;

}  // namespace daxfail

#endif
