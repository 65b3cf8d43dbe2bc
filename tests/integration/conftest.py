"""Shared by the integration tests: an emulator process per test module, and ansible-playbook against it."""

import os
import pathlib
import shutil
import subprocess
import sys

import pytest
from alicloud_emulator.testing import ACCESS_KEY_ID, ACCESS_KEY_SECRET, EmulatorProcess, sdk_models

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ANSIBLE_PLAYBOOK = str(pathlib.Path(sys.executable).with_name("ansible-playbook"))


DEFAULT_EMULATOR_ARGS = ["--timing", "fast", "--time-scale", "0.5"]


@pytest.fixture(scope="module")
def emulator(request, tmp_path_factory):
    """An emulator for the test module; a module may set EMULATOR_ARGS (e.g. another timing)."""
    arguments = getattr(request.module, "EMULATOR_ARGS", DEFAULT_EMULATOR_ARGS)
    process = EmulatorProcess(state_dir=str(tmp_path_factory.mktemp("emulator")), extra_args=arguments).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def inventory(tmp_path_factory):
    """inventories/local's variables without its ECS inventory source (no hosts): the plays run on the controller."""
    directory = tmp_path_factory.mktemp("inventory") / "local"
    shutil.copytree(ROOT / "inventories" / "local" / "group_vars", directory / "group_vars")
    (directory / "hosts.yml").write_text("all: {}\n")
    return directory


def run_playbook(emulator, playbook, extra_vars, secret=ACCESS_KEY_SECRET, verbosity=(), key_id=ACCESS_KEY_ID):
    env = dict(
        os.environ,
        ALIBABA_CLOUD_ACCESS_KEY_ID=key_id,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=secret,
        ALIBABA_CLOUD_REGION_ID="cn-hangzhou",
        ALIBABA_CLOUD_ENDPOINT_URL=f"http://{emulator.endpoint}",
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_INVENTORY="/dev/null",  # not the default inventories/local: these playbooks run on localhost only
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
    )
    arguments = [f"{k}={v}" for k, v in extra_vars.items()]
    command = [ANSIBLE_PLAYBOOK, str(playbook), *verbosity]
    for argument in arguments:
        command += ["-e", argument]
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=1500, check=False)


def vpc_with_vswitch(emulator, region="cn-hangzhou", zone="cn-hangzhou-j"):
    """A VPC 192.168.0.0/16 with one vSwitch 192.168.1.0/24 in `zone`, made through the SDK: (VPC id, vSwitch id)."""
    vpc, models = emulator.client("vpc"), sdk_models("vpc")
    vpc_id = vpc.create_vpc(models.CreateVpcRequest(region_id=region, cidr_block="192.168.0.0/16")).body.vpc_id
    vswitch_id = vpc.create_vswitch(
        models.CreateVSwitchRequest(region_id=region, vpc_id=vpc_id, zone_id=zone, cidr_block="192.168.1.0/24")
    ).body.v_switch_id
    return vpc_id, vswitch_id
