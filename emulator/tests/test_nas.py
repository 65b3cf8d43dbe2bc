"""NAS 2017-06-26 through the real SDK client: every action, its rules, its errors and its state machines."""

import time

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from alicloud_emulator.server import EmulatorServer
from alicloud_emulator.testing import sdk_client, sdk_models
from alicloud_emulator.timing import Timing

REGION = "cn-hangzhou"
DEFAULT_GROUP = "DEFAULT_VPC_GROUP_NAME"
FAST = Timing("fast")


@pytest.fixture
def nas(emulator):
    return emulator.client("nas")


@pytest.fixture
def m():
    return sdk_models("nas")


def _error(call, *args):
    with pytest.raises(ClientException) as raised:
        call(*args)
    return raised.value.code, raised.value.status_code


def _create_fs(nas, m, **fields):
    settings = {"protocol_type": "NFS", "storage_type": "Capacity", **fields}
    return nas.create_file_system(m.CreateFileSystemRequest(**settings)).body.file_system_id


def _describe_fs(nas, m, fs_id):
    body = nas.describe_file_systems(m.DescribeFileSystemsRequest(file_system_id=fs_id)).body
    assert body.total_count == 1
    return body.file_systems.file_system[0]


def _mount(nas, m, fs_id, network, vswitch_index=0, group=DEFAULT_GROUP):
    request = m.CreateMountTargetRequest(
        file_system_id=fs_id,
        network_type="Vpc",
        vpc_id=network["vpc_id"],
        v_switch_id=network["vswitch_ids"][vswitch_index],
        access_group_name=group,
    )
    return nas.create_mount_target(request).body.mount_target_domain


def _mount_targets(nas, m, fs_id, **fields):
    request = m.DescribeMountTargetsRequest(file_system_id=fs_id, **fields)
    return nas.describe_mount_targets(request).body


def _wait(key):
    time.sleep(FAST.delay(key) + 0.1)


# file systems ---------------------------------------------------------------------------------
def test_create_describe_delete_file_system(nas, m):
    fs_id = _create_fs(
        nas,
        m,
        storage_type="Performance",
        zone_id="cn-hangzhou-k",
        description="web-shared:storage_1",
        encrypt_type=1,
        tag=[m.CreateFileSystemRequestTag(key="app", value="ha-web")],
    )
    assert len(fs_id) == 10 and int(fs_id, 16) >= 0
    found = _describe_fs(nas, m, fs_id)
    assert (found.file_system_id, found.status, found.region_id, found.zone_id) == (
        fs_id,
        "Running",
        REGION,
        "cn-hangzhou-k",
    )
    assert (found.protocol_type, found.storage_type, found.file_system_type) == ("NFS", "Performance", "standard")
    assert (found.description, found.charge_type, found.encrypt_type) == ("web-shared:storage_1", "PayAsYouGo", 1)
    assert found.metered_size == 0 and found.capacity > 0 and found.bandwidth > 0
    assert found.create_time.endswith("Z") and found.mount_targets.mount_target == []
    assert {(t.key, t.value) for t in found.tags.tag} == {("app", "ha-web")}

    nas.delete_file_system(m.DeleteFileSystemRequest(file_system_id=fs_id))
    body = nas.describe_file_systems(m.DescribeFileSystemsRequest(file_system_id=fs_id)).body
    assert body.total_count == 0 and body.file_systems.file_system == []
    assert _error(nas.delete_file_system, m.DeleteFileSystemRequest(file_system_id=fs_id)) == (
        "InvalidFileSystem.NotFound",
        404,
    )


def test_file_system_defaults(nas, m):
    found = _describe_fs(nas, m, _create_fs(nas, m, protocol_type="SMB"))
    assert found.zone_id.startswith(REGION) and found.description == ""
    assert found.protocol_type == "SMB" and found.encrypt_type == 0 and found.expired_time == ""


