"""What exists before any call, and what the admin API changes in it: regions, their zones (with the instance
types, disk categories and NAS storage types each offers), instance types, public images, stock and the account.

The admin API (`/_emulator/catalog/...`) changes stock, the account and images in memory; `POST /_emulator/reset`
puts the catalog back as shipped (the images a runtime added stay).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

INSTANCE_TYPES = {
    # type: (family, vCPUs, memory MiB)
    "ecs.u1-c1m1.large": ("ecs.u1", 2, 2048),
    "ecs.u1-c1m2.large": ("ecs.u1", 2, 4096),
    "ecs.t6-c1m1.large": ("ecs.t6", 2, 2048),
    "ecs.e-c1m1.large": ("ecs.e", 2, 2048),
    "ecs.g7.large": ("ecs.g7", 2, 8192),
    "ecs.c7.large": ("ecs.c7", 2, 4096),
}
ALL_TYPES = tuple(INSTANCE_TYPES)
WITHOUT_U1 = tuple(t for t in INSTANCE_TYPES if not t.startswith("ecs.u1-"))
DISK_CATEGORIES = ("cloud_efficiency", "cloud_ssd", "cloud_essd", "cloud_auto", "cloud_essd_entry")
# NAS (FileSystemType standard): (StorageType, ProtocolType), protocols lower-case as NAS DescribeZones writes them.
NAS_CAPACITY = (("Capacity", "nfs"), ("Capacity", "smb"))
NAS_PERFORMANCE = (("Performance", "nfs"), ("Performance", "smb"))
NAS_STANDARD = NAS_CAPACITY + NAS_PERFORMANCE + (("Premium", "nfs"),)
NAS_EXTREME = (("standard", "nfs"), ("advance", "nfs"))  # FileSystemType extreme


def _zone(types=ALL_TYPES, disks=DISK_CATEGORIES, nas_standard=NAS_STANDARD, nas_extreme=()):
    return {
        "InstanceTypes": list(types),
        "DiskCategories": list(disks),
        "Nas": {"standard": list(nas_standard), "extreme": list(nas_extreme)},
    }


REGIONS = {
    "cn-hangzhou": {
        "LocalName": "华东1（杭州）",
        "Zones": {
            "cn-hangzhou-g": _zone(disks=DISK_CATEGORIES[:4]),  # no cloud_essd_entry
            "cn-hangzhou-h": _zone(types=WITHOUT_U1, nas_standard=NAS_PERFORMANCE),  # no ecs.u1, no NAS Capacity
            "cn-hangzhou-i": _zone(nas_standard=NAS_CAPACITY[:1], nas_extreme=NAS_EXTREME),
            "cn-hangzhou-j": _zone(),
            "cn-hangzhou-k": _zone(nas_standard=NAS_CAPACITY + NAS_PERFORMANCE),
        },
    },
    "cn-shanghai": {
        "LocalName": "华东2（上海）",
        "Zones": {"cn-shanghai-e": _zone(), "cn-shanghai-f": _zone(), "cn-shanghai-g": _zone()},
    },
    "cn-beijing": {
        "LocalName": "华北2（北京）",
        "Zones": {"cn-beijing-h": _zone(), "cn-beijing-i": _zone(), "cn-beijing-k": _zone()},
    },
}

STOCK_STATUSES = ("WithStock", "ClosedWithStock", "WithoutStock", "ClosedWithoutStock")
IN_STOCK = ("WithStock", "ClosedWithStock")  # DescribeAvailableResource `Status: Available`; else `SoldOut`

# Debian 13 (trixie, stable since August 2025) and Debian 12 in the cloud's family form, two point releases each.
IMAGES = [
    {
        "ImageId": "debian_13_2_x64_20G_alibase_20251121.vhd",
        "ImageName": "debian_13_2_x64_20G_alibase_20251121.vhd",
        "ImageFamily": "acs:debian_13_2_x64",
        "OSName": "Debian  13.2 64位",
        "OSNameEn": "Debian  13.2 64 bit",
        "Platform": "Debian",
        "CreationTime": "2025-11-21T07:42:18Z",
        "Size": 20,
    },
    {
        "ImageId": "debian_13_1_x64_20G_alibase_20250926.vhd",
        "ImageName": "debian_13_1_x64_20G_alibase_20250926.vhd",
        "ImageFamily": "acs:debian_13_1_x64",
        "OSName": "Debian  13.1 64位",
        "OSNameEn": "Debian  13.1 64 bit",
        "Platform": "Debian",
        "CreationTime": "2025-09-26T05:37:02Z",
        "Size": 20,
    },
    {
        "ImageId": "debian_12_9_x64_20G_alibase_20250117.vhd",
        "ImageName": "debian_12_9_x64_20G_alibase_20250117.vhd",
        "ImageFamily": "acs:debian_12_9_x64",
        "OSName": "Debian  12.9 64位",
        "OSNameEn": "Debian  12.9 64 bit",
        "Platform": "Debian",
        "CreationTime": "2025-01-17T08:21:46Z",
        "Size": 20,
    },
    {
        "ImageId": "debian_12_6_x64_20G_alibase_20240823.vhd",
        "ImageName": "debian_12_6_x64_20G_alibase_20240823.vhd",
        "ImageFamily": "acs:debian_12_6_x64",
        "OSName": "Debian  12.6 64位",
        "OSNameEn": "Debian  12.6 64 bit",
        "Platform": "Debian",
        "CreationTime": "2024-08-23T03:11:09Z",
        "Size": 20,
    },
    {
        "ImageId": "ubuntu_22_04_x64_20G_alibase_20250113.vhd",
        "ImageName": "ubuntu_22_04_x64_20G_alibase_20250113.vhd",
        "ImageFamily": "acs:ubuntu_22_04_x64",
        "OSName": "Ubuntu  22.04 64位",
        "OSNameEn": "Ubuntu  22.04 64 bit",
        "Platform": "Ubuntu",
        "CreationTime": "2025-01-13T02:45:31Z",
        "Size": 20,
    },
    {
        "ImageId": "aliyun_3_x64_20G_alibase_20250117.vhd",
        "ImageName": "aliyun_3_x64_20G_alibase_20250117.vhd",
        "ImageFamily": "acs:alibaba_cloud_linux_3_2104_lts_x64",
        "OSName": "Alibaba Cloud Linux  3.2104 LTS 64位",
        "OSNameEn": "Alibaba Cloud Linux  3.2104 LTS 64 bit",
        "Platform": "Aliyun",
        "CreationTime": "2025-01-17T06:12:40Z",
        "Size": 20,
    },
]

# Fields an image may be published with (POST /_emulator/catalog/images): name -> (required, check)
_IMAGE_ID = re.compile(r"^[A-Za-z0-9][\w.\-:]{1,127}$")
IMAGE_FIELDS = {
    "ImageId": (True, lambda v: isinstance(v, str) and bool(_IMAGE_ID.match(v))),
    "ImageName": (True, lambda v: isinstance(v, str) and 2 <= len(v) <= 128),
    "OSName": (True, lambda v: isinstance(v, str) and v != ""),
    "Platform": (True, lambda v: isinstance(v, str) and v != ""),
    "Architecture": (True, lambda v: v in ("x86_64", "i386", "arm64")),
    "CreationTime": (True, lambda v: isinstance(v, str) and _is_creation_time(v)),
    "OSNameEn": (False, lambda v: isinstance(v, str)),
    "ImageFamily": (False, lambda v: isinstance(v, str) and (v == "" or 2 <= len(v) <= 128)),
    "OSType": (False, lambda v: v in ("linux", "windows")),
    "ImageOwnerAlias": (False, lambda v: v in ("system", "self", "others", "marketplace")),
    "Status": (False, lambda v: v in ("Creating", "Waiting", "Available", "UnAvailable", "CreateFailed", "Deprecated")),
    "Size": (False, lambda v: isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 2048),
    "Description": (False, lambda v: isinstance(v, str)),
    "ImageVersion": (False, lambda v: isinstance(v, str)),
}


def _is_creation_time(text):
    try:
        datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return False
    return True


def image_problems(image):
    """What is wrong with an image to publish (a dict in DescribeImages' field names); empty when nothing."""
    if not isinstance(image, dict):
        return ["the body must be a JSON object of DescribeImages fields"]
    problems = [f"unknown field {name!r}" for name in image if name not in IMAGE_FIELDS]
    for name, (required, check) in IMAGE_FIELDS.items():
        if name not in image:
            if required:
                problems.append(f"{name} is required")
        elif not check(image[name]):
            problems.append(f"{name} is not valid: {image[name]!r}")
    return problems


@dataclass
class Catalog:
    regions: dict = field(default_factory=lambda: REGIONS)
    instance_types: dict = field(default_factory=lambda: INSTANCE_TYPES)
    images: list = field(default_factory=lambda: list(IMAGES))  # as shipped, plus a runtime's own
    published: list = field(default_factory=list)  # POST /_emulator/catalog/images
    retired: set = field(default_factory=set)  # image IDs
    stock: dict = field(default_factory=dict)  # (region, zone, type or None, spot only) -> status
    spot_supported: bool = True  # the account may buy spot instances

    # regions and zones ---------------------------------------------------------------------------
    def zones(self, region):
        return list(self.regions[region]["Zones"])

    def has_zone(self, region, zone):
        return region in self.regions and zone in self.regions[region]["Zones"]

    def zone(self, region, zone):
        """The zone's offer: InstanceTypes, DiskCategories, Nas {file system type: [(storage, protocol)]}."""
        return self.regions[region]["Zones"][zone]

    # stock ------------------------------------------------------------------------------------
    def set_stock(self, region, zone, status, instance_type=None, spot=False):
        """Raises ValueError for an unknown region, zone, type or status."""
        if not self.has_zone(region, zone):
            raise ValueError(f"unknown zone {zone!r} in region {region!r}")
        if instance_type is not None and instance_type not in self.zone(region, zone)["InstanceTypes"]:
            raise ValueError(f"zone {zone!r} does not offer instance type {instance_type!r}")
        if status not in STOCK_STATUSES:
            raise ValueError(f"status must be one of {', '.join(STOCK_STATUSES)}")
        self.stock[(region, zone, instance_type, bool(spot))] = status

    def stock_status(self, region, zone, instance_type, spot):
        """WithStock unless set: a type's own setting before the zone's, a spot-only one before one for all."""
        for key in (
            (region, zone, instance_type, True),
            (region, zone, instance_type, False),
            (region, zone, None, True),
            (region, zone, None, False),
        ):
            if (spot or not key[3]) and key in self.stock:
                return self.stock[key]
        return "WithStock"

    def stock_list(self):
        return [
            {"region_id": r, "zone_id": z, "instance_type": t, "spot": s, "status": status}
            for (r, z, t, s), status in self.stock.items()
        ]

    # images -------------------------------------------------------------------------------------
    def available_images(self):
        """The images DescribeImages may list and RunInstances may use: not retired."""
        return [i for i in self.images + self.published if i["ImageId"] not in self.retired]

    def find_image(self, image_id):
        return next((i for i in self.available_images() if i["ImageId"] == image_id), None)

    def add_image(self, image):
        """A runtime (the data plane) lists its own image, e.g. the locally built Debian 13."""
        self.images = [i for i in self.images if i["ImageId"] != image["ImageId"]] + [image]

    def publish_image(self, image):
        """An image published over the admin API; raises ValueError with every problem, or for an existing ID."""
        problems = image_problems(image)
        if not problems and any(i["ImageId"] == image["ImageId"] for i in self.images + self.published):
            problems.append(f"image {image['ImageId']!r} exists")
        if problems:
            raise ValueError("; ".join(problems))
        self.published.append(dict(image))

    def retire_image(self, image_id):
        """Raises KeyError for an image that is not available."""
        if self.find_image(image_id) is None:
            raise KeyError(image_id)
        self.retired.add(image_id)

    def reset(self):
        self.published = []
        self.retired = set()
        self.stock = {}
        self.spot_supported = True
