"""What a zone can sell, through the real SDK client: ECS DescribeZones per zone, DescribeAvailableResource, the
stock set over the admin API, and how RunInstances fails as the real API does (no stock, zone closed, a type the
zone does not offer, an unknown type, an account that may not buy spot)."""

import json
import urllib.error

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from alicloud_emulator.catalog import INSTANCE_TYPES, REGIONS
from alicloud_emulator.testing import sdk_models

REGION = "cn-hangzhou"
DEBIAN = "debian_12_9_x64_20G_alibase_20250117.vhd"
U1 = "ecs.u1-c1m1.large"  # the local inventory's type
U1_BIG = "ecs.u1-c1m2.large"
G7 = "ecs.g7.large"


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
    return raised.value


def _available(ecs, m, destination, **filters):
    """{zone: (zone Status, StatusCategory, {value: (Status, StatusCategory)})} of a DescribeAvailableResource."""
    request = m.DescribeAvailableResourceRequest(region_id=REGION, destination_resource=destination, **filters)
    body = ecs.describe_available_resource(request).body
    found = {}
    for zone in body.available_zones.available_zone:
        [resource] = zone.available_resources.available_resource
        assert resource.type == destination
        values = {r.value: (r.status, r.status_category) for r in resource.supported_resources.supported_resource}
        found[zone.zone_id] = (zone.status, zone.status_category, values)
    return found


@pytest.fixture
def group(ecs, m, network):
    request = m.CreateSecurityGroupRequest(region_id=REGION, vpc_id=network["vpc_id"], security_group_name="web")
    return ecs.create_security_group(request).body.security_group_id


def _run_request(m, vswitch_id, group_id, **kwargs):
    return m.RunInstancesRequest(
        region_id=REGION,
        image_id=kwargs.pop("image_id", DEBIAN),
        instance_type=kwargs.pop("instance_type", U1),
        v_switch_id=vswitch_id,
        security_group_id=group_id,
        system_disk=m.RunInstancesRequestSystemDisk(category=kwargs.pop("system_disk_category", "cloud_essd")),
        **kwargs,
    )


def _instances(emulator):
    return emulator.admin.state().get("instance", {})


def _vswitch_in(emulator, network, zone, cidr):
    vpc = emulator.client("vpc")
    models = sdk_models("vpc")
    request = models.CreateVSwitchRequest(region_id=REGION, vpc_id=network["vpc_id"], zone_id=zone, cidr_block=cidr)
    return vpc.create_vswitch(request).body.v_switch_id


def _admin_error(emulator, path, payload):
    with pytest.raises(urllib.error.HTTPError) as raised:
        emulator.admin.call("POST", path, payload)
    return raised.value.code, json.load(raised.value)["error"]


# DescribeZones ----------------------------------------------------------------------------------
def test_describe_zones_lists_what_each_zone_offers(ecs, m):
    zones = {z.zone_id: z for z in ecs.describe_zones(m.DescribeZonesRequest(region_id=REGION)).body.zones.zone}
    assert list(zones) == list(REGIONS[REGION]["Zones"])
    for zone_id in ("cn-hangzhou-j", "cn-hangzhou-k"):  # the local inventory's zones fit its defaults
        zone = zones[zone_id]
        assert {U1, U1_BIG} <= set(zone.available_instance_types.instance_types)
        assert "cloud_essd" in zone.available_disk_categories.disk_categories
        assert {"Instance", "VSwitch"} <= set(zone.available_resource_creation.resource_types)
    h = zones["cn-hangzhou-h"]
    assert U1 not in h.available_instance_types.instance_types
    assert sorted(h.available_instance_types.instance_types) == sorted(t for t in INSTANCE_TYPES if "u1-" not in t)
    assert "ecs.u1" not in h.available_resources.resources_info[0].instance_type_families.supported_instance_type_family
    g = zones["cn-hangzhou-g"]
    assert "cloud_essd_entry" not in g.available_disk_categories.disk_categories
    assert "cloud_essd_entry" in zones["cn-hangzhou-j"].available_disk_categories.disk_categories


