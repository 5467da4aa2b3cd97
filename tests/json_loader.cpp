// Scenario files: every validation rule has a bad-input test asserting its
// message, and the catalog files read back to the C++ catalog.
#include "support.hpp"

#include <daxfail/json/scenario_reader.hpp>
#include <daxfail/json/scenario_writer.hpp>
#include <daxfail/concurrent_scenarios.hpp>

#include <filesystem>

using namespace daxfail;
using daxfail::json::scenario_from_text;

namespace {

/// A small valid document; tests break one thing at a time.
nlohmann::json good() {
    return nlohmann::json::parse(R"({
      "name": "t", "description": "d",
      "devices": [{"name": "pmem0", "size": "64MiB"}],
      "filesystem": {"data": {"ag_count": 4, "ag_blocks": 4096}},
      "inodes": [{"ino": 133, "extents": [{"group": 1, "agbno": 100, "blocks": 16}]},
                 {"ino": 134, "extents": [{"group": 2, "agbno": 200, "blocks": 8}]}],
      "tasks": [{"pid": 900, "comm": "sh"},
                {"pid": 1001, "comm": "reader", "vmas": [{"ino": 133, "pages": 16, "start": "0x7f0000000000"}]}],
      "event": {"kind": "unbind", "current": 900}
    })");
}

std::vector<std::string> errors(const nlohmann::json& doc) {
    std::vector<std::string> out;
    for (const auto& e : json::scenario_from_json(doc).errors) out.push_back(e.to_string());
    return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
    const bool found = std::find(v.begin(), v.end(), s) != v.end();
    if (!found) {
        std::string all;
        for (const auto& x : v) all += x + "\n";
        INFO("errors were:\n" << all);
        CHECK(found);
    }
    return found;
}

/// Sorts every group's records, so that worlds built in different orders compare equal.
world normalized(world w) {
    auto sort_section = [](xfs_section& s) {
        for (auto& g : s.rmap) std::sort(g.begin(), g.end(), kernel::rmap_key_less);
    };
    sort_section(w.mp.data);
    if (w.mp.rt) sort_section(*w.mp.rt);
    return w;
}

}  // namespace

TEST_CASE("a good document reads, with defaults filled in") {
    const auto r = json::scenario_from_json(good());
    REQUIRE(r.ok());
    const world& w = r.value->world;
    CHECK(w.devices[0].size == 64ull << 20);
    CHECK(w.devices[0].first_pfn == 0x100000);
    CHECK(w.mp.data.blocks == 16384);
    CHECK(w.mp.data.target.nr_bytes == 64ull << 20);
    CHECK(w.mp.fsname == "pmem0");
    CHECK(w.inodes.at(133).size == 16 * 4096);
    CHECK(w.inodes.at(133).cache.pages() == 16);  // in core: every page cached by default
    CHECK(w.tasks[1].vmas[0].present.pages() == 16);
    CHECK(w.mp.data.rmap[0].size() == 6);  // standard metadata
    CHECK(r.value->event == event::unbind(0, 900));
}

