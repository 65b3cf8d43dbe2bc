"""ECS regions, zones, images and key pairs through the real SDK client."""

import json

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from alicloud_emulator.catalog import INSTANCE_TYPES, REGIONS
from alicloud_emulator.testing import sdk_models

REGION = "cn-hangzhou"
# Public keys made with ssh-keygen, and the MD5 fingerprints `ssh-keygen -l -E md5` printed for them.
ED25519_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFbqr6fkinQJ8ahVFiIJtNOR018jwLeL7MapdDKNfohe root@vm"
ED25519_FINGERPRINT = "7aa9a2c17a01347487957ffc9f6846fd"
RSA_KEY = (
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC6xWS0hHmT/0H68DMFNfWuJNnfezsJOZFeA6JYeTx9/QtXcgM1igfy0cPgPcoR6D7yq76m0kD"
    "Vpxx6Wb/JfXEqXa9fewqmicoY2EpOKlFFDZRRItmf5NWsvyw/iL4vsZW7N05quOBFLZtZ5rVvwnobj8LmQdCNc4BFsbV+mymt1tJ4t86c+X6/Oww"
    "K3DO/vlNx1fLRmEWcYCvdU1/NLeO806VW+0W2JHiLxXHsfdn0YzJg1PEgHnS4v02BaXwzq3KbR6FfOIFAXh6hbMiRZ/zwm4TPJVrjp345GZWGrUL"
    "ORgvXDaa4PqV0mbNYFenw4hGQp02D5RQr+2LMPXQR5fnH root@vm"
)
RSA_FINGERPRINT = "5a31e759e7ced7a70048c85e8b749d32"
ECDSA_KEY = (
    "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBMIAikwr4PbDmzbmB+wnq/cYV0n6DF+DXCcqnwmyYj"
    "F101H8XKHEEb+B8Q5HkfV9azaXJiPk5QKMz1SCoeyaYyc= root@vm"
)
ECDSA_FINGERPRINT = "ccfd137c93ce8eadc4c01b012ad6e5c7"


@pytest.fixture
def ecs(emulator):
    return emulator.client("ecs")


@pytest.fixture
def m():
    return sdk_models("ecs")


def _raises(call, code, status):
    with pytest.raises(ClientException) as raised:
        call()
    assert (raised.value.code, raised.value.status_code) == (code, status)


# regions and zones ----------------------------------------------------------------------------
def test_describe_regions(ecs, m):
    regions = ecs.describe_regions(m.DescribeRegionsRequest()).body.regions.region
    assert [r.region_id for r in regions] == list(REGIONS)
    hangzhou = regions[0]
    assert (hangzhou.local_name, hangzhou.region_endpoint, hangzhou.status) == (
        "华东1（杭州）",
        "ecs.cn-hangzhou.aliyuncs.com",
        "available",
    )
    _raises(
        lambda: ecs.describe_regions(m.DescribeRegionsRequest(accept_language="xx")),
        "InvalidAcceptLanguage.NotFound",
        404,
    )
    _raises(
        lambda: ecs.describe_regions(m.DescribeRegionsRequest(resource_type="ship")),
        "InvalidResourceType.NotFound",
        404,
    )
    _raises(
        lambda: ecs.describe_regions(m.DescribeRegionsRequest(instance_charge_type="Free")),
        "Invalid.InstanceChargeType",
        403,
    )


