"""The cloud part of a scale-out and a scale-in (site_web_instance_count 2 -> 4 -> 2) against the emulator's
in-memory runtime: provision.yml adds web-3 and web-4 in the zones with fewer; release_surplus.yml drains them on the
CLB (weight 0), takes them out of it and only then releases them, keeping web-1 and web-2; run again it sends no
change. The hosts are never contacted (the drain runs on the controller), so the ECS inventory points at the
emulator without a reachable host."""

import json
import os
import shutil
import subprocess

import pytest
from alicloud_emulator.testing import sdk_models
from conftest import ANSIBLE_PLAYBOOK, ROOT

SITE = "ha-web"


def names(count):
    return [f"{SITE}-web-{n}" for n in range(1, count + 1)]


@pytest.fixture(scope="module")
def inventory(emulator, tmp_path_factory):
    """inventories/local pointed at the test's emulator (its ECS inventory lists the web instances)."""
    directory = tmp_path_factory.mktemp("inventory") / "local"
    shutil.copytree(ROOT / "inventories" / "local", directory)
    source = directory / "ecs.alicloud_ecs.yml"
    source.write_text(source.read_text().replace("http://127.0.0.1:18080", f"http://{emulator.endpoint}"))
    return directory


def playbook(emulator, inventory, name, count):
    """ansible-playbook playbooks/<name> with site_web_instance_count `count`; it must succeed. Its output."""
    extra = {"alicloud_endpoint_url": f"http://{emulator.endpoint}", "site_web_instance_count": count}
    extra["clb_backends_drain_seconds"] = 1
    argv = [ANSIBLE_PLAYBOOK, "-i", str(inventory), str(ROOT / "playbooks" / name), "-e", json.dumps(extra)]
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=1500, check=False)
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-3000:]
    return done.stdout


def web_instances(emulator):
    """{name: instance} of the web instances the emulator holds."""
    return {i["InstanceName"]: i for i in emulator.admin.state()["instance"].values()}


def backends(emulator):
    """(load balancer ID, {server ID: weight} as DescribeLoadBalancerAttribute lists them)."""
    (balancer_id,) = emulator.admin.state()["load_balancer"]
    request = sdk_models("slb").DescribeLoadBalancerAttributeRequest(load_balancer_id=balancer_id)
    body = emulator.client("slb").describe_load_balancer_attribute(request).body
    return balancer_id, {b.server_id: b.weight for b in body.backend_servers.backend_server}


def register(emulator, server_ids):
    balancer_id = backends(emulator)[0]
    servers = json.dumps([{"ServerId": i, "Weight": 100} for i in server_ids])
    emulator.client("slb").add_backend_servers(
        sdk_models("slb").AddBackendServersRequest(load_balancer_id=balancer_id, backend_servers=servers)
    )


def zones(instances):
    """{zone: [names]}."""
    found = {}
    for name, instance in sorted(instances.items()):
        found.setdefault(instance["ZoneId"], []).append(name)
    return found


@pytest.fixture(scope="module")
def site(emulator, inventory):
    """The cloud side with 2 web instances, both registered with the CLB."""
    emulator.admin.reset()
    playbook(emulator, inventory, "provision.yml", 2)
    register(emulator, [i["InstanceId"] for i in web_instances(emulator).values()])
    return emulator


@pytest.fixture(scope="module")
def scaled_out(site, inventory):
    """The site scaled out from 2 to 4 web instances: (the instances before, after). A fixture, so that the scale-in
    test has it too when pytest-xdist runs it on another worker than the scale-out test."""
    before = web_instances(site)
    playbook(site, inventory, "provision.yml", 4)
    return before, web_instances(site)


def test_a_scale_out_adds_the_instances_in_the_zones_with_fewer(scaled_out):
    before, after = scaled_out
    assert sorted(before) == names(2) and len(zones(before)) == 2
    assert sorted(after) == names(4)
    assert {name: after[name]["InstanceId"] for name in names(2)} == {n: i["InstanceId"] for n, i in before.items()}
    assert sorted(len(members) for members in zones(after).values()) == [2, 2], zones(after)


def test_a_scale_in_drains_the_surplus_then_takes_it_out_of_the_clb_then_releases_it(site, inventory, scaled_out):
    register(site, [scaled_out[1][name]["InstanceId"] for name in names(4)[2:]])
    before = web_instances(site)
    output = playbook(site, inventory, "release_surplus.yml", 2)
    for name in names(4)[2:]:
        assert f"scale in: release {name} ({before[name]['InstanceId']}) in {before[name]['ZoneId']}" in output
    register_task = "TASK [ha_web.alicloud.clb_backends : Register, drain or remove the hosts]"
    drain = output.index(register_task)
    drained = output.index("TASK [ha_web.alicloud.clb_backends : Let the drained hosts finish their requests")
    removed = output.index(register_task, drained)
    released = output.index("TASK [Release them (out of the load balancer already)]")
    assert drain < drained < removed < released
    assert "changed:" in output[drain:drained] and "Pausing for 1 seconds" in output[drained:removed]
    assert "changed:" in output[removed:released]
    after = web_instances(site)
    assert sorted(after) == names(2)
    assert backends(site)[1] == {after[name]["InstanceId"]: 100 for name in names(2)}
    assert len(zones(after)) == 2


def test_a_scale_in_with_nothing_surplus_sends_no_change(site, inventory):
    count = len(web_instances(site))  # 2 or 4, whichever tests this xdist worker ran before
    site.admin.reset_requests()
    output = playbook(site, inventory, "release_surplus.yml", count)
    assert "nothing surplus" in output
    assert site.admin.requests()["mutating"] == 0
