# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one of the collection's modules as a background job (`async`) from the task's worker, without a new Python.

ansible-core's way, for a module process, is async_wrapper: a new Python that starts the module as one more new
Python (importing the SDK again), watches it and writes its result to the job file that async_status reads. This does
the same with forks of the task's worker, which has the module's code and the SDK imported already:

- the job file `<async dir>/<job id>` says `started` before the worker returns, so the first look never misses it;
- a supervisor, in a session of its own (the play's end or a Ctrl-C on the controller's terminal does not stop the
  job, as with async_wrapper), starts the job and kills it when it runs past the task's `async` seconds, writing
  "Timeout exceeded" as the job's result;
- the job runs the module in its process (plugin_utils/in_process.py) and writes what the module printed (its
  result, as async_wrapper writes it), or a failure that says what went wrong.

The forks end with os._exit: the controller's exit handlers (which remove its temporary directory) never run in them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import secrets
import signal
import time
import traceback

from ansible.module_utils.json_utils import _filter_non_json_lines

from ansible_collections.ha_web.alicloud.plugins.module_utils import locks
from ansible_collections.ha_web.alicloud.plugins.plugin_utils import in_process

# How often the supervisor looks whether the job has ended.
LOOK_SECONDS = 0.2


def write_job_file(job_path, data):
    """The job's state, replaced at once (async_status never reads half a file)."""
    partial = job_path + ".tmp"
    with open(partial, "w") as job_file:
        job_file.write(json.dumps(data))
    os.rename(partial, job_path)


def job_result(rc, stdout, stderr):
    """What async_wrapper writes for a module that printed `stdout`: its JSON result, with `stderr` when any."""
    try:
        json_text, junk = _filter_non_json_lines(stdout)
        result = json.loads(json_text)
    except ValueError:
        return {
            "failed": True,
            "msg": "MODULE FAILURE: the module printed no result",
            "rc": rc,
            "data": stdout,
            "stderr": stderr,
        }
    if junk:
        result["warnings"] = list(result.get("warnings") or []) + junk
    if stderr:
        result["stderr"] = stderr
    return result


def start(module_fqn, arguments, environment, async_dir, time_limit):
    """Start the module `module_fqn` with `arguments` as a background job of at most `time_limit` seconds; returns
    what async_wrapper returns to the task: the job's ID and file."""
    os.makedirs(async_dir, exist_ok=True)
    job_id = "j%d.%d" % (secrets.randbelow(999999999999), os.getpid())
    job_path = os.path.join(async_dir, job_id)
    write_job_file(job_path, {"started": True, "finished": False, "ansible_job_id": job_id})
    first = os.fork()
    if first == 0:  # leaves at once, so that the supervisor is nobody's child (no zombie left in the worker)
        _exit_after(_detached, module_fqn, arguments, environment, job_path, time_limit)
    os.waitpid(first, 0)
    return {"started": True, "finished": False, "ansible_job_id": job_id, "results_file": job_path, "changed": True}


def _exit_after(function, *arguments):
    code = 0
    try:
        function(*arguments)
    except BaseException:  # nothing may leave a fork of the worker but os._exit
        code = 1
    finally:
        os._exit(code)


def _detached(module_fqn, arguments, environment, job_path, time_limit):
    os.setsid()
    if os.fork() == 0:
        _exit_after(_supervise, module_fqn, arguments, environment, job_path, time_limit)


def _quiet_streams():
    """Standard streams on /dev/null and no other file of the worker's kept open: nothing of the job reaches the
    controller's terminal, and a reader of ansible-playbook's output does not wait for the job to end."""
    null = os.open(os.devnull, os.O_RDWR)
    for stream in (0, 1, 2):
        os.dup2(null, stream)
    os.close(null)
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))


def _supervise(module_fqn, arguments, environment, job_path, time_limit):
    _quiet_streams()
    locks.forget_held_locks()  # closed with the worker's other files: the worker's own to release
    job = os.fork()
    if job == 0:
        _exit_after(_run_job, module_fqn, arguments, environment, job_path)
    deadline = time.monotonic() + time_limit
    while os.waitpid(job, os.WNOHANG) == (0, 0):
        if time.monotonic() >= deadline:
            os.killpg(job, signal.SIGKILL)
            os.waitpid(job, 0)
            write_job_file(job_path, {"failed": True, "msg": "Timeout exceeded", "child_pid": job})
            return
        time.sleep(LOOK_SECONDS)


def _run_job(module_fqn, arguments, environment, job_path):
    os.setpgid(0, 0)  # a group of its own: the supervisor kills it with whatever it started
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
    try:
        result = job_result(*in_process.run_module(module_fqn, arguments, environment))
    except Exception:  # a job must always end with a result in its file
        result = {"failed": True, "msg": traceback.format_exc()}
    write_job_file(job_path, result)