@pytest.mark.parametrize(
    "fields, code, status",
    [
        ({"protocol_type": None}, "MissingProtocolType", 400),
        ({"storage_type": None}, "MissingStorageType", 400),
        ({"protocol_type": "cpfs"}, "InvalidParameter.ProtocolType", 400),
        ({"storage_type": "advance"}, "InvalidParameter.StorageType", 400),
        ({"file_system_type": "extreme"}, "InvalidParameter", 400),
        ({"zone_id": "cn-shanghai-e"}, "InvalidAZone.NotFound", 404),
        ({"description": "1st share"}, "InvalidParameter.Description", 400),
        ({"description": "a"}, "InvalidParameter.Description", 400),
        ({"description": "has space"}, "InvalidParameter.Description", 400),
        ({"description": "http://x"}, "InvalidParameter.Description", 400),
        ({"description": "a" * 129}, "InvalidParameter.Description", 400),
        ({"charge_type": "Monthly"}, "InvalidParameter", 400),
        ({"charge_type": "Subscription"}, "MissingParameter.Duration", 400),
        ({"encrypt_type": 3}, "InvalidParameter", 400),
        ({"encrypt_type": 2}, "MissingParameter.KmsKeyId", 400),
        ({"tag": [{"key": "aliyun:x", "value": "v"}]}, "InvalidTagKey.Malformed", 400),
    ],
)
def test_create_file_system_validation(nas, m, fields, code, status):
    if "tag" in fields:
        fields = {"tag": [m.CreateFileSystemRequestTag(**t) for t in fields["tag"]]}
    settings = {"protocol_type": "NFS", "storage_type": "Capacity", **fields}
    assert _error(nas.create_file_system, m.CreateFileSystemRequest(**settings)) == (code, status)
    assert nas.describe_file_systems(m.DescribeFileSystemsRequest()).body.total_count == 0


def test_create_file_system_dry_run_and_subscription(nas, m):
    request = m.CreateFileSystemRequest(protocol_type="NFS", storage_type="Capacity", dry_run=True)
    assert _error(nas.create_file_system, request) == ("DryRunOperation", 400)
    assert nas.describe_file_systems(m.DescribeFileSystemsRequest()).body.total_count == 0
    found = _describe_fs(nas, m, _create_fs(nas, m, charge_type="Subscription", duration=1))
    assert found.charge_type == "Subscription" and found.expired_time.endswith("Z")


def test_create_file_system_client_token(nas, m):
    first = _create_fs(nas, m, client_token="fs-token-1")
    assert _create_fs(nas, m, client_token="fs-token-1") == first
    assert nas.describe_file_systems(m.DescribeFileSystemsRequest()).body.total_count == 1
    request = m.CreateFileSystemRequest(protocol_type="NFS", storage_type="Premium", client_token="fs-token-1")
    assert _error(nas.create_file_system, request) == ("IdempotentParameterMismatch", 400)
    assert _create_fs(nas, m, client_token="fs-token-2") != first


def test_describe_file_systems_paging_and_filters(nas, m):
    created = []
    for index in range(13):
        tier = "odd" if index % 2 else "even"
        storage = "Performance" if index < 3 else "Capacity"
        tag = [m.CreateFileSystemRequestTag(key="tier", value=tier)]
        created.append(_create_fs(nas, m, storage_type=storage, description=f"fs-{index}", tag=tag))
    seen = []
    for number in (1, 2, 3):
        body = nas.describe_file_systems(m.DescribeFileSystemsRequest(page_number=number, page_size=5)).body
        assert (body.total_count, body.page_number, body.page_size) == (13, number, 5)
        seen += [f.file_system_id for f in body.file_systems.file_system]
    assert seen == created
    default_page = nas.describe_file_systems(m.DescribeFileSystemsRequest()).body
    assert default_page.page_size == 10 and len(default_page.file_systems.file_system) == 10

    def ids(**fields):
        body = nas.describe_file_systems(m.DescribeFileSystemsRequest(page_size=100, **fields)).body
        return [f.file_system_id for f in body.file_systems.file_system]

    assert ids(tag=[m.DescribeFileSystemsRequestTag(key="tier", value="odd")]) == created[1::2]
    assert ids(tag=[m.DescribeFileSystemsRequestTag(key="tier")]) == created
    assert ids(tag=[m.DescribeFileSystemsRequestTag(key="other")]) == []
    assert ids(file_system_id=f"{created[0]},{created[4]}") == [created[0], created[4]]
    assert ids(storage_type="Performance") == created[:3]
    assert ids(file_system_type="standard") == created and ids(file_system_type="extreme") == []
    assert ids(file_system_type="all") == created
    assert _error(nas.describe_file_systems, m.DescribeFileSystemsRequest(page_size=101)) == ("InvalidParameter", 400)


