"""Public images that change under a running site: a newer Debian 12 published, an image retired, families per
point release; through the real SDK client and the admin API (`/_emulator/catalog/images`)."""

import json
import urllib.error

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from alicloud_emulator.catalog import IMAGES
from alicloud_emulator.testing import sdk_models

REGION = "cn-hangzhou"
DEBIAN_12_9 = "debian_12_9_x64_20G_alibase_20250117.vhd"
NEWER = {
    "ImageId": "debian_12_11_x64_20G_alibase_20250701.vhd",
    "ImageName": "debian_12_11_x64_20G_alibase_20250701.vhd",
    "ImageFamily": "acs:debian_12_11_x64",
    "OSName": "Debian  12.11 64位",
    "OSNameEn": "Debian  12.11 64 bit",
    "Platform": "Debian",
    "Architecture": "x86_64",
    "OSType": "linux",
    "CreationTime": "2025-07-01T02:03:04Z",
    "Size": 20,
}
LATEST_DEBIAN_12 = {"image_owner_alias": "system", "ostype": "linux", "architecture": "x86_64", "status": "Available"}


@pytest.fixture
def ecs(emulator):
    return emulator.client("ecs")


@pytest.fixture
def m():
    return sdk_models("ecs")


def _images(ecs, m, **filters):
    body = ecs.describe_images(m.DescribeImagesRequest(region_id=REGION, page_size=100, **filters)).body
    return body.images.image


def _newest_debian_12(ecs, m):
    """What the modules do: the filters, the names debian_12_*, then the newest by CreationTime."""
    debian = [i for i in _images(ecs, m, **LATEST_DEBIAN_12) if i.image_name.startswith("debian_12_")]
    return max(debian, key=lambda i: i.creation_time).image_id


def _admin_error(emulator, path, payload=None):
    with pytest.raises(urllib.error.HTTPError) as raised:
        emulator.admin.call("POST", path, payload)
    return raised.value.code, json.load(raised.value)["error"]


def test_families_are_per_point_release(ecs, m):
    families = {i.image_family for i in _images(ecs, m)}
    assert {"acs:debian_12_9_x64", "acs:debian_12_6_x64", "acs:ubuntu_22_04_x64"} <= families
    assert "acs:debian_12_x64" not in families
    assert [i.image_id for i in _images(ecs, m, image_family="acs:debian_12_9_x64")] == [DEBIAN_12_9]


def test_published_image_is_listed_and_usable(emulator, ecs, m, network):
    assert _newest_debian_12(ecs, m) == DEBIAN_12_9
    listed = emulator.admin.publish_image(NEWER)["images"]
    assert NEWER["ImageId"] in [i["ImageId"] for i in listed]
    assert _newest_debian_12(ecs, m) == NEWER["ImageId"]
    found = _images(ecs, m, image_family="acs:debian_12_11_x64")
    assert [(i.image_id, i.osname_en, i.creation_time, i.image_owner_alias) for i in found] == [
        (NEWER["ImageId"], "Debian  12.11 64 bit", "2025-07-01T02:03:04Z", "system")
    ]
    # Not sorted newest first: the modules must sort themselves (debian_12_11 sorts before debian_12_6 by ID).
    ids = [i.image_id for i in _images(ecs, m, image_name="debian_12_*")]
    assert ids == [NEWER["ImageId"], "debian_12_6_x64_20G_alibase_20240823.vhd", DEBIAN_12_9]
    instance_id = _run(ecs, m, network, NEWER["ImageId"])
    assert _instance(ecs, m, instance_id).image_id == NEWER["ImageId"]


def test_publish_validates(emulator):
    code, message = _admin_error(emulator, "/catalog/images", {"ImageId": "x"})
    assert code == 400
    for field in ("ImageName is required", "OSName is required", "CreationTime is required"):
        assert field in message
    bad = {**NEWER, "Architecture": "sparc", "CreationTime": "yesterday", "Colour": "blue"}
    code, message = _admin_error(emulator, "/catalog/images", bad)
    assert code == 400
    assert "Architecture is not valid" in message and "CreationTime is not valid" in message
    assert "unknown field 'Colour'" in message
    code, message = _admin_error(emulator, "/catalog/images", {**NEWER, "ImageId": DEBIAN_12_9})
    assert (code, "exists" in message) == (400, True)


