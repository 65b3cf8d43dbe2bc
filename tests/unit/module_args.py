"""Module arguments for AnsibleModule instances made in a test, on every ansible-core the collection supports."""

import json
from unittest import mock

from ansible.module_utils import basic
from ansible.module_utils.common.parameters import PASS_VARS

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19 (make compat): AnsibleModule reads basic._ANSIBLE_ARGS

    def patch_module_args(args=None):
        return mock.patch.object(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}).encode())


# The internal argument a controller adds for a module to put `invocation` (its arguments) into its result: from
# ansible-core 2.21 on, a module does so only when asked (INJECT_INVOCATION, false by default); before, always, and
# the argument is unknown (refused as an unsupported parameter).
WITH_INVOCATION = {"_ansible_inject_invocation": True} if "inject_invocation" in PASS_VARS else {}

__all__ = ["WITH_INVOCATION", "patch_module_args"]
