"""`--runtime docker` through the real SDK: instances are systemd containers on their VPC's network.

Needs a Docker engine (tools/docker-engine.sh) and the local ECS image (built by tools/build-image.sh if
missing). Every container and network is removed even when a test fails (DockerEmulator's exit).
"""

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from alicloud_emulator.docker_runtime import docker, image_id
from alicloud_emulator.docker_testing import (
    BLOCK_RESERVATIONS,
    DEBIAN_12,
    DEBIAN_13,
    REGION,
    DockerEmulator,
    container_state,
    describe,
    foreign_objects,
    free_block,
    local_image,
    network,
    run_instance,
    wait_for,
    wait_status,
    wait_systemd,
)
from alicloud_emulator.testing import sdk_models

pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def image():
    return local_image()


@pytest.fixture(scope="module")
def cloud(image, tmp_path_factory):
    with DockerEmulator(str(tmp_path_factory.mktemp("docker-emulator")), image) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def net(cloud):
    return network(cloud)


@pytest.fixture(autouse=True)
def no_runtime_errors(request):
    """Every container operation of the test succeeded (a failure shows docker's own message)."""
    cloud = request.getfixturevalue("cloud") if "cloud" in request.fixturenames else None
    before = len(cloud.admin.call("GET", "/runtime/errors")["errors"]) if cloud else 0
    yield
    if cloud:
        assert cloud.admin.call("GET", "/runtime/errors")["errors"][before:] == []


def _crash(cloud, instance_id):
    return cloud.admin.call("POST", f"/runtime/instances/{instance_id}/crash")


def _install_nginx(instance_id):
    script = "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null"
    return subprocess.Popen(["docker", "exec", instance_id, "sh", "-c", script])  # noqa: S607


def _http_get(address):
    with urllib.request.urlopen(f"http://{address}/", timeout=5) as answer:
        return answer.status, answer.read().decode()


def test_the_local_image_is_listed(cloud, image):
    ecs, m = cloud.client("ecs"), sdk_models("ecs")
    found = ecs.describe_images(m.DescribeImagesRequest(region_id=REGION, image_id=image_id(image))).body
    assert [i.image_id for i in found.images.image] == [image_id(image)]
    assert found.images.image[0].image_owner_alias == "self"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", found.images.image[0].creation_time)


def test_two_instances_run_systemd_and_serve_nginx_then_one_stops(cloud, net, image):
    web1 = run_instance(cloud, net, 0, host_name="web-1", image_id=image_id(image))
    web2 = run_instance(cloud, net, 1, host_name="web-2")
    for instance_id, host_name in ((web1, "web-1"), (web2, "web-2")):
        wait_status(cloud, instance_id, "Running")
        wait_systemd(instance_id)
        inside = json.loads(docker("inspect", instance_id))[0]
        assert inside["Config"]["Hostname"] == host_name
        assert inside["Config"]["Labels"]["ha-web.emulator"] == cloud.owner
        described = describe(cloud, instance_id)
        networks = list(inside["NetworkSettings"]["Networks"].values())
        assert [n["IPAddress"] for n in networks] == described.vpc_attributes.private_ip_address.ip_address
    installs = [_install_nginx(web1), _install_nginx(web2)]
    assert [p.wait(timeout=600) for p in installs] == [0, 0]
    addresses = {i: describe(cloud, i).vpc_attributes.private_ip_address.ip_address[0] for i in (web1, web2)}
    for address in addresses.values():
        status, page = wait_for(lambda a=address: _try_get(a), 30, what=f"nginx at {address}")
        assert status == 200 and "nginx" in page

    ecs, m = cloud.client("ecs"), sdk_models("ecs")
    ecs.stop_instance(m.StopInstanceRequest(instance_id=web1))
    wait_status(cloud, web1, "Stopped")
    wait_for(lambda: container_state(web1) == "exited", 60, what="web-1's container to stop")
    assert container_state(web2) == "running"
    assert _http_get(addresses[web2])[0] == 200

    ecs.start_instance(m.StartInstanceRequest(instance_id=web1))
    wait_status(cloud, web1, "Running")
    wait_systemd(web1)
    assert wait_for(lambda: _try_get(addresses[web1]), 30, what="nginx again on web-1")[0] == 200  # enabled unit


def _try_get(address):
    try:
        return _http_get(address)
    except OSError:
        return None


def test_a_crashed_instance_reports_stopped_and_can_be_started(cloud, net):
    instance_id = run_instance(cloud, net, 0)
    wait_status(cloud, instance_id, "Running")
    wait_systemd(instance_id)
    assert _crash(cloud, instance_id)["crashed"] is True
    assert container_state(instance_id) == "exited"
    wait_status(cloud, instance_id, "Stopped", timeout=5)
    with pytest.raises(urllib.error.HTTPError) as refused:
        _crash(cloud, instance_id)
    assert refused.value.code == 409
    ecs, m = cloud.client("ecs"), sdk_models("ecs")
    ecs.start_instance(m.StartInstanceRequest(instance_id=instance_id))
    wait_status(cloud, instance_id, "Running")
    wait_systemd(instance_id)


