#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ecs_instance_info
short_description: List ECS instances, and optionally wait until they all reach a status
version_added: 1.0.0
description:
  - Lists the Elastic Compute Service (ECS) instances of a region that match every filter given, reading every
    page of the answer.
  - With O(wait_for_status), waits until every listed instance has that status. This is how a play waits for
    several instances at once - create them with O(ha_web.alicloud.ecs_instance#module:wait=false) in a loop,
    then wait for all of them with one task of this module, so that their start-ups overlap.
  - Never changes anything.
author: ha_web.alicloud developers (@ha-web)
options:
  instance_ids:
    description:
      - Only these instances. IDs that do not exist are left out of the result (with O(wait_for_status) they
        are waited for, since a new instance can take a moment to appear).
      - An empty list matches no instance.
    type: list
    elements: str
  name:
    description:
      - Only instances with this name; C(*) matches any text, for example V(web-*).
    type: str
    aliases: [instance_name]
  vpc_id:
    description:
      - Only instances in this VPC.
    type: str
  v_switch_id:
    description:
      - Only instances in this vSwitch.
    type: str
    aliases: [vswitch_id]
  zone_id:
    description:
      - Only instances in this zone, for example V(cn-hangzhou-i).
    type: str
  status:
    description:
      - Only instances with this status.
    type: str
    choices: [Pending, Starting, Running, Stopping, Stopped]
  security_group_id:
    description:
      - Only instances in this security group.
    type: str
  tags:
    description:
      - Only instances with all these tags. An empty value matches any value of its key.
    type: dict
  wait_for_status:
    description:
      - Wait until every instance found has this status, then return them.
      - V(Running) waits while instances are V(Pending), V(Starting) or V(Stopping) (a reboot) and fails when
        one is V(Stopped). V(Stopped) waits while instances are V(Stopping) and fails when one runs.
      - With O(instance_ids), every one of them must appear and reach the status. Without it, the instances
        found at each look are waited for; when none is found, nothing is waited for.
    type: str
    choices: [Running, Stopped]
  wait_timeout:
    description:
      - How many seconds O(wait_for_status) waits before failing.
    type: int
    default: 600
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
attributes:
  check_mode:
    description: Changes nothing, so it runs in check mode as usual.
    support: full
  diff_mode:
    description: Changes nothing, so there is no difference to show.
    support: N/A
seealso:
  - module: ha_web.alicloud.ecs_instance
"""

EXAMPLES = r"""
- name: The web servers of the VPC
  ha_web.alicloud.ecs_instance_info:
    vpc_id: "{{ vpc.vpc.vpc_id }}"
    name: web-*
    tags:
      app: ha-web
  register: web

- name: Their private addresses
  ansible.builtin.debug:
    msg: "{{ web.instances | map(attribute='private_ip_address') | list }}"

# Two instances in about the time of one: create without waiting, then wait once for all.
- name: Create the web servers, without waiting for each
  ha_web.alicloud.ecs_instance:
    name: "web-{{ item }}"
    image_id: debian_12_9_x64_20G_alibase_20250117.vhd
    instance_type: ecs.u1-c1m1.large
    v_switch_id: "{{ vswitch.vswitch.v_switch_id }}"
    security_group_ids: ["{{ group.security_group.security_group_id }}"]
    key_pair_name: ha-web-admin
    wait: false
  loop: [1, 2]
  register: created

- name: Wait until all of them run
  ha_web.alicloud.ecs_instance_info:
    instance_ids: "{{ created.results | map(attribute='instance.instance_id') | list }}"
    wait_for_status: Running
    wait_timeout: 600
  register: running

- name: Running instances in one zone
  ha_web.alicloud.ecs_instance_info:
    zone_id: cn-hangzhou-i
    status: Running
"""

RETURN = r"""
instances:
  description:
    - The instances found, as DescribeInstances returns them, in snake_case, with two plain addresses added
      for convenience.
  returned: always
  type: list
  elements: dict
  contains:
    instance_id:
      description: The instance's ID.
      type: str
      sample: i-bp67acfmxazb4ph34wxy
    instance_name:
      description: Its name.
      type: str
      sample: web-1
    status:
      description: V(Pending), V(Starting), V(Running), V(Stopping) or V(Stopped).
      type: str
      sample: Running
    private_ip_address:
      description: Its primary private IP address (added by this module).
      type: str
      sample: 192.168.1.10
    public_ip_address:
      description: Its public IP address (or elastic IP address), empty when it has none (added by this module).
      type: str
      sample: 47.96.0.1
    host_name:
      description: The operating system's host name.
      type: str
    image_id:
      description: Its image.
      type: str
    instance_type:
      description: Its instance type.
      type: str
    zone_id:
      description: Its zone.
      type: str
    vpc_attributes:
      description: Its VPC, vSwitch and private addresses (C(private_ip_address.ip_address)).
      type: dict
      sample: {"vpc_id": "vpc-bp15zckdt37pq72zvw3zp", "v_switch_id": "vsw-bp1s5fnvk4gn2tws03624"}
    security_group_ids:
      description: Its security groups, under the key C(security_group_id).
      type: dict
      sample: {"security_group_id": ["sg-bp1gxw6bznjjvhu3a4f2"]}
    key_pair_name:
      description: Its SSH key pair.
      type: str
    deletion_protection:
      description: Whether release protection is on.
      type: bool
    creation_time:
      description: When it was created (UTC, minute precision).
      type: str
    tags:
      description: Its tags.
      type: dict
      sample: {"app": "ha-web"}
"""

import json

from ansible_collections.ha_web.alicloud.plugins.module_utils import ecs
from ansible_collections.ha_web.alicloud.plugins.module_utils.ecs import render_instance
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.ha_web.alicloud.plugins.module_utils.tags import tags_match, tags_to_api, validate_tags
from ansible_collections.ha_web.alicloud.plugins.module_utils.waiters import Waiter

STATUSES = ["Pending", "Starting", "Running", "Stopping", "Stopped"]
# wait_for_status -> (statuses to keep waiting on, statuses that will not turn into it by themselves)
WAIT_RULES = {
    "Running": (["Pending", "Starting", "Stopping"], ["Stopped"]),
    "Stopped": (["Stopping"], ["Pending", "Starting", "Running"]),
}
MAX_IDS = 100  # InstanceIds takes at most 100 IDs per request


class AllInstances(Waiter):
    """Every instance of a listing at one status; the observation is a summary of the listing."""

    def __init__(self, status, count_text):
        waiting, failure = WAIT_RULES[status]
        super(AllInstances, self).__init__(
            "%s to be %s" % (count_text, status), success=[status], waiting=waiting, failure=failure
        )

    def outcome(self, resource):
        """`resource` is the summary of one listing (see summarize)."""
        outcomes = [super(AllInstances, self).outcome(i) for i in resource["instances"]]
        for worst in ("failure", "unexpected"):
            if worst in outcomes:
                return worst
        if resource["missing"] or "waiting" in outcomes:
            return "waiting"
        return "success"


def summarize(status, instances, missing):
    """The observation AllInstances judges; `Status` says in words where each instance is."""
    behind = ["%s %s" % (i["InstanceId"], i.get("Status")) for i in instances if i.get("Status") != status]
    behind += ["%s not found" % instance_id for instance_id in missing]
    return {
        "Status": ", ".join(behind) if behind else "all %s" % status,
        "instances": instances,
        "missing": missing,
    }


def validate(module):
    problems = validate_tags(module.params["tags"])
    if module.params["wait_timeout"] < 0:
        problems.append("wait_timeout: must not be negative")
    module.fail_on_problems(problems)


def query(module):
    params = module.params
    request = {
        "RegionId": module.region_id,
        "InstanceName": params["name"],
        "VpcId": params["vpc_id"],
        "VSwitchId": params["v_switch_id"],
        "ZoneId": params["zone_id"],
        "Status": params["status"],
        "SecurityGroupId": params["security_group_id"],
    }
    if params["tags"]:
        request["Tag"] = tags_to_api(params["tags"])
    return {k: v for k, v in request.items() if v is not None}


def list_matching(module, instance_ids):
    """Every matching instance, all pages (and one request per 100 IDs)."""
    request = query(module)
    if instance_ids is None:
        batches = [None]
    else:
        batches = [instance_ids[i : i + MAX_IDS] for i in range(0, len(instance_ids), MAX_IDS)]
    found = []
    for batch in batches:
        if batch is not None:
            request["InstanceIds"] = json.dumps(batch)
        found.extend(ecs.list_instances(module, request))
    return [i for i in found if tags_match(i, module.params["tags"])]


def main():
    module = AlicloudModule(
        argument_spec=dict(
            instance_ids=dict(type="list", elements="str"),
            name=dict(type="str", aliases=["instance_name"]),
            vpc_id=dict(type="str"),
            v_switch_id=dict(type="str", aliases=["vswitch_id"]),
            zone_id=dict(type="str"),
            status=dict(type="str", choices=STATUSES),
            security_group_id=dict(type="str"),
            tags=dict(type="dict"),
            wait_for_status=dict(type="str", choices=sorted(WAIT_RULES)),
            wait_timeout=dict(type="int", default=600),
        ),
        mutually_exclusive=[["status", "wait_for_status"]],
        supports_check_mode=True,
    )
    validate(module)
    params = module.params
    instance_ids = None
    if params["instance_ids"] is not None:
        instance_ids = list(dict.fromkeys(params["instance_ids"]))  # unique, in order
        if not instance_ids:
            module.exit(False, [], key="instances")
    try:
        if params["wait_for_status"]:
            status = params["wait_for_status"]

            def read():
                instances = list_matching(module, instance_ids)
                seen = {i["InstanceId"] for i in instances}
                return summarize(status, instances, [i for i in instance_ids or [] if i not in seen])

            count = "%d instances" % len(instance_ids) if instance_ids else "the instances found"
            instances = module.wait(AllInstances(status, count), read, params["wait_timeout"])["instances"]
        else:
            instances = list_matching(module, instance_ids)
    except AlicloudApiError as error:
        module.fail_api(error, "Listing ECS instances")
    module.exit_info(instances=[render_instance(i) for i in instances])


if __name__ == "__main__":
    main()
