// Which preset judges a kernel that the oracle boots from a moving suite (Debian unstable, `daxfail oracle
// --kernel sid`): the preset of the kernel's mainline version, or else the nearest older one. The table below is
// the one place that says which mainline version each preset models; a preset it names that the registry does
// not have (yet) is passed over, so `v7_2` judges 7.2 from the moment it is in presets::registry, and until then
// v6_14 does, as the nearest older preset.
#ifndef DAXFAIL_ORACLE_KERNEL_PRESET_HPP
#define DAXFAIL_ORACLE_KERNEL_PRESET_HPP

#include <daxfail/presets.hpp>

#include <array>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace daxfail::oracle {

/// A mainline version and the preset that models it.
struct mainline_preset {
    unsigned major, minor;
    std::string_view preset;
};

/// Oldest first. merged models v6.8 through v6.13, v6_14 v6.14, v6_15 v6.15-v6.17, v6_18 v6.18-v7.1 (v7.0's
/// reordered rmapbt test and v6.16's thaw rule are in v7_2 only), v7_2 from v7.2 until a newer preset.
inline constexpr std::array<mainline_preset, 6> mainline_presets = {{
    {6, 6, "pre_patch"},
    {6, 8, "merged"},
    {6, 14, "v6_14"},
    {6, 15, "v6_15"},
    {6, 18, "v6_18"},
    {7, 2, "v7_2"},
}};

/// The preset chosen for a kernel, and the report's line saying why.
struct kernel_preset {
    std::string name;
    config cfg;
    std::string note;  ///< e.g. "7.2.13+deb14-amd64: judged by v7_2 (the preset of its mainline version)"
};

/// The config of a preset in presets::registry, by name; nullopt when there is none of that name.
inline std::optional<config> preset_config(std::string_view name) {
    for (std::size_t i = 0; i < presets::count; ++i)
        if (presets::names[i] == name) return presets::configs[i];
    return std::nullopt;
}

/// The preset of the release's mainline version ("7.2.13+deb14-amd64": 7.2), or the nearest older one;
/// nullopt for a release older than every preset or not of the form MAJOR.MINOR.
inline std::optional<kernel_preset> preset_for_release(const std::string& release) {
    unsigned major = 0, minor = 0;
    if (std::sscanf(release.c_str(), "%u.%u", &major, &minor) != 2) return std::nullopt;
    for (auto it = mainline_presets.rbegin(); it != mainline_presets.rend(); ++it) {
        if (major < it->major || (major == it->major && minor < it->minor)) continue;
        const auto cfg = preset_config(it->preset);
        if (!cfg) continue;  // named here, not (yet) in the registry
        const std::string version = std::to_string(major) + "." + std::to_string(minor);
        const bool own = major == it->major && minor == it->minor;
        std::string note = release + ": judged by " + std::string(it->preset) +
                           (own ? " (the preset of its mainline version)"
                                : ", the nearest older preset (mainline " + version + " has none)");
        return kernel_preset{std::string(it->preset), *cfg, std::move(note)};
    }
    return std::nullopt;
}

}  // namespace daxfail::oracle

#endif
