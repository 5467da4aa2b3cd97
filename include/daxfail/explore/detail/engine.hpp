// Runs one schedule: the scenario's event and every actor, each on a fiber of
// its own (a stack of its own on the caller's thread), exactly one of them
// running at any time. An actor runs until its
// kernel path reaches a yield point (kernel_context::yield) or its step ends;
// then the chooser picks who goes next and the baton passes. Nothing runs
// concurrently, so a schedule is as deterministic as a sequential run.
//
// Why stackful fibers rather than C++20 coroutines: the yield points sit ten
// calls deep in the kernel path, inside callbacks (the rmap walk), and a
// stackless coroutine would turn every function on the way into one (a heap
// frame per call on the 10^6-record sequential walk, co_await at every call
// site). Neither can be copied, so the explorer re-executes schedules from the
// start either way; fibers keep the sequential model unchanged and cost one
// branch per yield when nothing explores. They replaced one OS thread per
// actor, whose every step waited for the kernel's scheduler (fiber.hpp).
#ifndef DAXFAIL_EXPLORE_DETAIL_ENGINE_HPP
#define DAXFAIL_EXPLORE_DETAIL_ENGINE_HPP

#include <daxfail/actor.hpp>
#include <daxfail/config.hpp>
#include <daxfail/explore/detail/fiber.hpp>
#include <daxfail/explore/detail/footprint.hpp>
#include <daxfail/explore/detail/state_hash.hpp>
#include <daxfail/explore/schedule.hpp>
#include <daxfail/kernel/dax_iomap_fault.hpp>
#include <daxfail/kernel/ioctl_fsfreeze.hpp>
#include <daxfail/kernel/vm_munmap.hpp>
#include <daxfail/run.hpp>
#include <daxfail/scenario.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace daxfail::explore::detail {

inline constexpr std::size_t nobody = ~std::size_t{0};

/// Thrown from a yield to unwind an actor whose schedule has ended.
struct abandon_schedule {};

/// Fibers kept from one schedule to the next (a stack is mapped once), and the context of the thread that drives
/// them. One pool per thread.
class fiber_pool {
public:
    fiber& at(std::size_t i) {
        while (fibers_.size() <= i) fibers_.push_back(std::make_unique<fiber>());
        return *fibers_[i];
    }
    fiber_context& home() { return home_; }

private:
    std::vector<std::unique_ptr<fiber>> fibers_;
    fiber_context home_ = thread_context();
};

/// One actor during one schedule.
struct actor_run {
    std::string name;
    const actor* decl = nullptr;  ///< null: the scenario's event
    std::size_t pc = 0;           ///< next step of decl
    bool finished = false;
    bool started = false;         ///< its fiber has run
    bool returned = false;        ///< its body returned (finished, or unwound when the schedule ended)
    std::string next;             ///< label of the step it takes when it next runs
    std::vector<std::string> taken;
    outcome out;                  ///< the event's path (decl null) or the actor's own steps
    std::vector<std::unique_ptr<outcome>> paths;  ///< kernel paths the actor ran (notify, madvise_hwpoison)
    outcome* active = &out;       ///< the outcome its current step writes
    std::size_t trace_mark = 0;   ///< active->trace size when the current step began
    std::vector<int> freeze_rcs;  ///< its FIFREEZE / freeze results, in order
    std::optional<int> last_freeze_rc[2];  ///< its latest FIFREEZE [0] and kernel freeze [1] result
    struct faulted_page {
        u32 pid;
        u64 ino, page;
    };
    std::vector<faulted_page> faulted;  ///< pages its faults mapped
    std::vector<std::string> thaw_failures;  ///< a thaw of a freeze it held that did not return 0
    bool holds_freeze = false;
    digest seen_trace;            ///< folded trace of `out` and `paths`, for state keys
    std::size_t folded = 0, folded_paths = 0, folded_path_trace = 0;
};

/// Decides the next actor at each scheduling point.
struct chooser {
    /// `enabled`: the actors that can run (ascending); `current`: who ran last (nobody at the start);
    /// `depth`: steps taken; `key`: the state's digest. Returns an index into `enabled`, or nobody to prune.
    virtual std::size_t pick(const std::vector<std::size_t>& enabled, std::size_t current, std::size_t depth,
                             u64 key) = 0;
    /// Whether pick() at `depth` looks at the key (computing it hashes the whole world); 0 is passed otherwise.
    virtual bool wants_key(std::size_t /*depth*/) const { return false; }
    /// Whether the step taken at `depth` should be reported to step_ended() (it hashes the world twice).
    virtual bool wants_footprint(std::size_t /*depth*/) const { return false; }
    /// The step taken at `depth` ended (only those wants_footprint() asked for): what it touched.
    virtual void step_ended(std::size_t /*depth*/, footprint&& /*f*/) {}

protected:
    ~chooser() = default;
};

