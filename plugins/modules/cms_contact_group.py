#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: cms_contact_group
short_description: Manage a CloudMonitor alert contact group
version_added: 1.1.0
description:
  - Makes sure a CloudMonitor (CMS) alert contact group exists with the given description and contacts, or that it
    does not exist.
  - Alarm rules (M(ha_web.alicloud.cms_metric_rule), M(ha_web.alicloud.cms_event_rule)) notify contact groups.
  - The contacts themselves (with their e-mail addresses or DingTalk webhooks) are made in the CloudMonitor console
    or with C(PutContact); this module names them.
  - Contact groups belong to the account, not to a region.
author: ha_web.alicloud developers (@ha-web)
options:
  name:
    description:
      - The group's name, 1 to 64 characters.
    type: str
    required: true
    aliases: [contact_group_name]
  description:
    description:
      - The group's description. Leave unset to keep it as it is (empty for a new group).
    type: str
  contacts:
    description:
      - The names of the contacts in the group. Leave unset to keep them as they are (none for a new group).
      - The order does not matter.
    type: list
    elements: str
  state:
    description:
      - V(present) makes sure the group exists; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
  - ha_web.alicloud.alicloud.attributes
"""

EXAMPLES = r"""
- name: The web team's alert contacts
  ha_web.alicloud.cms_contact_group:
    name: ha-web-ops
    description: Who is told when the site is degraded
    contacts: [alice, bob]

- name: Delete the group (no alarm rule may name it any more)
  ha_web.alicloud.cms_contact_group:
    name: ha-web-ops
    state: absent
"""

RETURN = r"""
contact_group:
  description: The contact group; empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: Its name.
      type: str
      sample: ha-web-ops
    description:
      description: Its description.
      type: str
    contacts:
      description: The names of its contacts, sorted.
      type: list
      elements: str
      sample: [alice, bob]
"""

from ansible_collections.ha_web.alicloud.plugins.module_utils import cms
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule

NAME_MAX = 64


def validate(module):
    name = module.params["name"]
    problems = []
    if not 1 <= len(name) <= NAME_MAX:
        problems.append("name: must be 1 to %d characters" % NAME_MAX)
    if any(not contact for contact in module.params["contacts"] or []):
        problems.append("contacts: a contact name may not be empty")
    module.fail_on_problems(problems)


def render(group):
    """A DescribeContactGroupList entry as the module returns it."""
    return {
        "name": group.get("Name"),
        "description": group.get("Describe") or "",
        "contacts": sorted((group.get("Contacts") or {}).get("Contact") or []),
    }


def find(module):
    found = [g for g in cms.list_contact_groups(module) if g.get("Name") == module.params["name"]]
    return render(found[0]) if found else None


def wanted(module, group):
    """The group as the task wants it, from `group` (the current one, or an empty one)."""
    params = module.params
    return {
        "name": params["name"],
        "description": group["description"] if params["description"] is None else params["description"],
        "contacts": group["contacts"] if params["contacts"] is None else sorted(set(params["contacts"])),
    }


def put(module, group):
    if not module.check_mode:
        cms.call(
            module,
            "PutContactGroup",
            {"ContactGroupName": group["name"], "Describe": group["description"], "ContactNames": group["contacts"]},
        )
    return True, group


def create(module):
    return put(module, wanted(module, {"description": "", "contacts": []}))


def update(module, group):
    target = wanted(module, group)
    if target == group:
        return False, group
    return put(module, target)


def delete(module, group):
    if module.check_mode:
        return True
    return cms.delete_found(module, "DeleteContactGroup", {"ContactGroupName": group["name"]})


def main():
    module = AlicloudModule(
        argument_spec=dict(
            name=dict(type="str", required=True, aliases=["contact_group_name"]),
            description=dict(type="str"),
            contacts=dict(type="list", elements="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        supports_check_mode=True,
    )
    validate(module)
    what = "CloudMonitor contact group %s" % module.params["name"]
    module.ensure("contact_group", what, find, create, update, delete, dict)


if __name__ == "__main__":
    main()
