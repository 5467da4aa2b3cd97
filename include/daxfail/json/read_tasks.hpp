// Reads tasks[] of a scenario file: each process, its threads and its file
// mappings with their present (or touched) and PMD pages.
#ifndef DAXFAIL_JSON_READ_TASKS_HPP
#define DAXFAIL_JSON_READ_TASKS_HPP

#include <daxfail/json/read_inodes.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>

namespace daxfail::json::detail {

/// tasks[]: the processes, their threads and their mappings.
class task_reader : protected inode_reader {
public:
    using inode_reader::inode_reader;

protected:
    std::optional<std::pair<bool, bool>> mce_flags(const nlohmann::json& j, const std::string& p) {
        auto k = r_.choice(j, p, "mce_kill", {"default", "early", "late"}, "default");
        if (!k) return std::nullopt;
        return std::pair{*k != "default", *k == "early"};
    }

    /// tasks[i].
    void read_task(std::size_t i, const nlohmann::json& j) {
        const std::string p = field_reader::at("tasks", i);
        if (!r_.object(j, p)) return;
        r_.only_keys(j, p, {"pid", "comm", "kernel_thread", "mm", "mce_kill", "threads", "vmas"},
                     {{"ino", "a mapping: tasks[].vmas[] items name the file they map"},
                      {"present", "a mapping: tasks[].vmas[].present"}});
        task t;
        const auto pid = r_.number(j, p, "pid", std::nullopt, 0x3FFFFFFFu);
        if (!pid) return;
        t.pid = static_cast<u32>(*pid);
        t.comm = r_.string(j, p, "comm", "task" + std::to_string(*pid)).value_or("");
        const bool kthread = r_.boolean(j, p, "kernel_thread", false).value_or(false);
        if (!kthread) t.mm = r_.number(j, p, "mm", *pid).value_or(*pid);
        const auto lead = mce_flags(j, p).value_or(std::pair{false, false});
        t.threads.push_back({t.pid, t.comm, lead.first, lead.second});
        const auto& threads = r_.limited(r_.array(j, p, "threads"), p + ".threads", max_threads, "threads");
        for (std::size_t k = 0; k < threads.size(); ++k) {
            const std::string tp = field_reader::at(p + ".threads", k);
            if (!r_.object(threads[k], tp)) continue;
            r_.only_keys(threads[k], tp, {"tid", "comm", "mce_kill"});
            const auto tid = r_.number(threads[k], tp, "tid", std::nullopt, 0x3FFFFFFFu);
            const auto flags = mce_flags(threads[k], tp);
            if (!tid || !flags) continue;
            t.threads.push_back({static_cast<u32>(*tid), r_.string(threads[k], tp, "comm", t.comm).value_or(""),
                                 flags->first, flags->second});
        }
        const auto& vmas = r_.limited(r_.array(j, p, "vmas"), p + ".vmas", max_vmas, "mappings (vm.max_map_count)");
        const std::string vmas_path = p + ".vmas";
        std::string vp;
        for (std::size_t k = 0; k < vmas.size(); ++k) {
            vp.assign(vmas_path).append("[").append(std::to_string(k)).append("]");
            if (!r_.object(vmas[k], vp)) continue;
            r_.only_keys(vmas[k], vp, {"ino", "pgoff", "pages", "start", "present", "touched", "pmd"},
                        {{"dirty", "the file: inodes[].dirty lists the pages whose DAX entries are dirty"},
                         {"cached", "the file: inodes[].cached lists the pages with DAX entries"},
                         {"mce_kill", "the task (tasks[].mce_kill) or one of its threads"}});
            const auto ino = r_.number(vmas[k], vp, "ino");
            const auto pgoff = r_.number(vmas[k], vp, "pgoff", 0);
            const auto pages = r_.number(vmas[k], vp, "pages");
            const auto start = r_.bytes(vmas[k], vp, "start");
            bool all = false, pmd_all = false;
            // "touched": the pages the task has faulted in, as one {"first", "pages"} run or a page list; the
            // same as present, in the words of someone describing what a program did.
            std::optional<page_set> present;
            if (vmas[k].contains("touched")) {
                renamed_[vp + ".present"] = vp + ".touched";
                if (vmas[k].contains("present")) r_.fail(vp + ".touched", "give present or touched, not both");
                present = r_.page_set(vmas[k], vp, "touched", all, "none");
            } else {
                present = r_.page_set(vmas[k], vp, "present", all, "all");
                derived(vmas[k], vp + ".present", "every page of the mapping is present");
            }
            const auto pmd = r_.page_set(vmas[k], vp, "pmd", pmd_all, "none");
            if (!ino || !pgoff || !pages || !start || !present || !pmd) continue;
            vma v{*ino, *pgoff, *pages, *start, {}};
            if (all && *pages && *pgoff + (*pages - 1) >= *pgoff)
                v.present.assign(*pgoff, *pgoff + *pages - 1, mapping_size::pte);
            for (const auto& r : *present) v.present.assign(r.first, r.last, mapping_size::pte);
            if (pmd_all && *pages && *pgoff + (*pages - 1) >= *pgoff)
                v.present.assign(*pgoff, *pgoff + *pages - 1, mapping_size::pmd);
            for (const auto& r : *pmd) {
                if (!all)
                    present->for_each_in(r.first, r.last, [&](const page_run<present_t>& both) {
                        r_.fail(vp + ".pmd", "page " + std::to_string(both.first) + " is in both present and pmd");
                    });
                v.present.assign(r.first, r.last, mapping_size::pmd);
            }
            // A PMD mapping means a 2 MiB entry in the file's address_space.
            if (auto f = w_.inodes.find(*ino); f != w_.inodes.end())
                for (const auto& r : v.present)
                    if (r.value == mapping_size::pmd)
                        f->second.cache.update(r.first, r.last, [](cache_entry& e) { e.pmd = true; });
            t.vmas.push_back(std::move(v));
        }
        w_.tasks.push_back(std::move(t));
    }
};

}  // namespace daxfail::json::detail

#endif
