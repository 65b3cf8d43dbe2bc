#!/usr/bin/env bash
# Builds the local "ECS image" (Debian 12 with systemd, python3, sudo, sshd...) with debootstrap from
# Debian's mirror and imports it into Docker. Cached: the image is tagged with a hash of its recipe (this
# script and images/debian12-ecs.packages) and rebuilt only when the recipe changes.
# Containers from it are run with --stop-signal SIGRTMIN+3 (docker import cannot record a stop signal).
#   tools/build-image.sh            prints the image reference (ha-web/debian12-ecs:<hash>)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
packages_file="$here/images/debian12-ecs.packages"
name=${IMAGE_NAME:-ha-web/debian12-ecs}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
recipe_hash=$(cat "$0" "$packages_file" | sha256sum | cut -c1-12)
reference="$name:$recipe_hash"

if docker image inspect "$reference" >/dev/null 2>&1; then
  echo "$reference"
  exit 0
fi
command -v debootstrap >/dev/null 2>&1 || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
}

root=$(mktemp -d /var/tmp/ha-web-image.XXXXXX)
trap 'rm -rf "$root"' EXIT
include=$(grep -v '^#' "$packages_file" | grep -v '^$' | paste -sd, -)
started=$(date +%s)
debootstrap --variant=minbase --include="$include" bookworm "$root" "$mirror" >"$root.log" 2>&1 || {
  tail -30 "$root.log" >&2
  exit 1
}
rm -f "$root.log"

cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://security.debian.org/debian-security bookworm-security main
SOURCES
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
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin

tar -C "$root" -c . | docker import \
  --change 'CMD ["/sbin/init"]' \
  --change 'ENV container=docker' \
  --message "ha_web.alicloud ECS image, recipe $recipe_hash" \
  - "$reference" >/dev/null
docker tag "$reference" "$name:latest"
echo "built $reference in $(($(date +%s) - started)) s" >&2
echo "$reference"
