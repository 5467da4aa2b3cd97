#!/bin/bash
# Downloads and unpacks the kernel image package behind a Debian metapackage
# (linux-image-amd64 -> 6.1, linux-image-6.12-amd64 -> 6.12) into <cache>, once.
# Prints "<extracted dir> <kernel release>".
# usage: fetch_kernel.sh <metapackage> <cache dir>
set -euo pipefail
meta=$1; cache=$2
mkdir -p "$cache"
pkg=$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}')
[ -n "$pkg" ] || { echo "fetch_kernel.sh: cannot resolve $meta (run apt-get update)" >&2; exit 1; }
release=${pkg#linux-image-}
dir="$cache/$pkg"
if [ ! -e "$dir/boot/vmlinuz-$release" ]; then
  (cd "$cache" && rm -f "$pkg"_*.deb && apt-get download "$pkg" >/dev/null 2>&1)
  rm -rf "$dir" && dpkg-deb -x "$cache/$pkg"_*.deb "$dir"
fi
echo "$dir $release"
