"""The CLB data plane's reloads, with a real HAProxy (no Docker): a reload is done only when a new worker serves
the new configuration, a reload signal that brought no new worker is sent again, and a configuration that failed
to apply is tried again, unless HAProxy refused it; a server the running HAProxy does not have yet is never reported
healthy. A high port on an address of its own disturbs nothing else."""

import signal
import socket
import subprocess
import threading
import time

import pytest
from alicloud_emulator import clb_haproxy
from alicloud_emulator.clb_haproxy import HaproxyClb
from alicloud_emulator.docker_testing import wait_for
from alicloud_emulator.store import Store

ADDRESS, PORT = "127.0.0.252", 18081


@pytest.fixture
def logged():
    return []


@pytest.fixture
def clb(tmp_path, logged):
    haproxy = HaproxyClb(str(tmp_path), addresses=f"{ADDRESS}-{ADDRESS}", log=logged.append)
    yield haproxy
    haproxy.close(remove=True)


def _store(status="running"):
    store = Store()
    store.add("load_balancer", "lb-1", {"LoadBalancerId": "lb-1", "LoadBalancerStatus": "active", "Address": ADDRESS})
    store.add(
        "listener",
        "lb-1_http",
        {"LoadBalancerId": "lb-1", "Status": status, "HealthCheck": "off", "ListenerPort": PORT,
         "ListenerProtocol": "http", "BackendServerPort": 80},
    )  # fmt: skip
    return store


def _serving():
    with socket.socket() as client:
        client.settimeout(2)
        return client.connect_ex((ADDRESS, PORT)) == 0


def _apply(clb, store):
    clb.update(store)
    assert clb.wait_applied(40)


def test_a_reload_signal_that_brought_no_new_worker_is_sent_again(clb, monkeypatch):
    _apply(clb, _store())
    assert _serving()
    real_kill, dropped = clb_haproxy.os.kill, []

    def kill(pid, number):  # the first SIGUSR2 is lost, as one sent while the master re-executes itself may be
        if number == signal.SIGUSR2 and not dropped:
            dropped.append(pid)
            return
        real_kill(pid, number)

    monkeypatch.setattr(clb_haproxy.os, "kill", kill)
    monkeypatch.setattr(clb_haproxy, "START_TIMEOUT", 2.0)
    worker = clb._worker_pid()
    _apply(clb, _store(status="stopped"))
    assert len(dropped) == 1
    assert clb._worker_pid() not in (None, worker)
    assert not _serving()


def test_a_configuration_that_failed_to_apply_is_tried_again(clb, logged, monkeypatch):
    _apply(clb, _store())
    real_servers_state, failures = clb._servers_state, []

    def servers_state():
        if not failures:
            failures.append(1)
            raise RuntimeError("could not read the servers' state, kept the previous configuration")
        return real_servers_state()

    monkeypatch.setattr(clb, "_servers_state", servers_state)
    monkeypatch.setattr(clb_haproxy, "RETRY_DELAY", 0.2)
    _apply(clb, _store(status="stopped"))
    wait_for(lambda: not _serving(), 10, 0.1, what="the stopped listener to stop serving")
    assert not _serving()
    assert logged == ["haproxy: could not read the servers' state, kept the previous configuration"]


def test_a_configuration_haproxy_refused_waits_for_the_next_change(clb, logged, monkeypatch):
    checks = []

    def haproxy(*args):
        if args[0] == "-c":
            checks.append(args)
            return subprocess.CompletedProcess(args, 1, "", "[ALERT] parsing: unknown keyword")
        raise AssertionError("nothing refused is started")

    monkeypatch.setattr(clb_haproxy, "_haproxy", haproxy)
    monkeypatch.setattr(clb_haproxy, "RETRY_DELAY", 0.1)
    _apply(clb, _store())
    time.sleep(0.5)
    assert len(checks) == 1
    assert logged == ["haproxy: configuration refused, kept the previous one: [ALERT] parsing: unknown keyword"]
    assert not _serving()


def test_a_server_haproxy_does_not_have_yet_is_unavailable_never_normal(clb, monkeypatch):
    """DescribeHealthStatus reads HAProxy. While the reload that adds a server is under way (seconds on a loaded
    machine), HAProxy sends it nothing, so it is unavailable; it once fell back to the control plane's clock and
    read normal, and a scale-out's wait for normal passed while every request still went to the old servers."""
    store = _store()
    store.resources["listener"]["lb-1_http"].update(HealthCheck="on", HealthCheckInterval=1, HealthCheckTimeout=1)
    for instance_id in ("i-old", "i-new"):  # nothing listens on their port: their checks fail, on loopback only
        store.add("instance", instance_id, {"InstanceId": instance_id, "_private_ip": "127.0.0.1"})
    store.resources["load_balancer"]["lb-1"]["_backends"] = [{"ServerId": "i-old", "Weight": 100}]
    _apply(clb, store)
    section = clb_haproxy.section_name("lb-1", PORT)
    real_apply, held = clb._apply, threading.Event()

    def slow_apply(*wanted):
        held.wait(30)
        real_apply(*wanted)

    monkeypatch.setattr(clb, "_apply", slow_apply)
    store.resources["load_balancer"]["lb-1"]["_backends"].append({"ServerId": "i-new", "Weight": 100})
    clb.update(store)
    try:
        time.sleep(0.5)
        assert (section, "i-old") in clb.stats() and (section, "i-new") not in clb.stats()
        assert clb.health("lb-1", PORT, "i-new") == "unavailable"
    finally:
        held.set()
    assert clb.wait_applied(40)
    assert (section, "i-new") in clb.stats()
    assert clb.health("lb-1", PORT, "i-new") in ("unavailable", "abnormal")
