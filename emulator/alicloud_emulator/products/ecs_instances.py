"""ECS instances: RunInstances, the state machine, Describe*, Start/Stop/Reboot/Delete, ModifyInstanceAttribute.

Status: RunInstances Pending -> Starting -> Running; Start Stopped -> Starting -> Running; Stop Running ->
Stopping -> Stopped; Reboot Running -> Stopping -> Starting -> Running; Delete: the instance stays visible
(Stopped, or Stopping when a Running one is force-released) with the lock RELEASE_LOCK until it is gone from
Describe, and refuses every action meanwhile, DeleteInstance included.
"""

import base64
import binascii
import calendar
import ipaddress
import re
import uuid
from datetime import datetime, timedelta, timezone

from .. import ids
from ..errors import ApiError, invalid_parameter, missing
from ..netcheck import parse_network, usable_hosts
from ..params import Params
from .addresses import used_addresses
from .base import (
    TextRule,
    check_tag_limit,
    dry_run,
    iso_minutes,
    matches_tags,
    page,
    resource_group_id,
    tags_with_tag_key,
    token_page,
    uses_token_paging,
)
from .ecs import ECS
from .ecs_catalog import key_pair_in_region
from .ecs_errors import (
    CHARGE_TYPE_VIOLATION,
    DRYRUN_SUCCESS,
    ENTERPRISE_GROUP_LIMITED_MUTLI_GROUP_TYPE,
    INCORRECT_INSTANCE_STATUS,
    INCORRECT_INSTANCE_STATUS_INITIALIZING,
    INCORRECT_VSWITCH_STATUS,
    INSTANCE_DISK_NUMBER_LIMIT_EXCEED,
    INVALID_CHARGE_TYPE_VALUE_NOT_SUPPORTED,
    INVALID_DATA_DISK_CATEGORY_VALUE_NOT_SUPPORTED,
    INVALID_DATA_DISK_SIZE_VALUE_NOT_SUPPORTED,
    INVALID_DESCRIPTION_MALFORMED,
    INVALID_HOST_NAME_MALFORMED,
    INVALID_IMAGE_ID_NOT_FOUND,
    INVALID_INSTANCE_CHARGE_TYPE_NOT_FOUND,
    INVALID_INSTANCE_ID_NOT_FOUND,
    INVALID_INSTANCE_IDS_NOT_FOUND,
    INVALID_INSTANCE_NAME_CUSTOM_MALFORMED,
    INVALID_INSTANCE_NAME_MALFORMED,
    INVALID_INSTANCE_TYPE_BEYOND_RANGE,
    INVALID_INTERNET_CHARGE_TYPE_VALUE_NOT_SUPPORTED,
    INVALID_INTERNET_MAX_BANDWIDTH_OUT_MALFORMED,
    INVALID_KEY_PAIR_NAME_NOT_FOUND,
    INVALID_MIN_AMOUNT_MALFORMED,
    INVALID_OPERATION_DELETION_PROTECTION,
    INVALID_PARAMETER_MISMATCH,
    INVALID_PARAMETER_SECURITY_GROUP_ID_REPEATED,
    INVALID_PARAMETER_SECURITY_GROUP_ID_REPEATED_ON_MODIFY,
    INVALID_PARAMETER_TOO_MANY_INSTANCE_IDS,
    INVALID_PARAMS_HOSTNAME_EXCEED,
    INVALID_PARAMS_INSTANCE_NAME_EXCEED,
    INVALID_PASSWORD_MALFORMED,
    INVALID_PASSWORD_PARAM_MISMATCH,
    INVALID_PERIOD,
    INVALID_PRIVATE_IP_ADDRESS,
    INVALID_PRIVATE_IP_ADDRESS_DUPLICATED,
    INVALID_PRIVATE_IP_ADDRESS_MALFORMED,
    INVALID_SECURITY_GROUP_ID_NOT_FOUND,
    INVALID_SECURITY_GROUP_ID_NOT_FOUND_IN_RECORDS,
    INVALID_SECURITY_GROUP_ID_SINGLE_ID_AND_MULTI_ID_CONFLICT,
    INVALID_SECURITY_GROUP_VPC_NOT_BELONG_TO_ONE_VPC,
    INVALID_SPOT_PREPAID,
    INVALID_SPOT_PRICE_LIMIT,
    INVALID_SPOT_STRATEGY,
    INVALID_STATUS_NOT_FOUND,
    INVALID_SYSTEM_DISK_CATEGORY_VALUE_NOT_SUPPORTED,
    INVALID_SYSTEM_DISK_SIZE_LESS_THAN_IMAGE_SIZE,
    INVALID_SYSTEM_DISK_SIZE_LESS_THAN_MIN_SIZE,
    INVALID_SYSTEM_DISK_SIZE_MORE_THAN_MAX_SIZE,
    INVALID_SYSTEM_DISK_SIZE_VALUE_NOT_SUPPORTED,
    INVALID_USER_DATA_BASE64_FORMAT_INVALID,
    INVALID_USER_DATA_BASE64_FORMAT_INVALID_ON_MODIFY,
    INVALID_USER_DATA_SIZE_EXCEEDED,
    INVALID_VSWITCH_ID_NOT_FOUND,
    INVALID_VSWITCH_ID_NOT_FOUND_IN_ZONE,
    INVALID_ZONE_ID_NOT_FOUND,
    JOINED_GROUP_LIMIT_EXCEED,
    MISSING_PARAMETER_SECURITY_GROUP_ID,
    MISSING_PARAMETER_VSWITCH_ID,
    MISSING_PARAMTER,
    QUOTA_EXCEEDED_PRIVATE_IP_ADDRESS,
)

