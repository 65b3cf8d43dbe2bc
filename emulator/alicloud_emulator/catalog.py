"""What exists before any call: regions, their zones, public images and instance types."""

from dataclasses import dataclass, field

REGIONS = {
    "cn-hangzhou": {
        "LocalName": "华东1（杭州）",
        "Zones": ["cn-hangzhou-g", "cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j", "cn-hangzhou-k"],
    },
    "cn-shanghai": {"LocalName": "华东2（上海）", "Zones": ["cn-shanghai-e", "cn-shanghai-f", "cn-shanghai-g"]},
    "cn-beijing": {"LocalName": "华北2（北京）", "Zones": ["cn-beijing-h", "cn-beijing-i", "cn-beijing-k"]},
}

INSTANCE_TYPES = {
    # type: (family, vCPUs, memory MiB)
    "ecs.u1-c1m1.large": ("ecs.u1", 2, 2048),
    "ecs.u1-c1m2.large": ("ecs.u1", 2, 4096),
    "ecs.t6-c1m1.large": ("ecs.t6", 2, 2048),
    "ecs.e-c1m1.large": ("ecs.e", 2, 2048),
    "ecs.g7.large": ("ecs.g7", 2, 8192),
    "ecs.c7.large": ("ecs.c7", 2, 4096),
}

IMAGES = [
    {
        "ImageId": "debian_12_9_x64_20G_alibase_20250117.vhd",
        "ImageName": "debian_12_9_x64_20G_alibase_20250117.vhd",
        "ImageFamily": "acs:debian_12_x64",
        "OSName": "Debian  12.9 64位",
        "OSNameEn": "Debian  12.9 64 bit",
        "Platform": "Debian",
        "CreationTime": "2025-01-17T08:21:46Z",
        "Size": 20,
    },
    {
        "ImageId": "debian_12_6_x64_20G_alibase_20240823.vhd",
        "ImageName": "debian_12_6_x64_20G_alibase_20240823.vhd",
        "ImageFamily": "acs:debian_12_x64",
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


@dataclass
class Catalog:
    regions: dict = field(default_factory=lambda: REGIONS)
    instance_types: dict = field(default_factory=lambda: INSTANCE_TYPES)
    images: list = field(default_factory=lambda: list(IMAGES))

    def zones(self, region):
        return self.regions[region]["Zones"]

    def has_zone(self, region, zone):
        return region in self.regions and zone in self.regions[region]["Zones"]

    def add_image(self, image):
        """A runtime (the data plane) lists its own image, e.g. the locally built Debian 12."""
        self.images = [i for i in self.images if i["ImageId"] != image["ImageId"]] + [image]
