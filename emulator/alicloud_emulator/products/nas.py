"""NAS 2017-06-26: file systems, mount targets, access groups and rules.

NAS calls carry no RegionId: the region is the endpoint's (ctx.region, else the emulator's default).
Only General-purpose (`standard`) file systems are emulated. The default access group
DEFAULT_VPC_GROUP_NAME (one rule: 0.0.0.0/0, RDWR, no_squash, priority 1) exists out of the box:
it is put into the store the first time a request of the region needs it.
"""

import ipaddress
import re

from .. import ids
from ..errors import invalid_parameter
from ..store import GONE, regional_key
from . import nas_errors
from .base import Product, TextRule, dry_run, iso, matches_tags, page, resource_group_id, tags_with_key
from .tagging import register_tagging

NAS = Product(
    code="NAS", version="2017-06-26", endpoint_prefix="nas", regional=False, permission_denied=nas_errors.NO_PERMISSION
)
register_tagging(
    NAS,
    {"filesystem": "file_system"},
    not_found=lambda _id: nas_errors.INVALID_RESOURCE_ID_NOT_FOUND(),
)

DEFAULT_GROUP = "DEFAULT_VPC_GROUP_NAME"
# The private fields of a `mount_target` (beside the store's own, see store.py).
PRIVATE_FIELDS = {
    "mount_target": {
        "_security_group_id": "the SecurityGroupId sent with CreateMountTarget: kept in the state, not shown",
    },
}
DEFAULT_GROUP_CREATED = 1577836800.0  # 2020-01-01T00:00:00Z: the default group predates every resource
ACCESS_GROUP_TYPES = ("standard", "extreme")  # FileSystemType values the access group calls take
STORAGE_TYPES = ("Capacity", "Performance", "Premium")
# Capacity (GiB) and throughput (MB/s) ceilings a standard file system reports, per storage type.
STORAGE_LIMITS = {"Capacity": (10485760, 150), "Performance": (1048576, 600), "Premium": (1048576, 1000)}
MAX_MOUNT_TARGETS = 2  # per General-purpose file system
MAX_ACCESS_GROUPS = 20  # per region, the default one not counted
MAX_ACCESS_RULES = 300  # per access group
_GROUP_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{2,63}$")
# 2-128 characters, starting with a letter, not a URL; letters (any script), digits, `:`, `_` and `-`: no spaces
DESCRIPTION = TextRule(
    2, 128, nas_errors.INVALID_PARAMETER_DESCRIPTION, letter_first=True, allowed=re.compile(r"^[\w:-]+$")
)


def _public(resource):
    return {k: v for k, v in resource.items() if not k.startswith("_")}


# lookups --------------------------------------------------------------------------------------
def _file_system(ctx, file_system_id):
    found = ctx.store.get("file_system", file_system_id)
    if found is None or found["_region"] != ctx.region:
        raise nas_errors.INVALID_FILE_SYSTEM_NOT_FOUND()
    return found


def _mount_target(ctx, file_system, domain, not_found=nas_errors.INVALID_MOUNT_TARGET_NOT_FOUND):
    found = ctx.store.get("mount_target", domain) if domain else None
    if found is None or found["FileSystemId"] != file_system["FileSystemId"]:
        raise not_found()
    return found


def _group_id(ctx, file_system_type, name):
    """An access group is named within its region and file system type."""
    return regional_key(ctx.region, f"{file_system_type}:{name}")


def _ensure_default_group(ctx, file_system_type):
    group_id = _group_id(ctx, file_system_type, DEFAULT_GROUP)
    if ctx.store.get("access_group", group_id) is not None:
        return
    group = ctx.store.add(
        "access_group",
        group_id,
        {
            "AccessGroupName": DEFAULT_GROUP,
            "AccessGroupType": "Vpc",
            "Description": DEFAULT_GROUP,
            "FileSystemType": file_system_type,
            "RegionId": ctx.region,
        },
        region=ctx.region,
    )
    group["_created_at"] = DEFAULT_GROUP_CREATED
    rule = ctx.store.add(
        "access_rule",
        f"{group_id}:1",
        _rule_fields(ctx, DEFAULT_GROUP, file_system_type, "1", "0.0.0.0/0", "RDWR", "no_squash", 1),
        region=ctx.region,
    )
    rule["_created_at"] = DEFAULT_GROUP_CREATED


