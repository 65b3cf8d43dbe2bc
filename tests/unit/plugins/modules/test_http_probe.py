"""The drill prober against a local web server: it counts answers per backend, and failures once the server is gone."""

import http.server
import threading

import pytest
from ansible_collections.ha_web.alicloud.plugins.modules.http_probe import run


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        status = 503 if self.path == "/broken" else 200
        self.send_response(status)
        self.send_header("X-Backend-Server", "web-1")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _url(server, path="/"):
    return "http://127.0.0.1:%d%s" % (server.server_address[1], path)


def test_every_request_answered_on_schedule(server):
    summary, records = run(_url(server), rate=20, duration=1.0, timeout=1, backend_header="X-Backend-Server")
    assert 18 <= summary["requests"] <= 21
    assert summary["failures"] == 0 and summary["first_failure"] is None
    assert summary["backends"] == {"web-1": summary["requests"]}
    assert summary["statuses"] == {"200": summary["requests"]}
    assert [r["at"] for r in records] == sorted(r["at"] for r in records)


def test_server_errors_count_as_failures(server):
    summary = run(_url(server, "/broken"), rate=10, duration=0.5, timeout=1, backend_header="X-Backend-Server")[0]
    assert summary["failures"] == summary["requests"] > 0
    assert summary["statuses"] == {"503": summary["requests"]}


def test_requests_without_an_answer_fail_and_are_timed(server):
    port = server.server_address[1]
    server.shutdown()
    server.server_close()
    summary, records = run(
        "http://127.0.0.1:%d/" % port, rate=10, duration=0.5, timeout=0.5, backend_header="X-Backend-Server"
    )
    assert summary["failures"] == summary["requests"] > 0
    assert summary["statuses"] == {"error": summary["requests"]}
    assert summary["first_failure"] == 0.0 and records[0]["error"]


def test_a_stop_file_ends_probing_early(server, tmp_path):
    stop = tmp_path / "stop"
    stop.write_text("")
    summary = run(
        _url(server), rate=10, duration=30, timeout=1, backend_header="X-Backend-Server", stop_file=str(stop)
    )[0]
    assert summary["requests"] == 0 and summary["seconds"] < 1
