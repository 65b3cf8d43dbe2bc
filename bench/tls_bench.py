"""TLS cost seen by the drills' prober: median request latency through the emulator's CLB data plane over HTTPS
(the load balancer terminates TLS with the listener's certificate, tls_cipher_policy_1_2) and over HTTP, to the
same backend.

.venv/bin/python bench/tls_bench.py [--rounds 5] [--requests 100] [--rate 50] [--output FILE]

- The data plane is the emulator's own HAProxy (clb_haproxy.HaproxyClb) rendered from a store holding one load
  balancer on a loopback address with an HTTPS listener (a self-signed certificate, RSA 2048) and a plain HTTP
  listener, both to one backend: a small HTTP server on 127.0.0.1. No Docker: the backend's own time is the same
  for both, so the difference is what TLS adds.
- The requests are the prober's (ha_web.alicloud.http_probe's probe_once through its opener, as the drills send
  them): a new connection per request (so every HTTPS request pays a full handshake), the certificate pinned by
  its fingerprint over HTTPS; each timed with perf_counter (the prober's records are rounded to 1 ms). Rounds alternate
  HTTP and HTTPS so that a load change on the machine touches both; the median is over every request.
"""

import argparse
import hashlib
import http.server
import json
import platform
import ssl
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from alicloud_emulator.clb_haproxy import HaproxyClb
from alicloud_emulator.store import Store
from alicloud_emulator.test_certificates import self_signed
from alicloud_emulator.testing import free_port

# the collection as make setup links it: .venv/collections/ansible_collections/ha_web/alicloud
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / ".venv" / "collections"))
from ansible_collections.ha_web.alicloud.plugins.modules.http_probe import (
    NoRedirects,
    ProxyHandler,
    build_opener,
    https_handler,
    probe_once,
)

ADDRESS = "127.0.0.252"
HTTPS_PORT, HTTP_PORT = 19443, 19080
POLICY = "tls_cipher_policy_1_2"


class Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # the handler's name is the http.server convention
        body = b"<!doctype html><title>bench</title><p>ok</p>\n"
        self.send_response(200)
        self.send_header("X-Backend-Server", "bench-1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


def data_plane_store(backend_port, certificate, key):
    store = Store()
    store.add("load_balancer", "lb-1", {"LoadBalancerId": "lb-1", "LoadBalancerStatus": "active", "Address": ADDRESS})
    store.resources["load_balancer"]["lb-1"]["_backends"] = [{"ServerId": "i-1", "Weight": 100}]
    store.add("instance", "i-1", {"InstanceId": "i-1", "_private_ip": "127.0.0.1"})
    store.add("server_certificate", "cert-1", {"_certificate": certificate, "_private_key": key})
    common = {"LoadBalancerId": "lb-1", "Status": "running", "HealthCheck": "off", "BackendServerPort": backend_port}
    store.add(
        "listener",
        "lb-1_https",
        dict(
            common,
            ListenerPort=HTTPS_PORT,
            ListenerProtocol="https",
            ServerCertificateId="cert-1",
            TLSCipherPolicy=POLICY,
        ),
    )
    store.add("listener", "lb-1_http", dict(common, ListenerPort=HTTP_PORT, ListenerProtocol="http"))
    return store


def probe(url, requests, rate, tls):
    """Seconds each of `requests` requests took, one every 1/rate s, as the prober sends them (probe_once through
    its opener), timed with perf_counter (the prober's own records are rounded to the millisecond)."""
    opener = build_opener(ProxyHandler({}), NoRedirects(), https_handler(**(tls or {})))
    took = []
    for _request in range(requests):
        began = time.perf_counter()
        status, _backend, outcome, error, _body = probe_once(opener, url, 2.0, "X-Backend-Server")
        took.append(time.perf_counter() - began)
        if status != 200:
            raise SystemExit(f"{url}: {outcome} {error}")
        time.sleep(max(0.0, 1.0 / rate - took[-1]))
    return took


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=100, help="requests per protocol and round")
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--output")
    args = parser.parse_args()
    certificate, key, _key = self_signed("bench.example", ips=[ADDRESS])
    pin = hashlib.sha1(ssl.PEM_cert_to_DER_cert(certificate)).hexdigest()  # noqa: S324 - the API's fingerprint
    backend = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Page)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    took = {"http": [], "https": []}
    with tempfile.TemporaryDirectory(prefix="tls-bench-") as state_dir:
        clb = HaproxyClb(state_dir, addresses=f"{ADDRESS}-{ADDRESS}")
        try:
            clb.update(data_plane_store(backend.server_address[1], certificate, key))
            if not clb.wait_applied(30):
                raise SystemExit("HAProxy did not take the configuration")
            probe(f"https://{ADDRESS}:{HTTPS_PORT}/", 10, args.rate, {"fingerprints": [pin]})  # warm up
            for _round in range(args.rounds):
                took["http"] += probe(f"http://{ADDRESS}:{HTTP_PORT}/", args.requests, args.rate, None)
                took["https"] += probe(
                    f"https://{ADDRESS}:{HTTPS_PORT}/", args.requests, args.rate, {"fingerprints": [pin]}
                )
        finally:
            clb.close(remove=True)
            backend.shutdown()
    medians = {protocol: statistics.median(values) * 1000 for protocol, values in took.items()}
    results = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "openssl": ssl.OPENSSL_VERSION,
        "tls_cipher_policy": POLICY,
        "certificate": "self-signed RSA 2048",
        "requests_per_protocol": len(took["http"]),
        "rate_per_second": args.rate,
        "median_ms": {protocol: round(value, 3) for protocol, value in medians.items()},
        "p90_ms": {
            protocol: round(statistics.quantiles(values, n=10)[-1] * 1000, 3) for protocol, values in took.items()
        },
        "https_minus_http_median_ms": round(medians["https"] - medians["http"], 3),
        "https_over_http_median_ratio": round(medians["https"] / medians["http"], 2),
    }
    print(f"median prober latency: HTTP {results['median_ms']['http']} ms, HTTPS {results['median_ms']['https']} ms")
    print(
        f"  TLS adds {results['https_minus_http_median_ms']} ms (x{results['https_over_http_median_ratio']}),"
        f" {results['requests_per_protocol']} requests each, a new connection per request"
    )
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=1)
            handle.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