TEST_CASE("syntax errors, unknown fields, missing and mistyped fields") {
    CHECK(scenario_from_text("{ \"name\": ").errors.at(0).to_string().rfind("(document): not valid JSON", 0) == 0);
    auto d = good();
    d["filesystem"]["data"]["agcount"] = 4;
    has(errors(d), "filesystem.data.agcount: unknown field; did you mean \"ag_count\"?");
    d = good();
    d["filesystem"]["data"].erase("ag_blocks");
    has(errors(d), "filesystem.data.ag_blocks: is required");
    d = good();
    d["devices"][0]["size"] = "big";
    has(errors(d), "devices[0].size: must be an unsigned integer, a \"0x...\" string or a size such as \"64MiB\", not \"big\"");
    d = good();
    d["devices"][0]["size"] = -4096;
    has(errors(d), "devices[0].size: must not be negative (-4096)");
    d = good();
    d["devices"][0]["size"] = "0x1ffffffffffffffff";  // 2^65 - 1
    has(errors(d), "devices[0].size: \"0x1ffffffffffffffff\" is larger than the largest unsigned 64-bit number (18446744073709551615)");
    d = good();
    d["devices"][0]["size"] = 67108864.5;
    has(errors(d), "devices[0].size: must be a whole number, not 67108864.5");
    d = good();
    d["devices"][0]["size"] = 6.7108864e7;  // whole, so accepted
    CHECK(json::scenario_from_json(d).ok());
    d = good();
    d["tasks"][1]["vmas"][0]["pages"] = "1GiB";  // units only on byte fields
    has(errors(d), "tasks[1].vmas[0].pages: \"1GiB\" has a unit, but this field counts, it is not a number of bytes");
    d = good();
    d["tasks"][1]["vmas"][0]["present"] = "some";
    has(errors(d), "tasks[1].vmas[0].present: must be \"all\", \"none\", a {\"first\", \"pages\"} run or an array of page numbers and runs");
    d = good();
    d["event"]["kind"] = "reboot";
    has(errors(d), "event.kind: \"reboot\" is not one of unbind, memory_failure");
    d = good();
    d.erase("event");
    has(errors(d), "event: is required");
}

TEST_CASE("bad geometry: block size, groups, devices") {
    auto d = good();
    d["filesystem"]["blocksize"] = 3000;
    has(errors(d), "filesystem.blocksize: 3000 is not a power of two between 512 and 65536");
    d = good();
    d["inodes"][0]["extents"][0]["group"] = 7;
    has(errors(d), "inodes[0].extents[0].group: no group 7 (4 groups)");
    d = good();
    d["filesystem"]["data"]["device"] = 3;
    has(errors(d), "filesystem.data.device: no device 3 (1 devices)");
    d = good();
    d["filesystem"]["data"]["ag_count"] = 8;  // 8 x 16 MiB does not fit 64 MiB
    has(errors(d), "filesystem.data: nr_bytes is not given, so it is (ag_count x ag_blocks) x blocksize = 134217728: "
                   "part_off + nr_bytes = 134217728 is beyond the end of devices[0] (its size is 67108864)");
    d = good();
    d["inodes"][0]["extents"][0]["agbno"] = 4090;
    has(errors(d), "inodes[0].extents[0].agbno: blocks 4090+16 extend beyond the group (4096 blocks)");
}

TEST_CASE("overlapping extents that are not shared, and unknown owners") {
    auto d = good();
    d["inodes"][1]["extents"][0] = {{"group", 1}, {"agbno", 110}, {"blocks", 4}};
    has(errors(d), "inodes[1].extents[0]: overlaps inodes[0].extents[0] and is not a shared (reflinked) file extent");
    d["filesystem"]["reflink"] = true;
    CHECK(errors(d).empty());
    d = good();
    d["filesystem"]["metadata"] = {{{"group", 1}, {"agbno", 0}, {"blocks", 1}, {"owner", "log"}}};
    has(errors(d), "filesystem.metadata[0]: overlaps the blocks that filesystem.data.standard_metadata reserves (blocks 0..7 of "
                   "every group for its headers, and blocks 16..287 of group 0 for inodes and the log) and is not a shared "
                   "(reflinked) file extent");
    d = good();
    d["filesystem"]["metadata"] = {{{"group", 3}, {"agbno", 500}, {"blocks", 1}, {"owner", 999}}};
    has(errors(d), "filesystem.metadata[0].owner: no inode 999 in the filesystem");
    d["filesystem"]["metadata"] = {{{"group", 3}, {"agbno", 500}, {"blocks", 1}, {"owner", "superblock"}}};
    has(errors(d), "filesystem.metadata[0].owner: must be an inode number or one of fs, log, ag, inobt, inodes, refc, cow, null, unknown");
    d = good();
    d["inodes"][1]["ino"] = 133;
    has(errors(d), "inodes[1].ino: duplicate inode 133");
}

