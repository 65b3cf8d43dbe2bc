#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nas_mount_target
short_description: Create, update or delete a mount target of a NAS file system
version_added: 1.0.0
description:
  - Makes sure a NAS file system has a mount target in a vSwitch, controlled by an access group and
    active or inactive, or that it has none there.
  - The mount target is found among the file system's mount targets by O(mount_target_domain), else as the
    one in the vSwitch O(v_switch_id) (a file system has at most one mount target per vSwitch).
  - When the creation is refused because the mount target already exists (another run made it since this
    task looked), the task adopts that mount target and goes on as if it had found it.
  - Mount targets can only be created on a Running file system; with O(wait), the module waits for the file
    system to be Running first.
author: ha_web.alicloud developers (@ha-web)
options:
  file_system_id:
    description:
      - The ID of the file system, for example V(1ca404a666).
    type: str
    required: true
  mount_target_domain:
    description:
      - The domain of an existing mount target, for example V(1ca404a666-wxa89.cn-hangzhou.nas.aliyuncs.com).
      - Required unless O(v_switch_id) is given.
    type: str
  v_switch_id:
    description:
      - The vSwitch of the mount target. Required to create one; cannot change afterwards.
      - Required unless O(mount_target_domain) is given.
    type: str
    aliases: [vswitch_id]
  vpc_id:
    description:
      - The VPC of O(v_switch_id). When not given, it is read from the vSwitch; when given, it must be the
        vSwitch's VPC.
    type: str
  network_type:
    description:
      - The network of the mount target; only V(Vpc) is offered.
    type: str
    choices: [Vpc]
    default: Vpc
  access_group_name:
    description:
      - The access group whose rules say which clients may mount, see M(ha_web.alicloud.nas_access_rule).
      - V(DEFAULT_VPC_GROUP_NAME) (every address of the VPC, read-write) when creating and not given; when not
        given for an existing mount target, its group is left as it is.
    type: str
  status:
    description:
      - V(Active) lets clients mount; V(Inactive) refuses them while keeping the mount target.
      - V(Active) when creating and not given; left as it is otherwise.
    type: str
    choices: [Active, Inactive]
  state:
    description:
      - V(present) makes sure the mount target exists; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description:
      - With O(state=present), wait for the file system to be Running and the vSwitch to be Available (a playbook
        may create them a moment before) before creating the mount target, then for the mount target to be Active
        (or Inactive); with O(state=absent), wait until it is gone.
    type: bool
    default: true
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
  - ha_web.alicloud.alicloud.wait
  - ha_web.alicloud.alicloud.attributes
notes:
  - C(CreateMountTarget) takes no client token; when its answer is lost, the module looks for the mount target
    in the vSwitch before sending the request again, so a retry never makes a second one.
"""

EXAMPLES = r"""
- name: Mount target of the master file system in the NAS vSwitch
  ha_web.alicloud.nas_mount_target:
    file_system_id: "{{ master.file_system.file_system_id }}"
    v_switch_id: "{{ nas_vswitch.vswitch.v_switch_id }}"
    access_group_name: ha-web
  register: master_mount

- name: What clients mount
  ansible.builtin.debug:
    msg: "mount -t nfs {{ master_mount.mount_target.mount_target_domain }}:/ /nas_master"

- name: Refuse clients without deleting it
  ha_web.alicloud.nas_mount_target:
    file_system_id: "{{ master.file_system.file_system_id }}"
    mount_target_domain: "{{ master_mount.mount_target.mount_target_domain }}"
    status: Inactive

- name: Delete it
  ha_web.alicloud.nas_mount_target:
    file_system_id: "{{ master.file_system.file_system_id }}"
    v_switch_id: "{{ nas_vswitch.vswitch.v_switch_id }}"
    state: absent
