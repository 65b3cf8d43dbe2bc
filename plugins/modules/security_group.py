#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: security_group
short_description: Create, update or delete a security group and its rules
version_added: 1.0.0
description:
  - Makes sure a security group exists in a VPC with the given name, description, tags, inbound rules
    (O(rules)) and outbound rules (O(rules_egress)), or that it does not exist.
  - The group is found by O(security_group_id), else by O(name) within O(vpc_id); several groups with that
    name in the VPC is an error.
  - Rules are compared in a normalized form (protocol in any case, port range, source or destination,
    policy, priority, NIC type C(intranet)); missing rules are added, several per request, and with
    O(purge_rules) / O(purge_rules_egress) the rules that are not listed are revoked by their rule ID.
    New rules are added before old ones are revoked, so replacing a rule never leaves a gap.
  - Every rule is checked before any request is sent; a mistake is reported with its place, for example
    C(rules[1].port_range).
author: ha_web.alicloud developers (@ha-web)
options:
  security_group_id:
    description:
      - The ID of an existing security group. When given, the group is found by ID and O(name) may rename it.
    type: str
    aliases: [group_id]
  name:
    description:
      - The group's name (2 to 128 characters, starting with a letter, not starting with C(http://) or
        C(https://)).
      - Required unless O(security_group_id) is given.
    type: str
    aliases: [group_name, security_group_name]
  vpc_id:
    description:
      - The ID of the VPC the group belongs to.
      - Required to create a group, and to find one by O(name).
      - A VPC still being created (asked for with O(ha_web.alicloud.vpc#module:wait=false)) is waited for, up to
        300 seconds, before the group is created in it.
    type: str
  description:
    description:
      - The group's description (2 to 256 characters, not starting with C(http://) or C(https://)).
    type: str
  security_group_type:
    description:
      - V(normal) (basic) or V(enterprise) (advanced) security group.
      - Used when creating the group (the cloud's default is V(normal)); the type of an existing group
        cannot change.
    type: str
    choices: [normal, enterprise]
  rules:
    description:
      - The inbound rules (direction C(ingress)).
      - Leave unset to leave the inbound rules as they are.
    type: list
    elements: dict
    suboptions:
      ip_protocol:
        description:
          - The protocol, one of C(tcp), C(udp), C(icmp), C(gre) or C(all) (in any case). Required.
        type: str
      port_range:
        description:
          - The destination port range as C(from/to), for example V(80/80) or V(1/65535); required for
            C(tcp) and C(udp).
          - Must be V(-1/-1) (the default) for C(icmp), C(gre) and C(all).
        type: str
      source_cidr_ip:
        description:
          - The IPv4 address or CIDR block the traffic comes from, for example V(100.64.0.0/10).
          - Give exactly one of O(rules[].source_cidr_ip) and O(rules[].source_group_id).
        type: str
      source_group_id:
        description:
          - The ID of the security group (in the same VPC) the traffic comes from.
        type: str
      policy:
        description:
          - C(accept) or C(drop) (in any case).
        type: str
        default: accept
      priority:
        description:
          - From 1 (first) to 100 (last).
        type: int
        default: 1
      description:
        description:
          - The rule's description (up to 512 characters), set when the rule is added.
          - It is not part of what makes a rule the same rule, so a different description of an existing
            rule is not changed.
        type: str
  rules_egress:
    description:
      - The outbound rules (direction C(egress)).
      - Leave unset to leave the outbound rules as they are.
    type: list
    elements: dict
    suboptions:
      ip_protocol:
        description:
          - The protocol, one of C(tcp), C(udp), C(icmp), C(gre) or C(all) (in any case). Required.
        type: str
      port_range:
        description:
          - The destination port range as C(from/to); required for C(tcp) and C(udp).
          - Must be V(-1/-1) (the default) for C(icmp), C(gre) and C(all).
        type: str
      dest_cidr_ip:
        description:
          - The IPv4 address or CIDR block the traffic goes to.
          - Give exactly one of O(rules_egress[].dest_cidr_ip) and O(rules_egress[].dest_group_id).
        type: str
      dest_group_id:
        description:
          - The ID of the security group (in the same VPC) the traffic goes to.
        type: str
      policy:
        description:
          - C(accept) or C(drop) (in any case).
        type: str
        default: accept
      priority:
        description:
          - From 1 (first) to 100 (last).
        type: int
        default: 1
      description:
        description:
          - The rule's description (up to 512 characters), set when the rule is added.
        type: str
  purge_rules:
    description:
      - Revoke the inbound rules that are not in O(rules).
      - With V(false), rules are only added. Has no effect when O(rules) is not set.
    type: bool
    default: true
  purge_rules_egress:
    description:
      - Revoke the outbound rules that are not in O(rules_egress).
      - With V(false), rules are only added. Has no effect when O(rules_egress) is not set.
    type: bool
    default: true
  state:
    description:
      - V(present) makes sure the group exists with its rules; V(absent) deletes it.
      - A group that ECS instances still use, or that rules of other groups name, cannot be deleted; the
        module then fails and says so.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
  - ha_web.alicloud.alicloud.tags
  - ha_web.alicloud.alicloud.attributes
"""

EXAMPLES = r"""
- name: The web servers' group
  ha_web.alicloud.security_group:
    name: ha-web
    vpc_id: "{{ vpc.vpc.vpc_id }}"
    description: HTTP from the CLB and the VPC, SSH from the admins
    rules:
      - ip_protocol: tcp
        port_range: 80/80
        source_cidr_ip: 100.64.0.0/10
        description: CLB health checks and forwarding
      - ip_protocol: tcp
        port_range: 80/80
        source_cidr_ip: 192.168.0.0/16
      - ip_protocol: tcp
        port_range: 22/22
        source_cidr_ip: "{{ admin_cidr }}"
      - ip_protocol: icmp
        source_cidr_ip: 192.168.0.0/16
    rules_egress:
      - ip_protocol: all
        dest_cidr_ip: 0.0.0.0/0
    tags:
      app: ha-web
  register: web_group

- name: Add one rule, keep the others
  ha_web.alicloud.security_group:
    security_group_id: "{{ web_group.security_group.security_group_id }}"
    rules:
      - ip_protocol: tcp
        port_range: 443/443
        source_cidr_ip: 100.64.0.0/10
    purge_rules: false

- name: Delete it
  ha_web.alicloud.security_group:
    name: ha-web
    vpc_id: "{{ vpc.vpc.vpc_id }}"
    state: absent
"""

RETURN = r"""
security_group:
  description: The group as Describe returns it, in snake_case, with its rules; empty when absent.
  returned: always
  type: dict
  contains:
    security_group_id:
      description: The group's ID.
      type: str
      sample: sg-bp1gxw6bznjjvhu3a4f2
    security_group_name:
      description: Its name.
      type: str
      sample: ha-web
    vpc_id:
      description: The ID of its VPC.
      type: str
    description:
      description: Its description.
      type: str
    security_group_type:
      description: V(normal) or V(enterprise).
      type: str
      sample: normal
    inner_access_policy:
      description: Whether the instances in the group reach each other, V(Accept) or V(Drop).
      type: str
      sample: Accept
    ecs_count:
      description: How many ECS instances use it.
      type: int
    creation_time:
      description: When it was created (UTC).
      type: str
    tags:
      description: Its tags.
      type: dict
      sample: {"app": "ha-web"}
    rules:
      description: Its inbound rules, as DescribeSecurityGroupAttribute returns them.
      type: list
      elements: dict
      sample:
        - security_group_rule_id: sgr-bp1e3cx1m6pkmwfkb9hl
          direction: ingress
          ip_protocol: TCP
          port_range: 80/80
          source_cidr_ip: 100.64.0.0/10
          policy: Accept
          priority: "1"
          nic_type: intranet
          description: CLB health checks and forwarding
    rules_egress:
      description: Its outbound rules, in the same form (with C(dest_cidr_ip) / C(dest_group_id)).
      type: list
      elements: dict
"""

import ipaddress
import time
from functools import partial

from ansible_collections.ha_web.alicloud.plugins.module_utils.calls import dig
from ansible_collections.ha_web.alicloud.plugins.module_utils.ecs import SECURITY_GROUP_NOT_FOUND
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError, is_code
from ansible_collections.ha_web.alicloud.plugins.module_utils.locks import hold_resource_lock
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule, snake_resource
from ansible_collections.ha_web.alicloud.plugins.module_utils.tags import (
    tags_from_api,
    tags_to_api,
    validate_tags,
)
from ansible_collections.ha_web.alicloud.plugins.module_utils.validation import (
    fixed_field_problems,
    description_problem,
    port_range_problem,
    starts_with_url,
)
from ansible_collections.ha_web.alicloud.plugins.module_utils.vpc import VPC_AVAILABLE_FOR_CREATE, read_vpc
from ansible_collections.ha_web.alicloud.plugins.module_utils.waiters import Waiter, poll_delays

PROTOCOLS = ("tcp", "udp", "icmp", "gre", "all")
POLICIES = ("accept", "drop")
BATCH = 100  # Permissions.N and SecurityGroupRuleId.N take at most 100 entries
RELEASE_SECONDS = 30
VISIBLE_SECONDS = 60
VPC_AVAILABLE_SECONDS = 300  # a VPC is Available seconds after it is created
VISIBLE = Waiter("the new security group to be visible", field="Visible", success=[True], gone="wait")

# Per direction: the option, its purge option, the API's peer fields (CIDR, group) and the actions.
DIRECTIONS = {
    "ingress": {
        "option": "rules",
        "purge": "purge_rules",
        "cidr": ("source_cidr_ip", "SourceCidrIp"),
        "group": ("source_group_id", "SourceGroupId"),
        "authorize": "AuthorizeSecurityGroup",
        "revoke": "RevokeSecurityGroup",
        # Fields of a rule that a rule of this module never sets: a rule with any of them is another rule.
        "others": ("Ipv6SourceCidrIp", "SourcePrefixListId", "SourcePortRange", "Ipv6DestCidrIp", "DestCidrIp"),
    },
    "egress": {
        "option": "rules_egress",
        "purge": "purge_rules_egress",
        "cidr": ("dest_cidr_ip", "DestCidrIp"),
        "group": ("dest_group_id", "DestGroupId"),
        "authorize": "AuthorizeSecurityGroupEgress",
        "revoke": "RevokeSecurityGroupEgress",
        "others": ("Ipv6DestCidrIp", "DestPrefixListId", "SourcePortRange", "Ipv6SourceCidrIp", "SourceCidrIp"),
    },
}


def rule_spec(peer_cidr, peer_group):
    return dict(
        ip_protocol=dict(type="str"),
        port_range=dict(type="str"),
        policy=dict(type="str", default="accept"),
        priority=dict(type="int", default=1),
        description=dict(type="str"),
        **{peer_cidr: dict(type="str"), peer_group: dict(type="str")},
    )


# normalized rules ---------------------------------------------------------------------------------
def normal_cidr(text):
    """A CIDR block or address in one spelling (10.0.0.1 -> 10.0.0.1/32), so equal blocks compare equal."""
    if not text:
        return ""
    try:
        return str(ipaddress.ip_network(str(text).strip(), strict=False))
    except ValueError:
        return str(text).strip()


def normal_ports(text):
    text = (text or "").replace(" ", "")
    return "" if text in ("", "-1/-1") else text


def rule_key(direction, rule):
    """What makes a rule (an API Permission) the same rule: everything but its description, ID and time."""
    spec = DIRECTIONS[direction]
    protocol = (rule.get("IpProtocol") or "").upper()
    return (
        protocol,
        normal_ports(rule.get("PortRange")) or "-1/-1",
        normal_cidr(rule.get(spec["cidr"][1])),
        rule.get(spec["group"][1]) or "",
        (rule.get("Policy") or "accept").lower(),
        int(rule.get("Priority") or 1),
        (rule.get("NicType") or "intranet").lower(),
        tuple(
            normal_ports(rule.get(f)) if f.endswith("PortRange") else normal_cidr(rule.get(f)) or ""
            for f in spec["others"]
        ),
    )


def validate_rules(direction, rules):
    """(wanted permissions in the API's form, problems); each problem names rules[i].field."""
    spec = DIRECTIONS[direction]
    option = spec["option"]
    cidr_option, cidr_field = spec["cidr"]
    group_option, group_field = spec["group"]
    permissions, problems, seen = [], [], {}
    for index, rule in enumerate(rules or []):
        where = "%s[%d]" % (option, index)
        if not isinstance(rule, dict):
            problems.append("%s: must be a dictionary" % where)
            continue
        before = len(problems)
        protocol = (rule.get("ip_protocol") or "").strip().lower()
        if not protocol:
            problems.append("%s.ip_protocol: required (one of %s)" % (where, ", ".join(PROTOCOLS)))
        elif protocol not in PROTOCOLS:
            problems.append(
                "%s.ip_protocol: %r must be one of %s" % (where, rule.get("ip_protocol"), ", ".join(PROTOCOLS))
            )
        ports = rule.get("port_range")
        if protocol in ("tcp", "udp") and not ports:
            problems.append("%s.port_range: required for %s, like 80/80 or 1/65535" % (where, protocol))
        elif protocol in PROTOCOLS:
            ports = (ports or "-1/-1").replace(" ", "")
            problems.append(port_range_problem("%s.port_range" % where, ports, protocol))
        cidr, group = rule.get(cidr_option), rule.get(group_option)
        if bool(cidr) == bool(group):
            problems.append("%s: give exactly one of %s and %s" % (where, cidr_option, group_option))
        elif cidr:
            problems.append(ipv4_problem("%s.%s" % (where, cidr_option), cidr))
        policy = (rule.get("policy") or "accept").strip().lower()
        if policy not in POLICIES:
            problems.append("%s.policy: %r must be accept or drop" % (where, rule.get("policy")))
        priority = rule.get("priority")
        priority = 1 if priority is None else priority
        if not 1 <= int(priority) <= 100:
            problems.append("%s.priority: %s must be from 1 to 100" % (where, priority))
        description = rule.get("description")
        if description and (len(description) > 512 or starts_with_url(description)):
            problems.append("%s.description: must be at most 512 characters and not start with http(s)://" % where)
        problems = [p for p in problems if p]
        if len(problems) > before:
            continue
        low, high = (int(part) for part in ports.split("/"))
        permission = {
            "IpProtocol": protocol.upper(),
            "PortRange": "%d/%d" % (low, high),
            "Policy": policy,
            "Priority": str(int(priority)),
            "NicType": "intranet",
        }
        if cidr:
            permission[cidr_field] = str(cidr).strip()
        else:
            permission[group_field] = str(group).strip()
        if description:
            permission["Description"] = description
        key = rule_key(direction, permission)
        if key in seen:
            problems.append("%s: the same rule as %s[%d]; list each rule once" % (where, option, seen[key]))
            continue
        seen[key] = index
        permissions.append(permission)
    return permissions, problems


def ipv4_problem(option, value):
    try:
        network = ipaddress.ip_network(str(value).strip(), strict=False)
    except ValueError:
        return "%s: %r is neither an IPv4 address nor a CIDR block; write it like 192.168.0.0/16" % (option, value)
    if network.version != 4:
        return "%s: %r is IPv6; only IPv4 blocks are supported" % (option, value)
    return None


def validate(module):
    params = module.params
    problems = validate_tags(params["tags"])
    name = params["name"]
    if name is not None and (not 2 <= len(name) <= 128 or not name[0].isalpha() or starts_with_url(name)):
        problems.append(
            "name: %r must be 2 to 128 characters, start with a letter and not start with http:// or https://" % name
        )
    problems.append(description_problem("description", params["description"], 2, 256))
    if not params["security_group_id"] and not params["vpc_id"]:
        problems.append("vpc_id is required to find a security group by name (or give security_group_id)")
    wanted = {}
    if params["state"] == "present":
        for direction, spec in DIRECTIONS.items():
            if params[spec["option"]] is not None:
                wanted[direction], rule_problems = validate_rules(direction, params[spec["option"]])
                problems.extend(rule_problems)
    module.fail_on_problems(problems)
    return wanted


# reading --------------------------------------------------------------------------------------------
def find(module):
    """The group of the task with its rules: {"Group", "Rules", "Policy" (its InnerAccessPolicy)}; None if missing."""
    params = module.params
    query = {"RegionId": module.region_id}
    if params["security_group_id"]:
        query["SecurityGroupId"] = params["security_group_id"]
    else:
        query.update(VpcId=params["vpc_id"], SecurityGroupName=params["name"])
    found = module.paginate(
        "ecs", "DescribeSecurityGroups", query, ("SecurityGroups", "SecurityGroup"), page_size=100, token=True
    )
    if params["security_group_id"]:
        found = [g for g in found if g.get("SecurityGroupId") == params["security_group_id"]]
    else:
        found = [g for g in found if g.get("SecurityGroupName") == params["name"]]
    what = "security groups in VPC %s are named %r" % (params["vpc_id"], params["name"])
    group = module.at_most_one(found, "SecurityGroupId", "name", what, "security_group_id")
    return None if group is None else with_rules(module, group)


def with_rules(module, group):
    rules, policy = read_rules(module, group["SecurityGroupId"])
    return {"Group": group, "Rules": rules, "Policy": policy}


def read_group(module, group_id):
    body = module.call("ecs", "DescribeSecurityGroups", {"RegionId": module.region_id, "SecurityGroupId": group_id})
    found = [g for g in dig(body, "SecurityGroups", "SecurityGroup") or [] if g.get("SecurityGroupId") == group_id]
    return found[0] if found else None


def read_rules(module, group_id):
    """(every rule of the group, its InnerAccessPolicy), reading every page."""
    params = {"RegionId": module.region_id, "SecurityGroupId": group_id, "Direction": "all", "MaxResults": 1000}
    rules, policy = [], None
    while True:
        body = module.call("ecs", "DescribeSecurityGroupAttribute", params)
        rules.extend(dig(body, "Permissions", "Permission") or [])
        policy = policy or body.get("InnerAccessPolicy")
        if not body.get("NextToken"):
            return rules, policy
        params["NextToken"] = body["NextToken"]


def split(rules):
    result = {"ingress": [], "egress": []}
    for rule in rules:
        result.setdefault((rule.get("Direction") or "ingress").lower(), []).append(rule)
    return result


def render(found):
    """The group as the module returns it: snake_case, tags as a dict, with its rules."""
    result = snake_resource(found["Group"])
    by_direction = split(found["Rules"])
    result["rules"] = [snake_resource(r, tags_field=None) for r in by_direction["ingress"]]
    result["rules_egress"] = [snake_resource(r, tags_field=None) for r in by_direction["egress"]]
    if found["Policy"]:
        result["inner_access_policy"] = found["Policy"]
    return result


# changing ---------------------------------------------------------------------------------------------
def compare(module, group):
    """The attributes that differ from the task, as ModifySecurityGroupAttribute takes them."""
    params = module.params
    changes = {}
    if params["name"] is not None and params["name"] != group.get("SecurityGroupName"):
        changes["SecurityGroupName"] = params["name"]
    if params["description"] is not None and params["description"] != (group.get("Description") or ""):
        changes["Description"] = params["description"]
    return changes


def compare_rules(module, wanted, rules):
    """Per direction: (permissions to add, rules to revoke)."""
    rule_changes = {}
    by_direction = split(rules)
    for direction, permissions in wanted.items():
        current = by_direction.get(direction, [])
        current_keys = {rule_key(direction, r) for r in current}
        wanted_keys = {rule_key(direction, p) for p in permissions}
        to_add = [p for p in permissions if rule_key(direction, p) not in current_keys]
        to_revoke = []
        if module.params[DIRECTIONS[direction]["purge"]]:
            to_revoke = [r for r in current if rule_key(direction, r) not in wanted_keys]
        rule_changes[direction] = (to_add, to_revoke)
    return rule_changes


def any_rule_changes(rule_changes):
    return any(to_add or to_revoke for to_add, to_revoke in rule_changes.values())


def apply_rules(module, group_id, rule_changes):
    """Add first, then revoke: replacing a rule never leaves a moment without either."""
    for direction, changes in rule_changes.items():
        to_add = changes[0]
        for start in range(0, len(to_add), BATCH):
            module.call(
                "ecs",
                DIRECTIONS[direction]["authorize"],
                {
                    "RegionId": module.region_id,
                    "SecurityGroupId": group_id,
                    "Permissions": to_add[start : start + BATCH],
                },
                client_token=True,
            )
    for direction, changes in rule_changes.items():
        rule_ids = [r["SecurityGroupRuleId"] for r in changes[1]]
        for start in range(0, len(rule_ids), BATCH):
            revoke(module, group_id, direction, rule_ids[start : start + BATCH])


def revoke(module, group_id, direction, rule_ids):
    request = {"RegionId": module.region_id, "SecurityGroupId": group_id, "SecurityGroupRuleId": rule_ids}
    try:
        module.call("ecs", DIRECTIONS[direction]["revoke"], request, client_token=True)
    except AlicloudApiError as error:
        if not is_code(error, "InvalidSecurityGroupRuleId.NotFound"):
            raise
        # Some were revoked already (by an earlier attempt that got no answer, or by someone else).
        present = {r.get("SecurityGroupRuleId") for r in read_rules(module, group_id)[0]}
        remaining = [rule_id for rule_id in rule_ids if rule_id in present]
        if remaining:
            module.call(
                "ecs", DIRECTIONS[direction]["revoke"], dict(request, SecurityGroupRuleId=remaining), client_token=True
            )


def planned_rules(rules, rule_changes):
    """The rules as they will be after `rule_changes`, in the API's shape (check mode)."""
    doomed = {r.get("SecurityGroupRuleId") for changes in rule_changes.values() for r in changes[1]}
    result = [r for r in rules if r.get("SecurityGroupRuleId") not in doomed]
    for direction, changes in rule_changes.items():
        for permission in changes[0]:
            rule = dict(permission, Direction=direction, Policy=permission["Policy"].capitalize())
            result.append(rule)
    return result


def send_create(module, request):
    """CreateSecurityGroup; the group's ID. A VPC still being created (a site's VPC asked for with wait=false) refuses
    it with IncorrectVpcStatus: it is sent again once the VPC is Available."""
    for attempt in (1, 2):
        try:
            return module.call("ecs", "CreateSecurityGroup", request, client_token=True)["SecurityGroupId"]
        except AlicloudApiError as error:
            if is_code(error, "InvalidVpcId.NotFound"):
                module.fail("vpc_id: VPC %s does not exist in region %s" % (request["VpcId"], module.region_id))
            if attempt == 2 or not is_code(error, "IncorrectVpcStatus"):
                raise
        module.wait(VPC_AVAILABLE_FOR_CREATE, lambda: read_vpc(module, request["VpcId"]), VPC_AVAILABLE_SECONDS)


def create(module, wanted):
    params = module.params
    if params["security_group_id"]:
        module.fail(
            "security_group_id: security group %s does not exist in region %s; leave security_group_id out to "
            "create a group by name" % (params["security_group_id"], module.region_id)
        )
    if not params["vpc_id"]:
        module.fail("vpc_id: required to create security group %r" % params["name"])
    if module.check_mode:
        return True, None
    request = {
        "RegionId": module.region_id,
        "VpcId": params["vpc_id"],
        "SecurityGroupName": params["name"],
        "Description": params["description"],
        "SecurityGroupType": params["security_group_type"],
    }
    if params["tags"]:
        request["Tag"] = tags_to_api(params["tags"])
    group_id = send_create(module, request)
    rule_changes = {direction: (permissions, []) for direction, permissions in wanted.items()}
    apply_rules(module, group_id, rule_changes)
    # A new group may take a moment to show in Describe.
    found = module.wait(VISIBLE, lambda: visible(read_group(module, group_id)), VISIBLE_SECONDS)
    return True, with_rules(module, found["Group"])


def visible(group):
    return None if group is None else {"Visible": True, "Group": group}


def compare_fixed(module, group):
    """What the task asks to change that a security group keeps from its creation on."""
    fixed = (("vpc_id", "VPC", group.get("VpcId")), ("security_group_type", "type", group.get("SecurityGroupType")))
    fix = "delete it, or use another name"
    return fixed_field_problems(module.params, fixed, "security group", group["SecurityGroupId"], fix)


def update(module, found, wanted):
    group, rules = found["Group"], found["Rules"]
    group_id = group["SecurityGroupId"]
    module.fail_on_problems(compare_fixed(module, group))
    changes = compare(module, group)
    rule_changes = compare_rules(module, wanted, rules)
    if changes and not module.check_mode:
        module.call(
            "ecs", "ModifySecurityGroupAttribute", dict(changes, RegionId=module.region_id, SecurityGroupId=group_id)
        )
    if not module.check_mode:
        apply_rules(module, group_id, rule_changes)
    tags_changed = module.update_tags("ecs", "securitygroup", group_id, tags_from_api(group.get("Tags")))
    changed = bool(changes) or tags_changed or any_rule_changes(rule_changes)
    if module.check_mode:
        planned_group = module.planned_update(group, changes)
        return changed, dict(found, Group=planned_group, Rules=planned_rules(rules, rule_changes))
    if changed:
        group = read_group(module, group_id) or group
    if any_rule_changes(rule_changes):
        return changed, with_rules(module, group)
    return changed, dict(found, Group=group)


def delete(module, found):
    if module.check_mode:
        return True
    group_id = found["Group"]["SecurityGroupId"]
    deadline = time.monotonic() + RELEASE_SECONDS
    delays = poll_delays(first=1.0, longest=5.0)
    while True:
        try:
            module.call("ecs", "DeleteSecurityGroup", {"RegionId": module.region_id, "SecurityGroupId": group_id})
            return True
        except AlicloudApiError as error:
            if is_code(error, *SECURITY_GROUP_NOT_FOUND):
                return True
            if not is_code(error, "DependencyViolation.*"):
                raise
            fresh = read_group(module, group_id)
            if fresh is None:
                return True
            in_use = int(fresh.get("EcsCount") or 0)
            about_instances = "instance" in (error.message or "").lower()
            if about_instances and in_use == 0 and time.monotonic() < deadline:
                # Instances deleted a moment ago may still hold the group; try again for a while.
                time.sleep(next(delays))
                continue
            if in_use or about_instances:
                hint = "Remove it from its %d ECS instance(s), or delete them, first" % in_use
            else:
                hint = "Revoke the rules of other security groups that name it (source_group_id / dest_group_id) first"
            module.fail(
                "security group %s cannot be deleted: %s. %s, then run this task again"
                % (group_id, error.describe(), hint),
                error=error.as_dict(),
            )


def main():
    module = AlicloudModule(
        argument_spec=dict(
            security_group_id=dict(type="str", aliases=["group_id"]),
            name=dict(type="str", aliases=["group_name", "security_group_name"]),
            vpc_id=dict(type="str"),
            description=dict(type="str"),
            security_group_type=dict(type="str", choices=["normal", "enterprise"]),
            rules=dict(type="list", elements="dict", options=rule_spec("source_cidr_ip", "source_group_id")),
            rules_egress=dict(type="list", elements="dict", options=rule_spec("dest_cidr_ip", "dest_group_id")),
            purge_rules=dict(type="bool", default=True),
            purge_rules_egress=dict(type="bool", default=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            tags=dict(type="dict"),
            purge_tags=dict(type="bool", default=True),
        ),
        required_one_of=[["name", "security_group_id"]],
        supports_check_mode=True,
    )
    wanted = validate(module)
    params = module.params
    hold_resource_lock(module, "security_group", params["vpc_id"], params["name"])
    what = "security group %s" % (params["security_group_id"] or params["name"])
    module.ensure(
        "security_group",
        what,
        find,
        partial(create, wanted=wanted),
        partial(update, wanted=wanted),
        delete,
        render,
        partial(planned, wanted=wanted),
    )


def planned(module, wanted):
    """What check mode would create."""
    params = module.params
    rules = planned_rules([], {direction: (permissions, []) for direction, permissions in wanted.items()})
    by_direction = split(rules)
    return {
        "security_group_name": params["name"],
        "vpc_id": params["vpc_id"],
        "description": params["description"] or "",
        "security_group_type": params["security_group_type"] or "normal",
        "tags": params["tags"] or {},
        "rules": [snake_resource(r, tags_field=None) for r in by_direction["ingress"]],
        "rules_egress": [snake_resource(r, tags_field=None) for r in by_direction["egress"]],
    }


if __name__ == "__main__":
    main()
