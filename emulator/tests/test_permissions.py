"""A RAM user without a permission (`POST /_emulator/permissions`): each product answers as its gateway does, before
any parameter is read, DryRun included; other keys and other actions are not touched."""

import json
import urllib.error

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from alicloud_emulator.testing import ACCESS_KEY_ID, sdk_models

REGION = "cn-hangzhou"


def _refused(call):
    """(code, HTTP status, message as the gateway wrote it: the SDK wraps it in `code: N, ... request id: ...`)."""
    with pytest.raises(ClientException) as raised:
        call()
    message = raised.value.message.split(", ", 1)[1].rsplit(" request id:", 1)[0]
    return raised.value.code, raised.value.status_code, message


def _deny(emulator, *actions):
    return emulator.admin.deny(ACCESS_KEY_ID, actions)


def test_each_product_answers_its_own_way(emulator):
    _deny(emulator, "ecs:DescribeZones", "vpc:DescribeVpcs", "slb:DescribeLoadBalancers", "nas:DescribeFileSystems")
    ecs, vpc, slb, nas = (emulator.client(p) for p in ("ecs", "vpc", "slb", "nas"))
    ecs_m, vpc_m, slb_m, nas_m = (sdk_models(p) for p in ("ecs", "vpc", "slb", "nas"))
    forbidden_ram = "User not authorized to operate on the specified resource, or this API doesn't support RAM."
    assert _refused(lambda: ecs.describe_zones(ecs_m.DescribeZonesRequest(region_id=REGION))) == (
        "Forbidden.RAM",
        403,
        forbidden_ram,
    )
    forbidden = "User not authorized to operate on the specified resource."
    assert _refused(lambda: vpc.describe_vpcs(vpc_m.DescribeVpcsRequest(region_id=REGION))) == (
        "Forbidden",
        403,
        forbidden,
    )
    assert _refused(lambda: slb.describe_load_balancers(slb_m.DescribeLoadBalancersRequest(region_id=REGION)))[:2] == (
        "Forbidden",
        403,
    )
    code, status, message = _refused(lambda: nas.describe_file_systems(nas_m.DescribeFileSystemsRequest()))
    assert (code, status) == ("NoPermission", 403)
    assert "nas:DescribeFileSystems" in message
    # What is not denied still answers.
    ecs.describe_regions(ecs_m.DescribeRegionsRequest())
    nas.describe_zones(nas_m.DescribeZonesRequest(region_id=REGION))


def test_denied_create_with_dry_run_and_bad_parameters(emulator):
    _deny(emulator, "nas:CreateFileSystem")
    nas, m = emulator.client("nas"), sdk_models("nas")
    dry = m.CreateFileSystemRequest(protocol_type="NFS", storage_type="Capacity", dry_run=True)
    assert _refused(lambda: nas.create_file_system(dry))[:2] == ("NoPermission", 403)
    # The permission is checked before the parameters.
    bad = m.CreateFileSystemRequest(protocol_type="floppy", storage_type="Capacity")
    assert _refused(lambda: nas.create_file_system(bad))[:2] == ("NoPermission", 403)
    assert emulator.admin.state().get("file_system", {}) == {}
    assert emulator.admin.requests()["counts"].get("CreateFileSystem") == 2


def test_patterns(emulator):
    _deny(emulator, "ecs:*", "vpc:Create*")
    ecs, vpc = emulator.client("ecs"), emulator.client("vpc")
    ecs_m, vpc_m = sdk_models("ecs"), sdk_models("vpc")
    assert _refused(lambda: ecs.describe_regions(ecs_m.DescribeRegionsRequest()))[0] == "Forbidden.RAM"
    create = vpc_m.CreateVpcRequest(region_id=REGION, cidr_block="10.0.0.0/16")
    assert _refused(lambda: vpc.create_vpc(create))[0] == "Forbidden"
    vpc.describe_vpcs(vpc_m.DescribeVpcsRequest(region_id=REGION))


def test_public_images_ignore_ram(emulator):
    """DescribeImages with ImageOwnerAlias system or others ignores RAM policies (the API's documentation)."""
    _deny(emulator, "ecs:DescribeImages")
    ecs, m = emulator.client("ecs"), sdk_models("ecs")
    for owner in ("system", "others"):
        ecs.describe_images(m.DescribeImagesRequest(region_id=REGION, image_owner_alias=owner))
    assert _refused(lambda: ecs.describe_images(m.DescribeImagesRequest(region_id=REGION)))[0] == "Forbidden.RAM"
    self_owned = m.DescribeImagesRequest(region_id=REGION, image_owner_alias="self")
    assert _refused(lambda: ecs.describe_images(self_owned))[0] == "Forbidden.RAM"


def test_other_keys_are_not_denied():
    from alicloud_emulator.testing import InProcessEmulator

    server = InProcessEmulator(keys={"ram-user": "ram-secret", "admin": "admin-secret"})
    try:
        server.admin.deny("ram-user", ["ecs:DescribeRegions"])
        ram_user = server.client("ecs", key_id="ram-user", secret="ram-secret")
        admin = server.client("ecs", key_id="admin", secret="admin-secret")
        m = sdk_models("ecs")
        assert _refused(lambda: ram_user.describe_regions(m.DescribeRegionsRequest()))[0] == "Forbidden.RAM"
        admin.describe_regions(m.DescribeRegionsRequest())
    finally:
        server.close()


def test_admin_lists_validates_replaces_and_resets(emulator):
    admin = emulator.admin
    assert admin.call("GET", "/permissions") == {"denied": {}}
    assert _deny(emulator, "nas:CreateFileSystem", "ecs:*") == {
        "denied": {ACCESS_KEY_ID: ["nas:CreateFileSystem", "ecs:*"]}
    }
    assert _deny(emulator, "vpc:CreateVpc") == {"denied": {ACCESS_KEY_ID: ["vpc:CreateVpc"]}}  # replaces
    for payload in (
        {"access_key_id": ACCESS_KEY_ID, "deny": ["CreateVpc"]},
        {"access_key_id": ACCESS_KEY_ID, "deny": ["oss:GetObject"]},
        {"access_key_id": ACCESS_KEY_ID, "deny": "ecs:*"},
        {"deny": ["ecs:*"]},
    ):
        with pytest.raises(urllib.error.HTTPError) as raised:
            admin.call("POST", "/permissions", payload)
        assert raised.value.code == 400 and json.load(raised.value)["error"]
    assert _deny(emulator) == {"denied": {}}  # an empty list allows everything again
    _deny(emulator, "ecs:*")
    admin.reset()
    assert admin.call("GET", "/permissions") == {"denied": {}}
