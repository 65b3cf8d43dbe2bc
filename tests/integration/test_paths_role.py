"""The role ha_web.alicloud.paths: what it puts on a host, what a run that changes nothing does (one read, nothing
else), a drift put right and its handler notified, check mode, and a file its validation refuses."""

import json
import os
import stat
import subprocess

import pytest
from conftest import ANSIBLE_PLAYBOOK, HERE, ROOT

PLAYBOOK = HERE / "playbooks" / "paths_role.yml"


def run(root, *options):
    """The play's result per task (name -> list of host results) and the recap's stats for localhost."""
    env = dict(
        os.environ,
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_INVENTORY="/dev/null",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
    )
    command = [ANSIBLE_PLAYBOOK, str(PLAYBOOK), "-e", json.dumps({"root": str(root)}), *options]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    report = json.loads(done.stdout)
    tasks = {}
    for play in report["plays"]:
        for task in play["tasks"]:
            tasks.setdefault(task["task"]["name"], []).append(task["hosts"]["localhost"])
    return done.returncode, tasks, report["stats"]["localhost"]


CONTROLLER_ONLY = {"ansible.builtin.include_role", "ansible.builtin.validate_argument_spec"}


def ran_on_the_host(tasks):
    """The names of the tasks that ran a module on the host (not skipped, not a loop over nothing)."""
    return sorted(
        name
        for name, results in tasks.items()
        if any(not r.get("skipped") and r.get("action") not in CONTROLLER_ONLY for r in results)
    )


def notified(root):
    path = root / "notified"
    return len(path.read_text().splitlines()) if path.exists() else 0


@pytest.fixture
def root(tmp_path):
    (tmp_path / "old.conf").write_text("to be removed\n")
    rc, _tasks, stats = run(tmp_path)
    assert rc == 0 and stats["changed"] >= 5
    return tmp_path


def test_the_first_run_puts_everything_in_place_and_notifies_once(root):
    assert (root / "etc/app.conf").read_text() == "port = 80\n"
    assert stat.S_IMODE((root / "etc/app.conf").stat().st_mode) == 0o640
    assert stat.S_IMODE((root / "etc").stat().st_mode) == 0o755
    assert (root / "etc/sentinel").read_text() == "written once\n"
    assert os.readlink(root / "current") == str(root / "etc")
    assert not (root / "old.conf").exists()
    assert notified(root) == 1


def test_a_run_that_changes_nothing_reads_once_and_does_nothing_else(root):
    rc, tasks, stats = run(root)
    assert rc == 0 and stats["changed"] == 0
    assert ran_on_the_host(tasks) == ["ha_web.alicloud.paths : Read the paths, as they are on the host"]
    assert notified(root) == 1


def test_a_drift_is_put_right_and_only_it(root):
    (root / "etc/app.conf").write_text("port = 81\n")
    os.chmod(root / "etc", 0o700)
    (root / "etc/sentinel").write_text("edited by hand\n")  # written once: kept
    (root / "old.conf").write_text("back again\n")
    rc, tasks, stats = run(root)
    assert rc == 0 and stats["changed"] == 4  # the directory, the file, the removal and the handler: once per task
    assert (root / "etc/app.conf").read_text() == "port = 80\n"
    assert stat.S_IMODE((root / "etc").stat().st_mode) == 0o755
    assert (root / "etc/sentinel").read_text() == "edited by hand\n"
    assert not (root / "old.conf").exists()
    assert notified(root) == 2  # the file and the removal notify the same handler: it runs once
    changed = [r["item"]["path"] for r in tasks["ha_web.alicloud.paths : Write the files that differ"][0]["results"]]
    assert changed == [str(root / "etc/app.conf")]


def test_check_mode_reports_the_drift_and_writes_nothing(root):
    (root / "etc/app.conf").write_text("port = 81\n")
    (root / "current").unlink()
    rc, _tasks, stats = run(root, "--check", "--diff")
    assert rc == 0 and stats["changed"] == 3  # the file, the link and the handler (which writes nothing either)
    assert (root / "etc/app.conf").read_text() == "port = 81\n"
    assert not (root / "current").exists()
    assert notified(root) == 1


def test_a_file_its_validation_refuses_is_not_written(root):
    rc, tasks, _stats = run(root, "-e", "app_port=eighty")
    assert rc != 0
    failure = tasks["ha_web.alicloud.paths : Write the files that differ"][0]["results"][0]
    assert failure["failed"] and "failed to validate" in failure["msg"]
    assert (root / "etc/app.conf").read_text() == "port = 80\n"
