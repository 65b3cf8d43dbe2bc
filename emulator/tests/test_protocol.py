"""The wire protocol through the real SDK: signatures, error shapes, routing, parameter forms, faults."""

import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from alibabacloud_tea_openapi import models as openapi_models
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException, ThrottlingException
from alibabacloud_tea_util.models import RuntimeOptions
from alicloud_emulator.docker_testing import wait_for
from alicloud_emulator.testing import sdk_client, sdk_models
from darabonba.exceptions import UnretryableException

REGION = "cn-hangzhou"


def _create_vpc(client, cidr="10.0.0.0/16", **extra):
    m = sdk_models("vpc")
    return client.create_vpc(m.CreateVpcRequest(region_id=REGION, cidr_block=cidr, **extra)).body


def _count_vpcs(emulator):
    m = sdk_models("vpc")
    return emulator.client("vpc").describe_vpcs(m.DescribeVpcsRequest(region_id=REGION, page_size=50)).body.total_count


def _raw_call(client, action, version, query=None, body=None):
    """A request through the SDK's generic RPC path (what every product client uses underneath)."""
    params = openapi_models.Params(
        action=action,
        version=version,
        protocol="HTTP",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )
    request = openapi_models.OpenApiRequest(query=query or {}, body=body)
    return client.call_api(params, request, RuntimeOptions())


# signatures ---------------------------------------------------------------------------------
def test_wrong_secret_is_refused(emulator):
    client = emulator.client("vpc", secret="not-the-secret")
    with pytest.raises(ClientException) as raised:
        _create_vpc(client)
    assert (raised.value.code, raised.value.status_code) == ("SignatureDoesNotMatch", 400)
    assert "server string to sign is:ACS3-HMAC-SHA256" in raised.value.message
    assert _count_vpcs(emulator) == 0


def test_unknown_access_key_is_refused(emulator):
    client = emulator.client("ecs", key_id="nobody")
    m = sdk_models("ecs")
    with pytest.raises(ClientException) as raised:
        client.describe_security_groups(m.DescribeSecurityGroupsRequest(region_id=REGION))
    assert (raised.value.code, raised.value.status_code) == ("InvalidAccessKeyId.NotFound", 404)


