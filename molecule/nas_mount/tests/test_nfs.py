"""Verify role ha_web.alicloud.nas_mount with the nfs backend, without an NFS server (nas_mount_activate false)."""

import os

import pytest

testinfra_hosts = ["ansible://nas-nfs" + os.environ.get("MOLECULE_NAME_SUFFIX", "")]

OPTIONS = "vers=3,nolock,proto=tcp,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport,_netdev,nofail"
SHARES = {
    "/nas_master": "0a1b2c3d4e-abc12.cn-hangzhou.nas.aliyuncs.com:/",
    "/nas_backup": "5f6g7h8i9j-def34.cn-hangzhou.nas.aliyuncs.com:/",
}


def test_nfs_client_is_installed(host):
    assert host.package("nfs-common").is_installed


@pytest.mark.parametrize("path", SHARES)
def test_fstab_entry(host, path):
    line = f"{SHARES[path]} {path} nfs {OPTIONS} 0 0"
    assert line in host.file("/etc/fstab").content_string.splitlines()


@pytest.mark.parametrize("path", SHARES)
def test_nothing_is_mounted(host, path):
    assert not host.mount_point(path).exists


def test_sunrpc_slot_table(host):
    lines = host.file("/etc/modprobe.d/sunrpc.conf").content_string.splitlines()
    assert "options sunrpc tcp_slot_table_entries=128" in lines
    assert "options sunrpc tcp_max_slot_table_entries=128" in lines
