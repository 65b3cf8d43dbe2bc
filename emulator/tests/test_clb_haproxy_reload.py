"""The CLB data plane's reloads, with a real HAProxy (no Docker): a reload is done only when a new worker serves
the new configuration, a reload signal that brought no new worker is sent again, and a configuration that failed
to apply is tried again, unless HAProxy refused it; a server the running HAProxy does not have yet is never reported
healthy, nor one that the reload under way starts over. A high port on an address of its own disturbs nothing else."""

import http.server
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


def _answering(port):
    """An HTTP server on ADDRESS:port that answers 200 to everything (health checks included), on a thread."""
    handler = type("Answer", (http.server.BaseHTTPRequestHandler,), {"do_GET": _ok, "do_HEAD": _ok})
    handler.log_message = lambda *_args: None
    server = http.server.ThreadingHTTPServer((ADDRESS, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _ok(handler):
    handler.send_response(200)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def test_a_server_the_reload_starts_over_is_not_normal_while_the_old_worker_calls_it_up(clb, monkeypatch):
    """A scale-out (two servers added) then a weight change a moment later: the second reload starts the new
    servers over from the state read when it began. The master may take seconds to start the new worker on a
    loaded machine, and meanwhile the old worker's checks pass and call them UP. DescribeHealthStatus said normal
    then, and a loaded fresh run's verify saw only the old servers: the new worker had them DOWN."""
    backend_port = PORT + 1
    answering = _answering(backend_port)
    store = _store()
    store.resources["listener"]["lb-1_http"].update(
        HealthCheck="on", HealthCheckInterval=1, HealthCheckTimeout=1, HealthyThreshold=4,  # UP in about 3 s
        BackendServerPort=backend_port,
    )  # fmt: skip
    for instance_id in ("i-old", "i-new"):
        store.add("instance", instance_id, {"InstanceId": instance_id, "_private_ip": ADDRESS})
    backends = store.resources["load_balancer"]["lb-1"]["_backends"] = [{"ServerId": "i-old", "Weight": 100}]
    section = clb_haproxy.section_name("lb-1", PORT)
    try:
        _apply(clb, store)
        wait_for(lambda: clb.health("lb-1", PORT, "i-old") == "normal", 20, 0.1, what="i-old normal")
        backends.append({"ServerId": "i-new", "Weight": 100})
        _apply(clb, store)  # the scale-out: i-new checked from scratch by this worker
        real_kill, master_slow = clb_haproxy.os.kill, threading.Event()

        def kill(pid, number):  # the master starts the next worker only once the old one has called i-new UP
            if number == signal.SIGUSR2:
                master_slow.wait(30)
            real_kill(pid, number)

        monkeypatch.setattr(clb_haproxy.os, "kill", kill)
        backends[0]["Weight"] = 50
        clb.update(store)  # the weight change: its reload reads i-new's state now, never checked
        seen = []
        try:
            wait_for(lambda: clb.stats().get((section, "i-new"), {}).get("status") == "UP", 20, 0.05,
                     what="the old worker's checks to call i-new UP")  # fmt: skip
            seen = [clb.health("lb-1", PORT, "i-new") for _ in range(10)]
        finally:
            master_slow.set()
        assert seen and "normal" not in seen, seen
        assert clb.wait_applied(40)
        new_worker_view = clb.stats()
        assert new_worker_view[(section, "i-old")]["weight"] == "50"  # the new configuration is live
        assert new_worker_view[(section, "i-new")]["status"].startswith("DOWN")  # and starts i-new over
        assert clb.health("lb-1", PORT, "i-new") in ("unavailable", "abnormal")
        wait_for(lambda: clb.health("lb-1", PORT, "i-new") == "normal", 20, 0.1, what="i-new normal again")
        assert clb.stats()[(section, "i-new")]["status"] == "UP"
    finally:
        answering.shutdown()
        answering.server_close()
