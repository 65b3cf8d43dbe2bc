"""hold_resource_lock: a second task for the same named resource waits until the first task's process ends."""

import os
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
from ansible_collections.ha_web.alicloud.plugins.module_utils import locks
from ansible_collections.ha_web.alicloud.tests.unit.lock_probe import lock_is_free

TASK = SimpleNamespace(region_id="cn-hangzhou", params={"endpoint_url": "http://127.0.0.1:1"})
HOLDER = """
import sys, time
from ansible_collections.ha_web.alicloud.plugins.module_utils import locks
locks.LOCK_DIRECTORY = sys.argv[1]
from types import SimpleNamespace
task = SimpleNamespace(region_id="cn-hangzhou", params={"endpoint_url": "http://127.0.0.1:1"})
locks.hold_resource_lock(task, "vpc", "web")
print("held", flush=True)
time.sleep(1.5)
"""


def test_the_second_holder_waits_for_the_first_task_to_end(tmp_path, monkeypatch):
    monkeypatch.setattr(locks, "LOCK_DIRECTORY", str(tmp_path))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))  # the collection as this process imports it
    command = [sys.executable, "-c", HOLDER, str(tmp_path)]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert first.stdout.readline().strip() == "held"
    began = time.monotonic()
    locks.hold_resource_lock(TASK, "vpc", "other")  # another name: not held
    assert time.monotonic() - began < 0.5
    locks.hold_resource_lock(TASK, "vpc", "web")
    waited = time.monotonic() - began
    first.wait()
    first.stdout.close()
    assert waited >= 1.0 and first.returncode == 0


def test_release_held_locks_frees_every_lock_this_process_holds(tmp_path, monkeypatch):
    """What a module run inside the task worker leaves: the next run in the same process gets the same lock."""
    monkeypatch.setattr(locks, "LOCK_DIRECTORY", str(tmp_path))
    monkeypatch.setattr(locks, "_held", [])
    paths = [locks.lock_path("http://127.0.0.1:1", "cn-hangzhou", "vpc", [name]) for name in ("web", "db")]
    descriptors = [locks.hold_resource_lock(TASK, "vpc", name) for name in ("web", "db")]
    assert locks._held == descriptors
    assert not any(lock_is_free(path) for path in paths)

    locks.release_held_locks()

    assert locks._held == []
    assert all(lock_is_free(path) for path in paths)
    for descriptor in descriptors:  # closed, not only unlocked: a worker running many items leaks no descriptor
        with pytest.raises(OSError):
            os.fstat(descriptor)
    locks.release_held_locks()  # nothing held: nothing to do
