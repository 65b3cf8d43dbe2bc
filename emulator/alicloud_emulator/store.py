"""The emulated cloud's state: resources by kind, their timed transitions, ClientTokens; saved to disk.

A resource is a dict holding its API fields (PascalCase, as Describe returns them) and private
fields that start with `_`: `_kind`, `_id` (its id in the API), `_key` (its key in the store: the id, or
`region/id` for what the API names only within a region, as key pairs and NAS access groups), `_region`,
`_created_at`, `_tags` (a plain dict) and `_transitions` (pending `[at, field, value]` changes that apply once
their time has come, so asynchronous states need no background thread and survive a restart).

A kind's own private fields (an instance's `_private_ip`, `_vswitch_id`, ...) are listed, with what each holds
and which other files read it, in the `PRIVATE_FIELDS` table of the product module that creates the kind
(`products/ecs_instances.py`, `ecs_security_groups.py`, `vpc.py`, `slb_load_balancers.py`,
`slb_listeners.py`, `nas.py`);
emulator/tests/test_private_fields.py checks the tables against the code.

The saved file carries STATE_FORMAT; a change to the shape of what is stored (a field every resource of a kind must
have, as MetadataOptions) raises it, and a file of another format is refused with how to start afresh, not read into
a traceback later.
"""

import json
import os
import tempfile
import threading
import time

GONE = "_gone"  # a transition on this field removes the resource when it comes due
# The private fields every resource has (see the docstring), and GONE.
COMMON_FIELDS = ("_kind", "_id", "_key", "_region", "_created_at", "_tags", "_transitions", GONE)
STATE_FORMAT = 2  # 1: the files saved before it was written (instances without MetadataOptions)


class StateFormatError(RuntimeError):
    """The state file was saved by another version of the emulator."""


def regional_key(region, name):
    """The store key of something the API names only within its region (the same name may exist in another)."""
    return f"{region}/{name}"


def public_fields(resource):
    return {k: v for k, v in resource.items() if not k.startswith("_")}


class Store:
    def __init__(self, path=None, on_transition=None):
        self.lock = threading.RLock()
        self.path = path
        self.on_transition = on_transition
        self.resources = {}
        self.tokens = {}
        if path and os.path.exists(path):
            self._load()

    # persistence ---------------------------------------------------------------------------
    def _load(self):
        with open(self.path, encoding="utf-8") as handle:
            data = json.load(handle)
        found = data.get("format", 1)
        if found != STATE_FORMAT:
            directory = os.path.dirname(os.path.abspath(self.path))
            raise StateFormatError(
                f"{self.path} was saved by another version of the emulator (state format {found}, this one reads "
                f"{STATE_FORMAT}); start afresh: alicloud-emulator down --state-dir {directory} && rm -r {directory}"
            )
        self.resources = data.get("resources", {})
        self.tokens = data.get("tokens", {})

    def save(self):
        if not self.path:
            return
        with self.lock:
            text = json.dumps({"format": STATE_FORMAT, "resources": self.resources, "tokens": self.tokens})
        directory = os.path.dirname(os.path.abspath(self.path))
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".state-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, self.path)

    def reset(self):
        with self.lock:
            self.resources = {}
            self.tokens = {}
        self.save()

    # resources ------------------------------------------------------------------------------
    def add(self, kind, resource_id, resource, region=None, key=None):
        """Keep a new resource under `key` (default: its id; see `regional_key`)."""
        key = resource_id if key is None else key
        resource.update(
            {
                "_kind": kind,
                "_id": resource_id,
                "_key": key,
                "_region": region,
                "_created_at": time.time(),
                "_tags": resource.get("_tags", {}),
                "_transitions": [],
            }
        )
        self.resources.setdefault(kind, {})[key] = resource
        return resource

    def get(self, kind, key):
        resource = self.resources.get(kind, {}).get(key)
        if resource is not None:
            self.settle(resource)
            if resource.get(GONE):
                return None
        return resource

    def all(self, kind, region=None):
        """Every live resource of a kind (in creation order), optionally of one region."""
        found = []
        for resource in list(self.resources.get(kind, {}).values()):
            self.settle(resource)
            if resource.get(GONE):
                continue
            if region is None or resource["_region"] == region:
                found.append(resource)
        return found

    def find(self, kind, region=None, **fields):
        return [r for r in self.all(kind, region) if all(r.get(k) == v for k, v in fields.items())]

    def remove(self, kind, key):
        self.resources.get(kind, {}).pop(key, None)

    # timed transitions ----------------------------------------------------------------------
    def schedule(self, resource, steps, now=None):
        """Queue `(delay, field, value)` steps, each delay counted from the previous step.

        Replaces whatever was still pending: a new operation decides the resource's future.
        A zero delay applies at once.
        """
        at = time.time() if now is None else now
        resource["_transitions"] = []
        for delay, field, value in steps:
            at += delay
            resource["_transitions"].append([at, field, value])
        self.settle(resource)

    def settle(self, resource, now=None):
        pending = resource.get("_transitions")
        if not pending:
            return
        now = time.time() if now is None else now
        while pending and pending[0][0] <= now:
            _, field, value = pending.pop(0)
            old = resource.get(field)
            resource[field] = value
            if field == GONE:
                self.remove(resource["_kind"], resource.get("_key", resource["_id"]))
            if self.on_transition:
                self.on_transition(resource, field, old, value)

    def next_transition(self, resource):
        pending = resource.get("_transitions")
        return pending[0][0] if pending else None

    # ClientToken idempotency ----------------------------------------------------------------
    def token(self, key):
        return self.tokens.get(key)

    def remember_token(self, key, digest, response):
        self.tokens[key] = {"digest": digest, "response": response, "at": time.time()}
