// Real machine sizes: a large file gives the outcome a small one gives (no
// false hang, exact counts), the kernel's own per-page collector and the
// indexed one agree, and 2 MiB PMD mappings behave as the kernel's do.
#include "support.hpp"
#include "worlds.hpp"

#include <daxfail/compare.hpp>
#include <daxfail/doctest.hpp>

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

using namespace daxfail;
using namespace daxfail::test;

namespace {

/// What an outcome says independently of the file's size: per-page counts divided by the pages, and the rest.
struct pattern {
    end_state end = end_state::returned;
    std::vector<int> entry_returns, notify_returns;
    u64 signals = 0, unmapped = 0, poisoned = 0, live = 0, cached = 0;  // per page of the file, exactly
    u32 shutdown = 0;
    std::vector<freeze_hold> holders;
    std::set<std::string> log_shapes;  // each line without its pfn
    bool operator==(const pattern&) const = default;
};

pattern pattern_of(const outcome& o, u64 pages) {
    pattern p;
    p.end = o.end;
    p.entry_returns = o.entry_returns;
    p.notify_returns = o.notify_returns;
    auto per_page = [&](u64 n) {
        CHECK(n % pages == 0);  // every page the same
        return n / pages;
    };
    p.signals = per_page(o.signal_count());
    p.unmapped = per_page(o.unmapped_pages());
    p.poisoned = per_page(o.poisoned.pages());
    p.live = per_page(o.live_pages());
    p.cached = per_page(o.cache_pages_left());
    p.shutdown = o.shutdown_flags;
    p.holders = o.freeze_holders_after;
    for (const auto& l : o.log) {
        std::string t = l.text;
        if (auto tok = daxfail::detail::find_pfn_token(t)) t.replace(tok->pos, tok->len, "#");
        p.log_shapes.insert(t);
    }
    return p;
}

const std::vector<variant_spec>& presets_list() {
    static const auto specs = preset_specs();
    return specs;
}

}  // namespace

TEST_CASE("a 40 MiB, 100 MiB and 30 GiB file behave like a 16-page file on every preset") {
    const auto small = one_file(16);
    for (u64 pages : {u64{10240}, u64{25600}, u64{30} << 18}) {
        CAPTURE(pages);
        const auto big = one_file(pages);
        for (const auto& v : presets_list()) {
            CAPTURE(v.name);
            // Waiting for v6.14+'s walks, which are 2^32 indices per extent outside the last group whatever
            // the file's size (tested below).
            const auto a = run(v.cfg, small.world, small.event, test::patient());
            const auto b = run(v.cfg, big.world, big.event, test::patient());
            CHECK(b.terminated());
            CHECK(pattern_of(a, 16) == pattern_of(b, pages));
        }
    }
    // Exact counts at 30 GiB: merged signals and unmaps every page once, Debian 6.1 poisons every page.
    const auto big = one_file(u64{30} << 18);
    const auto merged = run<presets::merged>(big.world, big.event);
    CHECK(merged.signal_count() == u64{30} << 18);
    CHECK(merged.signals.size() == 1);  // one run: postgres, BUS_MCEERR_AO, every page in address order
    CHECK(merged.signals[0].addr == map_base);
    CHECK(merged.signals[0].last_addr() == map_base + ((u64{30} << 30) - page_size));
    CHECK(merged.shutdown_flags == shutdown_flag::force_umount);
    CHECK(merged.log_lines() >= u64{30} << 18);
    const auto debian = run<presets::debian_6_1>(big.world, big.event);
    CHECK(debian.poisoned.pages() == u64{30} << 18);
    CHECK(debian.live_pages() == u64{30} << 18);
    // 7.2: the first extent's walk (2^32 - its start block indices from its file offset) covers the whole file,
    // so every page is told and unmapped in it; then the walk goes on over empty indices, and every later extent
    // outside the last group walks as far again.
    const auto v7_2 = run<presets::v7_2>(big.world, big.event);
    CHECK(v7_2.end == end_state::spinning);
    CHECK(v7_2.signal_count() == u64{30} << 18);
    CHECK(v7_2.live_pages() == 0);
    CHECK(v7_2.shutdown_flags == 0);
    const auto left_alone = run<presets::v7_2>(big.world, big.event, test::patient());
    CHECK(left_alone.terminated());
    CHECK(left_alone.signal_count() == u64{30} << 18);  // later walks find nothing left to tell
    CHECK(left_alone.cost.indices_walked > u64{7} << 31);
    CHECK(v7_2.end_detail.find("left alone it walks " + std::to_string(left_alone.cost.indices_walked)) !=
          std::string::npos);
}

