#!/usr/bin/env bash
# The debootstrap steps the image builders share (tools/build-image.sh, tools/build-controller-root.sh): a minimal
# Debian root of RELEASE in ROOT (an empty directory) with the packages listed in PACKAGES_FILE (one a line, # for
# comments), from Debian's mirror (DEBIAN_MIRROR), its apt sources set to the release, its updates and its security
# archive, and no package lists or apt caches left in it. debootstrap's log goes to ROOT.log and its last lines are
# printed when it fails. Part of both builders' recipe hashes.
#   tools/debootstrap-root.sh RELEASE PACKAGES_FILE ROOT
set -euo pipefail

[ $# -eq 3 ] || {
  echo "usage: $0 RELEASE PACKAGES_FILE ROOT" >&2
  exit 2
}
release=$1 packages_file=$2 root=$3
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

command -v debootstrap >/dev/null 2>&1 || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
}
include=$(grep -v '^#' "$packages_file" | grep -v '^$' | paste -sd, -)
debootstrap --variant=minbase --include="$include" "$release" "$root" "$mirror" >"$root.log" 2>&1 || {
  tail -30 "$root.log" >&2
  exit 1
}
rm -f "$root.log"
cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror $release main
deb $mirror $release-updates main
deb http://security.debian.org/debian-security $release-security main
SOURCES
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
