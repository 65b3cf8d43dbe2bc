"""`pip install ./emulator` into a fresh venv gives a working `alicloud-emulator`, with no repository behind it.

The install is the one a user runs (build isolation, so pip builds with the setuptools pyproject.toml asks
for); the emulator needs nothing but the standard library, so nothing else is installed in that venv."""

import pathlib
import shutil
import venv

from alicloud_emulator.testing import ACCESS_KEY_ID, ACCESS_KEY_SECRET, free_port, sdk_client, sdk_models
from collection_build import ROOT, run

PACKAGE = ROOT / "emulator" / "alicloud_emulator"
LEFT_OUT = ("build", "*.egg-info", "__pycache__", "tests")


def test_installed_emulator_serves_the_api(tmp_path):
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    # A copy, as a user's checkout would be: pip builds in the source folder (build/, *.egg-info).
    source = shutil.copytree(ROOT / "emulator", tmp_path / "emulator", ignore=shutil.ignore_patterns(*LEFT_OUT))
    run([python, "-m", "pip", "install", "--quiet", source], cwd=tmp_path)

    where = run([python, "-c", "import alicloud_emulator; print(alicloud_emulator.__file__)"], cwd=tmp_path)
    installed = pathlib.Path(where.stdout.strip()).parent
    assert installed.is_relative_to(environment)  # not this checkout
    modules = {p.relative_to(PACKAGE) for p in PACKAGE.rglob("*.py")}
    assert modules == {p.relative_to(installed) for p in installed.rglob("*.py")}
    listed = run(
        [python, "-m", "pip", "list", "--format", "freeze", "--exclude", "pip", "--exclude", "setuptools"], cwd=tmp_path
    ).stdout
    # its one dependency (server certificates) and what that needs
    names = {line.split("==")[0] for line in listed.split()}
    assert names == {"alicloud-emulator", "cryptography", "cffi", "pycparser"}, names

    command = environment / "bin" / "alicloud-emulator"
    port, state = free_port(), tmp_path / "state"
    run([command, "start", "--port", port, "--state-dir", state], cwd=tmp_path)
    try:
        client = sdk_client("vpc", f"127.0.0.1:{port}", key_id=ACCESS_KEY_ID, secret=ACCESS_KEY_SECRET)
        request = sdk_models("vpc").CreateVpcRequest(region_id="cn-hangzhou", cidr_block="10.0.0.0/16")
        created = client.create_vpc(request).body.vpc_id
        listed = client.describe_vpcs(sdk_models("vpc").DescribeVpcsRequest(region_id="cn-hangzhou")).body
        assert [vpc.vpc_id for vpc in listed.vpcs.vpc] == [created]
        assert "running" in run([command, "status", "--state-dir", state], cwd=tmp_path).stdout
    finally:
        run([command, "stop", "--state-dir", state], cwd=tmp_path)