def _run(ecs, m, network, image_id):
    group = ecs.create_security_group(
        m.CreateSecurityGroupRequest(region_id=REGION, vpc_id=network["vpc_id"], security_group_name="web")
    ).body.security_group_id
    request = m.RunInstancesRequest(
        region_id=REGION,
        image_id=image_id,
        instance_type="ecs.u1-c1m1.large",
        v_switch_id=network["vswitch_ids"][0],
        security_group_id=group,
    )
    return ecs.run_instances(request).body.instance_id_sets.instance_id_set[0]


def _instance(ecs, m, instance_id):
    request = m.DescribeInstancesRequest(region_id=REGION, instance_ids=json.dumps([instance_id]))
    return ecs.describe_instances(request).body.instances.instance[0]


def test_retired_image(emulator, ecs, m, network):
    instance_id = _run(ecs, m, network, DEBIAN_12_9)
    assert emulator.admin.retire_image(DEBIAN_12_9) == {"retired": DEBIAN_12_9}
    assert DEBIAN_12_9 not in [i.image_id for i in _images(ecs, m, status="ALL")]
    assert _images(ecs, m, image_id=DEBIAN_12_9) == []
    with pytest.raises(ClientException) as raised:
        _run(ecs, m, network, DEBIAN_12_9)
    assert (raised.value.code, raised.value.status_code) == ("InvalidImageId.NotFound", 404)
    assert _instance(ecs, m, instance_id).image_id == DEBIAN_12_9  # the running instance keeps its image
    assert len(emulator.admin.state()["instance"]) == 1
    assert _admin_error(emulator, f"/catalog/images/{DEBIAN_12_9}/retire")[0] == 404
    assert _admin_error(emulator, "/catalog/images/no-such-image/retire")[0] == 404
    assert _newest_debian_12(ecs, m) == "debian_12_6_x64_20G_alibase_20240823.vhd"


def test_reset_restores_the_images(emulator, ecs, m):
    emulator.admin.publish_image(NEWER)
    emulator.admin.retire_image(DEBIAN_12_9)
    emulator.admin.reset()
    assert sorted(i.image_id for i in _images(ecs, m)) == sorted(i["ImageId"] for i in IMAGES)


def test_run_instances_by_image_family(emulator, ecs, m, network):
    """ImageFamily instead of ImageId: the family's newest Available image; the instance shows which it got."""
    emulator.admin.publish_image({**NEWER, "ImageId": "debian_12_11_old.vhd", "CreationTime": "2025-06-01T00:00:00Z"})
    emulator.admin.publish_image(NEWER)
    instance_id = _run_family(ecs, m, network, family="acs:debian_12_11_x64")
    assert _instance(ecs, m, instance_id).image_id == NEWER["ImageId"]
    emulator.admin.retire_image(NEWER["ImageId"])
    assert _instance(ecs, m, _run_family(ecs, m, network, "acs:debian_12_11_x64")).image_id == "debian_12_11_old.vhd"
    for family, image_id, code, status in (
        ("acs:debian_12_x64", None, "InvalidImageFamily.MissingAvailableImage", 403),
        ("acs:debian_12_9_x64", DEBIAN_12_9, "UnexpectedImageFamily.ImageIdSupplied", 400),
        (None, None, "MissingImageId", 400),
    ):
        with pytest.raises(ClientException) as raised:
            _run_family(ecs, m, network, family, image_id=image_id)
        assert (raised.value.code, raised.value.status_code) == (code, status)
    assert len(emulator.admin.state()["instance"]) == 2


def _run_family(ecs, m, network, family, image_id=None):
    groups = ecs.describe_security_groups(m.DescribeSecurityGroupsRequest(region_id=REGION)).body
    existing = groups.security_groups.security_group
    group = (
        existing[0].security_group_id
        if existing
        else ecs.create_security_group(
            m.CreateSecurityGroupRequest(region_id=REGION, vpc_id=network["vpc_id"], security_group_name="web")
        ).body.security_group_id
    )
    request = m.RunInstancesRequest(
        region_id=REGION,
        image_family=family,
        image_id=image_id,
        instance_type="ecs.u1-c1m1.large",
        v_switch_id=network["vswitch_ids"][0],
        security_group_id=group,
    )
    return ecs.run_instances(request).body.instance_id_sets.instance_id_set[0]
