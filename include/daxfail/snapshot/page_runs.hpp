// Sets of page indices kept as sorted runs {first, pages}, and their JSON form in scenario files.
#ifndef DAXFAIL_SNAPSHOT_PAGE_RUNS_HPP
#define DAXFAIL_SNAPSHOT_PAGE_RUNS_HPP

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace daxfail::snapshot {

/// `pages` consecutive page indices starting at `first`.
struct page_run {
    std::uint64_t first = 0;
    std::uint64_t pages = 0;
    std::uint64_t end() const noexcept { return first + pages; }
    friend bool operator==(const page_run&, const page_run&) = default;
};

/// A set of pages as disjoint, non-adjacent runs in ascending order.
class page_runs {
public:
    page_runs() = default;

    /// Adds [first, first + pages); keeps the runs sorted and merged.
    void add(std::uint64_t first, std::uint64_t pages) {
        if (pages == 0) return;
        // Fast path: appending in ascending order, as every reader here does.
        if (runs_.empty() || first > runs_.back().end()) {
            runs_.push_back({first, pages});
            return;
        }
        if (first >= runs_.back().first) {
            runs_.back().pages = std::max(runs_.back().end(), first + pages) - runs_.back().first;
            return;
        }
        runs_.push_back({first, pages});
        normalize();
    }
    void add(const page_runs& other) {
        for (const auto& r : other.runs_) add(r.first, r.pages);
    }
    /// The pages of this set that are not in `other`.
    page_runs minus(const page_runs& other) const {
        page_runs out;
        std::size_t j = 0;
        for (const auto& r : runs_) {
            std::uint64_t at = r.first;
            while (j < other.runs_.size() && other.runs_[j].end() <= at) ++j;
            for (std::size_t k = j; k < other.runs_.size() && other.runs_[k].first < r.end(); ++k) {
                if (other.runs_[k].first > at) out.add(at, other.runs_[k].first - at);
                at = std::max(at, other.runs_[k].end());
            }
            if (at < r.end()) out.add(at, r.end() - at);
        }
        return out;
    }
    /// The same set moved by `delta` pages (e.g. from VMA-relative to file page indices).
    page_runs shifted(std::uint64_t delta) const {
        page_runs out = *this;
        for (auto& r : out.runs_) r.first += delta;
        return out;
    }
    bool contains(std::uint64_t page) const noexcept {
        auto it = std::upper_bound(runs_.begin(), runs_.end(), page,
                                   [](std::uint64_t p, const page_run& r) { return p < r.first; });
        return it != runs_.begin() && page < std::prev(it)->end();
    }
    std::uint64_t count() const noexcept {
        std::uint64_t n = 0;
        for (const auto& r : runs_) n += r.pages;
        return n;
    }
    bool empty() const noexcept { return runs_.empty(); }
    const std::vector<page_run>& runs() const noexcept { return runs_; }
    friend bool operator==(const page_runs&, const page_runs&) = default;

private:
    void normalize() {
        std::sort(runs_.begin(), runs_.end(), [](const page_run& a, const page_run& b) { return a.first < b.first; });
        std::vector<page_run> merged;
        for (const auto& r : runs_) {
            if (!merged.empty() && r.first <= merged.back().end())
                merged.back().pages = std::max(merged.back().end(), r.end()) - merged.back().first;
            else
                merged.push_back(r);
        }
        runs_ = std::move(merged);
    }
    std::vector<page_run> runs_;
};

/// A scenario page set: "none" when empty, else a list of {"first", "pages"} objects (never one index per
/// page: files are GiB-sized).
inline nlohmann::ordered_json page_set_json(const page_runs& set) {
    if (set.empty()) return "none";
    auto out = nlohmann::ordered_json::array();
    for (const auto& r : set.runs()) out.push_back({{"first", r.first}, {"pages", r.pages}});
    return out;
}

}  // namespace daxfail::snapshot

#endif
