// What `daxfail explore` prints: a terminal table (fits 120 columns),
// Markdown, JSON (the `results` array, read back by `merge` and `--replay`),
// a replayed schedule step by step, and Graphviz DOT with one lane per actor.
#ifndef DAXFAIL_EXPLORE_REPORT_HPP
#define DAXFAIL_EXPLORE_REPORT_HPP

#include <daxfail/detail/wrap.hpp>
#include <daxfail/explore/explorer.hpp>
#include <daxfail/explore/replay.hpp>
#include <daxfail/report/dot.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace daxfail::explore {

/// The JSON of a schedule: [{actor, step}, ...].
inline nlohmann::ordered_json schedule_to_json(const std::vector<schedule_step>& steps) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& s : steps) out.push_back({{"actor", s.actor}, {"step", s.step}});
    return out;
}

/// Reads a schedule written by schedule_to_json; nullopt (and `error`) when it is not one.
inline std::optional<std::vector<schedule_step>> schedule_from_json(const nlohmann::json& j, const std::string& path,
                                                                   std::string& error) {
    if (!j.is_array()) {
        error = path + ": must be an array of {\"actor\", \"step\"}";
        return std::nullopt;
    }
    std::vector<schedule_step> out;
    for (std::size_t i = 0; i < j.size(); ++i) {
        const auto& x = j[i];
        if (!x.is_object() || !x.contains("actor") || !x["actor"].is_string() ||
            (x.contains("step") && !x["step"].is_string())) {
            error = path + "[" + std::to_string(i) + "]: must be {\"actor\": string, \"step\": string}";
            return std::nullopt;
        }
        out.push_back({x["actor"].get<std::string>(), x.value("step", std::string{}), {}});
    }
    return out;
}

/// A confirmation's JSON: confirmation{kernel, preset, model, runs, reproduced, held, evidence, ...}.
inline nlohmann::ordered_json to_json(const confirmation& c) {
    nlohmann::ordered_json j = {{"kernel", c.kernel}, {"preset", c.preset},  {"model", c.model},
                                {"runs", c.runs},     {"reproduced", c.reproduced}, {"held", c.held},
                                {"evidence", c.evidence}};
    if (!c.window.empty()) j["window"] = c.window;
    if (!c.widening.empty()) j["widening"] = c.widening;
    j["seconds"] = c.seconds;
    return j;
}

/// One results[] entry. `timing` false writes 0 seconds (byte-identical reports).
inline nlohmann::ordered_json result_to_json(const result& r, bool timing = true) {
    nlohmann::ordered_json j = {{"variant", r.variant}, {"scenario", r.scenario}};
    if (!r.file.empty()) j["file"] = r.file;  // what --replay reads the scenario from
    j["schedules"] = r.schedules;
    j["states"] = r.states;
    j["seconds"] = timing ? r.seconds : 0.0;
    j["cut"] = r.cut;
    j["pruned"] = r.pruned;
    if (r.runs) {  // random, pct
        j["runs"] = r.runs;
        j["longest"] = r.longest;
        j["coverage"] = {{"pairs", r.covered.size()}, {"covered", r.covered}};
        if (r.pct_depth)
            j["pct"] = {{"depth", r.pct_depth},
                        {"actors", r.actors},
                        {"steps", r.pct_steps},
                        {"bound", pct_probability_bound(r.runs, r.actors, r.pct_steps, r.pct_depth)}};
    }
    if (r.stopped) j["stopped"] = true;
    nlohmann::ordered_json inv = nlohmann::ordered_json::object();
    for (const auto& i : r.invariants) {
        inv[i.name] = {{"verdict", i.verdict},
                       {"counterexample", schedule_to_json(i.counterexample)},
                       {"reason", i.reason()},
                       {"violating_schedules", i.violating},
                       {"safe_schedules", i.safe},
                       {"safe_example", schedule_to_json(i.safe_example)},
                       {"sequential", i.sequential}};
        if (!i.confirmations.empty()) inv[i.name]["confirmation"] = to_json(i.confirmations.front());
    }
    j["invariants"] = inv;
    return j;
}

/// The whole report: the bounds and one entry per variant x scenario.
inline nlohmann::ordered_json to_json(const std::vector<result>& results, const options& o, bool timing = true) {
    nlohmann::ordered_json j = {{"depth", o.depth}, {"preemptions", o.preemptions}};
    if (o.strategy != strategy::dfs) {
        j["strategy"] = strategy_name(o.strategy);
        j["runs"] = o.runs;
        j["seed"] = o.seed;
        if (o.strategy == strategy::pct) j["pct_depth"] = o.pct_depth;
    }
    if (o.reduction != reduction_kind::none) j["reduction"] = reduction_name(o.reduction);
    auto arr = nlohmann::ordered_json::array();
    for (const auto& r : results) arr.push_back(result_to_json(r, timing));
    j["results"] = arr;
    return j;
}

