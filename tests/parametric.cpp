// Parametric policy values: freeze=retry(N,T,THEN) and collector=filter(WHAT),
// read from text and written in C++, and what they do on the scenarios where
// their numbers matter.
#include "support.hpp"

#include <daxfail/parametric.hpp>
#include <daxfail/variant_names.hpp>

using namespace daxfail;
using namespace daxfail::scenarios;
using namespace daxfail::test;

namespace {
config parsed(const std::string& text) {
    std::string error;
    const auto v = parse_variant(text, error);
    REQUIRE_MESSAGE(v, error);
    return v->cfg;
}

std::string refusal(const std::string& text) {
    std::string error;
    CHECK_FALSE(parse_variant(text, error));
    return error;
}

using retry_3_ebusy = freeze::retry<3, 10, -err::ebusy>;
}  // namespace

TEST_CASE("parametric: the C++ template and the text give the same table and the same name") {
    CHECK(retry_3_ebusy::name == "retry(3,10ms,-EBUSY)");
    CHECK(freeze::retry<50, 2000, freeze::then_proceed>::name == "retry(50,2s,proceed)");
    CHECK(collector::filter<collector::pages_at_least<4>>::name == "filter(pages>=4)");
    CHECK(parsed("freeze=retry(3,10ms,-EBUSY)") == presets::merged::with<retry_3_ebusy>::config);
    CHECK(parsed("freeze=retry(2,1000ms,without_pre_remove)").freeze ==
          ops_of<freeze::retry<2, 1000, freeze::then_without_pre_remove>>);
    CHECK(parsed("base=v12,collector=filter(dirty)") ==
          presets::v12::with<collector::filter<collector::dirty>>::config);
    CHECK(parsed("collector=filter(mapcount>=2)").collector == ops_of<collector::filter<collector::mapcount_at_least<2>>>);
    // Different numbers are different values.
    CHECK_FALSE(parsed("freeze=retry(3,10ms,-EBUSY)") == parsed("freeze=retry(4,10ms,-EBUSY)"));
    CHECK_FALSE(parsed("freeze=retry(3,10ms,-EBUSY)") == parsed("freeze=retry(3,10ms,-EAGAIN)"));
}

TEST_CASE("parametric: a variant's name reads back to it, commas inside parentheses included") {
    const config c = parsed("freeze=retry(3,10ms,-EBUSY),collector=filter(pages>=2)");
    const std::string name = variant_name(c);
    CHECK(name.find("freeze=retry(3,10ms,-EBUSY)") != std::string::npos);
    CHECK(parsed(name) == c);
    std::string error;
    const auto list = parse_variant_list("merged;freeze=retry(3,10ms,-EBUSY),collector=filter(dirty),v12", error);
    REQUIRE_MESSAGE(list, error);
    REQUIRE(list->size() == 3);
    CHECK(list->at(1).cfg.freeze.name == "retry(3,10ms,-EBUSY)");
    CHECK(list->at(1).cfg.collector.name == "filter(dirty)");
    CHECK(list->at(2).name == "v12");
}

TEST_CASE("parametric: a mistake names the argument and what it takes") {
    CHECK(refusal("freeze=retry(3,10,-EBUSY)").find("retry's interval \"10\" needs a unit: ms or s") !=
          std::string::npos);
    CHECK(refusal("freeze=retry(0,10ms,-EBUSY)").find("retry's attempts \"0\" is not a whole number from 1") !=
          std::string::npos);
    CHECK(refusal("freeze=retry(3,10ms,-EBSY)").find("retry's then \"-EBSY\" is not an error code") !=
          std::string::npos);
    CHECK(refusal("freeze=retry(3,10ms)").find("retry takes 3 arguments") != std::string::npos);
    CHECK(refusal("freeze=retyr(3,10ms,-EBUSY)").find("did you mean \"retry\"?") != std::string::npos);
    CHECK(refusal("freeze=retry").find("retry takes arguments: retry(N,T,THEN)") != std::string::npos);
    CHECK(refusal("collector=filter(drity)").find("did you mean \"dirty\"?") != std::string::npos);
    CHECK(refusal("thaw=retry(3,10ms,-EBUSY)").find("axis thaw has no parametric value") != std::string::npos);
    CHECK(refusal("freeze=bogus").find("retry(N,T,THEN)") != std::string::npos);  // the families are listed
}

