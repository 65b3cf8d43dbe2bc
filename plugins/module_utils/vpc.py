# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""VPC (VPCs and vSwitches): the reads several modules share, the product's not-found codes and its waiters.

Every function takes the AlicloudModule first and sends its request through module.call.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ha_web.alicloud.plugins.module_utils.calls import dig
from ansible_collections.ha_web.alicloud.plugins.module_utils.waiters import Waiter

VPC_NOT_FOUND = ("InvalidVpcId.NotFound", "Forbidden.VpcNotFound")
VSWITCH_NOT_FOUND = ("InvalidVSwitchId.NotFound", "InvalidVswitchID.NotFound", "InvalidVSwitchId.NotExist")

VPC_AVAILABLE = Waiter("VPC to be Available", success=["Available"], waiting=["Pending"], gone="wait")
# Before a vSwitch or a security group is created in it (a VPC still Pending refuses both with IncorrectVpcStatus):
# the VPC must exist.
VPC_AVAILABLE_FOR_CREATE = Waiter("the VPC to be Available", success=["Available"], waiting=["Pending"], gone="fail")
VPC_DELETED = Waiter("VPC to be deleted", success=[], waiting=["Available", "Pending", "Deleting"], gone="success")
VSWITCH_AVAILABLE = Waiter("vSwitch to be Available", success=["Available"], waiting=["Pending"], gone="wait")
VSWITCH_DELETED = Waiter(
    "vSwitch to be deleted", success=[], waiting=["Available", "Pending", "Deleting"], gone="success"
)


def read_vpc(module, vpc_id):
    """The VPC (DescribeVpcs), or None."""
    body = module.call("vpc", "DescribeVpcs", {"RegionId": module.region_id, "VpcId": vpc_id})
    found = [v for v in dig(body, "Vpcs", "Vpc") or [] if v.get("VpcId") == vpc_id]
    return found[0] if found else None


def list_vpcs(module, query):
    """Every VPC of the region the query selects (e.g. {"VpcName": ...}), all pages."""
    return module.paginate("vpc", "DescribeVpcs", dict(query, RegionId=module.region_id), ("Vpcs", "Vpc"))


def read_vswitch(module, vswitch_id):
    """The vSwitch (DescribeVSwitches), or None."""
    body = module.call("vpc", "DescribeVSwitches", {"RegionId": module.region_id, "VSwitchId": vswitch_id})
    found = [v for v in dig(body, "VSwitches", "VSwitch") or [] if v.get("VSwitchId") == vswitch_id]
    return found[0] if found else None


def available_vswitch(module, vswitch, timeout):
    """The vSwitch once it is Available: what is created in a vSwitch still Pending is refused
    (IncorrectVSwitchStatus), so a playbook may create the vSwitch and its instances or mount targets at once."""
    if vswitch.get("Status") != "Pending":
        return vswitch
    return module.wait(VSWITCH_AVAILABLE, lambda: read_vswitch(module, vswitch["VSwitchId"]), timeout)


def list_vswitches(module, query):
    """Every vSwitch of the region the query selects (e.g. {"VpcId": ..., "VSwitchName": ...}), all pages."""
    return module.paginate("vpc", "DescribeVSwitches", dict(query, RegionId=module.region_id), ("VSwitches", "VSwitch"))