def _access_group_type(params):
    return params.str("FileSystemType", default="standard", choices=ACCESS_GROUP_TYPES)


def _access_group(ctx, name, file_system_type):
    _ensure_default_group(ctx, file_system_type)
    found = ctx.store.get("access_group", _group_id(ctx, file_system_type, name))
    if found is None or found["_region"] != ctx.region:
        raise nas_errors.INVALID_ACCESS_GROUP_NOT_FOUND()
    return found


def _refuse_default_group_change(group):
    if group["AccessGroupName"] == DEFAULT_GROUP:
        raise nas_errors.OPERATION_DENIED_DEFAULT_ACCESS_GROUP_CANNOT_MODIFY()


def _vpc(ctx, vpc_id):
    found = ctx.store.get("vpc", vpc_id)
    if found is None or found["_region"] != ctx.region:
        raise nas_errors.INVALID_PARAMETER_VPC_NOT_FOUND()
    return found


def _vswitch_in(ctx, vpc, vswitch_id):
    found = ctx.store.get("vswitch", vswitch_id)
    if found is None or found["_region"] != ctx.region or found["VpcId"] != vpc["VpcId"]:
        raise nas_errors.INVALID_PARAMETER_VSW_NOT_FOUND()
    return found


def _security_group_in(ctx, vpc, security_group_id):
    found = ctx.store.get("security_group", security_group_id)
    if found is None or found["_region"] != ctx.region or found.get("VpcId") != vpc["VpcId"]:
        raise nas_errors.INVALID_SECURITY_GROUP_ID_NOT_FOUND()
    return found


# file systems ---------------------------------------------------------------------------------
def _mount_targets_of(ctx, file_system):
    return ctx.list("mount_target", FileSystemId=file_system["FileSystemId"])


def _render_file_system(ctx, file_system):
    mount_targets = [
        {
            "MountTargetDomain": m["MountTargetDomain"],
            "NetworkType": m["NetworkType"],
            "VpcId": m["VpcId"],
            "VswId": m["VswId"],
            "AccessGroupName": m["AccessGroupName"],
            "Status": {**m, **ctx.runtime.observe("mount_target", m)}["Status"],
            "DualStackMountTargetDomain": m["DualStackMountTargetDomain"],
            "ClientMasterNodes": {"ClientMasterNode": []},
            "Tags": {"Tag": []},
        }
        for m in _mount_targets_of(ctx, file_system)
    ]
    return {
        **_public(file_system),
        **ctx.runtime.observe("file_system", file_system),
        "CreateTime": iso(file_system["_created_at"]),
        "MountTargets": {"MountTarget": mount_targets},
        "Packages": {"Package": []},
        "SupportedFeatures": {"SupportedFeature": []},
        "Tags": tags_with_key(file_system),
    }


def _offers(ctx, zone, storage_type, protocol):
    """The zone sells standard file systems of that storage type over that protocol (NAS DescribeZones)."""
    return (storage_type, protocol.lower()) in ctx.catalog.zone(ctx.region, zone)["Nas"]["standard"]


def _zone(ctx, params, storage_type, protocol):
    """ZoneId, else the first zone that offers the storage type; a zone that does not is out of stock for it."""
    zone = params.str("ZoneId")
    if zone is None:
        offering = [z for z in ctx.catalog.zones(ctx.region) if _offers(ctx, z, storage_type, protocol)]
        if not offering:
            raise nas_errors.RESOURCE_OUT_OF_STOCK()
        return offering[0]
    if not ctx.catalog.has_zone(ctx.region, zone):
        raise nas_errors.INVALID_AZONE_NOT_FOUND()
    if not _offers(ctx, zone, storage_type, protocol):
        raise nas_errors.RESOURCE_OUT_OF_STOCK()
    return zone