STATUSES = ("Pending", "Running", "Starting", "Stopping", "Stopped")
PUBLIC_IP_POOL = ipaddress.ip_network("47.96.0.0/16")
NEVER_EXPIRES = "2099-12-31T15:59Z"  # what pay-as-you-go instances report as ExpiredTime
MAX_USER_DATA = 32 * 1024  # bytes, before base64
MAX_SECURITY_GROUPS = 5
MAX_DATA_DISKS = 16
PASSWORD_SPECIALS = frozenset("()`~!@#$%^&*-_+=|{}[]:;'\"<>,.?/")
INSTANCE_NAME = re.compile(r"^[^\W\d_][\w.:-]{1,127}$")
HOST_NAME = re.compile(r"^[A-Za-z0-9.-]{2,64}$")
SEQUENCED_NAME = re.compile(r"^(?P<prefix>[^\[\]]+)\[(?P<spec>[^\[\]]*)\](?P<suffix>[^\[\]]*)$")
SEQUENCE_SPEC = re.compile(r"^(?:|(?P<begin>[0-9]*),(?P<bits>[0-9]*))$")
PERIODS = {"Month": (1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36, 48, 60), "Week": (1, 2, 3, 4)}
HOURLY_PRICE_PER_VCPU = 0.0825  # an illustrative list price for TradePrice
# Size limits in GiB per disk category.
SYSTEM_DISK_SIZES = {
    "cloud": (20, 500), "cloud_efficiency": (20, 2048), "cloud_ssd": (20, 2048), "cloud_essd": (20, 2048),
    "cloud_auto": (1, 2048), "cloud_essd_entry": (20, 2048),
}  # fmt: skip
DATA_DISK_SIZES = {
    "cloud": (5, 2000), "cloud_efficiency": (20, 32768), "cloud_ssd": (20, 32768), "cloud_essd": (20, 65536),
    "cloud_auto": (1, 65536), "cloud_essd_entry": (10, 32768), "cloud_regional_disk_auto": (10, 65536),
}  # fmt: skip
# Fields every instance reports the same way here (no GPUs, local disks, dedicated hosts or EIPs).
CONSTANT_FIELDS = {
    "InstanceNetworkType": "vpc",
    "OSType": "linux",
    "IoOptimized": True,
    "Recyclable": False,
    "DeviceAvailable": True,
    "CreditSpecification": "",
    "AutoReleaseTime": "",
    "GPUAmount": 0,
    "GPUSpec": "",
    "LocalStorageAmount": 0,
    "LocalStorageCapacity": 0,
    "SaleCycle": "",
    "VlanId": "",
    "ClusterId": "",
    "HpcClusterId": "",
    "DeploymentSetId": "",
    "InnerIpAddress": {"IpAddress": []},
    "RdmaIpAddress": {"IpAddress": []},
    "EipAddress": {"AllocationId": "", "IpAddress": "", "InternetChargeType": "", "IsSupportUnassociate": False},
    "OperationLocks": {"LockReason": []},
    "MetadataOptions": {"HttpEndpoint": "enabled", "HttpTokens": "optional", "HttpPutResponseHopLimit": 1},
    "HibernationOptions": {"Configured": False},
    "DedicatedHostAttribute": {"DedicatedHostId": "", "DedicatedHostName": "", "DedicatedHostClusterId": ""},
    "DedicatedInstanceAttribute": {"Affinity": "", "Tenancy": ""},
    "EcsCapacityReservationAttr": {"CapacityReservationId": "", "CapacityReservationPreference": ""},
    "SecurityOptions": {"EnableSecureBoot": False},
    "ImageOptions": {"LoginAsNonRoot": False},
}
# The OperationLocks entry of an instance being released. The API documents `Recycling` as "locked and pending
# release" (for spot instances); what a released on-demand instance shows is not documented, and the harsher
# guess is that it shows the same, so that a client must recognise it (see emulator/README.md).
RELEASE_LOCK = {"LockReason": "Recycling"}
# What DescribeInstanceAttribute shows of the DescribeInstances view.
ATTRIBUTE_FIELDS = (
    "InstanceId", "InstanceName", "HostName", "Description", "Status", "ImageId", "InstanceType", "Cpu", "Memory",
    "RegionId", "ZoneId", "InstanceNetworkType", "VpcAttributes", "PublicIpAddress", "InnerIpAddress",
    "SecurityGroupIds", "InternetChargeType", "InternetMaxBandwidthIn", "InternetMaxBandwidthOut",
    "InstanceChargeType", "CreationTime", "ExpiredTime", "StoppedMode", "SerialNumber", "CreditSpecification",
    "OperationLocks", "ClusterId", "VlanId", "SecurityOptions",
)  # fmt: skip


# errors ---------------------------------------------------------------------------------------
# reading instances ----------------------------------------------------------------------------
def _instance(ctx, instance_id):
    """An instance by ID in any region (the single-instance actions take no RegionId)."""
    instance = ctx.store.get("instance", instance_id)
    if instance is None:
        raise INVALID_INSTANCE_ID_NOT_FOUND()
    return instance


def _regional_instance(ctx, instance_id):
    instance = ctx.store.get("instance", instance_id)
    return instance if instance is not None and instance["_region"] == ctx.region else None


def _view(ctx, instance):
    """The stored instance with what the data plane observes merged over it (e.g. a crashed one is Stopped)."""
    return {**instance, **ctx.runtime.observe("instance", instance)}


