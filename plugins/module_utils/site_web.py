# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The site's rules for its web instances: their names (<site>-web-N), which one is lost and why, where new ones go
and which ones a smaller site takes out. Pure functions over instances as the modules return them (snake_case:
instance_name, status, zone_id, spot_strategy, operation_locks, ...); the modules and the filters call them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

_WEB_NAME = re.compile(r"-web-([0-9]+)$")

RECYCLING = "Recycling (a spot interruption's notice, or being released)"
STOPPED_BY_INTERRUPTION = "stopped by a spot interruption"


def web_name(site_name, number):
    """The name of the site's web instance N (also its host name's number): <site>-web-N."""
    return "%s-web-%d" % (site_name, int(number))


def web_names(site_name, count):
    """The names of a site of `count` web instances: <site>-web-1 .. <site>-web-count."""
    return [web_name(site_name, number) for number in range(1, int(count) + 1)]


def web_number(name):
    """N of an instance named <site>-web-N; None for any other name."""
    found = _WEB_NAME.search(name or "")
    return int(found.group(1)) if found else None


def is_recycling(instance):
    """Whether the instance is going: the lock Recycling (a spot interruption's notice, or being released)."""
    locks = (instance.get("operation_locks") or {}).get("lock_reason") or []
    return any(isinstance(lock, dict) and lock.get("lock_reason") == "Recycling" for lock in locks)


def is_stopped_by_interruption(instance):
    """A spot instance the cloud stopped in economical mode (SpotInterruptionBehavior Stop, StopCharging): it will
    not come back by itself."""
    return (
        instance.get("status") == "Stopped"
        and (instance.get("spot_strategy") or "NoSpot") != "NoSpot"
        and instance.get("spot_interruption_behavior") == "Stop"
        and instance.get("stopped_mode") == "StopCharging"
    )


def lost_reason(instance):
    """Why the instance is lost to the site (a heal replaces it), or None when it is not."""
    if is_recycling(instance):
        return RECYCLING
    if is_stopped_by_interruption(instance):
        return STOPPED_BY_INTERRUPTION
    return None


def names_missing_and_surplus(site_name, count, instances):
    """(the names of web-1..web-count that no instance has, the instances' names numbered above count), each sorted
    by number."""
    wanted = web_names(site_name, count)
    have = {i.get("instance_name") for i in instances}
    missing = [name for name in wanted if name not in have]
    surplus = sorted(
        {name for name in have if (web_number(name) or 0) > int(count)},
        key=web_number,
    )
    return missing, surplus


def _number(instance):
    number = web_number(instance.get("instance_name"))
    if number is None:
        raise ValueError("not a web instance name (<site>-web-N): %r" % instance.get("instance_name"))
    return number


def web_placement(instances, count, zones):
    """The zone of each web instance 1..count, in number order: an instance that exists keeps its zone; a new one
    goes to the zone with the fewest instances so far, ties broken by its own zone (N-1 modulo the zones), then the
    zones after it in order. On an empty site that is instance N in zone N (two instances in two zones). An
    instance that is going (Recycling) is not counted: its replacement takes its zone."""
    count = int(count)
    zones = list(zones)
    if not zones:
        raise ValueError("web_placement needs at least one zone")
    existing = {}
    for instance in instances:
        number = _number(instance)
        if number <= count and instance.get("zone_id") in zones and not is_recycling(instance):
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
    there (ties: the higher number). One that is going (Recycling) is left to the cloud, and
    playbooks/release_lost.yml takes it out of the CLB."""
    count = int(count)
    left = [i for i in instances if not is_recycling(i)]
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
