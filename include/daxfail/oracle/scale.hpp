// A plan whose files do not fit the guest's 1 GiB namespace, scaled down to it
// when what matters survives: every file keeps its place in the order of the
// files and its allocation group relative to the AG count (the guest creates
// it in a directory whose inode lives in that AG, and XFS allocates a file's
// data near its inode), the same sharing (whole-file clones), the same tasks
// and mappings, and the same state of every page the event or an actor names
// (touched or not, in each mapping). Sizes shrink by one factor k: page p of a
// file becomes page p / k, a VMA [pgoff, pgoff + pages) becomes
// [pgoff / k, ceil((pgoff + pages) / k)); files nobody maps or names are left
// out when there are more than the guest makes. The plan says what changed
// ("scaled": one line per change, printed by `daxfail oracle --dry-run`), and
// the model is judged on the world the guest then builds, as for any plan.
#ifndef DAXFAIL_ORACLE_SCALE_HPP
#define DAXFAIL_ORACLE_SCALE_HPP

#include <daxfail/detail/numbers_text.hpp>
#include <daxfail/oracle/actor_plan.hpp>
#include <daxfail/scenario.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace daxfail::oracle {

/// The file pages a plan holds without scaling (the guest's 1 GiB namespace less its metadata: 960 MiB).
inline constexpr u64 guest_file_pages = u64{15} << 14;
/// What a scaled plan's files take at most (768 MiB): room for the metadata and for a race's 64 MiB busy file.
inline constexpr u64 scaled_file_pages = u64{3} << 16;
/// The guest makes at most this many files and tasks.
inline constexpr std::size_t guest_files = 1000, guest_tasks = 1000;

