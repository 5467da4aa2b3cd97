// Everything observable about one run, recorded as the model executes, plus
// the step trace. Per-page detail is kept as runs (a signal run, an unmapped
// run, a repeated log line with a pfn range), so an outcome grows with runs,
// not pages, and counts stay exact at any size. Outcomes compare by their
// observables (the trace and the cost counters are excluded: two variants
// that reach the same end by different steps are equivalent) and diff into
// named observables in time linear in their size.
#ifndef DAXFAIL_OUTCOME_HPP
#define DAXFAIL_OUTCOME_HPP

#include <daxfail/constants.hpp>
#include <daxfail/detail/flat_u64_map.hpp>
#include <daxfail/detail/hex.hpp>
#include <daxfail/errno.hpp>
#include <daxfail/run_map.hpp>
#include <daxfail/world.hpp>

#include <optional>
#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace daxfail {

/// A run of signals the kernel sent to one thread (kill_proc / force_sig_mceerr /
/// send_sig_mceerr): `pages` signals at addr, addr + 2^addr_lsb, ...
struct signal_record {
    u32 pid = 0;                ///< the thread it was sent to (PIDTYPE_PID)
    std::string comm;
    int signo = sigbus;
    int si_code = 0;
    u64 addr = 0;               ///< si_addr of the first signal
    int addr_lsb = 0;           ///< si_addr_lsb
    u64 pages = 1;              ///< signals in the run
    u64 last_addr() const noexcept { return addr + ((pages - 1) << addr_lsb); }
    friend bool operator==(const signal_record&, const signal_record&) = default;
};

/// A run of a task's mapping of a file: zapped by the run, or still live after it.
struct pte_record {
    u32 pid = 0;
    u64 ino = 0;
    u64 pgoff = 0;              ///< first file page
    u64 vaddr = 0;              ///< its address
    u64 pages = 1;
    int shift = int(page_shift);  ///< 12: PTEs, 21: PMDs
    friend auto operator<=>(const pte_record&, const pte_record&) = default;
};

/// A run of cached address_space entries.
struct cache_entry_record {
    u64 ino = 0;
    u64 index = 0;
    u64 pages = 1;
    bool dirty = false;
    bool pmd = false;
    friend auto operator<=>(const cache_entry_record&, const cache_entry_record&) = default;
};

/// A freeze reference released by someone other than the freezer that took it.
struct freeze_release {
    std::string owner;   ///< who had taken the freeze
    std::string by;      ///< whose thaw_super released it
    friend bool operator==(const freeze_release&, const freeze_release&) = default;
};

/// A kernel log line, or `count` lines that differ only in their pfn (pfn,
/// pfn + 1, ...; "Memory failure: %#lx: ..."), or `count` identical lines.
struct log_line {
    log_level level = log_level::info;
    std::string text;           ///< the first line
    u64 count = 1;
    std::optional<u64> pfn;     ///< the pfn of the first line's "Memory failure: <pfn>:" prefix
    friend bool operator==(const log_line&, const log_line&) = default;
};

/// One modelled kernel step, in execution order.
struct trace_step {
    std::string function;
    std::string detail;
    friend bool operator==(const trace_step&, const trace_step&) = default;
};

/// How the run ended.
enum class end_state {
    returned,       ///< the entry point returned
    no_progress,    ///< loops forever: the state that decides the loop can no longer change (v12's freeze loop)
    blocked,        ///< waits for something nothing in the world will do
    oops,           ///< the kernel would crash (e.g. NULL perag)
    spinning,       ///< still running after run_options::walk_patience: a walk too long to wait for (7.2's 2^32 pages)
    limit_reached,  ///< stopped by the user's run_options limit: no verdict about the kernel
};

inline std::string end_state_name(end_state e) {
    switch (e) {
        case end_state::returned: return "returned";
        case end_state::no_progress: return "did not terminate";
        case end_state::blocked: return "blocked forever";
        case end_state::oops: return "oops";
        case end_state::spinning: return "spins";
        case end_state::limit_reached: return "limit reached";
    }
    return "?";
}

/// Work done, for cost comparisons; not an observable.
struct cost_counters {
    u64 steps = 0;                  ///< modelled kernel steps
    u64 rmap_records_examined = 0;  ///< by the rmap source
    u64 indices_walked = 0;         ///< mf_dax_kill_procs loop iterations the kernel would make
    u64 page_task_visits = 0;       ///< (page, task) pairs the collector looked at
    u64 trace_dropped = 0;          ///< steps not kept in the trace (run_options::trace_limit)
};

