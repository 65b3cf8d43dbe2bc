"""ECS security groups and their rules."""

import ipaddress

from .. import ids
from ..errors import invalid_parameter
from . import ecs_errors
from .base import (
    TextRule,
    check_tag_limit,
    iso,
    matches_tags,
    page,
    resource_group_id,
    tags_with_tag_key,
    token_page,
    uses_token_paging,
)
from .ecs import ECS

# The private fields of a `security_group` (beside the store's own, see store.py).
PRIVATE_FIELDS = {
    "security_group": {
        "_rules": "its rules, each a dict of RULE_FIELDS; only this file reads them",
    },
}
MAX_RULES = 200
PROTOCOLS = {"tcp": "TCP", "udp": "UDP", "icmp": "ICMP", "icmpv6": "ICMPv6", "gre": "GRE", "all": "ALL"}
PORTED_PROTOCOLS = ("TCP", "UDP")
POLICIES = {"accept": "Accept", "drop": "Drop"}
# Every field of a rule as DescribeSecurityGroupAttribute shows it (the SDK's Permission model).
RULE_FIELDS = (
    "SecurityGroupRuleId", "Direction", "IpProtocol", "PortRange", "SourcePortRange", "SourceCidrIp",
    "Ipv6SourceCidrIp", "SourceGroupId", "SourceGroupName", "SourceGroupOwnerAccount", "SourcePrefixListId",
    "SourcePrefixListName", "DestCidrIp", "Ipv6DestCidrIp", "DestGroupId", "DestGroupName", "DestGroupOwnerAccount",
    "DestPrefixListId", "DestPrefixListName", "PortRangeListId", "PortRangeListName", "Policy", "Priority",
    "NicType", "Description", "CreateTime",
)  # fmt: skip
# What makes two rules the same rule (the description and the creation time do not).
RULE_IDENTITY = (
    "Direction", "IpProtocol", "PortRange", "SourcePortRange", "SourceCidrIp", "Ipv6SourceCidrIp", "SourceGroupId",
    "SourcePrefixListId", "DestCidrIp", "Ipv6DestCidrIp", "DestGroupId", "DestPrefixListId", "Policy", "Priority",
    "NicType",
)  # fmt: skip
# The deprecated top-level (flat) form of one permission.
FLAT_PERMISSION_FIELDS = (
    "IpProtocol", "PortRange", "SourcePortRange", "SourceCidrIp", "Ipv6SourceCidrIp", "SourceGroupId",
    "SourceGroupOwnerAccount", "SourceGroupOwnerId", "SourcePrefixListId", "DestCidrIp", "Ipv6DestCidrIp",
    "DestGroupId", "DestGroupOwnerAccount", "DestGroupOwnerId", "DestPrefixListId", "Policy", "Priority", "NicType",
    "Description",
)  # fmt: skip
# Per direction: the peer fields of which one is required, and the error when none is given.
PEERS = {
    "ingress": (
        ("SourceCidrIp", "Ipv6SourceCidrIp", "SourceGroupId", "SourcePrefixListId"),
        ecs_errors.MISSING_PARAMETER_SOURCE,
    ),
    "egress": (
        ("DestCidrIp", "Ipv6DestCidrIp", "DestGroupId", "DestPrefixListId"),
        ecs_errors.MISSING_PARAMETER_DEST,
    ),
}
CIDR_ERRORS = {
    "SourceCidrIp": (ecs_errors.INVALID_SOURCE_CIDR_IP_MALFORMED, 4),
    "DestCidrIp": (ecs_errors.INVALID_DEST_CIDR_IP_MALFORMED, 4),
    "Ipv6SourceCidrIp": (ecs_errors.INVALID_PARAM_IPV6_SOURCE_CIDR_IP, 6),
    "Ipv6DestCidrIp": (ecs_errors.INVALID_PARAM_IPV6_DEST_CIDR_IP, 6),
}
PEER_GROUP_ERRORS = {  # (not found, in another VPC)
    "SourceGroupId": (ecs_errors.INVALID_SOURCE_GROUP_ID_NOT_FOUND, ecs_errors.INVALID_SOURCE_GROUP_ID_MISMATCH),
    "DestGroupId": (ecs_errors.INVALID_DEST_GROUP_ID_NOT_FOUND, ecs_errors.INVALID_DEST_GROUP_ID_MISMATCH),
}


