"""roles/nas_sync/files/nas_sync_switch.py: how a tick counts its probe (a real prober process, on local disk)."""

import importlib.util
import json
import sys
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "roles" / "nas_sync" / "files" / "nas_sync_switch.py"
spec = importlib.util.spec_from_file_location("nas_sync_switch", SCRIPT)
nas_sync_switch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(nas_sync_switch)


@pytest.fixture
def switch(tmp_path, monkeypatch):
    """A Switch on two local directories taken for mounted shares, with the master's sentinel in place."""
    for name in ("master/www", "master/.nas_sync", "backup/www", "backup/.nas_sync", "state"):
        (tmp_path / name).mkdir(parents=True)
    (tmp_path / "master" / "www" / ".nas_sync_sentinel").touch()
    monkeypatch.setattr(nas_sync_switch, "is_mounted", lambda _path: True)
    config = {
        "host": "web-1",
        "master_path": str(tmp_path / "master"),
        "backup_path": str(tmp_path / "backup"),
        "site_dir": "www",
        "sentinel": ".nas_sync_sentinel",
        "state_dir": str(tmp_path / "state"),
        "mode": "read_only",
        "probe_deadline": 0.2,
        "probe_interval": 0.5,
        "probe_kill_timeout": 3,
    }
    return nas_sync_switch.Switch(config)


SLOW_PROBER = """
import importlib.util, sys, time
spec = importlib.util.spec_from_file_location("nas_sync_switch", sys.argv[1])
switch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(switch)
print("ready", flush=True)
for line in sys.stdin:
    time.sleep(float(sys.argv[2]))
    sys.stdout.write(switch.prober_answer(line))
    sys.stdout.flush()
"""


def slow_probe(monkeypatch, seconds):
    """A prober that takes `seconds` before it does each probe's work (a busy host, or a slow master)."""
    monkeypatch.setattr(nas_sync_switch, "PROBER_ARGV", [sys.executable, "-c", SLOW_PROBER, str(SCRIPT), str(seconds)])


def test_a_probe_in_time_is_a_success(switch):
    assert switch.probe_once() == (True, "ok")
    assert switch.probe_token is None
    prober = switch.prober
    assert switch.probe_once() == (True, "ok")
    assert switch.prober is prober  # one prober for every probe: no process started per probe


def test_a_late_probe_that_finished_by_the_next_tick_counts_with_its_result(switch, monkeypatch):
    slow_probe(monkeypatch, 0.5)
    assert switch.probe_once() == (False, "probe not done within 0.2 s")
    time.sleep(0.6)
    assert switch.probe_once() == (True, "late probe: ok")
    assert switch.probe_token is None  # the next tick probes anew


def test_a_probe_still_running_counts_once_more_each_interval_of_its_age(switch, monkeypatch):
    """Not once per tick: on a loaded host ticks come late and then back to back (fall 3: switched once a probe has run
    2 intervals, never after 0.3 s of back-to-back ticks)."""
    slow_probe(monkeypatch, 3)
    assert switch.probe_once() == (False, "probe not done within 0.2 s")
    assert switch.probe_once()[0] is None  # a tick at once after: 0.2 s old, not yet an interval
    time.sleep(0.5 - (time.monotonic() - switch.probe_started))
    assert switch.probe_once() == (False, "previous probe still running")  # 0.5 s old
    assert switch.probe_once()[0] is None
    time.sleep(1.0 - (time.monotonic() - switch.probe_started))
    assert switch.probe_once() == (False, "previous probe still running")  # 1 s old


def test_a_probe_unanswered_for_the_kill_timeout_has_its_prober_killed_and_the_next_probe_starts_another(
    switch, monkeypatch
):
    slow_probe(monkeypatch, 30)  # a prober stuck on a hung share
    switch.config["probe_kill_timeout"] = 1
    assert switch.probe_once()[0] is False
    stuck = switch.prober
    time.sleep(1.0 - (time.monotonic() - switch.probe_started))
    assert switch.probe_once() == (False, "probe not answered in 1 s, its prober killed")
    assert stuck.wait(timeout=5) == -9 and switch.prober is None
    monkeypatch.setattr(nas_sync_switch, "PROBER_ARGV", [sys.executable, str(SCRIPT), "--prober"])
    assert switch.probe_once() == (True, "ok")


def test_a_prober_that_died_with_a_probe_in_flight_fails_it_and_the_next_probe_starts_another(switch, monkeypatch):
    slow_probe(monkeypatch, 30)
    assert switch.probe_once()[0] is False
    switch.prober.kill()
    switch.prober.wait()
    assert switch.probe_once() == (False, "late probe: the prober exited")
    monkeypatch.setattr(nas_sync_switch, "PROBER_ARGV", [sys.executable, str(SCRIPT), "--prober"])
    assert switch.probe_once() == (True, "ok")


