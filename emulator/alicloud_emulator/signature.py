"""Verification of the ACS3-HMAC-SHA256 (V3) and HMAC-SHA1 (RPC V1) request signatures."""

import base64
import hashlib
import hmac
import time
from datetime import datetime, timezone
from urllib.parse import quote

from .errors import ApiError

V3_ALGORITHM = "ACS3-HMAC-SHA256"
MAX_SKEW_SECONDS = 15 * 60
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def _pct(text):
    return quote(text, safe="~")


def _incomplete():
    return ApiError(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards.")


def _unknown_key():
    return ApiError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")


def _mismatch(string_to_sign):
    return ApiError(
        400,
        "SignatureDoesNotMatch",
        f"Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}",
    )


class NonceCache:
    """Signature nonces seen in the last 15 minutes (a replayed nonce is refused, as the gateway does)."""

    def __init__(self):
        self._seen = {}

    def check_and_add(self, nonce, now):
        if len(self._seen) > 100_000:
            self._seen = {n: t for n, t in self._seen.items() if now - t < MAX_SKEW_SECONDS}
        seen_at = self._seen.get(nonce)
        if seen_at is not None and now - seen_at < MAX_SKEW_SECONDS:
            raise ApiError(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
        self._seen[nonce] = now


def _check_time(text, fmt):
    try:
        signed_at = datetime.strptime(text, fmt).replace(tzinfo=timezone.utc).timestamp()
    except (TypeError, ValueError):
        raise ApiError(
            400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted."
        ) from None
    if abs(time.time() - signed_at) > MAX_SKEW_SECONDS:
        raise ApiError(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")


def verify_v3(method, path, query_pairs, headers, body, secret_for):
    """Check an `Authorization: ACS3-HMAC-SHA256 ...` request; returns the access key id.

    `headers` are lower-cased; `secret_for(access_key_id)` returns the secret or None.
    """
    try:
        algorithm, rest = headers["authorization"].split(" ", 1)
        parts = dict(p.strip().split("=", 1) for p in rest.split(","))
        access_key_id = parts["Credential"]
        signed_headers = parts["SignedHeaders"].split(";")
        signature = parts["Signature"]
    except (KeyError, ValueError):
        raise _incomplete() from None
    if algorithm != V3_ALGORITHM:
        raise _incomplete()
    secret = secret_for(access_key_id)
    if secret is None:
        raise _unknown_key()
    canonical_query = "&".join(f"{_pct(k)}={_pct(v)}" for k, v in sorted(query_pairs))
    canonical_headers = "".join(f"{h}:{headers.get(h, '').strip()}\n" for h in signed_headers)
    payload_hash = hashlib.sha256(body).hexdigest()
    canonical_request = "\n".join(
        [method, path or "/", canonical_query, canonical_headers, ";".join(signed_headers), payload_hash]
    )
    string_to_sign = f"{algorithm}\n{hashlib.sha256(canonical_request.encode()).hexdigest()}"
    expected = hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise _mismatch(string_to_sign)
    if headers.get("x-acs-content-sha256", payload_hash) != payload_hash:
        raise _mismatch(string_to_sign)
    if "x-acs-date" in headers:
        _check_time(headers["x-acs-date"], "%Y-%m-%dT%H:%M:%SZ")
    return access_key_id, headers.get("x-acs-signature-nonce")


def verify_v1(method, params, secret_for):
    """Check an RPC request signed with HMAC-SHA1 (`Signature` among the parameters); returns the key id."""
    signature = params.get("Signature")
    access_key_id = params.get("AccessKeyId")
    if not signature or not access_key_id:
        raise _incomplete()
    if params.get("SignatureMethod", "HMAC-SHA1") != "HMAC-SHA1":
        raise _incomplete()
    secret = secret_for(access_key_id)
    if secret is None:
        raise _unknown_key()
    canonical = "&".join(f"{_pct(k)}={_pct(v)}" for k, v in sorted(params.items()) if k != "Signature")
    string_to_sign = f"{method}&{_pct('/')}&{_pct(canonical)}"
    digest = hmac.new((secret + "&").encode(), string_to_sign.encode(), hashlib.sha1).digest()
    expected = base64.b64encode(digest).decode()
    if not hmac.compare_digest(expected, signature):
        raise _mismatch(string_to_sign)
    if "Timestamp" in params:
        _check_time(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ")
    return access_key_id, params.get("SignatureNonce")
