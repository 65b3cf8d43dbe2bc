"""The ha_web.alicloud.ecs inventory plugin against the emulator: paging, hostnames, groups, compose,
filters, strict mode, caching, and errors that never show the secret."""

import json
import os
import pathlib
import subprocess
import sys

import pytest
from alicloud_emulator.testing import ACCESS_KEY_ID, ACCESS_KEY_SECRET, sdk_models
from conftest import ROOT

ANSIBLE_INVENTORY = str(pathlib.Path(sys.executable).with_name("ansible-inventory"))
EMULATOR_ARGS = ["--timing", "instant"]
REGION = "cn-hangzhou"
WEB, DB = 100, 12  # 112 instances: two pages of DescribeInstances (RunInstances makes at most 100)


@pytest.fixture(scope="module")
def fleet(emulator):
    """A VPC with a vSwitch; 100 web and 12 db instances, tagged; 3 of the db ones stopped."""
    emulator.admin.reset()
    vpc, vpc_m = emulator.client("vpc"), sdk_models("vpc")
    ecs, ecs_m = emulator.client("ecs"), sdk_models("ecs")
    vpc_id = vpc.create_vpc(vpc_m.CreateVpcRequest(region_id=REGION, cidr_block="192.168.0.0/16")).body.vpc_id
    vswitch_id = vpc.create_vswitch(
        vpc_m.CreateVSwitchRequest(
            region_id=REGION, vpc_id=vpc_id, zone_id="cn-hangzhou-j", cidr_block="192.168.0.0/24"
        )
    ).body.v_switch_id
    group_id = ecs.create_security_group(
        ecs_m.CreateSecurityGroupRequest(region_id=REGION, vpc_id=vpc_id)
    ).body.security_group_id

    def run(name, amount, role, bandwidth):
        request = ecs_m.RunInstancesRequest(
            region_id=REGION,
            image_id="debian_12_9_x64_20G_alibase_20250117.vhd",
            instance_type="ecs.u1-c1m1.large",
            v_switch_id=vswitch_id,
            security_group_id=group_id,
            amount=amount,
            instance_name=name,
            unique_suffix=True,
            internet_max_bandwidth_out=bandwidth,
            tag=[
                ecs_m.RunInstancesRequestTag(key="role", value=role),
                ecs_m.RunInstancesRequestTag(key="app", value="ha-web"),
            ],
        )
        return ecs.run_instances(request).body.instance_id_sets.instance_id_set

    web = run("web-", WEB, "web", 5)
    db = run("db-", DB, "db", 0)
    stopped = db[:3]
    ecs_m_stop = ecs_m.StopInstancesRequest(region_id=REGION, instance_id=stopped)
    ecs.stop_instances(ecs_m_stop)
    return {"web": web, "db": db, "stopped": stopped, "vpc_id": vpc_id, "group_id": group_id}


def inventory(emulator, tmp_path, config, secret=ACCESS_KEY_SECRET, extra_env=None):
    path = tmp_path / "test.alicloud_ecs.yml"
    lines = ["plugin: ha_web.alicloud.ecs", f"endpoint_url: http://{emulator.endpoint}", f"region_id: {REGION}"]
    path.write_text("\n".join(lines) + "\n" + config, encoding="utf-8")
    env = dict(
        os.environ,
        ALIBABA_CLOUD_ACCESS_KEY_ID=ACCESS_KEY_ID,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=secret,
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_INVENTORY_UNPARSED_FAILED="true",
        **(extra_env or {}),
    )
    return subprocess.run(
        [ANSIBLE_INVENTORY, "-i", str(path), "--list"], env=env, capture_output=True, text=True, check=False
    )


