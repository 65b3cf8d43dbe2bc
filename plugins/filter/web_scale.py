# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible_collections.ha_web.alicloud.plugins.module_utils import site_web as rules


def web_placement(instances, count, zones):
    """The zone of each web instance 1..count (module_utils/site_web.py)."""
    try:
        return rules.web_placement(instances, count, zones)
    except ValueError as error:
        raise AnsibleFilterError(str(error)) from None


def web_surplus(instances, count):
    """The web instances beyond the declared count, in the order they are taken out (module_utils/site_web.py)."""
    try:
        return rules.web_surplus(instances, count)
    except ValueError as error:
        raise AnsibleFilterError(str(error)) from None


class FilterModule(object):
    def filters(self):
        return {"web_placement": web_placement, "web_surplus": web_surplus}
