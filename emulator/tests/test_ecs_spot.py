"""Spot interruptions without a data plane: POST /_emulator/runtime/ecs/<id>/interrupt, the Recycling lock, the
release or stop at the end of the notice, and RunInstances' SpotInterruptionBehavior and metadata options."""

import json
import shutil
import time
import urllib.error

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from alicloud_emulator.app import Emulator
from alicloud_emulator.testing import sdk_models
from alicloud_emulator.timing import Timing

REGION = "cn-hangzhou"
DEBIAN = "debian_12_9_x64_20G_alibase_20250117.vhd"


@pytest.fixture
def ecs(emulator):
    return emulator.client("ecs")


@pytest.fixture
def m():
    return sdk_models("ecs")


@pytest.fixture
def run(ecs, m, network):
    group = ecs.create_security_group(
        m.CreateSecurityGroupRequest(region_id=REGION, vpc_id=network["vpc_id"], security_group_name="web")
    ).body.security_group_id

    def run_instance(**kwargs):
        request = m.RunInstancesRequest(
            region_id=REGION,
            image_id=DEBIAN,
            instance_type="ecs.g7.large",
            v_switch_id=network["vswitch_ids"][0],
            security_group_id=group,
            **kwargs,
        )
        return ecs.run_instances(request).body.instance_id_sets.instance_id_set[0]

    return run_instance


def _describe(ecs, m, instance_id):
    request = m.DescribeInstancesRequest(region_id=REGION, instance_ids=json.dumps([instance_id]))
    found = ecs.describe_instances(request).body.instances.instance
    return found[0] if found else None


def _locks(instance):
    return [lock.lock_reason for lock in instance.operation_locks.lock_reason]


def _interrupt(emulator, instance_id, **body):
    return emulator.admin.call("POST", f"/runtime/ecs/{instance_id}/interrupt", body)


def _refused(emulator, instance_id, **body):
    with pytest.raises(urllib.error.HTTPError) as refused:
        _interrupt(emulator, instance_id, **body)
    return refused.value.code, json.load(refused.value)["error"]


def _slow_down(emulator):
    """A notice long enough to look at: 1 s of `realistic` time per notice second."""
    emulator.emulator.timing = Timing("realistic")


def test_a_spot_instance_is_locked_through_the_notice_then_released(emulator, ecs, m, run):
    instance_id = run(spot_strategy="SpotAsPriceGo")
    assert _describe(ecs, m, instance_id).spot_interruption_behavior == "Terminate"
    _slow_down(emulator)
    answer = _interrupt(emulator, instance_id, notice_seconds=1)
    assert answer["behavior"] == "Terminate"
    assert answer["ends_in"] == 1.0
    during = _describe(ecs, m, instance_id)
    assert _locks(during) == ["Recycling"]
    assert during.status == "Running"
    with pytest.raises(ClientException, match="IncorrectInstanceStatus"):
        ecs.stop_instance(m.StopInstanceRequest(instance_id=instance_id))
    with pytest.raises(ClientException, match="IncorrectInstanceStatus"):
        ecs.delete_instance(m.DeleteInstanceRequest(instance_id=instance_id, force=True))
    time.sleep(1.3)  # no request meanwhile: the end comes by itself
    state = emulator.admin.state()["instance"]
    assert instance_id not in state or state[instance_id]["Status"] == "Stopping"
    emulator.emulator.timing = Timing("instant")
    deadline = time.monotonic() + 10
    while _describe(ecs, m, instance_id) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _describe(ecs, m, instance_id) is None


def test_stop_behaviour_stops_the_instance_in_economical_mode_and_it_can_start_again(emulator, ecs, m, run):
    instance_id = run(spot_strategy="SpotAsPriceGo", spot_interruption_behavior="Stop")
    assert _describe(ecs, m, instance_id).spot_interruption_behavior == "Stop"
    _slow_down(emulator)
    _interrupt(emulator, instance_id, notice_seconds=0.5)
    assert _locks(_describe(ecs, m, instance_id)) == ["Recycling"]
    emulator.emulator.timing = Timing("instant")  # the stop itself, once the notice is over
    deadline = time.monotonic() + 10
    while _describe(ecs, m, instance_id).status != "Stopped" and time.monotonic() < deadline:
        time.sleep(0.1)
    stopped = _describe(ecs, m, instance_id)
    assert (stopped.status, stopped.stopped_mode, _locks(stopped)) == ("Stopped", "StopCharging", [])
    ecs.start_instance(m.StartInstanceRequest(instance_id=instance_id))
    assert _describe(ecs, m, instance_id).status == "Running"