/// A part of an exploration (one work item) as a shard writes it: the entry plus what merging needs.
inline nlohmann::ordered_json part_to_json(const result& r, u64 pair, u64 item, u64 items) {
    auto j = result_to_json(r, true);
    j["pair"] = pair;
    j["item"] = item;
    j["items"] = items;
    j["sequential_known"] = r.sequential_known;
    for (const auto& i : r.invariants) {
        auto& x = j["invariants"][i.name];
        x["violated_reason"] = i.violated_reason;
        x["holds_reason"] = i.holds_reason;
        x["na_reason"] = i.na_reason;
        x["counterexample_at"] = {i.counterexample_at.first, i.counterexample_at.second};
        x["safe_at"] = {i.safe_at.first, i.safe_at.second};
    }
    return j;
}

/// Reads a part written by part_to_json; throws nlohmann::json::exception on a malformed one.
inline result part_from_json(const nlohmann::json& j) {
    result r;
    r.variant = j.at("variant").get<std::string>();
    r.scenario = j.at("scenario").get<std::string>();
    r.file = j.value("file", std::string{});
    r.schedules = j.at("schedules").get<u64>();
    r.states = j.at("states").get<u64>();
    r.seconds = j.at("seconds").get<double>();
    r.cut = j.at("cut").get<u64>();
    r.pruned = j.at("pruned").get<u64>();
    r.sequential_known = j.at("sequential_known").get<bool>();
    r.runs = j.value("runs", u64{0});
    r.longest = j.value("longest", u64{0});
    r.stopped = j.value("stopped", false);
    if (j.contains("coverage")) r.covered = j.at("coverage").at("covered").get<std::set<std::string>>();
    if (j.contains("pct")) {
        r.pct_depth = j.at("pct").at("depth").get<u32>();
        r.actors = j.at("pct").at("actors").get<u64>();
        r.pct_steps = j.at("pct").at("steps").get<u64>();
    }
    for (auto n : invariant_names) {
        const auto& x = j.at("invariants").at(std::string(n));
        invariant_summary i;
        i.name = std::string(n);
        i.verdict = x.at("verdict").get<std::string>();
        std::string error;
        auto ce = schedule_from_json(x.at("counterexample"), "counterexample", error);
        auto safe = schedule_from_json(x.at("safe_example"), "safe_example", error);
        if (!ce || !safe) throw std::invalid_argument(error);
        i.counterexample = *ce;
        i.safe_example = *safe;
        i.violated_reason = x.at("violated_reason").get<std::string>();
        i.holds_reason = x.at("holds_reason").get<std::string>();
        i.na_reason = x.at("na_reason").get<std::string>();
        i.violating = x.at("violating_schedules").get<u64>();
        i.safe = x.at("safe_schedules").get<u64>();
        i.sequential = x.at("sequential").get<std::string>();
        i.counterexample_at = {x.at("counterexample_at").at(0).get<u64>(), x.at("counterexample_at").at(1).get<u64>()};
        i.safe_at = {x.at("safe_at").at(0).get<u64>(), x.at("safe_at").at(1).get<u64>()};
        r.invariants.push_back(std::move(i));
    }
    return r;
}

namespace detail {
inline std::string pad(std::string s, std::size_t n) {
    if (s.size() < n) s.append(n - s.size(), ' ');
    return s;
}
/// " P(d=3) >= 0.93": PCT's bound for the result's runs.
inline std::string pct_bound_text(const result& r) {
    char text[48];
    std::snprintf(text, sizeof text, " P(d=%u) >= %.3g", static_cast<unsigned>(r.pct_depth),
                  pct_probability_bound(r.runs, r.actors, r.pct_steps, r.pct_depth));
    return text;
}
inline std::string violated_list(const result& r, bool markdown) {
    std::string out;
    for (const auto& i : r.invariants) {
        if (i.overall() != verdict::fail) continue;
        if (!out.empty()) out += ", ";
        out += (markdown ? "`" + i.name + "`" : i.name) + " (" + std::to_string(i.counterexample.size()) + " steps" +
               (i.sequential == verdict_name(verdict::pass) ? ", passes sequentially" : "") + ")";
    }
    return out.empty() ? "none" : out;
}
}  // namespace detail

/// The default table's width in columns (--wide: no limit).
inline constexpr std::size_t table_width = 120;

/// Per scenario, one line per variant: schedules, states, and the invariants some schedule violates; lines wrap
/// at `width` columns (0: never), a variant name longer than its column on a line of its own.
inline std::string to_table(const std::vector<result>& results, std::size_t width = table_width) {
    std::string out;
    std::string current;
    auto line = [&](const std::string& text, std::size_t indent) {
        out += width ? daxfail::detail::wrap(text, width, "", std::string(indent, ' ')) : text + "\n";
    };
    for (const auto& r : results) {
        if (r.scenario != current) {
            current = r.scenario;
            if (!out.empty()) out += "\n";
            out += current + "\n";
        }
        char counts[128];
        if (r.runs)  // random, pct: runs, (actor, yield point) pairs covered, PCT's bound
            std::snprintf(counts, sizeof counts, "%7llu runs %4zu pairs%s", static_cast<unsigned long long>(r.runs),
                          r.covered.size(), r.pct_depth ? detail::pct_bound_text(r).c_str() : "");
        else
            std::snprintf(counts, sizeof counts, "%7llu sched %7llu states", static_cast<unsigned long long>(r.schedules),
                          static_cast<unsigned long long>(r.states));
        std::string name = r.variant;
        if (width && name.size() > 20) {  // `--variants all` names every axis
            out += daxfail::detail::wrap(name, width, "  ", "    ");
            name.clear();
        }
        line("  " + detail::pad(name, 20) + counts + (r.stopped ? " (stopped)" : "") +
                 "  violated: " + detail::violated_list(r, false), 6);
        for (const auto& i : r.invariants)
            for (const auto& c : i.confirmations)
                line("    on " + c.kernel + ": " + i.name + " " + rate_text(c) + " (model: " + i.verdict +
                         (c.model.empty() || c.model == i.verdict ? "" : "; on the guest's world: " + c.model) + ")" +
                         (c.reproduced == 0 && !c.window.empty() ? "; " + c.window : ""),
                     8);
    }
    return out;
}