def _expired_time(params, charge_type, now):
    if charge_type != "Subscription":
        return ""
    months = params.int("Duration", minimum=1, maximum=36)
    if months is None:
        raise nas_errors.MISSING_PARAMETER_DURATION()
    return iso(now + months * 30 * 86400)


def _encryption(params):
    encrypt_type = params.int("EncryptType", default=0, minimum=0, maximum=2)
    kms_key_id = params.str("KmsKeyId", default="")
    if encrypt_type == 2 and not kms_key_id:
        raise nas_errors.MISSING_PARAMETER_KMS_KEY_ID()
    return encrypt_type, kms_key_id if encrypt_type == 2 else ""


@NAS.action("CreateFileSystem", client_token=True)
def create_file_system(ctx):
    p = ctx.params
    protocol = p.str("ProtocolType", required=True)
    storage_type = p.str("StorageType", required=True)
    file_system_type = p.str("FileSystemType", default="standard")
    if file_system_type != "standard":
        raise invalid_parameter("FileSystemType", file_system_type, "The emulator offers standard file systems only.")
    if protocol not in ("NFS", "SMB"):
        raise nas_errors.INVALID_PARAMETER_PROTOCOL_TYPE()
    if storage_type not in STORAGE_TYPES:
        raise nas_errors.INVALID_PARAMETER_STORAGE_TYPE()
    zone = _zone(ctx, p, storage_type, protocol)
    description = DESCRIPTION.check(p.str("Description"))
    charge_type = p.str("ChargeType", default="PayAsYouGo", choices=("PayAsYouGo", "Subscription"))
    expired_time = _expired_time(p, charge_type, ctx.now)
    encrypt_type, kms_key_id = _encryption(p)
    tags = p.tags()
    dry_run(p, passed=nas_errors.DRY_RUN_OPERATION)
    file_system_id = ids.nas_file_system_id()
    capacity, bandwidth = STORAGE_LIMITS[storage_type]
    file_system = ctx.store.add(
        "file_system",
        file_system_id,
        {
            "FileSystemId": file_system_id,
            "Description": description or "",
            "RegionId": ctx.region,
            "ZoneId": zone,
            "ProtocolType": protocol,
            "StorageType": storage_type,
            "FileSystemType": file_system_type,
            "Status": "Pending",
            "MeteredSize": 0,
            "MeteredIASize": 0,
            "MeteredArchiveSize": 0,
            "Capacity": capacity,
            "Bandwidth": bandwidth,
            "ChargeType": charge_type,
            "ExpiredTime": expired_time,
            "EncryptType": encrypt_type,
            "KMSKeyId": kms_key_id,
            "Version": "1.0.0",
            "ResourceGroupId": resource_group_id(p),
            "_tags": tags,
        },
        region=ctx.region,
    )
    ctx.schedule(file_system, [("filesystem.create", "Status", "Running")])
    ctx.runtime.changed("file_system", "created", file_system, ctx.store)
    return {"FileSystemId": file_system_id}


def _has_mount_target_in_vpc(ctx, file_system, vpc_id):
    return any(m["VpcId"] == vpc_id for m in _mount_targets_of(ctx, file_system))


@NAS.action("DescribeFileSystems")
def describe_file_systems(ctx):
    p = ctx.params
    wanted_ids = p.comma_list("FileSystemId")
    wanted_types = [t for t in p.comma_list("FileSystemType") if t != "all"]
    storage_type = p.str("StorageType")
    vpc_id = p.str("VpcId")
    group = p.str("ResourceGroupId")
    wanted_tags = p.tags()
    file_systems = [
        f
        for f in ctx.list("file_system")
        if (not wanted_ids or f["FileSystemId"] in wanted_ids)
        and (not wanted_types or f["FileSystemType"] in wanted_types)
        and (storage_type is None or f["StorageType"] == storage_type)
        and (group is None or f["ResourceGroupId"] == group)
        and (vpc_id is None or _has_mount_target_in_vpc(ctx, f, vpc_id))
        and matches_tags(f, wanted_tags)
    ]
    chunk, meta = page(file_systems, p, max_size=100)
    return {**meta, "FileSystems": {"FileSystem": [_render_file_system(ctx, f) for f in chunk]}}


