// Outcomes compare by observables and diff into named observables; the
// doctest integration prints them readably.
#include "support.hpp"

#include <set>
#include <string_view>

using namespace daxfail;
using namespace daxfail::scenarios;

TEST_CASE("equality ignores the trace and the cost, and diff lists exactly the differing observables") {
    const auto s = unbind_mapped_files();
    const auto a = run<presets::merged>(s.world, s.event);
    // v6.14's arithmetic, once its 2^32-index walks are over: the same outcome by another path.
    auto b = run<presets::merged::with<range_math::v6_14>>(s.world, s.event, test::patient());
    CHECK(a.trace != b.trace);
    CHECK(a == b);
    CHECK(diff(a, b).empty());
    b.signals.pop_back();
    b.shutdown_flags = shutdown_flag::corrupt_ondisk;
    const auto d = diff(a, b);
    REQUIRE(d.size() == 2);
    CHECK(d[0].observable == "signals");
    CHECK(d[0].only_in_a == std::vector<std::string>{"SIGBUS BUS_MCEERR_AO to writer:1002 addr 0x7f1000000000..0x7f1000003000 (4 signals) lsb 12"});
    CHECK(d[0].only_in_b.empty());
    CHECK(d[1].observable == "shutdown");
    CHECK(d[1].only_in_a == std::vector<std::string>{"Metadata I/O Error (0x4)"});
    CHECK(to_string(d, "merged", "edited").find("merged only: Metadata I/O Error (0x4)") != std::string::npos);
}

TEST_CASE("a repeated item (two signals for one page) counts twice in a diff") {
    outcome a, b;
    signal_record s{1, "t", sigbus, si_code::bus_mceerr_ao, 0x1000, 12};
    a.signals = {s, s};
    b.signals = {s};
    const auto d = diff(a, b);
    REQUIRE(d.size() == 1);
    CHECK(d[0].only_in_a.size() == 1);
}

TEST_CASE("doctest integration: same() prints the diff, the presets are a template type list") {
    const auto s = poison_one_page();
    const auto a = run<presets::pre_patch>(s.world, s.event);
    auto b = a;
    b.poisoned.clear();
    const auto cmp = same(a, b, "pre_patch", "edited");
    CHECK_FALSE(static_cast<bool>(cmp));
    const std::string printed = doctest::StringMaker<outcome_comparison>::convert(cmp).c_str();
    CHECK(printed.find("poisoned:\n  pre_patch only: 0x101067") != std::string::npos);
    const std::string whole = doctest::StringMaker<outcome>::convert(a).c_str();
    CHECK(whole.find("signals: SIGBUS BUS_MCEERR_AR to reader:1001 addr 0x7f0000003000 lsb 12") != std::string::npos);
    CHECK(std::tuple_size_v<testing::presets> == presets::count);
}

TEST_CASE_TEMPLATE_DEFINE("every preset terminates on a poison and keeps the device alive", V, presets_poison) {
    const auto s = poison_one_page();
    const auto o = run<V>(s.world, s.event);
    CHECK(o.terminated());
    CHECK(o.device_alive);
    CHECK(o.signal_count() == 1);
}
TEST_CASE_TEMPLATE_APPLY(presets_poison, testing::presets);

TEST_CASE("variant names: presets by name, anything else by its policies") {
    CHECK(variant_name<presets::merged>() == "merged");
    CHECK(variant_name<presets::v12_reviewed>() == "v12_reviewed");
    const auto name = variant_name<presets::merged::with<freeze::return_ebusy>>();
    CHECK(name.find("freeze=return_ebusy") != std::string::npos);
    CHECK(name.find("thaw=where_frozen") != std::string::npos);
    CHECK(name.rfind("kill_dax_flags=pre_remove,", 0) == 0);
}

TEST_CASE("runs are deterministic: the same inputs give identical outcomes and traces") {
    for (const auto& s : behavior_table()) {
        const auto a = run<presets::v12>(s.world, s.event);
        const auto b = run<presets::v12>(s.world, s.event);
        CHECK(a == b);
        CHECK(a.trace == b.trace);
    }
}

TEST_CASE("pfns in log text are printed as the kernel's %#lx: 0 bare, others with 0x and lower-case digits") {
    CHECK(detail::hex(0) == "0");
    CHECK(detail::hex(1) == "0x1");
    CHECK(detail::hex(0x100400) == "0x100400");
    CHECK(detail::hex(0xabcdef) == "0xabcdef");
    CHECK(detail::hex(u64_max) == "0xffffffffffffffff");
}

TEST_CASE("the table of observables: each entry compares as it lists, and outcomes are equal when every entry is") {
    std::set<std::string_view> names(all_observable_names.begin(), all_observable_names.end());
    CHECK(names.size() == all_observable_names.size());
    const auto listed = observables(outcome{});
    REQUIRE(listed.size() == all_observable_names.size());
    std::size_t compared = 0;
    for (const auto& s : behavior_table()) {
        const auto a = run<presets::pre_patch>(s.world, s.event), b = run<presets::v12>(s.world, s.event);
        const auto oa = observables(a), ob = observables(b);
        std::size_t k = 0;
        bool all_same = true;
        for_each_observable([&](auto entry) {
            INFO(s.name << ": " << entry.name);
            CHECK(oa[k].name == entry.name);
            // Entries whose order counts (signals, log) list differently exactly when they differ.
            CHECK(entry.same(a, b) == (oa[k].items == ob[k].items));
            CHECK(entry.same(a, a));
            all_same = all_same && entry.same(a, b);
            ++k;
        });
        CHECK((a == b) == all_same);
        CHECK(diff(a, b).empty() == all_same);
        compared += !all_same;
    }
    CHECK(compared > 0);
}
