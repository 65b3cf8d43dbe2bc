"""ECS regions, zones, images and key pairs."""

import base64
import binascii
import hashlib
import json
import re
import struct

from ..store import regional_key
from . import ecs_errors
from .base import (
    TextRule,
    check_tag_limit,
    dry_run,
    iso_minutes,
    matches_tags,
    page,
    resource_group_id,
    tags_with_tag_key,
)
from .ecs import ECS

LANGUAGES = ("zh-CN", "zh-TW", "en-US", "ja", "fr", "de", "ko")
INSTANCE_GENERATIONS = ["ecs-4", "ecs-5", "ecs-6"]
IMAGE_OWNER_ALIASES = ("system", "self", "others", "marketplace")
IMAGE_STATUSES = ("Creating", "Waiting", "Available", "UnAvailable", "CreateFailed", "Deprecated")
KEY_TYPES = (
    "ssh-rsa", "ssh-dss", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
)  # fmt: skip
KEY_PAIR_NAME = TextRule(
    2, 128, ecs_errors.INVALID_KEY_PAIR_NAME_MALFORMED, allowed=re.compile(r"^[^\W\d_][\w:.\-]{1,127}$")
)


def _wildcard(pattern):
    """A filter value where `*` matches any text (everything else literally)."""
    return re.compile("^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$")


# regions and zones ----------------------------------------------------------------------------
def _check_language(params):
    language = params.str("AcceptLanguage", default="zh-CN")
    if language not in LANGUAGES:
        raise ecs_errors.INVALID_ACCEPT_LANGUAGE_NOT_FOUND()


@ECS.action("DescribeRegions")
def describe_regions(ctx):
    p = ctx.params
    _check_language(p)
    resource_type = p.str("ResourceType", default="instance")
    if resource_type not in ("instance", "disk", "reservedinstance", "scu"):
        raise ecs_errors.INVALID_RESOURCE_TYPE_NOT_FOUND()
    charge_type = p.str("InstanceChargeType", default="PostPaid")
    if charge_type not in ("PrePaid", "PostPaid", "SpotWithPriceLimit", "SpotAsPriceGo"):
        raise ecs_errors.INVALID_INSTANCE_CHARGE_TYPE()
    regions = [
        {
            "RegionId": region_id,
            "LocalName": region["LocalName"],
            "RegionEndpoint": f"ecs.{region_id}.aliyuncs.com",
            "Status": "available",
        }
        for region_id, region in ctx.catalog.regions.items()
    ]
    return {"Regions": {"Region": regions}}


def _zone_local_name(ctx, zone_id):
    region_name = ctx.catalog.regions[ctx.region]["LocalName"].split("（")[0]
    return f"{region_name} 可用区 {zone_id.rsplit('-', 1)[-1].upper()}"


def _zone_resources(ctx, zone_id):
    """What DescribeZones (Verbose) tells of a zone: the types and disk categories it offers, in or out of stock."""
    zone = ctx.catalog.zone(ctx.region, zone_id)
    types = sorted(zone["InstanceTypes"])
    families = sorted({ctx.catalog.instance_types[t][0] for t in types})
    disks = list(zone["DiskCategories"])
    return {
        "AvailableResourceCreation": {"ResourceTypes": ["Instance", "Disk", "VSwitch", "IoOptimized"]},
        "AvailableInstanceTypes": {"InstanceTypes": types},
        "AvailableDiskCategories": {"DiskCategories": disks},
        "AvailableVolumeCategories": {"VolumeCategories": []},
        "AvailableDedicatedHostTypes": {"DedicatedHostType": []},
        "DedicatedHostGenerations": {"DedicatedHostGeneration": []},
        "AvailableResources": {
            "ResourcesInfo": [
                {
                    "IoOptimized": True,
                    "NetworkTypes": {"supportedNetworkCategory": ["vpc"]},
                    "InstanceGenerations": {"supportedInstanceGeneration": list(INSTANCE_GENERATIONS)},
                    "InstanceTypeFamilies": {"supportedInstanceTypeFamily": families},
                    "InstanceTypes": {"supportedInstanceType": types},
                    "SystemDiskCategories": {"supportedSystemDiskCategory": disks},
                    "DataDiskCategories": {"supportedDataDiskCategory": disks},
                }
            ]
        },
    }


