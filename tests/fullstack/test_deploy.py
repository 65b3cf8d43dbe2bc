"""playbooks/deploy.yml on a site of its own (emulator, Docker runtime): a first release, a second one under the
prober (no failed request, no moment where the hosts serve different releases), the same content again (nothing
changes), a rollback to the previous release and a switch to a release by id (keeping one), and the refusal while a
host serves from the backup share. Each deploy is checked through the CLB, on each host and on the backup share.
Then, on the same site, playbooks/rolling_update.yml (issue 15, part 2): every host updated and rebooted
(RebootInstance) one at a time under the prober, with no failed request; then a host that does not come back (a
health URI it cannot serve, on the second host only) stops the update there, left drained while the first (rebooted
because it asked for it, /var/run/reboot-required) serves; then the guard: with that host drained, the next run
refuses to drain the only backend left.

Last, on the same site, scaling out and in under the prober (issue 15, part 3; it shares this file's site, so the
full-stack stage builds one site less): drill_scale.yml runs site.yml at 4, then at 2, with 0
failed requests; at 4 the instances are balanced over the zones and all normal; after 2 the removed instances are
gone from the cloud and the CLB; site.yml run again changes nothing. The drill's report is written to
FULLSTACK_SCALE_REPORT_DIR when set (the kept copy is bench/results/drill_scale.json)."""

import collections
import hashlib
import json
import os
import re
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from alicloud_emulator.docker_testing import REGION, health, sdk_models
from fullstack import (
    SITE_NAME,
    changed,
    in_host,
    load_balancer_id,
    play,
    playbook_command,
    report,
    running_hosts,
    site_tls_context,
    web_instances,
)

pytestmark = pytest.mark.timeout(7200)  # a guard: the scale drill's fixture alone has taken 48 minutes

CONTENT = {
    "a": {"index.html": "<h1>release a</h1>\n", "css/site.css": "h1 {color: green}\n"},
    "b": {"index.html": "<h1>release b</h1>\n", "css/site.css": "h1 {color: blue}\n", "new.txt": "b only\n"},
}


def _content(tmp_path, name):
    directory = tmp_path / f"src-{name}"
    for relative, text in CONTENT[name].items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(directory)


def _release_id(directory):
    """The id deploy.yml gives this content: SHA-256 of the sorted `sha256sum` listing of its files, 16 hex digits."""
    files = sorted(p.relative_to(directory).as_posix() for p in Path(directory).rglob("*") if p.is_file())
    listing = "\n".join(f"{hashlib.sha256((Path(directory) / f).read_bytes()).hexdigest()}  ./{f}" for f in files)
    return hashlib.sha256(listing.encode()).hexdigest()[:16]


def _deploy(inventory, tmp_path, *arguments):
    """Runs deploy.yml (it fails on a crossed threshold); its output and report."""
    output = play(inventory, "deploy.yml", "-e", f"deploy_report_dir={tmp_path}", *arguments)
    result = report(output)
    assert result["failed_requests"] == 0, result["failures_by_status"]
    assert result["drill"] == "deploy"
    return output, result


def _through_clb(site, path, times=10):
    """{backend: set of bodies} of `times` requests to the site (`releases`: its URL and TLS context)."""
    answers = {}
    for _request in range(times):
        with urllib.request.urlopen(site["url"] + path, timeout=5, context=site["tls"]) as answer:  # noqa: S310 (the test's own CLB, loopback)
            answers.setdefault(answer.headers["X-Backend-Server"], set()).add(answer.read().decode())
    return answers


@pytest.fixture(scope="module")
def site(inventory):
    """The site the deploys run on. site.yml is what this file relies on, not what it tests (test_site.py does): on a
    machine loaded by parallel full-stack runs its first run has failed once in nas_sync's start of lsyncd (the
    guard's 5 s sentinel probe), so a failed first run is followed by a second one, which must succeed."""
    command, env = playbook_command(inventory, "site.yml")
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=2400, check=False)
    if first.returncode != 0:
        print("site.yml failed once, run again:", first.stdout[-3000:])
        play(inventory, "site.yml")
    return inventory


@pytest.fixture(scope="module")
def releases(site, cloud, tmp_path_factory):
    """The ids of the two contents (derived from the content, as deploy.yml derives them) and the site's URL."""
    directory = tmp_path_factory.mktemp("content")
    (address,) = [lb["Address"] for lb in cloud.admin.state()["load_balancer"].values()]
    return {
        "a": _release_id(_content(directory, "a")),
        "b": _release_id(_content(directory, "b")),
        "url": f"https://{address}:443",  # as the site names it (the local inventory's site_https, its port)
        "tls": site_tls_context(site),  # trusts the site's self-signed certificate
    }


# releases ------------------------------------------------------------------------------------------------------------