def test_the_notice_is_scaled_by_the_timing_profile(emulator, run):
    instance_id = run(spot_strategy="SpotWithPriceLimit", spot_price_limit=0.5)
    emulator.emulator.timing = Timing("fast", 0.5)
    assert _interrupt(emulator, instance_id, notice_seconds=300)["ends_in"] == 15.0


def test_only_a_spot_instance_can_be_interrupted(emulator, run):
    instance_id = run()
    status, error = _refused(emulator, instance_id, notice_seconds=300)
    assert status == 409
    assert "not a spot instance" in error


def test_an_unknown_instance_is_404_and_a_bad_notice_400(emulator, run):
    assert _refused(emulator, "i-doesnotexist000000", notice_seconds=300)[0] == 404
    instance_id = run(spot_strategy="SpotAsPriceGo")
    for notice in (-1, "300", True, 3601):
        assert _refused(emulator, instance_id, notice_seconds=notice)[0] == 400


def test_a_second_interruption_is_refused(emulator, run):
    instance_id = run(spot_strategy="SpotAsPriceGo")
    _slow_down(emulator)
    _interrupt(emulator, instance_id, notice_seconds=300)
    refused = _refused(emulator, instance_id, notice_seconds=300)
    assert refused == (409, f"instance {instance_id} is interrupted already")


def test_a_notice_survives_an_emulator_restart(emulator, run, tmp_path):
    instance_id = run(spot_strategy="SpotAsPriceGo")
    _slow_down(emulator)
    _interrupt(emulator, instance_id, notice_seconds=0.5)
    shutil.copy(emulator.emulator.store.path, tmp_path / "state.json")
    again = Emulator(state_dir=str(tmp_path), timing=Timing("realistic"))  # arms the saved notice
    try:
        assert again.store.get("instance", instance_id)["_interruption_ends_at"] is not None
        deadline = time.monotonic() + 5
        while again.store.get("instance", instance_id)["_interruption_ends_at"] is not None:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert again.store.get("instance", instance_id)["_deleting"]
    finally:
        again.close()


def test_run_instances_checks_the_spot_behaviour_and_metadata_options(run, ecs, m):
    with pytest.raises(ClientException, match="InvalidSpotInterruptionBehavior"):
        run(spot_strategy="SpotAsPriceGo", spot_interruption_behavior="Hibernate")
    with pytest.raises(ClientException, match="InvalidSpotInterruptionBehavior"):
        run(spot_interruption_behavior="Stop")  # not a spot instance
    with pytest.raises(ClientException, match=r"InvalidHttpTokens\.NotSupported"):
        run(http_tokens="always")
    with pytest.raises(ClientException, match=r"InvalidHttpEndpoint\.NotSupported"):
        run(http_endpoint="on")
    hardened = _describe(ecs, m, run(http_tokens="required"))
    assert (hardened.metadata_options.http_tokens, hardened.metadata_options.http_endpoint) == ("required", "enabled")
    assert _describe(ecs, m, run()).metadata_options.http_tokens == "optional"


def test_modify_instance_metadata_options(run, ecs, m):
    instance_id = run()

    def modify(**options):
        request = m.ModifyInstanceMetadataOptionsRequest(region_id=REGION, instance_id=instance_id, **options)
        ecs.modify_instance_metadata_options(request)
        return _describe(ecs, m, instance_id).metadata_options

    assert modify(http_tokens="required").http_tokens == "required"
    changed = modify(http_endpoint="disabled")
    assert (changed.http_endpoint, changed.http_tokens) == ("disabled", "required")
    with pytest.raises(ClientException, match=r"InvalidHttpTokens\.NotSupported"):
        modify(http_tokens="sometimes")
    with pytest.raises(ClientException, match=r"InvalidInstanceId\.NotFound"):
        ecs.modify_instance_metadata_options(
            m.ModifyInstanceMetadataOptionsRequest(region_id=REGION, instance_id="i-doesnotexist000000")
        )