def _security_group(ctx, group_id):
    group = ctx.store.get("security_group", group_id)
    if group is None or group["_region"] != ctx.region:
        raise ecs_errors.INVALID_SECURITY_GROUP_ID_NOT_FOUND()
    return group


NAME = TextRule(2, 128, ecs_errors.INVALID_SECURITY_GROUP_NAME_MALFORMED, letter_first=True)
DESCRIPTION = TextRule(2, 256, ecs_errors.INVALID_DESCRIPTION_MALFORMED)
RULE_DESCRIPTION = TextRule(0, 512, ecs_errors.INVALID_SECURITY_GROUP_DISCRIPTION_MALFORMED)


# security groups ------------------------------------------------------------------------------
def _vpc_for_group(ctx, vpc_id):
    if vpc_id is None:
        raise ecs_errors.INVALID_VPC_ID_NOT_FOUND_EMPTY()
    vpc = ctx.store.get("vpc", vpc_id)
    if vpc is None or vpc["_region"] != ctx.region:
        raise ecs_errors.INVALID_VPC_ID_NOT_FOUND()
    if vpc["Status"] != "Available":
        raise ecs_errors.INCORRECT_VPC_STATUS()
    return vpc


@ECS.action("CreateSecurityGroup", client_token=True)
def create_security_group(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    name = NAME.check(p.str("SecurityGroupName"))
    description = DESCRIPTION.check(p.str("Description"))
    group_type = p.str("SecurityGroupType", default="normal")
    if group_type not in ("normal", "enterprise"):
        raise ecs_errors.INVALID_PARAMS_GROUP_TYPE()
    tags = p.tags()
    check_tag_limit(tags)
    vpc = _vpc_for_group(ctx, p.str("VpcId"))
    group_id = ids.resource_id("sg", 20)
    group = ctx.store.add(
        "security_group",
        group_id,
        {
            "SecurityGroupId": group_id,
            "VpcId": vpc["VpcId"],
            "SecurityGroupName": name or "",
            "Description": description or "",
            "SecurityGroupType": group_type,
            "InnerAccessPolicy": "Accept" if group_type == "normal" else "Drop",
            "ResourceGroupId": resource_group_id(p),
            "ServiceManaged": False,
            "_rules": [],
            "_tags": tags,
        },
        region=ctx.region,
    )
    ctx.runtime.changed("security_group", "created", group, ctx.store)
    return {"SecurityGroupId": group_id}


def _instances_in(ctx, group_id):
    return [i for i in ctx.store.all("instance") if group_id in i.get("_security_group_ids", [])]


def _render_group(ctx, group):
    ecs_count = len(_instances_in(ctx, group["SecurityGroupId"]))
    capacity = 2000 if group["SecurityGroupType"] == "normal" else 65536
    return {
        "SecurityGroupId": group["SecurityGroupId"],
        "SecurityGroupName": group["SecurityGroupName"],
        "Description": group["Description"],
        "SecurityGroupType": group["SecurityGroupType"],
        "VpcId": group["VpcId"],
        "CreationTime": iso(group["_created_at"]),
        "ResourceGroupId": group["ResourceGroupId"],
        "EcsCount": ecs_count,
        "AvailableInstanceAmount": capacity - ecs_count,
        "RuleCount": len(group["_rules"]),
        "GroupToGroupRuleCount": sum(1 for r in group["_rules"] if r["SourceGroupId"] or r["DestGroupId"]),
        "ServiceManaged": group["ServiceManaged"],
        "Tags": tags_with_tag_key(group),
    }


def _wanted_group_ids(params):
    wanted = params.json("SecurityGroupIds")
    if wanted is not None and (not isinstance(wanted, list) or len(wanted) > 100):
        raise invalid_parameter("SecurityGroupIds", params.str("SecurityGroupIds"), "A JSON array of at most 100 IDs.")
    single = params.str("SecurityGroupId")
    return wanted, single


@ECS.action("DescribeSecurityGroups")
def describe_security_groups(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    vpc_id, name, group = p.str("VpcId"), p.str("SecurityGroupName"), p.str("ResourceGroupId")
    group_type = p.str("SecurityGroupType")
    if group_type is not None and group_type not in ("normal", "enterprise"):
        raise ecs_errors.INVALID_PARAMETER_SECURITY_GROUP_TYPE()
    wanted_ids, single_id = _wanted_group_ids(p)
    wanted_tags = p.tags()
    groups = [
        g
        for g in ctx.list("security_group")
        if (vpc_id is None or g["VpcId"] == vpc_id)
        and (single_id is None or g["SecurityGroupId"] == single_id)
        and (wanted_ids is None or g["SecurityGroupId"] in wanted_ids)
        and (name is None or g["SecurityGroupName"] == name)
        and (group is None or g["ResourceGroupId"] == group)
        and (group_type is None or g["SecurityGroupType"] == group_type)
        and matches_tags(g, wanted_tags)
    ]
    if uses_token_paging(p):
        chunk, meta = token_page(groups, p, max_size=100)
        paging = {"NextToken": meta["NextToken"]}
    else:
        chunk, paging = page(groups, p, max_size=100)
    rendered = [_render_group(ctx, g) for g in chunk]
    return {**paging, "RegionId": ctx.region, "SecurityGroups": {"SecurityGroup": rendered}}


@ECS.action("ModifySecurityGroupAttribute")
def modify_security_group_attribute(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    group = _security_group(ctx, p.str("SecurityGroupId", required=True))
    name = NAME.check(p.str("SecurityGroupName"))
    description = DESCRIPTION.check(p.str("Description"))
    if name is not None:
        group["SecurityGroupName"] = name
    if description is not None:
        group["Description"] = description
    ctx.runtime.changed("security_group", "updated", group, ctx.store)
    return {}


def _referencing_groups(ctx, group_id):
    return [
        other
        for other in ctx.store.all("security_group")
        if other["SecurityGroupId"] != group_id
        and any(group_id in (r["SourceGroupId"], r["DestGroupId"]) for r in other["_rules"])
    ]


@ECS.action("DeleteSecurityGroup")
def delete_security_group(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    group = _security_group(ctx, p.str("SecurityGroupId", required=True))
    group_id = group["SecurityGroupId"]
    if _instances_in(ctx, group_id):
        raise ecs_errors.DEPENDENCY_VIOLATION_INSTANCES()
    if _referencing_groups(ctx, group_id):
        raise ecs_errors.DEPENDENCY_VIOLATION_AUTHORIZED()
    ctx.store.remove("security_group", group_id)
    ctx.runtime.changed("security_group", "deleted", group, ctx.store)
    return {}


# rules: reading and checking a permission -----------------------------------------------------
def _requested_permissions(params):
    """The permissions of an Authorize/Revoke call: `Permissions.N.*` or the deprecated flat form."""
    permissions = params.objects("Permissions")
    flat = {name: params.str(name) for name in FLAT_PERMISSION_FIELDS if name in params}
    if permissions and flat:
        raise ecs_errors.INVALID_PARAM_PERMISSIONS()
    return permissions or [flat]


def _protocol(permission):
    given = permission.get("IpProtocol", "")
    if not given:
        raise ecs_errors.MISSING_PARAMETER_IP_PROTOCOL()
    protocol = PROTOCOLS.get(given.lower())
    if protocol is None:
        raise ecs_errors.INVALID_IP_PROTOCOL_VALUE_NOT_SUPPORTED()
    return protocol


def _port_range(text, protocol, name="PortRange"):
    """`a/b` with 1 <= a <= b <= 65535 for TCP and UDP; `-1/-1` for the other protocols."""
    if protocol not in PORTED_PROTOCOLS:
        if text.replace(" ", "") != "-1/-1":
            raise ecs_errors.OPERATION_DENIED()
        return "-1/-1"
    try:
        start, end = (int(part) for part in text.split("/"))
    except ValueError:
        start, end = 0, -1
    if not 1 <= start <= end <= 65535:
        raise ecs_errors.INVALID_PARAM_PORT_RANGE(name=name)
    return f"{start}/{end}"


def _policy(permission):
    given = permission.get("Policy") or "accept"
    policy = POLICIES.get(given.lower())
    if policy is None:
        raise ecs_errors.INVALID_POLICY_MALFORMED()
    return policy


def _priority(permission):
    given = permission.get("Priority") or "1"
    try:
        priority = int(given)
    except ValueError:
        raise ecs_errors.INVALID_PRIORITY_MALFORMED() from None
    if not 1 <= priority <= 100:
        raise ecs_errors.INVALID_PRIORITY_VALUE_NOT_SUPPORTED(given=given)
    return str(priority)


def _nic_type(permission):
    given = permission.get("NicType") or "intranet"
    if given not in ("intranet", "internet"):
        raise ecs_errors.INVALID_NIC_TYPE_VALUE_NOT_SUPPORTED()
    return "intranet"  # a VPC security group only has intranet rules


def _cidr(permission, name):
    text = permission.get(name, "")
    if not text:
        return ""
    error, version = CIDR_ERRORS[name]
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        network = None
    if network is None or network.version != version:
        raise error()
    return text


def _description(permission):
    return RULE_DESCRIPTION.check(permission.get("Description", ""))


def _peer_group(ctx, group, permission, name):
    """A SourceGroupId / DestGroupId: an existing group of the same VPC that is not the group itself."""
    peer_id = permission.get(name, "")
    if not peer_id:
        return ""
    if peer_id == group["SecurityGroupId"]:
        raise ecs_errors.INVALID_PARAMTER_CONFLICT(name=name)
    peer = ctx.store.get("security_group", peer_id)
    if peer is None or peer["_region"] != ctx.region:
        raise PEER_GROUP_ERRORS[name][0]()
    if peer["VpcId"] != group["VpcId"]:
        raise PEER_GROUP_ERRORS[name][1]()
    if peer["SecurityGroupType"] == "enterprise" or group["SecurityGroupType"] == "enterprise":
        raise ecs_errors.INVALID_GROUP_AUTH_PARAMETER_OPERATION_DENIED()
    return peer_id


def _rule_from(ctx, group, direction, permission):
    """A checked, normalised rule (without id and time) from one requested permission."""
    protocol = _protocol(permission)
    port_text = permission.get("PortRange", "")
    if not port_text:
        raise ecs_errors.INVALID_PORT_RANGE_MALFORMED()
    source_ports = permission.get("SourcePortRange", "")
    rule = dict.fromkeys(RULE_FIELDS, "")
    rule.update(
        {
            "Direction": direction,
            "IpProtocol": protocol,
            "PortRange": _port_range(port_text, protocol),
            "SourcePortRange": _port_range(source_ports, protocol, "SourcePortRange") if source_ports else "",
            "SourceCidrIp": _cidr(permission, "SourceCidrIp"),
            "Ipv6SourceCidrIp": _cidr(permission, "Ipv6SourceCidrIp"),
            "DestCidrIp": _cidr(permission, "DestCidrIp"),
            "Ipv6DestCidrIp": _cidr(permission, "Ipv6DestCidrIp"),
            "SourcePrefixListId": permission.get("SourcePrefixListId", ""),
            "DestPrefixListId": permission.get("DestPrefixListId", ""),
            "Policy": _policy(permission),
            "Priority": _priority(permission),
            "NicType": _nic_type(permission),
            "Description": _description(permission),
        }
    )
    peer_fields, missing_peer = PEERS[direction]
    peer_group_field = peer_fields[2]
    rule[peer_group_field] = _peer_group(ctx, group, permission, peer_group_field)
    if not any(rule[name] for name in peer_fields):
        raise missing_peer()
    if group["SecurityGroupType"] == "enterprise" and rule["Policy"] == "Drop":
        raise ecs_errors.INVALID_GROUP_PARAMETER_OPERATION_DENIED()
    return rule


def _identity(rule):
    return tuple(rule[name] for name in RULE_IDENTITY)


def _requested_rules(ctx, group, direction):
    rules = [_rule_from(ctx, group, direction, permission) for permission in _requested_permissions(ctx.params)]
    identities = [_identity(rule) for rule in rules]
    if len(set(identities)) != len(identities):
        raise ecs_errors.INVALID_PARAM_DUPLICATE_PERMISSIONS()
    return rules


# rules: the actions ---------------------------------------------------------------------------
def _authorize(ctx, direction):
    p = ctx.params
    p.str("RegionId", required=True)
    group = _security_group(ctx, p.str("SecurityGroupId", required=True))
    existing = {_identity(rule) for rule in group["_rules"]}
    new_rules = [rule for rule in _requested_rules(ctx, group, direction) if _identity(rule) not in existing]
    if len(group["_rules"]) + len(new_rules) > MAX_RULES:
        raise ecs_errors.AUTHORIZATION_LIMIT_EXCEED()
    for rule in new_rules:
        rule["SecurityGroupRuleId"] = ids.resource_id("sgr", 20)
        rule["CreateTime"] = iso(ctx.now)
    if new_rules:
        group["_rules"] = group["_rules"] + new_rules
        ctx.runtime.changed("security_group", "updated", group, ctx.store)
    return {}


@ECS.action("AuthorizeSecurityGroup", client_token=True)
def authorize_security_group(ctx):
    return _authorize(ctx, "ingress")


@ECS.action("AuthorizeSecurityGroupEgress", client_token=True)
def authorize_security_group_egress(ctx):
    return _authorize(ctx, "egress")


def _rules_by_id(ctx, group, direction, rule_ids):
    if len(set(rule_ids)) != len(rule_ids):
        raise ecs_errors.INVALID_PARAM_SECURITY_GROUP_RULE_ID_REPEATED()
    by_id = {r["SecurityGroupRuleId"]: r for r in group["_rules"] if r["Direction"] == direction}
    for rule_id in rule_ids:
        if rule_id not in by_id:
            raise ecs_errors.INVALID_SECURITY_GROUP_RULE_ID_NOT_FOUND()
    return {_identity(by_id[rule_id]) for rule_id in rule_ids}


def _revoke(ctx, direction):
    p = ctx.params
    p.str("RegionId", required=True)
    group = _security_group(ctx, p.str("SecurityGroupId", required=True))
    rule_ids = p.list("SecurityGroupRuleId")
    if rule_ids:
        doomed = _rules_by_id(ctx, group, direction, rule_ids)
    else:
        doomed = {_identity(rule) for rule in _requested_rules(ctx, group, direction)}
    kept = [rule for rule in group["_rules"] if _identity(rule) not in doomed]
    if len(kept) != len(group["_rules"]):
        group["_rules"] = kept
        ctx.runtime.changed("security_group", "updated", group, ctx.store)
    return {}


@ECS.action("RevokeSecurityGroup", client_token=True)
def revoke_security_group(ctx):
    return _revoke(ctx, "ingress")


@ECS.action("RevokeSecurityGroupEgress", client_token=True)
def revoke_security_group_egress(ctx):
    return _revoke(ctx, "egress")


def _render_rule(ctx, rule):
    rendered = dict(rule)
    for id_field, name_field in (("SourceGroupId", "SourceGroupName"), ("DestGroupId", "DestGroupName")):
        peer = ctx.store.get("security_group", rule[id_field]) if rule[id_field] else None
        rendered[name_field] = peer["SecurityGroupName"] if peer else ""
    return rendered


@ECS.action("DescribeSecurityGroupAttribute")
def describe_security_group_attribute(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    group = _security_group(ctx, p.str("SecurityGroupId", required=True))
    direction = p.str("Direction", default="all", choices=("ingress", "egress", "all"))
    nic_type = p.str("NicType")
    if nic_type is not None and nic_type not in ("intranet", "internet"):
        raise ecs_errors.INVALID_NIC_TYPE_VALUE_NOT_SUPPORTED()
    rules = [r for r in group["_rules"] if direction == "all" or r["Direction"] == direction]
    chunk, meta = token_page(rules, p, default_size=500, max_size=1000, min_size=10)
    return {
        "RegionId": ctx.region,
        "SecurityGroupId": group["SecurityGroupId"],
        "SecurityGroupName": group["SecurityGroupName"],
        "Description": group["Description"],
        "VpcId": group["VpcId"],
        "InnerAccessPolicy": group["InnerAccessPolicy"],
        "NextToken": meta["NextToken"],
        "Permissions": {"Permission": [_render_rule(ctx, r) for r in chunk]},
    }
