// Bad input gets an error naming the field and the reason, and no run.
#include "support.hpp"

using namespace daxfail;
using namespace daxfail::scenarios;

namespace {
std::vector<std::string> errors_of(const world& w, const event& e) {
    std::vector<std::string> out;
    for (const auto& err : validate(w, e)) out.push_back(err.to_string());
    return out;
}
bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }
}  // namespace

TEST_CASE("every catalog scenario validates cleanly") {
    for (const auto& s : behavior_table()) {
        INFO(s.name);
        CHECK(validate(s.world, s.event).empty());
    }
}

TEST_CASE("overlapping extents that are not shared are rejected; reflinked file extents are not") {
    auto b = base();
    b.file(140, "C", {{1, 108, 4, 0}});  // overlaps A's blocks 100-115
    auto errs = errors_of(b.build(), event::unbind(0, unbinder));
    CHECK(has(errs, "mp.data.rmap[1][5]: overlaps mp.data.rmap[1][4] and is not a shared (reflinked) file extent"));
    b.reflink();
    CHECK(errors_of(b.build(), event::unbind(0, unbinder)).empty());
    b.metadata(1, 110, 1, rmap_owner::ag);  // metadata is never shared
    CHECK(!errors_of(b.build(), event::unbind(0, unbinder)).empty());
}

TEST_CASE("a mapping beyond end of file, of an unknown inode, or of a page with no entry is rejected") {
    auto b = base();
    b.map(reader, file_b, 4, 8, 0x7f5000000000);
    b.map(reader, 999, 0, 1, 0x7f6000000000);
    const auto errs = errors_of(b.build(), event::unbind(0, unbinder));
    CHECK(has(errs, "tasks[2].vmas[1].pages: maps file pages 4..11 beyond end of file (8 pages)"));
    CHECK(has(errs, "tasks[2].vmas[2].ino: no inode 999 in the filesystem"));
    auto c = base();
    c.edit().inodes.at(file_a).cache.erase(3, 3);
    CHECK(has(errors_of(c.build(), event::unbind(0, unbinder)),
              "tasks[2].vmas[0].present: page 3 has a live PTE but no cached entry in the file"));
}

TEST_CASE("unknown owners, records beyond their group and bad geometry are rejected") {
    auto b = base();
    b.edit().mp.data.rmap[2].push_back({4090, 10, file_a, 16, false, false});
    b.edit().mp.data.rmap[3].push_back({500, 1, 4242, 0, false, false});
    const auto errs = errors_of(b.build(), event::unbind(0, unbinder));
    CHECK(has(errs, "mp.data.rmap[2][5].startblock: blocks 4090+10 extend beyond the group (4096 blocks)"));
    CHECK(has(errs, "mp.data.rmap[3][4].owner: no inode 4242 in the filesystem"));
    auto w = base().build();
    w.mp.blocksize = 3000;
    CHECK(has(errors_of(w, event::unbind(0, unbinder)), "mp.blocksize: 3000 is not a power of two between 512 and 65536"));
}

TEST_CASE("duplicate pids, an unknown current and a range that overflows u64 are rejected") {
    auto b = base();
    b.process(reader, "again");
    auto errs = errors_of(b.build(), event::unbind(0, 4711));
    CHECK(has(errs, "tasks[4].threads[0].tid: duplicate pid/tid 1001"));
    CHECK(has(errs, "event.current_tid: no thread 4711 among the tasks"));
    const auto w = base().build();
    errs = errors_of(w, event::machine_check(0, u64_max - 10, 4096, kworker));
    CHECK(has(errs, "event.length: offset + length overflows u64"));
    errs = errors_of(w, event::machine_check(0, 1ull << 40, 4096, kworker));
    CHECK(has(errs, "event.length: offset + length is beyond the device (67108864 bytes)"));
    errs = errors_of(w, event::unbind(3, unbinder));
    CHECK(has(errs, "event.device: no device 3"));
}

TEST_CASE("run() refuses an invalid world with every error, before any step") {
    auto b = base();
    b.map(reader, 999, 0, 1, 0x7f6000000000);
    b.process(writer, "dup");
    try {
        (void)run<presets::merged>(b.build(), event::unbind(0, unbinder));
        FAIL("run accepted an invalid world");
    } catch (const invalid_scenario& e) {
        CHECK(e.errors().size() == 2);
        CHECK(std::string(e.what()).find("tasks[2].vmas[1].ino: no inode 999 in the filesystem") != std::string::npos);
    }
}

TEST_CASE("an external log and a realtime section on one pmem device are refused, with the reason") {
    auto b = base();
    b.device("pmem1", 64ull << 20, 0x200000).external_log(1).realtime(1, 2, 4096);
    const auto errs = validate(b.build(), event::unbind(1, unbinder));
    REQUIRE(!errs.empty());
    CHECK(std::any_of(errs.begin(), errs.end(), [](const validation_error& e) {
        return e.path == "mp.log.device" && e.reason.find("only DAX holder") != std::string::npos;
    }));
    // On separate devices both are fine.
    auto ok = base();
    ok.device("pmem1", 64ull << 20, 0x200000).device("pmem2", 64ull << 20, 0x300000).external_log(1).realtime(2, 2, 4096);
    CHECK(validate(ok.build(), event::unbind(1, unbinder)).empty());
}
