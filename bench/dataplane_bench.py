"""Data plane measures (`--runtime docker`): RunInstances to systemd running in the container, and `down` time.

.venv/bin/python bench/dataplane_bench.py [--instances 3] [--output bench/results/dataplane.json]

Each instance is run and waited for in turn (RunInstances sent, then `systemctl is-system-running` polled
every 0.1 s until it says running or degraded); then `down` (stop the emulator, remove its containers and
network) is timed with every instance running.
"""

import argparse
import json
import platform
import statistics
import tempfile
import time

from alicloud_emulator.docker_testing import DockerEmulator, local_image, network, run_instance, systemd_state, wait_for


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=3)
    parser.add_argument("--output")
    args = parser.parse_args()
    image = local_image()
    results = {"python": platform.python_version(), "machine": platform.machine(), "image": image}
    with tempfile.TemporaryDirectory(prefix="dataplane-bench-") as state_dir, DockerEmulator(state_dir, image) as cloud:
        net = network(cloud)
        boot = []
        for index in range(args.instances):
            began = time.monotonic()
            instance_id = run_instance(cloud, net, index % 2)
            wait_for(lambda i=instance_id: systemd_state(i) in ("running", "degraded"), 120, interval=0.1)
            boot.append(time.monotonic() - began)
            results.setdefault("systemd_states", []).append(systemd_state(instance_id))
        began = time.monotonic()
        status = cloud.down()
        down_seconds = time.monotonic() - began
    if status != 0:
        raise SystemExit("down failed")
    results["run_to_systemd_seconds"] = [round(s, 3) for s in boot]
    results["run_to_systemd_median_seconds"] = round(statistics.median(boot), 3)
    results["down_seconds"] = round(down_seconds, 3)
    results["down_instances"] = args.instances
    print(f"RunInstances -> systemd running: median {results['run_to_systemd_median_seconds']} s")
    print(f"  each: {results['run_to_systemd_seconds']} ({', '.join(results['systemd_states'])})")
    print(f"down with {args.instances} running instances: {results['down_seconds']} s")
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=1)
            handle.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
