"""The NAS data plane through the real SDK: a file system is a shared directory that instances mount with
bindfs. An injected outage hangs every access as a hard NFS mount hangs, until it ends; a deleted mount target
hangs the mounts made through its domain for good (until they are unmounted), and only a new mount target's
new domain serves, as on a real account.

Needs the Docker engine and the local image; bindfs is installed in the two instances (apt-get, once).
Frozen processes are resumed and everything is removed at the end, also when a test fails.
"""

import subprocess
import time

import pytest
from alicloud_emulator.docker_testing import (
    DockerEmulator,
    local_image,
    network,
    run_instance,
    wait_for,
    wait_status,
    wait_systemd,
)
from alicloud_emulator.testing import sdk_models

pytestmark = pytest.mark.timeout(900)

INSTALL_BINDFS = "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bindfs >/dev/null"


def _sh(instance_id, script, timeout=60):
    command = ["docker", "exec", instance_id, "sh", "-c", script]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(scope="module")
def cloud(tmp_path_factory):
    with DockerEmulator(str(tmp_path_factory.mktemp("nas-emulator")), local_image()) as emulator:
        try:
            yield emulator
        finally:  # never leave a frozen bindfs behind, whatever a test left (stopping resumes or kills them)
            emulator.stop()


@pytest.fixture(scope="module")
def share(cloud):
    """Two instances with bindfs, a file system with a mount target, mounted at /nas_master in both."""
    net = network(cloud, "10.70.0.0/16")
    instances = [run_instance(cloud, net, i, host_name=f"web-{i + 1}") for i in (0, 1)]
    for instance_id in instances:
        wait_status(cloud, instance_id, "Running")
        wait_systemd(instance_id)
    installs = [subprocess.Popen(["docker", "exec", i, "sh", "-c", INSTALL_BINDFS]) for i in instances]  # noqa: S607
    assert [p.wait(timeout=600) for p in installs] == [0, 0]
    nas, m = cloud.client("nas"), sdk_models("nas")
    fs_id = nas.create_file_system(m.CreateFileSystemRequest(protocol_type="NFS", storage_type="Capacity")).body
    fs_id = fs_id.file_system_id
    describe = m.DescribeFileSystemsRequest(file_system_id=fs_id)
    wait_for(
        lambda: nas.describe_file_systems(describe).body.file_systems.file_system[0].status == "Running",
        30,
        what="the file system",
    )
    domain = _create_mount_target(cloud, fs_id, net)
    for instance_id in instances:
        _mount(instance_id, domain)
    return {"instances": instances, "fs_id": fs_id, "domain": domain, "net": net}


def _create_mount_target(cloud, fs_id, net):
    nas, m = cloud.client("nas"), sdk_models("nas")
    request = m.CreateMountTargetRequest(
        file_system_id=fs_id,
        network_type="Vpc",
        vpc_id=net["vpc_id"],
        v_switch_id=net["vswitch_ids"][0],
        access_group_name="DEFAULT_VPC_GROUP_NAME",
    )
    return nas.create_mount_target(request).body.mount_target_domain


def _mount(instance_id, domain):
    done = _sh(instance_id, f"mkdir -p /nas_master && bindfs /alicloud-nas/{domain} /nas_master")
    assert done.returncode == 0, done.stderr


def _read(instance_id, path):
    """The file's content, or None when reading hung (killed after 3 s) or failed."""
    done = _sh(instance_id, f"timeout -s KILL 3 cat {path}", timeout=30)
    return done.stdout if done.returncode == 0 else None


def test_both_instances_see_the_same_files(share):
    writer, reader = share["instances"]
    assert _sh(writer, "echo shared > /nas_master/hello.txt").returncode == 0
    assert _read(reader, "/nas_master/hello.txt") == "shared\n"
    assert _sh(reader, "test -L /alicloud-nas/" + share["domain"]).returncode == 0


