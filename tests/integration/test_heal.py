"""The cloud part of playbooks/heal.yml (release_lost.yml, then provision.yml) against the emulator's in-memory
runtime: a web instance interrupted (its notice running, or over and released) gets a replacement under the same
name, its old backend leaves the CLB, the on-demand base holds, and a heal with nothing to do sends no change."""

import json
import os
import subprocess
import time

import pytest
from alicloud_emulator.testing import sdk_models
from conftest import ANSIBLE_PLAYBOOK, ROOT

SITE = "ha-web"
NAMES = [f"{SITE}-web-1", f"{SITE}-web-2"]
EXTRA = {"site_on_demand_base": 1}


def playbook(emulator, inventory, name, **extra):
    """ansible-playbook playbooks/<name> with the site's variables, an on-demand base of 1 unless `extra` says."""
    extra = dict(EXTRA, alicloud_endpoint_url=f"http://{emulator.endpoint}", **extra)
    argv = [ANSIBLE_PLAYBOOK, "-i", str(inventory), str(ROOT / "playbooks" / name), "-e", json.dumps(extra)]
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    return subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=1500, check=False)


def heal_cloud(emulator, inventory):
    """heal.yml's cloud part; its output."""
    output = ""
    for name in ("release_lost.yml", "provision.yml"):
        done = playbook(emulator, inventory, name)
        assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-3000:]
        output += done.stdout
    return output


def instances(emulator):
    """{name: [instance, ...]} of the web instances the emulator holds."""
    found = {}
    for instance in emulator.admin.state()["instance"].values():
        found.setdefault(instance["InstanceName"], []).append(instance)
    return found


def live(emulator, name):
    """The one instance of the name that is not being released (Recycling)."""
    kept = [i for i in instances(emulator).get(name, []) if not i.get("OperationLocks", {}).get("LockReason")]
    assert len(kept) == 1, instances(emulator).get(name)
    return kept[0]


def backends(emulator):
    """(load balancer ID, its backend servers' IDs as DescribeLoadBalancerAttribute lists them)."""
    (balancer_id,) = emulator.admin.state()["load_balancer"]
    request = sdk_models("slb").DescribeLoadBalancerAttributeRequest(load_balancer_id=balancer_id)
    body = emulator.client("slb").describe_load_balancer_attribute(request).body
    return balancer_id, sorted(b.server_id for b in body.backend_servers.backend_server)


def register_backends(emulator, server_ids):
    balancer_id = backends(emulator)[0]
    servers = json.dumps([{"ServerId": i, "Weight": 100} for i in server_ids])
    emulator.client("slb").add_backend_servers(
        sdk_models("slb").AddBackendServersRequest(load_balancer_id=balancer_id, backend_servers=servers)
    )


def interrupt(emulator, instance_id, notice_seconds):
    return emulator.admin.call("POST", f"/runtime/ecs/{instance_id}/interrupt", {"notice_seconds": notice_seconds})


def wait_gone(emulator, instance_id, timeout=60):
    """Until DescribeInstances no longer lists the instance (the emulator ends a release when it is read)."""
    request = sdk_models("ecs").DescribeInstancesRequest(
        region_id="cn-hangzhou", instance_ids=json.dumps([instance_id])
    )
    deadline = time.monotonic() + timeout
    while emulator.client("ecs").describe_instances(request).body.instances.instance:
        assert time.monotonic() < deadline, f"{instance_id} was not released"
        time.sleep(0.2)


@pytest.mark.parametrize("base", [-1, 3, "one"])
def test_an_on_demand_base_outside_0_to_the_instance_count_fails_before_any_cloud_call(emulator, inventory, base):
    emulator.admin.reset_requests()
    done = playbook(emulator, inventory, "provision.yml", site_on_demand_base=base)
    assert done.returncode != 0
    assert "site_on_demand_base: a whole number from 0 to site_web_instance_count" in done.stdout
    assert emulator.admin.requests()["mutating"] == 0


@pytest.fixture(scope="module")
def site(emulator, inventory):
    """The cloud side with an on-demand base of 1, both instances registered with the CLB."""
    emulator.admin.reset()
    heal_cloud(emulator, inventory)
    register_backends(emulator, [live(emulator, name)["InstanceId"] for name in NAMES])
    return emulator


def test_the_on_demand_base_is_the_first_instance_and_cannot_be_interrupted(site):
    first, second = live(site, NAMES[0]), live(site, NAMES[1])
    assert (first["SpotStrategy"], second["SpotStrategy"]) == ("NoSpot", "SpotAsPriceGo")
    with pytest.raises(Exception, match="409"):
        interrupt(site, first["InstanceId"], 300)


def test_a_heal_with_nothing_lost_sends_no_change(site, inventory):
    site.admin.reset_requests()
    output = heal_cloud(site, inventory)
    assert "nothing to replace" in output
    assert site.admin.requests()["mutating"] == 0


def test_an_instance_in_its_notice_is_replaced_under_its_name_and_leaves_the_clb(site, inventory):
    old = live(site, NAMES[1])["InstanceId"]
    interrupt(site, old, 300)  # 15 s on the fast profile at half scale: still Recycling while the heal runs
    output = heal_cloud(site, inventory)
    assert f"replace {NAMES[1]} ({old}): Recycling" in output
    new = live(site, NAMES[1])
    assert new["InstanceId"] != old
    assert new["SpotStrategy"] == "SpotAsPriceGo"
    assert old not in backends(site)[1]
    wait_gone(site, old)
    assert [i["InstanceId"] for i in instances(site)[NAMES[1]]] == [new["InstanceId"]]
    assert live(site, NAMES[0])["SpotStrategy"] == "NoSpot"


def test_a_released_instance_is_created_again_and_its_backend_removed(site, inventory):
    register_backends(site, [live(site, NAMES[1])["InstanceId"]])
    old = live(site, NAMES[1])["InstanceId"]
    interrupt(site, old, 20)  # 1 s
    wait_gone(site, old)
    output = heal_cloud(site, inventory)
    assert f"create {NAMES[1]}: missing" in output
    new = live(site, NAMES[1])
    assert new["InstanceId"] != old and new["Status"] in ("Pending", "Starting", "Running")
    assert backends(site)[1] == [live(site, NAMES[0])["InstanceId"]]
    assert sorted(instances(site)) == NAMES and all(len(v) == 1 for v in instances(site).values())
