#!/usr/bin/env bash
# Runs `make STAGE` for each stage in order, stops at the first that fails, and prints every stage's wall time at
# the end (also when one failed), so a slow or failing stage is seen at once.
#   tools/timed-stages.sh lint sanity unit
set -uo pipefail

make=${MAKE:-make}
times=()
status=0
for stage in "$@"; do
  started=$(date +%s)
  "$make" --no-print-directory "$stage"
  status=$?
  times+=("$(printf '%-14s %5d s  %s' "$stage" $(($(date +%s) - started)) "$([ $status = 0 ] && echo ok || echo FAILED)")")
  [ $status = 0 ] || break
done
echo
echo "Stage times:"
printf '  %s\n' "${times[@]}"
exit $status
