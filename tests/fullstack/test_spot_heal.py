"""First contact in a hostile region, then spot interruptions, a host that leaves gracefully and restoring the declared
capacity (issues 13, 14 and 16), on one site of the emulator's Docker runtime: the full-stack stage builds this site
once for all three (each site costs minutes of CPU on a 2-core machine).

The region's first zone has sold out of the first instance type, the second zone does not offer it, and the newest
public Debian 13 image is retired. site.yml with site_zones: auto, no pinned image and an on-demand base of 1
(web-1 pay-as-you-go, web-2 spot) converges (the next type, the newest Debian 13 image still available, NAS in the
zones that offer Capacity), and a second run changes nothing and sends no changing request. The site is served over
HTTPS (the local inventory's default site_https: true) with the self-signed certificate site.yml made for the load
balancer's address (checked as a CA and by name), with the TLS 1.2 policy; http:// is answered with a 302 to https://.

Then: a heal with nothing lost changes nothing; an ECS drill that fails half-way starts its target again (the
ECS drill without drain, at most 1 failed request, is test_site.py's); the certificate is rotated under the prober
with 0 failed requests; every spot instance interrupted at once under the prober (web-2; web-1 cannot be
interrupted) fails no request, the CLB sees it abnormal within interval x unhealthy threshold + 2 s, and the heal
brings the capacity back (drill_spot_interruption.yml -e drill_heal=true, the heal timed; that site.yml replaces a
released instance too is tests/integration/test_heal.py's, on the cloud side); teardown (the zones it finds
remembered on the VPC) leaves nothing, no certificate. The spot drill's report is written to FULLSTACK_HEAL_REPORT_DIR
when set (the kept copies are bench/results/drills/spot_heal*.json).
"""

import hashlib
import http.client
import json
import os
import ssl
import subprocess
import urllib.error

import pytest
from alicloud_emulator.docker_testing import health, wait_for
from alicloud_emulator.testing import sdk_models
from fullstack import (
    SITE_NAME,
    changed,
    load_balancer_id,
    play,
    playbook_command,
    report,
    site_certificate,
    site_tls_context,
    web_instances,
)
from site_resources import HTTPS_SITE_RESOURCES as SITE_RESOURCES
from site_resources import resource_counts

pytestmark = pytest.mark.timeout(2400)

REGION = "cn-hangzhou"
FIRST_TYPE, SECOND_TYPE = "ecs.u1-c1m1.large", "ecs.e-c1m1.large"
RETIRED_IMAGE = "debian_13_2_x64_20G_alibase_20251121.vhd"  # the newest Debian 13 (site_os: debian_13, the default)
WEB_1, WEB_2 = f"{SITE_NAME}-web-1", f"{SITE_NAME}-web-2"
# every play of this file: the hostile region's choice (zones and image chosen at run time) and the on-demand base
SITE = ("-e", json.dumps({"site_zones": "auto", "site_image_id": "", "site_on_demand_base": 1}))


def interrupt(cloud, instance_id, notice_seconds):
    return cloud.admin.call("POST", f"/runtime/ecs/{instance_id}/interrupt", {"notice_seconds": notice_seconds})


def _address(cloud):
    (address,) = [lb["Address"] for lb in cloud.admin.state()["load_balancer"].values()]
    return address


def _https(address, context, path="/"):
    """(status, X-Backend-Server, TLS version, SHA-1 of the certificate presented) of one GET over HTTPS."""
    connection = http.client.HTTPSConnection(address, 443, timeout=5, context=context)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        answer.read()
        der = connection.sock.getpeercert(binary_form=True)
        return (
            answer.status,
            answer.getheader("X-Backend-Server"),
            connection.sock.version(),
            hashlib.sha1(der).hexdigest(),  # noqa: S324 - the API's fingerprint
        )
    finally:
        connection.close()


