"""SLB server certificates, HTTPS listeners and HTTP->HTTPS forwarding through the real SDK client."""

import pytest
from alicloud_emulator.clb_haproxy import certificate_files, render
from alicloud_emulator.test_certificates import self_signed
from alicloud_emulator.testing import sdk_models
from test_slb import (
    REGION,
    add_backends,
    add_instance,
    backends_json,
    create_lb,
    create_listener,
    health,
    listener_attribute,
    raises,
    start,
)

PATHS = {"socket": "/run/admin.sock", "server_state": "/run/server-state", "certificates": "/run/certificates"}


@pytest.fixture
def slb(emulator):
    return emulator.client("slb")


@pytest.fixture
def m():
    return sdk_models("slb")


@pytest.fixture
def web(emulator, network):
    add_instance(emulator, "i-web1", network["vpc_id"], network["vswitch_ids"][0], "192.168.1.1")
    return ["i-web1"]


@pytest.fixture(scope="module")
def pem():
    certificate, key, _ = self_signed("shop.example", ips=["127.0.0.10"])
    return {"certificate": certificate, "key": key}


def upload(slb, m, certificate, key, name="site"):
    return slb.upload_server_certificate(
        m.UploadServerCertificateRequest(
            region_id=REGION, server_certificate=certificate, private_key=key, server_certificate_name=name
        )
    ).body


def certificates(slb, m, **filters):
    body = slb.describe_server_certificates(m.DescribeServerCertificatesRequest(region_id=REGION, **filters)).body
    return body.server_certificates.server_certificate


def delete_certificate(slb, m, certificate_id):
    slb.delete_server_certificate(
        m.DeleteServerCertificateRequest(region_id=REGION, server_certificate_id=certificate_id)
    )


def create_https(slb, m, lb_id, certificate_id, port=443, **fields):
    fields.setdefault("backend_server_port", 8080)
    fields.setdefault("health_check", "on")
    fields.setdefault("bandwidth", -1)
    slb.create_load_balancer_httpslistener(
        m.CreateLoadBalancerHTTPSListenerRequest(
            region_id=REGION, load_balancer_id=lb_id, listener_port=port, server_certificate_id=certificate_id,
            **fields,
        )
    )  # fmt: skip


def https_attribute(slb, m, lb_id, port=443):
    return slb.describe_load_balancer_httpslistener_attribute(
        m.DescribeLoadBalancerHTTPSListenerAttributeRequest(
            region_id=REGION, load_balancer_id=lb_id, listener_port=port
        )
    ).body


def delete_listener(slb, m, lb_id, port):
    slb.delete_load_balancer_listener(
        m.DeleteLoadBalancerListenerRequest(region_id=REGION, load_balancer_id=lb_id, listener_port=port)
    )


def test_upload_describe_delete_a_certificate(slb, m, pem):
    body = upload(slb, m, pem["certificate"], pem["key"])
    assert body.server_certificate_name == "site" and body.common_name == "shop.example"
    assert len(body.fingerprint.split(":")) == 20 and body.fingerprint == body.fingerprint.lower()
    assert body.subject_alternative_names.subject_alternative_name == ["shop.example", "127.0.0.10"]
    assert body.expire_time.endswith("Z") and body.expire_time_stamp > body.create_time_stamp
    again = upload(slb, m, pem["certificate"], pem["key"])  # names and contents need not be unique
    assert again.server_certificate_id != body.server_certificate_id
    assert again.fingerprint == body.fingerprint

    listed = certificates(slb, m)
    assert [c.server_certificate_id for c in listed] == [body.server_certificate_id, again.server_certificate_id]
    raw = slb.describe_server_certificates(m.DescribeServerCertificatesRequest(region_id=REGION)).body.to_map()
    assert "BEGIN" not in str(raw)  # neither the certificate nor the key comes back
    only = certificates(slb, m, server_certificate_id=again.server_certificate_id)
    assert [c.server_certificate_id for c in only] == [again.server_certificate_id]

    delete_certificate(slb, m, again.server_certificate_id)
    assert [c.server_certificate_id for c in certificates(slb, m)] == [body.server_certificate_id]
    raises(lambda: delete_certificate(slb, m, again.server_certificate_id), "ServerCertificateId.NotFound", 404)


def test_upload_refuses_what_the_real_api_refuses(slb, m, pem):
    _other_certificate, other_key, _ = self_signed("other.example")
    raises(lambda: upload(slb, m, pem["certificate"], other_key), "CertificateNotMatchPrivateKey")
    error = raises(lambda: upload(slb, m, "not a certificate", pem["key"]), "InvalidParameter")
    assert "ServerCertificate format" in error.message
    error = raises(
        lambda: upload(slb, m, pem["certificate"], "-----BEGIN RSA PRIVATE KEY-----\nxx\n"), "InvalidParameter"
    )
    assert "key format" in error.message
    error = raises(lambda: upload(slb, m, pem["certificate"], ""), "InvalidParameter")
    assert "empty" in error.message
    assert certificates(slb, m) == []


