"""SLB (CLB) 2014-05-15: load balancers, HTTP listeners, backend servers, health status.

Load balancers are `active` as soon as they are created. An internet load balancer gets a public-looking
address from PUBLIC_ADDRESS_POOL and is not in a VPC (NetworkType `classic`; a VpcId/VSwitchId sent with
it is ignored, as the real API does); an intranet one gets the lowest free address of its vSwitch.
HTTP listeners are created `stopped`; Start goes `starting` -> `running`, Stop `stopping` -> `stopped`.

Backend health (DescribeHealthStatus), unless the runtime knows better (`runtime.backend_health(lb, listener,
server)`, server being the attached `_backends` entry):
- listener not running, or its health check off: `unavailable`;
- the checks of a backend begin when it was added or when the listener came up, whichever is later;
- a Running instance is `normal` once it has been up for HealthyThreshold x HealthCheckInterval seconds
  since the checks began (or since it was last started); before that it is `abnormal` if it was restarted
  after the checks began, else `unavailable` (no verdict yet);
- an instance that is not Running is `abnormal` once UnhealthyThreshold x HealthCheckInterval seconds have
  passed since the checks began (so one that stops later is `abnormal` at once), else `unavailable`.
These windows follow the timing profile: HEALTH_CHECK_PACE x the time scale.
"""

import ipaddress
import json

from .. import ids
from ..errors import ApiError, invalid_parameter
from ..netcheck import parse_network, usable_hosts
from .addresses import used_addresses
from .base import (
    Product,
    TextRule,
    decode_token,
    encode_token,
    iso,
    iso_minutes,
    matches_tags,
    page,
    resource_group_id,
    tags_with_tag_key,
)
from .slb_errors import (
    BACKEND_SERVER_SERVER_ID_EMPTY,
    ILLEGAL_PARAM_INSTANCE_CHARGE_TYPE,
    ILLEGAL_PARAM_LISTENER_PROTOCOL,
    ILLEGAL_PARAM_MAX_RESULTS,
    ILLEGAL_PARAM_NEXT_TOKEN,
    ILLEGAL_PARAM_SIZE_LOAD_BALANCER_ID,
    INSTANCE_INTERNET_CHARGE_TYPE_NOT_ALLOWED,
    INVALID_BACKEND_SERVERS_INCONSISTENT,
    INVALID_PARAM_MODIFICATION_PROTECTION_REASON,
    INVALID_PARAM_MODIFICATION_PROTECTION_STATUS,
    INVALID_PARAMETER_ADDRESS_NOT_IN_SUBNET,
    INVALID_PARAMETER_BACKEND_SERVERS,
    INVALID_PARAMETER_BANDWIDTH,
    INVALID_PARAMETER_FORWARD_PORT,
    INVALID_PARAMETER_IDLE_TIMEOUT,
    INVALID_PARAMETER_LISTENER_PORT_CONFLICT,
    INVALID_PARAMETER_LOAD_BALANCER_NAME,
    INVALID_PARAMETER_REQUEST_TIMEOUT,
    INVALID_TAG,
    INVALID_VPC_ID_NOT_EXIST,
    INVALID_VSWITCH_ID_NOT_FOUND,
    INVALID_WEIGHT_MALFORMED,
    LB_NOT_FOUND,
    LISTENER_NOT_FOUND,
    LISTENER_NOT_FOUND_ON_DELETE,
    MISSING_PARAM_BACKEND_SERVER_PORT,
    MISSING_PARAM_COOKIE,
    MISSING_PARAM_COOKIE_TIMEOUT,
    MISSING_PARAM_LOAD_BALANCER_SPEC,
    MISSING_PARAM_STICKY_SESSION_TYPE,
    MISSING_PARAM_VSWITCH_ID,
    OBTAIN_IP_FAIL,
    OPERATION_DENIED_DELETE_PROTECTION_IS_ON,
    REGION_OR_ZONES_NOT_SUPPORT_IPV6,
    RESOURCE_NOT_EXIST,
    TOO_MANY_BACKEND_SERVERS,
    VSWITCH_AVAILABLE_IP_NOT_EXIST,
)
from .tagging import register_tagging

SLB = Product(code="Slb", version="2014-05-15", endpoint_prefix="slb")
register_tagging(
    SLB,
    {"instance": "load_balancer", "listener": "listener"},
    not_found=lambda resource_id: RESOURCE_NOT_EXIST(resource_id=resource_id),
    max_resources=20,
)