def test_file_system_and_mount_target_state_machines(emulator, nas, m, network):
    emulator.emulator.timing = FAST
    fs_id = _create_fs(nas, m)
    assert _describe_fs(nas, m, fs_id).status == "Pending"
    assert _error(_mount, nas, m, fs_id, network) == ("OperationDenied.InvalidState", 403)
    assert _error(nas.delete_file_system, m.DeleteFileSystemRequest(file_system_id=fs_id)) == (
        "OperationDenied.InvalidState",
        403,
    )
    _wait("filesystem.create")
    assert _describe_fs(nas, m, fs_id).status == "Running"

    domain = _mount(nas, m, fs_id, network)
    assert _mount_targets(nas, m, fs_id).mount_targets.mount_target[0].status == "Pending"
    assert _describe_fs(nas, m, fs_id).mount_targets.mount_target[0].status == "Pending"
    modify = m.ModifyMountTargetRequest(file_system_id=fs_id, mount_target_domain=domain, status="Inactive")
    assert _error(nas.modify_mount_target, modify) == ("OperationDenied.InvalidState", 403)
    delete_mt = m.DeleteMountTargetRequest(file_system_id=fs_id, mount_target_domain=domain)
    assert _error(nas.delete_mount_target, delete_mt) == ("OperationDenied.InvalidState", 403)
    _wait("mount_target.create")
    assert _mount_targets(nas, m, fs_id).mount_targets.mount_target[0].status == "Active"

    nas.delete_mount_target(delete_mt)
    assert _mount_targets(nas, m, fs_id, mount_target_domain=domain).mount_targets.mount_target[0].status == "Deleting"
    assert _error(nas.delete_mount_target, delete_mt) == ("OperationDenied.InvalidState", 403)
    assert _error(nas.delete_file_system, m.DeleteFileSystemRequest(file_system_id=fs_id)) == (
        "OperationDenied.MountTargetNotEmpty",
        403,
    )
    _wait("mount_target.delete")
    assert _mount_targets(nas, m, fs_id).total_count == 0
    found = m.DescribeMountTargetsRequest(file_system_id=fs_id, mount_target_domain=domain)
    assert _error(nas.describe_mount_targets, found) == ("InvalidMountTarget.NotFound", 404)

    nas.delete_file_system(m.DeleteFileSystemRequest(file_system_id=fs_id))
    assert _describe_fs(nas, m, fs_id).status == "Deleting"
    _wait("filesystem.delete")
    assert nas.describe_file_systems(m.DescribeFileSystemsRequest(file_system_id=fs_id)).body.total_count == 0


# mount targets --------------------------------------------------------------------------------
def test_mount_target_lifecycle(nas, m, network, vpc, vpc_models):
    fs_id = _create_fs(nas, m)
    domain = _mount(nas, m, fs_id, network)
    assert domain.startswith(f"{fs_id}-") and domain.endswith(f".{REGION}.nas.aliyuncs.com")
    body = _mount_targets(nas, m, fs_id)
    assert (body.total_count, body.page_number, body.page_size) == (1, 1, 10)
    target = body.mount_targets.mount_target[0]
    assert (target.mount_target_domain, target.network_type, target.vpc_id, target.vsw_id) == (
        domain,
        "Vpc",
        network["vpc_id"],
        network["vswitch_ids"][0],
    )
    assert (target.access_group, target.status, target.ipversion) == (DEFAULT_GROUP, "Active", "IPv4")
    in_fs = _describe_fs(nas, m, fs_id).mount_targets.mount_target[0]
    assert (in_fs.mount_target_domain, in_fs.access_group_name, in_fs.vsw_id, in_fs.status) == (
        domain,
        DEFAULT_GROUP,
        network["vswitch_ids"][0],
        "Active",
    )

    by_vpc = nas.describe_file_systems(m.DescribeFileSystemsRequest(vpc_id=network["vpc_id"])).body
    assert [f.file_system_id for f in by_vpc.file_systems.file_system] == [fs_id]
    assert nas.describe_file_systems(m.DescribeFileSystemsRequest(vpc_id="vpc-other")).body.total_count == 0

    delete_vswitch = vpc_models.DeleteVSwitchRequest(region_id=REGION, v_switch_id=network["vswitch_ids"][0])
    assert _error(vpc.delete_vswitch, delete_vswitch) == ("DependencyViolation", 400)

    nas.create_access_group(m.CreateAccessGroupRequest(access_group_name="web-servers", access_group_type="Vpc"))
    nas.modify_mount_target(
        m.ModifyMountTargetRequest(
            file_system_id=fs_id, mount_target_domain=domain, access_group_name="web-servers", status="Inactive"
        )
    )
    target = _mount_targets(nas, m, fs_id, mount_target_domain=domain).mount_targets.mount_target[0]
    assert (target.access_group, target.status) == ("web-servers", "Inactive")
    modify = {"file_system_id": fs_id, "mount_target_domain": domain}
    for changes, expected in (
        ({"status": "Gone"}, ("InvalidParameter", 400)),
        ({"access_group_name": "nope"}, ("InvalidAccessGroup.NotFound", 404)),
        ({"mount_target_domain": "x.nas.aliyuncs.com", "status": "Active"}, ("InvalidParam.MountTargetDomain", 400)),
        ({"file_system_id": "0000000000", "status": "Active"}, ("InvalidFileSystem.NotFound", 404)),
    ):
        request = m.ModifyMountTargetRequest(**{**modify, **changes})
        assert _error(nas.modify_mount_target, request) == expected, changes

    nas.delete_mount_target(m.DeleteMountTargetRequest(file_system_id=fs_id, mount_target_domain=domain))
    assert _mount_targets(nas, m, fs_id).total_count == 0
    vpc.delete_vswitch(delete_vswitch)
    missing = m.DeleteMountTargetRequest(file_system_id=fs_id, mount_target_domain=domain)
    assert _error(nas.delete_mount_target, missing) == ("InvalidMountTarget.NotFound", 404)
    other_fs = m.DescribeMountTargetsRequest(file_system_id="0000000000")
    assert _error(nas.describe_mount_targets, other_fs) == ("InvalidFileSystem.NotFound", 404)


