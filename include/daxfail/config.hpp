// The value of every axis of one variant, as plain data. The kernel model runs
// on a config, not on the policy types, so that the code that depends on a
// policy is one constexpr object per variant and the model compiles once.
#ifndef DAXFAIL_CONFIG_HPP
#define DAXFAIL_CONFIG_HPP

#include <daxfail/policy/collector.hpp>
#include <daxfail/policy/dax_shared_page.hpp>
#include <daxfail/policy/del_gendisk.hpp>
#include <daxfail/policy/freeze.hpp>
#include <daxfail/policy/freeze_api.hpp>
#include <daxfail/policy/invalidate.hpp>
#include <daxfail/policy/kill_dax_flags.hpp>
#include <daxfail/policy/log_device.hpp>
#include <daxfail/policy/metadata_record.hpp>
#include <daxfail/policy/non_dax_inode.hpp>
#include <daxfail/policy/pre_remove_poison.hpp>
#include <daxfail/policy/range_math.hpp>
#include <daxfail/policy/rmap_source.hpp>
#include <daxfail/policy/rt_device.hpp>
#include <daxfail/policy/shutdown_caller.hpp>
#include <daxfail/policy/shutdown.hpp>
#include <daxfail/policy/thaw.hpp>
#include <daxfail/policy/thaw_userspace.hpp>

#include <string>

namespace daxfail {

struct config {
    kill_dax_notify kill_dax_flags{};
    rmap_source_kind rmap_source{};
    freeze_strategy freeze{};
    thaw_placement thaw{};
    thaw_userspace_kind thaw_userspace{};
    shutdown_mode shutdown{};
    collector_kind collector{};
    pre_remove_poison_kind pre_remove_poison{};
    invalidate_kind invalidate{};
    non_dax_inode_kind non_dax_inode{};
    metadata_record_kind metadata_record{};
    range_math_kind range_math{};
    freeze_api_kind freeze_api{};
    log_device_kind log_device{};
    rt_device_kind rt_device{};
    del_gendisk_kind del_gendisk{};
    dax_shared_page_kind dax_shared_page{};
    shutdown_caller_kind shutdown_caller{};
    friend constexpr bool operator==(const config&, const config&) = default;
};

/// Calls f(axis_name, value_name) for every axis, in declaration order.
template <class F>
constexpr void for_each_axis(const config& c, F&& f) {
    auto one = [&](auto v) { f(axis_name(v), value_name(v)); };
    one(c.kill_dax_flags);
    one(c.rmap_source);
    one(c.freeze);
    one(c.thaw);
    one(c.thaw_userspace);
    one(c.shutdown);
    one(c.collector);
    one(c.pre_remove_poison);
    one(c.invalidate);
    one(c.non_dax_inode);
    one(c.metadata_record);
    one(c.range_math);
    one(c.freeze_api);
    one(c.log_device);
    one(c.rt_device);
    one(c.del_gendisk);
    one(c.dax_shared_page);
    one(c.shutdown_caller);
}

/// "kill_dax_flags=pre_remove,rmap_source=rmapbt_query,..." (every axis).
inline std::string policy_string(const config& c) {
    std::string s;
    for_each_axis(c, [&](std::string_view axis, std::string_view value) {
        if (!s.empty()) s += ',';
        s.append(axis).append("=").append(value);
    });
    return s;
}

}  // namespace daxfail

#endif
