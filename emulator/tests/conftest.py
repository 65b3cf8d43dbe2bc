import pytest
from alicloud_emulator.testing import sdk_models

pytest_plugins = ["alicloud_emulator.pytest_plugin"]


@pytest.fixture
def vpc(emulator):
    return emulator.client("vpc")


@pytest.fixture
def vpc_models():
    return sdk_models("vpc")


@pytest.fixture
def network(emulator, vpc, vpc_models):
    """A VPC 192.168.0.0/16 with two vSwitches in two zones, both Available."""
    vpc_id = vpc.create_vpc(
        vpc_models.CreateVpcRequest(region_id="cn-hangzhou", cidr_block="192.168.0.0/16")
    ).body.vpc_id
    vswitches = [
        vpc.create_vswitch(
            vpc_models.CreateVSwitchRequest(
                region_id="cn-hangzhou", vpc_id=vpc_id, zone_id=zone, cidr_block=cidr, v_switch_name=name
            )
        ).body.v_switch_id
        for zone, cidr, name in (
            ("cn-hangzhou-j", "192.168.1.0/24", "web-j"),
            ("cn-hangzhou-k", "192.168.2.0/24", "web-k"),
        )
    ]
    return {"vpc_id": vpc_id, "vswitch_ids": vswitches}
