"""First contact in a hostile region, on the emulator with the Docker runtime: the region's first zone has sold out
of the first instance type, the second zone does not offer it, and the image the example inventory used to pin is
retired. site.yml with site_zones: auto and no pinned image converges (the next type, the newest image still
available, NAS in the zones that offer Capacity), a second run changes nothing and sends no changing request, and
teardown (the zones it finds remembered on the VPC) leaves nothing.
"""

import json

import pytest
from fullstack import changed, play
from site_resources import SITE_RESOURCES, resource_counts

pytestmark = pytest.mark.timeout(1800)

REGION = "cn-hangzhou"
FIRST_TYPE, SECOND_TYPE = "ecs.u1-c1m1.large", "ecs.e-c1m1.large"
RETIRED_IMAGE = "debian_12_9_x64_20G_alibase_20250117.vhd"
HOSTILE = json.dumps({"site_zones": "auto", "site_image_id": ""})


def web_instances(cloud):
    found = [i for i in cloud.admin.state().get("instance", {}).values() if i["InstanceName"].endswith(("-1", "-2"))]
    return sorted(found, key=lambda i: i["InstanceName"])


def test_site_converges_in_a_hostile_region(cloud, inventory):
    cloud.admin.set_stock(REGION, "cn-hangzhou-g", "WithoutStock", instance_type=FIRST_TYPE)
    cloud.admin.retire_image(RETIRED_IMAGE)
    output = play(inventory, "site.yml", "-e", HOSTILE)
    assert "Answered by fs-web-web-1, fs-web-web-2" in output
    counts = resource_counts(cloud.admin.state())
    assert {kind: counts.get(kind, 0) for kind in SITE_RESOURCES} == SITE_RESOURCES
    web_1, web_2 = web_instances(cloud)
    assert (web_1["ZoneId"], web_1["InstanceType"]) == ("cn-hangzhou-g", SECOND_TYPE)
    assert (web_2["ZoneId"], web_2["InstanceType"]) == ("cn-hangzhou-h", SECOND_TYPE)
    assert {web_1["ImageId"], web_2["ImageId"]} == {"debian_12_6_x64_20G_alibase_20240823.vhd"}
    assert "after OperationDenied.NoStock" in output
    assert "after InvalidInstanceType.ZoneNotSupported" in output
    file_system_zones = sorted(f["ZoneId"] for f in cloud.admin.state()["file_system"].values())
    assert file_system_zones == ["cn-hangzhou-g", "cn-hangzhou-i"]  # zone h has no NAS Capacity


def test_a_second_run_changes_nothing(cloud, inventory):
    cloud.admin.reset_requests()
    output = play(inventory, "site.yml", "-e", HOSTILE)
    assert set(changed(output).values()) == {0}, changed(output)
    assert cloud.admin.requests()["mutating"] == 0
    assert "Remembered: web zones cn-hangzhou-g, cn-hangzhou-h" in output


def test_teardown_leaves_nothing(cloud, inventory):
    play(inventory, "teardown.yml", "-e", HOSTILE)
    counts = resource_counts(cloud.admin.state())
    assert {kind: n for kind, n in counts.items() if n} == {}, counts
