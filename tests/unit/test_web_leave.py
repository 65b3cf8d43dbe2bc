"""roles/web/files/web_leave.py against a stand-in metadata service on 127.0.0.1 (a test double)."""

import http.server
import importlib.util
import threading
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "roles" / "web" / "files" / "web_leave.py"
spec = importlib.util.spec_from_file_location("web_leave", SCRIPT)
web_leave = importlib.util.module_from_spec(spec)
spec.loader.exec_module(web_leave)

TOKEN = "test-token-1"


class StandIn(http.server.ThreadingHTTPServer):
    """Answers as the metadata service does: the token, and the termination time once `notice` is set."""

    daemon_threads = True
    notice = None
    tokens_required = False
    hang = False


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *_args):
        pass

    def answer(self, status, body=""):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self):
        if self.server.hang:
            time.sleep(5)
        if self.path == "/latest/api/token" and self.headers.get(web_leave.TOKEN_TTL_HEADER):
            return self.answer(200, TOKEN)
        return self.answer(400)

    def do_GET(self):
        if self.server.hang:
            time.sleep(5)
        if self.server.tokens_required and self.headers.get(web_leave.TOKEN_HEADER) != TOKEN:
            return self.answer(401)
        if self.path != "/latest/meta-data/instance/spot/termination-time" or not self.server.notice:
            return self.answer(404)
        return self.answer(200, self.server.notice)


