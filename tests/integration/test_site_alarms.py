"""The site's alarms (playbooks/alarms.yml, with the variables of inventories/local) against the emulator's control
plane: after provision.yml they are made (the unhealthy-backend rule on the CLB, the CPU rule on the web instances,
the spot interruption event rule, the site's contact group), a second run and a check-mode run send no change,
site_alarms=false makes none, and teardown.yml removes them."""

import json
import os
import subprocess

from conftest import ANSIBLE_PLAYBOOK, ROOT
from site_resources import SITE_ALARMS, resource_counts


def run(emulator, inventory, playbook, *arguments, **extra):
    extra = {"alicloud_endpoint_url": f"http://{emulator.endpoint}", **extra}
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    argv = [ANSIBLE_PLAYBOOK, "-i", str(inventory), str(ROOT / "playbooks" / playbook), "-e", json.dumps(extra)]
    done = subprocess.run(
        [*argv, *arguments], env=env, cwd=ROOT, capture_output=True, text=True, timeout=1500, check=False
    )
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-3000:]
    return done.stdout


def alarm_counts(emulator):
    counts = resource_counts(emulator.admin.state())
    return {kind: counts.get(kind, 0) for kind in SITE_ALARMS}


def test_alarms_are_made_once_kept_in_check_mode_and_torn_down(emulator, inventory):
    emulator.admin.reset()
    run(emulator, inventory, "alarms.yml", site_alarms=False)
    assert alarm_counts(emulator) == dict.fromkeys(SITE_ALARMS, 0), "site_alarms=false makes none"
    run(emulator, inventory, "provision.yml")
    run(emulator, inventory, "alarms.yml", site_alarm_webhook="http://127.0.0.1:9/alarms")
    assert alarm_counts(emulator) == SITE_ALARMS
    state = emulator.admin.state()
    rules = {rule["RuleName"]: rule for rule in state["metric_rule"].values()}
    [lb_id] = state["load_balancer"]
    assert json.loads(rules["ha-web-unhealthy-backends"]["Resources"]) == [{"instanceId": lb_id}]
    assert rules["ha-web-unhealthy-backends"]["Webhook"] == "http://127.0.0.1:9/alarms"
    cpu = {r["instanceId"] for r in json.loads(rules["ha-web-web-cpu-high"]["Resources"])}
    assert cpu == {i["InstanceId"] for i in state["instance"].values()}
    emulator.admin.reset_requests()
    run(emulator, inventory, "alarms.yml", site_alarm_webhook="http://127.0.0.1:9/alarms")
    run(emulator, inventory, "alarms.yml", "--check", "--diff", site_alarm_webhook="http://127.0.0.1:9/alarms")
    assert emulator.admin.requests()["mutating"] == 0, "a second run and a check-mode run change nothing"
    run(emulator, inventory, "teardown.yml")
    counts = resource_counts(emulator.admin.state())
    assert {kind: n for kind, n in counts.items() if n} == {}, counts
