#!/usr/bin/env bash
# Debian packages the project needs on the machine itself, installed only when missing:
# Lint: shellcheck. Emulator: haproxy (the emulator's load balancers), bindfs (NAS shares), debootstrap (the ECS image).
set -euo pipefail

missing=()
for package in shellcheck haproxy bindfs debootstrap; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The Debian haproxy package may start its own service; the emulator runs its own HAProxy instead.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet haproxy 2>/dev/null; then
  systemctl disable --now haproxy >/dev/null 2>&1 || true
fi
