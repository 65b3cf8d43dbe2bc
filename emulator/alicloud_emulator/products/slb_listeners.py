"""SLB listeners: the HTTP listener's Create, SetAttribute, DescribeAttribute; DescribeLoadBalancerListeners,
Start, Stop, Delete of any listener; the settings HTTP and HTTPS listeners share (slb_https_listeners.py).

Listeners are created `stopped`; Start goes `starting` -> `running`, Stop `stopping` -> `stopped`. One listener per
port of a load balancer, whatever its protocol.

An HTTP listener created with ListenerForward=on and ForwardPort (an HTTPS listener of the same load balancer)
redirects every request there with a 302 and has no backend of its own: as on the real CLB, forwarding can only
be set at creation, any later SetLoadBalancerHTTPListenerAttribute of such a listener is refused
(`Operation.NotAllowed`), and the HTTPS listener it forwards to cannot be deleted before it (`ListenerForwardExist`).
"""

from ..errors import ApiError, invalid_parameter
from . import slb_errors
from .base import (
    decode_token,
    encode_token,
    matches_tags,
    tags_with_tag_key,
)
from .slb import SLB, UNLIMITED_BANDWIDTH, changed, load_balancer, on_off

PROTOCOLS = ("http", "https", "tcp", "udp")

# The private fields of a `listener` (beside the store's own, see store.py).
PRIVATE_FIELDS = {
    "listener": {
        "_running_since": "when it became running (epoch seconds), None while stopped; slb_health.py (where "
        "health checks begin)",
    },
}


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
    "IdleTimeout": (60, slb_errors.INVALID_PARAMETER_IDLE_TIMEOUT),
    "RequestTimeout": (180, slb_errors.INVALID_PARAMETER_REQUEST_TIMEOUT),
}
_HTTP_CODES = ("http_2xx", "http_3xx", "http_4xx", "http_5xx")
_STICKY_DETAILS = ("StickySessionType", "Cookie", "CookieTimeout")


def _listener_id(lb_id, protocol, port):
    return f"{lb_id}_{protocol}_{port}"


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
        raise slb_errors.MISSING_PARAM_STICKY_SESSION_TYPE()
    settings["StickySessionType"] = kind
    if kind == "insert":
        settings.pop("Cookie", None)
        if settings.get("CookieTimeout") is None:
            raise slb_errors.MISSING_PARAM_COOKIE_TIMEOUT()
    else:
        settings.pop("CookieTimeout", None)
        cookie = params.str("Cookie", default=settings.get("Cookie"))
        if cookie is None:
            raise slb_errors.MISSING_PARAM_COOKIE()
        if not 1 <= len(cookie) <= 200 or any(c in cookie for c in ",; ") or cookie.startswith("$"):
            raise invalid_parameter("Cookie", cookie, "1 to 200 characters, no comma, semicolon or space.")
        settings["Cookie"] = cookie


def listener_settings(params, current):
    """The listener attributes once the request's are applied over `current` (validated as the API does)."""
    settings = dict(current)
    for name in _ON_OFF_SETTINGS:
        settings[name] = on_off(params, name, default=settings.get(name))
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


def listener_port(params):
    port = params.int("ListenerPort", required=True)
    if not 1 <= port <= 65535:
        raise slb_errors.INVALID_PARAMETER_FORWARD_PORT()
    return port


def listener_on_port(ctx, lb, port):
    found = ctx.store.find("listener", LoadBalancerId=lb["LoadBalancerId"], ListenerPort=port)
    return found[0] if found else None


def find_listener(ctx, lb, protocol=None, not_found=slb_errors.LISTENER_NOT_FOUND):
    """The listener on the request's ListenerPort, of `protocol` (or of the request's ListenerProtocol, if given)."""
    port = listener_port(ctx.params)
    protocol = protocol or ctx.params.str("ListenerProtocol")
    listener = listener_on_port(ctx, lb, port)
    if listener is None or (protocol is not None and protocol.lower() != listener["ListenerProtocol"]):
        raise not_found()
    return listener


