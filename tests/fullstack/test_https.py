"""HTTPS on the load balancer (issue 16, part 1) on the emulator's Docker runtime, one site build with the local
inventory's default site_https: true: the site answers over HTTPS with the self-signed certificate site.yml made
for the load balancer's address (checked as a CA and by name), with the TLS 1.2 policy; http:// is answered with
a 302 to https://; a re-run of provision.yml changes nothing; the ECS stop drill (drained) runs over HTTPS with
the certificate pinned and fails no request; the certificate is rotated under the prober with 0 failed requests;
teardown leaves no certificate.
"""

import hashlib
import http.client
import ssl

import pytest
from alicloud_emulator.testing import sdk_models
from fullstack import SITE_NAME, changed, play, report, site_certificate, site_tls_context

pytestmark = pytest.mark.timeout(2400)


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


def test_the_site_is_served_over_https_with_its_certificate(cloud, inventory):
    output = play(inventory, "site.yml")
    address = _address(cloud)
    assert "Answered by fs-web-web-1, fs-web-web-2" in output
    assert f"at https://{address}:443/" in output
    assert f"http:// redirects to https://{address}/verify?redirect" in output
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


def test_provision_again_changes_nothing(inventory):
    output = play(inventory, "provision.yml")
    assert changed(output)["localhost"] == 0, output[-3000:]


def test_the_ecs_stop_drill_runs_over_https_and_drained_fails_nothing(inventory, tmp_path):
    arguments = ("-e", f"drill_report_dir={tmp_path}", "-e", "drill_drain=true")
    result = report(play(inventory, "drill_ecs_stop.yml", *arguments))
    assert result["url"].startswith("https://")
    assert result["requests"] > 50
    assert result["failed_requests"] == 0, result["failures_by_status"]


def test_the_certificate_is_rotated_with_no_failed_request(cloud, inventory, tmp_path):
    before = _fingerprint(site_certificate(inventory))
    output = play(inventory, "rotate_certificate.yml", "-e", f"drill_report_dir={tmp_path}")
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
    assert "Answered by fs-web-web-1, fs-web-web-2" in play(inventory, "verify.yml")


def test_teardown_leaves_no_certificate(cloud, inventory):
    play(inventory, "teardown.yml")
    assert _certificates(cloud) == []
    assert cloud.admin.state().get("load_balancer", {}) == {}
