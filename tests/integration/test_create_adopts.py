"""A create that meets what another run has just made adopts it (module_utils/conflicts.py), through a module
against the emulator: the other run's mount target is not listed yet (an injected consistency delay), so the
task's look-up misses it and CreateMountTarget answers InvalidMountTarget.AlreadyExisted."""

import time

from alicloud_emulator.testing import sdk_models
from conftest import HERE, run_playbook, vpc_with_vswitch

EMULATOR_ARGS = ["--timing", "instant"]
REGION = "cn-hangzhou"
DELAY = 30.0  # longer than ansible-playbook takes to reach the look-up, also under load (8 s was not, in CI)


def test_nas_mount_target_adopts_the_mount_target_another_run_just_made(emulator):
    emulator.admin.reset()
    nas, nas_models = emulator.client("nas"), sdk_models("nas")
    vpc_id, vswitch_id = vpc_with_vswitch(emulator, REGION)
    file_system_id = nas.create_file_system(
        nas_models.CreateFileSystemRequest(protocol_type="NFS", storage_type="Capacity", zone_id="cn-hangzhou-j")
    ).body.file_system_id
    emulator.admin.faults(consistency_delay=DELAY)  # everything is listed DELAY seconds after it was made
    time.sleep(DELAY)  # the network and the file system are listed by now; the mount target made next is not
    their_domain = nas.create_mount_target(
        nas_models.CreateMountTargetRequest(
            file_system_id=file_system_id, network_type="Vpc", vpc_id=vpc_id, v_switch_id=vswitch_id,
            access_group_name="DEFAULT_VPC_GROUP_NAME",
        )
    ).body.mount_target_domain  # fmt: skip
    emulator.admin.reset_requests()
    arguments = {"file_system_id": file_system_id, "v_switch_id": vswitch_id, "their_domain": their_domain}
    result = run_playbook(emulator, HERE / "playbooks" / "nas_mount_target_adopt.yml", arguments)
    assert result.returncode == 0, result.stdout[-10000:] + result.stderr[-3000:]
    outcomes = emulator.admin.requests()
    assert outcomes["counts"].get("CreateMountTarget") == 1, outcomes  # refused once, then adopted
    assert len(emulator.admin.state()["mount_target"]) == 1