def test_describe_zones_lists_types_out_of_stock(emulator, ecs, m):
    """As on a real account, DescribeZones says what a zone offers, not what it has in stock."""
    emulator.admin.set_stock(REGION, "cn-hangzhou-j", "ClosedWithoutStock")
    zones = {z.zone_id: z for z in ecs.describe_zones(m.DescribeZonesRequest(region_id=REGION)).body.zones.zone}
    assert U1 in zones["cn-hangzhou-j"].available_instance_types.instance_types


# DescribeAvailableResource ------------------------------------------------------------------------
def test_available_resource_zone_everything_in_stock(ecs, m):
    found = _available(ecs, m, "Zone", io_optimized="optimized", instance_type=U1)
    assert list(found) == ["cn-hangzhou-g", "cn-hangzhou-i", "cn-hangzhou-j", "cn-hangzhou-k"]  # h lacks ecs.u1
    assert found["cn-hangzhou-j"] == (
        "Available",
        "WithStock",
        {"cn-hangzhou-j": ("Available", "WithStock")},
    )


def test_available_resource_filters(ecs, m):
    assert list(_available(ecs, m, "Zone", zone_id="cn-hangzhou-k")) == ["cn-hangzhou-k"]
    by_disk = _available(ecs, m, "Zone", instance_type=U1, system_disk_category="cloud_essd_entry")
    assert "cn-hangzhou-g" not in by_disk and "cn-hangzhou-j" in by_disk
    assert _available(ecs, m, "Zone", io_optimized="none") == {}
    assert _available(ecs, m, "Zone", instance_type="ecs.nothing.large") == {}


def test_available_resource_instance_types_and_system_disks(emulator, ecs, m):
    emulator.admin.set_stock(REGION, "cn-hangzhou-j", "WithoutStock", instance_type=U1)
    types = _available(ecs, m, "InstanceType", zone_id="cn-hangzhou-j")["cn-hangzhou-j"]
    assert types[0:2] == ("Available", "WithStock")  # the zone still has other types
    assert types[2][U1] == ("SoldOut", "WithoutStock")
    assert types[2][G7] == ("Available", "WithStock")
    request = m.DescribeAvailableResourceRequest(
        region_id=REGION, destination_resource="SystemDisk", zone_id="cn-hangzhou-j", instance_type=G7
    )
    [zone] = ecs.describe_available_resource(request).body.available_zones.available_zone
    disks = {d.value: d for d in zone.available_resources.available_resource[0].supported_resources.supported_resource}
    assert set(disks) == set(REGIONS[REGION]["Zones"]["cn-hangzhou-j"]["DiskCategories"])
    essd = disks["cloud_essd"]
    assert (essd.min, essd.max, essd.unit, essd.status, essd.status_category) == (
        20,
        2048,
        "GiB",
        "Available",
        "WithStock",
    )
    only = _available(ecs, m, "SystemDisk", zone_id="cn-hangzhou-j", system_disk_category="cloud_essd")
    assert list(only["cn-hangzhou-j"][2]) == ["cloud_essd"]


def test_available_resource_zone_status_follows_stock(emulator, ecs, m):
    admin = emulator.admin
    admin.set_stock(REGION, "cn-hangzhou-j", "WithoutStock", instance_type=U1)
    admin.set_stock(REGION, "cn-hangzhou-k", "ClosedWithStock")
    admin.set_stock(REGION, "cn-hangzhou-g", "ClosedWithoutStock")
    found = _available(ecs, m, "Zone", instance_type=U1)
    assert found["cn-hangzhou-j"][:2] == ("SoldOut", "WithoutStock")
    assert found["cn-hangzhou-k"][:2] == ("Available", "ClosedWithStock")
    assert found["cn-hangzhou-g"][:2] == ("SoldOut", "ClosedWithoutStock")
    assert found["cn-hangzhou-i"][:2] == ("Available", "WithStock")
    # A zone with other types still in stock is Available when no type is asked for.
    assert _available(ecs, m, "Zone", zone_id="cn-hangzhou-j")["cn-hangzhou-j"][:2] == ("Available", "WithStock")