@NAS.action("DeleteFileSystem")
def delete_file_system(ctx):
    file_system = _file_system(ctx, ctx.params.str("FileSystemId", required=True))
    if ctx.store.find("mount_target", FileSystemId=file_system["FileSystemId"]):
        raise nas_errors.OPERATION_DENIED_MOUNT_TARGET_NOT_EMPTY()
    if file_system["Status"] != "Running":
        raise nas_errors.INVALID_STATE()
    file_system["Status"] = "Deleting"
    ctx.schedule(file_system, [("filesystem.delete", GONE, True)])
    ctx.runtime.changed("file_system", "deleted", file_system, ctx.store)
    return {}


# mount targets --------------------------------------------------------------------------------
def _mount_target_network(ctx, params):
    """The VPC, vSwitch and security group of a new mount target, checked as the real API checks them."""
    network_type = params.str("NetworkType", required=True)
    if network_type != "Vpc":
        raise invalid_parameter("NetworkType", network_type, "Valid values: Vpc.")
    vpc_id, vswitch_id = params.str("VpcId"), params.str("VSwitchId")
    if vpc_id is None:
        raise nas_errors.MISSING_PARAMETER_VPC_ID()
    if vswitch_id is None:
        raise nas_errors.MISSING_PARAMETER_VSWITCH_ID()
    vpc = _vpc(ctx, vpc_id)
    vswitch = _vswitch_in(ctx, vpc, vswitch_id)
    security_group_id = params.str("SecurityGroupId")
    if security_group_id is not None:
        _security_group_in(ctx, vpc, security_group_id)
    return vpc, vswitch, security_group_id or ""


def _check_room_for_mount_target(ctx, file_system, vswitch):
    existing = ctx.store.find("mount_target", FileSystemId=file_system["FileSystemId"])
    if any(m["VswId"] == vswitch["VSwitchId"] for m in existing):
        raise nas_errors.INVALID_MOUNT_TARGET_ALREADY_EXISTED()
    if len(existing) >= MAX_MOUNT_TARGETS:
        raise nas_errors.OPERATION_DENIED_MOUNT_TARGET_EXCEED_LIMIT()


@NAS.action("CreateMountTarget")
def create_mount_target(ctx):
    p = ctx.params
    file_system = _file_system(ctx, p.str("FileSystemId", required=True))
    vpc, vswitch, security_group_id = _mount_target_network(ctx, p)
    group_name = p.str("AccessGroupName")
    if group_name is None:
        raise nas_errors.MISSING_PARAMETER_ACCESS_GROUP_NAME()
    _access_group(ctx, group_name, file_system["FileSystemType"])
    if file_system["Status"] != "Running":
        raise nas_errors.INVALID_STATE()
    _check_room_for_mount_target(ctx, file_system, vswitch)
    dry_run(p, passed=nas_errors.DRY_RUN_OPERATION)
    domain = ids.mount_target_domain(file_system["FileSystemId"], ctx.region)
    mount_target = ctx.store.add(
        "mount_target",
        domain,
        {
            "MountTargetDomain": domain,
            "FileSystemId": file_system["FileSystemId"],
            "NetworkType": "Vpc",
            "VpcId": vpc["VpcId"],
            "VswId": vswitch["VSwitchId"],
            "AccessGroupName": group_name,
            "Status": "Pending",
            "DualStackMountTargetDomain": "",
            "IPVersion": "IPv4",
            "_security_group_id": security_group_id,
        },
        region=ctx.region,
    )
    ctx.schedule(mount_target, [("mount_target.create", "Status", "Active")])
    ctx.runtime.changed("mount_target", "created", mount_target, ctx.store)
    return {"MountTargetDomain": domain}


