// Reads actors[] of a scenario file (actor.hpp): each actor's steps, checked
// against the world (the task maps the page, the page is on the device), and
// the start conditions that order them.
#ifndef DAXFAIL_JSON_READ_ACTORS_HPP
#define DAXFAIL_JSON_READ_ACTORS_HPP

#include <daxfail/actor.hpp>
#include <daxfail/json/read_event.hpp>
#include <daxfail/validate.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace daxfail::json::detail {

/// actors[]: the concurrent actors and their steps, read once the world and the event are valid.
class actor_reader : protected event_reader {
public:
    using event_reader::event_reader;

protected:
    /// The concurrent actors (actor.hpp); read once the world and the event are known to be valid.
    void read_actors() {
        const auto& list = r_.array(doc(), "", "actors");
        if (list.size() > max_actors) {
            r_.fail("actors", std::to_string(list.size()) + " actors; at most " + std::to_string(max_actors) + " are explored");
            return;
        }
        std::vector<std::string> names{event_actor_name(sc_.event)};
        for (std::size_t i = 0; i < list.size(); ++i) {
            const std::string p = field_reader::at("actors", i);
            if (!r_.object(list[i], p)) {
                sc_.actors.emplace_back();  // keeps sc_.actors[i] the i-th entry for the start conditions below
                continue;
            }
            r_.only_keys(list[i], p, {"name", "start", "steps"});
            actor a;
            a.name = r_.string(list[i], p, "name").value_or("");
            if (list[i].contains("name") && a.name.empty()) r_.fail(p + ".name", "must not be empty");
            else if (std::find(names.begin(), names.end(), a.name) != names.end() && !a.name.empty())
                r_.fail(p + ".name", "\"" + a.name + "\" is taken" +
                                         (a.name == names[0] ? " (the scenario's event runs as that actor)" : " by another actor"));
            names.push_back(a.name);
            const auto& steps = r_.array(list[i], p, "steps");
            if (steps.empty()) r_.fail(p + ".steps", "needs at least one step");
            if (steps.size() > max_actor_steps)
                r_.fail(p + ".steps", std::to_string(steps.size()) + " steps; at most " + std::to_string(max_actor_steps));
            for (std::size_t k = 0; k < steps.size() && k < max_actor_steps; ++k)
                if (auto st = read_actor_step(steps[k], field_reader::at(p + ".steps", k))) a.steps.push_back(*st);
            sc_.actors.push_back(std::move(a));
        }
        // Start conditions may name actors declared later.
        for (std::size_t i = 0; i < list.size(); ++i) {
            const std::string p = field_reader::at("actors", i) + ".start";
            if (!list[i].is_object() || !list[i].contains("start")) continue;
            const auto& st = list[i]["start"];
            if (!r_.object(st, p)) continue;
            r_.only_keys(st, p, {"after", "step"});
            start_condition c;
            c.actor = r_.string(st, p, "after").value_or("");
            c.step = r_.string(st, p, "step", std::string{}).value_or("");
            if (st.contains("after") && std::find(names.begin(), names.end(), c.actor) == names.end())
                r_.fail(p + ".after", "no actor \"" + c.actor + "\" (actors: " + [&] {
                    std::string l;
                    for (const auto& n : names) l += (l.empty() ? "" : ", ") + n;
                    return l;
                }() + ")");
            else if (st.contains("after") && c.actor == sc_.actors[i].name)
                r_.fail(p + ".after", "an actor cannot wait for itself");
            sc_.actors[i].start = c;
        }
    }

    /// The task `pid` (by its pid), or null with an error at `path`.
    const task* actor_task(const nlohmann::json& j, const std::string& p) {
        const auto pid = r_.number(j, p, "pid", std::nullopt, 0xFFFFFFFFu);
        if (!pid) return nullptr;
        for (const auto& t : w_.tasks)
            if (t.pid == *pid) {
                if (!t.mm) {
                    r_.fail(p + ".pid", "task " + std::to_string(*pid) + " (" + t.comm + ") is a kernel thread: it maps nothing");
                    return nullptr;
                }
                return &t;
            }
        r_.fail(p + ".pid", "no task " + std::to_string(*pid));
        return nullptr;
    }

    std::optional<actor_step> read_actor_step(const nlohmann::json& j, const std::string& p) {
        if (!r_.object(j, p)) return std::nullopt;
        const auto op = r_.choice(j, p, "op", {"FIFREEZE", "FITHAW", "freeze", "thaw", "work", "fault", "munmap", "exit",
                                               "madvise_hwpoison", "notify"});
        if (!op) return std::nullopt;
        actor_step st;
        for (auto k : {actor_op::fifreeze, actor_op::fithaw, actor_op::freeze, actor_op::thaw, actor_op::work,
                       actor_op::fault, actor_op::munmap, actor_op::exit, actor_op::madvise_hwpoison, actor_op::notify})
            if (actor_op_name(k) == *op) st.op = k;
        switch (st.op) {
            case actor_op::fifreeze:
            case actor_op::fithaw:
            case actor_op::freeze:
            case actor_op::thaw:
            case actor_op::work: r_.only_keys(j, p, {"op"}); return st;
            case actor_op::exit: {
                r_.only_keys(j, p, {"op", "pid"});
                const task* t = actor_task(j, p);
                if (!t) return std::nullopt;
                st.pid = t->pid;
                return st;
            }
            case actor_op::munmap: return read_munmap_step(j, p, st);
            case actor_op::fault:
            case actor_op::madvise_hwpoison: return read_page_step(j, p, st);
            case actor_op::notify: return read_notify_step(j, p, st);
        }
        return std::nullopt;
    }