def _security_group(emulator, vpc_id):
    ecs, ecs_models = emulator.client("ecs"), sdk_models("ecs")
    request = ecs_models.CreateSecurityGroupRequest(region_id=REGION, vpc_id=vpc_id)
    return ecs.create_security_group(request).body.security_group_id


def test_create_mount_target_validation(emulator, nas, m, network, vpc, vpc_models):
    fs_id = _create_fs(nas, m)
    other_vpc = vpc.create_vpc(vpc_models.CreateVpcRequest(region_id=REGION, cidr_block="10.0.0.0/16")).body.vpc_id
    other_vsw = vpc.create_vswitch(
        vpc_models.CreateVSwitchRequest(
            region_id=REGION, vpc_id=other_vpc, zone_id="cn-hangzhou-j", cidr_block="10.0.1.0/24"
        )
    ).body.v_switch_id
    good = {
        "file_system_id": fs_id,
        "network_type": "Vpc",
        "vpc_id": network["vpc_id"],
        "v_switch_id": network["vswitch_ids"][0],
        "access_group_name": DEFAULT_GROUP,
    }
    for changes, expected in (
        ({"file_system_id": "0123456789"}, ("InvalidFileSystem.NotFound", 404)),
        ({"file_system_id": None}, ("MissingFileSystemId", 400)),
        ({"network_type": None}, ("MissingNetworkType", 400)),
        ({"network_type": "Classic"}, ("InvalidParameter", 400)),
        ({"vpc_id": None}, ("MissingParameter.VpcId", 400)),
        ({"v_switch_id": None}, ("MissingParameter.VSwitchId", 400)),
        ({"access_group_name": None}, ("MissingParameter.AccessGroupName", 400)),
        ({"vpc_id": "vpc-missing"}, ("InvalidParameter.VpcNotFound", 404)),
        ({"v_switch_id": "vsw-missing"}, ("InvalidParameter.VswNotFound", 404)),
        ({"v_switch_id": other_vsw}, ("InvalidParameter.VswNotFound", 404)),
        ({"access_group_name": "no-such-group"}, ("InvalidAccessGroup.NotFound", 404)),
        ({"security_group_id": "sg-missing"}, ("InvalidSecurityGroupId.NotFound", 404)),
        ({"security_group_id": _security_group(emulator, other_vpc)}, ("InvalidSecurityGroupId.NotFound", 404)),
        ({"dry_run": True}, ("DryRunOperation", 400)),
    ):
        request = m.CreateMountTargetRequest(**{**good, **changes})
        assert _error(nas.create_mount_target, request) == expected, changes
    assert _mount_targets(nas, m, fs_id).total_count == 0
    with_group = m.CreateMountTargetRequest(**good, security_group_id=_security_group(emulator, network["vpc_id"]))
    assert nas.create_mount_target(with_group).body.mount_target_domain.startswith(fs_id)


def test_mount_target_limit_per_file_system(nas, m, network, vpc, vpc_models):
    third_vsw = vpc.create_vswitch(
        vpc_models.CreateVSwitchRequest(
            region_id=REGION, vpc_id=network["vpc_id"], zone_id="cn-hangzhou-j", cidr_block="192.168.3.0/24"
        )
    ).body.v_switch_id
    network = {**network, "vswitch_ids": [*network["vswitch_ids"], third_vsw]}
    fs_id = _create_fs(nas, m)
    first = _mount(nas, m, fs_id, network, 0)
    assert _error(_mount, nas, m, fs_id, network, 0) == ("InvalidMountTarget.AlreadyExisted", 403)
    _mount(nas, m, fs_id, network, 1)
    assert _error(_mount, nas, m, fs_id, network, 2) == ("OperationDenied.MountTargetExceedLimit", 403)
    assert _mount_targets(nas, m, fs_id).total_count == 2
    page = _mount_targets(nas, m, fs_id, page_size=1, page_number=2)
    assert (page.total_count, page.page_number, page.page_size) == (2, 2, 1)
    assert len(page.mount_targets.mount_target) == 1
    assert page.mount_targets.mount_target[0].mount_target_domain != first
    other_fs = _create_fs(nas, m)
    assert _mount(nas, m, other_fs, network, 2)


