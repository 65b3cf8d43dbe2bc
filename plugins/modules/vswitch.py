#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vswitch
short_description: Create, update or delete a vSwitch in a VPC
version_added: 1.0.0
description:
  - Makes sure a vSwitch (a subnet of a VPC, in one zone) exists with the given CIDR block, zone, name,
    description and tags, or that it does not exist.
  - The vSwitch is found by O(v_switch_id), else by O(name) within O(vpc_id); several vSwitches with that
    name in the VPC is an error.
  - Before creating, the CIDR block is checked against the VPC's own block, so a block outside the VPC is
    refused with a clear message and no call that changes anything.
  - When the creation is refused because a vSwitch of that name already holds the block (another run made it
    since this task looked), the task adopts it and goes on as if it had found it.
author: ha_web.alicloud developers (@ha-web)
options:
  v_switch_id:
    description:
      - The ID of an existing vSwitch. When given, the vSwitch is found by ID and O(name) may rename it.
    type: str
    aliases: [vswitch_id]
  vpc_id:
    description:
      - The ID of the VPC the vSwitch belongs to.
      - Required to create a vSwitch, and to find one by O(name).
    type: str
  name:
    description:
      - The vSwitch's name (1 to 128 characters, not starting with C(http://) or C(https://)).
      - Required unless O(v_switch_id) is given.
    type: str
    aliases: [vswitch_name]
  cidr_block:
    description:
      - The IPv4 CIDR block of the vSwitch, with a prefix length from /16 to /29, inside the VPC's block and
        not overlapping the other vSwitches of the VPC, for example V(192.168.1.0/24).
      - Required to create a vSwitch; the block of an existing vSwitch cannot change.
    type: str
  zone_id:
    description:
      - The zone of the vSwitch, for example V(cn-hangzhou-i).
      - Required to create a vSwitch; the zone of an existing vSwitch cannot change.
    type: str
  description:
    description:
      - The vSwitch's description (up to 256 characters, not starting with C(http://) or C(https://)).
    type: str
  state:
    description:
      - V(present) makes sure the vSwitch exists (and, with O(wait), is Available); V(absent) deletes it.
      - A vSwitch that still holds ECS instances, load balancers or NAS mount targets cannot be deleted; the
        module then fails and names what to delete first.
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
  register: vpc

- name: One vSwitch per zone
  ha_web.alicloud.vswitch:
    vpc_id: "{{ vpc.vpc.vpc_id }}"
    name: "ha-web-{{ item.zone }}"
    zone_id: "{{ item.zone }}"
    cidr_block: "{{ item.cidr }}"
    tags:
      app: ha-web
  loop:
    - {zone: cn-hangzhou-i, cidr: 192.168.1.0/24}
    - {zone: cn-hangzhou-j, cidr: 192.168.2.0/24}

- name: Rename a vSwitch found by ID
  ha_web.alicloud.vswitch:
    v_switch_id: vsw-bp1s5fnvk4gn2tws03624
    name: web-a

- name: Delete it
  ha_web.alicloud.vswitch:
    vpc_id: "{{ vpc.vpc.vpc_id }}"
    name: ha-web-cn-hangzhou-i
    state: absent
"""

RETURN = r"""
vswitch:
  description: The vSwitch as Describe returns it, in snake_case; empty when absent.
  returned: always
  type: dict
  contains:
    v_switch_id:
      description: The vSwitch's ID.
      type: str
      sample: vsw-bp1s5fnvk4gn2tws03624
    v_switch_name:
      description: Its name.
      type: str
      sample: ha-web-cn-hangzhou-i
    vpc_id:
      description: The ID of its VPC.
      type: str
      sample: vpc-bp15zckdt37pq72zvw3zp
    cidr_block:
      description: Its IPv4 CIDR block.
      type: str
      sample: 192.168.1.0/24
    zone_id:
      description: Its zone.
      type: str
      sample: cn-hangzhou-i
    status:
      description: V(Pending) or V(Available).
      type: str
      sample: Available
    description:
      description: Its description.
      type: str
    available_ip_address_count:
      description: How many of its private IP addresses are free.
      type: int
      sample: 252
    route_table:
      description: The route table it is associated with (C(route_table_id), C(route_table_type)).
      type: dict
    creation_time:
      description: When it was created (UTC).
      type: str
    tags:
      description: Its tags.
      type: dict
      sample: {"app": "ha-web"}
