// The state one run threads through the modelled kernel functions: the world
// being changed, the variant's config, the outcome being recorded (as runs),
// the model clock, the indexes built once per run (file extents, who maps
// which file) and the user's limits. Users never name this.
#ifndef DAXFAIL_DETAIL_CONTEXT_HPP
#define DAXFAIL_DETAIL_CONTEXT_HPP

#include <daxfail/config.hpp>
#include <daxfail/detail/extents.hpp>
#include <daxfail/detail/flat_u64_map.hpp>
#include <daxfail/detail/lex_less.hpp>
#include <daxfail/event.hpp>
#include <daxfail/outcome.hpp>
#include <daxfail/run_options.hpp>
#include <daxfail/world.hpp>

#include <algorithm>
#include <ctime>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace daxfail::detail {

/// Where a kernel path can block or be preempted, the explorer (explore/) takes over: other actors may run
/// before the path goes on. A sequential run has no hook and yields cost one test.
struct yield_hook {
    /// The path is about to do `point` (a kernel function; `detail` says on what).
    virtual void yield(const char* point, std::string detail) = 0;
    /// Whether another actor could still change the world (the freeze retry's look-ahead asks).
    virtual bool others_may_act() const = 0;

protected:
    ~yield_hook() = default;
};

/// Thrown inside the model to end a run that cannot return; caught by run().
struct stop_run {
    end_state end;
    std::string detail;
};

/// A victim found by collect_procs (struct to_kill), for a run of `pages` pages from `addr`.
struct to_kill {
    u32 tid = 0;
    std::string comm;
    u64 addr = 0;
    int size_shift = 0;
    std::size_t mapping = 0;  ///< which (task, vma) pair: signal runs extend only the latest run of the same pair
};

/// A mapping of a file by a task that may be a victim: the task's mm maps it through `v`.
struct mapper {
    std::size_t task = 0;   ///< index into world::tasks (for_each_process order)
    vma* v = nullptr;
    u32 pid = 0;            ///< the pid of the task owning the vma (for unmap records)
    std::size_t id = 0;     ///< mappers: this (task, vma) pair; vmas: this vma (indexes the run recorders)
};

/// What the model looks up about one file, found with one probe of the file table.
struct file_refs {
    inode* ip = nullptr;
    std::span<const file_extent> extents;  ///< sorted by file block (empty: no data extents)
    std::span<const mapper> mappers;  ///< every mapping of the file by a task's mm (see mappers_of)
    std::span<const mapper> vmas;     ///< every vma of the file once
};

struct kernel_context {
    world& w;
    const config& cfg;
    outcome& out;
    const event& ev;
    run_options opts;
    u64 now_ms = 0;
    extent_index extents;  ///< data-fork extents by inode
    /// Per task, the thread a notification signals, once per run for each kernel::picker (the generic path's
    /// task_early_kill, the collector policy outside and on pre-remove).
    std::optional<std::vector<const thread*>> candidates[3];
    /// Pages each task maps in a walk's range (task index, ino, first, last), for collectors that read the page.
    std::map<std::tuple<std::size_t, u64, u64, u64>, u64> pages_in_range;
    std::string scratch;  ///< a reusable buffer for text built on hot paths
    std::vector<to_kill> spare_victims;  ///< a victim list's storage, handed back after use (one allocation per run)
    yield_hook* hook = nullptr;  ///< set by the explorer; null in a sequential run

    kernel_context(world& w_, const config& cfg_, outcome& out_, const event& ev_, const run_options& o)
        : w(w_), cfg(cfg_), out(out_), ev(ev_), opts(o), extents(build_extent_index(w_)), log_(out_.log) {
        if (o.max_seconds > 0) deadline_ = now_seconds() + o.max_seconds;
        build_mapper_index();
    }
    kernel_context(const kernel_context&) = delete;
    kernel_context& operator=(const kernel_context&) = delete;

    /// How many more indices mf_dax_kill_procs may walk before the walk has taken run_options::walk_patience
    /// (u64 max when the model waits for every walk).
    u64 walk_budget() const noexcept {
        if (!(opts.walk_patience > 0) || !(opts.index_rate > 0)) return ~u64{0};
        const double total = opts.walk_patience * opts.index_rate;
        if (!(total < 1.8e19)) return ~u64{0};
        const auto limit = static_cast<u64>(total);
        return limit > out.cost.indices_walked ? limit - out.cost.indices_walked : 0;
    }

    /// Whether step details are still being kept (build them only then).
    bool tracing() const noexcept { return out.trace.size() < opts.trace_limit; }

