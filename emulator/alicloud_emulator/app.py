"""The emulator: takes an HTTP request as the SDKs send it and answers as the real gateway does."""

import json
import os
import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from . import errors, ids
from .alarms import Alarms
from .catalog import Catalog
from .faults import Faults
from .params import Params
from .permissions import Permissions
from .products import PRODUCTS
from .products.base import Context
from .products.ecs import ECS
from .requestlog import RequestLog
from .runtime import NullRuntime
from .signature import NonceCache, verify_v1, verify_v3
from .spot_interruptions import SpotInterruptions
from .store import Store
from .timing import Timing

DEFAULT_KEYS = {"emulator-ak": "emulator-sk"}
DEFAULT_REGION = "cn-hangzhou"
ADMIN_PREFIX = "/_emulator/"
V1_COMMON = {
    "Action", "Version", "Format", "Timestamp", "SignatureNonce", "SignatureMethod", "SignatureVersion",
    "AccessKeyId", "SecurityToken", "Signature", "SignatureType",
}  # fmt: skip
_HOST_REGION = re.compile(r"^[a-z]+[.-]([a-z]{2}-[a-z]+(?:-\d+)?)\.aliyuncs\.com")


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict = field(default_factory=dict)
    drop: bool = False  # close the connection without answering (an injected lost response)


def _json_response(status, payload, request_id=None):
    headers = {"Content-Type": "application/json;charset=utf-8"}
    if request_id:
        headers["x-acs-request-id"] = request_id
    return Response(status, json.dumps(payload).encode(), headers)


