"""AlicloudModule: one ClientToken per create across retries, no mutating call in check mode, errors."""

import contextlib
import importlib
import json

import pytest
from ansible_collections.ha_web.alicloud.plugins.module_utils import clients, module
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError
from ansible_collections.ha_web.alicloud.tests.unit.module_args import patch_module_args

ARGS = {"access_key_id": "ak", "access_key_secret": "sk", "region_id": "cn-hangzhou"}


class Exited(Exception):
    pass


@pytest.fixture
def make_module(monkeypatch):
    """Builds an AlicloudModule from arguments; they stay patched in until the test ends (exit_json needs them)."""
    with contextlib.ExitStack() as stack:

        def build(check_mode=False, **args):
            stack.enter_context(patch_module_args(dict(ARGS, _ansible_check_mode=check_mode, **args)))
            return module.AlicloudModule(argument_spec={}, supports_check_mode=True)

        monkeypatch.setattr(clients, "build_client", lambda *a, **k: object())
        monkeypatch.setattr(module.retries.time, "sleep", lambda seconds: None)
        yield build


def test_one_client_token_for_every_attempt(make_module, monkeypatch):
    sent = []
    failures = [AlicloudApiError("ConnectionError", "reset", lost=True), AlicloudApiError("Throttling.User", "x")]

    def send(client, product, action, params):
        sent.append(dict(params))
        if failures:
            raise failures.pop(0)
        return {"VpcId": "vpc-1"}

    monkeypatch.setattr(clients, "send", send)
    the_module = make_module()
    assert the_module.call("vpc", "CreateVpc", {"CidrBlock": "10.0.0.0/16"}, client_token=True) == {"VpcId": "vpc-1"}
    tokens = {params["ClientToken"] for params in sent}
    assert len(sent) == 3 and len(tokens) == 1 and len(tokens.pop()) >= 32
    sent.clear()
    the_module.call("vpc", "CreateVpc", {"CidrBlock": "10.0.0.0/16"}, client_token=True)
    assert sent[0]["ClientToken"] not in tokens  # a new creation, a new token


def test_check_mode_refuses_mutating_calls(make_module, monkeypatch):
    monkeypatch.setattr(clients, "send", lambda *a: {"Vpcs": {"Vpc": []}})
    the_module = make_module(check_mode=True)
    assert the_module.call("vpc", "DescribeVpcs", {}) == {"Vpcs": {"Vpc": []}}
    with pytest.raises(RuntimeError):
        the_module.call("vpc", "CreateVpc", {})


def test_paginate_reads_every_page(make_module, monkeypatch):
    pages = {1: ["a", "b"], 2: ["c", "d"], 3: ["e"]}

    def send(client, product, action, params):
        return {"TotalCount": 5, "Items": {"Item": pages[params["PageNumber"]]}}

    monkeypatch.setattr(clients, "send", send)
    assert make_module().paginate("vpc", "DescribeThings", {}, ("Items", "Item"), page_size=2) == list("abcde")


def test_paginate_follows_next_tokens(make_module, monkeypatch):
    def send(client, product, action, params):
        token = params.get("NextToken")
        return {"Items": {"Item": [token or "first"]}, "NextToken": {None: "t2", "t2": "t3", "t3": ""}[token]}

    monkeypatch.setattr(clients, "send", send)
    assert make_module().paginate("ecs", "DescribeThings", {}, ("Items", "Item"), token=True) == ["first", "t2", "t3"]


def test_api_failure_reports_code_message_and_request_id(make_module, capsys):
    the_module = make_module()
    error = AlicloudApiError("InvalidVpcId.NotFound", "Specified VPC does not exist.", request_id="RID-1", status=404)
    with pytest.raises(SystemExit):
        the_module.fail_api(error, "VPC web")
    result = json.loads(capsys.readouterr().out)
    assert result["failed"] is True
    assert result["msg"] == "VPC web: InvalidVpcId.NotFound: Specified VPC does not exist. (request id RID-1)"
    assert result["error"]["code"] == "InvalidVpcId.NotFound" and result["error"]["request_id"] == "RID-1"
    assert "exception" not in result


def test_missing_region_names_the_option(monkeypatch, capsys):
    monkeypatch.delenv("ALIBABA_CLOUD_REGION_ID", raising=False)
    monkeypatch.delenv("ALICLOUD_REGION", raising=False)
    with patch_module_args({"access_key_id": "ak", "access_key_secret": "sk"}):
        the_module = module.AlicloudModule(argument_spec={})
        with pytest.raises(SystemExit):
            the_module.client("vpc")
    assert "region_id is required" in json.loads(capsys.readouterr().out)["msg"]


def test_secrets_are_not_logged(make_module, capsys):
    the_module = make_module(security_token="tok-secret")
    with pytest.raises(SystemExit):
        the_module.exit(False, {"echo": "sk"})
    out = capsys.readouterr().out
    assert "tok-secret" not in out and '"sk"' not in out
    assert json.loads(out)["resource"] == {"echo": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}


def test_snake_resource_keeps_tag_keys_as_they_are():
    resource = {
        "VpcId": "vpc-1",
        "VSwitchIds": {"VSwitchId": ["vsw-1"]},
        "Tags": {"Tag": [{"Key": "CostCenter", "Value": "A"}]},
    }
    assert module.snake_resource(resource) == {
        "vpc_id": "vpc-1",
        "v_switch_ids": {"v_switch_id": ["vsw-1"]},
        "tags": {"CostCenter": "A"},
    }


