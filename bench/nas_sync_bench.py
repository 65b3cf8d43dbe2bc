"""Role nas_sync on the two hosts of the Molecule scenario molecule/nas_sync (created and converged here, destroyed
at the end unless --keep): lsyncd's master->backup latency (p50/p99 over --writes single-file writes), the time to
sync --small-files small files, and over --runs master outages (its bindfs processes frozen from the host with
SIGSTOP, always resumed): freeze -> switched to the backup and serving, recovery -> switched back to the master, and
the acknowledged writes lost across failover + failback on the read_write host.

    .venv/bin/python bench/nas_sync_bench.py [--output bench/results/nas_sync.json] [--keep]
"""

import argparse
import datetime
import json
import os
import pathlib
import shutil
import signal
import statistics
import subprocess
import sys
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent
DOCKER = shutil.which("docker") or "/usr/bin/docker"
PGREP = shutil.which("pgrep") or "/usr/bin/pgrep"
SUFFIX = os.environ.get("MOLECULE_NAME_SUFFIX", "")  # the scenario's container names (see make molecule)
HOSTS = [f"hw-mol-sync-web1{SUFFIX}", f"hw-mol-sync-web2{SUFFIX}"]
READ_WRITE_HOST = HOSTS[1]
MASTER_DOMAIN = "0a1b2c3d4e-sync1.cn-hangzhou.nas.aliyuncs.com"
MASTER_SITE = "/nas_master/www"
BACKUP_SITE = "/nas_backup/www"
FAILOVER_TARGET_SECONDS = 2.0

# Runs in a container: writes files one by one on the master and times each one's arrival on the backup.
LATENCY_SCRIPT = """
import json, os, sys, time
count, directory = int(sys.argv[1]), sys.argv[2]
os.makedirs(f"/nas_master/www/{directory}")
time.sleep(1)
latencies = []
for index in range(count):
    name = f"{directory}/f{index}"
    start = time.monotonic()
    with open(f"/nas_master/www/{name}", "w") as file:
        file.write(f"{index}\\n")
    while not os.path.exists(f"/nas_backup/www/{name}"):
        if time.monotonic() - start > 30:
            sys.exit(f"{name} not on the backup after 30 s")
        time.sleep(0.001)
    latencies.append(time.monotonic() - start)
print(json.dumps(latencies))
"""

# Runs in a container: writes many small files on the master; times the writing and the arrival of the last one.
BULK_SCRIPT = """
import json, os, sys, time
count, directory = int(sys.argv[1]), sys.argv[2]
os.makedirs(f"/nas_master/www/{directory}")
time.sleep(1)
start = time.monotonic()
for index in range(count):
    with open(f"/nas_master/www/{directory}/f{index}", "w") as file:
        file.write(f"{index}\\n")
written = time.monotonic() - start
while len(os.listdir(f"/nas_backup/www/{directory}")) < count:
    if time.monotonic() - start > 600:
        sys.exit("not all files on the backup after 600 s")
    time.sleep(0.02)
print(json.dumps({"write_seconds": written, "synced_seconds": time.monotonic() - start}))
"""

# Runs in the read_write host through the document root: each acknowledged write is logged; one that hangs on the
# frozen master is killed and retried.
WRITER_SCRIPT = """
mkdir -p /var/www/current/bench-{run}
i=0
while [ ! -e /root/stop-{run} ]; do
    i=$((i+1))
    until timeout -s KILL 1 sh -c 'echo $1 > /var/www/current/bench-{run}/$1' w $i; do sleep 0.05; done
    echo $i >> /root/acknowledged-{run}
    sleep 0.02
done
"""