def test_spot_only_stock(emulator, ecs, m):
    emulator.admin.set_stock(REGION, "cn-hangzhou-j", "WithoutStock", instance_type=U1, spot=True)
    spot = _available(ecs, m, "Zone", instance_type=U1, spot_strategy="SpotAsPriceGo")
    on_demand = _available(ecs, m, "Zone", instance_type=U1)
    assert spot["cn-hangzhou-j"][:2] == ("SoldOut", "WithoutStock")
    assert on_demand["cn-hangzhou-j"][:2] == ("Available", "WithStock")


def test_available_resource_bad_requests(ecs, m):
    def call(**kwargs):
        request = m.DescribeAvailableResourceRequest(region_id=REGION, **kwargs)
        return lambda: ecs.describe_available_resource(request)

    _raises(call(), "MissingDestinationResource", 400)
    _raises(call(destination_resource="Planet"), "InvalidParameter", 400)
    _raises(call(destination_resource="Zone", spot_strategy="Cheap"), "InvalidSpotStrategy", 400)
    _raises(call(destination_resource="Zone", instance_charge_type="Free"), "InvalidInstanceChargeType.NotFound", 404)
    _raises(call(destination_resource="Zone", zone_id="cn-hangzhou-z"), "InvalidZoneId.NotFound", 404)


# the admin API ------------------------------------------------------------------------------------
def test_stock_admin_lists_validates_and_resets(emulator):
    admin = emulator.admin
    assert admin.call("GET", "/catalog/stock") == {"stock": []}
    listed = admin.set_stock(REGION, "cn-hangzhou-j", "WithoutStock", instance_type=U1, spot=True)
    assert listed == {
        "stock": [
            {
                "region_id": REGION,
                "zone_id": "cn-hangzhou-j",
                "instance_type": U1,
                "spot": True,
                "status": "WithoutStock",
            }
        ]
    }
    assert (
        _admin_error(
            emulator, "/catalog/stock", {"region_id": REGION, "zone_id": "cn-hangzhou-z", "status": "WithStock"}
        )[0]
        == 400
    )
    code, message = _admin_error(
        emulator, "/catalog/stock", {"region_id": REGION, "zone_id": "cn-hangzhou-j", "status": "Plenty"}
    )
    assert code == 400 and "WithoutStock" in message
    code, message = _admin_error(
        emulator,
        "/catalog/stock",
        {"region_id": REGION, "zone_id": "cn-hangzhou-h", "instance_type": U1, "status": "WithStock"},
    )
    assert code == 400 and "does not offer" in message
    assert _admin_error(emulator, "/catalog/account", {"spot_supported": "no"})[0] == 400
    assert admin.set_account(False) == {"spot_supported": False}
    admin.reset()
    assert admin.call("GET", "/catalog/stock") == {"stock": []}
    assert admin.call("GET", "/catalog/account") == {"spot_supported": True}


# RunInstances -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("stock", "code", "status"),
    [
        ({"instance_type": U1, "status": "WithoutStock"}, "OperationDenied.NoStock", 403),
        ({"status": "WithoutStock"}, "OperationDenied.NoStock", 403),
        ({"status": "ClosedWithoutStock"}, "Zone.NotOnSale", 403),
        ({"instance_type": U1, "status": "ClosedWithoutStock"}, "Zone.NotOnSale", 403),
    ],
)
def test_run_instances_out_of_stock(emulator, ecs, m, network, group, stock, code, status):
    emulator.admin.set_stock(REGION, "cn-hangzhou-j", **stock)
    vsw_j, vsw_k = network["vswitch_ids"]
    error = _raises(lambda: ecs.run_instances(_run_request(m, vsw_j, group)), code, status)
    assert "zone" in error.message.lower()
    assert _instances(emulator) == {}
    ecs.run_instances(_run_request(m, vsw_k, group))  # another zone still sells it
    assert len(_instances(emulator)) == 1


