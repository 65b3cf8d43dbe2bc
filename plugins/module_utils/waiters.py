# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting for asynchronous states, declared as data and run by one loop.

A Waiter names the field to watch and which of its values mean success, failure or "keep waiting";
`gone` says what a vanished resource means (success when waiting for a deletion). Anything else is
unexpected and ends the wait with an error, so a typo in a state name cannot make a wait hang.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time


class WaitError(Exception):
    def __init__(self, message, resource=None):
        super(WaitError, self).__init__(message)
        self.resource = resource


class Waiter(object):
    def __init__(self, what, field="Status", success=(), waiting=(), failure=(), gone="fail"):
        self.what = what  # e.g. "instance to be Running", for messages
        self.field = field
        self.success = frozenset(success)
        self.waiting = frozenset(waiting)
        self.failure = frozenset(failure)
        if gone not in ("success", "wait", "fail"):
            raise ValueError("gone must be success, wait or fail")
        self.gone = gone

    def outcome(self, resource):
        """ "success", "failure", "waiting" or "unexpected" for one observation (None = not found)."""
        if resource is None:
            return {"success": "success", "wait": "waiting", "fail": "failure"}[self.gone]
        value = resource.get(self.field)
        if value in self.success:
            return "success"
        if value in self.failure:
            return "failure"
        if value in self.waiting:
            return "waiting"
        return "unexpected"


def poll_delays(first=0.25, factor=1.5, longest=2.0):
    """Short polls first (most transitions are quick), then every `longest` seconds."""
    delay = first
    while True:
        yield delay
        delay = min(longest, delay * factor)


WAIT_FIRST = 0.25  # seconds to the first look
WAIT_SHORT = 0.5  # then a look every half second while most transitions end (a vSwitch, a listener: seconds)
WAIT_SHORT_FOR = 5.0
WAIT_LONG = 1.0  # then every second (an instance, a mount target: tens of seconds)


def wait_delays():
    """The delays between the looks of a wait: a wait ends at most half a second after a change of its first five
    seconds and a second after a later one, at one read a second per resource at most (well inside the rate limits)."""
    yield WAIT_FIRST
    waited = WAIT_FIRST
    while waited < WAIT_SHORT_FOR:
        yield WAIT_SHORT
        waited += WAIT_SHORT
    while True:
        yield WAIT_LONG


def wait_for(waiter, read, timeout, sleep=time.sleep, clock=time.monotonic):
    """Call `read()` until the waiter's success; returns the last observation (None when gone)."""
    deadline = clock() + timeout
    delays = wait_delays()
    while True:
        resource = read()
        outcome = waiter.outcome(resource)
        if outcome == "success":
            return resource
        state = "gone" if resource is None else "%s=%s" % (waiter.field, resource.get(waiter.field))
        if outcome == "failure":
            raise WaitError("gave up waiting for %s: it is %s" % (waiter.what, state), resource)
        if outcome == "unexpected":
            raise WaitError("gave up waiting for %s: unexpected %s" % (waiter.what, state), resource)
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitError(
                "timed out after %ss waiting for %s (still %s); raise wait_timeout or check the resource"
                % (timeout, waiter.what, state),
                resource,
            )
        sleep(min(next(delays), remaining))
