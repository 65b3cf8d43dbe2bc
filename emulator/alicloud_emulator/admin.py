"""The admin API under /_emulator/: health, reset, faults, request counts, state (for tests and drills).

GET  /_emulator/health             {"status": "ok", ...}
POST /_emulator/reset              forget every resource, count and fault
GET  /_emulator/faults             the fault settings
POST /_emulator/faults             change some of them: {"throttle_rate": 0.3, "seed": 7}
GET  /_emulator/requests           {"total": n, "counts": {action: n}, "outcomes": {...}}
POST /_emulator/requests/reset     zero the counts
GET  /_emulator/state              every resource, as stored
GET  /_emulator/catalog/stock      the stock set so far (everything else is WithStock)
POST /_emulator/catalog/stock      {"region_id", "zone_id", "instance_type" (optional: every type of the zone),
                                    "status": WithStock|ClosedWithStock|WithoutStock|ClosedWithoutStock,
                                    "spot" (optional, true: spot requests only)}
GET  /_emulator/catalog/account    {"spot_supported": true}
POST /_emulator/catalog/account    {"spot_supported": false}: RunInstances with spot is refused
GET  /_emulator/catalog/images     the images DescribeImages may list (every status, not retired)
POST /_emulator/catalog/images     publish an image: DescribeImages fields (ImageId, ImageName, OSName, Platform,
                                    Architecture, CreationTime required)
POST /_emulator/catalog/images/<image_id>/retire   the image is gone for new calls (running instances keep it)
GET  /_emulator/permissions        the actions denied per access key
POST /_emulator/permissions        {"access_key_id": "...", "deny": ["nas:CreateFileSystem", "ecs:*"]} (replaces)
POST /_emulator/runtime/ecs/<instance id>/interrupt   a spot interruption: {"notice_seconds": 300}, scaled by
                                   the timing profile (spot_interruptions.py); every runtime
GET  /_emulator/runtime/alarms    the CloudMonitor alarms that fired, oldest first (alarms.py); every runtime
*    /_emulator/runtime/...        the data plane's own endpoints (see its runtime)
"""

import json
import re
import time

from .store import public_fields

INTERRUPT_ROUTE = re.compile(r"/runtime/ecs/(?P<instance_id>[^/]+)/interrupt")


def _reply(status, payload):
    from .app import Response

    return Response(status, json.dumps(payload, indent=1).encode(), {"Content-Type": "application/json"})


def _public_view(resource):
    return {**public_fields(resource), "tags": resource["_tags"], "region": resource["_region"]}


def handle_admin(emulator, method, raw_path, body):
    path = raw_path.split("?", 1)[0].rstrip("/")
    route = path[len("/_emulator") :]
    try:
        payload = json.loads(body) if body else {}
    except ValueError:
        return _reply(400, {"error": "the body must be JSON"})
    if route == "/health" and method == "GET":
        return _reply(
            200,
            {
                "status": "ok",
                "uptime": round(time.time() - emulator.started_at, 3),
                "runtime": emulator.runtime.name,
                "timing": emulator.timing.describe(),
                "default_region": emulator.default_region,
            },
        )
    if route == "/reset" and method == "POST":
        emulator.reset()
        return _reply(200, {"status": "reset"})
    if route == "/faults":
        if method == "POST":
            try:
                emulator.faults.update(payload)
            except (TypeError, ValueError) as error:
                return _reply(400, {"error": str(error)})
        return _reply(200, emulator.faults.as_dict())
    if route == "/requests" and method == "GET":
        return _reply(200, emulator.log.snapshot())
    if route == "/requests/reset" and method == "POST":
        emulator.log.reset()
        return _reply(200, {"status": "reset"})
    if route == "/state" and method == "GET":
        with emulator.store.lock:
            state = {
                kind: {rid: _public_view(r) for rid, r in items.items()}
                for kind, items in emulator.store.resources.items()
            }
        return _reply(200, state)
    if route.startswith("/catalog/"):
        with emulator.store.lock:
            return _catalog(emulator.catalog, method, route[len("/catalog") :], payload)
    if route == "/permissions":
        if method == "POST":
            try:
                emulator.permissions.deny(payload.get("access_key_id"), payload.get("deny"))
            except ValueError as error:
                return _reply(400, {"error": str(error)})
        return _reply(200, emulator.permissions.as_dict())
    interrupt = INTERRUPT_ROUTE.fullmatch(route)
    if interrupt and method == "POST":
        return _reply(*emulator.interruptions.interrupt(interrupt["instance_id"], payload))
    if route == "/runtime/alarms" and method == "GET":
        return _reply(200, {"alarms": emulator.alarms.records()})
    if route.startswith("/runtime/"):
        answer = emulator.runtime.admin(method, route[len("/runtime") :], payload)
        if answer is not None:
            status, data = answer
            return _reply(status, data)
    return _reply(404, {"error": f"no admin endpoint {method} {path}"})


def _catalog(catalog, method, route, payload):
    """The /_emulator/catalog/... routes (under the store lock: handlers read the catalog under it)."""
    if route == "/stock":
        if method == "POST":
            try:
                catalog.set_stock(
                    payload.get("region_id"),
                    payload.get("zone_id"),
                    payload.get("status"),
                    instance_type=payload.get("instance_type"),
                    spot=payload.get("spot", False) is True,
                )
            except ValueError as error:
                return _reply(400, {"error": str(error)})
        return _reply(200, {"stock": catalog.stock_list()})
    if route == "/account":
        if method == "POST":
            if not isinstance(payload.get("spot_supported"), bool):
                return _reply(400, {"error": "spot_supported must be true or false"})
            catalog.spot_supported = payload["spot_supported"]
        return _reply(200, {"spot_supported": catalog.spot_supported})
    if route == "/images":
        if method == "POST":
            try:
                catalog.publish_image(payload)
            except ValueError as error:
                return _reply(400, {"error": str(error)})
        return _reply(200, {"images": catalog.available_images()})
    parts = route.split("/")
    if len(parts) == 4 and parts[1] == "images" and parts[3] == "retire" and method == "POST":
        try:
            catalog.retire_image(parts[2])
        except KeyError:
            return _reply(404, {"error": f"no available image {parts[2]!r}"})
        return _reply(200, {"retired": parts[2]})
    return _reply(404, {"error": f"no admin endpoint {method} /_emulator/catalog{route}"})
