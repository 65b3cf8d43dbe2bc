# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""API errors as the collection reports them: code, message, request id, HTTP status; never a traceback."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported, but keep the import test quiet
    from urlparse import urlsplit

_SDK_MESSAGE = re.compile(r"^code: \d+, (?P<message>.*?)(?: request id: [0-9A-Fa-f-]+)?$", re.DOTALL)


class AlicloudApiError(Exception):
    """An answer of the cloud that is an error, or a request that got no answer (`code` "ConnectionError")."""

    def __init__(self, code, message, request_id=None, status=None, action=None, lost=False, retry_after_ms=None):
        super(AlicloudApiError, self).__init__("%s: %s" % (code, message))
        self.code = code
        self.message = message
        self.request_id = request_id
        self.status = status
        self.action = action
        self.lost = lost  # no answer arrived: the request may or may not have taken effect
        self.retry_after_ms = retry_after_ms  # the server's `x-acs-retry-after`, when it sent one

    def as_dict(self):
        return {
            "code": self.code,
            "message": self.message,
            "request_id": self.request_id,
            "status": self.status,
            "action": self.action,
        }

    def describe(self):
        text = "%s: %s" % (self.code, self.message)
        if self.request_id:
            text += " (request id %s)" % self.request_id
        return text


def from_sdk_exception(error, action=None):
    """Turn whatever the Alibaba SDK raised into an AlicloudApiError."""
    code = getattr(error, "code", None)
    status = getattr(error, "status_code", None) or getattr(error, "statusCode", None)
    if _is_credential_error(error):
        # No usable credentials: no request was sent, and retrying cannot help.
        return AlicloudApiError("InvalidCredentials", str(error) or error.__class__.__name__, action=action)
    if not code and _connection_refused(error):
        # Nothing listens at the endpoint: the request was not sent, and the same request will meet the same.
        return AlicloudApiError("ConnectionRefused", _refused_message(error), action=action)
    if not code:
        # darabonba's UnretryableException and plain socket errors (a timeout, a reset after sending): the
        # request got no answer.
        return AlicloudApiError("ConnectionError", str(error) or error.__class__.__name__, action=action, lost=True)
    data = getattr(error, "data", None) or {}
    message = data.get("Message") if isinstance(data, dict) else None
    if not message:
        raw = getattr(error, "message", "") or ""
        match = _SDK_MESSAGE.match(raw)
        message = match.group("message") if match else raw
    request_id = getattr(error, "request_id", None) or (data.get("RequestId") if isinstance(data, dict) else None)
    retry_after = getattr(error, "retry_after", None)
    return AlicloudApiError(
        code, message, request_id=request_id, status=status, action=action, retry_after_ms=retry_after
    )


def _is_credential_error(error):
    """True for the credential chain's failure, raised directly or wrapped by the SDK's retry loop."""
    return any(cause.__class__.__name__ == "CredentialException" for cause in _causes(error))


def _causes(error):
    """The error and everything it wraps: the SDK's inner exception, requests'/urllib3's reasons, __cause__."""
    seen, pending = set(), [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for name in ("inner_exception", "reason", "__cause__", "__context__"):
            pending.append(getattr(current, name, None))
        pending.extend(arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException))


def _connection_refused(error):
    return any(isinstance(cause, ConnectionRefusedError) for cause in _causes(error))


def _refused_message(error):
    """`cannot reach http://127.0.0.1:18080 (connection refused): ...` with what to do about it."""
    request = getattr(error, "last_request", None)
    host = (getattr(request, "headers", None) or {}).get("host")
    if not host:
        return "cannot reach the API endpoint (connection refused): check the region, endpoint_url and the network"
    endpoint = "%s://%s" % (getattr(request, "protocol", None) or "https", host)
    if _is_loopback(host):
        return "cannot reach %s (connection refused): is the emulator running? make emulator-start" % endpoint
    return "cannot reach %s (connection refused): check the region, endpoint_url and the network" % endpoint


def _is_loopback(host):
    name = urlsplit("//" + host).hostname or ""
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_code(error, *codes):
    """True when the error's code is one of `codes` (a code ending in `.*` matches its whole family)."""
    code = getattr(error, "code", None) or ""
    for wanted in codes:
        if wanted.endswith(".*") and (code == wanted[:-2] or code.startswith(wanted[:-1])):
            return True
        if code == wanted:
            return True
    return False
