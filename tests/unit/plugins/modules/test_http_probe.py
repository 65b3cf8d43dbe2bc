"""The drill prober against a local web server: it counts every answer per status and backend, fails what a user
would not expect (a status outside expected_statuses, a timeout, a connection error), and says when each failed."""

import http.server
import json
import re
import ssl
import threading

import pytest
from ansible_collections.ha_web.alicloud.plugins.modules import http_probe
from ansible_collections.ha_web.alicloud.plugins.modules.http_probe import parse_expected_statuses, run
from ansible_collections.ha_web.alicloud.tests.unit.module_args import patch_module_args

# What /sequence answers to its first, second, third and later requests; the fourth never answers in time.
SEQUENCE = [200, 404, 500, "hang"]


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        server = self.server
        with server.lock:
            server.paths.append(self.path)
            count = server.paths.count(self.path)
        if self.path == "/sequence":
            status = SEQUENCE[min(count, len(SEQUENCE)) - 1]
            if status == "hang":
                if server.stop_file:
                    open(server.stop_file, "w").close()  # the prober stops after this request
                server.release.wait(10)  # far past any timeout the tests use
                return
        else:
            status = {"/broken": 503, "/missing": 404, "/moved": 301}.get(self.path, 200)
        self.send_response(status)
        self.send_header("X-Backend-Server", "web-1")
        if status == 301:
            self.send_header("Location", "/")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.lock, httpd.paths, httpd.release, httpd.stop_file = threading.Lock(), [], threading.Event(), None
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.release.set()
    httpd.shutdown()
    httpd.server_close()


def _url(server, path="/"):
    return "http://127.0.0.1:%d%s" % (server.server_address[1], path)


def test_every_request_answered_on_schedule(server):
    summary, records = run(_url(server), rate=20, duration=1.0, timeout=1, backend_header="X-Backend-Server")
    assert 18 <= summary["requests"] <= 21
    assert summary["failures"] == 0 and summary["first_failure"] is None and summary["failures_by_status"] == {}
    assert summary["backends"] == {"web-1": summary["requests"]}
    assert summary["statuses"] == {"200": summary["requests"]}
    assert [r["at"] for r in records] == sorted(r["at"] for r in records)


def test_each_outcome_is_counted_and_timed(server, tmp_path):
    """200, then 404, then 500, then no answer within the timeout: three failures, each with its own status."""
    server.stop_file = str(tmp_path / "stop")
    summary, records = run(
        _url(server, "/sequence"),
        rate=20,
        duration=30,
        timeout=0.3,
        backend_header="X-Backend-Server",
        stop_file=server.stop_file,
    )
    assert [r["outcome"] for r in records] == ["200", "404", "500", "timeout"]
    assert [r["status"] for r in records] == [200, 404, 500, None]
    assert [r["failed"] for r in records] == [False, True, True, True]
    assert records[3]["took"] >= 0.3 and records[3]["error"] == "timed out"
    assert summary["requests"] == 4 and summary["failures"] == 3
    assert summary["statuses"] == {"200": 1, "404": 1, "500": 1, "timeout": 1}
    assert summary["failures_by_status"] == {
        outcome: {"count": 1, "first": record["at"], "last": record["at"]}
        for outcome, record in zip(["404", "500", "timeout"], records[1:], strict=True)
    }
    assert summary["first_failure"] == records[1]["at"] > 0 and summary["last_failure"] == records[3]["at"]
    assert summary["backends"] == {"web-1": 3}  # the request without an answer names no backend


def test_not_found_answers_fail_and_are_timed_from_first_to_last(server):
    summary = run(_url(server, "/missing"), rate=10, duration=0.5, timeout=1, backend_header="X-Backend-Server")[0]
    assert summary["failures"] == summary["requests"] >= 3
    assert summary["statuses"] == {"404": summary["requests"]}
    assert summary["failures_by_status"]["404"]["count"] == summary["requests"]
    assert summary["failures_by_status"]["404"]["first"] == 0.0 == summary["first_failure"]
    assert summary["failures_by_status"]["404"]["last"] == summary["last_failure"] > 0


def test_server_errors_count_as_failures(server):
    summary = run(_url(server, "/broken"), rate=10, duration=0.5, timeout=1, backend_header="X-Backend-Server")[0]
    assert summary["failures"] == summary["requests"] > 0
    assert summary["statuses"] == {"503": summary["requests"]}


def test_requests_without_an_answer_fail_as_errors_and_are_timed(server):
    port = server.server_address[1]
    server.shutdown()
    server.server_close()
    summary, records = run(
        "http://127.0.0.1:%d/" % port, rate=10, duration=0.5, timeout=0.5, backend_header="X-Backend-Server"
    )
    assert summary["failures"] == summary["requests"] > 0
    assert summary["statuses"] == {"error": summary["requests"]}
    assert summary["failures_by_status"]["error"]["count"] == summary["requests"]
    assert summary["first_failure"] == 0.0 and "refused" in records[0]["error"]


def test_a_redirect_is_an_answer_not_followed(server):
    summary = run(_url(server, "/moved"), rate=10, duration=0.3, timeout=1, backend_header="X-Backend-Server")[0]
    assert summary["statuses"] == {"301": summary["requests"]} and summary["requests"] > 0
    assert summary["failures"] == 0  # 3xx is expected by default
    assert set(server.paths) == {"/moved"}


def test_only_200_expected_makes_a_redirect_a_failure(server):
    summary = run(
        _url(server, "/moved"),
        rate=10,
        duration=0.3,
        timeout=1,
        backend_header="X-Backend-Server",
        expected_statuses=["200"],
    )[0]
    assert summary["failures"] == summary["requests"] > 0
    assert summary["failures_by_status"]["301"]["count"] == summary["requests"]
    assert set(server.paths) == {"/moved"}


