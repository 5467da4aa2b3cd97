#!/bin/bash
# Downloads and unpacks the kernel behind a Debian metapackage into <cache>, once, and prints
# "<extracted dir> <kernel release>":
#   linux-image-amd64 -> 6.1 and linux-image-6.12-amd64 -> 6.12, from the system's apt sources (Debian 12);
#   linux-image-amd64 of another suite (e.g. sid): through an apt configuration of the oracle's own,
#   <cache>/apt-<suite>/ (its sources list, lists, state and cache; APT_CONFIG), whose one source is that suite
#   of the mirror the system's apt sources use for Debian (DAXFAIL_ORACLE_MIRROR overrides it). The system's
#   apt sources are never changed.
# A kernel package is either the kernel itself (boot/vmlinuz-REL, lib/modules/REL: Debian 12) or, from Debian
# 14 on, a metapackage linux-image-REL depending on linux-binary-REL (usr/lib/modules/REL/vmlinuz) and
# linux-modules-REL (usr/lib/modules/REL/kernel): all of them are unpacked into one directory.
# usage: fetch_kernel.sh [--resolve] <metapackage> <cache dir> [suite]
#   --resolve: print only the kernel release the suite offers now, download no package.
set -euo pipefail
resolve=false
[ "${1:-}" = --resolve ] && { resolve=true; shift; }
meta=$1; cache=$2; suite=${3:-}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
if [ -n "$suite" ]; then
  apt_dir="$cache/apt-$suite"
  mkdir -p "$apt_dir"/{sources.list.d,etc/preferences.d,state,lists/partial,cache/archives/partial}
  mirror=${DAXFAIL_ORACLE_MIRROR:-$(apt-cache policy 2>/dev/null | awk '
    $1 ~ /^[0-9]+$/ && $2 ~ /^(https?|file):/ { uri = $2; next }
    $1 == "release" && uri != "" && $2 ~ /(^|,)o=Debian,/ && $2 ~ /(^|,)l=Debian,/ { print uri; exit }')}
  [ -n "$mirror" ] || { echo "fetch_kernel.sh: no Debian mirror in the system's apt sources (set DAXFAIL_ORACLE_MIRROR)" >&2; exit 1; }
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" > "$apt_dir/sources.list"
  [ -e "$apt_dir/status" ] || : > "$apt_dir/status"
  cat > "$apt_dir/apt.conf" <<EOF
Dir::Etc::SourceList "$apt_dir/sources.list";
Dir::Etc::SourceParts "$apt_dir/sources.list.d";
Dir::Etc::Preferences "$apt_dir/etc/preferences";
Dir::Etc::PreferencesParts "$apt_dir/etc/preferences.d";
Dir::State "$apt_dir/state";
Dir::State::Lists "$apt_dir/lists";
Dir::State::status "$apt_dir/status";
Dir::Cache "$apt_dir/cache";
APT::Architecture "amd64";
Acquire::Languages "none";
EOF
  export APT_CONFIG="$apt_dir/apt.conf"
  # The suite moves: read its package list on every run (about 2 s); offline, the last list read is used.
  if ! apt-get update -qq >"$apt_dir/update.log" 2>&1; then
    ls "$apt_dir/lists/"*_Packages* >/dev/null 2>&1 ||
      { echo "fetch_kernel.sh: apt-get update of $suite failed (see $apt_dir/update.log)" >&2; exit 1; }
    echo "fetch_kernel.sh: apt-get update of $suite failed; using the package list read before" >&2
  fi
fi
pkg=$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}')
[ -n "$pkg" ] || { echo "fetch_kernel.sh: cannot resolve $meta (run apt-get update)" >&2; exit 1; }
release=${pkg#linux-image-}
if $resolve; then echo "$release"; exit 0; fi
dir="$cache/$pkg"
if [ ! -e "$dir/boot/vmlinuz-$release" ] && [ ! -e "$dir/usr/lib/modules/$release/vmlinuz" ]; then
  parts=$(apt-cache depends "$pkg" 2>/dev/null | awk -v r="$release" '
    $1 == "Depends:" && ($2 == "linux-binary-" r || $2 == "linux-modules-" r) {print $2}')
  [ -n "$parts" ] || parts=$pkg
  rm -rf "$dir.new" && mkdir -p "$dir.new"
  for part in $parts; do
    (cd "$cache" && rm -f "$part"_*.deb && apt-get download "$part" >/dev/null 2>&1) ||
      { echo "fetch_kernel.sh: apt-get download $part failed" >&2; exit 1; }
    case $part in
      linux-modules-*)  # 4 of its 500 MB unpacked are what the guest loads: only those
        dpkg-deb --fsys-tarfile "$cache/$part"_*.deb | tar -x -C "$dir.new" --wildcards \
          "./usr/lib/modules/$release/kernel/drivers/nvdimm/*" "./usr/lib/modules/$release/kernel/fs/xfs/*" \
          "./usr/lib/modules/$release/kernel/crypto/crc32c*" "./usr/lib/modules/$release/kernel/lib/libcrc32c*" \
          2>/dev/null || true
        [ -d "$dir.new/usr/lib/modules/$release/kernel/fs/xfs" ] ||
          { echo "fetch_kernel.sh: no xfs module in $part" >&2; exit 1; } ;;
      *) dpkg-deb -x "$cache/$part"_*.deb "$dir.new" ;;
    esac
  done
  rm -rf "$dir" && mv "$dir.new" "$dir"
fi
# With a suite, its xfsprogs too (<dir>/userland): mkfs.xfs and the packages of the libraries it needs, libc6
# with its dynamic loader among them, for the plans that need a newer mkfs.xfs than the system's ("mkfs":
# "newer": rmapbt with a realtime device needs rtgroups, xfsprogs 6.14). mkinitramfs.sh puts them in /newer.
if [ -n "$suite" ] && [ ! -e "$dir/userland/.complete" ]; then
  rm -rf "$dir/userland" && mkdir -p "$dir/userland"
  get() {
    (cd "$cache" && rm -f "$1"_*.deb && apt-get download "$1" >/dev/null 2>&1) ||
      { echo "fetch_kernel.sh: apt-get download $1 failed" >&2; exit 1; }
    dpkg-deb -x "$cache/$1"_*.deb "$dir/userland"
  }
  get xfsprogs
  deps=$(apt-cache depends xfsprogs 2>/dev/null | awk '$1 == "Depends:" {print $2}')
  # libblkid.so.1 -> libblkid1, liburcu.so.8 -> liburcu8t64, libc.so.6 -> libc6: the dependency named after it.
  for so in $(readelf -d "$dir/userland/usr/sbin/mkfs.xfs" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
    base=${so%%.so*}
    pkg=$(printf '%s\n' $deps | grep -m1 -E "^${base}[0-9]" || true)
    [ -n "$pkg" ] || { echo "fetch_kernel.sh: no package of $suite's xfsprogs provides $so" >&2; exit 1; }
    get "$pkg"
  done
  touch "$dir/userland/.complete"
fi
echo "$dir $release"
