"""playbooks/files/web_host_status.py (run on each web host by status.yml): its OS release, from /etc/os-release."""

import importlib.util
import pathlib

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "playbooks" / "files" / "web_host_status.py"
SPEC = importlib.util.spec_from_file_location("web_host_status", SCRIPT)
web_host_status = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(web_host_status)

TRIXIE = """PRETTY_NAME="Debian GNU/Linux 13 (trixie)"
NAME="Debian GNU/Linux"
VERSION_ID="13"
VERSION="13 (trixie)"
VERSION_CODENAME=trixie
ID=debian
"""


def test_the_os_release_is_its_pretty_name(tmp_path):
    path = tmp_path / "os-release"
    path.write_text(TRIXIE)
    assert web_host_status.os_release(str(path)) == "Debian GNU/Linux 13 (trixie)"


def test_without_a_pretty_name_its_name_and_version(tmp_path):
    path = tmp_path / "os-release"
    path.write_text("NAME='Debian GNU/Linux'\nVERSION_ID=12\n# a comment\n\n")
    assert web_host_status.os_release(str(path)) == "Debian GNU/Linux 12"


def test_a_host_without_the_file_says_unknown(tmp_path):
    assert web_host_status.os_release(str(tmp_path / "missing")) == "unknown"
    (tmp_path / "empty").write_text("")
    assert web_host_status.os_release(str(tmp_path / "empty")) == "unknown"
