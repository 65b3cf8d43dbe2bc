#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: cms_metric_rule_info
short_description: List CloudMonitor metric alarm rules and whether each is firing
version_added: 1.2.0
description:
  - Lists the account's CloudMonitor metric alarm rules (C(DescribeMetricRuleList), every page), in the shape
    M(ha_web.alicloud.cms_metric_rule) returns, with each rule's C(alert_state) (V(ALARM) while it fires).
  - Changes nothing.
author: ha_web.alicloud developers (@ha-web)
options:
  name:
    description:
      - Only the rules whose name contains this text (the API's C(RuleName) search), for example the site's name.
    type: str
  alert_state:
    description:
      - Only the rules in this state; V(ALARM) lists the ones firing.
    type: str
    choices: [OK, ALARM, INSUFFICIENT_DATA]
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
attributes:
  check_mode:
    description: Runs in check mode too, and changes nothing either way.
    support: full
  diff_mode:
    description: Returns no diff.
    support: none
seealso:
  - module: ha_web.alicloud.cms_metric_rule
"""

EXAMPLES = r"""
- name: The site's alarms that fire now
  ha_web.alicloud.cms_metric_rule_info:
    name: ha-web-
    alert_state: ALARM
  register: firing
"""

RETURN = r"""
rules:
  description:
    - The rules found, sorted by name, as M(ha_web.alicloud.cms_metric_rule) returns a rule (C(rule_id), C(name),
      C(namespace), C(metric_name), C(resources), C(contact_groups), C(webhook), C(period), C(level),
      C(statistics), C(comparison_operator), C(threshold), C(times), C(silence_time), C(enabled), C(alert_state)).
  returned: always
  type: list
  elements: dict
  sample:
    - rule_id: ha-web-unhealthy-backends
      name: ha-web-unhealthy-backends
      namespace: acs_slb_dashboard
      metric_name: UnhealthyServerCount
      alert_state: ALARM
"""

from ansible_collections.ha_web.alicloud.plugins.module_utils import cms
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule


def main():
    module = AlicloudModule(
        argument_spec=dict(
            name=dict(type="str"),
            alert_state=dict(type="str", choices=["OK", "ALARM", "INSUFFICIENT_DATA"]),
        ),
        supports_check_mode=True,
    )
    try:
        found = cms.list_metric_rules(module, module.params["name"], module.params["alert_state"])
    except AlicloudApiError as error:
        module.fail_api(error, "CloudMonitor metric rules")
    rules = sorted((cms.render_metric_rule(rule) for rule in found), key=lambda rule: rule["name"] or "")
    module.exit_info(rules=rules)


if __name__ == "__main__":
    main()