def test_an_injected_outage_hangs_access_until_it_is_cleared(cloud, share):
    reader = share["instances"][1]
    frozen = cloud.admin.call("POST", f"/runtime/nas/{share['fs_id']}/outage")["frozen_processes"]
    try:
        assert frozen == 2  # one bindfs per instance
        began = time.monotonic()
        assert _read(reader, "/nas_master/hello.txt") is None
        assert time.monotonic() - began >= 3  # it hung until killed, it did not fail fast
        assert cloud.admin.call("GET", "/runtime/nas/outages")["faults"] == [share["fs_id"]]
    finally:
        cloud.admin.call("DELETE", f"/runtime/nas/{share['fs_id']}/outage")
    assert wait_for(lambda: _read(reader, "/nas_master/hello.txt"), 10, what="reads again") == "shared\n"


def _mount_as_the_role_does(instance_id, domain, path):
    """Through mount(8), as fstab does (mount resolves the source symlink: bindfs shows the file system's path)."""
    done = _sh(instance_id, f"mkdir -p {path} && mount -t fuse.bindfs /alicloud-nas/{domain} {path}", timeout=30)
    assert done.returncode == 0, done.stderr


def _stopped_bindfs(instance_id):
    """How many bindfs processes of the instance are stopped (state T)."""
    listing = _sh(instance_id, "for s in /proc/[0-9]*/stat; do cat $s 2>/dev/null; echo; done | grep -c '(bindfs) T'")
    return int(listing.stdout.strip() or 0)


def test_a_deleted_mount_target_hangs_its_mounts_for_good_and_only_a_new_domain_serves(cloud, share):
    nas, m = cloud.client("nas"), sdk_models("nas")
    writer, reader = share["instances"]
    old = share["domain"]
    nas.delete_mount_target(m.DeleteMountTargetRequest(file_system_id=share["fs_id"], mount_target_domain=old))
    wait_for(lambda: _read(reader, "/nas_master/hello.txt") is None, 10, what="access to hang")
    again = _sh(writer, f"mkdir -p /nas_again && bindfs /alicloud-nas/{old} /nas_again", timeout=10)
    assert again.returncode != 0  # the domain is gone: it cannot be mounted again
    domain = _create_mount_target(cloud, share["fs_id"], share["net"])
    assert domain != old
    time.sleep(2)  # ten scans of the emulator's poller
    assert _read(reader, "/nas_master/hello.txt") is None  # still hung: the old domain stays dead
    assert [_stopped_bindfs(i) for i in share["instances"]] == [1, 1]
    assert cloud.admin.call("GET", "/runtime/nas/outages")["dead_domains"] == [old]
    _mount_as_the_role_does(writer, domain, "/nas_new")
    assert _read(writer, "/nas_new/hello.txt") == "shared\n"  # the new domain serves the same data
    # Unmounting ends the hung mount's bindfs: on its own (reader), or with a new mount at once (writer).
    assert _sh(reader, "umount --lazy /nas_master").returncode == 0
    wait_for(lambda: _stopped_bindfs(reader) == 0, 10, what="the unmounted bindfs to go")
    assert _sh(writer, "umount --lazy /nas_master").returncode == 0
    _mount_as_the_role_does(writer, domain, "/nas_master")
    wait_for(lambda: _stopped_bindfs(writer) == 0, 10, what="the remounted bindfs's old process to go")
    _mount_as_the_role_does(reader, domain, "/nas_master")
    assert [_read(i, "/nas_master/hello.txt") for i in share["instances"]] == ["shared\n", "shared\n"]
    share["domain"] = domain


def test_down_leaves_no_frozen_process(cloud, share):
    nas, m = cloud.client("nas"), sdk_models("nas")
    cloud.admin.call("POST", f"/runtime/nas/{share['fs_id']}/outage")
    assert _read(share["instances"][0], "/nas_master/hello.txt") is None
    # and then its mount target goes: every mount of it is cut off for good as well
    nas.delete_mount_target(
        m.DeleteMountTargetRequest(file_system_id=share["fs_id"], mount_target_domain=share["domain"])
    )
    assert cloud.admin.call("GET", "/runtime/nas/outages")["cut_off_processes"] >= 2
    assert cloud.down() == 0
    listing = subprocess.run(["ps", "-eo", "stat,comm"], capture_output=True, text=True, check=True)  # noqa: S607
    assert not [line for line in listing.stdout.splitlines() if line.strip().startswith("T") and "bindfs" in line]
