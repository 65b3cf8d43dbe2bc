"""SLB load balancers: Create, Describe, DescribeAttribute, Set (name, status, delete protection), Delete.

Load balancers are `active` as soon as they are created. An internet load balancer gets a public-looking
address from PUBLIC_ADDRESS_POOL and is not in a VPC (NetworkType `classic`; a VpcId/VSwitchId sent with
it is ignored, as the real API does); an intranet one gets the lowest free address of its vSwitch.
"""

import ipaddress
import json

from .. import ids
from ..errors import invalid_parameter
from ..netcheck import parse_network, usable_hosts
from . import slb_errors
from .addresses import used_addresses
from .base import (
    TextRule,
    iso,
    iso_minutes,
    matches_tags,
    page,
    resource_group_id,
    tags_with_tag_key,
)
from .slb import SLB, UNLIMITED_BANDWIDTH, changed, listeners_of, load_balancer, on_off
from .slb_backends import live_backends, render_attached

PUBLIC_ADDRESS_POOL = ipaddress.ip_network("47.99.0.0/16")
DEFAULT_NAME = "auto_named_slb"
CLCU_SPEC = "slb.lcu.elastic"
SPECS = ("slb.s1.small", "slb.s2.small", "slb.s2.medium", "slb.s3.small", "slb.s3.medium", "slb.s3.large")
INTERNET_CHARGE_CODES = {"paybybandwidth": "3", "paybytraffic": "4"}  # DescribeLoadBalancers reports codes
PAY_AS_YOU_GO_END = ("2999-09-08T16:00:00Z", 32493801600000)

# The private fields of a `load_balancer` (beside the store's own, see store.py).
PRIVATE_FIELDS = {
    "load_balancer": {
        "_backends": "its backend servers, [{ServerId, Weight, Type, Description}]; slb_backends.py, "
        "slb_health.py, clb_haproxy.py (the HAProxy server lines)",
        "_backends_added_at": "{ServerId: when it was added} (epoch seconds); slb_health.py (where the checks of "
        "a backend begin)",
    },
}


def _observed(ctx, lb):
    """The stored load balancer with what the runtime observes (e.g. the address it really serves on)."""
    return {**lb, **ctx.runtime.observe("load_balancer", lb)}


NAME = TextRule(1, 80, slb_errors.INVALID_PARAMETER_LOAD_BALANCER_NAME, urls=True)


def _network(ctx, params, address_type):
    """(vpc, vswitch) of an intranet load balancer; (None, None) for an internet one."""
    vpc_id, vswitch_id = params.str("VpcId"), params.str("VSwitchId")
    if address_type == "internet":
        return None, None
    if vswitch_id is None:
        raise slb_errors.MISSING_PARAM_VSWITCH_ID()
    vswitch = ctx.store.get("vswitch", vswitch_id)
    if vswitch is None or vswitch["_region"] != ctx.region:
        raise slb_errors.INVALID_VSWITCH_ID_NOT_FOUND()
    vpc = ctx.store.get("vpc", vpc_id or vswitch["VpcId"])
    if vpc is None or vpc["_region"] != ctx.region:
        raise slb_errors.INVALID_VPC_ID_NOT_EXIST()
    if vswitch["VpcId"] != vpc["VpcId"]:
        raise invalid_parameter("VSwitchId", vswitch_id, f"The vSwitch is not in VPC {vpc['VpcId']}.")
    return vpc, vswitch


def _zones(ctx, params, vswitch):
    zones = ctx.catalog.zones(ctx.region)
    master = params.str("MasterZoneId", default=vswitch["ZoneId"] if vswitch else zones[0])
    if master not in zones:
        raise invalid_parameter("MasterZoneId", master, f"It is not a zone of {ctx.region}.")
    if vswitch is not None and master != vswitch["ZoneId"]:
        raise invalid_parameter("MasterZoneId", master, "It must be the zone of the vSwitch.")
    others = [z for z in zones if z != master]
    slave = params.str("SlaveZoneId", default=others[0] if others else "")
    if slave and (slave not in zones or slave == master):
        raise invalid_parameter("SlaveZoneId", slave, f"It must be a zone of {ctx.region} other than MasterZoneId.")
    return master, slave


def _public_address(ctx):
    used = {lb["Address"] for lb in ctx.store.all("load_balancer") if lb["AddressType"] == "internet"}
    return next(str(a) for a in PUBLIC_ADDRESS_POOL.hosts() if str(a) not in used)


