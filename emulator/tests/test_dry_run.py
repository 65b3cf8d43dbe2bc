"""DryRun on the creates the site makes. The APIs that take it (CreateVpc, RunInstances, NAS CreateFileSystem and
CreateMountTarget) answer the product's DryRunOperation when the call would succeed, or the error it would meet
(stock, permission, image, bad parameter), and create nothing. The creates whose API has no DryRun (CreateVSwitch,
CreateSecurityGroup, ImportKeyPair, CreateAccessGroup, CreateLoadBalancer) ignore one sent and create."""

import pytest
from alibabacloud_tea_openapi import models as openapi_models
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_util.models import RuntimeOptions
from alicloud_emulator.testing import ACCESS_KEY_ID, sdk_models

REGION = "cn-hangzhou"
DEBIAN = "debian_12_9_x64_20G_alibase_20250117.vhd"
ECS_PASSED = ("DryRunOperation", 400, "Request validation has been passed with DryRun flag set.")
NAS_PASSED = ("DryRunOperation", 400, "The request is validated with DryRun flag set.")
VERSIONS = {"ecs": "2014-05-26", "vpc": "2016-04-28", "slb": "2014-05-15", "nas": "2017-06-26"}
ED25519_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFbqr6fkinQJ8ahVFiIJtNOR018jwLeL7MapdDKNfohe root@vm"


def _answer(call):
    """(code, HTTP status, message as the gateway wrote it) of a refused call."""
    with pytest.raises(ClientException) as raised:
        call()
    message = raised.value.message.split(", ", 1)[1].rsplit(" request id:", 1)[0]
    return raised.value.code, raised.value.status_code, message


def _unchanged(emulator, call):
    """The call's (code, status, message); GET /_emulator/state is the same before and after it."""
    before = emulator.admin.state()
    answer = _answer(call)
    assert emulator.admin.state() == before
    return answer


@pytest.fixture
def site(emulator, network):
    """What the creates need: the network, a security group, a NAS file system (Running)."""
    ecs, nas = emulator.client("ecs"), emulator.client("nas")
    ecs_m, nas_m = sdk_models("ecs"), sdk_models("nas")
    group = ecs.create_security_group(
        ecs_m.CreateSecurityGroupRequest(region_id=REGION, vpc_id=network["vpc_id"], security_group_name="web")
    ).body.security_group_id
    fs_id = nas.create_file_system(
        nas_m.CreateFileSystemRequest(protocol_type="NFS", storage_type="Capacity", zone_id="cn-hangzhou-j")
    ).body.file_system_id
    nas.describe_access_groups(nas_m.DescribeAccessGroupsRequest())  # the default group exists from here on
    return {**network, "group": group, "fs_id": fs_id}


def _run(emulator, site, **kwargs):
    ecs, m = emulator.client("ecs"), sdk_models("ecs")
    request = m.RunInstancesRequest(
        region_id=REGION,
        image_id=kwargs.pop("image_id", DEBIAN),
        instance_type=kwargs.pop("instance_type", "ecs.u1-c1m1.large"),
        v_switch_id=kwargs.pop("v_switch_id", site["vswitch_ids"][0]),
        security_group_id=site["group"],
        system_disk=m.RunInstancesRequestSystemDisk(category="cloud_essd"),
        dry_run=True,
        **kwargs,
    )
    return lambda: ecs.run_instances(request)


def _create_file_system(emulator, **kwargs):
    nas, m = emulator.client("nas"), sdk_models("nas")
    settings = {"protocol_type": "NFS", "storage_type": "Capacity", "zone_id": "cn-hangzhou-k", **kwargs}
    return lambda: nas.create_file_system(m.CreateFileSystemRequest(dry_run=True, **settings))


def _create_vpc(emulator, cidr="10.0.0.0/16"):
    vpc, m = emulator.client("vpc"), sdk_models("vpc")
    return lambda: vpc.create_vpc(m.CreateVpcRequest(region_id=REGION, cidr_block=cidr, dry_run=True))


def _create_mount_target(emulator, site):
    nas, m = emulator.client("nas"), sdk_models("nas")
    request = m.CreateMountTargetRequest(
        file_system_id=site["fs_id"],
        network_type="Vpc",
        vpc_id=site["vpc_id"],
        v_switch_id=site["vswitch_ids"][0],
        access_group_name="DEFAULT_VPC_GROUP_NAME",
        dry_run=True,
    )
    return lambda: nas.create_mount_target(request)


def test_each_dry_run_passes_and_creates_nothing(emulator, site):
    assert _unchanged(emulator, _create_vpc(emulator)) == ECS_PASSED
    assert _unchanged(emulator, _run(emulator, site)) == ECS_PASSED
    assert _unchanged(emulator, _run(emulator, site, amount=2, client_token="dry-1")) == ECS_PASSED
    assert _unchanged(emulator, _create_file_system(emulator)) == NAS_PASSED
    assert _unchanged(emulator, _create_mount_target(emulator, site)) == NAS_PASSED


