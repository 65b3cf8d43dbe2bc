"""Module measures against the emulator: API calls for the whole resource set (create, and a no-op re-run),
the per-task time of a no-op module run and of a creating one beyond its API calls, each with the modules run in
the controller's task worker (the default) and with the fallback, a module process per task
(HA_WEB_ALICLOUD_IN_CONTROLLER=false), the share of a module process spent importing the SDK, and how the time to
create instances grows from one to two (their waits overlap) on the realistic timing profile.

    .venv/bin/python bench/modules_bench.py [--output bench/results/modules.json]

Per-task times are (a play of 1 + N tasks - a play of 1 task) / N, so the playbook's start is left out; median of
--rounds; the same for the items of one looping task (bench/playbooks/noop_tasks.yml's shape: one worker for all).
A creating task is an ha_web.alicloud.vpc task making a new VPC (instant timing): DescribeVpcs by name,
CreateVpc, DescribeVpcs by id (the wait); its API time is the same three calls sent by the SDK from a Python loop.
"""

import argparse
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from alicloud_emulator.testing import ACCESS_KEY_ID, ACCESS_KEY_SECRET, EmulatorProcess, sdk_models

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent
RESOURCE_SET = ROOT / "tests" / "integration" / "playbooks" / "resource_set.yml"
INSTANCES = ROOT / "bench" / "playbooks" / "instances.yml"
# vpc, 2 vswitches, security group, key pair, 2 instances, 2 file systems, access group, 2 mount targets,
# load balancer, listener, backend set
RESOURCES = 15


PATHS = {
    "in_controller": {"HA_WEB_ALICLOUD_IN_CONTROLLER": "true"},
    "fallback": {"HA_WEB_ALICLOUD_IN_CONTROLLER": "false"},
}


def playbook(emulator, path, environment=None, **extra_vars):
    env = dict(
        os.environ,
        ALIBABA_CLOUD_ACCESS_KEY_ID=ACCESS_KEY_ID,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=ACCESS_KEY_SECRET,
        ALIBABA_CLOUD_REGION_ID="cn-hangzhou",
        ALIBABA_CLOUD_ENDPOINT_URL=f"http://{emulator.endpoint}",
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_INVENTORY="/dev/null",
    )
    env.update(environment or {})
    command = [str(BIN / "ansible-playbook"), str(path)]
    for key, value in extra_vars.items():
        command += ["-e", f"{key}={value}"]
    began = time.monotonic()
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - began
    if result.returncode:
        raise SystemExit(result.stdout[-5000:] + result.stderr[-2000:])
    return elapsed


def calls(emulator):
    snapshot = emulator.admin.requests()
    return {"total": snapshot["total"], "mutating": snapshot["mutating"], "by_action": snapshot["counts"]}


# What a module imports from the SDK to build its client: the generic OpenAPI client when endpoint_url is set (the
# emulator), the product's client (its endpoint table, with the product's models) on a real account. Imported the
# way module_utils/clients.py imports them: with aiohttp deferred to its first use.
SDK_MODULES = {
    "with_endpoint_url": ("alibabacloud_tea_openapi.models", "alibabacloud_tea_openapi.client", "darabonba.runtime"),
    "product_client": ("alibabacloud_tea_openapi.models", "darabonba.runtime", "alibabacloud_vpc20160428.client"),
}
MODULE_UTILS = str(ROOT / "plugins" / "module_utils")
SDK_IMPORTS = {
    name: f"import sys; sys.path.insert(0, {MODULE_UTILS!r}); import clients; clients._import_sdk(*{modules!r})"
    for name, modules in SDK_MODULES.items()
}


def import_seconds(code, runs=5):
    """Wall time of running `code` (imports) in a fresh interpreter, beyond the interpreter's own start."""
    samples = []
    for _run in range(runs):
        began = time.monotonic()
        subprocess.run([sys.executable, "-c", code], check=True)
        samples.append(time.monotonic() - began)
        began = time.monotonic()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        samples[-1] -= time.monotonic() - began
    return statistics.median(samples)


