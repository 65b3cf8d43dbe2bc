"""RunInstances' request: every parameter read and checked (`check_run_request`), in the order the real API
reports the first problem, before anything is created; and the rules ModifyInstanceAttribute applies again
(instance and host names, password, user data, description, security groups).
"""

import base64
import binascii
import calendar
import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .. import ids
from ..netcheck import parse_network, usable_hosts
from . import ecs_errors
from .addresses import used_addresses
from .base import (
    TextRule,
    check_tag_limit,
)
from .ecs_catalog import key_pair_in_region

MAX_USER_DATA = 32 * 1024  # bytes, before base64
MAX_SECURITY_GROUPS = 5
MAX_DATA_DISKS = 16
PASSWORD_SPECIALS = frozenset("()`~!@#$%^&*-_+=|{}[]:;'\"<>,.?/")
INSTANCE_NAME = re.compile(r"^[^\W\d_][\w.:-]{1,127}$")
HOST_NAME = re.compile(r"^[A-Za-z0-9.-]{2,64}$")
SEQUENCED_NAME = re.compile(r"^(?P<prefix>[^\[\]]+)\[(?P<spec>[^\[\]]*)\](?P<suffix>[^\[\]]*)$")
SEQUENCE_SPEC = re.compile(r"^(?:|(?P<begin>[0-9]*),(?P<bits>[0-9]*))$")
# Terminate: released at the end of the notice (the default); Stop: stopped in economical mode (StopCharging).
SPOT_INTERRUPTION_BEHAVIORS = ("Terminate", "Stop")
PERIODS = {"Month": (1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36, 48, 60), "Week": (1, 2, 3, 4)}
# Size limits in GiB per disk category.
SYSTEM_DISK_SIZES = {
    "cloud": (20, 500), "cloud_efficiency": (20, 2048), "cloud_ssd": (20, 2048), "cloud_essd": (20, 2048),
    "cloud_auto": (1, 2048), "cloud_essd_entry": (20, 2048),
}  # fmt: skip
DATA_DISK_SIZES = {
    "cloud": (5, 2000), "cloud_efficiency": (20, 32768), "cloud_ssd": (20, 32768), "cloud_essd": (20, 65536),
    "cloud_auto": (1, 65536), "cloud_essd_entry": (10, 32768), "cloud_regional_disk_auto": (10, 65536),
}  # fmt: skip


@dataclass
class RunRequest:
    """A checked RunInstances request: what run_instances needs to create the instances."""

    image: dict  # the catalog's image
    instance_type: dict  # the catalog's type fields (Cpu, Memory...)
    vswitch: dict
    group_ids: list
    key_pair_name: str
    password: str
    user_data: str  # base64
    description: str
    charge_type: str
    expires_at: float | None  # None: pay-as-you-go
    settings: dict  # bandwidth, spot, metadata and charge fields, as DescribeInstances shows them
    system_disk: dict
    data_disks: list
    tags: dict
    private_ips: list  # one per instance
    instance_ids: list
    names: list
    host_names: list


def check_run_request(ctx):
    """Every RunInstances parameter checked, in the real API's order; the instance IDs are drawn here (for names)."""
    p = ctx.params
    p.str("RegionId", required=True)
    image = _image(ctx, p.str("ImageId", required=True))
    instance_type = _instance_type(ctx, p.str("InstanceType", required=True))
    vswitch = _vswitch(ctx, p.str("VSwitchId"), p.str("ZoneId"))
    group_ids = _security_groups_for_run(ctx, p, vswitch["VpcId"])
    key_pair_name = _key_pair_name(ctx, p.str("KeyPairName"))
    password = _password(p)
    user_data = (
        check_user_data(p.str("UserData"), ecs_errors.INVALID_USER_DATA_BASE64_FORMAT_INVALID)
        if "UserData" in p
        else ""
    )
    description = DESCRIPTION.check(p.str("Description")) if "Description" in p else ""
    charge_type, expires_at = _charge(p, ctx.now)
    settings = {
        **_bandwidth(p),
        **_spot(p, charge_type),
        "MetadataOptions": check_metadata_options(p),
        "InstanceChargeType": charge_type,
    }
    system_disk, data_disks = _system_disk(p, image), _data_disks(p)
    tags = p.tags()
    check_tag_limit(tags)
    amount, min_amount = _amounts(p)
    private_ips = _private_ips(ctx, p, vswitch, amount, min_amount)
    instance_ids = [ids.resource_id("i", 20) for _ in private_ips]
    names, host_names = _instance_names(p, instance_ids), _host_names(p, instance_ids)
    return RunRequest(
        image=image,
        instance_type=instance_type,
        vswitch=vswitch,
        group_ids=group_ids,
        key_pair_name=key_pair_name,
        password=password,
        user_data=user_data,
        description=description,
        charge_type=charge_type,
        expires_at=expires_at,
        settings=settings,
        system_disk=system_disk,
        data_disks=data_disks,
        tags=tags,
        private_ips=private_ips,
        instance_ids=instance_ids,
        names=names,
        host_names=host_names,
    )