def _render_mount_target(ctx, mount_target):
    seen = {**mount_target, **ctx.runtime.observe("mount_target", mount_target)}
    return {
        "MountTargetDomain": seen["MountTargetDomain"],
        "NetworkType": seen["NetworkType"],
        "VpcId": seen["VpcId"],
        "VswId": seen["VswId"],
        "AccessGroup": seen["AccessGroupName"],
        "Status": seen["Status"],
        "IPVersion": seen["IPVersion"],
        "DualStackMountTargetDomain": seen["DualStackMountTargetDomain"],
        "ClientMasterNodes": {"ClientMasterNode": []},
        "Tags": {"Tag": []},
    }


@NAS.action("DescribeMountTargets")
def describe_mount_targets(ctx):
    p = ctx.params
    file_system = _file_system(ctx, p.str("FileSystemId", required=True))
    domain = p.str("MountTargetDomain")
    mount_targets = _mount_targets_of(ctx, file_system)
    if domain is not None:
        mount_targets = [m for m in mount_targets if m["MountTargetDomain"] == domain]
        if not mount_targets:
            raise nas_errors.INVALID_MOUNT_TARGET_NOT_FOUND()
    chunk, meta = page(mount_targets, p, max_size=100)
    return {**meta, "MountTargets": {"MountTarget": [_render_mount_target(ctx, m) for m in chunk]}}


@NAS.action("ModifyMountTarget")
def modify_mount_target(ctx):
    p = ctx.params
    file_system = _file_system(ctx, p.str("FileSystemId", required=True))
    mount_target = _mount_target(
        ctx, file_system, p.str("MountTargetDomain"), not_found=nas_errors.INVALID_PARAM_MOUNT_TARGET_DOMAIN
    )
    group_name = p.str("AccessGroupName")
    status = p.str("Status", choices=("Active", "Inactive"))
    if group_name is not None:
        _access_group(ctx, group_name, file_system["FileSystemType"])
    if mount_target["Status"] not in ("Active", "Inactive"):
        raise nas_errors.INVALID_STATE()
    if group_name is not None:
        mount_target["AccessGroupName"] = group_name
    if status is not None:
        mount_target["Status"] = status
    ctx.runtime.changed("mount_target", "updated", mount_target, ctx.store)
    return {}


@NAS.action("DeleteMountTarget")
def delete_mount_target(ctx):
    p = ctx.params
    file_system = _file_system(ctx, p.str("FileSystemId", required=True))
    mount_target = _mount_target(ctx, file_system, p.str("MountTargetDomain", required=True))
    if mount_target["Status"] not in ("Active", "Inactive"):
        raise nas_errors.INVALID_STATE()
    mount_target["Status"] = "Deleting"
    ctx.schedule(mount_target, [("mount_target.delete", GONE, True)])
    ctx.runtime.changed("mount_target", "deleted", mount_target, ctx.store)
    return {}


# access groups --------------------------------------------------------------------------------
def _mount_targets_using(ctx, group):
    return [
        m
        for m in ctx.store.find("mount_target", ctx.region, AccessGroupName=group["AccessGroupName"])
        if (ctx.store.get("file_system", m["FileSystemId"]) or {}).get("FileSystemType") == group["FileSystemType"]
    ]


def _rules_of(ctx, group):
    rules = ctx.store.find(
        "access_rule", ctx.region, AccessGroupName=group["AccessGroupName"], FileSystemType=group["FileSystemType"]
    )
    return sorted(rules, key=lambda r: int(r["AccessRuleId"]))


def _render_access_group(ctx, group):
    return {
        **_public(group),
        "CreateTime": iso(group["_created_at"]),
        "RuleCount": len(_rules_of(ctx, group)),
        "MountTargetCount": len(_mount_targets_using(ctx, group)),
    }