TEST_CASE("only a loop that cannot progress does not terminate; a user limit is not a verdict") {
    for (const auto& s : {scenarios::already_shut_down(), scenarios::frozen_by_kernel_holder()}) {
        CAPTURE(s.name);
        const auto v12 = run<presets::v12>(s.world, s.event);
        CHECK(v12.end == end_state::no_progress);
        CHECK(end_state_name(v12.end) == "did not terminate");
    }
    // The same loop ends when the holder thaws by itself.
    const auto later = scenarios::kernel_holder_thaws_later();
    CHECK(run<presets::v12>(later.world, later.event).terminated());
    // A limit stops a run that would have finished: "limit reached", and `terminates` gives no verdict.
    const auto s = scenarios::unbind_mapped_files();
    run_options tight;
    tight.max_steps = 5;
    const auto cut = run<presets::merged>(s.world, s.event, tight);
    CHECK(cut.end == end_state::limit_reached);
    const auto pre = run<presets::pre_patch>(s.world, s.event);
    for (const auto& i : check_invariants(s, cut, pre))
        if (i.name == "terminates") CHECK(i.result == verdict::not_applicable);
}

namespace {

/// A file mapped several ways at once: a PMD mapping, a PTE mapping with holes, two mappings of one task,
/// an early-kill thread, and a second file mapped by the same tasks.
scenario mixed_mappings() {
    world_builder b;
    b.geometry(4, 1u << 16).standard_metadata();
    b.file(133, "db", {{1, 512, 2048, 0}});  // 8 MiB, 2 MiB aligned on the device
    b.file(134, "log", {{2, 100, 64, 0}});
    b.process(unbinder_pid, "sh");
    b.process(1001, "postgres").thread(1001, 1011, "pg-io", {.mce_kill_early = true});
    b.process(1002, "backup");
    b.process(1003, "reader");
    b.map_huge(1001, 133, 0, 1024, map_base);
    b.map(1002, 133, 0, 2048, 0x7f1000000000, {0, 1, 2, 5, 600, 601, 1500, 1501, 1502, 2047});
    b.map(1002, 133, 512, 512, 0x7f2000000000);
    b.map(1003, 134, 0, 64, 0x7f3000000000, {3, 4, 5, 40});
    b.map(1001, 134, 8, 32, 0x7f4000000000);
    return {"mixed_mappings", "generated", b.build(), event::unbind(0, unbinder_pid)};
}

}  // namespace

TEST_CASE("the kernel's per-page, every-task collector and the indexed one give identical outcomes") {
    std::vector<scenario> worlds = scenarios::catalog();
    worlds.push_back(mixed_mappings());
    worlds.push_back(many(400, 7, 60, 256ull << 20, 3));
    worlds.push_back(one_file(4096));
    worlds.push_back(one_file(2048, true));
    auto poison = mixed_mappings();  // madvise by postgres inside its PMD mapping
    poison.event = event::madvise_hwpoison(0, (u64{1} << 16) * 4096 + u64{512} * 4096 + u64{700} * 4096, page_size, 1001,
                                           map_base + 700 * page_size);
    poison.name = "mixed_poison";
    worlds.push_back(poison);
    run_options kernel;
    kernel.algorithm = collect_algorithm::per_page_every_task;
    for (const auto& s : worlds)
        for (const auto& v : presets_list()) {
            CAPTURE(s.name);
            CAPTURE(v.name);
            const auto indexed = run(v.cfg, s.world, s.event);
            const auto per_page = run(v.cfg, s.world, s.event, kernel);
            CHECK(same(indexed, per_page, "indexed", "per_page"));
            CHECK(per_page.cost.page_task_visits >= indexed.cost.page_task_visits);
        }
    // The kernel's loop visits every task for every cached page it walks.
    const auto s = one_file(4096);
    const auto o = run(presets::merged::config, s.world, s.event, kernel);
    CHECK(o.cost.page_task_visits == 4096 * s.world.tasks.size());
    CHECK(run(presets::merged::config, s.world, s.event).cost.page_task_visits == 1);
}