# RunInstances: checks -------------------------------------------------------------------------
def _image(ctx, image_id):
    for image in ctx.catalog.images:
        if image["ImageId"] == image_id:
            return image
    raise ecs_errors.INVALID_IMAGE_ID_NOT_FOUND()


def _instance_type(ctx, name):
    if name not in ctx.catalog.instance_types:
        raise ecs_errors.INVALID_INSTANCE_TYPE_BEYOND_RANGE()
    family, cpu, memory = ctx.catalog.instance_types[name]
    return {"InstanceType": name, "InstanceTypeFamily": family, "Cpu": cpu, "Memory": memory}


def _vswitch(ctx, vswitch_id, zone):
    if vswitch_id is None:
        raise ecs_errors.MISSING_PARAMETER_VSWITCH_ID()
    vswitch = ctx.store.get("vswitch", vswitch_id)
    if vswitch is None or vswitch["_region"] != ctx.region:
        raise ecs_errors.INVALID_VSWITCH_ID_NOT_FOUND()
    if zone is not None and not ctx.catalog.has_zone(ctx.region, zone):
        raise ecs_errors.INVALID_ZONE_ID_NOT_FOUND()
    if zone is not None and zone != vswitch["ZoneId"]:
        raise ecs_errors.INVALID_VSWITCH_ID_NOT_FOUND_IN_ZONE()
    if vswitch["Status"] != "Available":
        raise ecs_errors.INCORRECT_VSWITCH_STATUS()
    return vswitch


def _requested_group_ids(params):
    single, many = params.str("SecurityGroupId"), params.list("SecurityGroupIds")
    if single and many:
        raise ecs_errors.INVALID_SECURITY_GROUP_ID_SINGLE_ID_AND_MULTI_ID_CONFLICT()
    group_ids = [single] if single else many
    if not group_ids:
        raise ecs_errors.MISSING_PARAMETER_SECURITY_GROUP_ID()
    if len(set(group_ids)) != len(group_ids):
        raise ecs_errors.INVALID_PARAMETER_SECURITY_GROUP_ID_REPEATED()
    if len(group_ids) > MAX_SECURITY_GROUPS:
        raise ecs_errors.JOINED_GROUP_LIMIT_EXCEED(limit=MAX_SECURITY_GROUPS)
    return group_ids


def check_one_group_type(groups):
    if len({g.get("SecurityGroupType", "normal") for g in groups}) > 1:
        raise ecs_errors.ENTERPRISE_GROUP_LIMITED_MUTLI_GROUP_TYPE()


def _security_groups_for_run(ctx, params, vpc_id):
    groups = []
    for group_id in _requested_group_ids(params):
        group = ctx.store.get("security_group", group_id)
        if group is None or group["_region"] != ctx.region:
            raise ecs_errors.INVALID_SECURITY_GROUP_ID_NOT_FOUND_IN_RECORDS()
        if group["VpcId"] != vpc_id:
            raise ecs_errors.INVALID_PARAMETER_MISMATCH()
        groups.append(group)
    check_one_group_type(groups)
    return [g["SecurityGroupId"] for g in groups]


def _key_pair_name(ctx, name):
    if name is None:
        return ""
    if key_pair_in_region(ctx, name) is None:
        raise ecs_errors.INVALID_KEY_PAIR_NAME_NOT_FOUND()
    return name


def check_password(password):
    kinds = (str.islower, str.isupper, str.isdigit, PASSWORD_SPECIALS.__contains__)
    allowed = all(c.isascii() and (c.isalnum() or c in PASSWORD_SPECIALS) for c in password)
    variety = sum(any(kind(c) for c in password) for kind in kinds)
    if not (8 <= len(password) <= 30 and allowed and variety >= 3):
        raise ecs_errors.INVALID_PASSWORD_MALFORMED()
    return password


