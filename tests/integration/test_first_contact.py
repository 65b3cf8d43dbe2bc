"""First contact with an account (issue 13): the site's zones, instance types and image chosen from what the region
offers, the fallbacks at create time, and the preflight, against the emulator's catalog, stock, images and
permissions (playbooks/provision.yml, playbooks/preflight.yml with inventories/local's variables)."""

import json
import os
import subprocess
import time

import pytest
from alicloud_emulator.testing import ACCESS_KEY_ID
from conftest import ANSIBLE_PLAYBOOK, HERE, ROOT, run_playbook
from site_resources import resource_counts

REGION = "cn-hangzhou"
FIRST_TYPE, SECOND_TYPE = "ecs.u1-c1m1.large", "ecs.e-c1m1.large"
PINNED_IMAGE = "debian_12_9_x64_20G_alibase_20250117.vhd"  # the newest Debian 12 of the shipped catalog
NEWEST_DEBIAN_13 = "debian_13_2_x64_20G_alibase_20251121.vhd"  # and its newest Debian 13


def _newer_image(major, minor):
    """A public image of Debian <major>.<minor> newer than every other."""
    name = f"debian_{major}_{minor}_x64_20G_alibase_20991231.vhd"
    return {
        "ImageId": name,
        "ImageName": name,
        "ImageFamily": f"acs:debian_{major}_{minor}_x64",
        "OSName": f"Debian  {major}.{minor} 64位",
        "OSNameEn": f"Debian  {major}.{minor} 64 bit",
        "Platform": "Debian",
        "OSType": "linux",
        "Architecture": "x86_64",
        "ImageOwnerAlias": "system",
        "CreationTime": "2099-12-31T00:00:00Z",
        "Size": 20,
    }


@pytest.fixture
def cloud(emulator):
    """The emulator as shipped: no resource, every type in stock, the shipped images, every action allowed."""
    emulator.admin.reset()
    emulator.admin.deny(ACCESS_KEY_ID, [])
    emulator.admin.reset_requests()
    return emulator


def play(emulator, inventory, playbook, **extra):
    """ansible-playbook playbooks/<playbook> (or a path) with inventories/local's variables and `extra`; the
    finished process."""
    extra = {
        "alicloud_endpoint_url": f"http://{emulator.endpoint}",
        "emulator_url": f"http://{emulator.endpoint}",
        **extra,
    }
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    argv = [ANSIBLE_PLAYBOOK, "-i", str(inventory), str(ROOT / "playbooks" / playbook), "-e", json.dumps(extra)]
    return subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=1500, check=False)


def succeeded(done):
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-3000:]
    return done.stdout


def failed(done):
    assert done.returncode != 0, done.stdout[-20000:]
    return done.stdout


def nothing_created(emulator):
    counts = resource_counts(emulator.admin.state())
    return {kind: n for kind, n in counts.items() if n} == {}


def instances(emulator):
    return sorted(emulator.admin.state().get("instance", {}).values(), key=lambda i: i["InstanceName"])


def test_a_pinned_sold_out_zone_stops_before_any_create_naming_the_zones_that_would(cloud, inventory):
    cloud.admin.set_stock(REGION, "cn-hangzhou-j", "WithoutStock")
    output = failed(play(cloud, inventory, "provision.yml", site_zones=["cn-hangzhou-j", "cn-hangzhou-k"]))
    assert "site_zones: cn-hangzhou-j: none of the instance types" in output
    assert "Zones that would serve now: cn-hangzhou-g, cn-hangzhou-h, cn-hangzhou-i, cn-hangzhou-k" in output
    assert nothing_created(cloud)


def test_a_sold_out_first_type_falls_back_to_the_next_type_in_that_zone(cloud, inventory):
    cloud.admin.set_stock(REGION, "cn-hangzhou-j", "WithoutStock", instance_type=FIRST_TYPE)
    output = succeeded(play(cloud, inventory, "provision.yml"))
    web_1, web_2 = instances(cloud)
    assert (web_1["ZoneId"], web_1["InstanceType"]) == ("cn-hangzhou-j", SECOND_TYPE)
    assert (web_2["ZoneId"], web_2["InstanceType"]) == ("cn-hangzhou-k", FIRST_TYPE)
    assert "after OperationDenied.NoStock" in output
    assert len(instances(cloud)) == 2


def test_a_zone_that_refuses_every_type_falls_back_to_the_next_zone(cloud, inventory):
    """The stock changed between the choice and the create: instance 1 moves from zone j to zone k."""
    done = run_playbook(
        cloud,
        HERE / "playbooks" / "first_contact_zone_fallback.yml",
        {"emulator_url": f"http://{cloud.endpoint}"},
    )
    assert done.returncode == 0, done.stdout[-20000:]
    (instance,) = instances(cloud)
    assert instance["ZoneId"] == "cn-hangzhou-k"


