"""Emulator measures: start-up time, and DescribeInstances requests per second with 100 instances (real SDK).

.venv/bin/python bench/emulator_bench.py [--output bench/results/emulator.json]
"""

import argparse
import json
import platform
import statistics
import sys
import threading
import time

from alicloud_emulator.testing import EmulatorProcess, sdk_models

REGION = "cn-hangzhou"


def startup_seconds(runs):
    samples = []
    for _run in range(runs):
        process = EmulatorProcess(extra_args=["--timing", "instant"]).start()
        samples.append(process.ready_seconds)
        process.stop()
    return samples


def make_instances(process, count):
    vpc_m, ecs_m = sdk_models("vpc"), sdk_models("ecs")
    vpc, ecs = process.client("vpc"), process.client("ecs")
    vpc_id = vpc.create_vpc(vpc_m.CreateVpcRequest(region_id=REGION, cidr_block="192.168.0.0/16")).body.vpc_id
    vswitch_id = vpc.create_vswitch(
        vpc_m.CreateVSwitchRequest(
            region_id=REGION, vpc_id=vpc_id, zone_id="cn-hangzhou-j", cidr_block="192.168.0.0/20"
        )
    ).body.v_switch_id
    group_id = ecs.create_security_group(
        ecs_m.CreateSecurityGroupRequest(region_id=REGION, vpc_id=vpc_id)
    ).body.security_group_id
    image_id = ecs.describe_images(ecs_m.DescribeImagesRequest(region_id=REGION)).body.images.image[0].image_id
    ecs.run_instances(
        ecs_m.RunInstancesRequest(
            region_id=REGION,
            image_id=image_id,
            instance_type="ecs.u1-c1m1.large",
            v_switch_id=vswitch_id,
            security_group_id=group_id,
            amount=count,
            instance_name="bench",
        )
    )


def requests_per_second(process, threads, seconds):
    ecs_m = sdk_models("ecs")
    request = ecs_m.DescribeInstancesRequest(region_id=REGION, page_size=100)
    counts = [0] * threads
    deadline = time.monotonic() + seconds

    def work(index):
        client = process.client("ecs")
        while time.monotonic() < deadline:
            body = client.describe_instances(request).body
            assert len(body.instances.instance) == 100
            counts[index] += 1

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    began = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.monotonic() - began)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output")
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    results = {"python": platform.python_version(), "machine": platform.machine()}
    starts = startup_seconds(5)
    results["startup_seconds"] = {"median": statistics.median(starts), "max": max(starts), "runs": len(starts)}
    print(f"start-up to first answer: median {results['startup_seconds']['median'] * 1000:.0f} ms over 5 runs")
    process = EmulatorProcess(extra_args=["--timing", "instant"]).start()
    try:
        make_instances(process, 100)
        results["describe_instances_100"] = {}
        for threads in (1, 4):
            rps = requests_per_second(process, threads, args.seconds)
            results["describe_instances_100"][f"clients_{threads}"] = round(rps, 1)
            print(
                f"DescribeInstances (100 instances, page of 100) through the SDK, {threads} client(s): {rps:.1f} req/s"
            )
    finally:
        process.stop()
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=1)
            handle.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