def _password(params):
    password = params.str("Password")
    if password is not None and params.bool("PasswordInherit"):
        raise ecs_errors.INVALID_PASSWORD_PARAM_MISMATCH()
    return check_password(password) if password is not None else ""


def check_user_data(text, not_base64):
    try:
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise not_base64() from None
    if len(decoded) > MAX_USER_DATA:
        raise ecs_errors.INVALID_USER_DATA_SIZE_EXCEEDED()
    return text


DESCRIPTION = TextRule(2, 256, ecs_errors.INVALID_DESCRIPTION_MALFORMED)


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
        raise ecs_errors.INVALID_SYSTEM_DISK_CATEGORY_VALUE_NOT_SUPPORTED()
    if not disk.get("Size"):
        return {"Category": category, "Size": max(40, image["Size"])}
    low, high = SYSTEM_DISK_SIZES[category]
    size = _disk_size(disk["Size"], 1, 65536, ecs_errors.INVALID_SYSTEM_DISK_SIZE_VALUE_NOT_SUPPORTED)
    if size < image["Size"]:
        raise ecs_errors.INVALID_SYSTEM_DISK_SIZE_LESS_THAN_IMAGE_SIZE()
    if size < low:
        raise ecs_errors.INVALID_SYSTEM_DISK_SIZE_LESS_THAN_MIN_SIZE()
    if size > high:
        raise ecs_errors.INVALID_SYSTEM_DISK_SIZE_MORE_THAN_MAX_SIZE()
    return {"Category": category, "Size": size}


def _data_disks(params):
    requested = params.objects("DataDisk")
    if len(requested) > MAX_DATA_DISKS:
        raise ecs_errors.INSTANCE_DISK_NUMBER_LIMIT_EXCEED()
    disks = []
    for disk in requested:
        category = disk.get("Category") or "cloud_efficiency"
        if category not in DATA_DISK_SIZES:
            raise ecs_errors.INVALID_DATA_DISK_CATEGORY_VALUE_NOT_SUPPORTED()
        low, high = DATA_DISK_SIZES[category]
        size = _disk_size(disk.get("Size"), low, high, ecs_errors.INVALID_DATA_DISK_SIZE_VALUE_NOT_SUPPORTED)
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
        raise ecs_errors.INVALID_INTERNET_MAX_BANDWIDTH_OUT_MALFORMED()
    out = int(text)
    charge_type = params.str("InternetChargeType", default="PayByTraffic")
    if charge_type not in ("PayByTraffic", "PayByBandwidth"):
        raise ecs_errors.INVALID_INTERNET_CHARGE_TYPE_VALUE_NOT_SUPPORTED()
    return {
        "InternetChargeType": charge_type,
        "InternetMaxBandwidthOut": out,
        "InternetMaxBandwidthIn": 10 if out <= 10 else out,
    }


def _spot(params, charge_type):
    strategy = params.str("SpotStrategy", default="NoSpot")
    if strategy not in ("NoSpot", "SpotWithPriceLimit", "SpotAsPriceGo"):
        raise ecs_errors.INVALID_SPOT_STRATEGY()
    if strategy != "NoSpot" and charge_type == "PrePaid":
        raise ecs_errors.INVALID_SPOT_PREPAID()
    limit = 0.0
    text = params.str("SpotPriceLimit")
    if text is not None:
        try:
            limit = float(text)
        except ValueError:
            limit = -1.0
        if limit <= 0 or round(limit, 3) != limit:
            raise ecs_errors.INVALID_SPOT_PRICE_LIMIT()
    behavior = params.str("SpotInterruptionBehavior")
    if behavior is not None and (behavior not in SPOT_INTERRUPTION_BEHAVIORS or strategy == "NoSpot"):
        raise ecs_errors.INVALID_SPOT_INTERRUPTION_BEHAVIOR()
    return {
        "SpotStrategy": strategy,
        "SpotPriceLimit": limit if strategy == "SpotWithPriceLimit" else 0.0,
        "SpotInterruptionBehavior": (behavior or "Terminate") if strategy != "NoSpot" else "",
    }


DEFAULT_METADATA_OPTIONS = {"HttpEndpoint": "enabled", "HttpTokens": "optional", "HttpPutResponseHopLimit": 1}