def _certificates(cloud):
    request = sdk_models("slb").DescribeServerCertificatesRequest(region_id="cn-hangzhou")
    return cloud.client("slb").describe_server_certificates(request).body.server_certificates.server_certificate


def _fingerprint(pem_path):
    der = ssl.PEM_cert_to_DER_cert(pem_path.read_text())
    return hashlib.sha1(der).hexdigest()  # noqa: S324 - the API's fingerprint


def test_site_converges_in_a_hostile_region(cloud, inventory):
    cloud.admin.set_stock(REGION, "cn-hangzhou-g", "WithoutStock", instance_type=FIRST_TYPE)
    cloud.admin.retire_image(RETIRED_IMAGE)
    output = play(inventory, "site.yml", *SITE)
    assert f"Answered by {WEB_1}, {WEB_2}" in output
    counts = resource_counts(cloud.admin.state())
    assert {kind: counts.get(kind, 0) for kind in SITE_RESOURCES} == SITE_RESOURCES
    instances = web_instances(cloud)
    web_1, web_2 = instances[WEB_1], instances[WEB_2]
    assert (web_1.zone_id, web_1.instance_type, web_1.spot_strategy) == ("cn-hangzhou-g", SECOND_TYPE, "NoSpot")
    assert (web_2.zone_id, web_2.instance_type, web_2.spot_strategy) == ("cn-hangzhou-h", SECOND_TYPE, "SpotAsPriceGo")
    assert {web_1.image_id, web_2.image_id} == {"debian_13_1_x64_20G_alibase_20250926.vhd"}
    assert "after OperationDenied.NoStock" in output
    assert "after InvalidInstanceType.ZoneNotSupported" in output
    file_system_zones = sorted(f["ZoneId"] for f in cloud.admin.state()["file_system"].values())
    assert file_system_zones == ["cn-hangzhou-g", "cn-hangzhou-i"]  # zone h has no NAS Capacity


def test_a_second_run_changes_nothing(cloud, inventory):
    cloud.admin.reset_requests()
    output = play(inventory, "site.yml", *SITE)
    assert set(changed(output).values()) == {0}, changed(output)
    assert cloud.admin.requests()["mutating"] == 0
    assert "Remembered: web zones cn-hangzhou-g, cn-hangzhou-h" in output
    address = _address(cloud)
    assert f"at https://{address}:443/" in output
    assert f"http:// redirects to https://{address}/verify?redirect" in output


def test_the_site_is_served_over_https_with_its_certificate(cloud, inventory):
    address = _address(cloud)
    context = site_tls_context(inventory)
    answers = [_https(address, context) for _request in range(6)]
    assert {(status, version) for status, _backend, version, _sha in answers} == {(200, "TLSv1.2")}
    assert {backend for _status, backend, _version, _sha in answers} == {f"{SITE_NAME}-web-1", f"{SITE_NAME}-web-2"}
    (uploaded,) = _certificates(cloud)
    assert uploaded.server_certificate_name == SITE_NAME
    assert uploaded.fingerprint.replace(":", "") == _fingerprint(site_certificate(inventory)) == answers[0][3]
    assert address in uploaded.subject_alternative_names.subject_alternative_name
    with pytest.raises(ssl.SSLCertVerificationError):  # self-signed: not trusted without the site's certificate
        _https(address, ssl.create_default_context())


def test_http_is_answered_with_a_redirect_to_https(cloud):
    address = _address(cloud)
    connection = http.client.HTTPConnection(address, 80, timeout=5)
    connection.request("GET", "/index.html?from=test")
    answer = connection.getresponse()
    connection.close()
    assert (answer.status, answer.getheader("Location")) == (302, f"https://{address}/index.html?from=test")
    assert answer.getheader("X-Backend-Server") is None  # the load balancer answered, no backend


def test_a_heal_with_nothing_lost_changes_nothing(inventory):
    output = play(inventory, "heal.yml", *SITE)
    assert "nothing to replace" in output
    assert set(changed(output).values()) == {0}, changed(output)