# access groups and rules ----------------------------------------------------------------------
def _groups(nas, m, **fields):
    return nas.describe_access_groups(m.DescribeAccessGroupsRequest(**fields)).body


def test_default_access_group(nas, m):
    body = _groups(nas, m)
    assert body.total_count == 1
    group = body.access_groups.access_group[0]
    assert (group.access_group_name, group.access_group_type, group.file_system_type) == (
        DEFAULT_GROUP,
        "Vpc",
        "standard",
    )
    assert (group.rule_count, group.mount_target_count, group.region_id) == (1, 0, REGION)
    rules = nas.describe_access_rules(m.DescribeAccessRulesRequest(access_group_name=DEFAULT_GROUP)).body
    rule = rules.access_rules.access_rule[0]
    assert (rule.access_rule_id, rule.source_cidr_ip, rule.rwaccess, rule.user_access, rule.priority) == (
        "1",
        "0.0.0.0/0",
        "RDWR",
        "no_squash",
        1,
    )
    assert _error(nas.delete_access_group, m.DeleteAccessGroupRequest(access_group_name=DEFAULT_GROUP)) == (
        "OperationDenied.DefaultAccessGroupCannotDelete",
        403,
    )
    add_rule = m.CreateAccessRuleRequest(access_group_name=DEFAULT_GROUP, source_cidr_ip="10.0.0.0/8")
    assert _error(nas.create_access_rule, add_rule) == ("OperationDenied.DefaultAccessGroupCannotModify", 403)
    delete_rule = m.DeleteAccessRuleRequest(access_group_name=DEFAULT_GROUP, access_rule_id="1")
    assert _error(nas.delete_access_rule, delete_rule) == ("OperationDenied.DefaultAccessGroupCannotModify", 403)
    create = m.CreateAccessGroupRequest(access_group_name=DEFAULT_GROUP, access_group_type="Vpc")
    assert _error(nas.create_access_group, create) == ("InvalidAccessGroup.AlreadyExisted", 403)


@pytest.fixture
def nas_shanghai(emulator):
    """A NAS client of cn-shanghai: NAS takes no RegionId, its region is its endpoint's (nas.cn-shanghai...)."""
    server = EmulatorServer(emulator.emulator, region="cn-shanghai")
    server.start_background()
    yield sdk_client("nas", server.endpoint)
    server.shutdown()
    server.server_close()


def test_an_access_group_is_named_within_its_region(nas, nas_shanghai, m):
    """The same name in two regions is two groups, each with its own rules; a region sees only its own."""
    for client, description, source in ((nas, "hangzhou", "10.0.0.0/8"), (nas_shanghai, "shanghai", "172.16.0.0/12")):
        client.create_access_group(
            m.CreateAccessGroupRequest(access_group_name="web", access_group_type="Vpc", description=description)
        )
        client.create_access_rule(m.CreateAccessRuleRequest(access_group_name="web", source_cidr_ip=source))

    def seen(client):
        groups = client.describe_access_groups(m.DescribeAccessGroupsRequest()).body.access_groups.access_group
        rules = client.describe_access_rules(m.DescribeAccessRulesRequest(access_group_name="web")).body
        return (
            [(g.access_group_name, g.description) for g in groups if g.access_group_name != DEFAULT_GROUP],
            [r.source_cidr_ip for r in rules.access_rules.access_rule],
        )

    assert seen(nas) == ([("web", "hangzhou")], ["10.0.0.0/8"])
    assert seen(nas_shanghai) == ([("web", "shanghai")], ["172.16.0.0/12"])
    nas_shanghai.delete_access_group(m.DeleteAccessGroupRequest(access_group_name="web"))
    assert seen(nas) == ([("web", "hangzhou")], ["10.0.0.0/8"])
    assert _error(nas_shanghai.describe_access_groups, m.DescribeAccessGroupsRequest(access_group_name="web")) == (
        "InvalidAccessGroup.NotFound",
        404,
    )


