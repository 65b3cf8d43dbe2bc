#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vpc
short_description: Create, update or delete a VPC
version_added: 1.0.0
description:
  - Makes sure a virtual private cloud (VPC) exists with the given CIDR block, name, description and tags,
    or that it does not exist.
  - The VPC is found by O(vpc_id), else by O(name) within the region; several VPCs with that name is an error.
author: ha_web.alicloud developers (@ha-web)
options:
  name:
    description:
      - The VPC's name (1 to 128 characters, not starting with C(http://) or C(https://)).
      - Required unless O(vpc_id) is given.
    type: str
    aliases: [vpc_name]
  vpc_id:
    description:
      - The ID of an existing VPC. When given, the VPC is found by ID and O(name) may rename it.
    type: str
  cidr_block:
    description:
      - The IPv4 CIDR block of the VPC, with a prefix length from /8 to /28, for example V(192.168.0.0/16).
      - Required to create a VPC; the block of an existing VPC cannot change.
    type: str
  description:
    description:
      - The VPC's description (up to 256 characters).
    type: str
  state:
    description:
      - V(present) makes sure the VPC exists and is Available; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
  - ha_web.alicloud.alicloud.wait
  - ha_web.alicloud.alicloud.tags
  - ha_web.alicloud.alicloud.attributes
"""

EXAMPLES = r"""
- name: A VPC for the web service
  ha_web.alicloud.vpc:
    name: ha-web
    cidr_block: 192.168.0.0/16
    description: HA web service
    tags:
      app: ha-web
  register: vpc

- name: Delete it
  ha_web.alicloud.vpc:
    name: ha-web
    state: absent
"""

RETURN = r"""
vpc:
  description: The VPC as Describe returns it, in snake_case; empty when absent.
  returned: always
  type: dict
  contains:
    vpc_id:
      description: The VPC's ID.
      type: str
      sample: vpc-bp15zckdt37pq72zvw3zp
    vpc_name:
      description: Its name.
      type: str
      sample: ha-web
    cidr_block:
      description: Its IPv4 CIDR block.
      type: str
      sample: 192.168.0.0/16
    status:
      description: V(Pending) or V(Available).
      type: str
      sample: Available
    description:
      description: Its description.
      type: str
    v_router_id:
      description: The ID of its router.
      type: str
    v_switch_ids:
      description: The IDs of the vSwitches in it, under the key C(v_switch_id).
      type: dict
    region_id:
      description: Its region.
      type: str
    creation_time:
      description: When it was created (UTC).
      type: str
    tags:
      description: Its tags.
      type: dict
      sample: {"app": "ha-web"}