def test_describe_zones(ecs, m):
    zones = ecs.describe_zones(m.DescribeZonesRequest(region_id="cn-shanghai")).body.zones.zone
    assert [z.zone_id for z in zones] == list(REGIONS["cn-shanghai"]["Zones"])
    zone = zones[0]
    assert (zone.zone_type, zone.local_name) == ("AvailabilityZone", "华东2 可用区 E")
    assert "Instance" in zone.available_resource_creation.resource_types
    assert sorted(zone.available_instance_types.instance_types) == sorted(INSTANCE_TYPES)
    assert "cloud_essd" in zone.available_disk_categories.disk_categories
    resources = zone.available_resources.resources_info[0]
    assert resources.network_types.supported_network_category == ["vpc"]
    assert sorted(resources.instance_types.supported_instance_type) == sorted(INSTANCE_TYPES)
    assert "ecs.g7" in resources.instance_type_families.supported_instance_type_family

    brief = ecs.describe_zones(m.DescribeZonesRequest(region_id=REGION, verbose=False)).body.zones.zone
    assert [z.zone_id for z in brief] == list(REGIONS[REGION]["Zones"])
    assert brief[0].available_instance_types is None
    _raises(lambda: ecs.describe_zones(m.DescribeZonesRequest(region_id="mars-1")), "InvalidRegionId.NotFound", 404)
    _raises(
        lambda: ecs.describe_zones(m.DescribeZonesRequest(region_id=REGION, spot_strategy="Cheap")),
        "InvalidSpotStrategy",
        400,
    )
    _raises(
        lambda: ecs.describe_zones(m.DescribeZonesRequest(region_id=REGION, instance_charge_type="Free")),
        "InvalidInstanceChargeType.NotFound",
        404,
    )


# images -----------------------------------------------------------------------------------------
DEBIAN_13_2, DEBIAN_13_1 = "debian_13_2_x64_20G_alibase_20251121.vhd", "debian_13_1_x64_20G_alibase_20250926.vhd"


def _image_ids(ecs, m, **filters):
    body = ecs.describe_images(m.DescribeImagesRequest(region_id=REGION, **filters)).body
    return [i.image_id for i in body.images.image]


def test_describe_images_lists_the_catalog_by_image_id(emulator, ecs, m):
    body = ecs.describe_images(m.DescribeImagesRequest(region_id=REGION, page_size=100)).body
    images = body.images.image
    catalog = emulator.emulator.catalog.images
    assert (body.total_count, body.region_id) == (len(catalog), REGION)
    assert [i.image_id for i in images] == sorted(i["ImageId"] for i in catalog)  # not newest first
    debian = next(i for i in images if i.image_id == "debian_12_9_x64_20G_alibase_20250117.vhd")
    assert (debian.ostype, debian.image_owner_alias, debian.status, debian.architecture) == (
        "linux",
        "system",
        "Available",
        "x86_64",
    )
    assert (debian.image_family, debian.platform, debian.size, debian.usage) == (
        "acs:debian_12_9_x64",
        "Debian",
        20,
        "none",
    )
    assert debian.disk_device_mappings.disk_device_mapping[0].type == "system"
    trixie = next(i for i in images if i.image_id == DEBIAN_13_2)
    assert (trixie.image_family, trixie.platform, trixie.osname_en) == (
        "acs:debian_13_2_x64",
        "Debian",
        "Debian  13.2 64 bit",
    )
    assert trixie.creation_time > debian.creation_time  # the newest public Debian image


