"""The same network (VPC, two vSwitches, a security group with rules) made with the older alibaba.alicloud
modules (PyPI ansible_alicloud + footmark, in .venv-peer) and with this collection's, against the emulator:
API calls, changed tasks and time, for the creating run and the no-op re-run; then both runs in a region
that already holds 12 other VPCs (the old modules read one page of 10), and a creating run with 30% of the
mutating calls throttled. Ours run in the controller's task worker (the default). The creating run and the
no-op re-run are made --rounds times from an empty region (median seconds); the ratios are ours / the peer's.

    .venv/bin/python bench/peer_bench.py [--rounds 3] [--output bench/results/peer.json]
"""

import argparse
import json
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import time

from alicloud_emulator.testing import ACCESS_KEY_ID, ACCESS_KEY_SECRET, EmulatorProcess, sdk_models

ROOT = pathlib.Path(__file__).resolve().parents[1]
PEER_VENV = ROOT / ".venv-peer"
OURS_BIN = pathlib.Path(sys.executable).parent
PLAYS = {
    "alibaba.alicloud": ROOT / "bench/playbooks/peer_network.yml",
    "ha_web.alicloud": ROOT / "bench/playbooks/ours_network.yml",
}


def peer_environment():
    """Create .venv-peer with the old modules (once), and return the site-packages path."""
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "-r", str(ROOT / "requirements/peer.txt")],
            check=True,
            stderr=subprocess.DEVNULL,
        )
    site = pathlib.Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    shutil.copy(ROOT / "bench/peer_endpoint_shim.py", site / "ha_web_peer_endpoint.py")
    (site / "ha_web_peer_endpoint.pth").write_text("import ha_web_peer_endpoint\n", encoding="utf-8")
    return site


def run(emulator, who, site):
    env = dict(os.environ, ANSIBLE_NOCOLOR="1")
    if who == "alibaba.alicloud":
        env.update(
            HA_WEB_PEER_ENDPOINT=emulator.endpoint,
            ALICLOUD_ACCESS_KEY=ACCESS_KEY_ID,
            ALICLOUD_SECRET_KEY=ACCESS_KEY_SECRET,
            ALICLOUD_REGION="cn-hangzhou",
            ANSIBLE_LIBRARY=str(site / "ansible/modules/cloud/alicloud"),
            ANSIBLE_MODULE_UTILS=str(site / "ansible/module_utils"),
        )
        playbook = PEER_VENV / "bin" / "ansible-playbook"
    else:
        env.update(
            ALIBABA_CLOUD_ACCESS_KEY_ID=ACCESS_KEY_ID,
            ALIBABA_CLOUD_ACCESS_KEY_SECRET=ACCESS_KEY_SECRET,
            ALIBABA_CLOUD_REGION_ID="cn-hangzhou",
            ALIBABA_CLOUD_ENDPOINT_URL=f"http://{emulator.endpoint}",
            ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
            ANSIBLE_INVENTORY="/dev/null",
        )
        playbook = OURS_BIN / "ansible-playbook"
    emulator.admin.reset_requests()
    began = time.monotonic()
    result = subprocess.run(
        [str(playbook), str(PLAYS[who])], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    elapsed = time.monotonic() - began
    recap = re.search(r"ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)", result.stdout)
    calls = emulator.admin.requests()
    vpcs = [v for v in emulator.admin.state().get("vpc", {}).values() if v["VpcName"].endswith("-vpc")]
    return {
        "seconds": round(elapsed, 2),
        "succeeded": result.returncode == 0,
        "changed": int(recap.group(2)) if recap else None,
        "calls": calls["total"],
        "mutating_calls": calls["mutating"],
        "throttled": sum(o.get("throttled", 0) for o in calls["outcomes"].values()),
        "vpcs_named_like_ours": len(vpcs),
    }


def crowd_region(emulator, count):
    vpc, models = emulator.client("vpc"), sdk_models("vpc")
    for index in range(count):
        request = models.CreateVpcRequest(
            region_id="cn-hangzhou", cidr_block=f"10.{index}.0.0/16", vpc_name=f"other-{index}"
        )
        vpc.create_vpc(request)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    load_average = os.getloadavg()
    site = peer_environment()
    results = {}
    for who in PLAYS:
        emulator = EmulatorProcess(extra_args=["--timing", "instant"]).start()
        try:
            outcome = results[who] = {}
            for case in ("create", "noop_rerun"):
                outcome[case] = {"samples": []}
            for _round in range(args.rounds):
                emulator.admin.reset()
                for case in ("create", "noop_rerun"):
                    samples = outcome[case]["samples"]
                    outcome[case] = run(emulator, who, site)
                    outcome[case]["samples"] = [*samples, outcome[case]["seconds"]]
            for case in ("create", "noop_rerun"):
                outcome[case]["seconds"] = statistics.median(outcome[case]["samples"])
            emulator.admin.reset()
            crowd_region(emulator, 12)
            outcome["create_after_12_other_vpcs"] = run(emulator, who, site)
            outcome["rerun_after_12_other_vpcs"] = run(emulator, who, site)
            emulator.admin.reset()
            emulator.admin.faults(throttle_rate=0.3, scope="mutating", seed=1)
            outcome["create_with_30pct_throttling"] = run(emulator, who, site)
        finally:
            emulator.stop()
    for who, outcome in results.items():
        for case, figures in outcome.items():
            print(f"{who:18} {case:30} {json.dumps(figures)}")
    ours, peer = results["ha_web.alicloud"], results["alibaba.alicloud"]
    results["ratios"] = {
        case: round(ours[case]["seconds"] / peer[case]["seconds"], 2) for case in ("create", "noop_rerun")
    }
    results["load_average"] = load_average
    print(
        f"ours / peer (median of {args.rounds}): create {results['ratios']['create']}x "
        f"({ours['create']['calls']} / {peer['create']['calls']} calls), "
        f"no-op re-run {results['ratios']['noop_rerun']}x "
        f"({ours['noop_rerun']['calls']} / {peer['noop_rerun']['calls']} calls)"
    )
    if args.output:
        pathlib.Path(args.output).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
