"""NAS DescribeZones: per zone of the region, the storage types and protocols it sells.

Protocols are written lower-case (`nfs`, `smb`), as the real API writes them (its documented sample and the
official Terraform module's filter `protocol_type == "nfs"`).
"""

from ..errors import invalid_parameter
from .nas import NAS

FILE_SYSTEM_TYPES = ("standard", "extreme", "cpfs")


def _protocols(offer, storage_type):
    return sorted({protocol for storage, protocol in offer if storage == storage_type})


@NAS.action("DescribeZones")
def describe_zones(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    file_system_type = p.str("FileSystemType", default="standard")
    if file_system_type not in FILE_SYSTEM_TYPES:
        raise invalid_parameter("FileSystemType", file_system_type, f"Valid values: {', '.join(FILE_SYSTEM_TYPES)}.")
    zones = []
    for zone_id in ctx.catalog.zones(ctx.region):
        offer = ctx.catalog.zone(ctx.region, zone_id)["Nas"].get(file_system_type, [])
        zones.append(
            {
                "ZoneId": zone_id,
                "InstanceTypes": {
                    "InstanceType": [{"StorageType": storage, "ProtocolType": protocol} for storage, protocol in offer]
                },
                # The older per-storage protocol lists, "reserved, not in effect" today; kept consistent.
                "Capacity": {"Protocol": _protocols(offer, "Capacity")},
                "Performance": {"Protocol": _protocols(offer, "Performance")},
            }
        )
    return {"Zones": {"Zone": zones}}
