// A 64-bit digest of everything in a world an actor can change or a kernel
// path reads, for the explorer's visited-state table. Two schedules that reach
// the same digest (and the same actor positions) have the same futures.
#ifndef DAXFAIL_EXPLORE_DETAIL_STATE_HASH_HPP
#define DAXFAIL_EXPLORE_DETAIL_STATE_HASH_HPP

#include <daxfail/outcome.hpp>
#include <daxfail/world.hpp>

#include <string_view>
#include <utility>

namespace daxfail::explore::detail {

/// A multiply-xorshift digest of 64-bit words and strings: stable across runs, builds and compilers (std::hash is
/// neither), and one multiplication per word (byte-wise FNV-1a took a tenth of an exploration's time).
struct digest {
    u64 h = 0xcbf29ce484222325ull;
    void word(u64 v) noexcept {
        h = (h ^ v) * 0x9e3779b97f4a7c15ull;
        h ^= h >> 32;
    }
    void text(std::string_view s) noexcept {
        word(s.size());
        std::size_t k = 0;
        for (; k + 8 <= s.size(); k += 8) {
            u64 v = 0;
            for (std::size_t b = 0; b < 8; ++b) v |= u64{static_cast<unsigned char>(s[k + b])} << (8 * b);
            word(v);
        }
        u64 tail = 0;
        for (std::size_t b = 0; k + b < s.size(); ++b) tail |= u64{static_cast<unsigned char>(s[k + b])} << (8 * b);
        word(tail);
    }
};

/// The objects of a world a step can read or change, for the partial-order reduction's footprints: a kind in the
/// top byte and an index (a device's, an inode's number, a task's pid) below; index `any_index` stands for every
/// object of its kind.
namespace world_object {
enum kind : u64 { device = 1, shutdown, sb_freeze, inode, task, hwpoison, scheduled_thaws };
inline constexpr u64 any_index = (u64{1} << 56) - 1;
constexpr u64 id(kind k, u64 index = 0) noexcept { return u64{k} << 56 | (index & any_index); }
constexpr u64 every(kind k) noexcept { return id(k, any_index); }
constexpr bool overlap(u64 a, u64 b) noexcept {
    return a >> 56 == b >> 56 && ((a & any_index) == (b & any_index) || (a & any_index) == any_index ||
                                  (b & any_index) == any_index);
}
}  // namespace world_object

/// Feeds the world to `d` object by object, calling `part(object id)` before each object's words (the state key
/// and the footprints hash the same fields).
template <class Part>
void hash_world_parts(digest& d, const world& w, Part&& part) {
    using namespace world_object;
    for (std::size_t i = 0; i < w.devices.size(); ++i) {
        const auto& dev = w.devices[i];
        part(id(device, i));
        d.word(u64{dev.alive} | u64{dev.has_holder} << 1 | u64{dev.holder_ops} << 2 | u64{dev.memmap} << 3);
    }
    part(id(shutdown));
    d.word(w.mp.shutdown_flags);
    part(id(sb_freeze));
    d.word(w.mp.sb.freeze_in_progress);
    d.word(w.mp.sb.holds.size());
    for (const auto& h : w.mp.sb.holds) {
        d.word(static_cast<u64>(h.holder));
        d.text(h.owner);
    }
    for (const auto& [ino, ip] : w.inodes) {
        if (ip.cache.empty() && ip.in_core && !ip.reclaiming) continue;
        part(id(inode, ino));
        d.word(ino);
        d.word(u64{ip.in_core} | u64{ip.reclaiming} << 1);
        for (const auto& r : ip.cache) {
            d.word(r.first);
            d.word(r.last);
            d.word(u64{r.value.dirty} | u64{r.value.pmd} << 1);
        }
    }
    for (const auto& t : w.tasks) {
        part(id(task, t.pid));
        for (const auto& v : t.vmas) {
            d.word(v.pages);
            for (const auto& r : v.present) {
                d.word(r.first);
                d.word(r.last);
                d.word(static_cast<u64>(r.value));
            }
        }
    }
    part(id(hwpoison));
    for (const auto& r : w.hwpoison) {
        d.word(r.first);
        d.word(r.last);
    }
    part(id(scheduled_thaws));
    d.word(w.scheduled_thaws.size());
}

inline void hash_world(digest& d, const world& w) {
    hash_world_parts(d, w, [](u64) {});
}

}  // namespace daxfail::explore::detail

#endif