"""

import importlib
import time

from ansible_collections.ha_web.alicloud.plugins.module_utils import clients
from ansible_collections.ha_web.alicloud.plugins.module_utils.calls import dig
from ansible_collections.ha_web.alicloud.plugins.module_utils.conflicts import create_or_adopt
from ansible_collections.ha_web.alicloud.plugins.module_utils.ecs import list_instances
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError, is_code
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule, snake_resource
from ansible_collections.ha_web.alicloud.plugins.module_utils.nas import list_file_systems
from ansible_collections.ha_web.alicloud.plugins.module_utils.slb import list_load_balancers
from ansible_collections.ha_web.alicloud.plugins.module_utils.tags import (
    tags_from_api,
    tags_to_api,
    validate_tags,
)
from ansible_collections.ha_web.alicloud.plugins.module_utils.validation import (
    cidr_inside_problem,
    cidr_problem,
    description_problem,
    fixed_field_problems,
    name_problem,
)
from ansible_collections.ha_web.alicloud.plugins.module_utils.vpc import (
    VPC_AVAILABLE_FOR_CREATE,
    VSWITCH_AVAILABLE,
    VSWITCH_DELETED,
    VSWITCH_NOT_FOUND,
    available_vswitch,
    list_vswitches,
    read_vpc,
    read_vswitch,
)
from ansible_collections.ha_web.alicloud.plugins.module_utils.waiters import poll_delays


# Answers of CreateVSwitch that mean "not now": the VPC is still being created, or another vSwitch of
# the same VPC is being created or changed (the cloud serialises them).
BUSY_CODES = ("IncorrectVpcStatus", "IncorrectVSwitchStatus", "OperationConflict", "IncorrectStatus.VpcRouteTable")
RELEASE_SECONDS = 60
BLOCK_TAKEN = ("InvalidCidrBlock.Overlapped",)


def validate(module):
    params = module.params
    problems = validate_tags(params["tags"])
    if params["state"] == "present" and params["cidr_block"]:
        problems.append(cidr_problem("cidr_block", params["cidr_block"], 16, 29))
    problems.append(name_problem("name", params["name"]))
    problems.append(description_problem("description", params["description"]))
    if not params["v_switch_id"] and not params["vpc_id"]:
        problems.append("vpc_id is required to find a vSwitch by name (or give v_switch_id)")
    module.fail_on_problems(problems)


def find(module):
    params = module.params
    if params["v_switch_id"]:
        found = list_vswitches(module, {"VSwitchId": params["v_switch_id"]})
    else:
        found = list_vswitches(module, {"VpcId": params["vpc_id"], "VSwitchName": params["name"]})
    if params["v_switch_id"]:
        found = [v for v in found if v.get("VSwitchId") == params["v_switch_id"]]
    else:
        found = [v for v in found if v.get("VSwitchName") == params["name"]]
    what = "vSwitches in VPC %s are named %r" % (params["vpc_id"], params["name"])
    return module.at_most_one(found, "VSwitchId", "name", what, "v_switch_id")


def check_create(module):
    """Everything a creation needs, checked before it is sent; returns the VPC."""
    params = module.params
    if params["v_switch_id"]:
        module.fail(
            "v_switch_id: vSwitch %s does not exist in region %s; leave v_switch_id out to create a vSwitch by name"
            % (params["v_switch_id"], module.region_id)
        )
    missing = [option for option in ("vpc_id", "cidr_block", "zone_id") if not params[option]]
    if missing:
        module.fail("%s: required to create vSwitch %r" % (", ".join(missing), params["name"]))
    vpc = read_vpc(module, params["vpc_id"])
    if vpc is None:
        module.fail("vpc_id: VPC %s does not exist in region %s" % (params["vpc_id"], module.region_id))
    problem = cidr_inside_problem(
        "cidr_block", params["cidr_block"], "the block of VPC " + vpc["VpcId"], vpc["CidrBlock"]
    )
    if problem:
        module.fail(problem)
    return vpc


def create(module):
    params = module.params
    vpc = check_create(module)
    if module.check_mode:
        return True, None
    if vpc.get("Status") != "Available":
        module.wait(VPC_AVAILABLE_FOR_CREATE, lambda: read_vpc(module, vpc["VpcId"]), params["wait_timeout"])
    request = {
        "RegionId": module.region_id,
        "VpcId": params["vpc_id"],
        "ZoneId": params["zone_id"],
        "CidrBlock": params["cidr_block"],
        "VSwitchName": params["name"],
        "Description": params["description"],
    }
    if params["tags"]:
        request["Tag"] = tags_to_api(params["tags"])
    vswitch_id = send_create(module, request)
    if params["wait"]:
        return True, module.wait(VSWITCH_AVAILABLE, lambda: read_vswitch(module, vswitch_id), params["wait_timeout"])
    return True, read_vswitch(module, vswitch_id) or {"VSwitchId": vswitch_id, "Status": "Pending"}


def send_create(module, request):
    """CreateVSwitch, sent again while the VPC is still being created or busy with another vSwitch (within
    wait_timeout): a playbook may request its vSwitches right after CreateVpc. Busy with a vSwitch being created
    (the cloud makes a VPC's vSwitches one at a time), it is sent again as soon as that one is Available."""
    deadline = time.monotonic() + module.params["wait_timeout"]
    delays = poll_delays(first=0.5, longest=5.0)
    while True:
        try:
            return module.call("vpc", "CreateVSwitch", request, client_token=True)["VSwitchId"]
        except AlicloudApiError as error:
            if is_code(error, "InvalidZoneId.NotFound"):
                module.fail("zone_id: zone %s does not exist in region %s" % (request["ZoneId"], module.region_id))
            if not is_code(error, *BUSY_CODES) or time.monotonic() >= deadline:
                raise
            if is_code(error, "IncorrectVSwitchStatus") and wait_for_pending_vswitches(
                module, request["VpcId"], deadline
            ):
                continue
        time.sleep(next(delays))


def wait_for_pending_vswitches(module, vpc_id, deadline):
    """Wait until every vSwitch of the VPC that is being created is Available (until `deadline` at most); False
    when none is (the VPC is busy with something else)."""
    pending = [v for v in list_vswitches(module, {"VpcId": vpc_id}) if v.get("Status") == "Pending"]
    for vswitch in pending:
        available_vswitch(module, vswitch, max(1, deadline - time.monotonic()))
    return bool(pending)


def create_or_adopt_vswitch(module):
    """Create the vSwitch; when its block is taken by a vSwitch of that name (another run made it since the
    look-up), adopt that one. A block taken by another vSwitch is the operator's to fix."""
    try:
        return create_or_adopt(
            lambda: create(module), lambda: find(module), lambda found: update(module, found), BLOCK_TAKEN
        )
    except AlicloudApiError as error:
        if not is_code(error, *BLOCK_TAKEN):
            raise
        module.fail(
            "cidr_block: %s overlaps another vSwitch of VPC %s; choose a free block"
            % (module.params["cidr_block"], module.params["vpc_id"]),
            error=error.as_dict(),
        )


def compare(module, vswitch):
    """The attributes that differ from the task, as ModifyVSwitchAttribute takes them."""
    params = module.params
    changes = {}
    if params["name"] is not None and params["name"] != vswitch.get("VSwitchName"):
        changes["VSwitchName"] = params["name"]
    if params["description"] is not None and params["description"] != (vswitch.get("Description") or ""):
        changes["Description"] = params["description"]
    return changes


def compare_fixed(module, vswitch):
    """What the task asks to change that a vSwitch keeps from its creation on."""
    fixed = (
        ("cidr_block", "block", vswitch.get("CidrBlock")),
        ("zone_id", "zone", vswitch.get("ZoneId")),
        ("vpc_id", "VPC", vswitch.get("VpcId")),
    )
    return fixed_field_problems(module.params, fixed, "vSwitch", vswitch["VSwitchId"], "delete it, or use another name")


def update(module, vswitch):
    params = module.params
    module.fail_on_problems(compare_fixed(module, vswitch))
    changes = compare(module, vswitch)
    if changes and not module.check_mode:
        module.call(
            "vpc", "ModifyVSwitchAttribute", dict(changes, RegionId=module.region_id, VSwitchId=vswitch["VSwitchId"])
        )
    current_tags = tags_from_api(vswitch.get("Tags"))
    tags_changed = module.update_tags("vpc", "VSWITCH", vswitch["VSwitchId"], current_tags, "UnTagResources")
    changed = bool(changes) or tags_changed
    if changed and module.check_mode:
        return changed, module.planned_update(vswitch, changes)
    if changed:
        vswitch = read_vswitch(module, vswitch["VSwitchId"]) or vswitch
    if params["wait"] and vswitch.get("Status") != "Available" and not module.check_mode:
        vswitch = module.wait(
            VSWITCH_AVAILABLE, lambda: read_vswitch(module, vswitch["VSwitchId"]), params["wait_timeout"]
        )
    return changed, vswitch


def render(vswitch):
    """The vSwitch as the module returns it."""
    return snake_resource(vswitch)


def delete(module, vswitch):
    if module.check_mode:
        return True
    vswitch_id = vswitch["VSwitchId"]
    deadline = time.monotonic() + module.params["wait_timeout"]
    # What was deleted from the vSwitch a moment ago may still hold it for a while; wait that long at most.
    release_deadline = time.monotonic() + min(module.params["wait_timeout"], RELEASE_SECONDS)
    delays = poll_delays(first=1.0, longest=5.0)
    while True:
        try:
            module.call("vpc", "DeleteVSwitch", {"RegionId": module.region_id, "VSwitchId": vswitch_id})
            break
        except AlicloudApiError as error:
            if is_code(error, *VSWITCH_NOT_FOUND):
                break
            if is_code(error, "DependencyViolation.*"):
                dependants = list_dependants(module, vswitch)
                # Nothing left in it: what was there is still being released; try again for a while.
                if dependants == [] and module.params["wait"] and time.monotonic() < release_deadline:
                    time.sleep(next(delays))
                    continue
                module.fail(dependency_message(vswitch, dependants, error), error=error.as_dict())
            busy = is_code(error, "IncorrectVSwitchStatus", "IncorrectVpcStatus", "OperationConflict")
            if busy and time.monotonic() < deadline:
                time.sleep(next(delays))
                continue
            raise
    if module.params["wait"]:
        module.wait(VSWITCH_DELETED, lambda: read_vswitch(module, vswitch_id), module.params["wait_timeout"])
    return True


def dependency_message(vswitch, dependants, error):
    text = "vSwitch %s cannot be deleted: %s. " % (vswitch["VSwitchId"], error.describe())
    if dependants:
        return text + "Delete these first: %s" % "; ".join(dependants)
    return text + (
        "Delete what is still in it first: its ECS instances, load balancers (CLB) and NAS mount targets "
        "(then run this task again)"
    )


def _sdk_installed(product):
    try:
        importlib.import_module(clients.PRODUCTS[product][0])
    except ImportError:
        return False
    return True


def list_dependants(module, vswitch):
    """What is still in the vSwitch, as descriptions, e.g. "ECS instances i-1, i-2"; None when unknown.

    Best effort, on the failure path only: a product whose SDK is missing or whose call fails is skipped,
    and then the answer is None (unknown), never an empty list.
    """
    vswitch_id, vpc_id = vswitch["VSwitchId"], vswitch["VpcId"]
    checks = (
        (
            "ECS instances",
            "ecs",
            lambda: [
                i["InstanceId"]
                for i in list_instances(module, {"VSwitchId": vswitch_id})
                if dig(i, "VpcAttributes", "VSwitchId") in (None, vswitch_id)
            ],
        ),
        (
            "load balancers",
            "slb",
            lambda: [
                lb["LoadBalancerId"]
                for lb in list_load_balancers(module, {"VSwitchId": vswitch_id})
                if lb.get("VSwitchId") in (None, vswitch_id)
            ],
        ),
        (
            "NAS mount targets",
            "nas",
            lambda: [
                m.get("MountTargetDomain")
                for fs in list_file_systems(module, {"VpcId": vpc_id})
                for m in dig(fs, "MountTargets", "MountTarget") or []
                if m.get("VswId") == vswitch_id
            ],
        ),
    )
    found, known = [], True
    for label, product, lister in checks:
        if not _sdk_installed(product):
            known = False
            continue
        try:
            ids = lister()
        except AlicloudApiError:
            known = False
            continue
        if ids:
            found.append("%s %s" % (label, ", ".join(ids)))
    if found or known:
        return found
    return None


def main():
    module = AlicloudModule(
        argument_spec=dict(
            v_switch_id=dict(type="str", aliases=["vswitch_id"]),
            vpc_id=dict(type="str"),
            name=dict(type="str", aliases=["vswitch_name"]),
            cidr_block=dict(type="str"),
            zone_id=dict(type="str"),
            description=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            tags=dict(type="dict"),
            purge_tags=dict(type="bool", default=True),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=600),
        ),
        required_one_of=[["name", "v_switch_id"]],
        supports_check_mode=True,
    )
    validate(module)
    what = "vSwitch %s" % (module.params["v_switch_id"] or module.params["name"])
    module.ensure("vswitch", what, find, create_or_adopt_vswitch, update, delete, render, planned)


def planned(module):
    """What check mode would create."""
    params = module.params
    return {
        "v_switch_name": params["name"],
        "vpc_id": params["vpc_id"],
        "cidr_block": params["cidr_block"],
        "zone_id": params["zone_id"],
        "description": params["description"] or "",
        "status": "Available",
        "tags": params["tags"] or {},
    }


if __name__ == "__main__":
    main()
