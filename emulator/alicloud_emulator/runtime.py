"""The seam between the control plane and whatever runs the resources (the data plane).

The control plane keeps the API state and calls the runtime after it changes something; the runtime
may run real things (containers, a load balancer, shares) and may report what it observes. The
control plane never knows how instances are run. `NullRuntime` runs nothing: pure API emulation.
"""


class NullRuntime:
    name = "none"

    def start(self, emulator):
        """Called once the emulator is built (state loaded), before it serves requests."""

    def changed(self, kind, event, resource, store):
        """After an action changed a resource: kind e.g. `instance`, event e.g. `created`, `stopped`."""

    def reset(self, store):
        """After the admin reset emptied `store`: forget (and remove) what the runtime runs."""

    def observe(self, kind, resource):
        """Fields the runtime sees differently from the API state (e.g. a crashed instance's Status)."""
        return {}

    def backend_health(self, load_balancer, listener, server):
        """`normal`, `abnormal` or `unavailable` as the load balancer's checks see it; None = not known."""
        return None

    def admin(self, method, path, body):
        """Runtime-specific admin endpoints (under /_emulator/runtime/); None = not handled."""
        return None

    def shutdown(self, remove=False):
        """Stop what the runtime started; `remove=True` also removes what it created."""
