// What xfs_dax_failure_fn does with an rmap record that is not file data (AG
// headers, btree blocks, log, attr fork, bmbt blocks). v6.1+ asks for a
// corrupt shutdown after the scan; v12 and v6.8+ skip it on pre-remove, because a
// removal is not a corruption.
//
// The decision: xfs_dax_failure_fn asks, given whether this is a pre-remove,
// whether a metadata record sets want_shutdown (else it is skipped).
//
// What the kernel can see at this point (xfs_dax_failure_fn, for one rmap
// record): the record (owner, which for metadata is a special owner code such
// as the log's or an AG btree's, the attr-fork and bmbt-block flags, start and
// length) and the notification's mf_flags. The policy gets only pre_remove;
// the kind of metadata is in reach (rm_owner) but every version treats all
// kinds alike. Not in reach: whether the blocks' contents are bad; on a
// pre-remove the memory is fine, and a real failure reports only the range.
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

namespace axis {
struct metadata_record;  // described at the end of this header
}

/// A metadata_record policy as the model runs it.
struct metadata_record_ops {
    std::string_view name;
    bool (*wants_shutdown)(bool pre_remove);
    friend constexpr bool operator==(const metadata_record_ops&, const metadata_record_ops&) = default;
};

namespace metadata_record {
/// set want_shutdown, continue (v6.1-v6.7, Debian 6.1)
struct want_shutdown : detail::policy_tag<axis::metadata_record, "want_shutdown"> {
    static constexpr policy_source source = detail::known_sources::scan_then_shutdown;
    static constexpr bool wants_shutdown(bool) { return true; }
};
/// on pre-remove continue without shutdown request (v12, v6.8+)
struct skip_on_pre_remove : detail::policy_tag<axis::metadata_record, "skip_on_pre_remove"> {
    static constexpr policy_source source = detail::known_sources::pre_remove_patch;
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
    /// The value when a variant leaves this axis out: v6.6's, as in presets::pre_patch.
    using default_policy = daxfail::metadata_record::want_shutdown;
    using builtins = detail::type_list<daxfail::metadata_record::want_shutdown, daxfail::metadata_record::skip_on_pre_remove>;
    template <class P>
    static constexpr ops make() {
        static_assert(detail::metadata_record_has_wants_shutdown<P>, "daxfail: this metadata_record policy needs `static bool wants_shutdown(bool pre_remove)`");
        if constexpr (!metadata_record_policy<P>) return ops{};
        else return {P::name, &P::wants_shutdown};
    }
    struct field;  // config::metadata_record: defined below, where make() is complete
};
struct metadata_record::field {
    ops metadata_record = make<default_policy>();
};
}  // namespace axis

}  // namespace daxfail

#endif