def _private_address(ctx, vswitch, requested):
    network = parse_network(vswitch["CidrBlock"])
    used = used_addresses(ctx.store, vswitch["VSwitchId"])
    if requested is not None:
        try:
            address = ipaddress.ip_address(requested)
        except ValueError:
            raise invalid_parameter("Address", requested, "It is not an IP address.") from None
        if address not in set(usable_hosts(network)):
            raise slb_errors.INVALID_PARAMETER_ADDRESS_NOT_IN_SUBNET()
        if requested in used:
            raise invalid_parameter("Address", requested, "The address is already in use.")
        return requested
    for address in usable_hosts(network):
        if str(address) not in used:
            return str(address)
    raise slb_errors.VSWITCH_AVAILABLE_IP_NOT_EXIST()


def _billing(params):
    """(InstanceChargeType, LoadBalancerSpec, InternetChargeType, Bandwidth)."""
    charge = params.str("InstanceChargeType", default="PayBySpec")
    if charge not in ("PayBySpec", "PayByCLCU"):
        raise slb_errors.ILLEGAL_PARAM_INSTANCE_CHARGE_TYPE()
    spec = params.str("LoadBalancerSpec")
    if spec is not None and spec not in SPECS:
        raise invalid_parameter("LoadBalancerSpec", spec, f"Valid values: {', '.join(SPECS)}.")
    if charge == "PayByCLCU":
        spec = CLCU_SPEC
    elif spec is None:
        raise slb_errors.MISSING_PARAM_LOAD_BALANCER_SPEC()
    internet_charge = params.str("InternetChargeType", default="paybytraffic").lower()
    if internet_charge not in INTERNET_CHARGE_CODES:
        raise slb_errors.INSTANCE_INTERNET_CHARGE_TYPE_NOT_ALLOWED()
    bandwidth = UNLIMITED_BANDWIDTH
    if internet_charge == "paybybandwidth":
        bandwidth = params.int("Bandwidth") if "Bandwidth" in params else None
        if bandwidth is None or not 1 <= bandwidth <= UNLIMITED_BANDWIDTH:
            raise slb_errors.INVALID_PARAMETER_BANDWIDTH()
    return charge, spec, internet_charge, bandwidth


def _protection(params):
    status = params.str("ModificationProtectionStatus", default="NonProtection")
    if status not in ("NonProtection", "ConsoleProtection"):
        raise slb_errors.INVALID_PARAM_MODIFICATION_PROTECTION_STATUS()
    reason = params.str("ModificationProtectionReason", default="") if status == "ConsoleProtection" else ""
    if len(reason) > 80:
        raise slb_errors.INVALID_PARAM_MODIFICATION_PROTECTION_REASON()
    return status, reason