def test_a_first_release_is_published_and_served_by_every_host(cloud, site, tmp_path, releases):
    result = _deploy(site, tmp_path, "-e", f"deploy_src={_content(tmp_path, 'a')}")[1]
    assert result["action"] == "deploy" and result["previous_release"] == ""
    assert re.fullmatch(r"[0-9a-f]{16}", result["release"]) and result["release"] == releases["a"]
    assert result["url"] == releases["url"] + "/"  # before the first release the prober asks for the home page
    assert _through_clb(releases, "/") == {name: {CONTENT["a"]["index.html"]} for name in running_hosts(cloud)}
    for container in running_hosts(cloud).values():
        assert in_host(container, "readlink /nas_master/www/current; readlink /nas_backup/www/current") == (
            f"releases/{releases['a']}\nreleases/{releases['a']}"
        )


def test_a_second_release_switches_every_host_at_once_under_the_prober(cloud, site, tmp_path, releases):
    result = _deploy(site, tmp_path, "-e", f"deploy_src={_content(tmp_path, 'b')}")[1]
    assert result["release"] == releases["b"]
    assert result["action"] == "deploy" and result["previous_release"] == releases["a"] != releases["b"]
    assert result["url"].endswith("/.release/id") and result["requests"] > 20
    assert result["mixed_releases_seconds"] == 0, result["serving_by_host"]
    assert set(result["serving_by_host"]) == set(running_hosts(cloud))
    # each host answered both releases: the old before the switch, the new after it
    assert all(times["last_old"] < times["first_new"] for times in result["serving_by_host"].values())
    assert _through_clb(releases, "/new.txt") == {name: {"b only\n"} for name in running_hosts(cloud)}
    records = json.loads(Path(result["requests_file"]).read_text())["records"]
    assert {r["body"] for r in records} == {releases["a"], releases["b"]}


def test_the_same_content_again_changes_nothing(site, tmp_path, releases):
    output, result = _deploy(site, tmp_path, "-e", f"deploy_src={_content(tmp_path, 'b')}")
    assert result["action"] == "none" and result["release"] == releases["b"]
    on_hosts = {host: count for host, count in changed(output).items() if host != "localhost"}
    assert on_hosts and set(on_hosts.values()) == {0}, on_hosts  # only the report and its picture are written


def test_a_rollback_serves_the_previous_release(cloud, site, tmp_path, releases):
    """It starts while a host serves from the backup for a moment (held 10 s, as a slow master probe on a loaded host
    switches it): the deploy waits for the failback instead of refusing."""
    _name, container = sorted(running_hosts(cloud).items())[0]
    in_host(container, "echo held by test_deploy > /var/lib/ha_web/nas_sync/hold")
    _wait_serving(container, "/nas_backup/www", 30)
    release = threading.Timer(10, in_host, (container, "rm -f /var/lib/ha_web/nas_sync/hold"))
    release.start()
    try:
        result = _deploy(site, tmp_path, "-e", "deploy_rollback=true")[1]
    finally:
        release.join()
    assert (result["action"], result["release"], result["previous_release"]) == (
        "rollback",
        releases["a"],
        releases["b"],
    )
    assert result["mixed_releases_seconds"] == 0, result["serving_by_host"]
    assert _through_clb(releases, "/") == {name: {CONTENT["a"]["index.html"]} for name in running_hosts(cloud)}


def test_a_release_by_id_and_deploy_keep(cloud, site, tmp_path, releases):
    result = _deploy(site, tmp_path, "-e", f"deploy_release={releases['b']}", "-e", "deploy_keep=1")[1]
    assert (result["action"], result["release"]) == ("rollback", releases["b"])
    container = next(iter(running_hosts(cloud).values()))
    assert in_host(container, "ls -A /nas_master/www/releases") == releases["b"]
    # the removal reaches the backup through the sync
    deadline = time.monotonic() + 60
    while in_host(container, "ls -A /nas_backup/www/releases") != releases["b"]:
        assert time.monotonic() < deadline, in_host(container, "ls -A /nas_backup/www/releases")
        time.sleep(0.5)


def test_the_deploy_refuses_while_a_host_serves_from_the_backup(cloud, site, tmp_path, releases):
    name, container = sorted(running_hosts(cloud).items())[0]
    in_host(container, "echo held by test_deploy > /var/lib/ha_web/nas_sync/hold")
    try:
        _wait_serving(container, "/nas_backup/www", 30)
        arguments = ("-e", f"deploy_src={_content(tmp_path, 'a')}", "-e", "deploy_failback_wait_seconds=3")
        command, env = playbook_command(site, "deploy.yml", *arguments)
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode != 0
        assert f"{name} serve(s) from the backup share" in done.stdout, done.stdout[-3000:]
        assert "waited for 3 s" in done.stdout
        assert "deploy_force=true" in done.stdout
        assert _through_clb(releases, "/.release/id") == {n: {releases["b"] + "\n"} for n in running_hosts(cloud)}
    finally:
        in_host(container, "rm -f /var/lib/ha_web/nas_sync/hold")
    _wait_serving(container, "/nas_master/www", 60)