def test_reboot_restarts_and_delete_removes_the_container(cloud, net):
    instance_id = run_instance(cloud, net, 1)
    wait_status(cloud, instance_id, "Running")
    wait_systemd(instance_id)
    booted = docker("inspect", "--format", "{{.State.StartedAt}}", instance_id)
    ecs, m = cloud.client("ecs"), sdk_models("ecs")
    ecs.reboot_instance(m.RebootInstanceRequest(instance_id=instance_id))
    wait_for(
        lambda: docker("inspect", "--format", "{{.State.StartedAt}}", instance_id) != booted, 60, what="the restart"
    )
    wait_status(cloud, instance_id, "Running")
    wait_systemd(instance_id)
    ecs.delete_instance(m.DeleteInstanceRequest(instance_id=instance_id, force=True))
    wait_for(lambda: container_state(instance_id) is None, 60, what="the container to be removed")


def test_down_removes_its_containers_and_networks_and_nothing_else(image, tmp_path):
    state_dir = str(tmp_path / "state")
    foreign = foreign_objects(image)
    try:
        with DockerEmulator(state_dir, image) as emulator:
            instance_id = run_instance(emulator, network(emulator), 0, host_name="web-1")
            wait_status(emulator, instance_id, "Running")
            wait_for(lambda: container_state(instance_id) == "running", 60, what="the container")
            label = f"label=ha-web.emulator={emulator.owner}"
            assert docker("network", "ls", "-q", "--filter", label).split()
            assert emulator.down() == 0
            assert docker("ps", "-aq", "--filter", label).split() == []
            assert docker("network", "ls", "-q", "--filter", label).split() == []
            assert container_state(foreign) == "created"
            assert docker("network", "ls", "-q", "--filter", f"name=^{foreign}$").split()
        with DockerEmulator(state_dir, image) as emulator:  # the state still says Running: it comes back
            wait_for(lambda: container_state(instance_id) == "running", 60, what="the container again")
            address = describe(emulator, instance_id).vpc_attributes.private_ip_address.ip_address
            inside = json.loads(docker("inspect", instance_id))[0]
            assert [n["IPAddress"] for n in inside["NetworkSettings"]["Networks"].values()] == address
            assert inside["Config"]["Hostname"] == "web-1"
    finally:
        docker("rm", "-f", foreign)
        docker("network", "rm", foreign)


def test_concurrent_choosers_of_a_free_block_never_get_the_same_one():
    """free_block (a test site's VPC CIDR) is chosen long before the site's network exists: choosers in parallel
    processes, started at once and all alive, each get a block of their own; a block reserved by a process that ended
    is free again. (A chooser holds its block until it is told to end: one that ended before another chose has given
    its block back, and the other may then draw it by design.)"""
    choose = (
        "import sys; from alicloud_emulator.docker_testing import free_block;"
        " print(free_block(), flush=True); sys.stdin.read()"
    )
    choosers = [
        subprocess.Popen([sys.executable, "-c", choose], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _chooser in range(6)
    ]
    try:
        blocks = [chooser.stdout.readline().strip() for chooser in choosers]
    finally:
        for chooser in choosers:
            chooser.communicate(timeout=120)
    assert all(re.fullmatch(r"10\.\d+\.0\.0/16", block) for block in blocks), blocks
    assert len(set(blocks)) == len(blocks), blocks
    free_block()  # a choice clears the reservations of processes that ended
    held = {path.name: path.read_text() for path in BLOCK_RESERVATIONS.iterdir() if path.name.isdigit()}
    assert all(held.get(block.split(".")[1], str(os.getpid())) == str(os.getpid()) for block in blocks), held


def test_each_instance_runs_the_local_image_of_its_images_release(tmp_path):
    """Started with a Debian 13 and a Debian 12 image, the runtime boots each instance from the one its ECS image's
    release names, as the cloud boots the image's OS; the first image given serves an image of any other release."""
    images = [local_image("trixie"), local_image("bookworm")]
    with DockerEmulator(str(tmp_path / "state"), images) as emulator:
        net = network(emulator)
        ecs, m = emulator.client("ecs"), sdk_models("ecs")
        listed = ecs.describe_images(m.DescribeImagesRequest(region_id=REGION, image_owner_alias="self")).body
        assert sorted(i.image_family for i in listed.images.image) == ["ha-web-debian12-ecs", "ha-web-debian13-ecs"]
        started = {
            "13": run_instance(emulator, net, 0, image_id=DEBIAN_13, metadata=False),
            "12": run_instance(emulator, net, 1, image_id=DEBIAN_12, metadata=False),
            "other": run_instance(
                emulator, net, 0, image_id="ubuntu_22_04_x64_20G_alibase_20250113.vhd", metadata=False
            ),
        }
        for instance_id in started.values():
            wait_status(emulator, instance_id, "Running")
        versions = {
            key: docker("exec", instance_id, "sh", "-c", ". /etc/os-release && echo $VERSION_ID").strip()
            for key, instance_id in started.items()
        }
        assert versions == {"13": "13", "12": "12", "other": "13"}
        assert json.loads(docker("inspect", started["12"]))[0]["Config"]["Image"] == images[1]