"""

RETURN = r"""
mount_target:
  description: The mount target as DescribeMountTargets returns it, in snake_case; empty when absent.
  returned: always
  type: dict
  contains:
    mount_target_domain:
      description: The domain clients mount (C(<domain>:/)); empty in check mode before creation.
      type: str
      sample: 1ca404a666-wxa89.cn-hangzhou.nas.aliyuncs.com
    file_system_id:
      description: Its file system.
      type: str
      sample: 1ca404a666
    network_type:
      description: V(Vpc).
      type: str
    vpc_id:
      description: Its VPC.
      type: str
    vsw_id:
      description: Its vSwitch.
      type: str
    v_switch_id:
      description: Its vSwitch (the same as RV(mount_target.vsw_id)).
      type: str
    access_group:
      description: The name of its access group.
      type: str
      sample: DEFAULT_VPC_GROUP_NAME
    access_group_name:
      description: The name of its access group (the same as RV(mount_target.access_group)).
      type: str
    status:
      description: V(Pending), V(Active), V(Inactive) or V(Deleting).
      type: str
      sample: Active
    ip_version:
      description: V(IPv4).
      type: str
    tags:
      description: Its tags.
      type: dict
"""

from ansible_collections.ha_web.alicloud.plugins.module_utils import nas
from ansible_collections.ha_web.alicloud.plugins.module_utils.calls import dig
from ansible_collections.ha_web.alicloud.plugins.module_utils.conflicts import create_or_adopt
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule, snake_resource
from ansible_collections.ha_web.alicloud.plugins.module_utils.validation import fixed_field_problems
from ansible_collections.ha_web.alicloud.plugins.module_utils.vpc import available_vswitch, read_vswitch

DEFAULT_GROUP = "DEFAULT_VPC_GROUP_NAME"
ALREADY_EXISTS = ("InvalidMountTarget.AlreadyExisted",)


# reading --------------------------------------------------------------------------------------
def read_mount_target(module, domain):
    return nas.read_mount_target(module, module.params["file_system_id"], domain)


def in_vswitch(mount_targets, vswitch_id):
    return [m for m in mount_targets if m.get("VswId") == vswitch_id]


def find(module):
    """The mount target, or None (also when the file system does not exist: create says so)."""
    params = module.params
    mount_targets = nas.list_mount_targets(module, params["file_system_id"])
    if mount_targets is None:
        return None
    if params["mount_target_domain"]:
        found = [m for m in mount_targets if m.get("MountTargetDomain") == params["mount_target_domain"]]
    else:
        found = in_vswitch(mount_targets, params["v_switch_id"])
    what = "mount targets of file system %s are in vSwitch %s" % (params["file_system_id"], params["v_switch_id"])
    return module.at_most_one(found, "MountTargetDomain", "v_switch_id", what, "mount_target_domain")


def read_checked_vswitch(module):
    """The vSwitch of v_switch_id, its VPC checked against vpc_id (a read of the VPC product, before any change)."""
    params = module.params
    vswitch = read_vswitch(module, params["v_switch_id"])
    if vswitch is None:
        module.fail("v_switch_id: no vSwitch %s in region %s" % (params["v_switch_id"], module.region_id))
    vpc_id = vswitch.get("VpcId")
    if params["vpc_id"] and params["vpc_id"] != vpc_id:
        module.fail(
            "vpc_id: vSwitch %s is in VPC %s, not in %s; give the vSwitch's VPC or leave vpc_id out"
            % (params["v_switch_id"], vpc_id, params["vpc_id"])
        )
    return vswitch


def render(mount_target):
    if not mount_target:
        return {}
    body = dict(mount_target)
    nodes = dig(body, "ClientMasterNodes", "ClientMasterNode") or []
    body.pop("ClientMasterNodes", None)
    result = snake_resource(body)
    result["client_master_nodes"] = [snake_resource(n, tags_field=None) for n in nodes]
    result["file_system_id"] = mount_target.get("FileSystemId") or None
    result["v_switch_id"] = mount_target.get("VswId")
    result["access_group_name"] = mount_target.get("AccessGroup")
    return result


# changing -------------------------------------------------------------------------------------
def create_or_adopt_mount_target(module):
    """Create the mount target; another run may have made it since the look-up: one mount target per vSwitch,
    so it is adopted."""
    return create_or_adopt(
        lambda: create(module), lambda: find(module), lambda found: update(module, found), ALREADY_EXISTS
    )


def create(module):
    params = module.params
    file_system = nas.read_file_system(module, params["file_system_id"])
    if file_system is None:
        module.fail("file_system_id: no file system %s in region %s" % (params["file_system_id"], module.region_id))
    if params["mount_target_domain"]:
        module.fail(
            "mount_target_domain: file system %s has no mount target %s; to create one, give v_switch_id (and no "
            "mount_target_domain)" % (params["file_system_id"], params["mount_target_domain"])
        )
    vswitch = read_checked_vswitch(module)
    vpc_id = vswitch["VpcId"]
    group = params["access_group_name"] or DEFAULT_GROUP
    wanted_status = params["status"] or "Active"
    planned = {
        "MountTargetDomain": "",
        "FileSystemId": params["file_system_id"],
        "NetworkType": params["network_type"],
        "VpcId": vpc_id,
        "VswId": params["v_switch_id"],
        "AccessGroup": group,
        "Status": wanted_status,
    }
    if module.check_mode:
        return True, planned
    if file_system.get("Status") != "Running":
        if not params["wait"]:
            module.fail(
                "file system %s is %s: mount targets can only be created on a Running file system; set wait: true "
                "to wait for it, or retry later" % (params["file_system_id"], file_system.get("Status"))
            )
        module.wait(
            nas.FILE_SYSTEM_RUNNING_FOR_MOUNT,
            lambda: nas.read_file_system(module, params["file_system_id"]),
            params["wait_timeout"],
        )
    if params["wait"]:
        available_vswitch(module, vswitch, params["wait_timeout"])

    def lost_but_done():
        found = in_vswitch(nas.list_mount_targets(module, params["file_system_id"]) or [], params["v_switch_id"])
        return {"MountTargetDomain": found[0]["MountTargetDomain"]} if found else None

    request = {
        "FileSystemId": params["file_system_id"],
        "NetworkType": params["network_type"],
        "VpcId": vpc_id,
        "VSwitchId": params["v_switch_id"],
        "AccessGroupName": group,
    }
    domain = module.call("nas", "CreateMountTarget", request, verify_lost=lost_but_done)["MountTargetDomain"]
    if params["wait"] or wanted_status != "Active":
        # Modifying a mount target needs it Active first, so Inactive waits even without `wait`.
        mount_target = module.wait(
            nas.MOUNT_TARGET_READY, lambda: read_mount_target(module, domain), params["wait_timeout"]
        )
    else:
        mount_target = read_mount_target(module, domain) or dict(planned, MountTargetDomain=domain, Status="Pending")
    if wanted_status == "Inactive" and mount_target.get("Status") != "Inactive":
        modify(module, mount_target, {"Status": wanted_status})
        mount_target = read_mount_target(module, domain) or dict(mount_target, Status=wanted_status)
    return True, mount_target


def modify(module, mount_target, changes):
    # Setting the group or the status is idempotent by nature: resending it after a lost answer is harmless.
    module.call(
        "nas",
        "ModifyMountTarget",
        dict(
            changes, FileSystemId=module.params["file_system_id"], MountTargetDomain=mount_target["MountTargetDomain"]
        ),
    )


def compare(module, mount_target):
    """The attributes that differ from the task, as ModifyMountTarget takes them."""
    params = module.params
    changes = {}
    if params["access_group_name"] and params["access_group_name"] != mount_target.get("AccessGroup"):
        changes["AccessGroupName"] = params["access_group_name"]
    # A Pending mount target becomes Active by itself: Active is then no change.
    pending_to_active = params["status"] == "Active" and mount_target.get("Status") == "Pending"
    if params["status"] and params["status"] != mount_target.get("Status") and not pending_to_active:
        changes["Status"] = params["status"]
    return changes


def compare_fixed(module, mount_target):
    """What the task asks to change that a mount target keeps from its creation on."""
    fixed = (("v_switch_id", "vSwitch", mount_target.get("VswId")), ("vpc_id", "VPC", mount_target.get("VpcId")))
    domain = mount_target["MountTargetDomain"]
    return fixed_field_problems(module.params, fixed, "mount target", domain, "delete it and create another")


def update(module, mount_target):
    params = module.params
    domain = mount_target["MountTargetDomain"]
    module.fail_on_problems(compare_fixed(module, mount_target))
    if mount_target.get("Status") == "Deleting":
        module.fail("mount target %s is being deleted; run again when it is gone to create another" % domain)
    changes = compare(module, mount_target)
    if module.check_mode:
        return bool(changes), planned_update(module, mount_target, changes)
    if changes:
        if mount_target.get("Status") not in ("Active", "Inactive"):
            # ModifyMountTarget refuses a mount target that is still being created.
            mount_target = module.wait(
                nas.MOUNT_TARGET_READY, lambda: read_mount_target(module, domain), params["wait_timeout"]
            )
        modify(module, mount_target, changes)
        mount_target = read_mount_target(module, domain) or mount_target
    if params["wait"] and mount_target.get("Status") not in ("Active", "Inactive"):
        mount_target = module.wait(
            nas.MOUNT_TARGET_READY, lambda: read_mount_target(module, domain), params["wait_timeout"]
        )
    return bool(changes), mount_target


def planned_update(module, mount_target, changes):
    """The mount target as check mode reports it: with the changes it would make."""
    projected = dict(mount_target)
    if "AccessGroupName" in changes:
        projected["AccessGroup"] = changes["AccessGroupName"]
    if "Status" in changes:
        projected["Status"] = changes["Status"]
    return projected


def delete(module, mount_target):
    params = module.params
    domain = mount_target["MountTargetDomain"]
    if mount_target.get("Status") == "Deleting":
        if params["wait"] and not module.check_mode:
            module.wait(nas.MOUNT_TARGET_DELETED, lambda: read_mount_target(module, domain), params["wait_timeout"])
        return False
    if module.check_mode:
        return True
    # DeleteMountTarget refuses a mount target that is still being created.
    ready = mount_target.get("Status") in ("Active", "Inactive") or module.wait(
        nas.MOUNT_TARGET_READY_OR_GONE, lambda: read_mount_target(module, domain), params["wait_timeout"]
    )
    if not ready:
        return True  # it went away while we waited
    nas.delete_mount_target(module, params["file_system_id"], domain)
    if params["wait"]:
        module.wait(nas.MOUNT_TARGET_DELETED, lambda: read_mount_target(module, domain), params["wait_timeout"])
    return True


def main():
    module = AlicloudModule(
        argument_spec=dict(
            file_system_id=dict(type="str", required=True),
            mount_target_domain=dict(type="str"),
            v_switch_id=dict(type="str", aliases=["vswitch_id"]),
            vpc_id=dict(type="str"),
            network_type=dict(type="str", default="Vpc", choices=["Vpc"]),
            access_group_name=dict(type="str"),
            status=dict(type="str", choices=["Active", "Inactive"]),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=600),
        ),
        required_one_of=[["mount_target_domain", "v_switch_id"]],
        supports_check_mode=True,
    )
    params = module.params
    what = "mount target %s of NAS file system %s" % (
        params["mount_target_domain"] or "in " + str(params["v_switch_id"]),
        params["file_system_id"],
    )
    module.ensure(
        "mount_target",
        what,
        find,
        create_or_adopt_mount_target,
        update,
        delete,
        lambda mount_target: render(dict(mount_target, FileSystemId=params["file_system_id"])),
    )


if __name__ == "__main__":
    main()