TEST_CASE("mappings: unknown inode, beyond end of file, pages not cached, outside the mapping") {
    auto d = good();
    d["tasks"][1]["vmas"][0]["ino"] = 135;
    has(errors(d), "tasks[1].vmas[0].ino: no inode 135 in the filesystem");
    d = good();
    d["tasks"][1]["vmas"][0]["pages"] = 17;
    has(errors(d), "tasks[1].vmas[0].pages: maps file pages 0..16 beyond end of file (16 pages)");
    d = good();
    d["inodes"][0]["cached"] = {0, 1};
    has(errors(d), "tasks[1].vmas[0]: present is not given, so every page of the mapping is present: page 2 has a live PTE "
                   "but no cached entry in the file");
    d = good();
    d["tasks"][1]["vmas"][0]["present"] = {20};
    has(errors(d), "tasks[1].vmas[0].present: page 20 is outside the mapping");
    d = good();
    d["inodes"][0]["cached"] = {40};
    d["tasks"][1]["vmas"][0]["present"] = "none";
    has(errors(d), "inodes[0].cached: entry at page 40 is beyond end of file (16 pages)");
    d = good();
    d["inodes"][0]["dirty"] = {3, 99};
    has(errors(d), "inodes[0].dirty[1]: page 99 is not cached");
    d = good();
    d["tasks"][1]["vmas"][0]["start"] = "0xfffffffffffff000";
    has(errors(d), "tasks[1].vmas[0].start: start + pages * 4096 overflows u64");
}

TEST_CASE("tasks: duplicate pids, unknown current, kernel threads with mappings") {
    auto d = good();
    d["tasks"][1]["pid"] = 900;
    has(errors(d), "tasks[1].pid: duplicate pid/tid 900");
    d = good();
    d["tasks"][1]["threads"] = {{{"tid", 900}}};
    has(errors(d), "tasks[1].threads[0].tid: duplicate pid/tid 900");
    d = good();
    d["event"]["current"] = 4711;
    has(errors(d), "event.current: no thread 4711 among the tasks");
    d = good();
    d["tasks"][1]["kernel_thread"] = true;
    has(errors(d), "tasks[1].vmas: a kernel thread (no mm) cannot map files");
}

TEST_CASE("memory-failure events: overflowing ranges, locations, madvise addresses") {
    auto d = good();
    d["event"] = {{"kind", "memory_failure"}, {"current", 1001}, {"offset", "0xfffffffffffff000"}, {"length", 8192},
                  {"source", "machine_check"}};
    has(errors(d), "event.length: offset + length overflows u64");
    d["event"]["offset"] = "1GiB";
    has(errors(d), "event.length: offset + length is beyond the device (67108864 bytes)");
    d["event"]["inode"] = 133;
    has(errors(d), "event: a memory_failure needs exactly one location: offset (+ length), inode + page (+ pages), or group + agbno (+ blocks)");
    d = good();
    d["event"] = {{"kind", "memory_failure"}, {"current", 900}, {"inode", 133}, {"page", 3}};
    has(errors(d), "event.vaddr: madvise needs the page's address in current's mapping (give vaddr, or an inode + page that current maps)");
    d["event"]["current"] = 1001;  // reader maps it: the address is found
    const auto r = json::scenario_from_json(d);
    REQUIRE(r.ok());
    CHECK(r.value->event.madvise_vaddr == 0x7f0000003000ull);
    CHECK(r.value->event.offset == data_block_offset(r.value->world, 1, 103));
    d["event"]["page"] = 30;
    has(errors(d), "event.page: pages 30..30 are beyond end of file (16 pages)");
    d = good();
    d["event"] = {{"kind", "memory_failure"}, {"current", 900}, {"group", 9}, {"agbno", 2}, {"source", "machine_check"}};
    has(errors(d), "event.group: no group 9 (4 groups)");
}

