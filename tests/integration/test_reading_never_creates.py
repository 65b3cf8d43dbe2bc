"""Every playbook that operates an existing site, pointed at a site that is not there (an empty account, or another
site's name), stops with one sentence that says so and how to fix it, and creates nothing: it finds the site with
ha_web.alicloud.site_info, which only reads."""

import json
import os
import subprocess

import pytest
from conftest import ANSIBLE_PLAYBOOK, ROOT

# Each operating playbook, with the variables it needs to get as far as finding the site.
OPERATING = [
    ("status.yml", {}),
    ("heal.yml", {}),
    ("alarms.yml", {}),
    ("verify.yml", {}),
    ("configure.yml", {}),
    ("deploy.yml", {"deploy_src": str(ROOT / "playbooks" / "files")}),
    ("rolling_update.yml", {}),
    ("rotate_certificate.yml", {}),
    ("drill_nas_failover.yml", {}),
    ("drill_ecs_stop.yml", {}),
    ("drill_spot_interruption.yml", {}),
    ("drill_scale.yml", {}),
]
NOWHERE = "Site 'nowhere' in region cn-hangzhou does not exist (nothing of it was found): run playbooks/site.yml first"


def run(emulator, inventory, playbook, extra):
    extra = {"alicloud_endpoint_url": f"http://{emulator.endpoint}", "site_name": "nowhere", **extra}
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    argv = [ANSIBLE_PLAYBOOK, "-i", str(inventory), str(ROOT / "playbooks" / playbook), "-e", json.dumps(extra)]
    return subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.parametrize(("playbook", "extra"), OPERATING, ids=[case[0] for case in OPERATING])
def test_an_operating_playbook_on_a_site_that_is_not_there_stops_clearly_and_creates_nothing(
    emulator, inventory, playbook, extra
):
    emulator.admin.reset_requests()
    done = run(emulator, inventory, playbook, extra)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output[-5000:]
    assert "run playbooks/site.yml first" in output, output[-5000:]
    calls = emulator.admin.requests()
    assert calls["mutating"] == 0, calls


def test_the_sentence_names_the_site_the_region_and_the_fix(emulator, inventory):
    done = run(emulator, inventory, "status.yml", {})
    assert NOWHERE in done.stdout, done.stdout[-5000:]
