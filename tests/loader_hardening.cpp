// The scenario loader on what people actually feed it: text that is not JSON,
// numbers no u64 or double holds, defaults that hide the field at fault, files
// given by their size alone (laid out as a fresh XFS would), and the limits.
#include <daxfail/builder.hpp>
#include <daxfail/json/scenario_reader.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace daxfail;

namespace {

nlohmann::json small() {
    return nlohmann::json::parse(R"({
      "devices": [{"size": "64MiB"}],
      "filesystem": {"data": {"ag_count": 4, "ag_blocks": 4096}},
      "inodes": [{"ino": 133, "extents": [{"group": 1, "agbno": 100, "blocks": 16}]}],
      "tasks": [{"pid": 1001, "vmas": [{"ino": 133, "pages": 16, "start": "0x7f0000000000"}]}],
      "event": {"kind": "unbind", "current": 1001}})");
}

std::vector<std::string> errors_of(const std::string& text) {
    std::vector<std::string> out;
    for (const auto& e : json::scenario_from_text(text).errors) out.push_back(e.to_string());
    return out;
}

std::vector<std::string> errors_of(const char* text) { return errors_of(std::string(text)); }
std::vector<std::string> errors_of(const nlohmann::json& doc) { return errors_of(doc.dump()); }

}  // namespace

TEST_CASE("text that is not a scenario: one error with where it is, never an exception") {
    CHECK(errors_of(std::string()) ==
          std::vector<std::string>{"(document): not valid JSON at line 1, column 1: syntax error while parsing value - "
                                   "unexpected end of input; expected '[', '{', or a literal"});
    CHECK(errors_of("{\"devices\": [{\"size\": 1e999999}]}") ==
          std::vector<std::string>{"devices[0].size: 1e999999 is out of range (beyond a double) at line 1, column 23"});
    CHECK(errors_of("{\"devices\": [],\n \"devices\": []}") ==
          std::vector<std::string>{"devices: appears twice in the same object"});
    CHECK(errors_of(std::string(100000, '[')) ==
          std::vector<std::string>{"[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
                                   "[0][0]: nested deeper than 32 levels (the limit)"});
    const std::string control = std::string("{\"a\": ") + '\x01' + "}";
    const auto e = errors_of(control);
    REQUIRE(e.size() == 1);
    CHECK(e[0].find('\x01') == std::string::npos);  // the byte is shown escaped, not echoed raw
    // Past the size limit, by the file's size (a sparse file: nothing is read) and by the text's.
    const auto sparse = std::filesystem::temp_directory_path() / "daxfail_test_sparse.json";
    std::ofstream(sparse).close();
    std::filesystem::resize_file(sparse, json::max_file_bytes + 1);
    const auto big = json::load_scenario_file(sparse.string());
    std::filesystem::remove(sparse);
    REQUIRE(big.errors.size() == 1);
    CHECK(big.errors[0].to_string() == "is 1073741825 bytes, more than the limit of 1073741824 bytes (1 GiB)");
}

TEST_CASE("name and description are optional; a file without a name is named after its stem") {
    const auto r = json::scenario_from_json(small());
    REQUIRE(r.ok());
    CHECK(r.value->name.empty());
    CHECK(r.value->description.empty());
}

TEST_CASE("an error on a defaulted field names the object that has it and what the default came from") {
    auto d = small();
    d["tasks"][0]["vmas"][0]["pages"] = 64;  // past EOF; present (absent) would repeat the defect
    CHECK(errors_of(d) == std::vector<std::string>{"tasks[0].vmas[0].pages: maps file pages 0..63 beyond end of file (16 pages)"});
    d = small();
    d["devices"][0]["size"] = "32MiB";
    CHECK(errors_of(d) == std::vector<std::string>{
                              "filesystem.data: nr_bytes is not given, so it is (ag_count x ag_blocks) x blocksize = 67108864: "
                              "part_off + nr_bytes = 67108864 is beyond the end of devices[0] (its size is 33554432)"});
    d = small();
    d["inodes"][0]["extents"][0]["agbno"] = 0;
    d["inodes"][0]["extents"][0]["group"] = 0;
    CHECK(errors_of(d).size() == 1);  // four header records overlapped, one defect
}

