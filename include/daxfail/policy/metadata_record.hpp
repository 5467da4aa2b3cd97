// What xfs_dax_failure_fn does with an rmap record that is not file data (AG
// headers, btree blocks, log, attr fork, bmbt blocks). v6.1+ asks for a
// corrupt shutdown after the scan; v12 and v6.8+ skip it on pre-remove, because a
// removal is not a corruption.
//
// The decision: xfs_dax_failure_fn asks, given whether this is a pre-remove,
// whether a metadata record sets want_shutdown (else it is skipped).
//
//     struct my_policy {                       // satisfies daxfail::metadata_record_policy
//         using axis = daxfail::axis::metadata_record;
//         static constexpr std::string_view name = "my_policy";
//         static bool wants_shutdown(bool pre_remove);
//     };
#ifndef DAXFAIL_POLICY_METADATA_RECORD_HPP
#define DAXFAIL_POLICY_METADATA_RECORD_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

/// Names of the built-in metadata_record policies (kept for code written against the enum).
enum class metadata_record_kind { want_shutdown, skip_on_pre_remove };

constexpr std::string_view value_name(metadata_record_kind v) noexcept {
    switch (v) {
        case metadata_record_kind::want_shutdown: return "want_shutdown";
        case metadata_record_kind::skip_on_pre_remove: return "skip_on_pre_remove";
    }
    return "?";
}

constexpr std::string_view axis_name(metadata_record_kind) noexcept { return "metadata_record"; }

/// A metadata_record policy as the model runs it.
struct metadata_record_ops {
    using axis = daxfail::axis::metadata_record;
    std::string_view name;
    bool (*wants_shutdown)(bool pre_remove);
    constexpr metadata_record_ops& operator=(metadata_record_kind e);
    friend constexpr bool operator==(const metadata_record_ops&, const metadata_record_ops&) = default;
};

namespace metadata_record {
/// set want_shutdown, continue (v6.1-v6.7, Debian 6.1)
struct want_shutdown : detail::policy_tag<axis::metadata_record, metadata_record_kind::want_shutdown> {
    static constexpr bool wants_shutdown(bool) { return true; }
};
/// on pre-remove continue without shutdown request (v12, v6.8+)
struct skip_on_pre_remove : detail::policy_tag<axis::metadata_record, metadata_record_kind::skip_on_pre_remove> {
    static constexpr bool wants_shutdown(bool pre_remove) { return !pre_remove; }
};
}  // namespace metadata_record

namespace detail {
template <class P>
concept metadata_record_has_wants_shutdown = requires {
    { &P::wants_shutdown } -> std::convertible_to<decltype(metadata_record_ops::wants_shutdown)>;
};
}  // namespace detail

/// A metadata_record policy: `static bool wants_shutdown(bool pre_remove)`.
template <class P>
concept metadata_record_policy = detail::policy_on<P, axis::metadata_record> && detail::metadata_record_has_wants_shutdown<P>;

namespace axis {
struct metadata_record {
    static constexpr std::string_view name = "metadata_record";
    using ops = metadata_record_ops;
    using legacy = metadata_record_kind;
    using builtins = detail::type_list<daxfail::metadata_record::want_shutdown, daxfail::metadata_record::skip_on_pre_remove>;
    static constexpr auto& get(auto& c) { return c.metadata_record; }
    template <class P>
    static constexpr ops make() {
        static_assert(detail::metadata_record_has_wants_shutdown<P>, "daxfail: this metadata_record policy needs `static bool wants_shutdown(bool pre_remove)`");
        return {P::name, &P::wants_shutdown};
    }
};
}  // namespace axis

constexpr metadata_record_ops& metadata_record_ops::operator=(metadata_record_kind e) { return *this = detail::builtin_ops<daxfail::axis::metadata_record>(e); }


namespace detail {
/// config::metadata_record: the first built-in policy unless a variant says otherwise.
template <>
struct axis_field<axis::metadata_record> {
    metadata_record_ops metadata_record = axis::metadata_record::make<daxfail::metadata_record::want_shutdown>();
    friend constexpr bool operator==(const axis_field&, const axis_field&) = default;
};
}  // namespace detail
}  // namespace daxfail

#endif