TEST_CASE("the catalog files are the C++ catalog, and writing then reading gives the same scenario") {
    const std::filesystem::path dir = std::filesystem::path(DAXFAIL_SOURCE_DIR) / "examples" / "scenarios";
    const auto catalog = scenarios::catalog();
    CHECK(catalog.size() >= 20);
    for (const auto& s : catalog) {
        INFO(s.name);
        const auto r = json::load_scenario_file((dir / (s.name + ".json")).string());
        REQUIRE(r.ok());
        CHECK(r.value->name == s.name);
        CHECK(r.value->description.size() > 80);  // a paragraph, not a label
        CHECK(normalized(r.value->world) == normalized(s.world));
        CHECK(r.value->event == s.event);
        const auto again = json::scenario_from_text(json::scenario_to_text(*r.value));
        REQUIRE(again.ok());
        CHECK(json::scenario_to_text(*again.value) == json::scenario_to_text(*r.value));
    }
    std::size_t files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        files += e.path().extension() == ".json" && e.path().filename().string().find(".schema.") == std::string::npos;
    CHECK(files == catalog.size());
}

TEST_CASE("page runs and PMD mappings in scenario files: read, refused with the field, written back as runs") {
    auto d = good();
    d["filesystem"]["data"]["ag_blocks"] = 8192;
    d["devices"][0]["size"] = "128MiB";
    d["inodes"][0]["extents"][0] = {{"group", 1}, {"agbno", 512}, {"blocks", 2048}};
    d["tasks"][1]["vmas"][0] = {{"ino", 133}, {"pages", 2048}, {"start", "0x7f0000000000"},
                                {"present", nlohmann::json::array({600, {{"first", 1024}, {"pages", 100}}})},
                                {"pmd", nlohmann::json::array({{{"first", 0}, {"pages", 512}}})}};
    d["inodes"][0]["dirty"] = nlohmann::json::array({{{"first", 1030}, {"pages", 4}}});
    const auto r = json::scenario_from_json(d);
    REQUIRE(r.ok());
    const auto& ip = r.value->world.inodes.at(133);
    const auto& v = r.value->world.tasks[1].vmas[0];
    CHECK(v.present.pages() == 512 + 1 + 100);
    CHECK(v.present.find(0)->value == mapping_size::pmd);
    CHECK(v.present.find(511)->value == mapping_size::pmd);
    CHECK(!v.present.contains(512));
    CHECK(v.present.find(1100)->value == mapping_size::pte);
    CHECK(ip.cache.find(3)->value.pmd);      // a PMD mapping means a 2 MiB entry
    CHECK(!ip.cache.find(600)->value.pmd);
    CHECK(v.present.find(600)->value == mapping_size::pte);
    CHECK(ip.cache.find(1031)->value.dirty);
    CHECK(!ip.cache.find(1034)->value.dirty);
    // Written back as runs, not one index per page, and read again to the same world.
    const auto text = json::scenario_to_text(*r.value);
    CHECK(text.find("\"first\": 1024") != std::string::npos);
    CHECK(text.find("\"pmd\"") != std::string::npos);
    const auto again = json::scenario_from_text(text);
    REQUIRE(again.ok());
    CHECK(again.value->world == r.value->world);

    auto bad = d;
    bad["tasks"][1]["vmas"][0]["present"] = nlohmann::json::array({{{"first", 1024}, {"pages", 0}}});
    has(errors(bad), "tasks[1].vmas[0].present[0].pages: must be positive");
    bad["tasks"][1]["vmas"][0]["present"] = nlohmann::json::array({{{"first", "0xffffffffffffffff"}, {"pages", 2}}});
    has(errors(bad), "tasks[1].vmas[0].present[0].pages: first + pages overflows u64");
    bad = d;
    bad["tasks"][1]["vmas"][0]["present"] = nlohmann::json::array({3});
    has(errors(bad), "tasks[1].vmas[0].pmd: page 3 is in both present and pmd");
    bad = d;
    bad["tasks"][1]["vmas"][0]["present"] = "none";
    bad["tasks"][1]["vmas"][0]["pmd"] = nlohmann::json::array({{{"first", 256}, {"pages", 512}}});
    has(errors(bad), "tasks[1].vmas[0].pmd: a PMD maps a whole 512-page (2 MiB) block of the file; pages 256..767 are not");
    bad = d;
    bad["tasks"][1]["vmas"][0]["start"] = "0x7f0000001000";
    has(errors(bad), "tasks[1].vmas[0].pmd: page 0 is not mapped at a 2 MiB aligned address");
}