TEST_CASE("a file given by size alone is laid out per group after the headers, around explicit extents") {
    auto d = small();
    d["inodes"].push_back({{"ino", 134}, {"size", "20MiB"}});  // 5120 blocks: crosses from group 0 into group 1
    const auto r = json::scenario_from_json(d);
    REQUIRE(r.ok());
    REQUIRE(r.layout.size() == 1);
    CHECK(r.layout[0].ino == 134);
    CHECK(r.layout[0].path == "inodes[1]");
    // Group 0: blocks 0..7 headers, 16..287 inodes and log: free 8..15 and 288..4095.
    // Group 1: headers 0..7, then free to 99 (inode 133 holds 100..115), then 116 onwards.
    using ext = json::laid_out_file::extent;
    const std::vector<std::tuple<u32, u64, u64, u64>> want = {
        {0, 8, 8, 0}, {0, 288, 3808, 8}, {1, 8, 92, 3816}, {1, 116, 1212, 3908}};
    REQUIRE(r.layout[0].extents.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        const ext& e = r.layout[0].extents[i];
        CHECK(std::tuple{e.group, e.agbno, e.blocks, e.file_block} == want[i]);
    }
    CHECK(r.value->world.inodes.at(134).size == 20u << 20);
    CHECK(r.value->world.inodes.at(134).cache.pages() == 5120);  // in core: every page cached
    d["inodes"][1]["size"] = "63MiB";  // fewer blocks than the section, more than are free
    CHECK(errors_of(d) == std::vector<std::string>{
                              "inodes[1].size: 66060288 bytes do not fit: the data section is 64 blocks short of free space"});
    d["inodes"][1]["size"] = "1GiB";
    CHECK(errors_of(d) == std::vector<std::string>{
                              "inodes[1].size: 1073741824 bytes do not fit: the data section has 16384 blocks"});
}

TEST_CASE("a laid-out extent never exceeds XFS_MAX_BMBT_EXTLEN blocks") {
    auto d = small();
    d["devices"][0]["size"] = "64GiB";
    d["filesystem"]["data"] = {{"ag_count", 2}, {"ag_blocks", 8388608}};
    d["inodes"] = nlohmann::json::array({{{"ino", 133}, {"size", "10GiB"}}});
    d["tasks"][0]["vmas"][0]["pages"] = 2621440;
    const auto r = json::scenario_from_json(d);
    REQUIRE(r.ok());
    u64 total = 0;
    for (const auto& e : r.layout.at(0).extents) {
        CHECK(e.blocks <= daxfail::max_extent_blocks);
        total += e.blocks;
    }
    CHECK(total == 2621440);
}

TEST_CASE("a C++ world lays out files given by size as the scenario file does (size_only_layout.json)") {
    const auto r = json::load_scenario_file(std::string(DAXFAIL_SOURCE_DIR) + "/tests/e2e/size_only_layout.json");
    REQUIRE(r.ok());
    auto b = world_builder{}.geometry(16, 1048576).standard_metadata();
    b.sized_file(131, "big", u64{30} << 30).sized_file(132, "small", u64{1} << 20);
    for (u32 pid : {1000u, 1001u, 1002u}) b.process(pid, "task" + std::to_string(pid));
    b.map(1000, 131, 0, 7864320, 0x7f0000000000).map(1001, 131, 0, 7864320, 0x7f0000000000, {}, false);
    b.edit().tasks[1].vmas[0].present.assign(0, 999, mapping_size::pte);  // "touched": {"first": 0, "pages": 1000}
    b.map(1002, 131, 0, 7864320, 0x7f0000000000);
    CHECK(b.build() == r.value->world);
    CHECK_THROWS_AS(world_builder{}.sized_file(133, "too big", u64{1} << 30), std::invalid_argument);
}