def test_describe_images_filters(emulator, ecs, m):
    debian_new, debian_old = "debian_12_9_x64_20G_alibase_20250117.vhd", "debian_12_6_x64_20G_alibase_20240823.vhd"
    assert _image_ids(ecs, m, image_id=debian_old) == [debian_old]
    assert _image_ids(ecs, m, image_name="debian_12_*") == [debian_old, debian_new]
    assert _image_ids(ecs, m, image_name="*ubuntu*") == ["ubuntu_22_04_x64_20G_alibase_20250113.vhd"]
    assert _image_ids(ecs, m, image_name="debian_12") == []
    assert _image_ids(ecs, m, image_family="acs:debian_12_9_x64") == [debian_new]
    assert _image_ids(ecs, m, image_family="acs:debian_12_x64") == []  # no such family in the real cloud
    assert _image_ids(ecs, m, image_name="debian_13_*") == [DEBIAN_13_1, DEBIAN_13_2]
    assert _image_ids(ecs, m, image_family="acs:debian_13_2_x64") == [DEBIAN_13_2]
    assert len(_image_ids(ecs, m, ostype="linux")) == 6 and _image_ids(ecs, m, ostype="windows") == []
    assert len(_image_ids(ecs, m, image_owner_alias="system")) == 6
    assert _image_ids(ecs, m, image_owner_alias="self") == []
    assert _image_ids(ecs, m, status="Deprecated") == [] and len(_image_ids(ecs, m, status="ALL")) == 6
    _raises(lambda: _image_ids(ecs, m, image_owner_alias="me"), "InvalidImageOwnerAlias.ValueNotSupported", 400)
    _raises(lambda: _image_ids(ecs, m, ostype="beos"), "InvalidOSType", 404)
    _raises(lambda: _image_ids(ecs, m, architecture="sparc"), "InvalidArchitecture", 404)
    assert len(_image_ids(ecs, m, architecture="x86_64")) == 6 and _image_ids(ecs, m, architecture="arm64") == []
    _raises(lambda: _image_ids(ecs, m, instance_type="ecs.huge"), "InvalidInstanceType.ValueNotSupported", 400)
    _raises(lambda: _image_ids(ecs, m, dry_run=True), "DryRunOperation", 400)

    emulator.emulator.store.add(
        "instance", "i-test", {"InstanceId": "i-test", "ImageId": debian_old, "_security_group_ids": []}, region=REGION
    )
    used = ecs.describe_images(m.DescribeImagesRequest(region_id=REGION, image_id=debian_old)).body.images.image[0]
    assert used.usage == "instance"


def test_describe_images_pages(ecs, m):
    every = _image_ids(ecs, m, page_size=100)
    body = ecs.describe_images(m.DescribeImagesRequest(region_id=REGION, page_number=2, page_size=3)).body
    assert (body.total_count, body.page_number, body.page_size) == (6, 2, 3)
    assert [i.image_id for i in body.images.image] == every[3:]
    _raises(lambda: _image_ids(ecs, m, page_size=101), "InvalidParameter", 400)


def test_runtime_images_join_the_catalog(emulator, ecs, m):
    emulator.emulator.catalog.add_image(
        {
            "ImageId": "m-local-debian",
            "ImageName": "local-debian",
            "ImageFamily": "local",
            "OSName": "Debian 12",
            "OSNameEn": "Debian 12",
            "Platform": "Debian",
            "CreationTime": "2030-01-01T00:00:00Z",
            "Size": 20,
        }
    )
    try:
        assert "m-local-debian" in _image_ids(ecs, m, page_size=100)
        emulator.admin.reset()  # a runtime's image outlives a reset
        assert "m-local-debian" in _image_ids(ecs, m, page_size=100)
    finally:
        emulator.emulator.catalog.images = [
            i for i in emulator.emulator.catalog.images if i["ImageId"] != "m-local-debian"
        ]


# key pairs --------------------------------------------------------------------------------------
def _import(ecs, m, name, key=ED25519_KEY, **kwargs):
    return ecs.import_key_pair(
        m.ImportKeyPairRequest(region_id=REGION, key_pair_name=name, public_key_body=key, **kwargs)
    ).body


def _key_names(ecs, m, **filters):
    body = ecs.describe_key_pairs(m.DescribeKeyPairsRequest(region_id=REGION, **filters)).body
    return [k.key_pair_name for k in body.key_pairs.key_pair]


@pytest.mark.parametrize(
    "key, fingerprint",
    [(ED25519_KEY, ED25519_FINGERPRINT), (RSA_KEY, RSA_FINGERPRINT), (ECDSA_KEY, ECDSA_FINGERPRINT)],
)
def test_import_key_pair_reports_the_md5_fingerprint(ecs, m, key, fingerprint):
    body = _import(ecs, m, "deploy", key)
    assert (body.key_pair_name, body.key_pair_finger_print) == ("deploy", fingerprint)
    assert body.request_id


