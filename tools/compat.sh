#!/usr/bin/env bash
# Runs the collection's checks on the newer ansible-core releases that meta/runtime.yml's requires_ansible admits
# beside requirements/runtime.txt's, which need Python 3.12 or later: in the Debian 13 root file system of
# tools/build-controller-root.sh (Python 3.13), used as a chroot. For each version: `make sanity` with that
# version's ansible-test, the unit tests, and an integration subset against the emulator, each from a venv of its
# own under .venv-compat/<version>-py3.13 (made in the root, once per version and install input: the root, the
# pinned requirements, the emulator's pyproject).
# The root is entered in a mount namespace of this run's own (unshare): this checkout is bind-mounted at the same
# path inside, with /proc, /dev, /sys, /etc/resolv.conf and the certificate bundle (pip reaches PyPI), and a /tmp of the run's own. Nothing is
# mounted outside the namespace, so runs from two checkouts never meet; the mounts are undone at exit, also on failure.
#   tools/compat.sh 2.20.10 2.21.5      prints each stage's result and time, then one line per version;
#                                       exits non-zero when a stage failed on any version
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here" || exit 1

if [ -z "${HA_WEB_COMPAT_ROOT:-}" ]; then  # outside: build (or find) the root, then run again in a namespace
  root=$(tools/build-controller-root.sh) || exit 1
  HA_WEB_COMPAT_ROOT=$root exec unshare --mount --propagation private -- "$here/tools/compat.sh" "$@"
fi

root=$HA_WEB_COMPAT_ROOT
python_version=3.13
certificates=/etc/ssl/certs/ca-certificates.crt
run_tmp=$(mktemp -d /var/tmp/ha-web-compat.XXXXXX)
trap 'umount -R -l "$root$here" "$root/proc" "$root/dev" "$root/sys" "$root/tmp" "$root/etc/resolv.conf" "$root$certificates" 2>/dev/null; rm -rf "$run_tmp"' EXIT
mount_all() {
  mount --make-rprivate / || return 1
  mkdir -p "$root$here" && mount --bind "$here" "$root$here" || return 1
  mount -t proc proc "$root/proc" || return 1
  mount --rbind /dev "$root/dev" || return 1
  mount -t sysfs -o ro sysfs "$root/sys" || return 1
  mount --bind "$run_tmp" "$root/tmp" || return 1
  if [ ! -f "$root/etc/resolv.conf" ]; then : >"$root/etc/resolv.conf"; fi
  mount --bind /etc/resolv.conf "$root/etc/resolv.conf" || return 1
  # This machine's certificate authorities (pip verifies PyPI with them: PIP_CERT), read-only.
  mount --bind -o ro "$certificates" "$root$certificates"
}
mount_all || {
  echo "could not mount the checkout and the system directories in $root" >&2
  exit 1
}

in_root() {  # <command...>: runs it in the root, in this checkout, with the root's PATH and a HOME of its own
  chroot "$root" /usr/bin/env -C "$here" PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/root TMPDIR=/tmp "$@"
}

# The integration subset: one target that covers the module base, argument checks, check mode with its diff, a
# waiter and idempotence (call counts); and the modules run in the task's worker compared field by field with
# their ordinary module processes (what differs most between ansible-core releases is how a result is parsed).
targets=(tests/integration/test_targets.py::test_target[vpc] tests/integration/test_both_paths.py)
# Every runtime pin but ansible-core's, and the test runner's.
mapfile -t pins < <(grep -E '^[A-Za-z]' requirements/runtime.txt | grep -v '^ansible-core==')
mapfile -t runners < <(grep -E '^pytest(-timeout)?==' requirements/dev.txt)
inputs_hash=$(printf '%s\n' "$root" "${pins[@]}" "${runners[@]}" | cat - emulator/pyproject.toml | sha256sum | cut -c1-12)

prepare_venv() {  # <version> <venv>: ansible-core at that version, the other runtime pins, pytest, the emulator
  local version=$1 venv=$2
  [ -f "$venv/.installed-$inputs_hash" ] && return 0
  rm -rf "$venv" && in_root python3 -m venv "$venv" || return 1
  in_root "$venv/bin/python" -m pip install --quiet --upgrade pip &&
    in_root "$venv/bin/python" -m pip install --quiet "ansible-core==$version" "${pins[@]}" "${runners[@]}" -e emulator &&
    touch "$venv/.installed-$inputs_hash"
}

stage() {  # <label> <command...>: runs it, appends "label ok|FAILED <seconds>s" to $line
  local label=$1 start=$SECONDS
  shift
  echo "== ansible-core $version (Python $python_version): $label"
  if "$@"; then line+=" $label ok $((SECONDS - start))s"; else line+=" $label FAILED $((SECONDS - start))s"; failed=1; fi
}

summary=() failed=0
for version in "$@"; do
  venv="$here/.venv-compat/$version-py$python_version"
  start=$SECONDS
  echo "== ansible-core $version (Python $python_version): venv"
  if ! prepare_venv "$version" "$venv"; then
    summary+=("ansible-core $version (Python $python_version): venv FAILED") failed=1
    continue
  fi
  line=" venv $((SECONDS - start))s"
  # -o setup: this checkout's .venv is made outside the root (`make compat` depends on setup), never in it.
  stage sanity in_root make --no-print-directory -o setup sanity SANITY_VENV="$venv" SANITY_PYTHON="$python_version" \
    SANITY_ROOT="/tmp/ha_web_alicloud_sanity_$version"
  stage unit in_root "$venv/bin/pytest" -q -p no:cacheprovider tests/unit
  stage integration in_root "$venv/bin/pytest" -q -p no:cacheprovider "${targets[@]}"
  summary+=("ansible-core $version (Python $python_version):$line, total $((SECONDS - start))s")
done
echo
printf '%s\n' "${summary[@]}"
exit $failed
