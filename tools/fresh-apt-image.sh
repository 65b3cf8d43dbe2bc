#!/usr/bin/env bash
# Prints an image derived from the local ECS image (tools/build-image.sh) whose apt state is the one a freshly
# built image has: no package lists, and the lists directory stamped with the current time. Hosts started from it
# are what a fresh machine meets within the hour after its image was built (apt's cache_valid_time takes that
# stamp for a fresh cache). The tests configure hosts from it, so that green tests mean a fresh machine passes too.
# Made anew on every call (about a second), tagged <image>-fresh-apt.
#   tools/fresh-apt-image.sh [RELEASE|IMAGE]   prints the derived image's reference; RELEASE (trixie or 13, the
#                                              default; bookworm or 12) is built by tools/build-image.sh if needed
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
case "${1:-}" in
  *:* | */*) base=$1 ;;                              # an image reference
  *) base=$("$here/tools/build-image.sh" "$@") ;; # a release, or none: the default one
esac
reference="$base-fresh-apt"
docker image rm "$reference" >/dev/null 2>&1 || true  # the previous one, unless a container still uses it
container=$(docker run --detach --network none "$base" /bin/sh -c \
  'rm -rf /var/lib/apt/lists/* /var/lib/apt/periodic/update-success-stamp && touch /var/lib/apt/lists')
trap 'docker rm --force "$container" >/dev/null 2>&1' EXIT
[ "$(docker wait "$container")" = 0 ] || {
  docker logs "$container" >&2
  exit 1
}
docker commit --change 'CMD ["/sbin/init"]' "$container" "$reference" >/dev/null
echo "$reference"