def test_import_describe_delete_key_pair(ecs, m):
    _import(ecs, m, "deploy", tag=[m.ImportKeyPairRequestTag(key="app", value="ha-web")])
    body = ecs.describe_key_pairs(
        m.DescribeKeyPairsRequest(region_id=REGION, key_pair_name="deploy", include_public_key=True)
    ).body
    assert body.total_count == 1
    found = body.key_pairs.key_pair[0]
    assert (found.key_pair_name, found.key_pair_finger_print, found.public_key) == (
        "deploy",
        ED25519_FINGERPRINT,
        ED25519_KEY,
    )
    assert len(found.creation_time) == len("2023-09-04T08:33Z") and found.creation_time.endswith("Z")
    assert {t.tag_key: t.tag_value for t in found.tags.tag} == {"app": "ha-web"}
    without_key = ecs.describe_key_pairs(m.DescribeKeyPairsRequest(region_id=REGION, key_pair_name="deploy")).body
    assert without_key.key_pairs.key_pair[0].public_key is None
    assert _key_names(ecs, m) == ["deploy"]
    assert ecs.describe_key_pairs(m.DescribeKeyPairsRequest(region_id="cn-beijing")).body.total_count == 0

    ecs.delete_key_pairs(m.DeleteKeyPairsRequest(region_id=REGION, key_pair_names=json.dumps(["deploy", "unknown"])))
    assert _key_names(ecs, m) == []
    ecs.delete_key_pairs(m.DeleteKeyPairsRequest(region_id=REGION, key_pair_names='["deploy"]'))  # gone: ignored


def test_a_key_pair_is_named_within_its_region(ecs, m):
    """The same name in two regions is two key pairs; each region lists, tags and deletes only its own."""
    _import(ecs, m, "deploy", ED25519_KEY)
    ecs.import_key_pair(m.ImportKeyPairRequest(region_id="cn-beijing", key_pair_name="deploy", public_key_body=RSA_KEY))

    def listed(region):
        body = ecs.describe_key_pairs(m.DescribeKeyPairsRequest(region_id=region)).body
        return [(k.key_pair_name, k.key_pair_finger_print) for k in body.key_pairs.key_pair]

    assert listed(REGION) == [("deploy", ED25519_FINGERPRINT)]
    assert listed("cn-beijing") == [("deploy", RSA_FINGERPRINT)]
    ecs.tag_resources(
        m.TagResourcesRequest(
            region_id="cn-beijing", resource_type="keypair", resource_id=["deploy"],
            tag=[m.TagResourcesRequestTag(key="where", value="beijing")],
        )
    )  # fmt: skip
    assert _key_names(ecs, m, tag=[m.DescribeKeyPairsRequestTag(key="where")]) == []
    ecs.delete_key_pairs(m.DeleteKeyPairsRequest(region_id="cn-beijing", key_pair_names='["deploy"]'))
    assert (listed(REGION), listed("cn-beijing")) == ([("deploy", ED25519_FINGERPRINT)], [])


def test_import_key_pair_rejects_bad_input(ecs, m):
    _import(ecs, m, "deploy")
    _raises(lambda: _import(ecs, m, "deploy", RSA_KEY), "KeyPair.AlreadyExist", 409)
    _raises(lambda: _import(ecs, m, "9lives"), "InvalidKeyPairName.Malformed", 400)
    _raises(lambda: _import(ecs, m, "a"), "InvalidKeyPairName.Malformed", 400)
    _raises(lambda: _import(ecs, m, "bad name"), "InvalidKeyPairName.Malformed", 400)
    for key in (
        "not a key",
        "ssh-rsa",
        "ssh-rsa !!notbase64!!",
        "ssh-foo " + ED25519_KEY.split()[1],
        "ssh-rsa " + ED25519_KEY.split()[1],  # the blob says ed25519
        "-----BEGIN PUBLIC KEY-----",
    ):
        _raises(lambda key=key: _import(ecs, m, "other", key), "InvalidPublicKeyBody.Malformed", 400)
    _raises(
        lambda: ecs.import_key_pair(m.ImportKeyPairRequest(region_id=REGION, key_pair_name="other")),
        "MissingPublicKeyBody",
        400,
    )
    assert _key_names(ecs, m) == ["deploy"]


