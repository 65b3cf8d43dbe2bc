#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: clb_backend_servers
short_description: Add, reweight or remove the backend servers of a Classic Load Balancer
version_added: 1.0.0
description:
  - Makes sure the given ECS instances are backend servers of a Classic Load Balancer with the given weights
    and descriptions (V(present)), or that they are not (V(absent)).
  - With O(purge=true) and V(present), attached servers that are not listed are removed, so the load
    balancer ends up with exactly the listed servers.
  - Servers are added with C(AddBackendServers), reweighted with C(SetBackendServers) and removed with
    C(RemoveBackendServers), at most 20 per request; a second identical run sends nothing.
  - Backend servers must be C(Running) ECS instances in the load balancer's network. Set a weight of V(0)
    to drain a server without removing it.
author: ha_web.alicloud developers (@ha-web)
options:
  load_balancer_id:
    description:
      - The ID of the load balancer.
    type: str
    required: true
  backend_servers:
    description:
      - The backend servers. With O(state=absent) only O(backend_servers[].server_id) matters.
      - With O(state=present) and O(purge=true), an empty list removes every backend server.
    type: list
    elements: dict
    required: true
    suboptions:
      server_id:
        description:
          - The ID of the ECS instance.
        type: str
        required: true
      weight:
        description:
          - The server's weight, 0 to 100; V(0) sends it no new requests.
        type: int
        default: 100
      type:
        description:
          - The kind of server; ECS instances only.
        type: str
        choices: [ecs]
        default: ecs
      description:
        description:
          - A description of the server, 1 to 80 characters. Left as it is when not set.
        type: str
  purge:
    description:
      - With O(state=present), also remove attached servers that are not in O(backend_servers).
    type: bool
    default: false
  state:
    description:
      - V(present) adds the servers or updates their weight and description; V(absent) removes them.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
  - ha_web.alicloud.alicloud.attributes
seealso:
  - module: ha_web.alicloud.clb_health_info
    description: Wait until the load balancer reports the servers healthy.
"""

EXAMPLES = r"""
- name: Both web servers behind the load balancer, and only them
  ha_web.alicloud.clb_backend_servers:
    load_balancer_id: "{{ clb.load_balancer.load_balancer_id }}"
    backend_servers:
      - server_id: "{{ web1.instance.instance_id }}"
      - server_id: "{{ web2.instance.instance_id }}"
    purge: true

- name: Drain one server (no new requests) before maintenance
  ha_web.alicloud.clb_backend_servers:
    load_balancer_id: "{{ clb.load_balancer.load_balancer_id }}"
    backend_servers:
      - server_id: "{{ web1.instance.instance_id }}"
        weight: 0

- name: Remove it
  ha_web.alicloud.clb_backend_servers:
    load_balancer_id: "{{ clb.load_balancer.load_balancer_id }}"
    backend_servers:
      - server_id: "{{ web1.instance.instance_id }}"
    state: absent
"""

RETURN = r"""
backend_servers:
  description:
    - Every backend server of the load balancer after the task, in snake_case. In check mode, what they
      would be.
  returned: always
  type: list
  elements: dict
  contains:
    server_id:
      description: The ECS instance's ID.
      type: str
      sample: i-bp67acfmxazb4p1xxxxx
    weight:
      description: Its weight.
      type: int
      sample: 100
    type:
      description: V(ecs).
      type: str
    server_ip:
      description: Its private address, when the API reports it.
      type: str
    description:
      description: Its description.
      type: str
load_balancer_id:
  description: The load balancer's ID.
  returned: always
  type: str
"""

import json

from ansible_collections.ha_web.alicloud.plugins.module_utils import slb
from ansible_collections.ha_web.alicloud.plugins.module_utils.calls import dig
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError, is_code
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule, snake_resource

BATCH = 20  # servers per AddBackendServers / SetBackendServers / RemoveBackendServers request


def validate(module):
    problems = []
    seen = set()
    for index, server in enumerate(module.params["backend_servers"]):
        where = "backend_servers[%d]" % index
        server_id = (server["server_id"] or "").strip()
        if not server_id:
            problems.append("%s.server_id: must not be empty" % where)
        elif server_id in seen:
            problems.append("%s.server_id: %s is listed twice" % (where, server_id))
        seen.add(server_id)
        if not 0 <= server["weight"] <= 100:
            problems.append("%s.weight: %s must be from 0 to 100" % (where, server["weight"]))
        description = server.get("description")
        if description is not None and not 1 <= len(description) <= 80:
            problems.append("%s.description: must be 1 to 80 characters" % where)
    module.fail_on_problems(problems)


def read_backend_servers(module):
    """The load balancer's backend servers as {server_id: server}."""
    body = slb.load_balancer_attribute(module, module.params["load_balancer_id"])
    servers = dig(body, "BackendServers", "BackendServer") or []
    return {server["ServerId"]: server for server in servers}


