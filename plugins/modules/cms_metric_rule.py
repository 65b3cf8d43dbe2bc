#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: cms_metric_rule
short_description: Manage a CloudMonitor threshold alarm rule on a metric of given resources
version_added: 1.1.0
description:
  - Makes sure a CloudMonitor (CMS) metric alarm rule exists as described, or that it does not exist
    (C(PutResourceMetricRule), C(DescribeMetricRuleList), C(DeleteMetricRules)).
  - The rule watches one metric (O(namespace), O(metric_name)) of the resources in O(resources); when the
    O(statistics) of a period compares with O(threshold) as O(comparison_operator) says for O(times) periods in a
    row, the alarm fires at O(level), and the contact groups and the O(webhook) are told.
  - The rule is found by O(rule_id), which the caller chooses (O(name) when not given). Any difference is put
    back with one C(PutResourceMetricRule), which replaces the whole rule; the rule keeps one level (the other
    levels of a rule made elsewhere are removed).
  - For example, unhealthy backends of a load balancer are C(acs_slb_dashboard) C(UnhealthyServerCount)
    C(GreaterThanThreshold) C(0), and busy web instances C(acs_ecs_dashboard) C(CPUUtilization).
author: ha_web.alicloud developers (@ha-web)
options:
  name:
    description:
      - The rule's name.
    type: str
    required: true
    aliases: [rule_name]
  rule_id:
    description:
      - The rule's ID, chosen by the caller; O(name) when not given.
    type: str
  namespace:
    description:
      - The metric's namespace, for example V(acs_slb_dashboard) or V(acs_ecs_dashboard).
      - Required when O(state=present).
    type: str
  metric_name:
    description:
      - The metric, for example V(UnhealthyServerCount) or V(CPUUtilization). Required when O(state=present).
    type: str
  resources:
    description:
      - The IDs of the resources watched (load balancers, instances...). Required when O(state=present).
    type: list
    elements: str
  contact_groups:
    description:
      - The contact groups told when the alarm fires (see M(ha_web.alicloud.cms_contact_group)); the API requires
        at least one. Required when O(state=present).
    type: list
    elements: str
  webhook:
    description:
      - An http:// or https:// URL that CloudMonitor posts the alarm to, besides the contact groups.
    type: str
  period:
    description:
      - Seconds of one sample, a multiple of 60.
    type: int
    default: 60
  level:
    description:
      - The alarm's level.
    type: str
    choices: [critical, warn, info]
    default: critical
  statistics:
    description:
      - The statistic of a period compared with the threshold (V(Average), V(Minimum), V(Maximum)... as the
        metric offers them).
    type: str
    default: Average
  comparison_operator:
    description:
      - How the statistic is compared with O(threshold). Required when O(state=present).
    type: str
    choices:
      - GreaterThanOrEqualToThreshold
      - GreaterThanThreshold
      - LessThanOrEqualToThreshold
      - LessThanThreshold
      - NotEqualToThreshold
      - EqualToThreshold
  threshold:
    description:
      - The threshold, a number. Required when O(state=present).
    type: float
  times:
    description:
      - How many periods in a row must cross the threshold before the alarm fires.
    type: int
    default: 1
  silence_time:
    description:
      - Seconds before an alarm that goes on is notified again (60 to 86400).
    type: int
    default: 86400
  state:
    description:
      - V(present) makes sure the rule exists as described; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
  - ha_web.alicloud.alicloud.attributes
"""

EXAMPLES = r"""
- name: Tell the team when a backend of the load balancer is unhealthy for one minute
  ha_web.alicloud.cms_metric_rule:
    name: ha-web-unhealthy-backends
    namespace: acs_slb_dashboard
    metric_name: UnhealthyServerCount
    resources: ["{{ clb.load_balancer.load_balancer_id }}"]
    contact_groups: [ha-web-ops]
    webhook: https://hooks.example.com/alarms
    statistics: Maximum
    comparison_operator: GreaterThanThreshold
    threshold: 0
    times: 1

- name: Delete it
  ha_web.alicloud.cms_metric_rule:
    name: ha-web-unhealthy-backends
    state: absent
"""

RETURN = r"""
rule:
  description: The rule; empty when absent.
  returned: always
  type: dict
  contains:
    rule_id:
      description: Its ID.
      type: str
      sample: ha-web-unhealthy-backends
    name:
      description: Its name.
      type: str
    namespace:
      description: The metric's namespace.
      type: str
      sample: acs_slb_dashboard
    metric_name:
      description: The metric.
      type: str
      sample: UnhealthyServerCount
    resources:
      description: The IDs of the resources watched.
      type: list
      elements: str
    contact_groups:
      description: The contact groups told.
      type: list
      elements: str
    webhook:
      description: The webhook URL, empty when none.
      type: str
    period:
      description: Seconds of one sample.
      type: int
    level:
      description: The alarm's level.
      type: str
      sample: critical
    statistics:
      description: The statistic compared.
      type: str
    comparison_operator:
      description: The comparison.
      type: str
    threshold:
      description: The threshold.
      type: float
    times:
      description: Periods in a row before it fires.
      type: int
    silence_time:
      description: Seconds before a continuing alarm is notified again.
      type: int
    enabled:
      description: Whether the rule is enabled (absent in check mode for a rule not created yet).
      type: bool
    alert_state:
      description: C(OK), C(ALARM) or C(INSUFFICIENT_DATA) (absent in check mode for a rule not created yet).
      type: str
