"""`--runtime docker`: every instance's metadata service, a spot interruption's notice in it, and the guard that
keeps the instances from reaching the real metadata service's address.

Needs a Docker engine and the local ECS image (built by tools/build-image.sh if missing).
"""

import re
import subprocess
import time

import pytest
from alicloud_emulator import instance_metadata
from alicloud_emulator.docker_testing import (
    REGION,
    DockerEmulator,
    container_state,
    describe,
    local_image,
    network,
    wait_for,
    wait_status,
)
from alicloud_emulator.instance_metadata import REAL_SERVICE_ADDRESS
from alicloud_emulator.metadata_responder import ADDRESS, PORT
from alicloud_emulator.testing import sdk_models

pytestmark = pytest.mark.timeout(900)
URL = instance_metadata.metadata_url()
TOKEN_URL = URL.rsplit("/", 1)[0] + "/api/token"
TERMINATION_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


@pytest.fixture(scope="module")
def cloud(tmp_path_factory):
    with DockerEmulator(str(tmp_path_factory.mktemp("docker-metadata")), local_image()) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def net(cloud):
    return network(cloud)


def _run(cloud, net, **kwargs):
    ecs, m = cloud.client("ecs"), sdk_models("ecs")
    request = m.RunInstancesRequest(
        region_id=REGION,
        image_id="debian_12_9_x64_20G_alibase_20250117.vhd",
        instance_type="ecs.g7.large",
        v_switch_id=net["vswitch_ids"][0],
        security_group_id=net["group_id"],
        **kwargs,
    )
    instance_id = ecs.run_instances(request).body.instance_id_sets.instance_id_set[0]
    wait_status(cloud, instance_id, "Running", timeout=120)
    return instance_id


@pytest.fixture(scope="module")
def spot(cloud, net):
    return _run(cloud, net, spot_strategy="SpotAsPriceGo", host_name="web-spot")


def _curl(instance_id, url, *options):
    """(HTTP status, body) of a request made inside the instance; status 0 when no connection was made."""
    command = ["docker", "exec", instance_id, "curl", "-s", "-m", "5", "-w", "\n%{http_code}", *options, url]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    body, _, status = done.stdout.rpartition("\n")
    return int(status or 0), body


def _token(instance_id, ttl="60", *headers):
    return _curl(instance_id, TOKEN_URL, "-X", "PUT", "-H", f"X-aliyun-ecs-metadata-token-ttl-seconds: {ttl}", *headers)


def _exec(instance_id, *command):
    done = subprocess.run(["docker", "exec", instance_id, *command], capture_output=True, text=True, check=False)  # noqa: S607
    return done.returncode, done.stdout + done.stderr


def test_the_metadata_answers_as_soon_as_the_instance_is_running(cloud, spot):
    """Running in the API means the responder answers (no wait for the OS to finish booting)."""
    found = describe(cloud, spot)
    expected = {
        "instance-id": spot,
        "region-id": REGION,
        "zone-id": found.zone_id,
        "private-ipv4": found.vpc_attributes.private_ip_address.ip_address[0],
        "hostname": "web-spot",
    }
    assert {item: _curl(spot, f"{URL}/{item}") for item in expected} == {
        item: (200, value) for item, value in expected.items()
    }
    assert _curl(spot, f"{URL}/instance/spot/termination-time")[0] == 404
    assert set(_curl(spot, URL + "/")[1].splitlines()) == {*expected}


def test_hardened_mode_tokens(cloud, spot):
    status, token = _token(spot)
    assert status == 200
    assert token
    assert _curl(spot, f"{URL}/instance-id", "-H", f"X-aliyun-ecs-metadata-token: {token}") == (200, spot)
    assert _curl(spot, f"{URL}/instance-id", "-H", "X-aliyun-ecs-metadata-token: aaa")[0] == 401
    for ttl in ("0", "21601", "soon"):
        assert _token(spot, ttl)[0] == 400
    assert _curl(spot, TOKEN_URL, "-X", "PUT")[0] == 400  # no TTL
    assert _token(spot, "60", "-H", "X-Forwarded-For: 10.0.0.1")[0] == 403
    _, short = _token(spot, "1")
    time.sleep(1.5)
    assert _curl(spot, f"{URL}/instance-id", "-H", f"X-aliyun-ecs-metadata-token: {short}")[0] == 401


def test_an_instance_with_http_tokens_required_answers_only_with_a_token(cloud, net):
    instance_id = _run(cloud, net, http_tokens="required")
    assert _curl(instance_id, f"{URL}/instance-id")[0] == 403
    _, token = _token(instance_id)
    assert _curl(instance_id, f"{URL}/instance-id", "-H", f"X-aliyun-ecs-metadata-token: {token}") == (200, instance_id)
    _delete(cloud, instance_id)