# rolling updates ----------------------------------------------------------------------------------------------------
BOOT_IDENTITY = "cat /proc/sys/kernel/random/boot_id; systemctl show --property=UserspaceTimestampMonotonic --value"


def _wait_serving(container, share_dir, timeout):
    """Until the host's document root links to `share_dir` (its NAS switch has switched)."""
    deadline = time.monotonic() + timeout
    while in_host(container, "readlink /var/www/current") != share_dir:
        assert time.monotonic() < deadline, f"the host does not serve from {share_dir}"
        time.sleep(0.2)


def _weights(cloud):
    """{instance id: weight} of the site's load balancer."""
    slb, m = cloud.client("slb"), sdk_models("slb")
    request = m.DescribeLoadBalancerAttributeRequest(region_id=REGION, load_balancer_id=load_balancer_id(cloud))
    servers = slb.describe_load_balancer_attribute(request).body.backend_servers.backend_server
    return {server.server_id: int(server.weight) for server in servers}


def _answered_by(releases, times=10):
    """The backends that answered `times` requests to the site's home page through the CLB (each must be a 200)."""
    return set(_through_clb(releases, "/", times))


def _failing(inventory, *arguments):
    """Runs rolling_update.yml, which must fail; its output."""
    command, env = playbook_command(inventory, "rolling_update.yml", *arguments)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=2400, check=False)
    assert done.returncode != 0, done.stdout[-4000:]
    return done.stdout


def test_every_host_is_updated_and_rebooted_under_the_prober_without_a_failed_request(cloud, site, tmp_path, releases):
    hosts = running_hosts(cloud)
    assert len(hosts) == 2
    boots = {name: in_host(container, BOOT_IDENTITY) for name, container in hosts.items()}
    assert all(len(boot.split()) == 2 for boot in boots.values()), boots
    output = play(
        site, "rolling_update.yml", "-e", "rolling_update_reboot=true", "-e", f"rolling_update_report_dir={tmp_path}"
    )
    result = report(output)
    assert result["drill"] == "rolling_update" and result["outcome"] == "updated", result
    assert result["failed_requests"] == 0, result["failures_by_status"]
    assert set(result["answered_by"]) == set(hosts), result["answered_by"]
    rows = {row["host"]: row for row in result["hosts"]}
    assert set(rows) == set(hosts)
    for row in rows.values():
        assert row["state"] == "updated" and row["reboot_reason"] == "asked", row
        assert row["drained"] < row["updated"] < row["rebooted"] < row["back"], row
    # one host at a time: the second is drained only once the first is back
    first, second = (rows[name] for name in hosts)
    assert first["back"] < second["drained"], result["hosts"]
    events = result["events_seconds"]
    assert min(events, key=events.get) == f"drained {next(iter(hosts))}", events
    assert len(events) == 8, events  # drained, updated, rebooted, back: each host
    for name, container in hosts.items():
        assert in_host(container, BOOT_IDENTITY) != boots[name], f"{name} was not rebooted"
    assert health(cloud, load_balancer_id(cloud), 443) == dict.fromkeys(hosts.values(), "normal")
    assert set(_weights(cloud).values()) == {100}
    assert _answered_by(releases) == set(hosts)
    # the figures the project keeps
    figures = {name: row["seconds"] for name, row in rows.items()}
    print("rolling update:", json.dumps({"failed_requests": result["failed_requests"], "seconds_per_host": figures}))


def test_a_host_that_does_not_come_back_stops_the_update_there_left_drained(cloud, site, tmp_path, releases):
    hosts = running_hosts(cloud)
    first, second = hosts
    # the first host asks for a reboot (as Debian's packages do); the second gets a health URI it cannot serve
    boot = in_host(hosts[first], BOOT_IDENTITY)
    in_host(hosts[first], "touch /var/run/reboot-required")
    host_vars = Path(site) / "host_vars"
    host_vars.mkdir(exist_ok=True)
    (host_vars / f"{second}.yml").write_text(
        "rolling_update_health_uri: /no-such-page\nrolling_update_health_timeout: 6\n"
    )
    try:
        output = _failing(site, "-e", f"rolling_update_report_dir={tmp_path}")
    finally:
        (host_vars / f"{second}.yml").unlink()
    assert f"The rolling update stopped at {second} (Check the host's own health" in output, output[-4000:]
    assert "It is left drained (weight 0)" in output
    result = report(output)
    assert result["outcome"] == "stopped" and result["stopped_at"] == [second], result
    assert result["failed_requests"] == 0, result["failures_by_status"]
    rows = {row["host"]: row for row in result["hosts"]}
    assert rows[first]["state"] == "updated" and rows[second]["state"] == "stopped", result["hosts"]
    assert rows[first]["reboot_reason"] == "required by the host" and "rebooted" not in rows[second], result["hosts"]
    assert in_host(hosts[first], BOOT_IDENTITY) != boot
    assert in_host(hosts[first], "ls /var/run/reboot-required 2>/dev/null") == ""  # on /run: gone with the reboot
    assert rows[second]["stopped"]["drained"] is True
    # the first host serves alone; the second is drained, not re-enabled
    assert _weights(cloud) == {hosts[first]: 100, hosts[second]: 0}
    assert _answered_by(releases) == {first}