def _status(ctx, instance):
    return _view(ctx, instance)["Status"]


def _require_status(ctx, instance, allowed):
    if instance.get("_deleting") or _status(ctx, instance) not in allowed:
        raise INCORRECT_INSTANCE_STATUS()


# RunInstances: checks -------------------------------------------------------------------------
def _image(ctx, image_id):
    for image in ctx.catalog.images:
        if image["ImageId"] == image_id:
            return image
    raise INVALID_IMAGE_ID_NOT_FOUND()


def _instance_type(ctx, name):
    if name not in ctx.catalog.instance_types:
        raise INVALID_INSTANCE_TYPE_BEYOND_RANGE()
    family, cpu, memory = ctx.catalog.instance_types[name]
    return {"InstanceType": name, "InstanceTypeFamily": family, "Cpu": cpu, "Memory": memory}


def _vswitch(ctx, vswitch_id, zone):
    if vswitch_id is None:
        raise MISSING_PARAMETER_VSWITCH_ID()
    vswitch = ctx.store.get("vswitch", vswitch_id)
    if vswitch is None or vswitch["_region"] != ctx.region:
        raise INVALID_VSWITCH_ID_NOT_FOUND()
    if zone is not None and not ctx.catalog.has_zone(ctx.region, zone):
        raise INVALID_ZONE_ID_NOT_FOUND()
    if zone is not None and zone != vswitch["ZoneId"]:
        raise INVALID_VSWITCH_ID_NOT_FOUND_IN_ZONE()
    if vswitch["Status"] != "Available":
        raise INCORRECT_VSWITCH_STATUS()
    return vswitch


def _requested_group_ids(params):
    single, many = params.str("SecurityGroupId"), params.list("SecurityGroupIds")
    if single and many:
        raise INVALID_SECURITY_GROUP_ID_SINGLE_ID_AND_MULTI_ID_CONFLICT()
    group_ids = [single] if single else many
    if not group_ids:
        raise MISSING_PARAMETER_SECURITY_GROUP_ID()
    if len(set(group_ids)) != len(group_ids):
        raise INVALID_PARAMETER_SECURITY_GROUP_ID_REPEATED()
    if len(group_ids) > MAX_SECURITY_GROUPS:
        raise JOINED_GROUP_LIMIT_EXCEED(limit=MAX_SECURITY_GROUPS)
    return group_ids


def _check_one_group_type(groups):
    if len({g.get("SecurityGroupType", "normal") for g in groups}) > 1:
        raise ENTERPRISE_GROUP_LIMITED_MUTLI_GROUP_TYPE()


def _security_groups_for_run(ctx, params, vpc_id):
    groups = []
    for group_id in _requested_group_ids(params):
        group = ctx.store.get("security_group", group_id)
        if group is None or group["_region"] != ctx.region:
            raise INVALID_SECURITY_GROUP_ID_NOT_FOUND_IN_RECORDS()
        if group["VpcId"] != vpc_id:
            raise INVALID_PARAMETER_MISMATCH()
        groups.append(group)
    _check_one_group_type(groups)
    return [g["SecurityGroupId"] for g in groups]


def _key_pair_name(ctx, name):
    if name is None:
        return ""
    if key_pair_in_region(ctx, name) is None:
        raise INVALID_KEY_PAIR_NAME_NOT_FOUND()
    return name


def _check_password(password):
    kinds = (str.islower, str.isupper, str.isdigit, PASSWORD_SPECIALS.__contains__)
    allowed = all(c.isascii() and (c.isalnum() or c in PASSWORD_SPECIALS) for c in password)
    variety = sum(any(kind(c) for c in password) for kind in kinds)
    if not (8 <= len(password) <= 30 and allowed and variety >= 3):
        raise INVALID_PASSWORD_MALFORMED()
    return password


def _password(params):
    password = params.str("Password")
    if password is not None and params.bool("PasswordInherit"):
        raise INVALID_PASSWORD_PARAM_MISMATCH()
    return _check_password(password) if password is not None else ""


def _check_user_data(text, not_base64):
    try:
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise not_base64() from None
    if len(decoded) > MAX_USER_DATA:
        raise INVALID_USER_DATA_SIZE_EXCEEDED()
    return text


DESCRIPTION = TextRule(2, 256, INVALID_DESCRIPTION_MALFORMED)


def _disk_size(text, low, high, error):
    try:
        size = int(text)
    except (TypeError, ValueError):
        raise error() from None
    if not low <= size <= high:
        raise error()
    return size


def _system_disk(params, image):
    disk = params.object("SystemDisk")
    category = disk.get("Category") or "cloud_efficiency"
    if category not in SYSTEM_DISK_SIZES:
        raise INVALID_SYSTEM_DISK_CATEGORY_VALUE_NOT_SUPPORTED()
    if not disk.get("Size"):
        return {"Category": category, "Size": max(40, image["Size"])}
    low, high = SYSTEM_DISK_SIZES[category]
    size = _disk_size(disk["Size"], 1, 65536, INVALID_SYSTEM_DISK_SIZE_VALUE_NOT_SUPPORTED)
    if size < image["Size"]:
        raise INVALID_SYSTEM_DISK_SIZE_LESS_THAN_IMAGE_SIZE()
    if size < low:
        raise INVALID_SYSTEM_DISK_SIZE_LESS_THAN_MIN_SIZE()
    if size > high:
        raise INVALID_SYSTEM_DISK_SIZE_MORE_THAN_MAX_SIZE()
    return {"Category": category, "Size": size}


