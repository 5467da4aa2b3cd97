// "did you mean ...?" for a mistyped name: the closest candidate by edit
// distance, if it is close enough to be a typo rather than another word.
#ifndef DAXFAIL_DETAIL_DID_YOU_MEAN_HPP
#define DAXFAIL_DETAIL_DID_YOU_MEAN_HPP

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace daxfail::detail {

/// Levenshtein distance, with a swap of two neighbours counted as one edit ("unbnid").
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
        }
        prev2.swap(prev);
        prev.swap(cur);
    }
    return prev[b.size()];
}

/// The candidate closest to `word`, when at most a third of its letters (at least one, at most three) differ;
/// ties go to the earlier candidate, so the answer does not depend on anything but the list.
inline std::optional<std::string> did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
    if (word.size() > 64) return std::nullopt;  // not a typo of a name, and the distance would cost
    std::optional<std::string> best;
    const std::size_t allowed = std::max<std::size_t>(1, std::min<std::size_t>(3, word.size() / 3));
    std::size_t best_distance = allowed + 1;
    for (const auto& c : candidates) {
        if (c == word) continue;
        if (c.size() > word.size() + allowed || word.size() > c.size() + allowed) continue;
        const std::size_t d = edit_distance(word, c);
        if (d < best_distance) {
            best_distance = d;
            best = c;
        }
    }
    return best;
}

/// "; did you mean \"X\"?" or nothing.
inline std::string did_you_mean_suffix(std::string_view word, const std::vector<std::string>& candidates) {
    const auto m = did_you_mean(word, candidates);
    return m ? "; did you mean \"" + *m + "\"?" : std::string();
}

}  // namespace daxfail::detail

#endif
