// Scenario files users write themselves (issue 22): where a device without first_pfn goes, what XFS refuses, an
// external log leaving AG 0 without a log record, the errors a first afternoon trips over, and loading by
// streaming (the elements of inodes[] and tasks[] read as they are parsed) giving what the DOM reading gives.
#include "support.hpp"
#include "worlds.hpp"

#include <daxfail/builder.hpp>
#include <daxfail/cli/common.hpp>
#include <daxfail/json/scenario_reader.hpp>
#include <daxfail/json/scenario_writer.hpp>
#include <daxfail/presets.hpp>
#include <daxfail/run.hpp>
#include <daxfail/scenarios.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

using namespace daxfail;

namespace {

nlohmann::json machine() {
    return nlohmann::json::parse(R"({
      "devices": [{"name": "pmem0", "size": "64MiB"}],
      "filesystem": {"data": {"ag_count": 4, "ag_blocks": 4096}},
      "inodes": [{"ino": 133, "extents": [{"group": 1, "agbno": 100, "blocks": 16}]}],
      "tasks": [{"pid": 900, "comm": "sh"},
                {"pid": 1001, "comm": "reader", "vmas": [{"ino": 133, "pages": 16, "start": "0x7f0000000000"}]}],
      "event": {"kind": "unbind", "current": 900}
    })");
}

std::vector<std::string> errors_of(const std::string& text) {
    std::vector<std::string> out;
    for (const auto& e : json::scenario_from_text(text).errors) out.push_back(e.to_string());
    return out;
}

/// Every group's records sorted: the writer lists extents file by file, the C++ world may interleave them.
world normalized(world w) {
    for (auto& g : w.mp.data.rmap) std::sort(g.begin(), g.end(), kernel::rmap_key_less);
    return w;
}

bool has_log_record(const world& w) {
    for (const auto& r : w.mp.data.rmap.front())
        if (r.owner == rmap_owner::log) return true;
    return false;
}

}  // namespace

TEST_CASE("a device without first_pfn never lands on another device, whatever the order") {
    auto d = machine();
    // 256 GiB first, defaulted; then a device written at 0x200000, inside where 0x100000 + 256 GiB would reach.
    d["devices"] = nlohmann::json::parse(R"([{"size": "256GiB"}, {"size": "16MiB", "first_pfn": "0x200000"}])");
    auto r = json::scenario_from_json(d);
    REQUIRE(r.ok());
    CHECK(r.value->world.devices[1].first_pfn == 0x200000);
    CHECK(r.value->world.devices[0].first_pfn == 0x200000 + (u64{16} << 20 >> page_shift));  // just past it
    // Defaulted after an explicit one: 0x100000 + i x 0x100000, or past the device before it.
    d["devices"] = nlohmann::json::parse(R"([{"size": "64MiB", "first_pfn": "0x100000"}, {"size": "16MiB"}, {"size": "8GiB"}, {"size": "16MiB"}])");
    r = json::scenario_from_json(d);
    REQUIRE(r.ok());
    CHECK(r.value->world.devices[1].first_pfn == 0x200000);
    CHECK(r.value->world.devices[2].first_pfn == 0x300000);
    CHECK(r.value->world.devices[3].first_pfn == 0x300000 + (u64{8} << 30 >> page_shift));
    // Two explicit devices that overlap: both ranges are named.
    d["devices"] = nlohmann::json::parse(R"([{"size": "64MiB", "first_pfn": "0x100000"}, {"size": "64MiB", "first_pfn": "0x102000"}])");
    CHECK(errors_of(d.dump()) == std::vector<std::string>{
                                     "devices[1].first_pfn: its pfns 0x102000..0x105fff overlap those of devices[0] "
                                     "(0x100000..0x103fff)"});
}