namespace detail {
inline u64 n(const nlohmann::ordered_json& j) {
    return j.is_string() ? std::stoull(j.get<std::string>(), nullptr, 0) : j.get<u64>();
}
inline std::string size_text(u64 pages) {
    const u64 bytes = pages * page_size;
    if (bytes >= (u64{1} << 30)) return std::to_string(bytes >> 30) + " GiB";
    return std::to_string(bytes >> 20) + " MiB";
}

/// The pages of file data in a plan.
inline u64 file_pages(const nlohmann::ordered_json& plan) {
    u64 total = 0;
    for (const auto& f : plan["files"]) total += n(f["pages"]);
    return total;
}

/// The pages that matter one by one, as (file, page): the event's and the actors'. False with `why` when the
/// event names a place on the device, which scaling the files would move.
inline bool named_pages(const nlohmann::ordered_json& plan, std::vector<std::pair<std::string, u64>>& named, std::string& why) {
    const auto& ev = plan["event"];
    if (ev.contains("file")) named.emplace_back(ev["file"].get<std::string>(), n(ev["page"]));
    for (const auto& pg : ev.value("pages", nlohmann::ordered_json::array())) {
        if (pg.contains("namespace_offset") || pg.contains("group")) {
            why = "a memory failure at a place on the device (an offset or an AG block), which does not survive scaling "
                  "the files down";
            return false;
        }
        if (pg.contains("file")) named.emplace_back(pg["file"].get<std::string>(), n(pg["page"]));
    }
    if (ev.contains("group") || ev.contains("agbno")) {
        why = "a memory failure in an AG header of a world scaled down (its AG would not be the same)";
        return false;
    }
    for (const auto& a : plan.value("actors", nlohmann::ordered_json::array()))
        for (const auto& st : a["steps"])
            if (st.contains("file") && st.contains("page")) named.emplace_back(st["file"].get<std::string>(), n(st["page"]));
    return true;
}

/// The files a scaled plan must keep: mapped, named by the event or an actor, or in a clone pair.
inline std::set<std::string> needed_files(const nlohmann::ordered_json& plan, const std::vector<std::pair<std::string, u64>>& named) {
    std::set<std::string> needed;
    for (const auto& t : plan["tasks"])
        for (const auto& v : t["vmas"]) needed.insert(v["file"].get<std::string>());
    for (const auto& [f, p] : named) needed.insert(f);
    for (const auto& f : plan["files"])
        if (f.contains("clone_of")) {
            needed.insert(f["clone_of"].get<std::string>());
            needed.insert(f["name"].get<std::string>());
        }
    if (plan["event"].contains("attr_of")) needed.insert(plan["event"]["attr_of"].get<std::string>());
    return needed;
}

/// Files nobody maps, names or clones, beyond what the guest makes, are left out (the others keep their order).
inline bool leave_out_files(nlohmann::ordered_json& plan, const std::set<std::string>& needed,
                            std::vector<std::string>& changes, std::string& why) {
    if (needed.size() > guest_files) {
        why = std::to_string(needed.size()) + " files that tasks map or the event names (the guest makes at most " +
              std::to_string(guest_files) + ")";
        return false;
    }
    auto kept = nlohmann::ordered_json::array();
    std::size_t spare = guest_files - needed.size(), dropped = 0;
    for (const auto& f : plan["files"]) {
        if (needed.count(f["name"].get<std::string>())) kept.push_back(f);
        else if (spare) {
            kept.push_back(f);
            --spare;
        } else {
            ++dropped;
        }
    }
    plan["files"] = kept;
    changes.push_back(std::to_string(dropped) + " files nobody maps or names left out (" + std::to_string(kept.size()) +
                      " kept, in their order)");
    return true;
}

/// Whether a VMA's plan touches file page p.
inline bool touched_in(const nlohmann::ordered_json& v, u64 p) {
    if (v["touch"].is_string()) return true;
    for (const auto& t : v["touch"])
        if (n(t) == p) return true;
    return false;
}

/// Each named page keeps its state in every mapping of its file (touched or not) and stays apart from the other
/// named pages of its file, once page p becomes page p / k.
inline bool named_pages_survive(const nlohmann::ordered_json& plan, const std::vector<std::pair<std::string, u64>>& named,
                                u64 k, std::string& why) {
    auto down = [&](u64 p) { return p / k; };
    for (const auto& [file, p] : named)
        for (const auto& t : plan["tasks"])
            for (const auto& v : t["vmas"]) {
                if (v["file"] != file || p < n(v["pgoff"]) || p >= n(v["pgoff"]) + n(v["pages"])) continue;
                const bool was = touched_in(v, p);
                bool becomes = v["touch"].is_string();
                for (const auto& q : v["touch"].is_string() ? nlohmann::ordered_json::array() : v["touch"])
                    becomes = becomes || down(n(q)) == down(p);
                if (was != becomes) {
                    why = "page " + std::to_string(p) + " of " + file + " is " + (was ? "" : "not ") + "touched by " +
                          t["comm"].get<std::string>() + " but shares page " + std::to_string(down(p)) +
                          " of the file scaled down by " + std::to_string(k) + " with pages that are" + (was ? " not" : "");
                    return false;
                }
            }
    for (std::size_t i = 0; i < named.size(); ++i)
        for (std::size_t j = i + 1; j < named.size(); ++j)
            if (named[i].first == named[j].first && named[i].second != named[j].second && down(named[i].second) == down(named[j].second)) {
                why = "pages " + std::to_string(named[i].second) + " and " + std::to_string(named[j].second) + " of " +
                      named[i].first + " would become one page scaled down by " + std::to_string(k);
                return false;
            }
    return true;
}

/// The AG of each file's first data extent in the world, by the plan's file name.
inline std::map<std::string, u32> first_extent_ags(const scenario& s) {
    std::map<std::string, u32> ag_of;
    const u32 groups = static_cast<u32>(s.world.mp.data.rmap.size());
    for (u32 g = 0; g < groups; ++g)
        for (const auto& r : s.world.mp.data.rmap[g]) {
            if (r.attr_fork || r.bmbt_block || !s.world.inodes.count(r.owner)) continue;
            const std::string name = plan_file_name(r.owner, s.world.inodes.at(r.owner));
            if (!ag_of.count(name) || r.offset == 0) ag_of[name] = g;
        }
    return ag_of;
}

/// The files scaled down by k (whole 2 MiB for a 2 MiB aligned one), each keeping the AG of its first extent
/// relative to the AG count (at most 16 in the guest).
inline void scale_files(const scenario& s, nlohmann::ordered_json& plan, u64 k, std::vector<std::string>& changes) {
    const u32 groups = static_cast<u32>(s.world.mp.data.rmap.size());
    const u32 guest_groups = std::min<u32>(std::max<u32>(groups, 1), 16);
    auto ag_of = first_extent_ags(s);
    if (guest_groups != 4) {
        plan["agcount"] = guest_groups;
        changes.push_back(std::to_string(groups) + " allocation groups -> " + std::to_string(guest_groups));
    }
    for (auto& f : plan["files"]) {
        const std::string name = f["name"];
        const u64 before = n(f["pages"]);
        u64 after = std::max<u64>(1, (before + k - 1) / k);
        if (f.value("align_2m", false)) after = (after + pmd_pages - 1) / pmd_pages * pmd_pages;
        f["pages"] = after;
        std::string line = name + ": " + std::to_string(before) + " pages -> " + std::to_string(after);
        if (ag_of.count(name) && groups > 1 && !f.value("realtime", false)) {
            f["ag"] = static_cast<u32>(u64{ag_of[name]} * guest_groups / groups);
            line += ", first extent in AG " + std::to_string(ag_of[name]) + " of " + std::to_string(groups) + " -> AG " +
                    std::to_string(f["ag"].get<u32>()) + " of " + std::to_string(guest_groups);
        }
        if (k > 1) changes.push_back(line);
    }
}

/// A PMD mapping scaled down by k: whole 2 MiB pages still, the first page of each touched.
inline bool scale_pmd_vma(const nlohmann::ordered_json& t, nlohmann::ordered_json& v, u64 k, std::string& why) {
    const u64 pgoff = n(v["pgoff"]), pages = n(v["pages"]);
    if (pgoff % (pmd_pages * k) || pages % (pmd_pages * k)) {
        why = t["comm"].get<std::string>() + "'s PMD mapping of " + v["file"].get<std::string>() + " cannot be divided by " +
              std::to_string(k) + " into whole 2 MiB pages";
        return false;
    }
    auto touch = nlohmann::ordered_json::array();
    for (u64 p = pgoff / k; p < (pgoff + pages) / k; p += pmd_pages) touch.push_back(p);
    v["pgoff"] = pgoff / k;
    v["pages"] = pages / k;
    v["touch"] = touch;
    return true;
}

/// Every mapping scaled down by k: [pgoff, pgoff + pages) becomes [pgoff / k, ceil((pgoff + pages) / k)), its
/// touched pages p / k.
inline bool scale_vmas(nlohmann::ordered_json& plan, u64 k, std::vector<std::string>& changes, std::string& why) {
    for (auto& t : plan["tasks"])
        for (auto& v : t["vmas"]) {
            if (v.value("pmd", false)) {
                if (!scale_pmd_vma(t, v, k, why)) return false;
                continue;
            }
            const u64 pgoff = n(v["pgoff"]), pages = n(v["pages"]);
            const u64 first = pgoff / k, end = (pgoff + pages + k - 1) / k;
            std::vector<u64> was, now;
            if (!v["touch"].is_string()) {
                std::set<u64> scaled;
                for (const auto& p : v["touch"]) {
                    was.push_back(n(p));
                    scaled.insert(n(p) / k);
                }
                now.assign(scaled.begin(), scaled.end());
                v["touch"] = now;
            }
            v["pgoff"] = first;
            v["pages"] = end - first;
            if (k > 1)
                changes.push_back(t["comm"].get<std::string>() + ": mapping of " + v["file"].get<std::string>() + " pgoff " +
                                  std::to_string(pgoff) + " pages " + std::to_string(pages) + " -> pgoff " +
                                  std::to_string(first) + " pages " + std::to_string(end - first) +
                                  (v["touch"].is_string() ? std::string(", every page touched")
                                                          : ", touched " + daxfail::detail::numbers_text(was, 6) + " -> " + daxfail::detail::numbers_text(now, 6)));
        }
    return true;
}

/// The pages the event, the actors and the re-read loop name, scaled down by k.
inline void scale_named_pages(nlohmann::ordered_json& plan, u64 k) {
    auto& e = plan["event"];
    if (e.contains("page")) e["page"] = n(e["page"]) / k;
    if (e.contains("pages"))
        for (auto& pg : e["pages"])
            if (pg.contains("page")) pg["page"] = n(pg["page"]) / k;
    if (plan.contains("actors"))
        for (auto& a : plan["actors"])
            for (auto& st : a["steps"])
                if (st.contains("page")) st["page"] = n(st["page"]) / k;
    if (plan.contains("reread")) plan["reread"]["page"] = n(plan["reread"]["page"]) / k;
}
}  // namespace detail

