"""VPC 2016-04-28: VPCs and vSwitches."""

from .. import ids
from ..errors import invalid_parameter
from ..netcheck import is_reserved, parse_network, usable_hosts
from . import vpc_errors
from .addresses import used_addresses
from .base import Product, TextRule, check_tag_limit, dry_run, iso, matches_tags, page, resource_group_id, tags_with_key
from .tagging import register_tagging

VPC = Product(code="Vpc", version="2016-04-28", endpoint_prefix="vpc", permission_denied=vpc_errors.FORBIDDEN)
register_tagging(
    VPC,
    {"VPC": "vpc", "VSWITCH": "vswitch"},
    not_found=lambda _id: vpc_errors.INVALID_INSTANCE_IDS_NOT_FOUND(),
    untag_action="UnTagResources",
)


# The private fields of a `vpc` (beside the store's own, see store.py).
PRIVATE_FIELDS = {
    "vpc": {
        "_route_table_id": "its system route table's ID, as DescribeVpcs and DescribeVSwitches show it",
    },
}
VPC_NAME = TextRule(1, 128, vpc_errors.INVALID_VPC_NAME_MALFORMED)
VSWITCH_NAME = TextRule(1, 128, vpc_errors.INVALID_VSWITCH_NAME_MALFORMED)
DESCRIPTION = TextRule(0, 256, vpc_errors.INVALID_DESCRIPTION_MALFORMED)


def _vpc(ctx, vpc_id):
    vpc = ctx.store.get("vpc", vpc_id)
    if vpc is None or vpc["_region"] != ctx.region:
        raise vpc_errors.INVALID_VPC_ID_NOT_FOUND()
    return vpc


def _vswitch(ctx, vswitch_id):
    vswitch = ctx.store.get("vswitch", vswitch_id)
    if vswitch is None or (ctx.params.str("RegionId") and vswitch["_region"] != ctx.region):
        raise vpc_errors.INVALID_VSWITCH_ID_NOT_FOUND()
    return vswitch


# VPCs -----------------------------------------------------------------------------------------
def _render_vpc(ctx, vpc):
    vswitches = [v["VSwitchId"] for v in ctx.store.find("vswitch", VpcId=vpc["VpcId"])]
    return {
        **{k: v for k, v in vpc.items() if not k.startswith("_")},
        "CreationTime": iso(vpc["_created_at"]),
        "VSwitchIds": {"VSwitchId": vswitches},
        "RouterTableIds": {"RouterTableIds": [vpc["_route_table_id"]]},
        "NatGatewayIds": {"NatGatewayIds": []},
        "SecondaryCidrBlocks": {"SecondaryCidrBlock": []},
        "UserCidrs": {"UserCidr": []},
        "Ipv6CidrBlocks": {"Ipv6CidrBlock": []},
        "Tags": tags_with_key(vpc),
    }


