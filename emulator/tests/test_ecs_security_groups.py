"""ECS security groups and their rules through the real SDK client."""

import json

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from alicloud_emulator.testing import sdk_models
from alicloud_emulator.timing import Timing

REGION = "cn-hangzhou"


@pytest.fixture
def ecs(emulator):
    return emulator.client("ecs")


@pytest.fixture
def m():
    return sdk_models("ecs")


def _create_group(ecs, m, vpc_id, name="web", **kwargs):
    request = m.CreateSecurityGroupRequest(region_id=REGION, vpc_id=vpc_id, security_group_name=name, **kwargs)
    return ecs.create_security_group(request).body.security_group_id


@pytest.fixture
def group(ecs, m, network):
    return _create_group(ecs, m, network["vpc_id"])


def _raises(call, code, status):
    with pytest.raises(ClientException) as raised:
        call()
    assert (raised.value.code, raised.value.status_code) == (code, status)
    return raised.value


def _rules(ecs, m, group_id, direction=None):
    body = ecs.describe_security_group_attribute(
        m.DescribeSecurityGroupAttributeRequest(region_id=REGION, security_group_id=group_id, direction=direction)
    ).body
    return body.permissions.permission


def _ingress(m, **fields):
    return m.AuthorizeSecurityGroupRequestPermissions(**fields)


def _authorize(ecs, m, group_id, *permissions):
    request = m.AuthorizeSecurityGroupRequest(
        region_id=REGION, security_group_id=group_id, permissions=list(permissions)
    )
    return ecs.authorize_security_group(request)


def _add_instance(emulator, instance_id, group_ids):
    emulator.emulator.store.add(
        "instance",
        instance_id,
        {"InstanceId": instance_id, "Status": "Running", "_security_group_ids": group_ids},
        region=REGION,
    )


# groups ---------------------------------------------------------------------------------------
def test_create_describe_modify_delete_group(ecs, m, network):
    created = ecs.create_security_group(
        m.CreateSecurityGroupRequest(
            region_id=REGION,
            vpc_id=network["vpc_id"],
            security_group_name="web",
            description="web servers",
            tag=[m.CreateSecurityGroupRequestTag(key="app", value="ha-web")],
        )
    ).body
    group_id = created.security_group_id
    assert group_id.startswith("sg-") and len(group_id) == 23 and created.request_id

    body = ecs.describe_security_groups(
        m.DescribeSecurityGroupsRequest(region_id=REGION, security_group_id=group_id)
    ).body
    assert (body.total_count, body.region_id) == (1, REGION)
    found = body.security_groups.security_group[0]
    assert (found.security_group_name, found.description, found.vpc_id, found.security_group_type) == (
        "web",
        "web servers",
        network["vpc_id"],
        "normal",
    )
    assert (found.ecs_count, found.rule_count) == (0, 0) and found.creation_time.endswith("Z")
    assert {t.tag_key: t.tag_value for t in found.tags.tag} == {"app": "ha-web"}

    ecs.modify_security_group_attribute(
        m.ModifySecurityGroupAttributeRequest(
            region_id=REGION, security_group_id=group_id, security_group_name="renamed", description="new text"
        )
    )
    attribute = ecs.describe_security_group_attribute(
        m.DescribeSecurityGroupAttributeRequest(region_id=REGION, security_group_id=group_id)
    ).body
    assert (attribute.security_group_name, attribute.description, attribute.vpc_id) == (
        "renamed",
        "new text",
        network["vpc_id"],
    )
    assert attribute.inner_access_policy == "Accept" and attribute.permissions.permission == []

    ecs.delete_security_group(m.DeleteSecurityGroupRequest(region_id=REGION, security_group_id=group_id))
    body = ecs.describe_security_groups(
        m.DescribeSecurityGroupsRequest(region_id=REGION, security_group_id=group_id)
    ).body
    assert body.total_count == 0
    _raises(
        lambda: ecs.delete_security_group(m.DeleteSecurityGroupRequest(region_id=REGION, security_group_id=group_id)),
        "InvalidSecurityGroupId.NotFound",
        404,
    )


