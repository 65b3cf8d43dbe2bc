"""The NAS shares' book of mount target domains across a restart, without Docker (no container, so no bindfs)."""

import json

from alicloud_emulator.nas_shares import NasShares


def shares(state_dir):
    return NasShares(str(state_dir), container_ids=lambda: [], log=lambda line: None)


def outages(nas):
    return nas.admin("GET", "nas/outages", None)[1]


def test_a_restart_forgets_the_domains_of_file_systems_that_are_gone(tmp_path):
    (tmp_path / "nas").mkdir()
    book = {"gone.nas.example": "fs-gone", "dead.nas.example": "fs-kept", "live.nas.example": "fs-kept"}
    (tmp_path / "nas" / "domains.json").write_text(json.dumps(book))
    nas = shares(tmp_path)
    target = {"VpcId": "vpc-1", "FileSystemId": "fs-kept", "MountTargetDomain": "live.nas.example"}
    try:
        nas.restore([{"FileSystemId": "fs-kept"}], [target])
        # The deleted mount target of a file system still there stays dead (its mounts hang); the gone one is forgotten.
        assert outages(nas)["dead_domains"] == ["dead.nas.example"]
        assert json.loads((tmp_path / "nas" / "domains.json").read_text()) == {
            "dead.nas.example": "fs-kept",
            "live.nas.example": "fs-kept",
        }
    finally:
        nas.shutdown()


def test_with_nothing_dead_or_broken_nothing_is_scanned(tmp_path):
    (tmp_path / "nas").mkdir()
    (tmp_path / "nas" / "domains.json").write_text(json.dumps({"old.nas.example": "fs-deleted"}))
    nas = shares(tmp_path)
    try:
        nas.restore([], [])
        assert outages(nas)["dead_domains"] == []
        assert nas.poller is None  # a stale domain used to keep a scan of the processes going 5 times a second
    finally:
        nas.shutdown()
