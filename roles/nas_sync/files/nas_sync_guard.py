"""nas-sync-guard (role ha_web.alicloud.nas_sync): exits non-zero, saying why, when syncing master -> backup now
could harm the backup. Used as ExecStartPre= of nas-sync.service (lsyncd) and nas-reconcile.service.

Usage: python3 nas_sync_guard.py lsyncd|reconcile [config.json]
Refuses when: a share is not in /proc/self/mountinfo (an unmounted master is an empty directory); the master's
sentinel is missing or does not answer within 5 s; this host serves the backup (failover flag); for reconcile, also
when any host of the group serves the backup.
"""

import json
import os
import subprocess
import sys

CONFIG_PATH = "/etc/ha_web/nas_sync/config.json"
TIMEOUT = "/usr/bin/timeout"


def refusal(config, job):
    with open("/proc/self/mountinfo") as mountinfo:
        mounted = {line.split()[4] for line in mountinfo}
    for path in (config["master_path"], config["backup_path"]):
        if path not in mounted:
            return f"{path} is not mounted"
    sentinel = os.path.join(config["master_path"], config["site_dir"], config["sentinel"])
    probe = [TIMEOUT, "-s", "KILL", "5", "/usr/bin/test", "-f", sentinel]
    if subprocess.run(probe, check=False).returncode != 0:  # noqa: S603 - fixed programs, paths from our configuration
        return f"the master's sentinel {sentinel} is missing or the master does not answer"
    if os.path.exists(os.path.join(config["state_dir"], "failover")):
        return "this host serves the backup (failover)"
    if job == "reconcile":
        states = [os.path.join(config["backup_path"], ".nas_sync", f"state.{host}") for host in config["hosts"]]
        read = subprocess.run(  # noqa: S603 - fixed programs, paths from our configuration
            [TIMEOUT, "-s", "KILL", "5", "/bin/sh", "-c", 'cat "$@" 2>/dev/null; true', "states", *states],
            capture_output=True,
            text=True,
            check=False,
        )
        if read.returncode != 0 or "failover" in read.stdout.split():
            return "a host of the group serves the backup (failover), or the backup does not answer"
    return None


def main():
    if len(sys.argv) not in (2, 3) or sys.argv[1] not in ("lsyncd", "reconcile"):
        sys.exit("usage: python3 nas_sync_guard.py lsyncd|reconcile [config.json]")
    with open(sys.argv[2] if len(sys.argv) == 3 else CONFIG_PATH) as file:
        config = json.load(file)
    reason = refusal(config, sys.argv[1])
    if reason:
        sys.exit(f"nas-sync-guard: refusing to start {sys.argv[1]}: {reason}")
    print(f"nas-sync-guard: {sys.argv[1]} may start")


if __name__ == "__main__":
    main()
