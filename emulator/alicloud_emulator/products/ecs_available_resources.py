"""What a zone can sell: ECS DescribeAvailableResource, and the checks RunInstances makes against the same
catalog (the zone offers the type and the disk category, the type is in stock, the account may buy spot).

Stock is set over the admin API (`POST /_emulator/catalog/stock`); everything is `WithStock` until then.
"""

from ..catalog import IN_STOCK, STOCK_STATUSES
from ..errors import invalid_parameter
from . import ecs_errors
from .ecs import ECS

DESTINATION_RESOURCES = ("Zone", "IoOptimized", "InstanceType", "Network", "SystemDisk", "DataDisk")
SPOT_STRATEGIES = ("NoSpot", "SpotWithPriceLimit", "SpotAsPriceGo")
# Size limits in GiB per disk category, as DescribeAvailableResource reports them (Min, Max).
SYSTEM_DISK_LIMITS = {
    "cloud_efficiency": (20, 2048), "cloud_ssd": (20, 2048), "cloud_essd": (20, 2048), "cloud_auto": (1, 2048),
    "cloud_essd_entry": (20, 2048),
}  # fmt: skip
DATA_DISK_LIMITS = {
    "cloud_efficiency": (20, 32768), "cloud_ssd": (20, 32768), "cloud_essd": (20, 65536), "cloud_auto": (1, 65536),
    "cloud_essd_entry": (10, 32768),
}  # fmt: skip


def _status(category):
    return {"Status": "Available" if category in IN_STOCK else "SoldOut", "StatusCategory": category}


def _best(categories):
    """A zone's category: the best of its resources' (WithStock before ClosedWithStock before WithoutStock...)."""
    return min(categories, key=STOCK_STATUSES.index) if categories else "ClosedWithoutStock"


def _query(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    destination = p.str("DestinationResource", required=True)
    if destination not in DESTINATION_RESOURCES:
        valid = f"Valid values: {', '.join(DESTINATION_RESOURCES)}."
        raise invalid_parameter("DestinationResource", destination, valid)
    charge_type = p.str("InstanceChargeType", default="PostPaid")
    if charge_type not in ("PrePaid", "PostPaid"):
        raise ecs_errors.INVALID_INSTANCE_CHARGE_TYPE_NOT_FOUND_IN_QUERY()
    spot = p.str("SpotStrategy", default="NoSpot")
    if spot not in SPOT_STRATEGIES:
        raise ecs_errors.INVALID_SPOT_STRATEGY()
    io_optimized = p.str("IoOptimized", default="optimized", choices=("optimized", "none"))
    zone_id = p.str("ZoneId")
    if zone_id is not None and not ctx.catalog.has_zone(ctx.region, zone_id):
        raise ecs_errors.INVALID_ZONE_ID_NOT_FOUND()
    return {
        "destination": destination,
        "spot": spot != "NoSpot" and charge_type == "PostPaid",
        "io_optimized": io_optimized,
        "zone_id": zone_id,
        "instance_type": p.str("InstanceType"),
        "system_disk": p.str("SystemDiskCategory"),
        "data_disk": p.str("DataDiskCategory"),
    }


def _zone_answer(ctx, zone_id, query):
    """The zone's AvailableZone entry, or None when the filters leave nothing of it."""
    zone = ctx.catalog.zone(ctx.region, zone_id)
    types = zone["InstanceTypes"]
    if query["instance_type"] is not None:
        types = [t for t in types if t == query["instance_type"]]
    disks = zone["DiskCategories"]
    if query["io_optimized"] == "none" or not types:
        return None
    for wanted in (query["system_disk"], query["data_disk"]):
        if wanted is not None and wanted not in disks:
            return None
    type_status = {t: ctx.catalog.stock_status(ctx.region, zone_id, t, query["spot"]) for t in types}
    category = _best(list(type_status.values()))
    destination = query["destination"]
    if destination == "Zone":
        values = [{"Value": zone_id, **_status(category)}]
    elif destination == "IoOptimized":
        values = [{"Value": "optimized", **_status(category)}]
    elif destination == "Network":
        values = [{"Value": "vpc", **_status(category)}]
    elif destination == "InstanceType":
        values = [{"Value": t, **_status(status)} for t, status in type_status.items()]
    else:
        wanted, limits = (
            (query["system_disk"], SYSTEM_DISK_LIMITS)
            if destination == "SystemDisk"
            else (query["data_disk"], DATA_DISK_LIMITS)
        )
        values = [
            {"Value": d, "Min": limits[d][0], "Max": limits[d][1], "Unit": "GiB", **_status(category)}
            for d in disks
            if wanted is None or d == wanted
        ]
    return {
        "RegionId": ctx.region,
        "ZoneId": zone_id,
        **_status(category),
        "AvailableResources": {
            "AvailableResource": [{"Type": destination, "SupportedResources": {"SupportedResource": values}}]
        },
    }


@ECS.action("DescribeAvailableResource")
def describe_available_resource(ctx):
    query = _query(ctx)
    zone_ids = [query["zone_id"]] if query["zone_id"] else ctx.catalog.zones(ctx.region)
    zones = [z for z in (_zone_answer(ctx, zone_id, query) for zone_id in zone_ids) if z is not None]
    return {"AvailableZones": {"AvailableZone": zones}}


# RunInstances ---------------------------------------------------------------------------------
def check_zone_can_sell(ctx, zone_id, instance_type, system_disk_category, spot_strategy):
    """RunInstances in that zone: the type offered there, the disk category too, spot allowed, stock left."""
    zone = ctx.catalog.zone(ctx.region, zone_id)
    if instance_type not in zone["InstanceTypes"]:
        raise ecs_errors.INVALID_INSTANCE_TYPE_ZONE_NOT_SUPPORTED()
    if system_disk_category not in zone["DiskCategories"]:
        raise ecs_errors.OPERATION_DENIED_ZONE_SYSTEM_CATEGORY_NOT_MATCH()
    spot = spot_strategy != "NoSpot"
    if spot and not ctx.catalog.spot_supported:
        raise ecs_errors.INVALID_ACCOUNT_NOT_SUPPORT_SPOT()
    status = ctx.catalog.stock_status(ctx.region, zone_id, instance_type, spot)
    if status == "ClosedWithoutStock":
        raise ecs_errors.ZONE_NOT_ON_SALE()
    if status == "WithoutStock":
        raise ecs_errors.OPERATION_DENIED_NO_STOCK()
