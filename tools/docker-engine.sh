#!/usr/bin/env bash
# Makes sure a Docker engine answers here: installs Debian's docker.io when there is no dockerd, and starts
# dockerd in the background when none runs. An engine that already answers is left alone.
set -euo pipefail

if docker info >/dev/null 2>&1; then
  exit 0
fi
if ! command -v dockerd >/dev/null 2>&1; then
  echo "installing docker.io (Debian package)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  log=/var/log/ha-web-dockerd.log
  echo "starting dockerd (log: $log)"
  nohup dockerd >"$log" 2>&1 &
  for _ in $(seq 1 120); do
    if docker info >/dev/null 2>&1; then
      exit 0
    fi
    sleep 0.5
  done
  echo "dockerd did not answer within 60 s; see $log" >&2
  tail -20 "$log" >&2 || true
  exit 1
fi