TEST_CASE("PMD mappings: one SIGBUS per 2 MiB with addr_lsb 21, the whole 2 MiB unmapped, the entry's head page") {
    const auto s = one_file(2048, true);  // 8 MiB mapped by four PMDs
    const auto merged = run<presets::merged>(s.world, s.event);
    REQUIRE(merged.signals.size() == 1);
    CHECK(merged.signals[0].addr_lsb == 21);
    CHECK(merged.signals[0].pages == 4);
    CHECK(merged.signals[0].addr == map_base);
    CHECK(merged.signals[0].last_addr() == map_base + 3 * (u64{2} << 20));
    REQUIRE(merged.unmapped.size() == 1);
    CHECK(merged.unmapped[0].shift == 21);
    CHECK(merged.unmapped[0].pages == 2048);
    CHECK(merged.live_pages() == 0);
    // kill_proc logs the pfn of the entry (dax_lock_mapping_entry's page): one line per 2 MiB.
    const u64 head0 = 0x100000 + 512;
    CHECK(logged(merged, "Memory failure: " + daxfail::detail::hex(head0) + ": Sending SIGBUS to postgres:1001"));
    CHECK(logged(merged, "Memory failure: " + daxfail::detail::hex(head0 + 512) + ": Sending SIGBUS to postgres:1001"));
    // Debian 6.1 poisons page by page, but the page of every index of a 2 MiB entry is its head page.
    const auto debian = run<presets::debian_6_1>(s.world, s.event);
    CHECK(debian.poisoned == page_set{head0, head0 + 512, head0 + 1024, head0 + 1536});
    CHECK(debian.signals.empty());

    // A PTE mapping of pages under another task's PMD entry: the PMD victim widens the zap to 2 MiB.
    const auto m = mixed_mappings();
    const auto o = run<presets::merged>(m.world, m.event);
    for (const auto& sig : o.signals) {
        CAPTURE(to_string(sig));
        if (sig.pid == 1001 && sig.addr >= map_base && sig.addr < map_base + (u64{4} << 20)) CHECK(sig.addr_lsb == 21);
        else CHECK(sig.addr_lsb == 12);
    }
    CHECK(o.live_pages() == 0);

    // madvise(MADV_HWPOISON) by postgres inside its PMD: BUS_MCEERR_AR with lsb 21 at the page's own address.
    auto p = mixed_mappings();
    const u64 off = (u64{1} << 16) * 4096 + u64{512} * 4096 + u64{700} * 4096;
    p.event = event::madvise_hwpoison(0, off, page_size, 1001, map_base + 700 * page_size);
    const auto hit = run<presets::merged>(p.world, p.event);
    REQUIRE_FALSE(hit.signals.empty());
    CHECK(hit.signals[0].pid == 1001);
    CHECK(hit.signals[0].si_code == si_code::bus_mceerr_ar);
    CHECK(hit.signals[0].addr == map_base + 700 * page_size);
    CHECK(hit.signals[0].addr_lsb == 21);
    const u64 head = 0x100000 + (u64{1} << 16) + 512 + 512;
    CHECK(hit.poisoned == page_set{head});
    // The zap covers postgres's whole 2 MiB mapping and backup's pages in that 2 MiB.
    bool pmd_zapped = false;
    for (const auto& u : hit.unmapped) pmd_zapped |= u.pid == 1001 && u.pgoff == 512 && u.pages == 512 && u.shift == 21;
    CHECK(pmd_zapped);
}

TEST_CASE("PMD validation names what is wrong") {
    world_builder b;
    b.geometry(4, 1u << 16).standard_metadata();
    b.file(133, "db", {{1, 100, 1024, 0}});  // not 2 MiB aligned on the device
    b.process(unbinder_pid, "sh").process(1001, "postgres");
    b.map_huge(1001, 133, 0, 512, map_base);
    const auto errs = validate(b.build(), event::unbind(0, unbinder_pid));
    REQUIRE_FALSE(errs.empty());
    CHECK(errs[0].path == "tasks[1].vmas[0].pmd");
    CHECK(errs[0].reason == "pages 0..511 are not one 2 MiB aligned, contiguous run of pmem");
}

TEST_CASE("the extent index gives each file its extents by file block, for dense and for sparse inode numbers") {
    // Records arrive in disk order, each file's out of file order; the dense layout takes the counting
    // sort, the sparse one (an inode number far from the others) the comparison sort.
    for (const u64 far : {u64{140}, u64{1} << 40}) {
        CAPTURE(far);
        world_builder b;
        b.geometry(4, 4096).standard_metadata();
        b.file(133, "a", {{0, 600, 8, 16}, {0, 700, 8, 0}, {1, 100, 8, 8}});
        b.file(far, "b", {{0, 800, 4, 4}, {0, 900, 4, 0}});
        b.file(135, "c", {{2, 100, 16, 0}});
        const world w = b.build();
        const auto idx = detail::build_extent_index(w);
        CHECK(idx.size() == 3);
        auto blocks = [&](u64 ino) {
            std::vector<std::pair<u64, u64>> out;  // (file block, device block)
            for (const auto& e : idx.of(ino)) out.push_back({e.file_block, e.device_byte / 4096});
            return out;
        };
        CHECK(blocks(133) == std::vector<std::pair<u64, u64>>{{0, 700}, {8, 4096 + 100}, {16, 600}});
        CHECK(blocks(far) == std::vector<std::pair<u64, u64>>{{0, 900}, {4, 800}});
        CHECK(blocks(135) == std::vector<std::pair<u64, u64>>{{0, 2 * 4096 + 100}});
        CHECK(idx.of(134).empty());
        std::vector<u64> order;
        idx.for_each([&](u64 ino, std::span<const detail::file_extent>) { order.push_back(ino); });
        CHECK(std::is_sorted(order.begin(), order.end()));
    }
}