def test_enterprise_group_isolates_its_members(ecs, m, network):
    group_id = _create_group(ecs, m, network["vpc_id"], security_group_type="enterprise")
    attribute = ecs.describe_security_group_attribute(
        m.DescribeSecurityGroupAttributeRequest(region_id=REGION, security_group_id=group_id)
    ).body
    assert attribute.inner_access_policy == "Drop"
    drop = _ingress(m, ip_protocol="TCP", port_range="22/22", source_cidr_ip="0.0.0.0/0", policy="drop")
    _raises(lambda: _authorize(ecs, m, group_id, drop), "InvalidGroupParameter.OperationDenied", 400)


def test_create_group_rejects_bad_input(emulator, ecs, m, vpc, vpc_models, network):
    vpc_id = network["vpc_id"]
    cases = [
        (m.CreateSecurityGroupRequest(region_id=REGION), "InvalidVpcId.NotFound", 403),
        (m.CreateSecurityGroupRequest(region_id=REGION, vpc_id="vpc-missing"), "InvalidVpcId.NotFound", 404),
        (m.CreateSecurityGroupRequest(region_id="cn-beijing", vpc_id=vpc_id), "InvalidVpcId.NotFound", 404),
        (
            m.CreateSecurityGroupRequest(region_id=REGION, vpc_id=vpc_id, security_group_name="1web"),
            "InvalidSecurityGroupName.Malformed",
            400,
        ),
        (
            m.CreateSecurityGroupRequest(region_id=REGION, vpc_id=vpc_id, description="http://x"),
            "InvalidDescription.Malformed",
            400,
        ),
        (
            m.CreateSecurityGroupRequest(region_id=REGION, vpc_id=vpc_id, security_group_type="super"),
            "InvalidParams.GroupType",
            400,
        ),
        (m.CreateSecurityGroupRequest(vpc_id=vpc_id), "MissingRegionId", 400),
    ]
    for request, code, status in cases:
        _raises(lambda request=request: ecs.create_security_group(request), code, status)

    emulator.emulator.timing = Timing("fast")
    pending = vpc.create_vpc(vpc_models.CreateVpcRequest(region_id=REGION, cidr_block="10.0.0.0/16")).body.vpc_id
    _raises(
        lambda: ecs.create_security_group(m.CreateSecurityGroupRequest(region_id=REGION, vpc_id=pending)),
        "IncorrectVpcStatus",
        400,
    )


def test_create_group_honours_client_token(ecs, m, network):
    first = _create_group(ecs, m, network["vpc_id"], client_token="token-1")
    again = _create_group(ecs, m, network["vpc_id"], client_token="token-1")
    assert first == again
    _raises(
        lambda: _create_group(ecs, m, network["vpc_id"], name="other", client_token="token-1"),
        "IdempotentParameterMismatch",
        400,
    )
    assert ecs.describe_security_groups(m.DescribeSecurityGroupsRequest(region_id=REGION)).body.total_count == 1


def test_describe_groups_filters(ecs, m, vpc, vpc_models, network):
    other_vpc = vpc.create_vpc(vpc_models.CreateVpcRequest(region_id=REGION, cidr_block="10.0.0.0/16")).body.vpc_id
    web = _create_group(
        ecs, m, network["vpc_id"], name="web", tag=[m.CreateSecurityGroupRequestTag(key="role", value="web")]
    )
    db = _create_group(
        ecs, m, network["vpc_id"], name="db", tag=[m.CreateSecurityGroupRequestTag(key="role", value="db")]
    )
    elsewhere = _create_group(ecs, m, other_vpc, name="web")

    def ids(**filters):
        body = ecs.describe_security_groups(m.DescribeSecurityGroupsRequest(region_id=REGION, **filters)).body
        return {g.security_group_id for g in body.security_groups.security_group}

    assert ids() == {web, db, elsewhere}
    assert ids(vpc_id=other_vpc) == {elsewhere}
    assert ids(security_group_name="web") == {web, elsewhere}
    assert ids(security_group_ids=json.dumps([web, db, "sg-unknown"])) == {web, db}
    assert ids(security_group_ids="[]") == set()
    assert ids(tag=[m.DescribeSecurityGroupsRequestTag(key="role", value="db")]) == {db}
    assert ids(tag=[m.DescribeSecurityGroupsRequestTag(key="role")]) == {web, db}
    assert ids(security_group_type="enterprise") == set()
    assert ecs.describe_security_groups(m.DescribeSecurityGroupsRequest(region_id="cn-beijing")).body.total_count == 0
    _raises(
        lambda: ids(security_group_ids="not json"),
        "InvalidParameter",
        400,
    )
    _raises(lambda: ids(security_group_type="super"), "InvalidParameter.SecurityGroupType", 400)


