"""Helpers of the nas_sync scenario: commands in the two containers (docker exec), and the master outage."""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import time

DOCKER = shutil.which("docker") or "/usr/bin/docker"
PGREP = shutil.which("pgrep") or "/usr/bin/pgrep"
# The containers' names: MOLECULE_NAME_SUFFIX (the Makefile's, one per checkout) keeps two checkouts' runs apart.
SUFFIX = os.environ.get("MOLECULE_NAME_SUFFIX", "")
WEB1, WEB2 = f"hw-mol-sync-web1{SUFFIX}", f"hw-mol-sync-web2{SUFFIX}"
HOSTS = [WEB1, WEB2]
MASTER_DOMAIN = "0a1b2c3d4e-sync1.cn-hangzhou.nas.aliyuncs.com"
MASTER_SITE = "/nas_master/www"
BACKUP_SITE = "/nas_backup/www"


def sh(host, script, check=True, timeout=60, stdin=None):
    """Runs a shell script in a container (stdin: text fed to it); returns its stdout (stripped)."""
    done = subprocess.run(
        [DOCKER, "exec", "-i", host, "sh", "-c", script],
        input=stdin or "",
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"{host}: {script!r} exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout.strip()


def master_bindfs_pids():
    """The bindfs processes serving the master share in this scenario's containers, as the Docker host sees them (a
    process of another checkout's containers, which mount the same fake domain, is left alone)."""
    ours = set()
    for host in HOSTS:
        listing = subprocess.run([DOCKER, "top", host, "-eo", "pid"], capture_output=True, text=True, check=False)
        ours.update(int(pid) for pid in listing.stdout.split() if pid.isdigit())
    found = subprocess.run(
        [PGREP, "-f", f"^bindfs .*/alicloud-nas/{MASTER_DOMAIN} "], capture_output=True, text=True, check=False
    )
    return [int(pid) for pid in found.stdout.split() if int(pid) in ours]


@contextlib.contextmanager
def master_frozen():
    """The master NAS out: its bindfs processes stopped (SIGSTOP) from the host; always resumed (SIGCONT)."""
    pids = master_bindfs_pids()
    assert len(pids) == len(HOSTS), f"expected one master bindfs per host, found {pids}"
    frozen_at = time.time()
    try:
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        yield frozen_at
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)


def switch_state(host):
    return json.loads(sh(host, "cat /var/lib/ha_web/nas_sync/state.json"))


def settled(host):
    """The host in its normal state: serving the master, with lsyncd running."""
    return (
        switch_state(host)["state"] == "normal"
        and sh(host, "readlink /var/www/current") == MASTER_SITE
        and sh(host, "systemctl is-active nas-sync.service", check=False) == "active"
    )


def wait_settled(timeout=60):
    """Waits until every host is settled. On a loaded machine the master share (bindfs over the Docker host's disk)
    can stall past the switch's detection time (fall x interval, 1 s), and a host then fails over and back by itself,
    as it should: the tests that need the normal state wait for it instead of assuming it."""
    for host in HOSTS:
        try:
            wait_until(lambda host=host: settled(host), timeout)
        except AssertionError:
            raise AssertionError(f"{host} not settled within {timeout} s; switches: {recent_switches(host)}") from None


def recent_switches(host, count=4):
    """The host's last switches, for failure messages."""
    return [f"{s['at'][11:23]} to {s['to']}: {s['reason']}" for s in switch_state(host)["switches"][-count:]]


def wait_until(condition, timeout, interval=0.05):
    """Polls condition() until it returns something true; returns (value, seconds waited) or fails."""
    start = time.monotonic()
    while True:
        value = condition()
        if value:
            return value, time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not true within {timeout} s: {condition.__doc__ or condition}")
        time.sleep(interval)
