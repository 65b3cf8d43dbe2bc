#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: job_status
short_description: Read the status of a background job started with async, without a process per look
version_added: 1.0.0
description:
  - The same as M(ansible.builtin.async_status), with the same options, results and failures (it runs that
    module's code), but on the controller the module runs inside the task's worker, not in a new Python process. A
    task that waits for a background job (C(until) the job is finished, every C(delay) seconds) costs no process per
    look, so it can look often.
  - On a host other than the controller it runs as M(ansible.builtin.async_status) does (said at C(-v)).
author: ha_web.alicloud developers (@ha-web)
options:
  jid:
    description:
      - The job ID, C(ansible_job_id) of the result of the task that started the job (C(async), C(poll=0)).
    type: str
    required: true
  mode:
    description:
      - V(status) reads the job's result; V(cleanup) removes its result file.
    type: str
    choices: [status, cleanup]
    default: status
notes:
  - The setting C(ha_web_alicloud_in_controller=false) (or C(HA_WEB_ALICLOUD_IN_CONTROLLER=false)) makes it run
    as a process of its own, as for the collection's modules.
seealso:
  - module: ansible.builtin.async_status
"""

EXAMPLES = r"""
- name: Make the instances in the background
  ha_web.alicloud.ecs_instance:
    name: "web-{{ item }}"
    image_id: debian_13_x64_20G_alibase_20260101.vhd
    instance_types: [ecs.u1-c1m1.large]
    v_switch_ids: [vsw-1]
    security_group_ids: [sg-1]
  loop: [1, 2]
  async: 1800
  poll: 0
  register: instance_jobs

- name: Wait for them, looking every second at no process per look
  ha_web.alicloud.job_status:
    jid: "{{ item.ansible_job_id }}"
  loop: "{{ instance_jobs.results }}"
  register: instances
  until: instances.finished
  retries: 1800
  delay: 1
"""

RETURN = r"""
ansible_job_id:
  description: The job ID.
  returned: always
  type: str
finished:
  description: Whether the job has ended; its module's result is merged into this one when it has.
  returned: always
  type: bool
started:
  description: Whether the job has started.
  returned: always
  type: bool
results_file:
  description: Where the job's result is kept.
  returned: in mode status
  type: str
erased:
  description: The result file removed.
  returned: in mode cleanup
  type: str
"""
