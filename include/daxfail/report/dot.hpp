// Graphviz rendering of one run's step trace: the kernel steps in order down
// the "kernel" lane, with edges to a lane per task (signals, unmapped pages)
// and to the freeze-holder lane (freeze_super/thaw_super).
#ifndef DAXFAIL_REPORT_DOT_HPP
#define DAXFAIL_REPORT_DOT_HPP

#include <daxfail/outcome.hpp>
#include <daxfail/scenario.hpp>

#include <set>
#include <string>

namespace daxfail::report {

inline std::string dot_escape(const std::string& s) {
    std::string out;
    for (char ch : s) {
        if (ch == '"' || ch == '\\') out += '\\';
        out += ch;
    }
    return out;
}

inline std::string to_dot(const scenario& s, const std::string& variant, const outcome& o) {
    std::string out = "digraph daxfail {\n  rankdir=TB;\n  labelloc=t;\n  label=\"" + dot_escape(s.name + " under " + variant) +
                      "\";\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n";
    out += "  subgraph cluster_kernel {\n    label=\"kernel (current = " + std::to_string(s.event.current_tid) + ")\";\n";
    for (std::size_t i = 0; i < o.trace.size(); ++i)
        out += "    s" + std::to_string(i) + " [label=\"" + dot_escape(o.trace[i].function) +
               (o.trace[i].detail.empty() ? "" : "\\n" + dot_escape(o.trace[i].detail)) + "\"];\n";
    for (std::size_t i = 1; i < o.trace.size(); ++i)
        out += "    s" + std::to_string(i - 1) + " -> s" + std::to_string(i) + ";\n";
    out += "  }\n";
    out += "  subgraph cluster_tasks {\n    label=\"tasks\";\n";
    for (const auto& t : s.world.tasks)
        out += "    task_" + std::to_string(t.pid) + " [shape=ellipse, label=\"" + dot_escape(t.comm) + ":" +
               std::to_string(t.pid) + "\"];\n";
    out += "  }\n  subgraph cluster_freeze {\n    label=\"freeze holders\";\n    holders [shape=cylinder, label=\"";
    for (const auto& h : s.world.mp.sb.holds) out += dot_escape(to_string(h)) + "\\n";
    out += "\"];\n  }\n";
    auto tid_to_pid = [&](u32 tid) {
        for (const auto& t : s.world.tasks)
            for (const auto& th : t.threads)
                if (th.tid == tid) return t.pid;
        return tid;
    };
    for (std::size_t i = 0; i < o.trace.size(); ++i) {
        const auto& f = o.trace[i].function;
        const auto& d = o.trace[i].detail;
        // kill_proc's detail: "<si_code> to <comm>:<tid> at <addr>..."
        const auto to = d.find(" to "), at = d.find(" at ");
        const auto colon = at == std::string::npos ? std::string::npos : d.rfind(':', at);
        if (f == "kill_proc" && to != std::string::npos && colon != std::string::npos && colon > to) {
            const u32 tid = static_cast<u32>(std::stoul(d.substr(colon + 1, at - colon - 1)));
            out += "  s" + std::to_string(i) + " -> task_" + std::to_string(tid_to_pid(tid)) + " [color=red, label=\"" +
                   d.substr(0, to) + "\"];\n";
        } else if (f == "freeze_super" || f == "thaw_super") {
            out += "  s" + std::to_string(i) + " -> holders [color=blue, style=dashed];\n";
        }
    }
    out += "}\n";
    return out;
}

}  // namespace daxfail::report

#endif
