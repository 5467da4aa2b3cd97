#!/bin/bash
# Builds the oracle's initramfs for one Debian kernel: busybox-static, mkfs.xfs
# with its shared libraries, the nvdimm/xfs modules (decompressed if .ko.xz,
# .ko.zst or .ko.gz), the init script, the guest program and its plans (files
# or directories).
# usage: mkinitramfs.sh <kernel package(s) extracted with dpkg-deb -x> <kernel release> <out.cpio.gz> <init> [files...]
# The modules are in lib/modules/REL (Debian 12) or usr/lib/modules/REL (Debian 14's linux-modules-REL).
# Needs: busybox-static, xfsprogs, cpio, xz-utils (zstd for .ko.zst), readelf (binutils) for a newer mkfs.xfs.
set -euo pipefail
kdir=$1; kver=$2; out=$3; init=$4; shift 4
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,lib,lib64,dev,proc,sys,mnt,tmp,modules}
cp /bin/busybox "$root/bin/busybox"
for a in sh mount umount insmod mkdir cat echo sleep dmesg ls poweroff sync grep; do ln -s busybox "$root/bin/$a"; done
cp /sbin/mkfs.xfs "$root/sbin/"
for l in $(ldd /sbin/mkfs.xfs | grep -o '/[^ ]*'); do mkdir -p "$root$(dirname "$l")"; cp -L "$l" "$root$l"; done
mods=$kdir/lib/modules/$kver
[ -d "$mods/kernel" ] || mods=$kdir/usr/lib/modules/$kver
# Load order matters (init.sh loads them in this order): xfs needs crc32c_generic before libcrc32c ("Unknown
# symbol crc32c" otherwise). Neither exists in 7.2, whose xfs depends on no module: "=optional" marks a module
# that may be missing.
for m in drivers/nvdimm/libnvdimm drivers/nvdimm/nd_btt drivers/nvdimm/nd_pmem drivers/nvdimm/nd_e820 \
         crypto/crc32c_generic=optional lib/libcrc32c=optional fs/xfs/xfs; do
  optional=false
  case $m in *=optional) optional=true; m=${m%=optional} ;; esac
  f=$(ls "$mods/kernel/$m".ko* 2>/dev/null | head -1 || true)
  if [ -z "$f" ]; then
    $optional && continue
    echo "mkinitramfs.sh: module $m missing in $kdir" >&2; exit 1
  fi
  to=$root/modules/$(basename "$m").ko
  case $f in
    *.ko) cp "$f" "$to" ;;
    *.xz) xz -dc "$f" > "$to" ;;
    *.zst) zstd -qdc "$f" > "$to" ;;
    *.gz) gzip -dc "$f" > "$to" ;;
    *) echo "mkinitramfs.sh: $f: unknown module compression" >&2; exit 1 ;;
  esac
done
# A newer mkfs.xfs of the kernel's suite when fetch_kernel.sh brought one (<kernel dir>/userland): in /newer,
# with the libraries it needs and their dynamic loader, run as /newer/ld.so --library-path /newer/lib
# /newer/mkfs.xfs (its glibc is newer than the system's).
if [ -x "$kdir/userland/usr/sbin/mkfs.xfs" ]; then
  mkdir -p "$root/newer/lib"
  cp "$kdir/userland/usr/sbin/mkfs.xfs" "$root/newer/mkfs.xfs"
  cp -L "$kdir/userland/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$root/newer/ld.so"
  todo=$root/newer/mkfs.xfs
  while [ -n "$todo" ]; do
    next=
    for f in $todo; do
      for so in $(readelf -d "$f" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
        [ -e "$root/newer/lib/$so" ] && continue
        src=$(ls "$kdir/userland/usr/lib/x86_64-linux-gnu/$so" "$kdir/userland/lib/x86_64-linux-gnu/$so" 2>/dev/null | head -1 || true)
        [ -n "$src" ] || { echo "mkinitramfs.sh: $so (for $(basename "$f")) missing in $kdir/userland" >&2; exit 1; }
        cp -L "$src" "$root/newer/lib/$so"
        next="$next $root/newer/lib/$so"
      done
    done
    todo=$next
  done
fi
cp "$init" "$root/init"; chmod +x "$root/init"
for f in "$@"; do cp -r "$f" "$root/"; done
(cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) > "$out"