/// The result of one schedule.
struct schedule_record {
    schedule_end end = schedule_end::complete;
    std::vector<std::size_t> choices;  ///< actor index per step
    std::vector<schedule_step> steps;
    std::string deadlock;              ///< who was blocked, and on what
};

class schedule_run {
public:
    schedule_run(const scenario& s, const world& sorted_world, const config& cfg, chooser& c, const options& o,
                 fiber_pool& pool)
        : s_(s), w_(sorted_world), cfg_(cfg), chooser_(c), opts_(o), pool_(pool) {
        actors_.push_back(std::make_unique<actor_run>());
        actors_[0]->name = event_actor_name(s.event);
        actors_[0]->next = "start";
        for (const auto& a : s.actors) {
            actors_.push_back(std::make_unique<actor_run>());
            actors_.back()->name = a.name;
            actors_.back()->decl = &a;
            actors_.back()->next = a.steps.empty() ? std::string("exit") : step_label(a.steps[0]);
        }
        hooks_.reserve(actors_.size());
        for (std::size_t i = 0; i < actors_.size(); ++i) hooks_.push_back(hook{this, i});
    }
    schedule_run(const schedule_run&) = delete;
    schedule_run& operator=(const schedule_run&) = delete;
    ~schedule_run() { stop_fibers(); }

    schedule_record run() {
        try {
            for (std::size_t i = 0; i < actors_.size(); ++i) pool_.at(i).start(&schedule_run::entry, &hooks_[i]);
            const std::size_t first = decide(nobody);
            if (first != nobody) switch_fiber(pool_.home(), pool_.at(first).context());
        } catch (...) {
            stop_fibers();
            throw;
        }
        stop_fibers();
        if (error_) std::rethrow_exception(error_);
        return std::move(rec_);
    }

    const world& final_world() const { return w_; }
    const std::vector<std::unique_ptr<actor_run>>& actors() const { return actors_; }

private:
    struct hook final : daxfail::detail::yield_hook {
        schedule_run* r;
        std::size_t i;
        hook(schedule_run* r_, std::size_t i_) : r(r_), i(i_) {}
        void yield(const char* point, std::string detail) override {
            r->yield_from(i, detail.empty() ? std::string(point) : std::string(point) + " " + detail);
        }
        bool others_may_act() const override {
            r->asked_others_ = true;
            return r->others_may_act(i);
        }
    };

    // ---- scheduling (runs on whichever thread holds the baton) ----

    bool started_ok(std::size_t j) const {
        const auto* d = actors_[j]->decl;
        if (!d || !d->start) return true;
        for (const auto& a : actors_)
            if (a->name == d->start->actor) {
                if (d->start->step.empty()) return a->finished;
                for (const auto& t : a->taken)
                    if (t.rfind(d->start->step, 0) == 0) return true;
                return false;
            }
        return false;
    }
    /// A write fault waits in sb_start_pagefault while the filesystem is frozen (or being frozen).
    bool blocked(std::size_t j) const {
        const auto& a = *actors_[j];
        if (!a.decl || a.pc >= a.decl->steps.size()) return false;
        const auto& st = a.decl->steps[a.pc];
        return st.op == actor_op::fault && st.write && (w_.mp.sb.frozen() || w_.mp.sb.freeze_in_progress);
    }
    bool enabled(std::size_t j) const { return !actors_[j]->finished && started_ok(j) && !blocked(j); }

    bool others_may_act(std::size_t i) const {
        for (std::size_t j = 0; j < actors_.size(); ++j) {
            if (j == i || actors_[j]->finished || blocked(j)) continue;
            if (started_ok(j)) return true;
            // Not started yet: only a trigger that is neither this path nor finished can still start it.
            const auto& trigger = actors_[j]->decl->start->actor;
            for (std::size_t k = 0; k < actors_.size(); ++k)
                if (k != i && actors_[k]->name == trigger && !actors_[k]->finished) return true;
        }
        return false;
    }

