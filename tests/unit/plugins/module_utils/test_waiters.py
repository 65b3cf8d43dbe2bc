"""Waiters: success, failure, unexpected states, vanished resources and timeouts."""

import pytest
from ansible_collections.ha_web.alicloud.plugins.module_utils.waiters import (
    Waiter,
    WaitError,
    poll_delays,
    wait_delays,
    wait_for,
)

RUNNING = Waiter("instance to be Running", success=["Running"], waiting=["Pending", "Starting"], failure=["Stopped"])
GONE = Waiter("instance to be deleted", waiting=["Stopping", "Stopped"], gone="success")


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def observations(*statuses):
    items = [None if s is None else {"Status": s} for s in statuses]
    return lambda: items.pop(0) if len(items) > 1 else items[0]


def test_waits_through_intermediate_states():
    clock = Clock()
    found = wait_for(RUNNING, observations("Pending", "Starting", "Running"), 60, clock.sleep, clock)
    assert found == {"Status": "Running"} and 0 < clock.now < 2


def test_failure_state_ends_the_wait():
    clock = Clock()
    with pytest.raises(WaitError, match="Status=Stopped"):
        wait_for(RUNNING, observations("Starting", "Stopped"), 60, clock.sleep, clock)


def test_unexpected_state_ends_the_wait():
    clock = Clock()
    with pytest.raises(WaitError, match="unexpected Status=Exploded"):
        wait_for(RUNNING, observations("Exploded"), 60, clock.sleep, clock)


def test_vanishing_is_success_for_deletions_and_failure_otherwise():
    clock = Clock()
    assert wait_for(GONE, observations("Stopping", None), 60, clock.sleep, clock) is None
    with pytest.raises(WaitError, match="gone"):
        wait_for(RUNNING, observations(None), 60, clock.sleep, clock)
    appears = Waiter("VPC to be Available", success=["Available"], waiting=["Pending"], gone="wait")
    assert wait_for(appears, observations(None, None, "Available"), 60, clock.sleep, clock) == {"Status": "Available"}


def test_timeout_names_the_state_and_the_fix():
    clock = Clock()
    with pytest.raises(WaitError) as raised:
        wait_for(RUNNING, observations("Starting"), 10, clock.sleep, clock)
    assert "timed out after 10s" in str(raised.value) and "Status=Starting" in str(raised.value)
    assert "wait_timeout" in str(raised.value)
    assert 10 <= clock.now < 10.01


def test_polls_start_short_and_stay_bounded():
    delays = poll_delays()
    first = [next(delays) for _poll in range(10)]
    assert first[0] == 0.25 and first == sorted(first) and max(first) == 2.0


def test_a_wait_looks_every_half_second_for_five_seconds_then_every_second():
    delays = wait_delays()
    looks = [next(delays) for _look in range(14)]
    assert looks == [0.25] + [0.5] * 10 + [1.0] * 3


def test_bad_gone_value_is_refused():
    with pytest.raises(ValueError):
        Waiter("x", gone="maybe")