def weight_of(server):
    try:
        return int(server.get("Weight"))
    except (TypeError, ValueError):
        return None


def compare(module, current):
    """(to_add, to_set, to_remove): API entries for each of the three requests."""
    params = module.params
    wanted = params["backend_servers"]
    if params["state"] == "absent":
        to_remove = [s for s in wanted if s["server_id"] in current]
        return [], [], [{"ServerId": s["server_id"], "Type": s["type"]} for s in to_remove]
    to_add, to_set = [], []
    for server in wanted:
        entry = {"ServerId": server["server_id"], "Weight": str(server["weight"]), "Type": server["type"]}
        if server.get("description") is not None:
            entry["Description"] = server["description"]
        attached = current.get(server["server_id"])
        if attached is None:
            to_add.append(entry)
        elif weight_of(attached) != server["weight"] or (
            server.get("description") is not None and server["description"] != (attached.get("Description") or "")
        ):
            to_set.append(entry)
    to_remove = []
    if params["purge"]:
        listed = {s["server_id"] for s in wanted}
        to_remove = [
            {"ServerId": server_id, "Type": server.get("Type") or "ecs"}
            for server_id, server in sorted(current.items())
            if server_id not in listed
        ]
    return to_add, to_set, to_remove


def batches(entries):
    for start in range(0, len(entries), BATCH):
        yield entries[start : start + BATCH]


def apply(module, to_add, to_set, to_remove):
    scope = {"RegionId": module.region_id, "LoadBalancerId": module.params["load_balancer_id"]}

    def attached_already(batch):
        # AddBackendServers takes no ClientToken: after a lost answer, look before sending it again
        def verify():
            current = read_backend_servers(module)
            return {"verified": True} if all(entry["ServerId"] in current for entry in batch) else None

        return verify

    # add before removing, so a replaced set never goes through an empty load balancer
    for batch in batches(to_add):
        module.call(
            "slb",
            "AddBackendServers",
            dict(scope, BackendServers=json.dumps(batch)),
            verify_lost=attached_already(batch),
        )
    for batch in batches(to_set):
        module.call("slb", "SetBackendServers", dict(scope, BackendServers=json.dumps(batch)))
    for batch in batches(to_remove):
        # removing a server that is no longer attached is a no-op, so a resend is safe
        module.call("slb", "RemoveBackendServers", dict(scope, BackendServers=json.dumps(batch)))


def planned_update(current, to_add, to_set, to_remove):
    """The servers as check mode reports them."""
    servers = {k: dict(v) for k, v in current.items()}
    for entry in to_add + to_set:
        server = servers.setdefault(entry["ServerId"], {"ServerId": entry["ServerId"], "Description": ""})
        server.update(Weight=int(entry["Weight"]), Type=entry["Type"])
        if "Description" in entry:
            server["Description"] = entry["Description"]
    for entry in to_remove:
        servers.pop(entry["ServerId"], None)
    return servers


def render(servers):
    result = []
    for server_id in sorted(servers):
        server = snake_resource(servers[server_id], tags_field=None)
        weight = weight_of(servers[server_id])
        if weight is not None:
            server["weight"] = weight
        result.append(server)
    return result


def main():
    module = AlicloudModule(
        argument_spec=dict(
            load_balancer_id=dict(type="str", required=True),
            backend_servers=dict(
                type="list",
                elements="dict",
                required=True,
                options=dict(
                    server_id=dict(type="str", required=True),
                    weight=dict(type="int", default=100),
                    type=dict(type="str", default="ecs", choices=["ecs"]),
                    description=dict(type="str"),
                ),
            ),
            purge=dict(type="bool", default=False),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        supports_check_mode=True,
    )
    validate(module)
    params = module.params
    lb_id = params["load_balancer_id"]
    try:
        try:
            current = read_backend_servers(module)
        except AlicloudApiError as error:
            if not is_code(error, *slb.LOAD_BALANCER_NOT_FOUND):
                raise
            if params["state"] == "absent":
                module.exit(False, [], key="backend_servers", load_balancer_id=lb_id, before={}, after={})
            module.fail(
                "load_balancer_id: no load balancer %s in %s; create it first (ha_web.alicloud.clb)"
                % (lb_id, module.region_id),
                error=error.as_dict(),
            )
        to_add, to_set, to_remove = compare(module, current)
        changed = bool(to_add or to_set or to_remove)
        after = current
        if changed and module.check_mode:
            after = planned_update(current, to_add, to_set, to_remove)
        elif changed:
            apply(module, to_add, to_set, to_remove)
            after = read_backend_servers(module)
    except AlicloudApiError as error:
        module.fail_api(error, "backend servers of load balancer %s" % lb_id)
    module.exit(
        changed,
        render(after),
        key="backend_servers",
        load_balancer_id=lb_id,
        before={"backend_servers": render(current)},
        after={"backend_servers": render(after)},
    )


if __name__ == "__main__":
    main()