    /// A munmap step: the task maps part of the inode.
    std::optional<actor_step> read_munmap_step(const nlohmann::json& j, const std::string& p, actor_step st) {
        r_.only_keys(j, p, {"op", "pid", "inode"});
        const task* t = actor_task(j, p);
        const auto ino = r_.number(j, p, "inode");
        if (!t || !ino) return std::nullopt;
        bool maps = false;
        for (const auto& v : t->vmas) maps = maps || v.ino == *ino;
        if (!maps) {
            r_.fail(p + ".inode", "task " + std::to_string(t->pid) + " maps no part of inode " + std::to_string(*ino));
            return std::nullopt;
        }
        st.pid = t->pid;
        st.ino = *ino;
        return st;
    }

    /// A fault or madvise_hwpoison step: the task maps the pages, of a DAX file, on the devices; a write fault not
    /// on a shared (reflinked) extent.
    std::optional<actor_step> read_page_step(const nlohmann::json& j, const std::string& p, actor_step st) {
        const bool fault = st.op == actor_op::fault;
        if (fault) r_.only_keys(j, p, {"op", "pid", "inode", "page", "pages", "write"});
        else r_.only_keys(j, p, {"op", "pid", "inode", "page"});
        const task* t = actor_task(j, p);
        const auto ino = r_.number(j, p, "inode");
        const auto page = r_.number(j, p, "page");
        const auto pages = fault ? r_.number(j, p, "pages", 1, 1u << 20) : std::optional<u64>(1);
        st.write = fault && r_.boolean(j, p, "write", false).value_or(false);
        if (!t || !ino || !page || !pages) return std::nullopt;
        if (*pages == 0) {
            r_.fail(p + ".pages", "must be at least 1");
            return std::nullopt;
        }
        if (!w_.inodes.count(*ino)) {
            r_.fail(p + ".inode", "no inode " + std::to_string(*ino) + " in the filesystem");
            return std::nullopt;
        }
        if (!w_.inodes.at(*ino).dax) {
            r_.fail(p + ".inode", "inode " + std::to_string(*ino) + " is not a DAX file: its faults do not reach the device");
            return std::nullopt;
        }
        const vma* mapped = nullptr;
        for (const auto& v : t->vmas)
            if (v.ino == *ino && *page >= v.pgoff && *page - v.pgoff < v.pages &&
                *pages <= v.pages - (*page - v.pgoff))
                mapped = &v;
        if (!mapped) {
            r_.fail(p + ".page", "task " + std::to_string(t->pid) + " maps no range of inode " + std::to_string(*ino) +
                                     " holding pages " + std::to_string(*page) + ".." + std::to_string(*page + *pages - 1));
            return std::nullopt;
        }
        // Extent by extent, not page by page: a step may cover 2^20 pages.
        for (u64 k = 0; k < *pages;) {
            u64 run = 1;
            const auto located = locate(*ino, *page + k, p, &run);
            if (!located) return std::nullopt;
            run = std::min(std::max<u64>(run, 1), *pages - k);
            if (fault && st.write && shared_block(*located, run)) {
                r_.fail(p + ".write", "page " + std::to_string(*page + k) +
                                          " is in a shared (reflinked) extent: a write fault copies it, which is not modelled");
                return std::nullopt;
            }
            k += std::max<u64>(run, 1);
        }
        st.pid = t->pid;
        st.ino = *ino;
        st.page = *page;
        st.pages = *pages;
        if (!fault) {
            const auto located = locate(*ino, *page, p);
            st.event = event::madvise_hwpoison(located->first, located->second - located->second % page_size,
                                               page_size, t->threads.front().tid,
                                               mapped->start + ((*page - mapped->pgoff) << page_shift));
        }
        return st;
    }

    /// A notify step: its event, checked as the scenario's is.
    std::optional<actor_step> read_notify_step(const nlohmann::json& j, const std::string& p, actor_step st) {
        r_.only_keys(j, p, {"op", "event"});
        if (!j.contains("event")) {
            r_.fail(p + ".event", "is required");
            return std::nullopt;
        }
        const std::size_t before = r_.errors.size();
        auto ev = read_event_at(j["event"], p + ".event");
        if (!ev || r_.errors.size() != before) return std::nullopt;
        for (auto& e : validate(w_, *ev)) {
            if (e.where.what != world_location::object::event) continue;
            auto t = paths_.translate(e);
            t.path = p + ".event" + t.path.substr(5);  // "event.length" -> "actors[0].steps[1].event.length"
            r_.errors.push_back(t);
        }
        st.event = *ev;
        return st;
    }
};

}  // namespace daxfail::json::detail

#endif
