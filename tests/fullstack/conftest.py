"""Each full-stack test file builds its own site on its own emulator (Docker runtime), so files run in parallel
(pytest-xdist, `--dist loadfile`). A worker's slot keeps its emulator apart from the others: its load balancers
take addresses in 127.0.<slot>.200-220 and its site a 10.x.0.0/16 no Docker network uses. FULLSTACK_SLOT_BASE
moves the slots (two checkouts testing at once on one machine); the default, 0, is what `make test` uses.
FULLSTACK_TIMING picks the emulator's timing profile (default `fast`; `realistic` for a measure such as the heal's).
"""

import os
import shutil
from pathlib import Path

import pytest
from alicloud_emulator.docker_testing import DockerEmulator, free_block, fresh_apt_image
from fullstack import ROOT, SITE_NAME

# Three files, three sites: test_site.py (the build under faults, re-run, check mode, the ECS and NAS drills),
# test_spot_heal.py (first contact in a hostile region, HTTPS, the spot drill and the heal) and test_deploy.py (the
# scale drill, the releases, the rolling updates). A site costs minutes of CPU on 2 cores, so each file builds one and
# runs every scenario that can share it. The order the files are handed to the workers in (the Makefile passes
# --no-loadscope-reorder; pytest-xdist would order them by their number of tests): the longest first.
FILE_ORDER = ("test_site.py", "test_spot_heal.py", "test_deploy.py")


def pytest_collection_modifyitems(items):
    rank = {name: index for index, name in enumerate(FILE_ORDER)}
    items.sort(key=lambda item: rank.get(item.path.name, len(FILE_ORDER)))  # stable: a file's tests keep their order


class SiteInventory(type(Path())):
    """inventories/local copied and pointed at the test's emulator; `site_vars`: the site's test variables."""


def slot(worker_id):
    """0 for the first (or only) worker, then 1, 2...; shifted by FULLSTACK_SLOT_BASE."""
    number = int(worker_id[2:]) if worker_id.startswith("gw") else 0
    return int(os.environ.get("FULLSTACK_SLOT_BASE", "0")) + number


@pytest.fixture(scope="module")
def cloud(tmp_path_factory, worker_id):
    state = tmp_path_factory.mktemp("fullstack-emulator")
    # The hosts start with the apt state of a freshly built image (empty package lists stamped now).
    emulator = DockerEmulator(str(state), fresh_apt_image(), timing=os.environ.get("FULLSTACK_TIMING", "fast"))
    number = slot(worker_id)
    emulator.extra_args += ["--lb-addresses", f"127.0.{number}.200-127.0.{number}.220"]
    with emulator:
        yield emulator


@pytest.fixture(scope="module")
def inventory(cloud, tmp_path_factory):
    directory = tmp_path_factory.mktemp("inventory") / "local"
    shutil.copytree(ROOT / "inventories" / "local", directory)
    for path in directory.rglob("*.yml"):
        text = path.read_text().replace("http://127.0.0.1:18080", f"http://{cloud.endpoint}")
        path.write_text(text.replace("{ha_web_site: ha-web}", "{ha_web_site: " + SITE_NAME + "}"))
    block = free_block()
    prefix = block.split(".0.0/")[0]
    site = SiteInventory(directory)
    site.site_vars = {
        "site_name": SITE_NAME,
        "site_vpc_cidr": block,
        "site_vswitch_cidrs": [f"{prefix}.1.0/24", f"{prefix}.2.0/24"],
    }
    return site