    void fold(actor_run& a) {
        auto fold_trace = [&](const outcome& o, std::size_t& from) {
            for (; from < o.trace.size(); ++from) {
                a.seen_trace.text(o.trace[from].function);
                a.seen_trace.text(o.trace[from].detail);
            }
        };
        fold_trace(a.out, a.folded);
        while (a.folded_paths < a.paths.size()) {
            fold_trace(*a.paths[a.folded_paths], a.folded_path_trace);
            if (a.folded_paths + 1 == a.paths.size()) break;  // the last path may still grow
            ++a.folded_paths;
            a.folded_path_trace = 0;
        }
    }

    u64 state_key(std::size_t current) {
        digest d;
        hash_world(d, w_);
        for (auto& a : actors_) {
            fold(*a);
            d.word(a->seen_trace.h);
            d.word(a->pc);
            d.word(a->finished);
            d.text(a->next);
        }
        d.word(current);
        return d.h;
    }

    void close_step(std::size_t current) {
        if (current == nobody || rec_.steps.empty() || !opts_.record_traces) return;
        auto& a = *actors_[current];
        auto& step = rec_.steps.back();
        const auto& tr = a.active->trace;
        for (std::size_t k = a.trace_mark; k < tr.size(); ++k) step.trace.push_back(tr[k]);
        a.trace_mark = tr.size();
    }

    // ---- footprints (a reduction asks for them) ----

    /// Starts watching the step just picked: the world's objects before it, and the operation it runs.
    void begin_step(std::size_t actor) {
        const std::size_t depth = rec_.steps.size() - 1;
        if (opts_.reduction == reduction_kind::none || !chooser_.wants_footprint(depth)) return;
        step_probe p;
        p.depth = depth;
        const auto& a = *actors_[actor];
        p.fp.actor = actor;
        const actor_step* op = a.decl && a.pc < a.decl->steps.size() ? &a.decl->steps[a.pc] : nullptr;
        p.fp.any_object = !op || op->op == actor_op::notify || op->op == actor_op::madvise_hwpoison;
        if (op && !p.fp.any_object) p.fp.may_touch = operation_objects(*op, cfg_);
        p.before = last_objects_ && last_objects_->first == depth ? std::move(last_objects_->second) : object_digests(w_);
        asked_others_ = false;
        probe_ = std::move(p);
    }
    /// Reports the step that just ended (if watched): what it changed, and where its actor stands.
    void end_step(const std::vector<std::size_t>& en) {
        if (!probe_) return;
        auto p = std::move(*probe_);
        probe_.reset();
        auto after = object_digests(w_);
        p.fp.changed = changed_objects(p.before, after);
        for (u64 x : p.fp.changed)  // a change the operation's objects do not cover: trust nothing about it
            p.fp.any_object = p.fp.any_object || std::none_of(p.fp.may_touch.begin(), p.fp.may_touch.end(),
                                                              [&](u64 y) { return world_object::overlap(x, y); });
        p.fp.asked_others = asked_others_;
        p.fp.finished = actors_[p.fp.actor]->finished;
        p.fp.enabled_after = std::find(en.begin(), en.end(), p.fp.actor) != en.end();
        last_objects_.emplace(p.depth + 1, std::move(after));
        chooser_.step_ended(p.depth, std::move(p.fp));
    }

    /// Picks who runs next after `current` stopped; nobody ends the schedule (rec_.end says why).
    std::size_t decide(std::size_t current) {
        // The step that just ended may have been cut short by a new active outcome; later lines belong to it too.
        close_step(current);
        auto& en = enabled_;
        en.clear();
        for (std::size_t j = 0; j < actors_.size(); ++j)
            if (enabled(j)) en.push_back(j);
        end_step(en);
        if (en.empty()) {
            bool all = true;
            for (const auto& a : actors_) all = all && a->finished;
            rec_.end = all ? schedule_end::complete : schedule_end::deadlock;
            if (!all)
                for (std::size_t j = 0; j < actors_.size(); ++j)
                    if (!actors_[j]->finished)
                        rec_.deadlock += (rec_.deadlock.empty() ? "" : "; ") + actors_[j]->name + " waits at " +
                                         actors_[j]->next +
                                         (blocked(j) ? " (sb_start_pagefault: the filesystem is frozen)"
                                                     : " (its start condition never holds)");
            return nobody;
        }
        if (rec_.steps.size() >= opts_.depth) {
            rec_.end = schedule_end::cut;
            return nobody;
        }
        const u64 key = opts_.state_hashing && chooser_.wants_key(rec_.steps.size()) ? state_key(current) : 0;
        const std::size_t pos = chooser_.pick(en, current, rec_.steps.size(), key);
        if (pos == nobody) {
            rec_.end = schedule_end::pruned;
            return nobody;
        }
        const std::size_t next = en[pos];
        auto& a = *actors_[next];
        rec_.choices.push_back(next);
        rec_.steps.push_back({a.name, a.next, {}});
        a.taken.push_back(a.next);
        a.trace_mark = a.active->trace.size();
        begin_step(next);
        return next;
    }