TEST_CASE("parametric: representative values are among an axis' known values") {
    std::vector<std::string> freeze_values, collector_values;
    policy_catalog{}.for_each_value("freeze", [&](std::string_view n, auto) { freeze_values.emplace_back(n); });
    policy_catalog{}.for_each_value("collector", [&](std::string_view n, auto) { collector_values.emplace_back(n); });
    CHECK(std::count(freeze_values.begin(), freeze_values.end(), "retry(3,10ms,-EBUSY)") == 1);
    CHECK(std::count(freeze_values.begin(), freeze_values.end(), "return_ebusy") == 1);
    CHECK(std::count(collector_values.begin(), collector_values.end(), "filter(dirty)") == 1);
}

TEST_CASE("freeze=retry: N attempts T apart, then THEN") {
    const auto held = frozen_by_kernel_holder();  // xfs_scrub's kernel freeze: freeze_super(KERNEL) is -EBUSY
    SUBCASE("-EBUSY after three attempts, where return_ebusy gives up after one") {
        const auto o = run<presets::merged::with<retry_3_ebusy>>(held.world, held.event);
        const auto once = run<presets::merged::with<freeze::return_ebusy>>(held.world, held.event);
        CHECK(o.notify_returns == std::vector<int>{-err::ebusy});
        // Nothing can change freeze_super's answer here, so the two retries are asked ahead and taken as one.
        CHECK(traced(o, "xfs_dax_notify_failure_freeze", "2 more attempts would each return -EBUSY"));
        CHECK(once.notify_returns == std::vector<int>{-err::ebusy});
        CHECK_FALSE(traced(once, "xfs_dax_notify_failure_freeze", "more attempts"));
        CHECK(o.signals.empty());
        CHECK(holders(o) == std::vector<freeze_holder>{freeze_holder::kernel});  // scrub's, untouched
    }
    SUBCASE("an error other than the attempt's: -EAGAIN is returned although freeze_super said -EBUSY") {
        const auto o = run<presets::merged::with<freeze::retry<2, 10, -err::eagain>>>(held.world, held.event);
        CHECK(o.notify_returns == std::vector<int>{-err::eagain});
    }
    SUBCASE("proceed: carries on unfrozen and says so, as v6.8 does") {
        const auto o = run<presets::merged::with<freeze::retry<2, 10, freeze::then_proceed>>>(held.world, held.event);
        const auto merged = run<presets::merged>(held.world, held.event);
        CHECK(logged(o, "already frozen by kernel"));
        CHECK(o.signal_count() == merged.signal_count());
        CHECK(o.signal_count() > 0);
    }
    SUBCASE("waiting long enough outlasts a holder that thaws later") {
        const auto later = kernel_holder_thaws_later();
        const auto patient_retry = run<presets::merged::with<freeze::retry<50, 100, -err::ebusy>>>(later.world, later.event);
        const auto hasty_retry = run<presets::merged::with<freeze::retry<2, 10, -err::ebusy>>>(later.world, later.event);
        CHECK(patient_retry.notify_returns == std::vector<int>{0});
        CHECK(patient_retry.signal_count() > 0);
        CHECK(traced(patient_retry, "freeze_super", "kernel by xfs_dax_notify_failure = 0"));
        CHECK(hasty_retry.notify_returns == std::vector<int>{-err::ebusy});
        CHECK(hasty_retry.signals.empty());
    }
}

