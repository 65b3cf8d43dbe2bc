"""The CLB data plane's TLS, with a real HAProxy and a backend on the loopback (no Docker): the HTTPS listener
presents the uploaded certificate with its policy's TLS versions, serves the HTTP backend, and the forwarding
HTTP listener answers 302 to the HTTPS one. The listener ports are high ones so that nothing else is disturbed."""

import http.client
import http.server
import ssl
import threading
import time

import pytest
from alicloud_emulator.clb_haproxy import HaproxyClb
from alicloud_emulator.store import Store
from alicloud_emulator.test_certificates import self_signed
from alicloud_emulator.testing import free_port

ADDRESS = "127.0.0.251"
HTTPS_PORT, HTTP_PORT = 18443, 18080


class Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"backend {self.path} {self.headers.get('X-Forwarded-For')}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


@pytest.fixture(scope="module")
def backend():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


@pytest.fixture(scope="module")
def pem():
    certificate, key, _ = self_signed("shop.example", ips=[ADDRESS])
    return certificate, key


def _store(backend_port, pem, policy="tls_cipher_policy_1_2"):
    store = Store()
    store.add("load_balancer", "lb-1", {"LoadBalancerId": "lb-1", "LoadBalancerStatus": "active", "Address": ADDRESS})
    store.resources["load_balancer"]["lb-1"]["_backends"] = [{"ServerId": "i-1", "Weight": 100}]
    store.add("instance", "i-1", {"InstanceId": "i-1", "_private_ip": "127.0.0.1"})
    store.add("server_certificate", "cert-1", {"_certificate": pem[0], "_private_key": pem[1]})
    common = {"LoadBalancerId": "lb-1", "Status": "running", "HealthCheck": "off"}
    store.add(
        "listener",
        "lb-1_https",
        dict(common, ListenerPort=HTTPS_PORT, ListenerProtocol="https", BackendServerPort=backend_port,
             ServerCertificateId="cert-1", TLSCipherPolicy=policy),
    )  # fmt: skip
    store.add(
        "listener",
        "lb-1_http",
        dict(common, ListenerPort=HTTP_PORT, ListenerProtocol="http", ListenerForward="on", ForwardPort=HTTPS_PORT),
    )
    return store


@pytest.fixture
def clb(tmp_path):
    haproxy = HaproxyClb(str(tmp_path), addresses=f"{ADDRESS}-{ADDRESS}")
    yield haproxy
    haproxy.close(remove=True)


def _https_get(pem, path="/", version=None):
    context = ssl.create_default_context(cadata=pem[0])
    if version:
        context.minimum_version = context.maximum_version = version
    connection = http.client.HTTPSConnection(ADDRESS, HTTPS_PORT, timeout=5, context=context)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, answer.read().decode(), connection.sock.version()
    finally:
        connection.close()


def test_https_with_the_certificate_and_policy_and_a_302_from_http(clb, backend, pem):
    clb.update(_store(backend, pem))
    assert clb.wait_applied(20)
    status, body, version = _https_get(pem, "/index.html?x=1")
    assert (status, body.split()[:2], version) == (200, ["backend", "/index.html?x=1"], "TLSv1.2")
    with pytest.raises(ssl.SSLError):  # tls_cipher_policy_1_2: TLS 1.2 only
        _https_get(pem, version=ssl.TLSVersion.TLSv1_3)

    connection = http.client.HTTPConnection(ADDRESS, HTTP_PORT, timeout=5)
    connection.request("GET", "/a/b?c=d", headers={"Host": f"{ADDRESS}:{HTTP_PORT}"})
    answer = connection.getresponse()
    connection.close()
    assert (answer.status, answer.getheader("Location")) == (302, f"https://{ADDRESS}:{HTTPS_PORT}/a/b?c=d")


def test_a_new_certificate_is_served_after_the_switch(clb, backend, pem):
    store = _store(backend, pem, policy="tls_cipher_policy_1_2_strict_with_1_3")
    clb.update(store)
    assert clb.wait_applied(20)
    assert _https_get(pem)[2] == "TLSv1.3"
    newer = self_signed("shop.example", ips=[ADDRESS])[:2]
    store.add("server_certificate", "cert-2", {"_certificate": newer[0], "_private_key": newer[1]})
    store.get("listener", "lb-1_https")["ServerCertificateId"] = "cert-2"
    clb.update(store)
    assert clb.wait_applied(20)
    # the old worker may still take a connection or two while the new one comes up, as a reload goes
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not _serves(newer):
        time.sleep(0.1)
    assert _https_get(newer)[0] == 200
    with pytest.raises(ssl.SSLCertVerificationError):
        _https_get(pem)


def _serves(pem):
    try:
        return _https_get(pem)[0] == 200
    except ssl.SSLError:
        return False