    /// Where the baton goes: an actor's fiber, or back to run() (nobody).
    fiber_context& context_of(std::size_t j) { return j == nobody ? pool_.home() : pool_.at(j).context(); }

    /// Hands the baton from actor `i` (still running) to whoever decide() picks, and waits for it back.
    void yield_from(std::size_t i, std::string label) {
        auto& a = *actors_[i];
        a.next = std::move(label);
        const std::size_t next = decide(i);
        if (next == i) return;
        switch_fiber(pool_.at(i).context(), context_of(next));
        if (aborting_) throw abandon_schedule{};
    }

    // ---- actor fibers ----

    static void entry(void* h) {
        fiber_entered();
        auto& hk = *static_cast<hook*>(h);
        hk.r->body(hk.i);
    }

    /// Runs actor `i` to its end (or until the schedule is abandoned), then hands the baton on for good.
    void body(std::size_t i) {
        auto& a = *actors_[i];
        a.started = true;
        std::size_t next = nobody;
        try {
            if (!a.decl) run_event_path(i, a.out, s_.event);
            else run_steps(i, a);
            a.finished = true;
        } catch (const abandon_schedule&) {
        } catch (const std::exception& e) {
            a.active->end = end_state::oops;
            a.active->end_detail = std::string("model error: ") + e.what();
            a.finished = true;
        } catch (...) {
            error_ = std::current_exception();  // nothing may unwind past a fiber's bottom; run() rethrows
        }
        a.returned = true;
        if (a.finished && !error_) {
            a.next = "(finished)";
            try {
                next = decide(i);
            } catch (...) {
                error_ = std::current_exception();  // ends the schedule; run() rethrows
            }
        }
        switch_fiber(pool_.at(i).context(), context_of(aborting_ ? nobody : next), true);
        std::abort();  // a finished fiber is never resumed
    }

    /// Every step is traced: each actor's trace stands for its local state in the state key.
    run_options path_options() const {
        run_options o;
        o.trace_limit = ~u64{0};
        o.walk_patience = opts_.walk_patience;
        return o;
    }

    void run_event_path(std::size_t i, outcome& o, const event& ev) {
        daxfail::detail::kernel_context ctx{w_, cfg_, o, ev, path_options()};
        ctx.hook = &hooks_[i];
        try {
            daxfail::detail::run_event(ctx);
            if (ev.umount_after && o.terminated()) {
                // The administrator's umount afterwards, as run() does: its own step.
                ctx.yield("evict_inodes", [] { return std::string("umount"); });
                kernel::evict_inodes(ctx);
            }
        } catch (const daxfail::detail::stop_run& stop) {
            o.end = stop.end;
            o.end_detail = stop.detail;
        }
    }
    /// The running actor's step goes on writing to another outcome: what it wrote so far stays with the step.
    void switch_active(actor_run& a, outcome* to) {
        if (a.active == to) return;
        if (opts_.record_traces && !rec_.steps.empty())
            for (std::size_t k = a.trace_mark; k < a.active->trace.size(); ++k) rec_.steps.back().trace.push_back(a.active->trace[k]);
        a.active = to;
        a.trace_mark = to->trace.size();
    }

    void run_steps(std::size_t i, actor_run& a) {
        static const event no_event{};
        std::optional<daxfail::detail::kernel_context> ctx;
        const auto& steps = a.decl->steps;
        for (a.pc = 0; a.pc < steps.size(); ++a.pc) {
            if (a.pc > 0) yield_from(i, step_label(steps[a.pc]));
            const auto& st = steps[a.pc];
            if (st.op == actor_op::notify || st.op == actor_op::madvise_hwpoison) {
                a.paths.push_back(std::make_unique<outcome>());
                switch_active(a, a.paths.back().get());
                run_event_path(i, *a.paths.back(), st.event);
                continue;
            }
            if (!ctx) {
                ctx.emplace(w_, cfg_, a.out, no_event, path_options());
                ctx->hook = &hooks_[i];
            }
            switch_active(a, &a.out);
            try {
                do_step(*ctx, a, st);
            } catch (const daxfail::detail::stop_run& stop) {
                a.out.end = stop.end;
                a.out.end_detail = stop.detail;
                return;
            }
        }
        a.pc = steps.size();
    }

