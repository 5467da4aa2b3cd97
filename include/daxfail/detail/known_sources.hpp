// The commits and messages several built-in values or presets come from, each
// written once. Users never name this; a value's own `source` names the one
// that applies.
#ifndef DAXFAIL_DETAIL_KNOWN_SOURCES_HPP
#define DAXFAIL_DETAIL_KNOWN_SOURCES_HPP

#include <daxfail/policy_source.hpp>

#include <string_view>

namespace daxfail::detail::known_sources {

/// The patch as merged (v15.1).
inline constexpr std::string_view pre_remove_subject = "mm, pmem, xfs: Introduce MF_MEM_PRE_REMOVE for unbind";
/// The patch as posted on 29 Jun 2023, with the flag named MF_MEM_REMOVE in its subject.
inline constexpr std::string_view v12_subject = "[PATCH v12 2/2] mm, pmem, xfs: Introduce MF_MEM_REMOVE for unbind";
inline constexpr std::string_view v12_posting =
    "linux-xfs, 29 Jun 2023, Shiyang Ruan, \"[PATCH v12 2/2] mm, pmem, xfs: Introduce MF_MEM_REMOVE for unbind\"";
inline constexpr std::string_view v12_posting_id = "20230629081651.253626-3-ruansy.fnst@fujitsu.com";
/// Darrick J. Wong's review of v12, with its two points.
inline constexpr std::string_view v12_review =
    "linux-xfs, 29 Jul 2023, Darrick J. Wong, \"Re: [PATCH v12 2/2] mm, pmem, xfs: Introduce MF_MEM_REMOVE for "
    "unbind\": return the freeze error instead of looping; thaw from the function that froze";
inline constexpr std::string_view v12_review_id = "20230729151506.GI11352@frogsfrogsfrogs";

/// The xfs side of fsdax memory failure: what every value before the patch does in xfs_notify_failure.c.
inline constexpr policy_source xfs_notify_failure{"v6.0", "6f643c57d57c", "xfs: implement ->notify_failure() for XFS",
                                                  "", ""};
/// mf_dax_kill_procs and collect_procs_fsdax: poison and task choice before the patch.
inline constexpr policy_source mf_dax_kill_procs{"v6.0", "", "mm: introduce mf_dax_kill_procs() for fsdax case", "",
                                                 ""};
/// want_shutdown: scan everything, then shut down as corrupt.
inline constexpr policy_source scan_then_shutdown{
    "v6.1", "e033f40be262", "xfs: on memory failure, only shut down fs after scanning all mappings", "", ""};
/// The merged patch, for the pre-remove behaviour v12 already had and no review changed.
inline constexpr policy_source pre_remove_patch{"v6.8", "fa422b353d21", pre_remove_subject, v12_posting,
                                                v12_posting_id};
/// What the review of v12 asked for and no kernel has as such.
inline constexpr policy_source v12_reviewed{"proposed on the list", "", v12_subject, v12_review, v12_review_id};
/// What v12 posted and no kernel kept.
inline constexpr policy_source v12_only{"proposed on the list", "", v12_subject, v12_posting, v12_posting_id};
/// Realtime groups and the rewritten group loop.
inline constexpr policy_source rtgroups{"v6.14", "799e7e6566df",
                                        "xfs: react to fsdax failure notifications on the rt device", "", ""};

}  // namespace daxfail::detail::known_sources

#endif
