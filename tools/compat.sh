#!/usr/bin/env bash
# Runs the collection's checks on older ansible-core releases that meta/runtime.yml's requires_ansible admits:
# for each version, `make sanity` with that version's ansible-test, the unit tests, and the vpc integration
# target against the emulator, each from a venv of its own under .venv-compat/<version>.
# A venv is made once per version and install input (the pinned requirements, the emulator's pyproject).
#   tools/compat.sh 2.17.14 2.18.19     prints each stage's result and time, then one line per version;
#                                       exits non-zero when a stage failed on any version
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here" || exit 1
python=${PYTHON:-python3}
# The integration subset: one target that covers the module base, argument checks, check mode with its diff, a
# waiter and idempotence (call counts); one, not two: on a slow 2-core machine make test's time is its CPU.
targets=(tests/integration/test_targets.py::test_target[vpc])
# Every runtime pin but ansible-core's, and the test runner's.
mapfile -t pins < <(grep -E '^[A-Za-z]' requirements/runtime.txt | grep -v '^ansible-core==')
mapfile -t runners < <(grep -E '^pytest(-timeout)?==' requirements/dev.txt)
inputs_hash=$(printf '%s\n' "${pins[@]}" "${runners[@]}" | cat - emulator/pyproject.toml | sha256sum | cut -c1-12)

prepare_venv() {  # <version> <venv>: ansible-core at that version, the other runtime pins, pytest, the emulator
  local version=$1 venv=$2
  [ -f "$venv/.installed-$inputs_hash" ] && return 0
  rm -rf "$venv" && "$python" -m venv "$venv" || return 1
  "$venv/bin/python" -m pip install --quiet --upgrade pip &&
    "$venv/bin/python" -m pip install --quiet "ansible-core==$version" "${pins[@]}" "${runners[@]}" -e emulator &&
    touch "$venv/.installed-$inputs_hash"
}

stage() {  # <label> <command...>: runs it, appends "label ok|FAILED <seconds>s" to $line
  local label=$1 start=$SECONDS
  shift
  echo "== ansible-core $version: $label"
  if "$@"; then line+=" $label ok $((SECONDS - start))s"; else line+=" $label FAILED $((SECONDS - start))s"; failed=1; fi
}

summary=() failed=0
for version in "$@"; do
  venv="$here/.venv-compat/$version"
  start=$SECONDS
  echo "== ansible-core $version: venv"
  if ! prepare_venv "$version" "$venv"; then
    summary+=("ansible-core $version: venv FAILED") failed=1
    continue
  fi
  line=" venv $((SECONDS - start))s"
  stage sanity make --no-print-directory sanity SANITY_VENV="$venv" \
    SANITY_ROOT="${TMPDIR:-/tmp}/ha_web_alicloud_sanity_${here##*/}_$version"
  stage unit "$venv/bin/pytest" -q -p no:cacheprovider tests/unit
  stage integration "$venv/bin/pytest" -q -p no:cacheprovider "${targets[@]}"
  summary+=("ansible-core $version:$line, total $((SECONDS - start))s")
done
echo
printf '%s\n' "${summary[@]}"
exit $failed
