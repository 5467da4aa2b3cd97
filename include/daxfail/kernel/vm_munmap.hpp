// vm_munmap / exit_mmap — mm/mmap.c (all versions): a task's mapping of a
// file, or every mapping it has, goes away with its PTEs. The DAX entries stay
// in the file's mapping (they belong to the file, not to the task).
#ifndef DAXFAIL_KERNEL_VM_MUNMAP_HPP
#define DAXFAIL_KERNEL_VM_MUNMAP_HPP

#include <daxfail/detail/context.hpp>

#include <string>

namespace daxfail::detail {
// The vma stays in place, empty: the run's indexes point at it, and an empty vma maps nothing.
inline void empty_vma(vma& v) {
    v.present.clear();
    v.pages = 0;
}
}  // namespace daxfail::detail

namespace daxfail::kernel {

/// munmap of task `pid`'s mappings of file `ino`.
inline void vm_munmap(detail::kernel_context& ctx, u32 pid, u64 ino) {
    u64 n = 0;
    for (auto& t : ctx.w.tasks)
        if (t.pid == pid)
            for (auto& v : t.vmas)
                if (v.ino == ino && v.pages) {
                    detail::empty_vma(v);
                    ++n;
                }
    ctx.step("vm_munmap", "pid " + std::to_string(pid) + " ino " + std::to_string(ino) + ": " + std::to_string(n) +
                              " mapping(s) removed");
}

/// Task `pid` exits: exit_mmap tears down every mapping of its mm.
inline void exit_mmap(detail::kernel_context& ctx, u32 pid) {
    u64 n = 0;
    for (auto& t : ctx.w.tasks)
        if (t.pid == pid)
            for (auto& v : t.vmas)
                if (v.pages) {
                    detail::empty_vma(v);
                    ++n;
                }
    ctx.step("exit_mmap", "pid " + std::to_string(pid) + ": " + std::to_string(n) + " mapping(s) removed");
}

}  // namespace daxfail::kernel

#endif
