// What a fault leaves in page->mapping of a DAX page that reflinked files
// share, which the generic memory-failure path (no rmapbt: XFS declines) then
// reads. Up to v6.1 (Debian 6.1) a read fault associates the page with the
// faulting file like any other (dax_associate_entry warns when another file
// already did), so page->mapping names the last file that faulted it. From
// v6.2 ("fsdax,xfs: set the shared flag when file extent is shared"; read in
// Debian 6.12) XFS reports DAX read faults of shared extents as shared: the
// fault first unmaps its own file's other PTEs of that page, and page->mapping
// becomes the PAGE_MAPPING_DAX_SHARED marker, which dax_lock_folio dereferences
// as if it were an address_space. From v6.15 ("fs/dax: properly refcount fs
// dax pages"; read in Debian's 7.2) the marker is gone: a shared fault still
// unmaps the file's other PTEs of the page, but the folio keeps the first
// faulting file in ->mapping, and only when a second file maps it does
// ->mapping become NULL with a share count; dax_lock_folio then finds no
// mapping and the generic path fails with -EBUSY ("recovery action for dax
// page: Failed") instead of oopsing.
//
// The decision: whether a read fault of a shared (reflinked) extent marks the
// page shared instead of naming the faulting file, and (optional member,
// false when left out) whether sharing is counted, so the page names its file
// until a second file maps it and no file afterwards.
//
// What the kernel can see at this point (dax_associate_entry, called by
// dax_insert_entry during a DAX fault): the fault's VMA, address and file
// mapping, the old xarray entry, the page's current ->mapping (and share
// count) and the iomap's IOMAP_F_SHARED bit (xfs_read_iomap_begin sets it for
// DAX reads in 6.12 and 7.2, in 6.1 only for IOMAP_REPORT). The policy takes
// none of them: it is a constant. Not in reach: which other files share the
// extent; the bit names no owner and ->mapping has room for one file, so no
// version can record every sharer for a later memory failure to find.
//
//     struct my_policy {                       // satisfies daxfail::dax_shared_page_policy
//         using axis = daxfail::axis::dax_shared_page;
//         static constexpr std::string_view name = "my_policy";
//         static constexpr bool marks_shared = true;
//         static constexpr bool counts_sharers = false;  // optional
//     };
#ifndef DAXFAIL_POLICY_DAX_SHARED_PAGE_HPP
#define DAXFAIL_POLICY_DAX_SHARED_PAGE_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

namespace axis {
struct dax_shared_page;  // described at the end of this header
}

/// A dax_shared_page policy as the model runs it.
struct dax_shared_page_ops {
    std::string_view name;
    bool marks_shared;
    bool counts_sharers = false;  ///< optional member; false when a policy leaves it out
    friend constexpr bool operator==(const dax_shared_page_ops&, const dax_shared_page_ops&) = default;
};

namespace dax_shared_page {
/// page->mapping is the file that faulted the page last (<= v6.1, Debian 6.1)
struct last_faulter : detail::policy_tag<axis::dax_shared_page, "last_faulter"> {
    static constexpr policy_source source{
        "before v6.2", "", "dax_associate_entry names the faulting file (read in Debian 6.1.192)", "", ""};
    static constexpr bool marks_shared = false;
};
/// page->mapping is PAGE_MAPPING_DAX_SHARED; read faults unmap the file's other PTEs (v6.2+, Debian 6.12)
struct shared_marker : detail::policy_tag<axis::dax_shared_page, "shared_marker"> {
    static constexpr policy_source source{
        "v6.2", "", "fsdax,xfs: set the shared flag when file extent is shared", "", ""};
    static constexpr bool marks_shared = true;
};
/// page->mapping is the first faulting file until a second file maps the page, then NULL with a share count;
/// read faults unmap the file's other PTEs (v6.15+, Debian 7.2)
struct share_count : detail::policy_tag<axis::dax_shared_page, "share_count"> {
    static constexpr policy_source source{"v6.15", "38607c62b34b", "fs/dax: properly refcount fs dax pages", "", ""};
    static constexpr bool marks_shared = true;
    static constexpr bool counts_sharers = true;
};
}  // namespace dax_shared_page

namespace detail {
template <class P>
concept dax_shared_page_has_marks_shared = requires {
    requires detail::constant_of<P, bool, &P::marks_shared>;
};
/// The optional member's value: false when a policy leaves it out (policies written before v6.15 did).
template <class P>
constexpr bool dax_shared_page_counts_sharers() {
    if constexpr (requires { requires constant_of<P, bool, &P::counts_sharers>; })
        return P::counts_sharers;
    else
        return false;
}
}  // namespace detail

/// A dax_shared_page policy: `static constexpr bool marks_shared`, optionally `counts_sharers`.
template <class P>
concept dax_shared_page_policy = detail::policy_on<P, axis::dax_shared_page> && detail::dax_shared_page_has_marks_shared<P>;

namespace axis {
struct dax_shared_page {
    static constexpr std::string_view name = "dax_shared_page";
    using ops = dax_shared_page_ops;
    /// The value when a variant leaves this axis out: v6.6's, as in presets::pre_patch.
    using default_policy = daxfail::dax_shared_page::shared_marker;
    using builtins = detail::type_list<daxfail::dax_shared_page::last_faulter, daxfail::dax_shared_page::shared_marker,
                                       daxfail::dax_shared_page::share_count>;
    template <class P>
    static constexpr ops make() {
        static_assert(detail::dax_shared_page_has_marks_shared<P>, "daxfail: this dax_shared_page policy needs `static constexpr bool marks_shared`");
        if constexpr (!dax_shared_page_policy<P>) return ops{};
        else return {P::name, P::marks_shared, detail::dax_shared_page_counts_sharers<P>()};
    }
    struct field;  // config::dax_shared_page: defined below, where make() is complete
};
struct dax_shared_page::field {
    ops dax_shared_page = make<default_policy>();
};
}  // namespace axis

}  // namespace daxfail

#endif