def test_describe_key_pairs_filters_and_pages(ecs, m):
    _import(ecs, m, "web-1", tag=[m.ImportKeyPairRequestTag(key="role", value="web")])
    _import(ecs, m, "web-2", RSA_KEY, tag=[m.ImportKeyPairRequestTag(key="role", value="web")])
    _import(ecs, m, "db-1", ECDSA_KEY, tag=[m.ImportKeyPairRequestTag(key="role", value="db")])
    assert _key_names(ecs, m, key_pair_name="web-*") == ["web-1", "web-2"]
    assert _key_names(ecs, m, key_pair_name="*-1") == ["web-1", "db-1"]
    assert _key_names(ecs, m, key_pair_name="web") == []
    assert _key_names(ecs, m, key_pair_finger_print=RSA_FINGERPRINT) == ["web-2"]
    assert _key_names(ecs, m, tag=[m.DescribeKeyPairsRequestTag(key="role", value="db")]) == ["db-1"]
    body = ecs.describe_key_pairs(m.DescribeKeyPairsRequest(region_id=REGION, page_number=2, page_size=2)).body
    assert (body.total_count, body.page_number, body.page_size) == (3, 2, 2)
    assert [k.key_pair_name for k in body.key_pairs.key_pair] == ["db-1"]


def test_delete_key_pairs_checks_its_input_and_attached_instances(emulator, ecs, m):
    _import(ecs, m, "deploy")
    _import(ecs, m, "spare", RSA_KEY)
    for names in ("deploy", "[]", '{"a": 1}', json.dumps([f"k{n}" for n in range(101)])):
        _raises(
            lambda names=names: ecs.delete_key_pairs(m.DeleteKeyPairsRequest(region_id=REGION, key_pair_names=names)),
            "InvalidKeyPairNames.ValueNotSupported",
            400,
        )
    _raises(lambda: ecs.delete_key_pairs(m.DeleteKeyPairsRequest(region_id=REGION)), "MissingKeyPairNames", 400)
    emulator.emulator.store.add(
        "instance",
        "i-test",
        {"InstanceId": "i-test", "KeyPairName": "deploy", "_security_group_ids": []},
        region=REGION,
    )
    _raises(
        lambda: ecs.delete_key_pairs(m.DeleteKeyPairsRequest(region_id=REGION, key_pair_names='["spare", "deploy"]')),
        "InvalidParameter.KeypairAlreadyAttachedInstance",
        400,
    )
    assert _key_names(ecs, m) == ["deploy", "spare"]  # nothing was deleted
    ecs.delete_key_pairs(m.DeleteKeyPairsRequest(region_id=REGION, key_pair_names='["spare"]'))
    assert _key_names(ecs, m) == ["deploy"]


def test_tag_resources_on_key_pairs(ecs, m):
    _import(ecs, m, "deploy")
    _import(ecs, m, "spare", RSA_KEY)
    ecs.tag_resources(
        m.TagResourcesRequest(
            region_id=REGION,
            resource_type="keypair",
            resource_id=["deploy"],
            tag=[m.TagResourcesRequestTag(key="env", value="test")],
        )
    )
    listed = ecs.list_tag_resources(
        m.ListTagResourcesRequest(region_id=REGION, resource_type="keypair", resource_id=["deploy", "spare"])
    ).body.tag_resources.tag_resource
    assert [(t.resource_id, t.resource_type, t.tag_key, t.tag_value) for t in listed] == [
        ("deploy", "keypair", "env", "test")
    ]
    assert _key_names(ecs, m, tag=[m.DescribeKeyPairsRequestTag(key="env")]) == ["deploy"]