def test_describe_groups_pages_both_ways(ecs, m, network):
    created = [_create_group(ecs, m, network["vpc_id"], name=f"group{n}") for n in range(5)]

    body = ecs.describe_security_groups(
        m.DescribeSecurityGroupsRequest(region_id=REGION, page_number=2, page_size=2)
    ).body
    assert (body.total_count, body.page_number, body.page_size) == (5, 2, 2)
    assert [g.security_group_id for g in body.security_groups.security_group] == created[2:4]

    seen, token = [], None
    while True:
        body = ecs.describe_security_groups(
            m.DescribeSecurityGroupsRequest(region_id=REGION, max_results=2, next_token=token)
        ).body
        seen += [g.security_group_id for g in body.security_groups.security_group]
        token = body.next_token
        if not token:
            break
    assert seen == created
    _raises(
        lambda: ecs.describe_security_groups(m.DescribeSecurityGroupsRequest(region_id=REGION, next_token="garbage")),
        "InvalidParameter",
        400,
    )


def test_ecs_count_counts_the_instances_of_a_group(emulator, ecs, m, group):
    _add_instance(emulator, "i-one", [group])
    _add_instance(emulator, "i-two", [group, "sg-other"])
    found = ecs.describe_security_groups(m.DescribeSecurityGroupsRequest(region_id=REGION, security_group_id=group))
    assert found.body.security_groups.security_group[0].ecs_count == 2


def test_delete_group_refuses_while_it_is_used(emulator, ecs, m, network, group):
    _add_instance(emulator, "i-test", [group])
    delete = m.DeleteSecurityGroupRequest(region_id=REGION, security_group_id=group)
    error = _raises(lambda: ecs.delete_security_group(delete), "DependencyViolation", 403)
    assert "instance" in error.message
    emulator.emulator.store.remove("instance", "i-test")

    referrer = _create_group(ecs, m, network["vpc_id"], name="referrer")
    _authorize(ecs, m, referrer, _ingress(m, ip_protocol="TCP", port_range="80/80", source_group_id=group))
    error = _raises(lambda: ecs.delete_security_group(delete), "DependencyViolation", 403)
    assert "authorized in another" in error.message

    ecs.revoke_security_group(
        m.RevokeSecurityGroupRequest(
            region_id=REGION, security_group_id=referrer, ip_protocol="tcp", port_range="80/80", source_group_id=group
        )
    )
    ecs.delete_security_group(delete)


def test_vpc_with_a_group_cannot_be_deleted(ecs, m, vpc, vpc_models):
    vpc_id = vpc.create_vpc(vpc_models.CreateVpcRequest(region_id=REGION, cidr_block="10.0.0.0/16")).body.vpc_id
    group_id = _create_group(ecs, m, vpc_id)
    with pytest.raises(ClientException) as raised:
        vpc.delete_vpc(vpc_models.DeleteVpcRequest(region_id=REGION, vpc_id=vpc_id))
    assert raised.value.code == "DependencyViolation.SecurityGroup"
    ecs.delete_security_group(m.DeleteSecurityGroupRequest(region_id=REGION, security_group_id=group_id))
    vpc.delete_vpc(vpc_models.DeleteVpcRequest(region_id=REGION, vpc_id=vpc_id))


