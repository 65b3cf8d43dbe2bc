"""POST /_emulator/runtime/ecs/<instance id>/interrupt {"notice_seconds": 300}: a spot interruption.

The notice (real-cloud seconds, about 300 on Alibaba Cloud) is scaled by the timing profile (Timing.scaled).
What the notice does to the instance, and what ends it, is products/ecs_spot.py; this file keeps one timer
per notice so that the end comes on time even when no API request arrives (the Docker runtime then removes or
stops the container), and arms the timers again when an emulator starts on a state with notices running.
Works with every runtime: the Docker runtime also writes the termination time into the instance's metadata.
The notice is also the system event ECS `Instance:PreemptibleInstanceInterruption` (level WARN) that CloudMonitor's
event rules match (alarms.py records and posts it).
"""

import threading
import time

from .products import ecs_spot
from .products.base import iso

DEFAULT_NOTICE = 300.0  # seconds: "about five minutes" before release (Alibaba's spot documentation)
MAX_NOTICE = 3600.0
INTERRUPTION_EVENT = "Instance:PreemptibleInstanceInterruption"  # the system event CloudMonitor's rules match


def _notice(body):
    """The notice asked for, or an error message."""
    if not isinstance(body, dict):
        return None, 'the body must be a JSON object such as {"notice_seconds": 300}'
    notice = body.get("notice_seconds", DEFAULT_NOTICE)
    if isinstance(notice, bool) or not isinstance(notice, (int, float)) or not 0 <= notice <= MAX_NOTICE:
        return None, f"notice_seconds must be a number of seconds from 0 to {MAX_NOTICE:g}"
    return float(notice), None


class SpotInterruptions:
    def __init__(self, emulator):
        self.emulator = emulator
        self.lock = threading.Lock()
        self.timers = {}  # instance id -> its notice's timer

    def restore(self):
        """Arm the notices a saved state has (an end already past comes at once)."""
        with self.emulator.store.lock:
            pending = [
                (instance["InstanceId"], instance["_interruption_ends_at"])
                for instance in self.emulator.store.all("instance")
                if instance.get("_interruption_ends_at") is not None
            ]
        for instance_id, ends_at in pending:
            self._arm(instance_id, ends_at)

    def interrupt(self, instance_id, body):
        """(admin HTTP status, answer) of an interruption request."""
        notice, problem = _notice(body)
        if problem:
            return 400, {"error": problem}
        store = self.emulator.store
        with store.lock:
            instance = store.get("instance", instance_id)
            if instance is None:
                return 404, {"error": f"no instance {instance_id}"}
            ctx = self.emulator.context(instance["_region"])
            ends_at = ctx.now + self.emulator.timing.scaled(notice)
            try:
                ecs_spot.interrupt(ctx, instance, ends_at)
            except ecs_spot.InterruptionRefused as refused:
                return refused.status, {"error": refused.message}
            store.save()
            behavior = instance["SpotInterruptionBehavior"]
            self.emulator.alarms.event(
                "ECS",
                INTERRUPTION_EVENT,
                "WARN",
                instance_id,
                {"instanceId": instance_id, "action": behavior.lower(), "endsAt": iso(ends_at)},
            )
        self._arm(instance_id, ends_at)
        return 200, {
            "instance": instance_id,
            "notice_seconds": notice,
            "ends_in": round(ends_at - ctx.now, 3),
            "ends_at": ends_at,
            "behavior": behavior,
        }

    def cancel(self):
        """Forget every timer (the admin reset, the emulator closing; a restart arms them again)."""
        with self.lock:
            timers, self.timers = list(self.timers.values()), {}
        for timer in timers:
            timer.cancel()

    def _arm(self, instance_id, ends_at):
        timer = threading.Timer(max(0.0, ends_at - time.time()), self._end, (instance_id,))
        timer.daemon = True
        with self.lock:
            self.timers[instance_id] = timer
        timer.start()

    def _end(self, instance_id):
        store = self.emulator.store
        with store.lock:
            instance = store.get("instance", instance_id)
            if instance is not None and instance.get("_interruption_ends_at") is not None:
                ecs_spot.end_interruption(self.emulator.context(instance["_region"]), instance)
                store.save()
        with self.lock:
            if self.timers.get(instance_id) is threading.current_thread():
                del self.timers[instance_id]