def test_an_account_without_spot_gets_pay_as_you_go_instances_and_is_told(cloud, inventory):
    cloud.admin.set_account(spot_supported=False)
    output = succeeded(play(cloud, inventory, "provision.yml"))
    assert [i["SpotStrategy"] for i in instances(cloud)] == ["NoSpot", "NoSpot"]
    assert output.count("pay-as-you-go because spot could not be had") == 2
    assert "after InvalidAccount.NotSupportSpot" in output


def test_no_spot_stock_anywhere_chooses_pay_as_you_go_zones(cloud, inventory):
    for zone in ("cn-hangzhou-g", "cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j", "cn-hangzhou-k"):
        cloud.admin.set_stock(REGION, zone, "WithoutStock", spot=True)
    output = succeeded(play(cloud, inventory, "provision.yml", site_zones="auto"))
    assert [i["SpotStrategy"] for i in instances(cloud)] == ["NoSpot", "NoSpot"]
    assert "no zone had enough spot stock: pay-as-you-go" in output


def test_a_retired_pinned_image_stops_before_any_create(cloud, inventory):
    cloud.admin.retire_image(PINNED_IMAGE)
    output = failed(play(cloud, inventory, "provision.yml", site_image_id=PINNED_IMAGE))
    assert f"site_image_id: image {PINNED_IMAGE} is not available in region {REGION}" in output
    assert nothing_created(cloud)


def test_a_site_made_on_debian_12_keeps_its_image_when_debian_13_is_the_default(cloud, inventory):
    """site_os chooses a new site's image; a site that exists keeps the one it remembers, whatever site_os says now and
    whatever newer image appears (no replacement of running instances)."""
    succeeded(play(cloud, inventory, "provision.yml", site_zones="auto", site_image_id="", site_os="debian_12"))
    before = {i["InstanceId"]: i["ImageId"] for i in instances(cloud)}
    assert set(before.values()) == {PINNED_IMAGE}
    cloud.admin.publish_image(_newer_image(12, 13))
    cloud.admin.publish_image(_newer_image(13, 9))
    output = succeeded(play(cloud, inventory, "provision.yml", site_zones="auto", site_image_id=""))  # debian_13
    assert {i["InstanceId"]: i["ImageId"] for i in instances(cloud)} == before
    assert "Remembered: web zones" in output
    assert f"image {PINNED_IMAGE} (debian_12, kept: site_os debian_13 chooses the image of a new site" in output


def test_a_bad_site_os_stops_before_any_call_naming_the_variable_and_the_fix(cloud, inventory):
    output = failed(play(cloud, inventory, "provision.yml", site_os="debian_11"))
    assert "site_os: 'debian_11' is not a release the web hosts are built and tested on" in output
    assert "write site_os: debian_13 (Debian 13 (trixie), the default) or debian_12" in output
    assert cloud.admin.requests()["total"] == 0


def test_the_choice_adds_one_call_to_a_no_op_re_run(cloud, inventory):
    output = succeeded(play(cloud, inventory, "provision.yml", site_zones="auto", site_image_id=""))
    # a new site: the newest public image of site_os's release (debian_13, the default)
    assert {i["ImageId"] for i in instances(cloud)} == {NEWEST_DEBIAN_13}
    assert f"image {NEWEST_DEBIAN_13} (debian_13)" in output
    cloud.admin.reset_requests()
    succeeded(
        play(cloud, inventory, HERE / "playbooks" / "first_contact_choice.yml", site_zones="auto", site_image_id="")
    )
    counts = cloud.admin.requests()
    print("calls the choice adds to a no-op re-run:", counts["total"], counts["counts"])
    assert counts["counts"] == {"DescribeVpcs": 1}


def test_a_key_denied_nas_file_systems_fails_the_preflight_naming_the_permission(cloud, inventory):
    cloud.admin.deny(ACCESS_KEY_ID, ["nas:CreateFileSystem"])
    output = failed(play(cloud, inventory, "preflight.yml"))
    assert "nas:CreateFileSystem" in output
    assert "grant the RAM user nas:CreateFileSystem" in output
    assert "Preflight failed: create the master NAS file system in cn-hangzhou-j" in output
    assert nothing_created(cloud)


def test_a_key_denied_cloudmonitor_fails_the_preflight_naming_the_permission(cloud, inventory):
    cloud.admin.deny(ACCESS_KEY_ID, ["cms:*"])
    output = failed(play(cloud, inventory, "preflight.yml"))
    assert "grant the RAM user cms:DescribeMetricRuleList" in output
    assert nothing_created(cloud)


def test_the_preflight_dry_runs_create_nothing_and_it_passes_quickly(cloud, inventory):
    started = time.monotonic()
    output = succeeded(play(cloud, inventory, "preflight.yml"))
    seconds = time.monotonic() - started
    print("preflight wall time: %.1f s" % seconds)
    counts = cloud.admin.requests()["counts"]
    assert counts["CreateVpc"] == 1 and counts["RunInstances"] == 1 and counts["CreateFileSystem"] == 1
    assert "create the VPC" in output and "passed" in output
    assert nothing_created(cloud)
