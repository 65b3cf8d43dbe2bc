#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: cms_event_rule
short_description: Manage a CloudMonitor system event rule and its targets
version_added: 1.1.0
description:
  - Makes sure a CloudMonitor (CMS) system event rule exists with the given pattern and targets, or that it does not
    exist (C(PutEventRule), C(PutEventRuleTargets), C(DeleteEventRuleTargets), C(DescribeEventRuleList),
    C(DescribeEventRuleTargetList), C(DeleteEventRules)).
  - The rule matches the cloud's system events of O(product) by name (O(event_names)) and level (O(levels)); a
    matching event is sent to its targets, webhooks (O(webhooks)) and contact groups (O(contact_groups)).
  - For example, a spot instance's interruption notice is product V(ECS), event
    V(Instance:PreemptibleInstanceInterruption).
  - The rule is found by O(name). A difference in the pattern, description or state is put back with one
    C(PutEventRule); targets are added and removed one by one, by URL and by group name.
author: ha_web.alicloud developers (@ha-web)
options:
  name:
    description:
      - The rule's name, 1 to 64 letters, digits, V(_), V(-) or V(.).
    type: str
    required: true
    aliases: [rule_name]
  description:
    description:
      - The rule's description.
    type: str
    default: ""
  product:
    description:
      - The cloud product whose events the rule matches, as CloudMonitor names it (V(ECS), V(SLB), V(NAS)...).
    type: str
    default: ECS
  event_names:
    description:
      - The names of the events matched; every event of O(product) when empty.
    type: list
    elements: str
    default: []
  levels:
    description:
      - The levels of the events matched; every level when empty.
    type: list
    elements: str
    choices: [CRITICAL, WARN, INFO]
    default: []
  enabled:
    description:
      - Whether the rule is enabled.
    type: bool
    default: true
  silence_time:
    description:
      - Seconds during which the same event is not notified again (0 to 86400).
    type: int
    default: 86400
  webhooks:
    description:
      - The http:// or https:// URLs the events are posted to. Leave unset to keep the rule's webhooks as they are.
    type: list
    elements: str
  contact_groups:
    description:
      - The contact groups told of the events (see M(ha_web.alicloud.cms_contact_group)). Leave unset to keep them
        as they are.
    type: list
    elements: str
  contact_level:
    description:
      - How the contact groups are told. V(2) phone, text message, e-mail and DingTalk; V(3) text message,
        e-mail and DingTalk; V(4) e-mail and DingTalk.
    type: int
    choices: [2, 3, 4]
    default: 3
  state:
    description:
      - V(present) makes sure the rule and its targets exist as described; V(absent) deletes the rule and its
        targets.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
  - ha_web.alicloud.alicloud.attributes
