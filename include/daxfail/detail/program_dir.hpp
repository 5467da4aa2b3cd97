// Where the running program is: an installed daxfail finds its files (the oracle's, the headers for --idea)
// relative to its own binary.
#ifndef DAXFAIL_DETAIL_PROGRAM_DIR_HPP
#define DAXFAIL_DETAIL_PROGRAM_DIR_HPP

#include <filesystem>
#include <system_error>

namespace daxfail::detail {

/// The directory of the running program (through /proc/self/exe); empty when unknown.
inline std::filesystem::path program_dir() {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path() : exe.parent_path();
}

}  // namespace daxfail::detail

#endif
