// A kernel log as runs: a line, or lines that differ only in their pfn, or
// identical lines, kept as one entry with a count. The model's log and a real
// kernel's log (the oracle) are built the same way, so they compare run for run.
#ifndef DAXFAIL_OUTCOME_LOG_HPP
#define DAXFAIL_OUTCOME_LOG_HPP

#include <daxfail/constants.hpp>
#include <daxfail/detail/flat_u64_map.hpp>
#include <daxfail/detail/hex.hpp>
#include <daxfail/world.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace daxfail {

/// A kernel log line, or `count` lines that differ only in their pfn (pfn,
/// pfn + 1, ...; "Memory failure: %#lx: ..."), or `count` identical lines.
struct log_line {
    log_level level = log_level::info;
    std::string text;           ///< the first line
    u64 count = 1;
    std::optional<u64> pfn;     ///< the pfn of the first line's "Memory failure: <pfn>:" prefix
    friend bool operator==(const log_line&, const log_line&) = default;
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

}  // namespace daxfail

#endif
