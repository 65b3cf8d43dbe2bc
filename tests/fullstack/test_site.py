"""The whole site on the emulator with the Docker runtime, through the playbooks as a user runs them:
site.yml -> site.yml again (nothing changes, no mutating call) -> --check (nothing changes) -> the ECS drill ->
the ECS drill with drain (no failed request) -> the NAS drill (read_only, then read_write: no file lost, no answer
other than 200 outside the switch) -> the NAS drill killed right after it deleted the master's mount target, then
site.yml (every host back on the master, nothing lost), with status.yml telling the degraded site from the healthy
one -> teardown.yml -> teardown.yml again (nothing to do). The site's CloudMonitor alarms (issue 16, part 2) are made
once it is healthy, so its build fires none, and tell a loopback webhook; the ECS drill fires the unhealthy-backend
alarm within one period + 5 s of the CLB marking the target abnormal and lists it in its report; teardown leaves
no rule or contact group.

The emulator runs on its own port, state directory and loopback range, and the site on its own CIDRs, so it does
not collide with a `make demo` left running; `alicloud-emulator down` removes everything at the end, also when a
step failed. The inventory is inventories/local with the endpoint rewritten to this emulator.
"""

import json
import os
import signal
import subprocess
import time
import urllib.parse

import pytest
from alicloud_emulator.testing import loopback_receiver
from fullstack import (
    ROOT,
    SITE_NAME,
    changed,
    changed_tasks,
    in_host,
    play,
    playbook_command,
    report,
    switch_events,
)
from site_resources import HTTPS_SITE_RESOURCES as SITE_RESOURCES
from site_resources import SITE_ALARMS, resource_counts

pytestmark = pytest.mark.timeout(1800)
PERIOD = 60  # seconds: the period of the site's rules, in real-cloud time
UNHEALTHY_RULE = f"{SITE_NAME}-unhealthy-backends"


@pytest.fixture(scope="module")
def receiver():
    """A webhook on a loopback address of this machine: (its URL, what was posted to it)."""
    with loopback_receiver() as (url, posted):
        yield f"{url}/alarms", posted


def fired(cloud):
    return cloud.admin.call("GET", "/runtime/alarms")["alarms"]


def test_site_builds_and_verifies_under_injected_faults(cloud, inventory, receiver):
    """The first run meets throttling, server errors and lost answers on every API call (the inventory's too),
    and still converges with exactly the site's resources, its alarms made once it is healthy (none fired); the
    runs after it see no fault."""
    inventory.site_vars["site_alarm_webhook"] = receiver[0]
    cloud.admin.reset_requests()
    cloud.admin.faults(throttle_rate=0.2, error_rate=0.1, lost_rate=0.1, scope="all", seed=31)
    try:
        output = play(inventory, "site.yml")
        outcomes = cloud.admin.requests()["outcomes"]
    finally:
        cloud.admin.faults(throttle_rate=0.0, error_rate=0.0, lost_rate=0.0)
    assert "Answered by fs-web-web-1, fs-web-web-2" in output
    counts = resource_counts(cloud.admin.state())
    assert {kind: counts.get(kind, 0) for kind in SITE_RESOURCES} == SITE_RESOURCES
    assert {kind: counts.get(kind, 0) for kind in SITE_ALARMS} == SITE_ALARMS
    rules = {rule["RuleName"]: rule for rule in cloud.admin.state()["metric_rule"].values()}
    assert set(rules) == {UNHEALTHY_RULE, f"{SITE_NAME}-web-cpu-high"}
    assert rules[UNHEALTHY_RULE]["Webhook"] == receiver[0]
    assert fired(cloud) == [], "the alarms are made once the site is healthy: its build fires none"
    injected = {kind for by_outcome in outcomes.values() for kind in by_outcome}
    assert {"throttled", "server_error", "lost"} <= injected, outcomes


def test_a_second_run_changes_nothing(cloud, inventory):
    cloud.admin.reset_requests()
    output = play(inventory, "site.yml")
    assert set(changed(output).values()) == {0}, (changed_tasks(output), switch_events(cloud))
    assert cloud.admin.requests()["mutating"] == 0


def test_check_mode_after_a_converge_reports_no_change(cloud, inventory):
    output = play(inventory, "site.yml", "--check")
    assert set(changed(output).values()) == {0}, (changed_tasks(output), switch_events(cloud))


def test_ecs_drill_keeps_the_site_up_and_fires_the_unhealthy_backend_alarm(cloud, inventory, receiver, tmp_path):
    result = report(play(inventory, "drill_ecs_stop.yml", "-e", f"drill_report_dir={tmp_path}"))
    alerts = [a for a in result["alarms"] if a["rule"] == UNHEALTHY_RULE and a["state"] == "ALERT"]
    assert len(alerts) == 1, result["alarms"]
    assert alerts[0]["what"] == "UnhealthyServerCount" and alerts[0]["value"] == 1.0
    assert alerts[0]["seconds"] >= result["events_seconds"]["stop_asked"]
    period = PERIOD * cloud.admin.health()["timing"]["given_duration_factor"]
    print(f"alarm delay after the CLB saw the target abnormal: {result['alarm_delay_seconds']} s (period {period} s)")
    assert result["alarm_delay_seconds"] <= period + 5, result
    forms = [dict(urllib.parse.parse_qsl(body)) for _path, _type, body, _time in receiver[1]]
    posts = [form for form in forms if form.get("alertName") == UNHEALTHY_RULE]
    assert posts and posts[0]["alertState"] == "ALERT" and posts[0]["metricName"] == "UnhealthyServerCount"
    assert result["requests"] > 50
    assert result["failed_requests"] <= 1, result  # without drain: web-leave holds nginx until the CLB noticed
    assert result["detect_seconds"] <= result["thresholds"]["max_detect_seconds"]
    assert result["target"] == "fs-web-web-1"  # the first web host by name
    assert result["answered_by"].get("fs-web-web-2", 0) > result["answered_by"].get("fs-web-web-1", 0)