"""

from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError, is_code
from ansible_collections.ha_web.alicloud.plugins.module_utils.locks import hold_resource_lock
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule, snake_resource
from ansible_collections.ha_web.alicloud.plugins.module_utils.tags import (
    tags_from_api,
    tags_to_api,
    validate_tags,
)
from ansible_collections.ha_web.alicloud.plugins.module_utils.validation import (
    cidr_problem,
    fixed_field_problems,
    name_problem,
)
from ansible_collections.ha_web.alicloud.plugins.module_utils.vpc import (
    VPC_AVAILABLE,
    VPC_DELETED,
    VPC_NOT_FOUND,
    list_vpcs,
    read_vpc,
)


def validate(module):
    params = module.params
    problems = validate_tags(params["tags"])
    if params["state"] == "present" and params["cidr_block"]:
        problems.append(cidr_problem("cidr_block", params["cidr_block"], 8, 28))
    problems.append(name_problem("name", params["name"]))
    if params["description"] is not None and len(params["description"]) > 256:
        problems.append("description: must be at most 256 characters")
    module.fail_on_problems(problems)


def find(module):
    params = module.params
    found = list_vpcs(module, {"VpcId": params["vpc_id"]} if params["vpc_id"] else {"VpcName": params["name"]})
    if not params["vpc_id"]:
        found = [v for v in found if v.get("VpcName") == params["name"]]
    return module.at_most_one(found, "VpcId", "name", "VPCs are named %r" % params["name"], "vpc_id")


def create(module):
    params = module.params
    if not params["cidr_block"]:
        module.fail("cidr_block is required to create VPC %r" % params["name"])
    if module.check_mode:
        return True, None
    request = {
        "RegionId": module.region_id,
        "CidrBlock": params["cidr_block"],
        "VpcName": params["name"],
        "Description": params["description"],
    }
    if params["tags"]:
        request["Tag"] = tags_to_api(params["tags"])
    vpc_id = module.call("vpc", "CreateVpc", request, client_token=True)["VpcId"]
    if params["wait"]:
        return True, module.wait(VPC_AVAILABLE, lambda: read_vpc(module, vpc_id), params["wait_timeout"])
    return True, read_vpc(module, vpc_id) or {"VpcId": vpc_id, "Status": "Pending"}


def compare(module, vpc):
    """The attributes that differ from the task, as ModifyVpcAttribute takes them."""
    params = module.params
    changes = {}
    if params["name"] is not None and params["name"] != vpc.get("VpcName"):
        changes["VpcName"] = params["name"]
    if params["description"] is not None and params["description"] != vpc.get("Description"):
        changes["Description"] = params["description"]
    return changes


def compare_fixed(module, vpc):
    """What the task asks to change that a VPC keeps from its creation on."""
    fixed = (("cidr_block", "block", vpc.get("CidrBlock")),)
    return fixed_field_problems(module.params, fixed, "VPC", vpc["VpcId"], "delete it, or use another name")


def update(module, vpc):
    params = module.params
    module.fail_on_problems(compare_fixed(module, vpc))
    changes = compare(module, vpc)
    if changes and not module.check_mode:
        module.call("vpc", "ModifyVpcAttribute", dict(changes, RegionId=module.region_id, VpcId=vpc["VpcId"]))
    tags_changed = module.update_tags("vpc", "VPC", vpc["VpcId"], tags_from_api(vpc.get("Tags")), "UnTagResources")
    changed = bool(changes) or tags_changed
    if changed and module.check_mode:
        return changed, module.planned_update(vpc, changes)
    if changed:
        vpc = read_vpc(module, vpc["VpcId"]) or vpc
    if params["wait"] and vpc.get("Status") != "Available" and not module.check_mode:
        vpc = module.wait(VPC_AVAILABLE, lambda: read_vpc(module, vpc["VpcId"]), params["wait_timeout"])
    return changed, vpc


def render(vpc):
    """The VPC as the module returns it."""
    return snake_resource(vpc)


def delete(module, vpc):
    if module.check_mode:
        return True
    try:
        module.call("vpc", "DeleteVpc", {"RegionId": module.region_id, "VpcId": vpc["VpcId"]})
    except AlicloudApiError as error:
        if not is_code(error, *VPC_NOT_FOUND):
            raise
    if module.params["wait"]:
        module.wait(VPC_DELETED, lambda: read_vpc(module, vpc["VpcId"]), module.params["wait_timeout"])
    return True


def main():
    module = AlicloudModule(
        argument_spec=dict(
            name=dict(type="str", aliases=["vpc_name"]),
            vpc_id=dict(type="str"),
            cidr_block=dict(type="str"),
            description=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            tags=dict(type="dict"),
            purge_tags=dict(type="bool", default=True),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=600),
        ),
        required_one_of=[["name", "vpc_id"]],
        supports_check_mode=True,
    )
    validate(module)
    hold_resource_lock(module, "vpc", module.params["name"])
    what = "VPC %s" % (module.params["vpc_id"] or module.params["name"])
    module.ensure("vpc", what, find, create, update, delete, render, planned)


def planned(module):
    """What check mode would create."""
    params = module.params
    return {
        "vpc_name": params["name"],
        "cidr_block": params["cidr_block"],
        "description": params["description"] or "",
        "tags": params["tags"] or {},
    }


if __name__ == "__main__":
    main()
