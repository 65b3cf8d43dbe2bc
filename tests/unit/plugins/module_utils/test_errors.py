"""What the SDK raises becomes code, message, request id and status; a missing answer is marked lost."""

from alibabacloud_tea_openapi.exceptions import ClientException, ThrottlingException
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import (
    AlicloudApiError,
    from_sdk_exception,
    is_code,
)
from ansible_collections.ha_web.alicloud.plugins.module_utils.retries import is_retryable
from darabonba.exceptions import UnretryableException
from darabonba.policy.retry import RetryPolicyContext

RID = "8906582E-6722-409A-A6C4-0E7863B733A5"


def sdk_error(cls=ClientException, status=404, **extra):
    return cls(
        code="InvalidVpcId.NotFound",
        message=f"code: {status}, Specified VPC does not exist. request id: {RID}",
        request_id=RID,
        status_code=status,
        data={"Code": "InvalidVpcId.NotFound", "Message": "Specified VPC does not exist.", "RequestId": RID},
        **extra,
    )


def test_client_error():
    error = from_sdk_exception(sdk_error(), action="DeleteVpc")
    assert (error.code, error.message, error.request_id, error.status) == (
        "InvalidVpcId.NotFound",
        "Specified VPC does not exist.",
        RID,
        404,
    )
    assert error.describe() == f"InvalidVpcId.NotFound: Specified VPC does not exist. (request id {RID})"
    assert error.as_dict()["action"] == "DeleteVpc" and not error.lost


def test_throttling_keeps_retry_after():
    error = from_sdk_exception(sdk_error(ThrottlingException, status=400, retry_after=1500))
    assert error.retry_after_ms == 1500


def test_no_answer_is_a_lost_request():
    error = from_sdk_exception(
        UnretryableException(RetryPolicyContext(exception=ConnectionError("Connection aborted.")))
    )
    assert error.lost and error.code == "ConnectionError"


def test_code_families():
    error = AlicloudApiError("DependencyViolation.VSwitch", "x")
    assert is_code(error, "DependencyViolation.*")
    assert is_code(AlicloudApiError("DependencyViolation", "x"), "DependencyViolation.*")
    assert not is_code(error, "DependencyViolation")
    assert not is_code(AlicloudApiError("InvalidParameter", "x"), "DependencyViolation.*")


def test_missing_credentials_fail_at_once():
    from alibabacloud_credentials.exceptions import CredentialException

    wrapped = UnretryableException(RetryPolicyContext(exception=CredentialException("no credential found")))
    for raised in (CredentialException("no credential found"), wrapped):
        error = from_sdk_exception(raised)
        assert not error.lost and error.code == "InvalidCredentials"
        assert "no credential found" in error.message


def refused_at(url):
    """What the SDK raises when nothing listens at `url` (a real connection attempt to a closed local port)."""
    from ansible_collections.ha_web.alicloud.plugins.module_utils import clients

    client = clients.build_client(
        "ecs", "cn-hangzhou", {"type": "access_key", "access_key_id": "a", "access_key_secret": "b"}, url
    )
    try:
        clients.send(client, "ecs", "DescribeRegions", {})
    except Exception as raised:  # whatever the SDK raises is the subject here
        return raised
    raise AssertionError("a request to a closed port was answered")


def closed_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free once closed: nothing listens there


def test_refused_connection_fails_at_once_naming_the_endpoint():
    port = closed_port()
    error = from_sdk_exception(refused_at(f"http://127.0.0.1:{port}"), action="DescribeRegions")
    assert error.code == "ConnectionRefused" and not error.lost
    assert error.message == (
        f"cannot reach http://127.0.0.1:{port} (connection refused): is the emulator running? make emulator-start"
    )
    assert not is_retryable(error)


def test_refused_connection_to_a_real_endpoint_says_what_to_check():
    refused = ConnectionRefusedError(111, "Connection refused")
    wrapper = UnretryableException(RetryPolicyContext(exception=ConnectionError(refused)))
    wrapper.last_request = type("Request", (), {"protocol": "https", "headers": {"host": "ecs.aliyuncs.com"}})()
    error = from_sdk_exception(wrapper)
    assert error.message == (
        "cannot reach https://ecs.aliyuncs.com (connection refused): check the region, endpoint_url and the network"
    )


def test_a_reset_after_sending_stays_a_lost_request():
    error = from_sdk_exception(
        UnretryableException(RetryPolicyContext(exception=ConnectionResetError(104, "Connection reset by peer")))
    )
    assert error.lost and error.code == "ConnectionError" and is_retryable(error)
