#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nas_access_rule
short_description: Manage a NAS access group and its rules
version_added: 1.0.0
description:
  - Makes sure a NAS permission (access) group exists with the given rules, or that it does not exist.
  - An access group says which client addresses may mount the file systems whose mount targets use it, and
    how; mount targets choose their group with M(ha_web.alicloud.nas_mount_target).
  - The group is found by O(access_group_name) among the groups of O(file_system_type) in the region.
  - Rules are matched by source address; a rule whose access or priority differs is changed in place
    with C(ModifyAccessRule), so its clients keep their access throughout.
  - Two runs at once meet in the cloud. A group another run has just created is adopted, and when both add the
    same rule (the API accepts a source twice), the newer copies are deleted and the oldest rule is kept.
  - The built-in group V(DEFAULT_VPC_GROUP_NAME) cannot be changed or deleted; it may be named only to read
    it (O(state=present) without O(rules) or O(description)).
author: ha_web.alicloud developers (@ha-web)
options:
  access_group_name:
    description:
      - The group's name, 3 to 64 letters, digits, V(_) or V(-), starting with a letter.
    type: str
    required: true
    aliases: [name]
  access_group_type:
    description:
      - The network type of the group; only V(Vpc) is offered.
    type: str
    choices: [Vpc]
    default: Vpc
  description:
    description:
      - The group's description (2 to 128 characters, starting with a letter; letters, digits, V(_), V(:) and
        V(-) only). The cloud sets it to the group's name when not given.
      - Changing the description of an existing group uses C(ModifyAccessGroup).
    type: str
  file_system_type:
    description:
      - The kind of file system the group serves; only General-purpose (V(standard)) is supported.
    type: str
    choices: [standard]
    default: standard
  rules:
    description:
      - The rules the group must have. Leave unset to leave the rules as they are.
      - Each source address may appear once.
    type: list
    elements: dict
    suboptions:
      source_cidr_ip:
        description:
          - The IPv4 address or CIDR block of the clients, for example V(192.168.0.0/16) or V(10.0.0.5).
          - A CIDR block must have no host bits set (V(192.168.0.0/16), not V(192.168.0.1/16)).
        type: str
        required: true
      rw_access:
        description:
          - V(RDWR) read-write, V(RDONLY) read-only.
        type: str
        choices: [RDWR, RDONLY]
        default: RDWR
      user_access:
        description:
          - How client users are mapped. V(no_squash) keeps root, V(root_squash) maps root to nobody,
            V(all_squash) maps everyone to nobody.
        type: str
        choices: [no_squash, root_squash, all_squash]
        default: no_squash
      priority:
        description:
          - From 1 (highest) to 100; when rules overlap the one with the highest priority applies.
        type: int
        default: 1
  purge_rules:
    description:
      - Delete rules of the group that are not in O(rules). Has no effect when O(rules) is not set.
    type: bool
    default: true
  state:
    description:
      - V(present) makes sure the group exists with O(rules); V(absent) deletes it and its rules.
      - A group still used by mount targets cannot be deleted; the module names them.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
  - ha_web.alicloud.alicloud.attributes
notes:
  - C(CreateAccessRule) takes no client token; when its answer is lost, the module reads the group's rules
    before sending the request again, so a retry never makes a duplicate rule.
"""

EXAMPLES = r"""
- name: Only the web servers' VPC may mount, read-write
  ha_web.alicloud.nas_access_rule:
    access_group_name: ha-web
    description: ha-web-servers
    rules:
      - source_cidr_ip: 192.168.0.0/16
        rw_access: RDWR
        user_access: no_squash
        priority: 1

- name: Add a read-only backup host, keeping the other rules
  ha_web.alicloud.nas_access_rule:
    access_group_name: ha-web
    rules:
      - source_cidr_ip: 10.0.0.5
        rw_access: RDONLY
        user_access: all_squash
    purge_rules: false