def test_a_status_or_class_is_expected():
    assert parse_expected_statuses(["200", "3xx", "4XX"]) == ({200}, {3, 4})
    assert parse_expected_statuses([204]) == ({204}, set())


@pytest.mark.parametrize("bad", ["20x", "600", "099", "2xxx", "ok", "", "1e2"])
def test_a_bad_element_is_refused_by_name(bad):
    with pytest.raises(ValueError, match="^" + re.escape("expected_statuses: %r is neither" % bad)):
        parse_expected_statuses(["200", bad])


def test_an_empty_list_is_refused():
    with pytest.raises(ValueError, match=r"^expected_statuses: name at least one"):
        parse_expected_statuses([])


def _module(capsys, **args):
    """Runs the module's main() with args; returns its JSON result."""
    with patch_module_args(args), pytest.raises(SystemExit):
        http_probe.main()
    return json.loads(capsys.readouterr().out)


def test_the_module_refuses_a_bad_element_before_any_request(server, capsys):
    result = _module(capsys, url=_url(server), duration=0.3, expected_statuses=["200", "2x"])
    assert result["failed"] and result["msg"].startswith("expected_statuses: '2x' is neither")
    assert server.paths == []


def test_the_module_returns_and_writes_the_honest_record(server, capsys, tmp_path):
    output = tmp_path / "reports" / "probe.json"
    result = _module(
        capsys, url=_url(server, "/moved"), rate=10, duration=0.3, expected_statuses=[200], output=str(output)
    )
    assert not result.get("failed") and result["expected_statuses"] == ["200"]
    assert result["failures"] == result["requests"] > 0
    assert result["failures_by_status"] == {
        "301": {"count": result["requests"], "first": 0.0, "last": result["last_failure"]}
    }
    written = json.loads(output.read_text())
    assert written["expected_statuses"] == ["200"] and written["failures_by_status"] == result["failures_by_status"]
    assert [r["outcome"] for r in written["records"]] == ["301"] * result["requests"]
    assert all(r["failed"] for r in written["records"])


def test_the_body_is_recorded_when_asked(server, capsys, tmp_path):
    output = tmp_path / "probe.json"
    result = _module(capsys, url=_url(server, "/missing"), rate=10, duration=0.25, body_bytes=1, output=str(output))
    records = json.loads(output.read_text())["records"]
    assert result["requests"] == len(records) > 0
    assert [(r["status"], r["body"]) for r in records] == [(404, "o")] * len(records)


def test_the_body_is_left_out_by_default(server, capsys, tmp_path):
    output = tmp_path / "probe.json"
    _module(capsys, url=_url(server), rate=10, duration=0.25, output=str(output))
    assert all("body" not in r for r in json.loads(output.read_text())["records"])


# https: a pinned certificate, a CA file, and no check ------------------------------------------------
@pytest.fixture
def tls_server(tmp_path):
    """The same server behind TLS with a self-signed certificate for 127.0.0.1: (server, certificate PEM path,
    its SHA-1 fingerprint as the SLB API writes it)."""
    from alicloud_emulator.test_certificates import self_signed
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509 import load_pem_x509_certificate

    certificate, key, _key = self_signed("localhost", ips=["127.0.0.1"])
    (tmp_path / "site.crt").write_text(certificate)
    (tmp_path / "site.pem").write_text(certificate + key)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(tmp_path / "site.pem"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    httpd.lock, httpd.paths, httpd.release, httpd.stop_file = threading.Lock(), [], threading.Event(), None
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    digest = load_pem_x509_certificate(certificate.encode()).fingerprint(hashes.SHA1())  # noqa: S303 - the API's fingerprint
    yield httpd, str(tmp_path / "site.crt"), ":".join("%02x" % b for b in digest)
    httpd.shutdown()
    httpd.server_close()


def _https(server, path="/"):
    return "https://127.0.0.1:%d%s" % (server.server_address[1], path)


def _outcomes(url, **tls):
    """The outcomes of a probe of 0.2 s at 20 requests a second, each outcome once, and the first error. How many
    requests fit in 0.2 s depends on the machine's load (a TLS handshake waits for the one before; 1 of 4 was seen
    at load average 7), so only the kinds count here; the schedule is test_every_request_answered_on_schedule's."""
    summary, records = run(url, 20, 0.2, 2, "X-Backend-Server", tls=tls)
    assert 1 <= summary["requests"] <= 4, summary
    return set(summary["statuses"]), records[0]["error"]


def test_a_pinned_certificate_is_accepted_and_another_refused(tls_server):
    server, _ca, fingerprint = tls_server
    assert _outcomes(_https(server), fingerprints=[fingerprint.upper()])[0] == {"200"}
    statuses, error = _outcomes(_https(server), fingerprints=["00" * 20])
    assert statuses == {"error"} and "not one of the pinned" in error


def test_a_self_signed_certificate_needs_its_ca_file_or_no_check(tls_server):
    server, ca_path, _fingerprint = tls_server
    statuses, error = _outcomes(_https(server))
    assert statuses == {"error"} and "CERTIFICATE_VERIFY_FAILED" in error
    assert _outcomes(_https(server), ca_path=ca_path)[0] == {"200"}
    assert _outcomes(_https(server), validate_certs=False)[0] == {"200"}


def test_the_module_refuses_a_fingerprint_that_is_not_one(server, capsys):
    arguments = {"url": _url(server), "duration": 1, "certificate_fingerprints": ["ab:cd"]}
    with patch_module_args(arguments), pytest.raises(SystemExit):
        http_probe.main()
    result = json.loads(capsys.readouterr().out)
    assert result["failed"] and "certificate_fingerprints" in result["msg"]
    assert server.paths == []