def test_dry_run_meets_stock(emulator, site):
    emulator.admin.set_stock(REGION, "cn-hangzhou-j", "WithoutStock", instance_type="ecs.u1-c1m1.large")
    assert _unchanged(emulator, _run(emulator, site))[:2] == ("OperationDenied.NoStock", 403)
    emulator.admin.set_stock(REGION, "cn-hangzhou-j", "ClosedWithoutStock")
    assert _unchanged(emulator, _run(emulator, site, instance_type="ecs.g7.large"))[:2] == ("Zone.NotOnSale", 403)


def test_dry_run_meets_spot_refusal_image_and_bad_parameters(emulator, site):
    emulator.admin.set_account(False)
    spot = _run(emulator, site, spot_strategy="SpotAsPriceGo")
    assert _unchanged(emulator, spot)[:2] == ("InvalidAccount.NotSupportSpot", 400)
    emulator.admin.retire_image(DEBIAN)
    assert _unchanged(emulator, _run(emulator, site))[:2] == ("InvalidImageId.NotFound", 404)
    unknown_type = _run(emulator, site, image_id="ubuntu_22_04_x64_20G_alibase_20250113.vhd", instance_type="x")
    assert _unchanged(emulator, unknown_type)[:2] == ("InvalidInstanceType.ValueNotSupported", 400)
    assert _unchanged(emulator, _create_vpc(emulator, cidr="10.0.0.0/33"))[:2] == ("InvalidParameter", 400)
    no_capacity = _create_file_system(emulator, zone_id="cn-hangzhou-h")
    assert _unchanged(emulator, no_capacity)[:2] == ("Resource.OutOfStock", 403)


def test_dry_run_meets_a_quota(emulator, site):
    """More instances than the vSwitch has free addresses (MinAmount = Amount): the quota error, nothing made."""
    vpc, m = emulator.client("vpc"), sdk_models("vpc")
    small = vpc.create_vswitch(
        m.CreateVSwitchRequest(
            region_id=REGION, vpc_id=site["vpc_id"], zone_id="cn-hangzhou-j", cidr_block="192.168.7.0/29"
        )
    ).body.v_switch_id
    too_many = _run(emulator, site, v_switch_id=small, amount=10)
    assert _unchanged(emulator, too_many)[:2] == ("QuotaExceeded.PrivateIpAddress", 400)


def test_dry_run_meets_permissions(emulator, site):
    emulator.admin.deny(ACCESS_KEY_ID, ["ecs:RunInstances", "nas:CreateFileSystem", "vpc:CreateVpc"])
    assert _unchanged(emulator, _run(emulator, site))[:2] == ("Forbidden.RAM", 403)
    assert _unchanged(emulator, _create_vpc(emulator))[:2] == ("Forbidden", 403)
    code, status, message = _unchanged(emulator, _create_file_system(emulator))
    assert (code, status, "nas:CreateFileSystem" in message) == ("NoPermission", 403, True)
    # What is not denied still passes.
    assert _unchanged(emulator, _create_mount_target(emulator, site)) == NAS_PASSED


def _raw(emulator, product, action, query):
    """A request through the SDK's generic RPC path: the product models have no DryRun for these actions."""
    params = openapi_models.Params(
        action=action,
        version=VERSIONS[product],
        protocol="HTTP",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )
    client = emulator.client(product)
    return client.call_api(params, openapi_models.OpenApiRequest(query=query), RuntimeOptions())["body"]


def test_creates_without_dry_run_ignore_it_and_create(emulator, network):
    vpc_id = network["vpc_id"]
    sent = [
        ("vpc", "CreateVSwitch", {"VpcId": vpc_id, "ZoneId": "cn-hangzhou-k", "CidrBlock": "192.168.9.0/24"}),
        ("ecs", "CreateSecurityGroup", {"VpcId": vpc_id, "SecurityGroupName": "dry"}),
        ("ecs", "ImportKeyPair", {"KeyPairName": "dry", "PublicKeyBody": ED25519_KEY}),
        (
            "slb",
            "CreateLoadBalancer",
            {"AddressType": "intranet", "VSwitchId": network["vswitch_ids"][0], "LoadBalancerSpec": "slb.s1.small"},
        ),
        ("nas", "CreateAccessGroup", {"AccessGroupName": "dry-group", "AccessGroupType": "Vpc"}),
    ]
    kinds = ("vswitch", "security_group", "key_pair", "load_balancer", "access_group")
    emulator.client("nas").describe_access_groups(sdk_models("nas").DescribeAccessGroupsRequest())  # default group
    before = {kind: len(emulator.admin.state().get(kind, {})) for kind in kinds}
    for product, action, query in sent:
        _raw(emulator, product, action, {"RegionId": REGION, "DryRun": "true", **query})
    after = {kind: len(emulator.admin.state().get(kind, {})) for kind in kinds}
    assert after == {kind: before[kind] + 1 for kind in kinds}
