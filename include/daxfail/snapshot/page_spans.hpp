// Sets of page indices kept as sorted spans {first, pages} (a run_map's page_run is an inclusive [first, last]),
// and their JSON form in scenario files.
#ifndef DAXFAIL_SNAPSHOT_PAGE_SPANS_HPP
#define DAXFAIL_SNAPSHOT_PAGE_SPANS_HPP

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace daxfail::snapshot {

/// `pages` consecutive page indices starting at `first`.
struct page_span {
    std::uint64_t first = 0;
    std::uint64_t pages = 0;
    std::uint64_t end() const noexcept { return first + pages; }
    friend bool operator==(const page_span&, const page_span&) = default;
};

/// A set of pages as disjoint, non-adjacent spans in ascending order.
class page_spans {
public:
    page_spans() = default;

    /// Adds [first, first + pages); keeps the spans sorted and merged.
    void add(std::uint64_t first, std::uint64_t pages) {
        if (pages == 0) return;
        // Fast path: appending in ascending order, as every reader here does.
        if (spans_.empty() || first > spans_.back().end()) {
            spans_.push_back({first, pages});
            return;
        }
        if (first >= spans_.back().first) {
            spans_.back().pages = std::max(spans_.back().end(), first + pages) - spans_.back().first;
            return;
        }
        spans_.push_back({first, pages});
        normalize();
    }
    void add(const page_spans& other) {
        for (const auto& r : other.spans_) add(r.first, r.pages);
    }
    /// The pages of this set that are not in `other`.
    page_spans minus(const page_spans& other) const {
        page_spans out;
        std::size_t j = 0;
        for (const auto& r : spans_) {
            std::uint64_t at = r.first;
            while (j < other.spans_.size() && other.spans_[j].end() <= at) ++j;
            for (std::size_t k = j; k < other.spans_.size() && other.spans_[k].first < r.end(); ++k) {
                if (other.spans_[k].first > at) out.add(at, other.spans_[k].first - at);
                at = std::max(at, other.spans_[k].end());
            }
            if (at < r.end()) out.add(at, r.end() - at);
        }
        return out;
    }
    /// The same set moved by `delta` pages (e.g. from VMA-relative to file page indices).
    page_spans shifted(std::uint64_t delta) const {
        page_spans out = *this;
        for (auto& r : out.spans_) r.first += delta;
        return out;
    }
    bool contains(std::uint64_t page) const noexcept {
        auto it = std::upper_bound(spans_.begin(), spans_.end(), page,
                                   [](std::uint64_t p, const page_span& r) { return p < r.first; });
        return it != spans_.begin() && page < std::prev(it)->end();
    }
    std::uint64_t count() const noexcept {
        std::uint64_t n = 0;
        for (const auto& r : spans_) n += r.pages;
        return n;
    }
    bool empty() const noexcept { return spans_.empty(); }
    const std::vector<page_span>& spans() const noexcept { return spans_; }
    friend bool operator==(const page_spans&, const page_spans&) = default;

private:
    void normalize() {
        std::sort(spans_.begin(), spans_.end(), [](const page_span& a, const page_span& b) { return a.first < b.first; });
        std::vector<page_span> merged;
        for (const auto& r : spans_) {
            if (!merged.empty() && r.first <= merged.back().end())
                merged.back().pages = std::max(merged.back().end(), r.end()) - merged.back().first;
            else
                merged.push_back(r);
        }
        spans_ = std::move(merged);
    }
    std::vector<page_span> spans_;
};

/// A scenario page set: "none" when empty, else a list of {"first", "pages"} objects (never one index per
/// page: files are GiB-sized).
inline nlohmann::ordered_json page_set_json(const page_spans& set) {
    if (set.empty()) return "none";
    auto out = nlohmann::ordered_json::array();
    for (const auto& r : set.spans()) out.push_back({{"first", r.first}, {"pages", r.pages}});
    return out;
}

}  // namespace daxfail::snapshot

#endif
