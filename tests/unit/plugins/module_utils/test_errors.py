"""What the SDK raises becomes code, message, request id and status; a missing answer is marked lost."""

from alibabacloud_tea_openapi.exceptions import ClientException, ThrottlingException
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import (
    AlicloudApiError,
    from_sdk_exception,
    is_code,
)
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