TEST_CASE("collector=filter: v6.8's collector narrowed on pre-remove") {
    using filtered_dirty = presets::merged::with<collector::filter<collector::dirty>>;
    // A freeze syncs the filesystem, which cleans every entry; B's entries stay dirty only because xfs_scrub
    // holds the freeze and the merged path carries on unfrozen.
    SUBCASE("dirty: only the writer of dirty entries is told; the clean reader's mapping is zapped unsignalled") {
        const auto s = dirty_entries_unfrozen();
        const auto o = run<filtered_dirty>(s.world, s.event);
        const auto all = run<presets::merged>(s.world, s.event);
        CHECK(signals_to(all, reader) == 16);
        CHECK(signals_to(all, writer) == 4);
        CHECK(signals_to(o, reader) == 0);
        CHECK(signals_to(o, writer) == 4);
        CHECK(live_of(o, reader) == 0);  // the unmap happens all the same
        CHECK(o.unmapped == all.unmapped);
    }
    SUBCASE("pages>=N counts the pages of the walk's range each task maps") {
        const auto s = unbind_mapped_files();
        const auto o = run<presets::merged::with<collector::filter<collector::pages_at_least<8>>>>(s.world, s.event);
        CHECK(signals_to(o, reader) == 16);  // maps all 16 pages of A
        CHECK(signals_to(o, writer) == 0);   // 4 pages of B
        const auto all4 = run<presets::merged::with<collector::filter<collector::pages_at_least<4>>>>(s.world, s.event);
        CHECK(signals_to(all4, writer) == 4);
    }
    SUBCASE("outside pre-remove the filter does not apply: a poisoned page is lost data") {
        const auto s = poison_one_page();
        const auto o = run<filtered_dirty>(s.world, s.event);
        const auto merged = run<presets::merged>(s.world, s.event);
        CHECK(o.signals == merged.signals);
        CHECK_FALSE(o.signals.empty());
    }
    SUBCASE("the kernel's per-page loop and the model's runs find the same victims") {
        const auto s = dirty_entries_unfrozen();
        run_options every_task;
        every_task.algorithm = collect_algorithm::per_page_every_task;
        for (const config& c : {parsed("collector=filter(dirty)"), parsed("collector=filter(pages>=8)"),
                                parsed("collector=filter(mapcount>=1)"), parsed("collector=filter(early_kill)")}) {
            const auto fast = run(c, s.world, s.event);
            const auto slow = run(c, s.world, s.event, every_task);
            CHECK_MESSAGE(fast.signals == slow.signals, c.collector.name);
            CHECK_MESSAGE(fast.unmapped == slow.unmapped, c.collector.name);
        }
    }
}

TEST_CASE("parametric: the C++ spelling of a value parsed from text names the template that gives its table") {
    const config retry = parsed("freeze=retry(3,10ms,-EBUSY)");
    const parametric_family* f = parametric_family_in(retry, "freeze");
    REQUIRE(f);
    CHECK(f->cpp(retry) == "freeze::retry<3, 10, -err::ebusy>");
    CHECK(retry.freeze == ops_of<freeze::retry<3, 10, -err::ebusy>>);
    const config proceed = parsed("freeze=retry(50,2s,proceed)");
    CHECK(parametric_family_in(proceed, "freeze")->cpp(proceed) == "freeze::retry<50, 2000, freeze::then_proceed>");
    CHECK(proceed.freeze == ops_of<freeze::retry<50, 2000, freeze::then_proceed>>);
    const config pages = parsed("collector=filter(pages>=4)");
    CHECK(parametric_family_in(pages, "collector")->cpp(pages) == "collector::filter<collector::pages_at_least<4>>");
    CHECK(pages.collector == ops_of<collector::filter<collector::pages_at_least<4>>>);
    CHECK_FALSE(parametric_family_in(presets::merged::config, "freeze"));  // a built-in is not parametric
}

TEST_CASE("parametric: every value of a family carries the family's source, in C++ and from text") {
    const auto from_text = source_of("freeze", "retry(7,1s,-EAGAIN)");
    REQUIRE(from_text);
    CHECK(*from_text == freeze::retry_source);
    CHECK(source_of<freeze::retry<3, 10, -err::ebusy>>() == freeze::retry_source);
    CHECK(source_of("collector", "filter(dirty)") == collector::filter_source);
    CHECK(freeze::retry_source.version == "proposed by daxfail");
    CHECK_FALSE(source_of("thaw", "retry(3,10ms,-EBUSY)"));  // no such family on that axis
}
