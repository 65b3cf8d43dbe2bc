"""ecs_instance state=absent while the instance is being released: no second DeleteInstance.

The cloud keeps a released instance visible for a while, locked (OperationLocks); the emulator refuses a second
release meanwhile, as the harsher guess of what the cloud does."""

import pytest
from alicloud_emulator.faults import Faults
from alicloud_emulator.testing import InProcessEmulator, sdk_models
from alicloud_emulator.timing import Timing
from conftest import HERE, run_playbook, vpc_with_vswitch

REGION = "cn-hangzhou"
NAME = "it-release-again"


@pytest.fixture
def emulator(tmp_path):
    server = InProcessEmulator(state_dir=str(tmp_path / "emulator"), timing=Timing("instant"), faults=Faults())
    yield server
    server.close()


def running_instance(emulator):
    """A Running instance (made at once with the `instant` timing); returns (instance id, VPC id)."""
    ecs, ecs_models = emulator.client("ecs"), sdk_models("ecs")
    vpc_id, vswitch_id = vpc_with_vswitch(emulator, REGION)
    group_id = ecs.create_security_group(
        ecs_models.CreateSecurityGroupRequest(region_id=REGION, vpc_id=vpc_id, security_group_name="web")
    ).body.security_group_id
    image_id = ecs.describe_images(ecs_models.DescribeImagesRequest(region_id=REGION)).body.images.image[0].image_id
    instance_id = (
        ecs.run_instances(
            ecs_models.RunInstancesRequest(
                region_id=REGION, image_id=image_id, instance_type="ecs.g7.large", v_switch_id=vswitch_id,
                security_group_id=group_id, instance_name=NAME,
            )
        )
        .body.instance_id_sets.instance_id_set[0]
    )  # fmt: skip
    return instance_id, vpc_id


def test_absent_again_while_being_released_sends_no_second_delete(emulator):
    instance_id, vpc_id = running_instance(emulator)
    emulator.emulator.timing = Timing("realistic", scale=6)  # the release takes 30 s: the run is inside it
    emulator.admin.reset_requests()
    arguments = {"instance_id": instance_id, "instance_name": NAME, "vpc_id": vpc_id}
    result = run_playbook(emulator, HERE / "playbooks" / "ecs_instance_release_again.yml", arguments)
    assert result.returncode == 0, result.stdout[-10000:] + result.stderr[-3000:]
    assert emulator.admin.requests()["counts"].get("DeleteInstance") == 1
    ecs, ecs_models = emulator.client("ecs"), sdk_models("ecs")
    body = ecs.describe_instances(ecs_models.DescribeInstancesRequest(region_id=REGION)).body
    [instance] = body.instances.instance
    assert [lock.lock_reason for lock in instance.operation_locks.lock_reason] == ["Recycling"]  # still releasing
