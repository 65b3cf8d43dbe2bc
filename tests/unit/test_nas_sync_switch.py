"""roles/nas_sync/files/nas_sync_switch.py: how a tick counts its probe (real probe processes, on local disk)."""

import importlib.util
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


def slow_probe(monkeypatch, seconds):
    """The probe script, made to take `seconds` before it does its work (a busy host, or a slow master)."""
    monkeypatch.setattr(nas_sync_switch, "PROBE_SCRIPT", f"sleep {seconds}; " + nas_sync_switch.PROBE_SCRIPT)


def test_a_probe_in_time_is_a_success(switch):
    assert switch.probe_once() == (True, "ok")
    assert switch.probe is None


def test_a_late_probe_that_finished_by_the_next_tick_counts_with_its_result(switch, monkeypatch):
    slow_probe(monkeypatch, 0.5)
    assert switch.probe_once() == (False, "probe not done within 0.2 s")
    time.sleep(0.6)
    assert switch.probe_once() == (True, "late probe: ok")
    assert switch.probe is None  # the next tick probes anew


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
    switch.probe.kill()
    switch.probe.wait()
    ok, reason = switch.probe_once()
    assert not ok and reason.startswith("late probe: probe failed")


def test_ticks_back_to_back_count_a_slow_probe_by_its_age(switch, monkeypatch):
    slow_probe(monkeypatch, 3)
    failed = switch.probe_once()[0] is False
    for _tick in range(8):  # ticks 0.05 s apart, as they come after a late one on a loaded host
        time.sleep(0.05)
        before = time.monotonic() - switch.probe_started
        failed += switch.probe_once()[0] is False
        after = time.monotonic() - switch.probe_started
    # the deadline, then one per interval of age (0.5 s) at the last tick; a count per tick would be 9
    assert 1 + int(before / 0.5) <= failed <= 1 + int(after / 0.5) < 9, (failed, before, after)
    switch.probe.kill()
    switch.probe.wait()


def test_a_late_probe_without_the_sentinel_fails(switch, monkeypatch, tmp_path):
    slow_probe(monkeypatch, 0.3)
    assert switch.probe_once()[0] is False
    (tmp_path / "master" / "www" / ".nas_sync_sentinel").unlink()  # gone before the probe looks
    time.sleep(0.4)
    ok, reason = switch.probe_once()
    assert not ok and reason.startswith("late probe: probe failed")
