// The scenario of every recorded oracle report (tests/oracle/NAME.KERNEL.json): a catalog scenario, or else the
// scenario file stored next to the reports, tests/oracle/scenarios/NAME.json (a scenario that is not in the
// catalog, run with `daxfail oracle --scenario FILE`). Its own file: the scenario reader's namespace
// daxfail::json would make tests/oracle_agreement.cpp's `json` (nlohmann's) ambiguous.
#include "support.hpp"

#include <daxfail/json/scenario_reader.hpp>
#include <daxfail/oracle/plan.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

using namespace daxfail;

namespace {
const std::filesystem::path oracle_dir = std::filesystem::path(DAXFAIL_SOURCE_DIR) / "tests/oracle";

/// The scenario a recorded report ran: the catalog's, or else the file stored next to the reports.
std::optional<scenario> scenario_of_report(const std::string& name) {
    for (const auto& s : scenarios::catalog())
        if (s.name == name) return s;
    const auto path = oracle_dir / "scenarios" / (name + ".json");
    if (!std::filesystem::exists(path)) return std::nullopt;
    auto r = json::load_scenario_file(path.string());
    for (const auto& e : r.errors) FAIL_CHECK(path.string() << ": " << e.to_string());
    if (!r.ok()) return std::nullopt;
    return *r.value;
}
}  // namespace

TEST_CASE("oracle: every recorded report's plan is its scenario's, from the catalog or tests/oracle/scenarios/") {
    std::set<std::string> reported;
    std::size_t from_files = 0;
    for (const auto& e : std::filesystem::directory_iterator(oracle_dir)) {
        if (e.path().extension() != ".json") continue;
        const std::string stem = e.path().stem().string();  // NAME.KERNEL
        const std::string name = stem.substr(0, stem.find('.'));
        INFO(e.path().filename().string());
        reported.insert(name);
        const auto s = scenario_of_report(name);
        REQUIRE_MESSAGE(s.has_value(), "no catalog scenario and no tests/oracle/scenarios/" << name << ".json");
        std::string why;
        const auto plan = oracle::plan_from_scenario(*s, why);
        REQUIRE_MESSAGE(plan.has_value(), why);
        std::ifstream in(e.path());
        CHECK(nlohmann::json::parse(plan->dump()) == nlohmann::json::parse(in).at("plan"));
        from_files += std::filesystem::exists(oracle_dir / "scenarios" / (name + ".json"));
    }
    CHECK(from_files >= 1);
    // Every scenario file has a report, and none shadows a catalog scenario.
    for (const auto& e : std::filesystem::directory_iterator(oracle_dir / "scenarios")) {
        const std::string name = e.path().stem().string();
        INFO(name);
        CHECK(reported.count(name) == 1);
        for (const auto& s : scenarios::catalog()) CHECK(s.name != name);
        const auto r = json::load_scenario_file(e.path().string());
        REQUIRE(r.ok());
        CHECK(r.value->name == name);
    }
}
