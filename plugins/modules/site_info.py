#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: site_info
short_description: The whole HA web site in one read, found by its name, and what of it is missing
version_added: 1.4.0
description:
  - Finds the site O(site_name) made by C(playbooks/site.yml) in the region, by the names and tags the site gives its
    resources, and returns it in one task. The VPC C(<site>-vpc) and its recorded choice of zones and image, its
    vSwitches, the file systems C(<site>-nas-master) and C(<site>-nas-backup) with their mount targets, the load
    balancer C(<site>-clb) with its listeners, backend servers and their health, and the web instances (tags
    C(ha_web_site=<site>), C(ha_web_role=web)) with their state and why one is lost.
  - With O(web_instance_count), also the names C(<site>-web-1) to C(<site>-web-N) that no instance has, and the
    instances numbered above it.
  - Never creates or changes anything. With O(require) it fails, in one sentence that names the site, the region,
    what is missing and the fix, when the site is not there (or not all there); a playbook that operates a site
    finds it this way and never creates what is missing.
author: ha_web.alicloud developers (@ha-web)
options:
  site_name:
    description:
      - The site's name, the prefix of its resources' names and the value of their tag C(ha_web_site).
    type: str
    required: true
  web_instance_count:
    description:
      - How many web instances the site declares; the names missing and surplus are reported against it, and a
        missing name makes the site incomplete.
      - Not set, the web instances are reported as they are.
    type: int
  require:
    description:
      - V(exists) fails when nothing of the site is found (RV(site.exists) is false); V(complete) fails when anything
        of it is missing (RV(site.missing) is not empty), naming what. Not set, the module only reports.
    type: str
    choices: [exists, complete]
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
attributes:
  check_mode:
    description: Never changes anything; it reads the same in check mode.
    support: full
  diff_mode:
    description: Never changes anything, so there is no difference to show.
    support: none
