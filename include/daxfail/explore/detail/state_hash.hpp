// A 64-bit digest of everything in a world an actor can change or a kernel
// path reads, for the explorer's visited-state table. Two schedules that reach
// the same digest (and the same actor positions) have the same futures.
#ifndef DAXFAIL_EXPLORE_DETAIL_STATE_HASH_HPP
#define DAXFAIL_EXPLORE_DETAIL_STATE_HASH_HPP

#include <daxfail/outcome.hpp>
#include <daxfail/world.hpp>

#include <string_view>

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

inline void hash_world(digest& d, const world& w) {
    for (const auto& dev : w.devices)
        d.word(u64{dev.alive} | u64{dev.has_holder} << 1 | u64{dev.holder_ops} << 2 | u64{dev.memmap} << 3);
    d.word(w.mp.shutdown_flags);
    d.word(w.mp.sb.freeze_in_progress);
    d.word(w.mp.sb.holds.size());
    for (const auto& h : w.mp.sb.holds) {
        d.word(static_cast<u64>(h.holder));
        d.text(h.owner);
    }
    for (const auto& [ino, ip] : w.inodes) {
        if (ip.cache.empty() && ip.in_core && !ip.reclaiming) continue;
        d.word(ino);
        d.word(u64{ip.in_core} | u64{ip.reclaiming} << 1);
        for (const auto& r : ip.cache) {
            d.word(r.first);
            d.word(r.last);
            d.word(u64{r.value.dirty} | u64{r.value.pmd} << 1);
        }
    }
    for (const auto& t : w.tasks)
        for (const auto& v : t.vmas) {
            d.word(v.pages);
            for (const auto& r : v.present) {
                d.word(r.first);
                d.word(r.last);
                d.word(static_cast<u64>(r.value));
            }
        }
    for (const auto& r : w.hwpoison) {
        d.word(r.first);
        d.word(r.last);
    }
    d.word(w.scheduled_thaws.size());
}

}  // namespace daxfail::explore::detail

#endif
