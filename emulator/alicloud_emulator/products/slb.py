"""SLB (CLB) 2014-05-15: the product, its tag actions, and what its resource files share.

The resources live in `slb_load_balancers.py`, `slb_listeners.py` (HTTP listeners, and what all listeners share),
`slb_https_listeners.py`, `slb_certificates.py` (server certificates), `slb_backends.py` (backend servers) and
`slb_health.py` (DescribeHealthStatus).
"""

from . import slb_errors
from .base import Product
from .tagging import register_tagging

SLB = Product(code="Slb", version="2014-05-15", endpoint_prefix="slb", permission_denied=slb_errors.FORBIDDEN)
register_tagging(
    SLB,
    {"instance": "load_balancer", "listener": "listener", "certificate": "server_certificate"},
    not_found=lambda resource_id: slb_errors.RESOURCE_NOT_EXIST(resource_id=resource_id),
    max_resources=20,
)


UNLIMITED_BANDWIDTH = 5120


def load_balancer(ctx, lb_id):
    lb = ctx.store.get("load_balancer", lb_id)
    if lb is None or (ctx.params.str("RegionId") and lb["_region"] != ctx.region):
        raise slb_errors.LB_NOT_FOUND()
    return lb


def changed(ctx, event, lb):
    ctx.runtime.changed("load_balancer", event, lb, ctx.store)


def on_off(params, name, default=None):
    return params.str(name, default=default, choices=("on", "off"))


def listeners_of(ctx, lb):
    return sorted(ctx.store.find("listener", LoadBalancerId=lb["LoadBalancerId"]), key=lambda x: x["ListenerPort"])
