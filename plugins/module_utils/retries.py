# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""When to send a request again, and how long to wait first."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random

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