    /// Records a modelled kernel step. Only the user's limits can stop a run here.
    void step(const char* function, std::string detail = {}) {
        if (tracing()) out.trace.push_back({function, std::move(detail)});
        else ++out.cost.trace_dropped;
        count_step(function);
    }
    /// Same, building the detail only while the trace is kept.
    template <class F>
        requires std::is_invocable_r_v<std::string, F>
    void step(const char* function, F&& detail) {
        if (tracing()) out.trace.push_back({function, detail()});
        else ++out.cost.trace_dropped;
        count_step(function);
    }

    /// A point where the kernel path can block or be preempted (each call site names the lock or wait it
    /// stands for); other actors may run here when the explorer drives the run.
    template <class F>
    void yield(const char* point, F&& detail) {
        if (hook) hook->yield(point, detail());
    }
    /// Whether anything besides this path (a scheduled thaw, another actor) can still change the world.
    bool others_may_act() const { return !w.scheduled_thaws.empty() || (hook && hook->others_may_act()); }

    /// A log line; with `count` > 1, that many lines "Memory failure: <pfn + i>: ..." (i from 0), given the first.
    void log(log_level level, std::string text, u64 count = 1) { log_.add(level, std::move(text), count); }
    /// `count` lines "Memory failure: <pfn + i><rest>" (rest starts with ": ").
    void log_pfn(log_level level, u64 pfn, std::string_view rest, u64 count = 1) { log_.add_pfn(level, pfn, rest, count); }
    /// xfs_alert/xfs_err/...: "XFS (<fsname>): <text>".
    void xfs_log(log_level level, const std::string& text) { log(level, "XFS (" + w.mp.fsname + "): " + text); }

    /// Records `s` (a run of signals through one mapper), joining that mapper's latest run when it continues it.
    void signal(signal_record s, std::size_t mapping) {
        auto& last = last_signal_[mapping];
        if (last != npos) {
            auto& r = out.signals[last];
            if (r.pid == s.pid && r.si_code == s.si_code && r.signo == s.signo && r.addr_lsb == s.addr_lsb &&
                r.comm == s.comm && r.addr + (r.pages << r.addr_lsb) == s.addr) {
                r.pages += s.pages;
                return;
            }
        }
        last = out.signals.size();
        out.signals.push_back(std::move(s));
    }
    /// Records a zapped run of vma `vma_id`, joining its latest run when contiguous.
    void unmapped(const pte_record& p, std::size_t vma_id) {
        auto& last = last_unmap_[vma_id];
        if (last != npos) {
            auto& r = out.unmapped[last];
            if (r.shift == p.shift && r.pgoff + r.pages == p.pgoff) {
                r.pages += p.pages;
                return;
            }
        }
        last = out.unmapped.size();
        out.unmapped.push_back(p);
    }

    /// The mapper id of (task index, vma) for the kernel's every-task loop (a scan: the slow reference path).
    std::size_t mapper_id(u64 ino, std::size_t task, const vma* v) const {
        for (const auto& m : mappers_of(ino))
            if (m.task == task && m.v == v) return m.id;
        return 0;
    }

    const thread* find_thread(u32 tid) const {
        for (const auto& t : w.tasks)
            for (const auto& th : t.threads)
                if (th.tid == tid) return &th;
        return nullptr;
    }
    const task* task_of_thread(u32 tid) const {
        for (const auto& t : w.tasks)
            for (const auto& th : t.threads)
                if (th.tid == tid) return &t;
        return nullptr;
    }
    /// The mm of `current`; nullopt for a kernel thread or an unknown tid.
    std::optional<u64> current_mm() const {
        const task* t = task_of_thread(ev.current_tid);
        return t ? t->mm : std::nullopt;
    }

    /// The run of pfns backing page `index` of inode `ino` onwards, if the file has a block there.
    std::optional<pfn_run> pfn_run_at(u64 ino, u64 index) const {
        return pfn_run_of(file(ino).extents, w.devices, w.mp.blocksize, index);
    }

    /// Hints that the walk will soon ask about `ino`: `stage` 0 starts loading its slot in the file table, 1
    /// (later, once the slot has arrived) what the slot points to. A whole-device walk visits files in disk
    /// order, which in a fragmented filesystem is no order at all; overlapping those memory loads is most of
    /// what makes a million-record walk fast. Changes nothing the model does.
    void prefetch_file(u64 ino, int stage) const noexcept {
        if (stage == 0) return files_.prefetch(ino);
        const file_refs* f = files_.find(ino);
        if (!f) return;
        if (f->ip) prefetch(f->ip);
        if (!f->extents.empty()) prefetch(f->extents.data());
        if (!f->mappers.empty()) prefetch(f->mappers.data());
        if (!f->vmas.empty()) prefetch(f->vmas.data());
    }