def test_https_listener_defaults_set_describe_and_the_certificate_in_use(slb, m, pem):
    lb_id = create_lb(slb, m).load_balancer_id
    first = upload(slb, m, pem["certificate"], pem["key"]).server_certificate_id
    second = upload(slb, m, pem["certificate"], pem["key"], name="next").server_certificate_id
    raises(lambda: create_https(slb, m, lb_id, "1234_nope"), "ServerCertificateId.NotFound", 404)
    create_https(slb, m, lb_id, first)
    body = https_attribute(slb, m, lb_id)
    assert (body.listener_port, body.backend_server_port, body.status, body.server_certificate_id) == (
        443, 8080, "stopped", first,
    )  # fmt: skip
    assert (body.tlscipher_policy, body.enable_http_2, body.bandwidth, body.health_check) == (
        "tls_cipher_policy_1_0", "on", -1, "on",
    )  # fmt: skip
    raises(lambda: delete_certificate(slb, m, first), "CertificateAndPrivateKeyIsRefered")
    raises(lambda: create_listener(slb, m, lb_id, 443), "InvalidParameter.ListenerPortConflict")
    raises(lambda: listener_attribute(slb, m, lb_id, 443), "InvalidParameter")  # not an HTTP listener

    slb.set_load_balancer_httpslistener_attribute(
        m.SetLoadBalancerHTTPSListenerAttributeRequest(
            region_id=REGION, load_balancer_id=lb_id, listener_port=443, server_certificate_id=second,
            tlscipher_policy="tls_cipher_policy_1_2", health_check_uri="/health",
        )
    )  # fmt: skip
    body = https_attribute(slb, m, lb_id)
    assert (body.server_certificate_id, body.tlscipher_policy, body.health_check_uri) == (
        second, "tls_cipher_policy_1_2", "/health",
    )  # fmt: skip
    delete_certificate(slb, m, first)  # no longer in use
    bad_policy = m.SetLoadBalancerHTTPSListenerAttributeRequest(
        region_id=REGION, load_balancer_id=lb_id, listener_port=443, tlscipher_policy="tls_cipher_policy_9"
    )
    raises(lambda: slb.set_load_balancer_httpslistener_attribute(bad_policy), "InvalidParameter")
    listed = slb.describe_load_balancer_listeners(
        m.DescribeLoadBalancerListenersRequest(region_id=REGION, load_balancer_id=[lb_id], listener_protocol="https")
    ).body.listeners
    assert [(x.listener_port, x.listener_protocol) for x in listed] == [(443, "https")]
    assert listed[0].httpslistener_config.server_certificate_id == second


def test_https_listener_needs_bandwidth_and_a_certificate(slb, m, pem):
    lb_id = create_lb(slb, m).load_balancer_id
    request = m.CreateLoadBalancerHTTPSListenerRequest(
        region_id=REGION, load_balancer_id=lb_id, listener_port=443, backend_server_port=80, health_check="on"
    )
    raises(lambda: slb.create_load_balancer_httpslistener(request), "MissingBandwidth")
    request.bandwidth = -1
    error = raises(lambda: slb.create_load_balancer_httpslistener(request), "InvalidParameter")
    assert "ServerCertificateId" in error.message


def test_forwarding_is_set_at_creation_only(slb, m, pem):
    lb_id = create_lb(slb, m).load_balancer_id
    certificate_id = upload(slb, m, pem["certificate"], pem["key"]).server_certificate_id
    forward = {"listener_forward": "on", "forward_port": 443, "backend_server_port": None}
    raises(lambda: create_listener(slb, m, lb_id, 80, **forward), "InvalidParameter")  # no HTTPS listener on 443
    create_https(slb, m, lb_id, certificate_id)
    create_listener(slb, m, lb_id, 80, **forward)
    body = listener_attribute(slb, m, lb_id, 80)
    assert (body.listener_forward, body.forward_port, body.backend_server_port) == ("on", 443, None)

    change = m.SetLoadBalancerHTTPListenerAttributeRequest(
        region_id=REGION, load_balancer_id=lb_id, listener_port=80, health_check_uri="/health"
    )
    raises(lambda: slb.set_load_balancer_httplistener_attribute(change), "Operation.NotAllowed")
    raises(lambda: delete_listener(slb, m, lb_id, 443), "ListenerForwardExist")
    delete_listener(slb, m, lb_id, 80)
    delete_listener(slb, m, lb_id, 443)
    delete_certificate(slb, m, certificate_id)


def test_haproxy_terminates_tls_with_the_certificate_and_redirects(emulator, slb, m, pem, web):
    lb_id = create_lb(slb, m).load_balancer_id
    add_backends(slb, m, lb_id, backends_json(*[(server, 100) for server in web]))
    certificate_id = upload(slb, m, pem["certificate"], pem["key"]).server_certificate_id
    create_https(slb, m, lb_id, certificate_id, tlscipher_policy="tls_cipher_policy_1_2_strict")
    create_listener(slb, m, lb_id, 80, listener_forward="on", forward_port=443, backend_server_port=None)
    start(slb, m, lb_id, 443)
    start(slb, m, lb_id, 80)
    store = emulator.emulator.store
    with store.lock:
        store.get("load_balancer", lb_id)["Address"] = "127.0.0.10"
        text, files = render(store, PATHS), certificate_files(store, PATHS)
    path = f"/run/certificates/{certificate_id}.pem"
    assert f"bind 127.0.0.10:443 ssl crt {path} ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.2 ciphers ECDHE-" in text
    assert files == {path: pem["certificate"].strip() + "\n" + pem["key"].strip() + "\n"}
    redirect = "http-request redirect code 302 location https://%[req.hdr(host),field(1,:)]%[capture.req.uri]"
    assert f"bind 127.0.0.10:80\n    {redirect}\n" in text
    assert text.count("\nbackend ") == 1  # the forwarding listener has no backend
    assert {port for _server, port in health(slb, m, lb_id)} == {443}  # nor health rows