"""

EXAMPLES = r"""
- name: Tell the team, and a webhook, when a spot web instance is about to be reclaimed
  ha_web.alicloud.cms_event_rule:
    name: ha-web-spot-interruption
    description: A spot instance of the site gets its interruption notice
    product: ECS
    event_names: ["Instance:PreemptibleInstanceInterruption"]
    webhooks: [https://hooks.example.com/events]
    contact_groups: [ha-web-ops]

- name: Delete it
  ha_web.alicloud.cms_event_rule:
    name: ha-web-spot-interruption
    state: absent
"""

RETURN = r"""
rule:
  description: The rule and its targets; empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: Its name.
      type: str
      sample: ha-web-spot-interruption
    description:
      description: Its description.
      type: str
    product:
      description: The product whose events it matches.
      type: str
      sample: ECS
    event_names:
      description: The event names matched (every one when empty), sorted.
      type: list
      elements: str
    levels:
      description: The levels matched (every one when empty), sorted.
      type: list
      elements: str
    enabled:
      description: Whether it is enabled.
      type: bool
    silence_time:
      description: Seconds during which the same event is not notified again.
      type: int
    webhooks:
      description: The webhook URLs, sorted.
      type: list
      elements: str
    contact_groups:
      description: The contact groups, sorted.
      type: list
      elements: str
"""

import re

from ansible_collections.ha_web.alicloud.plugins.module_utils import cms
from ansible_collections.ha_web.alicloud.plugins.module_utils.calls import dig
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule

RULE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
# what PutEventRule sets (the targets are compared apart)
RULE_FIELDS = ("description", "product", "event_names", "levels", "enabled", "silence_time")


def validate(module):
    params = module.params
    problems = []
    if not RULE_NAME.match(params["name"]):
        problems.append("name: 1 to 64 letters, digits, '_', '-' or '.', got %r" % params["name"])
    if not 0 <= params["silence_time"] <= 86400:
        problems.append("silence_time: must be from 0 to 86400 seconds")
    for url in params["webhooks"] or []:
        if not url.startswith(("http://", "https://")):
            problems.append("webhooks: %r is not an http:// or https:// URL" % url)
    if any(not group for group in params["contact_groups"] or []):
        problems.append("contact_groups: a group name may not be empty")
    if not params["product"]:
        problems.append("product: may not be empty")
    module.fail_on_problems(problems)


def render_rule(rule, webhooks, contacts):
    """A DescribeEventRuleList entry and its targets as the module returns them (the first pattern)."""
    patterns = dig(rule, "EventPattern", "EventPattern") or [{}]
    pattern = patterns[0]
    return {
        "name": rule.get("Name"),
        "description": rule.get("Description") or "",
        "product": pattern.get("Product"),
        "event_names": sorted(dig(pattern, "NameList", "NameList") or []),
        "levels": sorted(dig(pattern, "LevelList", "LevelList") or []),
        "enabled": rule.get("State") == "ENABLED",
        "silence_time": int(rule.get("SilenceTime") or 0),
        "webhooks": sorted(target.get("Url") for target in webhooks),
        "contact_groups": sorted(target.get("ContactGroupName") for target in contacts),
        "_targets": {"webhooks": webhooks, "contacts": contacts},
    }


def render(rule):
    return {key: value for key, value in rule.items() if not key.startswith("_")}


def find(module):
    rule = cms.read_event_rule(module, module.params["name"])
    if rule is None:
        return None
    webhooks, contacts = cms.read_event_rule_targets(module, module.params["name"])
    return render_rule(rule, webhooks, contacts)


def wanted(module, current):
    params = module.params
    return {
        "name": params["name"],
        "description": params["description"],
        "product": params["product"],
        "event_names": sorted(set(params["event_names"])),
        "levels": sorted(set(params["levels"])),
        "enabled": params["enabled"],
        "silence_time": params["silence_time"],
        "webhooks": current["webhooks"] if params["webhooks"] is None else sorted(set(params["webhooks"])),
        "contact_groups": (
            current["contact_groups"] if params["contact_groups"] is None else sorted(set(params["contact_groups"]))
        ),
    }


def put_rule(module, rule):
    pattern = {"Product": rule["product"], "NameList": rule["event_names"], "LevelList": rule["levels"]}
    cms.call(
        module,
        "PutEventRule",
        {
            "RuleName": rule["name"],
            "Description": rule["description"],
            "EventType": "SYSTEM",
            "State": "ENABLED" if rule["enabled"] else "DISABLED",
            "SilenceTime": rule["silence_time"],
            "EventPattern": [{k: v for k, v in pattern.items() if v}],
        },
    )


def new_ids(taken, count):
    """`count` target IDs not in `taken` ("1", "2"...)."""
    ids = []
    number = 1
    while len(ids) < count:
        if str(number) not in taken:
            ids.append(str(number))
        number += 1
    return ids


def sync_targets(module, rule, current_targets):
    """Add the missing targets, delete the extra ones; True when something changed (or would)."""
    webhooks, contacts = current_targets["webhooks"], current_targets["contacts"]
    have_urls = {t.get("Url") for t in webhooks}
    have_groups = {t.get("ContactGroupName") for t in contacts}
    add_urls = [url for url in rule["webhooks"] if url not in have_urls]
    add_groups = [group for group in rule["contact_groups"] if group not in have_groups]
    removed = [t["Id"] for t in webhooks if t.get("Url") not in rule["webhooks"]]
    removed += [t["Id"] for t in contacts if t.get("ContactGroupName") not in rule["contact_groups"]]
    if module.check_mode or not (add_urls or add_groups or removed):
        return bool(add_urls or add_groups or removed)
    if removed:
        cms.call(module, "DeleteEventRuleTargets", {"RuleName": rule["name"], "Ids": removed})
    if add_urls or add_groups:
        taken = {t["Id"] for t in webhooks + contacts if t["Id"] not in removed}
        ids = new_ids(taken, len(add_urls) + len(add_groups))
        request = {"RuleName": rule["name"]}
        if add_urls:
            request["WebhookParameters"] = [
                {"Id": ids.pop(0), "Url": url, "Protocol": url.split(":", 1)[0], "Method": "POST"} for url in add_urls
            ]
        if add_groups:
            request["ContactParameters"] = [
                {"Id": ids.pop(0), "ContactGroupName": group, "Level": str(module.params["contact_level"])}
                for group in add_groups
            ]
        cms.call(module, "PutEventRuleTargets", request)
    return True


def apply(module, current):
    """Bring the rule and its targets to the task; (changed, rule)."""
    base = current or {"webhooks": [], "contact_groups": [], "_targets": {"webhooks": [], "contacts": []}}
    rule = wanted(module, base)
    rule_changed = current is None or any(current[key] != rule[key] for key in RULE_FIELDS)
    if rule_changed and not module.check_mode:
        put_rule(module, rule)
    targets_changed = sync_targets(module, rule, base["_targets"])
    if not (rule_changed or targets_changed):
        return False, current
    if module.check_mode:
        return True, rule
    return True, find(module)


def create(module):
    return apply(module, None)


def update(module, current):
    return apply(module, current)


def delete(module, current):
    if module.check_mode:
        return True
    return cms.delete_found(module, "DeleteEventRules", {"RuleNames": [current["name"]]})


def main():
    module = AlicloudModule(
        argument_spec=dict(
            name=dict(type="str", required=True, aliases=["rule_name"]),
            description=dict(type="str", default=""),
            product=dict(type="str", default="ECS"),
            event_names=dict(type="list", elements="str", default=[]),
            levels=dict(type="list", elements="str", default=[], choices=["CRITICAL", "WARN", "INFO"]),
            enabled=dict(type="bool", default=True),
            silence_time=dict(type="int", default=86400),
            webhooks=dict(type="list", elements="str"),
            contact_groups=dict(type="list", elements="str"),
            contact_level=dict(type="int", default=3, choices=[2, 3, 4]),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        supports_check_mode=True,
    )
    validate(module)
    what = "CloudMonitor event rule %s" % module.params["name"]
    module.ensure("rule", what, find, create, update, delete, render)


if __name__ == "__main__":
    main()
