# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ha_web.alicloud.job_status: ansible.builtin.async_status, whose module runs in the task's worker on the controller
(plugin_utils/in_controller.py), so that waiting for a background job costs no process per look."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action.async_status import ActionModule as AsyncStatusAction

from ansible_collections.ha_web.alicloud.plugins.plugin_utils.in_controller import execute_in_worker, runs_in_worker

ASYNC_STATUS = "ansible.builtin.async_status"


class ActionModule(AsyncStatusAction):
    def _execute_module(self, module_name=None, module_args=None, task_vars=None, **kwargs):
        """async_status's own module: in this worker on the controller, else as async_status runs it."""
        if not runs_in_worker(self, task_vars or {}):
            return super()._execute_module(module_name, module_args, task_vars=task_vars, **kwargs)
        return execute_in_worker(self, task_vars or {}, module_name, dict(module_args), ASYNC_STATUS)