def sh(host, script, stdin="", check=True, timeout=900):
    done = subprocess.run(
        [DOCKER, "exec", "-i", host, "sh", "-c", script],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"{host}: {script!r} exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout.strip()


def molecule(command):
    image = subprocess.run([str(ROOT / "tools/build-image.sh")], capture_output=True, text=True, check=True).stdout
    env = {**os.environ, "MOLECULE_IMAGE": image.strip(), "PATH": f"{BIN}:{os.environ['PATH']}"}
    done = subprocess.run(
        [str(BIN / "molecule"), command, "-s", "nas_sync"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"molecule {command} -s nas_sync failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def sync_latency(writes):
    out = sh(HOSTS[0], f"python3 - {writes} lat-{uuid.uuid4().hex[:8]}", stdin=LATENCY_SCRIPT)
    latencies = json.loads(out)
    return {
        "writes": len(latencies),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
    }


def small_files(count):
    out = json.loads(sh(HOSTS[0], f"python3 - {count} bulk-{uuid.uuid4().hex[:8]}", stdin=BULK_SCRIPT))
    return {"files": count, **{key: round(value, 2) for key, value in out.items()}}


def master_bindfs_pids():
    """The master's bindfs processes in this scenario's containers (not another checkout's, on the same fake domain)."""
    ours = set()
    for host in HOSTS:
        listing = subprocess.run([DOCKER, "top", host, "-eo", "pid"], capture_output=True, text=True, check=False)
        ours.update(int(pid) for pid in listing.stdout.split() if pid.isdigit())
    found = subprocess.run(
        [PGREP, "-f", f"^bindfs .*/alicloud-nas/{MASTER_DOMAIN} "], capture_output=True, text=True, check=False
    )
    pids = [int(pid) for pid in found.stdout.split() if int(pid) in ours]
    if len(pids) != len(HOSTS):
        raise RuntimeError(f"expected one master bindfs per host, found {pids}")
    return pids


def switched_at(host, to, after):
    state = json.loads(sh(host, "cat /var/lib/ha_web/nas_sync/state.json"))
    for switch in state["switches"]:
        at = datetime.datetime.fromisoformat(switch["at"]).timestamp()
        if switch["to"] == to and at >= after:
            return at
    return None


def wait_for(condition, timeout, what):
    start = time.monotonic()
    while not (value := condition()):
        if time.monotonic() - start > timeout:
            raise RuntimeError(f"{what}: not within {timeout} s")
        time.sleep(0.05)
    return value


def outage(outage_seconds):
    """One master outage with the writer running on the read_write host; the figures of that run."""
    run = uuid.uuid4().hex[:8]
    sh(READ_WRITE_HOST, f"cat > /root/writer-{run}.sh", stdin=WRITER_SCRIPT.format(run=run))
    sh(READ_WRITE_HOST, f"nohup sh /root/writer-{run}.sh >/dev/null 2>&1 &")
    figures = {}
    try:
        time.sleep(1)
        pids = master_bindfs_pids()
        frozen_at = time.time()
        try:
            for pid in pids:
                os.kill(pid, signal.SIGSTOP)
            for host in HOSTS:
                at = wait_for(lambda host=host: switched_at(host, "backup", frozen_at), 20, f"{host} failover")
                figures[f"failover_s_{host}"] = round(at - frozen_at, 2)
                serving = sh(host, "readlink /var/www/current")
                if serving != BACKUP_SITE:
                    raise RuntimeError(f"{host} switched but serves {serving}")
            time.sleep(outage_seconds)
        finally:
            for pid in pids:
                os.kill(pid, signal.SIGCONT)
        resumed_at = time.time()
        for host in HOSTS:
            at = wait_for(lambda host=host: switched_at(host, "master", resumed_at), 120, f"{host} failback")
            figures[f"failback_s_{host}"] = round(at - resumed_at, 2)
        time.sleep(1)
    finally:
        sh(READ_WRITE_HOST, f"touch /root/stop-{run}", check=False)
    time.sleep(1.5)
    acknowledged = set(sh(READ_WRITE_HOST, f"cat /root/acknowledged-{run}").split())
    on_master = set(sh(READ_WRITE_HOST, f"ls {MASTER_SITE}/bench-{run}").split())
    figures.update(acknowledged_writes=len(acknowledged), lost_writes=len(acknowledged - on_master))
    for host in HOSTS:
        wait_for(lambda host=host: sh(host, "systemctl is-active nas-sync", check=False) == "active", 60, "lsyncd")
    return figures


def summary(values):
    return {"min": min(values), "median": round(statistics.median(values), 2), "max": max(values)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(ROOT / "bench/results/nas_sync.json"))
    parser.add_argument("--writes", type=int, default=1000)
    parser.add_argument("--small-files", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--outage-seconds", type=float, default=3.0)
    parser.add_argument("--keep", action="store_true", help="leave the scenario's containers up")
    args = parser.parse_args()
    molecule("converge")
    try:
        latency = sync_latency(args.writes)
        print(f"sync latency over {latency['writes']} writes: p50 {latency['p50_ms']} ms, p99 {latency['p99_ms']} ms")
        bulk = small_files(args.small_files)
        print(
            f"{bulk['files']} small files: written in {bulk['write_seconds']} s, on the backup after "
            f"{bulk['synced_seconds']} s"
        )
        runs = []
        for index in range(args.runs):
            runs.append(outage(args.outage_seconds))
            print(f"outage {index + 1}: {runs[-1]}")
    finally:
        if not args.keep:
            molecule("destroy")
    failover = [value for run in runs for key, value in run.items() if key.startswith("failover_s_")]
    failback = [value for run in runs for key, value in run.items() if key.startswith("failback_s_")]
    results = {
        "sync_latency": latency,
        "small_files": bulk,
        "failover_seconds": {**summary(failover), "target": FAILOVER_TARGET_SECONDS},
        "failback_seconds": summary(failback),
        "read_write_lost_writes": {
            "runs": len(runs),
            "acknowledged": sum(run["acknowledged_writes"] for run in runs),
            "lost": sum(run["lost_writes"] for run in runs),
        },
        "runs": runs,
    }
    print(f"freeze -> serving the backup: {results['failover_seconds']} s (target <= {FAILOVER_TARGET_SECONDS} s)")
    print(f"recovery -> serving the master: {results['failback_seconds']} s")
    print(
        f"read_write: {results['read_write_lost_writes']['lost']} of "
        f"{results['read_write_lost_writes']['acknowledged']} acknowledged writes lost over {len(runs)} runs"
    )
    pathlib.Path(args.output).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
