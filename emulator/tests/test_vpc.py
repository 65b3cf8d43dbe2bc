"""VPC 2016-04-28 through the real SDK client: every action, its rules and its errors."""

import time

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from alicloud_emulator.timing import Timing

REGION = "cn-hangzhou"


def _describe_vpc(vpc, m, vpc_id):
    body = vpc.describe_vpcs(m.DescribeVpcsRequest(region_id=REGION, vpc_id=vpc_id)).body
    assert body.total_count == 1
    return body.vpcs.vpc[0]


def test_create_describe_modify_delete_vpc(vpc, vpc_models):
    m = vpc_models
    created = vpc.create_vpc(
        m.CreateVpcRequest(
            region_id=REGION,
            cidr_block="192.168.0.0/16",
            vpc_name="ha-web",
            description="demo",
            tag=[m.CreateVpcRequestTag(key="app", value="ha-web")],
        )
    ).body
    assert created.vpc_id.startswith("vpc-") and created.vrouter_id.startswith("vrt-")
    assert created.route_table_id.startswith("vtb-") and created.request_id
    found = _describe_vpc(vpc, m, created.vpc_id)
    assert (found.vpc_name, found.cidr_block, found.status, found.region_id) == (
        "ha-web",
        "192.168.0.0/16",
        "Available",
        REGION,
    )
    assert {t.key: t.value for t in found.tags.tag} == {"app": "ha-web"}
    assert found.router_table_ids.router_table_ids == [created.route_table_id]
    assert found.creation_time.endswith("Z")

    vpc.modify_vpc_attribute(m.ModifyVpcAttributeRequest(region_id=REGION, vpc_id=created.vpc_id, vpc_name="renamed"))
    assert _describe_vpc(vpc, m, created.vpc_id).vpc_name == "renamed"
    attribute = vpc.describe_vpc_attribute(m.DescribeVpcAttributeRequest(region_id=REGION, vpc_id=created.vpc_id)).body
    assert attribute.vpc_name == "renamed" and attribute.cidr_block == "192.168.0.0/16"

    vpc.delete_vpc(m.DeleteVpcRequest(region_id=REGION, vpc_id=created.vpc_id))
    body = vpc.describe_vpcs(m.DescribeVpcsRequest(region_id=REGION, vpc_id=created.vpc_id)).body
    assert body.total_count == 0 and body.vpcs.vpc == []
    with pytest.raises(ClientException) as raised:
        vpc.delete_vpc(m.DeleteVpcRequest(region_id=REGION, vpc_id=created.vpc_id))
    assert (raised.value.code, raised.value.status_code) == ("InvalidVpcId.NotFound", 404)


@pytest.mark.parametrize(
    "cidr, code",
    [("10.0.0.0/33", "InvalidParameter"), ("10.0.0.1/16", "InvalidParameter"), ("127.0.0.0/16", "InvalidParameter"),
     ("garbage", "InvalidParameter"), ("10.0.0.0/30", "InvalidParameter")],
)  # fmt: skip
def test_create_vpc_rejects_bad_cidr(vpc, vpc_models, cidr, code):
    with pytest.raises(ClientException) as raised:
        vpc.create_vpc(vpc_models.CreateVpcRequest(region_id=REGION, cidr_block=cidr))
    assert raised.value.code == code and raised.value.status_code == 400


def test_vpc_is_pending_until_its_time_has_come(emulator, vpc, vpc_models):
    emulator.emulator.timing = Timing("fast", scale=1.0)
    m = vpc_models
    vpc_id = vpc.create_vpc(m.CreateVpcRequest(region_id=REGION, cidr_block="10.0.0.0/16")).body.vpc_id
    assert _describe_vpc(vpc, m, vpc_id).status == "Pending"
    with pytest.raises(ClientException) as raised:
        vpc.create_vswitch(
            m.CreateVSwitchRequest(region_id=REGION, vpc_id=vpc_id, zone_id="cn-hangzhou-j", cidr_block="10.0.1.0/24")
        )
    assert raised.value.code == "IncorrectVpcStatus"
    time.sleep(Timing("fast").delay("vpc.create") + 0.05)
    assert _describe_vpc(vpc, m, vpc_id).status == "Available"