# rules ----------------------------------------------------------------------------------------
def test_authorize_ingress_and_egress_rules(ecs, m, network, group):
    peer = _create_group(ecs, m, network["vpc_id"], name="peer")
    _authorize(
        ecs,
        m,
        group,
        _ingress(m, ip_protocol="tcp", port_range="80/80", source_cidr_ip="0.0.0.0/0", description="http"),
        _ingress(
            m, ip_protocol="Udp", port_range="1000/2000", source_cidr_ip="10.0.0.0/8", policy="drop", priority="5"
        ),
        _ingress(m, ip_protocol="icmp", port_range="-1/-1", source_group_id=peer),
    )
    ecs.authorize_security_group_egress(
        m.AuthorizeSecurityGroupEgressRequest(
            region_id=REGION,
            security_group_id=group,
            permissions=[
                m.AuthorizeSecurityGroupEgressRequestPermissions(
                    ip_protocol="all", port_range="-1/-1", dest_cidr_ip="0.0.0.0/0"
                )
            ],
        )
    )
    rules = _rules(ecs, m, group)
    assert [(r.direction, r.ip_protocol, r.port_range, r.policy, r.priority) for r in rules] == [
        ("ingress", "TCP", "80/80", "Accept", "1"),
        ("ingress", "UDP", "1000/2000", "Drop", "5"),
        ("ingress", "ICMP", "-1/-1", "Accept", "1"),
        ("egress", "ALL", "-1/-1", "Accept", "1"),
    ]
    http, _, icmp, egress = rules
    assert http.security_group_rule_id.startswith("sgr-") and http.create_time.endswith("Z")
    assert (http.source_cidr_ip, http.nic_type, http.description) == ("0.0.0.0/0", "intranet", "http")
    assert (icmp.source_group_id, icmp.source_group_name) == (peer, "peer")
    assert egress.dest_cidr_ip == "0.0.0.0/0"
    assert len({r.security_group_rule_id for r in rules}) == 4
    assert [r.direction for r in _rules(ecs, m, group, "egress")] == ["egress"]
    assert len(_rules(ecs, m, group, "ingress")) == 3
    found = ecs.describe_security_groups(m.DescribeSecurityGroupsRequest(region_id=REGION, security_group_id=group))
    assert found.body.security_groups.security_group[0].rule_count == 4


def test_authorize_accepts_the_flat_form(ecs, m, group):
    ecs.authorize_security_group(
        m.AuthorizeSecurityGroupRequest(
            region_id=REGION,
            security_group_id=group,
            ip_protocol="TCP",
            port_range="22/22",
            source_cidr_ip="192.168.0.0/16",
        )
    )
    ecs.authorize_security_group_egress(
        m.AuthorizeSecurityGroupEgressRequest(
            region_id=REGION, security_group_id=group, ip_protocol="TCP", port_range="443/443", dest_cidr_ip="0.0.0.0/0"
        )
    )
    assert [(r.direction, r.port_range) for r in _rules(ecs, m, group)] == [("ingress", "22/22"), ("egress", "443/443")]
    _raises(
        lambda: ecs.authorize_security_group(
            m.AuthorizeSecurityGroupRequest(
                region_id=REGION,
                security_group_id=group,
                ip_protocol="TCP",
                permissions=[_ingress(m, ip_protocol="TCP", port_range="80/80", source_cidr_ip="0.0.0.0/0")],
            )
        ),
        "InvalidParam.Permissions",
        400,
    )


def test_authorizing_an_existing_rule_adds_nothing(ecs, m, group):
    rule = _ingress(m, ip_protocol="TCP", port_range="80/80", source_cidr_ip="0.0.0.0/0")
    _authorize(ecs, m, group, rule)
    first = _rules(ecs, m, group)
    _authorize(
        ecs, m, group, _ingress(m, ip_protocol="tcp", port_range="80/80", source_cidr_ip="0.0.0.0/0", policy="Accept")
    )
    assert [r.security_group_rule_id for r in _rules(ecs, m, group)] == [first[0].security_group_rule_id]
    _authorize(
        ecs, m, group, _ingress(m, ip_protocol="TCP", port_range="80/80", source_cidr_ip="0.0.0.0/0", priority="2")
    )
    assert len(_rules(ecs, m, group)) == 2
    _raises(lambda: _authorize(ecs, m, group, rule, rule), "InvalidParam.DuplicatePermissions", 400)


