"""The `alicloud-emulator` command: start-up, persistence across a restart, the request log, start/stop."""

import json
import os
import subprocess
import sys
import time

from alicloud_emulator.testing import EmulatorProcess, free_port, sdk_models

REGION = "cn-hangzhou"


def _vpcs(process):
    m = sdk_models("vpc")
    body = process.client("vpc").describe_vpcs(m.DescribeVpcsRequest(region_id=REGION)).body
    return {v.vpc_id: v.status for v in body.vpcs.vpc}


def test_state_survives_a_restart_and_transitions_go_on(tmp_path):
    state_dir = str(tmp_path / "state")
    args = ["--timing", "realistic", "--time-scale", "0.5"]  # VPC Pending for 1.5 s
    first = EmulatorProcess(state_dir=state_dir, extra_args=args).start()
    try:
        m = sdk_models("vpc")
        vpc_id = (
            first.client("vpc").create_vpc(m.CreateVpcRequest(region_id=REGION, cidr_block="10.0.0.0/16")).body.vpc_id
        )
        assert _vpcs(first) == {vpc_id: "Pending"}
    finally:
        first.stop()
    second = EmulatorProcess(state_dir=state_dir, port=first.port, extra_args=args).start()
    try:
        assert _vpcs(second) in ({vpc_id: "Pending"}, {vpc_id: "Available"})
        time.sleep(1.6)
        assert _vpcs(second) == {vpc_id: "Available"}
    finally:
        second.stop()
    with open(os.path.join(state_dir, "requests.log"), encoding="utf-8") as log:
        lines = [json.loads(line) for line in log]
    assert [entry["action"] for entry in lines] == ["CreateVpc", "DescribeVpcs", "DescribeVpcs", "DescribeVpcs"]
    assert lines[0]["mutating"] is True and lines[0]["status"] == 200 and lines[0]["product"] == "Vpc"


def test_custom_access_keys_from_the_command_line(tmp_path):
    process = EmulatorProcess(state_dir=str(tmp_path), extra_args=["--access-key", "ops:s3cret"]).start()
    try:
        m = sdk_models("vpc")
        client = process.client("vpc", key_id="ops", secret="s3cret")
        assert client.describe_vpcs(m.DescribeVpcsRequest(region_id=REGION)).body.total_count == 0
    finally:
        process.stop()


def test_start_status_stop_in_the_background(tmp_path):
    state_dir = str(tmp_path)
    port = str(free_port())
    command = [sys.executable, "-m", "alicloud_emulator"]
    started = subprocess.run(
        [*command, "start", "--port", port, "--state-dir", state_dir], capture_output=True, text=True
    )
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        again = subprocess.run(
            [*command, "start", "--port", port, "--state-dir", state_dir], capture_output=True, text=True
        )
        assert again.returncode == 0 and "already running" in again.stdout
        status = subprocess.run([*command, "status", "--state-dir", state_dir], capture_output=True, text=True)
        assert status.returncode == 0 and '"status": "ok"' in status.stdout
    finally:
        stopped = subprocess.run([*command, "stop", "--state-dir", state_dir], capture_output=True, text=True)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    status = subprocess.run([*command, "status", "--state-dir", state_dir], capture_output=True, text=True)
    assert status.returncode == 3


def test_bad_command_line_is_refused_clearly():
    result = subprocess.run(
        [sys.executable, "-m", "alicloud_emulator", "serve", "--timing", "sluggish"], capture_output=True, text=True
    )
    assert result.returncode == 2 and "--timing" in result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "alicloud_emulator", "serve", "--access-key", "no-secret"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "ID:SECRET" in result.stderr


def test_a_state_saved_by_another_version_is_refused_with_how_to_start_afresh(tmp_path):
    (tmp_path / "state.json").write_text(json.dumps({"resources": {}, "tokens": {}}))  # no format: the first one
    result = subprocess.run(
        [sys.executable, "-m", "alicloud_emulator", "serve", "--port", str(free_port()), "--state-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "state format 1" in result.stderr and f"alicloud-emulator down --state-dir {tmp_path}" in result.stderr
    assert "Traceback" not in result.stderr