"""

import json

from ansible_collections.ha_web.alicloud.plugins.module_utils import cms
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.ha_web.alicloud.plugins.module_utils.validation import starts_with_url

LEVELS = cms.METRIC_RULE_LEVELS
REQUIRED_WHEN_PRESENT = ("namespace", "metric_name", "resources", "contact_groups", "comparison_operator", "threshold")
# what the rule is compared on: the keys the task decides (enabled and alert_state are the cloud's)
COMPARED = (
    "name",
    "namespace",
    "metric_name",
    "resources",
    "contact_groups",
    "webhook",
    "period",
    "level",
    "statistics",
    "comparison_operator",
    "threshold",
    "times",
    "silence_time",
)


def validate(module):
    params = module.params
    problems = []
    if params["state"] == "present":
        missing = [key for key in REQUIRED_WHEN_PRESENT if params[key] in (None, "", [])]
        problems += ["%s: required when state is present" % key for key in missing]
    if params["period"] < 60 or params["period"] % 60:
        problems.append("period: must be a multiple of 60 seconds, got %d" % params["period"])
    if params["times"] < 1:
        problems.append("times: must be at least 1")
    if not 60 <= params["silence_time"] <= 86400:
        problems.append("silence_time: must be from 60 to 86400 seconds")
    if params["webhook"] and not starts_with_url(params["webhook"]):
        problems.append("webhook: must be an http:// or https:// URL, got %r" % params["webhook"])
    if any(not item for item in (params["resources"] or []) + (params["contact_groups"] or [])):
        problems.append("resources, contact_groups: an entry may not be empty")
    module.fail_on_problems(problems)


def rule_id(module):
    return module.params["rule_id"] or module.params["name"]


def wanted(module):
    """The rule as the task describes it (the COMPARED keys)."""
    params = module.params
    return {
        "rule_id": rule_id(module),
        "name": params["name"],
        "namespace": params["namespace"],
        "metric_name": params["metric_name"],
        "resources": sorted(set(params["resources"])),
        "contact_groups": sorted(set(params["contact_groups"])),
        "webhook": params["webhook"] or "",
        "period": params["period"],
        "level": params["level"],
        "statistics": params["statistics"],
        "comparison_operator": params["comparison_operator"],
        "threshold": float(params["threshold"]),
        "times": params["times"],
        "silence_time": params["silence_time"],
    }


def threshold_text(value):
    """2.0 -> "2", 0.5 -> "0.5" (as the console writes thresholds)."""
    return ("%f" % value).rstrip("0").rstrip(".")


def put(module, rule):
    level = LEVELS[rule["level"]]
    request = {
        "RuleId": rule["rule_id"],
        "RuleName": rule["name"],
        "Namespace": rule["namespace"],
        "MetricName": rule["metric_name"],
        "Resources": json.dumps([{"instanceId": resource} for resource in rule["resources"]]),
        "ContactGroups": ",".join(rule["contact_groups"]),
        "Webhook": rule["webhook"] or None,
        "Period": str(rule["period"]),
        "SilenceTime": rule["silence_time"],
        "Escalations": {
            level: {
                "Statistics": rule["statistics"],
                "ComparisonOperator": rule["comparison_operator"],
                "Threshold": threshold_text(rule["threshold"]),
                "Times": rule["times"],
            }
        },
    }
    cms.call(module, "PutResourceMetricRule", request)


def find(module):
    return cms.read_metric_rule(module, rule_id(module))


def create(module):
    rule = wanted(module)
    if module.check_mode:
        return True, None
    put(module, rule)
    return True, cms.read_metric_rule(module, rule["rule_id"])


def update(module, current):
    rule = wanted(module)
    rendered = cms.render_metric_rule(current)
    if all(rendered[key] == rule[key] for key in COMPARED):
        return False, current
    if module.check_mode:
        return True, None
    put(module, rule)
    return True, cms.read_metric_rule(module, rule["rule_id"]) or current


def delete(module, current):
    if module.check_mode:
        return True
    return cms.delete_found(module, "DeleteMetricRules", {"Id": [current["RuleId"]]})


def planned(module):
    """What check mode reports for a create or an update."""
    return wanted(module)


def main():
    module = AlicloudModule(
        argument_spec=dict(
            name=dict(type="str", required=True, aliases=["rule_name"]),
            rule_id=dict(type="str"),
            namespace=dict(type="str"),
            metric_name=dict(type="str"),
            resources=dict(type="list", elements="str"),
            contact_groups=dict(type="list", elements="str"),
            webhook=dict(type="str"),
            period=dict(type="int", default=60),
            level=dict(type="str", default="critical", choices=list(LEVELS)),
            statistics=dict(type="str", default="Average"),
            comparison_operator=dict(
                type="str",
                choices=[
                    "GreaterThanOrEqualToThreshold",
                    "GreaterThanThreshold",
                    "LessThanOrEqualToThreshold",
                    "LessThanThreshold",
                    "NotEqualToThreshold",
                    "EqualToThreshold",
                ],
            ),
            threshold=dict(type="float"),
            times=dict(type="int", default=1),
            silence_time=dict(type="int", default=86400),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        supports_check_mode=True,
    )
    validate(module)
    what = "CloudMonitor metric rule %s" % rule_id(module)
    module.ensure("rule", what, find, create, update, delete, cms.render_metric_rule, planned)


if __name__ == "__main__":
    main()