TEST_CASE("touched: the pages a task faulted in, as one run") {
    auto d = small();
    d["tasks"][0]["vmas"][0]["touched"] = {{"first", 2}, {"pages", 3}};
    const auto r = json::scenario_from_json(d);
    REQUIRE(r.ok());
    CHECK(r.value->world.tasks[0].vmas[0].present.pages() == 3);
    d["tasks"][0]["vmas"][0]["present"] = "all";
    CHECK(errors_of(d) == std::vector<std::string>{"tasks[0].vmas[0].touched: give present or touched, not both"});
}

TEST_CASE("documented limits are errors that name the limit") {
    auto d = small();
    d["tasks"][0]["vmas"] = nlohmann::json::array();
    for (int i = 0; i < 65531; ++i) d["tasks"][0]["vmas"].push_back(0);
    CHECK(errors_of(d) == std::vector<std::string>{"tasks[0].vmas: 65531 mappings (vm.max_map_count); the limit is 65530"});
}

TEST_CASE("devices: default pfns never overlap; explicit overlapping pfns are refused") {
    auto d = small();
    d["devices"] = {{{"size", "64GiB"}}, {{"size", "64MiB"}}};
    const auto r = json::scenario_from_json(d);
    REQUIRE(r.ok());
    CHECK(r.value->world.devices[0].first_pfn == 0x100000);
    CHECK(r.value->world.devices[1].first_pfn == 0x100000 + (u64{64} << 18));  // just past device 0
    // An explicit device inside where the defaulted one would go: the default moves past it.
    d["devices"][1]["first_pfn"] = "0x200000";
    const auto moved = json::scenario_from_json(d);
    REQUIRE(moved.ok());
    CHECK(moved.value->world.devices[0].first_pfn == 0x200000 + (u64{64} << 8));
    // Two explicit devices that overlap are refused, with both ranges.
    d["devices"][0]["first_pfn"] = "0x100000";
    CHECK(errors_of(d) == std::vector<std::string>{"devices[1].first_pfn: its pfns 0x200000..0x203fff overlap those of "
                                                   "devices[0] (0x100000..0x10fffff)"});
}

TEST_CASE("load_scenario_file names a file without a name after its stem") {
    const auto path = std::filesystem::temp_directory_path() / "daxfail_unnamed_scenario.json";
    std::ofstream(path) << small().dump();
    const auto r = json::load_scenario_file(path.string());
    std::filesystem::remove(path);
    REQUIRE(r.ok());
    CHECK(r.value->name == "daxfail_unnamed_scenario");
    CHECK(json::load_scenario_file("/nonexistent/x.json").errors.at(0).to_string() == "no such file");
}

TEST_CASE("a hundred thousand errors: the first 1000 are listed, the rest counted, in linear time") {
    auto d = small();
    d["inodes"] = nlohmann::json::array();
    for (int i = 0; i < 100000; ++i) d["inodes"].push_back(nlohmann::json::object());
    const auto e = errors_of(d);
    REQUIRE(e.size() == json::max_errors + 1);
    CHECK(e.front() == "inodes[0].ino: is required");
    CHECK(e.back() == "(document): and 99000 more errors (at most 1000 are listed)");
}

TEST_CASE("a write fault is refused on a reflinked page only, not on the rest of its extent") {
    auto d = small();
    d["filesystem"]["reflink"] = true;
    d["inodes"].push_back({{"ino", 134}, {"extents", {{{"group", 1}, {"agbno", 110}, {"blocks", 2}}}}});
    d["actors"] = {{{"name", "writer"}, {"steps", {{{"op", "fault"}, {"pid", 1001}, {"inode", 133}, {"page", 0}, {"write", true}}}}}};
    CHECK(json::scenario_from_json(d).ok());  // page 0 is block 100: only 110..111 are shared
    d["actors"][0]["steps"][0]["page"] = 10;
    CHECK(errors_of(d) == std::vector<std::string>{"actors[0].steps[0].write: page 10 is in a shared (reflinked) extent: a "
                                                   "write fault copies it, which is not modelled"});
}
