#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: clb_listener
short_description: Create, update, start, stop or delete an HTTP or HTTPS listener of a Classic Load Balancer
version_added: 1.0.0
description:
  - Makes sure a Classic Load Balancer has an HTTP or HTTPS (O(protocol)) listener on O(listener_port) with
    the given forwarding and health-check settings, running (V(present)) or stopped (V(stopped)), or that it
    has none (V(absent)).
  - Every setting the task gives is compared with C(DescribeLoadBalancerHTTPListenerAttribute) (or its HTTPS
    twin), and only the settings that differ are sent. Settings the task leaves out are left as they are; when
    creating, the cloud's defaults apply to them.
  - An HTTPS listener presents the server certificate O(server_certificate_id) (see
    M(ha_web.alicloud.clb_server_certificate)) with the TLS policy O(tls_cipher_policy), and forwards HTTP to
    its backends. Switching the certificate is an in-place change (the listener keeps serving).
  - An HTTP listener can redirect every request to an HTTPS listener of the same load balancer
    (O(listener_forward=true), O(forward_port)) with a 302. The API takes forwarding only when the listener is
    created and refuses any later change to a forwarding listener (C(Operation.NotAllowed)). So when a task
    turns forwarding on or off, or changes anything of a forwarding listener, the module B(replaces) the
    listener - deletes it and creates it again - which it says in a warning, in RV(replaced) and in C(--diff).
    While it is replaced (a few seconds) the port answers nothing.
  - A new listener is stopped; with V(present) it is started and, with O(wait), waited for until it is
    C(running).
  - When the creation is refused because a listener already holds the port (another run made it since this
    task looked), the task adopts that listener and goes on as if it had found it.
