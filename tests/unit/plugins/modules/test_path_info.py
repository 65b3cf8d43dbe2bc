"""path_info reads what is at each path, without following a final link; out_of_date (the roles' rule) compares
it with what a role wants, on real files: what differs is exactly what a copy, file or link task would change."""

import json
import os

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.ha_web.alicloud.plugins.filter.out_of_date import FilterModule, out_of_date
from ansible_collections.ha_web.alicloud.plugins.modules import path_info
from ansible_collections.ha_web.alicloud.plugins.modules.path_info import read_path
from ansible_collections.ha_web.alicloud.tests.unit.module_args import patch_module_args

ME = {"owner": read_path("/")["owner"], "group": read_path("/")["group"]}


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "etc").mkdir(mode=0o755)
    os.chmod(tmp_path / "etc", 0o755)  # noqa: S103 - the mode a role sets on its directories
    conf = tmp_path / "etc" / "app.conf"
    conf.write_text("port = 80\n")
    os.chmod(conf, 0o644)
    (tmp_path / "current").symlink_to(tmp_path / "etc")
    return tmp_path


def _found(paths):
    return {path: read_path(path) for path in paths}


def test_what_is_at_each_path_is_read_without_following_a_final_link(tree):
    found = _found([str(tree / "etc"), str(tree / "etc/app.conf"), str(tree / "current"), str(tree / "none")])
    assert found[str(tree / "etc")] == {"exists": True, "type": "directory", "mode": "0755", **ME}
    assert found[str(tree / "etc/app.conf")] == {
        "exists": True,
        "type": "file",
        "mode": "0644",
        "checksum": "dc3a498d15ca3e01fe7097184e4b0cd9640a6a04",  # sha1sum of "port = 80\n"
        **ME,
    }
    link = found[str(tree / "current")]
    assert link == {"exists": True, "type": "link", "target": str(tree / "etc"), "mode": link["mode"], **ME}
    assert found[str(tree / "none")] == {"exists": False}


def _wanted(tree):
    return [
        {"path": str(tree / "etc"), "state": "directory", "mode": "0755", **ME},
        {"path": str(tree / "etc/app.conf"), "content": "port = 80\n", "mode": "0644", **ME, "handlers": ["Restart"]},
        {"path": str(tree / "current"), "state": "link", "src": str(tree / "etc")},
        {"path": str(tree / "old.unit"), "state": "absent"},
    ]


def test_a_host_as_wanted_has_nothing_out_of_date(tree):
    wanted = _wanted(tree)
    assert out_of_date(wanted, _found([entry["path"] for entry in wanted])) == []


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda tree: (tree / "etc/app.conf").write_text("port = 81\n"), "etc/app.conf"),
        (lambda tree: os.chmod(tree / "etc/app.conf", 0o600), "etc/app.conf"),
        (lambda tree: (tree / "etc/app.conf").unlink(), "etc/app.conf"),
        (lambda tree: os.chmod(tree / "etc", 0o700), "etc"),
        (lambda tree: ((tree / "current").unlink(), (tree / "current").symlink_to("/tmp")), "current"),
        (lambda tree: ((tree / "current").unlink(), (tree / "current").mkdir()), "current"),
        (lambda tree: (tree / "old.unit").write_text("[Unit]\n"), "old.unit"),
    ],
    ids=["content", "mode", "missing file", "directory mode", "link elsewhere", "directory for a link", "absent"],
)
def test_each_difference_makes_its_entry_out_of_date_and_only_it(tree, change, path):
    change(tree)
    wanted = _wanted(tree)
    stale = out_of_date(wanted, _found([entry["path"] for entry in wanted]))
    assert [entry["path"] for entry in stale] == [str(tree / path)]


def test_an_owner_or_group_other_than_wanted_is_out_of_date(tree):
    wanted = [{"path": str(tree / "etc/app.conf"), "content": "port = 80\n", "owner": "nobody-such"}]
    assert out_of_date(wanted, _found([wanted[0]["path"]])) == [dict(wanted[0], state="file")]
    wanted = [{"path": str(tree / "etc"), "state": "directory", "group": "nobody-such"}]
    assert len(out_of_date(wanted, _found([wanted[0]["path"]]))) == 1


def test_an_entry_kept_once_written_differs_only_while_missing_or_of_another_type(tree):
    (tree / "etc/app.conf").write_text("edited by hand\n")
    (tree / "current").unlink()
    (tree / "current").symlink_to("/srv/backup")  # another service repointed it
    wanted = [
        {"path": str(tree / "etc/app.conf"), "content": "port = 80\n", "keep_existing": True},
        {"path": str(tree / "current"), "state": "link", "src": str(tree / "etc"), "keep_existing": True},
        {"path": str(tree / "sentinel"), "content": "x\n", "keep_existing": True},
    ]
    stale = out_of_date(wanted, _found([entry["path"] for entry in wanted]))
    assert [entry["path"] for entry in stale] == [str(tree / "sentinel")]


def test_the_order_and_the_other_keys_are_kept(tree):
    (tree / "etc/app.conf").unlink()
    os.chmod(tree / "etc", 0o700)
    wanted = _wanted(tree)
    stale = out_of_date(wanted, _found([entry["path"] for entry in wanted]))
    assert [entry["path"] for entry in stale] == [str(tree / "etc"), str(tree / "etc/app.conf")]
    assert stale[1]["handlers"] == ["Restart"] and stale[1]["state"] == "file"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"state": "file"}, "needs a path"),
        ({"path": "/etc/x", "state": "present"}, "use one of file, directory, link, absent"),
        ({"path": "/etc/x"}, r"/etc/x \(state file\) needs its content"),
        ({"path": "/etc/x", "state": "link"}, "needs its src"),
        ({"path": "/etc/unread", "state": "absent"}, "give every wanted path to ha_web.alicloud.path_info first"),
    ],
)
def test_a_wrong_entry_is_named_with_its_fix(entry, message):
    with pytest.raises(AnsibleFilterError, match=message):
        out_of_date([entry], {"/etc/x": {"exists": False}})


def test_the_filter_is_registered_by_its_name():
    assert FilterModule().filters() == {"out_of_date": out_of_date}


def _run(capsys, args):
    with patch_module_args(args), pytest.raises(SystemExit):
        path_info.main()
    return json.loads(capsys.readouterr().out)


def test_the_module_reads_every_path_and_changes_nothing(tree, capsys):
    result = _run(capsys, {"paths": [str(tree / "etc/app.conf"), str(tree / "none")], "_ansible_check_mode": True})
    assert result["changed"] is False and not result.get("failed")
    assert result["paths"][str(tree / "etc/app.conf")]["type"] == "file"
    assert result["paths"][str(tree / "none")] == {"exists": False}


def test_a_relative_path_is_refused_with_the_field_and_the_fix(capsys):
    result = _run(capsys, {"paths": ["etc/nginx.conf"]})
    assert result["failed"] and result["msg"].startswith("paths: etc/nginx.conf is not absolute")