def test_access_group_lifecycle(nas, m, network):
    created = nas.create_access_group(
        m.CreateAccessGroupRequest(access_group_name="web-servers", access_group_type="Vpc", description="web:tier")
    ).body
    assert created.access_group_name == "web-servers" and created.request_id
    group = _groups(nas, m, access_group_name="web-servers").access_groups.access_group[0]
    assert (group.description, group.rule_count, group.mount_target_count) == ("web:tier", 0, 0)
    assert group.create_time.endswith("Z")
    assert [g.access_group_name for g in _groups(nas, m).access_groups.access_group] == [DEFAULT_GROUP, "web-servers"]
    assert _groups(nas, m, file_system_type="extreme").total_count == 1

    nas.create_access_group(m.CreateAccessGroupRequest(access_group_name="no_description", access_group_type="Vpc"))
    assert _groups(nas, m, access_group_name="no_description").access_groups.access_group[0].description == (
        "no_description"
    )
    again = m.CreateAccessGroupRequest(access_group_name="web-servers", access_group_type="Vpc")
    assert _error(nas.create_access_group, again) == ("InvalidAccessGroup.AlreadyExisted", 403)

    fs_id = _create_fs(nas, m)
    domain = _mount(nas, m, fs_id, network, group="web-servers")
    assert _groups(nas, m, access_group_name="web-servers").access_groups.access_group[0].mount_target_count == 1
    delete = m.DeleteAccessGroupRequest(access_group_name="web-servers")
    assert _error(nas.delete_access_group, delete) == ("InvalidAccessGroup.AlreadyAttached", 403)
    nas.delete_mount_target(m.DeleteMountTargetRequest(file_system_id=fs_id, mount_target_domain=domain))
    nas.delete_access_group(delete)
    assert _error(nas.describe_access_groups, m.DescribeAccessGroupsRequest(access_group_name="web-servers")) == (
        "InvalidAccessGroup.NotFound",
        404,
    )
    assert _error(nas.delete_access_group, delete) == ("InvalidAccessGroup.NotFound", 404)


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"access_group_name": "ab"}, "InvalidParameter"),
        ({"access_group_name": "9lives"}, "InvalidParameter"),
        ({"access_group_name": "has space"}, "InvalidParameter"),
        ({"access_group_name": "a" * 65}, "InvalidParameter"),
        ({"access_group_type": "Classic"}, "InvalidParameter"),
        ({"access_group_type": None}, "MissingAccessGroupType"),
        ({"file_system_type": "cpfs"}, "InvalidParameter"),
        ({"description": "-dash"}, "InvalidParameter.Description"),
    ],
)
def test_create_access_group_validation(nas, m, fields, code):
    request = m.CreateAccessGroupRequest(**{"access_group_name": "valid-name", "access_group_type": "Vpc", **fields})
    assert _error(nas.create_access_group, request) == (code, 400)
    assert _groups(nas, m).total_count == 1


def test_access_group_limit_and_paging(nas, m):
    for index in range(20):
        nas.create_access_group(
            m.CreateAccessGroupRequest(access_group_name=f"group-{index:02}", access_group_type="Vpc")
        )
    extra = m.CreateAccessGroupRequest(access_group_name="group-20", access_group_type="Vpc")
    assert _error(nas.create_access_group, extra) == ("OperationDenied.AccessGroupCountsExceeded", 403)
    names = []
    for number in (1, 2, 3):
        body = _groups(nas, m, page_number=number, page_size=8)
        assert (body.total_count, body.page_number, body.page_size) == (21, number, 8)
        names += [g.access_group_name for g in body.access_groups.access_group]
    assert names == [DEFAULT_GROUP] + [f"group-{index:02}" for index in range(20)]