def plain(value):
    """ansible-inventory marks values from the cloud as untrusted ({"__ansible_unsafe": v}); unwrap them."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def listed(result):
    assert result.returncode == 0, result.stderr[-3000:]
    return plain(json.loads(result.stdout))


def test_every_page_and_hostname_preference(emulator, fleet, tmp_path):
    emulator.admin.reset_requests()
    data = listed(inventory(emulator, tmp_path, "hostnames: [instance_name, instance_id]\n"))
    hosts = data["_meta"]["hostvars"]
    assert len(hosts) == WEB + DB
    assert emulator.admin.requests()["counts"] == {"DescribeInstances": 2}
    web1 = hosts["web-001"]
    assert web1["tags"] == {"role": "web", "app": "ha-web"}
    assert web1["private_ip_address"].startswith("192.168.0.") and web1["public_ip_address"]
    assert web1["vpc_id"] == fleet["vpc_id"] and web1["security_group_ids"] == [fleet["group_id"]]
    assert web1["zone_id"] == "cn-hangzhou-j" and web1["instance_id"] in fleet["web"]
    default = listed(inventory(emulator, tmp_path, ""))["_meta"]["hostvars"]
    public = [h for h, v in default.items() if v["public_ip_address"]]
    private = [h for h, v in default.items() if not v["public_ip_address"]]
    assert len(public) == WEB and all(h == default[h]["public_ip_address"] for h in public)
    assert len(private) == DB and all(h == default[h]["private_ip_address"] for h in private)


def test_keyed_groups_groups_and_compose(emulator, fleet, tmp_path):
    config = """hostnames: [instance_name]
compose:
  ansible_host: private_ip_address
  web_port: "8000 + 80"
keyed_groups:
  - key: tags.role
    prefix: role
  - key: status | lower
    prefix: status
groups:
  databases: "'db' in instance_name"
"""
    data = listed(inventory(emulator, tmp_path, config))
    assert len(data["role_web"]["hosts"]) == WEB and len(data["role_db"]["hosts"]) == DB
    assert len(data["databases"]["hosts"]) == DB
    assert len(data["status_stopped"]["hosts"]) == 3 and len(data["status_running"]["hosts"]) == WEB + DB - 3
    web1 = data["_meta"]["hostvars"]["web-001"]
    assert web1["ansible_host"] == web1["private_ip_address"] and web1["web_port"] == 8080


def test_filters(emulator, fleet, tmp_path):
    by_tag = listed(inventory(emulator, tmp_path, "filters:\n  tags: {role: db}\n"))["_meta"]["hostvars"]
    assert {v["instance_id"] for v in by_tag.values()} == set(fleet["db"])
    stopped = listed(inventory(emulator, tmp_path, "filters:\n  status: Stopped\n"))["_meta"]["hostvars"]
    assert {v["instance_id"] for v in stopped.values()} == set(fleet["stopped"])
    ids = fleet["web"][:2]
    by_id = listed(inventory(emulator, tmp_path, f"filters:\n  instance_ids: {json.dumps(ids)}\n"))
    assert {v["instance_id"] for v in by_id["_meta"]["hostvars"].values()} == set(ids)
    by_name = listed(inventory(emulator, tmp_path, "filters:\n  name: 'db-*'\n"))["_meta"]["hostvars"]
    assert len(by_name) == DB
    bad = inventory(emulator, tmp_path, "filters:\n  colour: blue\n")
    assert bad.returncode != 0 and "filters: unknown key(s) colour" in bad.stderr


def test_strict_mode(emulator, fleet, tmp_path):
    config = "compose:\n  owner: tags.owner\n"
    assert listed(inventory(emulator, tmp_path, config + "strict: false\n"))["_meta"]["hostvars"]
    failed = inventory(emulator, tmp_path, config + "strict: true\n")
    assert failed.returncode != 0 and "owner" in failed.stderr


def test_cache_answers_without_calls(emulator, fleet, tmp_path):
    cache = tmp_path / "cache"
    config = f"cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: {cache}\ncache_timeout: 600\n"
    listed(inventory(emulator, tmp_path, config))
    emulator.admin.reset_requests()
    again = listed(inventory(emulator, tmp_path, config))
    assert len(again["_meta"]["hostvars"]) == WEB + DB
    assert emulator.admin.requests()["total"] == 0


def test_wrong_secret_is_a_clear_error_without_the_secret(emulator, fleet, tmp_path):
    secret = "Wr0ng-s3cret-value"
    result = inventory(emulator, tmp_path, "", secret=secret)
    assert result.returncode != 0
    assert "SignatureDoesNotMatch" in result.stderr
    assert secret not in result.stderr + result.stdout
