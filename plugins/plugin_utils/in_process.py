# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one of the collection's modules in this process, as AnsiballZ would run it in a new one.

The module gets its arguments the way AnsiballZ hands them over (JSON in `basic._ANSIBLE_ARGS`, with the
serialization profile), runs as `__main__` from its own code, and prints its result; what it printed is returned
with an exit code, as a module process would give them to the controller. Everything a module run leaves in the
process is put back afterwards, so the next loop item or `until` retry in the same worker starts clean: the task's
environment, the working directory, the standard streams, `sys.argv`, the warnings and deprecations the module
collected, and the locks it held (module_utils/locks.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import io
import json
import os
import sys
import warnings as python_warnings

from ansible.module_utils import basic
from ansible.module_utils._internal._ansiballz import _loader as ansiballz_loader
from ansible.module_utils.common import warnings
from ansible.module_utils.common.json import Direction, get_module_encoder

from ansible_collections.ha_web.alicloud.plugins.module_utils import locks

# The directory that holds ansible_collections/ha_web/alicloud (what AnsiballZ calls the module library path).
COLLECTIONS_ROOT = os.path.abspath(__file__)
for _level in range(5):
    COLLECTIONS_ROOT = os.path.dirname(COLLECTIONS_ROOT)

# The profile AnsiballZ uses for a module that declares no METADATA (none of the collection's does).
PROFILE = "legacy"


def encode_arguments(arguments):
    """The module's arguments as AnsiballZ hands them over: JSON bytes (tagged values become plain JSON)."""
    wrapped = {"ANSIBLE_MODULE_ARGS": arguments}
    return json.dumps(wrapped, cls=get_module_encoder(PROFILE, Direction.CONTROLLER_TO_MODULE)).encode("utf-8")


@contextlib.contextmanager
def task_environment(environment):
    """The task's `environment:` set in os.environ for the module's run, then the process's own put back."""
    saved = dict(os.environ)
    os.environ.update({str(k): str(v) for k, v in environment.items()})
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def module_state():
    """What a module run changes in the process, put back afterwards (the module's own globals are new each run)."""
    saved_cwd, saved_argv = os.getcwd(), list(sys.argv)
    saved_args = (basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE)
    warnings._global_warnings.clear()
    warnings._global_deprecations.clear()
    try:
        yield
    finally:
        locks.release_held_locks()
        warnings._global_warnings.clear()
        warnings._global_deprecations.clear()
        basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE = saved_args
        sys.argv[:] = saved_argv
        os.chdir(saved_cwd)


def _run_as_main(module_fqn, json_params):
    """The module's code as AnsiballZ runs it: it prints its result and exits (SystemExit)."""
    with python_warnings.catch_warnings():
        # runpy warns that the module was imported already: the action plugin did, for its module_utils and the SDK.
        python_warnings.filterwarnings("ignore", "'%s' found in sys.modules" % module_fqn, RuntimeWarning)
        _run_module_code(module_fqn, json_params)


def _run_module_code(module_fqn, json_params):
    # AnsiballZ's own loader: it also turns an exception the module did not handle into the failed result it prints.
    ansiballz_loader.run_module(
        json_params=json_params, profile=PROFILE, module_fqn=module_fqn, modlib_path=COLLECTIONS_ROOT, extensions={}
    )


def run_module(module_fqn, arguments, environment):
    """Run the module `module_fqn` (a Python module name) with `arguments` (internal ones included) in this process.

    Returns (rc, stdout, stderr) as the module's own process would have given them.
    """
    json_params = encode_arguments(arguments)
    stdout, stderr = io.StringIO(), io.StringIO()
    rc = 0
    streams = (contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr))
    with module_state(), task_environment(environment), streams[0], streams[1]:
        try:
            _run_as_main(module_fqn, json_params)
        except SystemExit as done:
            rc = _exit_code(done.code)
    return rc, stdout.getvalue(), stderr.getvalue()


def _exit_code(code):
    """sys.exit's argument as the exit status a process would have."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)  # sys.exit("message"): Python prints it and exits with 1
    return 1