# The private fields of a `load_balancer` and a `listener` (beside the store's own, see store.py).
PRIVATE_FIELDS = {
    "load_balancer": {
        "_backends": "its backend servers, [{ServerId, Weight, Type, Description}]; clb_haproxy.py (the HAProxy "
        "server lines)",
        "_backends_added_at": "{ServerId: when it was added} (epoch seconds), where health checks of it begin",
    },
    "listener": {
        "_running_since": "when it became running (epoch seconds), None while stopped, where health checks begin",
    },
}
PUBLIC_ADDRESS_POOL = ipaddress.ip_network("47.99.0.0/16")
DEFAULT_NAME = "auto_named_slb"
CLCU_SPEC = "slb.lcu.elastic"
SPECS = ("slb.s1.small", "slb.s2.small", "slb.s2.medium", "slb.s3.small", "slb.s3.medium", "slb.s3.large")
INTERNET_CHARGE_CODES = {"paybybandwidth": "3", "paybytraffic": "4"}  # DescribeLoadBalancers reports codes
UNLIMITED_BANDWIDTH = 5120
PAY_AS_YOU_GO_END = ("2999-09-08T16:00:00Z", 32493801600000)
MAX_BACKENDS_PER_CALL = 20
HEALTH_CHECK_PACE = {"realistic": 1.0, "fast": 0.1, "instant": 0.0}
PROTOCOLS = ("http", "https", "tcp", "udp")


# load balancers ------------------------------------------------------------------------------
def _load_balancer(ctx, lb_id):
    lb = ctx.store.get("load_balancer", lb_id)
    if lb is None or (ctx.params.str("RegionId") and lb["_region"] != ctx.region):
        raise LB_NOT_FOUND()
    return lb


def _observed(ctx, lb):
    """The stored load balancer with what the runtime observes (e.g. the address it really serves on)."""
    return {**lb, **ctx.runtime.observe("load_balancer", lb)}


def _changed(ctx, event, lb):
    ctx.runtime.changed("load_balancer", event, lb, ctx.store)


NAME = TextRule(1, 80, INVALID_PARAMETER_LOAD_BALANCER_NAME, urls=True)


def _on_off(params, name, default=None):
    return params.str(name, default=default, choices=("on", "off"))


def _network(ctx, params, address_type):
    """(vpc, vswitch) of an intranet load balancer; (None, None) for an internet one."""
    vpc_id, vswitch_id = params.str("VpcId"), params.str("VSwitchId")
    if address_type == "internet":
        return None, None
    if vswitch_id is None:
        raise MISSING_PARAM_VSWITCH_ID()
    vswitch = ctx.store.get("vswitch", vswitch_id)
    if vswitch is None or vswitch["_region"] != ctx.region:
        raise INVALID_VSWITCH_ID_NOT_FOUND()
    vpc = ctx.store.get("vpc", vpc_id or vswitch["VpcId"])
    if vpc is None or vpc["_region"] != ctx.region:
        raise INVALID_VPC_ID_NOT_EXIST()
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
            raise INVALID_PARAMETER_ADDRESS_NOT_IN_SUBNET()
        if requested in used:
            raise invalid_parameter("Address", requested, "The address is already in use.")
        return requested
    for address in usable_hosts(network):
        if str(address) not in used:
            return str(address)
    raise VSWITCH_AVAILABLE_IP_NOT_EXIST()


def _billing(params):
    """(InstanceChargeType, LoadBalancerSpec, InternetChargeType, Bandwidth)."""
    charge = params.str("InstanceChargeType", default="PayBySpec")
    if charge not in ("PayBySpec", "PayByCLCU"):
        raise ILLEGAL_PARAM_INSTANCE_CHARGE_TYPE()
    spec = params.str("LoadBalancerSpec")
    if spec is not None and spec not in SPECS:
        raise invalid_parameter("LoadBalancerSpec", spec, f"Valid values: {', '.join(SPECS)}.")
    if charge == "PayByCLCU":
        spec = CLCU_SPEC
    elif spec is None:
        raise MISSING_PARAM_LOAD_BALANCER_SPEC()
    internet_charge = params.str("InternetChargeType", default="paybytraffic").lower()
    if internet_charge not in INTERNET_CHARGE_CODES:
        raise INSTANCE_INTERNET_CHARGE_TYPE_NOT_ALLOWED()
    bandwidth = UNLIMITED_BANDWIDTH
    if internet_charge == "paybybandwidth":
        bandwidth = params.int("Bandwidth") if "Bandwidth" in params else None
        if bandwidth is None or not 1 <= bandwidth <= UNLIMITED_BANDWIDTH:
            raise INVALID_PARAMETER_BANDWIDTH()
    return charge, spec, internet_charge, bandwidth


