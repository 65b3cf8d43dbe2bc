# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A create that meets what another run has just made: adopt it instead of failing.

Two runs of the same playbook (two operators, two CI jobs) both look for a resource, both find none and
both create it. Where the cloud keeps such a resource unique (a mount target per vSwitch, a listener per
port, an access group per name, a vSwitch per CIDR block), the later create is refused with an
"already exists" code; the resource it meets is the one the other run made, and the task goes on as if it
had found it in the first place.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError, is_code
from ansible_collections.ha_web.alicloud.plugins.module_utils.waiters import WaitError, Waiter, wait_for

# A resource another run has just made may take a moment to be listed (eventual consistency).
LISTED = Waiter("the resource another run has just made to be listed", field="Listed", success=[True], gone="wait")
LOOK_AGAIN_SECONDS = 10


def create_or_adopt(
    create, look_again, adopt, codes, timeout=LOOK_AGAIN_SECONDS, sleep=time.sleep, clock=time.monotonic
):
    """`create()`; when the cloud answers one of `codes` ("already exists"), `adopt(look_again())` instead.

    look_again() finds the resource as the task's own look-up does (None when it does not); it is tried
    until it finds it, for at most `timeout` seconds. If it never does, the conflict was with something
    else (another resource holding the same CIDR block, say) and the cloud's error is raised as it came.
    Returns what create() or adopt() returns.
    """
    try:
        return create()
    except AlicloudApiError as error:
        if not is_code(error, *codes):
            raise
        conflict = error
    try:
        found = wait_for(LISTED, lambda: _listed(look_again()), timeout, sleep, clock)
    except WaitError:
        found = None
    if found is None:
        raise conflict
    return adopt(found["Resource"])


def _listed(resource):
    return None if resource is None else {"Listed": True, "Resource": resource}
