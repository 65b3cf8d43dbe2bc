"""vswitch's CreateVSwitch with a scripted cloud: refused while another vSwitch of the VPC is being created (the cloud
makes them one at a time), it is sent again as soon as that one is Available, not after a blind back-off; refused for
another reason of the busy kind, it backs off; anything else is raised at once."""

import pytest
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError
from ansible_collections.ha_web.alicloud.plugins.module_utils.vpc import VSWITCH_AVAILABLE
from ansible_collections.ha_web.alicloud.plugins.modules import vswitch
from ansible_collections.ha_web.alicloud.tests.unit.scripted_module import ScriptedModule

REQUEST = {"RegionId": "r-1", "VpcId": "vpc-1", "ZoneId": "z-b", "CidrBlock": "192.168.2.0/24"}


class ScriptedCloud(ScriptedModule):
    """What send_create uses of an AlicloudModule: CreateVSwitch answers the codes of `refusals` in turn, then a
    vSwitch; the VPC's other vSwitch, vsw-a, has the statuses of `sibling_statuses` in turn (the last one stays)."""

    def __init__(self, refusals, sibling_statuses=("Available",)):
        super().__init__()
        self.refusals = list(refusals)
        self.sibling_statuses = list(sibling_statuses)

    def sibling(self):
        status = self.sibling_statuses.pop(0) if len(self.sibling_statuses) > 1 else self.sibling_statuses[0]
        return {"VSwitchId": "vsw-a", "VpcId": "vpc-1", "Status": status}

    def call(self, product, action, request, client_token=False):
        self.calls.append(action)
        if action == "DescribeVSwitches":
            return {"VSwitches": {"VSwitch": [self.sibling()]}}
        assert (product, action, client_token) == ("vpc", "CreateVSwitch", True)
        if self.refusals:
            raise AlicloudApiError(self.refusals.pop(0), "refused")
        return {"VSwitchId": "vsw-b"}

    def paginate(self, product, action, request, path):
        assert (product, action, request) == ("vpc", "DescribeVSwitches", {"VpcId": "vpc-1", "RegionId": "r-1"})
        self.calls.append("list " + action)
        return [self.sibling()]


@pytest.fixture
def slept(monkeypatch):
    delays = []
    monkeypatch.setattr(vswitch.time, "sleep", delays.append)
    return delays


def test_busy_with_a_vswitch_being_created_it_waits_for_that_one_then_sends_again(slept):
    module = ScriptedCloud(["IncorrectVSwitchStatus"], sibling_statuses=["Pending", "Pending", "Available"])
    assert vswitch.send_create(module, REQUEST) == "vsw-b"
    assert module.waited == [VSWITCH_AVAILABLE]
    waited = ["list DescribeVSwitches", "DescribeVSwitches", "DescribeVSwitches"]
    assert module.calls == ["CreateVSwitch", *waited, "CreateVSwitch"]
    assert slept == []  # no back-off on top of the wait


def test_busy_with_nothing_being_created_it_backs_off(slept):
    module = ScriptedCloud(["IncorrectVSwitchStatus", "OperationConflict"])
    assert vswitch.send_create(module, REQUEST) == "vsw-b"
    assert module.waited == []
    assert module.calls == ["CreateVSwitch", "list DescribeVSwitches", "CreateVSwitch", "CreateVSwitch"]
    assert slept == [0.5, 0.75]


def test_another_refusal_is_raised_at_once(slept):
    with pytest.raises(AlicloudApiError, match=r"Forbidden\.RAM"):
        vswitch.send_create(ScriptedCloud(["Forbidden.RAM"]), REQUEST)
    assert slept == []
