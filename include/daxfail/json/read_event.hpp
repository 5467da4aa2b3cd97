// Reads an event object of a scenario file (the scenario's, or a notify
// step's): an unbind, or a memory failure at a device offset, an inode's
// pages or a group's blocks; and finds where a file's pages are on the devices.
#ifndef DAXFAIL_JSON_READ_EVENT_HPP
#define DAXFAIL_JSON_READ_EVENT_HPP

#include <daxfail/builder.hpp>
#include <daxfail/detail/extents.hpp>
#include <daxfail/json/read_tasks.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace daxfail::json::detail {

/// The event (and a notify step's), and where a file's pages are on the devices.
class event_reader : protected task_reader {
public:
    using task_reader::task_reader;

protected:
    void read_event() {
        if (!doc().contains("event")) {
            r_.fail("event", "is required");
            return;
        }
        if (auto ev = read_event_at(doc()["event"], "event")) sc_.event = *ev;
    }

    /// An event object at path `p` (the scenario's event, or a notify step's).
    std::optional<event> read_event_at(const nlohmann::json& e, const std::string& p) {
        if (!r_.object(e, p)) return std::nullopt;
        r_.only_keys(e, p, {"kind", "device", "current", "offset", "length", "inode", "page", "pages", "group", "agbno",
                            "blocks", "source", "mf_flags", "vaddr", "delivery", "umount_after"});
        const auto kind = r_.choice(e, p, "kind", {"unbind", "memory_failure"});
        const auto current = r_.number(e, p, "current", std::nullopt, 0xFFFFFFFFu);
        const auto data_dev = data_ok_ ? w_.mp.data.target.device : 0;
        const auto dev = device_index(e, p, data_dev);
        if (!kind || !current || !dev) return std::nullopt;
        event ev;
        ev.device = *dev;
        ev.current_tid = static_cast<u32>(*current);
        ev.umount_after = r_.boolean(e, p, "umount_after", false).value_or(false);
        if (*kind == "unbind") return ev;
        ev.kind = event_kind::memory_failure;
        const bool by_offset = e.contains("offset"), by_inode = e.contains("inode"), by_block = e.contains("group");
        if (int(by_offset) + int(by_inode) + int(by_block) != 1) {
            r_.fail(p, "a memory_failure needs exactly one location: offset (+ length), inode + page (+ pages), "
                       "or group + agbno (+ blocks)");
            return std::nullopt;
        }
        std::optional<u64> vaddr;
        if (by_offset) {
            const auto off = r_.bytes(e, p, "offset");
            const auto len = r_.bytes(e, p, "length", page_size);
            derived(e, p + ".length", "it is 4096 (one page)");
            if (!off || !len) return std::nullopt;
            ev.offset = *off;
            ev.length = *len;
        } else if (by_block) {
            const auto group = r_.number(e, p, "group", std::nullopt, 0xFFFFFFFFu);
            const auto agbno = r_.number(e, p, "agbno", std::nullopt, 0xFFFFFFFFu);
            const auto blocks = r_.number(e, p, "blocks", 1, 0xFFFFFFFFu);
            if (!group || !agbno || !blocks || !check_group(false, *group, p + ".group")) return std::nullopt;
            ev.offset = data_block_offset(w_, static_cast<u32>(*group), static_cast<u32>(*agbno));
            ev.length = *blocks * w_.mp.blocksize;
            ev.device = w_.mp.data.target.device;
        } else if (!read_inode_location(e, p, ev, vaddr)) {
            return std::nullopt;
        }
        if (!read_source(e, p, ev, vaddr)) return std::nullopt;
        return ev;
    }

    /// A memory failure's location as inode + page (+ pages): where those pages are, and (`vaddr`) the address of
    /// the first in current's mapping of it, if current maps it.
    bool read_inode_location(const nlohmann::json& e, const std::string& p, event& ev, std::optional<u64>& vaddr) {
        const auto ino = r_.number(e, p, "inode");
        const auto page = r_.number(e, p, "page");
        const auto pages = r_.number(e, p, "pages", 1, 1u << 20);
        if (!ino || !page || !pages) return false;
        if (*pages == 0) {
            r_.fail(p + ".pages", "must be at least 1");
            return false;
        }
        if (auto f = w_.inodes.find(*ino); f != w_.inodes.end()) {
            const u64 file_pages = f->second.size / page_size + (f->second.size % page_size != 0);
            if (*page >= file_pages || *pages > file_pages - *page) {
                r_.fail(e.contains("pages") ? p + ".pages" : p + ".page",
                        "pages " + std::to_string(*page) + ".." + std::to_string(*page + *pages - 1) +
                            " are beyond end of file (" + std::to_string(file_pages) + " pages)");
                return false;
            }
        }
        const auto located = locate(*ino, *page, p);
        if (!located) return false;
        ev.device = located->first;
        ev.offset = located->second;
        ev.length = *pages * page_size;
        // The address of that page in current's mapping, for madvise.
        for (const auto& t : w_.tasks)
            for (const auto& th : t.threads)
                if (th.tid == ev.current_tid)
                    for (const auto& v : t.vmas)
                        if (v.ino == *ino && *page >= v.pgoff && *page - v.pgoff < v.pages)
                            vaddr = v.start + ((*page - v.pgoff) << page_shift);
        return true;
    }

