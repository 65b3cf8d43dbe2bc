"""The preflight's wall time on the emulator (target under 30 s), on a fresh account and before a no-op re-run,
with the calls it sends; and the calls the choice of zones, types and image adds to a no-op re-run of
provisioning (target at most 4).

.venv/bin/python bench/preflight_bench.py [--output bench/results/preflight.json]

playbooks/preflight.yml and playbooks/provision.yml with the variables of inventories/local (its ECS inventory
source left out) and site_zones: auto, site_image_id empty (the choice made from the catalog), on the emulator's
fast timing. The choice alone is tests/integration/playbooks/first_contact_choice.yml.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from alicloud_emulator.testing import EmulatorProcess

ROOT = Path(__file__).resolve().parents[1]
PLAYBOOK = str(Path(sys.executable).with_name("ansible-playbook"))
CHOICE = ROOT / "tests" / "integration" / "playbooks" / "first_contact_choice.yml"
AUTO = {"site_zones": "auto", "site_image_id": ""}


def run(emulator, inventory, playbook):
    """Runs the playbook; (wall seconds, API calls sent)."""
    extra = {"alicloud_endpoint_url": f"http://{emulator.endpoint}", **AUTO}
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"))
    argv = [PLAYBOOK, "-i", str(inventory), str(playbook), "-e", json.dumps(extra)]
    emulator.admin.reset_requests()
    began = time.monotonic()
    subprocess.run(argv, env=env, cwd=ROOT, check=True, capture_output=True)
    wall = time.monotonic() - began
    return round(wall, 1), emulator.admin.requests()["total"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output")
    args = parser.parse_args()
    results = {"python": platform.python_version()}
    with tempfile.TemporaryDirectory(prefix="preflight-bench-") as scratch:
        inventory = Path(scratch) / "local"
        shutil.copytree(ROOT / "inventories" / "local" / "group_vars", inventory / "group_vars")
        (inventory / "hosts.yml").write_text("all: {}\n")
        timing = ["--timing", "fast"]
        emulator = EmulatorProcess(state_dir=str(Path(scratch) / "state"), extra_args=timing).start()
        try:
            fresh = run(emulator, inventory, ROOT / "playbooks" / "preflight.yml")
            results["preflight_fresh_account"] = {"wall_seconds": fresh[0], "calls": fresh[1]}
            fresh_choice = run(emulator, inventory, CHOICE)
            results["choice_fresh_account"] = {"wall_seconds": fresh_choice[0], "calls": fresh_choice[1]}
            run(emulator, inventory, ROOT / "playbooks" / "provision.yml")
            existing = run(emulator, inventory, ROOT / "playbooks" / "preflight.yml")
            results["preflight_site_exists"] = {"wall_seconds": existing[0], "calls": existing[1]}
            remembered = run(emulator, inventory, CHOICE)
            results["choice_added_to_noop_rerun"] = {"wall_seconds": remembered[0], "calls": remembered[1]}
        finally:
            emulator.stop()
    results["load_average_1min"] = round(os.getloadavg()[0], 1)  # the machine is shared: the figures depend on it
    for name, figures in results.items():
        if isinstance(figures, dict):
            print(f"{name}: {figures['wall_seconds']} s, {figures['calls']} calls")
    if args.output:
        Path(args.output).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
