# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ECS: the instance reads several modules share, the product's not-found codes, and what an instance
looks like in results and in the inventory. Functions take the AlicloudModule first."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.ha_web.alicloud.plugins.module_utils.calls import dig
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import snake_resource

INSTANCE_NOT_FOUND = ("InvalidInstanceId.NotFound",)
KEY_PAIR_NOT_FOUND = ("InvalidKeyPairName.NotFound", "InvalidKeyPair.NotFound")
SECURITY_GROUP_NOT_FOUND = ("InvalidSecurityGroupId.NotFound", "InvalidSecurityGroup.NotFound")


def read_instance(module, instance_id):
    """The instance (DescribeInstances), or None."""
    body = module.call(
        "ecs", "DescribeInstances", {"RegionId": module.region_id, "InstanceIds": json.dumps([instance_id])}
    )
    found = dig(body, "Instances", "Instance") or []
    return found[0] if found else None


def list_instances(module, query):
    """Every instance of the region the query selects (e.g. {"VpcId": ..., "InstanceName": ...}), all pages."""
    return module.paginate(
        "ecs", "DescribeInstances", dict(query, RegionId=module.region_id), ("Instances", "Instance"), 100, token=True
    )


def render_instance(instance):
    """The instance as the collection returns it: snake_case, tags as a dict, plain private/public addresses."""
    if not instance:
        return {}
    result = snake_resource(instance)
    private = dig(instance, "VpcAttributes", "PrivateIpAddress", "IpAddress") or []
    public = dig(instance, "PublicIpAddress", "IpAddress") or []
    eip = dig(instance, "EipAddress", "IpAddress") or ""
    result["private_ip_address"] = private[0] if private else ""
    result["public_ip_address"] = public[0] if public else eip
    return result


# zones, stock and instance types ------------------------------------------------------------------
# DescribeAvailableResource's StatusCategory values that can be bought now (ClosedWithStock: low stock).
USABLE_STOCK = ("WithStock", "ClosedWithStock")
# RunInstances refusals that are about this type in this zone: another type, or another zone, may work.
REFUSED_IN_ZONE = (
    "OperationDenied.NoStock",
    "Zone.NotOnSale",
    "InvalidInstanceType.ZoneNotSupported",
    "InvalidInstanceType.ValueNotSupported",
)
# RunInstances refusals of spot instances for the whole account.
SPOT_REFUSED = ("InvalidAccount.NotSupportSpot",)


def list_zones(module, charge_type, spot_strategy):
    """The region's zones (DescribeZones, verbose): per zone its instance types, disk categories and what
    can be created there."""
    request = {"RegionId": module.region_id, "InstanceChargeType": charge_type, "Verbose": True}
    if charge_type == "PostPaid":
        request["SpotStrategy"] = spot_strategy
    return dig(module.call("ecs", "DescribeZones", request), "Zones", "Zone") or []


def list_instance_type_stock(module, charge_type, spot_strategy):
    """{zone ID: {instance type: StatusCategory}} for the region (DescribeAvailableResource, one call)."""
    request = {
        "RegionId": module.region_id,
        "DestinationResource": "InstanceType",
        "InstanceChargeType": charge_type,
        "IoOptimized": "optimized",
    }
    if charge_type == "PostPaid":
        request["SpotStrategy"] = spot_strategy
    body = module.call("ecs", "DescribeAvailableResource", request)
    return instance_type_stock(body)


def instance_type_stock(body):
    """{zone ID: {instance type: StatusCategory}} from a DescribeAvailableResource answer; a zone that is
    itself sold out gives each of its types the zone's category when that is the harsher one."""
    stock = {}
    for zone in dig(body, "AvailableZones", "AvailableZone") or []:
        zone_category = zone.get("StatusCategory") or ("WithStock" if zone.get("Status") == "Available" else "")
        types = stock.setdefault(zone.get("ZoneId"), {})
        for resource in dig(zone, "AvailableResources", "AvailableResource") or []:
            if resource.get("Type") not in (None, "InstanceType"):
                continue
            for supported in dig(resource, "SupportedResources", "SupportedResource") or []:
                category = supported.get("StatusCategory") or (
                    "WithStock" if supported.get("Status") == "Available" else "WithoutStock"
                )
                if zone_category not in USABLE_STOCK:
                    category = zone_category or "WithoutStock"
                types[supported.get("Value")] = category
    return stock


def zone_offer(zone, stock, instance_types, disk_category):
    """What one zone offers the site: the wanted types that can be bought there (in preference order),
    whether it takes the disk category and vSwitches, and why it cannot serve (empty when it can).

    zone: a DescribeZones entry; stock: {instance type: StatusCategory} of that zone."""
    listed = dig(zone, "AvailableInstanceTypes", "InstanceTypes") or []
    disks = dig(zone, "AvailableDiskCategories", "DiskCategories") or []
    creatable = dig(zone, "AvailableResourceCreation", "ResourceTypes") or []
    usable_types = [t for t in instance_types if t in listed and stock.get(t) in USABLE_STOCK]
    problems = []
    if not usable_types:
        problems.append(
            "none of the instance types %s can be bought (%s)"
            % (
                ", ".join(instance_types),
                ", ".join("%s: %s" % (t, stock.get(t, "not offered")) for t in instance_types),
            )
        )
    if disk_category and disk_category not in disks:
        problems.append("no %s system disks" % disk_category)
    if creatable and "VSwitch" not in creatable:
        problems.append("no vSwitch can be created")
    return {
        "zone_id": zone.get("ZoneId"),
        "local_name": zone.get("LocalName") or "",
        "instance_types": usable_types,
        "stock": {t: stock.get(t, "NotOffered") for t in instance_types},
        "disk_categories": list(disks),
        "usable": not problems,
        "problems": problems,
    }