def _protection(params):
    status = params.str("ModificationProtectionStatus", default="NonProtection")
    if status not in ("NonProtection", "ConsoleProtection"):
        raise INVALID_PARAM_MODIFICATION_PROTECTION_STATUS()
    reason = params.str("ModificationProtectionReason", default="") if status == "ConsoleProtection" else ""
    if len(reason) > 80:
        raise INVALID_PARAM_MODIFICATION_PROTECTION_REASON()
    return status, reason


@SLB.action("CreateLoadBalancer", client_token=True)
def create_load_balancer(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    address_type = p.str("AddressType", default="intranet" if "VSwitchId" in p else "internet")
    if address_type not in ("internet", "intranet"):
        raise invalid_parameter("AddressType", address_type, "Valid values: internet, intranet.")
    if p.str("AddressIPVersion", default="ipv4") != "ipv4":
        raise REGION_OR_ZONES_NOT_SUPPORT_IPV6()
    p.str("PayType", default="PayOnDemand", choices=("PayOnDemand",))
    charge, spec, internet_charge, bandwidth = _billing(p)
    vpc, vswitch = _network(ctx, p, address_type)
    master, slave = _zones(ctx, p, vswitch)
    name = NAME.check(p.str("LoadBalancerName", default=DEFAULT_NAME))
    delete_protection = _on_off(p, "DeleteProtection", default="off")
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
    _changed(ctx, "created", lb)
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
        raise INVALID_TAG() from None
    entries = document if isinstance(document, list) else [document]
    for entry in entries:
        if not isinstance(entry, dict):
            raise INVALID_TAG()
        lowered = {str(k).lower(): v for k, v in entry.items()}
        if "tagkey" in lowered:
            wanted[str(lowered["tagkey"])] = str(lowered.get("tagvalue") or "")
        else:
            wanted.update({str(k): str(v) for k, v in entry.items()})
    if len(wanted) > 20:
        raise INVALID_TAG()
    return wanted


def _comma_filter(params, name, limit=10):
    values = params.comma_list(name)
    if len(values) > limit:
        raise invalid_parameter(name, params.str(name), f"At most {limit} values.")
    return values


def _has_backend(ctx, lb, server_ids, addresses):
    attached = _live_backends(ctx, lb)
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


def _listeners_of(ctx, lb):
    return sorted(ctx.store.find("listener", LoadBalancerId=lb["LoadBalancerId"]), key=lambda x: x["ListenerPort"])


@SLB.action("DescribeLoadBalancerAttribute")
def describe_load_balancer_attribute(ctx):
    lb = _load_balancer(ctx, ctx.params.str("LoadBalancerId", required=True))
    rendered = _render_common(_observed(ctx, lb))
    rendered["CreateTime"] = iso(lb["_created_at"])
    rendered["EndTime"], rendered["EndTimeStamp"] = PAY_AS_YOU_GO_END
    rendered["BackendServers"] = {"BackendServer": [_render_attached(ctx, b) for b in _live_backends(ctx, lb)]}
    listeners = _listeners_of(ctx, lb)
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


@SLB.action("SetLoadBalancerName")
def set_load_balancer_name(ctx):
    p = ctx.params
    lb = _load_balancer(ctx, p.str("LoadBalancerId", required=True))
    lb["LoadBalancerName"] = NAME.check(p.str("LoadBalancerName", required=True))
    _changed(ctx, "updated", lb)
    return {}


@SLB.action("SetLoadBalancerStatus")
def set_load_balancer_status(ctx):
    p = ctx.params
    lb = _load_balancer(ctx, p.str("LoadBalancerId", required=True))
    lb["LoadBalancerStatus"] = p.str("LoadBalancerStatus", required=True, choices=("active", "inactive"))
    _changed(ctx, "updated", lb)
    return {}


@SLB.action("SetLoadBalancerDeleteProtection")
def set_load_balancer_delete_protection(ctx):
    p = ctx.params
    lb = _load_balancer(ctx, p.str("LoadBalancerId", required=True))
    lb["DeleteProtection"] = p.str("DeleteProtection", required=True, choices=("on", "off"))
    _changed(ctx, "updated", lb)
    return {}


@SLB.action("DeleteLoadBalancer")
def delete_load_balancer(ctx):
    lb = _load_balancer(ctx, ctx.params.str("LoadBalancerId", required=True))
    if lb["DeleteProtection"] == "on":
        raise OPERATION_DENIED_DELETE_PROTECTION_IS_ON()
    for listener in _listeners_of(ctx, lb):
        ctx.store.remove("listener", listener["_id"])
    ctx.store.remove("load_balancer", lb["LoadBalancerId"])
    _changed(ctx, "deleted", lb)
    return {}


# HTTP listeners --------------------------------------------------------------------------------
LISTENER_DEFAULTS = {
    "Bandwidth": -1,
    "Scheduler": "wrr",
    "StickySession": "off",
    "HealthCheck": "on",
    "HealthCheckURI": "/",
    "HealthCheckMethod": "head",
    "HealthCheckInterval": 2,
    "HealthyThreshold": 3,
    "UnhealthyThreshold": 3,
    "HealthCheckTimeout": 5,
    "HealthCheckHttpCode": "http_2xx",
    "XForwardedFor": "on",
    "XForwardedFor_SLBIP": "off",
    "XForwardedFor_SLBID": "off",
    "XForwardedFor_proto": "off",
    "XForwardedFor_SLBPORT": "off",
    "XForwardedFor_ClientSrcPort": "off",
    "Gzip": "on",
    "IdleTimeout": 15,
    "RequestTimeout": 60,
    "ListenerForward": "off",
    "AclStatus": "off",
    "Description": "",
}
_ON_OFF_SETTINGS = (
    "HealthCheck", "StickySession", "XForwardedFor", "XForwardedFor_SLBIP", "XForwardedFor_SLBID",
    "XForwardedFor_proto", "XForwardedFor_SLBPORT", "XForwardedFor_ClientSrcPort", "Gzip",
)  # fmt: skip
_RANGED_SETTINGS = {
    "HealthCheckInterval": (1, 50),
    "HealthyThreshold": (2, 10),
    "UnhealthyThreshold": (2, 10),
    "HealthCheckTimeout": (1, 300),
    "HealthCheckConnectPort": (1, 65535),
    "CookieTimeout": (1, 86400),
}
_TIMEOUT_SETTINGS = {  # 1 to this; own error codes
    "IdleTimeout": (60, INVALID_PARAMETER_IDLE_TIMEOUT),
    "RequestTimeout": (180, INVALID_PARAMETER_REQUEST_TIMEOUT),
}
_HTTP_CODES = ("http_2xx", "http_3xx", "http_4xx", "http_5xx")
_STICKY_DETAILS = ("StickySessionType", "Cookie", "CookieTimeout")


def _listener_id(lb_id, port):
    return f"{lb_id}_http_{port}"


def _set_timeouts(params, settings):
    for name, (limit, error) in _TIMEOUT_SETTINGS.items():
        value = params.int(name, default=settings.get(name))
        if not 1 <= value <= limit:
            raise error()
        settings[name] = value


def _set_health_check(params, settings):
    uri = params.str("HealthCheckURI", default=settings["HealthCheckURI"])
    if not uri.startswith("/") or len(uri) > 80:
        raise invalid_parameter("HealthCheckURI", uri, "It must start with / and be at most 80 characters long.")
    settings["HealthCheckURI"] = uri
    codes = params.str("HealthCheckHttpCode", default=settings["HealthCheckHttpCode"])
    listed = codes.split(",")
    if not all(code in _HTTP_CODES for code in listed):
        raise invalid_parameter("HealthCheckHttpCode", codes, f"A comma list of {', '.join(_HTTP_CODES)}.")
    settings["HealthCheckHttpCode"] = codes
    settings["HealthCheckMethod"] = params.str(
        "HealthCheckMethod", default=settings["HealthCheckMethod"], choices=("head", "get")
    )
    domain = params.str("HealthCheckDomain", default=settings.get("HealthCheckDomain"))
    if domain is not None:
        if not 1 <= len(domain) <= 80:
            raise invalid_parameter("HealthCheckDomain", domain, "It must be 1 to 80 characters long.")
        settings["HealthCheckDomain"] = domain


def _set_sticky_session(params, settings):
    if settings["StickySession"] == "off":
        for name in _STICKY_DETAILS:
            settings.pop(name, None)
        return
    kind = params.str("StickySessionType", default=settings.get("StickySessionType"), choices=("insert", "server"))
    if kind is None:
        raise MISSING_PARAM_STICKY_SESSION_TYPE()
    settings["StickySessionType"] = kind
    if kind == "insert":
        settings.pop("Cookie", None)
        if settings.get("CookieTimeout") is None:
            raise MISSING_PARAM_COOKIE_TIMEOUT()
    else:
        settings.pop("CookieTimeout", None)
        cookie = params.str("Cookie", default=settings.get("Cookie"))
        if cookie is None:
            raise MISSING_PARAM_COOKIE()
        if not 1 <= len(cookie) <= 200 or any(c in cookie for c in ",; ") or cookie.startswith("$"):
            raise invalid_parameter("Cookie", cookie, "1 to 200 characters, no comma, semicolon or space.")
        settings["Cookie"] = cookie


def _listener_settings(params, current):
    """The listener attributes once the request's are applied over `current` (validated as the API does)."""
    settings = dict(current)
    for name in _ON_OFF_SETTINGS:
        settings[name] = _on_off(params, name, default=settings.get(name))
    for name, (low, high) in _RANGED_SETTINGS.items():
        value = params.int(name, default=settings.get(name), minimum=low, maximum=high)
        if value is not None:
            settings[name] = value
    bandwidth = params.int("Bandwidth", default=settings["Bandwidth"])
    if bandwidth != -1 and not 1 <= bandwidth <= UNLIMITED_BANDWIDTH:
        raise invalid_parameter("Bandwidth", bandwidth, "-1 (unlimited) or 1 to 5120.")
    settings["Bandwidth"] = bandwidth
    settings["Scheduler"] = params.str("Scheduler", default=settings["Scheduler"], choices=("wrr", "rr", "wlc"))
    description = params.str("Description", default=settings["Description"])
    if len(description) > 256:
        raise invalid_parameter("Description", description, "At most 256 characters.")
    settings["Description"] = description
    _set_timeouts(params, settings)
    _set_health_check(params, settings)
    _set_sticky_session(params, settings)
    return settings


def _listener_port(params):
    port = params.int("ListenerPort", required=True)
    if not 1 <= port <= 65535:
        raise INVALID_PARAMETER_FORWARD_PORT()
    return port


def _listener(ctx, lb, not_found=LISTENER_NOT_FOUND):
    """The HTTP listener of the request's ListenerPort (and ListenerProtocol, if given)."""
    port = _listener_port(ctx.params)
    protocol = ctx.params.str("ListenerProtocol", default="http")
    listener = ctx.store.get("listener", _listener_id(lb["LoadBalancerId"], port))
    if listener is None or protocol.lower() != "http":
        raise not_found()
    return listener


@SLB.action("CreateLoadBalancerHTTPListener")
def create_load_balancer_http_listener(ctx):
    p = ctx.params
    lb = _load_balancer(ctx, p.str("LoadBalancerId", required=True))
    port = _listener_port(p)
    p.str("HealthCheck", required=True)
    p.str("StickySession", required=True)
    if "BackendServerPort" not in p:
        raise MISSING_PARAM_BACKEND_SERVER_PORT()
    backend_port = p.int("BackendServerPort", minimum=1, maximum=65535)
    settings = _listener_settings(p, LISTENER_DEFAULTS)
    tags = p.tags()
    listener_id = _listener_id(lb["LoadBalancerId"], port)
    if ctx.store.get("listener", listener_id) is not None:
        # The code of the official API metadata (older answers said ListenerAlreadyExists).
        raise INVALID_PARAMETER_LISTENER_PORT_CONFLICT()
    ctx.store.add(
        "listener",
        listener_id,
        {
            "LoadBalancerId": lb["LoadBalancerId"],
            "ListenerPort": port,
            "ListenerProtocol": "http",
            "BackendServerPort": backend_port,
            "Status": "stopped",
            **settings,
            "_running_since": None,
            "_tags": tags,
        },
        region=lb["_region"],
    )
    _changed(ctx, "listener_created", lb)
    return {}


@SLB.action("SetLoadBalancerHTTPListenerAttribute")
def set_load_balancer_http_listener_attribute(ctx):
    p = ctx.params
    lb = _load_balancer(ctx, p.str("LoadBalancerId", required=True))
    listener = _listener(ctx, lb)
    current = {k: v for k, v in listener.items() if k in LISTENER_DEFAULTS or k in _RANGED_SETTINGS}
    current.update({k: listener[k] for k in ("HealthCheckDomain", *_STICKY_DETAILS) if k in listener})
    settings = _listener_settings(p, current)
    for name in ("HealthCheckDomain", *_STICKY_DETAILS):
        listener.pop(name, None)
    listener.update(settings)
    _changed(ctx, "listener_updated", lb)
    return {}


_LISTENER_TOP_FIELDS = (
    "LoadBalancerId", "ListenerPort", "ListenerProtocol", "BackendServerPort", "Bandwidth", "Status", "Scheduler",
    "Description", "AclStatus",
)  # fmt: skip


def _public(resource):
    return {k: v for k, v in resource.items() if not k.startswith("_")}


@SLB.action("DescribeLoadBalancerHTTPListenerAttribute")
def describe_load_balancer_http_listener_attribute(ctx):
    lb = _load_balancer(ctx, ctx.params.str("LoadBalancerId", required=True))
    listener = _listener(ctx, lb)
    rendered = _public(listener)
    del rendered["ListenerProtocol"]  # the flat HTTP view has no protocol field
    rendered["Tags"] = tags_with_tag_key(listener)
    return rendered


def _render_listener(listener):
    """DescribeLoadBalancerListeners: common fields, the HTTP ones in HTTPListenerConfig, tags as a bare list."""
    public = _public(listener)
    rendered = {k: public[k] for k in _LISTENER_TOP_FIELDS}
    rendered["HTTPListenerConfig"] = {k: v for k, v in public.items() if k not in _LISTENER_TOP_FIELDS}
    rendered["Tags"] = tags_with_tag_key(listener)["Tag"]
    return rendered


def _listener_page(params, items):
    """MaxResults (1-100, default 20) / NextToken paging with this API's own error codes."""
    size = params.str("MaxResults", default="20")
    if not size.isdigit() or not 1 <= int(size) <= 100:
        raise ILLEGAL_PARAM_MAX_RESULTS()
    size = int(size)
    token = params.str("NextToken")
    start = 0
    if token:
        try:
            start = decode_token(token)
        except ApiError:
            raise ILLEGAL_PARAM_NEXT_TOKEN() from None
    following = start + size
    next_token = encode_token(following) if following < len(items) else ""
    return items[start:following], {"TotalCount": len(items), "MaxResults": size, "NextToken": next_token}


@SLB.action("DescribeLoadBalancerListeners")
def describe_load_balancer_listeners(ctx):
    p = ctx.params
    lb_ids = p.list("LoadBalancerId")
    if len(lb_ids) > 10:
        raise ILLEGAL_PARAM_SIZE_LOAD_BALANCER_ID()
    protocol = p.str("ListenerProtocol")
    if protocol is not None and protocol.lower() not in PROTOCOLS:
        raise ILLEGAL_PARAM_LISTENER_PROTOCOL()
    port = p.int("ListenerPort", minimum=1, maximum=65535)
    description = p.str("Description")
    wanted_tags = p.tags()
    listeners = sorted(ctx.list("listener"), key=lambda x: (x["LoadBalancerId"], x["ListenerPort"]))
    found = [
        x
        for x in listeners
        if (not lb_ids or x["LoadBalancerId"] in lb_ids)
        and (port is None or x["ListenerPort"] == port)
        and (protocol is None or x["ListenerProtocol"] == protocol.lower())
        and (description is None or x["Description"] == description)
        and matches_tags(x, wanted_tags)
    ]
    chunk, meta = _listener_page(p, found)
    return {**meta, "Listeners": [_render_listener(x) for x in chunk]}


@SLB.action("StartLoadBalancerListener")
def start_load_balancer_listener(ctx):
    lb = _load_balancer(ctx, ctx.params.str("LoadBalancerId", required=True))
    listener = _listener(ctx, lb)
    if listener["Status"] in ("running", "starting"):
        return {}
    listener["Status"] = "starting"
    listener["_running_since"] = ctx.now + ctx.timing.delay("listener.start")
    ctx.schedule(listener, [("listener.start", "Status", "running")])
    _changed(ctx, "listener_started", lb)
    return {}


@SLB.action("StopLoadBalancerListener")
def stop_load_balancer_listener(ctx):
    lb = _load_balancer(ctx, ctx.params.str("LoadBalancerId", required=True))
    listener = _listener(ctx, lb)
    if listener["Status"] in ("stopped", "stopping"):
        return {}
    listener["Status"] = "stopping"
    listener["_running_since"] = None
    ctx.schedule(listener, [("listener.stop", "Status", "stopped")])
    _changed(ctx, "listener_stopped", lb)
    return {}


@SLB.action("DeleteLoadBalancerListener")
def delete_load_balancer_listener(ctx):
    lb = _load_balancer(ctx, ctx.params.str("LoadBalancerId", required=True))
    listener = _listener(ctx, lb, not_found=LISTENER_NOT_FOUND_ON_DELETE)
    ctx.store.remove("listener", listener["_id"])
    _changed(ctx, "listener_deleted", lb)
    return {}


# backend servers -------------------------------------------------------------------------------
def _invalid_backends(reason):
    return INVALID_PARAMETER_BACKEND_SERVERS(reason=reason)


def _weight(value):
    try:
        weight = int(value)
    except (TypeError, ValueError):
        weight = -1
    if isinstance(value, bool) or not 0 <= weight <= 100:
        raise INVALID_WEIGHT_MALFORMED()
    return weight


def _requested_backends(params, with_weights=True):
    """The BackendServers JSON as [{"ServerId", "Weight", "Type", "Description"}] (a later duplicate wins)."""
    servers = params.json("BackendServers", required=True)
    if not isinstance(servers, list) or not all(isinstance(s, dict) for s in servers):
        raise _invalid_backends("It must be a JSON list of objects.")
    if len(servers) > MAX_BACKENDS_PER_CALL:
        raise TOO_MANY_BACKEND_SERVERS()
    entries = {}
    for server in servers:
        server_id = server.get("ServerId")
        if not isinstance(server_id, str) or not server_id:
            raise BACKEND_SERVER_SERVER_ID_EMPTY()
        kind = str(server.get("Type", "ecs"))
        if kind != "ecs":
            raise _invalid_backends(f"Only ECS instances (Type ecs) can be backend servers, not {kind}.")
        entry = {"ServerId": server_id, "Type": "ecs"}
        if with_weights:
            entry["Weight"] = _weight(server.get("Weight", 100))
        if "Description" in server:
            description = str(server["Description"])
            if len(description) > 80:
                raise _invalid_backends("A Description is at most 80 characters long.")
            entry["Description"] = description
        entries[server_id] = entry
    return list(entries.values())


def _check_members(ctx, lb, entries):
    """Backends must be Running ECS instances of the region, and in the VPC of a VPC load balancer."""
    for entry in entries:
        instance = ctx.store.get("instance", entry["ServerId"])
        if instance is not None and instance["_region"] == lb["_region"]:
            status = {**instance, **ctx.runtime.observe("instance", instance)}["Status"]
        else:
            status = None
        if status != "Running":
            raise OBTAIN_IP_FAIL()
        if lb["VpcId"] and instance["_vpc_id"] != lb["VpcId"]:
            raise INVALID_BACKEND_SERVERS_INCONSISTENT(server_id=entry["ServerId"])


def _live_backends(ctx, lb):
    """Attached servers whose instance still exists (a released instance leaves its load balancers)."""
    return [b for b in lb["_backends"] if ctx.store.get("instance", b["ServerId"]) is not None]


def _render_attached(ctx, backend):
    instance = ctx.store.get("instance", backend["ServerId"])
    return {**backend, "ServerIp": instance["_private_ip"]}


def _backends_answer(ctx, lb, weight_type):
    """The full resulting set; Add/Set report Weight as a string, Remove as a number."""
    servers = [{**b, "Weight": weight_type(b["Weight"])} for b in _live_backends(ctx, lb)]
    return {"LoadBalancerId": lb["LoadBalancerId"], "BackendServers": {"BackendServer": servers}}


@SLB.action("AddBackendServers")
def add_backend_servers(ctx):
    p = ctx.params
    lb = _load_balancer(ctx, p.str("LoadBalancerId", required=True))
    entries = _requested_backends(p)
    _check_members(ctx, lb, entries)
    attached = {b["ServerId"]: b for b in lb["_backends"]}
    for entry in entries:
        if entry["ServerId"] in attached:
            attached[entry["ServerId"]].update(entry)
        else:
            lb["_backends"].append({"Description": "", **entry})
            lb["_backends_added_at"][entry["ServerId"]] = ctx.now
    _changed(ctx, "backends_updated", lb)
    return _backends_answer(ctx, lb, str)


@SLB.action("SetBackendServers")
def set_backend_servers(ctx):
    p = ctx.params
    lb = _load_balancer(ctx, p.str("LoadBalancerId", required=True))
    entries = _requested_backends(p)
    attached = {b["ServerId"]: b for b in lb["_backends"]}
    missing = [e["ServerId"] for e in entries if e["ServerId"] not in attached]
    if missing:
        raise _invalid_backends(f"Not backend servers of the load balancer: {', '.join(missing)}.")
    # Members are checked when they join (AddBackendServers); a stopped member may still be re-weighted,
    # which is how a server is drained before maintenance.
    for entry in entries:
        attached[entry["ServerId"]].update(entry)
    _changed(ctx, "backends_updated", lb)
    return _backends_answer(ctx, lb, str)


@SLB.action("RemoveBackendServers")
def remove_backend_servers(ctx):
    p = ctx.params
    lb = _load_balancer(ctx, p.str("LoadBalancerId", required=True))
    removed = {e["ServerId"] for e in _requested_backends(p, with_weights=False)}
    lb["_backends"] = [b for b in lb["_backends"] if b["ServerId"] not in removed]
    for server_id in removed:
        lb["_backends_added_at"].pop(server_id, None)
    _changed(ctx, "backends_updated", lb)
    return _backends_answer(ctx, lb, int)


# health ----------------------------------------------------------------------------------------
def _health_window(ctx, checks, interval):
    return checks * interval * HEALTH_CHECK_PACE.get(ctx.timing.profile, 1.0) * ctx.timing.scale


def _computed_health(ctx, lb, listener, backend):
    """See the module docstring."""
    if listener["Status"] != "running" or listener["HealthCheck"] != "on":
        return "unavailable"
    instance = ctx.store.get("instance", backend["ServerId"])
    checks_since = max(lb["_backends_added_at"].get(backend["ServerId"], 0.0), listener["_running_since"] or 0.0)
    interval = listener["HealthCheckInterval"]
    if {**instance, **ctx.runtime.observe("instance", instance)}["Status"] != "Running":
        unhealthy = ctx.now - checks_since >= _health_window(ctx, listener["UnhealthyThreshold"], interval)
        return "abnormal" if unhealthy else "unavailable"
    up_since = max(checks_since, instance.get("_started_at") or 0.0)
    if ctx.now - up_since >= _health_window(ctx, listener["HealthyThreshold"], interval):
        return "normal"
    return "abnormal" if up_since > checks_since else "unavailable"


def _health(ctx, lb, listener, backend):
    known = ctx.runtime.backend_health(lb, listener, backend)
    return known if known is not None else _computed_health(ctx, lb, listener, backend)


@SLB.action("DescribeHealthStatus")
def describe_health_status(ctx):
    p = ctx.params
    lb = _load_balancer(ctx, p.str("LoadBalancerId", required=True))
    port = p.int("ListenerPort", minimum=1, maximum=65535)
    protocol = p.str("ListenerProtocol")
    listeners = [
        x
        for x in _listeners_of(ctx, lb)
        if (port is None or x["ListenerPort"] == port) and (protocol is None or x["ListenerProtocol"] == protocol)
    ]
    rows = [
        {
            "ServerId": backend["ServerId"],
            "ServerIp": ctx.store.get("instance", backend["ServerId"])["_private_ip"],
            "Port": listener["BackendServerPort"],
            "ListenerPort": listener["ListenerPort"],
            "Protocol": listener["ListenerProtocol"],
            "ServerHealthStatus": _health(ctx, lb, listener, backend),
        }
        for listener in listeners
        for backend in _live_backends(ctx, lb)
    ]
    return {"BackendServers": {"BackendServer": rows}}
