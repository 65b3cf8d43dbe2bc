"""The modules give the same results inside the task's worker as in processes of their own (the fallback).

tests/integration/playbooks/both_paths.yml runs a create, a no-op, check mode with a diff, an info module, a failure
before any call, a failure the cloud answers, no_log, a loop with the task's environment, and a delete; it is run on
each path against the same fresh emulator state, and every task's result is compared field by field once the values
the cloud makes new each time (IDs, times, request IDs) are replaced by placeholders.
"""

import json
import re

import pytest
from conftest import HERE, run_playbook

EMULATOR_ARGS = ["--timing", "instant"]
FALLBACK_SAID = "runs as an ordinary module process"
# What differs between two runs for reasons of the cloud's own: names are kept, made-up values are not.
NEW_EACH_TIME = [
    (re.compile(r"\b(vpc|vsw|vtb|vrt|acl)-[0-9a-z]{10,}\b"), r"\1-ID"),
    (re.compile(r"\bj\d+\.\d+\b"), "JOB-ID"),
    (re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?Z\b"), "TIME"),
    (re.compile(r"\b[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\b"), "REQUEST-ID"),
]


def normalised(value):
    """`value` with every made-up string part replaced by its placeholder."""
    if isinstance(value, dict):  # how many looks a wait took is a matter of timing
        return {key: normalised(item) for key, item in value.items() if key != "attempts"}
    if isinstance(value, list):
        return [normalised(item) for item in value]
    if isinstance(value, str):
        for pattern, placeholder in NEW_EACH_TIME:
            value = pattern.sub(placeholder, value)
    return value


def results_of(emulator, tmp_path, path_name, monkeypatch):
    emulator.admin.reset()
    if path_name == "fallback":
        monkeypatch.setenv("HA_WEB_ALICLOUD_IN_CONTROLLER", "false")
    else:
        monkeypatch.delenv("HA_WEB_ALICLOUD_IN_CONTROLLER", raising=False)
    results_file = tmp_path / f"{path_name}.json"
    result = run_playbook(
        emulator, HERE / "playbooks" / "both_paths.yml", {"results_file": str(results_file)}, verbosity=["-v"]
    )
    assert result.returncode == 0, result.stdout[-10000:] + result.stderr[-3000:]
    return json.loads(results_file.read_text()), result.stdout + result.stderr


@pytest.fixture(scope="module")
def both(emulator, tmp_path_factory):
    with pytest.MonkeyPatch.context() as monkeypatch:
        tmp_path = tmp_path_factory.mktemp("both_paths")
        in_worker = results_of(emulator, tmp_path, "in_worker", monkeypatch)
        fallback = results_of(emulator, tmp_path, "fallback", monkeypatch)
    return {"in_worker": in_worker, "fallback": fallback}  # each: (results, output)


def test_each_path_is_the_one_asked_for_and_no_log_hides_the_result(both):
    in_worker_output, fallback_output = both["in_worker"][1], both["fallback"][1]
    assert FALLBACK_SAID not in in_worker_output  # the background jobs too
    assert "WARNING" not in in_worker_output and "Warning" not in in_worker_output  # nor a word about their fork
    for output in (in_worker_output, fallback_output):
        assert "the output has been hidden due to the fact that 'no_log: true' was specified" in output
    assert fallback_output.count(FALLBACK_SAID) >= 16  # every module task and loop item, said at -v


@pytest.mark.parametrize(
    "task",
    ["created", "again", "checked", "zones", "refused", "cloud_error", "hidden", "looped", "jobs", "waited", "deleted"],
)
def test_a_task_returns_the_same_on_both_paths(both, task):
    in_worker, fallback = both["in_worker"][0], both["fallback"][0]
    assert normalised(in_worker[task]) == normalised(fallback[task])


def test_what_the_compared_results_say(both):
    """The comparison above compares results that are what they should be, not two equal empty answers."""
    results = both["in_worker"][0]
    assert results["created"]["changed"] and results["created"]["diff"]["before"] == {}
    assert results["created"]["vpc"]["tags"] == {"purpose": "compare"}
    assert results["created"]["vpc"]["description"] == "set by module_defaults"  # the module's own module_defaults
    assert not results["again"]["changed"]
    assert results["checked"]["changed"] and results["checked"]["diff"]["after"]["tags"] == {"purpose": "checked"}
    assert results["zones"]["zones"] and not results["zones"]["changed"]
    assert results["refused"]["failed"] and results["refused"]["msg"].startswith("cidr_block: ")
    error = results["cloud_error"]["error"]
    assert error["code"] == "InvalidRegionId.NotFound" and error["request_id"] and error["action"] == "DescribeVpcs"
    assert results["hidden"]["vpc"]["vpc_name"] == "both-paths" and "invocation" not in results["hidden"]
    looped = results["looped"]["results"]
    assert [item["changed"] for item in looped] == [True, True, False]
    assert all(item["invocation"]["module_args"]["region_id"] == "cn-shanghai" for item in looped)
    assert looped[0]["invocation"]["module_args"]["access_key_secret"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert [job["vpc"]["vpc_name"] for job in results["waited"]["results"]] == ["both-paths-job-1", "both-paths-job-2"]
    assert all(job["finished"] and job["changed"] for job in results["waited"]["results"])
    assert results["no_job"]["failed"] and results["no_job"]["msg"] == "could not find job"
    assert results["deleted"]["changed"] and results["deleted"]["diff"]["after"] == {}


def test_a_task_runs_in_the_worker_only_on_the_controller_without_the_setting(emulator, tmp_path):
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("[remote]\nremote1 ansible_host=127.0.0.1 ansible_port=1 ansible_connection=ssh\n")
    result = run_playbook(
        emulator, HERE / "playbooks" / "where_tasks_run.yml", {}, verbosity=["-v", "-i", str(inventory)]
    )
    assert result.returncode == 0, result.stdout[-10000:] + result.stderr[-3000:]
    # task name -> what was printed under it
    tasks = {block.split("] ", 1)[0]: block for block in result.stdout.split("\nTASK [")[1:]}
    assert "ordinary module" not in tasks["Delegated to the controller (in the worker)"]
    assert "changed: [remote1 -> localhost]" in tasks["Delegated to the controller (in the worker)"]
    background = tasks["With async (a background job forked from the worker)"]
    assert "ordinary module" not in background and "changed: [localhost]" in background
    assert "process: ha_web_alicloud_in_controller is false" in tasks["Asked for the fallback (a process of its own)"]
    assert (
        "ha_web_alicloud_in_controller must be true or false, not 'maybe'" in tasks["A setting that is not a boolean"]
    )
    remote = tasks["On the remote host (a process of its own there)"]
    assert "process: the task runs on 127.0.0.1 over the ssh connection" in remote and "UNREACHABLE" in remote