inline std::string to_markdown(const std::vector<result>& results) {
    std::string out = "| scenario | variant | schedules | states | violated (counterexample length) |\n|---|---|---|---|---|\n";
    std::string confirmed;
    for (const auto& r : results) {
        out += "| " + r.scenario + " | " + r.variant + " | " + std::to_string(r.schedules) + " | " +
               std::to_string(r.states) + " | " + detail::violated_list(r, true) + " |\n";
        for (const auto& i : r.invariants)
            for (const auto& c : i.confirmations)
                confirmed += "| " + r.scenario + " | " + r.variant + " | `" + i.name + "` | " + i.verdict + " | " + c.kernel +
                             " | " + rate_text(c) + (c.reproduced == 0 && !c.window.empty() ? "; " + c.window : "") + " |\n";
    }
    if (!confirmed.empty())
        out += "\n| scenario | variant | invariant | model | kernel | runs |\n|---|---|---|---|---|---|\n" + confirmed;
    return out;
}

/// A replayed schedule, step by step: who ran, from which point, and what the kernel (or the actor) did.
inline std::string replay_to_text(const replay_result& r) {
    std::string out;
    std::size_t width = 5;
    for (const auto& s : r.steps) width = std::max(width, s.actor.size());
    for (std::size_t i = 0; i < r.steps.size(); ++i) {
        const auto& s = r.steps[i];
        std::string num = std::to_string(i + 1);
        out += std::string(num.size() < 4 ? 4 - num.size() : 0, ' ') + num + "  " + detail::pad(s.actor, width) + "  " + s.step + "\n";
        for (const auto& t : s.trace)
            out += std::string(8 + width, ' ') + "| " + t.function + (t.detail.empty() ? "" : ": " + t.detail) + "\n";
    }
    switch (r.end) {
        case schedule_end::complete: out += "the schedule is complete: no actor has a step left\n"; break;
        case schedule_end::deadlock: out += "deadlock: every actor left is blocked\n"; break;
        case schedule_end::cut: out += "cut by the depth bound\n"; break;
        case schedule_end::pruned: break;
    }
    for (const auto& v : r.verdicts) out += "  " + detail::pad(v.name, 36) + detail::pad(verdict_name(v.result), 6) + v.reason + "\n";
    return out;
}

/// Graphviz DOT of a replayed schedule: one lane (cluster) per actor, the steps joined in schedule order.
inline std::string replay_to_dot(const std::string& title, const replay_result& r) {
    std::map<std::string, std::vector<std::size_t>> lanes;
    std::vector<std::string> order;
    for (std::size_t i = 0; i < r.steps.size(); ++i) {
        if (!lanes.count(r.steps[i].actor)) order.push_back(r.steps[i].actor);
        lanes[r.steps[i].actor].push_back(i);
    }
    std::string out = "digraph daxfail_schedule {\n  rankdir=TB;\n  labelloc=t;\n  label=\"" + report::dot_escape(title) +
                      "\";\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n";
    for (std::size_t l = 0; l < order.size(); ++l) {
        out += "  subgraph cluster_" + std::to_string(l) + " {\n    label=\"" + report::dot_escape(order[l]) + "\";\n";
        for (auto i : lanes[order[l]]) {
            std::string label = report::dot_escape(std::to_string(i + 1) + ". " + r.steps[i].step);
            for (std::size_t k = 0; k < r.steps[i].trace.size() && k < 6; ++k)
                label += "\\n" + report::dot_escape(r.steps[i].trace[k].function +
                                                    (r.steps[i].trace[k].detail.empty() ? "" : ": " + r.steps[i].trace[k].detail));
            if (r.steps[i].trace.size() > 6) label += "\\n(" + std::to_string(r.steps[i].trace.size() - 6) + " more)";
            out += "    s" + std::to_string(i) + " [label=\"" + label + "\"];\n";
        }
        out += "  }\n";
    }
    for (std::size_t i = 1; i < r.steps.size(); ++i)
        out += "  s" + std::to_string(i - 1) + " -> s" + std::to_string(i) +
               (r.steps[i].actor != r.steps[i - 1].actor ? " [color=red, penwidth=2]" : "") + ";\n";
    out += "}\n";
    return out;
}

}  // namespace daxfail::explore

#endif
