#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: clb_health_info
short_description: Read, or wait for, the health of a Classic Load Balancer's backend servers
version_added: 1.0.0
description:
  - Returns what the load balancer's health checks report for each backend server (C(DescribeHealthStatus)),
    for every listener or for one O(listener_port).
  - With O(wait_for), waits until every server in O(server_ids) reports that status (on every listener, or
    on O(listener_port)), for example until new servers are V(normal) or a stopped one is V(abnormal).
  - Never changes anything.
author: ha_web.alicloud developers (@ha-web)
options:
  load_balancer_id:
    description:
      - The ID of the load balancer.
    type: str
    required: true
  listener_port:
    description:
      - Only this listener's checks (1 to 65535). Every listener's when not set.
    type: int
  server_ids:
    description:
      - Only these backend servers (ECS instance IDs). Required with O(wait_for).
    type: list
    elements: str
  wait_for:
    description:
      - Wait until every server in O(server_ids) reports this status; V(normal) is healthy, V(abnormal)
        failing its health check.
      - A server the load balancer does not report yet (not attached, listener stopped or still starting)
        keeps the wait going.
    type: str
    choices: [normal, abnormal]
  wait_timeout:
    description:
      - How many seconds O(wait_for) waits before failing.
    type: int
    default: 300
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
attributes:
  check_mode:
    description: Runs in check mode too, and returns the same information; it never changes anything.
    support: full
  diff_mode:
    description: Never changes anything, so there is no difference to show.
    support: none
"""

EXAMPLES = r"""
- name: Health of every backend server on every listener
  ha_web.alicloud.clb_health_info:
    load_balancer_id: "{{ clb.load_balancer.load_balancer_id }}"
  register: health

- name: Wait until both web servers are healthy on port 80
  ha_web.alicloud.clb_health_info:
    load_balancer_id: "{{ clb.load_balancer.load_balancer_id }}"
    listener_port: 80
    server_ids:
      - "{{ web1.instance.instance_id }}"
      - "{{ web2.instance.instance_id }}"
    wait_for: normal
    wait_timeout: 120

- name: Wait until the load balancer sees the stopped server fail
  ha_web.alicloud.clb_health_info:
    load_balancer_id: "{{ clb.load_balancer.load_balancer_id }}"
    listener_port: 80
    server_ids: ["{{ web1.instance.instance_id }}"]
    wait_for: abnormal
  register: detected
"""

RETURN = r"""
backend_servers:
  description:
    - One entry per backend server and listener, in snake_case (after the wait, with O(wait_for)).
  returned: always
  type: list
  elements: dict
  contains:
    server_id:
      description: The ECS instance's ID.
      type: str
      sample: i-bp67acfmxazb4p1xxxxx
    server_ip:
      description: Its private address.
      type: str
    port:
      description: The backend port checked.
      type: int
      sample: 80
    listener_port:
      description: The listener port.
      type: int
      sample: 80
    protocol:
      description: The listener's protocol.
      type: str
      sample: http
    server_health_status:
      description: V(normal), V(abnormal), or V(unavailable) (not checked yet, listener stopped, or health
        check off).
      type: str
      sample: normal
waited:
  description: Seconds spent waiting for O(wait_for); V(0) without it.
  returned: always
  type: float
  sample: 6.2
"""

import time

from ansible_collections.ha_web.alicloud.plugins.module_utils import slb
from ansible_collections.ha_web.alicloud.plugins.module_utils.calls import dig
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError, is_code
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule, snake_resource
from ansible_collections.ha_web.alicloud.plugins.module_utils.waiters import WaitError, Waiter, wait_for


def read_health(module):
    params = module.params
    request = {
        "RegionId": module.region_id,
        "LoadBalancerId": params["load_balancer_id"],
        "ListenerPort": params["listener_port"],
    }
    rows = dig(module.call("slb", "DescribeHealthStatus", request), "BackendServers", "BackendServer") or []
    if params["listener_port"] is not None:
        rows = [r for r in rows if str(r.get("ListenerPort")) == str(params["listener_port"])]
    if params["server_ids"]:
        rows = [r for r in rows if r.get("ServerId") in params["server_ids"]]
    return rows


def statuses(module, rows):
    """{server_id: set of statuses reported} for the servers asked about."""
    found = {server_id: set() for server_id in module.params["server_ids"] or []}
    for row in rows:
        found.setdefault(row.get("ServerId"), set()).add(row.get("ServerHealthStatus"))
    return found


def summary(found):
    return ", ".join(
        "%s %s" % (server_id, "/".join(sorted(s for s in seen if s)) or "not reported")
        for server_id, seen in sorted(found.items())
    )


def wait(module):
    """Poll until every asked server reports `wait_for` on every listener asked about."""
    params = module.params
    wanted = params["wait_for"]
    last = {"rows": []}

    def observe():
        rows = read_health(module)
        last["rows"] = rows
        found = statuses(module, rows)
        reached = all(seen == {wanted} for seen in found.values())
        return {"Outcome": "reached" if reached else "pending"}

    waiter = Waiter("servers to be %s" % wanted, field="Outcome", success=["reached"], waiting=["pending"])
    started = time.monotonic()
    try:
        wait_for(waiter, observe, params["wait_timeout"])
    except WaitError:
        module.fail(
            "timed out after %ss waiting for %s to be %s%s; the load balancer reports: %s"
            % (
                params["wait_timeout"],
                ", ".join(params["server_ids"]),
                wanted,
                " on listener %s" % params["listener_port"] if params["listener_port"] is not None else "",
                summary(statuses(module, last["rows"])),
            ),
            backend_servers=render(last["rows"]),
        )
    return last["rows"], round(time.monotonic() - started, 2)


def render(rows):
    return [snake_resource(row, tags_field=None) for row in rows]


def main():
    module = AlicloudModule(
        argument_spec=dict(
            load_balancer_id=dict(type="str", required=True),
            listener_port=dict(type="int"),
            server_ids=dict(type="list", elements="str"),
            wait_for=dict(type="str", choices=["normal", "abnormal"]),
            wait_timeout=dict(type="int", default=300),
        ),
        required_by={"wait_for": ["server_ids"]},
        supports_check_mode=True,
    )
    params = module.params
    port = params["listener_port"]
    if port is not None and not 1 <= port <= 65535:
        module.fail("listener_port: %s must be from 1 to 65535" % port)
    if params["wait_for"] and not params["server_ids"]:
        module.fail("server_ids: list the servers to wait for (wait_for: %s)" % params["wait_for"])
    if params["wait_timeout"] < 0:
        module.fail("wait_timeout: must not be negative")
    try:
        if params["wait_for"]:
            rows, waited = wait(module)
        else:
            rows, waited = read_health(module), 0
    except AlicloudApiError as error:
        if is_code(error, *slb.LOAD_BALANCER_NOT_FOUND):
            module.fail(
                "load_balancer_id: no load balancer %s in %s" % (params["load_balancer_id"], module.region_id),
                error=error.as_dict(),
            )
        module.fail_api(error, "health of the backend servers of load balancer %s" % params["load_balancer_id"])
    module.exit_info(backend_servers=render(rows), waited=waited)


if __name__ == "__main__":
    main()
