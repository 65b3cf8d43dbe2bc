"""Shared by the packaging tests: the collection built once into a tarball, as `ansible-galaxy` builds it."""

import pytest
from collection_build import BIN, ROOT, run


@pytest.fixture(scope="session")
def built_collection(tmp_path_factory):
    """The path of ha_web-alicloud-<version>.tar.gz built from this tree."""
    output = tmp_path_factory.mktemp("built")
    run([BIN / "ansible-galaxy", "collection", "build", ROOT, "--output-path", output])
    (artifact,) = output.glob("ha_web-alicloud-*.tar.gz")
    return artifact
