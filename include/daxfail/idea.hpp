// What an idea file needs: a review idea written as a policy and a variant, compiled by the daxfail command
// itself (`daxfail compare --idea my_idea.cpp --variants merged,wait_5s`) into a shared object it loads. The
// file includes this header alone (the policies, the presets and variant<>, none of the model, the reports or the
// command: it compiles in seconds) and ends with the variants it offers:
//
//     #include <daxfail/idea.hpp>
//     struct wait_5s_then_proceed { ... };   // a freeze policy
//     struct wait_5s : daxfail::presets::merged::with<wait_5s_then_proceed> {
//         static constexpr std::string_view name = "wait_5s";
//     };
//     DAXFAIL_IDEAS(wait_5s)
//
// The variants then behave as those of cli::main(argc, argv, extra_variants<wait_5s>{}): named in --variants,
// their policies known as axis values (freeze=wait_5s_then_proceed), in every report.
#ifndef DAXFAIL_IDEA_HPP
#define DAXFAIL_IDEA_HPP

#include <daxfail/config.hpp>
#include <daxfail/presets.hpp>
#include <daxfail/variant.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

namespace daxfail {

/// One variant of an idea file, as the command reads it from the shared object.
struct idea_variant {
    const char* name;            ///< variant_name<V>()
    const config* cfg;           ///< V::config (its policies' functions live in the shared object)
    std::uint32_t builtin_axes;  ///< bit i: axis i of detail::all_axes holds a built-in policy
};

/// What the entry point of an idea file (DAXFAIL_IDEAS) returns.
struct idea_exports {
    std::uint64_t abi;  ///< idea_abi of the headers the file was compiled with
    std::size_t count;
    const idea_variant* variants;
};

namespace detail {

constexpr std::uint64_t fnv1a(std::uint64_t h, std::string_view s) {
    for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return h;
}

template <class P, class... B>
constexpr bool one_of(type_list<B...>) {
    return (std::is_same_v<P, B> || ...);
}

/// Which axes of V hold a built-in policy: the command uses its own copy of those (the shared object's copies
/// of the built-ins' functions have other addresses, and a config is compared by them).
template <class V>
constexpr std::uint32_t builtin_axes() {
    std::uint32_t bits = 0, bit = 1;
    for_each_axis_tag(
        [&]<class A>(A*) {
            if (one_of<typename V::template policy<A>>(typename A::builtins{})) bits |= bit;
            bit <<= 1;
        },
        all_axes{});
    return bits;
}

}  // namespace detail

/// The layout an idea file and the command must share: the axes (names and table sizes, in order) and the
/// exported structures. A shared object built with other headers is refused, not misread.
inline constexpr std::uint64_t idea_abi = [] {
    std::uint64_t h = detail::fnv1a(14695981039346656037ull, "daxfail idea 1");
    std::size_t axes = 0;
    detail::for_each_axis_tag(
        [&]<class A>(A*) {
            h = detail::fnv1a(h, A::name);
            h = (h ^ sizeof(typename A::ops)) * 1099511628211ull;
            ++axes;
        },
        detail::all_axes{});
    h = (h ^ sizeof(config)) * 1099511628211ull;
    return (h ^ (axes + 100 * sizeof(idea_variant) + 10000 * sizeof(idea_exports))) * 1099511628211ull;
}();

/// The name of the entry point DAXFAIL_IDEAS defines.
inline constexpr const char* idea_entry = "daxfail_ideas_v1";

/// The exports of an idea file offering the variants V... (what DAXFAIL_IDEAS returns).
template <variant_type... V>
const idea_exports* idea_exports_of() {
    static_assert(sizeof...(V) > 0, "DAXFAIL_IDEAS: name at least one variant");
    static const std::array<std::string, sizeof...(V)> names{variant_name<V>()...};
    static const std::array<idea_variant, sizeof...(V)> variants = [] {
        std::array<idea_variant, sizeof...(V)> out{};
        std::size_t i = 0;
        ((out[i] = {names[i].c_str(), &V::config, detail::builtin_axes<V>()}, ++i), ...);
        return out;
    }();
    static const idea_exports exports{idea_abi, sizeof...(V), variants.data()};
    return &exports;
}

}  // namespace daxfail

/// Ends an idea file: the variants it offers to the command (at least one). A macro because the entry point must be
/// an `extern "C"` function of a fixed name, the one thing a shared object and its loader agree on.
#define DAXFAIL_IDEAS(...)                                                      \
    extern "C" const ::daxfail::idea_exports* daxfail_ideas_v1() {              \
        return ::daxfail::idea_exports_of<__VA_ARGS__>();                       \
    }

#endif