def test_run_instances_low_stock_still_sells(emulator, ecs, m, network, group):
    emulator.admin.set_stock(REGION, "cn-hangzhou-j", "ClosedWithStock", instance_type=U1)
    ecs.run_instances(_run_request(m, network["vswitch_ids"][0], group))
    assert len(_instances(emulator)) == 1


def test_run_instances_type_and_disk_the_zone_does_not_offer(emulator, ecs, m, network, group):
    vsw_h = _vswitch_in(emulator, network, "cn-hangzhou-h", "192.168.3.0/24")
    _raises(lambda: ecs.run_instances(_run_request(m, vsw_h, group)), "InvalidInstanceType.ZoneNotSupported", 403)
    vsw_g = _vswitch_in(emulator, network, "cn-hangzhou-g", "192.168.4.0/24")
    _raises(
        lambda: ecs.run_instances(_run_request(m, vsw_g, group, system_disk_category="cloud_essd_entry")),
        "OperationDenied.ZoneSystemCategoryNotMatch",
        403,
    )
    _raises(
        lambda: ecs.run_instances(_run_request(m, network["vswitch_ids"][0], group, instance_type="ecs.x9.huge")),
        "InvalidInstanceType.ValueNotSupported",
        400,
    )
    assert _instances(emulator) == {}
    ecs.run_instances(_run_request(m, vsw_h, group, instance_type=G7))  # a type the zone offers
    assert len(_instances(emulator)) == 1


def test_account_without_spot(emulator, ecs, m, network, group):
    emulator.admin.set_account(False)
    vsw = network["vswitch_ids"][0]
    for strategy in ("SpotAsPriceGo", "SpotWithPriceLimit"):
        _raises(
            lambda s=strategy: ecs.run_instances(_run_request(m, vsw, group, spot_strategy=s)),
            "InvalidAccount.NotSupportSpot",
            400,
        )
    assert _instances(emulator) == {}
    ecs.run_instances(_run_request(m, vsw, group, spot_strategy="NoSpot"))
    assert len(_instances(emulator)) == 1


def test_spot_only_stock_leaves_pay_as_you_go(emulator, ecs, m, network, group):
    emulator.admin.set_stock(REGION, "cn-hangzhou-j", "WithoutStock", spot=True)
    vsw = network["vswitch_ids"][0]
    _raises(
        lambda: ecs.run_instances(_run_request(m, vsw, group, spot_strategy="SpotAsPriceGo")),
        "OperationDenied.NoStock",
        403,
    )
    ecs.run_instances(_run_request(m, vsw, group))
    assert len(_instances(emulator)) == 1


def test_failed_run_with_a_client_token_creates_nothing_and_answers_alike(emulator, ecs, m, network, group):
    emulator.admin.set_stock(REGION, "cn-hangzhou-j", "WithoutStock", instance_type=U1)
    request = _run_request(m, network["vswitch_ids"][0], group, client_token="run-once-1")
    for _ in range(2):
        _raises(lambda: ecs.run_instances(request), "OperationDenied.NoStock", 403)
    assert _instances(emulator) == {}
    # Stock back: the same token now creates, once.
    emulator.admin.set_stock(REGION, "cn-hangzhou-j", "WithStock", instance_type=U1)
    first = ecs.run_instances(request).body.instance_id_sets.instance_id_set
    again = ecs.run_instances(request).body.instance_id_sets.instance_id_set
    assert first == again and len(_instances(emulator)) == 1
