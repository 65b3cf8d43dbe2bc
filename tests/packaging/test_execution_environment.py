"""ansible-builder makes a build context for an execution environment that installs the built collection,
and its introspection (what the image build runs after installing the collections) finds our requirements.
`create` only writes the context: no image is pulled and no container is built."""

import shutil
import sys

import yaml
from collection_build import BIN, ROOT, run
from packaging.requirements import Requirement

DEFINITION = """\
version: 3
images:
  base_image:
    name: quay.io/ansible/awx-ee:latest
dependencies:
  galaxy:
    collections:
      - name: collections/{tarball}
        type: file
additional_build_files:
  - src: {tarball}
    dest: collections
"""


def _listed(path):
    """Requirement lines as written to a requirements file, without the `# from collection ...` notes."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def test_builder_context_installs_the_collection_and_its_requirements(built_collection, tmp_path):
    shutil.copy(built_collection, tmp_path)
    (tmp_path / "execution-environment.yml").write_text(DEFINITION.format(tarball=built_collection.name))
    context = tmp_path / "context"
    run([BIN / "ansible-builder", "create", "--file", "execution-environment.yml", "--context", context,
         "--output-filename", "Containerfile"], cwd=tmp_path)  # fmt: skip

    build = context / "_build"
    assert (build / "collections" / built_collection.name).is_file()
    galaxy = yaml.safe_load((build / "requirements.yml").read_text(encoding="utf-8"))
    assert galaxy["collections"] == [{"name": f"collections/{built_collection.name}", "type": "file"}]
    containerfile = (context / "Containerfile").read_text(encoding="utf-8")
    assert "ansible-galaxy collection install" in containerfile and "introspect.py introspect" in containerfile

    # What the image build does next: install the collection, then introspect the installed collections.
    installed = tmp_path / "installed"
    run([BIN / "ansible-galaxy", "collection", "install", "--no-deps", "--force", "-p", installed,
         build / "collections" / built_collection.name], cwd=tmp_path)  # fmt: skip
    run([sys.executable, build / "scripts" / "introspect.py", "introspect", installed,
         "--write-pip", tmp_path / "pip.txt", "--write-bindep", tmp_path / "bindep.txt"])  # fmt: skip

    found = {Requirement(line).name: str(Requirement(line).specifier) for line in _listed(tmp_path / "pip.txt")}
    ours = {Requirement(line).name: str(Requirement(line).specifier) for line in _listed(ROOT / "requirements.txt")}
    assert "alibabacloud-ecs20140526" in ours and found == ours
    assert _listed(tmp_path / "bindep.txt") == _listed(ROOT / "bindep.txt")