GOOD_RULE = {"ip_protocol": "TCP", "port_range": "80/80", "source_cidr_ip": "0.0.0.0/0"}


@pytest.mark.parametrize(
    "changes, code, status",
    [
        ({"ip_protocol": None}, "MissingParameter", 400),
        ({"ip_protocol": "SCTP"}, "InvalidIpProtocol.ValueNotSupported", 400),
        ({"port_range": None}, "InvalidPortRange.Malformed", 400),
        ({"port_range": "0/80"}, "InvalidParam.PortRange", 400),
        ({"port_range": "90/80"}, "InvalidParam.PortRange", 400),
        ({"ip_protocol": "UDP", "port_range": "1/65536"}, "InvalidParam.PortRange", 400),
        ({"port_range": "-1/-1"}, "InvalidParam.PortRange", 400),
        ({"port_range": "eighty"}, "InvalidParam.PortRange", 400),
        ({"ip_protocol": "ICMP"}, "OperationDenied", 400),
        ({"source_cidr_ip": None}, "MissingParameter.Source", 400),
        ({"source_cidr_ip": "300.0.0.0/8"}, "InvalidSourceCidrIp.Malformed", 400),
        ({"policy": "reject"}, "InvalidPolicy.Malformed", 400),
        ({"priority": "101"}, "InvalidPriority.ValueNotSupported", 400),
        ({"priority": "0"}, "InvalidPriority.ValueNotSupported", 400),
        ({"priority": "high"}, "InvalidPriority.Malformed", 400),
        ({"nic_type": "wifi"}, "InvalidNicType.ValueNotSupported", 400),
        ({"source_cidr_ip": None, "source_group_id": "sg-missing"}, "InvalidSourceGroupId.NotFound", 404),
    ],
)
def test_authorize_rejects_bad_rules(ecs, m, group, changes, code, status):
    fields = {k: v for k, v in {**GOOD_RULE, **changes}.items() if v is not None}
    _raises(lambda: _authorize(ecs, m, group, _ingress(m, **fields)), code, status)
    assert _rules(ecs, m, group) == []


def test_authorize_checks_the_group_and_the_peer_group(ecs, m, vpc, vpc_models, network, group):
    rule = _ingress(m, ip_protocol="TCP", port_range="80/80", source_cidr_ip="0.0.0.0/0")
    _raises(lambda: _authorize(ecs, m, "sg-missing", rule), "InvalidSecurityGroupId.NotFound", 404)
    other_vpc = vpc.create_vpc(vpc_models.CreateVpcRequest(region_id=REGION, cidr_block="10.0.0.0/16")).body.vpc_id
    foreign = _create_group(ecs, m, other_vpc, name="foreign")
    foreign_rule = _ingress(m, ip_protocol="TCP", port_range="80/80", source_group_id=foreign)
    _raises(lambda: _authorize(ecs, m, group, foreign_rule), "InvalidSourceGroupId.Mismatch", 400)
    self_rule = _ingress(m, ip_protocol="TCP", port_range="80/80", source_group_id=group)
    _raises(lambda: _authorize(ecs, m, group, self_rule), "InvalidParamter.Conflict", 403)
    egress = m.AuthorizeSecurityGroupEgressRequest(
        region_id=REGION,
        security_group_id=group,
        permissions=[m.AuthorizeSecurityGroupEgressRequestPermissions(ip_protocol="TCP", port_range="80/80")],
    )
    _raises(lambda: ecs.authorize_security_group_egress(egress), "MissingParameter.Dest", 400)


def test_at_most_200_rules(ecs, m, group):
    for start in range(1, 201, 100):
        _authorize(
            ecs,
            m,
            group,
            *[
                _ingress(m, ip_protocol="TCP", port_range=f"{p}/{p}", source_cidr_ip="0.0.0.0/0")
                for p in range(start, start + 100)
            ],
        )
    one_more = _ingress(m, ip_protocol="TCP", port_range="8080/8080", source_cidr_ip="0.0.0.0/0")
    _raises(lambda: _authorize(ecs, m, group, one_more), "AuthorizationLimitExceed", 403)
    _authorize(ecs, m, group, _ingress(m, ip_protocol="TCP", port_range="1/1", source_cidr_ip="0.0.0.0/0"))  # exists
    assert len(_rules(ecs, m, group)) == 200


