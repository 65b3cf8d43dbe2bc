#!/usr/bin/env bash
# Builds the Debian 13 (trixie) root file system that `make compat` uses as a chroot (Python 3.13, for the
# ansible-core releases that need 3.12 or later), with debootstrap from Debian's mirror. Cached: it is kept at
# /var/cache/ha-web/controller-trixie-<hash> (the hash of this script, tools/debootstrap-root.sh and
# images/controller-trixie.packages) and rebuilt only when that recipe changes. Built in a temporary directory and
# renamed when complete, so a build that fails or is interrupted never leaves a root that looks ready.
#   tools/build-controller-root.sh     prints the root's path
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
packages_file="$here/images/controller-trixie.packages"
cache=${CONTROLLER_ROOT_CACHE:-/var/cache/ha-web}
recipe_hash=$(cat "$0" "$here/tools/debootstrap-root.sh" "$packages_file" | sha256sum | cut -c1-12)
root="$cache/controller-trixie-$recipe_hash"

if [ -x "$root/usr/bin/python3" ]; then
  echo "$root"
  exit 0
fi
mkdir -p "$cache"
building=$(mktemp -d "$cache/.controller-trixie-$recipe_hash.XXXXXX")
trap 'rm -rf "$building" "$building.log"' EXIT
started=$(date +%s)
"$here/tools/debootstrap-root.sh" trixie "$packages_file" "$building"
# Another build of the same recipe may have finished first: keep that one.
if ! mv -T "$building" "$root" 2>/dev/null; then
  [ -x "$root/usr/bin/python3" ] || { echo "could not move the new root to $root" >&2; exit 1; }
fi
echo "built $root in $(($(date +%s) - started)) s" >&2
echo "$root"
