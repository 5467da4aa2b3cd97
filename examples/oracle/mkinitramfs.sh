#!/bin/bash
# Builds the oracle's initramfs for one Debian kernel: busybox-static, mkfs.xfs
# with its shared libraries, the nvdimm/xfs modules (decompressed if .ko.xz),
# the init script, the guest program and its plans (files or directories).
# usage: mkinitramfs.sh <kernel package extracted with dpkg-deb -x> <kernel release> <out.cpio.gz> <init> [files...]
# Needs: busybox-static, xfsprogs, cpio, xz-utils.
set -euo pipefail
kdir=$1; kver=$2; out=$3; init=$4; shift 4
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,lib,lib64,dev,proc,sys,mnt,tmp,modules}
cp /bin/busybox "$root/bin/busybox"
for a in sh mount umount insmod mkdir cat echo sleep dmesg ls poweroff sync grep; do ln -s busybox "$root/bin/$a"; done
cp /sbin/mkfs.xfs "$root/sbin/"
for l in $(ldd /sbin/mkfs.xfs | grep -o '/[^ ]*'); do mkdir -p "$root$(dirname "$l")"; cp -L "$l" "$root$l"; done
# Load order matters: xfs needs crc32c_generic before libcrc32c ("Unknown symbol crc32c" otherwise).
for m in drivers/nvdimm/libnvdimm drivers/nvdimm/nd_btt drivers/nvdimm/nd_pmem drivers/nvdimm/nd_e820 \
         crypto/crc32c_generic lib/libcrc32c fs/xfs/xfs; do
  f=$(ls "$kdir/lib/modules/$kver/kernel/$m".ko* 2>/dev/null | head -1)
  [ -n "$f" ] || { echo "mkinitramfs.sh: module $m missing in $kdir" >&2; exit 1; }
  case $f in *.xz) xz -dc "$f" > "$root/modules/$(basename "$m").ko" ;; *) cp "$f" "$root/modules/$(basename "$m").ko" ;; esac
done
cp "$init" "$root/init"; chmod +x "$root/init"
for f in "$@"; do cp -r "$f" "$root/"; done
(cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) > "$out"
