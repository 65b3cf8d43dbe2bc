"""SLB HTTPS listeners: CreateLoadBalancerHTTPSListener, SetLoadBalancerHTTPSListenerAttribute,
DescribeLoadBalancerHTTPSListenerAttribute (Start, Stop, Delete and DescribeLoadBalancerListeners: slb_listeners.py).

An HTTPS listener has the HTTP listener's settings plus the server certificate it presents (ServerCertificateId, a
certificate of the load balancer's region), its TLS policy (TLSCipherPolicy, `tls_cipher_policy_1_0` when not
given, as the API documents) and EnableHttp2. Its backends are HTTP on BackendServerPort, as on the real CLB.
Bandwidth and HealthCheck are required at creation, as are the port and the certificate.
"""

from . import slb_errors
from .base import tags_with_tag_key
from .slb import SLB, load_balancer, on_off
from .slb_certificates import server_certificate
from .slb_listeners import (
    LISTENER_DEFAULTS,
    add_listener,
    find_listener,
    listener_port,
    listener_settings,
    public,
    update_listener,
)

TLS_CIPHER_POLICIES = (
    "tls_cipher_policy_1_0",
    "tls_cipher_policy_1_1",
    "tls_cipher_policy_1_2",
    "tls_cipher_policy_1_2_strict",
    "tls_cipher_policy_1_2_strict_with_1_3",
)
HTTPS_DEFAULTS = {
    **{k: v for k, v in LISTENER_DEFAULTS.items() if k != "ListenerForward"},
    "TLSCipherPolicy": "tls_cipher_policy_1_0",
    "EnableHttp2": "on",
}


def _tls_settings(ctx, current):
    """ServerCertificateId, TLSCipherPolicy and EnableHttp2 of the request over `current`, checked."""
    p = ctx.params
    certificate_id = p.str("ServerCertificateId", default=current.get("ServerCertificateId"))
    if not certificate_id:
        raise slb_errors.MISSING_PARAM_SERVER_CERTIFICATE_ID()
    server_certificate(ctx, certificate_id)
    policy = p.str("TLSCipherPolicy", default=current["TLSCipherPolicy"])
    if policy not in TLS_CIPHER_POLICIES:
        raise slb_errors.INVALID_PARAMETER_TLS_CIPHER_POLICY()
    return {
        "ServerCertificateId": certificate_id,
        "TLSCipherPolicy": policy,
        "EnableHttp2": on_off(p, "EnableHttp2", default=current["EnableHttp2"]),
    }


@SLB.action("CreateLoadBalancerHTTPSListener")
def create_load_balancer_https_listener(ctx):
    p = ctx.params
    lb = load_balancer(ctx, p.str("LoadBalancerId", required=True))
    port = listener_port(p)
    p.str("Bandwidth", required=True)
    p.str("HealthCheck", required=True)
    if "BackendServerPort" not in p:
        raise slb_errors.MISSING_PARAM_BACKEND_SERVER_PORT()
    backend_port = p.int("BackendServerPort", minimum=1, maximum=65535)
    fields = {**listener_settings(p, HTTPS_DEFAULTS), **_tls_settings(ctx, HTTPS_DEFAULTS)}
    add_listener(ctx, lb, "https", port, dict(fields, BackendServerPort=backend_port), p.tags())
    return {}


@SLB.action("SetLoadBalancerHTTPSListenerAttribute")
def set_load_balancer_https_listener_attribute(ctx):
    lb = load_balancer(ctx, ctx.params.str("LoadBalancerId", required=True))
    listener = find_listener(ctx, lb, "https")
    update_listener(ctx, lb, listener, HTTPS_DEFAULTS, extra=_tls_settings(ctx, listener))
    return {}


@SLB.action("DescribeLoadBalancerHTTPSListenerAttribute")
def describe_load_balancer_https_listener_attribute(ctx):
    lb = load_balancer(ctx, ctx.params.str("LoadBalancerId", required=True))
    listener = find_listener(ctx, lb, "https")
    rendered = public(listener)
    del rendered["ListenerProtocol"]  # the flat view has no protocol field
    rendered["Tags"] = tags_with_tag_key(listener)
    return rendered
