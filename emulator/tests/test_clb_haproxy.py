"""The HAProxy configuration and server-state file the CLB data plane renders (no HAProxy run here:
test_docker_clb.py runs them)."""

from alicloud_emulator.clb_haproxy import render, server_state
from alicloud_emulator.store import Store

PATHS = {"socket": "/run/admin.sock", "server_state": "/run/server-state"}
CHECKED, UNCHECKED = "clb_lb-1_80", "clb_lb-1_81"
SERVER_STATE_FIELDS = 25


def _store(timeout=5):
    store = Store()
    store.add(
        "load_balancer", "lb-1", {"LoadBalancerId": "lb-1", "LoadBalancerStatus": "active", "Address": "127.0.0.9"}
    )
    store.resources["load_balancer"]["lb-1"]["_backends"] = [
        {"ServerId": "i-old", "Weight": 100},
        {"ServerId": "i-new", "Weight": 50},
    ]
    for port, check in ((80, "on"), (81, "off")):
        listener = {
            "LoadBalancerId": "lb-1",
            "ListenerPort": port,
            "ListenerProtocol": "http",
            "BackendServerPort": 8080,
            "Status": "running",
            "HealthCheck": check,
            "HealthCheckInterval": 2,
            "HealthCheckTimeout": timeout,
            "HealthyThreshold": 3,
            "UnhealthyThreshold": 3,
        }
        store.add("listener", f"lb-1_{port}", listener)
    for number, instance_id in enumerate(("i-old", "i-new"), start=2):
        store.add("instance", instance_id, {"InstanceId": instance_id, "_private_ip": f"10.0.0.{number}"})
    return store


def _lines(state):
    """{(backend, server): fields} of a server-state file, after checking its version line."""
    version, header, *lines = state.splitlines()
    assert version == "1"
    assert header.startswith("# be_id be_name srv_id srv_name") and len(header.split()) == SERVER_STATE_FIELDS + 1
    return {(fields[1], fields[3]): fields for fields in (line.split() for line in lines)}


def test_a_haproxy_started_afresh_gets_every_checked_server_down_and_never_checked():
    lines = _lines(server_state("", render(_store(), PATHS)))
    assert set(lines) == {(CHECKED, "i-old"), (CHECKED, "i-new")}  # the listener without checks has no line
    new = lines[CHECKED, "i-new"]
    assert len(new) == SERVER_STATE_FIELDS
    assert new[4] == "10.0.0.3" and new[18] == "8080"  # address and port as configured (0 would move the server)
    assert new[5] == "0"  # srv_op_state: stopped (DOWN)
    assert (new[10], new[11], new[12]) == ("1", "0", "0")  # check status INI, result unknown, health 0
    assert new[7] == new[8] == "50"  # the configured weight


def test_a_server_haproxy_has_keeps_its_state_and_only_the_new_one_starts_down():
    running = (
        "1\n# be_id be_name srv_id srv_name ...\n"
        f"3 {CHECKED} 1 i-old 10.0.0.2 2 0 100 100 40 15 3 4 6 0 0 0 - 8080 - 0 0 - - 0\n"
        f"3 {CHECKED} 2 i-gone 10.0.0.4 2 0 100 100 40 15 3 4 6 0 0 0 - 8080 - 0 0 - - 0\n"
        f"4 {UNCHECKED} 1 i-old 10.0.0.2 0 0 100 100 40 0 0 0 0 0 0 0 - 8080 - 0 0 - - 0\n\n"
    )
    lines = _lines(server_state(running, render(_store(), PATHS)))
    assert set(lines) == {(CHECKED, "i-old"), (CHECKED, "i-new")}  # nothing for removed or unchecked servers
    assert " ".join(lines[CHECKED, "i-old"]) == running.splitlines()[2]  # carried over as HAProxy saved it
    assert lines[CHECKED, "i-new"][5] == "0"


def test_healthy_threshold_checks_take_about_as_many_intervals_as_on_a_clb():
    # timeout capped at the interval: fastinter 200 ms, so each check after the first counts for 1/10 interval
    assert "fastinter 200ms downinter 2000ms fall 3 rise 21" in render(_store(timeout=5), PATHS)
    # timeout 1 s: fastinter 1 s, half an interval
    assert "fastinter 1000ms downinter 2000ms fall 3 rise 5" in render(_store(timeout=1), PATHS)
