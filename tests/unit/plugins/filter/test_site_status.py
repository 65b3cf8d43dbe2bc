"""site_status: what status.yml read becomes the site's status, its problems in words, and the screen's lines."""

import copy

from ansible_collections.ha_web.alicloud.plugins.filter.site_status import FilterModule, site_status


def _host(serving="master", sync="active", pending=0, switches=(), os_release="Debian GNU/Linux 13 (trixie)"):
    state = {"state": "normal", "serving": serving, "since": "2026-12-01T10:00:00Z", "switches": list(switches)}
    release = "/nas_master/www/releases/4f1c2a"
    return {"os": os_release, "state": state, "release": release, "sync_service": sync, "sync_pending_files": pending}


HEALTHY = {
    "site_name": "ha-web",
    "load_balancer": {"load_balancer_id": "lb-1", "address": "127.0.0.200", "load_balancer_status": "active"},
    "backends": [
        {"server_id": "i-1", "listener_port": 80, "protocol": "http", "server_health_status": "normal"},
        {"server_id": "i-2", "listener_port": 80, "protocol": "http", "server_health_status": "normal"},
    ],
    "instances": [
        {"instance_id": "i-2", "instance_name": "ha-web-web-2", "status": "Running", "zone_id": "cn-hangzhou-k"},
        {"instance_id": "i-1", "instance_name": "ha-web-web-1", "status": "Running", "zone_id": "cn-hangzhou-j"},
    ],
    "hosts": {"ha-web-web-1": _host(), "ha-web-web-2": _host(pending=3, os_release="Debian GNU/Linux 12 (bookworm)")},
}


def _reads(**changes):
    reads = copy.deepcopy(HEALTHY)
    reads.update(changes)
    return reads


def test_a_healthy_site_has_no_problem_and_names_backends_by_instance():
    status = site_status(HEALTHY, 2)
    assert status["healthy"] is True and status["degraded"] == []
    assert [b["name"] for b in status["backends"]] == ["ha-web-web-1", "ha-web-web-2"]
    assert [i["name"] for i in status["instances"]] == ["ha-web-web-1", "ha-web-web-2"]
    assert status["hosts"][0]["release"] == "4f1c2a"
    assert status["lines"][0] == "SITE ha-web: healthy"
    # files the sync has not copied yet are shown, not a problem
    assert "3 files not on the backup yet" in status["lines"][-1]
    # each host's OS release, as its /etc/os-release names it (a site made on Debian 12 keeps it)
    hosts = [line for line in status["lines"] if line.startswith("host ")]
    assert hosts[0].startswith("host ha-web-web-1           Debian GNU/Linux 13 (trixie), serves master NAS")
    assert hosts[1].startswith("host ha-web-web-2           Debian GNU/Linux 12 (bookworm), serves master NAS")


def test_each_kind_of_trouble_is_named():
    reads = _reads()
    reads["backends"][0]["server_health_status"] = "abnormal"
    reads["instances"][1]["operation_locks"] = {"lock_reason": [{"lock_reason": "Recycling"}]}
    reads["instances"][0]["status"] = "Stopped"
    switch = {"at": "2026-12-01T10:05:00Z", "to": "backup", "reason": "probe failed"}
    reads["hosts"] = {"ha-web-web-1": _host(serving="backup", switches=[switch]), "ha-web-web-2": _host(sync="failed")}
    reads["alarms"] = [{"name": "ha-web-unhealthy-backends", "since": "2026-12-01T10:04:00Z"}]
    reads["certificates"] = [{"name": "ha-web-2026", "expire_time": "2026-12-11T00:00:00Z", "days_left": "10"}]
    status = site_status(reads, 2)
    assert status["healthy"] is False
    assert status["degraded"] == [
        "ha-web-web-1 abnormal on port 80",
        "1 of 2 web instances running (playbooks/heal.yml restores them)",
        "ha-web-web-1 locked: Recycling",
        "ha-web-web-1 serves the backup NAS",
        "ha-web-web-2: its sync to the backup (nas-sync.service) is failed",
        "certificate ha-web-2026 expires in 10 days",
        "alarm ha-web-unhealthy-backends firing since 2026-12-01T10:04:00Z",
    ]
    assert status["lines"][0] == "SITE ha-web: DEGRADED"
    assert any("last switch to backup at 2026-12-01T10:05:00Z" in line for line in status["lines"])
    assert status["lines"][-1] == "DEGRADED: alarm ha-web-unhealthy-backends firing since 2026-12-01T10:04:00Z"


def test_a_host_not_read_and_a_missing_load_balancer_are_problems_not_errors():
    reads = _reads(load_balancer={}, backends=[])
    reads["hosts"]["ha-web-web-2"] = {"error": "UNREACHABLE"}
    status = site_status(reads, "2")
    assert status["degraded"] == ["load balancer missing", "ha-web-web-2 could not be read: UNREACHABLE"]
    assert (status["hosts"][1]["serving"], status["hosts"][1]["os"]) == ("unknown", "unknown")


def test_a_certificate_far_from_expiry_is_shown_not_a_problem():
    status = site_status(_reads(certificates=[{"name": "c", "expire_time": "2027-12-01", "days_left": 365}]), 2)
    assert status["healthy"] is True
    assert "certificate c expires 2027-12-01 (365 days)" in status["lines"]


def test_the_filter_is_registered():
    assert FilterModule().filters()["site_status"] is site_status
