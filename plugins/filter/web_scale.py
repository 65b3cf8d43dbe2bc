# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.errors import AnsibleFilterError


def _number(instance):
    """N of an instance named <site>-web-N."""
    found = re.search(r"-web-([0-9]+)$", instance.get("instance_name") or "")
    if not found:
        raise AnsibleFilterError("not a web instance name (<site>-web-N): %r" % instance.get("instance_name"))
    return int(found.group(1))


def _recycling(instance):
    """Whether the instance is going (the lock Recycling: a spot interruption's notice, or being released)."""
    locks = (instance.get("operation_locks") or {}).get("lock_reason") or []
    return any(lock.get("lock_reason") == "Recycling" for lock in locks)


def web_placement(instances, count, zones):
    """The zone of each web instance 1..count, in number order: an instance that exists keeps its zone; a new one
    goes to the zone with the fewest instances so far, ties broken by its own zone (N-1 modulo the zones), then the
    zones after it in order. On an empty site that is instance N in zone N (two instances in two zones). An
    instance that is going (Recycling) is not counted: its replacement takes its zone."""
    count = int(count)
    zones = list(zones)
    if not zones:
        raise AnsibleFilterError("web_placement needs at least one zone")
    existing = {}
    for instance in instances:
        number = _number(instance)
        if number <= count and instance.get("zone_id") in zones and not _recycling(instance):
            existing[number] = instance["zone_id"]
    load = dict.fromkeys(zones, 0)
    for zone in existing.values():
        load[zone] += 1
    placement = []
    for number in range(1, count + 1):
        zone = existing.get(number)
        if zone is None:
            first = (number - 1) % len(zones)
            rotated = zones[first:] + zones[:first]
            zone = min(rotated, key=lambda z: (load[z], rotated.index(z)))
            load[zone] += 1
        placement.append(zone)
    return placement


def web_surplus(instances, count):
    """The web instances beyond the declared count (numbered above it: the names web-1..web-count stay), in the
    order they are taken out: each time from the zone that has the most instances left, the highest-numbered
    there (ties: the higher number). Every instance is one dict as ha_web.alicloud.ecs_instance_info lists it; one
    that is going (Recycling) is left to the cloud, and playbooks/release_lost.yml takes it out of the CLB."""
    count = int(count)
    left = [i for i in instances if not _recycling(i)]
    taken = []
    surplus = [i for i in left if _number(i) > count]
    while surplus:
        load = {}
        for instance in left:
            load[instance.get("zone_id")] = load.get(instance.get("zone_id"), 0) + 1
        pick = max(surplus, key=lambda i: (load[i.get("zone_id")], _number(i)))
        taken.append(pick)
        surplus.remove(pick)
        left.remove(pick)
    return taken


class FilterModule(object):
    def filters(self):
        return {"web_placement": web_placement, "web_surplus": web_surplus}
