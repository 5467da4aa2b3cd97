// The main job for now: every preset on every behaviour-table scenario.
// Prints a summary matrix, then per scenario which presets behave alike
// (equivalence classes of identical observables) and how the classes differ.
//   compare_presets            all scenarios
//   compare_presets NAME...    only the named scenarios
#include <daxfail/daxfail.hpp>

#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace daxfail;

std::string shutdown_short(u32 flags) {
    if (flags == 0) return "-";
    if (flags & shutdown_flag::corrupt_ondisk) return "corrupt";
    if (flags & shutdown_flag::force_umount) return "umount";
    if (flags & shutdown_flag::device_removed) return "removed";
    return detail::hex(flags);
}

/// One cell: return code, signals, poisoned pages, live mappings, shutdown, freezes left.
std::string cell(const outcome& o) {
    if (!o.terminated()) return end_state_name(o.end).substr(0, 20);
    std::string rc = o.notify_returns.empty() ? "-" : err::name(o.notify_returns.back());
    return rc + " sig " + std::to_string(o.signals.size()) + " poi " + std::to_string(o.poisoned.size()) + " live " +
           std::to_string(o.live_mappings.size()) + " " + shutdown_short(o.shutdown_flags) + " frz " +
           std::to_string(o.freeze_holders_after.size());
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> wanted(argv + 1, argv + argc);
    std::vector<scenario> chosen;
    for (auto& s : scenarios::catalog())
        if (wanted.empty() || std::find(wanted.begin(), wanted.end(), s.name) != wanted.end()) chosen.push_back(s);
    if (chosen.empty()) {
        std::cerr << "compare_presets: no such scenario\n";
        return 2;
    }

    // outcomes[scenario][preset]
    std::vector<std::vector<std::pair<std::string, outcome>>> outcomes(chosen.size());
    for_each_preset([&](auto t) {
        using V = typename decltype(t)::type;
        for (std::size_t i = 0; i < chosen.size(); ++i)
            outcomes[i].emplace_back(variant_name<V>(), run<V>(chosen[i].world, chosen[i].event));
    });

    std::cout << "| scenario |";
    for (auto name : presets::names) std::cout << " " << name << " |";
    std::cout << "\n|---|";
    for (std::size_t i = 0; i < presets::names.size(); ++i) std::cout << "---|";
    std::cout << "\n";
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        std::cout << "| " << chosen[i].name << " |";
        for (const auto& [name, o] : outcomes[i]) std::cout << " " << cell(o) << " |";
        std::cout << "\n";
    }
    std::cout << "\ncell: notify return, signals sent, pages poisoned, live mappings left, shutdown, freezes held after\n";

    for (std::size_t i = 0; i < chosen.size(); ++i) {
        std::cout << "\n## " << chosen[i].name << "\n" << chosen[i].description << "\n";
        // Equivalence classes of identical observables, in preset order.
        std::vector<std::vector<std::size_t>> classes;
        for (std::size_t p = 0; p < outcomes[i].size(); ++p) {
            bool placed = false;
            for (auto& c : classes)
                if (outcomes[i][c.front()].second == outcomes[i][p].second) {
                    c.push_back(p);
                    placed = true;
                    break;
                }
            if (!placed) classes.push_back({p});
        }
        for (std::size_t c = 0; c < classes.size(); ++c) {
            std::cout << "class " << c + 1 << ":";
            for (auto p : classes[c]) std::cout << " " << outcomes[i][p].first;
            std::cout << "\n";
        }
        for (std::size_t c = 1; c < classes.size(); ++c) {
            const auto& a = outcomes[i][classes[0].front()];
            const auto& b = outcomes[i][classes[c].front()];
            std::cout << "class 1 vs class " << c + 1 << ":\n";
            for (const auto& d : diff(a.second, b.second))
                std::cout << "  " << d.observable << ": " << a.first << " " << d.only_in_a.size() << " item(s) only, "
                          << b.first << " " << d.only_in_b.size() << " item(s) only"
                          << (d.only_in_a.size() + d.only_in_b.size() <= 2
                                  ? " [" + (d.only_in_a.empty() ? std::string() : d.only_in_a[0]) +
                                        (d.only_in_b.empty() ? std::string() : " | " + d.only_in_b[0]) + "]"
                                  : std::string())
                          << "\n";
        }
    }
    return 0;
}
