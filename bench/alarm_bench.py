"""Alarm delay on the emulator: how long after the CLB marks a backend abnormal the unhealthy-backend alarm fires.

An emulator process (`--timing fast`: a rule's 60 s period lasts 6 s) with two Running instances behind a CLB
listener (health check on, interval 2 s, thresholds 3), the site's rule (acs_slb_dashboard UnhealthyServerCount
Maximum > 0, 1 period). Each trial waits a random part of a period, stops one instance (ECS StopInstance), polls
DescribeHealthStatus every 50 ms until the CLB reports it abnormal, and reads when the alarm fired from
GET /_emulator/runtime/alarms; then starts it again and waits for the alarm to end. Target: one period + 5 s.

.venv/bin/python bench/alarm_bench.py [--trials 8] [--seed 16] [--output bench/results/alarms.json]
"""

import argparse
import json
import platform
import random
import statistics
import time

from alicloud_emulator.testing import EmulatorProcess, sdk_models

REGION = "cn-hangzhou"
PERIOD = 60  # the rule's period, real-cloud seconds
FAST_FACTOR = 0.1  # timing.GIVEN_DURATION_FACTORS["fast"]
POLL = 0.05


def wait(check, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = check()
        if found:
            return found
        time.sleep(POLL)
    raise RuntimeError(f"timed out waiting for {what}")


def build(process):
    """Two instances behind a running listener, and the unhealthy-backend rule; returns (lb id, instance ids)."""
    vpc_m, ecs_m, slb_m, cms_m = (sdk_models(p) for p in ("vpc", "ecs", "slb", "cms"))
    vpc, ecs, slb, cms = (process.client(p) for p in ("vpc", "ecs", "slb", "cms"))
    vpc_id = vpc.create_vpc(vpc_m.CreateVpcRequest(region_id=REGION, cidr_block="192.168.0.0/16")).body.vpc_id
    wait(
        lambda: vpc.describe_vpcs(vpc_m.DescribeVpcsRequest(region_id=REGION, vpc_id=vpc_id)).body.vpcs.vpc[0].status
        == "Available",
        30,
        "the VPC",
    )
    vswitch = vpc_m.CreateVSwitchRequest(
        region_id=REGION, vpc_id=vpc_id, zone_id="cn-hangzhou-j", cidr_block="192.168.1.0/24"
    )
    vswitch_id = vpc.create_vswitch(vswitch).body.v_switch_id
    wait(
        lambda: vpc.describe_vswitches(vpc_m.DescribeVSwitchesRequest(region_id=REGION, v_switch_id=vswitch_id))
        .body.v_switches.v_switch[0]
        .status
        == "Available",
        30,
        "the vSwitch",
    )
    group_id = ecs.create_security_group(
        ecs_m.CreateSecurityGroupRequest(region_id=REGION, vpc_id=vpc_id)
    ).body.security_group_id
    image_id = ecs.describe_images(ecs_m.DescribeImagesRequest(region_id=REGION)).body.images.image[0].image_id
    instance_ids = ecs.run_instances(
        ecs_m.RunInstancesRequest(
            region_id=REGION,
            image_id=image_id,
            instance_type="ecs.u1-c1m1.large",
            v_switch_id=vswitch_id,
            security_group_id=group_id,
            amount=2,
        )
    ).body.instance_id_sets.instance_id_set
    lb_id = slb.create_load_balancer(
        slb_m.CreateLoadBalancerRequest(region_id=REGION, instance_charge_type="PayByCLCU")
    ).body.load_balancer_id
    slb.create_load_balancer_httplistener(
        slb_m.CreateLoadBalancerHTTPListenerRequest(
            region_id=REGION, load_balancer_id=lb_id, listener_port=80, backend_server_port=80, bandwidth=-1,
            health_check="on", health_check_interval=2, healthy_threshold=3, unhealthy_threshold=3,
            sticky_session="off",
        )
    )  # fmt: skip
    slb.start_load_balancer_listener(
        slb_m.StartLoadBalancerListenerRequest(region_id=REGION, load_balancer_id=lb_id, listener_port=80)
    )
    wait(lambda: all_running(process), 60, "the instances to run")
    slb.add_backend_servers(
        slb_m.AddBackendServersRequest(
            region_id=REGION,
            load_balancer_id=lb_id,
            backend_servers=json.dumps([{"ServerId": i, "Weight": 100} for i in instance_ids]),
        )
    )
    cms.put_contact_group(cms_m.PutContactGroupRequest(contact_group_name="bench"))
    cms.put_resource_metric_rule(
        cms_m.PutResourceMetricRuleRequest(
            rule_id="bench-unhealthy",
            rule_name="bench-unhealthy",
            namespace="acs_slb_dashboard",
            metric_name="UnhealthyServerCount",
            resources=json.dumps([{"instanceId": lb_id}]),
            contact_groups="bench",
            period=str(PERIOD),
            escalations=cms_m.PutResourceMetricRuleRequestEscalations(
                critical=cms_m.PutResourceMetricRuleRequestEscalationsCritical(
                    statistics="Maximum", comparison_operator="GreaterThanThreshold", threshold="0", times=1
                )
            ),
        )
    )
    return lb_id, instance_ids


def all_running(process):
    ecs_m = sdk_models("ecs")
    found = process.client("ecs").describe_instances(ecs_m.DescribeInstancesRequest(region_id=REGION)).body
    return all(i.status == "Running" for i in found.instances.instance)


def statuses(process, lb_id):
    """{server id: health} of the listener."""
    slb_m = sdk_models("slb")
    body = (
        process.client("slb")
        .describe_health_status(slb_m.DescribeHealthStatusRequest(region_id=REGION, load_balancer_id=lb_id))
        .body
    )
    return {row.server_id: row.server_health_status for row in body.backend_servers.backend_server}


def alarms(process, state, since):
    return [
        a
        for a in process.admin.call("GET", "/runtime/alarms")["alarms"]
        if a["rule_id"] == "bench-unhealthy" and a["state"] == state and a["time"] >= since
    ]


def trial(process, lb_id, instance_id, pause):
    """Seconds from the CLB's abnormal verdict to the alarm. `pause` first: the stop falls anywhere in a period (the
    end of the previous alarm is seen at a sample, so without it every stop would come just after one)."""
    time.sleep(pause)
    ecs_m, ecs = sdk_models("ecs"), process.client("ecs")
    stopped_at = time.time()
    ecs.stop_instance(ecs_m.StopInstanceRequest(instance_id=instance_id, force_stop=True))
    wait(lambda: statuses(process, lb_id).get(instance_id) == "abnormal", 60, "the CLB to mark it abnormal")
    abnormal_at = time.time()
    alert = wait(lambda: alarms(process, "ALERT", stopped_at), 60, "the alarm")[0]
    ecs.start_instance(ecs_m.StartInstanceRequest(instance_id=instance_id))
    wait(lambda: alarms(process, "OK", alert["time"]), 120, "the alarm to end")
    return alert["time"] - abnormal_at


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=8)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--output", default="bench/results/alarms.json")
    args = parser.parse_args()
    process = EmulatorProcess(extra_args=["--timing", "fast"]).start()
    try:
        lb_id, instance_ids = build(process)
        wait(lambda: set(statuses(process, lb_id).values()) == {"normal"}, 60, "healthy backends")
        pauses = random.Random(args.seed)  # noqa: S311 - when the trials stop an instance, not a secret
        delays = [
            trial(process, lb_id, instance_ids[n % 2], pauses.uniform(0, PERIOD * FAST_FACTOR))
            for n in range(args.trials)
        ]
    finally:
        process.stop()
    period = PERIOD * FAST_FACTOR
    results = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "timing": "fast",
        "seed": args.seed,
        "period_seconds": period,
        "target_seconds": period + 5,
        "alarm_delay_seconds": {
            "median": round(statistics.median(delays), 3),
            "max": round(max(delays), 3),
            "min": round(min(delays), 3),
            "trials": [round(d, 3) for d in delays],
        },
    }
    print(
        f"alarm delay after the CLB marked a backend abnormal: median {results['alarm_delay_seconds']['median']} s,"
        f" max {results['alarm_delay_seconds']['max']} s over {len(delays)} trials (period {period} s,"
        f" target {period + 5} s)"
    )
    with open(args.output, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1)
        handle.write("\n")


if __name__ == "__main__":
    main()
