// --idea FILE.cpp: the variants of an idea file (<daxfail/idea.hpp>), compiled and loaded by the command, join
// the program's own variants (cli::main's extras) for the subcommands that take variants: known by name in
// --variants, their policies axis values, in every report. No rebuild of the command.
#ifndef DAXFAIL_CLI_IDEA_HPP
#define DAXFAIL_CLI_IDEA_HPP

#include <daxfail/cli/detail/idea_build.hpp>
#include <daxfail/cli/detail/options.hpp>
#include <daxfail/config.hpp>
#include <daxfail/idea.hpp>
#include <daxfail/variant_names.hpp>

#include <dlfcn.h>

#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace daxfail::cli {

inline detail::option idea_option() {
    return {.name = "--idea",
            .arg = detail::takes::one,
            .metavar = "FILE.cpp",
            .help = "your own policies and variants, a C++ file that includes <daxfail/idea.hpp> and ends with "
                    "DAXFAIL_IDEAS(variant, ...): compiled into a shared object (cached by content), loaded, and its "
                    "variants known by name like the presets, its policies as axis values; repeatable. The compiler "
                    "is $DAXFAIL_CXX, else the one daxfail was built with; the headers $DAXFAIL_INCLUDE, else "
                    "daxfail's own.",
            .default_text = "none",
            .completion = detail::completes::files};
}

namespace detail {

/// The axes of `c` that the idea file took from the built-ins (`builtin_axes`) set to the command's own tables, so
/// that they compare equal to the presets' (the shared object's copies have other function addresses). False
/// when one is no built-in here: the file was built with other headers.
inline bool adopt_builtins(config& c, std::uint32_t builtin_axes) {
    bool ok = true;
    std::uint32_t bit = 1;
    daxfail::detail::for_each_axis_tag(
        [&]<class A>(A*) {
            if (builtin_axes & bit) {
                auto& o = daxfail::detail::field_of<A>(c);
                bool found = false;
                daxfail::detail::for_each_builtin<A>(
                    [&](const typename A::ops& b) {
                        if (!found && b.name == o.name) {
                            o = b;
                            found = true;
                        }
                    },
                    typename A::builtins{});
                ok = ok && found;
            }
            bit <<= 1;
        },
        daxfail::detail::all_axes{});
    return ok;
}

/// The variants of a built idea (its shared object, loaded for the rest of the program: the configs point into
/// it); nullopt and `error` when it cannot be used.
inline std::optional<std::vector<variant_spec>> load_idea(const std::string& so, std::string& error) {
    void* handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* why = dlerror();
        error = "cannot load " + so + ": " + (why ? why : "?");
        return std::nullopt;
    }
    using entry = const idea_exports* (*)();
    const auto get = reinterpret_cast<entry>(dlsym(handle, idea_entry));
    if (!get) {
        error = "it offers no variant: end it with DAXFAIL_IDEAS(variant, ...)";
        return std::nullopt;
    }
    const idea_exports* e = get();
    if (!e || e->abi != idea_abi) {
        error = "it was compiled with other daxfail headers than this daxfail's (set DAXFAIL_INCLUDE to them)";
        return std::nullopt;
    }
    std::vector<variant_spec> out;
    for (std::size_t i = 0; i < e->count; ++i) {
        variant_spec v{e->variants[i].name, *e->variants[i].cfg};
        if (!adopt_builtins(v.cfg, e->variants[i].builtin_axes)) {
            error = "variant " + v.name + " has a built-in policy this daxfail does not know (set DAXFAIL_INCLUDE)";
            return std::nullopt;
        }
        out.push_back(std::move(v));
    }
    return out;
}

}  // namespace detail

/// `extras` and the variants of every --idea given; nullopt when one cannot be built or loaded (said on stderr:
/// at most ~10 lines, the first naming the policy and what it lacks).
inline std::optional<std::vector<variant_spec>> with_ideas(const detail::parsed& p, const std::vector<variant_spec>& extras,
                                                           const std::string& command) {
    std::vector<variant_spec> out = extras;
    for (const auto& file : p.values("--idea")) {
        const std::string head = "daxfail " + command + ": --idea " + file;
        std::vector<std::string> errors;
        std::string note, error;
        const auto so = detail::build_idea(file, errors, note);
        if (!so) {
            // "--idea bad.cpp:2: policy: ..." when the first line is in the file, else "--idea bad.cpp: why".
            const std::string& first = errors.front();
            const bool in_file = first.rfind(file + ":", 0) == 0;
            std::cerr << head << (in_file ? first.substr(file.size()) : ": " + first) << "\n";
            for (std::size_t i = 1; i < errors.size(); ++i) std::cerr << "  " << errors[i] << "\n";
            return std::nullopt;
        }
        if (!note.empty()) std::cerr << head << ": " << note << "\n";
        const auto loaded = detail::load_idea(so->string(), error);
        if (!loaded) {
            std::cerr << head << ": " << error << "\n";
            return std::nullopt;
        }
        out.insert(out.end(), loaded->begin(), loaded->end());
    }
    if (const auto error = extra_variants_error(out); !error.empty()) {
        std::cerr << "daxfail " << command << ": --idea: " << error << "\n";
        return std::nullopt;
    }
    return out;
}

}  // namespace daxfail::cli

#endif
