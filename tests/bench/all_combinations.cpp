// Benchmark: instantiate every combination of the main axes on merged (216
// variants) and run each on every behaviour-table scenario. Its compile time
// is the cost of one policy combination times 216; its run time is the model's.
// Prints the number of variants, runs, and distinct outcomes per scenario.
#include <daxfail/daxfail.hpp>

#include <boost/hana/for_each.hpp>
#include <boost/hana/length.hpp>

#include <chrono>
#include <iostream>
#include <vector>

int main() {
    using namespace daxfail;
    constexpr auto variants = main_axis_combinations<presets::merged>();
    const auto catalog = scenarios::behavior_table();
    std::vector<std::vector<outcome>> distinct(catalog.size());
    std::size_t runs = 0;
    const auto start = std::chrono::steady_clock::now();
    boost::hana::for_each(variants, [&](auto t) {
        using V = typename decltype(t)::type;
        for (std::size_t i = 0; i < catalog.size(); ++i) {
            auto o = run<V>(catalog[i].world, catalog[i].event);
            ++runs;
            bool seen = false;
            for (const auto& d : distinct[i]) seen = seen || d == o;
            if (!seen) distinct[i].push_back(std::move(o));
        }
    });
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::cout << "variants " << boost::hana::length(variants) << ", runs " << runs << ", " << ms << " ms\n";
    for (std::size_t i = 0; i < catalog.size(); ++i)
        std::cout << catalog[i].name << ": " << distinct[i].size() << " distinct outcomes\n";
    return 0;
}
