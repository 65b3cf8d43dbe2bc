# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The steps of playbooks/rolling_update.yml, in their order; each host's fact rolling_update_t_<step> is when it ended.
STEPS = ("drained", "updated", "rebooted", "back")


def rolling_update_steps(hosts, started_at):
    """From each web host's variables (inventory_hostname, rolling_update_t_<step> as epoch seconds, and
    rolling_update_stopped where the update stopped): per host its state (updated, stopped, not_reached), each step's
    seconds after `started_at`, and the seconds from drained to back; and the events, named '<step> <host>', for the
    timeline's picture."""
    started_at = float(started_at)
    rows = []
    events = {}
    for host in hosts:
        name = host["inventory_hostname"]
        row = {"host": name}
        for step in STEPS:
            at = host.get("rolling_update_t_" + step)
            if at is not None and str(at) != "":
                row[step] = round(float(at) - started_at, 2)
                events["%s %s" % (step, name)] = row[step]
        if "rebooted" in row:
            row["reboot_reason"] = host.get("rolling_update_reboot_reason")
        if "drained" in row and "back" in row:
            row["seconds"] = round(row["back"] - row["drained"], 2)
        stopped = host.get("rolling_update_stopped")
        if stopped:
            row["state"] = "stopped"
            row["stopped"] = dict(stopped)
        else:
            row["state"] = "updated" if "back" in row else "not_reached"
        rows.append(row)
    return {"hosts": rows, "events": dict(sorted(events.items(), key=lambda item: item[1]))}


class FilterModule(object):
    def filters(self):
        return {"rolling_update_steps": rolling_update_steps}
