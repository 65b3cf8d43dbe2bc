"""First contact in a hostile region, on the emulator with the Docker runtime: the region's first zone has sold out
of the first instance type, the second zone does not offer it, and the image the example inventory used to pin is
retired. site.yml with site_zones: auto and no pinned image converges (the next type, the newest image still
available, NAS in the zones that offer Capacity), a second run changes nothing and sends no changing request.
The same site is then checked over HTTPS (issue 16, part 1; the local inventory's default site_https: true): it
answers with the self-signed certificate site.yml made for the load balancer's address (checked as a CA and by
name), with the TLS 1.2 policy; http:// is answered with a 302 to https://; the certificate is rotated under the
prober with 0 failed requests. Teardown (the zones it finds remembered on the VPC) leaves nothing, no certificate.
"""

import hashlib
import http.client
import json
import ssl

import pytest
from alicloud_emulator.testing import sdk_models
from fullstack import SITE_NAME, changed, play, report, site_certificate, site_tls_context
from site_resources import HTTPS_SITE_RESOURCES as SITE_RESOURCES
from site_resources import resource_counts

pytestmark = pytest.mark.timeout(2400)

REGION = "cn-hangzhou"
FIRST_TYPE, SECOND_TYPE = "ecs.u1-c1m1.large", "ecs.e-c1m1.large"
RETIRED_IMAGE = "debian_12_9_x64_20G_alibase_20250117.vhd"
HOSTILE = json.dumps({"site_zones": "auto", "site_image_id": ""})


def web_instances(cloud):
    found = [i for i in cloud.admin.state().get("instance", {}).values() if i["InstanceName"].endswith(("-1", "-2"))]
    return sorted(found, key=lambda i: i["InstanceName"])


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
    output = play(inventory, "site.yml", "-e", HOSTILE)
    assert "Answered by fs-web-web-1, fs-web-web-2" in output
    counts = resource_counts(cloud.admin.state())
    assert {kind: counts.get(kind, 0) for kind in SITE_RESOURCES} == SITE_RESOURCES
    web_1, web_2 = web_instances(cloud)
    assert (web_1["ZoneId"], web_1["InstanceType"]) == ("cn-hangzhou-g", SECOND_TYPE)
    assert (web_2["ZoneId"], web_2["InstanceType"]) == ("cn-hangzhou-h", SECOND_TYPE)
    assert {web_1["ImageId"], web_2["ImageId"]} == {"debian_12_6_x64_20G_alibase_20240823.vhd"}
    assert "after OperationDenied.NoStock" in output
    assert "after InvalidInstanceType.ZoneNotSupported" in output
    file_system_zones = sorted(f["ZoneId"] for f in cloud.admin.state()["file_system"].values())
    assert file_system_zones == ["cn-hangzhou-g", "cn-hangzhou-i"]  # zone h has no NAS Capacity


def test_a_second_run_changes_nothing(cloud, inventory):
    cloud.admin.reset_requests()
    output = play(inventory, "site.yml", "-e", HOSTILE)
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


def test_the_certificate_is_rotated_with_no_failed_request(cloud, inventory, tmp_path):
    before = _fingerprint(site_certificate(inventory))
    output = play(inventory, "rotate_certificate.yml", "-e", HOSTILE, "-e", f"drill_report_dir={tmp_path}")
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
    assert "Answered by fs-web-web-1, fs-web-web-2" in play(inventory, "verify.yml", "-e", HOSTILE)


def test_teardown_leaves_nothing(cloud, inventory):
    play(inventory, "teardown.yml", "-e", HOSTILE)
    counts = resource_counts(cloud.admin.state())
    assert {kind: n for kind, n in counts.items() if n} == {}, counts
    assert _certificates(cloud) == []