def test_revoke_by_permission_and_by_rule_id(ecs, m, group):
    _authorize(
        ecs,
        m,
        group,
        _ingress(m, ip_protocol="TCP", port_range="80/80", source_cidr_ip="0.0.0.0/0"),
        _ingress(m, ip_protocol="TCP", port_range="443/443", source_cidr_ip="0.0.0.0/0"),
        _ingress(m, ip_protocol="TCP", port_range="22/22", source_cidr_ip="10.0.0.0/8", priority="3"),
    )
    ecs.authorize_security_group_egress(
        m.AuthorizeSecurityGroupEgressRequest(
            region_id=REGION, security_group_id=group, ip_protocol="ALL", port_range="-1/-1", dest_cidr_ip="0.0.0.0/0"
        )
    )
    ecs.revoke_security_group(
        m.RevokeSecurityGroupRequest(
            region_id=REGION,
            security_group_id=group,
            permissions=[
                m.RevokeSecurityGroupRequestPermissions(
                    ip_protocol="tcp", port_range="80/80", source_cidr_ip="0.0.0.0/0"
                )
            ],
        )
    )
    assert [r.port_range for r in _rules(ecs, m, group, "ingress")] == ["443/443", "22/22"]

    # a rule that does not exist (here: another priority) is not revoked, and that is no error
    ecs.revoke_security_group(
        m.RevokeSecurityGroupRequest(
            region_id=REGION,
            security_group_id=group,
            ip_protocol="TCP",
            port_range="22/22",
            source_cidr_ip="10.0.0.0/8",
        )
    )
    assert len(_rules(ecs, m, group, "ingress")) == 2

    https_id = _rules(ecs, m, group, "ingress")[0].security_group_rule_id
    ecs.revoke_security_group(
        m.RevokeSecurityGroupRequest(region_id=REGION, security_group_id=group, security_group_rule_id=[https_id])
    )
    assert [r.port_range for r in _rules(ecs, m, group, "ingress")] == ["22/22"]
    _raises(
        lambda: ecs.revoke_security_group(
            m.RevokeSecurityGroupRequest(region_id=REGION, security_group_id=group, security_group_rule_id=[https_id])
        ),
        "InvalidSecurityGroupRuleId.NotFound",
        404,
    )
    egress_id = _rules(ecs, m, group, "egress")[0].security_group_rule_id
    _raises(  # an egress rule is not revoked as an ingress one
        lambda: ecs.revoke_security_group(
            m.RevokeSecurityGroupRequest(region_id=REGION, security_group_id=group, security_group_rule_id=[egress_id])
        ),
        "InvalidSecurityGroupRuleId.NotFound",
        404,
    )
    ecs.revoke_security_group_egress(
        m.RevokeSecurityGroupEgressRequest(
            region_id=REGION,
            security_group_id=group,
            permissions=[
                m.RevokeSecurityGroupEgressRequestPermissions(
                    ip_protocol="all", port_range="-1/-1", dest_cidr_ip="0.0.0.0/0"
                )
            ],
        )
    )
    ecs.revoke_security_group_egress(  # again: nothing left to revoke, still no error
        m.RevokeSecurityGroupEgressRequest(
            region_id=REGION, security_group_id=group, ip_protocol="all", port_range="-1/-1", dest_cidr_ip="0.0.0.0/0"
        )
    )
    assert _rules(ecs, m, group, "egress") == []
    _raises(
        lambda: ecs.revoke_security_group(
            m.RevokeSecurityGroupRequest(
                region_id=REGION, security_group_id=group, ip_protocol="TCP", port_range="22/22"
            )
        ),
        "MissingParameter.Source",
        400,
    )
    _raises(
        lambda: ecs.revoke_security_group(
            m.RevokeSecurityGroupRequest(
                region_id=REGION,
                security_group_id="sg-missing",
                ip_protocol="TCP",
                port_range="22/22",
                source_cidr_ip="0.0.0.0/0",
            )
        ),
        "InvalidSecurityGroupId.NotFound",
        404,
    )