def test_the_last_backend_that_serves_is_never_drained(cloud, site, tmp_path, releases):
    hosts = running_hosts(cloud)
    first, second = hosts
    assert _weights(cloud)[hosts[second]] == 0  # left drained by the test before
    output = _failing(site, "-e", f"rolling_update_report_dir={tmp_path}")
    assert f"Refusing to drain {first}: no other backend is normal with a weight above 0" in output, output[-4000:]
    assert f"The rolling update stopped at {first}" in output and "It was not drained." in output
    result = report(output)
    assert result["outcome"] == "stopped" and result["failed_requests"] == 0, result
    assert _weights(cloud) == {hosts[first]: 100, hosts[second]: 0}
    assert _answered_by(releases) == {first}


# scaling out and in, last -------------------------------------------------------------------------------------------
NAMES = [f"{SITE_NAME}-web-{n}" for n in range(1, 5)]


@pytest.fixture(scope="module")
def scale_drill(cloud, site, tmp_path_factory):
    """The drill 2 -> 4 -> 2 on the site: (its report, the web instances before it). It runs last in this file (a
    drill that fails leaves 4 hosts, which the tests before it do not expect); its site.yml at 4 gives the host the
    last rolling update left drained its weight back. Its step limit is raised from 1,800 s: on a 2-core machine
    running the other lanes beside it, configuring two new hosts from a fresh image has taken 32 minutes."""
    before = web_instances(cloud)
    report_dir = os.environ.get("FULLSTACK_SCALE_REPORT_DIR", str(tmp_path_factory.mktemp("reports")))
    arguments = ("-e", f"drill_report_dir={report_dir}", "-e", "drill_max_step_seconds=3600")
    output = play(site, "drill_scale.yml", *arguments, timeout=7200)
    return report(output), before


def test_the_drill_scales_2_4_2_without_a_failed_request(scale_drill):
    result, before = scale_drill
    assert sorted(before) == NAMES[:2]
    assert result["counts"] == [2, 4, 2]
    assert result["requests"] > 100
    assert result["failed_requests"] == 0, result
    out, back = result["steps"]
    assert (out["direction"], out["added"], out["removed"]) == ("out", NAMES[2:], [])
    assert (back["direction"], back["added"], back["removed"]) == ("in", [], NAMES[2:])
    assert out["failed_requests"] == back["failed_requests"] == 0
    # the new hosts served traffic once registered; the surplus ones were drained before they were released
    assert set(NAMES) <= set(result["answered_by"]), result["answered_by"]
    assert out["started"] < out["added_first_answered"] < out["done"] and out["started"] < out["normal"] < out["done"]
    assert back["started"] < back["drained"] < back["released"] < back["normal"] < back["done"]
    assert all(step["seconds"] > 0 for step in result["steps"])


def test_at_4_the_instances_are_balanced_over_the_zones_and_all_normal(scale_drill):
    out = scale_drill[0]["steps"][0]
    assert sorted(out["zones"]) == NAMES
    assert sorted(collections.Counter(out["zones"].values()).values()) == [2, 2], out["zones"]
    assert out["zones"][NAMES[0]] == out["zones"][NAMES[2]] != out["zones"][NAMES[1]] == out["zones"][NAMES[3]]
    assert out["health"] == dict.fromkeys(NAMES, "normal"), out["health"]


def test_after_2_the_removed_instances_are_gone_from_the_cloud_and_the_clb(cloud, scale_drill):
    result, before = scale_drill
    after = web_instances(cloud)
    assert sorted(after) == NAMES[:2]
    assert {name: after[name].instance_id for name in after} == {n: i.instance_id for n, i in before.items()}
    assert sorted(_weights(cloud)) == sorted(i.instance_id for i in after.values())  # the CLB's backends
    assert result["steps"][1]["health"] == dict.fromkeys(NAMES[:2], "normal")


def test_site_run_again_after_the_scale_drill_changes_nothing(scale_drill, site):
    output = play(site, "site.yml")
    assert "nothing surplus" in output
    assert set(changed(output).values()) == {0}, changed(output)
