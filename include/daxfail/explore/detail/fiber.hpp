// Stackful fibers for the explorer: each actor of a schedule runs on a stack
// of its own, and handing the baton to another actor is a jump to its saved
// stack pointer on the same OS thread. No system call and no kernel scheduler
// is involved, so a schedule costs what its steps cost, whatever else the
// machine is doing (with one thread per actor, every step waited for the
// scheduler: 25 schedules/s instead of 8,000 on a busy 2-core machine).
//
// x86-64 (gcc, clang) switches with a few instructions that save the
// callee-saved registers; elsewhere, or with DAXFAIL_FIBER_UCONTEXT defined,
// with POSIX swapcontext (one signal-mask system call per switch). Both are
// header-only. Under AddressSanitizer every switch is announced to it, so it
// follows the stacks. Exceptions never cross a fiber's bottom: whatever runs
// on a fiber catches its own.
#ifndef DAXFAIL_EXPLORE_DETAIL_FIBER_HPP
#define DAXFAIL_EXPLORE_DETAIL_FIBER_HPP

#include <cstddef>
#include <cstdint>
#include <new>

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#if !defined(__x86_64__) || (!defined(__GNUC__) && !defined(__clang__))
#ifndef DAXFAIL_FIBER_UCONTEXT
#define DAXFAIL_FIBER_UCONTEXT 1
#endif
#endif
#ifdef DAXFAIL_FIBER_UCONTEXT
#include <ucontext.h>
#endif

#if defined(__SANITIZE_ADDRESS__)
#define DAXFAIL_FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DAXFAIL_FIBER_ASAN 1
#endif
#endif
#ifdef DAXFAIL_FIBER_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace daxfail::explore::detail {

/// Where a suspended context resumes, and the stack it runs on (for the sanitizer).
struct fiber_context {
#ifdef DAXFAIL_FIBER_UCONTEXT
    ucontext_t uc{};
#else
    void* sp = nullptr;
#endif
    const void* stack_bottom = nullptr;
    std::size_t stack_size = 0;
};

#ifndef DAXFAIL_FIBER_UCONTEXT
// Saves the callee-saved registers, the x87 control word and MXCSR on the current stack, stores its pointer in
// *from, and continues on `to`'s stack where the same was saved (or where fiber::start laid out a first frame).
[[gnu::naked, gnu::noinline]] inline void fiber_jump(void** /*from*/, void* /*to*/) {
    asm volatile(
        "pushq %rbp\n\t"
        "pushq %rbx\n\t"
        "pushq %r12\n\t"
        "pushq %r13\n\t"
        "pushq %r14\n\t"
        "pushq %r15\n\t"
        "subq $16, %rsp\n\t"
        "stmxcsr 8(%rsp)\n\t"
        "fnstcw (%rsp)\n\t"
        "movq %rsp, (%rdi)\n\t"
        "movq %rsi, %rsp\n\t"
        "fldcw (%rsp)\n\t"
        "ldmxcsr 8(%rsp)\n\t"
        "addq $16, %rsp\n\t"
        "popq %r15\n\t"
        "popq %r14\n\t"
        "popq %r13\n\t"
        "popq %r12\n\t"
        "popq %rbx\n\t"
        "popq %rbp\n\t"
        "ret\n\t");
}
// A fiber's first instruction: calls r13(r12) on an aligned stack; the function never returns.
[[gnu::naked, gnu::noinline]] inline void fiber_first_frame() {
    asm volatile(
        "movq %r12, %rdi\n\t"
        "andq $-16, %rsp\n\t"
        "callq *%r13\n\t"
        "ud2\n\t");
}
#endif

/// The context of the thread that drives the fibers (its own stack).
inline fiber_context thread_context() {
    fiber_context c;
#ifdef DAXFAIL_FIBER_ASAN
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        void* bottom = nullptr;
        std::size_t size = 0;
        if (pthread_attr_getstack(&attr, &bottom, &size) == 0) {
            c.stack_bottom = bottom;
            c.stack_size = size;
        }
        pthread_attr_destroy(&attr);
    }
#endif
    return c;
}

