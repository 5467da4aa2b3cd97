// The README's example: two presets on one scenario, and a review comment as one line of C++.
#include <daxfail/daxfail.hpp>

#include <iostream>

int main() {
    using namespace daxfail;
    // pmem0 holds an XFS with two mapped DAX files; `sh` unbinds the namespace.
    const scenario s = scenarios::unbind_mapped_files();
    const outcome debian = run<presets::debian_6_1>(s.world, s.event);
    const outcome merged = run<presets::merged>(s.world, s.event);
    std::cout << to_string(diff(debian, merged), "debian_6_1", "merged");

    // Review of v12: "return the error instead of looping", "thaw where you froze".
    using reviewed = presets::v12::with<freeze::return_ebusy, thaw::where_frozen>;
    const scenario held = scenarios::frozen_by_kernel_holder();  // xfs_scrub holds a kernel freeze
    const outcome v12 = run<presets::v12>(held.world, held.event);
    const outcome fixed = run<reviewed>(held.world, held.event);
    std::cout << "\n" << to_string(diff(v12, fixed), "v12", "reviewed");
    return v12.terminated() || !fixed.terminated();  // v12 loops forever, the review does not
}
