"""ECS instances through the real SDK client: RunInstances, the state machine, Describe*, batch actions, attributes."""

import base64
import json
import re
import time

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from alicloud_emulator.runtime import NullRuntime
from alicloud_emulator.testing import sdk_models
from alicloud_emulator.timing import Timing

REGION = "cn-hangzhou"
DEBIAN = "debian_12_9_x64_20G_alibase_20250117.vhd"
UBUNTU = "ubuntu_22_04_x64_20G_alibase_20250113.vhd"
G7 = "ecs.g7.large"  # 2 vCPUs, 8 GiB in the catalog
ED25519_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFbqr6fkinQJ8ahVFiIJtNOR018jwLeL7MapdDKNfohe root@vm"
MINUTES = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\dZ$")


@pytest.fixture
def ecs(emulator):
    return emulator.client("ecs")


@pytest.fixture
def m():
    return sdk_models("ecs")


def _create_group(ecs, m, vpc_id, name="web"):
    request = m.CreateSecurityGroupRequest(region_id=REGION, vpc_id=vpc_id, security_group_name=name)
    return ecs.create_security_group(request).body.security_group_id


@pytest.fixture
def group(ecs, m, network):
    return _create_group(ecs, m, network["vpc_id"])


@pytest.fixture
def vsw(network):
    return network["vswitch_ids"][0]  # 192.168.1.0/24 in cn-hangzhou-j


def _run(ecs, m, vswitch_id, group_id, **kwargs):
    request = m.RunInstancesRequest(
        region_id=REGION,
        image_id=kwargs.pop("image_id", DEBIAN),
        instance_type=kwargs.pop("instance_type", G7),
        v_switch_id=vswitch_id,
        security_group_id=group_id,
        **kwargs,
    )
    return ecs.run_instances(request).body


def _run_one(ecs, m, vswitch_id, group_id, **kwargs):
    return _run(ecs, m, vswitch_id, group_id, **kwargs).instance_id_sets.instance_id_set[0]


def _describe(ecs, m, **kwargs):
    return ecs.describe_instances(m.DescribeInstancesRequest(region_id=REGION, **kwargs)).body


def _ids(body):
    return [i.instance_id for i in body.instances.instance]


def _find(ecs, m, instance_id):
    """The instance as DescribeInstances shows it, or None once it is gone."""
    found = _describe(ecs, m, instance_ids=f'["{instance_id}"]').instances.instance
    return found[0] if found else None


def _status(ecs, m, instance_id):
    instance = _find(ecs, m, instance_id)
    return instance.status if instance else None


def _raises(call, code, status):
    with pytest.raises(ClientException) as raised:
        call()
    assert (raised.value.code, raised.value.status_code) == (code, status)
    return raised.value


