#!/usr/bin/env bash
# Builds the local "ECS image" of a Debian release (systemd, python3, sudo, sshd...: a cloud image's packages) with
# debootstrap from Debian's mirror (tools/debootstrap-root.sh) and imports it into Docker. Cached: the image is
# tagged with a hash of its recipe (this script, tools/debootstrap-root.sh and images/debian<N>-ecs.packages, the
# release's package list: names differ between releases) and rebuilt only when the recipe changes.
# The image carries the label ha-web.os=debian_<N>: the emulator's Docker runtime runs an instance from the image of
# its ImageId's release. Containers from it are run with --stop-signal SIGRTMIN+3 (docker import cannot record one).
#   tools/build-image.sh [RELEASE]     RELEASE: trixie or 13 (the default), bookworm or 12;
#                                      prints the image reference (ha-web/debian<N>-ecs:<hash>)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
case "${1:-trixie}" in
  trixie | 13 | debian13 | debian_13) release=trixie version=13 ;;
  bookworm | 12 | debian12 | debian_12) release=bookworm version=12 ;;
  *)
    echo "$0: unknown release '$1': give trixie (or 13, the default) or bookworm (or 12)" >&2
    exit 2
    ;;
esac
packages_file="$here/images/debian$version-ecs.packages"
name=${IMAGE_NAME:-ha-web/debian$version-ecs}
recipe_hash=$(cat "$0" "$here/tools/debootstrap-root.sh" "$packages_file" | sha256sum | cut -c1-12)
reference="$name:$recipe_hash"

if docker image inspect "$reference" >/dev/null 2>&1; then
  echo "$reference"
  exit 0
fi

root=$(mktemp -d /var/tmp/ha-web-image.XXXXXX)
trap 'rm -rf "$root" "$root.log"' EXIT
started=$(date +%s)
"$here/tools/debootstrap-root.sh" "$release" "$packages_file" "$root"

# Units that manage hardware or consoles a container does not have.
for unit in systemd-udevd.service systemd-udevd-kernel.socket systemd-udevd-control.socket \
  getty@tty1.service console-getty.service systemd-remount-fs.service sys-kernel-debug.mount \
  systemd-firstboot.service systemd-networkd-wait-online.service; do
  ln -sf /dev/null "$root/etc/systemd/system/$unit"
done
# As a cloud image: no machine id baked in, a placeholder hostname, root reached by key only.
: >"$root/etc/machine-id"
echo localhost >"$root/etc/hostname"
sed -i 's/^#\?PermitRootLogin.*/PermitRootLogin prohibit-password/' "$root/etc/ssh/sshd_config"
rm -f "$root"/etc/ssh/ssh_host_*
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
cat >"$root/etc/systemd/system/ssh-host-keys.service" <<'UNIT'
[Unit]
Description=Generate SSH host keys on first boot
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A

[Install]
WantedBy=multi-user.target
UNIT
ln -sf ../ssh-host-keys.service "$root/etc/systemd/system/multi-user.target.wants/ssh-host-keys.service"

tar -C "$root" -c . | docker import \
  --change 'CMD ["/sbin/init"]' \
  --change 'ENV container=docker' \
  --change "LABEL ha-web.os=debian_$version" \
  --message "ha_web.alicloud ECS image (Debian $version, $release), recipe $recipe_hash" \
  - "$reference" >/dev/null
docker tag "$reference" "$name:latest"
echo "built $reference in $(($(date +%s) - started)) s" >&2
echo "$reference"