def test_at_most_one_match(make_module, capsys):
    the_module = make_module()
    assert the_module.at_most_one([], "VpcId", "name", "VPCs are named 'web'", "vpc_id") is None
    assert the_module.at_most_one([{"VpcId": "vpc-1"}], "VpcId", "name", "x", "vpc_id") == {"VpcId": "vpc-1"}
    with pytest.raises(SystemExit):
        the_module.at_most_one(
            [{"VpcId": "vpc-2"}, {"VpcId": "vpc-1"}], "VpcId", "name", "VPCs are named 'web'", "vpc_id"
        )
    message = json.loads(capsys.readouterr().out)["msg"]
    assert message == "name: 2 VPCs are named 'web' (vpc-1, vpc-2); give vpc_id to choose one"


def test_every_problem_in_one_failure(make_module, capsys):
    the_module = make_module()
    the_module.fail_on_problems([None, None])  # no problem: returns
    with pytest.raises(SystemExit):
        the_module.fail_on_problems(["name: too long", None, "description: too long"])
    assert json.loads(capsys.readouterr().out)["msg"] == "name: too long; description: too long"


def test_warn_reaches_the_result(make_module, capsys, monkeypatch):
    # as in a module's process: on ansible-core 2.19, once a test imported controller code (ansible.errors),
    # warnings go to the display (older releases have no such switch)
    try:
        internal = importlib.import_module("ansible.module_utils._internal")
    except ImportError:
        internal = None
    if hasattr(internal, "is_controller"):
        monkeypatch.setattr(internal, "is_controller", False)
    the_module = make_module()
    the_module.warn("host_name: applied after a restart")
    with pytest.raises(SystemExit):
        the_module.exit(False, {})
    assert "host_name: applied after a restart" in json.dumps(json.loads(capsys.readouterr().out)["warnings"])


def run_ensure(state, found, check_mode=False, diff=True, create=None, update=None):
    """Runs AlicloudModule.ensure with recording steps; returns (result, the steps called)."""
    called = []

    def find(m):
        called.append("find")
        if isinstance(found, Exception):
            raise found
        return found

    def delete(m, resource):
        called.append("delete")
        return True

    args = dict(ARGS, state=state, _ansible_check_mode=check_mode, _ansible_diff=diff)
    with patch_module_args(args):
        the_module = module.AlicloudModule(argument_spec={"state": {"type": "str"}}, supports_check_mode=True)
        with pytest.raises(SystemExit):
            the_module.ensure(
                "thing",
                "thing web",
                find,
                create or (lambda m: called.append("create") or (True, {"Name": "web", "Id": "t-1"})),
                update or (lambda m, resource: called.append("update") or (False, resource)),
                delete,
                lambda resource: {"name": resource["Name"]},
                lambda m: {"name": "planned"},
            )
    return called


def test_ensure_absent_deletes_what_it_found(capsys):
    assert run_ensure("absent", {"Name": "web"}) == ["find", "delete"]
    result = json.loads(capsys.readouterr().out)
    assert result["changed"] is True and result["thing"] == {}
    assert result["diff"] == {"before": {"name": "web"}, "after": {}}


def test_ensure_absent_of_nothing_changes_nothing(capsys):
    assert run_ensure("absent", None) == ["find"]
    assert json.loads(capsys.readouterr().out)["changed"] is False


def test_ensure_creates_what_is_missing(capsys):
    assert run_ensure("present", None) == ["find", "create"]
    result = json.loads(capsys.readouterr().out)
    assert result["changed"] is True and result["thing"] == {"name": "web"}
    assert result["diff"] == {"before": {}, "after": {"name": "web"}}


def test_ensure_reports_the_plan_when_check_mode_creates_nothing(capsys):
    assert run_ensure("present", None, check_mode=True, create=lambda m: (True, None)) == ["find"]
    assert json.loads(capsys.readouterr().out)["thing"] == {"name": "planned"}


def test_ensure_updates_what_it_found(capsys):
    assert run_ensure("present", {"Name": "web"}) == ["find", "update"]
    result = json.loads(capsys.readouterr().out)
    assert result["changed"] is False and result["thing"] == {"name": "web"}


def test_ensure_fails_with_the_api_error(capsys):
    error = AlicloudApiError("Throttling.User", "Request was denied.", request_id="RID-2", status=400)
    assert run_ensure("present", error) == ["find"]
    result = json.loads(capsys.readouterr().out)
    assert result["failed"] is True and result["msg"].startswith("thing web: Throttling.User")


def test_planned_update_applies_the_changes_and_the_tags(make_module):
    with patch_module_args(dict(ARGS, tags={"app": "web"}, purge_tags=False)):
        the_module = module.AlicloudModule(
            argument_spec={"tags": {"type": "dict"}, "purge_tags": {"type": "bool"}}, supports_check_mode=True
        )
    vpc = {"VpcName": "old", "Tags": {"Tag": [{"TagKey": "team", "TagValue": "ops"}]}}
    planned = the_module.planned_update(vpc, {"VpcName": "new"})
    assert planned["VpcName"] == "new" and vpc["VpcName"] == "old"
    assert module.snake_resource(planned)["tags"] == {"app": "web", "team": "ops"}