def test_vswitches_of_a_vpc_are_created_one_at_a_time(emulator, vpc, vpc_models):
    emulator.emulator.timing = Timing("fast", scale=1.0)
    m = vpc_models
    vpc_id = vpc.create_vpc(m.CreateVpcRequest(region_id=REGION, cidr_block="10.0.0.0/16")).body.vpc_id
    time.sleep(Timing("fast").delay("vpc.create") + 0.05)

    def create(cidr):
        request = m.CreateVSwitchRequest(region_id=REGION, vpc_id=vpc_id, zone_id="cn-hangzhou-j", cidr_block=cidr)
        return vpc.create_vswitch(request).body.v_switch_id

    first = create("10.0.1.0/24")
    with pytest.raises(ClientException) as raised:
        create("10.0.2.0/24")
    assert (raised.value.code, raised.value.status_code) == ("IncorrectVSwitchStatus", 400)
    assert "simultaneously" in raised.value.message
    other_vpc = vpc.create_vpc(m.CreateVpcRequest(region_id=REGION, cidr_block="10.1.0.0/16")).body.vpc_id
    time.sleep(Timing("fast").delay("vswitch.create") + 0.05)
    body = vpc.describe_vswitches(m.DescribeVSwitchesRequest(region_id=REGION, v_switch_id=first)).body
    assert body.v_switches.v_switch[0].status == "Available"
    assert create("10.0.2.0/24").startswith("vsw-")
    other = m.CreateVSwitchRequest(
        region_id=REGION, vpc_id=other_vpc, zone_id="cn-hangzhou-j", cidr_block="10.1.1.0/24"
    )
    assert vpc.create_vswitch(other).body.v_switch_id.startswith("vsw-")  # another VPC is not held up


def test_vswitch_rules(vpc, vpc_models, network):
    m = vpc_models
    vpc_id = network["vpc_id"]

    def create(cidr, zone="cn-hangzhou-j"):
        return vpc.create_vswitch(
            m.CreateVSwitchRequest(region_id=REGION, vpc_id=vpc_id, zone_id=zone, cidr_block=cidr)
        )

    for cidr, zone, code, status in (
        ("192.168.1.128/25", "cn-hangzhou-j", "InvalidCidrBlock.Overlapped", 400),
        ("10.1.0.0/24", "cn-hangzhou-j", "InvalidParameter", 400),
        ("192.168.9.0/30", "cn-hangzhou-j", "InvalidCirdrBlock.MaskLength", 400),
        ("192.168.9.0/33", "cn-hangzhou-j", "InvalidCidrBlock.Malformed", 400),
        ("192.168.9.0/24", "cn-hangzhou-z", "InvalidZoneId.NotFound", 404),
    ):
        with pytest.raises(ClientException) as raised:
            create(cidr, zone)
        assert (raised.value.code, raised.value.status_code) == (code, status), cidr
    with pytest.raises(ClientException) as raised:
        vpc.create_vswitch(
            m.CreateVSwitchRequest(
                region_id=REGION, vpc_id="vpc-missing", zone_id="cn-hangzhou-j", cidr_block="192.168.9.0/24"
            )
        )
    assert raised.value.code == "InvalidVpcId.NotFound"

    body = vpc.describe_vswitches(m.DescribeVSwitchesRequest(region_id=REGION, vpc_id=vpc_id)).body
    assert body.total_count == 2
    by_name = {v.v_switch_name: v for v in body.v_switches.v_switch}
    assert by_name["web-j"].zone_id == "cn-hangzhou-j" and by_name["web-j"].cidr_block == "192.168.1.0/24"
    assert by_name["web-k"].available_ip_address_count == 252 and by_name["web-k"].status == "Available"
    vpc_body = _describe_vpc(vpc, m, vpc_id)
    assert sorted(vpc_body.v_switch_ids.v_switch_id) == sorted(network["vswitch_ids"])

    with pytest.raises(ClientException) as raised:
        vpc.delete_vpc(m.DeleteVpcRequest(region_id=REGION, vpc_id=vpc_id))
    assert raised.value.code == "DependencyViolation.VSwitch"

    vsw = network["vswitch_ids"][0]
    vpc.modify_vswitch_attribute(
        m.ModifyVSwitchAttributeRequest(region_id=REGION, v_switch_id=vsw, description="zone j")
    )
    attrs = vpc.describe_vswitch_attributes(m.DescribeVSwitchAttributesRequest(region_id=REGION, v_switch_id=vsw)).body
    assert attrs.description == "zone j" and attrs.vpc_id == vpc_id
    for vsw in network["vswitch_ids"]:
        vpc.delete_vswitch(m.DeleteVSwitchRequest(region_id=REGION, v_switch_id=vsw))
    with pytest.raises(ClientException) as raised:
        vpc.delete_vswitch(m.DeleteVSwitchRequest(region_id=REGION, v_switch_id=vsw))
    assert (raised.value.code, raised.value.status_code) == ("InvalidVSwitchId.NotFound", 404)
    vpc.delete_vpc(m.DeleteVpcRequest(region_id=REGION, vpc_id=vpc_id))


