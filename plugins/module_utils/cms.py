# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CloudMonitor (CMS 2019-01-01): the calls and reads the alarm modules share, and its not-found codes.

CloudMonitor answers `Code` and `Success` in the body: an answer with `Success: false` is an error even when the
HTTP status is 200, and is raised as an AlicloudApiError with the body's code. Its alarm rules and contact groups
belong to the account (every region lists them). Every function takes the AlicloudModule first.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.ha_web.alicloud.plugins.module_utils.calls import dig
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError, is_code

RESOURCE_NOT_FOUND = ("ResourceNotFound",)
PAGE_SIZE = 100


def call(module, action, params=None):
    """One CMS request; a body with Success false is raised as an AlicloudApiError."""
    body = module.call("cms", action, params or {})
    if body.get("Success") is False:
        raise AlicloudApiError(
            str(body.get("Code")), body.get("Message") or "", request_id=body.get("RequestId"), action=action
        )
    return body


def pages(module, action, params, path, number_name="PageNumber"):
    """Every item at `path` of a CMS list call, all pages (CMS pages with PageNumber or Page, and PageSize)."""
    items = []
    number = 1
    while True:
        body = call(module, action, dict(params, PageSize=PAGE_SIZE, **{number_name: number}))
        page = dig(body, *path) or []
        items.extend(page)
        if len(page) < PAGE_SIZE:
            return items
        number += 1


def delete_found(module, action, params):
    """The delete of something just found; ResourceNotFound is no error (a retry after a lost answer, or another
    run, deleted it already). Returns True (changed)."""
    try:
        call(module, action, params)
    except AlicloudApiError as error:
        if not is_code(error, *RESOURCE_NOT_FOUND):
            raise
    return True


# contact groups ----------------------------------------------------------------------------
def list_contact_groups(module):
    """Every contact group of the account (DescribeContactGroupList)."""
    return pages(module, "DescribeContactGroupList", {}, ("ContactGroupList", "ContactGroup"))


# metric rules ------------------------------------------------------------------------------
# The module's alarm levels and the API's names for them (the keys of a rule's Escalations).
METRIC_RULE_LEVELS = {"critical": "Critical", "warn": "Warn", "info": "Info"}


def list_metric_rules(module, name=None, alert_state=None):
    """The account's metric rules whose name contains `name` (DescribeMetricRuleList's RuleName), in one
    `alert_state` when given."""
    params = {}
    if name:
        params["RuleName"] = name
    if alert_state:
        params["AlertState"] = alert_state
    return pages(module, "DescribeMetricRuleList", params, ("Alarms", "Alarm"), number_name="Page")


def read_metric_rule(module, rule_id):
    """The metric rule with this RuleId (DescribeMetricRuleList), or None."""
    found = pages(module, "DescribeMetricRuleList", {"RuleIds": rule_id}, ("Alarms", "Alarm"), number_name="Page")
    found = [rule for rule in found if rule.get("RuleId") == rule_id]
    return found[0] if found else None


def render_metric_rule(rule):
    """A DescribeMetricRuleList entry as the module returns it (one level: the most severe one set)."""
    escalations = rule.get("Escalations") or {}
    level = next((key for key, name in METRIC_RULE_LEVELS.items() if escalations.get(name)), "critical")
    escalation = escalations.get(METRIC_RULE_LEVELS[level]) or {}
    return {
        "rule_id": rule.get("RuleId"),
        "name": rule.get("RuleName"),
        "namespace": rule.get("Namespace"),
        "metric_name": rule.get("MetricName"),
        "resources": sorted(rule_resources(rule)),
        "contact_groups": sorted(g for g in (rule.get("ContactGroups") or "").split(",") if g),
        "webhook": rule.get("Webhook") or "",
        "period": int(rule.get("Period") or 60),
        "level": level,
        "statistics": escalation.get("Statistics"),
        "comparison_operator": escalation.get("ComparisonOperator"),
        "threshold": float(escalation["Threshold"]) if escalation.get("Threshold") not in (None, "") else None,
        "times": int(escalation.get("Times") or 1),
        "silence_time": int(rule.get("SilenceTime") or 86400),
        "enabled": rule.get("EnableState"),
        "alert_state": rule.get("AlertState"),
    }


def rule_resources(rule):
    """The instance IDs of a metric rule's `Resources` (a JSON text)."""
    try:
        resources = json.loads(rule.get("Resources") or "[]")
    except ValueError:
        return []
    return [r.get("instanceId") for r in resources if isinstance(r, dict) and r.get("instanceId")]


# event rules -------------------------------------------------------------------------------
def read_event_rule(module, name):
    """The event rule with this name (DescribeEventRuleList), or None."""
    found = pages(module, "DescribeEventRuleList", {"NamePrefix": name}, ("EventRules", "EventRule"))
    found = [rule for rule in found if rule.get("Name") == name]
    return found[0] if found else None


def read_event_rule_targets(module, name):
    """(webhooks, contacts) of an event rule: [{Id, Url, Protocol, Method}], [{Id, ContactGroupName, Level}]."""
    body = call(module, "DescribeEventRuleTargetList", {"RuleName": name})
    return (
        dig(body, "WebhookParameters", "WebhookParameter") or [],
        dig(body, "ContactParameters", "ContactParameter") or [],
    )
