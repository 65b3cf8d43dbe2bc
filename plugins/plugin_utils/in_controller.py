# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin that runs the collection's modules inside the task's worker, not in a new Python process.

The linear and free strategies load a task's action plugin in the controller process before they fork the task's
worker. Each module has a small action plugin of the same name (plugins/action/<module>.py) whose class is this
one: loading it imports the module's code and the SDK of the products it declares, once per `ansible-playbook`,
and every worker inherits them. The worker then runs the module's own code in its own process (plugin_utils/
in_process.py) with exactly the arguments the module's process would get, and parses what the module printed the
way ansible-core parses a module process's output: the same result, warnings, `invocation` and failures.

A task with `async` runs its module as a background job forked from the worker (plugin_utils/in_background.py), with
the job file async_status and ha_web.alicloud.job_status read, instead of async_wrapper's two new Python processes.

Ordinary module execution (a new process, as for any module) is the fallback, said at -v, when the task:
- does not run on the controller: its connection is not `local` (e.g. `delegate_to` a remote host);
- runs with `become`, or with an `ansible_python_interpreter` other than the controller's Python;
- or asks for it: `ha_web_alicloud_in_controller: false` (a variable), or the environment variable
  HA_WEB_ALICLOUD_IN_CONTROLLER=false when that variable is not set.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import os
import sys
from collections.abc import Sequence

from ansible.errors import AnsibleActionFail
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action.normal import ActionModule as NormalAction
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash

from ansible_collections.ha_web.alicloud.plugins.module_utils import clients
from ansible_collections.ha_web.alicloud.plugins.plugin_utils import in_background, in_process

try:
    from ansible.vars.clean import remove_internal_keys
except ImportError:  # pragma: no cover - moved or gone in a later ansible-core: results come as objects there
    remove_internal_keys = None

display = Display()

SETTING = "ha_web_alicloud_in_controller"
SETTING_ENVIRONMENT = "HA_WEB_ALICLOUD_IN_CONTROLLER"


def module_fqn(resolved_action):
    """`ha_web.alicloud.vpc` -> `ansible_collections.ha_web.alicloud.plugins.modules.vpc`;
    `ansible.builtin.async_status` -> `ansible.modules.async_status`."""
    namespace, collection, name = resolved_action.split(".")
    if (namespace, collection) in (("ansible", "builtin"), ("ansible", "legacy")):
        return "ansible.modules.%s" % name
    return "ansible_collections.%s.%s.plugins.modules.%s" % (namespace, collection, name)


def runs_in_worker(action, task_vars):
    """Whether the task of `action` runs its module in this worker; why not is said at -v."""
    reason = fallback_reason(action, task_vars)
    if reason:
        display.v("%s: runs as an ordinary module process: %s" % (action._task.action, reason))
    return reason is None


def fallback_reason(action, task_vars):
    """Why the task of `action` runs its module in a process of its own, or None to run it in this worker."""
    transport = getattr(action._connection, "transport", None)
    if transport != "local":
        return "the task runs on %s over the %s connection" % (action._play_context.remote_addr, transport)
    if action._play_context.become:
        return "the task runs with become"
    host_vars = task_vars  # the variables of the host the module runs on: the delegate's, with delegate_to
    if action._task.delegate_to:
        host_vars = task_vars.get("ansible_delegated_vars", {}).get(action._task.delegate_to, task_vars)
    interpreter = host_vars.get("ansible_python_interpreter")
    if interpreter:
        interpreter = action._templar.template(interpreter)
        if os.path.realpath(str(interpreter)) != os.path.realpath(sys.executable):
            return "ansible_python_interpreter is %s, not the controller's %s" % (interpreter, sys.executable)
    if not in_controller_wanted(action, task_vars):
        return "%s is false" % SETTING
    return None


