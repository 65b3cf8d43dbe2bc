"""A create that meets what another run has just made adopts it (module_utils/conflicts.py), through a module
against the emulator: the other run's mount target is not listed yet (an injected consistency delay), so the
task's look-up misses it and CreateMountTarget answers InvalidMountTarget.AlreadyExisted. The delay is lifted once
that create was refused, so the task's look-up again finds it however long ansible-playbook took to get there (a
fixed delay had to be longer than that, on a loaded machine too, and shorter than that plus the look-up's 10 s)."""

import time
from concurrent.futures import ThreadPoolExecutor

from alicloud_emulator.testing import sdk_models
from conftest import HERE, run_playbook, vpc_with_vswitch

EMULATOR_ARGS = ["--timing", "instant"]
REGION = "cn-hangzhou"
DELAY = 600.0  # the mount target made next stays unlisted until the test lifts the delay


def test_nas_mount_target_adopts_the_mount_target_another_run_just_made(emulator):
    emulator.admin.reset()
    nas, nas_models = emulator.client("nas"), sdk_models("nas")
    vpc_id, vswitch_id = vpc_with_vswitch(emulator, REGION)
    file_system_id = nas.create_file_system(
        nas_models.CreateFileSystemRequest(protocol_type="NFS", storage_type="Capacity", zone_id="cn-hangzhou-j")
    ).body.file_system_id
    emulator.admin.faults(
        consistency_delay=DELAY
    )  # hides what is made from now on: the network and the file system are listed
    their_domain = nas.create_mount_target(
        nas_models.CreateMountTargetRequest(
            file_system_id=file_system_id, network_type="Vpc", vpc_id=vpc_id, v_switch_id=vswitch_id,
            access_group_name="DEFAULT_VPC_GROUP_NAME",
        )
    ).body.mount_target_domain  # fmt: skip
    emulator.admin.reset_requests()
    arguments = {"file_system_id": file_system_id, "v_switch_id": vswitch_id, "their_domain": their_domain}
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(run_playbook, emulator, HERE / "playbooks" / "nas_mount_target_adopt.yml", arguments)
        deadline = time.monotonic() + 300
        while not emulator.admin.requests()["counts"].get("CreateMountTarget") and not running.done():
            assert time.monotonic() < deadline, "the task sent no CreateMountTarget"
            time.sleep(0.1)
        emulator.admin.faults(consistency_delay=0)  # listed from now on
        result = running.result()
    assert result.returncode == 0, result.stdout[-10000:] + result.stderr[-3000:]
    outcomes = emulator.admin.requests()
    assert outcomes["counts"].get("CreateMountTarget") == 1, outcomes  # refused once, then adopted
    assert outcomes["outcomes"]["CreateMountTarget"] == {"error:InvalidMountTarget.AlreadyExisted": 1}, outcomes
    assert len(emulator.admin.state()["mount_target"]) == 1