def test_ecs_drill_with_drain_fails_no_request(inventory, tmp_path):
    result = report(
        play(inventory, "drill_ecs_stop.yml", "-e", "drill_drain=true", "-e", f"drill_report_dir={tmp_path}")
    )
    assert result["failed_requests"] == 0 and result["requests"] > 50


def test_nas_drill_read_only_serves_from_the_backup_in_time(inventory, tmp_path):
    result = report(play(inventory, "drill_nas_failover.yml", "-e", f"drill_report_dir={tmp_path}"))
    assert max(result["switch_to_backup_seconds"].values()) <= 3.0
    assert result["mode"] == "read_only" and result["files_lost"] == 0
    assert result["non_200_outside_switch"] == 0, result["statuses"]
    assert min(result["failback_seconds"].values()) > 0  # measured from the new mount target, remount included


def test_nas_drill_read_write_loses_no_file(inventory, tmp_path):
    play(inventory, "site.yml", "-e", "site_failover_mode=read_write")
    output = play(
        inventory, "drill_nas_failover.yml", "-e", "site_failover_mode=read_write", "-e", f"drill_report_dir={tmp_path}"
    )
    result = report(output)
    assert result["files_written_during_outage"] == 40 and result["files_lost"] == 0
    assert result["non_200_outside_switch"] == 0, result["statuses"]


def _wait(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(0.2)


def test_site_brings_every_host_back_after_a_drill_killed_once_the_mount_target_is_gone(cloud, inventory, tmp_path):
    """read_write (as the test before left the site): the drill is killed right after it deleted the master's
    mount target; files are written on the backup meanwhile; site.yml makes a new mount target, remounts the master,
    restarts lsyncd and fails back: every host serves from the master, with every file."""
    dead_before = len(cloud.admin.call("GET", "/runtime/nas/outages")["dead_domains"])
    arguments = ["-e", "site_failover_mode=read_write", "-e", f"drill_report_dir={tmp_path}", "-e", "drill_id=killed"]
    command, env = playbook_command(inventory, "drill_nas_failover.yml", *arguments)
    drill = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        _wait(
            lambda: len(cloud.admin.call("GET", "/runtime/nas/outages")["dead_domains"]) > dead_before,
            300,
            "the drill deleting the master's mount target",
        )
    finally:
        os.killpg(drill.pid, signal.SIGKILL)
        drill.wait()
        (tmp_path / "killed.done").touch()  # ends the drill's background prober
    hosts = sorted(
        (i["HostName"], i["InstanceId"]) for i in cloud.admin.state()["instance"].values() if i["Status"] == "Running"
    )
    for name, container in hosts:
        _wait(lambda c=container: in_host(c, "readlink /var/www/current") == "/nas_backup/www", 30, "the failover")
        in_host(container, f"for n in 1 2 3; do echo {name} > /var/www/current/killed-{name}-$n.txt; done")
    degraded = _status(inventory, tmp_path / "degraded")
    assert not degraded["healthy"]
    on_backup = {f"fs-web-{name} serves the backup NAS" for name, _container in hosts}  # HostName web-N
    assert on_backup <= set(degraded["degraded"]), degraded["degraded"]
    output = play(inventory, "site.yml", "-e", "site_failover_mode=read_write")
    assert "Answered by fs-web-web-1, fs-web-web-2" in output
    for _name, container in hosts:
        assert in_host(container, "readlink /var/www/current") == "/nas_master/www"
        assert in_host(container, "ls /nas_master/www | grep -c '^killed-'") == str(3 * len(hosts))
        _wait(
            lambda c=container: in_host(c, "systemctl is-active nas-sync.service") == "active",
            60,
            "lsyncd started again by the switch once every host is back",
        )
        assert not in_host(container, "test -e /var/lib/ha_web/nas_sync/hold && echo held")
    healthy = _status(inventory, tmp_path / "healthy")
    assert healthy["healthy"], healthy["degraded"]
    assert [h["serving"] for h in healthy["hosts"]] == ["master"] * len(hosts)
    assert {h["os"] for h in healthy["hosts"]} == {"Debian GNU/Linux 13 (trixie)"}  # site_os: debian_13, the default
    assert {b["health"] for b in healthy["backends"]} == {"normal"}


def _status(inventory, report_dir):
    """status.yml asked to fail when degraded: its saved status; the run failed exactly when it is degraded."""
    arguments = ("-e", "status_fail_when_degraded=true", "-e", f"status_report_dir={report_dir}")
    command, env = playbook_command(inventory, "status.yml", *arguments)
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    saved = sorted(report_dir.glob("status-*.json"))
    assert len(saved) == 1, done.stdout[-3000:]
    status = json.loads(saved[0].read_text())
    assert (done.returncode == 0) == status["healthy"], done.stdout[-3000:]
    assert f"SITE fs-web: {'healthy' if status['healthy'] else 'DEGRADED'}" in done.stdout
    return status


def test_teardown_removes_everything_and_a_second_run_does_nothing(cloud, inventory):
    play(inventory, "teardown.yml")
    state = cloud.admin.call("GET", "/state")
    left = {kind: list(items) for kind, items in state.items() if isinstance(items, dict) and items}
    assert not {k: v for k, v in left.items() if k not in ("access_group", "access_rule")}, left
    assert set(changed(play(inventory, "teardown.yml")).values()) == {0}