TEST_CASE("an external log leaves AG 0 without an internal-log record; its size is within XFS's limits") {
    auto d = machine();
    REQUIRE(has_log_record(json::scenario_from_json(d).value->world));
    d["devices"].push_back({{"size", "16GiB"}});
    d["filesystem"]["log"] = {{"device", 1}};
    auto r = json::scenario_from_json(d);
    REQUIRE(r.ok());
    CHECK_FALSE(has_log_record(r.value->world));
    CHECK(r.value->world.mp.log->nr_bytes == xfs_limits::max_log_bytes);  // a 16 GiB device holds the largest log
    d["filesystem"]["log"]["nr_bytes"] = "16GiB";
    CHECK(errors_of(d.dump()) == std::vector<std::string>{
                                     "filesystem.log.nr_bytes: 17179869184 bytes (4194304 blocks) is larger than the "
                                     "largest XFS log, 2136997888 bytes and 1048576 blocks (XFS_MAX_LOG_BYTES, "
                                     "XFS_MAX_LOG_BLOCKS)"});
    // The builder the same way, in either order: the C++ catalog's unbind_data_with_external_log has no log record.
    world_builder b;
    b.geometry(4, 4096).standard_metadata();
    b.device("pmem1", 16ull << 20, 0x200000).external_log(1);
    CHECK_FALSE(has_log_record(b.build()));
    world_builder c;
    c.device("pmem1", 16ull << 20, 0x200000).external_log(1);
    c.geometry(4, 4096).standard_metadata();
    CHECK_FALSE(has_log_record(c.build()));
    CHECK_FALSE(has_log_record(test::named("unbind_data_with_external_log").world));
}

TEST_CASE("the errors a first afternoon trips over: one line per defect, and a hint where a field belongs") {
    auto d = machine();
    d["tasks"][1]["vmas"][0]["dirty"] = nlohmann::json::array({0});
    CHECK(errors_of(d.dump()) == std::vector<std::string>{
                                     "tasks[1].vmas[0].dirty: unknown field here: it belongs to the file: "
                                     "inodes[].dirty lists the pages whose DAX entries are dirty"});
    // A bare run is a page list for dirty as for touched.
    d = machine();
    d["inodes"][0]["dirty"] = {{"first", 0}, {"pages", 4}};
    auto r = json::scenario_from_json(d);
    REQUIRE(r.ok());
    CHECK(r.value->world.inodes.at(133).cache.find(3)->value.dirty);
    CHECK_FALSE(r.value->world.inodes.at(133).cache.find(4)->value.dirty);
    // A size with a wrong unit: its error alone, not also "page 0 is not cached".
    d = machine();
    d["inodes"][0].erase("extents");
    d["inodes"][0]["size"] = "100GB";
    d["inodes"][0]["dirty"] = {{"first", 0}, {"pages", 4}};
    d["tasks"][1].erase("vmas");
    const auto one = errors_of(d.dump());
    REQUIRE(one.size() == 1);
    CHECK(one[0].rfind("inodes[0].size: \"100GB\": \"GB\" is not a unit", 0) == 0);
    // Another kind of JSON document: one line.
    CHECK(errors_of(R"({"depth": 200, "preemptions": 2, "results": []})") ==
          std::vector<std::string>{"(document): is not a scenario file: it has none of devices, filesystem and event "
                                   "(its fields: depth, preemptions, results)"});
}

TEST_CASE("sync_filesystem says how many dirty pages it wrote back before failing on a shut-down filesystem") {
    auto s = test::named("dirty_entries_unfrozen");
    s.world.mp.shutdown_flags = shutdown_flag::corrupt_ondisk;
    const auto o = run<presets::merged>(s.world, s.event);
    bool said = false;
    for (const auto& t : o.trace)
        said = said || (t.function == "sync_filesystem" && t.detail.find("-EIO (") == 0 &&
                        t.detail.find(" dirty pages written back, now clean; then the log force failed") != std::string::npos);
    CHECK(said);
}

