"""A no-op site.yml on the emulator's Docker runtime (fast timing): the site is built once, then the identical
re-run is timed with the modules in the controller's task worker (the default) and with the fallback, a module
process per task (HA_WEB_ALICLOUD_IN_CONTROLLER=false), alternately, --runs times each (median).

    .venv/bin/python bench/site_noop_bench.py [--runs 3] [--output bench/results/site_noop.json]

The emulator runs on its own port and state directory (--port, --state-dir; removed with `alicloud-emulator down`
at the end), its load balancers on 127.0.77.200-220, the site is named bench-noop in a free 10.x.0.0/16.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from alicloud_emulator.docker_testing import free_block
from alicloud_emulator.testing import Admin

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SITE_NAME = "bench-noop"


def emulator_command(action, state_dir, *arguments):
    subprocess.run([str(BIN / "alicloud-emulator"), action, "--state-dir", str(state_dir), *arguments], check=True)


def inventory(state_dir, endpoint):
    """inventories/local copied under the state directory, pointed at this emulator and this site."""
    directory = state_dir / "inventory" / "local"
    shutil.rmtree(directory.parent, ignore_errors=True)
    shutil.copytree(ROOT / "inventories" / "local", directory)
    for path in directory.rglob("*.yml"):
        text = path.read_text().replace("http://127.0.0.1:18080", f"http://{endpoint}")
        path.write_text(text.replace("{ha_web_site: ha-web}", "{ha_web_site: " + SITE_NAME + "}"))
    return directory


def site(directory, site_vars, in_controller=True):
    """Seconds of one site.yml run, {host: changed} from its recap, and its slowest tasks (profile_tasks)."""
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    env.update(ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks", PROFILE_TASKS_TASK_OUTPUT_LIMIT="8")
    env["PATH"] = f"{BIN}:{env['PATH']}"
    if not in_controller:
        env["HA_WEB_ALICLOUD_IN_CONTROLLER"] = "false"
    command = [str(BIN / "ansible-playbook"), "-i", str(directory), str(ROOT / "playbooks/site.yml")]
    began = time.monotonic()
    done = subprocess.run(
        [*command, "-e", json.dumps(site_vars)], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    elapsed = time.monotonic() - began
    if done.returncode:
        raise SystemExit(done.stdout[-6000:] + done.stderr[-3000:])
    recap = re.findall(r"^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)", done.stdout, re.MULTILINE)
    slowest = re.findall(r"^(.+?) -+ (\d+\.\d+)s$", done.stdout.split("TASKS RECAP")[-1], re.MULTILINE)
    return elapsed, {host: int(count) for host, count in recap}, {task: float(s) for task, s in slowest}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18190)
    parser.add_argument("--state-dir", default="/tmp/bench-site-noop")  # noqa: S108 - a fixed place, torn down
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output")
    args = parser.parse_args()
    results = {"load_average": os.getloadavg(), "runs": args.runs}
    state_dir = Path(args.state_dir)
    shutil.rmtree(state_dir, ignore_errors=True)  # the state of an earlier run (its site has another block)
    state_dir.mkdir(parents=True)
    image = subprocess.run([str(ROOT / "tools/build-image.sh")], check=True, capture_output=True, text=True)
    image = image.stdout.strip().splitlines()[-1]
    endpoint = f"127.0.0.1:{args.port}"
    emulator_command(
        "start",
        state_dir,
        *("--port", str(args.port), "--timing", "fast", "--runtime", "docker", "--image", image),
        *("--lb-addresses", "127.0.77.200-127.0.77.220"),
    )
    try:
        block = free_block()
        prefix = block.split(".0.0/")[0]
        site_vars = {
            "site_name": SITE_NAME,
            "site_vpc_cidr": block,
            "site_vswitch_cidrs": [f"{prefix}.1.0/24", f"{prefix}.2.0/24"],
        }
        directory = inventory(state_dir, endpoint)
        build, _changed, _slowest = site(directory, site_vars)
        results["build_seconds"] = round(build, 1)
        print(f"site built in {build:.1f} s")
        admin = Admin(endpoint)
        for path in ("in_controller", "fallback"):
            results[path] = {"samples": [], "changed": []}
        for _run in range(args.runs):
            for path in ("in_controller", "fallback"):
                admin.reset_requests()
                elapsed, changed, slowest = site(directory, site_vars, in_controller=path == "in_controller")
                calls = admin.requests()
                results[path]["samples"].append(round(elapsed, 1))
                results[path]["changed"].append(sum(changed.values()))
                results[path]["calls"], results[path]["mutating_calls"] = calls["total"], calls["mutating"]
                results[path]["slowest_tasks_last_run"] = slowest
                print(f"no-op site.yml, {path}: {elapsed:.1f} s, changed {changed}, {calls['total']} calls")
        for path in ("in_controller", "fallback"):
            results[path]["median_seconds"] = statistics.median(results[path]["samples"])
        results["ratio"] = round(results["in_controller"]["median_seconds"] / results["fallback"]["median_seconds"], 2)
    finally:
        emulator_command("down", state_dir)  # the emulator, its containers, networks and HAProxy
        shutil.rmtree(state_dir, ignore_errors=True)
    ours, fallback = results["in_controller"], results["fallback"]
    print(
        f"no-op site.yml (median of {args.runs}): in the controller {ours['median_seconds']} s, "
        f"fallback {fallback['median_seconds']} s (ratio {results['ratio']}); "
        f"calls {ours['calls']} / {fallback['calls']}, mutating {ours['mutating_calls']} / {fallback['mutating_calls']}"
    )
    if args.output:
        Path(args.output).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
