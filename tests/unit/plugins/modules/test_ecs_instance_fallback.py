"""ecs_instance's create loop over preference lists, with a scripted cloud: a refusal about the type in a zone moves
on to the next type then the next vSwitch, a spot refusal to pay-as-you-go when allowed, every attempt with its own
ClientToken; anything else stops at once."""

import pytest
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError
from ansible_collections.ha_web.alicloud.plugins.modules.ecs_instance import (
    list_problems,
    run_first_accepted,
    spot_plans,
)

VSWITCHES = [{"VSwitchId": "vsw-j", "ZoneId": "z-j"}, {"VSwitchId": "vsw-k", "ZoneId": "z-k"}]
TYPES = ["t-1", "t-2"]


class Failed(Exception):
    pass


class ScriptedModule:
    """What run_first_accepted uses of an AlicloudModule; `refuse(request)` gives the error code, or None."""

    def __init__(self, refuse, spot_strategy="SpotAsPriceGo", spot_fallback=True):
        self.refuse = refuse
        self.sent = []
        self.region_id = "r-1"
        self.params = {
            "name": "web-1",
            "image_id": "img",
            "security_group_ids": ["sg-1"],
            "spot_strategy": spot_strategy,
            "spot_fallback": spot_fallback,
            "spot_price_limit": None,
            "host_name": None,
            "description": None,
            "key_pair_name": None,
            "password": None,
            "internet_max_bandwidth_out": None,
            "internet_charge_type": None,
            "instance_charge_type": None,
            "deletion_protection": None,
            "period": None,
            "period_unit": "Month",
            "user_data": None,
            "system_disk": None,
            "tags": None,
            "wait_timeout": 600,
        }

    def call(self, product, action, request):
        assert (product, action) == ("ecs", "RunInstances")
        self.sent.append(request)
        code = self.refuse(request)
        if code:
            raise AlicloudApiError(code, "refused")
        return {"InstanceIdSets": {"InstanceIdSet": ["i-%d" % len(self.sent)]}}

    def fail(self, msg, **result):
        raise Failed(msg, result)


class VSwitchWaitingModule(ScriptedModule):
    """Also answers the wait for a vSwitch: it is Available once waited for, and the wait is recorded."""

    def __init__(self, refuse):
        super().__init__(refuse)
        self.waited = []

    def wait(self, waiter, read, timeout):
        self.waited.append((waiter.what, len(self.sent)))
        return {"VSwitchId": "vsw-k", "ZoneId": "z-k", "Status": "Available"}


def tried(module):
    return [(r["VSwitchId"], r["InstanceType"], r["SpotStrategy"]) for r in module.sent]


def test_the_first_candidate_accepted_is_all_that_is_sent():
    module = ScriptedModule(lambda request: None)
    assert run_first_accepted(module, VSWITCHES, TYPES) == ("i-1", False, [])
    assert tried(module) == [("vsw-j", "t-1", "SpotAsPriceGo")]


def test_a_sold_out_type_moves_to_the_next_type_then_the_next_zone():
    def refuse(request):
        return "OperationDenied.NoStock" if request["VSwitchId"] == "vsw-j" else None

    module = ScriptedModule(refuse)
    instance_id, fallback_used, attempts = run_first_accepted(module, VSWITCHES, TYPES)
    assert (instance_id, fallback_used) == ("i-3", False)
    assert tried(module) == [
        ("vsw-j", "t-1", "SpotAsPriceGo"),
        ("vsw-j", "t-2", "SpotAsPriceGo"),
        ("vsw-k", "t-1", "SpotAsPriceGo"),
    ]
    assert [(a["zone_id"], a["instance_type"], a["code"]) for a in attempts] == [
        ("z-j", "t-1", "OperationDenied.NoStock"),
        ("z-j", "t-2", "OperationDenied.NoStock"),
    ]


def test_every_attempt_has_its_own_client_token():
    module = ScriptedModule(lambda request: "Zone.NotOnSale" if request["InstanceType"] == "t-1" else None)
    run_first_accepted(module, VSWITCHES, TYPES)
    tokens = [r["ClientToken"] for r in module.sent]
    assert len(tokens) == 2 and len(set(tokens)) == 2


