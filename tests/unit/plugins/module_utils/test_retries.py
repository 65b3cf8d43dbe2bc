"""Retry decisions per error, backoff bounds, and the retry loop (ClientToken reuse, lost answers)."""

import random

import pytest
from ansible_collections.ha_web.alicloud.plugins.module_utils import retries
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError


def api_error(code, status=400, lost=False, retry_after_ms=None):
    return AlicloudApiError(code, "message", request_id="RID", status=status, lost=lost, retry_after_ms=retry_after_ms)


@pytest.mark.parametrize(
    "code, status",
    [
        ("Throttling", 400),
        ("Throttling.User", 400),
        ("Throttling.Api", 400),
        ("Throttling.Resource", 429),
        ("Rejected.Throttling", 400),
        ("ServiceUnavailable", 503),
        ("InternalError", 500),
        ("SomethingNew", 502),
        ("SystemBusy", 449),
        ("ServiceIsConfiguring", 400),
        ("BackendServer.configuring", 409),
        ("OperationConflict", 409),
        ("LastTokenProcessing", 403),
        ("OperationFailed.TokenIsProcessing", 400),
    ],
)
def test_transient_errors_are_retried(code, status):
    assert retries.is_retryable(api_error(code, status))


@pytest.mark.parametrize(
    "code, status",
    [
        ("InvalidParameter", 400),
        ("IncorrectInstanceStatus", 403),
        ("DependencyViolation.VSwitch", 400),
        ("InvalidVpcId.NotFound", 404),
        ("SignatureDoesNotMatch", 400),
        ("InvalidAccessKeyId.NotFound", 404),
        ("IdempotentParameterMismatch", 400),
        ("Forbidden.RAM", 403),
    ],
)
def test_errors_that_a_resend_cannot_fix_are_not_retried(code, status):
    assert not retries.is_retryable(api_error(code, status))


def test_a_request_without_answer_is_retried():
    assert retries.is_retryable(AlicloudApiError("ConnectionError", "reset", lost=True))


def test_backoff_grows_within_bounds_and_is_jittered():
    rng = random.Random(1)
    for attempt in range(1, 20):
        ceiling = min(retries.MAX_DELAY, retries.BASE_DELAY * 2 ** (attempt - 1))
        delays = [retries.backoff_delay(attempt, rng=rng) for _sample in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1
    assert max(retries.backoff_delay(30, rng=rng) for _sample in range(100)) <= retries.MAX_DELAY


def test_backoff_honours_retry_after():
    assert retries.backoff_delay(1, retry_after_ms=3000) >= 3.0
    assert retries.backoff_delay(1, retry_after_ms=1) <= retries.BASE_DELAY


class Script:
    """A send() that fails as scripted, then answers; records what it was asked."""

    def __init__(self, *failures):
        self.failures = list(failures)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return {"RequestId": "ok"}


def run(script, **kwargs):
    sleeps = []
    result = retries.call_with_retries(script, lambda e: e, sleep=sleeps.append, **kwargs)
    return result, sleeps


def test_retries_until_an_answer():
    script = Script(api_error("Throttling.User"), api_error("ServiceUnavailable", 503), api_error("X", 500))
    result, sleeps = run(script)
    assert result == {"RequestId": "ok"} and script.calls == 4 and len(sleeps) == 3


def test_gives_up_after_max_attempts():
    script = Script(*[api_error("Throttling.User") for _attempt in range(10)])
    with pytest.raises(AlicloudApiError) as raised:
        run(script, max_attempts=3)
    assert raised.value.code == "Throttling.User" and script.calls == 3


def test_does_not_retry_a_final_error():
    script = Script(api_error("InvalidParameter"))
    with pytest.raises(AlicloudApiError):
        run(script)
    assert script.calls == 1


def test_a_lost_answer_is_verified_before_resending():
    lost = AlicloudApiError("ConnectionError", "reset", lost=True)
    script = Script(lost)
    found = {"RuleId": "1"}
    result = run(script, verify_lost=lambda: found)[0]
    assert result is found and script.calls == 1
    script = Script(lost)
    result = run(script, verify_lost=lambda: None)[0]
    assert result == {"RequestId": "ok"} and script.calls == 2