def _statuses_until(ecs, m, instance_id, final, timeout=5.0):
    """The distinct statuses seen while polling, from now until `final` (None: the instance is gone)."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = _status(ecs, m, instance_id)
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == final:
            return seen
        time.sleep(0.02)
    raise AssertionError(f"{instance_id} never reached {final}; saw {seen}")


# RunInstances and the Describe views --------------------------------------------------------------
def test_run_instance_and_describe_it_in_full(ecs, m, network, vsw, group):
    ecs.import_key_pair(m.ImportKeyPairRequest(region_id=REGION, key_pair_name="deploy", public_key_body=ED25519_KEY))
    body = _run(
        ecs, m, vsw, group,
        instance_name="web-1", host_name="web-1.internal", description="front end", password="Secret-Pass1",
        user_data=base64.b64encode(b"#!/bin/sh\necho hi\n").decode(), key_pair_name="deploy",
        internet_max_bandwidth_out=5, deletion_protection=False,
        system_disk=m.RunInstancesRequestSystemDisk(category="cloud_essd", size="40"),
        data_disk=[m.RunInstancesRequestDataDisk(category="cloud_essd", size=100)],
        tag=[m.RunInstancesRequestTag(key="app", value="ha-web")],
    )  # fmt: skip
    instance_id = body.instance_id_sets.instance_id_set[0]
    assert re.match(r"^i-[a-z0-9]{20}$", instance_id) and body.trade_price > 0 and body.order_id is None

    found = _find(ecs, m, instance_id)
    assert (found.instance_name, found.host_name, found.description) == ("web-1", "web-1.internal", "front end")
    assert (found.status, found.image_id, found.instance_type, found.instance_type_family) == (
        "Running", DEBIAN, G7, "ecs.g7",
    )  # fmt: skip
    assert (found.cpu, found.memory, found.ostype, found.osname_en) == (2, 8192, "linux", "Debian  12.9 64 bit")
    assert (found.region_id, found.zone_id, found.instance_network_type) == (REGION, "cn-hangzhou-j", "vpc")
    assert found.vpc_attributes.vpc_id == network["vpc_id"] and found.vpc_attributes.v_switch_id == vsw
    assert found.vpc_attributes.private_ip_address.ip_address == ["192.168.1.1"]
    assert found.public_ip_address.ip_address == ["47.96.0.1"]
    assert found.security_group_ids.security_group_id == [group]
    assert found.key_pair_name == "deploy" and found.deletion_protection is False
    assert (found.internet_max_bandwidth_out, found.internet_charge_type) == (5, "PayByTraffic")
    assert (found.instance_charge_type, found.spot_strategy, found.expired_time) == (
        "PostPaid", "NoSpot", "2099-12-31T15:59Z",
    )  # fmt: skip
    assert MINUTES.match(found.creation_time) and MINUTES.match(found.start_time)
    assert found.stopped_mode == "Not-applicable"
    interface = found.network_interfaces.network_interface[0]
    assert interface.type == "Primary" and interface.primary_ip_address == "192.168.1.1"
    assert interface.network_interface_id.startswith("eni-") and interface.mac_address.startswith("00:16:3e:")
    assert {(t.tag_key, t.tag_value) for t in found.tags.tag} == {("app", "ha-web")}

    attribute = ecs.describe_instance_attribute(m.DescribeInstanceAttributeRequest(instance_id=instance_id)).body
    assert (attribute.instance_id, attribute.instance_name, attribute.status) == (instance_id, "web-1", "Running")
    assert attribute.vpc_attributes.private_ip_address.ip_address == ["192.168.1.1"]
    assert attribute.io_optimized == "optimized" and attribute.security_group_ids.security_group_id == [group]
    assert MINUTES.match(attribute.creation_time)

    statuses = ecs.describe_instance_status(
        m.DescribeInstanceStatusRequest(region_id=REGION, instance_id=[instance_id])
    ).body
    assert statuses.total_count == 1
    assert [(s.instance_id, s.status) for s in statuses.instance_statuses.instance_status] == [(instance_id, "Running")]
    _raises(
        lambda: ecs.describe_instance_attribute(m.DescribeInstanceAttributeRequest(instance_id="i-missing")),
        "InvalidInstanceId.NotFound",
        404,
    )
    _raises(
        lambda: ecs.describe_instance_status(m.DescribeInstanceStatusRequest(region_id=REGION, zone_id="cn-x")),
        "InvalidZoneId.NotFound",
        404,
    )


def test_defaults_name_the_instance_after_its_id(ecs, m, vsw, group):
    instance_id = _run_one(ecs, m, vsw, group)
    found = _find(ecs, m, instance_id)
    assert found.instance_name == instance_id
    assert found.host_name == f"iZ{instance_id[2:]}Z"
    assert found.public_ip_address.ip_address == [] and found.internet_max_bandwidth_out == 0
    assert found.key_pair_name == "" and found.description == ""


def test_amount_gives_consecutive_addresses_and_sequential_names(ecs, m, vsw, group):
    ids = _run(
        ecs, m, vsw, group, amount=3, instance_name="web-", unique_suffix=True, host_name="node[7,2]-web",
        internet_max_bandwidth_out=1,
    ).instance_id_sets.instance_id_set  # fmt: skip
    assert len(ids) == 3
    instances = {i.instance_id: i for i in _describe(ecs, m).instances.instance}
    ordered = [instances[i] for i in ids]
    assert [i.instance_name for i in ordered] == ["web-001", "web-002", "web-003"]
    assert [i.host_name for i in ordered] == ["node07-web001", "node08-web002", "node09-web003"]
    assert [i.vpc_attributes.private_ip_address.ip_address[0] for i in ordered] == [
        "192.168.1.1", "192.168.1.2", "192.168.1.3",
    ]  # fmt: skip
    assert [i.public_ip_address.ip_address[0] for i in ordered] == ["47.96.0.1", "47.96.0.2", "47.96.0.3"]

    more = _run(ecs, m, vsw, group, amount=2, instance_name="db[]", host_name="db-${instance_id}")
    more_ids = more.instance_id_sets.instance_id_set
    named = {i.instance_id: i for i in _describe(ecs, m, instance_ids=json.dumps(more_ids)).instances.instance}
    assert [named[i].instance_name for i in more_ids] == ["db000000", "db000001"]
    assert [named[i].host_name for i in more_ids] == [f"db-{i}" for i in more_ids]
    assert named[more_ids[0]].vpc_attributes.private_ip_address.ip_address == ["192.168.1.4"]

    chosen = _run(ecs, m, vsw, group, amount=2, private_ip_address="192.168.1.100").instance_id_sets.instance_id_set
    addresses = {_find(ecs, m, i).vpc_attributes.private_ip_address.ip_address[0] for i in chosen}
    assert addresses == {"192.168.1.100", "192.168.1.101"}
    _raises(
        lambda: _run(ecs, m, vsw, group, private_ip_address="192.168.1.101"), "InvalidPrivateIpAddress.Duplicated", 400
    )
    _raises(
        lambda: _run(ecs, m, vsw, group, amount=2, instance_name="n" * 126, unique_suffix=True),
        "InvalidParams.InstanceNameExceed",
        403,
    )


def test_min_amount_takes_what_the_vswitch_can_hold(ecs, m, vpc, vpc_models, network, group):
    small = vpc.create_vswitch(
        vpc_models.CreateVSwitchRequest(
            region_id=REGION, vpc_id=network["vpc_id"], zone_id="cn-hangzhou-j", cidr_block="192.168.9.0/29"
        )
    ).body.v_switch_id  # 8 addresses, 4 of them reserved
    _raises(lambda: _run(ecs, m, small, group, amount=6), "QuotaExceeded.PrivateIpAddress", 400)
    _raises(lambda: _run(ecs, m, small, group, amount=6, min_amount=5), "QuotaExceeded.PrivateIpAddress", 400)
    created = _run(ecs, m, small, group, amount=6, min_amount=3).instance_id_sets.instance_id_set
    assert len(created) == 4
    assert _describe(ecs, m, v_switch_id=small).total_count == 4


BAD_RUNS = [
    (lambda m, ids: {"image_id": "no-such-image"}, "InvalidImageId.NotFound", 404),
    (lambda m, ids: {"instance_type": "ecs.nope"}, "InvalidInstanceType.ValueNotSupported", 400),
    (lambda m, ids: {"v_switch_id": None}, "MissingParameter", 400),
    (lambda m, ids: {"v_switch_id": "vsw-missing"}, "InvalidVSwitchId.NotFound", 404),
    (lambda m, ids: {"zone_id": "cn-hangzhou-k"}, "InvalidVSwitchId.NotFound", 404),
    (lambda m, ids: {"zone_id": "cn-hangzhou-z"}, "InvalidZoneId.NotFound", 404),
    (lambda m, ids: {"security_group_id": None}, "MissingParameter", 400),
    (lambda m, ids: {"security_group_id": "sg-missing"}, "InvalidSecurityGroupId.NotFound", 404),
    (lambda m, ids: {"security_group_id": ids["other_group"]}, "InvalidParameter.Mismatch", 400),
    (lambda m, ids: {"security_group_ids": [ids["group"]]}, "InvalidSecurityGroupId.SingleIdAndMultiIdConflict", 400),
    (lambda m, ids: {"security_group_id": None, "security_group_ids": [ids["group"]] * 2},
     "InvalidParameter.SecurityGroupIdRepeated", 400),
    (lambda m, ids: {"key_pair_name": "nobody"}, "InvalidKeyPairName.NotFound", 404),
    (lambda m, ids: {"instance_name": "1st"}, "InvalidInstanceName.Malformed", 400),
    (lambda m, ids: {"instance_name": "w"}, "InvalidInstanceName.Malformed", 400),
    (lambda m, ids: {"instance_name": "web[7]"}, "InvalidInstanceName.CustomMalformed", 400),
    (lambda m, ids: {"host_name": "-web"}, "InvalidHostName.Malformed", 400),
    (lambda m, ids: {"host_name": "web..internal"}, "InvalidHostName.Malformed", 400),
    (lambda m, ids: {"host_name": "web_1"}, "InvalidHostName.Malformed", 400),
    (lambda m, ids: {"password": "Short1!"}, "InvalidPassword.Malformed", 400),
    (lambda m, ids: {"password": "lowercase123"}, "InvalidPassword.Malformed", 400),
    (lambda m, ids: {"password": "Has Space1!"}, "InvalidPassword.Malformed", 400),
    (lambda m, ids: {"password": "Secret-Pass1", "password_inherit": True}, "InvalidPasswordParam.Mismatch", 400),
    (lambda m, ids: {"user_data": "not base64!"}, "InvalidUserData.Base64FormatInvalid", 400),
    (lambda m, ids: {"user_data": base64.b64encode(b"x" * (32 * 1024 + 1)).decode()},
     "InvalidUserData.SizeExceeded", 400),
    (lambda m, ids: {"spot_strategy": "Cheap"}, "InvalidSpotStrategy", 400),
    (lambda m, ids: {"spot_strategy": "SpotWithPriceLimit", "spot_price_limit": 0.0001}, "InvalidSpotPriceLimit", 400),
    (lambda m, ids: {"internet_max_bandwidth_out": 101}, "InvalidInternetMaxBandwidthOut.Malformed", 400),
    (lambda m, ids: {"internet_charge_type": "PayByMood"}, "InvalidInternetChargeType.ValueNotSupported", 400),
    (lambda m, ids: {"instance_charge_type": "Free"}, "InvalidInstanceChargeType.NotFound", 404),
    (lambda m, ids: {"instance_charge_type": "PrePaid"}, "MissingParamter", 400),
    (lambda m, ids: {"instance_charge_type": "PrePaid", "period": 10}, "InvalidPeriod", 400),
    (lambda m, ids: {"instance_charge_type": "PrePaid", "period": 1, "spot_strategy": "SpotAsPriceGo"},
     "InvalidSpotPrepaid", 400),
    (lambda m, ids: {"system_disk": m.RunInstancesRequestSystemDisk(category="floppy")},
     "InvalidSystemDiskCategory.ValueNotSupported", 400),
    (lambda m, ids: {"system_disk": m.RunInstancesRequestSystemDisk(size="10")},
     "InvalidSystemDiskSize.LessThanImageSize", 404),
    (lambda m, ids: {"system_disk": m.RunInstancesRequestSystemDisk(category="cloud", size="600")},
     "InvalidSystemDiskSize.MoreThanMaxSize", 404),
    (lambda m, ids: {"data_disk": [m.RunInstancesRequestDataDisk(category="tape", size=40)]},
     "InvalidDataDiskCategory.ValueNotSupported", 400),
    (lambda m, ids: {"data_disk": [m.RunInstancesRequestDataDisk(size=10)]},
     "InvalidDataDiskSize.ValueNotSupported", 400),
    (lambda m, ids: {"data_disk": [m.RunInstancesRequestDataDisk(size=40) for _ in range(17)]},
     "InstanceDiskNumber.LimitExceed", 400),
    (lambda m, ids: {"amount": 101}, "InvalidParameter", 400),
    (lambda m, ids: {"amount": 2, "min_amount": 3}, "InvalidMinAmount.Malformed", 400),
    (lambda m, ids: {"private_ip_address": "10.0.0.5"}, "InvalidPrivateIpAddress", 400),
    (lambda m, ids: {"private_ip_address": "192.168.1.254"}, "InvalidPrivateIpAddress", 400),
    (lambda m, ids: {"private_ip_address": "192.168.1.x"}, "InvalidPrivateIpAddress.Malformed", 400),
    (lambda m, ids: {"description": "http://spam"}, "InvalidDescription.Malformed", 400),
    (lambda m, ids: {"tag": [m.RunInstancesRequestTag(key="aliyun-x", value="v")]}, "InvalidTagKey.Malformed", 400),
    (lambda m, ids: {"image_id": None}, "MissingImageId", 400),
]  # fmt: skip


@pytest.mark.parametrize("overrides, code, status", BAD_RUNS)
def test_run_instances_rejects_bad_requests(ecs, m, vpc, vpc_models, network, vsw, group, overrides, code, status):
    other_vpc = vpc.create_vpc(vpc_models.CreateVpcRequest(region_id=REGION, cidr_block="10.0.0.0/16")).body.vpc_id
    ids = {"group": group, "other_group": _create_group(ecs, m, other_vpc)}
    request = {
        "region_id": REGION, "image_id": DEBIAN, "instance_type": G7, "v_switch_id": vsw, "security_group_id": group,
        **overrides(m, ids),
    }  # fmt: skip
    _raises(lambda: ecs.run_instances(m.RunInstancesRequest(**request)), code, status)
    assert _describe(ecs, m).total_count == 0


def test_run_instances_dry_run_and_vswitch_status(emulator, ecs, m, vpc, vpc_models, network, vsw, group):
    _raises(lambda: _run(ecs, m, vsw, group, dry_run=True), "DryRunOperation", 400)
    assert _describe(ecs, m).total_count == 0
    emulator.emulator.timing = Timing("fast")
    pending = vpc.create_vswitch(
        vpc_models.CreateVSwitchRequest(
            region_id=REGION, vpc_id=network["vpc_id"], zone_id="cn-hangzhou-j", cidr_block="192.168.5.0/24"
        )
    ).body.v_switch_id
    _raises(lambda: _run(ecs, m, pending, group), "IncorrectVSwitchStatus", 400)


def test_prepaid_instances_expire_and_are_not_released_by_delete(ecs, m, vsw, group):
    body = _run(ecs, m, vsw, group, instance_charge_type="PrePaid", period=1, period_unit="Month")
    instance_id = body.instance_id_sets.instance_id_set[0]
    assert body.order_id
    found = _find(ecs, m, instance_id)
    assert found.instance_charge_type == "PrePaid" and found.expired_time != "2099-12-31T15:59Z"
    assert MINUTES.match(found.expired_time) and found.expired_time > found.creation_time
    _raises(
        lambda: ecs.delete_instance(m.DeleteInstanceRequest(instance_id=instance_id, force=True)),
        "ChargeTypeViolation",
        403,
    )
    _raises(
        lambda: ecs.modify_instance_attribute(
            m.ModifyInstanceAttributeRequest(instance_id=instance_id, deletion_protection=True)
        ),
        "InvalidChargeType.ValueNotSupported",
        403,
    )


def test_client_token_makes_run_instances_idempotent(ecs, m, vsw, group):
    first = _run(ecs, m, vsw, group, client_token="token-1", instance_name="web").instance_id_sets.instance_id_set
    again = _run(ecs, m, vsw, group, client_token="token-1", instance_name="web").instance_id_sets.instance_id_set
    assert again == first and _describe(ecs, m).total_count == 1
    _raises(
        lambda: _run(ecs, m, vsw, group, client_token="token-1", instance_name="other"),
        "IdempotentParameterMismatch",
        400,
    )
    assert _describe(ecs, m).total_count == 1


# the state machine ------------------------------------------------------------------------------
def test_instance_lifecycle_passes_through_every_status(emulator, ecs, m, vsw, group):
    emulator.emulator.timing = Timing("fast")
    instance_id = _run_one(ecs, m, vsw, group)
    assert _statuses_until(ecs, m, instance_id, "Running") == ["Pending", "Starting", "Running"]

    ecs.stop_instance(m.StopInstanceRequest(instance_id=instance_id, stopped_mode="StopCharging"))
    assert _statuses_until(ecs, m, instance_id, "Stopped") == ["Stopping", "Stopped"]
    assert _find(ecs, m, instance_id).stopped_mode == "StopCharging"

    ecs.start_instance(m.StartInstanceRequest(instance_id=instance_id))
    assert _statuses_until(ecs, m, instance_id, "Running") == ["Starting", "Running"]
    assert _find(ecs, m, instance_id).stopped_mode == "Not-applicable"

    ecs.reboot_instance(m.RebootInstanceRequest(instance_id=instance_id))
    assert _statuses_until(ecs, m, instance_id, "Running") == ["Stopping", "Starting", "Running"]

    ecs.delete_instance(m.DeleteInstanceRequest(instance_id=instance_id, force=True))
    assert _statuses_until(ecs, m, instance_id, None) == ["Stopping", None]
    _raises(
        lambda: ecs.start_instance(m.StartInstanceRequest(instance_id=instance_id)), "InvalidInstanceId.NotFound", 404
    )


def test_a_stopped_instance_is_released_without_force(emulator, ecs, m, vsw, group):
    instance_id = _run_one(ecs, m, vsw, group)
    ecs.stop_instance(m.StopInstanceRequest(instance_id=instance_id))
    emulator.emulator.timing = Timing("fast")
    ecs.delete_instance(m.DeleteInstanceRequest(instance_id=instance_id))
    assert _statuses_until(ecs, m, instance_id, None) == ["Stopped", None]


def test_an_instance_being_released_shows_the_lock_and_refuses_a_second_release(emulator, ecs, m, vsw, group):
    instance_id = _run_one(ecs, m, vsw, group)
    assert _find(ecs, m, instance_id).operation_locks.lock_reason == []
    emulator.emulator.timing = Timing("fast")
    ecs.delete_instance(m.DeleteInstanceRequest(instance_id=instance_id, force=True))
    releasing = _find(ecs, m, instance_id)
    assert releasing.status == "Stopping"
    assert [lock.lock_reason for lock in releasing.operation_locks.lock_reason] == ["Recycling"]
    attribute = ecs.describe_instance_attribute(m.DescribeInstanceAttributeRequest(instance_id=instance_id)).body
    assert [lock.lock_reason for lock in attribute.operation_locks.lock_reason] == ["Recycling"]
    incorrect = ("IncorrectInstanceStatus", 403)
    _raises(lambda: ecs.delete_instance(m.DeleteInstanceRequest(instance_id=instance_id, force=True)), *incorrect)
    _raises(
        lambda: ecs.delete_instances(m.DeleteInstancesRequest(region_id=REGION, instance_id=[instance_id], force=True)),
        *incorrect,
    )
    assert _statuses_until(ecs, m, instance_id, None)[-1] is None


def test_status_preconditions(emulator, ecs, m, vsw, group):
    instance_id = _run_one(ecs, m, vsw, group)  # Running (instant timing)
    incorrect = ("IncorrectInstanceStatus", 403)
    _raises(lambda: ecs.start_instance(m.StartInstanceRequest(instance_id=instance_id)), *incorrect)
    _raises(lambda: ecs.delete_instance(m.DeleteInstanceRequest(instance_id=instance_id)), *incorrect)
    _raises(
        lambda: ecs.stop_instance(m.StopInstanceRequest(instance_id=instance_id, dry_run=True)), "DryRunOperation", 400
    )
    assert _status(ecs, m, instance_id) == "Running"
    ecs.stop_instance(m.StopInstanceRequest(instance_id=instance_id, force_stop=True))
    _raises(lambda: ecs.stop_instance(m.StopInstanceRequest(instance_id=instance_id)), *incorrect)
    _raises(lambda: ecs.reboot_instance(m.RebootInstanceRequest(instance_id=instance_id)), *incorrect)
    for call, request_class in (
        (ecs.start_instance, m.StartInstanceRequest),
        (ecs.stop_instance, m.StopInstanceRequest),
        (ecs.reboot_instance, m.RebootInstanceRequest),
        (ecs.delete_instance, m.DeleteInstanceRequest),
    ):
        missing = request_class(instance_id="i-missing")
        _raises(lambda call=call, missing=missing: call(missing), "InvalidInstanceId.NotFound", 404)

    emulator.emulator.timing = Timing("fast")
    young = _run_one(ecs, m, vsw, group)
    _raises(
        lambda: ecs.delete_instance(m.DeleteInstanceRequest(instance_id=young, force=True)),
        "IncorrectInstanceStatus.Initializing",
        403,
    )
    _raises(lambda: ecs.stop_instance(m.StopInstanceRequest(instance_id=young)), *incorrect)


# batch actions --------------------------------------------------------------------------------------
def test_start_and_stop_instances_in_batches(ecs, m, vsw, group):
    ids = _run(ecs, m, vsw, group, amount=3).instance_id_sets.instance_id_set
    stop = ecs.stop_instances(m.StopInstancesRequest(region_id=REGION, instance_id=ids[:2]))
    responses = stop.body.instance_responses.instance_response
    assert [(r.instance_id, r.code, r.message, r.previous_status) for r in responses] == [
        (ids[0], "200", "success", "Running"), (ids[1], "200", "success", "Running"),
    ]  # fmt: skip
    assert [_status(ecs, m, i) for i in ids] == ["Stopped", "Stopped", "Running"]

    # AllTogether (the default): one instance in the wrong state and nothing happens.
    _raises(
        lambda: ecs.start_instances(m.StartInstancesRequest(region_id=REGION, instance_id=ids)),
        "IncorrectInstanceStatus",
        403,
    )
    _raises(
        lambda: ecs.start_instances(m.StartInstancesRequest(region_id=REGION, instance_id=[ids[0], "i-missing"])),
        "InvalidInstanceIds.NotFound",
        404,
    )
    _raises(
        lambda: ecs.start_instances(m.StartInstancesRequest(region_id=REGION, instance_id=ids[:2], dry_run=True)),
        "DRYRUN.SUCCESS",
        400,
    )
    assert [_status(ecs, m, i) for i in ids] == ["Stopped", "Stopped", "Running"]

    # SuccessFirst: each instance on its own.
    started = ecs.start_instances(
        m.StartInstancesRequest(
            region_id=REGION, instance_id=[ids[0], ids[2], "i-missing"], batch_optimization="SuccessFirst"
        )
    ).body.instance_responses.instance_response
    assert [(r.instance_id, r.code, r.previous_status, r.current_status) for r in started] == [
        (ids[0], "200", "Stopped", "Running"),
        (ids[2], "IncorrectInstanceStatus", "Running", "Running"),
        ("i-missing", "InvalidInstanceId.NotFound", "", ""),
    ]
    assert [_status(ecs, m, i) for i in ids] == ["Running", "Stopped", "Running"]
    _raises(
        lambda: ecs.stop_instances(
            m.StopInstancesRequest(region_id=REGION, instance_id=ids, batch_optimization="SuccessFirst", dry_run=True)
        ),
        "DRYRUN.SUCCESS",
        400,
    )
    _raises(
        lambda: ecs.stop_instances(
            m.StopInstancesRequest(region_id=REGION, instance_id=ids, batch_optimization="Some")
        ),
        "InvalidParameter",
        400,
    )


def test_batch_stop_shows_stopping_first(emulator, ecs, m, vsw, group):
    instance_id = _run_one(ecs, m, vsw, group)
    emulator.emulator.timing = Timing("fast")
    responses = ecs.stop_instances(
        m.StopInstancesRequest(region_id=REGION, instance_id=[instance_id])
    ).body.instance_responses.instance_response
    assert (responses[0].previous_status, responses[0].current_status) == ("Running", "Stopping")
    assert _statuses_until(ecs, m, instance_id, "Stopped") == ["Stopping", "Stopped"]
    started = ecs.start_instances(m.StartInstancesRequest(region_id=REGION, instance_id=[instance_id])).body
    assert started.instance_responses.instance_response[0].current_status == "Starting"


def test_delete_instances_in_a_batch(ecs, m, vsw, group):
    ids = _run(ecs, m, vsw, group, amount=3).instance_id_sets.instance_id_set
    _raises(
        lambda: ecs.delete_instances(m.DeleteInstancesRequest(region_id=REGION, instance_id=ids)),
        "IncorrectInstanceStatus",
        403,
    )
    _raises(
        lambda: ecs.delete_instances(m.DeleteInstancesRequest(region_id=REGION, instance_id=[ids[0], "i-gone"])),
        "InvalidInstanceIds.NotFound",
        404,
    )
    _raises(
        lambda: ecs.delete_instances(
            m.DeleteInstancesRequest(region_id=REGION, instance_id=ids, force=True, dry_run=True)
        ),
        "DRYRUN.SUCCESS",
        400,
    )
    assert _describe(ecs, m).total_count == 3
    ecs.delete_instances(m.DeleteInstancesRequest(region_id=REGION, instance_id=ids[:2], force=True))
    assert _ids(_describe(ecs, m)) == [ids[2]]
    _raises(
        lambda: ecs.delete_instances(
            m.DeleteInstancesRequest(region_id="cn-shanghai", instance_id=[ids[2]], force=True)
        ),
        "InvalidInstanceIds.NotFound",
        404,
    )


# describing: paging and filters ---------------------------------------------------------------
def test_describe_instances_pages_both_ways(ecs, m, vsw, group):
    created = _run(ecs, m, vsw, group, amount=25).instance_id_sets.instance_id_set
    seen = []
    for number in (1, 2, 3):
        body = _describe(ecs, m, page_number=number, page_size=10)
        assert (body.total_count, body.page_number, body.page_size) == (25, number, 10)
        seen += _ids(body)
    assert seen == created and len(_ids(_describe(ecs, m, page_number=3, page_size=10))) == 5

    seen, token, pages = [], None, 0
    while True:
        body = _describe(ecs, m, max_results=10, next_token=token)
        seen += _ids(body)
        pages += 1
        token = body.next_token
        if not token:
            break
    assert seen == created and pages == 3
    assert len(_ids(_describe(ecs, m, max_results=3))) == 10  # below 10 counts as 10
    assert len(_ids(_describe(ecs, m, max_results=500))) == 25  # above 100 counts as 100
    _raises(lambda: _describe(ecs, m, page_size=101), "InvalidParameter", 400)
    _raises(lambda: _describe(ecs, m, next_token="garbage"), "InvalidParameter", 400)

    statuses = ecs.describe_instance_status(
        m.DescribeInstanceStatusRequest(region_id=REGION, page_number=3, page_size=10)
    ).body
    assert statuses.total_count == 25 and len(statuses.instance_statuses.instance_status) == 5


def test_describe_instances_filters(ecs, m, network, group):
    vsw_j, vsw_k = network["vswitch_ids"]
    ecs.import_key_pair(m.ImportKeyPairRequest(region_id=REGION, key_pair_name="deploy", public_key_body=ED25519_KEY))
    db_group = _create_group(ecs, m, network["vpc_id"], name="db")
    web_tag = [m.RunInstancesRequestTag(key="role", value="web")]
    web_a = _run_one(ecs, m, vsw_j, group, instance_name="web-a", tag=web_tag, key_pair_name="deploy",
                     internet_max_bandwidth_out=5)  # fmt: skip
    web_b = _run_one(ecs, m, vsw_k, group, instance_name="web-b", tag=web_tag, instance_type="ecs.c7.large")
    db = _run_one(
        ecs, m, vsw_j, db_group, instance_name="db-1", image_id=UBUNTU,
        tag=[m.RunInstancesRequestTag(key="role", value="db")],
    )  # fmt: skip
    ecs.stop_instance(m.StopInstanceRequest(instance_id=db))

    def ids(**filters):
        return sorted(_ids(_describe(ecs, m, **filters)))

    assert ids() == sorted([web_a, web_b, db])
    assert ids(vpc_id=network["vpc_id"]) == sorted([web_a, web_b, db])
    assert ids(vpc_id="vpc-other") == []
    assert ids(v_switch_id=vsw_j) == sorted([web_a, db])
    assert ids(zone_id="cn-hangzhou-k") == [web_b]
    assert ids(security_group_id=db_group) == [db]
    assert ids(instance_name="web-*") == sorted([web_a, web_b])
    assert ids(instance_name="web-a") == [web_a]
    assert ids(status="Stopped") == [db]
    assert ids(instance_type="ecs.c7.large") == [web_b]
    assert ids(image_id=UBUNTU) == [db]
    assert ids(key_pair_name="deploy") == [web_a]
    private_db = _find(ecs, m, db).vpc_attributes.private_ip_address.ip_address[0]
    assert ids(private_ip_addresses=f'["{private_db}"]') == [db]
    assert ids(public_ip_addresses='["47.96.0.1"]') == [web_a]
    assert ids(tag=[m.DescribeInstancesRequestTag(key="role", value="web")]) == sorted([web_a, web_b])
    assert ids(tag=[m.DescribeInstancesRequestTag(key="role")]) == sorted([web_a, web_b, db])
    assert ids(instance_ids=f'["{web_b}", "i-unknown"]') == [web_b]
    assert ids(instance_ids="[]") == []
    assert ids(v_switch_id=vsw_j, status="Running") == [web_a]
    _raises(lambda: ids(status="Sleeping"), "InvalidStatus.NotFound", 404)
    _raises(lambda: ids(instance_ids="not json"), "InvalidParameter", 400)
    other_region = ecs.describe_instances(m.DescribeInstancesRequest(region_id="cn-shanghai")).body
    assert other_region.total_count == 0


def test_tags_through_tag_resources(ecs, m, vsw, group):
    instance_id = _run_one(ecs, m, vsw, group, tag=[m.RunInstancesRequestTag(key="app", value="ha-web")])
    ecs.tag_resources(
        m.TagResourcesRequest(
            region_id=REGION, resource_type="instance", resource_id=[instance_id],
            tag=[m.TagResourcesRequestTag(key="env", value="prod")],
        )
    )  # fmt: skip
    listed = ecs.list_tag_resources(
        m.ListTagResourcesRequest(region_id=REGION, resource_type="instance", resource_id=[instance_id])
    ).body.tag_resources.tag_resource
    assert {(t.resource_id, t.resource_type, t.tag_key, t.tag_value) for t in listed} == {
        (instance_id, "instance", "app", "ha-web"),
        (instance_id, "instance", "env", "prod"),
    }
    by_tag = _describe(ecs, m, tag=[m.DescribeInstancesRequestTag(key="env", value="prod")])
    assert _ids(by_tag) == [instance_id]
    assert {(t.tag_key, t.tag_value) for t in by_tag.instances.instance[0].tags.tag} == {
        ("app", "ha-web"), ("env", "prod"),
    }  # fmt: skip
    ecs.untag_resources(
        m.UntagResourcesRequest(region_id=REGION, resource_type="instance", resource_id=[instance_id], tag_key=["app"])
    )
    assert [(t.tag_key, t.tag_value) for t in _find(ecs, m, instance_id).tags.tag] == [("env", "prod")]


# ModifyInstanceAttribute and dependencies -----------------------------------------------------------
def test_modify_instance_attribute(ecs, m, vpc, vpc_models, network, vsw, group):
    instance_id = _run_one(ecs, m, vsw, group)
    second = _create_group(ecs, m, network["vpc_id"], name="extra")
    ecs.modify_instance_attribute(
        m.ModifyInstanceAttributeRequest(
            instance_id=instance_id, instance_name="renamed", host_name="renamed-host", description="new text",
            password="Another-Pass2", user_data=base64.b64encode(b"#cloud-config\n").decode(),
            deletion_protection=True, security_group_ids=[group, second],
        )
    )  # fmt: skip
    found = _find(ecs, m, instance_id)
    assert (found.instance_name, found.host_name, found.description) == ("renamed", "renamed-host", "new text")
    assert found.deletion_protection is True
    assert found.security_group_ids.security_group_id == [group, second]
    assert _ids(_describe(ecs, m, security_group_id=second)) == [instance_id]
    _raises(
        lambda: ecs.delete_instance(m.DeleteInstanceRequest(instance_id=instance_id, force=True)),
        "InvalidOperation.DeletionProtection",
        403,
    )

    other_vpc = vpc.create_vpc(vpc_models.CreateVpcRequest(region_id=REGION, cidr_block="10.0.0.0/16")).body.vpc_id
    foreign = _create_group(ecs, m, other_vpc)
    for change, code, status in (
        ({"instance_name": "9lives"}, "InvalidInstanceName.Malformed", 400),
        ({"host_name": "bad_host"}, "InvalidHostName.Malformed", 400),
        ({"password": "weak"}, "InvalidPassword.Malformed", 400),
        ({"description": "x"}, "InvalidDescription.Malformed", 400),
        ({"user_data": "%%%"}, "InvalidUserData.Base64FormatInvalid", 403),
        ({"security_group_ids": ["sg-missing"]}, "InvalidSecurityGroupId.NotFound", 404),
        ({"security_group_ids": [group, group]}, "InvalidParameter.SecurityGroupIdRepeated", 404),
        ({"security_group_ids": [foreign]}, "InvalidSecurityGroupVpc.NotBelongToOneVpc", 404),
    ):
        _raises(
            lambda change=change: ecs.modify_instance_attribute(
                m.ModifyInstanceAttributeRequest(instance_id=instance_id, **change)
            ),
            code,
            status,
        )
    assert _find(ecs, m, instance_id).instance_name == "renamed"  # a rejected change changes nothing
    _raises(
        lambda: ecs.modify_instance_attribute(
            m.ModifyInstanceAttributeRequest(instance_id="i-missing", description="ab")
        ),
        "InvalidInstanceId.NotFound",
        404,
    )
    ecs.modify_instance_attribute(m.ModifyInstanceAttributeRequest(instance_id=instance_id, deletion_protection=False))
    ecs.delete_instance(m.DeleteInstanceRequest(instance_id=instance_id, force=True))
    assert _find(ecs, m, instance_id) is None


def test_an_instance_holds_its_vswitch_and_security_group(ecs, m, vpc, vpc_models, vsw, group):
    instance_id = _run_one(ecs, m, vsw, group)
    attributes = vpc.describe_vswitch_attributes(
        vpc_models.DescribeVSwitchAttributesRequest(region_id=REGION, v_switch_id=vsw)
    ).body
    assert attributes.available_ip_address_count == 251
    _raises(
        lambda: vpc.delete_vswitch(vpc_models.DeleteVSwitchRequest(region_id=REGION, v_switch_id=vsw)),
        "DependencyViolation",
        400,
    )
    _raises(
        lambda: ecs.delete_security_group(m.DeleteSecurityGroupRequest(region_id=REGION, security_group_id=group)),
        "DependencyViolation",
        403,
    )
    ecs.delete_instance(m.DeleteInstanceRequest(instance_id=instance_id, force=True))
    ecs.delete_security_group(m.DeleteSecurityGroupRequest(region_id=REGION, security_group_id=group))
    vpc.delete_vswitch(vpc_models.DeleteVSwitchRequest(region_id=REGION, v_switch_id=vsw))


# the data-plane seam --------------------------------------------------------------------------------
class RecordingRuntime(NullRuntime):
    """Records what the control plane tells it and reports chosen instances as crashed (Stopped)."""

    def __init__(self):
        self.events = []
        self.crashed = set()

    def changed(self, kind, event, resource, store):
        self.events.append((kind, event, resource["InstanceId"]))

    def observe(self, kind, resource):
        return {"Status": "Stopped"} if resource["InstanceId"] in self.crashed else {}


def test_the_runtime_hears_every_change_and_is_observed(emulator, monkeypatch, ecs, m, vsw, group):
    runtime = RecordingRuntime()
    monkeypatch.setattr(emulator.emulator, "runtime", runtime)
    instance_id = _run_one(ecs, m, vsw, group)
    ecs.stop_instance(m.StopInstanceRequest(instance_id=instance_id))
    ecs.start_instance(m.StartInstanceRequest(instance_id=instance_id))
    ecs.reboot_instance(m.RebootInstanceRequest(instance_id=instance_id))
    ecs.modify_instance_attribute(m.ModifyInstanceAttributeRequest(instance_id=instance_id, instance_name="web"))

    runtime.crashed.add(instance_id)
    assert _status(ecs, m, instance_id) == "Stopped"
    assert _ids(_describe(ecs, m, status="Stopped")) == [instance_id]
    status = ecs.describe_instance_status(m.DescribeInstanceStatusRequest(region_id=REGION)).body
    assert status.instance_statuses.instance_status[0].status == "Stopped"
    ecs.start_instance(m.StartInstanceRequest(instance_id=instance_id))  # what the user sees is Stopped
    runtime.crashed.clear()
    ecs.delete_instance(m.DeleteInstanceRequest(instance_id=instance_id, force=True))
    assert [event for _, event, _ in runtime.events] == [
        "created", "stopped", "started", "rebooted", "updated", "started", "deleted",
    ]  # fmt: skip
    assert {(kind, resource) for kind, _, resource in runtime.events} == {("instance", instance_id)}
