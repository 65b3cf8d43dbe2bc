#!/usr/bin/env bash
# Runs `make STAGE` for each stage and prints every stage's wall time at the end (also when one failed), so a slow
# or failing stage is seen at once. Each argument is a lane: its stages run in order and the lane stops at the
# first that fails; lanes run side by side. With several lanes, each output line is prefixed with its stage, every
# stage's output is also kept in $STAGE_LOGS/<stage>.log, and a failed stage's last lines are printed again at the
# end.
#   tools/timed-stages.sh lint sanity unit              three lanes of one stage each
#   tools/timed-stages.sh "lint sanity" "integration"   two lanes
set -uo pipefail

make=${MAKE:-make}
logs=${STAGE_LOGS:-$(mktemp -d "${TMPDIR:-/tmp}/ha_web_stages.XXXXXX")}
mkdir -p "$logs"
lanes=$#

run_lane() {  # <stages...>: one line per stage in $logs/times, "<stage> <seconds> ok|FAILED"
  local stage started status
  for stage in "$@"; do
    started=$(date +%s)
    if [ "$lanes" = 1 ]; then
      "$make" --no-print-directory "$stage" 2>&1 | tee "$logs/$stage.log"
    else
      "$make" --no-print-directory "$stage" 2>&1 | tee "$logs/$stage.log" | sed -u "s/^/[$stage] /"
    fi
    status=${PIPESTATUS[0]}
    echo "$stage $(($(date +%s) - started)) $([ "$status" = 0 ] && echo ok || echo FAILED)" >>"$logs/times"
    [ "$status" = 0 ] || return 1
  done
}

: >"$logs/times"
started=$(date +%s)
pids=()
for lane in "$@"; do
  # shellcheck disable=SC2086 # a lane is a space-separated list of stages
  run_lane $lane &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done

if [ "$lanes" -gt 1 ]; then
  while read -r stage _seconds result; do
    [ "$result" = FAILED ] || continue
    echo
    echo "== $stage FAILED; its last lines (whole output: $logs/$stage.log):"
    tail -n 150 "$logs/$stage.log"
  done <"$logs/times"
fi
echo
echo "Stage times (lanes side by side; wall time in all: $(($(date +%s) - started)) s):"
while read -r stage seconds result; do printf '  %-14s %5d s  %s\n' "$stage" "$seconds" "$result"; done <"$logs/times"
# Last, what failed in each failed stage, in a few lines without colour codes: pytest's summary and error lines (also
# a Molecule verifier's), else Ansible's failed tasks. A CI that keeps only the end of the output keeps these.
while read -r stage _seconds result; do
  [ "$result" = FAILED ] || continue
  echo "What failed in $stage:"
  plain=$(sed 's/\x1b\[[0-9;]*m//g' "$logs/$stage.log")
  found=$(grep -E '(FAILED|ERROR) [^ ]+::|(^|│ +)E +[A-Za-z]*Error' <<<"$plain" | tail -n 20)
  [ -n "$found" ] || found=$(grep -E 'fatal: \[' <<<"$plain" | tail -n 10)
  cut -c1-300 <<<"$found"
done <"$logs/times"
exit $status