def _data_disks(params):
    requested = params.objects("DataDisk")
    if len(requested) > MAX_DATA_DISKS:
        raise INSTANCE_DISK_NUMBER_LIMIT_EXCEED()
    disks = []
    for disk in requested:
        category = disk.get("Category") or "cloud_efficiency"
        if category not in DATA_DISK_SIZES:
            raise INVALID_DATA_DISK_CATEGORY_VALUE_NOT_SUPPORTED()
        low, high = DATA_DISK_SIZES[category]
        size = _disk_size(disk.get("Size"), low, high, INVALID_DATA_DISK_SIZE_VALUE_NOT_SUPPORTED)
        delete_with_instance = disk.get("DeleteWithInstance", "true").lower() != "false"
        disks.append(
            {
                "Category": category,
                "Size": size,
                "DiskName": disk.get("DiskName", ""),
                "Description": disk.get("Description", ""),
                "DeleteWithInstance": delete_with_instance,
            }
        )
    return disks


def _bandwidth(params):
    text = params.str("InternetMaxBandwidthOut", default="0")
    if not text.isdigit() or not 0 <= int(text) <= 100:
        raise INVALID_INTERNET_MAX_BANDWIDTH_OUT_MALFORMED()
    out = int(text)
    charge_type = params.str("InternetChargeType", default="PayByTraffic")
    if charge_type not in ("PayByTraffic", "PayByBandwidth"):
        raise INVALID_INTERNET_CHARGE_TYPE_VALUE_NOT_SUPPORTED()
    return {
        "InternetChargeType": charge_type,
        "InternetMaxBandwidthOut": out,
        "InternetMaxBandwidthIn": 10 if out <= 10 else out,
    }


def _spot(params, charge_type):
    strategy = params.str("SpotStrategy", default="NoSpot")
    if strategy not in ("NoSpot", "SpotWithPriceLimit", "SpotAsPriceGo"):
        raise INVALID_SPOT_STRATEGY()
    if strategy != "NoSpot" and charge_type == "PrePaid":
        raise INVALID_SPOT_PREPAID()
    limit = 0.0
    text = params.str("SpotPriceLimit")
    if text is not None:
        try:
            limit = float(text)
        except ValueError:
            limit = -1.0
        if limit <= 0 or round(limit, 3) != limit:
            raise INVALID_SPOT_PRICE_LIMIT()
    return {"SpotStrategy": strategy, "SpotPriceLimit": limit if strategy == "SpotWithPriceLimit" else 0.0}


def _add_period(timestamp, period, unit):
    start = datetime.fromtimestamp(timestamp, timezone.utc)
    if unit == "Week":
        return (start + timedelta(weeks=period)).timestamp()
    months = start.month - 1 + period
    year, month = start.year + months // 12, months % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day).timestamp()


def _charge(params, now):
    """InstanceChargeType, and for subscriptions the time the instance expires."""
    charge_type = params.str("InstanceChargeType", default="PostPaid")
    if charge_type not in ("PostPaid", "PrePaid"):
        raise INVALID_INSTANCE_CHARGE_TYPE_NOT_FOUND()
    if charge_type == "PostPaid":
        return charge_type, None
    unit = params.str("PeriodUnit", default="Month", choices=tuple(PERIODS))
    period = params.str("Period")
    if period is None:
        raise MISSING_PARAMTER()
    if not period.isdigit() or int(period) not in PERIODS[unit]:
        raise INVALID_PERIOD()
    return charge_type, _add_period(now, int(period), unit)


def _amounts(params):
    amount = params.int("Amount", default=1, minimum=1, maximum=100)
    text = params.str("MinAmount")
    if text is None:
        return amount, amount
    if not text.isdigit() or not 1 <= int(text) <= amount:
        raise INVALID_MIN_AMOUNT_MALFORMED()
    return amount, int(text)


# RunInstances: addresses and names --------------------------------------------------------------
def _is_usable(network, address):
    """Inside the vSwitch and not one of its reserved addresses (see netcheck.usable_hosts)."""
    value = int(address)
    return int(network.network_address) < value <= int(network.broadcast_address) - 3


def _requested_private_ips(network, first, amount, used):
    """`PrivateIpAddress` with Amount > 1 asks for consecutive addresses from there."""
    try:
        start = ipaddress.ip_address(first)
    except ValueError:
        raise INVALID_PRIVATE_IP_ADDRESS_MALFORMED() from None
    addresses = []
    for offset in range(amount):
        address = start + offset
        if address.version != 4 or not _is_usable(network, address):
            raise INVALID_PRIVATE_IP_ADDRESS()
        if str(address) in used:
            raise INVALID_PRIVATE_IP_ADDRESS_DUPLICATED()
        addresses.append(str(address))
    return addresses


def _private_ips(ctx, params, vswitch, amount, min_amount):
    """One address per instance: the lowest free ones of the vSwitch (as many as fit, down to MinAmount)."""
    network = parse_network(vswitch["CidrBlock"])
    used = used_addresses(ctx.store, vswitch["VSwitchId"])
    requested = params.str("PrivateIpAddress")
    if requested is not None:
        return _requested_private_ips(network, requested, amount, used)
    free = []
    for address in usable_hosts(network):
        if len(free) == amount:
            break
        if str(address) not in used:
            free.append(str(address))
    if len(free) < min_amount:
        raise QUOTA_EXCEEDED_PRIVATE_IP_ADDRESS()
    return free


