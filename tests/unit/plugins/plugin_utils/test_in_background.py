"""A background job forked from the worker: the job file async_status reads, the result the module printed, the time
limit, and a worker left with no child of its own."""

import json
import os
import time

import pytest
from ansible_collections.ha_web.alicloud.plugins.module_utils import locks
from ansible_collections.ha_web.alicloud.plugins.plugin_utils import in_background


def _finished(job_path, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(job_path) as job_file:
            data = json.load(job_file)
        if "started" not in data:  # async_status: a result without "started" is the finished job's
            return data
        time.sleep(0.05)
    raise AssertionError("the job did not finish within %s s" % timeout)


def _no_child_left():
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_a_job_says_it_started_then_writes_the_module_result(tmp_path):
    started = in_background.start("ansible.modules.ping", {"data": "hello"}, {}, str(tmp_path / "async"), 30)
    assert started["started"] and not started["finished"] and started["changed"]
    assert started["results_file"] == str(tmp_path / "async" / started["ansible_job_id"])
    assert started["ansible_job_id"].startswith("j") and started["ansible_job_id"].endswith(".%d" % os.getpid())
    _no_child_left()
    result = _finished(started["results_file"])
    assert result["ping"] == "hello" and not result.get("failed")


def test_the_task_environment_reaches_the_module_and_not_this_process(tmp_path):
    arguments = {"_raw_params": "echo $JOB_PROOF", "_uses_shell": True}
    started = in_background.start("ansible.modules.command", arguments, {"JOB_PROOF": "seen"}, str(tmp_path), 30)
    result = _finished(started["results_file"])
    assert result["stdout"] == "seen" and result["rc"] == 0
    assert "JOB_PROOF" not in os.environ


def test_a_job_past_its_time_limit_is_killed_with_what_it_started(tmp_path):
    marker = tmp_path / "still-running"
    arguments = {"_raw_params": "sleep 3; touch %s" % marker, "_uses_shell": True}
    started = in_background.start("ansible.modules.command", arguments, {}, str(tmp_path), 1)
    result = _finished(started["results_file"])
    assert result == {"failed": True, "msg": "Timeout exceeded", "child_pid": result["child_pid"]}
    time.sleep(3)
    assert not marker.exists()  # the shell and its sleep were killed with the job


def test_a_module_that_prints_no_result_is_a_failure_that_keeps_what_it_printed():
    result = in_background.job_result(1, "Traceback: boom\n", "stack\n")
    assert result["failed"] and result["msg"].startswith("MODULE FAILURE")
    assert result["data"] == "Traceback: boom\n" and result["stderr"] == "stack\n"


def test_junk_around_the_result_becomes_warnings_and_stderr_is_kept():
    result = in_background.job_result(0, 'noise\n{"changed": false, "warnings": ["w"]}\ntrailing\n', "note\n")
    assert result["changed"] is False and result["stderr"] == "note\n"
    assert result["warnings"][0] == "w" and "junk after the JSON data" in result["warnings"][1]


def test_the_job_keeps_no_file_of_the_worker_open(tmp_path):
    read_end, write_end = os.pipe()  # as ansible-playbook's output is to whoever runs it
    try:
        arguments = {"_raw_params": "sleep 2", "_uses_shell": True}
        started = in_background.start("ansible.modules.command", arguments, {}, str(tmp_path), 30)
        os.close(write_end)
        began = time.monotonic()
        assert os.read(read_end, 1) == b""  # end of file at once: no fork of the job holds the pipe
        assert time.monotonic() - began < 1.5
        _finished(started["results_file"])
    finally:
        os.close(read_end)


def test_a_lock_the_worker_holds_is_neither_released_nor_used_by_the_job(tmp_path, monkeypatch):
    monkeypatch.setattr(locks, "_held", [])
    held = os.open(str(tmp_path / "resource.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    locks._held.append(held)  # as if the worker were inside a module that holds a resource's lock
    started = in_background.start("ansible.modules.ping", {}, {}, str(tmp_path), 30)
    assert _finished(started["results_file"])["ping"] == "pong"
    assert locks._held == [held]
    locks.release_held_locks()