@NAS.action("CreateAccessGroup")
def create_access_group(ctx):
    p = ctx.params
    name = p.str("AccessGroupName", required=True)
    group_type = p.str("AccessGroupType", required=True)
    file_system_type = _access_group_type(p)
    if not _GROUP_NAME.match(name):
        raise invalid_parameter("AccessGroupName", name, "3 to 64 letters, digits, _ or -, starting with a letter.")
    if group_type != "Vpc":
        raise invalid_parameter("AccessGroupType", group_type, "Valid values: Vpc.")
    description = DESCRIPTION.check(p.str("Description"))
    _ensure_default_group(ctx, file_system_type)
    group_id = _group_id(ctx, file_system_type, name)
    if ctx.store.get("access_group", group_id) is not None:
        raise nas_errors.INVALID_ACCESS_GROUP_ALREADY_EXISTED()
    custom = [g for g in ctx.store.find("access_group", ctx.region) if g["AccessGroupName"] != DEFAULT_GROUP]
    if len(custom) >= MAX_ACCESS_GROUPS:
        raise nas_errors.OPERATION_DENIED_ACCESS_GROUP_COUNTS_EXCEEDED()
    ctx.store.add(
        "access_group",
        group_id,
        {
            "AccessGroupName": name,
            "AccessGroupType": group_type,
            "Description": description or name,
            "FileSystemType": file_system_type,
            "RegionId": ctx.region,
        },
        region=ctx.region,
    )
    return {"AccessGroupName": name}


@NAS.action("DescribeAccessGroups")
def describe_access_groups(ctx):
    p = ctx.params
    file_system_type = _access_group_type(p)
    name = p.str("AccessGroupName")
    p.bool("UseUTCDateTime", default=True)  # accepted; times are always reported in UTC
    if name is not None:
        groups = [_access_group(ctx, name, file_system_type)]
    else:
        _ensure_default_group(ctx, file_system_type)
        groups = sorted(ctx.list("access_group", FileSystemType=file_system_type), key=lambda g: g["_created_at"])
    chunk, meta = page(groups, p, max_size=100)
    return {**meta, "AccessGroups": {"AccessGroup": [_render_access_group(ctx, g) for g in chunk]}}


@NAS.action("DeleteAccessGroup")
def delete_access_group(ctx):
    p = ctx.params
    group = _access_group(ctx, p.str("AccessGroupName", required=True), _access_group_type(p))
    if group["AccessGroupName"] == DEFAULT_GROUP:
        raise nas_errors.OPERATION_DENIED_DEFAULT_ACCESS_GROUP_CANNOT_DELETE()
    if _mount_targets_using(ctx, group):
        raise nas_errors.INVALID_ACCESS_GROUP_ALREADY_ATTACHED()
    for rule in _rules_of(ctx, group):
        ctx.store.remove("access_rule", rule["_id"])
        ctx.runtime.changed("access_rule", "deleted", rule, ctx.store)
    ctx.store.remove("access_group", group["_id"])
    return {}


# access rules ---------------------------------------------------------------------------------
def _rule_fields(ctx, group_name, file_system_type, rule_id, source, rw_access, user_access, priority):
    return {
        "AccessRuleId": rule_id,
        "AccessGroupName": group_name,
        "SourceCidrIp": source,
        "RWAccess": rw_access,
        "UserAccess": user_access,
        "Priority": priority,
        "FileSystemType": file_system_type,
        "RegionId": ctx.region,
    }


def _source_cidr(params):
    if params.str("Ipv6SourceCidrIp") is not None:
        if params.str("SourceCidrIp") is not None:
            raise nas_errors.INVALID_PARAM_IPV4_AND_IPV6_MUTUALLY_EXCLUSIVE()
        raise nas_errors.INVALID_ACCESS_GROUP_NOTSUPPORTED_IPV6()
    value = params.str("SourceCidrIp", default="")
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError:
        network = None
    if network is None or network.version != 4:
        raise nas_errors.INVALID_PARAM_SOURCE_CIDR_IP()
    return value


