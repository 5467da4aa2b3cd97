// What xfs_dax_failure_fn does with an rmap record that is not file data (AG
// headers, btree blocks, log, attr fork, bmbt blocks) (A11). v6.1+ asks for a
// corrupt shutdown after the scan; v12 and v6.8+ skip it on pre-remove, because a
// removal is not a corruption.
#ifndef DAXFAIL_POLICY_METADATA_RECORD_HPP
#define DAXFAIL_POLICY_METADATA_RECORD_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

enum class metadata_record_kind { want_shutdown, skip_on_pre_remove };

constexpr std::string_view value_name(metadata_record_kind v) noexcept {
    switch (v) {
        case metadata_record_kind::want_shutdown: return "want_shutdown";
        case metadata_record_kind::skip_on_pre_remove: return "skip_on_pre_remove";
    }
    return "?";
}

constexpr std::string_view axis_name(metadata_record_kind) noexcept { return "metadata_record"; }

namespace metadata_record {
/// set want_shutdown, continue (v6.1-v6.7, Debian 6.1)
struct want_shutdown : detail::policy_tag<axis::metadata_record, metadata_record_kind::want_shutdown> {};
/// on pre-remove continue without shutdown request (v12, v6.8+)
struct skip_on_pre_remove : detail::policy_tag<axis::metadata_record, metadata_record_kind::skip_on_pre_remove> {};
}  // namespace metadata_record

/// Satisfied by the metadata_record:: policies.
template <class P>
concept metadata_record_policy = detail::policy_on<P, axis::metadata_record>;

}  // namespace daxfail

#endif
