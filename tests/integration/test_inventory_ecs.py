"""The ha_web.alicloud.ecs inventory plugin against the emulator: every page, hostnames, keyed groups, groups,
compose, filters, strict mode, caching, retries, and errors that never show the secret.

The fleet: a VPC with two vSwitches (zones j and k) and a security group; 100 web instances (public
addresses) and 12 db instances (3 of them stopped) in zone j, and two instances both named "twin" in zone k:
114 instances, two pages of DescribeInstances (RunInstances makes at most 100 at a time, like the real API).
"""

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
WEB, DB, TWINS, STOPPED = 100, 12, 2, 3
TOTAL = WEB + DB + TWINS
TEMPLATE = "{{ 6 * 7 }}"  # a tag value that must never be evaluated


@pytest.fixture(scope="module")
def fleet(emulator):
    emulator.admin.reset()
    vpc, vpc_m = emulator.client("vpc"), sdk_models("vpc")
    ecs, ecs_m = emulator.client("ecs"), sdk_models("ecs")
    vpc_id = vpc.create_vpc(vpc_m.CreateVpcRequest(region_id=REGION, cidr_block="192.168.0.0/16")).body.vpc_id

    def vswitch(zone, cidr):
        request = vpc_m.CreateVSwitchRequest(region_id=REGION, vpc_id=vpc_id, zone_id=zone, cidr_block=cidr)
        return vpc.create_vswitch(request).body.v_switch_id

    vswitch_j = vswitch("cn-hangzhou-j", "192.168.0.0/24")
    vswitch_k = vswitch("cn-hangzhou-k", "192.168.1.0/24")
    group_id = ecs.create_security_group(
        ecs_m.CreateSecurityGroupRequest(region_id=REGION, vpc_id=vpc_id, security_group_name="web")
    ).body.security_group_id

    def run(name, amount, tags, bandwidth=0, vswitch_id=vswitch_j, unique=True):
        request = ecs_m.RunInstancesRequest(
            region_id=REGION,
            image_id="debian_12_9_x64_20G_alibase_20250117.vhd",
            instance_type="ecs.u1-c1m1.large",
            v_switch_id=vswitch_id,
            security_group_id=group_id,
            amount=amount,
            instance_name=name,
            unique_suffix=unique,
            internet_max_bandwidth_out=bandwidth,
            tag=[ecs_m.RunInstancesRequestTag(key=k, value=v) for k, v in tags.items()],
        )
        return ecs.run_instances(request).body.instance_id_sets.instance_id_set

    web = run("web-", WEB, {"role": "web", "app": "ha-web"}, bandwidth=5)
    db = run("db-", DB, {"role": "db", "app": "ha-web"})
    twin_tags = {"role": "twin", "owner": "ops", "note": TEMPLATE}
    twins = run("twin", TWINS, twin_tags, vswitch_id=vswitch_k, unique=False)
    stopped = db[:STOPPED]
    ecs.stop_instances(ecs_m.StopInstancesRequest(region_id=REGION, instance_id=stopped))
    return {
        "web": web,
        "db": db,
        "twins": twins,
        "stopped": stopped,
        "vpc_id": vpc_id,
        "vswitch_j": vswitch_j,
        "group_id": group_id,
    }


