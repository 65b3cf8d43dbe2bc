# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module ha_web.alicloud.site_info, run inside the task's worker: plugin_utils/in_controller.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ha_web.alicloud.plugins.plugin_utils.in_controller import InControllerAction, preload

preload(__name__, products=("vpc", "nas", "slb", "ecs"))


class ActionModule(InControllerAction):
    pass