def test_describe_filters_and_paging(vpc, vpc_models):
    m = vpc_models
    created = []
    for index in range(23):
        tag = [m.CreateVpcRequestTag(key="tier", value="odd" if index % 2 else "even")]
        request = m.CreateVpcRequest(
            region_id=REGION, cidr_block=f"10.{index}.0.0/16", vpc_name=f"net-{index}", tag=tag
        )
        created.append(vpc.create_vpc(request).body.vpc_id)
    seen = []
    for number in (1, 2, 3):
        body = vpc.describe_vpcs(m.DescribeVpcsRequest(region_id=REGION, page_number=number, page_size=10)).body
        assert (body.total_count, body.page_number, body.page_size) == (23, number, 10)
        seen += [v.vpc_id for v in body.vpcs.vpc]
    assert seen == created
    by_name = vpc.describe_vpcs(m.DescribeVpcsRequest(region_id=REGION, vpc_name="net-7")).body
    assert [v.vpc_id for v in by_name.vpcs.vpc] == [created[7]]
    by_tag = vpc.describe_vpcs(
        m.DescribeVpcsRequest(region_id=REGION, tag=[m.DescribeVpcsRequestTag(key="tier", value="odd")], page_size=50)
    ).body
    assert by_tag.total_count == 11
    by_ids = vpc.describe_vpcs(m.DescribeVpcsRequest(region_id=REGION, vpc_id=f"{created[0]},{created[5]}")).body
    assert {v.vpc_id for v in by_ids.vpcs.vpc} == {created[0], created[5]}
    with pytest.raises(ClientException) as raised:
        vpc.describe_vpcs(m.DescribeVpcsRequest(region_id=REGION, page_size=51))
    assert raised.value.code == "InvalidParameter"
    other_region = vpc.describe_vpcs(m.DescribeVpcsRequest(region_id="cn-shanghai")).body
    assert other_region.total_count == 0


def test_tag_untag_list(vpc, vpc_models, network):
    m = vpc_models
    vpc_id = network["vpc_id"]
    vpc.tag_resources(
        m.TagResourcesRequest(
            region_id=REGION, resource_type="VPC", resource_id=[vpc_id],
            tag=[m.TagResourcesRequestTag(key="env", value="prod"), m.TagResourcesRequestTag(key="app", value="web")],
        )
    )  # fmt: skip
    listed = vpc.list_tag_resources(
        m.ListTagResourcesRequest(region_id=REGION, resource_type="VPC", resource_id=[vpc_id])
    ).body
    assert {(t.resource_id, t.resource_type, t.tag_key, t.tag_value) for t in listed.tag_resources.tag_resource} == {
        (vpc_id, "VPC", "env", "prod"),
        (vpc_id, "VPC", "app", "web"),
    }
    vpc.un_tag_resources(
        m.UnTagResourcesRequest(region_id=REGION, resource_type="VPC", resource_id=[vpc_id], tag_key=["env"])
    )
    assert {t.key: t.value for t in _describe_vpc(vpc, m, vpc_id).tags.tag} == {"app": "web"}
    vsw = network["vswitch_ids"][1]
    vpc.tag_resources(
        m.TagResourcesRequest(
            region_id=REGION,
            resource_type="VSWITCH",
            resource_id=[vsw],
            tag=[m.TagResourcesRequestTag(key="zone", value="k")],
        )
    )
    by_tag = vpc.describe_vswitches(
        m.DescribeVSwitchesRequest(region_id=REGION, tag=[m.DescribeVSwitchesRequestTag(key="zone", value="k")])
    ).body
    assert [v.v_switch_id for v in by_tag.v_switches.v_switch] == [vsw]
    with pytest.raises(ClientException) as raised:
        vpc.tag_resources(
            m.TagResourcesRequest(
                region_id=REGION,
                resource_type="VPC",
                resource_id=["vpc-nope"],
                tag=[m.TagResourcesRequestTag(key="a", value="b")],
            )
        )
    assert (raised.value.code, raised.value.status_code) == ("InvalidInstanceIds.NotFound", 400)


def test_missing_required_parameter(vpc, vpc_models):
    with pytest.raises(ClientException) as raised:
        vpc.create_vswitch(vpc_models.CreateVSwitchRequest(region_id=REGION, vpc_id="vpc-x", cidr_block="10.0.0.0/24"))
    assert (raised.value.code, raised.value.status_code) == ("MissingZoneId", 400)
    assert "ZoneId is mandatory" in raised.value.message


def test_client_token_idempotency(vpc, vpc_models):
    m = vpc_models
    first = vpc.create_vpc(m.CreateVpcRequest(region_id=REGION, cidr_block="10.0.0.0/16", client_token="tok-1")).body
    again = vpc.create_vpc(m.CreateVpcRequest(region_id=REGION, cidr_block="10.0.0.0/16", client_token="tok-1")).body
    assert again.vpc_id == first.vpc_id and again.request_id != first.request_id
    assert vpc.describe_vpcs(m.DescribeVpcsRequest(region_id=REGION)).body.total_count == 1
    with pytest.raises(ClientException) as raised:
        vpc.create_vpc(m.CreateVpcRequest(region_id=REGION, cidr_block="10.9.0.0/16", client_token="tok-1"))
    assert (raised.value.code, raised.value.status_code) == ("IdempotentParameterMismatch", 400)


def test_dry_run(vpc, vpc_models):
    with pytest.raises(ClientException) as raised:
        vpc.create_vpc(vpc_models.CreateVpcRequest(region_id=REGION, cidr_block="10.0.0.0/16", dry_run=True))
    assert raised.value.code == "DryRunOperation"
    assert vpc.describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=REGION)).body.total_count == 0
