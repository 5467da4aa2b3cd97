// Every report format, parsed back and compared with the comparison it renders.
#include "support.hpp"

#include <daxfail/compare.hpp>
#include <daxfail/report/csv.hpp>
#include <daxfail/report/dot.hpp>
#include <daxfail/report/json.hpp>
#include <daxfail/report/overview.hpp>
#include <daxfail/report/text.hpp>

#include <set>
#include <sstream>

using namespace daxfail;
using namespace daxfail::scenarios;

namespace {

const comparison& sample() {
    static const comparison c = compare(
        {{"pre_patch", presets::pre_patch::config},
         {"merged", presets::merged::config},
         {variant_name<presets::merged::with<thaw::in_callee>>(), presets::merged::with<thaw::in_callee>::config},
         {"v12", presets::v12::config}},
        {unbind_mapped_files(), poison_one_page(), frozen_by_kernel_holder()});
    return c;
}

/// RFC 4180 rows.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        if (quoted) {
            if (ch == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
            else if (ch == '"') quoted = false;
            else field += ch;
        } else if (ch == '"') {
            quoted = true;
        } else if (ch == ',') {
            rows.back().push_back(field);
            field.clear();
        } else if (ch == '\n') {
            rows.back().push_back(field);
            field.clear();
            rows.emplace_back();
        } else {
            field += ch;
        }
    }
    if (rows.back().empty()) rows.pop_back();
    return rows;
}

std::vector<std::string> split_md_row(const std::string& line) {
    std::vector<std::string> cells;
    std::string cell;
    for (std::size_t i = 1; i < line.size(); ++i) {
        if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') cell += '|', ++i;
        else if (line[i] == '|') {
            cells.push_back(cell.substr(1, cell.size() - 2));
            cell.clear();
        } else cell += line[i];
    }
    return cells;
}

}  // namespace

TEST_CASE("JSON report: the documented contract, value by value") {
    const auto& c = sample();
    const auto doc = nlohmann::json::parse(report::to_json(c).dump());
    REQUIRE(doc["variants"].size() == 4);
    CHECK(doc["variants"][0] == "pre_patch");
    CHECK(doc["variants"][2].get<std::string>().find("thaw=in_callee") != std::string::npos);
    CHECK(doc["scenarios"] == nlohmann::json({"unbind_mapped_files", "poison_one_page", "frozen_by_kernel_holder"}));
    REQUIRE(doc["results"].size() == 12);
    const std::set<std::string> shutdowns{"none", "corrupt_ondisk", "force_umount", "device_removed"};
    for (std::size_t s = 0; s < 3; ++s)
        for (std::size_t v = 0; v < 4; ++v) {
            const auto& j = doc["results"][s * 4 + v];
            const auto& r = c.at(v, s);
            CHECK(j["variant"] == c.variants[v].name);
            CHECK(j["scenario"] == c.scenarios[s].name);
            CHECK(j["terminated"] == r.out.terminated());
            if (r.out.terminated()) CHECK(j["return_code"] == *report::return_code(c.scenarios[s], r.out));
            else CHECK(j["return_code"].is_null());
            REQUIRE(j["signals"].size() == r.out.signals.size());
            u64 signals = 0;
            for (std::size_t k = 0; k < r.out.signals.size(); ++k) {
                CHECK(j["signals"][k]["pages"] == r.out.signals[k].pages);
                signals += j["signals"][k]["pages"].get<u64>();
                CHECK(j["signals"][k]["pid"] == r.out.signals[k].pid);
                CHECK(j["signals"][k]["signo"] == 7);
                CHECK(j["signals"][k]["si_code"] == si_code::name(r.out.signals[k].si_code));
                CHECK(j["signals"][k]["address"] == r.out.signals[k].addr);
            }
            CHECK(j["signal_count"] == signals);
            CHECK(j["unmapped"] == r.out.unmapped_pages());
            CHECK(j["poisoned_pages"] == r.out.poisoned.pages());
            CHECK(j["cache_entries_left"] == r.out.cache_pages_left());
            CHECK(shutdowns.count(j["shutdown"].get<std::string>()) == 1);
            REQUIRE(j["freeze_holders_after"].size() == r.out.freeze_holders_after.size());
            for (const auto& h : j["freeze_holders_after"]) CHECK((h == "kernel" || h == "userspace"));
            REQUIRE(j["invariants"].size() == invariant_names.size());
            for (const auto& i : r.invariants) CHECK(j["invariants"][i.name] == verdict_name(i.result));
        }
    CHECK(doc["results"][1]["signals"][0]["si_code"] == "BUS_MCEERR_AO");
    CHECK(doc["results"][0]["shutdown"] == "corrupt_ondisk");
    CHECK(doc["results"][1]["shutdown"] == "force_umount");
    CHECK(doc["results"][11]["terminated"] == false);  // v12 on a kernel-frozen fs
    CHECK(doc["results"][10]["freeze_holders_after"].empty());  // thaw=in_callee dropped scrub's freeze
    REQUIRE(doc["classes"].size() == 3);
    CHECK(doc["classes"][1]["classes"].size() == 1);
}

