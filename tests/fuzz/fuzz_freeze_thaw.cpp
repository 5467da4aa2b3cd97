// Fuzz target: random sequences of freeze_super / thaw_super by both holders
// (the kernel holder, and userspace directly or through FIFREEZE / FITHAW),
// with the superblock shut down or not SB_BORN, run against every freeze_api
// generation. Each generation's rules are written out again below from the
// policy's documentation (policy/freeze_api.hpp), and the model must agree
// with them step by step; whatever the rules, it must also keep:
//   - every holder's count in 0..1 (nothing nests: no FREEZE_MAY_NEST) and
//     never below zero (a thaw drops at most one hold, of its own holder),
//   - the superblock frozen exactly while someone holds it,
//   - only the return codes that fs/super.c can give for that generation.
// Any violation abort()s.
#include <daxfail/config.hpp>
#include <daxfail/detail/context.hpp>
#include <daxfail/errno.hpp>
#include <daxfail/event.hpp>
#include <daxfail/kernel/freeze_super.hpp>
#include <daxfail/kernel/ioctl_fsfreeze.hpp>
#include <daxfail/kernel/thaw_super.hpp>
#include <daxfail/outcome.hpp>
#include <daxfail/presets.hpp>
#include <daxfail/variant_names.hpp>
#include <daxfail/world.hpp>

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace {

/// The built-in freeze_api values this reference knows, by name (the library's policies are types).
enum class freeze_api_kind { no_holders, holder_bitmask, holder_counts, holder_counts_nested_thaw_ok, holder_counts_may_unfreeze };
constexpr std::string_view kind_names[] = {"no_holders", "holder_bitmask", "holder_counts", "holder_counts_nested_thaw_ok",
                                           "holder_counts_may_unfreeze"};
std::string_view value_name(freeze_api_kind k) { return kind_names[static_cast<std::size_t>(k)]; }
using daxfail::freeze_holder;
namespace err = daxfail::err;

[[noreturn]] void violation(freeze_api_kind api, std::size_t op, const std::string& what) {
    std::fprintf(stderr, "fuzz_freeze_thaw: freeze_api %s, operation %zu: %s\n",
                 std::string(value_name(api)).c_str(), op, what.c_str());
    std::abort();
}

/// One generation's rules as its documentation states them.
struct rules {
    bool per_holder;         ///< false (<= v6.5): one anonymous freeze
    bool unborn_is_success;  ///< freeze of a !SB_BORN superblock returns 0 and freezes nothing (<= v6.7)
    int thaw_without_hold;   ///< thaw by a holder holding nothing while another holds (per_holder only)
    int thaw_leaving_holder; ///< thaw that leaves another holder's freeze (per_holder only)
};

rules documented(freeze_api_kind api) {
    switch (api) {
        case freeze_api_kind::no_holders: return {false, true, 0, 0};
        case freeze_api_kind::holder_bitmask: return {true, true, -err::einval, 0};
        case freeze_api_kind::holder_counts: return {true, false, -err::einval, -err::einval};
        case freeze_api_kind::holder_counts_nested_thaw_ok: return {true, false, 0, 0};
        case freeze_api_kind::holder_counts_may_unfreeze: return {true, false, -err::einval, 0};
    }
    std::abort();
}

/// What fs/super.c can return in each generation: freeze_super gives 0, -EBUSY (already frozen, by anyone
/// up to v6.5, by the same holder after) or the ->sync_fs error (-EIO on a shut-down XFS); thaw_super gives
/// 0 or -EINVAL.
bool kernel_can_return(bool freeze, int rc) {
    if (freeze) return rc == 0 || rc == -err::ebusy || rc == -err::eio;
    return rc == 0 || rc == -err::einval;
}

/// The reference superblock: the holds in the order taken.
struct reference {
    struct hold {
        freeze_holder who;
        std::string owner;
    };
    std::vector<hold> holds;
    std::vector<daxfail::freeze_release> foreign;
    bool born = true, shut_down = false, in_progress = false;

    int count(freeze_holder who) const {
        return static_cast<int>(std::count_if(holds.begin(), holds.end(), [&](const hold& h) { return h.who == who; }));
    }
    bool frozen() const { return !holds.empty(); }

    /// The return code, or nullopt-like `blocked` when the freezer would wait forever.
    int freeze(const rules& r, freeze_holder who, const std::string& owner, bool& blocked) {
        blocked = false;
        if (!r.per_holder) {
            if (frozen() || in_progress) return -err::ebusy;
        } else {
            if (frozen()) {
                if (count(who) > 0) return -err::ebusy;
                holds.push_back({who, owner});  // joins the freeze: no second sync
                return 0;
            }
            if (in_progress) {
                blocked = true;
                return 0;
            }
        }
        if (!born && r.unborn_is_success) return 0;
        if (shut_down) return -err::eio;
        holds.push_back({who, owner});
        return 0;
    }

    int thaw(const rules& r, freeze_holder who, const std::string& by) {
        if (!frozen()) return -err::einval;
        if (!r.per_holder) {
            if (holds.back().owner != by) foreign.push_back({holds.back().owner, by});
            holds.clear();
            return 0;
        }
        auto it = holds.end();
        for (auto i = holds.begin(); i != holds.end(); ++i)
            if (i->who == who) it = i;
        if (it == holds.end()) return r.thaw_without_hold;
        if (it->owner != by) foreign.push_back({it->owner, by});
        holds.erase(it);
        return frozen() ? r.thaw_leaving_holder : 0;
    }
};

enum class op : std::uint8_t { freeze_k, freeze_u, thaw_k, thaw_u, fifreeze, fithaw, shut_down, count };

struct step {
    op what;
    std::string name;  ///< owner of a freeze, or who thaws
};

const std::string& pool(std::size_t i) {
    static const std::string names[] = {"xfs_scrub", "xfs_freeze", "xfs_dax_notify_failure", "fsfreeze"};
    return names[i % 4];
}

void check_state(freeze_api_kind api, std::size_t i, const rules& r, const daxfail::super_block& sb,
                 const reference& ref, const daxfail::outcome& out) {
    int k = 0, u = 0;
    for (const auto& h : sb.holds) (h.holder == freeze_holder::kernel ? k : u)++;
    if (k < 0 || u < 0 || k > 1 || u > 1) violation(api, i, "a holder's count is outside 0..1");
    if (!r.per_holder && k + u > 1) violation(api, i, "more than one freeze without holders");
    if (k != ref.count(freeze_holder::kernel) || u != ref.count(freeze_holder::userspace))
        violation(api, i,
                  "holds K=" + std::to_string(k) + " U=" + std::to_string(u) + ", documented K=" +
                      std::to_string(ref.count(freeze_holder::kernel)) +
                      " U=" + std::to_string(ref.count(freeze_holder::userspace)));
    if (sb.frozen() != (k + u > 0)) violation(api, i, "frozen is not the same as held");
    if (sb.frozen() != ref.frozen()) violation(api, i, "frozen differs from the documented rules");
    for (std::size_t h = 0; h < sb.holds.size(); ++h)
        if (sb.holds[h].holder != ref.holds[h].who || sb.holds[h].owner != ref.holds[h].owner)
            violation(api, i, "hold " + std::to_string(h) + " is not the documented one");
    if (out.foreign_thaws != ref.foreign) violation(api, i, "foreign thaws differ from the documented ones");
}

void run_generation(freeze_api_kind api, bool born, bool shut_down, bool in_progress,
                    const std::vector<step>& steps) {
    const rules r = documented(api);
    daxfail::config cfg = daxfail::presets::merged::config;
    if (!daxfail::set_axis(cfg, "freeze_api", value_name(api)).empty()) violation(api, 0, "no such policy");
    if (cfg.freeze_api.per_holder != r.per_holder || cfg.freeze_api.unborn_freeze_succeeds != r.unborn_is_success ||
        (r.per_holder && (cfg.freeze_api.thaw_without_hold_rc != r.thaw_without_hold ||
                          cfg.freeze_api.thaw_leaving_holders_rc != r.thaw_leaving_holder)))
        violation(api, 0, "the policy's constants are not its documented rules");

    daxfail::world w;
    w.devices.push_back({});
    w.mp.sb.born = born;
    w.mp.sb.freeze_in_progress = in_progress;
    w.mp.shutdown_flags = shut_down ? daxfail::shutdown_flag::corrupt_ondisk : 0;
    daxfail::outcome out;
    const daxfail::event ev = daxfail::event::unbind(0, 1);
    daxfail::detail::kernel_context ctx{w, cfg, out, ev, daxfail::run_options{}};

    reference ref;
    ref.born = born;
    ref.shut_down = shut_down;
    ref.in_progress = in_progress;

    for (std::size_t i = 0; i < steps.size(); ++i) {
        const step& s = steps[i];
        if (s.what == op::shut_down) {
            w.mp.shutdown_flags |= daxfail::shutdown_flag::corrupt_ondisk;
            ref.shut_down = true;
            continue;
        }
        const bool is_freeze = s.what == op::freeze_k || s.what == op::freeze_u || s.what == op::fifreeze;
        const freeze_holder who =
            s.what == op::freeze_k || s.what == op::thaw_k ? freeze_holder::kernel : freeze_holder::userspace;
        bool blocked = false;
        const int expected = is_freeze ? ref.freeze(r, who, s.name, blocked) : ref.thaw(r, who, s.name);
        int rc = 0;
        try {
            switch (s.what) {
                case op::freeze_k:
                case op::freeze_u: rc = daxfail::kernel::freeze_super(ctx, who, s.name); break;
                case op::thaw_k:
                case op::thaw_u: rc = daxfail::kernel::thaw_super(ctx, who, s.name); break;
                case op::fifreeze: rc = daxfail::kernel::ioctl_fsfreeze(ctx, s.name); break;
                case op::fithaw: rc = daxfail::kernel::ioctl_fsthaw(ctx, s.name); break;
                case op::shut_down:
                case op::count: std::abort();
            }
        } catch (const daxfail::detail::stop_run& stop) {
            if (!blocked) violation(api, i, "stopped (" + stop.detail + ") where the rules say it returns");
            if (stop.end != daxfail::end_state::blocked) violation(api, i, "a waiting freezer did not block");
            check_state(api, i, r, w.mp.sb, ref, out);
            return;  // the freezer waits forever: nothing after it runs
        }
        if (blocked) violation(api, i, "returned where the rules say the freezer waits forever");
        if (!kernel_can_return(is_freeze, rc))
            violation(api, i, (is_freeze ? "freeze_super" : "thaw_super") + std::string(" returned ") + err::name(rc) +
                                  ", which fs/super.c cannot return");
        if (rc != expected)
            violation(api, i, "returned " + err::name(rc) + ", the documented rules say " + err::name(expected));
        // The step names the result it returned.
        const std::string tail = " = " + err::name(rc);
        bool named = false;
        for (auto t = out.trace.rbegin(); t != out.trace.rend(); ++t)
            if (t->function == (is_freeze ? "freeze_super" : "thaw_super")) {
                named = t->detail.find(tail) != std::string::npos;
                break;
            }
        if (!named) violation(api, i, "the trace does not name the return code");
        check_state(api, i, r, w.mp.sb, ref, out);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const auto flags = in.ConsumeIntegral<std::uint8_t>();
    const bool born = (flags & 0x03) != 0;           // mostly born
    const bool shut_down = (flags & 0x0c) == 0x0c;   // sometimes shut down from the start
    const bool in_progress = (flags & 0xf0) == 0xf0; // rarely a freeze stuck half-way
    std::vector<step> steps;
    while (in.remaining_bytes() > 0 && steps.size() < 256) {
        const auto b = in.ConsumeIntegral<std::uint8_t>();
        op what = static_cast<op>((b & 0x0f) % static_cast<unsigned>(op::count));
        if (what == op::shut_down && (b & 0x30) != 0x30) what = op::freeze_k;  // shut down rarely
        steps.push_back({what, pool(b >> 6)});
    }
    for (auto api : {freeze_api_kind::no_holders, freeze_api_kind::holder_bitmask, freeze_api_kind::holder_counts,
                     freeze_api_kind::holder_counts_nested_thaw_ok, freeze_api_kind::holder_counts_may_unfreeze})
        run_generation(api, born, shut_down, in_progress, steps);
    return 0;
}
