# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# A certificate that expires within this many days is a problem to act on now.
CERTIFICATE_WARNING_DAYS = 30


def _backends(reads, names):
    return [
        {
            "name": names.get(b["server_id"], b["server_id"]),
            "server_id": b["server_id"],
            "listener_port": b.get("listener_port"),
            "protocol": b.get("protocol"),
            "health": b.get("server_health_status", "unavailable"),
        }
        for b in reads.get("backends") or []
    ]


def _instances(reads):
    found = []
    for i in sorted(reads.get("instances") or [], key=lambda i: i.get("instance_name", "")):
        locks = ((i.get("operation_locks") or {}).get("lock_reason")) or []
        found.append(
            {
                "name": i.get("instance_name"),
                "instance_id": i.get("instance_id"),
                "status": i.get("status"),
                "zone_id": i.get("zone_id"),
                "spot_strategy": i.get("spot_strategy") or "NoSpot",
                "locks": [lock.get("lock_reason") for lock in locks],
            }
        )
    return found


def _hosts(reads):
    found = []
    for name, read in sorted((reads.get("hosts") or {}).items()):
        read = read or {}
        state = read.get("state") or {}
        switches = state.get("switches") or []
        found.append(
            {
                "name": name,
                "os": read.get("os") or "unknown",
                "serving": state.get("serving", "unknown"),
                "state": state.get("state", "unknown"),
                "since": state.get("since", ""),
                "last_switch": switches[-1] if switches else None,
                "release": (read.get("release") or "").rstrip("/").rsplit("/", 1)[-1],
                "sync_service": read.get("sync_service") or "unknown",
                "sync_pending_files": read.get("sync_pending_files", -1),
                "read_error": read.get("error"),
            }
        )
    return found


def _since(alarm):
    return " since %s" % alarm["since"] if alarm.get("since") else ""


def _problems(status, expected_instances):
    problems = []
    balancer = status["load_balancer"]
    if balancer["status"] != "active":
        problems.append("load balancer %s" % balancer["status"])
    for b in status["backends"]:
        if b["health"] != "normal":
            problems.append("%s %s on port %s" % (b["name"], b["health"], b["listener_port"]))
    running = [i for i in status["instances"] if i["status"] == "Running"]
    if len(running) < expected_instances:
        problems.append(
            "%d of %d web instances running (playbooks/heal.yml restores them)" % (len(running), expected_instances)
        )
    for i in status["instances"]:
        if i["locks"]:
            problems.append("%s locked: %s" % (i["name"], ", ".join(i["locks"])))
    for h in status["hosts"]:
        if h["read_error"]:
            problems.append("%s could not be read: %s" % (h["name"], h["read_error"]))
        elif h["serving"] != "master":
            problems.append("%s serves the %s NAS" % (h["name"], h["serving"]))
        elif h["sync_service"] != "active":
            problems.append("%s: its sync to the backup (nas-sync.service) is %s" % (h["name"], h["sync_service"]))
    for c in status["certificates"]:
        if c.get("days_left") is not None and int(c["days_left"]) < CERTIFICATE_WARNING_DAYS:
            problems.append("certificate %s expires in %d days" % (c.get("name"), int(c["days_left"])))
    for a in status["alarms"]:
        problems.append("alarm %s firing%s" % (a.get("name"), _since(a)))
    return problems


def _lines(status):
    balancer = status["load_balancer"]
    lines = [
        "SITE %s: %s" % (status["site_name"], "healthy" if status["healthy"] else "DEGRADED"),
        "load balancer %s %s %s" % (balancer["id"] or "-", balancer["address"] or "", balancer["status"]),
    ]
    for b in status["backends"]:
        lines.append("  backend %-20s %s:%s %s" % (b["name"], b["protocol"], b["listener_port"], b["health"]))
    for i in status["instances"]:
        locks = ", locked %s" % ",".join(i["locks"]) if i["locks"] else ""
        lines.append(
            "instance %-20s %s in %s, %s%s" % (i["name"], i["status"], i["zone_id"], i["spot_strategy"], locks)
        )
    for h in status["hosts"]:
        pending = h["sync_pending_files"] if h["sync_pending_files"] >= 0 else "?"
        switch = h["last_switch"]
        last = ", last switch to %s at %s" % (switch.get("to"), switch.get("at")) if switch else ""
        lines.append(
            "host %-22s %s, serves %s NAS (%s since %s), release %s, sync %s (%s files not on the backup yet)%s"
            % (
                h["name"],
                h["os"],
                h["serving"],
                h["state"],
                h["since"] or "?",
                h["release"] or "-",
                h["sync_service"],
                pending,
                last,
            )
        )
    for c in status["certificates"]:
        lines.append("certificate %s expires %s (%s days)" % (c.get("name"), c.get("expire_time"), c.get("days_left")))
    for a in status["alarms"]:
        lines.append("alarm %s firing%s" % (a.get("name"), _since(a)))
    lines.extend("DEGRADED: %s" % problem for problem in status["degraded"])
    return lines


def site_status(reads, expected_instances):
    """The site's status from what status.yml read: the load balancer (the clb module's load_balancer), the
    backends' health (clb_health_info), the web instances (ecs_instance_info), each host's read (host name ->
    web_host_status.py's answer), and optionally certificates and firing alarms. Returns the status with its
    problems (degraded), healthy, and the lines of the screen."""
    balancer = reads.get("load_balancer") or {}
    instances = reads.get("instances") or []
    names = {i.get("instance_id"): i.get("instance_name") for i in instances}
    status = {
        "site_name": reads.get("site_name", ""),
        "load_balancer": {
            "id": balancer.get("load_balancer_id", ""),
            "address": balancer.get("address", ""),
            "status": balancer.get("load_balancer_status") or "missing",
        },
        "backends": _backends(reads, names),
        "instances": _instances(reads),
        "hosts": _hosts(reads),
        "certificates": list(reads.get("certificates") or []),
        "alarms": list(reads.get("alarms") or []),
    }
    status["degraded"] = _problems(status, int(expected_instances))
    status["healthy"] = not status["degraded"]
    status["lines"] = _lines(status)
    return status


class FilterModule(object):
    def filters(self):
        return {"site_status": site_status}
