#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nas_zone_info
short_description: Which zones of a region offer a NAS storage type over a protocol
version_added: 1.1.0
description:
  - Reports, for every zone of the region, the General-purpose NAS storage types and protocols it offers
    (one C(DescribeZones) request), and whether it offers O(storage_type) over O(protocol_type).
  - NAS zones are not ECS zones; a zone can run instances and have no V(Capacity) file systems, or the
    other way round.
  - Changes nothing.
author: ha_web.alicloud developers (@ha-web)
options:
  storage_type:
    description:
      - The storage type wanted.
    type: str
    choices: [Capacity, Performance, Premium]
    default: Capacity
  protocol_type:
    description:
      - The protocol wanted (the API writes it in lower case; either case is accepted here).
    type: str
    choices: [NFS, SMB]
    default: NFS
  preferred_zone_ids:
    description:
      - Zones to list first, in this order, when they are usable (for example the zones of the web
        servers); the others follow in the region's order.
    type: list
    elements: str
    default: []
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
  - module: ha_web.alicloud.nas_file_system
  - module: ha_web.alicloud.ecs_zone_info
"""

EXAMPLES = r"""
- name: Zones with Capacity file systems over NFS, the web servers' zones first
  ha_web.alicloud.nas_zone_info:
    storage_type: Capacity
    protocol_type: NFS
    preferred_zone_ids: [cn-hangzhou-j, cn-hangzhou-k]
  register: nas_zones
"""

RETURN = r"""
zones:
  description: Every NAS zone of the region, in the region's order.
  returned: always
  type: list
  elements: dict
  contains:
    zone_id:
      description: The zone.
      type: str
      sample: cn-hangzhou-g
    offers:
      description: The storage types and protocols it offers.
      type: list
      elements: dict
      sample: [{"storage_type": "Capacity", "protocol_type": "NFS"}]
    usable:
      description: Whether it offers O(storage_type) over O(protocol_type).
      type: bool
usable_zone_ids:
  description: The usable zones, O(preferred_zone_ids) first.
  returned: always
  type: list
  elements: str
  sample: [cn-hangzhou-j, cn-hangzhou-k]
"""

from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.ha_web.alicloud.plugins.module_utils.nas import list_zones, zone_offers


def describe(module):
    wanted = (module.params["storage_type"], module.params["protocol_type"].upper())
    zones = []
    for zone in list_zones(module):
        offers = zone_offers(zone)
        zones.append(
            {
                "zone_id": zone.get("ZoneId"),
                "offers": [{"storage_type": s, "protocol_type": p} for s, p in offers],
                "usable": wanted in offers,
            }
        )
    return zones


def preferred_first(zone_ids, preferred):
    return [z for z in preferred if z in zone_ids] + [z for z in zone_ids if z not in preferred]


def main():
    module = AlicloudModule(
        argument_spec=dict(
            storage_type=dict(type="str", default="Capacity", choices=["Capacity", "Performance", "Premium"]),
            protocol_type=dict(type="str", default="NFS", choices=["NFS", "SMB"]),
            preferred_zone_ids=dict(type="list", elements="str", default=[]),
        ),
        supports_check_mode=True,
    )
    try:
        zones = describe(module)
    except AlicloudApiError as error:
        module.fail_api(error, "NAS zones of region %s" % module.region_id)
    usable = [zone["zone_id"] for zone in zones if zone["usable"]]
    module.module.exit_json(
        changed=False, zones=zones, usable_zone_ids=preferred_first(usable, module.params["preferred_zone_ids"])
    )


if __name__ == "__main__":
    main()