    /// How a memory failure is raised (source: madvise, machine_check, raw) and notified (delivery).
    bool read_source(const nlohmann::json& e, const std::string& p, event& ev, std::optional<u64> vaddr) {
        const auto source = r_.choice(e, p, "source", {"madvise", "machine_check", "raw"}, "madvise");
        if (!source) return false;
        if (*source == "madvise") {
            ev.mf_flags = mf::count_increased | mf::sw_simulated;
            if (e.contains("vaddr")) vaddr = r_.bytes(e, p, "vaddr");
            if (!vaddr) {
                r_.fail(p + ".vaddr", "madvise needs the page's address in current's mapping (give vaddr, or an "
                                      "inode + page that current maps)");
                return false;
            }
            ev.madvise_vaddr = vaddr;
        } else if (*source == "machine_check") {
            ev.mf_flags = mf::action_required;
        } else {
            ev.mf_flags = static_cast<int>(r_.number(e, p, "mf_flags", 0, 0xFF).value_or(0));
        }
        const auto delivery = r_.choice(e, p, "delivery", {"per_page", "range"}, "per_page");
        ev.whole_range_notification = delivery && *delivery == "range";
        return true;
    }

    /// Whether any of the `pages` pages from (device, byte) belongs to more than one file's extents.
    bool shared_block(const std::pair<std::size_t, u64>& at, u64 pages) {
        if (!all_extents_) {
            all_extents_.emplace();
            extents().for_each([&](u64, std::span<const daxfail::detail::file_extent> list) {
                for (const auto& e : list)
                    all_extents_->push_back({e.device, e.device_byte, e.device_byte + e.blocks * w_.mp.blocksize - 1});
            });
            std::sort(all_extents_->begin(), all_extents_->end());
            reach_.resize(all_extents_->size());
            for (std::size_t i = 0; i < reach_.size(); ++i) {
                const auto& [dev, first, last] = (*all_extents_)[i];
                reach_[i] = i > 0 && std::get<0>((*all_extents_)[i - 1]) == dev ? std::max(reach_[i - 1], last) : last;
            }
        }
        const u64 first = at.second, last = at.second + (pages << page_shift) - 1;
        const auto& list = *all_extents_;
        // The first extent on the device whose prefix reaches `first`; from there, those starting by `last`.
        auto lo = std::lower_bound(list.begin(), list.end(), std::tuple<std::size_t, u64, u64>{at.first, 0, 0});
        std::size_t i = static_cast<std::size_t>(lo - list.begin());
        auto hi_dev = std::upper_bound(list.begin(), list.end(), std::tuple<std::size_t, u64, u64>{at.first, u64_max, u64_max});
        const std::size_t end = static_cast<std::size_t>(hi_dev - list.begin());
        // reach_ is non-decreasing within the device: binary search for the first index reaching `first`.
        std::size_t a = i, b = end;
        while (a < b) {
            const std::size_t m = a + (b - a) / 2;
            if (reach_[m] >= first) b = m;
            else a = m + 1;
        }
        std::vector<std::pair<u64, u64>> hits;  // clipped to [first, last]
        for (std::size_t k = a; k < end && std::get<1>(list[k]) <= last; ++k)
            if (std::get<2>(list[k]) >= first)
                hits.push_back({std::max(first, std::get<1>(list[k])), std::min(last, std::get<2>(list[k]))});
        std::sort(hits.begin(), hits.end());
        for (std::size_t k = 1; k < hits.size(); ++k)
            if (hits[k].first <= hits[k - 1].second) return true;
        return false;
    }

    /// Every file's data-fork extents (detail::extent_index), built once: the world no longer changes while
    /// the actors are read.
    const daxfail::detail::extent_index& extents() {
        if (!extents_) extents_ = daxfail::detail::build_extent_index(w_);
        return *extents_;
    }

    /// Device and byte offset of page `page` of inode `ino`, from its extents; `run`, when given, receives how
    /// many pages from there on the same extent holds.
    std::optional<std::pair<std::size_t, u64>> locate(u64 ino, u64 page, const std::string& p, u64* run = nullptr) {
        if (!w_.inodes.count(ino)) {
            r_.fail(p + ".inode", "no inode " + std::to_string(ino) + " in the filesystem");
            return std::nullopt;
        }
        const u64 bs = w_.mp.blocksize;
        if (page > ((u64{1} << 63) >> page_shift)) {
            r_.fail(p + ".page", std::to_string(page) + " is beyond the largest file offset, 2^63 bytes");
            return std::nullopt;
        }
        const u64 byte = page << page_shift;
        const u64 block = byte / bs;
        const auto list = extents().of(ino);
        // The last extent starting at or before `block` (extents of one file do not overlap: validate() said so).
        auto it = std::upper_bound(list.begin(), list.end(), block,
                                   [](u64 b, const daxfail::detail::file_extent& e) { return b < e.file_block; });
        if (it != list.begin() && block - std::prev(it)->file_block < std::prev(it)->blocks) {
            const auto& e = *std::prev(it);
            if (run) *run = (((e.file_block + e.blocks) * bs) >> page_shift) - page;
            return std::pair{e.device, e.device_byte + (block - e.file_block) * bs + byte % bs};
        }
        r_.fail(p + ".page", "inode " + std::to_string(ino) + " has no block at page " + std::to_string(page));
        return std::nullopt;
    }

    std::optional<daxfail::detail::extent_index> extents_;  ///< built once, for locate() and shared_block()
    std::optional<std::vector<std::tuple<std::size_t, u64, u64>>> all_extents_;  ///< (device, first, last byte), sorted
    std::vector<u64> reach_;  ///< reach_[i]: the largest last byte of all_extents_[0..i] on the same device
};

}  // namespace daxfail::json::detail

#endif
