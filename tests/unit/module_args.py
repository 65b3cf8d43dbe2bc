"""Module arguments for AnsibleModule instances made in a test, on every ansible-core the collection supports."""

import json
from unittest import mock

from ansible.module_utils import basic

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19 (make compat): AnsibleModule reads basic._ANSIBLE_ARGS

    def patch_module_args(args=None):
        return mock.patch.object(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}).encode())


__all__ = ["patch_module_args"]