@ECS.action("DescribeZones")
def describe_zones(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    _check_language(p)
    charge_type = p.str("InstanceChargeType", default="PostPaid")
    if charge_type not in ("PrePaid", "PostPaid"):
        raise ecs_errors.INVALID_INSTANCE_CHARGE_TYPE_NOT_FOUND_IN_QUERY()
    spot = p.str("SpotStrategy", default="NoSpot")
    if spot not in ("NoSpot", "SpotWithPriceLimit", "SpotAsPriceGo"):
        raise ecs_errors.INVALID_SPOT_STRATEGY()
    verbose = p.bool("Verbose", default=True)
    zones = []
    for zone_id in ctx.catalog.zones(ctx.region):
        zone = {"ZoneId": zone_id, "ZoneType": "AvailabilityZone", "LocalName": _zone_local_name(ctx, zone_id)}
        if verbose:
            zone.update(_zone_resources(ctx, zone_id))
        zones.append(zone)
    return {"Zones": {"Zone": zones}}


# images -----------------------------------------------------------------------------------------
def _render_image(ctx, image):
    in_use = any(i.get("ImageId") == image["ImageId"] for i in ctx.store.all("instance", ctx.region))
    rendered = {
        "Architecture": "x86_64",
        "OSType": "linux",
        "ImageOwnerAlias": "system",
        "Status": "Available",
        "Progress": "100%",
        "Usage": "instance" if in_use else "none",
        "Description": "",
        "ImageVersion": "",
        "BootMode": "BIOS",
        "IsPublic": True,
        "IsCopied": False,
        "IsSubscribed": False,
        "IsSelfShared": "",
        "IsSupportCloudinit": True,
        "IsSupportIoOptimized": True,
        "LoginAsNonRootSupported": False,
        "Usable": True,
        "ProductCode": "",
        "ResourceGroupId": "",
        "Features": {"NvmeSupport": "supported"},
        "Tags": {"Tag": []},
        **image,
    }
    rendered["DiskDeviceMappings"] = {
        "DiskDeviceMapping": [
            {
                "Device": "/dev/xvda",
                "Size": str(rendered.get("Size", 20)),
                "Type": "system",
                "Format": "",
                "SnapshotId": "",
            }
        ]
    }
    return rendered


def _image_filters(ctx):
    """Predicates for the DescribeImages filters that were given."""
    p = ctx.params
    checks = []
    image_ids = p.comma_list("ImageId")
    if image_ids:
        checks.append(lambda i: i["ImageId"] in image_ids)
    name = p.str("ImageName")
    if name is not None:
        pattern = _wildcard(name)
        checks.append(lambda i: bool(pattern.match(i["ImageName"])))
    family = p.str("ImageFamily")
    if family is not None:
        checks.append(lambda i: i.get("ImageFamily") == family)
    os_type = p.str("OSType")
    if os_type is not None:
        if os_type not in ("linux", "windows"):
            raise ecs_errors.INVALID_OS_TYPE()
        checks.append(lambda i: i["OSType"] == os_type)
    owner = p.str("ImageOwnerAlias")
    if owner is not None:
        if owner not in IMAGE_OWNER_ALIASES:
            raise ecs_errors.INVALID_IMAGE_OWNER_ALIAS_VALUE_NOT_SUPPORTED()
        checks.append(lambda i: i["ImageOwnerAlias"] == owner)
    statuses = p.comma_list("Status") or ["Available"]
    if "ALL" not in statuses:
        checks.append(lambda i: i["Status"] in statuses)
    architecture = p.str("Architecture")
    if architecture is not None:
        if architecture not in ("i386", "x86_64", "arm64"):
            raise ecs_errors.INVALID_ARCHITECTURE()
        checks.append(lambda i: i["Architecture"] == architecture)
    instance_type = p.str("InstanceType")
    if instance_type is not None and instance_type not in ctx.catalog.instance_types:
        raise ecs_errors.INVALID_INSTANCE_TYPE_VALUE_NOT_SUPPORTED()
    return checks


@ECS.action("DescribeImages")
def describe_images(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    checks = _image_filters(ctx)
    dry_run(p)
    images = [_render_image(ctx, image) for image in ctx.catalog.available_images()]
    chosen = [i for i in images if all(check(i) for check in checks)]
    # The API documents no order. Harsher guess: by ImageId, not newest first (a client sorts by CreationTime).
    chosen.sort(key=lambda i: i["ImageId"])
    chunk, meta = page(chosen, p, max_size=100)
    return {**meta, "RegionId": ctx.region, "Images": {"Image": chunk}}


# key pairs --------------------------------------------------------------------------------------
def _key_blob(public_key):
    """The decoded key of an OpenSSH public key line `type base64 [comment]`, or None if it is not one."""
    parts = public_key.strip().split()
    if len(parts) < 2 or parts[0] not in KEY_TYPES:
        return None
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(blob) < 4:
        return None
    (type_length,) = struct.unpack(">I", blob[:4])
    if blob[4 : 4 + type_length] != parts[0].encode():
        return None
    return blob


def _fingerprint(blob):
    """MD5 of the key blob (RFC 4716) in the hex form ECS answers, without colons."""
    return hashlib.md5(blob).hexdigest()  # noqa: S324 - the fingerprint format, not a security use


def key_pair_in_region(ctx, name):
    """The request region's key pair of that name, or None (a key pair is named within its region)."""
    return ctx.store.get("key_pair", regional_key(ctx.region, name))


@ECS.action("ImportKeyPair")
def import_key_pair(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    name = p.str("KeyPairName", required=True)
    public_key = p.str("PublicKeyBody", required=True)
    KEY_PAIR_NAME.check(name)
    blob = _key_blob(public_key)
    if blob is None:
        raise ecs_errors.INVALID_PUBLIC_KEY_BODY_MALFORMED()
    tags = p.tags()
    check_tag_limit(tags)
    if key_pair_in_region(ctx, name) is not None:
        raise ecs_errors.KEY_PAIR_ALREADY_EXIST()
    key_pair = ctx.store.add(
        "key_pair",
        name,
        {
            "KeyPairName": name,
            "KeyPairFingerPrint": _fingerprint(blob),
            "PublicKey": public_key.strip(),
            "ResourceGroupId": resource_group_id(p),
            "_tags": tags,
        },
        region=ctx.region,
        key=regional_key(ctx.region, name),
    )
    ctx.runtime.changed("key_pair", "created", key_pair, ctx.store)
    return {"KeyPairName": name, "KeyPairFingerPrint": key_pair["KeyPairFingerPrint"]}


def _render_key_pair(key_pair, include_public_key):
    rendered = {
        "KeyPairName": key_pair["KeyPairName"],
        "KeyPairFingerPrint": key_pair["KeyPairFingerPrint"],
        "CreationTime": iso_minutes(key_pair["_created_at"]),
        "ResourceGroupId": key_pair["ResourceGroupId"],
        "Tags": tags_with_tag_key(key_pair),
    }
    if include_public_key:
        rendered["PublicKey"] = key_pair["PublicKey"]
    return rendered


@ECS.action("DescribeKeyPairs")
def describe_key_pairs(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    name = p.str("KeyPairName")
    pattern = _wildcard(name) if name is not None else None
    fingerprint = p.str("KeyPairFingerPrint")
    group = p.str("ResourceGroupId")
    wanted_tags = p.tags()
    key_pairs = [
        k
        for k in ctx.list("key_pair")
        if (pattern is None or pattern.match(k["KeyPairName"]))
        and (fingerprint is None or k["KeyPairFingerPrint"] == fingerprint)
        and (group is None or k["ResourceGroupId"] == group)
        and matches_tags(k, wanted_tags)
    ]
    chunk, meta = page(key_pairs, p, max_size=50)
    include_public_key = p.bool("IncludePublicKey")
    return {**meta, "KeyPairs": {"KeyPair": [_render_key_pair(k, include_public_key) for k in chunk]}}


def _key_pair_names(params):
    text = params.str("KeyPairNames", required=True)
    try:
        names = json.loads(text)
    except ValueError:
        names = None
    if not isinstance(names, list) or not 1 <= len(names) <= 100 or not all(isinstance(n, str) for n in names):
        raise ecs_errors.INVALID_KEY_PAIR_NAMES_VALUE_NOT_SUPPORTED()
    return names


@ECS.action("DeleteKeyPairs")
def delete_key_pairs(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    key_pairs = [k for k in (key_pair_in_region(ctx, name) for name in _key_pair_names(p)) if k is not None]
    used = {i.get("KeyPairName") for i in ctx.store.all("instance", ctx.region)}
    if any(k["KeyPairName"] in used for k in key_pairs):
        raise ecs_errors.INVALID_PARAMETER_KEYPAIR_ALREADY_ATTACHED_INSTANCE()
    for key_pair in key_pairs:
        ctx.store.remove("key_pair", key_pair["_key"])
        ctx.runtime.changed("key_pair", "deleted", key_pair, ctx.store)
    return {}
