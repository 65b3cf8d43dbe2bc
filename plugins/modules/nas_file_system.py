#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nas_file_system
short_description: Create, update or delete a NAS file system
version_added: 1.0.0
description:
  - Makes sure a General-purpose NAS file system exists with the given protocol, storage type, zone,
    description and tags, or that it does not exist.
  - NAS file systems have no name. The file system is found by O(file_system_id), else by O(description),
    which this module treats as the file system's unique name within the region; several file systems with
    that description is an error that names them.
  - The region selects the NAS endpoint; NAS requests carry no region parameter.
  - Mount targets are managed with M(ha_web.alicloud.nas_mount_target); access groups and rules with
    M(ha_web.alicloud.nas_access_rule).
author: ha_web.alicloud developers (@ha-web)
options:
  file_system_id:
    description:
      - The ID of an existing file system, for example V(1ca404a666).
      - When given, the file system is found by ID and O(description) may change its description.
    type: str
    aliases: [id]
  description:
    description:
      - The file system's description, used as its name when O(file_system_id) is not given.
      - 2 to 128 characters, starting with a letter; letters, digits, V(_), V(:) and V(-) only (no spaces).
      - Required unless O(file_system_id) is given.
    type: str
  protocol_type:
    description:
      - The protocol clients use. V(NFS) when creating and not given.
      - Cannot change after creation.
    type: str
    choices: [NFS, SMB]
  storage_type:
    description:
      - The storage class of the General-purpose file system. V(Capacity) when creating and not given.
      - Cannot change after creation.
    type: str
    choices: [Capacity, Performance, Premium]
  file_system_type:
    description:
      - The kind of file system; only General-purpose (V(standard)) file systems are supported.
    type: str
    choices: [standard]
    default: standard
  zone_id:
    description:
      - The zone of the file system, for example V(cn-hangzhou-g). When creating without it, the cloud picks one.
      - Cannot change after creation.
    type: str
  encrypt_type:
    description:
      - Encryption at rest. V(0) none, V(1) with a key managed by NAS, V(2) with the KMS key O(kms_key_id).
      - V(0) when creating and not given. Cannot change after creation.
    type: int
    choices: [0, 1, 2]
  kms_key_id:
    description:
      - The KMS key of a file system created with O(encrypt_type=2); required then.
    type: str
  force:
    description:
      - With O(state=absent), delete the file system's mount targets first (waiting until each is gone).
      - Without it, deleting a file system that still has mount targets fails and names them.
    type: bool
    default: false
  state:
    description:
      - V(present) makes sure the file system exists (and, with O(wait), is Running); V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
  - ha_web.alicloud.alicloud.wait
  - ha_web.alicloud.alicloud.tags
  - ha_web.alicloud.alicloud.attributes
notes:
  - Creations carry a client token, so a retried creation never makes a second file system.
  - Changing the description of a file system found by O(file_system_id) uses C(ModifyFileSystem).
"""

EXAMPLES = r"""
- name: The master file system of the web service
  ha_web.alicloud.nas_file_system:
    description: ha-web-master
    protocol_type: NFS
    storage_type: Capacity
    zone_id: cn-hangzhou-g
    tags:
      app: ha-web
  register: master

- name: Rename it, by ID
  ha_web.alicloud.nas_file_system:
    file_system_id: "{{ master.file_system.file_system_id }}"
    description: ha-web-primary

- name: Delete it together with its mount targets
  ha_web.alicloud.nas_file_system:
    description: ha-web-primary
    force: true
    state: absent
"""

RETURN = r"""
file_system:
  description: The file system as DescribeFileSystems returns it, in snake_case; empty when absent.
  returned: always
  type: dict
  contains:
    file_system_id:
      description: The file system's ID.
      type: str
      sample: 1ca404a666
    description:
      description: Its description (its name for this module).
      type: str
      sample: ha-web-master
    status:
      description: V(Pending), V(Running), V(Stopped), V(Extending), V(Stopping) or V(Deleting).
      type: str
      sample: Running
    protocol_type:
      description: V(NFS) or V(SMB).
      type: str
      sample: NFS
    storage_type:
      description: Its storage class.
      type: str
      sample: Capacity
    file_system_type:
      description: V(standard).
      type: str
    zone_id:
      description: Its zone.
      type: str
      sample: cn-hangzhou-g
    region_id:
      description: Its region.
      type: str
    encrypt_type:
      description: Its encryption at rest (0, 1 or 2).
      type: int
    capacity:
      description: Its capacity ceiling in GiB.
      type: int
    metered_size:
      description: The bytes it stores.
      type: int
    create_time:
      description: When it was created (UTC).
      type: str
    mount_targets:
      description: Its mount targets.
      type: list
      elements: dict
      contains:
        mount_target_domain:
          description: The domain clients mount.
          type: str
          sample: 1ca404a666-wxa89.cn-hangzhou.nas.aliyuncs.com
        vpc_id:
          description: Its VPC.
          type: str
        vsw_id:
          description: Its vSwitch.
          type: str
        access_group_name:
          description: The access group that controls it.
          type: str
        status:
          description: V(Pending), V(Active), V(Inactive) or V(Deleting).
          type: str
    tags:
      description: Its tags.
      type: dict
      sample: {"app": "ha-web"}
