"""CMS 2019-01-01 through the real SDK client: contact groups, metric rules, event rules and their targets."""

import json

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from alicloud_emulator.testing import sdk_models


@pytest.fixture
def cms(emulator):
    return emulator.client("cms")


@pytest.fixture
def m():
    return sdk_models("cms")


def raises(call, code, status):
    with pytest.raises(ClientException) as raised:
        call()
    assert (raised.value.code, raised.value.status_code) == (code, status), raised.value.message
    return raised.value


def put_group(cms, m, name="ops", **fields):
    return cms.put_contact_group(m.PutContactGroupRequest(contact_group_name=name, **fields)).body


def unhealthy_rule(m, rule_id="r-1", **fields):
    settings = {
        "rule_id": rule_id,
        "rule_name": "web-unhealthy",
        "namespace": "acs_slb_dashboard",
        "metric_name": "UnhealthyServerCount",
        "resources": json.dumps([{"instanceId": "lb-1"}]),
        "contact_groups": "ops",
        "period": "60",
        "escalations": m.PutResourceMetricRuleRequestEscalations(
            critical=m.PutResourceMetricRuleRequestEscalationsCritical(
                statistics="Maximum", comparison_operator="GreaterThanThreshold", threshold="0", times=1
            )
        ),
    }
    settings.update(fields)
    return m.PutResourceMetricRuleRequest(**settings)


def rules(cms, m, **filters):
    body = cms.describe_metric_rule_list(m.DescribeMetricRuleListRequest(**filters)).body
    return body.alarms.alarm if body.alarms else []


def test_contact_group_put_describe_replace_delete(cms, m):
    body = put_group(cms, m, describe="the web team", contact_names=["alice", "bob"])
    assert (body.code, body.success) == ("200", True)
    put_group(cms, m, name="other")
    listed = cms.describe_contact_group_list(m.DescribeContactGroupListRequest()).body
    assert listed.total == 2
    first = listed.contact_group_list.contact_group[0]
    assert (first.name, first.describe, first.contacts.contact) == ("ops", "the web team", ["alice", "bob"])
    put_group(cms, m, describe="changed", contact_names=["carol"])
    listed = cms.describe_contact_group_list(m.DescribeContactGroupListRequest()).body
    first = listed.contact_group_list.contact_group[0]
    assert (first.describe, first.contacts.contact) == ("changed", ["carol"])
    cms.delete_contact_group(m.DeleteContactGroupRequest(contact_group_name="ops"))
    names = cms.describe_contact_group_list(m.DescribeContactGroupListRequest()).body.contact_groups.contact_group
    assert names == ["other"]
    raises(
        lambda: cms.delete_contact_group(m.DeleteContactGroupRequest(contact_group_name="ops")),
        "ResourceNotFound",
        404,
    )


def test_metric_rule_put_describe_update_delete(cms, m):
    put_group(cms, m)
    body = cms.put_resource_metric_rule(unhealthy_rule(m, webhook="http://127.0.0.1:9/alarm")).body
    assert (body.code, body.success) == ("200", True)
    [rule] = rules(cms, m, rule_ids="r-1")
    assert (rule.rule_name, rule.namespace, rule.metric_name, rule.period) == (
        "web-unhealthy",
        "acs_slb_dashboard",
        "UnhealthyServerCount",
        "60",
    )
    assert json.loads(rule.resources) == [{"instanceId": "lb-1"}]
    assert (rule.webhook, rule.contact_groups, rule.enable_state) == ("http://127.0.0.1:9/alarm", "ops", True)
    critical = rule.escalations.critical
    assert (critical.statistics, critical.comparison_operator, critical.threshold, critical.times) == (
        "Maximum",
        "GreaterThanThreshold",
        "0",
        1,
    )
    cms.put_resource_metric_rule(unhealthy_rule(m, period="120", rule_name="web-unhealthy-2"))
    [rule] = rules(cms, m, rule_name="unhealthy-2")
    assert (rule.rule_id, rule.period, rule.webhook) == ("r-1", "120", "")
    assert rules(cms, m, namespace="acs_ecs_dashboard") == []
    cms.delete_metric_rules(m.DeleteMetricRulesRequest(id=["r-1"]))
    assert rules(cms, m) == []
    raises(lambda: cms.delete_metric_rules(m.DeleteMetricRulesRequest(id=["r-1"])), "ResourceNotFound", 404)


@pytest.mark.parametrize(
    ("fields", "code", "status"),
    [
        ({"contact_groups": "nobody"}, "ResourceNotFound", 404),
        ({"metric_name": "Qps"}, "ParameterInvalid", 400),
        ({"period": "90"}, "ParameterInvalid", 400),
        ({"resources": "lb-1"}, "ParameterInvalid", 400),
        ({"webhook": "ftp://127.0.0.1/x"}, "ParameterInvalid", 400),
        ({"escalations": None}, "ParameterInvalid", 400),
        ({"rule_name": None}, "MissingRuleName", 400),
    ],
)
def test_metric_rule_refused(cms, m, fields, code, status):
    put_group(cms, m)
    raises(lambda: cms.put_resource_metric_rule(unhealthy_rule(m, **fields)), code, status)
    assert rules(cms, m) == []