class Emulator:
    def __init__(
        self,
        state_dir=None,
        timing=None,
        keys=None,
        faults=None,
        runtime=None,
        default_region=DEFAULT_REGION,
        catalog=None,
    ):
        self.state_dir = state_dir
        if state_dir:
            os.makedirs(state_dir, exist_ok=True)
        self.timing = timing or Timing()
        self.keys = dict(keys or DEFAULT_KEYS)
        self.faults = faults or Faults()
        self.runtime = runtime or NullRuntime()
        self.catalog = catalog or Catalog()
        self.permissions = Permissions()
        if default_region not in self.catalog.regions:
            raise ValueError(f"unknown default region {default_region!r}")
        self.default_region = default_region
        self.store = Store(os.path.join(state_dir, "state.json") if state_dir else None)
        self.log = RequestLog(os.path.join(state_dir, "requests.log") if state_dir else None)
        self.nonces = NonceCache()
        self.started_at = time.time()
        self.response_hooks = []  # fn(product, action, payload) after each successful API answer (tests)
        self.runtime.start(self)
        self.alarms = Alarms(self)
        self.interruptions = SpotInterruptions(self)
        self.interruptions.restore()
        self.alarms.start()

    # entry point ------------------------------------------------------------------------------
    def handle(self, method, raw_path, headers, body, endpoint_region=None):
        """`headers` with lower-case names; endpoint_region: the region of the listener that got the request
        (None: the default region). Returns a Response."""
        if raw_path.startswith(ADMIN_PREFIX):
            from .admin import handle_admin

            return handle_admin(self, method, raw_path, body)
        request = {"request_id": ids.request_id(), "product": None, "action": "-", "mutating": False}
        try:
            response, outcome = self._handle_api(method, raw_path, headers, body, request, endpoint_region)
        except errors.ApiError as error:
            response, outcome = self._error(error, request, headers), f"error:{error.code}"
        product = request["product"]
        self.log.record(
            product.code if product else "-",
            request["action"],
            outcome,
            response.status,
            request["mutating"],
            request["request_id"],
        )
        return response

    def _handle_api(self, method, raw_path, headers, body, request, endpoint_region):
        url = urlsplit(raw_path)
        query_pairs = parse_qsl(url.query, keep_blank_values=True)
        flat = dict(query_pairs)
        if headers.get("content-type", "").startswith("application/x-www-form-urlencoded") and body:
            flat.update(parse_qsl(body.decode(), keep_blank_values=True))
        action, version, access_key_id, nonce = self._authenticate(method, url, query_pairs, flat, headers, body)
        request["action"] = action
        product = request["product"] = PRODUCTS.get(version)
        if product is None:
            raise errors.ApiError(400, "InvalidVersion", "Specified parameter Version is not valid.")
        spec = product.actions.get(action)
        if spec is None:
            raise errors.ApiError(
                404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method."
            )
        request["mutating"] = spec.mutating
        if nonce:
            self.nonces.check_and_add(nonce, time.time())
        if self.permissions.denies(access_key_id, product.endpoint_prefix, action, flat):
            raise product.permission_denied(
                action=f"{product.endpoint_prefix}:{action}", region=endpoint_region or self.default_region
            )
        decision = self.faults.decide(action, spec.mutating)
        if decision.latency:
            time.sleep(decision.latency)
        if decision.outcome == "throttle":
            return self._error(errors.THROTTLED, request, headers, throttled=True), "throttled"
        if decision.outcome == "error":
            error = errors.SERVICE_UNAVAILABLE if self.faults.error_status() == 503 else errors.INTERNAL_ERROR
            return self._error(error, request, headers), "server_error"
        params = Params({k: v for k, v in flat.items() if k not in V1_COMMON})
        result = self._run(product, spec, params, headers, request["request_id"], endpoint_region)
        payload = {"RequestId": request["request_id"], **result}
        for hook in self.response_hooks:
            hook(product, action, payload)
        response = _json_response(200, payload, request["request_id"])
        if decision.outcome == "lost":
            response.drop = True
            return response, "lost"
        return response, "ok"

    # steps -------------------------------------------------------------------------------------
    def _authenticate(self, method, url, query_pairs, flat, headers, body):
        authorization = headers.get("authorization", "")
        if authorization:
            if not headers.get("x-acs-action") or not headers.get("x-acs-version"):
                raise errors.ApiError(400, "MissingAction", "Action is mandatory for this action.")
            access_key_id, nonce = verify_v3(method, url.path, query_pairs, headers, body, self.keys.get)
            return headers["x-acs-action"], headers["x-acs-version"], access_key_id, nonce
        if "Signature" in flat:
            if not flat.get("Action"):
                raise errors.missing("Action")
            if not flat.get("Version"):
                raise errors.missing("Version")
            access_key_id, nonce = verify_v1(method, flat, self.keys.get)
            return flat["Action"], flat["Version"], access_key_id, nonce
        raise errors.ApiError(400, "MissingAccessKeyId", "AccessKeyId is mandatory for this action.")

    def _region(self, product, params, headers, endpoint_region):
        region = params.str("RegionId") if product.regional else None
        if region is None:
            match = _HOST_REGION.match(headers.get("host", ""))
            region = match.group(1) if match else endpoint_region or self.default_region
        if region not in self.catalog.regions:
            raise errors.ApiError(404, "InvalidRegionId.NotFound", "The specified RegionId does not exist.")
        return region

    def _run(self, product, spec, params, headers, request_id, endpoint_region):
        with self.store.lock:
            ctx = self.context(self._region(product, params, headers, endpoint_region), params, product, request_id)
            token = params.str("ClientToken") if spec.client_token else None
            if token:
                key = f"{product.code}:{ctx.region}:{spec.name}:{token}"
                digest = params.digest()
                seen = self.store.token(key)
                if seen is not None:
                    if seen["digest"] != digest:
                        raise errors.IDEMPOTENT_MISMATCH
                    return seen["response"]
            result = spec.handler(ctx)
            if token:
                self.store.remember_token(key, digest, result)
            if spec.mutating:
                self.store.save()
            return result

    def context(self, region, params=None, product=None, request_id="-"):
        """What a handler gets; without params and product, for a change the emulator makes by itself (the end
        of a spot interruption's notice)."""
        return Context(
            params=params if params is not None else Params({}),
            region=region,
            store=self.store,
            timing=self.timing,
            runtime=self.runtime,
            catalog=self.catalog,
            faults=self.faults,
            request_id=request_id,
            product=product or ECS,
        )

    def _error(self, error, request, headers, throttled=False):
        product, request_id = request["product"], request["request_id"]
        code = product.code if product else "Unknown"
        host = headers.get("host", "")
        payload = {
            "RequestId": request_id,
            "HostId": host,
            "Code": error.code,
            "Message": error.message,
            "Recommend": f"https://api.aliyun.com/troubleshoot?q={error.code}&product={code}&requestId={request_id}",
        }
        response = _json_response(error.status, payload, request_id)
        retry_after = self.faults.config.retry_after_ms
        if throttled and retry_after:
            response.headers["x-acs-retry-after"] = str(retry_after)
        return response

    def reset(self):
        self.interruptions.cancel()
        self.alarms.reset()
        with self.store.lock:
            self.store.reset()
            self.log.reset()
            self.faults.reset()
            self.catalog.reset()
            self.permissions.reset()
            self.runtime.reset(self.store)

    def close(self):
        self.interruptions.cancel()
        self.alarms.stop()
        self.store.save()
        self.log.close()
