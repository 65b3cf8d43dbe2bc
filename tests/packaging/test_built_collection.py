"""The built tarball holds the collection and what it tells its users it needs, and nothing of the workshop."""

import tarfile

import yaml
from collection_build import ROOT

# The top-level entries a built collection may hold; a new one (a venv, a report folder) must be chosen here.
COLLECTION_ENTRIES = {
    "MANIFEST.json",
    "FILES.json",
    "README.md",
    "COPYING",
    "requirements.txt",
    "bindep.txt",
    ".ansible-lint",
    ".config",
    "changelogs",
    "docs",
    "images",
    "inventories",
    "meta",
    "molecule",
    "playbooks",
    "plugins",
    "roles",
    "tests",
}


def _names(artifact):
    with tarfile.open(artifact) as archive:
        return archive.getnames()


def test_requirement_files_are_in_the_tarball(built_collection):
    names = _names(built_collection)
    for wanted in ("requirements.txt", "bindep.txt", "meta/execution-environment.yml", "meta/runtime.yml"):
        assert wanted in names, wanted
    assert "galaxy.yml" not in names and "MANIFEST.json" in names


def test_only_collection_entries_at_the_top(built_collection):
    top = {name.split("/", 1)[0] for name in _names(built_collection)}
    assert top <= COLLECTION_ENTRIES, sorted(top - COLLECTION_ENTRIES)


def test_workshop_folders_are_left_out(built_collection):
    """Whatever of these exists in this tree (venvs of every kind, the emulator, build output) stays out."""
    present = [p.name for p in ROOT.iterdir() if p.name.startswith(".venv")]
    present += ["emulator", ".emulator", ".git", ".ci", "build", "bench", "tools", "reports"]
    names = _names(built_collection)
    for folder in present:
        assert not [n for n in names if n == folder or n.startswith(folder + "/")], folder
    assert not [n for n in names if "__pycache__" in n or n.startswith("tests/output/")]


def test_execution_environment_file_names_the_shipped_files():
    meta = yaml.safe_load((ROOT / "meta" / "execution-environment.yml").read_text(encoding="utf-8"))
    assert meta["dependencies"] == {"python": "requirements.txt", "system": "bindep.txt"}