    /// The inode `ino` (xfs_iget's lookup), or null; a hash lookup instead of a walk of world::inodes.
    inode* find_inode(u64 ino) const { return file(ino).ip; }

    /// Every mapping of `ino` by a task's mm, in for_each_process order, each task's in interval-tree order.
    std::span<const mapper> mappers_of(u64 ino) const { return file(ino).mappers; }
    /// Every vma of `ino` once, with its owner's pid (the interval tree's contents).
    std::span<const mapper> vmas_of(u64 ino) const { return file(ino).vmas; }

private:
    /// Wall-clock seconds (<ctime> rather than <chrono>: it keeps every TU that includes the model lighter).
    static double now_seconds() noexcept {
        std::timespec ts{};
        std::timespec_get(&ts, TIME_UTC);
        return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
    }

    void count_step(const char* function) {
        ++out.cost.steps;
        if (opts.max_steps && out.cost.steps > opts.max_steps)
            throw stop_run{end_state::limit_reached, "run_options::max_steps (" + std::to_string(opts.max_steps) +
                                                         ") reached at " + function};
        if (deadline_ && (out.cost.steps & 1023) == 0 && now_seconds() > *deadline_)
            throw stop_run{end_state::limit_reached,
                           "run_options::max_seconds (" + std::to_string(opts.max_seconds) + ") reached at " + function};
    }

    void build_mapper_index() {
        flat_u64_map<std::vector<std::size_t>> tasks_of_mm;
        for (std::size_t i = 0; i < w.tasks.size(); ++i)
            if (w.tasks[i].mm) tasks_of_mm[*w.tasks[i].mm].push_back(i);
        // Both lists are kept file by file in one array each (a file's entries are adjacent).
        std::size_t vma_count = 0;
        for (auto& t : w.tasks) {
            if (!t.mm) continue;
            for (auto& v : t.vmas) {
                vmas_.push_back({0, &v, t.pid, vma_count++});
                for (std::size_t i : tasks_of_mm[*t.mm]) mappers_.push_back({i, &v, t.pid, mappers_.size()});
            }
        }
        last_signal_.assign(mappers_.size(), npos);
        last_unmap_.assign(vma_count, npos);
        // Ids are unique and follow the push order, so as the last key they make these stable sorts.
        std::sort(vmas_.begin(), vmas_.end(),
                  [](const mapper& a, const mapper& b) { return lex_less({{a.v->ino, b.v->ino}, {a.id, b.id}}); });
        std::sort(mappers_.begin(), mappers_.end(), [](const mapper& a, const mapper& b) {
            return lex_less({{a.v->ino, b.v->ino}, {a.task, b.task}, {a.v->pgoff, b.v->pgoff}, {a.v->start, b.v->start},
                             {a.id, b.id}});
        });
        files_.reserve(w.inodes.size() + extents.size());
        for (auto& [ino, ip] : w.inodes) files_[ino].ip = &ip;
        extents.for_each([&](u64 ino, std::span<const file_extent> ext) { files_[ino].extents = ext; });
        for_each_file_range(mappers_, [&](u64 ino, std::span<const mapper> r) { files_[ino].mappers = r; });
        for_each_file_range(vmas_, [&](u64 ino, std::span<const mapper> r) { files_[ino].vmas = r; });
    }
    template <class F>
    static void for_each_file_range(const std::vector<mapper>& list, F&& f) {
        for (std::size_t i = 0; i < list.size();) {
            std::size_t j = i;
            while (j < list.size() && list[j].v->ino == list[i].v->ino) ++j;
            f(list[i].v->ino, std::span<const mapper>(list.data() + i, j - i));
            i = j;
        }
    }

    log_builder log_;
    std::optional<double> deadline_;
    static constexpr std::size_t npos = ~std::size_t{0};

    /// What the model looks up about one file; the kernel path asks for the same file many times in a row
    /// (one rmap record: iget, kill, collect, unmap, invalidate), so the last answer is kept.
    const file_refs& file(u64 ino) const {
        if (cached_ && cached_ino_ == ino) return *cached_;
        static const file_refs none;
        const file_refs* f = files_.find(ino);
        cached_ = f ? f : &none;
        cached_ino_ = ino;
        return *cached_;
    }
    mutable const file_refs* cached_ = nullptr;
    mutable u64 cached_ino_ = 0;
    flat_u64_map<file_refs> files_;  ///< by inode number
    std::vector<mapper> mappers_;  ///< by file, then as mappers_of says
    std::vector<mapper> vmas_;     ///< by file, then in task order
    std::vector<std::size_t> last_signal_;  ///< per mapper: its latest signal run
    std::vector<std::size_t> last_unmap_;   ///< per vma: its latest unmapped run
};

}  // namespace daxfail::detail

#endif