@pytest.fixture
def stand_in():
    server = StandIn(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def leave_for(tmp_path, port, hold=0.5):
    base = f"http://127.0.0.1:{port}/latest"
    config = {
        "termination_time_url": f"{base}/meta-data/instance/spot/termination-time",
        "token_url": f"{base}/api/token",
        "token_ttl": 60,
        "poll_interval": 1,
        "request_timeout": 0.3,
        "hold_seconds": hold,
        "system_state_timeout": 2.0,
        "flag": str(tmp_path / "run" / "leaving"),
    }
    leave = web_leave.Leave(config)
    web_leave.signal.signal(web_leave.signal.SIGALRM, web_leave.raise_poll_timeout)
    return leave, Path(config["flag"])


def test_safe_while_the_item_answers_404(stand_in, tmp_path):
    leave, flag = leave_for(tmp_path, stand_in.server_port)
    leave.tick()
    assert not flag.exists()
    assert leave.notice is None


def test_a_termination_time_fails_the_health_and_stays(stand_in, tmp_path):
    leave, flag = leave_for(tmp_path, stand_in.server_port)
    leave.tick()
    stand_in.notice = "2026-12-01T13:05:00Z"
    leave.tick()
    assert flag.exists()
    assert leave.notice == "2026-12-01T13:05:00Z"
    stand_in.notice = None
    leave.tick()
    assert flag.exists()


def test_hardened_mode_asks_a_token_first(stand_in, tmp_path):
    stand_in.tokens_required = True
    stand_in.notice = "2026-12-01T13:05:00Z"
    leave, flag = leave_for(tmp_path, stand_in.server_port)
    leave.tick()
    assert flag.exists()
    assert leave.token == TOKEN


def test_a_stale_flag_is_cleared_by_a_safe_answer(stand_in, tmp_path):
    leave, flag = leave_for(tmp_path, stand_in.server_port)
    flag.parent.mkdir()
    flag.write_text("left by an earlier run\n")
    leave.tick()
    assert not flag.exists()


def test_no_metadata_service_is_safe(tmp_path, stand_in):
    port = stand_in.server_port
    stand_in.shutdown()
    stand_in.server_close()
    leave, flag = leave_for(tmp_path, port)
    notice, answer = leave.poll()
    assert notice is None and answer.startswith("no answer")
    assert not flag.exists()


def test_a_hung_metadata_service_costs_at_most_the_poll_bound(stand_in, tmp_path):
    stand_in.hang = True
    leave, _flag = leave_for(tmp_path, stand_in.server_port)
    started = time.monotonic()
    notice, answer = leave.poll()
    assert time.monotonic() - started < 2 * 0.3 + 0.3
    assert notice is None and answer.startswith("no answer")


def test_a_shutdown_holds_until_the_clb_had_time_to_notice(stand_in, tmp_path, monkeypatch):
    asked = []  # the bound given to systemd's state: the configuration's
    monkeypatch.setattr(web_leave, "system_is_stopping", lambda timeout: asked.append(timeout) or True)
    leave, flag = leave_for(tmp_path, stand_in.server_port, hold=0.6)
    leave.tick()
    started = time.monotonic()
    with pytest.raises(SystemExit):
        leave.on_stop(15, None)
    assert 0.6 <= time.monotonic() - started < 1.0
    assert flag.exists()
    assert asked == [2.0]


def test_a_shutdown_after_a_notice_holds_only_what_is_left(stand_in, tmp_path, monkeypatch):
    monkeypatch.setattr(web_leave, "system_is_stopping", lambda timeout: True)
    stand_in.notice = "2026-12-01T13:05:00Z"
    leave, flag = leave_for(tmp_path, stand_in.server_port, hold=0.6)
    leave.tick()
    time.sleep(0.4)
    started = time.monotonic()
    with pytest.raises(SystemExit):
        leave.on_stop(15, None)
    assert time.monotonic() - started < 0.4
    assert flag.exists()


def test_a_stop_outside_a_shutdown_does_not_wait_and_clears_the_flag(stand_in, tmp_path, monkeypatch):
    monkeypatch.setattr(web_leave, "system_is_stopping", lambda timeout: False)
    leave, flag = leave_for(tmp_path, stand_in.server_port, hold=5)
    leave.fail_health("test")
    started = time.monotonic()
    with pytest.raises(SystemExit):
        leave.on_stop(15, None)
    assert time.monotonic() - started < 0.5
    assert not flag.exists()


SHUTDOWN_JOB = "echo '412 shutdown.target start waiting'"


@pytest.mark.parametrize(
    ("state", "jobs", "stopping"),
    [
        ("echo stopping", "exit 1", True),
        ("echo running", "true", False),
        ("echo degraded; exit 1", "true", False),
        ("echo starting; exit 1", "true", False),  # a boot with a job that never ends, and a mere stop
        ("echo starting; exit 1", SHUTDOWN_JOB, True),  # a shutdown asked for before the boot finished
        ("echo running", SHUTDOWN_JOB, True),
        ("echo offline; exit 1", "exit 1", True),  # the manager going away during the halt
        ("exit 1", "true", True),  # no answer at all
        ("echo running", "sleep 3", True),  # too slow to answer (a loaded host shutting down): hold
        ("sleep 3", "true", True),
    ],
)
def test_the_shutdown_is_told_by_systemd_and_a_systemd_that_does_not_answer_counts_as_one(
    tmp_path, monkeypatch, capsys, state, jobs, stopping
):
    fake = tmp_path / "systemctl"
    fake.write_text(f'#!/bin/sh\ncase "$1" in\n  is-system-running) {state} ;;\n  list-jobs) {jobs} ;;\nesac\n')
    fake.chmod(0o755)
    monkeypatch.setattr(web_leave, "SYSTEMCTL", str(fake))
    started = time.monotonic()
    assert web_leave.system_is_stopping(timeout=0.5) is stopping
    assert time.monotonic() - started < 2.5
    assert f'"stopping": {str(stopping).lower()}' in capsys.readouterr().out  # the answer is logged


def test_the_shutdown_job_is_asked_by_its_target(tmp_path, monkeypatch):
    asked = tmp_path / "asked"
    fake = tmp_path / "systemctl"
    fake.write_text(f'#!/bin/sh\necho "$@" >> {asked}\n[ "$1" = is-system-running ] && echo running\nexit 0\n')
    fake.chmod(0o755)
    monkeypatch.setattr(web_leave, "SYSTEMCTL", str(fake))
    assert web_leave.system_is_stopping(timeout=0.5) is False
    assert asked.read_text().splitlines() == ["is-system-running", "list-jobs --no-legend --no-pager shutdown.target"]


def test_without_systemctl_it_is_no_shutdown(tmp_path, monkeypatch):
    monkeypatch.setattr(web_leave, "SYSTEMCTL", str(tmp_path / "absent"))
    assert web_leave.system_is_stopping(timeout=0.5) is False
