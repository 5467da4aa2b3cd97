// Present pages of a VMA from /proc/PID/pagemap (bit 63, read in chunks), and which of them are mapped by
// 2 MiB PMD entries, inferred from alignment and the pfns (and smaps' FilePmdMapped when it counts them).
#ifndef DAXFAIL_SNAPSHOT_PAGEMAP_HPP
#define DAXFAIL_SNAPSHOT_PAGEMAP_HPP

#include <daxfail/snapshot/page_spans.hpp>
#include <daxfail/snapshot/root_files.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace daxfail::snapshot {

inline constexpr std::uint64_t pagemap_page_size = 4096;
inline constexpr std::uint64_t pages_per_pmd = 512;  ///< 2 MiB / 4 KiB

/// Present pages with consecutive pfns: `first` is relative to the start of the range read.
struct mapped_run {
    std::uint64_t first = 0;
    std::uint64_t pages = 0;
    std::uint64_t pfn = 0;  ///< pfn of `first`; 0 when pagemap hides pfns (no CAP_SYS_ADMIN)
    friend bool operator==(const mapped_run&, const mapped_run&) = default;
};

/// Decodes pagemap entries (one u64 per page, in host byte order) into runs, appending to `out`.
/// Entry bits: 63 present, 0-54 pfn.
inline void decode_pagemap(const std::uint64_t* entries, std::size_t n, std::uint64_t first_index,
                           std::vector<mapped_run>& out) {
    constexpr std::uint64_t present = std::uint64_t{1} << 63, pfn_mask = (std::uint64_t{1} << 55) - 1;
    for (std::size_t i = 0; i < n; ++i) {
        if (!(entries[i] & present)) continue;
        const std::uint64_t idx = first_index + i, pfn = entries[i] & pfn_mask;
        if (!out.empty()) {
            auto& b = out.back();
            const bool adjacent = b.first + b.pages == idx;
            const bool pfn_follows = (b.pfn == 0 && pfn == 0) || (b.pfn != 0 && b.pfn + b.pages == pfn);
            if (adjacent && pfn_follows) {
                ++b.pages;
                continue;
            }
        }
        out.push_back({idx, 1, pfn});
    }
}

/// The present pages of [start, end) in process `pid`, reading `chunk` entries per pread. Empty when the
/// pagemap cannot be read (process gone, no permission).
inline std::vector<mapped_run> read_pagemap(unsigned pid, std::uint64_t start, std::uint64_t end,
                                            const std::string& root = "/", std::size_t chunk = 8192) {
    std::vector<mapped_run> out;
    const std::string path = under(root, "/proc/" + std::to_string(pid) + "/pagemap");
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return out;
    std::vector<std::uint64_t> buf(chunk == 0 ? 1 : chunk);
    const std::uint64_t first = start / pagemap_page_size, last = end / pagemap_page_size;
    for (std::uint64_t at = first; at < last;) {
        const std::uint64_t want = std::min<std::uint64_t>(buf.size(), last - at);
        const ssize_t got = ::pread(fd, buf.data(), want * sizeof(std::uint64_t),
                                    static_cast<off_t>(at * sizeof(std::uint64_t)));
        if (got <= 0) break;
        const std::size_t entries = static_cast<std::size_t>(got) / sizeof(std::uint64_t);
        if (entries == 0) break;
        decode_pagemap(buf.data(), entries, at - first, out);
        at += entries;
    }
    ::close(fd);
    return out;
}

/// Every present page of the runs, relative to the range read.
inline page_spans present_pages(const std::vector<mapped_run>& runs) {
    page_spans out;
    for (const auto& r : runs) out.add(r.first, r.pages);
    return out;
}

/// 2 MiB windows of a VMA that can be PMD mappings: aligned in the address space, at a 512-aligned file
/// page, wholly present with consecutive pfns starting at a 512-aligned pfn (when pfns are visible).
/// Relative to the VMA start. Pagemap shows a PMD mapping as 512 present pages, like 512 PTEs.
inline page_spans pmd_candidates(const std::vector<mapped_run>& runs, std::uint64_t vm_start, std::uint64_t pgoff) {
    page_spans out;
    const std::uint64_t start_page = vm_start / pagemap_page_size;
    for (const auto& r : runs) {
        // First relative index >= r.first whose address is 2 MiB aligned.
        std::uint64_t i = r.first + (pages_per_pmd - (start_page + r.first) % pages_per_pmd) % pages_per_pmd;
        for (; i + pages_per_pmd <= r.first + r.pages; i += pages_per_pmd) {
            if ((pgoff + i) % pages_per_pmd != 0) continue;
            if (r.pfn != 0 && (r.pfn + (i - r.first)) % pages_per_pmd != 0) continue;
            out.add(i, pages_per_pmd);
        }
    }
    return out;
}

/// Which present pages of a VMA are PMD-mapped. With `pmd_bytes` (smaps' FilePmdMapped) the first
/// pmd_bytes / 2 MiB candidates are taken and `exact` says whether there were exactly that many; without it
/// (nullopt) every candidate is taken and `exact` is false unless there is none.
struct pmd_guess {
    page_spans pmd;  ///< relative to the VMA start
    bool exact = true;
};
inline pmd_guess infer_pmd_pages(const std::vector<mapped_run>& runs, std::uint64_t vm_start, std::uint64_t pgoff,
                                 std::optional<std::uint64_t> pmd_bytes) {
    pmd_guess g;
    const page_spans candidates = pmd_candidates(runs, vm_start, pgoff);
    if (!pmd_bytes) {
        g.pmd = candidates;
        g.exact = candidates.empty();
        return g;
    }
    const std::uint64_t wanted = *pmd_bytes / (pages_per_pmd * pagemap_page_size);
    std::uint64_t taken = 0;
    for (const auto& r : candidates.spans())
        for (std::uint64_t i = r.first; i < r.end() && taken < wanted; i += pages_per_pmd, ++taken)
            g.pmd.add(i, pages_per_pmd);
    g.exact = candidates.count() / pages_per_pmd == wanted;
    return g;
}

}  // namespace daxfail::snapshot

#endif