class _Capture(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    captured: ClassVar[list] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        _Capture.captured.append((self.path, dict(self.headers.items()), body))
        answer = json.dumps({"RequestId": "X"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def _capture_signed_request(product, call):
    """What the real SDK sends, captured on a local server, to replay (and tamper with) by hand."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Capture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _Capture.captured = []
        call(sdk_client(product, f"127.0.0.1:{server.server_address[1]}"))
        return _Capture.captured[-1]
    finally:
        server.shutdown()
        server.server_close()


def _replay(emulator, path, headers, body):
    request = urllib.request.Request(f"http://{emulator.endpoint}{path}", data=body, method="POST")
    for name, value in headers.items():
        if name.lower() not in ("content-length", "connection"):
            request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - loopback
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_replayed_and_tampered_requests(emulator):
    m = sdk_models("vpc")
    path, headers, body = _capture_signed_request(
        "vpc", lambda c: c.create_vpc(m.CreateVpcRequest(region_id=REGION, cidr_block="10.0.0.0/16"))
    )
    tampered = path.replace("CidrBlock=10.0.0.0%2F16", "CidrBlock=10.9.0.0%2F16")
    assert tampered != path
    status, answer = _replay(emulator, tampered, headers, body)
    assert (status, answer["Code"]) == (400, "SignatureDoesNotMatch")
    status, answer = _replay(emulator, path, headers, body)
    assert status == 200 and answer["VpcId"].startswith("vpc-")
    status, answer = _replay(emulator, path, headers, body)
    assert (status, answer["Code"]) == (400, "SignatureNonceUsed")
    unsigned = {k: v for k, v in headers.items() if k.lower() != "authorization"}
    status, answer = _replay(emulator, path, unsigned, body)
    assert status == 400 and answer["Code"] == "MissingAccessKeyId"
    garbled = {**headers, "Authorization": "ACS3-HMAC-SHA256 nonsense"}
    status, answer = _replay(emulator, path, garbled, body)
    assert (status, answer["Code"]) == (400, "IncompleteSignature")
    assert _count_vpcs(emulator) == 1


def test_hmac_sha1_rpc_signatures(emulator):
    good = emulator.client("vpc", signature_algorithm="v2")
    assert _create_vpc(good).vpc_id.startswith("vpc-")
    bad = emulator.client("vpc", signature_algorithm="v2", secret="wrong")
    with pytest.raises(ClientException) as raised:
        _create_vpc(bad, cidr="10.1.0.0/16")
    assert (raised.value.code, raised.value.status_code) == ("SignatureDoesNotMatch", 400)
    assert _count_vpcs(emulator) == 1


def test_configured_access_keys(emulator):
    emulator.emulator.keys["ci-key"] = "ci-secret"
    try:
        assert _create_vpc(emulator.client("vpc", key_id="ci-key", secret="ci-secret")).vpc_id
    finally:
        del emulator.emulator.keys["ci-key"]


# error shape and routing ----------------------------------------------------------------------
def test_error_shape_as_the_sdk_sees_it(emulator):
    m = sdk_models("vpc")
    with pytest.raises(ClientException) as raised:
        emulator.client("vpc").delete_vpc(m.DeleteVpcRequest(region_id=REGION, vpc_id="vpc-nothere"))
    error = raised.value
    assert (error.code, error.status_code, error.name) == ("InvalidVpcId.NotFound", 404, "ClientException")
    assert len(error.request_id) == 36 and error.request_id == error.request_id.upper()
    assert error.data["Message"] == "Specified VPC does not exist."
    assert error.data["Recommend"].endswith(f"product=Vpc&requestId={error.request_id}")
    assert "HostId" in error.data


def test_unknown_action_version_and_region(emulator):
    client = emulator.client("vpc")
    with pytest.raises(ClientException) as raised:
        _raw_call(client, "CreateTeleporter", "2016-04-28", {"RegionId": REGION})
    assert (raised.value.code, raised.value.status_code) == ("InvalidAction.NotFound", 404)
    with pytest.raises(ClientException) as raised:
        _raw_call(client, "CreateVpc", "1999-01-01", {"RegionId": REGION})
    assert (raised.value.code, raised.value.status_code) == ("InvalidVersion", 400)
    with pytest.raises(ClientException) as raised:
        _raw_call(client, "CreateVpc", "2016-04-28", {"RegionId": "mars-north-1"})
    assert (raised.value.code, raised.value.status_code) == ("InvalidRegionId.NotFound", 404)


def test_parameters_in_the_form_body_and_booleans_in_any_case(emulator):
    client = emulator.client("vpc")
    body = {
        "RegionId": REGION,
        "CidrBlock": "10.4.0.0/16",
        "VpcName": "from-body",
        "Tag.1.Key": "k",
        "Tag.1.Value": "v",
    }
    created = _raw_call(client, "CreateVpc", "2016-04-28", body=body)["body"]
    m = sdk_models("vpc")
    found = client.describe_vpcs(m.DescribeVpcsRequest(region_id=REGION, vpc_name="from-body")).body.vpcs.vpc
    assert [v.vpc_id for v in found] == [created["VpcId"]]
    assert {t.key: t.value for t in found[0].tags.tag} == {"k": "v"}
    for spelling in ("true", "TRUE", "True"):
        with pytest.raises(ClientException) as raised:
            _raw_call(client, "CreateVpc", "2016-04-28", {"RegionId": REGION, "DryRun": spelling})
        assert raised.value.code == "DryRunOperation"
    assert (
        _raw_call(client, "DescribeVpcs", "2016-04-28", {"RegionId": REGION, "IsDefault": "FALSE"})["body"][
            "TotalCount"
        ]
        == 1
    )


# faults --------------------------------------------------------------------------------------
def test_throttling_does_nothing_and_says_so(emulator):
    emulator.admin.faults(throttle_rate=1.0)
    with pytest.raises(ClientException) as raised:
        _create_vpc(emulator.client("vpc"))
    assert (raised.value.code, raised.value.status_code) == ("Throttling.User", 400)
    emulator.admin.faults(retry_after_ms=250)
    with pytest.raises(ThrottlingException) as raised:
        _create_vpc(emulator.client("vpc"))
    assert raised.value.retry_after == 250
    emulator.admin.faults(throttle_rate=0.0)
    assert _count_vpcs(emulator) == 0
    assert emulator.admin.requests()["outcomes"]["CreateVpc"] == {"throttled": 2}


def test_server_errors_do_nothing(emulator):
    emulator.admin.faults(error_rate=1.0, seed=3)
    statuses = set()
    for _ in range(8):
        with pytest.raises(ServerException) as raised:
            _create_vpc(emulator.client("vpc"))
        statuses.add((raised.value.code, raised.value.status_code))
    assert statuses == {("ServiceUnavailable", 503), ("InternalError", 500)}
    emulator.admin.faults(error_rate=0.0)
    assert _count_vpcs(emulator) == 0


def test_lost_response_takes_effect_without_an_answer(emulator):
    emulator.admin.faults(lost_rate=1.0)
    with pytest.raises(UnretryableException):
        _create_vpc(emulator.client("vpc"), client_token="lost-once")
    emulator.admin.faults(lost_rate=0.0)
    assert _count_vpcs(emulator) == 1
    again = _create_vpc(emulator.client("vpc"), client_token="lost-once")
    assert _count_vpcs(emulator) == 1 and again.vpc_id.startswith("vpc-")


def test_latency_and_scope(emulator):
    emulator.admin.faults(latency_ms=2000, scope="DescribeVpcs")  # more than a loaded machine's create takes
    began = time.monotonic()
    _create_vpc(emulator.client("vpc"))
    quick = time.monotonic() - began
    began = time.monotonic()
    _count_vpcs(emulator)
    slow = time.monotonic() - began
    assert quick < 2.0 <= slow


def test_mutating_scope_leaves_reads_alone(emulator):
    emulator.admin.faults(throttle_rate=1.0)
    assert _count_vpcs(emulator) == 0  # a Describe call passes


def test_eventual_consistency_hides_new_resources(emulator):
    # A delay that a loaded machine's create and first Describe cannot eat up (0.6 s could).
    emulator.admin.faults(consistency_delay=3.0)
    client = emulator.client("vpc")
    # On the emulator's own clock, wall-clock time (its state outlives a restart): a monotonic clock can run a
    # little slower than a disciplined wall clock (2.99 s measured for 3.0 on one machine).
    asked = time.time()
    _create_vpc(client)
    assert _count_vpcs(emulator) == 0
    wait_for(lambda: _count_vpcs(emulator) == 1, 15, 0.1, what="the new VPC to show")
    assert time.time() - asked >= 3.0


def test_a_consistency_delay_set_later_hides_nothing_already_listed(emulator):
    emulator.admin.reset()
    client = emulator.client("vpc")
    _create_vpc(client)
    assert _count_vpcs(emulator) == 1
    emulator.admin.faults(consistency_delay=60.0)
    try:
        assert _count_vpcs(emulator) == 1  # made before the delay was set: still listed
        _create_vpc(client, cidr="10.1.0.0/16")
        assert _count_vpcs(emulator) == 1  # made after: hidden
    finally:
        emulator.admin.faults(consistency_delay=0.0)
    assert _count_vpcs(emulator) == 2


def test_faults_are_deterministic_for_a_seed(emulator):
    def outcomes(seed):
        emulator.admin.reset()
        emulator.admin.faults(throttle_rate=0.3, error_rate=0.2, seed=seed)
        seen = []
        client = emulator.client("vpc")
        for index in range(12):
            try:
                _create_vpc(client, cidr=f"10.{index}.0.0/16")
                seen.append("ok")
            except ClientException as error:
                seen.append(error.code)
            except ServerException:
                seen.append("5xx")
        return seen

    first = outcomes(11)
    assert first == outcomes(11)
    assert {"ok", "Throttling.User"} <= set(first)
    assert first != outcomes(12)


def test_bad_fault_settings_are_refused(emulator):
    for bad in ({"throttle_rate": 2}, {"no_such": 1}, {"throttle_rate": 0.6, "error_rate": 0.6}):
        with pytest.raises(urllib.error.HTTPError) as raised:
            emulator.admin.faults(**bad)
        assert raised.value.code == 400


# request counts --------------------------------------------------------------------------------
def test_requests_are_counted_per_action(emulator):
    client = emulator.client("vpc")
    _create_vpc(client)
    _count_vpcs(emulator)
    _count_vpcs(emulator)
    with pytest.raises(ClientException):
        _create_vpc(client, cidr="bad")
    counts = emulator.admin.requests()
    assert counts["counts"] == {"CreateVpc": 2, "DescribeVpcs": 2}
    assert counts["outcomes"]["CreateVpc"] == {"ok": 1, "error:InvalidParameter": 1}
    emulator.admin.reset_requests()
    assert emulator.admin.requests()["total"] == 0