def _public_ips(ctx, count):
    used = {i["_public_ip"] for i in ctx.store.all("instance") if i.get("_public_ip")}
    free = []
    for address in PUBLIC_IP_POOL.hosts():
        if len(free) == count:
            break
        if str(address) not in used:
            free.append(str(address))
    return free


def _custom_malformed():
    return INVALID_INSTANCE_NAME_CUSTOM_MALFORMED()


def _sequence(spec):
    """`[begin,bits]` of a sequenced name: begin 0-999999 (default 0), bits 1-6 (default 6)."""
    match = SEQUENCE_SPEC.match(spec)
    if match is None:
        raise _custom_malformed()
    begin = int(match["begin"] or 0)
    bits = int(match["bits"] or 6)
    if begin > 999999 or not 1 <= bits <= 6:
        raise _custom_malformed()
    return begin, bits if len(str(begin)) <= bits else 6


def _names(template, count, unique_suffix, limit, exceed_error):
    """Names for `count` instances: `prefix[begin,bits]suffix` numbers them; UniqueSuffix appends 001, 002..."""
    match = SEQUENCED_NAME.match(template)
    sequence = _sequence(match["spec"]) if match else None
    # A sequence that ends the name already makes the names unique: UniqueSuffix then does nothing.
    add_suffix = unique_suffix and count > 1 and not (match and not match["suffix"])
    names = []
    for index in range(count):
        name = template
        if sequence:
            begin, bits = sequence
            name = f"{match['prefix']}{begin + index:0{bits}d}{match['suffix']}"
        if add_suffix:
            if len(name) + 3 > limit:
                raise exceed_error
            name += f"{index + 1:03d}"
        names.append(name)
    return names


def _check_instance_name(name):
    if not INSTANCE_NAME.match(name):
        raise INVALID_INSTANCE_NAME_MALFORMED()
    return name


def _check_host_name(name):
    """Linux host names: 2-64 of letters, digits, `.` and `-`; no `.`/`-` at either end or doubled."""
    if (
        not HOST_NAME.match(name)
        or name[0] in ".-"
        or name[-1] in ".-"
        or any(pair in name for pair in ("..", "--", ".-", "-."))
    ):
        raise INVALID_HOST_NAME_MALFORMED()
    return name


def _instance_names(params, instance_ids):
    template = params.str("InstanceName")
    if template is None:
        return list(instance_ids)
    exceed = INVALID_PARAMS_INSTANCE_NAME_EXCEED()
    names = _names(template, len(instance_ids), params.bool("UniqueSuffix"), 128, exceed)
    return [_check_instance_name(name) for name in names]


def _host_names(params, instance_ids):
    template = params.str("HostName")
    if template is None:
        return [f"iZ{instance_id[2:]}Z" for instance_id in instance_ids]
    exceed = INVALID_PARAMS_HOSTNAME_EXCEED()
    names = _names(template, len(instance_ids), params.bool("UniqueSuffix"), 64, exceed)
    return [
        _check_host_name(name.replace("${instance_id}", instance_id))
        for name, instance_id in zip(names, instance_ids, strict=True)
    ]


def _mac_address():
    return "00:16:3e:" + ":".join(f"{b:02x}" for b in uuid.uuid4().bytes[:3])


