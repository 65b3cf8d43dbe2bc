"""Module measures against the emulator: API calls for the whole resource set (create, and a no-op re-run),
the per-task overhead of a no-op module run and the share of it spent importing the SDK, and how the time to
create instances grows from one to two (their waits overlap) on the realistic timing profile.

    .venv/bin/python bench/modules_bench.py [--output bench/results/modules.json]
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

from alicloud_emulator.testing import ACCESS_KEY_ID, ACCESS_KEY_SECRET, EmulatorProcess

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent
RESOURCE_SET = ROOT / "tests" / "integration" / "playbooks" / "resource_set.yml"
NOOP = ROOT / "bench" / "playbooks" / "noop_tasks.yml"
INSTANCES = ROOT / "bench" / "playbooks" / "instances.yml"
# vpc, 2 vswitches, security group, key pair, 2 instances, 2 file systems, access group, 2 mount targets,
# load balancer, listener, backend set
RESOURCES = 15


def playbook(emulator, path, **extra_vars):
    env = dict(
        os.environ,
        ALIBABA_CLOUD_ACCESS_KEY_ID=ACCESS_KEY_ID,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=ACCESS_KEY_SECRET,
        ALIBABA_CLOUD_REGION_ID="cn-hangzhou",
        ALIBABA_CLOUD_ENDPOINT_URL=f"http://{emulator.endpoint}",
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_INVENTORY="/dev/null",
    )
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
    parser.add_argument("--noop-runs", type=int, default=20)
    args = parser.parse_args()
    results = {}
    emulator = EmulatorProcess(extra_args=["--timing", "instant"]).start()
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

        playbook(emulator, NOOP, runs=1)  # creates the VPC
        per_task = []
        for _round in range(3):
            one = playbook(emulator, NOOP, runs=1)
            many = playbook(emulator, NOOP, runs=args.noop_runs + 1)
            per_task.append((many - one) / args.noop_runs)
        overhead = statistics.median(per_task)
        imports = {name: import_seconds(code) for name, code in SDK_IMPORTS.items()}
        results["noop_task_seconds"] = {"median": round(overhead, 3), "samples": [round(s, 3) for s in per_task]}
        results["sdk_import_seconds"] = round(imports["with_endpoint_url"], 3)
        results["sdk_import_share"] = round(imports["with_endpoint_url"] / overhead, 2)
        results["product_client_import_seconds"] = round(imports["product_client"], 3)
        print(
            f"no-op module run: {overhead * 1000:.0f} ms per task (median of 3 x {args.noop_runs}); "
            f"SDK import {imports['with_endpoint_url'] * 1000:.0f} ms of it ({results['sdk_import_share']:.0%}); "
            f"with the VPC product client, as on a real account: {imports['product_client'] * 1000:.0f} ms"
        )
    finally:
        emulator.stop()
    results["instances_seconds"] = instance_times()
    one, two = results["instances_seconds"]["1"], results["instances_seconds"]["2"]
    print(f"instances on realistic timing x0.2: one {one} s, two {two} s (ratio {two / one:.2f})")
    if args.output:
        pathlib.Path(args.output).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
