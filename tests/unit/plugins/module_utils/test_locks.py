"""hold_resource_lock: a second task for the same named resource waits until the first task's process ends."""

import os
import subprocess
import sys
import time
from types import SimpleNamespace

from ansible_collections.ha_web.alicloud.plugins.module_utils import locks

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