TEST_CASE("CSV report: one row per run with the same values") {
    const auto& c = sample();
    const auto rows = parse_csv(report::to_csv(c));
    REQUIRE(rows.size() == 1 + 12);
    CHECK(rows[0][0] == "variant");
    CHECK(rows[0].size() == 10 + invariant_names.size());
    for (std::size_t s = 0; s < 3; ++s)
        for (std::size_t v = 0; v < 4; ++v) {
            const auto& row = rows[1 + s * 4 + v];
            const auto& r = c.at(v, s);
            REQUIRE(row.size() == rows[0].size());
            CHECK(row[0] == c.variants[v].name);  // commas survive quoting
            CHECK(row[1] == c.scenarios[s].name);
            const auto rc = report::return_code(c.scenarios[s], r.out);
            CHECK(row[2] == (rc ? std::to_string(*rc) : std::string()));
            CHECK(row[3] == (r.out.terminated() ? "true" : "false"));
            CHECK(row[4] == std::to_string(r.out.signal_count()));
            CHECK(row[6] == std::to_string(r.out.poisoned.pages()));
            CHECK(row[8] == report::shutdown_name(r.out.shutdown_flags));
            for (std::size_t i = 0; i < invariant_names.size(); ++i) CHECK(row[10 + i] == verdict_name(r.invariants[i].result));
        }
    // --only-differences drops the poison scenario, where all variants agree.
    CHECK(parse_csv(report::to_csv(c, true)).size() == 1 + 8);
}

TEST_CASE("Markdown report: the outcome table and the classes read back") {
    const auto& c = sample();
    const auto md = report::to_markdown(c);
    std::istringstream in(md);
    std::string line;
    std::vector<std::vector<std::string>> outcome_rows;
    bool in_outcomes = false;
    while (std::getline(in, line)) {
        if (line == "## Outcomes") in_outcomes = true;
        else if (line.rfind("## ", 0) == 0) in_outcomes = false;
        else if (in_outcomes && line.rfind("| ", 0) == 0) outcome_rows.push_back(split_md_row(line));
    }
    REQUIRE(outcome_rows.size() == 1 + 3);
    CHECK(outcome_rows[0][0] == "scenario");
    CHECK(outcome_rows[0][1] == "pre_patch");
    for (std::size_t s = 0; s < 3; ++s)
        for (std::size_t v = 0; v < 4; ++v)
            CHECK(outcome_rows[1 + s][1 + v] == report::one_line(c.scenarios[s], c.at(v, s).out));
    CHECK(md.find("### frozen_by_kernel_holder") != std::string::npos);
    CHECK(md.find("- v12: terminates (did not terminate") != std::string::npos);
    CHECK(md.find("| pre_patch | 2 fail | 2 fail | pass | pass | 1 fail | pass | n/a | pass |") != std::string::npos);
}

