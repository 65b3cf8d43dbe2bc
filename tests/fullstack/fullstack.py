"""What the full-stack tests share: running a playbook as a user does, and reading its recap and drill report."""

import json
import os
import re
import subprocess
from pathlib import Path

from alicloud_emulator.testing import sdk_models

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
SITE_NAME = "fs-web"


def playbook_command(inventory, playbook, *arguments):
    """The command line and environment of `ansible-playbook` on `inventory`, with the site's test variables."""
    env = dict(
        os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1", PATH=f"{BIN}:{os.environ['PATH']}"
    )
    command = [str(BIN / "ansible-playbook"), "-i", str(inventory), str(ROOT / "playbooks" / playbook)]
    return [*command, "-e", json.dumps(inventory.site_vars), *arguments], env


def play(inventory, playbook, *arguments, timeout=2400):
    """Run a playbook; it must succeed. Its output. `timeout`: a guard against a hang, in seconds."""
    command, env = playbook_command(inventory, playbook, *arguments)
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    return done.stdout


def changed(output):
    """{host: changed count} from the PLAY RECAP."""
    return {m[0]: int(m[1]) for m in re.findall(r"^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)", output, re.MULTILINE)}


def changed_tasks(output):
    """["<task>: <host>", ...] for every result reported changed (what to show when a re-run should change nothing)."""
    found, task = [], None
    for line in output.splitlines():
        if line.startswith("TASK ["):
            task = line[6 : line.rfind("]")]
        elif line.startswith("changed: ["):
            found.append(f"{task}: {line[10 : line.index(']')]}")
    return found


def running_hosts(cloud):
    """{inventory name (the instance name): container} of the running web instances, sorted by name."""
    instances = cloud.admin.state()["instance"].values()
    return dict(sorted((i["InstanceName"], i["InstanceId"]) for i in instances if i["Status"] == "Running"))


def switch_events(cloud):
    """{instance name: the switch events of its nas-switch in the last 15 minutes}: shown when a re-run that should
    change nothing started lsyncd or the switch (a host that switched to the backup and back since its last run)."""
    script = "journalctl -u nas-switch -u nas-sync --since -15min -o cat --no-pager | grep -v probe_failed | tail -20"
    return {name: in_host(container, script) for name, container in running_hosts(cloud).items()}


def report(output):
    """The drill's report; its failed figure counts every request not answered 200, each failed outcome timed; its
    picture (an SVG) is beside it."""
    path = re.search(r'"report: (\S+\.json)"', output).group(1)
    result = json.loads(Path(path).read_text())
    assert result["expected_statuses"] == ["200"]
    assert result["failed_requests"] == result["requests"] - result["statuses"].get("200", 0), result
    assert set(result["failures_by_status"]) == set(result["statuses"]) - {"200"}, result
    assert sum(when["count"] for when in result["failures_by_status"].values()) == result["failed_requests"]
    assert Path(result["picture"]).parent == Path(path).parent, result["picture"]
    assert Path(result["picture"]).read_text().startswith("<?xml"), result["picture"]
    return result


def load_balancer_id(cloud):
    """The ID of the site's load balancer (the only one on the test's emulator)."""
    (lb_id,) = cloud.admin.state()["load_balancer"]
    return lb_id


def in_host(container, script):
    """What `script` prints in a host's container (docker exec), stripped."""
    done = subprocess.run(
        ["docker", "exec", container, "sh", "-c", script],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.stdout.strip()


def site_certificate(inventory):
    """The path of the self-signed certificate site.yml made for the local inventory's site (vars/site_https.yml)."""
    return Path(inventory).parent / f".state-{SITE_NAME}" / "tls" / "site.crt"


def site_tls_context(inventory):
    """An SSL context that trusts the site's self-signed certificate only (and checks it names the address)."""
    import ssl

    return ssl.create_default_context(cafile=str(site_certificate(inventory)))


def web_instances(cloud):
    """{name: instance} of the site's web instances DescribeInstances lists."""
    request = sdk_models("ecs").DescribeInstancesRequest(region_id="cn-hangzhou", page_size=100)
    found = cloud.client("ecs").describe_instances(request).body.instances.instance
    return {i.instance_name: i for i in found if i.instance_name.startswith(f"{SITE_NAME}-web-")}