/// Continues `to`, leaving the current context's state in `from`. `leaving_for_good`: the current fiber will not
/// be resumed (its frames are dead), which the sanitizer must hear to forget them.
inline void switch_fiber(fiber_context& from, fiber_context& to, bool leaving_for_good = false) {
#ifdef DAXFAIL_FIBER_ASAN
    void* fake_stack = nullptr;
    __sanitizer_start_switch_fiber(leaving_for_good ? nullptr : &fake_stack, to.stack_bottom, to.stack_size);
#else
    (void)leaving_for_good;
#endif
#ifdef DAXFAIL_FIBER_UCONTEXT
    swapcontext(&from.uc, &to.uc);
#else
    fiber_jump(&from.sp, to.sp);
#endif
#ifdef DAXFAIL_FIBER_ASAN
    __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#endif
}

/// The first thing a fiber's entry does: the sanitizer hears that the switch into it has ended.
inline void fiber_entered() {
#ifdef DAXFAIL_FIBER_ASAN
    __sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
#endif
}

/// A stack of its own (mapped once, reused by every schedule) and the context that runs on it.
class fiber {
public:
    /// 8 MiB of address space, as a thread's default stack: pages are only backed once touched.
    static constexpr std::size_t stack_bytes = std::size_t{8} << 20;

    fiber() {
        page_ = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
        void* m = mmap(nullptr, stack_bytes + page_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                       -1, 0);
        if (m == MAP_FAILED) throw std::bad_alloc();
        mapping_ = static_cast<char*>(m);
        mprotect(mapping_, page_, PROT_NONE);  // the guard page: an overflow faults instead of corrupting memory
        ctx_.stack_bottom = mapping_ + page_;
        ctx_.stack_size = stack_bytes;
    }
    fiber(const fiber&) = delete;
    fiber& operator=(const fiber&) = delete;
    ~fiber() { munmap(mapping_, stack_bytes + page_); }

    /// Makes the next switch to this fiber call `entry(arg)` from the top of its stack. `entry` must never
    /// return: it ends by switching away for good.
    void start(void (*entry)(void*), void* arg) {
        char* top = mapping_ + page_ + stack_bytes;
#ifdef DAXFAIL_FIBER_ASAN
        __asan_unpoison_memory_region(mapping_ + page_, stack_bytes);  // frames a switch left behind
#endif
#ifdef DAXFAIL_FIBER_UCONTEXT
        getcontext(&ctx_.uc);
        ctx_.uc.uc_stack.ss_sp = mapping_ + page_;
        ctx_.uc.uc_stack.ss_size = stack_bytes;
        ctx_.uc.uc_link = nullptr;
        entry_ = entry;
        arg_ = arg;
        // makecontext passes ints: the fiber's address in two halves.
        const auto self = reinterpret_cast<std::uintptr_t>(this);
        makecontext(&ctx_.uc, reinterpret_cast<void (*)()>(&fiber::trampoline), 2,
                    static_cast<unsigned>(self >> 32), static_cast<unsigned>(self & 0xffffffffu));
        (void)top;
#else
        // The frame fiber_jump pops: x87 control word and MXCSR, r15 r14 r13 r12 rbx rbp, then the return address.
        auto* sp = reinterpret_cast<std::uintptr_t*>(reinterpret_cast<std::uintptr_t>(top) & ~std::uintptr_t{15});
        *--sp = 0;  // keeps the first frame 16-byte aligned
        *--sp = reinterpret_cast<std::uintptr_t>(&fiber_first_frame);
        *--sp = 0;                                             // rbp
        *--sp = 0;                                             // rbx
        *--sp = reinterpret_cast<std::uintptr_t>(arg);         // r12
        *--sp = reinterpret_cast<std::uintptr_t>(entry);       // r13
        *--sp = 0;                                             // r14
        *--sp = 0;                                             // r15
        *--sp = 0x1f80;                                        // MXCSR at +8 (the defaults: all exceptions masked)
        *--sp = 0x037f;                                        // x87 control word at +0
        ctx_.sp = sp;
#endif
    }
    fiber_context& context() { return ctx_; }

private:
#ifdef DAXFAIL_FIBER_UCONTEXT
    static void trampoline(unsigned hi, unsigned lo) {
        auto* f = reinterpret_cast<fiber*>((std::uintptr_t{hi} << 32) | lo);
        f->entry_(f->arg_);
    }
    void (*entry_)(void*) = nullptr;
    void* arg_ = nullptr;
#endif
    std::size_t page_ = 4096;
    char* mapping_ = nullptr;
    fiber_context ctx_;
};

}  // namespace daxfail::explore::detail

#endif