def test_describe_attribute_pages_rules_and_checks_input(ecs, m, group):
    _authorize(
        ecs,
        m,
        group,
        *[_ingress(m, ip_protocol="TCP", port_range=f"{p}/{p}", source_cidr_ip="0.0.0.0/0") for p in range(1, 26)],
    )
    ports, token = [], None
    while True:
        body = ecs.describe_security_group_attribute(
            m.DescribeSecurityGroupAttributeRequest(
                region_id=REGION, security_group_id=group, max_results=10, next_token=token
            )
        ).body
        ports += [r.port_range for r in body.permissions.permission]
        token = body.next_token
        if not token:
            break
    assert ports == [f"{p}/{p}" for p in range(1, 26)]
    _raises(
        lambda: ecs.describe_security_group_attribute(
            m.DescribeSecurityGroupAttributeRequest(region_id=REGION, security_group_id="sg-missing")
        ),
        "InvalidSecurityGroupId.NotFound",
        404,
    )
    _raises(
        lambda: ecs.describe_security_group_attribute(
            m.DescribeSecurityGroupAttributeRequest(region_id=REGION, security_group_id=group, nic_type="wifi")
        ),
        "InvalidNicType.ValueNotSupported",
        400,
    )


def test_authorize_is_idempotent_with_a_client_token(ecs, m, group):
    rule = _ingress(m, ip_protocol="TCP", port_range="80/80", source_cidr_ip="0.0.0.0/0")
    request = m.AuthorizeSecurityGroupRequest(
        region_id=REGION, security_group_id=group, client_token="auth-1", permissions=[rule]
    )
    ecs.authorize_security_group(request)
    rule_id = _rules(ecs, m, group)[0].security_group_rule_id
    ecs.revoke_security_group(
        m.RevokeSecurityGroupRequest(region_id=REGION, security_group_id=group, security_group_rule_id=[rule_id])
    )
    ecs.authorize_security_group(request)  # a retry of the first call: answered, not done again
    assert _rules(ecs, m, group) == []
    other = m.AuthorizeSecurityGroupRequest(
        region_id=REGION,
        security_group_id=group,
        client_token="auth-1",
        permissions=[_ingress(m, ip_protocol="TCP", port_range="81/81", source_cidr_ip="0.0.0.0/0")],
    )
    _raises(lambda: ecs.authorize_security_group(other), "IdempotentParameterMismatch", 400)


# tags -----------------------------------------------------------------------------------------
def test_tag_resources_on_security_groups(ecs, m, network, group):
    other = _create_group(ecs, m, network["vpc_id"], name="other")
    ecs.tag_resources(
        m.TagResourcesRequest(
            region_id=REGION,
            resource_type="securitygroup",
            resource_id=[group, other],
            tag=[m.TagResourcesRequestTag(key="env", value="test")],
        )
    )
    ecs.untag_resources(
        m.UntagResourcesRequest(region_id=REGION, resource_type="securitygroup", resource_id=[other], tag_key=["env"])
    )
    listed = ecs.list_tag_resources(
        m.ListTagResourcesRequest(
            region_id=REGION, resource_type="securitygroup", tag=[m.ListTagResourcesRequestTag(key="env", value="test")]
        )
    ).body.tag_resources.tag_resource
    assert [(t.resource_id, t.resource_type, t.tag_key, t.tag_value) for t in listed] == [
        (group, "securitygroup", "env", "test")
    ]
    body = ecs.describe_security_groups(
        m.DescribeSecurityGroupsRequest(
            region_id=REGION, tag=[m.DescribeSecurityGroupsRequestTag(key="env", value="test")]
        )
    ).body
    assert [g.security_group_id for g in body.security_groups.security_group] == [group]
    _raises(
        lambda: ecs.tag_resources(
            m.TagResourcesRequest(
                region_id=REGION,
                resource_type="securitygroup",
                resource_id=["sg-missing"],
                tag=[m.TagResourcesRequestTag(key="env", value="test")],
            )
        ),
        "InvalidResourceId.NotFound",
        404,
    )