# RunInstances ---------------------------------------------------------------------------------
@ECS.action("RunInstances", client_token=True)
def run_instances(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    image = _image(ctx, p.str("ImageId", required=True))
    instance_type = _instance_type(ctx, p.str("InstanceType", required=True))
    vswitch = _vswitch(ctx, p.str("VSwitchId"), p.str("ZoneId"))
    group_ids = _security_groups_for_run(ctx, p, vswitch["VpcId"])
    key_pair_name = _key_pair_name(ctx, p.str("KeyPairName"))
    password = _password(p)
    user_data = _check_user_data(p.str("UserData"), INVALID_USER_DATA_BASE64_FORMAT_INVALID) if "UserData" in p else ""
    description = DESCRIPTION.check(p.str("Description")) if "Description" in p else ""
    charge_type, expires_at = _charge(p, ctx.now)
    settings = {**_bandwidth(p), **_spot(p, charge_type), "InstanceChargeType": charge_type}
    system_disk, data_disks = _system_disk(p, image), _data_disks(p)
    tags = p.tags()
    check_tag_limit(tags)
    amount, min_amount = _amounts(p)
    private_ips = _private_ips(ctx, p, vswitch, amount, min_amount)
    instance_ids = [ids.resource_id("i", 20) for _ in private_ips]
    names, host_names = _instance_names(p, instance_ids), _host_names(p, instance_ids)
    dry_run(p)
    if settings["InternetMaxBandwidthOut"] > 0:
        public_ips = _public_ips(ctx, len(instance_ids))
    else:
        public_ips = [""] * len(instance_ids)
    for index, instance_id in enumerate(instance_ids):
        instance = ctx.store.add(
            "instance",
            instance_id,
            {
                "InstanceId": instance_id,
                "InstanceName": names[index],
                "HostName": host_names[index],
                "Description": description,
                "Status": "Pending",
                "ImageId": image["ImageId"],
                "OSName": image.get("OSName", ""),
                "OSNameEn": image.get("OSNameEn", ""),
                **instance_type,
                "RegionId": ctx.region,
                "ZoneId": vswitch["ZoneId"],
                "KeyPairName": key_pair_name,
                **settings,
                "DeletionProtection": p.bool("DeletionProtection"),
                "ResourceGroupId": resource_group_id(p),
                "SerialNumber": str(uuid.uuid4()),
                "_vpc_id": vswitch["VpcId"],
                "_vswitch_id": vswitch["VSwitchId"],
                "_private_ip": private_ips[index],
                "_public_ip": public_ips[index],
                "_security_group_ids": list(group_ids),
                "_network_interface_id": ids.resource_id("eni", 20),
                "_mac_address": _mac_address(),
                "_password": password,
                "_user_data": user_data,
                "_system_disk": dict(system_disk),
                "_data_disks": [dict(disk) for disk in data_disks],
                "_expires_at": expires_at,
                "_started_at": ctx.now,
                "_stopped_mode": "KeepCharging",
                "_deleting": False,
                "_tags": dict(tags),
            },
            region=ctx.region,
        )
        ctx.schedule(instance, [("instance.pending", "Status", "Starting"), ("instance.start", "Status", "Running")])
        ctx.runtime.changed("instance", "created", instance, ctx.store)
    answer = {
        "InstanceIdSets": {"InstanceIdSet": instance_ids},
        "TradePrice": round(HOURLY_PRICE_PER_VCPU * instance_type["Cpu"] * len(instance_ids), 3),
    }
    if charge_type == "PrePaid":
        answer["OrderId"] = ids.numeric_id(15)
    return answer


# describing -----------------------------------------------------------------------------------
def _render_instance(ctx, instance):
    """The DescribeInstances view of an instance: stored fields, what the runtime observes, derived fields."""
    view = _view(ctx, instance)
    private_ip, public_ip = view["_private_ip"], view["_public_ip"]
    expires_at = view.get("_expires_at")
    return {
        **CONSTANT_FIELDS,
        **{k: v for k, v in view.items() if not k.startswith("_")},
        "CreationTime": iso_minutes(view["_created_at"]),
        "StartTime": iso_minutes(view["_started_at"]),
        "ExpiredTime": iso_minutes(expires_at) if expires_at else NEVER_EXPIRES,
        "StoppedMode": view["_stopped_mode"] if view["Status"] == "Stopped" else "Not-applicable",
        "SpotInterruptionBehavior": "Terminate" if view["SpotStrategy"] != "NoSpot" else "",
        "VpcAttributes": {
            "VpcId": view["_vpc_id"],
            "VSwitchId": view["_vswitch_id"],
            "NatIpAddress": "",
            "PrivateIpAddress": {"IpAddress": [private_ip]},
        },
        "PublicIpAddress": {"IpAddress": [public_ip] if public_ip else []},
        "SecurityGroupIds": {"SecurityGroupId": list(view["_security_group_ids"])},
        "NetworkInterfaces": {
            "NetworkInterface": [
                {
                    "NetworkInterfaceId": view["_network_interface_id"],
                    "Type": "Primary",
                    "MacAddress": view["_mac_address"],
                    "PrimaryIpAddress": private_ip,
                    "PrivateIpSets": {"PrivateIpSet": [{"PrivateIpAddress": private_ip, "Primary": True}]},
                }
            ]
        },
        "CpuOptions": {"CoreCount": max(1, view["Cpu"] // 2), "ThreadsPerCore": 2 if view["Cpu"] > 1 else 1},
        "Tags": tags_with_tag_key(view),
    }


def _json_list(params, name):
    """A filter given as a JSON array of strings (None when not given)."""
    values = params.json(name)
    if values is None:
        return None
    if not isinstance(values, list) or len(values) > 100 or not all(isinstance(v, str) for v in values):
        raise invalid_parameter(name, params.str(name), "A JSON array of at most 100 strings.")
    return values


def _wildcard(pattern):
    """A name filter where `*` matches any text."""
    return re.compile("^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$")


def _instance_filter(params):
    """DescribeInstances filters as one predicate over an instance view; every filter given must match."""
    status = params.str("Status")
    if status is not None and status not in STATUSES:
        raise INVALID_STATUS_NOT_FOUND()
    exact = {
        "Status": status,
        "ZoneId": params.str("ZoneId"),
        "InstanceType": params.str("InstanceType"),
        "InstanceTypeFamily": params.str("InstanceTypeFamily"),
        "ImageId": params.str("ImageId"),
        "KeyPairName": params.str("KeyPairName"),
        "InstanceChargeType": params.str("InstanceChargeType"),
        "ResourceGroupId": params.str("ResourceGroupId"),
        "_vpc_id": params.str("VpcId"),
        "_vswitch_id": params.str("VSwitchId"),
    }
    exact = {field: value for field, value in exact.items() if value is not None}
    instance_ids = _json_list(params, "InstanceIds")
    private_ips = _json_list(params, "PrivateIpAddresses")
    public_ips = _json_list(params, "PublicIpAddresses")
    group_id = params.str("SecurityGroupId")
    name = params.str("InstanceName")
    name_pattern = _wildcard(name) if name is not None else None
    tags = params.tags()

    def matches(view):
        return (
            all(view.get(field) == value for field, value in exact.items())
            and (instance_ids is None or view["InstanceId"] in instance_ids)
            and (private_ips is None or view["_private_ip"] in private_ips)
            and (public_ips is None or view["_public_ip"] in public_ips)
            and (group_id is None or group_id in view["_security_group_ids"])
            and (name_pattern is None or name_pattern.match(view["InstanceName"]))
            and matches_tags(view, tags)
        )

    return matches


def _token_params(params):
    """MaxResults below 10 counts as 10 and above 100 as 100, as the real API does."""
    given = params.int("MaxResults", default=10)
    return Params({**params.flat, "MaxResults": str(min(max(given, 10), 100))})


@ECS.action("DescribeInstances")
def describe_instances(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    matches = _instance_filter(p)
    instances = [i for i in ctx.list("instance") if matches(_view(ctx, i))]
    if uses_token_paging(p):
        chunk, meta = token_page(instances, _token_params(p), max_size=100)
        paging = {"NextToken": meta["NextToken"], "TotalCount": len(instances)}
    else:
        chunk, paging = page(instances, p, max_size=100)
    return {**paging, "Instances": {"Instance": [_render_instance(ctx, i) for i in chunk]}}


@ECS.action("DescribeInstanceStatus")
def describe_instance_status(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    wanted = p.list("InstanceId")
    if len(wanted) > 100:
        raise INVALID_PARAMETER_TOO_MANY_INSTANCE_IDS()
    zone = p.str("ZoneId")
    if zone is not None and not ctx.catalog.has_zone(ctx.region, zone):
        raise INVALID_ZONE_ID_NOT_FOUND()
    instances = [
        i
        for i in ctx.list("instance")
        if (not wanted or i["InstanceId"] in wanted) and (zone is None or i["ZoneId"] == zone)
    ]
    chunk, meta = page(instances, p, max_size=50)
    statuses = [{"InstanceId": i["InstanceId"], "Status": _status(ctx, i)} for i in chunk]
    return {**meta, "InstanceStatuses": {"InstanceStatus": statuses}}


@ECS.action("DescribeInstanceAttribute")
def describe_instance_attribute(ctx):
    instance = _instance(ctx, ctx.params.str("InstanceId", required=True))
    rendered = _render_instance(ctx, instance)
    attribute = {field: rendered[field] for field in ATTRIBUTE_FIELDS}
    attribute["IoOptimized"] = "optimized"
    attribute["EipAddress"] = {"AllocationId": "", "IpAddress": "", "InternetChargeType": ""}
    return attribute


# state changes --------------------------------------------------------------------------------
def _start(ctx, instance):
    instance["Status"] = "Starting"
    instance["_started_at"] = ctx.now
    ctx.schedule(instance, [("instance.start", "Status", "Running")])
    ctx.runtime.changed("instance", "started", instance, ctx.store)


def _stopper(stopped_mode, force=False):
    def stop(ctx, instance):
        instance["Status"] = "Stopping"
        instance["_stopped_mode"] = stopped_mode
        ctx.schedule(instance, [("instance.stop", "Status", "Stopped")])
        ctx.runtime.changed("instance", "force_stopped" if force else "stopped", instance, ctx.store)

    return stop


def _reboot(ctx, instance):
    instance["Status"] = "Stopping"
    instance["_started_at"] = ctx.now
    ctx.schedule(instance, [("instance.stop", "Status", "Starting"), ("instance.start", "Status", "Running")])
    ctx.runtime.changed("instance", "rebooted", instance, ctx.store)


def _delete(ctx, instance):
    """Release: the instance stays visible (a Running one as Stopping) until it is gone from Describe."""
    if _status(ctx, instance) == "Running":
        instance["Status"] = "Stopping"
    instance["_deleting"] = True
    instance["OperationLocks"] = {"LockReason": [dict(RELEASE_LOCK)]}
    ctx.schedule(instance, [("instance.delete", "_gone", True)])
    ctx.runtime.changed("instance", "deleted", instance, ctx.store)


def _stopped_mode(params):
    return params.str("StoppedMode", default="KeepCharging", choices=("KeepCharging", "StopCharging"))


def _check_deletable(ctx, instance, force):
    if instance["_deleting"]:
        raise INCORRECT_INSTANCE_STATUS()  # being released already: a second release is refused, not ignored
    if instance["DeletionProtection"]:
        raise INVALID_OPERATION_DELETION_PROTECTION()
    if instance["InstanceChargeType"] == "PrePaid":
        raise CHARGE_TYPE_VIOLATION()
    status = _status(ctx, instance)
    if status in ("Pending", "Starting"):
        raise INCORRECT_INSTANCE_STATUS_INITIALIZING()
    if status != "Stopped" and not force:
        raise INCORRECT_INSTANCE_STATUS()


# single-instance actions (no RegionId: the instance is found by ID in any region) ----------------
@ECS.action("StartInstance")
def start_instance(ctx):
    instance = _instance(ctx, ctx.params.str("InstanceId", required=True))
    _require_status(ctx, instance, ("Stopped",))
    dry_run(ctx.params)
    _start(ctx, instance)
    return {}


@ECS.action("StopInstance")
def stop_instance(ctx):
    p = ctx.params
    instance = _instance(ctx, p.str("InstanceId", required=True))
    force = p.bool("ForceStop", default=False)
    stopped_mode = _stopped_mode(p)
    _require_status(ctx, instance, ("Running",))
    dry_run(p)
    _stopper(stopped_mode, force)(ctx, instance)
    return {}


@ECS.action("RebootInstance")
def reboot_instance(ctx):
    p = ctx.params
    instance = _instance(ctx, p.str("InstanceId", required=True))
    p.bool("ForceStop")
    _require_status(ctx, instance, ("Running",))
    dry_run(p)
    _reboot(ctx, instance)
    return {}


@ECS.action("DeleteInstance")
def delete_instance(ctx):
    p = ctx.params
    instance = _instance(ctx, p.str("InstanceId", required=True))
    _check_deletable(ctx, instance, p.bool("Force"))
    dry_run(p)
    _delete(ctx, instance)
    return {}


# batch actions --------------------------------------------------------------------------------
def _batch_ids(params):
    params.str("RegionId", required=True)
    wanted = list(dict.fromkeys(params.list("InstanceId")))
    if not wanted:
        raise missing("InstanceId")
    if len(wanted) > 100:
        raise INVALID_PARAMETER_TOO_MANY_INSTANCE_IDS()
    return wanted


def _batch_result(ctx, instance_id, instance, allowed, change):
    """One InstanceResponse of a SuccessFirst (or an all-valid AllTogether) batch."""
    if instance is None:
        error = INVALID_INSTANCE_ID_NOT_FOUND()
        return {"InstanceId": instance_id, "Code": error.code, "Message": error.message,
                "PreviousStatus": "", "CurrentStatus": ""}  # fmt: skip
    previous = _status(ctx, instance)
    try:
        _require_status(ctx, instance, allowed)
    except ApiError as error:
        return {"InstanceId": instance_id, "Code": error.code, "Message": error.message,
                "PreviousStatus": previous, "CurrentStatus": previous}  # fmt: skip
    change(ctx, instance)
    return {"InstanceId": instance_id, "Code": "200", "Message": "success",
            "PreviousStatus": previous, "CurrentStatus": _status(ctx, instance)}  # fmt: skip


def _run_batch(ctx, allowed, change):
    """StartInstances / StopInstances: AllTogether fails whole on any invalid instance, SuccessFirst per instance."""
    p = ctx.params
    wanted = _batch_ids(p)
    mode = p.str("BatchOptimization", default="AllTogether", choices=("AllTogether", "SuccessFirst"))
    dry_run = p.bool("DryRun")
    if dry_run and mode == "SuccessFirst":
        raise DRYRUN_SUCCESS()
    found = {instance_id: _regional_instance(ctx, instance_id) for instance_id in wanted}
    if mode == "AllTogether":
        if any(instance is None for instance in found.values()):
            raise INVALID_INSTANCE_IDS_NOT_FOUND()
        for instance in found.values():
            _require_status(ctx, instance, allowed)
        if dry_run:
            raise DRYRUN_SUCCESS()
    responses = [_batch_result(ctx, i, found[i], allowed, change) for i in wanted]
    return {"InstanceResponses": {"InstanceResponse": responses}}


@ECS.action("StartInstances")
def start_instances(ctx):
    return _run_batch(ctx, ("Stopped",), _start)


@ECS.action("StopInstances")
def stop_instances(ctx):
    force = ctx.params.bool("ForceStop")
    return _run_batch(ctx, ("Running",), _stopper(_stopped_mode(ctx.params), force))


@ECS.action("DeleteInstances", client_token=True)
def delete_instances(ctx):
    p = ctx.params
    wanted = _batch_ids(p)
    instances = [_regional_instance(ctx, instance_id) for instance_id in wanted]
    if any(instance is None for instance in instances):
        raise INVALID_INSTANCE_IDS_NOT_FOUND()
    force = p.bool("Force")
    for instance in instances:
        _check_deletable(ctx, instance, force)
    if p.bool("DryRun"):
        raise DRYRUN_SUCCESS()
    for instance in instances:
        _delete(ctx, instance)
    return {}


# ModifyInstanceAttribute ----------------------------------------------------------------------
def _new_security_groups(ctx, instance, group_ids):
    if len(set(group_ids)) != len(group_ids):
        raise INVALID_PARAMETER_SECURITY_GROUP_ID_REPEATED_ON_MODIFY()
    if len(group_ids) > MAX_SECURITY_GROUPS:
        raise JOINED_GROUP_LIMIT_EXCEED(limit=MAX_SECURITY_GROUPS)
    groups = []
    for group_id in group_ids:
        group = ctx.store.get("security_group", group_id)
        if group is None or group["_region"] != instance["_region"]:
            raise INVALID_SECURITY_GROUP_ID_NOT_FOUND()
        if group["VpcId"] != instance["_vpc_id"]:
            raise INVALID_SECURITY_GROUP_VPC_NOT_BELONG_TO_ONE_VPC()
        groups.append(group)
    _check_one_group_type(groups)
    return list(group_ids)


def _deletion_protection(params, instance):
    protected = params.bool("DeletionProtection")
    if protected and (instance["InstanceChargeType"] == "PrePaid" or instance["SpotStrategy"] != "NoSpot"):
        raise INVALID_CHARGE_TYPE_VALUE_NOT_SUPPORTED()
    return protected


@ECS.action("ModifyInstanceAttribute")
def modify_instance_attribute(ctx):
    p = ctx.params
    instance = _instance(ctx, p.str("InstanceId", required=True))
    changes = {}
    if "InstanceName" in p:
        changes["InstanceName"] = _check_instance_name(p.str("InstanceName"))
    if "HostName" in p:
        changes["HostName"] = _check_host_name(p.str("HostName"))
    if "Description" in p:
        changes["Description"] = DESCRIPTION.check(p.str("Description"))
    if "Password" in p:
        changes["_password"] = _check_password(p.str("Password"))
        if _status(ctx, instance) == "Starting":
            raise INCORRECT_INSTANCE_STATUS()
    if "UserData" in p:
        changes["_user_data"] = _check_user_data(p.str("UserData"), INVALID_USER_DATA_BASE64_FORMAT_INVALID_ON_MODIFY)
    if "DeletionProtection" in p:
        changes["DeletionProtection"] = _deletion_protection(p, instance)
    group_ids = p.list("SecurityGroupIds")
    if group_ids:
        changes["_security_group_ids"] = _new_security_groups(ctx, instance, group_ids)
    instance.update(changes)
    ctx.runtime.changed("instance", "updated", instance, ctx.store)
    return {}