TEST_CASE("streaming: the same scenario and the same errors whether inodes[] and tasks[] stream or not") {
    const auto s = test::many(10'000, 100, 1'000, u64{1} << 40);
    const std::string text = json::scenario_to_text(s);
    auto streamed = json::scenario_from_text(text);  // devices and filesystem come first: streamed
    REQUIRE(streamed.ok());
    CHECK(normalized(streamed.value->world) == normalized(s.world));
    auto dom = json::scenario_from_json(nlohmann::json::parse(text));  // the whole DOM
    REQUIRE(dom.ok());
    CHECK(dom.value->world == streamed.value->world);  // the same order, too
    // Errors come in the same order however the fields are ordered (and so whichever arrays streamed).
    auto d = machine();
    d["inodes"][0]["dax"] = "yes";           // the inode's own error
    d["tasks"][1]["vmas"][0]["ino"] = "x";   // the mapping's
    const std::vector<std::string> expected{"inodes[0].dax: must be true or false",
                                            "tasks[1].vmas[0].ino: must be an unsigned integer or a \"0x...\" string, not \"x\""};
    CHECK(errors_of(d.dump()) == expected);  // devices, filesystem, event, inodes, tasks: both stream
    std::vector<std::string> dom_errors;
    for (const auto& e : json::scenario_from_json(d).errors) dom_errors.push_back(e.to_string());
    CHECK(dom_errors == expected);
    auto field = [&](const char* k) { return "\"" + std::string(k) + "\": " + d[k].dump(); };
    CHECK(errors_of("{" + field("devices") + ", " + field("filesystem") + ", " + field("tasks") + ", " + field("inodes") +
                    ", " + field("event") + "}") == expected);  // inodes stream, tasks do not
    CHECK(errors_of("{" + field("tasks") + ", " + field("inodes") + ", " + field("event") + ", " + field("devices") +
                    ", " + field("filesystem") + "}") == expected);  // nothing streams
    // An unknown top-level field found only at the end: alone, as when it is read first.
    const std::string late = "{" + field("devices") + ", " + field("filesystem") + ", " + field("inodes") + ", " +
                             field("tasks") + ", " + field("event") + ", \"evnt\": 1}";
    CHECK(errors_of(late) == std::vector<std::string>{"evnt: unknown field; did you mean \"event\"?"});
}

TEST_CASE("a file at real size round-trips through the file reader (10^5 extents, 10^4 mappings)") {
    const auto s = test::many(100'000, 1'000, 10'000, u64{1} << 40);
    // Named after the process: two build trees' tests may run at once on one machine.
    const auto path = std::filesystem::temp_directory_path() /
                      ("daxfail_test_round_trip." + std::to_string(::getpid()) + ".json");
    std::ofstream(path) << json::scenario_to_text(s);
    auto r = json::load_scenario_file(path.string());
    std::filesystem::remove(path);
    REQUIRE(r.ok());
    CHECK(normalized(r.value->world) == normalized(s.world));
    CHECK(r.value->event == s.event);
}

TEST_CASE("a filesystem larger than its device: that error alone, not one more per mapping of a file given by size") {
    auto d = machine();
    d["filesystem"]["data"]["ag_blocks"] = 65536;  // 1 GiB of AGs on a 64 MiB namespace
    d["inodes"][0].erase("extents");
    d["inodes"][0]["size"] = "64KiB";
    const auto e = errors_of(d.dump());
    REQUIRE(e.size() == 1);
    CHECK(e[0].rfind("filesystem.data: nr_bytes is not given", 0) == 0);
}

TEST_CASE("--variants all, given twice or next to other lists: the combinations once, then the others") {
    auto parse = [](std::vector<std::string> words) {
        daxfail::cli::detail::parsed p;
        std::ostringstream out, err;
        const daxfail::cli::detail::command c{.name = "demo", .options = {daxfail::cli::variants_option({})}};
        REQUIRE(daxfail::cli::detail::parse(c, words, p, out, err) == daxfail::cli::detail::parse_status::ok);
        return daxfail::cli::variants_given(p, {}, "explore");
    };
    const auto twice = parse({"--variants", "all", "--variants", "all"});
    REQUIRE(twice);
    CHECK(twice->size() == all_combination_specs().size());
    const auto more = parse({"--variants", "all", "--variants", "v12"});
    REQUIRE(more);
    CHECK(more->size() == all_combination_specs().size() + 1);
    CHECK(more->back().name == "v12");
}