struct outcome {
    std::vector<int> entry_returns;     ///< per entry call: unbind write / memory_failure()
    std::vector<int> notify_returns;    ///< per dax_holder_notify_failure() call
    std::vector<signal_record> signals; ///< runs, in the order of their first signal
    std::vector<pte_record> unmapped;   ///< runs zapped by this run, in the order of their first page
    page_set poisoned;                  ///< pfns newly marked HWPoison
    std::vector<cache_entry_record> cache_entries_left;  ///< sorted runs
    std::vector<pte_record> live_mappings;  ///< runs still present afterwards, sorted
    u32 shutdown_flags = 0;             ///< 0 = not shut down
    std::string shutdown_reason;        ///< the phrase xfs_do_force_shutdown logs
    std::vector<freeze_hold> freeze_holders_after;
    std::vector<freeze_release> foreign_thaws;  ///< freezes dropped by someone else's thaw
    bool device_alive = true;           ///< DAXDEV_ALIVE of the event's device afterwards
    std::vector<log_line> log;
    end_state end = end_state::returned;
    std::string end_detail;
    std::vector<trace_step> trace;
    cost_counters cost;

    bool terminated() const noexcept { return end == end_state::returned; }

private:
    template <class T>
    static u64 total(const std::vector<T>& runs, u64 T::*count) noexcept {
        u64 n = 0;
        for (const auto& r : runs) n += r.*count;
        return n;
    }

public:
    u64 signal_count() const noexcept { return total(signals, &signal_record::pages); }
    u64 unmapped_pages() const noexcept { return total(unmapped, &pte_record::pages); }
    u64 live_pages() const noexcept { return total(live_mappings, &pte_record::pages); }
    u64 cache_pages_left() const noexcept { return total(cache_entries_left, &cache_entry_record::pages); }
    u64 log_lines() const noexcept { return total(log, &log_line::count); }
    friend bool operator==(const outcome& a, const outcome& b) {
        return a.entry_returns == b.entry_returns && a.notify_returns == b.notify_returns &&
               a.signals == b.signals && a.unmapped == b.unmapped && a.poisoned == b.poisoned &&
               a.cache_entries_left == b.cache_entries_left && a.live_mappings == b.live_mappings &&
               a.shutdown_flags == b.shutdown_flags && a.shutdown_reason == b.shutdown_reason &&
               a.freeze_holders_after == b.freeze_holders_after && a.foreign_thaws == b.foreign_thaws &&
               a.device_alive == b.device_alive &&
               a.log == b.log && a.end == b.end && a.end_detail == b.end_detail;
    }
};

namespace detail {
/// The pfn of a "Memory failure: <pfn>: ..." line and where its digits are.
struct pfn_token {
    u64 pfn = 0;
    std::size_t pos = 0, len = 0;
};
inline std::optional<pfn_token> find_pfn_token(std::string_view text) {
    static constexpr std::string_view prefix = "Memory failure: 0x";
    // A plain loop: g++ 12 -O3 misreads string_view::compare here as reading
    // an uninitialized temporary (-Wmaybe-uninitialized, a false positive).
    if (text.size() < prefix.size()) return std::nullopt;
    for (std::size_t k = 0; k < prefix.size(); ++k)
        if (text[k] != prefix[k]) return std::nullopt;
    const std::size_t start = prefix.size() - 2;
    std::size_t i = prefix.size();
    u64 v = 0;
    for (; i < text.size() && i < prefix.size() + 16; ++i) {
        const char c = text[i];
        const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) break;
        v = (v << 4) | u64(d);
    }
    if (i == prefix.size() || i >= text.size() || text[i] != ':') return std::nullopt;
    return pfn_token{v, start, i - start};
}
}  // namespace detail

/// Builds a log as runs: a line that repeats the latest line of the same text
/// with the next pfn joins it, and so does an identical line right after
/// another. The model's log and a real kernel's log (the oracle) are built the
/// same way, so they compare run for run.
class log_builder {
    std::vector<log_line>* out_;
    /// The latest line of each (level, text after the pfn), and the pfn that would extend it.
    struct latest_line {
        std::size_t index = 0;
        u64 next_pfn = 0;
    };
    detail::flat_u64_map<latest_line> latest_;  ///< key: hash of (level, text after the pfn)