def test_an_ecs_drill_that_fails_half_way_starts_its_target_again(cloud, inventory, tmp_path):
    """A drill that fails while its target is stopped (here: the alarm it waits for is not one of the site's) leaves
    no instance stopped behind it, and says where it failed."""
    arguments = ("-e", f"drill_report_dir={tmp_path}", "-e", "drill_alarm_rule=no-such-rule")
    arguments += ("-e", "drill_alarm_wait_seconds=2")
    command, env = playbook_command(inventory, "drill_ecs_stop.yml", *SITE, *arguments)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode != 0, done.stdout[-3000:]
    assert "The drill failed at 'Wait until the unhealthy-backend alarm fires" in done.stdout, done.stdout[-3000:]
    assert f"{WEB_1} was started again" in done.stdout
    web_1 = web_instances(cloud)[WEB_1]
    assert web_1.status == "Running"
    lb_id = load_balancer_id(cloud)
    wait_for(lambda: health(cloud, lb_id, 443).get(web_1.instance_id) == "normal", 180, 2, what=f"{WEB_1} healthy")


def test_the_certificate_is_rotated_with_no_failed_request(cloud, inventory, tmp_path):
    before = _fingerprint(site_certificate(inventory))
    output = play(inventory, "rotate_certificate.yml", *SITE, "-e", f"drill_report_dir={tmp_path}")
    result = report(output)
    assert result["failed_requests"] == 0, result["failures_by_status"]
    assert result["requests"] > 50
    after = _fingerprint(site_certificate(inventory))
    assert before != after
    assert result["old_fingerprint"].replace(":", "") == before and result["new_fingerprint"].replace(":", "") == after
    (current,) = _certificates(cloud)
    assert current.fingerprint.replace(":", "") == after
    assert {_https(_address(cloud), site_tls_context(inventory))[3] for _request in range(4)} == {after}
    # the site's checks hold with the new certificate
    assert "Answered by fs-web-web-1, fs-web-web-2" in play(inventory, "verify.yml", *SITE)


def test_every_spot_instance_interrupted_at_once_keeps_the_site_up_and_the_heal_restores_it(cloud, inventory, tmp_path):
    before = web_instances(cloud)
    with pytest.raises(urllib.error.HTTPError) as refused:
        interrupt(cloud, before[WEB_1].instance_id, 300)
    assert refused.value.code == 409  # the on-demand base: only web-2 is spot, so "every spot instance" is web-2
    report_dir = os.environ.get("FULLSTACK_HEAL_REPORT_DIR", str(tmp_path))
    arguments = ("-e", f"drill_report_dir={report_dir}", "-e", f"drill_target={WEB_2}", "-e", "drill_heal=true")
    output = play(inventory, "drill_spot_interruption.yml", *SITE, *arguments)
    result = report(output)
    assert result["requests"] > 50
    assert result["failed_requests"] == 0, result
    assert result["notice_to_abnormal_seconds"] <= result["thresholds"]["max_notice_to_abnormal_seconds"] == 8
    assert result["outcome"] == "released"
    assert result["answered_by"].get(WEB_1, 0) > 0
    assert result["healed"] is True
    assert result["heal_replaced"] == before[WEB_2].instance_id != result["heal_replacement"]
    assert 0 < result["release_to_capacity_normal_seconds"] < result["notice_to_capacity_normal_seconds"]
    after = web_instances(cloud)
    assert after[WEB_1].instance_id == before[WEB_1].instance_id
    assert (after[WEB_2].instance_id, after[WEB_2].spot_strategy) == (result["heal_replacement"], "SpotAsPriceGo")
    assert f"create {WEB_2}: missing" in output  # the drill waits for the release before the heal


def test_teardown_leaves_nothing(cloud, inventory):
    play(inventory, "teardown.yml", *SITE)
    counts = resource_counts(cloud.admin.state())
    assert {kind: n for kind, n in counts.items() if n} == {}, counts
    assert _certificates(cloud) == []