def add_listener(ctx, lb, protocol, port, fields, tags):
    """Store a new, stopped listener; refused when the port is taken (by a listener of any protocol)."""
    if listener_on_port(ctx, lb, port) is not None:
        # The code of the official API metadata (older answers said ListenerAlreadyExists).
        raise slb_errors.INVALID_PARAMETER_LISTENER_PORT_CONFLICT()
    ctx.store.add(
        "listener",
        _listener_id(lb["LoadBalancerId"], protocol, port),
        {
            "LoadBalancerId": lb["LoadBalancerId"],
            "ListenerPort": port,
            "ListenerProtocol": protocol,
            "Status": "stopped",
            **fields,
            "_running_since": None,
            "_tags": tags,
        },
        region=lb["_region"],
    )
    changed(ctx, "listener_created", lb)


def _forwarding(ctx, lb, port):
    """ListenerForward/ForwardPort of a new HTTP listener, checked: {} when it does not forward."""
    p = ctx.params
    if on_off(p, "ListenerForward", default="off") == "off":
        return {}
    forward_port = p.int("ForwardPort")
    target = listener_on_port(ctx, lb, forward_port) if forward_port else None
    if target is None or target["ListenerProtocol"] != "https" or forward_port == port:
        raise slb_errors.INVALID_PARAMETER_FORWARD_PORT()
    return {"ListenerForward": "on", "ForwardPort": forward_port}


@SLB.action("CreateLoadBalancerHTTPListener")
def create_load_balancer_http_listener(ctx):
    p = ctx.params
    lb = load_balancer(ctx, p.str("LoadBalancerId", required=True))
    port = listener_port(p)
    p.str("HealthCheck", required=True)
    p.str("StickySession", required=True)
    forwarding = _forwarding(ctx, lb, port)
    if "BackendServerPort" not in p and not forwarding:
        raise slb_errors.MISSING_PARAM_BACKEND_SERVER_PORT()
    backend_port = p.int("BackendServerPort", minimum=1, maximum=65535)
    settings = listener_settings(p, LISTENER_DEFAULTS)
    fields = {**settings, **forwarding}
    if backend_port is not None:
        fields["BackendServerPort"] = backend_port
    add_listener(ctx, lb, "http", port, fields, p.tags())
    return {}


@SLB.action("SetLoadBalancerHTTPListenerAttribute")
def set_load_balancer_http_listener_attribute(ctx):
    p = ctx.params
    lb = load_balancer(ctx, p.str("LoadBalancerId", required=True))
    listener = find_listener(ctx, lb, "http")
    if listener.get("ListenerForward") == "on":
        raise slb_errors.OPERATION_NOT_ALLOWED_FORWARDING_LISTENER()
    update_listener(ctx, lb, listener, LISTENER_DEFAULTS)
    return {}


def update_listener(ctx, lb, listener, defaults, extra=None):
    """Apply the request's settings (those named in `defaults` and the ranged ones), and `extra`, to `listener`."""
    current = {k: v for k, v in listener.items() if k in defaults or k in _RANGED_SETTINGS}
    current.update({k: listener[k] for k in ("HealthCheckDomain", *_STICKY_DETAILS) if k in listener})
    settings = listener_settings(ctx.params, current)
    for name in ("HealthCheckDomain", *_STICKY_DETAILS):
        listener.pop(name, None)
    listener.update(settings, **(extra or {}))
    changed(ctx, "listener_updated", lb)


_LISTENER_TOP_FIELDS = (
    "LoadBalancerId", "ListenerPort", "ListenerProtocol", "BackendServerPort", "Bandwidth", "Status", "Scheduler",
    "Description", "AclStatus",
)  # fmt: skip


def public(resource):
    return {k: v for k, v in resource.items() if not k.startswith("_")}