    void do_step(daxfail::detail::kernel_context& ctx, actor_run& a, const actor_step& st) {
        switch (st.op) {
            case actor_op::fifreeze:
            case actor_op::freeze: {
                const int rc = st.op == actor_op::fifreeze
                                   ? kernel::ioctl_fsfreeze(ctx, a.name)
                                   : kernel::freeze_super(ctx, freeze_holder::kernel, a.name);
                a.freeze_rcs.push_back(rc);
                a.last_freeze_rc[st.op == actor_op::fifreeze ? 0 : 1] = rc;
                a.holds_freeze = a.holds_freeze || rc == 0;
                break;
            }
            case actor_op::fithaw:
            case actor_op::thaw: {
                // A freezer whose own freeze failed has nothing to thaw (scrub returns its error; xfs_freeze -f
                // failed, so nobody runs -u). A thaw with no freeze of its own before it is issued as written.
                const auto& last = a.last_freeze_rc[st.op == actor_op::fithaw ? 0 : 1];
                if (last && *last != 0) {
                    ctx.step(st.op == actor_op::fithaw ? "ioctl_fsthaw" : "thaw_super",
                             "not issued: " + a.name + "'s own freeze returned " + err::name(*last));
                    break;
                }
                const int rc = st.op == actor_op::fithaw ? kernel::ioctl_fsthaw(ctx, a.name)
                                                         : kernel::thaw_super(ctx, freeze_holder::kernel, a.name);
                if (a.holds_freeze && rc != 0)
                    a.thaw_failures.push_back(std::string(actor_op_name(st.op)) + " by " + a.name + " = " +
                                              err::name(rc) + " although it holds a freeze");
                a.holds_freeze = false;
                break;
            }
            case actor_op::work: ctx.step("work", a.name + " works while holding what it holds"); break;
            case actor_op::fault:
                for (u64 k = 0; k < st.pages; ++k) {
                    kernel::dax_iomap_fault(ctx, st.pid, st.ino, st.page + k, st.write);
                    bool mapped = false;
                    for (const auto& t : w_.tasks)
                        if (t.pid == st.pid)
                            for (const auto& v : t.vmas) mapped = mapped || (v.ino == st.ino && v.present.contains(st.page + k));
                    if (mapped) a.faulted.push_back({st.pid, st.ino, st.page + k});
                }
                break;
            case actor_op::munmap: kernel::vm_munmap(ctx, st.pid, st.ino); break;
            case actor_op::exit: kernel::exit_mmap(ctx, st.pid); break;
            case actor_op::madvise_hwpoison:
            case actor_op::notify: break;  // kernel paths: run_event_path
        }
    }

    /// Resumes every actor still in the middle of its body, one at a time: each unwinds at once and comes back.
    void stop_fibers() {
        aborting_ = true;
        for (std::size_t j = 0; j < actors_.size(); ++j)
            if (actors_[j]->started && !actors_[j]->returned) switch_fiber(pool_.home(), pool_.at(j).context());
    }

    const scenario& s_;
    world w_;
    const config& cfg_;
    chooser& chooser_;
    options opts_;
    fiber_pool& pool_;
    std::exception_ptr error_;    ///< what escaped the scheduling itself (the chooser, out of memory): rethrown by run()
    std::vector<std::unique_ptr<actor_run>> actors_;
    std::vector<hook> hooks_;
    bool aborting_ = false;
    schedule_record rec_;
    std::vector<std::size_t> enabled_;  ///< decide()'s, kept to spare an allocation per step
    struct step_probe {
        std::size_t depth = 0;
        footprint fp;
        std::vector<std::pair<u64, u64>> before;
    };
    std::optional<step_probe> probe_;  ///< the step being watched
    std::optional<std::pair<std::size_t, std::vector<std::pair<u64, u64>>>> last_objects_;  ///< at that depth
    bool asked_others_ = false;       ///< the watched step called others_may_act
};

}  // namespace daxfail::explore::detail

#endif