def tasks_playbook(directory, count, creating, loop=False):
    """A play of `count` separate tasks (each forks a worker, as a playbook's tasks do), or of one task looping over
    `count` items (one worker for them all): the same VPC again and again (no-op), or a new VPC each time (creating;
    `prefix` names this run's VPCs). JSON is YAML."""
    vpc = {"name": "{{ prefix }}-{{ index }}" if creating else "bench-noop", "cidr_block": "10.99.0.0/16"}
    if loop:
        looping = {"loop": list(range(count)), "loop_control": {"loop_var": "index"}}
        tasks = [{"name": "VPCs", "ha_web.alicloud.vpc": vpc, **looping}]
    else:
        tasks = [{"name": f"VPC {i}", "ha_web.alicloud.vpc": vpc, "vars": {"index": i}} for i in range(count)]
    play = {"name": "VPC tasks", "hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": tasks}
    path = pathlib.Path(directory) / f"{'creating' if creating else 'noop'}_{'loop' if loop else 'tasks'}_{count}.yml"
    path.write_text(json.dumps([play], indent=1), encoding="utf-8")
    return path


def per_task(emulator, directory, count, creating, path, rounds, loop=False):
    """Median seconds per task (or loop item) of `count` beyond a play of one, and the calls of the last round."""
    samples = []
    label = f"{path}-{'loop' if loop else 'tasks'}"
    for index in range(rounds):
        one = tasks_playbook(directory, 1, creating, loop)
        one = playbook(emulator, one, PATHS[path], prefix=f"{label}-one-{index}")
        emulator.admin.reset_requests()
        many = tasks_playbook(directory, count + 1, creating, loop)
        many = playbook(emulator, many, PATHS[path], prefix=f"{label}-many-{index}")
        samples.append((many - one) / count)
    made = emulator.admin.requests()
    return {
        "median": round(statistics.median(samples), 3),
        "samples": [round(s, 3) for s in samples],
        "calls_per_task": {action: n / (count + 1) for action, n in made["counts"].items()},
    }


def api_seconds_of_create(emulator, count=30):
    """Median seconds of a creating VPC task's three calls, sent by the SDK from this process."""
    client, models = emulator.client("vpc"), sdk_models("vpc")
    samples = []
    for index in range(count):
        began = time.monotonic()
        client.describe_vpcs(models.DescribeVpcsRequest(region_id="cn-hangzhou", vpc_name=f"sdk-{index}"))
        request = models.CreateVpcRequest(region_id="cn-hangzhou", cidr_block="10.99.0.0/16", vpc_name=f"sdk-{index}")
        vpc_id = client.create_vpc(request).body.vpc_id
        client.describe_vpcs(models.DescribeVpcsRequest(region_id="cn-hangzhou", vpc_id=vpc_id))
        samples.append(time.monotonic() - began)
    return statistics.median(samples)