@SLB.action("DescribeLoadBalancerHTTPListenerAttribute")
def describe_load_balancer_http_listener_attribute(ctx):
    lb = load_balancer(ctx, ctx.params.str("LoadBalancerId", required=True))
    listener = find_listener(ctx, lb, "http")
    rendered = public(listener)
    del rendered["ListenerProtocol"]  # the flat HTTP view has no protocol field
    rendered["Tags"] = tags_with_tag_key(listener)
    return rendered


def _render_listener(listener):
    """DescribeLoadBalancerListeners: common fields, the HTTP ones in HTTPListenerConfig, tags as a bare list."""
    fields = public(listener)
    rendered = {k: fields[k] for k in _LISTENER_TOP_FIELDS if k in fields}
    config = f"{listener['ListenerProtocol'].upper()}ListenerConfig"
    rendered[config] = {k: v for k, v in fields.items() if k not in _LISTENER_TOP_FIELDS}
    rendered["Tags"] = tags_with_tag_key(listener)["Tag"]
    return rendered


def _listener_page(params, items):
    """MaxResults (1-100, default 20) / NextToken paging with this API's own error codes."""
    size = params.str("MaxResults", default="20")
    if not size.isdigit() or not 1 <= int(size) <= 100:
        raise slb_errors.ILLEGAL_PARAM_MAX_RESULTS()
    size = int(size)
    token = params.str("NextToken")
    start = 0
    if token:
        try:
            start = decode_token(token)
        except ApiError:
            raise slb_errors.ILLEGAL_PARAM_NEXT_TOKEN() from None
    following = start + size
    next_token = encode_token(following) if following < len(items) else ""
    return items[start:following], {"TotalCount": len(items), "MaxResults": size, "NextToken": next_token}


@SLB.action("DescribeLoadBalancerListeners")
def describe_load_balancer_listeners(ctx):
    p = ctx.params
    lb_ids = p.list("LoadBalancerId")
    if len(lb_ids) > 10:
        raise slb_errors.ILLEGAL_PARAM_SIZE_LOAD_BALANCER_ID()
    protocol = p.str("ListenerProtocol")
    if protocol is not None and protocol.lower() not in PROTOCOLS:
        raise slb_errors.ILLEGAL_PARAM_LISTENER_PROTOCOL()
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
    lb = load_balancer(ctx, ctx.params.str("LoadBalancerId", required=True))
    listener = find_listener(ctx, lb)
    if listener["Status"] in ("running", "starting"):
        return {}
    listener["Status"] = "starting"
    listener["_running_since"] = ctx.now + ctx.timing.delay("listener.start")
    ctx.schedule(listener, [("listener.start", "Status", "running")])
    changed(ctx, "listener_started", lb)
    return {}


@SLB.action("StopLoadBalancerListener")
def stop_load_balancer_listener(ctx):
    lb = load_balancer(ctx, ctx.params.str("LoadBalancerId", required=True))
    listener = find_listener(ctx, lb)
    if listener["Status"] in ("stopped", "stopping"):
        return {}
    listener["Status"] = "stopping"
    listener["_running_since"] = None
    ctx.schedule(listener, [("listener.stop", "Status", "stopped")])
    changed(ctx, "listener_stopped", lb)
    return {}


@SLB.action("DeleteLoadBalancerListener")
def delete_load_balancer_listener(ctx):
    lb = load_balancer(ctx, ctx.params.str("LoadBalancerId", required=True))
    listener = find_listener(ctx, lb, not_found=slb_errors.LISTENER_NOT_FOUND_ON_DELETE)
    if ctx.store.find("listener", LoadBalancerId=lb["LoadBalancerId"], ForwardPort=listener["ListenerPort"]):
        raise slb_errors.LISTENER_FORWARD_EXIST()
    ctx.store.remove("listener", listener["_id"])
    changed(ctx, "listener_deleted", lb)
    return {}
