"""Scaling out and in under the prober (issue 15, part 3) on the emulator's Docker runtime: one site of 2 web
instances; drill_scale.yml runs site.yml at 4, then at 2, with 0 failed requests; at 4 the instances are balanced
over the zones and all normal; after 2 the removed instances are gone from the cloud and the CLB; site.yml run again
changes nothing. The drill's report is written to FULLSTACK_SCALE_REPORT_DIR when set (the kept copy is
bench/results/drill_scale.json).
"""

import collections
import os

import pytest
from alicloud_emulator.testing import sdk_models
from fullstack import SITE_NAME, changed, load_balancer_id, play, report

pytestmark = pytest.mark.timeout(3600)

NAMES = [f"{SITE_NAME}-web-{n}" for n in range(1, 5)]


def web_instances(cloud):
    """{name: instance} of the site's web instances DescribeInstances lists."""
    request = sdk_models("ecs").DescribeInstancesRequest(region_id="cn-hangzhou", page_size=100)
    found = cloud.client("ecs").describe_instances(request).body.instances.instance
    return {i.instance_name: i for i in found if i.instance_name.startswith(f"{SITE_NAME}-web-")}


def backend_ids(cloud):
    """The IDs of the CLB's backend servers."""
    request = sdk_models("slb").DescribeLoadBalancerAttributeRequest(load_balancer_id=load_balancer_id(cloud))
    body = cloud.client("slb").describe_load_balancer_attribute(request).body
    return sorted(b.server_id for b in body.backend_servers.backend_server)


@pytest.fixture(scope="module")
def drill(cloud, inventory, tmp_path_factory):
    """The site built, then the drill 2 -> 4 -> 2: (its report, the web instances before it)."""
    assert f"Answered by {NAMES[0]}, {NAMES[1]}" in play(inventory, "site.yml")
    before = web_instances(cloud)
    report_dir = os.environ.get("FULLSTACK_SCALE_REPORT_DIR", str(tmp_path_factory.mktemp("reports")))
    output = play(inventory, "drill_scale.yml", "-e", f"drill_report_dir={report_dir}")
    return report(output), before


def test_the_drill_scales_2_4_2_without_a_failed_request(drill):
    result, before = drill
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


def test_at_4_the_instances_are_balanced_over_the_zones_and_all_normal(drill):
    out = drill[0]["steps"][0]
    assert sorted(out["zones"]) == NAMES
    assert sorted(collections.Counter(out["zones"].values()).values()) == [2, 2], out["zones"]
    assert out["zones"][NAMES[0]] == out["zones"][NAMES[2]] != out["zones"][NAMES[1]] == out["zones"][NAMES[3]]
    assert out["health"] == dict.fromkeys(NAMES, "normal"), out["health"]


def test_after_2_the_removed_instances_are_gone_from_the_cloud_and_the_clb(cloud, drill):
    result, before = drill
    after = web_instances(cloud)
    assert sorted(after) == NAMES[:2]
    assert {name: after[name].instance_id for name in after} == {n: i.instance_id for n, i in before.items()}
    assert backend_ids(cloud) == sorted(i.instance_id for i in after.values())
    assert result["steps"][1]["health"] == dict.fromkeys(NAMES[:2], "normal")


def test_site_run_again_changes_nothing(drill, inventory):
    output = play(inventory, "site.yml")
    assert "nothing surplus" in output
    assert set(changed(output).values()) == {0}, changed(output)