def check_metadata_options(params, current=None):
    """MetadataOptions (HttpEndpoint enabled | disabled, HttpTokens optional | required): what `params` set,
    the rest as in `current` (RunInstances: the defaults; ModifyInstanceMetadataOptions: the instance's)."""
    options = dict(current or DEFAULT_METADATA_OPTIONS)
    endpoint = params.str("HttpEndpoint", default=options["HttpEndpoint"])
    if endpoint not in ("enabled", "disabled"):
        raise ecs_errors.INVALID_HTTP_ENDPOINT_NOT_SUPPORTED()
    tokens = params.str("HttpTokens", default=options["HttpTokens"])
    if tokens not in ("optional", "required"):
        raise ecs_errors.INVALID_HTTP_TOKENS_NOT_SUPPORTED()
    return {**options, "HttpEndpoint": endpoint, "HttpTokens": tokens}


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
        raise ecs_errors.INVALID_INSTANCE_CHARGE_TYPE_NOT_FOUND()
    if charge_type == "PostPaid":
        return charge_type, None
    unit = params.str("PeriodUnit", default="Month", choices=tuple(PERIODS))
    period = params.str("Period")
    if period is None:
        raise ecs_errors.MISSING_PARAMTER()
    if not period.isdigit() or int(period) not in PERIODS[unit]:
        raise ecs_errors.INVALID_PERIOD()
    return charge_type, _add_period(now, int(period), unit)


def _amounts(params):
    amount = params.int("Amount", default=1, minimum=1, maximum=100)
    text = params.str("MinAmount")
    if text is None:
        return amount, amount
    if not text.isdigit() or not 1 <= int(text) <= amount:
        raise ecs_errors.INVALID_MIN_AMOUNT_MALFORMED()
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
        raise ecs_errors.INVALID_PRIVATE_IP_ADDRESS_MALFORMED() from None
    addresses = []
    for offset in range(amount):
        address = start + offset
        if address.version != 4 or not _is_usable(network, address):
            raise ecs_errors.INVALID_PRIVATE_IP_ADDRESS()
        if str(address) in used:
            raise ecs_errors.INVALID_PRIVATE_IP_ADDRESS_DUPLICATED()
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
        raise ecs_errors.QUOTA_EXCEEDED_PRIVATE_IP_ADDRESS()
    return free


def _sequence(spec):
    """`[begin,bits]` of a sequenced name: begin 0-999999 (default 0), bits 1-6 (default 6)."""
    match = SEQUENCE_SPEC.match(spec)
    if match is None:
        raise ecs_errors.INVALID_INSTANCE_NAME_CUSTOM_MALFORMED()
    begin = int(match["begin"] or 0)
    bits = int(match["bits"] or 6)
    if begin > 999999 or not 1 <= bits <= 6:
        raise ecs_errors.INVALID_INSTANCE_NAME_CUSTOM_MALFORMED()
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


def check_instance_name(name):
    if not INSTANCE_NAME.match(name):
        raise ecs_errors.INVALID_INSTANCE_NAME_MALFORMED()
    return name


def check_host_name(name):
    """Linux host names: 2-64 of letters, digits, `.` and `-`; no `.`/`-` at either end or doubled."""
    if (
        not HOST_NAME.match(name)
        or name[0] in ".-"
        or name[-1] in ".-"
        or any(pair in name for pair in ("..", "--", ".-", "-."))
    ):
        raise ecs_errors.INVALID_HOST_NAME_MALFORMED()
    return name


def _instance_names(params, instance_ids):
    template = params.str("InstanceName")
    if template is None:
        return list(instance_ids)
    exceed = ecs_errors.INVALID_PARAMS_INSTANCE_NAME_EXCEED()
    names = _names(template, len(instance_ids), params.bool("UniqueSuffix"), 128, exceed)
    return [check_instance_name(name) for name in names]


def _host_names(params, instance_ids):
    template = params.str("HostName")
    if template is None:
        return [f"iZ{instance_id[2:]}Z" for instance_id in instance_ids]
    exceed = ecs_errors.INVALID_PARAMS_HOSTNAME_EXCEED()
    names = _names(template, len(instance_ids), params.bool("UniqueSuffix"), 64, exceed)
    return [
        check_host_name(name.replace("${instance_id}", instance_id))
        for name, instance_id in zip(names, instance_ids, strict=True)
    ]
