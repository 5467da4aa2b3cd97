// What a fault leaves in page->mapping of a DAX page that reflinked files
// share, which the generic memory-failure path (no rmapbt: XFS declines) then
// reads. Up to v6.1 (Debian 6.1) a read fault associates the page with the
// faulting file like any other (dax_associate_entry warns when another file
// already did), so page->mapping names the last file that faulted it. From
// v6.2 ("fsdax,xfs: set the shared flag when file extent is shared"; read in
// Debian 6.12) XFS reports DAX read faults of shared extents as shared: the
// fault first unmaps its own file's other PTEs of that page, and page->mapping
// becomes the PAGE_MAPPING_DAX_SHARED marker, which dax_lock_folio dereferences
// as if it were an address_space.
#ifndef DAXFAIL_POLICY_DAX_SHARED_PAGE_HPP
#define DAXFAIL_POLICY_DAX_SHARED_PAGE_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

enum class dax_shared_page_kind { last_faulter, shared_marker };

constexpr std::string_view value_name(dax_shared_page_kind v) noexcept {
    switch (v) {
        case dax_shared_page_kind::last_faulter: return "last_faulter";
        case dax_shared_page_kind::shared_marker: return "shared_marker";
    }
    return "?";
}

constexpr std::string_view axis_name(dax_shared_page_kind) noexcept { return "dax_shared_page"; }

namespace dax_shared_page {
/// page->mapping is the file that faulted the page last (<= v6.1, Debian 6.1)
struct last_faulter : detail::policy_tag<axis::dax_shared_page, dax_shared_page_kind::last_faulter> {};
/// page->mapping is PAGE_MAPPING_DAX_SHARED; read faults unmap the file's other PTEs (v6.2+, Debian 6.12)
struct shared_marker : detail::policy_tag<axis::dax_shared_page, dax_shared_page_kind::shared_marker> {};
}  // namespace dax_shared_page

/// Satisfied by the dax_shared_page:: policies.
template <class P>
concept dax_shared_page_policy = detail::policy_on<P, axis::dax_shared_page>;

}  // namespace daxfail

#endif