def inventory(emulator, tmp_path, config, secret=ACCESS_KEY_SECRET, env=None, arguments=(), header=True):
    """Run `ansible-inventory --list` on <tmp>/test.alicloud_ecs.yml (the plugin's own file name pattern)."""
    path = tmp_path / "test.alicloud_ecs.yml"
    lines = ["plugin: ha_web.alicloud.ecs"]
    if header:
        lines += [f"endpoint_url: http://{emulator.endpoint}", f"region_id: {REGION}"]
    path.write_text("\n".join(lines) + "\n" + config, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ALIBABA_CLOUD_", "ALICLOUD_", "ANSIBLE_"))}
    settings = dict(
        clean,
        ALIBABA_CLOUD_ACCESS_KEY_ID=ACCESS_KEY_ID,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=secret,
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_INVENTORY_UNPARSED_FAILED="true",
        ANSIBLE_NOCOLOR="1",
    )
    settings.update(env or {})
    settings = {k: v for k, v in settings.items() if v is not None}
    return subprocess.run(
        [ANSIBLE_INVENTORY, "-i", str(path), "--list", *arguments],
        env=settings,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
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


def says(result, message):
    """Does stderr hold the message? (ansible wraps long lines, at spaces and hyphens)"""
    return squeezed(message) in squeezed(result.stderr)


def squeezed(text):
    """Output without any whitespace: a secret split by line wrapping is still found."""
    return "".join(text.split())


def hostvars(result):
    return listed(result)["_meta"]["hostvars"]


def ids(variables):
    return {v["instance_id"] for v in variables.values()}


def group(data, name):
    return set(data.get(name, {}).get("hosts", []))


def test_every_page_and_the_host_variables(emulator, fleet, tmp_path):
    emulator.admin.reset_requests()
    hosts = hostvars(inventory(emulator, tmp_path, "hostnames: [instance_name, instance_id]\n"))
    assert len(hosts) == TOTAL
    assert emulator.admin.requests()["counts"] == {"DescribeInstances": 2}  # 100 + 14: every page read
    web1 = hosts["web-001"]
    assert web1["instance_tags"] == {"role": "web", "app": "ha-web"}
    assert web1["private_ip_address"].startswith("192.168.0.") and web1["public_ip_address"]
    assert web1["vpc_id"] == fleet["vpc_id"] and web1["v_switch_id"] == fleet["vswitch_j"]
    assert web1["security_group_ids"] == [fleet["group_id"]]
    assert web1["region_id"] == REGION and web1["zone_id"] == "cn-hangzhou-j"
    assert web1["instance_id"] in fleet["web"] and web1["status"] == "Running"
    assert web1["instance_type"] == "ecs.u1-c1m1.large" and "vpc_attributes" in web1  # every field, snake_case
    db_vars = [v for v in hosts.values() if v["instance_tags"].get("role") == "db"]
    assert len(db_vars) == DB and all(v["public_ip_address"] == "" for v in db_vars)


def test_hostname_preference_and_duplicates_fall_through(emulator, fleet, tmp_path):
    default = hostvars(inventory(emulator, tmp_path, ""))  # public IP, else private IP, else ID
    public = [h for h, v in default.items() if v["public_ip_address"]]
    private = [h for h, v in default.items() if not v["public_ip_address"]]
    assert len(public) == WEB and all(h == default[h]["public_ip_address"] for h in public)
    assert len(private) == DB + TWINS and all(h == default[h]["private_ip_address"] for h in private)

    named = hostvars(inventory(emulator, tmp_path, "hostnames: [instance_name, instance_id]\n"))
    twin_hosts = {h: v["instance_id"] for h, v in named.items() if v["instance_name"] == "twin"}
    assert len(twin_hosts) == TWINS and "twin" in twin_hosts  # the first keeps the name...
    other = [h for h in twin_hosts if h != "twin"]
    assert other == [twin_hosts[other[0]]] and other[0] in fleet["twins"]  # ...the second falls to its ID

    private_first = hostvars(inventory(emulator, tmp_path, "hostnames: [private_ip_address, instance_id]\n"))
    assert all(h == v["private_ip_address"] for h, v in private_first.items()) and len(private_first) == TOTAL

    by_host_name = hostvars(inventory(emulator, tmp_path, "hostnames: [host_name, instance_id]\n"))
    assert len(by_host_name) == TOTAL
    assert all(h in (v["host_name"], v["instance_id"]) for h, v in by_host_name.items())

    # a preference list that cannot name the second twin leaves it out, with a warning
    only_names = inventory(emulator, tmp_path, "hostnames: [instance_name]\nfilters: {name: twin}\n")
    assert list(hostvars(only_names)) == ["twin"] and says(only_names, "is left out")

    wrong = inventory(emulator, tmp_path, "hostnames: [ip]\n")
    assert wrong.returncode != 0 and says(wrong, "hostnames")


def test_keyed_groups_groups_and_compose(emulator, fleet, tmp_path):
    config = """hostnames: [instance_name, instance_id]
compose:
  ansible_host: private_ip_address
  web_port: "8000 + 80"
  note: instance_tags.note | default('')
keyed_groups:
  - key: instance_tags.role
    prefix: role
  - key: zone_id
    prefix: zone
  - key: status | lower
    prefix: status
groups:
  databases: "'db' in instance_name"
  running_web: "instance_tags.role == 'web' and status == 'Running'"
  stopped_db: "status == 'Stopped'"
"""
    data = listed(inventory(emulator, tmp_path, config))
    hosts = data["_meta"]["hostvars"]
    assert len(group(data, "role_web")) == WEB and len(group(data, "role_db")) == DB
    assert len(group(data, "role_twin")) == TWINS
    assert len(group(data, "zone_cn_hangzhou_j")) == WEB + DB and len(group(data, "zone_cn_hangzhou_k")) == TWINS
    assert len(group(data, "status_stopped")) == STOPPED and len(group(data, "status_running")) == TOTAL - STOPPED
    assert group(data, "databases") == group(data, "role_db")
    assert group(data, "running_web") == group(data, "role_web")
    assert {hosts[h]["instance_id"] for h in group(data, "stopped_db")} == set(fleet["stopped"])
    for variables in hosts.values():
        assert variables["ansible_host"] == variables["private_ip_address"] and int(variables["web_port"]) == 8080
    notes = {v["note"] for v in hosts.values() if v["instance_name"] == "twin"}
    assert notes == {TEMPLATE}  # values from the cloud are data, never templates


def test_filters(emulator, fleet, tmp_path):
    def filtered(filters):
        return ids(hostvars(inventory(emulator, tmp_path, "filters: " + json.dumps(filters) + "\n")))

    assert filtered({"tags": {"role": "db"}}) == set(fleet["db"])
    assert filtered({"tags": {"owner": None}}) == set(fleet["twins"])  # an empty value: any value of the key
    assert filtered({"tags": {"role": "db", "app": "ha-web"}, "status": "Stopped"}) == set(fleet["stopped"])
    assert filtered({"status": "Stopped"}) == set(fleet["stopped"])
    assert filtered({"name": "db-*"}) == set(fleet["db"])
    assert filtered({"zone_id": "cn-hangzhou-k"}) == set(fleet["twins"])
    assert filtered({"vpc_id": fleet["vpc_id"], "v_switch_id": fleet["vswitch_j"]}) == set(fleet["web"] + fleet["db"])
    assert filtered({"instance_ids": fleet["web"][:2]}) == set(fleet["web"][:2])

    every_id = fleet["web"] + fleet["db"] + fleet["twins"]
    emulator.admin.reset_requests()
    assert filtered({"instance_ids": every_id}) == set(every_id)  # sent 100 IDs at a time, as the API allows
    assert emulator.admin.requests()["counts"] == {"DescribeInstances": 2}

    emulator.admin.reset_requests()
    assert filtered({"instance_ids": []}) == set()  # no IDs, no instance (and no call)
    assert emulator.admin.requests()["total"] == 0

    for bad, message in [
        ({"colour": "blue"}, "filters: unknown key(s) colour"),
        ({"status": "running"}, "filters.status must be one of"),
        ({"tags": ["role"]}, "filters.tags must be a dictionary"),
        ({"instance_ids": [1, 2]}, "filters.instance_ids must be a list of instance IDs"),
    ]:
        result = inventory(emulator, tmp_path, "filters: " + json.dumps(bad) + "\n")
        assert result.returncode != 0 and says(result, message), result.stderr[-2000:]
    assert emulator.admin.requests()["total"] == 0  # bad filters are refused before any call


def test_strict_mode(emulator, fleet, tmp_path):
    config = "compose:\n  owner: instance_tags.owner\nkeyed_groups:\n  - key: instance_tags.owner\n    prefix: owner\n"
    lenient = listed(inventory(emulator, tmp_path, config + "strict: false\n"))
    assert len(lenient["_meta"]["hostvars"]) == TOTAL and len(group(lenient, "owner_ops")) == TWINS
    assert sum(1 for v in lenient["_meta"]["hostvars"].values() if "owner" in v) == TWINS
    failed = inventory(emulator, tmp_path, config + "strict: true\n")
    assert failed.returncode != 0 and says(failed, "owner")


def test_cache_answers_without_calls(emulator, fleet, tmp_path):
    cache = tmp_path / "cache"
    config = f"cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: {cache}\ncache_timeout: 600\n"
    emulator.admin.reset_requests()
    assert len(hostvars(inventory(emulator, tmp_path, config))) == TOTAL
    assert emulator.admin.requests()["counts"] == {"DescribeInstances": 2}

    emulator.admin.reset_requests()
    assert len(hostvars(inventory(emulator, tmp_path, config))) == TOTAL
    assert emulator.admin.requests()["total"] == 0  # answered from the cache

    emulator.admin.reset_requests()
    assert len(hostvars(inventory(emulator, tmp_path, config + "filters: {status: Stopped}\n"))) == STOPPED
    assert emulator.admin.requests()["counts"] == {"DescribeInstances": 1}  # other filters, other cache entry

    emulator.admin.reset_requests()
    assert len(hostvars(inventory(emulator, tmp_path, config, arguments=["--flush-cache"]))) == TOTAL
    assert emulator.admin.requests()["counts"] == {"DescribeInstances": 2}  # --flush-cache reads afresh

    emulator.admin.reset_requests()
    assert len(hostvars(inventory(emulator, tmp_path, "cache: false\n"))) == TOTAL
    assert emulator.admin.requests()["counts"] == {"DescribeInstances": 2}  # no cache unless asked


def test_throttled_and_lost_pages_are_retried(emulator, fleet, tmp_path):
    emulator.admin.reset_requests()
    emulator.admin.faults(throttle_rate=0.3, error_rate=0.1, lost_rate=0.1, scope="DescribeInstances", seed=7)
    try:
        hosts = hostvars(inventory(emulator, tmp_path, "hostnames: [instance_id]\n"))
    finally:
        emulator.admin.faults(throttle_rate=0.0, error_rate=0.0, lost_rate=0.0, scope="mutating")
    assert ids(hosts) == set(fleet["web"] + fleet["db"] + fleet["twins"])
    outcomes = emulator.admin.requests()["outcomes"]["DescribeInstances"]
    assert sum(n for outcome, n in outcomes.items() if outcome != "ok") >= 1, outcomes


def test_wrong_secret_is_a_clear_error_without_the_secret(emulator, fleet, tmp_path):
    secret = "Wr0ng-s3cret-value"
    from_env = inventory(emulator, tmp_path, "", secret=secret)
    assert from_env.returncode != 0
    assert says(from_env, "DescribeInstances in cn-hangzhou: SignatureDoesNotMatch")
    assert says(from_env, "request id")
    assert secret not in squeezed(from_env.stderr + from_env.stdout)

    in_file = inventory(
        emulator, tmp_path, f"access_key_id: {ACCESS_KEY_ID}\naccess_key_secret: {secret}\n", arguments=["-vvvv"]
    )
    assert in_file.returncode != 0 and says(in_file, "SignatureDoesNotMatch")
    assert secret not in squeezed(in_file.stderr + in_file.stdout)


def test_missing_settings_are_clear_errors(emulator, fleet, tmp_path):
    no_region = inventory(emulator, tmp_path, f"endpoint_url: http://{emulator.endpoint}\n", header=False)
    assert no_region.returncode != 0 and says(no_region, "region_id or regions is required")

    nowhere = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": None,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": None,
        "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
        "HOME": str(tmp_path),
    }
    emulator.admin.reset_requests()
    no_keys = inventory(emulator, tmp_path, "", env=nowhere)
    assert no_keys.returncode != 0 and says(no_keys, "no usable credentials from the default chain")
    assert emulator.admin.requests()["total"] == 0  # refused at once, not retried as a lost request

    half = inventory(emulator, tmp_path, "", env={"ALIBABA_CLOUD_ACCESS_KEY_SECRET": None})
    assert half.returncode != 0 and says(half, "access_key_secret is missing")

    regions = hostvars(inventory(emulator, tmp_path, "regions: [cn-hangzhou, cn-shanghai, cn-hangzhou]\n"))
    assert len(regions) == TOTAL  # every listed region once; nothing runs in cn-shanghai