TEST_CASE("terminal table: aligned columns, colour only when asked") {
    const auto& c = sample();
    const auto plain = report::to_table(c, false, false);
    CHECK(plain.find("\x1b[") == std::string::npos);
    CHECK(plain.find("class  variants") != std::string::npos);
    CHECK(plain.find("1      pre_patch") != std::string::npos);
    const auto coloured = report::to_table(c, false, true);
    CHECK(coloured.find("\x1b[31m") != std::string::npos);
}

TEST_CASE("overview (compare's default table): 120 columns, the classes, what separates equal summaries") {
    const auto& c = sample();
    const auto text = report::to_overview(c);
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) CHECK(line.size() <= report::overview_width);
    CHECK(text.find("\x1b[") == std::string::npos);
    CHECK(report::to_overview(c, false, {false, true}).find("\x1b[31mfails ") != std::string::npos);
    // The name spelled out by every axis is #1, its axes in the legend once.
    CHECK(text.find("  #1    kill_dax_flags=pre_remove,") != std::string::npos);
    CHECK(text.find("poison_one_page: all 4 variant(s) agree\n  rc 0, 1 signals") != std::string::npos);
    // Two classes with the same one-line summary: the later one names the observables that differ.
    std::size_t same = 0;
    for (std::size_t s = 0; s < c.scenarios.size(); ++s) {
        const auto& k = c.classes[s];
        for (std::size_t i = 1; i < k.classes.size(); ++i)
            for (std::size_t j = 0; j < i; ++j) {
                if (report::one_line(c.scenarios[s], c.at(k.classes[i].front(), s).out) !=
                    report::one_line(c.scenarios[s], c.at(k.classes[j].front(), s).out))
                    continue;
                std::string obs;
                for (const auto& d : k.differences)
                    if (d.a == j && d.b == i)
                        for (const auto& x : d.differences) obs += (obs.empty() ? "" : ", ") + x.observable;
                CHECK(text.find("  " + std::to_string(i + 1) + "  same summary as " + std::to_string(j + 1) +
                                "; differs in " + obs + "\n") != std::string::npos);
                ++same;
                break;
            }
    }
    CHECK(same > 0);
    // --only-differences leaves out the scenario where all agree.
    CHECK(report::to_overview(c, true).find("poison_one_page") == std::string::npos);
}

TEST_CASE("DOT rendering: one node per step, a red edge per signal, a blue edge per freeze call") {
    const auto s = frozen_by_kernel_holder();
    const auto o = run<presets::merged>(s.world, s.event);
    const auto dot = report::to_dot(s, "merged", o);
    CHECK(dot.rfind("digraph daxfail {", 0) == 0);
    CHECK(std::count(dot.begin(), dot.end(), '{') == std::count(dot.begin(), dot.end(), '}'));
    auto count = [&](const std::string& needle) {
        std::size_t n = 0;
        for (auto p = dot.find(needle); p != std::string::npos; p = dot.find(needle, p + 1)) ++n;
        return n;
    };
    CHECK(count("[label=\"") >= o.trace.size());
    // One red edge per kill_proc step (a step signals a run of pages of one mapping).
    const auto kills = std::count_if(o.trace.begin(), o.trace.end(), [](const trace_step& t) { return t.function == "kill_proc"; });
    CHECK(kills >= static_cast<long>(o.signals.size()));
    CHECK(count("color=red") == static_cast<std::size_t>(kills));
    const auto freeze_calls = std::count_if(o.trace.begin(), o.trace.end(), [](const trace_step& t) {
        return t.function == "freeze_super" || t.function == "thaw_super";
    });
    CHECK(count("color=blue") == static_cast<std::size_t>(freeze_calls));
}
