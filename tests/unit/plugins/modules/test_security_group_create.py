"""security_group's CreateSecurityGroup with a scripted cloud: a VPC still being created refuses it, the module waits
for the VPC and sends it again; a missing VPC names the option; anything else is raised at once."""

import pytest
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError
from ansible_collections.ha_web.alicloud.plugins.module_utils.vpc import VPC_AVAILABLE_FOR_CREATE
from ansible_collections.ha_web.alicloud.plugins.modules.security_group import send_create
from ansible_collections.ha_web.alicloud.tests.unit.scripted_module import Failed, ScriptedModule

REQUEST = {"RegionId": "r-1", "VpcId": "vpc-1", "SecurityGroupName": "web"}


class ScriptedCloud(ScriptedModule):
    """What send_create uses of an AlicloudModule: CreateSecurityGroup answers the codes of `refusals` in turn,
    then a group; DescribeVpcs answers the VPC statuses of `vpc_statuses` in turn."""

    def __init__(self, refusals, vpc_statuses=("Available",)):
        super().__init__()
        self.refusals = list(refusals)
        self.vpc_statuses = list(vpc_statuses)

    def call(self, product, action, request, client_token=False):
        self.calls.append((product, action))
        if action == "DescribeVpcs":
            return {"Vpcs": {"Vpc": [{"VpcId": request["VpcId"], "Status": self.vpc_statuses.pop(0)}]}}
        assert (product, action, client_token) == ("ecs", "CreateSecurityGroup", True)
        if self.refusals:
            raise AlicloudApiError(self.refusals.pop(0), "refused")
        return {"SecurityGroupId": "sg-1"}


def test_a_vpc_still_pending_is_waited_for_then_the_group_is_created():
    module = ScriptedCloud(["IncorrectVpcStatus"], vpc_statuses=["Pending", "Pending", "Available"])
    assert send_create(module, REQUEST) == "sg-1"
    assert module.waited == [VPC_AVAILABLE_FOR_CREATE]
    assert module.calls == [("ecs", "CreateSecurityGroup")] + [("vpc", "DescribeVpcs")] * 3 + [
        ("ecs", "CreateSecurityGroup")
    ]


def test_an_available_vpc_costs_one_call():
    module = ScriptedCloud([])
    assert send_create(module, REQUEST) == "sg-1"
    assert (module.calls, module.waited) == ([("ecs", "CreateSecurityGroup")], [])


def test_a_missing_vpc_names_the_option():
    with pytest.raises(Failed, match=r"^vpc_id: VPC vpc-1 does not exist in region r-1$"):
        send_create(ScriptedCloud(["InvalidVpcId.NotFound"]), REQUEST)


@pytest.mark.parametrize("refusals", [["Forbidden.RAM"], ["IncorrectVpcStatus", "IncorrectVpcStatus"]])
def test_any_other_refusal_is_raised(refusals):
    with pytest.raises(AlicloudApiError):
        send_create(ScriptedCloud(refusals), REQUEST)
