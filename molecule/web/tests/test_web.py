"""Verify role ha_web.alicloud.web: nginx serves the NAS directory through the symlink, health from local disk."""

import pytest

URL = "http://127.0.0.1"


def fetch(host, path, *curl_args):
    """Return (status, headers as a lower-cased dict, body without trailing blanks) of a GET on the host itself."""
    out = host.check_output("curl -sS -D -" + " %s" * (len(curl_args) + 1), *curl_args, URL + path)
    head, _separator, body = out.replace("\r\n", "\n").partition("\n\n")
    status_line, *header_lines = head.split("\n")
    headers = {}
    for line in header_lines:
        name, _colon, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def test_nginx_runs_and_is_enabled(host):
    nginx = host.service("nginx")
    assert nginx.is_running
    assert nginx.is_enabled


def test_configuration_is_valid(host):
    assert host.run("nginx -t").rc == 0


def test_docroot_is_a_symlink_to_the_active_dir(host):
    link = host.file("/var/www/current")
    assert link.is_symlink
    assert link.linked_to == "/nas_master/www"


def test_index_is_served_from_the_active_dir(host):
    status, headers, body = fetch(host, "/")
    assert status == 200
    assert "served from the master share" in body
    assert headers["x-backend-server"] == "web-a"


def test_server_version_is_not_shown(host):
    headers = fetch(host, "/")[1]
    assert headers["server"] == "nginx"


def test_text_is_compressed(host):
    headers = fetch(host, "/big.txt", "-H", "Accept-Encoding: gzip", "-o", "/dev/null")[1]
    assert headers.get("content-encoding") == "gzip"
    plain_headers = fetch(host, "/big.txt", "-o", "/dev/null")[1]
    assert "content-encoding" not in plain_headers


def test_health_file_is_on_local_disk(host):
    health = host.file("/var/lib/ha_web/health.html")
    assert health.is_file
    assert not host.check_output("readlink -f /var/lib/ha_web/health.html").startswith("/nas_")


@pytest.fixture
def docroot_target_missing(host):
    """Move the active directory away for the test, and back afterwards."""
    host.check_output("mv /nas_master/www /nas_master/www.away")
    try:
        yield
    finally:
        host.check_output("mv /nas_master/www.away /nas_master/www")


@pytest.mark.usefixtures("docroot_target_missing")
def test_health_is_served_while_the_docroot_target_is_missing(host):
    assert fetch(host, "/")[0] == 404
    status, headers, body = fetch(host, "/health")
    assert status == 200
    assert body == "ok web-a"
    assert headers["x-backend-server"] == "web-a"
