"""Spot interruptions (started by the admin API, spot_interruptions.py): the notice and what ends it.

From the notice on, the instance shows OperationLocks `Recycling` (the API's "locked and pending release" of
spot instances), refuses every state change as a released instance does, and its metadata answers
instance/spot/termination-time. At the end of the notice it is released (SpotInterruptionBehavior `Terminate`,
the default) or stopped in economical mode (`Stop`, StoppedMode StopCharging), both without a graceful OS
shutdown (the harsher guess: how the cloud stops the machine is not documented).
"""

from .ecs_instances import RELEASE_LOCK, observed_status, release, stopper


class InterruptionRefused(Exception):
    """An instance that cannot be interrupted: (admin HTTP status, message)."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def interrupt(ctx, instance, ends_at):
    """Give the notice: the instance goes at `ends_at` (epoch seconds)."""
    instance_id = instance["InstanceId"]
    if instance["SpotStrategy"] == "NoSpot":
        raise InterruptionRefused(
            409,
            f"instance {instance_id} is not a spot instance (SpotStrategy NoSpot): only spot instances can be"
            " interrupted",
        )
    if instance["_deleting"]:
        raise InterruptionRefused(409, f"instance {instance_id} is being released")
    if instance.get("_interruption_ends_at") is not None:
        raise InterruptionRefused(409, f"instance {instance_id} is interrupted already")
    instance["_interruption_ends_at"] = ends_at
    instance["OperationLocks"] = {"LockReason": [dict(RELEASE_LOCK)]}
    ctx.runtime.changed("instance", "interrupted", instance, ctx.store)


def end_interruption(ctx, instance):
    """The end of the notice: release the instance, or stop it (SpotInterruptionBehavior Stop)."""
    instance["_interruption_ends_at"] = None
    if instance.get("SpotInterruptionBehavior") != "Stop":
        release(ctx, instance)
        return
    instance["OperationLocks"] = {"LockReason": []}
    if observed_status(ctx, instance) in ("Pending", "Starting", "Running"):
        stopper("StopCharging", force=True)(ctx, instance)
    else:
        instance["_stopped_mode"] = "StopCharging"
