# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""When to send a request again, and how long to wait first."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import time

# Codes that say "not now": the request was not carried out and the same request may succeed later.
TRANSIENT_CODES = frozenset(
    [
        "ServiceUnavailable",
        "InternalError",
        "UnknownError",
        "SystemBusy",
        "OperationConflict",
        "OperationBusy",
        "ServiceIsConfiguring",
        "BackendServer.configuring",
        "LastTokenProcessing",
        "IdempotentProcessing",
        "OperationFailed.TokenIsProcessing",
        "TaskConflict",
        "Throttling",
    ]
)

DEFAULT_ATTEMPTS = 15
BASE_DELAY = 0.2  # seconds
MAX_DELAY = 8.0


def is_retryable(error):
    """Is the request worth sending again as it is? `error` is an AlicloudApiError."""
    if error.lost:
        return True  # no answer: callers make the repeat safe (ClientToken, or a look before the retry)
    code = error.code or ""
    if code in TRANSIENT_CODES or code.startswith("Throttling") or code.endswith(".Throttling"):
        return True
    return error.status is not None and 500 <= int(error.status) <= 599


def backoff_delay(attempt, retry_after_ms=None, rng=random):
    """Seconds to wait before attempt `attempt + 1` (attempt counts from 1): exponential, equal jitter, capped.

    A server's `x-acs-retry-after` (milliseconds) is a floor.
    """
    ceiling = min(MAX_DELAY, BASE_DELAY * (2 ** (attempt - 1)))
    delay = rng.uniform(ceiling / 2, ceiling)
    if retry_after_ms:
        delay = max(delay, float(retry_after_ms) / 1000.0)
    return delay


def call_with_retries(send, classify, max_attempts=DEFAULT_ATTEMPTS, verify_lost=None, sleep=None):
    """Run `send()` until it answers, retrying what is retryable; the one retry loop of the collection.

    classify(exception) turns whatever `send` raised into an AlicloudApiError. The same `send` (so the
    same parameters, ClientToken included) is used for every attempt. After an attempt that got no
    answer, `verify_lost()` (when given) may report that the request had taken effect: its non-None
    result is returned instead of sending again.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return send()
        except Exception as raw:  # the SDK raises many unrelated types; classify() sorts them out
            error = classify(raw)
        if not is_retryable(error) or attempt >= max_attempts:
            raise error
        if error.lost and verify_lost is not None:
            found = verify_lost()
            if found is not None:
                return found
        (sleep or time.sleep)(backoff_delay(attempt, error.retry_after_ms))
