"""Site measures on the emulator's control plane: provisioning wall time against the critical path of its
cloud-side waits, the no-op re-run (median of --noop-runs), and how provisioning grows with 4 and 8 web instances.

.venv/bin/python bench/site_bench.py [--time-scale 0.2] [--output bench/results/site.json]

The emulator runs the `realistic` timing profile scaled by --time-scale. The critical path is the longest
chain of cloud-side waits the site cannot avoid: VPC -> its two vSwitches (the cloud creates the vSwitches of a
VPC one at a time) -> the instance in the second (pending + start), and max(VPC -> vSwitches, file system) -> the
mount target in the second, and the listener's start; the ratio wall / critical path
shows how much of provisioning is waiting on our side (target <= 1.25). Provisioning is playbooks/provision.yml
with the variables of inventories/local (its ECS inventory source left out); each run starts from nothing.
It is measured twice: alone, where it first chooses the zones, types and image itself (its reads side by side),
and as site.yml runs it, after the preflight has made that choice (`provision_after_choice`).
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from alicloud_emulator.testing import EmulatorProcess
from alicloud_emulator.timing import REALISTIC

ROOT = Path(__file__).resolve().parents[1]
PLAYBOOK = str(Path(sys.executable).with_name("ansible-playbook"))


def critical_path(scale, vswitches=2):
    t = REALISTIC
    network = t["vpc.create"] + vswitches * t["vswitch.create"]
    instances = network + t["instance.pending"] + t["instance.start"]
    storage = max(network, t["filesystem.create"]) + t["mount_target.create"]
    return max(instances, storage, t["listener.start"]) * scale


def run(emulator, inventory, playbook, **extra):
    extra = {"alicloud_endpoint_url": f"http://{emulator.endpoint}", **extra}
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"))
    argv = [PLAYBOOK, "-i", str(inventory), str(ROOT / "playbooks" / playbook), "-e", json.dumps(extra)]
    began = time.monotonic()
    subprocess.run(argv, env=env, cwd=ROOT, check=True, capture_output=True)
    return time.monotonic() - began


CHOOSE = """
- name: The zones, instance types and image, as the preflight chooses them
  hosts: localhost
  connection: local
  gather_facts: false
  vars_files: [{root}/playbooks/vars/alicloud.yml]
  module_defaults:
    group/ha_web.alicloud.alicloud: "{{{{ alicloud_module_defaults }}}}"
  tasks:
    - name: Choose
      ansible.builtin.include_tasks: {root}/playbooks/tasks/choose_placement.yml
    - name: Keep the choice
      ansible.builtin.copy:
        content: "{{{{ site_choice | to_json }}}}"
        dest: "{{{{ bench_choice_file }}}}"
        mode: "0600"
"""


def choose(emulator, inventory, scratch):
    playbook = Path(scratch) / "choose.yml"
    playbook.write_text(CHOOSE.format(root=ROOT))
    output = Path(scratch) / "choice.json"
    run(emulator, inventory, playbook, bench_choice_file=str(output))
    return json.loads(output.read_text())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-scale", type=float, default=0.2)
    parser.add_argument("--output")
    parser.add_argument("--noop-runs", type=int, default=3, help="no-op re-runs of provision.yml (median)")
    args = parser.parse_args()
    results = {"python": platform.python_version(), "time_scale": args.time_scale, "load_average": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="site-bench-") as scratch:
        inventory = Path(scratch) / "local"
        shutil.copytree(ROOT / "inventories" / "local" / "group_vars", inventory / "group_vars")
        (inventory / "hosts.yml").write_text("all: {}\n")
        timing = ["--timing", "realistic", "--time-scale", str(args.time_scale)]
        emulator = EmulatorProcess(state_dir=str(Path(scratch) / "state"), extra_args=timing).start()
        try:
            bound = critical_path(args.time_scale)
            wall = run(emulator, inventory, "provision.yml")
            results["provision"] = {
                "wall_seconds": round(wall, 1),
                "critical_path_seconds": round(bound, 1),
                "ratio": round(wall / bound, 2),
            }
            samples = []
            for _run in range(args.noop_runs):
                emulator.admin.reset_requests()
                samples.append(round(run(emulator, inventory, "provision.yml"), 1))
            counts = emulator.admin.requests()
            results["noop"] = {
                "wall_seconds": statistics.median(samples),
                "samples": samples,
                "calls": counts["total"],
                "mutating": counts["mutating"],
            }
            run(emulator, inventory, "teardown.yml")
            emulator.admin.reset()
            site_choice = choose(emulator, inventory, scratch)
            after_choice = run(emulator, inventory, "provision.yml", site_choice=site_choice)
            results["provision_after_choice"] = {
                "wall_seconds": round(after_choice, 1),
                "critical_path_seconds": round(bound, 1),
                "ratio": round(after_choice / bound, 2),
            }
            results["instances"] = {"2": round(wall, 1)}
            for count in (4, 8):
                emulator.admin.reset()
                results["instances"][str(count)] = round(
                    run(emulator, inventory, "provision.yml", site_web_instance_count=count), 1
                )
        finally:
            emulator.stop()
    p = results["provision"]
    print(f"provision: {p['wall_seconds']} s, critical path {p['critical_path_seconds']} s, ratio {p['ratio']}")
    a = results["provision_after_choice"]
    print(f"provision after the preflight's choice (as in site.yml): {a['wall_seconds']} s, ratio {a['ratio']}")
    noop = results["noop"]
    print(f"no-op re-run: {noop['wall_seconds']} s, {noop['calls']} calls, {noop['mutating']} mutating")
    print(f"provision with 2 / 4 / 8 web instances: {results['instances']}")
    if args.output:
        Path(args.output).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