def test_a_prober_not_ready_within_the_kill_timeout_is_killed_and_the_probe_fails(switch, monkeypatch):
    monkeypatch.setattr(nas_sync_switch, "PROBER_ARGV", [sys.executable, "-c", "import time; time.sleep(30)"])
    switch.config["probe_kill_timeout"] = 1
    assert switch.probe_once() == (False, "the prober could not be started or asked")
    assert switch.prober is None and switch.killed_probers[0].wait(timeout=5) == -9


def test_a_probe_counts_at_the_tick_an_interval_after_its_own_though_it_began_a_little_after_it(switch, monkeypatch):
    """The tick after comes an interval after the tick that started the probe, so a few ms short of an interval."""
    slow_probe(monkeypatch, 3)
    assert switch.probe_once()[0] is False
    time.sleep(0.47 - (time.monotonic() - switch.probe_started))
    assert switch.probe_once() == (False, "previous probe still running")


def test_a_prober_line_that_is_no_answer_fails_the_probe_and_the_next_probe_starts_another(switch, monkeypatch):
    garbled = "import sys\nprint('ready', flush=True)\nsys.stdin.readline()\nprint('{\"rea', flush=True)\n"
    monkeypatch.setattr(nas_sync_switch, "PROBER_ARGV", [sys.executable, "-c", garbled])
    assert switch.probe_once() == (False, "the prober answered something else than an answer")
    assert switch.prober is None
    monkeypatch.setattr(nas_sync_switch, "PROBER_ARGV", [sys.executable, str(SCRIPT), "--prober"])
    assert switch.probe_once() == (True, "ok")


def test_ticks_back_to_back_count_a_slow_probe_by_its_age(switch, monkeypatch):
    slow_probe(monkeypatch, 3)
    failed = switch.probe_once()[0] is False
    for _tick in range(8):  # ticks 0.05 s apart, as they come after a late one on a loaded host
        time.sleep(0.05)
        before = time.monotonic() - switch.probe_started
        failed += switch.probe_once()[0] is False
        after = time.monotonic() - switch.probe_started
    # the deadline, then one per interval of age (0.5 s) at the last tick; a count per tick would be 9
    # (a tenth of an interval short counts too: nas_sync_switch.AGE_SLACK)
    assert 1 + int(before / 0.5) <= failed <= 1 + int((after + 0.05) / 0.5) < 9, (failed, before, after)


def test_a_late_probe_without_the_sentinel_fails(switch, monkeypatch, tmp_path):
    slow_probe(monkeypatch, 0.3)
    assert switch.probe_once()[0] is False
    (tmp_path / "master" / "www" / ".nas_sync_sentinel").unlink()  # gone before the probe looks
    time.sleep(0.4)
    ok, reason = switch.probe_once()
    assert not ok and reason.startswith("late probe: probe failed: no sentinel"), reason


def test_the_prober_answers_what_it_read_back_or_the_error(tmp_path):
    sentinel, probe_file = tmp_path / "sentinel", tmp_path / "probe"
    request = json.dumps({"token": "web-1 1", "probe_file": str(probe_file), "sentinel": str(sentinel)})
    assert json.loads(nas_sync_switch.prober_answer(request)) == {"error": f"no sentinel {sentinel}"}
    sentinel.touch()
    assert json.loads(nas_sync_switch.prober_answer(request)) == {"read": "web-1 1"}
    assert probe_file.read_text() == "web-1 1" and not (tmp_path / "probe.tmp").exists()


def test_a_failover_in_read_only_mode_publishes_the_state_before_the_fence_would_refuse_it(switch, monkeypatch):
    calls = []
    monkeypatch.setattr(switch, "publish", lambda state: calls.append(f"publish {state}"))
    monkeypatch.setattr(switch, "remount_backup", lambda access: calls.append(f"remount {access}"))
    monkeypatch.setattr(switch, "point_docroot_at", lambda target: calls.append(f"serve {target}"))
    monkeypatch.setattr(nas_sync_switch, "run", lambda argv, _timeout: calls.append(" ".join(argv[:2])) or (True, ""))
    switch.fail_over("a test")
    assert calls == ["publish failover", "remount ro", f"serve {switch.backup_site}", "systemctl stop"], calls


def test_a_failover_in_read_write_mode_serves_the_backup_first_and_publishes_after(switch, monkeypatch):
    switch.config["mode"] = "read_write"
    calls = []
    monkeypatch.setattr(switch, "publish", lambda state: calls.append(f"publish {state}"))
    monkeypatch.setattr(switch, "point_docroot_at", lambda target: calls.append(f"serve {target}"))
    monkeypatch.setattr(nas_sync_switch, "run", lambda argv, _timeout: calls.append(" ".join(argv[:2])) or (True, ""))
    switch.fail_over("a test")
    assert calls == [f"serve {switch.backup_site}", "systemctl stop", "publish failover"], calls
