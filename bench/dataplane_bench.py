"""Data plane measures (`--runtime docker`): RunInstances to systemd running, CLB detection of a stopped
backend against its lower bound, `down` time, and the local image's build time.

.venv/bin/python bench/dataplane_bench.py [--instances 3] [--detections 3] [--build-image] [--output FILE]

- Each instance is run and waited for in turn (RunInstances sent, then `systemctl is-system-running`
  polled every 0.1 s until it says running or degraded).
- Detection: two instances with a web server behind a load balancer (health check every 2 s, healthy and
  unhealthy thresholds 3/3, timeout 5 s: the seed's settings); one is stopped (StopInstance); the time from
  its container being stopped to DescribeHealthStatus saying `abnormal` (polled every 0.1 s), against the
  lower bound interval x unhealthy threshold = 6 s; then it is started again and waited for `normal`.
- `down` (stop the emulator, HAProxy, remove its containers and networks) with every instance running.
- --build-image: an uncached build of the image recipe under a throw-away name, removed afterwards.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from alicloud_emulator.docker_testing import (
    DockerEmulator,
    container_state,
    health,
    load_balancer,
    local_image,
    network,
    run_instance,
    start_web_server,
    systemd_state,
    wait_for,
    wait_status,
)
from alicloud_emulator.testing import sdk_models

INTERVAL, HEALTHY, UNHEALTHY, TIMEOUT = 2, 3, 3, 5
BUILD_IMAGE = Path(__file__).resolve().parents[1] / "tools" / "build-image.sh"


def boot_times(cloud, net, count):
    times, states, instances = [], [], []
    for index in range(count):
        began = time.monotonic()
        instance_id = run_instance(cloud, net, index % 2, host_name=f"web-{index + 1}")
        wait_for(lambda i=instance_id: systemd_state(i) in ("running", "degraded"), 120, interval=0.1)
        times.append(time.monotonic() - began)
        states.append(systemd_state(instance_id))
        instances.append(instance_id)
    return times, states, instances


def detection_times(cloud, instances, runs):
    ecs, m = cloud.client("ecs"), sdk_models("ecs")
    for instance_id in instances[:2]:
        start_web_server(instance_id)
    site = load_balancer(cloud, instances[:2], INTERVAL, HEALTHY, UNHEALTHY, TIMEOUT)
    wait_for(lambda: set(health(cloud, site["lb_id"]).values()) == {"normal"}, 60, what="both normal")
    target = instances[0]
    detected = []
    for _run in range(runs):
        ecs.stop_instance(m.StopInstanceRequest(instance_id=target))
        wait_for(lambda: container_state(target) == "exited", 60, interval=0.05)
        stopped_at = time.monotonic()
        wait_for(lambda: health(cloud, site["lb_id"])[target] == "abnormal", 60, interval=0.1)
        detected.append(time.monotonic() - stopped_at)
        ecs.start_instance(m.StartInstanceRequest(instance_id=target))
        wait_status(cloud, target, "Running")
        wait_for(lambda: systemd_state(target) in ("running", "degraded"), 120, interval=0.1)
        start_web_server(target)
        wait_for(lambda: health(cloud, site["lb_id"])[target] == "normal", 60, interval=0.2)
    return detected


def image_build_seconds():
    name = f"ha-web/bench-build-{os.getpid()}"
    began = time.monotonic()
    done = subprocess.run(
        [str(BUILD_IMAGE)], env={**os.environ, "IMAGE_NAME": name}, capture_output=True, text=True, check=True
    )
    seconds = time.monotonic() - began
    reference = done.stdout.strip().splitlines()[-1]
    subprocess.run(["docker", "image", "rm", reference], capture_output=True, check=False)  # noqa: S607
    subprocess.run(["docker", "image", "rm", f"{name}:latest"], capture_output=True, check=False)  # noqa: S607
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=3)
    parser.add_argument("--detections", type=int, default=3)
    parser.add_argument("--build-image", action="store_true", help="also time an uncached image build (~1.5 min)")
    parser.add_argument("--output")
    args = parser.parse_args()
    image = local_image()
    results = {"python": platform.python_version(), "machine": platform.machine(), "image": image}
    with tempfile.TemporaryDirectory(prefix="dataplane-bench-") as state_dir, DockerEmulator(state_dir, image) as cloud:
        net = network(cloud)
        boot, states, instances = boot_times(cloud, net, max(args.instances, 2))
        detected = detection_times(cloud, instances, args.detections)
        began = time.monotonic()
        status = cloud.down()
        down_seconds = time.monotonic() - began
    if status != 0:
        raise SystemExit("down failed")
    results["run_to_systemd_seconds"] = [round(s, 3) for s in boot]
    results["run_to_systemd_median_seconds"] = round(statistics.median(boot), 3)
    results["systemd_states"] = states
    results["detection"] = {
        "interval": INTERVAL,
        "unhealthy_threshold": UNHEALTHY,
        "timeout": TIMEOUT,
        "lower_bound_seconds": INTERVAL * UNHEALTHY,
        "seconds": [round(s, 2) for s in detected],
        "median_seconds": round(statistics.median(detected), 2),
    }
    results["down_seconds"] = round(down_seconds, 3)
    results["down_instances"] = len(instances)
    print(f"RunInstances -> systemd running: median {results['run_to_systemd_median_seconds']} s")
    print(f"  each: {results['run_to_systemd_seconds']} ({', '.join(states)})")
    d = results["detection"]
    print(f"stopped backend -> abnormal: median {d['median_seconds']} s {d['seconds']}")
    print(f"  lower bound interval x unhealthy threshold: {d['lower_bound_seconds']} s")
    print(f"down with {len(instances)} running instances and a load balancer: {results['down_seconds']} s")
    if args.build_image:
        results["image_build_seconds"] = round(image_build_seconds(), 1)
        print(f"image build (uncached): {results['image_build_seconds']} s")
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=1)
            handle.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