def test_access_rules(nas, m):
    nas.create_access_group(m.CreateAccessGroupRequest(access_group_name="web-servers", access_group_type="Vpc"))

    def add(**fields):
        request = m.CreateAccessRuleRequest(access_group_name="web-servers", **fields)
        return nas.create_access_rule(request).body.access_rule_id

    assert add(source_cidr_ip="192.168.1.0/24") == "1"
    assert add(source_cidr_ip="192.168.2.7", rwaccess_type="RDONLY", user_access_type="root_squash", priority=5) == "2"
    body = nas.describe_access_rules(m.DescribeAccessRulesRequest(access_group_name="web-servers")).body
    rows = [
        (r.access_rule_id, r.source_cidr_ip, r.rwaccess, r.user_access, r.priority)
        for r in body.access_rules.access_rule
    ]
    assert rows == [("1", "192.168.1.0/24", "RDWR", "no_squash", 1), ("2", "192.168.2.7", "RDONLY", "root_squash", 5)]
    assert body.access_rules.access_rule[0].access_group_name == "web-servers"
    assert body.access_rules.access_rule[0].file_system_type == "standard"
    assert _groups(nas, m, access_group_name="web-servers").access_groups.access_group[0].rule_count == 2

    one = m.DescribeAccessRulesRequest(access_group_name="web-servers", access_rule_id="2")
    assert [r.source_cidr_ip for r in nas.describe_access_rules(one).body.access_rules.access_rule] == ["192.168.2.7"]
    nas.delete_access_rule(m.DeleteAccessRuleRequest(access_group_name="web-servers", access_rule_id="1"))
    assert _error(
        nas.describe_access_rules, m.DescribeAccessRulesRequest(access_group_name="web-servers", access_rule_id="1")
    ) == (
        "InvalidAccessRule.NotFound",
        404,
    )
    delete_again = m.DeleteAccessRuleRequest(access_group_name="web-servers", access_rule_id="1")
    assert _error(nas.delete_access_rule, delete_again) == ("InvalidAccessRule.NotFound", 404)
    assert add(source_cidr_ip="10.0.0.0/8") == "3"
    missing_group = m.DescribeAccessRulesRequest(access_group_name="nope")
    assert _error(nas.describe_access_rules, missing_group) == ("InvalidAccessGroup.NotFound", 404)

    for index in range(9):
        add(source_cidr_ip=f"172.16.{index}.0/24")
    seen = []
    for number in (1, 2, 3):
        request = m.DescribeAccessRulesRequest(access_group_name="web-servers", page_number=number, page_size=4)
        page = nas.describe_access_rules(request).body
        assert (page.total_count, page.page_number, page.page_size) == (11, number, 4)
        seen += [r.access_rule_id for r in page.access_rules.access_rule]
    assert seen == [str(n) for n in range(2, 13)]

    nas.delete_access_group(m.DeleteAccessGroupRequest(access_group_name="web-servers"))
    nas.create_access_group(m.CreateAccessGroupRequest(access_group_name="web-servers", access_group_type="Vpc"))
    assert _groups(nas, m, access_group_name="web-servers").access_groups.access_group[0].rule_count == 0


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"source_cidr_ip": "10.0.0.0/33"}, "InvalidParam.SourceCidrIp"),
        ({"source_cidr_ip": "10.0.0.1/8"}, "InvalidParam.SourceCidrIp"),
        ({"source_cidr_ip": "garbage"}, "InvalidParam.SourceCidrIp"),
        ({"source_cidr_ip": "fd00::/8"}, "InvalidParam.SourceCidrIp"),
        ({"source_cidr_ip": None}, "InvalidParam.SourceCidrIp"),
        ({"ipv_6source_cidr_ip": "fd00::/8", "source_cidr_ip": None}, "InvalidAccessGroup.NotsupportedIPv6"),
        ({"ipv_6source_cidr_ip": "fd00::/8"}, "InvalidParam.IPv4AndIPv6MutuallyExclusive"),
        ({"rwaccess_type": "WRITE"}, "InvalidParameter"),
        ({"user_access_type": "squash"}, "InvalidParameter"),
        ({"priority": 0}, "InvalidParameter"),
        ({"priority": 101}, "InvalidParameter"),
    ],
)
def test_create_access_rule_validation(nas, m, fields, code):
    nas.create_access_group(m.CreateAccessGroupRequest(access_group_name="web-servers", access_group_type="Vpc"))
    settings = {"access_group_name": "web-servers", "source_cidr_ip": "10.0.0.0/8", **fields}
    assert _error(nas.create_access_rule, m.CreateAccessRuleRequest(**settings)) == (code, 400)
    assert _groups(nas, m, access_group_name="web-servers").access_groups.access_group[0].rule_count == 0