author: ha_web.alicloud developers (@ha-web)
options:
  load_balancer_id:
    description:
      - The ID of the load balancer the listener belongs to.
    type: str
    required: true
  listener_port:
    description:
      - The listener's (frontend) port, 1 to 65535.
    type: int
    required: true
  protocol:
    description:
      - The listener's protocol. A port holds one listener, whatever its protocol.
    type: str
    choices: [http, https]
    default: http
  server_certificate_id:
    description:
      - The ID of the server certificate an V(https) listener presents, as
        M(ha_web.alicloud.clb_server_certificate) returns it.
      - Required to create an V(https) listener; not allowed with V(http).
    type: str
  tls_cipher_policy:
    description:
      - The TLS versions and ciphers an V(https) listener accepts. Not allowed with V(http).
      - When creating and not set, V(tls_cipher_policy_1_2) (TLS 1.2 only), which Alibaba Cloud advises for
        Internet-facing sites; the API's own default is the weaker V(tls_cipher_policy_1_0).
    type: str
    choices:
      - tls_cipher_policy_1_0
      - tls_cipher_policy_1_1
      - tls_cipher_policy_1_2
      - tls_cipher_policy_1_2_strict
      - tls_cipher_policy_1_2_strict_with_1_3
  listener_forward:
    description:
      - Whether an V(http) listener redirects every request (302) to the V(https) listener on O(forward_port)
        instead of forwarding to backends. Needs O(forward_port); not allowed with V(https).
      - Set at creation only; changing it, or any setting of a forwarding listener, replaces the listener.
      - When not set, the listener's forwarding is left as it is (off when creating).
    type: bool
  forward_port:
    description:
      - The port of the V(https) listener a forwarding V(http) listener redirects to, usually V(443). It must
        exist before the forwarding listener is created.
    type: int
  backend_server_port:
    description:
      - The port of the backend servers the listener forwards to, 1 to 65535.
      - Required to create a listener (but a forwarding one); fixed once it exists.
    type: int
  bandwidth:
    description:
      - The listener's bandwidth cap in Mbit/s, 1 to 5120, or V(-1) for no cap.
      - When creating and not set, V(-1).
    type: int
  scheduler:
    description:
      - How requests are spread over the backend servers, V(wrr) (weighted round robin), V(rr) (round robin)
        or V(wlc) (weighted least connections).
    type: str
    choices: [wrr, rr, wlc]
  sticky_session:
    description:
      - Whether requests of one client keep going to the same backend server.
      - When creating and not set, V(false).
    type: bool
  sticky_session_type:
    description:
      - How sessions stick, V(insert) (the load balancer inserts a cookie; needs O(cookie_timeout)) or V(server)
        (the backend sets the cookie O(cookie)). Required when O(sticky_session=true).
    type: str
    choices: [insert, server]
  cookie:
    description:
      - The backend's session cookie, with O(sticky_session_type=server); 1 to 200 characters, not starting
        with C($) and without spaces, commas or semicolons.
    type: str
  cookie_timeout:
    description:
      - The lifetime in seconds (1 to 86400) of the inserted cookie, with O(sticky_session_type=insert).
    type: int
  x_forwarded_for:
    description:
      - Whether the client's address is passed to the backends in C(X-Forwarded-For).
    type: bool
  gzip:
    description:
      - Whether responses of some content types are compressed.
    type: bool
  idle_timeout:
    description:
      - Seconds (1 to 60) an idle connection is kept open.
    type: int
  request_timeout:
    description:
      - Seconds (1 to 180) to wait for a backend's response before answering 504.
    type: int
  description:
    description:
      - The listener's description, 1 to 256 characters.
    type: str
  health_check:
    description:
      - The health check of the backend servers. Settings left out are left as they are.
    type: dict
    suboptions:
      enabled:
        description:
          - Whether backends are health checked. With V(false) the other settings are not compared.
        type: bool
        default: true
      uri:
        description:
          - The path checked, starting with C(/), at most 80 characters, for example V(/health).
        type: str
      domain:
        description:
          - The C(Host) sent with checks, 1 to 80 characters of letters, digits, C(.) and C(-); V($_ip) (the
            backend's private address) when not set.
        type: str
      connect_port:
        description:
          - The backend port checked (1 to 65535); the backend server port when not set.
        type: int
      interval:
        description:
          - Seconds between two checks, 1 to 50.
        type: int
      timeout:
        description:
          - Seconds to wait for a check's answer, 1 to 300.
        type: int
      healthy_threshold:
        description:
          - Successful checks in a row that make an unhealthy backend healthy, 2 to 10.
        type: int
      unhealthy_threshold:
        description:
          - Failed checks in a row that make a healthy backend unhealthy, 2 to 10.
        type: int
      http_code:
        description:
          - The HTTP status classes that count as healthy.
        type: list
        elements: str
        choices: [http_2xx, http_3xx, http_4xx, http_5xx]
      method:
        description:
          - The HTTP method of checks.
        type: str
        choices: [head, get]
  state:
    description:
      - V(present) makes sure the listener exists and is running; V(stopped) that it exists and is stopped;
        V(absent) deletes it.
    type: str
    choices: [present, stopped, absent]
    default: present
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
  - ha_web.alicloud.alicloud.wait
  - ha_web.alicloud.alicloud.attributes
notes:
  - Starting and stopping a listener takes a few seconds; a request that meets a listener still being
    configured (C(ServiceIsConfiguring)) is sent again.
"""

EXAMPLES = r"""
- name: HTTP 80 -> 80 with the seed's health check
  ha_web.alicloud.clb_listener:
    load_balancer_id: "{{ clb.load_balancer.load_balancer_id }}"
    listener_port: 80
    backend_server_port: 80
    bandwidth: -1
    scheduler: wrr
    sticky_session: false
    x_forwarded_for: true
    health_check:
      uri: /health
      interval: 2
      timeout: 5
      healthy_threshold: 3
      unhealthy_threshold: 3
      http_code: [http_2xx, http_3xx]
  register: listener

- name: HTTPS 443 -> 80 with the site's certificate
  ha_web.alicloud.clb_listener:
    load_balancer_id: "{{ clb.load_balancer.load_balancer_id }}"
    listener_port: 443
    protocol: https
    backend_server_port: 80
    server_certificate_id: "{{ site_certificate.certificate.server_certificate_id }}"
    tls_cipher_policy: tls_cipher_policy_1_2
    health_check:
      uri: /health

- name: Port 80 redirects to HTTPS (replaces a listener on 80 that does not)
  ha_web.alicloud.clb_listener:
    load_balancer_id: "{{ clb.load_balancer.load_balancer_id }}"
    listener_port: 80
    listener_forward: true
    forward_port: 443
  register: redirect

- name: Stop forwarding on port 80, keeping the configuration
  ha_web.alicloud.clb_listener:
    load_balancer_id: "{{ clb.load_balancer.load_balancer_id }}"
    listener_port: 80
    state: stopped

- name: Delete the listener
  ha_web.alicloud.clb_listener:
    load_balancer_id: "{{ clb.load_balancer.load_balancer_id }}"
    listener_port: 80
    state: absent
"""

RETURN = r"""
replaced:
  description:
    - Whether the listener was (in check mode, would be) deleted and created again, because the API does not
      change a forwarding listener in place.
  returned: unless O(state=absent)
  type: bool
listener:
  description:
    - The listener as C(DescribeLoadBalancerHTTPListenerAttribute) (or C(DescribeLoadBalancerHTTPSListenerAttribute))
      returns it, in snake_case; empty when absent. In check mode, what it would be.
  returned: always
  type: dict
  contains:
    load_balancer_id:
      description: The load balancer's ID.
      type: str
    listener_port:
      description: The listener port.
      type: int
      sample: 80
    backend_server_port:
      description: The backend server port.
      type: int
      sample: 80
    status:
      description: V(running), V(stopped), or a transient V(starting), V(stopping), V(configuring).
      type: str
      sample: running
    bandwidth:
      description: The bandwidth cap in Mbit/s, V(-1) for none.
      type: int
    scheduler:
      description: V(wrr), V(rr) or V(wlc).
      type: str
    sticky_session:
      description: V(on) or V(off).
      type: str
    sticky_session_type:
      description: V(insert) or V(server).
      type: str
    cookie:
      description: The backend's cookie (V(server)).
      type: str
    cookie_timeout:
      description: The inserted cookie's lifetime (V(insert)).
      type: int
    x_forwarded_for:
      description: V(on) or V(off).
      type: str
    gzip:
      description: V(on) or V(off).
      type: str
    idle_timeout:
      description: Idle connection timeout in seconds.
      type: int
    request_timeout:
      description: Request timeout in seconds.
      type: int
    description:
      description: The description.
      type: str
    health_check:
      description: V(on) or V(off).
      type: str
    health_check_uri:
      description: The path checked.
      type: str
      sample: /health
    health_check_domain:
      description: The C(Host) of checks.
      type: str
    health_check_connect_port:
      description: The port checked.
      type: int
    health_check_interval:
      description: Seconds between checks.
      type: int
      sample: 2
    health_check_timeout:
      description: Seconds to wait for an answer.
      type: int
      sample: 5
    healthy_threshold:
      description: Healthy threshold.
      type: int
      sample: 3
    unhealthy_threshold:
      description: Unhealthy threshold.
      type: int
      sample: 3
    health_check_http_code:
      description: The healthy status classes, comma-separated.
      type: str
      sample: http_2xx,http_3xx
    health_check_method:
      description: V(head) or V(get).
      type: str
    server_certificate_id:
      description: The certificate an HTTPS listener presents.
      type: str
    tls_cipher_policy:
      description: The TLS policy of an HTTPS listener.
      type: str
      sample: tls_cipher_policy_1_2
    listener_forward:
      description: V(on) when an HTTP listener redirects to HTTPS, else V(off).
      type: str
    forward_port:
      description: The HTTPS port a forwarding HTTP listener redirects to.
      type: int
      sample: 443
    tags:
      description: The listener's tags.
      type: dict
"""

import re

from ansible_collections.ha_web.alicloud.plugins.module_utils import slb
from ansible_collections.ha_web.alicloud.plugins.module_utils.conflicts import create_or_adopt
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError, is_code
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule, snake_resource

HTTP_CODES = ["http_2xx", "http_3xx", "http_4xx", "http_5xx"]
PORT_TAKEN = ("InvalidParameter.ListenerPortConflict", "ListenerAlreadyExists")
# option -> API field, for the settings outside the health check
SETTINGS = [
    ("bandwidth", "Bandwidth"),
    ("scheduler", "Scheduler"),
    ("x_forwarded_for", "XForwardedFor"),
    ("gzip", "Gzip"),
    ("idle_timeout", "IdleTimeout"),
    ("request_timeout", "RequestTimeout"),
    ("description", "Description"),
]
# option -> API field, of an HTTPS listener only
TLS = [
    ("server_certificate_id", "ServerCertificateId"),
    ("tls_cipher_policy", "TLSCipherPolicy"),
]
DEFAULT_TLS_CIPHER_POLICY = "tls_cipher_policy_1_2"
TLS_CIPHER_POLICIES = [
    "tls_cipher_policy_1_0",
    "tls_cipher_policy_1_1",
    "tls_cipher_policy_1_2",
    "tls_cipher_policy_1_2_strict",
    "tls_cipher_policy_1_2_strict_with_1_3",
]
STICKY = [
    ("sticky_session", "StickySession"),
    ("sticky_session_type", "StickySessionType"),
    ("cookie", "Cookie"),
    ("cookie_timeout", "CookieTimeout"),
]
HEALTH = [
    ("enabled", "HealthCheck"),
    ("uri", "HealthCheckURI"),
    ("domain", "HealthCheckDomain"),
    ("connect_port", "HealthCheckConnectPort"),
    ("interval", "HealthCheckInterval"),
    ("timeout", "HealthCheckTimeout"),
    ("healthy_threshold", "HealthyThreshold"),
    ("unhealthy_threshold", "UnhealthyThreshold"),
    ("http_code", "HealthCheckHttpCode"),
    ("method", "HealthCheckMethod"),
]
RANGES = [
    # (option, low, high)
    ("listener_port", 1, 65535),
    ("backend_server_port", 1, 65535),
    ("cookie_timeout", 1, 86400),
    ("idle_timeout", 1, 60),
    ("request_timeout", 1, 180),
    ("forward_port", 1, 65535),
]
HEALTH_RANGES = [
    ("connect_port", 1, 65535),
    ("interval", 1, 50),
    ("timeout", 1, 300),
    ("healthy_threshold", 2, 10),
    ("unhealthy_threshold", 2, 10),
]
URI = re.compile(r"^/[A-Za-z0-9\-/.%?#&=_:;~+,@!$'*()\[\]]{0,79}$")
DOMAIN = re.compile(r"^[A-Za-z0-9.-]{1,80}$")
COOKIE = re.compile(r"^[^$\s,;][^\s,;]{0,199}$")


def on_off(value):
    return None if value is None else ("on" if value else "off")


def validate(module):
    params = module.params
    problems = []
    for option, low, high in RANGES:
        value = params[option]
        if value is not None and not low <= value <= high:
            problems.append("%s: %s must be from %s to %s" % (option, value, low, high))
    bandwidth = params["bandwidth"]
    if bandwidth is not None and bandwidth != -1 and not 1 <= bandwidth <= 5120:
        problems.append("bandwidth: %s must be -1 (no cap) or from 1 to 5120 (Mbit/s)" % bandwidth)
    if params["description"] is not None and not 1 <= len(params["description"]) <= 256:
        problems.append("description: must be 1 to 256 characters")
    if params["cookie"] is not None and not COOKIE.match(params["cookie"]):
        problems.append(
            "cookie: %r must be 1 to 200 characters, not start with $, and have no spaces, commas or semicolons"
            % params["cookie"]
        )
    if params["sticky_session"] is False and (
        params["sticky_session_type"] or params["cookie"] or params["cookie_timeout"] is not None
    ):
        problems.append(
            "sticky_session_type/cookie/cookie_timeout: apply to sticky sessions only; "
            "set sticky_session: true or drop them"
        )
    if params["sticky_session_type"] == "insert" and params["cookie"]:
        problems.append("cookie: the backend's cookie goes with sticky_session_type: server, not insert")
    if params["sticky_session_type"] == "server" and params["cookie_timeout"] is not None:
        problems.append("cookie_timeout: goes with sticky_session_type: insert, not server")
    if params["protocol"] == "https":
        for option in ("listener_forward", "forward_port"):
            if params[option] is not None:
                problems.append("%s: applies to an http listener redirecting to https, not to protocol https" % option)
    else:
        for option, _field in TLS:
            if params[option] is not None:
                problems.append("%s: applies to protocol https only" % option)
    if params["listener_forward"] and params["forward_port"] is None:
        problems.append("forward_port: required with listener_forward: true (the https listener's port, e.g. 443)")
    if params["forward_port"] is not None and params["listener_forward"] is False:
        problems.append("forward_port: goes with listener_forward: true; drop it to stop forwarding")
    health = params["health_check"] or {}
    for option, low, high in HEALTH_RANGES:
        value = health.get(option)
        if value is not None and not low <= value <= high:
            problems.append("health_check.%s: %s must be from %s to %s" % (option, value, low, high))
    uri = health.get("uri")
    if uri is not None and not URI.match(uri):
        problems.append(
            "health_check.uri: %r must start with / and be at most 80 characters without spaces, "
            "for example /health" % uri
        )
    domain = health.get("domain")
    if domain is not None and domain != "$_ip" and not DOMAIN.match(domain):
        problems.append(
            "health_check.domain: %r must be $_ip or 1 to 80 characters of letters, digits, '.' and '-'" % domain
        )
    if health.get("http_code") is not None and not health["http_code"]:
        problems.append("health_check.http_code: give at least one of %s" % ", ".join(HTTP_CODES))
    module.fail_on_problems(problems)


def wanted_fields(module):
    """The API fields the task sets (None = not set), in the API's own values."""
    params = module.params
    wanted = {}
    for option, field in settings_of(module) + STICKY:
        value = params[option]
        wanted[field] = on_off(value) if isinstance(value, bool) else value
    health = params["health_check"]
    for option, field in HEALTH:
        value = health.get(option) if health else None
        if option == "enabled":
            value = on_off(value)
        elif option == "http_code" and value is not None:
            value = ",".join(code for code in HTTP_CODES if code in value)
        wanted[field] = value
    return wanted


def settings_of(module):
    """The (option, field) pairs compared outside the health check and sticky sessions, for the protocol."""
    return SETTINGS + TLS if module.params["protocol"] == "https" else SETTINGS


def same(field, current, wanted):
    if current is None or current == "":
        return False
    if field == "HealthCheckHttpCode":
        return set(str(current).split(",")) == set(wanted.split(","))
    if isinstance(wanted, int):
        try:
            return int(current) == wanted
        except (TypeError, ValueError):
            return False
    if field in ("Description", "HealthCheckURI", "HealthCheckDomain", "Cookie", "ServerCertificateId"):
        return str(current) == str(wanted)
    return str(current).lower() == str(wanted).lower()


def compare(listener, wanted, settings):
    """The fields to send to bring `listener` to the task (with the companions the API needs)."""
    changes = {}
    for _option, field in settings:
        if wanted[field] is not None and not same(field, listener.get(field), wanted[field]):
            changes[field] = wanted[field]

    sticky_now = (listener.get("StickySession") or "off").lower()
    sticky = wanted["StickySession"] or sticky_now
    if sticky != sticky_now:
        changes["StickySession"] = sticky
    if sticky == "on":
        sticky_fields = {f: wanted[f] for _o, f in STICKY[1:] if wanted[f] is not None}
        if any(not same(f, listener.get(f), v) for f, v in sticky_fields.items()) or "StickySession" in changes:
            # the API wants the whole sticky-session setting at once
            changes["StickySession"] = "on"
            merged = {f: listener.get(f) for _o, f in STICKY[1:]}
            merged.update(sticky_fields)
            kind = merged.get("StickySessionType")
            changes["StickySessionType"] = kind
            if kind == "insert":
                changes["CookieTimeout"] = merged.get("CookieTimeout")
            elif kind == "server":
                changes["Cookie"] = merged.get("Cookie")

    health_now = (listener.get("HealthCheck") or "off").lower()
    health = wanted["HealthCheck"] or health_now
    if health != health_now:
        changes["HealthCheck"] = health
    if health == "on":
        for _option, field in HEALTH[1:]:
            if wanted[field] is not None and not same(field, listener.get(field), wanted[field]):
                changes[field] = wanted[field]
                changes["HealthCheck"] = "on"
    return changes


# reading ------------------------------------------------------------------------------------------
def is_listener_missing(error):
    if is_code(error, *slb.LISTENER_NOT_FOUND):
        return True
    return is_code(error, "InvalidParameter") and "not exist" in (error.message or "")


def find(module):
    """The listener on the task's port; None when there is none (or, for state absent, no load balancer)."""
    params = module.params
    try:
        return read_listener(module)
    except AlicloudApiError as error:
        if not is_code(error, *slb.LOAD_BALANCER_NOT_FOUND):
            raise
        if params["state"] == "absent":
            return None
        module.fail(
            "load_balancer_id: no load balancer %s in %s; create it first (ha_web.alicloud.clb)"
            % (params["load_balancer_id"], module.region_id),
            error=error.as_dict(),
        )


def read_listener(module):
    """The listener's attributes; None when the load balancer has no listener on the port."""
    params = module.params
    request = {
        "RegionId": module.region_id,
        "LoadBalancerId": params["load_balancer_id"],
        "ListenerPort": params["listener_port"],
    }
    try:
        body = module.call("slb", "DescribeLoadBalancer%sListenerAttribute" % api_protocol(module), request)
    except AlicloudApiError as error:
        if is_listener_missing(error):
            return None
        raise
    body = dict(body)
    body.pop("RequestId", None)
    return body if body.get("ListenerPort") is not None else None


def api_protocol(module):
    """HTTP or HTTPS, as the protocol appears in action names."""
    return module.params["protocol"].upper()


def render(listener):
    return snake_resource(listener) if listener else {}


# changes ------------------------------------------------------------------------------------------
def scope(module):
    return {
        "RegionId": module.region_id,
        "LoadBalancerId": module.params["load_balancer_id"],
        "ListenerPort": module.params["listener_port"],
    }


def create(module):
    """Create the listener (or adopt the one another run made meanwhile: one listener per port), then start or
    stop it as the state asks; returns (changed, listener)."""
    changed, listener = create_or_adopt(
        lambda: (True, create_listener(module)),
        lambda: read_listener(module),
        lambda found: update_attributes(module, found),
        PORT_TAKEN,
    )
    state_changed, listener = run_state(module, listener)
    return changed or state_changed, listener


def create_listener(module):
    params = module.params
    forwarding = bool(params["listener_forward"])
    if params["backend_server_port"] is None and not forwarding:
        module.fail("backend_server_port: required to create the listener on port %s" % params["listener_port"])
    if params["protocol"] == "https" and not params["server_certificate_id"]:
        module.fail("server_certificate_id: required to create the https listener on port %s" % params["listener_port"])
    wanted = wanted_fields(module)
    request = dict(scope(module))
    if params["backend_server_port"] is not None:
        request["BackendServerPort"] = params["backend_server_port"]
    if forwarding:
        request.update(ListenerForward="on", ForwardPort=params["forward_port"])
    if params["protocol"] == "https":
        request.setdefault("TLSCipherPolicy", DEFAULT_TLS_CIPHER_POLICY)
    request.update((field, value) for field, value in wanted.items() if value is not None)
    request.setdefault("Bandwidth", -1)
    request.setdefault("HealthCheck", "on")
    request.setdefault("StickySession", "off")
    if request["StickySession"] == "off":
        for _option, field in STICKY[1:]:
            request.pop(field, None)
    if request["HealthCheck"] == "off":
        for _option, field in HEALTH[1:]:
            request.pop(field, None)
    if module.check_mode:
        planned = dict(request, Status="running" if params["state"] == "present" else "stopped")
        planned.pop("RegionId")
        return planned
    module.call(
        "slb", "CreateLoadBalancer%sListener" % api_protocol(module), request, verify_lost=lambda: read_listener(module)
    )  # no ClientToken: after a lost answer, a listener found on the port is the one just created
    if params["wait"] or params["state"] == "present":
        return module.wait(slb.LISTENER_VISIBLE, lambda: read_listener(module), params["wait_timeout"])
    return read_listener(module) or planned(request)


def planned(request):
    listener = dict(request, Status="stopped")
    listener.pop("RegionId", None)
    return listener


def run_state(module, listener):
    """Start or stop the listener as the state asks; returns (changed, listener)."""
    params = module.params
    want = "running" if params["state"] == "present" else "stopped"
    status = listener.get("Status")
    if status in slb.LISTENER_TRANSIENT:
        if module.check_mode:
            heading = {"starting": "running", "stopping": "stopped"}.get(status)
            return heading != want, dict(listener, Status=want)
        # let a start, stop or configuration in progress finish before deciding
        listener = module.wait(slb.LISTENER_SETTLED, lambda: read_listener(module), params["wait_timeout"])
        status = listener.get("Status")
    if status == want:
        return False, listener
    if module.check_mode:
        return True, dict(listener, Status=want)
    action = "StartLoadBalancerListener" if want == "running" else "StopLoadBalancerListener"
    on_the_way = ("starting", "running") if want == "running" else ("stopping", "stopped")

    def already_done():
        current = read_listener(module)
        return current if current and current.get("Status") in on_the_way else None

    module.call("slb", action, dict(scope(module), ListenerProtocol=params["protocol"]), verify_lost=already_done)
    if params["wait"]:
        waiter = slb.LISTENER_RUNNING if want == "running" else slb.LISTENER_STOPPED
        return True, module.wait(waiter, lambda: read_listener(module), params["wait_timeout"])
    return True, read_listener(module) or dict(listener, Status=want)


def needs_replacing(module, listener):
    """Why the listener must be deleted and created again to match the task (None: it can be changed in place):
    the API takes forwarding only at creation and refuses every change to a forwarding listener."""
    params = module.params
    if params["protocol"] != "http":
        return None
    forwarding = (listener.get("ListenerForward") or "off").lower() == "on"
    wanted = forwarding if params["listener_forward"] is None else params["listener_forward"]
    if wanted != forwarding:
        return "forwarding to https is turned %s" % ("on" if wanted else "off")
    if not forwarding:
        return None
    if params["forward_port"] is not None and not same(
        "ForwardPort", listener.get("ForwardPort"), params["forward_port"]
    ):
        return "it forwards to port %s, not %s" % (listener.get("ForwardPort"), params["forward_port"])
    port = params["backend_server_port"]
    if port is not None and not same("BackendServerPort", listener.get("BackendServerPort"), port):
        return "its backend server port changes"
    changes = compare(listener, wanted_fields(module), settings_of(module))
    if changes:
        return "the settings %s of a forwarding listener change" % ", ".join(sorted(changes))
    return None


def replace(module, listener, reason):
    """Delete the listener and create it again as the task says; returns (True, the new listener)."""
    params = module.params
    module.replaced = True
    module.warn(
        "the http listener on port %s of %s is replaced (deleted and created again): %s, and the API changes a "
        "forwarding listener only by creating it" % (params["listener_port"], params["load_balancer_id"], reason)
    )
    if module.check_mode:
        return True, create_listener(module)
    delete(module, listener)
    module.wait(slb.LISTENER_DELETED, lambda: read_listener(module), params["wait_timeout"])
    return create(module)


def update(module, listener):
    """Bring the attributes, then the state, to the task; returns (changed, listener)."""
    reason = needs_replacing(module, listener)
    if reason:
        return replace(module, listener, reason)
    changed, listener = update_attributes(module, listener)
    state_changed, listener = run_state(module, listener)
    return changed or state_changed, listener


def update_attributes(module, listener):
    params = module.params
    port = params["backend_server_port"]
    if port is not None and not same("BackendServerPort", listener.get("BackendServerPort"), port):
        module.fail(
            "backend_server_port: the listener on port %s forwards to %s and that cannot change; delete the "
            "listener (state: absent) and create it again"
            % (params["listener_port"], listener.get("BackendServerPort"))
        )
    changes = compare(listener, wanted_fields(module), settings_of(module))
    if changes and not module.check_mode:
        module.call("slb", "SetLoadBalancer%sListenerAttribute" % api_protocol(module), dict(scope(module), **changes))
        listener = read_listener(module) or dict(listener, **changes)
    elif changes:
        listener = dict(listener, **changes)
    return bool(changes), listener


def delete(module, _listener):
    if module.check_mode:
        return True
    try:
        module.call(
            "slb", "DeleteLoadBalancerListener", dict(scope(module), ListenerProtocol=module.params["protocol"])
        )
    except AlicloudApiError as error:
        if not is_listener_missing(error):
            raise
    if module.params["wait"]:
        module.wait(slb.LISTENER_DELETED, lambda: read_listener(module), module.params["wait_timeout"])
    return True


def main():
    module = AlicloudModule(
        argument_spec=dict(
            load_balancer_id=dict(type="str", required=True),
            listener_port=dict(type="int", required=True),
            protocol=dict(type="str", default="http", choices=["http", "https"]),
            server_certificate_id=dict(type="str"),
            tls_cipher_policy=dict(type="str", choices=TLS_CIPHER_POLICIES),
            listener_forward=dict(type="bool"),
            forward_port=dict(type="int"),
            backend_server_port=dict(type="int"),
            bandwidth=dict(type="int"),
            scheduler=dict(type="str", choices=["wrr", "rr", "wlc"]),
            sticky_session=dict(type="bool"),
            sticky_session_type=dict(type="str", choices=["insert", "server"]),
            cookie=dict(type="str"),
            cookie_timeout=dict(type="int"),
            x_forwarded_for=dict(type="bool"),
            gzip=dict(type="bool"),
            idle_timeout=dict(type="int"),
            request_timeout=dict(type="int"),
            description=dict(type="str"),
            health_check=dict(
                type="dict",
                options=dict(
                    enabled=dict(type="bool", default=True),
                    uri=dict(type="str"),
                    domain=dict(type="str"),
                    connect_port=dict(type="int"),
                    interval=dict(type="int"),
                    timeout=dict(type="int"),
                    healthy_threshold=dict(type="int"),
                    unhealthy_threshold=dict(type="int"),
                    http_code=dict(type="list", elements="str", choices=HTTP_CODES),
                    method=dict(type="str", choices=["head", "get"]),
                ),
            ),
            state=dict(type="str", default="present", choices=["present", "stopped", "absent"]),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=600),
        ),
        required_if=[
            ("sticky_session", True, ["sticky_session_type"]),
            ("sticky_session_type", "insert", ["cookie_timeout"]),
            ("sticky_session_type", "server", ["cookie"]),
        ],
        supports_check_mode=True,
    )
    validate(module)
    params = module.params
    module.replaced = False
    what = "%s listener %s of load balancer %s" % (
        api_protocol(module),
        params["listener_port"],
        params["load_balancer_id"],
    )
    module.ensure(
        "listener", what, find, create, update, delete, render, extra=lambda module, _l: {"replaced": module.replaced}
    )


if __name__ == "__main__":
    main()
