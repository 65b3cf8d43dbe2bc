"""No secret in the output of a -vvv run: not the access key secret, not the security token; with the modules inside
the task's worker and as processes of their own (the fallback)."""

import pytest
from conftest import HERE, run_playbook

SECRET = "Pr0be-S3cret-Value-7f3a"
EMULATOR_ARGS = ["--timing", "instant", "--access-key", f"probe-ak:{SECRET}"]


@pytest.mark.parametrize("in_controller", ["true", "false"])
def test_a_verbose_run_never_shows_the_secret(emulator, monkeypatch, in_controller):
    emulator.admin.reset()
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", "T0ken-Pr0be-9d1c")
    monkeypatch.setenv("HA_WEB_ALICLOUD_IN_CONTROLLER", in_controller)
    arguments = {"target": "vpc", "emulator_url": f"http://{emulator.endpoint}"}
    result = run_playbook(
        emulator, HERE / "run_target.yml", arguments, secret=SECRET, verbosity=["-vvv"], key_id="probe-ak"
    )
    assert result.returncode == 0, result.stdout[-5000:]
    output = result.stdout + result.stderr
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in output  # the arguments were printed, masked
    assert ("runs as an ordinary module process" in output) == (in_controller == "false")
    assert SECRET not in output and "T0ken-Pr0be-9d1c" not in output
