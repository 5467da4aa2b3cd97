// Where a device whose first_pfn a scenario leaves out is placed in physical
// memory: never over another device, whatever order the devices are listed in.
#ifndef DAXFAIL_DETAIL_DEFAULT_FIRST_PFN_HPP
#define DAXFAIL_DETAIL_DEFAULT_FIRST_PFN_HPP

#include <daxfail/constants.hpp>
#include <daxfail/world.hpp>

#include <algorithm>
#include <cstddef>
#include <vector>

namespace daxfail::detail {

/// The rule, as the documentation and the reader's messages state it.
inline constexpr const char* default_first_pfn_rule =
    "0x100000 + index x 0x100000, or just past the device listed before it when that one ends later, then past "
    "every device it would overlap";

/// The first pfn of devices[i] by default_first_pfn_rule; `placed[j]` says devices[j]'s first_pfn is known (given
/// in the file, or defaulted already). A device whose pfns would wrap u64 keeps the candidate (validate() says so).
inline u64 default_first_pfn(const std::vector<dax_device>& devices, const std::vector<bool>& placed, std::size_t i) {
    const auto pages = [&](std::size_t j) { return devices[j].size >> page_shift; };
    const auto end = [&](std::size_t j) {
        return devices[j].first_pfn > u64_max - pages(j) ? u64_max : devices[j].first_pfn + pages(j);
    };
    u64 pfn = 0x100000 + (u64{i} << 20);
    if (i > 0 && placed[i - 1]) pfn = std::max(pfn, end(i - 1));
    for (bool moved = true; moved;) {  // each move passes one device's end, so this ends within devices.size() moves
        moved = false;
        if (pfn > u64_max - pages(i)) return pfn;
        for (std::size_t j = 0; j < devices.size(); ++j) {
            if (j == i || !placed[j] || devices[j].size == 0) continue;
            if (pfn < end(j) && devices[j].first_pfn < pfn + pages(i)) {
                pfn = end(j);
                moved = true;
            }
        }
    }
    return pfn;
}

}  // namespace daxfail::detail

#endif
