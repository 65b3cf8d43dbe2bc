"""The admin API under /_emulator/: health, reset, faults, request counts, state (for tests and drills).

GET  /_emulator/health             {"status": "ok", ...}
POST /_emulator/reset              forget every resource, count and fault
GET  /_emulator/faults             the fault settings
POST /_emulator/faults             change some of them: {"throttle_rate": 0.3, "seed": 7}
GET  /_emulator/requests           {"total": n, "counts": {action: n}, "outcomes": {...}}
POST /_emulator/requests/reset     zero the counts
GET  /_emulator/state              every resource, as stored
POST /_emulator/runtime/ecs/<instance id>/interrupt   a spot interruption: {"notice_seconds": 300}, scaled by
                                   the timing profile (spot_interruptions.py); every runtime
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
    interrupt = INTERRUPT_ROUTE.fullmatch(route)
    if interrupt and method == "POST":
        return _reply(*emulator.interruptions.interrupt(interrupt["instance_id"], payload))
    if route.startswith("/runtime/"):
        answer = emulator.runtime.admin(method, route[len("/runtime") :], payload)
        if answer is not None:
            status, data = answer
            return _reply(status, data)
    return _reply(404, {"error": f"no admin endpoint {method} {path}"})