- name: Delete the group (its mount targets must use another group first)
  ha_web.alicloud.nas_access_rule:
    access_group_name: ha-web
    state: absent
"""

RETURN = r"""
access_group:
  description: The access group as DescribeAccessGroups returns it, in snake_case, with its rules; empty when absent.
  returned: always
  type: dict
  contains:
    access_group_name:
      description: Its name.
      type: str
      sample: ha-web
    access_group_type:
      description: V(Vpc).
      type: str
    description:
      description: Its description.
      type: str
    file_system_type:
      description: V(standard).
      type: str
    mount_target_count:
      description: How many mount targets use it.
      type: int
    rule_count:
      description: How many rules it has.
      type: int
    create_time:
      description: When it was created (UTC).
      type: str
    rules:
      description: Its rules.
      type: list
      elements: dict
      contains:
        access_rule_id:
          description: The rule's ID within the group; empty in check mode for a rule still to be created.
          type: str
          sample: "1"
        source_cidr_ip:
          description: The client address or CIDR block.
          type: str
          sample: 192.168.0.0/16
        rw_access:
          description: V(RDWR) or V(RDONLY).
          type: str
        user_access:
          description: V(no_squash), V(root_squash) or V(all_squash).
          type: str
        priority:
          description: 1 (highest) to 100.
          type: int
