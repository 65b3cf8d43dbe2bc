"""The guard: nothing in the project sends a request to the real metadata service's address, and the emulator's
instances reach their metadata on a loopback address of their own (the Docker side of it, an unreachable route
inside every instance, is checked in test_docker_metadata.py).

A static scan of what runs (playbooks, roles, inventories/local, the emulator, plugins, molecule, tests, tools,
bench; Markdown documents describe the real service and are left out): the address appears only as the documented
default of `alicloud_metadata_url` and as the emulator's blocked route.
"""

import ast
import ipaddress
import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from alicloud_emulator import instance_metadata, metadata_responder

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("playbooks", "roles", "inventories/local", "emulator", "plugins", "molecule", "tests", "tools", "bench")
SKIPPED_PARTS = {".venv", "__pycache__", ".pytest_cache", ".ruff_cache"}
REAL_ADDRESS = re.compile(r"(?<![\d.])100\.100\.100\.200(?!\d)")
# The documented default: "{{ alicloud_metadata_url | default('<the real service>/latest/meta-data') }}".
DEFAULT_URL = f"http://{instance_metadata.REAL_SERVICE_ADDRESS}/latest/meta-data"
DEFAULT = re.compile(r"alicloud_metadata_url\s*\|\s*default\((['\"])" + re.escape(DEFAULT_URL) + r"\1\)")
BLOCKED_ADDRESS_DEFINITION = f'REAL_SERVICE_ADDRESS = "{instance_metadata.REAL_SERVICE_ADDRESS}"'
# Only what the responder needs to read files and answer on its socket: nothing that opens a connection.
RESPONDER_IMPORTS = {"argparse", "errno", "http.server", "os", "secrets", "sys", "threading", "time"}


def _scanned_files():
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and path.suffix != ".md" and not SKIPPED_PARTS & set(path.parts):
                yield path


def _allowed(path, line):
    if DEFAULT.search(line) and not REAL_ADDRESS.search(DEFAULT.sub("", line)):
        return True
    return path == Path(instance_metadata.__file__).resolve() and line.strip() == BLOCKED_ADDRESS_DEFINITION


def test_the_real_metadata_address_is_only_the_documented_default():
    found = []
    for path in _scanned_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if REAL_ADDRESS.search(line) and not _allowed(path, line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_the_scan_finds_a_mention_it_must_refuse():
    """The scan is not blind: a task using the address, or a default naming it without the setting, is refused."""
    here = Path(__file__).resolve()
    assert REAL_ADDRESS.search(f"url: {DEFAULT_URL}/instance-id")
    assert not _allowed(here, f"url: {DEFAULT_URL}/instance-id")
    assert not _allowed(here, f"- uri: url={DEFAULT_URL} alicloud_metadata_url={DEFAULT_URL}/x")
    assert _allowed(here, f"x: \"{{{{ alicloud_metadata_url | default('{DEFAULT_URL}') }}}}\"")
    assert not REAL_ADDRESS.search("http://127.100.100.200:8100/latest/meta-data")


def test_the_local_inventory_points_the_hosts_at_the_emulators_responder():
    settings = yaml.safe_load((ROOT / "inventories/local/group_vars/all/site.yml").read_text(encoding="utf-8"))
    url = settings["alicloud_metadata_url"]
    assert url == instance_metadata.metadata_url()
    assert ipaddress.ip_address(urlsplit(url).hostname).is_loopback


def test_the_responder_listens_on_loopback_and_opens_no_connection():
    assert ipaddress.ip_address(metadata_responder.ADDRESS).is_loopback
    tree = ast.parse(Path(metadata_responder.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= RESPONDER_IMPORTS
    called = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not called & {"connect", "create_connection", "urlopen", "request", "sendto"}
