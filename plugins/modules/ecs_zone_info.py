#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ecs_zone_info
short_description: Which zones of a region can run given ECS instance types now
version_added: 1.1.0
description:
  - Reports, for every zone of the region, which of the given instance types can be bought there now for
    the charge type and spot strategy, whether the zone offers the system disk category and vSwitches,
    and so whether it can serve.
  - Two requests, whatever the number of zones and types, C(DescribeZones) (the types and disk categories
    each zone lists) and C(DescribeAvailableResource) (the stock of every type in every zone). A type
    counts when its stock is V(WithStock) or V(ClosedWithStock) (low stock); V(WithoutStock) and
    V(ClosedWithoutStock) are sold out.
  - Changes nothing.
author: ha_web.alicloud developers (@ha-web)
options:
  instance_types:
    description:
      - The instance types wanted, in order of preference, for example V([ecs.u1-c1m1.large, ecs.e-c1m2.large]).
    type: list
    elements: str
    required: true
  instance_charge_type:
    description:
      - The charge type the instances would have.
    type: str
    choices: [PostPaid, PrePaid]
    default: PostPaid
  spot_strategy:
    description:
      - The spot strategy the instances would have (only with V(PostPaid)).
    type: str
    choices: [NoSpot, SpotWithPriceLimit, SpotAsPriceGo]
    default: NoSpot
  system_disk_category:
    description:
      - The system disk category the instances need, for example V(cloud_essd). Without it, disks are not checked.
    type: str
  zone_ids:
    description:
      - Only these zones, in this order (for example the zones a site pins). A zone the region does not have
        is reported as one that cannot serve.
      - Without it, every zone of the region, in the region's order.
    type: list
    elements: str
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
attributes:
  check_mode:
    description: Runs in check mode too, and changes nothing either way.
    support: full
  diff_mode:
    description: Returns no diff.
    support: none
notes:
  - Stock changes by the minute; a zone listed here may still refuse an instance a little later. The
    M(ha_web.alicloud.ecs_instance) option O(ha_web.alicloud.ecs_instance#module:instance_types) moves on to
    the next type and vSwitch when that happens.
seealso:
  - module: ha_web.alicloud.ecs_instance
  - module: ha_web.alicloud.nas_zone_info
"""

EXAMPLES = r"""
- name: Zones that can run the site's spot instances on ESSD disks
  ha_web.alicloud.ecs_zone_info:
    instance_types: [ecs.u1-c1m1.large, ecs.e-c1m2.large]
    spot_strategy: SpotAsPriceGo
    system_disk_category: cloud_essd
  register: ecs_zones

- name: The first two of them
  ansible.builtin.debug:
    msg: "{{ ecs_zones.usable_zone_ids[:2] }}"
"""

RETURN = r"""
zones:
  description: Every zone asked about (or of the region), in order, with what it offers.
  returned: always
  type: list
  elements: dict
  contains:
    zone_id:
      description: The zone.
      type: str
      sample: cn-hangzhou-j
    local_name:
      description: Its name in the console's language.
      type: str
    usable:
      description: Whether it can serve, that is has one of the types in stock, the disk category and vSwitches.
      type: bool
    instance_types:
      description: The wanted types that can be bought there now, in order of preference.
      type: list
      elements: str
      sample: [ecs.e-c1m2.large]
    stock:
      description: Each wanted type's stock, V(WithStock), V(ClosedWithStock), V(WithoutStock),
        V(ClosedWithoutStock), or V(NotOffered) when the zone does not have the type.
      type: dict
      sample: {"ecs.u1-c1m1.large": "WithoutStock", "ecs.e-c1m2.large": "WithStock"}
    disk_categories:
      description: The disk categories the zone offers.
      type: list
      elements: str
    problems:
      description: Why it cannot serve; empty when it can.
      type: list
      elements: str
usable_zone_ids:
  description: The zones that can serve, in order.
  returned: always
  type: list
  elements: str
  sample: [cn-hangzhou-j, cn-hangzhou-k]
"""

from ansible_collections.ha_web.alicloud.plugins.module_utils.ecs import (
    list_instance_type_stock,
    list_zones,
    zone_offer,
)
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule


def validate(module):
    params = module.params
    problems = []
    if not params["instance_types"]:
        problems.append("instance_types: give at least one instance type")
    if params["instance_charge_type"] == "PrePaid" and params["spot_strategy"] != "NoSpot":
        problems.append("spot_strategy: spot instances are PostPaid only")
    module.fail_on_problems(problems)


def describe(module):
    params = module.params
    charge, spot = params["instance_charge_type"], params["spot_strategy"]
    zones = {zone.get("ZoneId"): zone for zone in list_zones(module, charge, spot)}
    stock = list_instance_type_stock(module, charge, spot)
    wanted = params["zone_ids"] if params["zone_ids"] is not None else list(zones)
    offers = []
    for zone_id in wanted:
        if zone_id not in zones:
            offers.append(unknown_zone(module, zone_id, params["instance_types"]))
            continue
        offers.append(
            zone_offer(zones[zone_id], stock.get(zone_id, {}), params["instance_types"], params["system_disk_category"])
        )
    return offers


def unknown_zone(module, zone_id, instance_types):
    return {
        "zone_id": zone_id,
        "local_name": "",
        "instance_types": [],
        "stock": dict.fromkeys(instance_types, "NotOffered"),
        "disk_categories": [],
        "usable": False,
        "problems": ["region %s has no zone %s" % (module.region_id, zone_id)],
    }


def main():
    module = AlicloudModule(
        argument_spec=dict(
            instance_types=dict(type="list", elements="str", required=True),
            instance_charge_type=dict(type="str", default="PostPaid", choices=["PostPaid", "PrePaid"]),
            spot_strategy=dict(type="str", default="NoSpot", choices=["NoSpot", "SpotWithPriceLimit", "SpotAsPriceGo"]),
            system_disk_category=dict(type="str"),
            zone_ids=dict(type="list", elements="str"),
        ),
        supports_check_mode=True,
    )
    validate(module)
    try:
        zones = describe(module)
    except AlicloudApiError as error:
        module.fail_api(error, "zones of region %s" % module.region_id)
    module.module.exit_json(
        changed=False, zones=zones, usable_zone_ids=[zone["zone_id"] for zone in zones if zone["usable"]]
    )


if __name__ == "__main__":
    main()