@VPC.action("CreateVpc", client_token=True)
def create_vpc(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    cidr_text = p.str("CidrBlock", default="172.16.0.0/12")
    network = parse_network(cidr_text, "InvalidParameter", "Specified CIDR block is not valid")
    if network.version != 4 or not 8 <= network.prefixlen <= 28 or is_reserved(network):
        raise vpc_errors.INVALID_PARAMETER_CIDR_BLOCK()
    name = VPC_NAME.check(p.str("VpcName"))
    description = DESCRIPTION.check(p.str("Description"))
    tags = p.tags()
    check_tag_limit(tags)
    dry_run(p)
    vpc_id = ids.resource_id("vpc", 21)
    route_table_id = ids.resource_id("vtb", 21)
    vpc = ctx.store.add(
        "vpc",
        vpc_id,
        {
            "VpcId": vpc_id,
            "RegionId": ctx.region,
            "Status": "Pending",
            "VpcName": name or "",
            "CidrBlock": str(network),
            "Ipv6CidrBlock": "",
            "VRouterId": ids.resource_id("vrt", 21),
            "Description": description or "",
            "IsDefault": False,
            "ResourceGroupId": resource_group_id(p),
            "OwnerId": 1234567890123456,
            "CenStatus": "Detached",
            "DhcpOptionsSetId": "",
            "DhcpOptionsSetStatus": "Available",
            "DnsHostnameStatus": "DISABLED",
            "EnabledIpv6": False,
            "_route_table_id": route_table_id,
            "_tags": tags,
        },
        region=ctx.region,
    )
    ctx.schedule(vpc, [("vpc.create", "Status", "Available")])
    return {
        "VpcId": vpc_id,
        "VRouterId": vpc["VRouterId"],
        "RouteTableId": route_table_id,
        "ResourceGroupId": vpc["ResourceGroupId"],
    }


@VPC.action("DescribeVpcs")
def describe_vpcs(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    wanted_ids = p.comma_list("VpcId")
    if len(wanted_ids) > 20:
        raise invalid_parameter("VpcId", p.str("VpcId"), "At most 20 VPC IDs.")
    name = p.str("VpcName")
    group = p.str("ResourceGroupId")
    is_default = p.bool("IsDefault", default=None) if "IsDefault" in p else None
    wanted_tags = p.tags()
    vpcs = [
        v
        for v in ctx.list("vpc")
        if (not wanted_ids or v["VpcId"] in wanted_ids)
        and (name is None or v["VpcName"] == name)
        and (group is None or v["ResourceGroupId"] == group)
        and (is_default is None or v["IsDefault"] == is_default)
        and matches_tags(v, wanted_tags)
    ]
    chunk, meta = page(vpcs, p, max_size=50)
    return {**meta, "Vpcs": {"Vpc": [_render_vpc(ctx, v) for v in chunk]}}


@VPC.action("DescribeVpcAttribute")
def describe_vpc_attribute(ctx):
    vpc = _vpc(ctx, ctx.params.str("VpcId", required=True))
    rendered = _render_vpc(ctx, vpc)
    for field in ("CenStatus", "RouterTableIds", "NatGatewayIds"):  # the flat attribute view lacks these
        del rendered[field]
    rendered["AssociatedCens"] = {"AssociatedCen": []}
    rendered["CloudResources"] = {"CloudResourceSetType": []}
    return rendered


@VPC.action("ModifyVpcAttribute")
def modify_vpc_attribute(ctx):
    p = ctx.params
    vpc = _vpc(ctx, p.str("VpcId", required=True))
    name = VPC_NAME.check(p.str("VpcName"))
    description = DESCRIPTION.check(p.str("Description"))
    if name is not None:
        vpc["VpcName"] = name
    if description is not None:
        vpc["Description"] = description
    return {}


@VPC.action("DeleteVpc")
def delete_vpc(ctx):
    p = ctx.params
    vpc = _vpc(ctx, p.str("VpcId", required=True))
    if vpc["Status"] != "Available":
        raise vpc_errors.INCORRECT_VPC_STATUS()
    if ctx.store.find("vswitch", VpcId=vpc["VpcId"]):
        raise vpc_errors.DEPENDENCY_VIOLATION_VSWITCH()
    if ctx.store.find("security_group", VpcId=vpc["VpcId"]):
        raise vpc_errors.DEPENDENCY_VIOLATION_SECURITY_GROUP()
    dry_run(p)
    ctx.store.remove("vpc", vpc["VpcId"])
    ctx.runtime.changed("vpc", "deleted", vpc, ctx.store)
    return {}


# vSwitches -------------------------------------------------------------------------------------
def _render_vswitch(ctx, vswitch):
    network = parse_network(vswitch["CidrBlock"])
    free = sum(1 for _ in usable_hosts(network)) - len(used_addresses(ctx.store, vswitch["VSwitchId"]))
    vpc = ctx.store.get("vpc", vswitch["VpcId"])
    return {
        **{k: v for k, v in vswitch.items() if not k.startswith("_")},
        "CreationTime": iso(vswitch["_created_at"]),
        "AvailableIpAddressCount": free,
        "RouteTable": {"RouteTableId": vpc["_route_table_id"] if vpc else "", "RouteTableType": "System"},
        "Tags": tags_with_key(vswitch),
    }


@VPC.action("CreateVSwitch", client_token=True)
def create_vswitch(ctx):
    p = ctx.params
    zone = p.str("ZoneId", required=True)
    cidr_text = p.str("CidrBlock", required=True)
    vpc = _vpc(ctx, p.str("VpcId", required=True))
    if not ctx.catalog.has_zone(ctx.region, zone):
        raise vpc_errors.INVALID_ZONE_ID_NOT_FOUND()
    network = parse_network(cidr_text)
    if not 16 <= network.prefixlen <= 29:
        raise vpc_errors.INVALID_CIRDR_BLOCK_MASK_LENGTH()
    if not network.subnet_of(parse_network(vpc["CidrBlock"])):
        raise vpc_errors.INVALID_PARAMETER_CIDR_BLOCK_NOT_IN_VPC()
    others = ctx.store.find("vswitch", VpcId=vpc["VpcId"])
    for other in others:
        if network.overlaps(parse_network(other["CidrBlock"])):
            raise vpc_errors.INVALID_CIDR_BLOCK_OVERLAPPED()
    if vpc["Status"] != "Available":
        raise vpc_errors.INCORRECT_VPC_STATUS()
    if any(other["Status"] == "Pending" for other in others):
        raise vpc_errors.INCORRECT_VSWITCH_STATUS_SIMULTANEOUS()
    name = VSWITCH_NAME.check(p.str("VSwitchName"))
    description = DESCRIPTION.check(p.str("Description"))
    tags = p.tags()
    # CreateVSwitch takes no DryRun (neither the API reference nor the SDK has it): one sent is ignored.
    vswitch_id = ids.resource_id("vsw", 21)
    vswitch = ctx.store.add(
        "vswitch",
        vswitch_id,
        {
            "VSwitchId": vswitch_id,
            "VpcId": vpc["VpcId"],
            "Status": "Pending",
            "CidrBlock": str(network),
            "ZoneId": zone,
            "Description": description or "",
            "VSwitchName": name or "",
            "IsDefault": False,
            "ResourceGroupId": vpc["ResourceGroupId"],
            "NetworkAclId": "",
            "OwnerId": vpc["OwnerId"],
            "ShareType": "",
            "Ipv6CidrBlock": "",
            "EnabledIpv6": False,
            "_tags": tags,
        },
        region=ctx.region,
    )
    ctx.schedule(vswitch, [("vswitch.create", "Status", "Available")])
    return {"VSwitchId": vswitch_id}


@VPC.action("DescribeVSwitches")
def describe_vswitches(ctx):
    p = ctx.params
    vpc_id = p.str("VpcId")
    if not p.str("RegionId") and not vpc_id:
        raise vpc_errors.MISSING_PARAMETER()
    wanted_ids = p.comma_list("VSwitchId")
    name, zone = p.str("VSwitchName"), p.str("ZoneId")
    group = p.str("ResourceGroupId")
    wanted_tags = p.tags()
    vswitches = [
        v
        for v in ctx.list("vswitch")
        if (vpc_id is None or v["VpcId"] == vpc_id)
        and (not wanted_ids or v["VSwitchId"] in wanted_ids)
        and (name is None or v["VSwitchName"] == name)
        and (zone is None or v["ZoneId"] == zone)
        and (group is None or v["ResourceGroupId"] == group)
        and matches_tags(v, wanted_tags)
    ]
    chunk, meta = page(vswitches, p, max_size=50)
    return {**meta, "VSwitches": {"VSwitch": [_render_vswitch(ctx, v) for v in chunk]}}


@VPC.action("DescribeVSwitchAttributes")
def describe_vswitch_attributes(ctx):
    return _render_vswitch(ctx, _vswitch(ctx, ctx.params.str("VSwitchId", required=True)))


@VPC.action("ModifyVSwitchAttribute")
def modify_vswitch_attribute(ctx):
    p = ctx.params
    vswitch = _vswitch(ctx, p.str("VSwitchId", required=True))
    name = VSWITCH_NAME.check(p.str("VSwitchName"))
    description = DESCRIPTION.check(p.str("Description"))
    if name is not None:
        vswitch["VSwitchName"] = name
    if description is not None:
        vswitch["Description"] = description
    return {}


@VPC.action("DeleteVSwitch")
def delete_vswitch(ctx):
    p = ctx.params
    vswitch = _vswitch(ctx, p.str("VSwitchId", required=True))
    if vswitch["Status"] != "Available":
        raise vpc_errors.INCORRECT_VSWITCH_STATUS()
    vswitch_id = vswitch["VSwitchId"]
    dependants = (
        ctx.store.find("instance", _vswitch_id=vswitch_id)
        + ctx.store.find("load_balancer", VSwitchId=vswitch_id)
        + ctx.store.find("mount_target", VswId=vswitch_id)
    )
    if dependants:
        raise vpc_errors.DEPENDENCY_VIOLATION()
    dry_run(p)
    ctx.store.remove("vswitch", vswitch_id)
    return {}
