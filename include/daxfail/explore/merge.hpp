// Shards of one exploration (`daxfail explore --shard K/N`, explore/run.hpp)
// joined into the results a single run gives: with --no-timing, the same bytes.
// A shard that does not belong (another run's, given twice, a part missing) is
// an error, never a quietly different report.
#ifndef DAXFAIL_EXPLORE_MERGE_HPP
#define DAXFAIL_EXPLORE_MERGE_HPP

#include <daxfail/detail/whole_number.hpp>
#include <daxfail/explore/explorer.hpp>
#include <daxfail/explore/report.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace daxfail::explore {

/// The joined report, or what stopped the join.
struct merged {
    std::vector<result> results;
    options bounds;      ///< the depth and preemptions every shard ran with
    bool timing = true;  ///< false when a shard ran with --no-timing
    std::string file;    ///< when the error is about one file: that file
    std::string error;   ///< empty when joined
    bool ok() const { return error.empty(); }
};

/// Shards added one by one, then joined.
class shard_merger {
  public:
    /// Adds one shard's document; throws std::exception (invalid_argument, nlohmann's) when it does not belong.
    void add(const nlohmann::json& j) {
        note_shard(j.at("shard").get<std::string>());
        const u32 depth = j.at("depth").get<u32>(), pre = j.at("preemptions").get<u32>();
        const u64 np = j.at("pairs").get<u64>();
        const std::string names = j.at("names").get<std::string>();
        options b;
        b.depth = depth;
        b.preemptions = pre;
        if (j.contains("strategy")) {  // random, pct
            const auto st = strategy_from_name(j.at("strategy").get<std::string>());
            if (!st) throw std::invalid_argument("unknown strategy");
            b.strategy = *st;
            b.runs = j.at("runs").get<u64>();
            b.seed = j.at("seed").get<u64>();
            b.pct_depth = j.value("pct_depth", b.pct_depth);
        }
        const auto red = reduction_from_name(j.value("reduction", std::string("none")));
        if (!red) throw std::invalid_argument("unknown reduction \"" + j.at("reduction").get<std::string>() + "\"");
        b.reduction = *red;
        if (pairs_ && (*pairs_ != np || depth != out_.bounds.depth || pre != out_.bounds.preemptions || names != names_ ||
                       b.strategy != out_.bounds.strategy || b.runs != out_.bounds.runs || b.seed != out_.bounds.seed ||
                       b.pct_depth != out_.bounds.pct_depth || b.reduction != out_.bounds.reduction))
            throw std::invalid_argument("explored with other variants, scenarios or bounds than the first file");
        pairs_ = np;
        names_ = names;
        out_.bounds = b;
        out_.timing = out_.timing && j.at("timing").get<bool>();
        for (const auto& p : j.at("parts")) {
            const u64 pair = p.at("pair").get<u64>(), item = p.at("item").get<u64>(), items = p.at("items").get<u64>();
            if (pair >= np || item >= items) throw std::invalid_argument("a part's pair or item is out of range");
            parts_.push_back({pair, item, items, part_from_json(p)});
        }
    }

    /// The results, pair by pair; an error when a shard or a part is missing or the shards disagree.
    merged finish() {
        for (std::size_t k = 0; k < seen_.size(); ++k)
            if (!seen_[k]) return failed("shard " + std::to_string(k + 1) + "/" + std::to_string(seen_.size()) + " is missing");
        std::sort(parts_.begin(), parts_.end(),
                  [](const part& a, const part& b) { return std::pair(a.pair, a.item) < std::pair(b.pair, b.item); });
        for (std::size_t k = 1; k < parts_.size(); ++k) {
            const part &a = parts_[k - 1], &b = parts_[k];
            if (b.pair == a.pair && (b.item == a.item || b.items != a.items || b.r.variant != a.r.variant ||
                                     b.r.scenario != a.r.scenario))
                return failed("the shards disagree about part " + std::to_string(b.item) + " of pair " +
                              std::to_string(b.pair) + " (given twice, or from another run)");
        }
        for (u64 p = 0; p < pairs_.value_or(0); ++p)
            if (!join_pair(p)) return out_;
        return out_;
    }

  private:
    struct part {
        u64 pair, item, items;
        result r;
    };

    void note_shard(const std::string& shard) {
        const auto slash = shard.find('/');
        unsigned long k = 0, n = 0;
        if (slash == std::string::npos || !daxfail::detail::whole_number(shard.substr(0, slash), 0, 1u << 20, k) ||
            !daxfail::detail::whole_number(shard.substr(slash + 1), 0, 1u << 20, n))
            throw std::invalid_argument("\"shard\" is not K/N");
        if (seen_.empty()) seen_.assign(n, false);
        if (n != seen_.size() || k == 0 || k > n) throw std::invalid_argument("shard " + shard + " does not belong with the others");
        if (seen_[k - 1]) throw std::invalid_argument("shard " + shard + " given twice");
        seen_[k - 1] = true;
    }

    /// Pair `p` from its parts (sorted): false, with the error, when some are missing.
    bool join_pair(u64 p) {
        std::optional<result> r;
        u64 count = 0, expected = 0;
        for (const auto& x : parts_) {
            if (x.pair != p) continue;
            if (!r) r = fresh(x.r);
            combine(*r, x.r);
            ++count;
            expected = x.items;
        }
        if (!r || count != expected) {
            failed("the shards hold " + std::to_string(count) + " of the parts of pair " + std::to_string(p));
            return false;
        }
        out_.results.push_back(*r);
        return true;
    }

    /// A part's names and file with nothing counted yet.
    result fresh(result r) const {
        r.depth = out_.bounds.depth;
        r.preemptions = out_.bounds.preemptions;
        for (auto& i : r.invariants) {
            invariant_summary none;
            none.name = i.name;
            i = none;
        }
        r.schedules = r.states = r.cut = r.pruned = r.runs = 0;
        r.covered.clear();
        r.stopped = false;
        r.seconds = 0;
        r.sequential_known = false;
        return r;
    }

    merged failed(std::string why) {
        out_.results.clear();
        out_.error = std::move(why);
        return out_;
    }

    merged out_;
    std::optional<u64> pairs_;
    std::string names_;
    std::vector<bool> seen_;
    std::vector<part> parts_;
};

/// Reads and joins the shard files, in the order given.
inline merged merge_shard_files(const std::vector<std::string>& files) {
    shard_merger m;
    for (const auto& f : files) {
        merged bad;
        bad.file = f;
        std::ifstream in(f);
        if (!in) {
            bad.error = "cannot be opened";
            return bad;
        }
        try {
            m.add(nlohmann::json::parse(in));
        } catch (const std::exception& e) {
            bad.error = std::string("not a shard of `daxfail explore --shard K/N`: ") + e.what();
            return bad;
        }
    }
    return m.finish();
}

}  // namespace daxfail::explore

#endif
