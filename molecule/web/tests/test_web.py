"""Verify role ha_web.alicloud.web: nginx serves the NAS directory through the symlink, health from local disk."""

import json

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


# web-leave, against the stand-in metadata service the prepare step started (molecule/web/metadata_stand_in.py).
STAND_IN = "/run/stand-in"


def health_status_within(host, status, seconds):
    """Wait until GET /health answers `status` (True), or `seconds` passed (False); checked every 0.2 s."""
    deadline = host.run(
        'end=$(($(date +%%s) + %s)); until [ "$(curl -s -o /dev/null -w %%{http_code} %s/health)" = %s ]; do '
        '[ "$(date +%%s)" -ge "$end" ] && exit 1; sleep 0.2; done',
        str(seconds),
        URL,
        str(status),
    )
    return deadline.rc == 0


@pytest.fixture
def stand_in(host):
    """The stand-in's switches are cleared, and web-leave restarted (a notice is kept until then), afterwards."""
    yield
    host.check_output(f"rm -f {STAND_IN}/termination-time {STAND_IN}/tokens-required {STAND_IN}/hang")
    host.check_output("systemctl reset-failed web-leave; systemctl restart web-leave")
    assert health_status_within(host, 200, 5)


def test_web_leave_runs_is_enabled_and_stops_before_nginx(host):
    leave = host.service("web-leave")
    assert leave.is_running
    assert leave.is_enabled
    assert "nginx.service" in host.check_output("systemctl show -p After --value web-leave")
    # the 9 s hold asked (2 x 3 + 3; at most 20 s), at most 5 s to read systemd's state, 5 s to exit
    assert host.check_output("systemctl show -p TimeoutStopUSec --value web-leave") == "19s"


def test_health_passes_while_the_instance_is_safe(host):
    assert fetch(host, "/health")[0] == 200
    assert host.run(f"test -e {STAND_IN}/termination-time").rc != 0


@pytest.mark.usefixtures("stand_in")
def test_a_termination_notice_fails_the_health_uri_only(host):
    host.check_output(f"echo 2026-12-01T13:00:00Z > {STAND_IN}/termination-time")
    assert health_status_within(host, 503, 3)  # polled every second
    status, headers, body = fetch(host, "/")
    assert status == 200 and "served from the master share" in body
    assert headers["x-backend-server"] == "web-a"
    assert fetch(host, "/health")[1]["x-backend-server"] == "web-a"


@pytest.mark.usefixtures("stand_in")
def test_a_notice_is_seen_in_hardened_mode(host):
    host.check_output(f"touch {STAND_IN}/tokens-required")
    host.check_output("systemctl reset-failed web-leave; systemctl restart web-leave")
    host.check_output(f"echo 2026-12-01T13:00:00Z > {STAND_IN}/termination-time")
    assert health_status_within(host, 503, 3)
    # the stand-in wants the token: a request without it is refused
    item = "http://127.100.100.200:8100/latest/meta-data/instance/spot/termination-time"
    assert host.run("curl -s -f %s", item).rc != 0


@pytest.mark.usefixtures("stand_in")
def test_a_hung_metadata_service_does_not_fail_the_health_uri_nor_stall_the_poll(host):
    host.check_output(f"touch {STAND_IN}/hang")
    assert not health_status_within(host, 503, 4)
    host.check_output(f"rm {STAND_IN}/hang")
    host.check_output(f"echo 2026-12-01T13:00:00Z > {STAND_IN}/termination-time")
    # the poll still runs: a request stuck on the hung service was abandoned after its bound
    assert health_status_within(host, 503, 4)


@pytest.fixture
def no_metadata_service(host):
    host.check_output("systemctl stop metadata-stand-in")
    try:
        yield
    finally:
        host.run("systemctl reset-failed metadata-stand-in")
        host.check_output("systemd-run --unit metadata-stand-in /usr/bin/python3 /usr/local/lib/metadata_stand_in.py")


@pytest.mark.usefixtures("no_metadata_service")
def test_without_a_metadata_service_the_host_behaves_as_before(host):
    host.check_output("systemctl reset-failed web-leave; systemctl restart web-leave")
    assert not health_status_within(host, 503, 3)
    assert host.service("web-leave").is_running


def test_a_stop_outside_a_shutdown_does_not_hold_nor_leave_the_health_failing(host):
    invocation = host.check_output("systemctl show -p InvocationID --value web-leave")
    host.check_output("systemctl stop web-leave")
    try:
        events = [json.loads(line)["event"] for line in journal_of(host, invocation)]
        assert "system_state" in events and "shutdown_hold" not in events
        assert fetch(host, "/health")[0] == 200
    finally:
        host.check_output("systemctl reset-failed web-leave; systemctl start web-leave")


def journal_of(host, invocation):
    """The JSON lines web-leave logged in one run of its service."""
    out = host.check_output("journalctl -o cat --no-pager _SYSTEMD_INVOCATION_ID=%s", invocation)
    return [line for line in out.splitlines() if line.startswith("{")]
