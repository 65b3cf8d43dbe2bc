# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SLB (CLB): the reads several modules share, the product's not-found codes and its waiters.

Every function takes the AlicloudModule first and sends its request through module.call.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ha_web.alicloud.plugins.module_utils.calls import dig
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError, is_code
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import snake_resource
from ansible_collections.ha_web.alicloud.plugins.module_utils.waiters import Waiter

LOAD_BALANCER_NOT_FOUND = ("InvalidLoadBalancerId.NotFound", "InvalidLoadBalancerId", "LoadBalancerNotFound")
LISTENER_NOT_FOUND = ("ResourceNotFound.Listener", "ListenerNotFound", "InvalidListener.NotFound")
SERVER_CERTIFICATE_NOT_FOUND = ("ServerCertificateId.NotFound",)

LOAD_BALANCER_STATUSES = ("active", "inactive")
LOAD_BALANCER_DELETED = Waiter(
    "load balancer to be deleted",
    field="LoadBalancerStatus",
    waiting=[*LOAD_BALANCER_STATUSES, "locked"],
    gone="success",
)

LISTENER_TRANSIENT = ["starting", "stopping", "configuring"]
LISTENER_RUNNING = Waiter(
    "listener to be running", success=["running"], waiting=["stopped", *LISTENER_TRANSIENT], gone="fail"
)
LISTENER_STOPPED = Waiter(
    "listener to be stopped", success=["stopped"], waiting=["running", *LISTENER_TRANSIENT], gone="fail"
)
LISTENER_VISIBLE = Waiter(
    "listener to be created", success=["stopped", "running"], waiting=LISTENER_TRANSIENT, gone="wait"
)
LISTENER_SETTLED = Waiter(
    "listener to finish its configuration", success=["stopped", "running"], waiting=LISTENER_TRANSIENT
)
LISTENER_DELETED = Waiter("listener to be deleted", waiting=["stopped", "running", *LISTENER_TRANSIENT], gone="success")


def load_balancer_status_waiter(status):
    """Until the load balancer shows up (a new one may take a moment) with the status asked for (None: either)."""
    wanted = [status] if status else list(LOAD_BALANCER_STATUSES)
    return Waiter(
        "load balancer to be %s" % (status or "visible"),
        field="LoadBalancerStatus",
        success=wanted,
        waiting=[s for s in LOAD_BALANCER_STATUSES if s not in wanted],
        failure=["locked"],
        gone="wait",
    )


def load_balancer_attribute(module, load_balancer_id):
    """DescribeLoadBalancerAttribute's answer (without RequestId); raises AlicloudApiError, with a code of
    LOAD_BALANCER_NOT_FOUND when there is no such load balancer."""
    body = dict(
        module.call(
            "slb", "DescribeLoadBalancerAttribute", {"RegionId": module.region_id, "LoadBalancerId": load_balancer_id}
        )
    )
    body.pop("RequestId", None)
    return body


def read_load_balancer(module, load_balancer_id):
    """The load balancer's attributes; None when it does not exist."""
    try:
        body = load_balancer_attribute(module, load_balancer_id)
    except AlicloudApiError as error:
        if is_code(error, *LOAD_BALANCER_NOT_FOUND):
            return None
        raise
    return body if body.get("LoadBalancerId") else None


def list_load_balancers(module, query):
    """Every load balancer of the region the query selects (e.g. {"LoadBalancerName": ...}), all pages."""
    return module.paginate(
        "slb",
        "DescribeLoadBalancers",
        dict(query, RegionId=module.region_id),
        ("LoadBalancers", "LoadBalancer"),
        page_size=100,
    )


def list_server_certificates(module):
    """Every server certificate of the region (DescribeServerCertificates answers them all in one page)."""
    body = module.call("slb", "DescribeServerCertificates", {"RegionId": module.region_id})
    return list((body.get("ServerCertificates") or {}).get("ServerCertificate") or [])


def render_load_balancer(lb):
    """The load balancer as the module returns it: snake_case, list wrappers removed, tags a dict."""
    if not lb:
        return {}
    body = dict(lb)
    body.pop("RequestId", None)
    body.pop("ListenerPortsAndProtocal", None)  # the API's legacy misspelt copy of ListenerPortsAndProtocol
    body["BackendServers"] = dig(body, "BackendServers", "BackendServer") or []
    body["ListenerPorts"] = dig(body, "ListenerPorts", "ListenerPort") or []
    body["ListenerPortsAndProtocol"] = dig(body, "ListenerPortsAndProtocol", "ListenerPortAndProtocol") or []
    return snake_resource(body)