# tags -----------------------------------------------------------------------------------------
def test_tag_untag_list(nas, m):
    tagged, plain = _create_fs(nas, m), _create_fs(nas, m)
    nas.tag_resources(
        m.TagResourcesRequest(
            resource_type="filesystem",
            resource_id=[tagged],
            tag=[m.TagResourcesRequestTag(key="env", value="prod"), m.TagResourcesRequestTag(key="app", value="web")],
        )
    )
    listed = nas.list_tag_resources(m.ListTagResourcesRequest(resource_type="filesystem", resource_id=[tagged])).body
    assert {(t.resource_id, t.resource_type, t.tag_key, t.tag_value) for t in listed.tag_resources.tag_resource} == {
        (tagged, "filesystem", "env", "prod"),
        (tagged, "filesystem", "app", "web"),
    }
    assert listed.next_token == ""
    by_tag = nas.list_tag_resources(
        m.ListTagResourcesRequest(
            resource_type="filesystem", tag=[m.ListTagResourcesRequestTag(key="env", value="prod")]
        )
    ).body
    assert {t.resource_id for t in by_tag.tag_resources.tag_resource} == {tagged}
    filtered = nas.describe_file_systems(
        m.DescribeFileSystemsRequest(tag=[m.DescribeFileSystemsRequestTag(key="env", value="prod")])
    ).body
    assert [f.file_system_id for f in filtered.file_systems.file_system] == [tagged]
    assert plain not in [f.file_system_id for f in filtered.file_systems.file_system]

    nas.untag_resources(m.UntagResourcesRequest(resource_type="filesystem", resource_id=[tagged], tag_key=["env"]))
    assert {(t.key, t.value) for t in _describe_fs(nas, m, tagged).tags.tag} == {("app", "web")}
    nas.untag_resources(m.UntagResourcesRequest(resource_type="filesystem", resource_id=[tagged], all=True))
    assert _describe_fs(nas, m, tagged).tags.tag == []

    missing = m.TagResourcesRequest(
        resource_type="filesystem", resource_id=["0000000000"], tag=[m.TagResourcesRequestTag(key="a", value="b")]
    )
    assert _error(nas.tag_resources, missing) == ("InvalidResourceId.NotFound", 400)
    wrong_type = m.TagResourcesRequest(
        resource_type="vpc", resource_id=[tagged], tag=[m.TagResourcesRequestTag(key="a", value="b")]
    )
    assert _error(nas.tag_resources, wrong_type) == ("InvalidParameter", 400)


def test_modify_file_system_access_group_and_rule(nas, m):
    fs_id = _create_fs(nas, m, description="first")
    nas.modify_file_system(m.ModifyFileSystemRequest(file_system_id=fs_id, description="second"))
    assert _describe_fs(nas, m, fs_id).description == "second"
    bad = m.ModifyFileSystemRequest(file_system_id=fs_id, description="has space")
    assert _error(nas.modify_file_system, bad) == ("InvalidParameter.Description", 400)
    missing = m.ModifyFileSystemRequest(file_system_id="0000000000", description="x1")
    assert _error(nas.modify_file_system, missing)[1] == 404

    nas.create_access_group(m.CreateAccessGroupRequest(access_group_name="web-servers", access_group_type="Vpc"))
    nas.modify_access_group(m.ModifyAccessGroupRequest(access_group_name="web-servers", description="web_hosts"))
    assert _groups(nas, m, access_group_name="web-servers").access_groups.access_group[0].description == "web_hosts"
    default = m.ModifyAccessGroupRequest(access_group_name=DEFAULT_GROUP, description="mine")
    assert _error(nas.modify_access_group, default)[0].startswith("OperationDenied")

    rule_id = nas.create_access_rule(
        m.CreateAccessRuleRequest(access_group_name="web-servers", source_cidr_ip="192.168.1.0/24")
    ).body.access_rule_id
    nas.modify_access_rule(
        m.ModifyAccessRuleRequest(
            access_group_name="web-servers", access_rule_id=rule_id, rwaccess_type="RDONLY", priority=3
        )
    )
    (rule,) = nas.describe_access_rules(
        m.DescribeAccessRulesRequest(access_group_name="web-servers")
    ).body.access_rules.access_rule
    assert (rule.source_cidr_ip, rule.rwaccess, rule.user_access, rule.priority) == (
        "192.168.1.0/24",
        "RDONLY",
        "no_squash",
        3,
    )
    nas.modify_access_rule(
        m.ModifyAccessRuleRequest(access_group_name="web-servers", access_rule_id=rule_id, source_cidr_ip="10.0.0.0/8")
    )
    (rule,) = nas.describe_access_rules(
        m.DescribeAccessRulesRequest(access_group_name="web-servers")
    ).body.access_rules.access_rule
    assert (rule.source_cidr_ip, rule.rwaccess) == ("10.0.0.0/8", "RDONLY")
    bad_source = m.ModifyAccessRuleRequest(access_group_name="web-servers", access_rule_id=rule_id, source_cidr_ip="x")
    assert _error(nas.modify_access_rule, bad_source) == ("InvalidParam.SourceCidrIp", 400)
    unknown = m.ModifyAccessRuleRequest(access_group_name="web-servers", access_rule_id="99", priority=2)
    assert _error(nas.modify_access_rule, unknown) == ("InvalidAccessRule.NotFound", 404)
