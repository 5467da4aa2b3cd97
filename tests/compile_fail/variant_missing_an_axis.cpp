// Must not compile: a variant without a freeze policy. The error names the axis.
#include <daxfail/presets.hpp>
// Every axis but freeze.
using v = daxfail::variant<daxfail::kill_dax_flags::pre_remove, daxfail::rmap_source::rmapbt_query, daxfail::thaw::where_frozen,
                           daxfail::thaw_userspace::anyway, daxfail::shutdown::force_umount_always, daxfail::collector::all_mapping_tasks,
                           daxfail::pre_remove_poison::leave_clean, daxfail::invalidate::on_pre_remove, daxfail::non_dax_inode::skip,
                           daxfail::metadata_record::skip_on_pre_remove, daxfail::range_math::merged, daxfail::freeze_api::holder_counts,
                           daxfail::log_device::ignore_pre_remove, daxfail::rt_device::unsupported, daxfail::del_gendisk::device_removed_shutdown,
                           daxfail::dax_shared_page::shared_marker, daxfail::shutdown_caller::out_of_line>;
int main() { return v::config == daxfail::config{} ? 0 : 1; }