def test_metric_rule_statistics_must_suit_the_metric(cms, m):
    put_group(cms, m)
    escalations = m.PutResourceMetricRuleRequestEscalations(
        warn=m.PutResourceMetricRuleRequestEscalationsWarn(
            statistics="Sum", comparison_operator="GreaterThanThreshold", threshold="0", times=1
        )
    )
    error = raises(
        lambda: cms.put_resource_metric_rule(unhealthy_rule(m, escalations=escalations)), "ParameterInvalid", 400
    )
    assert "Statistics" in error.message


def event_rule(m, name="spot", **fields):
    pattern = m.PutEventRuleRequestEventPattern(
        product="ECS", name_list=["Instance:PreemptibleInstanceInterruption"], level_list=["WARN", "CRITICAL"]
    )
    settings = {"rule_name": name, "event_pattern": [pattern], "description": "spot notices"}
    settings.update(fields)
    return m.PutEventRuleRequest(**settings)


def test_event_rule_and_targets(cms, m):
    put_group(cms, m)
    body = cms.put_event_rule(event_rule(m)).body
    assert (body.code, body.success) == ("200", True)
    assert body.data.endswith("rule/spot")
    listed = cms.describe_event_rule_list(m.DescribeEventRuleListRequest(name_prefix="sp")).body
    assert listed.total == 1
    rule = listed.event_rules.event_rule[0]
    assert (rule.name, rule.event_type, rule.state, rule.description) == ("spot", "SYSTEM", "ENABLED", "spot notices")
    pattern = rule.event_pattern.event_pattern[0]
    assert (pattern.product, pattern.name_list.name_list) == ("ECS", ["Instance:PreemptibleInstanceInterruption"])
    assert pattern.level_list.level_list == ["WARN", "CRITICAL"]
    targets = m.PutEventRuleTargetsRequest(
        rule_name="spot",
        webhook_parameters=[
            m.PutEventRuleTargetsRequestWebhookParameters(
                id="1", protocol="http", url="http://127.0.0.1:9/e", method="POST"
            )
        ],
        contact_parameters=[m.PutEventRuleTargetsRequestContactParameters(id="2", contact_group_name="ops", level="3")],
    )
    assert cms.put_event_rule_targets(targets).body.success is True
    listed = cms.describe_event_rule_target_list(m.DescribeEventRuleTargetListRequest(rule_name="spot")).body
    assert [w.url for w in listed.webhook_parameters.webhook_parameter] == ["http://127.0.0.1:9/e"]
    assert [c.contact_group_name for c in listed.contact_parameters.contact_parameter] == ["ops"]
    cms.delete_event_rule_targets(m.DeleteEventRuleTargetsRequest(rule_name="spot", ids=["1"]))
    listed = cms.describe_event_rule_target_list(m.DescribeEventRuleTargetListRequest(rule_name="spot")).body
    assert listed.webhook_parameters.webhook_parameter == []
    cms.put_event_rule(event_rule(m, state="DISABLED"))
    rule = cms.describe_event_rule_list(m.DescribeEventRuleListRequest()).body.event_rules.event_rule[0]
    assert rule.state == "DISABLED"
    cms.delete_event_rules(m.DeleteEventRulesRequest(rule_names=["spot"]))
    assert cms.describe_event_rule_list(m.DescribeEventRuleListRequest()).body.total == 0
    raises(lambda: cms.delete_event_rules(m.DeleteEventRulesRequest(rule_names=["spot"])), "ResourceNotFound", 404)


def test_event_rule_refused(cms, m):
    raises(lambda: cms.put_event_rule(event_rule(m, event_pattern=None)), "ParameterInvalid", 400)
    raises(lambda: cms.put_event_rule(event_rule(m, name="bad name")), "ParameterInvalid", 400)
    targets = m.PutEventRuleTargetsRequest(
        rule_name="missing",
        webhook_parameters=[m.PutEventRuleTargetsRequestWebhookParameters(id="1", url="http://127.0.0.1:9/e")],
    )
    raises(lambda: cms.put_event_rule_targets(targets), "ResourceNotFound", 404)


def test_a_denied_action_answers_access_forbidden(emulator, cms, m):
    emulator.admin.deny("emulator-ak", ["cms:PutContactGroup"])
    raises(lambda: put_group(cms, m), "AccessForbidden", 403)
    assert cms.describe_contact_group_list(m.DescribeContactGroupListRequest()).body.total == 0