/// Scales `plan` (plan_of_world's, with its actors) to the guest when its files exceed guest_file_pages; true when
/// it fits (scaled or not), false with `why` naming what does not fit.
inline bool scale_to_guest(const scenario& s, nlohmann::ordered_json& plan, std::string& why) {
    u64 total = detail::file_pages(plan);
    if (total <= guest_file_pages && plan["files"].size() <= guest_files) return true;
    if (plan["tasks"].size() > guest_tasks) {
        why = std::to_string(plan["tasks"].size()) + " tasks that map files (the guest makes at most " +
              std::to_string(guest_tasks) + ")";
        return false;
    }
    std::vector<std::string> changes;
    std::vector<std::pair<std::string, u64>> named;
    if (!detail::named_pages(plan, named, why)) return false;
    if (plan["files"].size() > guest_files) {
        if (!detail::leave_out_files(plan, detail::needed_files(plan, named), changes, why)) return false;
        total = detail::file_pages(plan);
    }
    const u64 k = std::max<u64>(1, (total + scaled_file_pages - 1) / scaled_file_pages);
    if (k > 1)
        changes.push_back("files scaled down by " + std::to_string(k) + " (" + detail::size_text(total) +
                          " of file data; the guest's namespace holds " + detail::size_text(guest_file_pages) +
                          "): page p of a file is page p / " + std::to_string(k));
    if (!detail::named_pages_survive(plan, named, k, why)) return false;
    detail::scale_files(s, plan, k, changes);
    if (!detail::scale_vmas(plan, k, changes, why)) return false;
    detail::scale_named_pages(plan, k);
    plan["scaled"] = changes;
    return true;
}

}  // namespace daxfail::oracle

#endif