def in_controller_wanted(action, task_vars):
    """The setting: the variable, else the environment variable, else true."""
    if task_vars.get(SETTING) is not None:
        value, name = action._templar.template(task_vars[SETTING]), SETTING
    else:
        value, name = os.environ.get(SETTING_ENVIRONMENT), SETTING_ENVIRONMENT
    if value is None or value == "":
        return True
    try:
        return boolean(value, strict=True)
    except TypeError:
        raise AnsibleActionFail("%s must be true or false, not %r" % (name, value)) from None


def preload(action_module_name, products):
    """Import, in the process that loads the action plugin `action_module_name`, what its module's runs need: the
    module's code (with the collection's module_utils) and the SDK of `products`. Called at the plugin's import."""
    importlib.import_module(action_module_name.replace(".plugins.action.", ".plugins.modules."))
    clients.preload(products)


class InControllerAction(NormalAction):
    """Runs the task's module in this worker (see the module's docstring); ordinary module execution otherwise."""

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        if not runs_in_worker(self, task_vars):
            return super(InControllerAction, self).run(tmp, task_vars)
        result = super(NormalAction, self).run(tmp, task_vars)  # ActionBase's checks: async, check mode, options
        if self._task.async_val:
            return merge_hash(result, start_in_background(self, task_vars))
        return merge_hash(result, self.run_in_worker(task_vars))

    # the module in this worker ------------------------------------------------------------------------------
    def run_in_worker(self, task_vars):
        """The task's module's result, as `_execute_module` returns a module process's result."""
        return execute_in_worker(self, task_vars, self._task.action, dict(self._task.args), self._task.resolved_action)


def start_in_background(action, task_vars):
    """What `action._execute_module(wrap_async=True)` returns (the job's ID and file), with the task's module
    started as a background job forked from this worker."""
    arguments, environment = module_call(action, task_vars, action._task.action, dict(action._task.args))
    async_dir = os.path.expanduser(action.get_shell_option("async_dir", default="~/.ansible_async"))
    module = module_fqn(action._task.resolved_action)
    return in_background.start(module, arguments, environment, async_dir, int(action._task.async_val))


def module_call(action, task_vars, module_name, arguments):
    """The module's arguments (`arguments` with the internal ones added, as for its process) and the task's
    environment, as `_execute_module` would hand them to the module's process."""
    action._update_module_args(module_name, arguments, task_vars)
    environment = {}
    action._compute_environment_string(environment)
    return arguments, environment


def execute_in_worker(action, task_vars, module_name, arguments, resolved_name):
    """What `action._execute_module(module_name, arguments)` returns, with the module (`resolved_name`, e.g.
    `ha_web.alicloud.vpc` or `ansible.builtin.async_status`) run in this worker instead of a process of its own."""
    arguments, environment = module_call(action, task_vars, module_name, arguments)
    rc, stdout, stderr = in_process.run_module(module_fqn(resolved_name), arguments, environment)
    return module_result(action, dict(rc=rc, stdout=stdout, stderr=stderr, stdout_lines=stdout.splitlines()))


def module_result(action, answer):
    """What `_execute_module` makes of a module process's answer (rc, stdout, stderr)."""
    if remove_internal_keys is None:  # pragma: no cover - ansible-core 2.21: a UnifiedTaskResult
        unified = action._parse_returned_data(answer, in_process.PROFILE)
        unified.remove_internal_keys()
        return unified.as_result_dict(for_round_trip=True)
    data = action._parse_returned_data(answer, in_process.PROFILE)
    data.pop("_ansible_suppress_tmpdir_delete", None)  # no temporary directory was made
    results = data.get("results")
    if results is not None and (not isinstance(results, Sequence) or isinstance(results, str)):
        data["ansible_module_results"] = data.pop("results")
        display.warning("Found internal 'results' key in module return, renamed to 'ansible_module_results'.")
    remove_internal_keys(data)
    for stream in ("stdout", "stderr"):
        if stream in data and stream + "_lines" not in data:
            data[stream + "_lines"] = (data.get(stream) or "").splitlines()
    return data