@NAS.action("CreateAccessRule")
def create_access_rule(ctx):
    p = ctx.params
    group = _access_group(ctx, p.str("AccessGroupName", required=True), _access_group_type(p))
    _refuse_default_group_change(group)
    source = _source_cidr(p)
    rw_access = p.str("RWAccessType", default="RDWR", choices=("RDWR", "RDONLY"))
    user_access = p.str("UserAccessType", default="no_squash", choices=("no_squash", "root_squash", "all_squash"))
    priority = p.int("Priority", default=1, minimum=1, maximum=100)
    rules = _rules_of(ctx, group)
    if len(rules) >= MAX_ACCESS_RULES:
        raise nas_errors.OPERATION_DENIED_ACCESS_RULE_COUNTS_EXCEEDED()
    rule_id = str(max((int(r["AccessRuleId"]) for r in rules), default=0) + 1)
    fields = _rule_fields(
        ctx, group["AccessGroupName"], group["FileSystemType"], rule_id, source, rw_access, user_access, priority
    )
    rule = ctx.store.add("access_rule", f"{group['_id']}:{rule_id}", fields, region=ctx.region)
    ctx.runtime.changed("access_rule", "created", rule, ctx.store)
    return {"AccessRuleId": rule_id}


def _access_rule(ctx, group, rule_id):
    found = ctx.store.get("access_rule", f"{group['_id']}:{rule_id}")
    if found is None:
        raise nas_errors.INVALID_ACCESS_RULE_NOT_FOUND()
    return found


@NAS.action("DescribeAccessRules")
def describe_access_rules(ctx):
    p = ctx.params
    group = _access_group(ctx, p.str("AccessGroupName", required=True), _access_group_type(p))
    rule_id = p.str("AccessRuleId")
    rules = [_access_rule(ctx, group, rule_id)] if rule_id is not None else _rules_of(ctx, group)
    chunk, meta = page(rules, p, max_size=100)
    return {**meta, "AccessRules": {"AccessRule": [_public(r) for r in chunk]}}


@NAS.action("DeleteAccessRule")
def delete_access_rule(ctx):
    p = ctx.params
    group = _access_group(ctx, p.str("AccessGroupName", required=True), _access_group_type(p))
    rule_id = p.str("AccessRuleId", required=True)
    _refuse_default_group_change(group)
    rule = _access_rule(ctx, group, rule_id)
    ctx.store.remove("access_rule", rule["_id"])
    ctx.runtime.changed("access_rule", "deleted", rule, ctx.store)
    return {}


@NAS.action("ModifyFileSystem")
def modify_file_system(ctx):
    p = ctx.params
    file_system = _file_system(ctx, p.str("FileSystemId", required=True))
    description = DESCRIPTION.check(p.str("Description"))
    if description is not None:
        file_system["Description"] = description
    ctx.runtime.changed("file_system", "updated", file_system, ctx.store)
    return {}


@NAS.action("ModifyAccessGroup")
def modify_access_group(ctx):
    p = ctx.params
    group = _access_group(ctx, p.str("AccessGroupName", required=True), _access_group_type(p))
    _refuse_default_group_change(group)
    description = DESCRIPTION.check(p.str("Description"))
    if description is not None:
        group["Description"] = description
    return {}


@NAS.action("ModifyAccessRule")
def modify_access_rule(ctx):
    p = ctx.params
    group = _access_group(ctx, p.str("AccessGroupName", required=True), _access_group_type(p))
    _refuse_default_group_change(group)
    rule = _access_rule(ctx, group, p.str("AccessRuleId", required=True))
    if p.str("SourceCidrIp") is not None:
        rule["SourceCidrIp"] = _source_cidr(p)
    rule["RWAccess"] = p.str("RWAccessType", default=rule["RWAccess"], choices=("RDWR", "RDONLY"))
    rule["UserAccess"] = p.str(
        "UserAccessType", default=rule["UserAccess"], choices=("no_squash", "root_squash", "all_squash")
    )
    rule["Priority"] = p.int("Priority", default=rule["Priority"], minimum=1, maximum=100)
    ctx.runtime.changed("access_rule", "updated", rule, ctx.store)
    return {}
