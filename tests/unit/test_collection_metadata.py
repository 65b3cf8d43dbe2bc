"""The collection's metadata agrees with its content (the built artifact: tests/packaging)."""

import pathlib

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _yaml(relative):
    return yaml.safe_load((ROOT / relative).read_text(encoding="utf-8"))


def test_galaxy_metadata():
    galaxy = _yaml("galaxy.yml")
    assert (galaxy["namespace"], galaxy["name"]) == ("ha_web", "alicloud")
    major = int(str(galaxy["version"]).split(".", maxsplit=1)[0])
    assert major >= 1
    assert galaxy["license"] and galaxy["readme"] == "README.md"


def test_action_group_lists_every_cloud_module():
    """Every module built on AlicloudModule (not http_probe, which talks to the site, not to the cloud)."""
    runtime = _yaml("meta/runtime.yml")
    modules = sorted(
        p.stem
        for p in (ROOT / "plugins" / "modules").glob("*.py")
        if "import AlicloudModule" in p.read_text(encoding="utf-8")
    )
    assert "vpc" in modules and "http_probe" not in modules
    assert sorted(runtime["action_groups"]["alicloud"] or []) == modules
    assert runtime["requires_ansible"].startswith(">=") and runtime["requires_ansible"].count(".") == 2