def test_modify_instance_metadata_options_takes_effect_in_the_running_instance(cloud, spot):
    ecs, m = cloud.client("ecs"), sdk_models("ecs")

    def modify(**options):
        request = m.ModifyInstanceMetadataOptionsRequest(region_id=REGION, instance_id=spot, **options)
        ecs.modify_instance_metadata_options(request)

    modify(http_tokens="required")
    assert _curl(spot, f"{URL}/instance-id")[0] == 403
    modify(http_tokens="optional", http_endpoint="disabled")
    wait_for(lambda: _curl(spot, f"{URL}/instance-id")[0] == 0, 30, what="the metadata service stopped")
    modify(http_endpoint="enabled")
    wait_for(lambda: _curl(spot, f"{URL}/instance-id") == (200, spot), 30, what="the metadata service back")


def test_the_metadata_survives_a_stop_and_start_and_old_tokens_do_not(cloud, net):
    instance_id = _run(cloud, net)
    ecs, m = cloud.client("ecs"), sdk_models("ecs")
    _, token = _token(instance_id)
    ecs.stop_instance(m.StopInstanceRequest(instance_id=instance_id))
    wait_status(cloud, instance_id, "Stopped", timeout=120)
    ecs.start_instance(m.StartInstanceRequest(instance_id=instance_id))
    wait_status(cloud, instance_id, "Running", timeout=120)
    assert _curl(instance_id, f"{URL}/instance-id") == (200, instance_id)
    assert _curl(instance_id, f"{URL}/instance-id", "-H", f"X-aliyun-ecs-metadata-token: {token}")[0] == 401
    _delete(cloud, instance_id)


def test_the_real_metadata_address_is_unreachable_inside_an_instance(cloud, spot):
    """The guard: a request meant for the real service fails at once inside the instance, never leaves it."""
    code, route = _exec(spot, "ip", "route", "get", REAL_SERVICE_ADDRESS)
    assert code != 0
    assert "No route to host" in route  # an `unreachable` route: checked before any connection is tried
    started = time.monotonic()
    code, output = _exec(spot, "curl", "-sS", "-m", "5", "http://" + REAL_SERVICE_ADDRESS)
    assert code == 7, output  # could not connect
    assert time.monotonic() - started < 2
    code, listening = _exec(spot, "ss", "-Hltn")
    assert f"{ADDRESS}:{PORT}" in listening
    assert f"0.0.0.0:{PORT}" not in listening
    private_ip = describe(cloud, spot).vpc_attributes.private_ip_address.ip_address[0]
    assert _curl(spot, f"http://{private_ip}:{PORT}/latest/meta-data/instance-id")[0] == 0  # refused


def test_an_interruption_announces_the_termination_time_then_releases_the_instance(cloud, net):
    instance_id = _run(cloud, net, spot_strategy="SpotAsPriceGo")
    answer = cloud.admin.call("POST", f"/runtime/ecs/{instance_id}/interrupt", {"notice_seconds": 60})
    assert answer["ends_in"] == 6.0  # the fast profile: a tenth
    status, when = _curl(instance_id, f"{URL}/instance/spot/termination-time")
    assert status == 200
    assert TERMINATION_TIME.fullmatch(when)
    assert when == instance_metadata.termination_time(answer["ends_at"])
    locks = describe(cloud, instance_id).operation_locks.lock_reason
    assert [lock.lock_reason for lock in locks] == ["Recycling"]
    assert container_state(instance_id) == "running"
    wait_for(lambda: container_state(instance_id) is None, 30, what="the container removed")
    assert time.time() >= answer["ends_at"]


def test_an_interruption_with_stop_behaviour_stops_the_container(cloud, net):
    instance_id = _run(cloud, net, spot_strategy="SpotAsPriceGo", spot_interruption_behavior="Stop")
    cloud.admin.call("POST", f"/runtime/ecs/{instance_id}/interrupt", {"notice_seconds": 20})
    wait_for(lambda: container_state(instance_id) == "exited", 30, what="the container stopped")
    wait_status(cloud, instance_id, "Stopped", timeout=30)
    assert describe(cloud, instance_id).stopped_mode == "StopCharging"
    _delete(cloud, instance_id)


def _delete(cloud, instance_id):
    ecs, m = cloud.client("ecs"), sdk_models("ecs")
    ecs.delete_instance(m.DeleteInstanceRequest(instance_id=instance_id, force=True))
