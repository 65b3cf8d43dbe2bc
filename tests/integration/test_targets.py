"""Runs every integration target (tests/integration/targets/<name>) against a fresh emulator."""

import pytest
from conftest import HERE, run_playbook

TARGETS = sorted(p.name for p in (HERE / "targets").iterdir() if (p / "tasks" / "main.yml").exists())


@pytest.mark.parametrize("target", TARGETS)
def test_target(emulator, target):
    emulator.admin.reset()
    result = run_playbook(
        emulator, HERE / "run_target.yml", {"target": target, "emulator_url": f"http://{emulator.endpoint}"}
    )
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
