"""ECS zones: the stock answer of DescribeAvailableResource read per zone and type, and what a zone offers."""

from ansible_collections.ha_web.alicloud.plugins.module_utils.ecs import instance_type_stock, zone_offer
from ansible_collections.ha_web.alicloud.plugins.module_utils.nas import zone_offers

SMALL, OTHER = "ecs.u1-c1m1.large", "ecs.e-c1m2.large"


def available_zone(zone_id, category, types):
    return {
        "ZoneId": zone_id,
        "Status": "Available" if category in ("WithStock", "ClosedWithStock") else "SoldOut",
        "StatusCategory": category,
        "AvailableResources": {
            "AvailableResource": [
                {
                    "Type": "InstanceType",
                    "SupportedResources": {
                        "SupportedResource": [
                            {"Value": t, "Status": "Available" if c == "WithStock" else "SoldOut", "StatusCategory": c}
                            for t, c in types.items()
                        ]
                    },
                }
            ]
        },
    }


def ecs_zone(zone_id, types, disks=("cloud_essd",), creatable=("Instance", "VSwitch", "Disk")):
    return {
        "ZoneId": zone_id,
        "LocalName": zone_id,
        "AvailableInstanceTypes": {"InstanceTypes": list(types)},
        "AvailableDiskCategories": {"DiskCategories": list(disks)},
        "AvailableResourceCreation": {"ResourceTypes": list(creatable)},
    }


def test_stock_per_zone_and_type():
    body = {
        "AvailableZones": {
            "AvailableZone": [
                available_zone("z-j", "WithStock", {SMALL: "WithoutStock", OTHER: "WithStock"}),
                available_zone("z-k", "WithStock", {SMALL: "ClosedWithStock"}),
            ]
        }
    }
    assert instance_type_stock(body) == {
        "z-j": {SMALL: "WithoutStock", OTHER: "WithStock"},
        "z-k": {SMALL: "ClosedWithStock"},
    }


def test_a_closed_zone_sells_none_of_its_types():
    body = {"AvailableZones": {"AvailableZone": [available_zone("z-j", "ClosedWithoutStock", {SMALL: "WithStock"})]}}
    assert instance_type_stock(body) == {"z-j": {SMALL: "ClosedWithoutStock"}}


def test_an_empty_answer_is_no_stock():
    assert instance_type_stock({}) == {}


def test_a_zone_with_the_second_type_in_stock_serves_with_it():
    offer = zone_offer(
        ecs_zone("z-j", [SMALL, OTHER]), {SMALL: "WithoutStock", OTHER: "WithStock"}, [SMALL, OTHER], "cloud_essd"
    )
    assert offer["usable"] is True
    assert offer["instance_types"] == [OTHER]
    assert offer["stock"] == {SMALL: "WithoutStock", OTHER: "WithStock"}
    assert offer["problems"] == []


def test_low_stock_counts_and_preference_order_is_kept():
    offer = zone_offer(
        ecs_zone("z-k", [OTHER, SMALL]), {SMALL: "ClosedWithStock", OTHER: "WithStock"}, [SMALL, OTHER], None
    )
    assert offer["instance_types"] == [SMALL, OTHER]


def test_a_zone_that_cannot_serve_says_why():
    offer = zone_offer(
        ecs_zone("z-x", [SMALL], disks=["cloud_efficiency"], creatable=["Instance"]),
        {SMALL: "WithoutStock"},
        [SMALL, OTHER],
        "cloud_essd",
    )
    assert offer["usable"] is False
    assert offer["stock"] == {SMALL: "WithoutStock", OTHER: "NotOffered"}
    assert len(offer["problems"]) == 3
    assert "ecs.u1-c1m1.large: WithoutStock" in offer["problems"][0]
    assert "ecs.e-c1m2.large: not offered" in offer["problems"][0]
    assert offer["problems"][1:] == ["no cloud_essd system disks", "no vSwitch can be created"]


def test_a_type_in_stock_that_the_zone_does_not_list_is_not_offered():
    offer = zone_offer(ecs_zone("z-j", [OTHER]), {SMALL: "WithStock", OTHER: "WithoutStock"}, [SMALL], None)
    assert offer["usable"] is False


def test_nas_zone_offers_upper_case_protocols():
    zone = {
        "ZoneId": "z-g",
        "InstanceTypes": {
            "InstanceType": [
                {"StorageType": "Capacity", "ProtocolType": "nfs"},
                {"StorageType": "Performance", "ProtocolType": "smb"},
            ]
        },
    }
    assert zone_offers(zone) == [("Capacity", "NFS"), ("Performance", "SMB")]
    assert zone_offers({"ZoneId": "z-h"}) == []