    static u64 key(log_level level, std::string_view rest) {
        return static_cast<u64>(std::hash<std::string_view>{}(rest)) * 31 + static_cast<u64>(level);
    }
    template <class Make>
    void add_pfn_line(log_level level, u64 pfn, std::string_view rest, u64 count, Make&& make_text) {
        auto& out = *out_;
        auto [latest, fresh] = latest_.try_emplace(key(level, rest), latest_line{out.size(), pfn + count});
        if (!fresh) {
            // Only a line that the pfn continues is read (a hash match is checked against its text).
            if (latest->next_pfn == pfn) {
                auto& l = out[latest->index];
                const auto tok = detail::find_pfn_token(l.text);
                if (l.level == level && tok && std::string_view(l.text).substr(tok->pos + tok->len) == rest &&
                    *l.pfn + l.count == pfn) {
                    l.count += count;
                    latest->next_pfn = pfn + count;
                    return;
                }
            }
            *latest = {out.size(), pfn + count};
        }
        out.push_back({level, make_text(), count, pfn});
    }

public:
    explicit log_builder(std::vector<log_line>& out) : out_(&out) {}
    /// Adds `count` lines: `text`, then (for a pfn line) the same text with the next pfns, else repeats.
    void add(log_level level, std::string text, u64 count = 1) {
        if (count == 0) return;
        if (auto tok = detail::find_pfn_token(text)) {
            const std::string_view rest = std::string_view(text).substr(tok->pos + tok->len);
            add_pfn_line(level, tok->pfn, rest, count, [&] { return std::move(text); });
            return;
        }
        auto& out = *out_;
        if (!out.empty() && !out.back().pfn && out.back().level == level && out.back().text == text) {
            out.back().count += count;
            return;
        }
        out.push_back({level, std::move(text), count, std::nullopt});
    }
    /// Adds `count` lines "Memory failure: <pfn + i><rest>" without building the text when they extend a run.
    void add_pfn(log_level level, u64 pfn, std::string_view rest, u64 count = 1) {
        if (count == 0) return;
        add_pfn_line(level, pfn, rest, count, [&] {
            std::string text = "Memory failure: ";
            text.reserve(text.size() + 18 + rest.size());
            return text.append(detail::hex(pfn)).append(rest);
        });
    }
};

/// The runs of `lines` (single kernel log lines) as log_builder makes them.
inline std::vector<log_line> compress_log(const std::vector<log_line>& lines) {
    std::vector<log_line> out;
    log_builder b(out);
    for (const auto& l : lines) b.add(l.level, l.text, l.count);
    return out;
}

inline std::string to_string(const signal_record& s) {
    std::string r = "SIGBUS " + si_code::name(s.si_code) + " to " + s.comm + ":" + std::to_string(s.pid) + " addr " +
                    detail::hex(s.addr);
    if (s.pages > 1) r += ".." + detail::hex(s.last_addr()) + " (" + std::to_string(s.pages) + " signals)";
    return r + " lsb " + std::to_string(s.addr_lsb);
}
inline std::string to_string(const pte_record& p) {
    std::string r = "pid " + std::to_string(p.pid) + " ino " + std::to_string(p.ino) + " pgoff " + std::to_string(p.pgoff);
    if (p.pages > 1) r += ".." + std::to_string(p.pgoff + p.pages - 1);
    r += " at " + detail::hex(p.vaddr);
    if (p.shift == pmd_shift) r += " (PMD)";
    return r;
}
inline std::string to_string(const cache_entry_record& c) {
    std::string r = "ino " + std::to_string(c.ino) + " index " + std::to_string(c.index);
    if (c.pages > 1) r += ".." + std::to_string(c.index + c.pages - 1);
    return r + (c.dirty ? " dirty" : " clean") + (c.pmd ? " (PMD)" : "");
}
inline std::string to_string(const freeze_hold& h) { return holder_name(h.holder) + " (" + h.owner + ")"; }
inline std::string to_string(const freeze_release& r) { return r.owner + "'s freeze, released by " + r.by; }
inline std::string to_string(const log_line& l) {
    std::string text = l.text;
    if (l.count > 1) {
        if (l.pfn) {
            if (auto tok = detail::find_pfn_token(text))
                text.replace(tok->pos, tok->len, detail::hex(*l.pfn) + ".." + detail::hex(*l.pfn + l.count - 1));
        }
        text += " [" + std::to_string(l.count) + " lines]";
    }
    return "<" + level_name(l.level) + "> " + text;
}
inline std::string to_string(const page_run<present_t>& r) {
    return r.first == r.last ? detail::hex(r.first) : detail::hex(r.first) + ".." + detail::hex(r.last);
}