def test_an_account_without_spot_falls_back_to_pay_as_you_go_at_once():
    def refuse(request):
        return "InvalidAccount.NotSupportSpot" if request["SpotStrategy"] != "NoSpot" else None

    module = ScriptedModule(refuse)
    _instance, fallback_used, attempts = run_first_accepted(module, VSWITCHES, TYPES)
    assert fallback_used is True
    assert tried(module) == [("vsw-j", "t-1", "SpotAsPriceGo"), ("vsw-j", "t-1", "NoSpot")]
    assert [a["code"] for a in attempts] == ["InvalidAccount.NotSupportSpot"]


def test_no_spot_stock_anywhere_falls_back_after_every_candidate():
    def refuse(request):
        return "OperationDenied.NoStock" if request["SpotStrategy"] != "NoSpot" else None

    module = ScriptedModule(refuse)
    _instance, fallback_used, attempts = run_first_accepted(module, VSWITCHES, TYPES)
    assert fallback_used is True
    assert len(attempts) == 4 and tried(module)[-1] == ("vsw-j", "t-1", "NoSpot")


def test_without_spot_fallback_a_spot_refusal_is_the_error():
    module = ScriptedModule(lambda request: "InvalidAccount.NotSupportSpot", spot_fallback=False)
    with pytest.raises(AlicloudApiError) as raised:
        run_first_accepted(module, VSWITCHES, TYPES)
    assert raised.value.code == "InvalidAccount.NotSupportSpot"
    assert len(module.sent) == 1


def test_another_error_stops_at_once():
    module = ScriptedModule(lambda request: "InvalidImageId.NotFound")
    with pytest.raises(AlicloudApiError):
        run_first_accepted(module, VSWITCHES, TYPES)
    assert len(module.sent) == 1


def test_nothing_accepted_fails_naming_every_attempt_and_the_fix():
    module = ScriptedModule(lambda request: "OperationDenied.NoStock", spot_fallback=False)
    with pytest.raises(Failed) as raised:
        run_first_accepted(module, VSWITCHES, TYPES)
    message, result = raised.value.args
    assert "z-j t-1 SpotAsPriceGo: OperationDenied.NoStock" in message
    assert "z-k t-2 SpotAsPriceGo: OperationDenied.NoStock" in message
    assert "set spot_fallback: true" in message
    assert len(result["attempts"]) == 4


def test_spot_plans():
    assert spot_plans({"spot_strategy": "SpotAsPriceGo", "spot_fallback": True}) == ["SpotAsPriceGo", "NoSpot"]
    assert spot_plans({"spot_strategy": "SpotAsPriceGo", "spot_fallback": False}) == ["SpotAsPriceGo"]
    assert spot_plans({"spot_strategy": None, "spot_fallback": False}) == [None]


def test_the_preference_lists_are_checked_before_any_call():
    fine = {
        "instance_types": ["t-1", "t-2"],
        "v_switch_ids": None,
        "spot_fallback": True,
        "spot_strategy": "SpotAsPriceGo",
    }
    assert list_problems(fine) == []
    assert list_problems(dict(fine, instance_types=[])) == ["instance_types: give at least one, in order of preference"]
    assert list_problems(dict(fine, v_switch_ids=["vsw-1", "vsw-1"])) == ["v_switch_ids: vsw-1, vsw-1 lists one twice"]
    assert list_problems(dict(fine, spot_strategy="NoSpot")) == [
        "spot_fallback: only used with a spot_strategy other than NoSpot"
    ]


def test_a_pending_vswitch_is_waited_for_only_when_its_turn_comes():
    vswitches = [{"VSwitchId": "vsw-j", "ZoneId": "z-j", "Status": "Available"},
                 {"VSwitchId": "vsw-k", "ZoneId": "z-k", "Status": "Pending"}]  # fmt: skip
    accepted_at_once = VSwitchWaitingModule(lambda request: None)
    run_first_accepted(accepted_at_once, vswitches, TYPES)
    assert accepted_at_once.waited == []

    def refuse(request):
        return "OperationDenied.NoStock" if request["VSwitchId"] == "vsw-j" else None

    module = VSwitchWaitingModule(refuse)
    assert run_first_accepted(module, vswitches, TYPES)[0] == "i-3"
    assert module.waited == [("vSwitch to be Available", 2)]  # after both types were refused in zone j, once
    assert tried(module)[-1] == ("vsw-k", "t-1", "SpotAsPriceGo")
