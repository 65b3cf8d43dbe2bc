"""create_or_adopt: a create refused with "already exists" adopts what another run has just made."""

import pytest
from ansible_collections.ha_web.alicloud.plugins.module_utils.conflicts import create_or_adopt
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError

EXISTS = ("InvalidMountTarget.AlreadyExisted",)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def refused(code):
    def create():
        raise AlicloudApiError(code, "refused", status=403)

    return create


def lookups(*answers):
    items = list(answers)
    return lambda: items.pop(0) if len(items) > 1 else items[0]


def test_a_create_that_succeeds_is_returned_as_it_is():
    result = create_or_adopt(lambda: (True, "made"), lambda: pytest.fail("no look-up"), pytest.fail, EXISTS)
    assert result == (True, "made")


def test_already_exists_adopts_what_the_look_up_finds_once_it_is_listed():
    clock = Clock()
    result = create_or_adopt(
        refused("InvalidMountTarget.AlreadyExisted"),
        lookups(None, None, {"MountTargetDomain": "theirs"}),
        lambda found: (False, found),
        EXISTS,
        sleep=clock.sleep,
        clock=clock,
    )
    assert result == (False, {"MountTargetDomain": "theirs"}) and 0 < clock.now < 5


def test_already_exists_with_nothing_to_adopt_raises_the_cloud_error():
    clock = Clock()
    with pytest.raises(AlicloudApiError) as raised:
        create_or_adopt(
            refused("InvalidMountTarget.AlreadyExisted"), lambda: None, pytest.fail, EXISTS, timeout=10,
            sleep=clock.sleep, clock=clock,
        )  # fmt: skip
    assert raised.value.code == "InvalidMountTarget.AlreadyExisted" and clock.now >= 10


def test_other_errors_are_not_adopted():
    with pytest.raises(AlicloudApiError, match="QuotaExceeded"):
        create_or_adopt(refused("QuotaExceeded.Vpc"), lambda: pytest.fail("no look-up"), pytest.fail, EXISTS)
