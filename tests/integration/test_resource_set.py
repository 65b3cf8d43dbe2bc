"""The whole resource set under injected faults: it converges, with no failure and no duplicate resource."""

import json

import pytest
from conftest import HERE, run_playbook
from site_resources import SITE_RESOURCES, resource_counts

PLAYBOOK = HERE / "playbooks" / "resource_set.yml"


def converge(emulator, **extra):
    result = run_playbook(emulator, PLAYBOOK, {"prefix": "rs", **extra})
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-3000:]
    return result


# One fault sequence: provision.yml makes the same set under another (test_site_provision.py), and the full stack
# builds its site under a third; more seeds here cost CI minutes for little (each run meets ~30 faults).
@pytest.mark.parametrize("seed", [1])
def test_converges_under_faults_without_duplicates(emulator, seed):
    emulator.admin.reset()
    emulator.admin.faults(throttle_rate=0.3, error_rate=0.1, lost_rate=0.1, scope="mutating", seed=seed)
    converge(emulator)
    outcomes = emulator.admin.requests()["outcomes"]
    faults_met = sum(n for per_action in outcomes.values() for o, n in per_action.items() if o != "ok")
    assert faults_met > 10, json.dumps(outcomes)
    counts = resource_counts(emulator.admin.state())
    for kind, expected in SITE_RESOURCES.items():
        assert counts.get(kind, 0) == expected, (kind, counts)
    assert counts["access_group"] == 1 and counts["access_rule"] == 1

    emulator.admin.faults(throttle_rate=0.0, error_rate=0.0, lost_rate=0.0)
    emulator.admin.reset_requests()
    converge(emulator)
    assert emulator.admin.requests()["mutating"] == 0

    emulator.admin.faults(throttle_rate=0.3, error_rate=0.1, lost_rate=0.1, scope="mutating", seed=seed + 100)
    converge(emulator, resource_state="absent")
    counts = resource_counts(emulator.admin.state())
    assert {kind: n for kind, n in counts.items() if n} == {}, counts
