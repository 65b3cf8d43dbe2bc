"""Spot interruptions, a host that leaves gracefully, and restoring the declared capacity (issue 14), on one site of the
emulator's Docker runtime with an on-demand base of 1 (web-1 pay-as-you-go, web-2 spot): a heal with nothing lost
changes nothing; the ECS drill without drain fails at most 1 request (web-leave fails the health URI and holds nginx
until the CLB noticed), and one that fails half-way starts its target again; every spot instance interrupted at once
under the prober (web-2; web-1 cannot be interrupted) fails no request, the CLB sees it abnormal within interval x
unhealthy threshold + 2 s, and the heal brings the capacity back (drill_spot_interruption.yml -e drill_heal=true, the
heal timed); site.yml run again replaces a released instance; teardown. The drill's report is written to
FULLSTACK_HEAL_REPORT_DIR when set (the kept copies are bench/results/drills/spot_heal*.json).
"""

import os
import subprocess
import time
import urllib.error

import pytest
from alicloud_emulator.docker_testing import health, wait_for
from alicloud_emulator.testing import sdk_models
from fullstack import SITE_NAME, changed, load_balancer_id, play, playbook_command, report

pytestmark = pytest.mark.timeout(2400)

WEB_1, WEB_2 = f"{SITE_NAME}-web-1", f"{SITE_NAME}-web-2"
BASE = ("-e", "site_on_demand_base=1")


def web_instances(cloud):
    """{name: instance} of the site's web instances DescribeInstances lists."""
    request = sdk_models("ecs").DescribeInstancesRequest(region_id="cn-hangzhou", page_size=100)
    found = cloud.client("ecs").describe_instances(request).body.instances.instance
    return {i.instance_name: i for i in found if i.instance_name.startswith(f"{SITE_NAME}-web-")}


def interrupt(cloud, instance_id, notice_seconds):
    return cloud.admin.call("POST", f"/runtime/ecs/{instance_id}/interrupt", {"notice_seconds": notice_seconds})


def test_site_builds_with_an_on_demand_base(cloud, inventory):
    assert f"Answered by {WEB_1}, {WEB_2}" in play(inventory, "site.yml", *BASE)
    instances = web_instances(cloud)
    assert (instances[WEB_1].spot_strategy, instances[WEB_2].spot_strategy) == ("NoSpot", "SpotAsPriceGo")


def test_a_heal_with_nothing_lost_changes_nothing(inventory):
    output = play(inventory, "heal.yml", *BASE)
    assert "nothing to replace" in output
    assert set(changed(output).values()) == {0}, changed(output)


def test_ecs_drill_without_drain_fails_at_most_one_request(inventory, tmp_path):
    result = report(play(inventory, "drill_ecs_stop.yml", *BASE, "-e", f"drill_report_dir={tmp_path}"))
    assert result["requests"] > 50
    assert result["failed_requests"] <= 1, result


def test_an_ecs_drill_that_fails_half_way_starts_its_target_again(cloud, inventory, tmp_path):
    """A drill that fails while its target is stopped (here: the alarm it waits for is not one of the site's) leaves
    no instance stopped behind it, and says where it failed."""
    arguments = ("-e", f"drill_report_dir={tmp_path}", "-e", "drill_alarm_rule=no-such-rule")
    arguments += ("-e", "drill_alarm_wait_seconds=2")
    command, env = playbook_command(inventory, "drill_ecs_stop.yml", *BASE, *arguments)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode != 0, done.stdout[-3000:]
    assert "The drill failed at 'Wait until the unhealthy-backend alarm fires" in done.stdout, done.stdout[-3000:]
    assert f"{WEB_1} was started again" in done.stdout
    web_1 = web_instances(cloud)[WEB_1]
    assert web_1.status == "Running"
    lb_id = load_balancer_id(cloud)
    wait_for(lambda: health(cloud, lb_id, 443).get(web_1.instance_id) == "normal", 180, 2, what=f"{WEB_1} healthy")


def test_every_spot_instance_interrupted_at_once_keeps_the_site_up_and_the_heal_restores_it(cloud, inventory, tmp_path):
    before = web_instances(cloud)
    with pytest.raises(urllib.error.HTTPError) as refused:
        interrupt(cloud, before[WEB_1].instance_id, 300)
    assert refused.value.code == 409  # the on-demand base: only web-2 is spot, so "every spot instance" is web-2
    report_dir = os.environ.get("FULLSTACK_HEAL_REPORT_DIR", str(tmp_path))
    arguments = ("-e", f"drill_report_dir={report_dir}", "-e", f"drill_target={WEB_2}", "-e", "drill_heal=true")
    output = play(inventory, "drill_spot_interruption.yml", *BASE, *arguments)
    result = report(output)
    assert result["requests"] > 50
    assert result["failed_requests"] == 0, result
    assert result["notice_to_abnormal_seconds"] <= result["thresholds"]["max_notice_to_abnormal_seconds"] == 8
    assert result["outcome"] == "released"
    assert result["answered_by"].get(WEB_1, 0) > 0
    assert result["healed"] is True
    assert result["heal_replaced"] == before[WEB_2].instance_id != result["heal_replacement"]
    assert 0 < result["release_to_capacity_normal_seconds"] < result["notice_to_capacity_normal_seconds"]
    after = web_instances(cloud)
    assert after[WEB_1].instance_id == before[WEB_1].instance_id
    assert (after[WEB_2].instance_id, after[WEB_2].spot_strategy) == (result["heal_replacement"], "SpotAsPriceGo")
    assert f"create {WEB_2}: missing" in output  # the drill waits for the release before the heal


def test_site_run_again_replaces_a_released_instance(cloud, inventory):
    lost = web_instances(cloud)[WEB_2].instance_id
    interrupt(cloud, lost, 20)
    deadline = time.monotonic() + 120
    while WEB_2 in web_instances(cloud) and web_instances(cloud)[WEB_2].instance_id == lost:
        assert time.monotonic() < deadline, "the interrupted instance was not released"
        time.sleep(1)
    output = play(inventory, "site.yml", *BASE)
    assert f"create {WEB_2}: missing" in output
    assert f"Answered by {WEB_1}, {WEB_2}" in output
    assert web_instances(cloud)[WEB_2].instance_id != lost


def test_teardown_removes_everything(cloud, inventory):
    play(inventory, "teardown.yml", *BASE)
    state = cloud.admin.call("GET", "/state")
    left = {kind: list(items) for kind, items in state.items() if isinstance(items, dict) and items}
    assert not {k: v for k, v in left.items() if k not in ("access_group", "access_rule")}, left