"""

import re

from ansible_collections.ha_web.alicloud.plugins.module_utils import nas
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError, is_code
from ansible_collections.ha_web.alicloud.plugins.module_utils.locks import hold_resource_lock
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.ha_web.alicloud.plugins.module_utils.tags import (
    tags_from_api,
    tags_to_api,
    validate_tags,
)
from ansible_collections.ha_web.alicloud.plugins.module_utils.validation import fixed_field_problems

DESCRIPTION = re.compile(r"^[^\W\d_][\w:-]{1,127}$")
# What check mode reports for options left to their creation defaults.
CREATE_DEFAULTS = dict(protocol_type="NFS", storage_type="Capacity", encrypt_type=0)


def description_problem(option, value):
    if value is None or DESCRIPTION.match(value):
        return None
    return (
        "%s: %r must be 2 to 128 characters, start with a letter and hold only letters, digits, _, : and - "
        "(no spaces)" % (option, value)
    )


def validate(module):
    params = module.params
    problems = validate_tags(params["tags"])
    problems.append(description_problem("description", params["description"]))
    module.fail_on_problems(problems)


# reading --------------------------------------------------------------------------------------
def find(module):
    params = module.params
    if params["file_system_id"]:
        return nas.read_file_system(module, params["file_system_id"])
    found = nas.list_file_systems(module)
    found = [f for f in found if f.get("Description") == params["description"]]
    what = "file systems are described %r" % params["description"]
    return module.at_most_one(found, "FileSystemId", "description", what, "file_system_id")


render = nas.render_file_system


# changing -------------------------------------------------------------------------------------
def create(module):
    params = module.params
    if params["file_system_id"]:
        module.fail(
            "file_system_id: no file system %s in region %s; to create one, give description (and no file_system_id)"
            % (params["file_system_id"], module.region_id)
        )
    if module.check_mode:
        return True, None
    request = {
        "ProtocolType": params["protocol_type"] or CREATE_DEFAULTS["protocol_type"],
        "StorageType": params["storage_type"] or CREATE_DEFAULTS["storage_type"],
        "FileSystemType": params["file_system_type"],
        "ZoneId": params["zone_id"],
        "Description": params["description"],
        "EncryptType": params["encrypt_type"],
        "KmsKeyId": params["kms_key_id"] if params["encrypt_type"] == 2 else None,
    }
    if params["tags"]:
        request["Tag"] = tags_to_api(params["tags"])
    file_system_id = module.call("nas", "CreateFileSystem", request, client_token=True)["FileSystemId"]
    if params["wait"]:
        return True, module.wait(
            nas.FILE_SYSTEM_RUNNING, lambda: nas.read_file_system(module, file_system_id), params["wait_timeout"]
        )
    return True, nas.read_file_system(module, file_system_id) or dict(
        planned(module), FileSystemId=file_system_id, Status="Pending"
    )


def compare_fixed(module, file_system):
    """What the task asks to change that a file system keeps from its creation on."""
    fixed = (
        ("protocol_type", "protocol", file_system.get("ProtocolType")),
        ("storage_type", "storage type", file_system.get("StorageType")),
        ("file_system_type", "type", file_system.get("FileSystemType")),
        ("zone_id", "zone", file_system.get("ZoneId")),
        ("encrypt_type", "encryption", file_system.get("EncryptType")),
    )
    fix = "delete it, or use another description"
    return fixed_field_problems(module.params, fixed, "file system", file_system["FileSystemId"], fix)


def compare(module, file_system):
    """The attributes that differ from the task, as ModifyFileSystem takes them."""
    description = module.params["description"]
    return (
        {"Description": description}
        if description is not None and description != file_system.get("Description")
        else {}
    )


def update(module, file_system):
    params = module.params
    module.fail_on_problems(compare_fixed(module, file_system))
    file_system_id = file_system["FileSystemId"]
    changes = compare(module, file_system)
    if changes and not module.check_mode:
        # Setting a description is idempotent by nature: resending it after a lost answer is harmless.
        module.call("nas", "ModifyFileSystem", dict(changes, FileSystemId=file_system_id))
    tags_changed = module.update_tags(
        "nas", "filesystem", file_system_id, tags_from_api(file_system.get("Tags")), "UntagResources"
    )
    changed = bool(changes) or tags_changed
    if module.check_mode:
        return changed, module.planned_update(file_system, changes) if changed else file_system
    if changed:
        file_system = nas.read_file_system(module, file_system_id) or file_system
    if params["wait"] and file_system.get("Status") != "Running":
        file_system = module.wait(
            nas.FILE_SYSTEM_RUNNING, lambda: nas.read_file_system(module, file_system_id), params["wait_timeout"]
        )
    return changed, file_system


def delete(module, file_system):
    """Returns whether something was (or, in check mode, would be) deleted."""
    params = module.params
    file_system_id = file_system["FileSystemId"]
    mount_targets = nas.list_mount_targets(module, file_system_id) or []
    if mount_targets and not params["force"]:
        module.fail(
            "file system %s still has mount targets (%s): delete them first (ha_web.alicloud.nas_mount_target "
            "with state: absent), or set force: true to delete them with it"
            % (file_system_id, ", ".join(m["MountTargetDomain"] for m in mount_targets)),
            file_system=render(file_system),
        )
    if file_system.get("Status") == "Deleting":
        if params["wait"] and not module.check_mode:
            module.wait(
                nas.FILE_SYSTEM_DELETED, lambda: nas.read_file_system(module, file_system_id), params["wait_timeout"]
            )
        return False
    if module.check_mode:
        return True
    for mount_target in mount_targets:
        delete_mount_target(module, file_system_id, mount_target)
    for mount_target in mount_targets:
        module.wait(
            nas.MOUNT_TARGET_DELETED,
            lambda domain=mount_target["MountTargetDomain"]: nas.read_mount_target(module, file_system_id, domain),
            params["wait_timeout"],
        )
    # DeleteFileSystem refuses a file system that is still being created.
    ready = file_system.get("Status") == "Running" or module.wait(
        nas.FILE_SYSTEM_READY_TO_DELETE, lambda: nas.read_file_system(module, file_system_id), params["wait_timeout"]
    )
    if not ready:
        return True  # it went away while we waited

    def lost_but_done():
        current = nas.read_file_system(module, file_system_id)
        return {} if current is None or current.get("Status") == "Deleting" else None

    try:
        module.call("nas", "DeleteFileSystem", {"FileSystemId": file_system_id}, verify_lost=lost_but_done)
    except AlicloudApiError as error:
        if not is_code(error, *nas.FILE_SYSTEM_NOT_FOUND):
            raise
    if params["wait"]:
        module.wait(
            nas.FILE_SYSTEM_DELETED, lambda: nas.read_file_system(module, file_system_id), params["wait_timeout"]
        )
    return True


def delete_mount_target(module, file_system_id, mount_target):
    domain = mount_target["MountTargetDomain"]
    if mount_target.get("Status") == "Deleting":
        return
    if mount_target.get("Status") not in ("Active", "Inactive"):
        current = module.wait(
            nas.MOUNT_TARGET_READY_OR_GONE,
            lambda: nas.read_mount_target(module, file_system_id, domain),
            module.params["wait_timeout"],
        )
        if current is None:
            return
    nas.delete_mount_target(module, file_system_id, domain)


def planned(module):
    """What check mode would create, in the API's shape."""
    params = module.params
    return {
        "Description": params["description"],
        "ProtocolType": params["protocol_type"] or CREATE_DEFAULTS["protocol_type"],
        "StorageType": params["storage_type"] or CREATE_DEFAULTS["storage_type"],
        "FileSystemType": params["file_system_type"],
        "ZoneId": params["zone_id"],
        "EncryptType": CREATE_DEFAULTS["encrypt_type"] if params["encrypt_type"] is None else params["encrypt_type"],
        "Tags": {"Tag": tags_to_api(params["tags"])},
    }


def main():
    module = AlicloudModule(
        argument_spec=dict(
            file_system_id=dict(type="str", aliases=["id"]),
            description=dict(type="str"),
            protocol_type=dict(type="str", choices=["NFS", "SMB"]),
            storage_type=dict(type="str", choices=["Capacity", "Performance", "Premium"]),
            file_system_type=dict(type="str", default="standard", choices=["standard"]),
            zone_id=dict(type="str"),
            encrypt_type=dict(type="int", choices=[0, 1, 2]),
            kms_key_id=dict(type="str"),
            force=dict(type="bool", default=False),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            tags=dict(type="dict"),
            purge_tags=dict(type="bool", default=True),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=600),
        ),
        required_one_of=[["file_system_id", "description"]],
        required_if=[["encrypt_type", 2, ["kms_key_id"]]],
        supports_check_mode=True,
    )
    validate(module)
    hold_resource_lock(module, "nas_file_system", module.params["description"])
    what = "NAS file system %s" % (module.params["file_system_id"] or module.params["description"])
    module.ensure("file_system", what, find, create, update, delete, render, lambda module: render(planned(module)))


if __name__ == "__main__":
    main()
