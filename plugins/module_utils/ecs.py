# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ECS instance shapes shared by the instance modules and the inventory plugin."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ha_web.alicloud.plugins.module_utils.module import dig, snake_resource


def instance_result(instance):
    """The instance as the collection returns it: snake_case, tags as a dict, plain private/public addresses."""
    if not instance:
        return {}
    result = snake_resource(instance)
    private = dig(instance, "VpcAttributes", "PrivateIpAddress", "IpAddress") or []
    public = dig(instance, "PublicIpAddress", "IpAddress") or []
    eip = dig(instance, "EipAddress", "IpAddress") or ""
    result["private_ip_address"] = private[0] if private else ""
    result["public_ip_address"] = public[0] if public else eip
    return result
