"""Verify role ha_web.alicloud.nas_mount with the bindfs backend, including a hung share."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

HOST = "nas-bindfs" + os.environ.get("MOLECULE_NAME_SUFFIX", "")  # the Makefile's suffix: one per checkout
testinfra_hosts = [f"ansible://{HOST}"]

SHARES = {"/nas_master": "/srv/nas/master", "/nas_backup": "/srv/nas/backup"}
HOST_DIRS = {"/nas_master": "nas/master", "/nas_backup": "nas/backup"}


@pytest.mark.parametrize("path", SHARES)
def test_share_is_mounted_with_bindfs(host, path):
    mount = host.mount_point(path)
    assert mount.exists
    assert mount.filesystem.startswith("fuse")
    assert mount.device == SHARES[path]


@pytest.mark.parametrize("path", SHARES)
def test_fstab_entry(host, path):
    line = f"{SHARES[path]} {path} fuse.bindfs _netdev 0 0"
    assert line in host.file("/etc/fstab").content_string.splitlines()


@pytest.mark.parametrize("path", SHARES)
def test_a_file_written_on_the_share_is_in_the_host_directory(host, path):
    name = f"written-{uuid.uuid4().hex}"
    host.check_output("echo %s > %s", name, f"{path}/{name}")
    on_host = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], HOST_DIRS[path], name)
    try:
        assert on_host.read_text() == name + "\n"
        assert host.check_output("runuser -u www-data -- cat %s", f"{path}/{name}") == name
    finally:
        host.run("rm -f %s", f"{path}/{name}")


def bindfs_pid(host, path):
    for line in host.check_output("pgrep -a -x bindfs").splitlines():
        pid, *argv = line.split()
        if path in argv:
            return pid
    raise AssertionError(f"no bindfs process serves {path}")


@pytest.fixture
def master_frozen(host):
    """Freeze the bindfs process that serves /nas_master, as the emulator does for a NAS outage."""
    pid = bindfs_pid(host, "/nas_master")
    host.check_output("kill -STOP %s", pid)
    try:
        yield
    finally:
        host.check_output("kill -CONT %s", pid)


def converge(*arguments):
    """The scenario's converge playbook again, on the bindfs host only; (exit status, output on one line)."""
    playbook = Path(os.environ["MOLECULE_SCENARIO_DIRECTORY"], "converge.yml")
    ansible_playbook = Path(sys.executable).with_name("ansible-playbook")
    inventory = os.environ["MOLECULE_INVENTORY_FILE"]
    play = subprocess.run(
        [ansible_playbook, "-i", inventory, "--limit", HOST, str(playbook), *arguments],
        env={**os.environ, "ANSIBLE_FORCE_COLOR": "0", "ANSIBLE_NOCOLOR": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=180,
        check=False,
    )
    return play.returncode, " ".join(play.stdout.split())


@pytest.mark.usefixtures("master_frozen")
def test_a_hung_share_is_reported_without_hanging_the_play(host):
    assert host.run("timeout -s KILL 3 stat -f /nas_master").rc == 137, "the share should be hung"
    started = time.monotonic()
    returncode, output = converge()
    elapsed = time.monotonic() - started
    assert returncode == 2, output
    assert "NAS share(s) not usable, left as they are: " in output, output
    report = output.split("NAS share(s) not usable, left as they are: ")[1]
    assert report.startswith("/nas_master is hung (no answer to statfs within 5 s);"), output
    assert "/nas_backup" not in report.split('"')[0]
    assert elapsed < 90
    assert host.run("timeout -s KILL 3 stat -f /nas_backup").rc == 0


def test_a_hung_and_busy_share_given_a_new_source_is_replaced(host):
    """A new mount target: a process sits in the old mount, which then hangs; the share is detached and mounted
    from the new source, and later moved back."""
    host.check_output("mkdir -p /srv/nas/moved && echo moved > /srv/nas/moved/marker")
    host.check_output("setsid sh -c 'cd /nas_master && exec sleep 600' >/dev/null 2>&1 < /dev/null &")
    old_bindfs = bindfs_pid(host, "/nas_master")
    host.check_output("kill -STOP %s", old_bindfs)
    try:
        returncode, output = converge("-e", "nas_mount_master_src=/srv/nas/moved")
        assert returncode == 0, output
        assert host.mount_point("/nas_master").device == "/srv/nas/moved"
        assert host.check_output("timeout -s KILL 3 cat /nas_master/marker") == "moved"
        assert "/srv/nas/moved /nas_master fuse.bindfs" in host.file("/etc/fstab").content_string
    finally:
        host.run("pkill -x -f 'sleep 600'")
        host.run("kill -CONT %s", old_bindfs)
    returncode, output = converge()
    assert returncode == 0, output
    assert host.mount_point("/nas_master").device == "/srv/nas/master"
