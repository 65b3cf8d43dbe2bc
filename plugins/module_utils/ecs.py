# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ECS: the instance reads several modules share, the product's not-found codes, and what an instance
looks like in results and in the inventory. Functions take the AlicloudModule first."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.ha_web.alicloud.plugins.module_utils.calls import dig
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import snake_resource

INSTANCE_NOT_FOUND = ("InvalidInstanceId.NotFound",)
KEY_PAIR_NOT_FOUND = ("InvalidKeyPairName.NotFound", "InvalidKeyPair.NotFound")
SECURITY_GROUP_NOT_FOUND = ("InvalidSecurityGroupId.NotFound", "InvalidSecurityGroup.NotFound")


def read_instance(module, instance_id):
    """The instance (DescribeInstances), or None."""
    body = module.call(
        "ecs", "DescribeInstances", {"RegionId": module.region_id, "InstanceIds": json.dumps([instance_id])}
    )
    found = dig(body, "Instances", "Instance") or []
    return found[0] if found else None


def list_instances(module, query):
    """Every instance of the region the query selects (e.g. {"VpcId": ..., "InstanceName": ...}), all pages."""
    return module.paginate(
        "ecs", "DescribeInstances", dict(query, RegionId=module.region_id), ("Instances", "Instance"), 100, token=True
    )


def render_instance(instance):
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
