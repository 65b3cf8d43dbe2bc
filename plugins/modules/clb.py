#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: clb
short_description: Create, update or delete a Classic Load Balancer (CLB, formerly SLB)
version_added: 1.0.0
description:
  - Makes sure a Classic Load Balancer instance exists with the given network, billing, protection, status
    and tags, or that it does not exist.
  - The load balancer is found by O(load_balancer_id), else by O(name) within the region (every page of
    C(DescribeLoadBalancers)); several load balancers with that name is an error that names them.
  - The network (O(address_type), O(vpc_id), O(v_switch_id)), the zones and the billing
    (O(instance_charge_type), O(load_balancer_spec), O(internet_charge_type), O(bandwidth)) are fixed at
    creation; a task that asks an existing load balancer for other values fails and says so. The name, the
    delete protection, the status and the tags are changed in place.
  - Listeners and backend servers are managed by M(ha_web.alicloud.clb_listener) and
    M(ha_web.alicloud.clb_backend_servers).
author: ha_web.alicloud developers (@ha-web)
options:
  name:
    description:
      - The load balancer's name, 1 to 80 characters starting with a letter; letters, digits, C(.), C(_)
        and C(-).
      - Required unless O(load_balancer_id) is given. With O(load_balancer_id) it renames the load balancer.
    type: str
    aliases: [load_balancer_name]
  load_balancer_id:
    description:
      - The ID of an existing load balancer, for example V(lb-bp1qjwo61pqz3ahltnxxx).
    type: str
  address_type:
    description:
      - V(internet) for a public address, V(intranet) for a private address in O(v_switch_id).
      - When creating and not set, V(intranet) if O(v_switch_id) is given, else V(internet).
      - Fixed at creation.
    type: str
    choices: [internet, intranet]
  vpc_id:
    description:
      - The VPC of an V(intranet) load balancer; needs O(v_switch_id). Fixed at creation.
    type: str
  v_switch_id:
    description:
      - The vSwitch of an V(intranet) load balancer, whose private address comes from its CIDR block.
      - Not allowed with O(address_type=internet). Fixed at creation.
    type: str
    aliases: [vswitch_id]
  internet_charge_type:
    description:
      - How public traffic of an V(internet) load balancer is billed.
      - When creating and not set, V(paybytraffic). Fixed at creation.
    type: str
    choices: [paybytraffic, paybybandwidth]
  bandwidth:
    description:
      - The bandwidth cap in Mbit/s (1 to 5120) of a V(paybybandwidth) load balancer; needs
        O(internet_charge_type=paybybandwidth). Fixed at creation.
    type: int
  instance_charge_type:
    description:
      - How the instance is billed, V(PayByCLCU) (pay by capacity units, the seed's choice) or V(PayBySpec)
        (by the specification O(load_balancer_spec)).
      - When creating and not set, V(PayByCLCU). Fixed at creation.
    type: str
    choices: [PayBySpec, PayByCLCU]
  load_balancer_spec:
    description:
      - The specification of a V(PayBySpec) load balancer; needs O(instance_charge_type=PayBySpec), and is
        required to create one (shared-performance instances are no longer sold). Fixed at creation.
    type: str
    choices: [slb.s1.small, slb.s2.small, slb.s2.medium, slb.s3.small, slb.s3.medium, slb.s3.large]
  master_zone_id:
    description:
      - The primary zone, for example V(cn-hangzhou-h). When creating and not set, the cloud chooses.
      - Fixed at creation.
    type: str
  slave_zone_id:
    description:
      - The secondary zone, different from O(master_zone_id). Fixed at creation.
    type: str
  delete_protection:
    description:
      - Whether the load balancer is protected from deletion.
      - With O(state=absent), V(false) turns the protection off before deleting; without it, deleting a
        protected load balancer fails.
      - When creating and not set, V(false). When not set, an existing load balancer keeps its setting.
    type: bool
  status:
    description:
      - V(active) forwards traffic; V(inactive) stops all forwarding.
      - When creating and not set, V(active). When not set, an existing load balancer keeps its status.
    type: str
    choices: [active, inactive]
  state:
    description:
      - V(present) makes sure the load balancer exists; V(absent) deletes it with its listeners.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
  - ha_web.alicloud.alicloud.wait
  - ha_web.alicloud.alicloud.tags
  - ha_web.alicloud.alicloud.attributes
notes:
  - Waiting (O(wait)) covers the moment a new load balancer takes to show up in the API and the status it
    must reach; after O(state=absent) it waits until the load balancer is gone.
"""

EXAMPLES = r"""
- name: The web service's internet-facing load balancer, billed by capacity units
  ha_web.alicloud.clb:
    name: ha-web-slb
    address_type: internet
    internet_charge_type: paybytraffic
    instance_charge_type: PayByCLCU
    delete_protection: true
    tags:
      app: ha-web
  register: clb

- name: An intranet load balancer in a vSwitch, billed by specification
  ha_web.alicloud.clb:
    name: ha-web-internal
    address_type: intranet
    vpc_id: "{{ vpc.vpc.vpc_id }}"
    v_switch_id: "{{ vswitch.vswitch.v_switch_id }}"
    instance_charge_type: PayBySpec
    load_balancer_spec: slb.s1.small

- name: Stop forwarding without deleting anything
  ha_web.alicloud.clb:
    load_balancer_id: "{{ clb.load_balancer.load_balancer_id }}"
    status: inactive

- name: Delete it, turning its delete protection off first
  ha_web.alicloud.clb:
    name: ha-web-slb
    delete_protection: false
    state: absent
"""

RETURN = r"""
load_balancer:
  description:
    - The load balancer as C(DescribeLoadBalancerAttribute) returns it, in snake_case, with its list
      wrappers removed; empty when absent.
    - In check mode, what the load balancer would be.
  returned: always
  type: dict
  contains:
    load_balancer_id:
      description: The load balancer's ID.
      type: str
      sample: lb-bp1qjwo61pqz3ahltnxxx
    load_balancer_name:
      description: Its name.
      type: str
      sample: ha-web-slb
    load_balancer_status:
      description: V(active), V(inactive) or V(locked).
      type: str
      sample: active
    address:
      description: Its service address, public for V(internet), private for V(intranet).
      type: str
      sample: 47.96.10.20
    address_type:
      description: V(internet) or V(intranet).
      type: str
    address_ip_version:
      description: V(ipv4) or V(ipv6).
      type: str
    network_type:
      description: V(vpc) or V(classic).
      type: str
    vpc_id:
      description: Its VPC (intranet load balancers).
      type: str
    v_switch_id:
      description: Its vSwitch (intranet load balancers).
      type: str
    master_zone_id:
      description: Its primary zone.
      type: str
    slave_zone_id:
      description: Its secondary zone.
      type: str
    internet_charge_type:
      description: V(paybytraffic) or V(paybybandwidth).
      type: str
    bandwidth:
      description: The bandwidth cap in Mbit/s of a pay-by-bandwidth load balancer.
      type: int
    instance_charge_type:
      description: V(PayByCLCU) or V(PayBySpec).
      type: str
    load_balancer_spec:
      description: Its specification (V(slb.lcu.elastic) for V(PayByCLCU)).
      type: str
    pay_type:
      description: V(PayOnDemand).
      type: str
    delete_protection:
      description: V(on) or V(off).
      type: str
    listener_ports:
      description: The ports of its listeners.
      type: list
      elements: int
      sample: [80]
    listener_ports_and_protocol:
      description: Its listeners, each with C(listener_port) and C(listener_protocol).
      type: list
      elements: dict
    backend_servers:
      description: Its backend servers, each with C(server_id), C(weight), C(type) and C(description).
      type: list
      elements: dict
    region_id:
      description: Its region.
      type: str
    create_time:
      description: When it was created (UTC).
      type: str
    tags:
      description: Its tags.
      type: dict
      sample: {"app": "ha-web"}
"""

import functools
import re

from ansible_collections.ha_web.alicloud.plugins.module_utils import slb
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError, is_code
from ansible_collections.ha_web.alicloud.plugins.module_utils.locks import hold_resource_lock
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.ha_web.alicloud.plugins.module_utils.tags import (
    tags_from_api,
    tags_to_api,
    validate_tags,
)
from ansible_collections.ha_web.alicloud.plugins.module_utils.validation import fixed_field_problems

SPECS = [
    "slb.s1.small",
    "slb.s2.small",
    "slb.s2.medium",
    "slb.s3.small",
    "slb.s3.medium",
    "slb.s3.large",
]
NAME = re.compile(r"^[^\W\d_][\w.-]{0,79}$", re.UNICODE)


def on_off(value):
    return None if value is None else ("on" if value else "off")


def validate(module):
    params = module.params
    problems = validate_tags(params["tags"])
    for key in params["tags"] or {}:
        if len(key) > 64:
            problems.append("tags: key %r is longer than the 64 characters a load balancer tag key may have" % key)
    name = params["name"]
    if name is not None and not NAME.match(name):
        problems.append(
            "name: %r must be 1 to 80 characters, start with a letter, and contain only letters, digits, "
            "'.', '_' and '-'" % name
        )
    address_type = params["address_type"]
    if address_type == "internet" and (params["v_switch_id"] or params["vpc_id"]):
        problems.append(
            "v_switch_id/vpc_id: an internet load balancer has no vSwitch; drop them or set address_type: intranet"
        )
    intranet = address_type == "intranet" or (address_type is None and params["v_switch_id"])
    if intranet and (params["internet_charge_type"] or params["bandwidth"] is not None):
        problems.append(
            "internet_charge_type/bandwidth: apply to internet load balancers only; drop them for an intranet one"
        )
    if params["bandwidth"] is not None:
        if not 1 <= params["bandwidth"] <= 5120:
            problems.append("bandwidth: %s must be from 1 to 5120 (Mbit/s)" % params["bandwidth"])
        if params["internet_charge_type"] != "paybybandwidth":
            problems.append(
                "bandwidth: only a pay-by-bandwidth load balancer has a bandwidth cap; "
                "set internet_charge_type: paybybandwidth or drop bandwidth"
            )
    if params["load_balancer_spec"] and params["instance_charge_type"] != "PayBySpec":
        problems.append(
            "load_balancer_spec: only applies to instance_charge_type: PayBySpec (a PayByCLCU load balancer has "
            "no specification); set instance_charge_type: PayBySpec or drop load_balancer_spec"
        )
    if params["slave_zone_id"] and params["slave_zone_id"] == params["master_zone_id"]:
        problems.append("slave_zone_id: must differ from master_zone_id (%s)" % params["master_zone_id"])
    module.fail_on_problems(problems)


# reading ------------------------------------------------------------------------------------------
def find(module):
    params = module.params
    if params["load_balancer_id"]:
        return slb.read_load_balancer(module, params["load_balancer_id"])
    found = slb.list_load_balancers(module, {"LoadBalancerName": params["name"]})
    found = [lb for lb in found if lb.get("LoadBalancerName") == params["name"]]
    match = module.at_most_one(
        found, "LoadBalancerId", "name", "load balancers are named %r" % params["name"], "load_balancer_id"
    )
    if match is None:
        return None
    lb = slb.read_load_balancer(module, match["LoadBalancerId"])
    if lb is not None and "Tags" not in lb:
        lb["Tags"] = found[0].get("Tags")
    return lb


render = slb.render_load_balancer


# changes ------------------------------------------------------------------------------------------
def create(module):
    params = module.params
    if params["load_balancer_id"]:
        module.fail(
            "load_balancer_id: no load balancer %s in %s; drop load_balancer_id and give name to create one"
            % (params["load_balancer_id"], module.region_id)
        )
    address_type = params["address_type"] or ("intranet" if params["v_switch_id"] else "internet")
    if address_type == "intranet" and not params["v_switch_id"]:
        module.fail("v_switch_id: an intranet load balancer needs the vSwitch its private address comes from")
    charge_type = params["instance_charge_type"] or "PayByCLCU"
    if charge_type == "PayBySpec" and not params["load_balancer_spec"]:
        module.fail(
            "load_balancer_spec: required to create a PayBySpec load balancer (for example slb.s1.small); "
            "or use instance_charge_type: PayByCLCU"
        )
    request = {
        "RegionId": module.region_id,
        "LoadBalancerName": params["name"],
        "AddressType": address_type,
        "InstanceChargeType": charge_type,
        "PayType": "PayOnDemand",
        "VpcId": params["vpc_id"],
        "VSwitchId": params["v_switch_id"],
        "MasterZoneId": params["master_zone_id"],
        "SlaveZoneId": params["slave_zone_id"],
        "DeleteProtection": on_off(params["delete_protection"]),
    }
    if address_type == "internet":
        request["InternetChargeType"] = params["internet_charge_type"] or "paybytraffic"
        request["Bandwidth"] = params["bandwidth"]
    if charge_type == "PayBySpec":
        request["LoadBalancerSpec"] = params["load_balancer_spec"]
    if params["tags"]:
        request["Tag"] = tags_to_api(params["tags"])
    if module.check_mode:
        return True, planned(module, request)
    lb_id = module.call("slb", "CreateLoadBalancer", request, client_token=True)["LoadBalancerId"]
    reader = functools.partial(slb.read_load_balancer, module, lb_id)
    status = params["status"]
    if status == "inactive":
        # a new load balancer is active; the status is set once the API knows it
        module.wait(slb.load_balancer_status_waiter(None), reader, params["wait_timeout"])
        module.call(
            "slb",
            "SetLoadBalancerStatus",
            {"RegionId": module.region_id, "LoadBalancerId": lb_id, "LoadBalancerStatus": status},
        )
    if params["wait"]:
        return True, module.wait(slb.load_balancer_status_waiter(status), reader, params["wait_timeout"])
    return True, reader() or {"LoadBalancerId": lb_id, "LoadBalancerName": params["name"]}


def planned(module, request):
    """What check mode would create, shaped like DescribeLoadBalancerAttribute."""
    lb = {
        "LoadBalancerName": request["LoadBalancerName"],
        "LoadBalancerStatus": module.params["status"] or "active",
        "AddressType": request["AddressType"],
        "VpcId": request["VpcId"] or "",
        "VSwitchId": request["VSwitchId"] or "",
        "MasterZoneId": request["MasterZoneId"] or "",
        "SlaveZoneId": request["SlaveZoneId"] or "",
        "InternetChargeType": request.get("InternetChargeType") or "paybytraffic",
        "InstanceChargeType": request["InstanceChargeType"],
        "LoadBalancerSpec": request.get("LoadBalancerSpec") or "slb.lcu.elastic",
        "PayType": "PayOnDemand",
        "DeleteProtection": request["DeleteProtection"] or "off",
        "RegionId": module.region_id,
        "Tags": {"Tag": [{"TagKey": t["Key"], "TagValue": t["Value"]} for t in request.get("Tag", [])]},
    }
    if request.get("Bandwidth") is not None:
        lb["Bandwidth"] = request["Bandwidth"]
    return lb


def compare_fixed(module, lb):
    """What the task asks to change that a load balancer keeps from its creation on."""
    fixed = [
        ("address_type", "address type", lb.get("AddressType")),
        ("vpc_id", "VPC", lb.get("VpcId")),
        ("v_switch_id", "vSwitch", lb.get("VSwitchId")),
        ("master_zone_id", "primary zone", lb.get("MasterZoneId")),
        ("slave_zone_id", "backup zone", lb.get("SlaveZoneId")),
        ("instance_charge_type", "billing", lb.get("InstanceChargeType")),
        ("load_balancer_spec", "specification", lb.get("LoadBalancerSpec")),
        ("internet_charge_type", "internet billing", str(lb.get("InternetChargeType") or "").lower()),
        ("bandwidth", "bandwidth", lb.get("Bandwidth")),
    ]
    fixed = [(option, word, "" if have is None else have) for option, word, have in fixed]
    fix = "the network, the zones and the billing are fixed at creation: delete it and create it again, or use another "
    fix += "name"
    return fixed_field_problems(module.params, fixed, "load balancer", lb["LoadBalancerId"], fix)


def compare(module, lb):
    """The API calls that bring `lb` to the task, as (action, parameters, projected fields)."""
    params = module.params
    scope = {"RegionId": module.region_id, "LoadBalancerId": lb["LoadBalancerId"]}
    calls = []
    name = params["name"]
    if name is not None and name != lb.get("LoadBalancerName"):
        calls.append(("SetLoadBalancerName", dict(scope, LoadBalancerName=name), {"LoadBalancerName": name}))
    protection = on_off(params["delete_protection"])
    if protection and protection != (lb.get("DeleteProtection") or "off"):
        request = dict(scope, DeleteProtection=protection)
        calls.append(("SetLoadBalancerDeleteProtection", request, {"DeleteProtection": protection}))
    status = params["status"]
    if status and status != lb.get("LoadBalancerStatus"):
        request = dict(scope, LoadBalancerStatus=status)
        calls.append(("SetLoadBalancerStatus", request, {"LoadBalancerStatus": status}))
    return calls


def update(module, lb):
    params = module.params
    module.fail_on_problems(compare_fixed(module, lb))
    calls = compare(module, lb)
    if not module.check_mode:
        for action, request, _projected in calls:
            module.call("slb", action, request)
    current_tags = tags_from_api(lb.get("Tags"))
    tags_changed = module.update_tags("slb", "instance", lb["LoadBalancerId"], current_tags)
    changed = bool(calls) or tags_changed
    if module.check_mode:
        return changed, planned_update(module, lb, calls) if changed else lb
    if not changed and lb.get("LoadBalancerStatus") in slb.LOAD_BALANCER_STATUSES:
        return False, lb
    reader = functools.partial(slb.read_load_balancer, module, lb["LoadBalancerId"])
    if params["wait"]:
        return changed, module.wait(slb.load_balancer_status_waiter(params["status"]), reader, params["wait_timeout"])
    return changed, reader() or lb


def planned_update(module, lb, calls):
    """The load balancer as check mode reports it: with the fields the calls would set."""
    fields = {}
    for _action, _request, call_fields in calls:
        fields.update(call_fields)
    return module.planned_update(lb, fields)


def delete(module, lb):
    params = module.params
    scope = {"RegionId": module.region_id, "LoadBalancerId": lb["LoadBalancerId"]}
    if lb.get("DeleteProtection") == "on":
        if params["delete_protection"] is not False:
            module.fail(
                "load balancer %s has delete protection on; to delete it, set delete_protection: false in this "
                "task (the protection is turned off first)" % lb["LoadBalancerId"],
                load_balancer=render(lb),
            )
        if not module.check_mode:
            module.call("slb", "SetLoadBalancerDeleteProtection", dict(scope, DeleteProtection="off"))
    if module.check_mode:
        return True
    try:
        module.call("slb", "DeleteLoadBalancer", scope)
    except AlicloudApiError as error:
        if not is_code(error, *slb.LOAD_BALANCER_NOT_FOUND):
            raise
    if params["wait"]:
        module.wait(
            slb.LOAD_BALANCER_DELETED,
            lambda: slb.read_load_balancer(module, lb["LoadBalancerId"]),
            params["wait_timeout"],
        )
    return True


def main():
    module = AlicloudModule(
        argument_spec=dict(
            name=dict(type="str", aliases=["load_balancer_name"]),
            load_balancer_id=dict(type="str"),
            address_type=dict(type="str", choices=["internet", "intranet"]),
            vpc_id=dict(type="str"),
            v_switch_id=dict(type="str", aliases=["vswitch_id"]),
            internet_charge_type=dict(type="str", choices=["paybytraffic", "paybybandwidth"]),
            bandwidth=dict(type="int"),
            instance_charge_type=dict(type="str", choices=["PayBySpec", "PayByCLCU"]),
            load_balancer_spec=dict(type="str", choices=SPECS),
            master_zone_id=dict(type="str"),
            slave_zone_id=dict(type="str"),
            delete_protection=dict(type="bool"),
            status=dict(type="str", choices=list(slb.LOAD_BALANCER_STATUSES)),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            tags=dict(type="dict"),
            purge_tags=dict(type="bool", default=True),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=600),
        ),
        required_one_of=[["name", "load_balancer_id"]],
        required_by={"vpc_id": ["v_switch_id"], "slave_zone_id": ["master_zone_id"]},
        supports_check_mode=True,
    )
    validate(module)
    hold_resource_lock(module, "clb", module.params["name"])
    what = "load balancer %s" % (module.params["load_balancer_id"] or module.params["name"])
    module.ensure("load_balancer", what, find, create, update, delete, render)


if __name__ == "__main__":
    main()
