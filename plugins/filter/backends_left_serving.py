# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def backends_left_serving(health, leaving, weights=None):
    """The backends that would still serve once `leaving` (server ids) are drained: every one the load balancer
    reports normal on each listener it checks, and, with `weights` (the CLB's backend servers, each with server_id and
    weight), a weight above 0. Sorted server ids."""
    leaving = set(leaving or [])
    statuses = {}
    for entry in health or []:
        statuses.setdefault(entry["server_id"], set()).add(entry.get("server_health_status"))
    weighted = None
    if weights is not None:
        weighted = {server["server_id"] for server in weights if int(server.get("weight") or 0) > 0}
    return sorted(
        server_id
        for server_id, seen in statuses.items()
        if server_id not in leaving and seen == {"normal"} and (weighted is None or server_id in weighted)
    )


class FilterModule(object):
    def filters(self):
        return {"backends_left_serving": backends_left_serving}