TEST_CASE("a shutdown with several flags is written and read as an array of names; a bad name is named") {
    auto d = good();
    d["filesystem"]["shutdown"] = nlohmann::json::array({"log_io_error", "force_umount"});
    const auto r = json::scenario_from_json(d);
    REQUIRE(r.ok());
    CHECK(r.value->world.mp.shutdown_flags == (shutdown_flag::log_io_error | shutdown_flag::force_umount));
    const auto text = json::scenario_to_text(*r.value);
    CHECK(text.find("\"shutdown\": [\n      \"log_io_error\",\n      \"force_umount\"\n    ]") != std::string::npos);
    const auto again = json::scenario_from_text(text);
    REQUIRE(again.ok());
    CHECK(again.value->world.mp.shutdown_flags == r.value->world.mp.shutdown_flags);
    d["filesystem"]["shutdown"] = "corrupt_ondisk";
    CHECK(json::scenario_from_json(d).value->world.mp.shutdown_flags == shutdown_flag::corrupt_ondisk);
    d["filesystem"]["shutdown"] = nlohmann::json::array({"force_umount", "sideways"});
    has(errors(d), "filesystem.shutdown[1]: is not a shutdown flag's name");
}

TEST_CASE("actors in scenario files: read, refused with the field, and the concurrent catalog files are the C++ ones") {
    auto d = good();
    d["actors"] = nlohmann::json::parse(R"([
      {"name": "xfs_freeze", "steps": [{"op": "FIFREEZE"}, {"op": "FITHAW"}]},
      {"name": "r", "start": {"after": "unbind", "step": "xfs_dax_failure_fn"},
       "steps": [{"op": "fault", "pid": 1001, "inode": 133, "page": 3, "write": true}, {"op": "munmap", "pid": 1001, "inode": 133},
                 {"op": "madvise_hwpoison", "pid": 1001, "inode": 133, "page": 2}, {"op": "exit", "pid": 1001}]},
      {"name": "second", "steps": [{"op": "notify", "event": {"kind": "memory_failure", "current": 900, "inode": 134, "page": 1, "source": "machine_check"}}]}
    ])");
    const auto r = json::scenario_from_json(d);
    REQUIRE(r.ok());
    const auto& a = r.value->actors;
    REQUIRE(a.size() == 3);
    CHECK(a[0].steps[1].op == actor_op::fithaw);
    CHECK(a[1].start == start_condition{"unbind", "xfs_dax_failure_fn"});
    CHECK(a[1].steps[0] == steps::write_fault(1001, 133, 3));
    CHECK(a[1].steps[2].event.madvise_vaddr == 0x7f0000002000u);
    CHECK(a[1].steps[2] == steps::madvise_hwpoison(r.value->world, 1001, 133, 2));
    CHECK(a[2].steps[0].event.offset == data_block_offset(r.value->world, 2, 201));
    const auto again = scenario_from_text(json::scenario_to_text(*r.value));
    REQUIRE(again.ok());
    CHECK(again.value->actors == a);

    auto bad = [&](const char* actors, const std::string& message) {
        auto doc = good();
        doc["actors"] = nlohmann::json::parse(actors);
        INFO(actors);
        has(errors(doc), message);
    };
    bad(R"([{"name": "unbind", "steps": [{"op": "work"}]}])",
        "actors[0].name: \"unbind\" is taken (the scenario's event runs as that actor)");
    bad(R"([{"name": "a", "steps": [{"op": "work"}]}, {"name": "a", "steps": [{"op": "work"}]}])",
        "actors[1].name: \"a\" is taken by another actor");
    bad(R"([{"name": "a", "steps": []}])", "actors[0].steps: needs at least one step");
    bad(R"([{"name": "a", "steps": [{"op": "thaw_all"}]}])",
        "actors[0].steps[0].op: \"thaw_all\" is not one of FIFREEZE, FITHAW, freeze, thaw, work, fault, munmap, exit, "
        "madvise_hwpoison, notify");
    bad(R"([{"name": "a", "steps": [{"op": "fault", "pid": 7, "inode": 133, "page": 0}]}])", "actors[0].steps[0].pid: no task 7");
    bad(R"([{"name": "a", "steps": [{"op": "fault", "pid": 1001, "inode": 134, "page": 0}]}])",
        "actors[0].steps[0].page: task 1001 maps no range of inode 134 holding pages 0..0");
    bad(R"([{"name": "a", "steps": [{"op": "fault", "pid": 1001, "inode": 133, "page": 15, "pages": 2}]}])",
        "actors[0].steps[0].page: task 1001 maps no range of inode 133 holding pages 15..16");
    bad(R"([{"name": "a", "steps": [{"op": "munmap", "pid": 900, "inode": 133}]}])",
        "actors[0].steps[0].inode: task 900 maps no part of inode 133");
    bad(R"([{"name": "a", "steps": [{"op": "FIFREEZE", "pid": 900}]}])", "actors[0].steps[0].pid: unknown field");
    bad(R"([{"name": "a", "start": {"after": "b"}, "steps": [{"op": "work"}]}])",
        "actors[0].start.after: no actor \"b\" (actors: unbind, a)");
    bad(R"([{"name": "a", "start": {"after": "a"}, "steps": [{"op": "work"}]}])",
        "actors[0].start.after: an actor cannot wait for itself");
    bad(R"([{"name": "a", "steps": [{"op": "notify", "event": {"kind": "memory_failure", "current": 900, "offset": "1GiB", "source": "machine_check"}}]}])",
        "actors[0].steps[0].event: length is not given, so it is 4096 (one page): offset + length is beyond the device "
        "(67108864 bytes)");
    bad(R"([{"name": "a", "steps": [{"op": "notify"}]}])", "actors[0].steps[0].event: is required");
    // A malformed entry before one with a start condition: both reported, nothing read out of place.
    bad(R"([1, {"name": "b", "start": {"after": "unbind"}, "steps": [{"op": "work"}]}])", "actors[0]: must be an object");
    bad(R"(["x", {"name": "b", "start": {"after": "b"}, "steps": [{"op": "work"}]}])",
        "actors[1].start.after: an actor cannot wait for itself");

    const std::filesystem::path dir = std::filesystem::path(DAXFAIL_SOURCE_DIR) / "examples" / "scenarios" / "concurrent";
    const auto catalog = scenarios::concurrent();
    std::size_t files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) files += e.path().extension() == ".json";
    CHECK(files == catalog.size());
    for (const auto& s : catalog) {
        INFO(s.name);
        const auto f = json::load_scenario_file((dir / (s.name + ".json")).string());
        REQUIRE(f.ok());
        CHECK(f.value->description.size() > 80);
        CHECK(normalized(f.value->world) == normalized(s.world));
        CHECK(f.value->event == s.event);
        CHECK(f.value->actors == s.actors);
        CHECK(!f.value->actors.empty());
    }
}