/// The observables of an outcome, each named once: diff, the reports (text, Markdown, CSV, JSON) and the
/// oracle (each of its rows names the observable it checks: oracle::row_observables) use these names.
namespace observable_names {
inline constexpr std::string_view terminated = "terminated";
inline constexpr std::string_view entry_returns = "entry_returns";
inline constexpr std::string_view notify_returns = "notify_returns";
inline constexpr std::string_view signals = "signals";
inline constexpr std::string_view unmapped = "unmapped";
inline constexpr std::string_view poisoned = "poisoned";
inline constexpr std::string_view cache_entries_left = "cache_entries_left";
inline constexpr std::string_view live_mappings = "live_mappings";
inline constexpr std::string_view shutdown = "shutdown";
inline constexpr std::string_view freeze_holders_after = "freeze_holders_after";
inline constexpr std::string_view foreign_thaws = "foreign_thaws";
inline constexpr std::string_view device_alive = "device_alive";
inline constexpr std::string_view log = "log";
}  // namespace observable_names

/// Every observable, in the order observables() lists them.
inline constexpr std::array<std::string_view, 13> all_observable_names = {
    observable_names::terminated,
    observable_names::entry_returns,
    observable_names::notify_returns,
    observable_names::signals,
    observable_names::unmapped,
    observable_names::poisoned,
    observable_names::cache_entries_left,
    observable_names::live_mappings,
    observable_names::shutdown,
    observable_names::freeze_holders_after,
    observable_names::foreign_thaws,
    observable_names::device_alive,
    observable_names::log,
};

/// One named observable rendered as a list of items.
struct observable {
    std::string name;
    std::vector<std::string> items;
};

inline std::string shutdown_summary(u32 flags, const std::string& reason) {
    if (flags == 0) return "none";
    return reason + " (" + detail::hex(flags) + ")";
}

/// The observables of an outcome in a fixed order, for reports and diffs.
inline std::vector<observable> observables(const outcome& o) {
    auto list = [](const auto& v, auto&& f) {
        std::vector<std::string> out;
        if constexpr (requires { v.size(); }) out.reserve(v.size());
        for (const auto& x : v) out.push_back(f(x));
        return out;
    };
    auto str = [](const auto& x) { return to_string(x); };
    std::vector<observable> obs;
    obs.push_back({std::string(observable_names::terminated), {o.terminated() ? "yes" : end_state_name(o.end) + (o.end_detail.empty() ? "" : ": " + o.end_detail)}});
    obs.push_back({std::string(observable_names::entry_returns), list(o.entry_returns, [](int rc) { return err::name(rc); })});
    obs.push_back({std::string(observable_names::notify_returns), list(o.notify_returns, [](int rc) { return err::name(rc); })});
    obs.push_back({std::string(observable_names::signals), list(o.signals, str)});
    obs.push_back({std::string(observable_names::unmapped), list(o.unmapped, str)});
    obs.push_back({std::string(observable_names::poisoned), list(o.poisoned, str)});
    obs.push_back({std::string(observable_names::cache_entries_left), list(o.cache_entries_left, str)});
    obs.push_back({std::string(observable_names::live_mappings), list(o.live_mappings, str)});
    obs.push_back({std::string(observable_names::shutdown), {shutdown_summary(o.shutdown_flags, o.shutdown_reason)}});
    obs.push_back({std::string(observable_names::freeze_holders_after), list(o.freeze_holders_after, str)});
    obs.push_back({std::string(observable_names::foreign_thaws), list(o.foreign_thaws, str)});
    obs.push_back({std::string(observable_names::device_alive), {o.device_alive ? "yes" : "no"}});
    obs.push_back({std::string(observable_names::log), list(o.log, str)});
    return obs;
}