notes:
  - A web instance is lost when it is V(Recycling) (a spot interruption's notice, or being released) or was stopped by
    a spot interruption (economical mode); C(playbooks/heal.yml) replaces it.
seealso:
  - module: ha_web.alicloud.ecs_instance_info
  - module: ha_web.alicloud.clb_health_info
"""

EXAMPLES = r"""
- name: Find the site, or stop saying what is missing (creates nothing)
  ha_web.alicloud.site_info:
    site_name: "{{ site_name }}"
    web_instance_count: "{{ site_web_instance_count }}"
    require: complete
  register: site

- name: Its address and the master's mount target
  ansible.builtin.debug:
    msg: >-
      {{ site.site.load_balancer.address }}
      {{ site.site.file_systems.master.mount_targets[0].mount_target_domain }}

- name: The lost web instances, with why
  ansible.builtin.debug:
    msg: "{{ site.site.web_instances | rejectattr('lost_reason', 'none') | map(attribute='instance_name') | list }}"
"""

RETURN = r"""
site:
  description: The site as it is in the region.
  returned: always
  type: dict
  contains:
    name:
      description: The site's name.
      type: str
      sample: ha-web
    region_id:
      description: The region read.
      type: str
      sample: cn-hangzhou
    exists:
      description: Whether anything of the site was found.
      type: bool
    complete:
      description: Whether every part of the site was found (RV(site.missing) is empty).
      type: bool
    missing:
      description: What of the site is missing, in words (for example C(the load balancer ha-web-clb)).
      type: list
      elements: str
    vpc:
      description: The VPC as M(ha_web.alicloud.vpc) returns it, or null.
      type: dict
    choice:
      description:
        - The choice recorded on the VPC's tags, C(ecs_zones), C(nas_zones) and C(image_id); empty when none is.
      type: dict
    vswitches:
      description: The VPC's vSwitches, as M(ha_web.alicloud.vswitch) returns one.
      type: list
      elements: dict
    file_systems:
      description:
        - C(master) and C(backup), each as M(ha_web.alicloud.nas_file_system) returns it (with C(mount_targets)), or
          null.
      type: dict
    load_balancer:
      description:
        - The load balancer as M(ha_web.alicloud.clb) returns it (C(address), C(listener_ports_and_protocol),
          C(backend_servers)), with C(health), what its health checks report (C(server_id), C(listener_port),
          C(server_health_status)); null when there is none.
      type: dict
    web_instances:
      description:
        - The site's web instances, as M(ha_web.alicloud.ecs_instance_info) returns them, sorted by name, each with
          C(lost_reason), why it is lost, or null.
      type: list
      elements: dict
    web_names_missing:
      description: The names C(<site>-web-1) to C(<site>-web-N) no instance has (with O(web_instance_count)).
      type: list
      elements: str
    web_names_surplus:
      description: The names of the instances numbered above O(web_instance_count).
      type: list
      elements: str
"""

from ansible_collections.ha_web.alicloud.plugins.module_utils import ecs, nas, site_choice, site_web, slb
from ansible_collections.ha_web.alicloud.plugins.module_utils.calls import dig
from ansible_collections.ha_web.alicloud.plugins.module_utils.ecs import render_instance
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule, snake_resource
from ansible_collections.ha_web.alicloud.plugins.module_utils.tags import tags_match, tags_to_api
from ansible_collections.ha_web.alicloud.plugins.module_utils.vpc import list_vpcs, list_vswitches

FILE_SYSTEM_ROLES = ("master", "backup")


def only_one(module, found, id_field, what):
    """The one resource of the site's name (None for none); several is an error naming them: the site's resources
    are found by name, so two of one name make the site ambiguous."""
    if len(found) > 1:
        ids = ", ".join(sorted(resource[id_field] for resource in found))
        module.fail(
            "site_name: %d %s (%s): a site's resources are found by their names, so only one may have it; delete or "
            "rename the one that is not the site's" % (len(found), what, ids)
        )
    return found[0] if found else None


def find_vpc(module, site_name):
    name = "%s-vpc" % site_name
    found = [v for v in list_vpcs(module, {"VpcName": name}) if v.get("VpcName") == name]
    return only_one(module, found, "VpcId", "VPCs are named %r" % name)


def find_file_systems(module, site_name):
    everything = nas.list_file_systems(module)
    found = {}
    for role in FILE_SYSTEM_ROLES:
        description = "%s-nas-%s" % (site_name, role)
        matches = [f for f in everything if f.get("Description") == description]
        what = "file systems are described %r" % description
        found[role] = only_one(module, matches, "FileSystemId", what)
    return found


def find_load_balancer(module, site_name):
    name = "%s-clb" % site_name
    listed = slb.list_load_balancers(module, {"LoadBalancerName": name})
    found = [lb for lb in listed if lb.get("LoadBalancerName") == name]
    match = only_one(module, found, "LoadBalancerId", "load balancers are named %r" % name)
    if match is None:
        return None
    lb = slb.read_load_balancer(module, match["LoadBalancerId"])
    if lb is None:
        return None
    lb.setdefault("Tags", match.get("Tags"))
    request = {"RegionId": module.region_id, "LoadBalancerId": lb["LoadBalancerId"]}
    health = dig(module.call("slb", "DescribeHealthStatus", request), "BackendServers", "BackendServer") or []
    result = slb.render_load_balancer(lb)
    result["health"] = [snake_resource(row, tags_field=None) for row in health]
    return result


def find_web_instances(module, site_name):
    tags = {"ha_web_site": site_name, "ha_web_role": "web"}
    request = {"RegionId": module.region_id, "Tag": tags_to_api(tags)}
    found = [i for i in ecs.list_instances(module, request) if tags_match(i, tags)]
    instances = [render_instance(i) for i in sorted(found, key=lambda i: i.get("InstanceName") or "")]
    for instance in instances:
        instance["lost_reason"] = site_web.lost_reason(instance)
    return instances


def recorded_choice(vpc):
    tags = (vpc or {}).get("tags") or {}
    if not all(tags.get(tag) for tag in site_choice.MEMORY_TAGS):
        return {}
    return {
        "ecs_zones": tags["ha_web_zones"].split(","),
        "nas_zones": tags["ha_web_nas_zones"].split(","),
        "image_id": tags["ha_web_image"],
    }


def missing_parts(site_name, site):
    """What of the site is missing, in words, in the order site.yml makes it."""
    missing = []
    if site["vpc"] is None:
        missing.append("the VPC %s-vpc" % site_name)
    elif len(site["vswitches"]) < 2:
        missing.append("vSwitches in two zones (%d found)" % len(site["vswitches"]))
    for role in FILE_SYSTEM_ROLES:
        file_system = site["file_systems"][role]
        if file_system is None:
            missing.append("the %s file system %s-nas-%s" % (role, site_name, role))
        elif not file_system["mount_targets"]:
            missing.append("a mount target of the %s file system %s" % (role, file_system["file_system_id"]))
    if site["load_balancer"] is None:
        missing.append("the load balancer %s-clb" % site_name)
    if site["web_names_missing"]:
        missing.append("the web instances %s" % ", ".join(site["web_names_missing"]))
    elif not site["web_instances"]:
        missing.append("web instances")
    return missing


def read_site(module):
    site_name = module.params["site_name"]
    vpc = find_vpc(module, site_name)
    vswitches = list_vswitches(module, {"VpcId": vpc["VpcId"]}) if vpc else []
    file_systems = find_file_systems(module, site_name)
    site = {
        "name": site_name,
        "region_id": module.region_id,
        "vpc": snake_resource(vpc),
        "vswitches": [snake_resource(v) for v in vswitches],
        "file_systems": {role: nas.render_file_system(f) or None for role, f in file_systems.items()},
        "load_balancer": find_load_balancer(module, site_name),
        "web_instances": find_web_instances(module, site_name),
    }
    site["choice"] = recorded_choice(site["vpc"])
    count = module.params["web_instance_count"]
    names = [i["instance_name"] for i in site["web_instances"]]
    missing, surplus = site_web.names_missing_and_surplus(site_name, count or 0, site["web_instances"])
    site["web_names_missing"] = missing if count is not None else []
    site["web_names_surplus"] = surplus if count is not None else []
    site["missing"] = missing_parts(site_name, site)
    site["complete"] = not site["missing"]
    site["exists"] = bool(site["vpc"] or names or site["load_balancer"] or any(file_systems.values()))
    return site


def not_there_message(site):
    where = "Site %r in region %s" % (site["name"], site["region_id"])
    if not site["exists"]:
        return "%s does not exist (nothing of it was found): run playbooks/site.yml first" % where
    return "%s is not complete: %s missing; run playbooks/site.yml first" % (where, "; ".join(site["missing"]))


def main():
    module = AlicloudModule(
        argument_spec=dict(
            site_name=dict(type="str", required=True),
            web_instance_count=dict(type="int"),
            require=dict(type="str", choices=["exists", "complete"]),
        ),
        supports_check_mode=True,
    )
    params = module.params
    problems = []
    if not params["site_name"].strip():
        problems.append("site_name: give the site's name (the prefix of its resources' names)")
    if params["web_instance_count"] is not None and params["web_instance_count"] < 0:
        problems.append("web_instance_count: must not be negative")
    module.fail_on_problems(problems)
    try:
        site = read_site(module)
    except AlicloudApiError as error:
        module.fail_api(error, "Reading site %r" % params["site_name"])
    wanted = {"exists": site["exists"], "complete": site["complete"]}
    if params["require"] and not wanted[params["require"]]:
        module.fail(not_there_message(site), site=site)
    module.exit_info(site=site)


if __name__ == "__main__":
    main()