"""

import ipaddress
import re

from ansible_collections.ha_web.alicloud.plugins.module_utils import nas
from ansible_collections.ha_web.alicloud.plugins.module_utils.calls import dig
from ansible_collections.ha_web.alicloud.plugins.module_utils.conflicts import create_or_adopt
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError, is_code
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule, snake_resource
from ansible_collections.ha_web.alicloud.plugins.module_utils.validation import fixed_field_problems

DEFAULT_GROUP = "DEFAULT_VPC_GROUP_NAME"
GROUP_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{2,63}$")
DESCRIPTION = re.compile(r"^[^\W\d_][\w:-]{1,127}$")
GROUP_TAKEN = ("InvalidAccessGroup.AlreadyExisted",)
RULE_SPEC = dict(
    source_cidr_ip=dict(type="str", required=True),
    rw_access=dict(type="str", default="RDWR", choices=["RDWR", "RDONLY"]),
    user_access=dict(type="str", default="no_squash", choices=["no_squash", "root_squash", "all_squash"]),
    priority=dict(type="int", default=1),
)


def normal_source(value):
    """The canonical spelling of an IPv4 address or block (10.0.0.5 and 10.0.0.5/32 are one source)."""
    try:
        network = ipaddress.ip_network(str(value).strip(), strict=True)
    except ValueError:
        return None
    if network.version != 4:
        return None
    return str(network)


def validate(module):
    params = module.params
    problems = []
    name = params["access_group_name"]
    if not GROUP_NAME.match(name) and name != DEFAULT_GROUP:
        problems.append("access_group_name: %r must be 3 to 64 letters, digits, _ or -, starting with a letter" % name)
    if name == DEFAULT_GROUP and (
        params["state"] == "absent" or params["rules"] is not None or params["description"] is not None
    ):
        problems.append(
            "access_group_name: %s is built in and cannot be changed or deleted; create your own group (and point "
            "the mount targets at it with access_group_name), or leave rules, description and state out to read it"
            % DEFAULT_GROUP
        )
    description = params["description"]
    if description is not None and not DESCRIPTION.match(description):
        problems.append(
            "description: %r must be 2 to 128 characters, start with a letter and hold only letters, digits, _, : "
            "and - (no spaces)" % description
        )
    seen = {}
    for index, rule in enumerate(params["rules"] or []):
        where = "rules[%d]" % index
        source = normal_source(rule["source_cidr_ip"])
        if source is None:
            problems.append(
                "%s.source_cidr_ip: %r is neither an IPv4 address nor an IPv4 CIDR block without host bits; write "
                "it like 192.168.0.0/16 or 10.0.0.5" % (where, rule["source_cidr_ip"])
            )
        elif source in seen:
            problems.append(
                "%s.source_cidr_ip: %s is already the source of rules[%d]; give each source once"
                % (where, rule["source_cidr_ip"], seen[source])
            )
        else:
            seen[source] = index
        if not 1 <= rule["priority"] <= 100:
            problems.append("%s.priority: %d must be from 1 (highest) to 100" % (where, rule["priority"]))
    module.fail_on_problems(problems)


def wanted_rules(module):
    """{source: (rw_access, user_access, priority)} from the rules option."""
    return {
        normal_source(r["source_cidr_ip"]): (r["rw_access"], r["user_access"], int(r["priority"]))
        for r in module.params["rules"]
    }


def rule_key(rule):
    return normal_source(rule.get("SourceCidrIp")) or rule.get("SourceCidrIp")


def rule_settings(rule):
    return (rule.get("RWAccess"), rule.get("UserAccess"), int(rule.get("Priority") or 0))


# reading --------------------------------------------------------------------------------------
def scope(module):
    return {"FileSystemType": module.params["file_system_type"]}


def find(module):
    """The access group of the task with its rules, {"Group", "Rules"}; None when there is no such group."""
    name = module.params["access_group_name"]
    groups = module.paginate("nas", "DescribeAccessGroups", scope(module), ("AccessGroups", "AccessGroup"), 100)
    found = [g for g in groups if g.get("AccessGroupName") == name]
    return {"Group": found[0], "Rules": read_rules(module)} if found else None


def read_access_group(module):
    name = module.params["access_group_name"]
    try:
        body = module.call("nas", "DescribeAccessGroups", dict(scope(module), AccessGroupName=name))
    except AlicloudApiError as error:
        if is_code(error, *nas.ACCESS_GROUP_NOT_FOUND):
            return None
        raise
    found = [g for g in dig(body, "AccessGroups", "AccessGroup") or [] if g.get("AccessGroupName") == name]
    return found[0] if found else None


def read_rules(module):
    try:
        return module.paginate(
            "nas",
            "DescribeAccessRules",
            dict(scope(module), AccessGroupName=module.params["access_group_name"]),
            ("AccessRules", "AccessRule"),
            100,
        )
    except AlicloudApiError as error:
        if is_code(error, *nas.ACCESS_GROUP_NOT_FOUND):
            return []
        raise


def mount_targets_using(module):
    """'domain (file system id)' of every mount target whose access group is this one."""
    params = module.params
    file_systems = nas.list_file_systems(module)
    using = []
    for file_system in file_systems:
        if file_system.get("FileSystemType", "standard") != params["file_system_type"]:
            continue
        for mount_target in dig(file_system, "MountTargets", "MountTarget") or []:
            if mount_target.get("AccessGroupName") == params["access_group_name"]:
                using.append(
                    "%s (file system %s)" % (mount_target.get("MountTargetDomain"), file_system["FileSystemId"])
                )
    return using


def render(found):
    group, rules = found["Group"], found["Rules"]
    result = snake_resource(group, tags_field=None)
    result["rules"] = [snake_resource(r, tags_field=None) for r in sorted(rules, key=sort_key)]
    result["rule_count"] = len(rules)
    return result


def sort_key(rule):
    rule_id = str(rule.get("AccessRuleId") or "")
    return (0, int(rule_id)) if rule_id.isdigit() else (1, rule_id)


# changing -------------------------------------------------------------------------------------
def compare(module, current):
    """(rules to delete, [(rule, settings)] to modify, {source: settings} to create)."""
    if module.params["rules"] is None:
        return [], [], {}
    wanted = wanted_rules(module)
    kept = set()
    to_delete, to_modify = [], []
    for rule in sorted(current, key=sort_key):
        key = rule_key(rule)
        if key in wanted and key not in kept:
            kept.add(key)
            if rule_settings(rule) != wanted[key]:
                to_modify.append((rule, wanted[key]))
        elif key in wanted or module.params["purge_rules"]:
            to_delete.append(rule)  # a duplicate of a kept source, or not wanted at all
    to_create = {k: v for k, v in wanted.items() if k not in kept}
    return to_delete, to_modify, to_create


def create_group(module):
    params = module.params
    request = dict(
        scope(module),
        AccessGroupName=params["access_group_name"],
        AccessGroupType=params["access_group_type"],
        Description=params["description"],
    )
    # No client token: after a lost answer, a group that now exists is the one that request made.
    module.call(
        "nas",
        "CreateAccessGroup",
        request,
        verify_lost=lambda: {"AccessGroupName": params["access_group_name"]} if read_access_group(module) else None,
    )


def create_rule(module, source, settings, known_ids):
    rw_access, user_access, priority = settings

    def lost_but_done():
        # No rule idempotency token: a new rule (an ID not seen before) with these settings is the one sent.
        for rule in read_rules(module):
            fresh = str(rule.get("AccessRuleId")) not in known_ids
            if fresh and rule_key(rule) == source and rule_settings(rule) == settings:
                return {"AccessRuleId": rule.get("AccessRuleId")}
        return None

    request = dict(
        scope(module),
        AccessGroupName=module.params["access_group_name"],
        SourceCidrIp=source,
        RWAccessType=rw_access,
        UserAccessType=user_access,
        Priority=priority,
    )
    return module.call("nas", "CreateAccessRule", request, verify_lost=lost_but_done)


def modify_rule(module, rule, settings):
    rw_access, user_access, priority = settings
    request = dict(
        scope(module),
        AccessGroupName=module.params["access_group_name"],
        AccessRuleId=rule["AccessRuleId"],
        RWAccessType=rw_access,
        UserAccessType=user_access,
        Priority=priority,
    )
    module.call("nas", "ModifyAccessRule", request)  # setting the same values again is harmless


def delete_rule(module, rule):
    request = dict(scope(module), AccessGroupName=module.params["access_group_name"], AccessRuleId=rule["AccessRuleId"])
    try:
        module.call("nas", "DeleteAccessRule", request)
    except AlicloudApiError as error:
        if not is_code(error, *nas.ACCESS_RULE_NOT_FOUND):  # a resend after a lost answer meets the rule gone
            raise


def apply_rules(module, current):
    """Returns (changed, the rules after)."""
    to_delete, to_modify, to_create = compare(module, current)
    if not (to_delete or to_modify or to_create):
        return False, current
    if module.check_mode:
        deleted = {id(r) for r in to_delete}
        modified = {id(r): settings for r, settings in to_modify}
        projected = [with_settings(r, modified.get(id(r))) for r in current if id(r) not in deleted]
        for source, (rw_access, user_access, priority) in sorted(to_create.items()):
            projected.append(
                {
                    "AccessRuleId": "",
                    "AccessGroupName": module.params["access_group_name"],
                    "SourceCidrIp": source,
                    "RWAccess": rw_access,
                    "UserAccess": user_access,
                    "Priority": priority,
                    "FileSystemType": module.params["file_system_type"],
                }
            )
        return True, projected
    known_ids = {str(r.get("AccessRuleId")) for r in current}
    for rule, settings in to_modify:
        modify_rule(module, rule, settings)
    for source, settings in sorted(to_create.items()):
        create_rule(module, source, settings, known_ids)
    for rule in to_delete:
        delete_rule(module, rule)
    after = read_rules(module)
    if to_create:
        # The cloud takes a source twice: another run adding the same rules meanwhile leaves duplicates. Both
        # runs keep the oldest rule of a source (compare) and delete the rest.
        duplicates = [r for r in compare(module, after)[0] if rule_key(r) in to_create]
        for rule in duplicates:
            delete_rule(module, rule)
        if duplicates:
            after = read_rules(module)
    return True, after


def with_settings(rule, settings):
    """A rule as check mode reports it: with the settings it would be given."""
    if settings is None:
        return rule
    rw_access, user_access, priority = settings
    return dict(rule, RWAccess=rw_access, UserAccess=user_access, Priority=priority)


def create(module):
    """The group, then its rules; returns (changed, {"Group", "Rules"})."""
    params = module.params
    if module.check_mode:
        group = {
            "AccessGroupName": params["access_group_name"],
            "AccessGroupType": params["access_group_type"],
            "Description": params["description"] or params["access_group_name"],
            "FileSystemType": params["file_system_type"],
            "MountTargetCount": 0,
        }
        return True, {"Group": group, "Rules": apply_rules(module, [])[1]}
    # Another run may have made it since the look-up: group names are unique, so it is adopted.
    group = create_or_adopt(
        lambda: create_group(module) or read_access_group(module),
        lambda: read_access_group(module),
        lambda found: found,
        GROUP_TAKEN,
    )
    rules = apply_rules(module, read_rules(module))[1]
    return True, {"Group": read_access_group(module) or group, "Rules": rules}


def compare_fixed(module, group):
    """What the task asks to change that an access group keeps from its creation on."""
    fixed = (("access_group_type", "type", group.get("AccessGroupType")),)
    name = module.params["access_group_name"]
    return fixed_field_problems(module.params, fixed, "access group", name, "delete it, or use another name")


def update(module, found):
    """The description, then the rules; returns (changed, {"Group", "Rules"})."""
    params = module.params
    group = found["Group"]
    module.fail_on_problems(compare_fixed(module, group))
    changed = params["description"] is not None and params["description"] != group.get("Description")
    if changed and not module.check_mode:
        # Setting a description is idempotent by nature: resending it after a lost answer is harmless.
        module.call(
            "nas",
            "ModifyAccessGroup",
            dict(scope(module), AccessGroupName=params["access_group_name"], Description=params["description"]),
        )
    if changed:
        group = dict(group, Description=params["description"])
    rules_changed, rules = apply_rules(module, found["Rules"])
    if (changed or rules_changed) and not module.check_mode:
        group = read_access_group(module) or group
    return changed or rules_changed, {"Group": group, "Rules": rules}


def delete(module, found):
    params = module.params
    group = found["Group"]
    using = mount_targets_using(module) if group.get("MountTargetCount", 1) else []
    if using or group.get("MountTargetCount"):
        module.fail(
            "access group %s is still used by mount targets: %s; delete them (ha_web.alicloud.nas_mount_target "
            "state: absent) or move them to another group (ha_web.alicloud.nas_mount_target access_group_name) first"
            % (params["access_group_name"], ", ".join(using) or "%s of them" % group.get("MountTargetCount"))
        )
    if module.check_mode:
        return True
    try:
        module.call("nas", "DeleteAccessGroup", dict(scope(module), AccessGroupName=params["access_group_name"]))
    except AlicloudApiError as error:
        if is_code(error, "InvalidAccessGroup.AlreadyAttached"):
            module.fail(
                "access group %s is still used by mount targets: %s; delete them or move them to another group "
                "first: %s" % (params["access_group_name"], ", ".join(mount_targets_using(module)), error.describe())
            )
        if not is_code(error, *nas.ACCESS_GROUP_NOT_FOUND):  # a resend after a lost answer meets the group gone
            raise
    return True


def main():
    module = AlicloudModule(
        argument_spec=dict(
            access_group_name=dict(type="str", required=True, aliases=["name"]),
            access_group_type=dict(type="str", default="Vpc", choices=["Vpc"]),
            description=dict(type="str"),
            file_system_type=dict(type="str", default="standard", choices=["standard"]),
            rules=dict(type="list", elements="dict", options=RULE_SPEC),
            purge_rules=dict(type="bool", default=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        supports_check_mode=True,
    )
    validate(module)
    what = "NAS access group %s" % module.params["access_group_name"]
    module.ensure("access_group", what, find, create, update, delete, render)


if __name__ == "__main__":
    main()