/// How one observable differs between two outcomes.
struct difference {
    std::string observable;
    std::vector<std::string> only_in_a;
    std::vector<std::string> only_in_b;
};

namespace detail {
/// Counts of strings that stay alive elsewhere (diff's items), by hash with exact comparison.
class string_multiset {
    flat_u64_map<std::vector<std::size_t>> by_hash_;           ///< hash -> indices into counts_
    std::vector<std::pair<const std::string*, std::size_t>> counts_;  ///< distinct strings and their counts
    static u64 hash(const std::string& s) { return static_cast<u64>(std::hash<std::string_view>{}(s)); }

public:
    void add(const std::string& s) {
        auto& same_hash = by_hash_[hash(s)];
        for (std::size_t i : same_hash)
            if (*counts_[i].first == s) {
                ++counts_[i].second;
                return;
            }
        same_hash.push_back(counts_.size());
        counts_.push_back({&s, 1});
    }
    /// Removes one `s`; false when there is none left.
    bool take(const std::string& s) {
        const auto* same_hash = by_hash_.find(hash(s));
        if (!same_hash) return false;
        for (std::size_t i : *same_hash)
            if (*counts_[i].first == s && counts_[i].second > 0) {
                --counts_[i].second;
                return true;
            }
        return false;
    }
};
}  // namespace detail

/// The observables that differ; empty exactly when a == b. Linear in the
/// outcomes' size: a multiset difference by hashing.
inline std::vector<difference> diff(const outcome& a, const outcome& b) {
    auto oa = observables(a);
    auto ob = observables(b);
    std::vector<difference> out;
    for (std::size_t i = 0; i < oa.size(); ++i) {
        if (oa[i].items == ob[i].items) continue;
        difference d{oa[i].name, {}, {}};
        // Multiset difference keeps order and shows repeated items (two signal runs alike).
        detail::string_multiset in_b, in_a;
        for (const auto& x : ob[i].items) in_b.add(x);
        for (const auto& x : oa[i].items) {
            if (in_b.take(x)) in_a.add(x);
            else d.only_in_a.push_back(x);
        }
        for (const auto& x : ob[i].items)
            if (!in_a.take(x)) d.only_in_b.push_back(x);
        if (d.only_in_a.empty() && d.only_in_b.empty()) d.only_in_a.push_back("(same items, different order)");
        out.push_back(std::move(d));
    }
    return out;
}

/// Human-readable rendering of a diff; labels name the two sides. At most
/// `per_side` items are listed per side and observable, then a count.
inline std::string to_string(const std::vector<difference>& ds, const std::string& a = "a", const std::string& b = "b",
                             std::size_t per_side = 10) {
    if (ds.empty()) return "no observable differs\n";
    std::string s;
    auto side = [&](const std::vector<std::string>& items, const std::string& label) {
        for (std::size_t i = 0; i < items.size() && i < per_side; ++i) s += "  " + label + " only: " + items[i] + "\n";
        if (items.size() > per_side)
            s += "  " + label + " only: ... and " + std::to_string(items.size() - per_side) + " more\n";
    };
    for (const auto& d : ds) {
        s += d.observable + ":\n";
        side(d.only_in_a, a);
        side(d.only_in_b, b);
    }
    return s;
}

/// All observables, one per line group; at most `per_observable` items each.
inline std::string to_string(const outcome& o, std::size_t per_observable = 50) {
    std::string s;
    for (const auto& ob : observables(o)) {
        s += ob.name + ":";
        if (ob.items.empty()) s += " (none)";
        if (ob.items.size() == 1) s += " " + ob.items[0];
        else {
            for (std::size_t i = 0; i < ob.items.size() && i < per_observable; ++i) s += "\n  " + ob.items[i];
            if (ob.items.size() > per_observable)
                s += "\n  ... and " + std::to_string(ob.items.size() - per_observable) + " more";
        }
        s += "\n";
    }
    return s;
}

inline std::string trace_to_string(const outcome& o) {
    std::string s;
    for (const auto& t : o.trace) s += t.function + (t.detail.empty() ? "" : ": " + t.detail) + "\n";
    if (o.cost.trace_dropped)
        s += "... " + std::to_string(o.cost.trace_dropped) + " more steps not kept (run_options::trace_limit)\n";
    return s;
}

}  // namespace daxfail

#endif
