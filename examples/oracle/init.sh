#!/bin/sh
# The oracle guest's init: load the pmem and xfs modules (those the kernel has: crc32c_generic and libcrc32c
# are gone in 7.2), wait for /dev/pmem0, hand over to the guest.
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in libnvdimm nd_btt nd_pmem nd_e820 crc32c_generic libcrc32c xfs; do [ -e /modules/$m.ko ] && insmod /modules/$m.ko; done
while [ ! -e /dev/pmem0 ]; do sleep 0.1; done
exec /guest