@SLB.action("CreateLoadBalancer", client_token=True)
def create_load_balancer(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    address_type = p.str("AddressType", default="intranet" if "VSwitchId" in p else "internet")
    if address_type not in ("internet", "intranet"):
        raise invalid_parameter("AddressType", address_type, "Valid values: internet, intranet.")
    if p.str("AddressIPVersion", default="ipv4") != "ipv4":
        raise slb_errors.REGION_OR_ZONES_NOT_SUPPORT_IPV6()
    p.str("PayType", default="PayOnDemand", choices=("PayOnDemand",))
    charge, spec, internet_charge, bandwidth = _billing(p)
    vpc, vswitch = _network(ctx, p, address_type)
    master, slave = _zones(ctx, p, vswitch)
    name = NAME.check(p.str("LoadBalancerName", default=DEFAULT_NAME))
    delete_protection = on_off(p, "DeleteProtection", default="off")
    protection, protection_reason = _protection(p)
    tags = p.tags()
    address = _public_address(ctx) if vswitch is None else _private_address(ctx, vswitch, p.str("Address"))
    lb_id = ids.resource_id("lb", 21)
    lb = ctx.store.add(
        "load_balancer",
        lb_id,
        {
            "LoadBalancerId": lb_id,
            "LoadBalancerName": name,
            "LoadBalancerStatus": "active",
            "Address": address,
            "AddressType": address_type,
            "AddressIPVersion": "ipv4",
            "NetworkType": "classic" if vpc is None else "vpc",
            "VpcId": vpc["VpcId"] if vpc else "",
            "VSwitchId": vswitch["VSwitchId"] if vswitch else "",
            "RegionId": ctx.region,
            "RegionIdAlias": ctx.region,
            "MasterZoneId": master,
            "SlaveZoneId": slave,
            "InternetChargeType": internet_charge,
            "InstanceChargeType": charge,
            "LoadBalancerSpec": spec,
            "Bandwidth": bandwidth,
            "PayType": "PayOnDemand",
            "DeleteProtection": delete_protection,
            "ModificationProtectionStatus": protection,
            "ModificationProtectionReason": protection_reason,
            "ResourceGroupId": resource_group_id(p),
            "_backends": [],
            "_backends_added_at": {},
            "_tags": tags,
        },
        region=ctx.region,
    )
    changed(ctx, "created", lb)
    seen = _observed(ctx, lb)
    return {
        "LoadBalancerId": lb_id,
        "LoadBalancerName": name,
        "Address": seen["Address"],
        "AddressIPVersion": "ipv4",
        "NetworkType": lb["NetworkType"],
        "VpcId": lb["VpcId"],
        "VSwitchId": lb["VSwitchId"],
        "ResourceGroupId": lb["ResourceGroupId"],
    }


_SUMMARY_FIELDS = (
    "LoadBalancerId", "LoadBalancerName", "LoadBalancerStatus", "Address", "AddressType", "AddressIPVersion",
    "NetworkType", "VpcId", "VSwitchId", "RegionId", "RegionIdAlias", "MasterZoneId", "SlaveZoneId",
    "InternetChargeType", "InstanceChargeType", "LoadBalancerSpec", "Bandwidth", "PayType", "DeleteProtection",
    "ModificationProtectionStatus", "ResourceGroupId",
)  # fmt: skip


def _render_common(view):
    rendered = {field: view[field] for field in _SUMMARY_FIELDS}
    if view["ModificationProtectionStatus"] == "ConsoleProtection":
        rendered["ModificationProtectionReason"] = view["ModificationProtectionReason"]
    rendered["CreateTimeStamp"] = int(view["_created_at"] * 1000)
    rendered["Tags"] = tags_with_tag_key(view)
    return rendered


def _render_summary(view):
    """DescribeLoadBalancers: InternetChargeType as its numeric code, the word in InternetChargeTypeAlias."""
    rendered = _render_common(view)
    rendered["InternetChargeType"] = INTERNET_CHARGE_CODES[view["InternetChargeType"]]
    rendered["InternetChargeTypeAlias"] = view["InternetChargeType"]
    rendered["CreateTime"] = iso_minutes(view["_created_at"])
    return rendered


def _tags_filter(params):
    """Tag.N plus the JSON `Tags` filter: [{"tagKey": k, "tagValue": v}, ...], one such object, or {k: v}."""
    wanted = params.tags()
    text = params.str("Tags")
    if text is None:
        return wanted
    try:
        document = json.loads(text)
    except ValueError:
        raise slb_errors.INVALID_TAG() from None
    entries = document if isinstance(document, list) else [document]
    for entry in entries:
        if not isinstance(entry, dict):
            raise slb_errors.INVALID_TAG()
        lowered = {str(k).lower(): v for k, v in entry.items()}
        if "tagkey" in lowered:
            wanted[str(lowered["tagkey"])] = str(lowered.get("tagvalue") or "")
        else:
            wanted.update({str(k): str(v) for k, v in entry.items()})
    if len(wanted) > 20:
        raise slb_errors.INVALID_TAG()
    return wanted


def _comma_filter(params, name, limit=10):
    values = params.comma_list(name)
    if len(values) > limit:
        raise invalid_parameter(name, params.str(name), f"At most {limit} values.")
    return values


def _has_backend(ctx, lb, server_ids, addresses):
    attached = live_backends(ctx, lb)
    if server_ids and not any(b["ServerId"] in server_ids for b in attached):
        return False
    if addresses:
        ips = {ctx.store.get("instance", b["ServerId"])["_private_ip"] for b in attached}
        return bool(ips & set(addresses))
    return True


_EXACT_FILTERS = (
    "Address", "AddressType", "AddressIPVersion", "VpcId", "VSwitchId", "NetworkType", "LoadBalancerStatus",
    "PayType", "ResourceGroupId", "MasterZoneId", "SlaveZoneId",
)  # fmt: skip


@SLB.action("DescribeLoadBalancers")
def describe_load_balancers(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    wanted_ids = _comma_filter(p, "LoadBalancerId")
    wanted_names = _comma_filter(p, "LoadBalancerName")
    exact = {field: p.str(field) for field in _EXACT_FILTERS if p.str(field) is not None}
    internet_charge = p.str("InternetChargeType")
    server_ids = p.comma_list("ServerId")
    addresses = p.comma_list("ServerIntranetAddress")
    wanted_tags = _tags_filter(p)
    views = [_observed(ctx, lb) for lb in ctx.list("load_balancer")]
    found = [
        v
        for v in views
        if (not wanted_ids or v["LoadBalancerId"] in wanted_ids)
        and (not wanted_names or v["LoadBalancerName"] in wanted_names)
        and all(v[field] == value for field, value in exact.items())
        and (internet_charge is None or v["InternetChargeType"] == internet_charge.lower())
        and _has_backend(ctx, v, server_ids, addresses)
        and matches_tags(v, wanted_tags)
    ]
    chunk, meta = page(found, p, default_size=10, max_size=100)
    return {**meta, "LoadBalancers": {"LoadBalancer": [_render_summary(v) for v in chunk]}}


@SLB.action("DescribeLoadBalancerAttribute")
def describe_load_balancer_attribute(ctx):
    lb = load_balancer(ctx, ctx.params.str("LoadBalancerId", required=True))
    rendered = _render_common(_observed(ctx, lb))
    rendered["CreateTime"] = iso(lb["_created_at"])
    rendered["EndTime"], rendered["EndTimeStamp"] = PAY_AS_YOU_GO_END
    rendered["BackendServers"] = {"BackendServer": [render_attached(ctx, b) for b in live_backends(ctx, lb)]}
    listeners = listeners_of(ctx, lb)
    rendered["ListenerPorts"] = {"ListenerPort": [x["ListenerPort"] for x in listeners]}
    rendered["ListenerPortsAndProtocol"] = {"ListenerPortAndProtocol": [_port_and_protocol(x) for x in listeners]}
    rendered["ListenerPortsAndProtocal"] = {  # sic: the legacy spelling the API still returns
        "ListenerPortAndProtocal": [
            {"ListenerPort": x["ListenerPort"], "ListenerProtocal": x["ListenerProtocol"]} for x in listeners
        ]
    }
    return rendered


def _port_and_protocol(listener):
    entry = {"ListenerPort": listener["ListenerPort"], "ListenerProtocol": listener["ListenerProtocol"]}
    if listener["Description"]:
        entry["Description"] = listener["Description"]
    return entry


def _set_field(ctx, field, value_of):
    """The SetLoadBalancer* actions: one field of the load balancer, read by `value_of(params)`."""
    p = ctx.params
    lb = load_balancer(ctx, p.str("LoadBalancerId", required=True))
    lb[field] = value_of(p)
    changed(ctx, "updated", lb)
    return {}


@SLB.action("SetLoadBalancerName")
def set_load_balancer_name(ctx):
    return _set_field(ctx, "LoadBalancerName", lambda p: NAME.check(p.str("LoadBalancerName", required=True)))


@SLB.action("SetLoadBalancerStatus")
def set_load_balancer_status(ctx):
    choices = ("active", "inactive")
    return _set_field(ctx, "LoadBalancerStatus", lambda p: p.str("LoadBalancerStatus", required=True, choices=choices))


@SLB.action("SetLoadBalancerDeleteProtection")
def set_load_balancer_delete_protection(ctx):
    return _set_field(
        ctx, "DeleteProtection", lambda p: p.str("DeleteProtection", required=True, choices=("on", "off"))
    )


@SLB.action("DeleteLoadBalancer")
def delete_load_balancer(ctx):
    lb = load_balancer(ctx, ctx.params.str("LoadBalancerId", required=True))
    if lb["DeleteProtection"] == "on":
        raise slb_errors.OPERATION_DENIED_DELETE_PROTECTION_IS_ON()
    for listener in listeners_of(ctx, lb):
        ctx.store.remove("listener", listener["_id"])
    ctx.store.remove("load_balancer", lb["LoadBalancerId"])
    changed(ctx, "deleted", lb)
    return {}
