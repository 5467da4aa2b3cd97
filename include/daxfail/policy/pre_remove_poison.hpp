// Whether mf_dax_kill_procs sets PageHWPoison on a pre-remove. v12 and
// v6.8+ do not: "the memory is still good", access is only being revoked.
//
// The decision: mf_dax_kill_procs asks, given whether this is a pre-remove,
// whether to SetPageHWPoison the pages it visits.
//
// What the kernel can see at this point (mf_dax_kill_procs(mapping, index,
// count, mf_flags), called by xfs_dax_failure_fn, for each page whose DAX
// entry it locked): the mapping, the index, the page (its flags, PageHWPoison
// included) and mf_flags, which carry the pre-remove the policy gets. Not in
// reach: whether this page's memory is actually bad. A pre-remove comes from
// kill_dax for the whole device and says nothing per page, and pmem's list of
// bad blocks is private to the driver.
//
//     struct my_policy {                       // satisfies daxfail::pre_remove_poison_policy
//         using axis = daxfail::axis::pre_remove_poison;
//         static constexpr std::string_view name = "my_policy";
//         static bool poisons(bool pre_remove);
//     };
#ifndef DAXFAIL_POLICY_PRE_REMOVE_POISON_HPP
#define DAXFAIL_POLICY_PRE_REMOVE_POISON_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

namespace axis {
struct pre_remove_poison;  // described at the end of this header
}

/// A pre_remove_poison policy as the model runs it.
struct pre_remove_poison_ops {
    std::string_view name;
    bool (*poisons)(bool pre_remove);
    friend constexpr bool operator==(const pre_remove_poison_ops&, const pre_remove_poison_ops&) = default;
};

namespace pre_remove_poison {
/// poison every page it visits (pre-patch code)
struct set_hwpoison : detail::policy_tag<axis::pre_remove_poison, "set_hwpoison"> {
    static constexpr policy_source source = detail::known_sources::mf_dax_kill_procs;
    static constexpr bool poisons(bool) { return true; }
};
/// no SetPageHWPoison under MF_MEM_PRE_REMOVE (v12, v6.8+)
struct leave_clean : detail::policy_tag<axis::pre_remove_poison, "leave_clean"> {
    static constexpr policy_source source = detail::known_sources::pre_remove_patch;
    static constexpr bool poisons(bool pre_remove) { return !pre_remove; }
};
}  // namespace pre_remove_poison

namespace detail {
template <class P>
concept pre_remove_poison_has_poisons = requires {
    { &P::poisons } -> std::convertible_to<decltype(pre_remove_poison_ops::poisons)>;
};
}  // namespace detail

/// A pre_remove_poison policy: `static bool poisons(bool pre_remove)`.
template <class P>
concept pre_remove_poison_policy = detail::policy_on<P, axis::pre_remove_poison> && detail::pre_remove_poison_has_poisons<P>;

namespace axis {
struct pre_remove_poison {
    static constexpr std::string_view name = "pre_remove_poison";
    using ops = pre_remove_poison_ops;
    /// The value when a variant leaves this axis out: v6.6's, as in presets::pre_patch.
    using default_policy = daxfail::pre_remove_poison::set_hwpoison;
    using builtins = detail::type_list<daxfail::pre_remove_poison::set_hwpoison, daxfail::pre_remove_poison::leave_clean>;
    template <class P>
    static constexpr ops make() {
        static_assert(detail::pre_remove_poison_has_poisons<P>, "daxfail: this pre_remove_poison policy needs `static bool poisons(bool pre_remove)`");
        if constexpr (!pre_remove_poison_policy<P>) return ops{};
        else return {P::name, &P::poisons};
    }
    struct field;  // config::pre_remove_poison: defined below, where make() is complete
};
struct pre_remove_poison::field {
    ops pre_remove_poison = make<default_policy>();
};
}  // namespace axis

}  // namespace daxfail

#endif
