"""What the create helpers of a module use of an AlicloudModule, for a scripted cloud: a subclass answers `call`."""


class Failed(Exception):
    """The module failed (AlicloudModule.fail): its message."""


class ScriptedModule:
    region_id = "r-1"

    def __init__(self):
        self.calls = []
        self.waited = []
        self.params = {"wait_timeout": 60}

    def wait(self, waiter, read, timeout):
        """Read until the waiter's success, recording which waiter was used (no sleeping)."""
        self.waited.append(waiter)
        while True:
            found = read()
            if found["Status"] in waiter.success:
                return found

    def fail(self, msg, **result):
        raise Failed(msg)