def instance_times():
    """Seconds to create 1 and 2 instances (each run in a fresh emulator, realistic timing scaled by 0.2)."""
    times = {}
    for count in (1, 2):
        emulator = EmulatorProcess(extra_args=["--timing", "realistic", "--time-scale", "0.2"]).start()
        try:
            times[str(count)] = round(playbook(emulator, INSTANCES, count=count), 2)
        finally:
            emulator.stop()
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output")
    parser.add_argument("--tasks", type=int, default=20, help="N, in the controller")
    parser.add_argument("--fallback-tasks", type=int, default=10, help="N, with the fallback")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results = {"load_average": os.getloadavg()}
    emulator = EmulatorProcess(extra_args=["--timing", "instant"]).start()
    scratch = tempfile.mkdtemp(prefix="modules-bench-")
    try:
        emulator.admin.reset_requests()
        results["create_seconds"] = round(playbook(emulator, RESOURCE_SET), 2)
        results["create_calls"] = calls(emulator)
        emulator.admin.reset_requests()
        results["noop_rerun_seconds"] = round(playbook(emulator, RESOURCE_SET), 2)
        noop = results["noop_rerun_calls"] = calls(emulator)
        results["noop_rerun_calls_per_resource"] = round(noop["total"] / RESOURCES, 2)
        print(
            f"whole resource set ({RESOURCES} resources): create {results['create_calls']['total']} calls "
            f"({results['create_calls']['mutating']} mutating) in {results['create_seconds']} s"
        )
        print(
            f"identical re-run: {noop['total']} calls, {noop['mutating']} mutating, "
            f"{results['noop_rerun_calls_per_resource']} calls per resource, {results['noop_rerun_seconds']} s"
        )

        playbook(emulator, tasks_playbook(scratch, 1, creating=False))  # creates the VPC of the no-op tasks
        for key in ("noop_task_seconds", "create_task_seconds", "noop_loop_item_seconds", "create_loop_item_seconds"):
            results[key] = {}
        for path in PATHS:
            count = args.tasks if path == "in_controller" else args.fallback_tasks
            results["noop_task_seconds"][path] = per_task(emulator, scratch, count, False, path, args.rounds)
            results["create_task_seconds"][path] = per_task(emulator, scratch, count, True, path, args.rounds)
            noop = per_task(emulator, scratch, count, False, path, args.rounds, loop=True)
            created = per_task(emulator, scratch, count, True, path, args.rounds, loop=True)
            results["noop_loop_item_seconds"][path], results["create_loop_item_seconds"][path] = noop, created
        api = api_seconds_of_create(emulator)
        results["create_api_seconds"] = round(api, 3)
        results["create_overhead_seconds"] = {
            path: round(results["create_task_seconds"][path]["median"] - api, 3) for path in PATHS
        }
        results["create_loop_item_overhead_seconds"] = {
            path: round(results["create_loop_item_seconds"][path]["median"] - api, 3) for path in PATHS
        }
        for path in PATHS:
            noop, created = results["noop_task_seconds"][path], results["create_task_seconds"][path]
            print(
                f"{path:13}: no-op task {noop['median'] * 1000:.0f} ms, "
                f"creating task {created['median'] * 1000:.0f} ms "
                f"({results['create_overhead_seconds'][path] * 1000:.0f} ms beyond its API calls, "
                f"{api * 1000:.0f} ms); median of {args.rounds}, calls per creating task {created['calls_per_task']}"
            )
            noop, created = results["noop_loop_item_seconds"][path], results["create_loop_item_seconds"][path]
            print(
                f"{path:13}: as loop items: no-op {noop['median'] * 1000:.0f} ms, "
                f"creating {created['median'] * 1000:.0f} ms "
                f"({results['create_loop_item_overhead_seconds'][path] * 1000:.0f} ms beyond its API calls)"
            )

        fallback = results["noop_task_seconds"]["fallback"]["median"]
        imports = {name: import_seconds(code) for name, code in SDK_IMPORTS.items()}
        results["sdk_import_seconds"] = round(imports["with_endpoint_url"], 3)
        results["sdk_import_share_of_fallback_task"] = round(imports["with_endpoint_url"] / fallback, 2)
        results["product_client_import_seconds"] = round(imports["product_client"], 3)
        print(
            f"SDK import in a module process: {imports['with_endpoint_url'] * 1000:.0f} ms "
            f"({results['sdk_import_share_of_fallback_task']:.0%} of a fallback no-op task); with the VPC product "
            f"client, as on a real account: {imports['product_client'] * 1000:.0f} ms (in the controller: once a run)"
        )
    finally:
        emulator.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    results["instances_seconds"] = instance_times()
    one, two = results["instances_seconds"]["1"], results["instances_seconds"]["2"]
    print(f"instances on realistic timing x0.2: one {one} s, two {two} s (ratio {two / one:.2f})")
    if args.output:
        pathlib.Path(args.output).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
